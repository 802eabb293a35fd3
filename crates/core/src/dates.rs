//! Civil dates. Every date in Recobro is a calendar date of the portfolio's
//! time zone, never an instant.

use chrono::NaiveDate;

/// Days past due on `as_of`: the whole days from `due_date` to `as_of`.
/// Zero or less means current, so a document due today is not overdue.
pub fn days_past_due(as_of: NaiveDate, due_date: NaiveDate) -> i64 {
    (as_of - due_date).num_days()
}

/// Parses `YYYY-MM-DD`, the form dates take in the database and on the
/// command line.
pub fn parse_iso_date(text: &str) -> Result<NaiveDate, chrono::ParseError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        parse_iso_date(text).unwrap()
    }

    #[test]
    fn due_today_is_current() {
        assert_eq!(days_past_due(date("2024-03-01"), date("2024-03-01")), 0);
        assert_eq!(days_past_due(date("2024-03-02"), date("2024-03-01")), 1);
        assert_eq!(days_past_due(date("2024-02-28"), date("2024-03-01")), -2);
    }

    #[test]
    fn leap_day_counts() {
        assert_eq!(days_past_due(date("2024-03-01"), date("2024-02-28")), 2);
        assert_eq!(days_past_due(date("2023-03-01"), date("2023-02-28")), 1);
    }
}
