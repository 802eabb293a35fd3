//! Scenario tables for the default policy through the daily run: the day,
//! what happened, and the stage and tasks the run must leave.

mod common;

use std::path::Path;

use common::{create_portfolio, date, open_store};
use recobro_app::import::{Profile, RecordKind, import_file};
use recobro_app::run::run_daily;
use recobro_store::Store;
use sqlx::Row;

async fn import(store: &Store, folder: &Path, kind: RecordKind, name: &str, text: &str) {
    let path = folder.join(name);
    std::fs::write(&path, text).unwrap();
    import_file(store, "p", &path, Profile::canonical(kind)).await.unwrap();
}

/// The case's stage after the latest run, or `None` without an open case.
async fn stage(store: &Store) -> Option<String> {
    let row = sqlx::query("SELECT status, stage FROM collection_case").fetch_optional(store.pool()).await.unwrap()?;
    let status: String = row.try_get("status").unwrap();
    if status == "open" { row.try_get("stage").unwrap() } else { None }
}

/// Task kinds the run of `day` created, sorted.
async fn tasks_created_on(store: &Store, day: &str) -> Vec<String> {
    let rows = sqlx::query("SELECT kind FROM task WHERE created_on = $1 ORDER BY kind").bind(day).fetch_all(store.pool()).await.unwrap();
    rows.iter().map(|row| row.try_get("kind").unwrap()).collect()
}

/// Stage events recorded on `day`: stage and whether it was skipped.
async fn stage_events_on(store: &Store, day: &str) -> Vec<(String, bool)> {
    let rows = sqlx::query("SELECT stage, skipped FROM case_stage_event WHERE entered_on = $1 ORDER BY id").bind(day).fetch_all(store.pool()).await.unwrap();
    rows.iter().map(|row| (row.try_get("stage").unwrap(), row.try_get::<i64, _>("skipped").unwrap() == 1)).collect()
}

async fn seed(store: &Store, folder: &Path) {
    create_portfolio(store, "p", "USD").await;
    import(store, folder, RecordKind::Customer, "customers.csv", "ref,name,preferred_channel\nC,Cliente SA,email\n").await;
    // A is due 2024-01-31, B a month later.
    import(store, folder, RecordKind::Document, "documents.csv", "number,customer,issue_date,due_date,amount\nA,C,2024-01-01,2024-01-31,100.00\nB,C,2024-01-30,2024-02-29,50.00\n").await;
}

