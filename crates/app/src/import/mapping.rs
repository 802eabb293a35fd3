//! Mapping profiles: small TOML files that say how the columns of an ERP
//! export become Recobro records, and how its dates and numbers are written.

use std::collections::BTreeMap;

use recobro_core::Currency;
use recobro_core::number::NumberFormat;
use serde::Deserialize;

/// The kinds of record a file can hold, in the order rows are turned into
/// records (a customer before its documents, a document before its
/// payments and disputes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RecordKind {
    Customer,
    Document,
    Payment,
    Allocation,
    Dispute,
    Action,
    Snapshot,
}

impl RecordKind {
    pub const ALL: [RecordKind; 7] = [
        RecordKind::Customer,
        RecordKind::Document,
        RecordKind::Payment,
        RecordKind::Allocation,
        RecordKind::Dispute,
        RecordKind::Action,
        RecordKind::Snapshot,
    ];

    /// Returns the section name in a profile, such as `customer`.
    pub fn section(self) -> &'static str {
        match self {
            RecordKind::Customer => "customer",
            RecordKind::Document => "document",
            RecordKind::Payment => "payment",
            RecordKind::Allocation => "allocation",
            RecordKind::Dispute => "dispute",
            RecordKind::Action => "action",
            RecordKind::Snapshot => "snapshot",
        }
    }

    /// Returns the `--kind` name on the command line, such as `customers`.
    pub fn cli_name(self) -> &'static str {
        match self {
            RecordKind::Customer => "customers",
            RecordKind::Document => "documents",
            RecordKind::Payment => "payments",
            RecordKind::Allocation => "allocations",
            RecordKind::Dispute => "disputes",
            RecordKind::Action => "actions",
            RecordKind::Snapshot => "snapshot",
        }
    }

    pub fn from_cli_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.cli_name() == name)
    }

    /// Field names of the section; required ones first.
    pub fn fields(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            RecordKind::Customer => (
                &["ref"],
                &[
                    "name", "tax_id", "email", "phone", "language", "segment", "region", "preferred_channel",
                    "credit_limit", "currency", "collector", "status", "latest_by",
                ],
            ),
            RecordKind::Document => {
                (&["number", "customer", "issue_date", "due_date", "amount"], &["kind", "currency"])
            }
            RecordKind::Payment => {
                (&["ref", "customer", "paid_on", "amount"], &["currency", "document", "document_kind"])
            }
            RecordKind::Allocation => (&["document", "amount"], &["payment", "credit_note", "document_kind"]),
            RecordKind::Dispute => (&["document", "opened_on"], &["reason", "document_kind"]),
            RecordKind::Action => (
                &["customer", "date", "kind"],
                &[
                    "ref", "outcome", "collector", "notes", "next_action", "next_action_on", "promise_amount",
                    "promise_on", "currency",
                ],
            ),
            RecordKind::Snapshot => (
                &["account", "customer", "snapshot_date", "balance", "days_past_due"],
                &["credit_limit", "currency"],
            ),
        }
    }
}

/// The source of one field's value in a row.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum FieldSpec {
    /// The value of the column with this header.
    Column(String),
    Detailed(DetailedField),
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DetailedField {
    /// Header of the source column; absent for a constant `value`.
    pub column: Option<String>,
    /// A constant for every row.
    pub value: Option<String>,
    /// Translation of source values, such as `{ Paper = "letter" }`; a value
    /// not listed is an error.
    pub values: Option<BTreeMap<String, String>>,
    /// Text put before the source value, such as `SETTLED-`.
    pub prefix: Option<String>,
    /// A named conversion: `months-delay` turns months of payment delay
    /// (n >= 1) into 30 x n days past due and any other value into 0.
    pub transform: Option<Transform>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Transform {
    MonthsDelay,
}

/// A condition on a row for a section to produce a record.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub column: String,
    pub equals: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Section {
    pub when: Option<Condition>,
    #[serde(flatten)]
    pub fields: BTreeMap<String, FieldSpec>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormatSpec {
    pub delimiter: Option<String>,
    pub date_format: Option<String>,
    pub decimal_separator: Option<String>,
    pub thousands_separator: Option<String>,
    pub currency: Option<String>,
    pub sheet: Option<String>,
    /// `oldest-first` (the default) applies a payment without an allocation
    /// to the customer's oldest due documents; `unapplied` keeps it as
    /// unapplied cash.
    pub unallocated_payments: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    format: Option<FormatSpec>,
    columns: Option<Section>,
    customer: Option<Section>,
    document: Option<Section>,
    payment: Option<Section>,
    allocation: Option<Section>,
    dispute: Option<Section>,
    action: Option<Section>,
    snapshot: Option<Section>,
}

/// The handling of a payment that names no document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnallocatedPayments {
    OldestFirst,
    KeepUnapplied,
}

/// A checked mapping profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub name: String,
    pub delimiter: u8,
    pub date_format: String,
    pub number_format: NumberFormat,
    pub currency: Option<Currency>,
    pub sheet: Option<String>,
    pub unallocated_payments: UnallocatedPayments,
    pub sections: Vec<(RecordKind, Section)>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("mapping profile {name}: {message}")]
