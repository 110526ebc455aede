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

use uuid::Uuid;

use crate::cloud::CloudFamily;
use crate::scope::{
    AwsScope, AzureScope, DsmScope, ExternalCmScope, GoogleScope, JobScope, OciScope, SalesforceScope, SapScope,
};

/// Path prefix of the API, before every endpoint path.
pub const API_PREFIX: &str = "/api/v1";

/// Name of the start-request flag that selects every item instead of a scope list.
pub const SYNCHRONIZE_ALL: &str = "synchronize_all";

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

/// What the jobs of one family carry, and how its list and start calls name their scope.
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FamilySpec {
    /// The family.
    pub family: CloudFamily,
    /// Short, stable name, such as `aws` or `external-cm`: for file names, command lines and
    /// logs.
    pub name: &'static str,
    /// Display name, such as `AWS`.
    pub title: &'static str,
    /// Wire names of the scope arrays in the family's jobs.
    pub job_scope_fields: &'static [&'static str],
    /// Wire name of the scope list in a start request (the alternative to `synchronize_all`).
    pub start_scope_field: &'static str,
    /// Wire names of the optional fields of a start request besides the scope.
    pub start_options: &'static [&'static str],
    /// Query parameter that filters a list by scope item, if the family has one.
    pub list_filter: Option<&'static str>,
}

impl FamilySpec {
    /// The query parameters of the family's list call, in the order a query sends them.
    ///
    /// ```
    /// use cckm_sync::CloudFamily;
    ///
    /// let names: Vec<&str> = CloudFamily::Aws.spec().list_parameters().map(|parameter| parameter.name()).collect();
    /// assert_eq!(names, ["id", "overall_status", "kms", "skip", "limit", "sort"]);
    /// assert_eq!(CloudFamily::Dsm.spec().list_parameters().count(), 5);
    /// ```
    pub fn list_parameters(&self) -> impl Iterator<Item = ListParameter> {
        let filter = self.list_filter.map(ListParameter::ScopeFilter);
        [ListParameter::Id, ListParameter::OverallStatus]
            .into_iter()
            .chain(filter)
            .chain([ListParameter::Skip, ListParameter::Limit, ListParameter::Sort])
    }
}

/// A query parameter of a list call.
///
/// The `sort` parameter is confirmed for the Salesforce and DSM lists and for sibling
/// endpoints of the platform, and used by public client code for Google; it is offered for
/// every family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ListParameter {
    /// `id`: the job with this id.
    Id,
    /// `overall_status`: the jobs in this status.
    OverallStatus,
    /// The family's scope filter, such as `kms`; repeated once per value.
    ScopeFilter(&'static str),
    /// `skip`: how many jobs to skip.
    Skip,
    /// `limit`: how many jobs at most, `-1` for all.
    Limit,
    /// `sort`: comma-separated properties, `-` for descending.
    Sort,
}

impl ListParameter {
    /// The parameter's name in the query string.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::OverallStatus => "overall_status",
            Self::ScopeFilter(name) => name,
            Self::Skip => "skip",
            Self::Limit => "limit",
            Self::Sort => "sort",
        }
    }

    /// Whether the parameter is repeated once per value (`kms=a&kms=b`).
    pub const fn repeats(self) -> bool {
        matches!(self, Self::ScopeFilter(_))
    }
}

impl CloudFamily {
    /// What the jobs of this family carry.
    pub fn spec(self) -> &'static FamilySpec {
        match self {
            Self::Aws => &AWS,
            Self::Azure => &AZURE,
            Self::Google => &GOOGLE,
            Self::Oci => &OCI,
            Self::Sap => &SAP,
            Self::Salesforce => &SALESFORCE,
            Self::Dsm => &DSM,
            Self::ExternalCm => &EXTERNAL_CM,
        }
    }

    /// The family named `name` (see [`FamilySpec::name`]).
    ///
    /// ```
    /// use cckm_sync::CloudFamily;
    ///
    /// assert_eq!(CloudFamily::from_name("external-cm"), Some(CloudFamily::ExternalCm));
    /// assert_eq!(CloudFamily::from_name("luna"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|family| family.spec().name == name)
    }

    /// The endpoints of this family, in catalog order.
    pub fn endpoints(self) -> impl Iterator<Item = &'static Endpoint> {
        ENDPOINTS.iter().filter(move |endpoint| endpoint.family == self)
    }
}

