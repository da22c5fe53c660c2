//! The audit trail as administrators read it: filtered and paged, exported as CSV, and a patient's
//! "who looked at my record" report. Reading or exporting it is itself audited.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use clinic_store::{AlteredRow, AuditEvent, Reader, Row, RowResult, Table, format_instant};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::auth::permissions::Action;
use crate::clinic::Access;
use crate::spreadsheet::csv_line;
use crate::sync::{ClinicServer, open_session, push_audit_trail};
use crate::time::day_bounds;
use crate::validate::date;
use crate::{Clinic, CoreError, CoreResult, SessionUser, message};
use clinic_store::protocol::{AuditRecord, ClinicAuditEntry, ClinicAuditQuery};

/// What `clinic audit verify` found: whether the hash chain holds (and still reaches the head recorded
/// outside the database), and which of the rows that matter most differ from their recorded changes.
#[derive(Clone, Debug, Serialize)]
pub struct AuditCheck {
    pub first_broken_entry: Option<i64>,
    pub altered_rows: Vec<AlteredRow>,
}

impl AuditCheck {
    pub fn intact(&self) -> bool {
        self.first_broken_entry.is_none() && self.altered_rows.is_empty()
    }
}

/// Rows whose every value must be what the write path recorded: who may do what, what was signed, what
/// was paid (table, columns, which rows).
const RECORDED_EXACTLY: [(Table, &[&str], &str); 3] = [
    (
        Table::Users,
        &[
            "username",
            "role",
            "active",
            "password_hash",
            "must_change_password",
        ],
        "1",
    ),
    (
        Table::EncounterNotes,
        &[
            "encounter_id",
            "kind",
            "amends_note_id",
            "body",
            "status",
            "signed_at",
            "signed_by",
        ],
        "status = 'signed'",
    ),
    (
        Table::Payments,
        &[
            "invoice_id",
            "patient_id",
            "kind",
            "refund_of_id",
            "method",
            "amount_minor",
            "status",
            "received_at",
        ],
        "1",
    ),
];

impl Clinic {
    /// Records the audit chain's newest entry in `store.json` now (the app does at each sign-out), not
    /// only when the clinic closes: a session's entries are then covered even if the app is killed.
    pub fn record_audit_head(&self) -> CoreResult<()> {
        Ok(self.system(None).store().record_audit_head()?)
    }

    /// Checks the audit trail's hash chain, and the users, signed notes and payments against their
    /// recorded changes.
    pub fn verify_audit(&self, by: &SessionUser) -> CoreResult<AuditCheck> {
        let access = self.authorize(by, Action::ViewAudit)?;
        let store = access.store();
        let mut altered_rows = Vec::new();
        for (table, columns, rows_where) in RECORDED_EXACTLY {
            altered_rows.extend(store.rows_unlike_their_changes(table, columns, rows_where)?);
        }
        Ok(AuditCheck {
            first_broken_entry: store.first_broken_audit_entry()?,
            altered_rows,
        })
    }
}

/// Which entries to show. Every filter is optional; dates are clinic-local and inclusive.
#[derive(Clone, Debug, Default, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditQuery {
    pub user_id: Option<String>,
    /// Entries about this patient, including lists and searches that showed them.
    pub patient_id: Option<String>,
    pub action: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// Pages after the first pass the `upTo` of the first, so that new entries (the audit of each page
    /// read among them) do not shift them.
    #[ts(type = "number | null")]
    pub up_to: Option<i64>,
    #[ts(type = "number")]
    pub offset: i64,
    #[ts(type = "number")]
    pub limit: i64,
}

#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    #[ts(type = "number")]
    pub seq: i64,
    pub at: String,
    pub user_id: Option<String>,
    pub user_name: Option<String>,
    pub device: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub patient_id: Option<String>,
    pub patient_name: Option<String>,
    /// Extra facts as JSON (fields changed, patients a list showed); never clinical content.
    pub details: Option<String>,
}

#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditPage {
    #[ts(type = "number")]
    pub total: i64,
    /// The newest entry this page and the following ones include.
    #[ts(type = "number")]
    pub up_to: i64,
    pub entries: Vec<AuditEntry>,
}

