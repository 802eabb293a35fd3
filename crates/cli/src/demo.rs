//! `recobro demo`: a fresh database from the bundled real data, run and
//! reported.

use std::path::Path;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use recobro_app::import::{self, mapping};
use recobro_app::reports::{self, AgingGroup, CaseList};
use recobro_app::run;
use recobro_core::Currency;
use recobro_store::{Store, portfolio};

const DEFAULT_DB_FILE: &str = "recobro-demo.db";

/// The demo's users: username and role. They all share [`DEMO_PASSWORD`].
const DEMO_USERS: [(&str, &str); 6] =
    [("admin", "admin"), ("gerente", "manager"), ("ana", "collector"), ("luis", "collector"), ("abogada", "legal"), ("consulta", "viewer")];
const DEMO_COLLECTORS: [&str; 2] = ["ana", "luis"];
const DEMO_PASSWORD: &str = "recobro-demo";

/// A bundled portfolio: its data file, built-in profile and the date the
/// demo runs it on.
struct DemoPortfolio {
    code: &'static str,
    name: &'static str,
    currency: &'static str,
    time_zone: &'static str,
    file_name: &'static str,
    data: &'static [u8],
    as_of: (i32, u32, u32),
}

const PORTFOLIOS: [DemoPortfolio; 2] = [
    DemoPortfolio {
        code: "ibm-ar",
        name: "IBM accounts-receivable sample",
        currency: "USD",
        time_zone: "America/New_York",
        file_name: "ibm-accounts-receivable.csv",
        data: include_bytes!("../../../data/ibm-accounts-receivable.csv"),
        // Every invoice of the sample is settled by January 2014; at the end
        // of June 2013, 84 invoices are open and 12 are past due.
        as_of: (2013, 6, 30),
    },
    DemoPortfolio {
        code: "uci-cards",
        name: "UCI credit card clients, Taiwan 2005",
        currency: "TWD",
        time_zone: "Asia/Taipei",
        file_name: "uci-default-credit-card-clients-taiwan.csv",
        data: include_bytes!("../../../data/uci-default-credit-card-clients-taiwan.csv"),
        // The snapshot date of the data set.
        as_of: (2005, 9, 30),
    },
];

/// Builds the demo database at `db_url`, or at `recobro-demo.db` in the
/// current folder (replaced when it exists) when no URL was given.
pub async fn run(db_url: Option<&str>, args: &crate::DemoArgs) -> Result<()> {
    // A busy port fails before the database is built.
    let listener = if args.no_serve { None } else { Some(recobro_web::listen(args.addr).await?) };

    let url = match db_url {
        Some(url) => url.to_string(),
        None => {
            remove_sqlite_file(Path::new(DEFAULT_DB_FILE))?;
            format!("sqlite://{DEFAULT_DB_FILE}")
        }
    };
    let store = Store::open(&url).await.with_context(|| format!("cannot open database {url}"))?;
    {
        let mut conn = store.acquire().await?;
        if !portfolio::list(&mut conn).await?.is_empty() {
            bail!("the demo needs an empty database, and {url} already has portfolios; pass another --db");
        }
    }

    for (username, role) in DEMO_USERS {
        crate::users::add_user(&store, username, role, None, DEMO_PASSWORD).await?;
    }
    let folder = tempfile::tempdir().context("cannot create a temporary folder for the bundled data")?;
    for demo in &PORTFOLIOS {
        load_portfolio(&store, demo, folder.path()).await?;
    }
    for demo in &PORTFOLIOS {
        print_reports(&store, demo).await?;
    }

    println!("The demo database is {url}. Try:");
    println!("  recobro --db {url} report aging --portfolio uci-cards --as-of 2005-09-30 --by customer --format csv");
    println!("  recobro --db {url} report legal-candidates --portfolio uci-cards --as-of 2005-09-30 --format json");
    let Some(listener) = listener else {
        store.close().await;
        return Ok(());
    };

    println!();
    println!("Web pages: http://{}/  (stop with Ctrl+C)", args.addr);
    println!("Demo users, all with the password {DEMO_PASSWORD}:");
    for (username, role) in DEMO_USERS {
        println!("  {username:<10} {role}");
    }
    recobro_web::serve(store, listener).await
}

fn remove_sqlite_file(path: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let file = format!("{}{suffix}", path.display());
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(error).with_context(|| format!("cannot remove the old demo database {file}")),
        }
    }
    Ok(())
}

fn as_of(demo: &DemoPortfolio) -> NaiveDate {
    let (year, month, day) = demo.as_of;
    NaiveDate::from_ymd_opt(year, month, day).expect("demo dates are valid")
}

async fn load_portfolio(store: &Store, demo: &DemoPortfolio, folder: &Path) -> Result<()> {
    {
        let mut conn = store.acquire().await?;
        portfolio::create(&mut conn, demo.code, demo.name, Currency::parse(demo.currency)?, demo.time_zone).await?;
    }

    let path = folder.join(demo.file_name);
    std::fs::write(&path, demo.data).with_context(|| format!("cannot write {}", path.display()))?;
    let profile = mapping::built_in(demo.code).expect("each demo portfolio has a built-in profile of its code")?;
    let summary = import::import_file(store, demo.code, &path, profile).await?;
    println!("imported {} rows of {} into portfolio {}", summary.rows, demo.file_name, demo.code);

    let mut tx = store.begin().await?;
    let created = portfolio::find(&mut tx, demo.code).await?.context("the demo portfolio was just created")?;
    recobro_store::ledger::assign_unassigned_in_turn(&mut tx, created.id, &DEMO_COLLECTORS).await?;
    tx.commit().await?;

    let outcome = run::run_daily(store, demo.code, as_of(demo)).await?;
    crate::print_run(&outcome);
    println!();
    Ok(())
}

async fn print_reports(store: &Store, demo: &DemoPortfolio) -> Result<()> {
    let date = as_of(demo);
    let aging = reports::aging(store, demo.code, date, AgingGroup::Bucket).await?;
    print!("{}", aging.to_table().render_terminal());

    const SHOWN: usize = 10;
    let cases = reports::case_list(store, demo.code, date, CaseList::ProblemCases).await?;
    let legal = reports::case_list(store, demo.code, date, CaseList::LegalCandidates).await?;
    if cases.is_empty() {
        println!("No problem cases (90+ days past due) in {} as of {date}.\n", demo.code);
        return Ok(());
    }
    let title = format!(
        "Problem cases of {} as of {date}: {} (showing the {} most overdue); {} are judicial transfer candidates (121+)",
        demo.code,
        cases.len(),
        SHOWN.min(cases.len()),
        legal.len()
    );
    print!("{}", reports::case_table(title, &cases[..SHOWN.min(cases.len())]).render_terminal());
    println!();
    Ok(())
}
