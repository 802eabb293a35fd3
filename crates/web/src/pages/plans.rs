//! Payment plans (convenios de pago): the form that previews and proposes
//! a plan for a customer's open documents, and the plan page with its
//! installments and the approve and reject buttons.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use chrono::Months;
use recobro_app::negotiation::limits::ApprovalLimits;
use recobro_app::negotiation::plans::{self, PlanProposal, PlanRequest, plan_required_role};
use recobro_core::Currency;
use recobro_core::plan::{Frequency, InterestMethod, LimitBreach, MAX_ANNUAL_RATE_PERCENT, MAX_INSTALLMENTS};
use recobro_core::settlement::ApproverRole;
use recobro_store::ledger::CustomerData;
use recobro_store::negotiation::{self as stored, InstallmentRecord, PlanRecord};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::negotiation::{
    self, DecisionOutcome, FieldErrors, NegotiationTarget, RecordKind, RecordQuery, RecordState, Refusal, amount_example, format_decimal, negotiation_target, negotiator, parse_user_amount,
    parse_user_percent, refusal,
};
use super::{Layout, PageError, PageResult, render, viewable_portfolio};
use crate::AppState;
use crate::auth::SignedIn;
use crate::authz::{self, Permission};
use crate::error::WebError;
use crate::i18n::Translator;

// ---------------------------------------------------------------------------
// The plan form
// ---------------------------------------------------------------------------

/// The plan form's fields as typed.
#[derive(Deserialize, Default, Clone)]
pub struct PlanForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    installments: String,
    #[serde(default)]
    frequency: String,
    #[serde(default)]
    first_due: String,
    #[serde(default)]
    down_payment: String,
    #[serde(default)]
    rate: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    grace_days: String,
    /// Present when the box is checked.
    refinancing: Option<String>,
    /// `preview` computes the schedule, and `propose` also saves it.
    #[serde(default)]
    intent: String,
}

/// One installment of a previewed schedule, formatted.
struct InstallmentRow {
    number: u32,
    due: String,
    principal: String,
    interest: String,
    amount: String,
}

/// A computed schedule as the form shows it, formatted for the user.
struct PlanPreview {
    rows: Vec<InstallmentRow>,
    total: String,
    down_payment: String,
    financed: String,
    interest: String,
    amount_due: String,
    required_role: String,
    /// The user's limits that the plan exceeds, one sentence each.
    breaches: Vec<String>,
    documents: Vec<(String, String, String)>,
    disputed_left_out: Vec<String>,
}

#[derive(Template)]
#[template(path = "plan_form.html")]
struct PlanFormPage {
    tr: Translator,
    layout: Layout,
    code: String,
    customer: CustomerData,
    currency: Currency,
    form: PlanForm,
    refinancing: bool,
    frequencies: Vec<&'static str>,
    methods: Vec<&'static str>,
    /// How to type amounts, with an example in the user's format.
    amount_hint: String,
    limits_hint: String,
    errors: FieldErrors,
    refusal: Option<String>,
    preview: Option<PlanPreview>,
}

pub async fn form(State(state): State<AppState>, user: SignedIn, Path((code, reference)): Path<(String, String)>) -> PageResult {
    let target = negotiation_target(&state, &user, &code, &reference).await?;
    let first_due = target.as_of.checked_add_months(Months::new(1)).unwrap_or(target.as_of);
    let form = PlanForm {
        installments: "6".into(),
        frequency: Frequency::Monthly.code().into(),
        first_due: first_due.to_string(),
        rate: "0".into(),
        method: InterestMethod::French.code().into(),
        grace_days: plans::DEFAULT_GRACE_DAYS.to_string(),
        ..PlanForm::default()
    };
    show_form(&state, &user, code, target, form, FieldErrors::default(), None, None, StatusCode::OK).await
}

