-- Every reminder email, one per task: written before the message goes to
-- the server ('sending'), then marked 'sent' with the server's answer,
-- 'failed' with the error, or 'written' to a folder in a dry run. A task
-- with a row that is not 'failed' is never emailed again.
CREATE TABLE email_log (
    id INTEGER PRIMARY KEY,
    portfolio_id BIGINT NOT NULL REFERENCES portfolio (id),
    task_id BIGINT NOT NULL UNIQUE REFERENCES task (id),
    customer_id BIGINT NOT NULL REFERENCES customer (id),
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'failed', 'written')),
    server_response TEXT,
    queued_at TEXT NOT NULL,
    finished_at TEXT
);
