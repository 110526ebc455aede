//! The synchronization (or refresh) job record.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::cloud::{Cloud, CloudFamily};
use crate::detailed::DetailedStatus;
use crate::fields::{NullFields, UnknownFields};
use crate::raw::RawJson;
use crate::scope::{
    AnyScope, AwsScope, AzureScope, DsmScope, ExternalCmScope, GoogleScope, JobScope, OciScope, SalesforceScope,
    SapScope,
};
use crate::status::OverallStatus;
use crate::unknown::{JsonPointer, ReportUnknowns, Unknown, UnknownKind};

pub use outcome::{ItemState, JobOutcome};

mod outcome;
mod read;
#[cfg(feature = "schemars")]
mod schema;
mod write;

/// A synchronization or refresh job, as every job endpoint returns it.
///
/// `S` is the job's scope: [`AnyScope`] (the default) reads a job of any family; a family
/// scope such as [`AwsScope`] gives typed access to that family's fields (see the aliases
/// [`AwsSyncJob`], [`AzureSyncJob`], …). Fields this crate does not model are kept in
/// [`unknown_fields`](Self::unknown_fields) and written back on serialization, so a
/// response survives a round trip unchanged.
///
/// ```
/// use cckm_sync::{CloudFamily, GoogleSyncJob, JobStatus};
///
/// let job: GoogleSyncJob = serde_json::from_str(r#"{
///     "id": "1f1d1b1b-a17c-486f-b864-db894af6efac",
///     "uri": "kylo:kylo:cckm:synchronize:1f1d1b1b-a17c-486f-b864-db894af6efac",
///     "account": "kylo:kylo:admin:accounts:kylo",
///     "application": "ncryptify:gemalto:admin:apps:kylo",
///     "devAccount": "ncryptify:gemalto:admin:accounts:gemalto",
///     "createdAt": "2021-05-05T08:36:36.676642Z",
///     "updatedAt": "2021-05-05T08:37:22.041115Z",
///     "completed_at": "2021-05-05T08:37:22.040954Z",
///     "overall_status": "completed",
///     "detailed_status": {
///         "projects/gemalto-kyloeng/locations/global/keyRings/demo-key-ring": "key ring synchronized successfully"
///     },
///     "cloud": "gcp",
///     "key_rings": ["projects/gemalto-kyloeng/locations/global/keyRings/demo-key-ring"],
///     "abort": false
/// }"#)?;
///
/// assert_eq!(job.family(), Some(CloudFamily::Google));
/// assert_eq!(job.overall_status, JobStatus::Completed);
/// assert!(job.is_finished() && !job.was_cancelled());
/// assert_eq!(job.scope.key_rings.as_deref().unwrap_or_default().len(), 1);
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// # Reading
///
/// - A field may repeat: every occurrence must have the right type and the last one counts,
///   as for the server's Go decoder.
/// - `null` in `completed_at`, `detailed_status` or a scope array means "no value", as an
///   absent field does; [`null_fields`](Self::null_fields) remembers it, so it is written back.
/// - A family type refuses a job whose `cloud` belongs to another family (an Azure job read as
///   [`AwsSyncJob`]); a cloud this crate does not know is accepted, as a newer server may send
///   one.
/// - [`SyncJob`] (any family) types the scope arrays of the job's own family only: on a `gcp`
///   job `regions` is an unknown field, whatever its value.
///
/// # Writing
///
/// Fields are written in the server's order, timestamps as the server writes them. Writing
/// fails if [`unknown_fields`](Self::unknown_fields) holds a field named like one this job
/// models (`abort`, or a scope array of its family): it would be written twice, or change the
/// job's meaning.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "schemars",
    derive(schemars::JsonSchema),
    schemars(
        rename = "{S}SyncJob",
        description = "A synchronization or refresh job, as the list, start, get and cancel calls \
            return it. Fields not listed here may appear in responses of newer servers and must be \
            accepted.",
        transform = schema::finish::<S>,
        bound = "S: JobScope + schemars::JsonSchema"
    )
)]
pub struct SyncJob<S = AnyScope> {
    /// Resource id of the job.
    #[cfg_attr(feature = "schemars", schemars(pattern(crate::wire::UUID_PATTERN)))]
    pub id: Uuid,
    /// Resource URI, `kylo:kylo:cckm:synchronize:<id>`.
    pub uri: String,
    /// Account that owns the job.
    pub account: String,
    /// Application that created the job.
    pub application: String,
    /// Developer account of the application.
    #[cfg_attr(feature = "schemars", serde(rename = "devAccount"))]
    pub dev_account: String,
    /// When the job was created. The server writes RFC 3339 in UTC, with `Z` and up to nine
    /// fraction digits (trailing zeros dropped, as Go writes them); any RFC 3339 timestamp is read.
    #[cfg_attr(
        feature = "schemars",
        serde(rename = "createdAt"),
        schemars(
            pattern(crate::timestamp::PATTERN),
            extend("examples" = ["2020-11-05T06:39:45.726289Z"])
        )
    )]
    pub created_at: DateTime<Utc>,
    /// When the job record last changed. The server writes RFC 3339 in UTC, with `Z` and up to
    /// nine fraction digits (trailing zeros dropped, as Go writes them); any RFC 3339 timestamp is
    /// read.
    #[cfg_attr(
        feature = "schemars",
        serde(rename = "updatedAt"),
        schemars(
            pattern(crate::timestamp::PATTERN),
            extend("examples" = ["2020-11-05T06:39:57.973309Z"])
        )
    )]
    pub updated_at: DateTime<Utc>,
    /// When the job ended; absent (or `null`) while it runs. The server writes RFC 3339 in UTC,
    /// with `Z` and up to nine fraction digits (trailing zeros dropped, as Go writes them); any
    /// RFC 3339 timestamp is read.
    #[cfg_attr(
        feature = "schemars",
        schemars(
            pattern(crate::timestamp::PATTERN),
            extend("examples" = ["2020-11-05T06:39:57.973157Z"])
        )
    )]
    pub completed_at: Option<DateTime<Utc>>,
    /// Overall state of the job, with the server's exact spelling.
    pub overall_status: OverallStatus,
    /// Free-text status per scope item (`<account>/<region>`, `<region>/<vault>::<id>`, key ring,
    /// organization or domain id). Absent (or `null`) on some jobs that are still running.
    // The title names the map's type in generated clients: openapi-python-client numbers an
    // untitled nullable map (`AwsSyncJobDetailedStatusType0`).
    #[cfg_attr(feature = "schemars", schemars(title = "DetailedStatus"))]
    pub detailed_status: Option<DetailedStatus>,
    /// The cloud the job ran against.
    pub cloud: Cloud,
    /// The items the job synchronizes (written where the server writes them, before `abort`).
    #[cfg_attr(feature = "schemars", serde(flatten))]
    pub scope: S,
    /// Whether the job was cancelled. Authoritative: a cancelled job keeps its status until it
    /// winds down and may end as `completed` as well as `aborted`.
    pub abort: bool,
    /// The optional fields (`completed_at`, `detailed_status`, scope arrays) the server sent
    /// as `null`, to write them back as `null`.
    #[cfg_attr(feature = "schemars", serde(skip))]
    pub null_fields: NullFields,
    /// Fields this crate does not model, kept verbatim.
    #[cfg_attr(feature = "schemars", serde(flatten))]
    pub unknown_fields: UnknownFields,
}

