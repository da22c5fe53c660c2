//! The server's store in PostgreSQL, for a clinic that outgrows one machine (`clinic-server init
//! --database postgres://...`). A pool of connections: pulls and other reads run beside a push; pushes
//! wait for each other ([`Tx::lock_stream`]). The server's logic is synchronous (it runs on the HTTP
//! layer's blocking threads): each statement is run to completion on this store's own runtime.

use std::error::Error;
use std::path::Path;
use std::process::Command;

use bytes::{BufMut, BytesMut};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio::runtime::{Handle, Runtime};
use tokio_postgres::NoTls;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};

use crate::db::{Cell, Db, Param, Row, Tx};
use crate::error::{ServerError, ServerResult};

/// The dump `clinic-server backup` makes of a PostgreSQL store, in its folder.
pub const DUMP_FILE: &str = "clinic.pgdump";
/// Connections kept open to the database.
const POOL_SIZE: usize = 16;

mod embedded {
    refinery::embed_migrations!("migrations/postgres");
}

pub struct PgDb {
    /// Taken when dropped, to be shut down without waiting (it may be dropped on a runtime's thread).
    runtime: Option<Runtime>,
    pool: Pool,
    url: String,
}

impl PgDb {
    /// Connects to the database at `url` and brings its tables up to date.
    pub fn connect(url: &str) -> ServerResult<Self> {
        let config: tokio_postgres::Config = url.parse().map_err(|e| {
            ServerError::BadRequest(format!(
                "{url:?} is not a PostgreSQL connection string: {e}"
            ))
        })?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("postgres")
            .enable_all()
            .build()
            .map_err(|e| ServerError::Internal(e.to_string()))?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .build()
            .map_err(|e| ServerError::Internal(e.to_string()))?;
        runtime.block_on(async {
            let mut client = pool.get().await.map_err(unreachable)?;
            embedded::migrations::runner()
                .run_async(&mut **client)
                .await
                .map_err(|e| ServerError::Internal(format!("migrating the server store: {e}")))
        })?;
        Ok(PgDb {
            runtime: Some(runtime),
            pool,
            url: url.to_owned(),
        })
    }

    fn handle(&self) -> ServerResult<&Handle> {
        self.runtime
            .as_ref()
            .map(Runtime::handle)
            .ok_or_else(|| ServerError::Internal("the PostgreSQL store is closed".into()))
    }

    /// Dumps the whole database into `folder` with `pg_dump` (one snapshot: safe while the server runs).
    pub fn back_up(&self, folder: &Path) -> ServerResult<()> {
        run_tool(
            Command::new("pg_dump")
                .args(["--format=custom", "--no-owner", "--file"])
                .arg(folder.join(DUMP_FILE))
                .arg("--dbname")
                .arg(&self.url),
        )
    }

    /// Replaces the database's contents with a dump [`PgDb::back_up`] made (`pg_restore --clean`).
    pub fn restore(url: &str, folder: &Path) -> ServerResult<()> {
        run_tool(
            Command::new("pg_restore")
                .args([
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    "--dbname",
                ])
                .arg(url)
                .arg(folder.join(DUMP_FILE)),
        )
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

fn run_tool(command: &mut Command) -> ServerResult<()> {
    let tool = command.get_program().to_string_lossy().into_owned();
    let out = command.output().map_err(|e| {
        ServerError::Internal(format!(
            "{tool} could not be started ({e}): install PostgreSQL's client programs"
        ))
    })?;
    if out.status.success() {
        return Ok(());
    }
    let said = String::from_utf8_lossy(&out.stderr);
    Err(ServerError::Internal(format!(
        "{tool} failed: {}",
        said.lines().next().unwrap_or("no reason given")
    )))
}

fn unreachable(e: impl std::fmt::Display) -> ServerError {
    ServerError::Internal(format!("the PostgreSQL database cannot be reached: {e}"))
}

impl Db for PgDb {
    fn transaction<T>(&self, f: impl FnOnce(&mut dyn Tx) -> ServerResult<T>) -> ServerResult<T> {
        let handle = self.handle()?;
        let mut client = handle.block_on(self.pool.get()).map_err(unreachable)?;
        let tx = handle.block_on(client.transaction())?;
        let mut open = PgTx { tx, handle };
        // Dropped without a commit, the transaction is rolled back.
        let done = f(&mut open)?;
        handle.block_on(open.tx.commit())?;
        Ok(done)
    }
}

struct PgTx<'a> {
    tx: deadpool_postgres::Transaction<'a>,
    handle: &'a Handle,
}

impl Tx for PgTx<'_> {
    fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> ServerResult<u64> {
        let sql = dialect(sql);
        let params: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as _).collect();
        self.handle
            .block_on(async {
                let statement = self.tx.prepare_cached(&sql).await?;
                self.tx.execute(&statement, &params).await
            })
            .map_err(|e| in_statement(e, &sql))
    }

    fn query(&mut self, sql: &str, params: &[Param<'_>]) -> ServerResult<Vec<Row>> {
        let sql = dialect(sql);
        let params: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as _).collect();
        let rows = self
            .handle
            .block_on(async {
                let statement = self.tx.prepare_cached(&sql).await?;
                self.tx.query(&statement, &params).await
            })
            .map_err(|e| in_statement(e, &sql))?;
        rows.iter()
            .map(|row| {
                let cells = (0..row.len())
                    .map(|i| row.try_get::<_, Cell>(i))
                    .collect::<Result<_, _>>()?;
                Ok(Row(cells))
            })
            .collect()
    }

    fn lock_stream(&mut self) -> ServerResult<()> {
        // EXCLUSIVE waits for other writers of the stream, never for readers (ACCESS SHARE).
        self.execute("LOCK TABLE changes IN EXCLUSIVE MODE", &[])?;
        Ok(())
    }
}

