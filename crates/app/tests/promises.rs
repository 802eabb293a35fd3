//! Promises to pay through the daily run: kept, partly kept and broken,
//! judged from the payments received, with a follow-up call for the
//! collector when a promise is not kept.

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

async fn promise_status(store: &Store, customer: &str) -> (Option<String>, Option<i64>) {
    let row = sqlx::query(
        "SELECT a.promise_status, a.promise_paid_minor FROM collection_action a JOIN customer c ON c.id = a.customer_id \
         WHERE c.external_ref = $1 AND a.promise_amount_minor IS NOT NULL",
    )
    .bind(customer)
    .fetch_one(store.pool())
    .await
    .unwrap();
    (row.try_get("promise_status").unwrap(), row.try_get("promise_paid_minor").unwrap())
}

async fn open_follow_ups(store: &Store, customer: &str) -> i64 {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM task t JOIN customer c ON c.id = t.customer_id \
         WHERE c.external_ref = $1 AND t.kind = 'broken_promise' AND t.status = 'open'",
    )
    .bind(customer)
    .fetch_one(store.pool())
    .await
    .unwrap();
    row.try_get("n").unwrap()
}

/// Three customers promise 100.00 by 2024-03-10 on 2024-03-01: KEPT pays
/// it all on the 10th, PART pays 40.00, BROKE pays after the date.
async fn promise_outcomes(url: String) {
    let store = open_store(&url).await;
    create_portfolio(&store, "p", "USD").await;
    let folder = tempfile::tempdir().unwrap();

    import(&store, folder.path(), RecordKind::Customer, "customers.csv", "ref,name,collector\nKEPT,Kept SA,ana\nPART,Part SA,ana\nBROKE,Broke SA,ana\n").await;
    import(
        &store,
        folder.path(),
        RecordKind::Document,
        "documents.csv",
        "number,customer,issue_date,due_date,amount\nK-1,KEPT,2024-01-01,2024-01-31,100.00\nP-1,PART,2024-01-01,2024-01-31,100.00\nB-1,BROKE,2024-01-01,2024-01-31,100.00\n",
    )
    .await;
    import(
        &store,
        folder.path(),
        RecordKind::Action,
        "actions.csv",
        "customer,date,kind,outcome,promise_amount,promise_on\nKEPT,2024-03-01,call,promise_to_pay,100.00,2024-03-10\nPART,2024-03-01,call,promise_to_pay,100.00,2024-03-10\nBROKE,2024-03-01,call,promise_to_pay,100.00,2024-03-10\n",
    )
    .await;
    run_daily(&store, "p", date("2024-03-05")).await.unwrap();
    for customer in ["KEPT", "PART", "BROKE"] {
        assert_eq!(promise_status(&store, customer).await.0, None, "{customer} is not judged before its date");
    }

    import(
        &store,
        folder.path(),
        RecordKind::Payment,
        "payments.csv",
        "ref,customer,paid_on,amount\nPK,KEPT,2024-03-10,100.00\nPP,PART,2024-03-08,40.00\nPB,BROKE,2024-03-12,100.00\n",
    )
    .await;
    let outcome = run_daily(&store, "p", date("2024-03-11")).await.unwrap();

    assert_eq!(promise_status(&store, "KEPT").await, (Some("kept".into()), Some(10_000)));
    assert_eq!(promise_status(&store, "PART").await, (Some("partly_kept".into()), Some(4_000)));
    assert_eq!(promise_status(&store, "BROKE").await, (Some("broken".into()), Some(0)));
    assert_eq!(outcome.counts.promises_kept, 1);
    assert_eq!(outcome.counts.promises_partly_kept, 1);
    assert_eq!(outcome.counts.promises_broken, 1);
    assert_eq!(open_follow_ups(&store, "PART").await, 1, "a partly kept promise gets a follow-up call");
    assert_eq!(open_follow_ups(&store, "BROKE").await, 1, "the payment of the 12th is after this run's date");
    assert_eq!(open_follow_ups(&store, "KEPT").await, 0, "a kept promise paid the balance and closed the case");

    store.close().await;
}

