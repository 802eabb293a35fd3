//! Read models for aging and case reports, as of any date.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use recobro_core::Currency;
use sqlx::Row;

use crate::{Conn, Result, date_text, get_currency, get_date, get_optional_date};

/// The source of an open item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemSource {
    Document,
    CreditNote,
    Payment,
    SnapshotAccount,
}

/// An open amount of a customer on the as-of date. Positive amounts are owed
/// by the customer; negative ones are unapplied cash, unused credit notes or
/// credit balances.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenItemRow {
    pub customer_id: i64,
    pub source: ItemSource,
    /// None for a snapshot account that was not past due.
    pub due_date: Option<NaiveDate>,
    pub open_minor: i64,
    pub currency: Currency,
    pub disputed: bool,
}

/// Reads every open item of a portfolio as of `as_of`, using only
/// documents, payments, allocations and snapshots dated on or before it.
pub async fn open_items_as_of(conn: &mut Conn, portfolio_id: i64, as_of: NaiveDate) -> Result<Vec<OpenItemRow>> {
    let later = later_allocations(conn, portfolio_id, as_of).await?;
    let mut items = open_documents(conn, portfolio_id, as_of, &later).await?;
    items.extend(unapplied_payments(conn, portfolio_id, as_of, &later).await?);
    items.extend(snapshot_balances(conn, portfolio_id, as_of).await?);
    Ok(items)
}

/// Sums, per document, credit note and payment, the allocations dated
/// after `as_of`. Adding them back to the current balances gives the
/// balances on `as_of`, so a past date reads only the allocations made
/// since, and the latest date reads none.
struct LaterAllocations {
    to_document: HashMap<i64, i64>,
    from_credit_note: HashMap<i64, i64>,
    from_payment: HashMap<i64, i64>,
}

async fn later_allocations(conn: &mut Conn, portfolio_id: i64, as_of: NaiveDate) -> Result<LaterAllocations> {
    let columns = ["document_id", "payment_id", "credit_note_id", "amount_minor"];
    let source = "SELECT document_id, payment_id, credit_note_id, amount_minor FROM allocation WHERE portfolio_id = $1 AND allocated_on > $2";
    let rows: Vec<(i64, Option<i64>, Option<i64>, i64)> = crate::fetch_packed_dated(conn, &columns, source, portfolio_id, as_of).await?;
    let mut later = LaterAllocations { to_document: HashMap::new(), from_credit_note: HashMap::new(), from_payment: HashMap::new() };
    for (document_id, payment_id, credit_note_id, amount) in rows {
        *later.to_document.entry(document_id).or_default() += amount;
        if let Some(payment_id) = payment_id {
            *later.from_payment.entry(payment_id).or_default() += amount;
        }
        if let Some(credit_note_id) = credit_note_id {
            *later.from_credit_note.entry(credit_note_id).or_default() += amount;
        }
    }
    Ok(later)
}

async fn open_documents(conn: &mut Conn, portfolio_id: i64, as_of: NaiveDate, later: &LaterAllocations) -> Result<Vec<OpenItemRow>> {
    // A document settled on or before the as-of date is skipped. The rest
    // were open on that day by their current balance plus what was
    // allocated to them (or, for a credit note, from them) after it.
    // The two ranges of the document_open index, one per statement part:
    // with an OR, the engines would read every document of the portfolio.
    let columns = ["id", "customer_id", "kind", "due_date", "currency", "open_minor"];
    let source = "SELECT id, customer_id, kind, due_date, currency, open_minor FROM document \
                  WHERE portfolio_id = $1 AND settled_on IS NULL AND issue_date <= $2 \
                  UNION ALL \
                  SELECT id, customer_id, kind, due_date, currency, open_minor FROM document \
                  WHERE portfolio_id = $1 AND settled_on > $2 AND issue_date <= $2";
    let rows: Vec<(i64, i64, String, NaiveDate, String, i64)> = crate::fetch_packed_dated(conn, &columns, source, portfolio_id, as_of).await?;
    let disputed = disputed_documents(conn, portfolio_id, as_of).await?;

    let mut items = Vec::with_capacity(rows.len());
    for (id, customer_id, kind, due_date, currency, stored_open_minor) in rows {
        let is_credit = kind == "credit_note";
        let allocated_later = if is_credit { later.from_credit_note.get(&id) } else { later.to_document.get(&id) };
        let open_minor = stored_open_minor + allocated_later.copied().unwrap_or(0);
        if open_minor == 0 {
            continue;
        }
        let currency = crate::parse_stored_currency("document.currency", currency)?;
        items.push(OpenItemRow {
            customer_id,
            source: if is_credit { ItemSource::CreditNote } else { ItemSource::Document },
            due_date: Some(due_date),
            open_minor: if is_credit { -open_minor } else { open_minor },
            currency,
            disputed: disputed.contains(&id),
        });
    }
    Ok(items)
}

