//! `cckm-sync mock --seed`: the jobs of recorded traffic loaded into the mock at start. HAR
//! files (the proxy's, a browser's) give the jobs their responses hold (pages and single
//! jobs of every job endpoint); `.json` files are response bodies on their own. What is
//! skipped, a file or an entry, is said with the reason, and the mock starts anyway.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use cckm_sync::endpoints::Operation;
use cckm_sync_contract::har::{self, Entry};
use cckm_sync_contract::{CatalogCall, route};
use cckm_sync_mock::{LoadError, LoadReport, MockServer};

use crate::files::{self, Input};

/// The most skipped entries of one HAR file named one by one; the rest are counted.
const MAX_ENTRIES_NAMED: usize = 20;

/// What loading the seed did.
#[derive(Debug, Default)]
pub(crate) struct Seeded {
    /// Jobs served from now on (a job recorded several times counts once: its latest record
    /// is served).
    pub(crate) loaded: usize,
    /// Files read.
    pub(crate) files: usize,
    /// How many files, HAR entries and recorded jobs were skipped: each is counted once, and
    /// named (or counted, past a bound) in exactly one of [`Self::warnings`].
    pub(crate) skipped: usize,
    /// Why they were skipped, a line per reason and source: a line may tell of several
    /// entries skipped for one reason.
    pub(crate) warnings: Vec<String>,
    /// Where the mock's store filled up, so that the rest was not loaded.
    full: Option<Full>,
}

/// Where the mock's store filled up.
#[derive(Debug)]
struct Full {
    /// Which of the mock's bounds was reached (jobs, or items across its jobs), and how to
    /// raise it: the mock's words.
    reason: String,
    /// The file, or the HAR file's entry, whose jobs filled it: from it on, nothing is loaded.
    at: String,
    /// The jobs of `at` that were not loaded, when some of them were; `None` when none was.
    dropped: Option<usize>,
    /// The entries of that HAR file after it.
    entries_after: usize,
}

impl Seeded {
    /// Counts `count` things skipped (files, entries or jobs), which `warning` tells of.
    fn skip(&mut self, count: usize, warning: String) {
        self.skipped += count;
        self.warnings.push(warning);
    }

    fn add(&mut self, source: &dyn fmt::Display, report: &LoadReport) {
        self.loaded += report.added;
        for job in &report.skipped {
            self.skip(1, format!("{source}: job {} skipped: {}", job.id, job.reason));
        }
        if report.dropped > 0 {
            // The store filled up within this file or entry: what fitted is loaded.
            let reason = report.full.clone().unwrap_or_else(|| "the mock is full".to_owned());
            self.fill(reason, source.to_string(), Some(report.dropped));
        }
    }

    /// The store is full: what `at` holds from the job that filled it on (`dropped` jobs of
    /// it, or the whole of it), and everything after, is not loaded.
    fn fill(&mut self, reason: String, at: String, dropped: Option<usize>) {
        self.full = Some(Full {
            reason,
            at,
            dropped,
            entries_after: 0,
        });
    }

    /// Says where the store filled up and counts what was not loaded: the file or entry
    /// that filled it, the entries of its file after it, and `files_after` files not read.
    fn finish(&mut self, files_after: usize) {
        let Some(full) = self.full.take() else { return };
        let count = full.dropped.unwrap_or(1) + full.entries_after + files_after;
        let of_it = match full.dropped {
            Some(dropped) => format!("{dropped} of its job{}, ", if dropped == 1 { "" } else { "s" }),
            None => String::new(),
        };
        self.skip(
            count,
            format!(
                "the seed is not loaded in full, from {} on ({of_it}{} more entr{} of its file, {files_after} more \
                 file{}): {}",
                full.at,
                full.entries_after,
                if full.entries_after == 1 { "y" } else { "ies" },
                if files_after == 1 { "" } else { "s" },
                full.reason,
            ),
        );
    }
}

/// Loads every file the paths name (files, or folders searched for `.json` and `.har` files)
/// into `server`. Fails only on a path that does not exist.
pub(crate) fn load(server: &MockServer, paths: &[PathBuf], max_size: u64) -> Result<Seeded, String> {
    let mut seeded = Seeded::default();
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() != "-" && !path.exists() {
            return Err(format!(
                "cannot read the seed {}: no such file or folder",
                path.display()
            ));
        }
        match files::collect(std::slice::from_ref(path)) {
            Ok(found) => inputs.extend(found),
            // The path given, skipped (a folder without a file to read).
            Err(error) => seeded.skip(1, error),
        }
    }
    for input in &inputs {
        if seeded.full.is_some() {
            break;
        }
        seeded.files += 1;
        if let Err(reason) = load_input(server, input, max_size, &mut seeded) {
            // The file, or the rest of a HAR file past a fault.
            seeded.skip(1, reason);
        }
    }
    seeded.finish(inputs.len().saturating_sub(seeded.files));
    Ok(seeded)
}

