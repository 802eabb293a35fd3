//! Server-rendered pages. Each handler checks the role through
//! [`crate::authz`] before reading anything.

mod customer;
mod files;
mod health;
mod law_firms;
mod legal;
mod letters;
mod import;
mod login;
mod negotiation;
mod plans;
mod policy;
mod settlements;
mod statement;
mod team;
mod portfolio;
mod worklist;
mod write_offs;

use askama::Template;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use recobro_store::portfolio::Portfolio;
use recobro_store::{Conn, portfolio as portfolios, runs};

use crate::AppState;
use crate::auth::SignedIn;
use crate::authz::{self, Permission};
use crate::error::WebError;
use crate::i18n::Translator;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(portfolio::index))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/language", post(login::set_language))
        .route("/assets/{file}", get(asset))
        .route("/p/{code}", get(portfolio::dashboard))
        .route("/p/{code}/customers", get(portfolio::customers))
        .route("/p/{code}/customers/{reference}", get(customer::page))
        .route("/p/{code}/customers/{reference}/actions", get(customer::action_form).post(customer::log_action))
        .route("/p/{code}/customers/{reference}/statement", get(statement::page))
        .route("/p/{code}/worklist", get(worklist::page))
        .route("/p/{code}/policy", get(policy::page).post(policy::submit))
        .route("/p/{code}/team", get(team::page).post(team::submit))
        .route("/p/{code}/team/config", post(team::save_config))
        .route("/p/{code}/team/assign-by-rules", post(team::assign_by_rules))
        .route("/p/{code}/team/suggestions/{id}", post(team::decide_suggestion))
        .route("/p/{code}/customers/{reference}/plans/new", get(plans::form).post(plans::submit))
        .route("/p/{code}/plans/{id}", get(plans::page))
        .route("/p/{code}/plans/{id}/decision", post(plans::decide))
        .route("/p/{code}/plans/{id}/letter", get(plans::letter))
        .route("/p/{code}/customers/{reference}/settlements/new", get(settlements::form).post(settlements::submit))
        .route("/p/{code}/settlements/{id}", get(settlements::page))
        .route("/p/{code}/settlements/{id}/decision", post(settlements::decide))
        .route("/p/{code}/settlements/{id}/letter", get(settlements::letter))
        .route("/p/{code}/customers/{reference}/write-offs/new", get(write_offs::form).post(write_offs::submit))
        .route("/p/{code}/write-offs/{id}", get(write_offs::page))
        .route("/p/{code}/write-offs/{id}/decision", post(write_offs::decide))
        .route("/p/{code}/approvals", get(negotiation::approvals))
        .route("/p/{code}/problem-cases", get(portfolio::problem_cases))
        .route("/p/{code}/legal-candidates", get(portfolio::legal_candidates))
        .route("/p/{code}/letters", get(letters::page))
        .route("/p/{code}/letters/generate", post(letters::generate))
        .route("/p/{code}/letters/{id}/decision", post(letters::decide))
        .route("/p/{code}/letters/{id}/pdf", get(letters::pdf))
        .route("/p/{code}/import", get(import::form).post(import::submit).layer(DefaultBodyLimit::max(crate::imports::MAX_UPLOAD_BYTES)))
        .route("/p/{code}/customers/{reference}/files/new", get(files::upload_form))
        .route("/p/{code}/customers/{reference}/files", post(files::upload).layer(DefaultBodyLimit::max(crate::file_uploads::BODY_LIMIT)))
        .route("/p/{code}/files", get(files::incomplete))
        .route("/p/{code}/files/{id}", get(files::download))
        .route("/p/{code}/files/{id}/remove", post(files::remove))
        .route("/p/{code}/legal", get(legal::page))
        .route("/p/{code}/legal/referrals/{id}", get(legal::referral))
        .route("/p/{code}/legal/referrals/{id}/decision", post(legal::decide))
        .route("/p/{code}/legal/referrals/{id}/status", post(legal::update))
        .route("/p/{code}/legal/referrals/{id}/recoveries", post(legal::recovery))
        .route("/p/{code}/legal/referrals/{id}/packet", get(legal::packet))
        .route("/p/{code}/law-firms", get(law_firms::firms).post(law_firms::save_firm))
        .route("/p/{code}/health", get(health::page))
}

/// The reason a page extractor stopped a request.
pub enum PageRejection {
    /// Not signed in: go to the sign-in page, then back to this path.
    SignIn(String),
    Error(WebError),
}

