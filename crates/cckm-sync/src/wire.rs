//! Shared pieces of the hand-written deserializers.
//!
//! The payload types deserialize through visitors rather than `#[serde(flatten)]`, which
//! would buffer every job into an intermediate tree before parsing it (the cost is measured
//! by the `parse` benchmark). These helpers keep those visitors short and alike.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess};
use serde_json::{Map, Value};
use uuid::Uuid;

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

/// Reads the value of `field` into `slot`, refusing a second occurrence of the field.
pub(crate) fn read_once<'de, A, T>(map: &mut A, slot: &mut Option<T>, field: &'static str) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
{
    if slot.is_some() {
        return Err(de::Error::duplicate_field(field));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Returns the value of a required field, or the serde "missing field" error.
pub(crate) fn required<T, E: de::Error>(slot: Option<T>, field: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(field))
}

/// Keeps the value of a field the model does not know. A repeated unknown key keeps its
/// last value, as `serde_json::Value` does.
pub(crate) fn keep_unknown<'de, A: MapAccess<'de>>(
    map: &mut A,
    unknown: &mut Map<String, Value>,
    key: Cow<'de, str>,
) -> Result<(), A::Error> {
    let value = map.next_value()?;
    unknown.insert(key.into_owned(), value);
    Ok(())
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
                let uuid =
                    Uuid::parse_str(raw).map_err(|error| E::custom(format_args!("invalid UUID {raw:?}: {error}")))?;
                let hyphenated =
                    raw.len() == 36 && [8, 13, 18, 23].iter().all(|&at| raw.as_bytes().get(at) == Some(&b'-'));
                if !hyphenated {
                    return Err(E::custom(format_args!(
                        "invalid UUID {raw:?}: expected the hyphenated form, such as \"0ea5d52e-387c-44fa-b079-21c8b768f77b\""
                    )));
                }
                Ok(HyphenatedUuid(uuid))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}
