//! Changes pulled from the clinic server: applied through the write path without an outbox record,
//! column by column by HLC, idempotently, a page at a time with its cursor; conflicts with unpushed
//! local edits kept for a person. The "server" here is a relay that numbers the changes in order.

use chrono::{DateTime, TimeZone, Utc};
use clinic_store::protocol::{PushResult, ServerRow};
use clinic_store::{Change, Fields, PageApplied, PulledChange, Store, StoreError, Table};
use uuid::Uuid;

use crate::common::{Parents, create, device, no_init, passphrase, sample};

/// The clinic's ordered stream, as the server keeps it.
#[derive(Default)]
struct Relay {
    stream: Vec<PulledChange>,
}

impl Relay {
    /// Takes what `device` has not pushed yet, as the server accepts it, and answers with the places.
    fn push(&mut self, device: &Store) {
        self.push_refusing(device, |_| false);
    }

    /// Pulls what is new, as the device would just after the newest of it was made.
    fn pull(&self, device: &Store) -> PageApplied {
        let cursor = device.pull_cursor().unwrap();
        let page: Vec<PulledChange> = self
            .stream
            .iter()
            .filter(|c| c.server_seq > cursor)
            .cloned()
            .collect();
        let newest = page
            .iter()
            .filter_map(|c| c.change.hlc.parse::<clinic_store::HlcStamp>().ok())
            .map(|stamp| stamp.wall_ms)
            .max()
            .and_then(DateTime::from_timestamp_millis)
            .unwrap_or_else(Utc::now);
        device.apply_pulled_at(newest, &page).unwrap()
    }

    /// Like [`Relay::push`], but the changes `refuse` picks are refused, answered with the row as the
    /// stream has it (as the server answers).
    fn push_refusing(&mut self, device: &Store, refuse: impl Fn(&Change) -> bool) -> usize {
        let seen_through = device.pull_cursor().unwrap();
        let mut answers = Vec::new();
        for change in device.changes_to_push(1_000).unwrap() {
            if refuse(&change) {
                answers.push(PushResult::Rejected {
                    device_seq: change.device_seq,
                    reason: "refused by the test".into(),
                    code: "not_permitted".into(),
                    clashes_with: None,
                    current: self.row(&change.table, &change.row_id),
                });
                continue;
            }
            let server_seq = self.stream.len() as i64 + 1;
            answers.push(PushResult::Applied {
                device_seq: change.device_seq,
                server_seq,
            });
            self.stream.push(PulledChange {
                server_seq,
                seen_through,
                change,
            });
        }
        device.record_push(&answers).unwrap();
        answers
            .iter()
            .filter(|a| matches!(a, PushResult::Rejected { .. }))
            .count()
    }

    /// A row as the stream's changes leave it, each column with its newest stamp (as the server keeps
    /// it); None when no change made it.
    fn row(&self, table: &str, row_id: &str) -> Option<ServerRow> {
        let mut row: Option<ServerRow> = None;
        for c in self
            .stream
            .iter()
            .map(|p| &p.change)
            .filter(|c| c.table == table && c.row_id == row_id)
        {
            let row = row.get_or_insert_with(|| ServerRow {
                clocks: [("*".to_owned(), c.hlc.clone())].into(),
                ..ServerRow::default()
            });
            for (column, value) in &c.fields {
                let newer = row
                    .clocks
                    .get(column)
                    .or(row.clocks.get("*"))
                    .is_none_or(|was| *was <= c.hlc);
                if newer {
                    row.fields.insert(column.clone(), value.clone());
                    row.clocks.insert(column.clone(), c.hlc.clone());
                }
            }
        }
        row
    }

    /// One round, as a device always does it: push, then pull.
    fn sync(&mut self, device: &Store) -> PageApplied {
        self.push(device);
        self.pull(device)
    }
}

