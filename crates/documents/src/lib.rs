//! Recobro's PDF documents: the interest statement of a customer and the
//! collection letters (reminder, formal notice, demand before legal action,
//! payment plan agreement and settlement offer), in Spanish and English.
//!
//! Documents are Typst templates under `templates/{es,en}/KIND.typ`, which
//! share `templates/common.typ`. They are compiled into the binary, and an
//! override directory with the same layout replaces any of them. The data
//! reaches a template as `sys.inputs`, a dictionary of plain values whose
//! amounts and dates are already formatted for the language, so text such
//! as a customer's name is printed as written and never read as Typst
//! markup. No template imports a package, so rendering reads no network.
//!
//! ```no_run
//! # fn letter() -> recobro_documents::LetterData { unimplemented!() }
//! use recobro_documents::{Language, LetterKind, render_letter};
//! let pdf = render_letter(LetterKind::Reminder, &letter(), Language::Es, None)?;
//! # Ok::<(), recobro_documents::DocumentError>(())
//! ```

mod data;
mod render;
mod view;

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use recobro_core::locale::Locale;
use serde::{Deserialize, Serialize};

pub use data::{LetterData, Letterhead, OverdueDocument, PlanInstallment, PlanTerms, Recipient, RuleSummary, SettlementTerms, Signatory, StatementDocument};
pub use render::Renderer;

/// The language of a document. It picks the template and the formats of
/// amounts and dates, and sets Typst's `lang` for hyphenation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Es,
    En,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::Es, Language::En];

    /// Returns the ISO 639-1 code, `es` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Language::Es => "es",
            Language::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code.trim().to_ascii_lowercase().as_str() {
            "es" => Some(Language::Es),
            "en" => Some(Language::En),
            _ => None,
        }
    }

    pub fn locale(self) -> Locale {
        match self {
            Language::Es => Locale::Spanish,
            Language::En => Locale::English,
        }
    }
}

/// The kinds of collection letter, one template per kind and language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LetterKind {
    /// A friendly reminder of overdue documents.
    Reminder,
    /// A formal notice (requerimiento formal de pago) with a deadline.
    FormalNotice,
    /// The last demand before legal action.
    Demand,
    /// A payment plan agreement with its installment table.
    PlanAgreement,
    /// A lump sum by a date, with the late interest waived.
    SettlementOffer,
}

impl LetterKind {
    pub const ALL: [LetterKind; 5] = [LetterKind::Reminder, LetterKind::FormalNotice, LetterKind::Demand, LetterKind::PlanAgreement, LetterKind::SettlementOffer];

    /// Returns the template's file stem, such as `formal_notice`.
    pub fn code(self) -> &'static str {
        match self {
            LetterKind::Reminder => "reminder",
            LetterKind::FormalNotice => "formal_notice",
            LetterKind::Demand => "demand",
            LetterKind::PlanAgreement => "plan_agreement",
            LetterKind::SettlementOffer => "settlement_offer",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.code() == code)
    }
}

/// An error that stops a document from rendering.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("a {kind} letter needs its {section} terms; set LetterData::{section}")]
    MissingSection { kind: &'static str, section: &'static str },
    #[error("template directory {} not found; give a folder laid out like crates/documents/templates, such as DIR/es/reminder.typ", .0.display())]
    TemplateDirectory(PathBuf),
    #[error("template {template} failed: {message}")]
    Template { template: String, message: String },
    #[error("{0}")]
    Internal(String),
}

/// The renderer that [`render_statement`] and [`render_letter`] share,
/// built on first use.
static RENDERER: LazyLock<Renderer> = LazyLock::new(Renderer::new);

/// Returns the shared renderer.
pub fn renderer() -> &'static Renderer {
    &RENDERER
}

/// Renders an interest statement to PDF with the embedded template.
pub fn render_statement(document: &StatementDocument, language: Language) -> Result<Vec<u8>, DocumentError> {
    renderer().statement(document, language, None)
}

/// Renders a letter to PDF. With `templates`, a file such as
/// `DIR/es/reminder.typ` replaces the embedded template of that kind and
/// language; files missing there fall back to the embedded ones.
pub fn render_letter(kind: LetterKind, data: &LetterData, language: Language, templates: Option<&Path>) -> Result<Vec<u8>, DocumentError> {
    renderer().letter(kind, data, language, templates)
}

/// Returns the embedded text of a template, such as `es/reminder.typ` or
/// `common.typ`, so that a user can copy it into an override directory.
pub fn embedded_template(path: &str) -> Option<&'static str> {
    render::embedded_template(&format!("/{}", path.trim_start_matches('/')))
}

/// Lists the embedded templates as paths relative to the template folder.
pub fn embedded_template_paths() -> Vec<&'static str> {
    render::embedded_paths().map(|path| path.trim_start_matches('/')).collect()
}

impl Renderer {
    /// Renders an interest statement; see [`render_statement`].
    pub fn statement(&self, document: &StatementDocument, language: Language, templates: Option<&Path>) -> Result<Vec<u8>, DocumentError> {
        let path = format!("/{}/statement.typ", language.code());
        Ok(self.render(&path, view::statement_view(document, language), templates)?.pdf)
    }

    /// Renders a letter; see [`render_letter`].
    pub fn letter(&self, kind: LetterKind, data: &LetterData, language: Language, templates: Option<&Path>) -> Result<Vec<u8>, DocumentError> {
        check_sections(kind, data)?;
        let path = format!("/{}/{}.typ", language.code(), kind.code());
        Ok(self.render(&path, view::letter_view(kind, data, language), templates)?.pdf)
    }

    /// Renders a letter and returns the compiler's warnings with the PDF.
    #[doc(hidden)]
    pub fn letter_with_warnings(&self, kind: LetterKind, data: &LetterData, language: Language) -> Result<(Vec<u8>, Vec<String>), DocumentError> {
        check_sections(kind, data)?;
        let path = format!("/{}/{}.typ", language.code(), kind.code());
        let rendered = self.render(&path, view::letter_view(kind, data, language), None)?;
        Ok((rendered.pdf, rendered.warnings))
    }

    /// Renders a statement and returns the compiler's warnings with the PDF.
    #[doc(hidden)]
    pub fn statement_with_warnings(&self, document: &StatementDocument, language: Language) -> Result<(Vec<u8>, Vec<String>), DocumentError> {
        let path = format!("/{}/statement.typ", language.code());
        let rendered = self.render(&path, view::statement_view(document, language), None)?;
        Ok((rendered.pdf, rendered.warnings))
    }
}

fn check_sections(kind: LetterKind, data: &LetterData) -> Result<(), DocumentError> {
    match kind {
        LetterKind::PlanAgreement if data.plan.is_none() => Err(DocumentError::MissingSection { kind: kind.code(), section: "plan" }),
        LetterKind::SettlementOffer if data.settlement.is_none() => Err(DocumentError::MissingSection { kind: kind.code(), section: "settlement" }),
        _ => Ok(()),
    }
}
