//! Batch collection letters: reminders, formal notices and demand letters
//! for every case of a policy stage, rendered to PDF and stored with the
//! case as drafts for review, then approved, and sent by email or queued
//! for printing.
//!
//! A batch selects its customers from their standing on the as-of date,
//! placed by the policy in force on that date, the same way the daily run
//! and `policy simulate` place them. So a batch for a past or future date
//! does not depend on which dates were run. The letter is stored with the
//! customer's open case when the daily run has opened one.

mod delivery;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use recobro_core::Currency;
use recobro_core::days_past_due;
use recobro_core::policy::{CaseStanding, Policy, StageAction};
use recobro_documents::{Language, LetterData, LetterKind, Letterhead, OverdueDocument, Recipient, Signatory};
use recobro_store::ledger::{self, CustomerData};
use recobro_store::letter_settings::{self, LetterSetting};
use recobro_store::letters::{self, Letter, NewLetter};
use recobro_store::portfolio::{self, Portfolio};
use recobro_store::{Conn, Store, StoreError, browse, cases, files, negotiation, users};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::policy::{PolicyFileError, policy_in_force};
use crate::printing::{PrintError, customer_language, render_blocking};
use crate::standing;
use crate::statement::{StatementError, statement_of};

pub use delivery::{LetterMail, PrintSummary, SendSummary, queue_for_print, send};

/// Days from a letter's date to its pay-by date when the portfolio sets none.
pub const DEFAULT_PAY_WITHIN_DAYS: i64 = 10;

#[derive(Debug, thiserror::Error)]
pub enum LetterError {
    #[error("portfolio {0:?} not found; list them with `recobro portfolio list`")]
    UnknownPortfolio(String),
    #[error("user {0:?} not found or inactive; add one with `recobro user add`")]
    UnknownUser(String),
    #[error("user {username} has role {role}; only managers and administrators generate, approve and deliver letters")]
    NotAllowed { username: String, role: String },
    #[error("unknown stage {stage:?}; use reminder, formal_notice, demand or a stage of the policy in force: {known}")]
    UnknownStage { stage: String, known: String },
    #[error("no stage of the policy in force on {as_of} has the action {action}, so there are no {kind} letters to generate")]
    NoStageWithAction { kind: &'static str, action: &'static str, as_of: NaiveDate },
    #[error("letter {0} not found in this portfolio; list them with `recobro letters list`")]
    NotFound(i64),
    #[error("letter {id} is {status}; only a {expected} letter can be {action}")]
    WrongStatus { id: i64, status: String, expected: &'static str, action: &'static str },
    #[error("invalid letter setting: {0}")]
    InvalidSetting(String),
    #[error(transparent)]
    Statement(StatementError),
    #[error("cannot render the {kind} letter of customer {customer}: {source}")]
    Render { kind: &'static str, customer: String, source: PrintError },
    #[error("invalid sender address {0:?}: set RECOBRO_MAIL_FROM to an address such as \"Cobranza <cobranza@example.com>\"")]
    InvalidSender(String),
    #[error("cannot write {path}: {error}")]
    Output { path: String, error: String },
    #[error(transparent)]
    Policy(#[from] PolicyFileError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The stages a batch covers and the kind of letter they get.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageSelection {
    pub kind: LetterKind,
    /// Indexes into the policy's stages.
    #[serde(skip)]
    pub stage_indexes: Vec<usize>,
    /// The codes of those stages, for messages.
    pub stage_codes: Vec<String>,
}

/// Resolves the `stage` of a batch request against a policy. `reminder`,
/// `formal_notice` and `demand` name a kind of letter and cover every stage
/// with its action (reminder or reminder_letter, formal_notice,
/// demand_letter_draft). Any other text must be a stage code, and the kind
/// follows from that stage's actions. The kind names win over a stage of
/// the same code.
pub fn select_stages(policy: &Policy, stage: &str, as_of: NaiveDate) -> Result<StageSelection, LetterError> {
    let by_kind: Option<(LetterKind, &'static str, &[StageAction])> = match stage {
        "reminder" => Some((LetterKind::Reminder, "reminder or reminder_letter", &[StageAction::Reminder, StageAction::ReminderLetter])),
        "formal_notice" => Some((LetterKind::FormalNotice, "formal_notice", &[StageAction::FormalNotice])),
        "demand" => Some((LetterKind::Demand, "demand_letter_draft", &[StageAction::DemandLetterDraft])),
        _ => None,
    };
    if let Some((kind, action_names, actions)) = by_kind {
        let stage_indexes: Vec<usize> =
            policy.stages.iter().enumerate().filter(|(_, rule)| rule.actions.iter().any(|action| actions.contains(action))).map(|(index, _)| index).collect();
        if stage_indexes.is_empty() {
            return Err(LetterError::NoStageWithAction { kind: kind.code(), action: action_names, as_of });
        }
        let stage_codes = stage_indexes.iter().map(|&index| policy.stages[index].code.clone()).collect();
        return Ok(StageSelection { kind, stage_indexes, stage_codes });
    }

    let Some(index) = policy.stage_index(stage) else {
        let known: Vec<&str> = policy.stages.iter().map(|rule| rule.code.as_str()).collect();
        return Err(LetterError::UnknownStage { stage: stage.to_string(), known: known.join(", ") });
    };
    let actions = &policy.stages[index].actions;
    let kind = if actions.contains(&StageAction::DemandLetterDraft) {
        LetterKind::Demand
    } else if actions.contains(&StageAction::FormalNotice) {
        LetterKind::FormalNotice
    } else {
        LetterKind::Reminder
    };
    Ok(StageSelection { kind, stage_indexes: vec![index], stage_codes: vec![stage.to_string()] })
}

/// A request to generate the letters of one stage.
#[derive(Debug, Clone)]
pub struct BatchRequest<'a> {
    pub portfolio: &'a str,
    pub as_of: NaiveDate,
    /// `reminder`, `formal_notice`, `demand` or a stage code of the policy.
    pub stage: &'a str,
    /// The language of every letter; `None` uses each customer's language,
    /// else Spanish.
    pub language: Option<Language>,
    /// A folder of edited templates laid out like the embedded ones.
    pub templates: Option<&'a Path>,
    /// The manager or administrator generating the batch. `None` records
    /// the drafts as created by `cli`, as other commands without a user do,
    /// because drafts change nothing until a named manager approves them.
    pub by: Option<&'a str>,
}

/// One letter of a batch.
#[derive(Debug, Clone, Serialize)]
pub struct BatchLetter {
    pub letter_id: i64,
    pub customer_ref: String,
    pub customer_name: String,
    pub language: Language,
    /// `draft` for a letter this batch stored, or the status of a letter
    /// already approved or delivered, which the batch keeps unchanged.
    pub status: String,
    pub currency: Currency,
    /// Principal, interest and fees the letter claims, in minor units.
    pub total_minor: i64,
    pub days_past_due: i64,
    #[serde(skip)]
    pub pdf: Vec<u8>,
}

/// A customer of the stage that got no letter, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedCustomer {
    pub customer_ref: String,
    pub reason: String,
}

