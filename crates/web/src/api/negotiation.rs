//! Payment plans, settlement offers and write-offs: a customer's list,
//! plan proposals with a preview, and the decisions of managers and
//! administrators.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use recobro_app::negotiation::plans::{self, PlanRequest};
use recobro_app::negotiation::settlements::{self, OfferRequest, WaiverAmount};
use recobro_app::negotiation::write_offs;
use recobro_app::statement::{StatementError, statement_of};
use recobro_app::negotiation::{NegotiationError, Negotiator};
use recobro_core::number::{NumberFormat, parse_amount};
use recobro_core::plan::{Frequency, InterestMethod};
use recobro_core::money::format_minor;
use recobro_store::negotiation::{self as stored, OfferRecord, PlanRecord, WriteOffRecord};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::customers::CustomerQuery;
use super::{ApiResult, date_param, find_portfolio, find_visible_customer, json_body, query_params, required, required_date};
use crate::AppState;
use crate::auth::ApiCaller;
use crate::authz::{self, Actor, Permission};
use crate::error::{ApiError, ErrorEnvelope, WebError};

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanItem {
    /// Null in a preview, which is not saved.
    id: Option<i64>,
    customer: String,
    /// proposed, rejected, active, completed, broken or cancelled.
    status: String,
    refinancing: bool,
    /// The open balance the plan covers, down payment included.
    total: String,
    down_payment: String,
    financed: String,
    interest: String,
    currency: String,
    installment_count: i64,
    /// monthly, biweekly or weekly.
    frequency: String,
    first_due_on: NaiveDate,
    /// Annual rate in percent, as a decimal string.
    annual_rate: String,
    /// french or flat.
    interest_method: String,
    grace_days: i64,
    agreed_on: NaiveDate,
    proposed_by: String,
    decided_by: Option<String>,
    decided_on: Option<NaiveDate>,
    decision_reason: Option<String>,
}

