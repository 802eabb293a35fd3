//! Customers, their documents, payments and collection actions.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use recobro_core::Currency;
use recobro_core::number::NumberFormat;
use recobro_store::browse::{self, CustomerFilter, CustomerSort, DateCursor, DocumentCursor};
use recobro_store::cases::{CaseRecord, CaseStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ApiResult, amount, find_portfolio, find_visible_customer, json_body, optional_amount, query_params, required};
use crate::AppState;
use crate::actions::{self, ACTION_KINDS, ActionField, ActionInput, ActionProblem, OUTCOMES};
use crate::auth::ApiCaller;
use crate::authz::{self, Permission};
use crate::error::{ApiError, ErrorEnvelope};

const DEFAULT_PAGE_SIZE: i64 = 50;
const MAX_PAGE_SIZE: i64 = 500;

/// Rows per page of a customer's documents, payments or actions when the
/// request gives no `limit`.
const DEFAULT_DETAIL_PAGE_SIZE: i64 = 100;
/// The largest `limit` of those lists.
const MAX_DETAIL_PAGE_SIZE: i64 = 1000;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CustomerListQuery {
    /// Portfolio code.
    #[serde(default)]
    #[param(required = true)]
    portfolio: String,
    /// Part of the name or reference, matched without regard to case.
    search: Option<String>,
    /// Policy stage of the open case, such as `problem_case`.
    stage: Option<String>,
    /// Username of the assigned collector. A collector may name only themselves.
    collector: Option<String>,
    segment: Option<String>,
    /// Days past due of the open case: `current`, `1-30`, `31-60`, `61-90`, `91-120` or `121+`.
    bucket: Option<String>,
    /// `days_past_due` (the default) or `balance`, largest first; `name` or `reference`, A to Z.
    sort: Option<String>,
    /// The `next_after` of the previous page.
    after: Option<String>,
    /// Customers per page, 1 to 500; 50 when absent.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    limit: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerListItem {
    /// The customer's reference in the source system.
    reference: String,
    name: String,
    segment: Option<String>,
    /// Username of the assigned collector.
    collector: Option<String>,
    /// Relationship status: active, watch, credit_hold or do_not_continue.
    status: String,
    /// Policy stage of the open case, as the latest daily run left it.
    stage: Option<String>,
    days_past_due: i64,
    overdue: String,
    balance: String,
    currency: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerListPage {
    items: Vec<CustomerListItem>,
    /// Pass as `after` for the next page; null on the last page.
    next_after: Option<String>,
}

/// Lists the customers the caller may see, with keyset paging.
#[utoipa::path(
    get,
    path = "/customers",
    tag = "customers",
    params(CustomerListQuery),
    responses(
        (status = 200, description = "One page of customers", body = CustomerListPage),
        (status = 400, description = "A parameter is invalid", body = ErrorEnvelope),
        (status = 404, description = "Unknown portfolio", body = ErrorEnvelope),
    ),
)]
pub async fn list_customers(caller: ApiCaller, State(state): State<AppState>, query: Result<Query<CustomerListQuery>, QueryRejection>) -> ApiResult<Json<CustomerListPage>> {
    authz::require(&caller.actor, Permission::ViewPortfolio)?;
    let query = query_params(query)?;
    let code = required(&query.portfolio, "portfolio")?;
    let non_empty = |value: &Option<String>| value.as_deref().map(str::trim).filter(|value| !value.is_empty()).map(str::to_string);

    let sort = match non_empty(&query.sort) {
        None => CustomerSort::DaysPastDue,
        Some(text) => CustomerSort::parse(&text).ok_or_else(|| ApiError::bad_request(format!("invalid sort {text:?}: expected days_past_due, balance, name or reference")))?,
    };
    let days_past_due = match non_empty(&query.bucket) {
        None => None,
        Some(text) => Some(browse::bucket_bounds(&text).ok_or_else(|| ApiError::bad_request(format!("invalid bucket {text:?}: expected one of {}", browse::BUCKETS.join(", "))))?),
    };
    let cursor = match non_empty(&query.after) {
        None => None,
        Some(text) => Some(browse::parse_cursor(sort, &text).ok_or_else(|| ApiError::bad_request(format!("invalid after {text:?}: pass the next_after of the previous page with the same sort")))?),
    };
    let limit = match non_empty(&query.limit) {
        None => DEFAULT_PAGE_SIZE,
        Some(text) => text
            .parse::<i64>()
            .ok()
            .filter(|limit| (1..=MAX_PAGE_SIZE).contains(limit))
            .ok_or_else(|| ApiError::bad_request(format!("invalid limit {text:?}: expected a whole number from 1 to {MAX_PAGE_SIZE}")))?,
    };
    let requested_collector = non_empty(&query.collector);
    if let Some(collector) = &requested_collector {
        authz::require_customer(&caller.actor, Some(collector))?;
    }
    let filter = CustomerFilter {
        search: non_empty(&query.search),
        stage: non_empty(&query.stage),
        collector: authz::collector_scope(&caller.actor).map(str::to_string).or(requested_collector),
        segment: non_empty(&query.segment),
        days_past_due,
    };

    let mut conn = state.store.acquire().await?;
    let portfolio = find_portfolio(&mut conn, code).await?;
    let mut rows = browse::list_customers(&mut conn, portfolio.id, &filter, sort, cursor.as_ref(), limit + 1).await?;
    let has_more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_after = if has_more { rows.last().map(|row| browse::cursor_text(sort, row)) } else { None };

    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        items.push(CustomerListItem {
            overdue: amount(row.overdue_minor, &row.currency)?,
            balance: amount(row.balance_minor, &row.currency)?,
            reference: row.external_ref,
            name: row.name,
            segment: row.segment,
            collector: row.collector,
            status: row.status,
            stage: row.stage,
            days_past_due: row.days_past_due,
            currency: row.currency,
        });
    }
    Ok(Json(CustomerListPage { items, next_after }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PortfolioQuery {
    /// Portfolio code.
    #[serde(default)]
    #[param(required = true)]
    portfolio: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseItem {
    /// Policy stage, such as `problem_case`.
    stage: Option<String>,
    stage_entered_on: Option<NaiveDate>,
    /// Due date of the oldest unpaid, undisputed document.
    oldest_due_date: Option<NaiveDate>,
    days_past_due: i64,
    overdue: String,
    balance: String,
    currency: String,
    disputed: String,
    next_action_kind: Option<String>,
    next_action_on: Option<NaiveDate>,
}

impl CaseItem {
    fn from_record(case: CaseRecord) -> ApiResult<Self> {
        Ok(Self {
            overdue: amount(case.overdue_minor, &case.currency)?,
            balance: amount(case.balance_minor, &case.currency)?,
            disputed: amount(case.disputed_minor, &case.currency)?,
            stage: case.stage,
            stage_entered_on: case.stage_entered_on,
            oldest_due_date: case.oldest_due_date,
            days_past_due: case.days_past_due,
            currency: case.currency,
            next_action_kind: case.next_action_kind,
            next_action_on: case.next_action_on,
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerDetail {
    reference: String,
    name: String,
    tax_id: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    /// The customer's language for letters, `es` or `en`.
    language: Option<String>,
    segment: Option<String>,
    region: Option<String>,
    preferred_channel: Option<String>,
    credit_limit: Option<String>,
    currency: String,
    collector: Option<String>,
    /// Relationship status: active, watch, credit_hold or do_not_continue.
    status: String,
    /// The open collection case, as the latest daily run left it.
    case: Option<CaseItem>,
}

/// Shows a customer with its open collection case.
#[utoipa::path(
    get,
    path = "/customers/{reference}",
    tag = "customers",
    params(("reference" = String, Path, description = "The customer's reference"), PortfolioQuery),
    responses(
        (status = 200, description = "The customer", body = CustomerDetail),
        (status = 400, description = "The portfolio parameter is missing", body = ErrorEnvelope),
        (status = 404, description = "Unknown portfolio or customer", body = ErrorEnvelope),
    ),
)]
pub async fn show_customer(
    caller: ApiCaller,
    State(state): State<AppState>,
    Path(reference): Path<String>,
    query: Result<Query<PortfolioQuery>, QueryRejection>,
) -> ApiResult<Json<CustomerDetail>> {
    authz::require(&caller.actor, Permission::ViewPortfolio)?;
    let query = query_params(query)?;
    let code = required(&query.portfolio, "portfolio")?;
    let mut conn = state.store.acquire().await?;
    let portfolio = find_portfolio(&mut conn, code).await?;
    let (customer_id, customer) = find_visible_customer(&mut conn, &caller.actor, &portfolio, &reference).await?;
    let case = browse::customer_case(&mut conn, customer_id).await?.filter(|case| case.status == CaseStatus::Open);

    Ok(Json(CustomerDetail {
        credit_limit: optional_amount(customer.credit_limit_minor, &customer.currency)?,
        case: case.map(CaseItem::from_record).transpose()?,
        reference: customer.external_ref,
        name: customer.name,
        tax_id: customer.tax_id,
        email: customer.email,
        phone: customer.phone,
        language: customer.language,
        segment: customer.segment,
        region: customer.region,
        preferred_channel: customer.preferred_channel,
        currency: customer.currency,
        collector: customer.collector,
        status: customer.status,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CustomerQuery {
    /// Portfolio code.
    #[serde(default)]
    #[param(required = true)]
    pub(super) portfolio: String,
    /// The customer's reference.
    #[serde(default)]
    #[param(required = true)]
    pub(super) customer: String,
}

/// The parameters of one page of a customer's documents, payments or actions.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CustomerPageQuery {
    /// Portfolio code.
    #[serde(default)]
    #[param(required = true)]
    portfolio: String,
    /// The customer's reference.
    #[serde(default)]
    #[param(required = true)]
    customer: String,
    /// The `next_after` of the previous page.
    after: Option<String>,
    /// Rows per page, 1 to 1000, or 100 when absent.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
}

impl CustomerPageQuery {
    /// Checks the parameters and finds the customer the caller may see.
    /// Returns the customer's id and the page size.
    async fn resolve(&self, state: &AppState, caller: &ApiCaller) -> ApiResult<(i64, i64)> {
        let code = required(&self.portfolio, "portfolio")?;
        let reference = required(&self.customer, "customer")?;
        let limit = match self.limit.as_deref().map(str::trim).filter(|text| !text.is_empty()) {
            None => DEFAULT_DETAIL_PAGE_SIZE,
            Some(text) => text
                .parse::<i64>()
                .ok()
                .filter(|limit| (1..=MAX_DETAIL_PAGE_SIZE).contains(limit))
                .ok_or_else(|| ApiError::bad_request(format!("invalid limit {text:?}: expected a whole number from 1 to {MAX_DETAIL_PAGE_SIZE}")))?,
        };
        let mut conn = state.store.acquire().await?;
        let portfolio = find_portfolio(&mut conn, code).await?;
        let (customer_id, _) = find_visible_customer(&mut conn, &caller.actor, &portfolio, reference).await?;
        Ok((customer_id, limit))
    }

    /// Decodes `after` with `parse`, the decoder of the list's cursors.
    fn cursor<Cursor>(&self, parse: fn(&str) -> Option<Cursor>) -> ApiResult<Option<Cursor>> {
        match self.after.as_deref().map(str::trim).filter(|text| !text.is_empty()) {
            None => Ok(None),
            Some(text) => parse(text).map(Some).ok_or_else(|| ApiError::bad_request(format!("invalid after {text:?}: pass the next_after of the previous page"))),
        }
    }
}

/// Keeps the first `limit` of `rows`, which were read with one row more
/// than `limit`, and returns the cursor after the last kept row when the
/// extra row shows that another page follows.
fn split_page<Row>(rows: &mut Vec<Row>, limit: i64, cursor_text: impl Fn(&Row) -> String) -> Option<String> {
    let has_more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    if has_more { rows.last().map(cursor_text) } else { None }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentItem {
    number: String,
    /// invoice, debit_note or credit_note.
    kind: String,
    issue_date: NaiveDate,
    due_date: NaiveDate,
    amount: String,
    /// The amount less the allocations made so far.
    open: String,
    currency: String,
    settled_on: Option<NaiveDate>,
    /// Whether an open dispute covers the document.
    disputed: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentPage {
    items: Vec<DocumentItem>,
    /// The cursor to pass as `after` for the next page, or null on the last page.
    next_after: Option<String>,
}

/// Lists a customer's documents, open ones first, then by due date, with keyset paging.
#[utoipa::path(
    get,
    path = "/documents",
    tag = "customers",
    params(CustomerPageQuery),
    description = "A document that is settled or reopened between two requests moves between the open and the settled part of the list, so the pages may then miss or repeat it.",
    responses(
        (status = 200, description = "One page of the customer's documents", body = DocumentPage),
        (status = 400, description = "A parameter is missing or invalid", body = ErrorEnvelope),
        (status = 404, description = "Unknown portfolio or customer", body = ErrorEnvelope),
    ),
)]
pub async fn list_documents(caller: ApiCaller, State(state): State<AppState>, query: Result<Query<CustomerPageQuery>, QueryRejection>) -> ApiResult<Json<DocumentPage>> {
    authz::require(&caller.actor, Permission::ViewPortfolio)?;
    let query = query_params(query)?;
    let cursor = query.cursor(DocumentCursor::parse)?;
    let (customer_id, limit) = query.resolve(&state, &caller).await?;
    let mut conn = state.store.acquire().await?;
    let mut rows = browse::customer_documents_after(&mut conn, customer_id, cursor.as_ref(), limit + 1).await?;
    let next_after = split_page(&mut rows, limit, |row| DocumentCursor::after(row).text());
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        items.push(DocumentItem {
            amount: amount(row.amount_minor, &row.currency)?,
            open: amount(row.open_minor, &row.currency)?,
            number: row.number,
            kind: row.kind,
            issue_date: row.issue_date,
            due_date: row.due_date,
            currency: row.currency,
            settled_on: row.settled_on,
            disputed: row.disputed,
        });
    }
    Ok(Json(DocumentPage { items, next_after }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AllocationItem {
    /// Number of the document the amount was applied to.
    document: String,
    amount: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentItem {
    reference: String,
    paid_on: NaiveDate,
    amount: String,
    /// The part not applied to any document.
    unapplied: String,
    currency: String,
    allocations: Vec<AllocationItem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentPage {
    items: Vec<PaymentItem>,
    /// The cursor to pass as `after` for the next page, or null on the last page.
    next_after: Option<String>,
}

/// Lists a customer's payments, latest first, with their allocations and keyset paging.
#[utoipa::path(
    get,
    path = "/payments",
    tag = "customers",
    params(CustomerPageQuery),
    responses(
        (status = 200, description = "One page of the customer's payments", body = PaymentPage),
        (status = 400, description = "A parameter is missing or invalid", body = ErrorEnvelope),
        (status = 404, description = "Unknown portfolio or customer", body = ErrorEnvelope),
    ),
)]
pub async fn list_payments(caller: ApiCaller, State(state): State<AppState>, query: Result<Query<CustomerPageQuery>, QueryRejection>) -> ApiResult<Json<PaymentPage>> {
    authz::require(&caller.actor, Permission::ViewPortfolio)?;
    let query = query_params(query)?;
    let cursor = query.cursor(DateCursor::parse)?;
    let (customer_id, limit) = query.resolve(&state, &caller).await?;
    let mut conn = state.store.acquire().await?;
    let mut rows = browse::customer_payments_after(&mut conn, customer_id, cursor.as_ref(), limit + 1).await?;
    let next_after = split_page(&mut rows, limit, |row| DateCursor { date: row.paid_on, id: row.id }.text());
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let mut allocations = Vec::with_capacity(row.allocations.len());
        for (document, minor) in &row.allocations {
            allocations.push(AllocationItem { document: document.clone(), amount: amount(*minor, &row.currency)? });
        }
        items.push(PaymentItem {
            amount: amount(row.amount_minor, &row.currency)?,
            unapplied: amount(row.unapplied_minor, &row.currency)?,
            reference: row.external_ref,
            paid_on: row.paid_on,
            currency: row.currency,
            allocations,
        });
    }
    Ok(Json(PaymentPage { items, next_after }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActionItem {
    date: NaiveDate,
    /// call, email, letter, sms, visit, note or legal_update.
    kind: String,
    /// contact, no_contact, promise_to_pay, refused, dispute, wrong_number or paid.
    outcome: Option<String>,
    /// Username of who recorded it, or the collector named by an import.
    collector: Option<String>,
    notes: Option<String>,
    next_action_kind: Option<String>,
    next_action_on: Option<NaiveDate>,
    promise_amount: Option<String>,
    promise_currency: Option<String>,
    promise_on: Option<NaiveDate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActionPage {
    items: Vec<ActionItem>,
    /// The cursor to pass as `after` for the next page, or null on the last page.
    next_after: Option<String>,
}

/// Lists a customer's collection actions, latest first, with keyset paging.
#[utoipa::path(
    get,
    path = "/actions",
    tag = "customers",
    params(CustomerPageQuery),
    responses(
        (status = 200, description = "One page of the customer's collection actions", body = ActionPage),
        (status = 400, description = "A parameter is missing or invalid", body = ErrorEnvelope),
        (status = 404, description = "Unknown portfolio or customer", body = ErrorEnvelope),
    ),
)]
pub async fn list_actions(caller: ApiCaller, State(state): State<AppState>, query: Result<Query<CustomerPageQuery>, QueryRejection>) -> ApiResult<Json<ActionPage>> {
    authz::require(&caller.actor, Permission::ViewPortfolio)?;
    let query = query_params(query)?;
    let cursor = query.cursor(DateCursor::parse)?;
    let (customer_id, limit) = query.resolve(&state, &caller).await?;
    let mut conn = state.store.acquire().await?;
    let mut rows = browse::customer_actions_after(&mut conn, customer_id, cursor.as_ref(), limit + 1).await?;
    let next_after = split_page(&mut rows, limit, |row| DateCursor { date: row.action_on, id: row.id }.text());
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let promise_amount = match (&row.promise_amount_minor, &row.promise_currency) {
            (Some(minor), Some(currency)) => Some(amount(*minor, currency)?),
            _ => None,
        };
        items.push(ActionItem {
            date: row.action_on,
            kind: row.kind,
            outcome: row.outcome,
            collector: row.collector,
            notes: row.notes,
            next_action_kind: row.next_action_kind,
            next_action_on: row.next_action_on,
            promise_amount,
            promise_currency: row.promise_currency,
            promise_on: row.promise_on,
        });
    }
    Ok(Json(ActionPage { items, next_after }))
}

/// A collection action to record. The rules are those of the action form:
/// a promise to pay needs `promise_amount` and `promise_on`, and a dispute
/// needs the outcome `dispute`, `dispute_documents` and `dispute_reason`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ActionRequest {
    /// Portfolio code.
    #[serde(default)]
    #[schema(required = true)]
    portfolio: String,
    /// The customer's reference.
    #[serde(default)]
    #[schema(required = true)]
    customer: String,
    /// The day of the action, YYYY-MM-DD.
    #[serde(default)]
    #[schema(required = true, format = Date)]
    date: String,
    /// call, email, letter, sms, visit, note or legal_update.
    #[serde(default)]
    #[schema(required = true)]
    kind: String,
    /// contact, no_contact, promise_to_pay, refused, dispute, wrong_number or paid.
    outcome: Option<String>,
    notes: Option<String>,
    /// When to follow up, YYYY-MM-DD, not before `date`.
    #[schema(format = Date)]
    next_action_on: Option<String>,
    /// The promised amount as a decimal string with a point, such as "1250.00", in the customer's currency.
    promise_amount: Option<String>,
    /// The promised payment date, YYYY-MM-DD, not before `date`.
    #[schema(format = Date)]
    promise_on: Option<String>,
    /// Numbers of the customer's documents under dispute.
    #[serde(default)]
    dispute_documents: Vec<String>,
    /// The customer's reason for the dispute.
    dispute_reason: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StoredAction {
    /// The customer's reference.
    customer: String,
    date: NaiveDate,
    kind: String,
    outcome: Option<String>,
    /// The caller's username.
    collector: Option<String>,
    notes: Option<String>,
    /// `follow_up` when `next_action_on` is set.
    next_action_kind: Option<String>,
    next_action_on: Option<NaiveDate>,
    promise_amount: Option<String>,
    promise_currency: Option<String>,
    promise_on: Option<NaiveDate>,
    /// Documents that got an open dispute.
    dispute_documents: Vec<String>,
    dispute_reason: Option<String>,
}

/// Records a collection action for a customer: a call, a promise to pay, a dispute.
#[utoipa::path(
    post,
    path = "/actions",
    tag = "customers",
    request_body = ActionRequest,
    responses(
        (status = 201, description = "The stored action", body = StoredAction),
        (status = 400, description = "The body is invalid; `details` lists every problem", body = ErrorEnvelope),
        (status = 404, description = "Unknown portfolio or customer", body = ErrorEnvelope),
        (status = 415, description = "The body is not JSON", body = ErrorEnvelope),
    ),
)]
pub async fn log_action(caller: ApiCaller, State(state): State<AppState>, body: Result<Json<ActionRequest>, JsonRejection>) -> ApiResult<(StatusCode, Json<StoredAction>)> {
    authz::require(&caller.actor, Permission::LogAction)?;
    let request = json_body(body)?;
    let code = required(&request.portfolio, "portfolio")?;
    let reference = required(&request.customer, "customer")?;

    let mut conn = state.store.acquire().await?;
    let portfolio = find_portfolio(&mut conn, code).await?;
    let (customer_id, customer) = find_visible_customer(&mut conn, &caller.actor, &portfolio, reference).await?;
    drop(conn);
    let currency = Currency::parse(&customer.currency).unwrap_or(portfolio.currency);

    let input = ActionInput {
        action_on: Some(request.date.clone()),
        kind: Some(request.kind.clone()),
        outcome: request.outcome.clone(),
        promise_amount: request.promise_amount.clone(),
        promise_on: request.promise_on.clone(),
        dispute_reason: request.dispute_reason.clone(),
        dispute_documents: request.dispute_documents.clone(),
        notes: request.notes.clone(),
        next_action_on: request.next_action_on.clone(),
        task: None,
    };
    let plain = NumberFormat { decimal: '.', thousands: None };
    let action = actions::validate(&input, plain, currency).map_err(|problems| {
        let details: Vec<String> = problems.iter().map(problem_message).collect();
        ApiError::bad_request(format!("the action is invalid and was not stored ({} problems)", details.len())).with_details(details)
    })?;

    let stored = actions::store_action(&state, &caller.actor, portfolio.id, customer_id, &customer.external_ref, currency, &action).await?;
    tracing::info!(user = %caller.actor.username, customer_id, kind = %action.kind, "collection action recorded through the API");

    let (dispute_documents, dispute_reason) = action.dispute.clone().map_or((Vec::new(), None), |(numbers, reason)| (numbers, Some(reason)));
    let promise_currency = stored.promise_currency.map(|currency| currency.code().to_string());
    let promise_amount = match (stored.promise_amount_minor, stored.promise_currency) {
        (Some(minor), Some(currency)) => Some(recobro_core::money::format_minor(minor, currency)),
        _ => None,
    };
    let body = StoredAction {
        customer: customer.external_ref,
        date: stored.action_on,
        kind: stored.kind,
        outcome: stored.outcome,
        collector: stored.collector,
        notes: stored.notes,
        next_action_kind: stored.next_action_kind,
        next_action_on: stored.next_action_on,
        promise_amount,
        promise_currency,
        promise_on: stored.promise_on,
        dispute_documents,
        dispute_reason,
    };
    Ok((StatusCode::CREATED, Json(body)))
}

fn field_name(field: ActionField) -> &'static str {
    match field {
        ActionField::Date => "date",
        ActionField::Kind => "kind",
        ActionField::Outcome => "outcome",
        ActionField::PromiseOn => "promise_on",
        ActionField::NextActionOn => "next_action_on",
    }
}

/// The English message of a problem, naming the JSON field.
fn problem_message(problem: &ActionProblem) -> String {
    match problem {
        ActionProblem::Missing(field) => format!("{} is required", field_name(*field)),
        ActionProblem::InvalidDate(field, value) => format!("{} {value:?} is not a valid date: expected YYYY-MM-DD", field_name(*field)),
        ActionProblem::NotAnOption(field, value) => {
            let options = if *field == ActionField::Kind { ACTION_KINDS.join(", ") } else { OUTCOMES.join(", ") };
            format!("{} {value:?} is not one of {options}", field_name(*field))
        }
        ActionProblem::InvalidAmount(value) => {
            format!("promise_amount {value:?} is not an amount greater than zero: write a decimal string with a point and at most the currency's decimals, such as \"1250.00\"")
        }
        ActionProblem::PromiseIncomplete => "a promise to pay needs both promise_amount and promise_on".to_string(),
        ActionProblem::PromiseBeforeAction => "promise_on cannot be before date".to_string(),
        ActionProblem::DisputeIncomplete => "a dispute needs outcome \"dispute\", at least one number in dispute_documents and a dispute_reason".to_string(),
        ActionProblem::NextActionBeforeAction => "next_action_on cannot be before date".to_string(),
    }
}
