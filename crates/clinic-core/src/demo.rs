//! A realistic demo clinic, generated through the same domain operations staff use.
//!
//! The content is deterministic for a given seed and day: the same people, the same week of history
//! and the same coming week. Every row is written by booking, checking in, signing and invoicing as a
//! clinic would, with the clinic clock set to when each event happened, so the demo is always valid data.

use std::collections::HashSet;
use std::fs;
use std::path::Path;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::auth::demo_user;
use crate::billing::{InvoiceLineInput, PaymentMethod};
use crate::records::{AllergySeverity, NewAllergy, NewPrescription, NewVitals};
use crate::scheduling::{
    AppointmentStatus, NewAppointment, NewProvider, NewWaitlistEntry, Reschedule, SlotQuery,
    TimeBlock,
};
use crate::time::{local_to_utc, today};
use clinic_store::StoreError;

use crate::{
    Clinic, CoreError, CoreResult, KeyOptions, NewClinic, NewPatient, NewUser, PatientQuery, Role,
    SessionUser, Sex, message,
};

pub const DEMO_CLINIC_NAME: &str = "Riverside Family Clinic";
pub const DEMO_ADMIN_USERNAME: &str = "admin";
/// Every demo user's password. Demo data only: a real clinic's users choose their own.
pub const DEMO_PASSWORD: &str = "demo-clinic-2026";
pub const DEMO_TIME_ZONE: &str = "America/New_York";

/// What the demo wrote.
#[derive(Debug, Default, Serialize)]
pub struct DemoSummary {
    pub users: usize,
    pub providers: usize,
    pub patients: usize,
    pub appointments: usize,
    pub visits: usize,
    pub signed_visits: usize,
    pub invoices: usize,
    pub payments: usize,
}

/// Creates the demo clinic in an empty (or new) data directory and fills it. It is built in a folder
/// beside `dir` and moved into place once complete, so a demo that fails part-way (a full disk) leaves
/// nothing behind, no keyring entry either, and can simply be run again.
pub fn create_demo_clinic(
    dir: &Path,
    key: &KeyOptions,
    seed: u64,
    day_until: Option<NaiveTime>,
) -> CoreResult<(Clinic, DemoSummary)> {
    if Clinic::exists(dir) {
        return Err(StoreError::AlreadyInitialized(dir.to_owned()).into());
    }
    if fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some()) {
        return Err(CoreError::invalid(
            "dataDir",
            message!("demo_needs_empty_folder", path = dir.display().to_string()),
        ));
    }
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(|e| StoreError::io(parent, e))?;
    let building = tempfile::Builder::new()
        .prefix(".clinic-demo-")
        .tempdir_in(parent)
        .map_err(|e| StoreError::io(parent, e))?;
    let inside = building.path().join("clinic");
    // Nobody keeps the demo clinic's recovery sheet.
    let (clinic, _) = Clinic::create(
        &inside,
        key,
        NewClinic {
            clinic_name: DEMO_CLINIC_NAME.into(),
            time_zone: DEMO_TIME_ZONE.into(),
            country: None,
            currency: "USD".into(),
            admin_username: DEMO_ADMIN_USERNAME.into(),
            admin_display_name: "Clinic Administrator".into(),
            admin_password: DEMO_PASSWORD.into(),
        },
    )?;
    let filled = clinic
        .sign_in(DEMO_ADMIN_USERNAME, DEMO_PASSWORD)
        .and_then(|admin| populate(&clinic, &admin, seed, day_until));
    let summary = match filled {
        Ok(summary) => summary,
        Err(e) => {
            if let Err(left) = clinic.discard() {
                tracing::warn!("the failed demo's key was not removed from the keyring: {left}");
            }
            return Err(e);
        }
    };
    drop(clinic);
    if dir.exists() {
        fs::remove_dir(dir).map_err(|e| StoreError::io(dir, e))?;
    }
    fs::rename(&inside, dir).map_err(|e| StoreError::io(dir, e))?;
    Ok((Clinic::open(dir, key)?, summary))
}

