//! Import of an uploaded file, shared by the import page and the API: the
//! choice of mapping profile, and the multipart reader that copies the
//! upload to a temporary file for `recobro_app::import::import_file`.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use axum::extract::multipart::{Field, Multipart, MultipartError};
use axum::http::StatusCode;
use recobro_app::import::mapping::{self, ProfileError};
use recobro_app::import::{self, ImportError, ImportSummary, Profile, RecordKind};

use crate::AppState;
use crate::authz::Actor;

/// The largest request body an import accepts: the file, the mapping
/// profile and the multipart framing together.
pub const MAX_UPLOAD_BYTES: usize = 64 * 1024 * 1024;

/// The same limit as text for messages.
pub const MAX_UPLOAD_TEXT: &str = "64 MiB";

/// The largest text field of an import form, such as a mapping profile.
const MAX_TEXT_FIELD_BYTES: usize = 1024 * 1024;

/// The multipart field that contains the file to import.
pub const FILE_FIELD: &str = "file";

/// Reasons no mapping profile could be chosen.
#[derive(Debug, thiserror::Error)]
pub enum ProfileChoiceError {
    #[error("name a built-in profile ({profiles}) or a record kind ({kinds})", profiles = built_in_list(), kinds = kind_list())]
    Missing,
    #[error("give either a profile or a kind, not both")]
    ProfileAndKind,
    #[error("unknown profile {0:?}: expected one of {profiles}", profiles = built_in_list())]
    UnknownProfile(String),
    #[error("unknown kind {0:?}: expected one of {kinds}", kinds = kind_list())]
    UnknownKind(String),
    #[error("a mapping profile goes with a kind, not with a built-in profile")]
    MappingWithoutKind,
    #[error("the mapping profile is invalid: {0}")]
    InvalidMapping(ProfileError),
}

fn built_in_list() -> String {
    mapping::built_in_names().join(", ")
}

fn kind_list() -> String {
    RecordKind::ALL.iter().map(|kind| kind.cli_name()).collect::<Vec<_>>().join(", ")
}

/// Returns the command-line names of the record kinds, such as `customers`.
pub fn kind_names() -> Vec<&'static str> {
    RecordKind::ALL.iter().map(|kind| kind.cli_name()).collect()
}

/// Chooses the mapping profile as `recobro import` does: a built-in
/// profile by name, or a record kind with an optional mapping profile
/// (TOML text). A kind without a mapping reads columns named as the fields.
pub fn choose_profile(profile: Option<&str>, kind: Option<&str>, mapping_text: Option<&str>) -> Result<Profile, ProfileChoiceError> {
    match (profile, kind) {
        (None, None) => Err(ProfileChoiceError::Missing),
        (Some(_), Some(_)) => Err(ProfileChoiceError::ProfileAndKind),
        (Some(name), None) => {
            if mapping_text.is_some() {
                return Err(ProfileChoiceError::MappingWithoutKind);
            }
            match mapping::built_in(name) {
                Some(parsed) => parsed.map_err(ProfileChoiceError::InvalidMapping),
                None => Err(ProfileChoiceError::UnknownProfile(name.to_string())),
            }
        }
        (None, Some(kind_name)) => {
            let kind = RecordKind::from_cli_name(kind_name).ok_or_else(|| ProfileChoiceError::UnknownKind(kind_name.to_string()))?;
            match mapping_text {
                Some(text) => Profile::parse("uploaded mapping", text, Some(kind)).map_err(ProfileChoiceError::InvalidMapping),
                None => Ok(Profile::canonical(kind)),
            }
        }
    }
}

/// Imports a saved upload into a portfolio, all or nothing, and records an
/// audit event when the import wrote anything.
pub async fn run_import(state: &AppState, actor: &Actor, portfolio_code: &str, upload: &SavedUpload, profile: Profile) -> Result<ImportSummary, ImportError> {
    let summary = import::import_file(&state.store, portfolio_code, upload.path(), profile).await?;
    tracing::info!(user = %actor.username, portfolio = portfolio_code, file = %summary.file, rows = summary.rows, changed = summary.changed, "upload imported");
    if summary.changed {
        let mut conn = state.store.acquire().await?;
        let detail = format!("{} ({} rows, profile {})", summary.file, summary.rows, summary.profile);
        recobro_store::users::insert_audit_event(&mut conn, &actor.username, "import.finished", &format!("portfolio:{portfolio_code}"), Some(&detail)).await?;
    }
    Ok(summary)
}

/// Failures to read a multipart upload.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("the upload is larger than the limit of {MAX_UPLOAD_TEXT}; split the file and import the parts")]
    TooLarge,
    #[error("field {0:?} is larger than 1 MiB")]
    FieldTooLarge(String),
    #[error("field {0:?} is not UTF-8 text")]
    NotText(String),
    #[error("the multipart body is invalid: {0}")]
    Malformed(String),
    #[error("cannot store the upload in a temporary file: {0}")]
    Storage(#[from] std::io::Error),
}

