//! Stricter relationship statuses suggested by the daily run, for a manager
//! to confirm or dismiss.

use std::collections::{BTreeMap, HashMap};

use chrono::{Days, NaiveDate};
use recobro_core::Policy;
use recobro_core::policy::StageAction;
use recobro_core::status::{BROKEN_PROMISE_WINDOW_DAYS, CustomerStatus, StatusFacts, suggest_status};
use recobro_store::reports::CustomerInfo;
use recobro_store::{Conn, StoreError, teams};

/// Records a suggestion for every customer whose unkept promises or judicial
/// transfer proposal call for a stricter status than the current one.
/// `open_cases` maps each customer with an open case to its stage code.
/// Returns how many suggestions were new.
pub async fn suggest_statuses(
    conn: &mut Conn,
    portfolio_id: i64,
    as_of: NaiveDate,
    policy: &Policy,
    open_cases: &HashMap<i64, (i64, String)>,
    customers: &BTreeMap<i64, CustomerInfo>,
) -> Result<i64, StoreError> {
    let since = as_of.checked_sub_days(Days::new(BROKEN_PROMISE_WINDOW_DAYS as u64)).unwrap_or(as_of);
    let unkept = teams::unkept_promise_counts(conn, portfolio_id, since).await?;

    let mut candidates: Vec<i64> = unkept.keys().copied().chain(open_cases.keys().copied()).collect();
    candidates.sort_unstable();
    candidates.dedup();

    let mut suggestions = Vec::new();
    for customer_id in candidates {
        let Some(customer) = customers.get(&customer_id) else { continue };
        let judicial_transfer_proposed = open_cases.get(&customer_id).is_some_and(|(_, stage)| proposes_judicial_transfer(policy, stage));
        let facts = StatusFacts {
            current: CustomerStatus::from_code(&customer.status).unwrap_or(CustomerStatus::Active),
            unkept_promises: unkept.get(&customer_id).copied().unwrap_or(0),
            judicial_transfer_proposed,
        };
        if let Some((status, reason)) = suggest_status(facts) {
            suggestions.push((customer_id, status.code(), reason.code()));
        }
    }
    let created = teams::insert_suggestions(conn, portfolio_id, &suggestions, as_of).await?;
    Ok(created as i64)
}

fn proposes_judicial_transfer(policy: &Policy, stage_code: &str) -> bool {
    policy.stage_index(stage_code).is_some_and(|index| policy.stages[index].actions.contains(&StageAction::LegalTransferProposal))
}
