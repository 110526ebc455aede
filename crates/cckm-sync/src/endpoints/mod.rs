//! The endpoint catalog: every job family, its paths, operations, filters and scope fields.
//!
//! This is the one place that spells a path or a filter name. Clients build URLs from it and
//! the OpenAPI generator derives every path, operation and parameter from it.
//!
//! ```
//! use cckm_sync::endpoints::{self, Operation};
//! use uuid::Uuid;
//!
//! let aws = endpoints::find("aws-keys").unwrap();
//! assert_eq!(aws.collection_path(), "/api/v1/cckm/aws/synchronization-jobs");
//! assert_eq!(aws.path_template(Operation::Get), "/cckm/aws/synchronization-jobs/{id}");
//!
//! let id = Uuid::parse_str("0ea5d52e-387c-44fa-b079-21c8b768f77b").unwrap();
//! assert_eq!(
//!     aws.cancel_path(id),
//!     "/api/v1/cckm/aws/synchronization-jobs/0ea5d52e-387c-44fa-b079-21c8b768f77b/cancel",
//! );
//! assert_eq!(aws.spec().list_filter, Some("kms"));
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::cloud::CloudFamily;

mod errors;
mod families;
mod rules;

/// The start request's flag that selects every item, with the other names of the wire.
pub use crate::request::SYNCHRONIZE_ALL;
pub use errors::{
    BAD_REQUEST, CONFLICT, ErrorSpec, INVALID_PARAMETER, METHOD_NOT_ALLOWED, NOT_FOUND, PAYLOAD_TOO_LARGE,
    REQUEST_TIMEOUT, SERVER_ERROR, TOO_MANY_REQUESTS, UNAUTHORIZED, WRONG_CREDENTIALS,
};
pub use families::{
    DEFAULT_SORT, FamilySpec, JOB_SORT_PROPERTIES, ListParameter, ProgressTexts, SORT_PROPERTIES_EVIDENCE, SortProperty,
};
pub use rules::{WIRE_RULES, WireRule};

/// Path prefix of the API, before every endpoint path.
pub const API_PREFIX: &str = "/api/v1";

/// How sure the catalog is of a fact about the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Evidence {
    /// A vendor documentation page or example shows it.
    Confirmed,
    /// Public client code written against the server uses it.
    Code,
    /// No source shows it; it is inferred from a sibling family.
    Inferred,
}

impl Evidence {
    /// A short lower-case word for the evidence: `confirmed`, `code` or `inferred`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirmed => "confirmed",
            Self::Code => "code",
            Self::Inferred => "inferred",
        }
    }
}

/// Whether a family's jobs synchronize cloud keys or refresh domains.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// A synchronization job (`…/synchronization-jobs`).
    Synchronization,
    /// A refresh job (`…/refresh`).
    Refresh,
}

impl JobKind {
    /// The kind as a noun before "job": `synchronization` or `refresh`.
    ///
    /// ```
    /// use cckm_sync::endpoints;
    ///
    /// assert_eq!(endpoints::find("dsm").unwrap().kind.noun(), "refresh");
    /// ```
    pub fn noun(self) -> &'static str {
        match self {
            Self::Synchronization => "synchronization",
            Self::Refresh => "refresh",
        }
    }
}

/// One job endpoint: a base path served with the four [`Operation`]s.
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Endpoint {
    /// Stable identifier, such as `aws-keys`.
    pub name: &'static str,
    /// Display name, such as `AWS keys`.
    pub title: &'static str,
    /// The family whose job shape, filters and start body this endpoint uses.
    pub family: CloudFamily,
    /// Synchronization or refresh.
    pub kind: JobKind,
    /// Base path, relative to [`API_PREFIX`].
    pub path: &'static str,
    /// How sure the catalog is of the start-request body (every path is confirmed).
    pub body_evidence: Evidence,
    /// How sure the catalog is of the list filters.
    pub filter_evidence: Evidence,
}