fn load_input(server: &MockServer, input: &Input, max_size: u64, seeded: &mut Seeded) -> Result<(), String> {
    let mut reader = files::open(input, max_size).map_err(|error| format!("{error}: skipped"))?;
    let har = input.is_har_by_name()
        || files::starts_like_har(&mut reader)
            .map_err(|error| format!("cannot read {}: {error}: skipped", input.name))?;
    if har {
        let mut named = 0;
        let mut unnamed = 0;
        // Entries that hold no job (the token call, other calls, error answers), by reason.
        let mut no_job: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let result = har::read_entries(reader, |index, entry| {
            if let Some(full) = &mut seeded.full {
                full.entries_after += 1;
                return;
            }
            match load_entry(server, &input.name, index, &entry, seeded) {
                Ok(()) => {}
                Err(Skip::NoJob(reason)) => no_job.entry(reason).or_default().push(index),
                Err(Skip::Failed(reason)) if named < MAX_ENTRIES_NAMED => {
                    named += 1;
                    seeded.skip(
                        1,
                        format!(
                            "{} entry {index} {} {}: skipped: {reason}",
                            input.name,
                            entry.request.method,
                            shorten(&entry.request.url)
                        ),
                    );
                }
                Err(Skip::Failed(_)) => unnamed += 1,
            }
        });
        if unnamed > 0 {
            seeded.skip(
                unnamed,
                format!(
                    "{}: {unnamed} more entries skipped (the first {MAX_ENTRIES_NAMED} are named)",
                    input.name
                ),
            );
        }
        for (reason, entries) in no_job {
            seeded.skip(
                entries.len(),
                format!(
                    "{}: {} entr{} skipped: {reason} ({})",
                    input.name,
                    entries.len(),
                    if entries.len() == 1 { "y" } else { "ies" },
                    indices(&entries)
                ),
            );
        }
        result
            .map(|_| ())
            .map_err(|error| format!("{}: {error}: the entries after the fault are skipped", input.name))
    } else {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut reader, &mut bytes)
            .map_err(|error| format!("cannot read {}: {error}: skipped", input.name))?;
        let hint = input.path.as_deref().and_then(cckm_sync_mock::endpoint_of_file);
        match server.load_jobs(&bytes, hint.map(|endpoint| endpoint.name)) {
            Ok(report) => {
                seeded.add(&input.name, &report);
                Ok(())
            }
            Err(full @ (LoadError::Full { .. } | LoadError::FullOfItems { .. })) => {
                seeded.fill(full.to_string(), input.name.clone(), None);
                Ok(())
            }
            Err(error) => Err(format!("{}: skipped: {}", input.name, reason_of(&error))),
        }
    }
}

/// A load error without the source the mock gives it (`body`): the caller names the source.
fn reason_of(error: &LoadError) -> String {
    match error {
        LoadError::Parse { message, .. } => format!("not a page or a job of the API: {message}"),
        other => other.to_string(),
    }
}

/// Why an entry gave no job.
enum Skip {
    /// It is not an answer that holds jobs: said once per reason and file.
    NoJob(String),
    /// It should have held jobs and could not be loaded: said for each entry.
    Failed(String),
}

/// `entries 0, 7, 9 and 3 more`.
fn indices(entries: &[usize]) -> String {
    const NAMED: usize = 10;
    let named: Vec<String> = entries.iter().take(NAMED).map(ToString::to_string).collect();
    let word = if entries.len() == 1 { "entry" } else { "entries" };
    let more = entries.len().saturating_sub(NAMED);
    if more > 0 {
        format!("{word} {} and {more} more", named.join(", "))
    } else {
        format!("{word} {}", named.join(", "))
    }
}

/// A URL quoted in a warning, up to 200 characters.
fn shorten(url: &str) -> String {
    const MAX: usize = 200;
    if url.chars().count() <= MAX {
        return url.to_owned();
    }
    let mut cut: String = url.chars().take(MAX - 1).collect();
    cut.push('…');
    cut
}

/// Loads the jobs of one HAR entry: the answer (2xx, with a body) of a list, get, start or
/// cancel of a job endpoint.
fn load_entry(server: &MockServer, file: &str, index: usize, entry: &Entry, seeded: &mut Seeded) -> Result<(), Skip> {
    let (path, _) = har::split_url(&entry.request.url);
    let call = route(&entry.request.method, path).map_err(|_| Skip::NoJob("not a call of the job API".to_owned()))?;
    let (endpoint, operation) = match call {
        CatalogCall::Job {
            endpoint, operation, ..
        } => (endpoint, operation),
        CatalogCall::Token => return Err(Skip::NoJob("the token call holds no job".to_owned())),
        _ => return Err(Skip::NoJob("a call that holds no job".to_owned())),
    };
    let status = entry.response.status;
    if status == 0 {
        return Err(Skip::NoJob("no response was recorded".to_owned()));
    }
    if !(200..300).contains(&status) {
        return Err(Skip::NoJob(format!("a {status} answer holds no job")));
    }
    let bodies = entry.bodies();
    if let Some(problem) = bodies.problem {
        return Err(Skip::Failed(problem));
    }
    let exchange = entry.exchange(&bodies);
    let body = exchange
        .response
        .and_then(|response| response.body)
        .filter(|body| !body.iter().all(u8::is_ascii_whitespace))
        .ok_or_else(|| Skip::Failed("no response body was recorded".to_owned()))?;
    let what = match operation {
        Operation::List => "page",
        Operation::Get | Operation::Start | Operation::Cancel => "job",
    };
    match server.load_jobs(body, Some(endpoint.name)) {
        Ok(report) => {
            seeded.add(&format_args!("{file} entry {index}"), &report);
            Ok(())
        }
        Err(full @ (LoadError::Full { .. } | LoadError::FullOfItems { .. })) => {
            seeded.fill(full.to_string(), format!("{file} entry {index}"), None);
            Ok(())
        }
        Err(error) => Err(Skip::Failed(format!(
            "the {} answer is not a {what} of the API: {}",
            endpoint.name,
            match &error {
                LoadError::Parse { message, .. } => message.clone(),
                other => other.to_string(),
            }
        ))),
    }
}
