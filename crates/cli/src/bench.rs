//! `recobro bench`: imports a synthetic portfolio into a fresh database,
//! runs it and times each step, on SQLite and PostgreSQL. See
//! docs/benchmark.md for the figures and how to read them.

mod http;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use chrono::{Months, NaiveDate};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use recobro_app::bench::{self as app_bench, PORTFOLIO, check};
use recobro_app::output::{Cell, Table};
use recobro_app::reports::{self, AgingGroup, CaseList};
use recobro_app::run;
use recobro_store::{Store, portfolio, users};
use serde_json::{Value, json};
use sqlx::Connection;

#[derive(Args)]
pub(crate) struct BenchArgs {
    /// Invoices of each portfolio size; repeat or separate with commas for several sizes.
    #[arg(long, value_delimiter = ',', default_values_t = [100_000u64, 1_000_000])]
    invoices: Vec<u64>,
    /// Customers of each portfolio; default one per ten invoices.
    #[arg(long)]
    customers: Option<u64>,
    /// The database engine; default both, SQLite first.
    #[arg(long, value_enum)]
    backend: Option<Backend>,
    /// A folder with customers.csv, invoices.csv and payments.csv to use; when they are missing, the generated files are written and kept there. Default: a temporary folder per size.
    #[arg(long)]
    data: Option<PathBuf>,
    /// Output on standard output: table or json.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Also write the JSON record to this file.
    #[arg(long)]
    output: Option<PathBuf>,
    /// Repetitions per size and engine, each on a fresh database.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    repetitions: u32,
    /// Concurrent clients of the page load.
    #[arg(long, default_value_t = 16)]
    clients: usize,
    /// Timed requests per client and page.
    #[arg(long, default_value_t = 25)]
    requests: usize,
    /// The generated portfolio's last date, which the daily run uses (YYYY-MM-DD).
    #[arg(long, value_parser = crate::parse_date, default_value = "2026-12-01")]
    as_of: NaiveDate,
    /// Seed of the generated portfolio.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// A PostgreSQL server URL whose user may create databases; each repetition creates and drops its own.
    #[arg(long, env = "RECOBRO_BENCH_POSTGRES_URL", default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    postgres_url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Table,
    Json,
}

/// The timed figures, in the order of the table.
const FIGURES: [(&str, &str); 11] = [
    ("import_s", "import, all three files"),
    ("import_customers_s", "  customers.csv"),
    ("import_invoices_s", "  invoices.csv"),
    ("import_payments_s", "  payments.csv"),
    ("daily_run_s", "daily run, last date"),
    ("aging_past_s", "aging, six months earlier"),
    ("problem_cases_s", "problem-case report"),
    ("customer_list_p50_s", "customer list, p50"),
    ("customer_list_p95_s", "customer list, p95"),
    ("dashboard_p50_s", "dashboard, p50"),
    ("dashboard_p95_s", "dashboard, p95"),
];

/// Peak resident memory of this process, by step.
const MEMORY: [(&str, &str); 2] = [("import", "peak memory, import"), ("daily_run", "peak memory, daily run")];

/// The figures of one repetition.
#[derive(Debug, Default)]
struct Repetition {
    seconds: BTreeMap<&'static str, f64>,
    memory: BTreeMap<&'static str, u64>,
}

/// The results of one size on one engine.
struct Measured {
    backend: Backend,
    invoices: u64,
    customers: u64,
    payments: u64,
    aging_as_of: NaiveDate,
    repetitions: Vec<Repetition>,
    open_items: i64,
    problem_cases: usize,
}

