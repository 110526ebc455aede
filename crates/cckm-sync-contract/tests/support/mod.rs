//! What the tests of `diff` share: the committed contract, a document of it with an edit, and
//! the changes of a diff by impact.

#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};

use cckm_sync_contract::diff::{self, Change, Diff, Impact, Version};
use serde_json::Value;

/// The committed contract: this crate's copy of the repository's `openapi/` and `schemas/`
/// (the same bytes, as `cargo xtask codegen --check` makes sure), so that the tests also run
/// from the published package.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("contract")
}

pub fn committed() -> Value {
    let text = std::fs::read_to_string(root().join("openapi/cckm-sync.openapi.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

pub fn document(label: &str, value: &Value) -> Version {
    Version::from_openapi_str(label, &value.to_string()).unwrap_or_else(|error| panic!("{error}"))
}

/// The committed document against the same with `edit` applied.
pub fn diff_after(edit: impl FnOnce(&mut Value)) -> Diff {
    diff_between(|_| {}, edit)
}

/// The committed document with `old` applied against the same with `new` applied.
pub fn diff_between(old: impl FnOnce(&mut Value), new: impl FnOnce(&mut Value)) -> Diff {
    let mut before = committed();
    old(&mut before);
    let mut after = committed();
    new(&mut after);
    diff::compare(&document("old.json", &before), &document("new.json", &after))
        .unwrap_or_else(|error| panic!("{error}"))
}

pub fn of(diff: &Diff, impact: Impact) -> Vec<&Change> {
    diff.changes.iter().filter(|change| change.impact == impact).collect()
}

pub fn lines(diff: &Diff) -> String {
    diff.changes
        .iter()
        .map(|change| format!("{} {change}", change.impact))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The one change of `impact`, which must exist and be the only one of its impact.
pub fn the_only(diff: &Diff, impact: Impact) -> &Change {
    let found = of(diff, impact);
    assert_eq!(found.len(), 1, "not one {impact} change:\n{}", lines(diff));
    found[0]
}

pub fn operation(diff: &Diff, change: &Change) -> String {
    change
        .place
        .operation()
        .unwrap_or_else(|| panic!("no operation: {change}\n{}", lines(diff)))
        .to_owned()
}

pub fn schema_mut<'a>(document: &'a mut Value, name: &str) -> &'a mut Value {
    document
        .pointer_mut(&format!("/components/schemas/{name}"))
        .unwrap_or_else(|| panic!("no component {name}"))
}
