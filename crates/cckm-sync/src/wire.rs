//! Shared pieces of the hand-written deserializers.
//!
//! The payload types deserialize through visitors rather than `#[serde(flatten)]`, which
//! would buffer every job into an intermediate tree before parsing it (the cost is measured
//! by the `parse` benchmark). These helpers keep those visitors short and alike.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess};
use serde_json::{Map, Value};

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
