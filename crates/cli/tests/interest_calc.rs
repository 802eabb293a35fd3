//! `recobro interest calc` through the built binary: JSON values, the table
//! and the errors for bad options. The command needs no database.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

/// Runs the binary in `folder`, so that a database file it wrongly created
/// would show up there.
fn recobro_in(folder: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_recobro"))
        .args(args)
        .current_dir(folder)
        .env_remove("RECOBRO_DB")
        .output()
        .expect("cannot run the recobro binary")
}

fn calc(args: &[&str]) -> Output {
    let folder = tempfile::tempdir().unwrap();
    let mut full = vec!["interest", "calc"];
    full.extend_from_slice(args);
    let output = recobro_in(folder.path(), &full);
    let leftovers: Vec<_> = std::fs::read_dir(folder.path()).unwrap().collect();
    assert!(leftovers.is_empty(), "interest calc wrote files: {leftovers:?}");
    output
}

fn calc_json(args: &[&str]) -> Value {
    let mut full = args.to_vec();
    full.extend_from_slice(&["--format", "json"]);
    let output = calc(&full);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "exit {:?}\nstdout:\n{stdout}\nstderr:\n{}", output.status, String::from_utf8_lossy(&output.stderr));
    serde_json::from_str(&stdout).unwrap_or_else(|error| panic!("invalid JSON ({error}):\n{stdout}"))
}

fn assert_mentions(message: &str, fragments: &[&str]) {
    for fragment in fragments {
        assert!(message.contains(fragment), "{fragment:?} missing from:\n{message}");
    }
}

