//! Statutory late-interest regimes, with their rate tables bundled from
//! `crates/core/rates/`, whose header comments give each source.

use chrono::{Days, Months, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};

use super::rule::{Compensation, Compounding, DayCount, InterestRule, RateFixing, RateKind, RateSource, RoundingMethod};
use super::table::{FactorTable, RateRow, RateTable, parse_factor_csv, parse_rate_csv};
use crate::money::Currency;

const BOE_BANK_RATE_CSV: &str = include_str!("../../rates/boe-bank-rate.csv");
const ECB_MRO_CSV: &str = include_str!("../../rates/ecb-mro.csv");
const CO_USURY_CSV: &str = include_str!("../../rates/co-usury.csv");
const PE_LEGAL_FACTORS_CSV: &str = include_str!("../../rates/pe-legal-factors.csv");

/// A statutory regime that the `--regime` option names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Regime {
    /// UK, Late Payment of Commercial Debts (Interest) Act 1998: Bank Rate on
    /// the reference date plus 8 points, fixed for the debt, and £40, £70 or
    /// £100 compensation.
    UkLatePayment,
    /// Spain, Ley 3/2004 (Directive 2011/7/EU): the ECB MRO rate before each
    /// half-year plus 8 points (7 before 24 February 2013), and 40 EUR
    /// compensation.
    EsLatePayment,
    /// Mexico, Código de Comercio art. 362: 6 % a year when no rate was agreed.
    MxCommercial,
    /// Colombia: the usury rate, 1.5 times the certified interés bancario
    /// corriente of each month, the maximum late interest (Código de
    /// Comercio art. 884).
    CoUsuryCapped,
    /// Peru: the legal effective interest rate through the accumulated
    /// factors that the SBS publishes.
    PeLegal,
}

impl Regime {
    pub const ALL: [Regime; 5] = [Regime::UkLatePayment, Regime::EsLatePayment, Regime::MxCommercial, Regime::CoUsuryCapped, Regime::PeLegal];

    /// Returns the command-line name, such as `uk-late-payment`.
    pub fn code(self) -> &'static str {
        match self {
            Regime::UkLatePayment => "uk-late-payment",
            Regime::EsLatePayment => "es-late-payment",
            Regime::MxCommercial => "mx-commercial",
            Regime::CoUsuryCapped => "co-usury-capped",
            Regime::PeLegal => "pe-legal",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|regime| regime.code() == code)
    }

    /// Returns the currency of the regime's debts: GBP, EUR, MXN, COP or PEN.
    pub fn currency(self) -> Currency {
        let code = match self {
            Regime::UkLatePayment => "GBP",
            Regime::EsLatePayment => "EUR",
            Regime::MxCommercial => "MXN",
            Regime::CoUsuryCapped => "COP",
            Regime::PeLegal => "PEN",
        };
        Currency::parse(code).expect("regime currencies are valid codes")
    }

    /// Returns whether debts in other currencies are accepted. Only Mexico's
    /// 6 % does not depend on the currency, because the other regimes have
    /// fixed sums in their currency or rates published for it alone.
    pub fn accepts_other_currencies(self) -> bool {
        self == Regime::MxCommercial
    }

    /// Builds the regime's rule from its bundled tables.
    pub fn rule(self) -> InterestRule {
        match self {
            Regime::UkLatePayment => InterestRule {
                spread_percent: Decimal::from(8),
                fixing: RateFixing::FixedAtPrecedingHalfYearEnd,
                compensation: Compensation::Tiered(vec![(0, 4_000), (100_000, 7_000), (1_000_000, 10_000)]),
                ..InterestRule::with_table(boe_bank_rate(), DayCount::Act365Fixed)
            },
            Regime::EsLatePayment => InterestRule { compensation: Compensation::Fixed(4_000), ..InterestRule::with_table(spain_late_payment_rates(), DayCount::Act365Fixed) },
            Regime::MxCommercial => InterestRule::with_table(RateTable::fixed("mx-commercial (Código de Comercio art. 362)", Decimal::from(6)), DayCount::Act365Fixed),
            Regime::CoUsuryCapped => InterestRule { rate_kind: RateKind::Effective, ..InterestRule::with_table(colombia_usury_rates(), DayCount::Act365Fixed) },
            Regime::PeLegal => InterestRule {
                source: RateSource::Factors(peru_legal_factors()),
                spread_percent: Decimal::ZERO,
                rate_kind: RateKind::Effective,
                fixing: RateFixing::FollowTable,
                day_count: DayCount::Act360,
                compounding: Compounding::Simple,
                grace_days: 0,
                cap: None,
                rounding: RoundingMethod::Total,
                rounding_strategy: RoundingStrategy::MidpointAwayFromZero,
                compensation: Compensation::None,
            },
        }
    }
}

