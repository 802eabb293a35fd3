//! Renders every letter and the statement in Spanish and English, reads the
//! PDF back with `pdftotext` (Debian package poppler-utils) and checks what
//! a reader would see.

use std::io::Write;
use std::process::{Command, Stdio};

use chrono::NaiveDate;
use recobro_core::Currency;
use recobro_core::interest::statement::{StatementLine, StatementPeriod, StatementTotals};
use recobro_documents::{
    DocumentError, Language, LetterData, LetterKind, Letterhead, OverdueDocument, PlanInstallment, PlanTerms, Recipient, RuleSummary, SettlementTerms, Signatory,
    StatementDocument, render_letter, render_statement, renderer,
};
use rust_decimal::Decimal;

/// A customer name made of Typst markup and code, which must print as
/// written.
const HOSTILE_NAME: &str = "#sys.exit() *bold* _under_ $x^2$ #import \"@preview/evil:1.0.0\" <tag> @ref [x](y)";

fn date(text: &str) -> NaiveDate {
    recobro_core::parse_iso_date(text).unwrap()
}

fn eur() -> Currency {
    Currency::parse("EUR").unwrap()
}

/// Extracts the text of a PDF with `pdftotext`, white space collapsed.
fn pdf_text(pdf: &[u8]) -> String {
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let mut child = Command::new("pdftotext")
        .args(["-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("pdftotext is missing: install the Debian package poppler-utils (apt-get install -y poppler-utils)");
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "pdftotext failed");
    String::from_utf8(output.stdout).unwrap().split_whitespace().collect::<Vec<_>>().join(" ")
}

fn letter_data(name: &str) -> LetterData {
    LetterData {
        letterhead: Letterhead {
            company_name: "Distribuidora Andina S.A.".into(),
            address_lines: vec!["Av. Providencia 1234".into(), "Santiago".into()],
            tax_id: Some("76.543.210-K".into()),
        },
        recipient: Recipient {
            name: name.into(),
            reference: "C-042".into(),
            tax_id: Some("B-12345678".into()),
            address_lines: vec!["Calle Mayor 5".into(), "28013 Madrid".into()],
        },
        date: date("2024-03-15"),
        currency: eur(),
        documents: vec![
            OverdueDocument { number: "F-1001".into(), due_date: date("2024-01-31"), days_past_due: 44, open_minor: 123_456, interest_minor: 1_789 },
            OverdueDocument { number: "F-1002".into(), due_date: date("2024-02-29"), days_past_due: 15, open_minor: 50_000, interest_minor: 211 },
        ],
        fees_minor: 8_000,
        pay_by: Some(date("2024-03-29")),
        signatory: Signatory { name: Some("Marta Rivas".into()), title: None },
        plan: Some(PlanTerms {
            down_payment_minor: 20_000,
            down_payment_due: Some(date("2024-03-20")),
            annual_rate_percent: Decimal::new(125, 1),
            installments: vec![
                PlanInstallment { number: 1, due_date: date("2024-04-20"), principal_minor: 81_728, interest_minor: 1_700, amount_minor: 83_428 },
                PlanInstallment { number: 2, due_date: date("2024-05-20"), principal_minor: 81_728, interest_minor: 851, amount_minor: 82_579 },
            ],
            grace_days: 5,
        }),
        settlement: Some(SettlementTerms { lump_sum_minor: 173_456, pay_by: date("2024-04-05"), interest_waived_minor: 2_000, principal_discount_minor: 0 }),
    }
}

/// Texts every letter shows in `language`: the dates and amounts formatted
/// for it.
fn expected_texts(language: Language) -> Vec<&'static str> {
    match language {
        Language::Es => vec!["15/03/2024", "31/01/2024", "1.234,56", "500,00", "17,89", "80,00", "1.834,56"],
        Language::En => vec!["15 Mar 2024", "31 Jan 2024", "1,234.56", "500.00", "17.89", "80.00", "1,834.56"],
    }
}

#[test]
fn letters_in_both_languages() {
    for language in Language::ALL {
        for kind in LetterKind::ALL {
            let (pdf, warnings) = renderer().letter_with_warnings(kind, &letter_data("Ferretería Núñez Ltda."), language).unwrap_or_else(|error| panic!("{kind:?} in {language:?}: {error}"));
            assert!(warnings.is_empty(), "{kind:?} in {language:?} warns: {warnings:?}");
            let text = pdf_text(&pdf);
            let context = format!("{kind:?} in {language:?}: {text}");
            assert!(text.contains("Ferretería Núñez Ltda."), "customer name missing; {context}");
            assert!(text.contains("Distribuidora Andina S.A."), "letterhead missing; {context}");
            assert!(text.contains("76.543.210-K"), "company tax id missing; {context}");
            assert!(text.contains("Calle Mayor 5"), "customer address missing; {context}");
            assert!(text.contains("F-1001"), "first document missing; {context}");
            assert!(text.contains("F-1002"), "second document missing; {context}");
            assert!(text.contains("Marta Rivas"), "signature missing; {context}");
            for expected in expected_texts(language) {
                assert!(text.contains(expected), "{expected:?} missing; {context}");
            }
        }
    }
}

