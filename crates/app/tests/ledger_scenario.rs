//! A small hand-made ledger imported from canonical CSV files, the columns
//! that `--kind` expects. Each customer shows one rule: oldest-first
//! application of an unallocated payment, an overpayment, an unused credit
//! note, an explicit allocation, a credit note applied to a later invoice,
//! and a disputed oldest invoice.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use recobro_app::import::{Profile, RecordKind, import_file};
use recobro_app::reports::{AgingGroup, CaseList, aging, case_list};
use recobro_app::run::run_daily;
use recobro_store::{Store, cases, ledger, reports};

use common::{BUCKET_LABELS, cents, create_portfolio, date, open_store};

const PORTFOLIO: &str = "sample";

const CUSTOMERS: &str = "\
ref,name
OLD,Oldest First Ltd
OVER,Overpaid Inc
CRED,Credited SA
DISP,Disputed SL
ALLOC,Allocated GmbH
NOTE,Noted SRL
";

const DOCUMENTS: &str = "\
number,customer,issue_date,due_date,amount,kind
A-1,OLD,2024-01-01,2024-01-31,100.00,invoice
A-2,OLD,2024-02-01,2024-03-02,80.00,invoice
B-1,OVER,2024-01-10,2024-02-09,50.00,invoice
C-1,CRED,2024-01-05,2024-02-04,200.00,invoice
CN-1,CRED,2024-03-01,2024-03-01,30.00,credit_note
D-1,DISP,2023-10-01,2023-10-31,40.00,invoice
D-2,DISP,2023-12-01,2023-12-31,60.00,invoice
E-1,ALLOC,2024-01-01,2024-01-31,100.00,invoice
E-2,ALLOC,2024-02-01,2024-03-02,50.00,invoice
CN-2,NOTE,2024-02-01,2024-02-01,40.00,credit_note
G-1,NOTE,2024-02-15,2024-03-16,100.00,invoice
";

/// P-1 names no document, so it goes to OLD's oldest due invoices. P-2
/// pays B-1 and 20.00 more than it owes.
const PAYMENTS: &str = "\
ref,customer,paid_on,amount,document
P-1,OLD,2024-03-10,120.00,
P-2,OVER,2024-03-05,70.00,B-1
";

/// Imported with a profile that keeps unallocated payments unapplied, so
/// that the allocation file decides where P-3 goes.
const HELD_PAYMENTS: &str = "\
ref,customer,paid_on,amount
P-3,ALLOC,2024-03-15,50.00
";

/// P-3 pays the newer invoice E-2, not the oldest. CN-2 is applied to
/// G-1, issued two weeks after it, so until 2024-02-15 CN-2 is unused credit.
const ALLOCATIONS: &str = "\
payment,credit_note,document,amount
P-3,,E-2,50.00
,CN-2,G-1,40.00
";

const DISPUTES: &str = "\
document,opened_on,reason
D-1,2024-01-15,Goods returned
";

/// Writes `text` to `name` in `folder` and imports it.
async fn import_text(store: &Store, folder: &Path, name: &str, text: &str, profile: Profile) {
    let path = folder.join(name);
    std::fs::write(&path, text).expect("cannot write a fixture file");
    import_file(store, PORTFOLIO, &path, profile).await.unwrap_or_else(|error| panic!("{name} does not import: {error}"));
}

async fn import_scenario(store: &Store) -> i64 {
    let portfolio_id = create_portfolio(store, PORTFOLIO, "USD").await;
    let folder = tempfile::tempdir().expect("cannot create a temporary folder");
    let folder = folder.path();
    import_text(store, folder, "customers.csv", CUSTOMERS, Profile::canonical(RecordKind::Customer)).await;
    import_text(store, folder, "documents.csv", DOCUMENTS, Profile::canonical(RecordKind::Document)).await;
    import_text(store, folder, "payments.csv", PAYMENTS, Profile::canonical(RecordKind::Payment)).await;
    let keep_unapplied = Profile::parse("held", "[format]\nunallocated_payments = \"unapplied\"\n", Some(RecordKind::Payment)).expect("valid profile");
    import_text(store, folder, "held-payments.csv", HELD_PAYMENTS, keep_unapplied).await;
    import_text(store, folder, "allocations.csv", ALLOCATIONS, Profile::canonical(RecordKind::Allocation)).await;
    import_text(store, folder, "disputes.csv", DISPUTES, Profile::canonical(RecordKind::Dispute)).await;
    portfolio_id
}

