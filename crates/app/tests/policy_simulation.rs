//! The policy simulation on the UCI snapshot: a changed threshold shows
//! different counts from the policy in force, and nothing is written.

use std::path::PathBuf;

use recobro_app::import::{import_file, mapping};
use recobro_app::policy::{self, SimulatedPolicy};
use recobro_core::Currency;
use recobro_store::testing::TestDb;
use recobro_store::{Store, portfolio};
use sqlx::Row;

const TABLES: [&str; 6] = ["collection_case", "case_stage_event", "task", "run", "policy_version", "audit_event"];

async fn row_counts(store: &Store) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in TABLES {
        let sql = format!("SELECT COUNT(*) AS n FROM {table}");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_one(store.pool()).await.unwrap();
        counts.push(row.try_get::<i64, _>("n").unwrap());
    }
    counts
}

fn cases_in(side: &SimulatedPolicy, stage: &str) -> u64 {
    side.stages.iter().find(|count| count.stage == stage).map_or(0, |count| count.cases)
}

async fn load_uci(store: &Store) {
    let mut conn = store.acquire().await.unwrap();
    portfolio::create(&mut conn, "uci", "UCI", Currency::parse("TWD").unwrap(), "Asia/Taipei").await.unwrap();
    drop(conn);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/uci-default-credit-card-clients-taiwan.csv");
    let profile = mapping::built_in("uci-cards").unwrap().unwrap();
    import_file(store, "uci", &path, profile).await.unwrap();
}

async fn simulation_scenario(db: &TestDb) {
    let store = db.open().await.unwrap();
    load_uci(&store).await;
    let as_of = chrono::NaiveDate::from_ymd_opt(2005, 9, 30).unwrap();

    // The proposal moves the problem-case threshold from 90 to 60 days.
    let currency = Currency::parse("TWD").unwrap();
    let mut text = policy::policy_to_toml(&recobro_core::Policy::default(), currency);
    text = text.replace("min_days_past_due = 90", "min_days_past_due = 60").replace("min_days_past_due = 61", "min_days_past_due = 45");
    let proposed = policy::parse_policy("proposal.toml", &text, currency).unwrap();

    let before = row_counts(&store).await;
    let simulation = policy::simulate(&store, "uci", as_of, &proposed).await.unwrap();
    let after = row_counts(&store).await;

    assert_eq!(before, after, "the simulation wrote to {TABLES:?}");
    // PAY_0 = 3 or more (90+ days) under the default policy.
    assert_eq!(cases_in(&simulation.current, "problem_case") + cases_in(&simulation.current, "judicial_candidate"), 463);
    // PAY_0 = 2 (60 days) joins the problem cases under the proposal.
    assert!(cases_in(&simulation.proposed, "problem_case") > cases_in(&simulation.current, "problem_case"));
    assert_eq!(cases_in(&simulation.proposed, "judicial_candidate"), cases_in(&simulation.current, "judicial_candidate"));
    let total = |side: &SimulatedPolicy| side.stages.iter().map(|count| count.cases).sum::<u64>() + side.unstaged_cases;
    assert_eq!(total(&simulation.current), total(&simulation.proposed), "every case is counted once under both");

    store.close().await;
}

#[tokio::test]
async fn simulation_writes_nothing_sqlite() {
    let db = TestDb::sqlite();
    simulation_scenario(&db).await;
}

#[tokio::test]
async fn simulation_writes_nothing_postgres() {
    let Some(db) = TestDb::postgres().await else { return };
    simulation_scenario(&db).await;
    db.cleanup().await;
}

async fn versions_scenario(db: &TestDb) {
    let store = db.open().await.unwrap();
    load_uci(&store).await;
    let currency = Currency::parse("TWD").unwrap();
    let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2005, 10, d).unwrap();
    recobro_app::run::run_daily(&store, "uci", day(1)).await.unwrap();

    let strict = policy::parse_policy("strict.toml", &policy::policy_to_toml(&recobro_core::Policy::default(), currency).replace("= 90", "= 75"), currency).unwrap();
    let rejected = policy::set_policy(&store, "uci", day(1), &strict, "test").await.unwrap_err();
    assert!(rejected.to_string().contains("choose an effective date after 2005-10-01"), "{rejected}");

    policy::set_policy(&store, "uci", day(5), &strict, "test").await.unwrap();
    let mut conn = store.acquire().await.unwrap();
    let found = portfolio::find(&mut conn, "uci").await.unwrap().unwrap();
    let before = policy::policy_in_force(&mut conn, found.id, currency, day(4)).await.unwrap();
    let after = policy::policy_in_force(&mut conn, found.id, currency, day(5)).await.unwrap();
    assert_eq!(before, recobro_core::Policy::default());
    assert_eq!(after, strict);
    let audit = sqlx::query("SELECT COUNT(*) AS n FROM audit_event WHERE action = 'policy.set'").fetch_one(&mut *conn).await.unwrap();
    assert_eq!(audit.try_get::<i64, _>("n").unwrap(), 1);
    drop(conn);
    store.close().await;
}

#[tokio::test]
async fn policy_versions_by_date_sqlite() {
    let db = TestDb::sqlite();
    versions_scenario(&db).await;
}

#[tokio::test]
async fn policy_versions_by_date_postgres() {
    let Some(db) = TestDb::postgres().await else { return };
    versions_scenario(&db).await;
    db.cleanup().await;
}
