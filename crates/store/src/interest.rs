//! Late-interest rules of a portfolio or a customer, interest waivers, and
//! the documents, allocations and disputes an interest statement reads.

use chrono::NaiveDate;
use recobro_core::Currency;
use sqlx::Row;

use crate::{AnyRow, Conn, Result, date_text, get_currency, get_date, get_optional_date};

/// A stored late-interest rule. Exactly one of `regime` and `annual_rate`
/// is set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRule {
    pub id: i64,
    /// `None` for the portfolio's rule, the customer for an override.
    pub customer_id: Option<i64>,
    pub customer_ref: Option<String>,
    /// A statutory regime code such as `es-late-payment`.
    pub regime: Option<String>,
    /// A contractual annual rate in percent, as exact decimal text.
    pub annual_rate: Option<String>,
    /// `act365`, `act360` or `actact`.
    pub day_count: String,
    pub grace_days: i64,
    pub effective_on: NaiveDate,
    pub created_by: String,
    /// RFC 3339 UTC instant.
    pub created_at: String,
}

/// A rule to insert; see [`StoredRule`] for the fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRule {
    pub customer_id: Option<i64>,
    pub regime: Option<String>,
    pub annual_rate: Option<String>,
    pub day_count: String,
    pub grace_days: i64,
    pub effective_on: NaiveDate,
    pub created_by: String,
}

/// Inserts a rule and returns its id. A later rule with the same effective
/// date takes precedence over an earlier one, so rules are never updated.
pub async fn insert_rule(conn: &mut Conn, portfolio_id: i64, rule: &NewRule) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO interest_rule (portfolio_id, customer_id, regime, annual_rate, day_count, grace_days, effective_on, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(portfolio_id)
    .bind(rule.customer_id)
    .bind(rule.regime.as_deref())
    .bind(rule.annual_rate.as_deref())
    .bind(&rule.day_count)
    .bind(rule.grace_days)
    .bind(date_text(rule.effective_on))
    .bind(&rule.created_by)
    .bind(chrono::Utc::now().to_rfc3339())
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get("id")?)
}

const RULE_COLUMNS: &str = "r.id, r.customer_id, c.external_ref AS customer_ref, r.regime, r.annual_rate, r.day_count, r.grace_days, r.effective_on, r.created_by, r.created_at";

/// Finds the rule in force for a customer on `date`: the customer's own
/// rule with the latest effective date on or before it, else the
/// portfolio's. Among rules with the same effective date the last inserted
/// wins.
pub async fn rule_in_force(conn: &mut Conn, portfolio_id: i64, customer_id: i64, date: NaiveDate) -> Result<Option<StoredRule>> {
    let query = format!(
        "SELECT {RULE_COLUMNS} FROM interest_rule r LEFT JOIN customer c ON c.id = r.customer_id \
         WHERE r.portfolio_id = $1 AND (r.customer_id = $2 OR r.customer_id IS NULL) AND r.effective_on <= $3 \
         ORDER BY CASE WHEN r.customer_id IS NULL THEN 1 ELSE 0 END, r.effective_on DESC, r.id DESC LIMIT 1"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(query)).bind(portfolio_id).bind(customer_id).bind(date_text(date)).fetch_optional(&mut *conn).await?;
    row.map(|row| rule_from_row(&row)).transpose()
}

/// Lists the rules of a portfolio: the portfolio's first, then each
/// customer's, each by effective date and insertion.
pub async fn list_rules(conn: &mut Conn, portfolio_id: i64) -> Result<Vec<StoredRule>> {
    let query = format!(
        "SELECT {RULE_COLUMNS} FROM interest_rule r LEFT JOIN customer c ON c.id = r.customer_id \
         WHERE r.portfolio_id = $1 ORDER BY CASE WHEN r.customer_id IS NULL THEN 0 ELSE 1 END, c.external_ref, r.effective_on, r.id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(query)).bind(portfolio_id).fetch_all(&mut *conn).await?;
    rows.iter().map(rule_from_row).collect()
}

fn rule_from_row(row: &AnyRow) -> Result<StoredRule> {
    Ok(StoredRule {
        id: row.try_get("id")?,
        customer_id: row.try_get("customer_id")?,
        customer_ref: row.try_get("customer_ref")?,
        regime: row.try_get("regime")?,
        annual_rate: row.try_get("annual_rate")?,
        day_count: row.try_get("day_count")?,
        grace_days: row.try_get("grace_days")?,
        effective_on: get_date(row, "effective_on")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
    })
}

/// Interest given up for a customer, for one document or for the customer
/// as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiver {
    pub id: i64,
    pub document_id: Option<i64>,
    pub amount_minor: i64,
    pub currency: Currency,
    pub waived_on: NaiveDate,
    pub reason: String,
    pub settlement_id: Option<i64>,
    pub approved_by: String,
}

/// A waiver to insert; see [`Waiver`] for the fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWaiver {
    pub customer_id: i64,
    pub document_id: Option<i64>,
    pub amount_minor: i64,
    pub currency: Currency,
    pub waived_on: NaiveDate,
    pub reason: String,
    pub settlement_id: Option<i64>,
    pub approved_by: String,
}

