//! `recobro plan`, `recobro settlement` and `recobro write-off`: payment
//! plans, settlement offers with interest waivers, and write-offs, each
//! proposed and decided by a named user within their authority.

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use recobro_app::negotiation::plans::{self, PlanProposal, PlanRequest};
use recobro_app::negotiation::settlements::{self, OfferRequest, WaiverAmount};
use recobro_app::negotiation::limits::{self, ApprovalLimits};
use recobro_app::negotiation::write_offs;
use recobro_app::negotiation::{NegotiationError, Negotiator, find_portfolio, letters};
use recobro_app::output::{Cell, OutputFormat, Table};
use recobro_core::Currency;
use recobro_core::money::format_minor;
use recobro_core::plan::{Frequency, InterestMethod};
use recobro_store::negotiation::{self as stored, OfferRecord, PlanRecord, WriteOffRecord};
use recobro_documents::LetterKind;
use recobro_store::{Store, browse};
use recobro_web::documents;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::{emit_table, parse_date, parse_format};

#[derive(Subcommand)]
pub enum PlanCommand {
    /// Compute a payment plan for a customer's open documents; with --by, record it as a proposal.
    Propose(ProposeArgs),
    /// Approve a proposed plan; it takes effect at once.
    Approve(DecisionArgs),
    /// Reject a proposed plan, with a reason.
    Reject(DecisionArgs),
    /// List the plans of a portfolio or of one customer.
    List(ListArgs),
    /// Write the plan agreement letter as a PDF, in the customer's language unless --language sets another.
    Letter {
        #[arg(long)]
        portfolio: String,
        #[arg(long)]
        id: i64,
        /// es or en.
        #[arg(long, value_parser = parse_language)]
        language: Option<recobro_documents::Language>,
        /// The PDF file to write.
        #[arg(long)]
        output: std::path::PathBuf,
        /// A folder of edited letter templates (DIR/es/plan_agreement.typ, DIR/en/...).
        #[arg(long)]
        templates: Option<std::path::PathBuf>,
    },
    /// Print one plan with its installments and what was paid of each.
    Show {
        #[arg(long)]
        portfolio: String,
        #[arg(long)]
        plan: i64,
        /// table or json.
        #[arg(long, default_value = "table", value_parser = parse_format)]
        format: OutputFormat,
    },
}

#[derive(Args)]
pub struct ProposeArgs {
    #[arg(long)]
    portfolio: String,
    /// The customer's reference.
    #[arg(long)]
    customer: String,
    /// Number of installments after the down payment (1 to 360).
    #[arg(long)]
    installments: u32,
    /// monthly, biweekly (every 14 days) or weekly.
    #[arg(long, value_parser = parse_frequency)]
    frequency: Frequency,
    /// Due date of the first installment.
    #[arg(long, value_parser = parse_date)]
    first_due: NaiveDate,
    /// Down payment due on the agreement date, in the customer's currency (e.g. 500.00).
    #[arg(long)]
    down_payment: Option<Decimal>,
    /// Annual interest on the plan in percent (e.g. 12 for 12%); 0 when omitted.
    #[arg(long)]
    rate: Option<Decimal>,
    /// french (equal installments) or flat (interest on the whole financed amount).
    #[arg(long, default_value = "french", value_parser = parse_method)]
    method: InterestMethod,
    /// Days after an installment's due date before a missed payment breaks the plan.
    #[arg(long, default_value_t = plans::DEFAULT_GRACE_DAYS)]
    grace_days: u32,
    /// Replace the covered documents by one debit note per installment.
    #[arg(long)]
    refinance: bool,
    /// Agreement date; today when omitted.
    #[arg(long, value_parser = parse_date)]
    agreed_on: Option<NaiveDate>,
    /// Record the proposal as this user; without it nothing is saved.
    #[arg(long)]
    by: Option<String>,
    /// table or json.
    #[arg(long, default_value = "table", value_parser = parse_format)]
    format: OutputFormat,
}

#[derive(Args)]
pub struct DecisionArgs {
    #[arg(long)]
    portfolio: String,
    /// The number from `list`.
    #[arg(long)]
    id: i64,
    /// The deciding user; their role must allow the decision.
    #[arg(long)]
    by: String,
    /// Why; required to reject or cancel.
    #[arg(long)]
    reason: Option<String>,
    /// Decision date; today when omitted.
    #[arg(long, value_parser = parse_date)]
    on: Option<NaiveDate>,
}

