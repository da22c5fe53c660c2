//! Setting up, pairing, pushing and pulling with the real server.

use std::process::Command;

use clinic_store::protocol::{PullAnswer, PushAnswer, PushRequest, PushResult, refusals};
use clinic_store::{Fields, SCHEMA_VERSION, Store, Table};
use serde_json::Value;

use crate::common::{
    Running, Serve, Talk, clinic_server, device, init, json, pair_request, pinned_client,
};

#[test]
fn init_makes_one_server_and_failures_say_why_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let made = init(dir.path());
    assert_eq!(made["fingerprint"].as_str().unwrap().len(), 32 * 3 - 1);
    assert!(
        made["clinicId"].is_null(),
        "no clinic until a device brings one"
    );

    for (args, says) in [
        (&["init"][..], "a clinic server already lives in"),
        (
            &["devices", "revoke", "nope"][..],
            "no device nope on this server",
        ),
        (
            &["serve", "--listen", "nowhere"][..],
            "invalid value 'nowhere'",
        ),
        (&["restore", "/no/such/backup"][..], "no clinic server in"),
    ] {
        let out = clinic_server(dir.path(), args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    let short = Command::new(env!("CARGO_BIN_EXE_clinic-server"))
        .args(["--data-dir", "unused", "init"])
        .env("CLINIC_SERVER_PASSPHRASE", "too short")
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&short.stderr)
            .contains("CLINIC_SERVER_PASSPHRASE must be at least 12 characters")
    );
    for (database, says) in [
        (
            "not a connection string",
            "is not a PostgreSQL connection string",
        ),
        (
            "postgresql://clinic@127.0.0.1:1/clinic",
            "the PostgreSQL database cannot be reached",
        ),
    ] {
        let fresh = tempfile::tempdir().unwrap();
        let out = clinic_server(fresh.path(), &["init", "--database", database]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(says), "{stderr}");
        assert!(
            !fresh.path().join("server.json").exists(),
            "nothing is left behind"
        );
    }
    if clinic_test_server::on_postgres() {
        let args = clinic_test_server::init_args();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        json(tempfile::tempdir().unwrap().path(), &args);
        let out = clinic_server(tempfile::tempdir().unwrap().path(), &args);
        assert!(
            String::from_utf8_lossy(&out.stderr)
                .contains("a clinic server already lives in that PostgreSQL database"),
            "one clinic server per database"
        );
    }
    let out = clinic_server(tempfile::tempdir().unwrap().path(), &["status"]);
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("run `clinic-server --data-dir DIR init` first")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn devices_pair_with_a_one_time_code_and_only_with_the_pinned_certificate() {
    let server = Running::start();
    let health = server
        .client()
        .get(format!("{}/health", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(health.headers()["clinic-epoch"].len(), 36);

    let other = tempfile::tempdir().unwrap();
    let stranger = init(other.path());
    let wrong_pin = pinned_client(stranger["fingerprint"].as_str().unwrap())
        .get(format!("{}/health", server.url))
        .send()
        .await;
    assert!(
        wrong_pin.is_err(),
        "a certificate other than the pinned one is refused"
    );
    // Before pairing, a person is shown the certificate's fingerprint to compare; once paired, another
    // certificate at the address is a refusal someone must look into, not "offline".
    let (url, fingerprint) = (server.url.clone(), server.fingerprint.clone());
    let stranger_pin = stranger["fingerprint"].as_str().unwrap().to_owned();
    let (shown, answered) = tokio::task::spawn_blocking(move || {
        let shown = clinic_sync::server_fingerprint(&url).unwrap();
        let address = clinic_core::ServerAddress::parse(&url, &stranger_pin).unwrap();
        let answered =
            clinic_core::ClinicServer::hello(&clinic_sync::HttpsServer::new(&address).unwrap());
        (shown, answered)
    })
    .await
    .unwrap();
    assert_eq!(shown, fingerprint);
    match answered {
        Err(clinic_core::CoreError::ServerRefused { code, .. }) => {
            assert_eq!(code, "certificate_changed")
        }
        other => panic!("another certificate must be refused, not {other:?}"),
    }

    let dirs = [(); 3].map(|()| tempfile::tempdir().unwrap());
    let first = device(dirs[0].path(), None, "A");
    let paired = server.pair(&first).await;
    assert_eq!(paired.prefix, "A");
    assert_eq!(paired.clinic_id, first.clinic_id());

    // A code works once.
    let code = server.pairing_code();
    let second = device(dirs[1].path(), Some(first.clinic_id()), "A");
    let client = server.client();
    let post = |body: Value| {
        client
            .post(format!("{}/v1/pair", server.url))
            .json(&body)
            .send()
    };
    let ok = post(serde_json::to_value(pair_request(&second, &code)).unwrap())
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.json::<Value>().await.unwrap()["prefix"], "B");
    let again = post(serde_json::to_value(pair_request(&second, &code)).unwrap())
        .await
        .unwrap();
    assert_eq!(again.status(), 409);
    assert_eq!(again.json::<Value>().await.unwrap()["code"], "refused");

    // A device of another clinic is refused, with the reason.
    let foreign = device(dirs[2].path(), None, "A");
    let refused =
        post(serde_json::to_value(pair_request(&foreign, &server.pairing_code())).unwrap())
            .await
            .unwrap();
    assert_eq!(refused.status(), 409);
    let said = refused.json::<Value>().await.unwrap();
    assert!(
        said["message"]
            .as_str()
            .unwrap()
            .contains("serves another clinic"),
        "{said}"
    );

    // A revoked device is refused from its next request on, and cannot get a new access token.
    let access = server.access(&paired.credential).await;
    let pull = || {
        client
            .get(format!("{}/v1/pull?after=0", server.url))
            .bearer_auth(&access)
            .send()
    };
    assert_eq!(pull().await.unwrap().status(), 200);
    // Any paired device may list the clinic's devices (the app shows them to administrators).
    let listed: Value = client
        .get(format!("{}/v1/devices", server.url))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let prefixes: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["prefix"].as_str().unwrap())
        .collect();
    assert_eq!(prefixes, ["A", "B"]);
    assert_eq!(listed[0]["id"], first.device_id());
    assert_eq!(listed[0]["revokedAt"], Value::Null);
    json(
        server.dir.path(),
        &["devices", "revoke", &first.device_id()],
    );
    let revoked = pull().await.unwrap();
    assert_eq!(revoked.status(), 401);
    assert_eq!(revoked.json::<Value>().await.unwrap()["code"], "revoked");
    let exchange = server.exchange(&paired.credential).await;
    assert_eq!(exchange.0, 401);
    assert_eq!(exchange.1["code"], "revoked");
    let listed = json(server.dir.path(), &["devices", "list"]);
    assert_eq!(listed.as_array().unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_credential_rotates_at_each_exchange_and_an_old_one_is_refused_once_the_next_is_used() {
    let server = Running::start();
    let dir = tempfile::tempdir().unwrap();
    let front = device(dir.path(), None, "A");
    let first = server.pair(&front).await.credential;

    let (status, one) = server.exchange(&first).await;
    assert_eq!(status, 200, "{one}");
    let second = one["credential"].as_str().unwrap().to_owned();
    assert_ne!(second, first);
    assert!(one["expiresAt"].is_string() && one["accessToken"].is_string());
    // The answer may have been lost on the way, or two rounds ran at once: the first credential
    // still works and gives the same next one, so every copy of the device agrees...
    let (status, again) = server.exchange(&first).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["credential"], one["credential"]);
    assert_ne!(again["accessToken"], one["accessToken"]);
    // ...until the device uses the next; then the one before is refused.
    let (status, next) = server.exchange(&second).await;
    assert_eq!(status, 200, "{next}");
    let third = next["credential"].as_str().unwrap().to_owned();
    let (status, said) = server.exchange(&first).await;
    assert_eq!((status, said["code"].as_str()), (401, Some("unauthorized")));
    // The one before the newest still gives the newest.
    assert_eq!(
        server.exchange(&second).await.1["credential"],
        third.as_str()
    );
    // An access token is not a credential, and a credential is not an access token.
    let access = one["accessToken"].as_str().unwrap();
    assert_eq!(server.exchange(access).await.0, 401);
    let pull = server
        .client()
        .get(format!("{}/v1/pull?after=0", server.url))
        .bearer_auth(&third)
        .send()
        .await
        .unwrap();
    assert_eq!(pull.status(), 401);
}

/// One round as a device does it: push its outbox, record the answer, pull and apply every page.
async fn sync(server: &Running, device: &Store, credential: &str) -> Vec<PushResult> {
    let client = server.client();
    let access = server.access(credential).await;
    let changes = device.changes_to_push(500).unwrap();
    let mut results = Vec::new();
    if !changes.is_empty() {
        let answer: PushAnswer = client
            .post(format!("{}/v1/push", server.url))
            .bearer_auth(&access)
            .json(&PushRequest {
                schema_version: SCHEMA_VERSION,
                seen_through: device.pull_cursor().unwrap(),
                changes,
            })
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        device.record_push(&answer.results).unwrap();
        results = answer.results;
    }
    loop {
        let page: PullAnswer = client
            .get(format!(
                "{}/v1/pull?after={}&limit=50",
                server.url,
                device.pull_cursor().unwrap()
            ))
            .bearer_auth(&access)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        device.apply_pulled(&page.changes).unwrap();
        if !page.more {
            return results;
        }
    }
}

/// A receptionist added as the clinic's setup adds users (no user yet), on the computer it was set up on.
fn receptionist(device: &Store, username: &str) -> String {
    user(device, username, "receptionist")
}

fn user(device: &Store, username: &str, role: &str) -> String {
    let id = uuid::Uuid::now_v7();
    device
        .write(None, |tx| {
            tx.insert_with_id(
                Table::Users,
                id,
                Fields::new()
                    .set("username", username)
                    .set("display_name", username)
                    .set("role", role)
                    .set("password_hash", "not a real hash")
                    .set("must_change_password", false),
            )
        })
        .unwrap();
    id.to_string()
}

fn register_aoife(tx: &mut clinic_store::WriteTx<'_>) -> clinic_store::StoreResult<uuid::Uuid> {
    let mrn = tx.next_number(clinic_store::Series::Mrn)?;
    tx.insert(
        Table::Patients,
        Fields::new()
            .set("mrn", mrn)
            .set("first_name", "Aoife")
            .set("last_name", "Byrne")
            .set("date_of_birth", "1990-03-04")
            .set("sex", "female")
            .set("phone", "+353 1 234 5678"),
    )
}

/// Each push result's refusal code, None where the change was taken.
fn refusal_codes(pushed: &[PushResult]) -> Vec<Option<&str>> {
    pushed
        .iter()
        .map(|r| match r {
            PushResult::Rejected { code, .. } => Some(code.as_str()),
            _ => None,
        })
        .collect()
}

/// A provider added to the clinic (a receptionist may); their id.
fn add_provider(tx: &mut clinic_store::WriteTx<'_>) -> clinic_store::StoreResult<String> {
    let id = tx.insert(
        Table::Providers,
        Fields::new()
            .set("display_name", "Dr. Grace Chen")
            .set("specialty", "Family medicine")
            .set("colour", "#123456"),
    )?;
    Ok(id.to_string())
}

/// Books (patient, provider, appointment type) for 30 minutes at `at` on 9 December 2026 (UTC).
fn book_at(
    tx: &mut clinic_store::WriteTx<'_>,
    (patient, provider, kind): &(String, String, Option<String>),
    at: &str,
) -> clinic_store::StoreResult<uuid::Uuid> {
    let mut fields = Fields::new()
        .set("patient_id", patient.as_str())
        .set("provider_id", provider.as_str())
        .set("starts_at", format!("2026-12-09T{at}:00Z"))
        .set("ends_at", format!("2026-12-09T{at}:30Z"))
        .set("status", "scheduled");
    if let Some(kind) = kind {
        fields = fields.set("appointment_type_id", kind.as_str());
    }
    tx.insert(Table::Appointments, fields)
}

/// Pushes `changes` as they are, as a device resending them would.
async fn push_again(
    server: &Running,
    credential: &str,
    changes: Vec<clinic_store::Change>,
) -> reqwest::Response {
    server
        .client()
        .post(format!("{}/v1/push", server.url))
        .bearer_auth(&server.access(credential).await)
        .json(&PushRequest {
            schema_version: SCHEMA_VERSION,
            seen_through: 0,
            changes,
        })
        .send()
        .await
        .unwrap()
}

fn phone(device: &Store, id: &str) -> String {
    device
        .read(|r| {
            r.query_row("SELECT phone FROM patients WHERE id = ?1", [id], |row| {
                row.get(0)
            })
        })
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_patient_registered_on_one_device_reaches_the_other_and_a_repeated_push_changes_nothing()
{
    let server = Running::start();
    let dirs = [(); 2].map(|()| tempfile::tempdir().unwrap());
    let front = device(dirs[0].path(), None, "A");
    let laptop = device(dirs[1].path(), Some(front.clinic_id()), "B");
    let front_pair = server.pair(&front).await;
    let laptop_pair = server.pair(&laptop).await;
    // The server checks each change against its user's role: the clinic's setup brings the users.
    let [lena, omar] = ["lena", "omar"].map(|name| receptionist(&front, name));

    let id = front
        .write(Some(&lena), register_aoife)
        .unwrap()
        .to_string();
    let pushed = sync(&server, &front, &front_pair.credential).await;
    assert!(
        pushed
            .iter()
            .all(|r| matches!(r, PushResult::Applied { .. })),
        "{pushed:?}"
    );
    sync(&server, &laptop, &laptop_pair.credential).await;
    assert_eq!(phone(&laptop, &id), "+353 1 234 5678");

    // The laptop edits; the front desk sees it after its next round.
    laptop
        .write(Some(&omar), |tx| {
            tx.update(
                Table::Patients,
                id.parse().unwrap(),
                Fields::new().set("phone", "+353 87 000 0000"),
            )
        })
        .unwrap();
    sync(&server, &laptop, &laptop_pair.credential).await;
    sync(&server, &front, &front_pair.credential).await;
    assert_eq!(phone(&front, &id), "+353 87 000 0000");

    // The same batch again (an answer lost on the way) is acknowledged and changes nothing.
    let before = json(server.dir.path(), &["status"]);
    let replay = push_again(
        &server,
        &front_pair.credential,
        front.outbox_history(0, 500).unwrap(),
    )
    .await;
    assert_eq!(replay.status(), 200);
    let answer: PushAnswer = replay.json().await.unwrap();
    assert!(
        answer
            .results
            .iter()
            .all(|r| matches!(r, PushResult::Duplicate { .. }))
    );
    let after = json(server.dir.path(), &["status"]);
    assert_eq!(before["changes"], after["changes"]);

    // Another change under a number already taken (a device put back by a backup) is refused whole,
    // never answered "duplicate": that would lose it.
    let mut restored = front.outbox_history(0, 1).unwrap();
    restored[0].change_id = uuid::Uuid::now_v7().to_string();
    let refused = push_again(&server, &front_pair.credential, restored).await;
    assert_eq!(refused.status(), 409);
    assert_eq!(
        refused.json::<Value>().await.unwrap()["code"],
        "device_restored"
    );
    assert_eq!(
        json(server.dir.path(), &["status"])["changes"],
        after["changes"]
    );

    // A batch that skips ahead is refused whole: the device resends from the gap.
    let mut ahead = front.outbox_history(0, 500).unwrap();
    for change in &mut ahead {
        change.device_seq += 100;
    }
    let gap = server
        .client()
        .post(format!("{}/v1/push", server.url))
        .bearer_auth(&server.access(&front_pair.credential).await)
        .json(&PushRequest {
            schema_version: SCHEMA_VERSION,
            seen_through: 0,
            changes: ahead,
        })
        .send()
        .await
        .unwrap();
    assert_eq!(gap.status(), 409);
    assert_eq!(gap.json::<Value>().await.unwrap()["code"], "sequence_gap");
    assert_eq!(
        json(server.dir.path(), &["status"])["changes"],
        after["changes"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_change_the_users_role_does_not_allow_is_refused_and_reaches_no_other_device() {
    let server = Running::start();
    let dirs = [(); 2].map(|()| tempfile::tempdir().unwrap());
    let front = device(dirs[0].path(), None, "A");
    let laptop = device(dirs[1].path(), Some(front.clinic_id()), "B");
    let front_pair = server.pair(&front).await;
    let laptop_pair = server.pair(&laptop).await;
    let lena = receptionist(&front, "lena");

    // A modified app on the front desk writes, as the receptionist, what her role may not: making
    // herself an administrator and adding to the price list. The patient she registers is hers to add.
    front
        .write(Some(&lena), |tx| {
            tx.update(
                Table::Users,
                lena.parse().unwrap(),
                Fields::new().set("role", "admin"),
            )?;
            tx.insert(
                Table::Services,
                Fields::new()
                    .set("code", "FREE")
                    .set("name", "Everything free")
                    .set("price_minor", 0),
            )?;
            register_aoife(tx)
        })
        .unwrap();
    let pushed = sync(&server, &front, &front_pair.credential).await;
    let refused: Vec<(&str, &str, bool)> = pushed
        .iter()
        .filter_map(|r| match r {
            PushResult::Rejected {
                reason,
                code,
                current,
                ..
            } => Some((reason.as_str(), code.as_str(), current.is_some())),
            _ => None,
        })
        .collect();
    assert_eq!(
        refused,
        [
            (
                "a user whose role is receptionist may not change users",
                "not_permitted",
                true
            ),
            (
                "a user whose role is receptionist may not change services",
                "not_permitted",
                false
            ),
        ],
        "{pushed:?}"
    );
    // Kept on the device for a person to see, never sent again; her role is put back to the server's,
    // and the price she added, which the server does not have, stays here (nothing is deleted).
    assert_eq!(front.sync_state().unwrap().needs_attention, 2);
    assert!(front.changes_to_push(10).unwrap().is_empty());
    let on_front = front
        .read(|r| {
            Ok::<_, clinic_store::StoreError>((
                r.query_row("SELECT role FROM users WHERE id = ?1", [&lena], |row| {
                    row.get::<_, String>(0)
                })?,
                r.count("SELECT count(*) FROM services", [])?,
            ))
        })
        .unwrap();
    assert_eq!(on_front, ("receptionist".to_owned(), 1));

    sync(&server, &laptop, &laptop_pair.credential).await;
    let seen = laptop
        .read(|r| {
            Ok::<_, clinic_store::StoreError>((
                r.count("SELECT count(*) FROM patients", [])?,
                r.count("SELECT count(*) FROM services", [])?,
                r.query_row("SELECT role FROM users WHERE id = ?1", [&lena], |row| {
                    row.get::<_, String>(0)
                })?,
            ))
        })
        .unwrap();
    assert_eq!(seen, (1, 0, "receptionist".to_owned()));
}

/// A change referring to a row whose insert was refused is refused too: in the push that refused it
/// and in any later one.
#[tokio::test(flavor = "multi_thread")]
async fn a_change_referring_to_a_refused_row_is_refused_in_that_push_and_later() {
    let server = Running::start();
    let dir = tempfile::tempdir().unwrap();
    let front = device(dir.path(), None, "A");
    let pair = server.pair(&front).await;
    let lena = receptionist(&front, "lena");
    sync(&server, &front, &pair.credential).await;

    // A modified app adds an appointment type as the receptionist (hers to do: no), and books Aoife
    // with a new provider (hers to add) for that type.
    let ids = front
        .write(Some(&lena), |tx| {
            let provider = add_provider(tx)?;
            let kind = tx.insert(
                Table::AppointmentTypes,
                Fields::new()
                    .set("name", "Free visit")
                    .set("duration_minutes", 30),
            )?;
            let aoife = register_aoife(tx)?;
            let ids = (aoife.to_string(), provider, Some(kind.to_string()));
            book_at(tx, &ids, "09:00")?;
            Ok::<_, clinic_store::StoreError>(ids)
        })
        .unwrap();
    let pushed = sync(&server, &front, &pair.credential).await;
    assert_eq!(
        refusal_codes(&pushed),
        [
            None,
            Some(refusals::NOT_PERMITTED),
            None,
            Some(refusals::REFERS_TO_REFUSED)
        ],
        "{pushed:?}"
    );

    front
        .write(Some(&lena), |tx| book_at(tx, &ids, "10:00"))
        .unwrap();
    let pushed = sync(&server, &front, &pair.credential).await;
    assert_eq!(
        refusal_codes(&pushed),
        [Some(refusals::REFERS_TO_REFUSED)],
        "{pushed:?}"
    );
}

/// Time off taken in a push holds for the bookings after it in the same push, though the provider's
/// time off was read for a booking before it.
#[tokio::test(flavor = "multi_thread")]
async fn time_off_taken_within_a_push_holds_for_the_bookings_after_it() {
    let server = Running::start();
    let dir = tempfile::tempdir().unwrap();
    let front = device(dir.path(), None, "A");
    let pair = server.pair(&front).await;
    let lena = receptionist(&front, "lena");
    sync(&server, &front, &pair.credential).await;

    let ids = front
        .write(Some(&lena), |tx| {
            let ids = (register_aoife(tx)?.to_string(), add_provider(tx)?, None);
            book_at(tx, &ids, "08:00")?;
            Ok::<_, clinic_store::StoreError>(ids)
        })
        .unwrap();
    front
        .write(Some(&lena), |tx| {
            tx.insert(
                Table::ProviderTimeOff,
                Fields::new()
                    .set("provider_id", ids.1.as_str())
                    .set("starts_at", "2026-12-09T09:00:00Z")
                    .set("ends_at", "2026-12-09T12:00:00Z"),
            )?;
            book_at(tx, &ids, "10:00")
        })
        .unwrap();
    let pushed = sync(&server, &front, &pair.credential).await;
    assert_eq!(
        refusal_codes(&pushed),
        [None, None, None, None, Some(refusals::PROVIDER_AWAY)],
        "{pushed:?}"
    );
}

/// The server reads an author's role once a push, and again after a change to that user in the same
/// push: a user demoted halfway through a push is checked with her new role from then on.
#[tokio::test(flavor = "multi_thread")]
async fn a_role_changed_within_a_push_holds_for_the_rest_of_that_push() {
    let server = Running::start();
    let dir = tempfile::tempdir().unwrap();
    let front = device(dir.path(), None, "A");
    let pair = server.pair(&front).await;
    let root = user(&front, "root", "admin");
    let lena = user(&front, "lena", "admin");
    sync(&server, &front, &pair.credential).await;

    let service = |code: &str| {
        Fields::new()
            .set("code", code)
            .set("name", code)
            .set("price_minor", 1000)
    };
    front
        .write(Some(&lena), |tx| {
            tx.insert(Table::Services, service("XRAY"))
        })
        .unwrap();
    front
        .write(Some(&root), |tx| {
            tx.update(
                Table::Users,
                lena.parse().unwrap(),
                Fields::new().set("role", "receptionist"),
            )
        })
        .unwrap();
    front
        .write(Some(&lena), |tx| {
            tx.insert(Table::Services, service("SCAN"))
        })
        .unwrap();
    let pushed = sync(&server, &front, &pair.credential).await;
    let outcomes: Vec<Option<&str>> = pushed
        .iter()
        .map(|r| match r {
            PushResult::Rejected { reason, .. } => Some(reason.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            None,
            None,
            Some("a user whose role is receptionist may not change services")
        ],
        "{pushed:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_re_enrolled_device_may_start_past_the_number_it_gave_once() {
    let server = Running::start();
    let dir = tempfile::tempdir().unwrap();
    let front = device(dir.path(), None, "A");
    let paired = server.pair(&front).await;
    let access = server.access(&paired.credential).await;
    let client = server.client();
    let post = |route: &str, token: &str, body: Value| {
        client
            .post(format!("{}{route}", server.url))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    let new_id = uuid::Uuid::now_v7().to_string();
    let enrolled = post(
        "/v1/reenrol",
        &access,
        serde_json::json!({
            "deviceId": new_id, "deviceName": "restored", "schemaVersion": SCHEMA_VERSION, "nextSeq": 10
        }),
    )
    .await
    .unwrap();
    assert_eq!(enrolled.status(), 200);
    let enrolled: Value = enrolled.json().await.unwrap();
    let access = server
        .access(enrolled["credential"].as_str().unwrap())
        .await;
    let change = |seq: i64| {
        serde_json::json!({
            "changeId": uuid::Uuid::now_v7().to_string(), "deviceId": new_id, "deviceSeq": seq,
            "hlc": format!("{:015}-00000-{new_id}", chrono::Utc::now().timestamp_millis()),
            "table": "devices", "rowId": new_id, "operation": "insert",
            "fields": { "name": "restored", "prefix": enrolled["prefix"] },
            "schemaVersion": SCHEMA_VERSION, "userId": null, "recordedAt": "2026-12-06T10:00:00.000Z"
        })
    };
    let push = |changes: Vec<Value>| serde_json::json!({ "schemaVersion": SCHEMA_VERSION, "seenThrough": 0, "changes": changes });
    // It wrote twice between saying "10" and becoming the new device: its first push starts at 12.
    let first = post("/v1/push", &access, push(vec![change(12)]))
        .await
        .unwrap();
    assert_eq!(first.status(), 200, "{:?}", first.text().await);
    let answer: PushAnswer = first.json().await.unwrap();
    assert!(matches!(
        answer.results[0],
        PushResult::Applied { device_seq: 12, .. }
    ));
    // After that, numbers go on without gaps as for any device.
    let gap = post("/v1/push", &access, push(vec![change(14)]))
        .await
        .unwrap();
    assert_eq!(gap.status(), 409);
    assert_eq!(gap.json::<Value>().await.unwrap()["code"], "sequence_gap");
}

/// The live channel (`/v1/events`): only with an access token; on connecting, the stream's newest
/// place at once unless `Last-Event-ID` says it was seen; then each push's newest place as it commits.
#[tokio::test]
async fn the_live_channel_tells_each_push_and_what_a_device_has_not_heard() {
    let server = Running::start();
    let dir = tempfile::tempdir().unwrap();
    let front = device(dir.path(), None, "A");
    let paired = server.pair(&front).await;
    let client = server.client();
    let url = format!("{}/v1/events", server.url);
    let refused = client.get(&url).send().await.unwrap();
    assert_eq!(refused.status(), 401);

    let lena = receptionist(&front, "lena");
    sync(&server, &front, &paired.credential).await;
    let latest = front.pull_cursor().unwrap();
    assert!(latest > 0);
    let access = server.access(&paired.credential).await;
    let listen = |seen: Option<i64>| {
        let mut request = client.get(&url).bearer_auth(&access);
        if let Some(seen) = seen {
            request = request.header("last-event-id", seen.to_string());
        }
        request.send()
    };
    // Reads the stream until an event's id, or gives up after `wait`.
    async fn next_place(
        response: &mut reqwest::Response,
        wait: std::time::Duration,
    ) -> Option<i64> {
        let mut text = String::new();
        let until = tokio::time::Instant::now() + wait;
        loop {
            let chunk = tokio::time::timeout_at(until, response.chunk())
                .await
                .ok()?;
            text.push_str(&String::from_utf8_lossy(&chunk.ok()??));
            if let Some(event) = text.split("\n\n").find(|e| e.contains("event: changes")) {
                let id = event.lines().find_map(|l| l.strip_prefix("id: "))?;
                return id.parse().ok();
            }
        }
    }
    let short = std::time::Duration::from_millis(700);
    let mut fresh = listen(None).await.unwrap();
    assert_eq!(fresh.status(), 200);
    assert_eq!(
        fresh.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );
    assert_eq!(next_place(&mut fresh, short).await, Some(latest));
    let mut caught_up = listen(Some(latest)).await.unwrap();
    assert_eq!(next_place(&mut caught_up, short).await, None, "nothing new");
    let mut behind = listen(Some(latest - 1)).await.unwrap();
    assert_eq!(next_place(&mut behind, short).await, Some(latest));

    front.write(Some(&lena), register_aoife).unwrap();
    sync(&server, &front, &paired.credential).await;
    let newer = front.pull_cursor().unwrap();
    assert!(newer > latest);
    let wait = std::time::Duration::from_secs(5);
    assert_eq!(next_place(&mut caught_up, wait).await, Some(newer));
    assert_eq!(next_place(&mut fresh, wait).await, Some(newer));
}

/// A booking longer than any appointment lasts is refused: the booking rule looks back that far only.
#[tokio::test(flavor = "multi_thread")]
async fn a_booking_longer_than_an_appointment_lasts_is_refused() {
    let server = Running::start();
    let dir = tempfile::tempdir().unwrap();
    let front = device(dir.path(), None, "A");
    let paired = server.pair(&front).await;
    let lena = receptionist(&front, "lena");
    let boss = user(&front, "boss", "admin");
    let provider = front
        .write(Some(&boss), |tx| {
            tx.insert(
                Table::Providers,
                Fields::new()
                    .set("display_name", "Dr Rosa Diaz")
                    .set("specialty", "General practice")
                    .set("colour", "#1c7ed6"),
            )
        })
        .unwrap();
    // A modified app books a whole day and a night in one appointment.
    front
        .write(Some(&lena), |tx| {
            let patient = register_aoife(tx)?;
            tx.insert(
                Table::Appointments,
                Fields::new()
                    .set("patient_id", patient)
                    .set("provider_id", provider)
                    .set("starts_at", "2027-01-04T08:00:00.000Z")
                    .set("ends_at", "2027-01-05T08:00:00.000Z"),
            )
        })
        .unwrap();
    let pushed = sync(&server, &front, &paired.credential).await;
    let refused: Vec<(&str, &str)> = pushed
        .iter()
        .filter_map(|r| match r {
            PushResult::Rejected { reason, code, .. } => Some((reason.as_str(), code.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(
        refused,
        [("an appointment lasts at most 8 hours", "bad_change")],
        "{pushed:?}"
    );
}

/// The stream's order is the order pushes commit in: twenty devices pushing at once, in small pushes,
/// while another pulls all along in small pages, and the puller sees every change once, in the order a
/// full pull afterwards lists them (a change committed behind its cursor would be missing).
#[tokio::test(flavor = "multi_thread")]
async fn twenty_devices_pushing_at_once_while_another_pulls_skip_and_repeat_nothing() {
    const DEVICES: usize = 20;
    const PATIENTS: usize = 12;
    let server = Running::start();
    let dirs: Vec<_> = (0..DEVICES).map(|_| tempfile::tempdir().unwrap()).collect();
    let first = device(dirs[0].path(), None, "A");
    let front = receptionist(&first, "front");
    let mut credentials = vec![server.pair(&first).await.credential];
    sync(&server, &first, &credentials[0]).await;
    let clinic = first.clinic_id().to_owned();
    let mut devices = vec![first];
    for (i, dir) in dirs.iter().enumerate().skip(1) {
        let store = device(dir.path(), Some(&clinic), &format!("D{i}"));
        credentials.push(server.pair(&store).await.credential);
        sync(&server, &store, &credentials[i]).await;
        devices.push(store);
    }
    for store in &devices {
        for _ in 0..PATIENTS {
            store.write(Some(&front), register_aoife).unwrap();
        }
    }
    let mut accesses = Vec::new();
    for credential in &credentials {
        accesses.push(server.access(credential).await);
    }
    let client = server.client();
    let pull = |after: i64, access: &str| {
        client
            .get(format!("{}/v1/pull?after={after}&limit=7", server.url))
            .bearer_auth(access)
            .send()
    };

    let pushing_done = std::sync::atomic::AtomicBool::new(false);
    let push_url = format!("{}/v1/push", server.url);
    let pushers = devices.iter().zip(&accesses).map(|(store, access)| {
        let (client, push_url) = (client.clone(), push_url.clone());
        async move {
            let mut applied = Vec::new();
            loop {
                let changes = store.changes_to_push(3).unwrap();
                if changes.is_empty() {
                    return applied;
                }
                let answer: PushAnswer = client
                    .post(push_url.as_str())
                    .bearer_auth(access)
                    .json(&PushRequest {
                        schema_version: SCHEMA_VERSION,
                        seen_through: 0,
                        changes,
                    })
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                store.record_push(&answer.results).unwrap();
                for result in answer.results {
                    match result {
                        PushResult::Applied { server_seq, .. } => applied.push(server_seq),
                        other => panic!("every change is taken: {other:?}"),
                    }
                }
            }
        }
    });
    let pushing = async {
        let applied = futures_util::future::join_all(pushers).await;
        pushing_done.store(true, std::sync::atomic::Ordering::SeqCst);
        applied
    };
    let pulling = async {
        let (mut seen, mut cursor, mut pages) = (Vec::new(), 0, 0);
        loop {
            let finished = pushing_done.load(std::sync::atomic::Ordering::SeqCst);
            let page: PullAnswer = pull(cursor, &accesses[0])
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            pages += 1;
            for pulled in &page.changes {
                assert!(
                    pulled.server_seq > cursor,
                    "pages come in the stream's order"
                );
                cursor = pulled.server_seq;
                seen.push((pulled.server_seq, pulled.change.change_id.clone()));
            }
            if finished && page.changes.is_empty() {
                return (seen, pages);
            }
        }
    };
    let (applied, (seen, pages)) = tokio::join!(pushing, pulling);

    let mut listed = Vec::new();
    loop {
        let after = listed.last().map_or(0, |(seq, _)| *seq);
        let page: PullAnswer = pull(after, &accesses[1])
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        listed.extend(
            page.changes
                .iter()
                .map(|c| (c.server_seq, c.change.change_id.clone())),
        );
        if !page.more {
            break;
        }
    }
    assert_eq!(seen, listed, "the puller saw the stream as it stands");
    let applied: std::collections::BTreeSet<i64> = applied.into_iter().flatten().collect();
    let listed_seqs: std::collections::BTreeSet<i64> = listed.iter().map(|(seq, _)| *seq).collect();
    assert!(applied.is_subset(&listed_seqs));
    assert!(applied.len() >= DEVICES * PATIENTS, "{}", applied.len());
    let ids: std::collections::BTreeSet<&String> = listed.iter().map(|(_, id)| id).collect();
    assert_eq!(ids.len(), listed.len(), "no change twice");
    assert!(
        pages > 10,
        "the pull ran while the pushes did ({pages} pages)"
    );
}

/// Each device's audit chain reaches the server whole or not at all: an entry altered on the way (or
/// on the device, behind the app's back) is refused with the rest of the push; the same entries sent
/// again change nothing; `clinic-server audit verify` walks every chain; and only a user whose role may
/// read the audit trail reads the clinic's.
#[tokio::test(flavor = "multi_thread")]
async fn audit_chains_are_checked_on_receipt_and_read_by_those_who_may() {
    let server = Running::start();
    let dir = tempfile::tempdir().unwrap();
    let desk = device(dir.path(), None, "A");
    let lena = receptionist(&desk, "lena");
    let boss = user(&desk, "boss", "admin");
    let credential = server.pair(&desk).await.credential;
    let aoife = desk.write(Some(&lena), register_aoife).unwrap().to_string();
    sync(&server, &desk, &credential).await;
    let client = server.client();
    let access = server.access(&credential).await;
    let audit_url = format!("{}/v1/audit", server.url);
    let head = || async {
        let answer: Value = client
            .get(format!("{}/v1/audit/head", server.url))
            .bearer_auth(&access)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        answer["seq"].as_i64().unwrap()
    };
    assert_eq!(head().await, 0, "nothing held yet");
    let entries = desk.audit_records_after(0, 1_000).unwrap();
    assert!(entries.len() >= 3, "{entries:?}");
    let push = |entries: Vec<clinic_store::protocol::AuditRecord>| {
        client
            .post(audit_url.as_str())
            .bearer_auth(&access)
            .json(&clinic_store::protocol::AuditPush { entries })
            .send()
    };

    let mut altered = entries.clone();
    altered[1].details = Some(r#"{"fields":["nothing"]}"#.into());
    let refused = push(altered).await.unwrap();
    assert_eq!(refused.status(), 409);
    let said: Value = refused.json().await.unwrap();
    assert_eq!(said["code"], "audit_broken");
    assert!(
        said["message"].as_str().unwrap().contains("entry 2"),
        "{said}"
    );
    assert_eq!(head().await, 0, "nothing of a refused push is kept");

    let taken = push(entries.clone()).await.unwrap();
    assert_eq!(taken.status(), 200);
    let newest = entries.last().unwrap().seq;
    assert_eq!(head().await, newest);
    assert_eq!(push(entries.clone()).await.unwrap().status(), 200);
    assert_eq!(head().await, newest, "entries sent again are taken once");

    let checks = server.json(&["audit", "verify"]);
    assert_eq!(checks[0]["entries"].as_i64(), Some(newest));
    assert!(checks[0]["firstBroken"].is_null(), "{checks}");

    let read = |as_user: String| {
        client
            .get(audit_url.as_str())
            .bearer_auth(&access)
            .query(&[
                ("asUser", as_user),
                ("patients", aoife.clone()),
                ("offset", "0".into()),
                ("limit", "50".into()),
            ])
            .send()
    };
    let forbidden = read(lena.clone()).await.unwrap();
    assert_eq!(forbidden.status(), 403);
    let page: Value = read(boss.clone()).await.unwrap().json().await.unwrap();
    let about: Vec<&Value> = page["entries"].as_array().unwrap().iter().collect();
    assert!(!about.is_empty());
    assert!(
        about
            .iter()
            .all(|e| e["entry"]["patientId"] == aoife.as_str()),
        "only entries about Aoife: {page}"
    );
}