/// The outcome of a batch.
#[derive(Debug, Clone, Serialize)]
pub struct Batch {
    pub portfolio: String,
    pub as_of: NaiveDate,
    pub selection: StageSelection,
    /// The letters, by customer reference.
    pub letters: Vec<BatchLetter>,
    /// Customers whose letter could not be built, such as a statement
    /// whose interest regime rejects the currency.
    pub skipped: Vec<SkippedCustomer>,
    /// Customers of the stage keeping an active payment plan, who get no
    /// letter.
    pub under_plan: usize,
}

impl Batch {
    /// Counts the letters this batch stored as drafts.
    pub fn drafted(&self) -> usize {
        self.letters.iter().filter(|letter| letter.status == "draft").count()
    }

    /// Counts the letters already approved or delivered that it kept.
    pub fn kept(&self) -> usize {
        self.letters.len() - self.drafted()
    }
}

/// A manager or administrator acting on letters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterActor {
    pub username: String,
}

impl LetterActor {
    /// Loads an active user and checks that their role manages letters.
    pub async fn load(conn: &mut Conn, username: &str) -> Result<Self, LetterError> {
        let user = users::find_user(conn, username).await?.filter(|user| user.active).ok_or_else(|| LetterError::UnknownUser(username.to_string()))?;
        if !matches!(user.role.as_str(), "admin" | "manager") {
            return Err(LetterError::NotAllowed { username: user.username, role: user.role });
        }
        Ok(Self { username: user.username })
    }
}

