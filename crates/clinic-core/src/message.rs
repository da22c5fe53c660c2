//! What the core tells people when it refuses something, written once: a stable key with typed
//! parameters, which the UI translates (`problems.<key>` in `ui/src/i18n/en.json`, formatting dates
//! the way its dialogs do), and the English text the CLI prints. Both tables are kept in step by tests.

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;
use ts_rs::TS;

/// A message for people: `problems.<key>` with its parameters.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct Message {
    #[ts(type = "string")]
    pub key: &'static str,
    #[ts(type = "Record<string, MessageParam>")]
    pub params: BTreeMap<&'static str, MessageParam>,
}

/// One parameter of a message. Dates travel as "YYYY-MM-DD" and are written out by whoever shows them;
/// times of day are the clinic's wall clock, "HH:MM". Numbers may have decimals (a weight of 0.2 kg).
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum MessageParam {
    Text(String),
    Number(f64),
    Date(String),
}

impl From<String> for MessageParam {
    fn from(value: String) -> Self {
        MessageParam::Text(value)
    }
}

impl From<&str> for MessageParam {
    fn from(value: &str) -> Self {
        MessageParam::Text(value.to_owned())
    }
}

impl From<&String> for MessageParam {
    fn from(value: &String) -> Self {
        MessageParam::Text(value.clone())
    }
}

impl From<NaiveDate> for MessageParam {
    fn from(value: NaiveDate) -> Self {
        MessageParam::Date(value.format("%Y-%m-%d").to_string())
    }
}

macro_rules! number_params {
    ($($t:ty),*) => {$(
        impl From<$t> for MessageParam {
            // Counts and limits in messages are far below where f64 loses integer precision.
            fn from(value: $t) -> Self {
                MessageParam::Number(value as f64)
            }
        }
    )*};
}
number_params!(i32, i64, u32, u64, usize);

impl From<f64> for MessageParam {
    fn from(value: f64) -> Self {
        MessageParam::Number(value)
    }
}

impl Message {
    pub fn new(key: &'static str, params: Vec<(&'static str, MessageParam)>) -> Message {
        Message {
            key,
            params: params.into_iter().collect(),
        }
    }
}

/// `message!("too_long", max = 200)`: a [`Message`] whose key must be in [`ENGLISH`] (a test scans
/// the source for every use).
#[macro_export]
macro_rules! message {
    ($key:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::Message::new(
            $key,
            vec![$((stringify!($name), $crate::MessageParam::from($value))),*],
        )
    };
}

