//! Typed, lossless models of the synchronization and refresh jobs of the CipherTrust Manager
//! Cloud Key Manager (CCKM), for every cloud it manages.
//!
//! - [`SyncJob`] reads a job of any family and says which family it is; [`AwsSyncJob`],
//!   [`AzureSyncJob`], … give typed access to one family's scope.
//! - [`Page`] is the `{skip, limit, total, resources}` envelope of every list call.
//! - [`JobStatus`] and [`Cloud`] are open enums: a value from a newer server parses and is kept.
//! - [`ListSyncJobs`] builds a family's list query; [`StartJob`] is a family's start-request
//!   body, which cannot select both a list and every item, nor neither.
//! - [`ApiError`] is the server's error body.
//! - [`endpoints`] is the catalog of every endpoint, its operations and filters.
//! - [`CloudFamily::visit`] runs code written once for any family with the types of a family
//!   chosen at run time ([`FamilyVisitor`]).
//!
//! Nothing is lost: deserializing a response and serializing it again gives back the same
//! JSON value, unknown fields (with their exact text, see [`RawJson`]), `null` fields (see
//! [`NullFields`]) and the exact spelling of every status included. JSON is read as the
//! server's Go decoder reads it: `null` is "no value", and a repeated field counts with its
//! last occurrence. Parsing is lenient; [`unknowns`] and [`from_slice_strict`] report what a
//! payload held that this crate does not know, for contract tests. [`from_slice`] parses with
//! errors that name the value at fault, as a JSON Pointer, and the reason.
//!
//! ```
//! use cckm_sync::{AwsSyncJobPage, JobStatus};
//!
//! let page: AwsSyncJobPage = cckm_sync::from_str(r#"{
//!     "skip": 0, "limit": 10, "total": 1,
//!     "resources": [{
//!         "id": "afef70ff-311e-46c1-8ead-e1999e8c6d46",
//!         "uri": "kylo:kylo:cckm:synchronize:afef70ff-311e-46c1-8ead-e1999e8c6d46",
//!         "account": "kylo:kylo:admin:accounts:kylo",
//!         "application": "ncryptify:gemalto:admin:apps:kylo",
//!         "devAccount": "ncryptify:gemalto:admin:accounts:gemalto",
//!         "createdAt": "2020-11-05T06:38:25.308834Z",
//!         "updatedAt": "2020-11-05T06:38:29.248338Z",
//!         "completed_at": "2020-11-05T06:38:29.248173Z",
//!         "overall_status": "completed",
//!         "detailed_status": {"123456789012/ap-south-1": "region synchronized successfully"},
//!         "cloud": "aws",
//!         "regions": ["ap-south-1"],
//!         "kms": ["kms"],
//!         "abort": false
//!     }]
//! }"#)?;
//!
//! let job = &page.resources[0];
//! assert_eq!(job.overall_status, JobStatus::Completed);
//! assert_eq!(job.scope.regions.as_deref(), Some(&["ap-south-1".to_owned()][..]));
//! assert!(!page.has_more());
//! # Ok::<(), cckm_sync::ParseError>(())
//! ```
//!
//! # Features
//!
//! - `schemars`: derives [`schemars::JsonSchema`] for every payload type, for the published
//!   JSON Schema and OpenAPI files. Off by default: parsing needs only serde.

#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)
)]

mod auth;
mod cloud;
mod detailed;
pub mod endpoints;
mod error;
mod family;
mod fields;
mod job;
mod located;
mod page;
mod parse;
mod query;
mod raw;
mod request;
mod scope;
mod status;
mod timestamp;
mod unknown;
mod wire;

pub use auth::{TokenRequest, TokenResponse};
pub use cloud::{AzureEnvironment, Cloud, CloudFamily};
pub use detailed::DetailedStatus;
pub use error::ApiError;
pub use family::FamilyVisitor;
pub use fields::{NullFields, UnknownFields};
pub use job::{
    AwsSyncJob, AzureSyncJob, DsmSyncJob, ExternalCmSyncJob, FamilyJob, GoogleSyncJob, ItemState, JobOutcome,
    OciSyncJob, SalesforceSyncJob, SapSyncJob, SyncJob,
};
pub use page::{
    AwsSyncJobPage, AzureSyncJobPage, DsmSyncJobPage, ExternalCmSyncJobPage, GoogleSyncJobPage, OciSyncJobPage, Page,
    SalesforceSyncJobPage, SapSyncJobPage, SyncJobPage,
};
pub use parse::{ParseError, StrictError, from_slice, from_slice_strict, from_str};
pub use query::{
    AwsListSyncJobs, AzureListSyncJobs, DsmListSyncJobs, ExternalCmListSyncJobs, GoogleListSyncJobs, Limit,
    ListSyncJobs, OciListSyncJobs, QueryError, SalesforceListSyncJobs, SapListSyncJobs, Sort, SortKey,
};
pub use raw::RawJson;
pub use request::{
    AwsStartJob, AwsStartOptions, AzureStartJob, AzureStartOptions, DsmStartJob, ExternalCmStartJob, GoogleStartJob,
    NoStartOptions, OciStartJob, SalesforceStartJob, SapStartJob, ScopeItems, StartError, StartJob, StartOptions,
    Target,
};
pub use scope::{
    AnyScope, AwsScope, AzureScope, DsmScope, ExternalCmScope, FamilyScope, GoogleScope, JobScope, OciScope,
    SalesforceScope, SapScope,
};
pub use status::{JobStatus, OverallStatus};
pub use unknown::{JsonPointer, ReportUnknowns, Unknown, UnknownKind, UnknownValue, unknowns};

/// The version of the contract this crate implements: `info.version` of the OpenAPI documents
/// and the version in the `$id` of every schema file that `cargo xtask codegen` generates from
/// it.
///
/// It is versioned apart from the crates (a change of the Rust API need not change the wire,
/// and the reverse), by the rules of the repository's `VERSIONING.md`: a change that can break
/// a client of the HTTP API (a request the contract accepted is refused, a response it ruled out
/// may arrive, an operation, parameter or status removed) moves the first non-zero component.
///
/// ```
/// assert_eq!(cckm_sync::CONTRACT_VERSION.split('.').count(), 3);
/// ```
pub const CONTRACT_VERSION: &str = "0.2.1";

/// The crate's README (its crates.io page): its examples, compiled and run as doctests so that
/// they keep up with the crate. (The repository's README is checked by the xtask's doctests.)
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// The `schemars` version the `schemars` feature derives for.
#[cfg(feature = "schemars")]
pub use schemars;
