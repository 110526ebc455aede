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
