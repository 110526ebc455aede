//! The inputs of `validate`: files and folders, read as bodies or HAR files, each turned into
//! the cases of the report.

use std::collections::BTreeSet;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use cckm_sync::endpoints::{Endpoint, Operation};
use cckm_sync_contract::har::Har;
use cckm_sync_contract::{BodyKind, CallRef, Case, Contract, EntryRef, Location, Part, Report, Source, check_exchange};

/// What the command line says of bodies on their own.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Hints {
    pub(crate) endpoint: Option<&'static Endpoint>,
    pub(crate) operation: Option<Operation>,
    pub(crate) request: bool,
    pub(crate) status: Option<u16>,
}

/// One input: a file, or standard input.
#[derive(Clone, Debug)]
pub(crate) struct Input {
    /// The name reports give it: the path as given (or found under a folder given), or
    /// `<stdin>`.
    pub(crate) name: String,
    path: Option<PathBuf>,
}

/// The folders a search does not enter: hidden ones (`.git`, `.tools`).
fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name.starts_with('.'))
}

fn wanted(path: &Path) -> bool {
    path.extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| extension.eq_ignore_ascii_case("json") || extension.eq_ignore_ascii_case("har"))
}

/// The inputs the paths name: a file as it is, a folder's `.json` and `.har` files (searched
/// recursively, in name order), `-` for standard input. Fails on a path that does not exist
/// and on a folder without such a file.
pub(crate) fn collect(paths: &[PathBuf]) -> Result<Vec<Input>, String> {
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input {
                name: "<stdin>".to_owned(),
                path: None,
            });
            continue;
        }
        let metadata = std::fs::metadata(path).map_err(|error| format!("cannot read {}: {error}", path.display()))?;
        if metadata.is_dir() {
            let before = inputs.len();
            let mut visited = BTreeSet::new();
            walk(path, &mut inputs, &mut visited)?;
            if inputs.len() == before {
                return Err(format!("{}: no .json or .har file in this folder", path.display()));
            }
        } else {
            inputs.push(Input {
                name: path.display().to_string(),
                path: Some(path.clone()),
            });
        }
    }
    Ok(inputs)
}

fn walk(dir: &Path, inputs: &mut Vec<Input>, visited: &mut BTreeSet<PathBuf>) -> Result<(), String> {
    // A symbolic link back up the tree is entered once.
    if let Ok(canonical) = dir.canonicalize()
        && !visited.insert(canonical)
    {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(|error| format!("cannot read {}: {error}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|entry| entry.path()).collect();
    paths.sort();
    for path in paths {
        if is_hidden(&path) {
            continue;
        }
        if path.is_dir() {
            walk(&path, inputs, visited)?;
        } else if wanted(&path) {
            inputs.push(Input {
                name: path.display().to_string(),
                path: Some(path),
            });
        }
    }
    Ok(())
}

/// What one input gave.
#[derive(Debug, Default)]
struct Checked {
    cases: Vec<Case>,
    other_calls: Vec<(String, String, String)>,
    errors: Vec<String>,
    elapsed: Duration,
}

/// How long each input took, for the JUnit output.
#[derive(Clone, Debug)]
pub(crate) struct Timing {
    pub(crate) name: String,
    pub(crate) elapsed: Duration,
}

/// Checks every input, on as many threads as there are cores, and adds what each gave to
/// `report` in the order of the inputs.
pub(crate) fn check_all(contract: &Contract, inputs: &[Input], hints: &Hints, report: &mut Report) -> Vec<Timing> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(inputs.len())
        .max(1);
    let results: Vec<Mutex<Option<Checked>>> = inputs.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let (Some(input), Some(slot)) = (inputs.get(index), results.get(index)) else {
                        break;
                    };
                    let checked = check_input(contract, input, hints);
                    if let Ok(mut slot) = slot.lock() {
                        *slot = Some(checked);
                    }
                }
            });
        }
    });
    let mut timings = Vec::with_capacity(inputs.len());
    for (input, slot) in inputs.iter().zip(results) {
        let checked = slot.into_inner().ok().flatten().unwrap_or_default();
        for case in checked.cases {
            report.add(case);
        }
        for (method, path, reason) in checked.other_calls {
            report.add_other_call(&method, &path, reason);
        }
        for error in checked.errors {
            report.add_error(error);
        }
        timings.push(Timing {
            name: input.name.clone(),
            elapsed: checked.elapsed,
        });
    }
    timings
}

fn read(input: &Input) -> std::io::Result<Vec<u8>> {
    match &input.path {
        Some(path) => std::fs::read(path),
        None => {
            let mut bytes = Vec::new();
            std::io::stdin().lock().read_to_end(&mut bytes)?;
            Ok(bytes)
        }
    }
}

