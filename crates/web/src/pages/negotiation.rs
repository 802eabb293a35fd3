//! Shared parts of the negotiation pages: who may negotiate with a
//! customer, amounts typed in the user's language, the decision form of
//! plans, offers and write-offs, the negotiation section of the customer
//! page, and the approvals page of managers and administrators.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use recobro_app::negotiation::limits::{ApprovalLimits, limits_of};
use recobro_app::negotiation::plans::{self, plan_required_role};
use recobro_app::negotiation::{NegotiationError, Negotiator, letters, settlements, write_offs};
use recobro_core::Currency;
use recobro_documents::LetterKind;
use recobro_core::number::{NumberFormat, parse_amount};
use recobro_core::settlement::ApproverRole;
use recobro_store::ledger::CustomerData;
use recobro_store::negotiation::{self as stored, OfferRecord, PlanRecord, WriteOffRecord};
use recobro_store::portfolio::Portfolio;
use recobro_store::{Conn, StoreError, browse};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::{Layout, PageError, PageResult, business_date, render, viewable_portfolio};
use crate::AppState;
use crate::auth::SignedIn;
use crate::documents;
use crate::authz::{self, Permission};
use crate::error::WebError;
use crate::i18n::{Language, Translator};

/// Statuses that wait for a manager's or an administrator's decision.
pub(super) const PLAN_PENDING: &str = "proposed";
pub(super) const OFFER_PENDING: &str = "pending_approval";
pub(super) const WRITE_OFF_PENDING: &str = "pending_approval";

// ---------------------------------------------------------------------------
// Access
// ---------------------------------------------------------------------------

/// A customer the signed-in user may negotiate with, and the date the
/// negotiation is dated.
pub(super) struct NegotiationTarget {
    pub portfolio: Portfolio,
    pub customer_id: i64,
    pub customer: CustomerData,
    pub currency: Currency,
    /// The portfolio's business date: the agreement, offer or request date.
    pub as_of: NaiveDate,
}

/// Loads a customer for a negotiation form: legal staff and viewers get
/// 403, and a collector gets 403 for another collector's customer.
pub(super) async fn negotiation_target(state: &AppState, user: &SignedIn, code: &str, reference: &str) -> Result<NegotiationTarget, PageError> {
    let tr = user.tr;
    let fail = |error| PageError::new(tr, error);
    authz::require(&user.actor, Permission::Negotiate).map_err(fail)?;
    let mut conn = state.store.acquire().await.map_err(|error| PageError::new(tr, error))?;
    let portfolio = viewable_portfolio(&mut conn, user, code).await?;
    let found = browse::find_customer(&mut conn, portfolio.id, reference).await.map_err(|error| PageError::new(tr, error))?;
    let (customer_id, customer) = found.ok_or_else(|| PageError::new(tr, WebError::NotFound))?;
    authz::require_customer(&user.actor, customer.collector.as_deref()).map_err(fail)?;
    let currency = Currency::parse(&customer.currency).unwrap_or(portfolio.currency);
    // NOTE: negotiations are dated on the portfolio's business date (the
    // latest daily run), like the action form, not on the calendar date.
    let as_of = business_date(&mut conn, portfolio.id).await.map_err(fail)?;
    Ok(NegotiationTarget { portfolio, customer_id, customer, currency, as_of })
}

/// Checks that the user may see the customer of a plan, offer or
/// write-off: a collector may see only those of their own customers.
pub(super) async fn require_record_customer(conn: &mut Conn, user: &SignedIn, portfolio: &Portfolio, customer_ref: &str) -> Result<(), PageError> {
    let tr = user.tr;
    let found = browse::find_customer(conn, portfolio.id, customer_ref).await.map_err(|error| PageError::new(tr, error))?;
    let (_, customer) = found.ok_or_else(|| PageError::new(tr, WebError::NotFound))?;
    authz::require_customer(&user.actor, customer.collector.as_deref()).map_err(|error| PageError::new(tr, error))
}

/// Maps the signed-in user to the negotiation layer's negotiator. A role
/// that may not negotiate gets 403.
pub(super) fn negotiator(user: &SignedIn) -> Result<Negotiator, PageError> {
    Negotiator::from_user_role(&user.actor.username, user.actor.role.code()).map_err(|_| PageError::new(user.tr, WebError::Forbidden))
}

