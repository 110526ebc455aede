//! The synchronization (or refresh) job record.

use std::fmt;
use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::{self, Deserialize, Deserializer, MapAccess};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::cloud::{Cloud, CloudFamily};
use crate::detailed::DetailedStatus;
use crate::scope::{
    AnyScope, AwsScope, AzureScope, DsmScope, ExternalCmScope, GoogleScope, JobScope, OciScope, SalesforceScope,
    SapScope,
};
use crate::status::OverallStatus;
use crate::timestamp::{self, Rfc3339};
use crate::unknown::{JsonPath, ReportUnknowns, Unknown, UnknownKind};
use crate::wire::{self, Key};

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
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(
    feature = "schemars",
    derive(schemars::JsonSchema),
    schemars(
        rename = "{S}SyncJob",
        description = "A synchronization or refresh job, as the list, start, get and cancel calls \
            return it. Fields not listed here may appear in responses of newer servers and must be \
            accepted."
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
    #[serde(rename = "devAccount")]
    pub dev_account: String,
    /// When the job was created.
    #[serde(rename = "createdAt", serialize_with = "timestamp::serialize")]
    #[cfg_attr(feature = "schemars", schemars(pattern(timestamp::PATTERN)))]
    pub created_at: DateTime<Utc>,
    /// When the job record last changed.
    #[serde(rename = "updatedAt", serialize_with = "timestamp::serialize")]
    #[cfg_attr(feature = "schemars", schemars(pattern(timestamp::PATTERN)))]
    pub updated_at: DateTime<Utc>,
    /// When the job ended; absent while it runs.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "timestamp::serialize_option"
    )]
    #[cfg_attr(feature = "schemars", schemars(pattern(timestamp::PATTERN)))]
    pub completed_at: Option<DateTime<Utc>>,
    /// Overall state of the job, with the server's exact spelling.
    pub overall_status: OverallStatus,
    /// Free-text status per scope item (`<account>/<region>`, `<region>/<vault>::<id>`, key ring,
    /// organization or domain id). Absent on some jobs that are still running.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detailed_status: Option<DetailedStatus>,
    /// The cloud the job ran against.
    pub cloud: Cloud,
    /// The items the job synchronizes (written where the server writes them, before `abort`).
    #[serde(flatten)]
    pub scope: S,
    /// Whether the job was cancelled. Authoritative: a cancelled job keeps its status until it
    /// winds down and may end as `completed` as well as `aborted`.
    pub abort: bool,
    /// Fields this crate does not model, kept verbatim.
    #[serde(flatten)]
    pub unknown_fields: Map<String, Value>,
}

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
    /// Re-reads the job with scope `T`, losing nothing.
    ///
    /// Arrays of `S` that `T` does not have move to [`unknown_fields`](Self::unknown_fields);
    /// unknown fields that are string arrays of `T` move into the scope. Converting back gives
    /// the original job.
    ///
    /// ```
    /// use cckm_sync::{AwsScope, AzureScope, SyncJob};
    ///
    /// # let json = r#"{"id":"0ea5d52e-387c-44fa-b079-21c8b768f77b","uri":"u","account":"a",
    /// #   "application":"p","devAccount":"d","createdAt":"2020-11-05T06:39:45.726289Z",
    /// #   "updatedAt":"2020-11-05T06:39:57.973309Z","overall_status":"completed","cloud":"aws",
    /// #   "kms":["kms"],"regions":["ap-south-1"],"abort":false}"#;
    /// let job: SyncJob = serde_json::from_str(json)?;
    /// let aws = job.clone().into_scope::<AwsScope>();
    /// assert_eq!(aws.scope.regions, Some(vec!["ap-south-1".to_owned()]));
    ///
    /// // A scope without those arrays keeps them as unknown fields.
    /// let azure = job.clone().into_scope::<AzureScope>();
    /// assert!(azure.unknown_fields.contains_key("kms"));
    /// assert_eq!(azure.into_scope(), job);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn into_scope<T: JobScope>(self) -> SyncJob<T> {
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
            mut unknown_fields,
        } = self;
        let mut target = T::default();
        for &field in S::FIELDS {
            let Some(list) = scope.slot_mut(field).and_then(Option::take) else {
                continue;
            };
            match target.slot_mut(field) {
                Some(slot) => *slot = Some(list),
                None => {
                    unknown_fields.insert(field.to_owned(), Value::from(list));
                }
            }
        }
        for &field in T::FIELDS {
            let Some(slot) = target.slot_mut(field) else {
                continue;
            };
            if slot.is_none()
                && let Some(list) = unknown_fields.get(field).and_then(string_array)
            {
                *slot = Some(list);
                unknown_fields.remove(field);
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
            unknown_fields,
        }
    }

    /// Re-reads the job with the scope of its family, from its `cloud`.
    ///
    /// ```
    /// use cckm_sync::{FamilyJob, SyncJob};
    ///
    /// # let json = r#"{"id":"d4cbd38e-845e-4f75-9e71-15280084986e","uri":"u","account":"a",
    /// #   "application":"p","devAccount":"d","createdAt":"2021-03-03T09:22:15.05611Z",
    /// #   "updatedAt":"2021-03-03T09:22:15.636481Z","overall_status":"completed","cloud":"dsm",
    /// #   "domains":["6070915c-0ab4-4e7e-bf4d-31dd31214874"],"abort":false}"#;
    /// let job: SyncJob = serde_json::from_str(json)?;
    /// match job.into_family() {
    ///     FamilyJob::Dsm(job) => assert_eq!(job.scope.domains.unwrap().len(), 1),
    ///     other => panic!("expected a DSM job, got {other:?}"),
    /// }
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn into_family(self) -> FamilyJob {
        match self.family() {
            Some(CloudFamily::Aws) => FamilyJob::Aws(self.into_scope()),
            Some(CloudFamily::Azure) => FamilyJob::Azure(self.into_scope()),
            Some(CloudFamily::Google) => FamilyJob::Google(self.into_scope()),
            Some(CloudFamily::Oci) => FamilyJob::Oci(self.into_scope()),
            Some(CloudFamily::Sap) => FamilyJob::Sap(self.into_scope()),
            Some(CloudFamily::Salesforce) => FamilyJob::Salesforce(self.into_scope()),
            Some(CloudFamily::Dsm) => FamilyJob::Dsm(self.into_scope()),
            Some(CloudFamily::ExternalCm) => FamilyJob::ExternalCm(self.into_scope()),
            None => FamilyJob::Unknown(self.into_scope()),
        }
    }
}