/// The wire names of the fields every job has, in the server's order; the scope arrays go
/// between `cloud` and `abort`.
const ID: &str = "id";
const URI: &str = "uri";
const ACCOUNT: &str = "account";
const APPLICATION: &str = "application";
const DEV_ACCOUNT: &str = "devAccount";
const CREATED_AT: &str = "createdAt";
const UPDATED_AT: &str = "updatedAt";
const COMPLETED_AT: &str = "completed_at";
const OVERALL_STATUS: &str = "overall_status";
const DETAILED_STATUS: &str = "detailed_status";
const CLOUD: &str = "cloud";
const ABORT: &str = "abort";
const JOB_FIELDS: [&str; 12] = [
    ID,
    URI,
    ACCOUNT,
    APPLICATION,
    DEV_ACCOUNT,
    CREATED_AT,
    UPDATED_AT,
    COMPLETED_AT,
    OVERALL_STATUS,
    DETAILED_STATUS,
    CLOUD,
    ABORT,
];

/// A job of the AWS key and custom key store endpoints.
pub type AwsSyncJob = SyncJob<AwsScope>;
/// A job of the Azure key, certificate and secret endpoints.
pub type AzureSyncJob = SyncJob<AzureScope>;
/// A job of the Google Cloud endpoint.
pub type GoogleSyncJob = SyncJob<GoogleScope>;
/// A job of the Oracle Cloud Infrastructure endpoint.
pub type OciSyncJob = SyncJob<OciScope>;
/// A job of the SAP Data Custodian endpoint.
pub type SapSyncJob = SyncJob<SapScope>;
/// A job of the Salesforce key and certificate endpoints.
pub type SalesforceSyncJob = SyncJob<SalesforceScope>;
/// A refresh job of the Data Security Manager endpoint.
pub type DsmSyncJob = SyncJob<DsmScope>;
/// A refresh job of the external CipherTrust Manager endpoint.
pub type ExternalCmSyncJob = SyncJob<ExternalCmScope>;

