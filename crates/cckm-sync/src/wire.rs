//! Shared pieces of the hand-written deserializers.
//!
//! The payload types deserialize through visitors rather than `#[serde(flatten)]`, which
//! would buffer every job into an intermediate tree before parsing it (the cost is measured
//! by the `parse` benchmark). These helpers keep those visitors short and alike.
//!
//! # Repeated fields
//!
//! The server is written in Go, whose JSON decoder reads a repeated field into the same Go
//! field again: every occurrence must have the right type, and the last one wins. The
//! visitors do the same, and so does a `serde_json::Value` (or any JSON Schema validator) for
//! the value it keeps, so the parser and the schemas agree on which value counts.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, DeserializeOwned, DeserializeSeed, Deserializer, SeqAccess};
use uuid::Uuid;

use crate::located;
use crate::raw::RawJson;

/// An object key, borrowed from the input when the input allows it.
pub(crate) struct Key<'de>(pub(crate) Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> de::Visitor<'de> for Visitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(key)))
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key.to_owned())))
            }
            fn visit_string<E: de::Error>(self, key: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key)))
            }
        }
        deserializer.deserialize_identifier(Visitor)
    }
}

/// Returns the value of a required field, or the serde "missing field" error.
pub(crate) fn required<T, E: de::Error>(slot: Option<T>, field: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(field))
}

/// Parses `raw`, the value of the field `field` read before it was known to be modeled, as
/// `T`; an error names the value's place below the field.
pub(crate) fn parse_raw_field<T: DeserializeOwned, E: de::Error>(raw: &RawJson, field: &str) -> Result<T, E> {
    let mut deserializer = serde_json::Deserializer::from_str(raw.as_str());
    serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let mut pointer = String::new();
        crate::unknown::push_token(&mut pointer, field);
        located::append_segments(&mut pointer, error.path());
        let message = error.inner().to_string();
        // The position is that of the raw value, not of the document: leave it out.
        let reason = located::strip_position(&message, error.inner());
        located::error_at(&pointer, reason)
    })
}

/// The syntax of a hyphenated UUID, as a JSON Schema `pattern` next to the `uuid` format: many
/// validators treat `format` as an annotation only (the draft 2020-12 default), and a pattern
/// makes them refuse what the parser refuses as well.
#[cfg(feature = "schemars")]
pub(crate) const UUID_PATTERN: &str = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

/// A UUID in its hyphenated form, `8-4-4-4-12` hex digits, the only one the server writes
/// and the one JSON Schema's `uuid` format accepts; the `uuid` crate alone would also take
/// the simple, braced and `urn:uuid:` forms.
pub(crate) struct HyphenatedUuid(pub(crate) Uuid);

impl<'de> Deserialize<'de> for HyphenatedUuid {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = HyphenatedUuid;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a hyphenated UUID string")
            }
            fn visit_str<E: de::Error>(self, raw: &str) -> Result<HyphenatedUuid, E> {
                parse_hyphenated_uuid(raw).map(HyphenatedUuid).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

/// Parses a UUID in its hyphenated form only; the error says why, quoting `raw`.
pub(crate) fn parse_hyphenated_uuid(raw: &str) -> Result<Uuid, String> {
    let uuid = Uuid::parse_str(raw).map_err(|error| format!("invalid UUID {raw:?}: {error}"))?;
    let hyphenated = raw.len() == 36 && [8, 13, 18, 23].iter().all(|&at| raw.as_bytes().get(at) == Some(&b'-'));
    if !hyphenated {
        return Err(format!(
            "invalid UUID {raw:?}: expected the hyphenated form, such as \"0ea5d52e-387c-44fa-b079-21c8b768f77b\""
        ));
    }
    Ok(uuid)
}

/// An integer field (`skip`, `limit`, `total`, `code`), also read from a number written with
/// a zero fraction or an exponent (`10.0`, `1e1`): JSON Schema's `integer` type is any number
/// with a zero fraction, so a schema validator takes those, and the parser does too. It is
/// written back as a plain integer.
///
/// The number is read from its text: an integer literal out of the type's range is refused as
/// it is written (serde_json alone would read `-9223372036854775809` as a double, which
/// rounds into range), as Go's decoder refuses it.
pub(crate) struct Integer<T>(pub(crate) T);

/// The integer types [`Integer`] reads.
pub(crate) trait IntegerType: Sized {
    const EXPECTING: &'static str;
    fn from_i128(value: i128) -> Option<Self>;
    /// `value` if it is a whole number in range.
    fn from_f64(value: f64) -> Option<Self>;
}

impl IntegerType for u64 {
    const EXPECTING: &'static str = "a non-negative integer";
    fn from_i128(value: i128) -> Option<Self> {
        u64::try_from(value).ok()
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "range checked first"
    )]
    fn from_f64(value: f64) -> Option<Self> {
        // 2^64 is the first value above `u64::MAX`, and exactly representable.
        (value.fract() == 0.0 && (0.0..18_446_744_073_709_551_616.0).contains(&value)).then_some(value as u64)
    }
}

