//! Late interest on one overdue document.
//!
//! Interest accrues on overdue principal from the day after the due date
//! through the `until` date, both included, so the days of interest are
//! `until − due date`: a document due on 1 March and paid on 31 March bears
//! 30 days. The span is cut into periods at every rate change, payment,
//! dispute or waiver boundary and capitalization date, and every day belongs
//! to exactly one period. A payment bears interest through its own date.
//!
//! Amounts are `i64` minor units; rates and intermediate interest are exact
//! `Decimal`s, and minor units come out of one rounding of the total (see
//! [`RoundingMethod`]). Statutory regimes ship as data in [`regimes`].

mod calc;
pub mod regimes;
mod rule;
pub mod statement;
mod table;

use chrono::NaiveDate;

pub use calc::{Debt, Exclusion, ExclusionKind, InterestPeriod, InterestResult, Payment, calculate};
pub use rule::{Compensation, Compounding, DayCount, InterestRule, RateFixing, RateKind, RateSource, RoundingMethod};
pub use table::{FactorRow, FactorTable, RateFileError, RateRow, RateTable, parse_factor_csv, parse_rate_csv};

/// An error that stops a late-interest calculation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InterestError {
    #[error("invalid principal {principal_minor} (minor units): the overdue principal cannot be negative")]
    NegativePrincipal { principal_minor: i64 },
    #[error("invalid payment of {amount_minor} (minor units) on {date}: a payment must be greater than zero")]
    InvalidPayment { date: NaiveDate, amount_minor: i64 },
    #[error("the payments up to {date} add up to {paid_minor} (minor units), more than the principal of {principal_minor}: list only the part of each payment applied to principal")]
    PaymentsExceedPrincipal { date: NaiveDate, paid_minor: i64, principal_minor: i64 },
    #[error("invalid exclusion: {0}")]
    InvalidExclusion(String),
    #[error("invalid interest rule: {0}")]
    InvalidRule(String),
    #[error("rate table {table} has no rows")]
    EmptyRateTable { table: String },
    #[error("rate table {table} has two rows for {date}")]
    DuplicateRateDate { table: String, date: NaiveDate },
    #[error("rate table {table} has no rate for {date}: its first rate takes effect on {first}")]
    RateBeforeTable { table: String, date: NaiveDate, first: NaiveDate },
    #[error("rate table {table} has no rate for {date}: it is complete only through {covered_through}; add the later rates to compute past that day")]
    RateNotCovered { table: String, date: NaiveDate, covered_through: NaiveDate },
    #[error("factor table {table} has no factor for {date}: interest can be computed only between listed days")]
    FactorMissing { table: String, date: NaiveDate },
    #[error("the interest is too large to compute exactly")]
    Overflow,
}
