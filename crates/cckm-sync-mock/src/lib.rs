//! A stateful mock CipherTrust Manager for contract tests: the synchronization and refresh
//! job API of every endpoint of the [`cckm_sync`] catalog, and the token call, over real HTTP.
//!
//! In the manner of wiremock: [`MockServer::start`] gives a fresh server on `127.0.0.1` and a
//! free port, [`MockServer::base_url`] says where; servers are pooled, made fresh between
//! tests, and [`MockServer::builder`] starts one of its own, which stops when dropped.
//! Unlike a stateless OpenAPI mock, a job it starts can be read back, progresses item by item
//! over its duration, and can be cancelled; lists filter, sort and page what is stored.
//!
//! - Every job, page, token answer and error body it writes is a value of the model crate's
//!   types, so it cannot write what the contract forbids; routes, filters and status texts
//!   come from the endpoint catalog ([`cckm_sync::endpoints`]).
//! - Every job call needs a valid, unexpired bearer token from `POST /api/v1/auth/tokens`
//!   (or [`MockServer::token`]); JWTs are signed per server and expire by the mock's clock.
//! - Jobs progress with the mock's clock, computed when read: pause it
//!   ([`MockServer::pause_clock`]) and advance it ([`MockServer::advance_clock`]) and a test
//!   needs no sleep.
//! - Faults ([`Fault`]) make the next calls answer 500, 503 or 429, stall, close the
//!   connection, fail a job, or answer as a newer server would.
//! - Everything a test does through methods it can do over HTTP, under `/__mock/` (see the
//!   control API table below), for tests in other languages and the `cckm-sync mock` program.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use cckm_sync::{AwsStartJob, AwsSyncJob, JobStatus, endpoints};
//! use cckm_sync_mock::MockServer;
//!
//! # // This workspace builds reqwest on rustls without a default crypto provider: choose ring.
//! # let _ = rustls::crypto::ring::default_provider().install_default();
//! // Arrange: a server whose clock stands still.
//! let server = MockServer::builder().job_duration(Duration::from_secs(10)).start()?;
//! server.pause_clock();
//! let client = reqwest::Client::new();
//! let aws = endpoints::find("aws-keys").unwrap();
//!
//! // Act: start a job, and read it back after the job's duration.
//! let started: AwsSyncJob = client
//!     .post(format!("{}{}", server.base_url(), aws.collection_path()))
//!     .header("Authorization", server.authorization())
//!     .json(&AwsStartJob::items(["kms"])?.regions(["us-east-1"])?)
//!     .send()
//!     .await?
//!     .json()
//!     .await?;
//! server.advance_clock(Duration::from_secs(10));
//! let ended: AwsSyncJob = client
//!     .get(format!("{}{}", server.base_url(), aws.job_path(started.id)))
//!     .header("Authorization", server.authorization())
//!     .send()
//!     .await?
//!     .json()
//!     .await?;
//!
//! // Assert
//! assert_eq!(started.overall_status, JobStatus::InProgress);
//! assert_eq!(ended.overall_status, JobStatus::Completed);
//! assert_eq!(
//!     ended.detailed_status.unwrap().get("123456789012/us-east-1"),
//!     Some("region synchronized successfully"),
//! );
//! # Ok(())
//! # }
//! ```
//!
//! # The control API
//!
//! | call | does | method |
//! |---|---|---|
//! | `POST /__mock/reset` | back to a fresh server | [`MockServer::reset`] |
//! | `POST /__mock/jobs[?endpoint=NAME]` | loads a recorded page or job (the body) | [`MockServer::load_jobs`] |
//! | `GET /__mock/clock` | `{"now", "paused"}` | [`MockServer::clock`] |
//! | `POST /__mock/clock/pause` | pauses the clock (`{"at": "<RFC 3339>"}` optional) | [`MockServer::pause_clock`] |
//! | `POST /__mock/clock/advance` | `{"by": "90s"}` | [`MockServer::advance_clock`] |
//! | `POST /__mock/clock/resume` | back to the system clock | [`MockServer::resume_clock`] |
//! | `GET`, `POST`, `DELETE /__mock/faults` | pending faults; add one (a [`Fault`] as JSON); clear | [`MockServer::inject`] |
//! | `GET`, `DELETE /__mock/requests` | received requests; forget them | [`MockServer::received_requests`] |
//! | `PUT /__mock/inventory/{family}` | `{"items": […], "regions": […]}` | [`MockServer::set_inventory`] |
//! | `POST /__mock/tokens` | a token answer, without the token call (no fault applies) | [`MockServer::token`] |
//! | `POST /__mock/tokens/revoke` | revokes every token | [`MockServer::revoke_tokens`] |
//!
//! The control API needs no token on a server of its own (the default: loopback only); one
//! started with [`MockServerBuilder::control_token`] answers each control call 401 without
//! `Authorization: Bearer <control token>`. Received requests are kept with credentials
//! redacted ([`REDACTED`]) unless [`MockServerBuilder::record_credentials`] says otherwise.
//!
//! # Bounds
//!
//! Request bodies of at most [`MockServer::BODY_LIMIT`] bytes (413 beyond), sent within 30 s
//! (408 beyond); at most [`MAX_CONNECTIONS`] connections at once; at most
//! [`MockServer::DEFAULT_MAX_JOBS`] jobs (settable; a start beyond is refused with 409); at most
//! [`MockServer::DEFAULT_MAX_ITEMS`] items of all jobs together, a job's items being its
//! `detailed_status` entries or the entries of a scope list, whichever are more (settable; a
//! start beyond is refused with 409); a load of recorded jobs takes those that fit and counts
//! the others ([`LoadReport::dropped`]); a list holds the store's lock only to copy what it
//! shows, and at most 4 lists build their page at once, off the threads that serve calls;
//! received requests kept in a ring of [`MockServer::DEFAULT_RECORDED_REQUESTS`] and
//! [`DEFAULT_RECORDED_BYTES`] (both settable; the oldest dropped and counted), each with at most
//! [`MAX_RECORDED_HEADERS`] bytes of headers and [`MAX_RECORDED_BODY`] of body, credentials
//! redacted unless kept on purpose; connections closed after [`accept::IDLE_TIMEOUT`] without a
//! request in flight;
//! at most [`MAX_PENDING_FAULTS`] faults, each stall at most [`MAX_STALL`].

#![deny(missing_docs)]

pub mod accept;
mod api;
mod app;
mod bare;
mod builder;
mod clock;
mod control;
mod fault;
mod inventory;
mod job;
mod list;
mod payload;
mod pool;
mod query;
mod record;
pub mod redact;
mod seed;
mod server;
mod start;
mod store;
mod tls;
mod tokens;

pub use bare::MAX_CONNECTIONS;
pub use builder::MockServerBuilder;
pub use clock::{ClockError, ClockState};
pub use fault::{Call, Fault, FaultError, FaultKind, MAX_PENDING_FAULTS, MAX_STALL};
pub use inventory::Inventory;
pub use record::{DEFAULT_RECORDED_BYTES, MAX_RECORDED_BODY, MAX_RECORDED_HEADERS, REDACTED, ReceivedRequest};
pub use seed::{LoadError, LoadReport, Skipped, endpoint_of_file};
pub use server::MockServer;
pub use start::StartError;

/// The crate's README (its crates.io page): its examples, compiled (and run, unless marked
/// `no_run`) as doctests so that they keep up with the crate.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
