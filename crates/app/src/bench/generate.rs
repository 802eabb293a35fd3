//! A deterministic synthetic portfolio for the benchmark: customers,
//! invoices and payments as three CSV files.
//!
//! The files have these columns (UTF-8, comma separated, one header line,
//! no field contains a comma):
//!
//! - `customers.csv`: `customer_id,name,segment,credit_limit,currency`, with
//!   ids `C` and 7 digits, segments SMB, MIDMARKET, ENTERPRISE or PUBLIC,
//!   and currency EUR, USD or GBP (all of a customer's invoices use it).
//! - `invoices.csv`: `invoice_id,customer_id,issue_date,due_date,amount,currency`,
//!   with ids `I` and 9 digits that increase with the issue date. Issue
//!   dates are uniform over the 730 days before the as-of date, and the due
//!   date adds the customer's terms (14, 30, 45 or 60 days).
//! - `payments.csv`: `payment_id,customer_id,invoice_id,paid_on,amount`, with
//!   ids `P` and 9 digits. An empty `invoice_id` is cash on account. No
//!   payment is dated after the as-of date, and the payments of an invoice
//!   never exceed its amount.
//!
//! Customer sizes follow a Pareto law (alpha 1.16, capped at 3000), so a
//! few customers hold many invoices. Each customer pays well (75%), slowly
//! (18%) or badly (7%), which decides per invoice whether it was paid on
//! time, late, in part or not at all. About 2% of invoices come with a
//! payment on account. The same arguments and seed give the same bytes.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use chrono::{Days, NaiveDate};

/// Days before the as-of date over which invoices are issued.
const ISSUE_DAYS: u64 = 730;

/// The size, date and seed of a generated portfolio.
#[derive(Debug, Clone, Copy)]
pub struct GenerateOptions {
    pub customers: usize,
    pub invoices: usize,
    pub as_of: NaiveDate,
    pub seed: u64,
}

/// Row counts of the generated files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Generated {
    pub customers: usize,
    pub invoices: usize,
    pub payments: usize,
}

/// The xoshiro256** generator (Blackman and Vigna), seeded through
/// SplitMix64: small, fast and the same on every platform and version.
struct Rng([u64; 4]);

impl Rng {
    fn new(seed: u64) -> Self {
        let mut state = seed;
        let mut next = || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        Self([next(), next(), next(), next()])
    }

