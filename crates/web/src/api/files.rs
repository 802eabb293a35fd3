//! The customer file (expediente): its documents with the checklist of
//! each scope, uploads, downloads and removals.

use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use recobro_app::files::{self as app_files, FilesError, Upload};
use recobro_core::customer_file::FileGap;
use recobro_store::files::CustomerFile;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ApiResult, date_param, find_portfolio, find_visible_customer, not_found, query_params, required};
use crate::AppState;
use crate::auth::ApiCaller;
use crate::authz::{self, Permission};
use crate::error::{ApiError, ErrorEnvelope};
use crate::file_uploads::{self, FILE_FIELD, FormError, MAX_UPLOAD_BYTES};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FilesQuery {
    /// Portfolio code.
    #[serde(default)]
    #[param(required = true)]
    portfolio: String,
    /// The customer's reference.
    #[serde(default)]
    #[param(required = true)]
    customer: String,
    /// The date expiry is checked on, YYYY-MM-DD; the date of the latest
    /// daily run when absent.
    #[param(format = Date)]
    as_of: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FileQuery {
    /// Portfolio code.
    #[serde(default)]
    #[param(required = true)]
    portfolio: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FileItem {
    id: i64,
    customer: String,
    /// contract, identity, promissory_note, guarantee, invoice_copy,
    /// correspondence or other.
    kind: String,
    file_name: String,
    content_type: String,
    size_bytes: i64,
    /// Hex SHA-256 of the content.
    sha256: String,
    issued_on: Option<NaiveDate>,
    expires_on: Option<NaiveDate>,
    note: Option<String>,
    uploaded_by: String,
    uploaded_at: String,
}

impl From<&CustomerFile> for FileItem {
    fn from(file: &CustomerFile) -> Self {
        Self {
            id: file.id,
            customer: file.customer_ref.clone(),
            kind: file.kind.clone(),
            file_name: file.file_name.clone(),
            content_type: file.content_type.clone(),
            size_bytes: file.size_bytes,
            sha256: file.sha256.clone(),
            issued_on: file.issued_on,
            expires_on: file.expires_on,
            note: file.note.clone(),
            uploaded_by: file.uploaded_by.clone(),
            uploaded_at: file.uploaded_at.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GapItem {
    /// missing or expired.
    reason: String,
    kind: String,
    /// The latest expiry of the kind, for an expired one.
    expired_on: Option<NaiveDate>,
}

impl From<&FileGap> for GapItem {
    fn from(gap: &FileGap) -> Self {
        match gap {
            FileGap::Missing { kind } => Self { reason: "missing".into(), kind: kind.code().into(), expired_on: None },
            FileGap::Expired { kind, expired_on } => Self { reason: "expired".into(), kind: kind.code().into(), expired_on: Some(*expired_on) },
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScopeItem {
    /// customer (every customer in collection) or legal (before a judicial transfer).
    scope: String,
    /// The kinds the scope requires.
    required: Vec<String>,
    /// Empty when the file is complete and up to date for the scope.
    gaps: Vec<GapItem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerFileList {
    customer: String,
    as_of: NaiveDate,
    /// The documents on file, removed ones left out.
    files: Vec<FileItem>,
    checklist: Vec<ScopeItem>,
}

/// The multipart form of an upload.
#[derive(ToSchema)]
#[allow(dead_code)]
struct FileUpload {
    /// The document: pdf, png, jpg, jpeg, tif, tiff or txt, at most 10 MiB. Its content must match its extension.
    #[schema(value_type = String, content_media_type = "application/octet-stream")]
    file: Vec<u8>,
    /// contract, identity, promissory_note, guarantee, invoice_copy, correspondence or other.
    kind: String,
    /// YYYY-MM-DD.
    issued_on: Option<String>,
    /// YYYY-MM-DD; the document counts through this date.
    expires_on: Option<String>,
    note: Option<String>,
}

fn files_error(error: FilesError) -> ApiError {
    match error {
        FilesError::Invalid(error) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "upload-rejected", format!("the upload was rejected and nothing was stored: {error}")),
        error @ (FilesError::UnknownPortfolio(_) | FilesError::UnknownCustomer(_) | FilesError::UnknownFile(_)) => ApiError::new(StatusCode::NOT_FOUND, "not-found", error.to_string()),
        FilesError::NotAllowed { .. } | FilesError::UnknownUser(_) => ApiError::new(StatusCode::FORBIDDEN, "forbidden", error.to_string()),
        FilesError::Store(error) => error.into(),
    }
}

/// Lists a customer's documents with the checklist of each scope.
#[utoipa::path(
    get,
    path = "/customer-files",
    tag = "legal",
    params(FilesQuery),
    responses(
        (status = 200, description = "The documents and the checklist", body = CustomerFileList),
        (status = 400, description = "A parameter is missing or invalid", body = ErrorEnvelope),
        (status = 404, description = "Unknown portfolio or customer", body = ErrorEnvelope),
    ),
)]
pub async fn list_files(caller: ApiCaller, State(state): State<AppState>, query: Result<Query<FilesQuery>, QueryRejection>) -> ApiResult<Json<CustomerFileList>> {
    authz::require(&caller.actor, Permission::ViewPortfolio)?;
    let query = query_params(query)?;
    let code = required(&query.portfolio, "portfolio")?;
    let reference = required(&query.customer, "customer")?;
    let requested = date_param(query.as_of.as_deref(), "as_of")?;
    let mut conn = state.store.acquire().await?;
    let portfolio = find_portfolio(&mut conn, code).await?;
    let (_, customer) = find_visible_customer(&mut conn, &caller.actor, &portfolio, reference).await?;
    let as_of = match requested {
        Some(date) => date,
        None => crate::pages::business_date(&mut conn, portfolio.id).await?,
    };
    drop(conn);

    let checklist = app_files::customer_checklist(&state.store, code, &customer.external_ref, as_of).await.map_err(files_error)?;
    Ok(Json(CustomerFileList {
        customer: checklist.customer_ref.clone(),
        as_of,
        files: checklist.files.iter().map(FileItem::from).collect(),
        checklist: checklist
            .scopes
            .iter()
            .map(|check| ScopeItem {
                scope: check.scope.code().into(),
                required: check.required.iter().map(|kind| kind.code().to_string()).collect(),
                gaps: check.gaps.iter().map(GapItem::from).collect(),
            })
            .collect(),
    }))
}

/// Uploads a document to a customer's file.
#[utoipa::path(
    post,
    path = "/customer-files",
    tag = "legal",
    params(FilesQuery),
    request_body(content = FileUpload, content_type = "multipart/form-data"),
    description = "The name, type, size and content are checked before anything is stored: a rejected upload stores nothing. Collectors upload for their own customers; managers, administrators and legal staff for any. The request body may be at most 10 MiB and 256 KiB.",
    responses(
        (status = 201, description = "The stored document", body = FileItem),
        (status = 400, description = "A parameter or the form is invalid, or the file is missing", body = ErrorEnvelope),
        (status = 404, description = "Unknown portfolio or customer", body = ErrorEnvelope),
        (status = 413, description = "The body is over the limit", body = ErrorEnvelope),
        (status = 422, description = "The document was rejected: a disallowed type or name, content that does not match the type, an empty file, a file over 10 MiB, an unknown kind or dates out of order", body = ErrorEnvelope),
    ),
)]
pub async fn upload_file(
    caller: ApiCaller,
    State(state): State<AppState>,
    query: Result<Query<FilesQuery>, QueryRejection>,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<(StatusCode, Json<FileItem>)> {
    authz::require(&caller.actor, Permission::ManageFiles)?;
    let query = query_params(query)?;
    let code = required(&query.portfolio, "portfolio")?;
    let reference = required(&query.customer, "customer")?;
    // Check the customer before reading a body of up to 10 MiB.
    let customer = {
        let mut conn = state.store.acquire().await?;
        let portfolio = find_portfolio(&mut conn, code).await?;
        find_visible_customer(&mut conn, &caller.actor, &portfolio, reference).await?.1
    };

    let multipart = multipart.map_err(|rejection| ApiError::new(rejection.status(), "bad-request", rejection.body_text()))?;
    let form = file_uploads::read_form(multipart).await.map_err(|error| match error {
        FormError::TooLarge => ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload-too-large", format!("{error}; a document may have at most {MAX_UPLOAD_BYTES} bytes")),
        FormError::Malformed(_) => ApiError::bad_request(error.to_string()),
    })?;
    let file = form.file.as_ref().ok_or_else(|| ApiError::bad_request(format!("the file is missing: send it as the multipart/form-data field {FILE_FIELD:?}")))?;
    let kind = form.text("kind").ok_or_else(|| ApiError::bad_request("kind is required: contract, identity, promissory_note, guarantee, invoice_copy, correspondence or other"))?;
    let issued_on = date_param(form.text("issued_on"), "issued_on")?;
    let expires_on = date_param(form.text("expires_on"), "expires_on")?;

    let upload = Upload { customer_ref: &customer.external_ref, kind, file_name: &file.name, content: &file.content, issued_on, expires_on, note: form.text("note") };
    let stored = app_files::upload(&state.store, code, &upload, MAX_UPLOAD_BYTES, &caller.actor.username).await.map_err(files_error)?;
    tracing::info!(user = %caller.actor.username, customer = %customer.external_ref, file_id = stored.id, "customer file uploaded through the API");
    Ok((StatusCode::CREATED, Json(FileItem::from(&stored))))
}

/// Finds a document whose customer the caller may see.
async fn visible_file(state: &AppState, caller: &ApiCaller, code: &str, id: i64) -> ApiResult<CustomerFile> {
    let mut conn = state.store.acquire().await?;
    let portfolio = find_portfolio(&mut conn, code).await?;
    let file = recobro_store::files::find_customer_file(&mut conn, portfolio.id, id).await?.ok_or_else(|| not_found("file", &id.to_string()))?;
    find_visible_customer(&mut conn, &caller.actor, &portfolio, &file.customer_ref).await?;
    Ok(file)
}

/// Downloads a document of a customer's file.
#[utoipa::path(
    get,
    path = "/customer-files/{id}",
    tag = "legal",
    params(("id" = i64, Path, description = "The document's number"), FileQuery),
    responses(
        (status = 200, description = "The document, with its stored content type and a Content-Disposition attachment header"),
        (status = 404, description = "Unknown portfolio or document", body = ErrorEnvelope),
    ),
)]
pub async fn download_file(caller: ApiCaller, State(state): State<AppState>, Path(id): Path<i64>, query: Result<Query<FileQuery>, QueryRejection>) -> ApiResult<Response> {
    authz::require(&caller.actor, Permission::ViewPortfolio)?;
    let query = query_params(query)?;
    let code = required(&query.portfolio, "portfolio")?;
    visible_file(&state, &caller, code, id).await?;
    let (file, content) = app_files::download(&state.store, code, id).await.map_err(files_error)?;
    Ok(file_uploads::attachment(&file.content_type, &file.file_name, content))
}

/// Takes a document out of a customer's file. The record and content stay
/// for the audit trail.
#[utoipa::path(
    delete,
    path = "/customer-files/{id}",
    tag = "legal",
    params(("id" = i64, Path, description = "The document's number"), FileQuery),
    responses(
        (status = 200, description = "The removed document", body = FileItem),
        (status = 404, description = "Unknown portfolio or document", body = ErrorEnvelope),
    ),
)]
pub async fn remove_file(caller: ApiCaller, State(state): State<AppState>, Path(id): Path<i64>, query: Result<Query<FileQuery>, QueryRejection>) -> ApiResult<Json<FileItem>> {
    authz::require(&caller.actor, Permission::ManageFiles)?;
    let query = query_params(query)?;
    let code = required(&query.portfolio, "portfolio")?;
    visible_file(&state, &caller, code, id).await?;
    let removed = app_files::remove(&state.store, code, id, &caller.actor.username).await.map_err(files_error)?;
    Ok(Json(FileItem::from(&removed)))
}
