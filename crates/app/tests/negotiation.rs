//! Payment plans, refinancing, settlement offers and write-offs through the
//! store and the daily run, on each engine.

mod common;

use std::path::Path;

use common::{create_portfolio, date, open_store};
use recobro_app::import::{Profile, RecordKind, import_file};
use recobro_app::negotiation::limits::{ApprovalLimits, portfolio_limits, set_limits};
use recobro_app::negotiation::plans::{PlanRequest, decide_plan, propose_plan};
use recobro_app::negotiation::settlements::{OfferRequest, WaiverAmount, cancel_offer, decide_offer, make_offer};
use recobro_app::negotiation::write_offs::{decide_write_off, request_write_off};
use recobro_app::negotiation::{NegotiationError, Negotiator};
use recobro_app::run::run_daily;
use recobro_core::plan::{Frequency, InterestMethod};
use recobro_core::settlement::ApproverRole;
use recobro_store::{Store, negotiation, users};
use rust_decimal::Decimal;
use sqlx::Row;

async fn import(store: &Store, folder: &Path, kind: RecordKind, name: &str, text: &str) {
    let path = folder.join(name);
    std::fs::write(&path, text).unwrap();
    import_file(store, "p", &path, Profile::canonical(kind)).await.unwrap();
}

/// A portfolio with users of each negotiating role and three customers:
/// PLAN owes 1,200.00 in two invoices, OFFER owes 1,000.00, GONE 300.00.
async fn seed(url: &str) -> (Store, tempfile::TempDir) {
    let store = open_store(url).await;
    create_portfolio(&store, "p", "EUR").await;
    let mut conn = store.acquire().await.unwrap();
    for (username, role) in [("ana", "collector"), ("gerente", "manager"), ("admin", "admin"), ("consulta", "viewer")] {
        users::insert_user(&mut conn, username, "not-a-real-hash", role, None).await.unwrap();
    }
    drop(conn);

    let folder = tempfile::tempdir().unwrap();
    import(&store, folder.path(), RecordKind::Customer, "customers.csv", "ref,name,collector,email\nPLAN,Plan SA,ana,plan@example.com\nOFFER,Offer SA,ana,\nGONE,Gone SA,ana,\n").await;
    import(
        &store,
        folder.path(),
        RecordKind::Document,
        "documents.csv",
        "number,customer,issue_date,due_date,amount\nP-1,PLAN,2024-01-01,2024-01-31,700.00\nP-2,PLAN,2024-02-01,2024-02-29,500.00\nO-1,OFFER,2024-01-01,2024-01-31,1000.00\nG-1,GONE,2023-01-01,2023-01-31,300.00\n",
    )
    .await;
    run_daily(&store, "p", date("2024-04-01")).await.unwrap();
    (store, folder)
}

fn negotiator(username: &str, role: &str) -> Negotiator {
    Negotiator::from_user_role(username, role).unwrap()
}

fn plan_request(installments: u32, down_payment: Option<&str>, refinancing: bool) -> PlanRequest {
    PlanRequest {
        portfolio: "p".into(),
        customer_ref: "PLAN".into(),
        installments,
        frequency: Frequency::Monthly,
        first_due: date("2024-05-01"),
        down_payment: down_payment.map(|text| text.parse().unwrap()),
        rate: None,
        interest_method: InterestMethod::French,
        grace_days: 5,
        agreed_on: date("2024-04-02"),
        refinancing,
    }
}

async fn scalar(store: &Store, sql: &str) -> i64 {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(store.pool()).await.unwrap().try_get::<i64, _>(0).unwrap()
}

async fn pay(store: &Store, folder: &Path, name: &str, reference: &str, customer: &str, on: &str, amount: &str) {
    import(store, folder, RecordKind::Payment, name, &format!("ref,customer,paid_on,amount\n{reference},{customer},{on},{amount}\n")).await;
}

