//! Whatever a request body holds, every route answers 200 or a 4xx with a JSON `{code, message}`:
//! never a 5xx, a panic or a dropped connection. Bodies are random bytes, and a valid push or pairing
//! with one field replaced by random JSON (proptest, against the real server).

use proptest::prelude::*;
use serde_json::{Value, json};

use crate::common::{Running, Serve, Talk, device};

/// Any JSON value, a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        ".{0,40}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::btree_map("[a-zA-Z_$]{1,12}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// `base` with the value at one of its paths (or a new key) replaced by `value`.
fn replaced(base: &Value, pick: usize, key: &str, value: Value) -> Value {
    let mut out = base.clone();
    let mut paths: Vec<Vec<String>> = Vec::new();
    collect_paths(&out, &mut Vec::new(), &mut paths);
    let path = &paths[pick % paths.len()];
    let mut at = &mut out;
    for step in path {
        at = match at {
            Value::Object(map) => map.get_mut(step).unwrap(),
            Value::Array(items) => &mut items[step.parse::<usize>().unwrap()],
            _ => unreachable!("paths lead through objects and arrays"),
        };
    }
    match at {
        Value::Object(map) if pick.is_multiple_of(3) => {
            map.insert(key.to_owned(), value);
        }
        other => *other = value,
    }
    out
}

fn collect_paths(value: &Value, here: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(here.clone());
    let children: Vec<(String, &Value)> = match value {
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        _ => Vec::new(),
    };
    for (step, child) in children {
        here.push(step);
        collect_paths(child, here, out);
        here.pop();
    }
}

#[test]
fn no_request_body_makes_the_server_fail_or_panic() {
    let server = Running::start();
    let dir = tempfile::tempdir().unwrap();
    let front = device(dir.path(), None, "A");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let paired = runtime.block_on(server.pair(&front));
    let access = runtime.block_on(server.access(&paired.credential));
    let client = reqwest::blocking::Client::builder()
        .tls_backend_preconfigured(clinic_sync::pinned_tls_config(&server.fingerprint))
        .build()
        .unwrap();
    let push = json!({
        "schemaVersion": clinic_store::SCHEMA_VERSION,
        "seenThrough": 0,
        "changes": front.changes_to_push(2).unwrap(),
    });
    let pair = serde_json::to_value(crate::common::pair_request(&front, "ABCDE-FGHJK")).unwrap();
    let routes = ["/v1/push", "/v1/pair", "/v1/token", "/v1/reenrol"];
    let answers_well = |route: &str, body: Vec<u8>| -> Result<(), TestCaseError> {
        let answer = client
            .post(format!("{}{route}", server.url))
            .bearer_auth(&access)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .map_err(|e| TestCaseError::fail(format!("{route}: no answer: {e}")))?;
        let status = answer.status().as_u16();
        let said: Value = answer
            .json()
            .map_err(|e| TestCaseError::fail(format!("{route}: {status} without JSON: {e}")))?;
        prop_assert!(
            status == 200 || (400..500).contains(&status),
            "{route}: {status} {said}"
        );
        if status != 200 {
            prop_assert!(
                said["code"].as_str().is_some_and(|c| !c.is_empty()),
                "{said}"
            );
            prop_assert!(
                said["message"].as_str().is_some_and(|m| !m.is_empty()),
                "{said}"
            );
        }
        Ok(())
    };

    let config = ProptestConfig {
        cases: 300,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(route in 0..routes.len(), bytes in prop::collection::vec(any::<u8>(), 0..600))| {
        answers_well(routes[route], bytes)?;
    });
    proptest!(config, |(pick in any::<usize>(), key in "[a-zA-Z]{1,10}", value in any_json())| {
        answers_well("/v1/push", replaced(&push, pick, &key, value.clone()).to_string().into_bytes())?;
        answers_well("/v1/pair", replaced(&pair, pick, &key, value).to_string().into_bytes())?;
    });
    // Still serving, and what it holds still adds up.
    let health = client.get(format!("{}/health", server.url)).send().unwrap();
    assert_eq!(health.status(), 200);
}
