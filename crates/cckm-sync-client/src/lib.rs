//! A typed async client of the synchronization and refresh job API of the CipherTrust Manager
//! Cloud Key Manager (CCKM), built on the [`cckm_sync`] models and endpoint catalog.
//!
//! - [`Client::builder`] takes the server's URL, credentials (or a fixed token), the TLS trust
//!   (the system's roots, an extra CA, or explicitly any certificate), timeouts and a user
//!   agent, or a [`reqwest::Client`] of your own.
//! - One handle per endpoint of the catalog ([`Client::aws_keys`], [`Client::dsm`], … or
//!   [`Client::jobs`]; [`Client::jobs_named`] for an endpoint named at run time, whose calls
//!   return jobs of any family) lists ([`Jobs::list`], [`Jobs::list_all`] across pages), reads, starts,
//!   cancels and waits for ([`Jobs::wait`]) that endpoint's jobs, typed by its family: paths,
//!   queries and bodies cannot be wrong.
//! - Tokens: the client logs in with the password grant, renews the token with the refresh
//!   grant shortly before it expires (or logs in again when the server refuses it), and sends
//!   a call once more after a 401; concurrent calls share one renewal.
//! - Reads are retried on lost connections, 429, 502, 503 and 504, with exponential backoff
//!   and jitter, honouring `Retry-After`, a bounded number of times ([`RetryPolicy`]); starts
//!   and cancels are never sent again once they may have reached the server.
//! - [`Error`] tells a transport failure, a timeout, a TLS failure, an HTTP status (with the
//!   vendor's error body) and an unexpected body (with the JSON Pointer of the fault) apart.
//! - Each call runs in a `tracing` span `cckm_sync_client::call` (action, method, path, status,
//!   attempts, duration); the library prints nothing.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use cckm_sync::{AwsListSyncJobs, AwsStartJob, JobStatus};
//! use cckm_sync_client::{Client, WaitOptions};
//! use futures_util::TryStreamExt as _;
//! # use cckm_sync_mock::MockServer;
//! # let server = MockServer::builder().job_duration(Duration::from_millis(50)).start()?;
//! # let url = server.base_url();
//!
//! let client = Client::builder(url).credentials("admin", "admin").build()?;
//! let aws = client.aws_keys();
//!
//! // Start a job, and wait for it to end.
//! let job = aws.start(&AwsStartJob::items(["kms"])?.regions(["us-east-1", "eu-west-1"])?).await?;
//! let job = aws.wait(job.id, &WaitOptions::default().timeout(Duration::from_secs(60))).await?;
//! assert_eq!(job.overall_status, JobStatus::Completed);
//!
//! // List every job, across pages.
//! let mut jobs = aws.list_all(&AwsListSyncJobs::new());
//! while let Some(job) = jobs.try_next().await? {
//!     println!("{} {}", job.id, job.overall_status);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # TLS
//!
//! The client brings its own rustls configuration, with the ring provider: it needs no
//! OpenSSL and no process-wide default provider. CipherTrust Managers often serve a
//! self-signed certificate; trust it with [`ClientBuilder::add_ca_certificate_pem`] rather
//! than [`ClientBuilder::danger_accept_invalid_certs`].

#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)
)]

mod any;
mod auth;
mod client;
mod error;
mod jobs;
mod retry;
pub mod tls;
mod transport;

pub use any::AnyJobs;
pub use client::{Client, ClientBuilder};
pub use error::{Action, BodyError, Error, Request, StatusError, WaitTimeout};
pub use jobs::{DEFAULT_PAGE_SIZE, JobStream, JobWatch, Jobs, WaitOptions};
pub use retry::RetryPolicy;

/// The reqwest version the client is built with, for [`ClientBuilder::http_client`].
pub use reqwest;

/// The model crate the client is built with: its job, page, query and start types, and the
/// endpoint catalog, at the version the client's calls take and return, so that one
/// dependency is enough.
///
/// ```
/// use cckm_sync_client::cckm_sync::{AwsStartJob, endpoints};
///
/// let start = AwsStartJob::items(["kms"])?;
/// assert_eq!(endpoints::find("aws-keys").map(|endpoint| endpoint.family.to_string()).as_deref(), Some("AWS"));
/// # let _ = start;
/// # Ok::<(), cckm_sync_client::cckm_sync::StartError>(())
/// ```
pub use cckm_sync;

/// The crate's README (its crates.io page): its examples, compiled (and run, unless marked
/// `no_run`) as doctests so that they keep up with the crate.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
