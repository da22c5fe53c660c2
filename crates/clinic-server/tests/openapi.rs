//! The OpenAPI document: generated from the handlers, it lists exactly the routes the server serves and
//! the device's client calls, with the protocol's types; the reference page shows every route.

use std::collections::BTreeSet;

use clinic_store::protocol::routes;
use serde_json::Value;

use crate::common::{Running, Serve, Talk};

#[tokio::test(flavor = "multi_thread")]
async fn the_openapi_document_lists_every_route_and_the_reference_page_shows_them() {
    let server = Running::start();
    let client = server.client();
    let url = |path: &str| format!("{}{path}", server.url);
    let answer = client.get(url(routes::OPENAPI)).send().await.unwrap();
    assert_eq!(answer.status(), 200);
    let doc: Value = answer.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let documented: BTreeSet<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(documented, BTreeSet::from(routes::ALL));

    // Each is served (a route that takes POST answers a GET with 405, never 404).
    for path in routes::ALL {
        let status = client.get(url(path)).send().await.unwrap().status();
        assert_ne!(status, 404, "{path} is documented but not served");
    }
    let unknown = client.get(url("/v1/nothing")).send().await.unwrap();
    assert_eq!(unknown.status(), 404);

    // The protocol's own types describe the bodies, and the routes that need a token say so.
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for name in [
        "PairRequest",
        "PushRequest",
        "Change",
        "PushResult",
        "PullAnswer",
        "ErrorAnswer",
        "DeviceInfo",
    ] {
        assert!(schemas.contains_key(name), "no schema {name}");
    }
    assert_eq!(
        doc["paths"][routes::PUSH]["post"]["security"][0]["access_token"],
        Value::Array(vec![])
    );
    assert!(doc["paths"][routes::PAIR]["post"]["security"].is_null());

    let page = client.get(url(routes::REFERENCE)).send().await.unwrap();
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let page = page.text().await.unwrap();
    for path in routes::ALL {
        assert!(page.contains(path), "the reference page leaves out {path}");
    }
}
