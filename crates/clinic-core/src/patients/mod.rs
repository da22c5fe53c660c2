//! Patients: registering and editing them (every field checked, the phone in one canonical form, the
//! email unique), likely duplicates, archiving, finding them as the front desk types ([`search`]),
//! and the header every screen shows about a patient.

mod header;
mod import;
mod merge;
pub mod merge_rule;
mod phone;
mod search;

use chrono::{Datelike, NaiveDate};
use clinic_store::{AuditEvent, Fields, Reader, Row, RowResult, Series, Table, WriteTx};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::auth::permissions::Action;
use crate::scheduling::parse_id;
use crate::time::today;
use crate::validate::{date, optional, required};
use crate::{Clinic, ClinicSettings, CoreError, CoreResult, SessionUser, message};

pub use header::{AllergyBadge, NextAppointment, PatientHeader};
pub use import::{
    DateOrder, DuplicateRow, ImportColumn, ImportField, ImportProgress, ImportReport, ImportStage,
    PatientImport, RejectedRow,
};
pub use merge::{MergePreview, MovedCounts, PatientMerge, merged_tables};
pub(crate) use phone::{display as display_phone, known_country};

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

/// A patient's details as the front desk enters them, to register a patient or to change one.
#[derive(Clone, Debug, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewPatient {
    pub first_name: String,
    pub last_name: String,
    /// "YYYY-MM-DD".
    pub date_of_birth: String,
    pub sex: Option<Sex>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub city: Option<String>,
    pub insurance_payer: Option<String>,
    pub insurance_member_id: Option<String>,
    /// Register even though likely duplicates exist (the user saw them and chose to continue).
    #[serde(default)]
    pub allow_duplicates: bool,
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
    /// As people read it, e.g. "+34 612 34 56 78".
    pub phone: Option<String>,
    pub email: Option<String>,
    pub archived: bool,
}

#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PatientPage {
    /// How many patients match; with `tooMany`, only that many of them can be paged through.
    #[ts(type = "number")]
    pub total: i64,
    /// More patients match than a list sorts while someone types: the rows come in the order the
    /// patients were registered, and the user should type more.
    pub too_many: bool,
    pub rows: Vec<PatientRow>,
}

/// A search matching more patients than this is not sorted (it would sort thousands of rows at each
/// key press); see `PatientPage::too_many`.
const SORTED_MATCHES: i64 = 500;

/// The order of the patient list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PatientSort {
    #[default]
    Name,
    Mrn,
    DateOfBirth,
    /// Most recently registered first.
    Recent,
}

/// Which patients to list: those matching `text` (names, MRN, phone, email, date of birth), a page.
#[derive(Clone, Debug, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PatientQuery {
    pub text: Option<String>,
    #[serde(default)]
    pub sort: PatientSort,
    /// Also archived patients (to restore one).
    #[serde(default)]
    pub include_archived: bool,
    #[ts(type = "number")]
    pub offset: i64,
    #[ts(type = "number")]
    pub limit: i64,
}

impl PatientQuery {
    /// A page of every active patient, by name.
    pub fn all(offset: i64, limit: i64) -> PatientQuery {
        PatientQuery {
            offset,
            limit,
            ..PatientQuery::default()
        }
    }

    /// The active patients matching `text`, by name.
    pub fn matching(text: &str, offset: i64, limit: i64) -> PatientQuery {
        PatientQuery {
            text: Some(text.to_owned()),
            ..PatientQuery::all(offset, limit)
        }
    }
}

/// A patient's record as the edit form shows it.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PatientDetails {
    pub id: String,
    pub mrn: String,
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: String,
    pub sex: Sex,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub city: Option<String>,
    pub insurance_payer: Option<String>,
    pub insurance_member_id: Option<String>,
    pub archived: bool,
}

/// A patient's details that passed every check, ready to write.
struct ValidPatient {
    first_name: String,
    last_name: String,
    born: NaiveDate,
    sex: Sex,
    phone: Option<String>,
    email: Option<String>,
    city: Option<String>,
    payer: Option<String>,
    member: Option<String>,
    /// None leaves the patient's address as it is: the registration form does not edit it (yet); an
    /// import fills it.
    address: Option<PostalAddress>,
}

