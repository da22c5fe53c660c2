//! Patients in and out of spreadsheets. An import maps the file's columns to patient fields (guessed
//! from the header row, or chosen by the user), checks every row with the same rules as the
//! registration form, reports the rows it rejects and the rows that look like patients already
//! registered (or like an earlier row), and writes the rows it accepts in one transaction: a failure
//! part-way leaves nothing behind. A file with rejected rows imports nothing unless the user asks for
//! the valid rows only.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use clinic_store::{AuditEvent, RowResult, Series, Table, WriteSource};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{
    ACTIVE, NewPatient, PatientRow, PostalAddress, Sex, ValidPatient, check_patient, display_phone,
    duplicates, email_taken, fold, name_words, row,
};
use crate::auth::permissions::Action;
use crate::clinic::Access;
use crate::files::{Export, MAX_IMPORT_BYTES, too_big};
use crate::spreadsheet::{cell_text, csv_line};
use crate::time::today;
use crate::validate::optional;
use crate::{Clinic, ClinicSettings, CoreError, CoreResult, Message, SessionUser, message};

/// A patient field a column of the file can fill.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ImportField {
    FirstName,
    LastName,
    DateOfBirth,
    Sex,
    Phone,
    Email,
    AddressLine1,
    AddressLine2,
    City,
    Region,
    PostalCode,
    Country,
    InsurancePayer,
    InsuranceMemberId,
}

impl ImportField {
    /// Every field, in the order the app offers them.
    pub const ALL: [ImportField; 14] = [
        ImportField::FirstName,
        ImportField::LastName,
        ImportField::DateOfBirth,
        ImportField::Sex,
        ImportField::Phone,
        ImportField::Email,
        ImportField::AddressLine1,
        ImportField::AddressLine2,
        ImportField::City,
        ImportField::Region,
        ImportField::PostalCode,
        ImportField::Country,
        ImportField::InsurancePayer,
        ImportField::InsuranceMemberId,
    ];

    /// The registration form's field a validation error names, back to the import field.
    fn of_form_field(field: &str) -> Option<ImportField> {
        Some(match field {
            "firstName" => ImportField::FirstName,
            "lastName" => ImportField::LastName,
            "dateOfBirth" => ImportField::DateOfBirth,
            "phone" => ImportField::Phone,
            "email" => ImportField::Email,
            "addressLine1" => ImportField::AddressLine1,
            "addressLine2" => ImportField::AddressLine2,
            "city" => ImportField::City,
            "region" => ImportField::Region,
            "postalCode" => ImportField::PostalCode,
            "country" => ImportField::Country,
            "insurancePayer" => ImportField::InsurancePayer,
            "insuranceMemberId" => ImportField::InsuranceMemberId,
            _ => return None,
        })
    }

    /// The field a column header most likely means (English and Spanish spreadsheet headings, read
    /// without case, accents, spaces or punctuation: "Código postal" is "codigopostal").
    fn guess(header: &str) -> Option<ImportField> {
        let key: String = fold(header)
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        Some(match key.as_str() {
            "firstname" | "first" | "givenname" | "forename" | "nombre" => ImportField::FirstName,
            "lastname" | "last" | "surname" | "familyname" | "apellido" | "apellidos" => {
                ImportField::LastName
            }
            "dateofbirth" | "dob" | "birthdate" | "birthday" | "born" | "fechadenacimiento"
            | "fechanacimiento" => ImportField::DateOfBirth,
            "sex" | "gender" | "sexo" => ImportField::Sex,
            "phone" | "phonenumber" | "mobile" | "cell" | "cellphone" | "telephone" | "tel"
            | "telefono" | "movil" => ImportField::Phone,
            "email" | "emailaddress" | "mail" | "correo" | "correoelectronico" => {
                ImportField::Email
            }
            "address" | "addressline1" | "address1" | "street" | "streetaddress" | "direccion"
            | "domicilio" => ImportField::AddressLine1,
            "addressline2" | "address2" | "direccion2" => ImportField::AddressLine2,
            "city" | "town" | "ciudad" | "localidad" | "poblacion" => ImportField::City,
            "region" | "state" | "province" | "provincia" | "estado" => ImportField::Region,
            "postcode" | "postalcode" | "zip" | "zipcode" | "codigopostal" | "cp" => {
                ImportField::PostalCode
            }
            "country" | "pais" => ImportField::Country,
            "insurance" | "insurer" | "insurancepayer" | "payer" | "aseguradora" => {
                ImportField::InsurancePayer
            }
            "memberid" | "insurancememberid" | "policynumber" | "policy" | "insuranceid" => {
                ImportField::InsuranceMemberId
            }
            _ => return None,
        })
    }
}