pub struct ProfileError {
    pub name: String,
    pub message: String,
}

const BUILT_IN: [(&str, &str); 5] = [
    ("ibm-ar", include_str!("../../profiles/ibm-ar.toml")),
    ("uci-cards", include_str!("../../profiles/uci-cards.toml")),
    ("bench-customers", include_str!("../../profiles/bench-customers.toml")),
    ("bench-invoices", include_str!("../../profiles/bench-invoices.toml")),
    ("bench-payments", include_str!("../../profiles/bench-payments.toml")),
];

/// Names of the profiles built into the binary.
pub fn built_in_names() -> Vec<&'static str> {
    BUILT_IN.iter().map(|(name, _)| *name).collect()
}

pub fn built_in(name: &str) -> Option<Result<Profile, ProfileError>> {
    BUILT_IN.iter().find(|(built_in_name, _)| *built_in_name == name).map(|(_, text)| Profile::parse(name, text, None))
}

impl Profile {
    /// Parses profile text. `kind` is the `--kind` of the command line: it
    /// names the section a `[columns]` table maps, and must be present.
    pub fn parse(name: &str, text: &str, kind: Option<RecordKind>) -> Result<Self, ProfileError> {
        let error = |message: String| ProfileError { name: name.to_string(), message };
        let file: ProfileFile = toml::from_str(text).map_err(|parse_error| error(parse_error.to_string()))?;
        let format = file.format.unwrap_or(FormatSpec {
            delimiter: None,
            date_format: None,
            decimal_separator: None,
            thousands_separator: None,
            currency: None,
            sheet: None,
            unallocated_payments: None,
        });

        let mut sections = Vec::new();
        let named = [
            (RecordKind::Customer, file.customer),
            (RecordKind::Document, file.document),
            (RecordKind::Payment, file.payment),
            (RecordKind::Allocation, file.allocation),
            (RecordKind::Dispute, file.dispute),
            (RecordKind::Action, file.action),
            (RecordKind::Snapshot, file.snapshot),
        ];
        for (section_kind, section) in named {
            if let Some(section) = section {
                sections.push((section_kind, section));
            }
        }
        if let Some(columns) = file.columns {
            let Some(kind) = kind else {
                return Err(error("a [columns] table needs --kind to say which records it maps".into()));
            };
            if sections.iter().any(|(section_kind, _)| *section_kind == kind) {
                return Err(error(format!("both [columns] and [{}] map {} records; keep one", kind.section(), kind.section())));
            }
            sections.push((kind, columns));
        }
        if let Some(kind) = kind
            && !sections.iter().any(|(section_kind, _)| *section_kind == kind)
        {
            sections.push((kind, Section { when: None, fields: BTreeMap::new() }));
        }
        if sections.is_empty() {
            return Err(error("the profile maps no records: add a section such as [document]".into()));
        }
        sections.sort_by_key(|(section_kind, _)| *section_kind);
        for (section_kind, section) in &sections {
            check_section(*section_kind, section).map_err(error)?;
        }

        let number_format = number_format(&format).map_err(error)?;
        Ok(Profile {
            name: name.to_string(),
            delimiter: single_byte("delimiter", format.delimiter.as_deref().unwrap_or(","), false).map_err(error)?,
            date_format: format.date_format.unwrap_or_else(|| "%Y-%m-%d".to_string()),
            number_format,
            currency: format
                .currency
                .as_deref()
                .map(Currency::parse)
                .transpose()
                .map_err(|currency_error| error(currency_error.to_string()))?,
            sheet: format.sheet,
            unallocated_payments: match format.unallocated_payments.as_deref() {
                None | Some("oldest-first") => UnallocatedPayments::OldestFirst,
                Some("unapplied") => UnallocatedPayments::KeepUnapplied,
                Some(other) => {
                    return Err(error(format!("unallocated_payments = {other:?}: expected \"oldest-first\" or \"unapplied\"")));
                }
            },
            sections,
        })
    }

