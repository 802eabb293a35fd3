//! The `recobro` command: portfolios, import, the daily run, reports and
//! the demo.

mod bench;
mod demo;
mod disputes;
mod interest;
mod legal;
mod letters;
mod negotiation;
mod policy;
mod team;
mod users;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use recobro_app::import::{self, Profile, RecordKind};
use recobro_app::output::{OutputFormat, Table};
use recobro_app::reports::{self, AgingGroup, CaseList};
use recobro_app::run;
use recobro_core::Currency;
use recobro_store::{Store, portfolio};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "recobro", version, about = "Accounts-receivable collections: aging, daily run, problem cases and judicial transfer candidates")]
struct Cli {
    /// Database URL: sqlite://PATH (created when missing) or postgres://USER@HOST/DB.
    #[arg(long, global = true, env = "RECOBRO_DB", default_value = "sqlite://recobro.db")]
    db: String,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create and list portfolios.
    #[command(subcommand)]
    Portfolio(PortfolioCommand),
    /// Import a CSV or XLSX file into a portfolio, all or nothing.
    Import(ImportArgs),
    /// Run the daily job as of a date: aging, case stages, tasks and the run record.
    Run(RunArgs),
    /// Print a report.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Build a fresh demo database from the bundled data, run it, print the reports and serve the web pages.
    Demo(DemoArgs),
    /// Manage users of the web application and the API.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Assign a customer to a collector; its open tasks follow.
    Assign {
        #[arg(long)]
        portfolio: String,
        /// The customer's reference.
        #[arg(long)]
        customer: String,
        /// The collector's username; omit to leave the customer unassigned.
        #[arg(long)]
        collector: Option<String>,
    },
    /// Open and resolve disputes on documents.
    #[command(subcommand)]
    Dispute(DisputeCommand),
    /// Change a customer's relationship status (active, watch, credit_hold, do_not_continue).
    Customer {
        #[arg(long)]
        portfolio: String,
        /// The customer's reference.
        #[arg(long)]
        customer: String,
        #[arg(long)]
        status: String,
    },
    /// Export the customers on credit hold or not to continue, for the ERP and sales.
    ExportHolds {
        #[arg(long)]
        portfolio: String,
        /// table, csv, json or xlsx.
        #[arg(long, default_value = "csv", value_parser = parse_format)]
        format: OutputFormat,
        /// Write to this file instead of standard output (required for xlsx).
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Send the reminder emails of the daily run's tasks.
    #[command(subcommand)]
    Reminders(RemindersCommand),
    /// Collection letters: generate a stage's letters as PDF drafts, approve, email or print them.
    #[command(subcommand)]
    Letters(letters::LettersCommand),
    /// Show, change and simulate the collection policy.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Print a collector's open tasks due on or before a date, most urgent first.
    Worklist {
        #[arg(long)]
        portfolio: String,
        /// The collector's username; omit for every collector's tasks.
        #[arg(long)]
        collector: Option<String>,
        #[arg(long, value_parser = parse_date)]
        as_of: NaiveDate,
        /// table or json.
        #[arg(long, default_value = "table", value_parser = parse_format)]
        format: OutputFormat,
    },
    /// Propose, approve, reject and follow payment plans (convenios de pago).
    #[command(subcommand)]
    Plan(negotiation::PlanCommand),
    /// Offer settlements with interest waivers, and approve or reject them.
    #[command(subcommand)]
    Settlement(negotiation::SettlementCommand),
    /// Request, approve and list write-offs of uncollectable balances.
    #[command(subcommand, name = "write-off")]
    WriteOff(negotiation::WriteOffCommand),
    /// Show and set the approval limits of plans and settlement offers.
    #[command(subcommand)]
    Negotiation(negotiation::NegotiationCommand),
    /// Manage teams, member capacities and the rules that assign customers.
    #[command(subcommand)]
    Team(team::TeamCommand),
    /// Confirm or dismiss the stricter customer statuses the daily run suggests.
    #[command(subcommand)]
    Suggestions(team::SuggestionsCommand),
    /// Measure import, the daily run, reports and pages on a generated portfolio, on SQLite and PostgreSQL.
    Bench(bench::BenchArgs),
    /// Compute late interest on an overdue amount, write interest statements and set late-interest rules.
    #[command(subcommand)]
    Interest(interest::InterestCommand),
    /// Keep each customer's file (expediente): upload, list, checklist and requirements.
    #[command(subcommand)]
    File(legal::FileCommand),
    /// Keep the registry of law firms for judicial collection.
    #[command(subcommand, name = "lawfirm")]
    LawFirm(legal::LawFirmCommand),
    /// Propose, approve and follow transfers to judicial collection.
    #[command(subcommand)]
    Legal(legal::LegalCommand),
    /// Serve the web application and the JSON API.
    Serve {
        /// Address and port to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
    },
}

#[derive(Args)]
pub(crate) struct DemoArgs {
    /// Build the database and print the reports, without serving the web pages.
    #[arg(long)]
    no_serve: bool,
    /// Address and port the web pages are served on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: std::net::SocketAddr,
}

#[derive(Subcommand)]
pub(crate) enum UserCommand {
    /// Add a user. The password is read from standard input.
    Add {
        #[arg(long)]
        username: String,
        /// admin, manager, collector, legal or viewer.
        #[arg(long)]
        role: String,
        /// es or en; without it the browser's language is used.
        #[arg(long)]
        language: Option<String>,
    },
    /// List the users.
    List,
}

#[derive(Subcommand)]
pub(crate) enum DisputeCommand {
    /// Open a dispute: the document gets no reminders or escalation while it is open.
    Open {
        #[arg(long)]
        portfolio: String,
        /// The document's number.
        #[arg(long)]
        document: String,
        /// invoice or debit_note.
        #[arg(long, default_value = "invoice")]
        kind: String,
        /// The customer's reason.
        #[arg(long)]
        reason: String,
        /// The day the customer raised it (YYYY-MM-DD).
        #[arg(long, value_parser = parse_date)]
        date: NaiveDate,
    },
    /// Close the open dispute of a document as accepted or rejected.
    Resolve {
        #[arg(long)]
        portfolio: String,
        #[arg(long)]
        document: String,
        #[arg(long, default_value = "invoice")]
        kind: String,
        /// accepted (the customer was right) or rejected.
        #[arg(long)]
        outcome: String,
        #[arg(long, value_parser = parse_date)]
        date: NaiveDate,
        /// The credit note issued for an accepted dispute.
        #[arg(long)]
        credit_note: Option<String>,
        /// What was decided and why.
        #[arg(long)]
        note: Option<String>,
    },
}

#[derive(Subcommand)]
enum RemindersCommand {
    /// Email each pending reminder, in the customer's language, with the
    /// statement of overdue documents. The relay is RECOBRO_SMTP_URL
    /// (smtp://HOST:PORT) and the sender RECOBRO_MAIL_FROM.
    Send {
        #[arg(long)]
        portfolio: String,
        #[arg(long, value_parser = parse_date)]
        as_of: NaiveDate,
        /// Write the messages as .eml files into this folder instead of sending them; nothing is recorded.
        #[arg(long)]
        dry_run: Option<PathBuf>,
        /// A folder with reminder.es.txt and reminder.en.txt that replace the built-in templates.
        #[arg(long, env = "RECOBRO_TEMPLATE_DIR")]
        templates: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
pub(crate) enum PolicyCommand {
    /// Print the policy in force as TOML.
    Show {
        #[arg(long)]
        portfolio: String,
        /// The date whose policy is printed; default the latest run date, else today.
        #[arg(long, value_parser = parse_date)]
        as_of: Option<NaiveDate>,
    },
    /// Store a policy file as a new version, effective on a date after the latest run.
    Set {
        #[arg(long)]
        portfolio: String,
        #[arg(long, value_parser = parse_date)]
        effective: NaiveDate,
        file: PathBuf,
    },
    /// Compare a policy file with the policy in force on a date, writing nothing.
    Simulate {
        #[arg(long)]
        portfolio: String,
        #[arg(long, value_parser = parse_date)]
        as_of: NaiveDate,
        file: PathBuf,
        /// table or json.
        #[arg(long, default_value = "table", value_parser = parse_format)]
        format: OutputFormat,
    },
    /// List the stored versions with their effective dates.
    History {
        #[arg(long)]
        portfolio: String,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an API token for a user and print it; the API takes it as "Authorization: Bearer TOKEN".
    Create {
        #[arg(long)]
        username: String,
    },
}

#[derive(Subcommand)]
enum PortfolioCommand {
    /// Create a portfolio.
    Add {
        /// Short code used by every other command, such as ibm-ar.
        #[arg(long)]
        code: String,
        /// The creditor's name, as reports and letters show it.
        #[arg(long)]
        name: String,
        /// Default currency of its documents (ISO 4217), such as USD or MXN.
        #[arg(long)]
        currency: String,
        /// IANA time zone whose calendar dates the portfolio uses.
        #[arg(long, default_value = "UTC")]
        time_zone: String,
    },
    /// List the portfolios.
    List,
}

#[derive(Args)]
#[command(group = clap::ArgGroup::new("mapping_source").required(true).args(["profile", "kind"]))]
struct ImportArgs {
    #[arg(long)]
    portfolio: String,
    /// A built-in mapping profile (ibm-ar, uci-cards, bench-customers, bench-invoices, bench-payments) or a profile file.
    #[arg(long, conflicts_with_all = ["kind", "mapping"])]
    profile: Option<String>,
    /// What the file holds: customers, documents, payments, allocations, disputes, actions or snapshot.
    #[arg(long)]
    kind: Option<String>,
    /// A mapping profile (TOML) for --kind; without it the columns must carry the field names.
    #[arg(long)]
    mapping: Option<PathBuf>,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
    /// The CSV or XLSX file to import.
    file: PathBuf,
}

#[derive(Args)]
struct RunArgs {
    #[arg(long)]
    portfolio: String,
    /// The business date of the run (YYYY-MM-DD).
    #[arg(long, value_parser = parse_date)]
    as_of: NaiveDate,
}

#[derive(Args)]
struct ReportArgs {
    #[arg(long)]
    portfolio: String,
    /// The date of the report (YYYY-MM-DD); later payments are ignored.
    #[arg(long, value_parser = parse_date)]
    as_of: NaiveDate,
    /// table, csv, json or xlsx.
    #[arg(long, default_value = "table", value_parser = parse_format)]
    format: OutputFormat,
    /// Write to this file instead of standard output (required for xlsx).
    #[arg(long)]
    output: Option<PathBuf>,
}

#[derive(Subcommand)]
enum ReportCommand {
    /// Open balances by days-past-due bucket, as of any date.
    Aging {
        #[command(flatten)]
        report: ReportArgs,
        /// bucket, customer, segment or collector.
        #[arg(long, default_value = "bucket", value_parser = parse_group)]
        by: AgingGroup,
    },
    /// Customers 90 or more days past due, with their last and next actions.
    ProblemCases(ReportArgs),
    /// Customers more than 120 days past due: judicial transfer candidates.
    LegalCandidates(ReportArgs),
    /// The stored run records of a portfolio.
    Runs {
        #[arg(long)]
        portfolio: String,
    },
    /// The ten questions of the portfolio health check, answered from live data.
    Health(ReportArgs),
    /// Open cases whose customer file lacks a required document or has only an expired one.
    Files {
        #[command(flatten)]
        report: ReportArgs,
        /// customer (every customer in collection) or legal (before a judicial transfer).
        #[arg(long, default_value = "customer")]
        scope: String,
    },
    /// Legal referrals by law firm: referred, recovered, fees and recovery rate.
    Referrals {
        #[arg(long)]
        portfolio: String,
        /// table, csv, json or xlsx.
        #[arg(long, default_value = "table", value_parser = parse_format)]
        format: OutputFormat,
        /// Write to this file instead of standard output (required for xlsx).
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

/// Returns the name the audit trail records for a command: `by`, once it
/// names an active user whose role is one of `roles`, or `cli` when the
/// command was given no `--by`.
pub(crate) async fn acting_user(conn: &mut recobro_store::Conn, by: Option<&str>, roles: &[&str], action: &str) -> Result<String> {
    let Some(username) = by else { return Ok("cli".to_string()) };
    let user = recobro_store::users::find_user(conn, username)
        .await?
        .filter(|user| user.active)
        .with_context(|| format!("--by {username:?}: no active user of that name; see `recobro user list`"))?;
    if !roles.contains(&user.role.as_str()) {
        bail!("--by {username:?}: the role {} may not {action}; {} may", user.role, roles.join(" or "));
    }
    Ok(user.username)
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    recobro_core::parse_iso_date(text).map_err(|_| format!("invalid date {text:?}: expected a calendar date in the form YYYY-MM-DD, such as 2024-01-31"))
}

fn parse_format(text: &str) -> Result<OutputFormat, String> {
    OutputFormat::parse(text).ok_or_else(|| format!("invalid format {text:?}: expected table, csv, json or xlsx"))
}

fn parse_group(text: &str) -> Result<AgingGroup, String> {
    AgingGroup::parse(text).ok_or_else(|| format!("invalid grouping {text:?}: expected bucket, customer, segment or collector"))
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("RECOBRO_LOG").unwrap_or_else(|_| "warn".into()))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();

    let cli = Cli::parse();
    match execute(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{}", error_report(&error));
            exit_code(&error)
        }
    }
}

/// Status 3 when the daily run was already running in another instance,
/// 1 for every other error.
fn exit_code(error: &anyhow::Error) -> ExitCode {
    match error.downcast_ref::<run::RunError>() {
        Some(run::RunError::AlreadyRunning { .. }) => ExitCode::from(3),
        _ => ExitCode::FAILURE,
    }
}

/// The error and the causes it does not already quote, one per line.
/// Several error types include their cause's text in their own message, so
/// printing the whole chain would repeat it.
fn error_report(error: &anyhow::Error) -> String {
    let mut report = format!("error: {error}");
    let mut shown = error.to_string();
    for cause in error.chain().skip(1) {
        let text = cause.to_string();
        if !shown.contains(&text) {
            report.push_str(&format!("\n  caused by: {text}"));
            shown.push_str(&text);
        }
    }
    report
}

async fn execute(cli: Cli) -> Result<()> {
    if let Command::Demo(args) = &cli.command {
        let explicit_db = std::env::args().any(|arg| arg == "--db" || arg.starts_with("--db=")) || std::env::var_os("RECOBRO_DB").is_some();
        return demo::run(explicit_db.then_some(cli.db.as_str()), args).await;
    }
    if let Command::Interest(command) = &cli.command
        && !command.needs_database()
    {
        return interest::offline_command(command);
    }
    if let Command::Bench(args) = cli.command {
        return bench::run(args).await;
    }

    let store = Store::open(&cli.db).await.with_context(|| format!("cannot open database {}", cli.db))?;
    let result = match cli.command {
        Command::Portfolio(command) => portfolio_command(&store, command).await,
        Command::Import(args) => import_command(&store, args).await,
        Command::Run(args) => run_command(&store, args).await,
        Command::Report(command) => report_command(&store, command).await,
        Command::User(command) => users::user_command(&store, command).await,
        Command::Token(TokenCommand::Create { username }) => users::create_token(&store, &username).await,
        Command::Assign { portfolio, customer, collector } => users::assign(&store, &portfolio, &customer, collector.as_deref()).await,
        Command::Policy(command) => policy::policy_command(&store, command).await,
        Command::Plan(command) => negotiation::plan_command(&store, command).await,
        Command::Settlement(command) => negotiation::settlement_command(&store, command).await,
        Command::WriteOff(command) => negotiation::write_off_command(&store, command).await,
        Command::Negotiation(command) => negotiation::negotiation_command(&store, command).await,
        Command::Team(command) => team::team_command(&store, command).await,
        Command::File(command) => legal::file_command(&store, command).await,
        Command::LawFirm(command) => legal::law_firm_command(&store, command).await,
        Command::Legal(command) => legal::legal_command(&store, command).await,
        Command::Suggestions(command) => team::suggestions_command(&store, command).await,
        Command::Dispute(command) => disputes::dispute_command(&store, command).await,
        Command::Customer { portfolio, customer, status } => disputes::set_status(&store, &portfolio, &customer, &status).await,
        Command::ExportHolds { portfolio, format, output } => disputes::export_holds(&store, &portfolio, format, output).await,
        Command::Letters(command) => letters::letters_command(&store, command).await,
        Command::Reminders(RemindersCommand::Send { portfolio, as_of, dry_run, templates }) => send_reminders(&store, &portfolio, as_of, dry_run, templates).await,
        Command::Worklist { portfolio, collector, as_of, format } => policy::worklist(&store, &portfolio, collector.as_deref(), as_of, format).await,
        Command::Serve { addr } => match recobro_web::listen(addr).await {
            Ok(listener) => {
                println!("serving {} on http://{addr}/ (stop with Ctrl+C)", cli.db);
                recobro_web::serve(store.clone(), listener).await
            }
            Err(error) => Err(error),
        },
        Command::Interest(command) => interest::interest_command(&store, &command).await,
        Command::Demo(_) | Command::Bench(_) => unreachable!("handled above"),
    };
    store.close().await;
    result
}

async fn portfolio_command(store: &Store, command: PortfolioCommand) -> Result<()> {
    let mut conn = store.acquire().await?;
    match command {
        PortfolioCommand::Add { code, name, currency, time_zone } => {
            let currency = Currency::parse(&currency)?;
            if !looks_like_time_zone(&time_zone) {
                bail!("invalid time zone {time_zone:?}: use an IANA name such as America/Mexico_City, Europe/Madrid or UTC");
            }
            if code.is_empty() || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                bail!("invalid portfolio code {code:?}: use letters, digits, - and _");
            }
            if portfolio::find(&mut conn, &code).await?.is_some() {
                bail!("portfolio {code:?} already exists");
            }
            portfolio::create(&mut conn, &code, &name, currency, &time_zone).await?;
            println!("created portfolio {code} ({name}, {currency}, {time_zone})");
        }
        PortfolioCommand::List => {
            let portfolios = portfolio::list(&mut conn).await?;
            if portfolios.is_empty() {
                println!("no portfolios yet: create one with `recobro portfolio add --code CODE --name NAME --currency USD`");
            }
            for portfolio in portfolios {
                println!("{}\t{}\t{}\t{}", portfolio.code, portfolio.currency, portfolio.time_zone, portfolio.name);
            }
        }
    }
    Ok(())
}

/// Whether `name` has the shape of an IANA time zone name: `UTC`, or areas
/// and a location separated by slashes.
// NOTE: this checks the shape only; the name is not looked up in the time
// zone database, which the binary does not carry.
fn looks_like_time_zone(name: &str) -> bool {
    if name == "UTC" {
        return true;
    }
    let parts: Vec<&str> = name.split('/').collect();
    let known_area = ["Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific", "Etc"].contains(&parts[0]);
    let valid_parts = parts.iter().all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+')));
    parts.len() >= 2 && known_area && valid_parts
}

fn load_profile(args: &ImportArgs) -> Result<Profile> {
    if let Some(name) = &args.profile {
        if let Some(profile) = import::mapping::built_in(name) {
            return Ok(profile?);
        }
        let path = Path::new(name);
        if !path.exists() {
            bail!("unknown profile {name:?}: use a built-in profile ({}) or the path of a profile file", import::mapping::built_in_names().join(", "));
        }
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read profile {}", path.display()))?;
        return Ok(Profile::parse(&path.display().to_string(), &text, None)?);
    }

    let kind_name = args.kind.as_deref().expect("clap requires --kind without --profile");
    let kind = RecordKind::from_cli_name(kind_name).with_context(|| {
        let names: Vec<&str> = RecordKind::ALL.iter().map(|kind| kind.cli_name()).collect();
        format!("unknown kind {kind_name:?}: expected one of {}", names.join(", "))
    })?;
    match &args.mapping {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("cannot read mapping {}", path.display()))?;
            Ok(Profile::parse(&path.display().to_string(), &text, Some(kind))?)
        }
        None => Ok(Profile::canonical(kind)),
    }
}

async fn import_command(store: &Store, args: ImportArgs) -> Result<()> {
    let profile = load_profile(&args)?;
    let summary = import::import_file(store, &args.portfolio, &args.file, profile).await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
        return Ok(());
    }
    let state = if summary.changed { "imported" } else { "nothing new in" };
    let rows = if summary.rows == 1 { "1 row".to_string() } else { format!("{} rows", summary.rows) };
    println!("{state} {} ({rows}, profile {})", summary.file, summary.profile);
    for (kind, counts) in &summary.counts {
        println!("  {kind}: {} created, {} updated, {} unchanged", counts.created, counts.updated, counts.unchanged);
    }
    Ok(())
}

