//! A digest of the clinic's synced content: per table, its rows and a SHA-256 over each row's id and
//! the fields its changes set. Devices and the server that hold the same content give the same digest,
//! so "have they converged?" is answered by comparing a few lines, with no patient data shown.
//!
//! A device hashes its rows' current values of the columns its recorded changes (made here or pulled)
//! set; the server hashes the fields it keeps. Columns no change set hold the schema's default on every
//! device and are left out, as the server never sees them.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::types::Value;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::sync::changes_of_table;
use crate::write::value_to_json;
use crate::{Store, StoreResult, Table};

/// Per table name, what it holds.
pub type ContentDigest = BTreeMap<String, TableDigest>;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableDigest {
    pub rows: u64,
    pub sha256: String,
}

/// Builds a [`ContentDigest`] from rows given in (table, row id) order, the order both SQLite's
/// `ORDER BY` and Rust's string comparison give.
#[derive(Default)]
pub struct DigestBuilder {
    tables: BTreeMap<String, (u64, Sha256)>,
}

impl DigestBuilder {
    pub fn add(
        &mut self,
        table: &str,
        row_id: &str,
        fields: &serde_json::Map<String, serde_json::Value>,
    ) {
        let (rows, hash) = self.tables.entry(table.to_owned()).or_default();
        *rows += 1;
        // serde_json's map is ordered by key, so the same fields always encode the same way.
        let line = serde_json::json!([row_id, fields]).to_string();
        hash.update(line.as_bytes());
        hash.update(b"\n");
    }

    pub fn finish(self) -> ContentDigest {
        self.tables
            .into_iter()
            .map(|(table, (rows, hash))| {
                let sha256 = hex::encode(hash.finalize());
                (table, TableDigest { rows, sha256 })
            })
            .collect()
    }
}

impl Store {
    /// The digest of this device's synced content (see the module's comment).
    pub fn content_digest(&self) -> StoreResult<ContentDigest> {
        let mut tables = Table::ALL.to_vec();
        tables.sort_by_key(|t| t.name());
        let mut digest = DigestBuilder::default();
        self.read(|r| {
            for table in tables {
                let mut columns: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
                for (row_id, fields) in changes_of_table(&r, table)? {
                    columns
                        .entry(row_id)
                        .or_default()
                        .extend(fields.keys().cloned());
                }
                for (row_id, set) in columns {
                    let list: Vec<&str> = set.iter().map(String::as_str).collect();
                    let sql = format!(
                        "SELECT {} FROM {} WHERE id = ?1",
                        list.join(", "),
                        table.name()
                    );
                    let values = r.query_opt(&sql, [&row_id], |row| {
                        (0..list.len())
                            .map(|i| row.get::<_, Value>(i))
                            .collect::<rusqlite::Result<Vec<_>>>()
                    })?;
                    // A row its changes name but that is not here hashes as no fields: it differs.
                    let fields = values
                        .map(|values| {
                            list.iter()
                                .zip(&values)
                                .map(|(c, v)| ((*c).to_owned(), value_to_json(v)))
                                .collect()
                        })
                        .unwrap_or_default();
                    digest.add(table.name(), &row_id, &fields);
                }
            }
            Ok::<_, crate::StoreError>(())
        })?;
        Ok(digest.finish())
    }
}
