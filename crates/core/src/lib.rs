//! The domain core of Recobro: money, civil dates, aging, allocation of
//! payments and collection policy stages. Pure functions and values only:
//! no I/O, no async, no database types.

pub mod aging;
pub mod allocation;
pub mod application;
pub mod assignment;
pub mod customer_file;
pub mod dates;
pub mod interest;
pub mod legal;
pub mod locale;
pub mod money;
pub mod number;
pub mod plan;
pub mod policy;
pub mod priority;
pub mod promise;
pub mod settlement;
pub mod status;

pub use aging::{AgingBuckets, AgingLine, OpenItem, Standing};
pub use dates::{days_past_due, parse_iso_date};
pub use money::{Currency, CurrencyError, Money};
pub use policy::{Owner, Policy, StageAction, StageRule};
