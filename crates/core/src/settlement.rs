//! Settlement offers (liquidación con quita): one lump-sum payment by a date
//! in exchange for an interest waiver (condonación) and, rarely, a principal
//! discount. Also the authority matrix that decides who may approve an offer,
//! and write-offs (castigo), the other way a balance closes for less than
//! what is owed.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::application::BalanceParts;
use crate::money::{Currency, format_minor};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettlementError {
    #[error("the {part} owed cannot be negative, got {}", format_minor(*.amount_minor, *.currency))]
    NegativeOwed { part: &'static str, amount_minor: i64, currency: Currency },
    #[error("the interest waiver cannot be negative, got {}", format_minor(*.amount_minor, *.currency))]
    NegativeWaiver { amount_minor: i64, currency: Currency },
    #[error(
        "the interest waiver {} is more than the interest owed {}",
        format_minor(*.waiver_minor, *.currency),
        format_minor(*.interest_minor, *.currency)
    )]
    WaiverAboveInterest { waiver_minor: i64, interest_minor: i64, currency: Currency },
    #[error("the principal discount cannot be negative, got {}", format_minor(*.amount_minor, *.currency))]
    NegativeDiscount { amount_minor: i64, currency: Currency },
    #[error(
        "the principal discount {} is more than the principal owed {}",
        format_minor(*.discount_minor, *.currency),
        format_minor(*.principal_minor, *.currency)
    )]
    DiscountAbovePrincipal { discount_minor: i64, principal_minor: i64, currency: Currency },
    #[error("the offer leaves nothing to pay; forgiving the whole balance is a write-off, not a settlement")]
    NothingToPay,
    #[error("the pay-by date {pay_by} is before the offer date {offered_on}")]
    PayByBeforeOffer { offered_on: NaiveDate, pay_by: NaiveDate },
}

/// A settlement offer: the balance owed, what the offer forgives, and the
/// date by which the lump sum must be received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementOffer {
    pub currency: Currency,
    pub owed: BalanceParts,
    /// Part of the interest owed that the offer waives.
    pub interest_waiver_minor: i64,
    /// Part of the principal owed that the offer forgives; zero for most
    /// offers. Fees are never discounted.
    pub principal_discount_minor: i64,
    /// The offer date. Payments count from it.
    pub offered_on: NaiveDate,
    /// The last day on which a payment counts towards the lump sum.
    pub pay_by: NaiveDate,
}

impl SettlementOffer {
    /// Checks that the amounts and dates make a settlement: nothing negative,
    /// no waiver or discount above what is owed, something left to pay, and
    /// a pay-by date on or after the offer date.
    pub fn validate(&self) -> Result<(), SettlementError> {
        let currency = self.currency;
        let parts = [("principal", self.owed.principal_minor), ("interest", self.owed.interest_minor), ("fees", self.owed.fees_minor)];
        for (part, amount_minor) in parts {
            if amount_minor < 0 {
                return Err(SettlementError::NegativeOwed { part, amount_minor, currency });
            }
        }

        if self.interest_waiver_minor < 0 {
            return Err(SettlementError::NegativeWaiver { amount_minor: self.interest_waiver_minor, currency });
        }
        if self.interest_waiver_minor > self.owed.interest_minor {
            return Err(SettlementError::WaiverAboveInterest { waiver_minor: self.interest_waiver_minor, interest_minor: self.owed.interest_minor, currency });
        }
        if self.principal_discount_minor < 0 {
            return Err(SettlementError::NegativeDiscount { amount_minor: self.principal_discount_minor, currency });
        }
        if self.principal_discount_minor > self.owed.principal_minor {
            return Err(SettlementError::DiscountAbovePrincipal {
                discount_minor: self.principal_discount_minor,
                principal_minor: self.owed.principal_minor,
                currency,
            });
        }
        if self.lump_sum_minor() <= 0 {
            return Err(SettlementError::NothingToPay);
        }

        if self.pay_by < self.offered_on {
            return Err(SettlementError::PayByBeforeOffer { offered_on: self.offered_on, pay_by: self.pay_by });
        }
        Ok(())
    }