impl From<&PlanRecord> for PlanItem {
    fn from(plan: &PlanRecord) -> Self {
        let money = |minor: i64| format_minor(minor, plan.currency);
        Self {
            id: (plan.id != 0).then_some(plan.id),
            customer: plan.customer_ref.clone(),
            status: plan.status.clone(),
            refinancing: plan.refinancing,
            total: money(plan.total_minor),
            down_payment: money(plan.down_payment_minor),
            financed: money(plan.financed_minor),
            interest: money(plan.interest_minor),
            currency: plan.currency.code().to_string(),
            installment_count: plan.installment_count,
            frequency: plan.frequency.clone(),
            first_due_on: plan.first_due_on,
            annual_rate: plan.annual_rate.clone(),
            interest_method: plan.interest_method.clone(),
            grace_days: plan.grace_days,
            agreed_on: plan.agreed_on,
            proposed_by: plan.proposed_by.clone(),
            decided_by: plan.decided_by.clone(),
            decided_on: plan.decided_on,
            decision_reason: plan.decision_reason.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OfferItem {
    id: i64,
    customer: String,
    /// pending_approval, approved, rejected, paid, expired or cancelled.
    status: String,
    principal: String,
    interest: String,
    fees: String,
    interest_waiver: String,
    principal_discount: String,
    /// The amount the customer pays by `pay_by` to settle.
    lump_sum: String,
    currency: String,
    offered_on: NaiveDate,
    pay_by: NaiveDate,
    /// The lowest role that may approve it: collector, manager or director.
    required_role: String,
    proposed_by: String,
    decided_by: Option<String>,
    decided_on: Option<NaiveDate>,
    decision_reason: Option<String>,
}

impl From<&OfferRecord> for OfferItem {
    fn from(offer: &OfferRecord) -> Self {
        let money = |minor: i64| format_minor(minor, offer.currency);
        Self {
            id: offer.id,
            customer: offer.customer_ref.clone(),
            status: offer.status.clone(),
            principal: money(offer.principal_minor),
            interest: money(offer.interest_minor),
            fees: money(offer.fees_minor),
            interest_waiver: money(offer.interest_waiver_minor),
            principal_discount: money(offer.principal_discount_minor),
            lump_sum: money(offer.lump_sum_minor),
            currency: offer.currency.code().to_string(),
            offered_on: offer.offered_on,
            pay_by: offer.pay_by,
            required_role: offer.required_role.clone(),
            proposed_by: offer.proposed_by.clone(),
            decided_by: offer.decided_by.clone(),
            decided_on: offer.decided_on,
            decision_reason: offer.decision_reason.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WriteOffItem {
    id: i64,
    customer: String,
    /// pending_approval, approved or rejected.
    status: String,
    amount: String,
    currency: String,
    reason: String,
    requested_by: String,
    requested_on: NaiveDate,
    decided_by: Option<String>,
    decided_on: Option<NaiveDate>,
    decision_reason: Option<String>,
    /// Payments received after the approval, up to the amount written off.
    recovered: String,
}

impl From<&WriteOffRecord> for WriteOffItem {
    fn from(record: &WriteOffRecord) -> Self {
        Self {
            id: record.id,
            customer: record.customer_ref.clone(),
            status: record.status.clone(),
            amount: format_minor(record.amount_minor, record.currency),
            currency: record.currency.code().to_string(),
            reason: record.reason.clone(),
            requested_by: record.requested_by.clone(),
            requested_on: record.requested_on,
            decided_by: record.decided_by.clone(),
            decided_on: record.decided_on,
            decision_reason: record.decision_reason.clone(),
            recovered: format_minor(record.recovered_minor, record.currency),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NegotiationList {
    /// Newest first.
    plans: Vec<PlanItem>,
    /// Newest first.
    offers: Vec<OfferItem>,
    /// Newest first.
    write_offs: Vec<WriteOffItem>,
}

/// Lists a customer's payment plans, settlement offers and write-offs.
#[utoipa::path(
    get,
    path = "/negotiations",
    tag = "negotiation",
    params(CustomerQuery),
    responses(
        (status = 200, description = "The customer's plans, offers and write-offs", body = NegotiationList),
        (status = 400, description = "A parameter is missing", body = ErrorEnvelope),
        (status = 404, description = "Unknown portfolio or customer", body = ErrorEnvelope),
    ),
)]
pub async fn list_negotiations(caller: ApiCaller, State(state): State<AppState>, query: Result<Query<CustomerQuery>, QueryRejection>) -> ApiResult<Json<NegotiationList>> {
    authz::require(&caller.actor, Permission::ViewPortfolio)?;
    let query = query_params(query)?;
    let code = required(&query.portfolio, "portfolio")?;
    let reference = required(&query.customer, "customer")?;
    let mut conn = state.store.acquire().await?;
    let portfolio = find_portfolio(&mut conn, code).await?;
    let (customer_id, _) = find_visible_customer(&mut conn, &caller.actor, &portfolio, reference).await?;

    let plans = stored::list_plans(&mut conn, portfolio.id, Some(customer_id), &[]).await?;
    let offers = stored::list_offers(&mut conn, portfolio.id, Some(customer_id), &[]).await?;
    let write_offs = stored::list_write_offs(&mut conn, portfolio.id, Some(customer_id)).await?;
    Ok(Json(NegotiationList {
        plans: plans.iter().map(PlanItem::from).collect(),
        offers: offers.iter().map(OfferItem::from).collect(),
        write_offs: write_offs.iter().map(WriteOffItem::from).collect(),
    }))
}

/// A payment plan to compute, and to save unless `preview` is set.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PlanProposalRequest {
    /// Portfolio code.
    #[serde(default)]
    #[schema(required = true)]
    portfolio: String,
    /// The customer's reference.
    #[serde(default)]
    #[schema(required = true)]
    customer: String,
    /// Installments after the down payment, 1 to 360.
    #[schema(required = true, minimum = 1, maximum = 360)]
    installments: u32,
    /// monthly, biweekly (every 14 days) or weekly.
    #[serde(default)]
    #[schema(required = true)]
    frequency: String,
    /// Due date of the first installment, YYYY-MM-DD.
    #[serde(default)]
    #[schema(required = true, format = Date)]
    first_due: String,
    /// Down payment due on the agreement date, a decimal string with a point such as "500.00".
    down_payment: Option<String>,
    /// Annual interest in percent, a decimal string such as "12.5"; zero when absent.
    rate: Option<String>,
    /// french (equal installments, the default) or flat.
    method: Option<String>,
    /// Days after a due date before a missed installment breaks the plan; 5 when absent.
    grace_days: Option<u32>,
    /// Replace the covered documents by one debit note per installment.
    #[serde(default)]
    refinancing: bool,
    /// Agreement date, YYYY-MM-DD; the date of the portfolio's latest daily run when absent.
    #[schema(format = Date)]
    agreed_on: Option<String>,
    /// Compute the schedule without saving it.
    #[serde(default)]
    preview: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InstallmentItem {
    /// 0 for the down payment, then 1 to n.
    number: u32,
    due_on: NaiveDate,
    principal: String,
    interest: String,
    amount: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanProposalResponse {
    plan: PlanItem,
    installments: Vec<InstallmentItem>,
    /// The lowest role whose limits allow the plan: collector, manager or director.
    required_role: String,
    /// The caller's limits that the plan exceeds: too_many_installments,
    /// down_payment_too_small, term_too_long or installment_too_small.
    /// Empty when the plan takes effect at once.
    breaches: Vec<String>,
    /// Numbers of the documents the plan covers.
    documents: Vec<String>,
}

/// Proposes a payment plan for a customer's open, undisputed documents.
/// Within the caller's limits it takes effect at once; beyond them it waits
/// for approval. With `preview` nothing is saved.
#[utoipa::path(
    post,
    path = "/plans",
    tag = "negotiation",
    request_body = PlanProposalRequest,
    responses(
        (status = 200, description = "The preview, not saved", body = PlanProposalResponse),
        (status = 201, description = "The saved plan: active, or proposed for approval", body = PlanProposalResponse),
        (status = 400, description = "The body is invalid, or the plan cannot be built", body = ErrorEnvelope),
        (status = 404, description = "Unknown portfolio or customer", body = ErrorEnvelope),
        (status = 415, description = "The body is not JSON", body = ErrorEnvelope),
    ),
)]
pub async fn propose_plan(caller: ApiCaller, State(state): State<AppState>, body: Result<Json<PlanProposalRequest>, JsonRejection>) -> ApiResult<(StatusCode, Json<PlanProposalResponse>)> {
    authz::require(&caller.actor, Permission::Negotiate)?;
    let request = json_body(body)?;
    let code = required(&request.portfolio, "portfolio")?;
    let reference = required(&request.customer, "customer")?;
    let by = negotiator(&caller.actor)?;

    let mut tx = state.store.begin().await?;
    let portfolio = find_portfolio(&mut tx, code).await?;
    let (_, customer) = find_visible_customer(&mut tx, &caller.actor, &portfolio, reference).await?;
    let agreed_on = match date_param(request.agreed_on.as_deref(), "agreed_on")? {
        Some(date) => date,
        None => crate::pages::business_date(&mut tx, portfolio.id).await?,
    };
    let plan_request = PlanRequest {
        portfolio: portfolio.code.clone(),
        customer_ref: customer.external_ref.clone(),
        installments: request.installments,
        frequency: Frequency::from_code(request.frequency.trim())
            .ok_or_else(|| ApiError::bad_request(format!("invalid frequency {:?}: expected monthly, biweekly or weekly", request.frequency)))?,
        first_due: required_date(&request.first_due, "first_due")?,
        down_payment: decimal_field(request.down_payment.as_deref(), "down_payment")?,
        rate: decimal_field(request.rate.as_deref(), "rate")?,
        interest_method: match request.method.as_deref().map(str::trim) {
            None | Some("") => InterestMethod::French,
            Some(text) => InterestMethod::from_code(text).ok_or_else(|| ApiError::bad_request(format!("invalid method {text:?}: expected french or flat")))?,
        },
        grace_days: request.grace_days.unwrap_or(plans::DEFAULT_GRACE_DAYS),
        agreed_on,
        refinancing: request.refinancing,
    };

    let proposal = plans::propose_plan(&mut tx, &plan_request, &by, !request.preview).await.map_err(negotiation_error)?;
    let status = if request.preview {
        StatusCode::OK
    } else {
        tx.commit().await.map_err(|error| WebError::from(recobro_store::StoreError::from(error)))?;
        tracing::info!(user = %caller.actor.username, portfolio = %code, plan = proposal.plan.id, status = %proposal.plan.status, "payment plan proposed through the API");
        StatusCode::CREATED
    };
    let currency = proposal.schedule.currency;
    let money = |minor: i64| format_minor(minor, currency);
    let response = PlanProposalResponse {
        plan: PlanItem::from(&proposal.plan),
        installments: proposal
            .schedule
            .installments
            .iter()
            .map(|installment| InstallmentItem {
                number: installment.number,
                due_on: installment.due_date,
                principal: money(installment.principal_minor),
                interest: money(installment.interest_minor),
                amount: money(installment.amount_minor),
            })
            .collect(),
        required_role: proposal.required_role.code().to_string(),
        breaches: proposal.breaches.iter().map(|breach| breach.code().to_string()).collect(),
        documents: proposal.documents.iter().map(|document| document.number.clone()).collect(),
    };
    Ok((status, Json(response)))
}

/// A settlement offer to make: a lump sum by a date for waiving interest
/// and, within the approver's limits, part of the principal.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OfferProposalRequest {
    /// Portfolio code.
    #[serde(default)]
    #[schema(required = true)]
    portfolio: String,
    /// The customer's reference.
    #[serde(default)]
    #[schema(required = true)]
    customer: String,
    /// Late interest owed, a decimal string such as "80.00". When absent,
    /// the interest of the customer's late-interest statement as of the
    /// offer date.
    interest_owed: Option<String>,
    /// Fees owed, a decimal string; when absent, the fees of the statement,
    /// or zero when `interest_owed` is given.
    fees_owed: Option<String>,
    /// The interest to waive: an amount such as "40.00", or a percent of the
    /// interest owed such as "40%".
    #[serde(default)]
    #[schema(required = true)]
    waiver: String,
    /// Principal discount, a decimal string; zero when absent.
    principal_discount: Option<String>,
    /// The last day the lump sum may arrive, YYYY-MM-DD.
    #[serde(default)]
    #[schema(required = true, format = Date)]
    pay_by: String,
    /// Offer date, YYYY-MM-DD; the date of the portfolio's latest daily run
    /// when absent.
    #[schema(format = Date)]
    offered_on: Option<String>,
}

/// Makes a settlement offer on a customer's open, undisputed balance. An
/// offer within the caller's authority under the portfolio's approval
/// limits is approved at once. Any other waits for the lowest role that may
/// approve it.
#[utoipa::path(
    post,
    path = "/settlements",
    tag = "negotiation",
    request_body = OfferProposalRequest,
    responses(
        (status = 201, description = "The stored offer: approved, or pending approval", body = OfferItem),
        (status = 400, description = "The body is invalid, or the amounts make no settlement; `details` lists every invalid field", body = ErrorEnvelope),
        (status = 404, description = "Unknown portfolio or customer", body = ErrorEnvelope),
        (status = 415, description = "The body is not JSON", body = ErrorEnvelope),
    ),
)]
pub async fn make_offer(caller: ApiCaller, State(state): State<AppState>, body: Result<Json<OfferProposalRequest>, JsonRejection>) -> ApiResult<(StatusCode, Json<OfferItem>)> {
    authz::require(&caller.actor, Permission::Negotiate)?;
    let request = json_body(body)?;
    let code = required(&request.portfolio, "portfolio")?;
    let reference = required(&request.customer, "customer")?;
    let by = negotiator(&caller.actor)?;

    let mut problems = Problems::default();
    let interest_owed = problems.check(decimal_field(request.interest_owed.as_deref(), "interest_owed"));
    let fees_owed = problems.check(decimal_field(request.fees_owed.as_deref(), "fees_owed"));
    let principal_discount = problems.check(decimal_field(request.principal_discount.as_deref(), "principal_discount"));
    let waiver = match request.waiver.trim() {
        "" => {
            problems.add("waiver is required: an amount such as 40.00 or a percent such as 40%".to_string());
            None
        }
        text => problems.check(WaiverAmount::parse(text).map_err(|message| ApiError::bad_request(format!("invalid waiver: {message}")))),
    };
    let pay_by = problems.check(required_date(&request.pay_by, "pay_by"));
    let offered_on = problems.check(date_param(request.offered_on.as_deref(), "offered_on"));
    problems.into_result("the offer is invalid and was not stored")?;

    let mut tx = state.store.begin().await?;
    let portfolio = find_portfolio(&mut tx, code).await?;
    let (customer_id, customer) = find_visible_customer(&mut tx, &caller.actor, &portfolio, reference).await?;
    let offered_on = match offered_on.flatten() {
        Some(date) => date,
        None => crate::pages::business_date(&mut tx, portfolio.id).await?,
    };
    let (interest_owed, fees_owed) = match interest_owed.flatten() {
        Some(interest) => (interest, fees_owed.flatten().unwrap_or(Decimal::ZERO)),
        None => {
            let currency = recobro_core::Currency::parse(&customer.currency).unwrap_or(portfolio.currency);
            let (interest, fees) = statement_owed(&mut tx, &portfolio, customer_id, &customer, currency, offered_on).await?;
            (interest, fees_owed.flatten().unwrap_or(fees))
        }
    };
    let offer_request = OfferRequest {
        portfolio: portfolio.code.clone(),
        customer_ref: customer.external_ref.clone(),
        interest_owed,
        fees_owed,
        interest_waiver: waiver.ok_or_else(|| ApiError::bad_request("waiver is required"))?,
        principal_discount: principal_discount.flatten().unwrap_or(Decimal::ZERO),
        offered_on,
        pay_by: pay_by.ok_or_else(|| ApiError::bad_request("pay_by is required"))?,
    };
    let offer = settlements::make_offer(&mut tx, &offer_request, &by).await.map_err(negotiation_error)?;
    tx.commit().await.map_err(|error| WebError::from(recobro_store::StoreError::from(error)))?;
    tracing::info!(user = %caller.actor.username, portfolio = %code, offer = offer.id, status = %offer.status, "settlement offer made through the API");
    Ok((StatusCode::CREATED, Json(OfferItem::from(&offer))))
}

/// Returns the interest and the fees owed in `currency` on `as_of`, as
/// major-unit decimals, from the customer's late-interest statement.
async fn statement_owed(
    conn: &mut recobro_store::Conn,
    portfolio: &recobro_store::portfolio::Portfolio,
    customer_id: i64,
    customer: &recobro_store::ledger::CustomerData,
    currency: recobro_core::Currency,
    as_of: NaiveDate,
) -> ApiResult<(Decimal, Decimal)> {
    let statement = match statement_of(conn, portfolio.clone(), customer_id, customer.clone(), as_of).await {
        Ok(statement) => statement,
        Err(StatementError::Store(error)) => return Err(error.into()),
        Err(error) => return Err(ApiError::bad_request(format!("interest_owed is required because the late-interest statement could not be computed: {error}"))),
    };
    let (interest_minor, fees_minor) = statement.totals.iter().find(|totals| totals.currency == currency).map_or((0, 0), |totals| (totals.interest_minor, totals.fees_minor));
    let major = |minor: i64| recobro_core::Money::new(minor, currency).to_decimal();
    Ok((major(interest_minor), major(fees_minor)))
}

/// A write-off to request.
#[derive(Debug, Deserialize, ToSchema)]
pub struct WriteOffRequest {
    /// Portfolio code.
    #[serde(default)]
    #[schema(required = true)]
    portfolio: String,
    /// The customer's reference.
    #[serde(default)]
    #[schema(required = true)]
    customer: String,
    /// The amount to write off, a decimal string such as "300.00", at most
    /// the customer's open, undisputed balance.
    #[serde(default)]
    #[schema(required = true)]
    amount: String,
    /// The reason the balance is uncollectable.
    #[serde(default)]
    #[schema(required = true)]
    reason: String,
    /// Request date, YYYY-MM-DD; the date of the portfolio's latest daily
    /// run when absent.
    #[schema(format = Date)]
    requested_on: Option<String>,
}

/// Requests the write-off of part or all of a customer's open, undisputed
/// balance. It waits for a manager's or an administrator's approval.
#[utoipa::path(
    post,
    path = "/write-offs",
    tag = "negotiation",
    request_body = WriteOffRequest,
    responses(
        (status = 201, description = "The stored request, pending approval", body = WriteOffItem),
        (status = 400, description = "The body is invalid, or the amount is beyond the open balance; `details` lists every invalid field", body = ErrorEnvelope),
        (status = 404, description = "Unknown portfolio or customer", body = ErrorEnvelope),
        (status = 415, description = "The body is not JSON", body = ErrorEnvelope),
    ),
)]
pub async fn request_write_off(caller: ApiCaller, State(state): State<AppState>, body: Result<Json<WriteOffRequest>, JsonRejection>) -> ApiResult<(StatusCode, Json<WriteOffItem>)> {
    authz::require(&caller.actor, Permission::Negotiate)?;
    let request = json_body(body)?;
    let code = required(&request.portfolio, "portfolio")?;
    let reference = required(&request.customer, "customer")?;
    let by = negotiator(&caller.actor)?;

    let mut problems = Problems::default();
    let amount = match request.amount.trim() {
        "" => {
            problems.add("amount is required: a decimal number with a point, such as 300.00".to_string());
            None
        }
        text => problems.check(decimal_field(Some(text), "amount")).flatten(),
    };
    if let Some(value) = amount.filter(|value| *value <= Decimal::ZERO) {
        problems.add(format!("invalid amount {value}: expected more than zero"));
    }
    let reason = request.reason.trim();
    if reason.is_empty() {
        problems.add("reason is required: say why the balance is uncollectable".to_string());
    }
    let requested_on = problems.check(date_param(request.requested_on.as_deref(), "requested_on"));
    problems.into_result("the write-off is invalid and was not stored")?;

    let mut tx = state.store.begin().await?;
    let portfolio = find_portfolio(&mut tx, code).await?;
    let (_, customer) = find_visible_customer(&mut tx, &caller.actor, &portfolio, reference).await?;
    let on = match requested_on.flatten() {
        Some(date) => date,
        None => crate::pages::business_date(&mut tx, portfolio.id).await?,
    };
    let amount = amount.ok_or_else(|| ApiError::bad_request("amount is required"))?;
    let record = write_offs::request_write_off(&mut tx, &portfolio.code, &customer.external_ref, amount, reason, &by, on).await.map_err(negotiation_error)?;
    tx.commit().await.map_err(|error| WebError::from(recobro_store::StoreError::from(error)))?;
    tracing::info!(user = %caller.actor.username, portfolio = %code, write_off = record.id, "write-off requested through the API");
    Ok((StatusCode::CREATED, Json(WriteOffItem::from(&record))))
}

/// The invalid fields of a request body, collected so that one response
/// names them all.
#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    fn add(&mut self, message: String) {
        self.0.push(message);
    }

    /// Keeps the value of a valid field, or records its message.
    fn check<T>(&mut self, result: ApiResult<T>) -> Option<T> {
        result.map_err(|error| self.0.push(error.message)).ok()
    }

    /// Returns a 400 error listing every problem, when there is any.
    fn into_result(self, summary: &str) -> ApiResult<()> {
        match self.0.len() {
            0 => Ok(()),
            1 => Err(ApiError::bad_request(self.0[0].clone()).with_details(self.0)),
            count => Err(ApiError::bad_request(format!("{summary} ({count} problems)")).with_details(self.0)),
        }
    }
}

