//! The calculation of late interest for one document, period by period.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate};
use rust_decimal::{Decimal, MathematicalOps, RoundingStrategy};

use super::rule::{Compounding, DayCount, InterestRule, RateKind, RateSource, RoundingMethod};
use super::InterestError;
use crate::money::Currency;

/// Part of a payment applied to the document's principal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Payment {
    /// The payment bears interest through this day and reduces the base
    /// from the next day.
    pub date: NaiveDate,
    pub amount_minor: i64,
}

/// The reason an amount is excluded from the interest base.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExclusionKind {
    Dispute,
    Waiver,
}

/// An amount that bears no interest from `first_day` through `last_day`,
/// both included: a disputed or waived amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exclusion {
    pub kind: ExclusionKind,
    pub first_day: NaiveDate,
    /// `None` while the dispute is open or for a waiver that lasts.
    pub last_day: Option<NaiveDate>,
    /// `None` for the whole document, capitalized interest included. A
    /// partial amount is taken from the principal part of the base only,
    /// and never more than the principal still owed.
    pub amount_minor: Option<i64>,
}

impl Exclusion {
    fn covers(&self, day: NaiveDate) -> bool {
        day >= self.first_day && self.last_day.is_none_or(|last| day <= last)
    }
}

/// One overdue document: what is owed, since when, until when, and what
/// changed its interest-bearing amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Debt {
    /// The overdue principal, in minor units.
    pub principal_minor: i64,
    pub currency: Currency,
    pub due_date: NaiveDate,
    /// The last day of interest: the payment or as-of date, included.
    pub until: NaiveDate,
    pub payments: Vec<Payment>,
    pub exclusions: Vec<Exclusion>,
}

/// A run of days with one base, one rate and one year length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterestPeriod {
    /// The first day of interest in the period.
    pub start: NaiveDate,
    /// The last day of interest in the period, included.
    pub end: NaiveDate,
    pub days: i64,
    /// The interest-bearing amount in minor units: principal owed, less
    /// excluded amounts, plus capitalized interest. A whole number of minor
    /// units unless interest was capitalized.
    pub base_minor: Decimal,
    /// The annual rate applied in percent, after the spread and the cap;
    /// `None` for a period computed from published factors.
    pub annual_percent: Option<Decimal>,
    pub rate_kind: RateKind,
    /// The days of the year the rate is spread over: 365, 366 or 360;
    /// `None` for a period computed from published factors.
    pub year_days: Option<u32>,
    /// `factor(end) / factor(start − 1)` for a period computed from
    /// published factors.
    pub factor: Option<Decimal>,
    /// The interest in minor units, unrounded.
    pub interest_exact: Decimal,
    /// The interest shown for the period, in minor units. The shown amounts
    /// of all periods add up to [`InterestResult::interest_minor`].
    pub interest_minor: i64,
}

/// Late interest and compensation of one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterestResult {
    pub currency: Currency,
    pub principal_minor: i64,
    /// Days of interest: `until − due date`, or 0 when the document is not
    /// late or was paid within the grace days.
    pub days: i64,
    /// The date whose rate is fixed for the whole debt, when the rule fixes
    /// one.
    pub reference_date: Option<NaiveDate>,
    pub periods: Vec<InterestPeriod>,
    /// The interest in minor units, unrounded.
    pub interest_exact: Decimal,
    pub interest_minor: i64,
    /// The rule's fixed compensation, owed once the document bears interest.
    pub compensation_minor: i64,
}

impl InterestResult {
    /// Returns interest plus compensation, in minor units.
    pub fn total_minor(&self) -> i64 {
        self.interest_minor + self.compensation_minor
    }
}

/// Computes the late interest of `debt` under `rule`.
///
/// Returns no periods and zero interest and compensation when `until` is on
/// or before the due date, or within the grace days. Errors name the rate
/// table and date when a rate is missing, and the input at fault otherwise.
pub fn calculate(rule: &InterestRule, debt: &Debt) -> Result<InterestResult, InterestError> {
    rule.validate()?;
    validate_debt(debt)?;

    let grace_end = debt.due_date + Days::new(u64::from(rule.grace_days));
    let mut result = InterestResult {
        currency: debt.currency,
        principal_minor: debt.principal_minor,
        days: 0,
        reference_date: None,
        periods: Vec::new(),
        interest_exact: Decimal::ZERO,
        interest_minor: 0,
        compensation_minor: 0,
    };
    if debt.until <= grace_end {
        return Ok(result);
    }

    let first_day = debt.due_date + Days::new(1);
    result.days = (debt.until - debt.due_date).num_days();
    result.reference_date = rule.fixing.reference_date(first_day).filter(|_| matches!(rule.source, RateSource::Table(_)));
    result.compensation_minor = rule.compensation.amount_for(debt.principal_minor);

    let reductions = principal_reductions(debt, first_day, grace_end);
    let starts = period_starts(rule, debt, first_day, result.reference_date.is_some(), &reductions);
    result.periods = accrue(rule, debt, &starts, &reductions, result.reference_date)?;

    result.interest_exact = result.periods.iter().map(|period| period.interest_exact).sum();
    result.interest_minor = round_periods(&mut result.periods, rule.rounding_strategy)?;
    Ok(result)
}