/// How the file writes dates of birth.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DateOrder {
    /// 1984-03-07
    YearMonthDay,
    /// 07/03/1984
    DayMonthYear,
    /// 03/07/1984
    MonthDayYear,
}

/// How to read a patient file and what to import from it.
#[derive(Clone, Debug, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PatientImport {
    /// The field each column fills, in the file's column order (`null` for a column to leave out).
    /// Absent: guessed from the header row.
    pub mapping: Option<Vec<Option<ImportField>>>,
    /// Absent: guessed from the dates in the file, then from the clinic's country.
    pub date_order: Option<DateOrder>,
    /// Also import rows that look like a patient already registered or an earlier row of the file.
    #[serde(default)]
    pub include_duplicates: bool,
    /// Import the valid rows although some rows were rejected (otherwise such a file imports nothing).
    #[serde(default)]
    pub skip_rejected: bool,
}

/// What an import found in a file (and, once it ran, how many patients it registered).
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    pub columns: Vec<ImportColumn>,
    pub date_order: DateOrder,
    /// Patient rows in the file (the header row and blank lines aside).
    #[ts(type = "number")]
    pub rows: i64,
    /// Rows that passed every check, the probable duplicates among them included.
    #[ts(type = "number")]
    pub valid: i64,
    pub rejected: Vec<RejectedRow>,
    pub duplicates: Vec<DuplicateRow>,
    /// Patients registered; 0 when the file was only checked.
    #[ts(type = "number")]
    pub imported: i64,
    /// Fields every patient needs that no column is mapped to. While any is missing, the rows are not
    /// checked (and nothing can be imported): the user chooses the columns first.
    pub unmapped: Vec<ImportField>,
}

impl ImportReport {
    /// Why nothing can be imported until the columns are chosen, if that is so.
    pub fn mapping_problem(&self) -> Option<Message> {
        self.unmapped
            .first()
            .map(|field| message!("choose_column", field = field_name(*field)))
    }
}

#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportColumn {
    pub header: String,
    pub field: Option<ImportField>,
    /// The first non-empty value of the column, to help choose its field.
    pub example: Option<String>,
}

#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RejectedRow {
    /// The line of the file, as a text editor numbers it.
    #[ts(type = "number")]
    pub line: i64,
    pub name: String,
    /// The header of the column at fault, when one is.
    pub column: Option<String>,
    pub reason: Message,
}

#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DuplicateRow {
    #[ts(type = "number")]
    pub line: i64,
    pub name: String,
    pub date_of_birth: String,
    /// Registered patients this row is likely to be.
    pub matches: Vec<PatientRow>,
    /// An earlier row of the file this row is likely to be.
    #[ts(type = "number | null")]
    pub same_as_line: Option<i64>,
    /// A registered patient has exactly this row's details (an earlier import of the file): the row
    /// is never registered again.
    pub registered: bool,
}

/// Bigger files are refused before they are read through: split them.
const MAX_ROWS: usize = 50_000;

/// Rows checked against the clinic per read, and the pause after each: the read connection is shared by
/// every screen of the app, so a large check takes it in short turns.
const CHECK_BATCH: usize = 500;
const PAUSE_BETWEEN_READS: Duration = Duration::from_millis(2);

/// How long (and how many rows) one write transaction of an import may hold the clinic's write lock,
/// and the pause after it that lets anyone waiting (a sign-in, a booking, the CLI beside the app)
/// write first.
const WRITE_TURN: Duration = Duration::from_millis(200);
const WRITE_TURN_ROWS: usize = 2_000;
const PAUSE_BETWEEN_TURNS: Duration = Duration::from_millis(10);

/// How far a running check or import is, for a progress bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportProgress {
    pub stage: ImportStage,
    #[ts(type = "number")]
    pub done: i64,
    #[ts(type = "number")]
    pub total: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ImportStage {
    /// Rows checked against the clinic's patients.
    Checking,
    /// Patients registered.
    Registering,
}

/// A row that passed the form's rules, not yet checked against the clinic's patients.
struct Candidate {
    line: i64,
    name: String,
    patient: ValidPatient,
}

impl Clinic {
    /// Reads a patient file and reports what an import would do; writes nothing.
    pub fn check_patient_import(
        &self,
        by: &SessionUser,
        csv: &str,
        options: &PatientImport,
    ) -> CoreResult<ImportReport> {
        self.check_patient_import_reporting(by, csv, options, &mut |_| {})
    }