impl IntoResponse for PageRejection {
    fn into_response(self) -> Response {
        match self {
            PageRejection::SignIn(next) => {
                let target = format!("/login?next={}", url_encode(&next));
                Redirect::to(&target).into_response()
            }
            PageRejection::Error(error) => error.into_response(),
        }
    }
}

pub(crate) fn url_encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => encoded.push(byte as char),
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    encoded
}

/// The content of the shared layout: navigation, the user and the forms of the
/// header.
pub struct Layout {
    pub tr: Translator,
    pub title: String,
    pub username: String,
    pub role: String,
    pub csrf_token: String,
    /// Where the language switch returns to: the current page.
    pub page_path: String,
    pub portfolio: Option<(String, String)>,
    pub active: &'static str,
    pub can_view_cases: bool,
    pub can_assign: bool,
    pub can_approve: bool,
    /// Plans, offers and write-offs waiting for approval, shown beside the
    /// approvals link. Only the negotiation pages count them; other pages
    /// leave it empty.
    pub pending_approvals: Option<usize>,
}

impl Layout {
    pub fn new(user: &SignedIn, title: String, portfolio: Option<&Portfolio>, active: &'static str) -> Self {
        Self {
            tr: user.tr,
            title,
            username: user.actor.username.clone(),
            role: user.actor.role.code().to_string(),
            csrf_token: user.csrf_token.clone(),
            page_path: user.page_path.clone(),
            portfolio: portfolio.map(|portfolio| (portfolio.code.clone(), portfolio.name.clone())),
            active,
            can_view_cases: authz::allows(user.actor.role, Permission::ViewCases),
            can_assign: authz::allows(user.actor.role, Permission::AssignCustomers),
            can_approve: authz::allows(user.actor.role, Permission::ApproveNegotiation),
            pending_approvals: None,
        }
    }
}

/// A page handler's error, shown as a page in the user's language.
pub struct PageError {
    tr: Translator,
    error: WebError,
}

impl PageError {
    pub fn new(tr: Translator, error: impl Into<WebError>) -> Self {
        Self { tr, error: error.into() }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    tr: Translator,
    status: u16,
    message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.error.status();
        if matches!(self.error, WebError::Store(_) | WebError::Internal(_)) {
            tracing::error!(error = %self.error, "page request failed");
        }
        let message = self.tr.t(&format!("error-{}", self.error.code()));
        let page = ErrorPage { tr: self.tr, status: status.as_u16(), message };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, self.error.to_string()).into_response(),
        }
    }
}

pub type PageResult = Result<Response, PageError>;

/// Renders a template, or an error page when rendering fails.
pub fn render(tr: Translator, template: &impl Template) -> PageResult {
    let html = template.render().map_err(|error| PageError::new(tr, WebError::Internal(format!("template failed: {error}"))))?;
    Ok(Html(html).into_response())
}

/// Finds a portfolio the user may view, or a not-found page.
pub async fn viewable_portfolio(conn: &mut Conn, user: &SignedIn, code: &str) -> Result<Portfolio, PageError> {
    authz::require(&user.actor, Permission::ViewPortfolio).map_err(|error| PageError::new(user.tr, error))?;
    portfolios::find(conn, code).await.map_err(|error| PageError::new(user.tr, error))?.ok_or_else(|| PageError::new(user.tr, WebError::NotFound))
}

/// The date pages show: the date of the portfolio's latest daily run, or
/// today's UTC date before the first run.
// NOTE: before the first run this uses the UTC calendar, not the
// portfolio's time zone.
pub async fn business_date(conn: &mut Conn, portfolio_id: i64) -> Result<NaiveDate, WebError> {
    Ok(runs::latest_run_date(conn, portfolio_id).await?.unwrap_or_else(|| chrono::Utc::now().date_naive()))
}

/// Static files: the style sheet, the page script and vendored libraries.
async fn asset(axum::extract::Path(file): axum::extract::Path<String>) -> Response {
    let (body, content_type): (&'static [u8], &str) = match file.as_str() {
        "app.css" => (include_bytes!("../../assets/app.css"), "text/css; charset=utf-8"),
        "app.js" => (include_bytes!("../../assets/app.js"), "text/javascript; charset=utf-8"),
        "chart.umd.min.js" => (include_bytes!("../../assets/vendor/chart-4.6.1.umd.min.js"), "text/javascript; charset=utf-8"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=3600")], body).into_response()
}

/// Returns a trimmed form value, or `None` for an empty field.
pub fn non_empty(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|value| !value.is_empty()).map(str::to_string)
}
