//! Customers, receivable documents, payments, allocations, disputes,
//! snapshot accounts and collection actions: what imports write.

use chrono::NaiveDate;
use recobro_core::Currency;
use sqlx::Row;

use crate::{AnyRow, Conn, Result, date_text, get_currency, get_date};

/// The master data of a customer, as imported.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CustomerData {
    pub external_ref: String,
    pub name: String,
    pub tax_id: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub language: Option<String>,
    pub segment: Option<String>,
    pub region: Option<String>,
    pub preferred_channel: Option<String>,
    pub credit_limit_minor: Option<i64>,
    pub currency: String,
    pub collector: Option<String>,
    pub status: String,
}

pub async fn load_customers(conn: &mut Conn, portfolio_id: i64) -> Result<Vec<(i64, CustomerData)>> {
    type Text = Option<String>;
    type Packed = (i64, String, String, Text, Text, Text, Text, Text, Text, Text, Option<i64>, String, Text, String);
    let columns = [
        "id", "external_ref", "name", "tax_id", "email", "phone", "language", "segment", "region", "preferred_channel", "credit_limit_minor", "currency", "collector",
        "status",
    ];
    let convert = |(id, external_ref, name, tax_id, email, phone, language, segment, region, preferred_channel, credit_limit_minor, currency, collector, status): Packed| {
        Ok((id, CustomerData { external_ref, name, tax_id, email, phone, language, segment, region, preferred_channel, credit_limit_minor, currency, collector, status }))
    };
    crate::fetch_packed_with(conn, "customer", &columns, portfolio_id, convert).await
}

pub(crate) fn customer_from_row(row: &AnyRow) -> Result<CustomerData> {
    Ok(CustomerData {
        external_ref: row.try_get("external_ref")?,
        name: row.try_get("name")?,
        tax_id: row.try_get("tax_id")?,
        email: row.try_get("email")?,
        phone: row.try_get("phone")?,
        language: row.try_get("language")?,
        segment: row.try_get("segment")?,
        region: row.try_get("region")?,
        preferred_channel: row.try_get("preferred_channel")?,
        credit_limit_minor: row.try_get("credit_limit_minor")?,
        currency: row.try_get("currency")?,
        collector: row.try_get("collector")?,
        status: row.try_get("status")?,
    })
}

