-- The approval limits of a portfolio, one row per approval level
-- (collector, manager, director). A portfolio without rows uses the
-- defaults built into Recobro. Percents are decimal text, so they stay
-- exact; NULL means no limit.
CREATE TABLE approval_limit (
    portfolio_id BIGINT NOT NULL REFERENCES portfolio (id),
    role TEXT NOT NULL CHECK (role IN ('collector', 'manager', 'director')),
    -- Payment plans: the most installments after the down payment, the
    -- smallest down payment as a percent of the total, and the most days
    -- from the agreement date to the last due date.
    max_installments BIGINT NOT NULL,
    min_down_payment_percent TEXT NOT NULL,
    max_term_days BIGINT,
    -- Settlement offers: the share of the interest owed that may be waived
    -- and of the principal owed that may be discounted.
    max_interest_waiver_percent TEXT,
    max_principal_discount_percent TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (portfolio_id, role)
);