/// Parses an optional decimal string written with a point.
fn decimal_field(value: Option<&str>, name: &str) -> ApiResult<Option<Decimal>> {
    let Some(text) = value.map(str::trim).filter(|text| !text.is_empty()) else { return Ok(None) };
    parse_amount(text, NumberFormat { decimal: '.', thousands: None })
        .map(Some)
        .map_err(|_| ApiError::bad_request(format!("invalid {name} {text:?}: expected a decimal number with a point, such as 500.00")))
}

/// The approval or rejection of a plan, offer or write-off.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DecisionRequest {
    /// Portfolio code.
    #[serde(default)]
    #[schema(required = true)]
    portfolio: String,
    /// approve or reject.
    #[serde(default)]
    #[schema(required = true)]
    decision: String,
    /// Why; required to reject.
    reason: Option<String>,
    /// Decision date, YYYY-MM-DD; the date of the portfolio's latest daily
    /// run when absent, or the proposal's date when that is later.
    #[schema(format = Date)]
    date: Option<String>,
}

/// A decision request, checked.
struct CheckedDecision {
    code: String,
    portfolio_id: i64,
    approve: bool,
    reason: Option<String>,
    date: Option<NaiveDate>,
}

/// Checks the role, then the body of a decision.
async fn check_decision(state: &AppState, caller: &ApiCaller, body: Result<Json<DecisionRequest>, JsonRejection>) -> ApiResult<CheckedDecision> {
    authz::require(&caller.actor, Permission::ApproveNegotiation)?;
    let request = json_body(body)?;
    let code = required(&request.portfolio, "portfolio")?.to_string();
    let approve = match request.decision.trim() {
        "approve" => true,
        "reject" => false,
        other => return Err(ApiError::bad_request(format!("invalid decision {other:?}: expected approve or reject"))),
    };
    let reason = request.reason.as_deref().map(str::trim).filter(|reason| !reason.is_empty()).map(str::to_string);
    let date = date_param(request.date.as_deref(), "date")?;
    let mut conn = state.store.acquire().await?;
    let portfolio_id = find_portfolio(&mut conn, &code).await?.id;
    Ok(CheckedDecision { code, portfolio_id, approve, reason, date })
}

