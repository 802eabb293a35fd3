//! Promises to pay recorded with collection actions, and their outcome.

use chrono::NaiveDate;
use sqlx::Row;

use crate::{Conn, Result, date_text, get_currency, get_date};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenPromise {
    pub action_id: i64,
    pub customer_id: i64,
    pub made_on: NaiveDate,
    pub promised_on: NaiveDate,
    pub amount_minor: i64,
    pub currency: recobro_core::Currency,
}

/// Promises of a portfolio still open: made on or before `as_of` and not
/// yet judged kept, partly kept or broken.
pub async fn open_promises(conn: &mut Conn, portfolio_id: i64, as_of: NaiveDate) -> Result<Vec<OpenPromise>> {
    let rows = sqlx::query(
        "SELECT id, customer_id, action_on, promise_on, promise_amount_minor, promise_currency FROM collection_action \
         WHERE portfolio_id = $1 AND promise_amount_minor IS NOT NULL AND promise_on IS NOT NULL \
           AND promise_currency IS NOT NULL AND action_on <= $2 AND (promise_status IS NULL OR promise_status = 'open')",
    )
    .bind(portfolio_id)
    .bind(date_text(as_of))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(OpenPromise {
                action_id: row.try_get("id")?,
                customer_id: row.try_get("customer_id")?,
                made_on: get_date(row, "action_on")?,
                promised_on: get_date(row, "promise_on")?,
                amount_minor: row.try_get("promise_amount_minor")?,
                currency: get_currency(row, "promise_currency")?,
            })
        })
        .collect()
}

/// Payments of one customer in one currency from `since` to `until`, as
/// (date, amount).
pub async fn customer_payments_between(conn: &mut Conn, customer_id: i64, currency: &str, since: NaiveDate, until: NaiveDate) -> Result<Vec<(NaiveDate, i64)>> {
    let rows = sqlx::query(
        "SELECT paid_on, amount_minor FROM payment WHERE customer_id = $1 AND currency = $2 AND paid_on >= $3 AND paid_on <= $4",
    )
    .bind(customer_id)
    .bind(currency)
    .bind(date_text(since))
    .bind(date_text(until))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|row| Ok((get_date(row, "paid_on")?, row.try_get("amount_minor")?))).collect()
}

/// Records the outcome of a promise.
pub async fn settle_promise(conn: &mut Conn, action_id: i64, status: &str, paid_minor: i64, settled_on: NaiveDate) -> Result<()> {
    sqlx::query("UPDATE collection_action SET promise_status = $2, promise_paid_minor = $3, promise_settled_on = $4 WHERE id = $1")
        .bind(action_id)
        .bind(status)
        .bind(paid_minor)
        .bind(date_text(settled_on))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Customers with a promise broken or partly kept within the last
/// `recent_days` days, and customers with an open promise falling due within
/// the next `soon_days` days, for the worklist priority.
pub async fn promise_flags(conn: &mut Conn, portfolio_id: i64, as_of: NaiveDate, recent_days: i64, soon_days: i64) -> Result<(Vec<i64>, Vec<i64>)> {
    let since = as_of - chrono::Duration::days(recent_days);
    let unkept = sqlx::query(
        "SELECT DISTINCT customer_id FROM collection_action WHERE portfolio_id = $1 \
           AND promise_status IN ('broken', 'partly_kept') AND promise_settled_on > $2 AND promise_settled_on <= $3",
    )
    .bind(portfolio_id)
    .bind(date_text(since))
    .bind(date_text(as_of))
    .fetch_all(&mut *conn)
    .await?;
    let until = as_of + chrono::Duration::days(soon_days);
    let due_soon = sqlx::query(
        "SELECT DISTINCT customer_id FROM collection_action WHERE portfolio_id = $1 AND promise_amount_minor IS NOT NULL \
           AND (promise_status IS NULL OR promise_status = 'open') AND action_on <= $2 AND promise_on >= $2 AND promise_on <= $3",
    )
    .bind(portfolio_id)
    .bind(date_text(as_of))
    .bind(date_text(until))
    .fetch_all(&mut *conn)
    .await?;
    let ids = |rows: &[crate::AnyRow]| rows.iter().map(|row| Ok(row.try_get("customer_id")?)).collect::<Result<Vec<i64>>>();
    Ok((ids(&unkept)?, ids(&due_soon)?))
}
