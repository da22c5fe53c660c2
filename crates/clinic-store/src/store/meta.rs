//! `store.json`: which key the database uses and where it is, the database key sealed with the recovery
//! key, and a key change under way. It holds nothing that opens the database on its own.

use std::fs;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{DB_FILE, META_COPY, META_FILE};
use crate::audit::AuditHead;
use crate::key::KeyRecord;
use crate::recovery::SealedKey;
use crate::{StoreError, StoreResult};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct StoreMeta {
    pub format: u32,
    pub store_id: String,
    pub key: KeyRecord,
    /// The database key sealed with the current recovery key; absent for a store made before
    /// recovery keys, until an administrator makes one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery: Option<SealedKey>,
    /// A key change under way: the database is encrypted either with `key` or with this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<NextKey>,
    /// The audit chain's newest entry when the store last closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_head: Option<AuditHead>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct NextKey {
    pub key: KeyRecord,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery: Option<SealedKey>,
}

impl StoreMeta {
    /// Reads `store.json`, or its copy when it is missing or damaged (and then puts it back): without
    /// it, not even the recovery key could open the data.
    pub fn read(dir: &Path) -> StoreResult<StoreMeta> {
        let path = dir.join(META_FILE);
        let first = match read_file(&path) {
            Ok(meta) => return Ok(meta),
            Err(err) => err,
        };
        let Ok(meta) = read_file(&dir.join(META_COPY)) else {
            return Err(match first {
                StoreError::BadMetadata { .. } if !path.exists() && !dir.join(DB_FILE).exists() => {
                    StoreError::NotInitialized(dir.to_owned())
                }
                other => other,
            });
        };
        meta.write(dir)?;
        Ok(meta)
    }

    /// Replaces `store.json` and then its copy, each atomically and durably: a crash leaves each file
    /// old or new, whole, and the two at most one write apart (both states open the database).
    pub fn write(&self, dir: &Path) -> StoreResult<()> {
        let path = dir.join(META_FILE);
        let text = serde_json::to_string_pretty(self).map_err(|e| StoreError::BadMetadata {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        write_durably(&path, text.as_bytes())?;
        write_durably(&dir.join(META_COPY), text.as_bytes())
    }
}

fn read_file(path: &Path) -> StoreResult<StoreMeta> {
    if !path.exists() {
        return Err(StoreError::BadMetadata {
            path: path.to_owned(),
            reason: "the file is missing".into(),
        });
    }
    let text = fs::read_to_string(path).map_err(|e| StoreError::io(path, e))?;
    serde_json::from_str(&text).map_err(|e| StoreError::BadMetadata {
        path: path.to_owned(),
        reason: e.to_string(),
    })
}

/// Writes `bytes` to a temporary file beside `path`, syncs it, renames it over `path` and syncs the folder.
pub(crate) fn write_durably(path: &Path, bytes: &[u8]) -> StoreResult<()> {
    let tmp = path.with_extension("tmp");
    let mut file = fs::File::create(&tmp).map_err(|e| StoreError::io(&tmp, e))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| StoreError::io(&tmp, e))?;
    fs::rename(&tmp, path).map_err(|e| StoreError::io(path, e))?;
    sync_folder(path)
}

/// Makes a rename in the folder holding `path` durable (a no-op where folders cannot be opened).
pub(crate) fn sync_folder(path: &Path) -> StoreResult<()> {
    if let Some(folder) = path.parent()
        && let Ok(handle) = fs::File::open(folder)
    {
        handle.sync_all().map_err(|e| StoreError::io(folder, e))?;
    }
    Ok(())
}
