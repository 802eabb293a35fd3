//! How Spanish and English readers write amounts and dates. Pages, emails
//! and letters all format through here, so one text reads the same
//! everywhere.

use chrono::NaiveDate;

use crate::money::{Currency, format_minor, group_decimal_text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Locale {
    Spanish,
    English,
}

impl Locale {
    /// Maps a language code to its locale: `en` is English, anything else
    /// Spanish, the language of Recobro's first users.
    pub fn from_code(code: &str) -> Self {
        if code.trim().eq_ignore_ascii_case("en") { Locale::English } else { Locale::Spanish }
    }

    /// Returns the decimal and the thousands separator.
    fn separators(self) -> (char, char) {
        match self {
            Locale::Spanish => (',', '.'),
            Locale::English => ('.', ','),
        }
    }

    /// Formats a date: `31/01/2024` in Spanish, `31 Jan 2024` in English
    /// (day first, so neither reading order is ambiguous).
    pub fn format_date(self, date: NaiveDate) -> String {
        match self {
            Locale::Spanish => date.format("%d/%m/%Y").to_string(),
            Locale::English => date.format("%-d %b %Y").to_string(),
        }
    }

    /// Formats minor units without the currency code: `1.234,56` in
    /// Spanish, `1,234.56` in English.
    pub fn format_minor(self, minor: i64, currency: Currency) -> String {
        self.format_decimal_text(&format_minor(minor, currency))
    }

    /// Formats a plain decimal string such as `1234.50`.
    pub fn format_decimal_text(self, plain: &str) -> String {
        let (decimal_separator, group_separator) = self.separators();
        group_decimal_text(plain, decimal_separator, group_separator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spanish_and_english_formats() {
        let usd = Currency::parse("USD").unwrap();
        let date = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
        assert_eq!(Locale::Spanish.format_minor(123_456, usd), "1.234,56");
        assert_eq!(Locale::English.format_minor(-123_456, usd), "-1,234.56");
        assert_eq!(Locale::Spanish.format_date(date), "31/01/2024");
        assert_eq!(Locale::English.format_date(date), "31 Jan 2024");
        assert_eq!(Locale::Spanish.format_decimal_text("-1234567.50"), "-1.234.567,50");
        assert_eq!(Locale::from_code("EN"), Locale::English);
        assert_eq!(Locale::from_code("fr"), Locale::Spanish);
    }
}
