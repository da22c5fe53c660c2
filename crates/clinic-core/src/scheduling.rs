//! Scheduling: providers, their working hours, appointment types and appointments.

use chrono::{DateTime, NaiveDate, Utc};
use clinic_store::{Fields, Table, format_instant};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::auth::permissions::Action;
use crate::time::{day_bounds, local_hhmm, parse_instant};
use crate::validate::{optional, required};
use crate::{Clinic, CoreError, CoreResult, SessionUser};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AppointmentStatus {
    Scheduled,
    Confirmed,
    CheckedIn,
    InProgress,
    Completed,
    Cancelled,
    NoShow,
}

impl AppointmentStatus {
    pub const ALL: [AppointmentStatus; 7] = [
        AppointmentStatus::Scheduled,
        AppointmentStatus::Confirmed,
        AppointmentStatus::CheckedIn,
        AppointmentStatus::InProgress,
        AppointmentStatus::Completed,
        AppointmentStatus::Cancelled,
        AppointmentStatus::NoShow,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AppointmentStatus::Scheduled => "scheduled",
            AppointmentStatus::Confirmed => "confirmed",
            AppointmentStatus::CheckedIn => "checked_in",
            AppointmentStatus::InProgress => "in_progress",
            AppointmentStatus::Completed => "completed",
            AppointmentStatus::Cancelled => "cancelled",
            AppointmentStatus::NoShow => "no_show",
        }
    }

    pub fn parse(text: &str) -> Option<AppointmentStatus> {
        AppointmentStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
    }

    /// The status rules: the visit moves forward one step at a time; before the patient arrives it may
    /// be cancelled or marked a no-show; completed, cancelled and no-show are final.
    pub fn can_become(self, next: AppointmentStatus) -> bool {
        use AppointmentStatus::*;
        matches!(
            (self, next),
            (Scheduled, Confirmed)
                | (Scheduled | Confirmed, CheckedIn)
                | (CheckedIn, InProgress)
                | (InProgress, Completed)
                | (Scheduled | Confirmed, Cancelled)
                | (Scheduled | Confirmed, NoShow)
        )
    }

    /// Whether the appointment still holds its time in the provider's calendar.
    pub fn occupies_slot(self) -> bool {
        !matches!(
            self,
            AppointmentStatus::Cancelled | AppointmentStatus::NoShow
        )
    }
}

/// A provider to add.
#[derive(Clone, Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewProvider {
    pub user_id: Option<String>,
    pub display_name: String,
    pub specialty: String,
    pub licence_number: Option<String>,
    pub colour: String,
}

/// An appointment to book.
#[derive(Clone, Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewAppointment {
    pub patient_id: String,
    pub provider_id: String,
    pub appointment_type_id: Option<String>,
    pub starts_at: String,
    pub ends_at: String,
    pub reason: Option<String>,
}

/// An appointment as lists and the calendar show it.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppointmentSummary {
    pub id: String,
    pub starts_at: String,
    pub ends_at: String,
    /// "HH:MM" on the clinic's wall clock.
    pub local_start: String,
    pub local_end: String,
    pub patient_id: String,
    pub patient_name: String,
    pub patient_mrn: String,
    pub provider_name: String,
    pub provider_color: String,
    pub status: AppointmentStatus,
    pub appointment_type: Option<String>,
    pub reason: Option<String>,
}

pub(crate) fn parse_id(field: &'static str, text: &str) -> CoreResult<Uuid> {
    Uuid::parse_str(text.trim()).map_err(|_| CoreError::invalid(field, "not a valid record id"))
}

/// Checks a weekday and a start/end pair of "HH:MM" times; returns the times normalised.
fn weekly_block(weekday: u32, starts: &str, ends: &str) -> CoreResult<(String, String)> {
    if !(1..=7).contains(&weekday) {
        return Err(CoreError::invalid(
            "weekday",
            "weekday must be 1 (Monday) to 7 (Sunday)",
        ));
    }
    let parse = |field, t: &str| {
        chrono::NaiveTime::parse_from_str(t.trim(), "%H:%M")
            .map_err(|_| CoreError::invalid(field, "use HH:MM"))
    };
    let (start, end) = (parse("startsAt", starts)?, parse("endsAt", ends)?);
    if end <= start {
        return Err(CoreError::invalid(
            "endsAt",
            "the end must be after the start",
        ));
    }
    Ok((
        start.format("%H:%M").to_string(),
        end.format("%H:%M").to_string(),
    ))
}

fn instant(field: &'static str, text: &str) -> CoreResult<DateTime<Utc>> {
    parse_instant(text).ok_or_else(|| CoreError::invalid(field, "not a valid date and time"))
}

