//! The families of the catalog: what the jobs of each carry, how its list and start calls name
//! their scope, what its jobs say while they run, and what a list can be sorted by.

use super::Evidence;
use crate::cloud::CloudFamily;
use crate::request::options::{AwsStartOptions, AzureStartOptions, NoStartOptions, StartOptions};
use crate::scope::{
    AnyScope, AwsScope, AzureScope, DsmScope, ExternalCmScope, GoogleScope, JobScope, OciScope, SalesforceScope,
    SapScope,
};

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
    /// What the family's scope items are, in words, such as `OCI vaults`: for documentation
    /// and messages.
    pub scope_items: &'static str,
    /// Scope items of the family as the vendor's examples name them: what a mock server's
    /// connections reach, and what examples show.
    pub example_items: &'static [&'static str],
    /// What the family's jobs say while they run and when an item ends.
    ///
    /// ```
    /// use cckm_sync::CloudFamily;
    ///
    /// assert_eq!(CloudFamily::Azure.spec().progress.running, "in progress");
    /// assert_eq!(CloudFamily::Aws.spec().progress.running, "in_progress");
    /// assert_eq!(CloudFamily::Google.spec().progress.item_done, "key ring synchronized successfully");
    /// ```
    pub progress: ProgressTexts,
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
}

// Progress texts, confirmed: the vendor's examples (AWS `in_progress` items and `region …`,
// Azure `in progress`, Google `key ring …`, DSM `domain …`, external CM `in progress`,
// Salesforce `Error listing keys from SFDC: `). The rest follows those patterns.

static AWS: FamilySpec = FamilySpec {
    family: CloudFamily::Aws,
    name: "aws",
    title: "AWS",
    job_scope_fields: AwsScope::FIELDS,
    start_scope_field: "kms",
    start_options: AwsStartOptions::FIELDS,
    list_filter: Some("kms"),
    scope_items: "CipherTrust AWS KMS resources, by name",
    example_items: &["kms", "kms-prod"],
    progress: ProgressTexts {
        running: "in_progress",
        running_evidence: Evidence::Confirmed,
        item_done: "region synchronized successfully",
        item_done_evidence: Evidence::Confirmed,
        error_source: "AWS",
    },
};

static AZURE: FamilySpec = FamilySpec {
    family: CloudFamily::Azure,
    name: "azure",
    title: "Azure",
    job_scope_fields: AzureScope::FIELDS,
    start_scope_field: "key_vaults",
    start_options: AzureStartOptions::FIELDS,
    list_filter: Some("key_vaults"),
    scope_items: "key vaults, as `<vault name>::<vault id>`",
    example_items: &[
        "keyvault-softkeys::12e533dd-b5c2-4e58-a264-0cd812dc5a34",
        "keyvault-hsm::4b1e9a27-6c3d-4f8e-b2a0-9d7c5e1f3a68",
    ],
    progress: ProgressTexts {
        running: "in progress",
        running_evidence: Evidence::Confirmed,
        item_done: "key vault synchronized successfully",
        item_done_evidence: Evidence::Inferred,
        error_source: "Azure",
    },
};

static GOOGLE: FamilySpec = FamilySpec {
    family: CloudFamily::Google,
    name: "google",
    title: "Google Cloud",
    job_scope_fields: GoogleScope::FIELDS,
    start_scope_field: "key_rings",
    start_options: NoStartOptions::FIELDS,
    list_filter: Some("key_rings"),
    scope_items: "key rings, as `projects/<p>/locations/<l>/keyRings/<k>`",
    example_items: &[
        "projects/gemalto-kyloeng/locations/global/keyRings/demo-key-ring",
        "projects/gemalto-kyloeng/locations/europe-west1/keyRings/eu-ring",
    ],
    progress: ProgressTexts {
        running: "in_progress",
        running_evidence: Evidence::Inferred,
        item_done: "key ring synchronized successfully",
        item_done_evidence: Evidence::Confirmed,
        error_source: "GCP",
    },
};

static OCI: FamilySpec = FamilySpec {
    family: CloudFamily::Oci,
    name: "oci",
    title: "Oracle Cloud Infrastructure",
    job_scope_fields: OciScope::FIELDS,
    start_scope_field: "vaults",
    start_options: NoStartOptions::FIELDS,
    list_filter: Some("vaults"),
    scope_items: "OCI vaults",
    example_items: &["ocid1.vault.oc1.iad.amaaaaaa2fq3vxiak4ltbbn6wjlkmxsbs3zqwvy5yhl5p7dovwsjsgeamrwq"],
    progress: ProgressTexts {
        running: "in_progress",
        running_evidence: Evidence::Inferred,
        item_done: "vault synchronized successfully",
        item_done_evidence: Evidence::Inferred,
        error_source: "OCI",
    },
};

static SAP: FamilySpec = FamilySpec {
    family: CloudFamily::Sap,
    name: "sap",
    title: "SAP Data Custodian",
    job_scope_fields: SapScope::FIELDS,
    start_scope_field: "groups",
    start_options: NoStartOptions::FIELDS,
    list_filter: Some("groups"),
    scope_items: "SAP Data Custodian groups",
    example_items: &["finance-dc-group", "hr-dc-group"],
    progress: ProgressTexts {
        running: "in_progress",
        running_evidence: Evidence::Inferred,
        item_done: "group synchronized successfully",
        item_done_evidence: Evidence::Inferred,
        error_source: "SAP",
    },
};