impl CheckedDecision {
    /// Returns the decision date: the one requested, else the business
    /// date but never before the proposal, which the negotiation layer
    /// rejects.
    async fn date(&self, conn: &mut recobro_store::Conn, proposed_on: NaiveDate) -> ApiResult<NaiveDate> {
        match self.date {
            Some(date) => Ok(date),
            None => Ok(crate::pages::business_date(conn, self.portfolio_id).await?.max(proposed_on)),
        }
    }
}

/// Approves or rejects a proposed payment plan. Approval takes effect at
/// once and needs a role whose limits allow the plan.
#[utoipa::path(
    post,
    path = "/plans/{id}/decision",
    tag = "negotiation",
    params(("id" = i64, Path, description = "The plan's number")),
    request_body = DecisionRequest,
    responses(
        (status = 200, description = "The decided plan", body = PlanItem),
        (status = 400, description = "The body is invalid, or a rejection has no reason", body = ErrorEnvelope),
        (status = 404, description = "Unknown portfolio or plan", body = ErrorEnvelope),
        (status = 409, description = "The plan is not proposed", body = ErrorEnvelope),
    ),
)]
pub async fn decide_plan(caller: ApiCaller, State(state): State<AppState>, Path(id): Path<i64>, body: Result<Json<DecisionRequest>, JsonRejection>) -> ApiResult<Json<PlanItem>> {
    let decision = check_decision(&state, &caller, body).await?;
    let by = negotiator(&caller.actor)?;
    let mut tx = state.store.begin().await?;
    let plan = stored::find_plan(&mut tx, decision.portfolio_id, id).await?.ok_or_else(|| record_not_found("plan", id))?;
    find_visible_record_customer(&mut tx, &caller.actor, &decision.code, &plan.customer_ref).await?;
    let on = decision.date(&mut tx, plan.agreed_on).await?;
    let plan = plans::decide_plan(&mut tx, &decision.code, id, &by, decision.approve, on, decision.reason.as_deref()).await.map_err(negotiation_error)?;
    tx.commit().await.map_err(|error| WebError::from(recobro_store::StoreError::from(error)))?;
    Ok(Json(PlanItem::from(&plan)))
}