/// Another device of the clinic: its own number series.
fn second_device(dir: &std::path::Path) -> Store {
    Store::create(dir, &passphrase(), &device("B"), no_init)
        .unwrap()
        .0
}

/// Two devices of one clinic that both hold the same patient (registered on A at second 0).
struct Clinic {
    a: Store,
    b: Store,
    relay: Relay,
    id: Uuid,
    _dirs: [tempfile::TempDir; 2],
}

fn two_devices_with_a_patient() -> Clinic {
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let (a, b) = (create(dirs[0].path()), second_device(dirs[1].path()));
    let mut relay = Relay::default();
    let id = register(&a, at(0));
    relay.sync(&a);
    relay.sync(&b);
    Clinic {
        a,
        b,
        relay,
        id,
        _dirs: dirs,
    }
}

fn at(seconds: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_800_000_000 + seconds, 0).unwrap()
}

fn register(device: &Store, when: DateTime<Utc>) -> Uuid {
    let (row, _) = sample(Table::Patients, &Parents::default(), 7);
    device
        .write_at(when, Some("user-a"), |tx| tx.insert(Table::Patients, row))
        .unwrap()
}

fn edit(device: &Store, when: DateTime<Utc>, id: Uuid, fields: Fields) {
    device
        .write_at(when, Some("user-b"), |tx| {
            tx.update(Table::Patients, id, fields)
        })
        .unwrap();
}

/// Every column of the patient, metadata included, as SQL literals.
fn patient(device: &Store, id: Uuid) -> String {
    device
        .read(|r| {
            let columns: Vec<String> = r.query_all(
                "SELECT 'quote(' || name || ')' FROM pragma_table_info('patients')",
                [],
                |row| row.get(0),
            )?;
            r.query_row(
                &format!(
                    "SELECT {} FROM patients WHERE id = ?1",
                    columns.join(" || '|' || ")
                ),
                [id.to_string()],
                |row| row.get(0),
            )
        })
        .unwrap()
}

/// One column of the patient, as text.
fn column(device: &Store, id: Uuid, column: &str) -> Option<String> {
    device
        .read(|r| {
            r.query_row(
                &format!("SELECT {column} FROM patients WHERE id = ?1"),
                [id.to_string()],
                |row| row.get(0),
            )
        })
        .unwrap()
}

fn count(device: &Store, sql: &str) -> i64 {
    device.read(|r| r.count(sql, [])).unwrap()
}

#[test]
fn a_pulled_change_makes_the_same_row_and_is_applied_once() {
    let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (create(a_dir.path()), second_device(b_dir.path()));
    let mut relay = Relay::default();
    let id = register(&a, at(0));
    edit(
        &a,
        at(10),
        id,
        Fields::new().set("phone", "+34 600 111 222"),
    );
    relay.push(&a);
    let outbox_before = count(&b, "SELECT count(*) FROM outbox");

    let first = relay.pull(&b);
    // A's device row, the patient, the edit.
    assert_eq!((first.applied, first.unchanged, first.conflicts), (3, 0, 0));
    assert_eq!(
        patient(&b, id),
        patient(&a, id),
        "the same row, metadata included"
    );
    assert_eq!(
        count(&b, "SELECT count(*) FROM outbox"),
        outbox_before,
        "a pulled change is not pushed back"
    );
    let audited: String = b
        .read(|r| {
            r.query_row(
                "SELECT device_id || ' ' || user_id || ' ' || json_extract(details, '$.source')
                 FROM audit_log WHERE entity_id = ?1 AND action = 'update'",
                [id.to_string()],
                |row| row.get(0),
            )
        })
        .unwrap();
    assert_eq!(audited, format!("{} user-b sync", a.device_id()));

    // The same page again (a retry after a lost answer) changes nothing, nor does A's own echo.
    let again = b.apply_pulled(&relay.stream).unwrap();
    assert_eq!((again.applied, again.cursor), (0, 3));
    let echo = relay.pull(&a);
    assert_eq!((echo.applied, echo.unchanged, echo.cursor), (0, 3, 3));
    assert_eq!(count(&b, "SELECT count(*) FROM pulled_changes"), 3);
    assert!(
        b.rows_unlike_their_changes(Table::Patients, &["phone", "last_name"], "1")
            .unwrap()
            .is_empty(),
        "a row written by sync adds up to its changes"
    );
}