    /// [`Clinic::check_patient_import`], telling `progress` how many rows are checked.
    pub fn check_patient_import_reporting(
        &self,
        by: &SessionUser,
        csv: &str,
        options: &PatientImport,
        progress: &mut dyn FnMut(ImportProgress),
    ) -> CoreResult<ImportReport> {
        let access = self.authorize(by, Action::EditDemographics)?;
        let settings = self.settings()?;
        let today = today(settings.time_zone, self.now());
        let (mut report, candidates) = read_file(csv, options, &settings, today)?;
        check_against_clinic(&access, &mut report, candidates, options, progress)?;
        access.audit_shown(
            "check_patient_import",
            "patients",
            report
                .duplicates
                .iter()
                .flat_map(|d| d.matches.iter().map(|m| m.id.as_str())),
        )?;
        Ok(report)
    }

    /// Registers the patients of a file, each with the next MRN. Refused, with nothing written, when
    /// rows were rejected and `skip_rejected` is off.
    pub fn import_patients(
        &self,
        by: &SessionUser,
        csv: &str,
        options: &PatientImport,
    ) -> CoreResult<ImportReport> {
        self.import_patients_reporting(by, csv, options, &mut |_| {})
    }

    /// [`Clinic::import_patients`], telling `progress` how many rows are checked, then registered.
    ///
    /// The rows are checked on the read connection in short turns, then written in transactions of at
    /// most [`WRITE_TURN`] each (every patient with its change record and audit entry), so the rest of
    /// the clinic goes on working during a large import. An import that stops part-way (a full disk)
    /// says how many patients it registered; importing the file again leaves those out, because a row
    /// identical to a registered patient is never registered twice.
    pub fn import_patients_reporting(
        &self,
        by: &SessionUser,
        csv: &str,
        options: &PatientImport,
        progress: &mut dyn FnMut(ImportProgress),
    ) -> CoreResult<ImportReport> {
        let access = self.authorize(by, Action::EditDemographics)?;
        let settings = self.settings()?;
        let today = today(settings.time_zone, self.now());
        let (mut report, candidates) = read_file(csv, options, &settings, today)?;
        if let Some(problem) = report.mapping_problem() {
            return Err(CoreError::invalid("mapping", problem));
        }
        let accepted = check_against_clinic(&access, &mut report, candidates, options, progress)?;
        if !report.rejected.is_empty() && !options.skip_rejected {
            return Err(CoreError::invalid(
                "file",
                message!(
                    "rows_rejected",
                    rejected = report.rejected.len(),
                    rows = report.rows,
                ),
            ));
        }
        let total = accepted.len() as i64;
        let mut done = 0;
        let mut rows = accepted.into_iter().peekable();
        while rows.peek().is_some() {
            let turn = Instant::now();
            let written = access.write(|tx| {
                tx.set_source(WriteSource::Import);
                let mut written = Vec::new();
                while written.len() < WRITE_TURN_ROWS
                    && turn.elapsed() < WRITE_TURN
                    && let Some(row) = rows.next()
                {
                    // Checked before the write began; someone may have registered the address since.
                    if let Some(email) = &row.patient.email
                        && email_taken(tx.reader(), email, None)?
                    {
                        written.push(Err(row));
                        continue;
                    }
                    let mrn = tx.next_number(Series::Mrn)?;
                    tx.insert(
                        Table::Patients,
                        row.patient.fields().set("mrn", mrn.as_str()),
                    )?;
                    written.push(Ok(row.line));
                }
                Ok(written)
            });
            let written = match written {
                Ok(written) => written,
                Err(cause) if report.imported == 0 => return Err(cause),
                Err(cause) => {
                    return Err(CoreError::ImportStopped {
                        problem: message!(
                            "import_stopped",
                            registered = report.imported,
                            reason = cause.to_string(),
                        ),
                        cause: Box::new(cause),
                    });
                }
            };
            done += written.len() as i64;
            for outcome in written {
                match outcome {
                    Ok(_) => report.imported += 1,
                    Err(row) => report.rejected.push(RejectedRow {
                        line: row.line,
                        name: row.name,
                        column: column_header(&report, ImportField::Email),
                        reason: message!("email_taken"),
                    }),
                }
            }
            progress(ImportProgress {
                stage: ImportStage::Registering,
                done,
                total,
            });
            if rows.peek().is_some() {
                std::thread::sleep(PAUSE_BETWEEN_TURNS);
            }
        }
        report.rejected.sort_by_key(|r| r.line);
        Ok(report)
    }
    /// The patient list as CSV (every active patient, or archived ones too), for a spreadsheet; the
    /// import reads it back. It is written and audited when saved ([`Export::save_new`]).
    pub fn export_patients_csv(
        &self,
        by: &SessionUser,
        include_archived: bool,
    ) -> CoreResult<Export<'_>> {
        let access = self.authorize(by, Action::ExportData)?;
        let status = if include_archived {
            "p.merged_into_id IS NULL"
        } else {
            ACTIVE
        };
        // After the row's own columns: the address, the city and the insurance, in the headers' order.
        let patients: Vec<(PatientRow, Vec<Option<String>>)> = access.read(|r| {
            Ok(r.query_all(
                &format!(
                    "SELECT {}, p.address_line1, p.address_line2, p.city, p.region, p.postal_code,
                            p.country, p.insurance_payer, p.insurance_member_id
                     FROM patients p
                     WHERE {status} ORDER BY p.last_name COLLATE NOCASE, p.first_name COLLATE NOCASE, p.mrn",
                    super::ROW_COLUMNS
                ),
                [],
                |r| Ok((row(r)?, (9..17).map(|i| r.get(i)).collect::<RowResult<_>>()?)),
            )?)
        })?;
        let mut csv = csv_line(&EXPORT_HEADERS);
        for (p, more) in &patients {
            let mut cells = vec![
                p.mrn.as_str(),
                &p.first_name,
                &p.last_name,
                &p.date_of_birth,
                p.sex.as_str(),
                p.phone.as_deref().unwrap_or_default(),
                p.email.as_deref().unwrap_or_default(),
            ];
            cells.extend(more.iter().map(|cell| cell.as_deref().unwrap_or_default()));
            cells.push(if p.archived { "yes" } else { "" });
            csv.push_str(&csv_line(&cells));
        }
        let audit = AuditEvent {
            action: "export_patients".into(),
            entity: "patients".into(),
            // Every patient's data left the app: "who looked at my record" lists it for everyone.
            details: Some(serde_json::json!({
                "count": patients.len(),
                "includeArchived": include_archived,
                "allPatients": true,
            })),
            ..AuditEvent::default()
        };
        Ok(Export::new(
            access,
            csv.into_bytes(),
            patients.len() as i64,
            audit,
        ))
    }
}