static SALESFORCE: FamilySpec = FamilySpec {
    family: CloudFamily::Salesforce,
    name: "salesforce",
    title: "Salesforce",
    job_scope_fields: SalesforceScope::FIELDS,
    start_scope_field: "organization_ids",
    start_options: NoStartOptions::FIELDS,
    list_filter: Some("organizations"),
    scope_items: "Salesforce organization ids",
    example_items: &["00DB000000040bIMAQ", "00D5e000001N3cVEAS"],
    progress: ProgressTexts {
        running: "in_progress",
        running_evidence: Evidence::Inferred,
        item_done: "organization synchronized successfully",
        item_done_evidence: Evidence::Inferred,
        error_source: "SFDC",
    },
};

static DSM: FamilySpec = FamilySpec {
    family: CloudFamily::Dsm,
    name: "dsm",
    title: "Data Security Manager",
    job_scope_fields: DsmScope::FIELDS,
    start_scope_field: "domains",
    start_options: NoStartOptions::FIELDS,
    list_filter: None,
    scope_items: "DSM domain ids",
    example_items: &["6070915c-0ab4-4e7e-bf4d-31dd31214874"],
    progress: ProgressTexts {
        running: "in_progress",
        running_evidence: Evidence::Inferred,
        item_done: "domain synchronized successfully",
        item_done_evidence: Evidence::Confirmed,
        error_source: "DSM",
    },
};

static EXTERNAL_CM: FamilySpec = FamilySpec {
    family: CloudFamily::ExternalCm,
    name: "external-cm",
    title: "External CipherTrust Manager",
    job_scope_fields: ExternalCmScope::FIELDS,
    start_scope_field: "domains",
    start_options: NoStartOptions::FIELDS,
    list_filter: None,
    scope_items: "domain ids of the external CipherTrust Manager",
    example_items: &["c3d1e1a0-5b7f-4e2a-9a41-7f0d2b6c8e15"],
    progress: ProgressTexts {
        running: "in progress",
        running_evidence: Evidence::Confirmed,
        item_done: "domain synchronized successfully",
        item_done_evidence: Evidence::Inferred,
        error_source: "CipherTrust Manager",
    },
};

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
    /// let texts = &CloudFamily::Salesforce.spec().progress;
    /// assert_eq!(texts.item_failed(""), "Error listing keys from SFDC: ");
    /// ```
    pub fn item_failed(&self, reason: &str) -> String {
        format!("Error listing keys from {}: {reason}", self.error_source)
    }
}

/// A property a list can be sorted by: a job field that holds a single value, or a scope
/// array of the family, by wire name.
///
/// The `sort` parameter is confirmed; which properties the server sorts by is not documented
/// ([`SORT_PROPERTIES_EVIDENCE`]): these are the job's own fields that hold a single value, so a
/// list can be ordered by anything a job shows. `detailed_status` (a map) is not among them.
///
/// ```
/// use cckm_sync::endpoints::SortProperty;
///
/// assert_eq!(SortProperty::from_name("createdAt"), Some(SortProperty::CreatedAt));
/// assert_eq!(SortProperty::from_name("key_rings"), Some(SortProperty::Scope("key_rings")));
/// assert_eq!(SortProperty::from_name("detailed_status"), None);
/// assert_eq!(SortProperty::DevAccount.name(), "devAccount");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SortProperty {
    /// `id`.
    Id,
    /// `uri`.
    Uri,
    /// `account`.
    Account,
    /// `application`.
    Application,
    /// `devAccount`.
    DevAccount,
    /// `createdAt`.
    CreatedAt,
    /// `updatedAt`.
    UpdatedAt,
    /// `completed_at`.
    CompletedAt,
    /// `overall_status`.
    OverallStatus,
    /// `cloud`.
    Cloud,
    /// `abort`.
    Abort,
    /// A scope array (`kms`, `regions`, …), by its wire name.
    Scope(&'static str),
}

impl SortProperty {
    /// The job's own properties, in the order of the job's fields.
    pub const JOB: [SortProperty; 11] = [
        Self::Id,
        Self::Uri,
        Self::Account,
        Self::Application,
        Self::DevAccount,
        Self::CreatedAt,
        Self::UpdatedAt,
        Self::CompletedAt,
        Self::OverallStatus,
        Self::Cloud,
        Self::Abort,
    ];

    /// The property's wire name.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::Uri => "uri",
            Self::Account => "account",
            Self::Application => "application",
            Self::DevAccount => "devAccount",
            Self::CreatedAt => "createdAt",
            Self::UpdatedAt => "updatedAt",
            Self::CompletedAt => "completed_at",
            Self::OverallStatus => "overall_status",
            Self::Cloud => "cloud",
            Self::Abort => "abort",
            Self::Scope(field) => field,
        }
    }

    /// The property named `name`: a job property, or the scope array of some family; `None`
    /// for a name that is neither. Whether a family's lists take it is
    /// [`FamilySpec::sort_properties`]'s.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::JOB
            .into_iter()
            .find(|property| property.name() == name)
            .or_else(|| AnyScope::field_name(name).map(Self::Scope))
    }
}

/// The job fields a list can be sorted by besides the family's scope fields
/// ([`FamilySpec::sort_properties`]), by wire name: the names of [`SortProperty::JOB`].
#[allow(
    clippy::indexing_slicing,
    reason = "evaluated when the crate is built: an index out of range fails the build"
)]
pub const JOB_SORT_PROPERTIES: [&str; 11] = {
    let mut names = [""; 11];
    let mut index = 0;
    while index < names.len() {
        names[index] = SortProperty::JOB[index].name();
        index += 1;
    }
    names
};

/// How sure the catalog is of the properties a list can be sorted by.
pub const SORT_PROPERTIES_EVIDENCE: Evidence = Evidence::Inferred;

/// The order of a list without `sort`: newest `createdAt` first, as every example page of the
/// vendor lists its jobs. Evidence: [`Evidence::Confirmed`].
pub const DEFAULT_SORT: &str = "-createdAt";