pub(crate) async fn run(args: BenchArgs) -> Result<()> {
    if args.data.is_some() && args.invoices.len() > 1 {
        bail!("--data takes one portfolio size, but --invoices gave {}", args.invoices.len());
    }
    let backends = match args.backend {
        Some(backend) => vec![backend],
        None => vec![Backend::Sqlite, Backend::Postgres],
    };
    let aging_as_of = args.as_of.checked_sub_months(Months::new(6)).context("invalid --as-of: no date six months earlier")?;
    let started_at = chrono::Utc::now().to_rfc3339();

    let mut results = Vec::new();
    for &invoices in &args.invoices {
        let customers = args.customers.unwrap_or((invoices / 10).max(1));
        let (folder, _temporary) = data_folder(&args, invoices, customers)?;
        let counts = [app_bench::count_rows(&folder.join("customers.csv"))?, app_bench::count_rows(&folder.join("invoices.csv"))?, app_bench::count_rows(&folder.join("payments.csv"))?];
        for &backend in &backends {
            let mut repetitions = Vec::new();
            let mut checked = None;
            for repetition in 1..=args.repetitions {
                let label = format!("{} {} invoices, repetition {repetition}/{}", backend.name(), counts[1], args.repetitions);
                let database = Database::create(backend, &args.postgres_url).await?;
                let outcome = measure(&database.url, &args, &folder, aging_as_of, &label, repetition == 1).await;
                database.remove().await;
                let (measured, figures) = outcome.with_context(|| format!("benchmark failed: {label}"))?;
                repetitions.push(measured);
                checked = checked.or(figures);
            }
            let (open_items, problem_cases) = checked.unwrap_or_default();
            results.push(Measured {
                backend,
                invoices: counts[1],
                customers: counts[0],
                payments: counts[2],
                aging_as_of,
                repetitions,
                open_items,
                problem_cases,
            });
        }
    }

    let record = json_record(&args, &started_at, &results);
    if let Some(path) = &args.output {
        std::fs::write(path, format!("{}\n", serde_json::to_string_pretty(&record)?)).with_context(|| format!("cannot write {}", path.display()))?;
    }
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&record)?),
        Format::Table => {
            for measured in &results {
                print!("{}", result_table(measured, args.as_of).render_terminal());
            }
        }
    }
    Ok(())
}

/// Returns the folder of the portfolio's files, generating them when
/// missing, and the temporary folder to remove at the end, if any.
fn data_folder(args: &BenchArgs, invoices: u64, customers: u64) -> Result<(PathBuf, Option<tempfile::TempDir>)> {
    let (folder, temporary) = match &args.data {
        Some(folder) => (folder.clone(), None),
        None => {
            let temporary = tempfile::Builder::new().prefix("recobro-bench-").tempdir().context("cannot create a temporary folder for the portfolio")?;
            (temporary.path().to_path_buf(), Some(temporary))
        }
    };
    if !app_bench::has_data(&folder) {
        let progress = bar(invoices, "generating invoices");
        let options = app_bench::generate::GenerateOptions { customers: customers as usize, invoices: invoices as usize, as_of: args.as_of, seed: args.seed };
        app_bench::generate::generate(&folder, options, &progress).with_context(|| format!("cannot write the portfolio to {}", folder.display()))?;
        progress.finish_and_clear();
    }
    Ok((folder, temporary))
}

fn bar(length: u64, message: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(length);
    bar.set_style(ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({eta})").expect("valid progress template").progress_chars("=> "));
    bar.set_message(message);
    bar
}

fn spinner(label: &str) -> ProgressBar {
    let spinner = ProgressBar::new_spinner();
    spinner.set_style(ProgressStyle::with_template("{spinner} {prefix}: {msg} ({elapsed})").expect("valid progress template"));
    spinner.set_prefix(label.to_string());
    spinner.enable_steady_tick(Duration::from_millis(200));
    spinner
}

/// A fresh database for one repetition: a SQLite file in a temporary folder,
/// or a new PostgreSQL database that [`Database::remove`] drops.
struct Database {
    url: String,
    _folder: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

impl Database {
    async fn create(backend: Backend, postgres_url: &str) -> Result<Self> {
        match backend {
            Backend::Sqlite => {
                let folder = tempfile::Builder::new().prefix("recobro-bench-db-").tempdir().context("cannot create a temporary folder for the database")?;
                let url = format!("sqlite://{}/bench.db", folder.path().display());
                Ok(Self { url, _folder: Some(folder), postgres: None })
            }
            Backend::Postgres => {
                sqlx::any::install_default_drivers();
                let mut admin = sqlx::AnyConnection::connect(postgres_url)
                    .await
                    .with_context(|| format!("cannot connect to PostgreSQL at {postgres_url}; start it, set --postgres-url, or pass --backend sqlite"))?;
                let name = format!("recobro_bench_{}_{}", std::process::id(), chrono::Utc::now().timestamp_micros());
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut admin).await.context("cannot create the benchmark database")?;
                admin.close().await.ok();
                let base = postgres_url.rsplit_once('/').map_or(postgres_url, |(base, _)| base);
                Ok(Self { url: format!("{base}/{name}"), _folder: None, postgres: Some((postgres_url.to_string(), name)) })
            }
        }
    }

    async fn remove(self) {
        if let Some((admin_url, name)) = &self.postgres
            && let Ok(mut admin) = sqlx::AnyConnection::connect(admin_url).await
        {
            if let Err(error) = sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))).execute(&mut admin).await {
                eprintln!("warning: cannot drop the benchmark database {name}: {error}");
            }
            admin.close().await.ok();
        }
    }
}

