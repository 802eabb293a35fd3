//! Portfolios: a creditor's book of accounts.

use recobro_core::Currency;
use sqlx::Row;

use crate::{Conn, Result, get_currency};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Portfolio {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub currency: Currency,
    pub time_zone: String,
}

pub async fn create(conn: &mut Conn, code: &str, name: &str, currency: Currency, time_zone: &str) -> Result<Portfolio> {
    let created_at = chrono::Utc::now().to_rfc3339();
    let row = sqlx::query(
        "INSERT INTO portfolio (code, name, currency, time_zone, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(code)
    .bind(name)
    .bind(currency.code())
    .bind(time_zone)
    .bind(created_at)
    .fetch_one(&mut *conn)
    .await?;

    Ok(Portfolio {
        id: row.try_get("id")?,
        code: code.to_string(),
        name: name.to_string(),
        currency,
        time_zone: time_zone.to_string(),
    })
}

pub async fn find(conn: &mut Conn, code: &str) -> Result<Option<Portfolio>> {
    let row = sqlx::query("SELECT id, code, name, currency, time_zone FROM portfolio WHERE code = $1")
        .bind(code)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|row| portfolio_from_row(&row)).transpose()
}

pub async fn list(conn: &mut Conn) -> Result<Vec<Portfolio>> {
    let rows = sqlx::query("SELECT id, code, name, currency, time_zone FROM portfolio ORDER BY code")
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(portfolio_from_row).collect()
}

fn portfolio_from_row(row: &crate::AnyRow) -> Result<Portfolio> {
    Ok(Portfolio {
        id: row.try_get("id")?,
        code: row.try_get("code")?,
        name: row.try_get("name")?,
        currency: get_currency(row, "currency")?,
        time_zone: row.try_get("time_zone")?,
    })
}
