//! Judicial collection: the law firm registry, the transfer proposals and
//! their decisions, the referrals' states and recoveries, and the case
//! packet.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use recobro_app::legal::{self as app_legal, FirmInput, TransferCandidate, TransferError};
use recobro_core::money::format_minor;
use recobro_store::legal::{LawFirm, Referral};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ApiResult, date_param, find_portfolio, find_visible_customer, json_body, query_params, required};
use crate::AppState;
use crate::auth::ApiCaller;
use crate::authz::{self, Actor, Permission};
use crate::error::{ApiError, ErrorEnvelope, WebError};
use crate::file_uploads;

fn transfer_error(error: TransferError) -> ApiError {
    match error {
        error @ (TransferError::UnknownPortfolio(_) | TransferError::UnknownFirm(_) | TransferError::UnknownReferral(_) | TransferError::UnknownUser(_)) => {
            ApiError::new(StatusCode::NOT_FOUND, "not-found", error.to_string())
        }
        error @ TransferError::NotAllowed { .. } => ApiError::new(StatusCode::FORBIDDEN, "forbidden", error.to_string()),
        error @ (TransferError::InactiveFirm(_) | TransferError::FirmFull { .. } | TransferError::WrongStatus { .. } | TransferError::IncompleteFile { .. }) => {
            ApiError::new(StatusCode::CONFLICT, "conflict", error.to_string())
        }
        TransferError::Invalid(message) => ApiError::bad_request(message),
        TransferError::Legal(error) => ApiError::bad_request(error.to_string()),
        TransferError::Store(error) => error.into(),
        other => WebError::Internal(other.to_string()).into(),
    }
}

// ---------------------------------------------------------------------------
// Law firms
// ---------------------------------------------------------------------------

#[derive(Debug, Serialize, ToSchema)]
pub struct FirmItem {
    code: String,
    name: String,
    contact_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    address: Option<String>,
    /// Percent of each recovery, as a decimal string.
    contingency_percent: String,
    /// Charged with a referral's first recovery, in `fee_currency`; null
    /// when the firm has no fee currency.
    fixed_fee: Option<String>,
    fee_currency: Option<String>,
    /// The maximum number of open referrals; null for no limit.
    capacity: Option<i64>,
    active: bool,
    open_referrals: i64,
}

impl From<&LawFirm> for FirmItem {
    fn from(firm: &LawFirm) -> Self {
        let fixed_fee = firm.fee_currency.as_deref().and_then(|code| recobro_core::Currency::parse(code).ok()).map(|currency| format_minor(firm.fixed_fee_minor, currency));
        Self {
            code: firm.code.clone(),
            name: firm.name.clone(),
            contact_name: firm.contact_name.clone(),
            email: firm.email.clone(),
            phone: firm.phone.clone(),
            address: firm.address.clone(),
            contingency_percent: firm.contingency_percent.clone(),
            fixed_fee,
            fee_currency: firm.fee_currency.clone(),
            capacity: firm.capacity,
            active: firm.active,
            open_referrals: firm.open_referrals,
        }
    }
}

