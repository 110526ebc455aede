//! The query string of a list call: filters, paging and sort order, checked when built.
//!
//! [`ListSyncJobs<S>`] is the query of one family's list endpoint. It renders the exact text
//! the server expects ([`to_query_string`](ListSyncJobs::to_query_string)), the decoded pairs
//! for an HTTP client that encodes them itself ([`pairs`](ListSyncJobs::pairs)), and parses a
//! query string back ([`from_query_str`](ListSyncJobs::from_query_str)) for mock servers.
//! A value the server would refuse (a limit of 0, an empty sort key, an empty scope filter
//! value) is an error when the query is built, not a round trip to the server.

use std::fmt::{self, Write as _};
use std::marker::PhantomData;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use uuid::Uuid;

use crate::endpoints::{Endpoint, ListParameter};
use crate::page::Page;
use crate::scope::{
    AwsScope, AzureScope, DsmScope, ExternalCmScope, FamilyScope, GoogleScope, OciScope, SalesforceScope, SapScope,
};
use crate::status::OverallStatus;

mod error;
mod limit;
mod sort;

pub use error::QueryError;
pub use limit::Limit;
pub use sort::{Sort, SortKey};

// Parameter names come from the endpoint catalog, like the scope filter's
// ([`FamilySpec::list_filter`](crate::endpoints::FamilySpec::list_filter)).
const ID: &str = ListParameter::Id.name();
const OVERALL_STATUS: &str = ListParameter::OverallStatus.name();
const SKIP: &str = ListParameter::Skip.name();
const LIMIT: &str = ListParameter::Limit.name();
const SORT: &str = ListParameter::Sort.name();

/// Every byte but the RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`) is
/// percent-encoded, so a value never needs to be checked against the rules of a URL.
const ENCODED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// `sort` keeps its commas, which RFC 3986 allows in a query and the vendor's documentation
/// writes as they are; its keys cannot hold one, so nothing else is left unencoded.
const ENCODED_SORT: &AsciiSet = &ENCODED.remove(b',');

/// The query of a list call on the endpoints of one family: which jobs, which page, in
/// which order.
///
/// Every parameter is optional; only those set are sent, always in the order `id`,
/// `overall_status`, the family's scope filter, `skip`, `limit`, `sort`. The scope filter
/// is set with a method named after its wire parameter, present only on the families that
/// have one: [`kms`](Self::kms) (AWS), [`key_vaults`](Self::key_vaults) (Azure),
/// [`key_rings`](Self::key_rings) (Google), [`vaults`](Self::vaults) (OCI),
/// [`groups`](Self::groups) (SAP), [`organizations`](Self::organizations) (Salesforce).
/// DSM and external CipherTrust Manager lists take no scope filter, so their queries have no
/// such method:
///
/// ```compile_fail
/// let query = cckm_sync::DsmListSyncJobs::new().kms(["kms"]);
/// ```
///
/// ```
/// use cckm_sync::{AwsListSyncJobs, JobStatus, Limit, Sort, endpoints};
///
/// let query = AwsListSyncJobs::new()
///     .overall_status(JobStatus::Completed)
///     .kms(["kms-prod", "kms-dev"])?
///     .skip(0)
///     .limit(Limit::new(10)?)
///     .sort(Sort::parse("-createdAt")?)?;
///
/// assert_eq!(
///     query.to_query_string(),
///     "overall_status=completed&kms=kms-prod&kms=kms-dev&skip=0&limit=10&sort=-createdAt",
/// );
/// let aws = endpoints::find("aws-keys").unwrap();
/// assert_eq!(
///     query.url_path(aws)?,
///     "/api/v1/cckm/aws/synchronization-jobs?overall_status=completed&kms=kms-prod&kms=kms-dev\
///      &skip=0&limit=10&sort=-createdAt",
/// );
/// # Ok::<(), cckm_sync::QueryError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListSyncJobs<S: FamilyScope> {
    id: Option<Uuid>,
    overall_status: Option<OverallStatus>,
    scope_filter: Vec<String>,
    skip: Option<u64>,
    limit: Option<Limit>,
    sort: Option<Sort>,
    family: PhantomData<S>,
}

