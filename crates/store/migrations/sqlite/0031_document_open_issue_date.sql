-- Open items as of a date read the documents not settled by then: the
-- unsettled ones and those settled later. With the issue date in the
-- index, the documents issued after that date are skipped in the index,
-- without reading their rows.
DROP INDEX document_open;
CREATE INDEX document_open ON document (portfolio_id, settled_on, issue_date);
