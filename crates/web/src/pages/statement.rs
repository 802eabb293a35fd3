//! The interest statement of a customer as of a date: an HTML page in the
//! user's language, with the same statement as PDF and XLSX downloads.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use chrono::NaiveDate;
use recobro_app::statement::{Statement, StatementError, statement_of, statement_xlsx};
use recobro_core::interest::statement::StatementLine;
use serde::Deserialize;

use super::customer::visible_customer;
use super::{Layout, PageError, PageResult, business_date, render, url_encode};
use crate::AppState;
use crate::auth::SignedIn;
use crate::error::WebError;
use crate::i18n::{Language, Translator};

#[derive(Deserialize)]
pub struct StatementQuery {
    as_of: Option<String>,
    /// `pdf` or `xlsx` for a download; the HTML page without it.
    format: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Html,
    Pdf,
    Xlsx,
}

/// A document of the statement, formatted for the page.
struct LineView {
    number: String,
    kind: String,
    currency: String,
    due_date: String,
    days_past_due: i64,
    principal_open: String,
    interest_accrued: String,
    interest_waived: String,
    interest_paid: String,
    interest: String,
    fees: String,
    /// "Disputed" or "Paid on …", when either applies.
    status: String,
    periods: Vec<PeriodView>,
}

struct PeriodView {
    start: String,
    end: String,
    days: i64,
    base: String,
    rate: String,
    interest: String,
}

/// The totals of one currency, formatted for the page.
struct TotalView {
    currency: String,
    principal: String,
    interest_accrued: String,
    interest_waived: String,
    interest_paid: String,
    interest: String,
    fees: String,
    total: String,
}

#[derive(Template)]
#[template(path = "statement.html")]
struct StatementPage {
    tr: Translator,
    layout: Layout,
    code: String,
    reference: String,
    customer_name: String,
    as_of: NaiveDate,
    /// The rule's description, or `None` without a rule.
    rule: Option<String>,
    /// The reason the statement could not be computed.
    problem: Option<String>,
    lines: Vec<LineView>,
    totals: Vec<TotalView>,
    has_waivers: bool,
    has_interest_paid: bool,
    has_fees: bool,
}

