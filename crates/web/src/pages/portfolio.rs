//! The portfolio pages: the list of portfolios, the dashboard, the customer
//! list, problem cases and judicial transfer candidates.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use recobro_app::reports::{self, AgingGroup, CaseLine, CaseList};
use recobro_store::browse::{self, BUCKETS, CustomerColumn, CustomerFilter, CustomerListRow, CustomerSort, bucket_bounds, cursor_text, parse_cursor};
use recobro_store::portfolio::{self as portfolios, Portfolio};
use recobro_store::runs::{self, RunSummary};
use serde::Deserialize;

use super::{Layout, PageError, PageResult, business_date, non_empty, render, viewable_portfolio};
use crate::AppState;
use crate::auth::SignedIn;
use crate::authz::{self, Permission};
use crate::i18n::Translator;

#[derive(Template)]
#[template(path = "portfolios.html")]
struct PortfoliosPage {
    tr: Translator,
    layout: Layout,
    portfolios: Vec<Portfolio>,
}

/// The start page: the dashboard of the only portfolio, or the list.
pub async fn index(State(state): State<AppState>, user: SignedIn) -> PageResult {
    let tr = user.tr;
    authz::require(&user.actor, Permission::ViewPortfolio).map_err(|error| PageError::new(tr, error))?;
    let mut conn = state.store.acquire().await.map_err(|error| PageError::new(tr, error))?;
    let portfolios = portfolios::list(&mut conn).await.map_err(|error| PageError::new(tr, error))?;
    if let [only] = portfolios.as_slice() {
        return Ok(Redirect::to(&format!("/p/{}", only.code)).into_response());
    }
    let layout = Layout::new(&user, tr.t("portfolios-title"), None, "portfolios");
    render(tr, &PortfoliosPage { tr, layout, portfolios })
}

/// One aging bucket of the dashboard.
struct BucketView {
    label: String,
    amount_minor: i64,
    count: u64,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    tr: Translator,
    layout: Layout,
    code: String,
    currency: String,
    as_of: chrono::NaiveDate,
    buckets: Vec<BucketView>,
    unapplied_minor: i64,
    total_minor: i64,
    overdue_minor: i64,
    customers_with_balance: u64,
    problem_cases: u64,
    legal_candidates: u64,
    runs: Vec<RunSummary>,
    /// The chart's data as JSON: labels and amounts in major units as text.
    chart_json: String,
    trend_json: String,
}

pub async fn dashboard(State(state): State<AppState>, user: SignedIn, Path(code): Path<String>) -> PageResult {
    let tr = user.tr;
    let fail = |error| PageError::new(tr, error);
    let mut conn = state.store.acquire().await.map_err(fail)?;
    let portfolio = viewable_portfolio(&mut conn, &user, &code).await?;
    let run_list = runs::list_runs(&mut conn, portfolio.id).await.map_err(fail)?;
    let figures = runs::latest_run_figures(&mut conn, portfolio.id).await.map_err(fail)?;
    let as_of = business_date(&mut conn, portfolio.id).await.map_err(|error| PageError::new(tr, error))?;
    drop(conn);

    // The latest run stored its aging; before the first run the page ages
    // the portfolio itself.
    let currency = portfolio.currency;
    let summary = match figures {
        Some((run, totals, aging)) => figures_from_run(currency, &run, &totals, &aging),
        None => live_figures(&state, &code, as_of, currency).await.map_err(|error| PageError::new(tr, error))?,
    };

    let labels: Vec<String> = summary.buckets.iter().map(|bucket| tr.label("bucket", &bucket.label)).collect();
    let amounts: Vec<String> = summary.buckets.iter().map(|bucket| recobro_core::money::format_minor(bucket.amount_minor, currency)).collect();
    let chart_json = serde_json::json!({ "labels": labels, "amounts": amounts, "title": tr.t("dashboard-aging-chart") }).to_string();
    let trend_json = serde_json::json!({
        "dates": run_list.iter().map(|run| tr.date(&run.as_of)).collect::<Vec<_>>(),
        "problem_cases": run_list.iter().map(|run| run.problem_cases).collect::<Vec<_>>(),
        "cases_open": run_list.iter().map(|run| run.cases_open).collect::<Vec<_>>(),
        "label_problem": tr.t("dashboard-problem-cases"),
        "label_open": tr.t("dashboard-open-cases"),
    })
    .to_string();
    let buckets = summary
        .buckets
        .into_iter()
        .zip(labels)
        .map(|(bucket, label)| BucketView { label, ..bucket })
        .collect();

    let layout = Layout::new(&user, portfolio.name.clone(), Some(&portfolio), "dashboard");
    let page = DashboardPage {
        tr,
        layout,
        code,
        currency: currency.code().to_string(),
        as_of,
        buckets,
        unapplied_minor: summary.unapplied_minor,
        total_minor: summary.total_minor,
        overdue_minor: summary.overdue_minor,
        customers_with_balance: summary.customers_with_balance,
        problem_cases: summary.problem_cases,
        legal_candidates: summary.legal_candidates,
        runs: run_list,
        chart_json,
        trend_json,
    };
    render(tr, &page)
}

