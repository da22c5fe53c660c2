//! Backups of the clinic's data: where they go, taking one now or on the daily schedule, and restoring
//! one (the current data is always kept aside, never overwritten).

use std::path::{Path, PathBuf};

use chrono::Duration;
use clinic_store::{
    AuditEvent, BackupKey, BackupManifest, BackupPreview, KeyOptions, StagedRestore, StoreError,
    preview_backup, stage_restore,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::auth::permissions::Action;
use crate::keys::{parse_recovery_key, recovery_error};
use crate::time::parse_instant;
use crate::{Clinic, CoreError, CoreResult, SessionUser, message};

/// How often the app backs up on its own while it runs.
const BACKUP_EVERY: Duration = Duration::hours(24);
/// After a failed scheduled backup (a drive not plugged in), how long before the next try.
const RETRY_AFTER: Duration = Duration::hours(1);

/// Where this computer's backups go, how many are kept, and how the last one went.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BackupStatus {
    pub folder: Option<String>,
    pub keep: u32,
    pub last_backup_at: Option<String>,
    pub last_backup_file: Option<String>,
    pub last_error: Option<String>,
    pub last_error_at: Option<String>,
    /// When the app will next back up on its own; None without a folder.
    pub next_due_at: Option<String>,
}

/// What the administrator sets: the folder (None: no scheduled backups) and how many to keep.
#[derive(Clone, Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BackupSettingsInput {
    pub folder: Option<String>,
    pub keep: u32,
}

/// Rows of one table in a backup.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BackupCount {
    pub table: String,
    #[ts(type = "number")]
    pub rows: i64,
}

/// What a backup file holds, read from its decrypted, integrity-checked copy.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BackupSummary {
    pub file: String,
    pub clinic_name: String,
    pub created_at: String,
    /// The device that made it (its number-series prefix).
    pub device: String,
    /// Whether it is a backup of the clinic open now (None when no clinic is open).
    pub same_clinic: Option<bool>,
    pub counts: Vec<BackupCount>,
}

impl BackupSummary {
    fn new(
        file: &Path,
        manifest: &BackupManifest,
        counts: impl Iterator<Item = (String, i64)>,
        clinic_id: Option<&str>,
    ) -> BackupSummary {
        BackupSummary {
            file: file.display().to_string(),
            clinic_name: manifest.clinic_name.clone(),
            created_at: manifest.created_at.clone(),
            device: manifest.device_prefix.clone(),
            same_clinic: clinic_id.map(|id| id == manifest.clinic_id),
            counts: counts
                .map(|(table, rows)| BackupCount { table, rows })
                .collect(),
        }
    }

    /// From the decrypted copy's own counts.
    fn of(preview: &BackupPreview, clinic_id: Option<&str>) -> BackupSummary {
        let counts = preview.counts.iter().map(|c| (c.table.to_owned(), c.rows));
        BackupSummary::new(&preview.file, &preview.manifest, counts, clinic_id)
    }
}

/// A backup unpacked, checked and keyed for this computer, waiting to replace the current data.
pub struct PreparedRestore {
    staged: StagedRestore,
    summary: BackupSummary,
    by: Option<String>,
}

impl PreparedRestore {
    pub fn summary(&self) -> &BackupSummary {
        &self.summary
    }

    /// Moves the current data aside and the restored data in, then opens it. The caller must have
    /// closed the clinic that was open (dropped every handle to it). Returns the restored clinic and
    /// the folder that now holds the previous data.
    pub fn finish(self, key: &KeyOptions) -> CoreResult<(Clinic, PathBuf)> {
        let (store, aside) = self.staged.finish(key)?;
        let clinic = Clinic::from_store(store);
        clinic.system(self.by).audit(AuditEvent {
            action: "restored_from_backup".into(),
            entity: "store".into(),
            details: Some(serde_json::json!({
                "file": self.summary.file,
                "backup_made": self.summary.created_at,
                "previous_data": aside.display().to_string(),
            })),
            ..AuditEvent::default()
        })?;
        Ok((clinic, aside))
    }
}

