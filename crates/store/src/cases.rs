//! Collection cases, their stage path and their tasks, as the daily run
//! writes them.

use chrono::NaiveDate;
use sqlx::Row;

use crate::{Conn, Result, date_text, get_optional_date};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRecord {
    pub customer_id: i64,
    pub status: CaseStatus,
    pub stage: Option<String>,
    pub stage_entered_on: Option<NaiveDate>,
    pub oldest_due_date: Option<NaiveDate>,
    pub days_past_due: i64,
    pub overdue_minor: i64,
    pub balance_minor: i64,
    pub currency: String,
    pub disputed_minor: i64,
    pub next_action_kind: Option<String>,
    pub next_action_on: Option<NaiveDate>,
    /// Higher comes first on the worklist.
    pub priority: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseStatus {
    Open,
    Closed,
}

impl CaseStatus {
    fn code(self) -> &'static str {
        match self {
            CaseStatus::Open => "open",
            CaseStatus::Closed => "closed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCase {
    pub id: i64,
    pub record: CaseRecord,
}

pub async fn load_cases(conn: &mut Conn, portfolio_id: i64) -> Result<Vec<StoredCase>> {
    let rows = sqlx::query(
        "SELECT id, customer_id, status, stage, stage_entered_on, oldest_due_date, days_past_due, overdue_minor, \
         balance_minor, currency, disputed_minor, next_action_kind, next_action_on, priority FROM collection_case \
         WHERE portfolio_id = $1",
    )
    .bind(portfolio_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(case_from_row).collect()
}

pub async fn load_cases_of_customer(conn: &mut Conn, customer_id: i64) -> Result<Vec<StoredCase>> {
    let rows = sqlx::query(
        "SELECT id, customer_id, status, stage, stage_entered_on, oldest_due_date, days_past_due, overdue_minor, \
         balance_minor, currency, disputed_minor, next_action_kind, next_action_on, priority FROM collection_case \
         WHERE customer_id = $1",
    )
    .bind(customer_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(case_from_row).collect()
}

fn case_from_row(row: &crate::AnyRow) -> Result<StoredCase> {
    let status: String = row.try_get("status")?;
    Ok(StoredCase {
        id: row.try_get("id")?,
        record: CaseRecord {
            customer_id: row.try_get("customer_id")?,
            status: if status == "open" { CaseStatus::Open } else { CaseStatus::Closed },
            stage: row.try_get("stage")?,
            stage_entered_on: get_optional_date(row, "stage_entered_on")?,
            oldest_due_date: get_optional_date(row, "oldest_due_date")?,
            days_past_due: row.try_get("days_past_due")?,
            overdue_minor: row.try_get("overdue_minor")?,
            balance_minor: row.try_get("balance_minor")?,
            currency: row.try_get("currency")?,
            disputed_minor: row.try_get("disputed_minor")?,
            next_action_kind: row.try_get("next_action_kind")?,
            next_action_on: get_optional_date(row, "next_action_on")?,
            priority: row.try_get("priority")?,
        },
    })
}

pub async fn insert_case(conn: &mut Conn, portfolio_id: i64, record: &CaseRecord, as_of: NaiveDate) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO collection_case (portfolio_id, customer_id, status, stage, stage_entered_on, oldest_due_date, \
         days_past_due, overdue_minor, balance_minor, currency, disputed_minor, next_action_kind, next_action_on, \
         opened_on, closed_on, updated_on, priority) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, NULL, $14, $15) RETURNING id",
    )
    .bind(portfolio_id)
    .bind(record.customer_id)
    .bind(record.status.code())
    .bind(&record.stage)
    .bind(record.stage_entered_on.map(date_text))
    .bind(record.oldest_due_date.map(date_text))
    .bind(record.days_past_due)
    .bind(record.overdue_minor)
    .bind(record.balance_minor)
    .bind(&record.currency)
    .bind(record.disputed_minor)
    .bind(&record.next_action_kind)
    .bind(record.next_action_on.map(date_text))
    .bind(date_text(as_of))
    .bind(record.priority)
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get("id")?)
}