static AWS: FamilySpec = FamilySpec {
    family: CloudFamily::Aws,
    name: "aws",
    title: "AWS",
    job_scope_fields: AwsScope::FIELDS,
    start_scope_field: "kms",
    start_options: <crate::request::AwsStartOptions as crate::request::StartOptions>::FIELDS,
    list_filter: Some("kms"),
};

static AZURE: FamilySpec = FamilySpec {
    family: CloudFamily::Azure,
    name: "azure",
    title: "Azure",
    job_scope_fields: AzureScope::FIELDS,
    start_scope_field: "key_vaults",
    start_options: <crate::request::AzureStartOptions as crate::request::StartOptions>::FIELDS,
    list_filter: Some("key_vaults"),
};

static GOOGLE: FamilySpec = FamilySpec {
    family: CloudFamily::Google,
    name: "google",
    title: "Google Cloud",
    job_scope_fields: GoogleScope::FIELDS,
    start_scope_field: "key_rings",
    start_options: <crate::request::NoStartOptions as crate::request::StartOptions>::FIELDS,
    list_filter: Some("key_rings"),
};

static OCI: FamilySpec = FamilySpec {
    family: CloudFamily::Oci,
    name: "oci",
    title: "Oracle Cloud Infrastructure",
    job_scope_fields: OciScope::FIELDS,
    start_scope_field: "vaults",
    start_options: <crate::request::NoStartOptions as crate::request::StartOptions>::FIELDS,
    list_filter: Some("vaults"),
};

static SAP: FamilySpec = FamilySpec {
    family: CloudFamily::Sap,
    name: "sap",
    title: "SAP Data Custodian",
    job_scope_fields: SapScope::FIELDS,
    start_scope_field: "groups",
    start_options: <crate::request::NoStartOptions as crate::request::StartOptions>::FIELDS,
    list_filter: Some("groups"),
};

static SALESFORCE: FamilySpec = FamilySpec {
    family: CloudFamily::Salesforce,
    name: "salesforce",
    title: "Salesforce",
    job_scope_fields: SalesforceScope::FIELDS,
    start_scope_field: "organization_ids",
    start_options: <crate::request::NoStartOptions as crate::request::StartOptions>::FIELDS,
    list_filter: Some("organizations"),
};

static DSM: FamilySpec = FamilySpec {
    family: CloudFamily::Dsm,
    name: "dsm",
    title: "Data Security Manager",
    job_scope_fields: DsmScope::FIELDS,
    start_scope_field: "domains",
    start_options: <crate::request::NoStartOptions as crate::request::StartOptions>::FIELDS,
    list_filter: None,
};

static EXTERNAL_CM: FamilySpec = FamilySpec {
    family: CloudFamily::ExternalCm,
    name: "external-cm",
    title: "External CipherTrust Manager",
    job_scope_fields: ExternalCmScope::FIELDS,
    start_scope_field: "domains",
    start_options: <crate::request::NoStartOptions as crate::request::StartOptions>::FIELDS,
    list_filter: None,
};

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

/// The job fields a list can be sorted by besides the family's scope fields
/// ([`FamilySpec::sort_properties`]), by wire name.
///
/// The `sort` parameter is confirmed; which properties the server sorts by is not documented
/// ([`SORT_PROPERTIES_EVIDENCE`]): these are the job's own fields that hold a single value, so a
/// list can be ordered by anything a job shows. `detailed_status` (a map) is not among them.
pub const JOB_SORT_PROPERTIES: [&str; 11] = [
    "id",
    "uri",
    "account",
    "application",
    "devAccount",
    "createdAt",
    "updatedAt",
    "completed_at",
    "overall_status",
    "cloud",
    "abort",
];

/// How sure the catalog is of the properties a list can be sorted by.
pub const SORT_PROPERTIES_EVIDENCE: Evidence = Evidence::Inferred;