/// A collector's 12-installment plan exceeds their limits and waits for a
/// manager; once approved the policy leaves the case alone, no reminder
/// email is pending, and the plan breaks on due + grace + 1 when the second
/// installment is missed.
async fn plan_breaks_on_the_right_day(url: String) {
    let (store, folder) = seed(&url).await;
    let mut conn = store.acquire().await.unwrap();

    let proposal = propose_plan(&mut conn, &plan_request(12, None, false), &negotiator("ana", "collector"), true).await.unwrap();
    assert_eq!(proposal.plan.status, "proposed", "12 installments exceed a collector's limits");
    assert_eq!(proposal.plan.total_minor, 120_000);
    assert_eq!(proposal.schedule.installments.iter().map(|i| i.amount_minor).sum::<i64>(), 120_000, "installments add up to the total");
    let plan_id = proposal.plan.id;

    let again = propose_plan(&mut conn, &plan_request(3, None, false), &negotiator("ana", "collector"), true).await.unwrap_err();
    assert!(again.to_string().contains("already has plan"), "{again}");

    let denied = decide_plan(&mut conn, "p", plan_id, &negotiator("ana", "collector"), true, date("2024-04-02"), None).await.unwrap_err();
    assert!(matches!(denied, NegotiationError::BeyondAuthority { .. }), "{denied}");
    let approved = decide_plan(&mut conn, "p", plan_id, &negotiator("gerente", "manager"), true, date("2024-04-02"), None).await.unwrap();
    assert_eq!(approved.status, "active");
    drop(conn);
    assert_eq!(scalar(&store, "SELECT COUNT(*) FROM task t JOIN customer c ON c.id = t.customer_id WHERE c.external_ref = 'PLAN' AND t.status = 'open'").await, 0, "approval cancels the case's open tasks");

    // The first installment of 100.00 is paid on time; the second, due
    // 2024-06-01, is not.
    pay(&store, folder.path(), "pay1.csv", "PAY-1", "PLAN", "2024-05-01", "100.00").await;
    run_daily(&store, "p", date("2024-05-02")).await.unwrap();
    assert_eq!(scalar(&store, "SELECT COUNT(*) FROM task t JOIN customer c ON c.id = t.customer_id WHERE c.external_ref = 'PLAN' AND t.status = 'open'").await, 0, "no tasks while the plan is kept");
    assert_eq!(scalar(&store, "SELECT paid_minor FROM plan_installment WHERE number = 1").await, 10_000);

    run_daily(&store, "p", date("2024-06-06")).await.unwrap();
    let mut conn = store.acquire().await.unwrap();
    let plan = negotiation::find_plan(&mut conn, 1, plan_id).await.unwrap().unwrap();
    assert_eq!(plan.status, "active", "due 06-01 plus 5 grace days: still kept on 06-06");

    let outcome = run_daily(&store, "p", date("2024-06-09")).await.unwrap();
    assert_eq!(outcome.plans_broken, 1);
    let plan = negotiation::find_plan(&mut conn, 1, plan_id).await.unwrap().unwrap();
    assert_eq!(plan.status, "broken");
    assert_eq!(plan.broken_on, Some(date("2024-06-07")), "broken the day after the last day of grace, even when the run comes later");
    assert_eq!(plan.broken_installment, Some(2));
    drop(conn);
    assert!(scalar(&store, "SELECT COUNT(*) FROM task t JOIN customer c ON c.id = t.customer_id WHERE c.external_ref = 'PLAN' AND t.status = 'open'").await > 0, "the case re-enters the policy");
}
test_on_each_engine!(plan_breaking, plan_breaks_on_the_right_day);