const FIRST_NAMES: &[(&str, Sex)] = &[
    ("Amelia", Sex::Female),
    ("Noah", Sex::Male),
    ("Sofía", Sex::Female),
    ("Liam", Sex::Male),
    ("Chloé", Sex::Female),
    ("Mateo", Sex::Male),
    ("Aoife", Sex::Female),
    ("Björn", Sex::Male),
    ("Anaïs", Sex::Female),
    ("Łukasz", Sex::Male),
    ("Siobhán", Sex::Female),
    ("João", Sex::Male),
    ("Inês", Sex::Female),
    ("Ciarán", Sex::Male),
    ("Hélène", Sex::Female),
    ("Zoltán", Sex::Male),
    ("Ayşe", Sex::Female),
    ("Émile", Sex::Male),
    ("Renée", Sex::Female),
    ("Jürgen", Sex::Male),
    ("Priya", Sex::Female),
    ("Wei", Sex::Male),
    ("Fatima", Sex::Female),
    ("Kwame", Sex::Male),
    ("Yuki", Sex::Female),
    ("Dmitri", Sex::Male),
    ("Agnieszka", Sex::Female),
    ("Olúwaseun", Sex::Male),
    ("Ingrid", Sex::Female),
    ("Mohammed", Sex::Male),
    ("Maria", Sex::Female),
    ("James", Sex::Male),
    ("Olivia", Sex::Female),
    ("Ethan", Sex::Male),
    ("Isabella", Sex::Female),
    ("Lucas", Sex::Male),
    ("Mia", Sex::Female),
    ("Elijah", Sex::Male),
    ("Harper", Sex::Female),
    ("Santiago", Sex::Male),
    ("Dolores", Sex::Female),
    ("Nguyễn", Sex::Male),
    ("Søren", Sex::Male),
    ("Ana", Sex::Female),
    ("Tomás", Sex::Male),
    ("Noor", Sex::Female),
    ("Ravi", Sex::Male),
    ("Grace", Sex::Female),
    ("Alex", Sex::Other),
    ("Sam", Sex::Unknown),
];

const LAST_NAMES: &[&str] = &[
    "García",
    "Smith",
    "Martínez",
    "Johnson",
    "O'Brien",
    "Kowalski",
    "Søndergaard",
    "Öztürk",
    "Dubois",
    "Rossi",
    "Silva",
    "Santos",
    "Patel",
    "Chen",
    "Kim",
    "Okafor",
    "Mensah",
    "Haddad",
    "Ivanova",
    "Novák",
    "Horváth",
    "Fernández",
    "López",
    "Brown",
    "Williams",
    "Taylor",
    "Anderson",
    "MacDonald",
    "D'Angelo",
    "Lefèvre",
    "Schröder",
    "Ødegaard",
    "Jiménez",
    "Peña",
    "Ruiz",
    "Nakamura",
    "Abubakar",
    "Murphy",
    "Walsh",
    "Kovačević",
    "Yılmaz",
    "Papadopoulos",
    "Nielsen",
    "Larsen",
    "Moreau",
    "Bianchi",
    "Costa",
    "Pereira",
    "Hughes",
    "Wright",
];

const CITIES: &[&str] = &[
    "Springfield",
    "Riverside",
    "Fairview",
    "Greenville",
    "Madison",
    "Clinton",
    "Franklin",
];
const PAYERS: &[&str] = &[
    "BlueCross BlueShield",
    "Aetna",
    "UnitedHealthcare",
    "Cigna",
    "Medicare",
    "Medicaid",
];

struct DemoProvider {
    id: String,
    user: SessionUser,
    physio: bool,
    /// Working blocks per weekday (1 = Monday), clinic-local.
    blocks: Vec<(u32, &'static str, &'static str)>,
}

