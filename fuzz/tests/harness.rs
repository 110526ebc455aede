//! The harness as the fuzzers use it: the seeds pass every oracle, the oracles judge with the
//! contract files they are given, and the target programs replay inputs without libFuzzer.

use std::path::{Path, PathBuf};
use std::process::Command;

use cckm_sync_fuzz::{Harness, Oracle, Target};
use serde_json::Value;

fn root() -> PathBuf {
    cckm_sync_codegen::project_root()
}

#[test]
fn every_seed_of_every_target_passes_every_oracle() {
    let harness = Harness::shared().expect("the harness loads");
    let mut problems = Vec::new();
    let mut checked = 0;
    for target in Target::ALL {
        let seeds = target.seeds(&root()).expect("seeds");
        assert!(seeds.len() >= 3, "{target}: only {} seeds", seeds.len());
        for (name, input) in seeds {
            checked += 1;
            if let Err(finding) = harness.check(target, &input) {
                problems.push(format!("{target}/{name}: {finding}"));
            }
        }
    }
    assert!(checked > 50, "only {checked} seeds");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A copy of the workspace's contract files under a temporary root, `edit`ed.
fn contract_copy(edit: impl FnOnce(&Path)) -> tempfile::TempDir {
    let copy = tempfile::tempdir().expect("a temporary folder");
    for folder in ["schemas", "openapi"] {
        std::fs::create_dir(copy.path().join(folder)).expect("a folder");
        for entry in std::fs::read_dir(root().join(folder)).expect("the contract files") {
            let path = entry.expect("a file").path();
            std::fs::copy(&path, copy.path().join(folder).join(path.file_name().expect("a name"))).expect("a copy");
        }
    }
    edit(copy.path());
    copy
}

fn edit_json(path: &Path, edit: impl FnOnce(&mut Value)) {
    let mut value: Value = serde_json::from_slice(&std::fs::read(path).expect("a file")).expect("JSON");
    edit(&mut value);
    std::fs::write(path, value.to_string()).expect("written");
}

#[test]
fn the_agreement_oracle_judges_payloads_with_the_schema_files_it_is_given() {
    let page = std::fs::read(
        root()
            .join(cckm_sync_codegen::fixtures::DIR)
            .join("pages/seed-aws-keys-aborted-and-completed.json"),
    )
    .expect("a page fixture");
    let real = Harness::load(&root()).expect("the harness loads");
    assert_eq!(real.check(Target::Page, &page), Ok(()));

    // A schema that says less than the parser: a referenced file now refuses every job.
    let copy = contract_copy(|root| {
        edit_json(&root.join("schemas/SyncJob.schema.json"), |schema| {
            schema["required"]
                .as_array_mut()
                .expect("required")
                .push("progress".into());
        });
    });
    let finding = Harness::load(copy.path())
        .expect("the copy loads")
        .check(Target::Page, &page)
        .expect_err("the parser and the edited schema disagree");
    assert_eq!(finding.oracle, Oracle::Agreement);
    assert_eq!(finding.model, "SyncJobPage");
    assert!(
        finding
            .detail
            .contains("the parser accepts it, the schema file rejects it")
            && finding.detail.contains("/resources/0")
            && finding.detail.contains("progress"),
        "{finding}"
    );

    // Nor does it judge what no schema can: an error code below the 64-bit range, which the
    // validator sees rounded to -2^63, in range (see fuzz/findings/error-code-below-int64.json
    // for what the parser makes of it).
    let below = br#"{"code": -9223372036854775809, "message": "no"}"#;
    assert!(cckm_sync_codegen::fixtures::schema_json(std::str::from_utf8(below).expect("UTF-8")).is_err());
    assert_eq!(real.check(Target::Error, below), Ok(()));
}

#[test]
fn the_query_oracle_judges_each_parameter_with_its_schema_in_the_openapi_document() {
    let real = Harness::load(&root()).expect("the harness loads");
    assert_eq!(real.check(Target::Query, b"skip=6&limit=-1"), Ok(()));

    let copy = contract_copy(|root| {
        edit_json(&root.join("openapi/cckm-sync.openapi.json"), |openapi| {
            for operation in openapi["paths"].as_object_mut().expect("paths").values_mut() {
                for parameter in operation["get"]["parameters"].as_array_mut().into_iter().flatten() {
                    if parameter["name"] == "skip" {
                        parameter["schema"]["maximum"] = 5.into();
                    }
                }
            }
        });
    });
    let edited = Harness::load(copy.path()).expect("the copy loads");
    assert_eq!(edited.check(Target::Query, b"skip=5&limit=-1"), Ok(()));
    let finding = edited
        .check(Target::Query, b"skip=6&limit=-1")
        .expect_err("the parser and the edited parameter disagree");
    assert_eq!(finding.oracle, Oracle::Agreement);
    assert!(
        finding.detail.contains("skip = 6") && finding.detail.contains("GET /cckm/"),
        "{finding}"
    );
    // A parameter the operation does not list is the parser's alone to refuse.
    assert_eq!(edited.check(Target::Query, b"skip=6&page=2"), Ok(()));
}

#[test]
fn every_target_has_a_program() {
    let manifest = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).expect("manifest");
    for target in Target::ALL {
        let program = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("fuzz_targets/{target}.rs"));
        let source = std::fs::read_to_string(&program).unwrap_or_else(|error| panic!("{}: {error}", program.display()));
        let variant = format!("{target:?}");
        assert!(source.contains(&format!("Target::{variant};")), "{}", program.display());
        assert!(
            manifest.contains(&format!("name = \"{target}\"\npath = \"fuzz_targets/{target}.rs\"")),
            "no [[bin]] {target} in fuzz/Cargo.toml"
        );
    }
}

