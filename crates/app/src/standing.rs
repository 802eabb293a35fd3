//! Every customer's position on an as-of date, read from the store and
//! aged by the core. The daily run and the reports share it.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use recobro_core::{AgingBuckets, Currency, OpenItem, Standing};
use recobro_store::reports::{self, CustomerInfo};
use recobro_store::{Conn, StoreError};

/// Standings of a portfolio by customer id and currency.
pub struct PortfolioStandings {
    pub as_of: NaiveDate,
    pub buckets: AgingBuckets,
    pub customers: BTreeMap<i64, CustomerInfo>,
    pub standings: BTreeMap<(i64, Currency), Standing>,
    pub open_items: usize,
}

pub async fn load(conn: &mut Conn, portfolio_id: i64, as_of: NaiveDate) -> Result<PortfolioStandings, StoreError> {
    let mut standings = load_balances(conn, portfolio_id, as_of).await?;
    standings.customers = reports::customer_infos(conn, portfolio_id).await?.into_iter().map(|info| (info.id, info)).collect();
    Ok(standings)
}

/// Loads the standings as [`load`] does, without the customers' master
/// data, for totals that need only the balances.
pub async fn load_balances(conn: &mut Conn, portfolio_id: i64, as_of: NaiveDate) -> Result<PortfolioStandings, StoreError> {
    let buckets = AgingBuckets::default();
    let items = reports::open_items_as_of(conn, portfolio_id, as_of).await?;

    let mut standings: BTreeMap<(i64, Currency), Standing> = BTreeMap::new();
    for item in &items {
        let standing = standings.entry((item.customer_id, item.currency)).or_insert_with(|| Standing::new(&buckets));
        // A snapshot account that was not past due has no due date: it is
        // current on every date.
        let due_date = item.due_date.unwrap_or(as_of);
        standing.add(&buckets, as_of, OpenItem { due_date, open_minor: item.open_minor, disputed: item.disputed });
    }

    Ok(PortfolioStandings { as_of, buckets, customers: BTreeMap::new(), standings, open_items: items.len() })
}

impl PortfolioStandings {
    /// The standing a customer's collection case follows: the one in the
    /// currency with the oldest undisputed due date.
    // NOTE: a customer owing in several currencies gets one case, measured
    // on its most overdue currency; the other currencies show in aging only.
    pub fn case_standings(&self) -> BTreeMap<i64, (Currency, &Standing)> {
        let mut chosen: BTreeMap<i64, (Currency, &Standing)> = BTreeMap::new();
        for ((customer_id, currency), standing) in &self.standings {
            let replace = match chosen.get(customer_id) {
                None => true,
                Some((_, current)) => match (standing.oldest_due_date, current.oldest_due_date) {
                    (Some(candidate), Some(existing)) => candidate < existing,
                    (Some(_), None) => true,
                    _ => false,
                },
            };
            if replace {
                chosen.insert(*customer_id, (*currency, standing));
            }
        }
        chosen
    }
}
