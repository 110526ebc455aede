//! The generator of the committed contract files (`schemas/`, `openapi/`) and what the xtask
//! commands share. A library so that the contract tests under `tests/` can call it.

use std::path::{Path, PathBuf};

pub mod codegen;

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
    pub fn schema_json(text: &str) -> Result<Value, NotSchemaJson> {
        let value: Value = serde_json::from_str(text).map_err(|error| NotSchemaJson::Malformed(error.to_string()))?;
        serde_json::from_str::<NoDuplicateKeys>(text)
            .map_err(|error| NotSchemaJson::DuplicateKey(error.to_string()))?;
        Ok(value)
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
}