/// The users and actions the audit trail mentions, for the filters.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditFilterOptions {
    pub users: Vec<AuditUser>,
    pub actions: Vec<String>,
}

#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditUser {
    pub id: String,
    pub name: String,
}

/// One user's accesses to one patient's record.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PatientAccess {
    pub user_id: Option<String>,
    pub user_name: Option<String>,
    pub role: Option<String>,
    #[ts(type = "number")]
    pub times: i64,
    pub first_at: String,
    pub last_at: String,
    pub actions: Vec<String>,
}

/// The filter as SQL parameters: user, patient, action, from, to (UTC instants), up to.
struct Filter {
    user: Option<String>,
    patient: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
    up_to: i64,
}

const ENTRY_COLUMNS: &str =
    "a.seq, a.at, a.user_id, u.display_name, d.name, a.action, a.entity, a.entity_id,
     a.patient_id, p.first_name || ' ' || p.last_name, a.details";

const ENTRY_JOINS: &str = "audit_log a
     LEFT JOIN users u ON u.id = a.user_id
     LEFT JOIN devices d ON d.id = a.device_id
     LEFT JOIN patients p ON p.id = a.patient_id";

/// Lists that show patients (the patient list, visits, the calendar, the waiting room) record the
/// patients they showed in `details.shown`.
/// A patient's entries include those of the records merged into theirs, and exports of every patient.
const FILTER: &str = "(?1 IS NULL OR a.user_id = ?1)
     AND (?2 IS NULL
          OR a.patient_id IN (SELECT ?2 UNION ALL SELECT id FROM patients WHERE merged_into_id = ?2)
          OR EXISTS (SELECT 1 FROM json_each(a.details, '$.shown') WHERE value = ?2
                     OR value IN (SELECT id FROM patients WHERE merged_into_id = ?2))
          OR json_extract(a.details, '$.allPatients') IS 1)
     AND (?3 IS NULL OR a.action = ?3)
     AND (?4 IS NULL OR a.at >= ?4)
     AND (?5 IS NULL OR a.at < ?5)
     AND a.seq <= ?6";

fn entry(row: &Row<'_>) -> RowResult<AuditEntry> {
    Ok(AuditEntry {
        seq: row.get(0)?,
        at: row.get(1)?,
        user_id: row.get(2)?,
        user_name: row.get(3)?,
        device: row.get(4)?,
        action: row.get(5)?,
        entity: row.get(6)?,
        entity_id: row.get(7)?,
        patient_id: row.get(8)?,
        patient_name: row.get(9)?,
        details: row.get(10)?,
    })
}

impl Clinic {
    /// A page of the audit trail, newest first.
    pub fn audit_log(&self, by: &SessionUser, query: AuditQuery) -> CoreResult<AuditPage> {
        let access = self.authorize(by, Action::ViewAudit)?;
        // Asked for 0 (or 10,000) entries, the user gets a reason, not some other number of them.
        if !(1..=500).contains(&query.limit) {
            return Err(CoreError::invalid(
                "limit",
                message!("between", min = 1, max = 500),
            ));
        }
        let limit = query.limit;
        let offset = query.offset.max(0);
        let filter = self.filter(&access, &query)?;
        let page = access.read(|r| {
            let total = r.count(
                &format!("SELECT count(*) FROM audit_log a WHERE {FILTER}"),
                filter.params(),
            )?;
            let entries = r.query_all(
                &format!(
                    "SELECT {ENTRY_COLUMNS} FROM {ENTRY_JOINS} WHERE {FILTER}
                     ORDER BY a.seq DESC LIMIT {limit} OFFSET {offset}"
                ),
                filter.params(),
                entry,
            )?;
            Ok(AuditPage {
                total,
                up_to: filter.up_to,
                entries,
            })
        })?;
        audit_read(&access, "view_audit", &query, page.entries.len() as i64)?;
        Ok(page)
    }