/// The lines of a postal address besides the city, each checked.
struct PostalAddress {
    line1: Option<String>,
    line2: Option<String>,
    region: Option<String>,
    postal_code: Option<String>,
    country: Option<String>,
}

impl ValidPatient {
    fn fields(&self) -> Fields {
        let fields = Fields::new()
            .set("first_name", self.first_name.as_str())
            .set("last_name", self.last_name.as_str())
            .set("date_of_birth", self.born)
            .set("sex", self.sex.as_str())
            .set("phone", self.phone.as_deref())
            .set("email", self.email.as_deref())
            .set("city", self.city.as_deref())
            .set("insurance_payer", self.payer.as_deref())
            .set("insurance_member_id", self.member.as_deref());
        match &self.address {
            None => fields,
            Some(address) => fields
                .set("address_line1", address.line1.as_deref())
                .set("address_line2", address.line2.as_deref())
                .set("region", address.region.as_deref())
                .set("postal_code", address.postal_code.as_deref())
                .set("country", address.country.as_deref()),
        }
    }
}

const ROW_COLUMNS: &str = "p.id, p.mrn, p.first_name, p.last_name, p.date_of_birth, p.sex, p.phone, p.email, p.archived_at";

fn row(r: &Row<'_>) -> RowResult<PatientRow> {
    Ok(PatientRow {
        id: r.get(0)?,
        mrn: r.get(1)?,
        first_name: r.get(2)?,
        last_name: r.get(3)?,
        date_of_birth: r.get(4)?,
        sex: Sex::parse(&r.get::<_, String>(5)?),
        phone: r.get::<_, Option<String>>(6)?.map(|p| phone::display(&p)),
        email: r.get(7)?,
        archived: r.get::<_, Option<String>>(8)?.is_some(),
    })
}

/// Active patients: neither archived nor merged into another record.
const ACTIVE: &str = "p.archived_at IS NULL AND p.merged_into_id IS NULL";

impl Clinic {
    /// Checks a patient's details field by field, as the clinic's rules say.
    fn validated(&self, new: &NewPatient) -> CoreResult<ValidPatient> {
        let settings = self.settings()?;
        check_patient(new, &settings, today(settings.time_zone, self.now()))
    }

    /// Registers a patient with the next MRN of this device's series. Refused (code
    /// `possible_duplicate`) while likely duplicates exist, unless `allow_duplicates` says the user saw
    /// them ([`Clinic::find_duplicate_patients`]) and chose to continue.
    pub fn register_patient(&self, by: &SessionUser, new: NewPatient) -> CoreResult<PatientRow> {
        let access = self.authorize(by, Action::EditDemographics)?;
        let patient = self.validated(&new)?;
        access.write(|tx| {
            refuse_taken_email(tx, &patient, None)?;
            if !new.allow_duplicates && !duplicates(tx.reader(), &patient, None)?.is_empty() {
                return Err(CoreError::PossibleDuplicate);
            }
            let mrn = tx.next_number(Series::Mrn)?;
            let id = tx.insert(Table::Patients, patient.fields().set("mrn", mrn.as_str()))?;
            row_by_id(tx.reader(), id)
        })
    }

    /// Changes a patient's details; only the fields that really change are written (and audited).
    pub fn update_patient(
        &self,
        by: &SessionUser,
        patient_id: &str,
        changed: NewPatient,
    ) -> CoreResult<PatientRow> {
        let access = self.authorize(by, Action::EditDemographics)?;
        let id = parse_id("patientId", patient_id)?;
        let patient = self.validated(&changed)?;
        access.write(|tx| {
            let merged = tx.reader().count(
                "SELECT count(*) FROM patients WHERE id = ?1 AND merged_into_id IS NOT NULL",
                [id.to_string()],
            )?;
            if merged > 0 {
                return Err(CoreError::Conflict(message!("record_merged")));
            }
            refuse_taken_email(tx, &patient, Some(id))?;
            tx.update(Table::Patients, id, patient.fields())?;
            row_by_id(tx.reader(), id)
        })
    }

    /// The active patients who are likely the same person as `candidate`: the same names and date of
    /// birth, or the same phone, or the same email. `except` leaves out the patient being edited.
    pub fn find_duplicate_patients(
        &self,
        by: &SessionUser,
        candidate: NewPatient,
        except: Option<&str>,
    ) -> CoreResult<Vec<PatientRow>> {
        let access = self.authorize(by, Action::ViewDemographics)?;
        let patient = self.validated(&candidate)?;
        let except = except.map(|e| parse_id("patientId", e)).transpose()?;
        let found = access.read(|r| duplicates(r, &patient, except))?;
        audit_shown(&access, "find_duplicate_patients", &found)?;
        Ok(found)
    }

