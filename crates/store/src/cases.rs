//! Collection cases, their stage path and their tasks, as the daily run
//! writes them.

use chrono::NaiveDate;
use sqlx::Row;

use crate::ledger::{BULK_ROWS, values_list};
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
    Ok(insert_tasks(conn, portfolio_id, std::slice::from_ref(task), as_of).await? == 1)
}

/// Cancels the open tasks of a case, for example when a payment plan puts
/// the case on hold. Returns how many were cancelled.
pub async fn cancel_open_tasks_of_case(conn: &mut Conn, case_id: i64) -> Result<u64> {
    let result = sqlx::query("UPDATE task SET status = 'cancelled' WHERE case_id = $1 AND status = 'open'").bind(case_id).execute(&mut *conn).await?;
    Ok(result.rows_affected())
}

/// The case a batched write refers to: a stored one, or the n-th case of
/// the same batch's [`CaseWrites::new_cases`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseRef {
    Stored(i64),
    New(usize),
}

impl CaseRef {
    /// Returns the case's id, given the ids of the batch's new cases.
    pub fn id(self, new_case_ids: &[i64]) -> i64 {
        match self {
            CaseRef::Stored(id) => id,
            CaseRef::New(index) => new_case_ids[index],
        }
    }
}

/// Every case write of one daily run, gathered so that they go to the
/// database in multi-row statements instead of one round trip each.
#[derive(Debug, Default)]
pub struct CaseWrites {
    pub new_cases: Vec<CaseRecord>,
    /// Stored cases with their new state, and whether each one reopens.
    pub updates: Vec<(i64, CaseRecord, bool)>,
    /// Stored cases whose open tasks are cancelled, except, when a stage is
    /// given, the tasks of that stage entered on the batch's date.
    pub cancellations: Vec<(i64, Option<String>)>,
    /// Stage entries: case, stage code and whether the stage was skipped.
    pub stage_events: Vec<(CaseRef, String, bool)>,
    /// New tasks. Each one's `case_id` is taken from its reference.
    pub tasks: Vec<(CaseRef, TaskData)>,
}

/// The outcome of [`write_case_writes`]: new ids and counts.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct WrittenCases {
    /// The ids of the new cases, in the order of `new_cases`.
    pub new_case_ids: Vec<i64>,
    pub stage_changes: u64,
    pub stages_skipped: u64,
    pub tasks_created: u64,
}

/// Writes a run's case changes dated `as_of`: new cases, updates,
/// cancelled tasks, stage entries and tasks, in that order. Stage entries
/// and tasks already recorded are left alone and not counted.
pub async fn write_case_writes(conn: &mut Conn, portfolio_id: i64, as_of: NaiveDate, writes: &CaseWrites) -> Result<WrittenCases> {
    let new_case_ids = insert_cases(conn, portfolio_id, &writes.new_cases, as_of).await?;
    update_cases(conn, &writes.updates, as_of).await?;
    cancel_open_tasks(conn, &writes.cancellations, as_of).await?;

    let case_id = |case: CaseRef| case.id(&new_case_ids);
    let (skipped, entered): (Vec<_>, Vec<_>) = writes.stage_events.iter().map(|(case, stage, skipped)| (case_id(*case), stage.as_str(), *skipped)).partition(|event| event.2);
    let stages_skipped = insert_stage_events(conn, portfolio_id, &skipped, as_of).await?;
    let stage_changes = stages_skipped + insert_stage_events(conn, portfolio_id, &entered, as_of).await?;
    let tasks: Vec<TaskData> = writes.tasks.iter().map(|(case, task)| TaskData { case_id: case_id(*case), ..task.clone() }).collect();
    let tasks_created = insert_tasks(conn, portfolio_id, &tasks, as_of).await?;

    Ok(WrittenCases { new_case_ids, stage_changes, stages_skipped, tasks_created })
}

/// Inserts cases with multi-row statements. Returns their ids in order.
async fn insert_cases(conn: &mut Conn, portfolio_id: i64, records: &[CaseRecord], as_of: NaiveDate) -> Result<Vec<i64>> {
    let mut ids = Vec::with_capacity(records.len());
    for chunk in records.chunks(BULK_ROWS) {
        let sql = format!(
            "INSERT INTO collection_case (portfolio_id, customer_id, status, stage, stage_entered_on, oldest_due_date, \
             days_past_due, overdue_minor, balance_minor, currency, disputed_minor, next_action_kind, next_action_on, \
             opened_on, closed_on, updated_on, priority) VALUES {} RETURNING id, customer_id",
            values_list(conn, chunk.len(), "({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, NULL, {}, {})")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for record in chunk {
            query = bind_case_state(query.bind(portfolio_id).bind(record.customer_id), record)
                .bind(date_text(as_of))
                .bind(date_text(as_of))
                .bind(record.priority);
        }
        // RETURNING promises no row order; a customer has one case.
        let rows = query.fetch_all(&mut *conn).await?;
        let mut by_customer = std::collections::HashMap::with_capacity(rows.len());
        for row in &rows {
            by_customer.insert(row.try_get::<i64, _>("customer_id")?, row.try_get::<i64, _>("id")?);
        }
        for record in chunk {
            let id = by_customer.get(&record.customer_id).copied();
            ids.push(id.ok_or_else(|| crate::StoreError::BadValue { column: "collection_case.id", value: record.customer_id.to_string(), expected: "a returned id" })?);
        }
    }
    Ok(ids)
}

/// Binds a case's state from its status to its next action, the columns
/// that insert and update share, in table order.
fn bind_case_state<'q>(query: crate::AnyQuery<'q>, record: &CaseRecord) -> crate::AnyQuery<'q> {
    query
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
}

