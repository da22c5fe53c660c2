//! A server's data folder: `server.json` says where its store is (the SQLCipher file beside it, with
//! the record of its key, or a PostgreSQL database), and its logs are kept there. Creating, opening,
//! backing up and restoring a store start here.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use clinic_store::KeyOptions;
use clinic_store::key::KeyRecord;
use serde::{Deserialize, Serialize};

use crate::error::{ServerError, ServerResult};
use crate::postgres::{DUMP_FILE, PgDb};
use crate::sqlite::{DB_FILE, SqliteDb};
use crate::store::{ClinicStorage, Storage};

const META_FILE: &str = "server.json";

#[derive(Serialize, Deserialize)]
struct ServerMeta {
    server_id: String,
    /// The SQLCipher file's key record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key: Option<KeyRecord>,
    /// The PostgreSQL database's connection string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    database: Option<String>,
}

/// A server's store, in the database its data folder names.
pub enum Server {
    Sqlite(Storage<SqliteDb>),
    Postgres(Storage<PgDb>),
}

impl Server {
    pub fn exists(dir: &Path) -> bool {
        dir.join(META_FILE).exists()
    }

    /// Creates a server's store, its TLS identity and its first epoch: in PostgreSQL when `database`
    /// names one (an empty database the server may create tables in), else in an encrypted file in
    /// `dir`.
    pub fn create(
        dir: &Path,
        database: Option<&str>,
        key: &KeyOptions,
        now: DateTime<Utc>,
    ) -> ServerResult<Self> {
        if Self::exists(dir) {
            return Err(ServerError::AlreadyInitialized(dir.display().to_string()));
        }
        fs::create_dir_all(dir).map_err(|e| io_error(dir, &e))?;
        let server_id = uuid::Uuid::now_v7().to_string();
        let (server, meta) = match database {
            Some(url) => {
                let storage = Storage::new(PgDb::connect(url)?);
                if storage.identity().is_ok() {
                    return Err(ServerError::AlreadyInitialized(
                        "that PostgreSQL database (a clinic server's store is in it)".into(),
                    ));
                }
                let meta = ServerMeta {
                    server_id: server_id.clone(),
                    key: None,
                    database: Some(url.to_owned()),
                };
                (Server::Postgres(storage), meta)
            }
            None => {
                let (db, record) = SqliteDb::create(dir, &server_id, key)?;
                let meta = ServerMeta {
                    server_id: server_id.clone(),
                    key: Some(record),
                    database: None,
                };
                (Server::Sqlite(Storage::new(db)), meta)
            }
        };
        server.clinic().initialize(&server_id, now)?;
        write_meta(dir, &meta)?;
        Ok(server)
    }

    pub fn open(dir: &Path, key: &KeyOptions) -> ServerResult<Self> {
        let meta = read_meta(dir)?;
        match (&meta.database, &meta.key) {
            (Some(url), _) => Ok(Server::Postgres(Storage::new(PgDb::connect(url)?))),
            (None, Some(record)) => Ok(Server::Sqlite(Storage::new(SqliteDb::open(
                dir,
                &meta.server_id,
                record,
                key,
            )?))),
            (None, None) => Err(damaged(dir, "it names no store")),
        }
    }

    /// What the HTTP layer and the commands use.
    pub fn clinic(&self) -> &dyn ClinicStorage {
        match self {
            Server::Sqlite(storage) => storage,
            Server::Postgres(storage) => storage,
        }
    }

    pub fn shared(self) -> Arc<dyn ClinicStorage> {
        match self {
            Server::Sqlite(storage) => Arc::new(storage),
            Server::Postgres(storage) => Arc::new(storage),
        }
    }

    /// Backs the store up into a new folder under `to` that is itself a server data folder (an
    /// encrypted copy of the file, or a `pg_dump` of the database); returns that folder. Safe while
    /// the server runs.
    pub fn back_up(&self, dir: &Path, to: &Path, now: DateTime<Utc>) -> ServerResult<PathBuf> {
        let folder = to.join(format!("clinic-server-{}", now.format("%Y%m%dT%H%M%SZ")));
        fs::create_dir_all(to).map_err(|e| io_error(to, &e))?;
        fs::create_dir(&folder).map_err(|e| io_error(&folder, &e))?;
        let done = match self {
            Server::Sqlite(storage) => storage.db().back_up(&folder),
            Server::Postgres(storage) => storage.db().back_up(&folder),
        }
        .and_then(|()| {
            fs::copy(dir.join(META_FILE), folder.join(META_FILE))
                .map(drop)
                .map_err(|e| io_error(&folder, &e))
        });
        if let Err(e) = done {
            let _ = fs::remove_dir_all(&folder);
            return Err(e);
        }
        Ok(folder)
    }