#[derive(Args)]
pub struct ListArgs {
    #[arg(long)]
    portfolio: String,
    /// Only this customer's.
    #[arg(long)]
    customer: Option<String>,
    /// table, csv, json or xlsx.
    #[arg(long, default_value = "table", value_parser = parse_format)]
    format: OutputFormat,
    /// Write to this file (required for xlsx).
    #[arg(long)]
    output: Option<std::path::PathBuf>,
}

#[derive(Subcommand)]
pub enum SettlementCommand {
    /// Offer a lump sum by a date in exchange for waiving interest.
    Offer(OfferArgs),
    /// Approve an offer waiting for approval.
    Approve(DecisionArgs),
    /// Reject an offer waiting for approval, with a reason.
    Reject(DecisionArgs),
    /// Cancel an offer waiting or approved, with a reason; nothing is waived.
    Cancel(DecisionArgs),
    /// List the offers of a portfolio or of one customer.
    List(ListArgs),
    /// Write the settlement offer letter as a PDF, in the customer's language unless --language sets another.
    Letter(LetterArgs),
}

#[derive(Args)]
pub struct LetterArgs {
    #[arg(long)]
    portfolio: String,
    /// The number from `list`.
    #[arg(long)]
    id: i64,
    /// es or en.
    #[arg(long, value_parser = parse_language)]
    language: Option<recobro_documents::Language>,
    /// The PDF file to write.
    #[arg(long)]
    output: std::path::PathBuf,
    /// A folder of edited letter templates (DIR/es/settlement_offer.typ, DIR/en/...).
    #[arg(long)]
    templates: Option<std::path::PathBuf>,
}

#[derive(Args)]
pub struct OfferArgs {
    #[arg(long)]
    portfolio: String,
    #[arg(long)]
    customer: String,
    /// Late interest owed, in the customer's currency (see `recobro interest statement`).
    #[arg(long, default_value = "0")]
    interest: Decimal,
    /// Fees owed, in the customer's currency.
    #[arg(long, default_value = "0")]
    fees: Decimal,
    /// Interest to waive: an amount (250.00) or a percent of the interest (40%).
    #[arg(long)]
    waive: String,
    /// Principal discount, in the customer's currency.
    #[arg(long, default_value = "0")]
    discount: Decimal,
    /// The last day the lump sum may arrive.
    #[arg(long, value_parser = parse_date)]
    pay_by: NaiveDate,
    /// The offering user.
    #[arg(long)]
    by: String,
    /// Offer date; today when omitted.
    #[arg(long, value_parser = parse_date)]
    on: Option<NaiveDate>,
    /// table or json.
    #[arg(long, default_value = "table", value_parser = parse_format)]
    format: OutputFormat,
}

#[derive(Subcommand)]
pub enum WriteOffCommand {
    /// Request the write-off of an uncollectable balance.
    Request {
        #[arg(long)]
        portfolio: String,
        #[arg(long)]
        customer: String,
        /// Amount to write off, in the customer's currency.
        #[arg(long)]
        amount: Decimal,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        by: String,
        #[arg(long, value_parser = parse_date)]
        on: Option<NaiveDate>,
    },
    /// Approve a write-off: the amount leaves the aging totals.
    Approve(DecisionArgs),
    /// Reject a write-off, with a reason.
    Reject(DecisionArgs),
    /// List write-offs with what was recovered after each.
    List(ListArgs),
}

fn parse_language(text: &str) -> Result<recobro_documents::Language, String> {
    recobro_documents::Language::parse(text).ok_or_else(|| format!("invalid language {text:?}: expected es or en"))
}

fn parse_frequency(text: &str) -> Result<Frequency, String> {
    Frequency::from_code(text).ok_or_else(|| format!("invalid frequency {text:?}: expected monthly, biweekly or weekly"))
}

fn parse_method(text: &str) -> Result<InterestMethod, String> {
    InterestMethod::from_code(text).ok_or_else(|| format!("invalid method {text:?}: expected french or flat"))
}

fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

fn amount(minor: i64, currency: Currency) -> String {
    format_minor(minor, currency)
}

