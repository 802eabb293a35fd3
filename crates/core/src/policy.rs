//! Collection policy: ordered stages by days past due and the actions each
//! stage creates. The daily run places every case in its stage with
//! [`Policy::stage_for`] and records the path with [`Policy::transition`].

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::dates::days_past_due;

/// An action that entering a stage requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageAction {
    /// A reminder by the customer's preferred channel (email or letter).
    Reminder,
    ReminderEmail,
    ReminderSms,
    ReminderLetter,
    CallTask,
    VisitTask,
    FormalNotice,
    /// Suggests a credit hold: no new credit sales to the customer.
    CreditHold,
    /// Marks the case as a problem case (cartera problema).
    ProblemCase,
    DemandLetterDraft,
    LegalTransferProposal,
}

impl StageAction {
    pub const ALL: [StageAction; 11] = [
        StageAction::Reminder,
        StageAction::ReminderEmail,
        StageAction::ReminderSms,
        StageAction::ReminderLetter,
        StageAction::CallTask,
        StageAction::VisitTask,
        StageAction::FormalNotice,
        StageAction::CreditHold,
        StageAction::ProblemCase,
        StageAction::DemandLetterDraft,
        StageAction::LegalTransferProposal,
    ];

    pub fn code(&self) -> &'static str {
        match self {
            StageAction::Reminder => "reminder",
            StageAction::ReminderEmail => "reminder_email",
            StageAction::ReminderSms => "reminder_sms",
            StageAction::ReminderLetter => "reminder_letter",
            StageAction::CallTask => "call_task",
            StageAction::VisitTask => "visit_task",
            StageAction::FormalNotice => "formal_notice",
            StageAction::CreditHold => "credit_hold",
            StageAction::ProblemCase => "problem_case",
            StageAction::DemandLetterDraft => "demand_letter_draft",
            StageAction::LegalTransferProposal => "legal_transfer_proposal",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|action| action.code() == code)
    }
}

impl fmt::Display for StageAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The role that carries out a stage's tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Owner {
    /// The customer's assigned collector.
    #[default]
    Collector,
    Manager,
    Legal,
}

impl Owner {
    pub fn code(&self) -> &'static str {
        match self {
            Owner::Collector => "collector",
            Owner::Manager => "manager",
            Owner::Legal => "legal",
        }
    }
}

/// One stage: a case belongs to it from `min_days_past_due` until a later
/// stage applies. `segment` and `min_balance_minor`, when set, limit the
/// stage to the customers of that segment and to balances of at least that
/// amount in minor units of the portfolio's currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageRule {
    pub code: String,
    pub min_days_past_due: i64,
    pub segment: Option<String>,
    pub min_balance_minor: Option<i64>,
    pub actions: Vec<StageAction>,
    pub owner: Owner,
}

impl StageRule {
    /// Checks whether the stage's segment and balance limits admit a case.
    fn admits(&self, segment: Option<&str>, balance_minor: i64) -> bool {
        let segment_ok = self.segment.as_deref().is_none_or(|wanted| segment == Some(wanted));
        let balance_ok = self.min_balance_minor.is_none_or(|minimum| balance_minor >= minimum);
        segment_ok && balance_ok
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub stages: Vec<StageRule>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("a policy needs at least one stage")]
    NoStages,
    #[error("stage {code:?} starts at {min} days past due; stages must start at 1 or more days")]
    StartsTooEarly { code: String, min: i64 },
    #[error("stage {later:?} starts before stage {earlier:?}: list the stages by increasing days past due")]
    NotIncreasing { earlier: String, later: String },
    #[error("stage code {0:?} appears twice")]
    DuplicateCode(String),
    #[error("stage {code:?} has a negative minimum balance")]
    NegativeBalance { code: String },
    #[error("stage {0:?} lists no actions")]
    NoActions(String),
}

impl Default for Policy {
    /// The default policy: reminders from the first day past due, a formal
    /// notice from 61 days, a problem case at 90 or more days and a judicial
    /// transfer candidate at more than 120 days.
    fn default() -> Self {
        let stage = |code: &str, min_days_past_due: i64, actions: &[StageAction], owner: Owner| StageRule {
            code: code.to_string(),
            min_days_past_due,
            segment: None,
            min_balance_minor: None,
            actions: actions.to_vec(),
            owner,
        };
        Self {
            stages: vec![
                stage("reminder", 1, &[StageAction::Reminder], Owner::Collector),
                stage("second_reminder", 31, &[StageAction::Reminder, StageAction::CallTask], Owner::Collector),
                stage("formal_notice", 61, &[StageAction::FormalNotice, StageAction::CallTask], Owner::Collector),
                stage("problem_case", 90, &[StageAction::ProblemCase, StageAction::CallTask], Owner::Collector),
                stage(
                    "judicial_candidate",
                    121,
                    &[StageAction::DemandLetterDraft, StageAction::LegalTransferProposal],
                    Owner::Manager,
                ),
            ],
        }
    }
}

