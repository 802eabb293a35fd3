//! The period-by-period interest engine against a naive day-by-day
//! reference: random principals, dates across leap years, rate changes,
//! caps, grace days, partial payments and disputes.

use chrono::{Datelike, Days, NaiveDate};
use proptest::prelude::*;
use recobro_core::Currency;
use recobro_core::interest::{DayCount, Debt, Exclusion, ExclusionKind, InterestResult, InterestRule, Payment, RateKind, RateRow, RateTable, calculate};
use rust_decimal::{Decimal, MathematicalOps, RoundingStrategy};

/// Returns the day that every generated date counts its offset from.
fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(2019, 1, 1).unwrap()
}

fn day(offset: u32) -> NaiveDate {
    epoch() + Days::new(u64::from(offset))
}

#[derive(Debug, Clone)]
struct Case {
    principal_minor: i64,
    due_offset: u32,
    late_days: i64,
    /// (offset of the change, rate in hundredths of a percent).
    rate_changes: Vec<(u32, u32)>,
    cap: Option<Vec<(u32, u32)>>,
    day_count: DayCount,
    rate_kind: RateKind,
    grace_days: u32,
    /// (offset from the due date, share of the principal in thousandths).
    payments: Vec<(i64, u32)>,
    /// (first offset from the due date, length in days or `None` for open,
    /// amount in thousandths of the principal or `None` for all).
    exclusions: Vec<(i64, Option<u32>, Option<u32>)>,
}

fn rate_changes() -> impl Strategy<Value = Vec<(u32, u32)>> {
    prop::collection::vec((1u32..2_900, 0u32..4_000), 0..5)
}

fn case() -> impl Strategy<Value = Case> {
    (
        (0i64..2_000_000_000, 0u32..1_500, -40i64..1_300),
        (rate_changes(), 0u32..4_000, prop::option::of((rate_changes(), 500u32..3_000))),
        (prop::sample::select(vec![DayCount::Act365Fixed, DayCount::Act360, DayCount::ActAct]), prop::bool::ANY, 0u32..15),
        prop::collection::vec((-10i64..1_400, 1u32..400), 0..4),
        prop::collection::vec((-20i64..1_300, prop::option::of(0u32..200), prop::option::of(1u32..700)), 0..3),
    )
        .prop_map(|((principal_minor, due_offset, late_days), (mut changes, first_rate, cap), (day_count, effective, grace_days), payments, exclusions)| {
            changes.push((0, first_rate));
            let cap = cap.map(|(mut cap_changes, first_cap)| {
                cap_changes.push((0, first_cap));
                cap_changes
            });
            Case {
                principal_minor,
                due_offset,
                late_days,
                rate_changes: changes,
                cap,
                day_count,
                rate_kind: if effective { RateKind::Effective } else { RateKind::Nominal },
                grace_days,
                payments,
                exclusions,
            }
        })
}

fn percent(hundredths: u32) -> Decimal {
    Decimal::new(i64::from(hundredths), 2)
}

/// Keeps the last rate given for each offset, as a table row per date.
fn table(name: &str, changes: &[(u32, u32)]) -> RateTable {
    let mut rows: Vec<RateRow> = Vec::new();
    for (offset, hundredths) in changes {
        rows.retain(|row| row.effective_from != day(*offset));
        rows.push(RateRow { effective_from: day(*offset), percent: percent(*hundredths) });
    }
    RateTable::new(name, rows, None).unwrap()
}

fn build(case: &Case) -> (InterestRule, Debt) {
    let rule = InterestRule {
        rate_kind: case.rate_kind,
        grace_days: case.grace_days,
        cap: case.cap.as_ref().map(|changes| table("cap", changes)),
        ..InterestRule::with_table(table("rates", &case.rate_changes), case.day_count)
    };

    let due_date = day(case.due_offset);
    let offset_date = |offset: i64| due_date.checked_add_signed(chrono::TimeDelta::days(offset)).unwrap();
    let mut remaining = case.principal_minor;
    let mut payments = Vec::new();
    for (offset, thousandths) in &case.payments {
        let amount_minor = (case.principal_minor * i64::from(*thousandths) / 1_000).min(remaining);
        if amount_minor > 0 {
            payments.push(Payment { date: offset_date(*offset), amount_minor });
            remaining -= amount_minor;
        }
    }

    let exclusions = case
        .exclusions
        .iter()
        .map(|(offset, length, thousandths)| Exclusion {
            kind: ExclusionKind::Dispute,
            first_day: offset_date(*offset),
            last_day: length.map(|length| offset_date(offset + i64::from(length))),
            amount_minor: thousandths.map(|thousandths| (case.principal_minor * i64::from(thousandths) / 1_000).max(1)),
        })
        .collect();

    let debt = Debt { principal_minor: case.principal_minor, currency: Currency::parse("EUR").unwrap(), due_date, until: offset_date(case.late_days), payments, exclusions };
    (rule, debt)
}

