//! Collection actions as the action form and the API record them: the
//! checks on the submitted fields and the transaction that stores them.
//! Both callers turn the [`ActionProblem`]s into their own messages.

use chrono::NaiveDate;
use recobro_core::Currency;
use recobro_core::number::{NumberFormat, parse_amount};
use recobro_store::browse;
use recobro_store::ledger::{self, ActionData};

use crate::AppState;
use crate::authz::Actor;
use crate::error::WebError;

pub const ACTION_KINDS: [&str; 7] = ["call", "email", "letter", "sms", "visit", "note", "legal_update"];
pub const OUTCOMES: [&str; 7] = ["contact", "no_contact", "promise_to_pay", "refused", "dispute", "wrong_number", "paid"];

/// How many of a customer's documents the dispute check looks through.
const DOCUMENT_LIMIT: i64 = 200;

/// The submitted fields as text, before any check.
#[derive(Debug, Clone, Default)]
pub struct ActionInput {
    pub action_on: Option<String>,
    pub kind: Option<String>,
    pub outcome: Option<String>,
    pub promise_amount: Option<String>,
    pub promise_on: Option<String>,
    pub dispute_reason: Option<String>,
    pub dispute_documents: Vec<String>,
    pub notes: Option<String>,
    pub next_action_on: Option<String>,
    /// The worklist task the action completes.
    pub task: Option<String>,
}

/// A field that a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionField {
    Date,
    Kind,
    Outcome,
    PromiseOn,
    NextActionOn,
}

/// One reason why submitted fields cannot be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionProblem {
    Missing(ActionField),
    InvalidDate(ActionField, String),
    NotAnOption(ActionField, String),
    /// The promised amount is not a positive amount in the currency.
    InvalidAmount(String),
    /// A promise to pay needs an amount and a date, and the outcome
    /// `promise_to_pay` needs a promise.
    PromiseIncomplete,
    PromiseBeforeAction,
    /// A dispute needs the outcome `dispute`, documents and a reason, and
    /// that outcome needs the other two.
    DisputeIncomplete,
    NextActionBeforeAction,
}

/// Checked fields, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidAction {
    pub action_on: NaiveDate,
    pub kind: String,
    pub outcome: Option<String>,
    /// Amount in minor units and date.
    pub promise: Option<(i64, NaiveDate)>,
    /// Document numbers and the customer's reason.
    pub dispute: Option<(Vec<String>, String)>,
    pub notes: Option<String>,
    pub next_action_on: Option<NaiveDate>,
    pub task: Option<i64>,
}

fn non_empty(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|value| !value.is_empty()).map(str::to_string)
}

