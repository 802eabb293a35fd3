//! Import of documents from an XLSX workbook and from a Spanish-format CSV,
//! checking the stored dates and amounts to the cent.

mod common;

use std::path::Path;

use chrono::{Datelike, NaiveDate};
use recobro_app::import::{Profile, RecordKind, import_file};
use recobro_store::{Store, ledger};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use common::{create_portfolio, date, open_store};

/// Number, issue date, due date and amount in cents of a stored document.
type DocumentFacts = (String, NaiveDate, NaiveDate, i64);

async fn import_customer(store: &Store, portfolio: &str, folder: &Path) {
    let path = folder.join("customers.csv");
    std::fs::write(&path, "ref,name\nK1,Kunde Eins\n").unwrap();
    import_file(store, portfolio, &path, Profile::canonical(RecordKind::Customer)).await.expect("the customer imports");
}

async fn stored_documents(store: &Store, portfolio_id: i64) -> Vec<DocumentFacts> {
    let mut conn = store.acquire().await.unwrap();
    let mut documents: Vec<DocumentFacts> = ledger::load_documents(&mut conn, portfolio_id)
        .await
        .unwrap()
        .into_iter()
        .map(|document| {
            assert_eq!(document.data.kind, "invoice");
            (document.data.number, document.data.issue_date, document.data.due_date, document.data.amount_minor)
        })
        .collect();
    documents.sort();
    documents
}

fn excel_date(text: &str) -> ExcelDateTime {
    let parsed = date(text);
    let year = u16::try_from(parsed.year()).unwrap();
    let month = u8::try_from(parsed.month()).unwrap();
    let day = u8::try_from(parsed.day()).unwrap();
    ExcelDateTime::from_ymd(year, month, day).unwrap()
}

