//! The installment schedule of a plan: due dates, and the principal and
//! interest of each installment.

use chrono::{Days, Months, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};

use crate::money::{Currency, format_minor};

/// The maximum number of installments of a plan: 30 years of monthly
/// installments.
pub const MAX_INSTALLMENTS: u32 = 360;

/// The maximum annual rate a plan accepts, in percent. It rejects typing
/// mistakes such as 1200 for 12.00 but still admits the rates of
/// high-inflation economies, which have passed 100% a year.
///
/// NOTE: 300 is a judgment, not a legal limit. The usury cap of a country
/// belongs to the interest rules.
pub const MAX_ANNUAL_RATE_PERCENT: Decimal = Decimal::from_parts(300, 0, 0, false, 0);

/// Half away from zero, which is half up for the positive amounts of a plan.
/// Half even (`MidpointNearestEven`) is the other common choice.
pub const DEFAULT_ROUNDING: RoundingStrategy = RoundingStrategy::MidpointAwayFromZero;

/// How often installments fall due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Frequency {
    /// The same day of every month as the first due date, or the month's
    /// last day when the month is shorter.
    Monthly,
    /// Every 14 days.
    Biweekly,
    /// Every 7 days.
    Weekly,
}

impl Frequency {
    pub const ALL: [Frequency; 3] = [Frequency::Monthly, Frequency::Biweekly, Frequency::Weekly];

    pub fn code(self) -> &'static str {
        match self {
            Frequency::Monthly => "monthly",
            Frequency::Biweekly => "biweekly",
            Frequency::Weekly => "weekly",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|frequency| frequency.code() == code)
    }

    /// Computes the interest rate of one period as a fraction (0.01 for 1%)
    /// from an annual rate in percent. A month is a twelfth of a year. A
    /// biweekly or weekly period is 14 or 7 days of a 365-day year, so 26
    /// biweekly periods come to slightly less than the annual rate.
    pub fn periodic_rate(self, annual_rate_percent: Decimal) -> Decimal {
        let annual_fraction = annual_rate_percent / Decimal::ONE_HUNDRED;
        match self {
            Frequency::Monthly => annual_fraction / Decimal::from(12),
            Frequency::Biweekly => annual_fraction * Decimal::from(14) / Decimal::from(365),
            Frequency::Weekly => annual_fraction * Decimal::from(7) / Decimal::from(365),
        }
    }

    /// Computes the due date of the installment `index` periods after the
    /// first. Monthly dates count from the first due date every time, so a
    /// plan starting on 31 January falls due on 29 February (in a leap year)
    /// and then on 31 March, never drifting to the 29th. Returns `None`
    /// past the calendar's range.
    pub fn due_date(self, first_due_date: NaiveDate, index: u32) -> Option<NaiveDate> {
        match self {
            Frequency::Monthly => first_due_date.checked_add_months(Months::new(index)),
            Frequency::Biweekly => first_due_date.checked_add_days(Days::new(14 * u64::from(index))),
            Frequency::Weekly => first_due_date.checked_add_days(Days::new(7 * u64::from(index))),
        }
    }
}

/// The interest calculation method of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InterestMethod {
    /// Interest on the whole financed amount for the whole term (financed ×
    /// periodic rate × installments), spread evenly over the installments.
    Flat,
    /// French amortization: a constant installment that pays interest on the
    /// declining balance, `financed · r / (1 − (1 + r)^−n)` for periodic rate
    /// `r` and `n` installments.
    French,
}

impl InterestMethod {
    pub fn code(self) -> &'static str {
        match self {
            InterestMethod::Flat => "flat",
            InterestMethod::French => "french",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [InterestMethod::Flat, InterestMethod::French].into_iter().find(|method| method.code() == code)
    }
}

/// The terms a payment plan is built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanTerms {
    pub currency: Currency,
    /// The balance refinanced by the plan, down payment included.
    pub total_minor: i64,
    /// Zero for a plan without down payment. Must be less than the total.
    pub down_payment_minor: i64,
    /// The day the customer agreed to the plan. Payments count from it.
    pub agreed_on: NaiveDate,
    /// Due date of the down payment, from the agreement date up to the first
    /// installment's due date. Ignored when there is no down payment.
    pub down_payment_due_date: NaiveDate,
    /// Number of installments after the down payment, 1 to [`MAX_INSTALLMENTS`].
    pub installment_count: u32,
    pub frequency: Frequency,
    pub first_due_date: NaiveDate,
    /// Annual rate in percent, 0 to [`MAX_ANNUAL_RATE_PERCENT`].
    pub annual_rate_percent: Decimal,
    pub interest_method: InterestMethod,
    /// Rounding of interest to minor units, [`DEFAULT_ROUNDING`] unless the
    /// company sets another.
    pub rounding: RoundingStrategy,
}