async fn send_reminders(store: &Store, portfolio: &str, as_of: NaiveDate, dry_run: Option<PathBuf>, templates: Option<PathBuf>) -> Result<()> {
    use recobro_app::reminders::{Delivery, MailSettings};

    let sender = std::env::var("RECOBRO_MAIL_FROM").ok();
    let delivery = match dry_run {
        Some(folder) => Delivery::Folder(folder),
        None => {
            let url = std::env::var("RECOBRO_SMTP_URL").map_err(|_| anyhow::anyhow!("set RECOBRO_SMTP_URL to send (smtp://HOST:PORT for a relay, smtp://USER:PASSWORD@HOST:587?tls=required or smtps://USER:PASSWORD@HOST:465 for a mail server), or pass --dry-run FOLDER to write the messages to files"))?;
            Delivery::smtp_from_url(&url)?
        }
    };
    let sender = match (&delivery, sender) {
        (_, Some(sender)) => sender,
        (Delivery::Folder(_), None) => "cobranza@localhost".to_string(),
        (Delivery::Smtp { .. }, None) => bail!("set RECOBRO_MAIL_FROM to the sender, such as \"Cobranza <cobranza@example.com>\""),
    };
    let settings = MailSettings { delivery: delivery.clone(), sender, template_dir: templates };
    let summary = recobro_app::reminders::send_reminders(store, portfolio, as_of, &settings).await?;

    match delivery {
        Delivery::Folder(folder) => println!("wrote {} reminders to {} (nothing was sent or recorded)", summary.written, folder.display()),
        Delivery::Smtp(server) => println!("sent {} reminders through {}; {} failed", summary.sent, server.display, summary.failed),
    }
    println!("  customers without an email address: {}", summary.without_email);
    println!("  reminders cancelled, nothing undisputed overdue: {}", summary.nothing_due);
    if summary.in_doubt > 0 {
        println!("  attempts in doubt after an interruption: {} (check the mail server's log; they are not sent again)", summary.in_doubt);
    }
    Ok(())
}

