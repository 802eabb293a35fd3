//! The data of Recobro's PDF documents, built from the use cases' results,
//! for the pages and for the `recobro` command, so that both print the same
//! statement and letters.

use recobro_app::negotiation::letters::{OfferLetterFacts, PlanLetterFacts};
use recobro_app::statement::Statement;
use recobro_documents::{Language, LetterData, LetterKind, Letterhead, OverdueDocument, PlanInstallment, PlanTerms, Recipient, RuleSummary, SettlementTerms, Signatory, StatementDocument};
use recobro_store::ledger::CustomerData;

/// Builds the printable statement: the portfolio's name as the letterhead,
/// the customer as the recipient.
// NOTE: Recobro stores no company address or tax id yet, so the
// letterhead carries the portfolio's name only.
pub fn statement_document(statement: &Statement) -> StatementDocument {
    let rule = statement.rule.as_ref().map(|applied| RuleSummary {
        regime: applied.regime.map(|regime| regime.code().to_string()),
        annual_percent: applied.annual_percent,
        day_count: applied.day_count.code().to_string(),
        grace_days: applied.grace_days,
        effective_on: applied.stored.effective_on,
        customer_specific: applied.customer_specific(),
    });
    StatementDocument {
        letterhead: Letterhead::named(statement.portfolio.name.clone()),
        recipient: Recipient {
            name: statement.customer.name.clone(),
            reference: statement.customer.external_ref.clone(),
            tax_id: statement.customer.tax_id.clone(),
            address_lines: Vec::new(),
        },
        as_of: statement.as_of,
        rule,
        lines: statement.lines.clone(),
        totals: statement.totals.clone(),
    }
}

/// Renders the statement to PDF on a blocking thread, because typesetting
/// takes milliseconds of CPU.
pub async fn statement_pdf(statement: &Statement, language: Language) -> Result<Vec<u8>, crate::error::WebError> {
    let document = statement_document(statement);
    let rendered = tokio::task::spawn_blocking(move || recobro_documents::render_statement(&document, language)).await;
    match rendered {
        Ok(Ok(pdf)) => Ok(pdf),
        Ok(Err(error)) => Err(crate::error::WebError::Internal(format!("cannot render the statement PDF: {error}"))),
        Err(error) => Err(crate::error::WebError::Internal(format!("the PDF task failed: {error}"))),
    }
}

/// Returns the language of a customer's letters: the customer's own when it
/// is `es` or `en`, else Spanish.
pub fn customer_language(customer: &CustomerData) -> Language {
    customer.language.as_deref().and_then(Language::parse).unwrap_or(Language::Es)
}

fn recipient(customer: &CustomerData) -> Recipient {
    Recipient { name: customer.name.clone(), reference: customer.external_ref.clone(), tax_id: customer.tax_id.clone(), address_lines: Vec::new() }
}

/// Builds the agreement letter of a payment plan: the covered documents,
/// the down payment and the installment table, dated on the approval (or
/// the agreement when undecided).
pub fn plan_letter_data(facts: &PlanLetterFacts) -> LetterData {
    let plan = &facts.plan;
    LetterData {
        letterhead: letterhead(&facts.sender),
        recipient: recipient(&facts.customer),
        date: plan.decided_on.unwrap_or(plan.agreed_on),
        currency: plan.currency,
        documents: facts
            .documents
            .iter()
            .map(|(number, due_date, open_minor)| OverdueDocument { number: number.clone(), due_date: *due_date, days_past_due: (plan.agreed_on - *due_date).num_days().max(0), open_minor: *open_minor, interest_minor: 0 })
            .collect(),
        fees_minor: 0,
        pay_by: None,
        signatory: signatory(&facts.sender),
        plan: Some(PlanTerms {
            down_payment_minor: plan.down_payment_minor,
            down_payment_due: (plan.down_payment_minor > 0).then_some(plan.agreed_on),
            annual_rate_percent: plan.annual_rate.parse().unwrap_or_default(),
            installments: facts
                .installments
                .iter()
                .filter(|installment| installment.number > 0)
                .map(|installment| PlanInstallment {
                    number: u32::try_from(installment.number).unwrap_or(u32::MAX),
                    due_date: installment.due_on,
                    principal_minor: installment.principal_minor,
                    interest_minor: installment.interest_minor,
                    amount_minor: installment.amount_minor,
                })
                .collect(),
            grace_days: u32::try_from(plan.grace_days).unwrap_or(0),
        }),
        settlement: None,
    }
}

/// Builds the letter of a settlement offer: the customer's open documents
/// with the offer's interest and fees, the lump sum and the pay-by date,
/// dated on the offer date.
pub fn offer_letter_data(facts: &OfferLetterFacts) -> LetterData {
    let offer = &facts.offer;
    let documents = facts
        .documents
        .iter()
        .zip(facts.document_interest())
        .map(|(document, interest_minor)| OverdueDocument {
            number: document.number.clone(),
            due_date: document.due_date,
            days_past_due: (offer.offered_on - document.due_date).num_days().max(0),
            open_minor: document.open_minor,
            interest_minor,
        })
        .collect();
    LetterData {
        letterhead: letterhead(&facts.sender),
        recipient: recipient(&facts.customer),
        date: offer.offered_on,
        currency: offer.currency,
        documents,
        fees_minor: offer.fees_minor,
        pay_by: Some(offer.pay_by),
        signatory: signatory(&facts.sender),
        plan: None,
        settlement: Some(SettlementTerms {
            lump_sum_minor: offer.lump_sum_minor,
            pay_by: offer.pay_by,
            interest_waived_minor: offer.interest_waiver_minor,
            principal_discount_minor: offer.principal_discount_minor,
        }),
    }
}

fn letterhead(sender: &recobro_store::letter_settings::LetterSetting) -> Letterhead {
    Letterhead { company_name: sender.company_name.clone(), address_lines: sender.address_lines.clone(), tax_id: sender.tax_id.clone() }
}

fn signatory(sender: &recobro_store::letter_settings::LetterSetting) -> Signatory {
    Signatory { name: sender.signatory_name.clone(), title: sender.signatory_title.clone() }
}

/// Renders a letter to PDF on a blocking thread, like [`statement_pdf`].
pub async fn letter_pdf(kind: LetterKind, data: LetterData, language: Language) -> Result<Vec<u8>, crate::error::WebError> {
    let rendered = tokio::task::spawn_blocking(move || recobro_documents::render_letter(kind, &data, language, None)).await;
    match rendered {
        Ok(Ok(pdf)) => Ok(pdf),
        Ok(Err(error)) => Err(crate::error::WebError::Internal(format!("cannot render the {} letter PDF: {error}", kind.code()))),
        Err(error) => Err(crate::error::WebError::Internal(format!("the PDF task failed: {error}"))),
    }
}
