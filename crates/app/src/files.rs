//! The customer file (expediente): uploads checked before anything is
//! stored, the kinds each scope requires, each customer's checklist, and
//! the report of files that are incomplete or out of date.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use recobro_core::customer_file::{self, FileError, FileGap, FileKind, FileOnRecord, RequirementScope};
use recobro_store::files::{self, CustomerFile, NewCustomerFile};
use recobro_store::portfolio::Portfolio;
use recobro_store::{Conn, Store, StoreError, browse, cases, portfolio, users};
use serde::Serialize;
use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error)]
pub enum FilesError {
    #[error("portfolio {0:?} not found: see `recobro portfolio list`")]
    UnknownPortfolio(String),
    #[error("customer {0:?} not found in this portfolio")]
    UnknownCustomer(String),
    #[error("file {0} not found in this portfolio")]
    UnknownFile(i64),
    #[error("user {0:?} not found or inactive: see `recobro user list`")]
    UnknownUser(String),
    #[error("user {username:?} has the role {role}, which may not {action}")]
    NotAllowed { username: String, role: String, action: &'static str },
    #[error(transparent)]
    Invalid(#[from] FileError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// An upload as received from a form or the command line.
#[derive(Debug, Clone)]
pub struct Upload<'a> {
    pub customer_ref: &'a str,
    pub kind: &'a str,
    pub file_name: &'a str,
    pub content: &'a [u8],
    pub issued_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    pub note: Option<&'a str>,
}

/// Checks an upload and stores it in the customer's file, content and
/// record in one transaction, then audits it. A rejected upload writes
/// nothing.
pub async fn upload(store: &Store, portfolio_code: &str, upload: &Upload<'_>, max_bytes: u64, by: &str) -> Result<CustomerFile, FilesError> {
    let kind = FileKind::parse(upload.kind)?;
    let checked = customer_file::check_upload(upload.file_name, upload.content, max_bytes)?;
    customer_file::check_dates(upload.issued_on, upload.expires_on)?;
    let sha256 = hex::encode(Sha256::digest(upload.content));

    let mut tx = store.begin().await?;
    let portfolio = find_portfolio(&mut tx, portfolio_code).await?;
    let customer_id = find_customer(&mut tx, portfolio.id, upload.customer_ref).await?;
    check_uploader(&mut tx, portfolio.id, upload.customer_ref, by).await?;

    files::put_blob(&mut tx, &sha256, upload.content).await?;
    let record = NewCustomerFile {
        customer_id,
        kind: kind.code(),
        file_name: &checked.file_name,
        content_type: checked.file_type.content_type(),
        size_bytes: upload.content.len() as i64,
        sha256: &sha256,
        issued_on: upload.issued_on,
        expires_on: upload.expires_on,
        note: upload.note.map(str::trim).filter(|note| !note.is_empty()),
        uploaded_by: by,
    };
    let id = files::insert_customer_file(&mut tx, portfolio.id, &record).await?;
    let detail = format!("customer {}: {} {} ({} bytes, sha256 {sha256})", upload.customer_ref, kind.code(), checked.file_name, upload.content.len());
    users::insert_audit_event(&mut tx, by, "customer_file.upload", &format!("portfolio:{portfolio_code}"), Some(&detail)).await?;
    let stored = files::find_customer_file(&mut tx, portfolio.id, id).await?.ok_or(FilesError::UnknownFile(id))?;
    tx.commit().await.map_err(StoreError::from)?;

    Ok(stored)
}

/// Reads a document's record and content, for a download.
pub async fn download(store: &Store, portfolio_code: &str, file_id: i64) -> Result<(CustomerFile, Vec<u8>), FilesError> {
    let mut conn = store.acquire().await?;
    let portfolio = find_portfolio(&mut conn, portfolio_code).await?;
    let file = files::find_customer_file(&mut conn, portfolio.id, file_id).await?.ok_or(FilesError::UnknownFile(file_id))?;
    let content = files::get_blob(&mut conn, &file.sha256).await?.ok_or(FilesError::UnknownFile(file_id))?;
    Ok((file, content))
}

/// Takes a document out of the customer's file; the record and content
/// stay for the audit trail.
pub async fn remove(store: &Store, portfolio_code: &str, file_id: i64, by: &str) -> Result<CustomerFile, FilesError> {
    let mut tx = store.begin().await?;
    let portfolio = find_portfolio(&mut tx, portfolio_code).await?;
    let file = files::find_customer_file(&mut tx, portfolio.id, file_id).await?.ok_or(FilesError::UnknownFile(file_id))?;
    check_uploader(&mut tx, portfolio.id, &file.customer_ref, by).await?;
    files::remove_customer_file(&mut tx, portfolio.id, file_id, by).await?;
    let detail = format!("customer {}: {} {} removed", file.customer_ref, file.kind, file.file_name);
    users::insert_audit_event(&mut tx, by, "customer_file.remove", &format!("portfolio:{portfolio_code}"), Some(&detail)).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(file)
}

/// The kinds each scope requires in a portfolio.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Requirements {
    pub customer: Vec<FileKind>,
    pub legal: Vec<FileKind>,
    /// Whether the portfolio set its own; false when it keeps the defaults.
    pub customer_set: bool,
    pub legal_set: bool,
}

impl Requirements {
    pub fn of(&self, scope: RequirementScope) -> &[FileKind] {
        match scope {
            RequirementScope::Customer => &self.customer,
            RequirementScope::Legal => &self.legal,
        }
    }
}

pub async fn requirements(conn: &mut Conn, portfolio_id: i64) -> Result<Requirements, StoreError> {
    let rows = files::requirements(conn, portfolio_id).await?;
    let of_scope = |scope: RequirementScope| -> (Vec<FileKind>, bool) {
        let stored: Vec<&str> = rows.iter().filter(|(row_scope, _)| row_scope == scope.code()).map(|(_, kind)| kind.as_str()).collect();
        if stored.is_empty() {
            return (scope.default_kinds(), false);
        }
        (stored.iter().filter_map(|kind| FileKind::parse(kind).ok()).collect(), true)
    };
    let (customer, customer_set) = of_scope(RequirementScope::Customer);
    let (legal, legal_set) = of_scope(RequirementScope::Legal);
    Ok(Requirements { customer, legal, customer_set, legal_set })
}

/// Sets the kinds one scope requires, from codes such as
/// `contract,promissory_note`; an empty list requires nothing.
pub async fn set_requirements(store: &Store, portfolio_code: &str, scope: &str, kinds: &[String], by: &str) -> Result<Requirements, FilesError> {
    let scope = RequirementScope::parse(scope)?;
    let mut parsed: Vec<FileKind> = kinds.iter().map(|kind| FileKind::parse(kind)).collect::<Result<_, _>>()?;
    parsed.sort();
    parsed.dedup();

    let mut tx = store.begin().await?;
    check_role(&mut tx, by, &["admin", "manager"], "change the documents a customer file requires").await?;
    let portfolio = find_portfolio(&mut tx, portfolio_code).await?;
    let codes: Vec<&str> = parsed.iter().map(FileKind::code).collect();
    files::replace_requirements(&mut tx, portfolio.id, scope.code(), &codes).await?;
    let detail = format!("scope {}: {}", scope.code(), if codes.is_empty() { "nothing".to_string() } else { codes.join(", ") });
    users::insert_audit_event(&mut tx, by, "file_requirement.set", &format!("portfolio:{portfolio_code}"), Some(&detail)).await?;
    let requirements = requirements(&mut tx, portfolio.id).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(requirements)
}

/// One scope of a customer's checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScopeCheck {
    pub scope: RequirementScope,
    pub required: Vec<FileKind>,
    pub gaps: Vec<FileGap>,
}

