//! `cckm-sync diff` as a user runs it: on the contract of commit b2f6ce1 against the committed
//! one, in text and JSON, and with the inputs a script must be able to tell apart by the exit
//! code.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

pub mod support;

use support::{Run, program, workspace};

fn old(name: &str) -> PathBuf {
    workspace()
        .join("crates/cckm-sync-contract/tests/fixtures/diff/b2f6ce1")
        .join(name)
}

fn openapi_31() -> PathBuf {
    workspace().join("openapi/cckm-sync.openapi.json")
}

fn openapi_30() -> PathBuf {
    workspace().join("openapi/cckm-sync.openapi-3.0.json")
}

fn run(args: &[&str], paths: &[&Path]) -> Run {
    let run = Run::of(program(&["diff"]).args(args).args(paths));
    assert!(!run.stderr.contains("panicked"), "{run:#?}");
    run
}

/// The one line of an error: `error: <file>…: <reason>`, with exit code 2 and nothing on
/// standard output.
fn usage_error(run: &Run, file: &Path, reason: &str) {
    assert_eq!(run.code, 2, "{run:#?}");
    assert!(run.stdout.is_empty(), "{run:#?}");
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{run:#?}");
    assert!(lines[0].starts_with(&format!("error: {}", file.display())), "{run:#?}");
    assert!(lines[0].contains(reason), "{run:#?}");
}

#[test]
fn the_b2f6ce1_documents_break_on_sort_said_once_for_its_12_operations() {
    let old = old("cckm-sync.openapi.json");
    let new = openapi_31();
    let run = run(&[], &[&old, &new]);
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(!run.stdout.contains('\u{1b}'), "coloured, though not on a terminal");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "BREAKING  query parameter sort of 12 operations (GET /cckm/aws/custom-key-stores/synchronization-jobs, \
         GET /cckm/aws/synchronization-jobs, GET /cckm/azure/certificates/synchronization-jobs and 9 more): accepts \
         fewer values: `sort=name,-updatedAt` was accepted and is now refused"
    );
    assert!(
        lines[1].starts_with(
            "BREAKING  2 schemas (SyncJob, SyncJobPage): allows bodies the old version ruled out: the body `{"
        ),
        "{}",
        lines[1]
    );
    assert_eq!(
        lines.iter().filter(|line| line.starts_with("BREAKING ")).count(),
        2,
        "{}",
        run.stdout
    );
    for expected in [
        "ADDITIVE  operation POST /auth/tokens: operation added",
        "ADDITIVE  POST /cckm/dsm/refresh request body application/json: accepts more bodies: the body \
         `{\"domains\":null,\"synchronize_all\":true}` of DsmStartJob was refused and is now accepted",
        "NEUTRAL   schema Sort: no longer a named component: the operations that used it are judged where they are",
    ] {
        assert!(lines.contains(&expected), "{expected}\nnot in\n{}", run.stdout);
    }
    assert!(lines.iter().any(|line| line.starts_with(
        "ADDITIVE  response of 24 operations (POST /cckm/aws/custom-key-stores/synchronization-jobs 409, "
    )));
    let summary = lines.last().unwrap();
    assert!(summary.starts_with("FAIL      2 breaking, "), "{summary}");
    assert!(
        summary.ends_with(&format!(
            "neutral changes: a client of 0.1.0 ({}) can break on {} ({})",
            old.display(),
            cckm_sync::CONTRACT_VERSION,
            new.display()
        )),
        "{summary}"
    );
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let run = run(&["--color", "always"], &[&old("cckm-sync.openapi.json"), &openapi_31()]);
    assert!(run.stdout.starts_with("\u{1b}["), "{}", run.stdout);
    let run_never = self::run(&["--color", "never"], &[&old("cckm-sync.openapi.json"), &openapi_31()]);
    assert!(!run_never.stdout.contains('\u{1b}'));
}

#[test]
fn json_lists_every_change_with_the_versions() {
    let run = run(&["--format", "json"], &[&old("cckm-sync.openapi.json"), &openapi_31()]);
    assert_eq!(run.code, 1, "{run:#?}");
    let diff: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(diff["diff_version"], 1);
    assert_eq!(diff["old"]["version"], "0.1.0");
    assert_eq!(diff["old"]["kind"], "openapi-3.1");
    assert_eq!(diff["new"]["path"], openapi_31().display().to_string());
    assert_eq!(diff["breaking"], true);
    let changes = diff["changes"].as_array().unwrap();
    assert_eq!(diff["totals"]["breaking"], 14);
    let sort: Vec<&Value> = changes
        .iter()
        .filter(|change| change["place"]["kind"] == "parameter" && change["place"]["name"] == "sort")
        .collect();
    assert_eq!(sort.len(), 12);
    assert_eq!(sort[0]["impact"], "breaking");
    assert_eq!(sort[0]["place"]["in"], "query");
    assert_eq!(sort[0]["evidence"]["probe"], "sort=name,-updatedAt");
    assert_eq!(sort[0]["evidence"]["source"], "example");
    assert_eq!(sort[0]["evidence"]["old"], "accepted");
    assert_eq!(sort[0]["evidence"]["new"], "refused");
    for change in changes {
        assert!(["breaking", "additive", "none"].contains(&change["impact"].as_str().unwrap()));
        assert!(change["summary"].is_string());
    }
}