pub async fn plan_command(store: &Store, command: PlanCommand) -> Result<()> {
    match command {
        PlanCommand::Propose(args) => propose(store, args).await,
        PlanCommand::Approve(args) => decide_plan(store, args, true).await,
        PlanCommand::Reject(args) => decide_plan(store, args, false).await,
        PlanCommand::List(args) => {
            let mut conn = store.acquire().await?;
            let portfolio = find_portfolio(&mut conn, &args.portfolio).await?;
            let customer_id = customer_id(&mut conn, portfolio.id, args.customer.as_deref()).await?;
            let plans = stored::list_plans(&mut conn, portfolio.id, customer_id, &[]).await?;
            let json = Value::Array(plans.iter().map(plan_json).collect());
            emit_table(args.format, args.output.as_deref(), "Plans", plans_table(&args.portfolio, &plans), &json)
        }
        PlanCommand::Letter { portfolio, id, language, output, templates } => plan_letter(store, &portfolio, id, language, &output, templates.as_deref()).await,
        PlanCommand::Show { portfolio, plan: plan_id, format } => {
            let mut conn = store.acquire().await?;
            let found = find_portfolio(&mut conn, &portfolio).await?;
            let plan = stored::find_plan(&mut conn, found.id, plan_id).await?.with_context(|| format!("plan {plan_id} not found in {portfolio}: see `recobro plan list`"))?;
            let installments = stored::plan_installments(&mut conn, plan_id).await?;
            let currency = plan.currency;
            let rows = installments
                .iter()
                .map(|i| vec![Cell::Integer(i.number), Cell::text(i.due_on.to_string()), Cell::Money(i.amount_minor, currency), Cell::Money(i.paid_minor, currency), Cell::text(&i.status)])
                .collect();
            let table = Table { title: format!("Plan {plan_id} of {} ({}, {})", plan.customer_ref, plan.status, currency), headers: ["installment", "due", "amount", "paid", "status"].map(String::from).to_vec(), rows };
            let mut json = plan_json(&plan);
            json["installments"] = Value::Array(installments.iter().map(|i| json!({"number": i.number, "due_date": i.due_on, "principal": amount(i.principal_minor, currency), "interest": amount(i.interest_minor, currency), "amount": amount(i.amount_minor, currency), "paid": amount(i.paid_minor, currency), "status": i.status})).collect());
            emit_table(format, None, "Plan", table, &json)
        }
    }
}

async fn propose(store: &Store, args: ProposeArgs) -> Result<()> {
    let request = PlanRequest {
        portfolio: args.portfolio.clone(),
        customer_ref: args.customer.clone(),
        installments: args.installments,
        frequency: args.frequency,
        first_due: args.first_due,
        down_payment: args.down_payment,
        rate: args.rate,
        interest_method: args.method,
        grace_days: args.grace_days,
        agreed_on: args.agreed_on.unwrap_or_else(today),
        refinancing: args.refinance,
    };

    let mut tx = store.begin().await?;
    let (by, save) = match &args.by {
        Some(username) => (Negotiator::load(&mut tx, username).await?, true),
        // Without a user the plan is only computed, with a collector's limits.
        None => (Negotiator::from_user_role("(preview)", "collector")?, false),
    };
    let proposal = plans::propose_plan(&mut tx, &request, &by, save).await?;
    tx.commit().await?;
    if !save {
        eprintln!("nothing was saved: pass --by USERNAME to record this plan as a proposal");
    }

    match args.format {
        OutputFormat::Json => println!("{}", serde_json::to_string_pretty(&proposal_json(&proposal, save))?),
        OutputFormat::Table => print!("{}", proposal_table(&proposal, save).render_terminal()),
        other => bail!("plan propose prints table or json, not {other:?}"),
    }
    Ok(())
}