/// Returns the date of a decision: the business date, or the proposal's
/// date when that is later. The negotiation layer rejects a decision dated
/// before its proposal, and a proposal made with the CLI carries the
/// calendar date, which can be after the latest run.
pub(super) async fn decision_date(conn: &mut Conn, portfolio_id: i64, proposed_on: NaiveDate) -> Result<NaiveDate, WebError> {
    Ok(business_date(conn, portfolio_id).await?.max(proposed_on))
}

// ---------------------------------------------------------------------------
// Numbers typed in the user's language
// ---------------------------------------------------------------------------

/// Returns how the user writes amounts: `1.234,56` in Spanish, `1,234.56`
/// in English.
pub(super) fn amount_format(tr: Translator) -> NumberFormat {
    match tr.language {
        Language::Es => NumberFormat { decimal: ',', thousands: Some('.') },
        Language::En => NumberFormat { decimal: '.', thousands: Some(',') },
    }
}

/// Returns an example amount in the user's format, for hints and error
/// messages.
pub(super) fn amount_example(tr: Translator) -> &'static str {
    match tr.language {
        Language::Es => "1.234,56",
        Language::En => "1,234.56",
    }
}

/// Parses an amount of `currency` typed in the user's format. Returns the
/// message for the field when the text is not an amount of zero or more
/// with at most the currency's decimals.
pub(super) fn parse_user_amount(tr: Translator, text: &str, currency: Currency) -> Result<Decimal, String> {
    let invalid = || tr.t_args("negotiation-error-amount", &[("value", text.trim().to_string()), ("example", amount_example(tr).to_string())]);
    let amount = parse_amount(text, amount_format(tr)).map_err(|_| invalid())?;
    if amount < Decimal::ZERO || recobro_core::Money::from_decimal(amount, currency).is_err() {
        return Err(invalid());
    }
    Ok(amount)
}

/// Parses a percent typed in the user's format, such as `12,5` in Spanish.
pub(super) fn parse_user_percent(tr: Translator, text: &str) -> Option<Decimal> {
    let text = text.trim().trim_end_matches('%').trim();
    parse_amount(text, NumberFormat { decimal: amount_format(tr).decimal, thousands: None }).ok()
}

/// Formats a decimal such as a rate in the user's format.
pub(super) fn format_decimal(tr: Translator, value: Decimal) -> String {
    tr.decimal(&value.normalize().to_string())
}

