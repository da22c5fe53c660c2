//! The device's side of the wire to the clinic server: HTTPS that trusts exactly the certificate
//! pinned at pairing (no certificate authority is involved on a clinic's own network), and the `/v1`
//! requests, as the [`ClinicServer`] clinic-core's sync round runs over.

use std::io::{BufRead, BufReader};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use clinic_core::{ClinicServer, CoreError, CoreResult, ServerAddress, ServerHello};
use clinic_store::protocol::{
    AuditChainHead, AuditPush, ClinicAuditPage, ClinicAuditQuery, DeviceInfo, ErrorAnswer,
    PairRequest, Paired, PullAnswer, PushAnswer, PushRequest, ReenrolRequest, TokenAnswer,
    TokenRequest, certificate_fingerprint, routes,
};
use reqwest::blocking::{Client, RequestBuilder};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use serde::de::DeserializeOwned;

/// How long to wait for the server to accept a connection, and for a whole request.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

/// How long the live channel waits for a line: three of the server's keep-alive comments (15 s apart).
const LIVE_READ_TIMEOUT: Duration = Duration::from_secs(45);

/// The clinic server at one address, reached over HTTPS pinned to one certificate.
pub struct HttpsServer {
    base: String,
    client: Client,
    /// For the live channel: a connection that stays open, each read bounded on its own.
    live: Client,
}

impl HttpsServer {
    /// The server at `address` (see [`ServerAddress::parse`]), trusting only its pinned certificate.
    pub fn new(address: &ServerAddress) -> CoreResult<HttpsServer> {
        let client = |timeout| {
            Client::builder()
                .tls_backend_preconfigured(tls_config(Expect::Pinned(address.fingerprint.clone())))
                .connect_timeout(CONNECT_TIMEOUT)
                .timeout(timeout)
                .build()
                .map_err(|e| CoreError::Internal(format!("preparing the connection: {e}")))
        };
        Ok(HttpsServer {
            base: address.url.clone(),
            client: client(REQUEST_TIMEOUT)?,
            live: client(LIVE_READ_TIMEOUT)?,
        })
    }

    fn send<T: DeserializeOwned>(&self, request: RequestBuilder) -> CoreResult<T> {
        let response = request.send().map_err(unreachable)?;
        let status = response.status();
        if status.is_success() {
            // A connection cut in the middle of the answer is a lost connection, to try again.
            let body = response.bytes().map_err(unreachable)?;
            return serde_json::from_slice(&body).map_err(|e| {
                CoreError::Internal(format!("the clinic server's answer could not be read: {e}"))
            });
        }
        let body = response.text().unwrap_or_default();
        let answer: ErrorAnswer = serde_json::from_str(&body).unwrap_or_else(|_| ErrorAnswer {
            code: format!("http_{}", status.as_u16()),
            message: format!("it answered {status}"),
        });
        Err(CoreError::ServerRefused {
            code: answer.code,
            message: answer.message,
        })
    }
}

impl ClinicServer for HttpsServer {
    fn hello(&self) -> CoreResult<ServerHello> {
        let ask = || {
            self.client
                .get(format!("{}{}", self.base, routes::HEALTH))
                .send()
        };
        // A kept-alive connection the server (or the network) has since closed fails at once; the
        // question is harmless to ask again on a new one.
        let response = ask().or_else(|_| ask()).map_err(unreachable)?;
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let time = header("clinic-time")
            .and_then(|ms| ms.parse().ok())
            .and_then(chrono::DateTime::from_timestamp_millis);
        match (header("clinic-epoch"), time) {
            (Some(epoch), Some(time)) => Ok(ServerHello { epoch, time }),
            _ => Err(CoreError::ServerUnreachable(
                "this address is not a clinic server".into(),
            )),
        }
    }

    fn pair(&self, request: &PairRequest) -> CoreResult<Paired> {
        self.send(
            self.client
                .post(format!("{}{}", self.base, routes::PAIR))
                .json(request),
        )
    }

    fn token(&self, credential: &str) -> CoreResult<TokenAnswer> {
        self.send(
            self.client
                .post(format!("{}{}", self.base, routes::TOKEN))
                .json(&TokenRequest {
                    credential: credential.to_owned(),
                }),
        )
    }

