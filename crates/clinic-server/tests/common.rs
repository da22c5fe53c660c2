//! Starting the real server binary, and a client that trusts only the certificate it was told of.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

use clinic_store::protocol::{PairRequest, Paired};
use clinic_store::{DeviceSetup, KeyOptions, SCHEMA_VERSION, Store};
use serde_json::Value;
use uuid::Uuid;

pub const PASSPHRASE: &str = "the server's own long passphrase";

pub fn clinic_server(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_clinic-server"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("CLINIC_SERVER_PASSPHRASE", PASSPHRASE)
        .output()
        .unwrap()
}

/// Runs a command that must succeed and returns its JSON output.
pub fn json(dir: &Path, args: &[&str]) -> Value {
    let out = clinic_server(dir, args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A running server on 127.0.0.1 (any free port); killed when dropped.
pub struct Running {
    pub child: Child,
    pub url: String,
    pub fingerprint: String,
    pub dir: tempfile::TempDir,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Running {
    /// A fresh server: `init`, then `serve`.
    pub fn start() -> Running {
        let dir = tempfile::tempdir().unwrap();
        json(dir.path(), &["init"]);
        Running::serve(dir)
    }

    pub fn serve(dir: tempfile::TempDir) -> Running {
        Running::serve_at(dir, "127.0.0.1:0")
    }

    /// Stops the server (SIGKILL) and hands back its data directory.
    pub fn stop(mut self) -> tempfile::TempDir {
        let _ = self.child.kill();
        let _ = self.child.wait();
        std::mem::replace(&mut self.dir, tempfile::tempdir().unwrap())
    }

    /// The address it listens on, to start it there again.
    pub fn listening(&self) -> String {
        self.url.trim_start_matches("https://").to_owned()
    }

    pub fn serve_at(dir: tempfile::TempDir, listen: &str) -> Running {
        let mut child = Command::new(env!("CARGO_BIN_EXE_clinic-server"))
            .arg("--data-dir")
            .arg(dir.path())
            .args(["serve", "--listen", listen])
            .env("CLINIC_SERVER_PASSPHRASE", PASSPHRASE)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // The first JSON object on stdout says where it listens.
        let mut text = String::new();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        while !text.trim_end().ends_with('}') {
            text.push_str(
                &lines
                    .next()
                    .expect("the server printed where it listens")
                    .unwrap(),
            );
        }
        let said: Value = serde_json::from_str(&text).unwrap();
        Running {
            child,
            url: format!("https://{}", said["listening"].as_str().unwrap()),
            fingerprint: said["fingerprint"].as_str().unwrap().to_owned(),
            dir,
        }
    }

    pub fn client(&self) -> reqwest::Client {
        pinned_client(&self.fingerprint)
    }

    pub fn pairing_code(&self) -> String {
        json(self.dir.path(), &["pair"])["code"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// `/v1/token`'s status and answer for `credential`.
    pub async fn exchange(&self, credential: &str) -> (u16, Value) {
        let answer = self
            .client()
            .post(format!("{}/v1/token", self.url))
            .json(&serde_json::json!({ "credential": credential }))
            .send()
            .await
            .unwrap();
        (answer.status().as_u16(), answer.json().await.unwrap())
    }

    /// An access token for a device's credential, as a round begins with. The credential stays good
    /// (the server keeps the one before until the next is used).
    pub async fn access(&self, credential: &str) -> String {
        let (status, answer) = self.exchange(credential).await;
        assert_eq!(status, 200, "{answer}");
        answer["accessToken"].as_str().unwrap().to_owned()
    }

    /// Pairs `device` with a new code and returns its answer.
    pub async fn pair(&self, device: &Store) -> Paired {
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