impl UploadError {
    pub fn status(&self) -> StatusCode {
        match self {
            UploadError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            UploadError::FieldTooLarge(_) | UploadError::NotText(_) | UploadError::Malformed(_) => StatusCode::BAD_REQUEST,
            UploadError::Storage(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn from_multipart(error: MultipartError) -> Self {
        if error.status() == StatusCode::PAYLOAD_TOO_LARGE { UploadError::TooLarge } else { UploadError::Malformed(error.body_text()) }
    }
}

/// An uploaded file in a temporary folder that is removed on drop. The file
/// keeps the uploaded name, because the import reads `.xlsx` and the
/// other workbook extensions as workbooks and names the file in its errors.
#[derive(Debug)]
pub struct SavedUpload {
    _folder: tempfile::TempDir,
    path: PathBuf,
    pub bytes: u64,
}

impl SavedUpload {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// The fields of an import form.
#[derive(Debug, Default)]
pub struct UploadForm {
    /// The `file` field, absent when the form had none or an empty one.
    pub file: Option<SavedUpload>,
    /// Every other field as text; empty fields are left out.
    pub texts: HashMap<String, String>,
}

impl UploadForm {
    pub fn text(&self, name: &str) -> Option<&str> {
        self.texts.get(name).map(String::as_str)
    }
}

/// Reads every field of the form. The `file` field is copied to a
/// temporary file as it arrives; the others are read as text.
pub async fn read_upload(mut multipart: Multipart) -> Result<UploadForm, UploadError> {
    let mut form = UploadForm::default();
    while let Some(field) = multipart.next_field().await.map_err(UploadError::from_multipart)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == FILE_FIELD {
            form.file = save_file(field).await?;
        } else if let Some(text) = read_text(field, &name).await? {
            form.texts.insert(name, text);
        }
    }
    Ok(form)
}

async fn save_file(mut field: Field<'_>) -> Result<Option<SavedUpload>, UploadError> {
    let folder = tempfile::tempdir()?;
    let path = folder.path().join(safe_file_name(field.file_name()));
    let mut file = std::fs::File::create(&path)?;
    let mut bytes = 0u64;
    while let Some(chunk) = field.chunk().await.map_err(UploadError::from_multipart)? {
        file.write_all(&chunk)?;
        bytes += chunk.len() as u64;
    }
    file.flush()?;
    // A browser sends a file input left empty as a part with no name and
    // no content.
    if bytes == 0 && field.file_name().is_none_or(str::is_empty) {
        return Ok(None);
    }
    Ok(Some(SavedUpload { _folder: folder, path, bytes }))
}

async fn read_text(mut field: Field<'_>, name: &str) -> Result<Option<String>, UploadError> {
    let mut data = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(UploadError::from_multipart)? {
        if data.len() + chunk.len() > MAX_TEXT_FIELD_BYTES {
            return Err(UploadError::FieldTooLarge(name.to_string()));
        }
        data.extend_from_slice(&chunk);
    }
    let text = String::from_utf8(data).map_err(|_| UploadError::NotText(name.to_string()))?;
    Ok((!text.trim().is_empty()).then_some(text))
}

/// Returns the last part of an uploaded file name, with every character
/// other than letters, digits, `.`, `-` and `_` replaced by `_`.
fn safe_file_name(name: Option<&str>) -> String {
    let base = name.unwrap_or_default().rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base.chars().map(|c| if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' }).collect();
    let cleaned = cleaned.trim_start_matches('.');
    if cleaned.is_empty() { "upload.csv".to_string() } else { cleaned.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_cleaned() {
        assert_eq!(safe_file_name(Some("ventas 2024.csv")), "ventas_2024.csv");
        assert_eq!(safe_file_name(Some("../../etc/passwd")), "passwd");
        assert_eq!(safe_file_name(Some("C:\\datos\\cartera.xlsx")), "cartera.xlsx");
        assert_eq!(safe_file_name(Some("..")), "upload.csv");
        assert_eq!(safe_file_name(None), "upload.csv");
    }

    #[test]
    fn profile_choice() {
        assert_eq!(choose_profile(Some("ibm-ar"), None, None).unwrap().name, "ibm-ar");
        assert_eq!(choose_profile(None, Some("customers"), None).unwrap().kinds(), vec![RecordKind::Customer]);
        assert!(matches!(choose_profile(None, None, None), Err(ProfileChoiceError::Missing)));
        assert!(matches!(choose_profile(Some("ibm-ar"), Some("customers"), None), Err(ProfileChoiceError::ProfileAndKind)));
        assert!(matches!(choose_profile(Some("sap"), None, None), Err(ProfileChoiceError::UnknownProfile(_))));
        assert!(matches!(choose_profile(None, Some("invoices"), None), Err(ProfileChoiceError::UnknownKind(_))));
        assert!(matches!(choose_profile(Some("ibm-ar"), None, Some("")), Err(ProfileChoiceError::MappingWithoutKind)));
        assert!(matches!(choose_profile(None, Some("customers"), Some("[columns]\nbogus = \"x\"")), Err(ProfileChoiceError::InvalidMapping(_))));
        let mapped = choose_profile(None, Some("customers"), Some("[columns]\nref = \"Codigo\"")).unwrap();
        assert_eq!(mapped.kinds(), vec![RecordKind::Customer]);
    }
}