#[test]
fn concurrent_edits_converge_column_by_column_and_keep_both_values_of_a_clash() {
    let Clinic {
        a,
        b,
        mut relay,
        id,
        ..
    } = two_devices_with_a_patient();

    // Offline: both change the phone; A the email, B the notes. B's phone is the later edit.
    edit(
        &a,
        at(100),
        id,
        Fields::new()
            .set("phone", "A's phone")
            .set("email", "a@example.org"),
    );
    edit(
        &b,
        at(200),
        id,
        Fields::new()
            .set("phone", "B's phone")
            .set("notes", "from B"),
    );
    relay.sync(&a);
    let at_b = relay.sync(&b);
    let at_a = relay.sync(&a);
    relay.sync(&b);

    assert_eq!(
        patient(&a, id),
        patient(&b, id),
        "both devices hold the same row"
    );
    let values = ["phone", "email", "notes"].map(|c| column(&a, id, c).unwrap_or_default());
    assert_eq!(values, ["B's phone", "a@example.org", "from B"]);
    // Each device met the other's phone edit made without seeing its own: both keep both values.
    assert_eq!((at_b.conflicts, at_a.conflicts), (1, 1));
    for (device, reason) in [
        (&a, "the other device's edit is newer"),
        (&b, "this device's edit is newer"),
    ] {
        let kept: (String, String, String, String) = device
            .read(|r| {
                r.query_row(
                    "SELECT field, local_value, remote_value, reason FROM conflicts",
                    [],
                    |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
                )
            })
            .unwrap();
        assert_eq!(kept.0, "phone");
        assert!(kept.1.contains("phone") && kept.2.contains("phone"));
        assert_eq!(kept.3, reason);
    }
}

#[test]
fn an_archived_row_stays_archived_when_a_stale_device_edits_it() {
    let Clinic {
        a,
        b,
        mut relay,
        id,
        ..
    } = two_devices_with_a_patient();
    b.write_at(at(100), None, |tx| tx.archive(Table::Patients, id))
        .unwrap();
    // A has not seen the archive and edits the phone later.
    edit(&a, at(300), id, Fields::new().set("phone", "+1 555 0100"));
    relay.push(&b);
    relay.push(&a);
    relay.pull(&a);
    relay.pull(&b);
    for device in [&a, &b] {
        assert!(
            column(device, id, "archived_at").is_some(),
            "the edit does not bring the patient back"
        );
        assert_eq!(column(device, id, "phone").as_deref(), Some("+1 555 0100"));
    }
    assert_eq!(patient(&a, id), patient(&b, id));
}

#[test]
fn a_page_with_a_change_this_device_cannot_apply_leaves_nothing_and_keeps_the_cursor() {
    let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (create(a_dir.path()), second_device(b_dir.path()));
    let mut relay = Relay::default();
    let id = register(&a, at(0));
    relay.push(&a);
    let mut bad: Change = relay.stream.last().unwrap().change.clone();
    bad.change_id = Uuid::now_v7().to_string();
    bad.operation = clinic_store::Operation::Update;
    bad.fields = serde_json::json!({ "no_such_column": 1 })
        .as_object()
        .unwrap()
        .clone();
    relay.stream.push(PulledChange {
        server_seq: relay.stream.len() as i64 + 1,
        seen_through: 0,
        change: bad,
    });
    let before = count(&b, "SELECT count(*) FROM audit_log");
    let refused = b.apply_pulled_at(at(1), &relay.stream);
    assert!(
        matches!(refused, Err(StoreError::UnknownColumn { .. })),
        "{refused:?}"
    );
    assert_eq!(b.pull_cursor().unwrap(), 0);
    assert_eq!(
        count(
            &b,
            &format!("SELECT count(*) FROM patients WHERE id = '{id}'")
        ),
        0
    );
    assert_eq!(count(&b, "SELECT count(*) FROM pulled_changes"), 0);
    assert_eq!(count(&b, "SELECT count(*) FROM audit_log"), before);
}

