//! What the server checks before it takes a change into the clinic's stream. Each check answers with a
//! [`Refusal`]: a code for the device's program and a reason a person can act on. The clinic's own
//! rules (who may make a change, the booking rule) are clinic-core's, the same functions the app
//! checks with, applied here to the server's rows.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use clinic_core::time::parse_instant;
use clinic_core::{
    BookedTime, ChangeAuthor, HeldBy, LONGEST_BOOKING, MergeRefusal, MergeSide, ProviderClash,
    PushingDevice, Role, booking_refusal, kept_as_written, may_push, merge_refusal,
    moves_with_a_merge,
};
use clinic_store::protocol::{ServerRow, refusals};
use clinic_store::{Change, HlcStamp, Operation, Table};
use serde_json::{Map, Value};

use crate::db::Tx;
use crate::error::ServerResult;

/// Why a change cannot be taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub code: &'static str,
    pub reason: String,
    /// The accepted row the change clashes with.
    pub clashes_with: Option<String>,
}

impl Refusal {
    fn new(code: &'static str, reason: impl Into<String>) -> Refusal {
        Refusal {
            code,
            reason: reason.into(),
            clashes_with: None,
        }
    }
}

type Fields = Map<String, Value>;
type Span = (DateTime<Utc>, DateTime<Utc>);

/// What a rule's check returns: Err(Refusal) refuses the change, a `ServerError` fails the push.
pub(crate) type Checked = ServerResult<Result<(), Refusal>>;

/// Whether the change is one the server can take at all: a known table, its device's own clock
/// stamp, plain column names the write path does not own, and values of a column type.
pub(crate) fn check_shape(change: &Change) -> Result<(), Refusal> {
    let bad = |reason: String| Err(Refusal::new(refusals::BAD_CHANGE, reason));
    if Table::from_name(&change.table).is_none() {
        return bad(format!(
            "the server does not know the table {}",
            change.table
        ));
    }
    let stamp: HlcStamp = match change.hlc.parse() {
        Ok(stamp) => stamp,
        Err(reason) => return bad(reason),
    };
    if stamp.node != change.device_id {
        return bad("the change's clock stamp is another device's".into());
    }
    // Neither database keeps a NUL character in a text, and no clinic's text holds one.
    let nul = [&change.row_id, &change.change_id, &change.recorded_at]
        .into_iter()
        .chain(&change.user_id)
        .map(String::as_str)
        .chain(change.fields.values().filter_map(Value::as_str))
        .any(|text| text.contains('\0'));
    if nul {
        return bad("a text holds a NUL character".into());
    }
    for (column, value) in &change.fields {
        let plain = column
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !plain || column.is_empty() {
            return bad(format!("{column:?} is not a column name"));
        }
        if matches!(
            column.as_str(),
            "id" | "created_at" | "created_by" | "updated_at" | "updated_by" | "hlc"
        ) {
            return bad(format!(
                "{column} is set by the write path, not by a change"
            ));
        }
        let scalar = match value {
            serde_json::Value::Array(_) => false,
            serde_json::Value::Object(map) => {
                map.len() == 1 && map.get("$hex").is_some_and(serde_json::Value::is_string)
            }
            _ => true,
        };
        if !scalar {
            return bad(format!("{column} holds a value of no column type"));
        }
    }
    Ok(())
}

/// An edit needs its row on the server: one whose insert was refused, or never arrived, is not.
pub(crate) fn check_row_is_here(
    change: &Change,
    before: Option<&ServerRow>,
) -> Result<(), Refusal> {
    if before.is_none() && change.operation != Operation::Insert {
        return Err(Refusal::new(
            refusals::NOT_ON_SERVER,
            format!(
                "{} {} is not on the server: its insert was refused or never arrived",
                change.table, change.row_id
            ),
        ));
    }
    Ok(())
}

