//! The server: its own thread and runtime, the accept loop, TLS, and shutdown.
//!
//! Each [`MockServer`] runs on a thread of its own with its own tokio runtime, so it serves
//! whatever runtime (or none) the test that started it uses, and stops with the value.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use axum::Router;
use cckm_sync::CloudFamily;
use cckm_sync::ScopeItems;
use chrono::{DateTime, Utc};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::{Notify, Semaphore, oneshot, watch};
use tower::ServiceExt;

use crate::api::{self, CloseHandle};
use crate::app::{App, Config};
use crate::clock::{ClockError, ClockState};
use crate::fault::{Fault, FaultError};
use crate::inventory::Inventory;
use crate::record::ReceivedRequest;
use crate::seed::{LoadError, LoadReport};

/// The most connections served at once; more wait in the listen backlog.
pub const MAX_CONNECTIONS: usize = 1024;
/// How long a client may take to send a request's headers, or to finish a TLS handshake.
const HEADER_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a graceful shutdown waits for requests in flight.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// How to stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stop {
    Run,
    /// Stop accepting, let requests in flight finish (at most this long).
    Graceful(Duration),
    /// Stop at once.
    Now,
}

/// Options of a [`MockServer`]; see [`MockServer::builder`].
#[derive(Clone, Debug)]
#[must_use = "a builder does nothing until `start` is called"]
pub struct MockServerBuilder {
    listen: SocketAddr,
    config: Config,
    tls: bool,
    seed: Option<PathBuf>,
    worker_threads: usize,
    paused_at: Option<DateTime<Utc>>,
}

/// Why a server did not start.
#[derive(Debug)]
#[non_exhaustive]
pub enum StartError {
    /// The address could not be bound.
    Bind {
        /// The address.
        address: SocketAddr,
        /// The reason.
        error: std::io::Error,
    },
    /// An option is out of range; the text says which and why.
    Config(String),
    /// The self-signed certificate or the TLS configuration could not be made.
    Tls(String),
    /// The seed folder could not be loaded.
    Seed(LoadError),
    /// The server's thread or runtime could not be started.
    Runtime(std::io::Error),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Bind { address, error } => write!(f, "cannot listen on {address}: {error}"),
            Self::Config(reason) => f.write_str(reason),
            Self::Tls(reason) => write!(f, "cannot set up TLS: {reason}"),
            Self::Seed(error) => write!(f, "cannot load the seed: {error}"),
            Self::Runtime(error) => write!(f, "cannot start the server's runtime: {error}"),
        }
    }
}

impl std::error::Error for StartError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Bind { error, .. } | Self::Runtime(error) => Some(error),
            Self::Seed(error) => Some(error),
            Self::Config(_) | Self::Tls(_) => None,
        }
    }
}

impl Default for MockServerBuilder {
    fn default() -> Self {
        Self {
            listen: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            config: Config {
                username: "admin".to_owned(),
                password: "admin".to_owned(),
                job_duration: MockServer::DEFAULT_JOB_DURATION,
                token_lifetime_secs: MockServer::DEFAULT_TOKEN_LIFETIME.as_secs(),
                max_jobs: MockServer::DEFAULT_MAX_JOBS,
                record_capacity: MockServer::DEFAULT_RECORDED_REQUESTS,
                body_limit: MockServer::BODY_LIMIT,
                inventory: Inventory::default(),
            },
            tls: false,
            seed: None,
            worker_threads: 1,
            paused_at: None,
        }
    }
}

impl MockServerBuilder {
    /// Listens on `address` instead of `127.0.0.1:0` (a free port).
    pub fn listen(mut self, address: SocketAddr) -> Self {
        self.listen = address;
        self
    }

    /// The user name and password the token call takes (default `admin`, `admin`).
    pub fn credentials(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.config.username = username.into();
        self.config.password = password.into();
        self
    }

