//! Two computers of one clinic through the real `clinic-server` binary on 127.0.0.1: the first pairs
//! and brings the clinic, the second joins it from nothing, users and their deactivation reach both.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use clinic_test_server::RunningServer;

use crate::common::{assert_one_line_failure, clinic, init_clinic, json, stderr};

/// `clinic-server`, built beside `clinic` by `cargo test --workspace`.
fn server_binary() -> PathBuf {
    let path = Path::new(env!("CARGO_BIN_EXE_clinic")).with_file_name("clinic-server");
    assert!(
        path.exists(),
        "{} is missing: build it with `cargo build -p clinic-server`",
        path.display()
    );
    path
}

fn start_server() -> RunningServer {
    RunningServer::launch(&server_binary())
}

/// `command` (`sync pair` or `join`) with the server's address, a new code and its fingerprint.
fn with_new_code(server: &RunningServer, command: &[&str]) -> Vec<String> {
    let said = server.json(&["pair"]);
    let (code, fingerprint) = (
        said["code"].as_str().unwrap(),
        said["fingerprint"].as_str().unwrap(),
    );
    let mut args: Vec<String> = command.iter().map(|a| (*a).to_owned()).collect();
    args.extend([
        "--server".into(),
        server.url.clone(),
        "--code".into(),
        code.into(),
    ]);
    args.extend(["--fingerprint".into(), fingerprint.into()]);
    args
}

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

/// The front desk's computer: a new clinic whose administrator is boss.
fn front_desk() -> tempfile::TempDir {
    let front = tempfile::tempdir().unwrap();
    init_clinic(front.path(), "Harbour Dental");
    front
}

const BOSS: [(&str, &str); 2] = [
    ("CLINIC_USER", "boss"),
    ("CLINIC_PASSWORD", "a long enough passphrase"),
];