/// A rerun of the same date judges nothing twice and adds no follow-up.
async fn promise_rerun(url: String) {
    let store = open_store(&url).await;
    create_portfolio(&store, "p", "USD").await;
    let folder = tempfile::tempdir().unwrap();
    import(&store, folder.path(), RecordKind::Customer, "customers.csv", "ref,name,collector\nC,C SA,ana\n").await;
    import(&store, folder.path(), RecordKind::Document, "documents.csv", "number,customer,issue_date,due_date,amount\nI-1,C,2024-01-01,2024-01-31,100.00\n").await;
    import(&store, folder.path(), RecordKind::Action, "actions.csv", "customer,date,kind,outcome,promise_amount,promise_on\nC,2024-03-01,call,promise_to_pay,100.00,2024-03-10\n").await;

    let first = run_daily(&store, "p", date("2024-03-11")).await.unwrap();
    let second = run_daily(&store, "p", date("2024-03-11")).await.unwrap();

    assert_eq!(first.counts.promises_broken, 1);
    assert_eq!(second.counts.promises_broken, 0);
    assert_eq!(open_follow_ups(&store, "C").await, 1);
    store.close().await;
}

test_on_each_engine!(outcomes, promise_outcomes);
test_on_each_engine!(rerun, promise_rerun);

/// A broken promise puts a 60-day case ahead of a 150-day one on the
/// worklist; a promise falling due raises its case too.
async fn promise_priority(url: String) {
    let store = open_store(&url).await;
    create_portfolio(&store, "p", "USD").await;
    let folder = tempfile::tempdir().unwrap();
    import(&store, folder.path(), RecordKind::Customer, "customers.csv", "ref,name,collector\nOLD,Old SA,ana\nBROKE,Broke SA,ana\n").await;
    import(
        &store,
        folder.path(),
        RecordKind::Document,
        "documents.csv",
        "number,customer,issue_date,due_date,amount\nO-1,OLD,2024-01-01,2024-01-31,2500.00\nB-1,BROKE,2024-03-01,2024-05-01,2500.00\n",
    )
    .await;
    import(&store, folder.path(), RecordKind::Action, "actions.csv", "customer,date,kind,outcome,promise_amount,promise_on\nBROKE,2024-06-20,call,promise_to_pay,2500.00,2024-06-28\n").await;

    run_daily(&store, "p", date("2024-06-27")).await.unwrap();
    let mut conn = store.acquire().await.unwrap();
    let portfolio = recobro_store::portfolio::find(&mut conn, "p").await.unwrap().unwrap();
    let before = recobro_store::browse::open_tasks(&mut conn, portfolio.id, Some("ana"), date("2024-06-27"), 10).await.unwrap();
    assert_eq!(before.first().map(|task| task.customer_ref.as_str()), Some("BROKE"), "a promise falling due tomorrow comes first");
    drop(conn);

    run_daily(&store, "p", date("2024-06-30")).await.unwrap();
    let mut conn = store.acquire().await.unwrap();
    let after = recobro_store::browse::open_tasks(&mut conn, portfolio.id, Some("ana"), date("2024-06-30"), 10).await.unwrap();
    let order: Vec<&str> = after.iter().map(|task| task.customer_ref.as_str()).collect();
    assert_eq!(order.first(), Some(&"BROKE"), "the broken promise outranks 150 days past due: {order:?}");
    let priorities = sqlx::query("SELECT c.external_ref, k.priority FROM collection_case k JOIN customer c ON c.id = k.customer_id ORDER BY c.external_ref")
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    let values: Vec<(String, i64)> = priorities.iter().map(|row| (row.try_get("external_ref").unwrap(), row.try_get("priority").unwrap())).collect();
    // BROKE: 60 days + 4 digits x 25 + 200; OLD: 151 days + 100.
    assert_eq!(values, [("BROKE".to_string(), 360), ("OLD".to_string(), 251)]);
    drop(conn);
    store.close().await;
}

test_on_each_engine!(priority, promise_priority);
