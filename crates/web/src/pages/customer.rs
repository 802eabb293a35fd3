//! The customer page and the form that logs a collection action.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use chrono::NaiveDate;
use recobro_core::Currency;
use recobro_core::number::{NumberFormat, parse_amount};
use recobro_store::browse::{self, ActionRow, DocumentRow, PaymentRow};
use recobro_store::cases::CaseRecord;
use recobro_store::ledger::{self, ActionData, CustomerData};
use recobro_store::portfolio::Portfolio;
use serde::Deserialize;

use super::{Layout, PageError, PageResult, business_date, non_empty, render, viewable_portfolio};
use crate::AppState;
use crate::auth::SignedIn;
use crate::authz::{self, Permission};
use crate::error::WebError;
use crate::i18n::{Language, Translator};

const LIST_LIMIT: i64 = 200;
pub const ACTION_KINDS: [&str; 7] = ["call", "email", "letter", "sms", "visit", "note", "legal_update"];
pub const OUTCOMES: [&str; 7] = ["contact", "no_contact", "promise_to_pay", "refused", "dispute", "wrong_number", "paid"];

/// Loads a customer the user may see, or the error page to show.
async fn visible_customer(state: &AppState, user: &SignedIn, code: &str, reference: &str) -> Result<(Portfolio, i64, CustomerData), PageError> {
    let tr = user.tr;
    let mut conn = state.store.acquire().await.map_err(|error| PageError::new(tr, error))?;
    let portfolio = viewable_portfolio(&mut conn, user, code).await?;
    let found = browse::find_customer(&mut conn, portfolio.id, reference).await.map_err(|error| PageError::new(tr, error))?;
    let (id, customer) = found.ok_or_else(|| PageError::new(tr, WebError::NotFound))?;
    authz::require_customer(&user.actor, customer.collector.as_deref()).map_err(|error| PageError::new(tr, error))?;
    Ok((portfolio, id, customer))
}

#[derive(Template)]
#[template(path = "customer.html")]
struct CustomerPage {
    tr: Translator,
    layout: Layout,
    code: String,
    customer: CustomerData,
    case: Option<CaseRecord>,
    as_of: NaiveDate,
    open_documents: Vec<(DocumentRow, i64)>,
    settled_documents: Vec<DocumentRow>,
    payments: Vec<PaymentRow>,
    actions: Vec<ActionRow>,
    can_log: bool,
}

pub async fn page(State(state): State<AppState>, user: SignedIn, Path((code, reference)): Path<(String, String)>) -> PageResult {
    let tr = user.tr;
    let fail = |error| PageError::new(tr, error);
    let (portfolio, customer_id, customer) = visible_customer(&state, &user, &code, &reference).await?;
    let mut conn = state.store.acquire().await.map_err(fail)?;
    let as_of = business_date(&mut conn, portfolio.id).await.map_err(|error| PageError::new(tr, error))?;
    let documents = browse::customer_documents(&mut conn, customer_id, LIST_LIMIT).await.map_err(fail)?;
    let payments = browse::customer_payments(&mut conn, customer_id, LIST_LIMIT).await.map_err(fail)?;
    let actions = browse::customer_actions(&mut conn, customer_id, LIST_LIMIT).await.map_err(fail)?;
    let case = browse::customer_case(&mut conn, customer_id).await.map_err(fail)?.filter(|case| case.status == recobro_store::cases::CaseStatus::Open);

    let (open, settled): (Vec<DocumentRow>, Vec<DocumentRow>) = documents.into_iter().partition(|document| document.open_minor > 0 && document.kind != "credit_note");
    let open_documents = open.into_iter().map(|document| {
        let days = recobro_core::days_past_due(as_of, document.due_date);
        (document, days)
    });

    let layout = Layout::new(&user, customer.name.clone(), Some(&portfolio), "customers");
    let page = CustomerPage {
        tr,
        layout,
        code,
        customer,
        case,
        as_of,
        open_documents: open_documents.collect(),
        settled_documents: settled,
        payments,
        actions,
        can_log: authz::allows(user.actor.role, Permission::LogAction),
    };
    render(tr, &page)
}

