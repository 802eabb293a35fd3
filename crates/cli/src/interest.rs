//! `recobro interest`: late interest on one overdue amount, computed
//! without a database (`calc`). The `statement` subcommand writes the
//! interest statement of a customer, and `rule` sets and lists the
//! late-interest rules of a portfolio.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use recobro_app::output::{Cell, Table};
use recobro_app::statement::{self, RuleRequest};
use recobro_store::{Store, portfolio};
use recobro_core::interest::regimes::Regime;
use recobro_core::interest::{DayCount, Debt, Exclusion, ExclusionKind, InterestResult, InterestRule, Payment, RateTable, RoundingMethod, calculate};
use recobro_core::money::format_minor;
use recobro_core::{Currency, Money};
use rust_decimal::Decimal;
use serde_json::json;

use crate::parse_date;

/// The currency of a contractual rate when `--currency` is not given.
const CONTRACTUAL_DEFAULT_CURRENCY: &str = "EUR";

#[derive(Subcommand)]
pub(crate) enum InterestCommand {
    /// Compute the late interest and fixed compensation of one overdue amount, without a database.
    Calc(CalcArgs),
    /// Write a customer's interest statement as of a date: per document, each period with days, rate and interest, and the totals.
    Statement(StatementArgs),
    /// Set and list the late-interest rules of a portfolio and its customers.
    #[command(subcommand)]
    Rule(RuleCommand),
}

impl InterestCommand {
    /// Returns whether the command reads or writes the database.
    pub(crate) fn needs_database(&self) -> bool {
        !matches!(self, InterestCommand::Calc(_))
    }
}

