//! Law firms and legal referrals: the transfer of cases to judicial
//! collection, their states, and what the firms recover.

use chrono::NaiveDate;
use recobro_core::Currency;
use sqlx::Row;

use crate::{AnyRow, Conn, Result, date_text, get_currency, get_date, get_optional_date};

// ---------------------------------------------------------------------------
// Law firms
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LawFirm {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub contact_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    /// Decimal percent, as text so it stays exact.
    pub contingency_percent: String,
    pub fixed_fee_minor: i64,
    pub fee_currency: Option<String>,
    /// Most open referrals the firm takes; None for no limit.
    pub capacity: Option<i64>,
    pub active: bool,
    /// Referrals with the firm that are not closed.
    pub open_referrals: i64,
}

/// A firm's details as entered, for insert or update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LawFirmData {
    pub code: String,
    pub name: String,
    pub contact_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub contingency_percent: String,
    pub fixed_fee_minor: i64,
    pub fee_currency: Option<String>,
    pub capacity: Option<i64>,
    pub active: bool,
}

/// Adds a firm, or updates the one with the same code. Returns its id.
pub async fn upsert_law_firm(conn: &mut Conn, firm: &LawFirmData) -> Result<i64> {
    let now = chrono::Utc::now().to_rfc3339();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO law_firm (code, name, contact_name, email, phone, address, contingency_percent, fixed_fee_minor, fee_currency, capacity, active, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) \
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, contact_name = excluded.contact_name, email = excluded.email, \
           phone = excluded.phone, address = excluded.address, contingency_percent = excluded.contingency_percent, \
           fixed_fee_minor = excluded.fixed_fee_minor, fee_currency = excluded.fee_currency, capacity = excluded.capacity, \
           active = excluded.active, updated_at = excluded.updated_at \
         RETURNING id",
    )
    .bind(&firm.code)
    .bind(&firm.name)
    .bind(&firm.contact_name)
    .bind(&firm.email)
    .bind(&firm.phone)
    .bind(&firm.address)
    .bind(&firm.contingency_percent)
    .bind(firm.fixed_fee_minor)
    .bind(&firm.fee_currency)
    .bind(firm.capacity)
    .bind(i64::from(firm.active))
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

const FIRM_COLUMNS: &str = "f.id, f.code, f.name, f.contact_name, f.email, f.phone, f.address, f.contingency_percent, f.fixed_fee_minor, \
     f.fee_currency, f.capacity, f.active, \
     (SELECT COUNT(*) FROM legal_referral r WHERE r.law_firm_id = f.id AND r.status NOT IN ('rejected', 'closed')) AS open_referrals";

fn firm_from_row(row: &AnyRow) -> Result<LawFirm> {
    Ok(LawFirm {
        id: row.try_get("id")?,
        code: row.try_get("code")?,
        name: row.try_get("name")?,
        contact_name: row.try_get("contact_name")?,
        email: row.try_get("email")?,
        phone: row.try_get("phone")?,
        address: row.try_get("address")?,
        contingency_percent: row.try_get("contingency_percent")?,
        fixed_fee_minor: row.try_get("fixed_fee_minor")?,
        fee_currency: row.try_get("fee_currency")?,
        capacity: row.try_get("capacity")?,
        active: row.try_get::<i64, _>("active")? != 0,
        open_referrals: row.try_get("open_referrals")?,
    })
}

pub async fn list_law_firms(conn: &mut Conn) -> Result<Vec<LawFirm>> {
    let sql = format!("SELECT {FIRM_COLUMNS} FROM law_firm f ORDER BY f.active DESC, f.name");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *conn).await?;
    rows.iter().map(firm_from_row).collect()
}

