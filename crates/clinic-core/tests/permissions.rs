//! Every command of the core, run as every role, is allowed or refused exactly as the permission matrix
//! says; a refused command writes nothing. A command missing from this table fails the test.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clinic_core::{
    Action, AppointmentStatus, AuditQuery, BackupSettingsInput, Clinic, ClinicServer, CoreError,
    CoreResult, InvoiceFilter, InvoiceLineInput, InvoiceQuery, KeyOptions, NewAllergy,
    NewAppointment, NewClinic, NewPatient, NewPrescription, NewProvider, NewTimeOff, NewUser,
    NewVitals, NewWaitlistEntry, PatientImport, PaymentMethod, RecurringPlan, Reschedule, Role,
    SecuritySettings, ServerAddress, ServerHello, SessionUser, SlotQuery, TimeBlock, TimeSpan,
    WalkIn, permissions,
};
use clinic_store::protocol::{
    AuditChainHead, AuditPush, ClinicAuditPage, ClinicAuditQuery, DeviceInfo, PairRequest, Paired,
    PullAnswer, PushAnswer, PushRequest, ReenrolRequest, TokenAnswer,
};

const ADMIN_PASSWORD: &str = "admin passphrase 2026";
const STAFF_PASSWORD: &str = "staff passphrase 2026";
/// A well-formed id of no record: the check comes first, then the refusal for the missing record.
const NO_SUCH_RECORD: &str = "01900000-0000-7000-8000-000000000000";
const HEADER_ONLY_CSV: &str = "First name,Last name,Date of birth\n";

/// Records the commands act on.
struct Fixture {
    provider: String,
    patient: String,
    appointment: String,
    spare_appointment: String,
    freed_appointment: String,
    appointment_type: String,
    time_off: String,
    waitlist_entry: String,
    encounter: String,
    note: String,
    service: String,
    invoice: String,
    payment: String,
    victim: String,
    data_dir: PathBuf,
    backup: PathBuf,
}

type Command = fn(&Clinic, &SessionUser, &Fixture) -> CoreResult<()>;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn block(starts_at: &str, ends_at: &str) -> TimeBlock {
    TimeBlock {
        starts_at: starts_at.into(),
        ends_at: ends_at.into(),
    }
}

fn provider_details() -> NewProvider {
    NewProvider {
        user_id: None,
        display_name: "Dr A".into(),
        specialty: "Family medicine".into(),
        licence_number: None,
        colour: "#1e88e5".into(),
    }
}

fn appointment(f: &Fixture, starts_at: &str, ends_at: &str) -> NewAppointment {
    NewAppointment {
        patient_id: f.patient.clone(),
        provider_id: f.provider.clone(),
        appointment_type_id: None,
        starts_at: starts_at.into(),
        ends_at: ends_at.into(),
        reason: None,
        allow_patient_overlap: None,
        allow_outside_hours: Some(true),
    }
}

/// (command name, the action it needs or None for any signed-in user, a call of it)
/// A clinic server that never answers: the commands that reach it get as far as asking.
struct Offline;

impl ClinicServer for Offline {
    fn hello(&self) -> CoreResult<ServerHello> {
        Err(CoreError::ServerUnreachable(
            "no server in this test".into(),
        ))
    }
    fn pair(&self, _: &PairRequest) -> CoreResult<Paired> {
        Err(CoreError::ServerUnreachable(
            "no server in this test".into(),
        ))
    }
    fn token(&self, _: &str) -> CoreResult<TokenAnswer> {
        Err(CoreError::ServerUnreachable(
            "no server in this test".into(),
        ))
    }
    fn reenrol(&self, _: &str, _: &ReenrolRequest) -> CoreResult<Paired> {
        Err(CoreError::ServerUnreachable(
            "no server in this test".into(),
        ))
    }
    fn push(&self, _: &str, _: &PushRequest) -> CoreResult<PushAnswer> {
        Err(CoreError::ServerUnreachable(
            "no server in this test".into(),
        ))
    }
    fn pull(&self, _: &str, _: i64, _: usize) -> CoreResult<PullAnswer> {
        Err(CoreError::ServerUnreachable(
            "no server in this test".into(),
        ))
    }
    fn devices(&self, _: &str) -> CoreResult<Vec<DeviceInfo>> {
        Err(CoreError::ServerUnreachable(
            "no server in this test".into(),
        ))
    }
    fn audit_head(&self, _: &str) -> CoreResult<AuditChainHead> {
        Err(CoreError::ServerUnreachable(
            "no server in this test".into(),
        ))
    }
    fn push_audit(&self, _: &str, _: &AuditPush) -> CoreResult<AuditChainHead> {
        Err(CoreError::ServerUnreachable(
            "no server in this test".into(),
        ))
    }
    fn clinic_audit(&self, _: &str, _: &ClinicAuditQuery) -> CoreResult<ClinicAuditPage> {
        Err(CoreError::ServerUnreachable(
            "no server in this test".into(),
        ))
    }
    fn listen(&self, _: &str, _: Option<i64>, _: &mut dyn FnMut(i64) -> bool) -> CoreResult<()> {
        Err(CoreError::ServerUnreachable(
            "no server in this test".into(),
        ))
    }
}