impl Endpoint {
    /// What the jobs of this endpoint's family carry.
    pub fn spec(&self) -> &'static FamilySpec {
        self.family.spec()
    }

    /// The path of `operation`, relative to [`API_PREFIX`], with `{id}` for the job id.
    pub fn path_template(&self, operation: Operation) -> String {
        format!("{}{}", self.path, operation.path_suffix())
    }

    /// The absolute path of the list and start calls ([`Operation::List`],
    /// [`Operation::Start`]); a list query adds its query string
    /// ([`ListSyncJobs::url_path`](crate::ListSyncJobs::url_path)).
    pub fn collection_path(&self) -> String {
        format!("{API_PREFIX}{}", self.path)
    }

    /// The absolute path of the call that reads job `id` ([`Operation::Get`]).
    ///
    /// ```
    /// use uuid::uuid;
    ///
    /// let dsm = cckm_sync::endpoints::find("dsm").unwrap();
    /// assert_eq!(
    ///     dsm.job_path(uuid!("5a7c6e3d-1b2f-4c8d-9e0a-7f6b5c4d3e2f")),
    ///     "/api/v1/cckm/dsm/refresh/5a7c6e3d-1b2f-4c8d-9e0a-7f6b5c4d3e2f",
    /// );
    /// ```
    pub fn job_path(&self, id: Uuid) -> String {
        self.path_with_id(Operation::Get, id)
    }

    /// The absolute path of the call that cancels job `id` ([`Operation::Cancel`]).
    pub fn cancel_path(&self, id: Uuid) -> String {
        self.path_with_id(Operation::Cancel, id)
    }

    fn path_with_id(&self, operation: Operation, id: Uuid) -> String {
        // The server writes ids hyphenated and lower-case, as `Uuid`'s `Display` does.
        format!("{API_PREFIX}{}", self.path_template(operation)).replace("{id}", &id.to_string())
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.title)
    }
}

/// The four calls every job endpoint serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operation {
    /// `GET <base>`: a page of jobs, filtered by the query string.
    List,
    /// `POST <base>`: start a job; the body selects its scope; returns the job.
    Start,
    /// `GET <base>/{id}`: one job.
    Get,
    /// `POST <base>/{id}/cancel`: cancel a running job; no body; returns the job with
    /// `abort: true`.
    Cancel,
}

impl Operation {
    /// The four operations, in catalog order.
    pub const ALL: [Operation; 4] = [Self::List, Self::Start, Self::Get, Self::Cancel];

    /// The HTTP method.
    pub fn method(self) -> Method {
        match self {
            Self::List | Self::Get => Method::Get,
            Self::Start | Self::Cancel => Method::Post,
        }
    }

    /// What follows the base path: nothing, `/{id}` or `/{id}/cancel`.
    pub fn path_suffix(self) -> &'static str {
        match self {
            Self::List | Self::Start => "",
            Self::Get => "/{id}",
            Self::Cancel => "/{id}/cancel",
        }
    }

    /// Whether the call sends a JSON body.
    pub fn has_body(self) -> bool {
        matches!(self, Self::Start)
    }

    /// A lower-case verb for the operation: `list`, `start`, `get` or `cancel`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::List => "list",
            Self::Start => "start",
            Self::Get => "get",
            Self::Cancel => "cancel",
        }
    }
}

/// An HTTP method used by the job endpoints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
}

impl Method {
    /// The method name in upper case.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
        }
    }
}

/// A call of the API: the token call, or one of the four operations of a job endpoint. What
/// a fault, a received request, an error message or an error response of the contract names.
///
/// ```
/// use cckm_sync::endpoints::{Call, Method, Operation};
///
/// assert_eq!(Call::of(Operation::Cancel), Call::Cancel);
/// assert_eq!(Call::Token.method(), Method::Post);
/// assert_eq!(Call::Get.as_str(), "get");
/// assert!(Call::Token.is_idempotent() && !Call::Start.is_idempotent());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Call {
    /// The token call, `POST /api/v1/auth/tokens`.
    Token,
    /// A job list.
    List,
    /// A job start.
    Start,
    /// A job get.
    Get,
    /// A job cancel.
    Cancel,
}

