//! The team page: each collector's workload, the teams with their
//! capacities and assignment rules, the unassigned customers, the forms that
//! assign and move customers, and the status suggestions of the daily run.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use recobro_app::team as team_file;
use recobro_core::assignment::{AssignmentRule, Team};
use recobro_store::ledger::{self, Workload};
use recobro_store::teams::{self, Suggestion};
use recobro_store::users;

use super::{Layout, PageError, PageResult, non_empty, render, viewable_portfolio};
use crate::AppState;
use crate::auth::SignedIn;
use crate::authz::{self, Permission};
use crate::error::WebError;
use crate::i18n::Translator;

const UNASSIGNED_SHOWN: i64 = 200;
const SUGGESTIONS_SHOWN: i64 = 200;

#[derive(Template)]
#[template(path = "team.html")]
struct TeamPage {
    tr: Translator,
    layout: Layout,
    code: String,
    workloads: Vec<Workload>,
    unassigned: Vec<(String, String, i64)>,
    collectors: Vec<String>,
    teams: Vec<Team>,
    rules: Vec<RuleRow>,
    team_text: String,
    team_errors: Vec<String>,
    suggestions: Vec<Suggestion>,
    pending_suggestions: i64,
    notice: Option<String>,
}

/// An assignment rule as the page lists it, with amounts formatted.
struct RuleRow {
    team: String,
    segment: String,
    region: String,
    band: String,
}

#[derive(serde::Deserialize, Default)]
pub struct TeamQuery {
    moved: Option<String>,
    assigned: Option<String>,
    left: Option<String>,
    saved: Option<String>,
    decided: Option<String>,
}

pub async fn page(State(state): State<AppState>, user: SignedIn, Path(code): Path<String>, Query(query): Query<TeamQuery>) -> PageResult {
    let tr = user.tr;
    let notice = if let Some(count) = query.moved {
        Some(tr.t_args("team-moved", &[("count", count)]))
    } else if let (Some(assigned), Some(left)) = (query.assigned, query.left) {
        Some(tr.t_args("team-rules-assigned", &[("assigned", assigned), ("left", left)]))
    } else if query.saved.is_some() {
        Some(tr.t("team-config-saved"))
    } else {
        query.decided.map(|state| tr.t(if state == "confirmed" { "suggestion-confirmed" } else { "suggestion-dismissed" }))
    };
    show(&state, &user, code, None, Vec::new(), notice).await
}

/// Renders the page; `team_text` and `team_errors` carry a rejected team
/// file back to its editor.
async fn show(state: &AppState, user: &SignedIn, code: String, team_text: Option<String>, team_errors: Vec<String>, notice: Option<String>) -> PageResult {
    let tr = user.tr;
    authz::require(&user.actor, Permission::AssignCustomers).map_err(|error| PageError::new(tr, error))?;
    let fail = |error| PageError::new(tr, error);
    let mut conn = state.store.acquire().await.map_err(fail)?;
    let portfolio = viewable_portfolio(&mut conn, user, &code).await?;
    let workloads = ledger::collector_workloads(&mut conn, portfolio.id).await.map_err(fail)?;
    let unassigned = ledger::unassigned_customers(&mut conn, portfolio.id, UNASSIGNED_SHOWN).await.map_err(fail)?;
    let collectors = team_file::assignable_collectors(&mut conn).await.map_err(fail)?;
    let (teams, rules) = teams::load_teams(&mut conn, portfolio.id).await.map_err(fail)?;
    let suggestions = teams::pending_suggestions(&mut conn, portfolio.id, SUGGESTIONS_SHOWN).await.map_err(fail)?;
    let pending_suggestions = teams::count_pending_suggestions(&mut conn, portfolio.id).await.map_err(fail)?;
    drop(conn);

    let currency = portfolio.currency;
    let team_text = team_text.unwrap_or_else(|| team_file::teams_to_toml(&teams, &rules, currency));
    let rules = rules.iter().map(|rule| rule_row(tr, rule, currency)).collect();
    let layout = Layout::new(user, tr.t("team-title"), Some(&portfolio), "team");
    let status = if team_errors.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    let page = TeamPage { tr, layout, code, workloads, unassigned, collectors, teams, rules, team_text, team_errors, suggestions, pending_suggestions, notice };
    let mut response = render(tr, &page)?;
    *response.status_mut() = status;
    Ok(response)
}

