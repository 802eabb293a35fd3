-- The sender of a portfolio's collection letters: the company's name,
-- address and tax id printed as the letterhead, who signs, and how many
-- days after the letter's date the customer is asked to pay. A portfolio
-- without a row prints its own name and asks for payment within 10 days.
CREATE TABLE letter_setting (
    portfolio_id BIGINT PRIMARY KEY REFERENCES portfolio (id),
    company_name TEXT NOT NULL,
    -- Postal address, one line per line of text.
    address TEXT NOT NULL DEFAULT '',
    tax_id TEXT,
    signatory_name TEXT,
    signatory_title TEXT,
    pay_within_days BIGINT NOT NULL CHECK (pay_within_days BETWEEN 1 AND 365),
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