/// The dashboard's figures in the portfolio's currency.
struct DashboardFigures {
    buckets: Vec<BucketView>,
    unapplied_minor: i64,
    total_minor: i64,
    overdue_minor: i64,
    customers_with_balance: u64,
    problem_cases: u64,
    legal_candidates: u64,
}

fn figures_from_run(currency: recobro_core::Currency, run: &RunSummary, totals: &[runs::RunTotal], aging: &[runs::RunAgingLine]) -> DashboardFigures {
    let total = totals.iter().find(|total| total.currency == currency.code());
    let buckets = aging
        .iter()
        .filter(|line| line.currency == currency.code())
        .map(|line| BucketView { label: line.label.clone(), amount_minor: line.amount_minor, count: line.item_count as u64 })
        .collect();
    DashboardFigures {
        buckets,
        unapplied_minor: total.map_or(0, |total| total.unapplied_minor),
        total_minor: total.map_or(0, |total| total.balance_minor),
        overdue_minor: total.map_or(0, |total| total.overdue_minor),
        customers_with_balance: total.map_or(0, |total| total.customers_with_balance as u64),
        problem_cases: run.problem_cases as u64,
        legal_candidates: run.legal_candidates as u64,
    }
}

async fn live_figures(state: &AppState, code: &str, as_of: chrono::NaiveDate, currency: recobro_core::Currency) -> Result<DashboardFigures, crate::error::WebError> {
    let internal = |error: reports::ReportError| crate::error::WebError::Internal(error.to_string());
    let aging = reports::aging(&state.store, code, as_of, AgingGroup::Bucket).await.map_err(internal)?;
    let problem = reports::case_list(&state.store, code, as_of, CaseList::ProblemCases).await.map_err(internal)?;
    let legal_min_days = recobro_core::Policy::default().legal_candidate_min_days();

    let (line, customers_with_balance) = aging.totals[&currency].clone();
    let buckets = aging
        .labels
        .iter()
        .zip(&line.bucket_minor)
        .zip(&line.bucket_count)
        .map(|((label, amount), count)| BucketView { label: label.clone(), amount_minor: *amount, count: *count })
        .collect();
    Ok(DashboardFigures {
        buckets,
        unapplied_minor: line.unapplied_minor,
        total_minor: line.total_minor(),
        overdue_minor: line.overdue_minor(),
        customers_with_balance,
        problem_cases: problem.len() as u64,
        legal_candidates: problem.iter().filter(|line| line.days_past_due >= legal_min_days).count() as u64,
    })
}

#[derive(Deserialize, Default)]
pub struct CustomerQuery {
    search: Option<String>,
    stage: Option<String>,
    collector: Option<String>,
    segment: Option<String>,
    bucket: Option<String>,
    sort: Option<String>,
    after: Option<String>,
}

const PAGE_SIZE: i64 = 50;
const STAGES: [&str; 5] = ["reminder", "second_reminder", "formal_notice", "problem_case", "judicial_candidate"];
const SORTS: [&str; 4] = ["days_past_due", "balance", "name", "reference"];

#[derive(Template)]
#[template(path = "customers.html")]
struct CustomersPage {
    tr: Translator,
    layout: Layout,
    code: String,
    rows: Vec<CustomerListRow>,
    search: String,
    stage: String,
    collector: String,
    segment: String,
    bucket: String,
    sort: String,
    stages: Vec<&'static str>,
    buckets: Vec<&'static str>,
    sorts: Vec<&'static str>,
    collectors: Vec<String>,
    segments: Vec<String>,
    show_collector_filter: bool,
    next_link: Option<String>,
    first_link: Option<String>,
}