#[derive(Args)]
pub(crate) struct StatementArgs {
    #[arg(long)]
    portfolio: String,
    /// The customer's reference.
    #[arg(long)]
    customer: String,
    /// The statement's date (YYYY-MM-DD): interest runs through it.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    as_of: NaiveDate,
    /// json, pdf or xlsx. The pdf and xlsx formats need --output.
    #[arg(long, default_value = "json", value_parser = parse_statement_format)]
    format: StatementFormat,
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Language of the PDF and XLSX: es or en. Default: the customer's language, else es.
    #[arg(long, value_name = "LANGUAGE", value_parser = parse_language)]
    language: Option<recobro_documents::Language>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StatementFormat {
    Json,
    Pdf,
    Xlsx,
}

fn parse_statement_format(text: &str) -> Result<StatementFormat, String> {
    match text {
        "json" => Ok(StatementFormat::Json),
        "pdf" => Ok(StatementFormat::Pdf),
        "xlsx" => Ok(StatementFormat::Xlsx),
        _ => Err("expected json, pdf or xlsx".to_string()),
    }
}

fn parse_language(text: &str) -> Result<recobro_documents::Language, String> {
    recobro_documents::Language::parse(text).ok_or_else(|| "expected es or en".to_string())
}

#[derive(Subcommand)]
pub(crate) enum RuleCommand {
    /// Set the rule of a portfolio, or of one customer with --customer, from a date on.
    Set(RuleSetArgs),
    /// List the rules of a portfolio and its customers.
    List {
        #[arg(long)]
        portfolio: String,
        /// table or json.
        #[arg(long, default_value = "table", value_parser = parse_output)]
        format: InterestFormat,
    },
}

#[derive(Args)]
#[command(group = clap::ArgGroup::new("rule_source").required(true).args(["rate", "regime"]))]
pub(crate) struct RuleSetArgs {
    #[arg(long)]
    portfolio: String,
    /// A customer's reference, for a rule of that customer only.
    #[arg(long)]
    customer: Option<String>,
    /// Statutory regime: uk-late-payment, es-late-payment, mx-commercial, co-usury-capped or pe-legal.
    #[arg(long, value_name = "REGIME")]
    regime: Option<String>,
    /// Contractual annual rate in percent, such as 12.5; simple interest.
    #[arg(long, value_name = "PERCENT")]
    rate: Option<String>,
    /// Day count of --rate: act365 (the default), act360 or actact.
    #[arg(long, value_name = "CONVENTION", requires = "rate")]
    day_count: Option<String>,
    /// Days after the due date within which a payment bears no interest.
    #[arg(long, value_name = "DAYS", default_value_t = 0)]
    grace_days: u32,
    /// First day the rule applies (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    effective: NaiveDate,
    /// The manager or administrator setting the rule, for the audit trail.
    #[arg(long)]
    by: Option<String>,
}

#[derive(Args)]
#[command(group = clap::ArgGroup::new("rate_source").required(true).args(["rate", "regime"]))]
pub(crate) struct CalcArgs {
    /// Overdue principal in the currency's units, such as 1500.00.
    #[arg(long, value_name = "AMOUNT", allow_hyphen_values = true, value_parser = parse_amount)]
    principal: Decimal,
    /// Due date (YYYY-MM-DD); interest runs from the next day.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    due: NaiveDate,
    /// Last day of interest (YYYY-MM-DD), included: the payment or as-of date.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    until: NaiveDate,
    /// Contractual annual rate in percent, such as 12.5; simple interest.
    #[arg(long, value_name = "PERCENT", allow_hyphen_values = true, value_parser = parse_percent)]
    rate: Option<Decimal>,
    /// Day count of --rate: act365 (the default), act360 or actact.
    #[arg(long, value_name = "CONVENTION", requires = "rate", value_parser = parse_day_count)]
    day_count: Option<DayCount>,
    /// Statutory regime: uk-late-payment, es-late-payment, mx-commercial, co-usury-capped or pe-legal.
    #[arg(long, value_name = "REGIME", value_parser = parse_regime)]
    regime: Option<Regime>,
    /// ISO 4217 code of the principal. Default: the regime's (GBP, EUR, MXN, COP or PEN), or EUR with --rate.
    #[arg(long, value_name = "CODE")]
    currency: Option<String>,
    /// Legal maximum annual rate in percent for --rate, such as 24.36.
    #[arg(long, value_name = "PERCENT", requires = "rate", value_parser = parse_percent)]
    cap: Option<Decimal>,
    /// Days after the due date within which a payment bears no interest.
    #[arg(long, value_name = "DAYS")]
    grace_days: Option<u32>,
    /// Part of a payment applied to principal, as DATE:AMOUNT; repeat for several.
    #[arg(long = "payment", value_name = "DATE:AMOUNT")]
    payments: Vec<String>,
    /// A disputed span, as FROM:TO or FROM:TO:AMOUNT (TO may be "open"); without AMOUNT the whole document.
    #[arg(long = "dispute", value_name = "FROM:TO[:AMOUNT]")]
    disputes: Vec<String>,
    /// A waived span, in the form of --dispute.
    #[arg(long = "waive", value_name = "FROM:TO[:AMOUNT]")]
    waivers: Vec<String>,
    /// total (round the total once) or daily-amount (round one day's interest, then multiply, as gov.uk shows).
    #[arg(long, value_name = "METHOD", default_value = "total", value_parser = parse_rounding)]
    rounding: RoundingMethod,
    /// json or table.
    #[arg(long, default_value = "table", value_parser = parse_output)]
    format: InterestFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InterestFormat {
    Json,
    Table,
}

fn parse_output(text: &str) -> Result<InterestFormat, String> {
    match text {
        "json" => Ok(InterestFormat::Json),
        "table" => Ok(InterestFormat::Table),
        _ => Err("expected json or table".to_string()),
    }
}

fn parse_amount(text: &str) -> Result<Decimal, String> {
    let amount: Decimal = text.trim().parse().map_err(|_| "expected an amount such as 1500.00".to_string())?;
    if amount.is_sign_negative() && !amount.is_zero() {
        return Err("the principal cannot be negative".to_string());
    }
    Ok(amount)
}

fn parse_percent(text: &str) -> Result<Decimal, String> {
    let percent: Decimal = text.trim().parse().map_err(|_| "expected an annual rate in percent such as 12.5".to_string())?;
    if percent.is_sign_negative() && !percent.is_zero() {
        return Err("a rate cannot be negative".to_string());
    }
    Ok(percent)
}

fn parse_day_count(text: &str) -> Result<DayCount, String> {
    DayCount::parse(text).ok_or_else(|| "expected act365, act360 or actact".to_string())
}

fn parse_regime(text: &str) -> Result<Regime, String> {
    let names: Vec<&str> = Regime::ALL.iter().map(|regime| regime.code()).collect();
    Regime::parse(text).ok_or_else(|| format!("unknown regime; expected one of {}", names.join(", ")))
}

fn parse_rounding(text: &str) -> Result<RoundingMethod, String> {
    match text {
        "total" => Ok(RoundingMethod::Total),
        "daily-amount" => Ok(RoundingMethod::DailyAmount),
        _ => Err("expected total or daily-amount".to_string()),
    }
}

/// Runs `interest calc`, the subcommand without a database.
pub(crate) fn offline_command(command: &InterestCommand) -> Result<()> {
    match command {
        InterestCommand::Calc(args) => calc(args),
        _ => unreachable!("only calc runs without a database"),
    }
}

/// Runs the subcommands that use the database.
pub(crate) async fn interest_command(store: &Store, command: &InterestCommand) -> Result<()> {
    match command {
        InterestCommand::Calc(args) => calc(args),
        InterestCommand::Statement(args) => write_statement(store, args).await,
        InterestCommand::Rule(RuleCommand::Set(args)) => set_rule(store, args).await,
        InterestCommand::Rule(RuleCommand::List { portfolio, format }) => list_rules(store, portfolio, *format).await,
    }
}

async fn write_statement(store: &Store, args: &StatementArgs) -> Result<()> {
    if args.format != StatementFormat::Json && args.output.is_none() {
        let name = if args.format == StatementFormat::Pdf { "pdf" } else { "xlsx" };
        bail!("--format {name} writes a binary file: give --output FILE.{name}");
    }
    let statement = statement::customer_statement(store, &args.portfolio, &args.customer, args.as_of).await?;
    let language = args.language.unwrap_or_else(|| statement.customer.language.as_deref().and_then(recobro_documents::Language::parse).unwrap_or(recobro_documents::Language::Es));
    if statement.rule.is_none() {
        eprintln!("warning: {}", statement::NO_RULE_NOTICE);
    }

    let bytes = match args.format {
        StatementFormat::Json => format!("{}\n", serde_json::to_string_pretty(&statement::statement_json(&statement))?).into_bytes(),
        StatementFormat::Pdf => recobro_documents::render_statement(&recobro_web::documents::statement_document(&statement), language)?,
        StatementFormat::Xlsx => statement::statement_xlsx(&statement, language.locale())?,
    };
    match &args.output {
        Some(path) => std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))?,
        None => std::io::Write::write_all(&mut std::io::stdout(), &bytes)?,
    }
    Ok(())
}

