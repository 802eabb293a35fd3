//! Import errors: each names the file, line, column and value, what is
//! wrong, and what to do.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub file: String,
    /// 1-based line of the file; the header is line 1.
    pub line: u64,
    /// 1-based column number and header, when the error is about one cell.
    pub column: Option<(usize, String)>,
    pub value: Option<String>,
    /// Description of the problem, in English.
    pub problem: String,
    /// Advice on the fix, in English. Empty when the problem text contains it.
    pub hint: String,
    /// Stable code of the problem, such as `unknown-customer`, so that a
    /// front end can word it in the user's language.
    pub code: &'static str,
    /// Named values that the problem and hint contain, for that wording.
    pub args: Vec<(&'static str, String)>,
}

/// Defines [`RowErrorCode`] and its list of every code, so that the list
/// cannot miss a variant.
macro_rules! row_error_codes {
    ($($variant:ident => $code:literal,)*) => {
        /// The kinds of row error. The web application words each code as
        /// the messages `import-row-CODE` and `import-hint-CODE`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum RowErrorCode {
            $($variant,)*
        }

        impl RowErrorCode {
            pub const ALL: &'static [RowErrorCode] = &[$(RowErrorCode::$variant,)*];

            pub fn code(self) -> &'static str {
                match self {
                    $(RowErrorCode::$variant => $code,)*
                }
            }
        }
    };
}

row_error_codes! {
    MappedColumnMissing => "mapped-column-missing",
    RequiredColumnMissing => "required-column-missing",
    UnexpectedValue => "unexpected-value",
    InvalidMonths => "invalid-months",
    EmptyRequired => "empty-required",
    InvalidDate => "invalid-date",
    InvalidCurrency => "invalid-currency",
    NoCurrency => "no-currency",
    InvalidAmount => "invalid-amount",
    TooManyDecimals => "too-many-decimals",
    AmountTooLarge => "amount-too-large",
    AmountNotPositive => "amount-not-positive",
    AmountNegative => "amount-negative",
    InvalidInteger => "invalid-integer",
    DueBeforeIssue => "due-before-issue",
    AllocationSource => "allocation-source",
    NegativeDaysPastDue => "negative-days-past-due",
    CustomerRepeated => "customer-repeated",
    UnknownCustomer => "unknown-customer",
    DocumentChanged => "document-changed",
    DocumentRepeated => "document-repeated",
    PaymentChanged => "payment-changed",
    PaymentRepeated => "payment-repeated",
    CustomerCurrencyDecimals => "customer-currency-decimals",
    CustomerCurrencyTooLarge => "customer-currency-too-large",
    UnknownDocument => "unknown-document",
    AllocationToCreditNote => "allocation-to-credit-note",
    AllocationOtherCustomer => "allocation-other-customer",
    AllocationCurrency => "allocation-currency",
    AllocationOverUnallocated => "allocation-over-unallocated",
    AllocationOverOpen => "allocation-over-open",
    UnknownPayment => "unknown-payment",
    AllocationChanged => "allocation-changed",
    SnapshotRepeated => "snapshot-repeated",
    SnapshotChanged => "snapshot-changed",
}

/// The code and named values of a problem, as [`RowError`] stores them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowMessage {
    pub code: RowErrorCode,
    pub args: Vec<(&'static str, String)>,
}

impl RowMessage {
    pub fn new(code: RowErrorCode, args: Vec<(&'static str, String)>) -> Self {
        Self { code, args }
    }

    /// Describes a failed conversion to money: too many decimals or out of
    /// range, with the amount, currency and allowed decimals.
    pub fn money(error: &recobro_core::money::MoneyError) -> Self {
        use recobro_core::money::MoneyError;
        match error {
            MoneyError::TooManyDecimals { amount, currency, digits } => Self::new(
                RowErrorCode::TooManyDecimals,
                vec![("amount", amount.to_string()), ("currency", currency.to_string()), ("digits", digits.to_string())],
            ),
            MoneyError::OutOfRange { amount, currency } => {
                Self::new(RowErrorCode::AmountTooLarge, vec![("amount", amount.to_string()), ("currency", currency.to_string())])
            }
        }
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)?;
        if let Some((number, header)) = &self.column {
            write!(f, ":{number} (column {header:?})")?;
        }
        if let Some(value) = &self.value {
            write!(f, ": value {value:?}")?;
        }
        write!(f, ": {}", self.problem)?;
        if !self.hint.is_empty() {
            write!(f, ". {}", self.hint)?;
        }
        Ok(())
    }
}

/// Why an import wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{}", format_rejected(.errors, *.more))]
    Rejected { errors: Vec<RowError>, more: usize },
    #[error(transparent)]
    Profile(#[from] super::mapping::ProfileError),
    #[error("{file}: {source}")]
    Source { file: String, source: super::source::SourceError },
    #[error("portfolio {0:?} not found: create it with `recobro portfolio add --code {0} --name NAME --currency CODE`")]
    UnknownPortfolio(String),
    #[error(transparent)]
    Store(#[from] recobro_store::StoreError),
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: std::io::Error },
}

fn format_rejected(errors: &[RowError], more: usize) -> String {
    let mut text = format!("the file was rejected and nothing was written ({} error{}):", errors.len() + more, if errors.len() + more == 1 { "" } else { "s" });
    for error in errors {
        text.push_str("\n  ");
        text.push_str(&error.to_string());
    }
    if more > 0 {
        text.push_str(&format!("\n  ... and {more} more"));
    }
    text
}

/// Collects row errors up to a cap, counting the rest.
#[derive(Debug, Default)]
pub struct ErrorList {
    pub errors: Vec<RowError>,
    pub more: usize,
}

impl ErrorList {
    const CAP: usize = 50;

    pub fn push(&mut self, error: RowError) {
        if self.errors.len() < Self::CAP {
            self.errors.push(error);
        } else {
            self.more += 1;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn into_result(self) -> Result<(), ImportError> {
        if self.errors.is_empty() { Ok(()) } else { Err(ImportError::Rejected { errors: self.errors, more: self.more }) }
    }
}

#[cfg(test)]
mod tests {
    use super::RowErrorCode;

    #[test]
    fn row_error_codes_are_distinct_message_suffixes() {
        let mut seen = std::collections::BTreeSet::new();
        for code in RowErrorCode::ALL {
            let text = code.code();
            assert!(seen.insert(text), "{text} is used twice");
            assert!(!text.is_empty() && text.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{text} is not lowercase words joined by hyphens");
        }
    }
}