impl PlanTerms {
    pub fn financed_minor(&self) -> i64 {
        self.total_minor - self.down_payment_minor
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("the total to refinance must be more than zero, got {}", format_minor(*.total_minor, *.currency))]
    TotalNotPositive { total_minor: i64, currency: Currency },
    #[error("the down payment cannot be negative, got {}", format_minor(*.down_payment_minor, *.currency))]
    NegativeDownPayment { down_payment_minor: i64, currency: Currency },
    #[error(
        "the down payment {} must be less than the total to refinance {}",
        format_minor(*.down_payment_minor, *.currency),
        format_minor(*.total_minor, *.currency)
    )]
    DownPaymentNotBelowTotal { down_payment_minor: i64, total_minor: i64, currency: Currency },
    #[error("a plan needs 1 to {MAX_INSTALLMENTS} installments, got {0}")]
    InstallmentCountOutOfRange(u32),
    #[error("the annual interest rate cannot be negative, got {0}%")]
    NegativeRate(Decimal),
    #[error("the annual interest rate {0}% is above the maximum of {MAX_ANNUAL_RATE_PERCENT}%: enter the rate per year in percent, such as 12.5")]
    RateAboveMaximum(Decimal),
    #[error(
        "the financed amount {} is too small for {installment_count} installments: each installment needs at least one minor unit of principal",
        format_minor(*.financed_minor, *.currency)
    )]
    FinancedBelowInstallmentCount { financed_minor: i64, installment_count: u32, currency: Currency },
    #[error("the first installment's due date {first_due_date} is before the agreement date {agreed_on}")]
    FirstDueBeforeAgreement { first_due_date: NaiveDate, agreed_on: NaiveDate },
    #[error(
        "the down payment's due date {down_payment_due_date} must be between the agreement date {agreed_on} and the first installment's due date {first_due_date}"
    )]
    DownPaymentDueOutOfRange { down_payment_due_date: NaiveDate, agreed_on: NaiveDate, first_due_date: NaiveDate },
    #[error("the plan's amounts are too large to compute exactly; lower the total, the rate or the number of installments")]
    AmountTooLarge,
    #[error("the due dates of a plan starting on {0} run past the last date the calendar supports")]
    DateOutOfRange(NaiveDate),
}

/// One installment of a plan. Number 0 is the down payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Installment {
    pub number: u32,
    pub due_date: NaiveDate,
    pub principal_minor: i64,
    pub interest_minor: i64,
    /// Principal plus interest.
    pub amount_minor: i64,
}

/// The installments of a plan, down payment first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanSchedule {
    pub currency: Currency,
    pub agreed_on: NaiveDate,
    /// The balance refinanced, down payment included.
    pub total_minor: i64,
    pub down_payment_minor: i64,
    /// The total less the down payment: the principal the installments repay.
    pub financed_minor: i64,
    pub total_interest_minor: i64,
    /// Installment 0 (the down payment, only when there is one), then
    /// installments 1 to n in due date order.
    pub installments: Vec<Installment>,
}

impl PlanSchedule {
    /// Returns the sum of all installments: the total refinanced plus interest.
    pub fn amount_due_minor(&self) -> i64 {
        self.installments.iter().map(|installment| installment.amount_minor).sum()
    }

    /// Returns the installments after the down payment.
    pub fn regular_installments(&self) -> impl Iterator<Item = &Installment> {
        self.installments.iter().filter(|installment| installment.number > 0)
    }

    pub fn last_due_date(&self) -> NaiveDate {
        self.installments.last().map_or(self.agreed_on, |installment| installment.due_date)
    }

    /// Days from the agreement date to the last installment's due date.
    pub fn term_days(&self) -> i64 {
        (self.last_due_date() - self.agreed_on).num_days()
    }
}