async fn set_rule(store: &Store, args: &RuleSetArgs) -> Result<()> {
    let request = RuleRequest {
        portfolio: args.portfolio.clone(),
        customer: args.customer.clone(),
        regime: args.regime.clone(),
        rate: args.rate.clone(),
        day_count: args.day_count.clone(),
        grace_days: args.grace_days,
        effective_on: args.effective,
    };
    let actor = crate::acting_user(&mut *store.acquire().await?, args.by.as_deref(), &["admin", "manager"], "set interest rules").await?;
    let id = statement::set_rule(store, &request, &actor).await?;
    let owner = match &args.customer {
        Some(customer) => format!("customer {customer} of portfolio {}", args.portfolio),
        None => format!("portfolio {}", args.portfolio),
    };
    println!("interest rule {id} set for {owner} from {}", args.effective);
    Ok(())
}

async fn list_rules(store: &Store, code: &str, format: InterestFormat) -> Result<()> {
    let mut conn = store.acquire().await?;
    let found = portfolio::find(&mut conn, code).await?.with_context(|| format!("portfolio {code:?} not found; list them with `recobro portfolio list`"))?;
    let rules = recobro_store::interest::list_rules(&mut conn, found.id).await?;
    match format {
        InterestFormat::Json => {
            let items: Vec<serde_json::Value> = rules
                .iter()
                .map(|rule| {
                    json!({
                        "id": rule.id,
                        "customer": rule.customer_ref,
                        "regime": rule.regime,
                        "rate": rule.annual_rate,
                        "day_count": rule.day_count,
                        "grace_days": rule.grace_days,
                        "effective_on": rule.effective_on.to_string(),
                        "created_by": rule.created_by,
                        "created_at": rule.created_at,
                    })
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&items)?);
        }
        InterestFormat::Table => {
            let rows = rules
                .iter()
                .map(|rule| {
                    vec![
                        Cell::Integer(rule.id),
                        Cell::text(rule.customer_ref.clone().unwrap_or_else(|| "(portfolio)".to_string())),
                        Cell::optional(rule.regime.clone()),
                        Cell::optional(rule.annual_rate.as_ref().map(|rate| format!("{rate} %"))),
                        Cell::text(&rule.day_count),
                        Cell::Integer(rule.grace_days),
                        Cell::text(rule.effective_on.to_string()),
                        Cell::text(&rule.created_by),
                    ]
                })
                .collect();
            let headers = ["id", "customer", "regime", "rate", "day count", "grace days", "effective", "set by"].map(String::from).to_vec();
            let table = Table { title: format!("Late-interest rules of {code}: {}", rules.len()), headers, rows };
            print!("{}", table.render_terminal());
        }
    }
    Ok(())
}