/// One step of a case's stage path: the stage entered and whether the case
/// passed it without acting, because it went past the stage between runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StageStep {
    pub stage_index: usize,
    pub skipped: bool,
}

/// The facts of a customer that the policy uses on the as-of date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseStanding<'a> {
    /// Due date of the oldest unpaid document that is not disputed.
    pub oldest_due_date: Option<NaiveDate>,
    /// Net ledger balance: open documents less unapplied cash and credits.
    pub balance_minor: i64,
    pub segment: Option<&'a str>,
}

impl Policy {
    pub fn validate(&self) -> Result<(), PolicyError> {
        let first = self.stages.first().ok_or(PolicyError::NoStages)?;
        if first.min_days_past_due < 1 {
            return Err(PolicyError::StartsTooEarly { code: first.code.clone(), min: first.min_days_past_due });
        }
        for pair in self.stages.windows(2) {
            if pair[0].min_days_past_due > pair[1].min_days_past_due {
                return Err(PolicyError::NotIncreasing { earlier: pair[0].code.clone(), later: pair[1].code.clone() });
            }
        }
        for (index, stage) in self.stages.iter().enumerate() {
            if self.stages[..index].iter().any(|earlier| earlier.code == stage.code) {
                return Err(PolicyError::DuplicateCode(stage.code.clone()));
            }
            if stage.min_balance_minor.is_some_and(|minimum| minimum < 0) {
                return Err(PolicyError::NegativeBalance { code: stage.code.clone() });
            }
            if stage.actions.is_empty() {
                return Err(PolicyError::NoActions(stage.code.clone()));
            }
        }
        Ok(())
    }

    pub fn stage_index(&self, code: &str) -> Option<usize> {
        self.stages.iter().position(|stage| stage.code == code)
    }

    /// Finds the stage of a case `days` past due in `segment` with
    /// `balance_minor`. It is the last stage, in policy order, whose threshold
    /// the case reached and whose limits admit it, or `None` when none does.
    pub fn stage_for(&self, days: i64, segment: Option<&str>, balance_minor: i64) -> Option<usize> {
        self.stages.iter().rposition(|stage| stage.min_days_past_due <= days && stage.admits(segment, balance_minor))
    }

    /// Finds the stage of a customer on `as_of`, measured on its oldest unpaid,
    /// undisputed due date, and none when its net balance is zero or less.
    pub fn evaluate(&self, as_of: NaiveDate, standing: CaseStanding<'_>) -> Option<usize> {
        if standing.balance_minor <= 0 {
            return None;
        }
        let oldest_due_date = standing.oldest_due_date?;
        self.stage_for(days_past_due(as_of, oldest_due_date), standing.segment, standing.balance_minor)
    }

    /// Minimum days past due of a problem case: the first stage that marks
    /// one, or 90 when no stage does.
    pub fn problem_case_min_days(&self) -> i64 {
        self.first_stage_with(StageAction::ProblemCase).unwrap_or(90)
    }

    /// Minimum days past due of a judicial transfer candidate: the first
    /// stage that proposes a transfer, or 121 when no stage does.
    pub fn legal_candidate_min_days(&self) -> i64 {
        self.first_stage_with(StageAction::LegalTransferProposal).unwrap_or(121)
    }

    fn first_stage_with(&self, action: StageAction) -> Option<i64> {
        self.stages.iter().find(|stage| stage.actions.contains(&action)).map(|stage| stage.min_days_past_due)
    }