pub async fn customers(State(state): State<AppState>, user: SignedIn, Path(code): Path<String>, Query(query): Query<CustomerQuery>) -> PageResult {
    let tr = user.tr;
    let fail = |error| PageError::new(tr, error);
    let mut conn = state.store.acquire().await.map_err(fail)?;
    let portfolio = viewable_portfolio(&mut conn, &user, &code).await?;

    let sort = non_empty(&query.sort).as_deref().and_then(CustomerSort::parse).unwrap_or(CustomerSort::DaysPastDue);
    let scope = authz::collector_scope(&user.actor).map(str::to_string);
    let filter = CustomerFilter {
        search: non_empty(&query.search),
        stage: non_empty(&query.stage),
        collector: scope.clone().or_else(|| non_empty(&query.collector)),
        segment: non_empty(&query.segment),
        days_past_due: non_empty(&query.bucket).as_deref().and_then(bucket_bounds),
    };
    let cursor = non_empty(&query.after).and_then(|text| parse_cursor(sort, &text));

    let mut rows = browse::list_customers(&mut conn, portfolio.id, &filter, sort, cursor.as_ref(), PAGE_SIZE + 1).await.map_err(fail)?;
    let has_more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    let collectors = browse::distinct_values(&mut conn, portfolio.id, CustomerColumn::Collector).await.map_err(fail)?;
    let segments = browse::distinct_values(&mut conn, portfolio.id, CustomerColumn::Segment).await.map_err(fail)?;

    let base_query = |after: Option<String>| {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for (name, value) in [("search", &filter.search), ("stage", &filter.stage), ("segment", &filter.segment)] {
            if let Some(value) = value {
                pairs.push((name.into(), value.clone()));
            }
        }
        if scope.is_none()
            && let Some(collector) = &filter.collector
        {
            pairs.push(("collector".into(), collector.clone()));
        }
        if let Some(bucket) = non_empty(&query.bucket) {
            pairs.push(("bucket".into(), bucket));
        }
        pairs.push(("sort".into(), sort.code().into()));
        if let Some(after) = after {
            pairs.push(("after".into(), after));
        }
        let query_text: Vec<String> = pairs.iter().map(|(name, value)| format!("{name}={}", super::url_encode(value))).collect();
        format!("/p/{code}/customers?{}", query_text.join("&"))
    };
    let next_link = (has_more).then(|| rows.last().map(|row| base_query(Some(cursor_text(sort, row))))).flatten();
    let first_link = cursor.is_some().then(|| base_query(None));

    let layout = Layout::new(&user, tr.t("customers-title"), Some(&portfolio), "customers");
    let page = CustomersPage {
        tr,
        layout,
        code: code.clone(),
        rows,
        search: filter.search.clone().unwrap_or_default(),
        stage: filter.stage.clone().unwrap_or_default(),
        collector: if scope.is_some() { String::new() } else { filter.collector.clone().unwrap_or_default() },
        segment: filter.segment.clone().unwrap_or_default(),
        bucket: non_empty(&query.bucket).unwrap_or_default(),
        sort: sort.code().to_string(),
        stages: STAGES.to_vec(),
        buckets: BUCKETS.to_vec(),
        sorts: SORTS.to_vec(),
        collectors,
        segments,
        show_collector_filter: scope.is_none(),
        next_link,
        first_link,
    };
    render(tr, &page)
}

#[derive(Template)]
#[template(path = "cases.html")]
struct CasesPage {
    tr: Translator,
    layout: Layout,
    code: String,
    heading: String,
    intro: String,
    as_of: chrono::NaiveDate,
    lines: Vec<CaseLine>,
}

pub async fn problem_cases(state: State<AppState>, user: SignedIn, code: Path<String>) -> PageResult {
    case_page(state, user, code, CaseList::ProblemCases).await
}

pub async fn legal_candidates(state: State<AppState>, user: SignedIn, code: Path<String>) -> PageResult {
    case_page(state, user, code, CaseList::LegalCandidates).await
}

async fn case_page(State(state): State<AppState>, user: SignedIn, Path(code): Path<String>, list: CaseList) -> PageResult {
    let tr = user.tr;
    authz::require(&user.actor, Permission::ViewCases).map_err(|error| PageError::new(tr, error))?;
    let mut conn = state.store.acquire().await.map_err(|error| PageError::new(tr, error))?;
    let portfolio = viewable_portfolio(&mut conn, &user, &code).await?;
    let as_of = business_date(&mut conn, portfolio.id).await.map_err(|error| PageError::new(tr, error))?;
    drop(conn);

    let mut lines = reports::case_list(&state.store, &code, as_of, list).await.map_err(|error| PageError::new(tr, crate::error::WebError::Internal(error.to_string())))?;
    if let Some(own) = authz::collector_scope(&user.actor) {
        lines.retain(|line| line.collector.as_deref() == Some(own));
    }
    let (heading, intro, active) = match list {
        CaseList::ProblemCases => (tr.t("problem-cases-title"), tr.t("problem-cases-intro"), "problem-cases"),
        CaseList::LegalCandidates => (tr.t("legal-candidates-title"), tr.t("legal-candidates-intro"), "legal-candidates"),
    };
    let layout = Layout::new(&user, heading.clone(), Some(&portfolio), active);
    render(tr, &CasesPage { tr, layout, code, heading, intro, as_of, lines })
}
