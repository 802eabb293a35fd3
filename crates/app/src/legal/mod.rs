//! Judicial collection: the law firms the company works with, the transfer
//! proposals of the daily run, a manager's approval with the case packet,
//! the referral's states at the firm, recoveries entered as payments, and
//! the report of referrals by firm.

pub mod packet;

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use recobro_core::allocation::{OpenDocument as Allocatable, allocate_oldest_first};
use recobro_core::customer_file::{FileGap, RequirementScope};
use recobro_core::legal::{FeeTerms, LegalError, ReferralStatus, recovery_rate};
use recobro_core::money::format_minor;
use recobro_core::{Currency, Money, Policy};
use recobro_store::ledger::{self, AllocationSource, StoredAllocation};
use recobro_store::legal::{self as store_legal, LawFirm, LawFirmData, NewReferral, Referral};
use recobro_store::portfolio::Portfolio;
use recobro_store::{Conn, Store, StoreError, negotiation, portfolio, users};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::standing::{self, PortfolioStandings};

#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    #[error("portfolio {0:?} not found: see `recobro portfolio list`")]
    UnknownPortfolio(String),
    #[error("user {0:?} not found or inactive: see `recobro user list`")]
    UnknownUser(String),
    #[error("user {username:?} has the role {role}, which may not {action}: {allowed} may")]
    NotAllowed { username: String, role: String, action: &'static str, allowed: &'static str },
    #[error("law firm {0:?} not found: see `recobro lawfirm list`")]
    UnknownFirm(String),
    #[error("law firm {0:?} is not active")]
    InactiveFirm(String),
    #[error("law firm {code:?} already has {open} open referrals, its capacity")]
    FirmFull { code: String, open: i64 },
    #[error("referral {0} not found in this portfolio")]
    UnknownReferral(i64),
    #[error("referral {id} is {status}, so it cannot be {action}")]
    WrongStatus { id: i64, status: String, action: &'static str },
    #[error("the file of customer {customer} is not complete for a legal transfer: {missing}")]
    IncompleteFile { customer: String, missing: String },
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Legal(#[from] LegalError),
    #[error(transparent)]
    Print(#[from] crate::printing::PrintError),
    #[error("cannot build the case packet: {0}")]
    Packet(String),
    #[error(transparent)]
    Statement(#[from] crate::statement::StatementError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

// ---------------------------------------------------------------------------
// Law firms
// ---------------------------------------------------------------------------

/// A firm's details as typed on a form or the command line.
#[derive(Debug, Clone, Default)]
pub struct FirmInput {
    pub code: String,
    pub name: String,
    pub contact_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub contingency_percent: String,
    pub fixed_fee: Option<String>,
    pub fee_currency: Option<String>,
    pub capacity: Option<i64>,
    pub active: bool,
}

/// Checks a firm's details. The code is letters, digits, `-` and `_`, and
/// the name is not empty. The contingency is a percent from 0 to 100, a
/// fixed fee needs its currency, and a capacity is at least one.
pub fn check_firm(input: &FirmInput) -> Result<LawFirmData, TransferError> {
    let code = input.code.trim();
    if code.is_empty() || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(TransferError::Invalid(format!("law firm code {code:?} must be letters, digits, \"-\" or \"_\", without spaces")));
    }
    let name = input.name.trim();
    if name.is_empty() {
        return Err(TransferError::Invalid(format!("law firm {code:?} needs a name")));
    }

    let percent_text = input.contingency_percent.trim().trim_end_matches('%').trim();
    let percent: Decimal = percent_text.parse().map_err(|_| TransferError::Invalid(format!("contingency fee {:?} is not a percent such as 15 or 12.5", input.contingency_percent)))?;
    FeeTerms::new(percent, 0)?;

    let fee_currency = clean(&input.fee_currency).map(|code| Currency::parse(&code).map_err(|error| TransferError::Invalid(format!("fee currency: {error}")))).transpose()?;
    let fixed_fee_minor = match clean(&input.fixed_fee) {
        None => 0,
        Some(text) => {
            let currency = fee_currency.ok_or_else(|| TransferError::Invalid("a fixed fee needs its currency".into()))?;
            parse_amount(&text, currency, "fixed fee")?
        }
    };
    if let Some(capacity) = input.capacity
        && capacity < 1
    {
        return Err(TransferError::Invalid(format!("capacity {capacity} must be at least 1, or left out for no limit")));
    }
    let email = clean(&input.email);
    if let Some(email) = &email
        && !email.contains('@')
    {
        return Err(TransferError::Invalid(format!("email {email:?} is not an email address")));
    }

    Ok(LawFirmData {
        code: code.to_string(),
        name: name.to_string(),
        contact_name: clean(&input.contact_name),
        email,
        phone: clean(&input.phone),
        address: clean(&input.address),
        contingency_percent: percent.normalize().to_string(),
        fixed_fee_minor,
        fee_currency: fee_currency.map(|currency| currency.code().to_string()),
        capacity: input.capacity,
        active: input.active,
    })
}

fn clean(text: &Option<String>) -> Option<String> {
    text.as_deref().map(str::trim).filter(|text| !text.is_empty()).map(str::to_string)
}

fn parse_amount(text: &str, currency: Currency, what: &str) -> Result<i64, TransferError> {
    let amount: Decimal = text.trim().parse().map_err(|_| TransferError::Invalid(format!("{what} {text:?} is not an amount such as 1500.00")))?;
    if amount <= Decimal::ZERO {
        return Err(TransferError::Invalid(format!("{what} {text} must be more than zero")));
    }
    let money = Money::from_decimal(amount, currency).map_err(|error| TransferError::Invalid(format!("{what} {text}: {error}")))?;
    Ok(money.minor)
}

/// Adds a firm or updates the one with the same code, audited.
pub async fn save_firm(store: &Store, input: &FirmInput, by: &str) -> Result<LawFirm, TransferError> {
    let data = check_firm(input)?;
    let mut tx = store.begin().await?;
    check_role(&mut tx, by, DECIDERS, "change the law firm registry", "managers and administrators").await?;
    store_legal::upsert_law_firm(&mut tx, &data).await?;
    let detail = format!(
        "{} ({}): contingency {}%, fixed fee {}, capacity {}, {}",
        data.code,
        data.name,
        data.contingency_percent,
        data.fixed_fee_minor,
        data.capacity.map(|capacity| capacity.to_string()).unwrap_or_else(|| "no limit".into()),
        if data.active { "active" } else { "inactive" }
    );
    users::insert_audit_event(&mut tx, by, "law_firm.save", &format!("law_firm:{}", data.code), Some(&detail)).await?;
    let firm = store_legal::find_law_firm(&mut tx, &data.code).await?.ok_or_else(|| TransferError::UnknownFirm(data.code.clone()))?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(firm)
}

pub async fn list_firms(store: &Store) -> Result<Vec<LawFirm>, TransferError> {
    let mut conn = store.acquire().await?;
    Ok(store_legal::list_law_firms(&mut conn).await?)
}

// ---------------------------------------------------------------------------
// Transfer candidates and the run's proposals
// ---------------------------------------------------------------------------

/// A case past the judicial transfer threshold, with what its file lacks
/// and the referral it has, if any.
#[derive(Debug, Clone, Serialize)]
pub struct TransferCandidate {
    #[serde(skip)]
    pub customer_id: i64,
    pub customer: String,
    pub name: String,
    pub collector: Option<String>,
    pub days_past_due: i64,
    pub oldest_due_date: Option<NaiveDate>,
    pub currency: Currency,
    pub balance: String,
    #[serde(skip)]
    pub balance_minor: i64,
    /// Empty when the file is complete and up to date.
    pub missing: Vec<FileGap>,
    pub referral_id: Option<i64>,
    pub referral_status: Option<String>,
    /// The day a manager rejected its transfer, when that was less than
    /// [`REJECTION_PAUSE_DAYS`] ago; the run does not propose it meanwhile.
    pub rejected_on: Option<NaiveDate>,
}

/// Days after a manager rejects a transfer during which the daily run does
/// not propose the same customer again.
pub const REJECTION_PAUSE_DAYS: u64 = 30;

/// Lists the cases past the policy's judicial transfer threshold on the
/// standings' date, leaving out customers under an active payment plan.
pub async fn transfer_candidates(conn: &mut Conn, portfolio_id: i64, policy: &Policy, standings: &PortfolioStandings) -> Result<Vec<TransferCandidate>, StoreError> {
    let as_of = standings.as_of;
    let min_days = policy.legal_candidate_min_days();
    let gaps = crate::files::gaps_by_customer(conn, portfolio_id, RequirementScope::Legal, as_of).await?;
    let under_plan = negotiation::customers_under_plan(conn, portfolio_id).await?;
    let referrals = store_legal::list_referrals(conn, portfolio_id, &[], None).await?;
    // A case that went through judicial collection and was closed is not
    // proposed again: what is left goes to a write-off or a new decision.
    let closed: HashSet<i64> = referrals.iter().filter(|referral| referral.status == "closed").map(|referral| referral.customer_id).collect();
    let open_referrals: HashMap<i64, Referral> = referrals
        .into_iter()
        .filter(|referral| ReferralStatus::parse(&referral.status).is_ok_and(|status| status.is_open()))
        .map(|referral| (referral.customer_id, referral))
        .collect();
    let rejected = store_legal::rejected_since(conn, portfolio_id, as_of - chrono::Days::new(REJECTION_PAUSE_DAYS)).await?;

    let mut candidates = Vec::new();
    for (customer_id, (currency, standing)) in standings.case_standings() {
        let balance_minor = standing.aging.total_minor();
        let days = standing.days_past_due(as_of);
        if balance_minor <= 0 || standing.oldest_due_date.is_none() || days < min_days || under_plan.contains(&customer_id) {
            continue;
        }
        if closed.contains(&customer_id) && !open_referrals.contains_key(&customer_id) {
            continue;
        }
        let customer = &standings.customers[&customer_id];
        let referral = open_referrals.get(&customer_id);
        candidates.push(TransferCandidate {
            customer_id,
            customer: customer.external_ref.clone(),
            name: customer.name.clone(),
            collector: customer.collector.clone(),
            days_past_due: days,
            oldest_due_date: standing.oldest_due_date,
            currency,
            balance: format_minor(balance_minor, currency),
            balance_minor,
            missing: gaps.get(&customer_id).cloned().unwrap_or_default(),
            referral_id: referral.map(|referral| referral.id),
            referral_status: referral.map(|referral| referral.status.clone()),
            rejected_on: rejected.get(&customer_id).copied(),
        });
    }
    candidates.sort_by(|a, b| b.days_past_due.cmp(&a.days_past_due).then(a.customer.cmp(&b.customer)));
    Ok(candidates)
}

/// The counts of the run's transfer proposals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ProposalCounts {
    /// New proposals made by this run.
    pub proposed: i64,
    /// Proposals waiting for a manager after this run, new ones included.
    pub pending: i64,
    /// Candidates whose file is not complete, so not proposed.
    pub incomplete_files: i64,
    /// Pending proposals withdrawn because the case no longer qualifies.
    pub withdrawn: i64,
    /// Candidates not proposed because a manager rejected their transfer
    /// in the last [`REJECTION_PAUSE_DAYS`] days.
    pub recently_rejected: i64,
}

/// Proposes a transfer for every candidate whose file is complete (the
/// run's step 6), refreshes the figures of pending proposals, and withdraws
/// those that no longer qualify. Proposing twice creates nothing twice.
pub async fn propose_transfers(conn: &mut Conn, portfolio_id: i64, policy: &Policy, standings: &PortfolioStandings) -> Result<ProposalCounts, StoreError> {
    let candidates = transfer_candidates(conn, portfolio_id, policy, standings).await?;
    let mut counts = ProposalCounts::default();
    let mut keep = HashSet::new();

    for candidate in &candidates {
        if !candidate.missing.is_empty() {
            counts.incomplete_files += i64::from(candidate.referral_status.is_none());
            continue;
        }
        if candidate.rejected_on.is_some() && candidate.referral_id.is_none() {
            counts.recently_rejected += 1;
            continue;
        }
        keep.insert(candidate.customer_id);
        match (candidate.referral_id, candidate.referral_status.as_deref()) {
            (Some(id), Some("proposed")) => {
                store_legal::refresh_proposal(conn, id, candidate.days_past_due, candidate.balance_minor).await?;
                counts.pending += 1;
            }
            (Some(_), _) => {}
            (None, _) => {
                let referral = NewReferral {
                    customer_id: candidate.customer_id,
                    proposed_on: standings.as_of,
                    days_past_due: candidate.days_past_due,
                    currency: candidate.currency,
                    balance_minor: candidate.balance_minor,
                };
                if store_legal::propose_referral(conn, portfolio_id, &referral).await?.is_some() {
                    counts.proposed += 1;
                    counts.pending += 1;
                }
            }
        }
    }
    counts.withdrawn = store_legal::withdraw_proposals(conn, portfolio_id, &keep, standings.as_of).await? as i64;
    Ok(counts)
}

/// Returns the customers whose case is with a law firm: the run keeps
/// their case in its stage without new collection tasks.
pub async fn customers_with_firm(conn: &mut Conn, portfolio_id: i64) -> Result<HashSet<i64>, StoreError> {
    customers_with_referral(conn, portfolio_id, ReferralStatus::is_with_firm).await
}

/// Returns the customers whose case is with a law firm or was closed by
/// one: the collection letters leave them out.
pub async fn customers_with_firm_or_closed(conn: &mut Conn, portfolio_id: i64) -> Result<HashSet<i64>, StoreError> {
    customers_with_referral(conn, portfolio_id, |status| status.is_with_firm() || *status == ReferralStatus::Closed).await
}

async fn customers_with_referral(conn: &mut Conn, portfolio_id: i64, counts: impl Fn(&ReferralStatus) -> bool) -> Result<HashSet<i64>, StoreError> {
    let referrals = store_legal::list_referrals(conn, portfolio_id, &[], None).await?;
    let counted = |referral: &Referral| ReferralStatus::parse(&referral.status).is_ok_and(|status| counts(&status));
    Ok(referrals.iter().filter(|referral| counted(referral)).map(|referral| referral.customer_id).collect())
}

/// The report of `recobro legal proposals`: the candidates whose file is
/// complete (proposed, or to be proposed by the run), those whose file is
/// not (with what is missing), and those already with a firm.
#[derive(Debug, Clone, Serialize)]
pub struct ProposalReport {
    pub portfolio: String,
    pub as_of: NaiveDate,
    pub min_days_past_due: i64,
    pub proposed: Vec<TransferCandidate>,
    pub incomplete: Vec<TransferCandidate>,
    pub with_firm: Vec<TransferCandidate>,
    /// Candidates whose transfer a manager rejected recently.
    pub rejected: Vec<TransferCandidate>,
}

pub async fn proposal_report(store: &Store, portfolio_code: &str, as_of: NaiveDate) -> Result<ProposalReport, TransferError> {
    let mut conn = store.acquire().await?;
    let portfolio = find_portfolio(&mut conn, portfolio_code).await?;
    let policy = crate::policy::policy_in_force(&mut conn, portfolio.id, portfolio.currency, as_of).await.map_err(|error| TransferError::Invalid(error.to_string()))?;
    let standings = standing::load(&mut conn, portfolio.id, as_of).await?;
    let candidates = transfer_candidates(&mut conn, portfolio.id, &policy, &standings).await?;

    let mut report = ProposalReport {
        portfolio: portfolio.code.clone(),
        as_of,
        min_days_past_due: policy.legal_candidate_min_days(),
        proposed: Vec::new(),
        incomplete: Vec::new(),
        with_firm: Vec::new(),
        rejected: Vec::new(),
    };
    for candidate in candidates {
        match candidate.referral_status.as_deref() {
            Some(status) if status != "proposed" => report.with_firm.push(candidate),
            None if candidate.rejected_on.is_some() => report.rejected.push(candidate),
            _ if candidate.missing.is_empty() => report.proposed.push(candidate),
            _ => report.incomplete.push(candidate),
        }
    }
    Ok(report)
}

// ---------------------------------------------------------------------------
// Decisions and the referral's life at the firm
// ---------------------------------------------------------------------------

/// Roles that approve or reject a transfer.
const DECIDERS: &[&str] = &["manager", "admin"];
/// Roles that record the firm's progress and recoveries.
const FOLLOWERS: &[&str] = &["manager", "admin", "legal"];

async fn check_role(conn: &mut Conn, username: &str, allowed: &[&str], action: &'static str, allowed_text: &'static str) -> Result<(), TransferError> {
    let user = users::find_user(conn, username).await?.filter(|user| user.active).ok_or_else(|| TransferError::UnknownUser(username.to_string()))?;
    if !allowed.contains(&user.role.as_str()) {
        return Err(TransferError::NotAllowed { username: username.to_string(), role: user.role, action, allowed: allowed_text });
    }
    Ok(())
}

async fn load_referral(conn: &mut Conn, portfolio_id: i64, id: i64) -> Result<Referral, TransferError> {
    store_legal::find_referral(conn, portfolio_id, id).await?.ok_or(TransferError::UnknownReferral(id))
}

fn status_of(referral: &Referral) -> Result<ReferralStatus, TransferError> {
    ReferralStatus::parse(&referral.status).map_err(TransferError::from)
}

/// Approves a proposed transfer: checks the firm and the customer's file,
/// builds the case packet, and stores both with the decision. The referral
/// is then `prepared`, waiting to be sent.
pub async fn approve_transfer(store: &Store, portfolio_code: &str, referral_id: i64, firm_code: &str, by: &str, on: NaiveDate, reason: Option<&str>) -> Result<Referral, TransferError> {
    let mut conn = store.acquire().await?;
    check_role(&mut conn, by, DECIDERS, "approve a legal transfer", "managers and administrators").await?;
    let portfolio = find_portfolio(&mut conn, portfolio_code).await?;
    let referral = load_referral(&mut conn, portfolio.id, referral_id).await?;
    if referral.status != "proposed" {
        return Err(TransferError::WrongStatus { id: referral_id, status: referral.status, action: "approved" });
    }
    let firm = usable_firm(&mut conn, firm_code).await?;
    check_file_complete(&mut conn, portfolio.id, &referral, on).await?;

    let packet = packet::build(&mut conn, &portfolio, &referral, &firm, by, on).await?;
    drop(conn);

    let mut tx = store.begin().await?;
    recobro_store::files::put_blob(&mut tx, &packet.sha256, &packet.content).await?;
    if !store_legal::approve_referral(&mut tx, referral_id, firm.id, &packet.sha256, by, on, reason).await? {
        return Err(TransferError::WrongStatus { id: referral_id, status: "no longer proposed".into(), action: "approved" });
    }
    let detail = format!("referral {referral_id}: customer {} to {} ({} {}), packet sha256 {}", referral.customer_ref, firm.code, referral.currency, format_minor(referral.balance_minor, referral.currency), packet.sha256);
    users::insert_audit_event(&mut tx, by, "legal_referral.approve", &format!("portfolio:{portfolio_code}"), Some(&detail)).await?;
    record_action(&mut tx, portfolio.id, &referral, "prepared", on, by, &format!("transferred to judicial collection at {}", firm.name)).await?;
    let approved = load_referral(&mut tx, portfolio.id, referral_id).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(approved)
}

async fn usable_firm(conn: &mut Conn, code: &str) -> Result<LawFirm, TransferError> {
    let firm = store_legal::find_law_firm(conn, code).await?.ok_or_else(|| TransferError::UnknownFirm(code.to_string()))?;
    if !firm.active {
        return Err(TransferError::InactiveFirm(code.to_string()));
    }
    if let Some(capacity) = firm.capacity
        && firm.open_referrals >= capacity
    {
        return Err(TransferError::FirmFull { code: code.to_string(), open: firm.open_referrals });
    }
    Ok(firm)
}

async fn check_file_complete(conn: &mut Conn, portfolio_id: i64, referral: &Referral, on: NaiveDate) -> Result<(), TransferError> {
    let gaps = crate::files::gaps_by_customer(conn, portfolio_id, RequirementScope::Legal, on).await?;
    if let Some(gaps) = gaps.get(&referral.customer_id) {
        return Err(TransferError::IncompleteFile { customer: referral.customer_ref.clone(), missing: describe_gaps(gaps) });
    }
    Ok(())
}

/// Describes checklist gaps in a sentence, such as
/// `contract missing, promissory_note expired on 2024-05-01`.
pub fn describe_gaps(gaps: &[FileGap]) -> String {
    gaps.iter()
        .map(|gap| match gap {
            FileGap::Missing { kind } => format!("{kind} missing"),
            FileGap::Expired { kind, expired_on } => format!("{kind} expired on {expired_on}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Rejects a proposed transfer with a reason. The case stays in
/// collection, and the run does not propose it again for
/// [`REJECTION_PAUSE_DAYS`] days.
pub async fn reject_transfer(store: &Store, portfolio_code: &str, referral_id: i64, by: &str, on: NaiveDate, reason: &str) -> Result<Referral, TransferError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(TransferError::Invalid("a rejection needs a reason".into()));
    }
    let mut tx = store.begin().await?;
    check_role(&mut tx, by, DECIDERS, "reject a legal transfer", "managers and administrators").await?;
    let portfolio = find_portfolio(&mut tx, portfolio_code).await?;
    let referral = load_referral(&mut tx, portfolio.id, referral_id).await?;
    if !store_legal::reject_referral(&mut tx, referral_id, by, on, reason).await? {
        return Err(TransferError::WrongStatus { id: referral_id, status: referral.status, action: "rejected" });
    }
    let detail = format!("referral {referral_id}: customer {} not transferred: {reason}", referral.customer_ref);
    users::insert_audit_event(&mut tx, by, "legal_referral.reject", &format!("portfolio:{portfolio_code}"), Some(&detail)).await?;
    let rejected = load_referral(&mut tx, portfolio.id, referral_id).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(rejected)
}

/// Moves a referral to its next state at the firm (sent, accepted, filed,
/// judgment, recovering, closed), with the date it happened and, once
/// filed, the court reference.
pub async fn update_referral(
    store: &Store,
    portfolio_code: &str,
    referral_id: i64,
    to: &str,
    on: NaiveDate,
    by: &str,
    note: Option<&str>,
    court_reference: Option<&str>,
) -> Result<Referral, TransferError> {
    let to = ReferralStatus::parse(to)?;
    let mut tx = store.begin().await?;
    check_role(&mut tx, by, FOLLOWERS, "update a legal referral", "managers, administrators and legal staff").await?;
    let portfolio = find_portfolio(&mut tx, portfolio_code).await?;
    let referral = load_referral(&mut tx, portfolio.id, referral_id).await?;
    let from = status_of(&referral)?;
    from.check_move(to)?;
    if on < referral.status_on {
        return Err(TransferError::Invalid(format!("date {on} is before {}, when the referral became {}", referral.status_on, referral.status)));
    }
    let court_reference = court_reference.map(str::trim).filter(|text| !text.is_empty());
    let note = note.map(str::trim).filter(|text| !text.is_empty());

    if !store_legal::move_referral(&mut tx, referral_id, from.code(), to.code(), on, by, note, court_reference).await? {
        return Err(TransferError::WrongStatus { id: referral_id, status: referral.status, action: "moved" });
    }
    let detail = format!("referral {referral_id}: customer {} from {from} to {to} on {on}{}", referral.customer_ref, court_reference.map(|text| format!(", court reference {text}")).unwrap_or_default());
    users::insert_audit_event(&mut tx, by, "legal_referral.update", &format!("portfolio:{portfolio_code}"), Some(&detail)).await?;
    record_action(&mut tx, portfolio.id, &referral, to.code(), on, by, &format!("legal referral {to}{}", note.map(|note| format!(": {note}")).unwrap_or_default())).await?;
    let moved = load_referral(&mut tx, portfolio.id, referral_id).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(moved)
}

/// The outcome of a recorded recovery.
#[derive(Debug, Clone, Serialize)]
pub struct RecoveryOutcome {
    pub referral: Referral,
    pub payment_ref: String,
    pub amount_minor: i64,
    pub fee_minor: i64,
    pub allocated_minor: i64,
    pub unapplied_minor: i64,
}

/// Records an amount the firm recovered. It enters the ledger as a
/// payment of the customer, applied to the oldest due documents first
/// (what is left stays unapplied, as for a snapshot account), so the
/// customer's balance falls by the amount. The firm's fee is computed from
/// its terms. A referral not yet recovering moves to recovering.
pub async fn record_recovery(store: &Store, portfolio_code: &str, referral_id: i64, amount: &str, on: NaiveDate, by: &str) -> Result<RecoveryOutcome, TransferError> {
    let mut tx = store.begin().await?;
    check_role(&mut tx, by, FOLLOWERS, "record a recovery", "managers, administrators and legal staff").await?;
    let portfolio = find_portfolio(&mut tx, portfolio_code).await?;
    let referral = load_referral(&mut tx, portfolio.id, referral_id).await?;
    let status = status_of(&referral)?;
    // The firm recovers once it has the case: from `sent` until closed.
    if !status.is_with_firm() || status == ReferralStatus::Prepared {
        return Err(TransferError::WrongStatus { id: referral_id, status: referral.status, action: "given a recovery until it is sent to the firm" });
    }
    if on < referral.status_on {
        return Err(TransferError::Invalid(format!("date {on} is before {}, when the referral became {}", referral.status_on, referral.status)));
    }
    let amount_minor = parse_amount(amount, referral.currency, "recovered amount")?;
    let outstanding = referral.balance_minor - referral.recovered_minor;
    if amount_minor > outstanding {
        return Err(TransferError::Invalid(format!(
            "recovered amount {} {} is more than the {} {} still outstanding of the referred balance",
            referral.currency,
            format_minor(amount_minor, referral.currency),
            referral.currency,
            format_minor(outstanding.max(0), referral.currency)
        )));
    }

    let firm_id = referral.law_firm_id.ok_or_else(|| TransferError::Invalid(format!("referral {referral_id} has no law firm")))?;
    let firm = store_legal::find_law_firm_by_id(&mut tx, firm_id).await?.ok_or_else(|| TransferError::UnknownFirm(firm_id.to_string()))?;
    let percent: Decimal = firm.contingency_percent.parse().map_err(|_| TransferError::Invalid(format!("law firm {} has a stored contingency {:?} that is not a number", firm.code, firm.contingency_percent)))?;
    let earlier_recoveries = store_legal::recovery_count(&mut tx, referral_id).await?;
    let first_recovery = earlier_recoveries == 0;
    let fixed_fee = if firm.fee_currency.as_deref() == Some(referral.currency.code()) { firm.fixed_fee_minor } else { 0 };
    let fee_minor = FeeTerms::new(percent, fixed_fee)?.fee_on(amount_minor, first_recovery);

    let payment_ref = format!("LEGAL-{referral_id}-{}", earlier_recoveries + 1);
    let payment_id = store_legal::insert_recovery_payment(&mut tx, portfolio.id, referral.customer_id, &payment_ref, on, amount_minor, referral.currency).await?;
    let (allocated_minor, unapplied_minor) = allocate_payment(&mut tx, portfolio.id, referral.customer_id, referral.currency, payment_id, amount_minor, on).await?;
    store_legal::insert_recovery(&mut tx, referral_id, payment_id, on, amount_minor, fee_minor).await?;

    if status < ReferralStatus::Recovering {
        store_legal::move_referral(&mut tx, referral_id, status.code(), ReferralStatus::Recovering.code(), on, by, Some("first amount recovered"), None).await?;
    }
    let detail = format!(
        "referral {referral_id}: customer {} recovered {} {} on {on} (payment {payment_ref}), fee {}",
        referral.customer_ref,
        referral.currency,
        format_minor(amount_minor, referral.currency),
        format_minor(fee_minor, referral.currency)
    );
    users::insert_audit_event(&mut tx, by, "legal_referral.recovery", &format!("portfolio:{portfolio_code}"), Some(&detail)).await?;
    let updated = load_referral(&mut tx, portfolio.id, referral_id).await?;
    tx.commit().await.map_err(StoreError::from)?;

    Ok(RecoveryOutcome { referral: updated, payment_ref, amount_minor, fee_minor, allocated_minor, unapplied_minor })
}

/// Applies a payment to the customer's open documents in its currency,
/// oldest due date first. Returns the amounts allocated and unapplied.
async fn allocate_payment(conn: &mut Conn, portfolio_id: i64, customer_id: i64, currency: Currency, payment_id: i64, amount_minor: i64, on: NaiveDate) -> Result<(i64, i64), StoreError> {
    let open = negotiation::open_documents(conn, customer_id, currency).await?;
    let mut allocatable: Vec<Allocatable<usize>> = open.iter().enumerate().map(|(index, document)| Allocatable { key: index, due_date: document.due_date, open_minor: document.open_minor }).collect();
    let plan = allocate_oldest_first(amount_minor, &mut allocatable);

    for (index, applied) in &plan.allocations {
        let document = &open[*index];
        ledger::insert_allocation(conn, portfolio_id, &StoredAllocation { source: AllocationSource::Payment(payment_id), document_id: document.id, allocated_on: on, amount_minor: *applied }).await?;
        let left = document.open_minor - applied;
        ledger::update_document_balance(conn, document.id, left, (left == 0).then_some(on)).await?;
    }
    ledger::update_payment_unapplied(conn, payment_id, plan.unapplied_minor).await?;
    Ok((amount_minor - plan.unapplied_minor, plan.unapplied_minor))
}

/// Adds a `legal_update` action to the customer's history, once per
/// referral and state.
async fn record_action(conn: &mut Conn, portfolio_id: i64, referral: &Referral, status: &str, on: NaiveDate, by: &str, notes: &str) -> Result<(), StoreError> {
    let key = format!("legal-{}-{status}", referral.id);
    let action = ledger::ActionData {
        customer_id: referral.customer_id,
        action_key: key,
        action_on: on,
        kind: "legal_update".into(),
        outcome: None,
        collector: Some(by.to_string()),
        notes: Some(notes.to_string()),
        next_action_kind: None,
        next_action_on: None,
        promise_amount_minor: None,
        promise_currency: None,
        promise_on: None,
        source: "recobro",
    };
    ledger::insert_action(conn, portfolio_id, &action).await?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Lists and the report by firm
// ---------------------------------------------------------------------------

pub async fn list_referrals(store: &Store, portfolio_code: &str, statuses: &[&str]) -> Result<Vec<Referral>, TransferError> {
    for status in statuses {
        ReferralStatus::parse(status)?;
    }
    let mut conn = store.acquire().await?;
    let portfolio = find_portfolio(&mut conn, portfolio_code).await?;
    Ok(store_legal::list_referrals(&mut conn, portfolio.id, statuses, None).await?)
}

/// A referral with its history and recoveries, for its page.
#[derive(Debug, Clone, Serialize)]
pub struct ReferralDetail {
    pub referral: Referral,
    pub events: Vec<store_legal::ReferralEvent>,
    pub recoveries: Vec<store_legal::Recovery>,
}

pub async fn referral_detail(store: &Store, portfolio_code: &str, referral_id: i64) -> Result<ReferralDetail, TransferError> {
    let mut conn = store.acquire().await?;
    let portfolio = find_portfolio(&mut conn, portfolio_code).await?;
    let referral = load_referral(&mut conn, portfolio.id, referral_id).await?;
    let events = store_legal::referral_events(&mut conn, referral_id).await?;
    let recoveries = store_legal::recoveries(&mut conn, referral_id).await?;
    Ok(ReferralDetail { referral, events, recoveries })
}

/// Returns the case packet of an approved referral, with a file name for it.
pub async fn referral_packet(store: &Store, portfolio_code: &str, referral_id: i64) -> Result<(String, Vec<u8>), TransferError> {
    let mut conn = store.acquire().await?;
    let portfolio = find_portfolio(&mut conn, portfolio_code).await?;
    let referral = load_referral(&mut conn, portfolio.id, referral_id).await?;
    let sha256 = referral.packet_sha256.clone().ok_or_else(|| TransferError::WrongStatus { id: referral_id, status: referral.status.clone(), action: "downloaded: it has no packet until approved" })?;
    let content = recobro_store::files::get_blob(&mut conn, &sha256).await?.ok_or_else(|| TransferError::Packet(format!("stored packet {sha256} is missing")))?;
    Ok((packet::file_name(&referral), content))
}

/// One firm's line of the referrals report, per currency.
#[derive(Debug, Clone, Serialize)]
pub struct FirmReport {
    pub firm: String,
    pub firm_name: String,
    pub currency: Currency,
    pub referrals: i64,
    pub open: i64,
    pub closed: i64,
    pub referred: String,
    pub recovered: String,
    pub fees: String,
    pub net_recovered: String,
    /// Recovered as a percent of the referred balances.
    pub recovery_rate: Decimal,
    #[serde(skip)]
    pub referred_minor: i64,
    #[serde(skip)]
    pub recovered_minor: i64,
    #[serde(skip)]
    pub fees_minor: i64,
}

/// Referrals sent to each firm, with what was referred, recovered and
/// paid in fees, and the recovery rate.
pub async fn referrals_by_firm(store: &Store, portfolio_code: &str) -> Result<Vec<FirmReport>, TransferError> {
    let mut conn = store.acquire().await?;
    let portfolio = find_portfolio(&mut conn, portfolio_code).await?;
    let referrals = store_legal::list_referrals(&mut conn, portfolio.id, &[], None).await?;

    let mut lines: BTreeMap<(String, Currency), FirmReport> = BTreeMap::new();
    for referral in referrals.iter().filter(|referral| referral.law_firm_code.is_some()) {
        let code = referral.law_firm_code.clone().unwrap_or_default();
        let line = lines.entry((code.clone(), referral.currency)).or_insert_with(|| FirmReport {
            firm: code,
            firm_name: referral.law_firm_name.clone().unwrap_or_default(),
            currency: referral.currency,
            referrals: 0,
            open: 0,
            closed: 0,
            referred: String::new(),
            recovered: String::new(),
            fees: String::new(),
            net_recovered: String::new(),
            recovery_rate: Decimal::ZERO,
            referred_minor: 0,
            recovered_minor: 0,
            fees_minor: 0,
        });
        line.referrals += 1;
        if referral.status == "closed" {
            line.closed += 1;
        } else {
            line.open += 1;
        }
        line.referred_minor += referral.balance_minor;
        line.recovered_minor += referral.recovered_minor;
        line.fees_minor += referral.fees_minor;
    }

    let mut report: Vec<FirmReport> = lines.into_values().collect();
    for line in &mut report {
        line.referred = format_minor(line.referred_minor, line.currency);
        line.recovered = format_minor(line.recovered_minor, line.currency);
        line.fees = format_minor(line.fees_minor, line.currency);
        line.net_recovered = format_minor(line.recovered_minor - line.fees_minor, line.currency);
        line.recovery_rate = recovery_rate(line.recovered_minor, line.referred_minor);
    }
    Ok(report)
}

async fn find_portfolio(conn: &mut Conn, code: &str) -> Result<Portfolio, TransferError> {
    portfolio::find(conn, code).await?.ok_or_else(|| TransferError::UnknownPortfolio(code.to_string()))
}
