//! What a payload carries besides the values of its modeled fields: the fields this crate does
//! not model ([`UnknownFields`]) and which modeled fields were sent as `null` ([`NullFields`]).

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess};
use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::raw::RawJson;

/// The fields of a payload that this crate does not model, in the order they came, each
/// with its exact JSON text (see [`RawJson`]).
///
/// A repeated name keeps its last value, at the place of its first occurrence, as a JSON
/// object read by Go, JavaScript or `serde_json::Value` would. Equality ignores the order.
///
/// The payload types refuse to serialize an unknown field named like one of their modeled
/// fields (for a job, `abort`, `cloud`, …): it would write the name twice or change the
/// meaning of the payload. Set the modeled field instead.
///
/// ```
/// use cckm_sync::{RawJson, UnknownFields};
/// use serde_json::json;
///
/// let mut fields = UnknownFields::new();
/// fields.insert("progress", json!(40));
/// fields.insert("partitions", RawJson::from_json(r#"["p1", "p2"]"#)?);
/// assert_eq!(fields.get("progress").map(RawJson::as_str), Some("40"));
/// assert_eq!(serde_json::to_string(&fields)?, r#"{"progress":40,"partitions":["p1","p2"]}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct UnknownFields {
    entries: Vec<(String, RawJson)>,
}

impl UnknownFields {
    /// No field.
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of fields.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there is no field.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The value of the field `name`.
    pub fn get(&self, name: &str) -> Option<&RawJson> {
        self.entries.iter().find(|(key, _)| key == name).map(|(_, value)| value)
    }

    /// Whether there is a field `name`.
    pub fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Sets the field `name` to `value`, returning the previous value. A new field goes last.
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<RawJson>) -> Option<RawJson> {
        let (name, value) = (name.into(), value.into());
        match self.entries.iter_mut().find(|(key, _)| *key == name) {
            Some((_, old)) => Some(std::mem::replace(old, value)),
            None => {
                self.entries.push((name, value));
                None
            }
        }
    }

    /// Removes the field `name`, returning its value.
    pub fn remove(&mut self, name: &str) -> Option<RawJson> {
        let index = self.entries.iter().position(|(key, _)| key == name)?;
        Some(self.entries.remove(index).1)
    }

    /// The names and values, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &RawJson)> {
        self.entries.iter().map(|(key, value)| (key.as_str(), value))
    }

    /// The names, in order.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &str> {
        self.entries.iter().map(|(key, _)| key.as_str())
    }

    /// The first name for which `is_modeled` holds: the payload types' check that no unknown
    /// field is named like a modeled one.
    pub(crate) fn first_named(&self, mut is_modeled: impl FnMut(&str) -> bool) -> Option<&str> {
        self.keys().find(|key| is_modeled(key))
    }

    /// Writes every field into `map`.
    pub(crate) fn serialize_entries<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        self.entries
            .iter()
            .try_for_each(|(key, value)| map.serialize_entry(key, value))
    }
}

impl PartialEq for UnknownFields {
    fn eq(&self, other: &Self) -> bool {
        // Names are unique, so equal lengths and every field found in the other are enough.
        self.len() == other.len() && self.iter().all(|(key, value)| other.get(key) == Some(value))
    }
}

impl Eq for UnknownFields {}

impl fmt::Debug for UnknownFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Into<String>, V: Into<RawJson>> FromIterator<(K, V)> for UnknownFields {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(fields: I) -> Self {
        let mut unknown = Self::new();
        unknown.extend(fields);
        unknown
    }
}

impl<K: Into<String>, V: Into<RawJson>> Extend<(K, V)> for UnknownFields {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, fields: I) {
        for (name, value) in fields {
            self.insert(name, value);
        }
    }
}

impl IntoIterator for UnknownFields {
    type Item = (String, RawJson);
    type IntoIter = std::vec::IntoIter<(String, RawJson)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl Serialize for UnknownFields {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        self.serialize_entries(&mut map)?;
        map.end()
    }
}

