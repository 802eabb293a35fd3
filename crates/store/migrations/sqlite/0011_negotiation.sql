-- Negotiation: late-interest rules, payment plans (convenios de pago) and
-- refinancing, settlement offers with interest waivers, and write-offs.
-- Rates are decimal percents stored as text, so they stay exact.

-- The late-interest rule of a portfolio, or of one customer when
-- customer_id is set. regime is a statutory regime code, or NULL for a
-- contractual annual_rate.
CREATE TABLE interest_rule (
    id INTEGER PRIMARY KEY,
    portfolio_id BIGINT NOT NULL REFERENCES portfolio (id),
    customer_id BIGINT REFERENCES customer (id),
    regime TEXT,
    annual_rate TEXT,
    day_count TEXT NOT NULL,
    grace_days BIGINT NOT NULL DEFAULT 0,
    effective_on TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CHECK ((regime IS NULL) <> (annual_rate IS NULL))
);
CREATE INDEX interest_rule_portfolio ON interest_rule (portfolio_id, customer_id, effective_on);

-- Interest given up: by a paid settlement offer or an approved waiver.
CREATE TABLE interest_waiver (
    id INTEGER PRIMARY KEY,
    portfolio_id BIGINT NOT NULL REFERENCES portfolio (id),
    customer_id BIGINT NOT NULL REFERENCES customer (id),
    document_id BIGINT REFERENCES document (id),
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    currency TEXT NOT NULL,
    waived_on TEXT NOT NULL,
    reason TEXT NOT NULL,
    settlement_id BIGINT,
    approved_by TEXT NOT NULL
);
CREATE INDEX interest_waiver_customer ON interest_waiver (customer_id);

CREATE TABLE payment_plan (
    id INTEGER PRIMARY KEY,
    portfolio_id BIGINT NOT NULL REFERENCES portfolio (id),
    customer_id BIGINT NOT NULL REFERENCES customer (id),
    currency TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('proposed', 'rejected', 'active', 'completed', 'broken', 'cancelled')),
    refinancing BIGINT NOT NULL,
    total_minor BIGINT NOT NULL,
    down_payment_minor BIGINT NOT NULL,
    financed_minor BIGINT NOT NULL,
    interest_minor BIGINT NOT NULL,
    installment_count BIGINT NOT NULL,
    frequency TEXT NOT NULL,
    first_due_on TEXT NOT NULL,
    annual_rate TEXT NOT NULL,
    interest_method TEXT NOT NULL,
    grace_days BIGINT NOT NULL,
    agreed_on TEXT NOT NULL,
    proposed_by TEXT NOT NULL,
    decided_by TEXT,
    decided_on TEXT,
    decision_reason TEXT,
    broken_on TEXT,
    broken_installment BIGINT,
    completed_on TEXT
);
CREATE INDEX payment_plan_customer ON payment_plan (customer_id, status);

CREATE TABLE plan_installment (
    plan_id BIGINT NOT NULL REFERENCES payment_plan (id),
    number BIGINT NOT NULL,
    due_on TEXT NOT NULL,
    principal_minor BIGINT NOT NULL,
    interest_minor BIGINT NOT NULL,
    amount_minor BIGINT NOT NULL,
    paid_minor BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    -- The debit note that replaces this installment's share of refinanced documents.
    document_id BIGINT REFERENCES document (id),
    PRIMARY KEY (plan_id, number)
);

-- The documents a plan covers, with their open amount when it was proposed.
CREATE TABLE plan_document (
    plan_id BIGINT NOT NULL REFERENCES payment_plan (id),
    document_id BIGINT NOT NULL REFERENCES document (id),
    open_minor BIGINT NOT NULL,
    PRIMARY KEY (plan_id, document_id)
);

CREATE TABLE settlement_offer (
    id INTEGER PRIMARY KEY,
    portfolio_id BIGINT NOT NULL REFERENCES portfolio (id),
    customer_id BIGINT NOT NULL REFERENCES customer (id),
    currency TEXT NOT NULL,
    principal_minor BIGINT NOT NULL,
    interest_minor BIGINT NOT NULL,
    fees_minor BIGINT NOT NULL,
    interest_waiver_minor BIGINT NOT NULL,
    principal_discount_minor BIGINT NOT NULL,
    lump_sum_minor BIGINT NOT NULL,
    offered_on TEXT NOT NULL,
    pay_by TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending_approval', 'approved', 'rejected', 'paid', 'expired', 'cancelled')),
    required_role TEXT NOT NULL,
    proposed_by TEXT NOT NULL,
    decided_by TEXT,
    decided_on TEXT,
    decision_reason TEXT,
    paid_on TEXT
);
CREATE INDEX settlement_offer_customer ON settlement_offer (customer_id, status);

CREATE TABLE write_off (
    id INTEGER PRIMARY KEY,
    portfolio_id BIGINT NOT NULL REFERENCES portfolio (id),
    customer_id BIGINT NOT NULL REFERENCES customer (id),
    currency TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending_approval', 'approved', 'rejected')),
    requested_by TEXT NOT NULL,
    requested_on TEXT NOT NULL,
    decided_by TEXT,
    decided_on TEXT,
    decision_reason TEXT,
    -- The credit document that closed the written-off documents.
    credit_document_id BIGINT REFERENCES document (id),
    recovered_minor BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX write_off_customer ON write_off (customer_id, status);
