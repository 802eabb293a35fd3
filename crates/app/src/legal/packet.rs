//! The case packet a law firm receives with a transfer, as one ZIP archive.
//! It contains the statement of account as PDF, the open items and the full
//! action history as CSV, the documents of the customer's file, the letters
//! sent, and a summary of the referral.

use std::io::{Cursor, Write};

use chrono::{Datelike, NaiveDate};
use recobro_core::money::format_minor;
use recobro_store::legal::{LawFirm, Referral};
use recobro_store::portfolio::Portfolio;
use recobro_store::{Conn, browse, files, letters};
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::TransferError;
use crate::printing;

/// A built packet: the archive and its checksum.
pub struct Packet {
    pub content: Vec<u8>,
    pub sha256: String,
}

/// Returns the archive's file name, such as `referral-12-C-0042.zip`.
pub fn file_name(referral: &Referral) -> String {
    format!("referral-{}-{}.zip", referral.id, safe_part(&referral.customer_ref))
}

/// Keeps letters, digits, `-`, `_` and `.` of a name part, so that no
/// entry of the archive can point outside its folder.
fn safe_part(text: &str) -> String {
    let cleaned: String = text.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' }).collect();
    cleaned.trim_start_matches('.').to_string()
}

/// Builds the packet of `referral` for `firm`, as approved by `by` on
/// `on`. Every entry carries the approval date, so the same inputs give
/// the same archive.
pub async fn build(conn: &mut Conn, portfolio: &Portfolio, referral: &Referral, firm: &LawFirm, by: &str, on: NaiveDate) -> Result<Packet, TransferError> {
    let (customer_id, customer) = browse::find_customer(conn, portfolio.id, &referral.customer_ref)
        .await?
        .ok_or_else(|| TransferError::Packet(format!("customer {} is gone", referral.customer_ref)))?;
    let language = printing::customer_language(customer.language.as_deref());

    let statement = crate::statement::statement_of(conn, portfolio.clone(), customer_id, customer.clone(), on).await?;
    let document = printing::statement_document(&statement);
    let statement_pdf = printing::render_blocking(move || recobro_documents::render_statement(&document, language)).await?;

    let actions = action_history_csv(conn, customer_id).await?;
    let open_items = open_items_csv(conn, customer_id, on).await?;
    let file_entries = customer_file_entries(conn, customer_id).await?;
    let letter_entries = letter_entries(conn, portfolio.id, customer_id).await?;
    let summary = summary_text(portfolio, referral, firm, by, on, &file_entries, &letter_entries);

    let mut archive = Archive::new(on)?;
    let folder = format!("referral-{}-{}", referral.id, safe_part(&referral.customer_ref));
    archive.add(&format!("{folder}/README.txt"), summary.as_bytes())?;
    archive.add(&format!("{folder}/statement-{}.pdf", on), &statement_pdf)?;
    archive.add(&format!("{folder}/open-items.csv"), &open_items)?;
    archive.add(&format!("{folder}/action-history.csv"), &actions)?;
    for (name, content) in file_entries.iter().chain(&letter_entries) {
        archive.add(&format!("{folder}/{name}"), content)?;
    }
    let content = archive.finish()?;

    let sha256 = hex::encode(Sha256::digest(&content));
    Ok(Packet { content, sha256 })
}

struct Archive {
    writer: ZipWriter<Cursor<Vec<u8>>>,
    options: SimpleFileOptions,
}

impl Archive {
    fn new(on: NaiveDate) -> Result<Self, TransferError> {
        let year = u16::try_from(on.year()).unwrap_or(1980).clamp(1980, 2107);
        let modified = zip::DateTime::from_date_and_time(year, on.month() as u8, on.day() as u8, 0, 0, 0).map_err(|error| TransferError::Packet(error.to_string()))?;
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated).last_modified_time(modified);
        Ok(Self { writer: ZipWriter::new(Cursor::new(Vec::new())), options })
    }

    fn add(&mut self, name: &str, content: &[u8]) -> Result<(), TransferError> {
        self.writer.start_file(name, self.options).map_err(|error| TransferError::Packet(error.to_string()))?;
        self.writer.write_all(content).map_err(|error| TransferError::Packet(error.to_string()))?;
        Ok(())
    }

    fn finish(self) -> Result<Vec<u8>, TransferError> {
        Ok(self.writer.finish().map_err(|error| TransferError::Packet(error.to_string()))?.into_inner())
    }
}

