//! Typed records read from a file, before they are checked against the
//! database.

use chrono::NaiveDate;
use recobro_core::Currency;
use recobro_store::ledger::CustomerData;
use sha2::{Digest, Sha256};

use super::error::{RowError, RowErrorCode, RowMessage};
use super::mapping::RecordKind;
use super::parse::{RecordFields, Sign};

pub const DOCUMENT_KINDS: [&str; 3] = ["invoice", "debit_note", "credit_note"];
const CHANNELS: [&str; 4] = ["email", "letter", "sms", "phone"];
const STATUSES: [&str; 4] = ["active", "watch", "credit_hold", "do_not_continue"];
const LANGUAGES: [&str; 2] = ["es", "en"];

/// A document is identified by its kind and number within a portfolio.
pub type DocumentKey = (String, String);

/// Customer fields as the file gives them; `None` means not in the file, so
/// an update keeps the stored value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerIn {
    pub line: u64,
    pub external_ref: String,
    pub name: Option<String>,
    pub tax_id: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub language: Option<String>,
    pub segment: Option<String>,
    pub region: Option<String>,
    pub preferred_channel: Option<String>,
    pub credit_limit_minor: Option<i64>,
    pub currency: Currency,
    pub collector: Option<String>,
    pub status: Option<String>,
    /// The date of the row's data, when the profile maps `latest_by`: of
    /// several rows of one customer that disagree, the latest one wins.
    pub dated: Option<NaiveDate>,
}

impl CustomerIn {
    /// Names of the fields whose values differ from `other`'s.
    pub fn differences(&self, other: &CustomerIn) -> Vec<&'static str> {
        let pairs: [(&'static str, bool); 13] = [
            ("name", self.name != other.name),
            ("tax_id", self.tax_id != other.tax_id),
            ("email", self.email != other.email),
            ("phone", self.phone != other.phone),
            ("language", self.language != other.language),
            ("segment", self.segment != other.segment),
            ("region", self.region != other.region),
            ("preferred_channel", self.preferred_channel != other.preferred_channel),
            ("credit_limit", self.credit_limit_minor != other.credit_limit_minor),
            ("currency", self.currency != other.currency),
            ("collector", self.collector != other.collector),
            ("status", self.status != other.status),
            ("ref", self.external_ref != other.external_ref),
        ];
        pairs.into_iter().filter(|(_, differs)| *differs).map(|(name, _)| name).collect()
    }