async fn run_command(store: &Store, args: RunArgs) -> Result<()> {
    let outcome = run::run_daily(store, &args.portfolio, args.as_of).await?;
    print_run(&outcome);
    Ok(())
}

pub(crate) fn print_run(outcome: &run::RunOutcome) {
    let counts = &outcome.counts;
    println!("daily run of {} as of {} finished in {} ms", outcome.portfolio, outcome.as_of, outcome.duration_ms);
    println!("  open items: {}", counts.open_items);
    println!("  open cases: {} ({} opened, {} closed)", counts.cases_open, counts.cases_opened, counts.cases_closed);
    println!("  stage changes: {} ({} skipped stages recorded)", counts.stage_changes, counts.stages_skipped);
    println!("  tasks created: {}", counts.tasks_created);
    println!(
        "  promises to pay: {} kept, {} partly kept, {} broken",
        counts.promises_kept, counts.promises_partly_kept, counts.promises_broken
    );
    println!("  problem cases (90+): {}", counts.problem_cases);
    println!("  judicial transfer candidates (121+): {}", counts.legal_candidates);
    let transfers = &outcome.transfers;
    if transfers.pending + transfers.incomplete_files + transfers.withdrawn > 0 {
        println!(
            "  legal transfer proposals: {} new, {} waiting for approval, {} held back by an incomplete file, {} withdrawn (see `recobro legal proposals`)",
            transfers.proposed, transfers.pending, transfers.incomplete_files, transfers.withdrawn
        );
    }
    if outcome.plans_broken + outcome.plans_completed > 0 {
        println!("  payment plans: {} completed, {} broken", outcome.plans_completed, outcome.plans_broken);
    }
    if outcome.offers_paid + outcome.offers_expired > 0 {
        println!("  settlement offers: {} paid, {} expired", outcome.offers_paid, outcome.offers_expired);
    }
    if outcome.status_suggestions > 0 {
        println!("  new status suggestions: {} (see `recobro suggestions list`)", outcome.status_suggestions);
    }
}

