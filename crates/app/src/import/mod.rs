//! Import of customers, documents, payments, allocations, disputes,
//! collection actions and portfolio snapshots from CSV or XLSX files.
//!
//! An import is all or nothing: the whole file is read and checked first,
//! then written in one transaction. Re-importing the same file changes
//! nothing, because every record has a natural key (customer reference,
//! document kind and number, payment reference, account and snapshot date,
//! action reference or content digest).

pub mod error;
pub mod mapping;
mod parse;
mod plan;
mod records;
mod source;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};
use recobro_store::ledger::{self, ActionData, AllocationSource, DocumentData, ImportBatch, PaymentData, SnapshotAccountData, StoredAllocation};
use recobro_store::{Store, portfolio};
use sha2::{Digest, Sha256};

pub use error::{ImportError, RowError, RowErrorCode};
pub use mapping::{Profile, RecordKind};
pub use plan::Counts;

use parse::RowParser;
use plan::{SourceIndex, StoredLedger, WritePlan};
use records::FileRecords;
use source::Source;

/// The rows an import read and the records it wrote.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportSummary {
    pub file: String,
    pub profile: String,
    pub rows: u64,
    pub counts: BTreeMap<&'static str, Counts>,
    /// False when the file held nothing new: then nothing was written.
    pub changed: bool,
}

/// Imports `path` into the portfolio `portfolio_code` with `profile`.
pub async fn import_file(store: &Store, portfolio_code: &str, path: &Path, profile: Profile) -> Result<ImportSummary, ImportError> {
    let file_name = path.file_name().map_or_else(|| path.display().to_string(), |name| name.to_string_lossy().into_owned());
    let mut conn = store.acquire().await?;
    let portfolio = portfolio::find(&mut conn, portfolio_code).await?.ok_or_else(|| ImportError::UnknownPortfolio(portfolio_code.to_string()))?;

    let started = std::time::Instant::now();
    let file_sha256 = file_digest(path)?;
    let profile_name = profile.name.clone();
    let unallocated = profile.unallocated_payments;
    let (records, rows, columns) = read_records(path, &file_name, profile, portfolio.currency)?;
    let read_ms = started.elapsed().as_millis();

    let stored = StoredLedger {
        customers: ledger::load_customers(&mut conn, portfolio.id).await?,
        documents: ledger::load_documents(&mut conn, portfolio.id).await?,
        payments: ledger::load_payments(&mut conn, portfolio.id).await?,
        allocations: ledger::load_allocations(&mut conn, portfolio.id).await?,
        snapshots: ledger::load_snapshot_accounts(&mut conn, portfolio.id).await?,
    };
    drop(conn);
    let loaded_ms = started.elapsed().as_millis();
    let mut plan = plan::plan_import(&file_name, &columns, &records, stored, unallocated).map_err(|errors| ImportError::Rejected { errors: errors.errors, more: errors.more })?;

    let planned_ms = started.elapsed().as_millis();

    let batch = ImportBatch { file_name: &file_name, file_sha256: &file_sha256, mapping: &profile_name };
    let changed = write_plan(store, portfolio.id, &batch, &records, &mut plan, rows).await?;
    let written_ms = started.elapsed().as_millis();
    tracing::info!(portfolio = portfolio_code, file = %file_name, rows, changed, read_ms, loaded_ms, planned_ms, written_ms, "import finished");

    Ok(ImportSummary { file: file_name, profile: profile_name, rows, counts: plan.counts, changed })
}

fn file_digest(path: &Path) -> Result<String, ImportError> {
    let mut file = std::fs::File::open(path).map_err(|source| ImportError::Io { path: path.display().to_string(), source })?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).map_err(|source| ImportError::Io { path: path.display().to_string(), source })?;
    Ok(hex::encode(hasher.finalize()))
}

/// Reads and parses every row. Returns the records, the number of rows and
/// where each field was read from.
fn read_records(path: &Path, file_name: &str, profile: Profile, portfolio_currency: recobro_core::Currency) -> Result<(FileRecords, u64, parse::ColumnMap), ImportError> {
    let source_error = |source| ImportError::Source { file: file_name.to_string(), source };
    let (mut source, headers) = Source::open(path, profile.delimiter, profile.sheet.as_deref()).map_err(source_error)?;
    let parser = RowParser::bind(file_name, profile, &headers).map_err(|errors| ImportError::Rejected { errors: errors.errors, more: errors.more })?;

    let progress = progress_bar(path);
    let mut records = FileRecords::default();
    let mut errors = error::ErrorList::default();
    let mut fields = Vec::new();
    let mut rows = 0u64;
    while let Some(line) = source.next_row(&mut fields).map_err(source_error)? {
        rows += 1;
        if rows % 4096 == 0 {
            progress.set_position(source.bytes_read());
        }
        if fields.iter().all(|field| field.trim().is_empty()) {
            continue;
        }
        for record in parser.records(&fields, line) {
            if let Err(error) = records.add(&record, portfolio_currency) {
                errors.push(error);
            }
        }
    }
    progress.finish_and_clear();

    errors.into_result()?;
    Ok((records, rows, parser.columns()))
}