#[test]
fn plan_and_settlement_terms_print() {
    let data = letter_data("Cliente SA");
    let plan_es = pdf_text(&render_letter(LetterKind::PlanAgreement, &data, Language::Es, None).unwrap());
    for expected in ["834,28", "825,79", "12,5 %", "200,00", "20/03/2024", "20/05/2024", "5 días"] {
        assert!(plan_es.contains(expected), "{expected:?} missing: {plan_es}");
    }
    let plan_en = pdf_text(&render_letter(LetterKind::PlanAgreement, &data, Language::En, None).unwrap());
    for expected in ["834.28", "825.79", "12.5 %", "200.00", "20 Mar 2024", "20 May 2024", "5 days"] {
        assert!(plan_en.contains(expected), "{expected:?} missing: {plan_en}");
    }

    let offer_es = pdf_text(&render_letter(LetterKind::SettlementOffer, &data, Language::Es, None).unwrap());
    for expected in ["1.734,56", "05/04/2024", "20,00"] {
        assert!(offer_es.contains(expected), "{expected:?} missing: {offer_es}");
    }
    let offer_en = pdf_text(&render_letter(LetterKind::SettlementOffer, &data, Language::En, None).unwrap());
    for expected in ["1,734.56", "5 Apr 2024", "20.00"] {
        assert!(offer_en.contains(expected), "{expected:?} missing: {offer_en}");
    }
}

#[test]
fn hostile_name_prints_literally() {
    for language in Language::ALL {
        for kind in LetterKind::ALL {
            let pdf = render_letter(kind, &letter_data(HOSTILE_NAME), language, None).unwrap_or_else(|error| panic!("{kind:?} in {language:?}: {error}"));
            let text = pdf_text(&pdf);
            assert!(text.contains(HOSTILE_NAME), "{kind:?} in {language:?} changed the name: {text}");
        }
    }
}

#[test]
fn missing_terms_rejected() {
    let mut data = letter_data("Cliente SA");
    data.plan = None;
    data.settlement = None;
    let error = render_letter(LetterKind::PlanAgreement, &data, Language::Es, None).unwrap_err();
    assert!(matches!(error, DocumentError::MissingSection { section: "plan", .. }), "{error}");
    let error = render_letter(LetterKind::SettlementOffer, &data, Language::En, None).unwrap_err();
    assert!(matches!(error, DocumentError::MissingSection { section: "settlement", .. }), "{error}");
    assert!(render_letter(LetterKind::Reminder, &data, Language::Es, None).is_ok(), "a reminder needs neither");
}

#[test]
fn override_directory_replaces_template() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::create_dir(folder.path().join("es")).unwrap();
    let custom = "#import \"/common.typ\": *\n#import \"labels.typ\": labels\n#let data = sys.inputs\n#show: page-setup.with(data, labels)\nPlantilla propia para #data.recipient.name, total #data.totals.total.\n";
    std::fs::write(folder.path().join("es/reminder.typ"), custom).unwrap();

    let data = letter_data("Cliente SA");
    let text = pdf_text(&render_letter(LetterKind::Reminder, &data, Language::Es, Some(folder.path())).unwrap());
    assert!(text.contains("Plantilla propia para Cliente SA, total 1.834,56."), "{text}");

    let english = pdf_text(&render_letter(LetterKind::Reminder, &data, Language::En, Some(folder.path())).unwrap());
    assert!(english.contains("Dear Sir or Madam"), "a template missing from the folder falls back to the embedded one: {english}");

    std::fs::write(folder.path().join("es/reminder.typ"), "#let data = sys.inputs\n\nOtra versión #data.recipient.name\n").unwrap();
    let edited = pdf_text(&render_letter(LetterKind::Reminder, &data, Language::Es, Some(folder.path())).unwrap());
    assert!(edited.contains("Otra versión Cliente SA"), "an edited template is read again: {edited}");
}

