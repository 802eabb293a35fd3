//! A customer's relationship status (active, watch, credit hold, do not
//! continue) and the rules that suggest a stricter one for a manager to
//! confirm.

/// Relationship status, from least to most restrictive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CustomerStatus {
    Active,
    Watch,
    CreditHold,
    DoNotContinue,
}

impl CustomerStatus {
    pub const ALL: [CustomerStatus; 4] = [CustomerStatus::Active, CustomerStatus::Watch, CustomerStatus::CreditHold, CustomerStatus::DoNotContinue];

    pub fn code(self) -> &'static str {
        match self {
            CustomerStatus::Active => "active",
            CustomerStatus::Watch => "watch",
            CustomerStatus::CreditHold => "credit_hold",
            CustomerStatus::DoNotContinue => "do_not_continue",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.code() == code)
    }
}

/// The rule behind a suggested status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SuggestionReason {
    /// Two or more promises broken or partly kept within the look-back window.
    BrokenPromises,
    /// The case reached a stage that proposes a judicial transfer.
    JudicialTransfer,
}

impl SuggestionReason {
    pub fn code(self) -> &'static str {
        match self {
            SuggestionReason::BrokenPromises => "broken_promises",
            SuggestionReason::JudicialTransfer => "judicial_transfer",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [SuggestionReason::BrokenPromises, SuggestionReason::JudicialTransfer].into_iter().find(|reason| reason.code() == code)
    }
}

/// Broken or partly kept promises within the window that suggest a credit hold.
pub const BROKEN_PROMISES_FOR_HOLD: u32 = 2;

/// Days back from the run date in which unkept promises are counted.
pub const BROKEN_PROMISE_WINDOW_DAYS: i64 = 365;

/// The facts about one customer that the rules read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusFacts {
    pub current: CustomerStatus,
    /// Promises broken or partly kept within the window.
    pub unkept_promises: u32,
    pub judicial_transfer_proposed: bool,
}

/// Suggests a stricter status, or `None` when the rules call for nothing
/// stricter than the current one. A judicial transfer suggests not to
/// continue the relationship; repeated unkept promises suggest a credit
/// hold. Suggestions never relax a status: lifting a hold is a manager's
/// own decision.
pub fn suggest_status(facts: StatusFacts) -> Option<(CustomerStatus, SuggestionReason)> {
    let candidate = if facts.judicial_transfer_proposed {
        Some((CustomerStatus::DoNotContinue, SuggestionReason::JudicialTransfer))
    } else if facts.unkept_promises >= BROKEN_PROMISES_FOR_HOLD {
        Some((CustomerStatus::CreditHold, SuggestionReason::BrokenPromises))
    } else {
        None
    };

    candidate.filter(|(status, _)| *status > facts.current)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(current: CustomerStatus, unkept_promises: u32, judicial_transfer_proposed: bool) -> StatusFacts {
        StatusFacts { current, unkept_promises, judicial_transfer_proposed }
    }

    #[test]
    fn codes_round_trip() {
        for status in CustomerStatus::ALL {
            assert_eq!(CustomerStatus::from_code(status.code()), Some(status));
        }
        assert_eq!(CustomerStatus::from_code("frozen"), None);
    }

    #[test]
    fn one_broken_promise_suggests_nothing() {
        assert_eq!(suggest_status(facts(CustomerStatus::Active, 1, false)), None);
    }

    #[test]
    fn two_broken_promises_suggest_hold() {
        assert_eq!(suggest_status(facts(CustomerStatus::Watch, 2, false)), Some((CustomerStatus::CreditHold, SuggestionReason::BrokenPromises)));
    }

    #[test]
    fn judicial_transfer_outranks_promises() {
        assert_eq!(suggest_status(facts(CustomerStatus::Active, 3, true)), Some((CustomerStatus::DoNotContinue, SuggestionReason::JudicialTransfer)));
    }

    #[test]
    fn never_suggests_a_laxer_status() {
        assert_eq!(suggest_status(facts(CustomerStatus::CreditHold, 5, false)), None);
        assert_eq!(suggest_status(facts(CustomerStatus::DoNotContinue, 0, true)), None);
    }
}
