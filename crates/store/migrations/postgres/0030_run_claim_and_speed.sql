-- One row per portfolio, job and business date. The daily run increments
-- `generation` inside its own transaction, and only when it still has the
-- value read at the start, so two instances that start the same run
-- cannot both perform it. A killed run rolls its increment back, so a
-- rerun can claim the date again.
CREATE TABLE job_run (
    portfolio_id BIGINT NOT NULL REFERENCES portfolio (id),
    job TEXT NOT NULL,
    business_date TEXT NOT NULL,
    generation BIGINT NOT NULL,
    claimed_by TEXT,
    claimed_at TEXT,
    PRIMARY KEY (portfolio_id, job, business_date)
);

-- Aging as of a past date adds back the allocations dated after it.
CREATE INDEX allocation_portfolio_date ON allocation (portfolio_id, allocated_on);
-- The daily run reads only payments with unapplied cash.
CREATE INDEX payment_unapplied ON payment (portfolio_id) WHERE unapplied_minor > 0;
-- The customer list sorted by days past due or balance reads the open
-- cases in index order.
CREATE INDEX collection_case_days ON collection_case (portfolio_id, status, days_past_due, customer_id);
CREATE INDEX collection_case_balance ON collection_case (portfolio_id, status, balance_minor, customer_id);