/// The query of a list of AWS key or custom key store jobs.
pub type AwsListSyncJobs = ListSyncJobs<AwsScope>;
/// The query of a list of Azure key, certificate or secret jobs.
pub type AzureListSyncJobs = ListSyncJobs<AzureScope>;
/// The query of a list of Google Cloud key ring jobs.
pub type GoogleListSyncJobs = ListSyncJobs<GoogleScope>;
/// The query of a list of OCI vault jobs.
pub type OciListSyncJobs = ListSyncJobs<OciScope>;
/// The query of a list of SAP Data Custodian group jobs.
pub type SapListSyncJobs = ListSyncJobs<SapScope>;
/// The query of a list of Salesforce key or certificate jobs.
pub type SalesforceListSyncJobs = ListSyncJobs<SalesforceScope>;
/// The query of a list of DSM domain refresh jobs.
pub type DsmListSyncJobs = ListSyncJobs<DsmScope>;
/// The query of a list of external CipherTrust Manager domain refresh jobs.
pub type ExternalCmListSyncJobs = ListSyncJobs<ExternalCmScope>;

impl<S: FamilyScope> Default for ListSyncJobs<S> {
    fn default() -> Self {
        Self {
            id: None,
            overall_status: None,
            scope_filter: Vec::new(),
            skip: None,
            limit: None,
            sort: None,
            family: PhantomData,
        }
    }
}

impl<S: FamilyScope> ListSyncJobs<S> {
    /// A query with no parameter: the server's first page (10 jobs) in its default order.
    pub fn new() -> Self {
        Self::default()
    }

    /// Lists only the job with this id.
    pub fn id(mut self, id: Uuid) -> Self {
        self.id = Some(id);
        self
    }

    /// Lists only the jobs whose `overall_status` is `status`.
    ///
    /// The status is sent with its exact spelling. Azure and external CipherTrust Manager
    /// jobs store a running job as `in progress`, with a space, while the other families
    /// store `in_progress`; [`JobStatus::InProgress`](crate::JobStatus::InProgress) is sent
    /// as `in_progress`. No source says whether the server compares the text or its meaning,
    /// so to find the running jobs of those two families send `"in progress"`.
    ///
    /// ```
    /// use cckm_sync::{AzureListSyncJobs, JobStatus};
    ///
    /// let azure = AzureListSyncJobs::new().overall_status("in progress");
    /// assert_eq!(azure.to_query_string(), "overall_status=in%20progress");
    ///
    /// let canonical = AzureListSyncJobs::new().overall_status(JobStatus::InProgress);
    /// assert_eq!(canonical.to_query_string(), "overall_status=in_progress");
    /// ```
    pub fn overall_status(mut self, status: impl Into<OverallStatus>) -> Self {
        self.overall_status = Some(status.into());
        self
    }

    /// Skips the first `skip` jobs; the server starts at 0.
    pub fn skip(mut self, skip: u64) -> Self {
        self.skip = Some(skip);
        self
    }

    /// Asks for at most `limit` jobs, or for all of them; the server's default is 10.
    pub fn limit(mut self, limit: Limit) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Sorts the jobs by `sort`; fails if a key is not a property the family's jobs can be
    /// sorted by ([`FamilySpec::sort_properties`](crate::endpoints::FamilySpec::sort_properties):
    /// a job's single-valued fields and the family's scope fields).
    ///
    /// ```
    /// use cckm_sync::{AwsListSyncJobs, Sort};
    ///
    /// let query = AwsListSyncJobs::new().sort(Sort::parse("-createdAt,kms")?)?;
    /// assert_eq!(query.to_query_string(), "sort=-createdAt,kms");
    /// let error = AwsListSyncJobs::new().sort(Sort::parse("key_rings")?).unwrap_err();
    /// assert!(error.to_string().starts_with(r#"sort: AWS jobs cannot be sorted by "key_rings"; sort by"#), "{error}");
    /// # Ok::<(), cckm_sync::QueryError>(())
    /// ```
    pub fn sort(mut self, sort: Sort) -> Result<Self, QueryError> {
        let family = S::FAMILY_ID;
        if let Some(key) = sort.keys().iter().find(|key| {
            !family
                .spec()
                .sort_properties()
                .any(|property| property == key.property())
        }) {
            return Err(QueryError::UnsortableProperty {
                property: key.property().to_owned(),
                family,
            });
        }
        self.sort = Some(sort);
        Ok(self)
    }

