//! Application of a payment within one balance: which part of the payment
//! covers fees, which covers interest and which covers principal.
//!
//! The default order is fees, then interest, then principal, the usual
//! civil-code order. Interest and fees stay owed after the principal is paid
//! until they are paid or waived: nothing here forgives them.

use std::fmt;

/// One part of a balance that a payment can cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BalanceComponent {
    Fees,
    Interest,
    Principal,
}

impl BalanceComponent {
    pub const ALL: [BalanceComponent; 3] = [BalanceComponent::Fees, BalanceComponent::Interest, BalanceComponent::Principal];

    pub fn code(self) -> &'static str {
        match self {
            BalanceComponent::Fees => "fees",
            BalanceComponent::Interest => "interest",
            BalanceComponent::Principal => "principal",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|component| component.code() == code)
    }
}

impl fmt::Display for BalanceComponent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The amounts owed on a balance, in minor units of one currency.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct BalanceParts {
    pub principal_minor: i64,
    pub interest_minor: i64,
    pub fees_minor: i64,
}

impl BalanceParts {
    pub fn total_minor(&self) -> i64 {
        self.principal_minor + self.interest_minor + self.fees_minor
    }

    pub fn get(&self, component: BalanceComponent) -> i64 {
        match component {
            BalanceComponent::Fees => self.fees_minor,
            BalanceComponent::Interest => self.interest_minor,
            BalanceComponent::Principal => self.principal_minor,
        }
    }

    /// Computes what stays owed after `split` is applied. Each part keeps
    /// its own remainder, so interest and fees left unpaid stay owed even
    /// when the principal reaches zero.
    pub fn remaining_after(&self, split: &PaymentSplit) -> BalanceParts {
        BalanceParts {
            principal_minor: self.principal_minor - split.principal_minor,
            interest_minor: self.interest_minor - split.interest_minor,
            fees_minor: self.fees_minor - split.fees_minor,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApplicationOrderError {
    #[error("the payment application order must name fees, interest and principal once each, got {0:?}")]
    NotAPermutation(Vec<BalanceComponent>),
    #[error("unknown balance component {0:?} in the payment application order: expected fees, interest or principal")]
    UnknownComponent(String),
}

/// The order in which a payment covers the parts of a balance: each of
/// fees, interest and principal exactly once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ApplicationOrder([BalanceComponent; 3]);

impl Default for ApplicationOrder {
    fn default() -> Self {
        Self([BalanceComponent::Fees, BalanceComponent::Interest, BalanceComponent::Principal])
    }
}

impl ApplicationOrder {
    /// Builds an order from a list that must name each component once.
    pub fn new(components: &[BalanceComponent]) -> Result<Self, ApplicationOrderError> {
        let names_each_once = components.len() == 3 && BalanceComponent::ALL.iter().all(|component| components.contains(component));
        if !names_each_once {
            return Err(ApplicationOrderError::NotAPermutation(components.to_vec()));
        }
        Ok(Self([components[0], components[1], components[2]]))
    }

    /// Parses a comma-separated list of codes such as
    /// `interest,fees,principal`, the form the setting is stored in.
    pub fn parse(text: &str) -> Result<Self, ApplicationOrderError> {
        let mut components = Vec::new();
        for code in text.split(',') {
            let code = code.trim();
            let component = BalanceComponent::from_code(code).ok_or_else(|| ApplicationOrderError::UnknownComponent(code.to_string()))?;
            components.push(component);
        }
        Self::new(&components)
    }

    pub fn components(&self) -> [BalanceComponent; 3] {
        self.0
    }
}

impl fmt::Display for ApplicationOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [first, second, third] = self.0;
        write!(f, "{first},{second},{third}")
    }
}

/// The division of one payment over the parts of a balance, and the part of
/// it that exceeds the whole balance.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct PaymentSplit {
    pub fees_minor: i64,
    pub interest_minor: i64,
    pub principal_minor: i64,
    pub unapplied_minor: i64,
}

impl PaymentSplit {
    pub fn applied_minor(&self) -> i64 {
        self.fees_minor + self.interest_minor + self.principal_minor
    }

    pub fn get(&self, component: BalanceComponent) -> i64 {
        match component {
            BalanceComponent::Fees => self.fees_minor,
            BalanceComponent::Interest => self.interest_minor,
            BalanceComponent::Principal => self.principal_minor,
        }
    }

    fn add(&mut self, component: BalanceComponent, amount_minor: i64) {
        match component {
            BalanceComponent::Fees => self.fees_minor += amount_minor,
            BalanceComponent::Interest => self.interest_minor += amount_minor,
            BalanceComponent::Principal => self.principal_minor += amount_minor,
        }
    }
}

