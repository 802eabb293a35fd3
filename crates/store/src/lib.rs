//! Persistence for Recobro on sqlx, with one schema for SQLite (the embedded
//! default) and PostgreSQL. Queries run through sqlx's `Any` driver, so the
//! SQL here is the dialect both engines share: `$1` placeholders, BIGINT ids
//! and minor-unit amounts, ISO-8601 text dates, `ON CONFLICT` and
//! `RETURNING`.

pub mod approval_limits;
pub mod browse;
pub mod cases;
pub mod files;
pub mod health;
pub mod interest;
pub mod jobs;
pub mod legal;
pub mod ledger;
pub mod letter_settings;
pub mod letters;
pub mod mail;
pub mod negotiation;
pub mod policies;
pub mod portfolio;
pub mod promises;
pub mod reports;
pub mod runs;
pub mod teams;
#[cfg(feature = "testing")]
pub mod testing;
pub mod users;

use std::str::FromStr;

use chrono::NaiveDate;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, AnyPool, Executor, Row};

pub use sqlx::any::AnyRow;
pub type Transaction<'c> = sqlx::Transaction<'c, sqlx::Any>;
/// A statement with its bound values, for the helpers that bind a
/// record's columns.
pub(crate) type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("invalid database URL {url:?}: use sqlite://PATH or postgres://USER@HOST/DB")]
    InvalidUrl { url: String },
    #[error("cannot connect to {url}: {message}")]
    Connect { url: String, message: String },
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored value {value:?} in column {column} is not a valid {expected}")]
    BadValue { column: &'static str, value: String, expected: &'static str },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A connection pool to one Recobro database.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    engine: Engine,
}

impl Store {
    /// Opens the database at `url`, creating a SQLite file when missing, and
    /// applies pending migrations.
    pub async fn open(url: &str) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let (engine, url) = normalize_url(url)?;
        let options = AnyConnectOptions::from_str(&url).map_err(|_| StoreError::InvalidUrl { url: url.clone() })?;

        let pool_options = match engine {
            // In WAL mode readers run beside the one writer, so pages are
            // served in parallel. A second writer waits up to the busy
            // timeout; no code path writes on a second connection while it
            // holds a transaction open on the first.
            Engine::Sqlite => AnyPoolOptions::new().max_connections(4).after_connect(|connection, _| {
                Box::pin(async move {
                    connection.execute("PRAGMA journal_mode = WAL").await?;
                    connection.execute("PRAGMA foreign_keys = ON").await?;
                    connection.execute("PRAGMA busy_timeout = 10000").await?;
                    connection.execute("PRAGMA synchronous = NORMAL").await?;
                    // 64 MB of page cache per connection instead of the
                    // default 2 MB, so that a large import or run keeps its
                    // indexes in memory instead of spilling pages to the WAL
                    // inside the transaction.
                    connection.execute("PRAGMA cache_size = -65536").await?;
                    Ok(())
                })
            }),
            Engine::Postgres => AnyPoolOptions::new().max_connections(8),
        };
        // One direct connection first, so that a refused connection or a
        // missing database is reported as such rather than as a pool
        // timeout.
        {
            use sqlx::Connection;
            let connection = sqlx::AnyConnection::connect_with(&options).await.map_err(|error| connect_error(engine, &url, error))?;
            connection.close().await.ok();
        }
        let pool = pool_options.acquire_timeout(std::time::Duration::from_secs(10)).connect_with(options).await?;

        let store = Self { pool, engine };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<()> {
        match self.engine {
            Engine::Sqlite => sqlx::migrate!("./migrations/sqlite").run(&self.pool).await?,
            Engine::Postgres => sqlx::migrate!("./migrations/postgres").run(&self.pool).await?,
        }
        Ok(())
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn begin(&self) -> Result<Transaction<'static>> {
        Ok(self.pool.begin().await?)
    }

