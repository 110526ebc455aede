//! The generator of the committed contract files (`cargo xtask codegen`: `schemas/`, `openapi/`
//! and the contract crate's copy of them), from the types and the endpoint catalog of the
//! `cckm-sync` crate; and what the workspace's tools share with it: where the repository and
//! its fixtures are, and the inputs of the fuzz targets. Not published: the xtask program, the
//! fuzz harness and the contract tests under `tests/` depend on it.

use std::path::{Path, PathBuf};

mod file;
pub mod fixtures;
pub mod fuzz_inputs;
mod generate;
mod openapi;
mod schemas;

pub use file::{GeneratedFile, MARKER};
pub use generate::{
    COMMAND, CONTRACT_CRATE_COPY, FamilySchemas, GENERATED_DIRS, Mode, family_schemas, generate, update,
};
pub use openapi::{OPENAPI_30, OPENAPI_31, operation_id};
pub use schemas::{SCHEMA_DIALECT, schema_file_name, schema_id_base};

/// The workspace root (two folders above this crate).
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// The repository's README: its Rust examples, compiled and run as doctests so that they keep
/// up with the crates. (Each published crate checks its own README the same way.)
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct RepositoryReadme;
