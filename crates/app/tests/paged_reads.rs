//! The ledger reads that the import and the daily run use come in pages of
//! 50,000 rows in id order. Customers of two portfolios, inserted in turns,
//! are each read whole and once, in id order, across page boundaries.

mod common;

use common::{create_portfolio, open_store};
use recobro_store::ledger::{self, CustomerData};

/// More than one page of the packed reads.
const CUSTOMERS_EACH: usize = 60_001;
const TURN: usize = 1_000;

fn customer(prefix: &str, number: usize) -> CustomerData {
    CustomerData {
        external_ref: format!("{prefix}-{number:06}"),
        name: format!("Customer {prefix} {number}"),
        currency: "EUR".to_string(),
        status: "active".to_string(),
        ..CustomerData::default()
    }
}

async fn paged_reads_across_portfolios(url: String) {
    let store = open_store(&url).await;
    let north = create_portfolio(&store, "north", "EUR").await;
    let south = create_portfolio(&store, "south", "EUR").await;

    let mut conn = store.acquire().await.unwrap();
    for start in (0..CUSTOMERS_EACH).step_by(TURN) {
        let end = (start + TURN).min(CUSTOMERS_EACH);
        let batch = |prefix: &str| (start..end).map(|number| customer(prefix, number)).collect::<Vec<_>>();
        ledger::insert_customers(&mut conn, north, &batch("N")).await.unwrap();
        ledger::insert_customers(&mut conn, south, &batch("S")).await.unwrap();
    }

    let loaded = ledger::load_customers(&mut conn, north).await.unwrap();
    assert_eq!(loaded.len(), CUSTOMERS_EACH);
    assert!(loaded.windows(2).all(|pair| pair[0].0 < pair[1].0), "the customers are not in id order");
    assert!(loaded.iter().all(|(_, data)| data.external_ref.starts_with("N-")), "a customer of another portfolio was read");
    assert_eq!(loaded[0].1.external_ref, "N-000000");
    assert_eq!(loaded[CUSTOMERS_EACH - 1].1.external_ref, format!("N-{:06}", CUSTOMERS_EACH - 1));

    let ids = ledger::customer_id_list(&mut conn, south).await.unwrap();
    assert_eq!(ids.len(), CUSTOMERS_EACH);
    let by_reference = ledger::customer_ids(&mut conn, south).await.unwrap();
    assert_eq!(by_reference.len(), CUSTOMERS_EACH);
    assert!(by_reference.keys().all(|reference| reference.starts_with("S-")), "a customer of another portfolio was read");
}

test_on_each_engine!(paged_reads, paged_reads_across_portfolios);
