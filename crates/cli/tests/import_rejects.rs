//! Damaged import files: each is rejected with a message that points at the
//! bad line and value, and leaves every table as it was. In each file the bad
//! row comes after good rows, so a partial write would change a row count.

#[macro_use]
mod common;

use std::path::Path;

use common::{add_portfolio, import, import_ok, row_counts, stderr, write_file};

const DOCUMENTS_HEADER: &str = "number,customer,issue_date,due_date,amount\n";

/// Imports three customers, two payments and two invoices. The payments are
/// imported before the invoices, so they stay unapplied and an allocation
/// file can apply them later.
fn seed_ledger(url: &str, folder: &Path) {
    add_portfolio(url);
    let customers = write_file(folder, "customers.csv", "ref,name\nC1,Alpha Foods\nC2,Beta Tools\nC3,Gamma Print\n");
    import_ok(url, "customers", &customers);
    let payments = write_file(folder, "payments.csv", "ref,customer,paid_on,amount\nP1,C1,2024-02-10,30.00\nP2,C2,2024-02-11,20.00\n");
    import_ok(url, "payments", &payments);
    let documents = format!("{DOCUMENTS_HEADER}F1,C1,2024-01-02,2024-02-01,100.00\nF2,C2,2024-01-15,2024-02-14,50.00\n");
    let documents = write_file(folder, "opening-documents.csv", &documents);
    import_ok(url, "documents", &documents);
}

/// Imports `text` as `file_name` of `kind` on top of the seed ledger and
/// checks that the import fails, writes nothing, and that standard error
/// contains each `(what, fragment)` of `expected`.
async fn assert_rejected(url: &str, kind: &str, file_name: &str, text: &str, expected: &[(&str, &str)]) {
    let folder = tempfile::tempdir().expect("cannot create a temporary folder");
    seed_ledger(url, folder.path());
    let before = row_counts(url).await;

    let file = write_file(folder.path(), file_name, text);
    let output = import(url, kind, &file);
    let message = stderr(&output);

    assert!(!output.status.success(), "the import of {file_name} succeeded; standard error:\n{message}");
    assert_eq!(row_counts(url).await, before, "the rejected import changed row counts; standard error:\n{message}");
    assert!(message.contains("nothing was written"), "no \"nothing was written\" in:\n{message}");
    for (what, fragment) in expected {
        assert!(message.contains(fragment), "standard error does not name the {what} {fragment:?}:\n{message}");
    }
}

