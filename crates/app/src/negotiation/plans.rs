//! Payment plans: proposal from the customer's open documents, approval
//! within the approver's limits, refinancing, and the daily tracking of
//! installments that completes or breaks a plan.

use std::collections::HashSet;

use chrono::NaiveDate;
use recobro_core::money::format_minor;
use recobro_core::plan::{DEFAULT_ROUNDING, Frequency, Installment, InterestMethod, LimitBreach, PlanSchedule, PlanStatus, PlanTerms, build_schedule, evaluate_plan};
use recobro_core::settlement::ApproverRole;
use recobro_core::Money;
use recobro_store::negotiation::{self, GeneratedDocument, InstallmentRecord, OpenDocument, PlanRecord};
use recobro_store::{Conn, StoreError, cases};
use rust_decimal::Decimal;

use super::limits::{ApprovalLimits, limits_of};
use super::{NegotiationError, Negotiator, Party, audit, find_party};

/// Grace days after an installment's due date before a plan breaks, unless
/// the proposal sets others.
pub const DEFAULT_GRACE_DAYS: u32 = 5;

#[derive(Debug, Clone)]
pub struct PlanRequest {
    pub portfolio: String,
    pub customer_ref: String,
    pub installments: u32,
    pub frequency: Frequency,
    pub first_due: NaiveDate,
    /// Down payment in major units of the customer's currency.
    pub down_payment: Option<Decimal>,
    /// Annual interest on the plan, in percent.
    pub rate: Option<Decimal>,
    pub interest_method: InterestMethod,
    pub grace_days: u32,
    pub agreed_on: NaiveDate,
    /// Replace the covered documents by one debit note per installment.
    pub refinancing: bool,
}

/// A plan as proposed: the stored record (id 0 when not saved), its
/// schedule, the documents it covers and the limits it breaks for the
/// proposer.
#[derive(Debug, Clone)]
pub struct PlanProposal {
    pub plan: PlanRecord,
    pub schedule: PlanSchedule,
    pub documents: Vec<OpenDocument>,
    pub required_role: ApproverRole,
    pub breaches: Vec<LimitBreach>,
    /// Documents left out because they are disputed.
    pub disputed_left_out: Vec<OpenDocument>,
}

/// Builds a plan for the customer's open, undisputed documents. When
/// `save` is set it is stored: active at once when the proposer's own limits
/// allow it, otherwise proposed for someone with more authority.
pub async fn propose_plan(conn: &mut Conn, request: &PlanRequest, by: &Negotiator, save: bool) -> Result<PlanProposal, NegotiationError> {
    let party = find_party(conn, &request.portfolio, &request.customer_ref).await?;
    let open = negotiation::open_documents(conn, party.customer_id, party.currency).await?;
    let (disputed_left_out, documents): (Vec<_>, Vec<_>) = open.into_iter().partition(|document| document.disputed);
    let total_minor: i64 = documents.iter().map(|document| document.open_minor).sum();
    if total_minor == 0 {
        return Err(NegotiationError::Invalid(format!("customer {} has no open undisputed balance in {} to put under a plan", party.customer_ref, party.currency)));
    }

    let existing = negotiation::list_plans(conn, party.portfolio.id, Some(party.customer_id), &["proposed", "active"]).await?;
    if let Some(plan) = existing.first() {
        return Err(NegotiationError::Invalid(format!("customer {} already has plan {} ({}): cancel or decide it first", party.customer_ref, plan.id, plan.status)));
    }

    let down_payment_minor = match request.down_payment {
        Some(amount) => Money::from_decimal(amount, party.currency).map_err(|error| NegotiationError::Invalid(format!("down payment: {error}")))?.minor,
        None => 0,
    };
    let terms = PlanTerms {
        currency: party.currency,
        total_minor,
        down_payment_minor,
        agreed_on: request.agreed_on,
        down_payment_due_date: request.agreed_on,
        installment_count: request.installments,
        frequency: request.frequency,
        first_due_date: request.first_due,
        annual_rate_percent: request.rate.unwrap_or(Decimal::ZERO),
        interest_method: request.interest_method,
        rounding: DEFAULT_ROUNDING,
    };
    let schedule = build_schedule(&terms).map_err(|error| NegotiationError::Invalid(error.to_string()))?;
    let limits = limits_of(conn, party.portfolio.id).await?;
    let required_role = limits.lowest_plan_approver(&schedule).ok_or_else(|| beyond_every_level(&party.portfolio.code))?;
    let breaches = limits.plan_limits(by.role).breaches(&schedule);

    let mut plan = PlanRecord {
        id: 0,
        customer_id: party.customer_id,
        customer_ref: party.customer_ref.clone(),
        customer_name: party.customer_name.clone(),
        currency: party.currency,
        status: if breaches.is_empty() { "active".into() } else { "proposed".into() },
        refinancing: request.refinancing,
        total_minor,
        down_payment_minor,
        financed_minor: schedule.financed_minor,
        interest_minor: schedule.total_interest_minor,
        installment_count: i64::from(request.installments),
        frequency: request.frequency.code().to_string(),
        first_due_on: request.first_due,
        annual_rate: terms.annual_rate_percent.normalize().to_string(),
        interest_method: request.interest_method.code().to_string(),
        grace_days: i64::from(request.grace_days),
        agreed_on: request.agreed_on,
        proposed_by: by.username.clone(),
        decided_by: None,
        decided_on: None,
        decision_reason: None,
        broken_on: None,
        broken_installment: None,
        completed_on: None,
    };

    if save {
        let installments = installment_records(&schedule);
        let stored_as = plan.status.clone();
        plan.status = "proposed".into();
        plan.id = negotiation::insert_plan(conn, party.portfolio.id, &plan, &installments, &documents).await?;
        let detail = format!("plan {} for {}: {} {} in {} installments, required role {}", plan.id, party.customer_ref, format_minor(total_minor, party.currency), party.currency, request.installments, required_role.code());
        audit(conn, &by.username, "plan.proposed", &party.portfolio.code, &detail).await?;
        if stored_as == "active" {
            decide(conn, &party, &mut plan, by, true, request.agreed_on, None).await?;
        }
    }
    Ok(PlanProposal { plan, schedule, documents, required_role, breaches, disputed_left_out })
}

