//! Judicial collection: the transfer proposals with their approval or
//! rejection, the referrals and each one's page (states, recoveries and
//! case packet), and the report by law firm.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use recobro_app::legal::{self as app_legal, FirmReport, TransferCandidate, TransferError};
use recobro_core::legal::ReferralStatus;
use recobro_core::number::{NumberFormat, parse_amount};
use recobro_store::legal::{LawFirm, Referral};
use recobro_store::portfolio::Portfolio;
use recobro_store::{Conn, browse};
use serde::Deserialize;

use super::{Layout, PageError, PageResult, business_date, non_empty, render, viewable_portfolio};
use crate::AppState;
use crate::auth::SignedIn;
use crate::authz::{self, Permission, Role};
use crate::error::WebError;
use crate::file_uploads;
use crate::i18n::{Language, Translator};

impl Layout {
    /// Checks whether the user may see the health check, which decides the
    /// navigation link.
    pub fn can_view_health(&self) -> bool {
        Role::parse(&self.role).is_some_and(|role| authz::allows(role, Permission::ViewAllCollectors))
    }
}

/// Returns the amount format of the user's language: `1.234,56` or `1,234.56`.
pub(super) fn amount_format(tr: Translator) -> NumberFormat {
    match tr.language {
        Language::Es => NumberFormat { decimal: ',', thousands: Some('.') },
        Language::En => NumberFormat { decimal: '.', thousands: Some(',') },
    }
}

/// Describes an application error in the user's language, or returns the
/// error for an error page when it is not the user's to fix.
// NOTE: the details of `Invalid` and of an incomplete file come from the
// application layer in English; only the sentence around them is
// translated.
pub(super) fn transfer_error_text(tr: Translator, error: TransferError) -> Result<String, WebError> {
    Ok(match error {
        TransferError::UnknownFirm(firm) => tr.t_args("legal-error-unknown-firm", &[("firm", firm)]),
        TransferError::InactiveFirm(firm) => tr.t_args("legal-error-inactive-firm", &[("firm", firm)]),
        TransferError::FirmFull { code, open } => tr.t_args("legal-error-firm-full", &[("firm", code), ("open", open.to_string())]),
        TransferError::WrongStatus { id, status, .. } => tr.t_args("legal-error-wrong-status", &[("id", id.to_string()), ("status", tr.label("referral-status", &status))]),
        TransferError::IncompleteFile { customer, missing } => tr.t_args("legal-error-incomplete-file", &[("customer", customer), ("missing", missing)]),
        TransferError::Invalid(detail) => tr.t_args("legal-error-invalid", &[("detail", detail)]),
        TransferError::Legal(error) => tr.t_args("legal-error-invalid", &[("detail", error.to_string())]),
        TransferError::NotAllowed { .. } => return Err(WebError::Forbidden),
        TransferError::UnknownPortfolio(_) | TransferError::UnknownReferral(_) => return Err(WebError::NotFound),
        TransferError::Store(error) => return Err(WebError::Store(error)),
        other => return Err(WebError::Internal(other.to_string())),
    })
}

pub(super) fn internal(error: TransferError) -> WebError {
    match error {
        TransferError::UnknownPortfolio(_) | TransferError::UnknownReferral(_) => WebError::NotFound,
        TransferError::NotAllowed { .. } => WebError::Forbidden,
        TransferError::Store(error) => WebError::Store(error),
        other => WebError::Internal(other.to_string()),
    }
}

/// Finds the portfolio for a user who may see the case lists.
pub(super) async fn case_portfolio(conn: &mut Conn, user: &SignedIn, code: &str) -> Result<Portfolio, PageError> {
    authz::require(&user.actor, Permission::ViewCases).map_err(|error| PageError::new(user.tr, error))?;
    viewable_portfolio(conn, user, code).await
}

