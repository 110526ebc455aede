//! HTTPS for the mock: a self-signed certificate made at start, and the TLS configuration that
//! serves it.

use std::net::IpAddr;
use std::sync::Arc;

use crate::start::StartError;

/// The server's self-signed certificate.
#[derive(Clone, Debug)]
pub(crate) struct Certificate {
    pub(crate) pem: String,
    pub(crate) der: Vec<u8>,
    key_der: Vec<u8>,
}

pub(crate) fn make_certificate(ip: IpAddr) -> Result<Certificate, StartError> {
    let mut names = vec!["localhost".to_owned(), "127.0.0.1".to_owned(), "::1".to_owned()];
    if !ip.is_unspecified() && !ip.is_loopback() {
        names.push(ip.to_string());
    }
    let certified = rcgen::generate_simple_self_signed(names).map_err(|error| StartError::Tls(error.to_string()))?;
    Ok(Certificate {
        pem: certified.cert.pem(),
        der: certified.cert.der().to_vec(),
        key_der: certified.signing_key.serialize_der(),
    })
}

pub(crate) fn tls_acceptor(certificate: &Certificate) -> Result<tokio_rustls::TlsAcceptor, StartError> {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    // ring, not aws-lc-rs: no C toolchain to build it, and quick to compile. rustls 0.23.48
    // deprecates ring's provider because it has no post-quantum key exchange; a mock serving
    // tests needs none, and the client assembles its own (`cckm_sync_client::tls::ring_provider`).
    #[allow(
        deprecated,
        reason = "ring has no post-quantum key exchange, which a test server does not need"
    )]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|error| StartError::Tls(error.to_string()))?
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(certificate.der.clone())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(certificate.key_der.clone())),
        )
        .map_err(|error| StartError::Tls(error.to_string()))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}
