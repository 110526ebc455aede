//! The exact JSON text of a value this crate does not model.

use std::fmt;
use std::hash::{Hash, Hasher};

use serde::de::{Deserialize, DeserializeOwned, Deserializer};
use serde::ser::{Serialize, Serializer};
use serde_json::Value;
use serde_json::value::RawValue;

/// The JSON text of a value this crate does not model, kept exactly as it was received but
/// for the whitespace between tokens, so that it is written back unchanged.
///
/// A [`serde_json::Value`] would round numbers to `f64` or refuse them
/// (`123456789012345678901234567890` comes back as `1.2345678901234568e+29`, `1E-400` as
/// `0.0`, and `1e400` fails the whole document) and rewrite escapes; this keeps the text.
/// Two values are equal when their texts are: `1.0` and `1` differ, as they do on the wire.
///
/// It reads from JSON only (`serde_json`'s `from_str`, `from_slice`, `from_reader` and
/// `from_value`), not from other data formats.
///
/// ```
/// use cckm_sync::RawJson;
///
/// let big = RawJson::from_json("123456789012345678901234567890")?;
/// assert_eq!(serde_json::to_string(&big)?, "123456789012345678901234567890");
///
/// let object = RawJson::from_json(r#"{ "ratio": 1E-400, "note": "caf\u00e9" }"#)?;
/// assert_eq!(object.as_str(), r#"{"ratio":1E-400,"note":"caf\u00e9"}"#);
/// assert_eq!(object.parse::<serde_json::Value>()?["note"], "café");
///
/// assert_eq!(RawJson::from(serde_json::json!([1, true])).as_str(), "[1,true]");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone)]
pub struct RawJson(Box<RawValue>);

impl RawJson {
    /// Reads one JSON value from `json`; fails if the text is not exactly one well-formed
    /// JSON value.
    pub fn from_json(json: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str::<Box<RawValue>>(json).map(Self::compact)
    }

    /// Writes `value` as JSON.
    ///
    /// ```
    /// use cckm_sync::RawJson;
    ///
    /// assert_eq!(RawJson::from_serialize(&["a", "b"])?.as_str(), r#"["a","b"]"#);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn from_serialize<T: Serialize + ?Sized>(value: &T) -> Result<Self, serde_json::Error> {
        serde_json::value::to_raw_value(value).map(Self)
    }

    /// The JSON `null`.
    pub fn null() -> Self {
        Self(RawValue::NULL.to_owned())
    }

    /// The JSON text, without whitespace between tokens.
    pub fn as_str(&self) -> &str {
        self.0.get()
    }

    /// Whether this is the JSON `null`.
    pub fn is_null(&self) -> bool {
        self.as_str() == "null"
    }

    /// Deserializes the value as `T`.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(self.as_str())
    }

    /// The value as a [`serde_json::Value`], with that type's limits: numbers beyond `f64`
    /// are refused, and others may lose digits.
    pub fn to_value(&self) -> Result<Value, serde_json::Error> {
        self.parse()
    }

    /// Removes the whitespace between tokens (the server pretty-prints some responses), so
    /// that equal values received with different layouts compare equal and are written back
    /// compactly. Whitespace inside strings is kept.
    fn compact(raw: Box<RawValue>) -> Self {
        let text = raw.get();
        if !text.bytes().any(|byte| matches!(byte, b' ' | b'\n' | b'\r' | b'\t')) {
            return Self(raw);
        }
        let mut compact = String::with_capacity(text.len());
        let (mut in_string, mut escaped) = (false, false);
        for c in text.chars() {
            if in_string {
                compact.push(c);
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    in_string = false;
                }
            } else if c == '"' {
                in_string = true;
                compact.push(c);
            } else if !matches!(c, ' ' | '\n' | '\r' | '\t') {
                compact.push(c);
            }
        }
        if compact.len() == text.len() {
            return Self(raw);
        }
        // Removing whitespace between the tokens of valid JSON leaves valid JSON; should that
        // ever fail, the text as received is kept.
        match RawValue::from_string(compact) {
            Ok(compacted) => Self(compacted),
            Err(_) => Self(raw),
        }
    }
}

impl From<Value> for RawJson {
    fn from(value: Value) -> Self {
        // Writing a `Value` cannot fail: its keys are strings and its numbers finite.
        Self::from_serialize(&value).unwrap_or_else(|_| Self::null())
    }
}

impl From<&Value> for RawJson {
    fn from(value: &Value) -> Self {
        Self::from_serialize(value).unwrap_or_else(|_| Self::null())
    }
}

impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for RawJson {}

impl Hash for RawJson {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Debug for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for RawJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for RawJson {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Box::<RawValue>::deserialize(deserializer).map(Self::compact)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_numbers_and_escapes_exactly() {
        for text in [
            "123456789012345678901234567890",
            "1E-400",
            "1e400",
            "-0.0",
            "1.0",
            r#""caf\u00e9 \"quoted\"""#,
        ] {
            let raw = RawJson::from_json(text).unwrap();
            assert_eq!(raw.as_str(), text);
            assert_eq!(serde_json::to_string(&raw).unwrap(), text);
        }
    }

    #[test]
    fn removes_whitespace_between_tokens_only() {
        let raw = RawJson::from_json("{ \"a b\" : [ 1 ,\n\t2 ] , \"c\":\"x  y\" }").unwrap();
        assert_eq!(raw.as_str(), r#"{"a b":[1,2],"c":"x  y"}"#);
        let escaped = RawJson::from_json(r#"[ "a\\", "b\"" ]"#).unwrap();
        assert_eq!(escaped.as_str(), r#"["a\\","b\""]"#);
    }

    #[test]
    fn refuses_what_is_not_one_json_value() {
        for text in ["", "1 2", "{", "nul", "[1,]"] {
            assert!(RawJson::from_json(text).is_err(), "{text:?}");
        }
    }

    #[test]
    fn reads_from_a_value_and_writes_into_one() {
        let raw: RawJson = serde_json::from_value(serde_json::json!({"a": [1, null]})).unwrap();
        assert_eq!(raw.as_str(), r#"{"a":[1,null]}"#);
        assert_eq!(serde_json::to_value(&raw).unwrap(), serde_json::json!({"a": [1, null]}));
    }
}
