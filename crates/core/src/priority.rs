//! The priority of a collection case on a collector's worklist.

/// What the priority weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriorityInput {
    pub days_past_due: i64,
    /// Overdue amount in minor units, and the currency's minor digits.
    pub overdue_minor: i64,
    pub minor_digits: u32,
    /// A promise to pay of the customer was broken or only partly kept.
    pub broken_promise: bool,
    /// An open promise of the customer falls due within the next days.
    pub promise_due_soon: bool,
}

/// Points per day past due, capped at a year so that very old cases do not
/// hide everything else.
const MAX_DAY_POINTS: i64 = 365;
/// Points per digit of the overdue amount in major units: 1,234.56 has four
/// digits and gets 100 points, 1,000,000.00 gets 175.
const POINTS_PER_DIGIT: i64 = 25;
const BROKEN_PROMISE_POINTS: i64 = 200;
const PROMISE_DUE_POINTS: i64 = 150;

/// Scores a case: higher comes first. Days past due count one point each
/// up to a year; the overdue amount counts by its order of magnitude, so a
/// ten times larger debt gains a fixed step; a broken promise and a promise
/// falling due add fixed points. Integer arithmetic only.
///
/// Example: 60 days past due with 2,500.00 overdue and a broken promise
/// scores 60 + 4 × 25 + 200 = 360; 150 days with the same amount and no
/// promise scores 250.
pub fn case_priority(input: PriorityInput) -> i64 {
    let day_points = input.days_past_due.clamp(0, MAX_DAY_POINTS);
    let major = input.overdue_minor.max(0) / 10_i64.pow(input.minor_digits);
    let digits = if major == 0 { 0 } else { i64::from(major.ilog10()) + 1 };
    let promise_points = if input.broken_promise { BROKEN_PROMISE_POINTS } else { 0 } + if input.promise_due_soon { PROMISE_DUE_POINTS } else { 0 };
    day_points + digits * POINTS_PER_DIGIT + promise_points
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(days_past_due: i64, overdue_minor: i64) -> PriorityInput {
        PriorityInput { days_past_due, overdue_minor, minor_digits: 2, broken_promise: false, promise_due_soon: false }
    }

    #[test]
    fn documented_example() {
        let broken = PriorityInput { broken_promise: true, ..input(60, 250_000) };
        assert_eq!(case_priority(broken), 360);
        assert_eq!(case_priority(input(150, 250_000)), 250);
    }

    #[test]
    fn weights_order_cases() {
        assert!(case_priority(input(91, 10_000)) > case_priority(input(90, 10_000)), "more days past due");
        assert!(case_priority(input(90, 1_000_000)) > case_priority(input(90, 10_000)), "a larger debt");
        assert_eq!(case_priority(input(500, 0)), case_priority(input(365, 0)), "days are capped at a year");
        assert_eq!(case_priority(input(0, 99)), 0, "less than one major unit and not overdue");
        let due_soon = PriorityInput { promise_due_soon: true, ..input(10, 10_000) };
        assert_eq!(case_priority(due_soon), 10 + 3 * 25 + 150);
        assert_eq!(case_priority(PriorityInput { minor_digits: 0, ..input(0, 1_500) }), 4 * 25, "yen have no minor unit");
    }
}