impl Clinic {
    pub fn backup_status(&self, by: &SessionUser) -> CoreResult<BackupStatus> {
        self.authorize(by, Action::ManageBackups)?;
        self.read_backup_status()
    }

    fn read_backup_status(&self) -> CoreResult<BackupStatus> {
        let settings = self.system(None).store().backup_settings()?;
        let next_due_at = settings.folder.as_ref().map(|_| {
            let last = settings.last_backup_at.as_deref().and_then(parse_instant);
            let failed = settings.last_error_at.as_deref().and_then(parse_instant);
            let mut due = last.map_or_else(|| self.now(), |at| at + BACKUP_EVERY);
            if let Some(failed) = failed {
                due = due.max(failed + RETRY_AFTER);
            }
            clinic_store::format_instant(due)
        });
        Ok(BackupStatus {
            folder: settings.folder.map(|f| f.display().to_string()),
            keep: settings.keep,
            last_backup_at: settings.last_backup_at,
            last_backup_file: settings.last_backup_file,
            last_error: settings.last_error,
            last_error_at: settings.last_error_at,
            next_due_at,
        })
    }

    /// Sets this computer's backup folder (None: no scheduled backups) and how many backups to keep.
    pub fn set_backup_settings(
        &self,
        by: &SessionUser,
        input: BackupSettingsInput,
    ) -> CoreResult<BackupStatus> {
        let access = self.authorize(by, Action::ManageBackups)?;
        if !(1..=365).contains(&input.keep) {
            return Err(CoreError::invalid(
                "keep",
                message!("backups_to_keep", min = 1, max = 365),
            ));
        }
        let folder = match input.folder.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => Some(writable_folder(Path::new(text))?),
        };
        access
            .store()
            .set_backup_settings(Some(&by.id), folder.as_deref(), input.keep)?;
        self.read_backup_status()
    }

    /// Backs up now, to `folder` or else to the configured folder, keeping the configured number.
    pub fn back_up_now(
        &self,
        by: &SessionUser,
        folder: Option<&Path>,
    ) -> CoreResult<BackupSummary> {
        let access = self.authorize(by, Action::ManageBackups)?;
        let settings = access.store().backup_settings()?;
        let folder = match folder.map(writable_folder).transpose()? {
            Some(folder) => folder,
            None => settings
                .folder
                .ok_or_else(|| CoreError::invalid("folder", message!("backup_folder_needed")))?,
        };
        self.back_up_to(&folder, settings.keep, Some(&by.id))
    }

    /// The app's own daily backup: runs when a folder is set and the last backup is a day old (a
    /// failed one is tried again after an hour). Returns what it wrote, or None when none was due.
    pub fn run_scheduled_backup(&self) -> CoreResult<Option<BackupSummary>> {
        let status = self.read_backup_status()?;
        let (Some(folder), Some(due)) = (status.folder, status.next_due_at) else {
            return Ok(None);
        };
        if parse_instant(&due).is_some_and(|due| due > self.now()) {
            return Ok(None);
        }
        self.back_up_to(Path::new(&folder), status.keep, None)
            .map(Some)
    }

    fn back_up_to(&self, folder: &Path, keep: u32, by: Option<&str>) -> CoreResult<BackupSummary> {
        let name = self.settings()?.name;
        let access = self.system(by.map(str::to_owned));
        let store = access.store();
        let report = store.back_up(folder, keep, &name, by, self.now())?;
        let counts = report.manifest.counts.clone().into_iter();
        Ok(BackupSummary::new(
            &report.file,
            &report.manifest,
            counts,
            Some(store.clinic_id()),
        ))
    }

    /// Opens a backup file and says what it holds, checking it whole. A backup this clinic cannot
    /// open by itself (another clinic's, or made under a replaced recovery key) needs `recovery_key`.
    pub fn preview_backup(
        &self,
        by: &SessionUser,
        file: &Path,
        recovery_key: Option<&str>,
    ) -> CoreResult<BackupSummary> {
        let access = self.authorize(by, Action::ManageBackups)?;
        let preview = match recovery_key {
            Some(text) => {
                let key = parse_recovery_key(text)?;
                preview_backup(file, &BackupKey::Recovery(&key)).map_err(recovery_error)?
            }
            None => preview_backup(file, &BackupKey::ThisStore(access.store()))
                .map_err(needs_recovery_key)?,
        };
        Ok(BackupSummary::of(
            &preview,
            Some(access.store().clinic_id()),
        ))
    }

    /// Unpacks and checks a backup, ready to replace this clinic's data with
    /// [`PreparedRestore::finish`] once the clinic is closed.
    pub fn prepare_restore(
        &self,
        by: &SessionUser,
        data_dir: &Path,
        file: &Path,
        recovery_key: Option<&str>,
        key: &KeyOptions,
    ) -> CoreResult<PreparedRestore> {
        let access = self.authorize(by, Action::ManageBackups)?;
        let staged = match recovery_key {
            Some(text) => {
                let recovery = parse_recovery_key(text)?;
                stage_restore(data_dir, file, &BackupKey::Recovery(&recovery), key)
                    .map_err(recovery_error)?
            }
            None => stage_restore(data_dir, file, &BackupKey::ThisStore(access.store()), key)
                .map_err(needs_recovery_key)?,
        };
        let summary = BackupSummary::of(staged.preview(), Some(access.store().clinic_id()));
        access.audit(AuditEvent {
            action: "restore_started".into(),
            entity: "store".into(),
            details: Some(
                serde_json::json!({ "file": summary.file, "backup_made": summary.created_at }),
            ),
            ..AuditEvent::default()
        })?;
        Ok(PreparedRestore {
            staged,
            summary,
            by: Some(by.id.clone()),
        })
    }

    /// On a computer with no clinic yet (or whose clinic is not open): what a backup holds, opened
    /// with the recovery key of the sheet it was made under.
    pub fn preview_backup_with_recovery_key(
        file: &Path,
        recovery_key: &str,
    ) -> CoreResult<BackupSummary> {
        let key = parse_recovery_key(recovery_key)?;
        let preview = preview_backup(file, &BackupKey::Recovery(&key)).map_err(recovery_error)?;
        Ok(BackupSummary::of(&preview, None))
    }

    /// On a computer with no clinic open: unpacks a backup into `data_dir` with the recovery key of the
    /// sheet it was made under, ready for [`PreparedRestore::finish`].
    pub fn prepare_restore_with_recovery_key(
        data_dir: &Path,
        file: &Path,
        recovery_key: &str,
        key: &KeyOptions,
    ) -> CoreResult<PreparedRestore> {
        let recovery = parse_recovery_key(recovery_key)?;
        let staged = stage_restore(data_dir, file, &BackupKey::Recovery(&recovery), key)
            .map_err(recovery_error)?;
        let summary = BackupSummary::of(staged.preview(), None);
        Ok(PreparedRestore {
            staged,
            summary,
            by: None,
        })
    }
}

/// A backup this clinic's own keys cannot open: the recovery key it was made under is needed.
fn needs_recovery_key(err: StoreError) -> CoreError {
    match err {
        StoreError::RecoveryKeyMismatch => {
            CoreError::invalid("recoveryKey", message!("backup_of_another_key"))
        }
        other => other.into(),
    }
}

/// An absolute folder that exists (or can be made) and can be written to.
fn writable_folder(folder: &Path) -> CoreResult<PathBuf> {
    if !folder.is_absolute() {
        return Err(CoreError::invalid("folder", message!("folder_full_path")));
    }
    let probe = folder.join(".clinic-write-test");
    std::fs::create_dir_all(folder)
        .and_then(|()| std::fs::write(&probe, b"ok"))
        .and_then(|()| std::fs::remove_file(&probe))
        .map_err(|e| {
            CoreError::invalid(
                "folder",
                message!("folder_not_writable", reason = e.to_string()),
            )
        })?;
    Ok(folder.to_owned())
}