/// The English text of every message, `{name}` standing for a parameter. The UI's en.json has the same
/// keys under `problems`, with `{{name}}`.
#[rustfmt::skip] // One line per message: a table to read down.
pub const ENGLISH: &[(&str, &str)] = &[
    // Input, whatever the form.
    ("required", "This field is required."),
    ("control_characters", "Use letters, digits and punctuation only: no control characters."),
    ("too_long", "Use at most {max} characters."),
    ("date_format", "Enter a date as YYYY-MM-DD."),
    ("date_time_format", "Enter a date and time."),
    ("time_format", "Enter a time as HH:MM."),
    ("record_id", "This is not a valid record id."),
    ("between", "Enter a number from {min} to {max}."),
    ("minutes_between", "Choose from {min} to {max} minutes."),
    ("end_before_start", "The end must be after the start."),
    ("last_day_before_first", "The last day must not be before the first."),
    ("latest_before_earliest", "The latest time must be after the earliest."),
    ("weekday", "Weekdays are 1 (Monday) to 7 (Sunday)."),
    ("unknown_time_zone", "{zone} is not a time zone Clinic knows."),
    ("currency_code", "Use a three-letter ISO currency code such as USD or EUR."),
    ("country_code", "Use a two-letter country code such as US or ES."),
    ("colour_format", "Use a colour like #1e88e5."),
    // Users, passwords and permissions.
    ("username_format", "Use 3 to 32 characters: letters, digits, dot, dash or underscore."),
    ("username_taken", "This username is taken."),
    ("user_not_found", "This user does not exist."),
    ("password_too_short", "Use at least {min} characters."),
    ("password_is_username", "The password must not be the username."),
    ("password_too_common", "This password is too common: choose another."),
    ("wrong_current_password", "The current password is not correct."),
    ("same_password", "Choose a password different from the current one."),
    ("last_admin", "This is the last active administrator: make someone else an administrator first."),
    ("change_password_first", "Change your password first."),
    ("role_may_not", "A user with the {role} role may not do this ({action})."),
    ("attempts_between", "Allow {min} to {max} attempts."),
    // The clinic server.
    ("server_address", "Enter the clinic server's address as https://name-or-address:port."),
    ("fingerprint_format", "A fingerprint is 32 pairs of letters and digits (0-9, A-F) separated by colons, as the clinic server shows it."),
    ("sync_not_paired", "This computer is not paired with a clinic server yet."),
    ("clinic_exists", "This computer already holds a clinic: it cannot join another one."),
    ("join_unfinished", "This computer has not finished joining the clinic: finish the join first, then sign in."),
    ("sync_prefix_taken", "The clinic server gives this computer's number series ({prefix}) to another computer: this store is a copy of another computer's. Join the clinic as a new computer instead."),
    // Keys, recovery and backups.
    ("recovery_key_character", "The character {character} is not used in recovery keys."),
    ("recovery_key_length", "A recovery key has {expected} letters and digits in {groups} groups; this one has {found}."),
    ("recovery_key_typo", "The recovery key has a typo: check each group against the sheet."),
    ("recovery_key_mismatch", "This recovery key does not open this clinic's data: it belongs to another clinic, or a newer recovery key replaced it."),
    ("sealed_key_damaged", "The copy of the key sealed with this recovery key is damaged."),
    ("backup_of_another_key", "This backup was made by another clinic, or under a recovery key that was replaced: enter the recovery key of its sheet."),
    ("backups_to_keep", "Keep {min} to {max} backups."),
    ("backup_folder_needed", "Choose the folder backups go to first."),
    ("folder_full_path", "Enter the full path of the folder, e.g. /media/usb/clinic-backups."),
    ("folder_not_writable", "This folder cannot be written to ({reason})."),
    ("demo_needs_empty_clinic", "The demo only fills an empty clinic, and this one has patients."),
    ("demo_day_until_later", "It is not {time} yet in the clinic: the demo day can only be played up to now."),
    ("demo_needs_empty_folder", "The folder {path} is not empty: choose a new or empty folder for the demo clinic."),
    ("passphrase_rotated_by_cli", "This clinic's database is protected by a passphrase: change it with `clinic keys rotate`."),
    ("clinic_busy", "The clinic is busy: try again in a moment."),
    ("recovery_not_needed", "The clinic's data opens without its recovery key."),
    ("no_recovery_key_waiting", "There is no recovery key waiting to be handed over."),
    // Files the user names.
    ("file_full_path", "Enter the full path of the file."),
    ("no_file_at", "There is no file at {path}."),
    ("path_is_folder", "{path} is a folder: choose a file."),
    ("file_too_big", "The file is larger than {megabytes} MB: split it into smaller files."),
    ("file_unreadable", "{path} cannot be read ({reason})."),
    ("no_file_name", "{path} names no file: add a file name."),
    ("no_such_folder", "The folder {folder} does not exist."),
    ("file_already_there", "There is already a file at {path}: choose another name."),
    ("folder_already_there", "There is already a folder at {path}: choose another name."),
    ("path_not_saved", "{path} could not be saved ({reason})."),
    // Patients and merges.
    ("patient_not_found", "This patient does not exist."),
    ("patient_archived", "{patient}'s record is archived: restore it first."),
    ("patient_merged", "{patient}'s record was merged into another one: open the patient again."),
    ("record_merged", "This record was merged into another one: open the patient again."),
    ("already_merged", "This record was already merged into another one."),
    ("birth_in_future", "The date of birth cannot be in the future."),
    ("birth_too_long_ago", "The date of birth is more than {years} years ago."),
    ("email_format", "Enter an address like name@example.com."),
    ("email_taken", "Another patient has this email address."),
    ("email_taken_by", "Another patient has the email {email}: change one of them first."),
    ("phone_format", "This is not a phone number: type it as you would dial it."),
    ("phone_too_short", "This phone number is too short."),
    ("merge_same_record", "Choose two different records to merge."),
    ("kept_record_archived", "The record to keep is archived: restore it first."),
    ("merge_not_found", "This merge does not exist."),
    ("merge_undone_already", "This merge was undone already."),
    ("merge_undone_same_day", "A merge can only be undone on the day it was made."),
    ("kept_record_merged_since", "The kept record was itself merged into another one since: undo that merge first."),
    // Patient files to import.
    ("file_empty", "The file is empty."),
    ("too_many_rows", "The file has more than {max} patients: split it into smaller files."),
    ("csv_unreadable", "Line {line} cannot be read as CSV ({reason})."),
    ("columns_mapped", "The file has {columns} columns but {mapped} were mapped."),
    ("mapped_twice", "Two columns are mapped to {field}."),
    ("choose_column", "Choose the column with the {field}."),
    ("row_cells", "The row has {cells} cells and the header row {headers}."),
    ("birth_missing", "The date of birth is missing."),
    ("birth_format", "Write the date of birth as {pattern}."),
    ("birth_year_digits", "Write the year of birth with four digits."),
    ("no_such_date", "This date does not exist."),
    ("sex_format", "Write male, female, other or unknown (or M, F, O, U)."),
    ("same_email_as_line", "Line {line} has the same email address."),
    ("rows_rejected", "{rejected} of {rows} rows have errors, so nothing was imported: correct them, or import only the valid rows."),
    ("import_stopped", "The import stopped after registering {registered} patients. Import the file again to register the rest: the patients already registered are recognised and left out. The reason: {reason}."),
    // Billing.
    ("negative_price", "A price cannot be negative."),
    ("service_code_taken", "A service with this code exists already."),
    ("service_not_found", "This service does not exist."),
    ("invoice_needs_a_line", "An invoice needs at least one line."),
    ("amount_not_positive", "The amount must be more than zero."),
    ("invoice_not_found", "This invoice does not exist."),
    ("invoice_takes_no_payments", "An invoice that is {status} takes no payments."),
    ("appointment_not_the_patients", "This appointment is not one of this patient's."),
    ("invoice_takes_no_refunds", "An invoice that is {status} takes no refunds."),
    ("amount_above_due", "The amount is more than is still due on this invoice."),
    ("payment_not_found", "This payment does not exist."),
    ("refund_of_a_refund", "A refund cannot itself be refunded."),
    ("refund_above_payment", "A refund cannot give back more than the payment still holds."),
    // Visits.
    ("visit_not_found", "This visit does not exist."),
    ("note_not_found", "This note does not exist."),
    ("note_signed", "This note is signed already."),
    // Providers, hours and time off.
    ("provider_not_found", "This provider does not exist."),
    ("provider_archived", "This provider no longer sees patients."),
    ("provider_or_specialty", "Choose a provider or a specialty."),
    ("blocks_overlap", "Two blocks of hours overlap."),
    ("hours_off_one_day", "Time off by the hour is for one day."),
    ("at_most_a_year", "Enter at most a year at a time."),
    ("both_times_or_neither", "Give both times or neither."),
    ("time_off_not_found", "This time off is not on record."),
    ("appointment_type_not_found", "This appointment type does not exist."),
    ("slot_minutes", "Choose 5, 10, 15, 20, 30, 60 or 120 minutes."),
    ("days_between", "Show {min} to {max} days."),
    // Appointments.
    ("appointment_not_found", "This appointment does not exist."),
    ("attention_not_found", "This is no longer in Needs attention."),
    ("attention_resolved_already", "Someone has resolved this already."),
    (
        "attention_changed_since",
        "This field has been changed again since; what stands now is the newest. Look at it again.",
    ),
    ("attention_action_not_offered", "Your role may not resolve this in that way."),
    (
        "merge_through_review",
        "Two records are merged from the merge review, which shows what moves.",
    ),
    ("appointment_too_long", "An appointment lasts at most {hours} hours."),
    ("time_passed", "This time has passed."),
    ("provider_booked", "{provider} is already booked on {date}, {start}–{end}, with {patient} ({mrn})."),
    ("provider_off", "{provider} is off on {date}, {start}–{end}."),
    ("provider_off_because", "{provider} is off on {date}, {start}–{end} ({reason})."),
    ("provider_off_all_day", "{provider} is off all day on {date}."),
    ("provider_off_all_day_because", "{provider} is off all day on {date} ({reason})."),
    ("patient_booked", "{patient} is already booked on {date}, {start}–{end}, with {provider}."),
    ("runs_into_break", "{date}, {start}–{end} runs into {provider}'s break from {from} to {to}."),
    ("runs_past_hours", "{date}, {start}–{end} runs past the end of {provider}'s hours at {ends}."),
    ("before_hours", "{provider} starts at {starts} on {date}."),
    ("not_working", "{provider} does not work on {date}."),
    ("not_working_then", "{provider} does not work on {date}, {start}–{end}."),
    ("check_in_on_the_day", "This appointment is on {date}: patients are checked in on the day of their appointment."),
    ("no_show_before_start", "A patient can only be a no-show after the start time."),
    ("status_not_next", "An appointment that is {from} cannot become {to}."),
    ("cannot_move", "An appointment that is {status} cannot be moved."),
    ("reschedule_needs_time", "Choose a new time to reschedule."),
    ("cancellation_reason_required", "Say why the appointment is cancelled."),
    ("every_weeks_between", "Repeat every {min} to {max} weeks."),
    ("appointments_between", "Book {min} to {max} appointments."),
    ("occurrences_overlap", "Two of the appointments overlap."),
    ("series_not_free", "Nothing was booked: {date}, {start}–{end} is no longer free."),
    ("call_in_not_waiting", "Only a patient in the waiting room can be called in (this one is {status})."),
    ("still_holds_its_time", "This appointment still holds its time."),
    ("waitlist_entry_not_open", "This waitlist entry is not open."),
];

