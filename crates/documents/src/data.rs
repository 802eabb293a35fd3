//! What a letter or a statement shows, as plain values: amounts in minor
//! units, civil dates and free text. [`crate::view`] formats them for one
//! language before Typst reads them.

use chrono::NaiveDate;
use recobro_core::Currency;
use recobro_core::interest::statement::{StatementLine, StatementTotals};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The sender printed at the top of every document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Letterhead {
    pub company_name: String,
    /// Postal address, one line per entry.
    #[serde(default)]
    pub address_lines: Vec<String>,
    pub tax_id: Option<String>,
}

impl Letterhead {
    /// Builds a letterhead with only a name, such as the portfolio's.
    pub fn named(company_name: impl Into<String>) -> Self {
        Self { company_name: company_name.into(), address_lines: Vec::new(), tax_id: None }
    }
}

/// The customer a document is addressed to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    pub name: String,
    /// The customer's reference in the portfolio.
    pub reference: String,
    pub tax_id: Option<String>,
    /// Postal address, one line per entry; empty when unknown.
    #[serde(default)]
    pub address_lines: Vec<String>,
}

/// The person or department that signs a letter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signatory {
    /// The signer's name; without it the letter is signed by the collections
    /// department.
    pub name: Option<String>,
    /// The signer's position, such as "Collections manager".
    pub title: Option<String>,
}

/// An overdue document listed in a letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverdueDocument {
    pub number: String,
    pub due_date: NaiveDate,
    pub days_past_due: i64,
    /// The open amount, in minor units of the letter's currency.
    pub open_minor: i64,
    /// Late interest owed on the document, in minor units.
    #[serde(default)]
    pub interest_minor: i64,
}

/// One installment of a payment plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanInstallment {
    pub number: u32,
    pub due_date: NaiveDate,
    pub principal_minor: i64,
    pub interest_minor: i64,
    /// Principal plus interest.
    pub amount_minor: i64,
}

/// The terms of a payment plan (convenio de pago).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanTerms {
    pub down_payment_minor: i64,
    /// The day the down payment is due; `None` without a down payment.
    pub down_payment_due: Option<NaiveDate>,
    /// The plan's annual interest rate in percent.
    pub annual_rate_percent: Decimal,
    pub installments: Vec<PlanInstallment>,
    /// Days after an installment's due date before the plan counts as broken.
    #[serde(default)]
    pub grace_days: u32,
}

/// The terms of a settlement offer: a lump sum by a date, with interest
/// waived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettlementTerms {
    pub lump_sum_minor: i64,
    pub pay_by: NaiveDate,
    pub interest_waived_minor: i64,
    #[serde(default)]
    pub principal_discount_minor: i64,
}

/// The content of a letter of any kind. Kinds that need them read `plan` or
/// `settlement`, and rendering fails when that part is missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterData {
    pub letterhead: Letterhead,
    pub recipient: Recipient,
    /// The date printed on the letter.
    pub date: NaiveDate,
    pub currency: Currency,
    pub documents: Vec<OverdueDocument>,
    /// Fixed compensation owed for late documents, in minor units.
    #[serde(default)]
    pub fees_minor: i64,
    /// The day by which the customer is asked to pay, for reminders,
    /// formal notices and demands.
    pub pay_by: Option<NaiveDate>,
    #[serde(default)]
    pub signatory: Signatory,
    pub plan: Option<PlanTerms>,
    pub settlement: Option<SettlementTerms>,
}

/// The late-interest rule a statement applied, for its heading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSummary {
    /// A statutory regime code such as `es-late-payment`.
    pub regime: Option<String>,
    /// A contractual annual rate in percent.
    pub annual_percent: Option<Decimal>,
    /// `act365`, `act360` or `actact`.
    pub day_count: String,
    pub grace_days: u32,
    pub effective_on: NaiveDate,
    /// Whether the rule is the customer's own rather than the portfolio's.
    pub customer_specific: bool,
}

/// An interest statement of one customer as of a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementDocument {
    pub letterhead: Letterhead,
    pub recipient: Recipient,
    pub as_of: NaiveDate,
    /// `None` when the portfolio has no late-interest rule. The statement
    /// then shows a notice in place of interest.
    pub rule: Option<RuleSummary>,
    pub lines: Vec<StatementLine>,
    pub totals: Vec<StatementTotals>,
}