/// Approves or rejects a settlement offer pending approval. Approval needs
/// a role whose waiver authority covers the offer.
#[utoipa::path(
    post,
    path = "/settlements/{id}/decision",
    tag = "negotiation",
    params(("id" = i64, Path, description = "The offer's number")),
    request_body = DecisionRequest,
    responses(
        (status = 200, description = "The decided offer", body = OfferItem),
        (status = 400, description = "The body is invalid, or a rejection has no reason", body = ErrorEnvelope),
        (status = 404, description = "Unknown portfolio or offer", body = ErrorEnvelope),
        (status = 409, description = "The offer is not pending approval", body = ErrorEnvelope),
    ),
)]
pub async fn decide_offer(caller: ApiCaller, State(state): State<AppState>, Path(id): Path<i64>, body: Result<Json<DecisionRequest>, JsonRejection>) -> ApiResult<Json<OfferItem>> {
    let decision = check_decision(&state, &caller, body).await?;
    let by = negotiator(&caller.actor)?;
    let mut tx = state.store.begin().await?;
    let offer = stored::find_offer(&mut tx, decision.portfolio_id, id).await?.ok_or_else(|| record_not_found("settlement offer", id))?;
    find_visible_record_customer(&mut tx, &caller.actor, &decision.code, &offer.customer_ref).await?;
    let on = decision.date(&mut tx, offer.offered_on).await?;
    let offer = settlements::decide_offer(&mut tx, &decision.code, id, &by, decision.approve, on, decision.reason.as_deref()).await.map_err(negotiation_error)?;
    tx.commit().await.map_err(|error| WebError::from(recobro_store::StoreError::from(error)))?;
    Ok(Json(OfferItem::from(&offer)))
}

