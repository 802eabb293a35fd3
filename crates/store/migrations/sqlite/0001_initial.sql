-- Recobro schema, SQLite edition. The PostgreSQL edition in
-- ../postgres/0001_initial.sql holds the same tables and columns.
--
-- Conventions shared by both engines:
--   * ids and amounts are 64-bit integers; amounts are minor units of the
--     row's currency (cents for USD);
--   * civil dates are ISO-8601 text, YYYY-MM-DD, so that both engines
--     compare and sort them the same way; instants are RFC 3339 UTC text;
--   * flags are 0/1 integers.

CREATE TABLE portfolio (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    currency TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE import_batch (
    id INTEGER PRIMARY KEY,
    portfolio_id BIGINT NOT NULL REFERENCES portfolio (id),
    file_name TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    mapping TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    rows_read BIGINT NOT NULL,
    records_created BIGINT NOT NULL,
    records_updated BIGINT NOT NULL,
    records_unchanged BIGINT NOT NULL
);

CREATE TABLE customer (
    id INTEGER PRIMARY KEY,
    portfolio_id BIGINT NOT NULL REFERENCES portfolio (id),
    external_ref TEXT NOT NULL,
    name TEXT NOT NULL,
    tax_id TEXT,
    email TEXT,
    phone TEXT,
    language TEXT,
    segment TEXT,
    region TEXT,
    preferred_channel TEXT,
    credit_limit_minor BIGINT,
    currency TEXT NOT NULL,
    collector TEXT,
    status TEXT NOT NULL DEFAULT 'active',
    UNIQUE (portfolio_id, external_ref)
);

-- Invoices, debit notes and credit notes. `amount_minor` is always
-- positive; a credit note reduces the customer's balance. `open_minor` and
-- `settled_on` are kept current as allocations are written, so the daily
-- run reads only open documents.
CREATE TABLE document (
    id INTEGER PRIMARY KEY,
    portfolio_id BIGINT NOT NULL REFERENCES portfolio (id),
    customer_id BIGINT NOT NULL REFERENCES customer (id),
    kind TEXT NOT NULL CHECK (kind IN ('invoice', 'debit_note', 'credit_note')),
    number TEXT NOT NULL,
    issue_date TEXT NOT NULL,
    due_date TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    currency TEXT NOT NULL,
    open_minor BIGINT NOT NULL,
    settled_on TEXT,
    import_batch_id BIGINT REFERENCES import_batch (id),
    UNIQUE (portfolio_id, kind, number)
);
CREATE INDEX document_open ON document (portfolio_id, settled_on);
CREATE INDEX document_customer ON document (customer_id);

CREATE TABLE payment (
    id INTEGER PRIMARY KEY,
    portfolio_id BIGINT NOT NULL REFERENCES portfolio (id),
    customer_id BIGINT NOT NULL REFERENCES customer (id),
    external_ref TEXT NOT NULL,
    paid_on TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    currency TEXT NOT NULL,
    unapplied_minor BIGINT NOT NULL,
    import_batch_id BIGINT REFERENCES import_batch (id),
    UNIQUE (portfolio_id, external_ref)
);
CREATE INDEX payment_customer ON payment (customer_id);

-- Money applied to a receivable document, from a payment or a credit note
-- (exactly one of the two).
CREATE TABLE allocation (
    id INTEGER PRIMARY KEY,
    portfolio_id BIGINT NOT NULL REFERENCES portfolio (id),
    document_id BIGINT NOT NULL REFERENCES document (id),
    payment_id BIGINT REFERENCES payment (id),
    credit_note_id BIGINT REFERENCES document (id),
    allocated_on TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    CHECK ((payment_id IS NULL) <> (credit_note_id IS NULL)),
    UNIQUE (payment_id, document_id),
    UNIQUE (credit_note_id, document_id)
);
CREATE INDEX allocation_document ON allocation (document_id, allocated_on);

CREATE TABLE dispute (
    id INTEGER PRIMARY KEY,
    portfolio_id BIGINT NOT NULL REFERENCES portfolio (id),
    document_id BIGINT NOT NULL REFERENCES document (id),
    opened_on TEXT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'accepted', 'rejected')),
    resolved_on TEXT,
    UNIQUE (document_id, opened_on)
);
CREATE INDEX dispute_document ON dispute (document_id);