/// Inserts customers with multi-row statements; [`customer_ids`] then
/// gives their ids.
pub async fn insert_customers(conn: &mut Conn, portfolio_id: i64, customers: &[CustomerData]) -> Result<()> {
    for chunk in customers.chunks(BULK_ROWS) {
        let sql = format!(
            "INSERT INTO customer (portfolio_id, external_ref, name, tax_id, email, phone, language, segment, region, \
             preferred_channel, credit_limit_minor, currency, collector, status) VALUES {}",
            values_list(conn, chunk.len(), "({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for customer in chunk {
            query = bind_customer_fields(query.bind(portfolio_id).bind(&customer.external_ref), customer);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Binds a customer's fields from its name to its status, in table order.
fn bind_customer_fields<'q>(query: crate::AnyQuery<'q>, customer: &CustomerData) -> crate::AnyQuery<'q> {
    query
        .bind(&customer.name)
        .bind(&customer.tax_id)
        .bind(&customer.email)
        .bind(&customer.phone)
        .bind(&customer.language)
        .bind(&customer.segment)
        .bind(&customer.region)
        .bind(&customer.preferred_channel)
        .bind(customer.credit_limit_minor)
        .bind(&customer.currency)
        .bind(&customer.collector)
        .bind(&customer.status)
}

/// Returns the id of every customer of a portfolio by its reference.
pub async fn customer_ids(conn: &mut Conn, portfolio_id: i64) -> Result<std::collections::HashMap<String, i64>> {
    let rows: Vec<(i64, String)> = crate::fetch_packed(conn, "customer", &["id", "external_ref"], portfolio_id).await?;
    Ok(rows.into_iter().map(|(id, external_ref)| (external_ref, id)).collect())
}

/// Returns the id of every customer of a portfolio.
pub async fn customer_id_list(conn: &mut Conn, portfolio_id: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = crate::fetch_packed(conn, "customer", &["id"], portfolio_id).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

pub async fn update_customer(conn: &mut Conn, customer_id: i64, customer: &CustomerData) -> Result<()> {
    let query = sqlx::query(
        "UPDATE customer SET name = $2, tax_id = $3, email = $4, phone = $5, language = $6, segment = $7, \
         region = $8, preferred_channel = $9, credit_limit_minor = $10, currency = $11, collector = $12, status = $13 \
         WHERE id = $1",
    );
    bind_customer_fields(query.bind(customer_id), customer).execute(&mut *conn).await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentData {
    pub customer_id: i64,
    pub kind: String,
    pub number: String,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub amount_minor: i64,
    pub currency: Currency,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDocument {
    pub id: i64,
    pub data: DocumentData,
    pub open_minor: i64,
    pub settled_on: Option<NaiveDate>,
}

pub async fn load_documents(conn: &mut Conn, portfolio_id: i64) -> Result<Vec<StoredDocument>> {
    type Packed = (i64, i64, String, String, NaiveDate, NaiveDate, i64, String, i64, Option<NaiveDate>);
    let columns = ["id", "customer_id", "kind", "number", "issue_date", "due_date", "amount_minor", "currency", "open_minor", "settled_on"];
    let convert = |(id, customer_id, kind, number, issue_date, due_date, amount_minor, currency, open_minor, settled_on): Packed| {
        let currency = crate::parse_stored_currency("document.currency", currency)?;
        Ok(StoredDocument { id, data: DocumentData { customer_id, kind, number, issue_date, due_date, amount_minor, currency }, open_minor, settled_on })
    };
    crate::fetch_packed_with(conn, "document", &columns, portfolio_id, convert).await
}

pub async fn insert_document(conn: &mut Conn, portfolio_id: i64, batch_id: i64, document: &DocumentData) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO document (portfolio_id, customer_id, kind, number, issue_date, due_date, amount_minor, currency, \
         open_minor, settled_on, import_batch_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7, NULL, $9) RETURNING id",
    )
    .bind(portfolio_id)
    .bind(document.customer_id)
    .bind(&document.kind)
    .bind(&document.number)
    .bind(date_text(document.issue_date))
    .bind(date_text(document.due_date))
    .bind(document.amount_minor)
    .bind(document.currency.code())
    .bind(batch_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get("id")?)
}

/// Stores a document's open balance after allocations, and the date it
/// reached zero.
pub async fn update_document_balance(conn: &mut Conn, document_id: i64, open_minor: i64, settled_on: Option<NaiveDate>) -> Result<()> {
    sqlx::query("UPDATE document SET open_minor = $2, settled_on = $3 WHERE id = $1")
        .bind(document_id)
        .bind(open_minor)
        .bind(settled_on.map(date_text))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentData {
    pub customer_id: i64,
    pub external_ref: String,
    pub paid_on: NaiveDate,
    pub amount_minor: i64,
    pub currency: Currency,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPayment {
    pub id: i64,
    pub data: PaymentData,
    pub unapplied_minor: i64,
}

pub async fn load_payments(conn: &mut Conn, portfolio_id: i64) -> Result<Vec<StoredPayment>> {
    type Packed = (i64, i64, String, NaiveDate, i64, String, i64);
    let columns = ["id", "customer_id", "external_ref", "paid_on", "amount_minor", "currency", "unapplied_minor"];
    let convert = |(id, customer_id, external_ref, paid_on, amount_minor, currency, unapplied_minor): Packed| {
        let currency = crate::parse_stored_currency("payment.currency", currency)?;
        Ok(StoredPayment { id, data: PaymentData { customer_id, external_ref, paid_on, amount_minor, currency }, unapplied_minor })
    };
    crate::fetch_packed_with(conn, "payment", &columns, portfolio_id, convert).await
}

pub async fn insert_payment(conn: &mut Conn, portfolio_id: i64, batch_id: i64, payment: &PaymentData) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO payment (portfolio_id, customer_id, external_ref, paid_on, amount_minor, currency, \
         unapplied_minor, import_batch_id) VALUES ($1, $2, $3, $4, $5, $6, $5, $7) RETURNING id",
    )
    .bind(portfolio_id)
    .bind(payment.customer_id)
    .bind(&payment.external_ref)
    .bind(date_text(payment.paid_on))
    .bind(payment.amount_minor)
    .bind(payment.currency.code())
    .bind(batch_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get("id")?)
}

pub async fn update_payment_unapplied(conn: &mut Conn, payment_id: i64, unapplied_minor: i64) -> Result<()> {
    sqlx::query("UPDATE payment SET unapplied_minor = $2 WHERE id = $1")
        .bind(payment_id)
        .bind(unapplied_minor)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The source of an allocation: a payment or a credit note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AllocationSource {
    Payment(i64),
    CreditNote(i64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAllocation {
    pub source: AllocationSource,
    pub document_id: i64,
    pub allocated_on: NaiveDate,
    pub amount_minor: i64,
}

pub async fn load_allocations(conn: &mut Conn, portfolio_id: i64) -> Result<Vec<StoredAllocation>> {
    type Packed = (i64, Option<i64>, Option<i64>, i64, NaiveDate, i64);
    let columns = ["id", "payment_id", "credit_note_id", "document_id", "allocated_on", "amount_minor"];
    let convert = |(_, payment_id, credit_note_id, document_id, allocated_on, amount_minor): Packed| {
        let source = match (payment_id, credit_note_id) {
            (Some(id), _) => AllocationSource::Payment(id),
            (None, Some(id)) => AllocationSource::CreditNote(id),
            (None, None) => return Err(crate::StoreError::BadValue { column: "payment_id", value: "NULL".into(), expected: "payment or credit note" }),
        };
        Ok(StoredAllocation { source, document_id, allocated_on, amount_minor })
    };
    crate::fetch_packed_with(conn, "allocation", &columns, portfolio_id, convert).await
}

pub async fn insert_allocation(conn: &mut Conn, portfolio_id: i64, allocation: &StoredAllocation) -> Result<()> {
    let (payment_id, credit_note_id) = match allocation.source {
        AllocationSource::Payment(id) => (Some(id), None),
        AllocationSource::CreditNote(id) => (None, Some(id)),
    };
    sqlx::query(
        "INSERT INTO allocation (portfolio_id, document_id, payment_id, credit_note_id, allocated_on, amount_minor) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(portfolio_id)
    .bind(allocation.document_id)
    .bind(payment_id)
    .bind(credit_note_id)
    .bind(date_text(allocation.allocated_on))
    .bind(allocation.amount_minor)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Opens a dispute on a document. Returns false when the same dispute
/// (document and opening date) is already stored.
pub async fn insert_dispute(conn: &mut Conn, portfolio_id: i64, document_id: i64, opened_on: NaiveDate, reason: &str) -> Result<bool> {
    let result = sqlx::query(
        "INSERT INTO dispute (portfolio_id, document_id, opened_on, reason, status) VALUES ($1, $2, $3, $4, 'open') \
         ON CONFLICT (document_id, opened_on) DO NOTHING",
    )
    .bind(portfolio_id)
    .bind(document_id)
    .bind(date_text(opened_on))
    .bind(reason)
    .execute(&mut *conn)
    .await?;
    Ok(result.rows_affected() == 1)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotAccountData {
    pub customer_id: i64,
    pub account_ref: String,
    pub snapshot_date: NaiveDate,
    pub balance_minor: i64,
    pub days_past_due: i64,
    pub credit_limit_minor: Option<i64>,
    pub currency: Currency,
}

impl SnapshotAccountData {
    /// The due date that makes the account `days_past_due` on its snapshot
    /// date; none when it was not past due.
    pub fn oldest_due_date(&self) -> Option<NaiveDate> {
        (self.days_past_due > 0).then(|| self.snapshot_date - chrono::Duration::days(self.days_past_due))
    }
}

pub async fn load_snapshot_accounts(conn: &mut Conn, portfolio_id: i64) -> Result<Vec<SnapshotAccountData>> {
    let rows = sqlx::query(
        "SELECT customer_id, account_ref, snapshot_date, balance_minor, days_past_due, credit_limit_minor, currency \
         FROM snapshot_account WHERE portfolio_id = $1",
    )
    .bind(portfolio_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(SnapshotAccountData {
                customer_id: row.try_get("customer_id")?,
                account_ref: row.try_get("account_ref")?,
                snapshot_date: get_date(row, "snapshot_date")?,
                balance_minor: row.try_get("balance_minor")?,
                days_past_due: row.try_get("days_past_due")?,
                credit_limit_minor: row.try_get("credit_limit_minor")?,
                currency: get_currency(row, "currency")?,
            })
        })
        .collect()
}

pub async fn insert_snapshot_account(conn: &mut Conn, portfolio_id: i64, batch_id: i64, account: &SnapshotAccountData) -> Result<()> {
    sqlx::query(
        "INSERT INTO snapshot_account (portfolio_id, customer_id, account_ref, snapshot_date, balance_minor, \
         days_past_due, oldest_due_date, credit_limit_minor, currency, import_batch_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(portfolio_id)
    .bind(account.customer_id)
    .bind(&account.account_ref)
    .bind(date_text(account.snapshot_date))
    .bind(account.balance_minor)
    .bind(account.days_past_due)
    .bind(account.oldest_due_date().map(date_text))
    .bind(account.credit_limit_minor)
    .bind(account.currency.code())
    .bind(batch_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionData {
    pub customer_id: i64,
    pub action_key: String,
    pub action_on: NaiveDate,
    pub kind: String,
    pub outcome: Option<String>,
    pub collector: Option<String>,
    pub notes: Option<String>,
    pub next_action_kind: Option<String>,
    pub next_action_on: Option<NaiveDate>,
    pub promise_amount_minor: Option<i64>,
    pub promise_currency: Option<Currency>,
    pub promise_on: Option<NaiveDate>,
    pub source: &'static str,
}

/// Appends a collection action. Returns false when an action with the same
/// key is already stored.
pub async fn insert_action(conn: &mut Conn, portfolio_id: i64, action: &ActionData) -> Result<bool> {
    let result = sqlx::query(
        "INSERT INTO collection_action (portfolio_id, customer_id, action_key, action_on, kind, outcome, collector, \
         notes, next_action_kind, next_action_on, promise_amount_minor, promise_currency, promise_on, source) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
         ON CONFLICT (portfolio_id, action_key) DO NOTHING",
    )
    .bind(portfolio_id)
    .bind(action.customer_id)
    .bind(&action.action_key)
    .bind(date_text(action.action_on))
    .bind(&action.kind)
    .bind(&action.outcome)
    .bind(&action.collector)
    .bind(&action.notes)
    .bind(&action.next_action_kind)
    .bind(action.next_action_on.map(date_text))
    .bind(action.promise_amount_minor)
    .bind(action.promise_currency.map(|currency| currency.code().to_string()))
    .bind(action.promise_on.map(date_text))
    .bind(action.source)
    .execute(&mut *conn)
    .await?;
    Ok(result.rows_affected() == 1)
}

pub async fn action_keys(conn: &mut Conn, portfolio_id: i64) -> Result<Vec<String>> {
    let rows = sqlx::query("SELECT action_key FROM collection_action WHERE portfolio_id = $1")
        .bind(portfolio_id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(|row| Ok(row.try_get("action_key")?)).collect()
}

pub struct ImportBatch<'a> {
    pub file_name: &'a str,
    pub file_sha256: &'a str,
    pub mapping: &'a str,
}

pub async fn insert_import_batch(conn: &mut Conn, portfolio_id: i64, batch: &ImportBatch<'_>) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO import_batch (portfolio_id, file_name, file_sha256, mapping, imported_at, rows_read, \
         records_created, records_updated, records_unchanged) VALUES ($1, $2, $3, $4, $5, 0, 0, 0, 0) RETURNING id",
    )
    .bind(portfolio_id)
    .bind(batch.file_name)
    .bind(batch.file_sha256)
    .bind(batch.mapping)
    .bind(chrono::Utc::now().to_rfc3339())
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get("id")?)
}

pub async fn finish_import_batch(conn: &mut Conn, batch_id: i64, rows_read: i64, created: i64, updated: i64, unchanged: i64) -> Result<()> {
    sqlx::query(
        "UPDATE import_batch SET rows_read = $2, records_created = $3, records_updated = $4, records_unchanged = $5 WHERE id = $1",
    )
    .bind(batch_id)
    .bind(rows_read)
    .bind(created)
    .bind(updated)
    .bind(unchanged)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Assigns a customer to a collector, and its open tasks with it. Returns
/// false when the portfolio has no customer with that reference.
pub async fn assign_collector(conn: &mut Conn, portfolio_id: i64, customer_ref: &str, collector: Option<&str>) -> Result<bool> {
    let row = sqlx::query("UPDATE customer SET collector = $3 WHERE portfolio_id = $1 AND external_ref = $2 RETURNING id")
        .bind(portfolio_id)
        .bind(customer_ref)
        .bind(collector)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else { return Ok(false) };
    let customer_id: i64 = row.try_get("id")?;
    sqlx::query("UPDATE task SET assigned_to = $2 WHERE customer_id = $1 AND status = 'open' AND owner = 'collector'")
        .bind(customer_id)
        .bind(collector)
        .execute(&mut *conn)
        .await?;
    Ok(true)
}

/// Spreads a portfolio's unassigned customers over `collectors` in turn,
/// by reference order. Returns how many customers were assigned.
pub async fn assign_unassigned_in_turn(conn: &mut Conn, portfolio_id: i64, collectors: &[&str]) -> Result<u64> {
    if collectors.is_empty() {
        return Ok(0);
    }
    let rows = sqlx::query("SELECT id FROM customer WHERE portfolio_id = $1 AND collector IS NULL ORDER BY external_ref")
        .bind(portfolio_id)
        .fetch_all(&mut *conn)
        .await?;
    for (position, row) in rows.iter().enumerate() {
        let customer_id: i64 = row.try_get("id")?;
        sqlx::query("UPDATE customer SET collector = $2 WHERE id = $1")
            .bind(customer_id)
            .bind(collectors[position % collectors.len()])
            .execute(&mut *conn)
            .await?;
    }
    Ok(rows.len() as u64)
}

/// A document found by kind and number, with its customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRef {
    pub id: i64,
    pub customer_id: i64,
    pub customer_ref: String,
}

pub async fn find_document(conn: &mut Conn, portfolio_id: i64, kind: &str, number: &str) -> Result<Option<DocumentRef>> {
    let row = sqlx::query(
        "SELECT d.id, d.customer_id, c.external_ref FROM document d JOIN customer c ON c.id = d.customer_id \
         WHERE d.portfolio_id = $1 AND d.kind = $2 AND d.number = $3",
    )
    .bind(portfolio_id)
    .bind(kind)
    .bind(number)
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some(row) => Ok(Some(DocumentRef { id: row.try_get("id")?, customer_id: row.try_get("customer_id")?, customer_ref: row.try_get("external_ref")? })),
        None => Ok(None),
    }
}

/// Closes the open disputes of a document as `accepted` or `rejected`.
/// Returns how many were open.
pub async fn resolve_disputes(conn: &mut Conn, document_id: i64, status: &str, resolved_on: NaiveDate, resolution: &str, credit_note_id: Option<i64>) -> Result<u64> {
    let result = sqlx::query(
        "UPDATE dispute SET status = $2, resolved_on = $3, resolution = $4, credit_note_id = $5 \
         WHERE document_id = $1 AND status = 'open' AND opened_on <= $3",
    )
    .bind(document_id)
    .bind(status)
    .bind(date_text(resolved_on))
    .bind(resolution)
    .bind(credit_note_id)
    .execute(&mut *conn)
    .await?;
    Ok(result.rows_affected())
}

/// Sets a customer's relationship status. Returns false when the portfolio
/// has no customer with that reference.
pub async fn set_customer_status(conn: &mut Conn, portfolio_id: i64, customer_ref: &str, status: &str) -> Result<bool> {
    let result = sqlx::query("UPDATE customer SET status = $3 WHERE portfolio_id = $1 AND external_ref = $2")
        .bind(portfolio_id)
        .bind(customer_ref)
        .bind(status)
        .execute(&mut *conn)
        .await?;
    Ok(result.rows_affected() == 1)
}

/// The customers whose relationship status is one of `statuses`, by
/// reference.
pub async fn customers_with_status(conn: &mut Conn, portfolio_id: i64, statuses: &[&str]) -> Result<Vec<CustomerData>> {
    let mut customers = Vec::new();
    for (_, customer) in load_customers(conn, portfolio_id).await? {
        if statuses.contains(&customer.status.as_str()) {
            customers.push(customer);
        }
    }
    customers.sort_by(|a, b| a.external_ref.cmp(&b.external_ref));
    Ok(customers)
}

/// Customers, open cases and open tasks of each collector of a portfolio;
/// `None` gathers the unassigned customers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workload {
    pub collector: Option<String>,
    pub customers: i64,
    pub open_cases: i64,
    pub open_tasks: i64,
}

pub async fn collector_workloads(conn: &mut Conn, portfolio_id: i64) -> Result<Vec<Workload>> {
    let rows = sqlx::query(
        "SELECT c.collector, COUNT(*) AS customers, \
           CAST(SUM(CASE WHEN EXISTS (SELECT 1 FROM collection_case k WHERE k.customer_id = c.id AND k.status = 'open') THEN 1 ELSE 0 END) AS BIGINT) AS open_cases, \
           CAST(SUM((SELECT COUNT(*) FROM task t WHERE t.customer_id = c.id AND t.status = 'open')) AS BIGINT) AS open_tasks \
         FROM customer c WHERE c.portfolio_id = $1 GROUP BY c.collector ORDER BY c.collector",
    )
    .bind(portfolio_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Workload {
                collector: row.try_get("collector")?,
                customers: row.try_get("customers")?,
                open_cases: row.try_get("open_cases")?,
                open_tasks: row.try_get("open_tasks")?,
            })
        })
        .collect()
}

/// Unassigned customers of a portfolio with an open case first, most days
/// past due first: reference, name and days past due.
pub async fn unassigned_customers(conn: &mut Conn, portfolio_id: i64, limit: i64) -> Result<Vec<(String, String, i64)>> {
    let rows = sqlx::query(
        "SELECT c.external_ref, c.name, COALESCE(k.days_past_due, 0) AS days_past_due FROM customer c \
         LEFT JOIN collection_case k ON k.customer_id = c.id AND k.status = 'open' \
         WHERE c.portfolio_id = $1 AND c.collector IS NULL \
         ORDER BY COALESCE(k.days_past_due, 0) DESC, c.external_ref LIMIT $2",
    )
    .bind(portfolio_id)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|row| Ok((row.try_get("external_ref")?, row.try_get("name")?, row.try_get("days_past_due")?))).collect()
}

/// Moves every customer of collector `from` (or every unassigned customer
/// when `from` is `None`) to collector `to`, with their open tasks. Returns
/// how many customers moved.
pub async fn reassign_all(conn: &mut Conn, portfolio_id: i64, from: Option<&str>, to: &str) -> Result<u64> {
    sqlx::query(
        "UPDATE task SET assigned_to = $3 WHERE status = 'open' AND owner = 'collector' AND customer_id IN \
           (SELECT id FROM customer WHERE portfolio_id = $1 AND (collector = $2 OR ($2 IS NULL AND collector IS NULL)))",
    )
    .bind(portfolio_id)
    .bind(from)
    .bind(to)
    .execute(&mut *conn)
    .await?;
    let result = sqlx::query("UPDATE customer SET collector = $3 WHERE portfolio_id = $1 AND (collector = $2 OR ($2 IS NULL AND collector IS NULL))")
        .bind(portfolio_id)
        .bind(from)
        .bind(to)
        .execute(&mut *conn)
        .await?;
    Ok(result.rows_affected())
}

/// Rows per multi-row statement of the bulk writes below. With at most 10
/// parameters a row, a statement stays below the bound-parameter limits of
/// SQLite (32766 since 3.32) and PostgreSQL (65535).
pub(crate) const BULK_ROWS: usize = 500;

/// Builds the VALUES list of `rows` rows from `row_template`, replacing each
/// `{}` with a placeholder: `?` on SQLite and `$1`, `$2`, ... in order on
/// PostgreSQL. Every placeholder takes its own bound value, in order.
///
/// SQLite gets anonymous `?` placeholders because sqlx looks up the name of
/// every numbered parameter, and SQLite finds a name by a linear scan, so
/// a statement with thousands of `$N` parameters costs quadratic time.
pub(crate) fn values_list(conn: &Conn, rows: usize, row_template: &str) -> String {
    let numbered = conn.backend_name() != "SQLite";
    let mut text = String::with_capacity(rows * (row_template.len() + 16));
    let mut next = 1;
    for row in 0..rows {
        if row > 0 {
            text.push_str(", ");
        }
        let mut rest = row_template;
        while let Some(position) = rest.find("{}") {
            text.push_str(&rest[..position]);
            if numbered {
                text.push_str(&format!("${next}"));
                next += 1;
            } else {
                text.push('?');
            }
            rest = &rest[position + 2..];
        }
        text.push_str(rest);
    }
    text
}

/// Returns `clause` on PostgreSQL and nothing on SQLite, where
/// [`sqlite_inserted_ids`] finds the new ids instead: sqlx hands every
/// returned SQLite row from its worker thread to the caller on its own,
/// which costs more than the insert.
fn returning<'a>(conn: &Conn, clause: &'a str) -> &'a str {
    if conn.backend_name() == "SQLite" { "" } else { clause }
}

/// Returns the ids of the `count` rows that one multi-row INSERT just added
/// to `table` (document or payment). SQLite gives a rowid table's new rows
/// the ids after the largest one, in the order of the VALUES list, and this
/// transaction holds the write lock, so they end at the last insert id.
/// The range is checked against the import batch and the first row's key.
async fn sqlite_inserted_ids(conn: &mut Conn, table: &str, batch_id: i64, last_id: Option<i64>, count: usize, first_key: &str) -> Result<std::ops::RangeInclusive<i64>> {
    let invalid = |value: String| crate::StoreError::BadValue { column: "id", value, expected: "consecutive ids from one multi-row insert" };
    let last = last_id.ok_or_else(|| invalid(format!("no last insert id for {table}")))?;
    let first = last - count as i64 + 1;
    let key_column = if table == "document" { "number" } else { "external_ref" };
    let sql = format!(
        "SELECT COUNT(*) AS row_count, MAX(CASE WHEN id = $2 THEN {key_column} END) AS first_key FROM {table} \
         WHERE id BETWEEN $2 AND $3 AND import_batch_id = $1"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(batch_id).bind(first).bind(last).fetch_one(&mut *conn).await?;
    let row_count: i64 = row.try_get("row_count")?;
    let found_key: Option<String> = row.try_get("first_key")?;
    if row_count != count as i64 || found_key.as_deref() != Some(first_key) {
        return Err(invalid(format!("{table} ids {first}..={last}")));
    }
    Ok(first..=last)
}

/// Inserts documents with multi-row statements. Returns their ids in the
/// order of `documents`.
pub async fn insert_documents(conn: &mut Conn, portfolio_id: i64, batch_id: i64, documents: &[DocumentData]) -> Result<Vec<i64>> {
    let mut ids = Vec::with_capacity(documents.len());
    for chunk in documents.chunks(BULK_ROWS) {
        let sql = format!(
            "INSERT INTO document (portfolio_id, import_batch_id, customer_id, kind, number, issue_date, due_date, amount_minor, \
             currency, open_minor, settled_on) VALUES {}{}",
            values_list(conn, chunk.len(), "({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, NULL)"),
            returning(conn, " RETURNING id, kind, number")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for document in chunk {
            query = query
                .bind(portfolio_id)
                .bind(batch_id)
                .bind(document.customer_id)
                .bind(&document.kind)
                .bind(&document.number)
                .bind(date_text(document.issue_date))
                .bind(date_text(document.due_date))
                .bind(document.amount_minor)
                .bind(document.currency.code())
                .bind(document.amount_minor);
        }
        if conn.backend_name() == "SQLite" {
            let result = query.execute(&mut *conn).await?;
            ids.extend(sqlite_inserted_ids(conn, "document", batch_id, result.last_insert_id(), chunk.len(), &chunk[0].number).await?);
            continue;
        }
        let rows = query.fetch_all(&mut *conn).await?;
        // RETURNING promises no row order, so rows are matched by key.
        let mut by_key = std::collections::HashMap::with_capacity(rows.len());
        for row in &rows {
            let kind: String = row.try_get("kind")?;
            let number: String = row.try_get("number")?;
            by_key.insert((kind, number), row.try_get::<i64, _>("id")?);
        }
        for document in chunk {
            let id = by_key.get(&(document.kind.clone(), document.number.clone())).copied();
            ids.push(id.ok_or_else(|| crate::StoreError::BadValue { column: "document.id", value: document.number.clone(), expected: "a returned id" })?);
        }
    }
    Ok(ids)
}

/// Inserts payments, each with its unapplied amount, with multi-row
/// statements. Returns their ids in the order of `payments`.
pub async fn insert_payments(conn: &mut Conn, portfolio_id: i64, batch_id: i64, payments: &[(PaymentData, i64)]) -> Result<Vec<i64>> {
    let mut ids = Vec::with_capacity(payments.len());
    for chunk in payments.chunks(BULK_ROWS) {
        let sql = format!(
            "INSERT INTO payment (portfolio_id, import_batch_id, customer_id, external_ref, paid_on, amount_minor, currency, \
             unapplied_minor) VALUES {}{}",
            values_list(conn, chunk.len(), "({}, {}, {}, {}, {}, {}, {}, {})"),
            returning(conn, " RETURNING id, external_ref")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (payment, unapplied_minor) in chunk {
            query = query
                .bind(portfolio_id)
                .bind(batch_id)
                .bind(payment.customer_id)
                .bind(&payment.external_ref)
                .bind(date_text(payment.paid_on))
                .bind(payment.amount_minor)
                .bind(payment.currency.code())
                .bind(*unapplied_minor);
        }
        if conn.backend_name() == "SQLite" {
            let result = query.execute(&mut *conn).await?;
            ids.extend(sqlite_inserted_ids(conn, "payment", batch_id, result.last_insert_id(), chunk.len(), &chunk[0].0.external_ref).await?);
            continue;
        }
        let rows = query.fetch_all(&mut *conn).await?;
        let mut by_ref = std::collections::HashMap::with_capacity(rows.len());
        for row in &rows {
            by_ref.insert(row.try_get::<String, _>("external_ref")?, row.try_get::<i64, _>("id")?);
        }
        for (payment, _) in chunk {
            let id = by_ref.get(&payment.external_ref).copied();
            ids.push(id.ok_or_else(|| crate::StoreError::BadValue { column: "payment.id", value: payment.external_ref.clone(), expected: "a returned id" })?);
        }
    }
    Ok(ids)
}

/// Inserts allocations with multi-row statements.
pub async fn insert_allocations(conn: &mut Conn, portfolio_id: i64, allocations: &[StoredAllocation]) -> Result<()> {
    for chunk in allocations.chunks(BULK_ROWS) {
        let sql = format!(
            "INSERT INTO allocation (portfolio_id, document_id, payment_id, credit_note_id, allocated_on, amount_minor) VALUES {}",
            values_list(conn, chunk.len(), "({}, {}, {}, {}, {}, {})")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for allocation in chunk {
            let (payment_id, credit_note_id) = match allocation.source {
                AllocationSource::Payment(id) => (Some(id), None),
                AllocationSource::CreditNote(id) => (None, Some(id)),
            };
            query = query.bind(portfolio_id).bind(allocation.document_id).bind(payment_id).bind(credit_note_id).bind(date_text(allocation.allocated_on)).bind(allocation.amount_minor);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Stores the open balance and settlement date of many documents: `(id,
/// open_minor, settled_on)`.
pub async fn update_document_balances(conn: &mut Conn, balances: &[(i64, i64, Option<NaiveDate>)]) -> Result<()> {
    for chunk in balances.chunks(BULK_ROWS) {
        // Both engines name the columns of a VALUES list column1, column2, ...
        let sql = format!(
            "UPDATE document SET open_minor = v.column2, settled_on = v.column3 FROM (VALUES {}) AS v WHERE document.id = v.column1",
            values_list(conn, chunk.len(), "({}, {}, {})")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (id, open_minor, settled_on) in chunk {
            query = query.bind(*id).bind(*open_minor).bind(settled_on.map(date_text));
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Stores the unapplied amount of many payments: `(id, unapplied_minor)`.
pub async fn update_payments_unapplied(conn: &mut Conn, unapplied: &[(i64, i64)]) -> Result<()> {
    for chunk in unapplied.chunks(BULK_ROWS) {
        let sql = format!(
            "UPDATE payment SET unapplied_minor = v.column2 FROM (VALUES {}) AS v WHERE payment.id = v.column1",
            values_list(conn, chunk.len(), "({}, {})")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (id, unapplied_minor) in chunk {
            query = query.bind(*id).bind(*unapplied_minor);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Refreshes PostgreSQL's planner statistics of the ledger tables, so that
/// the statements right after a large import (the next file's bulk updates,
/// the daily run) are planned for the tables' new size. Autovacuum would do
/// it too, but only some time after the commit. SQLite plans without them.
pub async fn refresh_statistics(conn: &mut Conn) -> Result<()> {
    if conn.backend_name() != "SQLite" {
        sqlx::query("ANALYZE customer, document, payment, allocation").execute(&mut *conn).await?;
    }
    Ok(())
}