/// Inserts a waiver and returns its id. The amount must be greater than
/// zero; the schema rejects any other.
pub async fn insert_waiver(conn: &mut Conn, portfolio_id: i64, waiver: &NewWaiver) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO interest_waiver (portfolio_id, customer_id, document_id, amount_minor, currency, waived_on, reason, settlement_id, approved_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(portfolio_id)
    .bind(waiver.customer_id)
    .bind(waiver.document_id)
    .bind(waiver.amount_minor)
    .bind(waiver.currency.code())
    .bind(date_text(waiver.waived_on))
    .bind(&waiver.reason)
    .bind(waiver.settlement_id)
    .bind(&waiver.approved_by)
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get("id")?)
}

/// Lists a customer's waivers dated on or before `as_of`, oldest first.
pub async fn customer_waivers(conn: &mut Conn, customer_id: i64, as_of: NaiveDate) -> Result<Vec<Waiver>> {
    let rows = sqlx::query(
        "SELECT id, document_id, amount_minor, currency, waived_on, reason, settlement_id, approved_by FROM interest_waiver \
         WHERE customer_id = $1 AND waived_on <= $2 ORDER BY waived_on, id",
    )
    .bind(customer_id)
    .bind(date_text(as_of))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Waiver {
                id: row.try_get("id")?,
                document_id: row.try_get("document_id")?,
                amount_minor: row.try_get("amount_minor")?,
                currency: get_currency(row, "currency")?,
                waived_on: get_date(row, "waived_on")?,
                reason: row.try_get("reason")?,
                settlement_id: row.try_get("settlement_id")?,
                approved_by: row.try_get("approved_by")?,
            })
        })
        .collect()
}

/// An invoice or debit note with what changed its interest: the money
/// applied to it and its disputes, each as of the statement's date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivableHistory {
    pub id: i64,
    pub kind: String,
    pub number: String,
    pub currency: Currency,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub amount_minor: i64,
    /// Payments applied, as (allocation date, amount), oldest first.
    pub allocations: Vec<(NaiveDate, i64)>,
    /// Credit notes applied, as (allocation date, amount), oldest first.
    pub credits: Vec<(NaiveDate, i64)>,
    /// Disputes opened by then, as (opened on, resolved on); a resolution
    /// after `as_of` is left out, so the dispute reads as still open.
    pub disputes: Vec<(NaiveDate, Option<NaiveDate>)>,
}

/// Loads a customer's invoices and debit notes issued on or before
/// `as_of`, by due date, with their allocations and disputes up to that
/// date.
pub async fn receivable_histories(conn: &mut Conn, customer_id: i64, as_of: NaiveDate) -> Result<Vec<ReceivableHistory>> {
    let as_of_text = date_text(as_of);
    let rows = sqlx::query(
        "SELECT id, kind, number, currency, issue_date, due_date, amount_minor FROM document \
         WHERE customer_id = $1 AND kind <> 'credit_note' AND issue_date <= $2 ORDER BY due_date, number, id",
    )
    .bind(customer_id)
    .bind(&as_of_text)
    .fetch_all(&mut *conn)
    .await?;
    let mut documents = Vec::with_capacity(rows.len());
    for row in &rows {
        documents.push(ReceivableHistory {
            id: row.try_get("id")?,
            kind: row.try_get("kind")?,
            number: row.try_get("number")?,
            currency: get_currency(row, "currency")?,
            issue_date: get_date(row, "issue_date")?,
            due_date: get_date(row, "due_date")?,
            amount_minor: row.try_get("amount_minor")?,
            allocations: Vec::new(),
            credits: Vec::new(),
            disputes: Vec::new(),
        });
    }

    let allocations = sqlx::query(
        "SELECT a.document_id, a.allocated_on, a.amount_minor, a.credit_note_id FROM allocation a JOIN document d ON d.id = a.document_id \
         WHERE d.customer_id = $1 AND a.allocated_on <= $2 ORDER BY a.allocated_on, a.id",
    )
    .bind(customer_id)
    .bind(&as_of_text)
    .fetch_all(&mut *conn)
    .await?;
    for row in &allocations {
        let document_id: i64 = row.try_get("document_id")?;
        let from_credit_note = row.try_get::<Option<i64>, _>("credit_note_id")?.is_some();
        if let Some(document) = documents.iter_mut().find(|document| document.id == document_id) {
            let applied = (get_date(row, "allocated_on")?, row.try_get("amount_minor")?);
            if from_credit_note {
                document.credits.push(applied);
            } else {
                document.allocations.push(applied);
            }
        }
    }

    let disputes = sqlx::query(
        "SELECT x.document_id, x.opened_on, CASE WHEN x.resolved_on <= $2 THEN x.resolved_on ELSE NULL END AS resolved_on \
         FROM dispute x JOIN document d ON d.id = x.document_id \
         WHERE d.customer_id = $1 AND x.opened_on <= $2 ORDER BY x.opened_on, x.id",
    )
    .bind(customer_id)
    .bind(&as_of_text)
    .fetch_all(&mut *conn)
    .await?;
    for row in &disputes {
        let document_id: i64 = row.try_get("document_id")?;
        if let Some(document) = documents.iter_mut().find(|document| document.id == document_id) {
            document.disputes.push((get_date(row, "opened_on")?, get_optional_date(row, "resolved_on")?));
        }
    }
    Ok(documents)
}
