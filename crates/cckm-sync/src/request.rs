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

use crate::endpoints::SYNCHRONIZE_ALL;
use crate::fields::{NullFields, UnknownFields};
use crate::raw::RawJson;
use crate::scope::{
    AwsScope, AzureScope, DsmScope, ExternalCmScope, FamilyScope, GoogleScope, OciScope, SalesforceScope, SapScope,
};
use crate::unknown::{JsonPointer, ReportUnknowns, Unknown};
use crate::wire::{Key, RequestListSeed};

/// Why a start request could not be built.
///
/// ```
/// use cckm_sync::{AwsStartJob, StartError};
///
/// assert_eq!(AwsStartJob::items(Vec::<String>::new()), Err(StartError::EmptyList));
/// assert_eq!(AwsStartJob::items(["kms-1", ""]), Err(StartError::EmptyItem { index: 1 }));
/// assert_eq!(
///     StartError::EmptyItem { index: 1 }.to_string(),
///     "item 1 of a start request list is an empty string",
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StartError {
    /// A list has no item. A scope list selects at least one item (use [`StartJob::all`] for
    /// every item) and an AWS `regions` list at least one region (leave it out for every
    /// region).
    EmptyList,
    /// Item `index` (from 0) of a list is an empty string.
    EmptyItem {
        /// Position of the empty item in the list, from 0.
        index: usize,
    },
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EmptyList => f.write_str("a start request list must hold at least one item"),
            Self::EmptyItem { index } => write!(f, "item {index} of a start request list is an empty string"),
        }
    }
}

impl std::error::Error for StartError {}

/// A non-empty list of non-empty strings, such as the scope items of a start request.
///
/// ```
/// use cckm_sync::{ScopeItems, StartError};
///
/// let items = ScopeItems::new(["kms-1", "kms-2"])?;
/// assert_eq!(items.as_slice(), ["kms-1", "kms-2"]);
/// assert_eq!(ScopeItems::new([""; 0]), Err(StartError::EmptyList));
/// # Ok::<(), StartError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ScopeItems(Vec<String>);

impl ScopeItems {
    /// Collects `items`; fails if there is none or if one is an empty string.
    pub fn new<I>(items: I) -> Result<Self, StartError>
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        Self::try_from(items.into_iter().map(Into::into).collect::<Vec<String>>())
    }

    /// The items, in order.
    pub fn as_slice(&self) -> &[String] {
        &self.0
    }

    /// The items, in order.
    pub fn into_vec(self) -> Vec<String> {
        self.0
    }
}

impl TryFrom<Vec<String>> for ScopeItems {
    type Error = StartError;

    /// Takes `items`; fails if there is none or if one is an empty string.
    fn try_from(items: Vec<String>) -> Result<Self, StartError> {
        check_list(&items)?;
        Ok(Self(items))
    }
}

impl AsRef<[String]> for ScopeItems {
    fn as_ref(&self) -> &[String] {
        &self.0
    }
}

impl From<ScopeItems> for Vec<String> {
    fn from(items: ScopeItems) -> Self {
        items.0
    }
}

impl IntoIterator for ScopeItems {
    type Item = String;
    type IntoIter = std::vec::IntoIter<String>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a ScopeItems {
    type Item = &'a String;
    type IntoIter = std::slice::Iter<'a, String>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl Serialize for ScopeItems {
    fn serialize<Z: Serializer>(&self, serializer: Z) -> Result<Z::Ok, Z::Error> {
        self.0.serialize(serializer)
    }
}

fn check_list(items: &[String]) -> Result<(), StartError> {
    if items.is_empty() {
        return Err(StartError::EmptyList);
    }
    match items.iter().position(String::is_empty) {
        Some(index) => Err(StartError::EmptyItem { index }),
        None => Ok(()),
    }
}

/// What a start request selects: every item, or a list of items.
///
/// ```
/// use cckm_sync::{ScopeItems, Target};
///
/// let target = Target::Items(ScopeItems::new(["kms-1"])?);
/// assert_eq!(target.items(), Some(&["kms-1".to_owned()][..]));
/// assert_eq!(Target::All.items(), None);
/// # Ok::<(), cckm_sync::StartError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// Every item the connection reaches: `"synchronize_all": true`.
    All,
    /// These items, under the family's scope field (`kms`, `key_vaults`, …).
    Items(ScopeItems),
}