/// Returns the rate of `changes` in force on `date`, scanning every row.
fn naive_rate(changes: &[(u32, u32)], date: NaiveDate) -> Decimal {
    let mut best: Option<(NaiveDate, Decimal)> = None;
    for (offset, hundredths) in changes {
        let effective = day(*offset);
        if effective <= date && best.is_none_or(|(when, _)| effective >= when) {
            best = Some((effective, percent(*hundredths)));
        }
    }
    best.expect("a change at offset 0 precedes every generated date").1
}

fn naive_year_days(day_count: DayCount, date: NaiveDate) -> u32 {
    let leap = NaiveDate::from_ymd_opt(date.year(), 2, 29).is_some();
    match day_count {
        DayCount::Act365Fixed => 365,
        DayCount::Act360 => 360,
        DayCount::ActAct if leap => 366,
        DayCount::ActAct => 365,
    }
}

/// Returns the base of one day, from the raw inputs.
fn naive_base(debt: &Debt, grace_end: NaiveDate, date: NaiveDate) -> i64 {
    let mut excluded: i64 = 0;
    for exclusion in &debt.exclusions {
        let active = date >= exclusion.first_day && exclusion.last_day.is_none_or(|last| date <= last);
        if !active {
            continue;
        }
        match exclusion.amount_minor {
            None => return 0,
            Some(amount) => excluded += amount,
        }
    }

    let mut paid: i64 = 0;
    for payment in &debt.payments {
        let paid_before_this_day = payment.date < date || payment.date <= grace_end;
        if paid_before_this_day {
            paid += payment.amount_minor;
        }
    }
    (debt.principal_minor - paid - excluded).max(0)
}

/// Adds up the interest of every late day on its own: the reference the
/// engine must match. Returns (exact interest, base of each day).
fn day_by_day(case: &Case, debt: &Debt) -> (Decimal, Vec<(NaiveDate, i64)>) {
    let grace_end = debt.due_date + Days::new(u64::from(case.grace_days));
    if debt.until <= grace_end {
        return (Decimal::ZERO, Vec::new());
    }

    let mut total = Decimal::ZERO;
    let mut bases = Vec::new();
    let mut date = debt.due_date + Days::new(1);
    while date <= debt.until {
        let mut rate = naive_rate(&case.rate_changes, date);
        if let Some(cap) = &case.cap {
            rate = rate.min(naive_rate(cap, date));
        }
        let year_days = Decimal::from(naive_year_days(case.day_count, date));
        let base = naive_base(debt, grace_end, date);
        let daily_rate = match case.rate_kind {
            RateKind::Nominal => rate / Decimal::ONE_HUNDRED / year_days,
            RateKind::Effective => (Decimal::ONE + rate / Decimal::ONE_HUNDRED).powd(Decimal::ONE / year_days) - Decimal::ONE,
        };

        total += Decimal::from(base) * daily_rate;
        bases.push((date, base));
        date = date + Days::new(1);
    }
    (total, bases)
}

fn assert_days_once(result: &InterestResult, debt: &Debt) {
    if result.periods.is_empty() {
        return;
    }
    assert_eq!(result.periods[0].start, debt.due_date + Days::new(1));
    assert_eq!(result.periods.last().unwrap().end, debt.until);
    for pair in result.periods.windows(2) {
        assert_eq!(pair[1].start, pair[0].end + Days::new(1), "periods must neither overlap nor leave gaps");
    }
    for period in &result.periods {
        assert!(period.days >= 1);
        assert_eq!(period.days, (period.end - period.start).num_days() + 1);
    }
    let days: i64 = result.periods.iter().map(|period| period.days).sum();
    assert_eq!(days, result.days);
    assert_eq!(result.days, (debt.until - debt.due_date).num_days());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn engine_matches_day_by_day(case in case()) {
        let (rule, debt) = build(&case);
        let result = calculate(&rule, &debt).unwrap();
        let (reference, bases) = day_by_day(&case, &debt);

        assert_days_once(&result, &debt);
        prop_assert_eq!(result.days == 0, bases.is_empty());

        for (date, base) in &bases {
            let period = result.periods.iter().find(|period| period.start <= *date && *date <= period.end).unwrap();
            prop_assert_eq!(period.base_minor, Decimal::from(*base), "base on {}", date);
        }

        let rounded_reference = reference.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
        prop_assert_eq!(Decimal::from(result.interest_minor), rounded_reference, "exact engine {} against reference {}", result.interest_exact, reference);
        prop_assert!((result.interest_exact - reference).abs() < Decimal::new(1, 12), "exact engine {} against reference {}", result.interest_exact, reference);

        let shown: i64 = result.periods.iter().map(|period| period.interest_minor).sum();
        prop_assert_eq!(shown, result.interest_minor);
    }
}