fn proposal_json(proposal: &PlanProposal, saved: bool) -> Value {
    let plan = &proposal.plan;
    let currency = plan.currency;
    let document = |d: &stored::OpenDocument| json!({"number": d.number, "due_date": d.due_date, "open": amount(d.open_minor, currency)});
    json!({
        "id": saved.then_some(plan.id),
        "saved": saved,
        "customer": plan.customer_ref,
        "currency": currency.code(),
        "status": if saved { plan.status.as_str() } else { "not_saved" },
        "refinancing": plan.refinancing,
        "total": amount(plan.total_minor, currency),
        "down_payment": amount(plan.down_payment_minor, currency),
        "financed": amount(plan.financed_minor, currency),
        "interest": amount(plan.interest_minor, currency),
        "amount_due": amount(proposal.schedule.amount_due_minor(), currency),
        "annual_rate": plan.annual_rate,
        "method": plan.interest_method,
        "frequency": plan.frequency,
        "grace_days": plan.grace_days,
        "agreed_on": plan.agreed_on,
        "required_role": proposal.required_role.code(),
        "limits_exceeded": proposal.breaches.iter().map(|breach| breach.code()).collect::<Vec<_>>(),
        "installments": proposal.schedule.installments.iter().map(|i| json!({
            "number": i.number,
            "due_date": i.due_date,
            "principal": amount(i.principal_minor, currency),
            "interest": amount(i.interest_minor, currency),
            "amount": amount(i.amount_minor, currency),
        })).collect::<Vec<_>>(),
        "documents": proposal.documents.iter().map(document).collect::<Vec<_>>(),
        "disputed_left_out": proposal.disputed_left_out.iter().map(document).collect::<Vec<_>>(),
    })
}

fn proposal_table(proposal: &PlanProposal, saved: bool) -> Table {
    let plan = &proposal.plan;
    let currency = plan.currency;
    let rows = proposal
        .schedule
        .installments
        .iter()
        .map(|i| vec![Cell::Integer(i64::from(i.number)), Cell::text(i.due_date.to_string()), Cell::Money(i.principal_minor, currency), Cell::Money(i.interest_minor, currency), Cell::Money(i.amount_minor, currency)])
        .collect();
    let state = if saved { format!("plan {} {}", plan.id, plan.status) } else { "not saved".to_string() };
    Table {
        title: format!(
            "Payment plan for {} ({state}): {} {currency} in {} installments, interest {}, needs a {}",
            plan.customer_ref,
            amount(plan.total_minor, currency),
            plan.installment_count,
            amount(plan.interest_minor, currency),
            proposal.required_role.code()
        ),
        headers: ["installment", "due", "principal", "interest", "amount"].map(String::from).to_vec(),
        rows,
    }
}

fn plan_json(plan: &PlanRecord) -> Value {
    let currency = plan.currency;
    json!({
        "id": plan.id,
        "customer": plan.customer_ref,
        "status": plan.status,
        "currency": currency.code(),
        "refinancing": plan.refinancing,
        "total": amount(plan.total_minor, currency),
        "interest": amount(plan.interest_minor, currency),
        "installments": plan.installment_count,
        "frequency": plan.frequency,
        "first_due_date": plan.first_due_on,
        "agreed_on": plan.agreed_on,
        "proposed_by": plan.proposed_by,
        "decided_by": plan.decided_by,
        "decided_on": plan.decided_on,
        "decision_reason": plan.decision_reason,
        "broken_on": plan.broken_on,
        "broken_installment": plan.broken_installment,
        "completed_on": plan.completed_on,
    })
}

fn plans_table(portfolio: &str, plans: &[PlanRecord]) -> Table {
    let rows = plans
        .iter()
        .map(|p| {
            vec![
                Cell::Integer(p.id),
                Cell::text(&p.customer_ref),
                Cell::text(&p.status),
                Cell::Money(p.total_minor, p.currency),
                Cell::Integer(p.installment_count),
                Cell::text(&p.frequency),
                Cell::text(p.agreed_on.to_string()),
                Cell::optional(p.broken_on.map(|date| date.to_string())),
            ]
        })
        .collect();
    Table { title: format!("Payment plans of {portfolio}"), headers: ["id", "customer", "status", "total", "installments", "frequency", "agreed", "broken"].map(String::from).to_vec(), rows }
}

async fn customer_id(conn: &mut recobro_store::Conn, portfolio_id: i64, customer: Option<&str>) -> Result<Option<i64>> {
    let Some(reference) = customer else { return Ok(None) };
    let (id, _) = browse::find_customer(conn, portfolio_id, reference).await?.with_context(|| format!("customer {reference:?} not found"))?;
    Ok(Some(id))
}

async fn decide_plan(store: &Store, args: DecisionArgs, approve: bool) -> Result<()> {
    let mut tx = store.begin().await?;
    let by = Negotiator::load(&mut tx, &args.by).await?;
    let plan = plans::decide_plan(&mut tx, &args.portfolio, args.id, &by, approve, args.on.unwrap_or_else(today), args.reason.as_deref()).await?;
    tx.commit().await?;
    println!("plan {} of {} is {}", plan.id, plan.customer_ref, plan.status);
    Ok(())
}

