//! Typst compilation: the embedded templates and fonts, loaded once, and
//! the conversion of a template's inputs into `sys.inputs`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use typst::diag::{SourceDiagnostic, Warned};
use typst::foundations::{Array, Dict, Str, Value};
use typst::syntax::{DiagSpanKind, FileId, Source};
use typst::text::Font;
use typst_as_lib::file_resolver::FileSystemResolver;
use typst_as_lib::{TypstAsLibError, TypstEngine};
use typst_layout::PagedDocument;

use crate::DocumentError;

/// The font family every template sets. typst-assets bundles it under the
/// SIL Open Font License.
const FONT_FAMILY: &str = "Libertinus Serif";

/// How many compilations a cached layout result survives unused, so that a
/// batch of letters reuses the layout of the shared template parts.
const CACHE_MAX_AGE: usize = 10;

/// The templates compiled into the binary, by virtual path.
const EMBEDDED_TEMPLATES: [(&str, &str); 15] = [
    ("/common.typ", include_str!("../templates/common.typ")),
    ("/es/labels.typ", include_str!("../templates/es/labels.typ")),
    ("/en/labels.typ", include_str!("../templates/en/labels.typ")),
    ("/es/statement.typ", include_str!("../templates/es/statement.typ")),
    ("/en/statement.typ", include_str!("../templates/en/statement.typ")),
    ("/es/reminder.typ", include_str!("../templates/es/reminder.typ")),
    ("/en/reminder.typ", include_str!("../templates/en/reminder.typ")),
    ("/es/formal_notice.typ", include_str!("../templates/es/formal_notice.typ")),
    ("/en/formal_notice.typ", include_str!("../templates/en/formal_notice.typ")),
    ("/es/demand.typ", include_str!("../templates/es/demand.typ")),
    ("/en/demand.typ", include_str!("../templates/en/demand.typ")),
    ("/es/plan_agreement.typ", include_str!("../templates/es/plan_agreement.typ")),
    ("/en/plan_agreement.typ", include_str!("../templates/en/plan_agreement.typ")),
    ("/es/settlement_offer.typ", include_str!("../templates/es/settlement_offer.typ")),
    ("/en/settlement_offer.typ", include_str!("../templates/en/settlement_offer.typ")),
];

/// Returns the embedded text of a template, such as `/es/reminder.typ`.
pub(crate) fn embedded_template(path: &str) -> Option<&'static str> {
    EMBEDDED_TEMPLATES.iter().find(|(name, _)| *name == path).map(|(_, text)| *text)
}

/// Returns the virtual paths of the embedded templates.
pub(crate) fn embedded_paths() -> impl Iterator<Item = &'static str> {
    EMBEDDED_TEMPLATES.iter().map(|(name, _)| *name)
}

/// Compiles templates to PDF. Fonts are parsed and the embedded templates
/// loaded once, when the renderer is built. Build one and keep it, because
/// each renderer also keeps Typst's cache of earlier layouts warm.
pub struct Renderer {
    fonts: Vec<Font>,
    embedded: TypstEngine,
    /// Engines that read templates from an override directory first, by
    /// directory. Their files are read again on every render, so edits take
    /// effect without a restart.
    overrides: Mutex<HashMap<PathBuf, Arc<TypstEngine>>>,
}

impl Default for Renderer {
    fn default() -> Self {
        Self::new()
    }
}

impl Renderer {
    /// Loads the bundled fonts and the embedded templates.
    pub fn new() -> Self {
        let fonts: Vec<Font> = typst_assets::fonts()
            .flat_map(|data| Font::iter(typst::foundations::Bytes::new(data)))
            .filter(|font| font.info().family == FONT_FAMILY)
            .collect();
        let embedded = base_builder(&fonts).with_static_source_file_resolver(EMBEDDED_TEMPLATES).build();
        Self { fonts, embedded, overrides: Mutex::new(HashMap::new()) }
    }

