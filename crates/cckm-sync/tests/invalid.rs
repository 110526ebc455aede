//! Payloads that must be rejected fail with an error naming the JSON path and the reason,
//! and no input makes the parser panic.

mod support;

use cckm_sync::{ApiError, AwsSyncJobPage, SyncJob, SyncJobPage};
use support::fixtures;

/// `(folder, fixture, the error as displayed)`: the JSON Pointer first, then serde_json's
/// reason and position.
const REJECTED: &[(&str, &str, &str)] = &[
    (
        "pages",
        "abort-as-string",
        "/resources/0/abort: invalid type: string \"true\", expected a boolean at line 23 column 27",
    ),
    (
        "pages",
        "bad-timestamp",
        "/resources/0/createdAt: invalid timestamp \"2020-11-05 06:39:45.726289Z\": date and time must be separated by `T`; expected RFC 3339 such as \"2020-11-05T06:39:45.726289Z\" at line 12 column 54",
    ),
    (
        "pages",
        "bad-uuid",
        "/resources/1/id: invalid UUID \"afef70ff-311e-46c1-8ead-e1999e8c6d4\": invalid group length in group 4: expected 12, found 11 at line 26 column 55",
    ),
    (
        "pages",
        "impossible-date",
        "/resources/1/completed_at: invalid timestamp \"2020-11-31T06:38:29.248173Z\": input is out of range; expected RFC 3339 such as \"2020-11-05T06:39:45.726289Z\" at line 33 column 57",
    ),
    (
        "pages",
        "missing-total",
        "(document): missing field `total` at line 47 column 1",
    ),
    (
        "pages",
        "negative-skip",
        "/skip: invalid value: integer `-10`, expected a non-negative integer at line 2 column 15",
    ),
    ("pages", "not-json", "(document): expected value at line 1 column 1"),
    (
        "pages",
        "resources-not-an-array",
        "/resources: invalid type: map, expected an array of items at line 5 column 17",
    ),
    (
        "pages",
        "scope-item-not-a-string",
        "/resources/1/regions/1: invalid type: integer `7`, expected a string at line 41 column 17",
    ),
    (
        "pages",
        "scope-not-an-array",
        "/resources/1/kms: invalid type: string \"kms\", expected a sequence at line 42 column 24",
    ),
    (
        "pages",
        "truncated",
        "/resources/1/overall_status: EOF while parsing a string at line 34 column 28",
    ),
    (
        "jobs",
        "cloud-null",
        "/cloud: invalid type: null, expected a cloud name string such as \"aws\" at line 14 column 17",
    ),
    (
        "jobs",
        "detailed-status-not-an-object",
        "/detailed_status: invalid type: sequence, expected an object of status strings at line 11 column 23",
    ),
    (
        "jobs",
        "detailed-status-value-not-a-string",
        "/detailed_status/projects~1gemalto-kyloeng~1locations~1global~1keyRings~1demo-key-ring: invalid type: map, expected a string at line 12 column 76",
    ),
    (
        "jobs",
        "id-not-hyphenated",
        "/id: invalid UUID \"1f1d1b1ba17c486fb864db894af6efac\": expected the hyphenated form, such as \"0ea5d52e-387c-44fa-b079-21c8b768f77b\" at line 2 column 44",
    ),
    (
        "jobs",
        "missing-id",
        "(document): missing field `id` at line 18 column 1",
    ),
    (
        "jobs",
        "not-an-object",
        "(document): invalid type: sequence, expected a synchronization job object at line 1 column 0",
    ),
    (
        "jobs",
        "status-not-a-string",
        "/overall_status: invalid type: integer `3`, expected a job status string such as \"completed\" at line 10 column 23",
    ),
    (
        "jobs",
        "uri-not-a-string",
        "/uri: invalid type: integer `42`, expected a string at line 3 column 13",
    ),
    (
        "errors",
        "code-not-an-integer",
        "/code: invalid type: string \"16\", expected an integer at line 2 column 16",
    ),
    (
        "errors",
        "code-below-int64",
        "/code: invalid value: integer `-9223372036854775809`, expected an integer at line 1 column 29",
    ),
    (
        "errors",
        "not-an-object",
        "(document): invalid type: string \"Resource not found\", expected an error object at line 1 column 20",
    ),
];

