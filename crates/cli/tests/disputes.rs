//! Disputes through the command line: an open dispute keeps its invoice out
//! of the case's stage, resolving it brings the invoice back; customers on
//! credit hold appear in the export.

#[macro_use]
mod common;

use common::{add_portfolio, import_ok, recobro, recobro_ok, stderr, write_file};

async fn dispute_flow(url: String) {
    add_portfolio(&url);
    let folder = tempfile::tempdir().unwrap();
    let customers = write_file(folder.path(), "customers.csv", "ref,name\nC1,Uno SA\nC2,Dos SA\n");
    let documents = write_file(
        folder.path(),
        "documents.csv",
        "number,customer,issue_date,due_date,amount,kind\nF1,C1,2024-01-01,2024-01-31,100.00,invoice\nF2,C1,2024-02-01,2024-02-28,50.00,invoice\nNC1,C1,2024-06-01,2024-06-01,100.00,credit_note\n",
    );
    import_ok(&url, "customers", &customers);
    import_ok(&url, "documents", &documents);

    recobro_ok(&url, &["dispute", "open", "--portfolio", "p", "--document", "F1", "--reason", "precio", "--date", "2024-02-05"]);
    let problem = recobro_ok(&url, &["report", "problem-cases", "--portfolio", "p", "--as-of", "2024-05-30", "--format", "json"]);
    let lines: serde_json::Value = serde_json::from_str(&problem).unwrap();
    assert_eq!(lines[0]["days_past_due"], 92, "measured on F2 while F1 is disputed: {problem}");

    let twice = recobro(&url, &["dispute", "open", "--portfolio", "p", "--document", "F1", "--reason", "precio", "--date", "2024-02-05"]);
    assert!(!twice.status.success());
    assert!(stderr(&twice).contains("already has a dispute opened on 2024-02-05"), "{}", stderr(&twice));

    let wrong_note = recobro(&url, &["dispute", "resolve", "--portfolio", "p", "--document", "F1", "--outcome", "accepted", "--credit-note", "NC9", "--date", "2024-05-30"]);
    assert!(stderr(&wrong_note).contains("credit note \"NC9\" not found"), "{}", stderr(&wrong_note));

    recobro_ok(&url, &["dispute", "resolve", "--portfolio", "p", "--document", "F1", "--outcome", "rejected", "--date", "2024-05-30", "--note", "price was agreed"]);
    let problem = recobro_ok(&url, &["report", "problem-cases", "--portfolio", "p", "--as-of", "2024-05-31", "--format", "json"]);
    let lines: serde_json::Value = serde_json::from_str(&problem).unwrap();
    assert_eq!(lines[0]["days_past_due"], 121, "measured on F1 again after the rejection: {problem}");

    let again = recobro(&url, &["dispute", "resolve", "--portfolio", "p", "--document", "F1", "--outcome", "accepted", "--date", "2024-05-31"]);
    assert!(stderr(&again).contains("has no dispute open"), "{}", stderr(&again));
}

async fn holds_export(url: String) {
    add_portfolio(&url);
    let folder = tempfile::tempdir().unwrap();
    let customers = write_file(folder.path(), "customers.csv", "ref,name,tax_id\nC1,Uno SA,A-1\nC2,Dos SA,B-2\nC3,Tres SA,C-3\n");
    import_ok(&url, "customers", &customers);

    recobro_ok(&url, &["customer", "--portfolio", "p", "--customer", "C2", "--status", "credit_hold"]);
    recobro_ok(&url, &["customer", "--portfolio", "p", "--customer", "C3", "--status", "do_not_continue"]);
    let bad = recobro(&url, &["customer", "--portfolio", "p", "--customer", "C1", "--status", "blocked"]);
    assert!(stderr(&bad).contains("invalid status \"blocked\""), "{}", stderr(&bad));

    let csv = recobro_ok(&url, &["export-holds", "--portfolio", "p", "--format", "csv"]);
    assert_eq!(csv, "customer,name,tax_id,status,segment,collector\nC2,Dos SA,B-2,credit_hold,,\nC3,Tres SA,C-3,do_not_continue,,\n");
}

on_each_engine!(dispute_flow, holds_export);