/// A customer's file with its checklist on a date.
#[derive(Debug, Clone, Serialize)]
pub struct CustomerChecklist {
    pub customer_ref: String,
    pub as_of: NaiveDate,
    pub files: Vec<CustomerFile>,
    pub scopes: Vec<ScopeCheck>,
}

impl CustomerChecklist {
    pub fn gaps(&self, scope: RequirementScope) -> &[FileGap] {
        self.scopes.iter().find(|check| check.scope == scope).map(|check| check.gaps.as_slice()).unwrap_or(&[])
    }
}

pub async fn customer_checklist(store: &Store, portfolio_code: &str, customer_ref: &str, as_of: NaiveDate) -> Result<CustomerChecklist, FilesError> {
    let mut conn = store.acquire().await?;
    let portfolio = find_portfolio(&mut conn, portfolio_code).await?;
    let customer_id = find_customer(&mut conn, portfolio.id, customer_ref).await?;
    let requirements = requirements(&mut conn, portfolio.id).await?;
    let files = files::customer_files(&mut conn, customer_id).await?;

    let on_record = records_of(files.iter().map(|file| (file.kind.as_str(), file.expires_on)));
    let scopes = RequirementScope::ALL
        .into_iter()
        .map(|scope| ScopeCheck { scope, required: requirements.of(scope).to_vec(), gaps: customer_file::checklist(requirements.of(scope), &on_record, as_of) })
        .collect();
    Ok(CustomerChecklist { customer_ref: customer_ref.to_string(), as_of, files, scopes })
}

fn records_of<'a>(files: impl Iterator<Item = (&'a str, Option<NaiveDate>)>) -> Vec<FileOnRecord> {
    files.filter_map(|(kind, expires_on)| FileKind::parse(kind).ok().map(|kind| FileOnRecord { kind, expires_on })).collect()
}

