//! The server's TLS identity: a self-signed certificate made at `init`, which devices pin by its
//! SHA-256 fingerprint at pairing (no certificate authority is involved on a clinic's own network).

use std::sync::Arc;

use rustls::ServerConfig;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use zeroize::Zeroizing;

use crate::error::{ServerError, ServerResult};

/// The certificate (DER) and its private key (PKCS#8 DER).
pub struct TlsIdentity {
    pub certificate: Vec<u8>,
    pub private_key: Zeroizing<Vec<u8>>,
}

impl TlsIdentity {
    pub fn new(certificate: Vec<u8>, private_key: Vec<u8>) -> Self {
        TlsIdentity {
            certificate,
            private_key: Zeroizing::new(private_key),
        }
    }

    /// A new self-signed certificate for the names a clinic's devices may use to reach the server.
    pub fn generate() -> ServerResult<Self> {
        let names = vec!["localhost".to_owned(), "clinic-server".to_owned()];
        let certified = rcgen::generate_simple_self_signed(names)
            .map_err(|e| ServerError::Internal(format!("making the TLS certificate: {e}")))?;
        Ok(TlsIdentity::new(
            certified.cert.der().to_vec(),
            certified.signing_key.serialize_der(),
        ))
    }

    /// The certificate's SHA-256, as devices show it for the person pairing them to compare.
    pub fn fingerprint(&self) -> String {
        clinic_store::protocol::certificate_fingerprint(&self.certificate)
    }

    /// A rustls server configuration serving this certificate (HTTP/1.1 and HTTP/2).
    pub fn server_config(&self) -> ServerResult<Arc<ServerConfig>> {
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.private_key.to_vec()));
        let mut config = ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(vec![CertificateDer::from(self.certificate.clone())], key)
            .map_err(|e| ServerError::Internal(format!("the TLS certificate: {e}")))?;
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

/// Installs the one rustls crypto provider the server uses, before any TLS configuration is built; a
/// second call is harmless.
pub fn install_crypto_provider() {
    let _ = crypto_provider().install_default();
}

/// ring: pure Rust and assembly, no C toolchain or cmake to build. rustls marks its constructor
/// deprecated for lacking post-quantum key exchange, which a clinic's own network does not need yet.
#[allow(deprecated)]
pub fn crypto_provider() -> rustls::crypto::CryptoProvider {
    rustls::crypto::ring::default_provider()
}
