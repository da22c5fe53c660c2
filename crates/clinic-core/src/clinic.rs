//! The [`Clinic`] facade: creating, opening and describing a clinic's data directory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use clinic_store::{
    AuditEvent, DeviceSetup, Fields, KeyOptions, KeySource, Reader, RecoveryKey, Store, StoreError,
    Table, WriteTx,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::auth::permissions::{self, Action};
use crate::auth::{self, Role};
use crate::time::parse_time_zone;
use crate::validate::required;
use crate::{CoreError, CoreResult, SessionUser, message};

/// One clinic's data, open. Cheap to share behind an `Arc`; all methods take `&self`.
pub struct Clinic {
    /// Private to this module: other modules reach the data only through [`Clinic::authorize`].
    store: Store,
    /// When set, the clinic's clock reads this instead of the system clock (tests, generated history).
    clock: Mutex<Option<DateTime<Utc>>>,
    /// The access token of the last sync round and when it was given: the live channel listens with
    /// it (exchanging a credential of its own would race the rounds' exchanges).
    pub(crate) live_access: Mutex<Option<(String, std::time::Instant)>>,
}

/// What setting up a clinic needs: the clinic and its first administrator.
#[derive(Clone, Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "SetupClinicArgs")]
pub struct NewClinic {
    pub clinic_name: String,
    pub time_zone: String,
    /// ISO 3166 country code (e.g. "US", "ES"): phone numbers typed without a country code are read
    /// as this country's. "US" when not given.
    pub country: Option<String>,
    pub currency: String,
    pub admin_username: String,
    pub admin_display_name: String,
    pub admin_password: String,
}

/// The clinic-wide settings every screen needs.
#[derive(Clone, Debug)]
pub struct ClinicSettings {
    pub id: String,
    pub name: String,
    pub time_zone: Tz,
    pub currency: String,
    pub slot_minutes: i64,
    /// The country phone numbers without a country code belong to (ISO 3166, e.g. "US").
    pub country: String,
    /// The paper documents are printed on.
    pub paper: clinic_print::Paper,
}

/// Why a clinic is open for reading only: its data folder takes no writes. Staff can still sign in, read
/// and back up elsewhere; every change is refused with this reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReadingOnly {
    DiskFull,
    FolderReadOnly,
}

impl ReadingOnly {
    /// In a few English words, for the CLI and the log.
    pub fn reason(self) -> &'static str {
        match self {
            ReadingOnly::DiskFull => "the disk is full",
            ReadingOnly::FolderReadOnly => "the clinic's data folder is read-only",
        }
    }
}

/// Proof that an operation was authorized, and the only way the domain reaches the store.
pub(crate) struct Access<'c> {
    clinic: &'c Clinic,
    user_id: Option<String>,
}

impl Access<'_> {
    pub(crate) fn read<T>(&self, f: impl FnOnce(Reader<'_>) -> CoreResult<T>) -> CoreResult<T> {
        self.clinic.store.read(f)
    }

    /// One write transaction on behalf of the authorized user, at the clinic's current time.
    pub(crate) fn write<T>(
        &self,
        f: impl FnOnce(&mut WriteTx<'_>) -> CoreResult<T>,
    ) -> CoreResult<T> {
        self.clinic.named_failure(self.clinic.store.write_at(
            self.clinic.now(),
            self.user_id.as_deref(),
            f,
        ))
    }

    /// The store itself, for what it carries out whole: changing keys, backups.
    pub(crate) fn store(&self) -> &Store {
        &self.clinic.store
    }

    /// A write that only records what happened (an audit entry, a sign-in's counters). While the clinic
    /// is open for reading only (a full disk, a read-only folder) it is skipped and the reason logged,
    /// so that staff can still read and back up; see ARCHITECTURE.md.
    pub(crate) fn record(
        &self,
        f: impl FnOnce(&mut WriteTx<'_>) -> CoreResult<()>,
    ) -> CoreResult<()> {
        if let Some(why) = self.clinic.reading_only() {
            tracing::warn!("not recorded in the audit trail: {}", why.reason());
            return Ok(());
        }
        self.write(f)
    }

    /// Records a read of patient data in the audit trail.
    pub(crate) fn audit(&self, event: AuditEvent) -> CoreResult<()> {
        self.record(|tx| Ok(tx.audit(event)?))
    }

    /// Records that a list or view showed these patients (in `details.shown`, which "who looked at my
    /// record" searches).
    pub(crate) fn audit_shown<'p>(
        &self,
        action: &str,
        entity: &str,
        patient_ids: impl IntoIterator<Item = &'p str>,
    ) -> CoreResult<()> {
        let mut shown: Vec<&str> = patient_ids.into_iter().collect();
        shown.sort_unstable();
        shown.dedup();
        self.audit(AuditEvent {
            action: action.into(),
            entity: entity.into(),
            patient_id: (shown.len() == 1).then(|| shown[0].to_owned()),
            details: Some(serde_json::json!({ "shown": shown })),
            ..AuditEvent::default()
        })
    }
}

/// How strictly sign-in is guarded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SecuritySettings {
    /// Failed sign-ins in a row that lock an account.
    pub lockout_threshold: u32,
    /// How long a locked account stays locked.
    pub lockout_minutes: u32,
    /// Idle minutes after which the app covers the screen and asks for the password again.
    pub idle_lock_minutes: u32,
}

