//! Every fixture of the model crate: the valid ones pass as their kind, the invalid ones fail
//! naming the place of the fault.

use std::path::PathBuf;

use serde_json::Value;

use crate::support::{fixtures, validate_json};
use crate::{cases, json_files, start_endpoint};

#[test]
fn every_valid_response_fixture_passes_with_its_kind_inferred() {
    let dirs: Vec<PathBuf> = ["pages", "jobs", "errors"]
        .iter()
        .map(|dir| fixtures().join(dir))
        .collect();
    let (code, report) = validate_json(&[], &dirs);
    let expected: usize = dirs.iter().map(|dir| json_files(dir).len()).sum();
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["totals"]["cases"], expected);
    assert_eq!(report["totals"]["passed"], expected);
    for case in cases(&report) {
        let file = case["source"]["file"].as_str().unwrap();
        assert_eq!(case["verdict"], "pass", "{case:#}");
        let schema = case["schema"].as_str().unwrap();
        assert!(
            schema.starts_with("schemas/") && schema.ends_with(".schema.json"),
            "{file}: {schema}"
        );
        if file.contains("/pages/seed-aws") {
            assert_eq!(schema, "schemas/AwsSyncJobPage.schema.json");
        }
    }
}

#[test]
fn every_valid_start_request_fixture_passes_as_its_familys() {
    for file in json_files(&fixtures().join("start")) {
        let endpoint = start_endpoint(&file);
        let (code, report) = validate_json(&["--request", "--endpoint", endpoint], std::slice::from_ref(&file));
        assert_eq!(code, 0, "{}: {report:#}", file.display());
        let case = &cases(&report)[0];
        assert!(
            case["schema"].as_str().unwrap().ends_with("StartJob.schema.json"),
            "{case:#}"
        );
    }
}

/// Whether `pointer` names a value of `document` (the empty pointer names the document).
fn resolves(document: &str, pointer: &str) -> bool {
    serde_json::from_str::<Value>(document).is_ok_and(|value| value.pointer(pointer).is_some())
}

/// Every invalid fixture fails, and the failure names the file and the place of the fault:
/// a JSON Pointer that resolves in the document (or the document itself, for a missing
/// field or a text that is not JSON).
fn check_invalid(folder: &str, args: &[&str], expected: &[(&str, &str)]) {
    let files = json_files(&fixtures().join("invalid").join(folder));
    let (code, report) = validate_json(args, &files);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["totals"]["failed"], files.len(), "{report:#}");
    assert_eq!(report["totals"]["contract_bugs"], 0, "{report:#}");
    for (file, case) in files.iter().zip(cases(&report)) {
        assert_eq!(case["source"]["file"], file.display().to_string());
        assert_eq!(case["verdict"], "fail", "{case:#}");
        let failure = &case["failures"][0];
        let pointer = failure["pointer"].as_str().unwrap();
        let text = std::fs::read_to_string(file).unwrap();
        let reason = failure["reason"].as_str().unwrap();
        // A text that is not JSON has no values to point at; the parser names where it broke.
        assert!(
            resolves(&text, pointer) || reason.starts_with("not JSON"),
            "{}: {pointer} is not in the document",
            file.display()
        );
        let name = file.file_name().unwrap().to_str().unwrap();
        if let Some((_, expected)) = expected.iter().find(|(fixture, _)| *fixture == name) {
            assert_eq!(pointer, *expected, "{name}");
        }
    }
}

#[test]
fn every_invalid_page_fixture_fails_naming_the_place() {
    check_invalid(
        "pages",
        &["--operation", "list"],
        &[
            ("bad-uuid.json", "/resources/1/id"),
            ("bad-timestamp.json", "/resources/0/createdAt"),
            ("scope-item-not-a-string.json", "/resources/1/regions/1"),
            ("negative-skip.json", "/skip"),
            ("missing-total.json", ""),
        ],
    );
}

#[test]
fn every_invalid_job_fixture_fails_naming_the_place() {
    check_invalid(
        "jobs",
        &["--operation", "get"],
        &[
            ("id-not-hyphenated.json", "/id"),
            ("cloud-null.json", "/cloud"),
            ("missing-id.json", ""),
        ],
    );
}

#[test]
fn every_invalid_error_fixture_fails_naming_the_place() {
    check_invalid(
        "errors",
        &["--status", "500"],
        &[("code-not-an-integer.json", "/code"), ("not-an-object.json", "")],
    );
}

#[test]
fn every_invalid_start_request_fixture_fails_naming_the_place() {
    for file in json_files(&fixtures().join("invalid/start")) {
        let endpoint = start_endpoint(&file);
        let (code, report) = validate_json(&["--request", "--endpoint", endpoint], std::slice::from_ref(&file));
        assert_eq!(code, 1, "{}: {report:#}", file.display());
        let case = &cases(&report)[0];
        let pointer = case["failures"][0]["pointer"].as_str().unwrap();
        let reason = case["failures"][0]["reason"].as_str().unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            resolves(&text, pointer) || reason.starts_with("not JSON"),
            "{}: {pointer}",
            file.display()
        );
        if file.ends_with("aws-empty-item.json") {
            assert_eq!(pointer, "/kms/1");
        }
    }
}