pub async fn page(State(state): State<AppState>, user: SignedIn, Path((code, reference)): Path<(String, String)>, Query(query): Query<StatementQuery>) -> PageResult {
    let tr = user.tr;
    let fail = |error: WebError| PageError::new(tr, error);
    let (portfolio, customer_id, customer) = visible_customer(&state, &user, &code, &reference).await?;
    let format = match query.format.as_deref().map(str::trim).unwrap_or_default() {
        "" | "html" => Format::Html,
        "pdf" => Format::Pdf,
        "xlsx" => Format::Xlsx,
        other => return Err(fail(WebError::BadRequest(tr.t_args("statement-error-format", &[("value", other.to_string())])))),
    };
    let mut conn = state.store.acquire().await.map_err(|error| PageError::new(tr, error))?;
    let as_of = match query.as_of.as_deref().map(str::trim).filter(|text| !text.is_empty()) {
        Some(text) => recobro_core::parse_iso_date(text).map_err(|_| fail(WebError::BadRequest(tr.t_args("statement-error-date", &[("value", text.to_string())]))))?,
        None => business_date(&mut conn, portfolio.id).await.map_err(fail)?,
    };

    let layout = Layout::new(&user, tr.t("statement-title"), Some(&portfolio), "customers");
    let customer_name = customer.name.clone();
    let computed = statement_of(&mut conn, portfolio, customer_id, customer, as_of).await;
    drop(conn);
    let statement = match computed {
        Ok(statement) => statement,
        Err(StatementError::Store(error)) => return Err(fail(WebError::Store(error))),
        Err(error) => {
            tracing::warn!(%error, portfolio = %code, customer = %reference, "interest statement failed");
            let page = StatementPage { problem: Some(problem_message(tr, &error)), ..empty_page(tr, layout, code, reference, customer_name, as_of) };
            let mut response = render(tr, &page)?;
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(response);
        }
    };

    match format {
        Format::Html => render(tr, &statement_page(tr, layout, code, reference, &statement)),
        Format::Pdf => {
            let pdf = crate::documents::statement_pdf(&statement, document_language(tr.language)).await.map_err(fail)?;
            Ok(download(pdf, "application/pdf", &file_name(&reference, as_of, "pdf")))
        }
        Format::Xlsx => {
            let workbook = statement_xlsx(&statement, document_language(tr.language).locale()).map_err(|error| fail(WebError::Internal(format!("cannot write the statement workbook: {error}"))))?;
            Ok(download(workbook, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", &file_name(&reference, as_of, "xlsx")))
        }
    }
}

fn document_language(language: Language) -> recobro_documents::Language {
    match language {
        Language::Es => recobro_documents::Language::Es,
        Language::En => recobro_documents::Language::En,
    }
}

fn download(body: Vec<u8>, content_type: &'static str, file_name: &str) -> axum::response::Response {
    let disposition = format!("attachment; filename=\"{file_name}\"");
    ([(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, disposition)], body).into_response()
}

/// Builds a download name such as `statement-C-042-2024-04-30.pdf`, keeping
/// only the reference's letters, digits, dashes and underscores.
fn file_name(reference: &str, as_of: NaiveDate, extension: &str) -> String {
    let reference: String = reference.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
    format!("statement-{reference}-{as_of}.{extension}")
}

fn empty_page(tr: Translator, layout: Layout, code: String, reference: String, customer_name: String, as_of: NaiveDate) -> StatementPage {
    StatementPage { tr, layout, code, reference, customer_name, as_of, rule: None, problem: None, lines: Vec::new(), totals: Vec::new(), has_waivers: false, has_interest_paid: false, has_fees: false }
}

fn statement_page(tr: Translator, layout: Layout, code: String, reference: String, statement: &Statement) -> StatementPage {
    let rule = statement.rule.as_ref().map(|applied| {
        let mut parts = vec![match (applied.regime, applied.annual_percent) {
            (Some(regime), _) => tr.t_args("statement-rule-regime", &[("regime", regime.code().to_string())]),
            (None, percent) => tr.t_args(
                "statement-rule-rate",
                &[("rate", tr.decimal(&percent.unwrap_or_default().normalize().to_string())), ("day_count", tr.label("day-count", applied.day_count.code()))],
            ),
        }];
        if applied.grace_days > 0 {
            parts.push(tr.t_args("statement-rule-grace", &[("days", applied.grace_days.to_string())]));
        }
        parts.push(tr.t_args("statement-rule-effective", &[("date", tr.date(&applied.stored.effective_on))]));
        if applied.customer_specific() {
            parts.push(tr.t("statement-rule-customer"));
        }
        parts.join(", ")
    });

    let lines: Vec<LineView> = statement.lines.iter().map(|line| line_view(tr, line)).collect();
    let totals = statement
        .totals
        .iter()
        .map(|total| {
            let money = |minor: i64| tr.money(&minor, total.currency.code());
            TotalView {
                currency: total.currency.code().to_string(),
                principal: money(total.principal_minor),
                interest_accrued: money(total.interest_accrued_minor),
                interest_waived: money(total.interest_waived_minor),
                interest_paid: money(total.interest_paid_minor),
                interest: money(total.interest_minor),
                fees: money(total.fees_minor),
                total: money(total.total_minor),
            }
        })
        .collect();
    StatementPage {
        has_waivers: statement.totals.iter().any(|total| total.interest_waived_minor != 0),
        has_interest_paid: statement.totals.iter().any(|total| total.interest_paid_minor != 0),
        has_fees: statement.totals.iter().any(|total| total.fees_minor != 0),
        rule,
        lines,
        totals,
        ..empty_page(tr, layout, code, reference, statement.customer.name.clone(), statement.as_of)
    }
}

fn line_view(tr: Translator, line: &StatementLine) -> LineView {
    let currency = line.currency.code();
    let money = |minor: i64| tr.money(&minor, currency);
    let status = match (line.disputed, line.settled_on) {
        (true, _) => tr.t("document-disputed"),
        (false, Some(date)) => tr.t_args("statement-paid-on", &[("date", tr.date(&date))]),
        (false, None) => String::new(),
    };
    let periods = line
        .periods
        .iter()
        .map(|period| PeriodView {
            start: tr.date(&period.start),
            end: tr.date(&period.end),
            days: period.days,
            base: money(period.base_minor),
            rate: match (period.annual_percent, period.factor) {
                (Some(percent), _) => format!("{} %", tr.decimal(&percent.normalize().to_string())),
                (None, Some(factor)) => tr.t_args("statement-factor", &[("factor", tr.decimal(&factor.round_dp(8).to_string()))]),
                (None, None) => String::new(),
            },
            interest: money(period.interest_minor),
        })
        .collect();
    LineView {
        number: line.number.clone(),
        kind: tr.label("kind", &line.kind),
        currency: currency.to_string(),
        due_date: tr.date(&line.due_date),
        days_past_due: line.days_past_due,
        principal_open: money(line.principal_open_minor),
        interest_accrued: money(line.interest_accrued_minor),
        interest_waived: money(line.interest_waived_minor),
        interest_paid: money(line.interest_paid_minor),
        interest: money(line.interest_minor),
        fees: money(line.fees_minor),
        status,
        periods,
    }
}

/// Explains in the user's language why the statement could not be made.
fn problem_message(tr: Translator, error: &StatementError) -> String {
    match error {
        StatementError::CurrencyNotAccepted { document, currency, regime, regime_currency } => tr.t_args(
            "statement-error-currency",
            &[("document", document.clone()), ("currency", currency.code().to_string()), ("regime", regime.to_string()), ("regime_currency", regime_currency.code().to_string())],
        ),
        // NOTE: the engine's reason is in English only.
        StatementError::Interest { document, source } => tr.t_args("statement-error-interest", &[("document", document.clone()), ("detail", source.to_string())]),
        other => tr.t_args("statement-error-rule", &[("detail", other.to_string())]),
    }
}

impl StatementPage {
    /// Returns the path of this statement in another format.
    fn download_path(&self, format: &str) -> String {
        format!("/p/{}/customers/{}/statement?as_of={}&format={format}", self.code, url_encode(&self.reference), self.as_of)
    }

    fn customer_path(&self) -> String {
        format!("/p/{}/customers/{}", self.code, url_encode(&self.reference))
    }
}