#[test]
fn a_device_whose_clock_is_hours_behind_orders_its_next_edit_after_what_it_pulled() {
    let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (create(a_dir.path()), second_device(b_dir.path()));
    let mut relay = Relay::default();
    let id = register(&a, at(0));
    edit(&a, at(7_200), id, Fields::new().set("phone", "from A"));
    relay.push(&a);
    relay.pull(&b);
    // B's wall clock is two hours behind A's: its edit still comes after the one it has seen.
    edit(&b, at(1), id, Fields::new().set("phone", "from B, later"));
    relay.push(&b);
    relay.pull(&a);
    for device in [&a, &b] {
        assert_eq!(
            column(device, id, "phone").as_deref(),
            Some("from B, later")
        );
    }
    // B's clock stays ahead of what it pulled after a restart too.
    drop(b);
    let b = Store::open(b_dir.path(), &passphrase()).unwrap();
    edit(
        &b,
        at(2),
        id,
        Fields::new().set("phone", "from B, after a restart"),
    );
    let stamp = column(&b, id, "hlc").unwrap();
    let pulled = relay
        .stream
        .iter()
        .filter(|c| c.change.device_id == a.device_id())
        .map(|c| c.change.hlc.clone())
        .max()
        .unwrap();
    assert!(stamp > pulled, "{stamp} after {pulled}");
}

#[test]
fn a_change_stamped_far_ahead_of_the_clinics_time_is_refused_until_the_clock_is_put_right() {
    let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (create(a_dir.path()), second_device(b_dir.path()));
    let mut relay = Relay::default();
    let id = register(&a, at(0));
    edit(&a, at(3_600), id, Fields::new().set("phone", "from A"));
    relay.push(&a);

    // B's clock says an hour before A's change: taking it would drag B's clock an hour ahead.
    let refused = b.apply_pulled_at(at(0), &relay.stream);
    assert!(
        matches!(refused, Err(StoreError::ClockAhead { minutes: 60 })),
        "{refused:?}"
    );
    assert_eq!(b.pull_cursor().unwrap(), 0);
    assert_eq!(count(&b, "SELECT count(*) FROM pulled_changes"), 0);

    // The server said B's clock is an hour behind: B now runs on the clinic's time and takes it.
    b.set_clock_offset(3_600_000).unwrap();
    b.apply_pulled_at(at(0), &relay.stream).unwrap();
    assert_eq!(column(&b, id, "phone").as_deref(), Some("from A"));
    assert_eq!(b.sync_state().unwrap().clock_offset_ms, 3_600_000);
    // Its next edit is stamped on the clinic's time, and the offset outlives a restart.
    drop(b);
    let b = Store::open(b_dir.path(), &passphrase()).unwrap();
    edit(&b, at(10), id, Fields::new().set("phone", "from B"));
    let stamp: clinic_store::HlcStamp = column(&b, id, "hlc").unwrap().parse().unwrap();
    assert_eq!(stamp.wall_ms, at(3_610).timestamp_millis());
}