impl Target {
    /// Whether this is [`Target::All`].
    pub fn is_all(&self) -> bool {
        matches!(self, Self::All)
    }

    /// The listed items; `None` for [`Target::All`].
    pub fn items(&self) -> Option<&[String]> {
        match self {
            Self::All => None,
            Self::Items(items) => Some(items.as_slice()),
        }
    }
}

mod sealed {
    pub trait Sealed {}
}

/// The optional fields of one family's start request, besides the scope: see
/// [`AwsStartOptions`], [`AzureStartOptions`] and [`NoStartOptions`].
///
/// Sealed: the set of option types is part of this crate's contract. The hidden methods are
/// used by [`StartJob`]'s serializer, deserializer and schema.
pub trait StartOptions: sealed::Sealed + Clone + Default + fmt::Debug + PartialEq + Eq + 'static {
    /// The wire names of the fields, in serialization order.
    const FIELDS: &'static [&'static str];

    /// Reads the value of `key` from `map` if `key` is one of [`FIELDS`](Self::FIELDS), and
    /// says whether it did. A `null` leaves the field unset and is recorded in `nulls`; a
    /// repeated field keeps its last value.
    #[doc(hidden)]
    fn visit_field<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
        nulls: &mut NullFields,
    ) -> Result<bool, A::Error>;

    /// Writes the fields that are set, and `null` for those unset that are in `nulls`.
    #[doc(hidden)]
    fn serialize_entries<M: SerializeMap>(&self, map: &mut M, nulls: &NullFields) -> Result<(), M::Error>;

    /// Adds the JSON Schema of every field to `properties`.
    #[cfg(feature = "schemars")]
    #[doc(hidden)]
    fn add_schema_properties(
        generator: &mut schemars::SchemaGenerator,
        properties: &mut serde_json::Map<String, serde_json::Value>,
    );
}

const REGIONS: &str = "regions";
const TAKE_CLOUD_KEY_BACKUP: &str = "take_cloud_key_backup";

/// The optional fields of an AWS start request.
///
/// ```
/// use cckm_sync::{AwsStartOptions, StartOptions};
///
/// assert_eq!(AwsStartOptions::FIELDS, ["regions"]);
/// assert_eq!(AwsStartOptions::default().regions, None);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AwsStartOptions {
    /// AWS regions to synchronize; `None` (the field left out, or `null`) synchronizes every
    /// region of the selected KMS resources. When set, it lists at least one region, none
    /// empty.
    pub regions: Option<ScopeItems>,
}

impl sealed::Sealed for AwsStartOptions {}

impl StartOptions for AwsStartOptions {
    const FIELDS: &'static [&'static str] = &[REGIONS];

    fn visit_field<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
        nulls: &mut NullFields,
    ) -> Result<bool, A::Error> {
        if key != REGIONS {
            return Ok(false);
        }
        let regions = map.next_value_seed(RequestListSeed {
            empty_hint: "list one region at least, or leave `regions` out for every region",
        })?;
        nulls.set(REGIONS, regions.is_none());
        self.regions = regions.map(ScopeItems);
        Ok(true)
    }

    fn serialize_entries<M: SerializeMap>(&self, map: &mut M, nulls: &NullFields) -> Result<(), M::Error> {
        match &self.regions {
            Some(regions) => map.serialize_entry(REGIONS, regions),
            None if nulls.contains(REGIONS) => map.serialize_entry(REGIONS, &()),
            None => Ok(()),
        }
    }

    #[cfg(feature = "schemars")]
    fn add_schema_properties(
        _: &mut schemars::SchemaGenerator,
        properties: &mut serde_json::Map<String, serde_json::Value>,
    ) {
        properties.insert(
            REGIONS.to_owned(),
            serde_json::json!({
                "description": "AWS regions to synchronize. Leave the field out (or send \
                    `null`) to synchronize every region of the selected KMS resources.",
                "type": ["array", "null"],
                "items": {"type": "string", "minLength": 1},
                "minItems": 1
            }),
        );
    }
}