/// Runs one repetition on the database at `url`. On the first repetition
/// it also checks the figures against plain SQL, and returns the open
/// items of the run and the number of problem cases.
async fn measure(url: &str, args: &BenchArgs, folder: &Path, aging_as_of: NaiveDate, label: &str, check_figures: bool) -> Result<(Repetition, Option<(i64, usize)>)> {
    let progress = spinner(label);
    let store = Store::open(url).await.with_context(|| format!("cannot open the benchmark database {url}"))?;
    let mut measured = Repetition::default();

    progress.set_message("importing");
    app_bench::reset_peak_memory();
    let times = app_bench::load_portfolio(&store, folder).await?;
    measured.seconds.insert("import_s", times.total().as_secs_f64());
    for ((_, duration), name) in times.files.iter().zip(["import_customers_s", "import_invoices_s", "import_payments_s"]) {
        measured.seconds.insert(name, duration.as_secs_f64());
    }
    if let Some(bytes) = app_bench::peak_memory_bytes() {
        measured.memory.insert("import", bytes);
    }

    progress.set_message("daily run");
    app_bench::reset_peak_memory();
    let started = Instant::now();
    let outcome = run::run_daily(&store, PORTFOLIO, args.as_of).await?;
    measured.seconds.insert("daily_run_s", started.elapsed().as_secs_f64());
    if let Some(bytes) = app_bench::peak_memory_bytes() {
        measured.memory.insert("daily_run", bytes);
    }

    progress.set_message("aging report");
    let started = Instant::now();
    let past_aging = reports::aging(&store, PORTFOLIO, aging_as_of, AgingGroup::Bucket).await?;
    measured.seconds.insert("aging_past_s", started.elapsed().as_secs_f64());

    progress.set_message("problem-case report");
    let started = Instant::now();
    let problem_cases = reports::case_list(&store, PORTFOLIO, args.as_of, CaseList::ProblemCases).await?;
    measured.seconds.insert("problem_cases_s", started.elapsed().as_secs_f64());

    progress.set_message("page load");
    let cookie = sign_in(&store).await?;
    let listener = recobro_web::listen("127.0.0.1:0".parse().expect("valid loopback address")).await?;
    let address = listener.local_addr()?;
    let server = tokio::spawn(recobro_web::serve(store.clone(), listener));
    let pages = [("customer_list", format!("/p/{PORTFOLIO}/customers")), ("dashboard", format!("/p/{PORTFOLIO}"))];
    for (name, path) in &pages {
        let latency = http::load(address, path, &cookie, args.clients, args.requests).await;
        let latency = match latency {
            Ok(latency) => latency,
            Err(error) => {
                server.abort();
                return Err(error);
            }
        };
        let (p50, p95) = if *name == "customer_list" { ("customer_list_p50_s", "customer_list_p95_s") } else { ("dashboard_p50_s", "dashboard_p95_s") };
        measured.seconds.insert(p50, latency.p50.as_secs_f64());
        measured.seconds.insert(p95, latency.p95.as_secs_f64());
    }
    server.abort();

    let figures = if check_figures {
        progress.set_message("checking the figures with plain SQL");
        check_figures_against_sql(&store, args.as_of, aging_as_of, &past_aging, &problem_cases).await?;
        Some((outcome.counts.open_items, problem_cases.len()))
    } else {
        None
    };
    progress.finish_and_clear();
    store.close().await;
    Ok((measured, figures))
}

