//! The portfolio health check: the ten questions of a collection
//! department's review, each answered from live data with a status, the
//! figure behind it, and where to fix it.

use chrono::NaiveDate;
use recobro_core::customer_file::RequirementScope;
use recobro_store::health::{self, HealthFacts};
use recobro_store::{Conn, Store, StoreError, cases, portfolio};
use serde::Serialize;

/// The status of one answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    Ok,
    Warning,
    Missing,
}

impl HealthStatus {
    pub fn code(&self) -> &'static str {
        match self {
            HealthStatus::Ok => "ok",
            HealthStatus::Warning => "warning",
            HealthStatus::Missing => "missing",
        }
    }
}

/// One question of the check. `key` names it for translations; the
/// question and figure are in English for the command line and the API.
#[derive(Debug, Clone, Serialize)]
pub struct HealthEntry {
    pub number: u8,
    pub key: &'static str,
    pub question: &'static str,
    pub status: HealthStatus,
    pub figure: String,
    /// The web page where it is fixed, relative to the site root.
    pub link: String,
    /// The command that fixes or shows it.
    pub command: String,
    /// The message key of the figure for translated pages, such as
    /// `aging-report-ok`, and its arguments.
    #[serde(skip)]
    pub figure_key: &'static str,
    #[serde(skip)]
    pub figure_args: Vec<(&'static str, FigureArg)>,
}

/// A value in a figure, which a page formats for its language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FigureArg {
    Count(i64),
    Date(NaiveDate),
}

