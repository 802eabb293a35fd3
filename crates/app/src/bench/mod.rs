//! The pieces of `recobro bench` that need no web server: the synthetic
//! portfolio, its import with the built-in `bench-*` profiles, peak-memory
//! readings and the correctness check.

pub mod check;
pub mod generate;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use recobro_core::Currency;
use recobro_store::{Store, portfolio};

use crate::import::{self, ImportError, mapping};

/// The code of the portfolio the benchmark creates.
pub const PORTFOLIO: &str = "bench";

/// The files of a benchmark portfolio, in import order, with the built-in
/// profile of each.
pub const FILES: [(&str, &str); 3] = [("customers.csv", "bench-customers"), ("invoices.csv", "bench-invoices"), ("payments.csv", "bench-payments")];

/// Returns whether `folder` contains the three files of a portfolio.
pub fn has_data(folder: &Path) -> bool {
    FILES.iter().all(|(name, _)| folder.join(name).is_file())
}

/// Counts the data lines of a CSV file: its lines less the header.
pub fn count_rows(path: &Path) -> std::io::Result<u64> {
    use std::io::BufRead;
    let file = std::fs::File::open(path)?;
    let mut lines = 0u64;
    for line in std::io::BufReader::with_capacity(1 << 20, file).split(b'\n') {
        if !line?.is_empty() {
            lines += 1;
        }
    }
    Ok(lines.saturating_sub(1))
}

/// The time each file's import took.
#[derive(Debug, Clone)]
pub struct ImportTimes {
    pub files: Vec<(PathBuf, Duration)>,
}

impl ImportTimes {
    pub fn total(&self) -> Duration {
        self.files.iter().map(|(_, duration)| *duration).sum()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error(transparent)]
    Store(#[from] recobro_store::StoreError),
    #[error("built-in profile {0} is invalid: {1}")]
    Profile(&'static str, String),
}

/// Creates the benchmark portfolio (EUR, whose customers also owe in USD
/// and GBP) and imports the three files of `folder` into it.
pub async fn load_portfolio(store: &Store, folder: &Path) -> Result<ImportTimes, BenchError> {
    {
        let mut conn = store.acquire().await?;
        let currency = Currency::parse("EUR").expect("EUR is a valid currency");
        portfolio::create(&mut conn, PORTFOLIO, "Benchmark portfolio", currency, "UTC").await?;
    }
    let mut files = Vec::new();
    for (name, profile_name) in FILES {
        let profile = mapping::built_in(profile_name)
            .expect("every benchmark file has a built-in profile")
            .map_err(|error| BenchError::Profile(profile_name, error.to_string()))?;
        let path = folder.join(name);
        let started = Instant::now();
        import::import_file(store, PORTFOLIO, &path, profile).await?;
        files.push((path, started.elapsed()));
    }
    Ok(ImportTimes { files })
}

/// Resets the peak resident memory of this process that
/// [`peak_memory_bytes`] reads. Returns false where the kernel does not
/// allow it (outside Linux, or without /proc).
pub fn reset_peak_memory() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Returns the peak resident memory of this process (VmHWM on Linux) since
/// it started or since [`reset_peak_memory`], or `None` where /proc is
/// missing.
pub fn peak_memory_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kilobytes: u64 = line.trim_start_matches("VmHWM:").trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kilobytes * 1024)
}
