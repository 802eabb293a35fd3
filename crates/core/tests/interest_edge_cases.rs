//! Late interest at the edges: no days, payments on the due date or
//! clearing the principal, grace days, caps, disputes, leap years,
//! capitalization and rounding.

use chrono::NaiveDate;
use recobro_core::Currency;
use recobro_core::interest::{
    Compensation, Compounding, DayCount, Debt, Exclusion, ExclusionKind, InterestError, InterestRule, Payment, RateKind, RateRow, RateTable, calculate,
};
use rust_decimal::{Decimal, RoundingStrategy};

fn date(text: &str) -> NaiveDate {
    recobro_core::parse_iso_date(text).unwrap()
}

fn decimal(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn debt(principal_minor: i64, due: &str, until: &str) -> Debt {
    Debt { principal_minor, currency: Currency::parse("USD").unwrap(), due_date: date(due), until: date(until), payments: Vec::new(), exclusions: Vec::new() }
}

/// 36.5 % a year on actual/365 is exactly 0.1 % a day, so 100,000 minor
/// units earn 100 a day.
fn tenth_percent_a_day() -> InterestRule {
    InterestRule::contractual(decimal("36.5"), DayCount::Act365Fixed)
}

fn payment(day: &str, amount_minor: i64) -> Payment {
    Payment { date: date(day), amount_minor }
}

#[test]
fn until_on_or_before_due_is_zero() {
    let rule = InterestRule { compensation: Compensation::Fixed(4_000), ..tenth_percent_a_day() };

    for until in ["2024-03-01", "2024-02-01"] {
        let result = calculate(&rule, &debt(100_000, "2024-03-01", until)).unwrap();
        assert_eq!(result.days, 0, "until {until}");
        assert_eq!(result.interest_minor, 0, "until {until}");
        assert_eq!(result.compensation_minor, 0, "a document that is not late owes no compensation");
        assert!(result.periods.is_empty());
    }
}

#[test]
fn one_day_late_is_one_day() {
    let result = calculate(&tenth_percent_a_day(), &debt(100_000, "2024-03-01", "2024-03-02")).unwrap();

    assert_eq!(result.days, 1);
    assert_eq!(result.periods[0].start, date("2024-03-02"));
    assert_eq!(result.periods[0].end, date("2024-03-02"));
    assert_eq!(result.interest_minor, 100);
}

#[test]
fn payment_on_due_date_bears_no_interest() {
    let mut late = debt(100_000, "2024-03-01", "2024-03-11");
    late.payments = vec![payment("2024-03-01", 40_000)];
    let result = calculate(&tenth_percent_a_day(), &late).unwrap();

    assert_eq!(result.periods.len(), 1);
    assert_eq!(result.periods[0].base_minor, Decimal::from(60_000));
    assert_eq!(result.interest_minor, 600, "60,000 × 0.1 % × 10 days");
}

#[test]
fn payment_bears_interest_through_its_date() {
    let mut late = debt(100_000, "2024-03-01", "2024-03-11");
    late.payments = vec![payment("2024-03-05", 40_000)];
    let result = calculate(&tenth_percent_a_day(), &late).unwrap();

    let spans: Vec<_> = result.periods.iter().map(|period| (period.start, period.end, period.base_minor)).collect();
    assert_eq!(spans, vec![(date("2024-03-02"), date("2024-03-05"), Decimal::from(100_000)), (date("2024-03-06"), date("2024-03-11"), Decimal::from(60_000))]);
    assert_eq!(result.interest_minor, 400 + 360);
}

#[test]
fn payment_clearing_principal_stops_interest() {
    let mut late = debt(100_000, "2024-03-01", "2024-03-31");
    late.payments = vec![payment("2024-03-03", 30_000), payment("2024-03-06", 70_000)];
    let result = calculate(&tenth_percent_a_day(), &late).unwrap();

    let last = result.periods.last().unwrap();
    assert_eq!((last.start, last.base_minor, last.interest_minor), (date("2024-03-07"), Decimal::ZERO, 0));
    assert_eq!(result.interest_minor, 2 * 100 + 3 * 70);
    assert_eq!(result.days, 30, "days count to until even after the principal is paid");
}

#[test]
fn payments_beyond_principal_are_rejected() {
    let mut late = debt(100_000, "2024-03-01", "2024-03-31");
    late.payments = vec![payment("2024-03-03", 60_000), payment("2024-03-06", 50_000)];
    let error = calculate(&tenth_percent_a_day(), &late).unwrap_err();

    assert_eq!(error, InterestError::PaymentsExceedPrincipal { date: date("2024-03-06"), paid_minor: 110_000, principal_minor: 100_000 });
}

#[test]
fn bad_amounts_are_rejected() {
    let negative = calculate(&tenth_percent_a_day(), &debt(-1, "2024-03-01", "2024-03-31")).unwrap_err();
    assert_eq!(negative, InterestError::NegativePrincipal { principal_minor: -1 });

    let mut zero_payment = debt(100_000, "2024-03-01", "2024-03-31");
    zero_payment.payments = vec![payment("2024-03-03", 0)];
    assert!(matches!(calculate(&tenth_percent_a_day(), &zero_payment), Err(InterestError::InvalidPayment { .. })));

    let mut backwards = debt(100_000, "2024-03-01", "2024-03-31");
    backwards.exclusions = vec![Exclusion { kind: ExclusionKind::Dispute, first_day: date("2024-03-10"), last_day: Some(date("2024-03-09")), amount_minor: None }];
    assert!(matches!(calculate(&tenth_percent_a_day(), &backwards), Err(InterestError::InvalidExclusion(_))));
}

#[test]
fn grace_days_then_interest_from_day_after_due() {
    let rule = InterestRule { grace_days: 5, compensation: Compensation::Fixed(4_000), ..tenth_percent_a_day() };

    let within = calculate(&rule, &debt(100_000, "2024-03-01", "2024-03-06")).unwrap();
    assert_eq!((within.days, within.interest_minor, within.compensation_minor), (0, 0, 0), "paid on the last grace day");

    let after = calculate(&rule, &debt(100_000, "2024-03-01", "2024-03-07")).unwrap();
    assert_eq!(after.days, 6);
    assert_eq!(after.periods[0].start, date("2024-03-02"), "interest counts from the day after the due date");
    assert_eq!(after.interest_minor, 600);
    assert_eq!(after.compensation_minor, 4_000);

    let mut partly_in_grace = debt(100_000, "2024-03-01", "2024-03-11");
    partly_in_grace.payments = vec![payment("2024-03-04", 40_000)];
    let result = calculate(&rule, &partly_in_grace).unwrap();
    assert_eq!(result.periods.len(), 1, "an amount paid within the grace days never bears interest");
    assert_eq!(result.interest_minor, 600);
}

#[test]
fn cap_limits_rate_per_period() {
    let cap = RateTable::new(
        "cap",
        vec![RateRow { effective_from: date("2024-01-01"), percent: decimal("36.5") }, RateRow { effective_from: date("2024-03-06"), percent: decimal("18.25") }],
        None,
    )
    .unwrap();
    let rule = InterestRule { cap: Some(cap), ..InterestRule::contractual(decimal("73"), DayCount::Act365Fixed) };
    let result = calculate(&rule, &debt(100_000, "2024-03-01", "2024-03-10")).unwrap();

    let rates: Vec<_> = result.periods.iter().map(|period| (period.start, period.annual_percent)).collect();
    assert_eq!(rates, vec![(date("2024-03-02"), Some(decimal("36.5"))), (date("2024-03-06"), Some(decimal("18.25")))]);
    assert_eq!(result.interest_minor, 4 * 100 + 5 * 50);

    let below_cap = InterestRule { cap: rule.cap.clone(), ..InterestRule::contractual(decimal("3.65"), DayCount::Act365Fixed) };
    let low = calculate(&below_cap, &debt(100_000, "2024-03-01", "2024-03-10")).unwrap();
    assert!(low.periods.iter().all(|period| period.annual_percent == Some(decimal("3.65"))), "a rate under the cap is kept");
}

#[test]
fn dispute_of_whole_document_skips_its_days() {
    let mut disputed = debt(100_000, "2024-03-01", "2024-03-31");
    disputed.exclusions = vec![Exclusion { kind: ExclusionKind::Dispute, first_day: date("2024-03-11"), last_day: Some(date("2024-03-20")), amount_minor: None }];
    let result = calculate(&tenth_percent_a_day(), &disputed).unwrap();

    let spans: Vec<_> = result.periods.iter().map(|period| (period.start, period.end, period.base_minor)).collect();
    assert_eq!(
        spans,
        vec![
            (date("2024-03-02"), date("2024-03-10"), Decimal::from(100_000)),
            (date("2024-03-11"), date("2024-03-20"), Decimal::ZERO),
            (date("2024-03-21"), date("2024-03-31"), Decimal::from(100_000)),
        ]
    );
    assert_eq!(result.interest_minor, 20 * 100);
}

#[test]
fn waived_amount_leaves_rest_bearing() {
    let mut waived = debt(100_000, "2024-03-01", "2024-03-11");
    waived.exclusions = vec![Exclusion { kind: ExclusionKind::Waiver, first_day: date("2024-03-06"), last_day: None, amount_minor: Some(25_000) }];
    let result = calculate(&tenth_percent_a_day(), &waived).unwrap();

    assert_eq!(result.periods[1].base_minor, Decimal::from(75_000));
    assert_eq!(result.interest_minor, 4 * 100 + 6 * 75);

    let mut overlapping = waived.clone();
    overlapping.exclusions.push(Exclusion { kind: ExclusionKind::Dispute, first_day: date("2024-03-01"), last_day: None, amount_minor: Some(90_000) });
    let floor = calculate(&tenth_percent_a_day(), &overlapping).unwrap();
    assert_eq!(floor.periods[1].base_minor, Decimal::ZERO, "exclusions never make the base negative");
}

#[test]
fn actual_actual_splits_at_new_year() {
    let rule = InterestRule::contractual(decimal("10"), DayCount::ActAct);
    let result = calculate(&rule, &debt(3_660_000, "2023-12-21", "2024-01-10")).unwrap();

    let years: Vec<_> = result.periods.iter().map(|period| (period.days, period.year_days)).collect();
    assert_eq!(years, vec![(10, Some(365)), (10, Some(366))]);
    assert_eq!(result.interest_minor, 10_027 + 10_000, "3,660,000 × 10 % × 10 / 365 and × 10 / 366");
}

#[test]
fn act360_uses_360_day_year() {
    let rule = InterestRule::contractual(decimal("36"), DayCount::Act360);
    let result = calculate(&rule, &debt(100_000, "2024-03-01", "2024-03-31")).unwrap();

    assert_eq!(result.periods[0].year_days, Some(360));
    assert_eq!(result.interest_minor, 3_000);
}

#[test]
fn monthly_compounding_capitalizes_at_month_end() {
    let rule = InterestRule { compounding: Compounding::Monthly, ..tenth_percent_a_day() };
    let result = calculate(&rule, &debt(100_000, "2024-03-30", "2024-04-02")).unwrap();

    let bases: Vec<_> = result.periods.iter().map(|period| (period.start, period.base_minor)).collect();
    assert_eq!(bases, vec![(date("2024-03-31"), Decimal::from(100_000)), (date("2024-04-01"), Decimal::from(100_100))]);
    assert_eq!(result.interest_exact, decimal("300.2"), "100 on 31 March, then 100.1 a day on 100,100");
}

#[test]
fn annual_compounding_waits_for_new_year() {
    let rule = InterestRule { compounding: Compounding::Annual, ..tenth_percent_a_day() };
    let result = calculate(&rule, &debt(100_000, "2024-11-30", "2025-01-01")).unwrap();

    let bases: Vec<_> = result.periods.iter().map(|period| (period.start, period.base_minor)).collect();
    assert_eq!(bases, vec![(date("2024-12-01"), Decimal::from(100_000)), (date("2025-01-01"), Decimal::from(103_100))]);
}

#[test]
fn effective_rate_never_divided_by_days() {
    let rule = InterestRule { rate_kind: RateKind::Effective, ..InterestRule::contractual(decimal("25"), DayCount::Act365Fixed) };
    let result = calculate(&rule, &debt(1_000_000, "2023-01-01", "2024-01-01")).unwrap();

    assert_eq!(result.days, 365);
    assert_eq!(result.interest_minor, 223_212, "365 × ((1.25)^(1/365) − 1), not 25 %: the daily rate does not compound across days");
}

#[test]
fn shown_periods_add_up_to_total() {
    let rule = InterestRule::contractual(decimal("7"), DayCount::Act365Fixed);
    let mut late = debt(1_234_567, "2024-01-15", "2024-06-30");
    late.payments = vec![payment("2024-02-01", 111_111), payment("2024-03-17", 222_222), payment("2024-05-05", 3)];
    let result = calculate(&rule, &late).unwrap();

    let shown: i64 = result.periods.iter().map(|period| period.interest_minor).sum();
    assert_eq!(shown, result.interest_minor);
    assert_eq!(result.interest_minor, i64::try_from(result.interest_exact.round()).unwrap());
    for period in &result.periods {
        assert!((Decimal::from(period.interest_minor) - period.interest_exact).abs() < Decimal::ONE, "{period:?}");
    }
}

#[test]
fn rounding_half_up_or_half_even() {
    // 100 minor units at 0.1 % a day for 5 days earn exactly 0.5.
    let half_up = tenth_percent_a_day();
    let half_even = InterestRule { rounding_strategy: RoundingStrategy::MidpointNearestEven, ..tenth_percent_a_day() };
    let exactly_half = debt(100, "2024-03-01", "2024-03-06");

    assert_eq!(calculate(&half_up, &exactly_half).unwrap().interest_exact, decimal("0.5"));
    assert_eq!(calculate(&half_up, &exactly_half).unwrap().interest_minor, 1);
    assert_eq!(calculate(&half_even, &exactly_half).unwrap().interest_minor, 0);
}