/// Creates a manager and a session for the page load. Returns the cookie.
async fn sign_in(store: &Store) -> Result<String> {
    let mut conn = store.acquire().await?;
    let hash = recobro_web::auth::hash_password(&recobro_web::auth::new_token()).map_err(|error| anyhow::anyhow!("{error}"))?;
    let user_id = users::insert_user(&mut conn, "bench-manager", &hash, "manager", Some("en")).await?;
    let token = recobro_web::auth::new_token();
    let expires_at = (chrono::Utc::now() + chrono::Duration::hours(12)).to_rfc3339();
    users::insert_session(&mut conn, &recobro_web::auth::token_digest(&token), user_id, &recobro_web::auth::new_token(), &expires_at).await?;
    Ok(format!("{}={token}", recobro_web::auth::SESSION_COOKIE))
}

/// Compares the run's totals, the aging of both dates and the problem
/// cases with the same figures computed by plain SQL, to the cent.
async fn check_figures_against_sql(store: &Store, as_of: NaiveDate, aging_as_of: NaiveDate, past_aging: &reports::AgingReport, problem_cases: &[reports::CaseLine]) -> Result<()> {
    let portfolio_id = {
        let mut conn = store.acquire().await?;
        portfolio::find(&mut conn, PORTFOLIO).await?.context("the benchmark portfolio exists")?.id
    };
    let mut mismatches = Vec::new();

    let sql_past = check::sql_aging(store, portfolio_id, aging_as_of).await?;
    let report_past = check::report_aging(past_aging);
    if sql_past != report_past {
        mismatches.push(format!("aging as of {aging_as_of}: report {report_past:?}, SQL {sql_past:?}"));
    }

    let current = reports::aging(store, PORTFOLIO, as_of, AgingGroup::Bucket).await?;
    let sql_current = check::sql_aging(store, portfolio_id, as_of).await?;
    let report_current = check::report_aging(&current);
    if sql_current != report_current {
        mismatches.push(format!("aging as of {as_of}: report {report_current:?}, SQL {sql_current:?}"));
    }

    let run_totals = check::run_totals(store, PORTFOLIO).await?;
    let sql_totals = check::aging_totals(&sql_current);
    if run_totals != sql_totals {
        mismatches.push(format!("run totals (balance, overdue) as of {as_of}: run {run_totals:?}, SQL {sql_totals:?}"));
    }

    let policy = recobro_core::Policy::default();
    let sql_problem = check::sql_problem_cases(store, portfolio_id, as_of, policy.problem_case_min_days()).await?;
    let report_problem = check::report_problem_cases(problem_cases).map_err(anyhow::Error::msg)?;
    if sql_problem != report_problem {
        mismatches.push(format!("problem cases (count, balance) as of {as_of}: report {report_problem:?}, SQL {sql_problem:?}"));
    }

    if !mismatches.is_empty() {
        bail!("the benchmark's figures differ from plain SQL:\n  {}", mismatches.join("\n  "));
    }
    Ok(())
}

/// Returns the median, minimum and maximum of `values`.
fn spread(values: &[f64]) -> (f64, f64, f64) {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    let median = if sorted.len() % 2 == 1 { sorted[middle] } else { (sorted[middle - 1] + sorted[middle]) / 2.0 };
    (median, sorted[0], sorted[sorted.len() - 1])
}

fn figure_values(measured: &Measured, name: &str) -> Vec<f64> {
    measured.repetitions.iter().filter_map(|repetition| repetition.seconds.get(name).copied()).collect()
}

