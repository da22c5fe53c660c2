//! The waitlist: patients who want an earlier appointment. When a booking is cancelled or moved, the
//! entries that fit the freed time are offered in the order they joined, and one is booked in one step.

use chrono::NaiveTime;
use clinic_store::{Fields, Reader, Row, RowResult, Table};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::appointments::{book, weekday};
use super::{AppointmentStatus, NewAppointment, active_provider, optional_id, parse_id};
use crate::auth::permissions::Action;
use crate::patients::{active_patient, display_phone};
use crate::time::{local_hhmm, parse_instant};
use crate::validate::optional;
use crate::{Clinic, CoreError, CoreResult, SessionUser, message};

#[derive(Clone, Debug, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewWaitlistEntry {
    pub patient_id: String,
    /// One provider, or else any provider of `specialty`.
    pub provider_id: Option<String>,
    pub specialty: Option<String>,
    pub appointment_type_id: Option<String>,
    /// Preferred ISO weekdays (1 = Monday); empty for any day.
    pub weekdays: Vec<u32>,
    /// Preferred times, "HH:MM", clinic-local; empty for any time.
    pub earliest_time: Option<String>,
    pub latest_time: Option<String>,
    pub note: Option<String>,
}

#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WaitlistEntry {
    pub id: String,
    pub patient_id: String,
    pub patient_name: String,
    pub patient_mrn: String,
    pub phone: Option<String>,
    pub provider_id: Option<String>,
    pub provider_name: Option<String>,
    pub specialty: Option<String>,
    pub appointment_type_id: Option<String>,
    pub appointment_type: Option<String>,
    pub weekdays: Vec<u32>,
    pub earliest_time: Option<String>,
    pub latest_time: Option<String>,
    pub note: Option<String>,
    /// When the patient joined, RFC 3339.
    pub added_at: String,
}

const ENTRY_SELECT: &str =
    "SELECT w.id, w.patient_id, p.first_name || ' ' || p.last_name, p.mrn, p.phone,
        w.provider_id, v.display_name, w.specialty, w.appointment_type_id, t.name, w.weekdays,
        w.earliest_time, w.latest_time, w.note, w.created_at
    FROM waitlist_entries w
    JOIN patients p ON p.id = w.patient_id
    LEFT JOIN providers v ON v.id = w.provider_id
    LEFT JOIN appointment_types t ON t.id = w.appointment_type_id
    WHERE w.archived_at IS NULL AND w.booked_appointment_id IS NULL";

fn entry_row(row: &Row<'_>) -> RowResult<WaitlistEntry> {
    let weekdays: String = row.get(10)?;
    Ok(WaitlistEntry {
        id: row.get(0)?,
        patient_id: row.get(1)?,
        patient_name: row.get(2)?,
        patient_mrn: row.get(3)?,
        phone: row.get::<_, Option<String>>(4)?.map(|p| display_phone(&p)),
        provider_id: row.get(5)?,
        provider_name: row.get(6)?,
        specialty: row.get(7)?,
        appointment_type_id: row.get(8)?,
        appointment_type: row.get(9)?,
        weekdays: weekdays
            .split(',')
            .filter_map(|d| d.trim().parse().ok())
            .collect(),
        earliest_time: row.get(11)?,
        latest_time: row.get(12)?,
        note: row.get(13)?,
        added_at: row.get(14)?,
    })
}

fn open_entries(r: &Reader<'_>) -> CoreResult<Vec<WaitlistEntry>> {
    Ok(r.query_all(
        &format!("{ENTRY_SELECT} ORDER BY w.created_at"),
        [],
        entry_row,
    )?)
}

fn optional_time(field: &'static str, text: Option<&str>) -> CoreResult<Option<String>> {
    optional(field, text, 5)?
        .map(|t| {
            NaiveTime::parse_from_str(&t, "%H:%M")
                .map(|t| t.format("%H:%M").to_string())
                .map_err(|_| CoreError::invalid(field, message!("time_format")))
        })
        .transpose()
}