/// Every threshold of the default policy, then payment of the oldest
/// document and a credit note that zeroes the balance.
async fn thresholds(url: String) {
    let store = open_store(&url).await;
    let folder = tempfile::tempdir().unwrap();
    seed(&store, folder.path()).await;

    // Day, days past due of A, expected stage, tasks created that day.
    let table: [(&str, i64, Option<&str>, &[&str]); 10] = [
        ("2024-01-31", 0, None, &[]),
        ("2024-02-01", 1, Some("reminder"), &["reminder"]),
        ("2024-03-01", 30, Some("reminder"), &[]),
        ("2024-03-02", 31, Some("second_reminder"), &["call_task", "reminder"]),
        ("2024-03-31", 60, Some("second_reminder"), &[]),
        ("2024-04-01", 61, Some("formal_notice"), &["call_task", "formal_notice"]),
        ("2024-04-29", 89, Some("formal_notice"), &[]),
        ("2024-04-30", 90, Some("problem_case"), &["call_task"]),
        ("2024-05-30", 120, Some("problem_case"), &[]),
        ("2024-05-31", 121, Some("judicial_candidate"), &["demand_letter_draft", "legal_transfer_proposal"]),
    ];
    for (day, days_past_due, expected_stage, expected_tasks) in table {
        let outcome = run_daily(&store, "p", date(day)).await.unwrap();
        assert_eq!(stage(&store).await.as_deref(), expected_stage, "{day}: {days_past_due} days past due");
        assert_eq!(tasks_created_on(&store, day).await, expected_tasks, "{day}: tasks");
        assert_eq!(outcome.counts.stages_skipped, 0, "{day}: no stage is skipped with a run every threshold");
    }

    // A is paid: the case is measured on B, 93 days past due on 2024-06-01.
    import(&store, folder.path(), RecordKind::Payment, "payments.csv", "ref,customer,paid_on,amount,document\nP1,C,2024-06-01,100.00,A\n").await;
    run_daily(&store, "p", date("2024-06-01")).await.unwrap();
    assert_eq!(stage(&store).await.as_deref(), Some("problem_case"), "paying the oldest moves the case back");
    assert_eq!(stage_events_on(&store, "2024-06-01").await, [("problem_case".to_string(), false)]);

    // A credit note applied to B zeroes the balance and closes the case the same day.
    import(&store, folder.path(), RecordKind::Document, "credit.csv", "number,customer,issue_date,due_date,amount,kind\nNC1,C,2024-06-02,2024-06-02,50.00,credit_note\n").await;
    import(&store, folder.path(), RecordKind::Allocation, "allocations.csv", "credit_note,document,amount\nNC1,B,50.00\n").await;
    let closing = run_daily(&store, "p", date("2024-06-02")).await.unwrap();
    assert_eq!(stage(&store).await, None, "a zero balance closes the case");
    assert_eq!(closing.counts.cases_closed, 1);
    let open_tasks = sqlx::query("SELECT COUNT(*) AS n FROM task WHERE status = 'open'").fetch_one(store.pool()).await.unwrap();
    assert_eq!(open_tasks.try_get::<i64, _>("n").unwrap(), 0, "closing cancels the open tasks");
    store.close().await;
}

/// After days without a run, the next run goes straight to the stage,
/// records the skipped ones and acts only for the last.
async fn missed_days(url: String) {
    let store = open_store(&url).await;
    let folder = tempfile::tempdir().unwrap();
    seed(&store, folder.path()).await;

    run_daily(&store, "p", date("2024-02-01")).await.unwrap();
    let outcome = run_daily(&store, "p", date("2024-05-01")).await.unwrap();

    assert_eq!(stage(&store).await.as_deref(), Some("problem_case"));
    assert_eq!(
        stage_events_on(&store, "2024-05-01").await,
        [("second_reminder".to_string(), true), ("formal_notice".to_string(), true), ("problem_case".to_string(), false)]
    );
    assert_eq!(outcome.counts.stages_skipped, 2);
    assert_eq!(tasks_created_on(&store, "2024-05-01").await, ["call_task"], "only the problem-case stage acts");
    store.close().await;
}

/// A dispute on the oldest document: the case follows the next oldest
/// while it is open, and the disputed one again once it is rejected.
async fn dispute_open_and_resolved(url: String) {
    let store = open_store(&url).await;
    let folder = tempfile::tempdir().unwrap();
    seed(&store, folder.path()).await;

    import(&store, folder.path(), RecordKind::Dispute, "disputes.csv", "document,opened_on,reason\nA,2024-04-15,price\n").await;
    run_daily(&store, "p", date("2024-04-30")).await.unwrap();
    assert_eq!(stage(&store).await.as_deref(), Some("formal_notice"), "measured on B, 61 days past due, while A (90) is disputed");

    sqlx::query("UPDATE dispute SET status = 'rejected', resolved_on = '2024-05-02'").execute(store.pool()).await.unwrap();
    run_daily(&store, "p", date("2024-05-02")).await.unwrap();
    assert_eq!(stage(&store).await.as_deref(), Some("problem_case"), "A, 92 days past due, counts again");
    store.close().await;
}

test_on_each_engine!(default_policy_thresholds, thresholds);
test_on_each_engine!(missed_run_days, missed_days);
test_on_each_engine!(dispute_on_oldest, dispute_open_and_resolved);