/// The order of a list without `sort`: newest `createdAt` first, as every example page of the
/// vendor lists its jobs. Evidence: [`Evidence::Confirmed`].
pub const DEFAULT_SORT: &str = "-createdAt";

/// The texts of a family's jobs while they run and when an item ends: what `overall_status`
/// and the values of `detailed_status` say.
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProgressTexts {
    /// The spelling of a running job and a running item: `in_progress`, or `in progress` for
    /// Azure and external CipherTrust Manager jobs.
    pub running: &'static str,
    /// How sure the catalog is of [`running`](Self::running).
    pub running_evidence: Evidence,
    /// The `detailed_status` text of an item that ended well, such as
    /// `region synchronized successfully`.
    pub item_done: &'static str,
    /// How sure the catalog is of [`item_done`](Self::item_done).
    pub item_done_evidence: Evidence,
    /// The name of the remote system in the text of an item that failed:
    /// `Error listing keys from <error_source>: <reason>` (confirmed for Salesforce, `SFDC`).
    pub error_source: &'static str,
}

impl ProgressTexts {
    /// The `detailed_status` text of an item that failed for `reason`.
    ///
    /// ```
    /// use cckm_sync::CloudFamily;
    ///
    /// let texts = CloudFamily::Salesforce.spec().progress();
    /// assert_eq!(texts.item_failed(""), "Error listing keys from SFDC: ");
    /// ```
    pub fn item_failed(&self, reason: &str) -> String {
        format!("Error listing keys from {}: {reason}", self.error_source)
    }
}

impl FamilySpec {
    /// What the family's jobs say while they run and when an item ends.
    ///
    /// ```
    /// use cckm_sync::CloudFamily;
    ///
    /// assert_eq!(CloudFamily::Azure.spec().progress().running, "in progress");
    /// assert_eq!(CloudFamily::Aws.spec().progress().running, "in_progress");
    /// assert_eq!(CloudFamily::Google.spec().progress().item_done, "key ring synchronized successfully");
    /// ```
    pub fn progress(&self) -> &'static ProgressTexts {
        use Evidence::{Confirmed, Inferred};
        const fn texts(
            running: &'static str,
            running_evidence: Evidence,
            item_done: &'static str,
            item_done_evidence: Evidence,
            error_source: &'static str,
        ) -> ProgressTexts {
            ProgressTexts {
                running,
                running_evidence,
                item_done,
                item_done_evidence,
                error_source,
            }
        }
        // Confirmed: the vendor's examples (AWS `in_progress` items and `region …`, Azure
        // `in progress`, Google `key ring …`, DSM `domain …`, external CM `in progress`,
        // Salesforce `Error listing keys from SFDC: `). The rest follows those patterns.
        static AWS: ProgressTexts = texts(
            "in_progress",
            Confirmed,
            "region synchronized successfully",
            Confirmed,
            "AWS",
        );
        static AZURE: ProgressTexts = texts(
            "in progress",
            Confirmed,
            "key vault synchronized successfully",
            Inferred,
            "Azure",
        );
        static GOOGLE: ProgressTexts = texts(
            "in_progress",
            Inferred,
            "key ring synchronized successfully",
            Confirmed,
            "GCP",
        );
        static OCI: ProgressTexts = texts(
            "in_progress",
            Inferred,
            "vault synchronized successfully",
            Inferred,
            "OCI",
        );
        static SAP: ProgressTexts = texts(
            "in_progress",
            Inferred,
            "group synchronized successfully",
            Inferred,
            "SAP",
        );
        static SALESFORCE: ProgressTexts = texts(
            "in_progress",
            Inferred,
            "organization synchronized successfully",
            Inferred,
            "SFDC",
        );
        static DSM: ProgressTexts = texts(
            "in_progress",
            Inferred,
            "domain synchronized successfully",
            Confirmed,
            "DSM",
        );
        static EXTERNAL_CM: ProgressTexts = texts(
            "in progress",
            Confirmed,
            "domain synchronized successfully",
            Inferred,
            "CipherTrust Manager",
        );
        match self.family {
            CloudFamily::Aws => &AWS,
            CloudFamily::Azure => &AZURE,
            CloudFamily::Google => &GOOGLE,
            CloudFamily::Oci => &OCI,
            CloudFamily::Sap => &SAP,
            CloudFamily::Salesforce => &SALESFORCE,
            CloudFamily::Dsm => &DSM,
            CloudFamily::ExternalCm => &EXTERNAL_CM,
        }
    }

    /// The properties a list of this family can be sorted by: [`JOB_SORT_PROPERTIES`], then
    /// the family's scope fields.
    ///
    /// ```
    /// use cckm_sync::CloudFamily;
    ///
    /// let aws: Vec<&str> = CloudFamily::Aws.spec().sort_properties().collect();
    /// assert!(aws.contains(&"createdAt") && aws.contains(&"kms") && !aws.contains(&"key_vaults"));
    /// ```
    pub fn sort_properties(&self) -> impl Iterator<Item = &'static str> + use<> {
        JOB_SORT_PROPERTIES
            .into_iter()
            .chain(self.job_scope_fields.iter().copied())
    }
}