    /// How long a job runs, from start to end (default
    /// [`DEFAULT_JOB_DURATION`](MockServer::DEFAULT_JOB_DURATION)); its items end one after
    /// another over it.
    pub fn job_duration(mut self, duration: Duration) -> Self {
        self.config.job_duration = duration;
        self
    }

    /// How long a JWT is valid, in whole seconds, at least one (default 300 s, as a real
    /// server's).
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.config.token_lifetime_secs = lifetime.as_secs();
        self
    }

    /// Serves HTTPS with a self-signed certificate for `localhost` and `127.0.0.1`, made at
    /// start: see [`MockServer::certificate_pem`].
    pub fn tls(mut self, tls: bool) -> Self {
        self.tls = tls;
        self
    }

    /// Loads the recorded pages and jobs of the `.json` files under `dir` at start.
    pub fn seed(mut self, dir: impl Into<PathBuf>) -> Self {
        self.seed = Some(dir.into());
        self
    }

    /// Keeps the last `capacity` requests (default
    /// [`DEFAULT_RECORDED_REQUESTS`](MockServer::DEFAULT_RECORDED_REQUESTS)); 0 records none.
    pub fn record_requests(mut self, capacity: usize) -> Self {
        self.config.record_capacity = capacity;
        self
    }

    /// The most jobs the server holds (default [`DEFAULT_MAX_JOBS`](MockServer::DEFAULT_MAX_JOBS)):
    /// a start beyond it is refused with 409.
    pub fn max_jobs(mut self, max: usize) -> Self {
        self.config.max_jobs = max;
        self
    }

    /// What `synchronize_all` selects (default: [`Inventory::default`]).
    pub fn inventory(mut self, inventory: Inventory) -> Self {
        self.config.inventory = inventory;
        self
    }

    /// How many threads serve requests (default 1, enough for tests; a benchmark or a shared
    /// server wants the machine's cores).
    pub fn worker_threads(mut self, threads: usize) -> Self {
        self.worker_threads = threads.max(1);
        self
    }

    /// Starts with the clock paused at `at`, before anything is loaded.
    pub fn paused_at(mut self, at: DateTime<Utc>) -> Self {
        self.paused_at = Some(at);
        self
    }

    /// Starts the server.
    pub async fn start(self) -> Result<MockServer, StartError> {
        self.start_now()
    }

    fn start_now(self) -> Result<MockServer, StartError> {
        const MAX_JOB_DURATION: Duration = Duration::from_secs(366 * 24 * 3600);
        if self.config.token_lifetime_secs == 0 {
            return Err(StartError::Config("the token lifetime must be at least 1 s".to_owned()));
        }
        if self.config.job_duration > MAX_JOB_DURATION {
            return Err(StartError::Config("a job may last at most 366 days".to_owned()));
        }
        if self.config.max_jobs == 0 {
            return Err(StartError::Config("the mock must hold at least one job".to_owned()));
        }
        let listener = std::net::TcpListener::bind(self.listen).map_err(|error| StartError::Bind {
            address: self.listen,
            error,
        })?;
        listener.set_nonblocking(true).map_err(StartError::Runtime)?;
        let address = listener.local_addr().map_err(StartError::Runtime)?;
        let certificate = self.tls.then(|| make_certificate(address.ip())).transpose()?;

        let app = Arc::new(App::new(self.config));
        if let Some(at) = self.paused_at {
            app.clock
                .pause_at(at)
                .map_err(|error| StartError::Config(error.to_string()))?;
        }
        let seed_report = match &self.seed {
            Some(dir) => Some(app.load_dir(dir).map_err(StartError::Seed)?),
            None => None,
        };
        let acceptor = match &certificate {
            Some(certificate) => Some(tls_acceptor(certificate)?),
            None => None,
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(self.worker_threads)
            .thread_name("cckm-sync-mock")
            .enable_all()
            .build()
            .map_err(StartError::Runtime)?;
        let (stop_sender, stop) = watch::channel(Stop::Run);
        let (done_sender, done) = oneshot::channel();
        let router = api::router(app.clone());
        let thread = std::thread::Builder::new()
            .name(format!("cckm-sync-mock {address}"))
            .spawn(move || {
                runtime.block_on(serve(listener, acceptor, router, stop));
                // Tasks still running (stalled requests) are dropped with the runtime.
                runtime.shutdown_timeout(Duration::ZERO);
                let _ = done_sender.send(());
            })
            .map_err(StartError::Runtime)?;
        Ok(MockServer {
            app,
            address,
            certificate,
            seed_report,
            stop: stop_sender,
            done: Some(done),
            thread: Some(thread),
        })
    }
}

