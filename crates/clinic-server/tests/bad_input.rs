//! Bad input on every route: a 4xx with a JSON `{code, message}`, and nothing changed on the server.

use clinic_store::SCHEMA_VERSION;
use serde_json::{Value, json};

use crate::common::{Running, Serve, Talk, device, json as run_json};

#[tokio::test(flavor = "multi_thread")]
async fn every_route_answers_bad_input_with_a_4xx_json_error_and_changes_nothing() {
    let server = Running::start();
    let dir = tempfile::tempdir().unwrap();
    let front = device(dir.path(), None, "A");
    let paired = server.pair(&front).await;
    let access = server.access(&paired.credential).await;
    let before = run_json(server.dir.path(), &["status"]);
    let client = server.client();
    let url = |path: &str| format!("{}{path}", server.url);
    let good_change = front.changes_to_push(1).unwrap().remove(0);
    let change_with = |edit: &dyn Fn(&mut Value)| {
        let mut change = serde_json::to_value(&good_change).unwrap();
        edit(&mut change);
        json!({ "schemaVersion": SCHEMA_VERSION, "seenThrough": 0, "changes": [change] })
    };

    let cases: Vec<(&str, reqwest::RequestBuilder, u16, &str)> = vec![
        ("no credential", client.get(url("/v1/pull?after=0")), 401, "unauthorized"),
        (
            "the device list without a credential",
            client.get(url("/v1/devices")),
            401,
            "unauthorized",
        ),
        (
            "a forged credential",
            client.get(url("/v1/pull?after=0")).bearer_auth("0".repeat(64)),
            401,
            "unauthorized",
        ),
        (
            "a negative cursor",
            client.get(url("/v1/pull?after=-1")).bearer_auth(&access),
            400,
            "bad_request",
        ),
        (
            "a cursor that is not a number",
            client.get(url("/v1/pull?after=x")).bearer_auth(&access),
            400,
            "bad_request",
        ),
        (
            "malformed JSON",
            client
                .post(url("/v1/push"))
                .bearer_auth(&access)
                .header("content-type", "application/json")
                .body("{\"changes\": ["),
            400,
            "bad_request",
        ),
        (
            "a field of the wrong type",
            client
                .post(url("/v1/push"))
                .bearer_auth(&access)
                .json(&change_with(&|c| c["deviceSeq"] = json!("one"))),
            400,
            "bad_request",
        ),
        (
            "an unknown field",
            client
                .post(url("/v1/push"))
                .bearer_auth(&access)
                .json(&change_with(&|c| c["sneaky"] = json!(1))),
            400,
            "bad_request",
        ),
        (
            "another device's change",
            client
                .post(url("/v1/push"))
                .bearer_auth(&access)
                .json(&change_with(&|c| c["deviceId"] = json!("someone-else"))),
            400,
            "bad_request",
        ),
        (
            "a change stamped hours ahead of the server's clock",
            client
                .post(url("/v1/push"))
                .bearer_auth(&access)
                .json(&change_with(&|c| {
                    c["hlc"] = json!(format!("999999999999999-00000-{}", front.device_id()));
                })),
            409,
            "clock_ahead",
        ),
        (
            "a device too old",
            client
                .post(url("/v1/push"))
                .bearer_auth(&access)
                .json(&json!({ "schemaVersion": 3, "seenThrough": 0, "changes": [] })),
            426,
            "device_too_old",
        ),
        (
            "a device too new",
            client
                .post(url("/v1/push"))
                .bearer_auth(&access)
                .json(&json!({ "schemaVersion": SCHEMA_VERSION + 1, "seenThrough": 0, "changes": [] })),
            426,
            "device_too_new",
        ),
        (
            "a body over the limit",
            client
                .post(url("/v1/push"))
                .bearer_auth(&access)
                .header("content-type", "application/json")
                .body(vec![b' '; clinic_server::api::MAX_BODY_BYTES + 1]),
            413,
            "too_large",
        ),
        (
            "a pairing without a code",
            client.post(url("/v1/pair")).json(&json!({ "deviceId": "x" })),
            400,
            "bad_request",
        ),
        (
            "a re-enrolment without a credential",
            client.post(url("/v1/reenrol")).json(&json!({})),
            401,
            "unauthorized",
        ),
        (
            "a re-enrolment numbering from zero",
            client
                .post(url("/v1/reenrol"))
                .bearer_auth(&access)
                .json(&json!({
                    "deviceId": "new", "deviceName": "x", "schemaVersion": SCHEMA_VERSION, "nextSeq": 0
                })),
            400,
            "bad_request",
        ),
        (
            "a re-enrolment under an id the server knows",
            client
                .post(url("/v1/reenrol"))
                .bearer_auth(&access)
                .json(&json!({
                    "deviceId": paired.device_id, "deviceName": "x",
                    "schemaVersion": SCHEMA_VERSION, "nextSeq": 1
                })),
            409,
            "refused",
        ),
        ("a route that does not exist", client.get(url("/v1/nothing")), 404, "not_found"),
    ];
    for (what, request, status, code) in cases {
        let answer = request.send().await.unwrap();
        assert_eq!(answer.status().as_u16(), status, "{what}");
        let body: Value = answer
            .json()
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(body["code"], code, "{what}: {body}");
        assert!(!body["message"].as_str().unwrap().is_empty(), "{what}");
    }

    // Changes the server cannot take are rejected one by one, with the reason, and kept out of the stream.
    let rejected: Value = client
        .post(url("/v1/push"))
        .bearer_auth(&access)
        .json(&change_with(&|c| c["table"] = json!("no_such_table")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(rejected["results"][0]["status"], "rejected", "{rejected}");
    assert!(
        rejected["results"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("no_such_table")
    );
    let after = run_json(server.dir.path(), &["status"]);
    assert_eq!(before["changes"], after["changes"]);
    assert_eq!(before["rows"], after["rows"]);
    assert_eq!(
        before["devices"], after["devices"],
        "no device enrolled or revoked"
    );
}