    /// The job id filter, if set.
    pub fn get_id(&self) -> Option<Uuid> {
        self.id
    }

    /// The `overall_status` filter, if set.
    pub fn get_overall_status(&self) -> Option<&OverallStatus> {
        self.overall_status.as_ref()
    }

    /// The values of the family's scope filter, in the order they were added; empty when
    /// not set (and always for DSM and external CipherTrust Manager).
    pub fn get_scope_filter(&self) -> &[String] {
        &self.scope_filter
    }

    /// The `skip`, if set.
    pub fn get_skip(&self) -> Option<u64> {
        self.skip
    }

    /// The `limit`, if set.
    pub fn get_limit(&self) -> Option<Limit> {
        self.limit
    }

    /// The sort order, if set.
    pub fn get_sort(&self) -> Option<&Sort> {
        self.sort.as_ref()
    }

    /// The parameters that are set, decoded, in the order they are sent: the scope filter
    /// once per value. For HTTP clients that encode the query themselves, such as reqwest's
    /// `RequestBuilder::query(&pairs)`.
    ///
    /// ```
    /// use cckm_sync::GoogleListSyncJobs;
    ///
    /// let query = GoogleListSyncJobs::new().key_rings(["projects/p/locations/global/keyRings/k"])?.skip(20);
    /// assert_eq!(
    ///     query.pairs(),
    ///     [("key_rings", "projects/p/locations/global/keyRings/k".to_owned()), ("skip", "20".to_owned())],
    /// );
    /// # Ok::<(), cckm_sync::QueryError>(())
    /// ```
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if let Some(id) = self.id {
            pairs.push((ID, id.to_string()));
        }
        if let Some(status) = &self.overall_status {
            pairs.push((OVERALL_STATUS, status.as_str().to_owned()));
        }
        if let Some(name) = Self::scope_filter_name() {
            pairs.extend(self.scope_filter.iter().map(|value| (name, value.clone())));
        }
        if let Some(skip) = self.skip {
            pairs.push((SKIP, skip.to_string()));
        }
        if let Some(limit) = self.limit {
            pairs.push((LIMIT, limit.to_string()));
        }
        if let Some(sort) = &self.sort {
            pairs.push((SORT, sort.to_string()));
        }
        pairs
    }

    /// The query string, without a leading `?`; empty when no parameter is set.
    ///
    /// Array filters repeat their key; every byte of a value other than `A-Z a-z 0-9 - . _ ~`
    /// is percent-encoded, but for the commas between `sort` keys.
    ///
    /// ```
    /// use cckm_sync::{Limit, SalesforceListSyncJobs};
    ///
    /// // The request of the vendor's example.
    /// let query = SalesforceListSyncJobs::new().skip(0).limit(Limit::new(10)?);
    /// assert_eq!(query.to_query_string(), "skip=0&limit=10");
    /// assert_eq!(SalesforceListSyncJobs::new().to_query_string(), "");
    /// # Ok::<(), cckm_sync::QueryError>(())
    /// ```
    pub fn to_query_string(&self) -> String {
        self.to_string()
    }

    /// The path and query of the list call on `endpoint`: `/api/v1/<base>?<query>`, without
    /// the `?` when no parameter is set.
    ///
    /// Fails if `endpoint` serves another family, whose filters this query does not know.
    ///
    /// ```
    /// use cckm_sync::{DsmListSyncJobs, Limit, endpoints};
    ///
    /// let query = DsmListSyncJobs::new().limit(Limit::All);
    /// let dsm = endpoints::find("dsm").unwrap();
    /// assert_eq!(query.url_path(dsm)?, "/api/v1/cckm/dsm/refresh?limit=-1");
    ///
    /// let error = query.url_path(endpoints::find("aws-keys").unwrap()).unwrap_err();
    /// assert_eq!(
    ///     error.to_string(),
    ///     r#"endpoint "aws-keys" lists AWS jobs, not Data Security Manager jobs"#,
    /// );
    /// # Ok::<(), cckm_sync::QueryError>(())
    /// ```
    pub fn url_path(&self, endpoint: &Endpoint) -> Result<String, QueryError> {
        if endpoint.family != S::FAMILY_ID {
            return Err(QueryError::WrongEndpoint {
                endpoint: endpoint.name,
                endpoint_family: endpoint.family,
                query_family: S::FAMILY_ID,
            });
        }
        let mut path = endpoint.collection_path();
        if self.has_parameters() {
            path.push('?');
            path.push_str(&self.to_query_string());
        }
        Ok(path)
    }

    /// The query of the page after `page`, which this query returned: the same query with
    /// `skip` set to [`page.next_skip()`](Page::next_skip); `None` on the last page.
    ///
    /// ```
    /// use cckm_sync::{Limit, OciListSyncJobs, Page};
    /// use serde_json::Value;
    ///
    /// let query = OciListSyncJobs::new().limit(Limit::new(2)?);
    /// // Pages of three jobs, their bodies left out.
    /// let first: Page<Value> = serde_json::from_str(r#"{"skip": 0, "limit": 2, "total": 3, "resources": [{}, {}]}"#)?;
    /// let next = query.next_page(&first).unwrap();
    /// assert_eq!(next.to_query_string(), "skip=2&limit=2");
    ///
    /// let last: Page<Value> = serde_json::from_str(r#"{"skip": 2, "limit": 2, "total": 3, "resources": [{}]}"#)?;
    /// assert_eq!(next.next_page(&last), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn next_page<T>(&self, page: &Page<T>) -> Option<Self> {
        let skip = page.next_skip()?;
        Some(self.clone().skip(skip))
    }

    /// Parses a query string, with or without its leading `?`, as a server reads it: `+` and
    /// `%20` both decode to a space, the scope filter may repeat, any other parameter may not.
    /// For mock servers and tests. Parsing the output of [`to_query_string`](Self::to_query_string)
    /// gives back the same query.
    ///
    /// ```
    /// use cckm_sync::{AzureListSyncJobs, JobStatus, Limit, QueryError};
    ///
    /// let query = AzureListSyncJobs::from_query_str(
    ///     "?key_vaults=vault-a%3A%3A1&key_vaults=vault-b%3A%3A2&overall_status=in+progress&limit=-1",
    /// )?;
    /// assert_eq!(query.get_scope_filter(), ["vault-a::1", "vault-b::2"]);
    /// assert_eq!(query.get_overall_status().unwrap().as_str(), "in progress");
    /// assert_eq!(query.get_limit(), Some(Limit::All));
    ///
    /// assert_eq!(
    ///     AzureListSyncJobs::from_query_str("kms=kms").unwrap_err(),
    ///     QueryError::UnknownParameter("kms".to_owned()),
    /// );
    /// # Ok::<(), QueryError>(())
    /// ```
    pub fn from_query_str(query: &str) -> Result<Self, QueryError> {
        let query = query.strip_prefix('?').unwrap_or(query);
        let filter = Self::scope_filter_name();
        let mut parsed = Self::new();
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            match &*name {
                ID => {
                    once(ID, parsed.id.is_some())?;
                    // Hyphenated only, as the server writes ids and the parameter's schema says.
                    let id = crate::wire::parse_hyphenated_uuid(&value)
                        .map_err(|_| QueryError::invalid(ID, &value, "must be a hyphenated UUID"))?;
                    parsed.id = Some(id);
                }
                OVERALL_STATUS => {
                    once(OVERALL_STATUS, parsed.overall_status.is_some())?;
                    parsed.overall_status = Some(OverallStatus::from(&*value));
                }
                SKIP => {
                    once(SKIP, parsed.skip.is_some())?;
                    let skip = value
                        .parse()
                        .map_err(|_| QueryError::invalid(SKIP, &value, "must be a non-negative integer"))?;
                    parsed.skip = Some(skip);
                }
                LIMIT => {
                    once(LIMIT, parsed.limit.is_some())?;
                    let limit = value
                        .parse()
                        .map_err(|_| QueryError::invalid(LIMIT, &value, "must be an integer"))?;
                    parsed.limit = Some(Limit::new(limit)?);
                }
                SORT => {
                    once(SORT, parsed.sort.is_some())?;
                    parsed = parsed.sort(Sort::parse(&value)?)?;
                }
                other if Some(other) == filter => {
                    parsed = parsed.scope_filter([value])?;
                }
                other => return Err(QueryError::UnknownParameter(other.to_owned())),
            }
        }
        Ok(parsed)
    }

    /// The wire name of the family's scope filter, from the endpoint catalog.
    fn scope_filter_name() -> Option<&'static str> {
        S::FAMILY_ID.spec().list_filter
    }

    fn has_parameters(&self) -> bool {
        self.id.is_some()
            || self.overall_status.is_some()
            || !self.scope_filter.is_empty()
            || self.skip.is_some()
            || self.limit.is_some()
            || self.sort.is_some()
    }

    /// Lists only the jobs of these scope items, under the family's scope filter
    /// ([`FamilySpec::list_filter`](crate::endpoints::FamilySpec::list_filter): `kms`,
    /// `key_vaults`, …, repeated); appends to the values given before. Fails on an empty value,
    /// and for a family whose lists take no scope filter (DSM, external CipherTrust Manager).
    /// The methods named after each family's filter ([`kms`](Self::kms), …) say the same for
    /// one family.
    ///
    /// ```
    /// use cckm_sync::{DsmListSyncJobs, ListSyncJobs, OciScope, QueryError};
    ///
    /// let query = ListSyncJobs::<OciScope>::new().scope_filter(["vault-1"])?;
    /// assert_eq!(query.to_query_string(), "vaults=vault-1");
    /// assert!(matches!(DsmListSyncJobs::new().scope_filter(["d"]), Err(QueryError::NoScopeFilter { .. })));
    /// # Ok::<(), QueryError>(())
    /// ```
    pub fn scope_filter(mut self, values: impl IntoIterator<Item = impl Into<String>>) -> Result<Self, QueryError> {
        let Some(parameter) = Self::scope_filter_name() else {
            return Err(QueryError::NoScopeFilter { family: S::FAMILY_ID });
        };
        for value in values {
            let value = value.into();
            if value.is_empty() {
                return Err(QueryError::EmptyValue { parameter });
            }
            self.scope_filter.push(value);
        }
        Ok(self)
    }
}

