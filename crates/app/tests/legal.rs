//! Customer files and judicial transfers on the UCI card portfolio. The
//! daily run proposes exactly the cases past 120 days whose file is
//! complete, and a manager approves one with a law firm. The packet opens,
//! and the firm's recoveries lower the customer's balance.

mod common;

use std::collections::BTreeSet;
use std::io::Read;

use recobro_app::files::{self, FilesError, Upload};
use recobro_app::import::{import_file, mapping};
use recobro_app::legal::{self, FirmInput, TransferError};
use recobro_app::reports::{AgingGroup, CaseList, aging, case_list};
use recobro_app::run::run_daily;
use recobro_core::customer_file::{FileError, FileGap, FileKind};
use recobro_store::{Store, users};

use common::{count_rows, create_portfolio, data_file, date, open_store};

const PDF: &[u8] = b"%PDF-1.4\n% a scanned document\n";
const PORTFOLIO: &str = "uci-cards";

async fn import_uci(store: &Store) {
    create_portfolio(store, PORTFOLIO, "TWD").await;
    let profile = mapping::built_in("uci-cards").expect("built-in profile uci-cards").expect("valid profile");
    import_file(store, PORTFOLIO, &data_file("uci-default-credit-card-clients-taiwan.csv"), profile).await.expect("the UCI file imports");
}

async fn add_users(store: &Store) {
    let mut conn = store.acquire().await.unwrap();
    for (username, role) in [("ana", "collector"), ("marta", "manager"), ("lucia", "legal")] {
        users::insert_user(&mut conn, username, "not-a-real-hash", role, None).await.unwrap();
    }
}

async fn upload(store: &Store, customer: &str, kind: &str, expires: Option<&str>) {
    let upload = Upload { customer_ref: customer, kind, file_name: &format!("{kind}.pdf"), content: PDF, issued_on: Some(date("2004-01-15")), expires_on: expires.map(date), note: None };
    files::upload(store, PORTFOLIO, &upload, 1_000_000, "marta").await.expect("a valid upload is stored");
}

/// Returns the customer's total balance in the aging report, in cents.
async fn balance_cents(store: &Store, customer: &str, as_of: &str) -> i64 {
    let report = aging(store, PORTFOLIO, date(as_of), AgingGroup::Customer).await.expect("aging by customer");
    let json = report.to_json();
    let line = json["rows"].as_array().expect("aging rows").iter().find(|line| line["key"] == customer).unwrap_or_else(|| panic!("customer {customer} in aging"));
    common::cents(line["total"].as_str().expect("total as text"))
}