/// The values of the action form, as typed, for showing it again.
#[derive(Deserialize, Default, Clone)]
pub struct ActionForm {
    csrf: Option<String>,
    task: Option<String>,
    action_on: Option<String>,
    kind: Option<String>,
    outcome: Option<String>,
    promise_amount: Option<String>,
    promise_on: Option<String>,
    dispute_reason: Option<String>,
    notes: Option<String>,
    next_action_on: Option<String>,
    #[serde(default)]
    dispute_documents: Vec<String>,
}

#[derive(Template)]
#[template(path = "action_form.html")]
struct ActionFormPage {
    tr: Translator,
    layout: Layout,
    code: String,
    customer: CustomerData,
    form: ActionFormValues,
    errors: Vec<String>,
    kinds: Vec<&'static str>,
    outcomes: Vec<&'static str>,
    open_documents: Vec<DocumentRow>,
}

/// The form's fields as text, never absent, for the template.
struct ActionFormValues {
    task: String,
    action_on: String,
    kind: String,
    outcome: String,
    promise_amount: String,
    promise_on: String,
    dispute_reason: String,
    notes: String,
    next_action_on: String,
    dispute_documents: Vec<String>,
}

impl ActionFormValues {
    fn from_form(form: &ActionForm) -> Self {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        Self {
            task: text(&form.task),
            action_on: text(&form.action_on),
            kind: text(&form.kind),
            outcome: text(&form.outcome),
            promise_amount: text(&form.promise_amount),
            promise_on: text(&form.promise_on),
            dispute_reason: text(&form.dispute_reason),
            notes: text(&form.notes),
            next_action_on: text(&form.next_action_on),
            dispute_documents: form.dispute_documents.clone(),
        }
    }
}

#[derive(Deserialize)]
pub struct ActionQuery {
    task: Option<String>,
}

pub async fn action_form(State(state): State<AppState>, user: SignedIn, Path((code, reference)): Path<(String, String)>, Query(query): Query<ActionQuery>) -> PageResult {
    let tr = user.tr;
    authz::require(&user.actor, Permission::LogAction).map_err(|error| PageError::new(tr, error))?;
    let (portfolio, customer_id, customer) = visible_customer(&state, &user, &code, &reference).await?;
    let mut conn = state.store.acquire().await.map_err(|error| PageError::new(tr, error))?;
    let as_of = business_date(&mut conn, portfolio.id).await.map_err(|error| PageError::new(tr, error))?;
    drop(conn);

    let form = ActionForm {
        task: query.task,
        action_on: Some(as_of.to_string()),
        kind: Some("call".into()),
        ..ActionForm::default()
    };
    show_action_form(&state, &user, &portfolio, code, customer_id, customer, &form, Vec::new()).await
}

#[allow(clippy::too_many_arguments)]
async fn show_action_form(
    state: &AppState,
    user: &SignedIn,
    portfolio: &Portfolio,
    code: String,
    customer_id: i64,
    customer: CustomerData,
    form: &ActionForm,
    errors: Vec<String>,
) -> PageResult {
    let tr = user.tr;
    let mut conn = state.store.acquire().await.map_err(|error| PageError::new(tr, error))?;
    let documents = browse::customer_documents(&mut conn, customer_id, LIST_LIMIT).await.map_err(|error| PageError::new(tr, error))?;
    let open_documents = documents.into_iter().filter(|document| document.open_minor > 0 && document.kind != "credit_note").collect();
    let status = if errors.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    let layout = Layout::new(user, tr.t("action-title"), Some(portfolio), "customers");
    let page = ActionFormPage {
        tr,
        layout,
        code,
        customer,
        form: ActionFormValues::from_form(form),
        errors,
        kinds: ACTION_KINDS.to_vec(),
        outcomes: OUTCOMES.to_vec(),
        open_documents,
    };
    let mut response = render(tr, &page)?;
    *response.status_mut() = status;
    Ok(response)
}