struct Diagnosis(&'static str, &'static str);
const GP_DIAGNOSES: &[Diagnosis] = &[
    Diagnosis("J06.9", "Acute upper respiratory infection, unspecified"),
    Diagnosis("I10", "Essential (primary) hypertension"),
    Diagnosis("E11.9", "Type 2 diabetes mellitus without complications"),
    Diagnosis("J45.909", "Unspecified asthma, uncomplicated"),
    Diagnosis(
        "K21.9",
        "Gastro-esophageal reflux disease without esophagitis",
    ),
    Diagnosis("F41.1", "Generalized anxiety disorder"),
    Diagnosis("E78.5", "Hyperlipidemia, unspecified"),
    Diagnosis("R51.9", "Headache, unspecified"),
    Diagnosis("N39.0", "Urinary tract infection, site not specified"),
    Diagnosis("J02.9", "Acute pharyngitis, unspecified"),
    Diagnosis(
        "Z00.00",
        "Encounter for general adult medical examination without abnormal findings",
    ),
    Diagnosis("L20.9", "Atopic dermatitis, unspecified"),
    Diagnosis(
        "G43.909",
        "Migraine, unspecified, not intractable, without status migrainosus",
    ),
    Diagnosis("H10.9", "Unspecified conjunctivitis"),
    Diagnosis("R05.9", "Cough, unspecified"),
    Diagnosis("E03.9", "Hypothyroidism, unspecified"),
];
const PHYSIO_DIAGNOSES: &[Diagnosis] = &[
    Diagnosis("M54.50", "Low back pain, unspecified"),
    Diagnosis("M25.561", "Pain in right knee"),
    Diagnosis("M54.2", "Cervicalgia"),
    Diagnosis(
        "S93.401A",
        "Sprain of unspecified ligament of right ankle, initial encounter",
    ),
];

/// (drug, strength, form, dose, frequency, duration, quantity)
const DRUGS: &[(&str, &str, &str, &str, &str, &str, &str)] = &[
    (
        "Amoxicillin",
        "500 mg",
        "capsule",
        "1 capsule",
        "three times daily",
        "7 days",
        "21",
    ),
    (
        "Lisinopril",
        "10 mg",
        "tablet",
        "1 tablet",
        "once daily",
        "90 days",
        "90",
    ),
    (
        "Metformin",
        "500 mg",
        "tablet",
        "1 tablet",
        "twice daily with meals",
        "90 days",
        "180",
    ),
    (
        "Salbutamol",
        "100 mcg/dose",
        "inhaler",
        "2 puffs",
        "as needed, up to 4 times daily",
        "30 days",
        "1",
    ),
    (
        "Omeprazole",
        "20 mg",
        "capsule",
        "1 capsule",
        "once daily before breakfast",
        "28 days",
        "28",
    ),
    (
        "Ibuprofen",
        "400 mg",
        "tablet",
        "1 tablet",
        "every 8 hours as needed",
        "5 days",
        "15",
    ),
    (
        "Atorvastatin",
        "20 mg",
        "tablet",
        "1 tablet",
        "once daily at night",
        "90 days",
        "90",
    ),
    (
        "Levothyroxine",
        "50 mcg",
        "tablet",
        "1 tablet",
        "once daily on an empty stomach",
        "90 days",
        "90",
    ),
];

const CANCEL_REASONS: &[&str] = &[
    "Patient called to cancel",
    "Patient is unwell and will rebook",
    "Provider unavailable",
    "Transport problem",
];

/// Fills an empty clinic with the demo: staff, providers, patients, two weeks of appointments, visits,
/// invoices and payments. Refuses a clinic that already has patients. All or nothing: a demo that
/// fails part-way (a full disk) leaves the clinic as it was, so it can simply be run again.
///
/// Today's clinic day is played up to now, or up to `day_until` (clinic time): a training session that
/// starts from "08:00" finds the day's patients still to arrive, whatever the hour it is run.
pub fn populate(
    clinic: &Clinic,
    admin: &SessionUser,
    seed: u64,
    day_until: Option<NaiveTime>,
) -> CoreResult<DemoSummary> {
    let filled = clinic.all_or_nothing(|| fill(clinic, admin, seed, day_until));
    clinic.set_clock(None);
    filled
}

