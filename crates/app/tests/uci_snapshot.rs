//! The UCI credit-card file as a portfolio snapshot on 2005-09-30: problem
//! cases, judicial transfer candidates, credit balances, the aging JSON and
//! the daily run, checked against the file read here.
//!
//! PAY_0 is the months of payment delay in September 2005, so an account is
//! 30 x PAY_0 days past due when PAY_0 >= 1 and not past due otherwise, and
//! BILL_AMT1 is its balance in whole New Taiwan dollars.

mod common;

use std::collections::BTreeSet;

use recobro_app::import::{import_file, mapping};
use recobro_app::reports::{AgingGroup, CaseList, aging, case_list};
use recobro_app::run::{RunError, run_daily};
use recobro_store::Store;

use common::{BUCKET_LABELS, bucket_index, count_rows, create_portfolio, data_file, date, decimal_text, open_store};

const UCI_FILE: &str = "uci-default-credit-card-clients-taiwan.csv";
const SNAPSHOT_DATE: &str = "2005-09-30";

struct Account {
    id: String,
    pay_0: i64,
    /// BILL_AMT1 in cents of TWD.
    balance_cents: i64,
}

impl Account {
    fn days_past_due(&self) -> i64 {
        if self.pay_0 >= 1 { 30 * self.pay_0 } else { 0 }
    }
}

/// Parses a whole number as the file writes it: `3913`, `-2100`, or `1e+05`
/// where a statistics tool shortened a round number.
fn whole_number(text: &str) -> i64 {
    let invalid = |error: std::num::ParseIntError| -> i64 { panic!("invalid whole number {text:?}: {error}") };
    match text.split_once('e') {
        Some((mantissa, exponent)) => {
            let mantissa: i64 = mantissa.parse().unwrap_or_else(invalid);
            let exponent = exponent.trim_start_matches('+').parse().unwrap_or_else(invalid);
            mantissa * 10_i64.pow(u32::try_from(exponent).expect("a small positive exponent"))
        }
        None => text.parse().unwrap_or_else(invalid),
    }
}

fn read_accounts() -> Vec<Account> {
    let mut reader = csv::Reader::from_path(data_file(UCI_FILE)).expect("cannot open the UCI data file");
    let headers = reader.headers().expect("the UCI file has a header").clone();
    let column = |name: &str| headers.iter().position(|header| header == name).unwrap_or_else(|| panic!("missing column {name}"));
    let (id, pay_0, bill_amt_1) = (column("ID"), column("PAY_0"), column("BILL_AMT1"));

    let accounts: Vec<Account> = reader
        .records()
        .map(|record| {
            let record = record.expect("valid CSV record");
            Account { id: record[id].to_string(), pay_0: whole_number(&record[pay_0]), balance_cents: whole_number(&record[bill_amt_1]) * 100 }
        })
        .collect();
    assert_eq!(accounts.len(), 30_000);
    accounts
}

/// Selects the IDs of the accounts with a positive balance and at least
/// `min_months` of payment delay.
fn ids_past(accounts: &[Account], min_months: i64) -> BTreeSet<String> {
    accounts.iter().filter(|account| account.pay_0 >= min_months && account.balance_cents > 0).map(|account| account.id.clone()).collect()
}

async fn import_uci(store: &Store) {
    create_portfolio(store, "uci-cards", "TWD").await;
    let profile = mapping::built_in("uci-cards").expect("built-in profile uci-cards").expect("valid profile");
    let summary = import_file(store, "uci-cards", &data_file(UCI_FILE), profile).await.expect("the UCI file imports");
    assert_eq!(summary.rows, 30_000);
    assert_eq!(summary.counts["customers"].created, 30_000);
    assert_eq!(summary.counts["snapshot accounts"].created, 30_000);
}