/// A date cell of the workbook: a real Excel date, or ISO text.
enum DateCell {
    Excel(&'static str),
    Text(&'static str),
}

/// Writes a documents sheet with the canonical headers. Dates are real
/// Excel dates or text, amounts are numbers, and one document number is a
/// number cell as spreadsheets store numeric invoice numbers.
fn write_workbook(path: &Path) {
    let rows: [(&str, DateCell, DateCell, f64); 7] = [
        ("X-1", DateCell::Excel("2024-01-31"), DateCell::Text("2024-03-01"), 55.94),
        ("X-2", DateCell::Text("2024-02-29"), DateCell::Excel("2024-03-30"), 1234.5),
        ("X-3", DateCell::Excel("2024-03-15"), DateCell::Excel("2024-04-14"), 0.07),
        ("X-4", DateCell::Excel("2024-04-01"), DateCell::Text("2024-05-01"), 100.0),
        ("X-5", DateCell::Excel("2024-12-31"), DateCell::Excel("2025-01-30"), 123_456.78),
        ("X-6", DateCell::Text("2024-06-30"), DateCell::Text("2024-07-30"), 1.15),
        ("1001", DateCell::Excel("2024-07-01"), DateCell::Excel("2024-07-31"), 999_999.99),
    ];

    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let iso_date = Format::new().set_num_format("yyyy-mm-dd");
    let spanish_date = Format::new().set_num_format("dd/mm/yyyy");
    let grouped = Format::new().set_num_format("#,##0.00");
    for (column, header) in ["number", "customer", "issue_date", "due_date", "amount"].iter().enumerate() {
        sheet.write_string(0, column as u16, *header).unwrap();
    }
    for (index, (number, issue_date, due_date, amount)) in rows.iter().enumerate() {
        let row = index as u32 + 1;
        match number.parse::<f64>() {
            Ok(numeric) => sheet.write_number(row, 0, numeric).unwrap(),
            Err(_) => sheet.write_string(row, 0, *number).unwrap(),
        };
        sheet.write_string(row, 1, "K1").unwrap();
        for (column, cell) in [(2, issue_date), (3, due_date)] {
            // The display format of a date cell does not change its value.
            let format = if index % 2 == 0 { &iso_date } else { &spanish_date };
            match cell {
                DateCell::Excel(text) => sheet.write_datetime_with_format(row, column, excel_date(text), format).unwrap(),
                DateCell::Text(text) => sheet.write_string(row, column, *text).unwrap(),
            };
        }
        if index == 4 {
            sheet.write_number_with_format(row, 4, *amount, &grouped).unwrap();
        } else {
            sheet.write_number(row, 4, *amount).unwrap();
        }
    }
    workbook.save(path).unwrap();
}

async fn xlsx_documents(url: String) {
    let store = open_store(&url).await;
    let portfolio_id = create_portfolio(&store, "sheets", "USD").await;
    let folder = tempfile::tempdir().unwrap();
    import_customer(&store, "sheets", folder.path()).await;

    let path = folder.path().join("documents.xlsx");
    write_workbook(&path);
    let summary = import_file(&store, "sheets", &path, Profile::canonical(RecordKind::Document)).await.expect("the workbook imports");
    assert_eq!(summary.counts["documents"].created, 7);

    let expected: Vec<DocumentFacts> = vec![
        ("1001".into(), date("2024-07-01"), date("2024-07-31"), 99_999_999),
        ("X-1".into(), date("2024-01-31"), date("2024-03-01"), 5_594),
        ("X-2".into(), date("2024-02-29"), date("2024-03-30"), 123_450),
        ("X-3".into(), date("2024-03-15"), date("2024-04-14"), 7),
        ("X-4".into(), date("2024-04-01"), date("2024-05-01"), 10_000),
        ("X-5".into(), date("2024-12-31"), date("2025-01-30"), 12_345_678),
        ("X-6".into(), date("2024-06-30"), date("2024-07-30"), 115),
    ];
    assert_eq!(stored_documents(&store, portfolio_id).await, expected);

    let again = import_file(&store, "sheets", &path, Profile::canonical(RecordKind::Document)).await.expect("the workbook imports again");
    assert!(!again.changed, "re-importing the same workbook changes nothing");
    assert_eq!(stored_documents(&store, portfolio_id).await, expected);
    store.close().await;
}

test_on_each_engine!(xlsx, xlsx_documents);

const SPANISH_PROFILE: &str = r#"
[format]
delimiter = ";"
decimal_separator = ","
thousands_separator = "."
date_format = "%d/%m/%Y"

[columns]
number = "Factura"
customer = "Cliente"
issue_date = "Fecha"
due_date = "Vencimiento"
amount = "Importe"
"#;

/// Day-first dates (01/02/2024 is the 1st of February) and amounts with a
/// decimal comma and thousands points.
const SPANISH_CSV: &str = "\
Factura;Cliente;Fecha;Vencimiento;Importe
F-001;K1;31/01/2024;01/03/2024;1.234,56
F-002;K1;01/02/2024;02/03/2024;55,94
F-003;K1;15/02/2024;16/03/2024;12.345.678,90
F-004;K1;29/02/2024;30/03/2024;7,5
F-005;K1;01/03/2024;31/03/2024;300
F-006;K1;12/03/2024;11/04/2024;0,07
";

async fn spanish_documents(url: String) {
    let store = open_store(&url).await;
    let portfolio_id = create_portfolio(&store, "es", "EUR").await;
    let folder = tempfile::tempdir().unwrap();
    import_customer(&store, "es", folder.path()).await;

    let path = folder.path().join("facturas.csv");
    std::fs::write(&path, SPANISH_CSV).unwrap();
    let profile = Profile::parse("facturas", SPANISH_PROFILE, Some(RecordKind::Document)).expect("valid profile");
    let summary = import_file(&store, "es", &path, profile).await.expect("the Spanish CSV imports");
    assert_eq!(summary.counts["documents"].created, 6);

    let expected: Vec<DocumentFacts> = vec![
        ("F-001".into(), date("2024-01-31"), date("2024-03-01"), 123_456),
        ("F-002".into(), date("2024-02-01"), date("2024-03-02"), 5_594),
        ("F-003".into(), date("2024-02-15"), date("2024-03-16"), 1_234_567_890),
        ("F-004".into(), date("2024-02-29"), date("2024-03-30"), 750),
        ("F-005".into(), date("2024-03-01"), date("2024-03-31"), 30_000),
        ("F-006".into(), date("2024-03-12"), date("2024-04-11"), 7),
    ];
    assert_eq!(stored_documents(&store, portfolio_id).await, expected);
    store.close().await;
}

test_on_each_engine!(spanish_csv, spanish_documents);