pub(crate) async fn find_portfolio(conn: &mut Conn, code: &str) -> Result<Portfolio, LetterError> {
    portfolio::find(conn, code).await?.ok_or_else(|| LetterError::UnknownPortfolio(code.to_string()))
}

/// Returns the sender of a portfolio's letters: its letter setting, or the
/// portfolio's name signed by the collections department with the default
/// payment term.
pub async fn letter_sender(conn: &mut Conn, portfolio: &Portfolio) -> Result<LetterSetting, StoreError> {
    Ok(letter_settings::find_letter_setting(conn, portfolio.id).await?.unwrap_or_else(|| LetterSetting {
        company_name: portfolio.name.clone(),
        address_lines: Vec::new(),
        tax_id: None,
        signatory_name: None,
        signatory_title: None,
        pay_within_days: DEFAULT_PAY_WITHIN_DAYS,
    }))
}

/// Validates and stores a portfolio's letter setting, with an audit event.
pub async fn set_letter_sender(store: &Store, portfolio_code: &str, setting: &LetterSetting, by: &str) -> Result<(), LetterError> {
    if setting.company_name.trim().is_empty() {
        return Err(LetterError::InvalidSetting("the company name is empty; give the name printed at the top of every letter".to_string()));
    }
    if !(1..=365).contains(&setting.pay_within_days) {
        return Err(LetterError::InvalidSetting(format!("pay within {} days is out of range; give 1 to 365 days", setting.pay_within_days)));
    }
    let mut tx = store.begin().await?;
    let actor = LetterActor::load(&mut tx, by).await?;
    let portfolio = find_portfolio(&mut tx, portfolio_code).await?;
    letter_settings::save_letter_setting(&mut tx, portfolio.id, setting, &actor.username).await?;
    let detail = format!("company {:?}, pay within {} days", setting.company_name, setting.pay_within_days);
    users::insert_audit_event(&mut tx, &actor.username, "letter_setting.set", &format!("portfolio:{}", portfolio.code), Some(&detail)).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// A customer placed in one of the batch's stages.
struct Candidate {
    customer_id: i64,
    currency: Currency,
    days_past_due: i64,
}

/// Generates the letters of a stage; see [`generate_with_progress`].
pub async fn generate(store: &Store, request: &BatchRequest<'_>) -> Result<Batch, LetterError> {
    generate_with_progress(store, request, &mut |_, _| {}).await
}

/// Generates the letters of every customer in the requested stage on the
/// as-of date, stores each as a draft with the customer's case, and calls
/// `progress(done, total)` after each customer. A draft of the same kind
/// and date is replaced, but a letter already approved or delivered is
/// kept and returned as it is.
pub async fn generate_with_progress(store: &Store, request: &BatchRequest<'_>, progress: &mut (dyn FnMut(usize, usize) + Send)) -> Result<Batch, LetterError> {
    let mut conn = store.acquire().await?;
    let actor = match request.by {
        Some(username) => LetterActor::load(&mut conn, username).await?,
        None => LetterActor { username: "cli".to_string() },
    };
    let portfolio = find_portfolio(&mut conn, request.portfolio).await?;
    let policy = policy_in_force(&mut conn, portfolio.id, portfolio.currency, request.as_of).await?;
    let selection = select_stages(&policy, request.stage, request.as_of)?;

    let (candidates, under_plan) = stage_candidates(&mut conn, &portfolio, &policy, &selection, request.as_of).await?;
    let open_cases: HashMap<i64, i64> = cases::load_cases(&mut conn, portfolio.id)
        .await?
        .into_iter()
        .filter(|case| case.record.status == cases::CaseStatus::Open)
        .map(|case| (case.record.customer_id, case.id))
        .collect();
    let existing: HashMap<i64, Letter> = letters::list_letters(&mut conn, portfolio.id, None, Some(selection.kind.code()), None)
        .await?
        .into_iter()
        .filter(|letter| letter.as_of == request.as_of)
        .map(|letter| (letter.customer_id, letter))
        .collect();
    let customers: HashMap<i64, CustomerData> = ledger::load_customers(&mut conn, portfolio.id).await?.into_iter().collect();
    let sender = letter_sender(&mut conn, &portfolio).await?;

    let mut batch = Batch { portfolio: portfolio.code.clone(), as_of: request.as_of, selection, letters: Vec::new(), skipped: Vec::new(), under_plan };
    let total = candidates.len();
    for (done, candidate) in candidates.iter().enumerate() {
        let customer = &customers[&candidate.customer_id];
        let language = request.language.unwrap_or_else(|| customer_language(customer.language.as_deref()));

        if let Some(letter) = existing.get(&candidate.customer_id).filter(|letter| !matches!(letter.status.as_str(), "draft" | "cancelled")) {
            let pdf = files::get_blob(&mut conn, &letter.sha256).await?.unwrap_or_default();
            batch.letters.push(kept_letter(letter, customer, candidate, pdf));
            progress(done + 1, total);
            continue;
        }

        let data = match letter_data(&mut conn, &portfolio, &sender, candidate, customer, language, request.as_of).await {
            Ok(Some(data)) => data,
            Ok(None) => {
                batch
                    .skipped
                    .push(SkippedCustomer { customer_ref: customer.external_ref.clone(), reason: "nothing past due to list on the as-of date".to_string() });
                progress(done + 1, total);
                continue;
            }
            Err(LetterError::Store(error)) => return Err(LetterError::Store(error)),
            Err(error) => {
                tracing::warn!(portfolio = %portfolio.code, customer = %customer.external_ref, %error, "letter skipped");
                batch.skipped.push(SkippedCustomer { customer_ref: customer.external_ref.clone(), reason: error.to_string() });
                progress(done + 1, total);
                continue;
            }
        };
        let total_minor = letter_total(&data);
        let kind = batch.selection.kind;
        let templates = request.templates.map(Path::to_path_buf);
        let pdf = render_blocking(move || recobro_documents::render_letter(kind, &data, language, templates.as_deref()))
            .await
            .map_err(|source| LetterError::Render { kind: kind.code(), customer: customer.external_ref.clone(), source })?;

        let stored =
            store_draft(store, &portfolio, candidate, open_cases.get(&candidate.customer_id).copied(), kind, language, request.as_of, &pdf, &actor).await?;
        match stored {
            Some(letter_id) => batch.letters.push(BatchLetter {
                letter_id,
                customer_ref: customer.external_ref.clone(),
                customer_name: customer.name.clone(),
                language,
                status: "draft".to_string(),
                currency: candidate.currency,
                total_minor,
                days_past_due: candidate.days_past_due,
                pdf,
            }),
            // Approved by someone else between the check above and the
            // write: keep that letter.
            None => {
                let approved = letters::list_letters(&mut conn, portfolio.id, None, Some(kind.code()), Some(candidate.customer_id))
                    .await?
                    .into_iter()
                    .find(|letter| letter.as_of == request.as_of);
                if let Some(letter) = approved {
                    let pdf = files::get_blob(&mut conn, &letter.sha256).await?.unwrap_or_default();
                    batch.letters.push(kept_letter(&letter, customer, candidate, pdf));
                }
            }
        }
        progress(done + 1, total);
    }

    let detail = format!(
        "{} letters as of {} for stages {}: {} drafted, {} kept, {} skipped",
        batch.selection.kind.code(),
        request.as_of,
        batch.selection.stage_codes.join(", "),
        batch.drafted(),
        batch.kept(),
        batch.skipped.len()
    );
    users::insert_audit_event(&mut conn, &actor.username, "letters.generate", &format!("portfolio:{}", portfolio.code), Some(&detail)).await?;
    tracing::info!(portfolio = %portfolio.code, as_of = %request.as_of, kind = batch.selection.kind.code(), drafted = batch.drafted(), kept = batch.kept(), skipped = batch.skipped.len(), "letters generated");
    Ok(batch)
}

/// Lists the customers whose case is in one of the selected stages on the
/// as-of date, by customer reference, and counts those left out because
/// they keep an active payment plan.
async fn stage_candidates(
    conn: &mut Conn,
    portfolio: &Portfolio,
    policy: &Policy,
    selection: &StageSelection,
    as_of: NaiveDate,
) -> Result<(Vec<Candidate>, usize), LetterError> {
    let standings = standing::load(conn, portfolio.id, as_of).await?;
    // NOTE: this reads today's plans, not the plans active on the as-of date.
    let under_plan_ids = negotiation::customers_under_plan(conn, portfolio.id).await?;
    // A case with a law firm, or closed after one, is the firm's to write to.
    let with_firm = crate::legal::customers_with_firm_or_closed(conn, portfolio.id).await?;
    let mut by_reference: BTreeMap<String, Candidate> = BTreeMap::new();
    let mut under_plan = 0;
    for (customer_id, (currency, standing)) in standings.case_standings() {
        let customer = &standings.customers[&customer_id];
        let case =
            CaseStanding { oldest_due_date: standing.oldest_due_date, balance_minor: standing.aging.total_minor(), segment: customer.segment.as_deref() };
        let Some(index) = policy.evaluate(as_of, case) else { continue };
        if !selection.stage_indexes.contains(&index) {
            continue;
        }
        if under_plan_ids.contains(&customer_id) {
            under_plan += 1;
            continue;
        }
        if with_firm.contains(&customer_id) {
            continue;
        }
        by_reference.insert(customer.external_ref.clone(), Candidate { customer_id, currency, days_past_due: standing.days_past_due(as_of) });
    }
    Ok((by_reference.into_values().collect(), under_plan))
}

/// Builds the content of one customer's letter: the undisputed documents
/// of the case's currency that are past due or still owe interest, with
/// the interest of the statement, or the past-due snapshot accounts of a
/// portfolio imported as account snapshots. Returns `None` when there is
/// nothing to list.
async fn letter_data(
    conn: &mut Conn,
    portfolio: &Portfolio,
    sender: &LetterSetting,
    candidate: &Candidate,
    customer: &CustomerData,
    language: Language,
    as_of: NaiveDate,
) -> Result<Option<LetterData>, LetterError> {
    let statement = statement_of(conn, portfolio.clone(), candidate.customer_id, customer.clone(), as_of).await.map_err(|error| match error {
        StatementError::Store(error) => LetterError::Store(error),
        other => LetterError::Statement(other),
    })?;
    // Snapshot accounts, which the statement lists as lines of kind
    // `account`, are listed by `snapshot_lines` with their balance date.
    let lines: Vec<_> = statement.lines.iter().filter(|line| !line.disputed && line.currency == candidate.currency && line.kind != "account").collect();
    let mut documents: Vec<OverdueDocument> = lines
        .iter()
        .map(|line| OverdueDocument {
            number: line.number.clone(),
            due_date: line.due_date,
            days_past_due: line.days_past_due,
            open_minor: line.principal_open_minor,
            interest_minor: line.interest_minor,
        })
        .collect();
    // NOTE: a waiver recorded for the customer rather than for a document
    // lowers the statement's totals but not these per-document figures.
    let fees_minor: i64 = lines.iter().map(|line| line.fees_minor).sum();
    documents.extend(snapshot_lines(conn, candidate, language, as_of).await?);
    if documents.is_empty() {
        return Ok(None);
    }

    Ok(Some(LetterData {
        letterhead: Letterhead { company_name: sender.company_name.clone(), address_lines: sender.address_lines.clone(), tax_id: sender.tax_id.clone() },
        recipient: Recipient {
            name: customer.name.clone(),
            reference: customer.external_ref.clone(),
            tax_id: customer.tax_id.clone(),
            address_lines: Vec::new(),
        },
        date: as_of,
        currency: candidate.currency,
        documents,
        fees_minor,
        pay_by: Some(as_of + chrono::Duration::days(sender.pay_within_days)),
        signatory: Signatory { name: sender.signatory_name.clone(), title: sender.signatory_title.clone() },
        plan: None,
        settlement: None,
    }))
}

/// Lists a customer's past-due snapshot accounts as letter lines. A
/// snapshot gives a balance and days past due on its date, so the line
/// names the account and that date, and its due date is the one those days
/// imply, the date aging uses.
async fn snapshot_lines(conn: &mut Conn, candidate: &Candidate, language: Language, as_of: NaiveDate) -> Result<Vec<OverdueDocument>, StoreError> {
    let accounts = browse::customer_snapshot_accounts(conn, candidate.customer_id, as_of).await?;
    let locale = language.locale();
    Ok(accounts
        .into_iter()
        .filter(|account| account.currency == candidate.currency.code() && account.balance_minor > 0 && account.days_past_due > 0)
        .map(|account| {
            let due_date = account.snapshot_date - chrono::Duration::days(account.days_past_due);
            let balance_date = locale.format_date(account.snapshot_date);
            let number = match language {
                Language::Es => format!("Cuenta {} (saldo al {balance_date})", account.account_ref),
                Language::En => format!("Account {} (balance on {balance_date})", account.account_ref),
            };
            OverdueDocument { number, due_date, days_past_due: days_past_due(as_of, due_date), open_minor: account.balance_minor, interest_minor: 0 }
        })
        .collect())
}

fn letter_total(data: &LetterData) -> i64 {
    data.documents.iter().map(|document| document.open_minor + document.interest_minor).sum::<i64>() + data.fees_minor
}

fn kept_letter(letter: &Letter, customer: &CustomerData, candidate: &Candidate, pdf: Vec<u8>) -> BatchLetter {
    BatchLetter {
        letter_id: letter.id,
        customer_ref: customer.external_ref.clone(),
        customer_name: customer.name.clone(),
        language: Language::parse(&letter.language).unwrap_or(Language::Es),
        status: letter.status.clone(),
        currency: candidate.currency,
        // NOTE: a kept letter reports no total, because its figures are in
        // the stored PDF only.
        total_minor: 0,
        days_past_due: candidate.days_past_due,
        pdf,
    }
}

/// Stores the PDF and its draft letter in one transaction. Returns the
/// letter's id, or `None` when a letter of that kind and date was
/// approved or delivered meanwhile.
#[allow(clippy::too_many_arguments)]
async fn store_draft(
    store: &Store,
    portfolio: &Portfolio,
    candidate: &Candidate,
    case_id: Option<i64>,
    kind: LetterKind,
    language: Language,
    as_of: NaiveDate,
    pdf: &[u8],
    actor: &LetterActor,
) -> Result<Option<i64>, StoreError> {
    let sha256 = hex::encode(Sha256::digest(pdf));
    let mut tx = store.begin().await?;
    files::put_blob(&mut tx, &sha256, pdf).await?;
    let letter = NewLetter {
        customer_id: candidate.customer_id,
        case_id,
        kind: kind.code(),
        language: language.code(),
        as_of,
        sha256: &sha256,
        size_bytes: pdf.len() as i64,
        created_by: &actor.username,
    };
    let id = letters::upsert_draft(&mut tx, portfolio.id, &letter).await?;
    tx.commit().await?;
    Ok(id)
}

/// The letters a review command acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LetterTarget {
    One(i64),
    /// Every draft of the portfolio, of one kind when given.
    AllDrafts(Option<LetterKind>),
}