/// A checked action form, ready to store.
struct ValidAction {
    action_on: NaiveDate,
    kind: String,
    outcome: Option<String>,
    promise: Option<(i64, NaiveDate)>,
    dispute: Option<(Vec<String>, String)>,
    notes: Option<String>,
    next_action_on: Option<NaiveDate>,
    task: Option<i64>,
}

/// Checks the form. Returns every problem as a message in the user's
/// language.
fn validate(tr: Translator, form: &ActionForm, currency: Currency) -> Result<ValidAction, Vec<String>> {
    let mut errors = Vec::new();
    let date = |value: &Option<String>, field: &str, errors: &mut Vec<String>| -> Option<NaiveDate> {
        let text = non_empty(value)?;
        match recobro_core::parse_iso_date(&text) {
            Ok(date) => Some(date),
            Err(_) => {
                errors.push(tr.t_args("action-error-date", &[("field", tr.t(field)), ("value", text)]));
                None
            }
        }
    };

    let action_on = date(&form.action_on, "action-date", &mut errors);
    if action_on.is_none() && non_empty(&form.action_on).is_none() {
        errors.push(tr.t_args("action-error-required", &[("field", tr.t("action-date"))]));
    }
    let kind = non_empty(&form.kind).filter(|kind| ACTION_KINDS.contains(&kind.as_str()));
    if kind.is_none() {
        errors.push(tr.t_args("action-error-required", &[("field", tr.t("action-kind"))]));
    }
    let outcome = non_empty(&form.outcome);
    if let Some(outcome) = &outcome
        && !OUTCOMES.contains(&outcome.as_str())
    {
        errors.push(tr.t_args("action-error-choice", &[("field", tr.t("action-outcome")), ("value", outcome.clone())]));
    }

    let promise_on = date(&form.promise_on, "action-promise-date", &mut errors);
    let promise_amount = non_empty(&form.promise_amount).and_then(|text| {
        let format = match tr.language {
            Language::Es => NumberFormat { decimal: ',', thousands: Some('.') },
            Language::En => NumberFormat { decimal: '.', thousands: Some(',') },
        };
        let parsed = parse_amount(&text, format).ok().and_then(|amount| recobro_core::Money::from_decimal(amount, currency).ok());
        match parsed {
            Some(money) if money.minor > 0 => Some(money.minor),
            _ => {
                errors.push(tr.t_args("action-error-amount", &[("value", text)]));
                None
            }
        }
    });
    let promised = outcome.as_deref() == Some("promise_to_pay");
    let promise = match (promise_amount, promise_on) {
        (Some(amount), Some(on)) => {
            if action_on.is_some_and(|action_on| on < action_on) {
                errors.push(tr.t("action-error-promise-past"));
            }
            Some((amount, on))
        }
        (None, None) if !promised => None,
        _ => {
            errors.push(tr.t("action-error-promise-incomplete"));
            None
        }
    };

    let disputed = outcome.as_deref() == Some("dispute");
    let reason = non_empty(&form.dispute_reason);
    let dispute = match (disputed, form.dispute_documents.is_empty(), reason) {
        (false, true, None) => None,
        (true, false, Some(reason)) => Some((form.dispute_documents.clone(), reason)),
        _ => {
            errors.push(tr.t("action-error-dispute-incomplete"));
            None
        }
    };

    let next_action_on = date(&form.next_action_on, "action-next-date", &mut errors);
    if let (Some(next), Some(action_on)) = (next_action_on, action_on)
        && next < action_on
    {
        errors.push(tr.t("action-error-next-past"));
    }
    let task = non_empty(&form.task).and_then(|text| text.parse::<i64>().ok());

    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ValidAction {
        action_on: action_on.expect("checked above"),
        kind: kind.expect("checked above"),
        outcome,
        promise,
        dispute,
        notes: non_empty(&form.notes),
        next_action_on,
        task,
    })
}

