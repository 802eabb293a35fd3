//! Recobro's use cases: import, the daily run, reports and exports. Each
//! combines the pure core with the store.

pub mod bench;
pub mod import;
pub mod negotiation;
pub mod output;
pub mod policy;
pub mod reminders;
pub mod reports;
pub mod run;
pub mod standing;
pub mod statement;
pub mod status;
pub mod team;