/// Writes a case's new state. A case that reopens gets a new opening date;
/// a case that closes records the closing date.
pub async fn update_case(conn: &mut Conn, case_id: i64, record: &CaseRecord, reopened: bool, as_of: NaiveDate) -> Result<()> {
    let closed_on = (record.status == CaseStatus::Closed).then(|| date_text(as_of));
    sqlx::query(
        "UPDATE collection_case SET status = $2, stage = $3, stage_entered_on = $4, oldest_due_date = $5, \
         days_past_due = $6, overdue_minor = $7, balance_minor = $8, currency = $9, disputed_minor = $10, \
         next_action_kind = $11, next_action_on = $12, closed_on = $13, updated_on = $14, \
         opened_on = CASE WHEN $15 = 1 THEN $14 ELSE opened_on END, priority = $16 WHERE id = $1",
    )
    .bind(case_id)
    .bind(record.status.code())
    .bind(&record.stage)
    .bind(record.stage_entered_on.map(date_text))
    .bind(record.oldest_due_date.map(date_text))
    .bind(record.days_past_due)
    .bind(record.overdue_minor)
    .bind(record.balance_minor)
    .bind(&record.currency)
    .bind(record.disputed_minor)
    .bind(&record.next_action_kind)
    .bind(record.next_action_on.map(date_text))
    .bind(closed_on)
    .bind(date_text(as_of))
    .bind(i64::from(reopened))
    .bind(record.priority)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records that a case entered a stage. Returns false when already recorded.
pub async fn insert_stage_event(conn: &mut Conn, portfolio_id: i64, case_id: i64, stage: &str, entered_on: NaiveDate, skipped: bool) -> Result<bool> {
    let result = sqlx::query(
        "INSERT INTO case_stage_event (portfolio_id, case_id, stage, entered_on, skipped) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (case_id, stage, entered_on) DO NOTHING",
    )
    .bind(portfolio_id)
    .bind(case_id)
    .bind(stage)
    .bind(date_text(entered_on))
    .bind(i64::from(skipped))
    .execute(&mut *conn)
    .await?;
    Ok(result.rows_affected() == 1)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskData {
    pub case_id: i64,
    pub customer_id: i64,
    pub stage: String,
    pub stage_entered_on: NaiveDate,
    pub kind: String,
    pub channel: Option<String>,
    pub due_on: NaiveDate,
    pub assigned_to: Option<String>,
    /// collector, manager or legal.
    pub owner: String,
}

/// Creates a task once per case, stage entry and kind. Returns false when it
/// already exists.
pub async fn insert_task(conn: &mut Conn, portfolio_id: i64, task: &TaskData, as_of: NaiveDate) -> Result<bool> {
    let result = sqlx::query(
        "INSERT INTO task (portfolio_id, case_id, customer_id, stage, stage_entered_on, kind, channel, due_on, \
         assigned_to, status, created_on, owner) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open', $10, $11) \
         ON CONFLICT (case_id, stage, stage_entered_on, kind) DO NOTHING",
    )
    .bind(portfolio_id)
    .bind(task.case_id)
    .bind(task.customer_id)
    .bind(&task.stage)
    .bind(date_text(task.stage_entered_on))
    .bind(&task.kind)
    .bind(&task.channel)
    .bind(date_text(task.due_on))
    .bind(&task.assigned_to)
    .bind(date_text(as_of))
    .bind(&task.owner)
    .execute(&mut *conn)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Cancels the open tasks of a case that left collection or moved to
/// another stage entry.
pub async fn cancel_open_tasks_except(conn: &mut Conn, case_id: i64, keep_stage: Option<(&str, NaiveDate)>) -> Result<u64> {
    let result = match keep_stage {
        Some((stage, entered_on)) => {
            sqlx::query(
                "UPDATE task SET status = 'cancelled' WHERE case_id = $1 AND status = 'open' \
                 AND NOT (stage = $2 AND stage_entered_on = $3)",
            )
            .bind(case_id)
            .bind(stage)
            .bind(date_text(entered_on))
            .execute(&mut *conn)
            .await?
        }
        None => {
            sqlx::query("UPDATE task SET status = 'cancelled' WHERE case_id = $1 AND status = 'open'")
                .bind(case_id)
                .execute(&mut *conn)
                .await?
        }
    };
    Ok(result.rows_affected())
}
