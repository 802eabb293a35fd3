-- Teams of collectors with a capacity per member, the ordered rules that
-- send unassigned customers to a team, and the stricter relationship
-- statuses the daily run suggests for a manager to confirm.

CREATE TABLE team (
    id INTEGER PRIMARY KEY,
    portfolio_id BIGINT NOT NULL REFERENCES portfolio (id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    UNIQUE (portfolio_id, code)
);

-- capacity: the most customers with an open case the collector takes.
CREATE TABLE team_member (
    team_id BIGINT NOT NULL REFERENCES team (id),
    collector TEXT NOT NULL,
    capacity BIGINT NOT NULL CHECK (capacity > 0),
    PRIMARY KEY (team_id, collector)
);

-- Balance bands are in minor units of each customer's own currency; the
-- minimum is included and the maximum excluded.
CREATE TABLE assignment_rule (
    id INTEGER PRIMARY KEY,
    portfolio_id BIGINT NOT NULL REFERENCES portfolio (id),
    position BIGINT NOT NULL,
    team_id BIGINT NOT NULL REFERENCES team (id),
    segment TEXT,
    region TEXT,
    min_balance_minor BIGINT,
    max_balance_minor BIGINT,
    UNIQUE (portfolio_id, position)
);

CREATE TABLE status_suggestion (
    id INTEGER PRIMARY KEY,
    portfolio_id BIGINT NOT NULL REFERENCES portfolio (id),
    customer_id BIGINT NOT NULL REFERENCES customer (id),
    suggested_status TEXT NOT NULL,
    reason TEXT NOT NULL,
    suggested_on TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'confirmed', 'dismissed')),
    decided_by TEXT,
    decided_on TEXT
);
CREATE INDEX status_suggestion_pending ON status_suggestion (portfolio_id, state);
CREATE INDEX status_suggestion_customer ON status_suggestion (customer_id, suggested_status);
