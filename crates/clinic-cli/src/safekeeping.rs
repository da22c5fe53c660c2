//! Keeping the data safe: the database key, the recovery key and its sheet, backups and restores.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use clinic_core::{BackupSettingsInput, Clinic, KeyOptions, RecoveryKey, SessionUser};

use crate::{explain, print_json, secret, sign_in};

#[derive(Subcommand)]
pub enum KeysCommand {
    /// Where the database key is and the state of the recovery key, as JSON
    Status,
    /// Re-encrypt the database with a new key: a new one in the OS keyring, or, for a clinic protected by
    /// a passphrase, one from the new passphrase in CLINIC_NEW_DB_PASSPHRASE (or a prompt)
    Rotate,
    /// Make a new recovery key (shown once on stderr) and write its sheet; the previous key stops
    /// opening the data
    NewRecoveryKey {
        /// Write the printable recovery sheet (PDF) here
        #[arg(long, value_name = "FILE")]
        sheet: Option<PathBuf>,
    },
    /// Record that the current recovery sheet is printed and put away
    ConfirmRecoveryKey,
}

#[derive(Subcommand)]
pub enum BackupCommand {
    /// Where backups go, how many are kept, and how the last one went, as JSON
    Status,
    /// Set the folder the app backs up to every day, and how many backups to keep
    Configure {
        /// The backup folder (a full path)
        #[arg(long, value_name = "DIR", conflicts_with = "no_folder")]
        folder: Option<PathBuf>,
        /// Stop the daily backups
        #[arg(long)]
        no_folder: bool,
        #[arg(long, default_value_t = 14)]
        keep: u32,
    },
}

/// Shows a recovery key once, on stderr, and writes its sheet if asked to.
pub fn hand_over_recovery_key(
    clinic: &Clinic,
    key: &RecoveryKey,
    dir: &Path,
    made_by: &str,
    sheet: Option<&Path>,
) -> Result<(), String> {
    // The sheet follows the file rules (a new file, complete or absent); the key is shown either way,
    // so a sheet that could not be saved never loses it.
    let saved = sheet.map(|sheet| save_recovery_sheet(clinic, key, dir, made_by, sheet));
    eprintln!(
        "Recovery key (shown only now): {}\nIt opens this clinic's data if this computer's keyring loses the database key.",
        &*key.to_display()
    );
    if let Some(Ok(())) = saved {
        sheet_written(sheet);
    }
    saved.unwrap_or(Ok(()))
}

/// Writes the printable recovery sheet to `sheet` (a new file).
pub fn save_recovery_sheet(
    clinic: &Clinic,
    key: &RecoveryKey,
    dir: &Path,
    made_by: &str,
    sheet: &Path,
) -> Result<(), String> {
    clinic
        .recovery_sheet(key, dir, made_by)
        .and_then(|pdf| clinic_core::files::save_new(sheet, &pdf))
        .map_err(|e| {
            format!(
                "the recovery sheet was not saved ({}): write down the key above",
                explain(e)
            )
        })
}

pub fn sheet_written(sheet: Option<&Path>) {
    if let Some(sheet) = sheet {
        eprintln!(
            "Recovery sheet written to {}: print it, keep it in a safe place, then delete the file.",
            sheet.display()
        );
    }
}

pub fn recover(dir: &Path, key: &KeyOptions) -> Result<(), String> {
    let recovery_key = secret(
        "CLINIC_RECOVERY_KEY",
        "Recovery key (from the sheet)",
        false,
    )?;
    let clinic = Clinic::recover(dir, &recovery_key, key).map_err(explain)?;
    print_json(&serde_json::json!({
        "recovered": dir,
        "clinic_name": clinic.settings().map_err(explain)?.name,
        "key_source": if key.passphrase.is_some() { "passphrase" } else { "keyring" },
    }))
}

