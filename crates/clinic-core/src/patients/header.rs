//! The patient header: the few facts every screen that shows a patient puts on top (who, how old, which
//! record, allergies, money owed, when they come next), read in one call.

use chrono::{Datelike, NaiveDate};
use clinic_store::Reader;
use serde::Serialize;
use ts_rs::TS;

use super::{Sex, resolve};
use crate::auth::permissions::Action;
use crate::billing::invoice_totals;
use crate::records::AllergySeverity;
use crate::scheduling::parse_id;
use crate::time::today;
use crate::{Clinic, CoreError, CoreResult, SessionUser, message};

#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PatientHeader {
    /// The record shown: when the id asked for was merged into another record, that record.
    pub id: String,
    pub mrn: String,
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: String,
    /// Whole years, in the clinic's time zone today.
    pub age_years: u32,
    pub sex: Sex,
    pub archived: bool,
    /// Active allergies, the severe ones first. Shown to everyone who sees the patient: front desk
    /// staff hand out water and sweets too.
    pub allergies: Vec<AllergyBadge>,
    /// What the patient owes on issued invoices, in minor units; absent for users who may not see
    /// billing.
    #[ts(type = "number | null")]
    pub balance_due_minor: Option<i64>,
    pub currency: String,
    pub next_appointment: Option<NextAppointment>,
}

#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AllergyBadge {
    pub substance: String,
    pub severity: AllergySeverity,
}

#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NextAppointment {
    pub id: String,
    pub starts_at: String,
    pub provider_name: String,
}

impl Clinic {
    /// The header of a patient's record (following a merged record to the one it was merged into).
    pub fn patient_header(&self, by: &SessionUser, patient_id: &str) -> CoreResult<PatientHeader> {
        let access = self.authorize(by, Action::ViewDemographics)?;
        let asked = parse_id("patientId", patient_id)?.to_string();
        let settings = self.settings()?;
        let today = today(settings.time_zone, self.now());
        let now = clinic_store::format_instant(self.now());
        // The user's role as it is now, not as it was at sign-in.
        let with_balance = self.authorize(by, Action::ViewBilling).is_ok();
        let header = access.read(|r| {
            let id = resolve(r, &asked)?
                .ok_or_else(|| CoreError::NotFound(message!("patient_not_found")))?;
            let (mrn, first_name, last_name, date_of_birth, sex, archived) = r.query_row(
                "SELECT mrn, first_name, last_name, date_of_birth, sex, archived_at IS NOT NULL
                 FROM patients WHERE id = ?1",
                [&id],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get(5)?,
                    ))
                },
            )?;
            let allergies = r.query_all(
                "SELECT substance, severity FROM allergies
                 WHERE patient_id = ?1 AND archived_at IS NULL
                 ORDER BY CASE severity WHEN 'severe' THEN 0 WHEN 'moderate' THEN 1 ELSE 2 END,
                          substance COLLATE NOCASE",
                [&id],
                |r| {
                    Ok(AllergyBadge {
                        substance: r.get(0)?,
                        severity: AllergySeverity::parse(&r.get::<_, String>(1)?),
                    })
                },
            )?;
            // Until its end, an appointment the patient has not checked in for is still to come: ten
            // minutes past its start, the front desk expects someone running late.
            let next_appointment = r.query_opt(
                "SELECT a.id, a.starts_at, pr.display_name
                 FROM appointments a JOIN providers pr ON pr.id = a.provider_id
                 WHERE a.patient_id = ?1 AND a.archived_at IS NULL AND a.ends_at > ?2
                   AND a.status IN ('scheduled', 'confirmed')
                 ORDER BY a.starts_at LIMIT 1",
                (&id, &now),
                |r| {
                    Ok(NextAppointment {
                        id: r.get(0)?,
                        starts_at: r.get(1)?,
                        provider_name: r.get(2)?,
                    })
                },
            )?;
            let balance_due_minor = if with_balance {
                Some(balance_due(&r, &id)?)
            } else {
                None
            };
            let born = NaiveDate::parse_from_str(&date_of_birth, "%Y-%m-%d").ok();
            Ok(PatientHeader {
                age_years: born.map_or(0, |born| age_on(born, today)),
                id,
                mrn,
                first_name,
                last_name,
                date_of_birth,
                sex: Sex::parse(&sex),
                archived,
                allergies,
                balance_due_minor,
                currency: settings.currency.clone(),
                next_appointment,
            })
        })?;
        access.audit_shown("patient_header", "patients", [header.id.as_str()])?;
        Ok(header)
    }
}

/// Full years between a birth date and a day; someone born on 29 February turns a year older on
/// 1 March in other years.
pub(crate) fn age_on(born: NaiveDate, day: NaiveDate) -> u32 {
    let years = day.year() - born.year();
    let had_birthday = (day.month(), day.day()) >= (born.month(), born.day());
    u32::try_from(if had_birthday { years } else { years - 1 }).unwrap_or(0)
}

/// What is still owed on the patient's invoices (a "paid" one too: a refund taken on another computer
/// may have left something due).
fn balance_due(r: &Reader<'_>, patient_id: &str) -> CoreResult<i64> {
    let invoices: Vec<String> = r.query_all(
        "SELECT id FROM invoices WHERE patient_id = ?1 AND status IN ('issued', 'paid') AND archived_at IS NULL",
        [patient_id],
        |r| r.get(0),
    )?;
    invoices.iter().try_fold(0, |due, invoice| {
        let (total, paid) = invoice_totals(r, invoice)?;
        Ok(due + (total - paid).max(0))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn age_counts_whole_years_in_the_clinic_calendar() {
        assert_eq!(age_on(day("1980-06-15"), day("2026-06-14")), 45);
        assert_eq!(age_on(day("1980-06-15"), day("2026-06-15")), 46);
        assert_eq!(age_on(day("2024-02-29"), day("2025-02-28")), 0);
        assert_eq!(age_on(day("2024-02-29"), day("2025-03-01")), 1);
        assert_eq!(age_on(day("2026-12-01"), day("2026-12-01")), 0);
    }
}
