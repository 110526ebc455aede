//! Judges payloads and HTTP traffic of the CCKM synchronization and refresh job API against
//! the contract: what `cckm-sync validate` and `cckm-sync proxy` are made of.
//!
//! A body passes when the `cckm-sync` crate's parser **and** the generated JSON Schema of its
//! kind (embedded in this library at build time, evaluated by the `jsonschema` crate with
//! formats checked) both accept it. When they disagree, the contract itself is wrong: that is
//! reported as a [`ContractBug`]. What a body holds that the contract does not know (a field,
//! an `overall_status` or `cloud` value, a query parameter) is its [`Drift`], counted across
//! every input by a [`Report`].
//!
//! - [`BodyKind`]: what a body is (a page, a job, a start request, an error, …), inferred
//!   from its JSON when nothing else says.
//! - [`route`] and [`check_exchange`]: an HTTP call matched to the catalog by method and
//!   path, its request (query string, path parameter, body) and its response (status, content
//!   type, body) checked.
//! - [`har`]: HAR files, read as browsers and proxies export them and written one entry at a
//!   time.
//! - [`schema_json`]: which texts a JSON Schema can judge at all.
//! - [`diff`]: two versions of the contract compared, each change judged breaking, additive
//!   or neutral for a client of the old one, with evidence.
//!
//! ```
//! use cckm_sync_contract::{Contract, Exchange, ExchangeResponse, Report, Source, check_exchange};
//!
//! let contract = Contract::embedded()?;
//! let page = br#"{"skip": 0, "limit": 10, "total": 0, "resources": null, "next": "x"}"#;
//! let exchange = Exchange {
//!     method: "GET",
//!     path: "/api/v1/cckm/dsm/refresh",
//!     query: Some("limit=10&expand=true"),
//!     request_body: None,
//!     response: Some(ExchangeResponse { status: 200, content_type: Some("application/json"), body: Some(page) }),
//! };
//! let [request, response] = check_exchange(&contract, &Source::default(), &exchange).unwrap();
//! assert_eq!(request.drift[0].to_string(), "query parameter expand: unknown parameter");
//! assert_eq!(response.schema.as_deref(), Some("schemas/DsmSyncJobPage.schema.json"));
//! assert_eq!(response.drift[0].to_string(), "/next: unknown field");
//!
//! let mut report = Report::new(true); // strict: drift fails
//! report.add(request);
//! report.add(response);
//! assert!(!report.ok());
//! # Ok::<(), cckm_sync_contract::ContractError>(())
//! ```

#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)
)]

mod body;
mod case;
pub mod diff;
mod exchange;
pub mod har;
mod json;
mod report;
mod schemas;

pub use body::{BodyKind, Subject};
pub use case::{
    CallRef, Case, ContractBug, Drift, DriftKind, DriftLocation, EntryRef, FoundBy, Location, MAX_DRIFT_PER_CASE,
    MAX_QUOTE, Part, Source, Verdict, Violation,
};
pub use exchange::{CatalogCall, Exchange, ExchangeResponse, NotInCatalog, check_exchange, route};
pub use json::{NotSchemaJson, integer_literal, schema_json, schema_json_bytes};
pub use report::{
    DriftCount, DriftDropped, DriftNews, MAX_CASE_URL, MAX_DRIFT_KINDS, MAX_NEW_DRIFT_ANNOUNCED, OtherCall,
    REPORT_VERSION, Recording, Report, Totals,
};
pub use schemas::{
    Contract, ContractError, OPENAPI_BASE, SCHEMAS_BASE, SchemaError, SchemaRef, schema_uri, validation_options,
};

/// The crate's README (its crates.io page): its examples, compiled (and run, unless marked
/// `no_run`) as doctests so that they keep up with the crate.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