/// A refinancing closes the covered invoices with a credit note and opens
/// one debit note per installment, keeping the link from old to new.
async fn refinancing_keeps_the_trail(url: String) {
    let (store, _folder) = seed(&url).await;
    let mut conn = store.acquire().await.unwrap();

    let proposal = propose_plan(&mut conn, &plan_request(3, Some("300.00"), true), &negotiator("gerente", "manager"), true).await.unwrap();
    assert_eq!(proposal.plan.status, "active", "within a manager's limits it takes effect at once");
    drop(conn);

    assert_eq!(scalar(&store, "SELECT COUNT(*) FROM document WHERE number IN ('P-1', 'P-2') AND open_minor = 0").await, 2, "the old invoices are closed");
    assert_eq!(scalar(&store, "SELECT COUNT(*) FROM plan_document").await, 2, "the plan names the documents it replaced");
    assert_eq!(scalar(&store, "SELECT COUNT(*) FROM allocation a JOIN document n ON n.id = a.credit_note_id WHERE n.number = 'RECOBRO-REFINANCED-1'").await, 2);
    assert_eq!(scalar(&store, "SELECT COUNT(*) FROM plan_installment WHERE document_id IS NOT NULL").await, 4, "down payment and three installments");
    assert_eq!(scalar(&store, "SELECT CAST(SUM(open_minor) AS BIGINT) FROM document WHERE kind = 'debit_note' AND number LIKE 'RECOBRO-PLAN-1-%'").await, 120_000, "the new documents owe the same total");

    let outcome = run_daily(&store, "p", date("2024-04-03")).await.unwrap();
    let balance: i64 = outcome.totals.iter().map(|total| total.balance_minor).sum();
    assert_eq!(balance, 120_000 + 100_000 + 30_000, "the portfolio balance is unchanged by refinancing");
}
test_on_each_engine!(refinancing, refinancing_keeps_the_trail);

fn offer_request(waive: &str, discount: &str, pay_by: &str) -> OfferRequest {
    OfferRequest {
        portfolio: "p".into(),
        customer_ref: "OFFER".into(),
        interest_owed: "80.00".parse().unwrap(),
        fees_owed: Decimal::ZERO,
        interest_waiver: WaiverAmount::parse(waive).unwrap(),
        principal_discount: discount.parse().unwrap(),
        offered_on: date("2024-04-02"),
        pay_by: date(pay_by),
    }
}

/// An offer waiving all interest and 5% of principal is beyond a
/// collector; a manager approves it; paid in time it records the waiver,
/// discounts the principal and closes the case.
async fn paid_offer_waives_and_closes(url: String) {
    let (store, folder) = seed(&url).await;
    let mut conn = store.acquire().await.unwrap();

    let offer = make_offer(&mut conn, &offer_request("100%", "50.00", "2024-04-30"), &negotiator("ana", "collector")).await.unwrap();
    assert_eq!(offer.status, "pending_approval");
    assert_eq!(offer.required_role, "manager");
    assert_eq!(offer.lump_sum_minor, 95_000, "1,000.00 + 80.00 interest - 80.00 waived - 50.00 discount");

    let denied = decide_offer(&mut conn, "p", offer.id, &negotiator("ana", "collector"), true, date("2024-04-03"), None).await.unwrap_err();
    assert!(matches!(denied, NegotiationError::BeyondAuthority { .. }), "an offer over the approver's limit cannot be approved by them: {denied}");
    let no_reason = decide_offer(&mut conn, "p", offer.id, &negotiator("gerente", "manager"), false, date("2024-04-03"), None).await.unwrap_err();
    assert!(no_reason.to_string().contains("needs a reason"));
    decide_offer(&mut conn, "p", offer.id, &negotiator("gerente", "manager"), true, date("2024-04-03"), None).await.unwrap();
    drop(conn);

    pay(&store, folder.path(), "pay.csv", "PAY-O", "OFFER", "2024-04-20", "950.00").await;
    let outcome = run_daily(&store, "p", date("2024-04-21")).await.unwrap();
    assert_eq!(outcome.offers_paid, 1);
    assert_eq!(scalar(&store, "SELECT amount_minor FROM interest_waiver").await, 8_000);
    assert_eq!(scalar(&store, "SELECT open_minor FROM document WHERE number = 'O-1'").await, 0, "payment and discount close the invoice");
    assert_eq!(scalar(&store, "SELECT COUNT(*) FROM collection_case k JOIN customer c ON c.id = k.customer_id WHERE c.external_ref = 'OFFER' AND k.status = 'open'").await, 0, "the case closes");
    assert_eq!(scalar(&store, "SELECT COUNT(*) FROM audit_event WHERE action IN ('settlement.offered', 'settlement.approved', 'settlement.paid')").await, 3);
}
test_on_each_engine!(settlement_paid, paid_offer_waives_and_closes);

