-- SQLite's own time to store the benchmark's invoices and payments, with
-- the schema and indexes of a Recobro database and none of Recobro's code:
-- the lower bound of what any import into this schema can reach.
--
-- Run it in the folder of the benchmark files, with the pragmas that
-- Recobro sets. The database must contain portfolio 1 with its customers and
-- nothing else. docs/benchmark.md shows the commands. Each statement prints
-- its time. Each allocation takes the whole payment and the invoice that the
-- payments file names, as in the generated portfolio. Unlike an import,
-- nothing here checks a row, and amounts pass through SQLite's REAL type,
-- which is good enough for a timing but not for money.
.timer on
.mode csv
CREATE TEMP TABLE invoice_file (invoice_id TEXT, customer_id TEXT, issue_date TEXT, due_date TEXT, amount TEXT, currency TEXT);
.import --skip 1 invoices.csv invoice_file
CREATE TEMP TABLE payment_file (payment_id TEXT, customer_id TEXT, invoice_id TEXT, paid_on TEXT, amount TEXT);
.import --skip 1 payments.csv payment_file

BEGIN;
INSERT INTO document (portfolio_id, import_batch_id, customer_id, kind, number, issue_date, due_date, amount_minor, currency, open_minor, settled_on)
  SELECT 1, NULL, c.id, 'invoice', f.invoice_id, f.issue_date, f.due_date, CAST(ROUND(f.amount * 100) AS INTEGER), f.currency,
         CAST(ROUND(f.amount * 100) AS INTEGER), NULL
  FROM invoice_file f JOIN customer c ON c.portfolio_id = 1 AND c.external_ref = f.customer_id;
COMMIT;

BEGIN;
INSERT INTO payment (portfolio_id, import_batch_id, customer_id, external_ref, paid_on, amount_minor, currency, unapplied_minor)
  SELECT 1, NULL, c.id, f.payment_id, f.paid_on, CAST(ROUND(f.amount * 100) AS INTEGER), c.currency, 0
  FROM payment_file f JOIN customer c ON c.portfolio_id = 1 AND c.external_ref = f.customer_id;
INSERT INTO allocation (portfolio_id, document_id, payment_id, credit_note_id, allocated_on, amount_minor)
  SELECT 1, d.id, p.id, NULL, p.paid_on, p.amount_minor
  FROM payment_file f
  JOIN payment p ON p.portfolio_id = 1 AND p.external_ref = f.payment_id
  JOIN document d ON d.portfolio_id = 1 AND d.kind = 'invoice' AND d.number = f.invoice_id
  WHERE f.invoice_id <> '';
UPDATE document SET open_minor = open_minor - (SELECT SUM(a.amount_minor) FROM allocation a WHERE a.document_id = document.id)
  WHERE id IN (SELECT document_id FROM allocation);
COMMIT;

SELECT COUNT(*) AS documents FROM document;
SELECT COUNT(*) AS payments FROM payment;
SELECT COUNT(*) AS allocations FROM allocation;
