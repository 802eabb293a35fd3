//! Allocation of a payment to open documents.

use chrono::NaiveDate;

/// A document that can receive an allocation, identified by the caller's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenDocument<K> {
    pub key: K,
    pub due_date: NaiveDate,
    pub open_minor: i64,
}

/// The outcome of an allocation: the amount applied to each document, in
/// the order applied, and what remains unapplied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllocationPlan<K> {
    pub allocations: Vec<(K, i64)>,
    pub unapplied_minor: i64,
}

/// Applies `amount_minor` to the oldest due documents first (ties by the
/// order given), never more than a document's open balance. The caller's
/// `documents` are updated to their new open balances.
///
/// Example: 150.00 against A (due 1 March, 100.00 open) and B (due 1 April,
/// 80.00 open) applies 100.00 to A and 50.00 to B, with nothing unapplied.
pub fn allocate_oldest_first<K: Copy>(amount_minor: i64, documents: &mut [OpenDocument<K>]) -> AllocationPlan<K> {
    assert!(amount_minor >= 0, "a payment to allocate cannot be negative");
    documents.sort_by_key(|document| document.due_date);

    let mut remaining = amount_minor;
    let mut allocations = Vec::new();
    for document in documents.iter_mut() {
        if remaining == 0 {
            break;
        }
        if document.open_minor <= 0 {
            continue;
        }
        let applied = remaining.min(document.open_minor);
        document.open_minor -= applied;
        remaining -= applied;
        allocations.push((document.key, applied));
    }

    AllocationPlan { allocations, unapplied_minor: remaining }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(text: &str) -> NaiveDate {
        crate::dates::parse_iso_date(text).unwrap()
    }

    #[test]
    fn oldest_first_example() {
        let mut documents = [
            OpenDocument { key: 'B', due_date: date("2024-04-01"), open_minor: 8_000 },
            OpenDocument { key: 'A', due_date: date("2024-03-01"), open_minor: 10_000 },
        ];
        let plan = allocate_oldest_first(15_000, &mut documents);
        assert_eq!(plan.allocations, [('A', 10_000), ('B', 5_000)]);
        assert_eq!(plan.unapplied_minor, 0);
    }

    #[test]
    fn overpayment_leaves_unapplied() {
        let mut documents = [OpenDocument { key: 1, due_date: date("2024-03-01"), open_minor: 1_000 }];
        let plan = allocate_oldest_first(1_500, &mut documents);
        assert_eq!(plan.allocations, [(1, 1_000)]);
        assert_eq!(plan.unapplied_minor, 500);
        assert_eq!(documents[0].open_minor, 0);
    }

    /// Reference model: pay one cent at a time to the open document with the
    /// earliest due date.
    fn naive_allocate(amount: i64, mut documents: Vec<(usize, i64, i64)>) -> (Vec<i64>, i64) {
        let mut applied = vec![0; documents.len()];
        let mut remaining = amount;
        while remaining > 0 {
            let next = documents
                .iter_mut()
                .filter(|(_, _, open)| *open > 0)
                .min_by_key(|(index, due_offset, _)| (*due_offset, *index));
            let Some((index, _, open)) = next else { break };
            *open -= 1;
            applied[*index] += 1;
            remaining -= 1;
        }
        (applied, remaining)
    }

    proptest! {
        #[test]
        fn allocation_matches_cent_by_cent_model(
            amount in 0i64..3_000,
            documents in prop::collection::vec((0i64..50, -100i64..1_000), 0..8),
        ) {
            let base = date("2024-01-01");
            let mut open: Vec<OpenDocument<usize>> = documents
                .iter()
                .enumerate()
                .map(|(index, &(due_offset, open_minor))| OpenDocument {
                    key: index,
                    due_date: base + chrono::Duration::days(due_offset),
                    open_minor,
                })
                .collect();
            let model_input = documents.iter().enumerate().map(|(index, &(due, open))| (index, due, open)).collect();
            let (expected, expected_unapplied) = naive_allocate(amount, model_input);

            let plan = allocate_oldest_first(amount, &mut open);

            let mut applied = vec![0i64; documents.len()];
            for (key, value) in &plan.allocations {
                prop_assert!(*value > 0);
                applied[*key] += value;
            }
            prop_assert_eq!(applied, expected);
            prop_assert_eq!(plan.unapplied_minor, expected_unapplied);
        }
    }
}