/// Returns the Bank of England Bank Rate history bundled in
/// `rates/boe-bank-rate.csv`.
pub fn boe_bank_rate() -> RateTable {
    parse_rate_csv("boe-bank-rate.csv", BOE_BANK_RATE_CSV, "rate_percent").expect("the bundled boe-bank-rate.csv is valid; a test parses it")
}

/// Returns the ECB main refinancing operations rate history bundled in
/// `rates/ecb-mro.csv`.
pub fn ecb_mro_rate() -> RateTable {
    parse_rate_csv("ecb-mro.csv", ECB_MRO_CSV, "rate_percent").expect("the bundled ecb-mro.csv is valid; a test parses it")
}

/// Returns Colombia's monthly usury rates (effective annual) bundled in
/// `rates/co-usury.csv`. Use it as the cap of a contractual rule.
pub fn colombia_usury_rates() -> RateTable {
    parse_rate_csv("co-usury.csv", CO_USURY_CSV, "usury_percent").expect("the bundled co-usury.csv is valid; a test parses it")
}

/// Returns the certified interés bancario corriente of each month
/// (effective annual) bundled in `rates/co-usury.csv`.
pub fn colombia_bank_rates() -> RateTable {
    parse_rate_csv("co-usury.csv", CO_USURY_CSV, "ibc_percent").expect("the bundled co-usury.csv is valid; a test parses it")
}

/// Returns Peru's legal interest factors bundled in
/// `rates/pe-legal-factors.csv`.
pub fn peru_legal_factors() -> FactorTable {
    parse_factor_csv("pe-legal-factors.csv", PE_LEGAL_FACTORS_CSV).expect("the bundled pe-legal-factors.csv is valid; a test parses it")
}

/// The first half-year of Spain's legal late-interest rate that the bundled
/// ECB table supports: its first rate took effect on 2008-10-15, when the
/// MROs became fixed rate tenders again.
const SPAIN_FIRST_HALF_YEAR: (i32, u32, u32) = (2009, 1, 1);

/// The day Real Decreto-ley 4/2013 raised the spread from 7 to 8 points.
const SPAIN_EIGHT_POINTS_FROM: (i32, u32, u32) = (2013, 2, 24);

/// Builds Spain's legal late-interest rate of each half-year (Ley 3/2004
/// art. 7.2): the ECB rate of the most recent MRO before the half-year's
/// first day, which is the rate in force on the day before it, plus 7 points
/// before 24 February 2013 and 8 points from then on. The Treasury set 8.75 %
/// from 24 February to 30 June 2013, so that day also starts a row. The
/// table covers every half-year whose reference day the ECB table covers.
pub fn spain_late_payment_rates() -> RateTable {
    let ecb = ecb_mro_rate();
    let covered = ecb.covered_through().expect("ecb-mro.csv states covered-through");
    let date = |(year, month, day): (i32, u32, u32)| NaiveDate::from_ymd_opt(year, month, day).expect("valid constant date");
    let eight_points_from = date(SPAIN_EIGHT_POINTS_FROM);

    let mut rows = Vec::new();
    let mut half_year = date(SPAIN_FIRST_HALF_YEAR);
    while half_year - Days::new(1) <= covered {
        let reference = ecb.rate_on(half_year - Days::new(1)).expect("the ECB table covers every reference day in the loop");
        let spread = if half_year < eight_points_from { 7 } else { 8 };
        rows.push(RateRow { effective_from: half_year, percent: reference + Decimal::from(spread) });

        let next = half_year + Months::new(6);
        if half_year < eight_points_from && eight_points_from < next {
            rows.push(RateRow { effective_from: eight_points_from, percent: reference + Decimal::from(8) });
        }
        half_year = next;
    }

    let covered_through = half_year - Days::new(1);
    RateTable::new("es-late-payment (ECB MRO + 8, + 7 before 2013-02-24)", rows, Some(covered_through)).expect("half-year rows are distinct")
}
