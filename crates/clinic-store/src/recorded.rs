//! Rows compared with their own change records. Every write through [`crate::WriteTx`] records the
//! values it set, in the same transaction: in the outbox, or in `pulled_changes` for a change from the
//! server; so a row whose current value differs from what its changes add up to (folded in HLC order)
//! was written around the app (with the key, outside Clinic). The audit check
//! runs this over what matters most: users' roles and passwords, signed notes, recorded payments.

use std::collections::HashMap;

use rusqlite::types::Value;
use serde::Serialize;

use crate::sync::changes_of_table;
use crate::write::value_to_json;
use crate::{Reader, StoreResult, Table};

/// A row whose columns differ from what its recorded changes say they are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AlteredRow {
    pub table: &'static str,
    pub row_id: String,
    pub columns: Vec<&'static str>,
}

/// The rows of `table` matching `rows_where` (SQL over the table's columns, e.g. `status = 'signed'`)
/// whose `columns` differ from their recorded changes. A column no change ever set holds the schema's
/// default, or the row is altered.
pub(crate) fn rows_unlike_their_changes(
    r: &Reader<'_>,
    table: Table,
    columns: &[&'static str],
    rows_where: &str,
) -> StoreResult<Vec<AlteredRow>> {
    let mut recorded: HashMap<String, serde_json::Map<String, serde_json::Value>> = HashMap::new();
    for (row_id, fields) in changes_of_table(r, table)? {
        recorded.entry(row_id).or_default().extend(fields);
    }
    let defaults = column_defaults(r, table)?;
    let rows = r.query_all(
        &format!(
            "SELECT id, {} FROM {} WHERE {rows_where} ORDER BY id",
            columns.join(", "),
            table.name()
        ),
        [],
        |row| {
            let id: String = row.get(0)?;
            let values = (1..=columns.len())
                .map(|i| row.get::<_, Value>(i))
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok((id, values))
        },
    )?;
    let none = serde_json::Map::new();
    Ok(rows
        .into_iter()
        .filter_map(|(row_id, values)| {
            let changes = recorded.get(&row_id).unwrap_or(&none);
            let differ: Vec<&'static str> = columns
                .iter()
                .zip(&values)
                .filter(|(column, value)| {
                    let expected = changes
                        .get(**column)
                        .or_else(|| defaults.get(**column))
                        .unwrap_or(&serde_json::Value::Null);
                    value_to_json(value) != *expected
                })
                .map(|(column, _)| *column)
                .collect();
            (!differ.is_empty()).then(|| AlteredRow {
                table: table.name(),
                row_id,
                columns: differ,
            })
        })
        .collect())
}

/// Each column's declared default as the JSON a change record would hold (a number or a quoted text).
pub(crate) fn column_defaults(
    r: &Reader<'_>,
    table: Table,
) -> StoreResult<HashMap<String, serde_json::Value>> {
    let declared = r.query_all(
        &format!(
            "SELECT name, dflt_value FROM pragma_table_info('{}')",
            table.name()
        ),
        [],
        |row| Ok((row.get::<_, String>(0)?, row.get::<_, Option<String>>(1)?)),
    )?;
    Ok(declared
        .into_iter()
        .filter_map(|(name, default)| {
            let default = default?;
            let value = match default
                .strip_prefix('\'')
                .and_then(|d| d.strip_suffix('\''))
            {
                Some(text) => serde_json::Value::from(text.replace("''", "'")),
                None => serde_json::Value::from(default.parse::<i64>().ok()?),
            };
            Some((name, value))
        })
        .collect())
}