/// Splits a payment over the parts of `owed`, filling each part in `order`
/// before the next. A part owed zero or less receives nothing, and what
/// exceeds the whole balance is returned as unapplied.
///
/// Example: 150.00 against fees 20.00, interest 50.00 and principal 500.00
/// in the default order covers the fees and the interest and puts 80.00 on
/// the principal.
pub fn apply_payment(amount_minor: i64, owed: &BalanceParts, order: &ApplicationOrder) -> PaymentSplit {
    assert!(amount_minor >= 0, "a payment to apply cannot be negative");

    let mut split = PaymentSplit::default();
    let mut remaining = amount_minor;
    for component in order.components() {
        let applied = remaining.min(owed.get(component).max(0));
        split.add(component, applied);
        remaining -= applied;
    }

    split.unapplied_minor = remaining;
    split
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn owed(fees_minor: i64, interest_minor: i64, principal_minor: i64) -> BalanceParts {
        BalanceParts { principal_minor, interest_minor, fees_minor }
    }

    #[test]
    fn default_order_fees_interest_principal() {
        let split = apply_payment(15_000, &owed(2_000, 5_000, 50_000), &ApplicationOrder::default());
        assert_eq!(split.fees_minor, 2_000);
        assert_eq!(split.interest_minor, 5_000);
        assert_eq!(split.principal_minor, 8_000);
        assert_eq!(split.unapplied_minor, 0);
    }

    #[test]
    fn configured_order_principal_first() {
        let order = ApplicationOrder::parse("principal, interest, fees").unwrap();
        let split = apply_payment(52_000, &owed(2_000, 5_000, 50_000), &order);
        assert_eq!(split.principal_minor, 50_000);
        assert_eq!(split.interest_minor, 2_000);
        assert_eq!(split.fees_minor, 0);
    }

    #[test]
    fn interest_and_fees_stay_owed_after_principal() {
        let balance = owed(2_000, 5_000, 50_000);
        let order = ApplicationOrder::new(&[BalanceComponent::Principal, BalanceComponent::Fees, BalanceComponent::Interest]).unwrap();
        let split = apply_payment(50_000, &balance, &order);

        let remaining = balance.remaining_after(&split);
        assert_eq!(remaining.principal_minor, 0);
        assert_eq!(remaining.fees_minor, 2_000);
        assert_eq!(remaining.interest_minor, 5_000);
    }

    #[test]
    fn overpayment_is_unapplied() {
        let split = apply_payment(60_000, &owed(2_000, 5_000, 50_000), &ApplicationOrder::default());
        assert_eq!(split.applied_minor(), 57_000);
        assert_eq!(split.unapplied_minor, 3_000);
    }

    #[test]
    fn order_must_be_a_permutation() {
        use BalanceComponent::*;
        assert!(ApplicationOrder::new(&[Fees, Fees, Principal]).is_err());
        assert!(ApplicationOrder::new(&[Fees, Interest]).is_err());
        assert!(ApplicationOrder::new(&[Fees, Interest, Principal, Fees]).is_err());
        assert_eq!(
            ApplicationOrder::parse("fees,costs,principal").unwrap_err().to_string(),
            "unknown balance component \"costs\" in the payment application order: expected fees, interest or principal"
        );
    }

    #[test]
    fn order_display_round_trips() {
        let order = ApplicationOrder::parse("interest,fees,principal").unwrap();
        assert_eq!(order.to_string(), "interest,fees,principal");
        assert_eq!(ApplicationOrder::parse(&order.to_string()).unwrap(), order);
        assert_eq!(ApplicationOrder::default().to_string(), "fees,interest,principal");
    }

    fn any_order() -> impl Strategy<Value = ApplicationOrder> {
        Just(BalanceComponent::ALL.to_vec()).prop_shuffle().prop_map(|components| ApplicationOrder::new(&components).unwrap())
    }

    proptest! {
        #[test]
        fn split_fills_parts_in_order(
            amount in 0i64..200_000,
            fees in 0i64..20_000,
            interest in 0i64..50_000,
            principal in 0i64..100_000,
            order in any_order(),
        ) {
            let balance = owed(fees, interest, principal);
            let split = apply_payment(amount, &balance, &order);

            prop_assert_eq!(split.applied_minor() + split.unapplied_minor, amount);
            prop_assert_eq!(split.applied_minor(), amount.min(balance.total_minor()));

            let remaining = balance.remaining_after(&split);
            let [first, second, third] = order.components();
            for component in BalanceComponent::ALL {
                prop_assert!(remaining.get(component) >= 0);
            }
            if split.get(second) > 0 {
                prop_assert_eq!(remaining.get(first), 0);
            }
            if split.get(third) > 0 {
                prop_assert_eq!(remaining.get(second), 0);
            }
        }
    }
}
