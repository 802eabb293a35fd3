//! Rate tables and factor tables, and the CSV files they are read from.
//!
//! A rate CSV has `#` comment lines, then a header line, then one row per
//! rate change. A comment `# covered-through: YYYY-MM-DD` states the last day
//! the table is known to be complete. Asking for a later day is an error, so
//! the last known rate is never reused silently.

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::InterestError;

/// A rate in force from a date until the next row of its table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateRow {
    pub effective_from: NaiveDate,
    /// Annual rate in percent, such as `8.5` for 8.5 %.
    pub percent: Decimal,
}

/// A dated series of annual rates, sorted by date: a central bank's rate
/// history, a usury cap or a single contractual rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateTable {
    /// The file or regime the table came from, for error messages.
    pub name: String,
    rows: Vec<RateRow>,
    covered_through: Option<NaiveDate>,
}

impl RateTable {
    /// Builds a table from rows in any order. Two rows on the same date are
    /// rejected because the table could not say which one applies.
    pub fn new(name: impl Into<String>, mut rows: Vec<RateRow>, covered_through: Option<NaiveDate>) -> Result<Self, InterestError> {
        let name = name.into();
        if rows.is_empty() {
            return Err(InterestError::EmptyRateTable { table: name });
        }

        rows.sort_by_key(|row| row.effective_from);
        if let Some(pair) = rows.windows(2).find(|pair| pair[0].effective_from == pair[1].effective_from) {
            return Err(InterestError::DuplicateRateDate { table: name, date: pair[0].effective_from });
        }
        Ok(Self { name, rows, covered_through })
    }

    /// Builds a table with one rate in force on every date.
    pub fn fixed(name: impl Into<String>, percent: Decimal) -> Self {
        let row = RateRow { effective_from: NaiveDate::MIN, percent };
        Self { name: name.into(), rows: vec![row], covered_through: None }
    }

    pub fn rows(&self) -> &[RateRow] {
        &self.rows
    }

    /// Returns the last day the table is known to be complete, when it states one.
    pub fn covered_through(&self) -> Option<NaiveDate> {
        self.covered_through
    }

    /// Returns the rate in force on `date`: the last row effective on or
    /// before it.
    pub fn rate_on(&self, date: NaiveDate) -> Result<Decimal, InterestError> {
        if let Some(last_day) = self.covered_through
            && date > last_day
        {
            return Err(InterestError::RateNotCovered { table: self.name.clone(), date, covered_through: last_day });
        }

        let index = self.rows.partition_point(|row| row.effective_from <= date);
        if index == 0 {
            return Err(InterestError::RateBeforeTable { table: self.name.clone(), date, first: self.rows[0].effective_from });
        }
        Ok(self.rows[index - 1].percent)
    }

    /// Returns the dates in `first..=last` on which a row takes effect.
    pub fn changes_within(&self, first: NaiveDate, last: NaiveDate) -> impl Iterator<Item = NaiveDate> + '_ {
        self.rows.iter().map(|row| row.effective_from).filter(move |date| *date >= first && *date <= last)
    }
}

/// One published day of a factor table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactorRow {
    pub date: NaiveDate,
    /// The annual rate of that day in percent, as published with the factor.
    pub percent: Decimal,
    /// The accumulated factor at the end of that day.
    pub factor: Decimal,
}

/// Accumulated interest factors published day by day, such as Peru's legal
/// interest factors: interest from the end of day A to the end of day B is
/// `base × (factor(B) / factor(A) − 1)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactorTable {
    pub name: String,
    rows: Vec<FactorRow>,
}

impl FactorTable {
    /// Builds a table from rows in any order, rejecting duplicate dates.
    pub fn new(name: impl Into<String>, mut rows: Vec<FactorRow>) -> Result<Self, InterestError> {
        let name = name.into();
        if rows.is_empty() {
            return Err(InterestError::EmptyRateTable { table: name });
        }

        rows.sort_by_key(|row| row.date);
        if let Some(pair) = rows.windows(2).find(|pair| pair[0].date == pair[1].date) {
            return Err(InterestError::DuplicateRateDate { table: name, date: pair[0].date });
        }
        Ok(Self { name, rows })
    }

    pub fn rows(&self) -> &[FactorRow] {
        &self.rows
    }

    /// Returns the accumulated factor at the end of `date`, which must be a
    /// listed day: factors are never interpolated.
    pub fn factor_on(&self, date: NaiveDate) -> Result<Decimal, InterestError> {
        match self.rows.binary_search_by_key(&date, |row| row.date) {
            Ok(index) => Ok(self.rows[index].factor),
            Err(_) => Err(InterestError::FactorMissing { table: self.name.clone(), date }),
        }
    }
}

