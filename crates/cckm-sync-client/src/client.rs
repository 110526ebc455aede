//! The client and its builder: a transport, and the token layer its calls go through.

use std::sync::Arc;
use std::time::Duration;

use cckm_sync::endpoints::API_PREFIX;
use reqwest::header::HeaderValue;

use crate::auth::Auth;
use crate::error::{Action, Error};
use crate::retry::RetryPolicy;
use crate::tls::{self, Trust};
use crate::transport::{Reply, Transport};

/// The default timeout of a whole request, from connecting to the end of the answer's body.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The default timeout of connecting (TCP and TLS).
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default limit of an answer's body: a page of some 50,000 jobs.
const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

/// A client of the job API of one CipherTrust Manager. Cheap to clone: clones share the
/// connections and the token.
///
/// Built with [`Client::builder`]; the handle of each endpoint of the catalog
/// ([`aws_keys`](Self::aws_keys), [`dsm`](Self::dsm), …) makes the calls.
#[derive(Clone, Debug)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    transport: Transport,
    auth: Auth,
}

/// The options of a [`Client`]; see [`Client::builder`].
#[derive(Clone, Debug)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct ClientBuilder {
    base_url: String,
    credentials: Option<Credentials>,
    ca_certificates: Vec<Vec<u8>>,
    accept_invalid_certs: bool,
    connect_timeout: Option<Duration>,
    timeout: Duration,
    user_agent: String,
    http: Option<reqwest::Client>,
    retry: RetryPolicy,
    refresh_before_expiry: Option<Duration>,
    max_response_bytes: usize,
}

#[derive(Clone)]
enum Credentials {
    Password {
        username: String,
        password: String,
        domain: Option<String>,
    },
    Token(String),
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Password { username, domain, .. } => f
                .debug_struct("Password")
                .field("username", username)
                .field("domain", domain)
                .finish_non_exhaustive(),
            Self::Token(_) => f.write_str("Token(..)"),
        }
    }
}

impl Client {
    /// A builder of a client of the server at `base_url`: `https://host` or
    /// `https://host:port`, to which the API prefix (`/api/v1`) is added. A URL that ends with
    /// the prefix (as the mock prints it) is taken as well.
    ///
    /// ```
    /// use std::time::Duration;
    /// use cckm_sync_client::Client;
    ///
    /// let client = Client::builder("https://cm.example.com")
    ///     .credentials("admin", "secret")
    ///     .timeout(Duration::from_secs(60))
    ///     .build()?;
    /// assert_eq!(client.base_url(), "https://cm.example.com");
    /// # Ok::<(), cckm_sync_client::Error>(())
    /// ```
    pub fn builder(base_url: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            base_url: base_url.into(),
            credentials: None,
            ca_certificates: Vec::new(),
            accept_invalid_certs: false,
            connect_timeout: None,
            timeout: DEFAULT_TIMEOUT,
            user_agent: concat!("cckm-sync-client/", env!("CARGO_PKG_VERSION")).to_owned(),
            http: None,
            retry: RetryPolicy::default(),
            refresh_before_expiry: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }

    /// The server's URL, without the API prefix or a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.transport.base
    }

    /// Sends the call `action` (`path` from the API prefix on, with its query) with the
    /// client's token; see [`Transport::call`].
    pub(crate) async fn call(&self, action: Action, path: String, body: Option<Vec<u8>>) -> Result<Reply, Error> {
        self.inner.transport.call(&self.inner.auth, action, path, body).await
    }
}

impl ClientBuilder {
    /// Logs in with this user name and password (the password grant), and renews the token
    /// as needed. Replaces a [`token`](Self::token).
    pub fn credentials(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        let domain = match self.credentials {
            Some(Credentials::Password { domain, .. }) => domain,
            _ => None,
        };
        self.credentials = Some(Credentials::Password {
            username: username.into(),
            password: password.into(),
            domain,
        });
        self
    }

    /// Logs in to this domain (`auth_domain_path` of the password grant), such as
    /// `root/finance`; without it, the user's root domain. Applies to
    /// [`credentials`](Self::credentials).
    pub fn auth_domain(mut self, domain: impl Into<String>) -> Self {
        if let Some(Credentials::Password { domain: current, .. }) = &mut self.credentials {
            *current = Some(domain.into());
        }
        self
    }

