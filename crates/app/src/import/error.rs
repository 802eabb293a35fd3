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
    pub problem: String,
    pub hint: String,
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
