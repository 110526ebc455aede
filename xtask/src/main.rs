//! Project automation, run as `cargo xtask <command>` (an alias in `.cargo/config.toml`).
//!
//! The commands are declared once, in the grammar of [`flags`]: the parser, the help texts and
//! the structs [`dispatch`] matches on come from it. The generator itself is the
//! `cckm-sync-codegen` crate, which the fuzz harness and the contract tests share; this program
//! runs it and the project's other tools.
//!
//! Exit codes: 0 when the command succeeds, 1 when it fails, 2 for a usage error.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line tool reports on its streams"
)]

use std::io::Write as _;
use std::process::ExitCode;

use cckm_sync_codegen::Mode;

mod bench;
mod bench_mock;
mod bench_proxy;
mod bench_validate;
mod clients;
mod codegen;
mod dist;
mod flags;
mod fuzz;
mod probe;
mod probe_drift;
mod release;
mod run;
mod schemathesis;
mod sdk;
mod server;
mod test;
mod tools;
mod validators;

/// Why a command did not succeed: it ran and failed (exit code 1), or its arguments are wrong
/// (exit code 2).
enum CommandError {
    Usage(String),
    Failed(String),
}

impl From<String> for CommandError {
    fn from(message: String) -> Self {
        Self::Failed(message)
    }
}

/// Runs the command the arguments name.
fn dispatch(command: flags::XtaskCmd) -> Result<(), CommandError> {
    use flags::XtaskCmd;
    match command {
        XtaskCmd::Codegen(flags) => codegen::run(if flags.check { Mode::Check } else { Mode::Write })?,
        XtaskCmd::Test(_) => test::run()?,
        XtaskCmd::Gate(_) => release::gate().map(drop)?,
        XtaskCmd::Release(_) => release::release()?,
        XtaskCmd::Clients(flags) => clients::run_alone(&flags.words)?,
        XtaskCmd::Dist(flags) => dist::run_alone(&dist::Options::from_flags(flags).map_err(CommandError::Usage)?)?,
        XtaskCmd::Probe(flags) => probe::run(flags.program)?,
        XtaskCmd::Sdk(_) => sdk::run()?,
        XtaskCmd::Bench(flags) => bench::run(&flags.criterion_args)?,
        XtaskCmd::BenchMock(_) => bench_mock::run()?,
        XtaskCmd::BenchValidate(_) => bench_validate::run()?,
        XtaskCmd::BenchProxy(_) => bench_proxy::run()?,
        XtaskCmd::ProbeDrift(_) => probe_drift::run()?,
        XtaskCmd::Fuzz(flags) => fuzz::run(&fuzz::Options::from_flags(flags).map_err(CommandError::Usage)?)?,
    }
    Ok(())
}

fn main() -> ExitCode {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    // `cargo xtask help` is `cargo xtask --help`.
    if args.first().is_some_and(|first| first == "help") {
        args[0] = "--help".into();
    }
    let result = match flags::Xtask::from_vec(args) {
        Ok(flags) => dispatch(flags.subcommand),
        Err(error) if error.is_help() => {
            // Help goes to stdout; a closed pipe (`| head`) is not a failure.
            let _ = writeln!(std::io::stdout(), "{error}");
            Ok(())
        }
        Err(error) => Err(CommandError::Usage(format!(
            "{error} (`cargo xtask --help` lists the commands)"
        ))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(CommandError::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(CommandError::Failed(message)) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
