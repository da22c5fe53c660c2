//! Who may make which change: the permission matrix read from a change record, so that the clinic
//! server re-checks every change a device pushes against the role of the user who made it. The app's
//! operations check the same matrix before they write; this is that rule seen from the change itself.

use clinic_store::{Change, Operation, Table};

use super::Role;
use super::permissions::{Action, allows};
use crate::scheduling::AppointmentStatus;
use crate::scheduling::clash::flag;

/// What a user may change in their own account whatever their role: their password, and the
/// sign-in counters that signing in keeps.
const OWN_ACCOUNT: [&str; 4] = [
    "password_hash",
    "must_change_password",
    "failed_attempts",
    "locked_until",
];

/// What moving an appointment's status writes.
const STATUS_COLUMNS: [&str; 5] = [
    "status",
    "checked_in_at",
    "started_at",
    "completed_at",
    "cancellation_reason",
];

/// The clinic's setup, which writes before any user exists: its settings, first administrator,
/// opening hours and appointment types.
const SETUP: [Table; 4] = [
    Table::ClinicSettings,
    Table::Users,
    Table::OpeningHours,
    Table::AppointmentTypes,
];

/// Who made a change, as the server knows them.
#[derive(Clone, Copy, Debug)]
pub enum ChangeAuthor<'a> {
    /// A user the server holds, with their current role.
    User { id: &'a str, role: Role },
    /// No user (the computer itself). `brought_the_clinic`: the pushing computer is the one the clinic
    /// was set up on.
    NoUser { brought_the_clinic: bool },
    /// A user the server has never received.
    UnknownUser,
}

/// The computer a push comes from, as the server enrolled it.
#[derive(Clone, Copy, Debug)]
pub struct PushingDevice<'a> {
    pub id: &'a str,
    /// The number-series prefix the server gave it.
    pub prefix: &'a str,
}

/// Whether the server takes `change`, pushed by `device`, from `author`; the reason when not. A
/// computer records only itself, under the prefix it was given, and may rename itself; a change no
/// user made is the clinic's setup, from the computer it was set up on; every other change is checked
/// against its user's role.
pub fn may_push(
    author: ChangeAuthor<'_>,
    device: PushingDevice<'_>,
    change: &Change,
) -> Result<(), String> {
    if change.table == Table::Devices.name() {
        let own = change.row_id == device.id;
        let allowed = match change.operation {
            Operation::Insert => {
                change.fields.get("prefix").and_then(|p| p.as_str()) == Some(device.prefix)
            }
            _ => change.fields.keys().all(|c| c == "name"),
        };
        return if own && allowed {
            Ok(())
        } else {
            Err("a computer may record only itself, under the prefix it was given".into())
        };
    }
    match author {
        ChangeAuthor::User { id, role } => may_make_change(role, id, change),
        ChangeAuthor::NoUser { brought_the_clinic } => {
            let setup = Table::from_name(&change.table).is_some_and(|t| SETUP.contains(&t));
            if brought_the_clinic && setup && change.operation == Operation::Insert {
                Ok(())
            } else {
                Err("the change does not say which user made it".into())
            }
        }
        ChangeAuthor::UnknownUser => {
            Err("the user who made the change is not known to the clinic server".into())
        }
    }
}

/// Whether a user of `role` (whose id is `user_id`) may make `change`; the reason when not.
pub fn may_make_change(role: Role, user_id: &str, change: &Change) -> Result<(), String> {
    let table = Table::from_name(&change.table)
        .ok_or_else(|| format!("there is no table {}", change.table))?;
    let columns: Vec<&str> = change.fields.keys().map(String::as_str).collect();
    let own_account = table == Table::Users
        && change.row_id == user_id
        && change.operation == Operation::Update
        && columns.iter().all(|c| OWN_ACCOUNT.contains(c));
    if own_account
        || actions_for(table, change, &columns)
            .iter()
            .any(|a| allows(role, *a))
    {
        return Ok(());
    }
    Err(format!(
        "a user whose role is {} may not change {}",
        role.as_str(),
        table.name().replace('_', " ")
    ))
}