pub async fn find_law_firm(conn: &mut Conn, code: &str) -> Result<Option<LawFirm>> {
    let sql = format!("SELECT {FIRM_COLUMNS} FROM law_firm f WHERE f.code = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(code).fetch_optional(&mut *conn).await?;
    row.as_ref().map(firm_from_row).transpose()
}

pub async fn find_law_firm_by_id(conn: &mut Conn, id: i64) -> Result<Option<LawFirm>> {
    let sql = format!("SELECT {FIRM_COLUMNS} FROM law_firm f WHERE f.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *conn).await?;
    row.as_ref().map(firm_from_row).transpose()
}

// ---------------------------------------------------------------------------
// Referrals
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Referral {
    pub id: i64,
    pub customer_id: i64,
    pub customer_ref: String,
    pub customer_name: String,
    pub status: String,
    pub proposed_on: NaiveDate,
    pub days_past_due: i64,
    pub currency: Currency,
    pub balance_minor: i64,
    pub law_firm_id: Option<i64>,
    pub law_firm_code: Option<String>,
    pub law_firm_name: Option<String>,
    pub decided_by: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub decision_reason: Option<String>,
    pub packet_sha256: Option<String>,
    pub court_reference: Option<String>,
    pub recovered_minor: i64,
    pub fees_minor: i64,
    pub status_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
}

/// A proposal the daily run makes for one customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReferral {
    pub customer_id: i64,
    pub proposed_on: NaiveDate,
    pub days_past_due: i64,
    pub currency: Currency,
    pub balance_minor: i64,
}

/// Proposes a referral unless the customer already has one pending or
/// under way. Returns the new id, or None when one exists.
pub async fn propose_referral(conn: &mut Conn, portfolio_id: i64, referral: &NewReferral) -> Result<Option<i64>> {
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO legal_referral (portfolio_id, customer_id, status, proposed_on, days_past_due, currency, balance_minor, status_on) \
         SELECT $1, $2, 'proposed', $3, $4, $5, $6, $3 \
         WHERE NOT EXISTS (SELECT 1 FROM legal_referral WHERE customer_id = $2 AND status NOT IN ('rejected', 'closed')) \
         RETURNING id",
    )
    .bind(portfolio_id)
    .bind(referral.customer_id)
    .bind(date_text(referral.proposed_on))
    .bind(referral.days_past_due)
    .bind(referral.currency.code())
    .bind(referral.balance_minor)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(id) = id {
        insert_event(conn, id, "proposed", referral.proposed_on, "daily run", None, None).await?;
    }
    Ok(id)
}