fn english(key: &str) -> Option<&'static str> {
    ENGLISH
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, text)| *text)
}

impl fmt::Display for MessageParam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MessageParam::Text(text) => f.write_str(text),
            MessageParam::Number(n) => write!(f, "{n}"),
            MessageParam::Date(ymd) => match NaiveDate::parse_from_str(ymd, "%Y-%m-%d") {
                Ok(day) => write!(f, "{}", day.format("%a %-d %b %Y")),
                Err(_) => f.write_str(ymd),
            },
        }
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(template) = english(self.key) else {
            return f.write_str(self.key);
        };
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            f.write_str(&rest[..open])?;
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                return f.write_str(&rest[open..]);
            };
            let name = &after[..close];
            match self.params.get(name) {
                Some(value) => write!(f, "{value}")?,
                None => write!(f, "{{{name}}}")?,
            }
            rest = &after[close + 1..];
        }
        f.write_str(rest)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    use super::*;

    fn placeholders(text: &str, open: &str, close: &str) -> BTreeSet<String> {
        text.split(open)
            .skip(1)
            .filter_map(|piece| piece.split_once(close).map(|(name, _)| name.to_owned()))
            .collect()
    }

    #[test]
    fn a_message_reads_as_english_with_its_parameters() {
        let m = crate::message!("too_long", max = 200usize);
        assert_eq!(m.to_string(), "Use at most 200 characters.");
        let m = crate::message!("between", min = 0.2, max = 400.0);
        assert_eq!(m.to_string(), "Enter a number from 0.2 to 400.");
        let day = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let m = crate::message!("check_in_on_the_day", date = day);
        assert!(
            m.to_string()
                .starts_with("This appointment is on Wed 2 Dec 2026:")
        );
        assert_eq!(
            serde_json::to_value(&m).unwrap(),
            serde_json::json!({"key": "check_in_on_the_day", "params": {"date": {"kind": "date", "value": "2026-12-02"}}})
        );
    }

    /// i18next reads some options from the values it interpolates (`count` picks a plural form,
    /// `context` a variant): a parameter must not take one of their names.
    #[test]
    fn no_parameter_is_named_like_an_i18next_option() {
        let reserved = [
            "count",
            "context",
            "defaultValue",
            "lng",
            "lngs",
            "ns",
            "ordinal",
            "replace",
        ];
        for (key, text) in ENGLISH {
            for name in placeholders(text, "{", "}") {
                assert!(!reserved.contains(&name.as_str()), "{key}: {name}");
            }
        }
    }

    #[test]
    fn keys_are_unique() {
        let keys: BTreeSet<_> = ENGLISH.iter().map(|(k, _)| k).collect();
        assert_eq!(keys.len(), ENGLISH.len());
    }

    /// Every `message!("key", a = …)` in the source (the core's, and the app's and CLI's that use
    /// it) names a key of the table and exactly the parameters its English text uses.
    #[test]
    fn every_message_in_the_source_is_in_the_table_with_its_parameters() {
        let table: BTreeMap<&str, &str> = ENGLISH.iter().copied().collect();
        let mut used = BTreeSet::new();
        let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = vec![
            crate_dir.join("src"),
            crate_dir.join("../../src-tauri/src"),
            crate_dir.join("../clinic-cli/src"),
        ];
        while let Some(path) = files.pop() {
            if path.is_dir() {
                files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") || path.ends_with("message.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for call in text.split("message!(").skip(1) {
                // rustfmt puts the key of a long call on its own line.
                let Some(args) = call.trim_start().strip_prefix('"') else {
                    continue;
                };
                let (key, rest) = args.split_once('"').unwrap();
                // The arguments up to the closing parenthesis of the macro call.
                let mut depth = 1;
                let end = rest
                    .char_indices()
                    .find(|&(_, c)| {
                        depth += match c {
                            '(' | '[' => 1,
                            ')' | ']' => -1,
                            _ => 0,
                        };
                        depth == 0
                    })
                    .map_or(rest.len(), |(i, _)| i);
                let names: BTreeSet<String> = rest[..end]
                    .split(',')
                    .filter_map(|arg| arg.split_once('=').map(|(name, _)| name.trim().to_owned()))
                    .filter(|name| {
                        !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_')
                    })
                    .collect();
                let template = table.get(key).unwrap_or_else(|| {
                    panic!("{}: message key {key} is not in ENGLISH", path.display())
                });
                assert_eq!(
                    names,
                    placeholders(template, "{", "}"),
                    "{}: the parameters of {key}",
                    path.display()
                );
                used.insert(key.to_owned());
            }
        }
        let unused: Vec<_> = table.keys().filter(|k| !used.contains(**k)).collect();
        assert!(unused.is_empty(), "messages no code uses: {unused:?}");
    }

    /// The UI translates the same keys with the same parameters (`problems` in en.json).
    #[test]
    fn the_ui_has_every_message_with_the_same_parameters() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/i18n/en.json");
        let en: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let problems = en["problems"].as_object().expect("problems in en.json");
        let ui: BTreeSet<&str> = problems.keys().map(String::as_str).collect();
        let ours: BTreeSet<&str> = ENGLISH.iter().map(|(k, _)| *k).collect();
        assert_eq!(ui, ours, "the keys of en.json's problems and of ENGLISH");
        for (key, text) in ENGLISH {
            let translated = problems[*key].as_str().unwrap();
            assert_eq!(
                placeholders(translated, "{{", "}}"),
                placeholders(text, "{", "}"),
                "the parameters of {key}"
            );
        }
    }
}
