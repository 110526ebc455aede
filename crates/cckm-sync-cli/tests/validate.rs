//! `cckm-sync validate` as a user runs it: on every fixture of the model crate, in each
//! output format, with `--strict`, and with the usage errors a script must be able to tell
//! apart.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

pub mod support;

use support::{cckm_sync, fixtures, program, validate_json};

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

#[test]
fn drift_is_a_warning_counted_across_inputs_and_fails_with_strict() {
    let pages = fixtures().join("pages");
    let files = [
        pages.join("future-server.json"),
        pages.join("future-server.json"),
        pages.join("empty.json"),
    ];
    let (code, report) = validate_json(&[], &files);
    assert_eq!(code, 0, "{report:#}");
    let queued = report["drift"]
        .as_array()
        .unwrap()
        .iter()
        .find(|drift| drift["value"] == "queued")
        .unwrap();
    assert_eq!(queued["subject"], "job");
    assert_eq!(queued["path"], "/overall_status");
    assert_eq!(queued["occurrences"], 2);
    assert_eq!(queued["files"], 1, "the same file twice is one file");

    let (code, report) = validate_json(&["--strict"], &files);
    assert_eq!(code, 1);
    assert_eq!(report["totals"]["failed"], 2);
    assert_eq!(report["totals"]["passed"], 1);

    let human = support::output(program(&[]).args(["validate"]).args(&files));
    let text = String::from_utf8(human.stdout).unwrap();
    assert!(
        text.contains("job overall_status \"queued\": 2 jobs in 1 file"),
        "{text}"
    );
    assert!(
        text.contains("job cloud \"AzurePublicCloud2\": 2 jobs in 1 file"),
        "{text}"
    );
    assert!(text.contains("page field next_cursor: 2 pages in 1 file"), "{text}");
}

#[test]
fn human_output_is_one_line_per_failure_and_coloured_only_when_asked_or_on_a_terminal() {
    let bad = fixtures().join("invalid/pages/bad-uuid.json");
    let output = support::output(program(&[]).arg("validate").arg(&bad));
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].starts_with(&format!(
            "FAIL  {} (page of AWS jobs): /resources/1/id: invalid UUID",
            bad.display()
        )),
        "{text}"
    );
    assert!(
        lines[1].starts_with("FAIL  1 body checked in 1 file: 0 passed, 1 failed"),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "no colour into a pipe: {text:?}");

    let coloured = support::output(program(&[]).args(["validate", "--color", "always"]).arg(&bad));
    assert!(String::from_utf8(coloured.stdout).unwrap().contains("\u{1b}["));
}

#[test]
fn junit_output_reads_with_a_junit_parser_a_suite_per_file_a_case_per_body() {
    let files = [
        fixtures().join("pages/future-server.json"),
        fixtures().join("invalid/pages/bad-uuid.json"),
        fixtures().join("errors/resource-not-found.json"),
    ];
    for strict in [false, true] {
        let mut command = cckm_sync();
        command.args(["validate", "--format", "junit"]);
        if strict {
            command.arg("--strict");
        }
        let output = command.args(&files).output().unwrap();
        assert_eq!(output.status.code(), Some(1));
        let suites = junit_parser::from_reader(std::io::BufReader::new(&output.stdout[..]))
            .unwrap_or_else(|error| panic!("{error}: {}", String::from_utf8_lossy(&output.stdout)));
        assert_eq!(suites.suites.len(), 3);
        assert_eq!(suites.tests, 3);
        assert_eq!(suites.failures, if strict { 2 } else { 1 });
        let bad = &suites.suites[1];
        assert_eq!(bad.name, files[1].display().to_string());
        let junit_parser::TestStatus::Failure(failure) = &bad.cases[0].status else {
            panic!("{:?}", bad.cases[0].status);
        };
        assert!(
            failure.message.starts_with("response /resources/1/id: invalid UUID"),
            "{}",
            failure.message
        );
        assert!(
            failure.text.contains("schema: schemas/AwsSyncJobPage.schema.json"),
            "{}",
            failure.text
        );
        let future = &suites.suites[0].cases[0];
        if strict {
            assert!(future.status.is_failure());
        } else {
            assert!(future.status.is_success());
            assert!(
                future
                    .system_out
                    .as_deref()
                    .unwrap_or_default()
                    .contains("unknown value \"queued\"")
            );
        }
        assert!(suites.suites[2].cases[0].status.is_success());
    }
}

