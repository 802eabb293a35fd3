//! Spanish and English: message lookup with Fluent, language negotiation,
//! and the locale's formats for amounts and dates (Fluent formats neither).

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::NaiveDate;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{Loader, static_loader};
use recobro_core::Currency;
use recobro_core::locale::Locale;
use unic_langid::{LanguageIdentifier, langid};

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "es",
        // Bidi isolation marks around arguments would end up in CSV, email
        // and PDF text; Spanish and English never need them.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    Es,
    En,
}

static SPANISH: LanguageIdentifier = langid!("es");
static ENGLISH: LanguageIdentifier = langid!("en");

impl Language {
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

    fn identifier(self) -> &'static LanguageIdentifier {
        match self {
            Language::Es => &SPANISH,
            Language::En => &ENGLISH,
        }
    }

    /// Picks the language: the user's setting, else the first of Spanish or
    /// English in the browser's `Accept-Language` by quality, else Spanish.
    pub fn negotiate(user_setting: Option<&str>, cookie: Option<&str>, accept_language: Option<&str>) -> Self {
        if let Some(language) = user_setting.or(cookie).and_then(Language::parse) {
            return language;
        }
        let Some(header) = accept_language else { return Language::Es };

        let mut candidates: Vec<(f32, Language)> = header
            .split(',')
            .filter_map(|entry| {
                let mut parts = entry.split(';');
                let tag = parts.next()?.trim();
                let primary = tag.split('-').next()?;
                let language = Language::parse(primary)?;
                // The quality value only orders the entries; it is not money.
                let quality = parts
                    .find_map(|part| part.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()))
                    .unwrap_or(1.0);
                Some((quality, language))
            })
            .collect();
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0));
        candidates.first().map_or(Language::Es, |(_, language)| *language)
    }
}

/// Messages and formats of one language, passed to every template.
#[derive(Debug, Clone, Copy)]
pub struct Translator {
    pub language: Language,
}

impl Translator {
    pub fn new(language: Language) -> Self {
        Self { language }
    }

