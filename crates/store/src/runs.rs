//! Run records: one per portfolio and as-of date, for trends and KPIs.

use chrono::NaiveDate;
use sqlx::Row;

use crate::{Conn, Result, date_text, get_date};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunCounts {
    pub open_items: i64,
    pub cases_open: i64,
    pub cases_opened: i64,
    pub cases_closed: i64,
    pub stage_changes: i64,
    pub stages_skipped: i64,
    pub tasks_created: i64,
    pub problem_cases: i64,
    pub legal_candidates: i64,
}


#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunTotal {
    pub currency: String,
    pub balance_minor: i64,
    pub overdue_minor: i64,
    pub problem_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRecord {
    pub as_of: NaiveDate,
    pub started_at: String,
    pub finished_at: String,
    pub duration_ms: i64,
    pub counts: RunCounts,
    pub totals: Vec<RunTotal>,
}

/// Stores the record of a run. A rerun of the same date replaces the
/// figures and counts one more execution.
pub async fn save_run(conn: &mut Conn, portfolio_id: i64, record: &RunRecord) -> Result<i64> {
    let counts = &record.counts;
    let row = sqlx::query(
        "INSERT INTO run (portfolio_id, as_of, started_at, finished_at, duration_ms, executions, open_items, \
         cases_open, cases_opened, cases_closed, stage_changes, stages_skipped, tasks_created, problem_cases, \
         legal_candidates) VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
         ON CONFLICT (portfolio_id, as_of) DO UPDATE SET started_at = excluded.started_at, \
           finished_at = excluded.finished_at, duration_ms = excluded.duration_ms, \
           executions = run.executions + 1, open_items = excluded.open_items, cases_open = excluded.cases_open, \
           cases_opened = excluded.cases_opened, cases_closed = excluded.cases_closed, \
           stage_changes = excluded.stage_changes, stages_skipped = excluded.stages_skipped, \
           tasks_created = excluded.tasks_created, problem_cases = excluded.problem_cases, \
           legal_candidates = excluded.legal_candidates \
         RETURNING id",
    )
    .bind(portfolio_id)
    .bind(date_text(record.as_of))
    .bind(&record.started_at)
    .bind(&record.finished_at)
    .bind(record.duration_ms)
    .bind(counts.open_items)
    .bind(counts.cases_open)
    .bind(counts.cases_opened)
    .bind(counts.cases_closed)
    .bind(counts.stage_changes)
    .bind(counts.stages_skipped)
    .bind(counts.tasks_created)
    .bind(counts.problem_cases)
    .bind(counts.legal_candidates)
    .fetch_one(&mut *conn)
    .await?;
    let run_id: i64 = row.try_get("id")?;

    sqlx::query("DELETE FROM run_total WHERE run_id = $1").bind(run_id).execute(&mut *conn).await?;
    for total in &record.totals {
        sqlx::query(
            "INSERT INTO run_total (run_id, currency, balance_minor, overdue_minor, problem_minor) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(run_id)
        .bind(&total.currency)
        .bind(total.balance_minor)
        .bind(total.overdue_minor)
        .bind(total.problem_minor)
        .execute(&mut *conn)
        .await?;
    }
    Ok(run_id)
}

/// The latest as-of date a run was stored for.
pub async fn latest_run_date(conn: &mut Conn, portfolio_id: i64) -> Result<Option<NaiveDate>> {
    let row = sqlx::query("SELECT as_of FROM run WHERE portfolio_id = $1 ORDER BY as_of DESC LIMIT 1")
        .bind(portfolio_id)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|row| get_date(&row, "as_of")).transpose()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunSummary {
    pub as_of: NaiveDate,
    pub executions: i64,
    pub duration_ms: i64,
    pub cases_open: i64,
    pub problem_cases: i64,
    pub legal_candidates: i64,
    pub tasks_created: i64,
}

pub async fn list_runs(conn: &mut Conn, portfolio_id: i64) -> Result<Vec<RunSummary>> {
    let rows = sqlx::query(
        "SELECT as_of, executions, duration_ms, cases_open, problem_cases, legal_candidates, tasks_created \
         FROM run WHERE portfolio_id = $1 ORDER BY as_of",
    )
    .bind(portfolio_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(RunSummary {
                as_of: get_date(row, "as_of")?,
                executions: row.try_get("executions")?,
                duration_ms: row.try_get("duration_ms")?,
                cases_open: row.try_get("cases_open")?,
                problem_cases: row.try_get("problem_cases")?,
                legal_candidates: row.try_get("legal_candidates")?,
                tasks_created: row.try_get("tasks_created")?,
            })
        })
        .collect()
}
