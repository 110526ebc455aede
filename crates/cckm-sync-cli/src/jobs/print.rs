//! What `jobs` commands write on standard output: text, JSON, an ended job, at the width of
//! the terminal.

use std::io::Write as _;

use cckm_sync::{FamilyScope, SyncJob};

use super::args::Output;
use super::error::CommandError;
use super::view;

/// The width of the table: the terminal's when standard output is one, else [`view::WIDTH`].
pub(super) fn table_width() -> usize {
    let stdout = console::Term::stdout();
    if stdout.is_term() {
        usize::from(stdout.size().1)
    } else {
        view::WIDTH
    }
}

/// An ended job: its summary line, or the job as JSON.
pub(super) fn print_ended<S: FamilyScope>(job: &SyncJob<S>, output: Output) -> Result<(), CommandError> {
    match output {
        Output::Json => print_json(job),
        Output::Table | Output::Wide => print(&format!("{}\n", view::summary(job))),
    }
}

pub(super) fn print(text: &str) -> Result<(), CommandError> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|error| CommandError::Failed(format!("cannot write the output: {error}")))
}

pub(super) fn print_json<T: serde::Serialize>(value: &T) -> Result<(), CommandError> {
    let mut text = serde_json::to_string_pretty(value)
        .map_err(|error| CommandError::Failed(format!("cannot write JSON: {error}")))?;
    text.push('\n');
    print(&text)
}
