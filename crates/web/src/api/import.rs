//! Imports of uploaded CSV and XLSX files.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Multipart, Query, State};
use axum::extract::multipart::MultipartRejection;
use axum::http::StatusCode;
use recobro_app::import::{ImportError, ImportSummary};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ApiResult, find_portfolio, not_found, query_params, required};
use crate::AppState;
use crate::auth::ApiCaller;
use crate::authz::{self, Permission};
use crate::error::{ApiError, ErrorEnvelope, WebError};
use crate::imports::{self, FILE_FIELD, ProfileChoiceError, UploadError};

/// The form field that contains an optional mapping profile.
const MAPPING_FIELD: &str = "mapping";

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Portfolio code.
    #[serde(default)]
    #[param(required = true)]
    portfolio: String,
    /// A built-in mapping profile: `ibm-ar` or `uci-cards`. Give this or `kind`.
    profile: Option<String>,
    /// Record kind of the file: customers, documents, payments, allocations, disputes, actions or snapshot. Without a `mapping` field the columns must carry the field names.
    kind: Option<String>,
}

/// The multipart form of an import.
#[derive(ToSchema)]
#[allow(dead_code)]
struct ImportUpload {
    /// The CSV or XLSX file; its name decides how it is read (`.xlsx`, `.xlsm`, `.xls` and `.ods` are workbooks).
    #[schema(value_type = String, content_media_type = "application/octet-stream")]
    file: Vec<u8>,
    /// A mapping profile (TOML text) that maps the columns to the fields of `kind`.
    mapping: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportCounts {
    created: u64,
    updated: u64,
    unchanged: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportResult {
    file: String,
    profile: String,
    rows: u64,
    /// Counts per record kind, such as `customers` or `documents`.
    counts: BTreeMap<String, ImportCounts>,
    /// False when the file held nothing new: then nothing was written.
    changed: bool,
}

impl From<ImportSummary> for ImportResult {
    fn from(summary: ImportSummary) -> Self {
        let counts = summary
            .counts
            .into_iter()
            .map(|(kind, counts)| (kind.to_string(), ImportCounts { created: counts.created, updated: counts.updated, unchanged: counts.unchanged }))
            .collect();
        Self { file: summary.file, profile: summary.profile, rows: summary.rows, counts, changed: summary.changed }
    }
}

/// Imports a CSV or XLSX file into a portfolio, all or nothing.
#[utoipa::path(
    post,
    path = "/imports",
    tag = "imports",
    params(ImportQuery),
    request_body(content = ImportUpload, content_type = "multipart/form-data"),
    description = "The whole file is checked before anything is written, and importing the same file again changes nothing. Collection managers and administrators only. The request body may be at most 64 MiB.",
    responses(
        (status = 200, description = "The file was imported, or held nothing new", body = ImportResult),
        (status = 400, description = "A parameter, the form or the mapping profile is invalid", body = ErrorEnvelope),
        (status = 404, description = "Unknown portfolio", body = ErrorEnvelope),
        (status = 413, description = "The body is larger than 64 MiB", body = ErrorEnvelope),
        (status = 422, description = "The file was rejected and nothing was written; `details` lists the row errors (at most 50)", body = ErrorEnvelope),
    ),
)]
pub async fn import_file(
    caller: ApiCaller,
    State(state): State<AppState>,
    query: Result<Query<ImportQuery>, QueryRejection>,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<Json<ImportResult>> {
    authz::require(&caller.actor, Permission::ImportData)?;
    let query = query_params(query)?;
    let code = required(&query.portfolio, "portfolio")?;
    let non_empty = |value: &Option<String>| value.as_deref().map(str::trim).filter(|value| !value.is_empty()).map(str::to_string);
    let (profile_name, kind) = (non_empty(&query.profile), non_empty(&query.kind));
    // Check the names before reading a body of up to 64 MiB.
    imports::choose_profile(profile_name.as_deref(), kind.as_deref(), None).map_err(choice_error)?;
    {
        let mut conn = state.store.acquire().await?;
        find_portfolio(&mut conn, code).await?;
    }

    let multipart = multipart.map_err(|rejection| ApiError::new(rejection.status(), "bad-request", rejection.body_text()))?;
    let form = imports::read_upload(multipart).await.map_err(upload_error)?;
    let upload = form
        .file
        .as_ref()
        .ok_or_else(|| ApiError::bad_request(format!("the file is missing: send it as the multipart/form-data field {FILE_FIELD:?}")))?;
    let profile = imports::choose_profile(profile_name.as_deref(), kind.as_deref(), form.text(MAPPING_FIELD)).map_err(choice_error)?;

    let summary = imports::run_import(&state, &caller.actor, code, upload, profile).await.map_err(import_error)?;
    Ok(Json(summary.into()))
}

fn choice_error(error: ProfileChoiceError) -> ApiError {
    ApiError::bad_request(error.to_string())
}

fn upload_error(error: UploadError) -> ApiError {
    match error {
        UploadError::TooLarge => ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload-too-large", error.to_string()),
        UploadError::Storage(_) => WebError::Internal(error.to_string()).into(),
        other => ApiError::new(other.status(), "bad-request", other.to_string()),
    }
}

fn import_error(error: ImportError) -> ApiError {
    match error {
        ImportError::Rejected { errors, more } => {
            let total = errors.len() + more;
            let listed = if more > 0 { format!("; the first {} are listed", errors.len()) } else { String::new() };
            let message = format!("the file was rejected and nothing was written: {total} error{}{listed}", if total == 1 { "" } else { "s" });
            let details = errors.iter().map(ToString::to_string).collect();
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "import-rejected", message).with_details(details)
        }
        ImportError::Source { .. } => {
            let message = error.to_string();
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "import-rejected", format!("the file was rejected and nothing was written: {message}")).with_details(vec![message])
        }
        ImportError::Profile(error) => ApiError::bad_request(format!("the mapping profile is invalid: {error}")),
        ImportError::UnknownPortfolio(code) => not_found("portfolio", &code),
        ImportError::Store(error) => error.into(),
        ImportError::Io { .. } => WebError::Internal(error.to_string()).into(),
    }
}
