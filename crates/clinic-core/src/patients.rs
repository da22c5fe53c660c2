//! Patients: registration and the patient list.

use chrono::Datelike;
use clinic_store::{AuditEvent, Fields, Series, Table};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::auth::permissions::Action;
use crate::validate::{date, optional, required};
use crate::{Clinic, CoreError, CoreResult, SessionUser};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
    Other,
    Unknown,
}

impl Sex {
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
            Sex::Other => "other",
            Sex::Unknown => "unknown",
        }
    }

    fn parse(text: &str) -> Sex {
        match text {
            "male" => Sex::Male,
            "female" => Sex::Female,
            "other" => Sex::Other,
            _ => Sex::Unknown,
        }
    }
}

/// A patient to register.
#[derive(Clone, Debug, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewPatient {
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: String,
    pub sex: Option<Sex>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub city: Option<String>,
    pub insurance_payer: Option<String>,
    pub insurance_member_id: Option<String>,
}

/// One line of the patient list.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PatientRow {
    pub id: String,
    pub mrn: String,
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: String,
    pub sex: Sex,
    pub phone: Option<String>,
}

#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PatientPage {
    #[ts(type = "number")]
    pub total: i64,
    pub rows: Vec<PatientRow>,
}

impl Clinic {
    /// Registers a patient with the next MRN of this device's series.
    pub fn register_patient(&self, by: &SessionUser, new: NewPatient) -> CoreResult<PatientRow> {
        let access = self.authorize(by, Action::EditDemographics)?;
        let first_name = required("firstName", &new.first_name, 80)?;
        let last_name = required("lastName", &new.last_name, 80)?;
        let born = date("dateOfBirth", &new.date_of_birth)?;
        let today = self.now().date_naive();
        if born > today {
            return Err(CoreError::invalid(
                "dateOfBirth",
                "the date of birth cannot be in the future",
            ));
        }
        if today.year() - born.year() > 130 {
            return Err(CoreError::invalid(
                "dateOfBirth",
                "the date of birth is more than 130 years ago",
            ));
        }
        let sex = new.sex.unwrap_or(Sex::Unknown);
        let phone = optional("phone", new.phone.as_deref(), 40)?;
        let email = optional("email", new.email.as_deref(), 254)?;
        if let Some(email) = &email
            && !email
                .split_once('@')
                .is_some_and(|(user, host)| !user.is_empty() && host.contains('.'))
        {
            return Err(CoreError::invalid(
                "email",
                "enter an address like name@example.com",
            ));
        }
        let city = optional("city", new.city.as_deref(), 80)?;
        let payer = optional("insurancePayer", new.insurance_payer.as_deref(), 120)?;
        let member = optional("insuranceMemberId", new.insurance_member_id.as_deref(), 60)?;
        access.write(|tx| {
            let mrn = tx.next_number(Series::Mrn)?;
            let id = tx.insert(
                Table::Patients,
                Fields::new()
                    .set("mrn", mrn.as_str())
                    .set("first_name", first_name.as_str())
                    .set("last_name", last_name.as_str())
                    .set("date_of_birth", born)
                    .set("sex", sex.as_str())
                    .set("phone", phone.as_deref())
                    .set("email", email.as_deref())
                    .set("city", city.as_deref())
                    .set("insurance_payer", payer.as_deref())
                    .set("insurance_member_id", member.as_deref()),
            )?;
            Ok(PatientRow {
                id: id.to_string(),
                mrn,
                first_name: first_name.clone(),
                last_name: last_name.clone(),
                date_of_birth: born.to_string(),
                sex,
                phone: phone.clone(),
            })
        })
    }

    /// Active patients, by last then first name; `query` matches the start of a name or the MRN.
    pub fn list_patients(
        &self,
        by: &SessionUser,
        query: Option<&str>,
        offset: i64,
        limit: i64,
    ) -> CoreResult<PatientPage> {
        let access = self.authorize(by, Action::ViewDemographics)?;
        let limit = limit.clamp(1, 200);
        let offset = offset.max(0);
        let pattern = query
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(|q| format!("{}%", q.replace(['%', '_'], "")));
        const FILTER: &str = "archived_at IS NULL AND merged_into_id IS NULL
             AND (?1 IS NULL OR first_name LIKE ?1 OR last_name LIKE ?1 OR mrn LIKE ?1)";
        let page = access.read(|r| {
            let total = r.count(&format!("SELECT count(*) FROM patients WHERE {FILTER}"), [&pattern])?;
            let rows = r.query_all(
                &format!(
                    "SELECT id, mrn, first_name, last_name, date_of_birth, sex, phone FROM patients WHERE {FILTER}
                     ORDER BY last_name COLLATE NOCASE, first_name COLLATE NOCASE, mrn LIMIT ?2 OFFSET ?3"
                ),
                (pattern.as_deref(), limit, offset),
                |row| {
                    Ok(PatientRow {
                        id: row.get(0)?,
                        mrn: row.get(1)?,
                        first_name: row.get(2)?,
                        last_name: row.get(3)?,
                        date_of_birth: row.get(4)?,
                        sex: Sex::parse(&row.get::<_, String>(5)?),
                        phone: row.get(6)?,
                    })
                },
            )?;
            Ok(PatientPage { total, rows })
        })?;
        // A list that shows patients is a read of their data: who saw which patients is audited.
        access.audit(AuditEvent {
            action: "list_patients".into(),
            entity: "patients".into(),
            details: Some(serde_json::json!({
                "searched": pattern.is_some(),
                "shown": page.rows.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
            })),
            ..AuditEvent::default()
        })?;
        Ok(page)
    }
}