    fn reenrol(&self, access: &str, request: &ReenrolRequest) -> CoreResult<Paired> {
        self.send(
            self.client
                .post(format!("{}{}", self.base, routes::REENROL))
                .bearer_auth(access)
                .json(request),
        )
    }

    fn push(&self, access: &str, request: &PushRequest) -> CoreResult<PushAnswer> {
        self.send(
            self.client
                .post(format!("{}{}", self.base, routes::PUSH))
                .bearer_auth(access)
                .json(request),
        )
    }

    fn pull(&self, access: &str, after: i64, limit: usize) -> CoreResult<PullAnswer> {
        self.send(
            self.client
                .get(format!(
                    "{}{}?after={after}&limit={limit}",
                    self.base,
                    routes::PULL
                ))
                .bearer_auth(access),
        )
    }

    fn devices(&self, access: &str) -> CoreResult<Vec<DeviceInfo>> {
        self.send(
            self.client
                .get(format!("{}{}", self.base, routes::DEVICES))
                .bearer_auth(access),
        )
    }

    fn audit_head(&self, access: &str) -> CoreResult<AuditChainHead> {
        self.send(
            self.client
                .get(format!("{}{}", self.base, routes::AUDIT_HEAD))
                .bearer_auth(access),
        )
    }

    fn push_audit(&self, access: &str, push: &AuditPush) -> CoreResult<AuditChainHead> {
        self.send(
            self.client
                .post(format!("{}{}", self.base, routes::AUDIT))
                .bearer_auth(access)
                .json(push),
        )
    }

    fn clinic_audit(&self, access: &str, query: &ClinicAuditQuery) -> CoreResult<ClinicAuditPage> {
        self.send(
            self.client
                .get(format!("{}{}", self.base, routes::AUDIT))
                .bearer_auth(access)
                .query(query),
        )
    }

    fn listen(
        &self,
        access: &str,
        last_seen: Option<i64>,
        heard: &mut dyn FnMut(i64) -> bool,
    ) -> CoreResult<()> {
        let mut request = self
            .live
            .get(format!("{}{}", self.base, routes::EVENTS))
            .header("accept", "text/event-stream")
            .bearer_auth(access);
        if let Some(seen) = last_seen {
            request = request.header("last-event-id", seen.to_string());
        }
        let response = request.send().map_err(unreachable)?;
        let status = response.status();
        if !status.is_success() {
            let body = response.text().unwrap_or_default();
            let answer: ErrorAnswer = serde_json::from_str(&body).unwrap_or_else(|_| ErrorAnswer {
                code: format!("http_{}", status.as_u16()),
                message: format!("it answered {status}"),
            });
            return Err(CoreError::ServerRefused {
                code: answer.code,
                message: answer.message,
            });
        }
        let mut events = SseReader::default();
        for line in BufReader::new(response).lines() {
            // A read that outlasts three of the server's keep-alive comments: the connection is gone.
            let line = line.map_err(|e| CoreError::ServerUnreachable(e.to_string()))?;
            if let Some(place) = events.line(&line)
                && !heard(place)
            {
                return Ok(());
            }
        }
        Ok(())
    }
}

/// Reads server-sent events a line at a time; what matters here is each `changes` event's id, the
/// stream's newest place.
#[derive(Default)]
struct SseReader {
    event: Option<String>,
    id: Option<String>,
}

impl SseReader {
    /// Takes one line; at the blank line that ends an event, its place if it is a `changes` event.
    fn line(&mut self, line: &str) -> Option<i64> {
        if line.is_empty() {
            let (event, id) = (self.event.take(), self.id.take());
            return match event.as_deref() {
                Some("changes") => id.and_then(|id| id.trim().parse().ok()),
                _ => None,
            };
        }
        // A comment (the keep-alive) or data: nothing to keep.
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "event" => self.event = Some(value.to_owned()),
            "id" => self.id = Some(value.to_owned()),
            _ => {}
        }
        None
    }
}

