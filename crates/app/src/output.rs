//! Report output as a terminal table, CSV, JSON or an Excel workbook.

use std::io::Write;
use std::path::Path;

use recobro_core::Currency;
use recobro_core::money::format_minor;
use rust_xlsxwriter::{Format, Workbook};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Table,
    Csv,
    Json,
    Xlsx,
}


impl OutputFormat {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "table" => Some(Self::Table),
            "csv" => Some(Self::Csv),
            "json" => Some(Self::Json),
            "xlsx" => Some(Self::Xlsx),
            _ => None,
        }
    }
}

/// One cell of a report table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Integer(i64),
    Money(i64, Currency),
    Empty,
}

impl Cell {
    pub fn text(value: impl Into<String>) -> Self {
        Cell::Text(value.into())
    }

    pub fn optional(value: Option<impl Into<String>>) -> Self {
        value.map_or(Cell::Empty, |value| Cell::Text(value.into()))
    }

    /// Formats the cell as text without grouping, as CSV and JSON carry it.
    pub fn plain(&self) -> String {
        match self {
            Cell::Text(text) => text.clone(),
            Cell::Integer(value) => value.to_string(),
            Cell::Money(minor, currency) => format_minor(*minor, *currency),
            Cell::Empty => String::new(),
        }
    }

    fn grouped(&self) -> String {
        match self {
            Cell::Money(minor, currency) => recobro_core::money::format_minor_grouped(*minor, *currency, '.', ','),
            other => other.plain(),
        }
    }
}

/// A report as rows and columns, for the table, CSV and XLSX formats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn render_terminal(&self) -> String {
        let mut table = comfy_table::Table::new();
        table.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
        table.set_header(&self.headers);
        for row in &self.rows {
            let cells = row.iter().map(|cell| {
                let text = comfy_table::Cell::new(cell.grouped());
                match cell {
                    Cell::Money(..) | Cell::Integer(_) => text.set_alignment(comfy_table::CellAlignment::Right),
                    _ => text,
                }
            });
            table.add_row(cells);
        }
        format!("{}\n{table}\n", self.title)
    }

    pub fn write_csv(&self, writer: impl Write) -> Result<(), csv::Error> {
        let mut csv = csv::Writer::from_writer(writer);
        csv.write_record(&self.headers)?;
        for row in &self.rows {
            csv.write_record(row.iter().map(Cell::plain))?;
        }
        csv.flush()?;
        Ok(())
    }

    /// Writes a workbook with one sheet named `sheet_name` (Excel allows 31
    /// characters). Amounts become number cells so that Excel can add them
    /// up; the title goes into the workbook's properties.
    pub fn write_xlsx(&self, path: &Path, sheet_name: &str) -> Result<(), rust_xlsxwriter::XlsxError> {
        let mut workbook = Workbook::new();
        workbook.set_properties(&rust_xlsxwriter::DocProperties::new().set_title(&self.title));
        let sheet = workbook.add_worksheet();
        let bold = Format::new().set_bold();
        let sheet_name: String = sheet_name.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
        sheet.set_name(if sheet_name.is_empty() { "Report" } else { &sheet_name })?;

        for (column, header) in self.headers.iter().enumerate() {
            sheet.write_string_with_format(0, column as u16, header, &bold)?;
        }
        for (row_index, row) in self.rows.iter().enumerate() {
            let row_number = row_index as u32 + 1;
            for (column, cell) in row.iter().enumerate() {
                let column = column as u16;
                match cell {
                    Cell::Text(text) => {
                        sheet.write_string(row_number, column, text)?;
                    }
                    Cell::Integer(value) => {
                        sheet.write_number(row_number, column, *value as f64)?;
                    }
                    Cell::Money(minor, currency) => {
                        // Excel keeps every number as a binary float; the
                        // exact decimal is computed first and converted only
                        // for the cell.
                        let digits = currency.minor_digits();
                        let value: f64 = format_minor(*minor, *currency).parse().unwrap_or_default();
                        let pattern = if digits == 0 { "#,##0".to_string() } else { format!("#,##0.{}", "0".repeat(digits as usize)) };
                        sheet.write_number_with_format(row_number, column, value, &Format::new().set_num_format(&pattern))?;
                    }
                    Cell::Empty => {}
                }
            }
        }
        sheet.autofit();
        workbook.save(path)
    }
}