    pub async fn acquire(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>> {
        Ok(self.pool.acquire().await?)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Explains a failed first connection, with what to do about it.
fn connect_error(engine: Engine, url: &str, error: sqlx::Error) -> StoreError {
    let text = error.to_string();
    let hint = match engine {
        Engine::Postgres if text.contains("does not exist") => "; create the database first, for example with createdb",
        Engine::Postgres if matches!(error, sqlx::Error::Io(_)) => "; check that PostgreSQL runs and accepts connections at that host and port",
        Engine::Sqlite if matches!(error, sqlx::Error::Database(_)) => "; check that the folder exists and is writable",
        _ => "",
    };
    StoreError::Connect { url: url.to_string(), message: format!("{text}{hint}") }
}

/// Returns the engine of `url` and the URL sqlx should open. A SQLite URL
/// gets `mode=rwc` so that a missing file is created.
fn normalize_url(url: &str) -> Result<(Engine, String)> {
    if let Some(rest) = url.strip_prefix("sqlite:") {
        let path = rest.trim_start_matches("//");
        if path.is_empty() {
            return Err(StoreError::InvalidUrl { url: url.to_string() });
        }
        let url = if url.contains('?') { url.to_string() } else { format!("sqlite://{path}?mode=rwc") };
        return Ok((Engine::Sqlite, url));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((Engine::Postgres, url.to_string()));
    }
    Err(StoreError::InvalidUrl { url: url.to_string() })
}

/// Formats a civil date the way the schema stores it.
pub fn date_text(date: NaiveDate) -> String {
    // NaiveDate's Display is YYYY-MM-DD for the years 0 to 9999 and skips
    // the format-string parsing of `format`.
    date.to_string()
}

pub(crate) fn get_date(row: &AnyRow, column: &'static str) -> Result<NaiveDate> {
    let text: String = row.try_get(column)?;
    parse_stored_date(column, text)
}

pub(crate) fn get_optional_date(row: &AnyRow, column: &'static str) -> Result<Option<NaiveDate>> {
    let text: Option<String> = row.try_get(column)?;
    text.map(|text| parse_stored_date(column, text)).transpose()
}

fn parse_stored_date(column: &'static str, text: String) -> Result<NaiveDate> {
    recobro_core::parse_iso_date(&text).map_err(|_| StoreError::BadValue { column, value: text, expected: "YYYY-MM-DD date" })
}

pub(crate) fn get_currency(row: &AnyRow, column: &'static str) -> Result<recobro_core::Currency> {
    let text: String = row.try_get(column)?;
    parse_stored_currency(column, text)
}

/// Parses a currency code read from `column`, for the packed reads.
pub(crate) fn parse_stored_currency(column: &'static str, text: String) -> Result<recobro_core::Currency> {
    recobro_core::Currency::parse(&text).map_err(|_| StoreError::BadValue { column, value: text, expected: "currency code" })
}

/// The connection type every query function takes, so that callers choose
/// between a pooled connection and an open transaction.
pub type Conn = AnyConnection;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_are_normalized() {
        let (engine, url) = normalize_url("sqlite://recobro.db").unwrap();
        assert_eq!(engine, Engine::Sqlite);
        assert_eq!(url, "sqlite://recobro.db?mode=rwc");
        assert_eq!(normalize_url("sqlite:///tmp/a.db").unwrap().1, "sqlite:///tmp/a.db?mode=rwc");
        assert!(normalize_url("mysql://x").is_err());
        assert!(normalize_url("sqlite://").is_err());
    }
}

/// Rows per statement of [`fetch_packed`].
const PACKED_ROWS: i64 = 50_000;

/// Reads every row of `table` in a portfolio as the tuple `T` of `columns`,
/// which must include `id`, many rows per statement.
///
/// The database packs each page of rows, in id order, into one JSON array
/// of arrays, so the driver hands over one value per page. The sqlx SQLite
/// driver copies every value of every row from its worker thread on its
/// own. Row by row, a million documents took about 6 s in the benchmark.
/// Dates arrive as their stored text, NULL as `null`, and integers as JSON
/// integers, which serde reads as `i64` without passing through a float.
pub(crate) async fn fetch_packed<T: serde::de::DeserializeOwned>(conn: &mut Conn, table: &str, columns: &[&str], portfolio_id: i64) -> Result<Vec<T>> {
    fetch_packed_with(conn, table, columns, portfolio_id, Ok).await
}

/// Reads rows as [`fetch_packed`] does and converts each page's rows with
/// `convert` as soon as the page is decoded, so that a large table is held
/// once, in its converted form, instead of twice.
pub(crate) async fn fetch_packed_with<T: serde::de::DeserializeOwned, U>(
    conn: &mut Conn,
    table: &str,
    columns: &[&str],
    portfolio_id: i64,
    mut convert: impl FnMut(T) -> Result<U>,
) -> Result<Vec<U>> {
    let list = columns.join(", ");
    let pack = pack_expression(conn, &list);
    // The unary plus keeps the engines from reading the page through an
    // index that starts with portfolio_id: SQLite did, and then sorted the
    // whole portfolio by id for every page. Without an index on the term,
    // each page is a range of the primary key.
    let sql = format!(
        "SELECT CAST({pack} AS TEXT) AS packed, MAX(id) AS last_id FROM \
         (SELECT {list} FROM {table} WHERE +portfolio_id = $1 AND id > $2 ORDER BY id LIMIT $3) AS page"
    );

    let mut rows = Vec::new();
    let mut after = 0i64;
    loop {
        let page = sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(portfolio_id).bind(after).bind(PACKED_ROWS).fetch_one(&mut *conn).await?;
        let Some(last_id) = page.try_get::<Option<i64>, _>("last_id")? else { break };
        let packed: String = page.try_get("packed")?;
        for row in decode_packed::<T>(&packed)? {
            rows.push(convert(row)?);
        }
        after = last_id;
    }
    Ok(rows)
}

/// Reads the rows of `source` as the tuple `T` of `columns` in one
/// statement, packed as [`fetch_packed`] packs a page. `source` is a
/// subquery in which `$1` stands for the portfolio and `$2` for `date`. It
/// suits reads that an index narrows to a range, because paging in id order
/// would sort that range again for every page.
pub(crate) async fn fetch_packed_dated<T: serde::de::DeserializeOwned>(conn: &mut Conn, columns: &[&str], source: &str, portfolio_id: i64, date: NaiveDate) -> Result<Vec<T>> {
    let pack = pack_expression(conn, &columns.join(", "));
    let sql = format!("SELECT CAST({pack} AS TEXT) AS packed FROM ({source}) AS rows_read");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(portfolio_id).bind(date_text(date)).fetch_one(&mut *conn).await?;

    // PostgreSQL's json_agg of no rows is NULL.
    let Some(packed) = row.try_get::<Option<String>, _>("packed")? else { return Ok(Vec::new()) };
    decode_packed(&packed)
}

/// Builds the aggregate that packs rows of the columns in `list` into one
/// JSON array of arrays, in each engine's dialect.
fn pack_expression(conn: &Conn, list: &str) -> String {
    if conn.backend_name() == "SQLite" { format!("json_group_array(json_array({list}))") } else { format!("json_agg(json_build_array({list}))") }
}

/// Decodes a packed JSON array of rows.
fn decode_packed<T: serde::de::DeserializeOwned>(packed: &str) -> Result<Vec<T>> {
    serde_json::from_str(packed).map_err(|error| StoreError::BadValue { column: "packed rows", value: error.to_string(), expected: "JSON array of rows of the requested columns" })
}
