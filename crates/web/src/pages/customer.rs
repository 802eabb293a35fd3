//! The customer page and the form that logs a collection action.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use chrono::NaiveDate;
use recobro_core::Currency;
use recobro_core::number::NumberFormat;
use recobro_store::browse::{self, ActionRow, DocumentRow, PaymentRow};
use recobro_store::cases::CaseRecord;
use recobro_store::ledger::CustomerData;
use recobro_store::portfolio::Portfolio;
use serde::Deserialize;

use super::{Layout, PageError, PageResult, business_date, render, viewable_portfolio};
use crate::AppState;
use crate::actions::{self, ACTION_KINDS, ActionField, ActionInput, ActionProblem, OUTCOMES, ValidAction};
use crate::auth::SignedIn;
use crate::authz::{self, Permission};
use crate::error::WebError;
use crate::i18n::{Language, Translator};

const LIST_LIMIT: i64 = 200;

/// Loads a customer the user may see, or the error page to show.
pub(super) async fn visible_customer(state: &AppState, user: &SignedIn, code: &str, reference: &str) -> Result<(Portfolio, i64, CustomerData), PageError> {
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
    accounts: Vec<browse::SnapshotAccountRow>,
    can_log: bool,
    negotiation: super::negotiation::CustomerNegotiation,
    files: super::files::CustomerFilesPanel,
}

pub async fn page(State(state): State<AppState>, user: SignedIn, Path((code, reference)): Path<(String, String)>) -> PageResult {
    let tr = user.tr;
    let fail = |error| PageError::new(tr, error);
    let (portfolio, customer_id, customer) = visible_customer(&state, &user, &code, &reference).await?;
    let mut conn = state.store.acquire().await.map_err(fail)?;
    let as_of = business_date(&mut conn, portfolio.id).await.map_err(|error| PageError::new(tr, error))?;
    // The page shows the customer as of the latest run, like its case, so
    // later documents and payments of an import stay out of it.
    let documents = browse::customer_documents_as_of(&mut conn, customer_id, as_of, LIST_LIMIT).await.map_err(fail)?;
    let mut payments = browse::customer_payments(&mut conn, customer_id, LIST_LIMIT).await.map_err(fail)?;
    // NOTE: a payment of the date shows its allocations and unapplied
    // amount as they are now, which differ from that date's only when the
    // payment was applied later than it was received.
    payments.retain(|payment| payment.paid_on <= as_of);
    let actions = browse::customer_actions(&mut conn, customer_id, LIST_LIMIT).await.map_err(fail)?;
    let accounts = browse::customer_snapshot_accounts(&mut conn, customer_id, as_of).await.map_err(fail)?;
    let case = browse::customer_case(&mut conn, customer_id).await.map_err(fail)?.filter(|case| case.status == recobro_store::cases::CaseStatus::Open);
    let negotiation = super::negotiation::customer_negotiation(&mut conn, &user, portfolio.id, customer_id).await.map_err(fail)?;
    let files = super::files::customer_panel(&state, &user, &portfolio, &customer.external_ref, as_of).await.map_err(|error| PageError::new(tr, error))?;

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
        accounts,
        can_log: authz::allows(user.actor.role, Permission::LogAction),
        negotiation,
        files,
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
    let as_of = business_date(&mut conn, portfolio.id).await.map_err(|error| PageError::new(tr, error))?;
    let documents = browse::customer_documents_as_of(&mut conn, customer_id, as_of, LIST_LIMIT).await.map_err(|error| PageError::new(tr, error))?;
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

/// Checks the form. Returns every problem as a message in the user's
/// language.
fn validate(tr: Translator, form: &ActionForm, currency: Currency) -> Result<ValidAction, Vec<String>> {
    let input = ActionInput {
        action_on: form.action_on.clone(),
        kind: form.kind.clone(),
        outcome: form.outcome.clone(),
        promise_amount: form.promise_amount.clone(),
        promise_on: form.promise_on.clone(),
        dispute_reason: form.dispute_reason.clone(),
        dispute_documents: form.dispute_documents.clone(),
        notes: form.notes.clone(),
        next_action_on: form.next_action_on.clone(),
        task: form.task.clone(),
    };
    let amount_format = match tr.language {
        Language::Es => NumberFormat { decimal: ',', thousands: Some('.') },
        Language::En => NumberFormat { decimal: '.', thousands: Some(',') },
    };
    actions::validate(&input, amount_format, currency).map_err(|problems| problems.iter().map(|problem| problem_message(tr, problem)).collect())
}

fn problem_message(tr: Translator, problem: &ActionProblem) -> String {
    let label = |field: ActionField| {
        tr.t(match field {
            ActionField::Date => "action-date",
            ActionField::Kind => "action-kind",
            ActionField::Outcome => "action-outcome",
            ActionField::PromiseOn => "action-promise-date",
            ActionField::NextActionOn => "action-next-date",
        })
    };
    match problem {
        // The kind comes from a menu, so the form reports an unknown kind
        // as a missing one.
        ActionProblem::Missing(field) | ActionProblem::NotAnOption(field @ ActionField::Kind, _) => tr.t_args("action-error-required", &[("field", label(*field))]),
        ActionProblem::InvalidDate(field, value) => tr.t_args("action-error-date", &[("field", label(*field)), ("value", value.clone())]),
        ActionProblem::NotAnOption(field, value) => tr.t_args("action-error-choice", &[("field", label(*field)), ("value", value.clone())]),
        ActionProblem::InvalidAmount(value) => tr.t_args("action-error-amount", &[("value", value.clone())]),
        ActionProblem::PromiseIncomplete => tr.t("action-error-promise-incomplete"),
        ActionProblem::PromiseBeforeAction => tr.t("action-error-promise-past"),
        ActionProblem::DisputeIncomplete => tr.t("action-error-dispute-incomplete"),
        ActionProblem::NextActionBeforeAction => tr.t("action-error-next-past"),
    }
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
    actions::store_action(&state, &user.actor, portfolio.id, customer_id, &customer.external_ref, currency, &action).await.map_err(|error| PageError::new(tr, error))?;
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