async fn snapshot_reports(url: String) {
    let accounts = read_accounts();
    let store = open_store(&url).await;
    import_uci(&store).await;
    let as_of = date(SNAPSHOT_DATE);

    // PAY_0 counts in the file's documentation: 3: 322, 4: 76, 5: 26, 6: 11,
    // 7: 9 and 8: 19, and every one of those accounts has a positive bill.
    let expected_problem = ids_past(&accounts, 3);
    let expected_legal = ids_past(&accounts, 5);
    assert_eq!(expected_problem.len(), 463);
    assert_eq!(expected_legal.len(), 65);

    let problem_cases = case_list(&store, "uci-cards", as_of, CaseList::ProblemCases).await.expect("problem cases");
    let problem_ids: BTreeSet<String> = problem_cases.iter().map(|line| line.customer.clone()).collect();
    assert_eq!(problem_cases.len(), problem_ids.len(), "one line per customer");
    assert_eq!(problem_ids, expected_problem);
    for line in &problem_cases {
        let account = accounts.iter().find(|account| account.id == line.customer).unwrap();
        assert_eq!(line.days_past_due, account.days_past_due(), "days past due of {}", line.customer);
        assert_eq!(line.balance, decimal_text(account.balance_cents), "balance of {}", line.customer);
        assert_eq!(line.currency, "TWD");
    }

    let legal_candidates = case_list(&store, "uci-cards", as_of, CaseList::LegalCandidates).await.expect("legal candidates");
    let legal_ids: BTreeSet<String> = legal_candidates.iter().map(|line| line.customer.clone()).collect();
    assert_eq!(legal_candidates.len(), legal_ids.len(), "one line per customer");
    assert_eq!(legal_ids, expected_legal);

    let mut bucket_amounts = [0i64; 6];
    let mut bucket_counts = [0u64; 6];
    for account in accounts.iter().filter(|account| account.balance_cents > 0) {
        let bucket = bucket_index(account.days_past_due());
        bucket_amounts[bucket] += account.balance_cents;
        bucket_counts[bucket] += 1;
    }
    let credit_balances: i64 = accounts.iter().map(|account| account.balance_cents).filter(|&balance| balance < 0).sum();
    let ledger: i64 = accounts.iter().map(|account| account.balance_cents).sum();
    let with_balance = accounts.iter().filter(|account| account.balance_cents != 0).count();

    let report = aging(&store, "uci-cards", as_of, AgingGroup::Bucket).await.expect("aging by bucket");
    let json = report.to_json();
    assert_eq!(json["as_of"], SNAPSHOT_DATE);
    assert_eq!(json["portfolio"], "uci-cards");
    assert_eq!(json["currency"], "TWD");
    let buckets = json["buckets"].as_array().expect("buckets is an array");
    assert_eq!(buckets.len(), BUCKET_LABELS.len());
    for (index, bucket) in buckets.iter().enumerate() {
        assert_eq!(bucket["label"], BUCKET_LABELS[index], "label of bucket {index}");
        assert_eq!(bucket["amount"], decimal_text(bucket_amounts[index]), "amount of bucket {}", BUCKET_LABELS[index]);
        assert_eq!(bucket["count"], bucket_counts[index], "count of bucket {}", BUCKET_LABELS[index]);
    }
    assert_eq!(json["unapplied"], decimal_text(credit_balances));
    assert_eq!(json["total"], decimal_text(ledger));
    assert_eq!(json["customers"], with_balance);
    store.close().await;
}

test_on_each_engine!(snapshot, snapshot_reports);

async fn daily_run_is_idempotent(url: String) {
    let accounts = read_accounts();
    let store = open_store(&url).await;
    import_uci(&store).await;
    let as_of = date(SNAPSHOT_DATE);

    let first = run_daily(&store, "uci-cards", as_of).await.expect("the first run");
    assert_eq!(first.counts.problem_cases, 463);
    assert_eq!(first.counts.legal_candidates, 65);
    let past_due = accounts.iter().filter(|account| account.days_past_due() > 0 && account.balance_cents > 0).count() as i64;
    assert_eq!(first.counts.cases_open, past_due);
    assert_eq!(first.counts.cases_opened, past_due);
    let ledger: i64 = accounts.iter().map(|account| account.balance_cents).sum();
    assert_eq!(first.totals.len(), 1);
    assert_eq!(first.totals[0].currency, "TWD");
    assert_eq!(first.totals[0].balance_minor, ledger);

    let cases = count_rows(&store, "collection_case").await;
    let events = count_rows(&store, "case_stage_event").await;
    let tasks = count_rows(&store, "task").await;
    assert_eq!(cases, past_due);
    assert!(events >= cases, "every case entered at least one stage: {events} events for {cases} cases");
    assert!(tasks > 0);

    let second = run_daily(&store, "uci-cards", as_of).await.expect("the run of the same date");
    assert_eq!(second.counts.problem_cases, 463);
    assert_eq!(second.counts.legal_candidates, 65);
    assert_eq!(second.counts.cases_opened, 0);
    assert_eq!(second.counts.stage_changes, 0);
    assert_eq!(second.counts.tasks_created, 0);
    assert_eq!(count_rows(&store, "collection_case").await, cases);
    assert_eq!(count_rows(&store, "case_stage_event").await, events);
    assert_eq!(count_rows(&store, "task").await, tasks);

    let earlier = date("2005-09-29");
    match run_daily(&store, "uci-cards", earlier).await {
        Err(RunError::RunsMoveForward { requested, latest }) => {
            assert_eq!(requested, earlier);
            assert_eq!(latest, as_of);
        }
        other => panic!("a run before the latest run must be rejected, got {other:?}"),
    }
    assert_eq!(count_rows(&store, "run").await, 1);
    assert_eq!(count_rows(&store, "case_stage_event").await, events);
    assert_eq!(count_rows(&store, "task").await, tasks);
    store.close().await;
}

test_on_each_engine!(daily_run, daily_run_is_idempotent);