/// Builds the schedule of a plan from its terms.
///
/// Rounding rules, which make the installments add up exactly to the
/// financed amount plus the total interest:
///
/// - Flat: the total interest is rounded once. Principal and interest are
///   each divided evenly and rounded down, and the last installment takes
///   what remains of both, so it is the largest by at most n − 1 minor units
///   of each.
/// - French: the total interest is that of the exact (unrounded) schedule,
///   rounded once. Installments 1 to n − 1 pay the exact installment
///   rounded to minor units, and the last pays what remains of the total.
///   If the remainder would be zero or less, which can happen only when the
///   installment is at most n minor units, the installment is rounded down
///   instead. The interest part of each installment follows the exact
///   schedule's cumulative interest, rounded, and the principal part is the
///   rest of the installment.
pub fn build_schedule(terms: &PlanTerms) -> Result<PlanSchedule, PlanError> {
    validate_terms(terms)?;

    let financed_minor = terms.financed_minor();
    let count = terms.installment_count;
    let rate = terms.frequency.periodic_rate(terms.annual_rate_percent);
    let parts = match terms.interest_method {
        InterestMethod::Flat => flat_parts(financed_minor, rate, count, terms.rounding)?,
        InterestMethod::French => french_parts(financed_minor, rate, count, terms.rounding)?,
    };
    let total_interest_minor: i64 = parts.iter().map(|part| part.interest_minor).sum();
    terms.total_minor.checked_add(total_interest_minor).ok_or(PlanError::AmountTooLarge)?;

    let mut installments = Vec::with_capacity(parts.len() + 1);
    if terms.down_payment_minor > 0 {
        installments.push(Installment {
            number: 0,
            due_date: terms.down_payment_due_date,
            principal_minor: terms.down_payment_minor,
            interest_minor: 0,
            amount_minor: terms.down_payment_minor,
        });
    }
    for (index, part) in (0..count).zip(parts) {
        let due_date = terms.frequency.due_date(terms.first_due_date, index).ok_or(PlanError::DateOutOfRange(terms.first_due_date))?;
        installments.push(Installment {
            number: index + 1,
            due_date,
            principal_minor: part.principal_minor,
            interest_minor: part.interest_minor,
            amount_minor: part.principal_minor + part.interest_minor,
        });
    }

    Ok(PlanSchedule {
        currency: terms.currency,
        agreed_on: terms.agreed_on,
        total_minor: terms.total_minor,
        down_payment_minor: terms.down_payment_minor,
        financed_minor,
        total_interest_minor,
        installments,
    })
}

/// Checks the terms in the order a person would fix them: amounts, count,
/// rate, then dates.
fn validate_terms(terms: &PlanTerms) -> Result<(), PlanError> {
    let currency = terms.currency;
    if terms.total_minor <= 0 {
        return Err(PlanError::TotalNotPositive { total_minor: terms.total_minor, currency });
    }
    if terms.down_payment_minor < 0 {
        return Err(PlanError::NegativeDownPayment { down_payment_minor: terms.down_payment_minor, currency });
    }
    if terms.down_payment_minor >= terms.total_minor {
        return Err(PlanError::DownPaymentNotBelowTotal { down_payment_minor: terms.down_payment_minor, total_minor: terms.total_minor, currency });
    }

    let count = terms.installment_count;
    if count == 0 || count > MAX_INSTALLMENTS {
        return Err(PlanError::InstallmentCountOutOfRange(count));
    }
    if terms.financed_minor() < i64::from(count) {
        return Err(PlanError::FinancedBelowInstallmentCount { financed_minor: terms.financed_minor(), installment_count: count, currency });
    }

    if terms.annual_rate_percent < Decimal::ZERO {
        return Err(PlanError::NegativeRate(terms.annual_rate_percent));
    }
    if terms.annual_rate_percent > MAX_ANNUAL_RATE_PERCENT {
        return Err(PlanError::RateAboveMaximum(terms.annual_rate_percent));
    }

    if terms.first_due_date < terms.agreed_on {
        return Err(PlanError::FirstDueBeforeAgreement { first_due_date: terms.first_due_date, agreed_on: terms.agreed_on });
    }
    let down_payment_due_date = terms.down_payment_due_date;
    if terms.down_payment_minor > 0 && (down_payment_due_date < terms.agreed_on || down_payment_due_date > terms.first_due_date) {
        return Err(PlanError::DownPaymentDueOutOfRange { down_payment_due_date, agreed_on: terms.agreed_on, first_due_date: terms.first_due_date });
    }
    Ok(())
}

/// The principal and interest parts of one regular installment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct InstallmentParts {
    principal_minor: i64,
    interest_minor: i64,
}

/// Rounds an amount in minor units to a whole minor unit.
fn round_to_minor(amount: Decimal, rounding: RoundingStrategy) -> Result<i64, PlanError> {
    i64::try_from(amount.round_dp_with_strategy(0, rounding)).map_err(|_| PlanError::AmountTooLarge)
}

/// Divides `total` into `count` equal parts rounded down, with the
/// remainder on the last part.
fn split_evenly_remainder_last(total: i64, count: u32) -> Vec<i64> {
    let count = i64::from(count);
    let regular = total / count;
    let last = total - regular * (count - 1);

    let mut parts = vec![regular; (count - 1) as usize];
    parts.push(last);
    parts
}

fn flat_parts(financed_minor: i64, periodic_rate: Decimal, count: u32, rounding: RoundingStrategy) -> Result<Vec<InstallmentParts>, PlanError> {
    let exact_interest = Decimal::from(financed_minor)
        .checked_mul(periodic_rate)
        .and_then(|interest| interest.checked_mul(Decimal::from(count)))
        .ok_or(PlanError::AmountTooLarge)?;
    let total_interest = round_to_minor(exact_interest, rounding)?;

    let principal_parts = split_evenly_remainder_last(financed_minor, count);
    let interest_parts = split_evenly_remainder_last(total_interest, count);
    let parts =
        principal_parts.into_iter().zip(interest_parts).map(|(principal_minor, interest_minor)| InstallmentParts { principal_minor, interest_minor }).collect();
    Ok(parts)
}

