//! Judicial collection: the states of a legal referral, the moves between
//! them, and the fees a law firm earns on what it recovers.

use std::fmt;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

/// The state of a referral to a law firm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralStatus {
    /// Proposed by the daily run; waits for a manager.
    Proposed,
    /// Turned down by a manager; the case stays in collection.
    Rejected,
    /// Approved with a firm; the case packet is built.
    Prepared,
    /// The packet was sent to the firm.
    Sent,
    /// The firm accepted the case.
    Accepted,
    /// The claim was filed in court.
    Filed,
    /// The court gave judgment.
    Judgment,
    /// Amounts are being recovered.
    Recovering,
    /// Nothing more is expected.
    Closed,
}

impl ReferralStatus {
    pub const ALL: [ReferralStatus; 9] = [
        ReferralStatus::Proposed,
        ReferralStatus::Rejected,
        ReferralStatus::Prepared,
        ReferralStatus::Sent,
        ReferralStatus::Accepted,
        ReferralStatus::Filed,
        ReferralStatus::Judgment,
        ReferralStatus::Recovering,
        ReferralStatus::Closed,
    ];

    /// The states a referral goes through with the firm, in order.
    const WITH_FIRM: [ReferralStatus; 7] = [
        ReferralStatus::Prepared,
        ReferralStatus::Sent,
        ReferralStatus::Accepted,
        ReferralStatus::Filed,
        ReferralStatus::Judgment,
        ReferralStatus::Recovering,
        ReferralStatus::Closed,
    ];

    pub fn code(&self) -> &'static str {
        match self {
            ReferralStatus::Proposed => "proposed",
            ReferralStatus::Rejected => "rejected",
            ReferralStatus::Prepared => "prepared",
            ReferralStatus::Sent => "sent",
            ReferralStatus::Accepted => "accepted",
            ReferralStatus::Filed => "filed",
            ReferralStatus::Judgment => "judgment",
            ReferralStatus::Recovering => "recovering",
            ReferralStatus::Closed => "closed",
        }
    }

    pub fn parse(code: &str) -> Result<Self, LegalError> {
        let wanted = code.trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|status| status.code() == wanted).ok_or_else(|| LegalError::UnknownStatus { value: code.to_string() })
    }

    /// Returns whether the referral is still pending or under way.
    pub fn is_open(&self) -> bool {
        !matches!(self, ReferralStatus::Rejected | ReferralStatus::Closed)
    }

    /// Returns whether the case is with a firm, so that its progress may be
    /// recorded.
    pub fn is_with_firm(&self) -> bool {
        self.is_open() && *self != ReferralStatus::Proposed
    }

    /// Checks a move made after approval. A referral moves forward only.
    /// It may skip states, because a debtor may pay before filing, and it
    /// may be closed from any state with the firm.
    pub fn check_move(self, to: ReferralStatus) -> Result<(), LegalError> {
        let position = |status| Self::WITH_FIRM.iter().position(|candidate| *candidate == status);
        match (position(self), position(to)) {
            (Some(from_index), Some(to_index)) if self != ReferralStatus::Closed && to_index > from_index && to != ReferralStatus::Prepared => Ok(()),
            _ => Err(LegalError::InvalidMove { from: self, to }),
        }
    }
}

impl fmt::Display for ReferralStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LegalError {
    #[error("unknown referral status {value:?}; use sent, accepted, filed, judgment, recovering or closed")]
    UnknownStatus { value: String },
    #[error("a referral cannot move from {from} to {to}; it moves forward through sent, accepted, filed, judgment, recovering and closed")]
    InvalidMove { from: ReferralStatus, to: ReferralStatus },
    #[error("the contingency fee {value} is not a percent between 0 and 100")]
    BadContingency { value: Decimal },
}

/// A law firm's fee terms: a percent of what it recovers, plus a fixed
/// fee per referral charged with the first recovery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FeeTerms {
    pub contingency_percent: Decimal,
    pub fixed_fee_minor: i64,
}

impl FeeTerms {
    pub fn new(contingency_percent: Decimal, fixed_fee_minor: i64) -> Result<Self, LegalError> {
        if contingency_percent < Decimal::ZERO || contingency_percent > Decimal::ONE_HUNDRED {
            return Err(LegalError::BadContingency { value: contingency_percent });
        }
        Ok(Self { contingency_percent, fixed_fee_minor: fixed_fee_minor.max(0) })
    }

    /// Computes the fee on one recovery: the contingency percent of the amount,
    /// rounded half-up to the minor unit, plus the fixed fee when it is
    /// the referral's first recovery. The fee never exceeds the amount.
    pub fn fee_on(&self, amount_minor: i64, first_recovery: bool) -> i64 {
        let contingency = (Decimal::from(amount_minor) * self.contingency_percent / Decimal::ONE_HUNDRED)
            .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
        let contingency: i64 = contingency.try_into().unwrap_or(amount_minor);
        let fixed = if first_recovery { self.fixed_fee_minor } else { 0 };
        (contingency + fixed).min(amount_minor)
    }
}

/// Computes the share of a referred balance recovered, in percent with
/// two decimals, or zero when nothing was referred.
pub fn recovery_rate(recovered_minor: i64, referred_minor: i64) -> Decimal {
    if referred_minor <= 0 {
        return Decimal::ZERO;
    }
    (Decimal::from(recovered_minor) * Decimal::ONE_HUNDRED / Decimal::from(referred_minor)).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn statuses_parse_from_their_codes() {
        for status in ReferralStatus::ALL {
            assert_eq!(ReferralStatus::parse(status.code()).unwrap(), status);
        }
        assert!(ReferralStatus::parse("won").is_err());
    }

    #[test]
    fn referrals_move_forward_only() {
        use ReferralStatus::*;
        assert!(Prepared.check_move(Sent).is_ok());
        assert!(Sent.check_move(Filed).is_ok(), "skipping a state is allowed");
        assert!(Accepted.check_move(Closed).is_ok());
        assert!(Recovering.check_move(Closed).is_ok());

        assert!(Filed.check_move(Sent).is_err(), "no move back");
        assert!(Sent.check_move(Sent).is_err());
        assert!(Closed.check_move(Closed).is_err());
        assert!(Proposed.check_move(Sent).is_err(), "a proposal is approved first");
        assert!(Rejected.check_move(Sent).is_err());
        assert!(Sent.check_move(Prepared).is_err());
        assert!(Sent.check_move(Rejected).is_err());
    }

    #[test]
    fn fee_fixed_part_charged_once() {
        let terms = FeeTerms::new(dec("15"), 5_000).unwrap();
        assert_eq!(terms.fee_on(100_000, true), 20_000);
        assert_eq!(terms.fee_on(100_000, false), 15_000);
        // 15% of 0.03 is 0.0045, which rounds to 0.
        assert_eq!(terms.fee_on(3, false), 0);
        // 15% of 0.10 is 0.015, which rounds half-up to 0.02.
        assert_eq!(terms.fee_on(10, false), 2);
        assert_eq!(terms.fee_on(1_000, true), 1_000, "the fee never exceeds the amount");
        assert!(FeeTerms::new(dec("101"), 0).is_err());
        assert!(FeeTerms::new(dec("-1"), 0).is_err());
    }

    #[test]
    fn recovery_rates_are_percents() {
        assert_eq!(recovery_rate(1, 3), dec("33.33"));
        assert_eq!(recovery_rate(0, 0), Decimal::ZERO);
        assert_eq!(recovery_rate(50, 100), dec("50"));
    }
}
