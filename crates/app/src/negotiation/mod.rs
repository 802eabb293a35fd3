//! Negotiation with a customer: payment plans (convenios de pago) and
//! refinancing, settlement offers with interest waivers, and write-offs.
//! Every concession is checked against the authority of the user who
//! grants it, and every decision is audited.

pub mod letters;
pub mod limits;
pub mod plans;
pub mod settlements;
pub mod write_offs;

use chrono::NaiveDate;
use recobro_core::Currency;
use recobro_core::settlement::ApproverRole;
use recobro_store::portfolio::Portfolio;
use recobro_store::{Conn, StoreError, browse, portfolio, users};

#[derive(Debug, thiserror::Error)]
pub enum NegotiationError {
    #[error("portfolio {0:?} not found: see `recobro portfolio list`")]
    UnknownPortfolio(String),
    #[error("customer {0:?} not found in this portfolio")]
    UnknownCustomer(String),
    #[error("user {0:?} not found or inactive: see `recobro user list`")]
    UnknownUser(String),
    #[error("user {username:?} has the role {role}, which may not negotiate: collectors, managers and administrators may")]
    RoleMayNotNegotiate { username: String, role: String },
    #[error("{0}")]
    Invalid(String),
    #[error("{kind} {id} not found in this portfolio")]
    NotFound { kind: &'static str, id: i64 },
    #[error("{kind} {id} is {status}, so it cannot be {action}")]
    WrongStatus { kind: &'static str, id: i64, status: String, action: &'static str },
    #[error("customer {customer:?} already has settlement offer {id} ({status}, pay by {pay_by}); one offer at a time: reject or cancel it with `recobro settlement cancel --portfolio P --id {id} --reason TEXT`, or let it expire")]
    OpenOfferExists { customer: String, id: i64, status: String, pay_by: NaiveDate },
    #[error("{username:?} may cancel only their own offers: settlement offer {id} was proposed by {proposer:?}; ask a manager or an administrator")]
    NotProposer { username: String, id: i64, proposer: String },
    #[error("{username:?} ({role}) may not approve this: it needs a {required} or above")]
    BeyondAuthority { username: String, role: &'static str, required: &'static str },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The user who proposes or decides, with the authority of their role:
/// collectors as collectors, managers as managers, administrators as
/// directors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Negotiator {
    pub username: String,
    pub role: ApproverRole,
}

impl Negotiator {
    /// Maps a user's role to an approver role; legal staff and viewers do
    /// not negotiate.
    pub fn from_user_role(username: &str, role: &str) -> Result<Self, NegotiationError> {
        let role = match role {
            "collector" => ApproverRole::Collector,
            "manager" => ApproverRole::Manager,
            "admin" => ApproverRole::Director,
            other => return Err(NegotiationError::RoleMayNotNegotiate { username: username.to_string(), role: other.to_string() }),
        };
        Ok(Negotiator { username: username.to_string(), role })
    }

    /// Looks up an active user by name.
    pub async fn load(conn: &mut Conn, username: &str) -> Result<Self, NegotiationError> {
        let user = users::find_user(conn, username).await?.filter(|user| user.active).ok_or_else(|| NegotiationError::UnknownUser(username.to_string()))?;
        Self::from_user_role(&user.username, &user.role)
    }
}

/// The customer a negotiation is about.
#[derive(Debug, Clone)]
pub struct Party {
    pub portfolio: Portfolio,
    pub customer_id: i64,
    pub customer_ref: String,
    pub customer_name: String,
    pub currency: Currency,
    pub language: Option<String>,
}

pub async fn find_party(conn: &mut Conn, portfolio_code: &str, customer_ref: &str) -> Result<Party, NegotiationError> {
    let portfolio = find_portfolio(conn, portfolio_code).await?;
    let (customer_id, customer) = browse::find_customer(conn, portfolio.id, customer_ref).await?.ok_or_else(|| NegotiationError::UnknownCustomer(customer_ref.to_string()))?;
    let currency = Currency::parse(&customer.currency).map_err(|error| NegotiationError::Invalid(format!("customer {customer_ref}: {error}")))?;
    Ok(Party { portfolio, customer_id, customer_ref: customer.external_ref, customer_name: customer.name, currency, language: customer.language })
}

pub async fn find_portfolio(conn: &mut Conn, code: &str) -> Result<Portfolio, NegotiationError> {
    portfolio::find(conn, code).await?.ok_or_else(|| NegotiationError::UnknownPortfolio(code.to_string()))
}

/// Records a negotiation event in the audit trail.
pub async fn audit(conn: &mut Conn, by: &str, action: &str, portfolio_code: &str, detail: &str) -> Result<(), StoreError> {
    users::insert_audit_event(conn, by, action, &format!("portfolio:{portfolio_code}"), Some(detail)).await
}

/// Checks that an optional decision date is not before a proposal date.
pub(crate) fn not_before(on: NaiveDate, earliest: NaiveDate, what: &str) -> Result<(), NegotiationError> {
    if on < earliest {
        return Err(NegotiationError::Invalid(format!("{what} {on} is before {earliest}")));
    }
    Ok(())
}