/// A freed appointment the waitlist can fill.
struct Freed {
    provider: String,
    specialty: String,
    patient: String,
    starts_at: String,
    ends_at: String,
    kind: Option<String>,
}

fn freed(r: &Reader<'_>, appointment: &str) -> CoreResult<Freed> {
    let found = r.query_opt(
        "SELECT a.provider_id, v.specialty, a.patient_id, a.starts_at, a.ends_at, a.appointment_type_id,
                a.status
         FROM appointments a JOIN providers v ON v.id = a.provider_id WHERE a.id = ?1",
        [appointment],
        |row| {
            Ok((
                Freed {
                    provider: row.get(0)?,
                    specialty: row.get(1)?,
                    patient: row.get(2)?,
                    starts_at: row.get(3)?,
                    ends_at: row.get(4)?,
                    kind: row.get(5)?,
                },
                row.get::<_, String>(6)?,
            ))
        },
    )?;
    let (freed, status) =
        found.ok_or_else(|| CoreError::NotFound(message!("appointment_not_found")))?;
    if AppointmentStatus::parse(&status).is_none_or(|s| s.occupies_slot()) {
        return Err(CoreError::Conflict(message!("still_holds_its_time")));
    }
    Ok(freed)
}

impl Clinic {
    /// Puts a patient on the waitlist. Returns the entry's id.
    pub fn add_to_waitlist(&self, by: &SessionUser, new: NewWaitlistEntry) -> CoreResult<String> {
        let access = self.authorize(by, Action::EditSchedule)?;
        let patient = parse_id("patientId", &new.patient_id)?;
        let provider = optional_id("providerId", new.provider_id.as_deref())?;
        let specialty = optional("specialty", new.specialty.as_deref(), 80)?;
        if provider.is_none() && specialty.is_none() {
            return Err(CoreError::invalid(
                "specialty",
                message!("provider_or_specialty"),
            ));
        }
        let kind = optional_id("appointmentTypeId", new.appointment_type_id.as_deref())?;
        let mut weekdays = new.weekdays.clone();
        weekdays.sort_unstable();
        weekdays.dedup();
        if weekdays.iter().any(|d| !(1..=7).contains(d)) {
            return Err(CoreError::invalid("weekdays", message!("weekday")));
        }
        let earliest = optional_time("earliestTime", new.earliest_time.as_deref())?;
        let latest = optional_time("latestTime", new.latest_time.as_deref())?;
        if let (Some(e), Some(l)) = (&earliest, &latest)
            && l <= e
        {
            return Err(CoreError::invalid(
                "latestTime",
                message!("latest_before_earliest"),
            ));
        }
        let note = optional("note", new.note.as_deref(), 200)?;
        access.write(|tx| {
            active_patient(&tx.reader(), patient)?;
            if let Some(provider) = provider {
                active_provider(&tx.reader(), provider)?;
            }
            let id = tx.insert(
                Table::WaitlistEntries,
                Fields::new()
                    .set("patient_id", patient)
                    .set("provider_id", provider)
                    .set("specialty", specialty.as_deref())
                    .set("appointment_type_id", kind)
                    .set(
                        "weekdays",
                        weekdays
                            .iter()
                            .map(u32::to_string)
                            .collect::<Vec<_>>()
                            .join(","),
                    )
                    .set("earliest_time", earliest.as_deref())
                    .set("latest_time", latest.as_deref())
                    .set("note", note.as_deref()),
            )?;
            Ok(id.to_string())
        })
    }

    /// The open waitlist, in the order patients joined. Audited as a read of the patients shown.
    pub fn waitlist(&self, by: &SessionUser) -> CoreResult<Vec<WaitlistEntry>> {
        let access = self.authorize(by, Action::ViewSchedule)?;
        let entries = access.read(|r| open_entries(&r))?;
        access.audit_shown(
            "view_waitlist",
            "waitlist_entries",
            entries.iter().map(|e| e.patient_id.as_str()),
        )?;
        Ok(entries)
    }

