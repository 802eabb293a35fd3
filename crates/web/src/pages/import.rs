//! The import page: upload a CSV or XLSX file with a built-in profile or a
//! record kind, then see what was created or every row error.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use recobro_app::import::{ImportError, ImportSummary, RowError};
use recobro_app::import::mapping;
use recobro_store::portfolio::Portfolio;

use super::{Layout, PageError, PageResult, render, viewable_portfolio};
use crate::AppState;
use crate::auth::SignedIn;
use crate::authz::{self, Permission, Role};
use crate::error::WebError;
use crate::i18n::Translator;
use crate::imports::{self, MAX_UPLOAD_TEXT, ProfileChoiceError, UploadError};

const SOURCE_FIELD: &str = "source";
const MAPPING_FIELD: &str = "mapping";
const CSRF_FIELD: &str = "csrf";

impl Layout {
    /// Checks whether the user may import, which decides the navigation link.
    pub fn can_import(&self) -> bool {
        Role::parse(&self.role).is_some_and(|role| authz::allows(role, Permission::ImportData))
    }
}

/// An option of the source menu.
struct SourceOption {
    /// `profile:NAME` or `kind:NAME`.
    value: String,
    label: String,
    selected: bool,
}

/// One line of the summary table.
struct CountLine {
    label: String,
    created: u64,
    updated: u64,
    unchanged: u64,
}

/// One row error, as text for the table in the user's language.
struct ErrorLine {
    file: String,
    line: u64,
    column: String,
    value: String,
    problem: String,
    hint: String,
}

impl ErrorLine {
    /// Words the problem and hint with the messages `import-row-CODE` and
    /// `import-hint-CODE`, or keeps the English text of the import when a
    /// message is missing.
    fn new(tr: Translator, error: &RowError) -> Self {
        let translate = |prefix: &str, english: &str| tr.try_t_args(&format!("{prefix}-{}", error.code), &error.args).unwrap_or_else(|| english.to_string());
        Self {
            file: error.file.clone(),
            line: error.line,
            column: error.column.as_ref().map(|(number, header)| format!("{number} ({header})")).unwrap_or_default(),
            value: error.value.clone().unwrap_or_default(),
            problem: translate("import-row", &error.problem),
            hint: translate("import-hint", &error.hint),
        }
    }
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    tr: Translator,
    layout: Layout,
    code: String,
    profiles: Vec<SourceOption>,
    kinds: Vec<SourceOption>,
    /// Problems with the form itself, in the user's language.
    problems: Vec<String>,
    /// The summary line of a finished import.
    done: Option<String>,
    counts: Vec<CountLine>,
    /// Row errors of a rejected file.
    row_errors: Vec<ErrorLine>,
    /// How many row errors the list leaves out, as a sentence.
    more_errors: Option<String>,
    rejected: bool,
}

impl ImportPage {
    /// Builds the page with `source` (such as `profile:ibm-ar` or
    /// `kind:customers`) chosen in the menu.
    fn new(user: &SignedIn, portfolio: &Portfolio, source: &str) -> Self {
        let tr = user.tr;
        let option = |prefix: &str, name: &str, label_prefix: &str| {
            let value = format!("{prefix}:{name}");
            SourceOption { selected: value == source, value, label: tr.label(label_prefix, name) }
        };
        Self {
            tr,
            layout: Layout::new(user, tr.t("import-title"), Some(portfolio), "import"),
            code: portfolio.code.clone(),
            profiles: mapping::built_in_names().into_iter().map(|name| option("profile", name, "import-profile")).collect(),
            kinds: imports::kind_names().into_iter().map(|name| option("kind", name, "import-kind")).collect(),
            problems: Vec::new(),
            done: None,
            counts: Vec::new(),
            row_errors: Vec::new(),
            more_errors: None,
            rejected: false,
        }
    }
}

/// Finds the portfolio, for users allowed to import only.
async fn importable_portfolio(state: &AppState, user: &SignedIn, code: &str) -> Result<Portfolio, PageError> {
    authz::require(&user.actor, Permission::ImportData).map_err(|error| PageError::new(user.tr, error))?;
    let mut conn = state.store.acquire().await.map_err(|error| PageError::new(user.tr, error))?;
    viewable_portfolio(&mut conn, user, code).await
}

pub async fn form(State(state): State<AppState>, user: SignedIn, Path(code): Path<String>) -> PageResult {
    let portfolio = importable_portfolio(&state, &user, &code).await?;
    render(user.tr, &ImportPage::new(&user, &portfolio, ""))
}