/// Collects the references of the customers a collector may see, or
/// returns `None` for a user allowed to see every customer.
async fn own_customers(conn: &mut Conn, user: &SignedIn, portfolio_id: i64) -> Result<Option<std::collections::HashSet<String>>, WebError> {
    let Some(own) = authz::collector_scope(&user.actor) else { return Ok(None) };
    let infos = recobro_store::reports::customer_infos(conn, portfolio_id).await?;
    Ok(Some(infos.into_iter().filter(|info| info.collector.as_deref() == Some(own)).map(|info| info.external_ref).collect()))
}

// ---------------------------------------------------------------------------
// The legal page: proposals, incomplete files, referrals, report by firm
// ---------------------------------------------------------------------------

/// A transfer candidate as a table row.
struct CandidateRow {
    customer: String,
    name: String,
    collector: Option<String>,
    days_past_due: i64,
    balance: String,
    currency: String,
    missing: Vec<String>,
    referral_id: Option<i64>,
}

impl CandidateRow {
    fn new(tr: Translator, candidate: TransferCandidate) -> Self {
        Self {
            balance: tr.money(&candidate.balance_minor, candidate.currency.code()),
            currency: candidate.currency.code().to_string(),
            missing: candidate.missing.iter().map(|gap| super::files::gap_text(tr, gap)).collect(),
            customer: candidate.customer,
            name: candidate.name,
            collector: candidate.collector,
            days_past_due: candidate.days_past_due,
            referral_id: candidate.referral_id,
        }
    }
}

/// A referral as a table row.
struct ReferralRow {
    id: i64,
    customer: String,
    name: String,
    status_code: String,
    status: String,
    status_on: NaiveDate,
    firm: Option<String>,
    balance: String,
    recovered: String,
    currency: String,
}

impl ReferralRow {
    fn new(tr: Translator, referral: &Referral) -> Self {
        let currency = referral.currency.code();
        Self {
            id: referral.id,
            customer: referral.customer_ref.clone(),
            name: referral.customer_name.clone(),
            status_code: referral.status.clone(),
            status: tr.label("referral-status", &referral.status),
            status_on: referral.status_on,
            firm: referral.law_firm_name.clone(),
            balance: tr.money(&referral.balance_minor, currency),
            recovered: tr.money(&referral.recovered_minor, currency),
            currency: currency.to_string(),
        }
    }
}

/// One firm's line of the report, formatted.
struct FirmReportRow {
    firm: String,
    firm_name: String,
    currency: String,
    referrals: i64,
    open: i64,
    closed: i64,
    referred: String,
    recovered: String,
    fees: String,
    net_recovered: String,
    recovery_rate: String,
}

impl FirmReportRow {
    fn new(tr: Translator, line: &FirmReport) -> Self {
        let currency = line.currency.code();
        Self {
            firm: line.firm.clone(),
            firm_name: line.firm_name.clone(),
            currency: currency.to_string(),
            referrals: line.referrals,
            open: line.open,
            closed: line.closed,
            referred: tr.money(&line.referred_minor, currency),
            recovered: tr.money(&line.recovered_minor, currency),
            fees: tr.money(&line.fees_minor, currency),
            net_recovered: tr.money(&(line.recovered_minor - line.fees_minor), currency),
            recovery_rate: tr.decimal(&line.recovery_rate.round_dp(2).to_string()),
        }
    }
}

#[derive(Template)]
#[template(path = "legal.html")]
struct LegalPage {
    tr: Translator,
    layout: Layout,
    code: String,
    as_of: NaiveDate,
    /// The page's introduction, with the transfer threshold in days.
    intro: String,
    proposals: Vec<CandidateRow>,
    incomplete: Vec<CandidateRow>,
    referrals: Vec<ReferralRow>,
    /// Active firms with room for another referral: code and label.
    firms: Vec<(String, String)>,
    can_decide: bool,
    error: Option<String>,
    report: Vec<FirmReportRow>,
    /// The report chart's data as JSON, safe inside a script element.
    chart_json: String,
}

pub async fn page(State(state): State<AppState>, user: SignedIn, Path(code): Path<String>) -> PageResult {
    show_legal_page(&state, &user, &code, None).await
}