    /// A patient's record, for the edit form (archived ones too). A record merged into another one
    /// opens that one.
    pub fn patient(&self, by: &SessionUser, patient_id: &str) -> CoreResult<PatientDetails> {
        let access = self.authorize(by, Action::ViewDemographics)?;
        let asked = parse_id("patientId", patient_id)?.to_string();
        let details = access
            .read(|r| {
                let Some(id) = resolve(r, &asked)? else {
                    return Ok(None);
                };
                Ok(r.query_opt(
                    "SELECT id, mrn, first_name, last_name, date_of_birth, sex, phone, email, city,
                            insurance_payer, insurance_member_id, archived_at
                     FROM patients WHERE id = ?1",
                    [&id],
                    |r| {
                        Ok(PatientDetails {
                            id: r.get(0)?,
                            mrn: r.get(1)?,
                            first_name: r.get(2)?,
                            last_name: r.get(3)?,
                            date_of_birth: r.get(4)?,
                            sex: Sex::parse(&r.get::<_, String>(5)?),
                            phone: r.get::<_, Option<String>>(6)?.map(|p| phone::display(&p)),
                            email: r.get(7)?,
                            city: r.get(8)?,
                            insurance_payer: r.get(9)?,
                            insurance_member_id: r.get(10)?,
                            archived: r.get::<_, Option<String>>(11)?.is_some(),
                        })
                    },
                )?)
            })?
            .ok_or_else(|| CoreError::NotFound(message!("patient_not_found")))?;
        access.audit(AuditEvent {
            action: "open_patient".into(),
            entity: "patients".into(),
            entity_id: Some(details.id.clone()),
            patient_id: Some(details.id.clone()),
            ..AuditEvent::default()
        })?;
        Ok(details)
    }

    /// Archives a patient (they leave the lists; nothing is deleted), or brings them back.
    pub fn set_patient_archived(
        &self,
        by: &SessionUser,
        patient_id: &str,
        archived: bool,
    ) -> CoreResult<()> {
        let access = self.authorize(by, Action::EditDemographics)?;
        let id = parse_id("patientId", patient_id)?;
        access.write(|tx| {
            if archived {
                tx.archive(Table::Patients, id)?;
            } else {
                let patient: Option<(String, Option<String>)> = tx.reader().query_opt(
                    "SELECT email, merged_into_id FROM patients WHERE id = ?1",
                    [id.to_string()],
                    |r| {
                        Ok((
                            r.get::<_, Option<String>>(0)?.unwrap_or_default(),
                            r.get(1)?,
                        ))
                    },
                )?;
                let Some((email, merged)) = patient else {
                    return Err(CoreError::NotFound(message!("patient_not_found")));
                };
                if merged.is_some() {
                    return Err(CoreError::Conflict(message!("already_merged")));
                }
                if !email.is_empty() && email_taken(tx.reader(), &email, Some(id))? {
                    return Err(CoreError::Conflict(message!(
                        "email_taken_by",
                        email = email
                    )));
                }
                tx.restore(Table::Patients, id)?;
            }
            Ok(())
        })
    }

