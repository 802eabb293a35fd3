//! The sender of a portfolio's collection letters: letterhead, signatory
//! and the payment term the letters give.

use sqlx::Row;

use crate::{Conn, Result};

/// A portfolio's letter settings as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LetterSetting {
    pub company_name: String,
    /// Postal address, one entry per printed line.
    pub address_lines: Vec<String>,
    pub tax_id: Option<String>,
    pub signatory_name: Option<String>,
    pub signatory_title: Option<String>,
    /// Days from the letter's date to the date the customer is asked to pay by.
    pub pay_within_days: i64,
}

/// Returns the portfolio's letter settings, or `None` when none were set.
pub async fn find_letter_setting(conn: &mut Conn, portfolio_id: i64) -> Result<Option<LetterSetting>> {
    let row = sqlx::query("SELECT company_name, address, tax_id, signatory_name, signatory_title, pay_within_days FROM letter_setting WHERE portfolio_id = $1")
        .bind(portfolio_id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let address: String = row.try_get("address")?;
    Ok(Some(LetterSetting {
        company_name: row.try_get("company_name")?,
        address_lines: address.lines().map(str::to_string).filter(|line| !line.trim().is_empty()).collect(),
        tax_id: row.try_get("tax_id")?,
        signatory_name: row.try_get("signatory_name")?,
        signatory_title: row.try_get("signatory_title")?,
        pay_within_days: row.try_get("pay_within_days")?,
    }))
}

/// Stores the portfolio's letter settings, replacing earlier ones.
pub async fn save_letter_setting(conn: &mut Conn, portfolio_id: i64, setting: &LetterSetting, updated_by: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO letter_setting (portfolio_id, company_name, address, tax_id, signatory_name, signatory_title, pay_within_days, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (portfolio_id) DO UPDATE SET company_name = excluded.company_name, address = excluded.address, tax_id = excluded.tax_id, \
           signatory_name = excluded.signatory_name, signatory_title = excluded.signatory_title, pay_within_days = excluded.pay_within_days, \
           updated_by = excluded.updated_by, updated_at = excluded.updated_at",
    )
    .bind(portfolio_id)
    .bind(&setting.company_name)
    .bind(setting.address_lines.join("\n"))
    .bind(&setting.tax_id)
    .bind(&setting.signatory_name)
    .bind(&setting.signatory_title)
    .bind(setting.pay_within_days)
    .bind(updated_by)
    .bind(chrono::Utc::now().to_rfc3339())
    .execute(&mut *conn)
    .await?;
    Ok(())
}
