//! Reminder emails: the daily run's email reminder tasks, sent through an
//! SMTP relay in the customer's language with the statement of overdue
//! documents, or written to a folder for review.
//!
//! Each task is claimed in the email log before its message leaves, so a
//! rerun never sends a reminder twice: a crash between the claim and the
//! server's response leaves the task "in doubt" for a person to check rather
//! than sending it again.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use recobro_core::Currency;
use recobro_core::locale::Locale;
use recobro_store::mail::{self, ReminderTask, StatementLine};
use recobro_store::{Store, StoreError, portfolio};
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum ReminderError {
    #[error("portfolio {0:?} not found: see `recobro portfolio list`")]
    UnknownPortfolio(String),
    #[error("invalid SMTP URL {0:?}: {1}; expected smtp://HOST:PORT for a relay, smtp://USER:PASSWORD@HOST:587?tls=required for STARTTLS, or smtps://USER:PASSWORD@HOST:465")]
    InvalidSmtpUrl(String, String),
    #[error("invalid sender address {0:?}: set RECOBRO_MAIL_FROM to an address such as \"Cobranza <cobranza@example.com>\"")]
    InvalidSender(String),
    #[error("cannot read template {path}: {error}")]
    Template { path: String, error: std::io::Error },
    #[error("template {path} must start with a line \"Subject: ...\"")]
    TemplateSubject { path: String },
    #[error("cannot write to {path}: {error}")]
    DryRun { path: String, error: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The destination of reminders: an SMTP server, or a folder of `.eml`
/// files (a dry run that writes nothing to the database).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Smtp(SmtpServer),
    Folder(PathBuf),
}

/// An SMTP server as a lettre URL. `smtp://HOST:PORT` is a plain relay;
/// `?tls=required` adds STARTTLS, `smtps://` connects with TLS, and
/// `USER:PASSWORD@` authenticates. Server certificates are checked against
/// the Mozilla root store bundled in webpki-roots.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpServer {
    url: String,
    /// The URL without the password, for messages and logs.
    pub display: String,
}

impl std::fmt::Debug for SmtpServer {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.display)
    }
}

impl SmtpServer {
    /// Builds the lettre transport of this server, as the letters use it too.
    pub(crate) fn transport(&self) -> Result<AsyncSmtpTransport<Tokio1Executor>, ReminderError> {
        AsyncSmtpTransport::<Tokio1Executor>::from_url(&self.url).map(|builder| builder.build()).map_err(|error| ReminderError::InvalidSmtpUrl(self.display.clone(), error.to_string()))
    }
}

impl Delivery {
    /// Parses an SMTP URL and checks it with lettre, so that a mistake shows
    /// before any task is claimed. Port 25 is used when `smtp://` has none.
    pub fn smtp_from_url(url: &str) -> Result<Self, ReminderError> {
        let display = without_password(url);
        let invalid = |reason: String| ReminderError::InvalidSmtpUrl(display.clone(), reason);
        if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
            return Err(invalid("the scheme must be smtp or smtps".into()));
        }
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map_err(|error| invalid(error.to_string()))?;
        Ok(Delivery::Smtp(SmtpServer { url: url.to_string(), display }))
    }
}

/// Replaces the password of a URL's user information with `***`.
fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let Some((credentials, host)) = rest.rsplit_once('@') else { return url.to_string() };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

#[derive(Debug, Clone)]
pub struct MailSettings {
    pub delivery: Delivery,
    pub sender: String,
    /// A folder with `reminder.es.txt` and `reminder.en.txt` that replace
    /// the built-in templates.
    pub template_dir: Option<PathBuf>,
}

/// The outcome of a sending pass.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReminderSummary {
    pub sent: u64,
    pub written: u64,
    pub failed: u64,
    /// Customers without an email address; their tasks stay open.
    pub without_email: u64,
    /// Tasks cancelled because nothing undisputed is overdue any more.
    pub nothing_due: u64,
    /// Earlier attempts whose outcome is unknown (claimed, never finished).
    pub in_doubt: i64,
}

const BUILT_IN_TEMPLATES: [(&str, &str); 2] =
    [("es", include_str!("../templates/reminder.es.txt")), ("en", include_str!("../templates/reminder.en.txt"))];

