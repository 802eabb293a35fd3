//! The worklist: open tasks due by the business date, most urgent first.

use askama::Template;
use axum::extract::{Path, Query, State};
use recobro_store::browse::{self, CustomerColumn, TaskRow};
use serde::Deserialize;

use super::{Layout, PageError, PageResult, business_date, non_empty, render, viewable_portfolio};
use crate::AppState;
use crate::auth::SignedIn;
use crate::authz;
use crate::i18n::Translator;

const TASK_LIMIT: i64 = 500;

#[derive(Deserialize)]
pub struct WorklistQuery {
    collector: Option<String>,
}

#[derive(Template)]
#[template(path = "worklist.html")]
struct WorklistPage {
    tr: Translator,
    layout: Layout,
    code: String,
    as_of: chrono::NaiveDate,
    tasks: Vec<TaskRow>,
    collector: String,
    collectors: Vec<String>,
    show_collector_filter: bool,
    /// Whether the list shows one collector's tasks or everyone's.
    own_list: bool,
}

pub async fn page(State(state): State<AppState>, user: SignedIn, Path(code): Path<String>, Query(query): Query<WorklistQuery>) -> PageResult {
    let tr = user.tr;
    let fail = |error| PageError::new(tr, error);
    let mut conn = state.store.acquire().await.map_err(fail)?;
    let portfolio = viewable_portfolio(&mut conn, &user, &code).await?;
    let as_of = business_date(&mut conn, portfolio.id).await.map_err(|error| PageError::new(tr, error))?;

    // A collector always sees their own list; others choose a collector or
    // see every task.
    let scope = authz::collector_scope(&user.actor).map(str::to_string);
    let collector = scope.clone().or_else(|| non_empty(&query.collector));
    let tasks = browse::open_tasks(&mut conn, portfolio.id, collector.as_deref(), as_of, TASK_LIMIT).await.map_err(fail)?;
    let collectors = browse::distinct_values(&mut conn, portfolio.id, CustomerColumn::Collector).await.map_err(fail)?;

    let layout = Layout::new(&user, tr.t("worklist-title"), Some(&portfolio), "worklist");
    let page = WorklistPage {
        tr,
        layout,
        code,
        as_of,
        tasks,
        collector: if scope.is_some() { String::new() } else { collector.clone().unwrap_or_default() },
        collectors,
        show_collector_filter: scope.is_none(),
        own_list: collector.is_some(),
    };
    render(tr, &page)
}
