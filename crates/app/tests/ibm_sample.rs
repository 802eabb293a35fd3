//! Aging and daily runs over the IBM accounts-receivable sample, checked to
//! the cent against a computation written here from the dataset's own rule:
//! an invoice is open on D when InvoiceDate <= D < SettledDate, and it is
//! D - DueDate days past due. The built-in profile opens a dispute on every
//! invoice marked Disputed, from its InvoiceDate on.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use recobro_app::import::{import_file, mapping};
use recobro_app::reports::{AgingGroup, AgingReport, aging};
use recobro_app::run::run_daily;
use recobro_core::Currency;
use recobro_store::reports as store_reports;
use recobro_store::{Store, cases};

use common::{BUCKET_LABELS, bucket_index, cents, create_portfolio, data_file, date, decimal_text, open_store};

const IBM_FILE: &str = "ibm-accounts-receivable.csv";

/// Dates spread over the life of the file. Each special case is checked in
/// `as_of_dates_cover_edges`, so that the list keeps covering it.
const AS_OF_DATES: [&str; 12] = [
    "2012-01-15",
    // A leap-year month end, and the SettledDate of several invoices.
    "2012-02-29",
    // The DueDate of open invoices, and an open invoice 30 days past due.
    "2012-06-15",
    // An open invoice 31 days past due.
    "2012-06-16",
    "2012-12-31",
    "2013-02-28",
    "2013-05-25",
    "2013-06-30",
    "2013-11-30",
    // After the last invoice date, with invoices still open.
    "2013-12-31",
    // The last SettledDate: nothing is open.
    "2014-01-09",
    "2014-01-15",
];

struct Invoice {
    customer: String,
    invoice_date: NaiveDate,
    due_date: NaiveDate,
    settled_date: NaiveDate,
    amount_cents: i64,
    disputed: bool,
}

impl Invoice {
    fn is_open_on(&self, as_of: NaiveDate) -> bool {
        self.invoice_date <= as_of && as_of < self.settled_date
    }

    fn days_past_due(&self, as_of: NaiveDate) -> i64 {
        (as_of - self.due_date).num_days()
    }
}

fn us_date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%m/%d/%Y").unwrap_or_else(|_| panic!("invalid M/D/YYYY date {text:?}"))
}