impl HealthEntry {
    fn localized(mut self, key: &'static str, args: Vec<(&'static str, FigureArg)>) -> Self {
        self.figure_key = key;
        self.figure_args = args;
        self
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct HealthReport {
    pub portfolio: String,
    pub as_of: NaiveDate,
    pub entries: Vec<HealthEntry>,
}

impl HealthReport {
    pub fn count(&self, status: HealthStatus) -> usize {
        self.entries.iter().filter(|entry| entry.status == status).count()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HealthError {
    #[error("portfolio {0:?} not found: see `recobro portfolio list`")]
    UnknownPortfolio(String),
    #[error(transparent)]
    Policy(#[from] crate::policy::PolicyFileError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A run older than this many days makes the aging report stale.
const STALE_RUN_DAYS: i64 = 7;
/// A share of open cases worked in the last 30 days below this percent is
/// a warning.
const MIN_WORKED_PERCENT: i64 = 80;
/// A share of open tasks past their date above this percent is a warning.
const MAX_OVERDUE_TASK_PERCENT: i64 = 20;

/// File completeness of the open cases for one scope.
struct FileFigures {
    open_cases: i64,
    incomplete: i64,
    expired: i64,
}

pub async fn health_check(store: &Store, portfolio_code: &str, as_of: NaiveDate) -> Result<HealthReport, HealthError> {
    let mut conn = store.acquire().await?;
    let portfolio = portfolio::find(&mut conn, portfolio_code).await?.ok_or_else(|| HealthError::UnknownPortfolio(portfolio_code.to_string()))?;
    let facts = health::facts(&mut conn, portfolio.id, as_of).await?;
    let policy = crate::policy::policy_in_force(&mut conn, portfolio.id, portfolio.currency, as_of).await?;
    let files = file_figures(&mut conn, portfolio.id, as_of).await?;
    let candidates = {
        let standings = crate::standing::load(&mut conn, portfolio.id, as_of).await?;
        crate::legal::transfer_candidates(&mut conn, portfolio.id, &policy, &standings).await?.len() as i64
    };

    let code = &portfolio.code;
    let entries = vec![
        aging_report(&facts, as_of, code),
        latest_actions(&facts, as_of, code),
        customer_files(&files, as_of, code),
        procedure(&facts, &policy, code),
        team(&facts, code),
        follow_up(&facts, as_of, code),
        renegotiation(&facts, code),
        settlements(&facts, code),
        segments(&facts, code),
        law_firm(&facts, candidates, code),
    ];
    Ok(HealthReport { portfolio: portfolio.code.clone(), as_of, entries })
}

async fn file_figures(conn: &mut Conn, portfolio_id: i64, as_of: NaiveDate) -> Result<FileFigures, StoreError> {
    let gaps = crate::files::gaps_by_customer(conn, portfolio_id, RequirementScope::Customer, as_of).await?;
    let open: Vec<i64> = cases::load_cases(conn, portfolio_id).await?.into_iter().filter(|case| case.record.status == cases::CaseStatus::Open).map(|case| case.record.customer_id).collect();
    let mut figures = FileFigures { open_cases: open.len() as i64, incomplete: 0, expired: 0 };
    for customer_id in open {
        if let Some(customer_gaps) = gaps.get(&customer_id) {
            figures.incomplete += 1;
            figures.expired += i64::from(customer_gaps.iter().any(|gap| matches!(gap, recobro_core::customer_file::FileGap::Expired { .. })));
        }
    }
    Ok(figures)
}

fn entry(number: u8, key: &'static str, question: &'static str, status: HealthStatus, figure: String, link: String, command: String) -> HealthEntry {
    HealthEntry { number, key, question, status, figure, link, command, figure_key: "", figure_args: Vec::new() }
}

/// Writes a count with the singular or plural noun, such as `1 day`.
fn plural(count: i64, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

fn percent(part: i64, whole: i64) -> i64 {
    if whole == 0 { 100 } else { part * 100 / whole }
}

fn aging_report(facts: &HealthFacts, as_of: NaiveDate, code: &str) -> HealthEntry {
    let (status, figure, key, args) = match facts.latest_run {
        None => (HealthStatus::Missing, "no daily run yet, so no aging report".to_string(), "aging-report-none", vec![]),
        Some(run) if (as_of - run).num_days() > STALE_RUN_DAYS => (
            HealthStatus::Warning,
            format!("latest daily run as of {run}, {} days before {as_of}", (as_of - run).num_days()),
            "aging-report-stale",
            vec![("run", FigureArg::Date(run)), ("days", FigureArg::Count((as_of - run).num_days()))],
        ),
        Some(run) => (
            HealthStatus::Ok,
            format!("aging as of {run}, {}", plural(facts.open_cases, "open case", "open cases")),
            "aging-report-ok",
            vec![("run", FigureArg::Date(run)), ("cases", FigureArg::Count(facts.open_cases))],
        ),
    };
    entry(1, "aging_report", "Is there an aging report of overdue balances?", status, figure, format!("/p/{code}"), format!("recobro run --portfolio {code} --as-of {as_of}")).localized(key, args)
}

fn latest_actions(facts: &HealthFacts, as_of: NaiveDate, code: &str) -> HealthEntry {
    let worked = percent(facts.open_cases_with_recent_action, facts.open_cases);
    let status = if facts.open_cases > 0 && facts.actions_recorded == 0 {
        HealthStatus::Missing
    } else if worked < MIN_WORKED_PERCENT {
        HealthStatus::Warning
    } else {
        HealthStatus::Ok
    };
    let figure = format!("{} of {} open cases ({worked}%) have an action in the last 30 days", facts.open_cases_with_recent_action, facts.open_cases);
    entry(2, "latest_actions", "Is there a report of the latest collection actions per customer?", status, figure, format!("/p/{code}/problem-cases"), format!("recobro report problem-cases --portfolio {code} --as-of {as_of}"))
        .localized("latest-actions", vec![("worked", FigureArg::Count(facts.open_cases_with_recent_action)), ("cases", FigureArg::Count(facts.open_cases)), ("percent", FigureArg::Count(worked))])
}

fn customer_files(files: &FileFigures, as_of: NaiveDate, code: &str) -> HealthEntry {
    let complete = files.open_cases - files.incomplete;
    let status = if files.incomplete == 0 {
        HealthStatus::Ok
    } else if complete == 0 {
        HealthStatus::Missing
    } else {
        HealthStatus::Warning
    };
    let figure = format!("{complete} of {} open cases have a complete file; {} with an expired document", files.open_cases, files.expired);
    entry(3, "customer_files", "Does every customer have its documentation on file, and is it up to date?", status, figure, format!("/p/{code}/files"), format!("recobro report files --portfolio {code} --as-of {as_of}"))
        .localized("customer-files", vec![("complete", FigureArg::Count(complete)), ("cases", FigureArg::Count(files.open_cases)), ("expired", FigureArg::Count(files.expired))])
}

fn procedure(facts: &HealthFacts, policy: &recobro_core::Policy, code: &str) -> HealthEntry {
    let thresholds = [1, 31, 61, 91, 121];
    let covered = thresholds.iter().filter(|days| policy.stages.iter().any(|stage| stage.min_days_past_due <= **days)).count();
    let status = if covered < thresholds.len() {
        HealthStatus::Missing
    } else if !facts.policy_saved {
        HealthStatus::Warning
    } else {
        HealthStatus::Ok
    };
    let origin = if facts.policy_saved { "the portfolio's own policy is in force" } else { "the built-in default policy, not yet reviewed" };
    let first_day = policy.stages.first().map(|stage| stage.min_days_past_due).unwrap_or(0);
    let figure = format!("{} stages, the first at {} past due; {origin}", policy.stages.len(), plural(first_day, "day", "days"));
    entry(4, "procedure", "Do the collectors have a clear procedure: which action for which delinquency?", status, figure, format!("/p/{code}/policy"), format!("recobro policy show --portfolio {code}"))
        .localized(if facts.policy_saved { "procedure-own" } else { "procedure-default" }, vec![("stages", FigureArg::Count(policy.stages.len() as i64)), ("first", FigureArg::Count(first_day))])
}

fn team(facts: &HealthFacts, code: &str) -> HealthEntry {
    let status = if facts.active_collectors == 0 {
        HealthStatus::Missing
    } else if facts.open_cases_unassigned > 0 {
        HealthStatus::Warning
    } else {
        HealthStatus::Ok
    };
    let figure = format!("{} active collectors; {} of {} open cases unassigned", facts.active_collectors, facts.open_cases_unassigned, facts.open_cases);
    entry(5, "team", "Is the collection team staffed and is every account assigned?", status, figure, format!("/p/{code}/team"), format!("recobro team assign --portfolio {code}"))
        .localized("team", vec![("collectors", FigureArg::Count(facts.active_collectors)), ("unassigned", FigureArg::Count(facts.open_cases_unassigned)), ("cases", FigureArg::Count(facts.open_cases))])
}

fn follow_up(facts: &HealthFacts, as_of: NaiveDate, code: &str) -> HealthEntry {
    let overdue = percent(facts.overdue_tasks, facts.open_tasks);
    let status = if facts.latest_run.is_none() {
        HealthStatus::Missing
    } else if facts.open_tasks > 0 && overdue > MAX_OVERDUE_TASK_PERCENT {
        HealthStatus::Warning
    } else {
        HealthStatus::Ok
    };
    let figure = format!("{} open tasks, {} past their date; {} open promises to pay", facts.open_tasks, facts.overdue_tasks, facts.open_promises);
    entry(6, "follow_up", "Are there systems to follow up the whole portfolio?", status, figure, format!("/p/{code}/worklist"), format!("recobro worklist --portfolio {code} --as-of {as_of}"))
        .localized("follow-up", vec![("tasks", FigureArg::Count(facts.open_tasks)), ("overdue", FigureArg::Count(facts.overdue_tasks)), ("promises", FigureArg::Count(facts.open_promises))])
}

fn renegotiation(facts: &HealthFacts, code: &str) -> HealthEntry {
    let status = if facts.interest_rules > 0 { HealthStatus::Ok } else { HealthStatus::Warning };
    let rule = if facts.interest_rules > 0 { "a late-interest rule is set" } else { "no late-interest rule is set" };
    let figure = format!("{rule}; {} payment plans, {} active", facts.plans_total, facts.plans_active);
    entry(7, "renegotiation", "Are there plans for customers who ask to renegotiate terms and late interest?", status, figure, format!("/p/{code}/approvals"), format!("recobro interest rule set --portfolio {code} ..."))
        .localized(if facts.interest_rules > 0 { "renegotiation-rule" } else { "renegotiation-no-rule" }, vec![("plans", FigureArg::Count(facts.plans_total)), ("active", FigureArg::Count(facts.plans_active))])
}

fn settlements(facts: &HealthFacts, code: &str) -> HealthEntry {
    let status = if facts.active_deciders == 0 { HealthStatus::Warning } else { HealthStatus::Ok };
    let figure = format!("{} settlement offers, {} paid; {} managers or administrators can approve beyond a collector's limit", facts.offers_total, facts.offers_paid, facts.active_deciders);
    entry(8, "settlements", "Is there a procedure for a customer who offers one lump-sum payment and asks to have the interest waived?", status, figure, format!("/p/{code}/approvals"), format!("recobro settlement list --portfolio {code}"))
        .localized("settlements", vec![("offers", FigureArg::Count(facts.offers_total)), ("paid", FigureArg::Count(facts.offers_paid)), ("deciders", FigureArg::Count(facts.active_deciders))])
}

fn segments(facts: &HealthFacts, code: &str) -> HealthEntry {
    let status = if facts.pending_status_suggestions > 0 { HealthStatus::Warning } else { HealthStatus::Ok };
    let figure = format!(
        "{} customers not to continue, {} on credit hold; {} status suggestions waiting for a decision",
        facts.customers_do_not_continue, facts.customers_credit_hold, facts.pending_status_suggestions
    );
    entry(9, "segments", "Are the customers the company no longer wants to do business with segmented?", status, figure, format!("/p/{code}/team"), format!("recobro export-holds --portfolio {code}"))
        .localized("segments", vec![("stop", FigureArg::Count(facts.customers_do_not_continue)), ("hold", FigureArg::Count(facts.customers_credit_hold)), ("pending", FigureArg::Count(facts.pending_status_suggestions))])
}

fn law_firm(facts: &HealthFacts, candidates: i64, code: &str) -> HealthEntry {
    let status = if facts.active_law_firms == 0 {
        HealthStatus::Missing
    } else if facts.pending_proposals > 0 {
        HealthStatus::Warning
    } else {
        HealthStatus::Ok
    };
    let figure = format!(
        "{} active law firms; {} cases with a firm; {} transfer proposals waiting; {candidates} judicial transfer candidates",
        facts.active_law_firms, facts.open_referrals, facts.pending_proposals
    );
    entry(10, "law_firm", "Is a law firm selected for the cases that go to judicial collection?", status, figure, format!("/p/{code}/legal"), "recobro lawfirm set --code CODE --name NAME --contingency PERCENT --by USER".to_string())
        .localized("law-firm", vec![("firms", FigureArg::Count(facts.active_law_firms)), ("referred", FigureArg::Count(facts.open_referrals)), ("pending", FigureArg::Count(facts.pending_proposals)), ("candidates", FigureArg::Count(candidates))])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        recobro_core::parse_iso_date(text).unwrap()
    }

    #[test]
    fn aging_report_stale_or_missing() {
        let facts = HealthFacts::default();
        assert_eq!(aging_report(&facts, date("2025-06-30"), "p").status, HealthStatus::Missing);
        let facts = HealthFacts { latest_run: Some(date("2025-06-01")), ..HealthFacts::default() };
        assert_eq!(aging_report(&facts, date("2025-06-30"), "p").status, HealthStatus::Warning);
        let facts = HealthFacts { latest_run: Some(date("2025-06-29")), ..HealthFacts::default() };
        assert_eq!(aging_report(&facts, date("2025-06-30"), "p").status, HealthStatus::Ok);
    }

    #[test]
    fn team_collectors_and_assignments() {
        let facts = HealthFacts { active_collectors: 0, ..HealthFacts::default() };
        assert_eq!(team(&facts, "p").status, HealthStatus::Missing);
        let facts = HealthFacts { active_collectors: 2, open_cases: 10, open_cases_unassigned: 1, ..HealthFacts::default() };
        assert_eq!(team(&facts, "p").status, HealthStatus::Warning);
        assert_eq!(team(&facts, "p").figure, "2 active collectors; 1 of 10 open cases unassigned");
    }

    #[test]
    fn customer_files_on_open_cases() {
        let files = FileFigures { open_cases: 4, incomplete: 4, expired: 0 };
        assert_eq!(customer_files(&files, date("2025-06-30"), "p").status, HealthStatus::Missing);
        let files = FileFigures { open_cases: 4, incomplete: 1, expired: 1 };
        assert_eq!(customer_files(&files, date("2025-06-30"), "p").status, HealthStatus::Warning);
        let files = FileFigures { open_cases: 0, incomplete: 0, expired: 0 };
        assert_eq!(customer_files(&files, date("2025-06-30"), "p").status, HealthStatus::Ok);
    }

    #[test]
    fn law_firm_required() {
        assert_eq!(law_firm(&HealthFacts::default(), 3, "p").status, HealthStatus::Missing);
        let facts = HealthFacts { active_law_firms: 1, pending_proposals: 2, ..HealthFacts::default() };
        assert_eq!(law_firm(&facts, 3, "p").status, HealthStatus::Warning);
    }
}
