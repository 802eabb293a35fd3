//! Approval limits of payment plans.

use rust_decimal::Decimal;

use super::PlanSchedule;

/// The approval limits of an approver. A plan that breaches any of them
/// needs an approver with higher limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanLimits {
    /// Maximum number of installments after the down payment.
    pub max_installments: u32,
    /// Minimum down payment as a percent of the total refinanced.
    pub min_down_payment_percent: Decimal,
    /// Maximum days from the agreement date to the last due date.
    pub max_term_days: i64,
    /// Minimum amount of every installment after the down payment.
    pub min_installment_minor: i64,
}

/// One limit that a plan exceeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LimitBreach {
    TooManyInstallments {
        installment_count: u32,
        max_installments: u32,
    },
    /// `required_minor` is the minimum percent of the total, rounded up to
    /// a whole minor unit.
    DownPaymentTooSmall {
        down_payment_minor: i64,
        required_minor: i64,
    },
    TermTooLong {
        term_days: i64,
        max_term_days: i64,
    },
    /// The smallest installment below the minimum, the first one on a tie.
    InstallmentTooSmall {
        number: u32,
        amount_minor: i64,
        min_installment_minor: i64,
    },
}

impl LimitBreach {
    /// Returns a stable identifier for messages and storage.
    pub fn code(self) -> &'static str {
        match self {
            LimitBreach::TooManyInstallments { .. } => "too_many_installments",
            LimitBreach::DownPaymentTooSmall { .. } => "down_payment_too_small",
            LimitBreach::TermTooLong { .. } => "term_too_long",
            LimitBreach::InstallmentTooSmall { .. } => "installment_too_small",
        }
    }
}

impl PlanLimits {
    /// Lists the limits that `schedule` exceeds, empty when the approver may
    /// approve it.
    pub fn breaches(&self, schedule: &PlanSchedule) -> Vec<LimitBreach> {
        let mut breaches = Vec::new();

        let installment_count = schedule.regular_installments().count() as u32;
        if installment_count > self.max_installments {
            breaches.push(LimitBreach::TooManyInstallments { installment_count, max_installments: self.max_installments });
        }

        let required_minor = self.required_down_payment_minor(schedule.total_minor);
        if schedule.down_payment_minor < required_minor {
            breaches.push(LimitBreach::DownPaymentTooSmall { down_payment_minor: schedule.down_payment_minor, required_minor });
        }

        let term_days = schedule.term_days();
        if term_days > self.max_term_days {
            breaches.push(LimitBreach::TermTooLong { term_days, max_term_days: self.max_term_days });
        }

        let smallest = schedule.regular_installments().min_by_key(|installment| (installment.amount_minor, installment.number));
        if let Some(smallest) = smallest
            && smallest.amount_minor < self.min_installment_minor
        {
            breaches.push(LimitBreach::InstallmentTooSmall {
                number: smallest.number,
                amount_minor: smallest.amount_minor,
                min_installment_minor: self.min_installment_minor,
            });
        }

        breaches
    }

    /// Returns whether an approver with these limits may approve `schedule`.
    pub fn allows(&self, schedule: &PlanSchedule) -> bool {
        self.breaches(schedule).is_empty()
    }

    /// Computes the minimum down payment for `total_minor`, rounded up so
    /// that a down payment of that amount is never below the percent.
    fn required_down_payment_minor(&self, total_minor: i64) -> i64 {
        let exact = Decimal::from(total_minor) * self.min_down_payment_percent / Decimal::ONE_HUNDRED;
        i64::try_from(exact.ceil()).unwrap_or(i64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use crate::plan::{DEFAULT_ROUNDING, Frequency, InterestMethod, PlanTerms, build_schedule};
    use chrono::NaiveDate;

    fn date(text: &str) -> NaiveDate {
        crate::dates::parse_iso_date(text).unwrap()
    }

    /// 10,000.00 with 1,000.00 down on the agreement date, then 12 monthly
    /// French installments of 799.64 at 12% a year, the last on 1 January
    /// 2025, 352 days after the agreement.
    fn schedule() -> PlanSchedule {
        let terms = PlanTerms {
            currency: Currency::parse("USD").unwrap(),
            total_minor: 1_000_000,
            down_payment_minor: 100_000,
            agreed_on: date("2024-01-15"),
            down_payment_due_date: date("2024-01-15"),
            installment_count: 12,
            frequency: Frequency::Monthly,
            first_due_date: date("2024-02-01"),
            annual_rate_percent: Decimal::from(12),
            interest_method: InterestMethod::French,
            rounding: DEFAULT_ROUNDING,
        };
        build_schedule(&terms).unwrap()
    }

    fn limits() -> PlanLimits {
        PlanLimits { max_installments: 12, min_down_payment_percent: Decimal::from(10), max_term_days: 352, min_installment_minor: 50_000 }
    }

    #[test]
    fn plan_within_limits() {
        let schedule = schedule();
        assert_eq!(limits().breaches(&schedule), []);
        assert!(limits().allows(&schedule));
    }

    #[test]
    fn each_limit_reports_a_breach() {
        let schedule = schedule();
        let smallest = schedule.regular_installments().map(|installment| installment.amount_minor).min().unwrap();
        let strict = PlanLimits { max_installments: 6, min_down_payment_percent: Decimal::from(20), max_term_days: 180, min_installment_minor: 100_000 };

        assert_eq!(
            strict.breaches(&schedule),
            [
                LimitBreach::TooManyInstallments { installment_count: 12, max_installments: 6 },
                LimitBreach::DownPaymentTooSmall { down_payment_minor: 100_000, required_minor: 200_000 },
                LimitBreach::TermTooLong { term_days: 352, max_term_days: 180 },
                LimitBreach::InstallmentTooSmall { number: 12, amount_minor: smallest, min_installment_minor: 100_000 },
            ]
        );
        assert!(!strict.allows(&schedule));
    }

    #[test]
    fn limits_are_inclusive() {
        let schedule = schedule();
        let smallest = schedule.regular_installments().map(|installment| installment.amount_minor).min().unwrap();
        let exact = PlanLimits { min_installment_minor: smallest, ..limits() };
        assert!(exact.allows(&schedule));

        let one_day_short = PlanLimits { max_term_days: 351, ..limits() };
        assert_eq!(one_day_short.breaches(&schedule), [LimitBreach::TermTooLong { term_days: 352, max_term_days: 351 }]);
    }

    #[test]
    fn required_down_payment_rounds_up() {
        // 10% of 1,000.01 is 100.001, so 100.00 is short by a fraction of a
        // cent and the minimum is 100.01.
        let limits = PlanLimits { min_down_payment_percent: Decimal::from(10), ..limits() };
        assert_eq!(limits.required_down_payment_minor(100_001), 10_001);
        assert_eq!(limits.required_down_payment_minor(100_000), 10_000);
    }

    #[test]
    fn breach_codes() {
        assert_eq!(LimitBreach::TermTooLong { term_days: 1, max_term_days: 0 }.code(), "term_too_long");
        assert_eq!(LimitBreach::DownPaymentTooSmall { down_payment_minor: 0, required_minor: 1 }.code(), "down_payment_too_small");
    }
}