fn fill(
    clinic: &Clinic,
    admin: &SessionUser,
    seed: u64,
    day_until: Option<NaiveTime>,
) -> CoreResult<DemoSummary> {
    if clinic.list_patients(admin, &PatientQuery::all(0, 1))?.total > 0 {
        return Err(CoreError::Conflict(message!("demo_needs_empty_clinic")));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let tz = clinic.settings()?.time_zone;
    let mut now = clinic.now();
    let day0 = today(tz, now);
    if let Some(until) = day_until {
        let played_to = local_to_utc(tz, day0.and_time(until));
        if played_to > now {
            return Err(CoreError::invalid(
                "dayUntil",
                message!(
                    "demo_day_until_later",
                    time = until.format("%H:%M").to_string()
                ),
            ));
        }
        now = played_to;
    }
    let mut summary = DemoSummary::default();
    let at = |day: NaiveDate, hhmm: &str| {
        local_to_utc(
            tz,
            day.and_time(NaiveTime::parse_from_str(hhmm, "%H:%M").unwrap_or(NaiveTime::MIN)),
        )
    };

    // Staff and providers are set up a month before the first visit.
    clinic.set_clock(Some(at(day0 - Duration::days(40), "08:00")));
    let staff = [
        ("nurse.kim", "Nurse Hana Kim", Role::Nurse),
        ("frontdesk", "Lena Front Desk", Role::Receptionist),
        ("billing", "Omar Billing", Role::Billing),
    ];
    for (username, name, role) in staff {
        demo_user(
            clinic,
            admin,
            NewUser {
                username: username.into(),
                display_name: name.into(),
                password: DEMO_PASSWORD.into(),
                role,
            },
        )?;
        summary.users += 1;
    }
    // A weekend rota, so that "today" always has a clinic session to show.
    clinic.set_opening_hours(admin, 6, &[block("09:00", "13:00")])?;
    clinic.set_opening_hours(admin, 7, &[block("10:00", "14:00")])?;
    let provider_specs: [(&str, &str, &str, &str, bool); 3] = [
        (
            "dr.okafor",
            "Dr. Amara Okafor",
            "Family medicine",
            "#1e88e5",
            false,
        ),
        (
            "dr.fernandez",
            "Dr. Lucas Fernández",
            "Family medicine",
            "#8e24aa",
            false,
        ),
        (
            "pt.sondergaard",
            "Henrik Søndergaard, PT",
            "Physiotherapy",
            "#43a047",
            true,
        ),
    ];
    let mut providers = Vec::new();
    for (username, name, specialty, colour, physio) in provider_specs {
        let user = demo_user(
            clinic,
            admin,
            NewUser {
                username: username.into(),
                display_name: name.into(),
                password: DEMO_PASSWORD.into(),
                role: Role::Doctor,
            },
        )?;
        summary.users += 1;
        let id = clinic.add_provider(
            admin,
            NewProvider {
                user_id: Some(user.id.clone()),
                display_name: name.into(),
                specialty: specialty.into(),
                licence_number: Some(format!("LIC-{}", rng.random_range(100_000..999_999))),
                colour: colour.into(),
            },
        )?;
        let mut blocks: Vec<(u32, &str, &str)> = if physio {
            (1..=5)
                .flat_map(|d| [(d, "09:00", "13:00"), (d, "14:00", "18:00")])
                .collect()
        } else {
            (1..=5)
                .flat_map(|d| [(d, "08:30", "12:30"), (d, "13:30", "17:00")])
                .collect()
        };
        match username {
            "dr.fernandez" => blocks.push((6, "09:00", "13:00")),
            "pt.sondergaard" => blocks.push((7, "10:00", "14:00")),
            _ => {}
        }
        for weekday in 1..=7 {
            let day: Vec<TimeBlock> = blocks
                .iter()
                .filter(|(w, _, _)| *w == weekday)
                .map(|(_, s, e)| block(s, e))
                .collect();
            if !day.is_empty() {
                clinic.set_working_hours(admin, &id, weekday, &day)?;
            }
        }
        providers.push(DemoProvider {
            id,
            user,
            physio,
            blocks,
        });
        summary.providers += 1;
    }
    let mut services = std::collections::HashMap::new();
    for (code, name, price, taxable) in [
        ("CONS", "General consultation", 6_500, false),
        ("NEWP", "New patient visit", 9_500, false),
        ("PHYS", "Physiotherapy session", 5_500, false),
        ("CERT", "Medical certificate", 2_000, true),
    ] {
        services.insert(code, clinic.add_service(admin, code, name, price, taxable)?);
    }
    let physio_type = clinic.add_appointment_type(admin, "Physiotherapy session", 45)?;
    let types = clinic.appointment_types(admin)?;
    let type_id = |name: &str| {
        types
            .iter()
            .find(|t| t.name == name)
            .map(|t| (t.id.clone(), t.duration_minutes))
    };
    let (new_patient_type, new_minutes) = type_id("New patient")
        .ok_or_else(|| CoreError::Internal("the demo has no New patient type".into()))?;
    let (follow_up_type, follow_minutes) = type_id("Follow-up")
        .ok_or_else(|| CoreError::Internal("the demo has no Follow-up type".into()))?;

    // Patients: the first two are fixed so the accents are always there to search for.
    let reception = clinic.sign_in("frontdesk", DEMO_PASSWORD)?;
    let mut patients = Vec::new();
    for i in 0..200 {
        let (first, sex) = match i {
            0 => ("José", Sex::Male),
            1 => ("Zoë", Sex::Female),
            _ => *FIRST_NAMES
                .choose(&mut rng)
                .unwrap_or(&("Alex", Sex::Unknown)),
        };
        let last = match i {
            0 => "Núñez",
            1 => "Müller",
            _ => LAST_NAMES.choose(&mut rng).copied().unwrap_or("Smith"),
        };
        let born = NaiveDate::from_ymd_opt(
            rng.random_range(1936..=2023),
            rng.random_range(1..=12),
            rng.random_range(1..=28),
        )
        .unwrap_or(NaiveDate::MIN);
        // Unique, as the clinic requires: the patient's number is part of both.
        let email = rng
            .random_bool(0.6)
            .then(|| format!("{}.{}{i}@example.org", ascii_fold(first), ascii_fold(last)));
        clinic.set_clock(Some(at(
            day0 - Duration::days(rng.random_range(8..400)),
            "10:00",
        )));
        let row = clinic.register_patient(
            &reception,
            NewPatient {
                first_name: first.into(),
                last_name: last.into(),
                date_of_birth: born.to_string(),
                sex: Some(sex),
                phone: Some(format!(
                    "+1 555 {:03} {:04}",
                    rng.random_range(200..999),
                    1000 + i
                )),
                email,
                city: CITIES.choose(&mut rng).map(|c| c.to_string()),
                insurance_payer: rng
                    .random_bool(0.7)
                    .then(|| PAYERS.choose(&mut rng).unwrap_or(&"Aetna").to_string()),
                insurance_member_id: Some(format!("M{}", rng.random_range(10_000_000..99_999_999))),
                allow_duplicates: false,
            },
        )?;
        patients.push(row.id);
        summary.patients += 1;
    }
    record_allergies(clinic, &patients, seed)?;

    // A past week and a coming week of appointments.
    let billing = clinic.sign_in("billing", DEMO_PASSWORD)?;
    let mut coming = Vec::new();
    for offset in -7..=7 {
        let day = day0 + Duration::days(offset);
        let mut busy_patients: HashSet<usize> = HashSet::new();
        for provider in &providers {
            for (weekday, starts, ends) in provider
                .blocks
                .iter()
                .filter(|(w, _, _)| *w == day.weekday().number_from_monday())
            {
                let _ = weekday;
                let (mut cursor, block_end) = (at(day, starts), at(day, ends));
                loop {
                    let new_patient = rng.random_bool(0.2);
                    let (type_id, minutes) = if provider.physio {
                        (physio_type.clone(), 45)
                    } else if new_patient {
                        (new_patient_type.clone(), new_minutes)
                    } else {
                        (follow_up_type.clone(), follow_minutes.max(20))
                    };
                    let end = cursor + Duration::minutes(minutes);
                    if end > block_end {
                        break;
                    }
                    if rng.random_bool(0.25) {
                        cursor += Duration::minutes(15);
                        continue;
                    }
                    let patient = loop {
                        let p = rng.random_range(0..patients.len());
                        if busy_patients.insert(p) {
                            break p;
                        }
                    };
                    let booked_at = cursor.min(now)
                        - Duration::days(rng.random_range(1..14))
                        - Duration::hours(rng.random_range(0..8));
                    clinic.set_clock(Some(booked_at));
                    let appointment = clinic.book_appointment(
                        &reception,
                        NewAppointment {
                            patient_id: patients[patient].clone(),
                            provider_id: provider.id.clone(),
                            appointment_type_id: Some(type_id),
                            starts_at: clinic_store::format_instant(cursor),
                            ends_at: clinic_store::format_instant(end),
                            reason: Some(visit_reason(&mut rng, provider.physio).into()),
                            allow_patient_overlap: None,
                            allow_outside_hours: None,
                        },
                    )?;
                    summary.appointments += 1;
                    if cursor > now + Duration::days(2) {
                        coming.push(appointment.clone());
                    }
                    let visit = Visit {
                        clinic,
                        provider,
                        patient_id: &patients[patient],
                        appointment: &appointment,
                        booked_at,
                        starts: cursor,
                        ends: end,
                    };
                    let outcome = play_out(&visit, &reception, now, &mut rng)?;
                    if outcome.completed || outcome.in_progress {
                        let signed = record_visit(&visit, outcome.completed, &mut rng)?;
                        summary.visits += 1;
                        summary.signed_visits += usize::from(signed);
                    }
                    if outcome.completed {
                        let code = if provider.physio {
                            "PHYS"
                        } else if new_patient {
                            "NEWP"
                        } else {
                            "CONS"
                        };
                        let payments = bill_visit(
                            &visit,
                            &billing,
                            &services[code],
                            services.get("CERT"),
                            &mut rng,
                        )?;
                        summary.invoices += 1;
                        summary.payments += payments;
                    }
                    cursor = end;
                }
            }
        }
    }
    clinic.set_clock(Some(now));
    front_desk_today(clinic, &reception, &coming)?;
    Ok(summary)
}

/// This morning at the front desk: a patient asked to move their appointment to the provider's next
/// free time after it, and two others asked for an earlier one and wait on the waitlist.
fn front_desk_today(clinic: &Clinic, reception: &SessionUser, coming: &[String]) -> CoreResult<()> {
    let mut still_booked = coming.iter().filter_map(|id| {
        let a = clinic.appointment(reception, id).ok()?;
        matches!(
            a.status,
            AppointmentStatus::Scheduled | AppointmentStatus::Confirmed
        )
        .then_some(a)
    });
    if let Some(moving) = still_booked.next() {
        let after = moving.local_date.parse::<chrono::NaiveDate>().ok();
        let free = clinic.next_free_slots(
            reception,
            SlotQuery {
                provider_id: Some(moving.provider_id.clone()),
                appointment_type_id: moving.appointment_type_id.clone(),
                from_date: after.and_then(|d| d.succ_opt()).map(|d| d.to_string()),
                count: 1,
                ..SlotQuery::default()
            },
        )?;
        if let Some(slot) = free.first() {
            clinic.reschedule_appointment(
                reception,
                &moving.id,
                Reschedule {
                    provider_id: None,
                    starts_at: slot.starts_at.clone(),
                    ends_at: slot.ends_at.clone(),
                    allow_patient_overlap: Some(true),
                    allow_outside_hours: None,
                },
            )?;
        }
    }
    for waiting in still_booked.take(2) {
        clinic.add_to_waitlist(
            reception,
            NewWaitlistEntry {
                patient_id: waiting.patient_id.clone(),
                provider_id: Some(waiting.provider_id.clone()),
                weekdays: vec![1, 2, 3, 4, 5],
                earliest_time: Some("09:00".into()),
                latest_time: Some("13:00".into()),
                note: Some("Would like an earlier morning appointment".into()),
                ..NewWaitlistEntry::default()
            },
        )?;
    }
    Ok(())
}

/// About one patient in seven has an allergy on record (José Núñez, the first, always: penicillin).
/// A random source of its own, so the rest of the demo stays what it was for a given seed.
fn record_allergies(clinic: &Clinic, patients: &[String], seed: u64) -> CoreResult<()> {
    const ALLERGIES: [(&str, &str, AllergySeverity); 5] = [
        ("Penicillin", "Hives", AllergySeverity::Severe),
        ("Latex", "Rash", AllergySeverity::Moderate),
        ("Peanuts", "Anaphylaxis", AllergySeverity::Severe),
        ("Ibuprofen", "Stomach pain", AllergySeverity::Mild),
        ("Sulfa drugs", "Rash", AllergySeverity::Moderate),
    ];
    let nurse = clinic.sign_in("nurse.kim", DEMO_PASSWORD)?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_add(0xA11E));
    for (i, patient) in patients.iter().enumerate() {
        if i > 0 && !rng.random_bool(0.15) {
            continue;
        }
        let (substance, reaction, severity) = if i == 0 {
            ALLERGIES[0]
        } else {
            *ALLERGIES.choose(&mut rng).unwrap_or(&ALLERGIES[1])
        };
        clinic.record_allergy(
            &nurse,
            patient,
            NewAllergy {
                substance: substance.into(),
                reaction: Some(reaction.into()),
                severity: Some(severity),
            },
        )?;
    }
    Ok(())
}

