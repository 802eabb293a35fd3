//! Aging: open balances by days-past-due bucket, with a separate column for
//! unapplied cash and unused credit, so that buckets plus unapplied equal the
//! ledger balance.

use chrono::NaiveDate;

use crate::dates::days_past_due;

/// Bucket edges by days past due. Each entry of `upper_bounds` is the
/// inclusive upper bound of one bucket; one more open-ended bucket follows.
/// The standard edges `[0, 30, 60, 90, 120]` give current, 1-30, 31-60,
/// 61-90, 91-120 and 121+.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgingBuckets {
    upper_bounds: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BucketError {
    #[error("bucket upper bounds must be strictly increasing, got {0:?}")]
    NotIncreasing(Vec<i64>),
    #[error("the first bucket upper bound must be 0 or more, got {0}")]
    NegativeFirst(i64),
}

impl Default for AgingBuckets {
    fn default() -> Self {
        Self { upper_bounds: vec![0, 30, 60, 90, 120] }
    }
}

impl AgingBuckets {
    pub fn new(upper_bounds: Vec<i64>) -> Result<Self, BucketError> {
        if upper_bounds.windows(2).any(|pair| pair[0] >= pair[1]) {
            return Err(BucketError::NotIncreasing(upper_bounds));
        }
        if let Some(&first) = upper_bounds.first()
            && first < 0
        {
            return Err(BucketError::NegativeFirst(first));
        }
        Ok(Self { upper_bounds })
    }

    pub fn len(&self) -> usize {
        self.upper_bounds.len() + 1
    }

    pub fn is_empty(&self) -> bool {
        false
    }

    /// Index of the bucket that holds an item `days` past due.
    pub fn index_for(&self, days: i64) -> usize {
        self.upper_bounds.partition_point(|&upper| upper < days)
    }

    /// Labels such as `current`, `1-30` and `121+`. The first bucket is
    /// `current` when its upper bound is 0.
    pub fn labels(&self) -> Vec<String> {
        let mut labels = Vec::with_capacity(self.len());
        let mut lower = i64::MIN;
        for &upper in &self.upper_bounds {
            let label = match lower {
                i64::MIN if upper == 0 => "current".to_string(),
                i64::MIN => format!("0-{upper}"),
                _ => format!("{lower}-{upper}"),
            };
            labels.push(label);
            lower = upper + 1;
        }
        let last_lower = self.upper_bounds.last().map_or(0, |upper| upper + 1);
        labels.push(format!("{last_lower}+"));
        labels
    }
}

/// One open item on the as-of date. A positive `open_minor` is owed by the
/// customer and goes to its bucket; a negative one (unapplied cash, an unused
/// credit note, a credit balance) goes to the unapplied column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenItem {
    pub due_date: NaiveDate,
    pub open_minor: i64,
    /// An open dispute covers the item: it still shows in aging, but does not
    /// count towards the case's stage.
    pub disputed: bool,
}

/// Totals of one aging line (a customer, a segment, a whole portfolio) in one
/// currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgingLine {
    pub bucket_minor: Vec<i64>,
    pub bucket_count: Vec<u64>,
    pub unapplied_minor: i64,
}

impl AgingLine {
    pub fn new(buckets: &AgingBuckets) -> Self {
        Self { bucket_minor: vec![0; buckets.len()], bucket_count: vec![0; buckets.len()], unapplied_minor: 0 }
    }

    /// Adds a receivable `open_minor` due on `due_date`, or a credit when
    /// negative. Zero balances are ignored.
    pub fn add(&mut self, buckets: &AgingBuckets, as_of: NaiveDate, item: OpenItem) {
        if item.open_minor > 0 {
            let index = buckets.index_for(days_past_due(as_of, item.due_date));
            self.bucket_minor[index] += item.open_minor;
            self.bucket_count[index] += 1;
        } else {
            self.unapplied_minor += item.open_minor;
        }
    }

    /// Adds an unapplied amount (a credit is negative).
    pub fn add_unapplied(&mut self, amount_minor: i64) {
        self.unapplied_minor += amount_minor;
    }

    pub fn merge(&mut self, other: &AgingLine) {
        for (total, amount) in self.bucket_minor.iter_mut().zip(&other.bucket_minor) {
            *total += amount;
        }
        for (total, count) in self.bucket_count.iter_mut().zip(&other.bucket_count) {
            *total += count;
        }
        self.unapplied_minor += other.unapplied_minor;
    }

    /// Buckets plus unapplied: the ledger balance of the line.
    pub fn total_minor(&self) -> i64 {
        self.bucket_minor.iter().sum::<i64>() + self.unapplied_minor
    }

    /// Everything owed past its due date (all buckets but the first).
    pub fn overdue_minor(&self) -> i64 {
        self.bucket_minor.iter().skip(1).sum()
    }

    pub fn open_count(&self) -> u64 {
        self.bucket_count.iter().sum()
    }
}

/// A customer's position on the as-of date in one currency: its aging line,
/// and what the policy measures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub aging: AgingLine,
    /// Due date of the oldest open receivable that is not disputed.
    pub oldest_due_date: Option<NaiveDate>,
    pub disputed_minor: i64,
}

