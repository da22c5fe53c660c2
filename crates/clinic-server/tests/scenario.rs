//! Three computers of one clinic and the real server: the first pairs and brings the clinic, two join
//! it from nothing, all three work offline, then sync until each has everything. They converge: the
//! digest of every synced table is the same on the three devices and the server, edits of different
//! fields of one patient both survive, the same field edited on two devices keeps the loser's value
//! in conflicts, and a revoked device keeps what it wrote while the server turns it away.

use std::path::Path;

use chrono::{Duration, NaiveTime, Utc};
use clinic_core::{
    AllergySeverity, AppointmentStatus, Clinic, ClinicServer, CoreError, KeyOptions, NewAllergy,
    NewAppointment, NewClinic, NewPatient, NewProvider, NewTimeOff, NewUser, Role, ServerAddress,
    SessionUser, Sex,
};
use clinic_store::ContentDigest;
use clinic_sync::HttpsServer;

use crate::common::{Running, Serve, json};
use crate::proxy::FaultProxy;

const ADMIN: &str = "boss";
const ADMIN_PASSWORD: &str = "a long enough passphrase";

fn key() -> KeyOptions {
    KeyOptions::passphrase("each computer's own passphrase")
}

struct Device {
    name: &'static str,
    clinic: Clinic,
    admin: SessionUser,
}

impl Device {
    fn sync(&self, server: &dyn ClinicServer) -> clinic_core::SyncReport {
        self.clinic
            .sync_now(&self.admin, server)
            .unwrap_or_else(|e| panic!("{} could not sync: {e}", self.name))
    }

    fn digest(&self) -> ContentDigest {
        self.clinic.content_digest(&self.admin).unwrap()
    }

    fn register(&self, first: &str, last: &str, born: &str) -> String {
        self.clinic
            .register_patient(&self.admin, patient(first, last, born))
            .unwrap()
            .id
    }

    /// Edits some of a patient's fields, keeping the others as this device has them.
    fn edit(&self, id: &str, change: impl FnOnce(&mut NewPatient)) {
        let now = self.clinic.patient(&self.admin, id).unwrap();
        let mut edited = NewPatient {
            first_name: now.first_name,
            last_name: now.last_name,
            date_of_birth: now.date_of_birth,
            sex: Some(now.sex),
            phone: now.phone,
            email: now.email,
            city: now.city,
            insurance_payer: now.insurance_payer,
            insurance_member_id: now.insurance_member_id,
            allow_duplicates: true,
        };
        change(&mut edited);
        self.clinic.update_patient(&self.admin, id, edited).unwrap();
    }
}

fn patient(first: &str, last: &str, born: &str) -> NewPatient {
    NewPatient {
        first_name: first.into(),
        last_name: last.into(),
        date_of_birth: born.into(),
        sex: Some(Sex::Female),
        ..NewPatient::default()
    }
}

/// The clinic's first computer, where it is set up.
fn founded(name: &'static str, dir: &Path) -> Device {
    let (clinic, _) = Clinic::create(
        dir,
        &key(),
        NewClinic {
            clinic_name: "Harbour Family Practice".into(),
            time_zone: "UTC".into(),
            country: None,
            currency: "USD".into(),
            admin_username: ADMIN.into(),
            admin_display_name: "The Boss".into(),
            admin_password: ADMIN_PASSWORD.into(),
        },
    )
    .unwrap();
    let admin = clinic.sign_in(ADMIN, ADMIN_PASSWORD).unwrap();
    Device {
        name,
        clinic,
        admin,
    }
}

fn joined(name: &'static str, dir: &Path, running: &Running, address: &ServerAddress) -> Device {
    let server = HttpsServer::new(address).unwrap();
    let (clinic, _) = Clinic::join(dir, &key(), &server, address, &running.pairing_code()).unwrap();
    clinic.finish_join(&server, &mut |_| {}).unwrap();
    let admin = clinic.sign_in(ADMIN, ADMIN_PASSWORD).unwrap();
    Device {
        name,
        clinic,
        admin,
    }
}