/// The SHA-256 fingerprint of the certificate the server at `url` (`https://host:port`) shows, for a
/// person to compare with the one `clinic-server pair` printed before anything is sent to it. Nothing
/// is sent: the connection is dropped once the certificate is seen.
pub fn server_fingerprint(url: &str) -> CoreResult<String> {
    let url = ServerAddress::parse_url(url)?;
    let seen = Arc::new(Mutex::new(None));
    let client = Client::builder()
        .tls_backend_preconfigured(tls_config(Expect::Observe(Arc::clone(&seen))))
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(CONNECT_TIMEOUT)
        .build()
        .map_err(|e| CoreError::Internal(format!("preparing the connection: {e}")))?;
    let refused = client.get(format!("{url}{}", routes::HEALTH)).send().err();
    let fingerprint = seen.lock().unwrap_or_else(PoisonError::into_inner).take();
    match (fingerprint, refused) {
        (Some(fingerprint), _) => Ok(fingerprint),
        (None, Some(error)) => Err(unreachable(error)),
        (None, None) => Err(CoreError::ServerUnreachable(
            "the server showed no certificate".into(),
        )),
    }
}

/// Why the pinned-certificate check refused a server.
const NOT_PINNED: &str = "the server's certificate is not the one this device paired with";

/// A failed request, with the deepest reason (a refused connection, a certificate not pinned). A
/// certificate other than the pinned one is not "offline": someone must find out why (a server set up
/// again, or another computer answering in its place), so it is a refusal with its own code.
fn unreachable(error: reqwest::Error) -> CoreError {
    let mut reason = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(inner) = source {
        reason = inner.to_string();
        source = inner.source();
    }
    if reason.contains(NOT_PINNED) {
        tracing::warn!("the clinic server's address answers with another certificate");
        return CoreError::ServerRefused {
            code: "certificate_changed".into(),
            message: format!(
                "{NOT_PINNED}: the server was set up again, or another computer answers in its place; \
                 pair again once the clinic's administrator has checked"
            ),
        };
    }
    tracing::warn!(%reason, "the clinic server cannot be reached");
    CoreError::ServerUnreachable(reason)
}

/// ring: pure Rust and assembly, nothing more to build. rustls marks its constructor deprecated for
/// lacking post-quantum key exchange, which a clinic's own network does not need yet.
#[allow(deprecated)]
pub fn crypto_provider() -> CryptoProvider {
    rustls::crypto::ring::default_provider()
}

/// A TLS client configuration that accepts exactly the certificate whose SHA-256 is `fingerprint`.
pub fn pinned_tls_config(fingerprint: &str) -> rustls::ClientConfig {
    tls_config(Expect::Pinned(fingerprint.to_owned()))
}

/// What the certificate check expects of the server's certificate.
#[derive(Debug)]
enum Expect {
    /// Exactly this fingerprint.
    Pinned(String),
    /// Nothing yet: note its fingerprint, and refuse it.
    Observe(Arc<Mutex<Option<String>>>),
}

fn tls_config(expect: Expect) -> rustls::ClientConfig {
    let provider = Arc::new(crypto_provider());
    rustls::ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .expect("ring supports the default protocol versions")
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(Pinned { expect, provider }))
        .with_no_client_auth()
}

/// The certificate check: the server's certificate must be the one pinned, and must sign the
/// handshake (so whoever answers holds its private key).
#[derive(Debug)]
struct Pinned {
    expect: Expect,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let fingerprint = certificate_fingerprint(end_entity);
        match &self.expect {
            Expect::Pinned(pinned) if *pinned == fingerprint => Ok(ServerCertVerified::assertion()),
            Expect::Pinned(_) => Err(rustls::Error::General(NOT_PINNED.into())),
            Expect::Observe(seen) => {
                *seen.lock().unwrap_or_else(PoisonError::into_inner) = Some(fingerprint);
                Err(rustls::Error::General(
                    "the certificate is to be compared first".into(),
                ))
            }
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_place_of_each_changes_event_is_read_and_anything_else_passed_over() {
        let mut reader = SseReader::default();
        let mut places = Vec::new();
        let stream = ": keep-alive\n\nevent: changes\nid: 41\ndata: {\"latest\":41}\n\n\
                      event: other\nid: 3\n\nid:42\nevent:changes\n\nevent: changes\nid: x\n\n";
        for line in stream.split('\n') {
            places.extend(reader.line(line));
        }
        assert_eq!(places, [41, 42]);
    }
}
