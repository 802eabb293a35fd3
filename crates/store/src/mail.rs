//! The reminder email log.

use chrono::NaiveDate;
use sqlx::Row;

use crate::{Conn, Result, date_text, get_date};

/// An open email reminder task with what the message needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderTask {
    pub task_id: i64,
    pub customer_id: i64,
    pub customer_ref: String,
    pub customer_name: String,
    pub email: Option<String>,
    pub language: Option<String>,
    pub stage: String,
    pub due_on: NaiveDate,
}

/// Open reminder tasks by email due on or before `as_of`, that no earlier
/// attempt sent or left in doubt, of customers not keeping an active
/// payment plan.
pub async fn pending_email_reminders(conn: &mut Conn, portfolio_id: i64, as_of: NaiveDate) -> Result<Vec<ReminderTask>> {
    let rows = sqlx::query(
        "SELECT t.id, t.customer_id, c.external_ref, c.name, c.email, c.language, t.stage, t.due_on FROM task t \
         JOIN customer c ON c.id = t.customer_id \
         WHERE t.portfolio_id = $1 AND t.kind = 'reminder' AND t.channel = 'email' AND t.status = 'open' AND t.due_on <= $2 \
           AND NOT EXISTS (SELECT 1 FROM email_log l WHERE l.task_id = t.id AND l.status <> 'failed') \
           AND NOT EXISTS (SELECT 1 FROM payment_plan p WHERE p.customer_id = t.customer_id AND p.status = 'active') \
         ORDER BY t.id",
    )
    .bind(portfolio_id)
    .bind(date_text(as_of))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(ReminderTask {
                task_id: row.try_get("id")?,
                customer_id: row.try_get("customer_id")?,
                customer_ref: row.try_get("external_ref")?,
                customer_name: row.try_get("name")?,
                email: row.try_get("email")?,
                language: row.try_get("language")?,
                stage: row.try_get("stage")?,
                due_on: get_date(row, "due_on")?,
            })
        })
        .collect()
}

/// Claims a task for sending: records the attempt before the message
/// leaves. Returns false when another attempt already claimed the task
/// (only a failed attempt may be claimed again).
pub async fn claim_email(conn: &mut Conn, portfolio_id: i64, task: &ReminderTask, recipient: &str, subject: &str) -> Result<bool> {
    let result = sqlx::query(
        "INSERT INTO email_log (portfolio_id, task_id, customer_id, recipient, subject, status, queued_at) \
         VALUES ($1, $2, $3, $4, $5, 'sending', $6) \
         ON CONFLICT (task_id) DO UPDATE SET status = 'sending', recipient = excluded.recipient, \
           subject = excluded.subject, queued_at = excluded.queued_at, server_response = NULL, finished_at = NULL \
         WHERE email_log.status = 'failed'",
    )
    .bind(portfolio_id)
    .bind(task.task_id)
    .bind(task.customer_id)
    .bind(recipient)
    .bind(subject)
    .bind(chrono::Utc::now().to_rfc3339())
    .execute(&mut *conn)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Records how an attempt ended: `sent`, `written` or `failed`, with the
/// server's answer or the error. A sent or written reminder completes its
/// task.
pub async fn finish_email(conn: &mut Conn, task_id: i64, status: &str, server_response: &str) -> Result<()> {
    sqlx::query("UPDATE email_log SET status = $2, server_response = $3, finished_at = $4 WHERE task_id = $1")
        .bind(task_id)
        .bind(status)
        .bind(server_response)
        .bind(chrono::Utc::now().to_rfc3339())
        .execute(&mut *conn)
        .await?;
    if status != "failed" {
        sqlx::query("UPDATE task SET status = 'done' WHERE id = $1").bind(task_id).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Cancels a reminder task that has nothing left to remind of.
pub async fn cancel_task(conn: &mut Conn, task_id: i64) -> Result<()> {
    sqlx::query("UPDATE task SET status = 'cancelled' WHERE id = $1 AND status = 'open'").bind(task_id).execute(&mut *conn).await?;
    Ok(())
}

/// Attempts left in doubt by a crash between claiming and finishing.
pub async fn emails_in_doubt(conn: &mut Conn, portfolio_id: i64) -> Result<i64> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM email_log WHERE portfolio_id = $1 AND status = 'sending'")
        .bind(portfolio_id)
        .fetch_one(&mut *conn)
        .await?;
    Ok(row.try_get("n")?)
}

/// A document of a reminder's statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementLine {
    pub kind: String,
    pub number: String,
    pub due_date: NaiveDate,
    pub open_minor: i64,
    pub currency: String,
    pub disputed: bool,
}

/// The customer's receivable documents open and past due on `as_of`, oldest
/// first, using only allocations dated on or before it.
pub async fn overdue_documents(conn: &mut Conn, customer_id: i64, as_of: NaiveDate) -> Result<Vec<StatementLine>> {
    let rows = sqlx::query(
        "SELECT d.kind, d.number, d.due_date, d.currency, \
           d.amount_minor - COALESCE((SELECT CAST(SUM(a.amount_minor) AS BIGINT) FROM allocation a \
                                      WHERE a.document_id = d.id AND a.allocated_on <= $2), 0) AS open_minor, \
           CASE WHEN EXISTS (SELECT 1 FROM dispute x WHERE x.document_id = d.id AND x.opened_on <= $2 \
                             AND (x.resolved_on IS NULL OR x.resolved_on > $2)) THEN 1 ELSE 0 END AS disputed \
         FROM document d \
         WHERE d.customer_id = $1 AND d.kind <> 'credit_note' AND d.issue_date <= $2 AND d.due_date < $2 \
           AND (d.settled_on IS NULL OR d.settled_on > $2) \
         ORDER BY d.due_date, d.number",
    )
    .bind(customer_id)
    .bind(date_text(as_of))
    .fetch_all(&mut *conn)
    .await?;

    let mut lines = Vec::new();
    for row in &rows {
        let open_minor: i64 = row.try_get("open_minor")?;
        if open_minor <= 0 {
            continue;
        }
        let disputed: i64 = row.try_get("disputed")?;
        lines.push(StatementLine {
            kind: row.try_get("kind")?,
            number: row.try_get("number")?,
            due_date: get_date(row, "due_date")?,
            open_minor,
            currency: row.try_get("currency")?,
            disputed: disputed == 1,
        });
    }
    Ok(lines)
}