/// The front desk registers Ana, pairs and syncs; the other computers join. Returns Ana's id.
fn clinic_with_ana<const N: usize>(
    running: &Running,
    address: &ServerAddress,
    dirs: &[tempfile::TempDir; N],
    names: [&'static str; N],
) -> (String, [Device; N]) {
    let front = founded(names[0], dirs[0].path());
    let ana = front.register("Ana", "Ruiz", "1980-02-03");
    let server = HttpsServer::new(address).unwrap();
    front
        .clinic
        .pair_with_server(&front.admin, &server, address, &running.pairing_code())
        .unwrap();
    front.sync(&server);
    let mut front = Some(front);
    // The front desk first, then each other computer joins in turn.
    let devices = std::array::from_fn(|i| {
        front
            .take()
            .unwrap_or_else(|| joined(names[i], dirs[i].path(), running, address))
    });
    (ana, devices)
}

/// The running server's address, and the way a device reaches it.
fn reach(running: &Running) -> (ServerAddress, HttpsServer) {
    let address = ServerAddress::parse(&running.url, &running.fingerprint).unwrap();
    let server = HttpsServer::new(&address).unwrap();
    (address, server)
}

/// Rounds on every device until a whole pass moves nothing: each has pushed all it made and pulled
/// all the others made. Nothing may be refused.
fn sync_until_quiet(devices: &[&Device], server: &dyn ClinicServer) {
    assert_eq!(settle(devices, server), 0);
}

/// Like [`sync_until_quiet`], where the server may refuse changes; returns how many it refused.
fn settle(devices: &[&Device], server: &dyn ClinicServer) -> usize {
    let mut refused = 0;
    for _ in 0..4 {
        let mut moved = 0;
        for d in devices {
            let report = d.sync(server);
            refused += report.refused;
            moved += report.pushed + report.pulled + report.refused;
        }
        if moved == 0 {
            return refused;
        }
    }
    panic!("the devices still had changes to exchange after four passes");
}

/// A doctor of the clinic (added on `device`); returns her provider id.
fn doctor(device: &Device, name: &str) -> String {
    device
        .clinic
        .add_provider(
            &device.admin,
            NewProvider {
                user_id: None,
                display_name: name.into(),
                specialty: "General practice".into(),
                licence_number: None,
                colour: "#1c7ed6".into(),
            },
        )
        .unwrap()
}

/// Books `patient` with `provider` tomorrow (the clinic keeps UTC) from `from` for `minutes`, as the
/// front desk squeezes a patient in (outside hours and beside another booking of the patient allowed).
fn book(
    device: &Device,
    provider: &str,
    patient: &str,
    from: (u32, u32),
    minutes: i64,
) -> Result<String, CoreError> {
    let day = (Utc::now() + Duration::days(1)).date_naive();
    let starts = day
        .and_time(NaiveTime::from_hms_opt(from.0, from.1, 0).unwrap())
        .and_utc();
    device.clinic.book_appointment(
        &device.admin,
        NewAppointment {
            patient_id: patient.into(),
            provider_id: provider.into(),
            appointment_type_id: None,
            starts_at: clinic_store::format_instant(starts),
            ends_at: clinic_store::format_instant(starts + Duration::minutes(minutes)),
            reason: None,
            allow_patient_overlap: Some(true),
            allow_outside_hours: Some(true),
        },
    )
}

#[test]
fn three_devices_work_offline_and_converge_with_the_server() {
    let running = Running::start();
    let (address, server) = reach(&running);

    // The front desk's computer has the clinic: it pairs and brings it.
    let dirs = [(); 3].map(|_| tempfile::tempdir().unwrap());
    let front = founded("front desk", dirs[0].path());
    let lena = front
        .clinic
        .add_user(
            &front.admin,
            NewUser {
                username: "lena".into(),
                display_name: "Lena Ward".into(),
                password: "lena's first password".into(),
                role: Role::Receptionist,
            },
        )
        .unwrap();
    let ana = front.register("Ana", "Ruiz", "1980-02-03");
    let bo = front.register("Bo", "Lind", "1975-06-07");
    let cy = front.register("Cy", "Moss", "1990-10-11");
    front
        .clinic
        .pair_with_server(&front.admin, &server, &address, &running.pairing_code())
        .unwrap();
    let first = front.sync(&server);
    assert!(first.pushed >= 5, "{first:?}");

    // Two more computers join from nothing and find the clinic, users included.
    let laptop = joined("laptop", dirs[1].path(), &running, &address);
    let physio = joined("physio room", dirs[2].path(), &running, &address);
    // Each sends its own device row; then all three hold the same.
    sync_until_quiet(&[&laptop, &physio, &front], &server);
    for device in [&laptop, &physio] {
        assert_eq!(
            device.digest(),
            front.digest(),
            "{} after joining",
            device.name
        );
        assert_eq!(
            device.clinic.patient(&device.admin, &ana).unwrap().mrn,
            "A-000001"
        );
    }

    // All three work offline.
    let from_front = front.register("Dee", "Front", "2001-01-01");
    front.edit(&ana, |p| p.phone = Some("+1 555 200 0001".into()));
    front
        .clinic
        .set_user_active(&front.admin, &lena.id, false)
        .unwrap();
    let from_laptop = laptop.register("Eve", "Laptop", "2002-02-02");
    laptop.edit(&bo, |p| p.city = Some("Portland".into()));
    let from_physio = physio.register("Fay", "Physio", "2003-03-03");
    physio.edit(&bo, |p| p.email = Some("bo.lind@example.org".into()));
    physio
        .clinic
        .set_patient_archived(&physio.admin, &cy, true)
        .unwrap();
    // The same field on two devices: the laptop's edit is the later one.
    laptop.edit(&ana, |p| p.phone = Some("+1 555 300 0002".into()));

    // They come back online in the order the day brings them.
    let devices = [&physio, &laptop, &front];
    sync_until_quiet(&devices, &server);

    let on_server: ContentDigest =
        serde_json::from_value(json(running.dir.path(), &["digest"])).unwrap();
    assert!(on_server["patients"].rows >= 6, "{on_server:?}");
    for device in devices {
        assert_eq!(device.digest(), on_server, "{} and the server", device.name);
        let read = |id: &str| device.clinic.patient(&device.admin, id).unwrap();
        assert_eq!(
            read(&ana).phone.as_deref(),
            Some("+1 555-300-0002"),
            "{}",
            device.name
        );
        let both = read(&bo);
        assert_eq!(both.city.as_deref(), Some("Portland"));
        assert_eq!(both.email.as_deref(), Some("bo.lind@example.org"));
        assert!(read(&cy).archived);
        for id in [&from_front, &from_laptop, &from_physio] {
            read(id);
        }
        assert!(matches!(
            device.clinic.sign_in("lena", "lena's first password"),
            Err(CoreError::InvalidCredentials)
        ));
    }
    // Each computer numbers from its own series.
    let mrn = |d: &Device, id: &str| d.clinic.patient(&d.admin, id).unwrap().mrn;
    assert!(mrn(&front, &from_front).starts_with("A-"));
    assert!(mrn(&front, &from_laptop).starts_with("B-"));
    assert!(mrn(&front, &from_physio).starts_with("C-"));
    // The front desk's phone number lost to the laptop's later one: kept for a person to see, who keeps
    // the front desk's after all; that is a new change, and every computer takes it.
    let entries = front.clinic.needs_attention(&front.admin).unwrap();
    let phone = entries
        .iter()
        .find(|e| e.values.first().is_some_and(|v| v.field == "phone"))
        .unwrap_or_else(|| panic!("{entries:?}"));
    assert_eq!(phone.patient.as_ref().unwrap().name, "Ana Ruiz");
    // As stored (the patient screens format phone numbers for showing).
    assert_eq!(phone.values[0].mine.as_deref(), Some("+15552000001"));
    assert_eq!(phone.values[0].theirs.as_deref(), Some("+15553000002"));
    assert_eq!(phone.mine_by.as_deref(), Some("The Boss"));
    assert!(phone.mine_at.is_some() && phone.theirs_at.is_some());
    front
        .clinic
        .resolve_attention(
            &front.admin,
            &phone.id,
            clinic_core::Resolution {
                action: clinic_core::AttentionAction::KeepMine,
                starts_at: None,
                ends_at: None,
                cancellation_reason: None,
            },
        )
        .unwrap();
    sync_until_quiet(&devices, &server);
    for device in devices {
        let ana = device.clinic.patient(&device.admin, &ana).unwrap();
        assert_eq!(
            ana.phone.as_deref(),
            Some("+1 555-200-0001"),
            "{}",
            device.name
        );
    }

    // Eve is archived on two computers while apart; the laptop's is the later, and the front desk keeps
    // its own: archiving is the write path's own column, kept through archive and restore.
    let keep = |device: &Device, entry: &clinic_core::Attention, action| {
        let resolution = clinic_core::Resolution {
            action,
            starts_at: None,
            ends_at: None,
            cancellation_reason: None,
        };
        device
            .clinic
            .resolve_attention(&device.admin, &entry.id, resolution)
    };
    let of_field = |device: &Device, field: &str| {
        device
            .clinic
            .needs_attention(&device.admin)
            .unwrap()
            .into_iter()
            .find(|e| e.values.first().is_some_and(|v| v.field == field))
    };
    for device in [&front, &laptop] {
        std::thread::sleep(std::time::Duration::from_millis(5));
        device
            .clinic
            .set_patient_archived(&device.admin, &from_laptop, true)
            .unwrap();
    }
    sync_until_quiet(&[&front, &laptop], &server);
    let archive =
        of_field(&front, "archived_at").expect("the front desk's archive was overwritten");
    keep(&front, &archive, clinic_core::AttentionAction::KeepMine).unwrap();
    sync_until_quiet(&devices, &server);
    for device in devices {
        let eve = device.clinic.patient(&device.admin, &from_laptop).unwrap();
        assert!(eve.archived, "{}", device.name);
    }

    // Bo's city, edited on two computers; before the front desk decides, a third edit arrives: keeping
    // its own would overwrite that unseen, so it is refused; keeping the other leaves the newest.
    front.edit(&bo, |p| p.city = Some("Eugene".into()));
    laptop.edit(&bo, |p| p.city = Some("Bend".into()));
    sync_until_quiet(&[&front, &laptop], &server);
    let city = of_field(&front, "city").expect("the front desk's city was overwritten");
    physio.edit(&bo, |p| p.city = Some("Medford".into()));
    sync_until_quiet(&[&physio, &front], &server);
    let refused = keep(&front, &city, clinic_core::AttentionAction::KeepMine).unwrap_err();
    assert!(matches!(refused, CoreError::Conflict(_)), "{refused:?}");
    keep(&front, &city, clinic_core::AttentionAction::KeepTheirs).unwrap();
    let now = front.clinic.patient(&front.admin, &bo).unwrap();
    assert_eq!(now.city.as_deref(), Some("Medford"));
    assert!(of_field(&front, "city").is_none());
    sync_until_quiet(&devices, &server);

    // The physio room's computer is revoked: it keeps what it writes, and the server turns it away.
    let before = physio.clinic.sync_status().unwrap();
    json(
        running.dir.path(),
        &["devices", "revoke", &before.device_id],
    );
    physio.edit(&bo, |p| p.city = Some("Salem".into()));
    let refused = physio.clinic.sync_now(&physio.admin, &server).unwrap_err();
    assert!(
        matches!(&refused, CoreError::ServerRefused { code, .. } if code == "revoked"),
        "{refused:?}"
    );
    let status = physio.clinic.sync_status().unwrap();
    assert_eq!(status.changes_waiting, before.changes_waiting + 1);
    assert!(status.last_error.is_some());
    sync_until_quiet(&[&front, &laptop], &server);
    assert_eq!(
        front
            .clinic
            .patient(&front.admin, &bo)
            .unwrap()
            .city
            .as_deref(),
        Some("Medford")
    );
}

/// Allergies are rows of their own (as are problems, prescriptions and vitals): what two computers add
/// for one patient while apart all stays, on both and on the server; neither overwrites the other.
#[test]
fn allergies_recorded_apart_on_two_computers_all_stay() {
    let running = Running::start();
    let (address, server) = reach(&running);
    let dirs = [(); 2].map(|_| tempfile::tempdir().unwrap());
    let (ana, [front, laptop]) =
        clinic_with_ana(&running, &address, &dirs, ["front desk", "laptop"]);

    // Both offline: the front desk notes an allergy Ana mentions at the desk, the doctor's laptop
    // another one during the visit.
    let allergy = |device: &Device, substance: &str, severity| {
        let new = NewAllergy {
            substance: substance.into(),
            reaction: None,
            severity: Some(severity),
        };
        device
            .clinic
            .record_allergy(&device.admin, &ana, new)
            .unwrap()
    };
    allergy(&front, "Penicillin", AllergySeverity::Severe);
    allergy(&laptop, "Latex", AllergySeverity::Mild);
    sync_until_quiet(&[&front, &laptop], &server);
    let on_server: ContentDigest =
        serde_json::from_value(json(running.dir.path(), &["digest"])).unwrap();
    assert_eq!(on_server["allergies"].rows, 2, "{on_server:?}");
    for device in [&front, &laptop] {
        assert_eq!(device.digest(), on_server, "{}", device.name);
        let header = device.clinic.patient_header(&device.admin, &ana).unwrap();
        let substances: Vec<&str> = header
            .allergies
            .iter()
            .map(|a| a.substance.as_str())
            .collect();
        // The severe one first, as the header always shows them.
        assert_eq!(substances, ["Penicillin", "Latex"], "{}", device.name);
        assert_eq!(device.clinic.sync_status().unwrap().needs_attention, 0);
    }
}

/// Two computers book the same doctor's time while apart, and one books into time off the other gave
/// her: the server takes the booking that reaches it first and refuses what clashes with what it holds.
/// The computer that made a refused booking keeps it (nothing is deleted) and shows it needs attention;
/// no other computer, nor the server, ever holds both.
#[test]
fn bookings_made_apart_into_the_same_time_are_refused_and_stay_for_a_person() {
    let running = Running::start();
    let (address, server) = reach(&running);
    let dirs = [(); 2].map(|_| tempfile::tempdir().unwrap());
    let (ana, [front, laptop]) =
        clinic_with_ana(&running, &address, &dirs, ["front desk", "laptop"]);
    let rosa = doctor(&front, "Dr Rosa Diaz");
    let bo = front.register("Bo", "Lind", "1975-06-07");
    sync_until_quiet(&[&front, &laptop], &server);

    // Tomorrow, both offline.
    let day = (Utc::now() + Duration::days(1)).date_naive();
    let at = |h: u32, m: u32| {
        let time = NaiveTime::from_hms_opt(h, m, 0).unwrap();
        clinic_store::format_instant(day.and_time(time).and_utc())
    };
    let at_the_desk = book(&front, &rosa, &ana, (10, 0), 30).unwrap();
    front
        .clinic
        .add_time_off(
            &front.admin,
            NewTimeOff {
                provider_id: rosa.clone(),
                from_date: day.to_string(),
                to_date: None,
                from_time: Some("14:00".into()),
                to_time: Some("15:00".into()),
                reason: Some("Training".into()),
            },
        )
        .unwrap();
    let on_the_laptop = book(&laptop, &rosa, &bo, (10, 15), 30).unwrap();
    let into_time_off = book(&laptop, &rosa, &ana, (14, 30), 15).unwrap();
    let fine = book(&laptop, &rosa, &bo, (11, 0), 30).unwrap();

    front.sync(&server);
    let report = laptop.sync(&server);
    assert_eq!(report.refused, 2, "{report:?}");
    sync_until_quiet(&[&front, &laptop], &server);

    let on_server: ContentDigest =
        serde_json::from_value(json(running.dir.path(), &["digest"])).unwrap();
    assert_eq!(on_server["appointments"].rows, 2, "{on_server:?}");
    let holds = |device: &Device, id: &str| device.clinic.appointment(&device.admin, id).is_ok();
    for id in [&at_the_desk, &fine] {
        assert!(holds(&front, id) && holds(&laptop, id));
    }
    // The refused bookings stay on the laptop, as they were, and reach no one else.
    for id in [&on_the_laptop, &into_time_off] {
        assert!(!holds(&front, id));
        let kept = laptop.clinic.appointment(&laptop.admin, id).unwrap();
        assert_eq!(kept.status, AppointmentStatus::Scheduled);
    }
    assert_eq!(laptop.clinic.sync_status().unwrap().needs_attention, 2);
    assert_eq!(front.clinic.sync_status().unwrap().needs_attention, 0);

    // Needs attention on the laptop says what happened, with both appointments.
    let entries = laptop.clinic.needs_attention(&laptop.admin).unwrap();
    let of = |code: &str| {
        entries
            .iter()
            .find(|e| e.code.as_deref() == Some(code))
            .unwrap_or_else(|| panic!("no {code} in {entries:?}"))
            .clone()
    };
    let (clash, away) = (of("booking_clash"), of("provider_away"));
    assert_eq!(entries.len(), 2);
    assert_eq!(clash.booking.as_ref().unwrap().id, on_the_laptop);
    assert_eq!(clash.clashing.as_ref().unwrap().id, at_the_desk);
    assert_eq!(clash.patient.as_ref().unwrap().name, "Bo Lind");
    assert!(!clash.on_server);
    use clinic_core::AttentionAction::{Cancel, Move, Overbook};
    assert_eq!(clash.actions, [Move, Overbook, Cancel]);
    assert_eq!(away.actions, [Move, Cancel]);
    let decide = |action, time: Option<(u32, u32)>, reason: Option<&str>| clinic_core::Resolution {
        action,
        starts_at: time.map(|t| at(t.0, t.1)),
        ends_at: time.map(|t| at(t.0, t.1 + 15)),
        cancellation_reason: reason.map(str::to_owned),
    };
    let resolve = |id: &str, resolution| {
        laptop
            .clinic
            .resolve_attention(&laptop.admin, id, resolution)
    };
    // A move into time still taken is refused here, and leaves the entry as it was.
    let taken = resolve(&clash.id, decide(Move, Some((10, 0)), None)).unwrap_err();
    assert!(matches!(taken, CoreError::Conflict(_)), "{taken:?}");
    assert!(matches!(
        resolve(&away.id, decide(Overbook, None, None)),
        Err(CoreError::Forbidden(_))
    ));
    resolve(&away.id, decide(Move, Some((12, 0)), None)).unwrap();
    resolve(&clash.id, decide(Overbook, None, None)).unwrap();
    assert!(matches!(
        resolve(&clash.id, decide(Overbook, None, None)),
        Err(CoreError::Conflict(_))
    ));
    sync_until_quiet(&[&laptop, &front], &server);
    for device in [&front, &laptop] {
        let read = |id: &str| device.clinic.appointment(&device.admin, id).unwrap();
        assert!(read(&on_the_laptop).overbooked, "{}", device.name);
        assert_eq!(read(&into_time_off).starts_at, at(12, 0));
        assert_eq!(device.clinic.sync_status().unwrap().needs_attention, 0);
        assert!(
            device
                .clinic
                .needs_attention(&device.admin)
                .unwrap()
                .is_empty()
        );
    }

    // Once more apart: a refused booking cancelled is kept, cancelled, on every computer.
    book(&front, &rosa, &bo, (15, 0), 30).unwrap();
    let again = book(&laptop, &rosa, &ana, (15, 10), 20).unwrap();
    assert_eq!(settle(&[&front, &laptop], &server), 1);
    let entry = laptop.clinic.needs_attention(&laptop.admin).unwrap();
    let missing_reason = resolve(&entry[0].id, decide(Cancel, None, Some(" ")));
    assert!(matches!(missing_reason, Err(CoreError::Validation { .. })));
    resolve(&entry[0].id, decide(Cancel, None, Some("Booked twice"))).unwrap();
    sync_until_quiet(&[&laptop, &front], &server);
    let cancelled = front.clinic.appointment(&front.admin, &again).unwrap();
    assert_eq!(cancelled.status, AppointmentStatus::Cancelled);
    let on_server: ContentDigest =
        serde_json::from_value(json(running.dir.path(), &["digest"])).unwrap();
    assert_eq!(on_server["appointments"].rows, 6);
    assert_eq!(front.digest(), on_server);
    assert_eq!(laptop.digest(), on_server);
}

/// A signed note stays as it was signed, and is signed as its signer read it. While apart, the doctor's
/// laptop rewrites a draft the front desk's computer signs: whichever reaches the server first stands,
/// and the other is refused and put back on the computer that made it, kept there for a person.
#[test]
fn a_note_signed_on_one_computer_and_edited_on_another_is_signed_as_read() {
    let running = Running::start();
    let (address, server) = reach(&running);
    let dirs = [(); 2].map(|_| tempfile::tempdir().unwrap());
    let (ana, [front, laptop]) =
        clinic_with_ana(&running, &address, &dirs, ["front desk", "laptop"]);
    let rosa = doctor(&front, "Dr Rosa Diaz");
    let visit = front
        .clinic
        .open_encounter(&front.admin, &ana, &rosa, None)
        .unwrap();
    let draft = |text: &str| front.clinic.write_note(&front.admin, &visit, text).unwrap();
    let (first, second) = (draft("Cough, no fever."), draft("Knee pain."));
    sync_until_quiet(&[&front, &laptop], &server);
    let note = |device: &Device, id: &str| {
        let visit = device.clinic.open_visit(&device.admin, &visit).unwrap();
        let note = visit.notes.into_iter().find(|n| n.id == id).unwrap();
        (note.status, note.body)
    };
    let codes = |device: &Device| -> Vec<String> {
        let entries = device.clinic.needs_attention(&device.admin).unwrap();
        entries.into_iter().filter_map(|e| e.code).collect()
    };

    // The laptop's rewrite reaches the server first: the front desk's signature, of a text it had not
    // read, is refused; the note is a draft again there, with the laptop's text, to read and sign.
    laptop
        .clinic
        .edit_note(&laptop.admin, &first, "Cough, no fever. Chest clear.")
        .unwrap();
    front.clinic.sign_note(&front.admin, &first).unwrap();
    laptop.sync(&server);
    assert_eq!(front.sync(&server).refused, 1);
    assert_eq!(
        note(&front, &first),
        ("draft".into(), "Cough, no fever. Chest clear.".into())
    );
    assert_eq!(codes(&front), ["note_changed_since"]);
    front.clinic.sign_note(&front.admin, &first).unwrap();

    // The front desk's signature reaches the server first: the laptop's rewrite of the signed note is
    // refused and put back there; its text is kept in Needs attention.
    front.clinic.sign_note(&front.admin, &second).unwrap();
    laptop
        .clinic
        .edit_note(&laptop.admin, &second, "Knee pain, left.")
        .unwrap();
    front.sync(&server);
    assert_eq!(laptop.sync(&server).refused, 1);
    settle(&[&front, &laptop], &server);
    assert_eq!(
        note(&laptop, &second),
        ("signed".into(), "Knee pain.".into())
    );
    let kept = laptop.clinic.needs_attention(&laptop.admin).unwrap();
    assert_eq!(kept[0].code.as_deref(), Some("kept_as_written"));
    assert_eq!(kept[0].values[0].mine.as_deref(), Some("Knee pain, left."));

    for device in [&front, &laptop] {
        assert_eq!(
            note(device, &first),
            ("signed".into(), "Cough, no fever. Chest clear.".into())
        );
    }
    let on_server: ContentDigest =
        serde_json::from_value(json(running.dir.path(), &["digest"])).unwrap();
    assert_eq!(front.digest(), on_server);
    assert_eq!(laptop.digest(), on_server);
}

/// Payments are entries of their own: two computers taking Ana's payment of one invoice while apart both
/// keep theirs, on every computer and the server, and the invoice says it was paid twice over.
/// Two records of one person merged in opposite directions on two computers while apart: the server
/// takes the merge that reaches it first and refuses the other as a whole (its redirect, the rows it
/// moved, its record). Every computer ends with the first merge, every row of both records under the
/// kept one, and the second computer is told, once. The same merge made on both stands on both.
#[test]
fn records_merged_the_other_way_on_another_computer_are_refused_and_nothing_leaves_the_lists() {
    let running = Running::start();
    let (address, server) = reach(&running);
    let dirs = [(); 2].map(|_| tempfile::tempdir().unwrap());
    let (ana, [front, laptop]) =
        clinic_with_ana(&running, &address, &dirs, ["front desk", "laptop"]);
    let register_again = |first: &str, last: &str, born: &str| {
        let mut again = patient(first, last, born);
        again.allow_duplicates = true;
        front
            .clinic
            .register_patient(&front.admin, again)
            .unwrap()
            .id
    };
    let ana_again = register_again("Ana", "Ruiz", "1980-02-03");
    let (bo, bo_again) = (
        front.register("Bo", "Lind", "1975-06-07"),
        register_again("Bo", "Lind", "1975-06-07"),
    );
    let rosa = doctor(&front, "Dr Rosa Diaz");
    let allergy = |device: &Device, patient: &str, substance: &str| {
        let new = NewAllergy {
            substance: substance.into(),
            reaction: None,
            severity: Some(AllergySeverity::Moderate),
        };
        device
            .clinic
            .record_allergy(&device.admin, patient, new)
            .unwrap();
    };
    allergy(&front, &ana, "Penicillin");
    allergy(&front, &ana_again, "Latex");
    let visit = book(&front, &rosa, &ana_again, (9, 0), 20).unwrap();
    sync_until_quiet(&[&front, &laptop], &server);

    // Apart: the front desk keeps Ana's first record, the laptop her second; both merge Bo the same way.
    let merge = |device: &Device, kept: &str, merged: &str| {
        device
            .clinic
            .merge_patients(&device.admin, kept, merged)
            .unwrap()
    };
    merge(&front, &ana, &ana_again);
    merge(&laptop, &ana_again, &ana);
    merge(&front, &bo, &bo_again);
    merge(&laptop, &bo, &bo_again);
    front.sync(&server);
    let report = laptop.sync(&server);
    // Its redirect, the row it moved (Ana's first record's allergy) and its record: refused together.
    assert!(report.refused >= 3, "{report:?}");
    assert_eq!(settle(&[&front, &laptop], &server), 0);

    let on_server: ContentDigest =
        serde_json::from_value(json(running.dir.path(), &["digest"])).unwrap();
    for device in [&front, &laptop] {
        let (c, who, name) = (&device.clinic, &device.admin, device.name);
        assert_eq!(device.digest(), on_server, "{name}");
        // Ana's second record opens her first, which holds everything of both.
        assert_eq!(c.patient(who, &ana_again).unwrap().id, ana, "{name}");
        assert_eq!(c.patient(who, &ana).unwrap().id, ana, "{name}");
        let mut allergies: Vec<String> = c
            .patient_header(who, &ana)
            .unwrap()
            .allergies
            .into_iter()
            .map(|a| a.substance)
            .collect();
        allergies.sort();
        assert_eq!(allergies, ["Latex", "Penicillin"], "{name}");
        let booked = c.appointment(who, &visit).unwrap();
        assert_eq!(booked.patient_id, ana, "{name}");
        // One Ana and one Bo in the list, each the record kept.
        let listed = c
            .list_patients(who, &clinic_core::PatientQuery::all(0, 50))
            .unwrap();
        let ids: Vec<&str> = listed.rows.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids.len(), 2, "{name}: {ids:?}");
        assert!(
            ids.contains(&ana.as_str()) && ids.contains(&bo.as_str()),
            "{name}"
        );
        // The merge that stands, once; Bo's, made on both computers, once too.
        assert_eq!(c.patient_merges(who, &ana).unwrap().len(), 1, "{name}");
        assert_eq!(c.patient_merges(who, &bo).unwrap().len(), 1, "{name}");
    }
    // The front desk has nothing to look at; the laptop is told its merge was refused, once.
    assert!(
        front
            .clinic
            .needs_attention(&front.admin)
            .unwrap()
            .is_empty()
    );
    let told = laptop.clinic.needs_attention(&laptop.admin).unwrap();
    assert_eq!(told.len(), 1, "{told:?}");
    let entry = &told[0];
    assert_eq!(
        entry.code.as_deref(),
        Some(clinic_store::protocol::refusals::MERGED_ELSEWHERE)
    );
    assert_eq!(
        entry.patient.as_ref().map(|p| p.id.as_str()),
        Some(ana.as_str())
    );
    assert_eq!(
        entry.other_patient.as_ref().map(|p| p.id.as_str()),
        Some(ana_again.as_str())
    );
    assert_eq!(entry.actions, [clinic_core::AttentionAction::Dismiss]);
    let dismiss = clinic_core::Resolution {
        action: clinic_core::AttentionAction::Dismiss,
        starts_at: None,
        ends_at: None,
        cancellation_reason: None,
    };
    laptop
        .clinic
        .resolve_attention(&laptop.admin, &entry.id, dismiss)
        .unwrap();
    assert!(
        laptop
            .clinic
            .needs_attention(&laptop.admin)
            .unwrap()
            .is_empty()
    );

    // Bo's merge, made on both, is recorded once, and the front desk's administrator undoes it the same
    // day: the rows go back along it, on every computer.
    let bos = front.clinic.patient_merges(&front.admin, &bo).unwrap();
    assert_eq!(bos.len(), 1);
    front
        .clinic
        .undo_patient_merge(&front.admin, &bos[0].id)
        .unwrap();
    sync_until_quiet(&[&front, &laptop], &server);
    let on_server: ContentDigest =
        serde_json::from_value(json(running.dir.path(), &["digest"])).unwrap();
    for device in [&front, &laptop] {
        assert_eq!(device.digest(), on_server, "{}", device.name);
        let opened = device.clinic.patient(&device.admin, &bo_again).unwrap();
        assert_eq!(opened.id, bo_again, "{}", device.name);
    }

    // Apart again: the front desk registers Cy anew and merges his old record into the new one; the
    // laptop merges the old record into a third. The laptop's merge is put back to the server's, which
    // names a record the laptop has not pulled yet: the pull that follows brings it.
    let cy_old = register_again("Cy", "Moss", "1966-03-03");
    let cy_other = register_again("Cy", "Moss", "1966-03-03");
    allergy(&front, &cy_old, "Aspirin");
    sync_until_quiet(&[&front, &laptop], &server);
    let cy_new = register_again("Cy", "Moss", "1966-03-03");
    merge(&front, &cy_new, &cy_old);
    merge(&laptop, &cy_other, &cy_old);
    front.sync(&server);
    let report = laptop.sync(&server);
    assert!(report.refused >= 2, "{report:?}");
    assert_eq!(settle(&[&front, &laptop], &server), 0);
    let on_server: ContentDigest =
        serde_json::from_value(json(running.dir.path(), &["digest"])).unwrap();
    for device in [&front, &laptop] {
        let (c, who, name) = (&device.clinic, &device.admin, device.name);
        assert_eq!(device.digest(), on_server, "{name}");
        assert_eq!(c.patient(who, &cy_old).unwrap().id, cy_new, "{name}");
        assert_eq!(c.patient(who, &cy_other).unwrap().id, cy_other, "{name}");
        let header = c.patient_header(who, &cy_new).unwrap();
        assert_eq!(header.allergies.len(), 1, "{name}");
    }
}