/// Approves or rejects a pending write-off. Approval closes the amount
/// against the customer's oldest open documents.
#[utoipa::path(
    post,
    path = "/write-offs/{id}/decision",
    tag = "negotiation",
    params(("id" = i64, Path, description = "The write-off's number")),
    request_body = DecisionRequest,
    responses(
        (status = 200, description = "The decided write-off", body = WriteOffItem),
        (status = 400, description = "The body is invalid, or a rejection has no reason", body = ErrorEnvelope),
        (status = 404, description = "Unknown portfolio or write-off", body = ErrorEnvelope),
        (status = 409, description = "The write-off is not pending approval", body = ErrorEnvelope),
    ),
)]
pub async fn decide_write_off(caller: ApiCaller, State(state): State<AppState>, Path(id): Path<i64>, body: Result<Json<DecisionRequest>, JsonRejection>) -> ApiResult<Json<WriteOffItem>> {
    let decision = check_decision(&state, &caller, body).await?;
    let by = negotiator(&caller.actor)?;
    let mut tx = state.store.begin().await?;
    let record = stored::find_write_off(&mut tx, decision.portfolio_id, id).await?.ok_or_else(|| record_not_found("write-off", id))?;
    find_visible_record_customer(&mut tx, &caller.actor, &decision.code, &record.customer_ref).await?;
    let on = decision.date(&mut tx, record.requested_on).await?;
    let record = write_offs::decide_write_off(&mut tx, &decision.code, id, &by, decision.approve, on, decision.reason.as_deref()).await.map_err(negotiation_error)?;
    tx.commit().await.map_err(|error| WebError::from(recobro_store::StoreError::from(error)))?;
    Ok(Json(WriteOffItem::from(&record)))
}