fn memory_values(measured: &Measured, name: &str) -> Vec<f64> {
    measured.repetitions.iter().filter_map(|repetition| repetition.memory.get(name).map(|bytes| *bytes as f64)).collect()
}

fn json_record(args: &BenchArgs, started_at: &str, results: &[Measured]) -> Value {
    let results: Vec<Value> = results
        .iter()
        .map(|measured| {
            let mut figures = serde_json::Map::new();
            for (name, _) in FIGURES {
                let values = figure_values(measured, name);
                if values.is_empty() {
                    continue;
                }
                let (median, min, max) = spread(&values);
                figures.insert(name.to_string(), json!({ "median": median, "min": min, "max": max, "values": values }));
            }
            let mut memory = serde_json::Map::new();
            for (name, _) in MEMORY {
                let values = memory_values(measured, name);
                if values.is_empty() {
                    continue;
                }
                let (median, min, max) = spread(&values);
                memory.insert(name.to_string(), json!({ "median": median as u64, "min": min as u64, "max": max as u64 }));
            }
            json!({
                "backend": measured.backend.name(),
                "invoices": measured.invoices,
                "customers": measured.customers,
                "payments": measured.payments,
                "as_of": args.as_of.to_string(),
                "aging_as_of": measured.aging_as_of.to_string(),
                "repetitions": measured.repetitions.len(),
                "open_items": measured.open_items,
                "problem_cases": measured.problem_cases,
                "check": "figures equal plain SQL",
                "seconds": figures,
                "peak_memory_bytes": memory,
            })
        })
        .collect();
    json!({
        "recobro_version": env!("CARGO_PKG_VERSION"),
        "started_at": started_at,
        "machine": machine(),
        "command": std::env::args().collect::<Vec<_>>().join(" "),
        "clients": args.clients,
        "requests_per_client": args.requests,
        "results": results,
    })
}

/// The processor count, memory and CPU model of this machine, from /proc.
fn machine() -> Value {
    let cpus = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let cpu_model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| text.lines().find(|line| line.starts_with("model name")).and_then(|line| line.split_once(':')).map(|(_, model)| model.trim().to_string()));
    let memory_bytes = std::fs::read_to_string("/proc/meminfo").ok().and_then(|text| {
        let line = text.lines().find(|line| line.starts_with("MemTotal:"))?.to_string();
        let kilobytes: u64 = line.trim_start_matches("MemTotal:").trim().trim_end_matches("kB").trim().parse().ok()?;
        Some(kilobytes * 1024)
    });
    json!({ "cpus": cpus, "cpu_model": cpu_model, "memory_bytes": memory_bytes, "os": std::env::consts::OS })
}

fn result_table(measured: &Measured, as_of: NaiveDate) -> Table {
    let title = format!(
        "{}: {} customers, {} invoices, {} payments; run as of {as_of}, aging as of {}; median of {} repetitions",
        measured.backend.name(),
        measured.customers,
        measured.invoices,
        measured.payments,
        measured.aging_as_of,
        measured.repetitions.len()
    );
    let headers = ["figure", "median", "min", "max"].map(String::from).to_vec();
    let mut rows = Vec::new();
    for (name, label) in FIGURES {
        let values = figure_values(measured, name);
        if values.is_empty() {
            continue;
        }
        let (median, min, max) = spread(&values);
        rows.push(vec![Cell::text(label), Cell::text(seconds(median)), Cell::text(seconds(min)), Cell::text(seconds(max))]);
    }
    for (name, label) in MEMORY {
        let values = memory_values(measured, name);
        if values.is_empty() {
            continue;
        }
        let (median, min, max) = spread(&values);
        rows.push(vec![Cell::text(label), Cell::text(megabytes(median)), Cell::text(megabytes(min)), Cell::text(megabytes(max))]);
    }
    Table { title, headers, rows }
}

fn seconds(value: f64) -> String {
    if value < 1.0 { format!("{:.1} ms", value * 1000.0) } else { format!("{value:.2} s") }
}

fn megabytes(bytes: f64) -> String {
    format!("{:.0} MB", bytes / 1_000_000.0)
}
