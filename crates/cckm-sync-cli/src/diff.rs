//! `cckm-sync diff`: whether a new version of the contract breaks a client of the old one.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anstyle::{AnsiColor, Style};
use cckm_sync_contract::diff::{self, Diff, Impact, Version, VersionSummary};
use clap::Args;

use crate::output::ColorWhen;

/// What `--format` asks for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// One line per change (a change on many operations once), then a summary.
    #[default]
    Text,
    /// Every change, one per place, with its evidence, for programs.
    Json,
}

#[derive(Debug, Args)]
#[command(after_help = "\
What breaks a client of OLD: a request OLD accepted that NEW refuses (a parameter value, a \
start body), a response OLD ruled out that NEW allows (a wider schema, a new success status or \
content type), an operation, parameter, status or schema file removed, a parameter or body \
that becomes required. Additive: a new operation, optional parameter, error status or schema \
file, a request NEW accepts that OLD refused, a narrower response, a new known value of an open \
enum. Neutral: descriptions, examples, titles, `$id`, `info.version`, the same schema in \
another form.

Each verdict on a schema comes from probes both versions judge: the documents' examples, \
bodies and query values built with the cckm-sync model crate, instances generated from both \
versions and mutations of them. The evidence is the simplest probe that shows the change.

Exit status: 0 when nothing breaks, 1 when a change is breaking, 2 for a usage error, an input \
that cannot be read, a document and a folder given together, or an output that cannot be written.

Examples:
  cckm-sync diff old/cckm-sync.openapi.json openapi/cckm-sync.openapi.json
  cckm-sync diff old/schemas schemas
  cckm-sync diff --format json old.json new.json | jq '.changes[] | select(.impact == \"breaking\")'")]
pub(crate) struct DiffArgs {
    /// The old version: an OpenAPI document (3.0 or 3.1, JSON) or a folder of `*.schema.json`
    /// files.
    #[arg(value_name = "OLD")]
    old: PathBuf,

    /// The new version, of the same kind as OLD: two documents (3.0 and 3.1 may be compared)
    /// or two folders.
    #[arg(value_name = "NEW")]
    new: PathBuf,

    /// How to write the changes.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

    /// When to colour the text output.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    color: ColorWhen,
}

/// Exit code 2: a usage error, an input that cannot be read or an output that cannot be written.
const USAGE: u8 = 2;

const BREAKING: Style = AnsiColor::Red.on_default().bold();
const ADDITIVE: Style = AnsiColor::Green.on_default();
const NEUTRAL: Style = AnsiColor::Cyan.on_default();
const OK: Style = AnsiColor::Green.on_default().bold();

/// Runs `cckm-sync diff`.
pub(crate) fn run(args: DiffArgs) -> ExitCode {
    let compared = Version::load(&args.old)
        .and_then(|old| Version::load(&args.new).map(|new| (old, new)))
        .and_then(|(old, new)| diff::compare(&old, &new));
    let diff = match compared {
        Ok(diff) => diff,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(USAGE);
        }
    };
    let written = match args.format {
        Format::Text => {
            let mut out = anstream::AutoStream::new(std::io::stdout().lock(), args.color.choice());
            write_text(&mut out, &diff)
        }
        Format::Json => {
            let mut out = std::io::stdout().lock();
            serde_json::to_string_pretty(&diff)
                .map_err(std::io::Error::other)
                .and_then(|json| writeln!(out, "{json}"))
        }
    };
    if let Err(error) = written
        && error.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("error: cannot write the changes: {error}");
        // Not 1, which says "breaking" to a script, whatever the comparison found.
        return ExitCode::from(USAGE);
    }
    if diff.is_breaking() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The label of a line, coloured, padded to one width.
fn label(style: Style, text: &str) -> String {
    format!("{style}{text:<9}{style:#}")
}

/// `0.1.0 (path)`, or the path alone.
fn named(version: &VersionSummary) -> String {
    match &version.version {
        Some(number) => format!("{number} ({})", version.path),
        None => version.path.clone(),
    }
}

fn write_text(out: &mut impl std::io::Write, diff: &Diff) -> std::io::Result<()> {
    let groups = diff.groups();
    let mut counts = [0_usize; 3];
    for group in &groups {
        let (style, word, slot) = match group.impact() {
            Impact::Breaking => (BREAKING, "BREAKING", 0),
            Impact::Additive => (ADDITIVE, "ADDITIVE", 1),
            Impact::None => (NEUTRAL, "NEUTRAL", 2),
        };
        if let Some(count) = counts.get_mut(slot) {
            *count += 1;
        }
        writeln!(out, "{} {group}", label(style, word))?;
    }
    let [breaking, additive, neutral] = counts;
    let tally = format!(
        "{breaking} breaking, {additive} additive, {neutral} neutral change{}",
        if breaking + additive + neutral == 1 { "" } else { "s" }
    );
    if diff.is_breaking() {
        writeln!(
            out,
            "{} {tally}: a client of {} can break on {}",
            label(BREAKING, "FAIL"),
            named(&diff.old),
            named(&diff.new)
        )?;
    } else {
        writeln!(
            out,
            "{} {tally}: every client of {} keeps working on {}",
            label(OK, "OK"),
            named(&diff.old),
            named(&diff.new)
        )?;
    }
    out.flush()
}