async fn show_legal_page(state: &AppState, user: &SignedIn, code: &str, error: Option<String>) -> PageResult {
    let tr = user.tr;
    let fail = |error| PageError::new(tr, error);
    let mut conn = state.store.acquire().await.map_err(|error| PageError::new(tr, error))?;
    let portfolio = case_portfolio(&mut conn, user, code).await?;
    let as_of = business_date(&mut conn, portfolio.id).await.map_err(fail)?;
    let own = own_customers(&mut conn, user, portfolio.id).await.map_err(fail)?;
    drop(conn);

    let report = app_legal::proposal_report(&state.store, code, as_of).await.map_err(|error| PageError::new(tr, internal(error)))?;
    let mut referrals = app_legal::list_referrals(&state.store, code, &[]).await.map_err(|error| PageError::new(tr, internal(error)))?;
    let firms = app_legal::list_firms(&state.store).await.map_err(|error| PageError::new(tr, internal(error)))?;
    let by_firm = app_legal::referrals_by_firm(&state.store, code).await.map_err(|error| PageError::new(tr, internal(error)))?;

    let visible = |customer: &str| own.as_ref().is_none_or(|own| own.contains(customer));
    let rows = |candidates: Vec<TransferCandidate>| candidates.into_iter().filter(|candidate| visible(&candidate.customer)).map(|candidate| CandidateRow::new(tr, candidate)).collect::<Vec<_>>();
    referrals.retain(|referral| visible(&referral.customer_ref));
    referrals.sort_by_key(|referral| std::cmp::Reverse(referral.id));

    let chart = serde_json::json!({
        "labels": by_firm.iter().map(|line| format!("{} ({})", line.firm_name, line.currency)).collect::<Vec<_>>(),
        "rates": by_firm.iter().map(|line| line.recovery_rate.round_dp(2).to_string()).collect::<Vec<_>>(),
        "title": tr.t("legal-report-rate"),
    });
    let layout = Layout::new(user, tr.t("legal-title"), Some(&portfolio), "legal");
    let page = LegalPage {
        tr,
        layout,
        code: code.to_string(),
        as_of,
        intro: tr.t_args("legal-intro", &[("days", report.min_days_past_due.to_string())]),
        proposals: rows(report.proposed),
        incomplete: rows(report.incomplete),
        referrals: referrals.iter().map(|referral| ReferralRow::new(tr, referral)).collect(),
        firms: usable_firms(&firms),
        can_decide: authz::allows(user.actor.role, Permission::DecideTransfers),
        error: error.clone(),
        report: by_firm.iter().map(|line| FirmReportRow::new(tr, line)).collect(),
        chart_json: script_json(&chart),
    };
    let mut response = render(tr, &page)?;
    if error.is_some() {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

/// Serializes JSON for a `<script type="application/json">` element: `<`
/// is escaped, so no text in it can close the element.
fn script_json(value: &serde_json::Value) -> String {
    value.to_string().replace('<', "\\u003c")
}

fn usable_firms(firms: &[LawFirm]) -> Vec<(String, String)> {
    firms.iter().filter(|firm| firm.active && firm.capacity.is_none_or(|capacity| firm.open_referrals < capacity)).map(|firm| (firm.code.clone(), format!("{} ({})", firm.name, firm.code))).collect()
}

#[derive(Deserialize)]
pub struct DecisionForm {
    csrf: Option<String>,
    decision: Option<String>,
    firm: Option<String>,
    reason: Option<String>,
}

/// Approves a proposal with a firm, or rejects it with a reason.
pub async fn decide(State(state): State<AppState>, user: SignedIn, Path((code, id)): Path<(String, i64)>, axum::Form(form): axum::Form<DecisionForm>) -> PageResult {
    let tr = user.tr;
    user.check_csrf(form.csrf.as_deref().unwrap_or_default()).map_err(|error| PageError::new(tr, error))?;
    authz::require(&user.actor, Permission::DecideTransfers).map_err(|error| PageError::new(tr, error))?;
    let mut conn = state.store.acquire().await.map_err(|error| PageError::new(tr, error))?;
    let portfolio = case_portfolio(&mut conn, &user, &code).await?;
    let on = business_date(&mut conn, portfolio.id).await.map_err(|error| PageError::new(tr, error))?;
    drop(conn);

    let by = &user.actor.username;
    let reason = non_empty(&form.reason);
    let outcome = match form.decision.as_deref() {
        Some("approve") => match non_empty(&form.firm) {
            None => return show_legal_page(&state, &user, &code, Some(tr.t("legal-error-no-firm"))).await,
            Some(firm) => app_legal::approve_transfer(&state.store, &code, id, &firm, by, on, reason.as_deref()).await.map(|referral| (referral, true)),
        },
        Some("reject") => match &reason {
            None => return show_legal_page(&state, &user, &code, Some(tr.t("legal-error-no-reason"))).await,
            Some(reason) => app_legal::reject_transfer(&state.store, &code, id, by, on, reason).await.map(|referral| (referral, false)),
        },
        _ => return Err(PageError::new(tr, WebError::BadRequest("decision must be approve or reject".into()))),
    };
    match outcome {
        Ok((referral, true)) => {
            tracing::info!(user = %by, referral = referral.id, firm = ?referral.law_firm_code, "legal transfer approved");
            Ok(Redirect::to(&format!("/p/{code}/legal/referrals/{id}")).into_response())
        }
        Ok((referral, false)) => {
            tracing::info!(user = %by, referral = referral.id, "legal transfer rejected");
            Ok(Redirect::to(&format!("/p/{code}/legal#referrals")).into_response())
        }
        Err(error) => {
            tracing::warn!(user = %user.actor.username, referral = id, %error, "legal transfer decision rejected");
            let message = transfer_error_text(tr, error).map_err(|error| PageError::new(tr, error))?;
            show_legal_page(&state, &user, &code, Some(message)).await
        }
    }
}

// ---------------------------------------------------------------------------
// A referral's page
// ---------------------------------------------------------------------------

struct EventRow {
    status: String,
    happened_on: NaiveDate,
    recorded_by: String,
    note: Option<String>,
    court_reference: Option<String>,
}

struct RecoveryRow {
    recovered_on: NaiveDate,
    amount: String,
    fee: String,
}

/// The values of the two forms of the referral page, as typed.
#[derive(Default)]
struct ReferralForms {
    status: String,
    on: String,
    court_reference: String,
    note: String,
    amount: String,
    recovered_on: String,
}

#[derive(Template)]
#[template(path = "referral.html")]
struct ReferralPage {
    tr: Translator,
    layout: Layout,
    code: String,
    referral: Referral,
    row: ReferralRow,
    fees: String,
    events: Vec<EventRow>,
    recoveries: Vec<RecoveryRow>,
    /// The states the referral may move to: code and label.
    next_statuses: Vec<(&'static str, String)>,
    can_follow: bool,
    can_record_recovery: bool,
    forms: ReferralForms,
    error: Option<String>,
    packet_name: Option<String>,
}

/// Loads a referral of the portfolio whose customer the user may see.
async fn visible_referral(state: &AppState, user: &SignedIn, code: &str, id: i64) -> Result<(Portfolio, app_legal::ReferralDetail), PageError> {
    let tr = user.tr;
    let mut conn = state.store.acquire().await.map_err(|error| PageError::new(tr, error))?;
    let portfolio = case_portfolio(&mut conn, user, code).await?;
    let detail = app_legal::referral_detail(&state.store, code, id).await.map_err(|error| PageError::new(tr, internal(error)))?;
    let (_, customer) =
        browse::find_customer(&mut conn, portfolio.id, &detail.referral.customer_ref).await.map_err(|error| PageError::new(tr, error))?.ok_or_else(|| PageError::new(tr, WebError::NotFound))?;
    authz::require_customer(&user.actor, customer.collector.as_deref()).map_err(|error| PageError::new(tr, error))?;
    Ok((portfolio, detail))
}

pub async fn referral(State(state): State<AppState>, user: SignedIn, Path((code, id)): Path<(String, i64)>) -> PageResult {
    show_referral(&state, &user, &code, id, None, None).await
}

async fn show_referral(state: &AppState, user: &SignedIn, code: &str, id: i64, forms: Option<ReferralForms>, error: Option<String>) -> PageResult {
    let tr = user.tr;
    let (portfolio, detail) = visible_referral(state, user, code, id).await?;
    let mut conn = state.store.acquire().await.map_err(|error| PageError::new(tr, error))?;
    let business = business_date(&mut conn, portfolio.id).await.map_err(|error| PageError::new(tr, error))?;
    drop(conn);

    let referral = detail.referral;
    let currency = referral.currency.code();
    let status = ReferralStatus::parse(&referral.status).ok();
    let next_statuses =
        status.map(|from| ReferralStatus::ALL.into_iter().filter(|to| from.check_move(*to).is_ok()).map(|to| (to.code(), tr.label("referral-status", to.code()))).collect()).unwrap_or_default();
    let default_date = business.max(referral.status_on).to_string();
    let forms = forms.unwrap_or_else(|| ReferralForms { on: default_date.clone(), recovered_on: default_date, ..ReferralForms::default() });
    let can_follow = authz::allows(user.actor.role, Permission::FollowReferrals);

    let layout = Layout::new(user, tr.t_args("referral-title", &[("id", referral.id.to_string())]), Some(&portfolio), "legal");
    let page = ReferralPage {
        tr,
        layout,
        code: code.to_string(),
        row: ReferralRow::new(tr, &referral),
        fees: tr.money(&referral.fees_minor, currency),
        events: detail
            .events
            .into_iter()
            .map(|event| EventRow {
                status: tr.label("referral-status", &event.status),
                happened_on: event.happened_on,
                recorded_by: event.recorded_by,
                note: event.note,
                court_reference: event.court_reference,
            })
            .collect(),
        recoveries: detail
            .recoveries
            .iter()
            .map(|recovery| RecoveryRow { recovered_on: recovery.recovered_on, amount: tr.money(&recovery.amount_minor, currency), fee: tr.money(&recovery.fee_minor, currency) })
            .collect(),
        next_statuses,
        can_follow,
        can_record_recovery: can_follow && status.is_some_and(|status| status.is_with_firm()),
        forms,
        packet_name: referral.packet_sha256.as_ref().map(|_| recobro_app::legal::packet::file_name(&referral)),
        error: error.clone(),
        referral,
    };
    let mut response = render(tr, &page)?;
    if error.is_some() {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

#[derive(Deserialize)]
pub struct StatusForm {
    csrf: Option<String>,
    status: Option<String>,
    on: Option<String>,
    court_reference: Option<String>,
    note: Option<String>,
}

/// Moves a referral to a later state at the firm.
pub async fn update(State(state): State<AppState>, user: SignedIn, Path((code, id)): Path<(String, i64)>, axum::Form(form): axum::Form<StatusForm>) -> PageResult {
    let tr = user.tr;
    user.check_csrf(form.csrf.as_deref().unwrap_or_default()).map_err(|error| PageError::new(tr, error))?;
    authz::require(&user.actor, Permission::FollowReferrals).map_err(|error| PageError::new(tr, error))?;
    visible_referral(&state, &user, &code, id).await?;

    let forms = ReferralForms {
        status: non_empty(&form.status).unwrap_or_default(),
        on: non_empty(&form.on).unwrap_or_default(),
        court_reference: non_empty(&form.court_reference).unwrap_or_default(),
        note: non_empty(&form.note).unwrap_or_default(),
        ..ReferralForms::default()
    };
    if forms.status.is_empty() {
        return show_referral(&state, &user, &code, id, Some(forms), Some(tr.t("referral-error-no-status"))).await;
    }
    let Ok(on) = recobro_core::parse_iso_date(&forms.on) else {
        let message = tr.t_args("referral-error-date", &[("value", forms.on.clone())]);
        return show_referral(&state, &user, &code, id, Some(forms), Some(message)).await;
    };
    let note = non_empty(&form.note);
    let court_reference = non_empty(&form.court_reference);
    match app_legal::update_referral(&state.store, &code, id, &forms.status, on, &user.actor.username, note.as_deref(), court_reference.as_deref()).await {
        Ok(referral) => {
            tracing::info!(user = %user.actor.username, referral = id, status = %referral.status, "legal referral updated");
            Ok(Redirect::to(&format!("/p/{code}/legal/referrals/{id}")).into_response())
        }
        Err(error) => {
            tracing::warn!(user = %user.actor.username, referral = id, %error, "legal referral update rejected");
            let message = transfer_error_text(tr, error).map_err(|error| PageError::new(tr, error))?;
            show_referral(&state, &user, &code, id, Some(forms), Some(message)).await
        }
    }
}

#[derive(Deserialize)]
pub struct RecoveryForm {
    csrf: Option<String>,
    amount: Option<String>,
    recovered_on: Option<String>,
}

/// Records an amount the firm recovered, entered as a payment.
pub async fn recovery(State(state): State<AppState>, user: SignedIn, Path((code, id)): Path<(String, i64)>, axum::Form(form): axum::Form<RecoveryForm>) -> PageResult {
    let tr = user.tr;
    user.check_csrf(form.csrf.as_deref().unwrap_or_default()).map_err(|error| PageError::new(tr, error))?;
    authz::require(&user.actor, Permission::FollowReferrals).map_err(|error| PageError::new(tr, error))?;
    visible_referral(&state, &user, &code, id).await?;

    let forms = ReferralForms { amount: non_empty(&form.amount).unwrap_or_default(), recovered_on: non_empty(&form.recovered_on).unwrap_or_default(), ..ReferralForms::default() };
    let amount = match parse_amount(&forms.amount, amount_format(tr)) {
        Ok(amount) if amount > rust_decimal::Decimal::ZERO => amount,
        _ => {
            let message = tr.t_args("referral-error-amount", &[("value", forms.amount.clone())]);
            return show_referral(&state, &user, &code, id, Some(forms), Some(message)).await;
        }
    };
    let Ok(on) = recobro_core::parse_iso_date(&forms.recovered_on) else {
        let message = tr.t_args("referral-error-date", &[("value", forms.recovered_on.clone())]);
        return show_referral(&state, &user, &code, id, Some(forms), Some(message)).await;
    };
    match app_legal::record_recovery(&state.store, &code, id, &amount.to_string(), on, &user.actor.username).await {
        Ok(outcome) => {
            tracing::info!(user = %user.actor.username, referral = id, payment = %outcome.payment_ref, amount_minor = outcome.amount_minor, "legal recovery recorded");
            Ok(Redirect::to(&format!("/p/{code}/legal/referrals/{id}")).into_response())
        }
        Err(error) => {
            tracing::warn!(user = %user.actor.username, referral = id, %error, "legal recovery rejected");
            let message = transfer_error_text(tr, error).map_err(|error| PageError::new(tr, error))?;
            show_referral(&state, &user, &code, id, Some(forms), Some(message)).await
        }
    }
}

/// Sends the case packet of an approved referral as a ZIP download.
pub async fn packet(State(state): State<AppState>, user: SignedIn, Path((code, id)): Path<(String, i64)>) -> Result<Response, PageError> {
    let tr = user.tr;
    let (_, detail) = visible_referral(&state, &user, &code, id).await?;
    if detail.referral.packet_sha256.is_none() {
        return Err(PageError::new(tr, WebError::NotFound));
    }
    let (file_name, content) = app_legal::referral_packet(&state.store, &code, id).await.map_err(|error| PageError::new(tr, internal(error)))?;
    Ok(file_uploads::attachment("application/zip", &file_name, content))
}