/// Fails if a parameter that takes one value was already given.
fn once(parameter: &'static str, seen: bool) -> Result<(), QueryError> {
    if seen {
        Err(QueryError::RepeatedParameter(parameter))
    } else {
        Ok(())
    }
}

impl ListSyncJobs<AwsScope> {
    /// Lists only the jobs of these CipherTrust AWS KMS resources, by name (`kms`, repeated);
    /// appends to the names given before. Fails on an empty name.
    ///
    /// ```
    /// use cckm_sync::AwsListSyncJobs;
    ///
    /// let query = AwsListSyncJobs::new().kms(["a"])?.kms(["b"])?;
    /// assert_eq!(query.to_query_string(), "kms=a&kms=b");
    /// assert_eq!(AwsListSyncJobs::new().kms([""]).unwrap_err().to_string(), "kms: empty value");
    /// # Ok::<(), cckm_sync::QueryError>(())
    /// ```
    pub fn kms(self, names: impl IntoIterator<Item = impl Into<String>>) -> Result<Self, QueryError> {
        self.scope_filter(names)
    }
}

impl ListSyncJobs<AzureScope> {
    /// Lists only the jobs of these key vaults, as `<vault name>::<vault id>` (`key_vaults`,
    /// repeated); appends to the vaults given before. Fails on an empty value.
    ///
    /// ```
    /// use cckm_sync::AzureListSyncJobs;
    ///
    /// let query = AzureListSyncJobs::new().key_vaults(["keyvault-softkeys::12e5"])?;
    /// assert_eq!(query.to_query_string(), "key_vaults=keyvault-softkeys%3A%3A12e5");
    /// # Ok::<(), cckm_sync::QueryError>(())
    /// ```
    pub fn key_vaults(self, vaults: impl IntoIterator<Item = impl Into<String>>) -> Result<Self, QueryError> {
        self.scope_filter(vaults)
    }
}