/// CSV text with a byte-order mark, so that Excel reads it as UTF-8.
fn excel_csv(headers: &[&str], rows: Vec<Vec<String>>) -> Result<Vec<u8>, TransferError> {
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    {
        let mut writer = csv::Writer::from_writer(&mut bytes);
        let to_error = |error: csv::Error| TransferError::Packet(error.to_string());
        writer.write_record(headers).map_err(to_error)?;
        for row in rows {
            writer.write_record(row).map_err(to_error)?;
        }
        writer.flush().map_err(|error| TransferError::Packet(error.to_string()))?;
    }
    Ok(bytes)
}

async fn action_history_csv(conn: &mut Conn, customer_id: i64) -> Result<Vec<u8>, TransferError> {
    let mut actions = browse::customer_actions(conn, customer_id, i64::MAX).await?;
    actions.reverse();
    let rows = actions
        .into_iter()
        .map(|action| {
            let promise = match (action.promise_amount_minor, action.promise_currency.as_deref().and_then(|code| recobro_core::Currency::parse(code).ok())) {
                (Some(minor), Some(currency)) => format!("{} {}", currency, format_minor(minor, currency)),
                _ => String::new(),
            };
            vec![
                action.action_on.to_string(),
                action.kind,
                action.outcome.unwrap_or_default(),
                action.collector.unwrap_or_default(),
                action.notes.unwrap_or_default(),
                promise,
                action.promise_on.map(|date| date.to_string()).unwrap_or_default(),
                action.next_action_kind.unwrap_or_default(),
                action.next_action_on.map(|date| date.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    excel_csv(&["date", "kind", "outcome", "by", "notes", "promised amount", "promised for", "next action", "next action date"], rows)
}

async fn open_items_csv(conn: &mut Conn, customer_id: i64, on: NaiveDate) -> Result<Vec<u8>, TransferError> {
    let documents = browse::customer_documents_as_of(conn, customer_id, on, i64::MAX).await?;
    let accounts = browse::customer_snapshot_accounts(conn, customer_id, on).await?;
    let mut rows = Vec::new();
    for document in documents {
        rows.push(vec![
            document.kind.clone(),
            document.number.clone(),
            document.issue_date.to_string(),
            document.due_date.to_string(),
            recobro_core::days_past_due(on, document.due_date).max(0).to_string(),
            document.currency.clone(),
            minor_text(document.amount_minor, &document.currency),
            minor_text(document.open_minor, &document.currency),
        ]);
    }
    for account in accounts {
        rows.push(vec![
            "account".into(),
            account.account_ref.clone(),
            account.snapshot_date.to_string(),
            account_due_date(account.days_past_due, account.snapshot_date),
            account_days_past_due(account.days_past_due, account.snapshot_date, on).to_string(),
            account.currency.clone(),
            String::new(),
            minor_text(account.balance_minor, &account.currency),
        ]);
    }
    excel_csv(&["kind", "number", "issued or reported on", "due", "days past due", "currency", "amount", "open"], rows)
}

/// Returns the days past due of a snapshot account on `on`: those
/// reported, plus the days since the report while it was past due.
fn account_days_past_due(reported: i64, snapshot_date: NaiveDate, on: NaiveDate) -> i64 {
    if reported <= 0 {
        return 0;
    }
    reported + (on - snapshot_date).num_days().max(0)
}

/// Returns the due date a snapshot account's days past due imply, or an
/// empty text when it was not past due.
fn account_due_date(reported: i64, snapshot_date: NaiveDate) -> String {
    if reported <= 0 {
        return String::new();
    }
    (snapshot_date - chrono::Days::new(reported.unsigned_abs())).to_string()
}

/// Formats an amount in its stored currency code.
fn minor_text(minor: i64, currency: &str) -> String {
    match recobro_core::Currency::parse(currency) {
        Ok(currency) => format_minor(minor, currency),
        Err(_) => minor.to_string(),
    }
}

/// Reads the documents on the customer's file as archive entries under
/// `file/`, each name prefixed with its id and kind.
async fn customer_file_entries(conn: &mut Conn, customer_id: i64) -> Result<Vec<(String, Vec<u8>)>, TransferError> {
    let mut entries = Vec::new();
    for file in files::customer_files(conn, customer_id).await? {
        let content = files::get_blob(conn, &file.sha256).await?.ok_or_else(|| TransferError::Packet(format!("the content of file {} is missing", file.id)))?;
        entries.push((format!("file/{}-{}-{}", file.id, file.kind, safe_part(&file.file_name)), content));
    }
    Ok(entries)
}

/// Reads the customer's letters that were approved, sent or queued, as
/// entries under `letters/`.
async fn letter_entries(conn: &mut Conn, portfolio_id: i64, customer_id: i64) -> Result<Vec<(String, Vec<u8>)>, TransferError> {
    let mut entries = Vec::new();
    for letter in letters::list_letters(conn, portfolio_id, None, None, Some(customer_id)).await? {
        if matches!(letter.status.as_str(), "draft" | "cancelled") {
            continue;
        }
        let content = files::get_blob(conn, &letter.sha256).await?.ok_or_else(|| TransferError::Packet(format!("the content of letter {} is missing", letter.id)))?;
        entries.push((format!("letters/{}-{}-{}.pdf", letter.as_of, letter.kind, letter.language), content));
    }
    Ok(entries)
}

/// Writes a summary in Spanish and English: who, how much, since when,
/// which firm, who approved, and what the archive contains.
fn summary_text(portfolio: &Portfolio, referral: &Referral, firm: &LawFirm, by: &str, on: NaiveDate, file_entries: &[(String, Vec<u8>)], letter_entries: &[(String, Vec<u8>)]) -> String {
    let balance = format!("{} {}", referral.currency, format_minor(referral.balance_minor, referral.currency));
    let list = |entries: &[(String, Vec<u8>)]| entries.iter().map(|(name, _)| format!("  - {name}\n")).collect::<String>();
    let files = if file_entries.is_empty() { String::new() } else { format!("- file/: documentos del expediente / customer file documents\n{}", list(file_entries)) };
    let letters = if letter_entries.is_empty() { String::new() } else { format!("- letters/: cartas enviadas / letters sent\n{}", list(letter_entries)) };
    format!(
        "EXPEDIENTE DE COBRANZA JUDICIAL / JUDICIAL COLLECTION CASE PACKET\n\
         \n\
         Cartera / Portfolio: {portfolio_name} ({portfolio_code})\n\
         Derivación / Referral: {id}\n\
         Cliente / Customer: {customer_name} ({customer_ref})\n\
         Saldo derivado / Referred balance: {balance}\n\
         Días de atraso / Days past due: {days}\n\
         Estudio jurídico / Law firm: {firm_name} ({firm_code})\n\
         Aprobado por / Approved by: {by}, {on}\n\
         \n\
         Contenido / Contents:\n\
         - statement-{on}.pdf: estado de cuenta con intereses / statement of account with interest\n\
         - open-items.csv: partidas abiertas / open items\n\
         - action-history.csv: historial de gestiones / collection action history\n\
         {files}\
         {letters}",
        portfolio_name = portfolio.name,
        portfolio_code = portfolio.code,
        id = referral.id,
        customer_name = referral.customer_name,
        customer_ref = referral.customer_ref,
        days = referral.days_past_due,
        firm_name = firm.name,
        firm_code = firm.code,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_names_keep_no_path_parts() {
        assert_eq!(safe_part("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_part("C-0042"), "C-0042");
        assert_eq!(safe_part("contrato firmado.pdf"), "contrato_firmado.pdf");
    }
}
