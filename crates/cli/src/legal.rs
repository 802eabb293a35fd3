//! `recobro file` (the customer file), `recobro lawfirm` (the law firm
//! registry), `recobro legal` (judicial transfers and referrals), and the
//! reports `report health`, `report files` and `report referrals`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use clap::Subcommand;
use recobro_app::files::{self, Upload};
use recobro_app::health::{self, HealthStatus};
use recobro_app::legal::{self, FirmInput, TransferCandidate, describe_gaps};
use recobro_app::output::{Cell, OutputFormat, Table};
use recobro_core::customer_file::{DEFAULT_MAX_UPLOAD_BYTES, RequirementScope};
use recobro_core::money::format_minor;
use recobro_store::Store;

use crate::{emit_table, parse_date, parse_format};

/// Appends one formatted line to a `String`.
macro_rules! writeln_text {
    ($text:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($text, $($arg)*);
    }};
}

#[derive(Subcommand)]
pub enum FileCommand {
    /// Add a document to a customer's file (contract, identity, promissory note, guarantee, invoice copy, correspondence).
    Upload {
        #[arg(long)]
        portfolio: String,
        #[arg(long)]
        customer: String,
        /// contract, identity, promissory_note, guarantee, invoice_copy, correspondence or other.
        #[arg(long)]
        kind: String,
        /// The file to store: PDF, PNG, JPEG, TIFF or plain text.
        #[arg(long)]
        path: PathBuf,
        /// The document's issue date (YYYY-MM-DD).
        #[arg(long, value_parser = parse_date)]
        issued: Option<NaiveDate>,
        /// The day after which the document no longer counts (YYYY-MM-DD).
        #[arg(long, value_parser = parse_date)]
        expires: Option<NaiveDate>,
        #[arg(long)]
        note: Option<String>,
        /// The uploading user, for the audit trail.
        #[arg(long)]
        by: String,
        /// Largest accepted file in bytes.
        #[arg(long, default_value_t = DEFAULT_MAX_UPLOAD_BYTES)]
        max_bytes: u64,
    },
    /// List a customer's file with its checklist for every customer and before a legal transfer.
    List {
        #[arg(long)]
        portfolio: String,
        #[arg(long)]
        customer: String,
        /// The date expiry is judged on; today when left out.
        #[arg(long, value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        /// table or json.
        #[arg(long, default_value = "table", value_parser = parse_format)]
        format: OutputFormat,
    },
    /// Write a stored document to a file.
    Get {
        #[arg(long)]
        portfolio: String,
        /// The document's number from `file list`.
        #[arg(long)]
        id: i64,
        #[arg(long)]
        output: PathBuf,
    },
    /// Take a document out of a customer's file; it stays in the audit trail.
    Remove {
        #[arg(long)]
        portfolio: String,
        #[arg(long)]
        id: i64,
        #[arg(long)]
        by: String,
    },
    /// Show the document kinds required, or set those of one scope with --scope and --kinds.
    Requirements {
        #[arg(long)]
        portfolio: String,
        /// customer (every customer in collection) or legal (before a judicial transfer).
        #[arg(long)]
        scope: Option<String>,
        /// Comma-separated kinds, such as contract,promissory_note; empty for none.
        #[arg(long)]
        kinds: Option<String>,
        #[arg(long)]
        by: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum LawFirmCommand {
    /// Add a law firm, or update the one with the same code.
    Set {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        contact: Option<String>,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        address: Option<String>,
        /// Percent of each recovered amount the firm keeps, such as 15.
        #[arg(long)]
        contingency: String,
        /// A fixed fee per referral, charged with its first recovery.
        #[arg(long)]
        fixed_fee: Option<String>,
        /// The currency of the fixed fee.
        #[arg(long)]
        fee_currency: Option<String>,
        /// Most referrals open at once; no limit when left out.
        #[arg(long)]
        capacity: Option<i64>,
        /// Mark the firm inactive: it gets no new referrals.
        #[arg(long)]
        inactive: bool,
        #[arg(long)]
        by: String,
    },
    /// List the law firms.
    List {
        /// table, csv or json.
        #[arg(long, default_value = "table", value_parser = parse_format)]
        format: OutputFormat,
    },
}

#[derive(Subcommand)]
pub enum LegalCommand {
    /// The cases past the judicial transfer threshold: proposed (file complete), held back (with what is missing) and already with a firm.
    Proposals {
        #[arg(long)]
        portfolio: String,
        #[arg(long, value_parser = parse_date)]
        as_of: NaiveDate,
        /// table or json.
        #[arg(long, default_value = "table", value_parser = parse_format)]
        format: OutputFormat,
    },
    /// Approve a proposed transfer with a law firm; the case packet is built.
    Approve {
        #[arg(long)]
        portfolio: String,
        /// The referral's number from `legal proposals` or `legal list`.
        #[arg(long)]
        id: i64,
        /// The law firm's code.
        #[arg(long)]
        firm: String,
        #[arg(long)]
        by: String,
        /// The decision date; today when left out.
        #[arg(long, value_parser = parse_date)]
        date: Option<NaiveDate>,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Reject a proposed transfer; the case stays in collection.
    Reject {
        #[arg(long)]
        portfolio: String,
        #[arg(long)]
        id: i64,
        #[arg(long)]
        by: String,
        #[arg(long)]
        reason: String,
        #[arg(long, value_parser = parse_date)]
        date: Option<NaiveDate>,
    },
    /// Move a referral to its next state: sent, accepted, filed, judgment, recovering or closed.
    Update {
        #[arg(long)]
        portfolio: String,
        #[arg(long)]
        id: i64,
        #[arg(long)]
        status: String,
        /// The day it happened.
        #[arg(long, value_parser = parse_date)]
        date: NaiveDate,
        /// The court's case number, once filed.
        #[arg(long)]
        court_reference: Option<String>,
        #[arg(long)]
        note: Option<String>,
        #[arg(long)]
        by: String,
    },
    /// Record an amount the firm recovered; it enters as a payment and lowers the balance.
    Recover {
        #[arg(long)]
        portfolio: String,
        #[arg(long)]
        id: i64,
        /// The amount in the referral's currency, such as 1500.00.
        #[arg(long)]
        amount: String,
        #[arg(long, value_parser = parse_date)]
        date: NaiveDate,
        #[arg(long)]
        by: String,
    },
    /// List the referrals, optionally of one status.
    List {
        #[arg(long)]
        portfolio: String,
        #[arg(long)]
        status: Option<String>,
        /// table, csv or json.
        #[arg(long, default_value = "table", value_parser = parse_format)]
        format: OutputFormat,
    },
    /// Show a referral with its history and recoveries.
    Show {
        #[arg(long)]
        portfolio: String,
        #[arg(long)]
        id: i64,
    },
    /// Write an approved referral's case packet (a ZIP archive).
    Packet {
        #[arg(long)]
        portfolio: String,
        #[arg(long)]
        id: i64,
        /// The archive to write, or a folder to write it into under its own name.
        #[arg(long)]
        output: PathBuf,
    },
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

// ---------------------------------------------------------------------------
// recobro file
// ---------------------------------------------------------------------------

pub async fn file_command(store: &Store, command: FileCommand) -> Result<()> {
    match command {
        FileCommand::Upload { portfolio, customer, kind, path, issued, expires, note, by, max_bytes } => {
            let content = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
            let upload = Upload { customer_ref: &customer, kind: &kind, file_name: &name, content: &content, issued_on: issued, expires_on: expires, note: note.as_deref() };
            let stored = files::upload(store, &portfolio, &upload, max_bytes, &by).await.with_context(|| format!("{}: not stored", path.display()))?;
            println!("stored {} as file {} of customer {} ({}, {} bytes, sha256 {})", stored.file_name, stored.id, stored.customer_ref, stored.kind, stored.size_bytes, stored.sha256);
            Ok(())
        }
        FileCommand::List { portfolio, customer, as_of, format } => {
            let checklist = files::customer_checklist(store, &portfolio, &customer, as_of.unwrap_or_else(today)).await?;
            if format == OutputFormat::Json {
                println!("{}", serde_json::to_string_pretty(&checklist)?);
                return Ok(());
            }
            print_checklist(&checklist);
            Ok(())
        }
        FileCommand::Get { portfolio, id, output } => {
            let (file, content) = files::download(store, &portfolio, id).await?;
            let target = if output.is_dir() { output.join(&file.file_name) } else { output };
            std::fs::write(&target, content).with_context(|| format!("cannot write {}", target.display()))?;
            println!("wrote {} ({} bytes) to {}", file.file_name, file.size_bytes, target.display());
            Ok(())
        }
        FileCommand::Remove { portfolio, id, by } => {
            let file = files::remove(store, &portfolio, id, &by).await?;
            println!("removed {} ({}) from the file of customer {}", file.file_name, file.kind, file.customer_ref);
            Ok(())
        }
        FileCommand::Requirements { portfolio, scope, kinds, by } => requirements(store, &portfolio, scope, kinds, by).await,
    }
}

async fn requirements(store: &Store, portfolio: &str, scope: Option<String>, kinds: Option<String>, by: Option<String>) -> Result<()> {
    let requirements = match (scope, kinds) {
        (None, None) => {
            let mut conn = store.acquire().await?;
            let found = recobro_store::portfolio::find(&mut conn, portfolio).await?.with_context(|| format!("portfolio {portfolio:?} not found"))?;
            files::requirements(&mut conn, found.id).await?
        }
        (Some(scope), Some(kinds)) => {
            let by = by.context("setting requirements needs --by USER for the audit trail")?;
            let kinds: Vec<String> = kinds.split(',').map(str::trim).filter(|kind| !kind.is_empty()).map(str::to_string).collect();
            files::set_requirements(store, portfolio, &scope, &kinds, &by).await?
        }
        _ => bail!("give both --scope and --kinds to set requirements, or neither to show them"),
    };
    for scope in RequirementScope::ALL {
        let kinds: Vec<&str> = requirements.of(scope).iter().map(|kind| kind.code()).collect();
        let set = match scope {
            RequirementScope::Customer => requirements.customer_set,
            RequirementScope::Legal => requirements.legal_set,
        };
        let origin = if set { "" } else { " (default)" };
        println!("{}: {}{origin}", scope.code(), if kinds.is_empty() { "nothing".to_string() } else { kinds.join(", ") });
    }
    Ok(())
}

fn print_checklist(checklist: &files::CustomerChecklist) {
    println!("file of customer {} as of {}", checklist.customer_ref, checklist.as_of);
    if checklist.files.is_empty() {
        println!("  no documents on file");
    }
    for file in &checklist.files {
        let expiry = match file.expires_on {
            Some(date) if date < checklist.as_of => format!(", expired on {date}"),
            Some(date) => format!(", valid through {date}"),
            None => String::new(),
        };
        println!("  {:>5}  {:<16} {} ({} bytes){expiry}", file.id, file.kind, file.file_name, file.size_bytes);
    }
    for check in &checklist.scopes {
        let state = if check.gaps.is_empty() { "complete".to_string() } else { describe_gaps(&check.gaps) };
        println!("  checklist {}: {state}", check.scope.code());
    }
}

// ---------------------------------------------------------------------------
// recobro lawfirm
// ---------------------------------------------------------------------------

pub async fn law_firm_command(store: &Store, command: LawFirmCommand) -> Result<()> {
    match command {
        LawFirmCommand::Set { code, name, contact, email, phone, address, contingency, fixed_fee, fee_currency, capacity, inactive, by } => {
            let input = FirmInput { code, name, contact_name: contact, email, phone, address, contingency_percent: contingency, fixed_fee, fee_currency, capacity, active: !inactive };
            let firm = legal::save_firm(store, &input, &by).await?;
            println!("saved law firm {} ({}), {}", firm.code, firm.name, if firm.active { "active" } else { "inactive" });
            Ok(())
        }
        LawFirmCommand::List { format } => {
            let firms = legal::list_firms(store).await?;
            if firms.is_empty() && format == OutputFormat::Table {
                println!("no law firms yet: add one with `recobro lawfirm set --code CODE --name NAME --contingency 15 --by USER`");
                return Ok(());
            }
            let rows = firms
                .iter()
                .map(|firm| {
                    let fixed = match firm.fee_currency.as_deref().and_then(|code| recobro_core::Currency::parse(code).ok()) {
                        Some(currency) if firm.fixed_fee_minor > 0 => format!("{currency} {}", format_minor(firm.fixed_fee_minor, currency)),
                        _ => String::new(),
                    };
                    vec![
                        Cell::text(&firm.code),
                        Cell::text(&firm.name),
                        Cell::optional(firm.contact_name.clone()),
                        Cell::optional(firm.email.clone()),
                        Cell::text(format!("{}%", firm.contingency_percent)),
                        Cell::text(fixed),
                        Cell::optional(firm.capacity.map(|capacity| capacity.to_string())),
                        Cell::Integer(firm.open_referrals),
                        Cell::text(if firm.active { "yes" } else { "no" }),
                    ]
                })
                .collect();
            let headers = ["code", "name", "contact", "email", "contingency", "fixed fee", "capacity", "open referrals", "active"].map(String::from).to_vec();
            let table = Table { title: format!("Law firms: {}", firms.len()), headers, rows };
            emit_table(format, None, "Law firms", table, &serde_json::to_value(&firms)?)
        }
    }
}

// ---------------------------------------------------------------------------
// recobro legal
// ---------------------------------------------------------------------------

pub async fn legal_command(store: &Store, command: LegalCommand) -> Result<()> {
    match command {
        LegalCommand::Proposals { portfolio, as_of, format } => {
            let report = legal::proposal_report(store, &portfolio, as_of).await?;
            if format == OutputFormat::Json {
                println!("{}", serde_json::to_string_pretty(&report)?);
                return Ok(());
            }
            std::io::stdout().write_all(proposals_text(&report).as_bytes())?;
            Ok(())
        }
        LegalCommand::Approve { portfolio, id, firm, by, date, reason } => {
            let referral = legal::approve_transfer(store, &portfolio, id, &firm, &by, date.unwrap_or_else(today), reason.as_deref()).await?;
            println!(
                "approved: customer {} goes to {} ({} {}); write the packet with `recobro legal packet --portfolio {portfolio} --id {id} --output DIR`",
                referral.customer_ref,
                referral.law_firm_name.as_deref().unwrap_or(&firm),
                referral.currency,
                format_minor(referral.balance_minor, referral.currency)
            );
            Ok(())
        }
        LegalCommand::Reject { portfolio, id, by, reason, date } => {
            let referral = legal::reject_transfer(store, &portfolio, id, &by, date.unwrap_or_else(today), &reason).await?;
            println!("rejected the transfer of customer {}; the case stays in collection", referral.customer_ref);
            Ok(())
        }
        LegalCommand::Update { portfolio, id, status, date, court_reference, note, by } => {
            let referral = legal::update_referral(store, &portfolio, id, &status, date, &by, note.as_deref(), court_reference.as_deref()).await?;
            println!("referral {id} of customer {} is now {} as of {}", referral.customer_ref, referral.status, referral.status_on);
            Ok(())
        }
        LegalCommand::Recover { portfolio, id, amount, date, by } => {
            let outcome = legal::record_recovery(store, &portfolio, id, &amount, date, &by).await?;
            let currency = outcome.referral.currency;
            println!(
                "recorded {currency} {} recovered for customer {} as payment {}: {} applied to documents, {} unapplied; firm fee {}; recovered so far {}",
                format_minor(outcome.amount_minor, currency),
                outcome.referral.customer_ref,
                outcome.payment_ref,
                format_minor(outcome.allocated_minor, currency),
                format_minor(outcome.unapplied_minor, currency),
                format_minor(outcome.fee_minor, currency),
                format_minor(outcome.referral.recovered_minor, currency),
            );
            Ok(())
        }
        LegalCommand::List { portfolio, status, format } => {
            let statuses: Vec<&str> = status.as_deref().into_iter().collect();
            let referrals = legal::list_referrals(store, &portfolio, &statuses).await?;
            let rows = referrals
                .iter()
                .map(|referral| {
                    vec![
                        Cell::Integer(referral.id),
                        Cell::text(&referral.customer_ref),
                        Cell::text(&referral.customer_name),
                        Cell::text(&referral.status),
                        Cell::text(referral.status_on.to_string()),
                        Cell::optional(referral.law_firm_code.clone()),
                        Cell::Integer(referral.days_past_due),
                        Cell::Money(referral.balance_minor, referral.currency),
                        Cell::Money(referral.recovered_minor, referral.currency),
                        Cell::optional(referral.court_reference.clone()),
                    ]
                })
                .collect();
            let headers = ["id", "customer", "name", "status", "since", "firm", "days past due", "referred", "recovered", "court reference"].map(String::from).to_vec();
            let table = Table { title: format!("Legal referrals of {portfolio}: {}", referrals.len()), headers, rows };
            emit_table(format, None, "Referrals", table, &serde_json::to_value(&referrals)?)
        }
        LegalCommand::Show { portfolio, id } => {
            let detail = legal::referral_detail(store, &portfolio, id).await?;
            let referral = &detail.referral;
            let currency = referral.currency;
            println!("referral {id}: customer {} ({})", referral.customer_ref, referral.customer_name);
            println!("  status: {} since {}", referral.status, referral.status_on);
            println!("  firm: {}", referral.law_firm_name.as_deref().unwrap_or("none yet"));
            println!("  referred: {currency} {} at {} days past due", format_minor(referral.balance_minor, currency), referral.days_past_due);
            println!("  recovered: {currency} {}, fees {currency} {}", format_minor(referral.recovered_minor, currency), format_minor(referral.fees_minor, currency));
            if let Some(reference) = &referral.court_reference {
                println!("  court reference: {reference}");
            }
            for event in &detail.events {
                println!("  {} {} by {}{}", event.happened_on, event.status, event.recorded_by, event.note.as_deref().map(|note| format!(": {note}")).unwrap_or_default());
            }
            for recovery in &detail.recoveries {
                println!("  {} recovered {currency} {} (fee {})", recovery.recovered_on, format_minor(recovery.amount_minor, currency), format_minor(recovery.fee_minor, currency));
            }
            Ok(())
        }
        LegalCommand::Packet { portfolio, id, output } => {
            let (name, content) = legal::referral_packet(store, &portfolio, id).await?;
            // A path ending in a separator names a folder, created when missing.
            let names_folder = output.as_os_str().to_string_lossy().ends_with(std::path::MAIN_SEPARATOR);
            if names_folder {
                std::fs::create_dir_all(&output).with_context(|| format!("cannot create the folder {}", output.display()))?;
            }
            let target = if output.is_dir() { output.join(&name) } else { output };
            write_file(&target, &content)?;
            println!("wrote the case packet of referral {id} ({} bytes) to {}", content.len(), target.display());
            Ok(())
        }
    }
}

fn write_file(path: &Path, content: &[u8]) -> Result<()> {
    std::fs::write(path, content).with_context(|| format!("cannot write {}", path.display()))
}

/// Formats the proposal report for the terminal.
fn proposals_text(report: &legal::ProposalReport) -> String {
    let mut text = String::new();
    writeln_text!(text, "judicial transfer candidates of {} as of {} (more than {} days past due)", report.portfolio, report.as_of, report.min_days_past_due - 1);
    let line = |candidate: &TransferCandidate| {
        format!(
            "  {:<12} {:<30} {:>5} days  {} {:>14}",
            candidate.customer,
            truncate(&candidate.name, 30),
            candidate.days_past_due,
            candidate.currency,
            candidate.balance
        )
    };

    writeln_text!(text, "proposed, file complete: {}", report.proposed.len());
    for candidate in &report.proposed {
        let id = candidate.referral_id.map(|id| format!("  referral {id}")).unwrap_or_else(|| "  (proposed by the next run)".into());
        writeln_text!(text, "{}{id}", line(candidate));
    }

    writeln_text!(text, "held back, file incomplete: {}", report.incomplete.len());
    for candidate in &report.incomplete {
        writeln_text!(text, "{}  file: {}", line(candidate), describe_gaps(&candidate.missing));
    }

    writeln_text!(text, "rejected by a manager in the last {} days: {}", legal::REJECTION_PAUSE_DAYS, report.rejected.len());
    for candidate in &report.rejected {
        writeln_text!(text, "{}  rejected on {}", line(candidate), candidate.rejected_on.map(|date| date.to_string()).unwrap_or_default());
    }

    writeln_text!(text, "already with a law firm: {}", report.with_firm.len());
    for candidate in &report.with_firm {
        writeln_text!(text, "{}  {}", line(candidate), candidate.referral_status.as_deref().unwrap_or_default());
    }

    text
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(width - 1).collect();
    cut.push('…');
    cut
}

// ---------------------------------------------------------------------------
// Reports
// ---------------------------------------------------------------------------

pub async fn health_report(store: &Store, portfolio: &str, as_of: NaiveDate, format: OutputFormat, output: Option<&Path>) -> Result<()> {
    let report = health::health_check(store, portfolio, as_of).await?;
    let rows = report
        .entries
        .iter()
        .map(|entry| {
            let status = match entry.status {
                HealthStatus::Ok => "ok",
                HealthStatus::Warning => "WARNING",
                HealthStatus::Missing => "MISSING",
            };
            vec![Cell::Integer(i64::from(entry.number)), Cell::text(entry.question), Cell::text(status), Cell::text(&entry.figure), Cell::text(&entry.command)]
        })
        .collect();
    let headers = ["#", "question", "status", "figure", "to fix or see"].map(String::from).to_vec();
    let title = format!(
        "Health check of {} as of {}: {} ok, {} warnings, {} missing",
        report.portfolio,
        report.as_of,
        report.count(HealthStatus::Ok),
        report.count(HealthStatus::Warning),
        report.count(HealthStatus::Missing)
    );
    emit_table(format, output, "Health check", Table { title, headers, rows }, &serde_json::to_value(&report.entries)?)
}

pub async fn files_report(store: &Store, portfolio: &str, as_of: NaiveDate, scope: &str, format: OutputFormat, output: Option<&Path>) -> Result<()> {
    let scope = RequirementScope::parse(scope)?;
    let lines = files::incomplete_files(store, portfolio, scope, as_of).await?;
    let rows = lines
        .iter()
        .map(|line| vec![Cell::text(&line.customer_ref), Cell::text(&line.name), Cell::optional(line.collector.clone()), Cell::optional(line.stage.clone()), Cell::text(describe_gaps(&line.gaps))])
        .collect();
    let headers = ["customer", "name", "collector", "stage", "missing or expired"].map(String::from).to_vec();
    let title = format!("Open cases of {portfolio} whose file is incomplete for scope {} as of {as_of}: {}", scope.code(), lines.len());
    emit_table(format, output, "Incomplete files", Table { title, headers, rows }, &serde_json::to_value(&lines)?)
}

pub async fn referrals_report(store: &Store, portfolio: &str, format: OutputFormat, output: Option<&Path>) -> Result<()> {
    let lines = legal::referrals_by_firm(store, portfolio).await?;
    let rows = lines
        .iter()
        .map(|line| {
            vec![
                Cell::text(&line.firm),
                Cell::text(&line.firm_name),
                Cell::Integer(line.referrals),
                Cell::Integer(line.open),
                Cell::Integer(line.closed),
                Cell::text(line.currency.code()),
                Cell::Money(line.referred_minor, line.currency),
                Cell::Money(line.recovered_minor, line.currency),
                Cell::Money(line.fees_minor, line.currency),
                Cell::Money(line.recovered_minor - line.fees_minor, line.currency),
                Cell::text(format!("{}%", line.recovery_rate)),
            ]
        })
        .collect();
    let headers = ["firm", "name", "referrals", "open", "closed", "currency", "referred", "recovered", "fees", "net recovered", "recovery rate"].map(String::from).to_vec();
    let title = format!("Legal referrals of {portfolio} by law firm");
    emit_table(format, output, "Referrals by firm", Table { title, headers, rows }, &serde_json::to_value(&lines)?)
}
