//! The permission matrix: which role may do which action. Written once, as data; every operation of the
//! core names its action and is refused before it reads or writes anything when the matrix says no.

use serde::Serialize;
use ts_rs::TS;

use super::Role;

/// Everything a user can be allowed to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// See patients' names, contact details and the patient list.
    ViewDemographics,
    /// Register, edit, archive and merge patients.
    EditDemographics,
    /// See providers, hours and appointments.
    ViewSchedule,
    /// Book, reschedule and cancel appointments; providers' hours and time off.
    EditSchedule,
    /// Mark a patient arrived.
    CheckIn,
    /// Take a patient from the queue and finish the visit.
    StartVisit,
    /// Read notes, diagnoses, prescriptions, results and attachments.
    ViewClinical,
    /// Record vitals and allergies.
    RecordVitals,
    /// Open visits, write draft notes, diagnoses and results.
    WriteClinical,
    /// Sign and amend notes.
    SignNotes,
    Prescribe,
    /// See invoices and payments.
    ViewBilling,
    /// Issue invoices and take payments.
    EditBilling,
    Refund,
    ManageUsers,
    /// Clinic settings, opening hours, appointment types, the service catalog.
    ManageSettings,
    /// Backups, restores and the database key.
    ManageBackups,
    ViewAudit,
    /// Export lists (CSV).
    ExportData,
    /// Undo a merge of two patient records (the same day).
    UndoPatientMerge,
    /// Book anyway into time a provider already has booked (a booking the clinic server refused): it
    /// adds to a doctor's day, so an administrator (the practice manager) decides.
    Overbook,
}

impl Action {
    pub const ALL: [Action; 21] = [
        Action::ViewDemographics,
        Action::EditDemographics,
        Action::ViewSchedule,
        Action::EditSchedule,
        Action::CheckIn,
        Action::StartVisit,
        Action::ViewClinical,
        Action::RecordVitals,
        Action::WriteClinical,
        Action::SignNotes,
        Action::Prescribe,
        Action::ViewBilling,
        Action::EditBilling,
        Action::Refund,
        Action::ManageUsers,
        Action::ManageSettings,
        Action::ManageBackups,
        Action::ViewAudit,
        Action::ExportData,
        Action::UndoPatientMerge,
        Action::Overbook,
    ];
}

use Action::*;

/// Front desk: demographics, scheduling, check-in, invoices and payments; no clinical content.
const RECEPTIONIST: &[Action] = &[
    ViewDemographics,
    EditDemographics,
    ViewSchedule,
    EditSchedule,
    CheckIn,
    ViewBilling,
    EditBilling,
    ExportData,
];
/// Nurses: read demographics and records, check patients in, record vitals and allergies; no signing or
/// prescribing.
const NURSE: &[Action] = &[
    ViewDemographics,
    ViewSchedule,
    CheckIn,
    ViewClinical,
    RecordVitals,
];
/// Doctors: all clinical work; read scheduling and billing.
const DOCTOR: &[Action] = &[
    ViewDemographics,
    ViewSchedule,
    StartVisit,
    ViewClinical,
    RecordVitals,
    WriteClinical,
    SignNotes,
    Prescribe,
    ViewBilling,
];
/// Billing staff: invoices, payments, refunds and reports; demographics and schedule read (to invoice
/// visits); no clinical content.
const BILLING: &[Action] = &[
    ViewDemographics,
    ViewSchedule,
    ViewBilling,
    EditBilling,
    Refund,
    ExportData,
];

/// Whether `role` may do `action`. Administrators may do everything.
pub fn allows(role: Role, action: Action) -> bool {
    match role {
        Role::Admin => true,
        Role::Doctor => DOCTOR.contains(&action),
        Role::Nurse => NURSE.contains(&action),
        Role::Receptionist => RECEPTIONIST.contains(&action),
        Role::Billing => BILLING.contains(&action),
    }
}

/// The matrix as a Markdown table, for the documentation (`clinic permissions`).
pub fn matrix_markdown() -> String {
    let mut out = String::from(
        "| action | admin | doctor | nurse | receptionist | billing |\n|---|---|---|---|---|---|\n",
    );
    for action in Action::ALL {
        let name = serde_json::to_value(action)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        out.push_str(&format!("| {name} |"));
        for role in Role::ALL {
            out.push_str(if allows(role, action) { " yes |" } else { " |" });
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_desk_and_billing_see_no_clinical_content() {
        for role in [Role::Receptionist, Role::Billing] {
            for action in [
                ViewClinical,
                WriteClinical,
                SignNotes,
                Prescribe,
                RecordVitals,
            ] {
                assert!(!allows(role, action), "{role:?} must not {action:?}");
            }
        }
    }

    #[test]
    fn only_doctors_and_admins_sign_and_prescribe() {
        for role in Role::ALL {
            let clinical_lead = matches!(role, Role::Doctor | Role::Admin);
            assert_eq!(allows(role, SignNotes), clinical_lead, "{role:?}");
            assert_eq!(allows(role, Prescribe), clinical_lead, "{role:?}");
        }
    }

    #[test]
    fn only_admins_manage_users_settings_backups_and_audit() {
        for action in [
            ManageUsers,
            ManageSettings,
            ManageBackups,
            ViewAudit,
            UndoPatientMerge,
        ] {
            for role in Role::ALL {
                assert_eq!(
                    allows(role, action),
                    role == Role::Admin,
                    "{role:?} {action:?}"
                );
            }
        }
    }
}