fn block(starts_at: &str, ends_at: &str) -> TimeBlock {
    TimeBlock {
        starts_at: starts_at.into(),
        ends_at: ends_at.into(),
    }
}

struct Visit<'a> {
    clinic: &'a Clinic,
    provider: &'a DemoProvider,
    patient_id: &'a str,
    appointment: &'a str,
    booked_at: DateTime<Utc>,
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
}

struct Outcome {
    completed: bool,
    in_progress: bool,
}

/// Moves an appointment through the statuses it would have reached by `now`.
fn play_out(
    v: &Visit<'_>,
    reception: &SessionUser,
    now: DateTime<Utc>,
    rng: &mut ChaCha8Rng,
) -> CoreResult<Outcome> {
    use AppointmentStatus::*;
    let c = v.clinic;
    let step = |status, at: DateTime<Utc>, who: &SessionUser, reason: Option<&str>| {
        c.set_clock(Some(at));
        c.set_appointment_status(who, v.appointment, status, reason)
    };
    let confirmed = rng.random_bool(0.6);
    let roll: f64 = rng.random();
    let reason = CANCEL_REASONS.choose(rng).copied();
    // Calls to confirm or cancel come after the booking and no later than now.
    let after_booking = |t: DateTime<Utc>| t.min(now).max(v.booked_at + Duration::minutes(1));
    if confirmed {
        step(
            Confirmed,
            after_booking(v.starts - Duration::days(1)),
            reception,
            None,
        )?;
    }
    if roll < 0.08 {
        step(
            Cancelled,
            after_booking(v.starts - Duration::hours(20)),
            reception,
            reason,
        )?;
        return Ok(Outcome {
            completed: false,
            in_progress: false,
        });
    }
    let arrival = v.starts - Duration::minutes(10);
    if v.ends + Duration::minutes(30) <= now {
        if roll < 0.15 {
            step(NoShow, v.starts + Duration::minutes(20), reception, None)?;
            return Ok(Outcome {
                completed: false,
                in_progress: false,
            });
        }
        step(CheckedIn, arrival, reception, None)?;
        step(InProgress, v.starts, &v.provider.user, None)?;
        step(Completed, v.ends, &v.provider.user, None)?;
        return Ok(Outcome {
            completed: true,
            in_progress: false,
        });
    }
    if arrival <= now {
        step(CheckedIn, arrival, reception, None)?;
        if v.starts <= now {
            step(InProgress, v.starts, &v.provider.user, None)?;
            return Ok(Outcome {
                completed: false,
                in_progress: true,
            });
        }
    }
    Ok(Outcome {
        completed: false,
        in_progress: false,
    })
}

