//! The canonical serialized form of every valid fixture, as reviewed snapshots.
//!
//! The round-trip tests prove the written JSON equals the fixture as a value; these
//! snapshots pin the text itself (field order, timestamp format), so any change to how the
//! crate writes a payload shows up as a diff to review.

use cckm_sync::{ApiError, SyncJob, SyncJobPage};

fn parse<T: serde::de::DeserializeOwned>(path: &std::path::Path) -> T {
    let text = std::fs::read_to_string(path).unwrap();
    cckm_sync::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

#[test]
fn pages() {
    insta::glob!("fixtures/pages/*.json", |path| {
        insta::assert_json_snapshot!(parse::<SyncJobPage>(path));
    });
}

#[test]
fn jobs() {
    insta::glob!("fixtures/jobs/*.json", |path| {
        insta::assert_json_snapshot!(parse::<SyncJob>(path));
    });
}

#[test]
fn error_bodies() {
    insta::glob!("fixtures/errors/*.json", |path| {
        insta::assert_json_snapshot!(parse::<ApiError>(path));
    });
}