const EXPORT_HEADERS: [&str; 16] = [
    "MRN",
    "First name",
    "Last name",
    "Date of birth",
    "Sex",
    "Phone",
    "Email",
    "Address line 1",
    "Address line 2",
    "City",
    "Region",
    "Postcode",
    "Country",
    "Insurance payer",
    "Insurance member ID",
    "Archived",
];

/// Reads the file and checks every row with the registration form's rules; returns the report so far
/// and the rows that passed, to be checked against the clinic's patients. Reads nothing from the store.
fn read_file(
    text: &str,
    options: &PatientImport,
    settings: &ClinicSettings,
    today: NaiveDate,
) -> CoreResult<(ImportReport, Vec<Candidate>)> {
    if text.len() as u64 > MAX_IMPORT_BYTES {
        return Err(too_big());
    }
    let records = read_records(text)?;
    let Some((headers, rows)) = records.split_first() else {
        return Err(CoreError::invalid("file", message!("file_empty")));
    };
    let headers: Vec<String> = headers.1.iter().map(|h| cell_text(h).to_owned()).collect();
    let mapping = mapping(&headers, options.mapping.as_deref())?;
    let column_of = |field: ImportField| mapping.iter().position(|f| *f == Some(field));
    let date_order = options.date_order.unwrap_or_else(|| {
        let dates = column_of(ImportField::DateOfBirth).map(|c| {
            rows.iter()
                .filter_map(|(_, cells)| cells.get(c).map(|d| cell_text(d)))
                .collect::<Vec<_>>()
        });
        guess_date_order(&dates.unwrap_or_default(), &settings.country)
    });
    let columns = headers
        .iter()
        .zip(&mapping)
        .enumerate()
        .map(|(i, (header, field))| ImportColumn {
            header: echoed(header),
            field: *field,
            example: rows
                .iter()
                .filter_map(|(_, cells)| cells.get(i).map(|c| cell_text(c)))
                .find(|c| !c.is_empty())
                .map(echoed),
        })
        .collect();
    let mut report = ImportReport {
        columns,
        date_order,
        rows: rows.len() as i64,
        valid: 0,
        rejected: Vec::new(),
        duplicates: Vec::new(),
        imported: 0,
        unmapped: [
            ImportField::FirstName,
            ImportField::LastName,
            ImportField::DateOfBirth,
        ]
        .into_iter()
        .filter(|f| column_of(*f).is_none())
        .collect(),
    };
    let mut candidates = Vec::new();
    if !report.unmapped.is_empty() {
        return Ok((report, candidates));
    }
    for (line, cells) in rows {
        let line = *line;
        let cell = |field: ImportField| {
            column_of(field)
                .and_then(|c| cells.get(c))
                .map(|c| cell_text(c))
                .unwrap_or_default()
        };
        let name = echoed(
            format!(
                "{} {}",
                cell(ImportField::FirstName),
                cell(ImportField::LastName)
            )
            .trim(),
        );
        let reject = |field: Option<ImportField>, reason: Message| RejectedRow {
            line,
            name: name.clone(),
            column: field.and_then(column_of).map(|c| echoed(&headers[c])),
            reason,
        };
        if cells.len() != headers.len() {
            report.rejected.push(reject(
                None,
                message!("row_cells", cells = cells.len(), headers = headers.len()),
            ));
            continue;
        }
        let born = match iso_date(cell(ImportField::DateOfBirth), date_order) {
            Ok(born) => born,
            Err(reason) => {
                report
                    .rejected
                    .push(reject(Some(ImportField::DateOfBirth), reason));
                continue;
            }
        };
        let sex = match sex(cell(ImportField::Sex)) {
            Some(sex) => sex,
            None => {
                report
                    .rejected
                    .push(reject(Some(ImportField::Sex), message!("sex_format")));
                continue;
            }
        };
        let optional = |field| Some(cell(field).to_owned()).filter(|v| !v.is_empty());
        let new = NewPatient {
            first_name: cell(ImportField::FirstName).to_owned(),
            last_name: cell(ImportField::LastName).to_owned(),
            date_of_birth: born,
            sex: Some(sex),
            phone: optional(ImportField::Phone),
            email: optional(ImportField::Email),
            city: optional(ImportField::City),
            insurance_payer: optional(ImportField::InsurancePayer),
            insurance_member_id: optional(ImportField::InsuranceMemberId),
            allow_duplicates: false,
        };
        let checked = check_patient(&new, settings, today).and_then(|mut patient| {
            patient.address = Some(postal_address(cell)?);
            Ok(patient)
        });
        match checked {
            Ok(patient) => candidates.push(Candidate {
                line,
                name,
                patient,
            }),
            Err(CoreError::Validation { field, message }) => {
                report
                    .rejected
                    .push(reject(ImportField::of_form_field(field), message));
            }
            Err(other) => return Err(other),
        }
    }
    Ok((report, candidates))
}

