//! The team page: each collector's workload, the unassigned customers, and
//! the forms that assign them and move a collector's customers to another.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use recobro_store::ledger::{self, Workload};
use recobro_store::users;

use super::{Layout, PageError, PageResult, non_empty, render, viewable_portfolio};
use crate::AppState;
use crate::auth::SignedIn;
use crate::authz::{self, Permission};
use crate::error::WebError;
use crate::i18n::Translator;

const UNASSIGNED_SHOWN: i64 = 200;

#[derive(Template)]
#[template(path = "team.html")]
struct TeamPage {
    tr: Translator,
    layout: Layout,
    code: String,
    workloads: Vec<Workload>,
    unassigned: Vec<(String, String, i64)>,
    collectors: Vec<String>,
    moved: Option<String>,
}

#[derive(serde::Deserialize, Default)]
pub struct TeamQuery {
    moved: Option<String>,
}

pub async fn page(State(state): State<AppState>, user: SignedIn, Path(code): Path<String>, Query(query): Query<TeamQuery>) -> PageResult {
    let tr = user.tr;
    authz::require(&user.actor, Permission::AssignCustomers).map_err(|error| PageError::new(tr, error))?;
    let fail = |error| PageError::new(tr, error);
    let mut conn = state.store.acquire().await.map_err(fail)?;
    let portfolio = viewable_portfolio(&mut conn, &user, &code).await?;
    let workloads = ledger::collector_workloads(&mut conn, portfolio.id).await.map_err(fail)?;
    let unassigned = ledger::unassigned_customers(&mut conn, portfolio.id, UNASSIGNED_SHOWN).await.map_err(fail)?;
    let collectors = assignable_users(&mut conn).await.map_err(fail)?;

    let layout = Layout::new(&user, tr.t("team-title"), Some(&portfolio), "team");
    let moved = query.moved.map(|count| tr.t_args("team-moved", &[("count", count)]));
    render(tr, &TeamPage { tr, layout, code, workloads, unassigned, collectors, moved })
}

/// Usernames that customers can be assigned to: collectors and managers.
async fn assignable_users(conn: &mut recobro_store::Conn) -> Result<Vec<String>, recobro_store::StoreError> {
    let all = users::list_users(conn).await?;
    Ok(all.into_iter().filter(|user| user.active && (user.role == "collector" || user.role == "manager")).map(|user| user.username).collect())
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
    if !assignable_users(&mut tx).await.map_err(|error| PageError::new(tr, error))?.contains(&to) {
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