impl IntegerType for i64 {
    const EXPECTING: &'static str = "an integer";
    fn from_i128(value: i128) -> Option<Self> {
        i64::try_from(value).ok()
    }
    #[allow(clippy::cast_possible_truncation, reason = "range checked first")]
    fn from_f64(value: f64) -> Option<Self> {
        (value.fract() == 0.0 && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&value))
            .then_some(value as i64)
    }
}

/// What [`Integer`] expects, for error messages.
struct Expecting<T>(PhantomData<T>);

impl<T: IntegerType> de::Expected for Expecting<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }
}

impl<'de, T: IntegerType> Deserialize<'de> for Integer<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let expecting = Expecting::<T>(PhantomData);
        let raw = Box::<serde_json::value::RawValue>::deserialize(deserializer)?;
        let text = raw.get();
        if !text.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
            // Not a number: say what it is, as serde would.
            let unexpected = match serde_json::from_str::<serde_json::Value>(text) {
                Ok(serde_json::Value::String(string)) => {
                    return Err(de::Error::invalid_type(de::Unexpected::Str(&string), &expecting));
                }
                Ok(serde_json::Value::Bool(value)) => de::Unexpected::Bool(value),
                Ok(serde_json::Value::Array(_)) => de::Unexpected::Seq,
                Ok(serde_json::Value::Object(_)) => de::Unexpected::Map,
                _ => de::Unexpected::Other("null"),
            };
            return Err(de::Error::invalid_type(unexpected, &expecting));
        }
        if text.contains(['.', 'e', 'E']) {
            let value: f64 = text.parse().unwrap_or(f64::NAN);
            return T::from_f64(value)
                .map(Integer)
                .ok_or_else(|| de::Error::invalid_value(de::Unexpected::Float(value), &expecting));
        }
        text.parse::<i128>()
            .ok()
            .and_then(T::from_i128)
            .map(Integer)
            .ok_or_else(|| de::Error::invalid_value(de::Unexpected::Other(&format!("integer `{text}`")), &expecting))
    }
}

/// A list of scope items in a request, or `null` (read as no list). Every item must be a
/// non-empty string and the list must hold one at least; the error names the item at fault
/// (`/kms/1`) or the list.
pub(crate) struct RequestListSeed {
    /// What an empty list should have been, for the message.
    pub(crate) empty_hint: &'static str,
}

impl<'de> DeserializeSeed<'de> for RequestListSeed {
    type Value = Option<Vec<String>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de> de::Visitor<'de> for RequestListSeed {
    type Value = Option<Vec<String>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of strings")
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

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(NonEmptyString(item)) = seq.next_element()? {
            items.push(item);
        }
        if items.is_empty() {
            return Err(de::Error::custom(format_args!("empty list: {}", self.empty_hint)));
        }
        Ok(Some(items))
    }
}

/// A string that is not empty.
struct NonEmptyString(String);

impl<'de> Deserialize<'de> for NonEmptyString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let item = String::deserialize(deserializer)?;
        if item.is_empty() {
            return Err(de::Error::custom("empty string: every item must name something"));
        }
        Ok(Self(item))
    }
}