/// Returns the lowest level whose limits in `limits` allow a stored plan,
/// or a director when none does.
pub fn plan_required_role(limits: &ApprovalLimits, plan: &PlanRecord, installments: &[InstallmentRecord]) -> ApproverRole {
    limits.lowest_plan_approver(&stored_schedule(plan, installments)).unwrap_or(ApproverRole::Director)
}

fn beyond_every_level(portfolio_code: &str) -> NegotiationError {
    NegotiationError::Invalid(format!("no level may approve this plan: it is beyond a director's limits in {portfolio_code}; see `recobro negotiation limits show --portfolio {portfolio_code}`"))
}

pub fn installment_records(schedule: &PlanSchedule) -> Vec<InstallmentRecord> {
    schedule
        .installments
        .iter()
        .map(|installment| InstallmentRecord {
            number: i64::from(installment.number),
            due_on: installment.due_date,
            principal_minor: installment.principal_minor,
            interest_minor: installment.interest_minor,
            amount_minor: installment.amount_minor,
            paid_minor: 0,
            status: "upcoming".into(),
            document_id: None,
        })
        .collect()
}

/// Approves or rejects a proposed plan. Approval needs a role whose limits
/// allow the plan; rejection needs a reason.
pub async fn decide_plan(conn: &mut Conn, portfolio_code: &str, plan_id: i64, by: &Negotiator, approve: bool, on: NaiveDate, reason: Option<&str>) -> Result<PlanRecord, NegotiationError> {
    let portfolio = super::find_portfolio(conn, portfolio_code).await?;
    let mut plan = negotiation::find_plan(conn, portfolio.id, plan_id).await?.ok_or(NegotiationError::NotFound { kind: "plan", id: plan_id })?;
    let action = if approve { "approved" } else { "rejected" };
    if plan.status != "proposed" {
        return Err(NegotiationError::WrongStatus { kind: "plan", id: plan_id, status: plan.status, action });
    }
    if !approve && reason.is_none_or(|reason| reason.trim().is_empty()) {
        return Err(NegotiationError::Invalid("a rejection needs a reason".into()));
    }
    let party = find_party(conn, portfolio_code, &plan.customer_ref).await?;
    decide(conn, &party, &mut plan, by, approve, on, reason).await?;
    Ok(plan)
}

async fn decide(conn: &mut Conn, party: &Party, plan: &mut PlanRecord, by: &Negotiator, approve: bool, on: NaiveDate, reason: Option<&str>) -> Result<(), NegotiationError> {
    super::not_before(on, plan.agreed_on, "the decision date")?;
    let schedule = stored_schedule(plan, &negotiation::plan_installments(conn, plan.id).await?);
    if approve {
        let limits = limits_of(conn, party.portfolio.id).await?;
        if !limits.plan_limits(by.role).allows(&schedule) {
            let required = limits.lowest_plan_approver(&schedule).ok_or_else(|| beyond_every_level(&party.portfolio.code))?;
            return Err(NegotiationError::BeyondAuthority { username: by.username.clone(), role: by.role.code(), required: required.code() });
        }
    }

    let status = if approve { "active" } else { "rejected" };
    if !negotiation::decide_plan(conn, plan.id, status, &by.username, on, reason).await? {
        return Err(NegotiationError::WrongStatus { kind: "plan", id: plan.id, status: plan.status.clone(), action: "decided" });
    }
    plan.status = status.to_string();
    plan.decided_by = Some(by.username.clone());
    plan.decided_on = Some(on);
    plan.decision_reason = reason.map(str::to_string);

    if approve {
        activate(conn, party, plan, &schedule).await?;
    }
    let detail = format!("plan {} for {}{}", plan.id, party.customer_ref, reason.map(|reason| format!(": {reason}")).unwrap_or_default());
    audit(conn, &by.username, if approve { "plan.approved" } else { "plan.rejected" }, &party.portfolio.code, &detail).await?;
    Ok(())
}