async fn bad_date(url: String) {
    let text = format!(
        "{DOCUMENTS_HEADER}F3,C1,2024-02-01,2024-03-02,75.00\nF4,C2,2024-02-01,2024-02-30,40.00\nF5,C3,2024-02-01,2024-03-02,60.00\n"
    );
    let expected = [("cell", r#"documents.csv:3:4 (column "due_date")"#), ("value", r#""2024-02-30""#)];
    assert_rejected(&url, "documents", "documents.csv", &text, &expected).await;
}

async fn bad_amount(url: String) {
    // A letter O typed for a zero.
    let text = format!(
        "{DOCUMENTS_HEADER}F3,C1,2024-02-01,2024-03-02,75.00\nF4,C2,2024-02-01,2024-03-02,4O.00\nF5,C3,2024-02-01,2024-03-02,60.00\n"
    );
    let expected = [("cell", r#"documents.csv:3:5 (column "amount")"#), ("value", r#""4O.00""#)];
    assert_rejected(&url, "documents", "documents.csv", &text, &expected).await;
}

async fn missing_column(url: String) {
    let text = "number,customer,issue_date,amount\nF3,C1,2024-02-01,75.00\nF4,C2,2024-02-01,40.00\n";
    let expected = [("line", "documents.csv:1:"), ("header", r#"missing column "due_date""#)];
    assert_rejected(&url, "documents", "documents.csv", text, &expected).await;
}

async fn duplicate_in_file(url: String) {
    let text = format!(
        "{DOCUMENTS_HEADER}F3,C1,2024-02-01,2024-03-02,75.00\nF4,C2,2024-02-01,2024-03-02,40.00\nF3,C1,2024-02-01,2024-03-02,57.00\n"
    );
    let expected = [("line", "documents.csv:4:"), ("document", "invoice F3"), ("first line", "line 2"), ("value", "57.00")];
    assert_rejected(&url, "documents", "documents.csv", &text, &expected).await;
}

async fn changed_stored_document(url: String) {
    // F2 is stored with 50.00 by the seed ledger.
    let text = format!(
        "{DOCUMENTS_HEADER}F3,C1,2024-02-01,2024-03-02,75.00\nF2,C2,2024-01-15,2024-02-14,55.00\nF4,C3,2024-02-01,2024-03-02,60.00\n"
    );
    let expected = [("line", "documents.csv:3:"), ("document", "invoice F2"), ("value", "55.00"), ("stored value", "50.00")];
    assert_rejected(&url, "documents", "documents.csv", &text, &expected).await;
}

async fn allocation_over_payment(url: String) {
    // P1 is a payment of 30.00 and F1 an invoice of 100.00.
    let text = "payment,document,amount\nP2,F2,10.00\nP1,F1,40.00\n";
    let expected = [
        ("line", "allocations.csv:3"),
        ("payment", "payment P1"),
        ("value", "40.00"),
        ("unallocated amount", "30.00"),
        ("cell", r#"allocations.csv:3:3 (column "amount")"#),
    ];
    assert_rejected(&url, "allocations", "allocations.csv", text, &expected).await;
}

async fn unknown_customer(url: String) {
    let text = format!(
        "{DOCUMENTS_HEADER}F3,C1,2024-02-01,2024-03-02,75.00\nF4,C2,2024-02-01,2024-03-02,40.00\nF5,C9,2024-02-01,2024-03-02,60.00\n"
    );
    let expected = [("line", "documents.csv:4"), ("value", r#""C9""#), ("cell", r#"documents.csv:4:2 (column "customer")"#)];
    assert_rejected(&url, "documents", "documents.csv", &text, &expected).await;
}

const PAYMENTS_HEADER: &str = "ref,customer,paid_on,amount\n";

async fn payment_repeated_in_file(url: String) {
    let text = format!("{PAYMENTS_HEADER}P3,C1,2024-03-01,12.00\nP4,C2,2024-03-01,8.00\nP3,C1,2024-03-01,21.00\n");
    let expected = [
        ("line", "payments.csv:4:"),
        ("cell", r#"(column "ref")"#),
        ("problem", "payment P3 appears again with different data than on line 2"),
    ];
    assert_rejected(&url, "payments", "payments.csv", &text, &expected).await;
}

async fn changed_stored_payment(url: String) {
    // P1 is stored for C1 on 2024-02-10 with 30.00 by the seed ledger.
    let text = format!("{PAYMENTS_HEADER}P3,C1,2024-03-01,12.00\nP1,C1,2024-02-10,35.00\n");
    let expected = [
        ("line", "payments.csv:3:"),
        ("problem", "payment P1 is already stored with different data (customer C1, paid on 2024-02-10, amount 30.00"),
    ];
    assert_rejected(&url, "payments", "payments.csv", &text, &expected).await;
}

async fn allocation_to_other_customer(url: String) {
    // P1 is C1's payment and F2 is C2's invoice.
    let text = "payment,document,amount\nP2,F2,10.00\nP1,F2,5.00\n";
    let expected = [
        ("line", "allocations.csv:3"),
        ("problem", "payment P1 of customer C1 cannot be applied to invoice F2 of customer C2"),
    ];
    assert_rejected(&url, "allocations", "allocations.csv", text, &expected).await;
}

async fn allocation_unknown_references(url: String) {
    let text = "payment,document,amount\nP2,F2,10.00\nP9,F1,5.00\nP1,F9,5.00\n";
    let expected = [
        ("unknown payment", r#"unknown payment "P9""#),
        ("its cell", r#"allocations.csv:3:1 (column "payment")"#),
        ("unknown document", r#"unknown invoice "F9""#),
        ("its cell", r#"allocations.csv:4:2 (column "document")"#),
    ];
    assert_rejected(&url, "allocations", "allocations.csv", text, &expected).await;
}

on_each_engine!(
    bad_date,
    bad_amount,
    missing_column,
    duplicate_in_file,
    changed_stored_document,
    allocation_over_payment,
    unknown_customer,
    payment_repeated_in_file,
    changed_stored_payment,
    allocation_to_other_customer,
    allocation_unknown_references,
);