/// Computes the French schedule from the exact annuity, without compounding
/// rounding errors from one period to the next.
///
/// With discount factor `v = 1 / (1 + r)` and `S(m) = v + v² + … + v^m`,
/// the exact installment is `P / S(n)` and the exact balance after `k`
/// installments is `P · S(n − k) / S(n)`. These sums have no cancellation,
/// so they stay exact to Decimal's 28 digits for any rate, and a zero rate
/// gives `S(m) = m` (equal principal, no interest).
fn french_parts(financed_minor: i64, periodic_rate: Decimal, count: u32, rounding: RoundingStrategy) -> Result<Vec<InstallmentParts>, PlanError> {
    let principal = Decimal::from(financed_minor);
    let discount_factor = Decimal::ONE / (Decimal::ONE + periodic_rate);
    let n = count as usize;

    // annuity_sums[m] = S(m).
    let mut annuity_sums = Vec::with_capacity(n + 1);
    annuity_sums.push(Decimal::ZERO);
    let mut power = Decimal::ONE;
    for m in 1..=n {
        power *= discount_factor;
        annuity_sums.push(annuity_sums[m - 1] + power);
    }
    let exact_installment = principal / annuity_sums[n];

    // Cumulative interest of the exact schedule after k installments: what
    // was paid (k installments) less the principal repaid (P − balance).
    let mut cumulative_interest = Vec::with_capacity(n);
    for k in 1..=n {
        let balance = principal * annuity_sums[n - k] / annuity_sums[n];
        let paid = exact_installment.checked_mul(Decimal::from(k)).ok_or(PlanError::AmountTooLarge)?;
        cumulative_interest.push(round_to_minor(paid - (principal - balance), rounding)?);
    }
    let total_interest = cumulative_interest[n - 1];
    let total_minor = financed_minor.checked_add(total_interest).ok_or(PlanError::AmountTooLarge)?;

    let amounts = french_amounts(total_minor, exact_installment, count, rounding)?;
    Ok(split_by_cumulative_interest(&amounts, &cumulative_interest))
}

/// Returns installment amounts that add up to `total_minor`: the rounded
/// exact installment n − 1 times, and the remainder last. When that
/// remainder would be zero or less, the installment is rounded down, which
/// leaves a last installment of more than the exact installment less one
/// minor unit, so at least one minor unit.
fn french_amounts(total_minor: i64, exact_installment: Decimal, count: u32, rounding: RoundingStrategy) -> Result<Vec<i64>, PlanError> {
    let others = i64::from(count - 1);
    let mut regular = round_to_minor(exact_installment, rounding)?;
    let mut last = total_minor - regular.checked_mul(others).ok_or(PlanError::AmountTooLarge)?;
    if last <= 0 {
        regular = round_to_minor(exact_installment, RoundingStrategy::ToZero)?;
        last = total_minor - regular * others;
    }

    let mut amounts = vec![regular; others as usize];
    amounts.push(last);
    Ok(amounts)
}

