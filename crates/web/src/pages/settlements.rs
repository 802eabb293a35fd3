//! Settlement offers (pago único con quita): the form that offers a lump
//! sum for waiving interest and part of the principal, and the offer page
//! with the approve and reject buttons.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use recobro_app::negotiation::limits::ApprovalLimits;
use recobro_app::negotiation::settlements::{self, OfferRequest, WaiverAmount};
use recobro_app::statement::{StatementError, statement_of};
use recobro_core::Currency;
use recobro_core::settlement::ApproverRole;
use recobro_store::ledger::CustomerData;
use recobro_store::negotiation::{self as stored, OfferRecord};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::negotiation::{
    self, DecisionOutcome, FieldErrors, NegotiationTarget, RecordKind, RecordQuery, RecordState, Refusal, amount_example, format_decimal, negotiation_target, negotiator,
    parse_user_amount, parse_user_percent, refusal,
};
use super::{Layout, PageError, PageResult, render, viewable_portfolio};
use crate::AppState;
use crate::auth::SignedIn;
use crate::authz::{self, Permission};
use crate::error::WebError;
use crate::i18n::Translator;

/// Days from the offer to the default pay-by date.
const DEFAULT_PAY_BY_DAYS: i64 = 15;

#[derive(Deserialize, Default, Clone)]
pub struct OfferForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    interest_owed: String,
    #[serde(default)]
    fees_owed: String,
    /// An amount, or a percent of the interest owed such as `40%`.
    #[serde(default)]
    waiver: String,
    #[serde(default)]
    principal_discount: String,
    #[serde(default)]
    pay_by: String,
}

#[derive(Template)]
#[template(path = "settlement_form.html")]
struct OfferFormPage {
    tr: Translator,
    layout: Layout,
    code: String,
    customer: CustomerData,
    currency: Currency,
    principal: String,
    form: OfferForm,
    /// How to type amounts, with an example in the user's format.
    amount_hint: String,
    authority_hint: String,
    /// The source of the interest owed, shown when the form opens.
    interest_hint: Option<String>,
    errors: FieldErrors,
    refusal: Option<String>,
}

/// Shows the offer form with the interest owed and the fees taken from the
/// customer's late-interest statement as of the offer date. Both stay
/// editable.
pub async fn form(State(state): State<AppState>, user: SignedIn, Path((code, reference)): Path<(String, String)>) -> PageResult {
    let target = negotiation_target(&state, &user, &code, &reference).await?;
    let tr = user.tr;
    let owed = statement_owed(&state, &target).await.map_err(|error| PageError::new(tr, error))?;
    let (interest_minor, fees_minor, interest_hint) = match owed {
        Ok((interest_minor, fees_minor)) => (interest_minor, fees_minor, tr.t_args("settlement-interest-from-statement", &[("date", tr.date(&target.as_of))])),
        // NOTE: the statement's reason is in English only.
        Err(detail) => (0, 0, tr.t_args("settlement-interest-statement-failed", &[("detail", detail)])),
    };
    let currency = target.currency.code();
    let form = OfferForm {
        interest_owed: tr.money(&interest_minor, currency),
        fees_owed: tr.money(&fees_minor, currency),
        principal_discount: tr.money(&0, currency),
        pay_by: (target.as_of + chrono::Duration::days(DEFAULT_PAY_BY_DAYS)).to_string(),
        ..OfferForm::default()
    };
    show_form(&state, &user, code, target, form, FieldErrors::default(), None, Some(interest_hint), StatusCode::OK).await
}