pub fn keys(
    clinic: &Clinic,
    user: &SessionUser,
    dir: &Path,
    command: KeysCommand,
) -> Result<(), String> {
    match command {
        KeysCommand::Status => print_json(&clinic.recovery_key_status(user).map_err(explain)?),
        KeysCommand::Rotate => {
            let status = clinic.recovery_key_status(user).map_err(explain)?;
            let new_key = match status.key_source {
                clinic_core::KeySource::Passphrase => KeyOptions::passphrase(secret(
                    "CLINIC_NEW_DB_PASSPHRASE",
                    "New database passphrase",
                    true,
                )?),
                clinic_core::KeySource::Keyring => KeyOptions::keyring(),
            };
            clinic
                .change_database_key(user, &new_key)
                .map_err(explain)?;
            print_json(&serde_json::json!({ "database_key": "changed" }))
        }
        KeysCommand::NewRecoveryKey { sheet } => {
            let key = clinic.new_recovery_key(user).map_err(explain)?;
            // The key is handed over in this very command: the sheet is written before it counts.
            hand_over_recovery_key(clinic, &key, dir, &user.display_name, sheet.as_deref())?;
            clinic.adopt_recovery_key(user, &key).map_err(explain)?;
            print_json(&clinic.recovery_key_status(user).map_err(explain)?)
        }
        KeysCommand::ConfirmRecoveryKey => {
            clinic.confirm_recovery_key(user).map_err(explain)?;
            print_json(&clinic.recovery_key_status(user).map_err(explain)?)
        }
    }
}

pub fn backup(
    clinic: &Clinic,
    user: &SessionUser,
    to: Option<&Path>,
    command: Option<BackupCommand>,
) -> Result<(), String> {
    match command {
        None => print_json(&clinic.back_up_now(user, to).map_err(explain)?),
        Some(BackupCommand::Status) => print_json(&clinic.backup_status(user).map_err(explain)?),
        Some(BackupCommand::Configure {
            folder,
            no_folder,
            keep,
        }) => {
            if folder.is_none() && !no_folder {
                return Err(
                    "name the backup folder with --folder DIR, or stop backups with --no-folder"
                        .into(),
                );
            }
            let input = BackupSettingsInput {
                folder: folder.map(|f| f.display().to_string()),
                keep,
            };
            print_json(&clinic.set_backup_settings(user, input).map_err(explain)?)
        }
    }
}

/// Restores `file` into `dir`. With a clinic there, an administrator signs in and the clinic's own
/// recovery keys open the backup (or the one typed, for a backup they cannot open); with none, the
/// recovery key of the backup's sheet is needed.
pub fn restore(
    dir: &Path,
    key: &KeyOptions,
    user: Option<String>,
    file: &Path,
    preview_only: bool,
) -> Result<(), String> {
    let recovery_key = || {
        secret(
            "CLINIC_RECOVERY_KEY",
            "Recovery key of the backup's sheet",
            false,
        )
    };
    if !Clinic::exists(dir) {
        let recovery_key = recovery_key()?;
        if preview_only {
            let summary =
                Clinic::preview_backup_with_recovery_key(file, &recovery_key).map_err(explain)?;
            return print_json(&summary);
        }
        let prepared = Clinic::prepare_restore_with_recovery_key(dir, file, &recovery_key, key)
            .map_err(explain)?;
        let summary = prepared.summary().clone();
        let (_, aside) = prepared.finish(key).map_err(explain)?;
        return print_json(&serde_json::json!({ "restored": summary, "previous_data": aside }));
    }
    let (clinic, admin) = sign_in(dir, key, user)?;
    // The clinic's own keys first; the sheet's key only for a backup they cannot open.
    let with_key = |typed: Option<&str>| {
        if preview_only {
            clinic
                .preview_backup(&admin, file, typed)
                .map(|summary| (summary, None))
        } else {
            clinic
                .prepare_restore(&admin, dir, file, typed, key)
                .map(|prepared| (prepared.summary().clone(), Some(prepared)))
        }
    };
    let (summary, prepared) = match with_key(None) {
        Err(err) if err.field() == Some("recoveryKey") => {
            with_key(Some(&recovery_key()?)).map_err(explain)?
        }
        other => other.map_err(explain)?,
    };
    let Some(prepared) = prepared else {
        return print_json(&summary);
    };
    drop(clinic);
    let (_, aside) = prepared.finish(key).map_err(explain)?;
    print_json(&serde_json::json!({ "restored": summary, "previous_data": aside }))
}
