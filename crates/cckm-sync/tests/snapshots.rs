//! The canonical serialized form of every valid fixture, as reviewed snapshots.
//!
//! The round-trip tests prove the written JSON equals the fixture as a value; these
//! snapshots pin the text serde_json writes (field order, timestamp format, the exact text of
//! unknown fields), so any change to how the crate writes a payload shows up as a diff to
//! review.

use cckm_sync::{ApiError, SyncJob, SyncJobPage};
use serde::Serialize;
use serde::de::DeserializeOwned;

fn written<T: DeserializeOwned + Serialize>(path: &std::path::Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let parsed: T = cckm_sync::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    serde_json::to_string_pretty(&parsed).unwrap()
}

#[test]
fn pages() {
    insta::glob!("fixtures/pages/*.json", |path| {
        insta::assert_snapshot!(written::<SyncJobPage>(path));
    });
}

#[test]
fn jobs() {
    insta::glob!("fixtures/jobs/*.json", |path| {
        insta::assert_snapshot!(written::<SyncJob>(path));
    });
}

#[test]
fn error_bodies() {
    insta::glob!("fixtures/errors/*.json", |path| {
        insta::assert_snapshot!(written::<ApiError>(path));
    });
}
