//! Helpers shared by the store's integration tests.
#![allow(dead_code)]

use std::path::Path;

use clinic_store::{DeviceSetup, Fields, KeyOptions, Store, StoreResult, Table, WriteTx};
use uuid::Uuid;

/// Passphrase mode: no keyring needed, so most tests run anywhere.
pub fn passphrase() -> KeyOptions {
    KeyOptions::passphrase("correct horse battery staple")
}

/// Keyring mode under a service name of the tests' own, so no real clinic key is ever touched.
pub fn test_keyring() -> KeyOptions {
    KeyOptions {
        keyring_service: "Clinic-tests".to_owned(),
        ..KeyOptions::keyring()
    }
}

/// A store with nothing but its device row.
pub fn no_init(_: &mut WriteTx<'_>) -> StoreResult<()> {
    Ok(())
}

pub fn device(prefix: &str) -> DeviceSetup {
    DeviceSetup {
        device_id: None,
        clinic_id: Uuid::now_v7(),
        device_name: format!("test device {prefix}"),
        prefix: prefix.to_owned(),
    }
}

pub fn create(dir: &Path) -> Store {
    Store::create(dir, &passphrase(), &device("A"), no_init)
        .expect("create store")
        .0
}

/// Ids of one row of each parent table, filled in as samples are inserted in `Table::ALL` order.
#[derive(Default)]
pub struct Parents {
    pub user: Option<Uuid>,
    pub provider: Option<Uuid>,
    pub patient: Option<Uuid>,
    pub appointment_type: Option<Uuid>,
    pub appointment: Option<Uuid>,
    pub encounter: Option<Uuid>,
    pub service: Option<Uuid>,
    pub invoice: Option<Uuid>,
}

/// A valid row for `table`, and one column change that is allowed on it.
pub fn sample(table: Table, p: &Parents, n: usize) -> (Fields, Fields) {
    let f = Fields::new();
    let tag = format!("sample {n}");
    match table {
        Table::ClinicSettings => (
            f.set("name", "Test Clinic")
                .set("currency", "EUR")
                .set("time_zone", "Europe/Madrid"),
            Fields::new().set("phone", "+34 600 000 000"),
        ),
        Table::OpeningHours => (
            f.set("weekday", 1)
                .set("opens_at", "08:00")
                .set("closes_at", "18:00"),
            Fields::new().set("closes_at", "19:00"),
        ),
        Table::Devices => (
            f.set("name", "Second desk").set("prefix", format!("B{n}")),
            Fields::new().set("name", "Front desk 2"),
        ),
        Table::Users => (
            f.set("username", format!("user{n}"))
                .set("display_name", "Dr Test")
                .set("role", "doctor")
                .set("password_hash", "$argon2id$placeholder"),
            Fields::new().set("display_name", "Dr Tested"),
        ),
        Table::Providers => (
            f.set("user_id", p.user)
                .set("display_name", "Dr Test")
                .set("specialty", "Family medicine")
                .set("colour", "#1e88e5"),
            Fields::new().set("colour", "#43a047"),
        ),
        Table::ProviderSchedules => (
            f.set("provider_id", p.provider)
                .set("weekday", 2)
                .set("starts_at", "09:00")
                .set("ends_at", "13:00"),
            Fields::new().set("ends_at", "12:30"),
        ),
        Table::ProviderTimeOff => (
            f.set("provider_id", p.provider)
                .set("starts_at", "2026-12-24T00:00:00.000Z")
                .set("ends_at", "2026-12-27T00:00:00.000Z"),
            Fields::new().set("reason", "Holiday"),
        ),
        Table::Patients => (
            f.set("mrn", format!("A-{n:06}"))
                .set("first_name", "Zoë")
                .set("last_name", "Müller")
                .set("date_of_birth", "1980-02-29")
                .set("sex", "female"),
            Fields::new().set("phone", "+49 30 1234567"),
        ),
        Table::Allergies => (
            f.set("patient_id", p.patient)
                .set("substance", "Penicillin"),
            Fields::new().set("severity", "severe"),
        ),
        Table::Problems => (
            f.set("patient_id", p.patient)
                .set("description", "Hypertension")
                .set("icd10_code", "I10"),
            Fields::new().set("status", "resolved"),
        ),
        Table::AppointmentTypes => (
            f.set("name", "Follow-up").set("duration_minutes", 15),
            Fields::new().set("duration_minutes", 20),
        ),
        Table::Appointments => (
            f.set("patient_id", p.patient)
                .set("provider_id", p.provider)
                .set("appointment_type_id", p.appointment_type)
                .set("starts_at", "2026-12-01T09:00:00.000Z")
                .set("ends_at", "2026-12-01T09:15:00.000Z"),
            Fields::new().set("status", "confirmed"),
        ),
        Table::Encounters => (
            f.set("patient_id", p.patient)
                .set("provider_id", p.provider)
                .set("appointment_id", p.appointment)
                .set("started_at", "2026-12-01T09:02:00.000Z"),
            Fields::new().set("chief_complaint", "Cough"),
        ),
        Table::EncounterNotes => (
            f.set("encounter_id", p.encounter).set("body", tag.clone()),
            Fields::new().set("body", "Revised draft"),
        ),
        Table::Vitals => (
            f.set("encounter_id", p.encounter)
                .set("patient_id", p.patient)
                .set("taken_at", "2026-12-01T09:05:00.000Z")
                .set("systolic_mmhg", 120),
            Fields::new().set("diastolic_mmhg", 80),
        ),
        Table::Diagnoses => (
            f.set("encounter_id", p.encounter)
                .set("patient_id", p.patient)
                .set("icd10_code", "J06.9")
                .set(
                    "description",
                    "Acute upper respiratory infection, unspecified",
                ),
            Fields::new().set("is_primary", true),
        ),
        Table::Prescriptions => (
            f.set("encounter_id", p.encounter)
                .set("patient_id", p.patient)
                .set("prescriber_id", p.provider)
                .set("drug", "Amoxicillin"),
            Fields::new().set("refills", 1),
        ),
        Table::LabResults => (
            f.set("patient_id", p.patient)
                .set("test_name", "HbA1c")
                .set("value", "6.1")
                .set("unit", "%"),
            Fields::new().set("flag", "high"),
        ),
        Table::Attachments => (
            f.set("patient_id", p.patient)
                .set("file_name", "scan.pdf")
                .set("media_type", "application/pdf")
                .set("size_bytes", 3)
                .set("sha256", "00")
                .set("content", vec![1u8, 2, 3]),
            Fields::new().set("description", "Referral letter"),
        ),
        Table::Services => (
            f.set("code", format!("S{n}"))
                .set("name", "Consultation")
                .set("price_minor", 5000),
            Fields::new().set("price_minor", 5500),
        ),
        Table::Invoices => (
            f.set("patient_id", p.patient)
                .set("appointment_id", p.appointment)
                .set("currency", "EUR"),
            Fields::new().set("notes", "Paid at desk"),
        ),
        Table::InvoiceLines => (
            f.set("invoice_id", p.invoice)
                .set("service_id", p.service)
                .set("description", "Consultation")
                .set("quantity", 1)
                .set("unit_price_minor", 5000),
            Fields::new().set("quantity", 2),
        ),
        Table::Payments => (
            f.set("invoice_id", p.invoice)
                .set("patient_id", p.patient)
                .set("method", "card")
                .set("amount_minor", 5000)
                .set("received_at", "2026-12-01T09:30:00.000Z"),
            Fields::new().set("reference", "AUTH 123456"),
        ),
        Table::WaitlistEntries => (
            f.set("patient_id", p.patient)
                .set("provider_id", p.provider)
                .set("weekdays", "1,3")
                .set("earliest_time", "09:00"),
            Fields::new().set("booked_appointment_id", p.appointment),
        ),
        Table::PatientMerges => (
            f.set("patient_id", p.patient)
                .set("merged_patient_id", p.patient)
                .set("moved_rows", "[]"),
            Fields::new().set("undone_at", "2026-12-01T10:00:00.000Z"),
        ),
    }
}

