-- The segment filter menu of the customer list reads the distinct segments
-- of a portfolio.
CREATE INDEX customer_segment ON customer (portfolio_id, segment);
