//! Reports and daily runs: aging, problem cases and judicial transfer
//! candidates in the JSON that `recobro report ... --format json` prints,
//! and the run records.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use recobro_app::reports::{self as app_reports, AgingGroup, CaseLine, CaseList, ReportError};
use recobro_app::run::{self, RunError};
use recobro_store::runs;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ApiResult, amount, date_param, find_portfolio, json_body, not_found, query_params, required, required_date};
use crate::AppState;
use crate::auth::ApiCaller;
use crate::authz::{self, Permission};
use crate::error::{ApiError, ErrorEnvelope, WebError};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// Portfolio code.
    #[serde(default)]
    #[param(required = true)]
    portfolio: String,
    /// The date of the report, YYYY-MM-DD; later payments are ignored. When
    /// absent, the date of the latest daily run, or today (UTC) before the
    /// first run.
    #[param(value_type = Option<String>, format = Date)]
    as_of: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgingQuery {
    /// Portfolio code.
    #[serde(default)]
    #[param(required = true)]
    portfolio: String,
    /// The date of the report, YYYY-MM-DD; later payments are ignored. When
    /// absent, the date of the latest daily run, or today (UTC) before the
    /// first run.
    #[param(value_type = Option<String>, format = Date)]
    as_of: Option<String>,
    /// Grouping of the lines: `bucket` (the default, totals only), `customer`, `segment` or `collector`.
    by: Option<String>,
}

/// Returns the report date: the `as_of` parameter, or the portfolio's
/// business date when it is absent.
async fn report_date(state: &AppState, code: &str, as_of: Option<&str>) -> ApiResult<NaiveDate> {
    let requested = date_param(as_of, "as_of")?;
    let mut conn = state.store.acquire().await?;
    let portfolio = find_portfolio(&mut conn, code).await?;
    match requested {
        Some(date) => Ok(date),
        None => Ok(crate::pages::business_date(&mut conn, portfolio.id).await?),
    }
}

fn report_error(error: ReportError) -> ApiError {
    match error {
        ReportError::UnknownPortfolio(code) => not_found("portfolio", &code),
        ReportError::Store(error) => error.into(),
        other => WebError::Internal(other.to_string()).into(),
    }
}

// The schemas below document JSON that `recobro_app::reports` builds. The
// API tests check real responses against them.

/// One bucket of the aging totals.
#[derive(ToSchema)]
#[allow(dead_code)]
struct AgingBucketTotal {
    /// `current`, `1-30`, ..., `121+`.
    label: String,
    amount: String,
    /// Open documents and snapshot accounts in the bucket.
    count: u64,
}

/// The aging totals of one currency.
#[derive(ToSchema)]
#[allow(dead_code)]
struct AgingCurrencyTotal {
    currency: String,
    buckets: Vec<AgingBucketTotal>,
    /// Unapplied payments and unused credit notes, as a negative amount.
    unapplied: String,
    total: String,
    /// Customers with a balance.
    customers: u64,
}

/// One line of an aging report grouped by customer, segment or collector.
#[derive(ToSchema)]
#[allow(dead_code)]
struct AgingRowSchema {
    /// The customer's reference, the segment or the collector; empty for none.
    key: String,
    /// The customer's name when grouped by customer.
    name: Option<String>,
    currency: String,
    /// Amounts in the order of `labels`.
    buckets: Vec<String>,
    unapplied: String,
    total: String,
    customers: u64,
}

/// The aging report: the top-level figures are those of the portfolio's
/// currency, `by_currency` has every currency, and `labels` and `rows` are
/// present unless `by` is `bucket`.
#[derive(ToSchema)]
#[allow(dead_code)]
struct AgingReportSchema {
    portfolio: String,
    as_of: NaiveDate,
    /// bucket, customer, segment or collector.
    by: String,
    currency: String,
    buckets: Vec<AgingBucketTotal>,
    unapplied: String,
    total: String,
    customers: u64,
    by_currency: Vec<AgingCurrencyTotal>,
    #[schema(required = false)]
    labels: Vec<String>,
    #[schema(required = false)]
    rows: Vec<AgingRowSchema>,
}