#[test]
fn a_body_from_standard_input_is_judged_as_the_flags_say() {
    let page = std::fs::read(fixtures().join("pages/seed-dsm-refresh-completed.json")).unwrap();
    let run = |args: &[&str]| {
        let mut child = cckm_sync()
            .args(["validate", "--format", "json"])
            .args(args)
            .arg("-")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), &page).unwrap();
        let output = child.wait_with_output().unwrap();
        (
            output.status.code().unwrap(),
            serde_json::from_slice::<Value>(&output.stdout).unwrap(),
        )
    };
    let (code, report) = run(&["--endpoint", "dsm", "--operation", "list"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(cases(&report)[0]["schema"], "schemas/DsmSyncJobPage.schema.json");
    assert_eq!(cases(&report)[0]["source"]["file"], "<stdin>");
    // A DSM page read as AWS jobs: the AWS job type refuses a DSM cloud.
    let (code, report) = run(&["--endpoint", "aws-keys", "--operation", "list"]);
    assert_eq!(code, 1);
    assert_eq!(cases(&report)[0]["failures"][0]["pointer"], "/resources/0/cloud");
}

#[test]
fn usage_errors_and_unreadable_inputs_exit_with_2_and_one_line() {
    let empty = tempfile::tempdir().unwrap();
    let broken_har = empty.path().join("broken.har");
    std::fs::write(&broken_har, "{\"log\": {\"entries\": [").unwrap();
    let nothing = empty.path().join("nothing");
    std::fs::create_dir(&nothing).unwrap();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["validate".into()], "error: the following required arguments"),
        (
            vec!["validate".into(), "/no/such/file.json".into()],
            "error: cannot read /no/such/file.json",
        ),
        (
            vec!["validate".into(), nothing.display().to_string()],
            "no .json or .har file in this folder",
        ),
        (
            vec!["validate".into(), "--endpoint".into(), "luna".into(), "x.json".into()],
            "error: invalid value 'luna'",
        ),
        (
            vec![
                "validate".into(),
                "--request".into(),
                "--operation".into(),
                "list".into(),
                "x.json".into(),
            ],
            "error: --request is for start requests",
        ),
        (
            vec!["validate".into(), broken_har.display().to_string()],
            "not a HAR file",
        ),
    ];
    for (args, expected) in cases {
        let output = support::output(program(&[]).args(&args));
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.starts_with("error: ") && stderr.contains(expected),
            "{args:?}: {stderr}"
        );
    }
    let help = support::output(&mut program(&["validate", "--help"]));
    let help = String::from_utf8_lossy(&help.stdout);
    for flag in [
        "--strict",
        "--format",
        "--endpoint",
        "--operation",
        "--request",
        "--status",
        "--color",
    ] {
        assert!(help.contains(flag), "{flag}");
    }
}

#[test]
fn a_har_file_of_other_tools_is_checked_entry_by_entry() {
    // As a browser exports it: base64 bodies, extra fields, entries of other endpoints.
    let page = std::fs::read_to_string(fixtures().join("pages/seed-dsm-refresh-completed.json")).unwrap();
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(&page);
    let har = serde_json::json!({"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"},
        "pages": [], "entries": [
        {"startedDateTime": "2026-01-01T00:00:00Z", "time": 1, "_resourceType": "xhr",
         "request": {"method": "GET", "url": "https://ctm.example/api/v1/cckm/dsm/refresh?skip=0&limit=-1",
                     "httpVersion": "h2", "headers": [], "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
         "response": {"status": 200, "statusText": "", "httpVersion": "h2", "headers": [{"name": "content-type", "value": "application/json"}],
                      "cookies": [], "content": {"size": page.len(), "mimeType": "application/json", "text": encoded, "encoding": "base64"},
                      "redirectURL": "", "headersSize": -1, "bodySize": -1},
         "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 0}},
        {"request": {"method": "GET", "url": "https://ctm.example/api/v1/vault/keys2"},
         "response": {"status": 200, "content": {"size": 2, "text": "{}"}}},
        {"request": {"method": "GET", "url": "https://ctm.example/api/v1/cckm/dsm/refresh/not-an-id"},
         "response": {"status": 404, "content": {"size": 0}}},
        {"request": {"method": "GET", "url": "https://ctm.example/api/v1/cckm/dsm/refresh"},
         "response": {"status": 200, "headers": [{"name": "Content-Type", "value": "text/html"}],
                      "content": {"size": 21, "text": "<html>gateway</html>"}}}
    ]}});
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("session.json");
    std::fs::write(&file, har.to_string()).unwrap();
    let (code, report) = validate_json(&[], &[file]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["totals"]["other_calls"], 1);
    assert_eq!(report["other_calls"][0]["path"], "/api/v1/vault/keys2");
    let verdicts: Vec<(&str, &str)> = cases(&report)
        .iter()
        .map(|case| (case["part"].as_str().unwrap(), case["verdict"].as_str().unwrap()))
        .collect();
    assert_eq!(
        verdicts,
        [
            ("request", "pass"),
            ("response", "pass"),
            ("request", "fail"),
            ("response", "pass"),
            ("request", "pass"),
            ("response", "fail"),
        ]
    );
    let html = &cases(&report)[5];
    assert_eq!(html["source"]["entry"]["index"], 3);
    assert_eq!(html["failures"][0]["in"], "header");
    assert_eq!(html["failures"][1]["pointer"], "");
    assert!(html["failures"][1]["reason"].as_str().unwrap().starts_with("not JSON"));
}