pub async fn submit(State(state): State<AppState>, user: SignedIn, Path(code): Path<String>, multipart: Multipart) -> PageResult {
    let tr = user.tr;
    let portfolio = importable_portfolio(&state, &user, &code).await?;
    let form = match imports::read_upload(multipart).await {
        Ok(form) => form,
        Err(UploadError::TooLarge) => {
            let mut page = ImportPage::new(&user, &portfolio, "");
            page.problems.push(tr.t_args("import-error-too-large", &[("limit", MAX_UPLOAD_TEXT.to_string())]));
            return render_with_status(tr, &page, StatusCode::PAYLOAD_TOO_LARGE);
        }
        Err(UploadError::Storage(error)) => return Err(PageError::new(tr, WebError::Internal(format!("cannot store the upload: {error}")))),
        Err(other) => return Err(PageError::new(tr, WebError::BadRequest(other.to_string()))),
    };
    user.check_csrf(form.text(CSRF_FIELD).unwrap_or_default()).map_err(|error| PageError::new(tr, error))?;

    let source = form.text(SOURCE_FIELD).unwrap_or_default().to_string();
    let mut page = ImportPage::new(&user, &portfolio, &source);
    let (profile_name, kind) = match source.split_once(':') {
        Some(("profile", name)) => (Some(name), None),
        Some(("kind", name)) => (None, Some(name)),
        _ if source.is_empty() => (None, None),
        _ => {
            page.problems.push(tr.t_args("import-error-unknown-source", &[("value", source.clone())]));
            (None, None)
        }
    };
    let profile = match imports::choose_profile(profile_name, kind, form.text(MAPPING_FIELD)) {
        Ok(profile) => Some(profile),
        Err(error) => {
            if page.problems.is_empty() {
                page.problems.push(choice_message(tr, &error));
            }
            None
        }
    };
    if form.file.is_none() {
        page.problems.push(tr.t("import-error-no-file"));
    }
    let (Some(upload), Some(profile), true) = (&form.file, profile, page.problems.is_empty()) else {
        return render_with_status(tr, &page, StatusCode::UNPROCESSABLE_ENTITY);
    };

    match imports::run_import(&state, &user.actor, &portfolio.code, upload, profile).await {
        Ok(summary) => {
            show_summary(&mut page, &summary);
            render(tr, &page)
        }
        Err(ImportError::Rejected { errors, more }) => {
            page.rejected = true;
            page.row_errors = errors.iter().map(|error| ErrorLine::new(tr, error)).collect();
            page.more_errors = (more > 0).then(|| tr.t_args("import-more-errors", &[("count", more.to_string())]));
            render_with_status(tr, &page, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(error @ ImportError::Source { .. }) => {
            page.rejected = true;
            page.problems.push(tr.t_args("import-error-unreadable", &[("detail", error.to_string())]));
            render_with_status(tr, &page, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(ImportError::Profile(error)) => {
            page.problems.push(tr.t_args("import-error-mapping", &[("detail", error.to_string())]));
            render_with_status(tr, &page, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(ImportError::UnknownPortfolio(_)) => Err(PageError::new(tr, WebError::NotFound)),
        Err(ImportError::Store(error)) => Err(PageError::new(tr, error)),
        Err(error @ ImportError::Io { .. }) => Err(PageError::new(tr, WebError::Internal(error.to_string()))),
    }
}

fn show_summary(page: &mut ImportPage, summary: &ImportSummary) {
    let tr = page.tr;
    let args = [("file", summary.file.clone()), ("rows", summary.rows.to_string()), ("profile", summary.profile.clone())];
    page.done = Some(if summary.changed { tr.t_args("import-done", &args) } else { tr.t_args("import-nothing-new", &args) });
    page.counts = summary
        .counts
        .iter()
        .map(|(kind, counts)| CountLine {
            // Record kinds such as `snapshot accounts` become message ids
            // such as `import-kind-snapshot-accounts`.
            label: tr.label("import-kind", &kind.replace(' ', "-")),
            created: counts.created,
            updated: counts.updated,
            unchanged: counts.unchanged,
        })
        .collect();
}

fn choice_message(tr: Translator, error: &ProfileChoiceError) -> String {
    match error {
        ProfileChoiceError::Missing | ProfileChoiceError::ProfileAndKind => tr.t("import-error-no-source"),
        ProfileChoiceError::UnknownProfile(value) | ProfileChoiceError::UnknownKind(value) => tr.t_args("import-error-unknown-source", &[("value", value.clone())]),
        ProfileChoiceError::MappingWithoutKind => tr.t("import-error-mapping-with-profile"),
        ProfileChoiceError::InvalidMapping(detail) => tr.t_args("import-error-mapping", &[("detail", detail.to_string())]),
    }
}

fn render_with_status(tr: Translator, page: &ImportPage, status: StatusCode) -> PageResult {
    let mut response = render(tr, page)?;
    *response.status_mut() = status;
    Ok(response)
}