/// The server's self-signed certificate.
#[derive(Clone, Debug)]
struct Certificate {
    pem: String,
    der: Vec<u8>,
    key_der: Vec<u8>,
}

fn make_certificate(ip: IpAddr) -> Result<Certificate, StartError> {
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

fn tls_acceptor(certificate: &Certificate) -> Result<tokio_rustls::TlsAcceptor, StartError> {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    // ring, not aws-lc-rs: no C toolchain to build it, and quick to compile.
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

async fn serve(
    listener: std::net::TcpListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
    router: Router,
    mut stop: watch::Receiver<Stop>,
) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
        return;
    };
    let graceful = GracefulShutdown::new();
    let permits = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT);
    builder.http2().timer(TokioTimer::new());
    loop {
        let permit = tokio::select! {
            biased;
            _ = stop.changed() => break,
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        let stream = tokio::select! {
            biased;
            _ = stop.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    // Out of file descriptors or a reset before accept: wait a little, go on.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let (router, builder, watcher, tls) = (router.clone(), builder.clone(), graceful.watcher(), tls.clone());
        tokio::spawn(async move {
            let _permit = permit;
            match tls {
                None => serve_connection(TokioIo::new(stream), router, builder, watcher).await,
                Some(acceptor) => {
                    if let Ok(Ok(stream)) = tokio::time::timeout(HEADER_TIMEOUT, acceptor.accept(stream)).await {
                        serve_connection(TokioIo::new(stream), router, builder, watcher).await;
                    }
                }
            }
        });
    }
    drop(listener);
    let mode = *stop.borrow();
    if let Stop::Graceful(grace) = mode {
        let _ = tokio::time::timeout(grace, graceful.shutdown()).await;
    }
}

async fn serve_connection<I>(io: TokioIo<I>, router: Router, builder: auto::Builder<TokioExecutor>, watcher: Watcher)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let close = Arc::new(Notify::new());
    let handle = CloseHandle(close.clone());
    let service = hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
        request.extensions_mut().insert(handle.clone());
        router.clone().oneshot(request)
    });
    let connection = watcher.watch(builder.serve_connection(io, service).into_owned());
    tokio::select! {
        _ = connection => {}
        // The close-connection fault: dropping the connection closes it without an answer.
        () = close.notified() => {}
    }
}

/// A mock CipherTrust Manager serving every job endpoint of the catalog and the token call,
/// on `127.0.0.1` and a free port; it stops when dropped.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use cckm_sync_mock::MockServer;
///
/// let server = MockServer::start().await;
/// assert!(server.base_url().starts_with("http://127.0.0.1:"));
/// assert_eq!(server.api_url(), format!("{}/api/v1", server.base_url()));
/// # }
/// ```
#[derive(Debug)]
pub struct MockServer {
    app: Arc<App>,
    address: SocketAddr,
    certificate: Option<Certificate>,
    seed_report: Option<LoadReport>,
    stop: watch::Sender<Stop>,
    done: Option<oneshot::Receiver<()>>,
    thread: Option<JoinHandle<()>>,
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

