//! Payment plans, settlement offers and write-offs, and the documents
//! Recobro itself generates for them: the credit notes that close
//! refinanced, settled or written-off balances, and the debit notes of
//! refinanced installments.

use std::collections::HashSet;

use chrono::NaiveDate;
use recobro_core::Currency;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::ledger::{AllocationSource, StoredAllocation, insert_allocation, update_document_balance};
use crate::{Conn, Result, date_text, get_currency, get_date, get_optional_date};

/// An open receivable (invoice or debit note) of a customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenDocument {
    pub id: i64,
    pub kind: String,
    pub number: String,
    pub due_date: NaiveDate,
    pub open_minor: i64,
    pub currency: Currency,
    pub disputed: bool,
}

/// Open receivables of a customer in one currency, oldest due date first.
pub async fn open_documents(conn: &mut Conn, customer_id: i64, currency: Currency) -> Result<Vec<OpenDocument>> {
    let rows = sqlx::query(
        "SELECT d.id, d.kind, d.number, d.due_date, d.open_minor, d.currency, \
           CASE WHEN EXISTS (SELECT 1 FROM dispute s WHERE s.document_id = d.id AND s.status = 'open') THEN 1 ELSE 0 END AS disputed \
         FROM document d WHERE d.customer_id = $1 AND d.currency = $2 AND d.kind <> 'credit_note' AND d.open_minor > 0 \
         ORDER BY d.due_date, d.number",
    )
    .bind(customer_id)
    .bind(currency.code())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let disputed: i32 = row.try_get("disputed")?;
            Ok(OpenDocument {
                id: row.try_get("id")?,
                kind: row.try_get("kind")?,
                number: row.try_get("number")?,
                due_date: get_date(row, "due_date")?,
                open_minor: row.try_get("open_minor")?,
                currency: get_currency(row, "currency")?,
                disputed: disputed != 0,
            })
        })
        .collect()
}

/// A document that Recobro writes, outside any import batch.
pub struct GeneratedDocument<'a> {
    pub customer_id: i64,
    pub kind: &'a str,
    pub number: String,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub amount_minor: i64,
    pub currency: Currency,
}

pub async fn insert_generated_document(conn: &mut Conn, portfolio_id: i64, document: &GeneratedDocument<'_>) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO document (portfolio_id, customer_id, kind, number, issue_date, due_date, amount_minor, currency, open_minor, settled_on, import_batch_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7, NULL, NULL) RETURNING id",
    )
    .bind(portfolio_id)
    .bind(document.customer_id)
    .bind(document.kind)
    .bind(&document.number)
    .bind(date_text(document.issue_date))
    .bind(date_text(document.due_date))
    .bind(document.amount_minor)
    .bind(document.currency.code())
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Applies `amount_minor` of a generated credit note to `documents` in
/// order, closing each as far as the amount goes, and stores the credit
/// note's remaining balance. Returns the amount applied.
pub async fn apply_credit(conn: &mut Conn, portfolio_id: i64, credit_id: i64, documents: &[OpenDocument], amount_minor: i64, on: NaiveDate) -> Result<i64> {
    let mut left = amount_minor;
    for document in documents {
        if left == 0 {
            break;
        }
        let applied = left.min(document.open_minor);
        insert_allocation(conn, portfolio_id, &StoredAllocation { source: AllocationSource::CreditNote(credit_id), document_id: document.id, allocated_on: on, amount_minor: applied }).await?;
        let open = document.open_minor - applied;
        update_document_balance(conn, document.id, open, (open == 0).then_some(on)).await?;
        left -= applied;
    }

    let applied = amount_minor - left;
    update_document_balance(conn, credit_id, left, (left == 0).then_some(on)).await?;
    Ok(applied)
}

