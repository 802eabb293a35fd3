-- Users, their web sessions and API tokens, and the audit trail. Secrets
-- are stored only as digests: an argon2 hash for passwords, SHA-256 for the
-- random session and API tokens.

CREATE TABLE app_user (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'collector', 'legal', 'viewer')),
    language TEXT CHECK (language IN ('es', 'en')),
    active BIGINT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE web_session (
    token_sha256 TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES app_user (id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX web_session_user ON web_session (user_id);

CREATE TABLE api_token (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES app_user (id),
    token_sha256 TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked BIGINT NOT NULL
);

-- Append-only: who did what, when.
CREATE TABLE audit_event (
    id INTEGER PRIMARY KEY,
    occurred_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT
);

CREATE INDEX customer_collector ON customer (portfolio_id, collector);
CREATE INDEX task_assignee ON task (assigned_to, status, due_on);
