//! How late interest accrues: the rate source, day count, compounding,
//! grace days, cap, rounding and fixed compensation of a rule.

use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};

use super::table::{FactorTable, RateTable};
use super::InterestError;

/// The day-count convention: how many days make the year that an annual
/// rate is spread over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayCount {
    /// Actual days over 365, leap years included.
    Act365Fixed,
    /// Actual days over 360.
    Act360,
    /// Actual/actual (ISDA): days in a leap year over 366, other days over 365.
    ActAct,
}

impl DayCount {
    pub const ALL: [DayCount; 3] = [DayCount::Act365Fixed, DayCount::Act360, DayCount::ActAct];

    /// Returns the command-line and JSON name: `act365`, `act360` or `actact`.
    pub fn code(self) -> &'static str {
        match self {
            DayCount::Act365Fixed => "act365",
            DayCount::Act360 => "act360",
            DayCount::ActAct => "actact",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|day_count| day_count.code() == code)
    }

    /// Returns the days of the year that `date` belongs to under this
    /// convention: 365, 366 or 360.
    pub fn year_days(self, date: NaiveDate) -> u32 {
        match self {
            DayCount::Act365Fixed => 365,
            DayCount::Act360 => 360,
            DayCount::ActAct if is_leap_year(date.year()) => 366,
            DayCount::ActAct => 365,
        }
    }
}

pub(crate) fn is_leap_year(year: i32) -> bool {
    NaiveDate::from_ymd_opt(year, 2, 29).is_some()
}

/// The meaning of an annual rate in a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RateKind {
    /// A simple annual rate: one day earns `rate / year_days`.
    Nominal,
    /// An effective annual rate (Colombia's "efectivo anual", EA): one day
    /// earns `(1 + rate)^(1 / year_days) − 1`, the daily rate that compounds
    /// to the annual one. It is never divided by the days of the year.
    Effective,
}

/// When accrued interest is added to the base so that it earns interest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Compounding {
    /// Never: interest accrues on overdue principal only.
    Simple,
    /// The interest accrued through the last day of each calendar month joins
    /// the base from the first day of the next month.
    Monthly,
    /// The interest accrued through 31 December joins the base from 1 January.
    Annual,
}

/// The choice of the day whose rate applies to a day of interest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RateFixing {
    /// Each day accrues at the rate in force on that day, so the rate follows
    /// the table period by period (Spain by half-year, Colombia by month).
    FollowTable,
    /// Every day accrues at the rate in force on the 30 June or 31 December
    /// immediately before the first day of interest, fixed for the whole debt
    /// (the UK Late Payment Act's reference rate).
    FixedAtPrecedingHalfYearEnd,
}

impl RateFixing {
    /// Returns the reference date of a debt whose interest starts on
    /// `first_day`, or `None` when each day uses its own rate.
    pub fn reference_date(self, first_day: NaiveDate) -> Option<NaiveDate> {
        match self {
            RateFixing::FollowTable => None,
            RateFixing::FixedAtPrecedingHalfYearEnd if first_day.month() >= 7 => NaiveDate::from_ymd_opt(first_day.year(), 6, 30),
            RateFixing::FixedAtPrecedingHalfYearEnd => NaiveDate::from_ymd_opt(first_day.year() - 1, 12, 31),
        }
    }
}

/// The source of each day's rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RateSource {
    /// Annual rates by date; the rule adds its spread and applies its cap.
    Table(RateTable),
    /// Published accumulated factors (Peru): a period's interest is
    /// `base × (factor(last day) / factor(day before first day) − 1)`. The
    /// factors carry their own compounding and day count, so a rule with
    /// factors must have no spread, no cap, simple compounding and no
    /// daily-amount rounding.
    Factors(FactorTable),
}

/// The method that turns exact interest into minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RoundingMethod {
    /// Each period's interest is kept exact, and the total is rounded once.
    /// Each period shows the rounded running total less the rounded running
    /// total before it, so the shown amounts add up to the total exactly.
    Total,
    /// The interest of one day is rounded to minor units first and then
    /// multiplied by the days of the period, as gov.uk's guidance for the UK
    /// Late Payment Act shows it. Only for nominal rates without factors.
    DailyAmount,
}