/// One person registered at the front desk and on the laptop while the two were apart (the same phone,
/// the names written differently): after the sync each computer suggests merging the other's record
/// with its own; merging on one settles it on both. A look-alike with nothing else in common is not
/// suggested, and "not the same person" settles a suggestion for good.
#[test]
fn one_person_registered_on_two_computers_apart_is_suggested_as_a_merge() {
    let running = Running::start();
    let (address, server) = reach(&running);
    let dirs = [(); 2].map(|_| tempfile::tempdir().unwrap());
    let (_, [front, laptop]) = clinic_with_ana(&running, &address, &dirs, ["front desk", "laptop"]);
    let register = |device: &Device, first: &str, last: &str, born: &str, phone: Option<&str>| {
        let mut new = patient(first, last, born);
        new.phone = phone.map(str::to_owned);
        device
            .clinic
            .register_patient(&device.admin, new)
            .unwrap()
            .id
    };
    let at_the_desk = register(
        &front,
        "José",
        "Núñez",
        "1990-04-05",
        Some("+1 555-201-0001"),
    );
    let on_the_laptop = register(
        &laptop,
        "Jose",
        "Nunez Diaz",
        "1990-04-05",
        Some("+1 555-201-0001"),
    );
    let twin_desk = register(&front, "Lea", "Berg", "2001-01-01", None);
    let twin_laptop = register(&laptop, "Lea", "Berg", "2001-01-01", None);
    register(&laptop, "Lea", "Holm", "2001-01-01", None);
    sync_until_quiet(&[&front, &laptop], &server);
    sync_until_quiet(&[&front, &laptop], &server);

    let suggested = |device: &Device| {
        let entries = device.clinic.needs_attention(&device.admin).unwrap();
        assert!(
            entries
                .iter()
                .all(|e| e.kind == clinic_core::AttentionKind::Duplicate)
        );
        entries
    };
    let pairs = |device: &Device| -> Vec<[String; 2]> {
        let mut pairs: Vec<[String; 2]> = suggested(device)
            .iter()
            .map(|e| [e.records[0].id.clone(), e.records[1].id.clone()])
            .collect();
        pairs.sort();
        pairs
    };
    // Each computer: the other's record first, its own second; each pair once.
    let mut expected_front = vec![
        [on_the_laptop.clone(), at_the_desk.clone()],
        [twin_laptop.clone(), twin_desk.clone()],
    ];
    expected_front.sort();
    assert_eq!(pairs(&front), expected_front);
    let mut expected_laptop = vec![
        [at_the_desk.clone(), on_the_laptop.clone()],
        [twin_desk.clone(), twin_laptop.clone()],
    ];
    expected_laptop.sort();
    assert_eq!(pairs(&laptop), expected_laptop);
    let entry = suggested(&front)
        .into_iter()
        .find(|e| e.row_id == on_the_laptop)
        .unwrap();
    use clinic_core::AttentionAction::{Dismiss, Merge};
    assert_eq!(entry.actions, [Merge, Dismiss]);
    assert_eq!(
        entry.patient.as_ref().map(|p| p.name.as_str()),
        Some("Jose Nunez Diaz")
    );
    assert_eq!(
        entry.other_patient.as_ref().map(|p| p.name.as_str()),
        Some("José Núñez")
    );
    let decide = |action| clinic_core::Resolution {
        action,
        starts_at: None,
        ends_at: None,
        cancellation_reason: None,
    };
    // Merged through the merge review, not from the entry itself.
    assert!(matches!(
        front
            .clinic
            .resolve_attention(&front.admin, &entry.id, decide(Merge)),
        Err(CoreError::Conflict(_))
    ));

    // The front desk merges José's two records; the laptop decides the two Leas are twins.
    front
        .clinic
        .merge_patients(&front.admin, &at_the_desk, &on_the_laptop)
        .unwrap();
    let twins = suggested(&laptop)
        .into_iter()
        .find(|e| e.row_id == twin_desk)
        .unwrap();
    laptop
        .clinic
        .resolve_attention(&laptop.admin, &twins.id, decide(Dismiss))
        .unwrap();
    sync_until_quiet(&[&front, &laptop], &server);
    let left = |device: &Device| -> Vec<String> {
        suggested(device).into_iter().map(|e| e.row_id).collect()
    };
    assert_eq!(left(&front), std::slice::from_ref(&twin_laptop));
    assert!(left(&laptop).is_empty(), "{:?}", left(&laptop));
    // Nothing more is suggested by later rounds.
    sync_until_quiet(&[&front, &laptop], &server);
    assert_eq!(left(&front), [twin_laptop]);
}

