//! The counts behind the portfolio health check, each read with one
//! query so that the check stays quick on a large portfolio.

use chrono::NaiveDate;
use sqlx::Row;

use crate::{Conn, Result, date_text};

/// Raw figures of a portfolio on a date; the app layer judges them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HealthFacts {
    pub latest_run: Option<NaiveDate>,
    pub customers: i64,
    pub open_cases: i64,
    /// Open cases whose customer has an action in the 30 days to the date.
    pub open_cases_with_recent_action: i64,
    pub actions_recorded: i64,
    /// Whether a policy version of the portfolio is in force on the date.
    pub policy_saved: bool,
    pub active_collectors: i64,
    pub active_deciders: i64,
    pub open_cases_unassigned: i64,
    pub open_tasks: i64,
    pub overdue_tasks: i64,
    pub open_promises: i64,
    pub interest_rules: i64,
    pub plans_active: i64,
    pub plans_total: i64,
    pub offers_total: i64,
    pub offers_paid: i64,
    pub customers_do_not_continue: i64,
    pub customers_credit_hold: i64,
    pub pending_status_suggestions: i64,
    pub active_law_firms: i64,
    pub open_referrals: i64,
    pub pending_proposals: i64,
}

async fn count(conn: &mut Conn, sql: &'static str, portfolio_id: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(sql).bind(portfolio_id).fetch_one(&mut *conn).await?)
}

pub async fn facts(conn: &mut Conn, portfolio_id: i64, as_of: NaiveDate) -> Result<HealthFacts> {
    let latest_run = crate::runs::latest_run_date(conn, portfolio_id).await?;
    let since = as_of - chrono::Days::new(30);

    let recent = sqlx::query(
        "SELECT COUNT(*) AS open_cases, \
           SUM(CASE WHEN EXISTS (SELECT 1 FROM collection_action a WHERE a.customer_id = k.customer_id AND a.action_on > $2 AND a.action_on <= $3) THEN 1 ELSE 0 END) AS with_action, \
           SUM(CASE WHEN c.collector IS NULL THEN 1 ELSE 0 END) AS unassigned \
         FROM collection_case k JOIN customer c ON c.id = k.customer_id WHERE k.portfolio_id = $1 AND k.status = 'open'",
    )
    .bind(portfolio_id)
    .bind(date_text(since))
    .bind(date_text(as_of))
    .fetch_one(&mut *conn)
    .await?;
    let tasks = sqlx::query(
        "SELECT COUNT(*) AS open_tasks, SUM(CASE WHEN due_on < $2 THEN 1 ELSE 0 END) AS overdue FROM task WHERE portfolio_id = $1 AND status = 'open'",
    )
    .bind(portfolio_id)
    .bind(date_text(as_of))
    .fetch_one(&mut *conn)
    .await?;
    let users = sqlx::query(
        "SELECT SUM(CASE WHEN role = 'collector' THEN 1 ELSE 0 END) AS collectors, \
           SUM(CASE WHEN role IN ('manager', 'admin') THEN 1 ELSE 0 END) AS deciders FROM app_user WHERE active = 1",
    )
    .fetch_one(&mut *conn)
    .await?;
    let sum = |row: &crate::AnyRow, column: &str| -> Result<i64> { Ok(row.try_get::<Option<i64>, _>(column)?.unwrap_or(0)) };

    Ok(HealthFacts {
        latest_run,
        customers: count(conn, "SELECT COUNT(*) FROM customer WHERE portfolio_id = $1", portfolio_id).await?,
        open_cases: recent.try_get("open_cases")?,
        open_cases_with_recent_action: sum(&recent, "with_action")?,
        actions_recorded: count(conn, "SELECT COUNT(*) FROM collection_action WHERE portfolio_id = $1", portfolio_id).await?,
        policy_saved: crate::policies::policy_in_force(conn, portfolio_id, as_of).await?.is_some(),
        active_collectors: sum(&users, "collectors")?,
        active_deciders: sum(&users, "deciders")?,
        open_cases_unassigned: sum(&recent, "unassigned")?,
        open_tasks: tasks.try_get("open_tasks")?,
        overdue_tasks: sum(&tasks, "overdue")?,
        open_promises: count(conn, "SELECT COUNT(*) FROM collection_action WHERE portfolio_id = $1 AND promise_on IS NOT NULL AND (promise_status IS NULL OR promise_status = 'open')", portfolio_id).await?,
        interest_rules: count(conn, "SELECT COUNT(*) FROM interest_rule WHERE portfolio_id = $1", portfolio_id).await?,
        plans_active: count(conn, "SELECT COUNT(*) FROM payment_plan WHERE portfolio_id = $1 AND status = 'active'", portfolio_id).await?,
        plans_total: count(conn, "SELECT COUNT(*) FROM payment_plan WHERE portfolio_id = $1", portfolio_id).await?,
        offers_total: count(conn, "SELECT COUNT(*) FROM settlement_offer WHERE portfolio_id = $1", portfolio_id).await?,
        offers_paid: count(conn, "SELECT COUNT(*) FROM settlement_offer WHERE portfolio_id = $1 AND status = 'paid'", portfolio_id).await?,
        customers_do_not_continue: count(conn, "SELECT COUNT(*) FROM customer WHERE portfolio_id = $1 AND status = 'do_not_continue'", portfolio_id).await?,
        customers_credit_hold: count(conn, "SELECT COUNT(*) FROM customer WHERE portfolio_id = $1 AND status = 'credit_hold'", portfolio_id).await?,
        pending_status_suggestions: crate::teams::count_pending_suggestions(conn, portfolio_id).await?,
        active_law_firms: sqlx::query_scalar("SELECT COUNT(*) FROM law_firm WHERE active = 1").fetch_one(&mut *conn).await?,
        open_referrals: count(conn, "SELECT COUNT(*) FROM legal_referral WHERE portfolio_id = $1 AND status NOT IN ('proposed', 'rejected', 'closed')", portfolio_id).await?,
        pending_proposals: count(conn, "SELECT COUNT(*) FROM legal_referral WHERE portfolio_id = $1 AND status = 'proposed'", portfolio_id).await?,
    })
}
