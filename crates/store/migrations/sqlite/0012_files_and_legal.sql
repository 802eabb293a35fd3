-- Customer files (expedientes), stored letters, law firms and legal
-- referrals (the transfer of a case to judicial collection).

-- File contents, kept once per checksum. Uploaded documents, generated
-- letters and case packets all point here, so a row and its bytes are
-- written in the same transaction.
CREATE TABLE stored_blob (
    sha256 TEXT PRIMARY KEY,
    size_bytes BIGINT NOT NULL,
    content BLOB NOT NULL
);

-- One document of a customer's file. Removing it keeps the row, marked
-- removed, for the audit trail.
CREATE TABLE customer_file (
    id INTEGER PRIMARY KEY,
    portfolio_id BIGINT NOT NULL REFERENCES portfolio (id),
    customer_id BIGINT NOT NULL REFERENCES customer (id),
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL REFERENCES stored_blob (sha256),
    issued_on TEXT,
    expires_on TEXT,
    note TEXT,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    removed_by TEXT,
    removed_at TEXT
);
CREATE INDEX customer_file_customer ON customer_file (customer_id, kind);

-- The document kinds a scope requires: 'customer' for every customer in
-- collection, 'legal' before a transfer to judicial collection. A
-- portfolio without rows uses the defaults in code.
CREATE TABLE file_requirement (
    portfolio_id BIGINT NOT NULL REFERENCES portfolio (id),
    scope TEXT NOT NULL,
    kind TEXT NOT NULL,
    PRIMARY KEY (portfolio_id, scope, kind)
);

-- Letters rendered for a customer: reminders, formal notices, demand
-- letters, plan agreements and settlement offers, with their delivery.
CREATE TABLE letter (
    id INTEGER PRIMARY KEY,
    portfolio_id BIGINT NOT NULL REFERENCES portfolio (id),
    customer_id BIGINT NOT NULL REFERENCES customer (id),
    case_id BIGINT REFERENCES collection_case (id),
    kind TEXT NOT NULL,
    language TEXT NOT NULL,
    as_of TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'sent', 'queued_for_print', 'cancelled')),
    sha256 TEXT NOT NULL REFERENCES stored_blob (sha256),
    size_bytes BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    decided_by TEXT,
    delivered_at TEXT,
    delivered_to TEXT,
    UNIQUE (customer_id, kind, as_of)
);
CREATE INDEX letter_portfolio ON letter (portfolio_id, status, kind);

CREATE TABLE law_firm (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    contact_name TEXT,
    email TEXT,
    phone TEXT,
    address TEXT,
    contingency_percent TEXT NOT NULL,
    fixed_fee_minor BIGINT NOT NULL DEFAULT 0,
    fee_currency TEXT,
    capacity BIGINT,
    active BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- A case's transfer to judicial collection: proposed by the daily run,
-- approved (with its firm and packet) or rejected by a manager, then
-- followed through the firm's states until closed.
CREATE TABLE legal_referral (
    id INTEGER PRIMARY KEY,
    portfolio_id BIGINT NOT NULL REFERENCES portfolio (id),
    customer_id BIGINT NOT NULL REFERENCES customer (id),
    status TEXT NOT NULL CHECK (status IN ('proposed', 'rejected', 'prepared', 'sent', 'accepted', 'filed', 'judgment', 'recovering', 'closed')),
    proposed_on TEXT NOT NULL,
    days_past_due BIGINT NOT NULL,
    currency TEXT NOT NULL,
    balance_minor BIGINT NOT NULL,
    law_firm_id BIGINT REFERENCES law_firm (id),
    decided_by TEXT,
    decided_on TEXT,
    decision_reason TEXT,
    packet_sha256 TEXT REFERENCES stored_blob (sha256),
    court_reference TEXT,
    recovered_minor BIGINT NOT NULL DEFAULT 0,
    fees_minor BIGINT NOT NULL DEFAULT 0,
    status_on TEXT NOT NULL,
    closed_on TEXT
);
CREATE INDEX legal_referral_portfolio ON legal_referral (portfolio_id, status);
-- At most one referral per customer is pending or under way.
CREATE UNIQUE INDEX legal_referral_open ON legal_referral (customer_id) WHERE status NOT IN ('rejected', 'closed');

-- Every state a referral passed through, with its date and author.
CREATE TABLE referral_event (
    id INTEGER PRIMARY KEY,
    referral_id BIGINT NOT NULL REFERENCES legal_referral (id),
    status TEXT NOT NULL,
    happened_on TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    note TEXT,
    court_reference TEXT
);
CREATE INDEX referral_event_referral ON referral_event (referral_id);

-- Amounts the firm recovered; each one entered the ledger as a payment.
CREATE TABLE referral_recovery (
    id INTEGER PRIMARY KEY,
    referral_id BIGINT NOT NULL REFERENCES legal_referral (id),
    payment_id BIGINT NOT NULL REFERENCES payment (id),
    recovered_on TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    fee_minor BIGINT NOT NULL
);
CREATE INDEX referral_recovery_referral ON referral_recovery (referral_id);
