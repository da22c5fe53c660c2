//! A clinic whose disk fills up, or whose folder is read-only: the command says so (not "disk I/O error"
//! or "unable to open database file"), exits 1 and leaves nothing half-written; once space is freed the
//! same command completes. The mounts are made in a private mount namespace (`unshare -rm`, so no root is
//! needed where user namespaces are allowed): a 40 MB tmpfs filled to the last byte with a filler file,
//! and a read-only bind mount of the data folder.

use std::ffi::OsStr;
use std::process::Command;

use crate::common::PASSPHRASE;

/// Runs `script` with `sh` in a mount namespace of its own, as `boss` of the clinic it sets up (`$BIN`
/// is the `clinic` binary); returns what it printed, after checking it ran to its end.
fn in_own_mounts(script: &str, env: &[(&str, &OsStr)]) -> String {
    let out = Command::new("unshare")
        .args(["-rm", "sh", "-c", script])
        .envs(env.iter().copied())
        .env("BIN", env!("CARGO_BIN_EXE_clinic"))
        .env("CLINIC_DB_PASSPHRASE", PASSPHRASE)
        .env("CLINIC_ADMIN_PASSWORD", "a long enough passphrase")
        .env("CLINIC_USER", "boss")
        .env("CLINIC_PASSWORD", "a long enough passphrase")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

/// Checks what a script printed, line by line.
fn assert_printed(text: &str, expected: &[&str]) {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    assert_eq!(lines, expected, "{text}");
}

/// What `status` says the clinic holds, in the scripts.
const PATIENTS: &str = r#"$C status | python3 -c 'import json, sys; print(json.load(sys.stdin)["counts"]["patients"])'"#;

#[test]
fn on_a_full_disk_the_clinic_is_read_and_backed_up_and_an_import_leaves_nothing() {
    let mnt = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let csv = files.path().join("patients.csv");
    let mut text = String::from("First name,Last name,Date of birth\n");
    for i in 0..3_000u32 {
        let name: String = [i % 26, (i / 26) % 26, (i / 676) % 26]
            .iter()
            .map(|d| char::from(b'a' + *d as u8))
            .collect();
        text.push_str(&format!(
            "Ana{name},Lago,19{}-0{}-1{}\n",
            50 + i % 40,
            1 + i % 9,
            i % 9
        ));
    }
    std::fs::write(&csv, text).unwrap();
    let script = format!(
        r#"
        set -u
        mount -t tmpfs -o size=40m tmpfs "$MNT" || exit 99
        C="$BIN --data-dir $MNT/clinic"
        $C init --clinic-name Harbour --admin-user boss --time-zone UTC >/dev/null 2>&1 || exit 98
        dd if=/dev/zero of="$MNT/filler" bs=1M 2>/dev/null
        echo "full, found: $({PATIENTS} 2>/dev/null)"
        echo "verify: $($C audit verify 2>/dev/null | grep -c intact)"
        $C backup --to "$ELSEWHERE" >/dev/null 2>&1; echo "backup exit $? files $(ls "$ELSEWHERE" | wc -l)"
        echo "import:"; $C import patients "$CSV" 2>&1 >/dev/null; echo "exit $?"
        rm "$MNT/filler"
        echo "found: $({PATIENTS})"
        echo "import again:"; $C import patients "$CSV" | grep '"imported"'; echo "exit $?"
        echo "found: $({PATIENTS})"
    "#
    );
    let elsewhere = files.path().join("usb");
    let text = in_own_mounts(
        &script,
        &[
            ("MNT", mnt.path().as_os_str()),
            ("CSV", csv.as_os_str()),
            ("ELSEWHERE", elsewhere.as_os_str()),
        ],
    );
    assert_printed(
        &text,
        &[
            "full, found: 0",
            "verify: 1",
            "backup exit 0 files 1",
            "import:",
            "clinic: note: the disk is full, so the clinic is open for reading only and this session is not in the audit trail",
            "clinic: the disk is full: free some space on it, then try again (nothing of this change was saved)",
            "exit 1",
            "found: 0",
            "import again:",
            "\"imported\": 3000,",
            "exit 0",
            "found: 3000",
        ],
    );
}

#[test]
fn a_read_only_data_folder_is_read_and_writes_are_refused_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let script = format!(
        r#"
        set -u
        C="$BIN --data-dir $DIR/clinic"
        $C init --clinic-name Harbour --admin-user boss --time-zone UTC >/dev/null 2>&1 || exit 98
        mount --bind "$DIR/clinic" "$DIR/clinic" && mount -o remount,bind,ro "$DIR/clinic" || exit 99
        echo "found: $({PATIENTS})"
        CLINIC_NEW_PASSWORD="another long passphrase" $C users add lena --name Lena --role receptionist 2>&1 >/dev/null
        echo "exit $?"
    "#
    );
    let text = in_own_mounts(&script, &[("DIR", dir.path().as_os_str())]);
    assert_printed(
        &text,
        &[
            "found: 0",
            "clinic: note: the clinic's data folder is read-only, so the clinic is open for reading only and this session is not in the audit trail",
            "clinic: the clinic's data cannot be written: its folder or database file is read-only (check the folder's permissions)",
            "exit 1",
        ],
    );
}

