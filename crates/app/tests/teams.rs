//! Teams with capacity, assignment by rules, and the stricter statuses the
//! daily run suggests for a manager to confirm.

mod common;

use std::path::Path;

use common::{create_portfolio, date, open_store};
use recobro_app::import::{Profile, RecordKind, import_file};
use recobro_app::run::run_daily;
use recobro_app::team::{assign_by_rules, parse_teams};
use recobro_core::Currency;
use recobro_core::assignment::UnassignedReason;
use recobro_store::{Store, teams};
use sqlx::Row;

async fn import(store: &Store, folder: &Path, kind: RecordKind, name: &str, text: &str) {
    let path = folder.join(name);
    std::fs::write(&path, text).unwrap();
    import_file(store, "p", &path, Profile::canonical(kind)).await.unwrap();
}

async fn collector_of(store: &Store, customer: &str) -> Option<String> {
    let row = sqlx::query("SELECT collector FROM customer WHERE external_ref = $1").bind(customer).fetch_one(store.pool()).await.unwrap();
    row.try_get("collector").unwrap()
}

async fn status_of(store: &Store, customer: &str) -> String {
    let row = sqlx::query("SELECT status FROM customer WHERE external_ref = $1").bind(customer).fetch_one(store.pool()).await.unwrap();
    row.try_get("status").unwrap()
}

const TEAMS: &str = r#"
[[team]]
code = "big"
name = "Grandes cuentas"
members = [{ collector = "ana", capacity = 1 }]

[[team]]
code = "north"
name = "Norte"
members = [{ collector = "luis", capacity = 5 }, { collector = "marta", capacity = 5 }]

[[rule]]
team = "big"
min_balance = "1000.00"

[[rule]]
team = "north"
region = "Norte"
"#;

/// Five overdue customers: two large ones compete for the one place in
/// "big", three small ones go to "north" by region or match no rule.
async fn rules_assign_by_capacity(url: String) {
    let store = open_store(&url).await;
    create_portfolio(&store, "p", "EUR").await;
    let folder = tempfile::tempdir().unwrap();
    import(&store, folder.path(), RecordKind::Customer, "customers.csv", "ref,name,region\nL1,Large One,Sur\nL2,Large Two,Norte\nN1,North One,norte\nN2,North Two,Norte\nS1,South One,Sur\n").await;
    import(
        &store,
        folder.path(),
        RecordKind::Document,
        "documents.csv",
        "number,customer,issue_date,due_date,amount\nF1,L1,2024-01-01,2024-01-31,5000.00\nF2,L2,2024-01-01,2024-01-31,2000.00\nF3,N1,2024-01-01,2024-01-31,10.00\nF4,N2,2024-01-01,2024-01-31,20.00\nF5,S1,2024-01-01,2024-01-31,30.00\n",
    )
    .await;
    run_daily(&store, "p", date("2024-03-01")).await.unwrap();

    let collectors = vec!["ana".to_string(), "luis".to_string(), "marta".to_string()];
    let (parsed_teams, rules) = parse_teams("teams.toml", TEAMS, Currency::parse("EUR").unwrap(), &collectors).unwrap();
    let mut conn = store.acquire().await.unwrap();
    teams::replace_teams(&mut conn, 1, &parsed_teams, &rules).await.unwrap();

    let preview = assign_by_rules(&mut conn, 1, true).await.unwrap();
    assert_eq!(preview.assignments.len(), 3);
    assert_eq!(collector_of(&store, "L1").await, None, "a dry run assigns nobody");

    let plan = assign_by_rules(&mut conn, 1, false).await.unwrap();
    drop(conn);

    assert_eq!(collector_of(&store, "L1").await.as_deref(), Some("ana"), "the largest balance takes the one place");
    assert_eq!(collector_of(&store, "L2").await, None);
    assert_eq!(collector_of(&store, "N2").await.as_deref(), Some("luis"), "the larger balance goes first, ties to the first name");
    assert_eq!(collector_of(&store, "N1").await.as_deref(), Some("marta"), "region matches without regard to case; the less loaded member takes it");
    assert_eq!(collector_of(&store, "S1").await, None);
    assert!(plan.unassigned.contains(&("L2".to_string(), UnassignedReason::TeamFull { team: "big".into() })));
    assert!(plan.unassigned.contains(&("S1".to_string(), UnassignedReason::NoRuleMatches)));

    let mut conn = store.acquire().await.unwrap();
    let (loaded, _) = teams::load_teams(&mut conn, 1).await.unwrap();
    let ana = &loaded.iter().find(|team| team.code == "big").unwrap().members[0];
    assert_eq!((ana.capacity, ana.load), (1, 1));
}
test_on_each_engine!(rules_assign, rules_assign_by_capacity);

/// TWICE breaks two promises and gets a credit hold suggestion; ONCE breaks
/// one and gets none. Confirming changes the status; a dismissed
/// suggestion is not raised again by the next run.
async fn unkept_promises_suggest_hold(url: String) {
    let store = open_store(&url).await;
    create_portfolio(&store, "p", "EUR").await;
    let folder = tempfile::tempdir().unwrap();
    import(&store, folder.path(), RecordKind::Customer, "customers.csv", "ref,name\nTWICE,Twice SA\nONCE,Once SA\n").await;
    import(&store, folder.path(), RecordKind::Document, "documents.csv", "number,customer,issue_date,due_date,amount\nT1,TWICE,2024-01-01,2024-01-31,100.00\nO1,ONCE,2024-01-01,2024-01-31,100.00\n").await;
    import(
        &store,
        folder.path(),
        RecordKind::Action,
        "actions.csv",
        "customer,date,kind,outcome,promise_amount,promise_on\nTWICE,2024-02-05,call,promise_to_pay,100.00,2024-02-10\nTWICE,2024-02-15,call,promise_to_pay,100.00,2024-02-20\nONCE,2024-02-05,call,promise_to_pay,100.00,2024-02-10\n",
    )
    .await;

    let outcome = run_daily(&store, "p", date("2024-02-25")).await.unwrap();
    assert_eq!(outcome.status_suggestions, 1);

    let mut conn = store.acquire().await.unwrap();
    let pending = teams::pending_suggestions(&mut conn, 1, 10).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].customer_ref, "TWICE");
    assert_eq!(pending[0].suggested_status, "credit_hold");
    assert_eq!(pending[0].reason, "broken_promises");
    assert_eq!(status_of(&store, "TWICE").await, "active", "a suggestion changes nothing until confirmed");

    assert!(teams::decide_suggestion(&mut conn, 1, pending[0].id, true, "gerente", date("2024-02-26")).await.unwrap());
    assert!(!teams::decide_suggestion(&mut conn, 1, pending[0].id, false, "gerente", date("2024-02-26")).await.unwrap(), "a decided suggestion stays decided");
    drop(conn);
    assert_eq!(status_of(&store, "TWICE").await, "credit_hold");

    let rerun = run_daily(&store, "p", date("2024-02-26")).await.unwrap();
    assert_eq!(rerun.status_suggestions, 0, "a decided suggestion is not raised again");
}
test_on_each_engine!(status_suggestions, unkept_promises_suggest_hold);