/// The clinical record of a visit: vitals, a note, diagnoses and sometimes a prescription. Returns
/// whether the note was signed (a finished visit is usually signed the same day; some wait).
fn record_visit(v: &Visit<'_>, finished: bool, rng: &mut ChaCha8Rng) -> CoreResult<bool> {
    let (c, doctor) = (v.clinic, &v.provider.user);
    c.set_clock(Some(v.starts + Duration::minutes(1)));
    let encounter = c.open_encounter(doctor, v.patient_id, &v.provider.id, Some(v.appointment))?;
    c.set_clock(Some(v.starts + Duration::minutes(4)));
    c.add_vitals(
        doctor,
        &encounter,
        NewVitals {
            systolic_mmhg: Some(rng.random_range(105..165)),
            diastolic_mmhg: Some(rng.random_range(65..100)),
            heart_rate_bpm: Some(rng.random_range(55..105)),
            temperature_c: Some(f64::from(rng.random_range(361..383_u32)) / 10.0),
            spo2_percent: Some(rng.random_range(94..=100)),
            weight_kg: Some(f64::from(rng.random_range(450..1100_u32)) / 10.0),
            height_cm: Some(f64::from(rng.random_range(1500..1950_u32)) / 10.0),
        },
    )?;
    let options = if v.provider.physio {
        PHYSIO_DIAGNOSES
    } else {
        GP_DIAGNOSES
    };
    let diagnosis = options.choose(rng).unwrap_or(&GP_DIAGNOSES[0]);
    if !finished {
        c.write_note(
            doctor,
            &encounter,
            "Visit in progress. History taken; examination under way.",
        )?;
        return Ok(false);
    }
    c.set_clock(Some(v.ends - Duration::minutes(3)));
    let note = c.write_note(
        doctor,
        &encounter,
        &format!(
            "S: Patient seen for {}.\nO: Vitals recorded; examination consistent with the assessment.\nA: {} ({}).\nP: Advice given; follow up as needed.",
            diagnosis.1.to_lowercase(),
            diagnosis.1,
            diagnosis.0
        ),
    )?;
    c.add_diagnosis(doctor, &encounter, diagnosis.0, diagnosis.1, true)?;
    if !v.provider.physio && rng.random_bool(0.5) {
        let (drug, strength, form, dose, frequency, duration, quantity) =
            *DRUGS.choose(rng).unwrap_or(&DRUGS[0]);
        c.add_prescription(
            doctor,
            &encounter,
            NewPrescription {
                drug: drug.into(),
                strength: Some(strength.into()),
                form: Some(form.into()),
                route: Some(
                    if form == "inhaler" {
                        "inhalation"
                    } else {
                        "oral"
                    }
                    .into(),
                ),
                dose: Some(dose.into()),
                frequency: Some(frequency.into()),
                duration: Some(duration.into()),
                quantity: Some(quantity.into()),
                refills: rng.random_range(0..3),
                instructions: Some("Take as directed. Return if symptoms worsen.".into()),
            },
        )?;
    }
    if rng.random_bool(0.85) {
        c.set_clock(Some(v.ends));
        c.sign_note(doctor, &note)?;
        return Ok(true);
    }
    Ok(false)
}

