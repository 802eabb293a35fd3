//! `recobro interest statement` and `recobro interest rule` through the
//! built binary: the statement as JSON, PDF (read back with pdftotext) and
//! XLSX (read back with calamine), and the rules it applies.

#[macro_use]
mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::{add_portfolio, import_ok, path_text, recobro, recobro_ok, stderr, write_file};
use recobro_store::Store;

/// Customer C1 (English) owes F-1, 1,000.00 due 2024-01-31, of which 400.00
/// was paid on 2024-03-01.
fn seed(url: &str, folder: &Path) {
    add_portfolio(url);
    import_ok(url, "customers", &write_file(folder, "customers.csv", "ref,name,language\nC1,Ferretería Sur,en\n"));
    import_ok(url, "documents", &write_file(folder, "documents.csv", "number,customer,issue_date,due_date,amount\nF-1,C1,2024-01-01,2024-01-31,1000.00\n"));
    import_ok(url, "payments", &write_file(folder, "payments.csv", "ref,customer,paid_on,amount,document\nP-1,C1,2024-03-01,400.00,F-1\n"));
}

fn statement_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["interest", "statement", "--portfolio", "p", "--customer", "C1", "--as-of", "2024-04-30"];
    args.extend_from_slice(extra);
    args
}

fn pdf_text(path: &Path) -> String {
    let pdf = std::fs::read(path).unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let mut child = Command::new("pdftotext")
        .args(["-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("pdftotext is missing: install the Debian package poppler-utils (apt-get install -y poppler-utils)");
    child.stdin.take().unwrap().write_all(&pdf).unwrap();
    let output = child.wait_with_output().unwrap();
    String::from_utf8(output.stdout).unwrap().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reads a cell of an XLSX sheet as a number.
fn number_at(path: &Path, sheet: &str, row: u32, column: u32) -> f64 {
    let mut workbook: Xlsx<_> = open_workbook(path).unwrap();
    let range = workbook.worksheet_range(sheet).unwrap_or_else(|error| panic!("sheet {sheet}: {error}"));
    match range.get_value((row, column)) {
        Some(Data::Float(value)) => *value,
        Some(Data::Int(value)) => *value as f64,
        other => panic!("{sheet} ({row}, {column}) holds {other:?}, not a number"),
    }
}

async fn statement_formats(url: String) {
    let folder = tempfile::tempdir().unwrap();
    seed(&url, folder.path());

    // Without a rule: a warning, and no interest.
    let bare = recobro(&url, &statement_args(&[]));
    assert!(bare.status.success(), "{}", stderr(&bare));
    assert!(stderr(&bare).contains("no late-interest rule is set"), "{}", stderr(&bare));
    let json: serde_json::Value = serde_json::from_slice(&bare.stdout).unwrap();
    assert_eq!(json["rule"], serde_json::Value::Null);
    assert_eq!(json["totals"][0]["interest"], "0.00");

    let set = recobro_ok(&url, &["interest", "rule", "set", "--portfolio", "p", "--rate", "10", "--effective", "2024-01-01"]);
    assert!(set.contains("set for portfolio p from 2024-01-01"), "{set}");

    // 1,000.00 for 30 days at 10 %/365 accrues 8.22, which the 400.00 paid
    // on 1 March covers first. The 608.22 left bears 10.00 over 60 days.
    let json: serde_json::Value = serde_json::from_str(&recobro_ok(&url, &statement_args(&["--format", "json"]))).unwrap();
    assert_eq!(json["rule"]["rate"], "10");
    assert_eq!(json["rule"]["day_count"], "act365");
    assert_eq!(json["documents"][0]["number"], "F-1");
    assert_eq!(json["documents"][0]["periods"].as_array().unwrap().len(), 2);
    assert_eq!(json["documents"][0]["periods"][1]["base"], "608.22");
    assert_eq!(json["documents"][0]["interest_accrued"], "18.22");
    assert_eq!(json["documents"][0]["interest_paid"], "8.22");
    assert_eq!(json["totals"][0]["principal"], "608.22");
    assert_eq!(json["totals"][0]["interest"], "10.00");
    assert_eq!(json["totals"][0]["total"], "618.22");

    // The PDF is in the customer's language unless --language sets another.
    let english_pdf = folder.path().join("statement-en.pdf");
    recobro_ok(&url, &statement_args(&["--format", "pdf", "--output", path_text(&english_pdf)]));
    let text = pdf_text(&english_pdf);
    for expected in ["Statement of late-payment interest", "Ferretería Sur", "30 Apr 2024", "618.22", "18.22", "8.22", "Interest paid", "10 % a year"] {
        assert!(text.contains(expected), "{expected:?} missing: {text}");
    }
    let spanish_pdf = folder.path().join("statement-es.pdf");
    recobro_ok(&url, &statement_args(&["--format", "pdf", "--output", path_text(&spanish_pdf), "--language", "es"]));
    let text = pdf_text(&spanish_pdf);
    for expected in ["Estado de intereses de mora", "30/04/2024", "618,22", "18,22", "8,22", "Intereses pagados"] {
        assert!(text.contains(expected), "{expected:?} missing: {text}");
    }

    // The workbook: the interest owed of F-1 and the total of its currency.
    let workbook = folder.path().join("statement.xlsx");
    recobro_ok(&url, &statement_args(&["--format", "xlsx", "--output", path_text(&workbook)]));
    assert_eq!(number_at(&workbook, "Documents", 1, 11), 10.0);
    assert_eq!(number_at(&workbook, "Documents", 1, 14), 8.22, "the interest the payment covered");
    assert_eq!(number_at(&workbook, "Documents", 3, 14), 8.22);
    assert_eq!(number_at(&workbook, "Documents", 3, 13), 618.22);
    assert_eq!(number_at(&workbook, "Periods", 2, 5), 608.22);
    let spanish_workbook = folder.path().join("estado.xlsx");
    recobro_ok(&url, &statement_args(&["--format", "xlsx", "--output", path_text(&spanish_workbook), "--language", "es"]));
    assert_eq!(number_at(&spanish_workbook, "Documentos", 1, 11), 10.0);

    let no_output = recobro(&url, &statement_args(&["--format", "pdf"]));
    assert!(!no_output.status.success());
    assert!(stderr(&no_output).contains("give --output FILE.pdf"), "{}", stderr(&no_output));
    let unknown = recobro(&url, &["interest", "statement", "--portfolio", "p", "--customer", "C9", "--as-of", "2024-04-30"]);
    assert!(stderr(&unknown).contains("customer \"C9\" not found in portfolio p"), "{}", stderr(&unknown));

    // The customer's own rule: Mexico's 6 % a year, which takes any currency.
    recobro_ok(&url, &["interest", "rule", "set", "--portfolio", "p", "--customer", "C1", "--regime", "mx-commercial", "--effective", "2024-04-01"]);
    let json: serde_json::Value = serde_json::from_str(&recobro_ok(&url, &statement_args(&[]))).unwrap();
    assert_eq!(json["rule"]["regime"], "mx-commercial");
    assert_eq!(json["rule"]["customer_specific"], true);
    // 4.93 to 1 March, paid first; then 604.93 for 60 days accrues 5.97.
    assert_eq!(json["totals"][0]["interest_paid"], "4.93");
    assert_eq!(json["totals"][0]["interest"], "5.97");

    let rules: serde_json::Value = serde_json::from_str(&recobro_ok(&url, &["interest", "rule", "list", "--portfolio", "p", "--format", "json"])).unwrap();
    assert_eq!(rules.as_array().unwrap().len(), 2);
    assert_eq!(rules[0]["customer"], serde_json::Value::Null);
    assert_eq!(rules[0]["rate"], "10");
    assert_eq!(rules[1]["customer"], "C1");
    assert_eq!(rules[1]["regime"], "mx-commercial");
    let table = recobro_ok(&url, &["interest", "rule", "list", "--portfolio", "p"]);
    assert!(table.contains("mx-commercial"), "{table}");
    assert!(table.contains("(portfolio)"), "{table}");

    let store = Store::open(&url).await.unwrap();
    let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_event WHERE action = 'interest_rule.set'").fetch_one(store.pool()).await.unwrap();
    assert_eq!(audited, 2);
    store.close().await;
}

async fn rule_errors(url: String) {
    add_portfolio(&url);
    let both = recobro(&url, &["interest", "rule", "set", "--portfolio", "p", "--rate", "10", "--regime", "mx-commercial", "--effective", "2024-01-01"]);
    assert!(!both.status.success());
    assert!(stderr(&both).contains("cannot be used with"), "{}", stderr(&both));
    let day_count = recobro(&url, &["interest", "rule", "set", "--portfolio", "p", "--regime", "uk-late-payment", "--day-count", "act360", "--effective", "2024-01-01"]);
    assert!(!day_count.status.success());
    let unknown = recobro(&url, &["interest", "rule", "set", "--portfolio", "p", "--regime", "fr-late-payment", "--effective", "2024-01-01"]);
    assert!(stderr(&unknown).contains("unknown regime \"fr-late-payment\""), "{}", stderr(&unknown));
    let no_portfolio = recobro(&url, &["interest", "rule", "list", "--portfolio", "nope"]);
    assert!(stderr(&no_portfolio).contains("portfolio \"nope\" not found"), "{}", stderr(&no_portfolio));
}

on_each_engine!(statement_formats, rule_errors);
