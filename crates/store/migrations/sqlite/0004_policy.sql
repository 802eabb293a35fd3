-- Versions of each portfolio's collection policy. The version in force on
-- a date is the one with the latest effective date on or before it;
-- versions are never changed, a change is a new version.
CREATE TABLE policy_version (
    id INTEGER PRIMARY KEY,
    portfolio_id BIGINT NOT NULL REFERENCES portfolio (id),
    effective_on TEXT NOT NULL,
    policy_toml TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (portfolio_id, effective_on)
);

-- Who carries out a task: the assigned collector, a manager or legal staff.
ALTER TABLE task ADD COLUMN owner TEXT NOT NULL DEFAULT 'collector';
