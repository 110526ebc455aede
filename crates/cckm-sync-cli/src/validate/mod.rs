//! `cckm-sync validate`: judges recorded responses and HAR files against the contract.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use cckm_sync::endpoints::{ENDPOINTS, Endpoint, Operation};
use cckm_sync_contract::{Contract, Report};
use clap::Args;

use crate::output::{self, ColorWhen};

mod inputs;
pub(crate) mod junit;

pub(crate) use inputs::Hints;

/// What `--format` asks for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// One line per failure, drift counted across inputs, a summary.
    #[default]
    Human,
    /// The report as JSON, for tools (the form the proxy's `--report` writes).
    Json,
    /// JUnit XML, for CI systems: a test suite per file, a test case per body.
    Junit,
}

/// `--operation`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum OperationArg {
    /// A list response: a page of jobs.
    List,
    /// A get response: a job.
    Get,
    /// A start response (a job), or with `--request` a start request.
    Start,
    /// A cancel response: a job.
    Cancel,
}

impl From<OperationArg> for Operation {
    fn from(operation: OperationArg) -> Self {
        match operation {
            OperationArg::List => Operation::List,
            OperationArg::Get => Operation::Get,
            OperationArg::Start => Operation::Start,
            OperationArg::Cancel => Operation::Cancel,
        }
    }
}

#[derive(Debug, Args)]
#[command(after_help = "\
Exit status: 0 when every body passes (drift is a warning), 1 when a body fails, the parser and \
the schema disagree, or (with --strict) a body holds drift; 2 for a usage error, an input that \
cannot be read, or results that cannot be written.

Examples:
  cckm-sync validate recorded/                      every .json and .har file under recorded/
  cckm-sync validate --format junit traffic.har > contract.xml
  curl -s … | cckm-sync validate --endpoint aws-keys --operation list -")]
pub(crate) struct ValidateArgs {
    /// Response bodies (`.json`), HAR files (`.har`, or a `.json` holding a HAR log), or
    /// folders searched for both; `-` reads one from standard input. Only regular files are
    /// read (not devices, named pipes or sockets).
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<PathBuf>,

    /// Fail on drift too: fields, `overall_status` or `cloud` values, or query parameters
    /// the contract does not know.
    #[arg(long)]
    strict: bool,

    /// How to write the results.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,

    /// The endpoint the bodies come from (the family of their jobs). Without it, a job's
    /// family is that of its `cloud`. For bodies on their own: a HAR entry names its call by
    /// method and path.
    #[arg(long, value_name = "NAME", value_parser = endpoint_names())]
    endpoint: Option<String>,

    /// The operation the bodies answer: `list` for a page of jobs, `get`, `start` or
    /// `cancel` for a job. Without it, the shape of each body says.
    #[arg(long, value_enum, value_name = "OPERATION")]
    operation: Option<OperationArg>,

    /// The bodies are start requests, not responses (the family from --endpoint, or from
    /// the scope field the request names).
    #[arg(long)]
    request: bool,

    /// The HTTP status the bodies came with: with 400 to 599 they are error bodies.
    #[arg(long, value_name = "CODE", value_parser = clap::value_parser!(u16).range(100..=599))]
    status: Option<u16>,

    /// When to colour the human output.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    color: ColorWhen,

    /// The most bytes read of each input (`500MB`, `2GiB`); a larger one cannot be read.
    /// HAR files are read entry by entry, never whole.
    #[arg(long, value_name = "SIZE", default_value = "1GiB", value_parser = crate::files::parse_size)]
    max_input_size: u64,
}

fn endpoint_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(ENDPOINTS.iter().map(|endpoint| endpoint.name))
}

/// Exit code 2: a usage error, an input that cannot be read or results that cannot be written.
const USAGE: u8 = 2;

/// Runs `cckm-sync validate`.
pub(crate) fn run(args: ValidateArgs) -> ExitCode {
    let started = Instant::now();
    if args.request && args.operation.is_some_and(|operation| operation != OperationArg::Start) {
        eprintln!("error: --request is for start requests: give --operation start, or leave --operation out");
        return ExitCode::from(USAGE);
    }
    if args.request && args.status.is_some() {
        eprintln!("error: --status is the status of a response: it does not go with --request");
        return ExitCode::from(USAGE);
    }
    let contract = match Contract::embedded() {
        Ok(contract) => contract,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let endpoint: Option<&'static Endpoint> = args.endpoint.as_deref().and_then(cckm_sync::endpoints::find);
    let hints = Hints {
        endpoint,
        operation: args.operation.map(Operation::from),
        request: args.request,
        status: args.status,
    };
    let files = match crate::files::collect(&args.paths) {
        Ok(files) => files,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(USAGE);
        }
    };
    let mut report = Report::new(args.strict);
    let timings = inputs::check_all(contract, &files, &hints, args.max_input_size, &mut report);
    let elapsed = started.elapsed();
    // The flags describe bodies on their own: a HAR entry is judged by the call it records.
    let mut har_files = timings.iter().filter(|timing| timing.har);
    if let (Some(flags), Some(first)) = (hints.given(), har_files.next()) {
        let others = har_files.count();
        let more = match others {
            0 => String::new(),
            1 => " and 1 other HAR file".to_owned(),
            n => format!(" and {n} other HAR files"),
        };
        eprintln!(
            "warning: {flags}: for bodies on their own; the entries of {}{more} are judged by the call each records",
            first.name
        );
    }

    let written = match args.format {
        Format::Human => {
            let mut out = anstream::AutoStream::new(std::io::stdout().lock(), args.color.choice());
            write_human(&mut out, &report, files.len())
        }
        Format::Json => {
            let mut out = std::io::stdout().lock();
            writeln!(out, "{}", report.to_json(&tool()))
        }
        Format::Junit => junit::write(&mut std::io::stdout().lock(), &report, &timings, elapsed),
    };
    for error in report.errors() {
        eprintln!("error: {error}");
    }
    if let Err(error) = written {
        // A closed pipe (`| head`) is the reader's choice, not a failure to report.
        if error.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write the results: {error}");
            // Not 1, which says "a body failed" to a script, whatever the bodies hold.
            return ExitCode::from(USAGE);
        }
    }
    if !report.errors().is_empty() {
        ExitCode::from(USAGE)
    } else if report.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// `cckm-sync <version>`: who made a report.
pub(crate) fn tool() -> String {
    format!("cckm-sync {}", env!("CARGO_PKG_VERSION"))
}

fn write_human(out: &mut impl std::io::Write, report: &Report, files: usize) -> std::io::Result<()> {
    for case in report.cases() {
        output::write_case(out, case, report.is_strict())?;
    }
    output::write_other_calls(out, report)?;
    output::write_drift(out, report)?;
    let inputs = format!("{files} file{}", if files == 1 { "" } else { "s" });
    output::write_summary(out, report, &inputs, (report.totals().unreadable, "unreadable"))?;
    out.flush()
}