/// Checks the rows against each other and against the clinic's patients (emails are unique; names with
/// the date of birth, phones and emails point to probable duplicates), [`CHECK_BATCH`] rows per read.
/// Returns the rows to register.
fn check_against_clinic(
    access: &Access<'_>,
    report: &mut ImportReport,
    candidates: Vec<Candidate>,
    options: &PatientImport,
    progress: &mut dyn FnMut(ImportProgress),
) -> CoreResult<Vec<Candidate>> {
    let total = candidates.len() as i64;
    let email_column = column_header(report, ImportField::Email);
    let mut seen: HashMap<String, i64> = HashMap::new();
    let mut accepted = Vec::new();
    let mut done = 0;
    let mut rows = candidates.into_iter().peekable();
    while rows.peek().is_some() {
        access.read(|r| {
            for row in rows.by_ref().take(CHECK_BATCH) {
                done += 1;
                let Candidate { line, patient, .. } = &row;
                let matches = duplicates(r, patient, None)?;
                // A row exactly like a registered patient is that patient: an import that stopped
                // part-way, run again, must not register anyone twice.
                let registered = matches.iter().any(|m| same_details(m, patient));
                let reject = |reason: Message| RejectedRow {
                    line: *line,
                    name: row.name.clone(),
                    column: email_column.clone(),
                    reason,
                };
                if !registered {
                    let email_line = patient
                        .email
                        .as_ref()
                        .and_then(|e| seen.get(&format!("email:{e}")).copied());
                    if let Some(earlier) = email_line {
                        report
                            .rejected
                            .push(reject(message!("same_email_as_line", line = earlier)));
                        continue;
                    }
                    if let Some(email) = &patient.email
                        && email_taken(r, email, None)?
                    {
                        report.rejected.push(reject(message!("email_taken")));
                        continue;
                    }
                }
                report.valid += 1;
                let keys = identity_keys(patient);
                let same_as_line = keys.iter().find_map(|k| seen.get(k).copied());
                for key in keys {
                    seen.entry(key).or_insert(*line);
                }
                if registered || same_as_line.is_some() || !matches.is_empty() {
                    report.duplicates.push(DuplicateRow {
                        line: *line,
                        name: row.name.clone(),
                        date_of_birth: patient.born.to_string(),
                        matches,
                        same_as_line,
                        registered,
                    });
                    if registered || !options.include_duplicates {
                        continue;
                    }
                }
                accepted.push(row);
            }
            Ok(())
        })?;
        progress(ImportProgress {
            stage: ImportStage::Checking,
            done,
            total,
        });
        // The read connection is not handed over fairly: without a pause, this loop would take it again
        // before a screen waiting for it wakes.
        if rows.peek().is_some() {
            std::thread::sleep(PAUSE_BETWEEN_READS);
        }
    }
    report.rejected.sort_by_key(|r| r.line);
    Ok(accepted)
}