#[test]
fn a_second_computer_joins_the_clinic_and_a_user_deactivated_on_it_is_refused_on_the_first() {
    let server = start_server();
    let front = front_desk();
    let lena = [
        ("CLINIC_USER", "lena"),
        ("CLINIC_PASSWORD", "lena first password"),
    ];
    json(&clinic(
        front.path(),
        &[
            "users",
            "add",
            "lena",
            "--name",
            "Lena Ward",
            "--role",
            "receptionist",
        ],
        &[BOSS[0], BOSS[1], ("CLINIC_NEW_PASSWORD", lena[1].1)],
    ));

    // Not paired yet: said in one line. A wrong fingerprint is refused before anything is sent.
    assert_one_line_failure(&clinic(front.path(), &["sync", "run"], &BOSS), "not paired");
    let pair = with_new_code(&server, &["sync", "pair"]);
    let fingerprint = pair.last().unwrap().clone();
    let mut pin = pair.clone();
    *pin.last_mut().unwrap() = fingerprint.replace(
        &fingerprint[..2],
        if &fingerprint[..2] == "00" {
            "11"
        } else {
            "00"
        },
    );
    assert_one_line_failure(
        &clinic(front.path(), &strs(&pin), &BOSS),
        "not the one this device paired with",
    );

    let paired = json(&clinic(front.path(), &strs(&pair), &BOSS));
    assert_eq!(paired["paired"], true);
    assert_eq!(paired["devicePrefix"], "A");
    let round = json(&clinic(front.path(), &["sync", "run"], &BOSS));
    assert!(round["pushed"].as_u64().unwrap() > 5, "{round}");
    assert_eq!(
        json(&clinic(front.path(), &["sync", "status"], &BOSS))["changesWaiting"],
        0
    );

    // The laptop joins from nothing: its own store and key, the clinic pulled in, the number series B.
    let laptop = tempfile::tempdir().unwrap().path().join("laptop");
    let join = with_new_code(&server, &["join"]);
    let join = strs(&join);
    let out = clinic(&laptop, &join, &[]);
    let joined = json(&out);
    assert_eq!(joined["devicePrefix"], "B");
    assert!(
        stderr(&out).contains("Recovery key (shown only now)"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("(100%)"), "{}", stderr(&out));
    let users = clinic(&laptop, &["users", "list"], &BOSS);
    assert!(users.status.success(), "{}", stderr(&users));
    assert_eq!(String::from_utf8_lossy(&users.stdout).lines().count(), 2);
    let again = clinic(&laptop, &join, &[]);
    assert_one_line_failure(&again, "already holds a clinic");

    // Lena is stopped on the laptop; after both sync, the front desk refuses her too.
    let deactivate = clinic(&laptop, &["users", "deactivate", "lena"], &BOSS);
    assert!(deactivate.status.success(), "{}", stderr(&deactivate));
    json(&clinic(&laptop, &["sync", "run"], &BOSS));
    let round = json(&clinic(front.path(), &["sync", "run"], &BOSS));
    assert!(round["pulled"].as_u64().unwrap() >= 1, "{round}");
    // Both computers and the server hold the same: their digests say so.
    let digest = json(&clinic(front.path(), &["sync", "digest"], &BOSS));
    assert!(digest["users"]["rows"].as_u64() == Some(2), "{digest}");
    assert_eq!(json(&clinic(&laptop, &["sync", "digest"], &BOSS)), digest);
    assert_eq!(server.json(&["digest"]), digest);
    assert_one_line_failure(&clinic(front.path(), &["passwd"], &lena), "");
    let listed = String::from_utf8_lossy(&clinic(front.path(), &["users", "list"], &BOSS).stdout)
        .into_owned();
    let lena_line = listed.lines().find(|l| l.contains("\"lena\"")).unwrap();
    assert!(lena_line.contains("\"active\":false"), "{lena_line}");

    // With the server gone, a round fails in one line and nothing waiting is lost.
    json(&clinic(
        front.path(),
        &[
            "users",
            "add",
            "omar",
            "--name",
            "Omar Said",
            "--role",
            "doctor",
        ],
        &[
            BOSS[0],
            BOSS[1],
            ("CLINIC_NEW_PASSWORD", "omar first password"),
        ],
    ));
    drop(server);
    assert_one_line_failure(
        &clinic(front.path(), &["sync", "run"], &BOSS),
        "cannot be reached",
    );
    let status = json(&clinic(front.path(), &["sync", "status"], &BOSS));
    assert!(status["changesWaiting"].as_i64().unwrap() >= 1, "{status}");
    assert!(
        status["lastError"]
            .as_str()
            .unwrap()
            .contains("cannot be reached"),
        "{status}"
    );
}

#[test]
fn a_join_killed_in_the_middle_of_its_pull_shows_the_key_and_finishes_when_run_again() {
    use std::io::{BufRead, BufReader};
    let server = start_server();
    let front = front_desk();
    // Thousands of changes: the pull takes several pages.
    json(&clinic(front.path(), &["demo"], &BOSS));
    let pair = with_new_code(&server, &["sync", "pair"]);
    json(&clinic(front.path(), &strs(&pair), &BOSS));
    json(&clinic(front.path(), &["sync", "run"], &BOSS));

    let laptop = tempfile::tempdir().unwrap().path().join("laptop");
    let join = with_new_code(&server, &["join"]);
    let join = strs(&join);
    let mut joining = Command::new(env!("CARGO_BIN_EXE_clinic"))
        .arg("--data-dir")
        .arg(&laptop)
        .args(&join)
        .env("CLINIC_DB_PASSPHRASE", crate::common::PASSPHRASE)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut said = Vec::new();
    for line in BufReader::new(joining.stderr.take().unwrap()).lines() {
        let line = line.unwrap();
        let first_page = line.contains("joining:");
        said.push(line);
        if first_page {
            // SIGKILL, after its first page and before the last.
            joining.kill().unwrap();
            break;
        }
    }
    let ended = joining.wait().unwrap();
    assert!(!ended.success(), "killed before the end: {said:?}");
    assert!(!said.last().unwrap().contains("(100%)"), "{said:?}");
    assert!(
        said.iter()
            .any(|l| l.contains("Recovery key (shown only now)")),
        "the key was handed over before the pull: {said:?}"
    );

    // No one signs in on a clinic half pulled in.
    assert_one_line_failure(
        &clinic(&laptop, &["users", "list"], &BOSS),
        "has not finished joining",
    );
    // Run again: it goes on from the page it had applied, and the laptop holds what the front desk does.
    let again = clinic(&laptop, &join, &[]);
    let finished = json(&again);
    assert_eq!(finished["devicePrefix"], "B");
    assert!(stderr(&again).contains("(100%)"), "{}", stderr(&again));
    // Its own device record goes out at its first round; then all three hold the same.
    json(&clinic(&laptop, &["sync", "run"], &BOSS));
    json(&clinic(front.path(), &["sync", "run"], &BOSS));
    let digest = json(&clinic(front.path(), &["sync", "digest"], &BOSS));
    assert!(
        digest["appointments"]["rows"].as_u64().unwrap() > 100,
        "{digest}"
    );
    assert_eq!(json(&clinic(&laptop, &["sync", "digest"], &BOSS)), digest);
    assert_eq!(server.json(&["digest"]), digest);
}