/// A failure, with the statement it came from for the server's log (statements hold no data: the
/// values travel apart).
fn in_statement(e: tokio_postgres::Error, sql: &str) -> ServerError {
    match ServerError::from(e) {
        ServerError::Postgres(why) => {
            let statement: String = sql.split_whitespace().collect::<Vec<_>>().join(" ");
            ServerError::Postgres(format!("{why} in: {statement}"))
        }
        other => other,
    }
}

/// A statement as PostgreSQL writes it: `$1` where SQLite reads `?1`.
fn dialect(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quoted = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            quoted = !quoted;
        }
        if c == '?' && !quoted && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

impl From<tokio_postgres::Error> for ServerError {
    fn from(e: tokio_postgres::Error) -> Self {
        let nul = [
            SqlState::CHARACTER_NOT_IN_REPERTOIRE,
            SqlState::UNTRANSLATABLE_CHARACTER,
        ];
        match e.code() {
            Some(code) if nul.contains(code) => {
                ServerError::BadRequest("a text holds a character no text may hold (NUL)".into())
            }
            // The database's own words, where it said any ("db error" alone says nothing).
            _ => ServerError::Postgres(match e.as_db_error() {
                Some(db) => format!("{} ({})", db.message(), db.code().code()),
                None => e.to_string(),
            }),
        }
    }
}

type BoxError = Box<dyn Error + Sync + Send>;

/// A parameter takes the type PostgreSQL expects in its place: the SQL is written once, for SQLite's
/// few types too.
impl ToSql for Param<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        match *self {
            Param::Null => Ok(IsNull::Yes),
            Param::Int(value) => match *ty {
                Type::INT8 => value.to_sql(ty, out),
                Type::INT4 => i32::try_from(value)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(value)?.to_sql(ty, out),
                Type::BOOL => (value != 0).to_sql(ty, out),
                _ => Err(format!("a number where PostgreSQL expects {ty}").into()),
            },
            Param::Text(text) => match *ty {
                Type::JSONB => {
                    // jsonb's binary form: a version byte, then the text.
                    out.put_u8(1);
                    out.put_slice(text.as_bytes());
                    Ok(IsNull::No)
                }
                Type::JSON => {
                    out.put_slice(text.as_bytes());
                    Ok(IsNull::No)
                }
                _ => text.to_sql(ty, out),
            },
            Param::Bytes(bytes) => bytes.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

impl<'a> FromSql<'a> for Cell {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        Ok(match *ty {
            Type::INT8 => Cell::Int(i64::from_sql(ty, raw)?),
            Type::INT4 => Cell::Int(i32::from_sql(ty, raw)?.into()),
            Type::INT2 => Cell::Int(i16::from_sql(ty, raw)?.into()),
            Type::BOOL => Cell::Int(bool::from_sql(ty, raw)?.into()),
            Type::FLOAT8 => Cell::Real(f64::from_sql(ty, raw)?),
            Type::BYTEA => Cell::Bytes(raw.to_vec()),
            Type::JSONB => {
                Cell::Text(std::str::from_utf8(raw.get(1..).unwrap_or_default())?.into())
            }
            _ => Cell::Text(String::from_sql(ty, raw)?),
        })
    }

    fn from_sql_null(_: &Type) -> Result<Self, BoxError> {
        Ok(Cell::Null)
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::dialect;

    #[test]
    fn parameters_are_numbered_the_postgresql_way_outside_quotes() {
        assert_eq!(
            dialect("SELECT fields ->> 'a?1' FROM rows WHERE row_id = ?1 AND x > ?12"),
            "SELECT fields ->> 'a?1' FROM rows WHERE row_id = $1 AND x > $12"
        );
    }
}
