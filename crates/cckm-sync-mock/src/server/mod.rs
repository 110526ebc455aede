//! [`MockServer`]: what a test holds. It wraps a running server (its own, or one of the pool)
//! and says what the server does, each method mirroring a call of the control API.

use std::net::SocketAddr;
use std::time::Duration;

use crate::accept::Stop;
use crate::bare::BareServer;
use crate::builder::{self, MockServerBuilder};
use crate::start::StartError;

mod clock;
mod faults;
mod state;
use crate::pool;
use crate::seed::LoadReport;

/// How long a graceful shutdown waits for requests in flight.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// A mock CipherTrust Manager serving every job endpoint of the catalog and the token call,
/// on `127.0.0.1` and a free port.
///
/// [`MockServer::start`] takes a server with the default options from a pool, as wiremock's
/// does: dropping the `MockServer` makes that server fresh and gives it back for the next
/// test, so that a large suite does not start a listener per test.
/// [`MockServer::builder`] starts a server of its own, with options, which stops when dropped.
///
/// ```
/// use cckm_sync_mock::MockServer;
///
/// let server = MockServer::start();
/// assert!(server.base_url().starts_with("http://127.0.0.1:"));
/// assert_eq!(server.api_url(), format!("{}/api/v1", server.base_url()));
/// ```
#[derive(Debug)]
pub struct MockServer {
    /// `None` only once dropped or shut down.
    bare: Option<BareServer>,
    /// Whether the server goes back to the pool when this is dropped.
    pooled: bool,
}

impl MockServer {
    /// How long a job runs by default: long enough to be seen running and cancelled by hand,
    /// short enough for a demo.
    pub const DEFAULT_JOB_DURATION: Duration = builder::DEFAULT_JOB_DURATION;
    /// How long a JWT is valid by default: 300 s, as a real server's.
    pub const DEFAULT_TOKEN_LIFETIME: Duration = builder::DEFAULT_TOKEN_LIFETIME;
    /// How many jobs a server holds by default.
    pub const DEFAULT_MAX_JOBS: usize = builder::DEFAULT_MAX_JOBS;
    /// How many items (`detailed_status` entries, or the entries of a scope list) a server's
    /// jobs hold together by default.
    pub const DEFAULT_MAX_ITEMS: usize = builder::DEFAULT_MAX_ITEMS;
    /// How many received requests a server keeps by default.
    pub const DEFAULT_RECORDED_REQUESTS: usize = builder::DEFAULT_RECORDED_REQUESTS;
    /// The largest request body taken (256 KiB); a larger one is answered 413.
    pub const BODY_LIMIT: usize = builder::BODY_LIMIT;

    /// A server with the default options, fresh: taken from the pool, or started. It listens
    /// when this returns.
    ///
    /// # Panics
    ///
    /// If no port of `127.0.0.1` can be bound or no thread started: the test cannot go on.
    /// [`builder`](Self::builder)`().start()` returns the error instead.
    ///
    /// ```
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange: a server used and dropped.
    /// let first = MockServer::start();
    /// first.pause_clock();
    /// drop(first);
    ///
    /// // Act
    /// let server = MockServer::start();
    ///
    /// // Assert: fresh, whichever server of the pool it is.
    /// assert_eq!(server.job_count(), 0);
    /// assert!(!server.clock().paused);
    /// ```
    pub fn start() -> Self {
        match pool::take() {
            Ok(bare) => Self {
                bare: Some(bare),
                pooled: true,
            },
            Err(error) => panic!("cannot start the mock server: {error}"),
        }
    }