pub async fn settlement_command(store: &Store, command: SettlementCommand) -> Result<()> {
    match command {
        SettlementCommand::Offer(args) => {
            let waiver = WaiverAmount::parse(&args.waive).map_err(|message| anyhow::anyhow!("--waive: {message}"))?;
            let request = OfferRequest {
                portfolio: args.portfolio.clone(),
                customer_ref: args.customer.clone(),
                interest_owed: args.interest,
                fees_owed: args.fees,
                interest_waiver: waiver,
                principal_discount: args.discount,
                offered_on: args.on.unwrap_or_else(today),
                pay_by: args.pay_by,
            };
            let mut tx = store.begin().await?;
            let by = Negotiator::load(&mut tx, &args.by).await?;
            let offer = settlements::make_offer(&mut tx, &request, &by).await?;
            tx.commit().await?;
            let json = offer_json(&offer);
            emit_table(args.format, None, "Offer", offers_table(&args.portfolio, std::slice::from_ref(&offer)), &json)
        }
        SettlementCommand::Approve(args) => decide_offer(store, args, true).await,
        SettlementCommand::Reject(args) => decide_offer(store, args, false).await,
        SettlementCommand::Cancel(args) => cancel_offer(store, args).await,
        SettlementCommand::Letter(args) => settlement_letter(store, &args.portfolio, args.id, args.language, &args.output, args.templates.as_deref()).await,
        SettlementCommand::List(args) => {
            let mut conn = store.acquire().await?;
            let portfolio = find_portfolio(&mut conn, &args.portfolio).await?;
            let customer_id = customer_id(&mut conn, portfolio.id, args.customer.as_deref()).await?;
            let offers = stored::list_offers(&mut conn, portfolio.id, customer_id, &[]).await?;
            let json = Value::Array(offers.iter().map(offer_json).collect());
            emit_table(args.format, args.output.as_deref(), "Settlement offers", offers_table(&args.portfolio, &offers), &json)
        }
    }
}

async fn decide_offer(store: &Store, args: DecisionArgs, approve: bool) -> Result<()> {
    let mut tx = store.begin().await?;
    let by = Negotiator::load(&mut tx, &args.by).await?;
    let offer = settlements::decide_offer(&mut tx, &args.portfolio, args.id, &by, approve, args.on.unwrap_or_else(today), args.reason.as_deref()).await?;
    tx.commit().await?;
    println!("settlement offer {} to {} is {}", offer.id, offer.customer_ref, offer.status);
    Ok(())
}

async fn cancel_offer(store: &Store, args: DecisionArgs) -> Result<()> {
    let mut tx = store.begin().await?;
    let by = Negotiator::load(&mut tx, &args.by).await?;
    let reason = args.reason.as_deref().unwrap_or_default();
    let offer = settlements::cancel_offer(&mut tx, &args.portfolio, args.id, &by, args.on.unwrap_or_else(today), reason).await?;
    tx.commit().await?;
    println!("settlement offer {} to {} is {}", offer.id, offer.customer_ref, offer.status);
    Ok(())
}

fn offer_json(offer: &OfferRecord) -> Value {
    let currency = offer.currency;
    json!({
        "id": offer.id,
        "customer": offer.customer_ref,
        "status": offer.status,
        "currency": currency.code(),
        "principal": amount(offer.principal_minor, currency),
        "interest": amount(offer.interest_minor, currency),
        "fees": amount(offer.fees_minor, currency),
        "interest_waiver": amount(offer.interest_waiver_minor, currency),
        "principal_discount": amount(offer.principal_discount_minor, currency),
        "lump_sum": amount(offer.lump_sum_minor, currency),
        "offered_on": offer.offered_on,
        "pay_by": offer.pay_by,
        "required_role": offer.required_role,
        "proposed_by": offer.proposed_by,
        "decided_by": offer.decided_by,
        "decision_reason": offer.decision_reason,
        "paid_on": offer.paid_on,
    })
}