    fn next_u64(&mut self) -> u64 {
        let s = &mut self.0;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Returns a uniform float in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Returns a uniform integer in [low, high).
    fn range(&mut self, low: i64, high: i64) -> i64 {
        let span = (high - low) as u64;
        low + ((u128::from(self.next_u64()) * u128::from(span)) >> 64) as i64
    }

    fn pareto(&mut self, alpha: f64) -> f64 {
        (1.0 - self.unit()).powf(-1.0 / alpha)
    }

    /// Returns a normal variate by the Box-Muller transform.
    fn normal(&mut self, mean: f64, deviation: f64) -> f64 {
        let u1 = 1.0 - self.unit();
        let u2 = self.unit();
        mean + deviation * (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    fn lognormal(&mut self, mu: f64, sigma: f64) -> f64 {
        self.normal(mu, sigma).exp()
    }

    fn exponential(&mut self, rate: f64) -> f64 {
        -(1.0 - self.unit()).ln() / rate
    }
}

struct Customer {
    class: usize,
    terms: i64,
    currency: &'static str,
    /// Natural logarithm of the typical invoice amount in cents.
    mu: f64,
}

/// Writes customers.csv, invoices.csv and payments.csv into `folder`.
pub fn generate(folder: &Path, options: GenerateOptions, progress: &indicatif::ProgressBar) -> std::io::Result<Generated> {
    std::fs::create_dir_all(folder)?;
    let mut rng = Rng::new(options.seed);
    let (customers, weights) = write_customers(&folder.join("customers.csv"), options.customers, &mut rng)?;
    let payments = write_invoices_and_payments(folder, options, &customers, &weights, &mut rng, progress)?;
    Ok(Generated { customers: options.customers, invoices: options.invoices, payments })
}

fn write_customers(path: &Path, count: usize, rng: &mut Rng) -> std::io::Result<(Vec<Customer>, Vec<f64>)> {
    const FIRST: [&str; 20] = [
        "Acme", "Nordic", "Alpine", "Blue", "Delta", "Iberia", "Rhein", "Atlas", "Vega", "Orion", "Baltic", "Helix", "Summit", "Cedar", "Pioneer",
        "Quantum", "Silver", "Harbor", "Falcon", "Terra",
    ];
    const SECOND: [&str; 16] =
        ["Logistics", "Foods", "Metal", "Retail", "Pharma", "Textiles", "Energy", "Motors", "Systems", "Farms", "Builders", "Media", "Paper", "Chemicals", "Clinics", "Tools"];
    const SUFFIX: [&str; 10] = ["GmbH", "SL", "SA", "Ltd", "Inc", "BV", "SARL", "AB", "Oy", "SpA"];

    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    writeln!(out, "customer_id,name,segment,credit_limit,currency")?;
    let mut customers = Vec::with_capacity(count);
    let mut weights = Vec::with_capacity(count);
    for index in 0..count {
        let weight = rng.pareto(1.16).min(3000.0);
        let u = rng.unit();
        let class = if u < 0.75 { 0 } else if u < 0.93 { 1 } else { 2 };
        let u = rng.unit();
        let terms = if u < 0.6 { 30 } else if u < 0.75 { 14 } else if u < 0.9 { 45 } else { 60 };
        let u = rng.unit();
        let currency = if u < 0.80 { "EUR" } else if u < 0.95 { "USD" } else { "GBP" };
        let segment = if rng.unit() < 0.05 {
            "PUBLIC"
        } else if weight > 50.0 {
            "ENTERPRISE"
        } else if weight > 5.0 {
            "MIDMARKET"
        } else {
            "SMB"
        };
        // e^11 cents is about 600.00.
        let mu = match segment {
            "SMB" => 11.0,
            "MIDMARKET" => 12.0,
            "ENTERPRISE" => 13.0,
            _ => 12.5,
        };
        let limit_cents = ((weight * 2000.0 + 5000.0) as i64) * 100;
        let first = FIRST[rng.range(0, 20) as usize];
        let second = SECOND[rng.range(0, 16) as usize];
        let suffix = SUFFIX[rng.range(0, 10) as usize];
        writeln!(out, "C{index:07},{first} {second} {index} {suffix},{segment},{},{currency}", money(limit_cents))?;
        customers.push(Customer { class, terms, currency, mu });
        weights.push(weight);
    }
    out.flush()?;
    Ok((customers, weights))
}

fn write_invoices_and_payments(
    folder: &Path,
    options: GenerateOptions,
    customers: &[Customer],
    weights: &[f64],
    rng: &mut Rng,
    progress: &indicatif::ProgressBar,
) -> std::io::Result<usize> {
    let mut cumulative = Vec::with_capacity(weights.len());
    let mut sum = 0.0;
    for weight in weights {
        sum += weight;
        cumulative.push(sum);
    }
    // Issue offsets in days before the as-of date, oldest first, so that
    // invoice ids increase with the issue date.
    let mut offsets: Vec<u16> = (0..options.invoices).map(|_| rng.range(1, ISSUE_DAYS as i64 + 1) as u16).collect();
    offsets.sort_unstable_by(|a, b| b.cmp(a));

    // Cumulative probabilities of paying on time, late and in part, per
    // class; the rest stays unpaid.
    const BEHAVIOUR: [(f64, f64, f64); 3] = [(0.89, 0.95, 0.97), (0.55, 0.73, 0.83), (0.25, 0.45, 0.60)];

    let as_of = options.as_of;
    let day = |offset: i64| -> NaiveDate {
        if offset >= 0 { as_of + Days::new(offset as u64) } else { as_of - Days::new(offset.unsigned_abs()) }
    };
    let mut invoices = BufWriter::with_capacity(1 << 20, File::create(folder.join("invoices.csv"))?);
    let mut payments = BufWriter::with_capacity(1 << 20, File::create(folder.join("payments.csv"))?);
    writeln!(invoices, "invoice_id,customer_id,issue_date,due_date,amount,currency")?;
    writeln!(payments, "payment_id,customer_id,invoice_id,paid_on,amount")?;
    let mut payment_id = 0usize;
    let mut pay = |payments: &mut BufWriter<File>, customer: usize, invoice: Option<usize>, on: NaiveDate, cents: i64| -> std::io::Result<()> {
        payment_id += 1;
        let invoice = invoice.map(|index| format!("I{index:09}")).unwrap_or_default();
        writeln!(payments, "P{payment_id:09},C{customer:07},{invoice},{on},{}", money(cents))
    };

    for (index, &offset) in offsets.iter().enumerate() {
        if index % 65_536 == 0 {
            progress.set_position(index as u64);
        }
        let target = rng.unit() * sum;
        let customer_index = cumulative.partition_point(|&value| value <= target).min(customers.len() - 1);
        let customer = &customers[customer_index];
        // Days relative to the as-of date: negative is before it.
        let issue = -i64::from(offset);
        let due = issue + customer.terms;
        let mut cents = rng.lognormal(customer.mu, 0.9) as i64;
        if cents < 1000 {
            cents = 1000 + cents % 997;
        }
        writeln!(invoices, "I{index:09},C{customer_index:07},{},{},{},{}", day(issue), day(due), money(cents), customer.currency)?;

        let u = rng.unit();
        if due > 0 {
            // Not yet due: some are paid early, the rest stay open and current.
            if u < 0.30 {
                let paid = issue + rng.range(0, -issue + 1);
                pay(&mut payments, customer_index, Some(index), day(paid), cents)?;
            }
            continue;
        }
        let (on_time, late, partial) = BEHAVIOUR[customer.class];
        if u < on_time {
            if rng.unit() < 0.05 && cents >= 200 {
                // On time in two instalments.
                let half = cents / 2;
                pay(&mut payments, customer_index, Some(index), day(issue.max(due - 10)), half)?;
                pay(&mut payments, customer_index, Some(index), day(due), cents - half)?;
            } else {
                let paid = issue.max(due - rng.range(0, 9));
                pay(&mut payments, customer_index, Some(index), day(paid), cents)?;
            }
        } else if u < late {
            let paid = due + 1 + rng.exponential(1.0 / 35.0) as i64;
            if paid <= 0 {
                pay(&mut payments, customer_index, Some(index), day(paid), cents)?;
            }
        } else if u < partial {
            let part = (cents as f64 * (0.2 + 0.6 * rng.unit())) as i64;
            if part > 0 {
                let paid = issue.max(due + rng.range(-5, 32)).min(0);
                pay(&mut payments, customer_index, Some(index), day(paid), part)?;
            }
        }

        // Cash on account, for about 2% of invoices.
        if rng.unit() < 0.02 {
            let paid = -rng.range(0, ISSUE_DAYS as i64 + 1);
            let cents = rng.lognormal(10.0, 1.0) as i64 + 100;
            pay(&mut payments, customer_index, None, day(paid), cents)?;
        }
    }
    invoices.flush()?;
    payments.flush()?;
    progress.set_position(options.invoices as u64);
    Ok(payment_id)
}

/// Formats cents as a decimal amount with two places.
fn money(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generate_into(folder: &Path, seed: u64) -> Generated {
        let options = GenerateOptions { customers: 50, invoices: 2000, as_of: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(), seed };
        generate(folder, options, &indicatif::ProgressBar::hidden()).unwrap()
    }

    #[test]
    fn same_seed_same_bytes() {
        let first = tempfile::tempdir().unwrap();
        let second = tempfile::tempdir().unwrap();
        generate_into(first.path(), 7);
        generate_into(second.path(), 7);
        for name in ["customers.csv", "invoices.csv", "payments.csv"] {
            assert_eq!(std::fs::read(first.path().join(name)).unwrap(), std::fs::read(second.path().join(name)).unwrap(), "{name}");
        }
    }

    #[test]
    fn files_have_the_documented_columns() {
        let folder = tempfile::tempdir().unwrap();
        let generated = generate_into(folder.path(), 42);
        let read = |name: &str| std::fs::read_to_string(folder.path().join(name)).unwrap();
        let customers = read("customers.csv");
        let invoices = read("invoices.csv");
        let payments = read("payments.csv");
        assert_eq!(customers.lines().next(), Some("customer_id,name,segment,credit_limit,currency"));
        assert_eq!(invoices.lines().next(), Some("invoice_id,customer_id,issue_date,due_date,amount,currency"));
        assert_eq!(payments.lines().next(), Some("payment_id,customer_id,invoice_id,paid_on,amount"));
        assert_eq!(customers.lines().count(), 51);
        assert_eq!(invoices.lines().count(), 2001);
        assert_eq!(payments.lines().count(), generated.payments + 1);
        for line in invoices.lines().skip(1) {
            let fields: Vec<&str> = line.split(',').collect();
            assert_eq!(fields.len(), 6, "{line}");
            assert!(fields[2] <= fields[3], "issue date after due date: {line}");
        }
        for line in payments.lines().skip(1) {
            assert!(line.split(',').nth(3).unwrap() <= "2026-12-01", "payment after the as-of date: {line}");
        }
    }
}
