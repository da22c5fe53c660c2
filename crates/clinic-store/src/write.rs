//! The one write path.
//!
//! A [`WriteTx`] is the only way to change a synced table. Each insert, update, archive or restore:
//! 1. stamps the row with its metadata (`updated_at`, `updated_by`, `hlc`, ...);
//! 2. appends exactly one change record to the outbox (gapless `device_seq`, UUIDv7 `change_id`, the
//!    changed fields with their new values);
//! 3. appends an entry to the hash-chained audit trail;
//!
//! all inside the caller's single transaction, which commits or rolls back as a whole.

use std::collections::BTreeMap;
use std::ops::Deref;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Savepoint, Transaction, params, params_from_iter};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, AuditContext, AuditEvent};
use crate::hlc::{Hlc, HlcStamp};
use crate::read::Reader;
use crate::store::{Identity, Shared};
use crate::table::METADATA_COLUMNS;
use crate::{StoreError, StoreResult, Table, format_instant};

/// The kind of change an outbox record describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Operation {
    Insert,
    Update,
    Archive,
    Restore,
}

impl Operation {
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Insert => "insert",
            Operation::Update => "update",
            Operation::Archive => "archive",
            Operation::Restore => "restore",
        }
    }

    pub fn from_name(name: &str) -> Option<Operation> {
        [
            Operation::Insert,
            Operation::Update,
            Operation::Archive,
            Operation::Restore,
        ]
        .into_iter()
        .find(|o| o.as_str() == name)
    }
}

/// A per-device series of human-facing numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Series {
    /// Medical record numbers, e.g. `A-000123`.
    Mrn,
    /// Invoice numbers, e.g. `INV-A-000045`.
    Invoice,
}

impl Series {
    fn key(self) -> &'static str {
        match self {
            Series::Mrn => "mrn",
            Series::Invoice => "invoice",
        }
    }

    fn format(self, prefix: &str, value: i64) -> String {
        match self {
            Series::Mrn => format!("{prefix}-{value:06}"),
            Series::Invoice => format!("INV-{prefix}-{value:06}"),
        }
    }
}

/// A value as the write path stores it. Implemented for the types the domain uses, so that dates,
/// instants and ids always reach the database in the one canonical text form.
pub trait FieldValue {
    fn into_value(self) -> Value;
}

impl FieldValue for Value {
    fn into_value(self) -> Value {
        self
    }
}
impl FieldValue for &str {
    fn into_value(self) -> Value {
        Value::Text(self.to_owned())
    }
}
impl FieldValue for String {
    fn into_value(self) -> Value {
        Value::Text(self)
    }
}
impl FieldValue for &String {
    fn into_value(self) -> Value {
        Value::Text(self.clone())
    }
}
impl FieldValue for i64 {
    fn into_value(self) -> Value {
        Value::Integer(self)
    }
}
impl FieldValue for i32 {
    fn into_value(self) -> Value {
        Value::Integer(self.into())
    }
}
impl FieldValue for u32 {
    fn into_value(self) -> Value {
        Value::Integer(self.into())
    }
}
impl FieldValue for bool {
    fn into_value(self) -> Value {
        Value::Integer(self.into())
    }
}
impl FieldValue for f64 {
    fn into_value(self) -> Value {
        Value::Real(self)
    }
}
impl FieldValue for Vec<u8> {
    fn into_value(self) -> Value {
        Value::Blob(self)
    }
}
impl FieldValue for Uuid {
    fn into_value(self) -> Value {
        Value::Text(self.to_string())
    }
}
impl FieldValue for NaiveDate {
    fn into_value(self) -> Value {
        Value::Text(self.format("%Y-%m-%d").to_string())
    }
}
impl FieldValue for DateTime<Utc> {
    fn into_value(self) -> Value {
        Value::Text(format_instant(self))
    }
}
impl<T: FieldValue> FieldValue for Option<T> {
    fn into_value(self) -> Value {
        self.map_or(Value::Null, FieldValue::into_value)
    }
}

/// The domain columns of one row write, in the order given.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fields(Vec<(&'static str, Value)>);

impl Fields {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a column; a later `set` of the same column replaces the earlier one.
    pub fn set(mut self, column: &'static str, value: impl FieldValue) -> Self {
        let value = value.into_value();
        match self.0.iter_mut().find(|(c, _)| *c == column) {
            Some(slot) => slot.1 = value,
            None => self.0.push((column, value)),
        }
        self
    }

