//! The waiting room: patients who arrived today in order of arrival, the doctor calling the next one
//! in, and what the waiting-room display shows.

use clinic_store::{Fields, Table, format_instant};
use serde::Serialize;
use ts_rs::TS;

use super::appointments::{SUMMARY_COLUMNS, SUMMARY_FROM, SUMMARY_WIDTH, summary_row};
use super::{AppointmentStatus, AppointmentSummary, parse_id};
use crate::auth::permissions::Action;
use crate::time::{day_bounds, local_hhmm, parse_instant, today};
use crate::validate::required;
use crate::{Clinic, CoreError, CoreResult, SessionUser, message};

/// A patient in the waiting room (checked in) or with the doctor (in progress).
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct QueueEntry {
    pub appointment: AppointmentSummary,
    /// Arrival, "HH:MM" on the clinic's wall clock.
    pub arrived_at: String,
    /// Minutes since arrival (for those still waiting), or since being called in.
    #[ts(type = "number")]
    pub waiting_minutes: i64,
    pub room: Option<String>,
    pub called_at: Option<String>,
}

/// A call shown on the waiting-room display: first name and last initial only, never the full name.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RoomCall {
    pub appointment_id: String,
    pub display_name: String,
    pub room: String,
    pub called_at: String,
    /// "HH:MM" on the clinic's wall clock.
    pub local_time: String,
}

/// "José N." from a first and last name.
pub(crate) fn first_name_and_initial(first: &str, last: &str) -> String {
    match last.trim().chars().next() {
        Some(initial) => format!("{} {}.", first.trim(), initial.to_uppercase()),
        None => first.trim().to_owned(),
    }
}

impl Clinic {
    /// Today's waiting room: those waiting, by arrival, then those with a doctor. Showing it is a read
    /// of the patients shown; it is audited.
    pub fn waiting_room(&self, by: &SessionUser) -> CoreResult<Vec<QueueEntry>> {
        let access = self.authorize(by, Action::ViewSchedule)?;
        let tz = self.settings()?.time_zone;
        let now = self.now();
        let (from, to) = day_bounds(tz, today(tz, now));
        let entries = access.read(|r| {
            let summary = summary_row(tz, now);
            Ok(r.query_all(
                &format!(
                    "SELECT {SUMMARY_COLUMNS}, a.room, a.called_at {SUMMARY_FROM}
                     WHERE a.archived_at IS NULL AND a.status IN ('checked_in', 'in_progress')
                       AND a.checked_in_at >= ?1 AND a.checked_in_at < ?2
                     ORDER BY a.status = 'in_progress', a.checked_in_at"
                ),
                (format_instant(from), format_instant(to)),
                |row| {
                    let appointment = summary(row)?;
                    let called_at: Option<String> = row.get(SUMMARY_WIDTH + 1)?;
                    let arrived = appointment
                        .checked_in_at
                        .as_deref()
                        .and_then(parse_instant)
                        .unwrap_or(now);
                    let since = match appointment.status {
                        AppointmentStatus::InProgress => called_at
                            .as_deref()
                            .and_then(parse_instant)
                            .unwrap_or(arrived),
                        _ => arrived,
                    };
                    Ok(QueueEntry {
                        arrived_at: local_hhmm(tz, arrived),
                        waiting_minutes: (now - since).num_minutes().max(0),
                        room: row.get(SUMMARY_WIDTH)?,
                        called_at,
                        appointment,
                    })
                },
            )?)
        })?;
        access.audit_shown(
            "view_waiting_room",
            "appointments",
            entries.iter().map(|e| e.appointment.patient_id.as_str()),
        )?;
        Ok(entries)
    }

    /// The doctor calls a patient in to a room: a waiting patient's visit starts (in progress); calling
    /// one already in progress calls them again (they did not hear). The display shows the call.
    pub fn call_patient(
        &self,
        by: &SessionUser,
        appointment_id: &str,
        room: &str,
    ) -> CoreResult<()> {
        let access = self.authorize(by, Action::StartVisit)?;
        let id = parse_id("appointmentId", appointment_id)?;
        let room = required("room", room, 20)?;
        access.write(|tx| {
            let status: Option<String> = tx.reader().query_opt(
                "SELECT status FROM appointments WHERE id = ?1 AND archived_at IS NULL",
                [id.to_string()],
                |row| row.get(0),
            )?;
            let status = status
                .and_then(|s| AppointmentStatus::parse(&s))
                .ok_or_else(|| CoreError::NotFound(message!("appointment_not_found")))?;
            let now = tx.now();
            let fields = Fields::new()
                .set("room", room.as_str())
                .set("called_at", now);
            let fields = match status {
                AppointmentStatus::CheckedIn => fields
                    .set("status", AppointmentStatus::InProgress.as_str())
                    .set("started_at", now),
                AppointmentStatus::InProgress => fields,
                other => {
                    return Err(CoreError::Conflict(message!(
                        "call_in_not_waiting",
                        status = other.said(),
                    )));
                }
            };
            tx.update(Table::Appointments, id, fields)?;
            Ok(())
        })
    }

    /// Today's calls, newest first (at most `limit`), for the waiting-room display. Names are cut to the
    /// first name and last initial here, in the core, so the full name never reaches the display. The
    /// display polls this every few seconds, so it is not audited: it shows only what the room hears.
    pub fn room_calls(&self, by: &SessionUser, limit: u32) -> CoreResult<Vec<RoomCall>> {
        let access = self.authorize(by, Action::ViewSchedule)?;
        let tz = self.settings()?.time_zone;
        let (from, to) = day_bounds(tz, today(tz, self.now()));
        access.read(|r| {
            Ok(r.query_all(
                "SELECT a.id, p.first_name, p.last_name, a.room, a.called_at FROM appointments a
                 JOIN patients p ON p.id = a.patient_id
                 WHERE a.archived_at IS NULL AND a.called_at >= ?1 AND a.called_at < ?2
                   AND a.room IS NOT NULL AND a.status = 'in_progress'
                 ORDER BY a.called_at DESC LIMIT ?3",
                (format_instant(from), format_instant(to), limit.clamp(1, 20)),
                |row| {
                    let called_at: String = row.get(4)?;
                    Ok(RoomCall {
                        appointment_id: row.get(0)?,
                        display_name: first_name_and_initial(
                            &row.get::<_, String>(1)?,
                            &row.get::<_, String>(2)?,
                        ),
                        room: row.get(3)?,
                        local_time: parse_instant(&called_at)
                            .map(|t| local_hhmm(tz, t))
                            .unwrap_or_default(),
                        called_at,
                    })
                },
            )?)
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_display_shows_the_first_name_and_the_last_initial() {
        use super::first_name_and_initial as show;
        assert_eq!(show("José", "Núñez"), "José N.");
        assert_eq!(show(" Zoë ", "müller"), "Zoë M.");
        assert_eq!(show("Ana", "Ölz"), "Ana Ö.");
        assert_eq!(show("Ana", ""), "Ana");
    }
}