impl Standing {
    pub fn new(buckets: &AgingBuckets) -> Self {
        Self { aging: AgingLine::new(buckets), oldest_due_date: None, disputed_minor: 0 }
    }

    pub fn add(&mut self, buckets: &AgingBuckets, as_of: NaiveDate, item: OpenItem) {
        self.aging.add(buckets, as_of, item);
        if item.open_minor <= 0 {
            return;
        }
        if item.disputed {
            self.disputed_minor += item.open_minor;
        } else if self.oldest_due_date.is_none_or(|oldest| item.due_date < oldest) {
            self.oldest_due_date = Some(item.due_date);
        }
    }

    /// Days past due of the oldest undisputed open receivable, or 0.
    pub fn days_past_due(&self, as_of: NaiveDate) -> i64 {
        self.oldest_due_date.map_or(0, |due_date| days_past_due(as_of, due_date).max(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(text: &str) -> NaiveDate {
        crate::dates::parse_iso_date(text).unwrap()
    }

    #[test]
    fn standard_bucket_edges() {
        let buckets = AgingBuckets::default();
        let cases = [(-5, 0), (0, 0), (1, 1), (30, 1), (31, 2), (60, 2), (61, 3), (90, 3), (91, 4), (120, 4), (121, 5), (999, 5)];
        for (days, expected) in cases {
            assert_eq!(buckets.index_for(days), expected, "{days} days past due");
        }
    }

    #[test]
    fn standard_labels() {
        assert_eq!(AgingBuckets::default().labels(), ["current", "1-30", "31-60", "61-90", "91-120", "121+"]);
    }

    #[test]
    fn custom_buckets_validated() {
        assert!(AgingBuckets::new(vec![0, 30, 30]).is_err());
        assert!(AgingBuckets::new(vec![-1, 30]).is_err());
        assert_eq!(AgingBuckets::new(vec![15, 45]).unwrap().labels(), ["0-15", "16-45", "46+"]);
    }

    #[test]
    fn credits_go_to_unapplied() {
        let buckets = AgingBuckets::default();
        let mut line = AgingLine::new(&buckets);
        line.add(&buckets, date("2024-05-01"), OpenItem { due_date: date("2024-01-01"), open_minor: 10_000, disputed: false });
        line.add(&buckets, date("2024-05-01"), OpenItem { due_date: date("2024-04-30"), open_minor: -2_500, disputed: false });
        assert_eq!(line.bucket_minor, [0, 0, 0, 0, 0, 10_000]);
        assert_eq!(line.unapplied_minor, -2_500);
        assert_eq!(line.total_minor(), 7_500);
        assert_eq!(line.open_count(), 1);
    }

    #[test]
    fn standing_ignores_disputed_for_oldest_due() {
        let buckets = AgingBuckets::default();
        let as_of = date("2024-05-01");
        let mut standing = Standing::new(&buckets);
        standing.add(&buckets, as_of, OpenItem { due_date: date("2024-01-01"), open_minor: 500, disputed: true });
        standing.add(&buckets, as_of, OpenItem { due_date: date("2024-03-01"), open_minor: 700, disputed: false });
        standing.add(&buckets, as_of, OpenItem { due_date: date("2023-01-01"), open_minor: -100, disputed: false });
        assert_eq!(standing.oldest_due_date, Some(date("2024-03-01")));
        assert_eq!(standing.disputed_minor, 500);
        assert_eq!(standing.days_past_due(as_of), 61);
        assert_eq!(standing.aging.total_minor(), 1_100);
    }

    /// The reference model: a plain chain of comparisons written from the
    /// bucket definition, not from `index_for`.
    fn naive_bucket(days: i64) -> usize {
        if days <= 0 {
            0
        } else if days <= 30 {
            1
        } else if days <= 60 {
            2
        } else if days <= 90 {
            3
        } else if days <= 120 {
            4
        } else {
            5
        }
    }

    proptest! {
        #[test]
        fn aging_matches_naive_model(
            items in prop::collection::vec((-400i64..400, -1_000_000i64..1_000_000), 0..60),
        ) {
            let as_of = date("2024-06-30");
            let buckets = AgingBuckets::default();
            let mut line = AgingLine::new(&buckets);
            let mut expected = [0i64; 6];
            let mut expected_unapplied = 0i64;
            let mut ledger = 0i64;

            for &(offset, amount) in &items {
                let due_date = as_of - chrono::Duration::days(offset);
                line.add(&buckets, as_of, OpenItem { due_date, open_minor: amount, disputed: false });
                ledger += amount;
                if amount > 0 {
                    expected[naive_bucket(offset)] += amount;
                } else {
                    expected_unapplied += amount;
                }
            }

            prop_assert_eq!(&line.bucket_minor[..], &expected[..]);
            prop_assert_eq!(line.unapplied_minor, expected_unapplied);
            prop_assert_eq!(line.total_minor(), ledger);
        }
    }
}