/// The header of the column a field is read from.
fn column_header(report: &ImportReport, field: ImportField) -> Option<String> {
    report
        .columns
        .iter()
        .find(|c| c.field == Some(field))
        .map(|c| c.header.clone())
}

/// Whether a registered patient has exactly the row's names, date of birth, phone and email.
fn same_details(registered: &PatientRow, row: &ValidPatient) -> bool {
    registered.first_name == row.first_name
        && registered.last_name == row.last_name
        && registered.date_of_birth == row.born.to_string()
        && registered.phone == row.phone.as_deref().map(display_phone)
        && registered.email.as_deref().map(str::to_lowercase)
            == row.email.as_deref().map(str::to_lowercase)
}

/// Cells are shown back to the user in the report; a huge one is cut.
fn echoed(text: &str) -> String {
    const LONGEST: usize = 80;
    match text.char_indices().nth(LONGEST) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// The file's records with their line numbers; a comma-, semicolon- or tab-separated file
/// (spreadsheets in many countries save with semicolons, "Unicode text" has tabs), with or without a
/// byte-order mark. A file of more than [`MAX_ROWS`] patients is refused as soon as the reader gets
/// there.
fn read_records(text: &str) -> CoreResult<Vec<(i64, Vec<String>)>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line = text.lines().next().unwrap_or_default();
    // The separator the header row uses most; a comma when it uses none.
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .rev()
        .max_by_key(|d| first_line.bytes().filter(|b| b == d).count())
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    let mut lines = LineCounter::default();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            CoreError::invalid(
                "file",
                message!("csv_unreadable", line = line, reason = e.to_string()),
            )
        })?;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        // The header row and MAX_ROWS patients.
        if records.len() > MAX_ROWS {
            return Err(CoreError::invalid(
                "file",
                message!("too_many_rows", max = MAX_ROWS),
            ));
        }
        let start = record.position().map_or(0, |p| p.byte() as usize);
        records.push((
            lines.line_at(text, start),
            record.iter().map(str::to_owned).collect(),
        ));
    }
    Ok(records)
}

/// Line numbers of records read in order, counting each part of the file once.
#[derive(Default)]
struct LineCounter {
    counted_to: usize,
    breaks: usize,
}

impl LineCounter {
    /// The line (from 1) a record starting at byte `start` is on. The reader places a record's start
    /// before the line break that ends the previous one (both bytes of a CRLF) and before blank lines,
    /// so those are skipped first.
    fn line_at(&mut self, text: &str, start: usize) -> i64 {
        let start = start.clamp(self.counted_to, text.len());
        let bytes = text.as_bytes();
        self.breaks += bytes[self.counted_to..start]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        self.counted_to = start;
        let skipped = bytes[start..]
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .filter(|b| **b == b'\n')
            .count();
        (self.breaks + skipped + 1) as i64
    }
}

/// The field of each column: the user's choice (one per column, no field twice), or guessed from the
/// headers.
fn mapping(
    headers: &[String],
    chosen: Option<&[Option<ImportField>]>,
) -> CoreResult<Vec<Option<ImportField>>> {
    let mapping: Vec<Option<ImportField>> = match chosen {
        Some(chosen) => {
            if chosen.len() != headers.len() {
                return Err(CoreError::invalid(
                    "mapping",
                    message!(
                        "columns_mapped",
                        columns = headers.len(),
                        mapped = chosen.len(),
                    ),
                ));
            }
            chosen.to_vec()
        }
        None => {
            let mut guessed: Vec<Option<ImportField>> = Vec::new();
            for header in headers {
                let field = ImportField::guess(header).filter(|f| !guessed.contains(&Some(*f)));
                guessed.push(field);
            }
            guessed
        }
    };
    let fields: Vec<ImportField> = mapping.iter().flatten().copied().collect();
    if let Some(twice) = fields
        .iter()
        .find(|f| fields.iter().filter(|g| g == f).count() > 1)
    {
        return Err(CoreError::invalid(
            "mapping",
            message!("mapped_twice", field = field_name(*twice)),
        ));
    }
    Ok(mapping)
}

fn field_name(field: ImportField) -> &'static str {
    match field {
        ImportField::FirstName => "first names",
        ImportField::LastName => "last names",
        ImportField::DateOfBirth => "dates of birth",
        ImportField::Sex => "sex",
        ImportField::Phone => "phone numbers",
        ImportField::Email => "email addresses",
        ImportField::AddressLine1 => "addresses",
        ImportField::AddressLine2 => "second address lines",
        ImportField::City => "cities",
        ImportField::Region => "regions",
        ImportField::PostalCode => "postal codes",
        ImportField::Country => "countries",
        ImportField::InsurancePayer => "insurance payers",
        ImportField::InsuranceMemberId => "insurance member ids",
    }
}

