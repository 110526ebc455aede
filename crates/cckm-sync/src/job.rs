//! The synchronization (or refresh) job record.

use std::fmt;
use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use serde::de::{self, Deserialize, Deserializer, MapAccess};
use serde::ser::{self, Serialize, SerializeMap, Serializer};
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
use crate::timestamp::{self, Rfc3339};
use crate::unknown::{JsonPointer, ReportUnknowns, Unknown, UnknownKind};
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
    /// When the job was created.
    #[cfg_attr(
        feature = "schemars",
        serde(rename = "createdAt"),
        schemars(pattern(timestamp::PATTERN))
    )]
    pub created_at: DateTime<Utc>,
    /// When the job record last changed.
    #[cfg_attr(
        feature = "schemars",
        serde(rename = "updatedAt"),
        schemars(pattern(timestamp::PATTERN))
    )]
    pub updated_at: DateTime<Utc>,
    /// When the job ended; absent (or `null`) while it runs.
    #[cfg_attr(feature = "schemars", schemars(pattern(timestamp::PATTERN)))]
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

impl<S: JobScope> Serialize for SyncJob<S> {
    fn serialize<Z: Serializer>(&self, serializer: Z) -> Result<Z::Ok, Z::Error> {
        let typed = S::typed_fields(Some(&self.cloud));
        let modeled = |key: &str| {
            JOB_FIELDS.contains(&key)
                || typed.contains(&key)
                || self.scope.list(key).is_some()
                || (S::FIELDS.contains(&key) && self.null_fields.contains(key))
        };
        if let Some(key) = self.unknown_fields.first_named(modeled) {
            return Err(ser::Error::custom(format_args!(
                "unknown_fields holds `{key}`, a field the job models: set the field itself"
            )));
        }
        // `null` is written for a field without a value that was `null`; a scope array only
        // where the job's cloud types it, as elsewhere the parser reads it as an unknown field.
        let null = |field: &str| self.null_fields.contains(field);
        let scope_entries = S::FIELDS
            .iter()
            .filter(|field| self.scope.list(field).is_some() || (null(field) && typed.contains(field)));
        let len = 10
            + usize::from(self.completed_at.is_some() || null(COMPLETED_AT))
            + usize::from(self.detailed_status.is_some() || null(DETAILED_STATUS))
            + scope_entries.clone().count()
            + self.unknown_fields.len();
        let mut map = serializer.serialize_map(Some(len))?;
        map.serialize_entry(ID, &self.id)?;
        map.serialize_entry(URI, &self.uri)?;
        map.serialize_entry(ACCOUNT, &self.account)?;
        map.serialize_entry(APPLICATION, &self.application)?;
        map.serialize_entry(DEV_ACCOUNT, &self.dev_account)?;
        map.serialize_entry(CREATED_AT, &Timestamp(&self.created_at))?;
        map.serialize_entry(UPDATED_AT, &Timestamp(&self.updated_at))?;
        match &self.completed_at {
            Some(time) => map.serialize_entry(COMPLETED_AT, &Timestamp(time))?,
            None if null(COMPLETED_AT) => map.serialize_entry(COMPLETED_AT, &())?,
            None => {}
        }
        map.serialize_entry(OVERALL_STATUS, &self.overall_status)?;
        match &self.detailed_status {
            Some(status) => map.serialize_entry(DETAILED_STATUS, status)?,
            None if null(DETAILED_STATUS) => map.serialize_entry(DETAILED_STATUS, &())?,
            None => {}
        }
        map.serialize_entry(CLOUD, &self.cloud)?;
        for field in scope_entries {
            map.serialize_entry(field, &self.scope.list(field))?;
        }
        map.serialize_entry(ABORT, &self.abort)?;
        self.unknown_fields.serialize_entries(&mut map)?;
        map.end()
    }
}

/// A timestamp written as the server writes it.
struct Timestamp<'a>(&'a DateTime<Utc>);