/// Approves draft letters, each with an audit event, and returns them.
pub async fn approve(store: &Store, portfolio_code: &str, target: LetterTarget, by: &str) -> Result<Vec<Letter>, LetterError> {
    let mut tx = store.begin().await?;
    let actor = LetterActor::load(&mut tx, by).await?;
    let portfolio = find_portfolio(&mut tx, portfolio_code).await?;
    let drafts = match target {
        LetterTarget::One(id) => {
            let letter = letters::find_letter(&mut tx, portfolio.id, id).await?.ok_or(LetterError::NotFound(id))?;
            if letter.status != "draft" {
                return Err(LetterError::WrongStatus { id, status: letter.status, expected: "draft", action: "approved" });
            }
            vec![letter]
        }
        LetterTarget::AllDrafts(kind) => letters::list_letters(&mut tx, portfolio.id, Some("draft"), kind.map(LetterKind::code), None).await?,
    };

    let mut approved = Vec::new();
    for mut letter in drafts {
        if letters::move_letter(&mut tx, letter.id, &["draft"], "approved", &actor.username, None).await? {
            audit_letter(&mut tx, &actor, "letter.approve", &portfolio, &letter).await?;
            letter.status = "approved".to_string();
            letter.decided_by = Some(actor.username.clone());
            approved.push(letter);
        }
    }
    tx.commit().await.map_err(StoreError::from)?;
    tracing::info!(portfolio = %portfolio.code, approved = approved.len(), by = %actor.username, "letters approved");
    Ok(approved)
}

