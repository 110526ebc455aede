//! The output formats: human lines (one a fault, coloured only when asked or on a terminal),
//! JUnit a parser reads, and JUnit names that follow a case from one recording to the next.

use serde_json::Value;

use crate::support::{self, cckm_sync, fixtures, program, validate_json};

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

/// `--endpoint`, `--operation`, `--request` and `--status` describe bodies on their own; a HAR
/// entry names its call itself. Given with a HAR file, they are said to leave it as recorded,
/// where they were silently passed over.
#[test]
fn flags_for_bodies_on_their_own_given_with_a_har_file_are_said_to_leave_its_entries_alone() {
    let dir = tempfile::tempdir().unwrap();
    let har = dir.path().join("traffic.har");
    std::fs::write(&har, recording(8443, "0ea5d52e-387c-44fa-b079-21c8b768f77b")).unwrap();
    let har = har.to_str().unwrap();

    let hinted = support::output(&mut program(&[
        "validate",
        "--endpoint",
        "dsm",
        "--operation",
        "list",
        har,
    ]));
    let plain = support::output(&mut program(&["validate", har]));

    let stderr = String::from_utf8_lossy(&hinted.stderr);
    assert_eq!(
        stderr,
        format!(
            "warning: --endpoint, --operation: for bodies on their own; the entries of {har} are judged by the call each records\n"
        )
    );
    // The entry is judged by its recorded call (a get), as without the flags.
    assert_eq!(hinted.status.code(), plain.status.code());
    assert_eq!(hinted.stdout, plain.stdout);
    assert!(plain.stderr.is_empty(), "{}", String::from_utf8_lossy(&plain.stderr));
}
