//! `cckm-sync validate` as a user runs it: on every fixture of the model crate, in each
//! output format, with `--strict`, and with the usage errors a script must be able to tell
//! apart.
//!
//! One test binary, a module a concern; here, what its modules share.

use std::path::{Path, PathBuf};

use serde_json::Value;

#[path = "../support/mod.rs"]
pub mod support;

mod drift;
mod fixtures;
mod inputs;
mod output;

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixture in {}", dir.display());
    files
}

/// The catalog name of the family a start fixture is of (`<family>-<what>.json`), and an
/// endpoint of that family.
fn start_endpoint(file: &Path) -> &'static str {
    let stem = file.file_stem().unwrap().to_str().unwrap();
    let family = cckm_sync::CloudFamily::ALL
        .into_iter()
        .filter(|family| {
            stem.strip_prefix(family.spec().name)
                .is_some_and(|rest| rest.starts_with('-'))
        })
        .max_by_key(|family| family.spec().name.len())
        .unwrap_or_else(|| panic!("{stem}: no family is named so"));
    family.endpoints().next().unwrap().name
}

fn cases(report: &Value) -> &Vec<Value> {
    report["cases"].as_array().unwrap()
}