fn validate_debt(debt: &Debt) -> Result<(), InterestError> {
    if debt.principal_minor < 0 {
        return Err(InterestError::NegativePrincipal { principal_minor: debt.principal_minor });
    }

    let mut payments = debt.payments.clone();
    payments.sort_by_key(|payment| payment.date);
    let mut paid_minor: i64 = 0;
    for payment in &payments {
        if payment.amount_minor <= 0 {
            return Err(InterestError::InvalidPayment { date: payment.date, amount_minor: payment.amount_minor });
        }
        paid_minor = paid_minor.saturating_add(payment.amount_minor);
        if paid_minor > debt.principal_minor {
            return Err(InterestError::PaymentsExceedPrincipal { date: payment.date, paid_minor, principal_minor: debt.principal_minor });
        }
    }

    for exclusion in &debt.exclusions {
        if let Some(last_day) = exclusion.last_day
            && last_day < exclusion.first_day
        {
            return Err(InterestError::InvalidExclusion(format!("it ends on {last_day}, before it starts on {}", exclusion.first_day)));
        }
        if let Some(amount) = exclusion.amount_minor
            && amount <= 0
        {
            return Err(InterestError::InvalidExclusion(format!("the amount {amount} (minor units) from {} must be greater than zero", exclusion.first_day)));
        }
    }
    Ok(())
}

/// Returns each payment as (first day without it in the base, amount). A
/// payment on or before the end of the grace days leaves the base before
/// the first day of interest.
fn principal_reductions(debt: &Debt, first_day: NaiveDate, grace_end: NaiveDate) -> Vec<(NaiveDate, i64)> {
    let mut reductions: Vec<(NaiveDate, i64)> = debt
        .payments
        .iter()
        .filter(|payment| payment.date < debt.until)
        .map(|payment| {
            let effective = if payment.date <= grace_end { first_day } else { payment.date + Days::new(1) };
            (effective, payment.amount_minor)
        })
        .collect();
    reductions.sort();
    reductions
}

/// Returns the first day of every period: the first day of interest and
/// every later day on which the base, the rate or the year length changes.
fn period_starts(rule: &InterestRule, debt: &Debt, first_day: NaiveDate, rate_is_fixed: bool, reductions: &[(NaiveDate, i64)]) -> Vec<NaiveDate> {
    let last_day = debt.until;
    let within = |day: NaiveDate| day > first_day && day <= last_day;
    let mut starts = BTreeSet::from([first_day]);

    if let RateSource::Table(table) = &rule.source
        && !rate_is_fixed
    {
        starts.extend(table.changes_within(first_day, last_day));
    }
    if let Some(cap) = &rule.cap {
        starts.extend(cap.changes_within(first_day, last_day));
    }
    starts.extend(reductions.iter().map(|(day, _)| *day));
    for exclusion in &debt.exclusions {
        starts.insert(exclusion.first_day);
        if let Some(last) = exclusion.last_day {
            starts.insert(last + Days::new(1));
        }
    }

    let uses_year_length = matches!(rule.source, RateSource::Table(_)) && rule.day_count == DayCount::ActAct;
    for month_start in month_starts(first_day, last_day) {
        let year_start = month_start.month() == 1;
        let capitalizes = match rule.compounding {
            Compounding::Simple => false,
            Compounding::Monthly => true,
            Compounding::Annual => year_start,
        };
        if capitalizes || (uses_year_length && year_start) {
            starts.insert(month_start);
        }
    }

    starts.into_iter().filter(|day| *day == first_day || within(*day)).collect()
}

/// Returns the first day of each month after `first_day`, through `last_day`.
fn month_starts(first_day: NaiveDate, last_day: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    let first_month = first_day.with_day(1).expect("day 1 exists in every month");
    std::iter::successors(first_month.checked_add_months(chrono::Months::new(1)), |month| month.checked_add_months(chrono::Months::new(1))).take_while(move |month| *month <= last_day)
}

/// Computes the exact interest of each period, carrying capitalized interest
/// forward when the rule compounds.
fn accrue(rule: &InterestRule, debt: &Debt, starts: &[NaiveDate], reductions: &[(NaiveDate, i64)], reference_date: Option<NaiveDate>) -> Result<Vec<InterestPeriod>, InterestError> {
    let mut periods = Vec::with_capacity(starts.len());
    let mut capitalized = Decimal::ZERO;
    let mut pending = Decimal::ZERO;

    for (index, start) in starts.iter().copied().enumerate() {
        let end = match starts.get(index + 1) {
            Some(next) => *next - Days::new(1),
            None => debt.until,
        };
        let base_minor = base_on(debt, reductions, start, capitalized);
        let mut period = InterestPeriod {
            start,
            end,
            days: (end - start).num_days() + 1,
            base_minor,
            annual_percent: None,
            rate_kind: rule.rate_kind,
            year_days: None,
            factor: None,
            interest_exact: Decimal::ZERO,
            interest_minor: 0,
        };

        match &rule.source {
            RateSource::Table(_) => accrue_at_rate(rule, &mut period, reference_date)?,
            RateSource::Factors(factors) => {
                let ratio = factors.factor_on(end)?.checked_div(factors.factor_on(start - Days::new(1))?).ok_or(InterestError::Overflow)?;
                period.factor = Some(ratio);
                period.interest_exact = base_minor.checked_mul(ratio - Decimal::ONE).ok_or(InterestError::Overflow)?;
            }
        }

        pending += period.interest_exact;
        if capitalizes_after(rule.compounding, end) {
            capitalized += pending;
            pending = Decimal::ZERO;
        }
        periods.push(period);
    }
    Ok(periods)
}