impl<S> SyncJob<S> {
    /// The wire names of the fields every job has, in the server's order (the scope arrays,
    /// [`JobScope::FIELDS`], go between `cloud` and `abort`).
    ///
    /// ```
    /// use cckm_sync::SyncJob;
    ///
    /// assert!(SyncJob::<cckm_sync::AnyScope>::FIELDS.contains(&"devAccount"));
    /// ```
    pub const FIELDS: &'static [&'static str] = &JOB_FIELDS;

    /// The endpoint family of the job, from its `cloud`; `None` for a cloud this crate
    /// does not know.
    pub fn family(&self) -> Option<CloudFamily> {
        self.cloud.family()
    }

    /// Whether the job has ended. For a status this crate does not know, a job has ended
    /// when it has a `completed_at` time.
    pub fn is_finished(&self) -> bool {
        self.overall_status
            .status()
            .is_finished()
            .unwrap_or(self.completed_at.is_some())
    }

    /// Whether the job was cancelled (its `abort` flag), whatever its status says.
    pub fn was_cancelled(&self) -> bool {
        self.abort
    }

    /// Whether the job was cancelled but is still winding down.
    pub fn is_cancelling(&self) -> bool {
        self.abort && !self.is_finished()
    }
}

impl<S: JobScope> SyncJob<S> {
    /// The same job as a job of any family ([`SyncJob`]), losing nothing: scope arrays that
    /// are not of the job's family (or all of them, for a cloud this crate does not know) move
    /// to [`unknown_fields`](Self::unknown_fields), as a parse of the job as [`SyncJob`] would
    /// put them.
    ///
    /// ```
    /// use cckm_sync::{AwsSyncJob, SyncJob};
    ///
    /// # let json = r#"{"id":"0ea5d52e-387c-44fa-b079-21c8b768f77b","uri":"u","account":"a",
    /// #   "application":"p","devAccount":"d","createdAt":"2020-11-05T06:39:45.726289Z",
    /// #   "updatedAt":"2020-11-05T06:39:57.973309Z","overall_status":"completed","cloud":"aws",
    /// #   "kms":["kms"],"regions":["ap-south-1"],"abort":false}"#;
    /// let aws: AwsSyncJob = cckm_sync::from_str(json)?;
    /// let any: SyncJob = cckm_sync::from_str(json)?;
    /// assert_eq!(aws.clone().into_any(), any);
    /// assert_eq!(any.scope.regions, Some(vec!["ap-south-1".to_owned()]));
    /// # Ok::<(), cckm_sync::ParseError>(())
    /// ```
    pub fn into_any(self) -> SyncJob<AnyScope> {
        self.rescope()
    }

    /// The same job with the scope type of its family, from its `cloud`, losing nothing;
    /// [`FamilyJob::Unknown`] for a cloud this crate does not know.
    ///
    /// ```
    /// use cckm_sync::{FamilyJob, SyncJob};
    ///
    /// # let json = r#"{"id":"d4cbd38e-845e-4f75-9e71-15280084986e","uri":"u","account":"a",
    /// #   "application":"p","devAccount":"d","createdAt":"2021-03-03T09:22:15.05611Z",
    /// #   "updatedAt":"2021-03-03T09:22:15.636481Z","overall_status":"completed","cloud":"dsm",
    /// #   "domains":["6070915c-0ab4-4e7e-bf4d-31dd31214874"],"abort":false}"#;
    /// let job: SyncJob = cckm_sync::from_str(json)?;
    /// match job.clone().into_family() {
    ///     FamilyJob::Dsm(dsm) => {
    ///         assert_eq!(dsm.scope.domains.as_ref().map(Vec::len), Some(1));
    ///         assert_eq!(dsm.into_any(), job);
    ///     }
    ///     other => panic!("expected a DSM job, got {other:?}"),
    /// }
    /// # Ok::<(), cckm_sync::ParseError>(())
    /// ```
    pub fn into_family(self) -> FamilyJob {
        match self.family() {
            Some(CloudFamily::Aws) => FamilyJob::Aws(self.rescope()),
            Some(CloudFamily::Azure) => FamilyJob::Azure(self.rescope()),
            Some(CloudFamily::Google) => FamilyJob::Google(self.rescope()),
            Some(CloudFamily::Oci) => FamilyJob::Oci(self.rescope()),
            Some(CloudFamily::Sap) => FamilyJob::Sap(self.rescope()),
            Some(CloudFamily::Salesforce) => FamilyJob::Salesforce(self.rescope()),
            Some(CloudFamily::Dsm) => FamilyJob::Dsm(self.rescope()),
            Some(CloudFamily::ExternalCm) => FamilyJob::ExternalCm(self.rescope()),
            None => FamilyJob::Unknown(self.rescope()),
        }
    }