    /// Every entry the query matches (paging aside), oldest first, as CSV for a spreadsheet.
    pub fn export_audit_csv(&self, by: &SessionUser, query: AuditQuery) -> CoreResult<String> {
        let access = self.authorize(by, Action::ViewAudit)?;
        let filter = self.filter(&access, &query)?;
        let entries = access.read(|r| {
            Ok(r.query_all(
                &format!("SELECT {ENTRY_COLUMNS} FROM {ENTRY_JOINS} WHERE {FILTER} ORDER BY a.seq"),
                filter.params(),
                entry,
            )?)
        })?;
        let mut csv = String::from(
            "seq,at,user,user_id,device,action,entity,entity_id,patient,patient_id,details\r\n",
        );
        for e in &entries {
            let cells = [
                e.seq.to_string(),
                e.at.clone(),
                e.user_name.clone().unwrap_or_default(),
                e.user_id.clone().unwrap_or_default(),
                e.device.clone().unwrap_or_default(),
                e.action.clone(),
                e.entity.clone(),
                e.entity_id.clone().unwrap_or_default(),
                e.patient_name.clone().unwrap_or_default(),
                e.patient_id.clone().unwrap_or_default(),
                e.details.clone().unwrap_or_default(),
            ];
            csv.push_str(&csv_line(&cells));
        }
        audit_read(&access, "export_audit", &query, entries.len() as i64)?;
        Ok(csv)
    }

    /// The users and actions the trail mentions, for the screen's filters.
    pub fn audit_filter_options(&self, by: &SessionUser) -> CoreResult<AuditFilterOptions> {
        let access = self.authorize(by, Action::ViewAudit)?;
        access.read(|r| {
            Ok(AuditFilterOptions {
                users: r.query_all(
                    "SELECT id, display_name FROM users ORDER BY display_name",
                    [],
                    |row| {
                        Ok(AuditUser {
                            id: row.get(0)?,
                            name: row.get(1)?,
                        })
                    },
                )?,
                actions: r.query_all(
                    "SELECT DISTINCT action FROM audit_log ORDER BY action",
                    [],
                    |row| row.get(0),
                )?,
            })
        })
    }

    /// "Who looked at my record": every user who read or changed the patient's record, or saw them
    /// in a list, with how often and when.
    pub fn patient_access_report(
        &self,
        by: &SessionUser,
        patient_id: &str,
    ) -> CoreResult<Vec<PatientAccess>> {
        let access = self.authorize(by, Action::ViewAudit)?;
        let query = AuditQuery {
            patient_id: Some(patient_id.to_owned()),
            ..AuditQuery::default()
        };
        let filter = self.filter(&access, &query)?;
        let rows: Vec<AccessRow> = access.read(|r| {
            Ok(r.query_all(
                &format!(
                    "SELECT a.user_id, u.display_name, u.role, a.at, a.action FROM audit_log a
                         LEFT JOIN users u ON u.id = a.user_id WHERE {FILTER} ORDER BY a.seq"
                ),
                filter.params(),
                |row| {
                    Ok((
                        row.get(0)?,
                        row.get(1)?,
                        row.get(2)?,
                        row.get(3)?,
                        row.get(4)?,
                    ))
                },
            )?)
        })?;
        let report = accesses_by_user(rows);
        audit_read(
            &access,
            "patient_access_report",
            &query,
            report.len() as i64,
        )?;
        Ok(report)
    }

    /// A page of the whole clinic's trail, newest first, read from the clinic server: every
    /// computer's entries as they pushed them (this computer's are sent first, so none is missing).
    /// The same filters as [`Clinic::audit_log`]; names are this computer's. Needs the server.
    pub fn clinic_audit_log(
        &self,
        by: &SessionUser,
        query: AuditQuery,
        server: &dyn ClinicServer,
    ) -> CoreResult<AuditPage> {
        let access = self.authorize(by, Action::ViewAudit)?;
        if !(1..=500).contains(&query.limit) {
            return Err(CoreError::invalid(
                "limit",
                message!("between", min = 1, max = 500),
            ));
        }
        let asked = self.clinic_query(&access, by, &query)?;
        let page = server.clinic_audit(&send_own_trail(&access, server)?, &asked)?;
        let names = Names::of(&access, &page.entries)?;
        let entries: Vec<AuditEntry> = page
            .entries
            .into_iter()
            .map(|e| names.entry(e.place, e.entry))
            .collect();
        audit_read(&access, "view_clinic_audit", &query, entries.len() as i64)?;
        Ok(AuditPage {
            total: page.total,
            up_to: page.up_to,
            entries,
        })
    }

