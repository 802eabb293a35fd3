//! Write-offs (castigos): the form that requests one for a customer's
//! uncollectable balance, and the write-off page with the approve and
//! reject buttons of managers and administrators.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use recobro_app::negotiation::write_offs;
use recobro_core::Currency;
use recobro_store::ledger::CustomerData;
use recobro_store::negotiation::{self as stored, WriteOffRecord};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::negotiation::{self, DecisionOutcome, FieldErrors, NegotiationTarget, RecordKind, RecordQuery, RecordState, Refusal, amount_example, negotiation_target, negotiator, parse_user_amount, refusal};
use super::{Layout, PageError, PageResult, render, viewable_portfolio};
use crate::AppState;
use crate::auth::SignedIn;
use crate::authz::{self, Permission};
use crate::error::WebError;
use crate::i18n::Translator;

#[derive(Deserialize, Default, Clone)]
pub struct WriteOffForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    reason: String,
}

#[derive(Template)]
#[template(path = "write_off_form.html")]
struct WriteOffFormPage {
    tr: Translator,
    layout: Layout,
    code: String,
    customer: CustomerData,
    currency: Currency,
    balance: String,
    form: WriteOffForm,
    /// How to type amounts, with an example in the user's format.
    amount_hint: String,
    errors: FieldErrors,
    refusal: Option<String>,
}

/// Sums the customer's open undisputed balance in minor units, which is
/// what a write-off may close, and counts what waits for approval.
async fn open_balance(state: &AppState, user: &SignedIn, target: &NegotiationTarget) -> Result<(i64, Option<usize>), PageError> {
    let tr = user.tr;
    let fail = |error| PageError::new(tr, error);
    let mut conn = state.store.acquire().await.map_err(fail)?;
    let open = stored::open_documents(&mut conn, target.customer_id, target.currency).await.map_err(fail)?;
    let pending = negotiation::pending_count(&mut conn, user, target.portfolio.id).await.map_err(fail)?;
    Ok((open.iter().filter(|document| !document.disputed).map(|document| document.open_minor).sum(), pending))
}

pub async fn form(State(state): State<AppState>, user: SignedIn, Path((code, reference)): Path<(String, String)>) -> PageResult {
    let target = negotiation_target(&state, &user, &code, &reference).await?;
    let (balance_minor, _) = open_balance(&state, &user, &target).await?;
    let form = WriteOffForm { amount: user.tr.money(&balance_minor, target.currency.code()), ..WriteOffForm::default() };
    show_form(&state, &user, code, target, form, FieldErrors::default(), None, StatusCode::OK).await
}

#[allow(clippy::too_many_arguments)]
async fn show_form(state: &AppState, user: &SignedIn, code: String, target: NegotiationTarget, form: WriteOffForm, errors: FieldErrors, refusal: Option<String>, status: StatusCode) -> PageResult {
    let tr = user.tr;
    let (balance_minor, pending) = open_balance(state, user, &target).await?;
    let mut layout = Layout::new(user, tr.t("write-off-form-title"), Some(&target.portfolio), "customers");
    layout.pending_approvals = pending;
    let page = WriteOffFormPage {
        tr,
        layout,
        code,
        balance: tr.money(&balance_minor, target.currency.code()),
        customer: target.customer,
        currency: target.currency,
        form,
        amount_hint: tr.t_args("negotiation-amount-hint", &[("example", amount_example(tr).to_string())]),
        errors,
        refusal,
    };
    let mut response = render(tr, &page)?;
    *response.status_mut() = status;
    Ok(response)
}