/// Lists the law firms.
#[utoipa::path(get, path = "/law-firms", tag = "legal", responses((status = 200, description = "Every law firm", body = [FirmItem])))]
pub async fn list_firms(caller: ApiCaller, State(state): State<AppState>) -> ApiResult<Json<Vec<FirmItem>>> {
    authz::require(&caller.actor, Permission::ViewCases)?;
    let firms = app_legal::list_firms(&state.store).await.map_err(transfer_error)?;
    Ok(Json(firms.iter().map(FirmItem::from).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct FirmRequest {
    #[serde(default)]
    #[schema(required = true)]
    name: String,
    contact_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    address: Option<String>,
    /// Percent from 0 to 100 with a decimal point, such as "12.5".
    #[serde(default)]
    #[schema(required = true)]
    contingency_percent: String,
    /// Decimal string with a point; needs `fee_currency`.
    fixed_fee: Option<String>,
    /// ISO 4217 code.
    fee_currency: Option<String>,
    /// At least 1; absent for no limit.
    capacity: Option<i64>,
    /// True when absent.
    active: Option<bool>,
}

/// Adds a law firm, or replaces the details of the one with this code.
#[utoipa::path(
    put,
    path = "/law-firms/{code}",
    tag = "legal",
    params(("code" = String, Path, description = "The firm's code: letters, digits, - or _")),
    request_body = FirmRequest,
    description = "Collection managers and administrators only.",
    responses(
        (status = 200, description = "The saved firm", body = FirmItem),
        (status = 400, description = "A field is invalid", body = ErrorEnvelope),
    ),
)]
pub async fn save_firm(caller: ApiCaller, State(state): State<AppState>, Path(code): Path<String>, body: Result<Json<FirmRequest>, JsonRejection>) -> ApiResult<Json<FirmItem>> {
    authz::require(&caller.actor, Permission::DecideTransfers)?;
    let request = json_body(body)?;
    let input = FirmInput {
        code,
        name: request.name,
        contact_name: request.contact_name,
        email: request.email,
        phone: request.phone,
        address: request.address,
        contingency_percent: request.contingency_percent,
        fixed_fee: request.fixed_fee,
        fee_currency: request.fee_currency,
        capacity: request.capacity,
        active: request.active.unwrap_or(true),
    };
    let firm = app_legal::save_firm(&state.store, &input, &caller.actor.username).await.map_err(transfer_error)?;
    Ok(Json(FirmItem::from(&firm)))
}

// ---------------------------------------------------------------------------
// Proposals and decisions
// ---------------------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProposalQuery {
    /// Portfolio code.
    #[serde(default)]
    #[param(required = true)]
    portfolio: String,
    /// YYYY-MM-DD; the date of the latest daily run when absent.
    #[param(format = Date)]
    as_of: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GapItem {
    /// missing or expired.
    reason: String,
    kind: String,
    expired_on: Option<NaiveDate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateItem {
    customer: String,
    name: String,
    collector: Option<String>,
    days_past_due: i64,
    oldest_due_date: Option<NaiveDate>,
    balance: String,
    currency: String,
    /// The gaps of the legal file; empty when it is complete.
    missing: Vec<GapItem>,
    /// The referral to approve or reject, once the daily run proposed it.
    referral_id: Option<i64>,
    referral_status: Option<String>,
}

impl From<TransferCandidate> for CandidateItem {
    fn from(candidate: TransferCandidate) -> Self {
        let missing = candidate
            .missing
            .iter()
            .map(|gap| match gap {
                recobro_core::customer_file::FileGap::Missing { kind } => GapItem { reason: "missing".into(), kind: kind.code().into(), expired_on: None },
                recobro_core::customer_file::FileGap::Expired { kind, expired_on } => GapItem { reason: "expired".into(), kind: kind.code().into(), expired_on: Some(*expired_on) },
            })
            .collect();
        Self {
            customer: candidate.customer,
            name: candidate.name,
            collector: candidate.collector,
            days_past_due: candidate.days_past_due,
            oldest_due_date: candidate.oldest_due_date,
            balance: candidate.balance,
            currency: candidate.currency.code().to_string(),
            missing,
            referral_id: candidate.referral_id,
            referral_status: candidate.referral_status,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalList {
    portfolio: String,
    as_of: NaiveDate,
    /// The days past due after which a case is a candidate.
    min_days_past_due: i64,
    /// Candidates with a complete file: proposed, or to be proposed by the next run.
    proposed: Vec<CandidateItem>,
    /// Candidates whose file is incomplete, with what is missing.
    incomplete: Vec<CandidateItem>,
    /// Candidates whose case is already with a law firm.
    with_firm: Vec<CandidateItem>,
}

/// Lists the judicial transfer candidates split by what they wait for.
#[utoipa::path(
    get,
    path = "/legal/proposals",
    tag = "legal",
    params(ProposalQuery),
    responses(
        (status = 200, description = "The proposals; a collector gets only their own customers", body = ProposalList),
        (status = 400, description = "A parameter is invalid", body = ErrorEnvelope),
        (status = 404, description = "Unknown portfolio", body = ErrorEnvelope),
    ),
)]
pub async fn proposals(caller: ApiCaller, State(state): State<AppState>, query: Result<Query<ProposalQuery>, QueryRejection>) -> ApiResult<Json<ProposalList>> {
    authz::require(&caller.actor, Permission::ViewCases)?;
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
    let report = app_legal::proposal_report(&state.store, code, as_of).await.map_err(transfer_error)?;
    let own = authz::collector_scope(&caller.actor);
    let items = |candidates: Vec<TransferCandidate>| candidates.into_iter().filter(|candidate| own.is_none() || candidate.collector.as_deref() == own).map(CandidateItem::from).collect();
    Ok(Json(ProposalList {
        portfolio: report.portfolio,
        as_of: report.as_of,
        min_days_past_due: report.min_days_past_due,
        proposed: items(report.proposed),
        incomplete: items(report.incomplete),
        with_firm: items(report.with_firm),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralItem {
    id: i64,
    customer: String,
    customer_name: String,
    /// proposed, rejected, prepared, sent, accepted, filed, judgment, recovering or closed.
    status: String,
    /// The date of the latest state.
    status_on: NaiveDate,
    proposed_on: NaiveDate,
    days_past_due: i64,
    /// The balance when referred.
    balance: String,
    currency: String,
    law_firm: Option<String>,
    decided_by: Option<String>,
    decided_on: Option<NaiveDate>,
    decision_reason: Option<String>,
    court_reference: Option<String>,
    recovered: String,
    fees: String,
    /// Whether the case packet can be downloaded.
    has_packet: bool,
}

impl From<&Referral> for ReferralItem {
    fn from(referral: &Referral) -> Self {
        let money = |minor: i64| format_minor(minor, referral.currency);
        Self {
            id: referral.id,
            customer: referral.customer_ref.clone(),
            customer_name: referral.customer_name.clone(),
            status: referral.status.clone(),
            status_on: referral.status_on,
            proposed_on: referral.proposed_on,
            days_past_due: referral.days_past_due,
            balance: money(referral.balance_minor),
            currency: referral.currency.code().to_string(),
            law_firm: referral.law_firm_code.clone(),
            decided_by: referral.decided_by.clone(),
            decided_on: referral.decided_on,
            decision_reason: referral.decision_reason.clone(),
            court_reference: referral.court_reference.clone(),
            recovered: money(referral.recovered_minor),
            fees: money(referral.fees_minor),
            has_packet: referral.packet_sha256.is_some(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TransferDecision {
    /// Portfolio code.
    #[serde(default)]
    #[schema(required = true)]
    portfolio: String,
    /// approve or reject.
    #[serde(default)]
    #[schema(required = true)]
    decision: String,
    /// The law firm's code; required to approve.
    firm: Option<String>,
    /// Why; required to reject.
    reason: Option<String>,
    /// Decision date, YYYY-MM-DD; the date of the latest daily run when absent.
    #[schema(format = Date)]
    date: Option<String>,
}

/// Finds a referral whose customer the caller may see.
async fn visible_referral(state: &AppState, actor: &Actor, code: &str, id: i64) -> ApiResult<(i64, Referral)> {
    let detail = app_legal::referral_detail(&state.store, code, id).await.map_err(transfer_error)?;
    let mut conn = state.store.acquire().await?;
    let portfolio = find_portfolio(&mut conn, code).await?;
    find_visible_customer(&mut conn, actor, &portfolio, &detail.referral.customer_ref).await?;
    Ok((portfolio.id, detail.referral))
}

/// Returns the requested date, or the business date when there is none.
async fn date_or_business(state: &AppState, portfolio_id: i64, date: Option<&str>) -> ApiResult<NaiveDate> {
    match date_param(date, "date")? {
        Some(date) => Ok(date),
        None => {
            let mut conn = state.store.acquire().await?;
            Ok(crate::pages::business_date(&mut conn, portfolio_id).await?)
        }
    }
}

/// Approves a proposed transfer with a law firm, which builds the case
/// packet, or rejects it with a reason.
#[utoipa::path(
    post,
    path = "/legal/referrals/{id}/decision",
    tag = "legal",
    params(("id" = i64, Path, description = "The referral's number")),
    request_body = TransferDecision,
    description = "Collection managers and administrators only. Approval needs an active firm with room and a complete legal file.",
    responses(
        (status = 200, description = "The decided referral", body = ReferralItem),
        (status = 400, description = "The body is invalid, an approval has no firm, or a rejection has no reason", body = ErrorEnvelope),
        (status = 404, description = "Unknown portfolio, referral or firm", body = ErrorEnvelope),
        (status = 409, description = "The referral is not proposed, the firm is inactive or full, or the file is incomplete", body = ErrorEnvelope),
    ),
)]
pub async fn decide(caller: ApiCaller, State(state): State<AppState>, Path(id): Path<i64>, body: Result<Json<TransferDecision>, JsonRejection>) -> ApiResult<Json<ReferralItem>> {
    authz::require(&caller.actor, Permission::DecideTransfers)?;
    let request = json_body(body)?;
    let code = required(&request.portfolio, "portfolio")?;
    let (portfolio_id, _) = visible_referral(&state, &caller.actor, code, id).await?;
    let on = date_or_business(&state, portfolio_id, request.date.as_deref()).await?;
    let reason = request.reason.as_deref().map(str::trim).filter(|reason| !reason.is_empty());
    let by = &caller.actor.username;
    let referral = match request.decision.trim() {
        "approve" => {
            let firm = request.firm.as_deref().map(str::trim).filter(|firm| !firm.is_empty()).ok_or_else(|| ApiError::bad_request("firm is required to approve"))?;
            app_legal::approve_transfer(&state.store, code, id, firm, by, on, reason).await
        }
        "reject" => app_legal::reject_transfer(&state.store, code, id, by, on, reason.unwrap_or_default()).await,
        other => return Err(ApiError::bad_request(format!("invalid decision {other:?}: expected approve or reject"))),
    }
    .map_err(transfer_error)?;
    Ok(Json(ReferralItem::from(&referral)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReferralQuery {
    /// Portfolio code.
    #[serde(default)]
    #[param(required = true)]
    portfolio: String,
    /// Only referrals in this state.
    status: Option<String>,
}

/// Lists the referrals of a portfolio, newest first.
#[utoipa::path(
    get,
    path = "/legal/referrals",
    tag = "legal",
    params(ReferralQuery),
    responses(
        (status = 200, description = "The referrals; a collector gets only their own customers'", body = [ReferralItem]),
        (status = 400, description = "A parameter is invalid", body = ErrorEnvelope),
        (status = 404, description = "Unknown portfolio", body = ErrorEnvelope),
    ),
)]
pub async fn list_referrals(caller: ApiCaller, State(state): State<AppState>, query: Result<Query<ReferralQuery>, QueryRejection>) -> ApiResult<Json<Vec<ReferralItem>>> {
    authz::require(&caller.actor, Permission::ViewCases)?;
    let query = query_params(query)?;
    let code = required(&query.portfolio, "portfolio")?;
    let statuses: Vec<&str> = query.status.as_deref().map(str::trim).filter(|status| !status.is_empty()).into_iter().collect();
    let mut referrals = app_legal::list_referrals(&state.store, code, &statuses).await.map_err(transfer_error)?;
    if let Some(own) = authz::collector_scope(&caller.actor) {
        let mut conn = state.store.acquire().await?;
        let portfolio = find_portfolio(&mut conn, code).await?;
        let infos = recobro_store::reports::customer_infos(&mut conn, portfolio.id).await?;
        let mine: std::collections::HashSet<String> = infos.into_iter().filter(|info| info.collector.as_deref() == Some(own)).map(|info| info.external_ref).collect();
        referrals.retain(|referral| mine.contains(&referral.customer_ref));
    }
    referrals.sort_by_key(|referral| std::cmp::Reverse(referral.id));
    Ok(Json(referrals.iter().map(ReferralItem::from).collect()))
}

// ---------------------------------------------------------------------------
// The referral at the firm
// ---------------------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
pub struct StatusRequest {
    /// Portfolio code.
    #[serde(default)]
    #[schema(required = true)]
    portfolio: String,
    /// sent, accepted, filed, judgment, recovering or closed; later than the current state.
    #[serde(default)]
    #[schema(required = true)]
    status: String,
    /// When it happened, YYYY-MM-DD; the date of the latest daily run when absent.
    #[schema(format = Date)]
    date: Option<String>,
    court_reference: Option<String>,
    note: Option<String>,
}

/// Moves a referral to a later state at the firm.
#[utoipa::path(
    post,
    path = "/legal/referrals/{id}/status",
    tag = "legal",
    params(("id" = i64, Path, description = "The referral's number")),
    request_body = StatusRequest,
    description = "Collection managers, administrators and legal staff.",
    responses(
        (status = 200, description = "The moved referral", body = ReferralItem),
        (status = 400, description = "The body is invalid, the move goes back, or the date is before the current state's", body = ErrorEnvelope),
        (status = 404, description = "Unknown portfolio or referral", body = ErrorEnvelope),
        (status = 409, description = "The referral changed state meanwhile", body = ErrorEnvelope),
    ),
)]
pub async fn update_status(caller: ApiCaller, State(state): State<AppState>, Path(id): Path<i64>, body: Result<Json<StatusRequest>, JsonRejection>) -> ApiResult<Json<ReferralItem>> {
    authz::require(&caller.actor, Permission::FollowReferrals)?;
    let request = json_body(body)?;
    let code = required(&request.portfolio, "portfolio")?;
    let status = required(&request.status, "status")?;
    let (portfolio_id, _) = visible_referral(&state, &caller.actor, code, id).await?;
    let on = date_or_business(&state, portfolio_id, request.date.as_deref()).await?;
    let referral = app_legal::update_referral(&state.store, code, id, status, on, &caller.actor.username, request.note.as_deref(), request.court_reference.as_deref()).await.map_err(transfer_error)?;
    Ok(Json(ReferralItem::from(&referral)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RecoveryRequest {
    /// Portfolio code.
    #[serde(default)]
    #[schema(required = true)]
    portfolio: String,
    /// Decimal string with a point, in the referral's currency, such as "1500.00".
    #[serde(default)]
    #[schema(required = true)]
    amount: String,
    /// YYYY-MM-DD; the date of the latest daily run when absent.
    #[schema(format = Date)]
    date: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecoveryItem {
    referral: ReferralItem,
    /// The reference of the payment entered in the ledger.
    payment: String,
    amount: String,
    /// The firm's fee on this recovery.
    fee: String,
    /// The part applied to open documents, oldest due first.
    allocated: String,
    /// The part left unapplied.
    unapplied: String,
}

/// Records an amount the firm recovered. It enters the ledger as a payment
/// of the customer, which lowers the balance.
#[utoipa::path(
    post,
    path = "/legal/referrals/{id}/recoveries",
    tag = "legal",
    params(("id" = i64, Path, description = "The referral's number")),
    request_body = RecoveryRequest,
    description = "Collection managers, administrators and legal staff.",
    responses(
        (status = 201, description = "The recovery", body = RecoveryItem),
        (status = 400, description = "The body is invalid or the amount is not above zero", body = ErrorEnvelope),
        (status = 404, description = "Unknown portfolio or referral", body = ErrorEnvelope),
        (status = 409, description = "The referral is not with a firm", body = ErrorEnvelope),
    ),
)]
pub async fn record_recovery(caller: ApiCaller, State(state): State<AppState>, Path(id): Path<i64>, body: Result<Json<RecoveryRequest>, JsonRejection>) -> ApiResult<(StatusCode, Json<RecoveryItem>)> {
    authz::require(&caller.actor, Permission::FollowReferrals)?;
    let request = json_body(body)?;
    let code = required(&request.portfolio, "portfolio")?;
    let amount = required(&request.amount, "amount")?;
    let (portfolio_id, _) = visible_referral(&state, &caller.actor, code, id).await?;
    let on = date_or_business(&state, portfolio_id, request.date.as_deref()).await?;
    let outcome = app_legal::record_recovery(&state.store, code, id, amount, on, &caller.actor.username).await.map_err(transfer_error)?;
    let currency = outcome.referral.currency;
    let item = RecoveryItem {
        referral: ReferralItem::from(&outcome.referral),
        payment: outcome.payment_ref,
        amount: format_minor(outcome.amount_minor, currency),
        fee: format_minor(outcome.fee_minor, currency),
        allocated: format_minor(outcome.allocated_minor, currency),
        unapplied: format_minor(outcome.unapplied_minor, currency),
    };
    Ok((StatusCode::CREATED, Json(item)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PacketQuery {
    /// Portfolio code.
    #[serde(default)]
    #[param(required = true)]
    portfolio: String,
}

/// Downloads the case packet of an approved referral.
#[utoipa::path(
    get,
    path = "/legal/referrals/{id}/packet",
    tag = "legal",
    params(("id" = i64, Path, description = "The referral's number"), PacketQuery),
    responses(
        (status = 200, description = "The ZIP archive: README, statement PDF, open items, action history, the customer's file and letters", content_type = "application/zip"),
        (status = 404, description = "Unknown portfolio or referral", body = ErrorEnvelope),
        (status = 409, description = "The referral has no packet until approved", body = ErrorEnvelope),
    ),
)]
pub async fn packet(caller: ApiCaller, State(state): State<AppState>, Path(id): Path<i64>, query: Result<Query<PacketQuery>, QueryRejection>) -> ApiResult<Response> {
    authz::require(&caller.actor, Permission::ViewCases)?;
    let query = query_params(query)?;
    let code = required(&query.portfolio, "portfolio")?;
    visible_referral(&state, &caller.actor, code, id).await?;
    let (file_name, content) = app_legal::referral_packet(&state.store, code, id).await.map_err(transfer_error)?;
    Ok(file_uploads::attachment("application/zip", &file_name, content))
}
