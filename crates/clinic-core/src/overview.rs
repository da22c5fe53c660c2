//! The "today" overview the app opens on.

use serde::Serialize;
use ts_rs::TS;

use crate::auth::permissions::Action;
use crate::scheduling::AppointmentSummary;
use crate::time::{day_bounds, today};
use crate::{Clinic, CoreResult, SessionUser};

#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ClinicCounts {
    #[ts(type = "number")]
    pub patients: i64,
    #[ts(type = "number")]
    pub providers: i64,
    #[ts(type = "number")]
    pub appointments_today: i64,
    #[ts(type = "number")]
    pub signed_visits: i64,
    #[ts(type = "number")]
    pub open_invoices: i64,
}

#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ClinicOverview {
    pub clinic_name: String,
    pub time_zone: String,
    /// The ISO 4217 code of the clinic's money.
    pub currency: String,
    /// The clinic-local date, "YYYY-MM-DD".
    pub today: String,
    pub counts: ClinicCounts,
    pub todays_appointments: Vec<AppointmentSummary>,
}

impl Clinic {
    pub fn overview(&self, by: &SessionUser) -> CoreResult<ClinicOverview> {
        let access = self.authorize(by, Action::ViewSchedule)?;
        let settings = self.settings()?;
        let day = today(settings.time_zone, self.now());
        let (from, to) = day_bounds(settings.time_zone, day);
        let counts = access.read(|r| {
            Ok::<_, crate::CoreError>(ClinicCounts {
                patients: r.count("SELECT count(*) FROM patients WHERE archived_at IS NULL AND merged_into_id IS NULL", [])?,
                providers: r.count("SELECT count(*) FROM providers WHERE archived_at IS NULL", [])?,
                appointments_today: r.count(
                    "SELECT count(*) FROM appointments WHERE archived_at IS NULL AND status <> 'cancelled'
                     AND starts_at >= ?1 AND starts_at < ?2",
                    (clinic_store::format_instant(from), clinic_store::format_instant(to)),
                )?,
                signed_visits: r.count(
                    "SELECT count(DISTINCT encounter_id) FROM encounter_notes WHERE status = 'signed' AND archived_at IS NULL",
                    [],
                )?,
                open_invoices: crate::billing::count_unpaid(&r)?,
            })
        })?;
        Ok(ClinicOverview {
            clinic_name: settings.name,
            time_zone: settings.time_zone.name().to_owned(),
            currency: settings.currency,
            today: day.to_string(),
            counts,
            todays_appointments: self.appointments_on(by, day)?,
        })
    }
}
