//! A process killed with SIGKILL inside its write transaction leaves the
//! database as it was, and running the same command again completes it.
//! The binary's test hook (`RECOBRO_TEST_STALL`) keeps the transaction open
//! half-way so that the kill lands there.

#[macro_use]
mod common;

use std::fmt::Write;

use common::{add_portfolio, import_ok, kill_when_stalled, path_text, recobro_command, recobro_ok, row_counts, write_file};

const CUSTOMERS: usize = 20;
const DOCUMENTS: usize = 300;

/// `ref,name` rows for customers C00 to C19.
fn customers_csv() -> String {
    let mut text = String::from("ref,name\n");
    for index in 0..CUSTOMERS {
        writeln!(text, "C{index:02},Customer {index}").unwrap();
    }
    text
}

/// Invoices INV-0000 to INV-0299, spread over the customers.
fn documents_csv() -> String {
    let mut text = String::from("number,customer,issue_date,due_date,amount\n");
    for index in 0..DOCUMENTS {
        writeln!(text, "INV-{index:04},C{:02},2024-03-01,2024-03-31,{}.25", index % CUSTOMERS, 100 + index).unwrap();
    }
    text
}

async fn import_killed(url: String) {
    let folder = tempfile::tempdir().expect("cannot create a temporary folder");
    add_portfolio(&url);
    import_ok(&url, "customers", &write_file(folder.path(), "customers.csv", &customers_csv()));
    let documents = write_file(folder.path(), "documents.csv", &documents_csv());
    let import_args = ["import", "--portfolio", "p", "--kind", "documents", path_text(&documents)];
    let before = row_counts(&url).await;

    kill_when_stalled(recobro_command(&url, &import_args), "import");
    assert_eq!(row_counts(&url).await, before, "row counts after the killed import");

    let output = recobro_ok(&url, &import_args);
    assert!(output.contains(&format!("documents: {DOCUMENTS} created")), "the rerun reported:\n{output}");
    let after = row_counts(&url).await;
    assert_eq!(after["document"], before["document"] + DOCUMENTS as i64, "document rows after the rerun");
    assert_eq!(after["import_batch"], before["import_batch"] + 1, "import_batch rows after the rerun");
}

/// Customers with one overdue invoice each, as of 2024-06-30 from 10 to 167
/// days past due, so that the run opens cases in every stage of the default
/// policy.
const OVERDUE_INVOICES: [(&str, &str); 8] = [
    ("C1", "2024-06-20"),
    ("C2", "2024-06-10"),
    ("C3", "2024-05-20"),
    ("C4", "2024-05-01"),
    ("C5", "2024-04-20"),
    ("C6", "2024-03-20"),
    ("C7", "2024-02-01"),
    ("C8", "2024-01-15"),
];
const RUN_DATE: &str = "2024-06-30";
const RUN_TABLES: [&str; 4] = ["collection_case", "case_stage_event", "task", "run"];

async fn run_killed(url: String) {
    let folder = tempfile::tempdir().expect("cannot create a temporary folder");
    add_portfolio(&url);
    let mut customers = String::from("ref,name\n");
    let mut documents = String::from("number,customer,issue_date,due_date,amount\n");
    for (customer, due_date) in OVERDUE_INVOICES {
        writeln!(customers, "{customer},Customer {customer}").unwrap();
        writeln!(documents, "INV-{customer},{customer},2024-01-01,{due_date},500.00").unwrap();
    }
    import_ok(&url, "customers", &write_file(folder.path(), "customers.csv", &customers));
    import_ok(&url, "documents", &write_file(folder.path(), "documents.csv", &documents));
    let run_args = ["run", "--portfolio", "p", "--as-of", RUN_DATE];
    let before = row_counts(&url).await;

    kill_when_stalled(recobro_command(&url, &run_args), "run");
    let after_kill = row_counts(&url).await;
    for table in RUN_TABLES {
        assert_eq!(after_kill[table], before[table], "{table} rows after the killed run");
    }
    assert_eq!(after_kill, before, "row counts after the killed run");

    recobro_ok(&url, &run_args);
    let after_run = row_counts(&url).await;
    assert_eq!(after_run["collection_case"], OVERDUE_INVOICES.len() as i64, "collection_case rows after the rerun");
    assert!(after_run["case_stage_event"] >= OVERDUE_INVOICES.len() as i64, "case_stage_event rows after the rerun: {}", after_run["case_stage_event"]);
    assert!(after_run["task"] >= OVERDUE_INVOICES.len() as i64, "task rows after the rerun: {}", after_run["task"]);
    assert_eq!(after_run["run"], 1, "run rows after the rerun");

    let output = recobro_ok(&url, &run_args);
    assert!(output.contains("tasks created: 0"), "the run of the same date again reported:\n{output}");
    let after_same_date = row_counts(&url).await;
    for table in RUN_TABLES {
        assert_eq!(after_same_date[table], after_run[table], "{table} rows after running {RUN_DATE} again");
    }
}

on_each_engine!(import_killed, run_killed);
