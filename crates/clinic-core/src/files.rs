//! Files the clinic reads or writes where the user says, with one policy for the app and the CLI. A file
//! to import is refused when it is missing, a folder, or bigger than [`MAX_IMPORT_BYTES`], before it is
//! read. A saved file (an export now; backups and printed documents later) is always a new file: it never
//! replaces one that is there, and it appears under its name whole or not at all. An export is audited
//! once its file is there, never for a file that could not be written.

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};

use clinic_store::AuditEvent;
use uuid::Uuid;

use crate::clinic::Access;
use crate::spreadsheet::spreadsheet_text;
use crate::{CoreError, CoreResult, Message, message};

/// Bigger files are not patient lists a clinic imports at once (and would be held in memory whole).
pub const MAX_IMPORT_BYTES: u64 = 32 * 1024 * 1024;

/// The text of a spreadsheet file to import, in whichever encoding the spreadsheet wrote it.
pub fn read_import(path: &Path) -> CoreResult<String> {
    let found = fs::metadata(path).map_err(|e| match e.kind() {
        ErrorKind::NotFound => invalid_path(message!("no_file_at", path = shown(path))),
        _ => cannot_read(path, &e),
    })?;
    if found.is_dir() {
        return Err(invalid_path(message!("path_is_folder", path = shown(path))));
    }
    if found.len() > MAX_IMPORT_BYTES {
        return Err(too_big());
    }
    // Read one byte past the limit: a file that grows meanwhile, or a device that never ends, stops there.
    let mut bytes = Vec::new();
    File::open(path)
        .and_then(|file| file.take(MAX_IMPORT_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| cannot_read(path, &e))?;
    if bytes.len() as u64 > MAX_IMPORT_BYTES {
        return Err(too_big());
    }
    Ok(spreadsheet_text(bytes))
}

/// Writes `contents` as a new file at `path`. Refused when anything is there already. The contents go to
/// a temporary file in the same folder, are synced to disk, then get their name; a failure removes the
/// temporary file, so no half-written file is ever left under the name.
pub fn save_new(path: &Path, contents: &[u8]) -> CoreResult<()> {
    refuse_existing(path)?;
    let folder = match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    if path.file_name().is_none() {
        return Err(invalid_path(message!("no_file_name", path = shown(path))));
    }
    if !folder.is_dir() {
        return Err(invalid_path(message!(
            "no_such_folder",
            folder = shown(folder)
        )));
    }
    let partial = Partial(folder.join(format!(".clinic-{}.part", Uuid::now_v7())));
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&partial.0)
        .map_err(|e| cannot_save(path, &e))?;
    file.write_all(contents)
        .and_then(|()| file.sync_all())
        .map_err(|e| cannot_save(path, &e))?;
    drop(file);
    give_name(&partial.0, path)?;
    if let Err(e) = sync_folder(folder) {
        // Reported as not saved, so it must not stay: an export is audited only when it is saved.
        let _ = fs::remove_file(path);
        return Err(cannot_save(path, &e));
    }
    Ok(())
}

/// Data about to leave the clinic as a file, from an authorized export. Nothing is written or audited
/// until [`Export::save_new`].
#[must_use = "an export is neither written nor audited until it is saved"]
pub struct Export<'c> {
    access: Access<'c>,
    contents: Vec<u8>,
    rows: i64,
    audit: AuditEvent,
}

impl<'c> Export<'c> {
    pub(crate) fn new(access: Access<'c>, contents: Vec<u8>, rows: i64, audit: AuditEvent) -> Self {
        Export {
            access,
            contents,
            rows,
            audit,
        }
    }

    /// How many records (patients, entries) it holds.
    pub fn rows(&self) -> i64 {
        self.rows
    }

    /// Saves it as a new file at `path` ([`save_new`]), then audits it. Should the audit fail, the file
    /// is removed again: no data leaves the clinic without its entry in the trail.
    pub fn save_new(self, path: &Path) -> CoreResult<()> {
        save_new(path, &self.contents)?;
        if let Err(err) = self.access.audit(self.audit) {
            // The audit's error is the one to report; the file goes whether or not removing it works.
            let _ = fs::remove_file(path);
            return Err(err);
        }
        Ok(())
    }
}

/// A temporary file being written; removed when dropped (once it has its name, only the temporary name
/// goes).
struct Partial(PathBuf);

impl Drop for Partial {
    fn drop(&mut self) {
        // Already gone when it was renamed into place.
        let _ = fs::remove_file(&self.0);
    }
}

/// Gives the synced temporary file its name, unless a file took that name meanwhile. A hard link does
/// that in one step; file systems without hard links (FAT and exFAT memory sticks, some network shares)
/// get a rename after one more look.
fn give_name(partial: &Path, path: &Path) -> CoreResult<()> {
    match fs::hard_link(partial, path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Err(already_there(path, false)),
        Err(_) => {
            refuse_existing(path)?;
            fs::rename(partial, path).map_err(|e| cannot_save(path, &e))
        }
    }
}