/// Year first when every date is written so; otherwise whichever order the dates prove (a first part
/// above 12 is a day); otherwise the clinic country's habit.
fn guess_date_order(dates: &[&str], country: &str) -> DateOrder {
    // Only cells that are three numbers say anything; the odd "n/a" is rejected later on its own.
    let parts: Vec<Vec<u32>> = dates
        .iter()
        .map(|d| date_parts(d))
        .filter(|p| p.len() == 3 && p.iter().all(Option::is_some))
        .map(|p| p.into_iter().flatten().collect())
        .collect();
    if !parts.is_empty() && parts.iter().all(|p| p[0] > 31) {
        return DateOrder::YearMonthDay;
    }
    if parts.iter().any(|p| p[0] > 12 && p[0] <= 31) {
        return DateOrder::DayMonthYear;
    }
    if parts.iter().any(|p| p[1] > 12 && p[1] <= 31) {
        return DateOrder::MonthDayYear;
    }
    if country.eq_ignore_ascii_case("US") {
        DateOrder::MonthDayYear
    } else {
        DateOrder::DayMonthYear
    }
}

fn date_parts(text: &str) -> Vec<Option<u32>> {
    text.split(['-', '/', '.'])
        .map(|p| p.trim().parse().ok())
        .collect()
}

/// A date of birth as `YYYY-MM-DD`, or why it cannot be one.
fn iso_date(text: &str, order: DateOrder) -> Result<String, Message> {
    if text.is_empty() {
        return Err(message!("birth_missing"));
    }
    let parts = date_parts(text);
    // A first part of four digits can only be a year, whatever the rest of the file does.
    let year_first = text
        .split(['-', '/', '.'])
        .next()
        .is_some_and(|p| p.trim().len() == 4);
    let order = if year_first {
        DateOrder::YearMonthDay
    } else {
        order
    };
    let (year_text, year, month, day) = match (order, parts.as_slice()) {
        (DateOrder::YearMonthDay, [Some(y), Some(m), Some(d)]) => {
            (text.split(['-', '/', '.']).next(), *y, *m, *d)
        }
        (DateOrder::DayMonthYear, [Some(d), Some(m), Some(y)]) => {
            (text.split(['-', '/', '.']).nth(2), *y, *m, *d)
        }
        (DateOrder::MonthDayYear, [Some(m), Some(d), Some(y)]) => {
            (text.split(['-', '/', '.']).nth(2), *y, *m, *d)
        }
        _ => {
            let pattern = match order {
                DateOrder::YearMonthDay => "YYYY-MM-DD",
                DateOrder::DayMonthYear => "DD/MM/YYYY",
                DateOrder::MonthDayYear => "MM/DD/YYYY",
            };
            return Err(message!("birth_format", pattern = pattern));
        }
    };
    if year_text.is_none_or(|y| y.trim().len() != 4) {
        return Err(message!("birth_year_digits"));
    }
    NaiveDate::from_ymd_opt(year as i32, month, day)
        .map(|d| d.to_string())
        .ok_or_else(|| message!("no_such_date"))
}

fn sex(text: &str) -> Option<Sex> {
    Some(match text.to_lowercase().as_str() {
        "" | "u" | "unknown" | "unk" => Sex::Unknown,
        "m" | "male" | "man" | "h" | "hombre" | "masculino" => Sex::Male,
        "f" | "female" | "woman" | "w" | "mujer" | "femenino" => Sex::Female,
        "o" | "other" | "x" | "otro" => Sex::Other,
        _ => return None,
    })
}

/// The address lines of a row, each checked as a form field would be.
fn postal_address<'a>(cell: impl Fn(ImportField) -> &'a str) -> CoreResult<PostalAddress> {
    let line = |field, name, max| optional(name, Some(cell(field)), max);
    Ok(PostalAddress {
        line1: line(ImportField::AddressLine1, "addressLine1", 120)?,
        line2: line(ImportField::AddressLine2, "addressLine2", 120)?,
        region: line(ImportField::Region, "region", 80)?,
        postal_code: line(ImportField::PostalCode, "postalCode", 20)?,
        country: line(ImportField::Country, "country", 80)?,
    })
}