    pub fn get(&self, column: &str) -> Option<&Value> {
        self.0.iter().find(|(c, _)| *c == column).map(|(_, v)| v)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn columns(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.iter().map(|(c, _)| *c)
    }
}

/// What a write commits: its own transaction, or a savepoint inside the one transaction of
/// [`crate::Store::all_or_nothing`]. Dropped uncommitted, either rolls back.
pub(crate) enum Scope<'s> {
    Transaction(Transaction<'s>),
    Savepoint(Savepoint<'s>),
}

impl Scope<'_> {
    pub(crate) fn commit(self) -> rusqlite::Result<()> {
        match self {
            Scope::Transaction(tx) => tx.commit(),
            Scope::Savepoint(sp) => sp.commit(),
        }
    }
}

impl Deref for Scope<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        match self {
            Scope::Transaction(tx) => tx,
            Scope::Savepoint(sp) => sp,
        }
    }
}

/// One transaction on the store. Dropped without [`WriteTx`] being committed by [`crate::Store::write`],
/// everything in it is rolled back.
/// Where a local write came from, kept with its change record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WriteSource {
    /// Made by a person in the app or the CLI.
    #[default]
    Local,
    /// Read from a file (a patient import).
    Import,
}

impl WriteSource {
    pub fn as_str(self) -> &'static str {
        match self {
            WriteSource::Local => "local",
            WriteSource::Import => "import",
        }
    }
}

pub struct WriteTx<'s> {
    pub(crate) tx: Scope<'s>,
    pub(crate) shared: &'s Shared,
    /// This device as the transaction began (re-enrolling changes it inside the transaction).
    pub(crate) device: Identity,
    pub(crate) clock: &'s mut Hlc,
    pub(crate) user_id: Option<String>,
    pub(crate) now: DateTime<Utc>,
    pub(crate) source: WriteSource,
}

impl<'s> WriteTx<'s> {
    /// Marks this transaction's writes as coming from `source` (they are `Local` unless said).
    pub fn set_source(&mut self, source: WriteSource) {
        self.source = source;
    }