/// What one push reads once rather than for each of its changes (a clinic's history comes in pushes
/// of hundreds): the pushing device's prefix, the role of each author, and whether any row was ever
/// refused. Kept true as the push goes on: a refusal, or a change to a user, updates it.
pub(crate) struct PushScope {
    prefix: String,
    /// Each author's role as the server holds it (None: no such user, or no role).
    roles: HashMap<String, Option<String>>,
    /// Most clinics have never had an insert refused: then no change can refer to one.
    any_refused: bool,
    /// Each provider's time off (a provider has few; it may last weeks, so all of it).
    time_off: HashMap<String, Vec<(String, Span)>>,
}

impl PushScope {
    pub(crate) fn begin(tx: &mut dyn Tx, device_id: &str) -> ServerResult<PushScope> {
        let prefix = tx
            .query_row(
                "SELECT prefix FROM devices WHERE id = ?1",
                &[device_id.into()],
            )?
            .and_then(|row| row.opt_text(0))
            .unwrap_or_default();
        let any_refused = tx
            .one(
                "SELECT count(*) FROM (SELECT 1 FROM refused_rows LIMIT 1) AS one",
                &[],
            )?
            .int(0)?
            > 0;
        Ok(PushScope {
            prefix,
            roles: HashMap::new(),
            any_refused,
            time_off: HashMap::new(),
        })
    }

    /// Whether a refused row may exist (to look for, or to clear).
    pub(crate) fn any_refused(&self) -> bool {
        self.any_refused
    }

    /// A row was refused in this push.
    pub(crate) fn refused(&mut self) {
        self.any_refused = true;
    }

    /// A change was taken: one to a user may have changed their role, one to time off a provider's.
    pub(crate) fn taken(&mut self, change: &Change) {
        if change.table == Table::Users.name() {
            self.roles.remove(&change.row_id);
        }
        if change.table == Table::ProviderTimeOff.name() {
            self.time_off.clear();
        }
    }

    fn time_off(&mut self, tx: &mut dyn Tx, provider: &str) -> ServerResult<&[(String, Span)]> {
        if !self.time_off.contains_key(provider) {
            let rows = tx.query(
                "SELECT row_id, fields FROM rows
                 WHERE table_name = 'provider_time_off' AND fields ->> 'provider_id' = ?1",
                &[provider.into()],
            )?;
            let mut spans = Vec::new();
            for row in rows {
                let fields: Fields = serde_json::from_str(&row.text(1)?).unwrap_or_default();
                if fields.get("archived_at").is_some_and(|a| !a.is_null()) {
                    continue;
                }
                let at = |c: &str| {
                    fields
                        .get(c)
                        .and_then(Value::as_str)
                        .and_then(parse_instant)
                };
                if let (Some(starts), Some(ends)) = (at("starts_at"), at("ends_at")) {
                    spans.push((row.text(0)?, (starts, ends)));
                }
            }
            self.time_off.insert(provider.to_owned(), spans);
        }
        Ok(&self.time_off[provider])
    }

    fn role(&mut self, tx: &mut dyn Tx, user: &str) -> ServerResult<Option<String>> {
        if let Some(role) = self.roles.get(user) {
            return Ok(role.clone());
        }
        // A text, or None: a row not here, or a value that is no text (a user row whose role is not
        // one makes its user unknown, and their changes refused, rather than failing every push).
        let role = tx
            .query_row(
                "SELECT fields ->> 'role' FROM rows WHERE table_name = 'users' AND row_id = ?1",
                &[user.into()],
            )?
            .and_then(|row| row.opt_text(0));
        self.roles.insert(user.to_owned(), role.clone());
        Ok(role)
    }
}