/// A rate file that cannot be read, with the place and value at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct RateFileError {
    pub file: String,
    /// Line number, counting from 1 and including comment lines.
    pub line: usize,
    /// Column number, counting from 1; 0 when the whole line is at fault.
    pub column: usize,
    pub value: String,
    pub reason: String,
}

impl fmt::Display for RateFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: line {}, column {}: invalid value {:?}: {}", self.file, self.line, self.column, self.value, self.reason)
    }
}

/// The data lines of a rate CSV after its header, with the column indexes
/// of the requested header names.
struct CsvBody<'a> {
    file: &'a str,
    covered_through: Option<NaiveDate>,
    columns: Vec<usize>,
    /// (line number, fields) of each data line.
    lines: Vec<(usize, Vec<&'a str>)>,
}

/// Splits a rate CSV into its `covered-through` comment, its header and its
/// data lines. Fields are separated by commas and cannot be quoted.
fn read_csv<'a>(file: &'a str, text: &'a str, required: &[&str]) -> Result<CsvBody<'a>, RateFileError> {
    let error = |line: usize, column: usize, value: &str, reason: String| RateFileError { file: file.to_string(), line, column, value: value.to_string(), reason };
    let mut covered_through = None;
    let mut header: Option<(usize, Vec<&str>)> = None;
    let mut lines = Vec::new();

    for (index, raw_line) in text.lines().enumerate() {
        let number = index + 1;
        let line = raw_line.trim();
        if let Some(comment) = line.strip_prefix('#') {
            if let Some(date_text) = comment.trim().strip_prefix("covered-through:") {
                let date_text = date_text.trim();
                let date = parse_date(date_text).ok_or_else(|| error(number, 0, date_text, "expected a date YYYY-MM-DD after covered-through:".to_string()))?;
                covered_through = Some(date);
            }
            continue;
        }
        if line.is_empty() {
            continue;
        }

        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        if header.is_none() {
            header = Some((number, fields));
            continue;
        }
        let width = header.as_ref().map_or(0, |(_, names)| names.len());
        if fields.len() != width {
            return Err(error(number, 0, line, format!("expected {width} comma-separated fields, found {}", fields.len())));
        }
        lines.push((number, fields));
    }

    let (header_line, header) = header.ok_or_else(|| error(1, 0, "", format!("missing header line naming the columns {}", required.join(", "))))?;
    let mut columns = Vec::new();
    for name in required {
        let position = header.iter().position(|field| field == name);
        let position = position.ok_or_else(|| error(header_line, 0, &header.join(","), format!("the header has no column {name:?}")))?;
        columns.push(position);
    }
    Ok(CsvBody { file, covered_through, columns, lines })
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

impl CsvBody<'_> {
    fn error(&self, line: usize, column_index: usize, value: &str, reason: &str) -> RateFileError {
        RateFileError { file: self.file.to_string(), line, column: column_index + 1, value: value.to_string(), reason: reason.to_string() }
    }

    fn date(&self, line: usize, fields: &[&str], which: usize) -> Result<NaiveDate, RateFileError> {
        let column_index = self.columns[which];
        let text = fields[column_index];
        parse_date(text).ok_or_else(|| self.error(line, column_index, text, "expected a date YYYY-MM-DD"))
    }

    fn decimal(&self, line: usize, fields: &[&str], which: usize) -> Result<Decimal, RateFileError> {
        let column_index = self.columns[which];
        let text = fields[column_index];
        text.parse::<Decimal>().map_err(|_| self.error(line, column_index, text, "expected a decimal number such as 4.25"))
    }

    fn reject_repeated_date(&self, line: usize, fields: &[&str], which: usize, previous: &mut Vec<NaiveDate>) -> Result<NaiveDate, RateFileError> {
        let date = self.date(line, fields, which)?;
        if previous.contains(&date) {
            return Err(self.error(line, self.columns[which], fields[self.columns[which]], "this date already has a row"));
        }
        previous.push(date);
        Ok(date)
    }
}

/// Parses a rate CSV whose columns include `effective_from` and
/// `rate_column` (an annual rate in percent). `file` names the file in
/// errors. Users import their own rate history with this function.
pub fn parse_rate_csv(file: &str, text: &str, rate_column: &str) -> Result<RateTable, RateFileError> {
    let body = read_csv(file, text, &["effective_from", rate_column])?;

    let mut rows = Vec::new();
    let mut dates = Vec::new();
    for (line, fields) in &body.lines {
        let effective_from = body.reject_repeated_date(*line, fields, 0, &mut dates)?;
        let percent = body.decimal(*line, fields, 1)?;
        rows.push(RateRow { effective_from, percent });
    }

    if rows.is_empty() {
        return Err(RateFileError { file: file.to_string(), line: 0, column: 0, value: String::new(), reason: "the file has no data rows".to_string() });
    }
    Ok(RateTable::new(file, rows, body.covered_through).expect("rows are non-empty and their dates are distinct"))
}