/// An offer within the collector's authority is approved at once; unpaid by
/// its date it expires and waives nothing.
async fn expired_offer_waives_nothing(url: String) {
    let (store, folder) = seed(&url).await;
    let mut conn = store.acquire().await.unwrap();
    let offer = make_offer(&mut conn, &offer_request("40%", "0", "2024-04-10"), &negotiator("ana", "collector")).await.unwrap();
    assert_eq!(offer.status, "approved", "40% of the interest is within a collector's authority");
    assert_eq!(offer.interest_waiver_minor, 3_200);
    drop(conn);

    pay(&store, folder.path(), "late.csv", "PAY-L", "OFFER", "2024-04-11", "1048.00").await;
    let outcome = run_daily(&store, "p", date("2024-04-12")).await.unwrap();
    assert_eq!(outcome.offers_expired, 1, "a payment after the pay-by date does not settle the offer");
    assert_eq!(scalar(&store, "SELECT COUNT(*) FROM interest_waiver").await, 0, "an expired offer waives nothing");
}
test_on_each_engine!(settlement_expired, expired_offer_waives_nothing);

/// A customer has one offer in force at a time, so a second offer is
/// rejected with the first one's number. Its proposer or a manager may
/// cancel the first with a reason, and then a new offer can be made.
async fn one_offer_in_force_at_a_time(url: String) {
    let (store, _folder) = seed(&url).await;
    let mut conn = store.acquire().await.unwrap();
    let first = make_offer(&mut conn, &offer_request("40%", "0", "2024-04-10"), &negotiator("ana", "collector")).await.unwrap();

    let second = make_offer(&mut conn, &offer_request("10%", "0", "2024-04-20"), &negotiator("gerente", "manager")).await.unwrap_err();
    assert!(matches!(second, NegotiationError::OpenOfferExists { id, .. } if id == first.id), "{second}");
    assert!(second.to_string().contains(&format!("settlement offer {}", first.id)), "{second}");

    let other_collector = cancel_offer(&mut conn, "p", first.id, &negotiator("luis", "collector"), date("2024-04-03"), "wrong terms").await.unwrap_err();
    assert!(matches!(other_collector, NegotiationError::NotProposer { .. }), "{other_collector}");
    assert!(other_collector.to_string().contains("proposed by \"ana\""), "{other_collector}");
    let no_reason = cancel_offer(&mut conn, "p", first.id, &negotiator("ana", "collector"), date("2024-04-03"), " ").await.unwrap_err();
    assert!(no_reason.to_string().contains("needs a reason"), "{no_reason}");

    let cancelled = cancel_offer(&mut conn, "p", first.id, &negotiator("ana", "collector"), date("2024-04-03"), "customer declined").await.unwrap();
    assert_eq!(cancelled.status, "cancelled");
    assert_eq!(cancelled.decided_by.as_deref(), Some("ana"), "approved at once by its proposer, who stays on record");
    assert_eq!(cancelled.decision_reason.as_deref(), Some("customer declined"));
    let again = cancel_offer(&mut conn, "p", first.id, &negotiator("gerente", "manager"), date("2024-04-03"), "twice").await.unwrap_err();
    assert!(matches!(again, NegotiationError::WrongStatus { .. }), "{again}");

    let replacement = make_offer(&mut conn, &offer_request("10%", "0", "2024-04-20"), &negotiator("gerente", "manager")).await.unwrap();
    assert_eq!(replacement.status, "approved");
    assert_eq!(scalar(&store, "SELECT COUNT(*) FROM audit_event WHERE action = 'settlement.cancelled'").await, 1);
}
test_on_each_engine!(settlement_one_in_force, one_offer_in_force_at_a_time);