#[test]
fn a_demo_cut_short_by_a_full_disk_leaves_nothing_and_runs_again() {
    let mnt = tempfile::tempdir().unwrap();
    let script = r#"
        set -u
        mount -t tmpfs -o size=40m tmpfs "$MNT" || exit 99
        free=$(df -k --output=avail "$MNT" | tail -1)
        dd if=/dev/zero of="$MNT/filler" bs=1k count=$((free - 1024)) 2>/dev/null
        echo "nearly full:"; out=$($BIN --data-dir "$MNT/demo" demo 2>&1 >/dev/null); rc=$?
        echo "$out" | tail -1; echo "exit $rc"
        echo "left: $(ls -A "$MNT" | tr '\n' ' ')"
        rm "$MNT/filler"
        echo "again:"; $BIN --data-dir "$MNT/demo" demo 2>/dev/null | grep '"patients"'
        echo "left: $(ls -A "$MNT" | tr '\n' ' ')"
    "#;
    let text = in_own_mounts(script, &[("MNT", mnt.path().as_os_str())]);
    assert_printed(
        &text,
        &[
            "nearly full:",
            "clinic: the disk is full: free some space on it, then try again (nothing of this change was saved)",
            "exit 1",
            "left: filler",
            "again:",
            "\"patients\": 200,",
            "left: demo",
        ],
    );
}

#[test]
fn a_demo_into_an_existing_clinic_cut_short_by_a_full_disk_leaves_it_as_it_was() {
    let mnt = tempfile::tempdir().unwrap();
    let script = format!(
        r#"
        set -u
        mount -t tmpfs -o size=40m tmpfs "$MNT" || exit 99
        C="$BIN --data-dir $MNT/clinic"
        $C init --clinic-name Harbour --admin-user boss --time-zone UTC >/dev/null 2>&1 || exit 98
        USERS=$($C users list | wc -l)
        free=$(df -k --output=avail "$MNT" | tail -1)
        dd if=/dev/zero of="$MNT/filler" bs=1k count=$((free - 1024)) 2>/dev/null
        echo "nearly full:"; out=$($C demo 2>&1 >/dev/null); rc=$?
        echo "$out" | tail -1; echo "exit $rc"
        rm "$MNT/filler"
        echo "found: $({PATIENTS}), users: $($C users list | wc -l) of $USERS"
        echo "verify: $($C audit verify 2>/dev/null | grep -c intact)"
        echo "again:"; $C demo 2>/dev/null | grep '"patients"'
        echo "found: $({PATIENTS})"
    "#
    );
    let text = in_own_mounts(&script, &[("MNT", mnt.path().as_os_str())]);
    assert_printed(
        &text,
        &[
            "nearly full:",
            "clinic: the disk is full: free some space on it, then try again (nothing of this change was saved)",
            "exit 1",
            "found: 0, users: 1 of 1",
            "verify: 1",
            "again:",
            "\"patients\": 200,",
            "found: 200",
        ],
    );
}
