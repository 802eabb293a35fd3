//! The benchmark's correctness check: the figures that the daily run and
//! the reports produced, computed again with plain SQL over the same
//! database (a join of documents with their allocations, grouped), and
//! compared to the cent.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use recobro_core::Currency;
use recobro_store::{Engine, Store, StoreError, date_text, portfolio};
use sqlx::Row;

use crate::reports::{AgingReport, CaseLine};

/// Aging of one currency: amount and item count per bucket (current, 1-30,
/// 31-60, 61-90, 91-120, 121+), then the unapplied cash.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CurrencyAging {
    pub bucket_minor: [i64; 6],
    pub bucket_count: [u64; 6],
    pub unapplied_minor: i64,
}

/// Converts a report's aging by currency into the shape the SQL produces.
pub fn report_aging(report: &AgingReport) -> BTreeMap<String, CurrencyAging> {
    let mut figures = BTreeMap::new();
    for (currency, (line, _)) in &report.totals {
        if line.open_count() == 0 && line.unapplied_minor == 0 {
            continue;
        }
        let mut aging = CurrencyAging { unapplied_minor: line.unapplied_minor, ..CurrencyAging::default() };
        for (index, amount) in line.bucket_minor.iter().enumerate().take(6) {
            aging.bucket_minor[index] = *amount;
            aging.bucket_count[index] = line.bucket_count[index];
        }
        figures.insert(currency.code().to_string(), aging);
    }
    figures
}

/// Builds the expression for the days from a text date column to the bound
/// date parameter `$2`.
fn days_past_due(engine: Engine, column: &str) -> String {
    match engine {
        Engine::Sqlite => format!("CAST(julianday($2) - julianday({column}) AS BIGINT)"),
        Engine::Postgres => format!("(CAST($2 AS DATE) - CAST({column} AS DATE))"),
    }
}

/// Computes the aging of a portfolio's invoices, debit notes and unapplied
/// payments as of `as_of` in one SQL statement per part.
// NOTE: credit notes and snapshot accounts are left out; the benchmark's
// portfolio has neither.
pub async fn sql_aging(store: &Store, portfolio_id: i64, as_of: NaiveDate) -> Result<BTreeMap<String, CurrencyAging>, StoreError> {
    let days = days_past_due(store.engine(), "o.due_date");
    let sql = format!(
        "SELECT o.currency, CASE WHEN {days} <= 0 THEN 0 WHEN {days} <= 30 THEN 1 WHEN {days} <= 60 THEN 2 \
           WHEN {days} <= 90 THEN 3 WHEN {days} <= 120 THEN 4 ELSE 5 END AS bucket, \
           COUNT(*) AS items, CAST(SUM(o.open_minor) AS BIGINT) AS amount \
         FROM (SELECT d.currency, d.due_date, d.amount_minor - COALESCE(p.paid_minor, 0) AS open_minor \
               FROM document d LEFT JOIN (SELECT a.document_id, SUM(a.amount_minor) AS paid_minor FROM allocation a \
                                          WHERE a.portfolio_id = $1 AND a.allocated_on <= $2 GROUP BY a.document_id) p \
                 ON p.document_id = d.id \
               WHERE d.portfolio_id = $1 AND d.kind <> 'credit_note' AND d.issue_date <= $2) o \
         WHERE o.open_minor > 0 GROUP BY 1, 2"
    );
    let mut conn = store.acquire().await?;
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(portfolio_id).bind(date_text(as_of)).fetch_all(&mut *conn).await?;
    let mut figures: BTreeMap<String, CurrencyAging> = BTreeMap::new();
    for row in &rows {
        let currency: String = row.try_get("currency")?;
        let bucket: i64 = row.try_get("bucket")?;
        let items: i64 = row.try_get("items")?;
        let amount: i64 = row.try_get("amount")?;
        let aging = figures.entry(currency).or_default();
        aging.bucket_minor[bucket as usize] = amount;
        aging.bucket_count[bucket as usize] = items as u64;
    }

    let cash = sqlx::query(
        "SELECT p.currency, CAST(SUM(p.amount_minor - COALESCE(a.applied_minor, 0)) AS BIGINT) AS unapplied \
         FROM payment p LEFT JOIN (SELECT payment_id, SUM(amount_minor) AS applied_minor FROM allocation \
                                   WHERE portfolio_id = $1 AND payment_id IS NOT NULL AND allocated_on <= $2 GROUP BY payment_id) a \
           ON a.payment_id = p.id \
         WHERE p.portfolio_id = $1 AND p.paid_on <= $2 GROUP BY p.currency",
    )
    .bind(portfolio_id)
    .bind(date_text(as_of))
    .fetch_all(&mut *conn)
    .await?;
    for row in &cash {
        let currency: String = row.try_get("currency")?;
        let unapplied: i64 = row.try_get("unapplied")?;
        if unapplied != 0 {
            figures.entry(currency).or_default().unapplied_minor = -unapplied;
        }
    }
    Ok(figures)
}