/// Checks the fields. `amount_format` is how the promised amount is
/// written and `currency` sets its decimals. Returns every problem, in the
/// order of the form's fields.
pub fn validate(input: &ActionInput, amount_format: NumberFormat, currency: Currency) -> Result<ValidAction, Vec<ActionProblem>> {
    let mut problems = Vec::new();
    let date = |value: &Option<String>, field: ActionField, problems: &mut Vec<ActionProblem>| -> Option<NaiveDate> {
        let text = non_empty(value)?;
        match recobro_core::parse_iso_date(&text) {
            Ok(date) => Some(date),
            Err(_) => {
                problems.push(ActionProblem::InvalidDate(field, text));
                None
            }
        }
    };

    let action_on = date(&input.action_on, ActionField::Date, &mut problems);
    if non_empty(&input.action_on).is_none() {
        problems.push(ActionProblem::Missing(ActionField::Date));
    }
    let kind = non_empty(&input.kind);
    match &kind {
        None => problems.push(ActionProblem::Missing(ActionField::Kind)),
        Some(kind) if !ACTION_KINDS.contains(&kind.as_str()) => problems.push(ActionProblem::NotAnOption(ActionField::Kind, kind.clone())),
        Some(_) => {}
    }
    let outcome = non_empty(&input.outcome);
    if let Some(outcome) = &outcome
        && !OUTCOMES.contains(&outcome.as_str())
    {
        problems.push(ActionProblem::NotAnOption(ActionField::Outcome, outcome.clone()));
    }

    let promise_on = date(&input.promise_on, ActionField::PromiseOn, &mut problems);
    let promise_amount = non_empty(&input.promise_amount).and_then(|text| {
        let parsed = parse_amount(&text, amount_format).ok().and_then(|amount| recobro_core::Money::from_decimal(amount, currency).ok());
        match parsed {
            Some(money) if money.minor > 0 => Some(money.minor),
            _ => {
                problems.push(ActionProblem::InvalidAmount(text));
                None
            }
        }
    });
    let promised = outcome.as_deref() == Some("promise_to_pay");
    let promise = match (promise_amount, promise_on) {
        (Some(amount), Some(on)) => {
            if action_on.is_some_and(|action_on| on < action_on) {
                problems.push(ActionProblem::PromiseBeforeAction);
            }
            Some((amount, on))
        }
        (None, None) if !promised => None,
        _ => {
            problems.push(ActionProblem::PromiseIncomplete);
            None
        }
    };

    let disputed = outcome.as_deref() == Some("dispute");
    let reason = non_empty(&input.dispute_reason);
    let dispute = match (disputed, input.dispute_documents.is_empty(), reason) {
        (false, true, None) => None,
        (true, false, Some(reason)) => Some((input.dispute_documents.clone(), reason)),
        _ => {
            problems.push(ActionProblem::DisputeIncomplete);
            None
        }
    };

    let next_action_on = date(&input.next_action_on, ActionField::NextActionOn, &mut problems);
    if let (Some(next), Some(action_on)) = (next_action_on, action_on)
        && next < action_on
    {
        problems.push(ActionProblem::NextActionBeforeAction);
    }
    let task = non_empty(&input.task).and_then(|text| text.parse::<i64>().ok());

    match (action_on, kind) {
        (Some(action_on), Some(kind)) if problems.is_empty() => {
            Ok(ValidAction { action_on, kind, outcome, promise, dispute, notes: non_empty(&input.notes), next_action_on, task })
        }
        _ => Err(problems),
    }
}

