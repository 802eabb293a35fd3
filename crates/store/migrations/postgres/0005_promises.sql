-- The outcome of each promise to pay, set by the daily run from the
-- payments received: open, kept, partly_kept or broken.
ALTER TABLE collection_action ADD COLUMN promise_status TEXT;
ALTER TABLE collection_action ADD COLUMN promise_paid_minor BIGINT;
ALTER TABLE collection_action ADD COLUMN promise_settled_on TEXT;

ALTER TABLE run ADD COLUMN promises_kept BIGINT NOT NULL DEFAULT 0;
ALTER TABLE run ADD COLUMN promises_partly_kept BIGINT NOT NULL DEFAULT 0;
ALTER TABLE run ADD COLUMN promises_broken BIGINT NOT NULL DEFAULT 0;