async fn report_command(store: &Store, command: ReportCommand) -> Result<()> {
    match command {
        ReportCommand::Aging { report, by } => {
            let aging = reports::aging(store, &report.portfolio, report.as_of, by).await?;
            emit(&report, "Aging", aging.to_table(), &aging.to_json())
        }
        ReportCommand::ProblemCases(report) => {
            let lines = reports::case_list(store, &report.portfolio, report.as_of, CaseList::ProblemCases).await?;
            let title = format!("Problem cases (90+ days past due) of {} as of {}: {}", report.portfolio, report.as_of, lines.len());
            emit(&report, "Problem cases", reports::case_table(title, &lines), &serde_json::to_value(&lines)?)
        }
        ReportCommand::LegalCandidates(report) => {
            let lines = reports::case_list(store, &report.portfolio, report.as_of, CaseList::LegalCandidates).await?;
            let title = format!("Judicial transfer candidates (more than 120 days past due) of {} as of {}: {}", report.portfolio, report.as_of, lines.len());
            emit(&report, "Legal candidates", reports::case_table(title, &lines), &serde_json::to_value(&lines)?)
        }
        ReportCommand::Health(report) => legal::health_report(store, &report.portfolio, report.as_of, report.format, report.output.as_deref()).await,
        ReportCommand::Files { report, scope } => legal::files_report(store, &report.portfolio, report.as_of, &scope, report.format, report.output.as_deref()).await,
        ReportCommand::Referrals { portfolio, format, output } => legal::referrals_report(store, &portfolio, format, output.as_deref()).await,
        ReportCommand::Runs { portfolio } => {
            let mut conn = store.acquire().await?;
            let found = recobro_store::portfolio::find(&mut conn, &portfolio).await?.with_context(|| format!("portfolio {portfolio:?} not found"))?;
            let runs = recobro_store::runs::list_runs(&mut conn, found.id).await?;
            if runs.is_empty() {
                println!("no runs yet for {portfolio}: start one with `recobro run --portfolio {portfolio} --as-of YYYY-MM-DD`");
            }
            for run in runs {
                println!(
                    "{}\texecutions {}\t{} ms\topen cases {}\tproblem cases {}\tlegal candidates {}\ttasks created {}",
                    run.as_of, run.executions, run.duration_ms, run.cases_open, run.problem_cases, run.legal_candidates, run.tasks_created
                );
            }
            Ok(())
        }
    }
}