/// Ages the portfolio's open balances by days past due as of a date.
#[utoipa::path(
    get,
    path = "/aging",
    tag = "reports",
    params(AgingQuery),
    description = "Covers every customer of the portfolio, so collectors may not call it.",
    responses(
        (status = 200, description = "The aging report", body = AgingReportSchema),
        (status = 400, description = "A parameter is invalid", body = ErrorEnvelope),
        (status = 404, description = "Unknown portfolio", body = ErrorEnvelope),
    ),
)]
pub async fn aging(caller: ApiCaller, State(state): State<AppState>, query: Result<Query<AgingQuery>, QueryRejection>) -> ApiResult<Json<serde_json::Value>> {
    authz::require(&caller.actor, Permission::ViewPortfolio)?;
    authz::require(&caller.actor, Permission::ViewAllCollectors)?;
    let query = query_params(query)?;
    let code = required(&query.portfolio, "portfolio")?;
    let group = match query.by.as_deref().map(str::trim).filter(|by| !by.is_empty()) {
        None => AgingGroup::Bucket,
        Some(text) => AgingGroup::parse(text).ok_or_else(|| ApiError::bad_request(format!("invalid by {text:?}: expected bucket, customer, segment or collector")))?,
    };
    let as_of = report_date(&state, code, query.as_of.as_deref()).await?;
    let report = app_reports::aging(&state.store, code, as_of, group).await.map_err(report_error)?;
    Ok(Json(report.to_json()))
}

#[derive(ToSchema)]
#[allow(dead_code)]
struct ActionSummarySchema {
    date: NaiveDate,
    kind: String,
    outcome: Option<String>,
    collector: Option<String>,
}

#[derive(ToSchema)]
#[allow(dead_code)]
struct NextActionSchema {
    kind: String,
    date: NaiveDate,
    assigned_to: Option<String>,
}

/// A customer of a problem-case or judicial-candidate list.
#[derive(ToSchema)]
#[allow(dead_code)]
struct CaseLineSchema {
    /// The customer's reference.
    customer: String,
    name: String,
    segment: Option<String>,
    collector: Option<String>,
    stage: Option<String>,
    days_past_due: i64,
    oldest_due_date: Option<NaiveDate>,
    currency: String,
    overdue: String,
    balance: String,
    disputed: String,
    last_action: Option<ActionSummarySchema>,
    next_action: Option<NextActionSchema>,
}

async fn case_list(caller: ApiCaller, state: AppState, query: Result<Query<ReportQuery>, QueryRejection>, list: CaseList) -> ApiResult<Json<Vec<CaseLine>>> {
    authz::require(&caller.actor, Permission::ViewCases)?;
    let query = query_params(query)?;
    let code = required(&query.portfolio, "portfolio")?;
    let as_of = report_date(&state, code, query.as_of.as_deref()).await?;
    let mut lines = app_reports::case_list(&state.store, code, as_of, list).await.map_err(report_error)?;
    if let Some(own) = authz::collector_scope(&caller.actor) {
        lines.retain(|line| line.collector.as_deref() == Some(own));
    }
    Ok(Json(lines))
}

/// Lists the customers 90 or more days past due, with their last and next actions.
#[utoipa::path(
    get,
    path = "/reports/problem-cases",
    tag = "reports",
    params(ReportQuery),
    description = "A collector gets only the customers assigned to them.",
    responses(
        (status = 200, description = "The problem cases, most days past due first", body = [CaseLineSchema]),
        (status = 400, description = "A parameter is invalid", body = ErrorEnvelope),
        (status = 404, description = "Unknown portfolio", body = ErrorEnvelope),
    ),
)]
pub async fn problem_cases(caller: ApiCaller, State(state): State<AppState>, query: Result<Query<ReportQuery>, QueryRejection>) -> ApiResult<Json<Vec<CaseLine>>> {
    case_list(caller, state, query, CaseList::ProblemCases).await
}

/// Lists the customers more than 120 days past due: judicial transfer candidates.
#[utoipa::path(
    get,
    path = "/reports/legal-candidates",
    tag = "reports",
    params(ReportQuery),
    description = "A collector gets only the customers assigned to them.",
    responses(
        (status = 200, description = "The judicial transfer candidates, most days past due first", body = [CaseLineSchema]),
        (status = 400, description = "A parameter is invalid", body = ErrorEnvelope),
        (status = 404, description = "Unknown portfolio", body = ErrorEnvelope),
    ),
)]
pub async fn legal_candidates(caller: ApiCaller, State(state): State<AppState>, query: Result<Query<ReportQuery>, QueryRejection>) -> ApiResult<Json<Vec<CaseLine>>> {
    case_list(caller, state, query, CaseList::LegalCandidates).await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RunsQuery {
    /// Portfolio code.
    #[serde(default)]
    #[param(required = true)]
    portfolio: String,
}

/// The stored record of the daily runs of one date.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunItem {
    as_of: NaiveDate,
    /// How many times this date was run.
    executions: i64,
    duration_ms: i64,
    cases_open: i64,
    problem_cases: i64,
    legal_candidates: i64,
    tasks_created: i64,
}

