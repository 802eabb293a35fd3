//! Delivery of approved letters: by email with the PDF attached, through
//! the SMTP server of the reminders or to a folder of `.eml` files, and to
//! a folder of PDFs queued for printing for customers without an email.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart, header::ContentType};
use lettre::{AsyncFileTransport, AsyncTransport, Message, Tokio1Executor};
use recobro_core::locale::Locale;
use recobro_store::letters::{self, Letter};
use recobro_store::{Store, StoreError, files, ledger};
use serde::Serialize;

use super::{LetterActor, LetterError, audit_letter, find_portfolio, letter_sender, safe_file_stem};
use crate::reminders::Delivery;

/// The delivery and the sender address of letter emails.
#[derive(Debug, Clone)]
pub struct LetterMail {
    /// An SMTP server, or a folder for a dry run that writes `.eml` files
    /// and records nothing.
    pub delivery: Delivery,
    pub sender: String,
}

/// The outcome of a sending pass.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SendSummary {
    pub sent: u64,
    /// Messages written to the dry-run folder.
    pub written: u64,
    /// Letters whose sending failed, with the error or the server's
    /// response. They stay approved.
    pub failed: Vec<(i64, String)>,
    /// References of the customers without an email address, whose letters
    /// stay approved for printing.
    pub without_email: Vec<String>,
}

/// Emails every approved letter of the portfolio to its customer, with the
/// PDF attached, and marks it sent. Letters of customers without an email
/// address stay approved and are listed in the summary.
///
/// Each letter is marked sent before its message leaves, so a rerun never
/// sends it twice. A failed delivery moves it back to approved. A crash
/// between the two leaves it marked sent although the server may not have
/// received it.
pub async fn send(store: &Store, portfolio_code: &str, mail: &LetterMail, by: &str) -> Result<SendSummary, LetterError> {
    let sender: Mailbox = mail.sender.parse().map_err(|_| LetterError::InvalidSender(mail.sender.clone()))?;
    let mut conn = store.acquire().await?;
    let actor = LetterActor::load(&mut conn, by).await?;
    let portfolio = find_portfolio(&mut conn, portfolio_code).await?;
    let company = letter_sender(&mut conn, &portfolio).await?.company_name;
    let emails: HashMap<i64, Option<String>> = ledger::load_customers(&mut conn, portfolio.id)
        .await?
        .into_iter()
        .map(|(id, customer)| (id, customer.email.map(|email| email.trim().to_string()).filter(|email| !email.is_empty())))
        .collect();
    let approved = letters::list_letters(&mut conn, portfolio.id, Some("approved"), None, None).await?;

    let mut summary = SendSummary::default();
    for letter in approved {
        let Some(email) = emails.get(&letter.customer_id).cloned().flatten() else {
            summary.without_email.push(letter.customer_ref.clone());
            continue;
        };
        let pdf = files::get_blob(&mut conn, &letter.sha256).await?.unwrap_or_default();
        let message = letter_message(&sender, &email, &company, &letter, pdf);

        match &mail.delivery {
            Delivery::Folder(folder) => {
                let output_error = |error: String| LetterError::Output { path: folder.display().to_string(), error };
                let message = message.map_err(output_error)?;
                std::fs::create_dir_all(folder).map_err(|error| output_error(error.to_string()))?;
                let transport = AsyncFileTransport::<Tokio1Executor>::new(folder);
                transport.send(message).await.map_err(|error| output_error(error.to_string()))?;
                summary.written += 1;
            }
            Delivery::Smtp(server) => {
                if !letters::move_letter(&mut conn, letter.id, &["approved"], "sent", &actor.username, Some(&email)).await? {
                    continue;
                }
                let outcome = match message {
                    Err(error) => Err(format!("invalid message: {error}")),
                    Ok(message) => match server.transport() {
                        Err(error) => Err(error.to_string()),
                        Ok(transport) => transport.send(message).await.map_err(|error| error.to_string()),
                    },
                };
                match outcome {
                    Ok(_) => {
                        audit_letter(&mut conn, &actor, "letter.send", &portfolio, &letter).await?;
                        summary.sent += 1;
                    }
                    Err(error) => {
                        tracing::warn!(letter_id = letter.id, customer = %letter.customer_ref, server = %server.display, %error, "letter email failed");
                        letters::move_letter(&mut conn, letter.id, &["sent"], "approved", &actor.username, None).await?;
                        summary.failed.push((letter.id, error));
                    }
                }
            }
        }
    }
    tracing::info!(portfolio = %portfolio.code, sent = summary.sent, written = summary.written, failed = summary.failed.len(), without_email = summary.without_email.len(), "letters sent");
    Ok(summary)
}

