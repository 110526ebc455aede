//! The proxy's side of the upstream: its URL, and an HTTP client with TLS as asked.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use cckm_sync::endpoints::API_PREFIX;
use http::Uri;
use http_body_util::Either;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

/// A request body: buffered (a call of the catalog, checked), or streamed (any other call).
pub(crate) type RequestBody = Either<Full<Bytes>, Incoming>;

/// The client of the upstream.
pub(crate) type UpstreamClient = Client<HttpsConnector<HttpConnector>, RequestBody>;

/// How the upstream's certificate is checked.
#[derive(Clone, Debug)]
pub(crate) enum Trust {
    /// Against the system's roots.
    System,
    /// Against the certificates of a PEM file only (a CipherTrust Manager's own CA).
    Roots(std::path::PathBuf),
    /// Not at all (`--insecure`), as `curl -k` does.
    Anything,
}

/// The upstream: where calls go.
#[derive(Clone, Debug)]
pub(crate) struct Upstream {
    /// `http` or `https`.
    pub(crate) scheme: http::uri::Scheme,
    /// Host and port.
    pub(crate) authority: http::uri::Authority,
    /// A path before the API's, without a trailing `/` (usually empty).
    pub(crate) prefix: String,
}

impl Upstream {
    /// Reads `--upstream`: the server's root URL, or its API URL (ending in `/api/v1`, as
    /// `cckm-sync mock` prints it), which is the same server.
    pub(crate) fn parse(url: &str) -> Result<Self, String> {
        let uri: Uri = url.parse().map_err(|error| format!("invalid URL {url:?}: {error}"))?;
        let scheme = uri
            .scheme()
            .filter(|scheme| **scheme == http::uri::Scheme::HTTP || **scheme == http::uri::Scheme::HTTPS)
            .cloned()
            .ok_or_else(|| format!("{url:?}: the upstream URL must start with http:// or https://"))?;
        let authority = uri
            .authority()
            .cloned()
            .ok_or_else(|| format!("{url:?}: the upstream URL names no host"))?;
        if uri.query().is_some() {
            return Err(format!("{url:?}: the upstream URL must not have a query string"));
        }
        let path = uri.path().trim_end_matches('/');
        let prefix = path.strip_suffix(API_PREFIX).unwrap_or(path).to_owned();
        Ok(Self {
            scheme,
            authority,
            prefix,
        })
    }

    /// The upstream URI of a request for `path_and_query`.
    pub(crate) fn uri(&self, path_and_query: &str) -> Result<Uri, http::Error> {
        Uri::builder()
            .scheme(self.scheme.clone())
            .authority(self.authority.clone())
            .path_and_query(format!("{}{path_and_query}", self.prefix))
            .build()
    }

    /// The upstream's URL, for messages.
    pub(crate) fn url(&self) -> String {
        format!("{}://{}{}", self.scheme, self.authority, self.prefix)
    }
}

/// A client of the upstream: connections pooled, a connect timeout, TLS by `trust` with the
/// ring provider, HTTP/1.1 or HTTP/2 as the server offers.
pub(crate) fn client(trust: &Trust, connect_timeout: Duration) -> Result<UpstreamClient, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|error| format!("cannot set up TLS: {error}"))?;
    let config = match trust {
        Trust::System => {
            use rustls_platform_verifier::BuilderVerifierExt as _;
            builder
                .with_platform_verifier()
                .map_err(|error| format!("cannot read the system's trusted certificates: {error}"))?
                .with_no_client_auth()
        }
        Trust::Roots(path) => builder.with_root_certificates(roots(path)?).with_no_client_auth(),
        Trust::Anything => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnything(provider)))
            .with_no_client_auth(),
    };
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_nodelay(true);
    http.set_connect_timeout(Some(connect_timeout));
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(config)
        .https_or_http()
        .enable_all_versions()
        .wrap_connector(http);
    Ok(Client::builder(TokioExecutor::new())
        .pool_idle_timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(64)
        .build(connector))
}

/// The certificates of a PEM file, as trusted roots.
fn roots(path: &Path) -> Result<rustls::RootCertStore, String> {
    let certificates = CertificateDer::pem_file_iter(path)
        .map_err(|error| format!("cannot read {}: {error}", path.display()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| format!("{}: not a PEM certificate: {error}", path.display()))?;
    if certificates.is_empty() {
        return Err(format!("{}: no certificate in this file", path.display()));
    }
    let mut store = rustls::RootCertStore::empty();
    for certificate in certificates {
        store
            .add(certificate)
            .map_err(|error| format!("{}: {error}", path.display()))?;
    }
    Ok(store)
}

/// `--insecure`: any certificate, for any name; the signatures of the handshake are still
/// checked, so the connection is encrypted, just not authenticated.
#[derive(Debug)]
struct AcceptAnything(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAnything {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        certificate: &CertificateDer<'_>,
        signature: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            certificate,
            signature,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        certificate: &CertificateDer<'_>,
        signature: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            certificate,
            signature,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_upstream_is_its_root_or_its_api_url() {
        let root = Upstream::parse("http://127.0.0.1:8443").unwrap();
        assert_eq!(root.prefix, "");
        assert_eq!(
            root.uri("/api/v1/cckm/dsm/refresh?limit=1").unwrap().to_string(),
            "http://127.0.0.1:8443/api/v1/cckm/dsm/refresh?limit=1"
        );
        let api = Upstream::parse("https://ctm.example/api/v1/").unwrap();
        assert_eq!(api.prefix, "");
        assert_eq!(api.url(), "https://ctm.example");
        let behind = Upstream::parse("https://gateway.example/ctm").unwrap();
        assert_eq!(
            behind.uri("/api/v1/auth/tokens").unwrap().path(),
            "/ctm/api/v1/auth/tokens"
        );
        assert!(Upstream::parse("ftp://h").unwrap_err().contains("http://"));
        assert!(Upstream::parse("127.0.0.1:8443").is_err());
    }
}