fn parse_error(folder: &str, text: &str) -> String {
    let error = match folder {
        "pages" => cckm_sync::from_str::<SyncJobPage>(text).map(drop),
        "jobs" => cckm_sync::from_str::<SyncJob>(text).map(drop),
        "errors" => cckm_sync::from_str::<ApiError>(text).map(drop),
        other => panic!("no payload type for {other}"),
    };
    error.expect_err("must be rejected").to_string()
}

#[test]
fn every_invalid_payload_is_rejected_with_its_path_and_reason() {
    for folder in ["pages", "jobs", "errors"] {
        let fixtures = fixtures::all(&format!("invalid/{folder}"));
        let listed = REJECTED.iter().filter(|(kind, ..)| *kind == folder).count();
        assert_eq!(
            fixtures.len(),
            listed,
            "invalid/{folder}: every fixture needs its expected error"
        );
        for fixture in fixtures {
            let (_, _, expected) = REJECTED
                .iter()
                .find(|(kind, name, _)| *kind == folder && *name == fixture.name)
                .unwrap_or_else(|| panic!("invalid/{folder}/{}: no expected error", fixture.name));
            assert_eq!(
                parse_error(folder, &fixture.text),
                *expected,
                "invalid/{folder}/{}",
                fixture.name
            );
        }
    }
}

#[test]
fn the_error_exposes_path_position_and_kind() {
    let fixture = fixtures::one("invalid/pages", "truncated");
    let error = cckm_sync::from_str::<SyncJobPage>(&fixture.text).unwrap_err();
    assert_eq!(error.path(), "/resources/1/overall_status");
    assert_eq!((error.line(), error.column()), (34, 28));
    assert!(error.is_eof() && error.is_syntax());

    let fixture = fixtures::one("invalid/pages", "bad-uuid");
    let error = cckm_sync::from_str::<SyncJobPage>(&fixture.text).unwrap_err();
    assert_eq!(error.path(), "/resources/1/id");
    assert_eq!(
        error.reason(),
        "invalid UUID \"afef70ff-311e-46c1-8ead-e1999e8c6d4\": invalid group length in group 4: expected 12, found 11"
    );
    assert!(!error.is_syntax());
}

#[test]
fn a_family_page_type_rejects_what_the_any_family_type_rejects() {
    for fixture in fixtures::all("invalid/pages") {
        let any = cckm_sync::from_str::<SyncJobPage>(&fixture.text).unwrap_err();
        let aws = cckm_sync::from_str::<AwsSyncJobPage>(&fixture.text).unwrap_err();
        assert_eq!(aws.to_string(), any.to_string(), "invalid/pages/{}", fixture.name);
    }
}

#[test]
fn invalid_utf8_is_rejected_where_it_is() {
    let mut bytes = fixtures::one("pages", "seed-dsm-refresh-completed").text.into_bytes();
    let at = bytes.windows(4).position(|window| window == b"dsm\"").unwrap();
    bytes[at] = 0xff;
    let error = cckm_sync::from_slice::<SyncJobPage>(&bytes).unwrap_err();
    assert_eq!(error.path(), "/resources/0/cloud");
    assert!(error.to_string().contains("invalid unicode code point"), "{error}");
}

/// Every prefix of every valid payload is an error, never a panic and never a success.
#[test]
fn truncated_payloads_fail_cleanly_at_every_byte() {
    for folder in ["pages", "jobs", "errors"] {
        for fixture in fixtures::all(folder) {
            let text = fixture.text.trim_end();
            for end in (0..text.len()).filter(|&end| text.is_char_boundary(end)) {
                let prefix = &text[..end];
                let result = match folder {
                    "pages" => cckm_sync::from_str::<SyncJobPage>(prefix).map(drop),
                    "jobs" => cckm_sync::from_str::<SyncJob>(prefix).map(drop),
                    _ => cckm_sync::from_str::<ApiError>(prefix).map(drop),
                };
                let error = result.expect_err(&format!("{}: prefix of {end} bytes parsed", fixture.name));
                assert!(error.is_syntax(), "{} at {end}: {error}", fixture.name);
            }
        }
    }
}
