//! Teams with member capacities, assignment rules, and the relationship
//! statuses suggested by the daily run.

use std::collections::HashMap;

use chrono::NaiveDate;
use recobro_core::assignment::{AssignmentRule, CustomerToAssign, Team, TeamMember};
use sqlx::Row;

use crate::ledger::{BULK_ROWS, values_list};
use crate::{Conn, Result, date_text, get_date};

/// Replaces a portfolio's teams and rules with `teams` and `rules`, in
/// rule order. Member loads in `teams` are ignored.
pub async fn replace_teams(conn: &mut Conn, portfolio_id: i64, teams: &[Team], rules: &[AssignmentRule]) -> Result<()> {
    sqlx::query("DELETE FROM assignment_rule WHERE portfolio_id = $1").bind(portfolio_id).execute(&mut *conn).await?;
    sqlx::query("DELETE FROM team_member WHERE team_id IN (SELECT id FROM team WHERE portfolio_id = $1)").bind(portfolio_id).execute(&mut *conn).await?;
    sqlx::query("DELETE FROM team WHERE portfolio_id = $1").bind(portfolio_id).execute(&mut *conn).await?;

    let mut team_ids = HashMap::new();
    for team in teams {
        let id: i64 = sqlx::query_scalar("INSERT INTO team (portfolio_id, code, name) VALUES ($1, $2, $3) RETURNING id")
            .bind(portfolio_id)
            .bind(&team.code)
            .bind(&team.name)
            .fetch_one(&mut *conn)
            .await?;
        for member in &team.members {
            sqlx::query("INSERT INTO team_member (team_id, collector, capacity) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(&member.collector)
                .bind(member.capacity)
                .execute(&mut *conn)
                .await?;
        }
        team_ids.insert(team.code.as_str(), id);
    }

    for (position, rule) in rules.iter().enumerate() {
        sqlx::query(
            "INSERT INTO assignment_rule (portfolio_id, position, team_id, segment, region, min_balance_minor, max_balance_minor) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(portfolio_id)
        .bind(position as i64 + 1)
        .bind(team_ids[rule.team.as_str()])
        .bind(&rule.segment)
        .bind(&rule.region)
        .bind(rule.min_balance_minor)
        .bind(rule.max_balance_minor)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Loads a portfolio's teams, with each member's load counted as the
/// customers assigned to them that have an open case, and its rules in order.
pub async fn load_teams(conn: &mut Conn, portfolio_id: i64) -> Result<(Vec<Team>, Vec<AssignmentRule>)> {
    let loads = open_case_loads(conn, portfolio_id).await?;
    let rows = sqlx::query(
        "SELECT t.code, t.name, m.collector, m.capacity FROM team t LEFT JOIN team_member m ON m.team_id = t.id \
         WHERE t.portfolio_id = $1 ORDER BY t.code, m.collector",
    )
    .bind(portfolio_id)
    .fetch_all(&mut *conn)
    .await?;

    let mut teams: Vec<Team> = Vec::new();
    for row in &rows {
        let code: String = row.try_get("code")?;
        if teams.last().is_none_or(|team| team.code != code) {
            teams.push(Team { code, name: row.try_get("name")?, members: Vec::new() });
        }
        let collector: Option<String> = row.try_get("collector")?;
        if let Some(collector) = collector {
            let load = loads.get(&collector).copied().unwrap_or(0);
            let team = teams.last_mut().expect("pushed above");
            team.members.push(TeamMember { collector, capacity: row.try_get("capacity")?, load });
        }
    }

    let rows = sqlx::query(
        "SELECT t.code, r.segment, r.region, r.min_balance_minor, r.max_balance_minor FROM assignment_rule r \
         JOIN team t ON t.id = r.team_id WHERE r.portfolio_id = $1 ORDER BY r.position",
    )
    .bind(portfolio_id)
    .fetch_all(&mut *conn)
    .await?;
    let rules = rows
        .iter()
        .map(|row| {
            Ok(AssignmentRule {
                team: row.try_get("code")?,
                segment: row.try_get("segment")?,
                region: row.try_get("region")?,
                min_balance_minor: row.try_get("min_balance_minor")?,
                max_balance_minor: row.try_get("max_balance_minor")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((teams, rules))
}

async fn open_case_loads(conn: &mut Conn, portfolio_id: i64) -> Result<HashMap<String, i64>> {
    let rows = sqlx::query(
        "SELECT c.collector, COUNT(*) AS load FROM customer c JOIN collection_case k ON k.customer_id = c.id AND k.status = 'open' \
         WHERE c.portfolio_id = $1 AND c.collector IS NOT NULL GROUP BY c.collector",
    )
    .bind(portfolio_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|row| Ok((row.try_get("collector")?, row.try_get("load")?))).collect()
}

/// Unassigned customers with an open case, with the segment, region and
/// case balance the assignment rules look at.
pub async fn customers_to_assign(conn: &mut Conn, portfolio_id: i64) -> Result<Vec<CustomerToAssign>> {
    let rows = sqlx::query(
        "SELECT c.external_ref, c.segment, c.region, k.balance_minor FROM customer c \
         JOIN collection_case k ON k.customer_id = c.id AND k.status = 'open' \
         WHERE c.portfolio_id = $1 AND c.collector IS NULL ORDER BY c.external_ref",
    )
    .bind(portfolio_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(CustomerToAssign {
                customer_ref: row.try_get("external_ref")?,
                segment: row.try_get("segment")?,
                region: row.try_get("region")?,
                balance_minor: row.try_get("balance_minor")?,
            })
        })
        .collect()
}

/// Counts, per customer, the promises judged broken or partly kept on or
/// after `since`.
pub async fn unkept_promise_counts(conn: &mut Conn, portfolio_id: i64, since: NaiveDate) -> Result<HashMap<i64, u32>> {
    let rows = sqlx::query(
        "SELECT customer_id, COUNT(*) AS unkept FROM collection_action \
         WHERE portfolio_id = $1 AND promise_status IN ('broken', 'partly_kept') AND promise_settled_on >= $2 GROUP BY customer_id",
    )
    .bind(portfolio_id)
    .bind(date_text(since))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let count: i64 = row.try_get("unkept")?;
            Ok((row.try_get("customer_id")?, u32::try_from(count).unwrap_or(u32::MAX)))
        })
        .collect()
}

/// Records suggestions `(customer id, status, reason)`, skipping any
/// customer and status that already has one in any state, so a dismissed
/// suggestion is not raised again. Returns how many rows were inserted.
pub async fn insert_suggestions(conn: &mut Conn, portfolio_id: i64, suggestions: &[(i64, &str, &str)], on: NaiveDate) -> Result<u64> {
    let rows = sqlx::query("SELECT customer_id, suggested_status FROM status_suggestion WHERE portfolio_id = $1").bind(portfolio_id).fetch_all(&mut *conn).await?;
    let mut existing = std::collections::HashSet::with_capacity(rows.len());
    for row in &rows {
        existing.insert((row.try_get::<i64, _>("customer_id")?, row.try_get::<String, _>("suggested_status")?));
    }
    let new: Vec<&(i64, &str, &str)> =
        suggestions.iter().filter(|(customer_id, status, _)| existing.insert((*customer_id, (*status).to_string()))).collect();

    for chunk in new.chunks(BULK_ROWS) {
        let sql = format!(
            "INSERT INTO status_suggestion (portfolio_id, customer_id, suggested_status, reason, suggested_on, state) VALUES {}",
            values_list(conn, chunk.len(), "({}, {}, {}, {}, {}, 'pending')")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (customer_id, status, reason) in chunk {
            query = query.bind(portfolio_id).bind(*customer_id).bind(*status).bind(*reason).bind(date_text(on));
        }
        query.execute(&mut *conn).await?;
    }
    Ok(new.len() as u64)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub id: i64,
    pub customer_ref: String,
    pub customer_name: String,
    pub current_status: String,
    pub suggested_status: String,
    pub reason: String,
    pub suggested_on: NaiveDate,
    pub state: String,
}

const SUGGESTION_COLUMNS: &str = "s.id, c.external_ref, c.name, c.status, s.suggested_status, s.reason, s.suggested_on, s.state";

fn suggestion_from_row(row: &sqlx::any::AnyRow) -> Result<Suggestion> {
    Ok(Suggestion {
        id: row.try_get("id")?,
        customer_ref: row.try_get("external_ref")?,
        customer_name: row.try_get("name")?,
        current_status: row.try_get("status")?,
        suggested_status: row.try_get("suggested_status")?,
        reason: row.try_get("reason")?,
        suggested_on: get_date(row, "suggested_on")?,
        state: row.try_get("state")?,
    })
}

/// Pending suggestions of a portfolio, strictest status first, then oldest.
pub async fn pending_suggestions(conn: &mut Conn, portfolio_id: i64, limit: i64) -> Result<Vec<Suggestion>> {
    let sql = format!(
        "SELECT {SUGGESTION_COLUMNS} FROM status_suggestion s JOIN customer c ON c.id = s.customer_id \
         WHERE s.portfolio_id = $1 AND s.state = 'pending' \
         ORDER BY CASE s.suggested_status WHEN 'do_not_continue' THEN 0 WHEN 'credit_hold' THEN 1 ELSE 2 END, s.suggested_on, c.external_ref LIMIT $2"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(portfolio_id).bind(limit).fetch_all(&mut *conn).await?;
    rows.iter().map(suggestion_from_row).collect()
}

pub async fn count_pending_suggestions(conn: &mut Conn, portfolio_id: i64) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM status_suggestion WHERE portfolio_id = $1 AND state = 'pending'").bind(portfolio_id).fetch_one(&mut *conn).await?)
}

pub async fn find_suggestion(conn: &mut Conn, portfolio_id: i64, id: i64) -> Result<Option<Suggestion>> {
    let sql = format!("SELECT {SUGGESTION_COLUMNS} FROM status_suggestion s JOIN customer c ON c.id = s.customer_id WHERE s.portfolio_id = $1 AND s.id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(portfolio_id).bind(id).fetch_optional(&mut *conn).await?;
    row.as_ref().map(suggestion_from_row).transpose()
}

/// Confirms or dismisses a pending suggestion; a confirmation also sets the
/// customer's status. Returns false when the suggestion is not pending.
pub async fn decide_suggestion(conn: &mut Conn, portfolio_id: i64, id: i64, confirm: bool, decided_by: &str, decided_on: NaiveDate) -> Result<bool> {
    let state = if confirm { "confirmed" } else { "dismissed" };
    let updated = sqlx::query("UPDATE status_suggestion SET state = $3, decided_by = $4, decided_on = $5 WHERE portfolio_id = $1 AND id = $2 AND state = 'pending'")
        .bind(portfolio_id)
        .bind(id)
        .bind(state)
        .bind(decided_by)
        .bind(date_text(decided_on))
        .execute(&mut *conn)
        .await?;
    if updated.rows_affected() == 0 {
        return Ok(false);
    }

    if confirm {
        sqlx::query("UPDATE customer SET status = (SELECT suggested_status FROM status_suggestion WHERE id = $1) WHERE id = (SELECT customer_id FROM status_suggestion WHERE id = $1)")
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(true)
}
