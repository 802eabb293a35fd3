//! `recobro bench` at a small size: it completes, and its correctness check
//! (the run's totals, both agings and the problem cases equal plain SQL
//! over the same database, to the cent) passes on each engine. No timing
//! is asserted.

use std::process::Command;

fn bench(extra: &[&str]) -> serde_json::Value {
    let output = Command::new(env!("CARGO_BIN_EXE_recobro"))
        .args(["bench", "--invoices", "1500", "--repetitions", "1", "--clients", "2", "--requests", "2", "--format", "json"])
        .args(extra)
        .env_remove("RECOBRO_DB")
        .output()
        .expect("cannot start the recobro binary");
    assert!(output.status.success(), "recobro bench failed with {}:\n{}", output.status, String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("recobro bench --format json prints JSON")
}

fn check_record(record: &serde_json::Value, backend: &str) {
    let result = &record["results"][0];
    assert_eq!(result["backend"], backend);
    assert_eq!(result["invoices"], 1500);
    assert_eq!(result["customers"], 150);
    assert_eq!(result["check"], "figures equal plain SQL");
    assert!(result["open_items"].as_i64().unwrap() > 0, "open items: {}", result["open_items"]);
    assert!(result["problem_cases"].as_i64().unwrap() > 0, "problem cases: {}", result["problem_cases"]);
    for figure in ["import_s", "daily_run_s", "aging_past_s", "problem_cases_s", "customer_list_p95_s", "dashboard_p95_s"] {
        let spread = &result["seconds"][figure];
        assert!(spread["median"].is_number(), "{figure}: {spread}");
        assert!(spread["min"].as_f64() <= spread["max"].as_f64(), "{figure}: {spread}");
    }
}

#[test]
fn sqlite() {
    let record = bench(&["--backend", "sqlite"]);
    check_record(&record, "sqlite");
}

#[test]
fn postgres() {
    let Ok(url) = std::env::var("RECOBRO_TEST_POSTGRES_URL") else {
        eprintln!("skipped: set RECOBRO_TEST_POSTGRES_URL=postgres://USER@HOST:PORT/DB to run the PostgreSQL tests");
        return;
    };
    let record = bench(&["--backend", "postgres", "--postgres-url", &url]);
    check_record(&record, "postgres");
}

#[test]
fn data_folder_is_kept_and_reused() {
    let folder = tempfile::tempdir().expect("cannot create a temporary folder");
    let data = folder.path().join("portfolio");
    let data_text = data.to_str().expect("temporary paths are UTF-8");
    bench(&["--backend", "sqlite", "--data", data_text]);
    let invoices = std::fs::read(data.join("invoices.csv")).expect("the generated invoices are kept");
    let record = bench(&["--backend", "sqlite", "--data", data_text, "--seed", "7"]);
    assert_eq!(std::fs::read(data.join("invoices.csv")).unwrap(), invoices, "existing files are read, not generated again");
    check_record(&record, "sqlite");
}
