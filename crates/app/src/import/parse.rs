//! Turning the rows of a file into typed records with a mapping profile.

use std::collections::HashMap;

use chrono::NaiveDate;
use recobro_core::number::parse_amount;
use recobro_core::{Currency, Money};

use super::error::{ErrorList, RowError, RowErrorCode, RowMessage};
use super::mapping::{FieldSpec, Profile, RecordKind, Transform};

/// A field of a section bound to a column of this file.
#[derive(Debug, Clone)]
struct BoundField {
    name: &'static str,
    /// 0-based column index and header.
    column: Option<(usize, String)>,
    constant: Option<String>,
    values: Option<std::collections::BTreeMap<String, String>>,
    prefix: Option<String>,
    transform: Option<Transform>,
}

#[derive(Debug, Clone)]
struct BoundSection {
    kind: RecordKind,
    when: Option<(usize, Vec<String>)>,
    fields: Vec<BoundField>,
}

/// A cell read from a row: its text and where it came from.
#[derive(Debug, Clone)]
pub struct Cell {
    pub text: String,
    column: Option<(usize, String)>,
}

/// One row's values for one record kind.
pub struct RecordFields<'a> {
    parser: &'a RowParser,
    section: &'a BoundSection,
    row: &'a [String],
    pub line: u64,
}