    /// Takes a patient off the waitlist (the entry is archived).
    pub fn remove_from_waitlist(&self, by: &SessionUser, entry_id: &str) -> CoreResult<()> {
        let access = self.authorize(by, Action::EditSchedule)?;
        let id = parse_id("entryId", entry_id)?;
        access.write(|tx| {
            if !tx.archive(Table::WaitlistEntries, id)? {
                return Err(CoreError::NotFound(message!("waitlist_entry_not_open")));
            }
            Ok(())
        })
    }

    /// The waitlist entries that fit the time a cancelled or moved appointment freed, in the order the
    /// patients joined: same provider (or specialty), a preferred weekday and within the preferred times.
    pub fn waitlist_candidates(
        &self,
        by: &SessionUser,
        freed_appointment_id: &str,
    ) -> CoreResult<Vec<WaitlistEntry>> {
        let access = self.authorize(by, Action::ViewSchedule)?;
        let id = parse_id("appointmentId", freed_appointment_id)?.to_string();
        let settings = self.settings()?;
        let tz = settings.time_zone;
        let now = self.now();
        let found = access.read(|r| {
            let slot = freed(&r, &id)?;
            let (Some(starts), Some(ends)) =
                (parse_instant(&slot.starts_at), parse_instant(&slot.ends_at))
            else {
                return Ok(vec![]);
            };
            if starts < now {
                return Ok(vec![]);
            }
            let (day, start, end) = (
                starts.with_timezone(&tz).date_naive(),
                local_hhmm(tz, starts),
                local_hhmm(tz, ends),
            );
            Ok(open_entries(&r)?
                .into_iter()
                .filter(|e| e.patient_id != slot.patient)
                .filter(|e| match &e.provider_id {
                    Some(p) => *p == slot.provider,
                    None => e
                        .specialty
                        .as_deref()
                        .is_some_and(|s| s.eq_ignore_ascii_case(&slot.specialty)),
                })
                .filter(|e| e.weekdays.is_empty() || e.weekdays.contains(&weekday(day)))
                .filter(|e| e.earliest_time.as_deref().is_none_or(|t| *t <= *start))
                .filter(|e| e.latest_time.as_deref().is_none_or(|t| *t >= *end))
                .collect())
        })?;
        access.audit_shown(
            "view_waitlist_candidates",
            "waitlist_entries",
            found.iter().map(|e| e.patient_id.as_str()),
        )?;
        Ok(found)
    }

    /// Books a waitlisted patient into the time a cancelled or moved appointment freed, with the same
    /// checks as any booking (someone may have taken the time meanwhile), and closes the entry.
    pub fn book_from_waitlist(
        &self,
        by: &SessionUser,
        entry_id: &str,
        freed_appointment_id: &str,
    ) -> CoreResult<String> {
        let access = self.authorize(by, Action::EditSchedule)?;
        let entry = parse_id("entryId", entry_id)?;
        let freed_id = parse_id("appointmentId", freed_appointment_id)?.to_string();
        let tz = self.settings()?.time_zone;
        access.write(|tx| {
            let r = tx.reader();
            let slot = freed(&r, &freed_id)?;
            let waiting = open_entries(&r)?
                .into_iter()
                .find(|e| e.id == entry.to_string())
                .ok_or_else(|| CoreError::NotFound(message!("waitlist_entry_not_open")))?;
            let booked = book(
                tx,
                tz,
                &NewAppointment {
                    patient_id: waiting.patient_id,
                    provider_id: slot.provider,
                    appointment_type_id: waiting.appointment_type_id.or(slot.kind),
                    starts_at: slot.starts_at,
                    ends_at: slot.ends_at,
                    reason: waiting.note,
                    allow_patient_overlap: None,
                    // The freed time was a booking already: its hours were accepted then.
                    allow_outside_hours: Some(true),
                },
            )?;
            tx.update(
                Table::WaitlistEntries,
                entry,
                Fields::new().set("booked_appointment_id", booked),
            )?;
            Ok(booked.to_string())
        })
    }
}
