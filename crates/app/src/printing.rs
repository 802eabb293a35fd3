//! The data of Recobro's PDF documents built from the use cases' results,
//! and rendering off the async threads, for the packets and letters the
//! use cases produce and for the pages and commands that print.

use recobro_documents::{DocumentError, Language, Letterhead, Recipient, RuleSummary, StatementDocument};

use crate::statement::Statement;

/// Returns the language of a customer's documents: their own when set and
/// known, otherwise Spanish.
pub fn customer_language(language: Option<&str>) -> Language {
    language.and_then(Language::parse).unwrap_or(Language::Es)
}

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

#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error(transparent)]
    Document(#[from] DocumentError),
    #[error("the PDF task failed: {0}")]
    Task(String),
}

/// Runs a rendering on a blocking thread, because typesetting takes
/// milliseconds of CPU that must not hold an async worker.
pub async fn render_blocking<F>(render: F) -> Result<Vec<u8>, PrintError>
where
    F: FnOnce() -> Result<Vec<u8>, DocumentError> + Send + 'static,
{
    match tokio::task::spawn_blocking(render).await {
        Ok(result) => Ok(result?),
        Err(error) => Err(PrintError::Task(error.to_string())),
    }
}