#[test]
fn the_dictionaries_hold_the_wire_names_and_values() {
    let json = Target::Job.dictionary(&root()).expect("a dictionary");
    for token in [
        r#""\"overall_status\"""#,
        r#""\"createdAt\"""#,
        r#""\"completed\"""#,
        r#""\"AzureCloud\"""#,
        r#""null""#,
    ] {
        assert!(json.lines().any(|line| line == token), "no {token} in\n{json}");
    }
    let query = Target::Query.dictionary(&root()).expect("a dictionary");
    for token in [r#""kms=""#, r#""&key_vaults=""#, r#""%C2%85""#] {
        assert!(query.lines().any(|line| line == token), "no {token} in\n{query}");
    }
    // libFuzzer reads one quoted token a line, with `\\`, `\"` and `\xNN` escapes.
    for line in json.lines().chain(query.lines()) {
        let inner = line
            .strip_prefix('"')
            .and_then(|rest| rest.strip_suffix('"'))
            .unwrap_or_else(|| panic!("{line}"));
        assert!(inner.bytes().all(|byte| (b' '..=b'~').contains(&byte)), "{line}");
        assert!(!inner.replace("\\\\", "").replace("\\\"", "").contains('"'), "{line}");
    }
}

fn program(target: Target) -> Command {
    let path = match target {
        Target::Page => env!("CARGO_BIN_EXE_page"),
        Target::Job => env!("CARGO_BIN_EXE_job"),
        Target::Start => env!("CARGO_BIN_EXE_start"),
        Target::Error => env!("CARGO_BIN_EXE_error"),
        Target::Query => env!("CARGO_BIN_EXE_query"),
    };
    Command::new(path)
}

#[test]
fn built_without_libfuzzer_a_target_replays_the_files_it_is_given() {
    let fixtures = root().join(cckm_sync_codegen::fixtures::DIR);
    let output = program(Target::Job)
        .arg(fixtures.join("jobs"))
        .output()
        .expect("the program runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("seed-google-completed.json: ok"), "{stdout}");
    assert!(stdout.trim_end().ends_with(" passed, 0 failed"), "{stdout}");

    let missing = program(Target::Error)
        .arg(fixtures.join("errors/no-such-file.json"))
        .output()
        .expect("runs");
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stdout).contains("no-such-file.json: cannot read"));

    let usage = program(Target::Query).output().expect("the program runs");
    assert_eq!(usage.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&usage.stderr).starts_with("usage: query FILE|FOLDER..."));
}