/// One customer's expected aging: its reference, bucket amounts in cents in
/// label order, and the unapplied column. No bucket contains more than
/// one document here.
type ExpectedRow = (&'static str, [i64; 6], i64);

/// Expected aging by customer on dates around the payments. Days past due
/// are noted per document.
fn expected_aging() -> Vec<(&'static str, Vec<ExpectedRow>)> {
    vec![
        (
            // CN-2 is issued and G-1 is not: the whole credit is unused.
            "2024-02-10",
            vec![
                // A-1 10 days, A-2 current.
                ("OLD", [8000, 10000, 0, 0, 0, 0], 0),
                // B-1 1 day.
                ("OVER", [0, 5000, 0, 0, 0, 0], 0),
                // C-1 6 days.
                ("CRED", [0, 20000, 0, 0, 0, 0], 0),
                // D-1 102 days (disputed), D-2 41 days.
                ("DISP", [0, 0, 6000, 0, 4000, 0], 0),
                ("ALLOC", [5000, 10000, 0, 0, 0, 0], 0),
                ("NOTE", [0; 6], -4000),
            ],
        ),
        (
            "2024-03-04",
            vec![
                // A-1 33 days, A-2 2 days.
                ("OLD", [0, 8000, 10000, 0, 0, 0], 0),
                // B-1 24 days, and P-2 comes the next day.
                ("OVER", [0, 5000, 0, 0, 0, 0], 0),
                // C-1 29 days, and CN-1 issued on 2024-03-01.
                ("CRED", [0, 20000, 0, 0, 0, 0], -3000),
                // D-1 125 days (disputed), D-2 64 days.
                ("DISP", [0, 0, 0, 6000, 0, 4000], 0),
                ("ALLOC", [0, 5000, 10000, 0, 0, 0], 0),
                // G-1 due in 12 days, less the 40.00 of CN-2.
                ("NOTE", [6000, 0, 0, 0, 0, 0], 0),
            ],
        ),
        (
            // The day before P-1: A-1 is still open.
            "2024-03-09",
            vec![
                ("OLD", [0, 8000, 10000, 0, 0, 0], 0),
                ("OVER", [0; 6], -2000),
                ("CRED", [0, 0, 20000, 0, 0, 0], -3000),
                ("DISP", [0, 0, 0, 6000, 0, 4000], 0),
                ("ALLOC", [0, 5000, 10000, 0, 0, 0], 0),
                ("NOTE", [6000, 0, 0, 0, 0, 0], 0),
            ],
        ),
        (
            // P-1 paid A-1 (100.00) and 20.00 of A-2.
            "2024-03-10",
            vec![
                ("OLD", [0, 6000, 0, 0, 0, 0], 0),
                ("OVER", [0; 6], -2000),
                ("CRED", [0, 0, 20000, 0, 0, 0], -3000),
                ("DISP", [0, 0, 0, 6000, 0, 4000], 0),
                ("ALLOC", [0, 5000, 10000, 0, 0, 0], 0),
                ("NOTE", [6000, 0, 0, 0, 0, 0], 0),
            ],
        ),
        (
            "2024-03-31",
            vec![
                // A-2 29 days.
                ("OLD", [0, 6000, 0, 0, 0, 0], 0),
                ("OVER", [0; 6], -2000),
                // C-1 56 days.
                ("CRED", [0, 0, 20000, 0, 0, 0], -3000),
                // D-1 152 days (disputed), D-2 91 days.
                ("DISP", [0, 0, 0, 0, 6000, 4000], 0),
                // E-1 60 days, and P-3 paid E-2 on 2024-03-15.
                ("ALLOC", [0, 0, 10000, 0, 0, 0], 0),
                // G-1 15 days.
                ("NOTE", [0, 6000, 0, 0, 0, 0], 0),
            ],
        ),
    ]
}

async fn check_aging(store: &Store) {
    for (text, customers) in expected_aging() {
        let as_of = date(text);
        let report = aging(store, PORTFOLIO, as_of, AgingGroup::Customer).await.expect("aging by customer");
        let rows: BTreeMap<&str, _> = report.rows.iter().map(|row| (row.key.as_str(), row)).collect();
        assert_eq!(rows.len(), customers.len(), "{as_of}: customers in the report: {:?}", rows.keys());

        for (customer, buckets, unapplied) in customers {
            let row = rows.get(customer).unwrap_or_else(|| panic!("{as_of}: customer {customer} missing"));
            assert_eq!(row.line.bucket_minor, buckets, "{as_of} {customer}: buckets {BUCKET_LABELS:?}");
            let counts = buckets.map(|amount| u64::from(amount > 0));
            assert_eq!(row.line.bucket_count, counts, "{as_of} {customer}: bucket counts");
            assert_eq!(row.line.unapplied_minor, unapplied, "{as_of} {customer}: unapplied");
        }
    }
}

/// Ledger balance per customer on `as_of`, read from the fixture texts:
/// invoices issued less credit notes issued less payments received.
fn ledger_balances(as_of: NaiveDate) -> BTreeMap<String, i64> {
    let mut balances = BTreeMap::new();
    let mut documents = csv::Reader::from_reader(DOCUMENTS.as_bytes());
    for record in documents.records() {
        let record = record.unwrap();
        let sign = if &record[5] == "credit_note" { -1 } else { 1 };
        if date(&record[2]) <= as_of {
            *balances.entry(record[1].to_string()).or_insert(0) += sign * cents(&record[4]);
        }
    }
    for payments in [PAYMENTS, HELD_PAYMENTS] {
        let mut reader = csv::Reader::from_reader(payments.as_bytes());
        for record in reader.records() {
            let record = record.unwrap();
            if date(&record[2]) <= as_of {
                *balances.entry(record[1].to_string()).or_insert(0) -= cents(&record[3]);
            }
        }
    }
    balances
}

async fn check_ledger_invariant(store: &Store) {
    let dates = ["2024-01-01", "2024-02-01", "2024-02-10", "2024-02-15", "2024-02-29", "2024-03-01", "2024-03-04", "2024-03-05", "2024-03-09", "2024-03-10", "2024-03-15", "2024-03-31", "2024-12-31"];
    for text in dates {
        let as_of = date(text);
        let report = aging(store, PORTFOLIO, as_of, AgingGroup::Customer).await.expect("aging by customer");
        let mut portfolio_ledger = 0;
        for (customer, ledger) in ledger_balances(as_of) {
            portfolio_ledger += ledger;
            let row = report.rows.iter().find(|row| row.key == customer);
            let aged = row.map_or(0, |row| row.line.bucket_minor.iter().sum::<i64>() + row.line.unapplied_minor);
            assert_eq!(aged, ledger, "{as_of} {customer}: buckets plus unapplied");
        }
        let (total, _) = report.totals.values().next().expect("a USD total");
        assert_eq!(total.bucket_minor.iter().sum::<i64>() + total.unapplied_minor, portfolio_ledger, "{as_of}: portfolio");
    }
}

async fn check_payments(store: &Store, portfolio_id: i64) {
    let mut conn = store.acquire().await.unwrap();
    let unapplied: BTreeMap<String, i64> =
        ledger::load_payments(&mut conn, portfolio_id).await.unwrap().into_iter().map(|payment| (payment.data.external_ref, payment.unapplied_minor)).collect();
    assert_eq!(unapplied["P-1"], 0, "P-1 is fully applied to A-1 and A-2");
    assert_eq!(unapplied["P-2"], 2000, "P-2 overpays B-1 by 20.00");
    assert_eq!(unapplied["P-3"], 0, "P-3 is allocated to E-2");
}

/// Checks the case stages on 2024-03-31. The disputed D-1 is the oldest
/// invoice of DISP, 152 days past due, but only D-2 (91 days) counts
/// towards the stage.
async fn check_stages(store: &Store, portfolio_id: i64) {
    let as_of = date("2024-03-31");
    let problem_cases = case_list(store, PORTFOLIO, as_of, CaseList::ProblemCases).await.expect("problem cases");
    assert_eq!(problem_cases.len(), 1, "{problem_cases:?}");
    let line = &problem_cases[0];
    assert_eq!(line.customer, "DISP");
    assert_eq!(line.days_past_due, 91);
    assert_eq!(line.oldest_due_date, Some(date("2023-12-31")));
    assert_eq!(line.stage.as_deref(), Some("problem_case"));
    assert_eq!(line.disputed, "40.00");
    assert_eq!(line.balance, "100.00");

    let legal_candidates = case_list(store, PORTFOLIO, as_of, CaseList::LegalCandidates).await.expect("legal candidates");
    assert!(legal_candidates.is_empty(), "{legal_candidates:?}");

    let outcome = run_daily(store, PORTFOLIO, as_of).await.expect("the daily run");
    assert_eq!(outcome.counts.problem_cases, 1);
    assert_eq!(outcome.counts.legal_candidates, 0);

    let mut conn = store.acquire().await.unwrap();
    let refs: BTreeMap<i64, String> =
        reports::customer_infos(&mut conn, portfolio_id).await.unwrap().into_iter().map(|info| (info.id, info.external_ref)).collect();
    let stages: BTreeMap<String, (Option<String>, i64, i64)> = cases::load_cases(&mut conn, portfolio_id)
        .await
        .unwrap()
        .into_iter()
        .map(|case| (refs[&case.record.customer_id].clone(), (case.record.stage, case.record.days_past_due, case.record.disputed_minor)))
        .collect();
    let expected = BTreeMap::from([
        ("ALLOC".to_string(), (Some("second_reminder".to_string()), 60, 0)),
        ("CRED".to_string(), (Some("second_reminder".to_string()), 56, 0)),
        ("DISP".to_string(), (Some("problem_case".to_string()), 91, 4000)),
        ("NOTE".to_string(), (Some("reminder".to_string()), 15, 0)),
        ("OLD".to_string(), (Some("reminder".to_string()), 29, 0)),
    ]);
    assert_eq!(stages, expected, "stage, days past due and disputed amount per case");
}

async fn hand_made_ledger(url: String) {
    let store = open_store(&url).await;
    let portfolio_id = import_scenario(&store).await;
    check_payments(&store, portfolio_id).await;
    check_aging(&store).await;
    check_ledger_invariant(&store).await;
    check_stages(&store, portfolio_id).await;
    store.close().await;
}

test_on_each_engine!(hand_made, hand_made_ledger);

/// Checks a credit note used up over two imports, the second allocation
/// dated before the first. It stays unused credit until its last
/// allocation, on the issue date of the later invoice.
async fn credit_note_used_in_two_imports(url: String) {
    let store = open_store(&url).await;
    create_portfolio(&store, PORTFOLIO, "USD").await;
    let folder = tempfile::tempdir().expect("cannot create a temporary folder");
    let folder = folder.path();
    let documents = "\
number,customer,issue_date,due_date,amount,kind
CN-3,SPLIT,2024-01-01,2024-01-01,100.00,credit_note
H-1,SPLIT,2024-03-01,2024-03-31,60.00,invoice
H-2,SPLIT,2024-02-01,2024-03-02,40.00,invoice
";
    import_text(&store, folder, "customers.csv", "ref,name\nSPLIT,Split Credit Ltd\n", Profile::canonical(RecordKind::Customer)).await;
    import_text(&store, folder, "documents.csv", documents, Profile::canonical(RecordKind::Document)).await;
    import_text(&store, folder, "first.csv", "credit_note,document,amount\nCN-3,H-1,60.00\n", Profile::canonical(RecordKind::Allocation)).await;
    import_text(&store, folder, "second.csv", "credit_note,document,amount\nCN-3,H-2,40.00\n", Profile::canonical(RecordKind::Allocation)).await;

    // The ledger: -100.00 from 2024-01-01, -60.00 from 2024-02-01 and 0.00
    // from 2024-03-01, every time as unused credit.
    let expected_unapplied = [("2024-01-15", -10_000), ("2024-02-01", -6_000), ("2024-02-15", -6_000), ("2024-02-29", -6_000), ("2024-03-01", 0)];
    for (text, unapplied) in expected_unapplied {
        let as_of = date(text);
        let report = aging(&store, PORTFOLIO, as_of, AgingGroup::Bucket).await.expect("aging by bucket");
        let (line, _) = report.totals.values().next().expect("a USD total");
        assert_eq!(line.bucket_minor, [0; 6], "{as_of}: buckets");
        assert_eq!(line.unapplied_minor, unapplied, "{as_of}: unapplied");
    }
    store.close().await;
}

test_on_each_engine!(credit_note_two_imports, credit_note_used_in_two_imports);