/// The actions any one of which allows the change.
fn actions_for(table: Table, change: &Change, columns: &[&str]) -> Vec<Action> {
    use Action::*;
    // Merging two records of one patient (or undoing it) moves rows from one to the other.
    if change.operation == Operation::Update && columns == ["patient_id"] {
        return vec![EditDemographics, UndoPatientMerge];
    }
    match table {
        Table::ClinicSettings | Table::OpeningHours | Table::AppointmentTypes | Table::Services => {
            vec![ManageSettings]
        }
        Table::Providers | Table::ProviderSchedules | Table::ProviderTimeOff => {
            vec![EditSchedule, ManageSettings]
        }
        // Each computer keeps its own row; the server checks that it is the pushing device's.
        Table::Devices => Action::ALL.to_vec(),
        Table::Users => vec![ManageUsers],
        Table::Patients | Table::PatientMerges => vec![EditDemographics, UndoPatientMerge],
        // Booking anyway into time already booked (or a flag no device could store, refused later).
        Table::Appointments if flag(&change.fields, "overbooked") != Some(false) => vec![Overbook],
        Table::Appointments => {
            // A move of status (with the time it happened) needs what that move needs; anything
            // else about an appointment (its time, provider, patient) is scheduling.
            let status = change.fields.get("status").and_then(|s| s.as_str());
            let only_status = columns.iter().all(|c| STATUS_COLUMNS.contains(c));
            match status.and_then(AppointmentStatus::parse) {
                Some(next) if change.operation == Operation::Update && only_status => {
                    vec![next.needs()]
                }
                _ => vec![EditSchedule],
            }
        }
        Table::WaitlistEntries => vec![EditSchedule],
        Table::Allergies | Table::Vitals => vec![RecordVitals],
        Table::Encounters => vec![WriteClinical, StartVisit],
        Table::EncounterNotes => vec![WriteClinical, SignNotes],
        Table::Problems | Table::Diagnoses | Table::LabResults | Table::Attachments => {
            vec![WriteClinical]
        }
        Table::Prescriptions => vec![Prescribe],
        // Giving money back is a refund, whoever may take payments.
        Table::Payments if change.fields.get("kind").and_then(|k| k.as_str()) == Some("refund") => {
            vec![Refund]
        }
        Table::Invoices | Table::InvoiceLines | Table::Payments => vec![EditBilling, Refund],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn change(
        table: &str,
        row_id: &str,
        operation: Operation,
        fields: serde_json::Value,
    ) -> Change {
        Change {
            change_id: "c".into(),
            device_id: "d".into(),
            device_seq: 1,
            hlc: "000000000000001-00000-d".into(),
            table: table.into(),
            row_id: row_id.into(),
            operation,
            fields: fields.as_object().cloned().unwrap_or_default(),
            schema_version: 1,
            user_id: Some("u".into()),
            recorded_at: "2026-12-06T10:00:00.000Z".into(),
        }
    }

    #[test]
    fn each_role_makes_the_changes_its_work_makes_and_no_others() {
        let prescription = change(
            "prescriptions",
            "p",
            Operation::Insert,
            json!({"drug": "x"}),
        );
        assert!(may_make_change(Role::Doctor, "u", &prescription).is_ok());
        let refused = may_make_change(Role::Receptionist, "u", &prescription).unwrap_err();
        assert_eq!(
            refused,
            "a user whose role is receptionist may not change prescriptions"
        );

        let paid = json!({"kind": "payment", "amount_minor": 6000});
        let payment = change("payments", "y", Operation::Insert, paid);
        assert!(may_make_change(Role::Receptionist, "u", &payment).is_ok());
        let given_back = json!({"kind": "refund", "refund_of_id": "y", "amount_minor": 6000});
        let refund = change("payments", "r", Operation::Insert, given_back);
        assert!(may_make_change(Role::Billing, "u", &refund).is_ok());
        assert!(may_make_change(Role::Receptionist, "u", &refund).is_err());

        let vitals = change("vitals", "v", Operation::Insert, json!({"weight_kg": 70}));
        assert!(may_make_change(Role::Nurse, "u", &vitals).is_ok());
        assert!(may_make_change(Role::Billing, "u", &vitals).is_err());

        let check_in = json!({"status": "checked_in", "checked_in_at": "t"});
        let arrived = change("appointments", "a", Operation::Update, check_in);
        assert!(may_make_change(Role::Nurse, "u", &arrived).is_ok());
        assert!(may_make_change(Role::Doctor, "u", &arrived).is_err());
        let started = change(
            "appointments",
            "a",
            Operation::Update,
            json!({"status": "in_progress"}),
        );
        assert!(may_make_change(Role::Doctor, "u", &started).is_ok());
        assert!(may_make_change(Role::Receptionist, "u", &started).is_err());

        // Booking anyway into booked time is an administrator's call, however the flag is written.
        for set in [json!(1), json!(true)] {
            let anyway = json!({"provider_id": "p", "starts_at": "x", "overbooked": set});
            let anyway = change("appointments", "a", Operation::Insert, anyway);
            assert!(may_make_change(Role::Admin, "u", &anyway).is_ok());
            assert!(may_make_change(Role::Receptionist, "u", &anyway).is_err());
            assert!(may_make_change(Role::Doctor, "u", &anyway).is_err());
        }

        let role = change("users", "u", Operation::Update, json!({"role": "admin"}));
        assert!(
            may_make_change(Role::Receptionist, "u", &role).is_err(),
            "not even one's own"
        );
        assert!(may_make_change(Role::Admin, "admin", &role).is_ok());
        let password = json!({"password_hash": "h", "must_change_password": 0});
        let own = change("users", "u", Operation::Update, password.clone());
        assert!(may_make_change(Role::Billing, "u", &own).is_ok());
        let someone_elses = change("users", "other", Operation::Update, password);
        assert!(may_make_change(Role::Billing, "u", &someone_elses).is_err());

        // A merge moves a patient's clinical rows to the kept record: front-desk work.
        let moved = change(
            "encounters",
            "e",
            Operation::Update,
            json!({"patient_id": "k"}),
        );
        assert!(may_make_change(Role::Receptionist, "u", &moved).is_ok());
        let rewritten = change(
            "encounters",
            "e",
            Operation::Update,
            json!({"patient_id": "k", "provider_id": "x"}),
        );
        assert!(may_make_change(Role::Receptionist, "u", &rewritten).is_err());

        // Checking in does not move the appointment.
        let moved_too = json!({"status": "checked_in", "starts_at": "2027-01-01T09:00:00Z"});
        let moved_too = change("appointments", "a", Operation::Update, moved_too);
        assert!(may_make_change(Role::Nurse, "u", &moved_too).is_err());
        assert!(may_make_change(Role::Receptionist, "u", &moved_too).is_ok());

        for role in [
            Role::Admin,
            Role::Doctor,
            Role::Nurse,
            Role::Receptionist,
            Role::Billing,
        ] {
            let nowhere = change("secrets", "s", Operation::Insert, json!({}));
            assert!(may_make_change(role, "u", &nowhere).is_err());
        }
    }

    #[test]
    fn a_computer_records_only_itself_and_setup_comes_from_the_first() {
        let d1 = PushingDevice {
            id: "d1",
            prefix: "A",
        };
        let d2 = PushingDevice {
            id: "d2",
            prefix: "B",
        };
        let admin = ChangeAuthor::User {
            id: "u",
            role: Role::Admin,
        };
        let renamed = change("devices", "d2", Operation::Update, json!({"name": "x"}));
        assert!(may_push(admin, d2, &renamed).is_ok());
        assert!(
            may_push(admin, d1, &renamed).is_err(),
            "another computer's row"
        );
        let taking_a = change("devices", "d2", Operation::Update, json!({"prefix": "A"}));
        assert!(
            may_push(admin, d2, &taking_a).is_err(),
            "another computer's prefix"
        );
        let enrolled = change("devices", "d2", Operation::Insert, json!({"prefix": "B"}));
        assert!(may_push(admin, d2, &enrolled).is_ok());
        let posing = change("devices", "d2", Operation::Insert, json!({"prefix": "A"}));
        assert!(may_push(admin, d2, &posing).is_err());

        let setup = change(
            "users",
            "first",
            Operation::Insert,
            json!({"role": "admin"}),
        );
        let founder = ChangeAuthor::NoUser {
            brought_the_clinic: true,
        };
        let joiner = ChangeAuthor::NoUser {
            brought_the_clinic: false,
        };
        assert!(may_push(founder, d1, &setup).is_ok());
        assert!(may_push(joiner, d2, &setup).is_err());
        let prescription = change("prescriptions", "p", Operation::Insert, json!({}));
        assert!(may_push(founder, d1, &prescription).is_err());
        assert!(may_push(ChangeAuthor::UnknownUser, d1, &prescription).is_err());
    }
}