fn calc_error(args: &[&str]) -> String {
    let output = calc(args);
    assert!(!output.status.success(), "expected a failure for {args:?}; stdout:\n{}", String::from_utf8_lossy(&output.stdout));
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn uk_regime_json() {
    let result = calc_json(&["--principal", "1000.00", "--due", "2015-03-01", "--until", "2015-04-20", "--regime", "uk-late-payment"]);

    assert_eq!(result["currency"], "GBP");
    assert_eq!(result["regime"], "uk-late-payment");
    assert_eq!(result["reference_date"], "2014-12-31");
    assert_eq!(result["days"], 50);
    assert_eq!(result["interest"], "11.64");
    assert_eq!(result["compensation"], "70.00");
    assert_eq!(result["total"], "81.64");
    assert_eq!(result["periods"][0]["rate"], "8.5");
    assert_eq!(result["periods"][0]["start"], "2015-03-02");
    assert_eq!(result["periods"][0]["end"], "2015-04-20");
}

#[test]
fn uk_daily_amount_rounding_matches_gov_uk() {
    let result = calc_json(&["--principal", "1000", "--due", "2015-03-01", "--until", "2015-04-20", "--regime", "uk-late-payment", "--rounding", "daily-amount"]);

    assert_eq!(result["interest"], "11.50");
}

#[test]
fn contractual_rate_with_payment_and_dispute() {
    let result = calc_json(&[
        "--principal",
        "1000.00",
        "--due",
        "2024-03-01",
        "--until",
        "2024-03-31",
        "--rate",
        "36.5",
        "--payment",
        "2024-03-05:400.00",
        "--dispute",
        "2024-03-11:2024-03-20",
    ]);

    assert_eq!(result["currency"], "EUR", "EUR is the default with --rate");
    assert_eq!(result["rate"], "36.5");
    assert_eq!(result["day_count"], "act365");
    assert_eq!(result["days"], 30);
    assert_eq!(result["interest"], "13.60", "4 days on 1,000 and 16 days on 600 at 0.1 % a day");
    assert_eq!(result["compensation"], "0.00");

    let periods = result["periods"].as_array().unwrap();
    let bases: Vec<&str> = periods.iter().map(|period| period["base"].as_str().unwrap()).collect();
    assert_eq!(bases, ["1000.00", "600.00", "0.00", "600.00"]);
    let shown: Vec<&str> = periods.iter().map(|period| period["interest"].as_str().unwrap()).collect();
    assert_eq!(shown, ["4.00", "3.00", "0.00", "6.60"]);
}

#[test]
fn regimes_default_currencies() {
    let cases = [
        ("es-late-payment", "2020-01-31", "2020-03-31", "EUR", "13.15", "40.00"),
        ("mx-commercial", "2024-01-31", "2024-03-01", "MXN", "4.93", "0.00"),
        ("co-usury-capped", "2025-09-30", "2025-11-30", "COP", "36.86", "0.00"),
        ("pe-legal", "2013-12-01", "2013-12-31", "PEN", "1.87", "0.00"),
    ];
    for (regime, due, until, currency, interest, compensation) in cases {
        let result = calc_json(&["--principal", "1000", "--due", due, "--until", until, "--regime", regime]);
        assert_eq!(result["currency"], currency, "{regime}");
        assert_eq!(result["interest"], interest, "{regime}");
        assert_eq!(result["compensation"], compensation, "{regime}");
    }
}

#[test]
fn until_equal_to_due_is_zero() {
    let result = calc_json(&["--principal", "1000", "--due", "2024-03-01", "--until", "2024-03-01", "--regime", "es-late-payment"]);

    assert_eq!(result["days"], 0);
    assert_eq!(result["interest"], "0.00");
    assert_eq!(result["total"], "0.00");
    assert_eq!(result["periods"].as_array().unwrap().len(), 0);
}

#[test]
fn table_format_lists_periods_and_total() {
    let output = calc(&["--principal", "1000", "--due", "2023-05-31", "--until", "2023-08-31", "--regime", "es-late-payment", "--format", "table"]);
    let text = String::from_utf8_lossy(&output.stdout);

    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(text.starts_with("Late interest on 1000.00 EUR due 2023-05-31 until 2023-08-31 under es-late-payment"), "{text}");
    assert!(text.contains("10.5 %"), "{text}");
    assert!(text.contains("12 %"), "{text}");
    assert!(text.contains("compensation"), "{text}");
    assert!(text.contains("69.01"), "total of 29.01 interest and 40.00 compensation:\n{text}");
}

#[test]
fn bad_options_name_option_and_value() {
    let negative = calc_error(&["--principal", "-5", "--due", "2024-03-01", "--until", "2024-03-31", "--rate", "5"]);
    assert_mentions(&negative, &["--principal", "-5", "cannot be negative"]);

    let backwards = calc_error(&["--principal", "100", "--due", "2024-03-01", "--until", "2024-02-01", "--rate", "5"]);
    assert!(backwards.contains("invalid --until 2024-02-01: it is before --due 2024-03-01"), "{backwards}");

    let unknown = calc_error(&["--principal", "100", "--due", "2024-03-01", "--until", "2024-03-31", "--regime", "fr-late-payment"]);
    assert_mentions(&unknown, &["--regime", "fr-late-payment", "uk-late-payment"]);

    let both = calc_error(&["--principal", "100", "--due", "2024-03-01", "--until", "2024-03-31", "--rate", "5", "--regime", "mx-commercial"]);
    assert_mentions(&both, &["--rate", "--regime", "cannot be used with"]);

    let neither = calc_error(&["--principal", "100", "--due", "2024-03-01", "--until", "2024-03-31"]);
    assert_mentions(&neither, &["--rate", "--regime"]);

    let wrong_currency = calc_error(&["--principal", "100", "--due", "2024-03-01", "--until", "2024-03-31", "--regime", "uk-late-payment", "--currency", "EUR"]);
    assert!(wrong_currency.contains("invalid --currency EUR for --regime uk-late-payment"), "{wrong_currency}");

    let decimals = calc_error(&["--principal", "100.005", "--due", "2024-03-01", "--until", "2024-03-31", "--rate", "5"]);
    assert_mentions(&decimals, &["--principal", "100.005"]);

    let outside = calc_error(&["--principal", "100", "--due", "2026-01-15", "--until", "2026-03-01", "--regime", "co-usury-capped"]);
    assert!(outside.contains("complete only through 2026-01-31"), "{outside}");

    let payment = calc_error(&["--principal", "100", "--due", "2024-03-01", "--until", "2024-03-31", "--rate", "5", "--payment", "2024-03-05"]);
    assert!(payment.contains("invalid --payment \"2024-03-05\""), "{payment}");
}