    pub fn lang(&self) -> &'static str {
        self.language.code()
    }

    /// Looks up a message; a missing key shows as the key itself.
    pub fn t(&self, key: &str) -> String {
        LOCALES.try_lookup(self.language.identifier(), key).unwrap_or_else(|| key.to_string())
    }

    /// Looks up a message with named arguments.
    pub fn t_args(&self, key: &str, args: &[(&'static str, String)]) -> String {
        self.try_t_args(key, args).unwrap_or_else(|| key.to_string())
    }

    /// Looks up a message with named arguments. Returns `None` when neither
    /// this language nor the fallback language defines the key.
    pub fn try_t_args(&self, key: &str, args: &[(&'static str, String)]) -> Option<String> {
        let arguments: HashMap<Cow<'static, str>, FluentValue> =
            args.iter().map(|(name, value)| (Cow::Borrowed(*name), FluentValue::from(value.clone()))).collect();
        LOCALES.try_lookup_with_args(self.language.identifier(), key, &arguments)
    }

    fn locale(&self) -> Locale {
        match self.language {
            Language::Es => Locale::Spanish,
            Language::En => Locale::English,
        }
    }

    /// Formats an amount without the currency: `1.234,56` in Spanish,
    /// `1,234.56` in English.
    pub fn money(&self, minor: &i64, currency: &str) -> String {
        let currency = Currency::parse(currency).unwrap_or_else(|_| Currency::parse("XXX").expect("XXX is a valid code"));
        self.locale().format_minor(*minor, currency)
    }

    /// Formats a date: `31/01/2024` in Spanish, `31 Jan 2024` in English.
    pub fn date(&self, date: &NaiveDate) -> String {
        self.locale().format_date(*date)
    }

    /// Formats a plain decimal string such as `1234.50`.
    pub fn decimal(&self, text: &str) -> String {
        self.locale().format_decimal_text(text)
    }

    /// Looks up a message whose `$count` argument picks the plural form.
    pub fn count(&self, key: &str, count: &i64) -> String {
        let arguments: HashMap<Cow<'static, str>, FluentValue> = HashMap::from([(Cow::Borrowed("count"), FluentValue::from(*count))]);
        LOCALES.try_lookup_with_args(self.language.identifier(), key, &arguments).unwrap_or_else(|| key.to_string())
    }

    /// "As of DATE" in the user's language.
    pub fn as_of(&self, date: &NaiveDate) -> String {
        self.t_args("as-of", &[("date", self.date(date))])
    }

    pub fn optional_date(&self, date: &Option<NaiveDate>) -> String {
        date.as_ref().map(|date| self.date(date)).unwrap_or_default()
    }

    /// The label of a code such as a stage, task kind or role: the message
    /// `prefix-code`, or the code itself when there is none.
    pub fn label(&self, prefix: &str, code: &str) -> String {
        let key = format!("{prefix}-{}", code.replace('_', "-").replace('+', "-plus"));
        LOCALES.try_lookup(self.language.identifier(), &key).unwrap_or_else(|| code.to_string())
    }

    pub fn optional_label(&self, prefix: &str, code: &Option<String>) -> String {
        code.as_deref().map(|code| self.label(prefix, code)).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_order() {
        assert_eq!(Language::negotiate(Some("en"), Some("es"), Some("es")), Language::En);
        assert_eq!(Language::negotiate(None, Some("en"), Some("es")), Language::En);
        assert_eq!(Language::negotiate(None, None, Some("fr-FR, en-GB;q=0.8, es;q=0.5")), Language::En);
        assert_eq!(Language::negotiate(None, None, Some("es-MX,es;q=0.9,en;q=0.8")), Language::Es);
        assert_eq!(Language::negotiate(None, None, Some("de")), Language::Es);
        assert_eq!(Language::negotiate(None, None, None), Language::Es);
    }

    #[test]
    fn locale_formats() {
        let spanish = Translator::new(Language::Es);
        let english = Translator::new(Language::En);
        let date = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
        assert_eq!(spanish.money(&123_456, "EUR"), "1.234,56");
        assert_eq!(english.money(&123_456, "USD"), "1,234.56");
        assert_eq!(spanish.date(&date), "31/01/2024");
        assert_eq!(english.date(&date), "31 Jan 2024");
        assert_eq!(spanish.decimal("-1234567.50"), "-1.234.567,50");
        assert_eq!(english.decimal("1234"), "1,234");
        assert_eq!(english.count("worklist-count", &1), "1 open task");
        assert_eq!(english.count("worklist-count", &3844), "3844 open tasks");
        assert_eq!(spanish.count("worklist-count", &2), "2 tareas pendientes");
    }

    #[test]
    fn messages_have_no_isolation_marks() {
        let english = Translator::new(Language::En);
        let text = english.t_args("customers-count", &[("count", "3".into())]);
        assert!(!text.contains('\u{2068}'), "{text:?}");
        assert!(text.contains('3'), "{text:?}");
    }

    /// Message ids defined in a Fluent file: lines that start an entry.
    fn message_ids(text: &str) -> std::collections::BTreeSet<String> {
        text.lines()
            .filter(|line| line.starts_with(|c: char| c.is_ascii_lowercase()))
            .filter_map(|line| line.split_once('=').map(|(id, _)| id.trim().to_string()))
            .collect()
    }

    /// Keys the templates and handlers look up with `t(...)` or `t_args(...)`.
    fn used_keys() -> std::collections::BTreeSet<String> {
        let folders = [concat!(env!("CARGO_MANIFEST_DIR"), "/templates"), concat!(env!("CARGO_MANIFEST_DIR"), "/src/pages")];
        let mut keys = std::collections::BTreeSet::new();
        for folder in folders {
            for entry in std::fs::read_dir(folder).unwrap() {
                let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
                for pattern in [".t(\"", ".t_args(\"", ".count(\""] {
                    for piece in text.split(pattern).skip(1) {
                        if let Some(key) = piece.split('"').next().filter(|key| !key.contains('{')) {
                            keys.insert(key.to_string());
                        }
                    }
                }
            }
        }
        keys
    }

    #[test]
    fn every_used_key_is_defined() {
        let english = message_ids(include_str!("../locales/en/main.ftl"));
        let missing: Vec<String> = used_keys().into_iter().filter(|key| !english.contains(key)).collect();
        assert!(missing.is_empty(), "keys used but not defined: {missing:?}");
    }

    #[test]
    fn every_import_row_code_has_messages() {
        for (language, text) in [("en", include_str!("../locales/en/main.ftl")), ("es", include_str!("../locales/es/main.ftl"))] {
            let defined = message_ids(text);
            for code in recobro_app::import::RowErrorCode::ALL {
                for prefix in ["import-row", "import-hint"] {
                    let key = format!("{prefix}-{}", code.code());
                    assert!(defined.contains(&key), "{language} has no message {key}");
                }
            }
        }
    }

    #[test]
    fn amount_hint_without_thousands_separator() {
        let args = [("field", "document.amount".to_string()), ("decimal", ",".to_string()), ("thousands", "none".to_string())];
        let spanish = Translator::new(Language::Es).t_args("import-hint-invalid-amount", &args);
        let english = Translator::new(Language::En).t_args("import-hint-invalid-amount", &args);
        assert!(spanish.starts_with("Se espera un número con el separador decimal «,» y sin separador de miles. "), "{spanish}");
        assert!(english.starts_with("Expected a number with the decimal separator \",\" and no thousands separator. "), "{english}");
    }

    #[test]
    fn every_message_in_both_languages() {
        let spanish = message_ids(include_str!("../locales/es/main.ftl"));
        let english = message_ids(include_str!("../locales/en/main.ftl"));
        let only_spanish: Vec<&String> = spanish.difference(&english).collect();
        let only_english: Vec<&String> = english.difference(&spanish).collect();
        assert!(only_spanish.is_empty(), "messages missing in English: {only_spanish:?}");
        assert!(only_english.is_empty(), "messages missing in Spanish: {only_english:?}");
    }
}
