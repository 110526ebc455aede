//! The generator of the committed contract files (`schemas/`, `openapi/`) and what the xtask
//! commands share. A library so that the contract tests under `tests/` can call it.

use std::path::{Path, PathBuf};

pub mod codegen;
pub mod contract;
pub mod fuzzing;

/// The workspace root (the parent of this crate).
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// The fixtures of the `cckm-sync` crate, which the generator shows as examples and the
/// validators and contract tests check.
pub mod fixtures {
    use std::collections::HashSet;
    use std::fmt;

    use cckm_sync::CloudFamily;
    use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
    use serde_json::Value;

    /// The fixtures folder, relative to the workspace root.
    pub const DIR: &str = "crates/cckm-sync/tests/fixtures";

    /// The family of a start-request fixture named `<family>-<what>` (see the fixtures'
    /// README), where `<family>` is the catalog's [`name`](cckm_sync::endpoints::FamilySpec::name).
    pub fn start_family(file_stem: &str) -> Option<CloudFamily> {
        CloudFamily::ALL.into_iter().find(|family| {
            file_stem
                .strip_prefix(family.spec().name)
                .is_some_and(|rest| rest.starts_with('-'))
        })
    }

    /// Why a text is not a JSON document a schema can judge.
    #[derive(Debug)]
    pub enum NotSchemaJson {
        /// Not well-formed JSON at all (truncated, HTML, …).
        Malformed(String),
        /// Well-formed, but an object repeats a key: a JSON value (and so a schema) keeps only
        /// one of them, while the parser refuses the repetition of a modeled field.
        DuplicateKey(String),
        /// Well-formed, but a number that is not a 64-bit integer literal (`1.0`, `1e3`, `-0`,
        /// a literal beyond the 64-bit range) has a whole value as the validator reads it.
        /// JSON Schema judges the value, so `"type": "integer"` takes it, and beyond the
        /// 64-bit range it sees the value rounded to a double; the parser, like the Go
        /// server's decoder, judges the text and wants an integer literal in range.
        WholeNumberNotAnInteger(String),
    }

    impl fmt::Display for NotSchemaJson {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                Self::Malformed(reason) => write!(f, "not JSON: {reason}"),
                Self::DuplicateKey(reason) | Self::WholeNumberNotAnInteger(reason) => f.write_str(reason),
            }
        }
    }

    /// The JSON value of `text` if it is well-formed JSON in which no object repeats a key and
    /// every whole number is written as a 64-bit integer (see [`NotSchemaJson`]).
    pub fn schema_json(text: &str) -> Result<Value, NotSchemaJson> {
        let value: Value = serde_json::from_str(text).map_err(|error| NotSchemaJson::Malformed(error.to_string()))?;
        serde_json::from_str::<Judgeable>(text).map_err(|error| {
            let reason = error.to_string();
            if reason.starts_with(WHOLE_NUMBER) {
                NotSchemaJson::WholeNumberNotAnInteger(reason)
            } else {
                NotSchemaJson::DuplicateKey(reason)
            }
        })?;
        Ok(value)
    }

    const REPEATED_KEY: &str = "repeats a key";
    const WHOLE_NUMBER: &str = "a whole number not written as a 64-bit integer";

    /// Deserializes any JSON, failing on an object that repeats a key and on a whole number
    /// that serde_json does not read as an integer.
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
        // beyond the 64-bit range (and `-0`), as a double.
        fn visit_f64<E: de::Error>(self, number: f64) -> Result<Self::Value, E> {
            if number.fract() == 0.0 {
                Err(de::Error::custom(format_args!("{WHOLE_NUMBER}: {number:?}")))
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
}
