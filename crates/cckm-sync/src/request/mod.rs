//! The body of a start request (`POST <base>`): which items a new job synchronizes.
//!
//! A start request names either a non-empty list of scope items under the family's field
//! (`kms`, `key_vaults`, `key_rings`, `vaults`, `groups`, `organization_ids` or `domains`,
//! see [`FamilySpec::start_scope_field`](crate::endpoints::FamilySpec::start_scope_field)) or
//! `"synchronize_all": true`, never both and never neither. [`Target`] makes that choice a
//! type, so a [`StartJob`] cannot hold an invalid combination.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, MapAccess};
use serde::ser::{self, Serialize, SerializeMap, Serializer};

use crate::fields::{NullFields, UnknownFields};
use crate::raw::RawJson;
use crate::scope::{
    AwsScope, AzureScope, DsmScope, ExternalCmScope, FamilyScope, GoogleScope, OciScope, SalesforceScope, SapScope,
};
use crate::unknown::{JsonPointer, ReportUnknowns, Unknown};
use crate::wire::{Key, RequestListSeed};

mod items;
pub(crate) mod options;
#[cfg(feature = "schemars")]
mod schema;

pub use items::{ScopeItems, StartError, Target};
pub use options::{AwsStartOptions, AzureStartOptions, NoStartOptions, StartOptions};

/// Name of the start-request flag that selects every item instead of a scope list.
pub const SYNCHRONIZE_ALL: &str = "synchronize_all";

/// The [`target`](Self::target) is either a non-empty list of items, written under the
/// family's scope field, or every item (`"synchronize_all": true`); the type cannot hold
/// both or neither. [`options`](Self::options) are the family's optional fields (AWS
/// `regions`, Azure `take_cloud_key_backup`); fields this crate does not model are kept in
/// The body of a start request of one family: `POST <base>` of each of its endpoints.
///
/// The [`target`](Self::target) is either a non-empty list of items, written under the
/// family's scope field, or every item (`"synchronize_all": true`); the type cannot hold
/// both or neither. [`options`](Self::options) are the family's optional fields (AWS
/// `regions`, Azure `take_cloud_key_backup`); fields this crate does not model are kept in
/// [`unknown_fields`](Self::unknown_fields) and written back.
///
/// ```
/// use cckm_sync::{AwsStartJob, AzureStartJob, SalesforceStartJob, Target};
///
/// let aws = AwsStartJob::items(["kms-1"])?.regions(["us-east-1"])?;
/// assert_eq!(serde_json::to_string(&aws)?, r#"{"kms":["kms-1"],"regions":["us-east-1"]}"#);
///
/// let azure = AzureStartJob::all().take_cloud_key_backup(true);
/// assert_eq!(
///     serde_json::to_string(&azure)?,
///     r#"{"synchronize_all":true,"take_cloud_key_backup":true}"#,
/// );
///
/// // Salesforce names its scope list `organization_ids` in a start request.
/// let salesforce: SalesforceStartJob =
///     cckm_sync::from_str(r#"{"organization_ids": ["00D5j000000XXXXEAA"]}"#)?;
/// assert_eq!(salesforce.target.items(), Some(&["00D5j000000XXXXEAA".to_owned()][..]));
///
/// // Both, or neither, is refused with the reason.
/// let error = cckm_sync::from_str::<AwsStartJob>(r#"{"kms": ["kms-1"], "synchronize_all": true}"#)
///     .unwrap_err();
/// assert_eq!(
///     error.to_string(),
///     "(document): `kms` and `synchronize_all` are mutually exclusive at line 1 column 43",
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Reading, as the server's Go decoder does
///
/// - `null` is "no value" for every field: `{"kms": ["k"], "synchronize_all": null}` lists
///   items, `{"kms": null, "synchronize_all": true}` takes every item, `"regions": null` every
///   region. (Go reads `null` into a bool, a list or a pointer as its zero value, without
///   error.)
/// - `"synchronize_all": false` next to a list means the same as leaving it out.
/// - A repeated field: every occurrence must have the right type and be valid, and the last
///   one counts.
/// - A list must hold one item at least, none empty; an error names the item (`/kms/1`).
///
/// What was sent as `null`, or as `"synchronize_all": false`, is remembered and written back,
/// so that every request round-trips unchanged. Writing fails if
/// [`unknown_fields`](Self::unknown_fields) holds the name of a field this type models (the
/// scope field, `synchronize_all` or an option).
pub struct StartJob<S: FamilyScope> {
    /// Every item, or the listed items.
    pub target: Target,
    /// The family's optional fields.
    pub options: S::StartOptions,
    /// Fields this crate does not model, kept verbatim.
    pub unknown_fields: UnknownFields,
    /// How the request spelled the fields it sent without a value.
    spelling: Spelling,
}

/// The fields of a start request that were sent without a value: `null` for any of them,
/// `false` for `synchronize_all` next to a list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Spelling {
    nulls: NullFields,
    synchronize_all_false: bool,
}