/// Field messages of a form, in the order of its fields.
#[derive(Default)]
pub(super) struct FieldErrors(Vec<(&'static str, String)>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, message: String) {
        self.0.push((field, message));
    }

    /// Returns the message of `field`, or an empty string.
    pub fn get(&self, field: &str) -> &str {
        self.0.iter().find(|(name, _)| *name == field).map_or("", |(_, message)| message.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn messages(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(_, message)| message.as_str())
    }
}

// ---------------------------------------------------------------------------
// Decisions
// ---------------------------------------------------------------------------

#[derive(Deserialize, Default)]
/// The query of a record page after a redirect.
pub struct RecordQuery {
    pub saved: Option<String>,
    /// `approved` or `rejected`.
    pub decided: Option<String>,
}

/// Extras of a record page: a notice after a saved proposal or decision,
/// or the problem of a refused decision.
#[derive(Default)]
pub(super) struct RecordState {
    pub notice: Option<String>,
    /// The record was just saved from its form.
    pub saved: bool,
    pub reason: String,
    pub reason_error: String,
    pub refusal: Option<String>,
}

/// The approve and reject buttons of a plan, offer or write-off page.
#[derive(Deserialize, Default)]
pub struct DecisionForm {
    #[serde(default)]
    csrf: String,
    /// `approve` or `reject`.
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
}

/// A decision checked by the page, before the negotiation layer checks
/// the approver's limits.
pub(super) struct Decision {
    pub approve: bool,
    pub reason: Option<String>,
}

/// Checks the CSRF token and the role, then reads the decision. A
/// rejection without a reason is returned as the message for the reason
/// field.
pub(super) fn read_decision(user: &SignedIn, form: &DecisionForm) -> Result<Result<Decision, String>, PageError> {
    let tr = user.tr;
    user.check_csrf(&form.csrf).map_err(|error| PageError::new(tr, error))?;
    authz::require(&user.actor, Permission::ApproveNegotiation).map_err(|error| PageError::new(tr, error))?;
    let reason = Some(form.reason.trim().to_string()).filter(|reason| !reason.is_empty());
    match form.decision.as_str() {
        "approve" => Ok(Ok(Decision { approve: true, reason })),
        "reject" if reason.is_none() => Ok(Err(tr.t("negotiation-error-reason"))),
        "reject" => Ok(Ok(Decision { approve: false, reason })),
        other => Err(PageError::new(tr, WebError::BadRequest(format!("decision {other:?} is not approve or reject")))),
    }
}

/// A refusal of the negotiation layer, as a page shows it: the status and
/// a message in the user's language, or in English where the message is
/// the layer's own.
pub(super) struct Refusal {
    pub status: StatusCode,
    pub message: String,
}

/// Turns a negotiation error into a refusal shown on the form or record
/// page, or into an error page for a missing record, a role that may not
/// negotiate and storage failures.
pub(super) fn refusal(tr: Translator, error: NegotiationError) -> Result<Refusal, PageError> {
    match error {
        NegotiationError::BeyondAuthority { role, required, .. } => {
            let message = tr.t_args("negotiation-error-beyond-authority", &[("role", tr.label("approver", role)), ("required", tr.label("approver", required))]);
            Ok(Refusal { status: StatusCode::FORBIDDEN, message })
        }
        NegotiationError::WrongStatus { status, .. } => {
            let message = tr.t_args("negotiation-error-wrong-status", &[("status", tr.label("negotiation-status", &status))]);
            Ok(Refusal { status: StatusCode::CONFLICT, message })
        }
        NegotiationError::OpenOfferExists { id, status, pay_by, .. } => {
            let message = tr.t_args(
                "negotiation-error-open-offer",
                &[("id", id.to_string()), ("status", tr.label("negotiation-status", &status)), ("pay_by", tr.date(&pay_by))],
            );
            Ok(Refusal { status: StatusCode::CONFLICT, message })
        }
        NegotiationError::Invalid(message) => Ok(Refusal { status: StatusCode::UNPROCESSABLE_ENTITY, message }),
        NegotiationError::UnknownPortfolio(_) | NegotiationError::UnknownCustomer(_) | NegotiationError::NotFound { .. } => Err(PageError::new(tr, WebError::NotFound)),
        NegotiationError::UnknownUser(_) | NegotiationError::RoleMayNotNegotiate { .. } | NegotiationError::NotProposer { .. } => Err(PageError::new(tr, WebError::Forbidden)),
        NegotiationError::Store(error) => Err(PageError::new(tr, error)),
    }
}

/// Loads the approval limits of a portfolio: its own, or the defaults.
pub(super) async fn approval_limits(conn: &mut Conn, portfolio_id: i64) -> Result<ApprovalLimits, WebError> {
    limits_of(conn, portfolio_id).await.map_err(|error| match error {
        NegotiationError::Store(error) => WebError::Store(error),
        other => WebError::Internal(format!("cannot load the approval limits: {other}")),
    })
}

/// The kinds of record with approve and reject buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RecordKind {
    Plan,
    Offer,
    WriteOff,
}

impl RecordKind {
    /// Returns the path segment of the record's page, as in
    /// `/p/CODE/plans/ID`.
    fn path(self) -> &'static str {
        match self {
            RecordKind::Plan => "plans",
            RecordKind::Offer => "settlements",
            RecordKind::WriteOff => "write-offs",
        }
    }

    fn log_name(self) -> &'static str {
        match self {
            RecordKind::Plan => "payment plan",
            RecordKind::Offer => "settlement offer",
            RecordKind::WriteOff => "write-off",
        }
    }
}

/// Sends the letter of a plan (the agreement) or of a settlement offer as
/// a PDF in the customer's language. Collectors get only the letters of
/// their own customers.
pub(super) async fn send_letter(state: &AppState, user: &SignedIn, code: &str, id: i64, kind: RecordKind) -> PageResult {
    let tr = user.tr;
    let fail = |error: WebError| PageError::new(tr, error);
    let mut conn = state.store.acquire().await.map_err(|error| PageError::new(tr, error))?;
    let portfolio = viewable_portfolio(&mut conn, user, code).await?;
    let (letter_kind, customer, data) = match kind {
        RecordKind::Plan => {
            let facts = letters::plan_letter_facts(&mut conn, &portfolio.code, id).await.map_err(|error| fail(letter_error(error)))?;
            (LetterKind::PlanAgreement, facts.customer.clone(), documents::plan_letter_data(&facts))
        }
        RecordKind::Offer => {
            let facts = letters::offer_letter_facts(&mut conn, &portfolio.code, id).await.map_err(|error| fail(letter_error(error)))?;
            (LetterKind::SettlementOffer, facts.customer.clone(), documents::offer_letter_data(&facts))
        }
        RecordKind::WriteOff => return Err(fail(WebError::NotFound)),
    };
    drop(conn);
    authz::require_customer(&user.actor, customer.collector.as_deref()).map_err(fail)?;

    let pdf = documents::letter_pdf(letter_kind, data, documents::customer_language(&customer)).await.map_err(fail)?;
    let reference: String = customer.external_ref.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
    let disposition = format!("attachment; filename=\"{}-{id}-{reference}.pdf\"", letter_kind.code());
    Ok(([(header::CONTENT_TYPE, "application/pdf".to_string()), (header::CONTENT_DISPOSITION, disposition)], pdf).into_response())
}

