//! The TLS configuration: which certificates a client of a CipherTrust Manager trusts.
//!
//! The client builds its own rustls configuration with the ring provider and hands it to
//! reqwest, so that it never depends on (or installs) a process-wide default provider. Other
//! HTTP clients of the same servers (the `cckm-sync proxy`'s upstream connections) build theirs
//! here too, so that every part of the project trusts certificates the same way.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

use crate::error::Error;

/// Which server certificates a client accepts.
#[derive(Clone, Debug, Default)]
pub enum Trust {
    /// Those the system's roots vouch for.
    #[default]
    System,
    /// The system's roots and these extra CA certificates (DER).
    SystemAnd(Vec<CertificateDer<'static>>),
    /// Any certificate: no verification of the chain or the name.
    AcceptInvalid,
}

/// The CA certificates of a PEM text; fails if it holds none or one that does not decode.
///
/// ```
/// let error = cckm_sync_client::tls::certificates_from_pem(b"not a certificate").unwrap_err();
/// assert!(error.to_string().contains("no `BEGIN CERTIFICATE` section"), "{error}");
/// ```
pub fn certificates_from_pem(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, Error> {
    let certificates = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| Error::Config(format!("cannot read the CA certificate PEM: {error}")))?;
    if certificates.is_empty() {
        return Err(Error::Config(
            "the CA certificate PEM holds no `BEGIN CERTIFICATE` section".to_owned(),
        ));
    }
    Ok(certificates)
}

/// The rustls configuration of `trust`, with the ring provider and ALPN offering HTTP/2 and
/// HTTP/1.1. `with_system_roots` is false for a client of a plain HTTP server, which never
/// makes a TLS connection: it then does not need the system's roots (and works on a machine
/// without any).
///
/// [`Trust::AcceptInvalid`] skips the checks of the certificate chain and name, but still
/// checks the handshake's signatures: the connection stays encrypted, only unauthenticated.
pub fn client_config(trust: &Trust, with_system_roots: bool) -> Result<rustls::ClientConfig, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|error| Error::Config(format!("cannot set up TLS: {error}")))?;
    let verifier: Arc<dyn ServerCertVerifier> = match trust {
        Trust::AcceptInvalid => Arc::new(FixedVerdict {
            accept: true,
            algorithms: provider.signature_verification_algorithms,
        }),
        Trust::System | Trust::SystemAnd(_) if !with_system_roots => Arc::new(FixedVerdict {
            accept: false,
            algorithms: provider.signature_verification_algorithms,
        }),
        Trust::System => Arc::new(
            rustls_platform_verifier::Verifier::new(provider)
                .map_err(|error| Error::Config(format!("cannot load the system's CA certificates: {error}")))?,
        ),
        Trust::SystemAnd(extra) => Arc::new(
            rustls_platform_verifier::Verifier::new_with_extra_roots(extra.iter().cloned(), provider)
                .map_err(|error| Error::Config(format!("cannot use the CA certificate: {error}")))?,
        ),
    };
    let mut config = builder
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// A verifier that gives every certificate the same verdict, and still checks the handshake's
/// signatures against the certificate the server sent.
///
/// Accepting (`danger_accept_invalid_certs`) checks that the server holds the key of the
/// certificate it sent, so the connection is encrypted, just not authenticated. Refusing is the
/// verifier of a client of a plain HTTP server, which makes no TLS connection (the client
/// follows no redirect).
#[derive(Debug)]
struct FixedVerdict {
    accept: bool,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for FixedVerdict {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if self.accept {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::UnknownIssuer,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        certificate: &CertificateDer<'_>,
        signature: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, certificate, signature, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        certificate: &CertificateDer<'_>,
        signature: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, certificate, signature, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pem_without_a_certificate_is_refused_with_the_reason() {
        let error = certificates_from_pem(b"not a certificate").unwrap_err();
        assert!(
            error.to_string().contains("holds no `BEGIN CERTIFICATE` section"),
            "{error}"
        );
    }
}
