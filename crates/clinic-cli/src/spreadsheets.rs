//! `clinic import patients FILE.csv` and `clinic export patients FILE.csv`: the same checks and report
//! as the app's import screen, for clinics that arrive with a spreadsheet, and the same file rules
//! (`clinic_core::files`): an import file within the size limit, an export only to a new file.

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use clinic_core::{Clinic, DateOrder, ImportField, PatientImport, SessionUser};

use crate::{explain, print_json};

#[derive(Subcommand)]
pub(crate) enum ImportCommand {
    /// Check every row of a CSV file of patients and import the valid ones (in short transactions, so that
    /// everyone else keeps working; a stopped import run again leaves out who it registered). Prints the
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
    /// Write every active patient (and archived ones with --include-archived) to a new CSV file (an
    /// existing file is never replaced)
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
    let text = clinic_core::files::read_import(&file).map_err(explain)?;
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
    let export = clinic
        .export_patients_csv(user, include_archived)
        .map_err(explain)?;
    let patients = export.rows();
    export.save_new(&file).map_err(explain)?;
    // A file name need not be UTF-8; JSON must be.
    print_json(&serde_json::json!({ "file": file.to_string_lossy(), "patients": patients }))
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
                        "--columns: {name} is not a patient field ({})",
                        field_names()
                    )
                })
        })
        .collect()
}

/// Every field a column can fill, as `--columns` names them.
fn field_names() -> String {
    ImportField::ALL
        .iter()
        .filter_map(|f| serde_json::to_value(f).ok())
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect::<Vec<_>>()
        .join(", ")
}