    /// A page of patients, in the order asked; `text` matches the start of any name, the MRN, the
    /// phone, the email or the date of birth, in any order and ignoring case and accents. Which
    /// patients were shown is audited.
    pub fn list_patients(&self, by: &SessionUser, query: &PatientQuery) -> CoreResult<PatientPage> {
        let access = self.authorize(by, Action::ViewDemographics)?;
        let limit = query.limit.clamp(1, 200);
        let offset = query.offset.max(0);
        let matching = query.text.as_deref().and_then(search::match_expression);
        let status = if query.include_archived {
            "p.merged_into_id IS NULL"
        } else {
            ACTIVE
        };
        let order = match query.sort {
            PatientSort::Name => "p.last_name COLLATE NOCASE, p.first_name COLLATE NOCASE, p.mrn",
            PatientSort::Mrn => "p.mrn",
            PatientSort::DateOfBirth => "p.date_of_birth, p.last_name COLLATE NOCASE",
            PatientSort::Recent => "p.created_at DESC",
        };
        let page = access.read(|r| {
            let Some(matching) = &matching else {
                let total = r.count(&format!("SELECT count(*) FROM patients p WHERE {status}"), [])?;
                let rows = r.query_all(
                    &format!(
                        "SELECT {ROW_COLUMNS} FROM patients p WHERE {status}
                         ORDER BY {order} LIMIT ?1 OFFSET ?2"
                    ),
                    (limit, offset),
                    row,
                )?;
                return Ok(PatientPage {
                    total,
                    too_many: false,
                    rows,
                });
            };
            const FROM: &str = "patient_search s JOIN patients p ON p.rowid = s.rowid";
            let found = r.count(
                &format!(
                    "SELECT count(*) FROM (SELECT 1 FROM {FROM} WHERE patient_search MATCH ?1 AND {status}
                     LIMIT {})",
                    SORTED_MATCHES + 1
                ),
                [matching],
            )?;
            let too_many = found > SORTED_MATCHES;
            let order = if too_many { "s.rowid" } else { order };
            let rows = r.query_all(
                &format!(
                    "SELECT {ROW_COLUMNS} FROM {FROM} WHERE patient_search MATCH ?1 AND {status}
                     ORDER BY {order} LIMIT ?2 OFFSET ?3"
                ),
                (matching, limit, offset.min(SORTED_MATCHES)),
                row,
            )?;
            Ok(PatientPage {
                total: found.min(SORTED_MATCHES),
                too_many,
                rows,
            })
        })?;
        audit_shown(&access, "list_patients", &page.rows)?;
        Ok(page)
    }
}

/// The oldest a patient can be, in years: an earlier date of birth is a typing mistake.
const MAX_AGE: i32 = 130;

/// Checks a patient's details field by field, as the clinic's rules say, on the clinic's `today`.
fn check_patient(
    new: &NewPatient,
    settings: &ClinicSettings,
    today: NaiveDate,
) -> CoreResult<ValidPatient> {
    let first_name = required("firstName", &new.first_name, 80)?;
    let last_name = required("lastName", &new.last_name, 80)?;
    let born = date("dateOfBirth", &new.date_of_birth)?;
    if born > today {
        return Err(CoreError::invalid(
            "dateOfBirth",
            message!("birth_in_future"),
        ));
    }
    let oldest =
        NaiveDate::from_ymd_opt(today.year() - MAX_AGE, today.month(), 1).unwrap_or(NaiveDate::MIN);
    if born < oldest {
        return Err(CoreError::invalid(
            "dateOfBirth",
            message!("birth_too_long_ago", years = MAX_AGE),
        ));
    }
    let phone = optional("phone", new.phone.as_deref(), 40)?
        .map(|typed| phone::canonical("phone", &typed, &settings.country))
        .transpose()?;
    let email = optional("email", new.email.as_deref(), 254)?.map(|e| e.to_lowercase());
    if let Some(email) = &email
        && !well_formed_email(email)
    {
        return Err(CoreError::invalid("email", message!("email_format")));
    }
    Ok(ValidPatient {
        first_name,
        last_name,
        born,
        sex: new.sex.unwrap_or(Sex::Unknown),
        phone,
        email,
        city: optional("city", new.city.as_deref(), 80)?,
        payer: optional("insurancePayer", new.insurance_payer.as_deref(), 120)?,
        member: optional("insuranceMemberId", new.insurance_member_id.as_deref(), 60)?,
        address: None,
    })
}

/// Text as the search index compares names (its tokenizer folds case and diacritics): lower case, the
/// accents of Latin letters taken off, so "NÚÑEZ", "Núñez" and "Nunez" read alike.
pub(crate) fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        // Combining accents, as in text written decomposed ("e" followed by U+0301).
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .map(|c| match c {
            'à'..='å' | 'ā' | 'ă' | 'ą' => 'a',
            'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => 'c',
            'ď' | 'đ' => 'd',
            'è'..='ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => 'e',
            'ĝ' | 'ğ' | 'ġ' | 'ģ' => 'g',
            'ĥ' | 'ħ' => 'h',
            'ì'..='ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => 'i',
            'ĵ' => 'j',
            'ķ' => 'k',
            'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => 'l',
            'ñ' | 'ń' | 'ņ' | 'ň' => 'n',
            'ò'..='ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => 'o',
            'ŕ' | 'ŗ' | 'ř' => 'r',
            'ś' | 'ŝ' | 'ş' | 'š' => 's',
            'ţ' | 'ť' | 'ŧ' => 't',
            'ù'..='ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => 'u',
            'ŵ' => 'w',
            'ý' | 'ÿ' | 'ŷ' => 'y',
            'ź' | 'ż' | 'ž' => 'z',
            other => other,
        })
        .collect()
}