/// Puts an approved plan in force: the case's open tasks are cancelled,
/// since the policy waits while the plan is kept, and a refinancing
/// replaces the covered documents by one debit note per installment.
async fn activate(conn: &mut Conn, party: &Party, plan: &PlanRecord, schedule: &PlanSchedule) -> Result<(), StoreError> {
    for case in cases::load_cases_of_customer(conn, party.customer_id).await? {
        cases::cancel_open_tasks_of_case(conn, case.id).await?;
    }
    if !plan.refinancing {
        return Ok(());
    }

    let covered = negotiation::plan_documents(conn, plan.id).await?;
    let covered_ids: HashSet<i64> = covered.iter().map(|(id, _, _)| *id).collect();
    let open: Vec<OpenDocument> = negotiation::open_documents(conn, party.customer_id, party.currency).await?.into_iter().filter(|document| covered_ids.contains(&document.id)).collect();
    let open_total: i64 = open.iter().map(|document| document.open_minor).sum();
    let on = plan.decided_on.unwrap_or(plan.agreed_on);
    let credit = GeneratedDocument {
        customer_id: party.customer_id,
        kind: "credit_note",
        number: format!("RECOBRO-REFINANCED-{}", plan.id),
        issue_date: on,
        due_date: on,
        amount_minor: open_total.max(1),
        currency: party.currency,
    };
    if open_total > 0 {
        let credit_id = negotiation::insert_generated_document(conn, party.portfolio.id, &credit).await?;
        negotiation::apply_credit(conn, party.portfolio.id, credit_id, &open, open_total, on).await?;
    }

    for installment in &schedule.installments {
        let debit = GeneratedDocument {
            customer_id: party.customer_id,
            kind: "debit_note",
            number: format!("RECOBRO-PLAN-{}-{}", plan.id, installment.number),
            issue_date: on,
            due_date: installment.due_date,
            amount_minor: installment.amount_minor,
            currency: party.currency,
        };
        let id = negotiation::insert_generated_document(conn, party.portfolio.id, &debit).await?;
        negotiation::set_installment_document(conn, plan.id, i64::from(installment.number), id).await?;
    }
    Ok(())
}

/// Rebuilds the schedule of a stored plan from its installments.
pub fn stored_schedule(plan: &PlanRecord, installments: &[InstallmentRecord]) -> PlanSchedule {
    PlanSchedule {
        currency: plan.currency,
        agreed_on: plan.agreed_on,
        total_minor: plan.total_minor,
        down_payment_minor: plan.down_payment_minor,
        financed_minor: plan.financed_minor,
        total_interest_minor: plan.interest_minor,
        installments: installments
            .iter()
            .map(|installment| Installment {
                number: u32::try_from(installment.number).unwrap_or(u32::MAX),
                due_date: installment.due_on,
                principal_minor: installment.principal_minor,
                interest_minor: installment.interest_minor,
                amount_minor: installment.amount_minor,
            })
            .collect(),
    }
}

/// The outcome of the daily run's pass over the active plans.
#[derive(Debug, Clone, Default)]
pub struct PlanTracking {
    /// Customers whose plan is still active: the policy leaves them alone.
    pub under_plan: HashSet<i64>,
    /// Customers whose plan broke in this run: their case re-enters the policy.
    pub broken: Vec<i64>,
    pub completed: i64,
}

/// Updates every active plan's installments from the payments received
/// up to `as_of`, and completes or breaks the plan.
pub async fn track_plans(conn: &mut Conn, portfolio_id: i64, as_of: NaiveDate) -> Result<PlanTracking, StoreError> {
    let mut tracking = PlanTracking::default();
    for plan in negotiation::list_plans(conn, portfolio_id, None, &["active"]).await? {
        let installments = negotiation::plan_installments(conn, plan.id).await?;
        let schedule = stored_schedule(&plan, &installments);
        let payments = negotiation::payments_between(conn, plan.customer_id, plan.currency, plan.agreed_on, as_of).await?;
        let evaluation = evaluate_plan(&schedule, &payments, u32::try_from(plan.grace_days).unwrap_or(0), as_of);

        for (state, stored) in evaluation.installments.iter().zip(&installments) {
            if state.paid_minor != stored.paid_minor || state.status.code() != stored.status {
                negotiation::update_installment(conn, plan.id, stored.number, state.paid_minor, state.status.code()).await?;
            }
        }
        match evaluation.status {
            PlanStatus::Active => {
                tracking.under_plan.insert(plan.customer_id);
            }
            PlanStatus::Completed => {
                let paid_on = payments.last().map_or(as_of, |(date, _)| *date);
                negotiation::mark_plan_completed(conn, plan.id, paid_on).await?;
                tracking.completed += 1;
            }
            PlanStatus::Broken(broken) => {
                negotiation::mark_plan_broken(conn, plan.id, broken.broken_on, i64::from(broken.installment_number)).await?;
                tracking.broken.push(plan.customer_id);
                tracing::info!(plan = plan.id, customer = %plan.customer_ref, broken_on = %broken.broken_on, installment = broken.installment_number, "payment plan broken");
            }
        }
    }
    Ok(tracking)
}
