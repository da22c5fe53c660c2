//! Scheduling on a real store: free slots keep to hours, breaks, opening hours, time off and bookings
//! (also on daylight-saving days); bookings refuse a double-booked provider and warn about a double-booked
//! patient; the status rules, rescheduling, walk-ins, the waiting room and its display; recurring series;
//! the waitlist; and the audit of what the calendar showed.

use crate::common::{at, madrid_clinic};
use chrono::NaiveDate;
use clinic_core::{
    AppointmentStatus, AuditQuery, Clinic, CoreError, Message, MessageParam, NewAppointment,
    NewPatient, NewProvider, NewTimeOff, NewUser, NewWaitlistEntry, RecurringPlan, Reschedule,
    Role, SessionUser, SlotQuery, TimeBlock, TimeSpan, WalkIn,
};

/// A parameter of a message as it travels: text, a number, or a date as "YYYY-MM-DD".
fn param(message: &Message, name: &str) -> String {
    match &message.params[name] {
        MessageParam::Text(text) | MessageParam::Date(text) => text.clone(),
        MessageParam::Number(n) => n.to_string(),
    }
}

struct Setup {
    c: Clinic,
    admin: SessionUser,
    okafor: String,
    physio: String,
    patients: Vec<String>,
}

fn block(starts_at: &str, ends_at: &str) -> TimeBlock {
    TimeBlock {
        starts_at: starts_at.into(),
        ends_at: ends_at.into(),
    }
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// A clinic in Madrid on Tuesday 1 December 2026 at 09:00 (08:00 UTC). Dr Okafor works weekdays
/// 09:00–13:00 and 14:00–17:00 (and Sundays 09:00–10:00); the clinic is open weekdays 08:30–16:00 and
/// Sundays 09:00–12:00. Six patients: José Núñez, Zoë Müller, and four more.
fn setup(dir: &std::path::Path) -> Setup {
    let (c, admin) = madrid_clinic(dir, "Clínica Norte", "2026-12-01T08:00:00Z");
    let provider = |name: &str, specialty: &str| NewProvider {
        user_id: None,
        display_name: name.into(),
        specialty: specialty.into(),
        licence_number: None,
        colour: "#1e88e5".into(),
    };
    let okafor = c
        .add_provider(&admin, provider("Dr. Amara Okafor", "Family medicine"))
        .unwrap();
    let physio = c
        .add_provider(&admin, provider("Henrik Søndergaard", "Physiotherapy"))
        .unwrap();
    for weekday in 1..=5 {
        let hours = [block("09:00", "13:00"), block("14:00", "17:00")];
        c.set_working_hours(&admin, &okafor, weekday, &hours)
            .unwrap();
        c.set_working_hours(&admin, &physio, weekday, &hours)
            .unwrap();
        c.set_opening_hours(&admin, weekday, &[block("08:30", "16:00")])
            .unwrap();
    }
    c.set_working_hours(&admin, &okafor, 7, &[block("09:00", "10:00")])
        .unwrap();
    c.set_opening_hours(&admin, 7, &[block("09:00", "12:00")])
        .unwrap();
    let patients = [
        ("José", "Núñez"),
        ("Zoë", "Müller"),
        ("Ana", "García"),
        ("Luis", "Pérez"),
        ("Marta", "Ruiz"),
        ("Pablo", "Soto"),
    ]
    .into_iter()
    .map(|(first, last)| {
        c.register_patient(
            &admin,
            NewPatient {
                first_name: first.into(),
                last_name: last.into(),
                date_of_birth: "1980-05-05".into(),
                // Zoë has a phone, written as people type it.
                phone: (first == "Zoë").then(|| "612345678".to_owned()),
                ..Default::default()
            },
        )
        .unwrap()
        .id
    })
    .collect();
    Setup {
        c,
        admin,
        okafor,
        physio,
        patients,
    }
}

impl Setup {
    fn starts(&self, provider: &str, on: &str) -> Vec<String> {
        self.c
            .available_slots(&self.admin, provider, day(on), None)
            .unwrap()
            .into_iter()
            .map(|s| s.local_start)
            .collect()
    }

    /// Books a patient with a provider; times are UTC (Madrid is UTC+1 in December).
    fn book(
        &self,
        patient: usize,
        provider: &str,
        starts: &str,
        ends: &str,
    ) -> Result<String, CoreError> {
        self.c.book_appointment(
            &self.admin,
            self.appointment_for(patient, provider, starts, ends),
        )
    }

    fn appointment_for(
        &self,
        patient: usize,
        provider: &str,
        starts: &str,
        ends: &str,
    ) -> NewAppointment {
        NewAppointment {
            patient_id: self.patients[patient].clone(),
            provider_id: provider.into(),
            appointment_type_id: None,
            starts_at: starts.into(),
            ends_at: ends.into(),
            reason: None,
            allow_patient_overlap: None,
            allow_outside_hours: None,
        }
    }

    fn outbox(&self) -> i64 {
        self.c
            .status(&self.admin, std::path::Path::new("."))
            .unwrap()
            .outbox_pending
    }

    fn status(&self, appointment: &str) -> AppointmentStatus {
        self.c.appointment(&self.admin, appointment).unwrap().status
    }

    fn staff(&self, username: &str, role: Role) -> SessionUser {
        let password = "staff passphrase 2026";
        self.c
            .add_user(
                &self.admin,
                NewUser {
                    username: username.into(),
                    display_name: username.into(),
                    password: password.into(),
                    role,
                },
            )
            .unwrap();
        let first = self.c.sign_in(username, password).unwrap();
        self.c
            .change_password(&first, password, "my own passphrase 2026")
            .unwrap();
        self.c.sign_in(username, "my own passphrase 2026").unwrap()
    }
}

#[test]
fn slots_keep_to_hours_breaks_opening_hours_time_off_bookings_and_the_clock() {
    let dir = tempfile::tempdir().unwrap();
    let s = setup(dir.path());
    let wednesday = s.starts(&s.okafor, "2026-12-02");
    assert_eq!(wednesday.len(), 16 + 8, "{wednesday:?}");
    assert_eq!(wednesday.first().map(String::as_str), Some("09:00"));
    assert!(!wednesday.contains(&"13:00".to_string()), "the lunch break");
    assert_eq!(
        wednesday.last().map(String::as_str),
        Some("15:45"),
        "the clinic closes at 16:00 although the doctor works to 17:00"
    );

    s.book(0, &s.okafor, "2026-12-02T09:00:00Z", "2026-12-02T09:30:00Z")
        .unwrap();
    let wednesday = s.starts(&s.okafor, "2026-12-02");
    for taken in ["10:00", "10:15"] {
        assert!(!wednesday.contains(&taken.to_string()));
    }
    assert!(wednesday.contains(&"09:45".to_string()) && wednesday.contains(&"10:30".to_string()));

    let added =
        s.c.add_time_off(
            &s.admin,
            NewTimeOff {
                provider_id: s.okafor.clone(),
                from_date: "2026-12-02".into(),
                to_date: None,
                from_time: Some("09:30".into()),
                to_time: Some("11:00".into()),
                reason: Some("Dentist".into()),
            },
        )
        .unwrap();
    assert_eq!(
        added.affected.len(),
        1,
        "the 10:00 booking falls in the time off"
    );
    let wednesday = s.starts(&s.okafor, "2026-12-02");
    assert_eq!(&wednesday[..3], ["09:00", "09:15", "11:00"]);
    // A booking into it is refused naming the hours off that day and why, on Madrid's clock.
    match s.book(1, &s.okafor, "2026-12-02T09:30:00Z", "2026-12-02T10:00:00Z") {
        Err(CoreError::Conflict(m)) => {
            assert_eq!(m.key, "provider_off_because", "{m}");
            assert_eq!(
                ["date", "start", "end", "reason"].map(|p| param(&m, p)),
                ["2026-12-02", "09:30", "11:00", "Dentist"]
            );
        }
        other => panic!("expected a conflict, got {other:?}"),
    }

    // Today: nothing before now.
    assert_eq!(s.starts(&s.okafor, "2026-12-01")[0], "09:00");
    s.c.set_clock(at("2026-12-01T09:05:00Z"));
    assert_eq!(s.starts(&s.okafor, "2026-12-01")[0], "10:15");

    // A 45-minute type ends inside the block.
    let long =
        s.c.add_appointment_type(&s.admin, "Long visit", 45)
            .unwrap();
    let slots =
        s.c.available_slots(&s.admin, &s.okafor, day("2026-12-03"), Some(&long))
            .unwrap();
    let morning: Vec<_> = slots
        .iter()
        .filter(|s| s.local_start.as_str() < "13:00")
        .collect();
    assert_eq!(morning.last().unwrap().local_end, "13:00");

    // Whole days off, and the weekend.
    s.c.add_time_off(
        &s.admin,
        NewTimeOff {
            provider_id: s.okafor.clone(),
            from_date: "2026-12-07".into(),
            to_date: Some("2026-12-08".into()),
            from_time: None,
            to_time: None,
            reason: None,
        },
    )
    .unwrap();
    assert!(s.starts(&s.okafor, "2026-12-07").is_empty());
    assert!(s.starts(&s.okafor, "2026-12-08").is_empty());
    assert!(!s.starts(&s.okafor, "2026-12-09").is_empty());
    assert!(s.starts(&s.okafor, "2026-12-05").is_empty(), "Saturday");
}

#[test]
fn slots_on_a_daylight_saving_sunday_start_at_the_wall_clock_time() {
    let dir = tempfile::tempdir().unwrap();
    let s = setup(dir.path());
    // Madrid moves from UTC+1 to UTC+2 at 02:00 on Sunday 28 March 2027.
    for (on, utc_start) in [("2027-03-21", "08:00"), ("2027-03-28", "07:00")] {
        let slots =
            s.c.available_slots(&s.admin, &s.okafor, day(on), None)
                .unwrap();
        let local: Vec<_> = slots.iter().map(|s| s.local_start.as_str()).collect();
        assert_eq!(local, ["09:00", "09:15", "09:30", "09:45"], "{on}");
        assert!(
            slots[0].starts_at.contains(&format!("T{utc_start}")),
            "{on}: {}",
            slots[0].starts_at
        );
    }
}

#[test]
fn the_next_free_slots_across_a_specialty_come_soonest_first() {
    let dir = tempfile::tempdir().unwrap();
    let s = setup(dir.path());
    let second =
        s.c.add_provider(
            &s.admin,
            NewProvider {
                user_id: None,
                display_name: "Dr. Lucas Fernández".into(),
                specialty: "Family medicine".into(),
                licence_number: None,
                colour: "#8e24aa".into(),
            },
        )
        .unwrap();
    s.c.set_working_hours(&s.admin, &second, 2, &[block("08:30", "09:00")])
        .unwrap();
    let slots =
        s.c.next_free_slots(
            &s.admin,
            SlotQuery {
                specialty: Some("family medicine".into()),
                count: 4,
                ..SlotQuery::default()
            },
        )
        .unwrap();
    let seen: Vec<_> = slots
        .iter()
        .map(|s| format!("{} {}", s.local_start, s.provider_name))
        .collect();
    assert_eq!(
        seen,
        [
            "09:00 Dr. Amara Okafor",
            "09:15 Dr. Amara Okafor",
            "09:30 Dr. Amara Okafor",
            "09:45 Dr. Amara Okafor"
        ],
        "Dr. Fernández's 08:30 is past; physiotherapy is another specialty"
    );
    let err = s.c.next_free_slots(
        &s.admin,
        SlotQuery {
            count: 3,
            ..SlotQuery::default()
        },
    );
    assert!(matches!(
        err,
        Err(CoreError::Validation {
            field: "specialty",
            ..
        })
    ));
}

#[test]
fn a_double_booked_provider_is_refused_naming_the_booking_and_a_double_booked_patient_is_asked() {
    let dir = tempfile::tempdir().unwrap();
    let s = setup(dir.path());
    s.book(0, &s.okafor, "2026-12-02T09:00:00Z", "2026-12-02T09:30:00Z")
        .unwrap();
    let before = s.outbox();
    let clash = s.book(1, &s.okafor, "2026-12-02T09:15:00Z", "2026-12-02T09:45:00Z");
    match clash {
        Err(CoreError::Conflict(message)) => {
            assert_eq!(message.key, "provider_booked", "{message}");
            assert_eq!(param(&message, "provider"), "Dr. Amara Okafor");
            // Madrid's day and wall clock (UTC+1), for the UI to write as its dialogs do.
            assert_eq!(
                ["date", "start", "end"].map(|p| param(&message, p)),
                ["2026-12-02", "10:00", "10:30"]
            );
            assert_eq!(param(&message, "patient"), "José Núñez");
            assert!(
                message
                    .to_string()
                    .starts_with("Dr. Amara Okafor is already booked on Wed 2 Dec 2026, 10:00–10:30, with José Núñez ("),
                "{message}"
            );
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(s.outbox(), before, "nothing was written");
    // Back to back is fine.
    s.book(1, &s.okafor, "2026-12-02T09:30:00Z", "2026-12-02T10:00:00Z")
        .unwrap();

    // José with the physiotherapist at the same time: asked first, then booked when confirmed.
    let overlap = s.book(0, &s.physio, "2026-12-02T09:15:00Z", "2026-12-02T10:00:00Z");
    match overlap {
        Err(CoreError::PatientAlreadyBooked(message)) => {
            assert_eq!(message.key, "patient_booked", "{message}");
            assert_eq!(param(&message, "patient"), "José Núñez");
            assert_eq!(param(&message, "provider"), "Dr. Amara Okafor");
        }
        other => panic!("expected a patient warning, got {other:?}"),
    }
    let mut confirmed =
        s.appointment_for(0, &s.physio, "2026-12-02T09:15:00Z", "2026-12-02T10:00:00Z");
    confirmed.allow_patient_overlap = Some(true);
    s.c.book_appointment(&s.admin, confirmed).unwrap();

    // Past times, bad ranges and unknown records are refused with the field named.
    let cases = [
        (
            "startsAt",
            s.appointment_for(2, &s.okafor, "2026-12-01T07:00:00Z", "2026-12-01T07:15:00Z"),
        ),
        (
            "endsAt",
            s.appointment_for(2, &s.okafor, "2026-12-02T12:00:00Z", "2026-12-02T11:00:00Z"),
        ),
        (
            "startsAt",
            s.appointment_for(2, &s.okafor, "tomorrow", "2026-12-02T11:00:00Z"),
        ),
        (
            "providerId",
            s.appointment_for(
                2,
                "0190b8a0-0000-7000-8000-000000000000",
                "2026-12-02T11:00:00Z",
                "2026-12-02T11:15:00Z",
            ),
        ),
    ];
    let before = s.outbox();
    for (field, case) in cases {
        match s.c.book_appointment(&s.admin, case) {
            Err(CoreError::Validation { field: f, .. }) => assert_eq!(f, field),
            other => panic!("expected {field} to be refused, got {other:?}"),
        }
    }
    assert_eq!(s.outbox(), before);
}

#[test]
fn the_status_rules_hold_in_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let s = setup(dir.path());
    let doctor = s.staff("dr.okafor", Role::Doctor);
    let a = s
        .book(0, &s.okafor, "2026-12-01T10:00:00Z", "2026-12-01T10:30:00Z")
        .unwrap();
    use AppointmentStatus::*;
    let set = |who: &SessionUser, next, reason| s.c.set_appointment_status(who, &a, next, reason);
    assert!(
        matches!(set(&s.admin, NoShow, None), Err(CoreError::Conflict(_))),
        "not before the start"
    );
    assert!(
        matches!(set(&s.admin, Completed, None), Err(CoreError::Conflict(_))),
        "one step at a time"
    );
    assert!(matches!(
        set(&s.admin, Rescheduled, None),
        Err(CoreError::Validation {
            field: "status",
            ..
        })
    ));
    assert!(matches!(
        set(&s.admin, Cancelled, Some("  ")),
        Err(CoreError::Validation {
            field: "cancellationReason",
            ..
        })
    ));
    set(&s.admin, Confirmed, None).unwrap();
    set(&s.admin, CheckedIn, None).unwrap();
    set(&doctor, InProgress, None).unwrap();
    set(&doctor, Completed, None).unwrap();
    for next in AppointmentStatus::ALL {
        assert!(
            set(&s.admin, next, Some("why")).is_err(),
            "completed is final ({next:?})"
        );
    }

    let late = s
        .book(1, &s.okafor, "2026-12-01T11:00:00Z", "2026-12-01T11:15:00Z")
        .unwrap();
    s.c.set_clock(at("2026-12-01T11:20:00Z"));
    s.c.set_appointment_status(&s.admin, &late, NoShow, None)
        .unwrap();
    assert_eq!(s.status(&late), NoShow);
}

/// Check-in belongs to the appointment's clinic day: tomorrow's appointment cannot be checked in today
/// (the patient would show twice in the waiting room), and its summary does not offer it.
#[test]
fn a_patient_is_checked_in_only_on_the_day_of_the_appointment() {
    let dir = tempfile::tempdir().unwrap();
    let s = setup(dir.path());
    let tomorrow = s
        .book(0, &s.okafor, "2026-12-02T10:00:00Z", "2026-12-02T10:30:00Z")
        .unwrap();
    let outbox = s.outbox();
    let refused =
        s.c.set_appointment_status(&s.admin, &tomorrow, AppointmentStatus::CheckedIn, None)
            .unwrap_err();
    assert!(
        matches!(&refused, CoreError::Conflict(m) if m.key == "check_in_on_the_day" && param(m, "date") == "2026-12-02"),
        "{refused}"
    );
    assert_eq!(s.outbox(), outbox, "nothing written");
    assert_eq!(s.status(&tomorrow), AppointmentStatus::Scheduled);
    assert!(s.c.waiting_room(&s.admin).unwrap().is_empty());
    let summary = s.c.appointment(&s.admin, &tomorrow).unwrap();
    assert!(
        !summary
            .next_statuses
            .contains(&AppointmentStatus::CheckedIn)
    );
    assert!(
        summary
            .next_statuses
            .contains(&AppointmentStatus::Confirmed)
    );

    // The next morning it can be; and late in the evening (23:30 Madrid) the clinic's day, not UTC's,
    // decides.
    s.c.set_clock(at("2026-12-02T07:30:00Z"));
    let summary = s.c.appointment(&s.admin, &tomorrow).unwrap();
    assert!(
        summary
            .next_statuses
            .contains(&AppointmentStatus::CheckedIn)
    );
    s.c.set_appointment_status(&s.admin, &tomorrow, AppointmentStatus::CheckedIn, None)
        .unwrap();
    assert_eq!(s.c.waiting_room(&s.admin).unwrap().len(), 1);

    let next_day = s
        .book(1, &s.okafor, "2026-12-03T08:00:00Z", "2026-12-03T08:30:00Z")
        .unwrap();
    s.c.set_clock(at("2026-12-02T23:30:00Z"));
    s.c.set_appointment_status(&s.admin, &next_day, AppointmentStatus::CheckedIn, None)
        .expect("00:30 on 3 December in Madrid is the appointment's day");
}

/// A booking that runs into a break, past the end of hours or outside them is not refused but asked
/// about (`outside_working_hours`), naming where; confirmed, it books. Walk-ins are not asked.
#[test]
fn a_booking_outside_the_providers_hours_is_asked_about_naming_the_break_or_end() {
    let dir = tempfile::tempdir().unwrap();
    let s = setup(dir.path());
    // Madrid is UTC+1: 12:45–13:15 runs into Dr Okafor's 13:00–14:00 break.
    let into_break =
        s.appointment_for(0, &s.okafor, "2026-12-01T11:45:00Z", "2026-12-01T12:15:00Z");
    let outbox = s.outbox();
    let warning =
        s.c.book_appointment(&s.admin, into_break.clone())
            .unwrap_err();
    assert!(
        matches!(&warning, CoreError::OutsideWorkingHours(m)
            if m.key == "runs_into_break" && param(m, "from") == "13:00" && param(m, "to") == "14:00"),
        "{warning}"
    );
    assert_eq!(warning.code(), clinic_core::ErrorCode::OutsideWorkingHours);
    assert_eq!(s.outbox(), outbox, "nothing written");
    let end =
        s.c.book_appointment(
            &s.admin,
            s.appointment_for(1, &s.okafor, "2026-12-01T15:45:00Z", "2026-12-01T16:15:00Z"),
        )
        .unwrap_err();
    assert!(
        matches!(&end, CoreError::OutsideWorkingHours(m)
            if m.key == "runs_past_hours" && param(m, "provider") == "Dr. Amara Okafor" && param(m, "ends") == "16:00"),
        "{end} (hours to 17:00 cut to the clinic's opening to 16:00)"
    );
    let saturday =
        s.c.book_appointment(
            &s.admin,
            s.appointment_for(1, &s.okafor, "2026-12-05T10:00:00Z", "2026-12-05T10:30:00Z"),
        )
        .unwrap_err();
    assert!(
        matches!(&saturday, CoreError::OutsideWorkingHours(m) if m.key == "not_working" && param(m, "date") == "2026-12-05"),
        "{saturday}"
    );

    let booked =
        s.c.book_appointment(
            &s.admin,
            NewAppointment {
                allow_outside_hours: Some(true),
                ..into_break
            },
        )
        .unwrap();
    assert_eq!(s.status(&booked), AppointmentStatus::Scheduled);

    // Moving an appointment past the end of hours is asked about too.
    let inside = s
        .book(2, &s.okafor, "2026-12-01T09:00:00Z", "2026-12-01T09:30:00Z")
        .unwrap();
    let moved = s.c.reschedule_appointment(
        &s.admin,
        &inside,
        Reschedule {
            provider_id: None,
            starts_at: "2026-12-01T15:30:00Z".into(),
            ends_at: "2026-12-01T16:30:00Z".into(),
            allow_patient_overlap: None,
            allow_outside_hours: None,
        },
    );
    assert!(matches!(moved, Err(CoreError::OutsideWorkingHours(_))));
    assert_eq!(s.status(&inside), AppointmentStatus::Scheduled);

    // The booking dialog is told how long the free time from a start is.
    let free =
        s.c.free_time(&s.admin, &s.okafor, "2026-12-01T11:15:00Z")
            .unwrap()
            .unwrap();
    assert_eq!(
        (free.minutes, free.until.as_str()),
        (30, "12:45"),
        "from 12:15 to the booking at 12:45"
    );
    assert!(
        s.c.free_time(&s.admin, &s.okafor, "2026-12-01T12:30:00Z")
            .unwrap()
            .is_none(),
        "13:30 is in the break"
    );
}

#[test]
fn rescheduling_links_the_new_appointment_and_frees_the_old_time() {
    let dir = tempfile::tempdir().unwrap();
    let s = setup(dir.path());
    let old = s
        .book(0, &s.okafor, "2026-12-02T09:00:00Z", "2026-12-02T09:30:00Z")
        .unwrap();
    // Moving by 15 minutes overlaps only its own old time.
    let moved =
        s.c.reschedule_appointment(
            &s.admin,
            &old,
            Reschedule {
                provider_id: None,
                starts_at: "2026-12-02T09:15:00Z".into(),
                ends_at: "2026-12-02T09:45:00Z".into(),
                allow_patient_overlap: None,
                allow_outside_hours: None,
            },
        )
        .unwrap();
    assert_eq!(s.status(&old), AppointmentStatus::Rescheduled);
    let new = s.c.appointment(&s.admin, &moved).unwrap();
    assert_eq!(new.rescheduled_from_id.as_deref(), Some(old.as_str()));
    assert_eq!(
        (new.local_start.as_str(), new.status),
        ("10:15", AppointmentStatus::Scheduled)
    );
    let slots = s.starts(&s.okafor, "2026-12-02");
    assert!(slots.contains(&"09:45".into()) && !slots.contains(&"10:15".into()));

    // A final appointment cannot move; a move onto another booking is refused.
    let again = s.c.reschedule_appointment(
        &s.admin,
        &old,
        Reschedule {
            provider_id: None,
            starts_at: "2026-12-03T09:00:00Z".into(),
            ends_at: "2026-12-03T09:30:00Z".into(),
            allow_patient_overlap: None,
            allow_outside_hours: None,
        },
    );
    assert!(matches!(again, Err(CoreError::Conflict(_))));
    let other = s
        .book(1, &s.physio, "2026-12-03T09:00:00Z", "2026-12-03T09:30:00Z")
        .unwrap();
    let onto = s.c.reschedule_appointment(
        &s.admin,
        &moved,
        Reschedule {
            provider_id: Some(s.physio.clone()),
            starts_at: "2026-12-03T09:00:00Z".into(),
            ends_at: "2026-12-03T09:30:00Z".into(),
            allow_patient_overlap: None,
            allow_outside_hours: None,
        },
    );
    assert!(matches!(onto, Err(CoreError::Conflict(m)) if param(&m, "patient") == "Zoë Müller"));
    assert_eq!(
        s.status(&moved),
        AppointmentStatus::Scheduled,
        "nothing changed"
    );
    assert_eq!(s.status(&other), AppointmentStatus::Scheduled);
}

#[test]
fn arrivals_queue_in_order_walk_ins_hold_no_time_and_the_display_shows_first_names_only() {
    let dir = tempfile::tempdir().unwrap();
    let s = setup(dir.path());
    let doctor = s.staff("dr.okafor", Role::Doctor);
    let booked = s
        .book(0, &s.okafor, "2026-12-01T09:00:00Z", "2026-12-01T09:30:00Z")
        .unwrap();
    s.c.set_clock(at("2026-12-01T08:50:00Z"));
    s.c.set_appointment_status(&s.admin, &booked, AppointmentStatus::CheckedIn, None)
        .unwrap();
    s.c.set_clock(at("2026-12-01T08:55:00Z"));
    let walk_in =
        s.c.book_walk_in(
            &s.admin,
            WalkIn {
                patient_id: s.patients[1].clone(),
                provider_id: s.okafor.clone(),
                appointment_type_id: None,
                reason: Some("Cough".into()),
            },
        )
        .unwrap();
    assert_eq!(s.status(&walk_in), AppointmentStatus::CheckedIn);
    // The walk-in's time stays bookable.
    s.book(2, &s.okafor, "2026-12-01T09:00:00Z", "2026-12-01T09:15:00Z")
        .unwrap_err();
    s.book(2, &s.okafor, "2026-12-01T09:30:00Z", "2026-12-01T09:45:00Z")
        .unwrap();
    assert!(
        !s.starts(&s.okafor, "2026-12-01").contains(&"09:45".into()),
        "Luis is booked 10:30"
    );

    s.c.set_clock(at("2026-12-01T09:05:00Z"));
    let queue = s.c.waiting_room(&doctor).unwrap();
    let order: Vec<_> = queue
        .iter()
        .map(|e| {
            (
                e.appointment.patient_name.as_str(),
                e.waiting_minutes,
                e.appointment.walk_in,
            )
        })
        .collect();
    assert_eq!(order, [("José Núñez", 15, false), ("Zoë Müller", 10, true)]);

    // The doctor takes Zoë first; the display shows "Zoë M." and the room, never the full name.
    s.c.call_patient(&doctor, &walk_in, "Room 3").unwrap();
    assert_eq!(s.status(&walk_in), AppointmentStatus::InProgress);
    let calls = s.c.room_calls(&s.admin, 5).unwrap();
    assert_eq!(calls.len(), 1);
    assert_eq!(
        (calls[0].display_name.as_str(), calls[0].room.as_str()),
        ("Zoë M.", "Room 3")
    );
    let shown = serde_json::to_string(&calls).unwrap();
    assert!(!shown.contains("Müller"), "{shown}");
    let queue = s.c.waiting_room(&doctor).unwrap();
    let statuses: Vec<_> = queue.iter().map(|e| e.appointment.status).collect();
    assert_eq!(
        statuses,
        [AppointmentStatus::CheckedIn, AppointmentStatus::InProgress]
    );
    assert_eq!(queue[1].room.as_deref(), Some("Room 3"));

    // Only a patient who has arrived can be called.
    let later = s
        .book(3, &s.okafor, "2026-12-01T11:00:00Z", "2026-12-01T11:15:00Z")
        .unwrap();
    assert!(matches!(
        s.c.call_patient(&doctor, &later, "Room 3"),
        Err(CoreError::Conflict(_))
    ));
    assert!(matches!(
        s.c.call_patient(&doctor, &booked, " "),
        Err(CoreError::Validation { field: "room", .. })
    ));
}

#[test]
fn a_recurring_series_reports_every_conflict_and_books_the_chosen_times_together() {
    let dir = tempfile::tempdir().unwrap();
    let s = setup(dir.path());
    // Wednesdays at 12:00 (11:00 UTC) for four weeks; the second is taken, the third is a day off.
    s.book(1, &s.okafor, "2026-12-09T11:00:00Z", "2026-12-09T11:30:00Z")
        .unwrap();
    s.c.add_time_off(
        &s.admin,
        NewTimeOff {
            provider_id: s.okafor.clone(),
            from_date: "2026-12-16".into(),
            to_date: None,
            from_time: None,
            to_time: None,
            reason: Some("Training".into()),
        },
    )
    .unwrap();
    let first = s.appointment_for(0, &s.okafor, "2026-12-02T11:00:00Z", "2026-12-02T11:30:00Z");
    let plan =
        s.c.plan_recurring(
            &s.admin,
            RecurringPlan {
                first: first.clone(),
                every_weeks: 1,
                count: 4,
            },
        )
        .unwrap();
    let dates: Vec<_> = plan.iter().map(|o| o.local_date.as_str()).collect();
    assert_eq!(
        dates,
        ["2026-12-02", "2026-12-09", "2026-12-16", "2026-12-23"]
    );
    assert!(plan[0].conflict.is_none() && plan[3].conflict.is_none());
    let booked = plan[1].conflict.as_ref().unwrap();
    assert_eq!(
        (booked.key, param(booked, "patient").as_str()),
        ("provider_booked", "Zoë Müller")
    );
    let off = plan[2].conflict.as_ref().unwrap();
    assert_eq!(off.key, "provider_off_all_day_because", "{off}");
    assert_eq!(param(off, "reason"), "Training");
    let alternative = plan[1].alternative.clone().expect("a free slot that day");
    assert_eq!(
        alternative.local_start, "11:30",
        "the nearest free half hour"
    );
    assert!(plan[2].alternative.is_none(), "no slot on a day off");

    // Booking all four fails as a whole.
    let spans: Vec<TimeSpan> = plan
        .iter()
        .map(|o| TimeSpan {
            starts_at: o.starts_at.clone(),
            ends_at: o.ends_at.clone(),
        })
        .collect();
    let before = s.outbox();
    match s.c.book_recurring(&s.admin, first.clone(), &spans) {
        Err(CoreError::Conflict(m)) => {
            assert_eq!(m.key, "series_not_free", "{m}");
            assert_eq!(param(&m, "date"), "2026-12-09", "the first time taken");
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(s.outbox(), before, "nothing was booked");

    // Move the second, skip the third.
    let chosen = vec![
        spans[0].clone(),
        TimeSpan {
            starts_at: alternative.starts_at.clone(),
            ends_at: alternative.ends_at.clone(),
        },
        spans[3].clone(),
    ];
    let series = s.c.book_recurring(&s.admin, first, &chosen).unwrap();
    assert_eq!(series.appointment_ids.len(), 3);
    for id in &series.appointment_ids {
        let a = s.c.appointment(&s.admin, id).unwrap();
        assert_eq!(a.series_id.as_deref(), Some(series.series_id.as_str()));
    }

    // Across the spring change the series keeps its wall-clock time.
    let spring = s.appointment_for(2, &s.okafor, "2027-03-17T11:00:00Z", "2027-03-17T11:30:00Z");
    let plan =
        s.c.plan_recurring(
            &s.admin,
            RecurringPlan {
                first: spring,
                every_weeks: 1,
                count: 3,
            },
        )
        .unwrap();
    let times: Vec<_> = plan
        .iter()
        .map(|o| (o.local_start.as_str(), &o.starts_at[11..16]))
        .collect();
    assert_eq!(
        times,
        [("12:00", "11:00"), ("12:00", "11:00"), ("12:00", "10:00")]
    );
}

#[test]
fn a_freed_time_is_offered_to_the_waitlist_in_order_and_booked_in_one_step() {
    let dir = tempfile::tempdir().unwrap();
    let s = setup(dir.path());
    let wait = |patient: usize, entry: NewWaitlistEntry| {
        s.c.add_to_waitlist(
            &s.admin,
            NewWaitlistEntry {
                patient_id: s.patients[patient].clone(),
                ..entry
            },
        )
        .unwrap()
    };
    let with_okafor = wait(
        1,
        NewWaitlistEntry {
            provider_id: Some(s.okafor.clone()),
            ..Default::default()
        },
    );
    let wednesday_mornings = wait(
        2,
        NewWaitlistEntry {
            specialty: Some("family medicine".into()),
            weekdays: vec![3],
            earliest_time: Some("09:00".into()),
            latest_time: Some("12:00".into()),
            ..Default::default()
        },
    );
    wait(
        3,
        NewWaitlistEntry {
            specialty: Some("Family medicine".into()),
            weekdays: vec![1],
            ..Default::default()
        },
    );
    wait(
        4,
        NewWaitlistEntry {
            specialty: Some("Physiotherapy".into()),
            ..Default::default()
        },
    );
    wait(
        5,
        NewWaitlistEntry {
            provider_id: Some(s.okafor.clone()),
            latest_time: Some("10:15".into()),
            ..Default::default()
        },
    );
    let bad = s.c.add_to_waitlist(
        &s.admin,
        NewWaitlistEntry {
            patient_id: s.patients[0].clone(),
            ..Default::default()
        },
    );
    assert!(matches!(
        bad,
        Err(CoreError::Validation {
            field: "specialty",
            ..
        })
    ));

    let booked = s
        .book(0, &s.okafor, "2026-12-02T09:00:00Z", "2026-12-02T09:30:00Z")
        .unwrap();
    assert!(matches!(
        s.c.waitlist_candidates(&s.admin, &booked),
        Err(CoreError::Conflict(_))
    ));
    s.c.set_appointment_status(
        &s.admin,
        &booked,
        AppointmentStatus::Cancelled,
        Some("Travelling"),
    )
    .unwrap();
    let candidates = s.c.waitlist_candidates(&s.admin, &booked).unwrap();
    let ids: Vec<_> = candidates.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, [with_okafor.as_str(), wednesday_mornings.as_str()]);

    let new =
        s.c.book_from_waitlist(&s.admin, &wednesday_mornings, &booked)
            .unwrap();
    let appointment = s.c.appointment(&s.admin, &new).unwrap();
    assert_eq!(
        (
            appointment.patient_name.as_str(),
            appointment.local_start.as_str()
        ),
        ("Ana García", "10:00")
    );
    let open: Vec<_> =
        s.c.waitlist(&s.admin)
            .unwrap()
            .into_iter()
            .map(|e| e.id)
            .collect();
    assert!(!open.contains(&wednesday_mornings));
    // The time is taken now.
    assert!(matches!(
        s.c.book_from_waitlist(&s.admin, &with_okafor, &booked),
        Err(CoreError::Conflict(_))
    ));
    assert!(open.contains(&with_okafor), "still waiting");
}

#[test]
fn the_calendar_counts_by_status_and_its_reads_are_audited() {
    let dir = tempfile::tempdir().unwrap();
    let s = setup(dir.path());
    let a = s
        .book(0, &s.okafor, "2026-12-02T09:00:00Z", "2026-12-02T09:30:00Z")
        .unwrap();
    s.book(1, &s.physio, "2026-12-03T09:00:00Z", "2026-12-03T09:30:00Z")
        .unwrap();
    s.c.set_appointment_status(&s.admin, &a, AppointmentStatus::Cancelled, Some("Ill"))
        .unwrap();
    let week = s.c.calendar(&s.admin, day("2026-11-30"), 7, None).unwrap();
    assert_eq!(week.days.len(), 7);
    assert_eq!(week.providers.len(), 2);
    assert_eq!(
        week.providers[0].hours[0],
        [block("09:00", "13:00"), block("14:00", "17:00")]
    );
    assert!(week.providers[0].hours[5].is_empty(), "Saturday");
    let count = |status| {
        week.counts
            .iter()
            .find(|c| c.status == status)
            .unwrap()
            .count
    };
    assert_eq!(
        (
            count(AppointmentStatus::Scheduled),
            count(AppointmentStatus::Cancelled)
        ),
        (1, 1)
    );
    let one =
        s.c.calendar(&s.admin, day("2026-11-30"), 7, Some(&s.physio))
            .unwrap();
    assert_eq!((one.providers.len(), one.appointments.len()), (1, 1));

    let calls = s.c.call_list(&s.admin, day("2026-12-03")).unwrap();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].appointment.patient_name, "Zoë Müller");
    assert_eq!(
        calls[0].phone.as_deref(),
        Some("+34 612 34 56 78"),
        "the number as people dial it"
    );

    let seen =
        s.c.audit_log(
            &s.admin,
            AuditQuery {
                patient_id: Some(s.patients[0].clone()),
                action: Some("view_calendar".into()),
                limit: 10,
                ..AuditQuery::default()
            },
        )
        .unwrap();
    assert_eq!(
        seen.total, 1,
        "the week showed José once (the physiotherapy view did not)"
    );
}
