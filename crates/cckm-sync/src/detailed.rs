//! `detailed_status`: the free-text status of each item a job synchronizes.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess};
use serde::ser::{Serialize, SerializeMap, Serializer};

/// The `detailed_status` of a job: a status text per scope item, in the server's order.
///
/// Keys are the job's scope items (`<account>/<region>`, `<region>/<vault>::<id>`, a key
/// ring, an organization or domain id); values are free text such as
/// `region synchronized successfully` or `Error listing keys from SFDC: `. A job usually
/// lists a handful of items, so this is a small vector rather than a tree: it parses with one
/// allocation and keeps the order of the response. Equality ignores order, as for any map.
///
/// ```
/// use cckm_sync::DetailedStatus;
///
/// let status: DetailedStatus = serde_json::from_str(
///     r#"{"123456789012/us-east-1": "in_progress", "123456789012/ap-south-1": "region synchronized successfully"}"#,
/// )?;
/// assert_eq!(status.get("123456789012/ap-south-1"), Some("region synchronized successfully"));
/// assert_eq!(status.keys().collect::<Vec<_>>(), ["123456789012/us-east-1", "123456789012/ap-south-1"]);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Default, Eq)]
pub struct DetailedStatus {
    entries: Vec<(String, String)>,
}

impl DetailedStatus {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// The status text of `item`.
    pub fn get(&self, item: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(key, _)| key == item)
            .map(|(_, status)| status.as_str())
    }

    /// Sets the status text of `item`, returning the previous one. A new item goes last.
    pub fn insert(&mut self, item: impl Into<String>, status: impl Into<String>) -> Option<String> {
        let (item, status) = (item.into(), status.into());
        match self.entries.iter_mut().find(|(key, _)| *key == item) {
            Some((_, old)) => Some(std::mem::replace(old, status)),
            None => {
                self.entries.push((item, status));
                None
            }
        }
    }

    /// The items and their status texts, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> {
        self.entries.iter().map(|(key, status)| (key.as_str(), status.as_str()))
    }

    /// The items, in order.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &str> {
        self.entries.iter().map(|(key, _)| key.as_str())
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no items.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Keeps the last value of each repeated key, at the position of its first occurrence,
    /// as a map built by inserting the entries in order would (and as `serde_json::Value`
    /// reads an object with a repeated key).
    #[allow(clippy::indexing_slicing, reason = "every index comes from 0..len")]
    fn dedup(&mut self) {
        let len = self.entries.len();
        if len < 2 {
            return;
        }
        // Sorting positions by key (then position) puts each run of equal keys together.
        let mut order: Vec<usize> = (0..len).collect();
        order.sort_by(|&a, &b| self.entries[a].0.cmp(&self.entries[b].0).then(a.cmp(&b)));
        let mut remove = vec![false; len];
        let mut start = 0;
        while start < len {
            let mut end = start + 1;
            while end < len && self.entries[order[end]].0 == self.entries[order[start]].0 {
                end += 1;
            }
            if end - start > 1 {
                let last_value = std::mem::take(&mut self.entries[order[end - 1]].1);
                self.entries[order[start]].1 = last_value;
                for &position in &order[start + 1..end] {
                    remove[position] = true;
                }
            }
            start = end;
        }
        let mut position = 0;
        self.entries.retain(|_| {
            let keep = !remove[position];
            position += 1;
            keep
        });
    }
}

impl PartialEq for DetailedStatus {
    fn eq(&self, other: &Self) -> bool {
        if self.entries.len() != other.entries.len() {
            return false;
        }
        if self.entries == other.entries {
            return true;
        }
        let mut mine: Vec<_> = self.iter().collect();
        let mut theirs: Vec<_> = other.iter().collect();
        mine.sort_unstable();
        theirs.sort_unstable();
        mine == theirs
    }
}

impl fmt::Debug for DetailedStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for DetailedStatus {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(entries: I) -> Self {
        let mut status = Self {
            entries: entries
                .into_iter()
                .map(|(key, value)| (key.into(), value.into()))
                .collect(),
        };
        status.dedup();
        status
    }
}

impl IntoIterator for DetailedStatus {
    type Item = (String, String);
    type IntoIter = std::vec::IntoIter<(String, String)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a> IntoIterator for &'a DetailedStatus {
    type Item = (&'a str, &'a str);
    type IntoIter =
        std::iter::Map<std::slice::Iter<'a, (String, String)>, fn(&'a (String, String)) -> (&'a str, &'a str)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(key, status)| (key.as_str(), status.as_str()))
    }
}

impl Serialize for DetailedStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (key, status) in &self.entries {
            map.serialize_entry(key, status)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for DetailedStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> de::Visitor<'de> for Visitor {
            type Value = DetailedStatus;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of status strings")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DetailedStatus, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(1).min(64));
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                let mut status = DetailedStatus { entries };
                status.dedup();
                Ok(status)
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

#[cfg(feature = "schemars")]
mod schema {
    use std::borrow::Cow;

    use schemars::{JsonSchema, Schema, SchemaGenerator};

    use super::DetailedStatus;

    impl JsonSchema for DetailedStatus {
        fn inline_schema() -> bool {
            true
        }

        fn schema_name() -> Cow<'static, str> {
            "DetailedStatus".into()
        }

        fn json_schema(generator: &mut SchemaGenerator) -> Schema {
            <std::collections::BTreeMap<String, String>>::json_schema(generator)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_servers_order() {
        let status: DetailedStatus = serde_json::from_str(r#"{"b": "1", "a": "2", "c": "3"}"#).unwrap();
        assert_eq!(serde_json::to_string(&status).unwrap(), r#"{"b":"1","a":"2","c":"3"}"#);
    }

    #[test]
    fn a_repeated_key_keeps_its_last_value_like_serde_json_value() {
        let json = r#"{"a": "1", "b": "2", "a": "3", "c": "4", "b": "5"}"#;
        let status: DetailedStatus = serde_json::from_str(json).unwrap();
        let value: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(serde_json::to_value(&status).unwrap(), value);
        assert_eq!(status.iter().collect::<Vec<_>>(), [("a", "3"), ("b", "5"), ("c", "4")]);
    }

    #[test]
    fn equality_ignores_order() {
        let one: DetailedStatus = [("a", "1"), ("b", "2")].into_iter().collect();
        let other: DetailedStatus = [("b", "2"), ("a", "1")].into_iter().collect();
        assert_eq!(one, other);
        let different: DetailedStatus = [("b", "1"), ("a", "2")].into_iter().collect();
        assert_ne!(one, different);
    }

    #[test]
    fn insert_replaces_in_place() {
        let mut status: DetailedStatus = [("a", "1"), ("b", "2")].into_iter().collect();
        assert_eq!(status.insert("a", "3"), Some("1".to_owned()));
        assert_eq!(status.insert("c", "4"), None);
        assert_eq!(status.keys().collect::<Vec<_>>(), ["a", "b", "c"]);
        assert_eq!(status.get("a"), Some("3"));
    }
}
