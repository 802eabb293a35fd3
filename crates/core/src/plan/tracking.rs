//! Tracking of a plan's installments against the payments received.

use chrono::{Days, NaiveDate};

use super::PlanSchedule;

/// The state of one installment on the evaluation date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InstallmentStatus {
    /// Nothing left to pay.
    Paid,
    /// Paid in part, and its due date is the evaluation date or later.
    PartlyPaid,
    /// Nothing paid yet, and its due date is the evaluation date or later.
    Upcoming,
    /// Not paid in full after its due date. It breaks the plan once the
    /// grace days have passed too.
    Overdue,
}

impl InstallmentStatus {
    pub fn code(self) -> &'static str {
        match self {
            InstallmentStatus::Paid => "paid",
            InstallmentStatus::PartlyPaid => "partly_paid",
            InstallmentStatus::Upcoming => "upcoming",
            InstallmentStatus::Overdue => "overdue",
        }
    }
}

/// One installment and what has been paid towards it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InstallmentState {
    pub number: u32,
    pub due_date: NaiveDate,
    pub amount_minor: i64,
    pub paid_minor: i64,
    /// The amount less what was paid.
    pub owed_minor: i64,
    pub status: InstallmentStatus,
}

/// The installment that broke a plan and the day it broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PlanBreak {
    pub installment_number: u32,
    pub due_date: NaiveDate,
    /// The day after the last day of grace: due date + grace days + 1.
    pub broken_on: NaiveDate,
}

/// The state of a plan on the evaluation date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlanStatus {
    /// Not broken, and not yet paid in full.
    Active,
    /// Paid in full, and no installment broke the plan before that.
    Completed,
    /// An installment was not paid in full by its due date plus the grace
    /// days. A later payment does not repair the plan.
    Broken(PlanBreak),
}

impl PlanStatus {
    pub fn code(self) -> &'static str {
        match self {
            PlanStatus::Active => "active",
            PlanStatus::Completed => "completed",
            PlanStatus::Broken(_) => "broken",
        }
    }
}

/// A plan's installments and status on one date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanEvaluation {
    pub status: PlanStatus,
    pub installments: Vec<InstallmentState>,
    /// The payments counted: from the agreement date to the evaluation date.
    pub paid_minor: i64,
    /// The amount left to pay of the whole plan, due or not.
    pub owed_minor: i64,
    /// The amount left to pay of installments past their due date.
    pub overdue_minor: i64,
    /// Payments beyond the plan's total, which no installment received.
    pub overpaid_minor: i64,
}

/// Evaluates a plan on `as_of` from the customer's payments as (date,
/// amount).
///
/// Only payments from the agreement date to `as_of` count. They pay the
/// installments oldest first, and what exceeds an installment carries
/// forward to the next. An installment not paid in full by its due date
/// plus `grace_days` breaks the plan on the following day, and payments
/// after that day do not change the break.
pub fn evaluate_plan(schedule: &PlanSchedule, payments: &[(NaiveDate, i64)], grace_days: u32, as_of: NaiveDate) -> PlanEvaluation {
    let mut counted: Vec<(NaiveDate, i64)> = payments.iter().copied().filter(|&(paid_on, _)| paid_on >= schedule.agreed_on && paid_on <= as_of).collect();
    counted.sort_by_key(|&(paid_on, _)| paid_on);
    let paid_minor: i64 = counted.iter().map(|&(_, amount)| amount).sum();

    let installments = installment_states(schedule, paid_minor, as_of);
    let owed_minor = installments.iter().map(|state| state.owed_minor).sum();
    let overdue_minor = installments.iter().filter(|state| state.status == InstallmentStatus::Overdue).map(|state| state.owed_minor).sum();
    let overpaid_minor = (paid_minor - schedule.amount_due_minor()).max(0);

    let status = match find_break(schedule, &counted, grace_days, as_of) {
        Some(plan_break) => PlanStatus::Broken(plan_break),
        None if owed_minor == 0 => PlanStatus::Completed,
        None => PlanStatus::Active,
    };

    PlanEvaluation { status, installments, paid_minor, owed_minor, overdue_minor, overpaid_minor }
}

/// Applies `paid_minor` to the installments oldest first.
fn installment_states(schedule: &PlanSchedule, paid_minor: i64, as_of: NaiveDate) -> Vec<InstallmentState> {
    let mut available = paid_minor.max(0);
    let mut states = Vec::with_capacity(schedule.installments.len());
    for installment in &schedule.installments {
        let paid = available.min(installment.amount_minor);
        available -= paid;
        let owed_minor = installment.amount_minor - paid;

        let status = if owed_minor == 0 {
            InstallmentStatus::Paid
        } else if as_of > installment.due_date {
            InstallmentStatus::Overdue
        } else if paid > 0 {
            InstallmentStatus::PartlyPaid
        } else {
            InstallmentStatus::Upcoming
        };
        states.push(InstallmentState {
            number: installment.number,
            due_date: installment.due_date,
            amount_minor: installment.amount_minor,
            paid_minor: paid,
            owed_minor,
            status,
        });
    }
    states
}

