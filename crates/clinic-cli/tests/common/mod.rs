//! What the `clinic` binary's tests share: running it as an administrator would, and reading its output.
// Each test file uses its own part of this module.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// The database passphrase of every test clinic (tests run in passphrase mode unless they say not).
pub const PASSPHRASE: &str = "cli tests passphrase";

/// Runs `clinic --data-dir DIR ARGS` with the passphrase and `env`, and no terminal to prompt on.
pub fn clinic(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_clinic"));
    cmd.arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("CLINIC_DB_PASSPHRASE", PASSPHRASE)
        .env_remove("CLINIC_ADMIN_PASSWORD")
        .env_remove("CLINIC_RECOVERY_KEY")
        .env_remove("CLINIC_USER");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(std::process::Stdio::null()).output().unwrap()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The JSON a successful command printed.
pub fn json(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", stderr(out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A failure as the CLI promises it: status 1 and one line `clinic: <reason>` containing `needle`.
pub fn assert_one_line_failure(out: &Output, needle: &str) {
    assert_eq!(out.status.code(), Some(1), "{}", stderr(out));
    let text = stderr(out);
    assert_eq!(text.lines().count(), 1, "one line of reason: {text}");
    assert!(
        text.starts_with("clinic: ") && text.contains(needle),
        "{text}"
    );
}

/// Runs `clinic init` for a clinic called `name`, in UTC, whose administrator is `boss` / "a long enough
/// passphrase".
pub fn init_clinic(dir: &Path, name: &str) {
    let init = [
        "init",
        "--clinic-name",
        name,
        "--admin-user",
        "boss",
        "--time-zone",
        "UTC",
    ];
    json(&clinic(
        dir,
        &init,
        &[("CLINIC_ADMIN_PASSWORD", "a long enough passphrase")],
    ));
}