/// A list that shows patients is a read of their data: who saw which patients is audited.
fn audit_shown(
    access: &crate::clinic::Access<'_>,
    action: &str,
    shown: &[PatientRow],
) -> CoreResult<()> {
    access.audit_shown(action, "patients", shown.iter().map(|p| p.id.as_str()))
}

/// A patient that new appointments, visits, invoices and the like may be written for: one that exists,
/// is not archived, and was not merged into another record (a screen left open on the duplicate must
/// not write to it). Returns the patient's name.
pub(crate) fn active_patient(r: &Reader<'_>, patient: Uuid) -> CoreResult<String> {
    let found: Option<(String, bool, bool)> = r.query_opt(
        "SELECT first_name || ' ' || last_name, archived_at IS NOT NULL, merged_into_id IS NOT NULL
         FROM patients WHERE id = ?1",
        [patient.to_string()],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
    )?;
    match found {
        Some((name, false, false)) => Ok(name),
        Some((name, _, true)) => Err(CoreError::invalid(
            "patientId",
            message!("patient_merged", patient = name),
        )),
        Some((name, true, false)) => Err(CoreError::invalid(
            "patientId",
            message!("patient_archived", patient = name),
        )),
        None => Err(CoreError::invalid(
            "patientId",
            message!("patient_not_found"),
        )),
    }
}

/// The record a patient id stands for today: itself, or the record it was merged into (following
/// merges of merges). None when no such patient exists.
fn resolve(r: Reader<'_>, patient_id: &str) -> CoreResult<Option<String>> {
    Ok(r.query_opt(
        "WITH RECURSIVE chain (id, next, hops) AS (
             SELECT id, merged_into_id, 0 FROM patients WHERE id = ?1
             UNION ALL
             SELECT p.id, p.merged_into_id, c.hops + 1 FROM patients p JOIN chain c ON p.id = c.next
             WHERE c.hops < 32)
         SELECT id FROM chain WHERE next IS NULL",
        [patient_id],
        |r| r.get(0),
    )?)
}

fn row_by_id(r: Reader<'_>, id: Uuid) -> CoreResult<PatientRow> {
    Ok(r.query_row(
        &format!("SELECT {ROW_COLUMNS} FROM patients p WHERE p.id = ?1"),
        [id.to_string()],
        row,
    )?)
}

fn well_formed_email(email: &str) -> bool {
    let Some((user, host)) = email.split_once('@') else {
        return false;
    };
    !user.is_empty()
        && !host.starts_with('.')
        && !host.ends_with('.')
        && host.contains('.')
        && !email.contains(char::is_whitespace)
        && !host.contains('@')
}

fn email_taken(r: Reader<'_>, email: &str, except: Option<Uuid>) -> CoreResult<bool> {
    Ok(r.count(
        &format!(
            "SELECT count(*) FROM patients p WHERE p.email = ?1 COLLATE NOCASE AND {ACTIVE}
             AND (?2 IS NULL OR p.id <> ?2)"
        ),
        (email, except.map(|e| e.to_string())),
    )? > 0)
}

fn refuse_taken_email(
    tx: &WriteTx<'_>,
    patient: &ValidPatient,
    except: Option<Uuid>,
) -> CoreResult<()> {
    if let Some(email) = &patient.email
        && email_taken(tx.reader(), email, except)?
    {
        return Err(CoreError::invalid("email", message!("email_taken")));
    }
    Ok(())
}