/// The source column of each mapped field of each record kind: its 1-based
/// column number and header. Checks that compare records use it to point
/// at the cell.
#[derive(Debug, Clone, Default)]
pub struct ColumnMap(HashMap<(RecordKind, &'static str), (usize, String)>);

impl ColumnMap {
    pub fn get(&self, kind: RecordKind, field: &str) -> Option<(usize, String)> {
        self.0.iter().find(|((map_kind, name), _)| *map_kind == kind && *name == field).map(|(_, column)| column.clone())
    }
}

/// Binds a profile to the header of a file and reads rows with it.
pub struct RowParser {
    pub file: String,
    pub profile: Profile,
    sections: Vec<BoundSection>,
}

impl RowParser {
    /// Binds every mapped field to its column. A required field without a
    /// column, or a column the file does not have, is an error on line 1.
    pub fn bind(file: &str, profile: Profile, headers: &[String]) -> Result<Self, ErrorList> {
        let index: HashMap<&str, usize> = headers.iter().enumerate().map(|(i, header)| (header.as_str(), i)).collect();
        let mut errors = ErrorList::default();
        let mut sections = Vec::new();
        let missing = |header: &str, field: &str, kind: RecordKind| RowError {
            file: file.to_string(),
            line: 1,
            column: None,
            value: Some(header.to_string()),
            problem: format!("missing column {header:?}, mapped to {}.{field}", kind.section()),
            hint: format!("the header has: {}. Fix the header or the mapping profile", headers.join(", ")),
            code: RowErrorCode::MappedColumnMissing.code(),
            args: vec![("column", header.to_string()), ("field", format!("{}.{field}", kind.section())), ("headers", headers.join(", "))],
        };

        for (kind, section) in &profile.sections {
            let (required, optional) = kind.fields();
            let mut fields = Vec::new();
            for &name in required.iter().chain(optional) {
                let spec = section.fields.get(name);
                let bound = match spec {
                    Some(FieldSpec::Column(header)) => match index.get(header.as_str()) {
                        Some(&i) => Some(BoundField::column(name, i, header)),
                        None => {
                            errors.push(missing(header, name, *kind));
                            None
                        }
                    },
                    Some(FieldSpec::Detailed(detail)) => {
                        let column = match &detail.column {
                            Some(header) => match index.get(header.as_str()) {
                                Some(&i) => Some((i, header.clone())),
                                None => {
                                    errors.push(missing(header, name, *kind));
                                    continue;
                                }
                            },
                            None => None,
                        };
                        Some(BoundField {
                            name,
                            column,
                            constant: detail.value.clone(),
                            values: detail.values.clone(),
                            prefix: detail.prefix.clone(),
                            transform: detail.transform,
                        })
                    }
                    // Without a mapping, a field reads the column of its own name.
                    None => index.get(name).map(|&i| BoundField::column(name, i, name)),
                };
                match bound {
                    Some(bound) => fields.push(bound),
                    None if required.contains(&name) && spec.is_none() => errors.push(RowError {
                        file: file.to_string(),
                        line: 1,
                        column: None,
                        value: None,
                        problem: format!("missing column {name:?} for the required field {}.{name}", kind.section()),
                        hint: format!(
                            "the header has: {}. Rename the column or map it in a mapping profile (--mapping FILE)",
                            headers.join(", ")
                        ),
                        code: RowErrorCode::RequiredColumnMissing.code(),
                        args: vec![("column", name.to_string()), ("field", format!("{}.{name}", kind.section())), ("headers", headers.join(", "))],
                    }),
                    None => {}
                }
            }

            let when = match &section.when {
                Some(condition) => match index.get(condition.column.as_str()) {
                    Some(&i) => Some((i, condition.equals.clone())),
                    None => {
                        errors.push(missing(&condition.column, "when", *kind));
                        None
                    }
                },
                None => None,
            };
            sections.push(BoundSection { kind: *kind, when, fields });
        }

        if errors.is_empty() { Ok(Self { file: file.to_string(), profile, sections }) } else { Err(errors) }
    }

    pub fn columns(&self) -> ColumnMap {
        let mut map = HashMap::new();
        for section in &self.sections {
            for field in &section.fields {
                if let (Some((index, header)), None) = (&field.column, &field.constant) {
                    map.insert((section.kind, field.name), (index + 1, header.clone()));
                }
            }
        }
        ColumnMap(map)
    }

    /// Lists the records a row produces, one per section whose condition is met.
    pub fn records<'a>(&'a self, row: &'a [String], line: u64) -> impl Iterator<Item = RecordFields<'a>> + 'a {
        self.sections
            .iter()
            .filter(move |section| match &section.when {
                Some((index, accepted)) => row.get(*index).is_some_and(|value| accepted.iter().any(|a| a == value.trim())),
                None => true,
            })
            .map(move |section| RecordFields { parser: self, section, row, line })
    }
}

impl BoundField {
    fn column(name: &'static str, index: usize, header: &str) -> Self {
        Self { name, column: Some((index, header.to_string())), constant: None, values: None, prefix: None, transform: None }
    }
}

impl RecordFields<'_> {
    pub fn kind(&self) -> RecordKind {
        self.section.kind
    }

    fn error(&self, cell: Option<&Cell>, message: RowMessage, problem: String, hint: &str) -> RowError {
        RowError {
            file: self.parser.file.clone(),
            line: self.line,
            column: cell.and_then(|cell| cell.column.as_ref().map(|(index, header)| (index + 1, header.clone()))),
            value: cell.map(|cell| cell.text.clone()),
            problem,
            hint: hint.to_string(),
            code: message.code.code(),
            args: message.args,
        }
    }

    /// Formats the section and name of a field, such as `document.amount`.
    fn field_label(&self, name: &str) -> String {
        format!("{}.{name}", self.section.kind.section())
    }

    /// Describes a value outside `accepted`.
    fn unexpected_value(&self, cell: &Cell, name: &str, accepted: &[&str]) -> RowError {
        let accepted = accepted.join(", ");
        self.error(
            Some(cell),
            RowMessage::new(RowErrorCode::UnexpectedValue, vec![("field", self.field_label(name)), ("accepted", accepted.clone())]),
            format!("unexpected value for {}.{name}", self.section.kind.section()),
            &format!("accepted values: {accepted}"),
        )
    }

    /// The trimmed text of a field, after its value translation, prefix and
    /// transform; `None` when unmapped or empty.
    pub fn text(&self, name: &str) -> Result<Option<Cell>, RowError> {
        let Some(field) = self.section.fields.iter().find(|field| field.name == name) else { return Ok(None) };
        let raw = match (&field.constant, &field.column) {
            (Some(constant), _) => constant.clone(),
            (None, Some((index, _))) => self.row.get(*index).map(|text| text.trim().to_string()).unwrap_or_default(),
            (None, None) => return Ok(None),
        };
        let cell = Cell { text: raw.clone(), column: field.column.clone() };
        if raw.is_empty() {
            return Ok(None);
        }

        let mut value = raw;
        if let Some(values) = &field.values {
            value = match values.get(&value) {
                Some(mapped) => mapped.clone(),
                None => {
                    let accepted: Vec<&str> = values.keys().map(String::as_str).collect();
                    return Err(self.unexpected_value(&cell, name, &accepted));
                }
            };
        }
        if let Some(Transform::MonthsDelay) = field.transform {
            let months: i64 = value.parse().map_err(|_| {
                let message = RowMessage::new(RowErrorCode::InvalidMonths, vec![("field", self.field_label(name))]);
                self.error(Some(&cell), message, "not a whole number of months".into(), "expected an integer such as -1, 0 or 3")
            })?;
            value = (if months >= 1 { months * 30 } else { 0 }).to_string();
        }
        if let Some(prefix) = &field.prefix {
            value.insert_str(0, prefix);
        }
        Ok(Some(Cell { text: value, column: cell.column }))
    }

    pub fn required_text(&self, name: &str) -> Result<String, RowError> {
        match self.text(name)? {
            Some(cell) => Ok(cell.text),
            None => Err(self.missing_value(name)),
        }
    }

    fn missing_value(&self, name: &str) -> RowError {
        let field = self.section.fields.iter().find(|field| field.name == name);
        let cell = field.map(|field| Cell { text: String::new(), column: field.column.clone() });
        let message = RowMessage::new(RowErrorCode::EmptyRequired, vec![("field", self.field_label(name))]);
        self.error(cell.as_ref(), message, format!("{}.{name} is required but empty", self.section.kind.section()), "fill in the cell")
    }

    pub fn date(&self, name: &str) -> Result<Option<NaiveDate>, RowError> {
        let Some(cell) = self.text(name)? else { return Ok(None) };
        let format = &self.parser.profile.date_format;
        NaiveDate::parse_from_str(&cell.text, format)
            .or_else(|_| recobro_core::parse_iso_date(&cell.text))
            .map(Some)
            .map_err(|_| {
                let example = NaiveDate::from_ymd_opt(2024, 1, 31).expect("valid date").format(format);
                let message = RowMessage::new(
                    RowErrorCode::InvalidDate,
                    vec![("field", self.field_label(name)), ("format", format.clone()), ("example", example.to_string())],
                );
                self.error(
                    Some(&cell),
                    message,
                    format!("invalid date for {}.{name}", self.section.kind.section()),
                    &format!("expected the format {format} (for example {example}) or YYYY-MM-DD; fix the cell or set date_format in the mapping profile"),
                )
            })
    }

    pub fn required_date(&self, name: &str) -> Result<NaiveDate, RowError> {
        self.date(name)?.ok_or_else(|| self.missing_value(name))
    }

    /// The currency of the record: its own column, else the profile's, else
    /// `fallback` (the portfolio's).
    /// Returns the currency of the profile's `[format]` table, if it sets one.
    pub fn profile_currency(&self) -> Option<Currency> {
        self.parser.profile.currency
    }

    pub fn currency(&self, fallback: Option<Currency>) -> Result<Currency, RowError> {
        if let Some(cell) = self.text("currency")? {
            return Currency::parse(&cell.text).map_err(|error| {
                let message = RowMessage::new(RowErrorCode::InvalidCurrency, vec![("value", cell.text.clone())]);
                self.error(Some(&cell), message, error.to_string(), "")
            });
        }
        self.parser.profile.currency.or(fallback).ok_or_else(|| {
            let message = RowMessage::new(RowErrorCode::NoCurrency, Vec::new());
            self.error(None, message, "no currency".into(), "add a currency column or set currency in the [format] table of the mapping profile")
        })
    }

    /// Reads an amount in minor units of `currency`. `sign` is the sign the
    /// field accepts.
    pub fn amount(&self, name: &str, currency: Currency, sign: Sign) -> Result<Option<i64>, RowError> {
        let Some(cell) = self.text(name)? else { return Ok(None) };
        let format = self.parser.profile.number_format;
        let separators = match format.thousands {
            Some(thousands) => format!("decimal separator {:?} and thousands separator {thousands:?}", format.decimal),
            None => format!("decimal separator {:?} and no thousands separator", format.decimal),
        };
        let decimal = parse_amount(&cell.text, format).map_err(|_| {
            // `none` selects the wording without a thousands separator.
            let thousands = format.thousands.map_or_else(|| "none".to_string(), |thousands| thousands.to_string());
            let message = RowMessage::new(
                RowErrorCode::InvalidAmount,
                vec![("field", self.field_label(name)), ("decimal", format.decimal.to_string()), ("thousands", thousands)],
            );
            self.error(
                Some(&cell),
                message,
                format!("invalid amount for {}.{name}", self.section.kind.section()),
                &format!("expected a number with {separators}; fix the cell or set decimal_separator and thousands_separator in the mapping profile"),
            )
        })?;
        let money = Money::from_decimal(decimal, currency)
            .map_err(|error| self.error(Some(&cell), RowMessage::money(&error), error.to_string(), "round the amount in the source"))?;
        let valid = match sign {
            Sign::Positive => money.minor > 0,
            Sign::NotNegative => money.minor >= 0,
            Sign::Any => true,
        };
        if !valid {
            let expected = if sign == Sign::Positive { "greater than zero" } else { "zero or more" };
            let code = if sign == Sign::Positive { RowErrorCode::AmountNotPositive } else { RowErrorCode::AmountNegative };
            let message = RowMessage::new(code, vec![("field", self.field_label(name))]);
            return Err(self.error(Some(&cell), message, format!("{}.{name} must be {expected}", self.section.kind.section()), "a credit is a credit_note document, not a negative amount"));
        }
        Ok(Some(money.minor))
    }

    pub fn required_amount(&self, name: &str, currency: Currency, sign: Sign) -> Result<i64, RowError> {
        self.amount(name, currency, sign)?.ok_or_else(|| self.missing_value(name))
    }

    pub fn integer(&self, name: &str) -> Result<Option<i64>, RowError> {
        let Some(cell) = self.text(name)? else { return Ok(None) };
        cell.text.parse::<i64>().map(Some).map_err(|_| {
            let message = RowMessage::new(RowErrorCode::InvalidInteger, vec![("field", self.field_label(name))]);
            self.error(Some(&cell), message, format!("invalid whole number for {}.{name}", self.section.kind.section()), "expected digits such as 0 or 45")
        })
    }

    /// A text field that must be one of `accepted`.
    pub fn choice(&self, name: &str, accepted: &[&str]) -> Result<Option<String>, RowError> {
        let Some(cell) = self.text(name)? else { return Ok(None) };
        let value = cell.text.to_ascii_lowercase().replace([' ', '-'], "_");
        if accepted.contains(&value.as_str()) {
            Ok(Some(value))
        } else {
            Err(self.unexpected_value(&cell, name, accepted))
        }
    }

    /// Builds an error about this record as a whole, pointing at a field's cell.
    pub fn record_error(&self, field: &str, message: RowMessage, problem: String, hint: &str) -> RowError {
        let cell = self.text(field).ok().flatten();
        self.error(cell.as_ref(), message, problem, hint)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sign {
    Positive,
    NotNegative,
    Any,
}