/// The live channel: a computer listening hears of another computer's changes as soon as the server
/// has them (and of nothing it has pulled already), and its round then brings them.
#[test]
fn a_computer_listening_hears_of_another_computers_changes_at_once() {
    let running = Running::start();
    let (address, server) = reach(&running);
    let dirs = [(); 2].map(|_| tempfile::tempdir().unwrap());
    let (_, [front, laptop]) = clinic_with_ana(&running, &address, &dirs, ["front desk", "laptop"]);
    assert!(
        !laptop.clinic.can_listen(),
        "no round has given a token yet"
    );
    sync_until_quiet(&[&front, &laptop], &server);
    assert!(laptop.clinic.can_listen());
    let (news, heard) = std::sync::mpsc::channel();
    std::thread::scope(|scope| {
        let listening = scope.spawn(|| {
            let listener = HttpsServer::new(&address).unwrap();
            let mut last_seen = None;
            let mut tell = || {
                let _ = news.send(std::time::Instant::now());
            };
            let ended = laptop
                .clinic
                .listen_for_changes(&listener, &mut last_seen, &mut tell);
            (ended, last_seen)
        });
        // Connected: the stream's newest place is what the laptop has pulled, nothing to tell.
        let nothing = heard.recv_timeout(std::time::Duration::from_millis(700));
        assert!(nothing.is_err(), "{nothing:?}");
        let cleo = front.register("Cleo", "Park", "1991-09-09");
        let pushing = std::time::Instant::now();
        front.sync(&server);
        let at = heard
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("the laptop hears of the front desk's change");
        eprintln!(
            "the laptop heard {} ms after the front desk's round began",
            at.duration_since(pushing).as_millis()
        );
        let report = laptop.sync(&server);
        assert!(report.pulled >= 1, "{report:?}");
        assert_eq!(
            laptop.clinic.patient(&laptop.admin, &cleo).unwrap().id,
            cleo
        );
        // The server goes away: the listener's connection ends, where the stream was kept.
        drop(running);
        let (ended, last_seen) = listening.join().unwrap();
        assert!(last_seen.is_some_and(|seen| seen >= 1), "{ended:?}");
    });
}