/// Writes a report in the chosen format to the output file or standard
/// output; `sheet_name` names the sheet of a workbook.
fn emit(args: &ReportArgs, sheet_name: &str, table: Table, json: &serde_json::Value) -> Result<()> {
    emit_table(args.format, args.output.as_deref(), sheet_name, table, json)
}

pub(crate) fn emit_table(format: OutputFormat, output: Option<&Path>, sheet_name: &str, table: Table, json: &serde_json::Value) -> Result<()> {
    match (format, output) {
        (OutputFormat::Xlsx, None) => bail!("--format xlsx needs --output FILE.xlsx"),
        (OutputFormat::Xlsx, Some(path)) => table.write_xlsx(path, sheet_name).with_context(|| format!("cannot write {}", path.display()))?,
        (format, output) => {
            let text = match format {
                OutputFormat::Table => table.render_terminal(),
                OutputFormat::Json => format!("{}\n", serde_json::to_string_pretty(json)?),
                OutputFormat::Csv => {
                    let mut buffer = Vec::new();
                    table.write_csv(&mut buffer)?;
                    String::from_utf8(buffer).expect("CSV of UTF-8 cells is UTF-8")
                }
                OutputFormat::Xlsx => unreachable!("handled above"),
            };
            match output {
                Some(path) => std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?,
                None => std::io::stdout().write_all(text.as_bytes())?,
            }
        }
    }
    Ok(())
}
