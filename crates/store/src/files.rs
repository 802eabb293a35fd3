//! Stored file contents, the documents of each customer's file
//! (expediente) and the kinds each scope requires.

use std::collections::HashMap;

use chrono::NaiveDate;
use sqlx::Row;

use crate::{AnyRow, Conn, Result, date_text, get_optional_date};

/// Stores `content` under its checksum unless it is already stored.
pub async fn put_blob(conn: &mut Conn, sha256: &str, content: &[u8]) -> Result<()> {
    sqlx::query("INSERT INTO stored_blob (sha256, size_bytes, content) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING")
        .bind(sha256)
        .bind(content.len() as i64)
        .bind(content.to_vec())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn get_blob(conn: &mut Conn, sha256: &str) -> Result<Option<Vec<u8>>> {
    let content: Option<Vec<u8>> = sqlx::query_scalar("SELECT content FROM stored_blob WHERE sha256 = $1").bind(sha256).fetch_optional(&mut *conn).await?;
    Ok(content)
}

/// A document to add to a customer's file.
#[derive(Debug, Clone)]
pub struct NewCustomerFile<'a> {
    pub customer_id: i64,
    pub kind: &'a str,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub sha256: &'a str,
    pub issued_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    pub note: Option<&'a str>,
    pub uploaded_by: &'a str,
}

/// One document of a customer's file, without its content.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CustomerFile {
    pub id: i64,
    pub customer_id: i64,
    pub customer_ref: String,
    pub kind: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub issued_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    pub note: Option<String>,
    pub uploaded_by: String,
    pub uploaded_at: String,
}

pub async fn insert_customer_file(conn: &mut Conn, portfolio_id: i64, file: &NewCustomerFile<'_>) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO customer_file (portfolio_id, customer_id, kind, file_name, content_type, size_bytes, sha256, issued_on, expires_on, note, uploaded_by, uploaded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(portfolio_id)
    .bind(file.customer_id)
    .bind(file.kind)
    .bind(file.file_name)
    .bind(file.content_type)
    .bind(file.size_bytes)
    .bind(file.sha256)
    .bind(file.issued_on.map(date_text))
    .bind(file.expires_on.map(date_text))
    .bind(file.note)
    .bind(file.uploaded_by)
    .bind(chrono::Utc::now().to_rfc3339())
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

const FILE_COLUMNS: &str = "f.id, f.customer_id, c.external_ref AS customer_ref, f.kind, f.file_name, f.content_type, f.size_bytes, f.sha256, \
     f.issued_on, f.expires_on, f.note, f.uploaded_by, f.uploaded_at";

fn file_from_row(row: &AnyRow) -> Result<CustomerFile> {
    Ok(CustomerFile {
        id: row.try_get("id")?,
        customer_id: row.try_get("customer_id")?,
        customer_ref: row.try_get("customer_ref")?,
        kind: row.try_get("kind")?,
        file_name: row.try_get("file_name")?,
        content_type: row.try_get("content_type")?,
        size_bytes: row.try_get("size_bytes")?,
        sha256: row.try_get("sha256")?,
        issued_on: get_optional_date(row, "issued_on")?,
        expires_on: get_optional_date(row, "expires_on")?,
        note: row.try_get("note")?,
        uploaded_by: row.try_get("uploaded_by")?,
        uploaded_at: row.try_get("uploaded_at")?,
    })
}

/// Lists the documents on file for a customer, newest first, without the
/// removed ones.
pub async fn customer_files(conn: &mut Conn, customer_id: i64) -> Result<Vec<CustomerFile>> {
    let sql = format!(
        "SELECT {FILE_COLUMNS} FROM customer_file f JOIN customer c ON c.id = f.customer_id \
         WHERE f.customer_id = $1 AND f.removed_at IS NULL ORDER BY f.id DESC"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(customer_id).fetch_all(&mut *conn).await?;
    rows.iter().map(file_from_row).collect()
}

pub async fn find_customer_file(conn: &mut Conn, portfolio_id: i64, id: i64) -> Result<Option<CustomerFile>> {
    let sql = format!(
        "SELECT {FILE_COLUMNS} FROM customer_file f JOIN customer c ON c.id = f.customer_id \
         WHERE f.portfolio_id = $1 AND f.id = $2 AND f.removed_at IS NULL"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(portfolio_id).bind(id).fetch_optional(&mut *conn).await?;
    row.as_ref().map(file_from_row).transpose()
}

/// Marks a document removed. Returns false when it was not on file.
pub async fn remove_customer_file(conn: &mut Conn, portfolio_id: i64, id: i64, removed_by: &str) -> Result<bool> {
    let result = sqlx::query("UPDATE customer_file SET removed_by = $3, removed_at = $4 WHERE portfolio_id = $1 AND id = $2 AND removed_at IS NULL")
        .bind(portfolio_id)
        .bind(id)
        .bind(removed_by)
        .bind(chrono::Utc::now().to_rfc3339())
        .execute(&mut *conn)
        .await?;
    Ok(result.rows_affected() == 1)
}

/// Reads the kind and expiry of every document on file in a portfolio, by
/// customer id, for the checklists of many customers at once.
pub async fn files_by_customer(conn: &mut Conn, portfolio_id: i64) -> Result<HashMap<i64, Vec<(String, Option<NaiveDate>)>>> {
    let rows = sqlx::query("SELECT customer_id, kind, expires_on FROM customer_file WHERE portfolio_id = $1 AND removed_at IS NULL")
        .bind(portfolio_id)
        .fetch_all(&mut *conn)
        .await?;
    let mut files: HashMap<i64, Vec<(String, Option<NaiveDate>)>> = HashMap::new();
    for row in &rows {
        files.entry(row.try_get("customer_id")?).or_default().push((row.try_get("kind")?, get_optional_date(row, "expires_on")?));
    }
    Ok(files)
}

/// Reads the kinds a portfolio requires, as (scope, kind) pairs. The list
/// is empty when the portfolio keeps the defaults.
pub async fn requirements(conn: &mut Conn, portfolio_id: i64) -> Result<Vec<(String, String)>> {
    let rows = sqlx::query("SELECT scope, kind FROM file_requirement WHERE portfolio_id = $1 ORDER BY scope, kind").bind(portfolio_id).fetch_all(&mut *conn).await?;
    rows.iter().map(|row| Ok((row.try_get("scope")?, row.try_get("kind")?))).collect()
}

/// Replaces the kinds one scope requires. An empty list is stored as one
/// row with an empty kind, so that "nothing required" differs from "the
/// defaults".
pub async fn replace_requirements(conn: &mut Conn, portfolio_id: i64, scope: &str, kinds: &[&str]) -> Result<()> {
    sqlx::query("DELETE FROM file_requirement WHERE portfolio_id = $1 AND scope = $2").bind(portfolio_id).bind(scope).execute(&mut *conn).await?;
    let kinds = if kinds.is_empty() { &[""][..] } else { kinds };
    for kind in kinds {
        sqlx::query("INSERT INTO file_requirement (portfolio_id, scope, kind) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(portfolio_id)
            .bind(scope)
            .bind(*kind)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
