//! The database key and the recovery key: changing the key, making and confirming a recovery key, its
//! printed sheet, and opening a clinic whose key is lost.

use std::path::Path;

use clinic_print::RecoverySheet;
use clinic_store::{KeyOptions, RecoveryKey, Store, StoreError};
use serde::Serialize;
use ts_rs::TS;

use crate::auth::permissions::Action;
use crate::{Clinic, CoreError, CoreResult, SessionUser, message};

/// The state of the clinic's recovery key, for the administrator.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryKeyStatus {
    /// False for a clinic set up before recovery keys existed, until an administrator makes one.
    pub has_recovery_key: bool,
    pub created_at: Option<String>,
    /// The display name of the user who made it.
    pub created_by: Option<String>,
    /// When an administrator confirmed the sheet was printed and put away.
    pub confirmed_at: Option<String>,
    /// Where the database key is: the OS keyring, or derived from a passphrase.
    #[ts(type = "\"keyring\" | \"passphrase\"")]
    pub key_source: clinic_store::KeySource,
}

impl Clinic {
    /// Re-encrypts the database with a new key (in the OS keyring; or derived from the new passphrase
    /// in `key` for a clinic protected by a passphrase). The recovery key stays valid.
    pub fn change_database_key(&self, by: &SessionUser, key: &KeyOptions) -> CoreResult<()> {
        let access = self.authorize(by, Action::ManageBackups)?;
        access.store().change_key(key, Some(&by.id))?;
        Ok(())
    }

    pub fn recovery_key_status(&self, by: &SessionUser) -> CoreResult<RecoveryKeyStatus> {
        let access = self.authorize(by, Action::ManageBackups)?;
        let store = access.store();
        let status = store.recovery_status()?;
        let created_by = match &status.created_by {
            Some(id) => access.read(|r| {
                Ok(r.query_opt(
                    "SELECT display_name FROM users WHERE id = ?1",
                    [id],
                    |row| row.get(0),
                )?)
            })?,
            None => None,
        };
        Ok(RecoveryKeyStatus {
            has_recovery_key: status.has_recovery_key,
            created_at: status.created_at,
            created_by,
            confirmed_at: status.confirmed_at,
            key_source: store.info().key_source,
        })
    }

    /// Makes a new recovery key, to be shown once and printed. It changes nothing until adopted
    /// ([`Clinic::adopt_recovery_key`]) once it is in the user's hands.
    pub fn new_recovery_key(&self, by: &SessionUser) -> CoreResult<RecoveryKey> {
        self.authorize(by, Action::ManageBackups)?;
        Ok(RecoveryKey::generate())
    }

    /// Makes `key` the recovery key: it replaces the previous one for the database and for new
    /// backups (older backups still open with the sheet they were made under).
    pub fn adopt_recovery_key(&self, by: &SessionUser, key: &RecoveryKey) -> CoreResult<()> {
        let access = self.authorize(by, Action::ManageBackups)?;
        Ok(access.store().adopt_recovery_key(key, Some(&by.id))?)
    }

    /// Records that the current recovery sheet is printed and put away.
    pub fn confirm_recovery_key(&self, by: &SessionUser) -> CoreResult<()> {
        let access = self.authorize(by, Action::ManageBackups)?;
        Ok(access.store().confirm_recovery_key(Some(&by.id))?)
    }

    /// The printable recovery sheet (PDF) of `key`, which the caller holds: the key just made at
    /// setup, or by [`Clinic::new_recovery_key`]. `made_by` is the display name of who made it.
    pub fn recovery_sheet(
        &self,
        key: &RecoveryKey,
        data_dir: &Path,
        made_by: &str,
    ) -> CoreResult<Vec<u8>> {
        let settings = self.settings()?;
        let local = self.now().with_timezone(&settings.time_zone);
        let when = local.format("%-d %B %Y, %H:%M").to_string();
        let sheet = RecoverySheet {
            clinic_name: &settings.name,
            recovery_key: &key.to_display(),
            data_dir: &data_dir.display().to_string(),
            store_id: self.store_id(),
            device_name: &self.device_name()?,
            created_at: &when,
            created_by: made_by,
            generated_at: &when,
        };
        clinic_print::recovery_sheet(&sheet, settings.paper)
            .map_err(|e| CoreError::Print(e.to_string()))
    }

    /// Opens the clinic in `dir` whose database key is lost, with the recovery key as typed from the
    /// sheet, and gives it a new key as `key` says (the OS keyring, or `CLINIC_DB_PASSPHRASE`).
    pub fn recover(dir: &Path, recovery_key: &str, key: &KeyOptions) -> CoreResult<Clinic> {
        let recovery_key = parse_recovery_key(recovery_key)?;
        let store = Store::recover(dir, &recovery_key, key).map_err(recovery_error)?;
        Ok(Clinic::from_store(store))
    }
}

/// Reads a recovery key as typed; a malformed one is an error on the `recoveryKey` field.
pub(crate) fn parse_recovery_key(text: &str) -> CoreResult<RecoveryKey> {
    RecoveryKey::parse(text).map_err(recovery_error)
}

/// A recovery key that is malformed or does not fit is the user's input to correct.
pub(crate) fn recovery_error(err: StoreError) -> CoreError {
    let message = match err {
        StoreError::RecoveryKeyCharacter(c) => {
            message!("recovery_key_character", character = c.to_string())
        }
        StoreError::RecoveryKeyLength {
            expected,
            groups,
            found,
        } => message!(
            "recovery_key_length",
            expected = expected,
            groups = groups,
            found = found,
        ),
        StoreError::RecoveryKeyTypo => message!("recovery_key_typo"),
        StoreError::SealedKeyDamaged => message!("sealed_key_damaged"),
        StoreError::RecoveryKeyMismatch => message!("recovery_key_mismatch"),
        other => return other.into(),
    };
    CoreError::invalid("recoveryKey", message)
}