fn rule_row(tr: Translator, rule: &AssignmentRule, currency: recobro_core::Currency) -> RuleRow {
    let any = || tr.t("team-rule-any");
    let amount = |minor: i64| tr.money(&minor, currency.code());
    let band = match (rule.min_balance_minor, rule.max_balance_minor) {
        (None, None) => any(),
        (Some(min), None) => tr.t_args("team-band-from", &[("min", amount(min))]),
        (None, Some(max)) => tr.t_args("team-band-below", &[("max", amount(max))]),
        (Some(min), Some(max)) => tr.t_args("team-band-between", &[("min", amount(min)), ("max", amount(max))]),
    };
    RuleRow { team: rule.team.clone(), segment: rule.segment.clone().unwrap_or_else(any), region: rule.region.clone().unwrap_or_else(any), band }
}

/// Both forms of the page: `customers` lists the references to assign, or
/// `from` names the collector (or `(unassigned)`) whose customers all move.
pub async fn submit(State(state): State<AppState>, user: SignedIn, Path(code): Path<String>, axum::Form(pairs): axum::Form<Vec<(String, String)>>) -> PageResult {
    let tr = user.tr;
    let field = |name: &str| pairs.iter().find(|(key, _)| key == name).map(|(_, value)| value.clone());
    user.check_csrf(&field("csrf").unwrap_or_default()).map_err(|error| PageError::new(tr, error))?;
    authz::require(&user.actor, Permission::AssignCustomers).map_err(|error| PageError::new(tr, error))?;
    let bad = |message: String| PageError::new(tr, WebError::BadRequest(message));

    let to = non_empty(&field("to")).ok_or_else(|| bad("choose the collector to assign to".into()))?;
    let mut tx = state.store.begin().await.map_err(|error| PageError::new(tr, error))?;
    if !team_file::assignable_collectors(&mut tx).await.map_err(|error| PageError::new(tr, error))?.contains(&to) {
        return Err(bad(format!("{to:?} is not an active collector or manager")));
    }
    let portfolio = viewable_portfolio(&mut tx, &user, &code).await?;

    let references: Vec<String> = pairs.iter().filter(|(key, _)| key == "customers").map(|(_, value)| value.clone()).collect();
    let moved = if !references.is_empty() {
        let mut moved = 0u64;
        for reference in &references {
            if !ledger::assign_collector(&mut tx, portfolio.id, reference, Some(&to)).await.map_err(|error| PageError::new(tr, error))? {
                return Err(PageError::new(tr, WebError::NotFound));
            }
            moved += 1;
        }
        moved
    } else {
        let from = non_empty(&field("from")).ok_or_else(|| bad("choose the customers or the collector to move them from".into()))?;
        let from = (from != "(unassigned)").then_some(from);
        ledger::reassign_all(&mut tx, portfolio.id, from.as_deref(), &to).await.map_err(|error| PageError::new(tr, error))?
    };
    let detail = format!("{moved} customers to {to}");
    users::insert_audit_event(&mut tx, &user.actor.username, "customers.assigned", &format!("portfolio:{code}"), Some(&detail)).await.map_err(|error| PageError::new(tr, error))?;
    tx.commit().await.map_err(|error| PageError::new(tr, recobro_store::StoreError::from(error)))?;
    tracing::info!(user = %user.actor.username, portfolio = %code, moved, to = %to, "customers assigned");

    Ok(Redirect::to(&format!("/p/{code}/team?moved={moved}")).into_response())
}

#[derive(serde::Deserialize)]
pub struct TeamConfigForm {
    csrf: String,
    text: String,
}

/// Saves the teams and rules from the page's TOML editor, or shows the
/// editor again with the problems found.
pub async fn save_config(State(state): State<AppState>, user: SignedIn, Path(code): Path<String>, axum::Form(form): axum::Form<TeamConfigForm>) -> PageResult {
    let tr = user.tr;
    user.check_csrf(&form.csrf).map_err(|error| PageError::new(tr, error))?;
    authz::require(&user.actor, Permission::AssignCustomers).map_err(|error| PageError::new(tr, error))?;
    let fail = |error| PageError::new(tr, error);

    let mut tx = state.store.begin().await.map_err(fail)?;
    let portfolio = viewable_portfolio(&mut tx, &user, &code).await?;
    let collectors = team_file::assignable_collectors(&mut tx).await.map_err(fail)?;
    let (parsed_teams, rules) = match team_file::parse_teams(&tr.t("team-config-file"), &form.text, portfolio.currency, &collectors) {
        Ok(parsed) => parsed,
        Err(error) => {
            drop(tx);
            return show(&state, &user, code, Some(form.text), vec![error.to_string()], None).await;
        }
    };
    teams::replace_teams(&mut tx, portfolio.id, &parsed_teams, &rules).await.map_err(fail)?;
    let detail = format!("{} teams, {} rules", parsed_teams.len(), rules.len());
    users::insert_audit_event(&mut tx, &user.actor.username, "teams.set", &format!("portfolio:{code}"), Some(&detail)).await.map_err(fail)?;
    tx.commit().await.map_err(|error| PageError::new(tr, recobro_store::StoreError::from(error)))?;
    tracing::info!(user = %user.actor.username, portfolio = %code, %detail, "teams saved");

    Ok(Redirect::to(&format!("/p/{code}/team?saved=1")).into_response())
}

