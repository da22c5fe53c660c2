//! Where the database key comes from.
//!
//! The key is 32 random bytes, kept in the OS keyring (Secret Service on Linux, Keychain on macOS,
//! Credential Manager on Windows). When the clinic chooses a passphrase instead (`CLINIC_DB_PASSPHRASE`,
//! or no keyring is reachable), the key is derived from it with Argon2id and a salt kept beside the
//! database. Which of the two a data directory uses is recorded in its `store.json`, which holds no
//! secret. The key itself is never written to disk or to a log.

use std::fmt;
use std::path::Path;

use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::{StoreError, StoreResult};

/// The keyring service under which Clinic keeps its database keys.
pub const DEFAULT_KEYRING_SERVICE: &str = "Clinic";

/// How the caller wants the key handled; built by the app and the CLI from their environment.
#[derive(Clone)]
pub struct KeyOptions {
    /// A passphrase (from `CLINIC_DB_PASSPHRASE`): when creating a store, it selects passphrase mode.
    pub passphrase: Option<Zeroizing<String>>,
    /// The keyring service name; tests use their own so they never touch a real clinic's entries.
    pub keyring_service: String,
}

impl KeyOptions {
    pub fn keyring() -> Self {
        Self {
            passphrase: None,
            keyring_service: DEFAULT_KEYRING_SERVICE.to_owned(),
        }
    }

    pub fn passphrase(passphrase: impl Into<String>) -> Self {
        Self {
            passphrase: Some(Zeroizing::new(passphrase.into())),
            ..Self::keyring()
        }
    }

    /// Reads `CLINIC_DB_PASSPHRASE`; an empty value counts as unset.
    pub fn from_env() -> Self {
        match std::env::var("CLINIC_DB_PASSPHRASE") {
            Ok(p) if !p.is_empty() => Self::passphrase(p),
            _ => Self::keyring(),
        }
    }
}

impl fmt::Debug for KeyOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyOptions")
            .field("passphrase", &self.passphrase.as_ref().map(|_| "<set>"))
            .field("keyring_service", &self.keyring_service)
            .finish()
    }
}

/// Where a data directory's key lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeySource {
    Keyring,
    Passphrase,
}

/// The non-secret description of the key, stored in `store.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum KeyRecord {
    Keyring {
        service: String,
        /// The keyring account; absent for a store's first key (`database-key/<store id>`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        account: Option<String>,
    },
    Passphrase {
        /// Argon2id salt, hex.
        salt: String,
        m_cost_kib: u32,
        t_cost: u32,
        p_cost: u32,
    },
}

impl KeyRecord {
    pub(crate) fn source(&self) -> KeySource {
        match self {
            KeyRecord::Keyring { .. } => KeySource::Keyring,
            KeyRecord::Passphrase { .. } => KeySource::Passphrase,
        }
    }
}

/// The raw 32-byte SQLCipher key; wiped from memory when dropped.
pub(crate) struct DbKey(Zeroizing<[u8; 32]>);

impl DbKey {
    pub(crate) fn random() -> Self {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rand::rng().fill_bytes(bytes.as_mut());
        DbKey(bytes)
    }

    /// The `PRAGMA key` statement that hands SQLCipher the raw key (no SQLCipher-side KDF).
    pub(crate) fn pragma(&self) -> Zeroizing<String> {
        Zeroizing::new(format!(
            "PRAGMA key = \"x'{}'\";",
            hex::encode(self.0.as_ref())
        ))
    }

    /// The `PRAGMA rekey` statement that re-encrypts the whole database with this key.
    pub(crate) fn rekey_pragma(&self) -> Zeroizing<String> {
        Zeroizing::new(format!(
            "PRAGMA rekey = \"x'{}'\";",
            hex::encode(self.0.as_ref())
        ))
    }

    pub(crate) fn from_bytes(bytes: Zeroizing<[u8; 32]>) -> Self {
        DbKey(bytes)
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    fn hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.0.as_ref()))
    }

    fn from_hex(text: &str) -> Option<Self> {
        let bytes = Zeroizing::new(hex::decode(text.trim()).ok()?);
        let array: [u8; 32] = bytes.as_slice().try_into().ok()?;
        Some(DbKey(Zeroizing::new(array)))
    }
}

fn keyring_account(store_id: &str, account: Option<&str>) -> String {
    account.map_or_else(|| format!("database-key/{store_id}"), str::to_owned)
}

fn keyring_entry(
    service: &str,
    store_id: &str,
    account: Option<&str>,
) -> Result<keyring::Entry, keyring::Error> {
    keyring::Entry::new(service, &keyring_account(store_id, account))
}

/// Which key a store gets: its first, or a replacement (which must not overwrite the current one in the
/// keyring until the database has really been re-encrypted with it).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyUse {
    First,
    Replacement,
}

