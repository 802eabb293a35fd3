//! The collection policy page: the policy in force, its versions, and a
//! form where managers edit it as TOML, compare it with the policy in force
//! on today's portfolio, and store it with an effective date.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use chrono::NaiveDate;
use recobro_app::policy::{self, PolicyFileError, Simulation};
use recobro_store::policies::{self, PolicyVersion};
use recobro_store::portfolio::Portfolio;
use serde::Deserialize;

use super::{Layout, PageError, PageResult, business_date, render, viewable_portfolio};
use crate::AppState;
use crate::auth::SignedIn;
use crate::authz::{self, Permission};
use crate::i18n::Translator;

/// One stage of the comparison: cases and overdue amount under the policy
/// in force and under the proposal.
struct ComparisonRow {
    stage: String,
    current_cases: Option<u64>,
    current_amount: String,
    proposed_cases: Option<u64>,
    proposed_amount: String,
}

#[derive(Template)]
#[template(path = "policy.html")]
struct PolicyPage {
    tr: Translator,
    layout: Layout,
    code: String,
    as_of: NaiveDate,
    /// Which version is in force, in words.
    in_force_text: String,
    versions: Vec<PolicyVersion>,
    text: String,
    effective: String,
    can_edit: bool,
    errors: Vec<String>,
    comparison: Vec<ComparisonRow>,
    unstaged: Option<(u64, u64)>,
    saved: bool,
}

#[derive(Deserialize, Default)]
pub struct PolicyQuery {
    saved: Option<String>,
}

#[derive(Deserialize)]
pub struct PolicyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    effective: String,
    /// `simulate` or `save`.
    #[serde(default)]
    intent: String,
}

/// What the page shows besides the stored policy.
struct FormState {
    text: Option<String>,
    effective: Option<String>,
    errors: Vec<String>,
    simulation: Option<Simulation>,
    saved: bool,
}

pub async fn page(State(state): State<AppState>, user: SignedIn, Path(code): Path<String>, Query(query): Query<PolicyQuery>) -> PageResult {
    let form = FormState { text: None, effective: None, errors: Vec::new(), simulation: None, saved: query.saved.is_some() };
    show(&state, &user, code, form, StatusCode::OK).await
}

async fn show(state: &AppState, user: &SignedIn, code: String, form: FormState, status: StatusCode) -> PageResult {
    let tr = user.tr;
    let fail = |error| PageError::new(tr, error);
    let mut conn = state.store.acquire().await.map_err(fail)?;
    let portfolio: Portfolio = viewable_portfolio(&mut conn, user, &code).await?;
    let as_of = business_date(&mut conn, portfolio.id).await.map_err(|error| PageError::new(tr, error))?;
    let in_force = policies::policy_in_force(&mut conn, portfolio.id, as_of).await.map_err(fail)?;
    let versions = policies::list_policy_versions(&mut conn, portfolio.id).await.map_err(fail)?;
    let current = policy::policy_in_force(&mut conn, portfolio.id, portfolio.currency, as_of).await.map_err(|error| PageError::new(tr, crate::error::WebError::Internal(error.to_string())))?;
    drop(conn);

    let comparison = form.simulation.as_ref().map(comparison_rows).unwrap_or_default();
    let unstaged = form.simulation.as_ref().map(|simulation| (simulation.current.unstaged_cases, simulation.proposed.unstaged_cases));
    let layout = Layout::new(user, tr.t("policy-title"), Some(&portfolio), "policy");
    let page = PolicyPage {
        tr,
        layout,
        code,
        as_of,
        in_force_text: match &in_force {
            Some(version) => tr.t_args("policy-in-force", &[("date", tr.date(&version.effective_on)), ("user", version.created_by.clone())]),
            None => tr.t("policy-default"),
        },
        versions,
        text: form.text.unwrap_or_else(|| policy::policy_to_toml(&current, portfolio.currency)),
        effective: form.effective.unwrap_or_else(|| (as_of + chrono::Duration::days(1)).to_string()),
        can_edit: authz::allows(user.actor.role, Permission::ManagePolicy),
        errors: form.errors,
        comparison,
        unstaged,
        saved: form.saved,
    };
    let mut response = render(tr, &page)?;
    *response.status_mut() = status;
    Ok(response)
}

/// Lines up the stages of both policies by code, current order first.
fn comparison_rows(simulation: &Simulation) -> Vec<ComparisonRow> {
    let mut rows: Vec<ComparisonRow> = simulation
        .current
        .stages
        .iter()
        .map(|stage| ComparisonRow { stage: stage.stage.clone(), current_cases: Some(stage.cases), current_amount: stage.amount.clone(), proposed_cases: None, proposed_amount: String::new() })
        .collect();
    for stage in &simulation.proposed.stages {
        match rows.iter_mut().find(|row| row.stage == stage.stage) {
            Some(row) => {
                row.proposed_cases = Some(stage.cases);
                row.proposed_amount.clone_from(&stage.amount);
            }
            None => rows.push(ComparisonRow { stage: stage.stage.clone(), current_cases: None, current_amount: String::new(), proposed_cases: Some(stage.cases), proposed_amount: stage.amount.clone() }),
        }
    }
    rows
}

pub async fn submit(State(state): State<AppState>, user: SignedIn, Path(code): Path<String>, axum::Form(form): axum::Form<PolicyForm>) -> PageResult {
    let tr = user.tr;
    user.check_csrf(&form.csrf).map_err(|error| PageError::new(tr, error))?;
    authz::require(&user.actor, Permission::ViewPortfolio).map_err(|error| PageError::new(tr, error))?;
    let saving = form.intent == "save";
    if saving {
        authz::require(&user.actor, Permission::ManagePolicy).map_err(|error| PageError::new(tr, error))?;
    }

    let mut conn = state.store.acquire().await.map_err(|error| PageError::new(tr, error))?;
    let portfolio = viewable_portfolio(&mut conn, &user, &code).await?;
    let as_of = business_date(&mut conn, portfolio.id).await.map_err(|error| PageError::new(tr, error))?;
    drop(conn);

    let mut state_out = FormState { text: Some(form.text.clone()), effective: Some(form.effective.clone()), errors: Vec::new(), simulation: None, saved: false };
    let proposed = match policy::parse_policy(&tr.t("policy-text"), &form.text, portfolio.currency) {
        Ok(proposed) => proposed,
        Err(error) => {
            state_out.errors.push(error.to_string());
            return show(&state, &user, code, state_out, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };

    if !saving {
        let simulation = policy::simulate(&state.store, &code, as_of, &proposed).await.map_err(|error| PageError::new(tr, crate::error::WebError::Internal(error.to_string())))?;
        state_out.simulation = Some(simulation);
        return show(&state, &user, code, state_out, StatusCode::OK).await;
    }

    let Ok(effective) = recobro_core::parse_iso_date(form.effective.trim()) else {
        state_out.errors.push(tr.t_args("policy-error-date", &[("value", form.effective.clone())]));
        return show(&state, &user, code, state_out, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    match policy::set_policy(&state.store, &code, effective, &proposed, &user.actor.username).await {
        Ok(()) => {
            tracing::info!(user = %user.actor.username, portfolio = %code, %effective, "collection policy changed");
            Ok(Redirect::to(&format!("/p/{code}/policy?saved=1")).into_response())
        }
        Err(PolicyFileError::EffectiveInThePast { latest, .. }) => {
            state_out.errors.push(tr.t_args("policy-error-past", &[("date", tr.date(&latest))]));
            show(&state, &user, code, state_out, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(error) => Err(PageError::new(tr, crate::error::WebError::Internal(error.to_string()))),
    }
}