impl Serialize for Timestamp<'_> {
    fn serialize<Z: Serializer>(&self, serializer: Z) -> Result<Z::Ok, Z::Error> {
        timestamp::serialize(self.0, serializer)
    }
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
        let mut completed_at = None;
        let mut overall_status = None;
        let mut detailed_status = None;
        let mut cloud: Option<Cloud> = None;
        let mut abort = None;
        let mut scope = S::default();
        let mut null_fields = NullFields::new();
        let mut unknown_fields = UnknownFields::new();
        // Every occurrence of a field that `AnyScope` types for some clouds, read before
        // `cloud`: kept raw, and in `unknown_fields` for its place, until the cloud says.
        let mut pending: Vec<(&'static str, RawJson)> = Vec::new();

        while let Some(Key(key)) = map.next_key()? {
            match &*key {
                ID => id = Some(map.next_value::<wire::HyphenatedUuid>()?.0),
                URI => uri = Some(map.next_value()?),
                ACCOUNT => account = Some(map.next_value()?),
                APPLICATION => application = Some(map.next_value()?),
                DEV_ACCOUNT => dev_account = Some(map.next_value()?),
                CREATED_AT => created_at = Some(map.next_value::<Rfc3339>()?.0),
                UPDATED_AT => updated_at = Some(map.next_value::<Rfc3339>()?.0),
                COMPLETED_AT => {
                    completed_at = map.next_value::<Option<Rfc3339>>()?.map(|time| time.0);
                    null_fields.set(COMPLETED_AT, completed_at.is_none());
                }
                OVERALL_STATUS => overall_status = Some(map.next_value()?),
                DETAILED_STATUS => {
                    detailed_status = map.next_value()?;
                    null_fields.set(DETAILED_STATUS, detailed_status.is_none());
                }
                CLOUD => {
                    let read = map.next_value_seed(CloudSeed(S::FAMILY))?;
                    let typed = S::typed_fields(Some(&read));
                    if let Some(previous) = &cloud {
                        // A repeated `cloud` (the last wins) may type other arrays than the
                        // one before it did.
                        let before = S::typed_fields(Some(previous));
                        retype(&mut scope, &mut null_fields, &mut unknown_fields, before, typed)?;
                    }
                    for (field, raw) in pending.drain(..) {
                        if typed.contains(&field) {
                            unknown_fields.remove(field);
                            let list: Option<Vec<String>> = wire::parse_raw_field(&raw, field)?;
                            set_scope(&mut scope, &mut null_fields, field, list);
                        }
                    }
                    cloud = Some(read);
                }
                ABORT => abort = Some(map.next_value()?),
                other => match S::field_name(other) {
                    Some(field) if cloud.is_none() && S::FAMILY.is_none() => {
                        let raw: RawJson = map.next_value()?;
                        unknown_fields.insert(field, raw.clone());
                        pending.push((field, raw));
                    }
                    Some(field) if S::typed_fields(cloud.as_ref()).contains(&field) => {
                        let list = map.next_value::<Option<Vec<String>>>()?;
                        set_scope(&mut scope, &mut null_fields, field, list);
                    }
                    _ => {
                        let value: RawJson = map.next_value()?;
                        unknown_fields.insert(key.into_owned(), value);
                    }
                },
            }
        }

        Ok(SyncJob {
            id: wire::required(id, ID)?,
            uri: wire::required(uri, URI)?,
            account: wire::required(account, ACCOUNT)?,
            application: wire::required(application, APPLICATION)?,
            dev_account: wire::required(dev_account, DEV_ACCOUNT)?,
            created_at: wire::required(created_at, CREATED_AT)?,
            updated_at: wire::required(updated_at, UPDATED_AT)?,
            completed_at,
            overall_status: wire::required(overall_status, OVERALL_STATUS)?,
            detailed_status,
            cloud: wire::required(cloud, CLOUD)?,
            scope,
            abort: wire::required(abort, ABORT)?,
            null_fields,
            unknown_fields,
        })
    }
}