fn offers_table(portfolio: &str, offers: &[OfferRecord]) -> Table {
    let rows = offers
        .iter()
        .map(|o| {
            vec![
                Cell::Integer(o.id),
                Cell::text(&o.customer_ref),
                Cell::text(&o.status),
                Cell::Money(o.lump_sum_minor, o.currency),
                Cell::Money(o.interest_waiver_minor, o.currency),
                Cell::Money(o.principal_discount_minor, o.currency),
                Cell::text(o.pay_by.to_string()),
                Cell::text(&o.required_role),
                Cell::text(&o.proposed_by),
            ]
        })
        .collect();
    Table {
        title: format!("Settlement offers of {portfolio}"),
        headers: ["id", "customer", "status", "lump sum", "interest waived", "discount", "pay by", "approver", "proposed by"].map(String::from).to_vec(),
        rows,
    }
}

pub async fn write_off_command(store: &Store, command: WriteOffCommand) -> Result<()> {
    match command {
        WriteOffCommand::Request { portfolio, customer, amount: value, reason, by, on } => {
            let mut tx = store.begin().await?;
            let by = Negotiator::load(&mut tx, &by).await?;
            let record = write_offs::request_write_off(&mut tx, &portfolio, &customer, value, &reason, &by, on.unwrap_or_else(today)).await?;
            tx.commit().await?;
            println!("write-off {} of {} {} for {} waits for a manager's approval", record.id, amount(record.amount_minor, record.currency), record.currency, record.customer_ref);
            Ok(())
        }
        WriteOffCommand::Approve(args) => decide_write_off(store, args, true).await,
        WriteOffCommand::Reject(args) => decide_write_off(store, args, false).await,
        WriteOffCommand::List(args) => {
            let mut conn = store.acquire().await?;
            let portfolio = find_portfolio(&mut conn, &args.portfolio).await?;
            let customer_id = customer_id(&mut conn, portfolio.id, args.customer.as_deref()).await?;
            let records = stored::list_write_offs(&mut conn, portfolio.id, customer_id).await?;
            let json = Value::Array(records.iter().map(write_off_json).collect());
            emit_table(args.format, args.output.as_deref(), "Write-offs", write_offs_table(&args.portfolio, &records), &json)
        }
    }
}

async fn decide_write_off(store: &Store, args: DecisionArgs, approve: bool) -> Result<()> {
    let mut tx = store.begin().await?;
    let by = Negotiator::load(&mut tx, &args.by).await?;
    let record = write_offs::decide_write_off(&mut tx, &args.portfolio, args.id, &by, approve, args.on.unwrap_or_else(today), args.reason.as_deref()).await?;
    tx.commit().await?;
    println!("write-off {} for {} is {}", record.id, record.customer_ref, record.status);
    Ok(())
}

fn write_off_json(record: &WriteOffRecord) -> Value {
    let currency = record.currency;
    json!({
        "id": record.id,
        "customer": record.customer_ref,
        "status": record.status,
        "currency": currency.code(),
        "amount": amount(record.amount_minor, currency),
        "recovered": amount(record.recovered_minor, currency),
        "reason": record.reason,
        "requested_by": record.requested_by,
        "requested_on": record.requested_on,
        "decided_by": record.decided_by,
        "decided_on": record.decided_on,
        "decision_reason": record.decision_reason,
    })
}

fn write_offs_table(portfolio: &str, records: &[WriteOffRecord]) -> Table {
    let rows = records
        .iter()
        .map(|w| {
            vec![
                Cell::Integer(w.id),
                Cell::text(&w.customer_ref),
                Cell::text(&w.status),
                Cell::Money(w.amount_minor, w.currency),
                Cell::Money(w.recovered_minor, w.currency),
                Cell::text(&w.reason),
                Cell::text(w.requested_on.to_string()),
                Cell::optional(w.decided_by.clone()),
            ]
        })
        .collect();
    Table { title: format!("Write-offs of {portfolio}"), headers: ["id", "customer", "status", "amount", "recovered", "reason", "requested", "decided by"].map(String::from).to_vec(), rows }
}

