//! The portfolio health check: the ten questions of a collection review,
//! each with its status, the figure behind it and a link to where it is
//! fixed.

use askama::Template;
use axum::extract::{Path, State};
use chrono::NaiveDate;
use recobro_app::health::{self, HealthError, HealthStatus};

use super::{Layout, PageError, PageResult, business_date, render, viewable_portfolio};
use crate::AppState;
use crate::auth::SignedIn;
use crate::authz::{self, Permission};
use crate::error::WebError;
use crate::i18n::Translator;

struct HealthRow {
    number: u8,
    key: &'static str,
    question: String,
    status: &'static str,
    status_label: String,
    figure: String,
    link: String,
}

#[derive(Template)]
#[template(path = "health.html")]
struct HealthPage {
    tr: Translator,
    layout: Layout,
    as_of: NaiveDate,
    rows: Vec<HealthRow>,
    /// How many questions have each status, as a sentence.
    summary: String,
}

pub async fn page(State(state): State<AppState>, user: SignedIn, Path(code): Path<String>) -> PageResult {
    let tr = user.tr;
    authz::require(&user.actor, Permission::ViewAllCollectors).map_err(|error| PageError::new(tr, error))?;
    let mut conn = state.store.acquire().await.map_err(|error| PageError::new(tr, error))?;
    let portfolio = viewable_portfolio(&mut conn, &user, &code).await?;
    let as_of = business_date(&mut conn, portfolio.id).await.map_err(|error| PageError::new(tr, error))?;
    drop(conn);

    let report = health::health_check(&state.store, &code, as_of).await.map_err(|error| PageError::new(tr, health_error(error)))?;
    let rows = report
        .entries
        .iter()
        .map(|entry| HealthRow {
            number: entry.number,
            key: entry.key,
            question: tr.label("health-question", entry.key),
            status: entry.status.code(),
            status_label: tr.label("health-status", entry.status.code()),
            figure: figure_text(tr, entry),
            link: entry.link.clone(),
        })
        .collect();
    let layout = Layout::new(&user, tr.t("health-title"), Some(&portfolio), "health");
    let page = HealthPage {
        tr,
        layout,
        as_of,
        rows,
        summary: tr.t_args(
            "health-summary",
            &[("ok", report.count(HealthStatus::Ok).to_string()), ("warnings", report.count(HealthStatus::Warning).to_string()), ("missing", report.count(HealthStatus::Missing).to_string())],
        ),
    };
    render(tr, &page)
}

pub(crate) fn health_error(error: HealthError) -> WebError {
    match error {
        HealthError::UnknownPortfolio(_) => WebError::NotFound,
        HealthError::Store(error) => WebError::Store(error),
        other => WebError::Internal(other.to_string()),
    }
}

/// Words a figure in the user's language from its message key and values,
/// or keeps the English figure when the key is unknown.
fn figure_text(tr: Translator, entry: &health::HealthEntry) -> String {
    let args: Vec<(&'static str, String)> = entry
        .figure_args
        .iter()
        .map(|(name, value)| {
            let text = match value {
                health::FigureArg::Count(count) => count.to_string(),
                health::FigureArg::Date(date) => tr.date(date),
            };
            (*name, text)
        })
        .collect();
    tr.try_t_args(&format!("health-figure-{}", entry.figure_key), &args).unwrap_or_else(|| entry.figure.clone())
}