fn string_array(value: &Value) -> Option<Vec<String>> {
    value
        .as_array()?
        .iter()
        .map(|item| item.as_str().map(str::to_owned))
        .collect()
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

impl<'de, S: JobScope> Deserialize<'de> for SyncJob<S> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(JobVisitor(PhantomData))
    }
}

struct JobVisitor<S>(PhantomData<S>);

impl<'de, S: JobScope> de::Visitor<'de> for JobVisitor<S> {
    type Value = SyncJob<S>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a synchronization job object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SyncJob<S>, A::Error> {
        let mut id = None;
        let mut uri = None;
        let mut account = None;
        let mut application = None;
        let mut dev_account = None;
        let mut created_at = None;
        let mut updated_at = None;
        let mut completed_at: Option<Option<Rfc3339>> = None;
        let mut overall_status = None;
        let mut detailed_status = None;
        let mut cloud = None;
        let mut abort = None;
        let mut scope = S::default();
        let mut unknown_fields = Map::new();

        while let Some(Key(key)) = map.next_key()? {
            match &*key {
                "id" => wire::read_once::<_, wire::HyphenatedUuid>(&mut map, &mut id, "id")?,
                "uri" => wire::read_once(&mut map, &mut uri, "uri")?,
                "account" => wire::read_once(&mut map, &mut account, "account")?,
                "application" => wire::read_once(&mut map, &mut application, "application")?,
                "devAccount" => wire::read_once(&mut map, &mut dev_account, "devAccount")?,
                "createdAt" => wire::read_once::<_, Rfc3339>(&mut map, &mut created_at, "createdAt")?,
                "updatedAt" => wire::read_once::<_, Rfc3339>(&mut map, &mut updated_at, "updatedAt")?,
                "completed_at" => wire::read_once(&mut map, &mut completed_at, "completed_at")?,
                "overall_status" => wire::read_once(&mut map, &mut overall_status, "overall_status")?,
                "detailed_status" => wire::read_once(&mut map, &mut detailed_status, "detailed_status")?,
                "cloud" => wire::read_once(&mut map, &mut cloud, "cloud")?,
                "abort" => wire::read_once(&mut map, &mut abort, "abort")?,
                field => match scope.slot_mut(field) {
                    Some(slot) => {
                        if slot.is_some() {
                            return Err(de::Error::custom(format_args!("duplicate field `{field}`")));
                        }
                        *slot = map.next_value()?;
                    }
                    None => wire::keep_unknown(&mut map, &mut unknown_fields, key)?,
                },
            }
        }

        Ok(SyncJob {
            id: wire::required(id, "id")?.0,
            uri: wire::required(uri, "uri")?,
            account: wire::required(account, "account")?,
            application: wire::required(application, "application")?,
            dev_account: wire::required(dev_account, "devAccount")?,
            created_at: wire::required(created_at, "createdAt")?.0,
            updated_at: wire::required(updated_at, "updatedAt")?.0,
            completed_at: completed_at.flatten().map(|time| time.0),
            overall_status: wire::required(overall_status, "overall_status")?,
            detailed_status: detailed_status.flatten(),
            cloud: wire::required(cloud, "cloud")?,
            scope,
            abort: wire::required(abort, "abort")?,
            unknown_fields,
        })
    }
}

impl<S> ReportUnknowns for SyncJob<S> {
    fn report_unknowns(&self, path: &mut JsonPath, out: &mut Vec<Unknown>) {
        if !self.overall_status.status().is_known() {
            let value = self.overall_status.as_str().to_owned();
            path.push_unknown("overall_status", UnknownKind::Value(value), out);
        }
        if !self.cloud.is_known() {
            path.push_unknown("cloud", UnknownKind::Value(self.cloud.as_str().to_owned()), out);
        }
        path.push_unknown_fields(&self.unknown_fields, out);
    }
}
