//! Which texts a JSON Schema can judge.
//!
//! JSON Schema judges a JSON *value*. Some texts have no value that means what the parser (and
//! the Go server) reads: a text that is not JSON at all (truncated, an HTML error page); an
//! object that repeats a key, of which a JSON value keeps one occurrence while the parser
//! requires every occurrence to be valid; and a number that serde_json's value (which the
//! validator judges) holds as another number than the one written. Only the parser can judge
//! those.

use std::collections::HashSet;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// Why a text is not a JSON document a schema can judge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotSchemaJson {
    /// Not well-formed JSON at all (truncated, HTML, …).
    Malformed(String),
    /// Well-formed, but an object repeats a key: a JSON value (and so a schema) keeps only
    /// one of them, while the parser refuses the repetition of a modeled field.
    DuplicateKey(String),
    /// Well-formed, but a number beyond ±2^53 is not written as a 64-bit integer (an
    /// integer beyond the 64-bit range, `9007199254740993.0`, `1e19`): serde_json's value,
    /// which the validator judges, holds it as a double, which may be another number than
    /// the one written (`-9223372036854775809` becomes -2^63, in the range of an `int64`),
    /// while the parser reads the text.
    InexactNumber(String),
}

impl fmt::Display for NotSchemaJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(reason) => write!(f, "not JSON: {reason}"),
            Self::DuplicateKey(reason) | Self::InexactNumber(reason) => f.write_str(reason),
        }
    }
}

/// The integer a query-string value means, if it is one a JSON Schema of type `integer` can
/// judge exactly: a canonical decimal literal (no sign but `-`, no leading zero, not `-0`) in
/// the 64-bit range, the text a client generated from the OpenAPI document sends. Beyond that
/// range a validator would judge a rounded double; such texts are left to the parser.
///
/// ```
/// use cckm_sync_contract::integer_literal;
///
/// assert_eq!(integer_literal("-1").and_then(|n| n.as_i64()), Some(-1));
/// assert_eq!(integer_literal("18446744073709551615").and_then(|n| n.as_u64()), Some(u64::MAX));
/// for text in ["", "-", "-0", "007", "+1", "1.0", "1e3", "18446744073709551616"] {
///     assert_eq!(integer_literal(text), None, "{text:?}");
/// }
/// ```
#[must_use]
pub fn integer_literal(text: &str) -> Option<serde_json::Number> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let canonical = !digits.is_empty()
        && digits.bytes().all(|byte| byte.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
        && text != "-0";
    if !canonical {
        return None;
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Number(number)) if number.is_i64() || number.is_u64() => Some(number),
        _ => None,
    }
}

/// The JSON value of `text` if it is well-formed JSON in which no object repeats a key and
/// every number is held exactly (see [`NotSchemaJson`]).
///
/// ```
/// use cckm_sync_contract::{NotSchemaJson, schema_json};
///
/// assert_eq!(schema_json(r#"{"a": [1, 2]}"#).unwrap()["a"][1], 2);
/// assert!(matches!(schema_json(r#"{"a": 1, "a": 2}"#), Err(NotSchemaJson::DuplicateKey(_))));
/// assert!(matches!(schema_json("<html>502 Bad Gateway</html>"), Err(NotSchemaJson::Malformed(_))));
/// assert!(matches!(schema_json(r#"{"code": -9223372036854775809}"#), Err(NotSchemaJson::InexactNumber(_))));
/// ```
pub fn schema_json(text: &str) -> Result<Value, NotSchemaJson> {
    let value: Value = serde_json::from_str(text).map_err(|error| NotSchemaJson::Malformed(error.to_string()))?;
    serde_json::from_str::<Judgeable>(text).map_err(|error| {
        let reason = error.to_string();
        if reason.starts_with(INEXACT_NUMBER) {
            NotSchemaJson::InexactNumber(reason)
        } else {
            NotSchemaJson::DuplicateKey(reason)
        }
    })?;
    Ok(value)
}

/// [`schema_json`] of bytes: text that is not UTF-8 is not JSON.
pub fn schema_json_bytes(bytes: &[u8]) -> Result<Value, NotSchemaJson> {
    let text = std::str::from_utf8(bytes).map_err(|error| NotSchemaJson::Malformed(error.to_string()))?;
    schema_json(text)
}

const REPEATED_KEY: &str = "repeats a key";
const INEXACT_NUMBER: &str = "a number beyond ±2^53 not written as a 64-bit integer";
/// 2^53: beyond it, a double does not hold every integer.
const EXACT_DOUBLES: f64 = 9_007_199_254_740_992.0;

/// Deserializes any JSON, failing on an object that repeats a key and on a number that
/// serde_json's value may not hold exactly.
struct Judgeable;

impl<'de> serde::Deserialize<'de> for Judgeable {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JudgeableVisitor)
    }
}

struct JudgeableVisitor;

impl<'de> Visitor<'de> for JudgeableVisitor {
    type Value = Judgeable;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Judgeable)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Judgeable)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Judgeable)
    }

    // serde_json reads every number with a fraction or an exponent, and every integer
    // beyond the 64-bit range, as a double.
    fn visit_f64<E: de::Error>(self, number: f64) -> Result<Self::Value, E> {
        if number.abs() >= EXACT_DOUBLES {
            Err(de::Error::custom(format_args!("{INEXACT_NUMBER}: {number:?}")))
        } else {
            Ok(Judgeable)
        }
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Judgeable)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Judgeable)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<Judgeable>()?.is_some() {}
        Ok(Judgeable)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key.clone()) {
                return Err(de::Error::custom(format_args!(
                    "{REPEATED_KEY}: the key {key:?} appears twice in an object"
                )));
            }
            map.next_value::<Judgeable>()?;
        }
        Ok(Judgeable)
    }
}

#[cfg(test)]
mod tests {
    use super::integer_literal;

    #[test]
    fn an_integer_parameter_is_judged_only_when_written_as_a_64_bit_integer_literal() {
        for (text, number) in [
            ("0", Some(0_i128)),
            ("7", Some(7)),
            ("-1", Some(-1)),
            ("18446744073709551615", Some(18_446_744_073_709_551_615)),
            ("-9223372036854775808", Some(-9_223_372_036_854_775_808)),
            ("18446744073709551616", None),
            ("-9223372036854775809", None),
            ("+1", None),
            ("01", None),
            ("-0", None),
            ("1.0", None),
            ("1e3", None),
            (" 1", None),
            ("", None),
            ("-", None),
        ] {
            let read = integer_literal(text).map(|value| {
                value
                    .as_i64()
                    .map(i128::from)
                    .or_else(|| value.as_u64().map(i128::from))
                    .expect("an integer")
            });
            assert_eq!(read, number, "{text:?}");
        }
    }
}