fn read_invoices() -> Vec<Invoice> {
    let mut reader = csv::Reader::from_path(data_file(IBM_FILE)).expect("cannot open the IBM data file");
    let headers = reader.headers().expect("the IBM file has a header").clone();
    let column = |name: &str| headers.iter().position(|header| header == name).unwrap_or_else(|| panic!("missing column {name}"));
    let (customer, invoice_date, due_date, settled_date, amount, disputed) =
        (column("customerID"), column("InvoiceDate"), column("DueDate"), column("SettledDate"), column("InvoiceAmount"), column("Disputed"));

    let invoices: Vec<Invoice> = reader
        .records()
        .map(|record| {
            let record = record.expect("valid CSV record");
            Invoice {
                customer: record[customer].to_string(),
                invoice_date: us_date(&record[invoice_date]),
                due_date: us_date(&record[due_date]),
                settled_date: us_date(&record[settled_date]),
                amount_cents: cents(&record[amount]),
                disputed: &record[disputed] == "Yes",
            }
        })
        .collect();
    assert_eq!(invoices.len(), 2466);
    assert_eq!(invoices.iter().map(|invoice| invoice.amount_cents).sum::<i64>(), 14_770_318, "sum of InvoiceAmount is 147,703.18");
    assert_eq!(invoices.iter().filter(|invoice| invoice.disputed).count(), 561);
    invoices
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct ExpectedLine {
    amounts: [i64; 6],
    counts: [u64; 6],
}

impl ExpectedLine {
    fn total(&self) -> i64 {
        self.amounts.iter().sum()
    }
}

/// Computes the whole portfolio's line and each customer's line as of `as_of`.
fn expected_aging(invoices: &[Invoice], as_of: NaiveDate) -> (ExpectedLine, BTreeMap<String, ExpectedLine>) {
    let mut total = ExpectedLine::default();
    let mut by_customer: BTreeMap<String, ExpectedLine> = BTreeMap::new();
    for invoice in invoices.iter().filter(|invoice| invoice.is_open_on(as_of)) {
        let bucket = bucket_index(invoice.days_past_due(as_of));
        for line in [&mut total, by_customer.entry(invoice.customer.clone()).or_default()] {
            line.amounts[bucket] += invoice.amount_cents;
            line.counts[bucket] += 1;
        }
    }
    (total, by_customer)
}

async fn import_ibm(store: &Store) {
    create_portfolio(store, "ibm-ar", "USD").await;
    let profile = mapping::built_in("ibm-ar").expect("built-in profile ibm-ar").expect("valid profile");
    let summary = import_file(store, "ibm-ar", &data_file(IBM_FILE), profile).await.expect("the IBM file imports");
    assert_eq!(summary.rows, 2466);
    assert_eq!(summary.counts["customers"].created, 100);
    assert_eq!(summary.counts["documents"].created, 2466);
    assert_eq!(summary.counts["payments"].created, 2466);
    assert_eq!(summary.counts["disputes"].created, 561);
}

fn usd() -> Currency {
    Currency::parse("USD").unwrap()
}

fn check_bucket_report(report: &AgingReport, expected: &ExpectedLine, expected_customers: usize) {
    let as_of = report.as_of;
    assert_eq!(report.labels, BUCKET_LABELS);
    assert_eq!(report.totals.keys().copied().collect::<Vec<_>>(), [usd()], "{as_of}: currencies");

    let (line, customers) = &report.totals[&usd()];
    for (index, label) in BUCKET_LABELS.iter().enumerate() {
        assert_eq!(line.bucket_minor[index], expected.amounts[index], "{as_of}: amount of bucket {label}");
        assert_eq!(line.bucket_count[index], expected.counts[index], "{as_of}: count of bucket {label}");
    }
    assert_eq!(line.unapplied_minor, 0, "{as_of}: unapplied");
    assert_eq!(line.total_minor(), expected.total(), "{as_of}: total");
    assert_eq!(*customers, expected_customers as u64, "{as_of}: customers with a balance");
    assert_eq!(report.to_json()["total"], decimal_text(expected.total()), "{as_of}: JSON total");
}

fn check_customer_report(report: &AgingReport, expected: &BTreeMap<String, ExpectedLine>) {
    let as_of = report.as_of;
    let keys: BTreeSet<&str> = report.rows.iter().map(|row| row.key.as_str()).collect();
    let expected_keys: BTreeSet<&str> = expected.keys().map(String::as_str).collect();
    assert_eq!(keys, expected_keys, "{as_of}: customers with open invoices");

    for row in &report.rows {
        let expected_line = &expected[&row.key];
        assert_eq!(row.currency, usd(), "{as_of} {}: currency", row.key);
        assert_eq!(row.line.bucket_minor, expected_line.amounts, "{as_of} {}: bucket amounts", row.key);
        assert_eq!(row.line.bucket_count, expected_line.counts, "{as_of} {}: bucket counts", row.key);
        assert_eq!(row.line.unapplied_minor, 0, "{as_of} {}: unapplied", row.key);
        assert_eq!(row.customers, 1, "{as_of} {}: customers", row.key);
    }
}

async fn aging_matches_dataset_rule(url: String) {
    let invoices = read_invoices();
    let store = open_store(&url).await;
    import_ibm(&store).await;

    for text in AS_OF_DATES {
        let as_of = date(text);
        let (expected_total, expected_by_customer) = expected_aging(&invoices, as_of);

        let by_bucket = aging(&store, "ibm-ar", as_of, AgingGroup::Bucket).await.expect("aging by bucket");
        check_bucket_report(&by_bucket, &expected_total, expected_by_customer.len());

        let by_customer = aging(&store, "ibm-ar", as_of, AgingGroup::Customer).await.expect("aging by customer");
        check_customer_report(&by_customer, &expected_by_customer);
    }
    store.close().await;
}

test_on_each_engine!(aging_to_the_cent, aging_matches_dataset_rule);

/// Month ends and mid-month days from January 2012 to January 2014.
fn ledger_dates() -> Vec<NaiveDate> {
    let mut dates = Vec::new();
    for year in 2012..=2014 {
        for month in 1..=12 {
            if year == 2014 && month > 1 {
                break;
            }
            let first = NaiveDate::from_ymd_opt(year, month, 1).unwrap();
            let next_month = first.checked_add_months(chrono::Months::new(1)).unwrap();
            dates.push(first.with_day0(14).unwrap());
            dates.push(next_month.pred_opt().unwrap());
        }
    }
    dates
}

/// Buckets plus unapplied equal the ledger balance for every customer on
/// every date. The ledger comes from the file: each row is an invoice issued
/// on InvoiceDate and a payment of the full amount on SettledDate.
async fn buckets_plus_unapplied_equal_ledger(url: String) {
    let invoices = read_invoices();
    let customers: BTreeSet<&str> = invoices.iter().map(|invoice| invoice.customer.as_str()).collect();
    assert_eq!(customers.len(), 100);
    let store = open_store(&url).await;
    import_ibm(&store).await;

    for as_of in ledger_dates() {
        let report = aging(&store, "ibm-ar", as_of, AgingGroup::Customer).await.expect("aging by customer");
        let rows: BTreeMap<&str, i64> = report
            .rows
            .iter()
            .map(|row| (row.key.as_str(), row.line.bucket_minor.iter().sum::<i64>() + row.line.unapplied_minor))
            .collect();

        let mut portfolio_ledger = 0;
        for customer in &customers {
            let issued: i64 = invoices.iter().filter(|invoice| invoice.customer == *customer && invoice.invoice_date <= as_of).map(|invoice| invoice.amount_cents).sum();
            let paid: i64 = invoices.iter().filter(|invoice| invoice.customer == *customer && invoice.settled_date <= as_of).map(|invoice| invoice.amount_cents).sum();
            let ledger = issued - paid;
            portfolio_ledger += ledger;
            assert_eq!(rows.get(customer).copied().unwrap_or(0), ledger, "{as_of} {customer}: buckets plus unapplied");
        }

        let (total_line, _) = &report.totals[&usd()];
        assert_eq!(total_line.bucket_minor.iter().sum::<i64>() + total_line.unapplied_minor, portfolio_ledger, "{as_of}: portfolio");
    }
    store.close().await;
}

test_on_each_engine!(ledger_invariant, buckets_plus_unapplied_equal_ledger);

/// Guards the date list: the edge cases it names are still in it.
#[test]
fn as_of_dates_cover_edges() {
    let invoices = read_invoices();
    let dates: Vec<NaiveDate> = AS_OF_DATES.iter().map(|text| date(text)).collect();
    assert!(dates.len() >= 8);
    assert!(dates.iter().all(|as_of| (date("2012-01-15")..=date("2014-01-15")).contains(as_of)));

    let nothing_open = |as_of: NaiveDate| !invoices.iter().any(|invoice| invoice.is_open_on(as_of));
    assert!(dates.iter().any(|&as_of| nothing_open(as_of)), "a date when nothing is open");

    let month_end = |as_of: &NaiveDate| as_of.succ_opt().unwrap().day0() == 0;
    assert!(dates.iter().any(month_end), "a month end");

    let open_and_due = |as_of: NaiveDate| invoices.iter().any(|invoice| invoice.due_date == as_of && invoice.is_open_on(as_of));
    assert!(dates.iter().any(|&as_of| open_and_due(as_of)), "the DueDate of an invoice open that day");

    let settled = |as_of: NaiveDate| invoices.iter().any(|invoice| invoice.settled_date == as_of);
    assert!(dates.iter().any(|&as_of| settled(as_of)), "the SettledDate of an invoice");

    let open_days = |as_of: NaiveDate, days: i64| invoices.iter().any(|invoice| invoice.is_open_on(as_of) && invoice.days_past_due(as_of) == days);
    assert!(dates.iter().any(|&as_of| open_days(as_of, 30)), "an open invoice 30 days past due");
    assert!(dates.iter().any(|&as_of| open_days(as_of, 31)), "an open invoice 31 days past due");
}

/// Names the stage of the default policy for a case `days` past due on its
/// oldest undisputed open invoice. Reminders start on day 1, a second
/// reminder on 31, a formal notice on 61, a problem case on 90 and a
/// judicial candidate on 121.
fn expected_stage(days: i64) -> Option<&'static str> {
    match days {
        ..=0 => None,
        1..=30 => Some("reminder"),
        31..=60 => Some("second_reminder"),
        61..=89 => Some("formal_notice"),
        90..=120 => Some("problem_case"),
        _ => Some("judicial_candidate"),
    }
}