impl Clinic {
    pub fn add_provider(&self, by: &SessionUser, new: NewProvider) -> CoreResult<String> {
        let access = self.authorize(by, Action::ManageSettings)?;
        let display_name = required("displayName", &new.display_name, 80)?;
        let specialty = required("specialty", &new.specialty, 80)?;
        let licence = optional("licenceNumber", new.licence_number.as_deref(), 40)?;
        let colour = new.colour.trim().to_lowercase();
        if !(colour.len() == 7
            && colour.starts_with('#')
            && colour[1..].chars().all(|c| c.is_ascii_hexdigit()))
        {
            return Err(CoreError::invalid("colour", "use a colour like #1e88e5"));
        }
        let user_id = new
            .user_id
            .as_deref()
            .map(|u| parse_id("userId", u))
            .transpose()?;
        access.write(|tx| {
            let id = tx.insert(
                Table::Providers,
                Fields::new()
                    .set("user_id", user_id)
                    .set("display_name", display_name.as_str())
                    .set("specialty", specialty.as_str())
                    .set("licence_number", licence.as_deref())
                    .set("colour", colour.as_str()),
            )?;
            Ok(id.to_string())
        })
    }

    /// Adds a weekly working block (weekday 1 = Monday; times "HH:MM", clinic-local).
    pub fn add_working_hours(
        &self,
        by: &SessionUser,
        provider_id: &str,
        weekday: u32,
        starts: &str,
        ends: &str,
    ) -> CoreResult<()> {
        let access = self.authorize(by, Action::ManageSettings)?;
        let provider = parse_id("providerId", provider_id)?;
        let (start, end) = weekly_block(weekday, starts, ends)?;
        access.write(|tx| {
            tx.insert(
                Table::ProviderSchedules,
                Fields::new()
                    .set("provider_id", provider)
                    .set("weekday", weekday)
                    .set("starts_at", start.as_str())
                    .set("ends_at", end.as_str()),
            )?;
            Ok(())
        })
    }

    /// Opens the clinic for another block of a weekday (weekday 1 = Monday; times "HH:MM", clinic-local).
    pub fn add_opening_hours(
        &self,
        by: &SessionUser,
        weekday: u32,
        opens: &str,
        closes: &str,
    ) -> CoreResult<()> {
        let access = self.authorize(by, Action::ManageSettings)?;
        let (open, close) = weekly_block(weekday, opens, closes)?;
        access.write(|tx| {
            tx.insert(
                Table::OpeningHours,
                Fields::new()
                    .set("weekday", weekday)
                    .set("opens_at", open.as_str())
                    .set("closes_at", close.as_str()),
            )?;
            Ok(())
        })
    }

    /// Adds an appointment type with its default length. Returns its id.
    pub fn add_appointment_type(
        &self,
        by: &SessionUser,
        name: &str,
        minutes: i64,
    ) -> CoreResult<String> {
        let access = self.authorize(by, Action::ManageSettings)?;
        let name = required("name", name, 80)?;
        if !(5..=480).contains(&minutes) {
            return Err(CoreError::invalid(
                "durationMinutes",
                "between 5 and 480 minutes",
            ));
        }
        access.write(|tx| {
            let id = tx.insert(
                Table::AppointmentTypes,
                Fields::new()
                    .set("name", name.as_str())
                    .set("duration_minutes", minutes),
            )?;
            Ok(id.to_string())
        })
    }

    /// Appointment types by name: (id, name, minutes).
    pub fn appointment_types(&self, by: &SessionUser) -> CoreResult<Vec<(String, String, i64)>> {
        let access = self.authorize(by, Action::ViewSchedule)?;
        access.read(|r| {
            Ok(r.query_all(
                "SELECT id, name, duration_minutes FROM appointment_types WHERE archived_at IS NULL ORDER BY name",
                [],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )?)
        })
    }