fn negotiator(actor: &Actor) -> ApiResult<Negotiator> {
    Negotiator::from_user_role(&actor.username, actor.role.code()).map_err(|_| ApiError::from(WebError::Forbidden))
}

async fn find_visible_record_customer(conn: &mut recobro_store::Conn, actor: &Actor, code: &str, reference: &str) -> ApiResult<()> {
    let portfolio = find_portfolio(conn, code).await?;
    find_visible_customer(conn, actor, &portfolio, reference).await.map(|_| ())
}

fn record_not_found(kind: &str, id: i64) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not-found", format!("{kind} {id} not found in this portfolio"))
}

/// Maps the negotiation layer's errors to the envelope: invalid terms 400,
/// beyond the caller's authority 403, a record already decided 409.
fn negotiation_error(error: NegotiationError) -> ApiError {
    match error {
        NegotiationError::Invalid(message) => ApiError::bad_request(message),
        error @ NegotiationError::BeyondAuthority { .. } => ApiError::new(StatusCode::FORBIDDEN, "forbidden", error.to_string()),
        error @ (NegotiationError::RoleMayNotNegotiate { .. } | NegotiationError::NotProposer { .. }) => ApiError::new(StatusCode::FORBIDDEN, "forbidden", error.to_string()),
        error @ (NegotiationError::WrongStatus { .. } | NegotiationError::OpenOfferExists { .. }) => ApiError::new(StatusCode::CONFLICT, "conflict", error.to_string()),
        error @ (NegotiationError::NotFound { .. } | NegotiationError::UnknownPortfolio(_) | NegotiationError::UnknownCustomer(_) | NegotiationError::UnknownUser(_)) => {
            ApiError::new(StatusCode::NOT_FOUND, "not-found", error.to_string())
        }
        NegotiationError::Store(error) => ApiError::from(error),
    }
}