/// A start request of the AWS key and custom key store endpoints: `kms`, optional `regions`.
pub type AwsStartJob = StartJob<AwsScope>;
/// A start request of the Azure key, certificate and secret endpoints: `key_vaults`,
/// optional `take_cloud_key_backup`.
pub type AzureStartJob = StartJob<AzureScope>;
/// A start request of the Google Cloud endpoint: `key_rings`.
pub type GoogleStartJob = StartJob<GoogleScope>;
/// A start request of the Oracle Cloud Infrastructure endpoint: `vaults`.
pub type OciStartJob = StartJob<OciScope>;
/// A start request of the SAP Data Custodian endpoint: `groups`.
pub type SapStartJob = StartJob<SapScope>;
/// A start request of the Salesforce key and certificate endpoints: `organization_ids`.
pub type SalesforceStartJob = StartJob<SalesforceScope>;
/// A start request of the Data Security Manager refresh endpoint: `domains`.
pub type DsmStartJob = StartJob<DsmScope>;
/// A start request of the external CipherTrust Manager refresh endpoint: `domains`.
pub type ExternalCmStartJob = StartJob<ExternalCmScope>;

impl<S: FamilyScope> Clone for StartJob<S> {
    fn clone(&self) -> Self {
        Self {
            target: self.target.clone(),
            options: self.options.clone(),
            unknown_fields: self.unknown_fields.clone(),
            spelling: self.spelling.clone(),
        }
    }
}

impl<S: FamilyScope> fmt::Debug for StartJob<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StartJob")
            .field("target", &self.target)
            .field("options", &self.options)
            .field("unknown_fields", &self.unknown_fields)
            .field("null_fields", &self.spelling.nulls)
            .finish()
    }
}

impl<S: FamilyScope> PartialEq for StartJob<S> {
    fn eq(&self, other: &Self) -> bool {
        self.target == other.target
            && self.options == other.options
            && self.unknown_fields == other.unknown_fields
            && self.spelling == other.spelling
    }
}

impl<S: FamilyScope> Eq for StartJob<S> {}

impl<S: FamilyScope> StartJob<S> {
    /// A request for every item (`"synchronize_all": true`), without options.
    ///
    /// ```
    /// use cckm_sync::ExternalCmStartJob;
    ///
    /// let json = serde_json::to_string(&ExternalCmStartJob::all())?;
    /// assert_eq!(json, r#"{"synchronize_all":true}"#);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn all() -> Self {
        Self::new(Target::All)
    }

    /// A request for the listed items, without options; fails if there is no item or if
    /// one is an empty string.
    ///
    /// ```
    /// use cckm_sync::{GoogleStartJob, StartError};
    ///
    /// let job = GoogleStartJob::items(["projects/p/locations/global/keyRings/ring"])?;
    /// assert_eq!(
    ///     serde_json::to_string(&job)?,
    ///     r#"{"key_rings":["projects/p/locations/global/keyRings/ring"]}"#,
    /// );
    /// assert_eq!(GoogleStartJob::items([""]), Err(StartError::EmptyItem { index: 0 }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn items<I>(items: I) -> Result<Self, StartError>
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        ScopeItems::new(items).map(|items| Self::new(Target::Items(items)))
    }

    /// A request for `target`, without options.
    pub fn new(target: Target) -> Self {
        Self {
            target,
            options: S::StartOptions::default(),
            unknown_fields: UnknownFields::new(),
            spelling: Spelling::default(),
        }
    }

    /// The fields the request sent as `null` (and so left unset), which are written back as
    /// `null`; empty for a request built in code.
    ///
    /// ```
    /// use cckm_sync::AwsStartJob;
    ///
    /// let job: AwsStartJob = cckm_sync::from_str(r#"{"kms": ["k1"], "regions": null, "synchronize_all": null}"#)?;
    /// assert_eq!(job, AwsStartJob::items(["k1"])?.with_null_fields(job.null_fields().clone()));
    /// assert_eq!(job.null_fields().iter().collect::<Vec<_>>(), ["regions", "synchronize_all"]);
    /// assert_eq!(serde_json::to_string(&job)?, r#"{"kms":["k1"],"synchronize_all":null,"regions":null}"#);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn null_fields(&self) -> &NullFields {
        &self.spelling.nulls
    }

    /// The same request, written with `null` for the unset fields named in `nulls`.
    pub fn with_null_fields(mut self, nulls: NullFields) -> Self {
        self.spelling.nulls = nulls;
        self
    }

    /// The wire name of this family's scope list, such as `kms`.
    pub fn scope_field() -> &'static str {
        S::FAMILY_ID.spec().start_scope_field
    }

    /// Whether a key is one this type models, so not an unknown field.
    fn is_modeled(key: &str) -> bool {
        key == Self::scope_field() || key == SYNCHRONIZE_ALL || S::StartOptions::FIELDS.contains(&key)
    }
}

