//! The TLS configuration: which certificates a client of a CipherTrust Manager trusts.
//!
//! The client builds its own rustls configuration with the ring provider and hands it to
//! reqwest, so that it never depends on (or installs) a process-wide default provider. Other
//! HTTP clients of the same servers (the `cckm-sync proxy`'s upstream connections) build theirs
//! here too, so that every part of the project trusts certificates the same way.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, GetRandomFailed, KeyProvider, SecureRandom, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::sign::SigningKey;
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
    let provider = Arc::new(ring_provider());
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

/// The rustls crypto provider of the client: ring, with rustls's default cipher suites and key
/// exchange groups, webpki's ring signature algorithms, ring's random numbers and rustls's
/// ring signing keys: what `rustls::crypto::ring::default_provider()` gives, without that
/// function, which rustls 0.23.48 deprecates. For a program that installs a process-wide
/// default, as tests of servers do:
///
/// ```
/// let provider = cckm_sync_client::tls::ring_provider();
/// assert!(!provider.cipher_suites.is_empty());
/// let _ = provider.install_default();
/// ```
pub fn ring_provider() -> CryptoProvider {
    CryptoProvider {
        cipher_suites: rustls::crypto::ring::DEFAULT_CIPHER_SUITES.to_vec(),
        kx_groups: rustls::crypto::ring::DEFAULT_KX_GROUPS.to_vec(),
        signature_verification_algorithms: SIGNATURE_ALGORITHMS,
        secure_random: &Ring,
        key_provider: &Ring,
    }
}

/// What webpki verifies with ring, and which of it each TLS signature scheme may use (for
/// TLS 1.2 the curve is not fixed by the scheme; for TLS 1.3 it is): rustls's own table.
static SIGNATURE_ALGORITHMS: WebPkiSupportedAlgorithms = WebPkiSupportedAlgorithms {
    all: &[
        webpki::ring::ECDSA_P256_SHA256,
        webpki::ring::ECDSA_P256_SHA384,
        webpki::ring::ECDSA_P384_SHA256,
        webpki::ring::ECDSA_P384_SHA384,
        webpki::ring::ED25519,
        webpki::ring::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
        webpki::ring::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
        webpki::ring::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
        webpki::ring::RSA_PKCS1_2048_8192_SHA256,
        webpki::ring::RSA_PKCS1_2048_8192_SHA384,
        webpki::ring::RSA_PKCS1_2048_8192_SHA512,
        webpki::ring::RSA_PKCS1_2048_8192_SHA256_ABSENT_PARAMS,
        webpki::ring::RSA_PKCS1_2048_8192_SHA384_ABSENT_PARAMS,
        webpki::ring::RSA_PKCS1_2048_8192_SHA512_ABSENT_PARAMS,
    ],
    mapping: &[
        (
            SignatureScheme::ECDSA_NISTP384_SHA384,
            &[webpki::ring::ECDSA_P384_SHA384, webpki::ring::ECDSA_P256_SHA384],
        ),
        (
            SignatureScheme::ECDSA_NISTP256_SHA256,
            &[webpki::ring::ECDSA_P256_SHA256, webpki::ring::ECDSA_P384_SHA256],
        ),
        (SignatureScheme::ED25519, &[webpki::ring::ED25519]),
        (
            SignatureScheme::RSA_PSS_SHA512,
            &[webpki::ring::RSA_PSS_2048_8192_SHA512_LEGACY_KEY],
        ),
        (
            SignatureScheme::RSA_PSS_SHA384,
            &[webpki::ring::RSA_PSS_2048_8192_SHA384_LEGACY_KEY],
        ),
        (
            SignatureScheme::RSA_PSS_SHA256,
            &[webpki::ring::RSA_PSS_2048_8192_SHA256_LEGACY_KEY],
        ),
        (
            SignatureScheme::RSA_PKCS1_SHA512,
            &[webpki::ring::RSA_PKCS1_2048_8192_SHA512],
        ),
        (
            SignatureScheme::RSA_PKCS1_SHA384,
            &[webpki::ring::RSA_PKCS1_2048_8192_SHA384],
        ),
        (
            SignatureScheme::RSA_PKCS1_SHA256,
            &[webpki::ring::RSA_PKCS1_2048_8192_SHA256],
        ),
    ],
};

/// ring's random numbers, and rustls's ring signing keys.
#[derive(Debug)]
struct Ring;

impl SecureRandom for Ring {
    fn fill(&self, buf: &mut [u8]) -> Result<(), GetRandomFailed> {
        use ring::rand::SecureRandom as _;
        ring::rand::SystemRandom::new().fill(buf).map_err(|_| GetRandomFailed)
    }
}

impl KeyProvider for Ring {
    fn load_private_key(&self, key_der: PrivateKeyDer<'static>) -> Result<Arc<dyn SigningKey>, rustls::Error> {
        rustls::crypto::ring::sign::any_supported_type(&key_der)
    }
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
    fn the_ring_provider_is_rustls_s_own_without_the_deprecated_function() {
        // The one use of the deprecated function: to check that nothing differs.
        #[allow(deprecated, reason = "compared with what replaces it")]
        let theirs = rustls::crypto::ring::default_provider();
        let ours = ring_provider();
        let suites = |provider: &CryptoProvider| -> Vec<_> {
            provider.cipher_suites.iter().map(|suite| suite.suite()).collect()
        };
        assert_eq!(suites(&ours), suites(&theirs));
        let groups =
            |provider: &CryptoProvider| -> Vec<_> { provider.kx_groups.iter().map(|group| group.name()).collect() };
        assert_eq!(groups(&ours), groups(&theirs));
        assert_eq!(
            format!("{:?}", ours.signature_verification_algorithms),
            format!("{:?}", theirs.signature_verification_algorithms)
        );
        let mut bytes = [0u8; 32];
        ours.secure_random.fill(&mut bytes).unwrap();
        assert_ne!(bytes, [0u8; 32]);
    }

    #[test]
    fn a_pem_without_a_certificate_is_refused_with_the_reason() {
        let error = certificates_from_pem(b"not a certificate").unwrap_err();
        assert!(
            error.to_string().contains("holds no `BEGIN CERTIFICATE` section"),
            "{error}"
        );
    }
}
