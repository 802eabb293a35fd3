//! Versions of the collection policy, stored as TOML text with an effective
//! date.

use chrono::NaiveDate;
use sqlx::Row;

use crate::{Conn, Result, date_text, get_date};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyVersion {
    pub effective_on: NaiveDate,
    pub policy_toml: String,
    pub created_at: String,
    pub created_by: String,
}

/// Stores a policy version, replacing a version with the same effective
/// date. Callers check that no run has used the date yet.
pub async fn save_policy_version(conn: &mut Conn, portfolio_id: i64, effective_on: NaiveDate, policy_toml: &str, created_by: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO policy_version (portfolio_id, effective_on, policy_toml, created_at, created_by) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (portfolio_id, effective_on) DO UPDATE SET policy_toml = excluded.policy_toml, \
           created_at = excluded.created_at, created_by = excluded.created_by",
    )
    .bind(portfolio_id)
    .bind(date_text(effective_on))
    .bind(policy_toml)
    .bind(chrono::Utc::now().to_rfc3339())
    .bind(created_by)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The version in force on `date`: the latest effective on or before it.
pub async fn policy_in_force(conn: &mut Conn, portfolio_id: i64, date: NaiveDate) -> Result<Option<PolicyVersion>> {
    let row = sqlx::query(
        "SELECT effective_on, policy_toml, created_at, created_by FROM policy_version \
         WHERE portfolio_id = $1 AND effective_on <= $2 ORDER BY effective_on DESC LIMIT 1",
    )
    .bind(portfolio_id)
    .bind(date_text(date))
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|row| version_from_row(&row)).transpose()
}

pub async fn list_policy_versions(conn: &mut Conn, portfolio_id: i64) -> Result<Vec<PolicyVersion>> {
    let rows = sqlx::query(
        "SELECT effective_on, policy_toml, created_at, created_by FROM policy_version WHERE portfolio_id = $1 ORDER BY effective_on",
    )
    .bind(portfolio_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(version_from_row).collect()
}

fn version_from_row(row: &crate::AnyRow) -> Result<PolicyVersion> {
    Ok(PolicyVersion {
        effective_on: get_date(row, "effective_on")?,
        policy_toml: row.try_get("policy_toml")?,
        created_at: row.try_get("created_at")?,
        created_by: row.try_get("created_by")?,
    })
}
