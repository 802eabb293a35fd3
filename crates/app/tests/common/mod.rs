//! Helpers shared by the integration tests: the bundled data files, test
//! databases on each engine, and exact amount parsing for the independent
//! computations the tests compare the product against.

// Each test binary compiles this module and uses only part of it.
#![allow(dead_code)]

use std::future::Future;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use recobro_core::Currency;
use recobro_store::testing::TestDb;
use recobro_store::{Store, portfolio};

/// Bucket labels of the default aging buckets, in report order.
pub const BUCKET_LABELS: [&str; 6] = ["current", "1-30", "31-60", "61-90", "91-120", "121+"];

/// Defines a module `$name` with one test per engine, each running the
/// scenario `async fn $scenario(url: String)` on a fresh database.
#[macro_export]
macro_rules! test_on_each_engine {
    ($name:ident, $scenario:ident) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                $crate::common::run_scenario(Some(recobro_store::testing::TestDb::sqlite()), super::$scenario).await;
            }

            #[tokio::test]
            async fn postgres() {
                $crate::common::run_scenario(recobro_store::testing::TestDb::postgres().await, super::$scenario).await;
            }
        }
    };
}

/// Runs `scenario` on `db` and drops the database afterwards, also when the
/// scenario panics. A `None` database (PostgreSQL not configured) skips it.
pub async fn run_scenario<Scenario, Outcome>(db: Option<TestDb>, scenario: Scenario)
where
    Scenario: FnOnce(String) -> Outcome,
    Outcome: Future<Output = ()> + Send + 'static,
{
    let Some(db) = db else { return };
    let outcome = tokio::spawn(scenario(db.url.clone())).await;
    db.cleanup().await;
    if let Err(error) = outcome {
        std::panic::resume_unwind(error.into_panic());
    }
}

/// Builds the path of a bundled data file in the repository's `data` folder.
pub fn data_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data").join(name)
}

pub fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_else(|_| panic!("invalid test date {text:?}"))
}

pub async fn open_store(url: &str) -> Store {
    Store::open(url).await.expect("cannot open the test database")
}

/// Creates a portfolio whose code is also its name. Returns its id.
pub async fn create_portfolio(store: &Store, code: &str, currency: &str) -> i64 {
    let mut conn = store.acquire().await.expect("cannot acquire a connection");
    let currency = Currency::parse(currency).expect("valid currency code");
    portfolio::create(&mut conn, code, code, currency, "UTC").await.expect("cannot create the portfolio").id
}

/// Parses a plain decimal such as `55.94`, `55.9` or `100` into cents by
/// splitting the text, so that no floating point is involved.
pub fn cents(text: &str) -> i64 {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    assert!(fraction.len() <= 2, "{text:?} has more than two decimal places");
    let whole: i64 = whole.parse().unwrap_or_else(|_| panic!("invalid amount {text:?}"));
    let fraction: i64 = if fraction.is_empty() { 0 } else { format!("{fraction:0<2}").parse().unwrap_or_else(|_| panic!("invalid amount {text:?}")) };
    let magnitude = whole * 100 + fraction;
    if negative { -magnitude } else { magnitude }
}

/// Formats cents the way reports write amounts of a two-decimal currency,
/// such as `-681330.00`.
pub fn decimal_text(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", cents.unsigned_abs() / 100, cents.unsigned_abs() % 100)
}

/// Index of the default bucket for an item `days` past due, written from
/// the bucket definition: current is 0 or less, and each upper bound is
/// inclusive.
pub fn bucket_index(days: i64) -> usize {
    if days <= 0 {
        0
    } else if days <= 30 {
        1
    } else if days <= 60 {
        2
    } else if days <= 90 {
        3
    } else if days <= 120 {
        4
    } else {
        5
    }
}

/// Counts the rows of a table.
pub async fn count_rows(store: &Store, table: &str) -> i64 {
    let query = format!("SELECT COUNT(*) FROM {table}");
    sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(query)).fetch_one(store.pool()).await.unwrap_or_else(|error| panic!("cannot count {table}: {error}"))
}