#[allow(clippy::too_many_arguments)]
async fn show_form(
    state: &AppState,
    user: &SignedIn,
    code: String,
    target: NegotiationTarget,
    form: PlanForm,
    errors: FieldErrors,
    refusal: Option<String>,
    preview: Option<PlanPreview>,
    status: StatusCode,
) -> PageResult {
    let tr = user.tr;
    let mut conn = state.store.acquire().await.map_err(|error| PageError::new(tr, error))?;
    let pending = negotiation::pending_count(&mut conn, user, target.portfolio.id).await.map_err(|error| PageError::new(tr, error))?;
    let limits = negotiation::approval_limits(&mut conn, target.portfolio.id).await.map_err(|error| PageError::new(tr, error))?;
    drop(conn);

    let role = negotiator(user)?.role;
    let mut layout = Layout::new(user, tr.t("plan-form-title"), Some(&target.portfolio), "customers");
    layout.pending_approvals = pending;
    let page = PlanFormPage {
        tr,
        layout,
        code,
        customer: target.customer,
        currency: target.currency,
        refinancing: form.refinancing.is_some(),
        form,
        frequencies: Frequency::ALL.iter().map(|frequency| frequency.code()).collect(),
        methods: vec![InterestMethod::French.code(), InterestMethod::Flat.code()],
        amount_hint: tr.t_args("negotiation-amount-hint", &[("example", amount_example(tr).to_string())]),
        limits_hint: limits_hint(tr, &limits, role),
        errors,
        refusal,
        preview,
    };
    let mut response = render(tr, &page)?;
    *response.status_mut() = status;
    Ok(response)
}

/// Describes the limits within which the user's own proposals take effect
/// at once, under the portfolio's approval limits.
fn limits_hint(tr: Translator, limits: &ApprovalLimits, role: ApproverRole) -> String {
    let level = limits.level(role);
    let installments = ("installments", level.max_installments.to_string());
    let percent = ("percent", format_decimal(tr, level.min_down_payment_percent));
    match level.max_term_days {
        Some(days) => tr.t_args("plan-limits-hint", &[installments, percent, ("days", days.to_string())]),
        None if level.max_installments >= MAX_INSTALLMENTS && level.min_down_payment_percent.is_zero() => tr.t("plan-limits-none"),
        None => tr.t_args("plan-limits-hint-no-term", &[installments, percent]),
    }
}

/// Checks the fields and builds the request, or returns a message for
/// each invalid field in the user's language.
fn validate(tr: Translator, form: &PlanForm, target: &NegotiationTarget) -> Result<PlanRequest, FieldErrors> {
    let mut errors = FieldErrors::default();

    let installments = match form.installments.trim().parse::<u32>() {
        Ok(count) if (1..=MAX_INSTALLMENTS).contains(&count) => Some(count),
        _ => {
            errors.add("installments", tr.t_args("plan-error-installments", &[("value", form.installments.trim().to_string()), ("max", MAX_INSTALLMENTS.to_string())]));
            None
        }
    };
    let frequency = Frequency::from_code(form.frequency.trim());
    if frequency.is_none() {
        errors.add("frequency", tr.t("negotiation-error-choice"));
    }
    let first_due = match recobro_core::parse_iso_date(form.first_due.trim()) {
        Ok(date) if date < target.as_of => {
            errors.add("first_due", tr.t_args("plan-error-first-due-past", &[("date", tr.date(&target.as_of))]));
            None
        }
        Ok(date) => Some(date),
        Err(_) => {
            errors.add("first_due", tr.t_args("negotiation-error-date", &[("value", form.first_due.trim().to_string())]));
            None
        }
    };
    let down_payment = match form.down_payment.trim() {
        "" => None,
        text => match parse_user_amount(tr, text, target.currency) {
            Ok(amount) => Some(amount),
            Err(message) => {
                errors.add("down_payment", message);
                None
            }
        },
    };
    let rate = match form.rate.trim() {
        "" => None,
        text => match parse_user_percent(tr, text).filter(|rate| *rate >= Decimal::ZERO && *rate <= MAX_ANNUAL_RATE_PERCENT) {
            Some(rate) => Some(rate),
            None => {
                errors.add("rate", tr.t_args("plan-error-rate", &[("value", text.to_string()), ("max", format_decimal(tr, MAX_ANNUAL_RATE_PERCENT))]));
                None
            }
        },
    };
    let method = InterestMethod::from_code(form.method.trim());
    if method.is_none() {
        errors.add("method", tr.t("negotiation-error-choice"));
    }
    let grace_days = match form.grace_days.trim() {
        "" => Some(plans::DEFAULT_GRACE_DAYS),
        text => match text.parse::<u32>() {
            Ok(days) => Some(days),
            Err(_) => {
                errors.add("grace_days", tr.t_args("plan-error-grace-days", &[("value", text.to_string())]));
                None
            }
        },
    };

    match (installments, frequency, first_due, method, grace_days) {
        (Some(installments), Some(frequency), Some(first_due), Some(interest_method), Some(grace_days)) if errors.is_empty() => Ok(PlanRequest {
            portfolio: target.portfolio.code.clone(),
            customer_ref: target.customer.external_ref.clone(),
            installments,
            frequency,
            first_due,
            down_payment,
            rate,
            interest_method,
            grace_days,
            agreed_on: target.as_of,
            refinancing: form.refinancing.is_some(),
        }),
        _ => Err(errors),
    }
}