/// Builds the email of a letter: a short note in the letter's language
/// and the PDF attached.
fn letter_message(sender: &Mailbox, email: &str, company: &str, letter: &Letter, pdf: Vec<u8>) -> Result<Message, String> {
    let recipient: Mailbox = email.parse().map_err(|error| format!("invalid customer email {email:?}: {error}"))?;
    let (subject, body) = message_text(company, letter);
    let attachment = Attachment::new(letter_file_name(letter)).body(pdf, ContentType::parse("application/pdf").map_err(|error| error.to_string())?);
    Message::builder()
        .from(sender.clone())
        .to(recipient)
        .subject(subject)
        .multipart(MultiPart::mixed().singlepart(SinglePart::plain(body)).singlepart(attachment))
        .map_err(|error| error.to_string())
}

/// Returns the subject and body of a letter's email.
fn message_text(company: &str, letter: &Letter) -> (String, String) {
    let spanish = letter.language != "en";
    let title = match (letter.kind.as_str(), spanish) {
        ("reminder", true) => "Recordatorio de pago",
        ("reminder", false) => "Payment reminder",
        ("formal_notice", true) => "Requerimiento formal de pago",
        ("formal_notice", false) => "Formal notice of payment",
        ("demand", true) => "Carta de requerimiento previa a acciones judiciales",
        ("demand", false) => "Final demand before legal action",
        (_, true) => "Carta de cobranza",
        (_, false) => "Collection letter",
    };
    let locale = if spanish { Locale::Spanish } else { Locale::English };
    let date = locale.format_date(letter.as_of);
    if spanish {
        let subject = format!("{title} de {company}");
        let body = format!(
            "Estimados señores de {name}:\n\nAdjuntamos nuestra carta del {date} sobre su cuenta {reference}. Les rogamos leerla con atención.\n\nAtentamente,\n{company}\n",
            name = letter.customer_name,
            reference = letter.customer_ref,
        );
        (subject, body)
    } else {
        let subject = format!("{title} from {company}");
        let body = format!(
            "Dear {name},\n\nPlease find attached our letter of {date} about your account {reference}. Please read it carefully.\n\nYours faithfully,\n{company}\n",
            name = letter.customer_name,
            reference = letter.customer_ref,
        );
        (subject, body)
    }
}

/// Names a letter's file as `<as-of>-<kind>-<customer-ref>.pdf`, so that
/// the letters of one customer on several dates do not collide.
fn letter_file_name(letter: &Letter) -> String {
    format!("{}-{}-{}.pdf", letter.as_of, letter.kind, safe_file_stem(&letter.customer_ref))
}

/// The outcome of queueing letters for printing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PrintSummary {
    /// The PDFs written, one per letter queued.
    pub files: Vec<PathBuf>,
}

/// Writes every approved letter of a customer without an email address to
/// `folder` and marks it queued for printing. Letters of customers with an
/// email address are left for [`send`].
pub async fn queue_for_print(store: &Store, portfolio_code: &str, folder: &Path, by: &str) -> Result<PrintSummary, LetterError> {
    let output_error = |path: &Path, error: std::io::Error| LetterError::Output { path: path.display().to_string(), error: error.to_string() };
    let mut conn = store.acquire().await?;
    let actor = LetterActor::load(&mut conn, by).await?;
    let portfolio = find_portfolio(&mut conn, portfolio_code).await?;
    let with_email: HashMap<i64, bool> = ledger::load_customers(&mut conn, portfolio.id)
        .await?
        .into_iter()
        .map(|(id, customer)| (id, customer.email.is_some_and(|email| !email.trim().is_empty())))
        .collect();
    let approved = letters::list_letters(&mut conn, portfolio.id, Some("approved"), None, None).await?;
    drop(conn);

    std::fs::create_dir_all(folder).map_err(|error| output_error(folder, error))?;
    let mut summary = PrintSummary::default();
    for letter in approved.into_iter().filter(|letter| !with_email.get(&letter.customer_id).copied().unwrap_or(false)) {
        let mut tx = store.begin().await?;
        let pdf = files::get_blob(&mut tx, &letter.sha256).await?.unwrap_or_default();
        let path = folder.join(letter_file_name(&letter));
        std::fs::write(&path, &pdf).map_err(|error| output_error(&path, error))?;
        let destination = format!("print:{}", path.display());
        if letters::move_letter(&mut tx, letter.id, &["approved"], "queued_for_print", &actor.username, Some(&destination)).await? {
            audit_letter(&mut tx, &actor, "letter.print", &portfolio, &letter).await?;
            tx.commit().await.map_err(StoreError::from)?;
            summary.files.push(path);
        } else {
            // Changed by someone else since the list was read: not queued.
            std::fs::remove_file(&path).map_err(|error| output_error(&path, error))?;
        }
    }
    tracing::info!(portfolio = %portfolio.code, queued = summary.files.len(), "letters queued for printing");
    Ok(summary)
}
