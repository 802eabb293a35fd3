//! The letters page of a portfolio: the stored collection letters with
//! filters by kind and status, the form that generates a stage's letters
//! as drafts, the approve and cancel buttons of managers, and the download
//! of each PDF. Collectors see only their own customers' letters.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use chrono::NaiveDate;
use recobro_app::letters::{self, BatchRequest, LetterError};
use recobro_app::policy::policy_in_force;
use recobro_documents::{Language, LetterKind};
use recobro_store::letters::{self as stored, Letter};
use recobro_store::portfolio::Portfolio;
use recobro_store::{browse, files, ledger};
use serde::Deserialize;

use super::{Layout, PageError, PageResult, business_date, render, viewable_portfolio};
use crate::AppState;
use crate::auth::SignedIn;
use crate::authz::{self, Permission};
use crate::error::WebError;
use crate::i18n::Translator;

/// The maximum number of letters the page lists at once.
const PAGE_ROWS: usize = 500;

const STATUSES: [&str; 5] = ["draft", "approved", "sent", "queued_for_print", "cancelled"];

#[derive(Deserialize, Default)]
pub struct LettersQuery {
    kind: Option<String>,
    status: Option<String>,
    /// Counts of a finished batch, shown as a notice.
    drafted: Option<usize>,
    kept: Option<usize>,
    skipped: Option<usize>,
    /// `approved` or `cancelled` after a decision.
    decided: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
pub struct GenerateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    stage: String,
    #[serde(default)]
    as_of: String,
    /// `es`, `en`, or empty for each customer's language.
    #[serde(default)]
    language: String,
}

#[derive(Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    csrf: String,
    /// `approve` or `cancel`.
    decision: String,
}

/// An option of the stage menu.
struct StageOption {
    value: String,
    label: String,
}

#[derive(Template)]
#[template(path = "letters.html")]
struct LettersPage {
    tr: Translator,
    layout: Layout,
    code: String,
    can_manage: bool,
    stages: Vec<StageOption>,
    form: GenerateForm,
    kinds: Vec<&'static str>,
    statuses: Vec<&'static str>,
    kind: String,
    status: String,
    letters: Vec<Letter>,
    /// Says how many letters are listed when the list is cut.
    shown_note: Option<String>,
    notice: Option<String>,
    error: Option<String>,
}

fn selected(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|value| !value.is_empty()).map(str::to_string)
}

pub async fn page(State(state): State<AppState>, user: SignedIn, Path(code): Path<String>, Query(query): Query<LettersQuery>) -> PageResult {
    let tr = user.tr;
    let notice = match (&query.decided, query.drafted) {
        (Some(decision), _) if decision == "approved" => Some(tr.t("letters-approved")),
        (Some(decision), _) if decision == "cancelled" => Some(tr.t("letters-cancelled")),
        (_, Some(drafted)) => Some(tr.t_args(
            "letters-generated",
            &[("drafted", drafted.to_string()), ("kept", query.kept.unwrap_or(0).to_string()), ("skipped", query.skipped.unwrap_or(0).to_string())],
        )),
        _ => None,
    };
    show(&state, &user, &code, &query, GenerateForm::default(), notice, None, StatusCode::OK).await
}

