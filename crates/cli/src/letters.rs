//! `recobro letters`: batch collection letters for the cases of a stage,
//! rendered to PDF and stored as drafts, then approved, emailed or queued
//! for printing.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use recobro_app::letters::{self, BatchRequest, LetterMail, LetterTarget};
use recobro_app::output::{Cell, OutputFormat, Table};
use recobro_app::reminders::Delivery;
use recobro_core::locale::Locale;
use recobro_documents::{Language, LetterKind};
use recobro_store::letter_settings::LetterSetting;
use recobro_store::{Store, portfolio};
use serde_json::json;

use crate::{emit_table, parse_date, parse_format};

#[derive(Subcommand)]
pub enum LettersCommand {
    /// Render the letters of every case in a stage on a date, store them as drafts and write one PDF per customer.
    Generate {
        #[arg(long)]
        portfolio: String,
        #[arg(long, value_parser = parse_date)]
        as_of: NaiveDate,
        /// reminder, formal_notice, demand (the stages with a demand letter, 121+ days by default) or a stage code of the policy.
        #[arg(long)]
        stage: String,
        /// es or en for every letter; omitted, each customer's language, else es.
        #[arg(long, value_parser = parse_language)]
        language: Option<Language>,
        /// The folder to write DIR/<customer-ref>.pdf into; created when missing.
        #[arg(long)]
        output: PathBuf,
        /// A folder of edited templates (DIR/es/demand.typ, ...), as `letters templates` writes them.
        #[arg(long, env = "RECOBRO_LETTER_TEMPLATES")]
        templates: Option<PathBuf>,
        /// The manager generating the batch; omitted, the drafts are recorded as created by `cli`.
        #[arg(long)]
        by: Option<String>,
    },
    /// List the stored letters of a portfolio.
    List {
        #[arg(long)]
        portfolio: String,
        /// draft, approved, sent, queued_for_print or cancelled.
        #[arg(long, value_parser = parse_status)]
        status: Option<String>,
        /// reminder, formal_notice or demand (also plan_agreement and settlement_offer).
        #[arg(long, value_parser = parse_kind)]
        kind: Option<LetterKind>,
        /// table, csv or json.
        #[arg(long, default_value = "table", value_parser = parse_format)]
        format: OutputFormat,
    },
    /// Approve one draft letter, or every draft of a kind, for delivery.
    Approve {
        #[arg(long)]
        portfolio: String,
        /// The letter's id from `letters list`.
        #[arg(long, conflicts_with = "all_drafts", required_unless_present = "all_drafts")]
        id: Option<i64>,
        /// Approve every draft of --kind.
        #[arg(long, requires = "kind")]
        all_drafts: bool,
        /// The kind of letter --all-drafts approves, such as demand.
        #[arg(long, value_parser = parse_kind)]
        kind: Option<LetterKind>,
        /// The approving manager or administrator.
        #[arg(long)]
        by: String,
    },
    /// Cancel a draft or approved letter.
    Cancel {
        #[arg(long)]
        portfolio: String,
        #[arg(long)]
        id: i64,
        #[arg(long)]
        by: String,
    },
    /// Email every approved letter to its customer with the PDF attached. The server is --smtp or RECOBRO_SMTP_URL, the sender RECOBRO_MAIL_FROM.
    Send {
        #[arg(long)]
        portfolio: String,
        /// smtp://HOST:PORT for a relay, smtp://USER:PASSWORD@HOST:587?tls=required or smtps://USER:PASSWORD@HOST:465.
        #[arg(long, env = "RECOBRO_SMTP_URL")]
        smtp: Option<String>,
        /// Write the messages as .eml files into this folder instead of sending them; nothing is recorded.
        #[arg(long)]
        dry_run: Option<PathBuf>,
        #[arg(long)]
        by: String,
    },
    /// Write the approved letters of customers without an email address to a folder and mark them queued for printing.
    Print {
        #[arg(long)]
        portfolio: String,
        #[arg(long)]
        output: PathBuf,
        #[arg(long)]
        by: String,
    },
    /// Write the embedded letter templates to a folder for editing; pass that folder to `generate --templates`.
    Templates {
        #[arg(long)]
        output: PathBuf,
    },
    /// Show the letterhead, signatory and payment term of a portfolio's letters; with --by, change them.
    Letterhead {
        #[arg(long)]
        portfolio: String,
        /// The company name printed at the top of every letter.
        #[arg(long)]
        company_name: Option<String>,
        /// One line of the company's postal address; repeat for each line.
        #[arg(long = "address-line")]
        address_lines: Vec<String>,
        #[arg(long)]
        tax_id: Option<String>,
        /// The name of the person who signs the letters.
        #[arg(long)]
        signatory_name: Option<String>,
        /// The signer's position, such as "Jefa de cobranza".
        #[arg(long)]
        signatory_title: Option<String>,
        /// Days from the letter's date to the date the customer is asked to pay by (1 to 365).
        #[arg(long)]
        pay_within_days: Option<i64>,
        /// The manager or administrator changing the setting; without it the setting is only shown.
        #[arg(long)]
        by: Option<String>,
    },
}