/// `clinic status`: what is in a data directory, for administrators and scripts.
#[derive(Debug, Serialize)]
pub struct ClinicStatus {
    pub clinic_name: String,
    pub data_dir: PathBuf,
    pub schema_version: i64,
    pub encrypted: bool,
    pub key_source: KeySource,
    pub device_prefix: String,
    /// Rows per synced table, archived rows included.
    pub counts: BTreeMap<&'static str, i64>,
    pub archived: BTreeMap<&'static str, i64>,
    pub outbox_pending: i64,
}

/// The OS's per-user application data folder for Clinic, shared by the app and the CLI.
pub fn default_data_dir() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("Clinic"))
}

/// `CLINIC_DATA_DIR` if set, else the OS default.
pub fn data_dir_from_env() -> Option<PathBuf> {
    match std::env::var_os("CLINIC_DATA_DIR") {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => default_data_dir(),
    }
}

/// A readable name for this computer, for the devices list.
pub(crate) fn this_computer_name() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "This computer".to_owned())
}

impl Clinic {
    /// Runs `f` so that every change it makes is saved together or not at all (see
    /// [`Store::all_or_nothing`]); for work that runs alone, like filling a clinic with the demo.
    pub(crate) fn all_or_nothing<T>(&self, f: impl FnOnce() -> CoreResult<T>) -> CoreResult<T> {
        self.named_failure(self.store.all_or_nothing(f))
    }

    /// A write's I/O failure on a full disk, named as such.
    fn named_failure<T>(&self, result: CoreResult<T>) -> CoreResult<T> {
        result.map_err(|e| match e {
            CoreError::Store(e) if e.is_io_failure() && self.store.disk_is_full() => {
                CoreError::Store(StoreError::DiskFull)
            }
            other => other,
        })
    }

    /// Closes a clinic that is being thrown away and removes its key from the keyring (the folder is the
    /// caller's to remove).
    pub(crate) fn discard(self) -> CoreResult<()> {
        Ok(self.store.discard()?)
    }

    /// Why the clinic is open for reading only (its disk is full, its folder read-only), if it is.
    pub fn reading_only(&self) -> Option<ReadingOnly> {
        match self.store.unwritable()? {
            StoreError::DiskFull => Some(ReadingOnly::DiskFull),
            _ => Some(ReadingOnly::FolderReadOnly),
        }
    }

    /// Whether `dir` already holds a clinic.
    pub fn exists(dir: &Path) -> bool {
        Store::exists(dir)
    }

    /// Sets up a new clinic in `dir` with its first administrator, in one transaction. Returns the
    /// clinic's first recovery key, to be shown once and printed (see [`Clinic::recovery_sheet`]).
    pub fn create(
        dir: &Path,
        key: &KeyOptions,
        new: NewClinic,
    ) -> CoreResult<(Clinic, RecoveryKey)> {
        let name = required("clinicName", &new.clinic_name, 120)?;
        let tz = parse_time_zone("timeZone", &new.time_zone)?;
        let currency = new.currency.trim().to_uppercase();
        if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(CoreError::invalid("currency", message!("currency_code")));
        }
        let country = new
            .country
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .unwrap_or("US")
            .to_uppercase();
        if !crate::patients::known_country(&country) {
            return Err(CoreError::invalid("country", message!("country_code")));
        }
        let admin = auth::NewUser {
            username: new.admin_username,
            display_name: new.admin_display_name,
            password: new.admin_password,
            role: Role::Admin,
        }
        .validated("admin")?;