    /// Puts a backup made by [`Server::back_up`] in place of the store of `dir` (the server stopped),
    /// keeping the store it replaces aside in `dir` (moved, or dumped first), and gives the restored
    /// store a new epoch: its devices then send again what it lacks. The devices the replaced store
    /// knew are kept as they were there (see [`Storage::carry_over`]). Returns the restored store.
    pub fn restore(dir: &Path, from: &Path, key: &KeyOptions) -> ServerResult<Self> {
        let aside = dir.join(format!(
            "replaced-{}",
            Utc::now().format("%Y%m%dT%H%M%S%.3fZ")
        ));
        // A backup folder is a data folder itself.
        read_meta(from)?;
        let current = read_meta(dir)?;
        if let Some(url) = &current.database {
            if !from.join(DUMP_FILE).exists() {
                return Err(ServerError::BadRequest(format!(
                    "{} holds no PostgreSQL backup ({DUMP_FILE}) for this server's database",
                    from.display()
                )));
            }
            let replaced = Self::open(dir, key)?;
            let devices = replaced.clinic().known_devices()?;
            fs::create_dir_all(&aside).map_err(|e| io_error(&aside, &e))?;
            replaced.back_up(dir, &aside, Utc::now())?;
            drop(replaced);
            PgDb::restore(url, from)?;
            let restored = Self::open(dir, key)?;
            restored.clinic().carry_over(&devices)?;
            write_meta(
                dir,
                &ServerMeta {
                    server_id: restored.clinic().identity()?.server_id,
                    key: None,
                    database: Some(url.clone()),
                },
            )?;
            return Ok(restored);
        }
        if !from.join(DB_FILE).exists() {
            return Err(ServerError::BadRequest(format!(
                "{} holds no backup of a server's file ({DB_FILE})",
                from.display()
            )));
        }
        // The backup must open with its key before anything is moved.
        drop(Self::open(from, key)?);
        fs::create_dir_all(&aside).map_err(|e| io_error(&aside, &e))?;
        // The replaced store's log goes with it: replayed onto the backup, it would undo the restore.
        let mut moving = SqliteDb::files(dir);
        moving.push(dir.join(META_FILE));
        for here in moving {
            if let Some(name) = here.file_name().filter(|_| here.exists()) {
                fs::rename(&here, aside.join(name)).map_err(|e| io_error(dir, &e))?;
            }
        }
        for file in [DB_FILE, META_FILE] {
            fs::copy(from.join(file), dir.join(file)).map_err(|e| io_error(dir, &e))?;
        }
        let devices = match Self::exists(&aside) {
            true => Self::open(&aside, key)?.clinic().known_devices()?,
            false => Vec::new(),
        };
        let restored = Self::open(dir, key)?;
        restored.clinic().carry_over(&devices)?;
        Ok(restored)
    }
}

fn read_meta(dir: &Path) -> ServerResult<ServerMeta> {
    let text = fs::read(dir.join(META_FILE))
        .map_err(|_| ServerError::NotInitialized(dir.display().to_string()))?;
    serde_json::from_slice(&text).map_err(|e| damaged(dir, &e.to_string()))
}

/// Written readable by its owner only: a connection string may hold a password.
fn write_meta(dir: &Path, meta: &ServerMeta) -> ServerResult<()> {
    let text = serde_json::to_vec_pretty(meta).map_err(|e| ServerError::Internal(e.to_string()))?;
    let path = dir.join(META_FILE);
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&path).map_err(|e| io_error(dir, &e))?;
    std::io::Write::write_all(&mut file, &text).map_err(|e| io_error(dir, &e))
}

fn damaged(dir: &Path, why: &str) -> ServerError {
    ServerError::Internal(format!(
        "{} is damaged: {why}",
        dir.join(META_FILE).display()
    ))
}

fn io_error(dir: &Path, e: &std::io::Error) -> ServerError {
    ServerError::Internal(format!("{}: {e}", dir.display()))
}
