-- The worklist priority of each case, set by the daily run from its days
-- past due, overdue amount and promises to pay.
ALTER TABLE collection_case ADD COLUMN priority BIGINT NOT NULL DEFAULT 0;