    /// Lists the steps that move a case from stage `from` to stage `to`. Moving up,
    /// every stage in between that admits the case (by segment and balance)
    /// is recorded as skipped, so no stage is missing from the record, and
    /// only `to` acts. Moving down (the oldest document was paid) enters
    /// `to` directly. Staying or closing adds no step.
    pub fn transition(&self, from: Option<usize>, to: Option<usize>, segment: Option<&str>, balance_minor: i64) -> Vec<StageStep> {
        let Some(to) = to else { return Vec::new() };
        match from {
            Some(from) if from == to => Vec::new(),
            Some(from) if from > to => vec![StageStep { stage_index: to, skipped: false }],
            _ => {
                let first = from.map_or(0, |from| from + 1);
                (first..=to)
                    .filter(|&index| index == to || self.stages[index].admits(segment, balance_minor))
                    .map(|stage_index| StageStep { stage_index, skipped: stage_index < to })
                    .collect()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        crate::dates::parse_iso_date(text).unwrap()
    }

    #[test]
    fn default_policy_is_valid() {
        let policy = Policy::default();
        policy.validate().unwrap();
        assert_eq!(policy.problem_case_min_days(), 90);
        assert_eq!(policy.legal_candidate_min_days(), 121);
    }

    /// Days past due and the stage code the default policy gives.
    #[test]
    fn default_stage_edges() {
        let policy = Policy::default();
        let table = [
            (0, None),
            (1, Some("reminder")),
            (30, Some("reminder")),
            (31, Some("second_reminder")),
            (60, Some("second_reminder")),
            (61, Some("formal_notice")),
            (89, Some("formal_notice")),
            (90, Some("problem_case")),
            (120, Some("problem_case")),
            (121, Some("judicial_candidate")),
        ];
        for (days, expected) in table {
            let stage = policy.stage_for(days, None, 100).map(|index| policy.stages[index].code.as_str());
            assert_eq!(stage, expected, "{days} days past due");
        }
    }

    #[test]
    fn zero_balance_has_no_stage() {
        let policy = Policy::default();
        let standing = CaseStanding { oldest_due_date: Some(date("2024-01-01")), balance_minor: 0, segment: None };
        assert_eq!(policy.evaluate(date("2024-06-01"), standing), None);
    }

    #[test]
    fn jump_records_skipped_stages() {
        let policy = Policy::default();
        let steps = policy.transition(None, Some(4), None, 100);
        let skipped: Vec<bool> = steps.iter().map(|step| step.skipped).collect();
        assert_eq!(steps.len(), 5);
        assert_eq!(skipped, [true, true, true, true, false]);

        let steps = policy.transition(Some(1), Some(3), None, 100);
        assert_eq!(steps, [StageStep { stage_index: 2, skipped: true }, StageStep { stage_index: 3, skipped: false }]);
    }

    #[test]
    fn moving_down_or_staying() {
        let policy = Policy::default();
        assert_eq!(policy.transition(Some(3), Some(1), None, 100), [StageStep { stage_index: 1, skipped: false }]);
        assert!(policy.transition(Some(2), Some(2), None, 100).is_empty());
        assert!(policy.transition(Some(2), None, None, 100).is_empty());
    }

    /// A segment-specific stage and a minimum balance: the later stage in
    /// policy order wins when it admits the case.
    #[test]
    fn segment_and_balance_limits() {
        let mut policy = Policy::default();
        let visit = StageRule {
            code: "enterprise_visit".into(),
            min_days_past_due: 61,
            segment: Some("ENTERPRISE".into()),
            min_balance_minor: Some(1_000_000),
            actions: vec![StageAction::VisitTask],
            owner: Owner::Manager,
        };
        policy.stages.insert(3, visit);
        policy.validate().unwrap();

        let code = |days, segment, balance| policy.stage_for(days, segment, balance).map(|index| policy.stages[index].code.clone());
        assert_eq!(code(70, Some("ENTERPRISE"), 2_000_000).as_deref(), Some("enterprise_visit"));
        assert_eq!(code(70, Some("ENTERPRISE"), 500), Some("formal_notice".into()));
        assert_eq!(code(70, Some("SMB"), 2_000_000), Some("formal_notice".into()));
        assert_eq!(code(95, Some("ENTERPRISE"), 2_000_000), Some("problem_case".into()));

        let smb_path: Vec<usize> = policy.transition(None, Some(4), Some("SMB"), 100).iter().map(|step| step.stage_index).collect();
        assert_eq!(smb_path, [0, 1, 2, 4], "the enterprise stage is not on an SMB case's path");
    }

    #[test]
    fn invalid_policies_rejected() {
        let mut policy = Policy::default();
        policy.stages[1].min_days_past_due = 0;
        assert!(matches!(policy.validate(), Err(PolicyError::NotIncreasing { .. })));
        assert_eq!(Policy { stages: vec![] }.validate(), Err(PolicyError::NoStages));
    }
}
