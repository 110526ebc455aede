//! What `validate` and `proxy` print for people: one line per failure, drift counted across
//! inputs, a summary; coloured only on a terminal (or as `--color` says).

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use cckm_sync_contract::{Case, Report, Verdict};

/// `--color`: when to colour the output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ColorWhen {
    /// When writing to a terminal, unless `NO_COLOR` is set.
    #[default]
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

impl ColorWhen {
    pub(crate) fn choice(self) -> anstream::ColorChoice {
        match self {
            Self::Auto => anstream::ColorChoice::Auto,
            Self::Always => anstream::ColorChoice::Always,
            Self::Never => anstream::ColorChoice::Never,
        }
    }
}

const FAIL: Style = AnsiColor::Red.on_default().bold();
const BUG: Style = AnsiColor::Magenta.on_default().bold();
const DRIFT: Style = AnsiColor::Yellow.on_default().bold();
const SKIP: Style = AnsiColor::Cyan.on_default();
const OK: Style = AnsiColor::Green.on_default().bold();

/// The label of a line, coloured, padded to one width.
fn label(style: Style, text: &str) -> String {
    format!("{style}{text:<5}{style:#}")
}

/// The case's origin: the file, the call (and its part) or both; its URL quoted up to
/// [`MAX_QUOTE`](cckm_sync_contract::MAX_QUOTE) characters, as a client may send any length.
fn origin(case: &Case) -> String {
    let mut source = case.source.clone();
    if let Some(entry) = &mut source.entry
        && entry.url.chars().count() > cckm_sync_contract::MAX_QUOTE
    {
        let mut url: String = entry.url.chars().take(cckm_sync_contract::MAX_QUOTE - 1).collect();
        url.push('…');
        entry.url = url;
    }
    let mut text = source.to_string();
    match (&case.source.entry, &case.call) {
        (Some(_), Some(call)) => {
            text.push_str(&format!(" ({call})"));
            if let Some(part) = case.part {
                text.push_str(&format!(" {part}"));
            }
        }
        (Some(_), None) => {}
        (None, _) => {
            if let Some(kind) = &case.kind {
                text.push_str(&format!(" ({kind})"));
            }
        }
    }
    text
}

/// The lines of a case that did not pass cleanly: one per failure, one for its contract bugs,
/// one for its drift in strict mode, one if it was skipped. Nothing for a case that passed.
pub(crate) fn case_lines(case: &Case, strict: bool) -> Vec<String> {
    let verdict = case.verdict(strict);
    if verdict == Verdict::Pass {
        return Vec::new();
    }
    let origin = origin(case);
    let mut lines = Vec::new();
    for failure in &case.failures {
        lines.push(format!("{} {origin}: {failure}", label(FAIL, "FAIL")));
    }
    if let Some(first) = case.contract_bugs.first() {
        let schema = case.schema.as_deref().unwrap_or("the schema");
        let more = more(case.contract_bugs.len());
        lines.push(format!(
            "{} {origin}: contract bug ({schema}): {first}{more}",
            label(BUG, "BUG")
        ));
    }
    if strict && let Some(first) = case.drift.first() {
        lines.push(format!(
            "{} {origin}: {first}{}",
            label(DRIFT, "DRIFT"),
            more(case.drift.len())
        ));
    }
    if let Some(reason) = &case.skipped {
        lines.push(format!("{} {origin}: {reason}", label(SKIP, "SKIP")));
    }
    lines
}

/// A line about drift, such as the first sight of a novelty.
pub(crate) fn drift_line(text: &str) -> String {
    format!("{} {text}", label(DRIFT, "DRIFT"))
}

/// A line about an error that is not the contract's, such as an upstream that gave no answer.
pub(crate) fn error_line(text: &str) -> String {
    format!("{} {text}", label(FAIL, "ERROR"))
}

fn more(count: usize) -> String {
    if count > 1 {
        format!(" (and {} more)", count - 1)
    } else {
        String::new()
    }
}

/// Writes the lines of a case.
pub(crate) fn write_case(out: &mut impl Write, case: &Case, strict: bool) -> io::Result<()> {
    for line in case_lines(case, strict) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// Writes the drift counted across every input, if any.
pub(crate) fn write_drift(out: &mut impl Write, report: &Report) -> io::Result<()> {
    let drift = report.drift();
    if drift.is_empty() {
        return Ok(());
    }
    let what = if report.is_strict() {
        "failures, as --strict asks"
    } else {
        "warnings; --strict fails on them"
    };
    writeln!(
        out,
        "{} what the contract does not know ({what}):",
        label(DRIFT, "DRIFT")
    )?;
    for count in drift {
        writeln!(out, "      {count}")?;
    }
    let dropped = report.drift_dropped();
    let not_kept = dropped.occurrences + dropped.beyond_case_bound;
    if not_kept > 0 {
        writeln!(
            out,
            "      and {not_kept} more drift items, counted and not kept (a report keeps {} kinds, a body {} items)",
            cckm_sync_contract::MAX_DRIFT_KINDS,
            cckm_sync_contract::MAX_DRIFT_PER_CASE
        )?;
    }
    Ok(())
}

/// Writes the calls outside the catalog, counted, if any.
pub(crate) fn write_other_calls(out: &mut impl Write, report: &Report) -> io::Result<()> {
    let totals = report.totals();
    if totals.other_calls == 0 {
        return Ok(());
    }
    writeln!(
        out,
        "{} {} call{} outside the catalog, not checked:",
        label(SKIP, "SKIP"),
        totals.other_calls,
        if totals.other_calls == 1 { "" } else { "s" }
    )?;
    for call in report.other_calls() {
        writeln!(
            out,
            "      {} {} ({}): {}",
            call.method, call.path, call.count, call.reason
        )?;
    }
    Ok(())
}

/// Writes the closing line: the verdict and the counts. `inputs` says what was read, such as
/// `3 files` or `12 calls`; `missed` how many of them could not be checked at all, and why in
/// a word (`unreadable` files, `unanswered` calls).
pub(crate) fn write_summary(
    out: &mut impl Write,
    report: &Report,
    inputs: &str,
    (missed, why): (usize, &str),
) -> io::Result<()> {
    let totals = report.totals();
    let verdict = if report.ok() {
        label(OK, "OK")
    } else {
        label(FAIL, "FAIL")
    };
    let drift = report.drift().len();
    write!(
        out,
        "{verdict} {} bod{} checked in {inputs}: {} passed, {} failed, {} skipped",
        totals.cases,
        if totals.cases == 1 { "y" } else { "ies" },
        totals.passed,
        totals.failed,
        totals.skipped
    )?;
    if totals.contract_bugs > 0 {
        write!(
            out,
            "; {} contract bug{}",
            totals.contract_bugs,
            if totals.contract_bugs == 1 { "" } else { "s" }
        )?;
    }
    if drift > 0 {
        write!(out, "; {drift} kind{} of drift", if drift == 1 { "" } else { "s" })?;
    }
    if missed > 0 {
        write!(out, "; {missed} {why}")?;
    }
    writeln!(out)
}
