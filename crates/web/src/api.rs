//! The JSON API under `/api/v1`, and its OpenAPI 3.1 document at
//! `/api/v1/openapi.json`.
//!
//! Every route except the document takes `Authorization: Bearer TOKEN`
//! (see `recobro token create`) and checks the caller's role through
//! [`crate::authz`]. Errors use the envelope of [`ApiError`]. Amounts are
//! decimal strings in the currency named beside them, and dates are
//! `YYYY-MM-DD`.
//!
//! Each handler is registered through `utoipa_axum::routes!`, which adds
//! the route to the router and its description to the document, so the two
//! cannot list different routes.

mod customers;
mod files;
mod health;
mod import;
mod legal;
mod negotiation;
mod reports;
mod statement;

use std::sync::LazyLock;

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use recobro_core::Currency;
use recobro_store::Conn;
use recobro_store::ledger::CustomerData;
use recobro_store::portfolio::{self as portfolios, Portfolio};
use serde::Serialize;
use utoipa::openapi::path::Operation;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as Document, Ref};
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::ApiCaller;
use crate::authz::{self, Actor, Permission};
use crate::error::{ApiError, ErrorEnvelope, WebError};

/// The path every API route starts with.
pub const PREFIX: &str = "/api/v1";

/// The path of the OpenAPI document, the one route without authentication.
pub const DOCUMENT_PATH: &str = "/api/v1/openapi.json";

const BEARER_SCHEME: &str = "bearer";

pub(crate) type ApiResult<T> = Result<T, ApiError>;

/// Builds the API's routes for [`crate::router`].
pub fn routes() -> axum::Router<AppState> {
    let (router, _) = api_router().split_for_parts();
    router
}

/// Returns the OpenAPI document of every route that [`routes`] serves.
pub fn document() -> &'static Document {
    static DOCUMENT: LazyLock<Document> = LazyLock::new(|| {
        let (_, mut document) = api_router().split_for_parts();
        finish_document(&mut document);
        document
    });
    &DOCUMENT
}

fn api_router() -> OpenApiRouter<AppState> {
    let routes = OpenApiRouter::default()
        .routes(routes!(openapi_document))
        .routes(routes!(list_portfolios))
        .routes(routes!(customers::list_customers))
        .routes(routes!(customers::show_customer))
        .routes(routes!(customers::list_documents))
        .routes(routes!(customers::list_payments))
        .routes(routes!(customers::list_actions, customers::log_action))
        .routes(routes!(statement::customer_statement))
        .routes(routes!(reports::aging))
        .routes(routes!(reports::problem_cases))
        .routes(routes!(reports::legal_candidates))
        .routes(routes!(reports::list_runs, reports::start_run))
        .routes(routes!(negotiation::list_negotiations))
        .routes(routes!(negotiation::propose_plan))
        .routes(routes!(negotiation::make_offer))
        .routes(routes!(negotiation::request_write_off))
        .routes(routes!(negotiation::decide_plan))
        .routes(routes!(negotiation::decide_offer))
        .routes(routes!(negotiation::decide_write_off))
        .routes(routes!(import::import_file).layer(DefaultBodyLimit::max(crate::imports::MAX_UPLOAD_BYTES)))
        .routes(routes!(files::list_files, files::upload_file).layer(DefaultBodyLimit::max(crate::file_uploads::BODY_LIMIT)))
        .routes(routes!(files::download_file, files::remove_file))
        .routes(routes!(legal::list_firms))
        .routes(routes!(legal::save_firm))
        .routes(routes!(legal::proposals))
        .routes(routes!(legal::list_referrals))
        .routes(routes!(legal::decide))
        .routes(routes!(legal::update_status))
        .routes(routes!(legal::record_recovery))
        .routes(routes!(legal::packet))
        .routes(routes!(health::health_report))
        .fallback(unknown_route);
    OpenApiRouter::with_openapi(ApiDoc::openapi()).nest(PREFIX, routes)
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Recobro API",
        description = "Accounts-receivable collections: portfolios, customers and their documents, payments and collection actions, aging, problem cases, judicial transfer candidates, daily runs and imports.\n\nSend `Authorization: Bearer TOKEN` with a token from `recobro token create --username NAME`. A collector sees and changes only the customers assigned to them. Amounts are decimal strings in the currency named beside them; dates are YYYY-MM-DD.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    components(schemas(ErrorEnvelope)),
    tags(
        (name = "portfolios"),
        (name = "customers", description = "Customers, their documents, payments and collection actions"),
        (name = "reports", description = "Aging, problem cases and judicial transfer candidates, as `recobro report` prints them with --format json"),
        (name = "runs", description = "The daily run"),
        (name = "imports", description = "All-or-nothing imports of CSV and XLSX files"),
        (name = "negotiation", description = "Payment plans, settlement offers and write-offs, and the decisions of managers and administrators"),
        (name = "legal", description = "Customer files, law firms, judicial transfer proposals and decisions, referrals with their states, recoveries and case packets"),
    )
)]
struct ApiDoc;

