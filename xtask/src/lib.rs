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
    use cckm_sync::CloudFamily;

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

    /// Which texts a JSON Schema can judge: shared with `cckm-sync validate`, which judges
    /// payloads by the same rule, so it lives in the `cckm-sync-contract` library.
    pub use cckm_sync_contract::{NotSchemaJson, schema_json};
}

/// The repository's README: its Rust examples, compiled and run as doctests so that they keep
/// up with the crates. (Each published crate checks its own README the same way.)
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct RepositoryReadme;