/// Stores the action, its disputes and the completed task in one
/// transaction, with an audit event. Returns the stored action. A disputed
/// document number that is not one of the customer's rejects the whole
/// action.
pub async fn store_action(
    state: &AppState,
    actor: &Actor,
    portfolio_id: i64,
    customer_id: i64,
    customer_ref: &str,
    currency: Currency,
    action: &ValidAction,
) -> Result<ActionData, WebError> {
    let mut tx = state.store.begin().await?;
    let key = format!("user:{}:{}", actor.username, crate::auth::new_token());
    let data = ActionData {
        customer_id,
        action_key: key,
        action_on: action.action_on,
        kind: action.kind.clone(),
        outcome: action.outcome.clone(),
        collector: Some(actor.username.clone()),
        notes: action.notes.clone(),
        next_action_kind: action.next_action_on.map(|_| "follow_up".to_string()),
        next_action_on: action.next_action_on,
        promise_amount_minor: action.promise.map(|(amount, _)| amount),
        promise_currency: action.promise.map(|_| currency),
        promise_on: action.promise.map(|(_, on)| on),
        source: "user",
    };
    ledger::insert_action(&mut tx, portfolio_id, &data).await?;

    if let Some((numbers, reason)) = &action.dispute {
        let documents = browse::customer_documents(&mut tx, customer_id, DOCUMENT_LIMIT).await?;
        for number in numbers {
            let document = documents.iter().find(|document| &document.number == number).ok_or_else(|| WebError::BadRequest(format!("document {number} is not one of this customer's")))?;
            ledger::insert_dispute(&mut tx, portfolio_id, document.id, action.action_on, reason).await?;
        }
    }
    if let Some(task_id) = action.task {
        browse::complete_task(&mut tx, task_id, customer_id).await?;
    }
    recobro_store::users::insert_audit_event(&mut tx, &actor.username, "action.logged", &format!("customer:{customer_ref}"), Some(&action.kind)).await?;
    tx.commit().await.map_err(recobro_store::StoreError::from)?;
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: NumberFormat = NumberFormat { decimal: '.', thousands: None };

    fn usd() -> Currency {
        Currency::parse("USD").unwrap()
    }

    fn input(date: &str, kind: &str) -> ActionInput {
        ActionInput { action_on: Some(date.into()), kind: Some(kind.into()), ..ActionInput::default() }
    }

    #[test]
    fn plain_call_is_valid() {
        let action = validate(&input("2024-03-01", "call"), PLAIN, usd()).unwrap();
        assert_eq!(action.action_on, NaiveDate::from_ymd_opt(2024, 3, 1).unwrap());
        assert_eq!(action.kind, "call");
        assert_eq!(action.promise, None);
    }

    #[test]
    fn missing_and_unknown_fields() {
        let problems = validate(&ActionInput { kind: Some("fax".into()), outcome: Some("maybe".into()), ..ActionInput::default() }, PLAIN, usd()).unwrap_err();
        assert_eq!(
            problems,
            vec![
                ActionProblem::Missing(ActionField::Date),
                ActionProblem::NotAnOption(ActionField::Kind, "fax".into()),
                ActionProblem::NotAnOption(ActionField::Outcome, "maybe".into()),
            ]
        );
    }

    #[test]
    fn promise_needs_amount_and_date() {
        let mut promise = input("2024-03-01", "call");
        promise.outcome = Some("promise_to_pay".into());
        promise.promise_amount = Some("150.50".into());
        assert_eq!(validate(&promise, PLAIN, usd()).unwrap_err(), vec![ActionProblem::PromiseIncomplete]);

        promise.promise_on = Some("2024-02-01".into());
        assert_eq!(validate(&promise, PLAIN, usd()).unwrap_err(), vec![ActionProblem::PromiseBeforeAction]);

        promise.promise_on = Some("2024-03-15".into());
        let action = validate(&promise, PLAIN, usd()).unwrap();
        assert_eq!(action.promise, Some((15_050, NaiveDate::from_ymd_opt(2024, 3, 15).unwrap())));
    }

    #[test]
    fn amount_must_be_positive_and_fit_the_currency() {
        for text in ["0", "-5", "1.234", "abc"] {
            let mut promise = input("2024-03-01", "call");
            promise.promise_amount = Some(text.into());
            promise.promise_on = Some("2024-03-15".into());
            let problems = validate(&promise, PLAIN, usd()).unwrap_err();
            assert!(problems.contains(&ActionProblem::InvalidAmount(text.into())), "{text}: {problems:?}");
        }
    }

    #[test]
    fn dispute_needs_outcome_documents_and_reason() {
        let mut dispute = input("2024-03-01", "call");
        dispute.outcome = Some("dispute".into());
        assert_eq!(validate(&dispute, PLAIN, usd()).unwrap_err(), vec![ActionProblem::DisputeIncomplete]);

        dispute.dispute_documents = vec!["INV-1".into()];
        dispute.dispute_reason = Some("goods damaged".into());
        let action = validate(&dispute, PLAIN, usd()).unwrap();
        assert_eq!(action.dispute, Some((vec!["INV-1".to_string()], "goods damaged".to_string())));

        dispute.outcome = Some("contact".into());
        assert_eq!(validate(&dispute, PLAIN, usd()).unwrap_err(), vec![ActionProblem::DisputeIncomplete]);
    }

    #[test]
    fn dates_are_checked() {
        let mut action = input("2024-02-30", "call");
        action.next_action_on = Some("soon".into());
        assert_eq!(
            validate(&action, PLAIN, usd()).unwrap_err(),
            vec![ActionProblem::InvalidDate(ActionField::Date, "2024-02-30".into()), ActionProblem::InvalidDate(ActionField::NextActionOn, "soon".into())]
        );

        let mut early = input("2024-03-01", "call");
        early.next_action_on = Some("2024-02-28".into());
        assert_eq!(validate(&early, PLAIN, usd()).unwrap_err(), vec![ActionProblem::NextActionBeforeAction]);
    }
}
