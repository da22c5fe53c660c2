//! `clinic import patients FILE.csv` and `clinic export patients FILE.csv`: the same checks and report
//! as the app's import screen, for clinics that arrive with a spreadsheet.

use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};
use clinic_core::{Clinic, DateOrder, ImportField, PatientImport, SessionUser};

use crate::{explain, print_json};

#[derive(Subcommand)]
pub(crate) enum ImportCommand {
    /// Check every row of a CSV file of patients and import the valid ones in one transaction. Prints the
    /// report (rejected rows with their reasons, probable duplicates) as JSON. A file with rejected rows
    /// imports nothing unless --valid-only; probable duplicates are left out unless --include-duplicates
    Patients {
        file: PathBuf,
        /// Only check the file and print the report
        #[arg(long)]
        check: bool,
        /// Import the valid rows even though other rows were rejected
        #[arg(long)]
        valid_only: bool,
        /// Also import rows that look like registered patients or earlier rows
        #[arg(long)]
        include_duplicates: bool,
        /// How the file writes dates of birth [default: guessed from the dates, then the clinic's country]
        #[arg(long, value_enum)]
        date_order: Option<DateOrderArg>,
        /// The field of each column, in order, comma-separated; an empty entry leaves a column out, e.g.
        /// `last_name,first_name,date_of_birth,,phone` [default: guessed from the header row]
        #[arg(long, value_name = "FIELDS")]
        columns: Option<String>,
    },
}

#[derive(Subcommand)]
pub(crate) enum ExportCommand {
    /// Write every active patient (and archived ones with --include-archived) to a CSV file
    Patients {
        file: PathBuf,
        #[arg(long)]
        include_archived: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum DateOrderArg {
    /// 1984-03-07
    Ymd,
    /// 07/03/1984
    Dmy,
    /// 03/07/1984
    Mdy,
}

pub(crate) fn import(
    clinic: &Clinic,
    user: &SessionUser,
    command: ImportCommand,
) -> Result<(), String> {
    let ImportCommand::Patients {
        file,
        check,
        valid_only,
        include_duplicates,
        date_order,
        columns,
    } = command;
    let bytes = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let text = clinic_core::spreadsheet_text(&bytes);
    let options = PatientImport {
        mapping: columns.as_deref().map(parse_columns).transpose()?,
        date_order: date_order.map(|d| match d {
            DateOrderArg::Ymd => DateOrder::YearMonthDay,
            DateOrderArg::Dmy => DateOrder::DayMonthYear,
            DateOrderArg::Mdy => DateOrder::MonthDayYear,
        }),
        include_duplicates,
        skip_rejected: valid_only,
    };
    let report = clinic
        .check_patient_import(user, &text, &options)
        .map_err(explain)?;
    if let Some(problem) = report.mapping_problem() {
        print_json(&report)?;
        return Err(format!("{problem} (--columns)"));
    }
    let rejected = report.rejected.len();
    if check || (rejected > 0 && !valid_only) {
        print_json(&report)?;
        if rejected == 0 {
            return Ok(());
        }
        let outcome = if check {
            "the file was only checked"
        } else {
            "nothing was imported (correct them, or import the rest with --valid-only)"
        };
        return Err(format!(
            "{rejected} of {} rows were rejected: {outcome}",
            report.rows
        ));
    }
    let done = clinic
        .import_patients(user, &text, &options)
        .map_err(explain)?;
    print_json(&done)
}

pub(crate) fn export(
    clinic: &Clinic,
    user: &SessionUser,
    command: ExportCommand,
) -> Result<(), String> {
    let ExportCommand::Patients {
        file,
        include_archived,
    } = command;
    let (csv, count) = clinic
        .export_patients_csv(user, include_archived)
        .map_err(explain)?;
    write_new(&file, &csv)?;
    print_json(&serde_json::json!({ "file": file, "patients": count }))
}

/// An export never replaces a file that is already there.
fn write_new(path: &Path, text: &str) -> Result<(), String> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    file.write_all(text.as_bytes())
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn parse_columns(text: &str) -> Result<Vec<Option<ImportField>>, String> {
    text.split(',')
        .map(|name| {
            let name = name.trim();
            if name.is_empty() {
                return Ok(None);
            }
            serde_json::from_value(serde_json::Value::String(name.to_owned()))
                .map(Some)
                .map_err(|_| {
                    format!(
                        "--columns: {name} is not a patient field (first_name, last_name, date_of_birth, sex, phone, email, city, insurance_payer, insurance_member_id)"
                    )
                })
        })
        .collect()
}
