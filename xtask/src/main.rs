//! Project automation, run as `cargo xtask <command>` (an alias in `.cargo/config.toml`).
//!
//! - `cargo xtask codegen [--check]`: write (or check) the generated `schemas/` and `openapi/`.
//! - `cargo xtask test`: every test of the workspace, as CI runs it.
//! - `cargo xtask gate`: the compatibility gate alone (a step of `test`).
//! - `cargo xtask release`: the compatibility gate, then the release recorded in `releases/`.
//! - `cargo xtask clients`: clients generated from `openapi/`, run against `cckm-sync mock`.
//! - `cargo xtask dist`: the Python and npm packages and the offline API reference.
//! - `cargo xtask bench`: the parse benchmark, with the ratios between its targets.
//! - `cargo xtask bench-mock`: `cckm-sync mock` against Prism, requests per second and p99.
//! - `cargo xtask bench-validate`: `cckm-sync validate` against check-jsonschema on the same files.
//! - `cargo xtask bench-proxy`: the latency `cckm-sync proxy` adds to calls to the mock.
//! - `cargo xtask fuzz`: the coverage-guided fuzz targets of `fuzz/`.
//!
//! Exit codes: 0 when the command succeeds, 1 when it fails, 2 for a usage error.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line tool reports on its streams"
)]

use std::process::ExitCode;

mod bench;
mod bench_contract;
mod bench_mock;
mod clients;
mod dist;
mod fuzz;
mod release;
mod run;
mod schemathesis;
mod server;
mod test;
mod validate;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  codegen [--check]  write the JSON Schema and OpenAPI files; with --check, change nothing
                     and fail if a committed file is stale
  test     run every test, check snapshots and the serde-only build (what CI runs)
  gate     run the compatibility gate alone (a step of `test`): the contract and the crates
           against their last release (releases/), and the packages built and run
  release  run the compatibility gate, date the CHANGELOG sections of the new versions and
           record the release in releases/ (VERSIONING.md says when and how)
  clients [WORD...]  generate a client with each generator (or those whose name holds a
           word) from openapi/ and run its scenario against `cckm-sync mock` (a step of `test`)
  dist [--dev] [--out DIR]
           build the Python wheel and the npm package (the `cckm-sync` program inside) and
           the offline API reference into target/dist/ (`cargo xtask dist --help` says more)
  bench    run the parse benchmark and print the ratios between typed and baseline parsing
  bench-mock  measure `cckm-sync mock` against Prism on the same document (wrk, 64 connections)
  bench-validate  time `cckm-sync validate` against check-jsonschema on the same files
  bench-proxy  measure the latency `cckm-sync proxy` adds to calls to `cckm-sync mock`
  fuzz [TARGET] [--runs N] [--time SECONDS] | fuzz --smoke
           build the fuzz targets with coverage instrumentation and run them with libFuzzer
           (`cargo xtask fuzz --help` says more)";

/// Why a command did not succeed.
enum Failure {
    /// The arguments are wrong: exit code 2.
    Usage(String),
    /// The command ran and failed: exit code 1.
    Failed(String),
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Self::Failed(message)
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rest = args.get(1..).unwrap_or_default();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen(rest),
        Some("test") if rest.is_empty() => test::run().map_err(Failure::from),
        Some("gate") if rest.is_empty() => release::gate().map(drop).map_err(Failure::from),
        Some("release") if rest.is_empty() => release::release().map_err(Failure::from),
        Some("clients") => clients::run_alone(rest).map_err(Failure::from),
        Some("dist") if rest.iter().any(|arg| arg == "-h" || arg == "--help") => {
            println!("{}", dist::USAGE);
            Ok(())
        }
        Some("dist") => match dist::Options::parse(rest) {
            Ok(options) => dist::run_alone(&options).map_err(Failure::from),
            Err(message) => Err(Failure::Usage(format!("{message}\n\n{}", dist::USAGE))),
        },
        Some("bench") => bench::run(rest).map_err(Failure::from),
        Some("bench-mock") if rest.is_empty() => bench_mock::run().map_err(Failure::from),
        Some("fuzz") if rest.iter().any(|arg| arg == "-h" || arg == "--help") => {
            println!("{}", fuzz::usage());
            Ok(())
        }
        Some("fuzz") => match fuzz::Options::parse(rest) {
            Ok(options) => fuzz::run(&options).map_err(Failure::from),
            Err(message) => Err(Failure::Usage(format!("{message}\n\n{}", fuzz::usage()))),
        },
        Some("bench-validate") if rest.is_empty() => bench_contract::validate().map_err(Failure::from),
        Some("bench-proxy") if rest.is_empty() => bench_contract::proxy().map_err(Failure::from),
        Some("help" | "-h" | "--help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(Failure::Usage(USAGE.to_owned())),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Failed(message)) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn codegen(args: &[String]) -> Result<(), Failure> {
    use xtask::codegen::{self, Mode};
    let mode = match args {
        [] => Mode::Write,
        [flag] if flag == "--check" => Mode::Check,
        _ => return Err(Failure::Usage(format!("unexpected arguments {args:?}\n\n{USAGE}"))),
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