#[test]
fn payments_taken_apart_on_one_invoice_all_stay_and_the_overpayment_is_said() {
    let running = Running::start();
    let (address, server) = reach(&running);
    let dirs = [(); 2].map(|_| tempfile::tempdir().unwrap());
    let (ana, [front, laptop]) =
        clinic_with_ana(&running, &address, &dirs, ["front desk", "laptop"]);
    let invoice = consultation_for(&front, &ana);
    sync_until_quiet(&[&front, &laptop], &server);

    for device in [&front, &laptop] {
        pay(device, &invoice, clinic_core::PaymentMethod::Card, 6000);
    }
    sync_until_quiet(&[&front, &laptop], &server);
    let on_server: ContentDigest =
        serde_json::from_value(json(running.dir.path(), &["digest"])).unwrap();
    assert_eq!(on_server["payments"].rows, 2);
    for device in [&front, &laptop] {
        assert_eq!(device.digest(), on_server, "{}", device.name);
        let balance = device
            .clinic
            .invoice_balance(&device.admin, &invoice)
            .unwrap();
        assert_eq!(
            balance,
            clinic_core::InvoiceBalance {
                total_minor: 6000,
                paid_minor: 12000,
                due_minor: 0,
                overpaid_minor: 6000,
            },
            "{}",
            device.name
        );
        // The invoice says so where billing staff look: on the list of invoices paid beyond their
        // total, with both payments.
        let overpaid = device
            .clinic
            .list_invoices(&device.admin, &overpaid_invoices())
            .unwrap();
        assert_eq!(
            overpaid
                .rows
                .iter()
                .map(|r| r.id.as_str())
                .collect::<Vec<_>>(),
            [invoice.as_str()],
            "{}",
            device.name
        );
        let opened = device.clinic.open_invoice(&device.admin, &invoice).unwrap();
        assert_eq!(opened.payments.len(), 2, "{}", device.name);
    }

    // The desk gives the difference back from the newer payment; both computers then agree the
    // invoice is paid exactly, all three entries kept.
    let newer = front
        .clinic
        .open_invoice(&front.admin, &invoice)
        .unwrap()
        .payments
        .pop()
        .unwrap();
    front
        .clinic
        .refund_payment(&front.admin, &newer.id, 6000, Some("paid twice"))
        .unwrap();
    sync_until_quiet(&[&front, &laptop], &server);
    for device in [&front, &laptop] {
        let opened = device.clinic.open_invoice(&device.admin, &invoice).unwrap();
        assert_eq!(opened.invoice.status, clinic_core::InvoiceStatus::Paid);
        assert_eq!(
            (
                opened.invoice.balance.paid_minor,
                opened.invoice.balance.overpaid_minor
            ),
            (6000, 0),
            "{}",
            device.name
        );
        assert_eq!(opened.payments.len(), 3, "{}", device.name);
        assert!(
            device
                .clinic
                .list_invoices(&device.admin, &overpaid_invoices())
                .unwrap()
                .rows
                .is_empty()
        );
    }
}

/// Half an invoice paid on each computer while apart: neither wrote "paid", yet once both payments are
/// everywhere the invoice is paid, on every computer, and takes no payment more.
#[test]
fn an_invoice_paid_in_halves_apart_is_paid_once_both_halves_arrive() {
    let running = Running::start();
    let (address, server) = reach(&running);
    let dirs = [(); 2].map(|_| tempfile::tempdir().unwrap());
    let (ana, [front, laptop]) =
        clinic_with_ana(&running, &address, &dirs, ["front desk", "laptop"]);
    let invoice = consultation_for(&front, &ana);
    sync_until_quiet(&[&front, &laptop], &server);
    for device in [&front, &laptop] {
        pay(device, &invoice, clinic_core::PaymentMethod::Cash, 3000);
    }
    sync_until_quiet(&[&front, &laptop], &server);
    let unpaid = clinic_core::InvoiceQuery {
        show: clinic_core::InvoiceFilter::Unpaid,
        ..overpaid_invoices()
    };
    for device in [&front, &laptop] {
        let opened = device.clinic.open_invoice(&device.admin, &invoice).unwrap();
        assert_eq!(
            opened.invoice.status,
            clinic_core::InvoiceStatus::Paid,
            "{}",
            device.name
        );
        assert_eq!(opened.invoice.balance.due_minor, 0, "{}", device.name);
        assert!(matches!(
            device.clinic.record_payment(
                &device.admin,
                &invoice,
                clinic_core::PaymentMethod::Cash,
                1,
                None
            ),
            Err(clinic_core::CoreError::Conflict(_))
        ));
        let listed = device.clinic.list_invoices(&device.admin, &unpaid).unwrap();
        assert!(
            listed.rows.iter().all(|r| r.id != invoice),
            "{}",
            device.name
        );
        // Today's count of open invoices settles it the same way (each computer stored "issued").
        let overview = device.clinic.overview(&device.admin).unwrap();
        assert_eq!(overview.counts.open_invoices, 0, "{}", device.name);
    }
}