impl StartJob<AwsScope> {
    /// Limits the request to these AWS regions; fails if there is none or if one is an
    /// empty string. Without it, every region is synchronized.
    ///
    /// ```
    /// use cckm_sync::AwsStartJob;
    ///
    /// let job = AwsStartJob::all().regions(["us-east-1", "eu-west-1"])?;
    /// assert_eq!(
    ///     serde_json::to_string(&job)?,
    ///     r#"{"synchronize_all":true,"regions":["us-east-1","eu-west-1"]}"#,
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn regions<I>(mut self, regions: I) -> Result<Self, StartError>
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.options.regions = Some(ScopeItems::new(regions)?);
        Ok(self)
    }
}

impl StartJob<AzureScope> {
    /// Sets `take_cloud_key_backup`.
    ///
    /// ```
    /// use cckm_sync::AzureStartJob;
    ///
    /// let job = AzureStartJob::items(["vault-1::0123"])?.take_cloud_key_backup(false);
    /// assert_eq!(
    ///     serde_json::to_string(&job)?,
    ///     r#"{"key_vaults":["vault-1::0123"],"take_cloud_key_backup":false}"#,
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn take_cloud_key_backup(mut self, backup: bool) -> Self {
        self.options.take_cloud_key_backup = Some(backup);
        self
    }
}

impl<S: FamilyScope> Serialize for StartJob<S> {
    fn serialize<Z: Serializer>(&self, serializer: Z) -> Result<Z::Ok, Z::Error> {
        if let Some(key) = self.unknown_fields.first_named(Self::is_modeled) {
            return Err(ser::Error::custom(format_args!(
                "unknown_fields holds `{key}`, a field the start request models: set the field itself"
            )));
        }
        let nulls = &self.spelling.nulls;
        let mut map = serializer.serialize_map(None)?;
        match &self.target {
            Target::All => {
                map.serialize_entry(SYNCHRONIZE_ALL, &true)?;
                if nulls.contains(Self::scope_field()) {
                    map.serialize_entry(Self::scope_field(), &())?;
                }
            }
            Target::Items(items) => {
                map.serialize_entry(Self::scope_field(), items)?;
                if self.spelling.synchronize_all_false {
                    map.serialize_entry(SYNCHRONIZE_ALL, &false)?;
                } else if nulls.contains(SYNCHRONIZE_ALL) {
                    map.serialize_entry(SYNCHRONIZE_ALL, &())?;
                }
            }
        }
        self.options.serialize_entries(&mut map, nulls)?;
        self.unknown_fields.serialize_entries(&mut map)?;
        map.end()
    }
}

impl<'de, S: FamilyScope> Deserialize<'de> for StartJob<S> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(StartVisitor(PhantomData))
    }
}

struct StartVisitor<S>(PhantomData<S>);

impl<'de, S: FamilyScope> de::Visitor<'de> for StartVisitor<S> {
    type Value = StartJob<S>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a start request object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StartJob<S>, A::Error> {
        let field = StartJob::<S>::scope_field();
        let mut list: Option<Vec<String>> = None;
        let mut all: Option<bool> = None;
        let mut options = S::StartOptions::default();
        let mut nulls = NullFields::new();
        let mut unknown_fields = UnknownFields::new();

        while let Some(Key(key)) = map.next_key()? {
            if key == field {
                list = map.next_value_seed(RequestListSeed {
                    empty_hint: "list one item at least, or send `\"synchronize_all\": true` for every item",
                })?;
                nulls.set(field, list.is_none());
            } else if key == SYNCHRONIZE_ALL {
                all = map.next_value()?;
                nulls.set(SYNCHRONIZE_ALL, all.is_none());
            } else if !options.visit_field(&key, &mut map, &mut nulls)? {
                let value: RawJson = map.next_value()?;
                unknown_fields.insert(key.into_owned(), value);
            }
        }

        let target = match (list, all) {
            (Some(items), None | Some(false)) => Target::Items(ScopeItems(items)),
            (None, Some(true)) => Target::All,
            (Some(_), Some(true)) => {
                return Err(de::Error::custom(format_args!(
                    "`{field}` and `{SYNCHRONIZE_ALL}` are mutually exclusive"
                )));
            }
            (None, None | Some(false)) => {
                return Err(de::Error::custom(format_args!(
                    "expected `{field}` (a non-empty list) or `{SYNCHRONIZE_ALL}: true`"
                )));
            }
        };
        let synchronize_all_false = all == Some(false);
        Ok(StartJob {
            target,
            options,
            unknown_fields,
            spelling: Spelling {
                nulls,
                synchronize_all_false,
            },
        })
    }
}

impl<S: FamilyScope> ReportUnknowns for StartJob<S> {
    fn report_unknowns(&self, path: &mut JsonPointer, out: &mut Vec<Unknown>) {
        path.push_unknown_fields(&self.unknown_fields, out);
    }
}