    /// "Who looked at my record" on every computer of the clinic, from the server's trail.
    pub fn clinic_patient_access_report(
        &self,
        by: &SessionUser,
        patient_id: &str,
        server: &dyn ClinicServer,
    ) -> CoreResult<Vec<PatientAccess>> {
        let access = self.authorize(by, Action::ViewAudit)?;
        let query = AuditQuery {
            patient_id: Some(patient_id.to_owned()),
            limit: MAX_PAGE,
            ..AuditQuery::default()
        };
        let mut asked = self.clinic_query(&access, by, &query)?;
        let token = send_own_trail(&access, server)?;
        let mut entries = Vec::new();
        loop {
            let page = server.clinic_audit(&token, &asked)?;
            let done = page.entries.len() < MAX_PAGE as usize;
            asked.up_to = Some(page.up_to);
            asked.offset += MAX_PAGE;
            entries.extend(page.entries);
            if done {
                break;
            }
        }
        let names = Names::of(&access, &entries)?;
        // Oldest first, as the report gathers them.
        entries.sort_by(|a, b| (&a.entry.at, a.place).cmp(&(&b.entry.at, b.place)));
        let rows = entries
            .into_iter()
            .map(|e| {
                let user = e.entry.user_id.as_ref().and_then(|id| names.users.get(id));
                (
                    e.entry.user_id.clone(),
                    user.map(|(name, _)| name.clone()),
                    user.map(|(_, role)| role.clone()),
                    e.entry.at,
                    e.entry.action,
                )
            })
            .collect();
        let report = accesses_by_user(rows);
        audit_read(
            &access,
            "clinic_patient_access_report",
            &query,
            report.len() as i64,
        )?;
        Ok(report)
    }

    /// `query` as the server reads it: the patient with the records merged into theirs, the dates as
    /// instants.
    fn clinic_query(
        &self,
        access: &Access<'_>,
        by: &SessionUser,
        query: &AuditQuery,
    ) -> CoreResult<ClinicAuditQuery> {
        let filter = self.filter(access, query)?;
        let patients = match &filter.patient {
            None => None,
            Some(patient) => {
                let merged: Vec<String> = access.read(|r| {
                    Ok(r.query_all(
                        "SELECT id FROM patients WHERE merged_into_id = ?1",
                        [patient],
                        |row| row.get(0),
                    )?)
                })?;
                Some(
                    std::iter::once(patient.clone())
                        .chain(merged)
                        .collect::<Vec<_>>()
                        .join(","),
                )
            }
        };
        Ok(ClinicAuditQuery {
            as_user: by.id.clone(),
            user_id: filter.user,
            patients,
            action: filter.action,
            from: filter.from,
            to: filter.to,
            up_to: query.up_to,
            offset: query.offset.max(0),
            limit: query.limit,
        })
    }

    fn filter(&self, access: &Access<'_>, query: &AuditQuery) -> CoreResult<Filter> {
        let tz = self.settings()?.time_zone;
        let day = |field: &'static str, value: &Option<String>| -> CoreResult<Option<NaiveDate>> {
            value
                .as_deref()
                .filter(|v| !v.trim().is_empty())
                .map(|v| date(field, v))
                .transpose()
        };
        let from = day("from", &query.from)?;
        let to = day("to", &query.to)?;
        if let (Some(from), Some(to)) = (from, to)
            && from > to
        {
            return Err(CoreError::invalid("to", message!("last_day_before_first")));
        }
        let text = |v: &Option<String>| v.clone().filter(|v| !v.trim().is_empty());
        let newest = access.read(|r: Reader<'_>| {
            Ok(r.count("SELECT coalesce(max(seq), 0) FROM audit_log", [])?)
        })?;
        Ok(Filter {
            user: text(&query.user_id),
            patient: text(&query.patient_id),
            action: text(&query.action),
            from: from.map(|d| format_instant(day_bounds(tz, d).0)),
            to: to.map(|d| format_instant(day_bounds(tz, d).1)),
            up_to: query.up_to.unwrap_or(newest).min(newest),
        })
    }
}

/// The filter's SQL parameters, ?1 to ?6.
type FilterParams<'a> = (
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    i64,
);

/// One access to a patient's record: user id, name and role, when, and the action.
type AccessRow = (
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    String,
);

