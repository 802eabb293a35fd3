//! Reading CSV and XLSX files row by row, with the line number of each row.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use calamine::{Data, Reader, open_workbook_auto};

/// An open file of rows with a header line.
pub enum Source {
    Csv { reader: csv::Reader<BufReader<File>>, record: csv::StringRecord },
    Sheet { rows: std::vec::IntoIter<Vec<Data>>, next_line: u64 },
}

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("line {line}: {message}")]
    Csv { line: u64, message: String },
    #[error("cannot read workbook: {0}")]
    Workbook(String),
    #[error("the file is empty: expected a header line with column names")]
    Empty,
}

impl Source {
    /// Opens `path` by its extension: `.xlsx`, `.xlsm`, `.xls` and `.ods`
    /// are workbooks, anything else is delimited text.
    pub fn open(path: &Path, delimiter: u8, sheet: Option<&str>) -> Result<(Self, Vec<String>), SourceError> {
        let extension = path.extension().and_then(|extension| extension.to_str()).unwrap_or("").to_ascii_lowercase();
        if matches!(extension.as_str(), "xlsx" | "xlsm" | "xls" | "ods") {
            Self::open_workbook(path, sheet)
        } else {
            Self::open_csv(path, delimiter)
        }
    }

    fn open_csv(path: &Path, delimiter: u8) -> Result<(Self, Vec<String>), SourceError> {
        let file = File::open(path).map_err(|source| SourceError::Io { path: path.display().to_string(), source })?;
        let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).has_headers(true).from_reader(BufReader::new(file));
        let headers = reader.headers().map_err(|error| csv_error(&error))?.clone();
        if headers.is_empty() || (headers.len() == 1 && headers[0].trim().is_empty()) {
            return Err(SourceError::Empty);
        }
        let headers = headers.iter().map(|header| header.trim_start_matches('\u{feff}').trim().to_string()).collect();
        Ok((Source::Csv { reader, record: csv::StringRecord::new() }, headers))
    }

    fn open_workbook(path: &Path, sheet: Option<&str>) -> Result<(Self, Vec<String>), SourceError> {
        let mut workbook = open_workbook_auto(path).map_err(|error| SourceError::Workbook(error.to_string()))?;
        let sheet_name = match sheet {
            Some(name) => name.to_string(),
            None => workbook.sheet_names().first().cloned().ok_or(SourceError::Empty)?,
        };
        let range = workbook
            .worksheet_range(&sheet_name)
            .map_err(|error| SourceError::Workbook(format!("sheet {sheet_name:?}: {error}")))?;
        let mut rows: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
        if rows.is_empty() {
            return Err(SourceError::Empty);
        }
        let headers = rows.remove(0).iter().map(|cell| cell_text(cell).trim().to_string()).collect();
        Ok((Source::Sheet { rows: rows.into_iter(), next_line: 2 }, headers))
    }

    /// Reads the next row into `fields`. Returns its line number, or `None`
    /// at the end of the file.
    pub fn next_row(&mut self, fields: &mut Vec<String>) -> Result<Option<u64>, SourceError> {
        fields.clear();
        match self {
            Source::Csv { reader, record } => {
                if !reader.read_record(record).map_err(|error| csv_error(&error))? {
                    return Ok(None);
                }
                let line = record.position().map_or(0, csv::Position::line);
                fields.extend(record.iter().map(str::to_string));
                Ok(Some(line))
            }
            Source::Sheet { rows, next_line } => {
                let Some(row) = rows.next() else { return Ok(None) };
                let line = *next_line;
                *next_line += 1;
                fields.extend(row.iter().map(cell_text));
                Ok(Some(line))
            }
        }
    }

    /// Bytes read so far, for progress on delimited files.
    pub fn bytes_read(&self) -> u64 {
        match self {
            Source::Csv { reader, .. } => reader.position().byte(),
            Source::Sheet { .. } => 0,
        }
    }
}

fn csv_error(error: &csv::Error) -> SourceError {
    let line = error.position().map_or(0, csv::Position::line);
    let message = match error.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("the row has {len} fields but the header has {expected_len}; check the delimiter and quoting")
        }
        csv::ErrorKind::Utf8 { .. } => "the text is not valid UTF-8; save the file as UTF-8".to_string(),
        _ => error.to_string(),
    };
    SourceError::Csv { line, message }
}

/// Text of a workbook cell. Numbers keep the shortest decimal form that
/// reads back as the same value (55.94, not 55.939999999999998), so that
/// amounts are parsed as decimals and never carried as floats; dates become
/// ISO-8601 dates.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(text) => text.clone(),
        Data::Int(value) => value.to_string(),
        Data::Float(value) => format!("{value}"),
        Data::Bool(value) => value.to_string(),
        Data::DateTime(value) => match value.as_datetime() {
            Some(datetime) => datetime.date().format("%Y-%m-%d").to_string(),
            None => value.to_string(),
        },
        Data::DateTimeIso(text) | Data::DurationIso(text) => text.chars().take(10).collect(),
        Data::Error(error) => format!("#{error:?}"),
    }
}
