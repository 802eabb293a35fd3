//! Money as integer minor units with an ISO 4217 currency.
//!
//! Amounts are stored and added as `i64` minor units (cents for USD, whole
//! yen for JPY), so sums are exact and fast. `Decimal` is the exchange format
//! at the edges: parsing input, JSON output and display.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// An ISO 4217 alphabetic currency code such as `USD`, `EUR` or `TWD`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CurrencyError {
    #[error("invalid currency code {0:?}: expected three letters such as USD, EUR or MXN")]
    InvalidCode(String),
}

impl Currency {
    /// Parses a three-letter code, accepting lower case (`usd` becomes `USD`).
    pub fn parse(code: &str) -> Result<Self, CurrencyError> {
        let trimmed = code.trim();
        let bytes = trimmed.as_bytes();
        if bytes.len() != 3 || !bytes.iter().all(u8::is_ascii_alphabetic) {
            return Err(CurrencyError::InvalidCode(code.to_string()));
        }
        let mut upper = [0u8; 3];
        for (target, source) in upper.iter_mut().zip(bytes) {
            *target = source.to_ascii_uppercase();
        }
        Ok(Self(upper))
    }

    pub fn code(&self) -> &str {
        // The constructor admits ASCII letters only.
        std::str::from_utf8(&self.0).expect("currency code is ASCII")
    }

    /// Number of decimal places of the currency's minor unit, per ISO 4217.
    /// Codes not listed here use two.
    pub fn minor_digits(&self) -> u32 {
        match self.code() {
            "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF"
            | "UGX" | "UYI" | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
            "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
            "CLF" | "UYW" => 4,
            _ => 2,
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Currency({})", self.code())
    }
}

impl FromStr for Currency {
    type Err = CurrencyError;

    fn from_str(code: &str) -> Result<Self, Self::Err> {
        Self::parse(code)
    }
}

impl TryFrom<String> for Currency {
    type Error = CurrencyError;

    fn try_from(code: String) -> Result<Self, Self::Error> {
        Self::parse(&code)
    }
}

impl From<Currency> for String {
    fn from(currency: Currency) -> Self {
        currency.code().to_string()
    }
}

/// An exact amount of one currency, in minor units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("{amount} has more decimal places than {currency} allows ({digits})")]
    TooManyDecimals { amount: Decimal, currency: Currency, digits: u32 },
    #[error("{amount} {currency} is too large to store")]
    OutOfRange { amount: Decimal, currency: Currency },
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Self {
        Self { minor, currency }
    }

    /// Converts a decimal amount to minor units without rounding: `12.345`
    /// USD is rejected rather than silently turned into 12.34 or 12.35.
    pub fn from_decimal(amount: Decimal, currency: Currency) -> Result<Self, MoneyError> {
        let digits = currency.minor_digits();
        let normalized = amount.normalize();
        if normalized.scale() > digits {
            return Err(MoneyError::TooManyDecimals { amount, currency, digits });
        }

        let scaled = normalized
            .checked_mul(Decimal::from(10_i64.pow(digits)))
            .ok_or(MoneyError::OutOfRange { amount, currency })?;
        let minor = i64::try_from(scaled).map_err(|_| MoneyError::OutOfRange { amount, currency })?;
        Ok(Self { minor, currency })
    }

    pub fn to_decimal(&self) -> Decimal {
        Decimal::new(self.minor, self.currency.minor_digits())
    }
}

/// Formats minor units as a plain decimal string with the currency's
/// decimal places, such as `1234.50` or `-0.07`: the form JSON and CSV
/// outputs carry.
pub fn format_minor(minor: i64, currency: Currency) -> String {
    Decimal::new(minor, currency.minor_digits()).to_string()
}

/// Formats minor units for people: thousands grouped and the locale's
/// separators, such as `1,234.50` (English) or `1.234,50` (Spanish).
pub fn format_minor_grouped(minor: i64, currency: Currency, decimal_separator: char, group_separator: char) -> String {
    group_decimal_text(&format_minor(minor, currency), decimal_separator, group_separator)
}

/// Groups a plain decimal string such as `-1234567.50` with the given
/// separators, such as `-1.234.567,50`.
pub fn group_decimal_text(plain: &str, decimal_separator: char, group_separator: char) -> String {
    let (negative, digits) = match plain.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, plain),
    };
    let (integer_part, fraction_part) = match digits.split_once('.') {
        Some((integer_part, fraction_part)) => (integer_part, Some(fraction_part)),
        None => (digits, None),
    };

    let mut grouped = String::new();
    if negative {
        grouped.push('-');
    }
    for (index, digit) in integer_part.chars().enumerate() {
        if index > 0 && (integer_part.len() - index) % 3 == 0 {
            grouped.push(group_separator);
        }
        grouped.push(digit);
    }
    if let Some(fraction_part) = fraction_part {
        grouped.push(decimal_separator);
        grouped.push_str(fraction_part);
    }
    grouped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd() -> Currency {
        Currency::parse("USD").unwrap()
    }

    #[test]
    fn currency_parse_normalizes_case() {
        assert_eq!(Currency::parse("eur").unwrap().code(), "EUR");
        assert!(Currency::parse("EURO").is_err());
        assert!(Currency::parse("E1R").is_err());
    }

    #[test]
    fn money_from_decimal_exact() {
        let money = Money::from_decimal("1234.5".parse().unwrap(), usd()).unwrap();
        assert_eq!(money.minor, 123_450);
        assert_eq!(money.to_decimal().to_string(), "1234.50");
    }

    #[test]
    fn money_rejects_extra_decimals() {
        let error = Money::from_decimal("12.345".parse().unwrap(), usd()).unwrap_err();
        assert_eq!(error.to_string(), "12.345 has more decimal places than USD allows (2)");
    }

    #[test]
    fn money_accepts_trailing_zeros_beyond_digits() {
        let money = Money::from_decimal("10.500".parse().unwrap(), usd()).unwrap();
        assert_eq!(money.minor, 1050);
    }

    #[test]
    fn zero_decimal_currency() {
        let jpy = Currency::parse("JPY").unwrap();
        assert_eq!(Money::from_decimal("1500".parse().unwrap(), jpy).unwrap().minor, 1500);
        assert!(Money::from_decimal("1500.5".parse().unwrap(), jpy).is_err());
        assert_eq!(format_minor(1500, jpy), "1500");
    }

    #[test]
    fn grouped_formatting_by_locale() {
        assert_eq!(format_minor_grouped(123_456_789, usd(), '.', ','), "1,234,567.89");
        assert_eq!(format_minor_grouped(123_456_789, usd(), ',', '.'), "1.234.567,89");
        assert_eq!(format_minor_grouped(-5, usd(), ',', '.'), "-0,05");
        assert_eq!(format_minor_grouped(100_000, usd(), '.', ','), "1,000.00");
    }
}
