//! Promises to pay: whether the payments received keep a promise.

use chrono::NaiveDate;

/// The state of a promise to pay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PromiseStatus {
    /// Not yet due, and not yet paid in full.
    Open,
    /// Paid in full on or before the promised date.
    Kept,
    /// Due, and paid in part by the promised date.
    PartlyKept,
    /// Due, and nothing paid by the promised date.
    Broken,
}

impl PromiseStatus {
    pub fn code(self) -> &'static str {
        match self {
            PromiseStatus::Open => "open",
            PromiseStatus::Kept => "kept",
            PromiseStatus::PartlyKept => "partly_kept",
            PromiseStatus::Broken => "broken",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [PromiseStatus::Open, PromiseStatus::Kept, PromiseStatus::PartlyKept, PromiseStatus::Broken].into_iter().find(|status| status.code() == code)
    }
}

/// A promise and the payments that count towards it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Promise {
    /// The day the promise was made; payments from this day on count.
    pub made_on: NaiveDate,
    pub promised_on: NaiveDate,
    pub amount_minor: i64,
}

/// The outcome of a promise on `as_of`, from the customer's payments as
/// (date, amount). Payments after the promised date do not count: a promise
/// paid late is broken or partly kept. A promise is judged the day after its
/// date, so a payment on the promised date itself still keeps it.
pub fn evaluate_promise(promise: &Promise, payments: &[(NaiveDate, i64)], as_of: NaiveDate) -> (PromiseStatus, i64) {
    let paid_minor: i64 = payments
        .iter()
        .filter(|(paid_on, _)| *paid_on >= promise.made_on && *paid_on <= promise.promised_on && *paid_on <= as_of)
        .map(|(_, amount)| amount)
        .sum();

    let status = if paid_minor >= promise.amount_minor {
        PromiseStatus::Kept
    } else if as_of <= promise.promised_on {
        PromiseStatus::Open
    } else if paid_minor > 0 {
        PromiseStatus::PartlyKept
    } else {
        PromiseStatus::Broken
    };
    (status, paid_minor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        crate::dates::parse_iso_date(text).unwrap()
    }

    /// Day of the run, payments, and the expected status and amount paid.
    #[test]
    fn promise_scenarios() {
        let promise = Promise { made_on: date("2024-03-01"), promised_on: date("2024-03-10"), amount_minor: 10_000 };
        let table: [(&str, Vec<(&str, i64)>, PromiseStatus, i64); 9] = [
            ("2024-03-05", vec![], PromiseStatus::Open, 0),
            ("2024-03-10", vec![], PromiseStatus::Open, 0),
            ("2024-03-11", vec![], PromiseStatus::Broken, 0),
            ("2024-03-05", vec![("2024-03-04", 10_000)], PromiseStatus::Kept, 10_000),
            ("2024-03-11", vec![("2024-03-10", 10_000)], PromiseStatus::Kept, 10_000),
            ("2024-03-11", vec![("2024-03-02", 4_000), ("2024-03-09", 6_500)], PromiseStatus::Kept, 10_500),
            ("2024-03-11", vec![("2024-03-09", 4_000)], PromiseStatus::PartlyKept, 4_000),
            ("2024-03-20", vec![("2024-03-15", 10_000)], PromiseStatus::Broken, 0),
            ("2024-03-11", vec![("2024-02-28", 10_000)], PromiseStatus::Broken, 0),
        ];
        for (as_of, payments, expected_status, expected_paid) in table {
            let payments: Vec<(NaiveDate, i64)> = payments.iter().map(|(day, amount)| (date(day), *amount)).collect();
            let (status, paid) = evaluate_promise(&promise, &payments, date(as_of));
            assert_eq!(status, expected_status, "as of {as_of} with {payments:?}");
            assert_eq!(paid, expected_paid, "as of {as_of} with {payments:?}");
        }
    }
}
