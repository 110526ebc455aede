//! Project automation, run as `cargo xtask <command>` (an alias in `.cargo/config.toml`).
//!
//! The commands are declared once, in [`COMMANDS`]: the usage text and the dispatch come from
//! that table. The generator itself is the `cckm-sync-codegen` crate, which the fuzz harness
//! and the contract tests share; this program runs it and the project's other tools.
//!
//! Exit codes: 0 when the command succeeds, 1 when it fails, 2 for a usage error.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line tool reports on its streams"
)]

use std::process::ExitCode;

use cckm_sync_codegen::Mode;

mod bench;
mod bench_mock;
mod bench_proxy;
mod bench_validate;
mod clients;
mod codegen;
mod dist;
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

/// A command: its name, the arguments it takes, what it does, and how it runs.
struct Command {
    name: &'static str,
    /// The arguments after the name, as the usage shows them.
    arguments: &'static str,
    /// What it does, a line or a few.
    help: &'static str,
    run: fn(&[String]) -> Result<(), CommandError>,
}

/// Every command.
const COMMANDS: &[Command] = &[
    Command {
        name: "codegen",
        arguments: "[--check]",
        help: "write the JSON Schema and OpenAPI files; with --check, change nothing and fail if a committed \
               file is stale",
        run: |args| match args {
            [] => codegen::run(Mode::Write).map_err(CommandError::from),
            [flag] if flag == "--check" => codegen::run(Mode::Check).map_err(CommandError::from),
            _ => Err(CommandError::unexpected(args)),
        },
    },
    Command {
        name: "test",
        arguments: "",
        help: "run every test, check snapshots and the serde-only build (what CI runs)",
        run: |args| none(args).and_then(|()| test::run().map_err(CommandError::from)),
    },
    Command {
        name: "gate",
        arguments: "",
        help: "run the compatibility gate alone (a step of `test`): the contract and the crates against their \
               last release (releases/), and the packages built and run",
        run: |args| none(args).and_then(|()| release::gate().map(drop).map_err(CommandError::from)),
    },
    Command {
        name: "release",
        arguments: "",
        help: "run the compatibility gate, date the CHANGELOG sections of the new versions and record the release \
               in releases/ (VERSIONING.md says when and how)",
        run: |args| none(args).and_then(|()| release::release().map_err(CommandError::from)),
    },
    Command {
        name: "clients",
        arguments: "[WORD...]",
        help: "generate a client with each generator (or those whose name holds a word) from openapi/ and run its \
               scenario against `cckm-sync mock` (a step of `test`)",
        run: |args| clients::run_alone(args).map_err(CommandError::from),
    },
    Command {
        name: "dist",
        arguments: "[--dev] [--out DIR] | dist --test",
        help: "build the Python wheel and the npm package (the `cckm-sync` program inside) and the offline API \
               reference into target/dist/ (`cargo xtask dist --help` says more)",
        run: |args| {
            if args.iter().any(|arg| arg == "-h" || arg == "--help") {
                println!("{}", dist::USAGE);
                return Ok(());
            }
            let options = dist::Options::parse(args)
                .map_err(|message| CommandError::Usage(format!("{message}\n\n{}", dist::USAGE)))?;
            dist::run_alone(&options).map_err(CommandError::from)
        },
    },
    Command {
        name: "probe",
        arguments: "[--program PATH]",
        help: "replay the hostile-client probes against `cckm-sync mock` at full size (idle sockets, large starts, \
               the control API, the received-requests log, items across the store, lists beside starts, \
               stalled TLS handshakes) and print each figure beside its bound",
        run: |args| probe::run(args).map_err(CommandError::from),
    },
    Command {
        name: "sdk",
        arguments: "",
        help: "drive `cckm-sync mock` with the vendor's Python SDK (ciphertrust-sdk, pinned in tools/sdk/): \
               login, start, get, list with filters and limit=-1, cancel, refresh, on two families",
        run: |args| none(args).and_then(|()| sdk::run().map_err(CommandError::from)),
    },
    Command {
        name: "bench",
        arguments: "[ARG...]",
        help: "run the parse benchmark and print the ratios between typed and baseline parsing",
        run: |args| bench::run(args).map_err(CommandError::from),
    },
    Command {
        name: "bench-mock",
        arguments: "",
        help: "measure `cckm-sync mock` against Prism on the same document (wrk, 64 connections)",
        run: |args| none(args).and_then(|()| bench_mock::run().map_err(CommandError::from)),
    },
    Command {
        name: "bench-validate",
        arguments: "",
        help: "time `cckm-sync validate` against check-jsonschema on the same files",
        run: |args| none(args).and_then(|()| bench_validate::run().map_err(CommandError::from)),
    },
    Command {
        name: "bench-proxy",
        arguments: "",
        help: "measure the latency `cckm-sync proxy` adds to calls to `cckm-sync mock`",
        run: |args| none(args).and_then(|()| bench_proxy::run().map_err(CommandError::from)),
    },
    Command {
        name: "probe-drift",
        arguments: "",
        help: "replay at full size what a stranger can make `cckm-sync proxy` keep and `validate` read (new \
               query parameter names, new fields, a 600 MiB HAR file, a device and a named pipe, the HAR \
               file's bound), each figure beside its bound",
        run: |args| none(args).and_then(|()| probe_drift::run().map_err(CommandError::from)),
    },
    Command {
        name: "fuzz",
        arguments: "[TARGET] [--runs N] [--time SECONDS] | fuzz --smoke",
        help: "build the fuzz targets with coverage instrumentation and run them with libFuzzer (`cargo xtask \
               fuzz --help` says more)",
        run: |args| {
            if args.iter().any(|arg| arg == "-h" || arg == "--help") {
                println!("{}", fuzz::usage());
                return Ok(());
            }
            let options = fuzz::Options::parse(args)
                .map_err(|message| CommandError::Usage(format!("{message}\n\n{}", fuzz::usage())))?;
            fuzz::run(&options).map_err(CommandError::from)
        },
    },
];

/// Why a command did not succeed.
enum CommandError {
    /// The arguments are wrong: exit code 2.
    Usage(String),
    /// The command ran and failed: exit code 1.
    Failed(String),
}

impl CommandError {
    fn unexpected(args: &[String]) -> Self {
        Self::Usage(format!("unexpected arguments {args:?}\n\n{}", usage()))
    }
}

impl From<String> for CommandError {
    fn from(message: String) -> Self {
        Self::Failed(message)
    }
}

/// A command that takes no argument was given none.
fn none(args: &[String]) -> Result<(), CommandError> {
    if args.is_empty() {
        Ok(())
    } else {
        Err(CommandError::unexpected(args))
    }
}

/// The usage text, from [`COMMANDS`].
fn usage() -> String {
    let mut text = "usage: cargo xtask <command>\n\ncommands:".to_owned();
    for command in COMMANDS {
        let head = format!("{} {}", command.name, command.arguments);
        text.push_str(&format!("\n  {}\n      {}", head.trim_end(), command.help));
    }
    text
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rest = args.get(1..).unwrap_or_default();
    let result = match args.first().map(String::as_str) {
        Some("help" | "-h" | "--help") => {
            println!("{}", usage());
            Ok(())
        }
        Some(name) => match COMMANDS.iter().find(|command| command.name == name) {
            Some(command) => (command.run)(rest),
            None => Err(CommandError::Usage(format!("no command {name:?}\n\n{}", usage()))),
        },
        None => Err(CommandError::Usage(usage())),
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
