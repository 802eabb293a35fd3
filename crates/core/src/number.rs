//! Parsing of amounts as ERP exports write them: `1,234.56`, `1.234,56`,
//! `-12.50`, `(12.50)` for a negative, with or without thousands separators,
//! and `5e+05` as statistics tools write round numbers.

use rust_decimal::Decimal;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountParseError {
    #[error("the amount is empty")]
    Empty,
    #[error("{0:?} is not a number with decimal separator {1:?}")]
    NotANumber(String, char),
}

/// Separators of a number format. `thousands` is `None` when the source
/// never groups digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberFormat {
    pub decimal: char,
    pub thousands: Option<char>,
}

impl Default for NumberFormat {
    fn default() -> Self {
        Self { decimal: '.', thousands: Some(',') }
    }
}

/// Parses `text` as an exact decimal. Thousands separators must sit between
/// groups of three digits, so that `1.234,56` read with the English format
/// is rejected instead of silently becoming 1.23456.
pub fn parse_amount(text: &str, format: NumberFormat) -> Result<Decimal, AmountParseError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(AmountParseError::Empty);
    }
    let invalid = || AmountParseError::NotANumber(text.to_string(), format.decimal);

    let (negative_by_parentheses, body) = match trimmed.strip_prefix('(').and_then(|inner| inner.strip_suffix(')')) {
        Some(inner) => (true, inner.trim()),
        None => (false, trimmed),
    };
    if let Some((mantissa, exponent)) = body.split_once(['e', 'E']) {
        return parse_scientific(mantissa, exponent, format, negative_by_parentheses).ok_or_else(invalid);
    }
    let (negative_by_sign, digits) = match body.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, body.strip_prefix('+').unwrap_or(body)),
    };
    if negative_by_parentheses && negative_by_sign {
        return Err(invalid());
    }

    let (integer_part, fraction_part) = match digits.split_once(format.decimal) {
        Some((integer_part, fraction_part)) => (integer_part, Some(fraction_part)),
        None => (digits, None),
    };
    let integer_digits = strip_grouping(integer_part, format.thousands).ok_or_else(invalid)?;
    if let Some(fraction) = fraction_part
        && (fraction.is_empty() || !fraction.bytes().all(|byte| byte.is_ascii_digit()))
    {
        return Err(invalid());
    }

    let mut canonical = String::with_capacity(digits.len() + 1);
    if negative_by_parentheses || negative_by_sign {
        canonical.push('-');
    }
    canonical.push_str(if integer_digits.is_empty() { "0" } else { &integer_digits });
    if let Some(fraction) = fraction_part {
        canonical.push('.');
        canonical.push_str(fraction);
    }
    canonical.parse::<Decimal>().map_err(|_| invalid())
}

/// Parses `mantissa` x 10^`exponent` exactly, such as `5e+05` or `1.25E3`.
fn parse_scientific(mantissa: &str, exponent: &str, format: NumberFormat, negative: bool) -> Option<Decimal> {
    let plain = NumberFormat { decimal: format.decimal, thousands: None };
    let mantissa = parse_amount(mantissa, plain).ok()?;
    let exponent: i32 = exponent.strip_prefix('+').unwrap_or(exponent).parse().ok()?;
    if exponent.unsigned_abs() > 28 {
        return None;
    }
    let scale = Decimal::from_i128_with_scale(10_i128.pow(exponent.unsigned_abs()), 0);
    let value = if exponent >= 0 { mantissa.checked_mul(scale)? } else { mantissa.checked_div(scale)? };
    Some(if negative { -value } else { value })
}

/// Removes thousands separators, checking that each group after the first
/// has exactly three digits. Returns `None` for anything else.
fn strip_grouping(integer_part: &str, thousands: Option<char>) -> Option<String> {
    let Some(separator) = thousands.filter(|separator| integer_part.contains(*separator)) else {
        return integer_part.bytes().all(|byte| byte.is_ascii_digit()).then(|| integer_part.to_string());
    };

    let groups: Vec<&str> = integer_part.split(separator).collect();
    let first_ok = !groups[0].is_empty() && groups[0].len() <= 3;
    let rest_ok = groups[1..].iter().all(|group| group.len() == 3);
    let all_digits = groups.iter().all(|group| group.bytes().all(|byte| byte.is_ascii_digit()));
    (first_ok && rest_ok && all_digits).then(|| groups.concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENGLISH: NumberFormat = NumberFormat { decimal: '.', thousands: Some(',') };
    const SPANISH: NumberFormat = NumberFormat { decimal: ',', thousands: Some('.') };

    fn parse(text: &str, format: NumberFormat) -> String {
        parse_amount(text, format).unwrap().to_string()
    }

    #[test]
    fn english_and_spanish_formats() {
        assert_eq!(parse("1,234.56", ENGLISH), "1234.56");
        assert_eq!(parse("1.234,56", SPANISH), "1234.56");
        assert_eq!(parse("1234,56", SPANISH), "1234.56");
        assert_eq!(parse("-0.07", ENGLISH), "-0.07");
        assert_eq!(parse("(12.50)", ENGLISH), "-12.50");
        assert_eq!(parse(" 55.94 ", ENGLISH), "55.94");
        assert_eq!(parse("3913", ENGLISH), "3913");
        assert_eq!(parse(".5", ENGLISH), "0.5");
    }

    #[test]
    fn scientific_notation() {
        assert_eq!(parse("5e+05", ENGLISH), "500000");
        assert_eq!(parse("1.25E3", ENGLISH), "1250.00");
        assert_eq!(parse("-2e2", ENGLISH), "-200");
        assert_eq!(parse("1,5e2", SPANISH), "150.0");
        assert_eq!(parse("25e-2", ENGLISH), "0.25");
        assert!(parse_amount("e5", ENGLISH).is_err());
        assert!(parse_amount("1e", ENGLISH).is_err());
        assert!(parse_amount("1e99", ENGLISH).is_err());
    }

    #[test]
    fn wrong_format_is_rejected() {
        assert!(parse_amount("1.234,56", ENGLISH).is_err());
        assert!(parse_amount("1,23.4", ENGLISH).is_err());
        assert!(parse_amount("12a", ENGLISH).is_err());
        assert!(parse_amount("1.", ENGLISH).is_err());
        assert!(parse_amount("", ENGLISH).is_err());
        assert!(parse_amount("-(5)", ENGLISH).is_err());
    }
}
