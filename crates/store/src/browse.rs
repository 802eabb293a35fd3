//! Read queries behind the web pages and the API: the customer list with
//! filters and keyset pagination, a customer's file, and worklists.

use chrono::NaiveDate;
use sqlx::Row;

use crate::{AnyRow, Conn, Result, date_text, get_date, get_optional_date};

/// Sort orders of the customer list. Each sorts on one column and then the
/// customer id, so that a page can continue after the last row it showed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerSort {
    DaysPastDue,
    Balance,
    Name,
    Reference,
}

impl CustomerSort {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "days_past_due" => Some(Self::DaysPastDue),
            "balance" => Some(Self::Balance),
            "name" => Some(Self::Name),
            "reference" => Some(Self::Reference),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::DaysPastDue => "days_past_due",
            Self::Balance => "balance",
            Self::Name => "name",
            Self::Reference => "reference",
        }
    }
}

/// The position after the last row of a page: the sort value and the id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cursor {
    Number(i64, i64),
    Text(String, i64),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerFilter {
    /// Part of the name or reference, matched without regard to case.
    pub search: Option<String>,
    pub stage: Option<String>,
    pub collector: Option<String>,
    pub segment: Option<String>,
    /// Days past due, inclusive bounds.
    pub days_past_due: Option<(i64, i64)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerListRow {
    pub id: i64,
    pub external_ref: String,
    pub name: String,
    pub segment: Option<String>,
    pub collector: Option<String>,
    pub status: String,
    pub stage: Option<String>,
    pub days_past_due: i64,
    pub overdue_minor: i64,
    pub balance_minor: i64,
    pub currency: String,
}

/// Lists up to `limit` customers matching `filter`, after `cursor`, with
/// the state the latest daily run left their cases in.
// NOTE: with a search, stage, segment or days-past-due filter, sorting on
// days past due or balance reads the case of every matching customer.
pub async fn list_customers(
    conn: &mut Conn,
    portfolio_id: i64,
    filter: &CustomerFilter,
    sort: CustomerSort,
    cursor: Option<&Cursor>,
    limit: i64,
) -> Result<Vec<CustomerListRow>> {
    if let Some(rows) = list_customers_by_case(conn, portfolio_id, filter, sort, cursor, limit).await? {
        return Ok(rows);
    }
    let sort_expression = match sort {
        CustomerSort::DaysPastDue => "COALESCE(k.days_past_due, 0)",
        CustomerSort::Balance => "COALESCE(k.balance_minor, 0)",
        CustomerSort::Name => "c.name",
        CustomerSort::Reference => "c.external_ref",
    };
    let descending = matches!(sort, CustomerSort::DaysPastDue | CustomerSort::Balance);

    // Every value below is a bound parameter; only the fixed fragments
    // above are spliced into the text.
    let mut sql = String::from(
        "SELECT c.id, c.external_ref, c.name, c.segment, c.collector, c.status, k.stage, \
         COALESCE(k.days_past_due, 0) AS days_past_due, COALESCE(k.overdue_minor, 0) AS overdue_minor, \
         COALESCE(k.balance_minor, 0) AS balance_minor, COALESCE(k.currency, c.currency) AS currency \
         FROM customer c LEFT JOIN collection_case k ON k.customer_id = c.id AND k.status = 'open' \
         WHERE c.portfolio_id = $1",
    );
    let mut next = 2;
    let mut placeholder = || {
        let text = format!("${next}");
        next += 1;
        text
    };
    let search = filter.search.as_ref().map(|term| format!("%{}%", escape_like(&term.to_lowercase())));
    if search.is_some() {
        let p = placeholder();
        sql.push_str(&format!(" AND (LOWER(c.name) LIKE {p} ESCAPE '\\' OR LOWER(c.external_ref) LIKE {p} ESCAPE '\\')"));
    }
    if filter.stage.is_some() {
        sql.push_str(&format!(" AND k.stage = {}", placeholder()));
    }
    if filter.collector.is_some() {
        sql.push_str(&format!(" AND c.collector = {}", placeholder()));
    }
    if filter.segment.is_some() {
        sql.push_str(&format!(" AND c.segment = {}", placeholder()));
    }
    if filter.days_past_due.is_some() {
        let (low, high) = (placeholder(), placeholder());
        sql.push_str(&format!(" AND COALESCE(k.days_past_due, 0) BETWEEN {low} AND {high}"));
    }
    if cursor.is_some() {
        let (value, id) = (placeholder(), placeholder());
        let (beyond, id_beyond) = if descending { ("<", "<") } else { (">", ">") };
        sql.push_str(&format!(" AND ({sort_expression} {beyond} {value} OR ({sort_expression} = {value} AND c.id {id_beyond} {id}))"));
    }
    let direction = if descending { "DESC" } else { "ASC" };
    sql.push_str(&format!(" ORDER BY {sort_expression} {direction}, c.id {direction} LIMIT {}", placeholder()));

    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(portfolio_id);
    if let Some(search) = search {
        query = query.bind(search);
    }
    if let Some(stage) = &filter.stage {
        query = query.bind(stage.clone());
    }
    if let Some(collector) = &filter.collector {
        query = query.bind(collector.clone());
    }
    if let Some(segment) = &filter.segment {
        query = query.bind(segment.clone());
    }
    if let Some((low, high)) = filter.days_past_due {
        query = query.bind(low).bind(high);
    }
    match cursor {
        Some(Cursor::Number(value, id)) => query = query.bind(*value).bind(*id),
        Some(Cursor::Text(value, id)) => query = query.bind(value.clone()).bind(*id),
        None => {}
    }
    let rows = query.bind(limit).fetch_all(&mut *conn).await?;
    rows.iter().map(customer_list_row).collect()
}

/// Lists customers by days past due or balance, highest first, without
/// sorting the whole portfolio: first the open cases with a positive value
/// in the order of their index, then every other customer, whose value is
/// 0, by descending id. Returns `None` when this does not apply: a filter
/// other than the collector, another sort, or an open case whose value is
/// 0 or less, which would belong among the customers without a case.
async fn list_customers_by_case(
    conn: &mut Conn,
    portfolio_id: i64,
    filter: &CustomerFilter,
    sort: CustomerSort,
    cursor: Option<&Cursor>,
    limit: i64,
) -> Result<Option<Vec<CustomerListRow>>> {
    let column = match sort {
        CustomerSort::DaysPastDue => "days_past_due",
        CustomerSort::Balance => "balance_minor",
        CustomerSort::Name | CustomerSort::Reference => return Ok(None),
    };
    if filter.search.is_some() || filter.stage.is_some() || filter.segment.is_some() || filter.days_past_due.is_some() {
        return Ok(None);
    }
    let after = match cursor {
        None => None,
        Some(Cursor::Number(value, id)) if *value >= 0 => Some((*value, *id)),
        Some(_) => return Ok(None),
    };
    let not_positive = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT 1 AS found FROM collection_case WHERE portfolio_id = $1 AND status = 'open' AND {column} <= 0 LIMIT 1"
    )))
    .bind(portfolio_id)
    .fetch_optional(&mut *conn)
    .await?;
    if not_positive.is_some() {
        return Ok(None);
    }

    let select = "SELECT c.id, c.external_ref, c.name, c.segment, c.collector, c.status, k.stage, \
         COALESCE(k.days_past_due, 0) AS days_past_due, COALESCE(k.overdue_minor, 0) AS overdue_minor, \
         COALESCE(k.balance_minor, 0) AS balance_minor, COALESCE(k.currency, c.currency) AS currency";
    let collector_clause = |placeholder: &str| if filter.collector.is_some() { format!(" AND c.collector = {placeholder}") } else { String::new() };
    let mut rows = Vec::new();
    if after.is_none_or(|(value, _)| value > 0) {
        let (value, id) = after.unwrap_or((i64::MAX, i64::MAX));
        let sql = format!(
            "{select} FROM collection_case k JOIN customer c ON c.id = k.customer_id \
             WHERE k.portfolio_id = $1 AND k.status = 'open' AND (k.{column} < $2 OR (k.{column} = $2 AND k.customer_id < $3)){} \
             ORDER BY k.{column} DESC, k.customer_id DESC LIMIT $4",
            collector_clause("$5")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(portfolio_id).bind(value).bind(id).bind(limit);
        if let Some(collector) = &filter.collector {
            query = query.bind(collector.clone());
        }
        for row in &query.fetch_all(&mut *conn).await? {
            rows.push(customer_list_row(row)?);
        }
    }
    let missing = limit - rows.len() as i64;
    if missing > 0 {
        let below_id = match after {
            Some((0, id)) => id,
            _ => i64::MAX,
        };
        let sql = format!(
            "{select} FROM customer c LEFT JOIN collection_case k ON k.customer_id = c.id AND k.status = 'open' \
             WHERE c.portfolio_id = $1 AND c.id < $2 AND k.id IS NULL{} ORDER BY c.id DESC LIMIT $3",
            collector_clause("$4")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(portfolio_id).bind(below_id).bind(missing);
        if let Some(collector) = &filter.collector {
            query = query.bind(collector.clone());
        }
        for row in &query.fetch_all(&mut *conn).await? {
            rows.push(customer_list_row(row)?);
        }
    }
    Ok(Some(rows))
}

/// Filter values of the customer list's days-past-due menu: the default
/// aging buckets.
pub const BUCKETS: [&str; 6] = ["current", "1-30", "31-60", "61-90", "91-120", "121+"];

/// Days-past-due bounds of a bucket filter value.
pub fn bucket_bounds(bucket: &str) -> Option<(i64, i64)> {
    match bucket {
        "current" => Some((i64::MIN, 0)),
        "1-30" => Some((1, 30)),
        "31-60" => Some((31, 60)),
        "61-90" => Some((61, 90)),
        "91-120" => Some((91, 120)),
        "121+" => Some((121, i64::MAX)),
        _ => None,
    }
}

/// Encodes the position after a row as text for a next-page link.
pub fn cursor_text(sort: CustomerSort, row: &CustomerListRow) -> String {
    match sort {
        CustomerSort::DaysPastDue => format!("{}:{}", row.days_past_due, row.id),
        CustomerSort::Balance => format!("{}:{}", row.balance_minor, row.id),
        CustomerSort::Name => format!("{}:{}", row.id, row.name),
        CustomerSort::Reference => format!("{}:{}", row.id, row.external_ref),
    }
}

/// Decodes the text of [`cursor_text`]; `None` when it is malformed.
pub fn parse_cursor(sort: CustomerSort, text: &str) -> Option<Cursor> {
    match sort {
        CustomerSort::DaysPastDue | CustomerSort::Balance => {
            let (value, id) = text.split_once(':')?;
            Some(Cursor::Number(value.parse().ok()?, id.parse().ok()?))
        }
        CustomerSort::Name | CustomerSort::Reference => {
            let (id, value) = text.split_once(':')?;
            Some(Cursor::Text(value.to_string(), id.parse().ok()?))
        }
    }
}

fn escape_like(term: &str) -> String {
    term.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

fn customer_list_row(row: &AnyRow) -> Result<CustomerListRow> {
    Ok(CustomerListRow {
        id: row.try_get("id")?,
        external_ref: row.try_get("external_ref")?,
        name: row.try_get("name")?,
        segment: row.try_get("segment")?,
        collector: row.try_get("collector")?,
        status: row.try_get("status")?,
        stage: row.try_get("stage")?,
        days_past_due: row.try_get("days_past_due")?,
        overdue_minor: row.try_get("overdue_minor")?,
        balance_minor: row.try_get("balance_minor")?,
        currency: row.try_get("currency")?,
    })
}

/// Distinct non-empty values of a customer column, for filter menus.
pub async fn distinct_values(conn: &mut Conn, portfolio_id: i64, column: CustomerColumn) -> Result<Vec<String>> {
    // Each step looks up the next larger value in the (portfolio_id,
    // column) index, so the query reads one index entry per distinct value
    // instead of one per customer.
    let sql = match column {
        CustomerColumn::Segment => {
            "WITH RECURSIVE found (value) AS ( \
               SELECT MIN(segment) FROM customer WHERE portfolio_id = $1 \
               UNION ALL \
               SELECT (SELECT MIN(c.segment) FROM customer c WHERE c.portfolio_id = $1 AND c.segment > found.value) FROM found WHERE found.value IS NOT NULL) \
             SELECT value FROM found WHERE value IS NOT NULL ORDER BY value"
        }
        CustomerColumn::Collector => {
            "WITH RECURSIVE found (value) AS ( \
               SELECT MIN(collector) FROM customer WHERE portfolio_id = $1 \
               UNION ALL \
               SELECT (SELECT MIN(c.collector) FROM customer c WHERE c.portfolio_id = $1 AND c.collector > found.value) FROM found WHERE found.value IS NOT NULL) \
             SELECT value FROM found WHERE value IS NOT NULL ORDER BY value"
        }
    };
    let rows = sqlx::query(sql).bind(portfolio_id).fetch_all(&mut *conn).await?;
    rows.iter().map(|row| Ok(row.try_get("value")?)).collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerColumn {
    Segment,
    Collector,
}

/// Finds the customer of a portfolio with this reference, with every column.
pub async fn find_customer(conn: &mut Conn, portfolio_id: i64, external_ref: &str) -> Result<Option<(i64, crate::ledger::CustomerData)>> {
    let customers = sqlx::query(
        "SELECT id, external_ref, name, tax_id, email, phone, language, segment, region, preferred_channel, \
         credit_limit_minor, currency, collector, status FROM customer WHERE portfolio_id = $1 AND external_ref = $2",
    )
    .bind(portfolio_id)
    .bind(external_ref)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = customers else { return Ok(None) };
    Ok(Some((row.try_get("id")?, crate::ledger::customer_from_row(&row)?)))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRow {
    pub id: i64,
    pub kind: String,
    pub number: String,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub amount_minor: i64,
    pub open_minor: i64,
    pub currency: String,
    pub settled_on: Option<NaiveDate>,
    pub disputed: bool,
}

/// The position after the last row of a page of a customer's documents.
/// The documents are sorted open ones first, then by due date and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentCursor {
    pub open: bool,
    pub due_date: NaiveDate,
    pub id: i64,
}

impl DocumentCursor {
    pub fn after(row: &DocumentRow) -> Self {
        Self { open: row.open_minor > 0, due_date: row.due_date, id: row.id }
    }

    /// Encodes the cursor as text such as `open:2024-03-15:42`.
    pub fn text(&self) -> String {
        let state = if self.open { "open" } else { "settled" };
        format!("{state}:{}:{}", date_text(self.due_date), self.id)
    }

    /// Decodes the text of [`DocumentCursor::text`]; `None` when it is malformed.
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.splitn(3, ':');
        let open = match parts.next()? {
            "open" => true,
            "settled" => false,
            _ => return None,
        };
        let due_date = NaiveDate::parse_from_str(parts.next()?, "%Y-%m-%d").ok()?;
        let id = parts.next()?.parse().ok()?;
        Some(Self { open, due_date, id })
    }
}

/// The position after the last row of a page of a list sorted by a date
/// and then the id, latest first: a customer's payments or actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateCursor {
    pub date: NaiveDate,
    pub id: i64,
}

impl DateCursor {
    /// Encodes the cursor as text such as `2024-05-10:7`.
    pub fn text(&self) -> String {
        format!("{}:{}", date_text(self.date), self.id)
    }

    /// Decodes the text of [`DateCursor::text`]; `None` when it is malformed.
    pub fn parse(text: &str) -> Option<Self> {
        let (date, id) = text.split_once(':')?;
        Some(Self { date: NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?, id: id.parse().ok()? })
    }
}

/// Lists a customer's documents, open ones first, then by due date.
pub async fn customer_documents(conn: &mut Conn, customer_id: i64, limit: i64) -> Result<Vec<DocumentRow>> {
    customer_documents_after(conn, customer_id, None, limit).await
}

/// Lists up to `limit` of a customer's documents after `cursor`, open ones
/// first, then by due date and id.
pub async fn customer_documents_after(conn: &mut Conn, customer_id: i64, cursor: Option<&DocumentCursor>, limit: i64) -> Result<Vec<DocumentRow>> {
    // Every open document comes before every settled one, so after an open
    // document the settled ones all follow, and after a settled document
    // only settled ones do.
    let after = match cursor {
        None => "",
        Some(cursor) if cursor.open => " AND (d.open_minor <= 0 OR d.due_date > $3 OR (d.due_date = $3 AND d.id > $4))",
        Some(_) => " AND d.open_minor <= 0 AND (d.due_date > $3 OR (d.due_date = $3 AND d.id > $4))",
    };
    let sql = format!(
        "SELECT d.id, d.kind, d.number, d.issue_date, d.due_date, d.amount_minor, d.open_minor, d.currency, d.settled_on, \
           CASE WHEN EXISTS (SELECT 1 FROM dispute x WHERE x.document_id = d.id AND x.status = 'open') THEN 1 ELSE 0 END AS disputed \
         FROM document d WHERE d.customer_id = $1{after} \
         ORDER BY CASE WHEN d.open_minor > 0 THEN 0 ELSE 1 END, d.due_date, d.id LIMIT $2"
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(customer_id).bind(limit);
    if let Some(cursor) = cursor {
        query = query.bind(date_text(cursor.due_date)).bind(cursor.id);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    rows.iter().map(document_row).collect()
}

/// Lists a customer's documents as they stood on `as_of`: those issued by
/// then, with the open balance, settlement and disputes of that day. Open
/// ones come first, then by due date.
pub async fn customer_documents_as_of(conn: &mut Conn, customer_id: i64, as_of: NaiveDate, limit: i64) -> Result<Vec<DocumentRow>> {
    // A credit note is consumed by the allocations it is the source of.
    // Any other document is paid by the allocations it is the target of.
    let rows = sqlx::query(
        "SELECT * FROM ( \
           SELECT d.id, d.kind, d.number, d.issue_date, d.due_date, d.amount_minor, d.currency, \
             d.amount_minor - COALESCE((SELECT CAST(SUM(a.amount_minor) AS BIGINT) FROM allocation a \
               WHERE (CASE WHEN d.kind = 'credit_note' THEN a.credit_note_id ELSE a.document_id END) = d.id \
               AND a.allocated_on <= $2), 0) AS open_minor, \
             CASE WHEN d.settled_on <= $2 THEN d.settled_on ELSE NULL END AS settled_on, \
             CASE WHEN EXISTS (SELECT 1 FROM dispute x WHERE x.document_id = d.id AND x.opened_on <= $2 \
               AND (x.resolved_on IS NULL OR x.resolved_on > $2)) THEN 1 ELSE 0 END AS disputed \
           FROM document d WHERE d.customer_id = $1 AND d.issue_date <= $2 \
         ) t ORDER BY CASE WHEN t.open_minor > 0 THEN 0 ELSE 1 END, t.due_date, t.id LIMIT $3",
    )
    .bind(customer_id)
    .bind(date_text(as_of))
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(document_row).collect()
}

fn document_row(row: &AnyRow) -> Result<DocumentRow> {
    let disputed: i64 = row.try_get("disputed")?;
    Ok(DocumentRow {
        id: row.try_get("id")?,
        kind: row.try_get("kind")?,
        number: row.try_get("number")?,
        issue_date: get_date(row, "issue_date")?,
        due_date: get_date(row, "due_date")?,
        amount_minor: row.try_get("amount_minor")?,
        open_minor: row.try_get("open_minor")?,
        currency: row.try_get("currency")?,
        settled_on: get_optional_date(row, "settled_on")?,
        disputed: disputed == 1,
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRow {
    pub id: i64,
    pub external_ref: String,
    pub paid_on: NaiveDate,
    pub amount_minor: i64,
    pub unapplied_minor: i64,
    pub currency: String,
    /// Document numbers and the amounts applied to them.
    pub allocations: Vec<(String, i64)>,
}

/// Lists a customer's payments, latest first, with their allocations.
pub async fn customer_payments(conn: &mut Conn, customer_id: i64, limit: i64) -> Result<Vec<PaymentRow>> {
    customer_payments_after(conn, customer_id, None, limit).await
}

/// Lists up to `limit` of a customer's payments after `cursor`, latest
/// first, with their allocations.
pub async fn customer_payments_after(conn: &mut Conn, customer_id: i64, cursor: Option<&DateCursor>, limit: i64) -> Result<Vec<PaymentRow>> {
    let after = if cursor.is_some() { " AND (p.paid_on < $3 OR (p.paid_on = $3 AND p.id < $4))" } else { "" };
    let sql = format!(
        "SELECT p.id, p.external_ref, p.paid_on, p.amount_minor, p.unapplied_minor, p.currency FROM payment p \
         WHERE p.customer_id = $1{after} ORDER BY p.paid_on DESC, p.id DESC LIMIT $2"
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(customer_id).bind(limit);
    if let Some(cursor) = cursor {
        query = query.bind(date_text(cursor.date)).bind(cursor.id);
    }
    let rows = query.fetch_all(&mut *conn).await?;

    let mut payments = Vec::with_capacity(rows.len());
    for row in &rows {
        let payment_id: i64 = row.try_get("id")?;
        let allocation_rows = sqlx::query(
            "SELECT d.number, a.amount_minor FROM allocation a JOIN document d ON d.id = a.document_id \
             WHERE a.payment_id = $1 ORDER BY d.due_date, d.id",
        )
        .bind(payment_id)
        .fetch_all(&mut *conn)
        .await?;
        let allocations = allocation_rows
            .iter()
            .map(|allocation| Ok((allocation.try_get("number")?, allocation.try_get("amount_minor")?)))
            .collect::<Result<Vec<(String, i64)>>>()?;
        payments.push(PaymentRow {
            id: payment_id,
            external_ref: row.try_get("external_ref")?,
            paid_on: get_date(row, "paid_on")?,
            amount_minor: row.try_get("amount_minor")?,
            unapplied_minor: row.try_get("unapplied_minor")?,
            currency: row.try_get("currency")?,
            allocations,
        });
    }
    Ok(payments)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionRow {
    pub id: i64,
    pub action_on: NaiveDate,
    pub kind: String,
    pub outcome: Option<String>,
    pub collector: Option<String>,
    pub notes: Option<String>,
    pub next_action_kind: Option<String>,
    pub next_action_on: Option<NaiveDate>,
    pub promise_amount_minor: Option<i64>,
    pub promise_currency: Option<String>,
    pub promise_on: Option<NaiveDate>,
}

/// Lists a customer's collection actions, latest first.
pub async fn customer_actions(conn: &mut Conn, customer_id: i64, limit: i64) -> Result<Vec<ActionRow>> {
    customer_actions_after(conn, customer_id, None, limit).await
}

/// Lists up to `limit` of a customer's collection actions after `cursor`,
/// latest first.
pub async fn customer_actions_after(conn: &mut Conn, customer_id: i64, cursor: Option<&DateCursor>, limit: i64) -> Result<Vec<ActionRow>> {
    let after = if cursor.is_some() { " AND (action_on < $3 OR (action_on = $3 AND id < $4))" } else { "" };
    let sql = format!(
        "SELECT id, action_on, kind, outcome, collector, notes, next_action_kind, next_action_on, promise_amount_minor, \
         promise_currency, promise_on FROM collection_action WHERE customer_id = $1{after} ORDER BY action_on DESC, id DESC LIMIT $2"
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(customer_id).bind(limit);
    if let Some(cursor) = cursor {
        query = query.bind(date_text(cursor.date)).bind(cursor.id);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|row| {
            Ok(ActionRow {
                id: row.try_get("id")?,
                action_on: get_date(row, "action_on")?,
                kind: row.try_get("kind")?,
                outcome: row.try_get("outcome")?,
                collector: row.try_get("collector")?,
                notes: row.try_get("notes")?,
                next_action_kind: row.try_get("next_action_kind")?,
                next_action_on: get_optional_date(row, "next_action_on")?,
                promise_amount_minor: row.try_get("promise_amount_minor")?,
                promise_currency: row.try_get("promise_currency")?,
                promise_on: get_optional_date(row, "promise_on")?,
            })
        })
        .collect()
}

/// An open task with the customer and case it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskRow {
    pub id: i64,
    pub customer_ref: String,
    pub customer_name: String,
    pub kind: String,
    pub channel: Option<String>,
    pub stage: String,
    pub due_on: NaiveDate,
    pub assigned_to: Option<String>,
    pub days_past_due: i64,
    pub overdue_minor: i64,
    pub currency: String,
}

/// Open tasks due on or before `as_of`, for one collector or everyone,
/// most urgent first: by the case's priority, which the daily run sets from
/// days past due, overdue amount and promises to pay.
pub async fn open_tasks(conn: &mut Conn, portfolio_id: i64, assigned_to: Option<&str>, as_of: NaiveDate, limit: i64) -> Result<Vec<TaskRow>> {
    open_tasks_page(conn, portfolio_id, assigned_to, as_of, limit, 0).await
}

/// Counts the open tasks [`open_tasks`] lists.
pub async fn count_open_tasks(conn: &mut Conn, portfolio_id: i64, assigned_to: Option<&str>, as_of: NaiveDate) -> Result<i64> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM task t WHERE t.portfolio_id = $1 AND t.status = 'open' AND t.due_on <= $2 \
           AND ($3 IS NULL OR t.assigned_to = $3)",
    )
    .bind(portfolio_id)
    .bind(date_text(as_of))
    .bind(assigned_to)
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get("n")?)
}

/// Lists one page of [`open_tasks`]: `limit` tasks after skipping `offset`. A
/// worklist changes as tasks close, so pages are by position in priority
/// order rather than by a cursor.
pub async fn open_tasks_page(conn: &mut Conn, portfolio_id: i64, assigned_to: Option<&str>, as_of: NaiveDate, limit: i64, offset: i64) -> Result<Vec<TaskRow>> {
    let rows = sqlx::query(
        "SELECT t.id, c.external_ref, c.name, t.kind, t.channel, t.stage, t.due_on, t.assigned_to, \
           k.days_past_due, k.overdue_minor, k.currency \
         FROM task t JOIN customer c ON c.id = t.customer_id JOIN collection_case k ON k.id = t.case_id \
         WHERE t.portfolio_id = $1 AND t.status = 'open' AND t.due_on <= $2 AND ($3 IS NULL OR t.assigned_to = $3) \
         ORDER BY k.priority DESC, k.days_past_due DESC, k.overdue_minor DESC, t.id LIMIT $4 OFFSET $5",
    )
    .bind(portfolio_id)
    .bind(date_text(as_of))
    .bind(assigned_to)
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(TaskRow {
                id: row.try_get("id")?,
                customer_ref: row.try_get("external_ref")?,
                customer_name: row.try_get("name")?,
                kind: row.try_get("kind")?,
                channel: row.try_get("channel")?,
                stage: row.try_get("stage")?,
                due_on: get_date(row, "due_on")?,
                assigned_to: row.try_get("assigned_to")?,
                days_past_due: row.try_get("days_past_due")?,
                overdue_minor: row.try_get("overdue_minor")?,
                currency: row.try_get("currency")?,
            })
        })
        .collect()
}

/// Marks an open task of a customer done. Returns false when there is no
/// such open task.
pub async fn complete_task(conn: &mut Conn, task_id: i64, customer_id: i64) -> Result<bool> {
    let result = sqlx::query("UPDATE task SET status = 'done' WHERE id = $1 AND customer_id = $2 AND status = 'open'")
        .bind(task_id)
        .bind(customer_id)
        .execute(&mut *conn)
        .await?;
    Ok(result.rows_affected() == 1)
}

/// Reads the case of a customer as the latest run left it.
pub async fn customer_case(conn: &mut Conn, customer_id: i64) -> Result<Option<crate::cases::CaseRecord>> {
    let cases = crate::cases::load_cases_of_customer(conn, customer_id).await?;
    Ok(cases.into_iter().next().map(|case| case.record))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        let row = CustomerListRow {
            id: 42,
            external_ref: "C-1:2".into(),
            name: "Ana: SA".into(),
            segment: None,
            collector: None,
            status: "active".into(),
            stage: None,
            days_past_due: 95,
            overdue_minor: 0,
            balance_minor: -300,
            currency: "USD".into(),
        };
        assert_eq!(parse_cursor(CustomerSort::DaysPastDue, &cursor_text(CustomerSort::DaysPastDue, &row)), Some(Cursor::Number(95, 42)));
        assert_eq!(parse_cursor(CustomerSort::Balance, &cursor_text(CustomerSort::Balance, &row)), Some(Cursor::Number(-300, 42)));
        assert_eq!(parse_cursor(CustomerSort::Name, &cursor_text(CustomerSort::Name, &row)), Some(Cursor::Text("Ana: SA".into(), 42)));
        assert_eq!(parse_cursor(CustomerSort::Reference, &cursor_text(CustomerSort::Reference, &row)), Some(Cursor::Text("C-1:2".into(), 42)));
        assert_eq!(parse_cursor(CustomerSort::Balance, "x:1"), None);
    }
}

/// A snapshot account of a customer as its latest snapshot on or before a
/// date delivered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotAccountRow {
    pub account_ref: String,
    pub snapshot_date: NaiveDate,
    pub balance_minor: i64,
    pub days_past_due: i64,
    pub credit_limit_minor: Option<i64>,
    pub currency: String,
}

/// Lists the customer's snapshot accounts as of `as_of`, one row per account.
pub async fn customer_snapshot_accounts(conn: &mut Conn, customer_id: i64, as_of: NaiveDate) -> Result<Vec<SnapshotAccountRow>> {
    let rows = sqlx::query(
        "SELECT s.account_ref, s.snapshot_date, s.balance_minor, s.days_past_due, s.credit_limit_minor, s.currency \
         FROM snapshot_account s WHERE s.customer_id = $1 AND s.snapshot_date = (SELECT MAX(l.snapshot_date) \
           FROM snapshot_account l WHERE l.customer_id = s.customer_id AND l.account_ref = s.account_ref AND l.snapshot_date <= $2) \
         ORDER BY s.account_ref",
    )
    .bind(customer_id)
    .bind(date_text(as_of))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(SnapshotAccountRow {
                account_ref: row.try_get("account_ref")?,
                snapshot_date: get_date(row, "snapshot_date")?,
                balance_minor: row.try_get("balance_minor")?,
                days_past_due: row.try_get("days_past_due")?,
                credit_limit_minor: row.try_get("credit_limit_minor")?,
                currency: row.try_get("currency")?,
            })
        })
        .collect()
}