async fn transfers(url: String) {
    let store = open_store(&url).await;
    import_uci(&store).await;
    add_users(&store).await;
    let as_of = date("2005-09-30");

    let candidates: Vec<String> = case_list(&store, PORTFOLIO, as_of, CaseList::LegalCandidates).await.unwrap().into_iter().map(|line| line.customer).collect();
    assert_eq!(candidates.len(), 65);
    let complete: BTreeSet<String> = candidates[..3].iter().cloned().collect();
    let contract_only = &candidates[3];
    let expired_note = &candidates[4];
    for customer in &complete {
        upload(&store, customer, "contract", None).await;
        upload(&store, customer, "promissory_note", Some("2006-12-31")).await;
    }
    upload(&store, contract_only, "contract", None).await;
    upload(&store, expired_note, "contract", None).await;
    upload(&store, expired_note, "promissory_note", Some("2005-09-01")).await;

    // The run proposes exactly the candidates whose file is complete.
    let outcome = run_daily(&store, PORTFOLIO, as_of).await.expect("the daily run");
    assert_eq!(outcome.transfers.proposed, 3);
    assert_eq!(outcome.transfers.pending, 3);
    assert_eq!(outcome.transfers.incomplete_files, 62);

    let report = legal::proposal_report(&store, PORTFOLIO, as_of).await.unwrap();
    let proposed: BTreeSet<String> = report.proposed.iter().map(|candidate| candidate.customer.clone()).collect();
    assert_eq!(proposed, complete);
    assert!(report.proposed.iter().all(|candidate| candidate.referral_id.is_some()));
    assert_eq!(report.incomplete.len(), 62);
    let missing_of = |customer: &str| report.incomplete.iter().find(|candidate| candidate.customer == customer).unwrap().missing.clone();
    assert_eq!(missing_of(contract_only), vec![FileGap::Missing { kind: FileKind::PromissoryNote }]);
    assert_eq!(missing_of(expired_note), vec![FileGap::Expired { kind: FileKind::PromissoryNote, expired_on: date("2005-09-01") }]);
    assert_eq!(missing_of(&candidates[10]), vec![FileGap::Missing { kind: FileKind::Contract }, FileGap::Missing { kind: FileKind::PromissoryNote }]);

    // Running the same date again proposes nothing twice.
    let again = run_daily(&store, PORTFOLIO, as_of).await.unwrap();
    assert_eq!(again.transfers.proposed, 0);
    assert_eq!(again.transfers.pending, 3);
    assert_eq!(count_rows(&store, "legal_referral").await, 3);

    let firm = FirmInput { code: "ruiz".into(), name: "Estudio Ruiz".into(), contingency_percent: "15".into(), fixed_fee: Some("500".into()), fee_currency: Some("TWD".into()), capacity: Some(2), active: true, ..FirmInput::default() };
    legal::save_firm(&store, &firm, "marta").await.unwrap();
    legal::save_firm(&store, &FirmInput { code: "closed-firm".into(), name: "Closed".into(), contingency_percent: "10".into(), active: false, ..FirmInput::default() }, "marta").await.unwrap();

    let referral_of = |customer: &str| report.proposed.iter().find(|candidate| candidate.customer == customer).unwrap().referral_id.unwrap();
    let first = complete.iter().next().unwrap().clone();
    let first_id = referral_of(&first);
    let on = date("2005-10-03");

    // Only managers and administrators approve, and only with an active firm.
    let by_collector = legal::approve_transfer(&store, PORTFOLIO, first_id, "ruiz", "ana", on, None).await;
    assert!(matches!(by_collector, Err(TransferError::NotAllowed { .. })), "{by_collector:?}");
    let inactive = legal::approve_transfer(&store, PORTFOLIO, first_id, "closed-firm", "marta", on, None).await;
    assert!(matches!(inactive, Err(TransferError::InactiveFirm(_))), "{inactive:?}");

    // A document removed after the proposal blocks the approval.
    let second = complete.iter().nth(1).unwrap().clone();
    let checklist = files::customer_checklist(&store, PORTFOLIO, &second, on).await.unwrap();
    let note = checklist.files.iter().find(|file| file.kind == "promissory_note").unwrap();
    files::remove(&store, PORTFOLIO, note.id, "marta").await.unwrap();
    let incomplete = legal::approve_transfer(&store, PORTFOLIO, referral_of(&second), "ruiz", "marta", on, None).await;
    assert!(matches!(incomplete, Err(TransferError::IncompleteFile { .. })), "{incomplete:?}");

    let approved = legal::approve_transfer(&store, PORTFOLIO, first_id, "ruiz", "marta", on, Some("file complete")).await.expect("the approval");
    assert_eq!(approved.status, "prepared");
    assert_eq!(approved.law_firm_code.as_deref(), Some("ruiz"));
    let again = legal::approve_transfer(&store, PORTFOLIO, first_id, "ruiz", "marta", on, None).await;
    assert!(matches!(again, Err(TransferError::WrongStatus { .. })), "{again:?}");

    // The packet opens and contains the statement, the history and the file.
    let (name, packet) = legal::referral_packet(&store, PORTFOLIO, first_id).await.unwrap();
    assert_eq!(name, format!("referral-{first_id}-{first}.zip"));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(packet)).expect("the packet is a ZIP archive");
    let names: Vec<String> = archive.file_names().map(|name| name.expect("a readable entry name").into_owned()).collect();
    let folder = format!("referral-{first_id}-{first}");
    for expected in ["README.txt", "statement-2005-10-03.pdf", "open-items.csv", "action-history.csv"] {
        assert!(names.contains(&format!("{folder}/{expected}")), "{expected} missing from {names:?}");
    }
    assert_eq!(names.iter().filter(|name| name.contains("/file/")).count(), 2, "{names:?}");
    let mut statement = Vec::new();
    archive.by_name(&format!("{folder}/statement-2005-10-03.pdf")).unwrap().read_to_end(&mut statement).unwrap();
    assert!(statement.starts_with(b"%PDF"));
    let mut items = String::new();
    archive.by_name(&format!("{folder}/open-items.csv")).unwrap().read_to_string(&mut items).unwrap();
    assert!(items.contains(&format!("account,{first},2005-09-30")), "{items}");

    // The statement in the packet shows the card account's past-due balance.
    let statement = recobro_app::statement::customer_statement(&store, PORTFOLIO, &first, on).await.unwrap();
    assert_eq!(statement.lines.len(), 1);
    assert_eq!(statement.lines[0].kind, "account");
    assert_eq!(statement.lines[0].number, first);
    assert_eq!(statement.lines[0].principal_open_minor, approved.balance_minor);
    assert_eq!(statement.totals[0].total_minor, approved.balance_minor);

    // The referral moves forward only, then its recoveries lower the balance.
    let sent = legal::update_referral(&store, PORTFOLIO, first_id, "sent", date("2005-10-04"), "lucia", None, None).await.unwrap();
    assert_eq!(sent.status, "sent");
    let filed = legal::update_referral(&store, PORTFOLIO, first_id, "filed", date("2005-10-20"), "lucia", Some("demanda presentada"), Some("EXP-123")).await.unwrap();
    assert_eq!(filed.court_reference.as_deref(), Some("EXP-123"));
    let back = legal::update_referral(&store, PORTFOLIO, first_id, "sent", date("2005-10-21"), "lucia", None, None).await;
    assert!(matches!(back, Err(TransferError::Legal(_))), "{back:?}");

    let before = balance_cents(&store, &first, "2005-11-15").await;
    let recovery = legal::record_recovery(&store, PORTFOLIO, first_id, "1000.00", date("2005-11-15"), "lucia").await.unwrap();
    assert_eq!(recovery.amount_minor, 100_000);
    assert_eq!(recovery.fee_minor, 15_000 + 50_000, "15% plus the fixed fee with the first recovery");
    assert_eq!(recovery.referral.status, "recovering");
    assert_eq!(balance_cents(&store, &first, "2005-11-15").await, before - 100_000);
    let later = legal::record_recovery(&store, PORTFOLIO, first_id, "200.00", date("2005-11-20"), "lucia").await.unwrap();
    assert_eq!(later.fee_minor, 3_000, "the fixed fee is charged once");

    let by_firm = legal::referrals_by_firm(&store, PORTFOLIO).await.unwrap();
    assert_eq!(by_firm.len(), 1);
    assert_eq!(by_firm[0].recovered_minor, 120_000);
    assert_eq!(by_firm[0].fees_minor, 68_000);

    // A rejected transfer is not proposed again for 30 days, and a proposal
    // whose file became incomplete is withdrawn by the next run.
    let third = complete.iter().nth(2).unwrap().clone();
    let empty_reason = legal::reject_transfer(&store, PORTFOLIO, referral_of(&third), "marta", on, "  ").await;
    assert!(matches!(empty_reason, Err(TransferError::Invalid(_))), "{empty_reason:?}");
    let rejected = legal::reject_transfer(&store, PORTFOLIO, referral_of(&third), "marta", on, "negotiating a plan").await.unwrap();
    assert_eq!(rejected.status, "rejected");
    let next = run_daily(&store, PORTFOLIO, date("2005-10-05")).await.unwrap();
    assert_eq!(next.transfers.proposed, 0);
    assert_eq!(next.transfers.recently_rejected, 1);
    assert_eq!(next.transfers.withdrawn, 1, "the proposal of {second} lost its promissory note");
    let report = legal::proposal_report(&store, PORTFOLIO, date("2005-10-05")).await.unwrap();
    assert_eq!(report.rejected.iter().map(|candidate| candidate.customer.clone()).collect::<Vec<_>>(), vec![third.clone()]);
    assert!(report.proposed.is_empty());
    assert_eq!(report.with_firm.len(), 1);

    // A customer with a firm gets no new collection tasks from later runs.
    let tasks_before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM task t JOIN customer c ON c.id = t.customer_id WHERE c.external_ref = $1")
        .bind(&first)
        .fetch_one(store.pool())
        .await
        .unwrap();
    run_daily(&store, PORTFOLIO, date("2005-12-31")).await.unwrap();
    let tasks_after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM task t JOIN customer c ON c.id = t.customer_id WHERE c.external_ref = $1")
        .bind(&first)
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(tasks_after, tasks_before);

    store.close().await;
}