/// The optional fields of an Azure start request.
///
/// ```
/// use cckm_sync::{AzureStartOptions, StartOptions};
///
/// assert_eq!(AzureStartOptions::FIELDS, ["take_cloud_key_backup"]);
/// assert_eq!(AzureStartOptions::default().take_cloud_key_backup, None);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AzureStartOptions {
    /// Whether to take a backup of each cloud key while synchronizing; `None` (the field
    /// left out, or `null`) lets the server decide.
    pub take_cloud_key_backup: Option<bool>,
}

impl sealed::Sealed for AzureStartOptions {}

impl StartOptions for AzureStartOptions {
    const FIELDS: &'static [&'static str] = &[TAKE_CLOUD_KEY_BACKUP];

    fn visit_field<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
        nulls: &mut NullFields,
    ) -> Result<bool, A::Error> {
        if key != TAKE_CLOUD_KEY_BACKUP {
            return Ok(false);
        }
        self.take_cloud_key_backup = map.next_value()?;
        nulls.set(TAKE_CLOUD_KEY_BACKUP, self.take_cloud_key_backup.is_none());
        Ok(true)
    }

    fn serialize_entries<M: SerializeMap>(&self, map: &mut M, nulls: &NullFields) -> Result<(), M::Error> {
        match self.take_cloud_key_backup {
            Some(backup) => map.serialize_entry(TAKE_CLOUD_KEY_BACKUP, &backup),
            None if nulls.contains(TAKE_CLOUD_KEY_BACKUP) => map.serialize_entry(TAKE_CLOUD_KEY_BACKUP, &()),
            None => Ok(()),
        }
    }

    #[cfg(feature = "schemars")]
    fn add_schema_properties(
        _: &mut schemars::SchemaGenerator,
        properties: &mut serde_json::Map<String, serde_json::Value>,
    ) {
        properties.insert(
            TAKE_CLOUD_KEY_BACKUP.to_owned(),
            serde_json::json!({
                "description": "Whether to take a backup of each cloud key while \
                    synchronizing. Leave the field out (or send `null`) to let the server decide.",
                "type": ["boolean", "null"]
            }),
        );
    }
}

/// The options of a family whose start request has none besides the scope.
///
/// ```
/// use cckm_sync::{NoStartOptions, StartOptions};
///
/// assert!(NoStartOptions::FIELDS.is_empty());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct NoStartOptions;

impl sealed::Sealed for NoStartOptions {}

impl StartOptions for NoStartOptions {
    const FIELDS: &'static [&'static str] = &[];

    fn visit_field<'de, A: MapAccess<'de>>(
        &mut self,
        _: &str,
        _: &mut A,
        _: &mut NullFields,
    ) -> Result<bool, A::Error> {
        Ok(false)
    }

    fn serialize_entries<M: SerializeMap>(&self, _: &mut M, _: &NullFields) -> Result<(), M::Error> {
        Ok(())
    }

    #[cfg(feature = "schemars")]
    fn add_schema_properties(_: &mut schemars::SchemaGenerator, _: &mut serde_json::Map<String, serde_json::Value>) {}
}

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

#[cfg(feature = "schemars")]
mod schema {
    use std::borrow::Cow;
    use std::marker::PhantomData;

    use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
    use serde_json::{Map, Value, json};

    use super::{StartJob, StartOptions};
    use crate::endpoints::SYNCHRONIZE_ALL;
    use crate::scope::FamilyScope;

