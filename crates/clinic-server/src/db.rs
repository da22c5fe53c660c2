//! The one interface the server's logic writes through, so that its SQL is written once for both
//! databases it can keep a clinic in: SQLite (SQLCipher, one file) and PostgreSQL. A statement uses
//! `?1`, `?2`... for its parameters and `fields ->> 'column'` for a field of a kept row, which both
//! understand; each driver ([`crate::sqlite`], [`crate::postgres`]) runs it in one transaction.

use crate::error::{ServerError, ServerResult};

/// A statement's parameter.
#[derive(Clone, Copy, Debug)]
pub enum Param<'a> {
    Null,
    Int(i64),
    Text(&'a str),
    Bytes(&'a [u8]),
}

impl<'a> From<&'a str> for Param<'a> {
    fn from(text: &'a str) -> Self {
        Param::Text(text)
    }
}

impl<'a> From<&'a String> for Param<'a> {
    fn from(text: &'a String) -> Self {
        Param::Text(text)
    }
}

impl<'a> From<Option<&'a str>> for Param<'a> {
    fn from(text: Option<&'a str>) -> Self {
        text.map_or(Param::Null, Param::Text)
    }
}

impl<'a> From<&'a Option<String>> for Param<'a> {
    fn from(text: &'a Option<String>) -> Self {
        text.as_deref().map_or(Param::Null, Param::Text)
    }
}

impl From<i64> for Param<'_> {
    fn from(value: i64) -> Self {
        Param::Int(value)
    }
}

impl From<bool> for Param<'_> {
    fn from(value: bool) -> Self {
        Param::Int(i64::from(value))
    }
}

impl<'a> From<&'a [u8]> for Param<'a> {
    fn from(bytes: &'a [u8]) -> Self {
        Param::Bytes(bytes)
    }
}

/// One value of a result row, whatever the database's type for it (a boolean reads as 0 or 1, a JSON
/// document as its text).
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Bytes(Vec<u8>),
}

/// A result row.
#[derive(Clone, Debug, PartialEq)]
pub struct Row(pub Vec<Cell>);

impl Row {
    fn cell(&self, i: usize) -> &Cell {
        self.0.get(i).unwrap_or(&Cell::Null)
    }

    pub fn int(&self, i: usize) -> ServerResult<i64> {
        match self.cell(i) {
            Cell::Int(value) => Ok(*value),
            other => Err(unexpected(i, "a number", other)),
        }
    }

    pub fn text(&self, i: usize) -> ServerResult<String> {
        self.opt_text(i)
            .ok_or_else(|| unexpected(i, "a text", self.cell(i)))
    }

    /// The text in column `i`; None for NULL and for a value that is no text.
    pub fn opt_text(&self, i: usize) -> Option<String> {
        match self.cell(i) {
            Cell::Text(text) => Some(text.clone()),
            _ => None,
        }
    }

    pub fn bytes(&self, i: usize) -> ServerResult<Vec<u8>> {
        match self.cell(i) {
            Cell::Bytes(bytes) => Ok(bytes.clone()),
            other => Err(unexpected(i, "bytes", other)),
        }
    }

    pub fn flag(&self, i: usize) -> ServerResult<bool> {
        Ok(self.int(i)? != 0)
    }
}

fn unexpected(column: usize, wanted: &str, found: &Cell) -> ServerError {
    ServerError::Internal(format!(
        "the server's store holds {found:?} where {wanted} was expected (column {column})"
    ))
}

/// One open transaction.
pub trait Tx {
    /// Runs a statement; returns how many rows it changed.
    fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> ServerResult<u64>;
    fn query(&mut self, sql: &str, params: &[Param<'_>]) -> ServerResult<Vec<Row>>;
    /// Makes the pushes wait for each other, from here to the end of this transaction; reads go on.
    /// Every push takes it first: the clinic's rules then read all that was accepted before, and the
    /// stream's numbers are given out in the order pushes commit, so a pull never skips one.
    fn lock_stream(&mut self) -> ServerResult<()>;

    fn query_row(&mut self, sql: &str, params: &[Param<'_>]) -> ServerResult<Option<Row>> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// The first row a query must return (a count, the identity).
    fn one(&mut self, sql: &str, params: &[Param<'_>]) -> ServerResult<Row> {
        self.query_row(sql, params)?
            .ok_or_else(|| ServerError::Internal(format!("no row for: {sql}")))
    }

    fn exists(&mut self, sql: &str, params: &[Param<'_>]) -> ServerResult<bool> {
        Ok(self.query_row(sql, params)?.is_some())
    }
}

/// A database the server's store lives in.
pub trait Db: Send + Sync + 'static {
    /// Runs `f` in one transaction: committed when it returns Ok, rolled back when it fails.
    fn transaction<T>(&self, f: impl FnOnce(&mut dyn Tx) -> ServerResult<T>) -> ServerResult<T>;
}