/// One payment given back in full on each computer while apart: both refunds stay (the money left
/// twice), and the invoice says what was refunded beyond the payment, lists it as unpaid again and
/// takes the difference as a payment.
#[test]
fn a_payment_refunded_on_two_computers_apart_says_what_was_given_back_twice() {
    let running = Running::start();
    let (address, server) = reach(&running);
    let dirs = [(); 2].map(|_| tempfile::tempdir().unwrap());
    let (ana, [front, laptop]) =
        clinic_with_ana(&running, &address, &dirs, ["front desk", "laptop"]);
    let invoice = consultation_for(&front, &ana);
    let payment = pay(&front, &invoice, clinic_core::PaymentMethod::Card, 6000);
    sync_until_quiet(&[&front, &laptop], &server);
    for device in [&front, &laptop] {
        device
            .clinic
            .refund_payment(&device.admin, &payment, 6000, Some("visit cancelled"))
            .unwrap();
    }
    sync_until_quiet(&[&front, &laptop], &server);

    let unpaid = clinic_core::InvoiceQuery {
        show: clinic_core::InvoiceFilter::Unpaid,
        ..overpaid_invoices()
    };
    for device in [&front, &laptop] {
        let opened = device.clinic.open_invoice(&device.admin, &invoice).unwrap();
        assert_eq!(opened.payments.len(), 3, "{}", device.name);
        assert_eq!(opened.refunded_beyond_minor, 6000, "{}", device.name);
        let paid = opened.payments.iter().find(|p| p.id == payment).unwrap();
        assert_eq!(
            (paid.refundable_minor, paid.refunded_beyond_minor),
            (0, 6000),
            "{}",
            device.name
        );
        assert_eq!(
            opened.invoice.status,
            clinic_core::InvoiceStatus::Issued,
            "{}",
            device.name
        );
        assert_eq!(
            (
                opened.invoice.balance.paid_minor,
                opened.invoice.balance.due_minor
            ),
            (-6000, 12000),
            "{}",
            device.name
        );
        let listed = device.clinic.list_invoices(&device.admin, &unpaid).unwrap();
        assert!(
            listed.rows.iter().any(|r| r.id == invoice),
            "{}",
            device.name
        );
        assert_eq!(
            device
                .clinic
                .overview(&device.admin)
                .unwrap()
                .counts
                .open_invoices,
            1,
            "{}",
            device.name
        );
    }

    // The patient pays what was given back twice; the invoice stays due its total, as after one refund.
    front
        .clinic
        .record_payment(
            &front.admin,
            &invoice,
            clinic_core::PaymentMethod::Card,
            6000,
            Some("refunded twice"),
        )
        .unwrap();
    sync_until_quiet(&[&front, &laptop], &server);
    for device in [&front, &laptop] {
        let opened = device.clinic.open_invoice(&device.admin, &invoice).unwrap();
        assert_eq!(opened.invoice.balance.due_minor, 6000, "{}", device.name);
        assert_eq!(opened.refunded_beyond_minor, 6000, "{}", device.name);
    }
}

/// Half paid; then, apart, the laptop gives that half back and the desk takes the other half, last.
/// The desk's "paid" is the newer status, yet half is due: the invoice is due and counted as open.
#[test]
fn a_refund_on_one_computer_and_the_last_payment_on_another_leave_the_invoice_due() {
    let running = Running::start();
    let (address, server) = reach(&running);
    let dirs = [(); 2].map(|_| tempfile::tempdir().unwrap());
    let (ana, [front, laptop]) =
        clinic_with_ana(&running, &address, &dirs, ["front desk", "laptop"]);
    let invoice = consultation_for(&front, &ana);
    let half = pay(&front, &invoice, clinic_core::PaymentMethod::Cash, 3000);
    sync_until_quiet(&[&front, &laptop], &server);
    laptop
        .clinic
        .refund_payment(&laptop.admin, &half, 3000, None)
        .unwrap();
    pay(&front, &invoice, clinic_core::PaymentMethod::Cash, 3000);
    sync_until_quiet(&[&front, &laptop], &server);
    for device in [&front, &laptop] {
        let opened = device.clinic.open_invoice(&device.admin, &invoice).unwrap();
        assert_eq!(
            (opened.invoice.status, opened.invoice.balance.due_minor),
            (clinic_core::InvoiceStatus::Issued, 3000),
            "{}",
            device.name
        );
        let overview = device.clinic.overview(&device.admin).unwrap();
        assert_eq!(overview.counts.open_invoices, 1, "{}", device.name);
    }
}

/// A payment of `amount_minor` taken on `device`; its id.
fn pay(
    device: &Device,
    invoice: &str,
    method: clinic_core::PaymentMethod,
    amount_minor: i64,
) -> String {
    device
        .clinic
        .record_payment(&device.admin, invoice, method, amount_minor, None)
        .unwrap()
}

/// A consultation of 60.00 invoiced to `patient` on `device`; the invoice's id.
fn consultation_for(device: &Device, patient: &str) -> String {
    let service = device
        .clinic
        .add_service(&device.admin, "CONS", "Consultation", 6000, false)
        .unwrap();
    let lines = [clinic_core::InvoiceLineInput {
        service_id: service,
        quantity: 1,
    }];
    let (invoice, _) = device
        .clinic
        .issue_invoice(&device.admin, patient, None, &lines)
        .unwrap();
    invoice
}

fn overpaid_invoices() -> clinic_core::InvoiceQuery {
    clinic_core::InvoiceQuery {
        show: clinic_core::InvoiceFilter::Overpaid,
        search: None,
        patient_id: None,
        limit: 50,
    }
}

#[test]
fn a_server_restored_from_an_older_backup_gets_back_everything_from_its_devices() {
    let running = Running::start();
    let (address, server) = reach(&running);
    let dirs = [(); 2].map(|_| tempfile::tempdir().unwrap());
    let (early, [front, laptop]) =
        clinic_with_ana(&running, &address, &dirs, ["front desk", "laptop"]);
    sync_until_quiet(&[&laptop, &front], &server);

    // The nightly backup, taken while the server runs; then a day's work reaches the server.
    let backups = tempfile::tempdir().unwrap();
    let backup = json(
        running.dir.path(),
        &["backup", "--to", &backups.path().display().to_string()],
    );
    let folder = Path::new(backup["backup"].as_str().unwrap());
    if clinic_test_server::on_postgres() {
        let dump = std::fs::read(folder.join("clinic.pgdump")).unwrap();
        assert!(dump.starts_with(b"PGDMP"), "a pg_dump archive");
    } else {
        let copy = std::fs::read(folder.join("server.db")).unwrap();
        assert!(
            copy.len() > 4096 && !copy.starts_with(b"SQLite format 3"),
            "the backup is encrypted"
        );
    }
    let old_epoch = json(running.dir.path(), &["status"])["epoch"].clone();
    let from_front = front.register("Dee", "Front", "2001-01-01");
    let from_laptop = laptop.register("Eve", "Laptop", "2002-02-02");
    laptop.edit(&early, |p| p.city = Some("Portland".into()));
    sync_until_quiet(&[&front, &laptop], &server);

    // The server's disk dies; it is restored from last night's backup, on the same address.
    let listen = running.listening();
    let held = json(running.dir.path(), &["status"])["changes"]
        .as_i64()
        .unwrap();
    let dir = running.stop();
    let restored = json(dir.path(), &["restore", backup["backup"].as_str().unwrap()]);
    assert_ne!(restored["epoch"], old_epoch);
    let back = json(dir.path(), &["status"])["changes"].as_i64().unwrap();
    assert!(
        back < held,
        "the backup's {back} changes, not the {held} the server had"
    );
    let running = Running::serve_at(dir, &listen);
    assert_eq!(running.fingerprint, address.fingerprint);

    // Each device sees the new epoch and sends everything it made again; nothing is lost.
    let resent = front.sync(&server).resent + laptop.sync(&server).resent;
    assert!(resent >= 3, "{resent}");
    sync_until_quiet(&[&front, &laptop], &server);
    let on_server: ContentDigest =
        serde_json::from_value(json(running.dir.path(), &["digest"])).unwrap();
    for device in [&front, &laptop] {
        assert_eq!(device.digest(), on_server, "{} and the server", device.name);
        for id in [&from_front, &from_laptop] {
            device.clinic.patient(&device.admin, id).unwrap();
        }
        assert_eq!(
            device
                .clinic
                .patient(&device.admin, &early)
                .unwrap()
                .city
                .as_deref(),
            Some("Portland")
        );
    }
    // A third computer joining now gets the whole clinic from the restored server.
    let third = tempfile::tempdir().unwrap();
    let desk = joined("second desk", third.path(), &running, &address);
    desk.clinic.patient(&desk.admin, &from_laptop).unwrap();
}

