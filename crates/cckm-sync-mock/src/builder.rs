//! The options of a [`MockServer`](crate::MockServer), and starting one with them.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::accept::Limits;
use crate::app::{App, Config};
use crate::bare::BareServer;
use crate::inventory::Inventory;
use crate::start::StartError;
use crate::tls;

/// How long a job runs by default: long enough to be seen running and cancelled by hand,
/// short enough for a demo.
pub(crate) const DEFAULT_JOB_DURATION: Duration = Duration::from_secs(5);
/// How long a JWT is valid by default: 300 s, as a real server's.
pub(crate) const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(300);
/// How many jobs a server holds by default.
pub(crate) const DEFAULT_MAX_JOBS: usize = 10_000;
/// How many items (`detailed_status` entries, or the entries of a scope list) a server's jobs
/// hold together by default.
pub(crate) const DEFAULT_MAX_ITEMS: usize = 1_000_000;
/// How many received requests a server keeps by default.
pub(crate) const DEFAULT_RECORDED_REQUESTS: usize = 1_000;
/// The largest request body taken (256 KiB); a larger one is answered 413.
pub(crate) const BODY_LIMIT: usize = 256 * 1024;

/// Options of a [`MockServer`](crate::MockServer); see
/// [`MockServer::builder`](crate::MockServer::builder).
#[derive(Clone, Debug)]
#[must_use = "a builder does nothing until `start` is called"]
pub struct MockServerBuilder {
    listen: SocketAddr,
    config: Config,
    tls: bool,
    seed: Option<PathBuf>,
    worker_threads: usize,
    paused_at: Option<DateTime<Utc>>,
    limits: Limits,
}

impl Default for MockServerBuilder {
    fn default() -> Self {
        Self {
            listen: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            config: Config {
                username: "admin".to_owned(),
                password: "admin".to_owned(),
                job_duration: DEFAULT_JOB_DURATION,
                token_lifetime_secs: DEFAULT_TOKEN_LIFETIME.as_secs(),
                max_jobs: DEFAULT_MAX_JOBS,
                max_items: DEFAULT_MAX_ITEMS,
                record_capacity: DEFAULT_RECORDED_REQUESTS,
                record_bytes: crate::record::DEFAULT_RECORDED_BYTES,
                record_credentials: false,
                control_token: None,
                body_limit: BODY_LIMIT,
                inventory: Inventory::default(),
            },
            tls: false,
            seed: None,
            worker_threads: 1,
            paused_at: None,
            limits: Limits::new(crate::MAX_CONNECTIONS),
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
    /// [`DEFAULT_JOB_DURATION`](crate::MockServer::DEFAULT_JOB_DURATION)); its items end one after
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
    /// start: see [`MockServer::certificate_pem`](crate::MockServer::certificate_pem).
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
    /// [`DEFAULT_RECORDED_REQUESTS`](crate::MockServer::DEFAULT_RECORDED_REQUESTS)); 0 records none.
    pub fn record_requests(mut self, capacity: usize) -> Self {
        self.config.record_capacity = capacity;
        self
    }

    /// Keeps received requests within `bytes` bytes all together (default
    /// [`DEFAULT_RECORDED_BYTES`](crate::DEFAULT_RECORDED_BYTES)), counted as their method, path,
    /// query, kept headers and kept body: the oldest are dropped to make room, and
    /// [`MockServer::dropped_requests`](crate::MockServer::dropped_requests) counts them.
    pub fn record_bytes(mut self, bytes: usize) -> Self {
        self.config.record_bytes = bytes;
        self
    }

    /// Keeps credentials in received requests (default `false`): `Authorization`, cookies and
    /// other credential headers, credential query parameters and JWTs, and the token call's
    /// `password` and `refresh_token`, which are otherwise replaced with
    /// [`REDACTED`](crate::REDACTED).
    pub fn record_credentials(mut self, keep: bool) -> Self {
        self.config.record_credentials = keep;
        self
    }

    /// Makes every control call (`/__mock/…`) need `Authorization: Bearer <token>`, for a server
    /// that others than its owner can reach (default: none, for a server on loopback).
    pub fn control_token(mut self, token: impl Into<String>) -> Self {
        self.config.control_token = Some(token.into());
        self
    }

    /// The most jobs the server holds (default [`DEFAULT_MAX_JOBS`](crate::MockServer::DEFAULT_MAX_JOBS)):
    /// a start beyond it is refused with 409.
    pub fn max_jobs(mut self, max: usize) -> Self {
        self.config.max_jobs = max;
        self
    }

    /// The most items the server's jobs hold together (default
    /// [`DEFAULT_MAX_ITEMS`](crate::MockServer::DEFAULT_MAX_ITEMS), at least one), a job's items
    /// being the most of its `detailed_status` entries and the entries of any one of its scope
    /// lists (a started job's: its KMS resources times regions). A start beyond it is refused
    /// with 409; a load takes the jobs that fit and counts the others
    /// ([`LoadReport::dropped`](crate::LoadReport::dropped)).
    pub fn max_items(mut self, max: usize) -> Self {
        self.config.max_items = max;
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

    /// The most connections served at once (default [`MAX_CONNECTIONS`](crate::MAX_CONNECTIONS),
    /// at least one); more wait in the listen backlog, and idle connections make way for them.
    pub fn max_connections(mut self, max: usize) -> Self {
        self.limits = Limits::new(max).idle_timeout(self.limits.idle());
        self
    }

    /// Closes a connection once it has had no request in flight for `timeout` (default
    /// [`IDLE_TIMEOUT`](crate::accept::IDLE_TIMEOUT), 30 s): the deadline of a connection's
    /// first byte, of its TLS handshake, and of each request's headers, on HTTP/1 and HTTP/2.
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.limits = self.limits.idle_timeout(timeout);
        self
    }

    /// Starts with the clock paused at `at`, before anything is loaded.
    pub fn paused_at(mut self, at: DateTime<Utc>) -> Self {
        self.paused_at = Some(at);
        self
    }

    /// The server, running.
    pub(crate) fn spawn(self) -> Result<BareServer, StartError> {
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
        if self.config.max_items == 0 {
            return Err(StartError::Config("the mock must hold at least one item".to_owned()));
        }
        let listener = std::net::TcpListener::bind(self.listen).map_err(|error| StartError::Bind {
            address: self.listen,
            error,
        })?;
        listener.set_nonblocking(true).map_err(StartError::Runtime)?;
        let address = listener.local_addr().map_err(StartError::Runtime)?;
        let certificate = self.tls.then(|| tls::make_certificate(address.ip())).transpose()?;

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
        // The errors the HTTP layer answers on its own carry the vendor's body too.
        let limits = self.limits.error_bodies(crate::api::http_error_body);
        BareServer::spawn(app, listener, certificate, seed_report, self.worker_threads, limits)
    }
}