/// Finds the problem cases with SQL: customers whose balance (open
/// documents less unapplied cash) is positive and whose oldest open
/// document is at least `min_days` past due. Returns their number and
/// total balance per currency.
pub async fn sql_problem_cases(store: &Store, portfolio_id: i64, as_of: NaiveDate, min_days: i64) -> Result<(usize, BTreeMap<String, i64>), StoreError> {
    let mut conn = store.acquire().await?;
    let documents = sqlx::query(
        "SELECT d.customer_id, d.currency, MIN(d.due_date) AS oldest_due, \
           CAST(SUM(d.amount_minor - COALESCE(p.paid_minor, 0)) AS BIGINT) AS open_minor \
         FROM document d LEFT JOIN (SELECT document_id, SUM(amount_minor) AS paid_minor FROM allocation \
                                    WHERE portfolio_id = $1 AND allocated_on <= $2 GROUP BY document_id) p \
           ON p.document_id = d.id \
         WHERE d.portfolio_id = $1 AND d.kind <> 'credit_note' AND d.issue_date <= $2 \
           AND d.amount_minor - COALESCE(p.paid_minor, 0) > 0 \
         GROUP BY d.customer_id, d.currency",
    )
    .bind(portfolio_id)
    .bind(date_text(as_of))
    .fetch_all(&mut *conn)
    .await?;
    let cash = sqlx::query(
        "SELECT p.customer_id, p.currency, CAST(SUM(p.amount_minor - COALESCE(a.applied_minor, 0)) AS BIGINT) AS unapplied \
         FROM payment p LEFT JOIN (SELECT payment_id, SUM(amount_minor) AS applied_minor FROM allocation \
                                   WHERE portfolio_id = $1 AND payment_id IS NOT NULL AND allocated_on <= $2 GROUP BY payment_id) a \
           ON a.payment_id = p.id \
         WHERE p.portfolio_id = $1 AND p.paid_on <= $2 GROUP BY p.customer_id, p.currency",
    )
    .bind(portfolio_id)
    .bind(date_text(as_of))
    .fetch_all(&mut *conn)
    .await?;

    let mut unapplied: BTreeMap<(i64, String), i64> = BTreeMap::new();
    for row in &cash {
        unapplied.insert((row.try_get("customer_id")?, row.try_get("currency")?), row.try_get("unapplied")?);
    }
    let mut count = 0;
    let mut balances: BTreeMap<String, i64> = BTreeMap::new();
    for row in &documents {
        let customer_id: i64 = row.try_get("customer_id")?;
        let currency: String = row.try_get("currency")?;
        let open_minor: i64 = row.try_get("open_minor")?;
        let oldest_due: String = row.try_get("oldest_due")?;
        let oldest_due = recobro_core::parse_iso_date(&oldest_due)
            .map_err(|_| StoreError::BadValue { column: "due_date", value: oldest_due.clone(), expected: "YYYY-MM-DD date" })?;
        let balance = open_minor - unapplied.get(&(customer_id, currency.clone())).copied().unwrap_or(0);
        if balance > 0 && (as_of - oldest_due).num_days() >= min_days {
            count += 1;
            *balances.entry(currency).or_default() += balance;
        }
    }
    Ok((count, balances))
}

/// Counts a problem-case list and totals its balance per currency.
pub fn report_problem_cases(lines: &[CaseLine]) -> Result<(usize, BTreeMap<String, i64>), String> {
    let mut balances: BTreeMap<String, i64> = BTreeMap::new();
    for line in lines {
        let currency = Currency::parse(&line.currency).map_err(|error| error.to_string())?;
        let amount: rust_decimal::Decimal = line.balance.parse().map_err(|_| format!("invalid balance {:?} in the problem-case list", line.balance))?;
        let minor = recobro_core::Money::from_decimal(amount, currency).map_err(|error| error.to_string())?.minor;
        *balances.entry(line.currency.clone()).or_default() += minor;
    }
    Ok((lines.len(), balances))
}

/// Reads the balance and overdue amount per currency that the portfolio's
/// latest run stored.
pub async fn run_totals(store: &Store, portfolio_code: &str) -> Result<BTreeMap<String, (i64, i64)>, StoreError> {
    let mut conn = store.acquire().await?;
    let Some(found) = portfolio::find(&mut conn, portfolio_code).await? else { return Ok(BTreeMap::new()) };
    let Some((_, totals, _)) = recobro_store::runs::latest_run_figures(&mut conn, found.id).await? else { return Ok(BTreeMap::new()) };
    Ok(totals.into_iter().map(|total| (total.currency, (total.balance_minor, total.overdue_minor))).collect())
}

/// Totals the balance and overdue amount per currency of an aging.
pub fn aging_totals(aging: &BTreeMap<String, CurrencyAging>) -> BTreeMap<String, (i64, i64)> {
    aging
        .iter()
        .map(|(currency, line)| {
            let buckets: i64 = line.bucket_minor.iter().sum();
            (currency.clone(), (buckets + line.unapplied_minor, buckets - line.bucket_minor[0]))
        })
        .collect()
}
