//! The interest statement of a customer against a hand computation: an
//! invoice paid late in part, a disputed invoice reduced by a credit note,
//! an invoice paid late in full, waivers, and rules of the portfolio and
//! of the customer.

mod common;

use std::path::Path;

use common::{cents, create_portfolio, date, open_store};
use recobro_app::import::{Profile, RecordKind, import_file};
use recobro_app::statement::{RuleRequest, StatementError, customer_statement, set_rule, statement_json, statement_xlsx};
use recobro_core::Currency;
use recobro_core::locale::Locale;
use recobro_store::interest::{self as rules, NewWaiver};
use recobro_store::{Store, ledger, portfolio};

async fn import(store: &Store, folder: &Path, kind: RecordKind, name: &str, text: &str) {
    let path = folder.join(name);
    std::fs::write(&path, text).unwrap();
    import_file(store, "p", &path, Profile::canonical(kind)).await.unwrap();
}

/// Customer C1 in EUR:
/// - F-1: 1,000.00 due 2024-01-31, 400.00 paid on 2024-03-01;
/// - F-2: 500.00 due 2024-02-15, disputed from 2024-03-01 until the
///   rejection on 2024-03-31, and reduced by the 50.00 credit note CN-1 on
///   2024-04-10;
/// - F-3: 300.00 due 2024-02-29, paid in full on 2024-03-20;
/// - F-4: 100.00 due 2024-05-31, not yet due on 2024-04-30.
async fn seed(store: &Store, folder: &Path) {
    create_portfolio(store, "p", "EUR").await;
    import(store, folder, RecordKind::Customer, "customers.csv", "ref,name\nC1,Ferretería Sur\nC2,Otra SA\n").await;
    import(
        store,
        folder,
        RecordKind::Document,
        "documents.csv",
        "number,customer,issue_date,due_date,amount,kind\n\
         F-1,C1,2024-01-01,2024-01-31,1000.00,invoice\n\
         F-2,C1,2024-01-16,2024-02-15,500.00,invoice\n\
         F-3,C1,2024-01-30,2024-02-29,300.00,invoice\n\
         F-4,C1,2024-05-01,2024-05-31,100.00,invoice\n\
         CN-1,C1,2024-04-10,2024-04-10,50.00,credit_note\n",
    )
    .await;
    import(store, folder, RecordKind::Payment, "payments.csv", "ref,customer,paid_on,amount,document\nP-1,C1,2024-03-01,400.00,F-1\nP-2,C1,2024-03-20,300.00,F-3\n").await;
    import(store, folder, RecordKind::Allocation, "allocations.csv", "credit_note,document,amount\nCN-1,F-2,50.00\n").await;
    import(store, folder, RecordKind::Dispute, "disputes.csv", "document,opened_on,reason\nF-2,2024-03-01,price\n").await;

    let mut conn = store.acquire().await.unwrap();
    let portfolio = portfolio::find(&mut conn, "p").await.unwrap().unwrap();
    let f2 = ledger::find_document(&mut conn, portfolio.id, "invoice", "F-2").await.unwrap().unwrap();
    let resolved = ledger::resolve_disputes(&mut conn, f2.id, "rejected", date("2024-03-31"), "price was agreed", None).await.unwrap();
    assert_eq!(resolved, 1);
}

/// Records the waivers: 2.00 on F-1 and 0.50 on the customer as a whole,
/// both before the as-of date, and 9.99 on F-1 after it.
async fn add_waivers(store: &Store) {
    let mut conn = store.acquire().await.unwrap();
    let portfolio = portfolio::find(&mut conn, "p").await.unwrap().unwrap();
    let (customer_id, _) = recobro_store::browse::find_customer(&mut conn, portfolio.id, "C1").await.unwrap().unwrap();
    let f1 = ledger::find_document(&mut conn, portfolio.id, "invoice", "F-1").await.unwrap().unwrap();
    let eur = Currency::parse("EUR").unwrap();
    let waiver = |document_id: Option<i64>, amount_minor: i64, waived_on: &str| NewWaiver {
        customer_id,
        document_id,
        amount_minor,
        currency: eur,
        waived_on: date(waived_on),
        reason: "goodwill".into(),
        settlement_id: None,
        approved_by: "gerente".into(),
    };
    rules::insert_waiver(&mut conn, portfolio.id, &waiver(Some(f1.id), 200, "2024-04-15")).await.unwrap();
    rules::insert_waiver(&mut conn, portfolio.id, &waiver(None, 50, "2024-04-20")).await.unwrap();
    rules::insert_waiver(&mut conn, portfolio.id, &waiver(Some(f1.id), 999, "2024-05-05")).await.unwrap();
}

fn rule_request(customer: Option<&str>, regime: Option<&str>, rate: Option<&str>, day_count: Option<&str>, effective: &str) -> RuleRequest {
    RuleRequest {
        portfolio: "p".into(),
        customer: customer.map(str::to_string),
        regime: regime.map(str::to_string),
        rate: rate.map(str::to_string),
        day_count: day_count.map(str::to_string),
        grace_days: 0,
        effective_on: date(effective),
    }
}