/// Invoices a finished visit and records what the patient paid. Returns the number of payments.
fn bill_visit(
    v: &Visit<'_>,
    billing: &SessionUser,
    service: &str,
    certificate: Option<&String>,
    rng: &mut ChaCha8Rng,
) -> CoreResult<usize> {
    let c = v.clinic;
    c.set_clock(Some(v.ends + Duration::minutes(5)));
    let mut lines = vec![InvoiceLineInput {
        service_id: service.to_owned(),
        quantity: 1,
    }];
    if let Some(cert) = certificate.filter(|_| rng.random_bool(0.1)) {
        lines.push(InvoiceLineInput {
            service_id: cert.clone(),
            quantity: 1,
        });
    }
    let (invoice, _) = c.issue_invoice(billing, v.patient_id, Some(v.appointment), &lines)?;
    let total = c.invoice_balance(billing, &invoice)?.total_minor;
    let roll: f64 = rng.random();
    let method = *[
        PaymentMethod::Card,
        PaymentMethod::Cash,
        PaymentMethod::Insurance,
        PaymentMethod::Transfer,
    ]
    .choose(rng)
    .unwrap_or(&PaymentMethod::Card);
    let reference = (method == PaymentMethod::Card)
        .then(|| format!("AUTH {}", rng.random_range(100_000..999_999)));
    if roll < 0.75 {
        c.record_payment(billing, &invoice, method, total, reference.as_deref())?;
        Ok(1)
    } else if roll < 0.85 {
        c.record_payment(billing, &invoice, PaymentMethod::Cash, total / 2, None)?;
        Ok(1)
    } else {
        Ok(0)
    }
}

fn visit_reason(rng: &mut ChaCha8Rng, physio: bool) -> &'static str {
    let reasons: &[&str] = if physio {
        &[
            "Lower back pain",
            "Knee rehabilitation",
            "Neck stiffness",
            "Ankle sprain follow-up",
            "Post-surgery exercises",
        ]
    } else {
        &[
            "Annual check-up",
            "Cough and fever",
            "Blood pressure review",
            "Diabetes follow-up",
            "Headaches",
            "Skin rash",
            "Prescription renewal",
            "Sore throat",
        ]
    };
    reasons.choose(rng).copied().unwrap_or("Consultation")
}

/// "Núñez" → "nunez", for demo e-mail addresses.
fn ascii_fold(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'Á' => Some('a'),
            'é' | 'è' | 'ê' | 'ë' | 'É' => Some('e'),
            'í' | 'ì' | 'î' | 'ï' | 'ı' => Some('i'),
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'Ø' | 'Ö' => Some('o'),
            'ú' | 'ù' | 'û' | 'ü' => Some('u'),
            'ñ' => Some('n'),
            'ç' => Some('c'),
            'ł' | 'Ł' => Some('l'),
            'ş' => Some('s'),
            'č' => Some('c'),
            'ễ' => Some('e'),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}