/// Cancels a draft or approved letter, with an audit event.
pub async fn cancel(store: &Store, portfolio_code: &str, id: i64, by: &str) -> Result<Letter, LetterError> {
    let mut tx = store.begin().await?;
    let actor = LetterActor::load(&mut tx, by).await?;
    let portfolio = find_portfolio(&mut tx, portfolio_code).await?;
    let mut letter = letters::find_letter(&mut tx, portfolio.id, id).await?.ok_or(LetterError::NotFound(id))?;
    if !letters::move_letter(&mut tx, id, &["draft", "approved"], "cancelled", &actor.username, None).await? {
        return Err(LetterError::WrongStatus { id, status: letter.status, expected: "draft or approved", action: "cancelled" });
    }
    audit_letter(&mut tx, &actor, "letter.cancel", &portfolio, &letter).await?;
    tx.commit().await.map_err(StoreError::from)?;
    letter.status = "cancelled".to_string();
    letter.decided_by = Some(actor.username);
    Ok(letter)
}

pub(crate) async fn audit_letter(conn: &mut Conn, actor: &LetterActor, action: &str, portfolio: &Portfolio, letter: &Letter) -> Result<(), StoreError> {
    let subject = format!("portfolio:{}/letter:{}", portfolio.code, letter.id);
    let detail = format!("{} letter of {} as of {}", letter.kind, letter.customer_ref, letter.as_of);
    users::insert_audit_event(conn, &actor.username, action, &subject, Some(&detail)).await
}

