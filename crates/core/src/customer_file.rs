//! The customer file (expediente): the kinds of documents kept for a
//! customer, the checks an upload must pass, and the checklist of what a
//! scope requires on a date.

use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;

/// The kind of a document in a customer's file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    Contract,
    Identity,
    PromissoryNote,
    Guarantee,
    InvoiceCopy,
    Correspondence,
    Other,
}

impl FileKind {
    pub const ALL: [FileKind; 7] = [
        FileKind::Contract,
        FileKind::Identity,
        FileKind::PromissoryNote,
        FileKind::Guarantee,
        FileKind::InvoiceCopy,
        FileKind::Correspondence,
        FileKind::Other,
    ];

    pub fn code(&self) -> &'static str {
        match self {
            FileKind::Contract => "contract",
            FileKind::Identity => "identity",
            FileKind::PromissoryNote => "promissory_note",
            FileKind::Guarantee => "guarantee",
            FileKind::InvoiceCopy => "invoice_copy",
            FileKind::Correspondence => "correspondence",
            FileKind::Other => "other",
        }
    }

    pub fn parse(code: &str) -> Result<Self, FileError> {
        let wanted = code.trim().to_ascii_lowercase().replace('-', "_");
        Self::ALL.into_iter().find(|kind| kind.code() == wanted).ok_or_else(|| FileError::UnknownKind { value: code.to_string() })
    }
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// When a set of documents is required.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RequirementScope {
    /// Every customer in collection.
    Customer,
    /// Before a case is transferred to judicial collection.
    Legal,
}

impl RequirementScope {
    pub const ALL: [RequirementScope; 2] = [RequirementScope::Customer, RequirementScope::Legal];

    pub fn code(&self) -> &'static str {
        match self {
            RequirementScope::Customer => "customer",
            RequirementScope::Legal => "legal",
        }
    }

    pub fn parse(code: &str) -> Result<Self, FileError> {
        let wanted = code.trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|scope| scope.code() == wanted).ok_or_else(|| FileError::UnknownScope { value: code.to_string() })
    }

    /// Returns the kinds required when a portfolio sets none: a contract
    /// for every customer, and a contract and a signed promissory note
    /// before a legal transfer.
    pub fn default_kinds(&self) -> Vec<FileKind> {
        match self {
            RequirementScope::Customer => vec![FileKind::Contract],
            RequirementScope::Legal => vec![FileKind::Contract, FileKind::PromissoryNote],
        }
    }
}

/// The file types an upload may have, recognised by extension and by the
/// first bytes of the content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum FileType {
    Pdf,
    Png,
    Jpeg,
    Tiff,
    Text,
}

impl FileType {
    pub fn content_type(&self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Png => "image/png",
            FileType::Jpeg => "image/jpeg",
            FileType::Tiff => "image/tiff",
            FileType::Text => "text/plain",
        }
    }

    fn from_extension(extension: &str) -> Option<Self> {
        match extension.to_ascii_lowercase().as_str() {
            "pdf" => Some(FileType::Pdf),
            "png" => Some(FileType::Png),
            "jpg" | "jpeg" => Some(FileType::Jpeg),
            "tif" | "tiff" => Some(FileType::Tiff),
            "txt" => Some(FileType::Text),
            _ => None,
        }
    }

    /// Checks that `content` starts the way a file of this type does.
    /// Plain text must be UTF-8 without NUL bytes.
    fn matches(&self, content: &[u8]) -> bool {
        match self {
            FileType::Pdf => content.starts_with(b"%PDF-"),
            FileType::Png => content.starts_with(b"\x89PNG\r\n\x1a\n"),
            FileType::Jpeg => content.starts_with(&[0xFF, 0xD8, 0xFF]),
            FileType::Tiff => content.starts_with(b"II*\0") || content.starts_with(b"MM\0*"),
            FileType::Text => !content.contains(&0) && std::str::from_utf8(content).is_ok(),
        }
    }
}

/// The extensions an upload may have, for messages and forms.
pub const ALLOWED_EXTENSIONS: &str = "pdf, png, jpg, jpeg, tif, tiff, txt";

