//! Fresh, isolated databases for tests: a SQLite file in a temporary folder,
//! or a new PostgreSQL database on the server named by
//! `RECOBRO_TEST_POSTGRES_URL` (for example
//! `postgres://postgres@127.0.0.1:5432/test`).

use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::Connection;

use crate::{Engine, Result, Store};

/// The environment variable that enables the PostgreSQL tests.
pub const POSTGRES_URL_VARIABLE: &str = "RECOBRO_TEST_POSTGRES_URL";

/// A test database. The SQLite folder is removed on drop; PostgreSQL test
/// databases are named `recobro_test_*` and dropped by [`TestDb::cleanup`].
pub struct TestDb {
    pub url: String,
    pub engine: Engine,
    _folder: Option<tempfile::TempDir>,
    admin_url: Option<String>,
    database: Option<String>,
}

impl TestDb {
    pub fn sqlite() -> Self {
        let folder = tempfile::tempdir().expect("cannot create a temporary folder");
        let url = format!("sqlite://{}/recobro.db", folder.path().display());
        Self { url, engine: Engine::Sqlite, _folder: Some(folder), admin_url: None, database: None }
    }

    /// A new empty PostgreSQL database, or `None` (with the reason printed)
    /// when `RECOBRO_TEST_POSTGRES_URL` is not set.
    pub async fn postgres() -> Option<Self> {
        let Ok(admin_url) = std::env::var(POSTGRES_URL_VARIABLE) else {
            eprintln!("skipped: set {POSTGRES_URL_VARIABLE}=postgres://USER@HOST:PORT/DB to run the PostgreSQL tests");
            return None;
        };
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let database = format!(
            "recobro_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            chrono::Utc::now().timestamp_micros()
        );
        sqlx::any::install_default_drivers();
        let mut admin = sqlx::AnyConnection::connect(&admin_url).await.expect("cannot connect to the PostgreSQL test server");
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {database}"))).execute(&mut admin).await.expect("cannot create a test database");
        admin.close().await.ok();

        let base = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(base, _)| base);
        let url = format!("{base}/{database}");
        Some(Self { url, engine: Engine::Postgres, _folder: None, admin_url: Some(admin_url), database: Some(database) })
    }

    /// Both engines: SQLite always, PostgreSQL when configured.
    pub async fn all() -> Vec<Self> {
        let mut databases = vec![Self::sqlite()];
        databases.extend(Self::postgres().await);
        databases
    }

    pub async fn open(&self) -> Result<Store> {
        Store::open(&self.url).await
    }

    /// Drops a PostgreSQL test database. Call it at the end of a test, after
    /// every store on it is closed.
    pub async fn cleanup(self) {
        if let (Some(admin_url), Some(database)) = (&self.admin_url, &self.database)
            && let Ok(mut admin) = sqlx::AnyConnection::connect(admin_url).await
        {
            let drop = format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)");
            sqlx::raw_sql(sqlx::AssertSqlSafe(drop)).execute(&mut admin).await.ok();
            admin.close().await.ok();
        }
    }
}
