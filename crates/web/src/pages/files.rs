//! The customer file (expediente) on the customer page: its documents, the
//! checklist of each scope, upload, download and removal. Also the page of
//! customers whose file is incomplete or out of date.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use recobro_app::files::{self as app_files, FilesError, Upload};
use recobro_core::customer_file::{ALLOWED_EXTENSIONS, FileError, FileGap, FileKind, RequirementScope};
use recobro_store::ledger::CustomerData;
use recobro_store::portfolio::Portfolio;
use recobro_store::{Conn, browse};
use serde::Deserialize;

use super::{Layout, PageError, PageResult, business_date, render, url_encode, viewable_portfolio};
use crate::AppState;
use crate::auth::SignedIn;
use crate::authz::{self, Permission};
use crate::error::WebError;
use crate::file_uploads::{self, FileForm, FormError, MAX_UPLOAD_BYTES};
use crate::i18n::Translator;

/// One document of the file, as the page shows it.
pub struct FileRow {
    pub id: i64,
    pub kind: String,
    pub file_name: String,
    pub issued_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    pub expired: bool,
    pub size: String,
    pub uploaded_by: String,
    pub uploaded_at: String,
    pub note: Option<String>,
}

/// One scope of the checklist: what it requires and what is missing or
/// expired, as sentences in the user's language.
pub struct ScopeRow {
    pub scope: &'static str,
    pub label: String,
    pub required: Vec<String>,
    pub gaps: Vec<String>,
}

/// The customer-file panel of the customer page.
pub struct CustomerFilesPanel {
    pub as_of: NaiveDate,
    pub files: Vec<FileRow>,
    pub scopes: Vec<ScopeRow>,
    pub can_manage: bool,
    pub upload_form: UploadFormView,
}

/// The upload form's choices and values, for the panel and the form page.
pub struct UploadFormView {
    pub kinds: Vec<(&'static str, String)>,
    pub kind: String,
    pub issued_on: String,
    pub expires_on: String,
    pub note: String,
    /// The accepted types and the size limit, as a sentence.
    pub hint: String,
}

impl UploadFormView {
    fn new(tr: Translator) -> Self {
        Self {
            kinds: FileKind::ALL.iter().map(|kind| (kind.code(), tr.label("file-kind", kind.code()))).collect(),
            kind: FileKind::Contract.code().to_string(),
            issued_on: String::new(),
            expires_on: String::new(),
            note: String::new(),
            hint: tr.t_args("file-upload-hint", &[("allowed", ALLOWED_EXTENSIONS.to_string()), ("limit", format_size(tr, MAX_UPLOAD_BYTES as i64))]),
        }
    }