/// The default largest upload: 10 MiB.
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 10 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("unknown document kind {value:?}; use contract, identity, promissory_note, guarantee, invoice_copy, correspondence or other")]
    UnknownKind { value: String },
    #[error("unknown requirement scope {value:?}; use customer or legal")]
    UnknownScope { value: String },
    #[error("the file name is empty")]
    EmptyName,
    #[error("the file name {name:?} is not allowed: it must be a plain name, without folders, a leading dot or control characters")]
    UnsafeName { name: String },
    #[error("the file name {name:?} is longer than 200 characters")]
    LongName { name: String },
    #[error("the file {name:?} has a type that is not accepted; use one of: {ALLOWED_EXTENSIONS}")]
    DisallowedType { name: String },
    #[error("the content of {name:?} does not match its extension: it is not a valid {expected} file")]
    ContentMismatch { name: String, expected: &'static str },
    #[error("the file {name:?} is empty")]
    EmptyFile { name: String },
    #[error("the file {name:?} has {size} bytes, over the limit of {limit} bytes")]
    TooLarge { name: String, size: u64, limit: u64 },
    #[error("the expiry date {expires_on} is before the issue date {issued_on}")]
    ExpiresBeforeIssue { issued_on: NaiveDate, expires_on: NaiveDate },
}

/// An upload that passed every check: its safe name and its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedUpload {
    pub file_name: String,
    pub file_type: FileType,
}

/// Checks an upload's name, size and content before anything is stored.
/// The name must be a plain file name: no folder separator, no leading dot
/// (so neither `.` nor `..`), no control characters, so it can never be
/// used as a path.
pub fn check_upload(name: &str, content: &[u8], max_bytes: u64) -> Result<CheckedUpload, FileError> {
    let file_name = check_file_name(name)?;

    let size = content.len() as u64;
    if size == 0 {
        return Err(FileError::EmptyFile { name: file_name });
    }
    if size > max_bytes {
        return Err(FileError::TooLarge { name: file_name, size, limit: max_bytes });
    }

    let extension = file_name.rsplit_once('.').map(|(_, extension)| extension).unwrap_or("");
    let file_type = FileType::from_extension(extension).ok_or_else(|| FileError::DisallowedType { name: file_name.clone() })?;
    if !file_type.matches(content) {
        return Err(FileError::ContentMismatch { name: file_name, expected: file_type.content_type() });
    }

    Ok(CheckedUpload { file_name, file_type })
}

fn check_file_name(name: &str) -> Result<String, FileError> {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        return Err(FileError::EmptyName);
    }
    let unsafe_name = trimmed.contains(['/', '\\', ':'])
        || trimmed.chars().any(char::is_control)
        || trimmed.starts_with('.');
    if unsafe_name {
        return Err(FileError::UnsafeName { name: name.to_string() });
    }
    if trimmed.chars().count() > 200 {
        return Err(FileError::LongName { name: trimmed.to_string() });
    }
    Ok(trimmed.to_string())
}

/// Checks that an expiry date does not come before the issue date.
pub fn check_dates(issued_on: Option<NaiveDate>, expires_on: Option<NaiveDate>) -> Result<(), FileError> {
    match (issued_on, expires_on) {
        (Some(issued_on), Some(expires_on)) if expires_on < issued_on => Err(FileError::ExpiresBeforeIssue { issued_on, expires_on }),
        _ => Ok(()),
    }
}

/// One document on file, with the facts the checklist reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileOnRecord {
    pub kind: FileKind,
    pub expires_on: Option<NaiveDate>,
}

impl FileOnRecord {
    /// Returns whether the document is valid on `as_of`, through its
    /// expiry date.
    pub fn is_valid_on(&self, as_of: NaiveDate) -> bool {
        self.expires_on.is_none_or(|expires_on| expires_on >= as_of)
    }
}

/// The reason a required kind does not count as on file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum FileGap {
    /// No document of the kind was uploaded.
    Missing { kind: FileKind },
    /// Every document of the kind expired; the latest expired on this date.
    Expired { kind: FileKind, expired_on: NaiveDate },
}

impl FileGap {
    pub fn kind(&self) -> FileKind {
        match self {
            FileGap::Missing { kind } | FileGap::Expired { kind, .. } => *kind,
        }
    }
}