fn commands() -> Vec<(&'static str, Option<Action>, Command)> {
    vec![
        ("list_users", Some(Action::ManageUsers), |c, u, _| {
            c.list_users(u).map(drop)
        }),
        ("add_user", Some(Action::ManageUsers), |c, u, _| {
            let name = format!("new.{}", u.username);
            let new = NewUser {
                username: name,
                display_name: "New".into(),
                password: STAFF_PASSWORD.into(),
                role: Role::Nurse,
            };
            c.add_user(u, new).map(drop)
        }),
        ("set_user_role", Some(Action::ManageUsers), |c, u, f| {
            c.set_user_role(u, &f.victim, Role::Billing)
        }),
        ("set_user_active", Some(Action::ManageUsers), |c, u, f| {
            c.set_user_active(u, &f.victim, true)
        }),
        ("reset_password", Some(Action::ManageUsers), |c, u, f| {
            c.reset_password(u, &f.victim, STAFF_PASSWORD)
        }),
        (
            "pair_with_server",
            Some(Action::ManageSettings),
            |c, u, _| {
                let address = ServerAddress::parse("https://127.0.0.1:9", &"AB:".repeat(32)[..95])?;
                c.pair_with_server(u, &Offline, &address, "ABCDE-FGHJK")
                    .map(drop)
            },
        ),
        ("clinic_devices", Some(Action::ManageSettings), |c, u, _| {
            c.clinic_devices(u, &Offline).map(drop)
        }),
        ("sync_now", None, |c, u, _| {
            c.sync_now(u, &Offline).map(drop)
        }),
        // Each entry offers only what the role may write there (tested in attention.rs).
        ("needs_attention", None, |c, u, _| {
            c.needs_attention(u).map(drop)
        }),
        ("resolve_attention", None, |c, u, _| {
            let dismiss = clinic_core::Resolution {
                action: clinic_core::AttentionAction::Dismiss,
                starts_at: None,
                ends_at: None,
                cancellation_reason: None,
            };
            match c.resolve_attention(u, "no-such-entry", dismiss) {
                Err(CoreError::NotFound(_)) => Ok(()),
                other => other,
            }
        }),
        ("content_digest", Some(Action::ViewAudit), |c, u, _| {
            c.content_digest(u).map(drop)
        }),
        ("change_password", None, |c, u, _| {
            c.change_password(u, "wrong current password", "x")
                .map(drop)
        }),
        ("security_settings", None, |c, u, _| {
            c.security_settings(u).map(drop)
        }),
        (
            "set_security_settings",
            Some(Action::ManageSettings),
            |c, u, _| {
                c.set_security_settings(
                    u,
                    SecuritySettings {
                        lockout_threshold: 5,
                        lockout_minutes: 15,
                        idle_lock_minutes: 5,
                    },
                )
            },
        ),
        ("status", Some(Action::ManageSettings), |c, u, _| {
            c.status(u, Path::new(".")).map(drop)
        }),
        ("integrity_check", Some(Action::ManageBackups), |c, u, _| {
            c.integrity_check(u).map(drop)
        }),
        ("verify_audit", Some(Action::ViewAudit), |c, u, _| {
            c.verify_audit(u).map(drop)
        }),
        ("audit_log", Some(Action::ViewAudit), |c, u, _| {
            let query = AuditQuery {
                limit: 10,
                ..AuditQuery::default()
            };
            c.audit_log(u, query).map(drop)
        }),
        ("export_audit_csv", Some(Action::ViewAudit), |c, u, _| {
            c.export_audit_csv(u, AuditQuery::default()).map(drop)
        }),
        (
            "audit_filter_options",
            Some(Action::ViewAudit),
            |c, u, _| c.audit_filter_options(u).map(drop),
        ),
        (
            "patient_access_report",
            Some(Action::ViewAudit),
            |c, u, f| c.patient_access_report(u, &f.patient).map(drop),
        ),
        (
            "clinic_patient_access_report",
            Some(Action::ViewAudit),
            |c, u, f| {
                c.clinic_patient_access_report(u, &f.patient, &Offline)
                    .map(drop)
            },
        ),
        ("clinic_audit_log", Some(Action::ViewAudit), |c, u, _| {
            c.clinic_audit_log(
                u,
                AuditQuery {
                    limit: 10,
                    ..AuditQuery::default()
                },
                &Offline,
            )
            .map(drop)
        }),
        (
            "change_database_key",
            Some(Action::ManageBackups),
            |c, u, _| c.change_database_key(u, &KeyOptions::passphrase("another passphrase 2026")),
        ),
        (
            "recovery_key_status",
            Some(Action::ManageBackups),
            |c, u, _| c.recovery_key_status(u).map(drop),
        ),
        (
            "new_recovery_key",
            Some(Action::ManageBackups),
            |c, u, _| c.new_recovery_key(u).map(drop),
        ),
        (
            "confirm_recovery_key",
            Some(Action::ManageBackups),
            |c, u, _| c.confirm_recovery_key(u),
        ),
        ("backup_status", Some(Action::ManageBackups), |c, u, _| {
            c.backup_status(u).map(drop)
        }),
        (
            "adopt_recovery_key",
            Some(Action::ManageBackups),
            |c, u, _| c.adopt_recovery_key(u, &clinic_core::RecoveryKey::generate()),
        ),
        (
            "set_backup_settings",
            Some(Action::ManageBackups),
            |c, u, f| {
                let input = BackupSettingsInput {
                    folder: Some(f.backup.parent().unwrap().display().to_string()),
                    keep: 14,
                };
                c.set_backup_settings(u, input).map(drop)
            },
        ),
        ("back_up_now", Some(Action::ManageBackups), |c, u, f| {
            c.back_up_now(u, f.backup.parent()).map(drop)
        }),
        ("preview_backup", Some(Action::ManageBackups), |c, u, f| {
            c.preview_backup(u, &f.backup, None).map(drop)
        }),
        ("prepare_restore", Some(Action::ManageBackups), |c, u, f| {
            let key = KeyOptions::passphrase("correct horse battery staple");
            c.prepare_restore(u, &f.data_dir, &f.backup, None, &key)
                .map(drop)
        }),
        (
            "register_patient",
            Some(Action::EditDemographics),
            |c, u, _| {
                let p = NewPatient {
                    first_name: "Ana".into(),
                    last_name: "Silva".into(),
                    date_of_birth: "1990-05-01".into(),
                    ..Default::default()
                };
                c.register_patient(u, p).map(drop)
            },
        ),
        (
            "list_patients",
            Some(Action::ViewDemographics),
            |c, u, _| {
                c.list_patients(u, &clinic_core::PatientQuery::all(0, 10))
                    .map(drop)
            },
        ),
        (
            "update_patient",
            Some(Action::EditDemographics),
            |c, u, f| {
                let p = NewPatient {
                    first_name: "José".into(),
                    last_name: "Núñez".into(),
                    date_of_birth: "1970-01-01".into(),
                    city: Some(format!("City of {}", u.username)),
                    ..Default::default()
                };
                c.update_patient(u, &f.patient, p).map(drop)
            },
        ),
        (
            "find_duplicate_patients",
            Some(Action::ViewDemographics),
            |c, u, _| {
                let p = NewPatient {
                    first_name: "José".into(),
                    last_name: "Núñez".into(),
                    date_of_birth: "1970-01-01".into(),
                    ..Default::default()
                };
                c.find_duplicate_patients(u, p, None).map(drop)
            },
        ),
        ("patient", Some(Action::ViewDemographics), |c, u, f| {
            c.patient(u, &f.patient).map(drop)
        }),
        (
            "set_patient_archived",
            Some(Action::EditDemographics),
            |c, u, f| c.set_patient_archived(u, &f.patient, false),
        ),
        (
            "patient_header",
            Some(Action::ViewDemographics),
            |c, u, f| c.patient_header(u, &f.patient).map(drop),
        ),
        (
            "patient_merge_preview",
            Some(Action::EditDemographics),
            |c, u, f| {
                c.patient_merge_preview(u, &f.patient, NO_SUCH_RECORD)
                    .map(drop)
            },
        ),
        (
            "merge_patients",
            Some(Action::EditDemographics),
            |c, u, f| c.merge_patients(u, &f.patient, NO_SUCH_RECORD).map(drop),
        ),
        (
            "patient_merges",
            Some(Action::ViewDemographics),
            |c, u, f| c.patient_merges(u, &f.patient).map(drop),
        ),
        (
            "undo_patient_merge",
            Some(Action::UndoPatientMerge),
            |c, u, _| c.undo_patient_merge(u, NO_SUCH_RECORD),
        ),
        (
            "check_patient_import",
            Some(Action::EditDemographics),
            |c, u, _| {
                c.check_patient_import(u, HEADER_ONLY_CSV, &PatientImport::default())
                    .map(drop)
            },
        ),
        (
            "import_patients",
            Some(Action::EditDemographics),
            |c, u, _| {
                c.import_patients(u, HEADER_ONLY_CSV, &PatientImport::default())
                    .map(drop)
            },
        ),
        (
            "check_patient_import_reporting",
            Some(Action::EditDemographics),
            |c, u, _| {
                c.check_patient_import_reporting(
                    u,
                    HEADER_ONLY_CSV,
                    &PatientImport::default(),
                    &mut |_| {},
                )
                .map(drop)
            },
        ),
        (
            "import_patients_reporting",
            Some(Action::EditDemographics),
            |c, u, _| {
                c.import_patients_reporting(
                    u,
                    HEADER_ONLY_CSV,
                    &PatientImport::default(),
                    &mut |_| {},
                )
                .map(drop)
            },
        ),
        (
            "export_patients_csv",
            Some(Action::ExportData),
            |c, u, _| c.export_patients_csv(u, true).map(drop),
        ),
        ("record_allergy", Some(Action::RecordVitals), |c, u, f| {
            let allergy = NewAllergy {
                substance: "Latex".into(),
                ..NewAllergy::default()
            };
            c.record_allergy(u, &f.patient, allergy).map(drop)
        }),
        ("add_provider", Some(Action::ManageSettings), |c, u, _| {
            let p = NewProvider {
                user_id: None,
                display_name: "Dr New".into(),
                specialty: "Dental".into(),
                licence_number: None,
                colour: "#123456".into(),
            };
            c.add_provider(u, p).map(drop)
        }),
        ("providers", Some(Action::ViewSchedule), |c, u, _| {
            c.providers(u, true).map(drop)
        }),
        (
            "update_provider",
            Some(Action::ManageSettings),
            |c, u, f| c.update_provider(u, &f.provider, provider_details()),
        ),
        (
            "set_provider_archived",
            Some(Action::ManageSettings),
            |c, u, f| c.set_provider_archived(u, &f.provider, false),
        ),
        ("working_hours", Some(Action::ViewSchedule), |c, u, f| {
            c.working_hours(u, &f.provider).map(drop)
        }),
        (
            "set_working_hours",
            Some(Action::EditSchedule),
            |c, u, f| c.set_working_hours(u, &f.provider, 6, &[block("09:00", "12:00")]),
        ),
        ("opening_hours", Some(Action::ViewSchedule), |c, u, _| {
            c.opening_hours(u).map(drop)
        }),
        (
            "set_opening_hours",
            Some(Action::ManageSettings),
            |c, u, _| c.set_opening_hours(u, 6, &[block("09:00", "12:00")]),
        ),
        ("add_time_off", Some(Action::EditSchedule), |c, u, f| {
            let off = NewTimeOff {
                provider_id: f.provider.clone(),
                from_date: "2030-02-01".into(),
                to_date: None,
                from_time: None,
                to_time: None,
                reason: None,
            };
            c.add_time_off(u, off).map(drop)
        }),
        ("time_off", Some(Action::ViewSchedule), |c, u, f| {
            c.time_off(u, &f.provider, day(2030, 1, 1)).map(drop)
        }),
        ("cancel_time_off", Some(Action::EditSchedule), |c, u, f| {
            c.cancel_time_off(u, &f.time_off)
        }),
        (
            "add_appointment_type",
            Some(Action::ManageSettings),
            |c, u, _| c.add_appointment_type(u, "Check-up", 20).map(drop),
        ),
        (
            "update_appointment_type",
            Some(Action::ManageSettings),
            |c, u, f| c.update_appointment_type(u, &f.appointment_type, "Review", 25),
        ),
        (
            "archive_appointment_type",
            Some(Action::ManageSettings),
            |c, u, f| c.archive_appointment_type(u, &f.appointment_type),
        ),
        (
            "appointment_types",
            Some(Action::ViewSchedule),
            |c, u, _| c.appointment_types(u).map(drop),
        ),
        ("slot_minutes", Some(Action::ViewSchedule), |c, u, _| {
            c.slot_minutes(u).map(drop)
        }),
        (
            "set_slot_minutes",
            Some(Action::ManageSettings),
            |c, u, _| c.set_slot_minutes(u, 15),
        ),
        ("available_slots", Some(Action::ViewSchedule), |c, u, f| {
            c.available_slots(u, &f.provider, day(2030, 1, 7), None)
                .map(drop)
        }),
        ("free_time", Some(Action::ViewSchedule), |c, u, f| {
            c.free_time(u, &f.provider, "2030-01-07T09:00:00Z")
                .map(drop)
        }),
        ("allowed_actions", None, |c, u, _| {
            c.allowed_actions(u).map(drop)
        }),
        ("next_free_slots", Some(Action::ViewSchedule), |c, u, _| {
            let query = SlotQuery {
                specialty: Some("Family medicine".into()),
                count: 3,
                ..SlotQuery::default()
            };
            c.next_free_slots(u, query).map(drop)
        }),
        ("book_appointment", Some(Action::EditSchedule), |c, u, f| {
            c.book_appointment(
                u,
                appointment(f, "2030-01-07T09:00:00Z", "2030-01-07T09:15:00Z"),
            )
            .map(drop)
        }),
        (
            "reschedule_appointment",
            Some(Action::EditSchedule),
            |c, u, f| {
                let to = Reschedule {
                    provider_id: None,
                    starts_at: "2030-01-08T09:00:00Z".into(),
                    ends_at: "2030-01-08T09:15:00Z".into(),
                    allow_patient_overlap: None,
                    allow_outside_hours: Some(true),
                };
                c.reschedule_appointment(u, &f.spare_appointment, to)
                    .map(drop)
            },
        ),
        ("book_walk_in", Some(Action::EditSchedule), |c, u, f| {
            let walk_in = WalkIn {
                patient_id: f.patient.clone(),
                provider_id: f.provider.clone(),
                appointment_type_id: None,
                reason: None,
            };
            c.book_walk_in(u, walk_in).map(drop)
        }),
        ("plan_recurring", Some(Action::EditSchedule), |c, u, f| {
            let plan = RecurringPlan {
                first: appointment(f, "2030-03-04T09:00:00Z", "2030-03-04T09:30:00Z"),
                every_weeks: 1,
                count: 3,
            };
            c.plan_recurring(u, plan).map(drop)
        }),
        ("book_recurring", Some(Action::EditSchedule), |c, u, f| {
            let first = appointment(f, "2030-04-01T09:00:00Z", "2030-04-01T09:30:00Z");
            let occurrences = [TimeSpan {
                starts_at: first.starts_at.clone(),
                ends_at: first.ends_at.clone(),
            }];
            c.book_recurring(u, first, &occurrences).map(drop)
        }),
        ("appointment", Some(Action::ViewSchedule), |c, u, f| {
            c.appointment(u, &f.appointment).map(drop)
        }),
        ("calendar", Some(Action::ViewSchedule), |c, u, _| {
            c.calendar(u, day(2030, 1, 7), 7, None).map(drop)
        }),
        ("call_list", Some(Action::ViewSchedule), |c, u, _| {
            c.call_list(u, day(2030, 1, 7)).map(drop)
        }),
        ("waiting_room", Some(Action::ViewSchedule), |c, u, _| {
            c.waiting_room(u).map(drop)
        }),
        ("call_patient", Some(Action::StartVisit), |c, u, f| {
            c.call_patient(u, &f.appointment, "Room 2")
        }),
        ("room_calls", Some(Action::ViewSchedule), |c, u, _| {
            c.room_calls(u, 5).map(drop)
        }),
        ("add_to_waitlist", Some(Action::EditSchedule), |c, u, f| {
            let entry = NewWaitlistEntry {
                patient_id: f.patient.clone(),
                specialty: Some("Family medicine".into()),
                ..NewWaitlistEntry::default()
            };
            c.add_to_waitlist(u, entry).map(drop)
        }),
        ("waitlist", Some(Action::ViewSchedule), |c, u, _| {
            c.waitlist(u).map(drop)
        }),
        (
            "remove_from_waitlist",
            Some(Action::EditSchedule),
            |c, u, f| c.remove_from_waitlist(u, &f.waitlist_entry),
        ),
        (
            "waitlist_candidates",
            Some(Action::ViewSchedule),
            |c, u, f| c.waitlist_candidates(u, &f.freed_appointment).map(drop),
        ),
        (
            "book_from_waitlist",
            Some(Action::EditSchedule),
            |c, u, f| {
                c.book_from_waitlist(u, &f.waitlist_entry, &f.freed_appointment)
                    .map(drop)
            },
        ),
        (
            "set_appointment_status(confirmed)",
            Some(Action::EditSchedule),
            |c, u, f| {
                c.set_appointment_status(u, &f.appointment, AppointmentStatus::Confirmed, None)
            },
        ),
        (
            "set_appointment_status(checked_in)",
            Some(Action::CheckIn),
            |c, u, f| {
                c.set_appointment_status(u, &f.appointment, AppointmentStatus::CheckedIn, None)
            },
        ),
        (
            "set_appointment_status(in_progress)",
            Some(Action::StartVisit),
            |c, u, f| {
                c.set_appointment_status(u, &f.appointment, AppointmentStatus::InProgress, None)
            },
        ),
        ("appointments_on", Some(Action::ViewSchedule), |c, u, _| {
            c.appointments_on(u, day(2030, 1, 7)).map(drop)
        }),
        ("overview", Some(Action::ViewSchedule), |c, u, _| {
            c.overview(u).map(drop)
        }),
        ("open_encounter", Some(Action::WriteClinical), |c, u, f| {
            c.open_encounter(u, &f.patient, &f.provider, None).map(drop)
        }),
        ("write_note", Some(Action::WriteClinical), |c, u, f| {
            c.write_note(u, &f.encounter, "Seen today.").map(drop)
        }),
        ("edit_note", Some(Action::WriteClinical), |c, u, f| {
            match c.edit_note(u, &f.note, "Seen today, again.") {
                // The fixture's note may be signed by the time a role that may write gets here.
                Err(CoreError::Conflict(_)) => Ok(()),
                other => other,
            }
        }),
        ("sign_note", Some(Action::SignNotes), |c, u, f| {
            c.sign_note(u, &f.note)
        }),
        ("add_vitals", Some(Action::RecordVitals), |c, u, f| {
            c.add_vitals(
                u,
                &f.encounter,
                NewVitals {
                    heart_rate_bpm: Some(70),
                    ..Default::default()
                },
            )
            .map(drop)
        }),
        ("recent_visits", Some(Action::ViewClinical), |c, u, _| {
            c.recent_visits(u, 10).map(drop)
        }),
        ("open_visit", Some(Action::ViewClinical), |c, u, f| {
            c.open_visit(u, &f.encounter).map(drop)
        }),
        ("add_diagnosis", Some(Action::WriteClinical), |c, u, f| {
            c.add_diagnosis(
                u,
                &f.encounter,
                "I10",
                "Essential (primary) hypertension",
                false,
            )
            .map(drop)
        }),
        ("add_prescription", Some(Action::Prescribe), |c, u, f| {
            c.add_prescription(
                u,
                &f.encounter,
                NewPrescription {
                    drug: "Lisinopril".into(),
                    ..Default::default()
                },
            )
            .map(drop)
        }),
        ("add_service", Some(Action::ManageSettings), |c, u, _| {
            c.add_service(u, &format!("S-{}", u.username), "Dressing", 1500, false)
                .map(drop)
        }),
        ("issue_invoice", Some(Action::EditBilling), |c, u, f| {
            c.issue_invoice(
                u,
                &f.patient,
                None,
                &[InvoiceLineInput {
                    service_id: f.service.clone(),
                    quantity: 1,
                }],
            )
            .map(drop)
        }),
        ("invoice_balance", Some(Action::ViewBilling), |c, u, f| {
            c.invoice_balance(u, &f.invoice).map(drop)
        }),
        ("record_payment", Some(Action::EditBilling), |c, u, f| {
            c.record_payment(u, &f.invoice, PaymentMethod::Cash, 100, None)
                .map(drop)
        }),
        ("refund_payment", Some(Action::Refund), |c, u, f| {
            c.refund_payment(u, &f.payment, 1, None).map(drop)
        }),
        ("list_services", Some(Action::ViewBilling), |c, u, _| {
            c.list_services(u).map(drop)
        }),
        ("list_invoices", Some(Action::ViewBilling), |c, u, f| {
            c.list_invoices(
                u,
                &InvoiceQuery {
                    show: InvoiceFilter::All,
                    search: None,
                    patient_id: Some(f.patient.clone()),
                    limit: 10,
                },
            )
            .map(drop)
        }),
        ("open_invoice", Some(Action::ViewBilling), |c, u, f| {
            c.open_invoice(u, &f.invoice).map(drop)
        }),
    ]
}

