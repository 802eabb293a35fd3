//! Settlement offers: a lump sum by a date in exchange for waiving part or
//! all of the interest, and a principal discount where allowed. An offer
//! beyond the proposer's authority waits for an approver with enough. The
//! daily run records the waiver once the lump sum is paid, and lets an
//! unpaid offer expire with nothing waived.

use chrono::NaiveDate;
use recobro_core::application::BalanceParts;
use recobro_core::money::format_minor;
use recobro_core::settlement::{SettlementOffer, SettlementStatus, evaluate_settlement};
use recobro_core::Money;
use recobro_store::interest::NewWaiver;
use recobro_store::negotiation::{self, GeneratedDocument, OfferRecord};
use recobro_store::{Conn, StoreError};
use rust_decimal::Decimal;

use super::limits::limits_of;
use super::{NegotiationError, Negotiator, audit, find_party};

/// A waiver as the user writes it: an amount, or a percent of the interest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaiverAmount {
    Amount(Decimal),
    Percent(Decimal),
}

impl WaiverAmount {
    /// Parses `"250.00"` or `"40%"`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let invalid = || format!("{text:?} is not an amount such as 250.00 or a percent such as 40%");
        match text.strip_suffix('%') {
            Some(percent) => percent.trim().parse::<Decimal>().map(WaiverAmount::Percent).map_err(|_| invalid()),
            None => text.parse::<Decimal>().map(WaiverAmount::Amount).map_err(|_| invalid()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct OfferRequest {
    pub portfolio: String,
    pub customer_ref: String,
    /// Interest owed, in major units. The daily statement of late interest
    /// is the usual source; the negotiator may state it.
    pub interest_owed: Decimal,
    /// Fees owed (fixed compensation, collection costs), in major units.
    pub fees_owed: Decimal,
    pub interest_waiver: WaiverAmount,
    /// Principal discount in major units; zero for most offers.
    pub principal_discount: Decimal,
    pub offered_on: NaiveDate,
    pub pay_by: NaiveDate,
}

/// The statuses of an offer still in force: a customer has at most one.
const OPEN_OFFER_STATUSES: &[&str] = &["pending_approval", "approved"];

/// Makes an offer on the customer's open undisputed principal. Within the
/// proposer's own authority under the portfolio's approval limits it is
/// approved at once; beyond it, it waits for the lowest role that may
/// approve it.
pub async fn make_offer(conn: &mut Conn, request: &OfferRequest, by: &Negotiator) -> Result<OfferRecord, NegotiationError> {
    let party = find_party(conn, &request.portfolio, &request.customer_ref).await?;
    let open = negotiation::open_documents(conn, party.customer_id, party.currency).await?;
    let principal_minor: i64 = open.iter().filter(|document| !document.disputed).map(|document| document.open_minor).sum();
    let minor = |label: &str, amount: Decimal| -> Result<i64, NegotiationError> {
        Money::from_decimal(amount, party.currency).map(|money| money.minor).map_err(|error| NegotiationError::Invalid(format!("{label}: {error}")))
    };
    let interest_minor = minor("interest owed", request.interest_owed)?;
    let fees_minor = minor("fees owed", request.fees_owed)?;
    let interest_waiver_minor = match request.interest_waiver {
        WaiverAmount::Amount(amount) => minor("interest waiver", amount)?,
        WaiverAmount::Percent(percent) => {
            if percent < Decimal::ZERO || percent > Decimal::ONE_HUNDRED {
                return Err(NegotiationError::Invalid(format!("the interest waiver {percent}% must be between 0% and 100%")));
            }
            // Round down, so a percent never waives more than it states.
            (Decimal::from(interest_minor) * percent / Decimal::ONE_HUNDRED).floor().try_into().unwrap_or(0)
        }
    };

    let offer = SettlementOffer {
        currency: party.currency,
        owed: BalanceParts { principal_minor, interest_minor, fees_minor },
        interest_waiver_minor,
        principal_discount_minor: minor("principal discount", request.principal_discount)?,
        offered_on: request.offered_on,
        pay_by: request.pay_by,
    };
    offer.validate().map_err(|error| NegotiationError::Invalid(error.to_string()))?;
    let open_offers = negotiation::list_offers(conn, party.portfolio.id, Some(party.customer_id), OPEN_OFFER_STATUSES).await?;
    if let Some(existing) = open_offers.first() {
        return Err(NegotiationError::OpenOfferExists { customer: party.customer_ref.clone(), id: existing.id, status: existing.status.clone(), pay_by: existing.pay_by });
    }
    let matrix = limits_of(conn, party.portfolio.id).await?.authority_matrix();
    let required = matrix.lowest_approver(&offer).ok_or_else(|| {
        let code = &party.portfolio.code;
        NegotiationError::Invalid(format!("no level may approve this offer: it is beyond a director's limits in {code}; see `recobro negotiation limits show --portfolio {code}`"))
    })?;
    let approved_at_once = matrix.may_approve(by.role, &offer);

    let mut record = OfferRecord {
        id: 0,
        customer_id: party.customer_id,
        customer_ref: party.customer_ref.clone(),
        customer_name: party.customer_name.clone(),
        currency: party.currency,
        principal_minor,
        interest_minor,
        fees_minor,
        interest_waiver_minor,
        principal_discount_minor: offer.principal_discount_minor,
        lump_sum_minor: offer.lump_sum_minor(),
        offered_on: request.offered_on,
        pay_by: request.pay_by,
        status: if approved_at_once { "approved".into() } else { "pending_approval".into() },
        required_role: required.code().to_string(),
        proposed_by: by.username.clone(),
        decided_by: approved_at_once.then(|| by.username.clone()),
        decided_on: approved_at_once.then_some(request.offered_on),
        decision_reason: None,
        paid_on: None,
    };
    record.id = negotiation::insert_offer(conn, party.portfolio.id, &record).await?;

    let currency = party.currency;
    let detail = format!(
        "offer {} to {}: lump sum {} {currency} by {}, interest waived {}, principal discount {}, {}",
        record.id,
        party.customer_ref,
        format_minor(record.lump_sum_minor, currency),
        record.pay_by,
        format_minor(interest_waiver_minor, currency),
        format_minor(record.principal_discount_minor, currency),
        if approved_at_once { "approved within the proposer's authority".to_string() } else { format!("waiting for a {}", required.code()) }
    );
    audit(conn, &by.username, "settlement.offered", &party.portfolio.code, &detail).await?;
    Ok(record)
}

/// Rebuilds the core offer of a stored record.
pub fn core_offer(record: &OfferRecord) -> SettlementOffer {
    SettlementOffer {
        currency: record.currency,
        owed: BalanceParts { principal_minor: record.principal_minor, interest_minor: record.interest_minor, fees_minor: record.fees_minor },
        interest_waiver_minor: record.interest_waiver_minor,
        principal_discount_minor: record.principal_discount_minor,
        offered_on: record.offered_on,
        pay_by: record.pay_by,
    }
}

/// Approves or rejects an offer waiting for approval. An approver beyond
/// whose authority under the portfolio's approval limits the offer goes
/// cannot approve it; a rejection needs a reason.
pub async fn decide_offer(conn: &mut Conn, portfolio_code: &str, offer_id: i64, by: &Negotiator, approve: bool, on: NaiveDate, reason: Option<&str>) -> Result<OfferRecord, NegotiationError> {
    let portfolio = super::find_portfolio(conn, portfolio_code).await?;
    let matrix = limits_of(conn, portfolio.id).await?.authority_matrix();
    let record = negotiation::find_offer(conn, portfolio.id, offer_id).await?.ok_or(NegotiationError::NotFound { kind: "settlement offer", id: offer_id })?;
    let action = if approve { "approved" } else { "rejected" };
    if record.status != "pending_approval" {
        return Err(NegotiationError::WrongStatus { kind: "settlement offer", id: offer_id, status: record.status, action });
    }
    if approve && !matrix.may_approve(by.role, &core_offer(&record)) {
        let required = matrix.lowest_approver(&core_offer(&record)).map_or("director", |role| role.code());
        return Err(NegotiationError::BeyondAuthority { username: by.username.clone(), role: by.role.code(), required });
    }
    if !approve && reason.is_none_or(|reason| reason.trim().is_empty()) {
        return Err(NegotiationError::Invalid("a rejection needs a reason".into()));
    }
    super::not_before(on, record.offered_on, "the decision date")?;

    let status = if approve { "approved" } else { "rejected" };
    if !negotiation::update_offer_status(conn, offer_id, "pending_approval", status, Some(&by.username), on, reason).await? {
        return Err(NegotiationError::WrongStatus { kind: "settlement offer", id: offer_id, status: record.status, action });
    }
    let detail = format!("offer {} to {}{}", offer_id, record.customer_ref, reason.map(|reason| format!(": {reason}")).unwrap_or_default());
    audit(conn, &by.username, if approve { "settlement.approved" } else { "settlement.rejected" }, portfolio_code, &detail).await?;
    negotiation::find_offer(conn, portfolio.id, offer_id).await?.ok_or(NegotiationError::NotFound { kind: "settlement offer", id: offer_id })
}

/// Cancels an offer still in force, waiting or approved, for example
/// because the customer declined it or its terms were wrong. Nothing is
/// waived, and a cancellation needs a reason. The proposer may cancel their
/// own offer, and managers and administrators any offer.
pub async fn cancel_offer(conn: &mut Conn, portfolio_code: &str, offer_id: i64, by: &Negotiator, on: NaiveDate, reason: &str) -> Result<OfferRecord, NegotiationError> {
    let portfolio = super::find_portfolio(conn, portfolio_code).await?;
    let record = negotiation::find_offer(conn, portfolio.id, offer_id).await?.ok_or(NegotiationError::NotFound { kind: "settlement offer", id: offer_id })?;
    let wrong_status = |status: String| NegotiationError::WrongStatus { kind: "settlement offer", id: offer_id, status, action: "cancelled" };
    if !OPEN_OFFER_STATUSES.contains(&record.status.as_str()) {
        return Err(wrong_status(record.status));
    }
    if by.role == recobro_core::settlement::ApproverRole::Collector && record.proposed_by != by.username {
        return Err(NegotiationError::NotProposer { username: by.username.clone(), id: offer_id, proposer: record.proposed_by });
    }
    if reason.trim().is_empty() {
        return Err(NegotiationError::Invalid("a cancellation needs a reason".into()));
    }
    super::not_before(on, record.offered_on, "the cancellation date")?;

    // An approved offer keeps its approver on record, and the audit trail
    // names who cancelled it.
    let decided_by = (record.status == "pending_approval").then_some(by.username.as_str());
    if !negotiation::update_offer_status(conn, offer_id, &record.status, "cancelled", decided_by, on, Some(reason)).await? {
        return Err(wrong_status(record.status));
    }
    let detail = format!("offer {} to {}: {reason}", offer_id, record.customer_ref);
    audit(conn, &by.username, "settlement.cancelled", portfolio_code, &detail).await?;
    negotiation::find_offer(conn, portfolio.id, offer_id).await?.ok_or(NegotiationError::NotFound { kind: "settlement offer", id: offer_id })
}

/// Counts of the offers the daily run settled or let expire.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OfferTracking {
    pub paid: i64,
    pub expired: i64,
}

/// Settles every approved offer whose lump sum arrived by its pay-by date:
/// the waiver is recorded and a principal discount closes the rest of the
/// balance with a credit note. Offers not paid by then expire, approved or
/// still waiting, and waive nothing.
pub async fn track_offers(conn: &mut Conn, portfolio_id: i64, portfolio_code: &str, as_of: NaiveDate) -> Result<OfferTracking, StoreError> {
    let mut tracking = OfferTracking::default();
    for record in negotiation::list_offers(conn, portfolio_id, None, &["approved", "pending_approval"]).await? {
        let payments = negotiation::payments_between(conn, record.customer_id, record.currency, record.offered_on, as_of).await?;
        let evaluation = evaluate_settlement(&core_offer(&record), &payments, as_of);
        match (evaluation.status, record.status.as_str()) {
            (SettlementStatus::Paid, "approved") => {
                let paid_on = evaluation.paid_in_full_on.unwrap_or(as_of);
                settle(conn, portfolio_id, &record, paid_on).await?;
                negotiation::update_offer_status(conn, record.id, "approved", "paid", None, paid_on, None).await?;
                audit(conn, "daily-run", "settlement.paid", portfolio_code, &format!("offer {} to {} paid on {paid_on}", record.id, record.customer_ref)).await?;
                tracking.paid += 1;
            }
            (SettlementStatus::Expired, from) => {
                negotiation::update_offer_status(conn, record.id, from, "expired", None, as_of, None).await?;
                audit(conn, "daily-run", "settlement.expired", portfolio_code, &format!("offer {} to {} expired unpaid on {}", record.id, record.customer_ref, record.pay_by)).await?;
                tracking.expired += 1;
            }
            // Pending payments, or a lump sum that arrived while the offer
            // still waits for approval: judged again on the next run.
            _ => {}
        }
    }
    Ok(tracking)
}

async fn settle(conn: &mut Conn, portfolio_id: i64, record: &OfferRecord, paid_on: NaiveDate) -> Result<(), StoreError> {
    let approver = record.decided_by.clone().unwrap_or_else(|| record.proposed_by.clone());
    if record.interest_waiver_minor > 0 {
        let waiver = NewWaiver {
            customer_id: record.customer_id,
            document_id: None,
            amount_minor: record.interest_waiver_minor,
            currency: record.currency,
            waived_on: paid_on,
            reason: format!("settlement offer {}", record.id),
            settlement_id: Some(record.id),
            approved_by: approver,
        };
        recobro_store::interest::insert_waiver(conn, portfolio_id, &waiver).await?;
    }
    if record.principal_discount_minor > 0 {
        let credit = GeneratedDocument {
            customer_id: record.customer_id,
            kind: "credit_note",
            number: format!("RECOBRO-SETTLEMENT-{}", record.id),
            issue_date: paid_on,
            due_date: paid_on,
            amount_minor: record.principal_discount_minor,
            currency: record.currency,
        };
        let credit_id = negotiation::insert_generated_document(conn, portfolio_id, &credit).await?;
        let open: Vec<_> = negotiation::open_documents(conn, record.customer_id, record.currency).await?.into_iter().filter(|document| !document.disputed).collect();
        negotiation::apply_credit(conn, portfolio_id, credit_id, &open, record.principal_discount_minor, paid_on).await?;
    }
    Ok(())
}