    /// Compiles the template at `path` (such as `/es/reminder.typ`) with
    /// `inputs` as `sys.inputs`, and exports it to PDF. With `templates`,
    /// a file there (such as `DIR/es/reminder.typ`) replaces the embedded
    /// one of the same path.
    pub(crate) fn render(&self, path: &str, inputs: serde_json::Value, templates: Option<&Path>) -> Result<Rendered, DocumentError> {
        let inputs = match json_to_typst(inputs) {
            Value::Dict(dict) => dict,
            _ => return Err(DocumentError::Internal("template inputs must be a JSON object".to_string())),
        };
        let engine = match templates {
            None => None,
            Some(directory) => Some(self.override_engine(directory)?),
        };
        let engine: &TypstEngine = engine.as_deref().unwrap_or(&self.embedded);

        let Warned { output, warnings } = engine.compile_with_input::<_, _, PagedDocument>(path, inputs);
        let document = output.map_err(|error| compile_error(path, error, templates))?;
        let pdf = typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default()).map_err(|diagnostics| DocumentError::Template {
            template: path.to_string(),
            message: describe_diagnostics(&diagnostics, templates),
        })?;
        let warnings = warnings.iter().map(|warning| describe_diagnostic(warning, templates)).collect();
        Ok(Rendered { pdf, warnings })
    }

    fn override_engine(&self, directory: &Path) -> Result<Arc<TypstEngine>, DocumentError> {
        if !directory.is_dir() {
            return Err(DocumentError::TemplateDirectory(directory.to_path_buf()));
        }
        let mut engines = self.overrides.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let engine = engines.entry(directory.to_path_buf()).or_insert_with(|| {
            let engine = base_builder(&self.fonts)
                .add_file_resolver(FileSystemResolver::new(directory.to_path_buf()))
                .with_static_source_file_resolver(EMBEDDED_TEMPLATES)
                .build();
            Arc::new(engine)
        });
        Ok(Arc::clone(engine))
    }
}

/// A compiled PDF and the compiler's warnings.
pub(crate) struct Rendered {
    pub pdf: Vec<u8>,
    pub warnings: Vec<String>,
}

fn base_builder(fonts: &[Font]) -> typst_as_lib::TypstTemplateEngineBuilder {
    TypstEngine::builder().fonts(fonts.iter().cloned()).comemo_evict_max_age(Some(CACHE_MAX_AGE))
}

/// Converts JSON into Typst values: objects become dictionaries, and
/// strings stay strings, so text from the data is never parsed as markup.
fn json_to_typst(value: serde_json::Value) -> Value {
    match value {
        serde_json::Value::Null => Value::None,
        serde_json::Value::Bool(flag) => Value::Bool(flag),
        serde_json::Value::Number(number) => match number.as_i64() {
            Some(integer) => Value::Int(integer),
            // Only counts and days reach templates as numbers; amounts are
            // formatted text.
            None => Value::Float(number.as_f64().unwrap_or(f64::NAN)),
        },
        serde_json::Value::String(text) => Value::Str(Str::from(text)),
        serde_json::Value::Array(items) => Value::Array(items.into_iter().map(json_to_typst).collect::<Array>()),
        serde_json::Value::Object(entries) => Value::Dict(entries.into_iter().map(|(key, value)| (Str::from(key), json_to_typst(value))).collect::<Dict>()),
    }
}

fn compile_error(path: &str, error: TypstAsLibError, templates: Option<&Path>) -> DocumentError {
    let message = match error {
        TypstAsLibError::TypstSource(diagnostics) => describe_diagnostics(&diagnostics, templates),
        other => other.to_string(),
    };
    DocumentError::Template { template: path.to_string(), message }
}

fn describe_diagnostics(diagnostics: &[SourceDiagnostic], templates: Option<&Path>) -> String {
    diagnostics.iter().map(|diagnostic| describe_diagnostic(diagnostic, templates)).collect::<Vec<_>>().join("; ")
}

/// Describes a diagnostic as `FILE:LINE: MESSAGE (hint: …)`.
fn describe_diagnostic(diagnostic: &SourceDiagnostic, templates: Option<&Path>) -> String {
    let mut text = match locate(diagnostic, templates) {
        Some(location) => format!("{location}: {}", diagnostic.message),
        None => diagnostic.message.to_string(),
    };
    for hint in &diagnostic.hints {
        text.push_str(&format!(" (hint: {})", hint.v));
    }
    text
}

/// Finds the file and line of a diagnostic, reading the template from the
/// override directory or the embedded set as the compiler did.
fn locate(diagnostic: &SourceDiagnostic, templates: Option<&Path>) -> Option<String> {
    let (id, byte_range) = match diagnostic.span.get() {
        DiagSpanKind::Detached => return None,
        DiagSpanKind::Range { id, range } => (id, Some(range)),
        DiagSpanKind::Number { id, num, sub_range } => {
            let source = Source::new(id, template_text(id, templates)?);
            (id, source.range(num, sub_range))
        }
    };
    let file = id.vpath().get_with_slash().to_string();
    let line = byte_range.and_then(|range| {
        let lines = typst::syntax::Lines::new(template_text(id, templates)?);
        lines.byte_to_line(range.start).map(|line| line + 1)
    });
    Some(match line {
        Some(line) => format!("{file}:{line}"),
        None => file,
    })
}

fn template_text(id: FileId, templates: Option<&Path>) -> Option<String> {
    let path = id.vpath();
    if let Some(directory) = templates
        && let Ok(real) = path.realize(directory)
        && let Ok(text) = std::fs::read_to_string(real)
    {
        return Some(text);
    }
    embedded_template(path.get_with_slash()).map(str::to_string)
}