fn refuse_existing(path: &Path) -> CoreResult<()> {
    match fs::symlink_metadata(path) {
        Ok(found) => Err(already_there(path, found.is_dir())),
        Err(_) => Ok(()),
    }
}

/// Makes the new name durable (a no-op where folders cannot be opened, as on Windows).
fn sync_folder(folder: &Path) -> std::io::Result<()> {
    match File::open(folder) {
        Ok(handle) => handle.sync_all(),
        Err(_) => Ok(()),
    }
}

fn already_there(path: &Path, folder: bool) -> CoreError {
    invalid_path(if folder {
        message!("folder_already_there", path = shown(path))
    } else {
        message!("file_already_there", path = shown(path))
    })
}

pub(crate) fn too_big() -> CoreError {
    invalid_path(message!(
        "file_too_big",
        megabytes = MAX_IMPORT_BYTES / (1024 * 1024),
    ))
}

fn cannot_read(path: &Path, e: &std::io::Error) -> CoreError {
    invalid_path(message!(
        "file_unreadable",
        path = shown(path),
        reason = e.to_string(),
    ))
}

fn cannot_save(path: &Path, e: &std::io::Error) -> CoreError {
    invalid_path(message!(
        "path_not_saved",
        path = shown(path),
        reason = e.to_string(),
    ))
}

/// A path as messages name it (a name that is not UTF-8 shows with replacement characters).
fn shown(path: &Path) -> String {
    path.display().to_string()
}

fn invalid_path(message: Message) -> CoreError {
    CoreError::invalid("path", message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(result: CoreResult<impl std::fmt::Debug>) -> String {
        match result {
            Err(err) => {
                assert_eq!(err.field(), Some("path"), "{err}");
                err.to_string()
            }
            Ok(found) => panic!("refused expected, got {found:?}"),
        }
    }

    fn names_in(folder: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_saved_file_is_new_and_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("patients.csv");
        save_new(&path, b"MRN,First name\r\n").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"MRN,First name\r\n");
        assert_eq!(
            names_in(dir.path()),
            ["patients.csv"],
            "no temporary file left"
        );
    }

    #[test]
    fn an_existing_file_or_folder_is_never_written_over() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("patients.csv");
        fs::write(&path, "the clinic's own notes").unwrap();
        let refused = message(save_new(&path, b"new"));
        assert!(
            refused.contains("already a file") && refused.contains("patients.csv"),
            "{refused}"
        );
        assert_eq!(fs::read_to_string(&path).unwrap(), "the clinic's own notes");
        assert!(message(save_new(dir.path(), b"new")).contains("already a folder"));
        assert_eq!(names_in(dir.path()), ["patients.csv"]);
    }

    #[test]
    fn a_failed_save_leaves_neither_the_file_nor_a_temporary_one() {
        let dir = tempfile::tempdir().unwrap();
        let nowhere = dir.path().join("no such folder").join("patients.csv");
        assert!(message(save_new(&nowhere, b"data")).contains("does not exist"));
        // A name longer than file systems allow fails only when the file gets its name, after the
        // temporary file was written (even for root, whom a read-only folder does not stop).
        let too_long = dir.path().join(format!("{}.csv", "x".repeat(300)));
        assert!(message(save_new(&too_long, b"data")).contains("could not be saved"));
        assert!(
            names_in(dir.path()).is_empty(),
            "{:?}",
            names_in(dir.path())
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_file_name_that_is_not_utf8_is_saved_and_read() {
        use std::os::unix::ffi::OsStrExt;

        let dir = tempfile::tempdir().unwrap();
        let path = dir
            .path()
            .join(std::ffi::OsStr::from_bytes(b"pacientes-\xf1.csv"));
        save_new(&path, b"First name\r\nAna\r\n").unwrap();
        assert_eq!(read_import(&path).unwrap(), "First name\r\nAna\r\n");
        assert!(message(save_new(&path, b"again")).contains("pacientes-"));
    }

    #[test]
    fn an_import_file_must_be_a_file_within_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        assert!(message(read_import(&dir.path().join("none.csv"))).contains("no file"));
        assert!(message(read_import(dir.path())).contains("is a folder"));
        // Sparse: over the limit by its size alone, refused before a byte is read.
        let big = dir.path().join("big.csv");
        File::create(&big)
            .unwrap()
            .set_len(MAX_IMPORT_BYTES + 1)
            .unwrap();
        assert!(message(read_import(&big)).contains("larger than 32 MB"));
        let exact = dir.path().join("exact.csv");
        File::create(&exact)
            .unwrap()
            .set_len(MAX_IMPORT_BYTES)
            .unwrap();
        assert_eq!(read_import(&exact).unwrap().len() as u64, MAX_IMPORT_BYTES);
        // In Windows-1252, as a spreadsheet on Windows saves it.
        let latin = dir.path().join("latin.csv");
        fs::write(&latin, b"N\xfa\xf1ez").unwrap();
        assert_eq!(read_import(&latin).unwrap(), "Núñez");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_that_never_ends_is_read_only_up_to_the_limit() {
        // Its size says 0: only reading through the limit stops it.
        assert!(message(read_import(Path::new("/dev/zero"))).contains("larger than 32 MB"));
    }
}
