//! Project automation, run as `cargo xtask <command>` (an alias in `.cargo/config.toml`).
//!
//! - `cargo xtask test`: every test of the workspace, as CI runs it.
//! - `cargo xtask bench`: the parse benchmark, with the ratios between its targets.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line tool reports on its streams"
)]

use std::process::ExitCode;

mod bench;
mod run;
mod test;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  test     run every test, check snapshots and the serde-only build (what CI runs)
  bench    run the parse benchmark and print the ratios between typed and baseline parsing";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") => test::run(),
        Some("bench") => bench::run(args.get(1..).unwrap_or_default()),
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
