//! What the calendar and the front desk's lists read: a day or a week with the providers' hours, time
//! off and appointments; counts by status; tomorrow's call list.

use chrono::{Duration, NaiveDate};
use serde::Serialize;
use ts_rs::TS;

use super::appointments::{
    SUMMARY_COLUMNS, SUMMARY_FROM, SUMMARY_WIDTH, appointments_between, summary_row,
};
use super::{
    AppointmentStatus, AppointmentSummary, PROVIDER_COLUMNS, Provider, TimeBlock, TimeOff,
    optional_id, provider_row, time_off_between, working_blocks,
};
use crate::auth::permissions::Action;
use crate::patients::display_phone;
use crate::time::day_bounds;
use crate::{Clinic, CoreError, CoreResult, SessionUser, message};

/// A provider's column in the calendar: working blocks per day shown, and time off.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CalendarProvider {
    pub provider: Provider,
    /// One entry per day shown, in order; the blocks of that day.
    pub hours: Vec<Vec<TimeBlock>>,
    pub time_off: Vec<TimeOff>,
}

#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StatusCount {
    pub status: AppointmentStatus,
    #[ts(type = "number")]
    pub count: i64,
}

/// Days of the calendar: one day for every provider, or up to a week of one provider.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Calendar {
    /// The days shown, "YYYY-MM-DD".
    pub days: Vec<String>,
    #[ts(type = "number")]
    pub slot_minutes: i64,
    pub providers: Vec<CalendarProvider>,
    /// Every appointment of those days, cancelled and moved ones too, by start.
    pub appointments: Vec<AppointmentSummary>,
    /// How many appointments are in each status (every status, zeros too).
    pub counts: Vec<StatusCount>,
}

/// One line of the reminder-call list.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CallListEntry {
    pub appointment: AppointmentSummary,
    pub phone: Option<String>,
}

impl Clinic {
    /// The calendar from a clinic-local day for `days` days (1 to 7): every active provider, or one.
    /// Showing appointments is a read of the patients shown; it is audited.
    pub fn calendar(
        &self,
        by: &SessionUser,
        from: NaiveDate,
        days: u32,
        provider_id: Option<&str>,
    ) -> CoreResult<Calendar> {
        let access = self.authorize(by, Action::ViewSchedule)?;
        if !(1..=7).contains(&days) {
            return Err(CoreError::invalid(
                "days",
                message!("days_between", min = 1, max = 7),
            ));
        }
        let provider = optional_id("providerId", provider_id)?.map(|p| p.to_string());
        let settings = self.settings()?;
        let tz = settings.time_zone;
        let dates: Vec<NaiveDate> = (0..days).map(|d| from + Duration::days(d.into())).collect();
        let (start, _) = day_bounds(tz, from);
        let (_, end) = day_bounds(tz, dates[dates.len() - 1]);
        let calendar = access.read(|r| {
            let providers: Vec<Provider> = r.query_all(
                &format!(
                    "SELECT {PROVIDER_COLUMNS} FROM providers
                     WHERE (?1 IS NULL AND archived_at IS NULL) OR id = ?1
                     ORDER BY display_name COLLATE NOCASE"
                ),
                [provider.as_deref()],
                provider_row,
            )?;
            if provider.is_some() && providers.is_empty() {
                return Err(CoreError::NotFound(message!("provider_not_found")));
            }
            let mut columns = Vec::with_capacity(providers.len());
            for p in providers {
                let hours = dates
                    .iter()
                    .map(|d| {
                        Ok(working_blocks(&r, &p.id, *d)?
                            .into_iter()
                            .map(|(s, e)| TimeBlock {
                                starts_at: s.format("%H:%M").to_string(),
                                ends_at: e.format("%H:%M").to_string(),
                            })
                            .collect())
                    })
                    .collect::<CoreResult<Vec<_>>>()?;
                let time_off = time_off_between(&r, &p.id, start, end)?;
                columns.push(CalendarProvider {
                    provider: p,
                    hours,
                    time_off,
                });
            }
            let appointments =
                appointments_between(&r, (tz, self.now()), provider.as_deref(), start, end, false)?;
            let counts = AppointmentStatus::ALL
                .into_iter()
                .map(|status| StatusCount {
                    status,
                    count: appointments.iter().filter(|a| a.status == status).count() as i64,
                })
                .collect();
            Ok(Calendar {
                days: dates.iter().map(|d| d.to_string()).collect(),
                slot_minutes: settings.slot_minutes,
                providers: columns,
                appointments,
                counts,
            })
        })?;
        access.audit_shown(
            "view_calendar",
            "appointments",
            calendar.appointments.iter().map(|a| a.patient_id.as_str()),
        )?;
        Ok(calendar)
    }

    /// The appointments of one clinic-local day, by start time, cancelled ones included. Audited as a
    /// read of the patients shown.
    pub fn appointments_on(
        &self,
        by: &SessionUser,
        day: NaiveDate,
    ) -> CoreResult<Vec<AppointmentSummary>> {
        let access = self.authorize(by, Action::ViewSchedule)?;
        let tz = self.settings()?.time_zone;
        let (from, to) = day_bounds(tz, day);
        let rows =
            access.read(|r| appointments_between(&r, (tz, self.now()), None, from, to, false))?;
        access.audit_shown(
            "view_appointments",
            "appointments",
            rows.iter().map(|a| a.patient_id.as_str()),
        )?;
        Ok(rows)
    }

    /// The patients to call about a day's appointments (usually tomorrow's): the ones still to come,
    /// with their phone numbers, by time.
    pub fn call_list(&self, by: &SessionUser, day: NaiveDate) -> CoreResult<Vec<CallListEntry>> {
        let access = self.authorize(by, Action::ViewSchedule)?;
        let tz = self.settings()?.time_zone;
        let (from, to) = day_bounds(tz, day);
        let rows = access.read(|r| {
            let summary = summary_row(tz, self.now());
            Ok(r.query_all(
                &format!(
                    "SELECT {SUMMARY_COLUMNS}, p.phone {SUMMARY_FROM}
                     WHERE a.archived_at IS NULL AND a.starts_at >= ?1 AND a.starts_at < ?2
                       AND a.status IN ('scheduled', 'confirmed')
                     ORDER BY a.starts_at, v.display_name"
                ),
                (
                    clinic_store::format_instant(from),
                    clinic_store::format_instant(to),
                ),
                |row| {
                    Ok(CallListEntry {
                        appointment: summary(row)?,
                        phone: row
                            .get::<_, Option<String>>(SUMMARY_WIDTH)?
                            .map(|p| display_phone(&p)),
                    })
                },
            )?)
        })?;
        access.audit_shown(
            "view_call_list",
            "appointments",
            rows.iter().map(|e| e.appointment.patient_id.as_str()),
        )?;
        Ok(rows)
    }
}
