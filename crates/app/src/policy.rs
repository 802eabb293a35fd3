//! The collection policy as a TOML file, its versions by effective date,
//! and the simulation of a proposed policy on a portfolio.
//!
//! ```toml
//! [[stage]]
//! code = "reminder"
//! min_days_past_due = 1
//! actions = ["reminder"]
//! owner = "collector"          # collector, manager or legal; default collector
//! segment = "SMB"              # optional: only customers of this segment
//! min_balance = "100.00"       # optional: only balances of at least this amount
//! ```

use std::collections::BTreeMap;

use chrono::NaiveDate;
use recobro_core::money::format_minor;
use recobro_core::number::{NumberFormat, parse_amount};
use recobro_core::policy::{CaseStanding, Owner};
use recobro_core::{Currency, Money, Policy, StageAction, StageRule};
use recobro_store::{Conn, Store, StoreError, policies, portfolio, runs};
use serde::{Deserialize, Serialize};

use crate::standing;

#[derive(Debug, thiserror::Error)]
pub enum PolicyFileError {
    #[error("{file}: invalid policy: {message}")]
    Invalid { file: String, message: String },
    #[error("portfolio {0:?} not found: see `recobro portfolio list`")]
    UnknownPortfolio(String),
    #[error("a policy effective on {effective} would change the run of {latest}: choose an effective date after {latest}")]
    EffectiveInThePast { effective: NaiveDate, latest: NaiveDate },
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    #[serde(rename = "stage")]
    stages: Vec<StageEntry>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StageEntry {
    code: String,
    min_days_past_due: i64,
    actions: Vec<String>,
    #[serde(default)]
    owner: Owner,
    #[serde(skip_serializing_if = "Option::is_none")]
    segment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    min_balance: Option<String>,
}

/// Parses and validates a policy file. `file` names it in errors; amounts
/// are in `currency`, written with a `.` decimal separator.
pub fn parse_policy(file: &str, text: &str, currency: Currency) -> Result<Policy, PolicyFileError> {
    let invalid = |message: String| PolicyFileError::Invalid { file: file.to_string(), message };
    let parsed: PolicyFile = toml::from_str(text).map_err(|error| invalid(error.to_string()))?;

    let mut stages = Vec::with_capacity(parsed.stages.len());
    for entry in parsed.stages {
        let mut actions = Vec::with_capacity(entry.actions.len());
        for code in &entry.actions {
            let action = StageAction::from_code(code).ok_or_else(|| {
                let known: Vec<&str> = StageAction::ALL.iter().map(StageAction::code).collect();
                invalid(format!("stage {:?}: unknown action {code:?}; known actions: {}", entry.code, known.join(", ")))
            })?;
            actions.push(action);
        }
        let min_balance_minor = match &entry.min_balance {
            Some(text) => {
                let format = NumberFormat { decimal: '.', thousands: None };
                let amount = parse_amount(text, format).map_err(|_| invalid(format!("stage {:?}: min_balance {text:?} is not an amount such as \"1500.00\"", entry.code)))?;
                let money = Money::from_decimal(amount, currency).map_err(|error| invalid(format!("stage {:?}: min_balance: {error}", entry.code)))?;
                Some(money.minor)
            }
            None => None,
        };
        stages.push(StageRule { code: entry.code, min_days_past_due: entry.min_days_past_due, segment: entry.segment, min_balance_minor, actions, owner: entry.owner });
    }

    let policy = Policy { stages };
    policy.validate().map_err(|error| invalid(error.to_string()))?;
    Ok(policy)
}

/// Writes a policy as the TOML that [`parse_policy`] reads.
pub fn policy_to_toml(policy: &Policy, currency: Currency) -> String {
    let file = PolicyFile {
        stages: policy
            .stages
            .iter()
            .map(|stage| StageEntry {
                code: stage.code.clone(),
                min_days_past_due: stage.min_days_past_due,
                actions: stage.actions.iter().map(|action| action.code().to_string()).collect(),
                owner: stage.owner,
                segment: stage.segment.clone(),
                min_balance: stage.min_balance_minor.map(|minor| format_minor(minor, currency)),
            })
            .collect(),
    };
    toml::to_string(&file).expect("a policy always serializes")
}

/// The policy in force on `date`: the latest version effective on or
/// before it, else the default policy.
pub async fn policy_in_force(conn: &mut Conn, portfolio_id: i64, currency: Currency, date: NaiveDate) -> Result<Policy, PolicyFileError> {
    match policies::policy_in_force(conn, portfolio_id, date).await? {
        Some(version) => parse_policy("stored policy", &version.policy_toml, currency),
        None => Ok(Policy::default()),
    }
}

/// Stores a new policy version effective on `effective_on`, after the
/// latest run, with an audit event.
pub async fn set_policy(store: &Store, portfolio_code: &str, effective_on: NaiveDate, policy: &Policy, actor: &str) -> Result<(), PolicyFileError> {
    let mut tx = store.begin().await?;
    let found = portfolio::find(&mut tx, portfolio_code).await?.ok_or_else(|| PolicyFileError::UnknownPortfolio(portfolio_code.to_string()))?;
    if let Some(latest) = runs::latest_run_date(&mut tx, found.id).await?
        && effective_on <= latest
    {
        return Err(PolicyFileError::EffectiveInThePast { effective: effective_on, latest });
    }
    let text = policy_to_toml(policy, found.currency);
    policies::save_policy_version(&mut tx, found.id, effective_on, &text, actor).await?;
    let detail = format!("effective {effective_on}, {} stages", policy.stages.len());
    recobro_store::users::insert_audit_event(&mut tx, actor, "policy.set", &format!("portfolio:{portfolio_code}"), Some(&detail)).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// Cases and overdue amount in one stage of a simulation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageCount {
    pub stage: String,
    pub cases: u64,
    pub amount: String,
    /// Tasks entering this stage would create per case.
    pub actions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SimulatedPolicy {
    pub stages: Vec<StageCount>,
    /// Cases with an overdue balance that no stage covers.
    pub unstaged_cases: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Simulation {
    pub portfolio: String,
    pub as_of: NaiveDate,
    pub currency: String,
    pub current: SimulatedPolicy,
    pub proposed: SimulatedPolicy,
}

/// Places every case of the portfolio under the policy in force and under
/// `proposed`, as of a date, without writing anything.
pub async fn simulate(store: &Store, portfolio_code: &str, as_of: NaiveDate, proposed: &Policy) -> Result<Simulation, PolicyFileError> {
    let mut conn = store.acquire().await?;
    let found = portfolio::find(&mut conn, portfolio_code).await?.ok_or_else(|| PolicyFileError::UnknownPortfolio(portfolio_code.to_string()))?;
    let current = policy_in_force(&mut conn, found.id, found.currency, as_of).await?;
    let standings = standing::load(&mut conn, found.id, as_of).await?;

    Ok(Simulation {
        portfolio: found.code.clone(),
        as_of,
        currency: found.currency.code().to_string(),
        current: place_cases(&standings, &current, as_of),
        proposed: place_cases(&standings, proposed, as_of),
    })
}

fn place_cases(standings: &standing::PortfolioStandings, policy: &Policy, as_of: NaiveDate) -> SimulatedPolicy {
    let mut cases = vec![0u64; policy.stages.len()];
    let mut amounts: Vec<BTreeMap<Currency, i64>> = vec![BTreeMap::new(); policy.stages.len()];
    let mut unstaged_cases = 0;
    for (customer_id, (currency, standing)) in standings.case_standings() {
        let customer = &standings.customers[&customer_id];
        let balance_minor = standing.aging.total_minor();
        let case = CaseStanding { oldest_due_date: standing.oldest_due_date, balance_minor, segment: customer.segment.as_deref() };
        match policy.evaluate(as_of, case) {
            Some(index) => {
                cases[index] += 1;
                *amounts[index].entry(currency).or_default() += standing.aging.overdue_minor();
            }
            None if balance_minor > 0 && standing.days_past_due(as_of) > 0 => unstaged_cases += 1,
            None => {}
        }
    }

    let stages = policy
        .stages
        .iter()
        .enumerate()
        .map(|(index, stage)| StageCount {
            stage: stage.code.clone(),
            cases: cases[index],
            amount: amounts[index].iter().map(|(currency, minor)| format!("{} {currency}", format_minor(*minor, *currency))).collect::<Vec<_>>().join(" + "),
            actions: stage.actions.iter().map(|action| action.code().to_string()).collect(),
        })
        .collect();
    SimulatedPolicy { stages, unstaged_cases }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd() -> Currency {
        Currency::parse("USD").unwrap()
    }

    #[test]
    fn default_policy_round_trips() {
        let text = policy_to_toml(&Policy::default(), usd());
        assert_eq!(parse_policy("default", &text, usd()).unwrap(), Policy::default());
    }

    #[test]
    fn segment_and_minimum_balance_parse() {
        let text = "[[stage]]\ncode = \"a\"\nmin_days_past_due = 1\nactions = [\"reminder_email\"]\nsegment = \"SMB\"\nmin_balance = \"1500.50\"\nowner = \"manager\"\n";
        let policy = parse_policy("p.toml", text, usd()).unwrap();
        assert_eq!(policy.stages[0].min_balance_minor, Some(150_050));
        assert_eq!(policy.stages[0].segment.as_deref(), Some("SMB"));
        assert_eq!(policy.stages[0].owner, Owner::Manager);
    }

    #[test]
    fn bad_policies_name_the_problem() {
        let cases = [
            ("[[stage]]\ncode = \"a\"\nmin_days_past_due = 1\nactions = [\"shout\"]\n", "unknown action \"shout\""),
            ("[[stage]]\ncode = \"a\"\nmin_days_past_due = 0\nactions = [\"reminder\"]\n", "must start at 1 or more days"),
            ("[[stage]]\ncode = \"a\"\nmin_days_past_due = 1\nactions = [\"reminder\"]\nmin_balance = \"ten\"\n", "min_balance \"ten\""),
            ("[[stage]]\ncode = \"a\"\nmin_days = 1\nactions = [\"reminder\"]\n", "unknown field"),
            ("stage = []\n", "at least one stage"),
        ];
        for (text, expected) in cases {
            let message = parse_policy("p.toml", text, usd()).unwrap_err().to_string();
            assert!(message.contains(expected), "{message:?} should contain {expected:?}");
            assert!(message.starts_with("p.toml: "), "{message:?}");
        }
    }
}