/// Rounds an exact number of cents given as `numerator / denominator`
/// half-up, as the engine rounds each document's total.
fn rounded(numerator: i64, denominator: i64) -> i64 {
    (2 * numerator + denominator) / (2 * denominator)
}

async fn statement_scenario(url: String) {
    let store = open_store(&url).await;
    let folder = tempfile::tempdir().unwrap();
    seed(&store, folder.path()).await;
    let as_of = date("2024-04-30");

    // Without a rule: the open past-due invoices are listed, with no interest.
    let bare = customer_statement(&store, "p", "C1", as_of).await.unwrap();
    assert!(bare.rule.is_none());
    let numbers: Vec<&str> = bare.lines.iter().map(|line| line.number.as_str()).collect();
    assert_eq!(numbers, ["F-1", "F-2"], "F-3 owes nothing without a rule and F-4 is not due");
    assert_eq!(bare.totals[0].interest_minor, 0);
    assert_eq!(bare.totals[0].principal_minor, cents("1050.00"));
    assert!(statement_json(&bare)["notice"].as_str().unwrap().contains("no late-interest rule"));

    // The portfolio's 10 % act/365, and a later customer rule that is not
    // yet in force on the as-of date.
    set_rule(&store, &rule_request(None, None, Some("10"), None, "2024-01-01"), "gerente").await.unwrap();
    set_rule(&store, &rule_request(Some("C1"), None, Some("99"), None, "2024-05-01"), "gerente").await.unwrap();
    add_waivers(&store).await;
    let statement = customer_statement(&store, "p", "C1", as_of).await.unwrap();
    let rule = statement.rule.as_ref().expect("the portfolio rule applies");
    assert!(!rule.customer_specific());
    let numbers: Vec<&str> = statement.lines.iter().map(|line| line.number.as_str()).collect();
    assert_eq!(numbers, ["F-1", "F-2", "F-3"], "F-3 was paid late and its interest is owed");

    // F-1: 1,000.00 for 30 days (1 Feb to 1 Mar, the payment's day
    // included) accrues 8.22. The 400.00 paid on 1 Mar covers that interest
    // first and 391.78 of principal, so 608.22 bears interest for 60 days
    // (2 Mar to 30 Apr), at 10 %/365.
    let f1 = &statement.lines[0];
    assert_eq!(rounded(100_000 * 30, 3650), 822);
    let f1_interest = rounded(100_000 * 30 + 60_822 * 60, 3650);
    assert_eq!(f1_interest, 1_822);
    assert_eq!(f1.interest_accrued_minor, f1_interest);
    assert_eq!(f1.interest_paid_minor, 822);
    assert_eq!(f1.interest_waived_minor, 200, "the waiver after the as-of date is left out");
    assert_eq!(f1.interest_minor, f1_interest - 822 - 200);
    assert_eq!(f1.principal_open_minor, cents("608.22"));
    assert_eq!(f1.days_past_due, 90);
    assert_eq!(f1.periods.len(), 2);
    assert_eq!((f1.periods[0].start, f1.periods[0].end, f1.periods[0].days, f1.periods[0].base_minor), (date("2024-02-01"), date("2024-03-01"), 30, 100_000));
    assert_eq!((f1.periods[1].start, f1.periods[1].end, f1.periods[1].days, f1.periods[1].base_minor), (date("2024-03-02"), date("2024-04-30"), 60, 60_822));

    // F-2 bears 500.00 for 14 days (16 to 29 Feb) and nothing while
    // disputed (1 to 30 Mar). Then it bears 500.00 for 11 days (31 Mar to
    // 10 Apr, the credit note's day included) and 450.00 for 20 days.
    let f2 = &statement.lines[1];
    let f2_interest = rounded(50_000 * 25 + 45_000 * 20, 3650);
    assert_eq!(f2_interest, 589);
    assert_eq!(f2.interest_accrued_minor, f2_interest);
    assert_eq!(f2.principal_open_minor, cents("450.00"));
    assert!(!f2.disputed, "the dispute was resolved before the as-of date");
    let disputed_period = f2.periods.iter().find(|period| period.start == date("2024-03-01")).expect("a period starts with the dispute");
    assert_eq!((disputed_period.end, disputed_period.base_minor, disputed_period.interest_minor), (date("2024-03-30"), 0, 0));

    // F-3: 300.00 for 20 days (1 to 20 Mar) accrues 1.64. The 300.00 paid
    // on 20 Mar covers it first, so 1.64 of principal stays open and bears
    // interest for 41 more days (21 Mar to 30 Apr).
    let f3 = &statement.lines[2];
    let f3_interest = rounded(30_000 * 20 + 164 * 41, 3650);
    assert_eq!(f3_interest, 166);
    assert_eq!(f3.interest_accrued_minor, f3_interest);
    assert_eq!(f3.interest_paid_minor, 164);
    assert_eq!(f3.principal_open_minor, 164);
    assert_eq!(f3.settled_on, None);
    assert_eq!(f3.days_past_due, 61);

    // Totals: the 0.50 waiver of the customer comes off the interest.
    let totals = &statement.totals;
    assert_eq!(totals.len(), 1);
    let interest = f1_interest + f2_interest + f3_interest - 822 - 164 - 200 - 50;
    assert_eq!(interest, 1_341);
    assert_eq!(totals[0].principal_minor, cents("1059.86"));
    assert_eq!(totals[0].interest_accrued_minor, cents("25.77"));
    assert_eq!(totals[0].interest_paid_minor, cents("9.86"));
    assert_eq!(totals[0].interest_waived_minor, cents("2.50"));
    assert_eq!(totals[0].interest_minor, interest);
    assert_eq!(totals[0].fees_minor, 0);
    assert_eq!(totals[0].total_minor, cents("1073.27"));

    let json = statement_json(&statement);
    assert_eq!(json["totals"][0]["total"], "1073.27");
    assert_eq!(json["documents"][0]["interest_accrued"], "18.22");
    assert_eq!(json["documents"][0]["interest_paid"], "8.22");
    assert_eq!(json["rule"]["rate"], "10");
    let workbook = statement_xlsx(&statement, Locale::Spanish).unwrap();
    assert!(workbook.starts_with(b"PK"), "an XLSX file is a ZIP archive");

    // A customer rule in force wins over the portfolio's: 20 % act/360.
    set_rule(&store, &rule_request(Some("C1"), None, Some("20"), Some("act360"), "2024-04-01"), "gerente").await.unwrap();
    let own = customer_statement(&store, "p", "C1", as_of).await.unwrap();
    assert!(own.rule.as_ref().unwrap().customer_specific());
    // F-3 at 20 %/360: 3.33 to 20 Mar, paid first, then 3.33 of principal
    // for 41 days.
    assert_eq!(own.lines[2].interest_accrued_minor, rounded(30_000 * 20 * 20 + 333 * 41 * 20, 36_000), "F-3 at 20 %/360");

    // Spain's regime adds 40.00 for each late invoice; 12.5 % in 2024 H1.
    set_rule(&store, &rule_request(Some("C1"), Some("es-late-payment"), None, None, "2024-04-15"), "gerente").await.unwrap();
    let spanish = customer_statement(&store, "p", "C1", as_of).await.unwrap();
    // The payments on F-1 and F-3 covered their 40.00 first; F-2's stays owed.
    assert_eq!(spanish.totals[0].fees_minor, cents("40.00"));
    // F-3: 2.05 of interest to 20 Mar; the payment leaves 300.00 - 40.00 -
    // 2.05 = 257.95 on principal, so 42.05 bears interest for 41 days.
    assert_eq!(spanish.lines[2].fees_paid_minor, cents("40.00"));
    assert_eq!(spanish.lines[2].interest_accrued_minor, rounded(30_000 * 125 * 20 + 4_205 * 125 * 41, 365_000));

    // The other customer has no documents, and the rules were audited.
    let other = customer_statement(&store, "p", "C2", as_of).await.unwrap();
    assert!(other.lines.is_empty());
    assert!(other.totals.is_empty());
    let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_event WHERE action = 'interest_rule.set'").fetch_one(store.pool()).await.unwrap();
    assert_eq!(audited, 4);
    store.close().await;
}

