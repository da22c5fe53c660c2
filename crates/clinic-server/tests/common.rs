//! The real server binary (started by `clinic-test-server`), and a client that trusts only the
//! certificate it was told of.

use std::path::Path;
use std::process::Output;

use clinic_store::protocol::{PairRequest, Paired};
use clinic_store::{DeviceSetup, KeyOptions, SCHEMA_VERSION, Store};
pub use clinic_test_server::RunningServer as Running;
use serde_json::Value;
use uuid::Uuid;

/// `clinic-server`, built for this crate's tests.
fn binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_clinic-server"))
}

pub fn clinic_server(dir: &Path, args: &[&str]) -> Output {
    clinic_test_server::run(binary(), dir, args)
}

/// `init` of a new server in `dir` (in PostgreSQL when the tests run on it); returns its JSON.
pub fn init(dir: &Path) -> Value {
    clinic_test_server::init(binary(), dir)
}

/// Runs a command that must succeed and returns its JSON output.
pub fn json(dir: &Path, args: &[&str]) -> Value {
    clinic_test_server::json(binary(), dir, args)
}

/// Starting this crate's server.
pub trait Serve {
    /// A new server: `init`, then `serve`.
    fn start() -> Running;
    /// Serves the store in `dir` on `listen` again.
    fn serve_at(dir: tempfile::TempDir, listen: &str) -> Running;
}

impl Serve for Running {
    fn start() -> Running {
        Running::launch(binary())
    }

    fn serve_at(dir: tempfile::TempDir, listen: &str) -> Running {
        Running::launch_at(binary(), dir, listen)
    }
}

/// What a device says to a running server, over HTTPS pinned to its certificate.
#[allow(async_fn_in_trait)]
pub trait Talk {
    fn client(&self) -> reqwest::Client;
    /// `/v1/token`'s status and answer for `credential`.
    async fn exchange(&self, credential: &str) -> (u16, Value);
    /// An access token for a device's credential, as a round begins with. The credential stays good
    /// (the server keeps the one before until the next is used).
    async fn access(&self, credential: &str) -> String;
    /// Pairs `device` with a new code and returns its answer.
    async fn pair(&self, device: &Store) -> Paired;
}

impl Talk for Running {
    fn client(&self) -> reqwest::Client {
        pinned_client(&self.fingerprint)
    }

    async fn exchange(&self, credential: &str) -> (u16, Value) {
        let answer = self
            .client()
            .post(format!("{}/v1/token", self.url))
            .json(&serde_json::json!({ "credential": credential }))
            .send()
            .await
            .unwrap();
        (answer.status().as_u16(), answer.json().await.unwrap())
    }

    async fn access(&self, credential: &str) -> String {
        let (status, answer) = self.exchange(credential).await;
        assert_eq!(status, 200, "{answer}");
        answer["accessToken"].as_str().unwrap().to_owned()
    }

    async fn pair(&self, device: &Store) -> Paired {
        let answer = self
            .client()
            .post(format!("{}/v1/pair", self.url))
            .json(&pair_request(device, &self.pairing_code()))
            .send()
            .await
            .unwrap();
        assert!(answer.status().is_success(), "{:?}", answer.text().await);
        answer.json().await.unwrap()
    }
}

pub fn pair_request(device: &Store, code: &str) -> PairRequest {
    PairRequest {
        code: code.to_owned(),
        device_id: device.device_id().to_owned(),
        device_name: "Front desk".into(),
        clinic_id: Some(device.clinic_id().to_owned()),
        schema_version: SCHEMA_VERSION,
        next_seq: None,
    }
}

/// A device store of `clinic` (a new clinic when None).
pub fn device(dir: &Path, clinic: Option<&str>, prefix: &str) -> Store {
    let setup = DeviceSetup {
        device_id: None,
        clinic_id: clinic.map_or_else(Uuid::now_v7, |c| c.parse().unwrap()),
        device_name: format!("device {prefix}"),
        prefix: prefix.into(),
    };
    Store::create(
        dir,
        &KeyOptions::passphrase("a device's long passphrase"),
        &setup,
        |_| Ok::<_, clinic_store::StoreError>(()),
    )
    .unwrap()
    .0
}

/// A client that accepts exactly the certificate whose SHA-256 is `fingerprint`, as a paired device does.
pub fn pinned_client(fingerprint: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .tls_backend_preconfigured(clinic_sync::pinned_tls_config(fingerprint))
        .build()
        .unwrap()
}