/// A change may not refer to a row whose insert the server refused: the other devices do not have it
/// (ids are UUIDs, unique across tables, so any column holding one is a reference).
pub(crate) fn check_references(tx: &mut dyn Tx, scope: &PushScope, change: &Change) -> Checked {
    if !scope.any_refused() {
        return Ok(Ok(()));
    }
    for value in change.fields.values() {
        let Some(id) = value.as_str().filter(|v| uuid::Uuid::parse_str(v).is_ok()) else {
            continue;
        };
        let refused = tx.query_row(
            "SELECT table_name FROM refused_rows WHERE row_id = ?1",
            &[id.into()],
        )?;
        if let Some(table) = refused.and_then(|row| row.opt_text(0)) {
            return Ok(Err(Refusal {
                code: refusals::REFERS_TO_REFUSED,
                reason: format!(
                    "it refers to {table} {id}, which the server refused: resolve that first"
                ),
                clashes_with: Some(id.to_owned()),
            }));
        }
    }
    Ok(Ok(()))
}

/// Whether the change's author may make it: the same rule as on the device, with the role the server
/// holds for that user now.
pub(crate) fn check_author(
    tx: &mut dyn Tx,
    scope: &mut PushScope,
    device_id: &str,
    change: &Change,
) -> Checked {
    let role = match &change.user_id {
        None => None,
        Some(user) => scope.role(tx, user)?.map(|role| Role::parse(&role)),
    };
    let author = match (&change.user_id, role) {
        (Some(id), Some(Some(role))) => ChangeAuthor::User { id, role },
        (Some(_), _) => ChangeAuthor::UnknownUser,
        // The computer the clinic was set up on is the first to pair: prefix A.
        (None, _) => ChangeAuthor::NoUser {
            brought_the_clinic: scope.prefix == "A",
        },
    };
    let device = PushingDevice {
        id: device_id,
        prefix: &scope.prefix,
    };
    Ok(may_push(author, device, change)
        .map_err(|reason| Refusal::new(refusals::NOT_PERMITTED, reason)))
}

/// The booking rule ([`provider_clash`]) for an appointment as the change leaves it: one that takes
/// its provider's time anew (booked, moved, given back its time) must not clash with another accepted
/// booking of that provider, nor with the provider's time off. An edit that leaves its time as it was
/// is not checked again.
pub(crate) fn check_booking(
    tx: &mut dyn Tx,
    scope: &mut PushScope,
    change: &Change,
    before: Option<&ServerRow>,
    after: &ServerRow,
) -> Checked {
    if change.table != Table::Appointments.name() {
        return Ok(Ok(()));
    }
    let read = |row: &ServerRow| BookedTime::from_fields(&change.row_id, &row.fields);
    let Some((provider, booking)) = read(after) else {
        return Ok(Err(Refusal::new(
            refusals::BAD_CHANGE,
            "the appointment has no readable provider, times or status",
        )));
    };
    if !booking.holds_time(HeldBy::Provider) {
        return Ok(Ok(()));
    }
    let unchanged = before.and_then(read).is_some_and(|(was_with, was)| {
        was_with == provider
            && was.span == booking.span
            && was.overbooked == booking.overbooked
            && was.holds_time(HeldBy::Provider)
    });
    if unchanged {
        return Ok(Ok(()));
    }
    if booking.span.1 - booking.span.0 > LONGEST_BOOKING {
        return Ok(Err(Refusal::new(
            refusals::BAD_CHANGE,
            format!(
                "an appointment lasts at most {} hours",
                LONGEST_BOOKING.num_hours()
            ),
        )));
    }
    let (from, to) = (
        clinic_store::format_instant(booking.span.0),
        clinic_store::format_instant(booking.span.1),
    );
    // No booking starting earlier can reach into this one.
    let earliest = clinic_store::format_instant(booking.span.0 - LONGEST_BOOKING);
    // Only rows of the provider that start in the window (a partial index on provider and start per
    // table): a push of a clinic's history checks each booking against a few, not all before it.
    let mut booked: Vec<BookedTime> = Vec::new();
    for row in tx.query(
        "SELECT row_id, fields FROM rows
         WHERE table_name = 'appointments' AND fields ->> 'provider_id' = ?1
           AND fields ->> 'starts_at' < ?3 AND fields ->> 'ends_at' > ?2
           AND fields ->> 'starts_at' >= ?4",
        &[
            provider.as_str().into(),
            from.as_str().into(),
            to.as_str().into(),
            earliest.as_str().into(),
        ],
    )? {
        let fields: Fields = serde_json::from_str(&row.text(1)?).unwrap_or_default();
        booked.extend(BookedTime::from_fields(&row.text(0)?, &fields).map(|(_, b)| b));
    }
    let (off_ids, away): (Vec<String>, Vec<Span>) =
        scope.time_off(tx, &provider)?.iter().cloned().unzip();
    Ok(match booking_refusal(&booking, &booked, &away) {
        None => Ok(()),
        Some(ProviderClash::Booked(other)) => Err(Refusal {
            code: refusals::BOOKING_CLASH,
            reason:
                "the provider already has a booking at that time, which reached the server first"
                    .into(),
            clashes_with: Some(other.id.clone()),
        }),
        Some(ProviderClash::Away(i)) => Err(Refusal {
            code: refusals::PROVIDER_AWAY,
            reason: "the provider is away (time off) at that time".into(),
            clashes_with: off_ids.get(i).cloned(),
        }),
    })
}