    fn from_form(tr: Translator, form: &FileForm) -> Self {
        let text = |name: &str| form.text(name).unwrap_or_default().to_string();
        Self { kind: text("kind"), issued_on: text("issued_on"), expires_on: text("expires_on"), note: text("note"), ..Self::new(tr) }
    }
}

/// Formats a size in bytes, KB or MB (of 1024) with the locale's decimal mark.
pub fn format_size(tr: Translator, bytes: i64) -> String {
    const KIB: i64 = 1024;
    if bytes < KIB {
        return format!("{bytes} B");
    }
    let (tenths, unit) = if bytes < KIB * KIB { (bytes * 10 / KIB, "KB") } else { (bytes * 10 / (KIB * KIB), "MB") };
    let number = if tenths % 10 == 0 { (tenths / 10).to_string() } else { tr.decimal(&format!("{}.{}", tenths / 10, tenths % 10)) };
    format!("{number} {unit}")
}

/// Describes a checklist gap, such as "Pagaré: vencido el 01/05/2024".
pub fn gap_text(tr: Translator, gap: &FileGap) -> String {
    match gap {
        FileGap::Missing { kind } => tr.t_args("file-gap-missing", &[("kind", tr.label("file-kind", kind.code()))]),
        FileGap::Expired { kind, expired_on } => tr.t_args("file-gap-expired", &[("kind", tr.label("file-kind", kind.code())), ("date", tr.date(expired_on))]),
    }
}

/// Loads the panel of a customer the user may already see.
pub async fn customer_panel(state: &AppState, user: &SignedIn, portfolio: &Portfolio, customer_ref: &str, as_of: NaiveDate) -> Result<CustomerFilesPanel, WebError> {
    let tr = user.tr;
    let checklist = app_files::customer_checklist(&state.store, &portfolio.code, customer_ref, as_of).await.map_err(files_internal)?;
    let files = checklist
        .files
        .iter()
        .map(|file| FileRow {
            id: file.id,
            kind: tr.label("file-kind", &file.kind),
            file_name: file.file_name.clone(),
            issued_on: file.issued_on,
            expires_on: file.expires_on,
            expired: file.expires_on.is_some_and(|expires_on| expires_on < as_of),
            size: format_size(tr, file.size_bytes),
            uploaded_by: file.uploaded_by.clone(),
            uploaded_at: file.uploaded_at.chars().take(16).collect::<String>().replace('T', " "),
            note: file.note.clone(),
        })
        .collect();
    let scopes = checklist
        .scopes
        .iter()
        .map(|check| ScopeRow {
            scope: check.scope.code(),
            label: tr.label("file-scope", check.scope.code()),
            required: check.required.iter().map(|kind| tr.label("file-kind", kind.code())).collect(),
            gaps: check.gaps.iter().map(|gap| gap_text(tr, gap)).collect(),
        })
        .collect();
    Ok(CustomerFilesPanel { as_of, files, scopes, can_manage: authz::allows(user.actor.role, Permission::ManageFiles), upload_form: UploadFormView::new(tr) })
}

fn files_internal(error: FilesError) -> WebError {
    match error {
        FilesError::Store(error) => WebError::Store(error),
        FilesError::UnknownPortfolio(_) | FilesError::UnknownCustomer(_) | FilesError::UnknownFile(_) => WebError::NotFound,
        FilesError::NotAllowed { .. } | FilesError::UnknownUser(_) => WebError::Forbidden,
        other => WebError::Internal(other.to_string()),
    }
}

// ---------------------------------------------------------------------------
// Upload
// ---------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "customer_file_form.html")]
struct UploadPage {
    tr: Translator,
    layout: Layout,
    code: String,
    customer: CustomerData,
    form: UploadFormView,
    errors: Vec<String>,
}

/// Finds a customer whose file the user may change.
async fn manageable_customer(state: &AppState, user: &SignedIn, code: &str, reference: &str) -> Result<(Portfolio, CustomerData), PageError> {
    authz::require(&user.actor, Permission::ManageFiles).map_err(|error| PageError::new(user.tr, error))?;
    let (portfolio, _, customer) = super::customer::visible_customer(state, user, code, reference).await?;
    Ok((portfolio, customer))
}

pub async fn upload_form(State(state): State<AppState>, user: SignedIn, Path((code, reference)): Path<(String, String)>) -> PageResult {
    let (portfolio, customer) = manageable_customer(&state, &user, &code, &reference).await?;
    show_upload_form(&user, &portfolio, customer, UploadFormView::new(user.tr), Vec::new(), StatusCode::OK)
}

fn show_upload_form(user: &SignedIn, portfolio: &Portfolio, customer: CustomerData, form: UploadFormView, errors: Vec<String>, status: StatusCode) -> PageResult {
    let tr = user.tr;
    let layout = Layout::new(user, tr.t("file-upload-title"), Some(portfolio), "customers");
    let page = UploadPage { tr, layout, code: portfolio.code.clone(), customer, form, errors };
    let mut response = render(tr, &page)?;
    *response.status_mut() = status;
    Ok(response)
}

/// Stores an uploaded document, or shows the form again with the reason
/// it was rejected. A rejected upload stores nothing.
pub async fn upload(State(state): State<AppState>, user: SignedIn, Path((code, reference)): Path<(String, String)>, multipart: Result<Multipart, MultipartRejection>) -> PageResult {
    let tr = user.tr;
    let (portfolio, customer) = manageable_customer(&state, &user, &code, &reference).await?;
    let multipart = multipart.map_err(|rejection| PageError::new(tr, WebError::BadRequest(rejection.body_text())))?;
    let form = match file_uploads::read_form(multipart).await {
        Ok(form) => form,
        Err(FormError::TooLarge) => {
            tracing::warn!(user = %user.actor.username, customer = %reference, "customer file upload rejected: body over the limit");
            let message = tr.t_args("file-error-body-too-large", &[("limit", format_size(tr, MAX_UPLOAD_BYTES as i64))]);
            return show_upload_form(&user, &portfolio, customer, UploadFormView::new(tr), vec![message], StatusCode::PAYLOAD_TOO_LARGE);
        }
        Err(error @ FormError::Malformed(_)) => return Err(PageError::new(tr, WebError::BadRequest(error.to_string()))),
    };
    user.check_csrf(form.text("csrf").unwrap_or_default()).map_err(|error| PageError::new(tr, error))?;

    let mut errors = Vec::new();
    let mut date_field = |name: &str, label_key: &str| match form.text(name) {
        None => None,
        Some(text) => match recobro_core::parse_iso_date(text) {
            Ok(date) => Some(date),
            Err(_) => {
                errors.push(tr.t_args("file-error-date", &[("field", tr.t(label_key)), ("value", text.to_string())]));
                None
            }
        },
    };
    let issued_on = date_field("issued_on", "file-issued-on");
    let expires_on = date_field("expires_on", "file-expires-on");
    if form.file.is_none() {
        errors.push(tr.t("file-error-no-file"));
    }
    let view = UploadFormView::from_form(tr, &form);
    let Some(file) = form.file.as_ref().filter(|_| errors.is_empty()) else {
        return show_upload_form(&user, &portfolio, customer, view, errors, StatusCode::UNPROCESSABLE_ENTITY);
    };

    let request =
        Upload { customer_ref: &customer.external_ref, kind: form.text("kind").unwrap_or_default(), file_name: &file.name, content: &file.content, issued_on, expires_on, note: form.text("note") };
    match app_files::upload(&state.store, &portfolio.code, &request, MAX_UPLOAD_BYTES, &user.actor.username).await {
        Ok(stored) => {
            tracing::info!(user = %user.actor.username, customer = %customer.external_ref, file_id = stored.id, kind = %stored.kind, "customer file uploaded");
            Ok(Redirect::to(&format!("/p/{}/customers/{}#customer-files", portfolio.code, url_encode(&customer.external_ref))).into_response())
        }
        Err(FilesError::Invalid(error)) => {
            tracing::warn!(user = %user.actor.username, customer = %customer.external_ref, %error, "customer file upload rejected");
            show_upload_form(&user, &portfolio, customer, view, vec![file_error_text(tr, &error)], StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(error) => Err(PageError::new(tr, files_internal(error))),
    }
}

/// Describes why an upload was rejected, in the user's language.
pub fn file_error_text(tr: Translator, error: &FileError) -> String {
    match error {
        FileError::UnknownKind { value } => tr.t_args("file-error-kind", &[("value", value.clone())]),
        FileError::UnknownScope { value } => tr.t_args("file-error-scope", &[("value", value.clone())]),
        FileError::EmptyName => tr.t("file-error-empty-name"),
        FileError::UnsafeName { name } => tr.t_args("file-error-unsafe-name", &[("name", name.clone())]),
        FileError::LongName { name } => tr.t_args("file-error-long-name", &[("name", name.clone())]),
        FileError::DisallowedType { name } => tr.t_args("file-error-type", &[("name", name.clone()), ("allowed", ALLOWED_EXTENSIONS.to_string())]),
        FileError::ContentMismatch { name, expected } => tr.t_args("file-error-content", &[("name", name.clone()), ("expected", expected.to_string())]),
        FileError::EmptyFile { name } => tr.t_args("file-error-empty", &[("name", name.clone())]),
        FileError::TooLarge { name, size, limit } => {
            let bytes = |count: u64| tr.decimal(&count.to_string());
            tr.t_args("file-error-too-large", &[("name", name.clone()), ("size", bytes(*size)), ("limit", bytes(*limit)), ("limit_size", format_size(tr, *limit as i64))])
        }
        FileError::ExpiresBeforeIssue { issued_on, expires_on } => tr.t_args("file-error-expiry", &[("issued", tr.date(issued_on)), ("expires", tr.date(expires_on))]),
    }
}

// ---------------------------------------------------------------------------
// Download and removal
// ---------------------------------------------------------------------------

/// Finds a document of the portfolio whose customer the user may see.
async fn visible_file(conn: &mut Conn, user: &SignedIn, portfolio: &Portfolio, id: i64) -> Result<recobro_store::files::CustomerFile, PageError> {
    let tr = user.tr;
    let file = recobro_store::files::find_customer_file(conn, portfolio.id, id).await.map_err(|error| PageError::new(tr, error))?.ok_or_else(|| PageError::new(tr, WebError::NotFound))?;
    let (_, customer) = browse::find_customer(conn, portfolio.id, &file.customer_ref).await.map_err(|error| PageError::new(tr, error))?.ok_or_else(|| PageError::new(tr, WebError::NotFound))?;
    authz::require_customer(&user.actor, customer.collector.as_deref()).map_err(|error| PageError::new(tr, error))?;
    Ok(file)
}

pub async fn download(State(state): State<AppState>, user: SignedIn, Path((code, id)): Path<(String, i64)>) -> Result<Response, PageError> {
    let tr = user.tr;
    let mut conn = state.store.acquire().await.map_err(|error| PageError::new(tr, error))?;
    let portfolio = viewable_portfolio(&mut conn, &user, &code).await?;
    visible_file(&mut conn, &user, &portfolio, id).await?;
    drop(conn);
    let (file, content) = app_files::download(&state.store, &code, id).await.map_err(|error| PageError::new(tr, files_internal(error)))?;
    Ok(file_uploads::attachment(&file.content_type, &file.file_name, content))
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: Option<String>,
}

pub async fn remove(State(state): State<AppState>, user: SignedIn, Path((code, id)): Path<(String, i64)>, axum::Form(form): axum::Form<CsrfForm>) -> PageResult {
    let tr = user.tr;
    user.check_csrf(form.csrf.as_deref().unwrap_or_default()).map_err(|error| PageError::new(tr, error))?;
    authz::require(&user.actor, Permission::ManageFiles).map_err(|error| PageError::new(tr, error))?;
    let mut conn = state.store.acquire().await.map_err(|error| PageError::new(tr, error))?;
    let portfolio = viewable_portfolio(&mut conn, &user, &code).await?;
    let file = visible_file(&mut conn, &user, &portfolio, id).await?;
    drop(conn);
    app_files::remove(&state.store, &code, id, &user.actor.username).await.map_err(|error| PageError::new(tr, files_internal(error)))?;
    tracing::info!(user = %user.actor.username, customer = %file.customer_ref, file_id = id, "customer file removed");
    Ok(Redirect::to(&format!("/p/{code}/customers/{}#customer-files", url_encode(&file.customer_ref))).into_response())
}

// ---------------------------------------------------------------------------
// Incomplete files
// ---------------------------------------------------------------------------

#[derive(Deserialize)]
pub struct ScopeQuery {
    scope: Option<String>,
}

/// One customer of the incomplete-files page.
struct IncompleteRow {
    customer_ref: String,
    name: String,
    collector: Option<String>,
    stage: Option<String>,
    gaps: Vec<String>,
}

#[derive(Template)]
#[template(path = "files_incomplete.html")]
struct IncompletePage {
    tr: Translator,
    layout: Layout,
    code: String,
    as_of: NaiveDate,
    scope: &'static str,
    scopes: Vec<(&'static str, String)>,
    required: Vec<String>,
    rows: Vec<IncompleteRow>,
}

/// Lists the customers with an open case whose file lacks, or has only
/// expired, documents of a kind the scope requires.
pub async fn incomplete(State(state): State<AppState>, user: SignedIn, Path(code): Path<String>, Query(query): Query<ScopeQuery>) -> PageResult {
    let tr = user.tr;
    let fail = |error| PageError::new(tr, error);
    authz::require(&user.actor, Permission::ViewCases).map_err(fail)?;
    let mut conn = state.store.acquire().await.map_err(|error| PageError::new(tr, error))?;
    let portfolio = viewable_portfolio(&mut conn, &user, &code).await?;
    let as_of = business_date(&mut conn, portfolio.id).await.map_err(fail)?;
    let scope = query.scope.as_deref().and_then(|text| RequirementScope::parse(text).ok()).unwrap_or(RequirementScope::Customer);
    let requirements = app_files::requirements(&mut conn, portfolio.id).await.map_err(|error| PageError::new(tr, error))?;
    drop(conn);

    let mut lines = app_files::incomplete_files(&state.store, &code, scope, as_of).await.map_err(|error| PageError::new(tr, files_internal(error)))?;
    if let Some(own) = authz::collector_scope(&user.actor) {
        lines.retain(|line| line.collector.as_deref() == Some(own));
    }
    let rows = lines
        .into_iter()
        .map(|line| IncompleteRow { gaps: line.gaps.iter().map(|gap| gap_text(tr, gap)).collect(), customer_ref: line.customer_ref, name: line.name, collector: line.collector, stage: line.stage })
        .collect();
    let layout = Layout::new(&user, tr.t("files-incomplete-title"), Some(&portfolio), "files");
    let page = IncompletePage {
        tr,
        layout,
        code,
        as_of,
        scope: scope.code(),
        scopes: RequirementScope::ALL.iter().map(|scope| (scope.code(), tr.label("file-scope", scope.code()))).collect(),
        required: requirements.of(scope).iter().map(|kind| tr.label("file-kind", kind.code())).collect(),
        rows,
    };
    render(tr, &page)
}