fn setup(dir: &Path) -> (Clinic, SessionUser, Vec<SessionUser>, Fixture) {
    let key = KeyOptions::passphrase("correct horse battery staple");
    let new = NewClinic {
        clinic_name: "Matrix Clinic".into(),
        time_zone: "Europe/Madrid".into(),
        country: None,
        currency: "EUR".into(),
        admin_username: "root".into(),
        admin_display_name: "Root Admin".into(),
        admin_password: ADMIN_PASSWORD.into(),
    };
    let (clinic, _) = Clinic::create(dir, &key, new).unwrap();
    let admin = clinic.sign_in("root", ADMIN_PASSWORD).unwrap();
    let mut users = Vec::new();
    for role in Role::ALL {
        let username = format!("as.{}", role.as_str());
        let new = NewUser {
            username: username.clone(),
            display_name: username.clone(),
            password: STAFF_PASSWORD.into(),
            role,
        };
        clinic.add_user(&admin, new).unwrap();
        let first = clinic.sign_in(&username, STAFF_PASSWORD).unwrap();
        clinic
            .change_password(&first, STAFF_PASSWORD, "my own passphrase 2026")
            .unwrap();
        users.push(clinic.sign_in(&username, "my own passphrase 2026").unwrap());
    }
    let victim = clinic
        .add_user(
            &admin,
            NewUser {
                username: "victim".into(),
                display_name: "Victim".into(),
                password: STAFF_PASSWORD.into(),
                role: Role::Nurse,
            },
        )
        .unwrap()
        .id;
    let provider = clinic.add_provider(&admin, provider_details()).unwrap();
    let patient = clinic
        .register_patient(
            &admin,
            NewPatient {
                first_name: "José".into(),
                last_name: "Núñez".into(),
                date_of_birth: "1970-01-01".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .id;
    let book = |starts_at: &str, ends_at: &str| {
        clinic
            .book_appointment(
                &admin,
                NewAppointment {
                    patient_id: patient.clone(),
                    provider_id: provider.clone(),
                    appointment_type_id: None,
                    starts_at: starts_at.into(),
                    ends_at: ends_at.into(),
                    reason: None,
                    allow_patient_overlap: None,
                    allow_outside_hours: Some(true),
                },
            )
            .unwrap()
    };
    let appointment = book("2030-01-07T10:00:00Z", "2030-01-07T10:30:00Z");
    let spare_appointment = book("2030-01-07T11:00:00Z", "2030-01-07T11:30:00Z");
    let freed_appointment = book("2030-01-07T12:00:00Z", "2030-01-07T12:30:00Z");
    clinic
        .set_appointment_status(
            &admin,
            &freed_appointment,
            AppointmentStatus::Cancelled,
            Some("Patient unwell"),
        )
        .unwrap();
    let appointment_type = clinic.add_appointment_type(&admin, "Review", 20).unwrap();
    let time_off = clinic
        .add_time_off(
            &admin,
            NewTimeOff {
                provider_id: provider.clone(),
                from_date: "2030-05-01".into(),
                to_date: None,
                from_time: None,
                to_time: None,
                reason: Some("Conference".into()),
            },
        )
        .unwrap()
        .id;
    let waitlist_entry = clinic
        .add_to_waitlist(
            &admin,
            NewWaitlistEntry {
                patient_id: patient.clone(),
                provider_id: Some(provider.clone()),
                ..NewWaitlistEntry::default()
            },
        )
        .unwrap();
    let encounter = clinic
        .open_encounter(&admin, &patient, &provider, None)
        .unwrap();
    let note = clinic.write_note(&admin, &encounter, "Draft").unwrap();
    let service = clinic
        .add_service(&admin, "CONS", "Consultation", 6000, false)
        .unwrap();
    let (invoice, _) = clinic
        .issue_invoice(
            &admin,
            &patient,
            None,
            &[InvoiceLineInput {
                service_id: service.clone(),
                quantity: 1,
            }],
        )
        .unwrap();
    let payment = clinic
        .record_payment(&admin, &invoice, PaymentMethod::Card, 1000, None)
        .unwrap();
    let backups = dir.join("backups");
    let backup = PathBuf::from(clinic.back_up_now(&admin, Some(&backups)).unwrap().file);
    let fixture = Fixture {
        data_dir: dir.to_owned(),
        backup,
        provider,
        patient,
        appointment,
        spare_appointment,
        freed_appointment,
        appointment_type,
        time_off,
        waitlist_entry,
        encounter,
        note,
        service,
        invoice,
        payment,
        victim,
    };
    (clinic, admin, users, fixture)
}

#[test]
fn every_command_as_every_role_follows_the_matrix() {
    let dir = tempfile::tempdir().unwrap();
    let (clinic, admin, users, fixture) = setup(dir.path());
    for user in &users {
        for (name, action, command) in commands() {
            let before = clinic.status(&admin, dir.path()).unwrap().outbox_pending;
            let result = command(&clinic, user, &fixture);
            let allowed = action.is_none_or(|a| permissions::allows(user.role, a));
            if allowed {
                assert!(
                    !matches!(result, Err(CoreError::Forbidden(_))),
                    "{name} as {:?} was refused: {result:?}",
                    user.role
                );
            } else {
                assert!(
                    matches!(result, Err(CoreError::Forbidden(_))),
                    "{name} as {:?} was not refused: {result:?}",
                    user.role
                );
                let after = clinic.status(&admin, dir.path()).unwrap().outbox_pending;
                assert_eq!(
                    before, after,
                    "{name} as {:?} was refused but wrote something",
                    user.role
                );
            }
        }
    }
}

#[test]
fn every_command_of_the_core_is_in_the_table() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = BTreeSet::new();
    let mut files = vec![src.clone()];
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            // Every public operation that acts for a signed-in user takes `by: &SessionUser`.
            for piece in text.split("pub fn ").skip(1) {
                let name: String = piece
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let signature: String = piece.chars().take_while(|c| *c != '{').collect();
                if signature.contains("by: &SessionUser") {
                    found.insert(name);
                }
            }
        }
    }
    let tested: BTreeSet<String> = commands()
        .into_iter()
        .map(|(name, _, _)| name.split('(').next().unwrap().to_owned())
        .collect();
    assert_eq!(
        found, tested,
        "every core command needs a row in commands() with the action it requires"
    );
}