/// Pages of changes as a broken or hostile server might send them: mostly plausible edits of the
/// patient both devices hold, and tables, columns, values, stamps and rows of every kind.
fn any_page(
    device: String,
    row: String,
) -> impl proptest::strategy::Strategy<Value = Vec<PulledChange>> {
    use proptest::prelude::*;
    let value = prop_oneof![
        4 => "[A-Za-z +0-9]{1,20}".prop_map(serde_json::Value::from),
        1 => prop_oneof![
            Just(serde_json::Value::Null),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<f64>().prop_map(|f| serde_json::json!(f)),
            ".{0,20}".prop_map(serde_json::Value::from),
            Just(serde_json::json!({ "$hex": "zz" })),
            Just(serde_json::json!([1, 2])),
        ],
    ];
    let column = prop_oneof![
        4 => prop_oneof![
            Just("phone".to_owned()),
            Just("first_name".to_owned()),
            Just("city".to_owned()),
            Just("archived_at".to_owned()),
        ],
        1 => prop_oneof![Just("hlc".to_owned()), Just("id".to_owned()), "[a-z_;' ]{1,12}"],
    ];
    let table = prop_oneof![
        4 => Just("patients".to_owned()),
        1 => prop_oneof![Just("users".to_owned()), "[a-z_]{1,12}"],
    ];
    let row_id = prop_oneof![4 => Just(row), 1 => "[a-z0-9-]{0,36}"];
    let operation = prop_oneof![
        4 => Just("update"),
        1 => prop_oneof![Just("insert"), Just("archive"), Just("restore")],
    ];
    // Within a minute and a half of the device's clock (at 100 s), or far ahead, or not a stamp.
    let stamp = prop_oneof![
        8 => (0..100_000i64, 0..3u32)
            .prop_map(|(ms, n)| format!("{:015}-{n:05}-x", 1_800_000_000_000 + ms)),
        1 => prop_oneof![Just("999999999999999-00000-x".to_owned()), ".{0,30}"],
    ];
    let fields = prop::collection::btree_map(column, value, 0..4);
    let change = (table, row_id, operation, stamp, fields);
    prop::collection::vec(change, 1..4).prop_map(move |changes| {
        changes
            .into_iter()
            .enumerate()
            .map(
                |(i, (table, row_id, operation, hlc, fields))| PulledChange {
                    server_seq: i as i64 + 1,
                    seen_through: 0,
                    change: Change {
                        change_id: Uuid::now_v7().to_string(),
                        device_id: device.clone(),
                        device_seq: i as i64 + 1,
                        hlc,
                        table,
                        row_id,
                        operation: clinic_store::Operation::from_name(operation).unwrap(),
                        fields: fields.into_iter().collect(),
                        schema_version: clinic_store::SCHEMA_VERSION,
                        user_id: None,
                        recorded_at: "2027-01-15T08:00:00.000Z".into(),
                    },
                },
            )
            .collect()
    })
}