    /// Sends this JWT with every call instead of logging in. It is not renewed: once it
    /// expires, calls fail with 401. Replaces [`credentials`](Self::credentials).
    pub fn token(mut self, jwt: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::Token(jwt.into()));
        self
    }

    /// Trusts the CA certificates of this PEM text as well as the system's roots: for a
    /// server whose certificate is self-signed or issued by a private CA.
    pub fn add_ca_certificate_pem(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.ca_certificates.push(pem.as_ref().to_vec());
        self
    }

    /// Accepts any server certificate, even an expired one, or one for another name or from
    /// an unknown issuer. **Dangerous**: anyone between the client and the server can then read
    /// and change the calls, credentials included. Prefer
    /// [`add_ca_certificate_pem`](Self::add_ca_certificate_pem) with the server's certificate.
    pub fn danger_accept_invalid_certs(mut self, accept: bool) -> Self {
        self.accept_invalid_certs = accept;
        self
    }

    /// The timeout of connecting, TCP and TLS (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The timeout of each request, from connecting to the end of the answer (default 30 s).
    /// A retried call may take several.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The `User-Agent` of every request (default `cckm-sync-client/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Sends the calls with this HTTP client, its TLS configuration and connection pool
    /// included, instead of one of the client's own. The TLS options and the connect timeout
    /// of this builder then cannot be set. Build it with a rustls crypto provider (or install
    /// one as the process default) and without following redirects.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// How failed calls are retried (default [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Renews the token this long before it expires, instead of 60 s before (or a fifth of
    /// the lifetime of a token valid less than five minutes). The lifetime is `exp - iat` of
    /// the JWT, by the server's clock, counted from when the token arrived.
    pub fn refresh_before_expiry(mut self, margin: Duration) -> Self {
        self.refresh_before_expiry = Some(margin);
        self
    }

    /// The largest answer body taken (default 64 MiB); a larger one fails the call with
    /// [`Error::TooLarge`].
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// The client. Fails on a base URL that is not `http` or `https` or that carries a user,
    /// query or fragment, without credentials or a token, on a PEM without a certificate, on
    /// options that exclude each other, or when the system's CA certificates cannot be read
    /// for an `https` server.
    pub fn build(self) -> Result<Client, Error> {
        let base = base_url(&self.base_url)?;
        let auth = match self.credentials {
            None => {
                return Err(Error::Config(
                    "no credentials: call `credentials` (user name and password) or `token`".to_owned(),
                ));
            }
            Some(Credentials::Token(jwt)) => {
                let mut value = HeaderValue::from_str(&format!("Bearer {jwt}"))
                    .map_err(|_| Error::Config("the token holds characters a header cannot carry".to_owned()))?;
                value.set_sensitive(true);
                Auth::Fixed(value)
            }
            Some(Credentials::Password {
                username,
                password,
                domain,
            }) => Auth::password(username, password, domain, self.refresh_before_expiry),
        };
        let user_agent = HeaderValue::from_str(&self.user_agent)
            .map_err(|_| Error::Config(format!("invalid user agent {:?}", self.user_agent)))?;
        let mut extra = Vec::new();
        for pem in &self.ca_certificates {
            extra.extend(tls::certificates_from_pem(pem)?);
        }
        if self.accept_invalid_certs && !extra.is_empty() {
            return Err(Error::Config(
                "`danger_accept_invalid_certs` and a CA certificate exclude each other: trust the CA, or accept \
                 any certificate"
                    .to_owned(),
            ));
        }
        let http = match self.http {
            Some(http) => {
                if self.accept_invalid_certs || !extra.is_empty() || self.connect_timeout.is_some() {
                    return Err(Error::Config(
                        "the TLS options and the connect timeout belong to the HTTP client given with `http_client`"
                            .to_owned(),
                    ));
                }
                http
            }
            None => {
                let trust = if self.accept_invalid_certs {
                    Trust::AcceptInvalid
                } else if extra.is_empty() {
                    Trust::System
                } else {
                    Trust::SystemAnd(extra)
                };
                let config = tls::client_config(&trust, base.starts_with("https:"))?;
                reqwest::Client::builder()
                    .tls_backend_preconfigured(config)
                    .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                    // An API answers; a redirect would resend a POST as a GET, or send the token
                    // elsewhere.
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .map_err(|error| Error::Config(format!("cannot build the HTTP client: {error}")))?
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                transport: Transport {
                    http,
                    base,
                    timeout: self.timeout,
                    user_agent,
                    retry: self.retry,
                    max_response_bytes: self.max_response_bytes,
                },
                auth,
            }),
        })
    }
}

