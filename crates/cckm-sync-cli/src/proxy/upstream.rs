//! The proxy's side of the upstream: its URL, and an HTTP client with TLS as asked.

use std::time::Duration;

use bytes::Bytes;
use cckm_sync::endpoints::API_PREFIX;
use cckm_sync_client::tls;
use http::Uri;
use http_body_util::Either;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use super::deadline::Deadline;

/// A request body: buffered (a call of the catalog, checked), or streamed (any other call).
pub(crate) type RequestBody = Either<Full<Bytes>, Deadline<Incoming>>;

/// The client of the upstream.
pub(crate) type UpstreamClient = Client<HttpsConnector<HttpConnector>, RequestBody>;

/// How the upstream's certificate is checked.
#[derive(Clone, Debug)]
pub(crate) enum Trust {
    /// Against the system's roots.
    System,
    /// Against the system's roots and the certificates of a PEM file (a CipherTrust Manager's
    /// own CA), as `cckm-sync jobs --ca-cert` does.
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

/// A client of the upstream: connections pooled, a connect timeout, TLS by `trust` (as the
/// typed client trusts certificates: see `cckm_sync_client::tls`), HTTP/1.1 or HTTP/2 as the
/// server offers.
pub(crate) fn client(trust: &Trust, https: bool, connect_timeout: Duration) -> Result<UpstreamClient, String> {
    let trust = match trust {
        Trust::System => tls::Trust::System,
        Trust::Roots(path) => {
            let pem = std::fs::read(path).map_err(|error| format!("cannot read {}: {error}", path.display()))?;
            let certificates =
                tls::certificates_from_pem(&pem).map_err(|error| format!("{}: {error}", path.display()))?;
            tls::Trust::SystemAnd(certificates)
        }
        Trust::Anything => tls::Trust::AcceptInvalid,
    };
    let mut config = tls::client_config(&trust, https).map_err(|error| error.to_string())?;
    // The connector sets the protocols it offers itself.
    config.alpn_protocols.clear();
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