/// The UI shows what `allowed_actions` lists: the matrix row of the user's current role, re-read each
/// time, so a demotion shows at once.
#[test]
fn what_a_user_may_do_is_the_matrix_row_of_their_current_role() {
    let dir = tempfile::tempdir().unwrap();
    let (clinic, admin, users, _) = setup(dir.path());
    for user in users.iter().chain([&admin]) {
        let expected: Vec<Action> = Action::ALL
            .into_iter()
            .filter(|&a| permissions::allows(user.role, a))
            .collect();
        assert_eq!(
            clinic.allowed_actions(user).unwrap(),
            expected,
            "{:?}",
            user.role
        );
    }
    let receptionist = users.iter().find(|u| u.role == Role::Receptionist).unwrap();
    clinic
        .set_user_role(&admin, &receptionist.id, Role::Nurse)
        .unwrap();
    let now: Vec<Action> = clinic.allowed_actions(receptionist).unwrap();
    assert!(now.contains(&Action::RecordVitals) && !now.contains(&Action::EditSchedule));
}

#[test]
fn a_deactivated_or_demoted_user_loses_access_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let (clinic, admin, users, _) = setup(dir.path());
    let receptionist = users.iter().find(|u| u.role == Role::Receptionist).unwrap();
    assert!(
        clinic
            .list_patients(receptionist, &clinic_core::PatientQuery::all(0, 5))
            .is_ok()
    );
    clinic
        .set_user_role(&admin, &receptionist.id, Role::Nurse)
        .unwrap();
    assert!(matches!(
        clinic.register_patient(receptionist, NewPatient::default()),
        Err(CoreError::Forbidden(_))
    ));
    clinic
        .set_user_active(&admin, &receptionist.id, false)
        .unwrap();
    assert!(matches!(
        clinic.list_patients(receptionist, &clinic_core::PatientQuery::all(0, 5)),
        Err(CoreError::NotSignedIn)
    ));
}

#[test]
fn the_documented_matrix_is_the_one_in_the_code() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/permissions.md");
    let fresh = format!(
        "# Permissions\n\nWho may do what. Generated from `crates/clinic-core/src/auth/permissions.rs`, the only \
         place the rules live; every core command checks them before it reads or writes anything \
         (`CLINIC_UPDATE_DOCS=1 cargo test -p clinic-core --test permissions` rewrites this file).\n\n{}",
        permissions::matrix_markdown()
    );
    if std::env::var_os("CLINIC_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "docs/permissions.md is stale: run with CLINIC_UPDATE_DOCS=1 and commit it"
    );
}