fn calc(args: &CalcArgs) -> Result<()> {
    let currency = currency_of(args)?;
    let rule = rule_of(args)?;
    let debt = debt_of(args, currency)?;

    let result = calculate(&rule, &debt)?;
    match args.format {
        InterestFormat::Json => println!("{}", serde_json::to_string_pretty(&result_json(args, &rule, &result))?),
        InterestFormat::Table => print!("{}", result_table(args, &result).render_terminal()),
    }
    Ok(())
}

/// Picks the currency: `--currency`, else the regime's, else EUR. A regime
/// with fixed sums or rates of one currency rejects any other.
fn currency_of(args: &CalcArgs) -> Result<Currency> {
    let given = args.currency.as_deref().map(Currency::parse).transpose()?;
    match (args.regime, given) {
        (Some(regime), Some(currency)) if currency != regime.currency() && !regime.accepts_other_currencies() => {
            bail!("invalid --currency {currency} for --regime {}: the regime applies to {} debts only", regime.code(), regime.currency())
        }
        (_, Some(currency)) => Ok(currency),
        (Some(regime), None) => Ok(regime.currency()),
        (None, None) => Ok(Currency::parse(CONTRACTUAL_DEFAULT_CURRENCY).expect("valid code")),
    }
}

fn rule_of(args: &CalcArgs) -> Result<InterestRule> {
    let mut rule = match (args.rate, args.regime) {
        (Some(percent), None) => InterestRule::contractual(percent, args.day_count.unwrap_or(DayCount::Act365Fixed)),
        (None, Some(regime)) => regime.rule(),
        _ => unreachable!("clap requires exactly one of --rate and --regime"),
    };

    if let Some(cap) = args.cap {
        rule.cap = Some(RateTable::fixed("--cap", cap));
    }
    if let Some(days) = args.grace_days {
        rule.grace_days = days;
    }
    rule.rounding = args.rounding;
    if let Err(error) = rule.validate() {
        if args.rounding == RoundingMethod::DailyAmount {
            bail!("invalid --rounding daily-amount for this rule: {error}");
        }
        return Err(error.into());
    }
    Ok(rule)
}

fn debt_of(args: &CalcArgs, currency: Currency) -> Result<Debt> {
    if args.until < args.due {
        bail!("invalid --until {}: it is before --due {}; give the last day of interest, on or after the due date", args.until, args.due);
    }
    let principal = to_minor("--principal", &args.principal.to_string(), args.principal, currency)?;

    let mut payments = Vec::new();
    for text in &args.payments {
        let (date, amount) = text.split_once(':').ok_or_else(|| anyhow::anyhow!("invalid --payment {text:?}: expected DATE:AMOUNT, such as 2024-03-15:250.00"))?;
        let date = parse_date(date).map_err(|reason| anyhow::anyhow!("invalid --payment {text:?}: {reason}"))?;
        let amount: Decimal = amount.parse().map_err(|_| anyhow::anyhow!("invalid --payment {text:?}: {amount:?} is not an amount such as 250.00"))?;
        payments.push(Payment { date, amount_minor: to_minor("--payment", text, amount, currency)? });
    }

    let mut exclusions = Vec::new();
    for (option, kind, texts) in [("--dispute", ExclusionKind::Dispute, &args.disputes), ("--waive", ExclusionKind::Waiver, &args.waivers)] {
        for text in texts {
            exclusions.push(parse_exclusion(option, kind, text, currency)?);
        }
    }

    Ok(Debt { principal_minor: principal, currency, due_date: args.due, until: args.until, payments, exclusions })
}

/// Converts an amount to minor units, rejecting more decimals than the
/// currency has.
fn to_minor(option: &str, text: &str, amount: Decimal, currency: Currency) -> Result<i64> {
    match Money::from_decimal(amount, currency) {
        Ok(money) => Ok(money.minor),
        Err(error) => bail!("invalid {option} {text:?}: {error}"),
    }
}