fn parse_language(text: &str) -> Result<Language, String> {
    Language::parse(text).ok_or_else(|| format!("invalid language {text:?}: expected es or en"))
}

fn parse_kind(text: &str) -> Result<LetterKind, String> {
    LetterKind::parse(text).ok_or_else(|| format!("invalid letter kind {text:?}: expected reminder, formal_notice, demand, plan_agreement or settlement_offer"))
}

fn parse_status(text: &str) -> Result<String, String> {
    match text {
        "draft" | "approved" | "sent" | "queued_for_print" | "cancelled" => Ok(text.to_string()),
        _ => Err(format!("invalid status {text:?}: expected draft, approved, sent, queued_for_print or cancelled")),
    }
}

pub async fn letters_command(store: &Store, command: LettersCommand) -> Result<()> {
    match command {
        LettersCommand::Generate { portfolio, as_of, stage, language, output, templates, by } => {
            let request = BatchRequest { portfolio: &portfolio, as_of, stage: &stage, language, templates: templates.as_deref(), by: by.as_deref() };
            generate(store, &request, &output).await
        }
        LettersCommand::List { portfolio, status, kind, format } => list(store, &portfolio, status.as_deref(), kind, format).await,
        LettersCommand::Approve { portfolio, id, all_drafts, kind, by } => {
            let target = match (id, all_drafts) {
                (Some(id), false) => LetterTarget::One(id),
                _ => LetterTarget::AllDrafts(kind),
            };
            let approved = letters::approve(store, &portfolio, target, &by).await?;
            println!("approved {} letters of portfolio {portfolio}", approved.len());
            for letter in &approved {
                println!("  {} {} {} as of {}", letter.id, letter.kind, letter.customer_ref, letter.as_of);
            }
            Ok(())
        }
        LettersCommand::Cancel { portfolio, id, by } => {
            let letter = letters::cancel(store, &portfolio, id, &by).await?;
            println!("cancelled the {} letter {id} of {}", letter.kind, letter.customer_ref);
            Ok(())
        }
        LettersCommand::Send { portfolio, smtp, dry_run, by } => send(store, &portfolio, smtp, dry_run, &by).await,
        LettersCommand::Print { portfolio, output, by } => {
            let summary = letters::queue_for_print(store, &portfolio, &output, &by).await?;
            println!("queued {} letters for printing in {}", summary.files.len(), output.display());
            Ok(())
        }
        LettersCommand::Templates { output } => write_templates(&output),
        LettersCommand::Letterhead { portfolio, company_name, address_lines, tax_id, signatory_name, signatory_title, pay_within_days, by } => {
            let mut conn = store.acquire().await?;
            let found = portfolio::find(&mut conn, &portfolio)
                .await?
                .with_context(|| format!("portfolio {portfolio:?} not found; list them with `recobro portfolio list`"))?;
            let mut setting = letters::letter_sender(&mut conn, &found).await?;
            drop(conn);
            let changes = company_name.is_some()
                || !address_lines.is_empty()
                || tax_id.is_some()
                || signatory_name.is_some()
                || signatory_title.is_some()
                || pay_within_days.is_some();
            match (changes, by) {
                (false, _) => {}
                (true, None) => bail!("give --by USER to change the letter setting"),
                (true, Some(by)) => {
                    let blank_to_none = |value: String| Some(value.trim().to_string()).filter(|value| !value.is_empty());
                    setting.company_name = company_name.unwrap_or(setting.company_name);
                    if !address_lines.is_empty() {
                        setting.address_lines = address_lines.into_iter().filter(|line| !line.trim().is_empty()).collect();
                    }
                    setting.tax_id = tax_id.map_or(setting.tax_id, blank_to_none);
                    setting.signatory_name = signatory_name.map_or(setting.signatory_name, blank_to_none);
                    setting.signatory_title = signatory_title.map_or(setting.signatory_title, blank_to_none);
                    setting.pay_within_days = pay_within_days.unwrap_or(setting.pay_within_days);
                    letters::set_letter_sender(store, &portfolio, &setting, &by).await?;
                    println!("saved the letter setting of portfolio {portfolio}");
                }
            }
            print_setting(&setting);
            Ok(())
        }
    }
}