/// Lists the checklist gaps of every customer of a portfolio for one
/// scope, by customer id. Customers whose file is complete are left out.
pub async fn gaps_by_customer(conn: &mut Conn, portfolio_id: i64, scope: RequirementScope, as_of: NaiveDate) -> Result<HashMap<i64, Vec<FileGap>>, StoreError> {
    let requirements = requirements(conn, portfolio_id).await?;
    let required = requirements.of(scope);
    if required.is_empty() {
        return Ok(HashMap::new());
    }
    let files = files::files_by_customer(conn, portfolio_id).await?;
    let customer_ids = recobro_store::ledger::customer_id_list(conn, portfolio_id).await?;

    let mut gaps = HashMap::new();
    for customer_id in customer_ids {
        let on_record = files.get(&customer_id).map(|list| records_of(list.iter().map(|(kind, expires_on)| (kind.as_str(), *expires_on)))).unwrap_or_default();
        let customer_gaps = customer_file::checklist(required, &on_record, as_of);
        if !customer_gaps.is_empty() {
            gaps.insert(customer_id, customer_gaps);
        }
    }
    Ok(gaps)
}

/// One customer of the incomplete-files report.
#[derive(Debug, Clone, Serialize)]
pub struct IncompleteFile {
    pub customer_ref: String,
    pub name: String,
    pub collector: Option<String>,
    pub stage: Option<String>,
    pub gaps: Vec<FileGap>,
}

/// Lists the customers with an open collection case whose file lacks a
/// document the scope requires or has only an expired one, by customer
/// reference. For the
/// legal scope, only the cases at or past the judicial transfer threshold
/// of the latest run count.
pub async fn incomplete_files(store: &Store, portfolio_code: &str, scope: RequirementScope, as_of: NaiveDate) -> Result<Vec<IncompleteFile>, FilesError> {
    let mut conn = store.acquire().await?;
    let portfolio = find_portfolio(&mut conn, portfolio_code).await?;
    let gaps = gaps_by_customer(&mut conn, portfolio.id, scope, as_of).await?;
    let customers: HashMap<i64, _> = recobro_store::reports::customer_infos(&mut conn, portfolio.id).await?.into_iter().map(|info| (info.id, info)).collect();
    let open_cases = cases::load_cases(&mut conn, portfolio.id).await?;
    // The legal checklist matters from the judicial transfer threshold on.
    let min_days = match scope {
        RequirementScope::Customer => 0,
        RequirementScope::Legal => crate::policy::policy_in_force(&mut conn, portfolio.id, portfolio.currency, as_of).await.map(|policy| policy.legal_candidate_min_days()).unwrap_or(121),
    };

    let mut lines = BTreeMap::new();
    for case in open_cases.iter().filter(|case| case.record.status == cases::CaseStatus::Open && case.record.days_past_due >= min_days) {
        let (Some(customer_gaps), Some(customer)) = (gaps.get(&case.record.customer_id), customers.get(&case.record.customer_id)) else {
            continue;
        };
        lines.insert(
            customer.external_ref.clone(),
            IncompleteFile {
                customer_ref: customer.external_ref.clone(),
                name: customer.name.clone(),
                collector: customer.collector.clone(),
                stage: case.record.stage.clone(),
                gaps: customer_gaps.clone(),
            },
        );
    }
    Ok(lines.into_values().collect())
}

/// Checks that `username` is an active user with one of `roles`.
async fn check_role(conn: &mut Conn, username: &str, roles: &[&str], action: &'static str) -> Result<String, FilesError> {
    let user = users::find_user(conn, username).await?.filter(|user| user.active).ok_or_else(|| FilesError::UnknownUser(username.to_string()))?;
    if !roles.contains(&user.role.as_str()) {
        return Err(FilesError::NotAllowed { username: user.username, role: user.role, action });
    }
    Ok(user.role)
}

/// Checks that `username` may change this customer's file: administrators,
/// managers and legal staff for every customer, a collector for the
/// customers assigned to them.
async fn check_uploader(conn: &mut Conn, portfolio_id: i64, customer_ref: &str, username: &str) -> Result<(), FilesError> {
    let role = check_role(conn, username, &["admin", "manager", "legal", "collector"], "change a customer file").await?;
    if role == "collector" {
        let (_, customer) = browse::find_customer(conn, portfolio_id, customer_ref).await?.ok_or_else(|| FilesError::UnknownCustomer(customer_ref.to_string()))?;
        if customer.collector.as_deref() != Some(username) {
            return Err(FilesError::NotAllowed { username: username.to_string(), role, action: "change the file of a customer assigned to another collector" });
        }
    }
    Ok(())
}

async fn find_portfolio(conn: &mut Conn, code: &str) -> Result<Portfolio, FilesError> {
    portfolio::find(conn, code).await?.ok_or_else(|| FilesError::UnknownPortfolio(code.to_string()))
}

async fn find_customer(conn: &mut Conn, portfolio_id: i64, customer_ref: &str) -> Result<i64, FilesError> {
    let (customer_id, _) = browse::find_customer(conn, portfolio_id, customer_ref).await?.ok_or_else(|| FilesError::UnknownCustomer(customer_ref.to_string()))?;
    Ok(customer_id)
}