    /// Applies this row's fields to the stored customer.
    pub fn merged_into(&self, stored: Option<&CustomerData>) -> CustomerData {
        let mut data = stored.cloned().unwrap_or_else(|| CustomerData {
            external_ref: self.external_ref.clone(),
            name: self.external_ref.clone(),
            currency: self.currency.code().to_string(),
            status: "active".to_string(),
            ..CustomerData::default()
        });
        let set = |target: &mut Option<String>, value: &Option<String>| {
            if value.is_some() {
                target.clone_from(value);
            }
        };
        if let Some(name) = &self.name {
            data.name.clone_from(name);
        }
        set(&mut data.tax_id, &self.tax_id);
        set(&mut data.email, &self.email);
        set(&mut data.phone, &self.phone);
        set(&mut data.language, &self.language);
        set(&mut data.segment, &self.segment);
        set(&mut data.region, &self.region);
        set(&mut data.preferred_channel, &self.preferred_channel);
        set(&mut data.collector, &self.collector);
        if let Some(limit) = self.credit_limit_minor {
            data.credit_limit_minor = Some(limit);
        }
        if let Some(status) = &self.status {
            data.status.clone_from(status);
        }
        data
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentIn {
    pub line: u64,
    pub customer_ref: String,
    pub kind: String,
    pub number: String,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub amount_minor: i64,
    pub currency: Currency,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentIn {
    pub line: u64,
    pub external_ref: String,
    pub customer_ref: String,
    pub paid_on: NaiveDate,
    pub amount_minor: i64,
    pub currency: Currency,
    /// The document the whole payment is applied to, when the file names one.
    pub document: Option<DocumentKey>,
    /// True when neither the file nor the profile gave a currency, so that
    /// `currency` is the portfolio's until the planner sets the customer's.
    pub currency_from_customer: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllocationSourceIn {
    Payment(String),
    CreditNote(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllocationIn {
    pub line: u64,
    pub source: AllocationSourceIn,
    pub document: DocumentKey,
    pub amount_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisputeIn {
    pub line: u64,
    pub document: DocumentKey,
    pub opened_on: NaiveDate,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionIn {
    pub line: u64,
    pub customer_ref: String,
    pub action_key: String,
    pub action_on: NaiveDate,
    pub kind: String,
    pub outcome: Option<String>,
    pub collector: Option<String>,
    pub notes: Option<String>,
    pub next_action_kind: Option<String>,
    pub next_action_on: Option<NaiveDate>,
    pub promise_amount_minor: Option<i64>,
    pub promise_currency: Option<Currency>,
    pub promise_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotIn {
    pub line: u64,
    pub customer_ref: String,
    pub account_ref: String,
    pub snapshot_date: NaiveDate,
    pub balance_minor: i64,
    pub days_past_due: i64,
    pub credit_limit_minor: Option<i64>,
    pub currency: Currency,
}

/// Every record of a file, in file order per kind.
#[derive(Debug, Default)]
pub struct FileRecords {
    pub customers: Vec<CustomerIn>,
    pub documents: Vec<DocumentIn>,
    pub payments: Vec<PaymentIn>,
    pub allocations: Vec<AllocationIn>,
    pub disputes: Vec<DisputeIn>,
    pub actions: Vec<ActionIn>,
    pub snapshots: Vec<SnapshotIn>,
}

impl FileRecords {
    /// Returns whether any record names a customer by reference, so that
    /// writing it needs the customers' ids.
    pub fn refers_to_customers(&self) -> bool {
        !(self.documents.is_empty() && self.payments.is_empty() && self.actions.is_empty() && self.snapshots.is_empty())
    }

    /// Reads one record of a row into the list of its kind.
    pub fn add(&mut self, fields: &RecordFields<'_>, portfolio_currency: Currency) -> Result<(), RowError> {
        match fields.kind() {
            RecordKind::Customer => self.customers.push(read_customer(fields, portfolio_currency)?),
            RecordKind::Document => self.documents.push(read_document(fields, portfolio_currency)?),
            RecordKind::Payment => self.payments.push(read_payment(fields, portfolio_currency)?),
            RecordKind::Allocation => self.allocations.push(read_allocation(fields, portfolio_currency)?),
            RecordKind::Dispute => self.disputes.push(read_dispute(fields)?),
            RecordKind::Action => self.actions.push(read_action(fields, portfolio_currency)?),
            RecordKind::Snapshot => self.snapshots.push(read_snapshot(fields, portfolio_currency)?),
        }
        Ok(())
    }
}

fn read_customer(fields: &RecordFields<'_>, portfolio_currency: Currency) -> Result<CustomerIn, RowError> {
    let currency = fields.currency(Some(portfolio_currency))?;
    let text = |name: &str| fields.text(name).map(|cell| cell.map(|cell| cell.text));
    Ok(CustomerIn {
        line: fields.line,
        external_ref: fields.required_text("ref")?,
        name: text("name")?,
        tax_id: text("tax_id")?,
        email: text("email")?,
        phone: text("phone")?,
        language: fields.choice("language", &LANGUAGES)?,
        segment: text("segment")?,
        region: text("region")?,
        preferred_channel: fields.choice("preferred_channel", &CHANNELS)?,
        credit_limit_minor: fields.amount("credit_limit", currency, Sign::NotNegative)?,
        currency,
        collector: text("collector")?,
        status: fields.choice("status", &STATUSES)?,
        dated: fields.date("latest_by")?,
    })
}

fn document_kind(fields: &RecordFields<'_>, name: &str) -> Result<String, RowError> {
    Ok(fields.choice(name, &DOCUMENT_KINDS)?.unwrap_or_else(|| "invoice".to_string()))
}

fn read_document(fields: &RecordFields<'_>, portfolio_currency: Currency) -> Result<DocumentIn, RowError> {
    let currency = fields.currency(Some(portfolio_currency))?;
    let issue_date = fields.required_date("issue_date")?;
    let due_date = fields.required_date("due_date")?;
    if due_date < issue_date {
        let message = RowMessage::new(RowErrorCode::DueBeforeIssue, vec![("due_date", due_date.to_string()), ("issue_date", issue_date.to_string())]);
        return Err(fields.record_error(
            "due_date",
            message,
            format!("the due date {due_date} is before the issue date {issue_date}"),
            "check the two date columns and the date_format of the mapping profile",
        ));
    }
    Ok(DocumentIn {
        line: fields.line,
        customer_ref: fields.required_text("customer")?,
        kind: document_kind(fields, "kind")?,
        number: fields.required_text("number")?,
        issue_date,
        due_date,
        amount_minor: fields.required_amount("amount", currency, Sign::Positive)?,
        currency,
    })
}

fn read_payment(fields: &RecordFields<'_>, portfolio_currency: Currency) -> Result<PaymentIn, RowError> {
    let currency_from_customer = fields.text("currency")?.is_none() && fields.profile_currency().is_none();
    let currency = fields.currency(Some(portfolio_currency))?;
    let document = match fields.text("document")? {
        Some(cell) => Some((document_kind(fields, "document_kind")?, cell.text)),
        None => None,
    };
    Ok(PaymentIn {
        line: fields.line,
        external_ref: fields.required_text("ref")?,
        customer_ref: fields.required_text("customer")?,
        paid_on: fields.required_date("paid_on")?,
        amount_minor: fields.required_amount("amount", currency, Sign::Positive)?,
        currency,
        document,
        currency_from_customer,
    })
}

fn read_allocation(fields: &RecordFields<'_>, portfolio_currency: Currency) -> Result<AllocationIn, RowError> {
    let currency = fields.currency(Some(portfolio_currency))?;
    let source = match (fields.text("payment")?, fields.text("credit_note")?) {
        (Some(payment), None) => AllocationSourceIn::Payment(payment.text),
        (None, Some(credit_note)) => AllocationSourceIn::CreditNote(credit_note.text),
        _ => {
            return Err(fields.record_error(
                "payment",
                RowMessage::new(RowErrorCode::AllocationSource, Vec::new()),
                "an allocation needs exactly one source: a payment or a credit_note".into(),
                "fill in one of the two columns",
            ));
        }
    };
    Ok(AllocationIn {
        line: fields.line,
        source,
        document: (document_kind(fields, "document_kind")?, fields.required_text("document")?),
        amount_minor: fields.required_amount("amount", currency, Sign::Positive)?,
    })
}

fn read_dispute(fields: &RecordFields<'_>) -> Result<DisputeIn, RowError> {
    Ok(DisputeIn {
        line: fields.line,
        document: (document_kind(fields, "document_kind")?, fields.required_text("document")?),
        opened_on: fields.required_date("opened_on")?,
        reason: fields.text("reason")?.map(|cell| cell.text).unwrap_or_default(),
    })
}

fn read_action(fields: &RecordFields<'_>, portfolio_currency: Currency) -> Result<ActionIn, RowError> {
    let text = |name: &str| fields.text(name).map(|cell| cell.map(|cell| cell.text));
    let promise_amount = fields.text("promise_amount")?;
    let promise_currency = match promise_amount {
        Some(_) => Some(fields.currency(Some(portfolio_currency))?),
        None => None,
    };
    let mut action = ActionIn {
        line: fields.line,
        customer_ref: fields.required_text("customer")?,
        action_key: String::new(),
        action_on: fields.required_date("date")?,
        kind: fields.required_text("kind")?.to_ascii_lowercase(),
        outcome: text("outcome")?,
        collector: text("collector")?,
        notes: text("notes")?,
        next_action_kind: text("next_action")?,
        next_action_on: fields.date("next_action_on")?,
        promise_amount_minor: match promise_currency {
            Some(currency) => fields.amount("promise_amount", currency, Sign::Positive)?,
            None => None,
        },
        promise_currency,
        promise_on: fields.date("promise_on")?,
    };
    action.action_key = match text("ref")? {
        Some(reference) => format!("ref:{reference}"),
        None => format!("sha256:{}", action_digest(&action)),
    };
    Ok(action)
}

/// Computes a digest of an action's content: the key of actions without an
/// id of their own, so that importing the same history twice adds nothing.
fn action_digest(action: &ActionIn) -> String {
    let content = format!(
        "{}\u{1f}{}\u{1f}{}\u{1f}{:?}\u{1f}{:?}\u{1f}{:?}\u{1f}{:?}\u{1f}{:?}\u{1f}{:?}\u{1f}{:?}",
        action.customer_ref,
        action.action_on,
        action.kind,
        action.outcome,
        action.collector,
        action.notes,
        action.next_action_kind,
        action.next_action_on,
        action.promise_amount_minor,
        action.promise_on,
    );
    hex::encode(Sha256::digest(content.as_bytes()))
}

fn read_snapshot(fields: &RecordFields<'_>, portfolio_currency: Currency) -> Result<SnapshotIn, RowError> {
    let currency = fields.currency(Some(portfolio_currency))?;
    let days_past_due = fields.integer("days_past_due")?.ok_or_else(|| {
        let message = RowMessage::new(RowErrorCode::EmptyRequired, vec![("field", "snapshot.days_past_due".to_string())]);
        fields.record_error("days_past_due", message, "snapshot.days_past_due is required but empty".into(), "fill in the cell")
    })?;
    if days_past_due < 0 {
        let message = RowMessage::new(RowErrorCode::NegativeDaysPastDue, Vec::new());
        return Err(fields.record_error("days_past_due", message, "days past due cannot be negative".into(), "use 0 for an account that is not past due"));
    }
    Ok(SnapshotIn {
        line: fields.line,
        customer_ref: fields.required_text("customer")?,
        account_ref: fields.required_text("account")?,
        snapshot_date: fields.required_date("snapshot_date")?,
        balance_minor: fields.required_amount("balance", currency, Sign::Any)?,
        days_past_due,
        credit_limit_minor: fields.amount("credit_limit", currency, Sign::NotNegative)?,
        currency,
    })
}
