//! Scheduling benchmarks: what the front desk waits for when it opens the calendar and books.
//!
//! `cargo bench -p clinic-core --bench scheduling` builds a clinic of 10 providers with full weekday
//! rotas (a lunch break each), 2,000 patients and three months of bookings (about 13,000 appointments,
//! written in batches through the store's write path), then times, each many times, printing p50 and
//! p95: the free slots of one provider on one busy day; the next five free slots of a specialty; the
//! calendar of one day for all 10 providers (with its audit entry); and booking an appointment (the
//! conflict checks and one durable commit).

mod common;

use std::time::Instant;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use clinic_core::{Clinic, NewAppointment, NewProvider, SessionUser, SlotQuery, TimeBlock};
use clinic_store::{Fields, Series, Store, Table, format_instant};
use common::{PASSWORD, create_clinic, key, measuring, report, timed};

const RUNS: usize = 200;
const PROVIDERS: usize = 10;
const PATIENTS: usize = 2_000;
const DAYS: i64 = 90;

fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 1, 4).unwrap()
}

/// Madrid is UTC+1 in winter: a local hour minus one.
fn winter(day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    day.and_hms_opt(hour - 1, minute, 0).unwrap().and_utc()
}

fn block(starts_at: &str, ends_at: &str) -> TimeBlock {
    TimeBlock {
        starts_at: starts_at.into(),
        ends_at: ends_at.into(),
    }
}

fn build(dir: &std::path::Path) -> (Clinic, SessionUser, Vec<String>, Vec<String>) {
    let clinic = create_clinic(dir);
    let admin = clinic.sign_in("root", PASSWORD).unwrap();
    let mut providers = Vec::new();
    for p in 0..PROVIDERS {
        let id = clinic
            .add_provider(
                &admin,
                NewProvider {
                    user_id: None,
                    display_name: format!("Dr. Provider {p:02}"),
                    specialty: if p < 6 {
                        "Family medicine"
                    } else {
                        "Physiotherapy"
                    }
                    .into(),
                    licence_number: None,
                    colour: "#1e88e5".into(),
                },
            )
            .unwrap();
        for weekday in 1..=5 {
            clinic
                .set_working_hours(
                    &admin,
                    &id,
                    weekday,
                    &[block("08:00", "13:00"), block("14:00", "18:00")],
                )
                .unwrap();
        }
        providers.push(id);
    }
    for weekday in 1..=5 {
        clinic
            .set_opening_hours(&admin, weekday, &[block("08:00", "18:00")])
            .unwrap();
    }
    drop(clinic);

    let store = Store::open(dir, &key()).unwrap();
    let patients: Vec<String> = store
        .write(None, |tx| {
            (0..PATIENTS)
                .map(|i| {
                    let mrn = tx.next_number(Series::Mrn)?;
                    Ok(tx
                        .insert(
                            Table::Patients,
                            Fields::new()
                                .set("mrn", mrn)
                                .set("first_name", format!("Patient{i}"))
                                .set("last_name", "Bench")
                                .set("date_of_birth", "1980-01-01")
                                .set("sex", "unknown"),
                        )?
                        .to_string())
                })
                .collect::<Result<Vec<_>, clinic_store::StoreError>>()
        })
        .unwrap();
    // Every provider's weekdays filled with 20-minute appointments, leaving every fourth one free.
    let mut n = 0usize;
    for offset in 0..DAYS {
        let day = first_day() + Duration::days(offset);
        if day.weekday().number_from_monday() > 5 {
            continue;
        }
        store
            .write(None, |tx| {
                for provider in &providers {
                    for (from, to) in [(8u32, 13u32), (14, 18)] {
                        let mut at = winter(day, from, 0);
                        while at + Duration::minutes(20) <= winter(day, to, 0) {
                            n += 1;
                            if !n.is_multiple_of(4) {
                                tx.insert(
                                    Table::Appointments,
                                    Fields::new()
                                        .set("patient_id", patients[n % PATIENTS].as_str())
                                        .set("provider_id", provider.as_str())
                                        .set("starts_at", format_instant(at))
                                        .set("ends_at", format_instant(at + Duration::minutes(20))),
                                )?;
                            }
                            at += Duration::minutes(20);
                        }
                    }
                }
                Ok::<_, clinic_store::StoreError>(())
            })
            .unwrap();
    }
    drop(store);
    let clinic = Clinic::open(dir, &key()).unwrap();
    clinic.set_clock(Some(winter(first_day(), 7, 0)));
    let admin = clinic.sign_in("root", PASSWORD).unwrap();
    (clinic, admin, providers, patients)
}

fn main() {
    if !measuring() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let (clinic, admin, providers, patients) = build(dir.path());
    let appointments = clinic
        .status(&admin, dir.path())
        .unwrap()
        .counts
        .get("appointments")
        .copied()
        .unwrap_or_default();
    println!(
        "scheduling: {PROVIDERS} providers, {PATIENTS} patients, {appointments} appointments over {DAYS} days \
         (built in {:.1} s); p50 / p95 of {RUNS} runs",
        start.elapsed().as_secs_f64()
    );
    let busy_day = first_day() + Duration::days(15);
    report(
        "free slots of one provider on a busy day",
        timed(RUNS, |_| {
            std::hint::black_box(
                clinic
                    .available_slots(&admin, &providers[0], busy_day, None)
                    .unwrap(),
            );
        }),
    );
    report(
        "next 5 free slots of a specialty (6 providers)",
        timed(RUNS, |_| {
            let query = SlotQuery {
                specialty: Some("Family medicine".into()),
                from_date: Some(busy_day.to_string()),
                count: 5,
                ..SlotQuery::default()
            };
            std::hint::black_box(clinic.next_free_slots(&admin, query).unwrap());
        }),
    );
    report(
        "calendar of one day, 10 providers (audited)",
        timed(RUNS, |_| {
            std::hint::black_box(clinic.calendar(&admin, busy_day, 1, None).unwrap());
        }),
    );
    report(
        "calendar of one provider's week",
        timed(RUNS, |_| {
            std::hint::black_box(
                clinic
                    .calendar(&admin, busy_day, 7, Some(&providers[3]))
                    .unwrap(),
            );
        }),
    );
    // Bookings into the free slots, one provider-day after another.
    let mut free = Vec::new();
    let mut day = first_day();
    while free.len() < RUNS {
        for provider in &providers {
            free.extend(
                clinic
                    .available_slots(&admin, provider, day, None)
                    .unwrap()
                    .into_iter()
                    .filter(|s| s.local_start.ends_with(":00") || s.local_start.ends_with(":20")),
            );
        }
        day += Duration::days(1);
    }
    let mut booked = std::collections::HashSet::new();
    let times = timed(RUNS, |i| {
        let slot = &free[i];
        let outcome = clinic.book_appointment(
            &admin,
            NewAppointment {
                patient_id: patients[i].clone(),
                provider_id: slot.provider_id.clone(),
                appointment_type_id: None,
                starts_at: slot.starts_at.clone(),
                ends_at: slot.ends_at.clone(),
                reason: None,
                allow_patient_overlap: Some(true),
                allow_outside_hours: None,
            },
        );
        if outcome.is_ok() {
            booked.insert(i);
        }
    });
    report(
        &format!("booking with the conflict checks ({} booked)", booked.len()),
        times,
    );
}
