//! Late interest of the bundled regimes against published examples and
//! rates, to the cent.

use chrono::NaiveDate;
use recobro_core::Currency;
use recobro_core::interest::regimes::{self, Regime};
use recobro_core::interest::{Debt, InterestError, InterestResult, Payment, RoundingMethod, calculate};
use recobro_core::interest::{Compensation, DayCount, InterestRule, RateKind};
use rust_decimal::{Decimal, MathematicalOps};

fn date(text: &str) -> NaiveDate {
    recobro_core::parse_iso_date(text).unwrap()
}

fn decimal(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn debt(principal_minor: i64, currency: &str, due: &str, until: &str) -> Debt {
    Debt { principal_minor, currency: Currency::parse(currency).unwrap(), due_date: date(due), until: date(until), payments: Vec::new(), exclusions: Vec::new() }
}

fn regime_interest(regime: Regime, debt: &Debt) -> InterestResult {
    calculate(&regime.rule(), debt).unwrap()
}

/// gov.uk, "Late commercial payments: charging interest and debt recovery",
/// page "Interest on late commercial payments"
/// (https://www.gov.uk/late-commercial-payments-interest-debt-recovery/charging-interest-commercial-debt):
/// a business owed £1,000 with a base rate of 0.5 % may charge £85 a year
/// (1,000 × 0.085), 23p a day (85 / 365 = 0.23) and £11.50 after 50 days
/// (50 × 0.23). Bank Rate was 0.5 % on 31 December 2014, the reference date
/// of a debt due on 1 March 2015.
#[test]
fn uk_gov_example_annual_daily_and_fifty_days() {
    let rule = Regime::UkLatePayment.rule();

    let year = calculate(&rule, &debt(100_000, "GBP", "2015-03-01", "2016-03-01")).unwrap();
    assert_eq!(year.reference_date, Some(date("2014-12-31")));
    assert_eq!(year.periods.len(), 1);
    assert_eq!(year.periods[0].annual_percent, Some(decimal("8.5")));
    assert_eq!(year.days, 366, "2016-02-29 falls in the span");

    let one_year = calculate(&rule, &debt(100_000, "GBP", "2015-03-01", "2016-02-29")).unwrap();
    assert_eq!(one_year.days, 365);
    assert_eq!(one_year.interest_minor, 8_500, "£85 a year");

    let one_day = calculate(&rule, &debt(100_000, "GBP", "2015-03-01", "2015-03-02")).unwrap();
    assert_eq!(one_day.interest_minor, 23, "23p a day");

    let daily_amount_rule = recobro_core::interest::InterestRule { rounding: RoundingMethod::DailyAmount, ..rule.clone() };
    let fifty_days = debt(100_000, "GBP", "2015-03-01", "2015-04-20");
    let rounded_daily = calculate(&daily_amount_rule, &fifty_days).unwrap();
    assert_eq!(rounded_daily.days, 50);
    assert_eq!(rounded_daily.interest_minor, 1_150, "50 × 23p, as gov.uk multiplies the rounded daily amount");

    let exact = calculate(&rule, &fifty_days).unwrap();
    assert_eq!(exact.interest_minor, 1_164, "1,000 × 8.5 % × 50 / 365 = 11.6438 rounded once");
    assert_eq!(exact.compensation_minor, 7_000, "£70 for a debt of £1,000 to £9,999.99");
    assert_eq!(exact.total_minor(), 8_164);
}

/// mygov.scot, "Late commercial payments: charging interest and debt
/// recovery", page "Claim debt recovery costs on late payments": up to
/// £999.99 a £40 charge, £1,000 to £9,999.99 £70, £10,000 or more £100.
#[test]
fn uk_compensation_bands() {
    let cases = [(99_999, 4_000), (100_000, 7_000), (999_999, 7_000), (1_000_000, 10_000), (50_000_000, 10_000)];
    for (principal, expected) in cases {
        let result = regime_interest(Regime::UkLatePayment, &debt(principal, "GBP", "2024-01-31", "2024-02-10"));
        assert_eq!(result.compensation_minor, expected, "principal {principal}");
    }
}

/// The reference rate is Bank Rate on the 30 June or 31 December before
/// interest starts, and later Bank Rate changes do not move it.
#[test]
fn uk_rate_fixed_at_reference_date() {
    let july = regime_interest(Regime::UkLatePayment, &debt(100_000, "GBP", "2023-06-30", "2023-07-31"));
    assert_eq!(july.reference_date, Some(date("2023-06-30")));
    assert_eq!(july.periods[0].annual_percent, Some(decimal("13.0")), "Bank Rate 5.0 % from 2023-06-22, plus 8");

    let january = regime_interest(Regime::UkLatePayment, &debt(100_000, "GBP", "2023-12-30", "2024-01-31"));
    assert_eq!(january.reference_date, Some(date("2023-06-30")), "interest starting 31 December uses 30 June");

    let across_cut = regime_interest(Regime::UkLatePayment, &debt(100_000, "GBP", "2024-07-15", "2024-12-31"));
    assert_eq!(across_cut.reference_date, Some(date("2024-06-30")));
    assert_eq!(across_cut.periods.len(), 1, "the 2024-08-01 and 2024-11-07 cuts do not split a fixed-rate debt");
    assert_eq!(across_cut.periods[0].annual_percent, Some(decimal("13.25")));
}

/// Spain's legal late-interest rates as the Treasury published them in the
/// BOE: 8.15 % for the second half of 2014 (BOE-A-2014-6914, from an MRO
/// rate of 0.15 %), 8.00 % for the first half of 2020 (BOE-A-2019-18736)
/// and of 2022 (BOE-A-2021-21959). The 2009-2015 rates come from a compiled
/// list of the BOE resolutions, including 7.75 % before and 8.75 % from 24
/// February 2013. The Gobierno de La Rioja's note on the resolution applying
/// Real Decreto-ley 4/2013 confirms the 8.75 %.
#[test]
fn es_rates_match_published_half_years() {
    let table = regimes::spain_late_payment_rates();
    let published = [
        ("2009-01-01", "9.50"),
        ("2009-07-01", "8.00"),
        ("2010-01-01", "8.00"),
        ("2011-01-01", "8.00"),
        ("2011-07-01", "8.25"),
        ("2012-01-01", "8.00"),
        ("2012-07-01", "8.00"),
        ("2013-01-01", "7.75"),
        ("2013-02-23", "7.75"),
        ("2013-02-24", "8.75"),
        ("2014-01-01", "8.25"),
        ("2014-07-01", "8.15"),
        ("2015-01-01", "8.05"),
        ("2020-01-01", "8.00"),
        ("2022-01-01", "8.00"),
    ];
    for (day, percent) in published {
        assert_eq!(table.rate_on(date(day)).unwrap(), decimal(percent), "rate on {day}");
    }

    assert_eq!(table.rate_on(date("2026-06-30")).unwrap(), decimal("10.15"), "MRO 2.15 % from 2025-06-11, plus 8");
    assert!(matches!(table.rate_on(date("2026-07-01")), Err(InterestError::RateNotCovered { .. })));
    assert!(matches!(table.rate_on(date("2008-12-31")), Err(InterestError::RateBeforeTable { .. })));
}

/// An invoice of 10,000.00 EUR due 2020-01-31 and paid 2020-03-31: 60 days
/// at 8.00 % (BOE-A-2019-18736), actual/365: 10,000 × 0.08 × 60 / 365 =
/// 131.5068, so 131.51 EUR, plus the 40 EUR of Ley 3/2004 art. 8.
/// NOTE: the amounts are computed here; no official worked example in euros
/// was found, only the published rate.
#[test]
fn es_invoice_sixty_days() {
    let result = regime_interest(Regime::EsLatePayment, &debt(1_000_000, "EUR", "2020-01-31", "2020-03-31"));

    assert_eq!(result.days, 60);
    assert_eq!(result.interest_minor, 13_151);
    assert_eq!(result.compensation_minor, 4_000);
    assert_eq!(result.total_minor(), 17_151);
}

#[test]
fn es_rate_changes_at_half_year() {
    let result = regime_interest(Regime::EsLatePayment, &debt(1_000_000, "EUR", "2023-05-31", "2023-08-31"));

    let rates: Vec<_> = result.periods.iter().map(|period| (period.start, period.end, period.annual_percent)).collect();
    assert_eq!(
        rates,
        vec![(date("2023-06-01"), date("2023-06-30"), Some(decimal("10.50"))), (date("2023-07-01"), date("2023-08-31"), Some(decimal("12.00")))],
        "MRO 2.50 % on 2022-12-31 and 4.00 % on 2023-06-30, plus 8"
    );
    assert_eq!(result.interest_minor, 8_630 + 20_384, "10,000 × 10.5 % × 30 / 365 and × 12 % × 62 / 365");
}

/// Covline, guide "¿Cómo se calculan los intereses de demora?"
/// (https://www.covline.es/calcular-intereses-demora/, no publication date in
/// the stored copy): a client owes a small business 2,300 EUR due by 6
/// October 2017 and pays 30 days late. At the 5 % the page applies,
/// 2,300 × (30 / 365) × 5 % = 9.45 EUR.
/// The page uses 5 % rather than the Ley 3/2004 rate of that half-year, so
/// the check uses a fixed-rate rule with the same simple actual/365 formula.
#[test]
fn es_covline_invoice_thirty_days() {
    let rule = InterestRule::contractual(decimal("5"), DayCount::Act365Fixed);
    let result = calculate(&rule, &debt(230_000, "EUR", "2017-10-06", "2017-11-05")).unwrap();

    assert_eq!(result.days, 30);
    assert_eq!(result.interest_minor, 945, "2,300 × 30 / 365 × 5 % = 9.4521");
    assert_eq!(regimes::spain_late_payment_rates().rate_on(date("2017-10-07")).unwrap(), decimal("8.00"), "the statutory rate the page does not use");
}

/// Economía Simple, glossary entry "Interés de demora"
/// (https://www.economiasimple.net/glosario/interes-de-demora, no publication
/// date in the stored copy): a 700 EUR instalment paid 15 days late at a
/// contractual 7 % bears 2.01 EUR. With a 25 EUR claim fee the total is
/// 27.01 EUR. The page writes the rate as 0,7 in its formula, but 2.01 is the
/// result of 0.07. It gives no dates, so the dates here only make 15 days.
#[test]
fn es_economiasimple_instalment_with_fee() {
    let rule = InterestRule { compensation: Compensation::Fixed(2_500), ..InterestRule::contractual(decimal("7"), DayCount::Act365Fixed) };
    let result = calculate(&rule, &debt(70_000, "EUR", "2024-03-01", "2024-03-16")).unwrap();

    assert_eq!(result.days, 15);
    assert_eq!(result.interest_minor, 201, "700 × 7 % × 15 / 365 = 2.0137");
    assert_eq!(result.compensation_minor, 2_500);
    assert_eq!(result.total_minor(), 2_701);
}

/// EmprendePyme, "Cómo calcular los intereses de demora"
/// (https://emprendepyme.net/como-calcular-los-intereses-de-demora.html, no
/// publication date in the stored copy, which uses the 2018 rates): 1,000 EUR
/// unpaid 120 days after the 60-day term at 3.75 % gives 12.38 EUR by
/// 1000 × (120 / 365) × 0.0375.
/// NOTE: that product is 12.3288, so 12.33 EUR. The published 12.38 is what
/// 120 / 365 rounded to 0.33 gives (12.375), a rounding the page does not
/// state. The engine keeps the day fraction exact and gives 5 cents less.
#[test]
fn es_emprendepyme_example_rounds_day_fraction() {
    let rule = InterestRule::contractual(decimal("3.75"), DayCount::Act365Fixed);
    let result = calculate(&rule, &debt(100_000, "EUR", "2018-03-01", "2018-06-29")).unwrap();

    assert_eq!(result.days, 120);
    assert_eq!(result.interest_minor, 1_233);

    let rounded_fraction = (Decimal::from(100_000) * decimal("0.33") * decimal("0.0375")).round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    assert_eq!(rounded_fraction, Decimal::from(1_238), "the published 12.38 EUR");
}

/// Código de Comercio art. 362: "el interés pactado para este caso, o en su
/// defecto el seis por ciento anual", from the day after the due date.
/// 100,000.00 MXN over 30 days: 100,000 × 0.06 × 30 / 365 = 493.15.
#[test]
fn mx_six_percent_act365() {
    let result = regime_interest(Regime::MxCommercial, &debt(10_000_000, "MXN", "2024-01-31", "2024-03-01"));

    assert_eq!(result.days, 30);
    assert_eq!(result.periods[0].annual_percent, Some(decimal("6")));
    assert_eq!(result.periods[0].year_days, Some(365), "actual/365 even in a leap year");
    assert_eq!(result.interest_minor, 49_315);
    assert_eq!(result.compensation_minor, 0);
}

/// The usury rates that the Superintendencia Financiera certified are 1.5
/// times the interés bancario corriente, rounded to two decimals. Valora
/// Analitik reported 16.67 % and 25.01 % for September 2025, and El
/// Espectador 16.66 % and 24.99 % for November 2025.
#[test]
fn co_usury_rate_from_ibc() {
    let usury = regimes::colombia_usury_rates();
    let bank = regimes::colombia_bank_rates();

    for (usury_row, bank_row) in usury.rows().iter().zip(bank.rows()) {
        let expected = (bank_row.percent * decimal("1.5")).round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        assert_eq!(usury_row.percent, expected, "month from {}", usury_row.effective_from);
    }
}

/// 10,000,000.00 COP due 2025-09-30 and paid 2025-11-30 at the usury rate:
/// October at 24.36 % EA and November at 24.99 % EA, each converted to a
/// daily rate by (1 + EA)^(1/365) − 1 and applied to the same principal.
/// October: 10,000,000 × 0.000597467177... × 31 = 185,214.82; November:
/// × 0.000611319788... × 30 = 183,395.94; total 368,610.76.
/// NOTE: the amounts are computed here (checked with 50-digit Python
/// decimals); no official worked example was found, only the certified rates.
#[test]
fn co_two_months_at_usury_rate() {
    let result = regime_interest(Regime::CoUsuryCapped, &debt(1_000_000_000, "COP", "2025-09-30", "2025-11-30"));

    assert_eq!(result.days, 61);
    assert_eq!(result.periods.len(), 2);
    assert_eq!(result.periods[0].annual_percent, Some(decimal("24.36")));
    assert_eq!(result.periods[1].annual_percent, Some(decimal("24.99")));
    assert_eq!(result.interest_minor, 36_861_076);
    assert_eq!(result.periods[0].interest_minor, 18_521_482);
    assert_eq!(result.periods[1].interest_minor, 18_339_594);
}

#[test]
fn co_daily_rate_compounds_to_effective_annual() {
    let result = regime_interest(Regime::CoUsuryCapped, &debt(1_000_000_000, "COP", "2025-10-31", "2025-11-01"));
    let daily_rate = result.periods[0].interest_exact / Decimal::from(1_000_000_000);

    let annual = (Decimal::ONE + daily_rate).powu(365) - Decimal::ONE;
    assert!((annual - decimal("0.2499")).abs() < decimal("0.000000000000000001"), "{annual}");
}

#[test]
fn co_outside_table_is_an_error() {
    let error = calculate(&Regime::CoUsuryCapped.rule(), &debt(100_000, "COP", "2026-01-15", "2026-02-15")).unwrap_err();

    assert!(matches!(error, InterestError::RateNotCovered { .. }), "{error}");
    assert!(error.to_string().contains("complete only through 2026-01-31"), "{error}");
}

/// Superintendencia Financiera de Colombia, Concepto 2010017499-001 of 12
/// April 2010 on simple and compound interest, as published by vLex
/// (https://vlex.com.co/vid/403473749). At an effective monthly rate of
/// 1 %, 1,000,000 COP grows to 1,005,000 COP in half a month under simple
/// interest. Under compound interest it grows to 1,004,987.56 COP, which is
/// 1,000,000 × 1.01^0.5. The check reads half a month as 15 days of a
/// 360-day year, so 1 % a month is 12 % nominal a year, or
/// 1.01^12 − 1 = 12.6825030131969720661201 % effective a year.
/// NOTE: the engine's effective-rate path, which co-usury-capped also uses,
/// gives 4,975.99 COP. It multiplies the daily rate 1.01^(1/30) − 1 by 15
/// days instead of compounding over them, so it agrees with the compound
/// formula for one day only and is 11.57 COP below the published figure.
#[test]
fn co_superfinanciera_half_month_simple_and_compound() {
    let principal = Decimal::from(100_000_000);
    let half_month = debt(100_000_000, "COP", "2010-04-30", "2010-05-15");

    let simple = calculate(&InterestRule::contractual(decimal("12"), DayCount::Act360), &half_month).unwrap();
    assert_eq!(simple.days, 15);
    assert_eq!(simple.interest_minor, 500_000, "5,000 COP");

    let effective_annual = decimal("1.01").powu(12) - Decimal::ONE;
    assert_eq!(effective_annual, decimal("0.126825030131969720661201"));
    let effective_rule = InterestRule { rate_kind: RateKind::Effective, ..InterestRule::contractual(effective_annual * Decimal::ONE_HUNDRED, DayCount::Act360) };

    let published_compound = (principal * (decimal("1.01").sqrt().unwrap() - Decimal::ONE)).round();
    assert_eq!(published_compound, Decimal::from(498_756), "4,987.56 COP");

    let one_day = calculate(&effective_rule, &debt(100_000_000, "COP", "2010-04-30", "2010-05-01")).unwrap();
    let one_day_compound = (principal * (decimal("1.01").powd(Decimal::ONE / Decimal::from(30)) - Decimal::ONE)).round();
    assert_eq!(one_day.interest_minor, 33_173, "331.73 COP");
    assert_eq!(Decimal::from(one_day.interest_minor), one_day_compound);

    let fifteen_days = calculate(&effective_rule, &half_month).unwrap();
    assert_eq!(fifteen_days.interest_minor, 497_599, "15 × 331.7327 = 4,975.99 COP");
    assert_eq!(published_compound - Decimal::from(fifteen_days.interest_minor), Decimal::from(1_157), "11.57 COP below the published compound interest");
}

/// Every consecutive pair of listed days agrees with the SBS method: the
/// factor grows by (1 + rate)^(1/360) each day, within the 5 published
/// decimals.
#[test]
fn pe_factors_follow_daily_rates() {
    let factors = regimes::peru_legal_factors();
    let tolerance = decimal("0.0000016");

    for pair in factors.rows().windows(2) {
        if pair[1].date != pair[0].date.succ_opt().unwrap() {
            continue;
        }
        let published = pair[1].factor / pair[0].factor;
        let daily = (Decimal::ONE + pair[1].percent / Decimal::ONE_HUNDRED).powd(Decimal::ONE / Decimal::from(360));
        assert!((published - daily).abs() < tolerance, "{}: {published} against {daily}", pair[1].date);
    }
}

/// 10,000.00 PEN due 2013-12-01 and paid 2013-12-31, with the factors the
/// SBS published for those days (6.60851 and 6.62087):
/// 10,000 × (6.62087 / 6.60851 − 1) = 18.70. Compounding the 30 published
/// daily rates of 2 to 31 December gives the same 18.70.
#[test]
fn pe_december_2013_by_published_factors() {
    let result = regime_interest(Regime::PeLegal, &debt(1_000_000, "PEN", "2013-12-01", "2013-12-31"));

    assert_eq!(result.days, 30);
    assert_eq!(result.periods[0].factor, Some(decimal("6.62087") / decimal("6.60851")));
    assert_eq!(result.interest_minor, 1_870);

    let compounded = regimes::peru_legal_factors()
        .rows()
        .iter()
        .filter(|row| row.date >= date("2013-12-02") && row.date <= date("2013-12-31"))
        .map(|row| (Decimal::ONE + row.percent / Decimal::ONE_HUNDRED).powd(Decimal::ONE / Decimal::from(360)))
        .product::<Decimal>();
    let by_rates = (Decimal::from(1_000_000) * (compounded - Decimal::ONE)).round();
    assert_eq!(by_rates, Decimal::from(1_870));
}

/// 10,000.00 PEN from 2019-02-16 (factor 7.50531) to 2024-09-18 (factor
/// 8.50192), the two SBS pages bundled: 10,000 × (8.50192 / 7.50531 − 1) =
/// 1,327.87.
#[test]
fn pe_long_span_between_listed_days() {
    let result = regime_interest(Regime::PeLegal, &debt(1_000_000, "PEN", "2019-02-16", "2024-09-18"));

    assert_eq!(result.interest_minor, 132_787);
}

#[test]
fn pe_unlisted_day_is_an_error() {
    let error = calculate(&Regime::PeLegal.rule(), &debt(1_000_000, "PEN", "2013-12-10", "2014-01-10")).unwrap_err();
    assert_eq!(error, InterestError::FactorMissing { table: "pe-legal-factors.csv".to_string(), date: date("2014-01-10") });

    let partial = Debt { payments: vec![Payment { date: date("2013-12-15"), amount_minor: 500_000 }], ..debt(1_000_000, "PEN", "2013-12-01", "2013-12-31") };
    let split = regime_interest(Regime::PeLegal, &partial);
    assert_eq!(split.periods.len(), 2, "a payment splits the factor periods");
    assert_eq!(split.periods[1].base_minor, Decimal::from(500_000));
}

#[test]
fn bundled_tables_parse() {
    assert!(regimes::boe_bank_rate().rows().len() > 50);
    assert_eq!(regimes::ecb_mro_rate().rows()[0].effective_from, date("2008-10-15"));
    assert_eq!(regimes::colombia_usury_rates().rows().len(), 6);
    assert_eq!(regimes::peru_legal_factors().rows().len(), 36);
    for regime in Regime::ALL {
        regime.rule().validate().unwrap();
        assert_eq!(Regime::parse(regime.code()), Some(regime));
    }
}