    /// The amount the customer must pay: what is owed less the waiver and
    /// the discount.
    pub fn lump_sum_minor(&self) -> i64 {
        self.owed.total_minor() - self.interest_waiver_minor - self.principal_discount_minor
    }

    /// Returns the parts of the balance that the lump sum pays.
    pub fn lump_sum_parts(&self) -> BalanceParts {
        BalanceParts {
            principal_minor: self.owed.principal_minor - self.principal_discount_minor,
            interest_minor: self.owed.interest_minor - self.interest_waiver_minor,
            fees_minor: self.owed.fees_minor,
        }
    }

    /// Computes the waiver as a percent of the interest owed, or zero when
    /// no interest is owed.
    pub fn interest_waiver_percent(&self) -> Decimal {
        percent_of(self.interest_waiver_minor, self.owed.interest_minor)
    }

    /// Computes the discount as a percent of the principal owed, or zero
    /// when no principal is owed.
    pub fn principal_discount_percent(&self) -> Decimal {
        percent_of(self.principal_discount_minor, self.owed.principal_minor)
    }
}

fn percent_of(part_minor: i64, whole_minor: i64) -> Decimal {
    if whole_minor == 0 {
        return Decimal::ZERO;
    }
    Decimal::from(part_minor) * Decimal::ONE_HUNDRED / Decimal::from(whole_minor)
}

/// Returns whether `part_minor` is at most `max_percent` of `whole_minor`,
/// compared without division so that no rounding decides a borderline
/// offer. `None` means no limit.
fn within_percent(part_minor: i64, whole_minor: i64, max_percent: Option<Decimal>) -> bool {
    let Some(max_percent) = max_percent else {
        return true;
    };
    Decimal::from(part_minor) * Decimal::ONE_HUNDRED <= max_percent * Decimal::from(whole_minor)
}

/// The approval levels of settlement offers, lowest first. Users map onto
/// them through their role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ApproverRole {
    Collector,
    Manager,
    Director,
}

impl ApproverRole {
    pub const ALL: [ApproverRole; 3] = [ApproverRole::Collector, ApproverRole::Manager, ApproverRole::Director];

    pub fn code(self) -> &'static str {
        match self {
            ApproverRole::Collector => "collector",
            ApproverRole::Manager => "manager",
            ApproverRole::Director => "director",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.code() == code)
    }
}

/// The share of the amount owed that one approval level may forgive, in
/// percent. `None` means no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WaiverAuthority {
    pub max_interest_waiver_percent: Option<Decimal>,
    pub max_principal_discount_percent: Option<Decimal>,
}

impl WaiverAuthority {
    pub fn unlimited() -> Self {
        Self { max_interest_waiver_percent: None, max_principal_discount_percent: None }
    }

    /// Returns whether both the waiver and the discount of `offer` are within
    /// this authority.
    pub fn covers(&self, offer: &SettlementOffer) -> bool {
        within_percent(offer.interest_waiver_minor, offer.owed.interest_minor, self.max_interest_waiver_percent)
            && within_percent(offer.principal_discount_minor, offer.owed.principal_minor, self.max_principal_discount_percent)
    }
}

/// The waiver authority of each approval level. A level missing from the
/// matrix may approve nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorityMatrix {
    authorities: BTreeMap<ApproverRole, WaiverAuthority>,
}

impl Default for AuthorityMatrix {
    /// Builds the default limits: a collector may waive up to half of the
    /// interest and no principal, a manager all of the interest and up to 10%
    /// of the principal, and a director anything.
    fn default() -> Self {
        let percent = |value: i64| Some(Decimal::from(value));
        Self::empty()
            .with(ApproverRole::Collector, WaiverAuthority { max_interest_waiver_percent: percent(50), max_principal_discount_percent: percent(0) })
            .with(ApproverRole::Manager, WaiverAuthority { max_interest_waiver_percent: percent(100), max_principal_discount_percent: percent(10) })
            .with(ApproverRole::Director, WaiverAuthority::unlimited())
    }
}

impl AuthorityMatrix {
    /// Builds a matrix in which no approval level may approve anything.
    pub fn empty() -> Self {
        Self { authorities: BTreeMap::new() }
    }