/// The base URL without a trailing slash or the API prefix; checked.
fn base_url(text: &str) -> Result<String, Error> {
    // `127.0.0.1:8443` does not parse, `localhost:8443` parses with the scheme `localhost`:
    // either way a host and port written without a scheme.
    let no_scheme = !text.contains("://");
    let hint = |reason: String| {
        if no_scheme {
            format!(
                "invalid URL {text:?}: {reason} (a URL starts with its scheme: https://{})",
                text.trim()
            )
        } else {
            format!("invalid URL {text:?}: {reason}")
        }
    };
    let url = reqwest::Url::parse(text.trim()).map_err(|error| Error::Config(hint(error.to_string())))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::Config(hint(format!(
            "the scheme must be https (or http), not {}",
            url.scheme()
        ))));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::Config(format!("invalid URL {text:?}: no host")));
    }
    if !url.username().is_empty() || url.password().is_some() {
        // The URL is not repeated: it holds a password.
        return Err(Error::Config(
            "invalid URL: give the user name and password as credentials, not in the URL".to_owned(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(format!(
            "invalid URL {text:?}: a base URL has no query or fragment"
        )));
    }
    let origin = url.origin().ascii_serialization();
    let path = url.path().trim_end_matches('/');
    let path = path.strip_suffix(API_PREFIX).unwrap_or(path);
    Ok(format!("{origin}{path}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_url_keeps_a_path_and_drops_a_trailing_slash_or_the_api_prefix() {
        assert_eq!(base_url("https://cm.example").unwrap(), "https://cm.example");
        assert_eq!(base_url("https://cm.example:8443/").unwrap(), "https://cm.example:8443");
        assert_eq!(
            base_url("http://127.0.0.1:8443/api/v1").unwrap(),
            "http://127.0.0.1:8443"
        );
        assert_eq!(
            base_url("https://gw.example/cm/api/v1/").unwrap(),
            "https://gw.example/cm"
        );
        assert_eq!(base_url(" https://cm.example/cm ").unwrap(), "https://cm.example/cm");
    }

    #[test]
    fn a_base_url_that_cannot_serve_is_refused_with_the_reason() {
        for (url, reason) in [
            (
                "cm.example",
                "relative URL without a base (a URL starts with its scheme: https://cm.example)",
            ),
            (
                "127.0.0.1:8443",
                "relative URL without a base (a URL starts with its scheme: https://127.0.0.1:8443)",
            ),
            (
                "localhost:8443",
                "not localhost (a URL starts with its scheme: https://localhost:8443)",
            ),
            ("ftp://cm.example", "the scheme must be https"),
            ("https://admin:secret@cm.example", "not in the URL"),
            ("https://cm.example/?x=1", "no query or fragment"),
        ] {
            let error = base_url(url).unwrap_err().to_string();
            assert!(error.contains(reason), "{url}: {error}");
            assert!(!error.contains("secret"), "{error}");
        }
    }

    #[test]
    fn a_client_needs_credentials_and_consistent_tls_options() {
        let error = Client::builder("https://cm.example").build().unwrap_err();
        assert!(error.to_string().contains("no credentials"), "{error}");
        let error = Client::builder("https://cm.example")
            .token("jwt")
            .add_ca_certificate_pem("no certificate here")
            .build()
            .unwrap_err();
        assert!(
            error.to_string().contains("holds no `BEGIN CERTIFICATE` section"),
            "{error}"
        );
    }
}
