-- Aging of every run by currency and bucket, so that dashboards read a few
-- rows instead of aging the whole portfolio again.
CREATE TABLE run_aging (
    run_id BIGINT NOT NULL REFERENCES run (id),
    currency TEXT NOT NULL,
    position BIGINT NOT NULL,
    label TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    item_count BIGINT NOT NULL,
    PRIMARY KEY (run_id, currency, position)
);

ALTER TABLE run_total ADD COLUMN unapplied_minor BIGINT NOT NULL DEFAULT 0;
ALTER TABLE run_total ADD COLUMN customers_with_balance BIGINT NOT NULL DEFAULT 0;