/// Returns the interest-bearing amount on `day`: principal still owed, less
/// the amounts excluded that day, plus interest capitalized so far.
fn base_on(debt: &Debt, reductions: &[(NaiveDate, i64)], day: NaiveDate, capitalized: Decimal) -> Decimal {
    let active: Vec<&Exclusion> = debt.exclusions.iter().filter(|exclusion| exclusion.covers(day)).collect();
    if active.iter().any(|exclusion| exclusion.amount_minor.is_none()) {
        return Decimal::ZERO;
    }

    let paid: i64 = reductions.iter().filter(|(effective, _)| *effective <= day).map(|(_, amount)| amount).sum();
    let excluded: i64 = active.iter().filter_map(|exclusion| exclusion.amount_minor).fold(0, i64::saturating_add);
    let principal_base = (debt.principal_minor - paid - excluded).max(0);
    Decimal::from(principal_base) + capitalized
}

/// Sets the rate, year length and exact interest of a period of a rate-table
/// rule. An applied rate below zero counts as zero.
fn accrue_at_rate(rule: &InterestRule, period: &mut InterestPeriod, reference_date: Option<NaiveDate>) -> Result<(), InterestError> {
    let RateSource::Table(table) = &rule.source else { unreachable!("called for rate tables only") };
    let mut percent = match reference_date {
        Some(reference_date) => table.rate_on(reference_date)?,
        None => {
            // The rate cannot change within a period; looking up its last
            // day too rejects a period that runs past the table's coverage.
            let percent = table.rate_on(period.start)?;
            table.rate_on(period.end)?;
            percent
        }
    };
    percent += rule.spread_percent;
    if let Some(cap) = &rule.cap {
        percent = percent.min(cap.rate_on(period.start)?);
        cap.rate_on(period.end)?;
    }
    let percent = percent.max(Decimal::ZERO);
    let year_days = rule.day_count.year_days(period.start);
    period.annual_percent = Some(percent);
    period.year_days = Some(year_days);

    let rate = percent / Decimal::ONE_HUNDRED;
    let days = Decimal::from(period.days);
    let overflow = || InterestError::Overflow;
    period.interest_exact = match (rule.rate_kind, rule.rounding) {
        (RateKind::Nominal, RoundingMethod::Total) => {
            let year = Decimal::from(year_days);
            period.base_minor.checked_mul(rate).and_then(|value| value.checked_mul(days)).and_then(|value| value.checked_div(year)).ok_or_else(overflow)?
        }
        (RateKind::Nominal, RoundingMethod::DailyAmount) => {
            let daily = period.base_minor.checked_mul(rate).and_then(|value| value.checked_div(Decimal::from(year_days))).ok_or_else(overflow)?;
            daily.round_dp_with_strategy(0, rule.rounding_strategy).checked_mul(days).ok_or_else(overflow)?
        }
        (RateKind::Effective, _) => {
            let daily_rate = (Decimal::ONE + rate).checked_powd(Decimal::ONE / Decimal::from(year_days)).ok_or_else(overflow)? - Decimal::ONE;
            period.base_minor.checked_mul(daily_rate).and_then(|value| value.checked_mul(days)).ok_or_else(overflow)?
        }
    };
    Ok(())
}

/// Returns whether interest accrued through `day` joins the base the next day.
fn capitalizes_after(compounding: Compounding, day: NaiveDate) -> bool {
    let next = day + Days::new(1);
    match compounding {
        Compounding::Simple => false,
        Compounding::Monthly => next.day() == 1,
        Compounding::Annual => next.day() == 1 && next.month() == 1,
    }
}

/// Rounds the total once and sets each period's shown interest to the
/// rounded running total less the rounded running total before it. Returns
/// the rounded total.
fn round_periods(periods: &mut [InterestPeriod], strategy: RoundingStrategy) -> Result<i64, InterestError> {
    let round = |value: Decimal| -> Result<i64, InterestError> { i64::try_from(value.round_dp_with_strategy(0, strategy)).map_err(|_| InterestError::Overflow) };

    let mut running = Decimal::ZERO;
    let mut shown_so_far: i64 = 0;
    for period in periods.iter_mut() {
        running += period.interest_exact;
        let rounded = round(running)?;
        period.interest_minor = rounded - shown_so_far;
        shown_so_far = rounded;
    }
    Ok(shown_so_far)
}