/// Builds a progress bar over the bytes of the file, drawn only on a terminal and
/// for files large enough to take a while.
fn progress_bar(path: &Path) -> ProgressBar {
    const SHOW_FROM_BYTES: u64 = 4 * 1024 * 1024;
    let size = std::fs::metadata(path).map_or(0, |metadata| metadata.len());
    if size < SHOW_FROM_BYTES {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(size);
    let style = ProgressStyle::with_template("{msg} [{bar:40}] {bytes}/{total_bytes} ({eta})").expect("valid progress template");
    bar.set_style(style.progress_chars("=> "));
    bar.set_message("reading");
    bar
}

/// An import that creates or updates this many records refreshes the
/// database's planner statistics before it commits.
const STATISTICS_AFTER_RECORDS: i64 = 10_000;

/// Writes the plan in one transaction. Returns false, writing nothing, when
/// the file held nothing new.
async fn write_plan(store: &Store, portfolio_id: i64, batch: &ImportBatch<'_>, records: &FileRecords, plan: &mut WritePlan, rows: u64) -> Result<bool, ImportError> {
    let mut tx = store.begin().await?;
    let batch_id = ledger::insert_import_batch(&mut tx, portfolio_id, batch).await?;

    ledger::insert_customers(&mut tx, portfolio_id, &plan.new_customers).await?;
    for (id, customer) in &plan.changed_customers {
        ledger::update_customer(&mut tx, *id, customer).await?;
    }
    let customer_ids: HashMap<String, i64> = if records.refers_to_customers() { ledger::customer_ids(&mut tx, portfolio_id).await? } else { HashMap::new() };
    // The stored id of each customer key of the plan.
    let customer_id_of: Vec<i64> = plan.customers.keys().map(|reference| customer_ids.get(&**reference).copied().unwrap_or_default()).collect();

    let new_documents: Vec<DocumentData> = plan
        .documents
        .iter()
        .enumerate()
        .filter(|(_, document)| document.stored_id.is_none())
        .map(|(index, document)| DocumentData {
            customer_id: customer_id_of[document.customer as usize],
            kind: document.kind.as_str().to_string(),
            number: plan.document_name(index).number.to_string(),
            issue_date: document.issue_date,
            due_date: document.due_date,
            amount_minor: document.amount_minor,
            currency: document.currency,
        })
        .collect();
    let mut new_document_ids = ledger::insert_documents(&mut tx, portfolio_id, batch_id, &new_documents).await?.into_iter();
    drop(new_documents);
    let document_ids: Vec<i64> =
        plan.documents.iter().map(|document| document.stored_id.or_else(|| new_document_ids.next()).expect("one id per new document")).collect();
    stall_for_tests("import");

    // New payments are stored with the unapplied amount the plan left them.
    let new_payments: Vec<(PaymentData, i64)> = plan
        .payments
        .iter()
        .enumerate()
        .filter(|(_, payment)| payment.stored_id.is_none())
        .map(|(index, payment)| {
            let data = PaymentData {
                customer_id: customer_id_of[payment.customer as usize],
                external_ref: plan.payment_ref(index).to_string(),
                paid_on: payment.paid_on,
                amount_minor: payment.amount_minor,
                currency: payment.currency,
            };
            (data, payment.unapplied_minor)
        })
        .collect();
    let mut new_payment_ids = ledger::insert_payments(&mut tx, portfolio_id, batch_id, &new_payments).await?.into_iter();
    drop(new_payments);
    let payment_ids: Vec<i64> =
        plan.payments.iter().map(|payment| payment.stored_id.or_else(|| new_payment_ids.next()).expect("one id per new payment")).collect();

    let allocations: Vec<StoredAllocation> = plan
        .allocations
        .iter()
        .map(|allocation| {
            let source = match allocation.source {
                SourceIndex::Payment(index) => AllocationSource::Payment(payment_ids[index]),
                SourceIndex::CreditNote(index) => AllocationSource::CreditNote(document_ids[index]),
            };
            StoredAllocation { source, document_id: document_ids[allocation.document], allocated_on: allocation.allocated_on, amount_minor: allocation.amount_minor }
        })
        .collect();
    ledger::insert_allocations(&mut tx, portfolio_id, &allocations).await?;
    drop(allocations);
    let balances: Vec<(i64, i64, Option<chrono::NaiveDate>)> = plan
        .documents
        .iter()
        .enumerate()
        .filter(|(_, document)| document.balance_changed)
        .map(|(index, document)| {
            let settled_on = if document.open_minor == 0 { document.last_allocation_on } else { None };
            (document_ids[index], document.open_minor, settled_on)
        })
        .collect();
    ledger::update_document_balances(&mut tx, &balances).await?;
    let unapplied: Vec<(i64, i64)> = plan
        .payments
        .iter()
        .enumerate()
        .filter(|(_, payment)| payment.balance_changed && payment.stored_id.is_some())
        .map(|(index, payment)| (payment_ids[index], payment.unapplied_minor))
        .collect();
    ledger::update_payments_unapplied(&mut tx, &unapplied).await?;

    for dispute in &records.disputes {
        let index = plan.document_position(&dispute.document).expect("the plan checked every disputed document");
        let created = ledger::insert_dispute(&mut tx, portfolio_id, document_ids[index], dispute.opened_on, &dispute.reason).await?;
        count_insert(plan, "disputes", created);
    }
    for action in &records.actions {
        let data = ActionData {
            customer_id: customer_ids[&action.customer_ref],
            action_key: action.action_key.clone(),
            action_on: action.action_on,
            kind: action.kind.clone(),
            outcome: action.outcome.clone(),
            collector: action.collector.clone(),
            notes: action.notes.clone(),
            next_action_kind: action.next_action_kind.clone(),
            next_action_on: action.next_action_on,
            promise_amount_minor: action.promise_amount_minor,
            promise_currency: action.promise_currency,
            promise_on: action.promise_on,
            source: "import",
        };
        let created = ledger::insert_action(&mut tx, portfolio_id, &data).await?;
        count_insert(plan, "actions", created);
    }
    for snapshot in &plan.snapshots {
        let data = SnapshotAccountData {
            customer_id: customer_ids[&snapshot.customer_ref],
            account_ref: snapshot.account_ref.clone(),
            snapshot_date: snapshot.snapshot_date,
            balance_minor: snapshot.balance_minor,
            days_past_due: snapshot.days_past_due,
            credit_limit_minor: snapshot.credit_limit_minor,
            currency: snapshot.currency,
        };
        ledger::insert_snapshot_account(&mut tx, portfolio_id, batch_id, &data).await?;
    }

    if !plan.changes_anything() {
        tx.rollback().await.map_err(recobro_store::StoreError::from)?;
        return Ok(false);
    }
    let total = |pick: fn(&Counts) -> u64| plan.counts.values().map(pick).sum::<u64>() as i64;
    if total(|c| c.created) + total(|c| c.updated) >= STATISTICS_AFTER_RECORDS {
        ledger::refresh_statistics(&mut tx).await?;
    }
    ledger::finish_import_batch(&mut tx, batch_id, rows as i64, total(|c| c.created), total(|c| c.updated), total(|c| c.unchanged)).await?;
    tx.commit().await.map_err(recobro_store::StoreError::from)?;
    Ok(true)
}

fn count_insert(plan: &mut WritePlan, kind: &'static str, created: bool) {
    let counts = plan.counts.entry(kind).or_default();
    if created {
        counts.created += 1;
    } else {
        counts.unchanged += 1;
    }
}

/// Test hook: when `RECOBRO_TEST_STALL` names this step, print a marker and
/// wait inside the open transaction, so that a test can kill the process
/// part-way and check that nothing was written, or start a second process
/// meanwhile. The wait is `RECOBRO_TEST_STALL_SECONDS`, 300 by default.
pub(crate) fn stall_for_tests(step: &str) {
    if std::env::var("RECOBRO_TEST_STALL").is_ok_and(|value| value == step) {
        let seconds = std::env::var("RECOBRO_TEST_STALL_SECONDS").ok().and_then(|text| text.parse().ok()).unwrap_or(300);
        eprintln!("RECOBRO_TEST_STALL reached: {step}");
        std::thread::sleep(std::time::Duration::from_secs(seconds));
    }
}
