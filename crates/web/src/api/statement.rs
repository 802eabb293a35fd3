//! The interest statement of a customer as of a date.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use recobro_app::statement::{StatementError, statement_json, statement_of};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::{ApiResult, date_param, find_portfolio, find_visible_customer, query_params};
use crate::AppState;
use crate::auth::ApiCaller;
use crate::authz::{self, Permission};
use crate::error::{ApiError, ErrorEnvelope};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatementQuery {
    /// The statement's date, YYYY-MM-DD: interest runs through it. The date
    /// of the portfolio's latest daily run when absent.
    as_of: Option<String>,
}

// The schemas below document the JSON that
// `recobro_app::statement::statement_json` builds. The API tests check
// real responses against them.

#[derive(ToSchema)]
#[allow(dead_code)]
struct StatementCustomerSchema {
    reference: String,
    name: String,
}

/// The late-interest rule applied.
#[derive(ToSchema)]
#[allow(dead_code)]
struct StatementRuleSchema {
    /// A statutory regime such as `es-late-payment`, or null for a contractual rate.
    regime: Option<String>,
    /// A contractual annual rate in percent, such as `12.5`.
    rate: Option<String>,
    /// act365, act360 or actact.
    day_count: String,
    grace_days: u32,
    effective_on: NaiveDate,
    /// Whether the rule is the customer's own rather than the portfolio's.
    customer_specific: bool,
}

/// A run of days with one interest-bearing base and one rate.
#[derive(ToSchema)]
#[allow(dead_code)]
struct StatementPeriodSchema {
    start: NaiveDate,
    /// The last day of the period, included.
    end: NaiveDate,
    days: i64,
    base: String,
    /// The annual rate applied in percent; null for published factors.
    rate: Option<String>,
    /// The accumulated-factor ratio of the period, for published factors.
    factor: Option<String>,
    interest: String,
}

/// An invoice or debit note past due, or one that still owes interest or fees.
#[derive(ToSchema)]
#[allow(dead_code)]
struct StatementDocumentSchema {
    number: String,
    /// invoice, debit_note, or account for a snapshot account.
    kind: String,
    currency: String,
    due_date: NaiveDate,
    amount: String,
    principal_open: String,
    /// The day the principal was paid in full, on or before the statement's date.
    settled_on: Option<NaiveDate>,
    /// Days past due on the statement's date, or on the day of full payment.
    days_past_due: i64,
    /// Whether a dispute is open on the statement's date.
    disputed: bool,
    interest_accrued: String,
    interest_waived: String,
    /// The part of the payments that went to interest: each payment covers
    /// the compensation, then the interest, then the principal.
    interest_paid: String,
    /// Interest accrued less paid and waived.
    interest: String,
    /// The part of the payments that went to the fixed compensation.
    fees_paid: String,
    /// Fixed compensation of the regime for the late document, less what was paid.
    fees: String,
    periods: Vec<StatementPeriodSchema>,
}

/// The totals of one currency.
#[derive(ToSchema)]
#[allow(dead_code)]
struct StatementTotalSchema {
    currency: String,
    principal: String,
    interest_accrued: String,
    /// Waivers of the documents and of the customer as a whole.
    interest_waived: String,
    interest_paid: String,
    interest: String,
    fees: String,
    /// Principal, interest and fees.
    total: String,
}

/// The interest statement of a customer.
#[derive(ToSchema)]
#[allow(dead_code)]
struct StatementSchema {
    /// The portfolio's code.
    portfolio: String,
    customer: StatementCustomerSchema,
    as_of: NaiveDate,
    /// Null when no rule is set: the statement then shows no interest.
    rule: Option<StatementRuleSchema>,
    /// The reason the statement shows no interest, when no rule is set.
    notice: Option<String>,
    documents: Vec<StatementDocumentSchema>,
    totals: Vec<StatementTotalSchema>,
}

/// Computes the late-interest statement of a customer as of a date. It
/// lists each period of each document with its days, rate and interest,
/// and totals principal, interest and fees per currency.
#[utoipa::path(
    get,
    path = "/portfolios/{code}/customers/{reference}/statement",
    tag = "customers",
    params(("code" = String, Path, description = "The portfolio's code"), ("reference" = String, Path, description = "The customer's reference"), StatementQuery),
    responses(
        (status = 200, description = "The statement", body = StatementSchema),
        (status = 400, description = "The as_of parameter is invalid", body = ErrorEnvelope),
        (status = 404, description = "Unknown portfolio or customer", body = ErrorEnvelope),
        (status = 422, description = "The interest cannot be computed, such as for a date past the rates of a regime's table", body = ErrorEnvelope),
    ),
)]
pub async fn customer_statement(
    caller: ApiCaller,
    State(state): State<AppState>,
    Path((code, reference)): Path<(String, String)>,
    query: Result<Query<StatementQuery>, QueryRejection>,
) -> ApiResult<Json<serde_json::Value>> {
    authz::require(&caller.actor, Permission::ViewPortfolio)?;
    let query = query_params(query)?;
    let requested = date_param(query.as_of.as_deref(), "as_of")?;
    let mut conn = state.store.acquire().await?;
    let portfolio = find_portfolio(&mut conn, &code).await?;
    let (customer_id, customer) = find_visible_customer(&mut conn, &caller.actor, &portfolio, &reference).await?;
    let as_of = match requested {
        Some(date) => date,
        None => crate::pages::business_date(&mut conn, portfolio.id).await?,
    };
    let statement = statement_of(&mut conn, portfolio, customer_id, customer, as_of).await.map_err(statement_error)?;
    Ok(Json(statement_json(&statement)))
}

fn statement_error(error: StatementError) -> ApiError {
    match error {
        StatementError::Store(error) => error.into(),
        other => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "statement-failed", other.to_string()),
    }
}
