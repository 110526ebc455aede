//! The paged `{skip, limit, total, resources}` envelope of every list call.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, MapAccess};
use serde::ser::{self, Serialize, SerializeMap, Serializer};

use crate::cloud::CloudFamily;
use crate::fields::{NullFields, UnknownFields};
use crate::job::SyncJob;
use crate::raw::RawJson;
use crate::scope::{AwsScope, AzureScope, DsmScope, ExternalCmScope, GoogleScope, OciScope, SalesforceScope, SapScope};
use crate::unknown::{JsonPointer, ReportUnknowns, Unknown};
use crate::wire::{self, Integer, Key};

const SKIP: &str = "skip";
const LIMIT: &str = "limit";
const TOTAL: &str = "total";
const RESOURCES: &str = "resources";

/// One page of a list call: `resources` are the items from `skip` on, out of `total`.
///
/// ```
/// use cckm_sync::{JobStatus, SyncJobPage};
///
/// let page: SyncJobPage = serde_json::from_str(r#"{
///     "skip": 0, "limit": 1, "total": 2,
///     "resources": [{
///         "id": "d4cbd38e-845e-4f75-9e71-15280084986e",
///         "uri": "kylo:kylo:cckm:synchronize:d4cbd38e-845e-4f75-9e71-15280084986e",
///         "account": "kylo:kylo:admin:accounts:kylo",
///         "application": "ncryptify:gemalto:admin:apps:kylo",
///         "devAccount": "ncryptify:gemalto:admin:accounts:gemalto",
///         "createdAt": "2021-03-03T09:22:15.05611Z",
///         "updatedAt": "2021-03-03T09:22:15.636481Z",
///         "overall_status": "in_progress",
///         "cloud": "dsm",
///         "domains": ["6070915c-0ab4-4e7e-bf4d-31dd31214874"],
///         "abort": false
///     }]
/// }"#)?;
///
/// assert_eq!(page.resources[0].overall_status, JobStatus::InProgress);
/// assert_eq!(page.next_skip(), Some(1));
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// A Go server writes an empty list as `null`: `"resources": null` reads as no item, and
/// [`null_fields`](Self::null_fields) remembers it, so that the page is written back with
/// `null`. A repeated field counts with its last occurrence. Writing fails if
/// [`unknown_fields`](Self::unknown_fields) holds `skip`, `limit`, `total` or `resources`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "schemars",
    derive(schemars::JsonSchema),
    schemars(
        rename = "{T}Page",
        description = "One page of a list call: `resources` holds the items from `skip` on, out of \
            `total` matching items. Fields not listed here must be accepted."
    )
)]
pub struct Page<T> {
    /// Number of items skipped before this page.
    #[cfg_attr(feature = "schemars", schemars(range(max = u64::MAX)))]
    pub skip: u64,
    /// Page size that was asked for; `-1` asks for every item.
    #[cfg_attr(feature = "schemars", schemars(range(min = i64::MIN, max = i64::MAX)))]
    pub limit: i64,
    /// Number of items matching the query, on every page.
    #[cfg_attr(feature = "schemars", schemars(range(max = u64::MAX)))]
    pub total: u64,
    /// The items of this page. A `null` list is read as empty.
    #[cfg_attr(feature = "schemars", schemars(schema_with = "nullable_list::<T>"))]
    pub resources: Vec<T>,
    /// `resources` if the server sent it as `null`, to write it back as `null` while the page
    /// has no item.
    #[cfg_attr(feature = "schemars", serde(skip))]
    pub null_fields: NullFields,
    /// Fields this crate does not model, kept verbatim.
    #[cfg_attr(feature = "schemars", serde(flatten))]
    pub unknown_fields: UnknownFields,
}

/// `resources` in the schema: an array, or `null` as a Go server writes an empty list.
#[cfg(feature = "schemars")]
fn nullable_list<T: schemars::JsonSchema>(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let items = generator.subschema_for::<T>();
    schemars::json_schema!({ "type": ["array", "null"], "items": items })
}

/// A page of jobs of any family.
pub type SyncJobPage = Page<SyncJob>;
/// A page of [`AwsSyncJob`](crate::AwsSyncJob)s.
pub type AwsSyncJobPage = Page<SyncJob<AwsScope>>;
/// A page of [`AzureSyncJob`](crate::AzureSyncJob)s.
pub type AzureSyncJobPage = Page<SyncJob<AzureScope>>;
/// A page of [`GoogleSyncJob`](crate::GoogleSyncJob)s.
pub type GoogleSyncJobPage = Page<SyncJob<GoogleScope>>;
/// A page of [`OciSyncJob`](crate::OciSyncJob)s.
pub type OciSyncJobPage = Page<SyncJob<OciScope>>;
/// A page of [`SapSyncJob`](crate::SapSyncJob)s.
pub type SapSyncJobPage = Page<SyncJob<SapScope>>;
/// A page of [`SalesforceSyncJob`](crate::SalesforceSyncJob)s.
pub type SalesforceSyncJobPage = Page<SyncJob<SalesforceScope>>;
/// A page of [`DsmSyncJob`](crate::DsmSyncJob)s.
pub type DsmSyncJobPage = Page<SyncJob<DsmScope>>;
/// A page of [`ExternalCmSyncJob`](crate::ExternalCmSyncJob)s.
pub type ExternalCmSyncJobPage = Page<SyncJob<ExternalCmScope>>;

