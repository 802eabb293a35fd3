//! The facts of the letter of a payment plan (the agreement) or of a
//! settlement offer, loaded from the store. The `recobro` command and the web
//! pages both turn these facts into a printable letter, so both print the
//! same figures.

use chrono::NaiveDate;
use recobro_store::ledger::CustomerData;
use recobro_store::letter_settings::LetterSetting;
use recobro_store::negotiation::{self, InstallmentRecord, OfferRecord, OpenDocument, PlanRecord};
use recobro_store::portfolio::Portfolio;
use recobro_store::{Conn, browse};

use super::{NegotiationError, find_portfolio};

/// A plan with what its agreement letter lists.
#[derive(Debug, Clone)]
pub struct PlanLetterFacts {
    pub portfolio: Portfolio,
    /// The letterhead and signatory of the portfolio's letters.
    pub sender: LetterSetting,
    pub customer: CustomerData,
    pub plan: PlanRecord,
    /// The down payment (number 0) and the installments.
    pub installments: Vec<InstallmentRecord>,
    /// The covered documents as (number, due date, open amount when the
    /// plan was proposed).
    pub documents: Vec<(String, NaiveDate, i64)>,
}

/// Loads the plan `plan_id` of a portfolio with its installments, covered
/// documents and customer.
pub async fn plan_letter_facts(conn: &mut Conn, portfolio_code: &str, plan_id: i64) -> Result<PlanLetterFacts, NegotiationError> {
    let portfolio = find_portfolio(conn, portfolio_code).await?;
    let plan = negotiation::find_plan(conn, portfolio.id, plan_id).await?.ok_or(NegotiationError::NotFound { kind: "plan", id: plan_id })?;
    // Only an agreed plan has an agreement letter.
    if !matches!(plan.status.as_str(), "active" | "completed" | "broken") {
        return Err(NegotiationError::WrongStatus { kind: "plan", id: plan_id, status: plan.status.clone(), action: "given an agreement letter before its approval" });
    }
    let sender = crate::letters::letter_sender(conn, &portfolio).await?;
    let installments = negotiation::plan_installments(conn, plan_id).await?;
    let documents = negotiation::plan_document_dues(conn, plan_id).await?;
    let (_, customer) = browse::find_customer(conn, portfolio.id, &plan.customer_ref).await?.ok_or_else(|| NegotiationError::UnknownCustomer(plan.customer_ref.clone()))?;
    Ok(PlanLetterFacts { portfolio, sender, customer, plan, installments, documents })
}

/// An offer with the documents its letter lists.
#[derive(Debug, Clone)]
pub struct OfferLetterFacts {
    pub portfolio: Portfolio,
    /// The letterhead and signatory of the portfolio's letters.
    pub sender: LetterSetting,
    pub customer: CustomerData,
    pub offer: OfferRecord,
    /// The customer's open, undisputed documents in the offer's currency,
    /// oldest due date first.
    pub documents: Vec<OpenDocument>,
}

impl OfferLetterFacts {
    /// Splits the offer's interest owed over its documents in proportion to
    /// their open amounts, in minor units that add up to the offer's
    /// interest. The first documents take the remainder.
    // NOTE: an offer records the interest owed as one amount, so the
    // per-document figures are this split, not each document's own accrual.
    pub fn document_interest(&self) -> Vec<i64> {
        let open_total: i64 = self.documents.iter().map(|document| document.open_minor.max(0)).sum();
        let interest = self.offer.interest_minor;
        if open_total == 0 || self.documents.is_empty() {
            return vec![0; self.documents.len()];
        }
        let mut shares: Vec<i64> = self
            .documents
            .iter()
            .map(|document| i64::try_from(i128::from(interest) * i128::from(document.open_minor.max(0)) / i128::from(open_total)).unwrap_or(0))
            .collect();
        let mut remainder = interest - shares.iter().sum::<i64>();
        for share in shares.iter_mut() {
            if remainder == 0 {
                break;
            }
            *share += remainder.signum();
            remainder -= remainder.signum();
        }
        shares
    }
}

/// Loads the settlement offer `offer_id` of a portfolio with its customer
/// and the customer's open, undisputed documents.
// NOTE: the documents are listed with their open amounts today, which are
// lower than the offer's principal when payments arrived since the offer.
pub async fn offer_letter_facts(conn: &mut Conn, portfolio_code: &str, offer_id: i64) -> Result<OfferLetterFacts, NegotiationError> {
    let portfolio = find_portfolio(conn, portfolio_code).await?;
    let offer = negotiation::find_offer(conn, portfolio.id, offer_id).await?.ok_or(NegotiationError::NotFound { kind: "settlement offer", id: offer_id })?;
    // A pending offer may still be rejected, so it gets no letter yet.
    if !matches!(offer.status.as_str(), "approved" | "paid" | "expired") {
        return Err(NegotiationError::WrongStatus { kind: "settlement offer", id: offer_id, status: offer.status.clone(), action: "given a letter before its approval" });
    }
    let sender = crate::letters::letter_sender(conn, &portfolio).await?;
    let (_, customer) = browse::find_customer(conn, portfolio.id, &offer.customer_ref).await?.ok_or_else(|| NegotiationError::UnknownCustomer(offer.customer_ref.clone()))?;
    let documents = negotiation::open_documents(conn, offer.customer_id, offer.currency).await?.into_iter().filter(|document| !document.disputed).collect();
    Ok(OfferLetterFacts { portfolio, sender, customer, offer, documents })
}