/// Computes the interest and the fees the customer owes in the offer's
/// currency as of the offer date, from the late-interest statement.
/// Returns the reason as the inner error when the statement cannot be
/// computed, such as a regime that does not accept the currency.
async fn statement_owed(state: &AppState, target: &NegotiationTarget) -> Result<Result<(i64, i64), String>, WebError> {
    let mut conn = state.store.acquire().await?;
    let computed = statement_of(&mut conn, target.portfolio.clone(), target.customer_id, target.customer.clone(), target.as_of).await;
    match computed {
        Ok(statement) => {
            let totals = statement.totals.iter().find(|totals| totals.currency == target.currency);
            Ok(Ok(totals.map_or((0, 0), |totals| (totals.interest_minor, totals.fees_minor))))
        }
        Err(StatementError::Store(error)) => Err(WebError::Store(error)),
        Err(error) => {
            tracing::warn!(%error, portfolio = %target.portfolio.code, customer = %target.customer.external_ref, "interest statement for the offer form failed");
            Ok(Err(error.to_string()))
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn show_form(
    state: &AppState,
    user: &SignedIn,
    code: String,
    target: NegotiationTarget,
    form: OfferForm,
    errors: FieldErrors,
    refusal: Option<String>,
    interest_hint: Option<String>,
    status: StatusCode,
) -> PageResult {
    let tr = user.tr;
    let fail = |error| PageError::new(tr, error);
    let mut conn = state.store.acquire().await.map_err(fail)?;
    let open = stored::open_documents(&mut conn, target.customer_id, target.currency).await.map_err(fail)?;
    let pending = negotiation::pending_count(&mut conn, user, target.portfolio.id).await.map_err(fail)?;
    let limits = negotiation::approval_limits(&mut conn, target.portfolio.id).await.map_err(|error| PageError::new(tr, error))?;
    drop(conn);

    let principal_minor: i64 = open.iter().filter(|document| !document.disputed).map(|document| document.open_minor).sum();
    let role = negotiator(user)?.role;
    let mut layout = Layout::new(user, tr.t("settlement-form-title"), Some(&target.portfolio), "customers");
    layout.pending_approvals = pending;
    let page = OfferFormPage {
        tr,
        layout,
        code,
        principal: tr.money(&principal_minor, target.currency.code()),
        customer: target.customer,
        currency: target.currency,
        form,
        amount_hint: tr.t_args("negotiation-amount-hint", &[("example", amount_example(tr).to_string())]),
        authority_hint: authority_hint(tr, &limits, role),
        interest_hint,
        errors,
        refusal,
    };
    let mut response = render(tr, &page)?;
    *response.status_mut() = status;
    Ok(response)
}

/// Describes what the user's own offers may forgive without approval
/// under the portfolio's approval limits. A percent without a limit shows
/// as 100 %, all of it.
fn authority_hint(tr: Translator, limits: &ApprovalLimits, role: ApproverRole) -> String {
    let waiver = limits.level(role).waiver;
    match (waiver.max_interest_waiver_percent, waiver.max_principal_discount_percent) {
        (None, None) => tr.t("settlement-authority-none"),
        (interest, principal) => {
            let percent = |value: Option<Decimal>| format_decimal(tr, value.unwrap_or(Decimal::ONE_HUNDRED));
            tr.t_args("settlement-authority-hint", &[("interest", percent(interest)), ("principal", percent(principal))])
        }
    }
}

fn validate(tr: Translator, form: &OfferForm, target: &NegotiationTarget) -> Result<OfferRequest, FieldErrors> {
    let mut errors = FieldErrors::default();
    let amount = |field: &'static str, text: &str, errors: &mut FieldErrors| -> Decimal {
        if text.trim().is_empty() {
            return Decimal::ZERO;
        }
        parse_user_amount(tr, text, target.currency).unwrap_or_else(|message| {
            errors.add(field, message);
            Decimal::ZERO
        })
    };
    let interest_owed = amount("interest_owed", &form.interest_owed, &mut errors);
    let fees_owed = amount("fees_owed", &form.fees_owed, &mut errors);

    let waiver_text = form.waiver.trim();
    let interest_waiver = if waiver_text.ends_with('%') {
        match parse_user_percent(tr, waiver_text).filter(|percent| *percent >= Decimal::ZERO && *percent <= Decimal::ONE_HUNDRED) {
            Some(percent) => WaiverAmount::Percent(percent),
            None => {
                errors.add("waiver", tr.t_args("settlement-error-waiver", &[("value", waiver_text.to_string()), ("example", amount_example(tr).to_string())]));
                WaiverAmount::Amount(Decimal::ZERO)
            }
        }
    } else if waiver_text.is_empty() {
        WaiverAmount::Amount(Decimal::ZERO)
    } else {
        match parse_user_amount(tr, waiver_text, target.currency) {
            Ok(value) => WaiverAmount::Amount(value),
            Err(_) => {
                errors.add("waiver", tr.t_args("settlement-error-waiver", &[("value", waiver_text.to_string()), ("example", amount_example(tr).to_string())]));
                WaiverAmount::Amount(Decimal::ZERO)
            }
        }
    };
    let principal_discount = amount("principal_discount", &form.principal_discount, &mut errors);

    let pay_by = match recobro_core::parse_iso_date(form.pay_by.trim()) {
        Ok(date) if date < target.as_of => {
            errors.add("pay_by", tr.t_args("settlement-error-pay-by-past", &[("date", tr.date(&target.as_of))]));
            None
        }
        Ok(date) => Some(date),
        Err(_) => {
            errors.add("pay_by", tr.t_args("negotiation-error-date", &[("value", form.pay_by.trim().to_string())]));
            None
        }
    };

    match pay_by {
        Some(pay_by) if errors.is_empty() => Ok(OfferRequest {
            portfolio: target.portfolio.code.clone(),
            customer_ref: target.customer.external_ref.clone(),
            interest_owed,
            fees_owed,
            interest_waiver,
            principal_discount,
            offered_on: target.as_of,
            pay_by,
        }),
        _ => Err(errors),
    }
}

/// Makes the offer and opens its page.
pub async fn submit(State(state): State<AppState>, user: SignedIn, Path((code, reference)): Path<(String, String)>, axum::Form(form): axum::Form<OfferForm>) -> PageResult {
    let tr = user.tr;
    user.check_csrf(&form.csrf).map_err(|error| PageError::new(tr, error))?;
    let target = negotiation_target(&state, &user, &code, &reference).await?;
    let request = match validate(tr, &form, &target) {
        Ok(request) => request,
        Err(errors) => return show_form(&state, &user, code, target, form, errors, None, None, StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    let by = negotiator(&user)?;

    let mut tx = state.store.begin().await.map_err(|error| PageError::new(tr, error))?;
    match settlements::make_offer(&mut tx, &request, &by).await {
        Ok(offer) => {
            tx.commit().await.map_err(|error| PageError::new(tr, recobro_store::StoreError::from(error)))?;
            tracing::info!(user = %user.actor.username, portfolio = %code, offer = offer.id, status = %offer.status, "settlement offer made");
            Ok(Redirect::to(&format!("/p/{code}/settlements/{}?saved=1", offer.id)).into_response())
        }
        Err(error) => {
            drop(tx);
            let Refusal { status, message } = refusal(tr, error)?;
            show_form(&state, &user, code, target, form, FieldErrors::default(), Some(message), None, status).await
        }
    }
}

#[derive(Template)]
#[template(path = "settlement.html")]
struct OfferPage {
    tr: Translator,
    layout: Layout,
    code: String,
    offer: OfferRecord,
    owed_minor: i64,
    notice: Option<String>,
    can_decide: bool,
    decision_action: String,
    /// The offer letter as a PDF.
    /// The letter's download path, once the record has a letter.
    letter_path: Option<String>,
    reason: String,
    reason_error: String,
    refusal: Option<String>,
}

pub async fn page(State(state): State<AppState>, user: SignedIn, Path((code, id)): Path<(String, i64)>, Query(query): Query<RecordQuery>) -> PageResult {
    let tr = user.tr;
    let notice = match query.decided.as_deref() {
        Some("approved") => Some(tr.t("settlement-approved")),
        Some("rejected") => Some(tr.t("settlement-rejected")),
        _ => None,
    };
    show_offer(&state, &user, code, id, RecordState { notice, saved: query.saved.is_some(), ..RecordState::default() }, StatusCode::OK).await
}

async fn show_offer(state: &AppState, user: &SignedIn, code: String, id: i64, mut record_state: RecordState, status: StatusCode) -> PageResult {
    let tr = user.tr;
    let fail = |error| PageError::new(tr, error);
    let mut conn = state.store.acquire().await.map_err(fail)?;
    let portfolio = viewable_portfolio(&mut conn, user, &code).await?;
    let offer = stored::find_offer(&mut conn, portfolio.id, id).await.map_err(fail)?.ok_or_else(|| PageError::new(tr, WebError::NotFound))?;
    negotiation::require_record_customer(&mut conn, user, &portfolio, &offer.customer_ref).await?;
    let pending = negotiation::pending_count(&mut conn, user, portfolio.id).await.map_err(fail)?;
    drop(conn);

    // An offer within the proposer's authority was approved at once.
    if record_state.saved {
        let required = ("role", tr.label("approver", &offer.required_role));
        record_state.notice = Some(if offer.status == "approved" { tr.t("settlement-saved-approved") } else { tr.t_args("settlement-saved-pending", &[required]) });
    }
    let mut layout = Layout::new(user, tr.t_args("settlement-title", &[("id", offer.id.to_string())]), Some(&portfolio), "customers");
    layout.pending_approvals = pending;
    let page = OfferPage {
        tr,
        layout,
        decision_action: format!("/p/{code}/settlements/{}/decision", offer.id),
        letter_path: matches!(offer.status.as_str(), "approved" | "paid" | "expired").then(|| format!("/p/{code}/settlements/{}/letter", offer.id)),
        code,
        can_decide: authz::allows(user.actor.role, Permission::ApproveNegotiation) && offer.status == negotiation::OFFER_PENDING,
        owed_minor: offer.principal_minor + offer.interest_minor + offer.fees_minor,
        offer,
        notice: record_state.notice,
        reason: record_state.reason,
        reason_error: record_state.reason_error,
        refusal: record_state.refusal,
    };
    let mut response = render(tr, &page)?;
    *response.status_mut() = status;
    Ok(response)
}

/// Sends the offer letter as a PDF in the customer's language.
pub async fn letter(State(state): State<AppState>, user: SignedIn, Path((code, id)): Path<(String, i64)>) -> PageResult {
    negotiation::send_letter(&state, &user, &code, id, RecordKind::Offer).await
}

/// Approves or rejects an offer pending approval.
pub async fn decide(State(state): State<AppState>, user: SignedIn, Path((code, id)): Path<(String, i64)>, axum::Form(form): axum::Form<negotiation::DecisionForm>) -> PageResult {
    match negotiation::decide_record(&state, &user, &code, id, &form, RecordKind::Offer).await? {
        DecisionOutcome::Decided(response) => Ok(response),
        DecisionOutcome::Refused(record_state, status) => show_offer(&state, &user, code, id, record_state, status).await,
    }
}
