-- How a dispute ended: a note and, when accepted, the credit note issued.
ALTER TABLE dispute ADD COLUMN resolution TEXT;
ALTER TABLE dispute ADD COLUMN credit_note_id BIGINT REFERENCES document (id);