#[test]
fn a_server_killed_in_the_middle_of_a_push_loses_nothing_and_takes_nothing_twice() {
    let running = Running::start();
    let address = ServerAddress::parse(&running.url, &running.fingerprint).unwrap();
    let dirs = [(); 2].map(|_| tempfile::tempdir().unwrap());
    let front = founded("front desk", dirs[0].path());
    // A clinic with some history: thousands of changes, pushed in many batches.
    clinic_core::demo::populate(&front.clinic, &front.admin, 3, None).unwrap();
    let waiting = front.clinic.sync_status().unwrap().changes_waiting;
    assert!(waiting > 3_000, "{waiting}");
    front
        .clinic
        .pair_with_server(
            &front.admin,
            &HttpsServer::new(&address).unwrap(),
            &address,
            &running.pairing_code(),
        )
        .unwrap();

    // The server is killed (SIGKILL) once the push has begun to land.
    let listen = running.listening();
    let cut = std::thread::scope(|scope| {
        let pushing = scope.spawn(|| {
            front
                .clinic
                .sync_now(&front.admin, &HttpsServer::new(&address).unwrap())
        });
        while json(running.dir.path(), &["status"])["changes"].as_i64() == Some(0) {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let dir = running.stop();
        (pushing.join().unwrap(), dir)
    });
    let (round, dir) = cut;
    assert!(
        matches!(round, Err(CoreError::ServerUnreachable(_))),
        "{round:?}"
    );
    let status = front.clinic.sync_status().unwrap();
    assert!(
        status.changes_waiting > 0 && status.changes_waiting < waiting,
        "{status:?}"
    );
    let landed = json(dir.path(), &["status"])["changes"].as_i64().unwrap();
    assert!(landed > 0, "the server kept what it had committed");

    // Started again on the same address: the rest goes, and a new computer gets it all.
    let running = Running::serve_at(dir, &listen);
    let server = HttpsServer::new(&address).unwrap();
    sync_until_quiet(&[&front], &server);
    let on_server = json(running.dir.path(), &["status"]);
    assert_eq!(
        on_server["changes"].as_i64(),
        Some(waiting),
        "each change once"
    );
    let third = tempfile::tempdir().unwrap();
    let laptop = joined("laptop", third.path(), &running, &address);
    sync_until_quiet(&[&laptop, &front], &server);
    let digest: ContentDigest =
        serde_json::from_value(json(running.dir.path(), &["digest"])).unwrap();
    assert_eq!(front.digest(), digest);
    assert_eq!(laptop.digest(), digest);
}

#[test]
fn computers_whose_clocks_are_hours_off_still_order_edits_as_they_happened() {
    let running = Running::start();
    let (address, server) = reach(&running);
    let dirs = [(); 3].map(|_| tempfile::tempdir().unwrap());
    let (ana, [front, laptop, physio]) = clinic_with_ana(
        &running,
        &address,
        &dirs,
        ["front desk", "laptop", "physio room"],
    );
    // The laptop's clock is two hours slow, the physio room's two hours fast; they run all along.
    let hours = |device: &Device, skew: i64| {
        let at = chrono::Utc::now() + chrono::Duration::hours(skew);
        device.clinic.set_clock(Some(at));
    };
    let at_their_times = || {
        hours(&laptop, -2);
        hours(&physio, 2);
    };
    // A round measures the offset against the computer's clock as it reads then.
    let rounds = |order: [&Device; 3]| {
        for _ in 0..3 {
            for device in order {
                at_their_times();
                device.sync(&server);
            }
        }
    };
    rounds([&front, &laptop, &physio]);
    for device in [&laptop, &physio] {
        assert_eq!(device.clinic.sync_status().unwrap().changes_waiting, 0);
    }

    // Three edits of one phone number, a moment apart, in this order in real time.
    for (device, phone) in [
        (&front, "+1 555-200-0001"),
        (&physio, "+1 555-200-0002"),
        (&laptop, "+1 555-200-0003"),
    ] {
        std::thread::sleep(std::time::Duration::from_millis(100));
        at_their_times();
        device.edit(&ana, |p| p.phone = Some(phone.into()));
    }
    rounds([&physio, &front, &laptop]);
    let on_server: ContentDigest =
        serde_json::from_value(json(running.dir.path(), &["digest"])).unwrap();
    for device in [&front, &laptop, &physio] {
        assert_eq!(device.digest(), on_server, "{}", device.name);
        let phone = device.clinic.patient(&device.admin, &ana).unwrap().phone;
        assert_eq!(phone.as_deref(), Some("+1 555-200-0003"), "{}", device.name);
    }
}

#[test]
fn a_computer_restored_from_a_backup_goes_on_as_a_new_device_and_loses_nothing() {
    let running = Running::start();
    let (address, server) = reach(&running);
    let dirs = [(); 2].map(|_| tempfile::tempdir().unwrap());
    let (ana, [front, laptop]) =
        clinic_with_ana(&running, &address, &dirs, ["front desk", "laptop"]);
    sync_until_quiet(&[&laptop, &front], &server);

    // The laptop is backed up with a phone number it has not sent yet; then it registers Bea and
    // syncs (the number goes too), the front desk corrects the number, and the laptop registers Cy
    // offline.
    laptop.edit(&ana, |p| p.phone = Some("+1 555-400-0001".into()));
    let usb = tempfile::tempdir().unwrap();
    let backup = laptop
        .clinic
        .back_up_now(&laptop.admin, Some(usb.path()))
        .unwrap()
        .file;
    let bea = laptop.register("Bea", "Synced", "1991-01-01");
    laptop.sync(&server);
    front.sync(&server);
    front.edit(&ana, |p| p.phone = Some("+1 555-400-0002".into()));
    front.sync(&server);
    laptop.register("Cy", "Lost", "1992-02-02");

    // Its disk is replaced and last night's backup restored; it registers Dee before it syncs.
    let prepared = laptop
        .clinic
        .prepare_restore(&laptop.admin, dirs[1].path(), backup.as_ref(), None, &key())
        .unwrap();
    let old_id = laptop.clinic.sync_status().unwrap().device_id;
    drop(laptop);
    let (clinic, _) = prepared.finish(&key()).unwrap();
    let admin = clinic.sign_in(ADMIN, ADMIN_PASSWORD).unwrap();
    let laptop = Device {
        name: "restored laptop",
        clinic,
        admin,
    };
    let dee = laptop.register("Dee", "After", "1993-03-03");
    laptop.edit(&ana, |p| p.city = Some("Salem".into()));

    // Its next sync makes it a new device (new id, next number series) before it sends anything:
    // Dee and the edit reach everyone, and Bea, synced after the backup, comes back to it.
    sync_until_quiet(&[&laptop, &front], &server);
    let status = laptop.clinic.sync_status().unwrap();
    assert_ne!(status.device_id, old_id);
    assert_eq!(status.device_prefix, "C");
    let listed = json(running.dir.path(), &["devices", "list"]);
    let old = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == old_id.as_str())
        .unwrap();
    assert!(old["revokedAt"].is_string(), "{old}");
    // Dee was numbered under a provisional prefix of the restored laptop's own (the numbers after
    // its backup's were the server's already); from now on it numbers as C.
    let eve = laptop.register("Eve", "Enrolled", "1994-04-04");
    sync_until_quiet(&[&laptop, &front], &server);
    for device in [&front, &laptop] {
        let read = |id: &str| device.clinic.patient(&device.admin, id).unwrap();
        let provisional = read(&dee).mrn;
        assert!(
            provisional.starts_with("BR") && provisional.ends_with("-000001"),
            "{provisional}"
        );
        assert!(read(&eve).mrn.starts_with("C-"), "{}", device.name);
        assert_eq!(read(&bea).mrn, "B-000001");
        assert_eq!(read(&ana).city.as_deref(), Some("Salem"));
        // The number the laptop had sent before it was restored is not sent again over the correction.
        assert_eq!(read(&ana).phone.as_deref(), Some("+1 555-400-0002"));
    }
    let on_server: ContentDigest =
        serde_json::from_value(json(running.dir.path(), &["digest"])).unwrap();
    assert_eq!(front.digest(), on_server);
    assert_eq!(laptop.digest(), on_server);
}

/// Prints the seed of a randomized run that failed, to replay it with `CLINIC_SYNC_SEED`.
struct SeedOnFailure(u64);

impl Drop for SeedOnFailure {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("replay with CLINIC_SYNC_SEED={}", self.0);
        }
    }
}