/// Registered patients who may be this one: found by index (date of birth, phone, email), so the check
/// costs the same in a clinic of 200 patients or of 100,000; then kept by [`likely_the_same_person`].
pub(crate) fn duplicates_sql() -> String {
    format!(
        "SELECT {ROW_COLUMNS}, p.phone = ?2, p.email = ?3 COLLATE NOCASE FROM patients p
         WHERE p.rowid IN (
                 SELECT b.rowid FROM patients b WHERE b.date_of_birth = ?1
                 UNION SELECT ph.rowid FROM patients ph WHERE ph.phone = ?2
                 UNION SELECT e.rowid FROM patients e WHERE e.email = ?3 COLLATE NOCASE)
           AND {ACTIVE} AND (?4 IS NULL OR p.id <> ?4)"
    )
}

/// What two patient records are compared on to tell a probable duplicate.
pub(crate) struct Likeness<'a> {
    pub(crate) names: &'a str,
    pub(crate) born: &'a str,
    pub(crate) same_phone: bool,
    pub(crate) same_email: bool,
}

/// Likely the same person: the same phone, or the same email, or the same date of birth with every word
/// of the new names among the registered one's (case and accents aside, in any order).
pub(crate) fn likely_the_same_person(new: &Likeness<'_>, registered: &Likeness<'_>) -> bool {
    if registered.same_phone || registered.same_email {
        return true;
    }
    let theirs = name_words(registered.names);
    new.born == registered.born && name_words(new.names).iter().all(|w| theirs.contains(w))
}

/// The words of a name as duplicates compare them: folded, split at anything not a letter or digit.
pub(crate) fn name_words(name: &str) -> Vec<String> {
    fold(name)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Registered patients (up to 20, by name) likely to be `patient`.
fn duplicates(
    r: Reader<'_>,
    patient: &ValidPatient,
    except: Option<Uuid>,
) -> CoreResult<Vec<PatientRow>> {
    let compared = Compared {
        names: format!("{} {}", patient.first_name, patient.last_name),
        born: patient.born.to_string(),
        phone: patient.phone.clone(),
        email: patient.email.clone(),
    };
    duplicates_of(r, &compared, except.map(|e| e.to_string()))
}

/// What a record is compared on, as the store keeps it.
struct Compared {
    names: String,
    born: String,
    phone: Option<String>,
    email: Option<String>,
}

fn duplicates_of(
    r: Reader<'_>,
    patient: &Compared,
    except: Option<String>,
) -> CoreResult<Vec<PatientRow>> {
    let new = Likeness {
        names: &patient.names,
        born: &patient.born,
        same_phone: false,
        same_email: false,
    };
    let found = r.query_all(
        &duplicates_sql(),
        (
            patient.born.as_str(),
            patient.phone.as_deref(),
            patient.email.as_deref(),
            except,
        ),
        |r| {
            Ok((
                row(r)?,
                r.get::<_, Option<bool>>(9)?.unwrap_or(false),
                r.get::<_, Option<bool>>(10)?.unwrap_or(false),
            ))
        },
    )?;
    let mut likely: Vec<PatientRow> = found
        .into_iter()
        .filter(|(p, same_phone, same_email)| {
            let names = format!("{} {}", p.first_name, p.last_name);
            let registered = Likeness {
                names: &names,
                born: &p.date_of_birth,
                same_phone: *same_phone,
                same_email: *same_email,
            };
            likely_the_same_person(&new, &registered)
        })
        .map(|(p, ..)| p)
        .collect();
    likely.sort_by(|a, b| (&a.last_name, &a.first_name).cmp(&(&b.last_name, &b.first_name)));
    likely.truncate(20);
    Ok(likely)
}

/// The records of these ids that are active (not archived, not merged), in the order given.
pub(crate) fn active_rows<'a>(
    r: &Reader<'_>,
    ids: impl IntoIterator<Item = &'a str>,
) -> CoreResult<Vec<PatientRow>> {
    let mut rows = Vec::new();
    for id in ids {
        let found = r.query_opt(
            &format!("SELECT {ROW_COLUMNS} FROM patients p WHERE p.id = ?1 AND {ACTIVE}"),
            [id],
            row,
        )?;
        rows.extend(found);
    }
    Ok(rows)
}