/// What is kept as written stays so ([`kept_as_written`]): a change that would change a signed note or
/// a recorded payment's money, as the server holds them, is refused.
pub(crate) fn check_kept(
    change: &Change,
    before: Option<&ServerRow>,
    after: &ServerRow,
) -> Result<(), Refusal> {
    let Some(before) = before else {
        return Ok(());
    };
    let changed: Vec<&str> = change
        .fields
        .keys()
        .map(String::as_str)
        .filter(|c| after.fields.get(*c) != before.fields.get(*c))
        .collect();
    match kept_as_written(&change.table, &before.fields, &changed) {
        Some(reason) => Err(Refusal::new(refusals::KEPT_AS_WRITTEN, reason)),
        None => Ok(()),
    }
}

/// A note is signed as its signer read it: a signature from a computer that had not seen a change
/// another computer made to the note since (after `seen_through` in the stream) is refused, and the
/// note stays a draft for them to read again and sign.
pub(crate) fn check_signature(
    tx: &mut dyn Tx,
    change: &Change,
    before: Option<&ServerRow>,
    after: &ServerRow,
    seen_through: i64,
) -> Checked {
    let status = |row: &ServerRow| {
        row.fields
            .get("status")
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let signs = change.table == Table::EncounterNotes.name()
        && status(after).as_deref() == Some("signed")
        && before.and_then(status).as_deref() != Some("signed");
    if !signs {
        return Ok(Ok(()));
    }
    let unseen = tx.exists(
        "SELECT 1 FROM changes WHERE table_name = ?1 AND row_id = ?2 AND server_seq > ?3
         AND device_id <> ?4 LIMIT 1",
        &[
            (&change.table).into(),
            (&change.row_id).into(),
            seen_through.into(),
            (&change.device_id).into(),
        ],
    )?;
    Ok(if unseen {
        Err(Refusal::new(
            refusals::NOTE_CHANGED_SINCE,
            "the note was changed on another computer since this one last synced: read it again and sign",
        ))
    } else {
        Ok(())
    })
}

/// The merge rule ([`merge_refusal`], [`moves_with_a_merge`]) over the records as the server holds
/// them: a redirect that merges two records another computer merged the other way (or into a third)
/// is refused, and so is the rest of that merge (its rows moved, its record), which no merge on the
/// server carries. A merge's redirect is its first change, so it is refused before anything else of it.
pub(crate) fn check_merge(
    tx: &mut dyn Tx,
    change: &Change,
    before: Option<&ServerRow>,
    after: &ServerRow,
) -> Checked {
    let text = |row: &ServerRow, column: &str| {
        row.fields
            .get(column)
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let merged_into = |tx: &mut dyn Tx, id: &str| -> ServerResult<Option<String>> {
        Ok(tx
            .query_row(
                "SELECT fields ->> 'merged_into_id' FROM rows
                 WHERE table_name = 'patients' AND row_id = ?1",
                &[id.into()],
            )?
            .and_then(|row| row.opt_text(0)))
    };
    let without_its_merge = |what: &str| {
        Ok(Err(Refusal::new(
            refusals::WITHOUT_ITS_MERGE,
            format!("{what} belongs to a merge the server does not hold"),
        )))
    };
    if change.table == Table::Patients.name() {
        let was = before.and_then(|b| text(b, "merged_into_id"));
        let Some(kept) = text(after, "merged_into_id").filter(|k| was.as_ref() != Some(k)) else {
            return Ok(Ok(()));
        };
        let kept_into = merged_into(tx, &kept)?;
        let refusal = merge_refusal(
            MergeSide {
                id: &kept,
                merged_into: kept_into.as_deref(),
            },
            MergeSide {
                id: &change.row_id,
                merged_into: was.as_deref(),
            },
        );
        let reason = match refusal {
            None => return Ok(Ok(())),
            Some(MergeRefusal::OtherWay) => {
                "another computer merged these two records the other way first"
            }
            Some(MergeRefusal::KeptMergedElsewhere) => {
                "another computer merged the record to keep into a third record first"
            }
            Some(MergeRefusal::MergedElsewhere) => {
                "another computer merged this record into another one first"
            }
        };
        return Ok(Err(Refusal {
            code: refusals::MERGED_ELSEWHERE,
            reason: reason.into(),
            clashes_with: Some(kept),
        }));
    }
    if change.table == Table::PatientMerges.name() {
        if change.operation != Operation::Insert {
            return Ok(Ok(()));
        }
        let (Some(kept), Some(merged)) =
            (text(after, "patient_id"), text(after, "merged_patient_id"))
        else {
            return without_its_merge("the merge's record");
        };
        // One record per merge: the same merge made on two computers is recorded once (the first).
        let redirected = merged_into(tx, &merged)?.as_deref() == Some(kept.as_str());
        return if redirected && merges_of(tx, &kept, &merged)?.1 == 0 {
            Ok(Ok(()))
        } else {
            without_its_merge("the merge's record")
        };
    }
    let from = before.and_then(|b| text(b, "patient_id"));
    let (Some(from), Some(to)) = (from, text(after, "patient_id")) else {
        return Ok(Ok(()));
    };
    if from == to {
        return Ok(Ok(()));
    }
    // Rows go back while a merge of `to` into `from` is undone: marked so, with none standing.
    let (merges, standing) = merges_of(tx, &from, &to)?;
    let undoing = merges > 0 && standing == 0;
    let (from_into, to_into) = (merged_into(tx, &from)?, merged_into(tx, &to)?);
    let moves = moves_with_a_merge(
        MergeSide {
            id: &from,
            merged_into: from_into.as_deref(),
        },
        MergeSide {
            id: &to,
            merged_into: to_into.as_deref(),
        },
        undoing,
    );
    if moves {
        Ok(Ok(()))
    } else {
        without_its_merge("moving it to another patient's record")
    }
}

/// How many records of merges of `merged` into `kept` the server holds, and how many of them stand
/// (are not undone).
fn merges_of(tx: &mut dyn Tx, kept: &str, merged: &str) -> ServerResult<(i64, i64)> {
    let counts = tx.one(
        "SELECT count(*), count(*) FILTER (WHERE fields ->> 'undone_at' IS NULL)
         FROM rows WHERE table_name = 'patient_merges'
           AND fields ->> 'patient_id' = ?1 AND fields ->> 'merged_patient_id' = ?2",
        &[kept.into(), merged.into()],
    )?;
    Ok((counts.int(0)?, counts.int(1)?))
}
