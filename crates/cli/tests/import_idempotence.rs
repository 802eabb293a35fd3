//! Importing the same files a second time writes nothing.

#[macro_use]
mod common;

use common::{add_portfolio, import_ok, path_text, recobro_ok, row_counts, write_file};

const IBM_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/ibm-accounts-receivable.csv");

async fn same_files_twice(url: String) {
    let folder = tempfile::tempdir().expect("cannot create a temporary folder");
    add_portfolio(&url);
    let files = [
        ("customers", write_file(folder.path(), "customers.csv", "ref,name\nC1,Alpha Foods\nC2,Beta Tools\nC3,Gamma Print\n")),
        (
            "documents",
            write_file(
                folder.path(),
                "documents.csv",
                "number,customer,issue_date,due_date,amount\n\
                 F1,C1,2024-01-02,2024-02-01,100.00\n\
                 F2,C1,2024-02-02,2024-03-03,80.00\n\
                 F3,C2,2024-01-15,2024-02-14,50.00\n",
            ),
        ),
        (
            "payments",
            write_file(
                folder.path(),
                "payments.csv",
                "ref,customer,paid_on,amount,document\n\
                 P1,C1,2024-02-20,120.00,\n\
                 P2,C2,2024-02-21,50.00,F3\n",
            ),
        ),
    ];
    for (kind, file) in &files {
        import_ok(&url, kind, file);
    }
    let first = row_counts(&url).await;
    // P1 covers F1 and part of F2, oldest first, and P2 pays F3.
    let expected_first = [("customer", 3), ("document", 3), ("payment", 2), ("allocation", 3), ("import_batch", 3)];
    for (table, count) in expected_first {
        assert_eq!(first[table], count, "{table} rows after the first import");
    }

    for (kind, file) in &files {
        let output = import_ok(&url, kind, file);
        assert!(output.starts_with("nothing new in"), "the second import of {kind} reported:\n{output}");
    }
    assert_eq!(row_counts(&url).await, first, "row counts after the second import");
}

async fn ibm_profile_twice(url: String) {
    add_portfolio(&url);
    let import_ibm = || recobro_ok(&url, &["import", "--portfolio", "p", "--profile", "ibm-ar", path_text(IBM_FILE.as_ref())]);

    let output = import_ibm();
    assert!(output.starts_with("imported"), "the first import reported:\n{output}");
    let first = row_counts(&url).await;
    // The file has 2,466 invoices of 100 customers, each settled by one
    // payment, and 561 of them disputed.
    let expected_first = [("customer", 100), ("document", 2466), ("payment", 2466), ("allocation", 2466), ("dispute", 561), ("import_batch", 1)];
    for (table, count) in expected_first {
        assert_eq!(first[table], count, "{table} rows after the first import");
    }

    let output = import_ibm();
    assert!(output.starts_with("nothing new in"), "the second import reported:\n{output}");
    assert_eq!(row_counts(&url).await, first, "row counts after the second import");
}

on_each_engine!(same_files_twice, ibm_profile_twice);