#[test]
fn the_same_contract_in_30_and_31_breaks_nothing() {
    let run = run(&[], &[&openapi_30(), &openapi_31()]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stdout
            .lines()
            .all(|line| line.starts_with("NEUTRAL ") || line.starts_with("OK ")),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .lines()
            .last()
            .unwrap()
            .starts_with("OK        0 breaking, 0 additive, ")
    );
}

#[test]
fn a_version_against_itself_has_no_change() {
    let run = run(&[], &[&openapi_31(), &openapi_31()]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    let expected = format!(
        "OK        0 breaking, 0 additive, 0 neutral changes: every client of {}",
        cckm_sync::CONTRACT_VERSION
    );
    assert!(run.stdout.starts_with(&expected), "{}", run.stdout);
}

#[test]
fn the_b2f6ce1_schema_folders_break_on_the_job_of_any_family() {
    let run = run(&[], &[&old("schemas"), &workspace().join("schemas")]);
    assert_eq!(run.code, 1, "{run:#?}");
    let breaking: Vec<&str> = run
        .stdout
        .lines()
        .filter(|line| line.starts_with("BREAKING "))
        .collect();
    assert_eq!(breaking.len(), 1, "{}", run.stdout);
    assert!(
        breaking[0].starts_with("BREAKING  2 schemas (SyncJob, SyncJobPage): "),
        "{}",
        breaking[0]
    );
}

#[test]
fn unreadable_inputs_and_mixed_kinds_exit_2_with_one_line() {
    let missing = workspace().join("no-such-contract.json");
    usage_error(&run(&[], &[&missing, &openapi_31()]), &missing, "cannot read it");

    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\"openapi\": \"3.1.0\", \"paths\": ").unwrap();
    usage_error(&run(&[], &[&openapi_31(), &broken]), &broken, "not JSON");

    let swagger = dir.path().join("swagger.json");
    std::fs::write(&swagger, r#"{"swagger": "2.0", "paths": {}}"#).unwrap();
    usage_error(
        &run(&[], &[&swagger, &openapi_31()]),
        &swagger,
        "only OpenAPI 3.0 and 3.1",
    );

    let schemas = workspace().join("schemas");
    usage_error(
        &run(&[], &[&openapi_31(), &schemas]),
        &schemas,
        "cannot compare an OpenAPI 3.1 document",
    );

    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    usage_error(&run(&[], &[&empty, &schemas]), &empty, "no `*.schema.json` file");

    let usage = self::run(&[], &[&openapi_31()]);
    assert_eq!(usage.code, 2, "{usage:#?}");
}

/// A named pipe may never end and a device never does: `diff` refuses both before it opens them,
/// as `validate` does, instead of waiting on the pipe or reading `/dev/zero` until memory runs
/// out (it read 2 GB of it before it was refused).
#[test]
fn devices_and_named_pipes_are_refused_before_they_are_opened() {
    let dir = tempfile::tempdir().unwrap();
    let pipe = dir.path().join("pipe.json");
    assert!(Command::new("mkfifo").arg(&pipe).status().unwrap().success());
    // A writer that feeds the pipe a JSON text if `diff` opens it (so that the test ends even
    // where it is read), and otherwise waits for a reader until it is stopped.
    let mut writer = Command::new("sh")
        .arg("-c")
        .arg("printf '{}' > \"$0\"")
        .arg(&pipe)
        .spawn()
        .unwrap();
    let refused = run(&[], &[&pipe, &openapi_31()]);
    let _ = writer.kill();
    let _ = writer.wait();
    usage_error(
        &refused,
        &pipe,
        "not a regular file (a device, a named pipe or a socket)",
    );

    let zero = Path::new("/dev/zero");
    usage_error(&run(&[], &[&openapi_31(), zero]), zero, "not a regular file");
}

/// The folder of the OpenAPI documents given for a document: the error names the files to give,
/// where it said only that the folder held no schema file.
#[test]
fn a_folder_of_documents_names_the_documents_to_give() {
    let folder = workspace().join("openapi");
    usage_error(
        &run(&[], &[&folder, &openapi_31()]),
        &folder,
        "no `*.schema.json` file; it holds cckm-sync.openapi-3.0.json, cckm-sync.openapi.json: give an \
         OpenAPI document as a file, or a folder of schema files",
    );
}

/// Exit 1 says "breaking" to a script: an output that cannot be written is not that, whatever the
/// comparison found (it was 1 for two identical documents written to a full disk).
#[test]
fn an_output_that_cannot_be_written_exits_2_with_one_line() {
    for format in ["text", "json"] {
        let output = support::cckm_sync()
            .args(["diff", "--format", format])
            .args([openapi_31(), openapi_31()])
            .stdout(std::fs::File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(2), "{format}: {stderr}");
        assert_eq!(
            stderr, "error: cannot write the changes: No space left on device (os error 28)\n",
            "{format}"
        );
    }
}

#[test]
fn help_reads_as_documentation() {
    let output = support::output(&mut program(&["diff", "--help"]));
    let help = String::from_utf8(output.stdout).unwrap();
    for expected in [
        "Usage: cckm-sync diff [OPTIONS] <OLD> <NEW>",
        "Exit status: 0 when nothing breaks",
        "--format",
    ] {
        assert!(help.contains(expected), "{expected} not in\n{help}");
    }
}