/// Returns the documents with a dispute open on `as_of`.
async fn disputed_documents(conn: &mut Conn, portfolio_id: i64, as_of: NaiveDate) -> Result<HashSet<i64>> {
    let rows = sqlx::query(
        "SELECT document_id FROM dispute WHERE portfolio_id = $1 AND opened_on <= $2 AND (resolved_on IS NULL OR resolved_on > $2)",
    )
    .bind(portfolio_id)
    .bind(date_text(as_of))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|row| Ok(row.try_get("document_id")?)).collect()
}

async fn unapplied_payments(conn: &mut Conn, portfolio_id: i64, as_of: NaiveDate, later: &LaterAllocations) -> Result<Vec<OpenItemRow>> {
    // A payment had cash unapplied on the as-of date when it still has
    // some, or when part of it was allocated after that date.
    let columns = ["id", "customer_id", "paid_on", "currency", "unapplied_minor"];
    let source = "SELECT p.id, p.customer_id, p.paid_on, p.currency, p.unapplied_minor FROM payment p \
                  WHERE p.portfolio_id = $1 AND p.unapplied_minor > 0 AND p.paid_on <= $2 \
                  UNION \
                  SELECT p.id, p.customer_id, p.paid_on, p.currency, p.unapplied_minor FROM payment p \
                  WHERE p.id IN (SELECT a.payment_id FROM allocation a WHERE a.portfolio_id = $1 AND a.allocated_on > $2 \
                                 AND a.payment_id IS NOT NULL) AND p.paid_on <= $2";
    let rows: Vec<(i64, i64, NaiveDate, String, i64)> = crate::fetch_packed_dated(conn, &columns, source, portfolio_id, as_of).await?;

    let mut items = Vec::new();
    for (id, customer_id, paid_on, currency, stored_unapplied_minor) in rows {
        let unapplied_minor = stored_unapplied_minor + later.from_payment.get(&id).copied().unwrap_or(0);
        if unapplied_minor == 0 {
            continue;
        }
        let currency = crate::parse_stored_currency("payment.currency", currency)?;
        items.push(OpenItemRow { customer_id, source: ItemSource::Payment, due_date: Some(paid_on), open_minor: -unapplied_minor, currency, disputed: false });
    }
    Ok(items)
}

async fn snapshot_balances(conn: &mut Conn, portfolio_id: i64, as_of: NaiveDate) -> Result<Vec<OpenItemRow>> {
    let rows = sqlx::query(
        "SELECT s.customer_id, s.balance_minor, s.oldest_due_date, s.currency FROM snapshot_account s \
         WHERE s.portfolio_id = $1 AND s.snapshot_date = (SELECT MAX(l.snapshot_date) FROM snapshot_account l \
           WHERE l.portfolio_id = s.portfolio_id AND l.account_ref = s.account_ref AND l.snapshot_date <= $2)",
    )
    .bind(portfolio_id)
    .bind(date_text(as_of))
    .fetch_all(&mut *conn)
    .await?;

    let mut items = Vec::new();
    for row in &rows {
        let balance_minor: i64 = row.try_get("balance_minor")?;
        if balance_minor == 0 {
            continue;
        }
        items.push(OpenItemRow {
            customer_id: row.try_get("customer_id")?,
            source: ItemSource::SnapshotAccount,
            due_date: get_optional_date(row, "oldest_due_date")?,
            open_minor: balance_minor,
            currency: get_currency(row, "currency")?,
            disputed: false,
        });
    }
    Ok(items)
}