impl Filter {
    fn params(&self) -> FilterParams<'_> {
        (
            self.user.as_deref(),
            self.patient.as_deref(),
            self.action.as_deref(),
            self.from.as_deref(),
            self.to.as_deref(),
            self.up_to,
        )
    }
}

/// A patient's accesses (oldest first) gathered per user: how often, first and last, which actions;
/// the user who looked last first.
fn accesses_by_user(rows: Vec<AccessRow>) -> Vec<PatientAccess> {
    let mut by_user: BTreeMap<Option<String>, PatientAccess> = BTreeMap::new();
    for (user_id, user_name, role, at, action) in rows {
        let seen = by_user
            .entry(user_id.clone())
            .or_insert_with(|| PatientAccess {
                user_id,
                user_name,
                role,
                times: 0,
                first_at: at.clone(),
                last_at: at.clone(),
                actions: Vec::new(),
            });
        seen.times += 1;
        seen.last_at = at;
        if !seen.actions.contains(&action) {
            seen.actions.push(action);
        }
    }
    let mut report: Vec<PatientAccess> = by_user.into_values().collect();
    report.sort_by(|a, b| b.last_at.cmp(&a.last_at));
    report
}

/// Opens a session with the server and sends it this computer's audit entries it lacks, so the
/// clinic's trail read next includes them; returns the session's access token.
fn send_own_trail(access: &Access<'_>, server: &dyn ClinicServer) -> CoreResult<String> {
    let store = access.store();
    let token = open_session(store, server)?;
    push_audit_trail(store, server, &token)?;
    Ok(token)
}

/// The most entries one page of the clinic's trail holds.
const MAX_PAGE: i64 = 500;

/// The names this computer knows for the users, computers and patients a page of the clinic's trail
/// mentions.
struct Names {
    /// Name and role per user id.
    users: BTreeMap<String, (String, String)>,
    devices: BTreeMap<String, String>,
    patients: BTreeMap<String, String>,
}

impl Names {
    fn of(access: &Access<'_>, entries: &[ClinicAuditEntry]) -> CoreResult<Names> {
        access.read(|r| {
            let users = r
                .query_all("SELECT id, display_name, role FROM users", [], |row| {
                    Ok((row.get(0)?, (row.get(1)?, row.get(2)?)))
                })?
                .into_iter()
                .collect();
            let devices = r
                .query_all("SELECT id, name FROM devices", [], |row| {
                    Ok((row.get(0)?, row.get(1)?))
                })?
                .into_iter()
                .collect();
            let mut patients = BTreeMap::new();
            for id in entries.iter().filter_map(|e| e.entry.patient_id.as_ref()) {
                if patients.contains_key(id) {
                    continue;
                }
                let name: Option<String> = r
                    .query_all(
                        "SELECT first_name || ' ' || last_name FROM patients WHERE id = ?1",
                        [id],
                        |row| row.get(0),
                    )?
                    .into_iter()
                    .next();
                if let Some(name) = name {
                    patients.insert(id.clone(), name);
                }
            }
            Ok(Names {
                users,
                devices,
                patients,
            })
        })
    }

    fn entry(&self, place: i64, e: AuditRecord) -> AuditEntry {
        AuditEntry {
            seq: place,
            user_name: e
                .user_id
                .as_ref()
                .and_then(|id| self.users.get(id))
                .map(|(name, _)| name.clone()),
            device: self.devices.get(&e.device_id).cloned(),
            patient_name: e
                .patient_id
                .as_ref()
                .and_then(|id| self.patients.get(id))
                .cloned(),
            at: e.at,
            user_id: e.user_id,
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id,
            patient_id: e.patient_id,
            details: e.details,
        }
    }
}

/// Reading the audit trail is itself recorded: who looked, with which filter, how much they saw.
fn audit_read(access: &Access<'_>, action: &str, query: &AuditQuery, shown: i64) -> CoreResult<()> {
    access.audit(AuditEvent {
        action: action.into(),
        entity: "audit_log".into(),
        patient_id: query.patient_id.clone(),
        details: Some(serde_json::json!({
            "user": query.user_id,
            "action": query.action,
            "from": query.from,
            "to": query.to,
            "entries": shown,
        })),
        ..AuditEvent::default()
    })
}