/// Adds the bearer scheme and, to every operation but the document's, its
/// security requirement and the error responses every handler can return.
fn finish_document(document: &mut Document) {
    let components = document.components.get_or_insert_with(Default::default);
    let scheme = HttpBuilder::new().scheme(HttpAuthScheme::Bearer).description(Some("An API token from `recobro token create`")).build();
    components.add_security_scheme(BEARER_SCHEME, SecurityScheme::Http(scheme));

    let error = |description: &str| {
        let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorEnvelope"))).build();
        ResponseBuilder::new().description(description).content("application/json", content).build()
    };
    for (path, item) in document.paths.paths.iter_mut() {
        let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for operation in operations.into_iter().flatten() {
            if path == DOCUMENT_PATH {
                operation.security = Some(vec![SecurityRequirement::default()]);
                continue;
            }
            operation.security = Some(vec![SecurityRequirement::new::<_, _, String>(BEARER_SCHEME, [])]);
            add_response(operation, "401", error("Missing, unknown or revoked API token"));
            add_response(operation, "403", error("The caller's role does not allow this, or the customer is assigned to another collector"));
            add_response(operation, "500", error("Internal error; the details are in the server log"));
        }
    }
}

fn add_response(operation: &mut Operation, status: &str, response: utoipa::openapi::Response) {
    operation.responses.responses.entry(status.to_string()).or_insert(response.into());
}

/// The OpenAPI 3.1 document of this API.
#[utoipa::path(
    get,
    path = "/openapi.json",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json", body = Object)),
)]
async fn openapi_document() -> Response {
    match document().to_json() {
        Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json).into_response(),
        Err(error) => ApiError::from(WebError::Internal(format!("cannot serialize the OpenAPI document: {error}"))).into_response(),
    }
}

/// Returns the 404 envelope for requests under `/api/v1` that match no
/// route. The nested router sees the path without the prefix.
async fn unknown_route(uri: axum::http::Uri) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not-found", format!("no API route {PREFIX}{}; the routes are listed in {DOCUMENT_PATH}", uri.path()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PortfolioItem {
    /// The code every other route takes as `portfolio`.
    code: String,
    name: String,
    /// ISO 4217 code of the portfolio's default currency.
    currency: String,
    /// IANA time zone whose calendar dates the portfolio uses.
    time_zone: String,
}

/// Lists the portfolios.
#[utoipa::path(get, path = "/portfolios", tag = "portfolios", responses((status = 200, description = "Every portfolio", body = [PortfolioItem])))]
async fn list_portfolios(caller: ApiCaller, State(state): State<AppState>) -> ApiResult<Json<Vec<PortfolioItem>>> {
    authz::require(&caller.actor, Permission::ViewPortfolio)?;
    let mut conn = state.store.acquire().await?;
    let items = portfolios::list(&mut conn)
        .await?
        .into_iter()
        .map(|portfolio| PortfolioItem { code: portfolio.code, name: portfolio.name, currency: portfolio.currency.code().to_string(), time_zone: portfolio.time_zone })
        .collect();
    Ok(Json(items))
}

/// Extracts the query parameters, or returns a 400 envelope naming what is
/// wrong.
fn query_params<T>(query: Result<Query<T>, QueryRejection>) -> ApiResult<T> {
    query.map(|Query(params)| params).map_err(|rejection| ApiError::bad_request(rejection.body_text()))
}

