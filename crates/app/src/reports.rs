//! Reports: aging as of any date, problem cases and judicial transfer
//! candidates. Amounts in JSON are decimal strings.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use recobro_core::money::format_minor;
use recobro_core::{AgingLine, Currency, Policy};
use recobro_store::reports::{self as store_reports, LastAction, NextTask};
use recobro_store::{Store, StoreError, portfolio};
use serde::Serialize;
use serde_json::{Value, json};

use crate::output::{Cell, Table};
use crate::standing::{self, PortfolioStandings};

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("portfolio {0:?} not found: see `recobro portfolio list`")]
    UnknownPortfolio(String),
    #[error(transparent)]
    Policy(#[from] crate::policy::PolicyFileError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The grouping of the aging report's lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgingGroup {
    Bucket,
    Customer,
    Segment,
    Collector,
}

impl AgingGroup {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "bucket" => Some(Self::Bucket),
            "customer" => Some(Self::Customer),
            "segment" => Some(Self::Segment),
            "collector" => Some(Self::Collector),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Bucket => "bucket",
            Self::Customer => "customer",
            Self::Segment => "segment",
            Self::Collector => "collector",
        }
    }
}

/// One line of an aging report grouped by customer, segment or collector.
#[derive(Debug, Clone)]
pub struct AgingRow {
    pub key: String,
    pub name: Option<String>,
    pub currency: Currency,
    pub line: AgingLine,
    pub customers: u64,
}

#[derive(Debug, Clone)]
pub struct AgingReport {
    pub portfolio: String,
    pub portfolio_currency: Currency,
    pub as_of: NaiveDate,
    pub group: AgingGroup,
    pub labels: Vec<String>,
    /// Totals per currency, with the number of customers with a balance.
    pub totals: BTreeMap<Currency, (AgingLine, u64)>,
    pub rows: Vec<AgingRow>,
}

pub async fn aging(store: &Store, portfolio_code: &str, as_of: NaiveDate, group: AgingGroup) -> Result<AgingReport, ReportError> {
    let mut conn = store.acquire().await?;
    let portfolio = portfolio::find(&mut conn, portfolio_code).await?.ok_or_else(|| ReportError::UnknownPortfolio(portfolio_code.to_string()))?;
    // Totals by bucket need no customer master data.
    let standings = if group == AgingGroup::Bucket { standing::load_balances(&mut conn, portfolio.id, as_of).await? } else { standing::load(&mut conn, portfolio.id, as_of).await? };

    let mut totals: BTreeMap<Currency, (AgingLine, u64)> = BTreeMap::new();
    totals.insert(portfolio.currency, (AgingLine::new(&standings.buckets), 0));
    let mut grouped: BTreeMap<(String, Currency), AgingRow> = BTreeMap::new();
    for ((customer_id, currency), standing) in &standings.standings {
        let total = totals.entry(*currency).or_insert_with(|| (AgingLine::new(&standings.buckets), 0));
        total.0.merge(&standing.aging);
        let has_balance = standing.aging.total_minor() != 0;
        total.1 += u64::from(has_balance);

        // Only the groupings by customer field have the customers loaded.
        let customer = || &standings.customers[customer_id];
        let (key, name) = match group {
            AgingGroup::Bucket => continue,
            AgingGroup::Customer => (customer().external_ref.clone(), Some(customer().name.clone())),
            AgingGroup::Segment => (customer().segment.clone().unwrap_or_default(), None),
            AgingGroup::Collector => (customer().collector.clone().unwrap_or_default(), None),
        };
        let row = grouped.entry((key.clone(), *currency)).or_insert_with(|| AgingRow {
            key,
            name,
            currency: *currency,
            line: AgingLine::new(&standings.buckets),
            customers: 0,
        });
        row.line.merge(&standing.aging);
        row.customers += u64::from(has_balance);
    }

    let rows = grouped.into_values().filter(|row| row.line.total_minor() != 0 || row.line.open_count() > 0).collect();
    Ok(AgingReport {
        portfolio: portfolio.code,
        portfolio_currency: portfolio.currency,
        as_of,
        group,
        labels: standings.buckets.labels(),
        totals,
        rows,
    })
}

impl AgingReport {
    fn currency_json(&self, currency: Currency, line: &AgingLine, customers: u64) -> Value {
        let buckets: Vec<Value> = self
            .labels
            .iter()
            .zip(&line.bucket_minor)
            .zip(&line.bucket_count)
            .map(|((label, amount), count)| json!({ "label": label, "amount": format_minor(*amount, currency), "count": count }))
            .collect();
        json!({
            "currency": currency.code(),
            "buckets": buckets,
            "unapplied": format_minor(line.unapplied_minor, currency),
            "total": format_minor(line.total_minor(), currency),
            "customers": customers,
        })
    }