/// Renders the agreement letter of a plan: the covered documents, the down
/// payment and the installment table, addressed to the customer.
async fn plan_letter(store: &Store, portfolio_code: &str, plan_id: i64, language: Option<recobro_documents::Language>, output: &std::path::Path, templates: Option<&std::path::Path>) -> Result<()> {
    let mut conn = store.acquire().await?;
    let facts = letters::plan_letter_facts(&mut conn, portfolio_code, plan_id).await.map_err(|error| not_found_hint(error, "plan list", portfolio_code))?;
    drop(conn);

    let language = language.unwrap_or_else(|| documents::customer_language(&facts.customer));
    let pdf = recobro_documents::render_letter(LetterKind::PlanAgreement, &documents::plan_letter_data(&facts), language, templates)?;
    std::fs::write(output, pdf).with_context(|| format!("cannot write {}", output.display()))?;
    println!("wrote the agreement letter of plan {plan_id} for {} to {}", facts.plan.customer_ref, output.display());
    Ok(())
}

/// Renders the letter of a settlement offer: the open documents, the lump
/// sum, the waiver and the pay-by date, addressed to the customer.
async fn settlement_letter(store: &Store, portfolio_code: &str, offer_id: i64, language: Option<recobro_documents::Language>, output: &std::path::Path, templates: Option<&std::path::Path>) -> Result<()> {
    let mut conn = store.acquire().await?;
    let facts = letters::offer_letter_facts(&mut conn, portfolio_code, offer_id).await.map_err(|error| not_found_hint(error, "settlement list", portfolio_code))?;
    drop(conn);

    let language = language.unwrap_or_else(|| documents::customer_language(&facts.customer));
    let pdf = recobro_documents::render_letter(LetterKind::SettlementOffer, &documents::offer_letter_data(&facts), language, templates)?;
    std::fs::write(output, pdf).with_context(|| format!("cannot write {}", output.display()))?;
    println!("wrote the letter of settlement offer {offer_id} for {} to {}", facts.offer.customer_ref, output.display());
    Ok(())
}

/// Adds the listing command to a record-not-found error.
fn not_found_hint(error: NegotiationError, list_command: &str, portfolio_code: &str) -> anyhow::Error {
    match error {
        NegotiationError::NotFound { .. } => anyhow::anyhow!("{error}: see `recobro {list_command} --portfolio {portfolio_code}`"),
        other => other.into(),
    }
}

#[derive(Subcommand)]
pub enum NegotiationCommand {
    /// Show or set the approval limits of a portfolio's plans and settlement offers.
    #[command(subcommand)]
    Limits(LimitsCommand),
}

#[derive(Subcommand)]
pub enum LimitsCommand {
    /// Print the limits in force as TOML: the portfolio's own, or the defaults.
    Show {
        #[arg(long)]
        portfolio: String,
        /// Write the TOML to this file instead of standard output.
        #[arg(long)]
        file: Option<std::path::PathBuf>,
    },
    /// Replace the limits with those of a TOML file; levels and keys left out keep their defaults.
    Set {
        #[arg(long)]
        portfolio: String,
        /// The TOML file; standard input when omitted.
        #[arg(long)]
        file: Option<std::path::PathBuf>,
        /// The administrator setting the limits, for the audit trail.
        #[arg(long)]
        by: Option<String>,
    },
}

pub async fn negotiation_command(store: &Store, command: NegotiationCommand) -> Result<()> {
    match command {
        NegotiationCommand::Limits(LimitsCommand::Show { portfolio, file }) => {
            let mut conn = store.acquire().await?;
            let (in_force, own) = limits::portfolio_limits(&mut conn, &portfolio).await?;
            let origin = if own { "set for this portfolio" } else { "the defaults: none were set for this portfolio" };
            let text = format!("# Approval limits of {portfolio}, {origin}.\n# A proposal within its author's limits takes effect at once; others wait for the lowest level whose limits allow them.\n\n{}", in_force.to_toml());
            match file {
                Some(path) => std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?,
                None => print!("{text}"),
            }
            Ok(())
        }
        NegotiationCommand::Limits(LimitsCommand::Set { portfolio, file, by }) => {
            let (name, text) = match &file {
                Some(path) => (path.display().to_string(), std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?),
                None => {
                    let mut text = String::new();
                    std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).context("cannot read the limits from standard input")?;
                    ("standard input".to_string(), text)
                }
            };
            let parsed = ApprovalLimits::parse_toml(&name, &text)?;
            let mut tx = store.begin().await?;
            let actor = crate::acting_user(&mut tx, by.as_deref(), &["admin"], "set approval limits").await?;
            limits::set_limits(&mut tx, &portfolio, &parsed, &actor).await?;
            tx.commit().await?;
            println!("approval limits of {portfolio} set from {name}");
            Ok(())
        }
    }
}
