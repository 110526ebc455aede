//! Drift: a warning, counted across the inputs (a file read twice is one file), and a failure
//! with `--strict`.

use crate::support::{self, fixtures, program, validate_json};

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