/// An error the server answers with: its HTTP status, and the `code` and `codeDesc` of its
/// [`ApiError`](crate::ApiError) body.
///
/// ```
/// use cckm_sync::endpoints::{self, Evidence};
///
/// assert_eq!(endpoints::NOT_FOUND.status, 404);
/// assert_eq!(endpoints::NOT_FOUND.code_desc, "NCERRResourceNotFound: Resource not found");
/// assert_eq!(endpoints::START_CONFLICT.status, 409);
/// assert_eq!(endpoints::START_CONFLICT.evidence, Evidence::Inferred);
/// ```
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ErrorSpec {
    /// A name for the error, such as `NotFound`: for the contract's response components.
    pub name: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// The body's `code`, when a source shows it; `None` where no source does (a made-up
    /// number would mislead a client that branched on it).
    pub code: Option<i64>,
    /// The body's `codeDesc`: an `NCERR…` name, optionally with `: ` and a text.
    pub code_desc: &'static str,
    /// How sure the catalog is of the status and body.
    pub evidence: Evidence,
}

/// A malformed body (not JSON, or not the call's shape). Public test doubles, said to be
/// checked against a live server, answer 400 with code 15.
pub static BAD_REQUEST: ErrorSpec = ErrorSpec {
    name: "BadRequest",
    status: 400,
    code: Some(15),
    code_desc: "NCERRBadRequest",
    evidence: Evidence::Code,
};

/// A query or path parameter with an invalid value: 400 with code 9, as public test doubles do.
pub static INVALID_PARAMETER: ErrorSpec = ErrorSpec {
    name: "InvalidParamValue",
    status: 400,
    code: Some(9),
    code_desc: "NCERRInvalidParamValue",
    evidence: Evidence::Code,
};

/// A job call without a valid, unexpired bearer token (missing, tampered, expired, revoked).
pub static UNAUTHORIZED: ErrorSpec = ErrorSpec {
    name: "Unauthorized",
    status: 401,
    code: Some(1),
    code_desc: "NCERRUnauthorized",
    evidence: Evidence::Code,
};

/// A token request with a wrong user name, password or refresh token.
pub static WRONG_CREDENTIALS: ErrorSpec = ErrorSpec {
    name: "WrongCredentials",
    status: 401,
    code: Some(5),
    code_desc: "NCERRUnauthorizedAccess",
    evidence: Evidence::Code,
};

/// No job has the id (or no route has the path).
pub static NOT_FOUND: ErrorSpec = ErrorSpec {
    name: "NotFound",
    status: 404,
    code: Some(16),
    code_desc: "NCERRResourceNotFound: Resource not found",
    evidence: Evidence::Code,
};

/// A method the path does not serve; the answer carries `Allow`. Inferred: HTTP's meaning of
/// 405, which no source shows for this server.
pub static METHOD_NOT_ALLOWED: ErrorSpec = ErrorSpec {
    name: "MethodNotAllowed",
    status: 405,
    code: None,
    code_desc: "NCERRMethodNotAllowed",
    evidence: Evidence::Inferred,
};

