//! Which texts a JSON Schema can judge.
//!
//! JSON Schema judges a JSON *value*. Two kinds of text have no value that means what the
//! parser (and the Go server) reads: a text that is not JSON at all (truncated, an HTML error
//! page), and an object that repeats a key, of which a JSON value keeps one occurrence while
//! the parser requires every occurrence to be valid. Only the parser can judge those.

use std::collections::HashSet;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// Why a text is not a JSON document a schema can judge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotSchemaJson {
    /// Not well-formed JSON at all (truncated, HTML, …), or a number no JSON value holds
    /// (beyond the range of a double).
    Malformed(String),
    /// Well-formed, but an object repeats a key: a JSON value (and so a schema) keeps only
    /// one of them, while the parser refuses the repetition of a modeled field.
    DuplicateKey(String),
}

impl fmt::Display for NotSchemaJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(reason) => write!(f, "not JSON: {reason}"),
            Self::DuplicateKey(reason) => write!(f, "repeats a key: {reason}"),
        }
    }
}

/// The JSON value of `text` if it is well-formed JSON in which no object repeats a key.
///
/// ```
/// use cckm_sync_contract::{NotSchemaJson, schema_json};
///
/// assert_eq!(schema_json(r#"{"a": [1, 2]}"#).unwrap()["a"][1], 2);
/// assert!(matches!(schema_json(r#"{"a": 1, "a": 2}"#), Err(NotSchemaJson::DuplicateKey(_))));
/// assert!(matches!(schema_json("<html>502 Bad Gateway</html>"), Err(NotSchemaJson::Malformed(_))));
/// ```
pub fn schema_json(text: &str) -> Result<Value, NotSchemaJson> {
    let value: Value = serde_json::from_str(text).map_err(|error| NotSchemaJson::Malformed(error.to_string()))?;
    serde_json::from_str::<NoDuplicateKeys>(text).map_err(|error| NotSchemaJson::DuplicateKey(error.to_string()))?;
    Ok(value)
}

/// [`schema_json`] of bytes: text that is not UTF-8 is not JSON.
pub fn schema_json_bytes(bytes: &[u8]) -> Result<Value, NotSchemaJson> {
    let text = std::str::from_utf8(bytes).map_err(|error| NotSchemaJson::Malformed(error.to_string()))?;
    schema_json(text)
}

/// Deserializes any JSON, failing on an object that repeats a key.
struct NoDuplicateKeys;

impl<'de> serde::Deserialize<'de> for NoDuplicateKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NoDuplicateKeysVisitor)
    }
}

struct NoDuplicateKeysVisitor;

impl<'de> Visitor<'de> for NoDuplicateKeysVisitor {
    type Value = NoDuplicateKeys;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(NoDuplicateKeys)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(NoDuplicateKeys)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(NoDuplicateKeys)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(NoDuplicateKeys)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(NoDuplicateKeys)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(NoDuplicateKeys)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<NoDuplicateKeys>()?.is_some() {}
        Ok(NoDuplicateKeys)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key.clone()) {
                return Err(de::Error::custom(format_args!(
                    "the key {key:?} appears twice in an object"
                )));
            }
            map.next_value::<NoDuplicateKeys>()?;
        }
        Ok(NoDuplicateKeys)
    }
}
