//! Two instances that start the daily run of the same portfolio and date
//! at once: exactly one performs it, and the other exits with status 3 and
//! reports that the run was already running.

#[macro_use]
mod common;

use std::fmt::Write;
use std::process::Stdio;

use common::{STALL_VARIABLE, add_portfolio, import_ok, recobro_command, write_file};
use recobro_store::Store;
use sqlx::Row;

const RUN_DATE: &str = "2024-06-30";
/// How long the instance holding the claim waits inside its transaction,
/// so that the other instance certainly tries while it runs.
const STALL_SECONDS: &str = "4";

async fn concurrent_runs(url: String) {
    let folder = tempfile::tempdir().expect("cannot create a temporary folder");
    add_portfolio(&url);
    let mut customers = String::from("ref,name\n");
    let mut documents = String::from("number,customer,issue_date,due_date,amount\n");
    for index in 0..10 {
        writeln!(customers, "C{index},Customer {index}").unwrap();
        writeln!(documents, "INV-{index},C{index},2024-01-01,2024-0{}-01,500.00", 1 + index % 5).unwrap();
    }
    import_ok(&url, "customers", &write_file(folder.path(), "customers.csv", &customers));
    import_ok(&url, "documents", &write_file(folder.path(), "documents.csv", &documents));

    // Both processes stall right after taking the claim, so whichever
    // claims first still has it when the other one tries.
    let start = || {
        recobro_command(&url, &["run", "--portfolio", "p", "--as-of", RUN_DATE])
            .env(STALL_VARIABLE, "run-claimed")
            .env("RECOBRO_TEST_STALL_SECONDS", STALL_SECONDS)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cannot start the recobro binary")
    };
    let first = start();
    let second = start();
    let outputs = [first.wait_with_output().expect("cannot wait for recobro"), second.wait_with_output().expect("cannot wait for recobro")];

    let codes: Vec<Option<i32>> = outputs.iter().map(|output| output.status.code()).collect();
    let report = |index: usize| format!("{}{}", String::from_utf8_lossy(&outputs[index].stdout), String::from_utf8_lossy(&outputs[index].stderr));
    assert!(codes.contains(&Some(0)), "no instance performed the run: {codes:?}\n{}\n{}", report(0), report(1));
    assert!(codes.contains(&Some(3)), "no instance reported the run as already running: {codes:?}\n{}\n{}", report(0), report(1));
    let refused = codes.iter().position(|code| *code == Some(3)).expect("checked above");
    assert!(report(refused).contains("already running"), "message of the refused instance:\n{}", report(refused));

    let store = Store::open(&url).await.expect("cannot open the test database");
    let rows = sqlx::query("SELECT executions FROM run").fetch_all(store.pool()).await.expect("cannot read the run records");
    assert_eq!(rows.len(), 1, "run records");
    let executions: i64 = rows[0].try_get("executions").expect("executions is an integer");
    assert_eq!(executions, 1, "executions of the run record");
    store.close().await;
}

on_each_engine!(concurrent_runs);