impl Call {
    /// Every call: the token call, then the operations in catalog order.
    pub const ALL: [Call; 5] = [Self::Token, Self::List, Self::Start, Self::Get, Self::Cancel];

    /// The call of a job operation.
    pub fn of(operation: Operation) -> Self {
        match operation {
            Operation::List => Self::List,
            Operation::Start => Self::Start,
            Operation::Get => Self::Get,
            Operation::Cancel => Self::Cancel,
        }
    }

    /// The job operation of the call; `None` for the token call.
    pub fn operation(self) -> Option<Operation> {
        match self {
            Self::Token => None,
            Self::List => Some(Operation::List),
            Self::Start => Some(Operation::Start),
            Self::Get => Some(Operation::Get),
            Self::Cancel => Some(Operation::Cancel),
        }
    }

    /// A lower-case name: `token`, or the operation's verb.
    pub fn as_str(self) -> &'static str {
        self.operation().map_or("token", Operation::as_str)
    }

    /// The HTTP method.
    pub fn method(self) -> Method {
        self.operation().map_or(Method::Post, Operation::method)
    }

    /// Whether the call may be sent again when its answer was lost: a read, or the token call
    /// (a second login changes nothing). A start or a cancel may not: a start that reached the
    /// server would start a second job.
    pub fn is_idempotent(self) -> bool {
        matches!(self, Self::Token | Self::List | Self::Get)
    }
}

impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every job endpoint, grouped by family.
///
/// Luna HSM (`/cckm/hsm/luna/refresh`, `/cckm/hsm/luna/synchronize`) is left out: no source
/// shows its bodies. Its jobs still parse as [`SyncJob`](crate::SyncJob) with an unknown cloud.
pub static ENDPOINTS: [Endpoint; 12] = [
    Endpoint {
        name: "aws-keys",
        title: "AWS keys",
        family: CloudFamily::Aws,
        kind: JobKind::Synchronization,
        path: "/cckm/aws/synchronization-jobs",
        body_evidence: Evidence::Confirmed,
        filter_evidence: Evidence::Confirmed,
    },
    Endpoint {
        name: "aws-custom-key-stores",
        title: "AWS custom key stores",
        family: CloudFamily::Aws,
        kind: JobKind::Synchronization,
        path: "/cckm/aws/custom-key-stores/synchronization-jobs",
        body_evidence: Evidence::Code,
        filter_evidence: Evidence::Inferred,
    },
    Endpoint {
        name: "azure-keys",
        title: "Azure keys",
        family: CloudFamily::Azure,
        kind: JobKind::Synchronization,
        path: "/cckm/azure/synchronization-jobs",
        body_evidence: Evidence::Confirmed,
        filter_evidence: Evidence::Confirmed,
    },
    Endpoint {
        name: "azure-certificates",
        title: "Azure certificates",
        family: CloudFamily::Azure,
        kind: JobKind::Synchronization,
        path: "/cckm/azure/certificates/synchronization-jobs",
        body_evidence: Evidence::Code,
        filter_evidence: Evidence::Code,
    },
    Endpoint {
        name: "azure-secrets",
        title: "Azure secrets",
        family: CloudFamily::Azure,
        kind: JobKind::Synchronization,
        path: "/cckm/azure/secrets/synchronization-jobs",
        body_evidence: Evidence::Code,
        filter_evidence: Evidence::Code,
    },
    Endpoint {
        name: "google",
        title: "Google Cloud key rings",
        family: CloudFamily::Google,
        kind: JobKind::Synchronization,
        path: "/cckm/google/synchronization-jobs",
        body_evidence: Evidence::Confirmed,
        filter_evidence: Evidence::Code,
    },
    Endpoint {
        name: "oci",
        title: "OCI vaults",
        family: CloudFamily::Oci,
        kind: JobKind::Synchronization,
        path: "/cckm/oci/synchronization-jobs",
        body_evidence: Evidence::Code,
        filter_evidence: Evidence::Code,
    },
    Endpoint {
        name: "sap",
        title: "SAP Data Custodian groups",
        family: CloudFamily::Sap,
        kind: JobKind::Synchronization,
        path: "/cckm/sap/synchronization-jobs",
        body_evidence: Evidence::Confirmed,
        filter_evidence: Evidence::Inferred,
    },
    Endpoint {
        name: "salesforce-keys",
        title: "Salesforce keys",
        family: CloudFamily::Salesforce,
        kind: JobKind::Synchronization,
        path: "/cckm/sfdc/keys/synchronization-jobs",
        body_evidence: Evidence::Confirmed,
        filter_evidence: Evidence::Confirmed,
    },
    Endpoint {
        name: "salesforce-certificates",
        title: "Salesforce certificates",
        family: CloudFamily::Salesforce,
        kind: JobKind::Synchronization,
        path: "/cckm/sfdc/certificates/synchronization-jobs",
        body_evidence: Evidence::Inferred,
        filter_evidence: Evidence::Inferred,
    },
    Endpoint {
        name: "dsm",
        title: "DSM domains",
        family: CloudFamily::Dsm,
        kind: JobKind::Refresh,
        path: "/cckm/dsm/refresh",
        body_evidence: Evidence::Confirmed,
        filter_evidence: Evidence::Confirmed,
    },
    Endpoint {
        name: "external-cm",
        title: "External CipherTrust Manager domains",
        family: CloudFamily::ExternalCm,
        kind: JobKind::Refresh,
        path: "/cckm/external-cm/refresh",
        body_evidence: Evidence::Confirmed,
        filter_evidence: Evidence::Inferred,
    },
];

