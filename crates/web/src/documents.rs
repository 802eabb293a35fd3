//! The data of Recobro's PDF documents, built from the use cases' results,
//! for the pages and for the `recobro` command.

use recobro_app::statement::Statement;
use recobro_documents::{Language, Letterhead, Recipient, RuleSummary, StatementDocument};

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