    /// Moves the scope arrays into the scope `T`: each array goes into `T` if `T` types it
    /// for this job's cloud, else into the unknown fields; an unknown field `T` types for this
    /// cloud moves into `T` if it is an array of strings (or `null`).
    fn rescope<T: JobScope>(self) -> SyncJob<T> {
        let SyncJob {
            id,
            uri,
            account,
            application,
            dev_account,
            created_at,
            updated_at,
            completed_at,
            overall_status,
            detailed_status,
            cloud,
            mut scope,
            abort,
            mut null_fields,
            mut unknown_fields,
        } = self;
        let typed = T::typed_fields(Some(&cloud));
        let mut target = T::default();
        for &field in S::FIELDS {
            let list = scope.slot_mut(field).and_then(Option::take);
            let null = list.is_none() && null_fields.contains(field) && S::typed_fields(Some(&cloud)).contains(&field);
            if list.is_none() && !null {
                continue;
            }
            match target.slot_mut(field).filter(|_| typed.contains(&field)) {
                Some(slot) => *slot = list,
                None => {
                    null_fields.remove(field);
                    let raw = match list {
                        Some(list) => RawJson::from_serialize(&list).unwrap_or_else(|_| RawJson::null()),
                        None => RawJson::null(),
                    };
                    unknown_fields.insert(field, raw);
                }
            }
        }
        for &field in typed {
            let Some(slot) = target.slot_mut(field) else {
                continue;
            };
            if slot.is_some() || null_fields.contains(field) {
                continue;
            }
            if let Some(Ok(list)) = unknown_fields.get(field).map(RawJson::parse::<Option<Vec<String>>>) {
                unknown_fields.remove(field);
                null_fields.set(field, list.is_none());
                *slot = list;
            }
        }
        SyncJob {
            id,
            uri,
            account,
            application,
            dev_account,
            created_at,
            updated_at,
            completed_at,
            overall_status,
            detailed_status,
            cloud,
            scope: target,
            abort,
            null_fields,
            unknown_fields,
        }
    }
}

/// A job re-read with the scope of its family: see [`SyncJob::into_family`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FamilyJob {
    /// An AWS key or custom key store job.
    Aws(AwsSyncJob),
    /// An Azure key, certificate or secret job.
    Azure(AzureSyncJob),
    /// A Google Cloud job.
    Google(GoogleSyncJob),
    /// An Oracle Cloud Infrastructure job.
    Oci(OciSyncJob),
    /// An SAP Data Custodian job.
    Sap(SapSyncJob),
    /// A Salesforce job.
    Salesforce(SalesforceSyncJob),
    /// A Data Security Manager refresh job.
    Dsm(DsmSyncJob),
    /// An external CipherTrust Manager refresh job.
    ExternalCm(ExternalCmSyncJob),
    /// A job of a cloud this crate does not know.
    Unknown(SyncJob),
}

impl FamilyJob {
    /// The job as a job of any family, as it was before [`SyncJob::into_family`].
    pub fn into_any(self) -> SyncJob {
        match self {
            Self::Aws(job) => job.into_any(),
            Self::Azure(job) => job.into_any(),
            Self::Google(job) => job.into_any(),
            Self::Oci(job) => job.into_any(),
            Self::Sap(job) => job.into_any(),
            Self::Salesforce(job) => job.into_any(),
            Self::Dsm(job) => job.into_any(),
            Self::ExternalCm(job) => job.into_any(),
            Self::Unknown(job) => job,
        }
    }
}

impl<S: JobScope> ReportUnknowns for SyncJob<S> {
    fn report_unknowns(&self, path: &mut JsonPointer, out: &mut Vec<Unknown>) {
        if !self.overall_status.status().is_known() {
            let value = self.overall_status.as_str().to_owned();
            path.push_unknown(OVERALL_STATUS, UnknownKind::Value(value), out);
        }
        if !self.cloud.is_known() {
            path.push_unknown(CLOUD, UnknownKind::Value(self.cloud.as_str().to_owned()), out);
        }
        path.push_unknown_fields(&self.unknown_fields, out);
    }
}
