//! [`MockServer`]: what a test holds. It wraps a running server (its own, or one of the pool)
//! and says what the server does, each method mirroring a call of the control API.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use cckm_sync::{CloudFamily, ScopeItems};
use chrono::{DateTime, Utc};

use crate::accept::Stop;
use crate::bare::BareServer;
use crate::builder::MockServerBuilder;
use crate::clock::{ClockError, ClockState};
use crate::fault::{Fault, FaultError};
use crate::pool;
use crate::record::ReceivedRequest;
use crate::seed::{LoadError, LoadReport};

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
    pub const DEFAULT_JOB_DURATION: Duration = Duration::from_secs(5);
    /// How long a JWT is valid by default: 300 s, as a real server's.
    pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(300);
    /// How many jobs a server holds by default.
    pub const DEFAULT_MAX_JOBS: usize = 10_000;
    /// How many received requests a server keeps by default.
    pub const DEFAULT_RECORDED_REQUESTS: usize = 1_000;
    /// The largest request body taken (256 KiB); a larger one is answered 413.
    pub const BODY_LIMIT: usize = 256 * 1024;

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

    fn bare(&self) -> &BareServer {
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

    /// Back to a fresh server: no job, fault or received request; every token revoked; the
    /// system clock; the inventory it started with. Mirrors `POST /__mock/reset`.
    ///
    /// ```
    /// # let job = r#"{"id": "d4cbd38e-845e-4f75-9e71-15280084986e", "uri": "u", "account": "a", "application": "p",
    /// #     "devAccount": "d", "createdAt": "2021-03-03T09:22:15.05611Z", "updatedAt": "2021-03-03T09:22:15.636481Z",
    /// #     "overall_status": "completed", "cloud": "dsm", "domains": ["6070915c-0ab4-4e7e-bf4d-31dd31214874"], "abort": false}"#;
    /// use cckm_sync_mock::{Fault, MockServer};
    ///
    /// // Arrange
    /// let server = MockServer::start();
    /// server.load_jobs(job.as_bytes(), None)?;
    /// server.inject(Fault::status(503))?;
    /// server.pause_clock();
    ///
    /// // Act
    /// server.reset();
    ///
    /// // Assert
    /// assert_eq!(server.job_count(), 0);
    /// assert!(server.faults().is_empty());
    /// assert!(!server.clock().paused);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reset(&self) {
        self.bare().app.reset();
    }

    /// Loads a recorded page or job of any family (a response body of the API), for the
    /// endpoint named `endpoint`, or one of the job's family. Mirrors `POST /__mock/jobs`.
    ///
    /// ```
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let server = MockServer::start();
    /// let page = std::fs::read("../cckm-sync/tests/fixtures/pages/seed-dsm-refresh-completed.json").unwrap();
    ///
    /// // Act
    /// let report = server.load_jobs(&page, None)?;
    ///
    /// // Assert
    /// assert_eq!(report.added, 1);
    /// assert_eq!(server.job_count(), 1);
    /// # Ok::<(), cckm_sync_mock::LoadError>(())
    /// ```
    pub fn load_jobs(&self, body: &[u8], endpoint: Option<&str>) -> Result<LoadReport, LoadError> {
        self.bare().app.load(body, endpoint)
    }

    /// Loads the recorded pages and jobs of every `.json` file under `dir`, as `--seed` does.
    ///
    /// ```
    /// # let job = r#"{"id": "d4cbd38e-845e-4f75-9e71-15280084986e", "uri": "u", "account": "a", "application": "p",
    /// #     "devAccount": "d", "createdAt": "2021-03-03T09:22:15.05611Z", "updatedAt": "2021-03-03T09:22:15.636481Z",
    /// #     "overall_status": "completed", "cloud": "dsm", "domains": ["6070915c-0ab4-4e7e-bf4d-31dd31214874"], "abort": false}"#;
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let server = MockServer::start();
    /// let dir = tempfile::tempdir().unwrap();
    /// std::fs::write(dir.path().join("job.json"), job).unwrap();
    ///
    /// // Act
    /// let report = server.load_dir(dir.path())?;
    ///
    /// // Assert
    /// assert_eq!(report.loaded(), 1);
    /// # Ok::<(), cckm_sync_mock::LoadError>(())
    /// ```
    pub fn load_dir(&self, dir: impl AsRef<Path>) -> Result<LoadReport, LoadError> {
        self.bare().app.load_dir(dir.as_ref())
    }

    /// What the clock reads. Mirrors `GET /__mock/clock`.
    ///
    /// ```
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let server = MockServer::start();
    ///
    /// // Act
    /// let clock = server.clock();
    ///
    /// // Assert: the system clock, running.
    /// assert!(!clock.paused);
    /// assert!((chrono::Utc::now() - clock.now).num_seconds().abs() < 60);
    /// ```
    pub fn clock(&self) -> ClockState {
        self.bare().app.clock.state()
    }

    /// Pauses the clock where it is: jobs and tokens stand still until it is advanced.
    /// Mirrors `POST /__mock/clock/pause`.
    ///
    /// ```
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let server = MockServer::start();
    ///
    /// // Act
    /// let paused = server.pause_clock();
    /// std::thread::sleep(std::time::Duration::from_millis(5));
    ///
    /// // Assert
    /// assert!(paused.paused);
    /// assert_eq!(server.clock().now, paused.now);
    /// ```
    pub fn pause_clock(&self) -> ClockState {
        self.bare().app.clock.pause()
    }

    /// Pauses the clock at `at`.
    ///
    /// ```
    /// use chrono::{TimeZone as _, Utc};
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let server = MockServer::start();
    /// let at = Utc.with_ymd_and_hms(2030, 1, 2, 3, 4, 5).unwrap();
    ///
    /// // Act
    /// let state = server.pause_clock_at(at)?;
    ///
    /// // Assert
    /// assert_eq!((state.now, state.paused), (at, true));
    /// # Ok::<(), cckm_sync_mock::ClockError>(())
    /// ```
    pub fn pause_clock_at(&self, at: DateTime<Utc>) -> Result<ClockState, ClockError> {
        self.bare().app.clock.pause_at(at)
    }

    /// Moves the clock forward by `by`, pausing it first if it runs. Mirrors
    /// `POST /__mock/clock/advance`.
    ///
    /// # Panics
    ///
    /// If the clock would pass the year 9998: [`try_advance_clock`](Self::try_advance_clock)
    /// returns the error instead.
    ///
    /// ```
    /// use std::time::Duration;
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let server = MockServer::start();
    /// let before = server.pause_clock();
    ///
    /// // Act
    /// let after = server.advance_clock(Duration::from_secs(90));
    ///
    /// // Assert
    /// assert_eq!((after.now - before.now).num_seconds(), 90);
    /// ```
    pub fn advance_clock(&self, by: Duration) -> ClockState {
        match self.try_advance_clock(by) {
            Ok(state) => state,
            Err(error) => panic!("cannot advance the clock by {by:?}: {error}"),
        }
    }

    /// Moves the clock forward by `by`; fails if it would leave what a timestamp holds.
    ///
    /// ```
    /// use std::time::Duration;
    /// use cckm_sync_mock::{ClockError, MockServer};
    ///
    /// // Arrange
    /// let server = MockServer::start();
    ///
    /// // Act
    /// let too_far = server.try_advance_clock(Duration::from_secs(10_000 * 366 * 24 * 3600));
    ///
    /// // Assert
    /// assert_eq!(too_far, Err(ClockError::OutOfRange));
    /// assert!(server.try_advance_clock(Duration::from_secs(1)).is_ok());
    /// ```
    pub fn try_advance_clock(&self, by: Duration) -> Result<ClockState, ClockError> {
        self.bare().app.clock.advance(by)
    }

    /// Lets the clock follow the system clock again. Mirrors `POST /__mock/clock/resume`.
    ///
    /// ```
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let server = MockServer::start();
    /// server.pause_clock();
    ///
    /// // Act
    /// let state = server.resume_clock();
    ///
    /// // Assert
    /// assert!(!state.paused);
    /// ```
    pub fn resume_clock(&self) -> ClockState {
        self.bare().app.clock.resume()
    }

    /// Adds a fault. Mirrors `POST /__mock/faults`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let _ = rustls::crypto::ring::default_provider().install_default();
    /// use cckm_sync_mock::{Call, Fault, MockServer};
    ///
    /// // Arrange
    /// let server = MockServer::start();
    ///
    /// // Act: the next list answers 503.
    /// server.inject(Fault::status(503).on(Call::List))?;
    ///
    /// // Assert
    /// let status = reqwest::Client::new()
    ///     .get(format!("{}/cckm/dsm/refresh", server.api_url()))
    ///     .header("Authorization", server.authorization())
    ///     .send()
    ///     .await?
    ///     .status();
    /// assert_eq!(status, 503);
    /// # Ok(())
    /// # }
    /// ```
    pub fn inject(&self, fault: Fault) -> Result<(), FaultError> {
        self.bare().app.inject(fault)
    }

    /// The pending faults, with the calls each has left. Mirrors `GET /__mock/faults`.
    ///
    /// ```
    /// use cckm_sync_mock::{Fault, MockServer};
    ///
    /// // Arrange
    /// let server = MockServer::start();
    /// server.inject(Fault::status(500).times(2))?;
    ///
    /// // Act
    /// let faults = server.faults();
    ///
    /// // Assert
    /// assert_eq!(faults, [Fault::status(500).times(2)]);
    /// # Ok::<(), cckm_sync_mock::FaultError>(())
    /// ```
    pub fn faults(&self) -> Vec<Fault> {
        self.bare().app.faults().list()
    }

    /// Clears the pending faults. Mirrors `DELETE /__mock/faults`.
    ///
    /// ```
    /// use cckm_sync_mock::{Fault, MockServer};
    ///
    /// // Arrange
    /// let server = MockServer::start();
    /// server.inject(Fault::close_connection())?;
    ///
    /// // Act
    /// server.clear_faults();
    ///
    /// // Assert
    /// assert!(server.faults().is_empty());
    /// # Ok::<(), cckm_sync_mock::FaultError>(())
    /// ```
    pub fn clear_faults(&self) {
        self.bare().app.faults().clear();
    }

    /// The requests received on the vendor's API, oldest first, at most the recording
    /// capacity. Mirrors `GET /__mock/requests`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let _ = rustls::crypto::ring::default_provider().install_default();
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let server = MockServer::start();
    /// reqwest::Client::new()
    ///     .get(format!("{}/cckm/oci/synchronization-jobs?limit=5", server.api_url()))
    ///     .header("Authorization", server.authorization())
    ///     .send()
    ///     .await?;
    ///
    /// // Act
    /// let received = server.received_requests();
    ///
    /// // Assert
    /// assert_eq!(received.len(), 1);
    /// assert_eq!((received[0].method.as_str(), received[0].query.as_deref()), ("GET", Some("limit=5")));
    /// assert_eq!(received[0].status, 200);
    /// # Ok(())
    /// # }
    /// ```
    pub fn received_requests(&self) -> Vec<ReceivedRequest> {
        self.bare().app.requests().list()
    }

    /// Forgets the received requests. Mirrors `DELETE /__mock/requests`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let _ = rustls::crypto::ring::default_provider().install_default();
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let server = MockServer::start();
    /// reqwest::Client::new().get(format!("{}/cckm/sap/synchronization-jobs", server.api_url())).send().await?;
    ///
    /// // Act
    /// server.clear_received_requests();
    ///
    /// // Assert
    /// assert!(server.received_requests().is_empty());
    /// # Ok(())
    /// # }
    /// ```
    pub fn clear_received_requests(&self) {
        self.bare().app.requests().clear();
    }

    /// Sets what `synchronize_all` selects for `family`. Mirrors
    /// `PUT /__mock/inventory/{family}`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let _ = rustls::crypto::ring::default_provider().install_default();
    /// use cckm_sync::{CloudFamily, OciStartJob, OciSyncJob, ScopeItems};
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let server = MockServer::start();
    ///
    /// // Act
    /// server.set_inventory(CloudFamily::Oci, ScopeItems::new(["vault-a", "vault-b"])?);
    ///
    /// // Assert: a start of every item takes them.
    /// let job: OciSyncJob = reqwest::Client::new()
    ///     .post(format!("{}/cckm/oci/synchronization-jobs", server.api_url()))
    ///     .header("Authorization", server.authorization())
    ///     .json(&OciStartJob::all())
    ///     .send()
    ///     .await?
    ///     .json()
    ///     .await?;
    /// assert_eq!(job.scope.vaults, Some(vec!["vault-a".to_owned(), "vault-b".to_owned()]));
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_inventory(&self, family: CloudFamily, items: ScopeItems) {
        self.bare().app.inventory_mut().set_items(family, items);
    }

    /// Sets the regions an AWS job covers when its start request names none.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let _ = rustls::crypto::ring::default_provider().install_default();
    /// use cckm_sync::{AwsStartJob, AwsSyncJob, ScopeItems};
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let server = MockServer::start();
    ///
    /// // Act
    /// server.set_aws_regions(ScopeItems::new(["sa-east-1"])?);
    ///
    /// // Assert: one item per KMS resource and region.
    /// let job: AwsSyncJob = reqwest::Client::new()
    ///     .post(format!("{}/cckm/aws/synchronization-jobs", server.api_url()))
    ///     .header("Authorization", server.authorization())
    ///     .json(&AwsStartJob::items(["kms"])?)
    ///     .send()
    ///     .await?
    ///     .json()
    ///     .await?;
    /// let items = job.detailed_status.unwrap();
    /// assert_eq!(items.len(), 1);
    /// assert!(items.iter().all(|(key, _)| key.ends_with("/sa-east-1")));
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_aws_regions(&self, regions: ScopeItems) {
        self.bare().app.inventory_mut().set_aws_regions(regions);
    }

    /// Revokes every token: every JWT and refresh token issued so far is refused from now on.
    /// Mirrors `POST /__mock/tokens/revoke`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let _ = rustls::crypto::ring::default_provider().install_default();
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let server = MockServer::start();
    /// let header = server.authorization();
    ///
    /// // Act
    /// server.revoke_tokens();
    ///
    /// // Assert
    /// let status = reqwest::Client::new()
    ///     .get(format!("{}/cckm/dsm/refresh", server.api_url()))
    ///     .header("Authorization", header)
    ///     .send()
    ///     .await?
    ///     .status();
    /// assert_eq!(status, 401);
    /// # Ok(())
    /// # }
    /// ```
    pub fn revoke_tokens(&self) {
        self.bare().app.tokens().revoke_all();
    }

    /// How many jobs the server holds.
    ///
    /// ```
    /// # let job = r#"{"id": "d4cbd38e-845e-4f75-9e71-15280084986e", "uri": "u", "account": "a", "application": "p",
    /// #     "devAccount": "d", "createdAt": "2021-03-03T09:22:15.05611Z", "updatedAt": "2021-03-03T09:22:15.636481Z",
    /// #     "overall_status": "completed", "cloud": "dsm", "domains": ["6070915c-0ab4-4e7e-bf4d-31dd31214874"], "abort": false}"#;
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let server = MockServer::start();
    /// server.load_jobs(job.as_bytes(), None)?;
    ///
    /// // Act
    /// let count = server.job_count();
    ///
    /// // Assert
    /// assert_eq!(count, 1);
    /// # Ok::<(), cckm_sync_mock::LoadError>(())
    /// ```
    pub fn job_count(&self) -> usize {
        self.bare().app.jobs().len()
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

impl Drop for MockServer {
    fn drop(&mut self) {
        match self.bare.take() {
            Some(bare) if self.pooled => pool::give_back(bare),
            // Its own server stops: the port is closed when `drop` returns.
            _ => {}
        }
    }
}