    impl<S: FamilyScope + JsonSchema> JsonSchema for StartJob<S> {
        fn schema_name() -> Cow<'static, str> {
            format!("{}StartJob", S::schema_name()).into()
        }

        fn schema_id() -> Cow<'static, str> {
            format!("cckm_sync::StartJob<{}>", S::schema_id()).into()
        }

        fn json_schema(generator: &mut SchemaGenerator) -> Schema {
            // The two branches mirror `Target`: the listed items, or every item. Each is a
            // whole object type of its own, referred to by name, so that generated clients
            // get a named type per branch (`AwsStartJobItems`, `AwsStartJobAll`) rather than
            // numbered inline ones. One branch requires the list and the other forbids it, so
            // at most one matches: `anyOf` says as much as `oneOf` without asking validators
            // to prove it.
            let field = StartJob::<S>::scope_field();
            json_schema!({
                "description": format!(
                    "Body of a start request: either `{field}`, a non-empty list of the items to \
                     synchronize, or `\"{SYNCHRONIZE_ALL}\": true` for every item; exactly one of \
                     them. Fields not described here are allowed and kept."
                ),
                "anyOf": [
                    generator.subschema_for::<Branch<S, false>>(),
                    generator.subschema_for::<Branch<S, true>>()
                ]
            })
        }
    }

    /// One branch of a start request's schema: the listed items (`ALL` false), or every item.
    /// It exists only to give each branch a name of its own.
    struct Branch<S, const ALL: bool>(PhantomData<S>);

    impl<S: FamilyScope + JsonSchema, const ALL: bool> JsonSchema for Branch<S, ALL> {
        fn schema_name() -> Cow<'static, str> {
            let which = if ALL { "All" } else { "Items" };
            format!("{}{which}", StartJob::<S>::schema_name()).into()
        }

        fn schema_id() -> Cow<'static, str> {
            format!("cckm_sync::StartJob<{}>::{}", S::schema_id(), Self::schema_name()).into()
        }

        fn json_schema(generator: &mut SchemaGenerator) -> Schema {
            // Each branch says what it requires and what it forbids, and stands alone as a
            // type. A field without a value may be left out or sent as `null`, which the
            // server's Go decoder reads as no value: the list of the `All` branch is typed
            // `null` (rather than forbidden with a `false` schema, which some generators
            // refuse), and `synchronize_all` of the `Items` branch is `false` or `null`.
            let field = StartJob::<S>::scope_field();
            let mut properties = Map::new();
            let (description, required) = if ALL {
                properties.insert(
                    SYNCHRONIZE_ALL.to_owned(),
                    json!({"description": "Synchronize every item.", "type": "boolean", "const": true}),
                );
                properties.insert(
                    field.to_owned(),
                    json!({"description": "Left out, or `null`: no list with every item.", "type": "null"}),
                );
                (
                    format!(
                        "A start request for every item: `\"{SYNCHRONIZE_ALL}\": true`, without \
                         `{field}`. Fields not described here are allowed and kept."
                    ),
                    SYNCHRONIZE_ALL,
                )
            } else {
                properties.insert(
                    field.to_owned(),
                    json!({
                        "description": "The items to synchronize; at least one, none empty.",
                        "type": "array",
                        "items": {"type": "string", "minLength": 1},
                        "minItems": 1
                    }),
                );
                properties.insert(
                    SYNCHRONIZE_ALL.to_owned(),
                    json!({
                        "description": "`false`, `null`, or left out: the same.",
                        "type": ["boolean", "null"],
                        "enum": [false, null]
                    }),
                );
                (
                    format!(
                        "A start request for the items listed in `{field}`. Fields not described \
                         here are allowed and kept."
                    ),
                    field,
                )
            };
            S::StartOptions::add_schema_properties(generator, &mut properties);
            json_schema!({
                "description": description,
                "type": "object",
                "required": [required],
                "properties": Value::Object(properties),
                "additionalProperties": true
            })
        }
    }
}
