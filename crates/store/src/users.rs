//! Users, web sessions, API tokens and the audit trail. This module stores
//! digests only; hashing and token generation happen in the caller.

use sqlx::Row;

use crate::{AnyRow, Conn, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub role: String,
    pub language: Option<String>,
    pub active: bool,
}

fn user_from_row(row: &AnyRow) -> Result<User> {
    let active: i64 = row.try_get("active")?;
    Ok(User {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        password_hash: row.try_get("password_hash")?,
        role: row.try_get("role")?,
        language: row.try_get("language")?,
        active: active == 1,
    })
}

pub async fn insert_user(conn: &mut Conn, username: &str, password_hash: &str, role: &str, language: Option<&str>) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO app_user (username, password_hash, role, language, active, created_at) \
         VALUES ($1, $2, $3, $4, 1, $5) RETURNING id",
    )
    .bind(username)
    .bind(password_hash)
    .bind(role)
    .bind(language)
    .bind(chrono::Utc::now().to_rfc3339())
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get("id")?)
}

pub async fn find_user(conn: &mut Conn, username: &str) -> Result<Option<User>> {
    let row = sqlx::query("SELECT id, username, password_hash, role, language, active FROM app_user WHERE username = $1")
        .bind(username)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(user_from_row).transpose()
}

pub async fn list_users(conn: &mut Conn) -> Result<Vec<User>> {
    let rows = sqlx::query("SELECT id, username, password_hash, role, language, active FROM app_user ORDER BY username")
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(user_from_row).collect()
}

pub async fn set_language(conn: &mut Conn, user_id: i64, language: &str) -> Result<()> {
    sqlx::query("UPDATE app_user SET language = $2 WHERE id = $1").bind(user_id).bind(language).execute(&mut *conn).await?;
    Ok(())
}

/// A live web session with its user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user: User,
    pub csrf_token: String,
}

pub async fn insert_session(conn: &mut Conn, token_sha256: &str, user_id: i64, csrf_token: &str, expires_at: &str) -> Result<()> {
    sqlx::query("INSERT INTO web_session (token_sha256, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(token_sha256)
        .bind(user_id)
        .bind(csrf_token)
        .bind(chrono::Utc::now().to_rfc3339())
        .bind(expires_at)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Finds the session of a token digest that has not expired at `now`
/// (RFC 3339 UTC text, which sorts as time does).
pub async fn find_session(conn: &mut Conn, token_sha256: &str, now: &str) -> Result<Option<Session>> {
    let row = sqlx::query(
        "SELECT u.id, u.username, u.password_hash, u.role, u.language, u.active, s.csrf_token \
         FROM web_session s JOIN app_user u ON u.id = s.user_id \
         WHERE s.token_sha256 = $1 AND s.expires_at > $2 AND u.active = 1",
    )
    .bind(token_sha256)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some(row) => Ok(Some(Session { user: user_from_row(&row)?, csrf_token: row.try_get("csrf_token")? })),
        None => Ok(None),
    }
}

pub async fn delete_session(conn: &mut Conn, token_sha256: &str) -> Result<()> {
    sqlx::query("DELETE FROM web_session WHERE token_sha256 = $1").bind(token_sha256).execute(&mut *conn).await?;
    Ok(())
}

pub async fn insert_api_token(conn: &mut Conn, user_id: i64, token_sha256: &str) -> Result<()> {
    sqlx::query("INSERT INTO api_token (user_id, token_sha256, created_at, revoked) VALUES ($1, $2, $3, 0)")
        .bind(user_id)
        .bind(token_sha256)
        .bind(chrono::Utc::now().to_rfc3339())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Finds the active user of an API token digest.
pub async fn find_api_token_user(conn: &mut Conn, token_sha256: &str) -> Result<Option<User>> {
    let row = sqlx::query(
        "SELECT u.id, u.username, u.password_hash, u.role, u.language, u.active FROM api_token t \
         JOIN app_user u ON u.id = t.user_id WHERE t.token_sha256 = $1 AND t.revoked = 0 AND u.active = 1",
    )
    .bind(token_sha256)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(user_from_row).transpose()
}

/// Appends an audit event.
pub async fn insert_audit_event(conn: &mut Conn, actor: &str, action: &str, subject: &str, detail: Option<&str>) -> Result<()> {
    sqlx::query("INSERT INTO audit_event (occurred_at, actor, action, subject, detail) VALUES ($1, $2, $3, $4, $5)")
        .bind(chrono::Utc::now().to_rfc3339())
        .bind(actor)
        .bind(action)
        .bind(subject)
        .bind(detail)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