impl<T> Page<T> {
    /// The wire names of the fields of a page.
    pub const FIELDS: &'static [&'static str] = &[SKIP, LIMIT, TOTAL, RESOURCES];

    /// A page of `resources`, from `skip` on, out of `total`, asked for with `limit`; no field
    /// is `null` and none is unknown.
    ///
    /// ```
    /// use cckm_sync::Page;
    ///
    /// let page = Page::new(0, -1, 2, vec!["a", "b"]);
    /// assert_eq!(serde_json::to_string(&page)?, r#"{"skip":0,"limit":-1,"total":2,"resources":["a","b"]}"#);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn new(skip: u64, limit: i64, total: u64, resources: Vec<T>) -> Self {
        Self {
            skip,
            limit,
            total,
            resources,
            null_fields: NullFields::new(),
            unknown_fields: UnknownFields::new(),
        }
    }

    /// Whether the page was asked for with `limit=-1`, every item at once.
    pub fn is_unlimited(&self) -> bool {
        self.limit == -1
    }

    /// The `skip` of the next page, or `None` on the last page.
    ///
    /// Counted from the items received rather than from `limit`, so that a server that
    /// returns fewer items than asked for is paged through without a gap; an empty page is
    /// always the last, so paging cannot loop.
    pub fn next_skip(&self) -> Option<u64> {
        if self.resources.is_empty() {
            return None;
        }
        let next = self.skip.checked_add(u64::try_from(self.resources.len()).ok()?)?;
        (next < self.total).then_some(next)
    }

    /// Whether items remain after this page.
    pub fn has_more(&self) -> bool {
        self.next_skip().is_some()
    }

    /// The same page with every item converted by `f`.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            skip: self.skip,
            limit: self.limit,
            total: self.total,
            resources: self.resources.into_iter().map(f).collect(),
            null_fields: self.null_fields,
            unknown_fields: self.unknown_fields,
        }
    }
}

impl<S> Page<SyncJob<S>> {
    /// The family every job of the page belongs to: `None` for an empty page, a page that
    /// mixes families, or one with a job of a cloud this crate does not know. A page read as
    /// [`SyncJobPage`] can then be converted to its family's type with
    /// [`SyncJob::into_family`].
    ///
    /// ```
    /// use cckm_sync::{CloudFamily, SyncJobPage};
    ///
    /// let job = |cloud: &str| serde_json::json!({
    ///     "id": "afef70ff-311e-46c1-8ead-e1999e8c6d46", "uri": "", "account": "",
    ///     "application": "", "devAccount": "", "createdAt": "2020-11-05T06:38:25Z",
    ///     "updatedAt": "2020-11-05T06:38:29Z", "overall_status": "completed",
    ///     "cloud": cloud, "abort": false
    /// });
    /// let page = |jobs: Vec<serde_json::Value>| -> SyncJobPage {
    ///     let total = jobs.len();
    ///     serde_json::from_value(serde_json::json!(
    ///         {"skip": 0, "limit": 10, "total": total, "resources": jobs}
    ///     )).unwrap()
    /// };
    /// assert_eq!(page(vec![job("AzureCloud"), job("AzureChinaCloud")]).family(), Some(CloudFamily::Azure));
    /// assert_eq!(page(vec![job("aws"), job("gcp")]).family(), None);
    /// assert_eq!(page(vec![job("hsm-luna")]).family(), None);
    /// assert_eq!(page(vec![]).family(), None);
    /// ```
    pub fn family(&self) -> Option<CloudFamily> {
        let (first, rest) = self.resources.split_first()?;
        let family = first.family()?;
        rest.iter().all(|job| job.family() == Some(family)).then_some(family)
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.resources.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a Page<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.resources.iter()
    }
}