const STAGE_ORDER: [&str; 5] = ["reminder", "second_reminder", "formal_notice", "problem_case", "judicial_candidate"];

/// What the daily run should leave in an open case.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ExpectedCase {
    stage: &'static str,
    oldest_due_date: NaiveDate,
    days_past_due: i64,
    balance: i64,
    overdue: i64,
    disputed: i64,
}

/// Computes the open cases by customer on `as_of`. A case follows the oldest
/// open invoice that is not disputed. Disputed invoices still count in the
/// balance, the overdue amount and the disputed amount.
fn expected_cases(invoices: &[Invoice], as_of: NaiveDate) -> BTreeMap<String, ExpectedCase> {
    let mut open_by_customer: BTreeMap<&str, Vec<&Invoice>> = BTreeMap::new();
    for invoice in invoices.iter().filter(|invoice| invoice.is_open_on(as_of)) {
        open_by_customer.entry(invoice.customer.as_str()).or_default().push(invoice);
    }

    let mut cases = BTreeMap::new();
    for (customer, open) in open_by_customer {
        let Some(oldest_due_date) = open.iter().filter(|invoice| !invoice.disputed).map(|invoice| invoice.due_date).min() else { continue };
        let days_past_due = (as_of - oldest_due_date).num_days();
        let Some(stage) = expected_stage(days_past_due) else { continue };
        let sum = |keep: &dyn Fn(&Invoice) -> bool| open.iter().filter(|invoice| keep(invoice)).map(|invoice| invoice.amount_cents).sum::<i64>();
        cases.insert(
            customer.to_string(),
            ExpectedCase {
                stage,
                oldest_due_date,
                days_past_due,
                balance: sum(&|_| true),
                overdue: sum(&|invoice| invoice.days_past_due(as_of) > 0),
                disputed: sum(&|invoice| invoice.disputed),
            },
        );
    }
    cases
}