/// Previews the plan, or proposes it and opens its page.
pub async fn submit(State(state): State<AppState>, user: SignedIn, Path((code, reference)): Path<(String, String)>, axum::Form(form): axum::Form<PlanForm>) -> PageResult {
    let tr = user.tr;
    user.check_csrf(&form.csrf).map_err(|error| PageError::new(tr, error))?;
    let target = negotiation_target(&state, &user, &code, &reference).await?;
    let request = match validate(tr, &form, &target) {
        Ok(request) => request,
        Err(errors) => return show_form(&state, &user, code, target, form, errors, None, None, StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    let by = negotiator(&user)?;
    let fail = |error| PageError::new(tr, error);

    if form.intent != "propose" {
        let mut conn = state.store.acquire().await.map_err(fail)?;
        let outcome = plans::propose_plan(&mut conn, &request, &by, false).await;
        drop(conn);
        return match outcome {
            Ok(proposal) => {
                let preview = plan_preview(tr, &proposal, by.role);
                show_form(&state, &user, code, target, form, FieldErrors::default(), None, Some(preview), StatusCode::OK).await
            }
            Err(error) => {
                let Refusal { status, message } = refusal(tr, error)?;
                show_form(&state, &user, code, target, form, FieldErrors::default(), Some(message), None, status).await
            }
        };
    }

    let mut tx = state.store.begin().await.map_err(fail)?;
    match plans::propose_plan(&mut tx, &request, &by, true).await {
        Ok(proposal) => {
            tx.commit().await.map_err(|error| PageError::new(tr, recobro_store::StoreError::from(error)))?;
            tracing::info!(user = %user.actor.username, portfolio = %code, plan = proposal.plan.id, status = %proposal.plan.status, "payment plan proposed");
            Ok(Redirect::to(&format!("/p/{code}/plans/{}?saved=1", proposal.plan.id)).into_response())
        }
        Err(error) => {
            drop(tx);
            let Refusal { status, message } = refusal(tr, error)?;
            show_form(&state, &user, code, target, form, FieldErrors::default(), Some(message), None, status).await
        }
    }
}

fn plan_preview(tr: Translator, proposal: &PlanProposal, role: ApproverRole) -> PlanPreview {
    let schedule = &proposal.schedule;
    let currency = schedule.currency.code();
    let money = |minor: i64| tr.money(&minor, currency);
    PlanPreview {
        rows: schedule
            .installments
            .iter()
            .map(|installment| InstallmentRow {
                number: installment.number,
                due: tr.date(&installment.due_date),
                principal: money(installment.principal_minor),
                interest: money(installment.interest_minor),
                amount: money(installment.amount_minor),
            })
            .collect(),
        total: money(schedule.total_minor),
        down_payment: money(schedule.down_payment_minor),
        financed: money(schedule.financed_minor),
        interest: money(schedule.total_interest_minor),
        amount_due: money(schedule.amount_due_minor()),
        required_role: tr.label("approver", proposal.required_role.code()),
        breaches: proposal.breaches.iter().map(|breach| breach_message(tr, *breach, currency, role)).collect(),
        documents: proposal.documents.iter().map(|document| (document.number.clone(), tr.date(&document.due_date), money(document.open_minor))).collect(),
        disputed_left_out: proposal.disputed_left_out.iter().map(|document| document.number.clone()).collect(),
    }
}

fn breach_message(tr: Translator, breach: LimitBreach, currency: &str, role: ApproverRole) -> String {
    let role = ("role", tr.label("approver", role.code()));
    match breach {
        LimitBreach::TooManyInstallments { installment_count, max_installments } => {
            tr.t_args("plan-breach-installments", &[("count", installment_count.to_string()), ("max", max_installments.to_string()), role])
        }
        LimitBreach::DownPaymentTooSmall { down_payment_minor, required_minor } => {
            tr.t_args("plan-breach-down-payment", &[("amount", tr.money(&down_payment_minor, currency)), ("required", tr.money(&required_minor, currency)), role])
        }
        LimitBreach::TermTooLong { term_days, max_term_days } => tr.t_args("plan-breach-term", &[("days", term_days.to_string()), ("max", max_term_days.to_string()), role]),
        LimitBreach::InstallmentTooSmall { number, amount_minor, min_installment_minor } => tr.t_args(
            "plan-breach-installment-amount",
            &[("number", number.to_string()), ("amount", tr.money(&amount_minor, currency)), ("min", tr.money(&min_installment_minor, currency)), role],
        ),
    }
}

// ---------------------------------------------------------------------------
// The plan page
// ---------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    tr: Translator,
    layout: Layout,
    code: String,
    plan: PlanRecord,
    installments: Vec<InstallmentRecord>,
    documents: Vec<(i64, String, i64)>,
    required_role: String,
    notice: Option<String>,
    can_decide: bool,
    decision_action: String,
    /// The agreement letter as a PDF.
    /// The letter's download path, once the record has a letter.
    letter_path: Option<String>,
    reason: String,
    reason_error: String,
    refusal: Option<String>,
}

pub async fn page(State(state): State<AppState>, user: SignedIn, Path((code, id)): Path<(String, i64)>, Query(query): Query<RecordQuery>) -> PageResult {
    let tr = user.tr;
    let notice = match query.decided.as_deref() {
        Some("approved") => Some(tr.t("plan-approved")),
        Some("rejected") => Some(tr.t("plan-rejected")),
        _ => None,
    };
    show_plan(&state, &user, code, id, RecordState { notice, saved: query.saved.is_some(), ..RecordState::default() }, StatusCode::OK).await
}

async fn show_plan(state: &AppState, user: &SignedIn, code: String, id: i64, mut record_state: RecordState, status: StatusCode) -> PageResult {
    let tr = user.tr;
    let fail = |error| PageError::new(tr, error);
    let mut conn = state.store.acquire().await.map_err(fail)?;
    let portfolio = viewable_portfolio(&mut conn, user, &code).await?;
    let plan = stored::find_plan(&mut conn, portfolio.id, id).await.map_err(fail)?.ok_or_else(|| PageError::new(tr, WebError::NotFound))?;
    negotiation::require_record_customer(&mut conn, user, &portfolio, &plan.customer_ref).await?;
    let installments = stored::plan_installments(&mut conn, plan.id).await.map_err(fail)?;
    let documents = stored::plan_documents(&mut conn, plan.id).await.map_err(fail)?;
    let pending = negotiation::pending_count(&mut conn, user, portfolio.id).await.map_err(fail)?;
    let limits = negotiation::approval_limits(&mut conn, portfolio.id).await.map_err(|error| PageError::new(tr, error))?;
    drop(conn);

    // A plan within the proposer's limits was saved active, else proposed.
    if record_state.saved {
        record_state.notice = Some(if plan.status == "active" { tr.t("plan-saved-active") } else { tr.t("plan-saved-proposed") });
    }
    let required_role = tr.label("approver", plan_required_role(&limits, &plan, &installments).code());
    let mut layout = Layout::new(user, tr.t_args("plan-title", &[("id", plan.id.to_string())]), Some(&portfolio), "customers");
    layout.pending_approvals = pending;
    let page = PlanPage {
        tr,
        layout,
        decision_action: format!("/p/{code}/plans/{}/decision", plan.id),
        letter_path: matches!(plan.status.as_str(), "active" | "completed" | "broken").then(|| format!("/p/{code}/plans/{}/letter", plan.id)),
        code,
        can_decide: authz::allows(user.actor.role, Permission::ApproveNegotiation) && plan.status == negotiation::PLAN_PENDING,
        plan,
        installments,
        documents,
        required_role,
        notice: record_state.notice,
        reason: record_state.reason,
        reason_error: record_state.reason_error,
        refusal: record_state.refusal,
    };
    let mut response = render(tr, &page)?;
    *response.status_mut() = status;
    Ok(response)
}

/// Sends the plan's agreement letter as a PDF in the customer's language.
pub async fn letter(State(state): State<AppState>, user: SignedIn, Path((code, id)): Path<(String, i64)>) -> PageResult {
    negotiation::send_letter(&state, &user, &code, id, RecordKind::Plan).await
}

/// Approves or rejects a proposed plan.
pub async fn decide(State(state): State<AppState>, user: SignedIn, Path((code, id)): Path<(String, i64)>, axum::Form(form): axum::Form<negotiation::DecisionForm>) -> PageResult {
    match negotiation::decide_record(&state, &user, &code, id, &form, RecordKind::Plan).await? {
        DecisionOutcome::Decided(response) => Ok(response),
        DecisionOutcome::Refused(record_state, status) => show_plan(&state, &user, code, id, record_state, status).await,
    }
}