impl<T: Serialize> Serialize for Page<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let modeled = |key: &str| [SKIP, LIMIT, TOTAL, RESOURCES].contains(&key);
        if let Some(key) = self.unknown_fields.first_named(modeled) {
            return Err(ser::Error::custom(format_args!(
                "unknown_fields holds `{key}`, a field the page models: set the field itself"
            )));
        }
        let mut map = serializer.serialize_map(Some(4 + self.unknown_fields.len()))?;
        map.serialize_entry(SKIP, &self.skip)?;
        map.serialize_entry(LIMIT, &self.limit)?;
        map.serialize_entry(TOTAL, &self.total)?;
        if self.resources.is_empty() && self.null_fields.contains(RESOURCES) {
            map.serialize_entry(RESOURCES, &())?;
        } else {
            map.serialize_entry(RESOURCES, &self.resources)?;
        }
        self.unknown_fields.serialize_entries(&mut map)?;
        map.end()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Page<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(PageVisitor(PhantomData))
    }
}

struct PageVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> de::Visitor<'de> for PageVisitor<T> {
    type Value = Page<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a page object with skip, limit, total and resources")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Page<T>, A::Error> {
        let mut skip = None;
        let mut limit = None;
        let mut total = None;
        let mut resources: Option<Option<Vec<T>>> = None;
        let mut unknown_fields = UnknownFields::new();
        while let Some(Key(key)) = map.next_key()? {
            match &*key {
                SKIP => skip = Some(map.next_value::<Integer<u64>>()?.0),
                LIMIT => limit = Some(map.next_value::<Integer<i64>>()?.0),
                TOTAL => total = Some(map.next_value::<Integer<u64>>()?.0),
                RESOURCES => {
                    let expected = expected_len(skip, limit, total);
                    resources = Some(map.next_value_seed(ResourcesSeed::<T>::new(expected))?);
                }
                _ => {
                    let value: RawJson = map.next_value()?;
                    unknown_fields.insert(key.into_owned(), value);
                }
            }
        }
        let resources = wire::required(resources, RESOURCES)?;
        let mut null_fields = NullFields::new();
        null_fields.set(RESOURCES, resources.is_none());
        Ok(Page {
            skip: wire::required(skip, SKIP)?,
            limit: wire::required(limit, LIMIT)?,
            total: wire::required(total, TOTAL)?,
            resources: resources.unwrap_or_default(),
            null_fields,
            unknown_fields,
        })
    }
}

/// How many items a page should hold, from the envelope fields read before `resources`.
///
/// The server writes `skip`, `limit` and `total` first; knowing the count up front saves
/// growing the vector of a large page past its size. It is only a claim, though: the vector
/// grows with the items actually read (see [`ResourcesSeed`]), never ahead of them.
fn expected_len(skip: Option<u64>, limit: Option<i64>, total: Option<u64>) -> usize {
    let remaining = match (skip, total) {
        (Some(skip), Some(total)) => Some(total.saturating_sub(skip)),
        _ => None,
    };
    let asked = limit.and_then(|limit| u64::try_from(limit).ok());
    let expected = match (asked, remaining) {
        (Some(asked), Some(remaining)) => asked.min(remaining),
        (Some(count), None) | (None, Some(count)) => count,
        (None, None) => 0,
    };
    usize::try_from(expected).unwrap_or(usize::MAX)
}

/// `resources`: a list of items (or `null`, read as none).
///
/// The vector doubles as items arrive, as a `Vec` does, but a step never goes past the
/// expected count, so that a page of the size the envelope announced ends with no spare
/// room; and it never reserves ahead of the items read, so that a 55-byte response claiming
/// four billion items reserves nothing.
struct ResourcesSeed<T> {
    expected: usize,
    item: PhantomData<T>,
}

impl<T> ResourcesSeed<T> {
    fn new(expected: usize) -> Self {
        Self {
            expected,
            item: PhantomData,
        }
    }
}

impl<'de, T: Deserialize<'de>> de::DeserializeSeed<'de> for ResourcesSeed<T> {
    type Value = Option<Vec<T>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de, T: Deserialize<'de>> de::Visitor<'de> for ResourcesSeed<T> {
    type Value = Option<Vec<T>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of items")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        const FIRST_STEP: usize = 16;
        let mut items: Vec<T> = Vec::new();
        while let Some(item) = seq.next_element()? {
            if items.len() == items.capacity() {
                let read = items.len();
                let step = read.max(FIRST_STEP);
                let step = match self.expected.checked_sub(read) {
                    Some(remaining) if remaining > 0 => step.min(remaining),
                    _ => step,
                };
                items.reserve_exact(step);
            }
            items.push(item);
        }
        Ok(Some(items))
    }
}

impl<T: ReportUnknowns> ReportUnknowns for Page<T> {
    fn report_unknowns(&self, path: &mut JsonPointer, out: &mut Vec<Unknown>) {
        path.push_unknown_fields(&self.unknown_fields, out);
        path.with_key(RESOURCES, |path| self.resources.report_unknowns(path, out));
    }
}