#[test]
fn a_page_of_any_content_is_applied_whole_or_refused_with_nothing_changed() {
    use proptest::prelude::*;
    let clinic = two_devices_with_a_patient();
    let config = ProptestConfig {
        cases: 200,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let page = any_page("device-x".into(), clinic.id.to_string());
    proptest!(config, |(page in page)| {
        let cursor = clinic.b.pull_cursor().unwrap();
        let seen = count(&clinic.b, "SELECT count(*) FROM pulled_changes");
        let shifted: Vec<PulledChange> = page
            .into_iter()
            .map(|mut c| {
                c.server_seq += cursor;
                c
            })
            .collect();
        match clinic.b.apply_pulled_at(at(100), &shifted) {
            Ok(done) => prop_assert_eq!(done.cursor, cursor + shifted.len() as i64),
            Err(_) => {
                prop_assert_eq!(clinic.b.pull_cursor().unwrap(), cursor);
                prop_assert_eq!(count(&clinic.b, "SELECT count(*) FROM pulled_changes"), seen);
            }
        }
    });
    // Whatever was taken, the store still writes.
    edit(
        &clinic.b,
        at(200),
        clinic.id,
        Fields::new().set("phone", "+1 555 0100"),
    );
}

/// A refused edit goes back to the server's values on the device that made it (columns it wrote again
/// since stay), its values kept in conflicts; a refused insert stays, in conflicts once however many
/// of its edits are refused; and the devices converge.
#[test]
fn a_refused_change_is_put_back_to_the_servers_row_and_kept_for_a_person() {
    let Clinic {
        a,
        b,
        mut relay,
        id,
        ..
    } = two_devices_with_a_patient();
    edit(&a, at(100), id, Fields::new().set("phone", "A's phone"));
    relay.sync(&a);
    // B, not having pulled A's edit: one change the server refuses, then notes again.
    edit(
        &b,
        at(200),
        id,
        Fields::new()
            .set("phone", "B's phone")
            .set("notes", "B's first"),
    );
    edit(&b, at(300), id, Fields::new().set("notes", "B's second"));
    let refused = relay.push_refusing(&b, |c| c.fields.contains_key("phone"));
    assert_eq!(refused, 1);
    // The phone is the server's again; the notes B wrote later stay B's.
    assert_eq!(column(&b, id, "phone").as_deref(), Some("A's phone"));
    assert_eq!(column(&b, id, "notes").as_deref(), Some("B's second"));
    let kept: (String, String, Option<String>, String) = b
        .read(|r| {
            r.query_row(
                "SELECT kind, local_value, remote_value, code FROM conflicts",
                [],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
            )
        })
        .unwrap();
    assert_eq!(kept.0, "rejected");
    assert!(kept.1.contains("B's phone") && kept.1.contains("B's first"));
    assert!(kept.2.is_some_and(|server| server.contains("A's phone")));
    assert_eq!(kept.3, "not_permitted");
    assert_eq!(b.sync_state().unwrap().needs_attention, 1);

    // Pulling A's edit changes nothing more on B, and both hold the same row.
    relay.pull(&b);
    relay.sync(&a);
    assert_eq!(patient(&a, id), patient(&b, id));
    // What B holds is what its recorded changes add up to: the refused one no longer counts.
    let altered = b
        .rows_unlike_their_changes(Table::Patients, &["phone", "notes"], "1")
        .unwrap();
    assert_eq!(altered, []);
    assert_eq!(
        count(
            &b,
            "SELECT count(*) FROM audit_log WHERE action = 'refused'"
        ),
        1
    );

    // An archive refused: the server's row never held `archived_at` (an insert leaves it out), so the
    // patient is active again here, as everywhere else.
    b.write_at(at(350), Some("user-b"), |tx| {
        tx.archive(Table::Patients, id)
    })
    .unwrap();
    let refused = relay.push_refusing(&b, |c| c.fields.contains_key("archived_at"));
    assert_eq!(refused, 1);
    assert_eq!(column(&b, id, "archived_at"), None);
    relay.sync(&a);
    // The same content (when it was last changed here is this computer's own bookkeeping).
    assert_eq!(a.content_digest().unwrap(), b.content_digest().unwrap());

    // A patient registered on B whose insert is refused stays on B (nothing is deleted), and its
    // later edit, refused for it, makes no second entry.
    let (row, _) = sample(Table::Patients, &Parents::default(), 8);
    let new = b
        .write_at(at(400), Some("user-b"), |tx| {
            tx.insert(Table::Patients, row)
        })
        .unwrap();
    edit(&b, at(500), new, Fields::new().set("notes", "seen today"));
    let new_text = new.to_string();
    assert_eq!(relay.push_refusing(&b, |c| c.row_id == new_text), 2);
    assert_eq!(column(&b, new, "notes").as_deref(), Some("seen today"));
    assert_eq!(
        count(&b, "SELECT count(*) FROM conflicts WHERE kind = 'rejected'"),
        3
    );
    assert_eq!(b.changes_to_push(10).unwrap(), []);
    relay.pull(&a);
    assert_eq!(
        count(
            &a,
            &format!("SELECT count(*) FROM patients WHERE id = '{new}'")
        ),
        0
    );
}
