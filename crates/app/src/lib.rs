//! Recobro's use cases: import, the daily run, reports and exports. Each
//! combines the pure core with the store.

pub mod bench;
pub mod files;
pub mod health;
pub mod import;
pub mod legal;
pub mod letters;
pub mod negotiation;
pub mod output;
pub mod policy;
pub mod printing;
pub mod reminders;
pub mod reports;
pub mod run;
pub mod standing;
pub mod statement;
pub mod status;
pub mod team;