/// Sends, or writes, the reminder of every pending email reminder task of a
/// portfolio due by `as_of`.
pub async fn send_reminders(store: &Store, portfolio_code: &str, as_of: NaiveDate, settings: &MailSettings) -> Result<ReminderSummary, ReminderError> {
    let sender: Mailbox = settings.sender.parse().map_err(|_| ReminderError::InvalidSender(settings.sender.clone()))?;
    let mut conn = store.acquire().await?;
    let found = portfolio::find(&mut conn, portfolio_code).await?.ok_or_else(|| ReminderError::UnknownPortfolio(portfolio_code.to_string()))?;
    let tasks = mail::pending_email_reminders(&mut conn, found.id, as_of).await?;
    drop(conn);

    let mut summary = ReminderSummary::default();
    for task in &tasks {
        let mut conn = store.acquire().await?;
        let lines: Vec<StatementLine> = mail::overdue_documents(&mut conn, task.customer_id, as_of).await?.into_iter().filter(|line| !line.disputed).collect();
        drop(conn);
        if lines.is_empty() {
            if matches!(settings.delivery, Delivery::Smtp { .. }) {
                let mut conn = store.acquire().await?;
                mail::cancel_task(&mut conn, task.task_id).await?;
            }
            summary.nothing_due += 1;
            continue;
        }
        let Some(email) = task.email.clone() else {
            tracing::info!(task_id = task.task_id, "reminder not sent: the customer has no email address");
            summary.without_email += 1;
            continue;
        };

        let language = task.language.as_deref().filter(|language| *language == "en").unwrap_or("es");
        let (subject, body) = render(settings.template_dir.as_deref(), language, &found.name, task, &lines, as_of)?;
        deliver(store, found.id, settings, &sender, task, &email, &subject, body, &mut summary).await?;
    }

    let mut conn = store.acquire().await?;
    summary.in_doubt = mail::emails_in_doubt(&mut conn, found.id).await?;
    Ok(summary)
}

#[allow(clippy::too_many_arguments)]
async fn deliver(
    store: &Store,
    portfolio_id: i64,
    settings: &MailSettings,
    sender: &Mailbox,
    task: &ReminderTask,
    email: &str,
    subject: &str,
    body: String,
    summary: &mut ReminderSummary,
) -> Result<(), ReminderError> {
    let recipient: Result<Mailbox, _> = email.parse();
    let message = recipient.map_err(|error| error.to_string()).and_then(|recipient| {
        Message::builder()
            .from(sender.clone())
            .to(recipient)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|error| error.to_string())
    });

    match &settings.delivery {
        Delivery::Folder(folder) => {
            let message = message.map_err(|error| ReminderError::DryRun { path: folder.display().to_string(), error })?;
            std::fs::create_dir_all(folder).map_err(|error| ReminderError::DryRun { path: folder.display().to_string(), error: error.to_string() })?;
            let transport = AsyncFileTransport::<Tokio1Executor>::new(folder);
            transport.send(message).await.map_err(|error| ReminderError::DryRun { path: folder.display().to_string(), error: error.to_string() })?;
            summary.written += 1;
        }
        Delivery::Smtp(server) => {
            let mut conn = store.acquire().await?;
            if !mail::claim_email(&mut conn, portfolio_id, task, email, subject).await? {
                return Ok(());
            }
            let (status, answer) = match message {
                Err(error) => ("failed", format!("invalid message: {error}")),
                Ok(message) => {
                    let transport = match AsyncSmtpTransport::<Tokio1Executor>::from_url(&server.url) {
                        Ok(builder) => builder.build(),
                        Err(error) => return Err(ReminderError::InvalidSmtpUrl(server.display.clone(), error.to_string())),
                    };
                    match transport.send(message).await {
                        Ok(response) => ("sent", format!("{} {}", response.code(), response.message().collect::<Vec<_>>().join(" "))),
                        Err(error) => ("failed", error.to_string()),
                    }
                }
            };
            if status == "failed" {
                tracing::warn!(task_id = task.task_id, error = %answer, "reminder email failed");
                summary.failed += 1;
            } else {
                summary.sent += 1;
            }
            mail::finish_email(&mut conn, task.task_id, status, &answer).await?;
        }
    }
    Ok(())
}

/// Renders the subject and body of a reminder from the template of
/// `language`: the override in `template_dir` when present, else the
/// built-in one.
fn render(template_dir: Option<&Path>, language: &str, portfolio_name: &str, task: &ReminderTask, lines: &[StatementLine], as_of: NaiveDate) -> Result<(String, String), ReminderError> {
    let (path, text) = match template_dir.map(|folder| folder.join(format!("reminder.{language}.txt"))).filter(|path| path.exists()) {
        Some(path) => {
            let text = std::fs::read_to_string(&path).map_err(|error| ReminderError::Template { path: path.display().to_string(), error })?;
            (path.display().to_string(), text)
        }
        None => {
            let text = BUILT_IN_TEMPLATES.iter().find(|(code, _)| *code == language).map_or(BUILT_IN_TEMPLATES[0].1, |(_, text)| text);
            (format!("built-in reminder.{language}.txt"), text.to_string())
        }
    };
    let (first_line, body) = text.split_once('\n').unwrap_or((text.as_str(), ""));
    let subject = first_line.strip_prefix("Subject:").ok_or(ReminderError::TemplateSubject { path })?.trim().to_string();

    let statement = lines.iter().map(|line| statement_line(language, line, as_of)).collect::<Vec<_>>().join("\n");
    let total = total_text(language, lines);
    let fill = |text: &str| {
        text.replace("{portfolio_name}", portfolio_name)
            .replace("{customer_name}", &task.customer_name)
            .replace("{customer_ref}", &task.customer_ref)
            .replace("{as_of}", &date_text(language, as_of))
            .replace("{statement}", &statement)
            .replace("{total}", &total)
    };
    Ok((fill(&subject), fill(body)))
}