/// A fixed sum owed for each late document, on top of interest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Compensation {
    None,
    /// The same amount, in minor units, for every late document.
    Fixed(i64),
    /// Bands by principal: (lowest principal of the band, amount), both in
    /// minor units, sorted by the lowest principal; the first band starts at 0.
    Tiered(Vec<(i64, i64)>),
}

impl Compensation {
    /// Returns the compensation, in minor units, for a late document whose
    /// overdue principal is `principal_minor`.
    pub fn amount_for(&self, principal_minor: i64) -> i64 {
        match self {
            Compensation::None => 0,
            Compensation::Fixed(amount) => *amount,
            Compensation::Tiered(bands) => bands.iter().take_while(|(lowest, _)| *lowest <= principal_minor).last().map_or(0, |(_, amount)| *amount),
        }
    }
}

/// A late-interest rule: everything but the document's amounts and dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterestRule {
    pub source: RateSource,
    /// Percentage points added to the table's rate, such as 8 for the UK's
    /// Bank Rate + 8.
    pub spread_percent: Decimal,
    pub rate_kind: RateKind,
    pub fixing: RateFixing,
    pub day_count: DayCount,
    pub compounding: Compounding,
    /// Days after the due date during which a payment bears no interest. A
    /// payment after them bears interest from the day after the due date, as
    /// if there were no grace days.
    pub grace_days: u32,
    /// The legal maximum annual rate by date, in the rule's rate kind. Each
    /// day accrues at the lesser of its rate and the cap in force that day.
    pub cap: Option<RateTable>,
    pub rounding: RoundingMethod,
    /// Half-up (`MidpointAwayFromZero`) or half-even (`MidpointNearestEven`).
    pub rounding_strategy: RoundingStrategy,
    pub compensation: Compensation,
}

impl InterestRule {
    /// Builds a simple-interest rule at one contractual annual rate, with no
    /// grace days, cap or compensation, rounded half-up.
    pub fn contractual(annual_percent: Decimal, day_count: DayCount) -> Self {
        Self::with_table(RateTable::fixed("contractual rate", annual_percent), day_count)
    }

    /// Builds a simple-interest rule that follows `table` day by day, with
    /// no spread, grace days, cap or compensation, rounded half-up.
    pub fn with_table(table: RateTable, day_count: DayCount) -> Self {
        Self {
            source: RateSource::Table(table),
            spread_percent: Decimal::ZERO,
            rate_kind: RateKind::Nominal,
            fixing: RateFixing::FollowTable,
            day_count,
            compounding: Compounding::Simple,
            grace_days: 0,
            cap: None,
            rounding: RoundingMethod::Total,
            rounding_strategy: RoundingStrategy::MidpointAwayFromZero,
            compensation: Compensation::None,
        }
    }

    /// Checks the combinations the calculation cannot honour.
    pub fn validate(&self) -> Result<(), InterestError> {
        let uses_factors = matches!(self.source, RateSource::Factors(_));
        if uses_factors && (!self.spread_percent.is_zero() || self.cap.is_some() || self.compounding != Compounding::Simple) {
            return Err(InterestError::InvalidRule("a rule with published factors takes no spread, no cap and no compounding: the factors already fix the rate".to_string()));
        }
        if self.rounding == RoundingMethod::DailyAmount && (uses_factors || self.rate_kind != RateKind::Nominal || self.compounding != Compounding::Simple) {
            return Err(InterestError::InvalidRule("daily-amount rounding needs a nominal rate table with simple interest".to_string()));
        }
        if !matches!(self.rounding_strategy, RoundingStrategy::MidpointAwayFromZero | RoundingStrategy::MidpointNearestEven) {
            return Err(InterestError::InvalidRule("rounding must be half-up (MidpointAwayFromZero) or half-even (MidpointNearestEven)".to_string()));
        }
        Ok(())
    }
}