#[derive(serde::Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

/// Assigns every unassigned customer with an open case by the rules.
pub async fn assign_by_rules(State(state): State<AppState>, user: SignedIn, Path(code): Path<String>, axum::Form(form): axum::Form<CsrfForm>) -> PageResult {
    let tr = user.tr;
    user.check_csrf(&form.csrf).map_err(|error| PageError::new(tr, error))?;
    authz::require(&user.actor, Permission::AssignCustomers).map_err(|error| PageError::new(tr, error))?;
    let fail = |error| PageError::new(tr, error);

    let mut tx = state.store.begin().await.map_err(fail)?;
    let portfolio = viewable_portfolio(&mut tx, &user, &code).await?;
    let plan = team_file::assign_by_rules(&mut tx, portfolio.id, false).await.map_err(fail)?;
    let detail = format!("{} customers by rules, {} left unassigned", plan.assignments.len(), plan.unassigned.len());
    users::insert_audit_event(&mut tx, &user.actor.username, "customers.assigned", &format!("portfolio:{code}"), Some(&detail)).await.map_err(fail)?;
    tx.commit().await.map_err(|error| PageError::new(tr, recobro_store::StoreError::from(error)))?;
    tracing::info!(user = %user.actor.username, portfolio = %code, %detail, "customers assigned by rules");

    Ok(Redirect::to(&format!("/p/{code}/team?assigned={}&left={}", plan.assignments.len(), plan.unassigned.len())).into_response())
}

#[derive(serde::Deserialize)]
pub struct DecisionForm {
    csrf: String,
    /// `confirm` or `dismiss`.
    decision: String,
}

/// Confirms or dismisses one status suggestion; confirming sets the
/// customer's status. Both are audited.
pub async fn decide_suggestion(State(state): State<AppState>, user: SignedIn, Path((code, id)): Path<(String, i64)>, axum::Form(form): axum::Form<DecisionForm>) -> PageResult {
    let tr = user.tr;
    user.check_csrf(&form.csrf).map_err(|error| PageError::new(tr, error))?;
    authz::require(&user.actor, Permission::AssignCustomers).map_err(|error| PageError::new(tr, error))?;
    let fail = |error| PageError::new(tr, error);
    let confirm = match form.decision.as_str() {
        "confirm" => true,
        "dismiss" => false,
        other => return Err(PageError::new(tr, WebError::BadRequest(format!("decision {other:?} is not confirm or dismiss")))),
    };

    let mut tx = state.store.begin().await.map_err(fail)?;
    let portfolio = viewable_portfolio(&mut tx, &user, &code).await?;
    let suggestion = teams::find_suggestion(&mut tx, portfolio.id, id).await.map_err(fail)?.ok_or_else(|| PageError::new(tr, WebError::NotFound))?;
    let today = chrono::Utc::now().date_naive();
    if !teams::decide_suggestion(&mut tx, portfolio.id, id, confirm, &user.actor.username, today).await.map_err(fail)? {
        return Err(PageError::new(tr, WebError::BadRequest(tr.t("suggestion-already-decided"))));
    }
    let event = if confirm { "status_suggestion.confirmed" } else { "status_suggestion.dismissed" };
    let detail = format!("{} {} -> {} ({})", suggestion.customer_ref, suggestion.current_status, suggestion.suggested_status, suggestion.reason);
    users::insert_audit_event(&mut tx, &user.actor.username, event, &format!("portfolio:{code}"), Some(&detail)).await.map_err(fail)?;
    tx.commit().await.map_err(|error| PageError::new(tr, recobro_store::StoreError::from(error)))?;

    let state_code = if confirm { "confirmed" } else { "dismissed" };
    Ok(Redirect::to(&format!("/p/{code}/team?decided={state_code}#suggestions-heading")).into_response())
}