/// Moves the scope arrays typed by a cloud (`before`) but not by the cloud that replaces it
/// (`after`) to the unknown fields, and the unknown fields typed by `after` only into the
/// scope, checking them.
fn retype<S: JobScope, E: de::Error>(
    scope: &mut S,
    null_fields: &mut NullFields,
    unknown_fields: &mut UnknownFields,
    before: &[&'static str],
    after: &[&'static str],
) -> Result<(), E> {
    for &field in S::FIELDS {
        match (before.contains(&field), after.contains(&field)) {
            (true, false) => {
                let list = scope.slot_mut(field).and_then(Option::take);
                let null = null_fields.remove(field);
                let raw = match list {
                    Some(list) => RawJson::from_serialize(&list).map_err(E::custom)?,
                    None if null => RawJson::null(),
                    None => continue,
                };
                unknown_fields.insert(field, raw);
            }
            (false, true) => {
                if let Some(raw) = unknown_fields.remove(field) {
                    let list: Option<Vec<String>> = wire::parse_raw_field(&raw, field)?;
                    set_scope(scope, null_fields, field, list);
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Stores a scope array read from the wire: `None` for `null`.
fn set_scope<S: JobScope>(scope: &mut S, null_fields: &mut NullFields, field: &'static str, list: Option<Vec<String>>) {
    null_fields.set(field, list.is_none());
    if let Some(slot) = scope.slot_mut(field) {
        *slot = list;
    }
}

/// Reads `cloud`, refusing a cloud of another family than the expected one, if any. The
/// check runs inside the value, so the error names `/cloud`.
struct CloudSeed(Option<CloudFamily>);

impl<'de> de::DeserializeSeed<'de> for CloudSeed {
    type Value = Cloud;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Cloud, D::Error> {
        let cloud = Cloud::deserialize(deserializer)?;
        match (self.0, cloud.family()) {
            (Some(expected), Some(family)) if family != expected => Err(de::Error::custom(format_args!(
                "{:?} is the cloud of {family} jobs, not of {expected} jobs",
                cloud.as_str()
            ))),
            _ => Ok(cloud),
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

#[cfg(feature = "schemars")]
mod schema {
    use schemars::Schema;
    use serde_json::{Map, Value, json};

    use crate::cloud::CloudFamily;
    use crate::scope::JobScope;

    /// Completes the derived schema of `SyncJob<S>` with what depends on the scope type: a
    /// family job's `cloud` is not the cloud of another family; a job of any family types
    /// each scope array for the clouds of the families that have it, and only for those.
    pub(super) fn finish<S: JobScope>(schema: &mut Schema) {
        match S::FAMILY {
            Some(family) => refuse_other_clouds(schema, family),
            None => type_scope_by_cloud::<S>(schema),
        }
    }

    fn refuse_other_clouds(schema: &mut Schema, family: CloudFamily) {
        // One `pattern` under `not`, rather than `not` over an `anyOf` of the other families'
        // clouds: openapi-generator turns a composed schema under `not` into a model of its
        // own (`AwsSyncJobCloudNot`), while a plain string schema stays an annotation of the
        // `cloud` string. Both refuse the same strings.
        let others = CloudFamily::ALL
            .into_iter()
            .filter(|other| *other != family)
            .map(crate::cloud::family_clouds_regex)
            .collect::<Vec<String>>()
            .join("|");
        if let Some(Value::Object(cloud)) = schema
            .get_mut("properties")
            .and_then(|properties| properties.get_mut(super::CLOUD))
        {
            cloud.insert(
                "description".into(),
                format!("The cloud the job ran against: not a cloud of another family than {family}.").into(),
            );
            // `type` beside `pattern`, as strict validators (Ajv's `strictTypes`) require.
            cloud.insert(
                "not".into(),
                json!({"type": "string", "pattern": format!("^({others})")}),
            );
        }
    }

    fn type_scope_by_cloud<S: JobScope>(schema: &mut Schema) {
        let mut arrays = Map::new();
        if let Some(Value::Object(properties)) = schema.get_mut("properties") {
            for field in S::FIELDS {
                if let Some(array) = properties.remove(*field) {
                    arrays.insert((*field).to_owned(), array);
                }
            }
        }
        // For each family: its cloud is not this job's, or its arrays have their types.
        let implications: Vec<Value> = CloudFamily::ALL
            .into_iter()
            .map(|family| {
                let typed: Map<String, Value> = family
                    .spec()
                    .job_scope_fields
                    .iter()
                    .filter_map(|field| Some(((*field).to_owned(), arrays.get(*field)?.clone())))
                    .collect();
                json!({
                    "anyOf": [
                        {
                            "not": {
                                "required": [super::CLOUD],
                                "properties": {super::CLOUD: crate::cloud::family_clouds_schema(family)}
                            }
                        },
                        {"properties": typed}
                    ]
                })
            })
            .collect();
        schema.insert("allOf".into(), implications.into());
        if let Some(Value::String(description)) = schema.get_mut("description") {
            description.push_str(
                " The scope arrays (`kms`, `regions`, `key_vaults`, `key_rings`, `vaults`, `groups`, \
                 `domains`) are typed for the jobs of the families that have them; on any other \
                 cloud they are fields this contract does not know, of any value.",
            );
        }
    }
}
