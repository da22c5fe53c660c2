//! Reading: only statements SQLite itself reports as read-only may run through a [`Reader`].

use rusqlite::{CachedStatement, Connection, Params, Row};

use crate::{StoreError, StoreResult};

/// Read access to the store. Obtained from [`crate::Store::read`] or [`crate::WriteTx::reader`].
#[derive(Clone, Copy)]
pub struct Reader<'c> {
    pub(crate) conn: &'c Connection,
}

impl<'c> Reader<'c> {
    fn prepare(&self, sql: &str) -> StoreResult<CachedStatement<'c>> {
        let stmt = self.conn.prepare_cached(sql)?;
        if !stmt.readonly() {
            return Err(StoreError::NotReadOnly(sql.chars().take(80).collect()));
        }
        Ok(stmt)
    }

    /// Runs a query expected to return exactly one row.
    pub fn query_row<T, P: Params>(
        &self,
        sql: &str,
        params: P,
        map: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
    ) -> StoreResult<T> {
        let mut stmt = self.prepare(sql)?;
        Ok(stmt.query_row(params, map)?)
    }

    /// Runs a query expected to return at most one row.
    pub fn query_opt<T, P: Params>(
        &self,
        sql: &str,
        params: P,
        map: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
    ) -> StoreResult<Option<T>> {
        let mut stmt = self.prepare(sql)?;
        let mut rows = stmt.query(params)?;
        match rows.next()? {
            Some(row) => Ok(Some(map(row)?)),
            None => Ok(None),
        }
    }

    /// Runs a query and maps every row.
    pub fn query_all<T, P: Params>(
        &self,
        sql: &str,
        params: P,
        mut map: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> StoreResult<Vec<T>> {
        let mut stmt = self.prepare(sql)?;
        let rows = stmt.query_map(params, |row| map(row))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Counts the rows of a query such as `SELECT count(*) FROM ...`.
    pub fn count<P: Params>(&self, sql: &str, params: P) -> StoreResult<i64> {
        self.query_row(sql, params, |r| r.get(0))
    }
}