#[test]
fn template_error_names_file_and_line() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::create_dir(folder.path().join("en")).unwrap();
    std::fs::write(folder.path().join("en/demand.typ"), "#let data = sys.inputs\n\nHello #data.no_such_field\n").unwrap();
    let error = render_letter(LetterKind::Demand, &letter_data("Cliente SA"), Language::En, Some(folder.path())).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("/en/demand.typ:3"), "{message}");
    assert!(message.contains("no_such_field"), "{message}");

    let missing = render_letter(LetterKind::Demand, &letter_data("Cliente SA"), Language::En, Some(&folder.path().join("nowhere"))).unwrap_err();
    assert!(matches!(missing, DocumentError::TemplateDirectory(_)), "{missing}");
}

#[test]
fn embedded_templates_listed() {
    let paths = recobro_documents::embedded_template_paths();
    for language in ["es", "en"] {
        for kind in LetterKind::ALL {
            assert!(paths.contains(&format!("{language}/{}.typ", kind.code()).as_str()), "{language}/{} missing from {paths:?}", kind.code());
        }
        assert!(paths.contains(&format!("{language}/statement.typ").as_str()));
    }
    assert!(recobro_documents::embedded_template("common.typ").unwrap().contains("page-setup"));
}

fn statement(name: &str, with_rule: bool) -> StatementDocument {
    let line = StatementLine {
        number: "F-7".into(),
        kind: "invoice".into(),
        currency: eur(),
        due_date: date("2024-01-31"),
        amount_minor: 250_000,
        principal_open_minor: 150_000,
        settled_on: None,
        days_past_due: 60,
        disputed: false,
        periods: vec![
            StatementPeriod { start: date("2024-02-01"), end: date("2024-02-29"), days: 29, base_minor: 250_000, annual_percent: Some(Decimal::new(1250, 2)), factor: None, interest_minor: 2_483 },
            StatementPeriod { start: date("2024-03-01"), end: date("2024-03-31"), days: 31, base_minor: 150_000, annual_percent: Some(Decimal::new(125, 1)), factor: None, interest_minor: 1_592 },
        ],
        interest_accrued_minor: 4_075,
        interest_waived_minor: 1_000,
        interest_paid_minor: 0,
        fees_paid_minor: 0,
        interest_minor: 3_075,
        fees_minor: 4_000,
    };
    let totals = StatementTotals {
        currency: eur(),
        principal_minor: 150_000,
        interest_accrued_minor: 4_075,
        interest_waived_minor: 1_000,
        interest_paid_minor: 0,
        interest_minor: 3_075,
        fees_minor: 4_000,
        total_minor: 157_075,
    };
    StatementDocument {
        letterhead: Letterhead::named("Cartera Norte"),
        recipient: Recipient { name: name.into(), reference: "C-9".into(), tax_id: None, address_lines: Vec::new() },
        as_of: date("2024-03-31"),
        rule: with_rule.then(|| RuleSummary {
            regime: None,
            annual_percent: Some(Decimal::new(125, 1)),
            day_count: "act365".into(),
            grace_days: 0,
            effective_on: date("2024-01-01"),
            customer_specific: false,
        }),
        lines: vec![line],
        totals: vec![totals],
    }
}

#[test]
fn statement_in_both_languages() {
    let cases = [
        (Language::Es, vec!["Estado de intereses de mora", "31/03/2024", "01/02/2024", "29/02/2024", "2.500,00", "1.500,00", "12,5 %", "24,83", "15,92", "40,75", "10,00", "30,75", "40,00", "1.570,75", "real/365"]),
        (Language::En, vec!["Statement of late-payment interest", "31 Mar 2024", "1 Feb 2024", "29 Feb 2024", "2,500.00", "1,500.00", "12.5 %", "24.83", "15.92", "40.75", "10.00", "30.75", "40.00", "1,570.75", "actual/365"]),
    ];
    for (language, expected) in cases {
        let (pdf, warnings) = renderer().statement_with_warnings(&statement(HOSTILE_NAME, true), language).unwrap();
        assert!(warnings.is_empty(), "{language:?} warns: {warnings:?}");
        let text = pdf_text(&pdf);
        assert!(text.contains(HOSTILE_NAME), "{language:?} changed the name: {text}");
        for item in expected {
            assert!(text.contains(item), "{language:?}: {item:?} missing: {text}");
        }
    }
}

#[test]
fn statement_without_rule_says_so() {
    let spanish = pdf_text(&render_statement(&statement("Cliente SA", false), Language::Es).unwrap());
    assert!(spanish.contains("No hay una regla de intereses de mora"), "{spanish}");
    let english = pdf_text(&render_statement(&statement("Cliente SA", false), Language::En).unwrap());
    assert!(english.contains("No late-interest rule is set"), "{english}");
}