/// Registrations pulled from other computers since the last look that are likely the same person as a
/// patient registered on this one: two records of one person made while the two were apart (had one
/// computer known of the other record, its user was warned when registering). Each pair is suggested
/// as a merge in Needs attention, once. Returns how many were.
pub(crate) fn suggest_merges_after_pull(tx: &mut WriteTx<'_>) -> CoreResult<usize> {
    let pulled = tx.take_pulled_inserts(Table::Patients)?;
    // A computer that never registered anyone (a joining one, a doctor's laptop) has nothing to find.
    let registers = tx.reader().count(
        "SELECT count(*) FROM (SELECT 1 FROM outbox
                               WHERE table_name = 'patients' AND operation = 'insert' LIMIT 1)",
        [],
    )? > 0;
    if !registers {
        return Ok(0);
    }
    let mut suggested = 0;
    for id in pulled {
        let pulled = tx.reader().query_opt(
            &format!(
                "SELECT p.first_name || ' ' || p.last_name, p.date_of_birth, p.phone, p.email
                 FROM patients p WHERE p.id = ?1 AND {ACTIVE}"
            ),
            [&id],
            |r| {
                Ok(Compared {
                    names: r.get(0)?,
                    born: r.get(1)?,
                    phone: r.get(2)?,
                    email: r.get(3)?,
                })
            },
        )?;
        let Some(pulled) = pulled else { continue };
        for registered in duplicates_of(tx.reader(), &pulled, Some(id.clone()))? {
            let made_here = tx.reader().count(
                "SELECT count(*) FROM outbox
                 WHERE table_name = 'patients' AND row_id = ?1 AND operation = 'insert'",
                [&registered.id],
            )? > 0;
            if made_here
                && tx.suggest_duplicate(
                    Table::Patients,
                    &id,
                    &registered.id,
                    crate::attention::POSSIBLE_DUPLICATE,
                )?
            {
                suggested += 1;
            }
        }
    }
    Ok(suggested)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::permissions::Action;

    /// The duplicate check runs for every row of an import: each of its ways must be an index lookup,
    /// never a pass over every patient.
    #[test]
    fn the_duplicate_check_looks_patients_up_by_index() {
        let dir = tempfile::tempdir().unwrap();
        let (clinic, admin) = crate::clinic::test_clinic(dir.path());
        let access = clinic.authorize(&admin, Action::ViewDemographics).unwrap();
        let plan: Vec<String> = access
            .read(|r| {
                Ok(r.query_all(
                    &format!("EXPLAIN QUERY PLAN {}", duplicates_sql()),
                    (
                        "1984-03-07",
                        "+34600112233",
                        "ana@example.com",
                        None::<String>,
                    ),
                    |row| row.get::<_, String>(3),
                )?)
            })
            .unwrap();
        let plan = plan.join("\n");
        for index in [
            "patients_by_birth",
            "patients_by_phone",
            "patients_by_email",
        ] {
            assert!(plan.contains(index), "{index} not used:\n{plan}");
        }
        assert!(
            !plan.lines().any(|step| step.starts_with("SCAN")),
            "a pass over a table:\n{plan}"
        );
    }

    #[test]
    fn a_probable_duplicate_has_the_phone_the_email_or_the_birth_date_and_the_names() {
        let new = Likeness {
            names: "José María Núñez",
            born: "1980-06-15",
            same_phone: false,
            same_email: false,
        };
        let registered = |names, born, same_phone, same_email| Likeness {
            names,
            born,
            same_phone,
            same_email,
        };
        let likely = |r: Likeness<'_>| likely_the_same_person(&new, &r);
        assert!(likely(registered(
            "NUNEZ, jose maria",
            "1980-06-15",
            false,
            false
        )));
        assert!(likely(registered(
            "José María Núñez García",
            "1980-06-15",
            false,
            false
        )));
        assert!(
            !likely(registered("José Núñez", "1980-06-15", false, false)),
            "María is missing"
        );
        assert!(!likely(registered(
            "José María Núñez",
            "1980-06-16",
            false,
            false
        )));
        assert!(likely(registered("Ana López", "1970-01-01", true, false)));
        assert!(likely(registered("Ana López", "1970-01-01", false, true)));
    }

    #[test]
    fn names_fold_case_and_accents_whichever_way_they_are_written() {
        assert_eq!(fold("NÚÑEZ Zoë"), "nunez zoe");
        // Decomposed: "e" and "u" followed by a combining acute accent, "n" by a combining tilde.
        assert_eq!(fold("Jose\u{301} Nu\u{301}n\u{303}ez"), "jose nunez");
        assert_eq!(fold("Łukasz Øster Çelik"), "lukasz oster celik");
        assert_eq!(fold("O'Brien-Smith"), "o'brien-smith");
    }
}