/// A start while a job of the same endpoint runs. The vendor's Ansible documentation confirms
/// that such a start is refused; the status is inferred (`NCERRConflict` is the name public
/// client code matches).
pub static START_CONFLICT: ErrorSpec = ErrorSpec {
    name: "Conflict",
    status: 409,
    code: None,
    code_desc: "NCERRConflict",
    evidence: Evidence::Inferred,
};

/// A cancel of a job that has ended. The vendor's documentation confirms that only running
/// jobs can be cancelled; the status is inferred, as for [`START_CONFLICT`].
pub static CANCEL_CONFLICT: ErrorSpec = ErrorSpec {
    name: "Conflict",
    status: 409,
    code: None,
    code_desc: "NCERRConflict",
    evidence: Evidence::Inferred,
};

/// The server failed. The vendor's documentation lists 5xx answers without a body.
pub static SERVER_ERROR: ErrorSpec = ErrorSpec {
    name: "ServerError",
    status: 500,
    code: None,
    code_desc: "NCERRInternalServerError",
    evidence: Evidence::Inferred,
};

/// A request whose body did not arrive in time. Inferred: HTTP's meaning of 408, a limit every
/// server has; no source shows this server's.
pub static REQUEST_TIMEOUT: ErrorSpec = ErrorSpec {
    name: "RequestTimeout",
    status: 408,
    code: None,
    code_desc: "NCERRRequestTimeout",
    evidence: Evidence::Inferred,
};

/// A request body larger than the server takes. Inferred, as [`REQUEST_TIMEOUT`].
pub static PAYLOAD_TOO_LARGE: ErrorSpec = ErrorSpec {
    name: "PayloadTooLarge",
    status: 413,
    code: None,
    code_desc: "NCERRPayloadTooLarge",
    evidence: Evidence::Inferred,
};

/// Too many requests. No source shows the server limiting its callers; mock servers answer
/// it when a test asks them to, so that clients can be tested against it.
pub static TOO_MANY_REQUESTS: ErrorSpec = ErrorSpec {
    name: "TooManyRequests",
    status: 429,
    code: None,
    code_desc: "NCERRTooManyRequests",
    evidence: Evidence::Inferred,
};

/// A rule of how the server reads or writes the JSON of every endpoint, with how sure the
/// catalog is of it. The parser and the schemas follow these rules.
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct WireRule {
    /// Short, stable name, such as `null-is-no-value`.
    pub name: &'static str,
    /// The rule, in one or two sentences.
    pub rule: &'static str,
    /// How sure the catalog is of it.
    pub evidence: Evidence,
    /// Where it comes from.
    pub source: &'static str,
}

/// The rules of the wire shared by every endpoint.
///
/// ```
/// use cckm_sync::endpoints::{Evidence, WIRE_RULES};
///
/// let null = WIRE_RULES.iter().find(|rule| rule.name == "null-is-no-value").unwrap();
/// assert_eq!(null.evidence, Evidence::Inferred);
/// ```
pub static WIRE_RULES: [WireRule; 3] = [
    WireRule {
        name: "empty-list-as-null",
        rule: "A list with no item may be written as `null` (`\"resources\": null`): a Go server writes a nil \
               slice so. `null`, `[]` and an absent field are different texts of no value.",
        evidence: Evidence::Code,
        source: "public clients check `resources` for `null` (the Ansible collection) or stop paging on it \
                 (the Terraform provider); Go's encoding/json writes a nil slice or map as `null`",
    },
    WireRule {
        name: "null-is-no-value",
        rule: "A field sent as `null` has no value, as if it were left out: `{\"kms\": [\"k\"], \
               \"synchronize_all\": null}` lists items, `\"regions\": null` means every region.",
        evidence: Evidence::Inferred,
        source: "Go's encoding/json reads `null` into a bool, string, number, list or map as its zero value, \
                 without error; the server is written in Go",
    },
    WireRule {
        name: "last-occurrence-wins",
        rule: "A field repeated in one object counts with its last occurrence; every occurrence must still \
               have the field's type.",
        evidence: Evidence::Inferred,
        source: "Go's encoding/json decodes each occurrence into the same field in turn; JSON Schema \
                 validators, JavaScript and Python keep the last occurrence too",
    },
];