fn letter_error(error: NegotiationError) -> WebError {
    match error {
        NegotiationError::NotFound { .. } | NegotiationError::UnknownPortfolio(_) | NegotiationError::UnknownCustomer(_) => WebError::NotFound,
        NegotiationError::Store(error) => WebError::Store(error),
        error @ NegotiationError::WrongStatus { .. } => WebError::BadRequest(error.to_string()),
        other => WebError::Internal(format!("cannot load the letter: {other}")),
    }
}

/// The end of a decision posted from a record page.
pub(super) enum DecisionOutcome {
    /// Decided: the redirect to the record page with its notice.
    Decided(Response),
    /// Not decided: the record page is shown again with this state and
    /// status, such as a missing reason or the approver's limits.
    Refused(RecordState, StatusCode),
}

/// Applies the approve or reject buttons of a plan, offer or write-off
/// page. The negotiation layer checks the approver's limits and the
/// record's status; the decision is dated with [`decision_date`].
pub(super) async fn decide_record(state: &AppState, user: &SignedIn, code: &str, id: i64, form: &DecisionForm, kind: RecordKind) -> Result<DecisionOutcome, PageError> {
    let tr = user.tr;
    let decision = match read_decision(user, form)? {
        Ok(decision) => decision,
        Err(reason_error) => return Ok(DecisionOutcome::Refused(RecordState { reason_error, ..RecordState::default() }, StatusCode::UNPROCESSABLE_ENTITY)),
    };
    let by = negotiator(user)?;
    let fail = |error: WebError| PageError::new(tr, error);

    let mut tx = state.store.begin().await.map_err(|error| PageError::new(tr, error))?;
    let portfolio = viewable_portfolio(&mut tx, user, code).await?;
    let (approve, reason) = (decision.approve, decision.reason.as_deref());
    let decided = match kind {
        RecordKind::Plan => {
            let plan = stored::find_plan(&mut tx, portfolio.id, id).await.map_err(|error| fail(error.into()))?.ok_or_else(|| fail(WebError::NotFound))?;
            let on = decision_date(&mut tx, portfolio.id, plan.agreed_on).await.map_err(fail)?;
            plans::decide_plan(&mut tx, code, id, &by, approve, on, reason).await.map(|plan| plan.status)
        }
        RecordKind::Offer => {
            let offer = stored::find_offer(&mut tx, portfolio.id, id).await.map_err(|error| fail(error.into()))?.ok_or_else(|| fail(WebError::NotFound))?;
            let on = decision_date(&mut tx, portfolio.id, offer.offered_on).await.map_err(fail)?;
            settlements::decide_offer(&mut tx, code, id, &by, approve, on, reason).await.map(|offer| offer.status)
        }
        RecordKind::WriteOff => {
            let record = stored::find_write_off(&mut tx, portfolio.id, id).await.map_err(|error| fail(error.into()))?.ok_or_else(|| fail(WebError::NotFound))?;
            let on = decision_date(&mut tx, portfolio.id, record.requested_on).await.map_err(fail)?;
            write_offs::decide_write_off(&mut tx, code, id, &by, approve, on, reason).await.map(|record| record.status)
        }
    };

    match decided {
        Ok(status) => {
            tx.commit().await.map_err(|error| PageError::new(tr, StoreError::from(error)))?;
            tracing::info!(user = %user.actor.username, portfolio = %code, id, %status, "{} decided", kind.log_name());
            let outcome = if approve { "approved" } else { "rejected" };
            Ok(DecisionOutcome::Decided(Redirect::to(&format!("/p/{code}/{}/{id}?decided={outcome}", kind.path())).into_response()))
        }
        Err(error) => {
            drop(tx);
            let Refusal { status, message } = refusal(tr, error)?;
            let record_state = RecordState { reason: decision.reason.unwrap_or_default(), refusal: Some(message), ..RecordState::default() };
            Ok(DecisionOutcome::Refused(record_state, status))
        }
    }
}