        let clinic_id = Uuid::now_v7();
        let device = DeviceSetup {
            device_id: None,
            clinic_id,
            device_name: this_computer_name(),
            prefix: "A".to_owned(),
        };
        let (store, recovery_key) = Store::create(dir, key, &device, |tx| {
            tx.insert_with_id(
                Table::ClinicSettings,
                clinic_id,
                Fields::new()
                    .set("name", name.as_str())
                    .set("time_zone", tz.name())
                    .set("currency", currency.as_str())
                    .set("default_country", country.as_str()),
            )?;
            // Sensible defaults the clinic edits later: weekdays 08:00-18:00, two appointment types.
            for weekday in 1..=5 {
                tx.insert(
                    Table::OpeningHours,
                    Fields::new()
                        .set("weekday", weekday)
                        .set("opens_at", "08:00")
                        .set("closes_at", "18:00"),
                )?;
            }
            for (type_name, minutes) in [("New patient", 30), ("Follow-up", 15)] {
                tx.insert(
                    Table::AppointmentTypes,
                    Fields::new()
                        .set("name", type_name)
                        .set("duration_minutes", minutes),
                )?;
            }
            auth::insert_user(tx, &admin, false)?;
            Ok::<_, CoreError>(())
        })?;
        Ok((Clinic::from_store(store), recovery_key))
    }

    /// Opens the clinic in `dir`, migrating its store if this version is newer.
    pub fn open(dir: &Path, key: &KeyOptions) -> CoreResult<Clinic> {
        Ok(Clinic::from_store(Store::open(dir, key)?))
    }

    pub(crate) fn from_store(store: Store) -> Clinic {
        Clinic {
            store,
            clock: Mutex::new(None),
            live_access: Mutex::new(None),
        }
    }

    /// The clinic's current time.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .unwrap_or_else(Utc::now)
    }

    /// Sets the clinic's clock to `at` (None: back to the system clock).
    pub fn set_clock(&self, at: Option<DateTime<Utc>>) {
        *self
            .clock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = at;
    }

    /// Checks that `by` may do `action` now and returns the access to do it with. The user is read
    /// again, so a deactivated, archived or demoted user's session stops working at once.
    pub(crate) fn authorize(&self, by: &SessionUser, action: Action) -> CoreResult<Access<'_>> {
        let (role, must_change_password) = self.current_user(by)?;
        if must_change_password {
            return Err(CoreError::Forbidden(message!("change_password_first")));
        }
        if !permissions::allows(role, action) {
            return Err(CoreError::Forbidden(message!(
                "role_may_not",
                role = role.as_str().replace('_', " "),
                action = serde_json::to_value(action)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
            )));
        }
        Ok(Access {
            clinic: self,
            user_id: Some(by.id.clone()),
        })
    }

    /// What `by` may do now, from the one permission matrix and the user's current role: the UI shows
    /// only these (Rust refuses the rest anyway). Empty while the password must be changed.
    pub fn allowed_actions(&self, by: &SessionUser) -> CoreResult<Vec<Action>> {
        let (role, must_change_password) = self.current_user(by)?;
        if must_change_password {
            return Ok(Vec::new());
        }
        Ok(Action::ALL
            .into_iter()
            .filter(|&action| permissions::allows(role, action))
            .collect())
    }

    /// Checks only that `by` is still an active user (for what every user may do, such as changing
    /// their own password).
    pub(crate) fn authenticate(&self, by: &SessionUser) -> CoreResult<Access<'_>> {
        self.current_user(by)?;
        Ok(Access {
            clinic: self,
            user_id: Some(by.id.clone()),
        })
    }

    /// The user's current role and whether they must change their password; NotSignedIn when the user
    /// no longer exists or was deactivated.
    pub(crate) fn current_user(&self, by: &SessionUser) -> CoreResult<(Role, bool)> {
        let current: Option<(String, bool, bool)> = self.store.read(|r| {
            r.query_opt(
                "SELECT role, active, must_change_password FROM users WHERE id = ?1 AND archived_at IS NULL",
                [&by.id],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
        })?;
        match current {
            Some((role, true, must_change)) => Ok((
                Role::parse(&role).ok_or(CoreError::NotSignedIn)?,
                must_change,
            )),
            _ => Err(CoreError::NotSignedIn),
        }
    }

    /// Access for what the app does by itself rather than for a signed-in user: signing in, the daily
    /// backup, recording a restore. Entries in the audit trail name `on_behalf_of`, if given.
    pub(crate) fn system(&self, on_behalf_of: Option<String>) -> Access<'_> {
        Access {
            clinic: self,
            user_id: on_behalf_of,
        }
    }

    pub fn settings(&self) -> CoreResult<ClinicSettings> {
        let (id, name, tz, currency, slot_minutes, paper, country): (String, String, String, String, i64, String, String) = self.store.read(|r| {
            r.query_row(
                "SELECT id, name, time_zone, currency, slot_minutes, paper_size, default_country FROM clinic_settings WHERE id = ?1",
                [self.store.clinic_id()],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?, row.get(6)?)),
            )
        })?;
        let time_zone = tz
            .parse()
            .map_err(|_| CoreError::Conflict(message!("unknown_time_zone", zone = &tz)))?;
        Ok(ClinicSettings {
            id,
            name,
            time_zone,
            currency,
            slot_minutes,
            country,
            paper: match paper.as_str() {
                "Letter" => clinic_print::Paper::Letter,
                _ => clinic_print::Paper::A4,
            },
        })
    }

    /// The id of this data directory's store (printed on the recovery sheet).
    pub fn store_id(&self) -> &str {
        &self.store.info().store_id
    }

    /// The name of this computer, as recorded when its store was made.
    pub fn device_name(&self) -> CoreResult<String> {
        Ok(self.store.read(|r| {
            r.query_row(
                "SELECT name FROM devices WHERE id = ?1",
                [self.store.device_id()],
                |row| row.get(0),
            )
        })?)
    }

    pub fn status(&self, by: &SessionUser, data_dir: &Path) -> CoreResult<ClinicStatus> {
        self.authorize(by, Action::ManageSettings)?;
        let info = self.store.info();
        let tables = self.store.table_counts()?;
        Ok(ClinicStatus {
            clinic_name: self.settings()?.name,
            data_dir: data_dir.to_owned(),
            schema_version: info.schema_version,
            encrypted: self.store.is_encrypted()?,
            key_source: info.key_source,
            device_prefix: self.store.device_prefix().to_owned(),
            counts: tables.iter().map(|t| (t.table, t.rows)).collect(),
            archived: tables
                .iter()
                .filter(|t| t.archived > 0)
                .map(|t| (t.table, t.archived))
                .collect(),
            outbox_pending: self.store.outbox_pending()?,
        })
    }

    pub fn security_settings(&self, by: &SessionUser) -> CoreResult<SecuritySettings> {
        self.authenticate(by)?;
        self.read_security_settings()
    }

    pub(crate) fn read_security_settings(&self) -> CoreResult<SecuritySettings> {
        Ok(self.store.read(|r| {
            r.query_row(
                "SELECT lockout_threshold, lockout_minutes, idle_lock_minutes FROM clinic_settings WHERE id = ?1",
                [self.store.clinic_id()],
                |row| Ok(SecuritySettings { lockout_threshold: row.get(0)?, lockout_minutes: row.get(1)?, idle_lock_minutes: row.get(2)? }),
            )
        })?)
    }

    pub fn set_security_settings(
        &self,
        by: &SessionUser,
        settings: SecuritySettings,
    ) -> CoreResult<()> {
        let access = self.authorize(by, Action::ManageSettings)?;
        if !(3..=20).contains(&settings.lockout_threshold) {
            return Err(CoreError::invalid(
                "lockoutThreshold",
                message!("attempts_between", min = 3, max = 20),
            ));
        }
        if !(1..=1440).contains(&settings.lockout_minutes) {
            return Err(CoreError::invalid(
                "lockoutMinutes",
                message!("minutes_between", min = 1, max = 24 * 60),
            ));
        }
        if !(1..=120).contains(&settings.idle_lock_minutes) {
            return Err(CoreError::invalid(
                "idleLockMinutes",
                message!("minutes_between", min = 1, max = 120),
            ));
        }
        let id = uuid::Uuid::parse_str(self.store.clinic_id())
            .map_err(|_| CoreError::Internal("the clinic's id is not a record id".into()))?;
        access.write(|tx| {
            tx.update(
                Table::ClinicSettings,
                id,
                Fields::new()
                    .set("lockout_threshold", settings.lockout_threshold)
                    .set("lockout_minutes", settings.lockout_minutes)
                    .set("idle_lock_minutes", settings.idle_lock_minutes),
            )?;
            Ok(())
        })
    }

    /// SQLite's consistency check of the store: "ok" when healthy.
    pub fn integrity_check(&self, by: &SessionUser) -> CoreResult<String> {
        self.authorize(by, Action::ManageBackups)?;
        Ok(self.store.integrity_check()?)
    }
}

/// A clinic in a temporary folder for the crate's unit tests, administered by `admin` (signed in).
#[cfg(test)]
pub(crate) fn test_clinic(dir: &Path) -> (Clinic, SessionUser) {
    let (clinic, _) = Clinic::create(
        dir,
        &KeyOptions::passphrase("correct horse battery staple"),
        NewClinic {
            clinic_name: "Unit Test Clinic".into(),
            time_zone: "Europe/Madrid".into(),
            country: None,
            currency: "EUR".into(),
            admin_username: "admin".into(),
            admin_display_name: "Admin".into(),
            admin_password: "admin passphrase 2026".into(),
        },
    )
    .unwrap();
    let admin = clinic.sign_in("admin", "admin passphrase 2026").unwrap();
    (clinic, admin)
}