    /// The JSON form. The top-level figures are those of the portfolio's
    /// currency; `by_currency` contains every currency with open items.
    pub fn to_json(&self) -> Value {
        let (line, customers) = &self.totals[&self.portfolio_currency];
        let mut value = self.currency_json(self.portfolio_currency, line, *customers);
        let object = value.as_object_mut().expect("currency_json returns an object");
        object.insert("as_of".into(), json!(self.as_of.to_string()));
        object.insert("portfolio".into(), json!(self.portfolio));
        object.insert("by".into(), json!(self.group.name()));
        let by_currency: Vec<Value> = self.totals.iter().map(|(currency, (line, customers))| self.currency_json(*currency, line, *customers)).collect();
        object.insert("by_currency".into(), Value::Array(by_currency));
        if self.group != AgingGroup::Bucket {
            let rows: Vec<Value> = self
                .rows
                .iter()
                .map(|row| {
                    let amounts: Vec<String> = row.line.bucket_minor.iter().map(|amount| format_minor(*amount, row.currency)).collect();
                    json!({
                        "key": row.key,
                        "name": row.name,
                        "currency": row.currency.code(),
                        "buckets": amounts,
                        "unapplied": format_minor(row.line.unapplied_minor, row.currency),
                        "total": format_minor(row.line.total_minor(), row.currency),
                        "customers": row.customers,
                    })
                })
                .collect();
            object.insert("labels".into(), json!(self.labels));
            object.insert("rows".into(), Value::Array(rows));
        }
        value
    }

    pub fn to_table(&self) -> Table {
        let title = format!("Aging of {} as of {} by {}", self.portfolio, self.as_of, self.group.name());
        if self.group == AgingGroup::Bucket {
            let mut rows = Vec::new();
            for (currency, (line, _)) in &self.totals {
                for ((label, amount), count) in self.labels.iter().zip(&line.bucket_minor).zip(&line.bucket_count) {
                    rows.push(vec![Cell::text(currency.code()), Cell::text(label), Cell::Integer(*count as i64), Cell::Money(*amount, *currency)]);
                }
                rows.push(vec![Cell::text(currency.code()), Cell::text("unapplied"), Cell::Empty, Cell::Money(line.unapplied_minor, *currency)]);
                rows.push(vec![Cell::text(currency.code()), Cell::text("total"), Cell::Integer(line.open_count() as i64), Cell::Money(line.total_minor(), *currency)]);
            }
            let headers = ["currency", "bucket", "open items", "amount"].map(String::from).to_vec();
            return Table { title, headers, rows };
        }

        let mut headers = vec![self.group.name().to_string()];
        if self.group == AgingGroup::Customer {
            headers.push("name".into());
        }
        headers.push("currency".into());
        headers.extend(self.labels.iter().cloned());
        headers.extend(["unapplied".to_string(), "total".to_string()]);
        let mut rows: Vec<Vec<Cell>> = self.rows.iter().map(|row| self.row_cells(&row.key, row.name.as_deref(), row.currency, &row.line)).collect();
        for (currency, (line, _)) in &self.totals {
            rows.push(self.row_cells("TOTAL", Some(""), *currency, line));
        }
        Table { title, headers, rows }
    }

    fn row_cells(&self, key: &str, name: Option<&str>, currency: Currency, line: &AgingLine) -> Vec<Cell> {
        let mut cells = vec![Cell::text(if key.is_empty() { "(none)" } else { key })];
        if self.group == AgingGroup::Customer {
            cells.push(Cell::text(name.unwrap_or_default()));
        }
        cells.push(Cell::text(currency.code()));
        cells.extend(line.bucket_minor.iter().map(|amount| Cell::Money(*amount, currency)));
        cells.push(Cell::Money(line.unapplied_minor, currency));
        cells.push(Cell::Money(line.total_minor(), currency));
        cells
    }
}