#[test]
fn only_regular_files_and_stdin_are_read_each_within_its_bound() {
    let dir = tempfile::tempdir().unwrap();
    let pipe = dir.path().join("pipe.json");
    assert!(Command::new("mkfifo").arg(&pipe).status().unwrap().success());
    let large = dir.path().join("large.json");
    let body = format!(
        r#"{{"code": 16, "codeDesc": "NCERRResourceNotFound", "message": "{}"}}"#,
        "m".repeat(2_000)
    );
    std::fs::write(&large, &body).unwrap();
    let pipe = pipe.display().to_string();
    let large = large.display().to_string();
    let cases: [(Vec<&str>, &[u8], String); 4] = [
        (
            vec!["validate", &pipe],
            b"",
            format!("error: cannot read {pipe}: not a regular file (a device, a named pipe or a socket)"),
        ),
        (
            vec!["validate", "/dev/zero"],
            b"",
            "error: cannot read /dev/zero: not a regular file".to_owned(),
        ),
        (
            vec!["validate", "--max-input-size", "1kB", &large],
            b"",
            format!(
                "error: cannot read {large}: it holds {} bytes, more than --max-input-size 1000",
                body.len()
            ),
        ),
        (
            vec!["validate", "--status", "404", "--max-input-size", "1kB", "-"],
            body.as_bytes(),
            "error: cannot read <stdin>: more than 1000 bytes, the most --max-input-size allows".to_owned(),
        ),
    ];
    for (args, stdin, expected) in cases {
        let output = support::output(program(&args).write_stdin(stdin));
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.starts_with(&expected), "{args:?}: {stderr}");
    }
    // Within the bound, the same body passes.
    let output = support::output(program(&["validate", "--status", "404", "-"]).write_stdin(body.as_bytes()));
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let output = support::output(program(&["validate", "--max-input-size", "nine", "-"]).write_stdin(b""));
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("is not a size"));
}

#[test]
fn a_har_file_cut_short_is_checked_up_to_the_cut_and_the_cut_named() {
    let dir = tempfile::tempdir().unwrap();
    let har = dir.path().join("cut.har");
    let entry = r#"{"request": {"method": "GET", "url": "http://h/api/v1/cckm/dsm/refresh/0ea5d52e-387c-44fa-b079-21c8b768f77b"},
        "response": {"status": 404, "content": {"mimeType": "application/json",
          "text": "{\"code\": 16, \"codeDesc\": \"NCERRResourceNotFound\", \"message\": \"Resource not found\"}"}}}"#;
    std::fs::write(
        &har,
        format!("{{\"log\": {{\"entries\": [{entry},\n{{\"request\": {{\"meth"),
    )
    .unwrap();
    let (code, report) = validate_json(&[], std::slice::from_ref(&har));
    assert_eq!(code, 2, "{report:#}");
    assert_eq!(report["totals"]["cases"], 2, "{report:#}");
    assert_eq!(report["totals"]["passed"], 2, "{report:#}");
    let error = report["errors"][0].as_str().unwrap();
    assert!(
        error.starts_with(&format!("{}: not a HAR file: EOF while parsing", har.display())) && error.contains("line 4"),
        "{error}"
    );
}

