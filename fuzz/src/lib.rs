//! Coverage-guided fuzz targets of the cckm-sync models, and the oracles they check.
//!
//! Each [`Target`] reads one kind of input with every model of that kind and checks these
//! oracles on each model:
//!
//! - **round trip**: whatever the parser accepts, it serializes; its own output parses back
//!   to an equal value, which serializes to the same text;
//! - **fidelity** (responses: pages, jobs, error bodies): what the parser read from a JSON
//!   document it writes back as the same JSON value, as the crate promises ("nothing is lost"),
//!   but for the spelling of timestamps (written in UTC) and UUIDs (in lower case);
//! - **agreement**: the parser accepts exactly what the committed contract accepts. For a
//!   JSON payload, the contract is the model's schema file (`schemas/<Model>.schema.json`,
//!   read at run time with the files it `$ref`s, validated by the `jsonschema` crate with
//!   formats). For a list query, it is the schema of each query parameter of the family's
//!   list operations in the OpenAPI 3.1 document.
//!
//! The agreement oracle judges only what a schema can judge: JSON Schema judges a JSON
//! value, so a text that is not well-formed JSON, repeats a key or respells an integer is
//! left to the parser ([`cckm_sync_codegen::fixtures::schema_json`], as in the contract tests), and so is
//! a query that names a parameter the operation does not list, repeats one that takes a single
//! value, or gives an integer parameter a text that is not a 64-bit integer literal. And no
//! target may panic, whatever its input.
//!
//! The programs under `fuzz_targets/` are the libFuzzer targets (built by `cargo xtask fuzz`
//! with `--cfg fuzzing` and coverage instrumentation); built without it, each replays the
//! files it is given and prints what the oracles say.

mod finding;
mod harness;
mod json;
mod mutate;
mod query;

pub use finding::{Finding, Oracle, Target};
pub use harness::Harness;
pub use mutate::{ByteMutator, mutate_json};

/// libFuzzer's initialization of a target: loads the harness before the first input.
///
/// # Panics
///
/// If the contract cannot be loaded: nothing can be fuzzed then.
pub fn fuzz_init() {
    if let Err(error) = Harness::shared() {
        panic!("cannot load the fuzz harness: {error}");
    }
}

/// libFuzzer's run of `target` on one input.
///
/// # Panics
///
/// On a finding, with its description: libFuzzer saves the input as a crash.
pub fn fuzz_one(target: Target, input: &[u8]) {
    let harness = Harness::shared().unwrap_or_else(|error| panic!("cannot load the fuzz harness: {error}"));
    if let Err(finding) = harness.check(target, input) {
        panic!("{target}: {finding}");
    }
}

/// The program of `target` built without libFuzzer: checks each file given (a folder stands
/// for the files in it) and prints one line per file. Exit code 0 when no file breaks an
/// oracle, 1 when one does or cannot be read, 2 for a usage error.
#[allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a program that reports on its streams"
)]
pub fn replay_main(target: Target) -> std::process::ExitCode {
    use std::io::Write as _;
    use std::process::ExitCode;

    let paths: Vec<std::path::PathBuf> = std::env::args_os().skip(1).map(Into::into).collect();
    if paths.is_empty() || paths.iter().any(|path| path.to_string_lossy().starts_with('-')) {
        eprintln!(
            "usage: {target} FILE|FOLDER...\n\nChecks the oracles of the fuzz target `{target}` ({}) on each file. \
             Fuzzing itself runs with `cargo xtask fuzz {target}`.",
            target.what()
        );
        return ExitCode::from(2);
    }
    let harness = match Harness::shared() {
        Ok(harness) => harness,
        Err(error) => {
            eprintln!("error: cannot load the fuzz harness: {error}");
            return ExitCode::FAILURE;
        }
    };
    let files = match input_files(&paths) {
        Ok(files) => files,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    // A closed standard output (`| head`) ends the report, not the program with a panic.
    let mut out = std::io::stdout().lock();
    let mut failed = 0_usize;
    for file in &files {
        let line = match std::fs::read(file) {
            Ok(input) => match harness.check(target, &input) {
                Ok(()) => format!("{}: ok", file.display()),
                Err(finding) => {
                    failed += 1;
                    format!("{}: {finding}", file.display())
                }
            },
            Err(error) => {
                failed += 1;
                format!("{}: cannot read: {error}", file.display())
            }
        };
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out, "{} passed, {failed} failed", files.len() - failed);
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The files at `paths`, in order; a folder stands for the files directly in it, sorted by name.
pub fn input_files(paths: &[std::path::PathBuf]) -> Result<Vec<std::path::PathBuf>, String> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut entries: Vec<std::path::PathBuf> = std::fs::read_dir(path)
                .map_err(|error| format!("{}: {error}", path.display()))?
                .map(|entry| entry.map(|entry| entry.path()))
                .collect::<Result<_, _>>()
                .map_err(|error| format!("{}: {error}", path.display()))?;
            entries.retain(|entry| entry.is_file());
            entries.sort();
            files.extend(entries);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}