fn date_text(language: &str, date: NaiveDate) -> String {
    Locale::from_code(language).format_date(date)
}

fn amount_text(language: &str, minor: i64, currency: &str) -> String {
    match Currency::parse(currency) {
        Ok(code) => format!("{} {currency}", Locale::from_code(language).format_minor(minor, code)),
        Err(_) => format!("{minor} {currency}"),
    }
}

fn statement_line(language: &str, line: &StatementLine, as_of: NaiveDate) -> String {
    let days = recobro_core::days_past_due(as_of, line.due_date);
    let amount = amount_text(language, line.open_minor, &line.currency);
    match language {
        "en" => format!("  {} {}, due {}, {days} days past due: {amount}", kind_label(language, &line.kind), line.number, date_text(language, line.due_date)),
        _ => format!("  {} {}, vencida el {}, {days} días de mora: {amount}", kind_label(language, &line.kind), line.number, date_text(language, line.due_date)),
    }
}

fn kind_label(language: &str, kind: &str) -> &'static str {
    match (language, kind) {
        ("en", "debit_note") => "Debit note",
        ("en", _) => "Invoice",
        (_, "debit_note") => "Nota de débito",
        _ => "Factura",
    }
}

/// Formats the total per currency, such as `1.234,56 USD`.
fn total_text(language: &str, lines: &[StatementLine]) -> String {
    let mut totals: std::collections::BTreeMap<&str, i64> = std::collections::BTreeMap::new();
    for line in lines {
        *totals.entry(line.currency.as_str()).or_default() += line.open_minor;
    }
    totals.iter().map(|(currency, minor)| amount_text(language, *minor, currency)).collect::<Vec<_>>().join(" + ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls() {
        let relay = Delivery::smtp_from_url("smtp://127.0.0.1:2525").unwrap();
        assert!(matches!(&relay, Delivery::Smtp(server) if server.display == "smtp://127.0.0.1:2525"));
        assert!(Delivery::smtp_from_url("smtp://mail.local").is_ok());
        assert!(Delivery::smtp_from_url("smtp://cobranza:secreto@mail.example.com:587?tls=required").is_ok());
        assert!(Delivery::smtp_from_url("smtps://cobranza:secreto@mail.example.com").is_ok());

        assert!(Delivery::smtp_from_url("http://x").is_err());
        assert!(Delivery::smtp_from_url("smtp://host:port").is_err());
    }

    #[test]
    fn smtp_password_hidden() {
        let server = Delivery::smtp_from_url("smtps://cobranza:secreto@mail.example.com:465").unwrap();
        let Delivery::Smtp(server) = server else { panic!("an SMTP delivery") };
        assert_eq!(server.display, "smtps://cobranza:***@mail.example.com:465");
        assert!(!format!("{server:?}").contains("secreto"));

        let error = Delivery::smtp_from_url("ftp://cobranza:secreto@mail.example.com").unwrap_err().to_string();
        assert!(!error.contains("secreto"), "{error}");
    }

    #[test]
    fn spanish_and_english_statements() {
        let task = ReminderTask {
            task_id: 1,
            customer_id: 1,
            customer_ref: "C-1".into(),
            customer_name: "Ferretería Sur".into(),
            email: Some("pagos@example.com".into()),
            language: None,
            stage: "reminder".into(),
            due_on: NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(),
        };
        let lines = vec![StatementLine {
            kind: "invoice".into(),
            number: "F-7".into(),
            due_date: NaiveDate::from_ymd_opt(2024, 1, 31).unwrap(),
            open_minor: 123_456,
            currency: "USD".into(),
            disputed: false,
        }];
        let as_of = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();

        let (subject, body) = render(None, "es", "Acme", &task, &lines, as_of).unwrap();
        assert_eq!(subject, "Recordatorio de pago de Acme");
        assert!(body.contains("Factura F-7, vencida el 31/01/2024, 30 días de mora: 1.234,56 USD"), "{body}");
        assert!(body.contains("Saldo vencido: 1.234,56 USD"), "{body}");

        let (subject, body) = render(None, "en", "Acme", &task, &lines, as_of).unwrap();
        assert_eq!(subject, "Payment reminder from Acme");
        assert!(body.contains("Invoice F-7, due 31 Jan 2024, 30 days past due: 1,234.56 USD"), "{body}");
    }
}
