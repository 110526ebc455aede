//! What is read and how: standard input, HAR files of other tools or cut short, only regular
//! files each within its bound, and the usage errors and unreadable inputs that exit 2.

use std::process::Command;

use serde_json::Value;

use crate::cases;
use crate::support::{self, cckm_sync, fixtures, program, validate_json};

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
        (
            vec!["validate".into(), "-".into(), "-".into()],
            "error: `-` is named twice: standard input is read once",
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

/// Exit 1 says "a body failed" to a script: results that cannot be written are not that, whatever
/// the bodies hold (a page that passes, written to a full disk, exited with 1).
#[test]
fn results_that_cannot_be_written_exit_2_with_one_line() {
    let page = fixtures().join("pages/seed-dsm-refresh-completed.json");
    for format in ["human", "json", "junit"] {
        let output = cckm_sync()
            .args(["validate", "--format", format])
            .arg(&page)
            .stdout(std::fs::File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(2), "{format}: {stderr}");
        assert_eq!(
            stderr, "error: cannot write the results: No space left on device (os error 28)\n",
            "{format}"
        );
    }
}