/// Loads the open cases from the store, by customer reference.
async fn stored_open_cases(store: &Store, portfolio_id: i64) -> BTreeMap<String, ExpectedCase> {
    let mut conn = store.acquire().await.unwrap();
    let refs: BTreeMap<i64, String> =
        store_reports::customer_infos(&mut conn, portfolio_id).await.unwrap().into_iter().map(|info| (info.id, info.external_ref)).collect();
    let mut open = BTreeMap::new();
    for case in cases::load_cases(&mut conn, portfolio_id).await.unwrap() {
        let record = case.record;
        if record.status != cases::CaseStatus::Open {
            continue;
        }
        let stage = record.stage.as_deref().and_then(|code| STAGE_ORDER.iter().find(|known| **known == code)).copied().unwrap_or("unknown");
        let case = ExpectedCase {
            stage,
            oldest_due_date: record.oldest_due_date.expect("an open case has an oldest due date"),
            days_past_due: record.days_past_due,
            balance: record.balance_minor,
            overdue: record.overdue_minor,
            disputed: record.disputed_minor,
        };
        open.insert(refs[&record.customer_id].clone(), case);
    }
    open
}

/// Checks the stage path of every case. No stage is missing from the
/// record, so each event is at most one stage above the one before it. A
/// stage marked skipped is followed on the same day by the next stage.
async fn check_stage_paths(store: &Store) {
    let events: Vec<(i64, String, String, i64)> =
        sqlx::query_as("SELECT case_id, stage, entered_on, skipped FROM case_stage_event ORDER BY case_id, entered_on, id")
            .fetch_all(store.pool())
            .await
            .unwrap();
    assert!(!events.is_empty());
    let index = |stage: &str| STAGE_ORDER.iter().position(|known| *known == stage).unwrap_or_else(|| panic!("unknown stage {stage}"));

    for pair in events.windows(2) {
        let ((case, stage, entered_on, skipped), (next_case, next_stage, next_entered_on, _)) = (&pair[0], &pair[1]);
        if case != next_case {
            assert_eq!(*skipped, 0, "case {case}: its last event {stage} on {entered_on} is marked skipped");
            continue;
        }
        assert!(index(next_stage) <= index(stage) + 1, "case {case}: {stage} on {entered_on} is followed by {next_stage} on {next_entered_on}");
        if *skipped == 1 {
            assert_eq!((index(next_stage), next_entered_on), (index(stage) + 1, entered_on), "case {case}: skipped {stage} on {entered_on}");
        }
    }
    let first_events = events.iter().enumerate().filter(|(position, event)| *position == 0 || events[position - 1].0 != event.0);
    for (_, (case, stage, entered_on, _)) in first_events {
        assert_eq!(stage, STAGE_ORDER[0], "case {case}: its first event on {entered_on}");
    }
}