/// Turns a customer reference into a file stem that is safe on every
/// common file system: ASCII letters, digits, `-`, `_` and `.` are kept,
/// anything else becomes `_`, and a leading dot is replaced.
pub fn safe_file_stem(reference: &str) -> String {
    let mut stem: String = reference.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' }).collect();
    if stem.starts_with('.') {
        stem.replace_range(0..1, "_");
    }
    if stem.is_empty() {
        stem.push_str("customer");
    }
    stem
}

/// Writes each letter of a batch to `folder` as `<customer-ref>.pdf`,
/// creating the folder. Two references that map to the same safe name get
/// the letter id appended. Returns the paths written.
pub fn write_batch(batch: &Batch, folder: &Path) -> Result<Vec<PathBuf>, LetterError> {
    let output_error = |path: &Path, error: std::io::Error| LetterError::Output { path: path.display().to_string(), error: error.to_string() };
    std::fs::create_dir_all(folder).map_err(|error| output_error(folder, error))?;
    let mut used: HashMap<String, usize> = HashMap::new();
    let mut written = Vec::new();
    for letter in &batch.letters {
        let stem = safe_file_stem(&letter.customer_ref);
        let count = used.entry(stem.to_ascii_lowercase()).or_default();
        *count += 1;
        let name = if *count == 1 { format!("{stem}.pdf") } else { format!("{stem}-{}.pdf", letter.letter_id) };
        let path = folder.join(name);
        std::fs::write(&path, &letter.pdf).map_err(|error| output_error(&path, error))?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn kinds_select_stages_of_default_policy() {
        let policy = Policy::default();
        let as_of = date("2024-06-30");
        let demand = select_stages(&policy, "demand", as_of).unwrap();
        assert_eq!(demand.kind, LetterKind::Demand);
        assert_eq!(demand.stage_codes, vec!["judicial_candidate"]);

        let reminder = select_stages(&policy, "reminder", as_of).unwrap();
        assert_eq!(reminder.kind, LetterKind::Reminder);
        assert_eq!(reminder.stage_codes, vec!["reminder", "second_reminder"]);

        let notice = select_stages(&policy, "formal_notice", as_of).unwrap();
        assert_eq!(notice.kind, LetterKind::FormalNotice);
        assert_eq!(notice.stage_indexes, vec![2]);
    }

    #[test]
    fn stage_codes_pick_their_kind() {
        let policy = Policy::default();
        let as_of = date("2024-06-30");
        assert_eq!(select_stages(&policy, "judicial_candidate", as_of).unwrap().kind, LetterKind::Demand);
        assert_eq!(select_stages(&policy, "problem_case", as_of).unwrap().kind, LetterKind::Reminder);

        let error = select_stages(&policy, "legal", as_of).unwrap_err().to_string();
        assert!(error.contains("unknown stage \"legal\""), "{error}");
        assert!(error.contains("judicial_candidate"), "{error}");
    }

    #[test]
    fn kind_without_stage_is_rejected() {
        let mut policy = Policy::default();
        policy.stages.retain(|stage| stage.code != "judicial_candidate");
        let error = select_stages(&policy, "demand", date("2024-06-30")).unwrap_err().to_string();
        assert!(error.contains("demand_letter_draft"), "{error}");
    }

    #[test]
    fn file_stems_are_safe() {
        assert_eq!(safe_file_stem("C-001"), "C-001");
        assert_eq!(safe_file_stem("../etc/passwd"), "_._etc_passwd");
        assert_eq!(safe_file_stem("Núñez 7"), "N__ez_7");
        assert_eq!(safe_file_stem(""), "customer");
    }
}
