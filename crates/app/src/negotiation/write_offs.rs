//! Write-offs (castigos) of balances judged uncollectable: requested with a
//! reason, approved by a manager or administrator, closed with a credit
//! note so they leave the aging totals, and reported with what was
//! recovered afterwards.

use chrono::NaiveDate;
use recobro_core::Money;
use recobro_core::application::BalanceParts;
use recobro_core::money::format_minor;
use recobro_core::settlement::{ApproverRole, WriteOff};
use recobro_store::Conn;
use recobro_store::negotiation::{self, GeneratedDocument, WriteOffRecord};
use rust_decimal::Decimal;

use super::{NegotiationError, Negotiator, audit, find_party};

/// The lowest role that approves a write-off.
pub const WRITE_OFF_APPROVER: ApproverRole = ApproverRole::Manager;

/// Requests the write-off of `amount` (major units) of the customer's open
/// undisputed balance.
pub async fn request_write_off(conn: &mut Conn, portfolio_code: &str, customer_ref: &str, amount: Decimal, reason: &str, by: &Negotiator, on: NaiveDate) -> Result<WriteOffRecord, NegotiationError> {
    let party = find_party(conn, portfolio_code, customer_ref).await?;
    let open = negotiation::open_documents(conn, party.customer_id, party.currency).await?;
    let principal_minor: i64 = open.iter().filter(|document| !document.disputed).map(|document| document.open_minor).sum();
    let amount_minor = Money::from_decimal(amount, party.currency).map_err(|error| NegotiationError::Invalid(format!("amount: {error}")))?.minor;
    let owed = BalanceParts { principal_minor, interest_minor: 0, fees_minor: 0 };
    WriteOff::new(party.currency, &owed, amount_minor, reason).map_err(|error| NegotiationError::Invalid(error.to_string()))?;

    let id = negotiation::insert_write_off(conn, party.portfolio.id, party.customer_id, party.currency, amount_minor, reason.trim(), &by.username, on).await?;
    let detail = format!("write-off {id} of {} {} for {}: {}", format_minor(amount_minor, party.currency), party.currency, party.customer_ref, reason.trim());
    audit(conn, &by.username, "write_off.requested", portfolio_code, &detail).await?;
    negotiation::find_write_off(conn, party.portfolio.id, id).await?.ok_or(NegotiationError::NotFound { kind: "write-off", id })
}

/// Approves or rejects a pending write-off. Approval closes the amount
/// against the customer's oldest open documents with a credit note; a
/// balance that shrank since the request limits what is closed.
pub async fn decide_write_off(conn: &mut Conn, portfolio_code: &str, id: i64, by: &Negotiator, approve: bool, on: NaiveDate, reason: Option<&str>) -> Result<WriteOffRecord, NegotiationError> {
    let portfolio = super::find_portfolio(conn, portfolio_code).await?;
    let record = negotiation::find_write_off(conn, portfolio.id, id).await?.ok_or(NegotiationError::NotFound { kind: "write-off", id })?;
    let action = if approve { "approved" } else { "rejected" };
    if record.status != "pending_approval" {
        return Err(NegotiationError::WrongStatus { kind: "write-off", id, status: record.status, action });
    }
    if by.role < WRITE_OFF_APPROVER {
        return Err(NegotiationError::BeyondAuthority { username: by.username.clone(), role: by.role.code(), required: WRITE_OFF_APPROVER.code() });
    }
    if !approve && reason.is_none_or(|reason| reason.trim().is_empty()) {
        return Err(NegotiationError::Invalid("a rejection needs a reason".into()));
    }
    super::not_before(on, record.requested_on, "the decision date")?;

    let credit_id = if approve { Some(close_balance(conn, portfolio.id, &record, on).await?) } else { None };
    if !negotiation::decide_write_off(conn, id, if approve { "approved" } else { "rejected" }, &by.username, on, reason, credit_id).await? {
        return Err(NegotiationError::WrongStatus { kind: "write-off", id, status: record.status, action });
    }
    let detail = format!("write-off {id} for {}{}", record.customer_ref, reason.map(|reason| format!(": {reason}")).unwrap_or_default());
    audit(conn, &by.username, if approve { "write_off.approved" } else { "write_off.rejected" }, portfolio_code, &detail).await?;
    negotiation::find_write_off(conn, portfolio.id, id).await?.ok_or(NegotiationError::NotFound { kind: "write-off", id })
}

async fn close_balance(conn: &mut Conn, portfolio_id: i64, record: &WriteOffRecord, on: NaiveDate) -> Result<i64, NegotiationError> {
    let open: Vec<_> = negotiation::open_documents(conn, record.customer_id, record.currency).await?.into_iter().filter(|document| !document.disputed).collect();
    let available: i64 = open.iter().map(|document| document.open_minor).sum();
    if available == 0 {
        return Err(NegotiationError::Invalid(format!("customer {} has no open undisputed balance left to write off", record.customer_ref)));
    }

    let credit = GeneratedDocument {
        customer_id: record.customer_id,
        kind: "credit_note",
        number: format!("RECOBRO-WRITE-OFF-{}", record.id),
        issue_date: on,
        due_date: on,
        amount_minor: record.amount_minor.min(available),
        currency: record.currency,
    };
    let credit_id = negotiation::insert_generated_document(conn, portfolio_id, &credit).await?;
    negotiation::apply_credit(conn, portfolio_id, credit_id, &open, credit.amount_minor, on).await?;
    Ok(credit_id)
}