async fn generate(store: &Store, request: &BatchRequest<'_>, output: &std::path::Path) -> Result<()> {
    let bar = ProgressBar::new(0);
    bar.set_style(ProgressStyle::with_template("letters [{bar:40}] {pos}/{len} ({eta})").expect("valid progress template").progress_chars("=> "));
    let progress_bar = bar.clone();
    let mut progress = move |done: usize, total: usize| {
        progress_bar.set_length(total as u64);
        progress_bar.set_position(done as u64);
    };
    let batch = letters::generate_with_progress(store, request, &mut progress).await;
    bar.finish_and_clear();
    let batch = batch?;
    let written = letters::write_batch(&batch, output)?;

    let kind = batch.selection.kind.code();
    println!(
        "{} {kind} letters of portfolio {} as of {} (stages {}) written to {}",
        batch.letters.len(),
        batch.portfolio,
        batch.as_of,
        batch.selection.stage_codes.join(", "),
        output.display()
    );
    println!("  drafts stored: {}", batch.drafted());
    println!("  already approved or delivered, kept: {}", batch.kept());
    if batch.under_plan > 0 {
        println!("  customers keeping a payment plan, left out: {}", batch.under_plan);
    }
    for skipped in &batch.skipped {
        println!("  skipped {}: {}", skipped.customer_ref, skipped.reason);
    }
    for (letter, path) in batch.letters.iter().zip(&written) {
        let total = if letter.status == "draft" {
            format!("{} {}", Locale::English.format_minor(letter.total_minor, letter.currency), letter.currency)
        } else {
            String::new()
        };
        println!("  {} {} {} {} {total} {}", letter.letter_id, letter.status, letter.language.code(), letter.customer_ref, path.display());
    }
    Ok(())
}

async fn list(store: &Store, portfolio_code: &str, status: Option<&str>, kind: Option<LetterKind>, format: OutputFormat) -> Result<()> {
    if format == OutputFormat::Xlsx {
        bail!("letters list writes table, csv or json");
    }
    let mut conn = store.acquire().await?;
    let found = portfolio::find(&mut conn, portfolio_code)
        .await?
        .with_context(|| format!("portfolio {portfolio_code:?} not found; list them with `recobro portfolio list`"))?;
    let stored = recobro_store::letters::list_letters(&mut conn, found.id, status, kind.map(LetterKind::code), None).await?;

    let headers = ["id", "as of", "kind", "status", "language", "customer", "name", "case", "bytes", "created by", "decided by", "delivered to"];
    let rows = stored
        .iter()
        .map(|letter| {
            vec![
                Cell::Integer(letter.id),
                Cell::text(letter.as_of.to_string()),
                Cell::text(&letter.kind),
                Cell::text(&letter.status),
                Cell::text(&letter.language),
                Cell::text(&letter.customer_ref),
                Cell::text(&letter.customer_name),
                letter.case_id.map_or(Cell::Empty, Cell::Integer),
                Cell::Integer(letter.size_bytes),
                Cell::text(&letter.created_by),
                Cell::optional(letter.decided_by.clone()),
                Cell::optional(letter.delivered_to.clone()),
            ]
        })
        .collect();
    let table = Table { title: format!("Letters of {portfolio_code}"), headers: headers.iter().map(|header| header.to_string()).collect(), rows };
    emit_table(format, None, "letters", table, &json!(stored))
}

async fn send(store: &Store, portfolio_code: &str, smtp: Option<String>, dry_run: Option<PathBuf>, by: &str) -> Result<()> {
    let delivery = match (dry_run, smtp) {
        (Some(folder), _) => Delivery::Folder(folder),
        (None, Some(url)) => Delivery::smtp_from_url(&url)?,
        (None, None) => bail!("give --smtp URL or set RECOBRO_SMTP_URL to send, or pass --dry-run FOLDER to write the messages to files"),
    };
    let sender = match (&delivery, std::env::var("RECOBRO_MAIL_FROM").ok()) {
        (_, Some(sender)) => sender,
        (Delivery::Folder(_), None) => "cobranza@localhost".to_string(),
        (Delivery::Smtp(_), None) => bail!("set RECOBRO_MAIL_FROM to the sender, such as \"Cobranza <cobranza@example.com>\""),
    };
    let mail = LetterMail { delivery: delivery.clone(), sender };
    let summary = letters::send(store, portfolio_code, &mail, by).await?;

    match &delivery {
        Delivery::Folder(folder) => println!("wrote {} letter emails to {} (nothing was sent or recorded)", summary.written, folder.display()),
        Delivery::Smtp(server) => println!("sent {} letters through {}; {} failed", summary.sent, server.display, summary.failed.len()),
    }
    for (id, error) in &summary.failed {
        println!("  letter {id} failed and stays approved: {error}");
    }
    if !summary.without_email.is_empty() {
        println!("  customers without an email address, letters left approved for `letters print`: {}", summary.without_email.join(", "));
    }
    Ok(())
}

/// Writes every embedded template under `folder`, keeping its layout.
fn write_templates(folder: &std::path::Path) -> Result<()> {
    let paths = recobro_documents::embedded_template_paths();
    for relative in &paths {
        let text = recobro_documents::embedded_template(relative).with_context(|| format!("embedded template {relative} is missing"))?;
        let path = folder.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    println!("wrote {} templates to {}; edit them and pass --templates {} to `letters generate`", paths.len(), folder.display(), folder.display());
    Ok(())
}

fn print_setting(setting: &LetterSetting) {
    println!("company name: {}", setting.company_name);
    for line in &setting.address_lines {
        println!("address: {line}");
    }
    println!("tax id: {}", setting.tax_id.as_deref().unwrap_or("-"));
    println!("signatory: {}", setting.signatory_name.as_deref().unwrap_or("-"));
    println!("signatory title: {}", setting.signatory_title.as_deref().unwrap_or("-"));
    println!("pay within days: {}", setting.pay_within_days);
}