// ---------------------------------------------------------------------------
// Payment plans
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRecord {
    pub id: i64,
    pub customer_id: i64,
    pub customer_ref: String,
    pub customer_name: String,
    pub currency: Currency,
    pub status: String,
    pub refinancing: bool,
    pub total_minor: i64,
    pub down_payment_minor: i64,
    pub financed_minor: i64,
    pub interest_minor: i64,
    pub installment_count: i64,
    pub frequency: String,
    pub first_due_on: NaiveDate,
    pub annual_rate: String,
    pub interest_method: String,
    pub grace_days: i64,
    pub agreed_on: NaiveDate,
    pub proposed_by: String,
    pub decided_by: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub decision_reason: Option<String>,
    pub broken_on: Option<NaiveDate>,
    pub broken_installment: Option<i64>,
    pub completed_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallmentRecord {
    pub number: i64,
    pub due_on: NaiveDate,
    pub principal_minor: i64,
    pub interest_minor: i64,
    pub amount_minor: i64,
    pub paid_minor: i64,
    pub status: String,
    pub document_id: Option<i64>,
}

const PLAN_COLUMNS: &str = "p.id, p.customer_id, c.external_ref, c.name, p.currency, p.status, p.refinancing, p.total_minor, p.down_payment_minor, \
    p.financed_minor, p.interest_minor, p.installment_count, p.frequency, p.first_due_on, p.annual_rate, p.interest_method, p.grace_days, \
    p.agreed_on, p.proposed_by, p.decided_by, p.decided_on, p.decision_reason, p.broken_on, p.broken_installment, p.completed_on";

fn plan_from_row(row: &AnyRow) -> Result<PlanRecord> {
    let refinancing: i64 = row.try_get("refinancing")?;
    Ok(PlanRecord {
        id: row.try_get("id")?,
        customer_id: row.try_get("customer_id")?,
        customer_ref: row.try_get("external_ref")?,
        customer_name: row.try_get("name")?,
        currency: get_currency(row, "currency")?,
        status: row.try_get("status")?,
        refinancing: refinancing != 0,
        total_minor: row.try_get("total_minor")?,
        down_payment_minor: row.try_get("down_payment_minor")?,
        financed_minor: row.try_get("financed_minor")?,
        interest_minor: row.try_get("interest_minor")?,
        installment_count: row.try_get("installment_count")?,
        frequency: row.try_get("frequency")?,
        first_due_on: get_date(row, "first_due_on")?,
        annual_rate: row.try_get("annual_rate")?,
        interest_method: row.try_get("interest_method")?,
        grace_days: row.try_get("grace_days")?,
        agreed_on: get_date(row, "agreed_on")?,
        proposed_by: row.try_get("proposed_by")?,
        decided_by: row.try_get("decided_by")?,
        decided_on: get_optional_date(row, "decided_on")?,
        decision_reason: row.try_get("decision_reason")?,
        broken_on: get_optional_date(row, "broken_on")?,
        broken_installment: row.try_get("broken_installment")?,
        completed_on: get_optional_date(row, "completed_on")?,
    })
}

/// Stores a plan with its installments and covered documents. The record's
/// id and customer fields other than `customer_id` are ignored.
pub async fn insert_plan(conn: &mut Conn, portfolio_id: i64, plan: &PlanRecord, installments: &[InstallmentRecord], documents: &[OpenDocument]) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO payment_plan (portfolio_id, customer_id, currency, status, refinancing, total_minor, down_payment_minor, financed_minor, \
           interest_minor, installment_count, frequency, first_due_on, annual_rate, interest_method, grace_days, agreed_on, proposed_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id",
    )
    .bind(portfolio_id)
    .bind(plan.customer_id)
    .bind(plan.currency.code())
    .bind(&plan.status)
    .bind(i64::from(plan.refinancing))
    .bind(plan.total_minor)
    .bind(plan.down_payment_minor)
    .bind(plan.financed_minor)
    .bind(plan.interest_minor)
    .bind(plan.installment_count)
    .bind(&plan.frequency)
    .bind(date_text(plan.first_due_on))
    .bind(&plan.annual_rate)
    .bind(&plan.interest_method)
    .bind(plan.grace_days)
    .bind(date_text(plan.agreed_on))
    .bind(&plan.proposed_by)
    .fetch_one(&mut *conn)
    .await?;

    for installment in installments {
        sqlx::query(
            "INSERT INTO plan_installment (plan_id, number, due_on, principal_minor, interest_minor, amount_minor, paid_minor, status) \
             VALUES ($1, $2, $3, $4, $5, $6, 0, 'upcoming')",
        )
        .bind(id)
        .bind(installment.number)
        .bind(date_text(installment.due_on))
        .bind(installment.principal_minor)
        .bind(installment.interest_minor)
        .bind(installment.amount_minor)
        .execute(&mut *conn)
        .await?;
    }
    for document in documents {
        sqlx::query("INSERT INTO plan_document (plan_id, document_id, open_minor) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(document.id)
            .bind(document.open_minor)
            .execute(&mut *conn)
            .await?;
    }
    Ok(id)
}

pub async fn find_plan(conn: &mut Conn, portfolio_id: i64, id: i64) -> Result<Option<PlanRecord>> {
    let sql = format!("SELECT {PLAN_COLUMNS} FROM payment_plan p JOIN customer c ON c.id = p.customer_id WHERE p.portfolio_id = $1 AND p.id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(portfolio_id).bind(id).fetch_optional(&mut *conn).await?;
    row.as_ref().map(plan_from_row).transpose()
}

/// Plans of a portfolio in one of `statuses`, or of one customer when
/// `customer_id` is set; newest first.
pub async fn list_plans(conn: &mut Conn, portfolio_id: i64, customer_id: Option<i64>, statuses: &[&str]) -> Result<Vec<PlanRecord>> {
    let sql = format!(
        "SELECT {PLAN_COLUMNS} FROM payment_plan p JOIN customer c ON c.id = p.customer_id \
         WHERE p.portfolio_id = $1 AND ($2 IS NULL OR p.customer_id = $2) ORDER BY p.id DESC"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(portfolio_id).bind(customer_id).fetch_all(&mut *conn).await?;
    let plans = rows.iter().map(plan_from_row).collect::<Result<Vec<_>>>()?;
    Ok(plans.into_iter().filter(|plan| statuses.is_empty() || statuses.contains(&plan.status.as_str())).collect())
}

pub async fn plan_installments(conn: &mut Conn, plan_id: i64) -> Result<Vec<InstallmentRecord>> {
    let rows = sqlx::query(
        "SELECT number, due_on, principal_minor, interest_minor, amount_minor, paid_minor, status, document_id FROM plan_installment \
         WHERE plan_id = $1 ORDER BY number",
    )
    .bind(plan_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(InstallmentRecord {
                number: row.try_get("number")?,
                due_on: get_date(row, "due_on")?,
                principal_minor: row.try_get("principal_minor")?,
                interest_minor: row.try_get("interest_minor")?,
                amount_minor: row.try_get("amount_minor")?,
                paid_minor: row.try_get("paid_minor")?,
                status: row.try_get("status")?,
                document_id: row.try_get("document_id")?,
            })
        })
        .collect()
}

/// Lists the documents a plan covers, as they were when it was proposed.
pub async fn plan_documents(conn: &mut Conn, plan_id: i64) -> Result<Vec<(i64, String, i64)>> {
    let rows = sqlx::query("SELECT d.id, d.number, p.open_minor FROM plan_document p JOIN document d ON d.id = p.document_id WHERE p.plan_id = $1 ORDER BY d.due_date, d.number")
        .bind(plan_id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(|row| Ok((row.try_get("id")?, row.try_get("number")?, row.try_get("open_minor")?))).collect()
}

/// Lists the documents a plan covers as (number, due date, open amount when
/// the plan was proposed), oldest due date first.
pub async fn plan_document_dues(conn: &mut Conn, plan_id: i64) -> Result<Vec<(String, NaiveDate, i64)>> {
    let rows = sqlx::query("SELECT d.number, d.due_date, p.open_minor FROM plan_document p JOIN document d ON d.id = p.document_id WHERE p.plan_id = $1 ORDER BY d.due_date, d.number")
        .bind(plan_id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(|row| Ok((row.try_get("number")?, get_date(row, "due_date")?, row.try_get("open_minor")?))).collect()
}

/// Records the decision on a proposed plan. Returns false when the plan is
/// no longer proposed.
pub async fn decide_plan(conn: &mut Conn, plan_id: i64, status: &str, decided_by: &str, decided_on: NaiveDate, reason: Option<&str>) -> Result<bool> {
    let result = sqlx::query("UPDATE payment_plan SET status = $2, decided_by = $3, decided_on = $4, decision_reason = $5 WHERE id = $1 AND status = 'proposed'")
        .bind(plan_id)
        .bind(status)
        .bind(decided_by)
        .bind(date_text(decided_on))
        .bind(reason)
        .execute(&mut *conn)
        .await?;
    Ok(result.rows_affected() == 1)
}

pub async fn set_installment_document(conn: &mut Conn, plan_id: i64, number: i64, document_id: i64) -> Result<()> {
    sqlx::query("UPDATE plan_installment SET document_id = $3 WHERE plan_id = $1 AND number = $2").bind(plan_id).bind(number).bind(document_id).execute(&mut *conn).await?;
    Ok(())
}

pub async fn update_installment(conn: &mut Conn, plan_id: i64, number: i64, paid_minor: i64, status: &str) -> Result<()> {
    sqlx::query("UPDATE plan_installment SET paid_minor = $3, status = $4 WHERE plan_id = $1 AND number = $2")
        .bind(plan_id)
        .bind(number)
        .bind(paid_minor)
        .bind(status)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn mark_plan_broken(conn: &mut Conn, plan_id: i64, broken_on: NaiveDate, installment: i64) -> Result<()> {
    sqlx::query("UPDATE payment_plan SET status = 'broken', broken_on = $2, broken_installment = $3 WHERE id = $1")
        .bind(plan_id)
        .bind(date_text(broken_on))
        .bind(installment)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn mark_plan_completed(conn: &mut Conn, plan_id: i64, completed_on: NaiveDate) -> Result<()> {
    sqlx::query("UPDATE payment_plan SET status = 'completed', completed_on = $2 WHERE id = $1").bind(plan_id).bind(date_text(completed_on)).execute(&mut *conn).await?;
    Ok(())
}

/// Customers of a portfolio with an active plan: the policy leaves them
/// alone while they keep it.
pub async fn customers_under_plan(conn: &mut Conn, portfolio_id: i64) -> Result<HashSet<i64>> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT DISTINCT customer_id FROM payment_plan WHERE portfolio_id = $1 AND status = 'active'").bind(portfolio_id).fetch_all(&mut *conn).await?;
    Ok(ids.into_iter().collect())
}

// ---------------------------------------------------------------------------
// Settlement offers
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferRecord {
    pub id: i64,
    pub customer_id: i64,
    pub customer_ref: String,
    pub customer_name: String,
    pub currency: Currency,
    pub principal_minor: i64,
    pub interest_minor: i64,
    pub fees_minor: i64,
    pub interest_waiver_minor: i64,
    pub principal_discount_minor: i64,
    pub lump_sum_minor: i64,
    pub offered_on: NaiveDate,
    pub pay_by: NaiveDate,
    pub status: String,
    pub required_role: String,
    pub proposed_by: String,
    pub decided_by: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub decision_reason: Option<String>,
    pub paid_on: Option<NaiveDate>,
}

const OFFER_COLUMNS: &str = "o.id, o.customer_id, c.external_ref, c.name, o.currency, o.principal_minor, o.interest_minor, o.fees_minor, \
    o.interest_waiver_minor, o.principal_discount_minor, o.lump_sum_minor, o.offered_on, o.pay_by, o.status, o.required_role, o.proposed_by, \
    o.decided_by, o.decided_on, o.decision_reason, o.paid_on";

fn offer_from_row(row: &AnyRow) -> Result<OfferRecord> {
    Ok(OfferRecord {
        id: row.try_get("id")?,
        customer_id: row.try_get("customer_id")?,
        customer_ref: row.try_get("external_ref")?,
        customer_name: row.try_get("name")?,
        currency: get_currency(row, "currency")?,
        principal_minor: row.try_get("principal_minor")?,
        interest_minor: row.try_get("interest_minor")?,
        fees_minor: row.try_get("fees_minor")?,
        interest_waiver_minor: row.try_get("interest_waiver_minor")?,
        principal_discount_minor: row.try_get("principal_discount_minor")?,
        lump_sum_minor: row.try_get("lump_sum_minor")?,
        offered_on: get_date(row, "offered_on")?,
        pay_by: get_date(row, "pay_by")?,
        status: row.try_get("status")?,
        required_role: row.try_get("required_role")?,
        proposed_by: row.try_get("proposed_by")?,
        decided_by: row.try_get("decided_by")?,
        decided_on: get_optional_date(row, "decided_on")?,
        decision_reason: row.try_get("decision_reason")?,
        paid_on: get_optional_date(row, "paid_on")?,
    })
}

pub async fn insert_offer(conn: &mut Conn, portfolio_id: i64, offer: &OfferRecord) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO settlement_offer (portfolio_id, customer_id, currency, principal_minor, interest_minor, fees_minor, interest_waiver_minor, \
           principal_discount_minor, lump_sum_minor, offered_on, pay_by, status, required_role, proposed_by, decided_by, decided_on) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
    )
    .bind(portfolio_id)
    .bind(offer.customer_id)
    .bind(offer.currency.code())
    .bind(offer.principal_minor)
    .bind(offer.interest_minor)
    .bind(offer.fees_minor)
    .bind(offer.interest_waiver_minor)
    .bind(offer.principal_discount_minor)
    .bind(offer.lump_sum_minor)
    .bind(date_text(offer.offered_on))
    .bind(date_text(offer.pay_by))
    .bind(&offer.status)
    .bind(&offer.required_role)
    .bind(&offer.proposed_by)
    .bind(&offer.decided_by)
    .bind(offer.decided_on.map(date_text))
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

pub async fn find_offer(conn: &mut Conn, portfolio_id: i64, id: i64) -> Result<Option<OfferRecord>> {
    let sql = format!("SELECT {OFFER_COLUMNS} FROM settlement_offer o JOIN customer c ON c.id = o.customer_id WHERE o.portfolio_id = $1 AND o.id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(portfolio_id).bind(id).fetch_optional(&mut *conn).await?;
    row.as_ref().map(offer_from_row).transpose()
}

/// Offers of a portfolio, or of one customer, in one of `statuses` (all
/// when empty); newest first.
pub async fn list_offers(conn: &mut Conn, portfolio_id: i64, customer_id: Option<i64>, statuses: &[&str]) -> Result<Vec<OfferRecord>> {
    let sql = format!(
        "SELECT {OFFER_COLUMNS} FROM settlement_offer o JOIN customer c ON c.id = o.customer_id \
         WHERE o.portfolio_id = $1 AND ($2 IS NULL OR o.customer_id = $2) ORDER BY o.id DESC"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(portfolio_id).bind(customer_id).fetch_all(&mut *conn).await?;
    let offers = rows.iter().map(offer_from_row).collect::<Result<Vec<_>>>()?;
    Ok(offers.into_iter().filter(|offer| statuses.is_empty() || statuses.contains(&offer.status.as_str())).collect())
}

/// Moves an offer from `from` to `to`, recording who decided and why.
/// Returns false when the offer is not in status `from`.
pub async fn update_offer_status(conn: &mut Conn, offer_id: i64, from: &str, to: &str, decided_by: Option<&str>, on: NaiveDate, reason: Option<&str>) -> Result<bool> {
    let result = sqlx::query(
        "UPDATE settlement_offer SET status = $3, decided_by = COALESCE($4, decided_by), decided_on = CASE WHEN $4 IS NULL THEN decided_on ELSE $5 END, \
           decision_reason = COALESCE($6, decision_reason), paid_on = CASE WHEN $3 = 'paid' THEN $5 ELSE paid_on END \
         WHERE id = $1 AND status = $2",
    )
    .bind(offer_id)
    .bind(from)
    .bind(to)
    .bind(decided_by)
    .bind(date_text(on))
    .bind(reason)
    .execute(&mut *conn)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Payments of a customer in a currency from `since` to `until`, both
/// included, as (date, amount), oldest first.
pub async fn payments_between(conn: &mut Conn, customer_id: i64, currency: Currency, since: NaiveDate, until: NaiveDate) -> Result<Vec<(NaiveDate, i64)>> {
    let rows = sqlx::query("SELECT paid_on, amount_minor FROM payment WHERE customer_id = $1 AND currency = $2 AND paid_on >= $3 AND paid_on <= $4 ORDER BY paid_on, id")
        .bind(customer_id)
        .bind(currency.code())
        .bind(date_text(since))
        .bind(date_text(until))
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(|row| Ok((get_date(row, "paid_on")?, row.try_get("amount_minor")?))).collect()
}

// ---------------------------------------------------------------------------
// Write-offs
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteOffRecord {
    pub id: i64,
    pub customer_id: i64,
    pub customer_ref: String,
    pub customer_name: String,
    pub currency: Currency,
    pub amount_minor: i64,
    pub reason: String,
    pub status: String,
    pub requested_by: String,
    pub requested_on: NaiveDate,
    pub decided_by: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub decision_reason: Option<String>,
    /// Payments received after the write-off was approved, up to its amount.
    pub recovered_minor: i64,
}

const WRITE_OFF_COLUMNS: &str = "w.id, w.customer_id, c.external_ref, c.name, w.currency, w.amount_minor, w.reason, w.status, w.requested_by, w.requested_on, \
    w.decided_by, w.decided_on, w.decision_reason, \
    CAST((SELECT COALESCE(SUM(p.amount_minor), 0) FROM payment p WHERE p.customer_id = w.customer_id AND p.currency = w.currency \
       AND w.status = 'approved' AND p.paid_on > w.decided_on) AS BIGINT) AS recovered";

fn write_off_from_row(row: &AnyRow) -> Result<WriteOffRecord> {
    let amount_minor: i64 = row.try_get("amount_minor")?;
    let recovered: i64 = row.try_get("recovered")?;
    Ok(WriteOffRecord {
        id: row.try_get("id")?,
        customer_id: row.try_get("customer_id")?,
        customer_ref: row.try_get("external_ref")?,
        customer_name: row.try_get("name")?,
        currency: get_currency(row, "currency")?,
        amount_minor,
        reason: row.try_get("reason")?,
        status: row.try_get("status")?,
        requested_by: row.try_get("requested_by")?,
        requested_on: get_date(row, "requested_on")?,
        decided_by: row.try_get("decided_by")?,
        decided_on: get_optional_date(row, "decided_on")?,
        decision_reason: row.try_get("decision_reason")?,
        recovered_minor: recovered.min(amount_minor),
    })
}

pub async fn insert_write_off(conn: &mut Conn, portfolio_id: i64, customer_id: i64, currency: Currency, amount_minor: i64, reason: &str, requested_by: &str, on: NaiveDate) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO write_off (portfolio_id, customer_id, currency, amount_minor, reason, status, requested_by, requested_on) \
         VALUES ($1, $2, $3, $4, $5, 'pending_approval', $6, $7) RETURNING id",
    )
    .bind(portfolio_id)
    .bind(customer_id)
    .bind(currency.code())
    .bind(amount_minor)
    .bind(reason)
    .bind(requested_by)
    .bind(date_text(on))
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

pub async fn find_write_off(conn: &mut Conn, portfolio_id: i64, id: i64) -> Result<Option<WriteOffRecord>> {
    let sql = format!("SELECT {WRITE_OFF_COLUMNS} FROM write_off w JOIN customer c ON c.id = w.customer_id WHERE w.portfolio_id = $1 AND w.id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(portfolio_id).bind(id).fetch_optional(&mut *conn).await?;
    row.as_ref().map(write_off_from_row).transpose()
}

pub async fn list_write_offs(conn: &mut Conn, portfolio_id: i64, customer_id: Option<i64>) -> Result<Vec<WriteOffRecord>> {
    let sql = format!(
        "SELECT {WRITE_OFF_COLUMNS} FROM write_off w JOIN customer c ON c.id = w.customer_id \
         WHERE w.portfolio_id = $1 AND ($2 IS NULL OR w.customer_id = $2) ORDER BY w.id DESC"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(portfolio_id).bind(customer_id).fetch_all(&mut *conn).await?;
    rows.iter().map(write_off_from_row).collect()
}

/// Records the decision on a pending write-off. Returns false when it is
/// no longer pending.
pub async fn decide_write_off(conn: &mut Conn, id: i64, status: &str, decided_by: &str, on: NaiveDate, reason: Option<&str>, credit_document_id: Option<i64>) -> Result<bool> {
    let result = sqlx::query(
        "UPDATE write_off SET status = $2, decided_by = $3, decided_on = $4, decision_reason = $5, credit_document_id = $6 WHERE id = $1 AND status = 'pending_approval'",
    )
    .bind(id)
    .bind(status)
    .bind(decided_by)
    .bind(date_text(on))
    .bind(reason)
    .bind(credit_document_id)
    .execute(&mut *conn)
    .await?;
    Ok(result.rows_affected() == 1)
}