/// What makes two rows of a file likely the same person: names with the date of birth, the phone, the
/// email. Names are compared by their words, as they are with registered patients ([`name_words`]), so
/// "José Núñez" and "JOSE NUNEZ" are one name in both checks.
fn identity_keys(p: &ValidPatient) -> Vec<String> {
    let mut keys = vec![format!(
        "name:{} {}|{}",
        name_words(&p.first_name).join(" "),
        name_words(&p.last_name).join(" "),
        p.born
    )];
    keys.extend(p.phone.as_ref().map(|ph| format!("phone:{ph}")));
    keys.extend(p.email.as_ref().map(|e| format!("email:{e}")));
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_recognised_in_the_usual_spellings() {
        let headers: Vec<String> = [
            "Surname",
            "First Name",
            "D.O.B.",
            "Gender",
            "E-mail",
            "Notes",
        ]
        .map(str::to_owned)
        .to_vec();
        assert_eq!(
            mapping(&headers, None).unwrap(),
            vec![
                Some(ImportField::LastName),
                Some(ImportField::FirstName),
                Some(ImportField::DateOfBirth),
                Some(ImportField::Sex),
                Some(ImportField::Email),
                None
            ]
        );
        let twice = mapping(
            &headers,
            Some(&[Some(ImportField::Sex), Some(ImportField::Sex)]),
        );
        assert_eq!(
            twice.unwrap_err().field(),
            Some("mapping"),
            "one column too few"
        );
        let both_sex = [
            Some(ImportField::Sex),
            Some(ImportField::Sex),
            None,
            None,
            None,
            None,
        ];
        let err = mapping(&headers, Some(&both_sex)).unwrap_err();
        assert!(
            matches!(&err, CoreError::Validation { message, .. } if message.key == "mapped_twice"),
            "{err}"
        );
    }

    #[test]
    fn spanish_headings_are_recognised_with_their_accents() {
        for (header, field) in [
            ("Teléfono", ImportField::Phone),
            ("Móvil", ImportField::Phone),
            ("Correo electrónico", ImportField::Email),
            ("Dirección", ImportField::AddressLine1),
            ("DIRECCIÓN 2", ImportField::AddressLine2),
            ("Población", ImportField::City),
            ("Código Postal", ImportField::PostalCode),
            ("C.P.", ImportField::PostalCode),
            ("País", ImportField::Country),
        ] {
            assert_eq!(ImportField::guess(header), Some(field), "{header}");
        }
    }

    #[test]
    fn date_order_is_proven_by_the_dates_or_taken_from_the_country() {
        assert_eq!(
            guess_date_order(&["1984-03-07"], "ES"),
            DateOrder::YearMonthDay
        );
        assert_eq!(
            guess_date_order(&["07/03/1984", "25/12/1990"], "US"),
            DateOrder::DayMonthYear
        );
        assert_eq!(
            guess_date_order(&["03/07/1984", "12/25/1990"], "ES"),
            DateOrder::MonthDayYear
        );
        assert_eq!(
            guess_date_order(&["03/07/1984"], "US"),
            DateOrder::MonthDayYear
        );
        assert_eq!(
            guess_date_order(&["03/07/1984"], "ES"),
            DateOrder::DayMonthYear
        );
        assert_eq!(
            guess_date_order(&["1984-03-07", "n/a", "", "1990-12-25 00:00"], "US"),
            DateOrder::YearMonthDay
        );
    }

    #[test]
    fn lines_are_numbered_as_an_editor_numbers_them() {
        for text in [
            "a,b\nc,d\n\ne,f\n",
            "a,b\r\nc,d\r\n\r\ne,f\r\n",
            "a,b\r\n\"c\nstill c\",d\r\ne,f",
        ] {
            let lines: Vec<i64> = read_records(text).unwrap().iter().map(|r| r.0).collect();
            assert_eq!(lines, [1, 2, 4], "{text:?}");
        }
    }

    #[test]
    fn dates_are_read_in_the_chosen_order() {
        assert_eq!(
            iso_date("07/03/1984", DateOrder::DayMonthYear).unwrap(),
            "1984-03-07"
        );
        assert_eq!(
            iso_date("03/07/1984", DateOrder::MonthDayYear).unwrap(),
            "1984-03-07"
        );
        assert_eq!(
            iso_date("1984-3-7", DateOrder::YearMonthDay).unwrap(),
            "1984-03-07"
        );
        assert!(iso_date("31/02/1984", DateOrder::DayMonthYear).is_err());
        assert!(iso_date("07/03/84", DateOrder::DayMonthYear).is_err());
        assert!(iso_date("yesterday", DateOrder::DayMonthYear).is_err());
        assert_eq!(
            iso_date("1984-03-07", DateOrder::DayMonthYear).unwrap(),
            "1984-03-07"
        );
        assert!(iso_date("", DateOrder::DayMonthYear).is_err());
    }
}