/// Lists, for each required kind, why it is not on file on `as_of`. An
/// empty list means the file is complete and up to date.
pub fn checklist(required: &[FileKind], files: &[FileOnRecord], as_of: NaiveDate) -> Vec<FileGap> {
    let mut gaps = Vec::new();
    for &kind in required {
        let of_kind: Vec<&FileOnRecord> = files.iter().filter(|file| file.kind == kind).collect();
        if of_kind.iter().any(|file| file.is_valid_on(as_of)) {
            continue;
        }
        let latest_expiry = of_kind.iter().filter_map(|file| file.expires_on).max();
        gaps.push(match latest_expiry {
            Some(expired_on) => FileGap::Expired { kind, expired_on },
            None => FileGap::Missing { kind },
        });
    }
    gaps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn kinds_parse_from_their_codes() {
        for kind in FileKind::ALL {
            assert_eq!(FileKind::parse(kind.code()).unwrap(), kind);
        }
        assert_eq!(FileKind::parse("Promissory-Note").unwrap(), FileKind::PromissoryNote);
        assert!(matches!(FileKind::parse("passport"), Err(FileError::UnknownKind { .. })));
    }

    #[test]
    fn uploads_with_unsafe_names_are_rejected() {
        let pdf = b"%PDF-1.7 body";
        for name in ["../etc/passwd.pdf", "a/b.pdf", "..\\x.pdf", "C:evil.pdf", ".hidden.pdf", "..", "bad\nname.pdf", "x\0.pdf"] {
            assert!(matches!(check_upload(name, pdf, 1000), Err(FileError::UnsafeName { .. })), "{name:?} must be rejected");
        }
        assert_eq!(check_upload("   ", pdf, 1000), Err(FileError::EmptyName));
        assert!(matches!(check_upload(&format!("{}.pdf", "a".repeat(200)), pdf, 1000), Err(FileError::LongName { .. })));
    }

    #[test]
    fn uploads_are_checked_by_type_size_and_content() {
        let pdf = b"%PDF-1.7 body";
        let checked = check_upload(" contract.PDF ", pdf, 1000).unwrap();
        assert_eq!(checked.file_name, "contract.PDF");
        assert_eq!(checked.file_type, FileType::Pdf);
        assert!(check_upload("acta..final.pdf", pdf, 1000).is_ok(), "two dots inside a plain name are harmless");

        assert!(matches!(check_upload("run.exe", b"MZ....", 1000), Err(FileError::DisallowedType { .. })));
        assert!(matches!(check_upload("noextension", pdf, 1000), Err(FileError::DisallowedType { .. })));
        assert!(matches!(check_upload("fake.pdf", b"MZ not a pdf", 1000), Err(FileError::ContentMismatch { .. })));
        assert!(matches!(check_upload("empty.pdf", b"", 1000), Err(FileError::EmptyFile { .. })));
        assert_eq!(
            check_upload("big.pdf", pdf, 5),
            Err(FileError::TooLarge { name: "big.pdf".into(), size: pdf.len() as u64, limit: 5 })
        );
        assert!(check_upload("scan.png", b"\x89PNG\r\n\x1a\nrest", 1000).is_ok());
        assert!(check_upload("scan.jpg", &[0xFF, 0xD8, 0xFF, 0xE0], 1000).is_ok());
        assert!(check_upload("note.txt", "nota de gestión".as_bytes(), 1000).is_ok());
        assert!(matches!(check_upload("note.txt", b"bin\0ary", 1000), Err(FileError::ContentMismatch { .. })));
    }

    #[test]
    fn expiry_must_not_precede_issue() {
        assert!(check_dates(Some(date("2024-01-01")), Some(date("2023-12-31"))).is_err());
        assert!(check_dates(Some(date("2024-01-01")), Some(date("2024-01-01"))).is_ok());
        assert!(check_dates(None, Some(date("2020-01-01"))).is_ok());
    }

    #[test]
    fn checklist_reports_missing_and_expired_kinds() {
        let required = RequirementScope::Legal.default_kinds();
        let as_of = date("2025-06-30");

        assert_eq!(
            checklist(&required, &[], as_of),
            vec![FileGap::Missing { kind: FileKind::Contract }, FileGap::Missing { kind: FileKind::PromissoryNote }]
        );

        let files = [
            FileOnRecord { kind: FileKind::Contract, expires_on: None },
            FileOnRecord { kind: FileKind::PromissoryNote, expires_on: Some(date("2025-06-29")) },
            FileOnRecord { kind: FileKind::PromissoryNote, expires_on: Some(date("2024-01-01")) },
        ];
        assert_eq!(checklist(&required, &files, as_of), vec![FileGap::Expired { kind: FileKind::PromissoryNote, expired_on: date("2025-06-29") }]);

        // A document is valid through its expiry date.
        assert!(checklist(&required, &files, date("2025-06-29")).is_empty());
    }
}