impl ListSyncJobs<GoogleScope> {
    /// Lists only the jobs of these key rings, as `projects/<p>/locations/<l>/keyRings/<k>`
    /// (`key_rings`, repeated); appends to the key rings given before. Fails on an empty value.
    ///
    /// ```
    /// use cckm_sync::GoogleListSyncJobs;
    ///
    /// let query = GoogleListSyncJobs::new().key_rings(["projects/p/locations/global/keyRings/k"])?;
    /// assert_eq!(query.to_query_string(), "key_rings=projects%2Fp%2Flocations%2Fglobal%2FkeyRings%2Fk");
    /// # Ok::<(), cckm_sync::QueryError>(())
    /// ```
    pub fn key_rings(self, key_rings: impl IntoIterator<Item = impl Into<String>>) -> Result<Self, QueryError> {
        self.scope_filter(key_rings)
    }
}

impl ListSyncJobs<OciScope> {
    /// Lists only the jobs of these OCI vaults (`vaults`, repeated); appends to the vaults
    /// given before. Fails on an empty value.
    ///
    /// ```
    /// use cckm_sync::OciListSyncJobs;
    ///
    /// let query = OciListSyncJobs::new().vaults(["vault-1", "vault-2"])?;
    /// assert_eq!(query.to_query_string(), "vaults=vault-1&vaults=vault-2");
    /// # Ok::<(), cckm_sync::QueryError>(())
    /// ```
    pub fn vaults(self, vaults: impl IntoIterator<Item = impl Into<String>>) -> Result<Self, QueryError> {
        self.scope_filter(vaults)
    }
}