/// Parses FROM:TO or FROM:TO:AMOUNT, where TO may be `open`.
fn parse_exclusion(option: &str, kind: ExclusionKind, text: &str, currency: Currency) -> Result<Exclusion> {
    let invalid = |reason: String| anyhow::anyhow!("invalid {option} {text:?}: {reason}");
    let parts: Vec<&str> = text.split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return Err(invalid("expected FROM:TO or FROM:TO:AMOUNT, such as 2024-03-10:2024-03-20 or 2024-03-10:open:500.00".to_string()));
    }

    let first_day = parse_date(parts[0]).map_err(invalid)?;
    let last_day = match parts[1] {
        "open" => None,
        day => Some(parse_date(day).map_err(invalid)?),
    };
    let amount_minor = match parts.get(2) {
        None => None,
        Some(amount) => {
            let amount: Decimal = amount.parse().map_err(|_| invalid(format!("{amount:?} is not an amount such as 500.00")))?;
            Some(to_minor(option, text, amount, currency)?)
        }
    };
    Ok(Exclusion { kind, first_day, last_day, amount_minor })
}

fn amount(minor: i64, currency: Currency) -> String {
    format_minor(minor, currency)
}

/// Formats a base in minor units, rounded to whole minor units when
/// capitalized interest made it fractional.
fn base_amount(base_minor: Decimal, currency: Currency) -> String {
    amount(i64::try_from(base_minor.round()).unwrap_or(i64::MAX), currency)
}

fn result_json(args: &CalcArgs, rule: &InterestRule, result: &InterestResult) -> serde_json::Value {
    let currency = result.currency;
    let periods: Vec<serde_json::Value> = result
        .periods
        .iter()
        .map(|period| {
            json!({
                "start": period.start.to_string(),
                "end": period.end.to_string(),
                "days": period.days,
                "base": base_amount(period.base_minor, currency),
                "rate": period.annual_percent.map(|percent| percent.normalize().to_string()),
                "year_days": period.year_days,
                "factor": period.factor.map(|factor| factor.to_string()),
                "interest": amount(period.interest_minor, currency),
            })
        })
        .collect();

    json!({
        "principal": amount(result.principal_minor, currency),
        "currency": currency.code(),
        "due": args.due.to_string(),
        "until": args.until.to_string(),
        "regime": args.regime.map(Regime::code),
        "rate": args.rate.map(|percent| percent.normalize().to_string()),
        "day_count": rule.day_count.code(),
        "reference_date": result.reference_date.map(|date| date.to_string()),
        "days": result.days,
        "interest": amount(result.interest_minor, currency),
        "compensation": amount(result.compensation_minor, currency),
        "total": amount(result.total_minor(), currency),
        "periods": periods,
    })
}

fn result_table(args: &CalcArgs, result: &InterestResult) -> Table {
    let currency = result.currency;
    let mut title = format!("Late interest on {} {currency} due {} until {}", amount(result.principal_minor, currency), args.due, args.until);
    match (args.regime, args.rate) {
        (Some(regime), _) => write!(title, " under {}", regime.code()).expect("writing to a String"),
        (None, Some(percent)) => write!(title, " at {} % a year", percent.normalize()).expect("writing to a String"),
        (None, None) => {}
    }
    if let Some(reference_date) = result.reference_date {
        write!(title, ", rate fixed on {reference_date}").expect("writing to a String");
    }

    let mut rows: Vec<Vec<Cell>> = result
        .periods
        .iter()
        .map(|period| {
            let rate = match (period.annual_percent, period.factor) {
                (Some(percent), _) => Cell::text(format!("{} %", percent.normalize())),
                (None, Some(factor)) => Cell::text(format!("factor {factor:.8}")),
                (None, None) => Cell::Empty,
            };
            vec![
                Cell::text(period.start.to_string()),
                Cell::text(period.end.to_string()),
                Cell::Integer(period.days),
                Cell::Money(i64::try_from(period.base_minor.round()).unwrap_or(i64::MAX), currency),
                rate,
                period.year_days.map_or(Cell::Empty, |days| Cell::Integer(i64::from(days))),
                Cell::Money(period.interest_minor, currency),
            ]
        })
        .collect();

    let summary = [("interest", result.interest_minor), ("compensation", result.compensation_minor), ("total", result.total_minor())];
    for (label, minor) in summary {
        let days = if label == "interest" { Cell::Integer(result.days) } else { Cell::Empty };
        rows.push(vec![Cell::text(label), Cell::Empty, days, Cell::Empty, Cell::Empty, Cell::Empty, Cell::Money(minor, currency)]);
    }

    let headers = ["from", "to", "days", "base", "annual rate", "year days", "interest"].map(String::from).to_vec();
    Table { title, headers, rows }
}
