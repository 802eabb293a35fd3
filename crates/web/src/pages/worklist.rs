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

const PAGE_SIZE: i64 = 100;

#[derive(Deserialize)]
pub struct WorklistQuery {
    collector: Option<String>,
    /// 1-based page number.
    page: Option<String>,
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
    total: i64,
    /// Position of the first task of the page, for the priority column.
    first_position: i64,
    previous_link: Option<String>,
    next_link: Option<String>,
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
    let total = browse::count_open_tasks(&mut conn, portfolio.id, collector.as_deref(), as_of).await.map_err(fail)?;
    let page_count = (total + PAGE_SIZE - 1) / PAGE_SIZE;
    let page_number = non_empty(&query.page).and_then(|text| text.parse::<i64>().ok()).unwrap_or(1).clamp(1, page_count.max(1));
    let offset = (page_number - 1) * PAGE_SIZE;
    let tasks = browse::open_tasks_page(&mut conn, portfolio.id, collector.as_deref(), as_of, PAGE_SIZE, offset).await.map_err(fail)?;
    let link = |number: i64| {
        let collector_part = match (&scope, &collector) {
            (None, Some(name)) => format!("collector={}&", super::url_encode(name)),
            _ => String::new(),
        };
        format!("/p/{code}/worklist?{collector_part}page={number}")
    };
    let previous_link = (page_number > 1).then(|| link(page_number - 1));
    let next_link = (page_number < page_count).then(|| link(page_number + 1));
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
        total,
        first_position: offset,
        previous_link,
        next_link,
    };
    render(tr, &page)
}