    /// Sets the authority of `role`, replacing any earlier one.
    pub fn with(mut self, role: ApproverRole, authority: WaiverAuthority) -> Self {
        self.authorities.insert(role, authority);
        self
    }

    pub fn authority(&self, role: ApproverRole) -> Option<WaiverAuthority> {
        self.authorities.get(&role).copied()
    }

    /// Returns whether `role` may approve `offer`. An offer above the role's
    /// limits needs a higher approver.
    pub fn may_approve(&self, role: ApproverRole, offer: &SettlementOffer) -> bool {
        self.authority(role).is_some_and(|authority| authority.covers(offer))
    }

    /// Finds the lowest approval level that may approve `offer`, or `None`
    /// when no level may.
    pub fn lowest_approver(&self, offer: &SettlementOffer) -> Option<ApproverRole> {
        self.authorities.iter().find(|(_, authority)| authority.covers(offer)).map(|(&role, _)| role)
    }
}

/// The state of an offer on the evaluation date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SettlementStatus {
    /// The pay-by date has not passed and the lump sum is not yet paid.
    Pending,
    /// The lump sum was received by the pay-by date, so the waiver and the
    /// discount take effect.
    Paid,
    /// The pay-by date passed without the lump sum paid in full, so nothing
    /// is forgiven.
    Expired,
}

impl SettlementStatus {
    pub fn code(self) -> &'static str {
        match self {
            SettlementStatus::Pending => "pending",
            SettlementStatus::Paid => "paid",
            SettlementStatus::Expired => "expired",
        }
    }
}

/// An offer's state on one date and what it forgives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SettlementEvaluation {
    pub status: SettlementStatus,
    /// Payments from the offer date to the pay-by date, up to the
    /// evaluation date.
    pub paid_minor: i64,
    /// The day the payments reached the lump sum, when they did.
    pub paid_in_full_on: Option<NaiveDate>,
    /// The offered waiver once paid, zero otherwise.
    pub waived_interest_minor: i64,
    /// The offered discount once paid, zero otherwise.
    pub discounted_principal_minor: i64,
    /// The amount the customer still owes: the lump sum less payments while
    /// pending, zero once paid, and the whole balance less payments once
    /// expired.
    pub outstanding_minor: i64,
    /// Payments beyond the lump sum.
    pub overpaid_minor: i64,
}

/// Evaluates `offer` on `as_of` from the customer's payments as (date,
/// amount). Payments count from the offer date to the pay-by date, so a
/// payment after the pay-by date does not settle the offer, and a payment on
/// the pay-by date itself still does.
pub fn evaluate_settlement(offer: &SettlementOffer, payments: &[(NaiveDate, i64)], as_of: NaiveDate) -> SettlementEvaluation {
    let last_counted_day = offer.pay_by.min(as_of);
    let mut counted: Vec<(NaiveDate, i64)> =
        payments.iter().copied().filter(|&(paid_on, _)| paid_on >= offer.offered_on && paid_on <= last_counted_day).collect();
    counted.sort_by_key(|&(paid_on, _)| paid_on);

    let lump_sum_minor = offer.lump_sum_minor();
    let mut paid_minor = 0;
    let mut paid_in_full_on = None;
    for (paid_on, amount) in counted {
        paid_minor += amount;
        if paid_minor < lump_sum_minor {
            // A reversal can take the total back under the lump sum.
            paid_in_full_on = None;
        } else if paid_in_full_on.is_none() {
            paid_in_full_on = Some(paid_on);
        }
    }

    let status = if paid_minor >= lump_sum_minor {
        SettlementStatus::Paid
    } else if as_of <= offer.pay_by {
        SettlementStatus::Pending
    } else {
        SettlementStatus::Expired
    };

    let (waived_interest_minor, discounted_principal_minor, outstanding_minor) = match status {
        SettlementStatus::Paid => (offer.interest_waiver_minor, offer.principal_discount_minor, 0),
        SettlementStatus::Pending => (0, 0, lump_sum_minor - paid_minor),
        SettlementStatus::Expired => (0, 0, offer.owed.total_minor() - paid_minor),
    };

    SettlementEvaluation {
        status,
        paid_minor,
        paid_in_full_on,
        waived_interest_minor,
        discounted_principal_minor,
        outstanding_minor,
        overpaid_minor: (paid_minor - lump_sum_minor).max(0),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WriteOffError {
    #[error("the amount to write off must be more than zero, got {}", format_minor(*.amount_minor, *.currency))]
    NotPositive { amount_minor: i64, currency: Currency },
    #[error(
        "the amount to write off {} is more than the balance owed {}",
        format_minor(*.amount_minor, *.currency),
        format_minor(*.owed_minor, *.currency)
    )]
    AboveBalance { amount_minor: i64, owed_minor: i64, currency: Currency },
    #[error("a write-off needs a reason, such as the customer's bankruptcy or a recovery costing more than the debt")]
    MissingReason,
}