/// Writes the new state of many cases. A case that reopens gets a new
/// opening date, and a closed one its closing date.
async fn update_cases(conn: &mut Conn, updates: &[(i64, CaseRecord, bool)], as_of: NaiveDate) -> Result<()> {
    for chunk in updates.chunks(BULK_ROWS) {
        // Both engines name the columns of a VALUES list column1, column2, ...
        let sql = format!(
            "UPDATE collection_case SET status = v.column2, stage = v.column3, stage_entered_on = v.column4, \
             oldest_due_date = v.column5, days_past_due = v.column6, overdue_minor = v.column7, balance_minor = v.column8, \
             currency = v.column9, disputed_minor = v.column10, next_action_kind = v.column11, next_action_on = v.column12, \
             closed_on = v.column13, updated_on = v.column14, \
             opened_on = CASE WHEN v.column15 = 1 THEN v.column14 ELSE collection_case.opened_on END, priority = v.column16 \
             FROM (VALUES {}) AS v WHERE collection_case.id = v.column1",
            values_list(conn, chunk.len(), "({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (case_id, record, reopened) in chunk {
            let closed_on = (record.status == CaseStatus::Closed).then(|| date_text(as_of));
            query = bind_case_state(query.bind(*case_id), record)
                .bind(closed_on)
                .bind(date_text(as_of))
                .bind(i64::from(*reopened))
                .bind(record.priority);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Cancels the open tasks of many cases. Where a stage is given, the tasks
/// of that stage entered on `as_of` stay open.
async fn cancel_open_tasks(conn: &mut Conn, cancellations: &[(i64, Option<String>)], as_of: NaiveDate) -> Result<()> {
    for chunk in cancellations.chunks(BULK_ROWS) {
        let sql = format!(
            "UPDATE task SET status = 'cancelled' FROM (VALUES {}) AS v WHERE task.case_id = v.column1 AND task.status = 'open' \
             AND (v.column2 IS NULL OR NOT (task.stage = v.column2 AND task.stage_entered_on = v.column3))",
            values_list(conn, chunk.len(), "({}, {}, {})")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (case_id, keep_stage) in chunk {
            query = query.bind(*case_id).bind(keep_stage.as_deref()).bind(date_text(as_of));
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Records stage entries on `as_of`: `(case id, stage, skipped)`. Returns
/// how many were new.
async fn insert_stage_events(conn: &mut Conn, portfolio_id: i64, events: &[(i64, &str, bool)], as_of: NaiveDate) -> Result<u64> {
    let mut inserted = 0;
    for chunk in events.chunks(BULK_ROWS) {
        let sql = format!(
            "INSERT INTO case_stage_event (portfolio_id, case_id, stage, entered_on, skipped) VALUES {} \
             ON CONFLICT (case_id, stage, entered_on) DO NOTHING",
            values_list(conn, chunk.len(), "({}, {}, {}, {}, {})")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (case_id, stage, skipped) in chunk {
            query = query.bind(portfolio_id).bind(*case_id).bind(*stage).bind(date_text(as_of)).bind(i64::from(*skipped));
        }
        inserted += query.execute(&mut *conn).await?.rows_affected();
    }
    Ok(inserted)
}

/// Creates tasks once per case, stage entry and kind. Returns how many
/// were new.
async fn insert_tasks(conn: &mut Conn, portfolio_id: i64, tasks: &[TaskData], as_of: NaiveDate) -> Result<u64> {
    let mut inserted = 0;
    for chunk in tasks.chunks(BULK_ROWS) {
        let sql = format!(
            "INSERT INTO task (portfolio_id, case_id, customer_id, stage, stage_entered_on, kind, channel, due_on, \
             assigned_to, status, created_on, owner) VALUES {} ON CONFLICT (case_id, stage, stage_entered_on, kind) DO NOTHING",
            values_list(conn, chunk.len(), "({}, {}, {}, {}, {}, {}, {}, {}, {}, 'open', {}, {})")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for task in chunk {
            query = query
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
                .bind(&task.owner);
        }
        inserted += query.execute(&mut *conn).await?.rows_affected();
    }
    Ok(inserted)
}