    /// Starts a server with the default options.
    ///
    /// # Panics
    ///
    /// If no port of `127.0.0.1` can be bound or no thread started: the test cannot go on.
    /// [`builder`](Self::builder)`().start()` returns the error instead.
    pub async fn start() -> Self {
        match Self::builder().start().await {
            Ok(server) => server,
            Err(error) => panic!("cannot start the mock server: {error}"),
        }
    }

    /// A builder, to set options before starting.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), cckm_sync_mock::StartError> {
    /// use std::time::Duration;
    /// use cckm_sync_mock::MockServer;
    ///
    /// let server = MockServer::builder()
    ///     .credentials("operator", "s3cret")
    ///     .job_duration(Duration::from_secs(2))
    ///     .token_lifetime(Duration::from_secs(60))
    ///     .start()
    ///     .await?;
    /// assert_eq!(server.credentials(), ("operator", "s3cret"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder::default()
    }

    /// The address the server listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// `http://127.0.0.1:<port>` (or `https://` with TLS): the root a client adds `/api/v1/…` to.
    pub fn base_url(&self) -> String {
        let scheme = if self.certificate.is_some() { "https" } else { "http" };
        format!("{scheme}://{}", self.address)
    }

    /// [`base_url`](Self::base_url) with `/api/v1`: the server URL of the OpenAPI document.
    pub fn api_url(&self) -> String {
        format!("{}{}", self.base_url(), cckm_sync::endpoints::API_PREFIX)
    }

    /// The user name and password of the token call.
    pub fn credentials(&self) -> (&str, &str) {
        (&self.app.config.username, &self.app.config.password)
    }

    /// How long a job runs.
    pub fn job_duration(&self) -> Duration {
        self.app.config.job_duration
    }

    /// The self-signed certificate, as PEM, when the server serves HTTPS: give it to a
    /// client as its trusted root (`curl --cacert`, reqwest's `add_root_certificate`).
    pub fn certificate_pem(&self) -> Option<&str> {
        self.certificate.as_ref().map(|certificate| certificate.pem.as_str())
    }

    /// The self-signed certificate, as DER, when the server serves HTTPS.
    pub fn certificate_der(&self) -> Option<&[u8]> {
        self.certificate.as_ref().map(|certificate| certificate.der.as_slice())
    }

    /// What loading the seed folder did, if the server was started with one.
    pub fn seed_report(&self) -> Option<&LoadReport> {
        self.seed_report.as_ref()
    }

    /// A valid JWT for the configured user, without a token call: for tests that are not about
    /// tokens. It expires like any other, by the mock's clock.
    pub fn token(&self) -> String {
        let now = self.app.clock.now();
        match self
            .app
            .tokens()
            .login(&self.app.config.username, now, self.app.config.token_lifetime_secs)
        {
            Ok(issued) => issued.jwt,
            // Signing with HS256 and a 32-byte secret does not fail.
            Err(_) => String::new(),
        }
    }

    /// `Bearer <jwt>`: the `Authorization` header of a job call, from [`token`](Self::token).
    pub fn authorization(&self) -> String {
        format!("Bearer {}", self.token())
    }

    /// Back to a fresh server: no job, fault or received request; every token revoked; the
    /// system clock; the inventory it started with. Mirrors `POST /__mock/reset`.
    pub fn reset(&self) {
        self.app.reset();
    }

    /// Loads a recorded page or job of any family (a response body of the API), for the
    /// endpoint named `endpoint`, or one of the job's family. Mirrors `POST /__mock/jobs`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), cckm_sync_mock::LoadError> {
    /// let server = cckm_sync_mock::MockServer::start().await;
    /// let page = std::fs::read("../cckm-sync/tests/fixtures/pages/seed-dsm-refresh-completed.json").unwrap();
    /// assert_eq!(server.load_jobs(&page, None)?.added, 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn load_jobs(&self, body: &[u8], endpoint: Option<&str>) -> Result<LoadReport, LoadError> {
        self.app.load(body, endpoint)
    }

    /// Loads the recorded pages and jobs of every `.json` file under `dir`, as `--seed` does.
    pub fn load_dir(&self, dir: impl AsRef<Path>) -> Result<LoadReport, LoadError> {
        self.app.load_dir(dir.as_ref())
    }

    /// What the clock reads. Mirrors `GET /__mock/clock`.
    pub fn clock(&self) -> ClockState {
        self.app.clock.state()
    }

    /// Pauses the clock where it is: jobs and tokens stand still until it is advanced.
    /// Mirrors `POST /__mock/clock/pause`.
    pub fn pause_clock(&self) -> ClockState {
        self.app.clock.pause()
    }

    /// Pauses the clock at `at`.
    pub fn pause_clock_at(&self, at: DateTime<Utc>) -> Result<ClockState, ClockError> {
        self.app.clock.pause_at(at)
    }

    /// Moves the clock forward by `by`, pausing it first if it runs. Mirrors
    /// `POST /__mock/clock/advance`.
    ///
    /// # Panics
    ///
    /// If the clock would pass the year 9998: [`try_advance_clock`](Self::try_advance_clock)
    /// returns the error instead.
    pub fn advance_clock(&self, by: Duration) -> ClockState {
        match self.try_advance_clock(by) {
            Ok(state) => state,
            Err(error) => panic!("cannot advance the clock by {by:?}: {error}"),
        }
    }

    /// Moves the clock forward by `by`; fails if it would leave what a timestamp holds.
    pub fn try_advance_clock(&self, by: Duration) -> Result<ClockState, ClockError> {
        self.app.clock.advance(by)
    }

    /// Lets the clock follow the system clock again. Mirrors `POST /__mock/clock/resume`.
    pub fn resume_clock(&self) -> ClockState {
        self.app.clock.resume()
    }

    /// Adds a fault. Mirrors `POST /__mock/faults`.
    pub fn inject(&self, fault: Fault) -> Result<(), FaultError> {
        self.app.inject(fault)
    }

    /// The pending faults, with the calls each has left. Mirrors `GET /__mock/faults`.
    pub fn faults(&self) -> Vec<Fault> {
        self.app.faults().list()
    }

    /// Clears the pending faults. Mirrors `DELETE /__mock/faults`.
    pub fn clear_faults(&self) {
        self.app.faults().clear();
    }

    /// The requests received on the vendor's API, oldest first, at most the recording
    /// capacity. Mirrors `GET /__mock/requests`.
    pub fn received_requests(&self) -> Vec<ReceivedRequest> {
        self.app.requests().list()
    }

    /// Forgets the received requests. Mirrors `DELETE /__mock/requests`.
    pub fn clear_received_requests(&self) {
        self.app.requests().clear();
    }

    /// Sets what `synchronize_all` selects for `family`. Mirrors
    /// `PUT /__mock/inventory/{family}`.
    pub fn set_inventory(&self, family: CloudFamily, items: ScopeItems) {
        self.app.inventory_mut().set_items(family, items);
    }

    /// Sets the regions an AWS job covers when its start request names none.
    pub fn set_aws_regions(&self, regions: ScopeItems) {
        self.app.inventory_mut().set_aws_regions(regions);
    }

    /// Revokes every token: every JWT and refresh token issued so far is refused from now on.
    /// Mirrors `POST /__mock/tokens/revoke`.
    pub fn revoke_tokens(&self) {
        self.app.tokens().revoke_all();
    }

    /// How many jobs the server holds.
    pub fn job_count(&self) -> usize {
        self.app.jobs().len()
    }

    /// Stops accepting connections, lets the requests in flight finish (for at most five
    /// seconds), and returns when the server has stopped.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(Stop::Graceful(SHUTDOWN_GRACE));
        if let Some(done) = self.done.take() {
            let _ = done.await;
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        let _ = self.stop.send(Stop::Now);
        // The server's thread ends as soon as its accept loop sees the signal; joining it
        // means the port is closed when `drop` returns.
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