/// A write-off (castigo): an amount of a balance judged uncollectable and
/// the reason. Approval is the caller's: this value only checks that the
/// write-off fits the balance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteOff {
    pub currency: Currency,
    pub amount_minor: i64,
    /// The reason as entered, without surrounding spaces.
    pub reason: String,
}

impl WriteOff {
    /// Builds a write-off of `amount_minor` against `owed`, which must be
    /// more than zero and at most the balance, with a reason that is not
    /// blank.
    pub fn new(currency: Currency, owed: &BalanceParts, amount_minor: i64, reason: &str) -> Result<Self, WriteOffError> {
        if amount_minor <= 0 {
            return Err(WriteOffError::NotPositive { amount_minor, currency });
        }
        let owed_minor = owed.total_minor();
        if amount_minor > owed_minor {
            return Err(WriteOffError::AboveBalance { amount_minor, owed_minor, currency });
        }

        let reason = reason.trim();
        if reason.is_empty() {
            return Err(WriteOffError::MissingReason);
        }
        Ok(Self { currency, amount_minor, reason: reason.to_string() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        crate::dates::parse_iso_date(text).unwrap()
    }

    fn usd() -> Currency {
        Currency::parse("USD").unwrap()
    }

    /// 1,000.00 principal, 300.00 interest and 50.00 fees, offered on
    /// 1 March to be paid by 15 March.
    fn offer(interest_waiver_minor: i64, principal_discount_minor: i64) -> SettlementOffer {
        SettlementOffer {
            currency: usd(),
            owed: BalanceParts { principal_minor: 100_000, interest_minor: 30_000, fees_minor: 5_000 },
            interest_waiver_minor,
            principal_discount_minor,
            offered_on: date("2024-03-01"),
            pay_by: date("2024-03-15"),
        }
    }

    #[test]
    fn lump_sum_is_owed_less_waivers() {
        let offer = offer(30_000, 5_000);
        assert_eq!(offer.lump_sum_minor(), 100_000);
        assert_eq!(offer.lump_sum_parts(), BalanceParts { principal_minor: 95_000, interest_minor: 0, fees_minor: 5_000 });
        assert_eq!(offer.interest_waiver_percent(), Decimal::ONE_HUNDRED);
        assert_eq!(offer.principal_discount_percent(), Decimal::from(5));
    }

    #[test]
    fn offer_validation() {
        assert_eq!(offer(15_000, 0).validate(), Ok(()));
        assert!(matches!(offer(-1, 0).validate(), Err(SettlementError::NegativeWaiver { .. })));
        assert!(matches!(offer(30_001, 0).validate(), Err(SettlementError::WaiverAboveInterest { .. })));
        assert!(matches!(offer(0, -1).validate(), Err(SettlementError::NegativeDiscount { .. })));
        assert!(matches!(offer(0, 100_001).validate(), Err(SettlementError::DiscountAbovePrincipal { .. })));

        let mut everything_waived = offer(30_000, 100_000);
        everything_waived.owed.fees_minor = 0;
        assert_eq!(everything_waived.validate(), Err(SettlementError::NothingToPay));

        let mut negative_fees = offer(0, 0);
        negative_fees.owed.fees_minor = -1;
        assert_eq!(negative_fees.validate().unwrap_err().to_string(), "the fees owed cannot be negative, got -0.01");

        let mut backwards = offer(0, 0);
        backwards.pay_by = date("2024-02-28");
        assert_eq!(backwards.validate().unwrap_err().to_string(), "the pay-by date 2024-02-28 is before the offer date 2024-03-01");
    }

    #[test]
    fn waiver_error_shows_amounts() {
        let error = offer(30_001, 0).validate().unwrap_err();
        assert_eq!(error.to_string(), "the interest waiver 300.01 is more than the interest owed 300.00");
    }

    #[test]
    fn default_matrix_limits() {
        let matrix = AuthorityMatrix::default();
        let half_interest = offer(15_000, 0);
        let over_half_interest = offer(15_001, 0);
        let all_interest_and_tenth = offer(30_000, 10_000);
        let over_tenth_principal = offer(0, 10_001);

        assert!(matrix.may_approve(ApproverRole::Collector, &half_interest));
        assert!(!matrix.may_approve(ApproverRole::Collector, &over_half_interest));
        assert!(matrix.may_approve(ApproverRole::Manager, &over_half_interest));
        assert!(matrix.may_approve(ApproverRole::Manager, &all_interest_and_tenth));
        assert!(!matrix.may_approve(ApproverRole::Manager, &over_tenth_principal));
        assert!(matrix.may_approve(ApproverRole::Director, &over_tenth_principal));
    }

    #[test]
    fn lowest_approver_by_offer() {
        let matrix = AuthorityMatrix::default();
        assert_eq!(matrix.lowest_approver(&offer(0, 0)), Some(ApproverRole::Collector));
        assert_eq!(matrix.lowest_approver(&offer(15_000, 0)), Some(ApproverRole::Collector));
        assert_eq!(matrix.lowest_approver(&offer(15_001, 0)), Some(ApproverRole::Manager));
        assert_eq!(matrix.lowest_approver(&offer(0, 1)), Some(ApproverRole::Manager));
        assert_eq!(matrix.lowest_approver(&offer(30_000, 10_001)), Some(ApproverRole::Director));
    }

    #[test]
    fn overridden_matrix() {
        let matrix = AuthorityMatrix::default()
            .with(
                ApproverRole::Collector,
                WaiverAuthority { max_interest_waiver_percent: Some(Decimal::from(20)), max_principal_discount_percent: Some(Decimal::ZERO) },
            )
            .with(ApproverRole::Director, WaiverAuthority { max_interest_waiver_percent: None, max_principal_discount_percent: Some(Decimal::from(25)) });

        assert!(!matrix.may_approve(ApproverRole::Collector, &offer(6_001, 0)));
        assert!(matrix.may_approve(ApproverRole::Collector, &offer(6_000, 0)));
        assert_eq!(matrix.lowest_approver(&offer(0, 25_001)), None);
    }

    #[test]
    fn role_missing_from_matrix_approves_nothing() {
        let matrix = AuthorityMatrix::empty().with(ApproverRole::Manager, WaiverAuthority::unlimited());
        assert!(!matrix.may_approve(ApproverRole::Collector, &offer(0, 0)));
        assert_eq!(matrix.lowest_approver(&offer(0, 0)), Some(ApproverRole::Manager));
    }

    #[test]
    fn fractional_percent_limit_is_exact() {
        // 1/3 of the interest is 33.333...%, just above a 33.33% limit.
        let matrix = AuthorityMatrix::empty().with(
            ApproverRole::Collector,
            WaiverAuthority { max_interest_waiver_percent: Some("33.33".parse().unwrap()), max_principal_discount_percent: None },
        );
        assert!(!matrix.may_approve(ApproverRole::Collector, &offer(10_000, 0)));
        assert!(matrix.may_approve(ApproverRole::Collector, &offer(9_999, 0)));
    }

    /// Evaluation date, payments, and the expected status, amount waived and
    /// amount outstanding.
    type Scenario = (&'static str, Vec<(&'static str, i64)>, SettlementStatus, i64, i64);

    /// Scenarios for an offer that waives 200.00 of interest, for a lump sum
    /// of 1,150.00.
    #[test]
    fn settlement_scenarios() {
        let offer = offer(20_000, 0);
        let table: [Scenario; 8] = [
            ("2024-03-10", vec![], SettlementStatus::Pending, 0, 115_000),
            ("2024-03-15", vec![("2024-03-05", 50_000)], SettlementStatus::Pending, 0, 65_000),
            ("2024-03-16", vec![], SettlementStatus::Expired, 0, 135_000),
            ("2024-03-16", vec![("2024-03-05", 50_000)], SettlementStatus::Expired, 0, 85_000),
            ("2024-03-10", vec![("2024-03-10", 115_000)], SettlementStatus::Paid, 20_000, 0),
            ("2024-04-30", vec![("2024-03-02", 15_000), ("2024-03-15", 100_000)], SettlementStatus::Paid, 20_000, 0),
            ("2024-04-30", vec![("2024-03-16", 115_000)], SettlementStatus::Expired, 0, 135_000),
            ("2024-03-10", vec![("2024-02-29", 115_000)], SettlementStatus::Pending, 0, 115_000),
        ];
        for (as_of, payments, expected_status, expected_waived, expected_outstanding) in table {
            let payments: Vec<(NaiveDate, i64)> = payments.iter().map(|(day, amount)| (date(day), *amount)).collect();
            let evaluation = evaluate_settlement(&offer, &payments, date(as_of));
            assert_eq!(evaluation.status, expected_status, "as of {as_of} with {payments:?}");
            assert_eq!(evaluation.waived_interest_minor, expected_waived, "as of {as_of} with {payments:?}");
            assert_eq!(evaluation.outstanding_minor, expected_outstanding, "as of {as_of} with {payments:?}");
        }
    }

    #[test]
    fn paid_offer_waives_exactly_the_offer() {
        let offer = offer(20_000, 3_000);
        let evaluation = evaluate_settlement(&offer, &[(date("2024-03-04"), 60_000), (date("2024-03-09"), 60_000)], date("2024-03-20"));
        assert_eq!(evaluation.status, SettlementStatus::Paid);
        assert_eq!(evaluation.paid_in_full_on, Some(date("2024-03-09")));
        assert_eq!(evaluation.waived_interest_minor, 20_000);
        assert_eq!(evaluation.discounted_principal_minor, 3_000);
        assert_eq!(evaluation.overpaid_minor, 120_000 - 112_000);
    }

    #[test]
    fn expired_offer_waives_nothing() {
        let offer = offer(20_000, 3_000);
        let evaluation = evaluate_settlement(&offer, &[(date("2024-03-04"), 111_999)], date("2024-03-16"));
        assert_eq!(evaluation.status, SettlementStatus::Expired);
        assert_eq!(evaluation.paid_in_full_on, None);
        assert_eq!(evaluation.waived_interest_minor, 0);
        assert_eq!(evaluation.discounted_principal_minor, 0);
        assert_eq!(evaluation.outstanding_minor, 135_000 - 111_999);
    }

    #[test]
    fn reversal_below_lump_sum_is_not_paid() {
        let offer = offer(20_000, 0);
        let payments = [(date("2024-03-04"), 115_000), (date("2024-03-06"), -115_000)];
        let evaluation = evaluate_settlement(&offer, &payments, date("2024-03-10"));
        assert_eq!(evaluation.status, SettlementStatus::Pending);
        assert_eq!(evaluation.paid_in_full_on, None);
    }

    #[test]
    fn write_off_validation() {
        let owed = BalanceParts { principal_minor: 100_000, interest_minor: 30_000, fees_minor: 5_000 };
        let write_off = WriteOff::new(usd(), &owed, 135_000, "  customer bankrupt  ").unwrap();
        assert_eq!(write_off.reason, "customer bankrupt");

        assert!(matches!(WriteOff::new(usd(), &owed, 0, "bankrupt"), Err(WriteOffError::NotPositive { .. })));
        assert_eq!(
            WriteOff::new(usd(), &owed, 135_001, "bankrupt").unwrap_err().to_string(),
            "the amount to write off 1350.01 is more than the balance owed 1350.00"
        );
        assert_eq!(WriteOff::new(usd(), &owed, 1_000, "   "), Err(WriteOffError::MissingReason));
    }

    #[test]
    fn approver_role_codes_round_trip() {
        for role in ApproverRole::ALL {
            assert_eq!(ApproverRole::from_code(role.code()), Some(role));
        }
        assert!(ApproverRole::Collector < ApproverRole::Manager);
        assert!(ApproverRole::Manager < ApproverRole::Director);
    }
}
