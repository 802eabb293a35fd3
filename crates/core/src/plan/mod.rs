//! Payment plans (convenio de pago): the installment schedule of a
//! refinanced balance, the approval limits a plan is checked against, and
//! the tracking of installments against the payments received.
//!
//! Amounts are `i64` minor units of the plan's currency. Rates are
//! `Decimal` percents a year. Interest is rounded to minor units, with the
//! rounding strategy of the plan's terms, at two points: the plan's total
//! interest, and for French plans the cumulative interest after each
//! installment. [`build_schedule`] describes where the cents go.

mod limits;
mod schedule;
mod tracking;

pub use limits::{LimitBreach, PlanLimits};
pub use schedule::{
    DEFAULT_ROUNDING, Frequency, Installment, InterestMethod, MAX_ANNUAL_RATE_PERCENT, MAX_INSTALLMENTS, PlanError, PlanSchedule, PlanTerms, build_schedule,
};
pub use tracking::{InstallmentState, InstallmentStatus, PlanBreak, PlanEvaluation, PlanStatus, evaluate_plan};