/// Requests the write-off and opens its page.
pub async fn submit(State(state): State<AppState>, user: SignedIn, Path((code, reference)): Path<(String, String)>, axum::Form(form): axum::Form<WriteOffForm>) -> PageResult {
    let tr = user.tr;
    user.check_csrf(&form.csrf).map_err(|error| PageError::new(tr, error))?;
    let target = negotiation_target(&state, &user, &code, &reference).await?;

    let mut errors = FieldErrors::default();
    let amount = match parse_user_amount(tr, &form.amount, target.currency) {
        Ok(amount) if amount > Decimal::ZERO => Some(amount),
        Ok(_) => {
            errors.add("amount", tr.t_args("write-off-error-amount", &[("value", form.amount.trim().to_string()), ("example", amount_example(tr).to_string())]));
            None
        }
        Err(message) => {
            errors.add("amount", message);
            None
        }
    };
    let reason = form.reason.trim().to_string();
    if reason.is_empty() {
        errors.add("reason", tr.t("write-off-error-reason"));
    }
    let Some(amount) = amount.filter(|_| errors.is_empty()) else {
        return show_form(&state, &user, code, target, form, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let by = negotiator(&user)?;

    let mut tx = state.store.begin().await.map_err(|error| PageError::new(tr, error))?;
    match write_offs::request_write_off(&mut tx, &code, &target.customer.external_ref, amount, &reason, &by, target.as_of).await {
        Ok(record) => {
            tx.commit().await.map_err(|error| PageError::new(tr, recobro_store::StoreError::from(error)))?;
            tracing::info!(user = %user.actor.username, portfolio = %code, write_off = record.id, "write-off requested");
            Ok(Redirect::to(&format!("/p/{code}/write-offs/{}?saved=1", record.id)).into_response())
        }
        Err(error) => {
            drop(tx);
            let Refusal { status, message } = refusal(tr, error)?;
            show_form(&state, &user, code, target, form, FieldErrors::default(), Some(message), status).await
        }
    }
}

#[derive(Template)]
#[template(path = "write_off.html")]
struct WriteOffPage {
    tr: Translator,
    layout: Layout,
    code: String,
    record: WriteOffRecord,
    notice: Option<String>,
    can_decide: bool,
    decision_action: String,
    reason: String,
    reason_error: String,
    refusal: Option<String>,
}

pub async fn page(State(state): State<AppState>, user: SignedIn, Path((code, id)): Path<(String, i64)>, Query(query): Query<RecordQuery>) -> PageResult {
    let tr = user.tr;
    let notice = match (query.decided.as_deref(), query.saved.is_some()) {
        (Some("approved"), _) => Some(tr.t("write-off-approved")),
        (Some("rejected"), _) => Some(tr.t("write-off-rejected")),
        (_, true) => Some(tr.t("write-off-saved")),
        _ => None,
    };
    show_record(&state, &user, code, id, RecordState { notice, ..RecordState::default() }, StatusCode::OK).await
}

async fn show_record(state: &AppState, user: &SignedIn, code: String, id: i64, record_state: RecordState, status: StatusCode) -> PageResult {
    let tr = user.tr;
    let fail = |error| PageError::new(tr, error);
    let mut conn = state.store.acquire().await.map_err(fail)?;
    let portfolio = viewable_portfolio(&mut conn, user, &code).await?;
    let record = stored::find_write_off(&mut conn, portfolio.id, id).await.map_err(fail)?.ok_or_else(|| PageError::new(tr, WebError::NotFound))?;
    negotiation::require_record_customer(&mut conn, user, &portfolio, &record.customer_ref).await?;
    let pending = negotiation::pending_count(&mut conn, user, portfolio.id).await.map_err(fail)?;
    drop(conn);

    let mut layout = Layout::new(user, tr.t_args("write-off-title", &[("id", record.id.to_string())]), Some(&portfolio), "customers");
    layout.pending_approvals = pending;
    let page = WriteOffPage {
        tr,
        layout,
        decision_action: format!("/p/{code}/write-offs/{}/decision", record.id),
        code,
        can_decide: authz::allows(user.actor.role, Permission::ApproveNegotiation) && record.status == negotiation::WRITE_OFF_PENDING,
        record,
        notice: record_state.notice,
        reason: record_state.reason,
        reason_error: record_state.reason_error,
        refusal: record_state.refusal,
    };
    let mut response = render(tr, &page)?;
    *response.status_mut() = status;
    Ok(response)
}

/// Approves or rejects a pending write-off.
pub async fn decide(State(state): State<AppState>, user: SignedIn, Path((code, id)): Path<(String, i64)>, axum::Form(form): axum::Form<negotiation::DecisionForm>) -> PageResult {
    match negotiation::decide_record(&state, &user, &code, id, &form, RecordKind::WriteOff).await? {
        DecisionOutcome::Decided(response) => Ok(response),
        DecisionOutcome::Refused(record_state, status) => show_record(&state, &user, code, id, record_state, status).await,
    }
}
