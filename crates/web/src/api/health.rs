//! The portfolio health check.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use recobro_app::health::{self, HealthError};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ApiResult, date_param, find_portfolio, query_params, required};
use crate::AppState;
use crate::auth::ApiCaller;
use crate::authz::{self, Permission};
use crate::error::{ApiError, ErrorEnvelope, WebError};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HealthQuery {
    /// Portfolio code.
    #[serde(default)]
    #[param(required = true)]
    portfolio: String,
    /// YYYY-MM-DD; the date of the latest daily run when absent.
    #[param(format = Date)]
    as_of: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HealthItem {
    /// 1 to 10.
    number: u8,
    /// A stable name of the question, such as `aging_report`.
    key: String,
    question: String,
    /// ok, warning or missing.
    status: String,
    /// The figure behind the status, in English.
    figure: String,
    /// The web page where it is fixed.
    link: String,
    /// The command that fixes or shows it.
    command: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HealthReportItem {
    portfolio: String,
    as_of: NaiveDate,
    /// The ten questions, in order.
    entries: Vec<HealthItem>,
}

/// Answers the ten questions of a collection review from the portfolio's data.
#[utoipa::path(
    get,
    path = "/health",
    tag = "reports",
    params(HealthQuery),
    responses(
        (status = 200, description = "The ten questions with their status", body = HealthReportItem),
        (status = 400, description = "A parameter is invalid", body = ErrorEnvelope),
        (status = 404, description = "Unknown portfolio", body = ErrorEnvelope),
    ),
)]
pub async fn health_report(caller: ApiCaller, State(state): State<AppState>, query: Result<Query<HealthQuery>, QueryRejection>) -> ApiResult<Json<HealthReportItem>> {
    authz::require(&caller.actor, Permission::ViewAllCollectors)?;
    let query = query_params(query)?;
    let code = required(&query.portfolio, "portfolio")?;
    let requested = date_param(query.as_of.as_deref(), "as_of")?;
    let as_of = {
        let mut conn = state.store.acquire().await?;
        let portfolio = find_portfolio(&mut conn, code).await?;
        match requested {
            Some(date) => date,
            None => crate::pages::business_date(&mut conn, portfolio.id).await?,
        }
    };
    let report = health::health_check(&state.store, code, as_of).await.map_err(|error| match error {
        HealthError::UnknownPortfolio(_) => ApiError::new(StatusCode::NOT_FOUND, "not-found", error.to_string()),
        HealthError::Store(error) => error.into(),
        other => WebError::Internal(other.to_string()).into(),
    })?;
    let entries = report
        .entries
        .into_iter()
        .map(|entry| HealthItem {
            number: entry.number,
            key: entry.key.to_string(),
            question: entry.question.to_string(),
            status: entry.status.code().to_string(),
            figure: entry.figure,
            link: entry.link,
            command: entry.command,
        })
        .collect();
    Ok(Json(HealthReportItem { portfolio: report.portfolio, as_of: report.as_of, entries }))
}