pub async fn log_action(State(state): State<AppState>, user: SignedIn, Path((code, reference)): Path<(String, String)>, axum::Form(pairs): axum::Form<Vec<(String, String)>>) -> PageResult {
    let tr = user.tr;
    let form = collect_form(pairs);
    user.check_csrf(form.csrf.as_deref().unwrap_or_default()).map_err(|error| PageError::new(tr, error))?;
    authz::require(&user.actor, Permission::LogAction).map_err(|error| PageError::new(tr, error))?;
    let (portfolio, customer_id, customer) = visible_customer(&state, &user, &code, &reference).await?;
    let currency = Currency::parse(&customer.currency).unwrap_or(portfolio.currency);

    let action = match validate(tr, &form, currency) {
        Ok(action) => action,
        Err(errors) => return show_action_form(&state, &user, &portfolio, code, customer_id, customer, &form, errors).await,
    };
    store_action(&state, &user, portfolio.id, customer_id, &customer, currency, &action).await.map_err(|error| PageError::new(tr, error))?;
    tracing::info!(user = %user.actor.username, customer_id, kind = %action.kind, "collection action logged");
    Ok(Redirect::to(&format!("/p/{code}/customers/{}", super::url_encode(&reference))).into_response())
}

/// Gathers repeated fields (the disputed documents) into the form.
fn collect_form(pairs: Vec<(String, String)>) -> ActionForm {
    let mut form = ActionForm::default();
    let mut single: HashMap<String, String> = HashMap::new();
    for (name, value) in pairs {
        if name == "dispute_documents" {
            form.dispute_documents.push(value);
        } else {
            single.insert(name, value);
        }
    }
    let mut take = |name: &str| single.remove(name);
    form.csrf = take("csrf");
    form.task = take("task");
    form.action_on = take("action_on");
    form.kind = take("kind");
    form.outcome = take("outcome");
    form.promise_amount = take("promise_amount");
    form.promise_on = take("promise_on");
    form.dispute_reason = take("dispute_reason");
    form.notes = take("notes");
    form.next_action_on = take("next_action_on");
    form
}

/// Stores the action, its disputes and the completed task in one
/// transaction.
async fn store_action(state: &AppState, user: &SignedIn, portfolio_id: i64, customer_id: i64, customer: &CustomerData, currency: Currency, action: &ValidAction) -> Result<(), WebError> {
    let mut tx = state.store.begin().await?;
    let key = format!("user:{}:{}", user.actor.username, crate::auth::new_token());
    let data = ActionData {
        customer_id,
        action_key: key,
        action_on: action.action_on,
        kind: action.kind.clone(),
        outcome: action.outcome.clone(),
        collector: Some(user.actor.username.clone()),
        notes: action.notes.clone(),
        next_action_kind: action.next_action_on.map(|_| "follow_up".to_string()),
        next_action_on: action.next_action_on,
        promise_amount_minor: action.promise.map(|(amount, _)| amount),
        promise_currency: action.promise.map(|_| currency),
        promise_on: action.promise.map(|(_, on)| on),
        source: "user",
    };
    ledger::insert_action(&mut tx, portfolio_id, &data).await?;

    if let Some((numbers, reason)) = &action.dispute {
        let documents = browse::customer_documents(&mut tx, customer_id, LIST_LIMIT).await?;
        for number in numbers {
            let document = documents.iter().find(|document| &document.number == number).ok_or_else(|| WebError::BadRequest(format!("document {number} is not one of this customer's")))?;
            ledger::insert_dispute(&mut tx, portfolio_id, document.id, action.action_on, reason).await?;
        }
    }
    if let Some(task_id) = action.task {
        browse::complete_task(&mut tx, task_id, customer_id).await?;
    }
    recobro_store::users::insert_audit_event(&mut tx, &user.actor.username, "action.logged", &format!("customer:{}", customer.external_ref), Some(&action.kind)).await?;
    tx.commit().await.map_err(recobro_store::StoreError::from)?;
    Ok(())
}