/// Whether the text starts as a HAR file does, `{"log"`, whitespace aside: a cheap look
/// that spares parsing a large body twice.
fn starts_like_har(bytes: &[u8]) -> bool {
    let mut rest = bytes.iter().copied().skip_while(u8::is_ascii_whitespace);
    if rest.next() != Some(b'{') {
        return false;
    }
    let rest: Vec<u8> = rest.skip_while(u8::is_ascii_whitespace).take(5).collect();
    rest == b"\"log\""
}

fn check_input(contract: &Contract, input: &Input, hints: &Hints) -> Checked {
    let started = Instant::now();
    let mut checked = Checked::default();
    match read(input) {
        Err(error) => checked.errors.push(format!("cannot read {}: {error}", input.name)),
        Ok(bytes) => {
            let har_by_name = input
                .path
                .as_deref()
                .and_then(Path::extension)
                .is_some_and(|extension| extension.eq_ignore_ascii_case("har"));
            if har_by_name || starts_like_har(&bytes) {
                check_har(contract, &input.name, &bytes, &mut checked);
            } else {
                checked.cases.push(check_body(contract, &input.name, &bytes, hints));
            }
        }
    }
    checked.elapsed = started.elapsed();
    checked
}

fn check_har(contract: &Contract, name: &str, bytes: &[u8], checked: &mut Checked) {
    let har = match Har::from_slice(bytes) {
        Ok(har) => har,
        Err(error) => {
            checked.errors.push(format!("{name}: {error}"));
            return;
        }
    };
    for (index, entry) in har.log.entries.iter().enumerate() {
        let bodies = entry.bodies();
        if let Some(problem) = &bodies.problem {
            checked.errors.push(format!("{name} entry {index}: {problem}"));
            continue;
        }
        let exchange = entry.exchange(&bodies);
        let source = Source {
            file: Some(name.to_owned()),
            entry: Some(EntryRef {
                index,
                method: entry.request.method.clone(),
                url: entry.request.url.clone(),
            }),
        };
        match check_exchange(contract, &source, &exchange) {
            Ok(cases) => checked.cases.extend(cases),
            Err(reason) => {
                checked
                    .other_calls
                    .push((exchange.method.to_owned(), exchange.path.to_owned(), reason.to_string()));
            }
        }
    }
}

/// A body on its own: its kind from the command line, or from its shape.
fn check_body(contract: &Contract, name: &str, bytes: &[u8], hints: &Hints) -> Case {
    let source = Source {
        file: Some(name.to_owned()),
        entry: None,
    };
    let call = (hints.endpoint.is_some() || hints.operation.is_some() || hints.status.is_some()).then(|| CallRef {
        endpoint: hints.endpoint.map(|endpoint| endpoint.name.to_owned()),
        operation: hints.operation.map(|operation| operation.as_str().to_owned()),
        status: hints.status,
    });
    let part = if hints.request { Part::Request } else { Part::Response };
    let mut case = Case::new(source, part, call);
    let value = serde_json::from_slice::<serde_json::Value>(bytes);
    match kind_of(value.as_ref().ok(), hints) {
        Some(kind) => case.judge(contract, kind, bytes),
        None if hints.request => case.fail(
            Location::body(""),
            "cannot tell the family of this start request (no scope field names one): give --endpoint",
        ),
        None => match value {
            Err(error) => case.fail(Location::body(""), format!("not JSON: {error}")),
            Ok(_) => case.fail(
                Location::body(""),
                "cannot tell what this body is (a page, a job, a start request or an error body): \
                 give --operation (and --endpoint), --request or --status",
            ),
        },
    }
    case
}

/// The kind of a body on its own, from the command line, else from its shape; `None` when
/// neither says.
fn kind_of(value: Option<&serde_json::Value>, hints: &Hints) -> Option<BodyKind> {
    let inferred = value.and_then(BodyKind::infer);
    let inferred_family = match inferred {
        Some(BodyKind::Page(family) | BodyKind::Job(family)) => family,
        Some(BodyKind::StartRequest(family)) => Some(family),
        _ => None,
    };
    let family = hints.endpoint.map(|endpoint| endpoint.family).or(inferred_family);
    if hints.request {
        return family.map(BodyKind::StartRequest);
    }
    if hints.status.is_some_and(|status| status >= 400) {
        return Some(BodyKind::Error);
    }
    match (hints.operation, inferred) {
        (Some(Operation::List), _) | (None, Some(BodyKind::Page(_))) => Some(BodyKind::Page(family)),
        (Some(_), _) | (None, Some(BodyKind::Job(_))) => Some(BodyKind::Job(family)),
        (None, Some(BodyKind::StartRequest(_))) => family.map(BodyKind::StartRequest),
        (None, other) => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_har_file_is_told_from_a_body_by_its_first_key() {
        assert!(starts_like_har(b" \n{\n  \"log\": {\"entries\": []}}"));
        assert!(!starts_like_har(br#"{"skip": 0, "log": 1}"#));
        assert!(!starts_like_har(b"[]"));
    }
}