/// Splits each amount into interest and principal so that the interest
/// paid after `k` installments follows `cumulative_interest[k − 1]` as
/// closely as the amounts allow.
///
/// The interest of an installment is kept between zero and the installment,
/// and high enough that the later installments can still carry the interest
/// that is left. So every part is zero or more, the interest adds up to the
/// last cumulative value and the principal adds up to the rest. Needs
/// `amounts` to add up to at least the last cumulative interest.
fn split_by_cumulative_interest(amounts: &[i64], cumulative_interest: &[i64]) -> Vec<InstallmentParts> {
    let total_interest = *cumulative_interest.last().expect("a plan has at least one installment");
    let mut amounts_after: i64 = amounts.iter().sum();
    let mut interest_assigned = 0;

    let mut parts = Vec::with_capacity(amounts.len());
    for (&amount, &target) in amounts.iter().zip(cumulative_interest) {
        amounts_after -= amount;
        let interest_floor = (total_interest - interest_assigned - amounts_after).max(0);
        let interest_minor = (target - interest_assigned).clamp(interest_floor, amount);
        interest_assigned += interest_minor;
        parts.push(InstallmentParts { principal_minor: amount - interest_minor, interest_minor });
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;
    use proptest::prelude::*;

    fn date(text: &str) -> NaiveDate {
        crate::dates::parse_iso_date(text).unwrap()
    }

    fn usd() -> Currency {
        Currency::parse("USD").unwrap()
    }

    /// 10,000.00 over 12 monthly installments from 1 February 2024 at 12% a
    /// year, French, no down payment.
    fn base_terms() -> PlanTerms {
        PlanTerms {
            currency: usd(),
            total_minor: 1_000_000,
            down_payment_minor: 0,
            agreed_on: date("2024-01-15"),
            down_payment_due_date: date("2024-01-15"),
            installment_count: 12,
            frequency: Frequency::Monthly,
            first_due_date: date("2024-02-01"),
            annual_rate_percent: Decimal::from(12),
            interest_method: InterestMethod::French,
            rounding: DEFAULT_ROUNDING,
        }
    }

    fn amounts(schedule: &PlanSchedule) -> Vec<i64> {
        schedule.installments.iter().map(|installment| installment.amount_minor).collect()
    }

    /// Computes the French installment from the textbook formula
    /// `P · r / (1 − (1 + r)^−n)`, independently of the annuity sums used by
    /// the schedule. `(1 + r)^−n` is a product of n discount factors, because
    /// `(1 + r)^n` overflows Decimal at high rates and long terms.
    fn textbook_installment(principal_minor: i64, periodic_rate: Decimal, count: u32) -> Decimal {
        let mut discount = Decimal::ONE;
        for _ in 0..count {
            discount /= Decimal::ONE + periodic_rate;
        }
        Decimal::from(principal_minor) * periodic_rate / (Decimal::ONE - discount)
    }

    #[test]
    fn french_worked_example() {
        // 10,000.00 at 1% a month for 12 months: 888.4879 a month, 661.85
        // interest in total. The other eleven installments, rounded up to
        // 888.49, pay about 2.3 cents more than the exact schedule, so the
        // last one is 888.46.
        let schedule = build_schedule(&base_terms()).unwrap();
        let exact = textbook_installment(1_000_000, Decimal::new(1, 2), 12);
        assert_eq!(exact.round_dp(0), Decimal::from(88_849));

        let mut expected = vec![88_849; 11];
        expected.push(88_846);
        assert_eq!(amounts(&schedule), expected);
        assert_eq!(schedule.total_interest_minor, 66_185);
        assert_eq!(schedule.amount_due_minor(), 1_066_185);

        let first = schedule.installments[0];
        assert_eq!(first.number, 1);
        assert_eq!(first.interest_minor, 10_000);
        assert_eq!(first.principal_minor, 78_849);
    }

    #[test]
    fn french_interest_follows_declining_balance() {
        // Each period's interest is 1% of the exact balance, with the
        // cumulative interest rounded: 100.00, 92.12, 84.15, ... 8.79.
        let schedule = build_schedule(&base_terms()).unwrap();
        let interest: Vec<i64> = schedule.installments.iter().map(|installment| installment.interest_minor).collect();
        assert_eq!(interest, [10_000, 9_212, 8_415, 7_610, 6_799, 5_978, 5_149, 4_312, 3_467, 2_613, 1_751, 879]);
    }

    #[test]
    fn french_matches_textbook_formula() {
        let cases = [
            (Frequency::Monthly, 250_000_000, "7.5", 360),
            (Frequency::Biweekly, 1_234_567, "36", 26),
            (Frequency::Weekly, 50_000, "99.99", 52),
            (Frequency::Monthly, 360, "300", 360),
        ];
        for (frequency, total_minor, rate, count) in cases {
            let terms = PlanTerms { frequency, total_minor, annual_rate_percent: rate.parse().unwrap(), installment_count: count, ..base_terms() };
            let schedule = build_schedule(&terms).unwrap();
            let exact = textbook_installment(total_minor, frequency.periodic_rate(terms.annual_rate_percent), count);

            let regular = schedule.installments[0].amount_minor;
            assert_eq!(Decimal::from(regular), exact.round_dp(0), "{frequency:?} {total_minor} at {rate}% over {count}");
        }
    }

    #[test]
    fn french_zero_rate_splits_evenly() {
        let terms = PlanTerms { total_minor: 100_000, installment_count: 3, annual_rate_percent: Decimal::ZERO, ..base_terms() };
        let schedule = build_schedule(&terms).unwrap();
        assert_eq!(amounts(&schedule), [33_333, 33_333, 33_334]);
        assert_eq!(schedule.total_interest_minor, 0);
    }

    #[test]
    fn french_falls_back_to_rounding_down() {
        // 1.50 over 100 installments: 0.02 rounded up 99 times would exceed
        // the total, so the installment is rounded down to 0.01 and the last
        // takes the remaining 0.51.
        let terms = PlanTerms { total_minor: 150, installment_count: 100, annual_rate_percent: Decimal::ZERO, ..base_terms() };
        let mut expected = vec![1; 99];
        expected.push(51);
        assert_eq!(amounts(&build_schedule(&terms).unwrap()), expected);
    }

    #[test]
    fn flat_interest_spread_evenly() {
        // 12,000.00 at 12% for a year: 1,440.00 interest, 1,120.00 a month.
        let terms = PlanTerms { total_minor: 1_200_000, interest_method: InterestMethod::Flat, ..base_terms() };
        let schedule = build_schedule(&terms).unwrap();
        assert_eq!(schedule.total_interest_minor, 144_000);
        assert_eq!(amounts(&schedule), vec![112_000; 12]);
        assert!(schedule.installments.iter().all(|installment| installment.interest_minor == 12_000));
    }

    #[test]
    fn flat_remainder_goes_last() {
        // 1,000.00 at 10% over 3 months: 25.00 interest, principal 333.33
        // twice and 333.34 last, interest 8.33 twice and 8.34 last.
        let terms = PlanTerms {
            total_minor: 100_000,
            installment_count: 3,
            annual_rate_percent: Decimal::from(10),
            interest_method: InterestMethod::Flat,
            ..base_terms()
        };
        let schedule = build_schedule(&terms).unwrap();
        let principal: Vec<i64> = schedule.installments.iter().map(|installment| installment.principal_minor).collect();
        let interest: Vec<i64> = schedule.installments.iter().map(|installment| installment.interest_minor).collect();
        assert_eq!(principal, [33_333, 33_333, 33_334]);
        assert_eq!(interest, [833, 833, 834]);
        assert_eq!(amounts(&schedule), [34_166, 34_166, 34_168]);
    }

    #[test]
    fn flat_weekly_uses_365_day_year() {
        // 52 weeks are 364 days: 10,000.00 × 10% × 364 / 365 = 997.26.
        let terms = PlanTerms {
            installment_count: 52,
            frequency: Frequency::Weekly,
            annual_rate_percent: Decimal::from(10),
            interest_method: InterestMethod::Flat,
            ..base_terms()
        };
        assert_eq!(build_schedule(&terms).unwrap().total_interest_minor, 99_726);
    }

    #[test]
    fn rounding_strategy_applies() {
        // 0.5 minor units of interest: 1.00 at 6% for a month.
        let half_up =
            PlanTerms { total_minor: 100, installment_count: 1, annual_rate_percent: Decimal::from(6), interest_method: InterestMethod::Flat, ..base_terms() };
        let half_even = PlanTerms { rounding: RoundingStrategy::MidpointNearestEven, ..half_up.clone() };
        assert_eq!(build_schedule(&half_up).unwrap().total_interest_minor, 1);
        assert_eq!(build_schedule(&half_even).unwrap().total_interest_minor, 0);
    }

    #[test]
    fn down_payment_is_installment_zero() {
        let terms = PlanTerms { down_payment_minor: 200_000, down_payment_due_date: date("2024-01-20"), ..base_terms() };
        let schedule = build_schedule(&terms).unwrap();
        let down = schedule.installments[0];
        assert_eq!(down.number, 0);
        assert_eq!(down.due_date, date("2024-01-20"));
        assert_eq!(down.amount_minor, 200_000);
        assert_eq!(down.interest_minor, 0);

        assert_eq!(schedule.financed_minor, 800_000);
        assert_eq!(schedule.installments.len(), 13);
        assert_eq!(schedule.installments[1].number, 1);
        assert_eq!(schedule.amount_due_minor(), 1_000_000 + schedule.total_interest_minor);
    }

    #[test]
    fn no_installment_zero_without_down_payment() {
        let schedule = build_schedule(&base_terms()).unwrap();
        assert_eq!(schedule.installments[0].number, 1);
        assert_eq!(schedule.regular_installments().count(), 12);
    }

    #[test]
    fn monthly_due_dates_clamp_to_month_end() {
        let terms = PlanTerms { first_due_date: date("2024-01-31"), installment_count: 4, ..base_terms() };
        let due_dates: Vec<NaiveDate> = build_schedule(&terms).unwrap().installments.iter().map(|installment| installment.due_date).collect();
        assert_eq!(due_dates, [date("2024-01-31"), date("2024-02-29"), date("2024-03-31"), date("2024-04-30")]);

        let not_leap = PlanTerms { agreed_on: date("2023-01-15"), first_due_date: date("2023-01-31"), installment_count: 3, ..base_terms() };
        let due_dates: Vec<NaiveDate> = build_schedule(&not_leap).unwrap().installments.iter().map(|installment| installment.due_date).collect();
        assert_eq!(due_dates, [date("2023-01-31"), date("2023-02-28"), date("2023-03-31")]);
    }

    #[test]
    fn biweekly_and_weekly_due_dates() {
        assert_eq!(Frequency::Biweekly.due_date(date("2024-02-20"), 1), Some(date("2024-03-05")));
        assert_eq!(Frequency::Weekly.due_date(date("2024-02-27"), 1), Some(date("2024-03-05")));
        assert_eq!(Frequency::Weekly.due_date(date("2024-02-27"), 0), Some(date("2024-02-27")));
    }

    #[test]
    fn term_days_from_agreement() {
        let schedule = build_schedule(&base_terms()).unwrap();
        assert_eq!(schedule.last_due_date(), date("2025-01-01"));
        assert_eq!(schedule.term_days(), 352);
    }

    #[test]
    fn validation_errors() {
        let cases: Vec<(PlanTerms, PlanError)> = vec![
            (PlanTerms { total_minor: 0, ..base_terms() }, PlanError::TotalNotPositive { total_minor: 0, currency: usd() }),
            (PlanTerms { down_payment_minor: -1, ..base_terms() }, PlanError::NegativeDownPayment { down_payment_minor: -1, currency: usd() }),
            (
                PlanTerms { down_payment_minor: 1_000_000, ..base_terms() },
                PlanError::DownPaymentNotBelowTotal { down_payment_minor: 1_000_000, total_minor: 1_000_000, currency: usd() },
            ),
            (PlanTerms { installment_count: 0, ..base_terms() }, PlanError::InstallmentCountOutOfRange(0)),
            (PlanTerms { installment_count: 361, ..base_terms() }, PlanError::InstallmentCountOutOfRange(361)),
            (
                PlanTerms { total_minor: 11, ..base_terms() },
                PlanError::FinancedBelowInstallmentCount { financed_minor: 11, installment_count: 12, currency: usd() },
            ),
            (PlanTerms { annual_rate_percent: Decimal::new(-1, 2), ..base_terms() }, PlanError::NegativeRate(Decimal::new(-1, 2))),
            (PlanTerms { annual_rate_percent: Decimal::new(30_001, 2), ..base_terms() }, PlanError::RateAboveMaximum(Decimal::new(30_001, 2))),
            (
                PlanTerms { first_due_date: date("2024-01-14"), ..base_terms() },
                PlanError::FirstDueBeforeAgreement { first_due_date: date("2024-01-14"), agreed_on: date("2024-01-15") },
            ),
            (
                PlanTerms { down_payment_minor: 1, down_payment_due_date: date("2024-02-02"), ..base_terms() },
                PlanError::DownPaymentDueOutOfRange {
                    down_payment_due_date: date("2024-02-02"),
                    agreed_on: date("2024-01-15"),
                    first_due_date: date("2024-02-01"),
                },
            ),
        ];
        for (terms, expected) in cases {
            assert_eq!(build_schedule(&terms), Err(expected));
        }
    }

    #[test]
    fn validation_messages() {
        let error = build_schedule(&PlanTerms { down_payment_minor: 1_500_000, ..base_terms() }).unwrap_err();
        assert_eq!(error.to_string(), "the down payment 15000.00 must be less than the total to refinance 10000.00");

        let error = build_schedule(&PlanTerms { annual_rate_percent: Decimal::from(1200), ..base_terms() }).unwrap_err();
        assert_eq!(error.to_string(), "the annual interest rate 1200% is above the maximum of 300%: enter the rate per year in percent, such as 12.5");

        let error = build_schedule(&PlanTerms { installment_count: 0, ..base_terms() }).unwrap_err();
        assert_eq!(error.to_string(), "a plan needs 1 to 360 installments, got 0");
    }

    #[test]
    fn unused_down_payment_date_unchecked() {
        let terms = PlanTerms { down_payment_due_date: date("2030-01-01"), annual_rate_percent: Decimal::ZERO, ..base_terms() };
        assert!(build_schedule(&terms).is_ok());
    }

    #[test]
    fn huge_amounts_fail_cleanly() {
        let terms = PlanTerms { total_minor: i64::MAX, annual_rate_percent: Decimal::from(300), installment_count: 360, ..base_terms() };
        assert_eq!(build_schedule(&terms), Err(PlanError::AmountTooLarge));
        let flat = PlanTerms { interest_method: InterestMethod::Flat, ..terms };
        assert_eq!(build_schedule(&flat), Err(PlanError::AmountTooLarge));
    }

    #[test]
    fn split_clamps_interest_to_amounts() {
        // Cumulative interest that the amounts cannot follow: the split
        // moves interest so that no part goes below zero.
        let parts = split_by_cumulative_interest(&[5, 5, 5], &[9, 9, 12]);
        let interest: Vec<i64> = parts.iter().map(|part| part.interest_minor).collect();
        let principal: Vec<i64> = parts.iter().map(|part| part.principal_minor).collect();
        assert_eq!(interest, [5, 4, 3]);
        assert_eq!(principal, [0, 1, 2]);

        let parts = split_by_cumulative_interest(&[5, 5, 1], &[0, 0, 10]);
        let interest: Vec<i64> = parts.iter().map(|part| part.interest_minor).collect();
        assert_eq!(interest, [4, 5, 1]);
    }

    fn any_terms() -> impl Strategy<Value = PlanTerms> {
        let frequency = prop::sample::select(Frequency::ALL.to_vec());
        let method = prop::sample::select(vec![InterestMethod::Flat, InterestMethod::French]);
        let rounding = prop::sample::select(vec![RoundingStrategy::MidpointAwayFromZero, RoundingStrategy::MidpointNearestEven, RoundingStrategy::ToZero]);
        // Small financed amounts reach the rounding fallbacks.
        let extra_financed = prop_oneof![0i64..1_000, 0i64..1_000_000_000_000];
        (1u32..=MAX_INSTALLMENTS, extra_financed, 0i64..10_000_000, 0i64..=30_000, frequency, method, rounding, 0i64..30, 0i64..40_000).prop_map(
            |(count, extra_financed, down_payment_minor, rate_hundredths, frequency, interest_method, rounding, down_offset, first_offset)| {
                let agreed_on = date("2000-01-01") + chrono::Duration::days(first_offset);
                let first_due_date = agreed_on + chrono::Duration::days(down_offset);
                PlanTerms {
                    currency: usd(),
                    total_minor: down_payment_minor + i64::from(count) + extra_financed,
                    down_payment_minor,
                    agreed_on,
                    down_payment_due_date: agreed_on + chrono::Duration::days(down_offset / 2),
                    installment_count: count,
                    frequency,
                    first_due_date,
                    annual_rate_percent: Decimal::new(rate_hundredths, 2),
                    interest_method,
                    rounding,
                }
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn schedule_adds_up_exactly(terms in any_terms()) {
            let schedule = build_schedule(&terms).unwrap();
            let regular: Vec<Installment> = schedule.regular_installments().copied().collect();
            prop_assert_eq!(regular.len(), terms.installment_count as usize);

            let principal: i64 = regular.iter().map(|installment| installment.principal_minor).sum();
            let interest: i64 = regular.iter().map(|installment| installment.interest_minor).sum();
            let amount: i64 = regular.iter().map(|installment| installment.amount_minor).sum();
            prop_assert_eq!(principal, terms.financed_minor());
            prop_assert_eq!(interest, schedule.total_interest_minor);
            prop_assert_eq!(amount, terms.financed_minor() + schedule.total_interest_minor);
            prop_assert_eq!(schedule.amount_due_minor(), terms.total_minor + schedule.total_interest_minor);

            for installment in &schedule.installments {
                prop_assert!(installment.principal_minor >= 0, "{:?}", installment);
                prop_assert!(installment.interest_minor >= 0, "{:?}", installment);
                prop_assert!(installment.amount_minor >= 1, "{:?}", installment);
                prop_assert_eq!(installment.amount_minor, installment.principal_minor + installment.interest_minor);
            }
        }

        #[test]
        fn installments_but_last_are_equal(terms in any_terms()) {
            let schedule = build_schedule(&terms).unwrap();
            let amounts: Vec<i64> = schedule.regular_installments().map(|installment| installment.amount_minor).collect();
            let (last, others) = amounts.split_last().unwrap();
            if let Some(first) = others.first() {
                prop_assert!(others.iter().all(|amount| amount == first));
                if terms.interest_method == InterestMethod::Flat {
                    prop_assert!(last >= first);
                }
            }
        }

        #[test]
        fn due_dates_strictly_increase(terms in any_terms()) {
            let schedule = build_schedule(&terms).unwrap();
            let regular: Vec<NaiveDate> = schedule.regular_installments().map(|installment| installment.due_date).collect();
            prop_assert_eq!(regular[0], terms.first_due_date);
            for pair in regular.windows(2) {
                prop_assert!(pair[0] < pair[1], "{} then {}", pair[0], pair[1]);
            }
            if terms.down_payment_minor > 0 {
                prop_assert!(schedule.installments[0].due_date <= regular[0]);
            }
        }

        #[test]
        fn monthly_dates_keep_first_day(first_offset in 0i64..20_000, index in 0u32..MAX_INSTALLMENTS) {
            let first = date("2000-01-01") + chrono::Duration::days(first_offset);
            let due = Frequency::Monthly.due_date(first, index).unwrap();
            prop_assert_eq!(month_index(due), month_index(first) + i64::from(index));
            prop_assert_eq!(due.day(), first.day().min(last_day_of_month(due)));
        }

        #[test]
        fn french_total_interest_is_exact_schedule(terms in any_terms()) {
            let terms = PlanTerms { interest_method: InterestMethod::French, ..terms };
            let schedule = build_schedule(&terms).unwrap();
            let rate = terms.frequency.periodic_rate(terms.annual_rate_percent);
            prop_assume!(!rate.is_zero());

            // n · installment − principal, from the textbook installment.
            let exact = textbook_installment(terms.financed_minor(), rate, terms.installment_count);
            let exact_interest = exact * Decimal::from(terms.installment_count) - Decimal::from(terms.financed_minor());
            let difference = (Decimal::from(schedule.total_interest_minor) - exact_interest).abs();
            prop_assert!(difference <= Decimal::ONE, "{} against {}", schedule.total_interest_minor, exact_interest);
        }
    }

    fn month_index(day: NaiveDate) -> i64 {
        i64::from(day.year()) * 12 + i64::from(day.month0())
    }

    fn last_day_of_month(day: NaiveDate) -> u32 {
        let next_month = day.with_day(1).unwrap().checked_add_months(Months::new(1)).unwrap();
        next_month.pred_opt().unwrap().day()
    }
}