/// The customer fields that reports show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerInfo {
    pub id: i64,
    pub external_ref: String,
    pub name: String,
    pub segment: Option<String>,
    pub region: Option<String>,
    pub collector: Option<String>,
    pub preferred_channel: Option<String>,
    pub status: String,
}

pub async fn customer_infos(conn: &mut Conn, portfolio_id: i64) -> Result<Vec<CustomerInfo>> {
    type Text = Option<String>;
    let columns = ["id", "external_ref", "name", "segment", "region", "collector", "preferred_channel", "status"];
    let rows: Vec<(i64, String, String, Text, Text, Text, Text, String)> = crate::fetch_packed(conn, "customer", &columns, portfolio_id).await?;
    let mut customers: Vec<CustomerInfo> = rows
        .into_iter()
        .map(|(id, external_ref, name, segment, region, collector, preferred_channel, status)| CustomerInfo {
            id,
            external_ref,
            name,
            segment,
            region,
            collector,
            preferred_channel,
            status,
        })
        .collect();
    customers.sort_unstable_by(|a, b| a.external_ref.cmp(&b.external_ref));
    Ok(customers)
}

/// The latest collection action of a customer on or before a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastAction {
    pub customer_id: i64,
    pub action_on: NaiveDate,
    pub kind: String,
    pub outcome: Option<String>,
    pub collector: Option<String>,
    pub next_action_kind: Option<String>,
    pub next_action_on: Option<NaiveDate>,
}

pub async fn last_actions(conn: &mut Conn, portfolio_id: i64, as_of: NaiveDate) -> Result<Vec<LastAction>> {
    let rows = sqlx::query(
        "SELECT a.customer_id, a.action_on, a.kind, a.outcome, a.collector, a.next_action_kind, a.next_action_on \
         FROM collection_action a \
         WHERE a.portfolio_id = $1 AND a.id = (SELECT l.id FROM collection_action l \
           WHERE l.customer_id = a.customer_id AND l.action_on <= $2 ORDER BY l.action_on DESC, l.id DESC LIMIT 1)",
    )
    .bind(portfolio_id)
    .bind(date_text(as_of))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(LastAction {
                customer_id: row.try_get("customer_id")?,
                action_on: get_date(row, "action_on")?,
                kind: row.try_get("kind")?,
                outcome: row.try_get("outcome")?,
                collector: row.try_get("collector")?,
                next_action_kind: row.try_get("next_action_kind")?,
                next_action_on: get_optional_date(row, "next_action_on")?,
            })
        })
        .collect()
}

/// The next open task of a customer's case, created on or before a date:
/// the earliest due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextTask {
    pub customer_id: i64,
    pub kind: String,
    pub due_on: NaiveDate,
    pub assigned_to: Option<String>,
}

// NOTE: a task's status is its current one, so for a past date a task
// done since then no longer shows as the next action.
pub async fn next_tasks(conn: &mut Conn, portfolio_id: i64, as_of: NaiveDate) -> Result<Vec<NextTask>> {
    let rows = sqlx::query(
        "SELECT t.customer_id, t.kind, t.due_on, t.assigned_to FROM task t \
         WHERE t.portfolio_id = $1 AND t.id = (SELECT n.id FROM task n WHERE n.customer_id = t.customer_id \
           AND n.status = 'open' AND n.created_on <= $2 ORDER BY n.due_on, n.id LIMIT 1)",
    )
    .bind(portfolio_id)
    .bind(date_text(as_of))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(NextTask {
                customer_id: row.try_get("customer_id")?,
                kind: row.try_get("kind")?,
                due_on: get_date(row, "due_on")?,
                assigned_to: row.try_get("assigned_to")?,
            })
        })
        .collect()
}
