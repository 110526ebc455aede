//! Project automation, run as `cargo xtask <command>` (an alias in `.cargo/config.toml`).
//!
//! - `cargo xtask codegen [--check]`: write (or check) the generated `schemas/` and `openapi/`.
//! - `cargo xtask test`: every test of the workspace, as CI runs it.
//! - `cargo xtask bench`: the parse benchmark, with the ratios between its targets.
//! - `cargo xtask bench-mock`: `cckm-sync mock` against Prism, requests per second and p99.
//! - `cargo xtask bench-validate`: `cckm-sync validate` against check-jsonschema on the same files.
//! - `cargo xtask bench-proxy`: the latency `cckm-sync proxy` adds to calls to the mock.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line tool reports on its streams"
)]

use std::process::ExitCode;

mod bench;
mod bench_contract;
mod bench_mock;
mod run;
mod schemathesis;
mod test;
mod validate;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  codegen [--check]  write the JSON Schema and OpenAPI files; with --check, change nothing
                     and fail if a committed file is stale
  test     run every test, check snapshots and the serde-only build (what CI runs)
  bench    run the parse benchmark and print the ratios between typed and baseline parsing
  bench-mock  measure `cckm-sync mock` against Prism on the same document (wrk, 64 connections)
  bench-validate  time `cckm-sync validate` against check-jsonschema on the same files
  bench-proxy  measure the latency `cckm-sync proxy` adds to calls to `cckm-sync mock`";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen(args.get(1..).unwrap_or_default()),
        Some("test") => test::run(),
        Some("bench") => bench::run(args.get(1..).unwrap_or_default()),
        Some("bench-mock") => bench_mock::run(),
        Some("bench-validate") => bench_contract::validate(),
        Some("bench-proxy") => bench_contract::proxy(),
        Some("help" | "-h" | "--help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn codegen(args: &[String]) -> Result<(), String> {
    use xtask::codegen::{self, Mode};
    let mode = match args {
        [] => Mode::Write,
        [flag] if flag == "--check" => Mode::Check,
        _ => return Err(format!("unexpected arguments {args:?}\n\n{USAGE}")),
    };
    let start = std::time::Instant::now();
    let files = codegen::generate()?;
    let changed = codegen::update(&xtask::project_root(), &files, mode)?;
    let elapsed = start.elapsed();
    match mode {
        Mode::Write if changed.is_empty() => eprintln!("{} files up to date ({elapsed:.1?})", files.len()),
        Mode::Write => eprintln!(
            "updated {} of {} files ({elapsed:.1?}): {}",
            changed.len(),
            files.len(),
            changed.join(", ")
        ),
        Mode::Check => eprintln!("{} generated files are up to date ({elapsed:.1?})", files.len()),
    }
    Ok(())
}
