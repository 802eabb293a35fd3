//! The daily run: ages every open item, places every customer's case in its
//! policy stage, creates the stage's tasks (reminders, calls, demand letter
//! drafts, legal transfer proposals) and stores a run record.
//!
//! The run is idempotent: a case already in its stage gets no new stage
//! event and tasks are unique per case, stage entry and kind, so running the
//! same date twice creates nothing twice. All writes happen in one
//! transaction, so a crash leaves the database as it was before the run.

use std::time::Instant;

use chrono::NaiveDate;
use recobro_core::policy::{CaseStanding, StageAction};
use recobro_core::{AgingLine, Currency, Owner, Policy, Standing};
use recobro_store::cases::{self, CaseRecord, CaseRef, CaseStatus, CaseWrites, StoredCase, TaskData};
use recobro_store::reports::CustomerInfo;
use recobro_core::priority::{PriorityInput, case_priority};
use recobro_core::promise::{Promise, PromiseStatus, evaluate_promise};
use recobro_store::promises;
use recobro_store::runs::{self, RunAgingLine, RunCounts, RunRecord, RunTotal};
use recobro_store::{Store, StoreError, Transaction, jobs, portfolio};
use std::collections::{BTreeMap, HashMap, HashSet};

use crate::standing::{self, PortfolioStandings};

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("portfolio {0:?} not found: create it with `recobro portfolio add`")]
    UnknownPortfolio(String),
    #[error("the daily run of {portfolio} as of {as_of} is already running in another instance, or finished there while this one waited; nothing was done here")]
    AlreadyRunning { portfolio: String, as_of: NaiveDate },
    #[error("a run as of {requested} cannot follow the run as of {latest}: runs move forward in time; run {latest} again or a later date")]
    RunsMoveForward { requested: NaiveDate, latest: NaiveDate },
    #[error(transparent)]
    Policy(#[from] crate::policy::PolicyFileError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The job name of the daily run in `job_run` claims.
pub const DAILY_RUN_JOB: &str = "daily-run";

/// A broken or partly kept promise raises a case's priority for this many
/// days after it was judged.
const UNKEPT_PROMISE_DAYS: i64 = 30;
/// An open promise raises its case's priority from this many days before
/// its date, so that the collector checks on it.
const PROMISE_DUE_DAYS: i64 = 2;

/// The counts and totals of a run, for the command line and the run record.
#[derive(Debug, Clone)]
pub struct RunOutcome {
    pub portfolio: String,
    pub as_of: NaiveDate,
    pub counts: RunCounts,
    pub totals: Vec<RunTotal>,
    /// Status suggestions raised by this run for a manager to decide.
    pub status_suggestions: i64,
    pub plans_broken: i64,
    pub plans_completed: i64,
    pub offers_paid: i64,
    pub offers_expired: i64,
    /// Judicial transfer proposals made, pending, and held back by an
    /// incomplete customer file.
    pub transfers: crate::legal::ProposalCounts,
    pub duration_ms: i64,
}

/// Runs the daily job for one portfolio as of a date.
pub async fn run_daily(store: &Store, portfolio_code: &str, as_of: NaiveDate) -> Result<RunOutcome, RunError> {
    let started = Instant::now();
    let started_at = chrono::Utc::now().to_rfc3339();

    let mut tx = store.begin().await?;
    let portfolio = portfolio::find(&mut tx, portfolio_code).await?.ok_or_else(|| RunError::UnknownPortfolio(portfolio_code.to_string()))?;
    // Only one instance performs a portfolio's run of a date at a time.
    if jobs::claim(&mut tx, store.engine(), portfolio.id, DAILY_RUN_JOB, as_of, &jobs::instance_name()).await? == jobs::Claim::Busy {
        return Err(RunError::AlreadyRunning { portfolio: portfolio_code.to_string(), as_of });
    }
    crate::import::stall_for_tests("run-claimed");
    if let Some(latest) = runs::latest_run_date(&mut tx, portfolio.id).await?
        && as_of < latest
    {
        return Err(RunError::RunsMoveForward { requested: as_of, latest });
    }
    let policy = crate::policy::policy_in_force(&mut tx, portfolio.id, portfolio.currency, as_of).await?;

    // Step 0: settlement offers paid or expired, and payment plans kept,
    // completed or broken. A paid discount closes balances before aging.
    let offers = crate::negotiation::settlements::track_offers(&mut tx, portfolio.id, portfolio_code, as_of).await?;
    let plans = crate::negotiation::plans::track_plans(&mut tx, portfolio.id, as_of).await?;

    // Step 1: open balances and aging of every document and snapshot account.
    let standings = standing::load(&mut tx, portfolio.id, as_of).await?;
    let stored_cases: HashMap<i64, StoredCase> =
        cases::load_cases(&mut tx, portfolio.id).await?.into_iter().map(|case| (case.record.customer_id, case)).collect();

    // Step 3: promises to pay that were paid or fell due.
    let mut counts = RunCounts { open_items: standings.open_items as i64, ..RunCounts::default() };
    let unkept_promises = settle_promises(&mut tx, portfolio.id, as_of, &mut counts).await?;
    let (recently_unkept, promises_due_soon) = promises::promise_flags(&mut tx, portfolio.id, as_of, UNKEPT_PROMISE_DAYS, PROMISE_DUE_DAYS).await?;

    // Step 4: every case in its policy stage, with the stage's tasks. Cases
    // under a payment plan or with a law firm keep their stage, with no new
    // tasks.
    let with_firm = crate::legal::customers_with_firm(&mut tx, portfolio.id).await?;
    let mut stager = Stager {
        tx: &mut tx,
        portfolio_id: portfolio.id,
        as_of,
        policy: &policy,
        counts: &mut counts,
        open_cases: HashMap::new(),
        writes: CaseWrites::default(),
        recently_unkept: recently_unkept.into_iter().chain(plans.broken.iter().copied()).collect(),
        promises_due_soon: promises_due_soon.into_iter().collect(),
        under_plan: plans.under_plan.into_iter().chain(with_firm).collect(),
    };
    let case_standings = standings.case_standings();
    let halfway = case_standings.len() / 2;
    for (position, (customer_id, (currency, standing))) in case_standings.iter().enumerate() {
        if position == halfway {
            crate::import::stall_for_tests("run");
        }
        let customer = &standings.customers[customer_id];
        stager.place(customer, *currency, standing, stored_cases.get(customer_id)).await?;
    }
    for (customer_id, case) in &stored_cases {
        if !case_standings.contains_key(customer_id) && case.record.status == CaseStatus::Open {
            stager.close(case);
        }
    }
    let open_cases = stager.write().await?;
    for customer_id in unkept_promises.iter().chain(&plans.broken) {
        stager.follow_up_unkept_promise(&open_cases, &standings.customers[customer_id]).await?;
    }

    // Stricter relationship statuses for a manager to confirm.
    let suggestions = crate::status::suggest_statuses(&mut tx, portfolio.id, as_of, &policy, &open_cases, &standings.customers).await?;

    // Step 5: problem cases and judicial transfer candidates are counted
    // here and listed by the reports; their tasks were created above.
    let (totals, aging) = run_totals(&standings, &policy, &mut counts);
    // Step 6: transfer proposals for the candidates whose file is complete,
    // for a manager to approve.
    let transfers = crate::legal::propose_transfers(&mut tx, portfolio.id, &policy, &standings).await?;

    // Step 7: the run record.
    let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    let record = RunRecord { as_of, started_at, finished_at: chrono::Utc::now().to_rfc3339(), duration_ms, counts: counts.clone(), totals: totals.clone(), aging };
    runs::save_run(&mut tx, portfolio.id, &record).await?;
    tx.commit().await.map_err(StoreError::from)?;

    tracing::info!(
        portfolio = portfolio_code,
        %as_of,
        cases_open = counts.cases_open,
        tasks_created = counts.tasks_created,
        suggestions,
        plans_broken = plans.broken.len(),
        plans_completed = plans.completed,
        offers_paid = offers.paid,
        offers_expired = offers.expired,
        transfers_proposed = transfers.proposed,
        duration_ms,
        "daily run finished"
    );
    Ok(RunOutcome {
        portfolio: portfolio_code.to_string(),
        as_of,
        counts,
        totals,
        status_suggestions: suggestions,
        plans_broken: plans.broken.len() as i64,
        plans_completed: plans.completed,
        offers_paid: offers.paid,
        offers_expired: offers.expired,
        transfers,
        duration_ms,
    })
}

struct Stager<'a, 'c> {
    tx: &'a mut Transaction<'c>,
    portfolio_id: i64,
    as_of: NaiveDate,
    policy: &'a Policy,
    counts: &'a mut RunCounts,
    /// Case and stage of every case this run leaves open, by customer. New
    /// cases get their ids when [`Stager::write`] stores them.
    open_cases: HashMap<i64, (CaseRef, String)>,
    /// The case writes of the run, stored together by [`Stager::write`].
    writes: CaseWrites,
    /// Customers whose promise was recently broken or partly kept.
    recently_unkept: HashSet<i64>,
    /// Customers with an open promise falling due within a few days.
    promises_due_soon: HashSet<i64>,
    /// Customers keeping an active payment plan: their case stays where it
    /// is and gets no new tasks.
    under_plan: HashSet<i64>,
}

impl Stager<'_, '_> {
    /// Places one customer's case in the stage its standing calls for.
    async fn place(&mut self, customer: &CustomerInfo, currency: Currency, standing: &Standing, stored: Option<&StoredCase>) -> Result<(), StoreError> {
        if self.under_plan.contains(&customer.id) {
            self.hold(customer, standing, stored);
            return Ok(());
        }
        let balance_minor = standing.aging.total_minor();
        let segment = customer.segment.as_deref();
        let target = self.policy.evaluate(self.as_of, CaseStanding { oldest_due_date: standing.oldest_due_date, balance_minor, segment });
        let open_case = stored.filter(|case| case.record.status == CaseStatus::Open);

        let Some(target) = target else {
            if let Some(case) = open_case {
                self.close(case);
            }
            return Ok(());
        };
        self.counts.cases_open += 1;

        let current = open_case.and_then(|case| case.record.stage.as_deref()).and_then(|code| self.policy.stage_index(code));
        let steps = self.policy.transition(current, Some(target), segment, balance_minor);
        let stage = &self.policy.stages[target];
        let mut record = CaseRecord {
            customer_id: customer.id,
            status: CaseStatus::Open,
            stage: Some(stage.code.clone()),
            stage_entered_on: Some(self.as_of),
            oldest_due_date: standing.oldest_due_date,
            days_past_due: standing.days_past_due(self.as_of),
            overdue_minor: standing.aging.overdue_minor(),
            balance_minor,
            currency: currency.code().to_string(),
            disputed_minor: standing.disputed_minor,
            next_action_kind: None,
            next_action_on: None,
            priority: case_priority(PriorityInput {
                days_past_due: standing.days_past_due(self.as_of),
                overdue_minor: standing.aging.overdue_minor(),
                minor_digits: currency.minor_digits(),
                broken_promise: self.recently_unkept.contains(&customer.id),
                promise_due_soon: self.promises_due_soon.contains(&customer.id),
            }),
        };

        if steps.is_empty() {
            // Same stage as before: keep its entry date and next action, and
            // write only when the figures changed.
            let case = open_case.expect("no steps means the case is open in this stage");
            record.stage_entered_on = case.record.stage_entered_on;
            record.next_action_kind.clone_from(&case.record.next_action_kind);
            record.next_action_on = case.record.next_action_on;
            if record != case.record {
                self.writes.updates.push((case.id, record, false));
            }
            self.open_cases.insert(customer.id, (CaseRef::Stored(case.id), stage.code.clone()));
            return Ok(());
        }

        let tasks = self.stage_tasks(customer, &stage.actions);
        let owner = stage.owner;
        if let Some((kind, _)) = tasks.first() {
            record.next_action_kind = Some(kind.to_string());
            record.next_action_on = Some(self.as_of);
        }
        let case = match stored {
            Some(case) => {
                let reopened = case.record.status == CaseStatus::Closed;
                self.writes.updates.push((case.id, record, reopened));
                if reopened {
                    self.counts.cases_opened += 1;
                }
                self.writes.cancellations.push((case.id, Some(stage.code.clone())));
                CaseRef::Stored(case.id)
            }
            None => {
                self.counts.cases_opened += 1;
                self.writes.new_cases.push(record);
                CaseRef::New(self.writes.new_cases.len() - 1)
            }
        };

        self.open_cases.insert(customer.id, (case, stage.code.clone()));
        for step in &steps {
            let code = &self.policy.stages[step.stage_index].code;
            self.writes.stage_events.push((case, code.clone(), step.skipped));
        }
        for (kind, channel) in tasks {
            let task = TaskData {
                case_id: 0,
                customer_id: customer.id,
                stage: stage.code.clone(),
                stage_entered_on: self.as_of,
                kind: kind.to_string(),
                channel,
                due_on: self.as_of,
                // Only the collector's tasks go to a named person; manager
                // and legal tasks wait in their team's list.
                assigned_to: if owner == Owner::Collector { customer.collector.clone() } else { None },
                owner: owner.code().to_string(),
            };
            self.writes.tasks.push((case, task));
        }
        Ok(())
    }

    /// Stores the case writes gathered so far and counts the stage changes
    /// and tasks they made. Returns the case id and stage of every open case,
    /// by customer.
    async fn write(&mut self) -> Result<HashMap<i64, (i64, String)>, StoreError> {
        let writes = std::mem::take(&mut self.writes);
        let written = cases::write_case_writes(self.tx, self.portfolio_id, self.as_of, &writes).await?;
        self.counts.stage_changes += written.stage_changes as i64;
        self.counts.stages_skipped += written.stages_skipped as i64;
        self.counts.tasks_created += written.tasks_created as i64;

        let open_cases = std::mem::take(&mut self.open_cases);
        Ok(open_cases.into_iter().map(|(customer_id, (case, stage))| (customer_id, (case.id(&written.new_case_ids), stage))).collect())
    }

    /// Lists the tasks a stage's actions create: kind and channel. Reminders of
    /// every channel are one kind. Marking a problem case is a flag of the
    /// case, not a task.
    fn stage_tasks(&self, customer: &CustomerInfo, actions: &[StageAction]) -> Vec<(&'static str, Option<String>)> {
        let channel = |name: &str| Some(name.to_string());
        actions
            .iter()
            .filter(|action| **action != StageAction::ProblemCase)
            .map(|action| match action {
                StageAction::Reminder => ("reminder", Some(customer.preferred_channel.clone().unwrap_or_else(|| "email".to_string()))),
                StageAction::ReminderEmail => ("reminder", channel("email")),
                StageAction::ReminderSms => ("reminder", channel("sms")),
                StageAction::ReminderLetter => ("reminder", channel("letter")),
                StageAction::FormalNotice | StageAction::DemandLetterDraft => (action.code(), channel("letter")),
                StageAction::CallTask => (action.code(), channel("phone")),
                StageAction::VisitTask => (action.code(), channel("visit")),
                StageAction::CreditHold | StageAction::ProblemCase | StageAction::LegalTransferProposal => (action.code(), None),
            })
            .collect()
    }

    /// Creates a call task for the collector of a customer whose promise to
    /// pay was broken or only partly kept, when the customer's case is open.
    async fn follow_up_unkept_promise(&mut self, open_cases: &HashMap<i64, (i64, String)>, customer: &CustomerInfo) -> Result<(), StoreError> {
        let Some((case_id, stage)) = open_cases.get(&customer.id).cloned() else { return Ok(()) };
        let task = TaskData {
            case_id,
            customer_id: customer.id,
            stage,
            stage_entered_on: self.as_of,
            kind: "broken_promise".to_string(),
            channel: Some("phone".to_string()),
            due_on: self.as_of,
            assigned_to: customer.collector.clone(),
            owner: Owner::Collector.code().to_string(),
        };
        if cases::insert_task(self.tx, self.portfolio_id, &task, self.as_of).await? {
            self.counts.tasks_created += 1;
        }
        Ok(())
    }

    /// Keeps the open case of a customer under a payment plan in its stage,
    /// with its figures brought up to date and no new tasks.
    fn hold(&mut self, customer: &CustomerInfo, standing: &Standing, stored: Option<&StoredCase>) {
        let Some(case) = stored.filter(|case| case.record.status == CaseStatus::Open) else { return };
        self.counts.cases_open += 1;

        let mut record = case.record.clone();
        record.oldest_due_date = standing.oldest_due_date;
        record.days_past_due = standing.days_past_due(self.as_of);
        record.overdue_minor = standing.aging.overdue_minor();
        record.balance_minor = standing.aging.total_minor();
        record.disputed_minor = standing.disputed_minor;
        let stage = record.stage.clone().unwrap_or_default();
        if record != case.record {
            self.writes.updates.push((case.id, record, false));
        }
        self.open_cases.insert(customer.id, (CaseRef::Stored(case.id), stage));
    }

    /// Closes a case whose balance is settled or no longer overdue.
    fn close(&mut self, case: &StoredCase) {
        let record = CaseRecord {
            status: CaseStatus::Closed,
            stage: None,
            stage_entered_on: None,
            days_past_due: 0,
            overdue_minor: 0,
            next_action_kind: None,
            next_action_on: None,
            ..case.record.clone()
        };
        self.writes.updates.push((case.id, record, false));
        self.writes.cancellations.push((case.id, None));
        self.counts.cases_closed += 1;
    }
}

/// Judges every open promise from the payments received and records the
/// outcomes. Returns the customers whose promise was broken or only partly
/// kept.
async fn settle_promises(tx: &mut Transaction<'_>, portfolio_id: i64, as_of: NaiveDate, counts: &mut RunCounts) -> Result<Vec<i64>, StoreError> {
    let mut unkept = Vec::new();
    for open in promises::open_promises(tx, portfolio_id, as_of).await? {
        let until = open.promised_on.min(as_of);
        let payments = promises::customer_payments_between(tx, open.customer_id, open.currency.code(), open.made_on, until).await?;
        let promise = Promise { made_on: open.made_on, promised_on: open.promised_on, amount_minor: open.amount_minor };
        let (status, paid_minor) = evaluate_promise(&promise, &payments, as_of);
        match status {
            PromiseStatus::Open => continue,
            PromiseStatus::Kept => counts.promises_kept += 1,
            PromiseStatus::PartlyKept => counts.promises_partly_kept += 1,
            PromiseStatus::Broken => counts.promises_broken += 1,
        }
        promises::settle_promise(tx, open.action_id, status.code(), paid_minor, as_of).await?;
        if status != PromiseStatus::Kept && !unkept.contains(&open.customer_id) {
            unkept.push(open.customer_id);
        }
    }
    Ok(unkept)
}

/// Totals and aging per currency, and the problem-case and
/// legal-candidate counts.
fn run_totals(standings: &PortfolioStandings, policy: &Policy, counts: &mut RunCounts) -> (Vec<RunTotal>, Vec<RunAgingLine>) {
    let mut totals: BTreeMap<Currency, RunTotal> = BTreeMap::new();
    let mut lines: BTreeMap<Currency, AgingLine> = BTreeMap::new();
    for ((_, currency), standing) in &standings.standings {
        let total = totals.entry(*currency).or_insert_with(|| RunTotal {
            currency: currency.code().to_string(),
            balance_minor: 0,
            overdue_minor: 0,
            problem_minor: 0,
            unapplied_minor: 0,
            customers_with_balance: 0,
        });
        total.balance_minor += standing.aging.total_minor();
        total.overdue_minor += standing.aging.overdue_minor();
        total.unapplied_minor += standing.aging.unapplied_minor;
        total.customers_with_balance += i64::from(standing.aging.total_minor() != 0);
        lines.entry(*currency).or_insert_with(|| AgingLine::new(&standings.buckets)).merge(&standing.aging);
    }
    for (currency, standing) in standings.case_standings().values() {
        let days = standing.days_past_due(standings.as_of);
        if standing.aging.total_minor() <= 0 || standing.oldest_due_date.is_none() {
            continue;
        }
        if days >= policy.problem_case_min_days() {
            counts.problem_cases += 1;
            if let Some(total) = totals.get_mut(currency) {
                total.problem_minor += standing.aging.overdue_minor();
            }
        }
        if days >= policy.legal_candidate_min_days() {
            counts.legal_candidates += 1;
        }
    }

    let labels = standings.buckets.labels();
    let mut aging = Vec::new();
    for (currency, line) in &lines {
        for (position, label) in labels.iter().enumerate() {
            aging.push(RunAgingLine {
                currency: currency.code().to_string(),
                position: position as i64,
                label: label.clone(),
                amount_minor: line.bucket_minor[position],
                item_count: line.bucket_count[position] as i64,
            });
        }
    }
    (totals.into_values().collect(), aging)
}