    /// Builds the profile for `--kind` without a mapping file: every field reads
    /// the column of the same name, when the file has it.
    pub fn canonical(kind: RecordKind) -> Self {
        Profile::parse(kind.cli_name(), "", Some(kind)).expect("an empty profile with a kind is valid")
    }

    pub fn kinds(&self) -> Vec<RecordKind> {
        self.sections.iter().map(|(kind, _)| *kind).collect()
    }
}

fn check_section(kind: RecordKind, section: &Section) -> Result<(), String> {
    let (required, optional) = kind.fields();
    for (field, spec) in &section.fields {
        if !required.contains(&field.as_str()) && !optional.contains(&field.as_str()) {
            let known: Vec<&str> = required.iter().chain(optional).copied().collect();
            return Err(format!("unknown field {field:?} in [{}]; known fields: {}", kind.section(), known.join(", ")));
        }
        if let FieldSpec::Detailed(detail) = spec
            && detail.column.is_some() == detail.value.is_some()
        {
            return Err(format!("field {field:?} in [{}] needs exactly one of column or value", kind.section()));
        }
    }
    Ok(())
}

fn single_byte(setting: &str, text: &str, allow_empty: bool) -> Result<u8, String> {
    let text = if text == "\\t" { "\t" } else { text };
    match text.as_bytes() {
        [] if allow_empty => Ok(0),
        [byte] if byte.is_ascii() => Ok(*byte),
        _ => Err(format!("{setting} = {text:?}: expected a single ASCII character such as \",\" or \";\"")),
    }
}

fn number_format(format: &FormatSpec) -> Result<NumberFormat, String> {
    let decimal = single_byte("decimal_separator", format.decimal_separator.as_deref().unwrap_or("."), false)?;
    let default_thousands = if decimal == b',' { "." } else { "," };
    let thousands = single_byte("thousands_separator", format.thousands_separator.as_deref().unwrap_or(default_thousands), true)?;
    if thousands == decimal {
        return Err("decimal_separator and thousands_separator must differ".into());
    }
    Ok(NumberFormat { decimal: decimal as char, thousands: (thousands != 0).then_some(thousands as char) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_profiles_parse() {
        for name in built_in_names() {
            let profile = built_in(name).unwrap().unwrap();
            assert!(!profile.sections.is_empty(), "{name}");
        }
        let ibm = built_in("ibm-ar").unwrap().unwrap();
        assert_eq!(
            ibm.kinds(),
            [RecordKind::Customer, RecordKind::Document, RecordKind::Payment, RecordKind::Dispute]
        );
    }

    #[test]
    fn spanish_number_format() {
        let text = "[format]\ndecimal_separator = \",\"\ndelimiter = \";\"\n[columns]\nnumber = \"Factura\"\n";
        let profile = Profile::parse("es", text, Some(RecordKind::Document)).unwrap();
        assert_eq!(profile.number_format, NumberFormat { decimal: ',', thousands: Some('.') });
        assert_eq!(profile.delimiter, b';');
    }

    #[test]
    fn unknown_field_is_rejected() {
        let error = Profile::parse("x", "[document]\nnumbr = \"N\"\n", None).unwrap_err();
        assert!(error.message.contains("unknown field \"numbr\" in [document]"), "{error}");
    }

    #[test]
    fn columns_need_kind() {
        assert!(Profile::parse("x", "[columns]\nnumber = \"N\"\n", None).is_err());
    }
}
