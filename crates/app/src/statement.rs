//! The interest statement of a customer as of a date, and the late-interest
//! rules it applies.
//!
//! For every invoice and debit note the statement computes late interest
//! from the due date with the engine of `recobro_core::interest`. Payments
//! and credit notes reduce the base from their allocation dates, disputes
//! are excluded while open, and waived interest is subtracted. Documents
//! paid late stay on the statement while their interest is owed. The rule
//! is the customer's own when one is set, else the portfolio's.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use recobro_core::Currency;
use recobro_core::interest::regimes::Regime;
use recobro_core::interest::statement::{DisputeSpan, DocumentFacts, StatementLine, StatementTotals, statement_line, statement_totals};
use recobro_core::interest::{DayCount, InterestError, InterestRule, Payment};
use recobro_core::locale::Locale;
use recobro_core::money::format_minor;
use recobro_store::interest::{self as rules, NewRule, StoredRule};
use recobro_store::ledger::CustomerData;
use recobro_store::portfolio::{self, Portfolio};
use recobro_store::{Conn, Store, StoreError, browse, users};
use rust_decimal::Decimal;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};
use serde_json::{Value, json};

#[derive(Debug, thiserror::Error)]
pub enum StatementError {
    #[error("portfolio {0:?} not found; list them with `recobro portfolio list`")]
    PortfolioNotFound(String),
    #[error("customer {customer:?} not found in portfolio {portfolio}")]
    CustomerNotFound { portfolio: String, customer: String },
    #[error("invalid interest rule: {0}")]
    InvalidRule(String),
    #[error("stored interest rule {id} is invalid: {reason}")]
    BadStoredRule { id: i64, reason: String },
    #[error("document {document} is in {currency}, but regime {regime} applies to {regime_currency} debts only; set a contractual rate for this customer with `recobro interest rule set --customer`")]
    CurrencyNotAccepted { document: String, currency: Currency, regime: &'static str, regime_currency: Currency },
    #[error("cannot compute the interest of document {document}: {source}")]
    Interest { document: String, source: InterestError },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The rule a statement applied, parsed from its stored form.
#[derive(Debug, Clone)]
pub struct AppliedRule {
    pub stored: StoredRule,
    pub regime: Option<Regime>,
    pub annual_percent: Option<Decimal>,
    pub day_count: DayCount,
    pub grace_days: u32,
    pub rule: InterestRule,
}

impl AppliedRule {
    /// Parses a stored rule into the engine's rule, with the regime's
    /// tables or the contractual rate and the stored grace days.
    pub fn from_stored(stored: StoredRule) -> Result<Self, StatementError> {
        let invalid = |reason: String| StatementError::BadStoredRule { id: stored.id, reason };
        let grace_days = u32::try_from(stored.grace_days).map_err(|_| invalid(format!("grace days {} out of range", stored.grace_days)))?;
        let (regime, annual_percent, mut rule) = match (&stored.regime, &stored.annual_rate) {
            (Some(code), None) => {
                let regime = Regime::parse(code).ok_or_else(|| invalid(format!("unknown regime {code:?}")))?;
                (Some(regime), None, regime.rule())
            }
            (None, Some(rate)) => {
                let percent: Decimal = rate.parse().map_err(|_| invalid(format!("annual rate {rate:?} is not a decimal")))?;
                let day_count = DayCount::parse(&stored.day_count).ok_or_else(|| invalid(format!("unknown day count {:?}", stored.day_count)))?;
                (None, Some(percent), InterestRule::contractual(percent, day_count))
            }
            _ => return Err(invalid("it needs exactly one of a regime and an annual rate".to_string())),
        };
        rule.grace_days = grace_days;
        Ok(Self { day_count: rule.day_count, grace_days, regime, annual_percent, rule, stored })
    }

    /// Returns whether the rule is the customer's own.
    pub fn customer_specific(&self) -> bool {
        self.stored.customer_id.is_some()
    }

    /// Describes the rule in English, such as `12.5 % a year, act365`.
    pub fn describe(&self) -> String {
        let base = match (self.regime, self.annual_percent) {
            (Some(regime), _) => format!("regime {}", regime.code()),
            (None, Some(percent)) => format!("{} % a year, {}", percent.normalize(), self.day_count.code()),
            (None, None) => String::new(),
        };
        let grace = if self.grace_days > 0 { format!(", {} grace days", self.grace_days) } else { String::new() };
        let owner = if self.customer_specific() { "customer's own rule" } else { "portfolio rule" };
        format!("{base}{grace}, in force from {} ({owner})", self.stored.effective_on)
    }
}

/// The interest statement of one customer.
#[derive(Debug, Clone)]
pub struct Statement {
    pub portfolio: Portfolio,
    pub customer_id: i64,
    pub customer: CustomerData,
    pub as_of: NaiveDate,
    /// `None` when neither the portfolio nor the customer has a rule in
    /// force: the lines then bear no interest.
    pub rule: Option<AppliedRule>,
    /// Past-due open documents and documents that still owe interest or
    /// fees, by due date.
    pub lines: Vec<StatementLine>,
    pub totals: Vec<StatementTotals>,
}

/// Computes the statement of the customer `customer_ref` of portfolio
/// `portfolio_code` as of `as_of`.
pub async fn customer_statement(store: &Store, portfolio_code: &str, customer_ref: &str, as_of: NaiveDate) -> Result<Statement, StatementError> {
    let mut conn = store.acquire().await?;
    let portfolio = portfolio::find(&mut conn, portfolio_code).await?.ok_or_else(|| StatementError::PortfolioNotFound(portfolio_code.to_string()))?;
    let (customer_id, customer) = browse::find_customer(&mut conn, portfolio.id, customer_ref)
        .await?
        .ok_or_else(|| StatementError::CustomerNotFound { portfolio: portfolio.code.clone(), customer: customer_ref.to_string() })?;
    statement_of(&mut conn, portfolio, customer_id, customer, as_of).await
}

/// Computes the statement of a customer already loaded, as the web pages
/// do after checking who may see it.
pub async fn statement_of(conn: &mut Conn, portfolio: Portfolio, customer_id: i64, customer: CustomerData, as_of: NaiveDate) -> Result<Statement, StatementError> {
    let rule = rules::rule_in_force(conn, portfolio.id, customer_id, as_of).await?.map(AppliedRule::from_stored).transpose()?;
    let histories = rules::receivable_histories(conn, customer_id, as_of).await?;
    let waivers = rules::customer_waivers(conn, customer_id, as_of).await?;

    let mut waived_by_document: HashMap<i64, i64> = HashMap::new();
    let mut general_waivers: Vec<(Currency, i64)> = Vec::new();
    for waiver in &waivers {
        match waiver.document_id {
            Some(document_id) => *waived_by_document.entry(document_id).or_default() += waiver.amount_minor,
            None => general_waivers.push((waiver.currency, waiver.amount_minor)),
        }
    }

    // NOTE: the rule in force on the as-of date applies to every day of
    // interest, so a rule change earlier in the span does not split periods.
    let mut lines = Vec::new();
    for history in histories {
        if let Some(applied) = &rule
            && let Some(regime) = applied.regime
            && history.currency != regime.currency()
            && !regime.accepts_other_currencies()
            && history.due_date < as_of
        {
            return Err(StatementError::CurrencyNotAccepted { document: history.number, currency: history.currency, regime: regime.code(), regime_currency: regime.currency() });
        }
        let facts = DocumentFacts {
            number: history.number.clone(),
            kind: history.kind.clone(),
            currency: history.currency,
            due_date: history.due_date,
            amount_minor: history.amount_minor,
            allocations: history.allocations.iter().map(|(date, amount_minor)| Payment { date: *date, amount_minor: *amount_minor }).collect(),
            credits: history.credits.iter().map(|(date, amount_minor)| Payment { date: *date, amount_minor: *amount_minor }).collect(),
            disputes: history.disputes.iter().map(|(opened_on, resolved_on)| DisputeSpan { opened_on: *opened_on, resolved_on: *resolved_on }).collect(),
            waived_minor: waived_by_document.get(&history.id).copied().unwrap_or(0),
        };
        let line = statement_line(rule.as_ref().map(|applied| &applied.rule), &facts, as_of).map_err(|source| StatementError::Interest { document: history.number.clone(), source })?;
        if line.is_reportable() {
            lines.push(line);
        }
    }

    lines.extend(snapshot_account_lines(conn, customer_id, as_of).await?);

    let totals = statement_totals(&lines, &general_waivers);
    Ok(Statement { portfolio, customer_id, customer, as_of, rule, lines, totals })
}

/// Lists the past-due accounts of a snapshot-shaped portfolio (a bank's or
/// an agency's balances) as lines without interest, because the source
/// computes its own. The balance is the one reported, aged to the as-of date.
async fn snapshot_account_lines(conn: &mut Conn, customer_id: i64, as_of: NaiveDate) -> Result<Vec<StatementLine>, StatementError> {
    let accounts = recobro_store::browse::customer_snapshot_accounts(conn, customer_id, as_of).await?;
    let mut lines = Vec::new();
    for account in accounts.into_iter().filter(|account| account.balance_minor > 0 && account.days_past_due > 0) {
        let Ok(currency) = Currency::parse(&account.currency) else { continue };
        let due_date = account.snapshot_date - chrono::Days::new(account.days_past_due.unsigned_abs());
        lines.push(StatementLine {
            number: account.account_ref,
            kind: "account".to_string(),
            currency,
            due_date,
            amount_minor: account.balance_minor,
            principal_open_minor: account.balance_minor,
            settled_on: None,
            days_past_due: recobro_core::days_past_due(as_of, due_date),
            disputed: false,
            periods: Vec::new(),
            interest_accrued_minor: 0,
            interest_waived_minor: 0,
            interest_paid_minor: 0,
            fees_paid_minor: 0,
            interest_minor: 0,
            fees_minor: 0,
        });
    }
    Ok(lines)
}

/// A request to set a late-interest rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleRequest {
    pub portfolio: String,
    /// A customer reference for a rule of that customer only.
    pub customer: Option<String>,
    pub regime: Option<String>,
    /// A contractual annual rate in percent, such as `12.5`.
    pub rate: Option<String>,
    /// The day count of `rate`: `act365` (the default), `act360` or `actact`.
    pub day_count: Option<String>,
    pub grace_days: u32,
    pub effective_on: NaiveDate,
}

/// Validates and stores a rule, with an audit event, in one transaction.
/// Returns the rule's id.
pub async fn set_rule(store: &Store, request: &RuleRequest, actor: &str) -> Result<i64, StatementError> {
    let (regime, annual_rate, day_count) = match (&request.regime, &request.rate) {
        (Some(code), None) => {
            let regime = Regime::parse(code).ok_or_else(|| {
                let codes: Vec<&str> = Regime::ALL.iter().map(|regime| regime.code()).collect();
                StatementError::InvalidRule(format!("unknown regime {code:?}; expected one of {}", codes.join(", ")))
            })?;
            if request.day_count.is_some() {
                return Err(StatementError::InvalidRule(format!("regime {} fixes its own day count; give --day-count only with --rate", regime.code())));
            }
            (Some(regime.code().to_string()), None, regime.rule().day_count)
        }
        (None, Some(rate)) => {
            let percent: Decimal = rate.trim().parse().map_err(|_| StatementError::InvalidRule(format!("rate {rate:?} is not an annual rate in percent such as 12.5")))?;
            if percent.is_sign_negative() && !percent.is_zero() {
                return Err(StatementError::InvalidRule(format!("rate {rate:?} is negative")));
            }
            let day_count = match &request.day_count {
                None => DayCount::Act365Fixed,
                Some(code) => DayCount::parse(code).ok_or_else(|| StatementError::InvalidRule(format!("unknown day count {code:?}; expected act365, act360 or actact")))?,
            };
            (None, Some(percent.normalize().to_string()), day_count)
        }
        _ => return Err(StatementError::InvalidRule("give exactly one of a regime and a contractual rate".to_string())),
    };

    let mut tx = store.begin().await?;
    let portfolio = portfolio::find(&mut tx, &request.portfolio).await?.ok_or_else(|| StatementError::PortfolioNotFound(request.portfolio.clone()))?;
    let customer_id = match &request.customer {
        None => None,
        Some(reference) => {
            let (id, _) = browse::find_customer(&mut tx, portfolio.id, reference)
                .await?
                .ok_or_else(|| StatementError::CustomerNotFound { portfolio: portfolio.code.clone(), customer: reference.clone() })?;
            Some(id)
        }
    };
    let rule = NewRule {
        customer_id,
        regime: regime.clone(),
        annual_rate: annual_rate.clone(),
        day_count: day_count.code().to_string(),
        grace_days: i64::from(request.grace_days),
        effective_on: request.effective_on,
        created_by: actor.to_string(),
    };
    let id = rules::insert_rule(&mut tx, portfolio.id, &rule).await?;

    let subject = match &request.customer {
        Some(reference) => format!("portfolio:{}/customer:{reference}", portfolio.code),
        None => format!("portfolio:{}", portfolio.code),
    };
    let source = regime.map_or_else(|| format!("rate {} % {}", annual_rate.unwrap_or_default(), day_count.code()), |code| format!("regime {code}"));
    let detail = format!("{source}, {} grace days, effective {}", request.grace_days, request.effective_on);
    users::insert_audit_event(&mut tx, actor, "interest_rule.set", &subject, Some(&detail)).await?;
    tx.commit().await.map_err(StoreError::from)?;
    tracing::info!(portfolio = %portfolio.code, customer = ?request.customer, rule_id = id, "interest rule set");
    Ok(id)
}

/// Returns the statement as one JSON object whose amounts are decimal
/// strings such as `"11.64"` and whose dates are `YYYY-MM-DD`.
pub fn statement_json(statement: &Statement) -> Value {
    let documents: Vec<Value> = statement
        .lines
        .iter()
        .map(|line| {
            let amount = |minor: i64| format_minor(minor, line.currency);
            let periods: Vec<Value> = line
                .periods
                .iter()
                .map(|period| {
                    json!({
                        "start": period.start.to_string(),
                        "end": period.end.to_string(),
                        "days": period.days,
                        "base": amount(period.base_minor),
                        "rate": period.annual_percent.map(|percent| percent.normalize().to_string()),
                        "factor": period.factor.map(|factor| factor.to_string()),
                        "interest": amount(period.interest_minor),
                    })
                })
                .collect();
            json!({
                "number": line.number,
                "kind": line.kind,
                "currency": line.currency.code(),
                "due_date": line.due_date.to_string(),
                "amount": amount(line.amount_minor),
                "principal_open": amount(line.principal_open_minor),
                "settled_on": line.settled_on.map(|date| date.to_string()),
                "days_past_due": line.days_past_due,
                "disputed": line.disputed,
                "interest_accrued": amount(line.interest_accrued_minor),
                "interest_waived": amount(line.interest_waived_minor),
                "interest_paid": amount(line.interest_paid_minor),
                "interest": amount(line.interest_minor),
                "fees_paid": amount(line.fees_paid_minor),
                "fees": amount(line.fees_minor),
                "periods": periods,
            })
        })
        .collect();
    let totals: Vec<Value> = statement
        .totals
        .iter()
        .map(|total| {
            let amount = |minor: i64| format_minor(minor, total.currency);
            json!({
                "currency": total.currency.code(),
                "principal": amount(total.principal_minor),
                "interest_accrued": amount(total.interest_accrued_minor),
                "interest_waived": amount(total.interest_waived_minor),
                "interest_paid": amount(total.interest_paid_minor),
                "interest": amount(total.interest_minor),
                "fees": amount(total.fees_minor),
                "total": amount(total.total_minor),
            })
        })
        .collect();
    let rule = statement.rule.as_ref().map(|applied| {
        json!({
            "regime": applied.regime.map(Regime::code),
            "rate": applied.annual_percent.map(|percent| percent.normalize().to_string()),
            "day_count": applied.day_count.code(),
            "grace_days": applied.grace_days,
            "effective_on": applied.stored.effective_on.to_string(),
            "customer_specific": applied.customer_specific(),
        })
    });

    json!({
        "portfolio": statement.portfolio.code,
        "customer": { "reference": statement.customer.external_ref, "name": statement.customer.name },
        "as_of": statement.as_of.to_string(),
        "rule": rule,
        "notice": statement.rule.is_none().then_some(NO_RULE_NOTICE),
        "documents": documents,
        "totals": totals,
    })
}

/// The explanation a statement without a rule carries, in English.
pub const NO_RULE_NOTICE: &str = "no late-interest rule is set for this portfolio, so the statement shows no interest; set one with `recobro interest rule set`";

/// The words of the workbook in one language.
struct SheetWords {
    documents: &'static str,
    periods: &'static str,
    title: &'static str,
    document_headers: [&'static str; 15],
    period_headers: [&'static str; 8],
    total: &'static str,
    no_rule: &'static str,
    date_format: &'static str,
    yes: &'static str,
}

fn sheet_words(locale: Locale) -> SheetWords {
    match locale {
        Locale::Spanish => SheetWords {
            documents: "Documentos",
            periods: "Períodos",
            title: "Estado de intereses de mora",
            document_headers: [
                "Documento",
                "Tipo",
                "Moneda",
                "Vencimiento",
                "Días de atraso",
                "Importe",
                "Capital pendiente",
                "Pagado el",
                "En disputa",
                "Intereses devengados",
                "Intereses condonados",
                "Intereses adeudados",
                "Indemnización",
                "Total",
                "Intereses pagados",
            ],
            period_headers: ["Documento", "Moneda", "Desde", "Hasta", "Días", "Base", "Tasa anual %", "Intereses"],
            total: "Total",
            no_rule: "No hay una regla de intereses de mora para esta cartera: el estado no incluye intereses.",
            date_format: "dd/mm/yyyy",
            yes: "sí",
        },
        Locale::English => SheetWords {
            documents: "Documents",
            periods: "Periods",
            title: "Statement of late-payment interest",
            document_headers: [
                "Document",
                "Kind",
                "Currency",
                "Due date",
                "Days past due",
                "Amount",
                "Principal open",
                "Paid on",
                "Disputed",
                "Interest accrued",
                "Interest waived",
                "Interest owed",
                "Compensation",
                "Total",
                "Interest paid",
            ],
            period_headers: ["Document", "Currency", "From", "To", "Days", "Base", "Annual rate %", "Interest"],
            total: "Total",
            no_rule: "No late-interest rule is set for this portfolio: the statement shows no interest.",
            date_format: "d mmm yyyy",
            yes: "yes",
        },
    }
}

fn kind_label(kind: &str, locale: Locale) -> &str {
    match (kind, locale) {
        ("invoice", Locale::Spanish) => "Factura",
        ("invoice", Locale::English) => "Invoice",
        ("debit_note", Locale::Spanish) => "Nota de débito",
        ("debit_note", Locale::English) => "Debit note",
        ("account", Locale::Spanish) => "Cuenta",
        ("account", Locale::English) => "Account",
        (other, _) => other,
    }
}

/// Converts minor units to the number an Excel cell holds. Excel keeps
/// every number as a binary float, so the exact decimal is formatted first
/// and converted only for the cell.
fn cell_number(minor: i64, currency: Currency) -> f64 {
    format_minor(minor, currency).parse().unwrap_or_default()
}

fn money_format(currency: Currency) -> Format {
    let digits = currency.minor_digits();
    let pattern = if digits == 0 { "#,##0".to_string() } else { format!("#,##0.{}", "0".repeat(digits as usize)) };
    Format::new().set_num_format(&pattern)
}

fn excel_date(date: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(date.year() as u16, date.month() as u8, date.day() as u8)
}

/// Writes the statement as an Excel workbook with two sheets: the documents
/// with the totals below them, and the periods of each document. Amounts
/// are number cells with a number format, dates are date cells.
pub fn statement_xlsx(statement: &Statement, locale: Locale) -> Result<Vec<u8>, XlsxError> {
    let words = sheet_words(locale);
    let mut workbook = Workbook::new();
    let title = format!("{} — {} ({}) — {}", words.title, statement.customer.name, statement.customer.external_ref, locale.format_date(statement.as_of));
    workbook.set_properties(&rust_xlsxwriter::DocProperties::new().set_title(&title));
    let bold = Format::new().set_bold();
    let date_format = Format::new().set_num_format(words.date_format);

    let sheet = workbook.add_worksheet();
    sheet.set_name(words.documents)?;
    for (column, header) in words.document_headers.iter().enumerate() {
        sheet.write_string_with_format(0, column as u16, *header, &bold)?;
    }
    let mut row: u32 = 1;
    for line in &statement.lines {
        let money = money_format(line.currency);
        sheet.write_string(row, 0, &line.number)?;
        sheet.write_string(row, 1, kind_label(&line.kind, locale))?;
        sheet.write_string(row, 2, line.currency.code())?;
        sheet.write_datetime_with_format(row, 3, excel_date(line.due_date)?, &date_format)?;
        sheet.write_number(row, 4, line.days_past_due as f64)?;
        sheet.write_number_with_format(row, 5, cell_number(line.amount_minor, line.currency), &money)?;
        sheet.write_number_with_format(row, 6, cell_number(line.principal_open_minor, line.currency), &money)?;
        if let Some(settled_on) = line.settled_on {
            sheet.write_datetime_with_format(row, 7, excel_date(settled_on)?, &date_format)?;
        }
        if line.disputed {
            sheet.write_string(row, 8, words.yes)?;
        }
        sheet.write_number_with_format(row, 9, cell_number(line.interest_accrued_minor, line.currency), &money)?;
        sheet.write_number_with_format(row, 10, cell_number(line.interest_waived_minor, line.currency), &money)?;
        sheet.write_number_with_format(row, 11, cell_number(line.interest_minor, line.currency), &money)?;
        sheet.write_number_with_format(row, 12, cell_number(line.fees_minor, line.currency), &money)?;
        let line_total = line.principal_open_minor + line.interest_minor + line.fees_minor;
        sheet.write_number_with_format(row, 13, cell_number(line_total, line.currency), &money)?;
        sheet.write_number_with_format(row, 14, cell_number(line.interest_paid_minor, line.currency), &money)?;
        row += 1;
    }

    row += 1;
    for total in &statement.totals {
        let money = money_format(total.currency).set_bold();
        sheet.write_string_with_format(row, 0, words.total, &bold)?;
        sheet.write_string_with_format(row, 2, total.currency.code(), &bold)?;
        sheet.write_number_with_format(row, 6, cell_number(total.principal_minor, total.currency), &money)?;
        sheet.write_number_with_format(row, 9, cell_number(total.interest_accrued_minor, total.currency), &money)?;
        sheet.write_number_with_format(row, 10, cell_number(total.interest_waived_minor, total.currency), &money)?;
        sheet.write_number_with_format(row, 11, cell_number(total.interest_minor, total.currency), &money)?;
        sheet.write_number_with_format(row, 12, cell_number(total.fees_minor, total.currency), &money)?;
        sheet.write_number_with_format(row, 13, cell_number(total.total_minor, total.currency), &money)?;
        sheet.write_number_with_format(row, 14, cell_number(total.interest_paid_minor, total.currency), &money)?;
        row += 1;
    }
    if statement.rule.is_none() {
        sheet.write_string(row + 1, 0, words.no_rule)?;
    }
    sheet.autofit();

    let periods = workbook.add_worksheet();
    periods.set_name(words.periods)?;
    for (column, header) in words.period_headers.iter().enumerate() {
        periods.write_string_with_format(0, column as u16, *header, &bold)?;
    }
    let mut row: u32 = 1;
    for line in &statement.lines {
        let money = money_format(line.currency);
        for period in &line.periods {
            periods.write_string(row, 0, &line.number)?;
            periods.write_string(row, 1, line.currency.code())?;
            periods.write_datetime_with_format(row, 2, excel_date(period.start)?, &date_format)?;
            periods.write_datetime_with_format(row, 3, excel_date(period.end)?, &date_format)?;
            periods.write_number(row, 4, period.days as f64)?;
            periods.write_number_with_format(row, 5, cell_number(period.base_minor, line.currency), &money)?;
            if let Some(percent) = period.annual_percent {
                let value: f64 = percent.normalize().to_string().parse().unwrap_or_default();
                periods.write_number_with_format(row, 6, value, &Format::new().set_num_format("0.00##"))?;
            }
            periods.write_number_with_format(row, 7, cell_number(period.interest_minor, line.currency), &money)?;
            row += 1;
        }
    }
    periods.autofit();
    workbook.save_to_buffer()
}