/// Parses a factor CSV with the columns `date`, `rate_percent` and
/// `accumulated_factor`. Factors must be positive.
pub fn parse_factor_csv(file: &str, text: &str) -> Result<FactorTable, RateFileError> {
    let body = read_csv(file, text, &["date", "rate_percent", "accumulated_factor"])?;

    let mut rows = Vec::new();
    let mut dates = Vec::new();
    for (line, fields) in &body.lines {
        let date = body.reject_repeated_date(*line, fields, 0, &mut dates)?;
        let percent = body.decimal(*line, fields, 1)?;
        let factor = body.decimal(*line, fields, 2)?;
        if factor <= Decimal::ZERO {
            return Err(body.error(*line, body.columns[2], fields[body.columns[2]], "an accumulated factor must be greater than zero"));
        }
        rows.push(FactorRow { date, percent, factor });
    }

    if rows.is_empty() {
        return Err(RateFileError { file: file.to_string(), line: 0, column: 0, value: String::new(), reason: "the file has no data rows".to_string() });
    }
    Ok(FactorTable::new(file, rows).expect("rows are non-empty and their dates are distinct"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        parse_date(text).unwrap()
    }

    #[test]
    fn rate_csv_parses_rows_and_coverage() {
        let text = "# comment\n# covered-through: 2024-12-31\neffective_from,rate_percent\n2024-06-01,4.5\n2024-01-01,5\n";
        let table = parse_rate_csv("rates.csv", text, "rate_percent").unwrap();

        assert_eq!(table.rows().len(), 2);
        assert_eq!(table.rate_on(date("2024-05-31")).unwrap(), Decimal::from(5));
        assert_eq!(table.rate_on(date("2024-06-01")).unwrap().to_string(), "4.5");
        assert!(matches!(table.rate_on(date("2025-01-01")), Err(InterestError::RateNotCovered { .. })));
        assert!(matches!(table.rate_on(date("2023-12-31")), Err(InterestError::RateBeforeTable { .. })));
    }

    #[test]
    fn rate_csv_error_names_line_column_value() {
        let text = "effective_from,rate_percent\n2024-01-01,5\n2024-02-01,five\n";
        let error = parse_rate_csv("my-rates.csv", text, "rate_percent").unwrap_err();

        assert_eq!((error.line, error.column, error.value.as_str()), (3, 2, "five"));
        assert_eq!(error.to_string(), "my-rates.csv: line 3, column 2: invalid value \"five\": expected a decimal number such as 4.25");
    }

    #[test]
    fn rate_csv_rejects_bad_dates_and_shapes() {
        let bad_date = parse_rate_csv("r.csv", "effective_from,rate_percent\n2024-13-01,5\n", "rate_percent").unwrap_err();
        assert_eq!((bad_date.line, bad_date.column), (2, 1));

        let repeated = parse_rate_csv("r.csv", "effective_from,rate_percent\n2024-01-01,5\n2024-01-01,6\n", "rate_percent").unwrap_err();
        assert_eq!(repeated.line, 3);
        assert!(repeated.reason.contains("already has a row"), "{repeated}");

        let short = parse_rate_csv("r.csv", "effective_from,rate_percent\n2024-01-01\n", "rate_percent").unwrap_err();
        assert_eq!((short.line, short.column), (2, 0));

        let missing_column = parse_rate_csv("r.csv", "date,rate\n2024-01-01,5\n", "rate_percent").unwrap_err();
        assert!(missing_column.reason.contains("no column \"effective_from\""), "{missing_column}");

        let empty = parse_rate_csv("r.csv", "effective_from,rate_percent\n", "rate_percent").unwrap_err();
        assert!(empty.reason.contains("no data rows"), "{empty}");
    }

    #[test]
    fn factor_csv_requires_listed_days() {
        let text = "date,rate_percent,accumulated_factor\n2024-01-01,2.5,1.00007\n2024-01-02,2.5,1.00014\n";
        let table = parse_factor_csv("f.csv", text).unwrap();

        assert_eq!(table.factor_on(date("2024-01-02")).unwrap().to_string(), "1.00014");
        assert!(matches!(table.factor_on(date("2024-01-03")), Err(InterestError::FactorMissing { .. })));

        let zero = parse_factor_csv("f.csv", "date,rate_percent,accumulated_factor\n2024-01-01,2.5,0\n").unwrap_err();
        assert_eq!((zero.line, zero.column), (2, 3));
    }
}