async fn rule_validation(url: String) {
    let store = open_store(&url).await;
    create_portfolio(&store, "p", "EUR").await;
    let cases = [
        (rule_request(None, Some("uk-late-payment"), Some("8"), None, "2024-01-01"), "exactly one"),
        (rule_request(None, None, None, None, "2024-01-01"), "exactly one"),
        (rule_request(None, Some("nowhere"), None, None, "2024-01-01"), "unknown regime"),
        (rule_request(None, Some("uk-late-payment"), None, Some("act360"), "2024-01-01"), "fixes its own day count"),
        (rule_request(None, None, Some("ten"), None, "2024-01-01"), "not an annual rate"),
        (rule_request(None, None, Some("-1"), None, "2024-01-01"), "negative"),
        (rule_request(None, None, Some("10"), Some("30/360"), "2024-01-01"), "unknown day count"),
        (rule_request(Some("NOPE"), None, Some("10"), None, "2024-01-01"), "customer \"NOPE\" not found"),
    ];
    for (request, expected) in cases {
        let error = set_rule(&store, &request, "gerente").await.unwrap_err();
        assert!(error.to_string().contains(expected), "{request:?}: {error}");
    }
    let mut conn = store.acquire().await.unwrap();
    let portfolio = portfolio::find(&mut conn, "p").await.unwrap().unwrap();
    assert!(rules::list_rules(&mut conn, portfolio.id).await.unwrap().is_empty(), "no invalid rule was stored");
    drop(conn);

    let missing = customer_statement(&store, "nope", "C1", date("2024-01-01")).await.unwrap_err();
    assert!(matches!(missing, StatementError::PortfolioNotFound(_)), "{missing}");
    store.close().await;
}

test_on_each_engine!(statement_figures, statement_scenario);
test_on_each_engine!(rule_checks, rule_validation);