test_on_each_engine!(uci_transfers, transfers);

async fn rejected_uploads(url: String) {
    let store = open_store(&url).await;
    import_uci(&store).await;
    add_users(&store).await;
    let files_before = count_rows(&store, "customer_file").await;
    let blobs_before = count_rows(&store, "stored_blob").await;

    let attempt = |name: &'static str, content: &'static [u8], max_bytes: u64| {
        let store = store.clone();
        async move {
            let upload = Upload { customer_ref: "1", kind: "contract", file_name: name, content, issued_on: None, expires_on: None, note: None };
            files::upload(&store, PORTFOLIO, &upload, max_bytes, "marta").await
        }
    };

    let too_large = attempt("contract.pdf", PDF, 10).await;
    assert!(matches!(too_large, Err(FilesError::Invalid(FileError::TooLarge { size, limit: 10, .. })) if size == PDF.len() as u64), "{too_large:?}");
    let disallowed = attempt("setup.exe", b"MZ\x90\x00", 1_000).await;
    assert!(matches!(disallowed, Err(FilesError::Invalid(FileError::DisallowedType { .. }))), "{disallowed:?}");
    let traversal = attempt("../../etc/contract.pdf", PDF, 1_000).await;
    assert!(matches!(traversal, Err(FilesError::Invalid(FileError::UnsafeName { .. }))), "{traversal:?}");
    let disguised = attempt("contract.pdf", b"MZ\x90\x00 not a PDF", 1_000).await;
    assert!(matches!(disguised, Err(FilesError::Invalid(FileError::ContentMismatch { .. }))), "{disguised:?}");
    let unknown_customer = files::upload(&store, PORTFOLIO, &Upload { customer_ref: "no-such", kind: "contract", file_name: "c.pdf", content: PDF, issued_on: None, expires_on: None, note: None }, 1_000, "marta").await;
    assert!(matches!(unknown_customer, Err(FilesError::UnknownCustomer(_))), "{unknown_customer:?}");
    let viewer = files::upload(&store, PORTFOLIO, &Upload { customer_ref: "1", kind: "contract", file_name: "c.pdf", content: PDF, issued_on: None, expires_on: None, note: None }, 1_000, "nobody").await;
    assert!(matches!(viewer, Err(FilesError::UnknownUser(_))), "{viewer:?}");
    let other_collector = files::upload(&store, PORTFOLIO, &Upload { customer_ref: "1", kind: "contract", file_name: "c.pdf", content: PDF, issued_on: None, expires_on: None, note: None }, 1_000, "ana").await;
    assert!(matches!(other_collector, Err(FilesError::NotAllowed { .. })), "an unassigned customer is not ana's: {other_collector:?}");

    assert_eq!(traversal.unwrap_err().to_string(), "the file name \"../../etc/contract.pdf\" is not allowed: it must be a plain name, without folders, a leading dot or control characters");
    assert_eq!(count_rows(&store, "customer_file").await, files_before, "a rejected upload stores no record");
    assert_eq!(count_rows(&store, "stored_blob").await, blobs_before, "a rejected upload stores no content");

    store.close().await;
}

test_on_each_engine!(upload_guards, rejected_uploads);