/// Finds the first installment that payments dated up to its last day of
/// grace did not cover, among those whose break day is `as_of` or earlier.
/// `payments` must be sorted by date.
fn find_break(schedule: &PlanSchedule, payments: &[(NaiveDate, i64)], grace_days: u32, as_of: NaiveDate) -> Option<PlanBreak> {
    let mut due_through = 0;
    for installment in &schedule.installments {
        due_through += installment.amount_minor;

        let last_day_of_grace = installment.due_date.checked_add_days(Days::new(u64::from(grace_days)))?;
        let broken_on = last_day_of_grace.succ_opt()?;
        // Due dates never decrease, so no later installment can break by
        // `as_of` either.
        if broken_on > as_of {
            return None;
        }

        let paid_through: i64 = payments.iter().take_while(|&&(paid_on, _)| paid_on <= last_day_of_grace).map(|&(_, amount)| amount).sum();
        if paid_through < due_through {
            return Some(PlanBreak { installment_number: installment.number, due_date: installment.due_date, broken_on });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use crate::plan::{DEFAULT_ROUNDING, Frequency, InterestMethod, PlanTerms, build_schedule};
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    fn date(text: &str) -> NaiveDate {
        crate::dates::parse_iso_date(text).unwrap()
    }

    /// 1,300.00 agreed on 15 January 2024: 100.00 down that day, then three
    /// interest-free installments of 400.00 on 1 February, 1 March and
    /// 1 April.
    fn schedule() -> PlanSchedule {
        let terms = PlanTerms {
            currency: Currency::parse("USD").unwrap(),
            total_minor: 130_000,
            down_payment_minor: 10_000,
            agreed_on: date("2024-01-15"),
            down_payment_due_date: date("2024-01-15"),
            installment_count: 3,
            frequency: Frequency::Monthly,
            first_due_date: date("2024-02-01"),
            annual_rate_percent: Decimal::ZERO,
            interest_method: InterestMethod::Flat,
            rounding: DEFAULT_ROUNDING,
        };
        build_schedule(&terms).unwrap()
    }

    fn payments(list: &[(&str, i64)]) -> Vec<(NaiveDate, i64)> {
        list.iter().map(|(day, amount)| (date(day), *amount)).collect()
    }

    fn statuses(evaluation: &PlanEvaluation) -> Vec<InstallmentStatus> {
        evaluation.installments.iter().map(|state| state.status).collect()
    }

    fn broken(installment_number: u32, due_date: &str, broken_on: &str) -> PlanStatus {
        PlanStatus::Broken(PlanBreak { installment_number, due_date: date(due_date), broken_on: date(broken_on) })
    }

    #[test]
    fn installment_statuses() {
        let evaluation = evaluate_plan(&schedule(), &payments(&[("2024-01-15", 10_000), ("2024-02-01", 45_000)]), 5, date("2024-02-10"));
        assert_eq!(statuses(&evaluation), [InstallmentStatus::Paid, InstallmentStatus::Paid, InstallmentStatus::PartlyPaid, InstallmentStatus::Upcoming]);

        let owed: Vec<i64> = evaluation.installments.iter().map(|state| state.owed_minor).collect();
        assert_eq!(owed, [0, 0, 35_000, 40_000]);
        assert_eq!(evaluation.owed_minor, 75_000);
        assert_eq!(evaluation.overdue_minor, 0);
        assert_eq!(evaluation.status, PlanStatus::Active);
    }

    #[test]
    fn payments_apply_oldest_first() {
        // One payment of 700.00 covers the down payment and installment 1,
        // and carries 200.00 forward to installment 2.
        let evaluation = evaluate_plan(&schedule(), &payments(&[("2024-01-20", 70_000)]), 5, date("2024-01-25"));
        let paid: Vec<i64> = evaluation.installments.iter().map(|state| state.paid_minor).collect();
        assert_eq!(paid, [10_000, 40_000, 20_000, 0]);
    }

    #[test]
    fn missed_installment_breaks_after_grace() {
        let schedule = schedule();
        let down_only = payments(&[("2024-01-15", 10_000)]);

        let last_day_of_grace = evaluate_plan(&schedule, &down_only, 5, date("2024-02-06"));
        assert_eq!(last_day_of_grace.status, PlanStatus::Active);
        assert_eq!(last_day_of_grace.installments[1].status, InstallmentStatus::Overdue);
        assert_eq!(last_day_of_grace.overdue_minor, 40_000);

        let next_day = evaluate_plan(&schedule, &down_only, 5, date("2024-02-07"));
        assert_eq!(next_day.status, broken(1, "2024-02-01", "2024-02-07"));
    }

    #[test]
    fn zero_grace_breaks_the_day_after_due() {
        let schedule = schedule();
        let down_only = payments(&[("2024-01-15", 10_000)]);
        assert_eq!(evaluate_plan(&schedule, &down_only, 0, date("2024-02-01")).status, PlanStatus::Active);
        assert_eq!(evaluate_plan(&schedule, &down_only, 0, date("2024-02-02")).status, broken(1, "2024-02-01", "2024-02-02"));
    }

    #[test]
    fn payment_on_last_grace_day_keeps_plan() {
        let paid = payments(&[("2024-01-15", 10_000), ("2024-02-06", 40_000)]);
        let evaluation = evaluate_plan(&schedule(), &paid, 5, date("2024-02-20"));
        assert_eq!(evaluation.status, PlanStatus::Active);
    }

    #[test]
    fn late_payment_does_not_repair_break() {
        let schedule = schedule();
        let late = payments(&[("2024-01-15", 10_000), ("2024-02-07", 40_000)]);
        assert_eq!(evaluate_plan(&schedule, &late, 5, date("2024-02-20")).status, broken(1, "2024-02-01", "2024-02-07"));

        let paid_in_full_late = payments(&[("2024-01-15", 10_000), ("2024-02-07", 120_000)]);
        let evaluation = evaluate_plan(&schedule, &paid_in_full_late, 5, date("2024-05-01"));
        assert_eq!(evaluation.status, broken(1, "2024-02-01", "2024-02-07"));
        assert_eq!(evaluation.owed_minor, 0);
    }

    #[test]
    fn short_by_one_cent_breaks() {
        let paid = payments(&[("2024-01-15", 10_000), ("2024-02-01", 39_999)]);
        let evaluation = evaluate_plan(&schedule(), &paid, 5, date("2024-02-07"));
        assert_eq!(evaluation.status, broken(1, "2024-02-01", "2024-02-07"));
        assert_eq!(evaluation.installments[1].owed_minor, 1);
    }

    #[test]
    fn missed_down_payment_breaks() {
        let evaluation = evaluate_plan(&schedule(), &[], 5, date("2024-01-21"));
        assert_eq!(evaluation.status, broken(0, "2024-01-15", "2024-01-21"));
        assert_eq!(evaluate_plan(&schedule(), &[], 5, date("2024-01-20")).status, PlanStatus::Active);
    }

    #[test]
    fn completed_with_overpayment() {
        let paid = payments(&[("2024-01-15", 10_000), ("2024-01-31", 125_000)]);
        let evaluation = evaluate_plan(&schedule(), &paid, 5, date("2024-06-01"));
        assert_eq!(evaluation.status, PlanStatus::Completed);
        assert_eq!(evaluation.owed_minor, 0);
        assert_eq!(evaluation.overpaid_minor, 5_000);
        assert!(evaluation.installments.iter().all(|state| state.status == InstallmentStatus::Paid));
    }

    #[test]
    fn payments_outside_window_ignored() {
        let paid = payments(&[("2024-01-14", 10_000), ("2024-02-03", 50_000)]);
        let evaluation = evaluate_plan(&schedule(), &paid, 5, date("2024-02-02"));
        assert_eq!(evaluation.paid_minor, 0);
        assert_eq!(evaluation.status, broken(0, "2024-01-15", "2024-01-21"));
    }

    #[test]
    fn status_codes() {
        assert_eq!(PlanStatus::Active.code(), "active");
        assert_eq!(broken(1, "2024-02-01", "2024-02-07").code(), "broken");
        assert_eq!(InstallmentStatus::PartlyPaid.code(), "partly_paid");
    }

    proptest! {
        #[test]
        fn break_day_is_exact(
            grace_days in 0u32..20,
            payments in prop::collection::vec((0i64..120, 0i64..60_000), 0..6),
            as_of_offset in 0i64..150,
        ) {
            let schedule = schedule();
            let start = schedule.agreed_on;
            let payments: Vec<(NaiveDate, i64)> = payments.iter().map(|&(offset, amount)| (start + chrono::Duration::days(offset), amount)).collect();
            let as_of = start + chrono::Duration::days(as_of_offset);

            let evaluation = evaluate_plan(&schedule, &payments, grace_days, as_of);
            let paid_total: i64 = payments.iter().filter(|(day, _)| *day <= as_of).map(|(_, amount)| amount).sum();
            let applied: i64 = evaluation.installments.iter().map(|state| state.paid_minor).sum();
            prop_assert_eq!(applied, paid_total.min(schedule.amount_due_minor()));
            prop_assert_eq!(evaluation.owed_minor, schedule.amount_due_minor() - applied);

            if let PlanStatus::Broken(plan_break) = evaluation.status {
                let installment = schedule.installments.iter().find(|installment| installment.number == plan_break.installment_number).unwrap();
                prop_assert_eq!(plan_break.broken_on, installment.due_date + chrono::Duration::days(i64::from(grace_days) + 1));

                let day_before = evaluate_plan(&schedule, &payments, grace_days, plan_break.broken_on.pred_opt().unwrap());
                prop_assert!(!matches!(day_before.status, PlanStatus::Broken(_)));
                let on_the_day = evaluate_plan(&schedule, &payments, grace_days, plan_break.broken_on);
                prop_assert_eq!(on_the_day.status, evaluation.status);
            }
        }
    }
}