/// A portfolio's own approval limits replace the defaults: with a
/// collector's waiver lowered to 20%, the 40% offer that the defaults
/// approve at once waits for a manager, and so does a plan beyond a
/// collector's lowered installment count.
async fn lowered_collector_limit_needs_approval(url: String) {
    let (store, _folder) = seed(&url).await;
    let mut conn = store.acquire().await.unwrap();
    let text = "[collector]\nmax_interest_waiver_percent = 20\nmax_installments = 2\n";
    let limits = ApprovalLimits::parse_toml("limits.toml", text).unwrap();
    set_limits(&mut conn, "p", &limits, "cli").await.unwrap();
    let (stored, own) = portfolio_limits(&mut conn, "p").await.unwrap();
    assert!(own, "the portfolio has its own limits");
    assert_eq!(stored, limits);

    let offer = make_offer(&mut conn, &offer_request("40%", "0", "2024-04-10"), &negotiator("ana", "collector")).await.unwrap();
    assert_eq!(offer.status, "pending_approval", "40% is beyond the lowered 20%");
    assert_eq!(offer.required_role, "manager");
    let denied = decide_offer(&mut conn, "p", offer.id, &negotiator("ana", "collector"), true, date("2024-04-03"), None).await.unwrap_err();
    assert!(matches!(denied, NegotiationError::BeyondAuthority { .. }), "{denied}");
    decide_offer(&mut conn, "p", offer.id, &negotiator("gerente", "manager"), true, date("2024-04-03"), None).await.unwrap();

    let plan = propose_plan(&mut conn, &plan_request(3, Some("120.00"), false), &negotiator("ana", "collector"), true).await.unwrap();
    assert_eq!(plan.plan.status, "proposed", "3 installments are beyond the lowered 2");
    assert_eq!(plan.required_role, ApproverRole::Manager);
    let audited = scalar(&store, "SELECT COUNT(*) FROM audit_event WHERE action = 'approval_limits.set' AND detail LIKE 'collector: 2 installments%'").await;
    assert_eq!(audited, 1, "the change is in the audit trail");
}
test_on_each_engine!(approval_limits_per_portfolio, lowered_collector_limit_needs_approval);

/// A write-off needs a manager, leaves the aging totals, and reports the
/// money recovered afterwards.
async fn write_off_leaves_aging(url: String) {
    let (store, folder) = seed(&url).await;
    let mut conn = store.acquire().await.unwrap();
    let record = request_write_off(&mut conn, "p", "GONE", "300.00".parse().unwrap(), "Company dissolved", &negotiator("ana", "collector"), date("2024-04-02")).await.unwrap();
    let too_much = request_write_off(&mut conn, "p", "GONE", "300.01".parse().unwrap(), "typo", &negotiator("ana", "collector"), date("2024-04-02")).await.unwrap_err();
    assert!(matches!(too_much, NegotiationError::Invalid(_)), "{too_much}");

    let denied = decide_write_off(&mut conn, "p", record.id, &negotiator("ana", "collector"), true, date("2024-04-02"), None).await.unwrap_err();
    assert!(matches!(denied, NegotiationError::BeyondAuthority { .. }));
    decide_write_off(&mut conn, "p", record.id, &negotiator("gerente", "manager"), true, date("2024-04-02"), Some("uncollectable")).await.unwrap();
    drop(conn);

    let outcome = run_daily(&store, "p", date("2024-04-03")).await.unwrap();
    let balance: i64 = outcome.totals.iter().map(|total| total.balance_minor).sum();
    assert_eq!(balance, 120_000 + 100_000, "the written-off 300.00 left the totals");

    pay(&store, folder.path(), "recovered.csv", "PAY-G", "GONE", "2024-05-01", "120.00").await;
    let mut conn = store.acquire().await.unwrap();
    let listed = negotiation::list_write_offs(&mut conn, 1, None).await.unwrap();
    assert_eq!(listed[0].recovered_minor, 12_000);
}
test_on_each_engine!(write_off, write_off_leaves_aging);
