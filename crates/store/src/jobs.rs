//! Claims that keep two instances from performing the same job for the
//! same business date at once, such as the daily run of a portfolio.
//!
//! A claim is taken inside the job's own transaction: it reads the
//! `job_run` row's generation and increments it only when no other
//! transaction incremented it meanwhile. On PostgreSQL a transaction-scoped
//! advisory lock on the portfolio is tried first, so a second instance
//! learns at once that the job is running instead of waiting for the row
//! lock. On SQLite the database's single write lock does the waiting: the
//! second instance waits for the busy timeout and then either finds the
//! generation moved or gets SQLITE_BUSY, and both mean the job ran or
//! still runs elsewhere. A killed process rolls its claim back with the
//! rest of its transaction, so a rerun can claim the date again.

use chrono::NaiveDate;
use sqlx::Row;

use crate::{Conn, Engine, Result, StoreError, date_text};

/// The first key of the PostgreSQL advisory locks Recobro takes; the second
/// key is the portfolio id. Other applications sharing the database would
/// have to avoid this value.
const ADVISORY_LOCK_CLASS: i32 = 0x5245_4352; // "RECR"

/// The outcome of [`claim`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// This transaction performs the job; the claim ends with it.
    Taken,
    /// Another instance runs the job for this date, or ran it while this
    /// one waited.
    Busy,
}

/// Claims `job` of a portfolio for `business_date` inside the open
/// transaction `tx`. `instance` names the claimant in the row (host and
/// process id, for example).
pub async fn claim(tx: &mut Conn, engine: Engine, portfolio_id: i64, job: &str, business_date: NaiveDate, instance: &str) -> Result<Claim> {
    if engine == Engine::Postgres {
        let key = i32::try_from(portfolio_id).unwrap_or((portfolio_id % i64::from(i32::MAX)) as i32);
        let row = sqlx::query("SELECT pg_try_advisory_xact_lock($1, $2) AS locked")
            .bind(ADVISORY_LOCK_CLASS)
            .bind(key)
            .fetch_one(&mut *tx)
            .await?;
        let locked: bool = row.try_get("locked")?;
        if !locked {
            return Ok(Claim::Busy);
        }
    }
    match claim_row(tx, portfolio_id, job, business_date, instance).await {
        Err(StoreError::Sql(sqlx::Error::Database(error))) if engine == Engine::Sqlite && is_sqlite_busy(error.code().as_deref()) => Ok(Claim::Busy),
        other => other,
    }
}

async fn claim_row(tx: &mut Conn, portfolio_id: i64, job: &str, business_date: NaiveDate, instance: &str) -> Result<Claim> {
    let date = date_text(business_date);
    // On SQLite this insert takes the write lock. When another instance
    // committed a claim after this transaction's first read, SQLite
    // rejects the write with SQLITE_BUSY_SNAPSHOT instead.
    sqlx::query(
        "INSERT INTO job_run (portfolio_id, job, business_date, generation) VALUES ($1, $2, $3, 0) \
         ON CONFLICT (portfolio_id, job, business_date) DO NOTHING",
    )
    .bind(portfolio_id)
    .bind(job)
    .bind(&date)
    .execute(&mut *tx)
    .await?;

    let row = sqlx::query("SELECT generation FROM job_run WHERE portfolio_id = $1 AND job = $2 AND business_date = $3")
        .bind(portfolio_id)
        .bind(job)
        .bind(&date)
        .fetch_one(&mut *tx)
        .await?;
    let generation: i64 = row.try_get("generation")?;

    let updated = sqlx::query(
        "UPDATE job_run SET generation = $4 + 1, claimed_by = $5, claimed_at = $6 \
         WHERE portfolio_id = $1 AND job = $2 AND business_date = $3 AND generation = $4",
    )
    .bind(portfolio_id)
    .bind(job)
    .bind(&date)
    .bind(generation)
    .bind(instance)
    .bind(chrono::Utc::now().to_rfc3339())
    .execute(&mut *tx)
    .await?;
    Ok(if updated.rows_affected() == 1 { Claim::Taken } else { Claim::Busy })
}

/// Returns whether a SQLite result code is SQLITE_BUSY or one of its extended
/// codes (such as SQLITE_BUSY_SNAPSHOT, 517).
fn is_sqlite_busy(code: Option<&str>) -> bool {
    code.and_then(|code| code.parse::<i32>().ok()).is_some_and(|code| code & 0xff == 5)
}

/// Returns this process's name for claim rows: the host name and process id.
pub fn instance_name() -> String {
    let host = std::fs::read_to_string("/etc/hostname").map(|name| name.trim().to_string()).unwrap_or_default();
    let host = if host.is_empty() { "localhost".to_string() } else { host };
    format!("{host}:{}", std::process::id())
}
