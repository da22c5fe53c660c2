//! The synced tables: every table whose rows travel between devices.

/// A table written through the write path, with an outbox record for every change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    ClinicSettings,
    OpeningHours,
    Devices,
    Users,
    Providers,
    ProviderSchedules,
    ProviderTimeOff,
    Patients,
    Allergies,
    Problems,
    AppointmentTypes,
    Appointments,
    Encounters,
    EncounterNotes,
    Vitals,
    Diagnoses,
    Prescriptions,
    LabResults,
    Attachments,
    Services,
    Invoices,
    InvoiceLines,
    Payments,
    WaitlistEntries,
    PatientMerges,
}

impl Table {
    pub const ALL: [Table; 25] = [
        Table::ClinicSettings,
        Table::OpeningHours,
        Table::Devices,
        Table::Users,
        Table::Providers,
        Table::ProviderSchedules,
        Table::ProviderTimeOff,
        Table::Patients,
        Table::Allergies,
        Table::Problems,
        Table::AppointmentTypes,
        Table::Appointments,
        Table::Encounters,
        Table::EncounterNotes,
        Table::Vitals,
        Table::Diagnoses,
        Table::Prescriptions,
        Table::LabResults,
        Table::Attachments,
        Table::Services,
        Table::Invoices,
        Table::InvoiceLines,
        Table::Payments,
        Table::WaitlistEntries,
        Table::PatientMerges,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Table::ClinicSettings => "clinic_settings",
            Table::OpeningHours => "opening_hours",
            Table::Devices => "devices",
            Table::Users => "users",
            Table::Providers => "providers",
            Table::ProviderSchedules => "provider_schedules",
            Table::ProviderTimeOff => "provider_time_off",
            Table::Patients => "patients",
            Table::Allergies => "allergies",
            Table::Problems => "problems",
            Table::AppointmentTypes => "appointment_types",
            Table::Appointments => "appointments",
            Table::Encounters => "encounters",
            Table::EncounterNotes => "encounter_notes",
            Table::Vitals => "vitals",
            Table::Diagnoses => "diagnoses",
            Table::Prescriptions => "prescriptions",
            Table::LabResults => "lab_results",
            Table::Attachments => "attachments",
            Table::Services => "services",
            Table::Invoices => "invoices",
            Table::InvoiceLines => "invoice_lines",
            Table::Payments => "payments",
            Table::WaitlistEntries => "waitlist_entries",
            Table::PatientMerges => "patient_merges",
        }
    }

    pub fn from_name(name: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// The metadata columns every synced table starts with; only the write path sets them.
pub(crate) const METADATA_COLUMNS: [&str; 7] = [
    "id",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "hlc",
    "archived_at",
];