#[test]
fn every_fault_of_a_body_is_a_line_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let mut page: Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("pages/seed-dsm-refresh-completed.json")).unwrap(),
    )
    .unwrap();
    page["skip"] = (-1).into();
    page["limit"] = "ten".into();
    page["resources"][0]["id"] = "not-a-uuid".into();
    page["resources"][0]["createdAt"] = "yesterday".into();
    page["resources"][0]["abort"] = "no".into();
    let file = dir.path().join("five-faults.json");
    std::fs::write(&file, serde_json::to_vec(&page).unwrap()).unwrap();

    let output = support::output(&mut program(&["validate", "--color", "never", file.to_str().unwrap()]));
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut places: Vec<&str> = stdout
        .lines()
        .filter_map(|line| {
            line.strip_prefix(&format!(
                "FAIL  {} (page of Data Security Manager jobs): ",
                file.display()
            ))
        })
        .map(|rest| rest.split(':').next().unwrap())
        .collect();
    places.sort_unstable();
    assert_eq!(
        places,
        [
            "/limit",
            "/resources/0/abort",
            "/resources/0/createdAt",
            "/resources/0/id",
            "/skip"
        ],
        "{stdout}"
    );
    let (_, report) = validate_json(&[], &[file]);
    let failures = report["cases"][0]["failures"].as_array().unwrap();
    assert_eq!(failures[0]["found_by"], "parser_and_schema");
    assert!(
        failures[1..].iter().all(|failure| failure["found_by"] == "schema"),
        "{failures:#?}"
    );
}

/// A HAR file of the same calls as another recording would hold them: another port, other
/// job ids.
fn recording(port: u16, id: &str) -> String {
    // A DSM job as the vendor's example has it, with a field a newer server adds.
    let job = r#"{"id": "d4cbd38e-845e-4f75-9e71-15280084986e", "uri": "u", "account": "a", "application": "p",
        "devAccount": "d", "createdAt": "2021-03-03T09:22:15.05611Z", "updatedAt": "2021-03-03T09:22:15.636481Z",
        "overall_status": "completed", "cloud": "dsm", "domains": ["6070915c-0ab4-4e7e-bf4d-31dd31214874"],
        "abort": false, "priority": 1}"#
        .replace("d4cbd38e-845e-4f75-9e71-15280084986e", id);
    let entry = |url: String| {
        serde_json::json!({"request": {"method": "GET", "url": url},
            "response": {"status": 200, "content": {"mimeType": "application/json", "text": job}}})
    };
    serde_json::json!({"log": {"entries": [
        entry(format!("http://127.0.0.1:{port}/api/v1/cckm/dsm/refresh/{id}")),
    ]}})
    .to_string()
}

#[test]
fn junit_names_follow_a_case_from_one_recording_to_the_next_and_drift_names_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut names = Vec::new();
    for (port, id) in [
        (8443, "0ea5d52e-387c-44fa-b079-21c8b768f77b"),
        (39017, "fd41945b-7145-488a-beaa-f196514f4b08"),
    ] {
        let file = dir.path().join("traffic.har");
        std::fs::write(&file, recording(port, id)).unwrap();
        let output = support::output(&mut program(&["validate", "--format", "junit", file.to_str().unwrap()]));
        let suites = junit_parser::from_reader(std::io::BufReader::new(&output.stdout[..])).unwrap();
        let cases: Vec<String> = suites.suites[0].cases.iter().map(|case| case.name.clone()).collect();
        names.push(cases);

        let output = support::output(&mut program(&["validate", "--color", "never", file.to_str().unwrap()]));
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            stdout.contains(&format!(
                "job field priority: 1 job in 1 file, first in {} entry 0 GET http://127.0.0.1:{port}/api/v1/cckm/dsm/refresh/{id}",
                file.display()
            )),
            "{stdout}"
        );
    }
    assert_eq!(
        names[0],
        [
            "cckm-sync.dsm.get::entry 0 GET /api/v1/cckm/dsm/refresh/{id} request",
            "cckm-sync.dsm.get::entry 0 GET /api/v1/cckm/dsm/refresh/{id} response"
        ]
    );
    assert_eq!(names[0], names[1]);
}