/// Lists the portfolio's daily runs, one per date.
#[utoipa::path(
    get,
    path = "/runs",
    tag = "runs",
    params(RunsQuery),
    responses(
        (status = 200, description = "The runs, one per date", body = [RunItem]),
        (status = 400, description = "The portfolio parameter is missing", body = ErrorEnvelope),
        (status = 404, description = "Unknown portfolio", body = ErrorEnvelope),
    ),
)]
pub async fn list_runs(caller: ApiCaller, State(state): State<AppState>, query: Result<Query<RunsQuery>, QueryRejection>) -> ApiResult<Json<Vec<RunItem>>> {
    authz::require(&caller.actor, Permission::ViewPortfolio)?;
    let query = query_params(query)?;
    let code = required(&query.portfolio, "portfolio")?;
    let mut conn = state.store.acquire().await?;
    let portfolio = find_portfolio(&mut conn, code).await?;
    let items = runs::list_runs(&mut conn, portfolio.id)
        .await?
        .into_iter()
        .map(|run| RunItem {
            as_of: run.as_of,
            executions: run.executions,
            duration_ms: run.duration_ms,
            cases_open: run.cases_open,
            problem_cases: run.problem_cases,
            legal_candidates: run.legal_candidates,
            tasks_created: run.tasks_created,
        })
        .collect();
    Ok(Json(items))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RunRequest {
    /// Portfolio code.
    #[serde(default)]
    #[schema(required = true)]
    portfolio: String,
    /// The business date of the run, YYYY-MM-DD; not before the latest run.
    #[serde(default)]
    #[schema(required = true, format = Date)]
    as_of: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RunCountsItem {
    /// Open documents and snapshot accounts.
    open_items: i64,
    cases_open: i64,
    cases_opened: i64,
    cases_closed: i64,
    stage_changes: i64,
    /// Stages passed over because days went by without a run.
    stages_skipped: i64,
    tasks_created: i64,
    problem_cases: i64,
    legal_candidates: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RunTotalItem {
    currency: String,
    balance: String,
    overdue: String,
    /// Overdue balance of the problem cases.
    problem: String,
    unapplied: String,
    customers_with_balance: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RunResult {
    portfolio: String,
    as_of: NaiveDate,
    duration_ms: i64,
    counts: RunCountsItem,
    totals: Vec<RunTotalItem>,
}

/// Runs the daily job as of a date: aging, case stages, tasks and the run record.
#[utoipa::path(
    post,
    path = "/runs",
    tag = "runs",
    request_body = RunRequest,
    description = "Idempotent: running the same date again creates nothing twice. Collection managers and administrators only.",
    responses(
        (status = 200, description = "The run finished", body = RunResult),
        (status = 400, description = "The body is invalid", body = ErrorEnvelope),
        (status = 404, description = "Unknown portfolio", body = ErrorEnvelope),
        (status = 409, description = "The date is before the latest run's", body = ErrorEnvelope),
        (status = 415, description = "The body is not JSON", body = ErrorEnvelope),
    ),
)]
pub async fn start_run(caller: ApiCaller, State(state): State<AppState>, body: Result<Json<RunRequest>, JsonRejection>) -> ApiResult<Json<RunResult>> {
    authz::require(&caller.actor, Permission::RunDaily)?;
    let request = json_body(body)?;
    let code = required(&request.portfolio, "portfolio")?;
    let as_of = required_date(&request.as_of, "as_of")?;

    let outcome = run::run_daily(&state.store, code, as_of).await.map_err(|error| match error {
        RunError::UnknownPortfolio(code) => not_found("portfolio", &code),
        RunError::RunsMoveForward { .. } => ApiError::new(StatusCode::CONFLICT, "conflict", error.to_string()),
        RunError::Store(error) => error.into(),
        other => WebError::Internal(other.to_string()).into(),
    })?;
    tracing::info!(user = %caller.actor.username, portfolio = code, %as_of, "daily run started through the API");

    let counts = &outcome.counts;
    let mut totals = Vec::with_capacity(outcome.totals.len());
    for total in &outcome.totals {
        totals.push(RunTotalItem {
            currency: total.currency.clone(),
            balance: amount(total.balance_minor, &total.currency)?,
            overdue: amount(total.overdue_minor, &total.currency)?,
            problem: amount(total.problem_minor, &total.currency)?,
            unapplied: amount(total.unapplied_minor, &total.currency)?,
            customers_with_balance: total.customers_with_balance,
        });
    }
    Ok(Json(RunResult {
        portfolio: outcome.portfolio.clone(),
        as_of: outcome.as_of,
        duration_ms: outcome.duration_ms,
        counts: RunCountsItem {
            open_items: counts.open_items,
            cases_open: counts.cases_open,
            cases_opened: counts.cases_opened,
            cases_closed: counts.cases_closed,
            stage_changes: counts.stage_changes,
            stages_skipped: counts.stages_skipped,
            tasks_created: counts.tasks_created,
            problem_cases: counts.problem_cases,
            legal_candidates: counts.legal_candidates,
        },
        totals,
    }))
}
