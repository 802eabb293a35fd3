//! Helpers shared by the integration tests: running the `recobro` binary,
//! writing CSV fixtures and counting the rows of every table.

// Each test binary compiles this module and uses only part of it.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::future::Future;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use recobro_store::Store;
use recobro_store::testing::TestDb;
use sqlx::Row;

/// The environment variable of the binary's test hook that stops a write
/// transaction half-way.
pub const STALL_VARIABLE: &str = "RECOBRO_TEST_STALL";

/// Every table of the schema that imports and runs write.
pub const TABLES: [&str; 14] = [
    "portfolio",
    "import_batch",
    "customer",
    "document",
    "payment",
    "allocation",
    "dispute",
    "snapshot_account",
    "collection_action",
    "collection_case",
    "case_stage_event",
    "task",
    "run",
    "run_total",
];

/// Declares, for each named scenario `async fn NAME(url: String)`, a module
/// `NAME` with the tests `sqlite` and `postgres`. The PostgreSQL test passes
/// without running when `RECOBRO_TEST_POSTGRES_URL` is not set.
macro_rules! on_each_engine {
    ($($scenario:ident),* $(,)?) => {
        $(
            mod $scenario {
                #[tokio::test]
                async fn sqlite() {
                    $crate::common::run_on_sqlite(super::$scenario).await;
                }

                #[tokio::test]
                async fn postgres() {
                    $crate::common::run_on_postgres(super::$scenario).await;
                }
            }
        )*
    };
}

pub async fn run_on_sqlite<F, Fut>(scenario: F)
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    run_on(TestDb::sqlite(), scenario).await;
}

pub async fn run_on_postgres<F, Fut>(scenario: F)
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    if let Some(db) = TestDb::postgres().await {
        run_on(db, scenario).await;
    }
}

/// Runs the scenario in its own task so that a failing assertion still lets
/// the test database be dropped before the panic is passed on.
async fn run_on<F, Fut>(db: TestDb, scenario: F)
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let outcome = tokio::spawn(scenario(db.url.clone())).await;
    db.cleanup().await;
    if let Err(error) = outcome {
        std::panic::resume_unwind(error.into_panic());
    }
}

/// Builds a `recobro --db URL ARGS` command without the test hook's variable.
pub fn recobro_command(url: &str, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_recobro"));
    command.arg("--db").arg(url).args(args).env_remove(STALL_VARIABLE).env_remove("RECOBRO_DB");
    command
}

/// Runs `recobro --db URL ARGS` to the end.
pub fn recobro(url: &str, args: &[&str]) -> Output {
    recobro_command(url, args).output().expect("cannot start the recobro binary")
}

/// Runs `recobro` and panics, with its output, unless it succeeds. Returns
/// its standard output.
pub fn recobro_ok(url: &str, args: &[&str]) -> String {
    let output = recobro(url, args);
    assert!(output.status.success(), "recobro {args:?} failed with {}:\n{}", output.status, stderr(&output));
    String::from_utf8(output.stdout).expect("recobro writes UTF-8")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Creates the portfolio `p` in USD, the one every test imports into.
pub fn add_portfolio(url: &str) {
    recobro_ok(url, &["portfolio", "add", "--code", "p", "--name", "P", "--currency", "USD"]);
}

/// Imports `file` of `kind` (customers, documents, ...) into portfolio `p`.
pub fn import(url: &str, kind: &str, file: &Path) -> Output {
    recobro(url, &["import", "--portfolio", "p", "--kind", kind, path_text(file)])
}

pub fn import_ok(url: &str, kind: &str, file: &Path) -> String {
    recobro_ok(url, &["import", "--portfolio", "p", "--kind", kind, path_text(file)])
}

pub fn path_text(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

/// Writes `text` to `folder/name` and returns the path.
pub fn write_file(folder: &Path, name: &str, text: &str) -> PathBuf {
    let path = folder.join(name);
    std::fs::write(&path, text).expect("cannot write a fixture file");
    path
}

/// Counts the rows of every table in [`TABLES`].
pub async fn row_counts(url: &str) -> BTreeMap<&'static str, i64> {
    let store = Store::open(url).await.expect("cannot open the test database");
    let mut counts = BTreeMap::new();
    for table in TABLES {
        let query = format!("SELECT COUNT(*) AS row_count FROM {table}");
        let row = sqlx::query(sqlx::AssertSqlSafe(query)).fetch_one(store.pool()).await.expect("cannot count rows");
        counts.insert(table, row.try_get::<i64, _>("row_count").expect("COUNT(*) is an integer"));
    }
    store.close().await;
    counts
}

/// Starts `command` with the test hook set to stop in `step` ("import" or
/// "run"), waits until the process reports that it stopped inside its
/// write transaction, then kills it with SIGKILL.
pub fn kill_when_stalled(mut command: Command, step: &str) {
    const MARKER_TIMEOUT: Duration = Duration::from_secs(60);
    let marker = format!("{STALL_VARIABLE} reached: {step}");

    let mut child = command.env(STALL_VARIABLE, step).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("cannot start the recobro binary");
    let lines = stderr_lines(&mut child);

    let deadline = Instant::now() + MARKER_TIMEOUT;
    let mut seen = String::new();
    loop {
        match lines.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(line) if line.contains(&marker) => break,
            Ok(line) => {
                seen.push_str(&line);
                seen.push('\n');
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                child.kill().ok();
                child.wait().ok();
                panic!("timed out after {MARKER_TIMEOUT:?} waiting for {marker:?}; standard error so far:\n{seen}");
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let status = child.wait().expect("cannot wait for recobro");
                panic!("recobro exited ({status}) before printing {marker:?}; standard error:\n{seen}");
            }
        }
    }

    // On Unix, Child::kill sends SIGKILL: no destructor, rollback or flush runs.
    child.kill().expect("cannot kill recobro");
    let status = child.wait().expect("cannot wait for recobro");
    assert!(!status.success(), "the killed process reported success");
}

/// Reads the child's standard error on a thread and sends it line by line.
fn stderr_lines(child: &mut Child) -> mpsc::Receiver<String> {
    let stderr = child.stderr.take().expect("standard error is piped");
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    receiver
}