    /// Books an appointment. An overlapping booking for the same provider is refused, naming it.
    pub fn book_appointment(&self, by: &SessionUser, new: NewAppointment) -> CoreResult<String> {
        let access = self.authorize(by, Action::EditSchedule)?;
        let patient = parse_id("patientId", &new.patient_id)?;
        let provider = parse_id("providerId", &new.provider_id)?;
        let kind = new
            .appointment_type_id
            .as_deref()
            .map(|t| parse_id("appointmentTypeId", t))
            .transpose()?;
        let starts = instant("startsAt", &new.starts_at)?;
        let ends = instant("endsAt", &new.ends_at)?;
        if ends <= starts {
            return Err(CoreError::invalid(
                "endsAt",
                "the end must be after the start",
            ));
        }
        let reason = optional("reason", new.reason.as_deref(), 200)?;
        let (starts_text, ends_text) = (format_instant(starts), format_instant(ends));
        access.write(|tx| {
            let clash = tx.reader().query_opt(
                "SELECT a.starts_at, p.first_name || ' ' || p.last_name FROM appointments a
                 JOIN patients p ON p.id = a.patient_id
                 WHERE a.provider_id = ?1 AND a.archived_at IS NULL
                   AND a.status NOT IN ('cancelled', 'no_show')
                   AND a.starts_at < ?3 AND a.ends_at > ?2
                 LIMIT 1",
                (provider.to_string(), &starts_text, &ends_text),
                |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)),
            )?;
            if let Some((at, who)) = clash {
                return Err(CoreError::Conflict(format!(
                    "the provider is already booked at {at} with {who}"
                )));
            }
            let id = tx.insert(
                Table::Appointments,
                Fields::new()
                    .set("patient_id", patient)
                    .set("provider_id", provider)
                    .set("appointment_type_id", kind)
                    .set("starts_at", starts_text.as_str())
                    .set("ends_at", ends_text.as_str())
                    .set("reason", reason.as_deref()),
            )?;
            Ok(id.to_string())
        })
    }

    /// Moves an appointment to its next status, following [`AppointmentStatus::can_become`].
    pub fn set_appointment_status(
        &self,
        by: &SessionUser,
        appointment_id: &str,
        next: AppointmentStatus,
        cancellation_reason: Option<&str>,
    ) -> CoreResult<()> {
        let action = match next {
            AppointmentStatus::CheckedIn => Action::CheckIn,
            AppointmentStatus::InProgress | AppointmentStatus::Completed => Action::StartVisit,
            _ => Action::EditSchedule,
        };
        let access = self.authorize(by, action)?;
        let id = parse_id("appointmentId", appointment_id)?;
        let reason = optional("cancellationReason", cancellation_reason, 200)?;
        if next == AppointmentStatus::Cancelled && reason.is_none() {
            return Err(CoreError::invalid(
                "cancellationReason",
                "say why the appointment is cancelled",
            ));
        }
        access.write(|tx| {
            let (current, starts): (String, String) = tx
                .reader()
                .query_opt(
                    "SELECT status, starts_at FROM appointments WHERE id = ?1",
                    [id.to_string()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?
                .ok_or_else(|| CoreError::NotFound("the appointment does not exist".into()))?;
            let current =
                AppointmentStatus::parse(&current).unwrap_or(AppointmentStatus::Scheduled);
            if !current.can_become(next) {
                return Err(CoreError::Conflict(format!(
                    "an appointment that is {} cannot become {}",
                    current.as_str(),
                    next.as_str()
                )));
            }
            if next == AppointmentStatus::NoShow
                && parse_instant(&starts).is_some_and(|s| s > tx.now())
            {
                return Err(CoreError::Conflict(
                    "a patient can only be a no-show after the start time".into(),
                ));
            }
            let mut fields = Fields::new().set("status", next.as_str());
            if next == AppointmentStatus::CheckedIn {
                fields = fields.set("checked_in_at", tx.now());
            }
            if next == AppointmentStatus::Cancelled {
                fields = fields.set("cancellation_reason", reason.as_deref());
            }
            tx.update(Table::Appointments, id, fields)?;
            Ok(())
        })
    }

    /// The appointments of one clinic-local day, by start time, cancelled ones included.
    pub fn appointments_on(
        &self,
        by: &SessionUser,
        day: NaiveDate,
    ) -> CoreResult<Vec<AppointmentSummary>> {
        let access = self.authorize(by, Action::ViewSchedule)?;
        let tz = self.settings()?.time_zone;
        let (from, to) = day_bounds(tz, day);
        let rows = access.read(|r| {
            Ok(r.query_all(
                "SELECT a.id, a.starts_at, a.ends_at, a.patient_id, p.first_name || ' ' || p.last_name, p.mrn,
                        v.display_name, v.colour, a.status, t.name, a.reason
                 FROM appointments a
                 JOIN patients p ON p.id = a.patient_id
                 JOIN providers v ON v.id = a.provider_id
                 LEFT JOIN appointment_types t ON t.id = a.appointment_type_id
                 WHERE a.archived_at IS NULL AND a.starts_at >= ?1 AND a.starts_at < ?2
                 ORDER BY a.starts_at, v.display_name",
                (format_instant(from), format_instant(to)),
                |row| {
                    let starts: String = row.get(1)?;
                    let ends: String = row.get(2)?;
                    Ok(AppointmentSummary {
                        id: row.get(0)?,
                        local_start: parse_instant(&starts).map(|t| local_hhmm(tz, t)).unwrap_or_default(),
                        local_end: parse_instant(&ends).map(|t| local_hhmm(tz, t)).unwrap_or_default(),
                        starts_at: starts,
                        ends_at: ends,
                        patient_id: row.get(3)?,
                        patient_name: row.get(4)?,
                        patient_mrn: row.get(5)?,
                        provider_name: row.get(6)?,
                        provider_color: row.get(7)?,
                        status: AppointmentStatus::parse(&row.get::<_, String>(8)?)
                            .unwrap_or(AppointmentStatus::Scheduled),
                        appointment_type: row.get(9)?,
                        reason: row.get(10)?,
                    })
                },
            )?)
        })?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::AppointmentStatus::{self, *};

    #[test]
    fn the_status_table() {
        let allowed = [
            (Scheduled, Confirmed),
            (Scheduled, CheckedIn),
            (Confirmed, CheckedIn),
            (CheckedIn, InProgress),
            (InProgress, Completed),
            (Scheduled, Cancelled),
            (Confirmed, Cancelled),
            (Scheduled, NoShow),
            (Confirmed, NoShow),
        ];
        for from in AppointmentStatus::ALL {
            for to in AppointmentStatus::ALL {
                assert_eq!(
                    from.can_become(to),
                    allowed.contains(&(from, to)),
                    "{from:?} -> {to:?}"
                );
            }
        }
    }
}