impl<'de> Deserialize<'de> for UnknownFields {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> de::Visitor<'de> for Visitor {
            type Value = UnknownFields;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<UnknownFields, A::Error> {
                let mut fields = UnknownFields::new();
                while let Some((key, value)) = map.next_entry::<String, RawJson>()? {
                    fields.insert(key, value);
                }
                Ok(fields)
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// The optional fields a payload sent as `null`, rather than leaving them out.
///
/// The server is written in Go, which writes a nil list or map as `null` unless the field is
/// declared to be left out when empty, and whose JSON decoder reads `null` as "no value". So
/// `null` and an absent field mean the same: the model's field holds `None` (or, for a page's
/// `resources`, no item) either way, and this set remembers which of them were `null`, so that
/// they are written back as `null`. A name whose field holds a value is ignored, as is a name
/// the payload does not model as an optional field.
///
/// ```
/// use cckm_sync::SyncJob;
///
/// # let json = r#"{"id":"0ea5d52e-387c-44fa-b079-21c8b768f77b","uri":"u","account":"a",
/// #   "application":"p","devAccount":"d","createdAt":"2020-11-05T06:39:45.726289Z",
/// #   "updatedAt":"2020-11-05T06:39:57.973309Z","overall_status":"in_progress",
/// #   "cloud":"aws","kms":["kms"],"abort":false,
/// #   "completed_at":null,"detailed_status":null}"#;
/// let job: SyncJob = cckm_sync::from_str(json)?;
/// assert_eq!(job.completed_at, None);
/// assert!(job.null_fields.contains("completed_at"));
/// assert!(serde_json::to_string(&job)?.contains(r#""completed_at":null"#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct NullFields(Vec<&'static str>);

impl NullFields {
    /// No field.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the field `name` was (or is to be written as) `null`.
    pub fn contains(&self, name: &str) -> bool {
        self.0.binary_search(&name).is_ok()
    }

    /// Marks the field `name` as `null`; returns whether it was not marked yet.
    pub fn insert(&mut self, name: &'static str) -> bool {
        match self.0.binary_search(&name) {
            Ok(_) => false,
            Err(at) => {
                self.0.insert(at, name);
                true
            }
        }
    }

    /// Unmarks the field `name`; returns whether it was marked.
    pub fn remove(&mut self, name: &str) -> bool {
        match self.0.binary_search(&name) {
            Ok(at) => {
                self.0.remove(at);
                true
            }
            Err(_) => false,
        }
    }

    /// Marks or unmarks the field `name`.
    pub(crate) fn set(&mut self, name: &'static str, null: bool) {
        if null {
            self.insert(name);
        } else {
            self.remove(name);
        }
    }

    /// Writes the optional field `name` into `map`: its value if it has one, `null` if it is
    /// marked, nothing if it was left out.
    pub(crate) fn serialize_entry<M: SerializeMap, T: Serialize + ?Sized>(
        &self,
        map: &mut M,
        name: &'static str,
        value: Option<&T>,
    ) -> Result<(), M::Error> {
        match value {
            Some(value) => map.serialize_entry(name, value),
            None if self.contains(name) => map.serialize_entry(name, &()),
            None => Ok(()),
        }
    }

    /// The marked names, sorted.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &'static str> + '_ {
        self.0.iter().copied()
    }

    /// The number of marked fields.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no field is marked.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<&'static str> for NullFields {
    fn from_iter<I: IntoIterator<Item = &'static str>>(names: I) -> Self {
        let mut fields = Self::new();
        for name in names {
            fields.insert(name);
        }
        fields
    }
}

#[cfg(feature = "schemars")]
mod schema {
    use std::borrow::Cow;

    use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

    use super::UnknownFields;

    impl JsonSchema for UnknownFields {
        fn inline_schema() -> bool {
            true
        }

        fn schema_name() -> Cow<'static, str> {
            "UnknownFields".into()
        }

        /// Flattened into a payload's schema: any other field is allowed, with any value.
        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            json_schema!({"type": "object", "additionalProperties": true})
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_repeated_name_keeps_its_last_value_at_its_first_place() {
        let fields: UnknownFields = serde_json::from_str(r#"{"a": 1, "b": 2, "a": 3}"#).unwrap();
        assert_eq!(serde_json::to_string(&fields).unwrap(), r#"{"a":3,"b":2}"#);
    }

    #[test]
    fn equality_ignores_order_but_not_spelling() {
        let one: UnknownFields = [("a", json!(1)), ("b", json!(2))].into_iter().collect();
        let other: UnknownFields = [("b", json!(2)), ("a", json!(1))].into_iter().collect();
        assert_eq!(one, other);
        let mut respelled = one.clone();
        respelled.insert("a", RawJson::from_json("1.0").unwrap());
        assert_ne!(one, respelled);
    }

    #[test]
    fn null_fields_are_a_set() {
        let mut nulls = NullFields::new();
        assert!(nulls.insert("kms"));
        assert!(nulls.insert("completed_at"));
        assert!(!nulls.insert("kms"));
        assert_eq!(nulls.iter().collect::<Vec<_>>(), ["completed_at", "kms"]);
        assert!(nulls.remove("kms"));
        assert!(!nulls.contains("kms"));
        let same: NullFields = ["completed_at"].into_iter().collect();
        assert_eq!(nulls, same);
    }
}
