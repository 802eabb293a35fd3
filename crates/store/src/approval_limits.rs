//! The approval limits of a portfolio: per approval level, how far a
//! payment plan or a settlement offer may go before someone with more
//! authority must approve it. The application layer validates the values
//! and supplies the defaults when a portfolio has none.

use sqlx::Row;

use crate::{Conn, Result};

/// The stored limits of one approval level. Percents are decimal text such
/// as `"12.5"`; `None` means no limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRoleLimits {
    /// `collector`, `manager` or `director`.
    pub role: String,
    pub max_installments: i64,
    pub min_down_payment_percent: String,
    pub max_term_days: Option<i64>,
    pub max_interest_waiver_percent: Option<String>,
    pub max_principal_discount_percent: Option<String>,
}

/// Loads the limits of a portfolio, one row per level, or an empty list
/// when none were set.
pub async fn load_approval_limits(conn: &mut Conn, portfolio_id: i64) -> Result<Vec<StoredRoleLimits>> {
    let rows = sqlx::query(
        "SELECT role, max_installments, min_down_payment_percent, max_term_days, max_interest_waiver_percent, max_principal_discount_percent \
         FROM approval_limit WHERE portfolio_id = $1 ORDER BY role",
    )
    .bind(portfolio_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(StoredRoleLimits {
                role: row.try_get("role")?,
                max_installments: row.try_get("max_installments")?,
                min_down_payment_percent: row.try_get("min_down_payment_percent")?,
                max_term_days: row.try_get("max_term_days")?,
                max_interest_waiver_percent: row.try_get("max_interest_waiver_percent")?,
                max_principal_discount_percent: row.try_get("max_principal_discount_percent")?,
            })
        })
        .collect()
}

/// Replaces every stored level of a portfolio with `limits`.
pub async fn replace_approval_limits(conn: &mut Conn, portfolio_id: i64, limits: &[StoredRoleLimits], updated_by: &str) -> Result<()> {
    sqlx::query("DELETE FROM approval_limit WHERE portfolio_id = $1").bind(portfolio_id).execute(&mut *conn).await?;
    let updated_at = chrono::Utc::now().to_rfc3339();
    for level in limits {
        sqlx::query(
            "INSERT INTO approval_limit (portfolio_id, role, max_installments, min_down_payment_percent, max_term_days, \
               max_interest_waiver_percent, max_principal_discount_percent, updated_at, updated_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(portfolio_id)
        .bind(&level.role)
        .bind(level.max_installments)
        .bind(&level.min_down_payment_percent)
        .bind(level.max_term_days)
        .bind(level.max_interest_waiver_percent.as_deref())
        .bind(level.max_principal_discount_percent.as_deref())
        .bind(&updated_at)
        .bind(updated_by)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