/// Creates a key for a store and says how it was made: random bytes kept in the keyring, or derived
/// from the passphrase in `options`.
pub(crate) fn create_key(
    store_id: &str,
    options: &KeyOptions,
    usage: KeyUse,
) -> StoreResult<(KeyRecord, DbKey)> {
    if let Some(passphrase) = &options.passphrase {
        if passphrase.chars().count() < 12 {
            return Err(StoreError::KeyUnavailable(
                "CLINIC_DB_PASSPHRASE must be at least 12 characters long".into(),
            ));
        }
        let mut salt = [0u8; 16];
        rand::rng().fill_bytes(&mut salt);
        let record = KeyRecord::Passphrase {
            salt: hex::encode(salt),
            // OWASP's recommended minimum for Argon2id; raised in store.json if ever needed.
            m_cost_kib: 19 * 1024,
            t_cost: 2,
            p_cost: 1,
        };
        let key = derive(passphrase, &record)?;
        return Ok((record, key));
    }
    let key = DbKey::random();
    let account = (usage == KeyUse::Replacement)
        .then(|| format!("database-key/{store_id}/{}", uuid::Uuid::now_v7()));
    let entry = keyring_entry(&options.keyring_service, store_id, account.as_deref())
        .map_err(no_keyring)?;
    entry.set_password(&key.hex()).map_err(no_keyring)?;
    // Read it back: some keyrings accept a write they cannot later serve (a locked collection).
    match entry.get_password() {
        Ok(stored) if stored == *key.hex() => {}
        Ok(_) => {
            return Err(StoreError::KeyUnavailable(
                "the OS keyring returned a different key than was stored".into(),
            ));
        }
        Err(err) => return Err(no_keyring(err)),
    }
    Ok((
        KeyRecord::Keyring {
            service: options.keyring_service.clone(),
            account,
        },
        key,
    ))
}

/// Loads the key of an existing store the way its `store.json` says.
pub(crate) fn load_key(
    store_id: &str,
    record: &KeyRecord,
    options: &KeyOptions,
    dir: &Path,
) -> StoreResult<DbKey> {
    match record {
        KeyRecord::Passphrase { .. } => {
            let Some(passphrase) = &options.passphrase else {
                return Err(StoreError::KeyUnavailable(format!(
                    "the clinic database in {} is protected by a passphrase: set CLINIC_DB_PASSPHRASE",
                    dir.display()
                )));
            };
            derive(passphrase, record)
        }
        KeyRecord::Keyring { service, account } => {
            let entry = keyring_entry(service, store_id, account.as_deref()).map_err(no_keyring)?;
            match entry.get_password() {
                Ok(text) => DbKey::from_hex(&text).ok_or_else(|| {
                    StoreError::KeyUnavailable(
                        "the database key in the OS keyring is damaged".into(),
                    )
                }),
                Err(keyring::Error::NoEntry) => Err(StoreError::KeyLost(dir.to_owned())),
                Err(err) => Err(no_keyring(err)),
            }
        }
    }
}

/// Removes a store's first key from the keyring (used when a test or an administrator retires a store).
pub fn forget_keyring_key(service: &str, store_id: &str) -> StoreResult<()> {
    forget(service, store_id, None)
}

/// Removes the keyring entry a key record points at (a key the store no longer uses).
pub(crate) fn forget_key(store_id: &str, record: &KeyRecord) -> StoreResult<()> {
    match record {
        KeyRecord::Keyring { service, account } => forget(service, store_id, account.as_deref()),
        KeyRecord::Passphrase { .. } => Ok(()),
    }
}

fn forget(service: &str, store_id: &str, account: Option<&str>) -> StoreResult<()> {
    let entry = keyring_entry(service, store_id, account).map_err(no_keyring)?;
    match entry.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(err) => Err(no_keyring(err)),
    }
}

/// The Argon2id parameters a passphrase key may ask for: from below what Clinic writes (19 MiB, 2
/// passes, 1 lane) to what a clinic computer can spend in a few seconds.
const ARGON2_MEMORY_KIB: std::ops::RangeInclusive<u32> = 8 * 1024..=1024 * 1024;
const ARGON2_PASSES: std::ops::RangeInclusive<u32> = 1..=16;
const ARGON2_LANES: std::ops::RangeInclusive<u32> = 1..=8;

fn derive(passphrase: &str, record: &KeyRecord) -> StoreResult<DbKey> {
    let KeyRecord::Passphrase {
        salt,
        m_cost_kib,
        t_cost,
        p_cost,
    } = record
    else {
        unreachable!("derive is only called for passphrase records");
    };
    let bad = |reason: String| {
        StoreError::KeyUnavailable(format!("cannot derive the database key: {reason}"))
    };
    // store.json is a plain file: parameters out of these bounds would exhaust memory or hang for
    // hours instead of opening the clinic.
    if !ARGON2_MEMORY_KIB.contains(m_cost_kib)
        || !ARGON2_PASSES.contains(t_cost)
        || !ARGON2_LANES.contains(p_cost)
    {
        return Err(bad(format!(
            "store.json asks for Argon2id with {m_cost_kib} KiB, {t_cost} passes and {p_cost} lanes; \
             Clinic accepts {} to {} KiB, {} to {} passes and {} to {} lanes",
            ARGON2_MEMORY_KIB.start(),
            ARGON2_MEMORY_KIB.end(),
            ARGON2_PASSES.start(),
            ARGON2_PASSES.end(),
            ARGON2_LANES.start(),
            ARGON2_LANES.end()
        )));
    }
    let salt = hex::decode(salt).map_err(|e| bad(e.to_string()))?;
    if !(16..=64).contains(&salt.len()) {
        return Err(bad("store.json holds a salt of the wrong length".into()));
    }
    let params =
        Params::new(*m_cost_kib, *t_cost, *p_cost, Some(32)).map_err(|e| bad(e.to_string()))?;
    let mut bytes = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase.as_bytes(), &salt, bytes.as_mut())
        .map_err(|e| bad(e.to_string()))?;
    Ok(DbKey(bytes))
}

fn no_keyring(err: keyring::Error) -> StoreError {
    StoreError::KeyUnavailable(format!(
        "the OS keyring cannot be reached ({err}); unlock or install a keyring (Secret Service on Linux), or set CLINIC_DB_PASSPHRASE to protect the database with a passphrase instead"
    ))
}