/// Reads a job id as it appears in a path (`…/{id}`) or in the `id` query parameter: a UUID in
/// the hyphenated form the server writes, the only one the contract's pattern takes (not the
/// simple, braced or `urn:uuid:` forms the `uuid` crate also reads).
///
/// ```
/// use cckm_sync::endpoints::parse_job_id;
///
/// assert!(parse_job_id("0ea5d52e-387c-44fa-b079-21c8b768f77b").is_some());
/// assert!(parse_job_id("0ea5d52e387c44fab07921c8b768f77b").is_none());
/// assert!(parse_job_id("not-a-job").is_none());
/// ```
pub fn parse_job_id(raw: &str) -> Option<Uuid> {
    crate::wire::parse_hyphenated_uuid(raw).ok()
}

/// The endpoint named `name` (see [`Endpoint::name`]).
pub fn find(name: &str) -> Option<&'static Endpoint> {
    ENDPOINTS.iter().find(|endpoint| endpoint.name == name)
}

/// Path of the token call (`POST`), relative to [`API_PREFIX`]: its body is a
/// [`TokenRequest`](crate::TokenRequest), its answer a [`TokenResponse`](crate::TokenResponse).
/// Evidence: [`Evidence::Code`]. The vendor's clients call it with a trailing slash
/// (`/api/v1/auth/tokens/`), which the server serves as the same call.
///
/// ```
/// assert_eq!(
///     format!("{}{}", cckm_sync::endpoints::API_PREFIX, cckm_sync::endpoints::TOKEN_PATH),
///     "/api/v1/auth/tokens",
/// );
/// ```
pub const TOKEN_PATH: &str = "/auth/tokens";

/// How sure the catalog is of the token call ([`TOKEN_PATH`]) and its bodies.
pub const TOKEN_EVIDENCE: Evidence = Evidence::Code;

impl CloudFamily {
    /// The endpoints of this family, in catalog order.
    pub fn endpoints(self) -> impl Iterator<Item = &'static Endpoint> {
        ENDPOINTS.iter().filter(move |endpoint| endpoint.family == self)
    }
}