#[allow(clippy::too_many_arguments)]
async fn show(
    state: &AppState,
    user: &SignedIn,
    code: &str,
    query: &LettersQuery,
    mut form: GenerateForm,
    notice: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> PageResult {
    let tr = user.tr;
    let fail = |error: WebError| PageError::new(tr, error);
    authz::require(&user.actor, Permission::ViewCases).map_err(fail)?;
    let mut conn = state.store.acquire().await.map_err(|error| PageError::new(tr, error))?;
    let portfolio = viewable_portfolio(&mut conn, user, code).await?;
    let today = business_date(&mut conn, portfolio.id).await.map_err(fail)?;
    if form.as_of.is_empty() {
        form.as_of = today.to_string();
    }

    let kind = selected(&query.kind).filter(|kind| LetterKind::parse(kind).is_some());
    let status_filter = selected(&query.status).filter(|status| STATUSES.contains(&status.as_str()));
    let mut found =
        stored::list_letters(&mut conn, portfolio.id, status_filter.as_deref(), kind.as_deref(), None).await.map_err(|error| PageError::new(tr, error))?;
    if let Some(own) = authz::collector_scope(&user.actor) {
        let collectors: HashMap<i64, Option<String>> = ledger::load_customers(&mut conn, portfolio.id)
            .await
            .map_err(|error| PageError::new(tr, error))?
            .into_iter()
            .map(|(id, customer)| (id, customer.collector))
            .collect();
        found.retain(|letter| collectors.get(&letter.customer_id).and_then(|collector| collector.as_deref()) == Some(own));
    }
    let total = found.len();
    found.truncate(PAGE_ROWS);
    let shown_note = (total > found.len()).then(|| tr.t_args("letters-shown", &[("shown", found.len().to_string()), ("total", total.to_string())]));

    let can_manage = authz::allows(user.actor.role, Permission::ManageLetters);
    let stages = stage_options(&mut conn, tr, &portfolio, today).await.map_err(|error| PageError::new(tr, error))?;
    drop(conn);

    let page = LettersPage {
        tr,
        layout: Layout::new(user, tr.t("letters-title"), Some(&portfolio), "letters"),
        code: portfolio.code.clone(),
        can_manage,
        stages,
        form,
        kinds: LetterKind::ALL.iter().map(|kind| kind.code()).collect(),
        statuses: STATUSES.to_vec(),
        kind: kind.unwrap_or_default(),
        status: status_filter.unwrap_or_default(),
        letters: found,
        shown_note,
        notice,
        error,
    };
    let mut response = render(tr, &page)?;
    *response.status_mut() = status;
    Ok(response)
}

/// Builds the stage menu: the three kinds of letter, then each stage of
/// the policy in force on `date`.
async fn stage_options(conn: &mut recobro_store::Conn, tr: Translator, portfolio: &Portfolio, date: NaiveDate) -> Result<Vec<StageOption>, WebError> {
    let mut options: Vec<StageOption> =
        ["demand", "formal_notice", "reminder"].iter().map(|value| StageOption { value: value.to_string(), label: tr.label("letters-stage", value) }).collect();
    let policy =
        policy_in_force(conn, portfolio.id, portfolio.currency, date).await.map_err(|error| WebError::Internal(format!("cannot read the policy: {error}")))?;
    for stage in &policy.stages {
        if !options.iter().any(|option| option.value == stage.code) {
            options.push(StageOption { value: stage.code.clone(), label: tr.t_args("letters-stage-code", &[("stage", tr.label("stage", &stage.code))]) });
        }
    }
    Ok(options)
}

/// Generates the letters of the chosen stage as drafts, then shows the list
/// with the batch's counts.
pub async fn generate(State(state): State<AppState>, user: SignedIn, Path(code): Path<String>, axum::Form(form): axum::Form<GenerateForm>) -> PageResult {
    let tr = user.tr;
    let fail = |error: WebError| PageError::new(tr, error);
    user.check_csrf(&form.csrf).map_err(fail)?;
    authz::require(&user.actor, Permission::ManageLetters).map_err(fail)?;

    let refusal = match recobro_core::parse_iso_date(form.as_of.trim()) {
        Err(_) => tr.t_args("letters-error-date", &[("value", form.as_of.trim().to_string())]),
        Ok(as_of) => {
            let language = Language::parse(&form.language);
            let request = BatchRequest { portfolio: &code, as_of, stage: form.stage.trim(), language, templates: None, by: Some(&user.actor.username) };
            match letters::generate(&state.store, &request).await {
                Ok(batch) => {
                    tracing::info!(user = %user.actor.username, portfolio = %code, stage = %form.stage, drafted = batch.drafted(), "letters generated from the page");
                    let target = format!(
                        "/p/{code}/letters?kind={}&drafted={}&kept={}&skipped={}",
                        batch.selection.kind.code(),
                        batch.drafted(),
                        batch.kept(),
                        batch.skipped.len()
                    );
                    return Ok(Redirect::to(&target).into_response());
                }
                Err(LetterError::UnknownStage { stage, .. }) => tr.t_args("letters-error-stage", &[("value", stage)]),
                Err(LetterError::NoStageWithAction { .. }) => tr.t("letters-error-no-stage"),
                Err(LetterError::UnknownPortfolio(_)) => return Err(fail(WebError::NotFound)),
                Err(LetterError::NotAllowed { .. } | LetterError::UnknownUser(_)) => return Err(fail(WebError::Forbidden)),
                Err(error) => return Err(fail(WebError::Internal(format!("cannot generate the letters: {error}")))),
            }
        }
    };
    show(&state, &user, &code, &LettersQuery::default(), form, None, Some(refusal), StatusCode::UNPROCESSABLE_ENTITY).await
}

/// Approves or cancels one letter.
pub async fn decide(
    State(state): State<AppState>,
    user: SignedIn,
    Path((code, id)): Path<(String, i64)>,
    axum::Form(form): axum::Form<DecisionForm>,
) -> PageResult {
    let tr = user.tr;
    let fail = |error: WebError| PageError::new(tr, error);
    user.check_csrf(&form.csrf).map_err(fail)?;
    authz::require(&user.actor, Permission::ManageLetters).map_err(fail)?;

    let username = user.actor.username.clone();
    let outcome = match form.decision.as_str() {
        "approve" => letters::approve(&state.store, &code, letters::LetterTarget::One(id), &username).await.map(|_| "approved"),
        "cancel" => letters::cancel(&state.store, &code, id, &username).await.map(|_| "cancelled"),
        other => return Err(fail(WebError::BadRequest(format!("unknown decision {other:?}; expected approve or cancel")))),
    };
    match outcome {
        Ok(decided) => {
            tracing::info!(user = %username, portfolio = %code, letter = id, decided, "letter decided");
            Ok(Redirect::to(&format!("/p/{code}/letters?decided={decided}")).into_response())
        }
        Err(LetterError::WrongStatus { status, .. }) => {
            let message = tr.t_args("letters-error-status", &[("status", tr.label("letter-status", &status))]);
            show(&state, &user, &code, &LettersQuery::default(), GenerateForm::default(), None, Some(message), StatusCode::CONFLICT).await
        }
        Err(LetterError::NotFound(_) | LetterError::UnknownPortfolio(_)) => Err(fail(WebError::NotFound)),
        Err(LetterError::NotAllowed { .. } | LetterError::UnknownUser(_)) => Err(fail(WebError::Forbidden)),
        Err(error) => Err(fail(WebError::Internal(format!("cannot decide letter {id}: {error}")))),
    }
}

/// Sends the stored PDF of a letter.
pub async fn pdf(State(state): State<AppState>, user: SignedIn, Path((code, id)): Path<(String, i64)>) -> PageResult {
    let tr = user.tr;
    let fail = |error: WebError| PageError::new(tr, error);
    authz::require(&user.actor, Permission::ViewCases).map_err(fail)?;
    let mut conn = state.store.acquire().await.map_err(|error| PageError::new(tr, error))?;
    let portfolio = viewable_portfolio(&mut conn, &user, &code).await?;
    let letter = stored::find_letter(&mut conn, portfolio.id, id).await.map_err(|error| PageError::new(tr, error))?.ok_or_else(|| fail(WebError::NotFound))?;
    let (_, customer) = browse::find_customer(&mut conn, portfolio.id, &letter.customer_ref)
        .await
        .map_err(|error| PageError::new(tr, error))?
        .ok_or_else(|| fail(WebError::NotFound))?;
    authz::require_customer(&user.actor, customer.collector.as_deref()).map_err(fail)?;
    let content = files::get_blob(&mut conn, &letter.sha256).await.map_err(|error| PageError::new(tr, error))?.ok_or_else(|| fail(WebError::NotFound))?;

    let disposition = format!("attachment; filename=\"{}-{}-{}.pdf\"", letter.kind, letter.as_of, letters::safe_file_stem(&letter.customer_ref));
    Ok(([(header::CONTENT_TYPE, "application/pdf".to_string()), (header::CONTENT_DISPOSITION, disposition)], content).into_response())
}
