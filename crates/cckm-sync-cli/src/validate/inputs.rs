//! The inputs of `validate`: files and folders, read as bodies or HAR files, each turned into
//! the cases of the report.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::files::{self, Input};
use cckm_sync::endpoints::{Endpoint, Operation};
use cckm_sync_contract::har::{self, Entry};
use cckm_sync_contract::{BodyKind, CallRef, Case, Contract, EntryRef, Location, Part, Report, Source, check_exchange};

/// What the command line says of bodies on their own.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Hints {
    pub(crate) endpoint: Option<&'static Endpoint>,
    pub(crate) operation: Option<Operation>,
    pub(crate) request: bool,
    pub(crate) status: Option<u16>,
}

impl Hints {
    /// The flags given, as the command line spells them (`--endpoint, --operation`), if any.
    pub(crate) fn given(&self) -> Option<String> {
        let flags: Vec<&str> = [
            (self.endpoint.is_some(), "--endpoint"),
            (self.operation.is_some(), "--operation"),
            (self.request, "--request"),
            (self.status.is_some(), "--status"),
        ]
        .into_iter()
        .filter_map(|(given, flag)| given.then_some(flag))
        .collect();
        (!flags.is_empty()).then(|| flags.join(", "))
    }
}

/// What one input gave.
#[derive(Debug, Default)]
struct Checked {
    cases: Vec<Case>,
    other_calls: Vec<(String, String, String)>,
    errors: Vec<String>,
    elapsed: Duration,
    /// Whether the input was read as a HAR file (whose entries name their calls themselves).
    har: bool,
}

/// How long each input took, for the JUnit output, and whether it was a HAR file.
#[derive(Clone, Debug)]
pub(crate) struct Timing {
    pub(crate) name: String,
    pub(crate) elapsed: Duration,
    pub(crate) har: bool,
}

/// Checks every input, on as many threads as there are cores, and adds what each gave to
/// `report` in the order of the inputs.
pub(crate) fn check_all(
    contract: &Contract,
    inputs: &[Input],
    hints: &Hints,
    max_size: u64,
    report: &mut Report,
) -> Vec<Timing> {
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
                    let checked = check_input(contract, input, hints, max_size);
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
            har: checked.har,
        });
    }
    timings
}

fn check_input(contract: &Contract, input: &Input, hints: &Hints, max_size: u64) -> Checked {
    let started = Instant::now();
    let mut checked = Checked::default();
    if let Err(error) = check_reader(contract, input, hints, max_size, &mut checked) {
        checked.errors.push(error);
    }
    checked.elapsed = started.elapsed();
    checked
}

/// A HAR file is read entry by entry, never whole; a body on its own is read whole.
fn check_reader(
    contract: &Contract,
    input: &Input,
    hints: &Hints,
    max_size: u64,
    checked: &mut Checked,
) -> Result<(), String> {
    let mut reader = files::open(input, max_size)?;
    let har = input.is_har_by_name()
        || files::starts_like_har(&mut reader).map_err(|error| format!("cannot read {}: {error}", input.name))?;
    checked.har = har;
    if har {
        // One thread parses, this one checks: a few entries wait between them, never the file.
        let name = &input.name;
        let (sender, entries) = std::sync::mpsc::sync_channel::<(usize, Entry)>(16);
        std::thread::scope(|scope| {
            let reading = scope.spawn(move || {
                har::read_entries(reader, |index, entry| {
                    let _ = sender.send((index, entry));
                })
            });
            for (index, entry) in entries {
                check_entry(contract, name, index, &entry, checked);
            }
            match reading.join() {
                Ok(Ok(_)) => Ok(()),
                Ok(Err(error)) => Err(format!("{name}: {error}")),
                Err(_) => Err(format!("{name}: the reader of this file stopped on a defect")),
            }
        })
    } else {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut reader, &mut bytes)
            .map_err(|error| format!("cannot read {}: {error}", input.name))?;
        checked.cases.push(check_body(contract, &input.name, &bytes, hints));
        Ok(())
    }
}

fn check_entry(contract: &Contract, name: &str, index: usize, entry: &Entry, checked: &mut Checked) {
    let bodies = entry.bodies();
    if let Some(problem) = &bodies.problem {
        checked.errors.push(format!("{name} entry {index}: {problem}"));
        return;
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