    /// A builder, to set options before starting a server of its own.
    ///
    /// ```
    /// use std::time::Duration;
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let builder = MockServer::builder()
    ///     .credentials("operator", "s3cret")
    ///     .job_duration(Duration::from_secs(2))
    ///     .token_lifetime(Duration::from_secs(60));
    ///
    /// // Act
    /// let server = builder.start()?;
    ///
    /// // Assert
    /// assert_eq!(server.credentials(), ("operator", "s3cret"));
    /// assert_eq!(server.job_duration(), Duration::from_secs(2));
    /// # Ok::<(), cckm_sync_mock::StartError>(())
    /// ```
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder::default()
    }

    /// A server of its own, running `bare`.
    pub(crate) fn own(bare: BareServer) -> Self {
        Self {
            bare: Some(bare),
            pooled: false,
        }
    }

    pub(super) fn bare(&self) -> &BareServer {
        match &self.bare {
            Some(bare) => bare,
            // Taken only by `drop` and `shutdown`, which consume the value.
            None => unreachable!("a MockServer is used after it was shut down"),
        }
    }

    /// The address the server listens on.
    ///
    /// ```
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let server = MockServer::start();
    ///
    /// // Act
    /// let address = server.address();
    ///
    /// // Assert
    /// assert!(address.ip().is_loopback());
    /// assert!(std::net::TcpStream::connect(address).is_ok());
    /// ```
    pub fn address(&self) -> SocketAddr {
        self.bare().address
    }

    /// `http://127.0.0.1:<port>` (or `https://` with TLS): the root a client adds `/api/v1/…` to.
    ///
    /// ```
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let server = MockServer::builder().tls(true).start()?;
    ///
    /// // Act
    /// let url = server.base_url();
    ///
    /// // Assert
    /// assert_eq!(url, format!("https://{}", server.address()));
    /// # Ok::<(), cckm_sync_mock::StartError>(())
    /// ```
    pub fn base_url(&self) -> String {
        let scheme = if self.bare().certificate.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}", self.address())
    }

    /// [`base_url`](Self::base_url) with `/api/v1`: the server URL of the OpenAPI document.
    ///
    /// ```
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let server = MockServer::start();
    ///
    /// // Act
    /// let api = server.api_url();
    ///
    /// // Assert
    /// assert_eq!(api, format!("http://{}/api/v1", server.address()));
    /// ```
    pub fn api_url(&self) -> String {
        format!("{}{}", self.base_url(), cckm_sync::endpoints::API_PREFIX)
    }

    /// The user name and password of the token call.
    ///
    /// ```
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let server = MockServer::start();
    ///
    /// // Act
    /// let (username, password) = server.credentials();
    ///
    /// // Assert: the defaults.
    /// assert_eq!((username, password), ("admin", "admin"));
    /// ```
    pub fn credentials(&self) -> (&str, &str) {
        let config = &self.bare().app.config;
        (&config.username, &config.password)
    }

    /// How long a job runs.
    ///
    /// ```
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let server = MockServer::start();
    ///
    /// // Act
    /// let duration = server.job_duration();
    ///
    /// // Assert
    /// assert_eq!(duration, MockServer::DEFAULT_JOB_DURATION);
    /// ```
    pub fn job_duration(&self) -> Duration {
        self.bare().app.config.job_duration
    }

    /// The self-signed certificate, as PEM, when the server serves HTTPS: give it to a
    /// client as its trusted root (`curl --cacert`, reqwest's `add_root_certificate`).
    ///
    /// ```
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let https = MockServer::builder().tls(true).start()?;
    /// let http = MockServer::start();
    ///
    /// // Act
    /// let pem = https.certificate_pem();
    ///
    /// // Assert
    /// assert!(pem.is_some_and(|pem| pem.starts_with("-----BEGIN CERTIFICATE-----")));
    /// assert_eq!(http.certificate_pem(), None);
    /// # Ok::<(), cckm_sync_mock::StartError>(())
    /// ```
    pub fn certificate_pem(&self) -> Option<&str> {
        self.bare()
            .certificate
            .as_ref()
            .map(|certificate| certificate.pem.as_str())
    }

    /// The self-signed certificate, as DER, when the server serves HTTPS.
    ///
    /// ```
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let server = MockServer::builder().tls(true).start()?;
    ///
    /// // Act
    /// let der = server.certificate_der();
    ///
    /// // Assert: an X.509 certificate is a DER sequence.
    /// assert_eq!(der.and_then(|der| der.first()), Some(&0x30));
    /// # Ok::<(), cckm_sync_mock::StartError>(())
    /// ```
    pub fn certificate_der(&self) -> Option<&[u8]> {
        self.bare()
            .certificate
            .as_ref()
            .map(|certificate| certificate.der.as_slice())
    }

    /// What loading the seed folder did, if the server was started with one.
    ///
    /// ```
    /// # let job = r#"{"id": "d4cbd38e-845e-4f75-9e71-15280084986e", "uri": "u", "account": "a", "application": "p",
    /// #     "devAccount": "d", "createdAt": "2021-03-03T09:22:15.05611Z", "updatedAt": "2021-03-03T09:22:15.636481Z",
    /// #     "overall_status": "completed", "cloud": "dsm", "domains": ["6070915c-0ab4-4e7e-bf4d-31dd31214874"], "abort": false}"#;
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange: a folder with a recorded job.
    /// let dir = tempfile::tempdir().unwrap();
    /// std::fs::write(dir.path().join("job.json"), job).unwrap();
    ///
    /// // Act
    /// let server = MockServer::builder().seed(dir.path()).start()?;
    ///
    /// // Assert
    /// assert_eq!(server.seed_report().map(|report| report.added), Some(1));
    /// assert_eq!(MockServer::start().seed_report(), None);
    /// # Ok::<(), cckm_sync_mock::StartError>(())
    /// ```
    pub fn seed_report(&self) -> Option<&LoadReport> {
        self.bare().seed_report.as_ref()
    }

    /// A valid JWT for the configured user, without a token call: for tests that are not about
    /// tokens. It expires like any other, by the mock's clock.
    ///
    /// # Panics
    ///
    /// If the token cannot be signed, which HS256 with the server's 32-byte secret never
    /// fails to do: a test cannot go on without it.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let _ = rustls::crypto::ring::default_provider().install_default();
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let server = MockServer::start();
    ///
    /// // Act
    /// let jwt = server.token();
    ///
    /// // Assert: a job call takes it.
    /// let status = reqwest::Client::new()
    ///     .get(format!("{}/cckm/dsm/refresh", server.api_url()))
    ///     .bearer_auth(&jwt)
    ///     .send()
    ///     .await?
    ///     .status();
    /// assert_eq!(status, 200);
    /// # Ok(())
    /// # }
    /// ```
    pub fn token(&self) -> String {
        let app = &self.bare().app;
        let now = app.clock.now();
        match app
            .tokens()
            .login(&app.config.username, now, app.config.token_lifetime_secs)
        {
            Ok(issued) => issued.jwt,
            Err(reason) => panic!("cannot sign a token: {reason}"),
        }
    }

    /// `Bearer <jwt>`: the `Authorization` header of a job call, from [`token`](Self::token).
    ///
    /// ```
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let server = MockServer::start();
    ///
    /// // Act
    /// let header = server.authorization();
    ///
    /// // Assert
    /// assert!(header.starts_with("Bearer ey"), "{header}");
    /// ```
    pub fn authorization(&self) -> String {
        format!("Bearer {}", self.token())
    }

    /// Stops accepting connections, lets the requests in flight finish (for at most five
    /// seconds), and returns when the server has stopped: a pooled server stops too, rather
    /// than go back to the pool.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let server = MockServer::builder().start().unwrap();
    /// let address = server.address();
    ///
    /// // Act
    /// server.shutdown().await;
    ///
    /// // Assert
    /// assert!(std::net::TcpStream::connect(address).is_err());
    /// # }
    /// ```
    pub async fn shutdown(mut self) {
        if let Some(bare) = self.bare.take() {
            bare.shutdown(Stop::Graceful(SHUTDOWN_GRACE)).await;
        }
    }
}

impl MockServerBuilder {
    /// Starts a server of its own, with these options (never one of the pool that
    /// [`MockServer::start`] takes from): it listens when this returns.
    pub fn start(self) -> Result<MockServer, StartError> {
        self.spawn().map(MockServer::own)
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        match self.bare.take() {
            Some(bare) if self.pooled => pool::give_back(bare),
            // Its own server stops: the port is closed when `drop` returns.
            _ => {}
        }
    }
}