/// The list a case report shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseList {
    /// 90 or more days past due, as the policy sets.
    ProblemCases,
    /// More than 120 days past due, as the policy sets.
    LegalCandidates,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActionSummary {
    pub date: NaiveDate,
    pub kind: String,
    pub outcome: Option<String>,
    pub collector: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NextActionSummary {
    pub kind: String,
    pub date: NaiveDate,
    pub assigned_to: Option<String>,
}

/// One customer of a problem-case or legal-candidate list.
#[derive(Debug, Clone, Serialize)]
pub struct CaseLine {
    pub customer: String,
    pub name: String,
    pub segment: Option<String>,
    pub collector: Option<String>,
    pub stage: Option<String>,
    pub days_past_due: i64,
    pub oldest_due_date: Option<NaiveDate>,
    pub currency: String,
    pub overdue: String,
    pub balance: String,
    pub disputed: String,
    pub last_action: Option<ActionSummary>,
    pub next_action: Option<NextActionSummary>,
    #[serde(skip)]
    overdue_minor: i64,
    #[serde(skip)]
    balance_minor: i64,
    #[serde(skip)]
    currency_code: Option<Currency>,
}

/// Lists the cases of `list` as of a date, most overdue first, with each
/// customer's last collection action and next action.
pub async fn case_list(store: &Store, portfolio_code: &str, as_of: NaiveDate, list: CaseList) -> Result<Vec<CaseLine>, ReportError> {
    let mut conn = store.acquire().await?;
    let portfolio = portfolio::find(&mut conn, portfolio_code).await?.ok_or_else(|| ReportError::UnknownPortfolio(portfolio_code.to_string()))?;
    let policy = crate::policy::policy_in_force(&mut conn, portfolio.id, portfolio.currency, as_of).await?;
    let standings = standing::load(&mut conn, portfolio.id, as_of).await?;
    let last_actions: HashMap<i64, LastAction> =
        store_reports::last_actions(&mut conn, portfolio.id, as_of).await?.into_iter().map(|action| (action.customer_id, action)).collect();
    let next_tasks: HashMap<i64, NextTask> =
        store_reports::next_tasks(&mut conn, portfolio.id, as_of).await?.into_iter().map(|task| (task.customer_id, task)).collect();

    let min_days = match list {
        CaseList::ProblemCases => policy.problem_case_min_days(),
        CaseList::LegalCandidates => policy.legal_candidate_min_days(),
    };
    let mut lines = case_lines(&standings, &policy, min_days, &last_actions, &next_tasks);
    lines.sort_by(|a, b| b.days_past_due.cmp(&a.days_past_due).then(b.overdue_minor.cmp(&a.overdue_minor)).then(a.customer.cmp(&b.customer)));
    Ok(lines)
}

fn case_lines(
    standings: &PortfolioStandings,
    policy: &Policy,
    min_days: i64,
    last_actions: &HashMap<i64, LastAction>,
    next_tasks: &HashMap<i64, NextTask>,
) -> Vec<CaseLine> {
    let mut lines = Vec::new();
    for (customer_id, (currency, standing)) in standings.case_standings() {
        let balance_minor = standing.aging.total_minor();
        let days = standing.days_past_due(standings.as_of);
        if balance_minor <= 0 || standing.oldest_due_date.is_none() || days < min_days {
            continue;
        }
        let customer = &standings.customers[&customer_id];
        let last_action = last_actions.get(&customer_id);
        let next_action = match next_tasks.get(&customer_id) {
            Some(task) => Some(NextActionSummary { kind: task.kind.clone(), date: task.due_on, assigned_to: task.assigned_to.clone() }),
            None => last_action.and_then(|action| {
                Some(NextActionSummary { kind: action.next_action_kind.clone().unwrap_or_else(|| "follow_up".into()), date: action.next_action_on?, assigned_to: action.collector.clone() })
            }),
        };
        lines.push(CaseLine {
            customer: customer.external_ref.clone(),
            name: customer.name.clone(),
            segment: customer.segment.clone(),
            collector: customer.collector.clone(),
            stage: policy.stage_for(days, customer.segment.as_deref(), balance_minor).map(|index| policy.stages[index].code.clone()),
            days_past_due: days,
            oldest_due_date: standing.oldest_due_date,
            currency: currency.code().to_string(),
            overdue: format_minor(standing.aging.overdue_minor(), currency),
            balance: format_minor(balance_minor, currency),
            disputed: format_minor(standing.disputed_minor, currency),
            last_action: last_action.map(|action| ActionSummary { date: action.action_on, kind: action.kind.clone(), outcome: action.outcome.clone(), collector: action.collector.clone() }),
            next_action,
            overdue_minor: standing.aging.overdue_minor(),
            balance_minor,
            currency_code: Some(currency),
        });
    }
    lines
}

/// Builds the table form of a case list.
pub fn case_table(title: String, lines: &[CaseLine]) -> Table {
    let headers = ["customer", "name", "collector", "stage", "days past due", "oldest due", "currency", "overdue", "balance", "last action", "next action"]
        .map(String::from)
        .to_vec();
    let rows = lines
        .iter()
        .map(|line| {
            let currency = line.currency_code.expect("set by case_lines");
            vec![
                Cell::text(&line.customer),
                Cell::text(&line.name),
                Cell::optional(line.collector.clone()),
                Cell::optional(line.stage.clone()),
                Cell::Integer(line.days_past_due),
                Cell::optional(line.oldest_due_date.map(|date| date.to_string())),
                Cell::text(&line.currency),
                Cell::Money(line.overdue_minor, currency),
                Cell::Money(line.balance_minor, currency),
                Cell::optional(line.last_action.as_ref().map(|action| {
                    let outcome = action.outcome.as_deref().map(|outcome| format!(" ({outcome})")).unwrap_or_default();
                    format!("{} {}{outcome}", action.date, action.kind)
                })),
                Cell::optional(line.next_action.as_ref().map(|action| format!("{} {}", action.date, action.kind))),
            ]
        })
        .collect();
    Table { title, headers, rows }
}