// ---------------------------------------------------------------------------
// The negotiation section of the customer page
// ---------------------------------------------------------------------------

/// A customer's plans, offers and write-offs, newest first.
pub struct CustomerNegotiation {
    pub plans: Vec<PlanRecord>,
    pub offers: Vec<OfferRecord>,
    pub write_offs: Vec<WriteOffRecord>,
    /// Whether the user may propose a plan, make an offer and request a
    /// write-off for this customer.
    pub can_negotiate: bool,
}

impl CustomerNegotiation {
    pub fn is_empty(&self) -> bool {
        self.plans.is_empty() && self.offers.is_empty() && self.write_offs.is_empty()
    }
}

pub(super) async fn customer_negotiation(conn: &mut Conn, user: &SignedIn, portfolio_id: i64, customer_id: i64) -> Result<CustomerNegotiation, StoreError> {
    Ok(CustomerNegotiation {
        plans: stored::list_plans(conn, portfolio_id, Some(customer_id), &[]).await?,
        offers: stored::list_offers(conn, portfolio_id, Some(customer_id), &[]).await?,
        write_offs: stored::list_write_offs(conn, portfolio_id, Some(customer_id)).await?,
        can_negotiate: authz::allows(user.actor.role, Permission::Negotiate),
    })
}

// ---------------------------------------------------------------------------
// The approvals page
// ---------------------------------------------------------------------------

/// Everything of a portfolio that waits for a decision.
pub(super) struct Pending {
    /// Each proposed plan with the lowest role that may approve it.
    pub plans: Vec<(PlanRecord, ApproverRole)>,
    pub offers: Vec<OfferRecord>,
    pub write_offs: Vec<WriteOffRecord>,
}

impl Pending {
    pub fn count(&self) -> usize {
        self.plans.len() + self.offers.len() + self.write_offs.len()
    }
}

pub(super) async fn pending(conn: &mut Conn, portfolio_id: i64) -> Result<Pending, WebError> {
    let limits = approval_limits(conn, portfolio_id).await?;
    let mut plans = Vec::new();
    for plan in stored::list_plans(conn, portfolio_id, None, &[PLAN_PENDING]).await? {
        let installments = stored::plan_installments(conn, plan.id).await?;
        let required = plan_required_role(&limits, &plan, &installments);
        plans.push((plan, required));
    }
    let offers = stored::list_offers(conn, portfolio_id, None, &[OFFER_PENDING]).await?;
    let write_offs = stored::list_write_offs(conn, portfolio_id, None).await?.into_iter().filter(|record| record.status == WRITE_OFF_PENDING).collect();
    Ok(Pending { plans, offers, write_offs })
}

/// Counts what waits for a decision, for the navigation of the
/// negotiation pages. Returns `None` for users who do not decide.
pub(super) async fn pending_count(conn: &mut Conn, user: &SignedIn, portfolio_id: i64) -> Result<Option<usize>, StoreError> {
    if !authz::allows(user.actor.role, Permission::ApproveNegotiation) {
        return Ok(None);
    }
    let plans = stored::list_plans(conn, portfolio_id, None, &[PLAN_PENDING]).await?.len();
    let offers = stored::list_offers(conn, portfolio_id, None, &[OFFER_PENDING]).await?.len();
    let write_offs = stored::list_write_offs(conn, portfolio_id, None).await?.iter().filter(|record| record.status == WRITE_OFF_PENDING).count();
    Ok(Some(plans + offers + write_offs))
}

#[derive(Template)]
#[template(path = "approvals.html")]
struct ApprovalsPage {
    tr: Translator,
    layout: Layout,
    code: String,
    pending: Pending,
}

/// Lists every proposed plan and every offer and write-off pending
/// approval, for managers and administrators.
pub async fn approvals(State(state): State<AppState>, user: SignedIn, Path(code): Path<String>) -> PageResult {
    let tr = user.tr;
    authz::require(&user.actor, Permission::ApproveNegotiation).map_err(|error| PageError::new(tr, error))?;
    let mut conn = state.store.acquire().await.map_err(|error| PageError::new(tr, error))?;
    let portfolio = viewable_portfolio(&mut conn, &user, &code).await?;
    let pending = pending(&mut conn, portfolio.id).await.map_err(|error| PageError::new(tr, error))?;
    drop(conn);

    let mut layout = Layout::new(&user, tr.t("approvals-title"), Some(&portfolio), "approvals");
    layout.pending_approvals = Some(pending.count());
    render(tr, &ApprovalsPage { tr, layout, code, pending })
}