/// Remembers the id of a freshly inserted row if later samples need it as a parent.
pub fn remember(p: &mut Parents, table: Table, id: Uuid) {
    match table {
        Table::Users => p.user = Some(id),
        Table::Providers => p.provider = Some(id),
        Table::Patients => p.patient = Some(id),
        Table::AppointmentTypes => p.appointment_type = Some(id),
        Table::Appointments => p.appointment = Some(id),
        Table::Encounters => p.encounter = Some(id),
        Table::Services => p.service = Some(id),
        Table::Invoices => p.invoice = Some(id),
        _ => {}
    }
}

/// Writes one row into every synced table (parents first), as a store in use would have.
pub fn fill(store: &Store) {
    let mut parents = Parents::default();
    for (n, table) in Table::ALL.into_iter().enumerate() {
        let (row, _) = sample(table, &parents, n);
        let id = store.write(None, |tx| tx.insert(table, row)).unwrap();
        remember(&mut parents, table, id);
    }
}

/// Every row of every synced table, and the outbox and audit trail, as text: equal dumps mean equal
/// content.
pub fn dump(store: &Store) -> Vec<String> {
    let mut tables: Vec<&str> = Table::ALL.iter().map(|t| t.name()).collect();
    tables.extend(["outbox", "audit_log", "number_series", "recovery_keys"]);
    let mut out = Vec::new();
    for table in tables {
        let rows: Vec<String> = store
            .read(|r| {
                r.query_all(
                    &format!("SELECT * FROM {table} ORDER BY rowid"),
                    [],
                    |row| {
                        let values: Vec<String> = (0..row.as_ref().column_count())
                            .map(|i| format!("{:?}", row.get_ref(i)))
                            .collect();
                        Ok(values.join("|"))
                    },
                )
            })
            .unwrap();
        out.push(format!("{table}: {}", rows.join("\n")));
    }
    out
}