/// Runs the daily job weekly over the life of the file and compares every
/// open case with the file, then checks that everything closed at the end.
async fn weekly_runs_follow_dataset(url: String) {
    let invoices = read_invoices();
    let store = open_store(&url).await;
    import_ibm(&store).await;
    let portfolio_id = {
        let mut conn = store.acquire().await.unwrap();
        recobro_store::portfolio::find(&mut conn, "ibm-ar").await.unwrap().expect("portfolio ibm-ar").id
    };

    let mut run_dates: Vec<NaiveDate> = date("2012-01-15").iter_weeks().take_while(|as_of| *as_of <= date("2014-01-15")).collect();
    run_dates.push(date("2014-01-15"));
    for as_of in run_dates {
        let expected = expected_cases(&invoices, as_of);
        let outcome = run_daily(&store, "ibm-ar", as_of).await.unwrap_or_else(|error| panic!("run as of {as_of}: {error}"));
        assert_eq!(outcome.counts.cases_open, expected.len() as i64, "{as_of}: open cases");
        let problem_cases = expected.values().filter(|case| case.days_past_due >= 90).count() as i64;
        assert_eq!(outcome.counts.problem_cases, problem_cases, "{as_of}: problem cases");

        let stored = stored_open_cases(&store, portfolio_id).await;
        assert_eq!(stored.keys().collect::<Vec<_>>(), expected.keys().collect::<Vec<_>>(), "{as_of}: customers with an open case");
        for (customer, case) in &expected {
            assert_eq!(&stored[customer], case, "{as_of} {customer}");
        }
    }

    let open_tasks: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM task WHERE status = 'open'").fetch_one(store.pool()).await.unwrap();
    assert_eq!(open_tasks, 0, "closing a case cancels its open tasks");
    check_stage_paths(&store).await;
    store.close().await;
}

test_on_each_engine!(weekly_runs, weekly_runs_follow_dataset);