    /// Reads inside this transaction (sees its own uncommitted writes).
    pub fn reader(&self) -> Reader<'_> {
        Reader { conn: &self.tx }
    }

    /// The instant this transaction stamps on what it writes.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    pub fn user_id(&self) -> Option<&str> {
        self.user_id.as_deref()
    }

    /// The device this store belongs to.
    pub fn device_id(&self) -> &str {
        &self.device.device_id
    }

    /// Inserts a new row with a fresh UUIDv7 id and returns the id.
    pub fn insert(&mut self, table: Table, fields: Fields) -> StoreResult<Uuid> {
        let id = Uuid::now_v7();
        self.insert_with_id(table, id, fields)?;
        Ok(id)
    }

    /// Inserts a new row whose id the caller chose (for example, a device registering itself).
    pub fn insert_with_id(&mut self, table: Table, id: Uuid, fields: Fields) -> StoreResult<()> {
        self.check_columns(table, fields.columns())?;
        let hlc = self.tick();
        let now = format_instant(self.now);
        let id_text = id.to_string();
        // Every metadata column but `archived_at`, which a new row leaves empty.
        let mut columns: Vec<&str> = METADATA_COLUMNS[..6].to_vec();
        let mut values: Vec<Value> = vec![
            Value::Text(id_text.clone()),
            Value::Text(now.clone()),
            self.user_value(),
            Value::Text(now),
            self.user_value(),
            Value::Text(hlc.to_string()),
        ];
        for (column, value) in &fields.0 {
            columns.push(column);
            values.push(value.clone());
        }
        let placeholders = vec!["?"; columns.len()].join(", ");
        let sql = format!(
            "INSERT INTO {} ({}) VALUES ({placeholders})",
            table.name(),
            columns.join(", ")
        );
        self.tx
            .prepare_cached(&sql)?
            .execute(params_from_iter(values.iter()))?;
        self.tx
            .prepare_cached(
                "INSERT INTO row_clocks (table_name, row_id, clocks) VALUES (?1, ?2, json_object('*', ?3))",
            )?
            .execute(params![table.name(), id_text, hlc.to_string()])?;
        let patient_id = patient_of(table, &id_text, &fields);
        self.record_change(
            table,
            &id_text,
            Operation::Insert,
            &fields.0,
            &hlc,
            patient_id,
        )
    }

    /// Sets the given columns of an existing row. Only columns whose value really changes are written
    /// and recorded; returns false (and writes nothing at all) when nothing changed.
    pub fn update(&mut self, table: Table, id: Uuid, fields: Fields) -> StoreResult<bool> {
        self.check_columns(table, fields.columns())?;
        self.write_columns(table, id, fields.0)
    }

    /// Sets one column named at run time (a value a person chose to keep in Needs attention), as
    /// [`WriteTx::update`] does.
    pub fn set_column(
        &mut self,
        table: Table,
        id: Uuid,
        column: &str,
        value: Value,
    ) -> StoreResult<bool> {
        self.check_columns(table, std::iter::once(column))?;
        self.write_columns(table, id, vec![(column, value)])
    }

    fn write_columns(
        &mut self,
        table: Table,
        id: Uuid,
        fields: Vec<(&str, Value)>,
    ) -> StoreResult<bool> {
        if fields.is_empty() {
            return Ok(false);
        }
        let id_text = id.to_string();
        let current = self.current_values(table, &id_text, fields.iter().map(|(c, _)| *c))?;
        let changed: Vec<(&str, Value)> = fields
            .into_iter()
            .filter(|(column, value)| current.get(column) != Some(value))
            .collect();
        if changed.is_empty() {
            return Ok(false);
        }
        let hlc = self.tick();
        let columns: Vec<&str> = changed.iter().map(|(c, _)| *c).collect();
        self.stamp_columns(table, &id_text, &columns, &hlc)?;
        let assignments: Vec<String> = columns.iter().map(|c| format!("{c} = ?")).collect();
        let sql = format!(
            "UPDATE {} SET {}, updated_at = ?, updated_by = ?, hlc = ? WHERE id = ?",
            table.name(),
            assignments.join(", ")
        );
        let mut values: Vec<Value> = changed.iter().map(|(_, v)| v.clone()).collect();
        values.extend([
            Value::Text(format_instant(self.now)),
            self.user_value(),
            Value::Text(hlc.to_string()),
            Value::Text(id_text.clone()),
        ]);
        self.tx.execute(&sql, params_from_iter(values.iter()))?;
        let patient_id = self.patient_of_row(table, &id_text)?;
        self.record_change(
            table,
            &id_text,
            Operation::Update,
            &changed,
            &hlc,
            patient_id,
        )?;
        Ok(true)
    }

    /// Sends a row the clinic server does not have (its insert was refused) again, whole, as a new
    /// insert, after setting `fields`: how a person resolves a refused row (moved, cancelled, booked as
    /// overbooked). Every column of the row takes the new stamp.
    pub fn send_again(&mut self, table: Table, id: Uuid, fields: Fields) -> StoreResult<()> {
        self.check_columns(table, fields.columns())?;
        let id_text = id.to_string();
        let hlc = self.tick();
        let mut assignments: Vec<String> = fields.columns().map(|c| format!("{c} = ?")).collect();
        assignments.extend(["updated_at = ?", "updated_by = ?", "hlc = ?"].map(String::from));
        let mut values: Vec<Value> = fields.0.iter().map(|(_, v)| v.clone()).collect();
        values.extend([
            Value::Text(format_instant(self.now)),
            self.user_value(),
            Value::Text(hlc.to_string()),
            Value::Text(id_text.clone()),
        ]);
        let sql = format!(
            "UPDATE {} SET {} WHERE id = ?",
            table.name(),
            assignments.join(", ")
        );
        if self.tx.execute(&sql, params_from_iter(values.iter()))? == 0 {
            return Err(StoreError::NotFound {
                table: table.name(),
                id: id_text,
            });
        }
        self.tx
            .prepare_cached(
                "INSERT INTO row_clocks (table_name, row_id, clocks) VALUES (?1, ?2, json_object('*', ?3))
                 ON CONFLICT (table_name, row_id) DO UPDATE SET clocks = excluded.clocks",
            )?
            .execute(params![table.name(), id_text, hlc.to_string()])?;
        let shared = self.shared;
        let columns = shared
            .columns
            .get(&table)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(String::as_str)
            .filter(|c| *c == "archived_at" || !METADATA_COLUMNS.contains(c));
        let whole: Vec<(&str, Value)> = self
            .current_values(table, &id_text, columns)?
            .into_iter()
            .filter(|(c, v)| *c != "archived_at" || *v != Value::Null)
            .collect();
        let patient_id = self.patient_of_row(table, &id_text)?;
        self.record_change(table, &id_text, Operation::Insert, &whole, &hlc, patient_id)
    }

    /// Archives (soft-deletes) a row. Returns false when it was already archived.
    pub fn archive(&mut self, table: Table, id: Uuid) -> StoreResult<bool> {
        self.set_archived(table, id, true)
    }

    /// Brings an archived row back. Returns false when it was not archived.
    pub fn restore(&mut self, table: Table, id: Uuid) -> StoreResult<bool> {
        self.set_archived(table, id, false)
    }

    /// Takes the next number of one of this device's series, e.g. `A-000124`.
    pub fn next_number(&mut self, series: Series) -> StoreResult<String> {
        let value: i64 = self
            .tx
            .prepare_cached(
                "INSERT INTO number_series (series, next_value) VALUES (?1, 2)
                 ON CONFLICT (series) DO UPDATE SET next_value = next_value + 1
                 RETURNING next_value - 1",
            )?
            .query_row([series.key()], |r| r.get(0))?;
        Ok(series.format(&self.device.prefix, value))
    }

    /// Records an event that is not a row write (a sign-in, opening a chart) in the audit trail.
    pub fn audit(&mut self, event: AuditEvent) -> StoreResult<()> {
        let at = format_instant(self.now);
        let ctx = AuditContext {
            at: &at,
            user_id: self.user_id.as_deref(),
            device_id: &self.device.device_id,
        };
        audit::append(&self.tx, &ctx, &event)
    }

    fn set_archived(&mut self, table: Table, id: Uuid, archived: bool) -> StoreResult<bool> {
        let id_text = id.to_string();
        let current = self.current_values(table, &id_text, ["archived_at"].into_iter())?;
        let is_archived = !matches!(current.get("archived_at"), Some(Value::Null) | None);
        if is_archived == archived {
            return Ok(false);
        }
        let hlc = self.tick();
        let now = format_instant(self.now);
        let archived_at = if archived {
            Value::Text(now.clone())
        } else {
            Value::Null
        };
        self.stamp_columns(table, &id_text, &["archived_at"], &hlc)?;
        let sql = format!(
            "UPDATE {} SET archived_at = ?1, updated_at = ?2, updated_by = ?3, hlc = ?4 WHERE id = ?5",
            table.name()
        );
        self.tx.execute(
            &sql,
            params![
                archived_at,
                now,
                self.user_value(),
                hlc.to_string(),
                id_text
            ],
        )?;
        let operation = if archived {
            Operation::Archive
        } else {
            Operation::Restore
        };
        let patient_id = self.patient_of_row(table, &id_text)?;
        let fields = Fields::new().set("archived_at", archived_at);
        self.record_change(table, &id_text, operation, &fields.0, &hlc, patient_id)?;
        Ok(true)
    }

    /// Appends the outbox record and the audit entry for one row write.
    fn record_change(
        &mut self,
        table: Table,
        row_id: &str,
        operation: Operation,
        fields: &[(&str, Value)],
        hlc: &HlcStamp,
        patient_id: Option<String>,
    ) -> StoreResult<()> {
        let device_seq: i64 = self
            .tx
            .prepare_cached(
                "UPDATE this_device SET next_device_seq = next_device_seq + 1, last_hlc = ?1
                 RETURNING next_device_seq - 1",
            )?
            .query_row([hlc.to_string()], |r| r.get(0))?;
        let field_json: BTreeMap<&str, serde_json::Value> = fields
            .iter()
            .map(|(column, value)| (*column, value_to_json(value)))
            .collect();
        let recorded_at = format_instant(self.now);
        self.tx
            .prepare_cached(
                "INSERT INTO outbox (device_seq, change_id, device_id, hlc, table_name, row_id, operation,
                                     fields, schema_version, user_id, recorded_at, source)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
            .execute(params![
                device_seq,
                Uuid::now_v7().to_string(),
                self.device.device_id,
                hlc.to_string(),
                table.name(),
                row_id,
                operation.as_str(),
                serde_json::to_string(&field_json).unwrap_or_default(),
                self.shared.schema_version,
                self.user_id,
                recorded_at,
                self.source.as_str(),
            ],
        )?;
        let mut details = match operation {
            Operation::Update => {
                let columns: Vec<&str> = fields.iter().map(|(c, _)| *c).collect();
                Some(json!({ "fields": columns }))
            }
            _ => None,
        };
        if self.source != WriteSource::Local {
            details
                .get_or_insert_with(|| json!({}))
                .as_object_mut()
                .map(|d| d.insert("source".into(), self.source.as_str().into()));
        }
        self.audit(AuditEvent {
            action: operation.as_str().to_owned(),
            entity: table.name().to_owned(),
            entity_id: Some(row_id.to_owned()),
            patient_id,
            details,
        })
    }

    /// Records that `columns` of a row were last written at `hlc`. Called before the row itself is
    /// written: a row from before per-column clocks first gets its current `hlc` for every column.
    pub(crate) fn stamp_columns(
        &self,
        table: Table,
        row_id: &str,
        columns: &[&str],
        hlc: &HlcStamp,
    ) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO row_clocks (table_name, row_id, clocks)
             SELECT ?1, id, json_object('*', hlc) FROM {} WHERE id = ?2
             ON CONFLICT (table_name, row_id) DO NOTHING",
            table.name()
        );
        self.tx
            .prepare_cached(&sql)?
            .execute(params![table.name(), row_id])?;
        let stamps: serde_json::Map<String, serde_json::Value> = columns
            .iter()
            .map(|c| ((*c).to_owned(), json!(hlc.to_string())))
            .collect();
        self.tx
            .prepare_cached(
                "UPDATE row_clocks SET clocks = json_patch(clocks, ?3) WHERE table_name = ?1 AND row_id = ?2",
            )?
            .execute(params![
                table.name(),
                row_id,
                serde_json::Value::Object(stamps).to_string()
            ])?;
        Ok(())
    }

    pub(crate) fn tick(&mut self) -> HlcStamp {
        self.clock.tick(self.now.timestamp_millis())
    }

    fn user_value(&self) -> Value {
        self.user_id.clone().map_or(Value::Null, Value::Text)
    }

    fn check_columns<'a>(
        &self,
        table: Table,
        columns: impl Iterator<Item = &'a str>,
    ) -> StoreResult<()> {
        let known = self
            .shared
            .columns
            .get(&table)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for column in columns {
            if METADATA_COLUMNS.contains(&column) || !known.iter().any(|k| k == column) {
                return Err(StoreError::UnknownColumn {
                    table: table.name(),
                    column: column.to_owned(),
                });
            }
        }
        Ok(())
    }

    fn current_values<'a>(
        &self,
        table: Table,
        id: &str,
        columns: impl Iterator<Item = &'a str>,
    ) -> StoreResult<BTreeMap<&'a str, Value>> {
        let columns: Vec<&str> = columns.collect();
        let sql = format!(
            "SELECT {} FROM {} WHERE id = ?1",
            columns.join(", "),
            table.name()
        );
        let values = self
            .tx
            .query_row(&sql, [id], |row| {
                (0..columns.len())
                    .map(|i| row.get::<_, Value>(i))
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                table: table.name(),
                id: id.to_owned(),
            })?;
        Ok(columns.into_iter().zip(values).collect())
    }

    /// The patient a stored row belongs to, for the audit trail.
    pub(crate) fn patient_of_row(&self, table: Table, id: &str) -> StoreResult<Option<String>> {
        if table == Table::Patients {
            return Ok(Some(id.to_owned()));
        }
        let has_patient = self
            .shared
            .columns
            .get(&table)
            .is_some_and(|c| c.iter().any(|c| c == "patient_id"));
        if !has_patient {
            return Ok(None);
        }
        let sql = format!("SELECT patient_id FROM {} WHERE id = ?1", table.name());
        Ok(self
            .tx
            .query_row(&sql, [id], |r| r.get(0))
            .optional()?
            .flatten())
    }
}

/// The patient a row being inserted belongs to, for the audit trail.
fn patient_of(table: Table, id: &str, fields: &Fields) -> Option<String> {
    if table == Table::Patients {
        return Some(id.to_owned());
    }
    match fields.get("patient_id") {
        Some(Value::Text(patient)) => Some(patient.clone()),
        _ => None,
    }
}

/// The JSON form of a column value in an outbox record. Blobs travel as `{"$hex": "..."}`.
pub(crate) fn value_to_json(value: &Value) -> serde_json::Value {
    match value {
        Value::Null => serde_json::Value::Null,
        Value::Integer(i) => json!(i),
        Value::Real(f) => json!(f),
        Value::Text(t) => json!(t),
        Value::Blob(b) => json!({ "$hex": hex::encode(b) }),
    }
}
