//! Letters rendered for customers and stored with their case, with their
//! review and delivery status.

use chrono::NaiveDate;
use sqlx::Row;

use crate::{AnyRow, Conn, Result, date_text, get_date};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Letter {
    pub id: i64,
    pub customer_id: i64,
    pub customer_ref: String,
    pub customer_name: String,
    pub case_id: Option<i64>,
    pub kind: String,
    pub language: String,
    pub as_of: NaiveDate,
    pub status: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub created_by: String,
    pub created_at: String,
    pub decided_by: Option<String>,
    pub delivered_at: Option<String>,
    pub delivered_to: Option<String>,
}

/// A rendered letter to store; its content is in `stored_blob`.
#[derive(Debug, Clone)]
pub struct NewLetter<'a> {
    pub customer_id: i64,
    pub case_id: Option<i64>,
    pub kind: &'a str,
    pub language: &'a str,
    pub as_of: NaiveDate,
    pub sha256: &'a str,
    pub size_bytes: i64,
    pub created_by: &'a str,
}

/// Stores a draft letter and replaces a draft of the same kind and date
/// for the customer. A letter already approved, sent or queued is kept,
/// and then None is returned.
pub async fn upsert_draft(conn: &mut Conn, portfolio_id: i64, letter: &NewLetter<'_>) -> Result<Option<i64>> {
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO letter (portfolio_id, customer_id, case_id, kind, language, as_of, status, sha256, size_bytes, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'draft', $7, $8, $9, $10) \
         ON CONFLICT (customer_id, kind, as_of) DO UPDATE SET language = excluded.language, sha256 = excluded.sha256, \
           size_bytes = excluded.size_bytes, case_id = excluded.case_id, created_by = excluded.created_by, created_at = excluded.created_at \
           WHERE letter.status IN ('draft', 'cancelled') \
         RETURNING id",
    )
    .bind(portfolio_id)
    .bind(letter.customer_id)
    .bind(letter.case_id)
    .bind(letter.kind)
    .bind(letter.language)
    .bind(date_text(letter.as_of))
    .bind(letter.sha256)
    .bind(letter.size_bytes)
    .bind(letter.created_by)
    .bind(chrono::Utc::now().to_rfc3339())
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(id) = id {
        sqlx::query("UPDATE letter SET status = 'draft' WHERE id = $1").bind(id).execute(&mut *conn).await?;
    }
    Ok(id)
}

const LETTER_COLUMNS: &str = "l.id, l.customer_id, c.external_ref AS customer_ref, c.name AS customer_name, l.case_id, l.kind, l.language, l.as_of, \
     l.status, l.sha256, l.size_bytes, l.created_by, l.created_at, l.decided_by, l.delivered_at, l.delivered_to";

fn letter_from_row(row: &AnyRow) -> Result<Letter> {
    Ok(Letter {
        id: row.try_get("id")?,
        customer_id: row.try_get("customer_id")?,
        customer_ref: row.try_get("customer_ref")?,
        customer_name: row.try_get("customer_name")?,
        case_id: row.try_get("case_id")?,
        kind: row.try_get("kind")?,
        language: row.try_get("language")?,
        as_of: get_date(row, "as_of")?,
        status: row.try_get("status")?,
        sha256: row.try_get("sha256")?,
        size_bytes: row.try_get("size_bytes")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        decided_by: row.try_get("decided_by")?,
        delivered_at: row.try_get("delivered_at")?,
        delivered_to: row.try_get("delivered_to")?,
    })
}

pub async fn find_letter(conn: &mut Conn, portfolio_id: i64, id: i64) -> Result<Option<Letter>> {
    let sql = format!("SELECT {LETTER_COLUMNS} FROM letter l JOIN customer c ON c.id = l.customer_id WHERE l.portfolio_id = $1 AND l.id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(portfolio_id).bind(id).fetch_optional(&mut *conn).await?;
    row.as_ref().map(letter_from_row).transpose()
}

/// Letters of a portfolio, filtered by status, kind and customer when
/// given, newest first.
pub async fn list_letters(conn: &mut Conn, portfolio_id: i64, status: Option<&str>, kind: Option<&str>, customer_id: Option<i64>) -> Result<Vec<Letter>> {
    let sql = format!(
        "SELECT {LETTER_COLUMNS} FROM letter l JOIN customer c ON c.id = l.customer_id \
         WHERE l.portfolio_id = $1 AND ($2 IS NULL OR l.status = $2) AND ($3 IS NULL OR l.kind = $3) AND ($4 IS NULL OR l.customer_id = $4) \
         ORDER BY l.as_of DESC, c.external_ref"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(portfolio_id).bind(status).bind(kind).bind(customer_id).fetch_all(&mut *conn).await?;
    rows.iter().map(letter_from_row).collect()
}

/// Moves a letter from one status to another, recording who decided and,
/// for a delivery, where it went. Returns false when it was not in `from`.
pub async fn move_letter(conn: &mut Conn, id: i64, from: &[&str], to: &str, decided_by: &str, delivered_to: Option<&str>) -> Result<bool> {
    let delivered_at = matches!(to, "sent" | "queued_for_print").then(|| chrono::Utc::now().to_rfc3339());
    let placeholders: Vec<String> = (0..from.len()).map(|index| format!("${}", index + 6)).collect();
    let sql = format!(
        "UPDATE letter SET status = $2, decided_by = $3, delivered_at = COALESCE($4, delivered_at), delivered_to = COALESCE($5, delivered_to) \
         WHERE id = $1 AND status IN ({})",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).bind(to).bind(decided_by).bind(delivered_at).bind(delivered_to);
    for status in from {
        query = query.bind(*status);
    }
    let result = query.execute(&mut *conn).await?;
    Ok(result.rows_affected() == 1)
}

/// Counts letters by status for a portfolio's kind of letter.
pub async fn count_letters(conn: &mut Conn, portfolio_id: i64, kind: &str, status: &str) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM letter WHERE portfolio_id = $1 AND kind = $2 AND status = $3")
        .bind(portfolio_id)
        .bind(kind)
        .bind(status)
        .fetch_one(&mut *conn)
        .await?)
}