/// Updates a pending proposal with the figures of a later run.
pub async fn refresh_proposal(conn: &mut Conn, referral_id: i64, days_past_due: i64, balance_minor: i64) -> Result<()> {
    sqlx::query("UPDATE legal_referral SET days_past_due = $2, balance_minor = $3 WHERE id = $1 AND status = 'proposed'")
        .bind(referral_id)
        .bind(days_past_due)
        .bind(balance_minor)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Withdraws pending proposals of customers that no longer qualify (paid,
/// file no longer complete), as rejected by the run.
pub async fn withdraw_proposals(conn: &mut Conn, portfolio_id: i64, keep_customer_ids: &std::collections::HashSet<i64>, on: NaiveDate) -> Result<u64> {
    let pending = sqlx::query("SELECT id, customer_id FROM legal_referral WHERE portfolio_id = $1 AND status = 'proposed'")
        .bind(portfolio_id)
        .fetch_all(&mut *conn)
        .await?;
    let mut withdrawn = 0;
    for row in &pending {
        let customer_id: i64 = row.try_get("customer_id")?;
        if keep_customer_ids.contains(&customer_id) {
            continue;
        }
        let id: i64 = row.try_get("id")?;
        let reason = "no longer a judicial transfer candidate with a complete file";
        sqlx::query("UPDATE legal_referral SET status = 'rejected', decided_by = 'daily run', decided_on = $2, decision_reason = $3, status_on = $2 WHERE id = $1 AND status = 'proposed'")
            .bind(id)
            .bind(date_text(on))
            .bind(reason)
            .execute(&mut *conn)
            .await?;
        insert_event(conn, id, "rejected", on, "daily run", Some(reason), None).await?;
        withdrawn += 1;
    }
    Ok(withdrawn)
}

/// Customers whose latest transfer proposal a person rejected on or after
/// `since`, with the date, so that the run does not propose them again
/// at once.
pub async fn rejected_since(conn: &mut Conn, portfolio_id: i64, since: NaiveDate) -> Result<std::collections::HashMap<i64, NaiveDate>> {
    let rows = sqlx::query(
        "SELECT customer_id, MAX(decided_on) AS decided_on FROM legal_referral \
         WHERE portfolio_id = $1 AND status = 'rejected' AND decided_by <> 'daily run' AND decided_on >= $2 GROUP BY customer_id",
    )
    .bind(portfolio_id)
    .bind(date_text(since))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|row| Ok((row.try_get("customer_id")?, get_date(row, "decided_on")?))).collect()
}

const REFERRAL_COLUMNS: &str = "r.id, r.customer_id, c.external_ref AS customer_ref, c.name AS customer_name, r.status, r.proposed_on, r.days_past_due, \
     r.currency, r.balance_minor, r.law_firm_id, f.code AS law_firm_code, f.name AS law_firm_name, r.decided_by, r.decided_on, \
     r.decision_reason, r.packet_sha256, r.court_reference, r.recovered_minor, r.fees_minor, r.status_on, r.closed_on";

const REFERRAL_FROM: &str = "legal_referral r JOIN customer c ON c.id = r.customer_id LEFT JOIN law_firm f ON f.id = r.law_firm_id";

fn referral_from_row(row: &AnyRow) -> Result<Referral> {
    Ok(Referral {
        id: row.try_get("id")?,
        customer_id: row.try_get("customer_id")?,
        customer_ref: row.try_get("customer_ref")?,
        customer_name: row.try_get("customer_name")?,
        status: row.try_get("status")?,
        proposed_on: get_date(row, "proposed_on")?,
        days_past_due: row.try_get("days_past_due")?,
        currency: get_currency(row, "currency")?,
        balance_minor: row.try_get("balance_minor")?,
        law_firm_id: row.try_get("law_firm_id")?,
        law_firm_code: row.try_get("law_firm_code")?,
        law_firm_name: row.try_get("law_firm_name")?,
        decided_by: row.try_get("decided_by")?,
        decided_on: get_optional_date(row, "decided_on")?,
        decision_reason: row.try_get("decision_reason")?,
        packet_sha256: row.try_get("packet_sha256")?,
        court_reference: row.try_get("court_reference")?,
        recovered_minor: row.try_get("recovered_minor")?,
        fees_minor: row.try_get("fees_minor")?,
        status_on: get_date(row, "status_on")?,
        closed_on: get_optional_date(row, "closed_on")?,
    })
}

pub async fn find_referral(conn: &mut Conn, portfolio_id: i64, id: i64) -> Result<Option<Referral>> {
    let sql = format!("SELECT {REFERRAL_COLUMNS} FROM {REFERRAL_FROM} WHERE r.portfolio_id = $1 AND r.id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(portfolio_id).bind(id).fetch_optional(&mut *conn).await?;
    row.as_ref().map(referral_from_row).transpose()
}

/// Referrals of a portfolio, optionally of some statuses or one customer,
/// oldest proposals first.
pub async fn list_referrals(conn: &mut Conn, portfolio_id: i64, statuses: &[&str], customer_id: Option<i64>) -> Result<Vec<Referral>> {
    let sql = format!("SELECT {REFERRAL_COLUMNS} FROM {REFERRAL_FROM} WHERE r.portfolio_id = $1 AND ($2 IS NULL OR r.customer_id = $2) ORDER BY r.proposed_on, r.id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(portfolio_id).bind(customer_id).fetch_all(&mut *conn).await?;
    let referrals = rows.iter().map(referral_from_row).collect::<Result<Vec<_>>>()?;
    Ok(referrals.into_iter().filter(|referral| statuses.is_empty() || statuses.contains(&referral.status.as_str())).collect())
}

/// Approves a proposal with its firm and packet. Returns false when the
/// referral was no longer proposed.
pub async fn approve_referral(conn: &mut Conn, referral_id: i64, law_firm_id: i64, packet_sha256: &str, decided_by: &str, on: NaiveDate, reason: Option<&str>) -> Result<bool> {
    let result = sqlx::query(
        "UPDATE legal_referral SET status = 'prepared', law_firm_id = $2, packet_sha256 = $3, decided_by = $4, decided_on = $5, decision_reason = $6, status_on = $5 \
         WHERE id = $1 AND status = 'proposed'",
    )
    .bind(referral_id)
    .bind(law_firm_id)
    .bind(packet_sha256)
    .bind(decided_by)
    .bind(date_text(on))
    .bind(reason)
    .execute(&mut *conn)
    .await?;
    if result.rows_affected() == 1 {
        insert_event(conn, referral_id, "prepared", on, decided_by, reason, None).await?;
    }
    Ok(result.rows_affected() == 1)
}

/// Rejects a proposal. Returns false when it was no longer proposed.
pub async fn reject_referral(conn: &mut Conn, referral_id: i64, decided_by: &str, on: NaiveDate, reason: &str) -> Result<bool> {
    let result = sqlx::query("UPDATE legal_referral SET status = 'rejected', decided_by = $2, decided_on = $3, decision_reason = $4, status_on = $3 WHERE id = $1 AND status = 'proposed'")
        .bind(referral_id)
        .bind(decided_by)
        .bind(date_text(on))
        .bind(reason)
        .execute(&mut *conn)
        .await?;
    if result.rows_affected() == 1 {
        insert_event(conn, referral_id, "rejected", on, decided_by, Some(reason), None).await?;
    }
    Ok(result.rows_affected() == 1)
}

/// Moves a referral from `from` to `to`, keeping the court reference when
/// none is given. Returns false when it was no longer in `from`.
pub async fn move_referral(conn: &mut Conn, referral_id: i64, from: &str, to: &str, on: NaiveDate, recorded_by: &str, note: Option<&str>, court_reference: Option<&str>) -> Result<bool> {
    let closed_on = (to == "closed").then(|| date_text(on));
    let result = sqlx::query(
        "UPDATE legal_referral SET status = $3, status_on = $4, court_reference = COALESCE($5, court_reference), closed_on = COALESCE($6, closed_on) \
         WHERE id = $1 AND status = $2",
    )
    .bind(referral_id)
    .bind(from)
    .bind(to)
    .bind(date_text(on))
    .bind(court_reference)
    .bind(closed_on)
    .execute(&mut *conn)
    .await?;
    if result.rows_affected() == 1 {
        insert_event(conn, referral_id, to, on, recorded_by, note, court_reference).await?;
    }
    Ok(result.rows_affected() == 1)
}

async fn insert_event(conn: &mut Conn, referral_id: i64, status: &str, on: NaiveDate, recorded_by: &str, note: Option<&str>, court_reference: Option<&str>) -> Result<()> {
    sqlx::query("INSERT INTO referral_event (referral_id, status, happened_on, recorded_by, note, court_reference) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(referral_id)
        .bind(status)
        .bind(date_text(on))
        .bind(recorded_by)
        .bind(note)
        .bind(court_reference)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReferralEvent {
    pub status: String,
    pub happened_on: NaiveDate,
    pub recorded_by: String,
    pub note: Option<String>,
    pub court_reference: Option<String>,
}

pub async fn referral_events(conn: &mut Conn, referral_id: i64) -> Result<Vec<ReferralEvent>> {
    let rows = sqlx::query("SELECT status, happened_on, recorded_by, note, court_reference FROM referral_event WHERE referral_id = $1 ORDER BY id")
        .bind(referral_id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(ReferralEvent {
                status: row.try_get("status")?,
                happened_on: get_date(row, "happened_on")?,
                recorded_by: row.try_get("recorded_by")?,
                note: row.try_get("note")?,
                court_reference: row.try_get("court_reference")?,
            })
        })
        .collect()
}

/// Enters an amount recovered by a law firm as a payment of the customer,
/// outside any import batch, wholly unapplied until allocated.
pub async fn insert_recovery_payment(conn: &mut Conn, portfolio_id: i64, customer_id: i64, external_ref: &str, on: NaiveDate, amount_minor: i64, currency: Currency) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO payment (portfolio_id, customer_id, external_ref, paid_on, amount_minor, currency, unapplied_minor) \
         VALUES ($1, $2, $3, $4, $5, $6, $5) RETURNING id",
    )
    .bind(portfolio_id)
    .bind(customer_id)
    .bind(external_ref)
    .bind(date_text(on))
    .bind(amount_minor)
    .bind(currency.code())
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Records an amount the firm recovered, entered in the ledger as
/// `payment_id`, and adds it and its fee to the referral's totals.
pub async fn insert_recovery(conn: &mut Conn, referral_id: i64, payment_id: i64, on: NaiveDate, amount_minor: i64, fee_minor: i64) -> Result<()> {
    sqlx::query("INSERT INTO referral_recovery (referral_id, payment_id, recovered_on, amount_minor, fee_minor) VALUES ($1, $2, $3, $4, $5)")
        .bind(referral_id)
        .bind(payment_id)
        .bind(date_text(on))
        .bind(amount_minor)
        .bind(fee_minor)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE legal_referral SET recovered_minor = recovered_minor + $2, fees_minor = fees_minor + $3 WHERE id = $1")
        .bind(referral_id)
        .bind(amount_minor)
        .bind(fee_minor)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn recovery_count(conn: &mut Conn, referral_id: i64) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM referral_recovery WHERE referral_id = $1").bind(referral_id).fetch_one(&mut *conn).await?)
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Recovery {
    pub recovered_on: NaiveDate,
    pub amount_minor: i64,
    pub fee_minor: i64,
    pub payment_id: i64,
}

pub async fn recoveries(conn: &mut Conn, referral_id: i64) -> Result<Vec<Recovery>> {
    let rows = sqlx::query("SELECT recovered_on, amount_minor, fee_minor, payment_id FROM referral_recovery WHERE referral_id = $1 ORDER BY id")
        .bind(referral_id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(Recovery {
                recovered_on: get_date(row, "recovered_on")?,
                amount_minor: row.try_get("amount_minor")?,
                fee_minor: row.try_get("fee_minor")?,
                payment_id: row.try_get("payment_id")?,
            })
        })
        .collect()
}