#[test]
fn random_offline_work_through_a_faulty_network_converges_with_nothing_lost() {
    use rand::{Rng, SeedableRng};
    let seed = std::env::var("CLINIC_SYNC_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random);
    let _replay = SeedOnFailure(seed);
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let running = Running::start();
    let proxy = FaultProxy::start(&running.listening(), seed);
    let address = ServerAddress::parse(&proxy.url, &running.fingerprint).unwrap();
    let server = HttpsServer::new(&address).unwrap();
    let dirs = [(); 3].map(|_| tempfile::tempdir().unwrap());
    let (ana, devices) = clinic_with_ana(
        &running,
        &address,
        &dirs,
        ["front desk", "laptop", "physio"],
    );
    let rosa = doctor(&devices[0], "Dr Rosa Diaz");
    sync_until_quiet(&devices.iter().collect::<Vec<_>>(), &server);

    // Each step one device registers, edits, archives or restores a patient, books one doctor's time
    // tomorrow morning (the same few hours on every device), merges two records (either way round), or
    // tries to sync through a network that drops, delays and cuts connections.
    proxy.faults(true);
    let mut patients = vec![ana];
    let mut booked: Vec<(usize, String)> = Vec::new();
    let (mut rounds, mut failed, mut merges) = (0, 0, 0);
    for step in 0..100 {
        let maker = rng.random_range(0..devices.len());
        let device = &devices[maker];
        let asked = patients[rng.random_range(0..patients.len())].clone();
        // A record merged here opens the one it was merged into: that is the one worked on.
        let known = device.clinic.patient(&device.admin, &asked).ok();
        let id = known.as_ref().map_or(asked, |p| p.id.clone());
        match (rng.random_range(0..12), known) {
            (0..=1, _) => {
                let born = format!("19{:02}-0{}-1{}", step, step % 9 + 1, step % 9);
                patients.push(device.register(&format!("P{step}"), device.name, &born));
            }
            (2..=4, Some(_)) => {
                let value = format!("{} {step}", device.name);
                if rng.random_bool(0.5) {
                    device.edit(&id, |p| p.city = Some(value));
                } else {
                    device.edit(&id, |p| p.phone = Some(format!("+1 555-300-{:04}", step)));
                }
            }
            (5, Some(p)) => device
                .clinic
                .set_patient_archived(&device.admin, &id, !p.archived)
                .unwrap(),
            (6..=7, Some(p)) if !p.archived => {
                let from = (rng.random_range(9..12), 15 * rng.random_range(0..4));
                // This device's own check refuses a time it already knows is taken.
                match book(device, &rosa, &id, from, 15 * rng.random_range(1..=4)) {
                    Ok(appointment) => booked.push((maker, appointment)),
                    Err(CoreError::Conflict(_)) => {}
                    Err(other) => panic!("{}: {other}", device.name),
                }
            }
            (8..=9, Some(p)) if !p.archived => {
                // Two records merged, either way round; devices apart may merge them the other way.
                let other = &patients[rng.random_range(0..patients.len())];
                let other = device.clinic.patient(&device.admin, other).ok();
                if let Some(other) = other.filter(|o| o.id != id) {
                    match device.clinic.merge_patients(&device.admin, &id, &other.id) {
                        Ok(_) => merges += 1,
                        Err(CoreError::Validation { .. } | CoreError::Conflict(_)) => {}
                        Err(e) => panic!("{}: {e}", device.name),
                    }
                }
            }
            _ => {
                rounds += 1;
                match device.clinic.sync_now(&device.admin, &server) {
                    Ok(_) => {}
                    Err(CoreError::ServerUnreachable(_)) => failed += 1,
                    Err(other) => panic!("{}: {other}", device.name),
                }
            }
        }
    }

    // Healed: everyone converges, and every change any device made is on the server but the bookings
    // it refused, which stay on the device that made them.
    proxy.faults(false);
    let all: Vec<&Device> = devices.iter().collect();
    settle(&all, &server);
    let on_server: ContentDigest =
        serde_json::from_value(json(running.dir.path(), &["digest"])).unwrap();
    let holds = |d: &Device, id: &str| d.clinic.appointment(&d.admin, id).is_ok();
    let mut accepted = Vec::new();
    let mut kept_apart = [0; 3];
    for (maker, id) in &booked {
        let everywhere = devices.iter().all(|d| holds(d, id));
        if everywhere {
            // The same booking on every computer.
            let seen: Vec<_> = devices
                .iter()
                .map(|d| {
                    let a = d.clinic.appointment(&d.admin, id).unwrap();
                    (a.starts_at, a.ends_at, a.status, a.patient_id, a.overbooked)
                })
                .collect();
            assert!(seen.windows(2).all(|w| w[0] == w[1]), "{seen:?}");
            accepted.push(
                devices[0]
                    .clinic
                    .appointment(&devices[0].admin, id)
                    .unwrap(),
            );
        } else {
            // A refused booking: on the device that made it alone.
            for (i, d) in devices.iter().enumerate() {
                assert_eq!(holds(d, id), i == *maker, "{id} on {}", d.name);
            }
            kept_apart[*maker] += 1;
        }
    }
    let merges_refused: usize = devices
        .iter()
        .map(|d| {
            let entries = d.clinic.needs_attention(&d.admin).unwrap();
            entries
                .iter()
                .filter(|e| e.code.as_deref() == Some("merged_elsewhere"))
                .count()
        })
        .sum();
    eprintln!(
        "seed {seed}: {rounds} sync rounds, {failed} cut short by the network; {} bookings, {} refused; \
         {merges} merges, {merges_refused} refused",
        booked.len(),
        booked.len() - accepted.len()
    );
    assert_eq!(on_server["appointments"].rows, accepted.len() as u64);
    // No two accepted bookings of the doctor overlap.
    accepted.sort_by(|a, b| a.starts_at.cmp(&b.starts_at));
    for pair in accepted.windows(2) {
        assert!(pair[0].ends_at <= pair[1].starts_at, "{pair:?}");
    }
    for (device, apart) in devices.iter().zip(kept_apart) {
        let mut digest = device.digest();
        let mut server_part = on_server.clone();
        digest.remove("appointments");
        server_part.remove("appointments");
        assert_eq!(digest, server_part, "{}", device.name);
        let status = device.clinic.sync_status().unwrap();
        assert_eq!(status.changes_waiting, 0);
        // Every refusal is there for a person to see.
        assert!(status.needs_attention >= apart as i64, "{}", device.name);
    }
    assert_eq!(on_server["patients"].rows, patients.len() as u64);
    // Every record opens on every computer, to the same record of its own: no merge went round in a
    // circle, none was lost.
    for id in &patients {
        let opened: Vec<String> = devices
            .iter()
            .map(|d| d.clinic.patient(&d.admin, id).unwrap().id)
            .collect();
        assert!(opened.windows(2).all(|w| w[0] == w[1]), "{id}: {opened:?}");
    }
}

/// The clinic's audit trail covers every computer: Ana's chart opened at the front desk and on the
/// laptop shows in the whole clinic's trail read on either, with the computer each was opened on, and
/// "who looked at her record" counts both.
#[test]
fn who_looked_at_a_record_covers_every_computer_of_the_clinic() {
    let running = Running::start();
    let (address, server) = reach(&running);
    let dirs = [(); 2].map(|_| tempfile::tempdir().unwrap());
    let (ana, [front, laptop]) =
        clinic_with_ana(&running, &address, &dirs, ["front desk", "laptop"]);
    front.clinic.patient(&front.admin, &ana).unwrap();
    laptop.clinic.patient(&laptop.admin, &ana).unwrap();
    laptop.clinic.patient(&laptop.admin, &ana).unwrap();
    let here = |device: &Device| {
        device
            .clinic
            .patient_access_report(&device.admin, &ana)
            .unwrap()
            .iter()
            .map(|access| access.times)
            .sum::<i64>()
    };
    let (on_front, on_laptop) = (here(&front), here(&laptop));
    let query = clinic_core::AuditQuery {
        patient_id: Some(ana.clone()),
        limit: 500,
        ..clinic_core::AuditQuery::default()
    };
    let entries_on = |device: &Device| {
        device
            .clinic
            .audit_log(&device.admin, query.clone())
            .unwrap()
            .total
    };
    let (front_entries, laptop_entries) = (entries_on(&front), entries_on(&laptop));
    // The laptop's entries reach the server with its next round (the front desk's are sent as it
    // reads), and its device record the front desk.
    sync_until_quiet(&[&laptop, &front], &server);

    let trail = front
        .clinic
        .clinic_audit_log(&front.admin, query, &server)
        .unwrap();
    assert!(
        trail.total >= front_entries + laptop_entries,
        "{} entries, at least the front desk's {front_entries} and the laptop's {laptop_entries}",
        trail.total
    );
    assert!(
        trail.entries.iter().all(|e| e.device.is_some()),
        "each entry names its computer"
    );
    assert!(trail.entries.iter().all(|e| {
        e.patient_id.as_deref() == Some(ana.as_str())
            || e.details
                .as_deref()
                .is_some_and(|d| d.contains(&ana) || d.contains("allPatients"))
    }));

    let report = front
        .clinic
        .clinic_patient_access_report(&front.admin, &ana, &server)
        .unwrap();
    let times: i64 = report.iter().map(|access| access.times).sum();
    assert!(
        times >= on_front + on_laptop,
        "{times} accesses, at least the front desk's {on_front} and the laptop's {on_laptop}"
    );

    // A computer not paired has no clinic trail to read: it says so.
    let alone_dir = tempfile::tempdir().unwrap();
    let alone = founded("alone", alone_dir.path());
    let refused = alone
        .clinic
        .clinic_audit_log(
            &alone.admin,
            clinic_core::AuditQuery {
                limit: 10,
                ..Default::default()
            },
            &server,
        )
        .unwrap_err();
    assert!(matches!(refused, CoreError::Conflict(_)), "{refused:?}");
}
