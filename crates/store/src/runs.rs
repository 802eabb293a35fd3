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
    pub promises_kept: i64,
    pub promises_partly_kept: i64,
    pub promises_broken: i64,
}


#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunTotal {
    pub currency: String,
    pub balance_minor: i64,
    pub overdue_minor: i64,
    pub problem_minor: i64,
    pub unapplied_minor: i64,
    pub customers_with_balance: i64,
}

/// One aging bucket of a run in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunAgingLine {
    pub currency: String,
    pub position: i64,
    pub label: String,
    pub amount_minor: i64,
    pub item_count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRecord {
    pub as_of: NaiveDate,
    pub started_at: String,
    pub finished_at: String,
    pub duration_ms: i64,
    pub counts: RunCounts,
    pub totals: Vec<RunTotal>,
    pub aging: Vec<RunAgingLine>,
}

/// Stores the record of a run. A rerun of the same date replaces the
/// figures of the portfolio's state (open items, cases, problem cases) and
/// adds what it created or changed to the date's counts, so the record
/// keeps what every execution of the date did.
pub async fn save_run(conn: &mut Conn, portfolio_id: i64, record: &RunRecord) -> Result<i64> {
    let counts = &record.counts;
    let row = sqlx::query(
        "INSERT INTO run (portfolio_id, as_of, started_at, finished_at, duration_ms, executions, open_items, \
         cases_open, cases_opened, cases_closed, stage_changes, stages_skipped, tasks_created, problem_cases, \
         legal_candidates, promises_kept, promises_partly_kept, promises_broken) \
         VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) \
         ON CONFLICT (portfolio_id, as_of) DO UPDATE SET started_at = excluded.started_at, \
           finished_at = excluded.finished_at, duration_ms = excluded.duration_ms, \
           executions = run.executions + 1, open_items = excluded.open_items, cases_open = excluded.cases_open, \
           cases_opened = run.cases_opened + excluded.cases_opened, cases_closed = run.cases_closed + excluded.cases_closed, \
           stage_changes = run.stage_changes + excluded.stage_changes, \
           stages_skipped = run.stages_skipped + excluded.stages_skipped, \
           tasks_created = run.tasks_created + excluded.tasks_created, problem_cases = excluded.problem_cases, \
           legal_candidates = excluded.legal_candidates, \
           promises_kept = run.promises_kept + excluded.promises_kept, \
           promises_partly_kept = run.promises_partly_kept + excluded.promises_partly_kept, \
           promises_broken = run.promises_broken + excluded.promises_broken \
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
    .bind(counts.promises_kept)
    .bind(counts.promises_partly_kept)
    .bind(counts.promises_broken)
    .fetch_one(&mut *conn)
    .await?;
    let run_id: i64 = row.try_get("id")?;

    sqlx::query("DELETE FROM run_total WHERE run_id = $1").bind(run_id).execute(&mut *conn).await?;
    for total in &record.totals {
        sqlx::query(
            "INSERT INTO run_total (run_id, currency, balance_minor, overdue_minor, problem_minor, unapplied_minor, \
             customers_with_balance) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(run_id)
        .bind(&total.currency)
        .bind(total.balance_minor)
        .bind(total.overdue_minor)
        .bind(total.problem_minor)
        .bind(total.unapplied_minor)
        .bind(total.customers_with_balance)
        .execute(&mut *conn)
        .await?;
    }

    sqlx::query("DELETE FROM run_aging WHERE run_id = $1").bind(run_id).execute(&mut *conn).await?;
    for line in &record.aging {
        sqlx::query(
            "INSERT INTO run_aging (run_id, currency, position, label, amount_minor, item_count) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(run_id)
        .bind(&line.currency)
        .bind(line.position)
        .bind(&line.label)
        .bind(line.amount_minor)
        .bind(line.item_count)
        .execute(&mut *conn)
        .await?;
    }
    Ok(run_id)
}

/// The totals and aging the latest run of a portfolio stored, with its
/// date; none before the first run.
pub async fn latest_run_figures(conn: &mut Conn, portfolio_id: i64) -> Result<Option<(RunSummary, Vec<RunTotal>, Vec<RunAgingLine>)>> {
    let Some(summary) = list_runs(conn, portfolio_id).await?.pop() else { return Ok(None) };
    let run = sqlx::query("SELECT id FROM run WHERE portfolio_id = $1 AND as_of = $2")
        .bind(portfolio_id)
        .bind(date_text(summary.as_of))
        .fetch_one(&mut *conn)
        .await?;
    let run_id: i64 = run.try_get("id")?;

    let total_rows = sqlx::query(
        "SELECT currency, balance_minor, overdue_minor, problem_minor, unapplied_minor, customers_with_balance \
         FROM run_total WHERE run_id = $1 ORDER BY currency",
    )
    .bind(run_id)
    .fetch_all(&mut *conn)
    .await?;
    let totals = total_rows
        .iter()
        .map(|row| {
            Ok(RunTotal {
                currency: row.try_get("currency")?,
                balance_minor: row.try_get("balance_minor")?,
                overdue_minor: row.try_get("overdue_minor")?,
                problem_minor: row.try_get("problem_minor")?,
                unapplied_minor: row.try_get("unapplied_minor")?,
                customers_with_balance: row.try_get("customers_with_balance")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;

    let aging_rows = sqlx::query(
        "SELECT currency, position, label, amount_minor, item_count FROM run_aging WHERE run_id = $1 ORDER BY currency, position",
    )
    .bind(run_id)
    .fetch_all(&mut *conn)
    .await?;
    let aging = aging_rows
        .iter()
        .map(|row| {
            Ok(RunAgingLine {
                currency: row.try_get("currency")?,
                position: row.try_get("position")?,
                label: row.try_get("label")?,
                amount_minor: row.try_get("amount_minor")?,
                item_count: row.try_get("item_count")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Some((summary, totals, aging)))
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
