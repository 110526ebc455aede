//! The optional fields of a family's start request, besides its scope: AWS `regions`, Azure
//! `take_cloud_key_backup`, or none.

use std::fmt;

use serde::de::MapAccess;
use serde::ser::SerializeMap;

use super::items::ScopeItems;
use crate::fields::NullFields;
use crate::wire::RequestListSeed;

mod sealed {
    pub trait Sealed {}
}

/// The optional fields of one family's start request, besides the scope: see
/// [`AwsStartOptions`], [`AzureStartOptions`] and [`NoStartOptions`].
///
/// Sealed: the set of option types is part of this crate's contract. The hidden methods are
/// used by [`StartJob`](crate::StartJob)'s serializer, deserializer and schema.
pub trait StartOptions: sealed::Sealed + Clone + Default + fmt::Debug + PartialEq + Eq + Send + Sync + 'static {
    /// The wire names of the fields, in serialization order.
    const FIELDS: &'static [&'static str];

    /// The list of items of the field `field`, if the options have such a list field (AWS
    /// `regions`) and it is set.
    ///
    /// ```
    /// use cckm_sync::{AwsStartJob, NoStartOptions, StartOptions};
    ///
    /// let aws = AwsStartJob::all().regions(["us-east-1"])?;
    /// assert_eq!(aws.options.items("regions").map(|items| items.as_slice()), Some(&["us-east-1".to_owned()][..]));
    /// assert_eq!(NoStartOptions.items("regions"), None);
    /// # Ok::<(), cckm_sync::StartError>(())
    /// ```
    fn items(&self, field: &str) -> Option<&ScopeItems> {
        let _ = field;
        None
    }

    /// The slot of the list field `field`, to set or clear it; `None` if the options have no
    /// such list field.
    ///
    /// ```
    /// use cckm_sync::{AwsStartJob, GoogleStartJob, ScopeItems, StartOptions};
    ///
    /// let mut aws = AwsStartJob::all();
    /// *aws.options.items_mut("regions").unwrap() = Some(ScopeItems::new(["eu-west-1"])?);
    /// assert_eq!(serde_json::to_string(&aws)?, r#"{"synchronize_all":true,"regions":["eu-west-1"]}"#);
    /// assert!(GoogleStartJob::all().options.items_mut("regions").is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn items_mut(&mut self, field: &str) -> Option<&mut Option<ScopeItems>> {
        let _ = field;
        None
    }

    /// The slot of the boolean field `field` (Azure `take_cloud_key_backup`), to set or clear
    /// it; `None` if the options have no such boolean field.
    ///
    /// ```
    /// use cckm_sync::{AzureStartJob, StartOptions};
    ///
    /// let mut azure = AzureStartJob::all();
    /// *azure.options.flag_mut("take_cloud_key_backup").unwrap() = Some(false);
    /// assert_eq!(serde_json::to_string(&azure)?, r#"{"synchronize_all":true,"take_cloud_key_backup":false}"#);
    /// assert!(azure.options.flag_mut("regions").is_none());
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    fn flag_mut(&mut self, field: &str) -> Option<&mut Option<bool>> {
        let _ = field;
        None
    }

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

    fn items(&self, field: &str) -> Option<&ScopeItems> {
        self.regions.as_ref().filter(|_| field == REGIONS)
    }

    fn items_mut(&mut self, field: &str) -> Option<&mut Option<ScopeItems>> {
        (field == REGIONS).then_some(&mut self.regions)
    }

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
        nulls.serialize_entry(map, REGIONS, self.regions.as_ref())
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

    fn flag_mut(&mut self, field: &str) -> Option<&mut Option<bool>> {
        (field == TAKE_CLOUD_KEY_BACKUP).then_some(&mut self.take_cloud_key_backup)
    }

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
        nulls.serialize_entry(map, TAKE_CLOUD_KEY_BACKUP, self.take_cloud_key_backup.as_ref())
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