/// Extracts the JSON body, or returns a 400 envelope (415 without a JSON
/// content type, 413 past the default body limit of 2 MiB in axum-core 0.5).
fn json_body<T>(body: Result<Json<T>, JsonRejection>) -> ApiResult<T> {
    body.map(|Json(value)| value).map_err(|rejection| {
        let status = rejection.status();
        let code = match status {
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported-media-type",
            StatusCode::PAYLOAD_TOO_LARGE => "payload-too-large",
            _ => "bad-request",
        };
        ApiError::new(status, code, rejection.body_text())
    })
}

/// Checks that a parameter is present and not blank, and trims it.
fn required<'a>(value: &'a str, name: &str) -> ApiResult<&'a str> {
    let value = value.trim();
    if value.is_empty() { Err(ApiError::bad_request(format!("{name} is required"))) } else { Ok(value) }
}

/// Parses an optional `YYYY-MM-DD` parameter.
fn date_param(value: Option<&str>, name: &str) -> ApiResult<Option<NaiveDate>> {
    let Some(text) = value.map(str::trim).filter(|text| !text.is_empty()) else { return Ok(None) };
    recobro_core::parse_iso_date(text).map(Some).map_err(|_| invalid_date(name, text))
}

/// Parses a `YYYY-MM-DD` parameter that must be present.
fn required_date(value: &str, name: &str) -> ApiResult<NaiveDate> {
    let text = required(value, name)?;
    recobro_core::parse_iso_date(text).map_err(|_| invalid_date(name, text))
}

fn invalid_date(name: &str, text: &str) -> ApiError {
    ApiError::bad_request(format!("invalid {name} {text:?}: expected a date as YYYY-MM-DD, such as 2024-01-31"))
}

fn not_found(what: &str, value: &str) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not-found", format!("{what} {value:?} not found"))
}

async fn find_portfolio(conn: &mut Conn, code: &str) -> ApiResult<Portfolio> {
    portfolios::find(conn, code).await?.ok_or_else(|| not_found("portfolio", code))
}

/// Finds a customer of the portfolio that `actor` may see: 404 when there
/// is none with this reference, 403 when it is another collector's.
async fn find_visible_customer(conn: &mut Conn, actor: &Actor, portfolio: &Portfolio, reference: &str) -> ApiResult<(i64, CustomerData)> {
    let found = recobro_store::browse::find_customer(conn, portfolio.id, reference).await?;
    let (id, customer) = found.ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not-found", format!("customer {reference:?} not found in portfolio {}", portfolio.code)))?;
    authz::require_customer(actor, customer.collector.as_deref())?;
    Ok((id, customer))
}

/// Formats an amount in minor units as a decimal string in its currency.
fn amount(minor: i64, currency: &str) -> ApiResult<String> {
    let currency = Currency::parse(currency).map_err(|error| WebError::Internal(format!("stored currency {currency:?} is invalid: {error}")))?;
    Ok(recobro_core::money::format_minor(minor, currency))
}

fn optional_amount(minor: Option<i64>, currency: &str) -> ApiResult<Option<String>> {
    minor.map(|minor| amount(minor, currency)).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_is_openapi_3_1_with_bearer_security() {
        let json: serde_json::Value = serde_json::from_str(&document().to_json().unwrap()).unwrap();
        assert_eq!(json["openapi"], "3.1.0");
        assert_eq!(json["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
        assert_eq!(json["paths"]["/api/v1/portfolios"]["get"]["security"][0]["bearer"], serde_json::json!([]));
        assert_eq!(json["paths"][DOCUMENT_PATH]["get"]["security"][0], serde_json::json!({}));
        assert!(json["paths"]["/api/v1/customers"]["get"]["responses"]["401"].is_object());
    }

    #[test]
    fn date_parameters_name_the_value() {
        assert_eq!(date_param(Some("2024-02-29"), "as_of").unwrap(), NaiveDate::from_ymd_opt(2024, 2, 29));
        assert_eq!(date_param(None, "as_of").unwrap(), None);
        let error = date_param(Some("2024-02-30"), "as_of").unwrap_err();
        assert_eq!(error.status, StatusCode::BAD_REQUEST);
        assert!(error.message.contains("as_of"), "{}", error.message);
        assert!(error.message.contains("2024-02-30"), "{}", error.message);
    }
}