impl ListSyncJobs<SapScope> {
    /// Lists only the jobs of these SAP Data Custodian groups (`groups`, repeated; the name is
    /// inferred from the other families); appends to the groups given before. Fails on an
    /// empty value.
    ///
    /// ```
    /// use cckm_sync::SapListSyncJobs;
    ///
    /// let query = SapListSyncJobs::new().groups(["group-1"])?;
    /// assert_eq!(query.to_query_string(), "groups=group-1");
    /// # Ok::<(), cckm_sync::QueryError>(())
    /// ```
    pub fn groups(self, groups: impl IntoIterator<Item = impl Into<String>>) -> Result<Self, QueryError> {
        self.scope_filter(groups)
    }
}

impl ListSyncJobs<SalesforceScope> {
    /// Lists only the jobs of these Salesforce organization ids (`organizations`, repeated,
    /// although the jobs list them under `kms`); appends to the ids given before. Fails on an
    /// empty value.
    ///
    /// ```
    /// use cckm_sync::SalesforceListSyncJobs;
    ///
    /// let query = SalesforceListSyncJobs::new().organizations(["00D5g000004Fbb4EAC"])?;
    /// assert_eq!(query.to_query_string(), "organizations=00D5g000004Fbb4EAC");
    /// # Ok::<(), cckm_sync::QueryError>(())
    /// ```
    pub fn organizations(
        self,
        organization_ids: impl IntoIterator<Item = impl Into<String>>,
    ) -> Result<Self, QueryError> {
        self.scope_filter(organization_ids)
    }
}

impl<S: FamilyScope> fmt::Display for ListSyncJobs<S> {
    /// The query string, as [`to_query_string`](Self::to_query_string).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, (name, value)) in self.pairs().iter().enumerate() {
            if index > 0 {
                f.write_char('&')?;
            }
            let set = if *name == SORT { ENCODED_SORT } else { ENCODED };
            write!(f, "{name}={}", utf8_percent_encode(value, set))?;
        }
        Ok(())
    }
}