-- Accounts delivered with balance and days past due instead of documents
-- (the shape of bank and agency files). `oldest_due_date` is the snapshot
-- date less the days past due, or NULL when the account was not past due.
CREATE TABLE snapshot_account (
    id INTEGER PRIMARY KEY,
    portfolio_id BIGINT NOT NULL REFERENCES portfolio (id),
    customer_id BIGINT NOT NULL REFERENCES customer (id),
    account_ref TEXT NOT NULL,
    snapshot_date TEXT NOT NULL,
    balance_minor BIGINT NOT NULL,
    days_past_due BIGINT NOT NULL,
    oldest_due_date TEXT,
    credit_limit_minor BIGINT,
    currency TEXT NOT NULL,
    import_batch_id BIGINT REFERENCES import_batch (id),
    UNIQUE (portfolio_id, account_ref, snapshot_date)
);
CREATE INDEX snapshot_account_date ON snapshot_account (portfolio_id, snapshot_date);

-- Collection actions are append-only. `action_key` makes imports and runs
-- idempotent: the source's own id, or a digest of the row.
CREATE TABLE collection_action (
    id INTEGER PRIMARY KEY,
    portfolio_id BIGINT NOT NULL REFERENCES portfolio (id),
    customer_id BIGINT NOT NULL REFERENCES customer (id),
    action_key TEXT NOT NULL,
    action_on TEXT NOT NULL,
    kind TEXT NOT NULL,
    outcome TEXT,
    collector TEXT,
    notes TEXT,
    next_action_kind TEXT,
    next_action_on TEXT,
    promise_amount_minor BIGINT,
    promise_currency TEXT,
    promise_on TEXT,
    source TEXT NOT NULL,
    UNIQUE (portfolio_id, action_key)
);
CREATE INDEX collection_action_customer ON collection_action (customer_id, action_on);

-- One collection case per customer in collection, as the latest run left it.
CREATE TABLE collection_case (
    id INTEGER PRIMARY KEY,
    portfolio_id BIGINT NOT NULL REFERENCES portfolio (id),
    customer_id BIGINT NOT NULL UNIQUE REFERENCES customer (id),
    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    stage TEXT,
    stage_entered_on TEXT,
    oldest_due_date TEXT,
    days_past_due BIGINT NOT NULL,
    overdue_minor BIGINT NOT NULL,
    balance_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    disputed_minor BIGINT NOT NULL,
    next_action_kind TEXT,
    next_action_on TEXT,
    opened_on TEXT NOT NULL,
    closed_on TEXT,
    updated_on TEXT NOT NULL
);
CREATE INDEX collection_case_stage ON collection_case (portfolio_id, status, stage);

-- The path of every case through the policy, skipped stages included.
CREATE TABLE case_stage_event (
    id INTEGER PRIMARY KEY,
    portfolio_id BIGINT NOT NULL REFERENCES portfolio (id),
    case_id BIGINT NOT NULL REFERENCES collection_case (id),
    stage TEXT NOT NULL,
    entered_on TEXT NOT NULL,
    skipped BIGINT NOT NULL,
    UNIQUE (case_id, stage, entered_on)
);

-- Work the policy asks for: reminders, calls, letters, proposals.
CREATE TABLE task (
    id INTEGER PRIMARY KEY,
    portfolio_id BIGINT NOT NULL REFERENCES portfolio (id),
    case_id BIGINT NOT NULL REFERENCES collection_case (id),
    customer_id BIGINT NOT NULL REFERENCES customer (id),
    stage TEXT NOT NULL,
    stage_entered_on TEXT NOT NULL,
    kind TEXT NOT NULL,
    channel TEXT,
    due_on TEXT NOT NULL,
    assigned_to TEXT,
    status TEXT NOT NULL CHECK (status IN ('open', 'done', 'cancelled')),
    created_on TEXT NOT NULL,
    UNIQUE (case_id, stage, stage_entered_on, kind)
);
CREATE INDEX task_open ON task (portfolio_id, status, due_on);
CREATE INDEX task_customer ON task (customer_id, status, due_on);

CREATE TABLE run (
    id INTEGER PRIMARY KEY,
    portfolio_id BIGINT NOT NULL REFERENCES portfolio (id),
    as_of TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    duration_ms BIGINT NOT NULL,
    executions BIGINT NOT NULL,
    open_items BIGINT NOT NULL,
    cases_open BIGINT NOT NULL,
    cases_opened BIGINT NOT NULL,
    cases_closed BIGINT NOT NULL,
    stage_changes BIGINT NOT NULL,
    stages_skipped BIGINT NOT NULL,
    tasks_created BIGINT NOT NULL,
    problem_cases BIGINT NOT NULL,
    legal_candidates BIGINT NOT NULL,
    UNIQUE (portfolio_id, as_of)
);

-- Totals of a run per currency, for trends.
CREATE TABLE run_total (
    run_id BIGINT NOT NULL REFERENCES run (id),
    currency TEXT NOT NULL,
    balance_minor BIGINT NOT NULL,
    overdue_minor BIGINT NOT NULL,
    problem_minor BIGINT NOT NULL,
    PRIMARY KEY (run_id, currency)
);
