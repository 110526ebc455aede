//! What a run found, across every input: the cases, the totals, drift counted by what it is,
//! the calls that were not the catalog's. `cckm-sync validate --format json` and the proxy's
//! `--report` write it as JSON.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;

use crate::body::Subject;
use crate::case::{Case, DriftKind, Source, Verdict};

/// The version of the report's JSON form; raised when a field changes meaning or goes away.
pub const REPORT_VERSION: u32 = 1;
/// How many distinct calls outside the catalog are listed at most (all are counted).
const MAX_OTHER_CALLS: usize = 1_000;

/// Counts of a report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Cases: bodies checked (a call's request and response are one each).
    pub cases: usize,
    /// Cases that pass.
    pub passed: usize,
    /// Cases that fail (in strict mode, drift included).
    pub failed: usize,
    /// Cases where nothing could be checked.
    pub skipped: usize,
    /// Disagreements of the parser and the schema.
    pub contract_bugs: usize,
    /// Cases that held something the contract does not know.
    pub with_drift: usize,
    /// Inputs that could not be read.
    pub unreadable: usize,
    /// Calls that are not the catalog's, skipped.
    pub other_calls: usize,
}

/// Drift of one kind, counted across every input: for example the `overall_status` value
/// `queued` in 3 jobs in 2 files.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DriftCount {
    /// What it belongs to.
    pub subject: Subject,
    /// Its place within its subject (a JSON Pointer, or a query parameter's name).
    pub path: String,
    /// What is unknown.
    #[serde(flatten)]
    pub kind: DriftKind,
    /// How many times it was seen (in how many jobs, for a job's).
    pub occurrences: usize,
    /// In how many bodies.
    pub bodies: usize,
    /// In how many files (0 for what the proxy saw).
    pub files: usize,
    /// Where it was first seen.
    pub first_seen: Source,
}

impl DriftCount {
    /// What is unknown, without the counts: `job overall_status "queued"`, `job field
    /// priority`, `list query parameter expand`.
    pub fn what(&self) -> String {
        let name = self.path.strip_prefix('/').unwrap_or(&self.path);
        let subject = self.subject.noun(1);
        match &self.kind {
            DriftKind::Value(value) => format!("{subject} {name} {value:?}"),
            DriftKind::Field => format!("{subject} field {name}"),
            DriftKind::Parameter => format!("{subject} parameter {name}"),
        }
    }
}

impl fmt::Display for DriftCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} {}",
            self.what(),
            self.occurrences,
            self.subject.noun(self.occurrences)
        )?;
        if self.files > 0 {
            write!(f, " in {} file{}", self.files, if self.files == 1 { "" } else { "s" })
        } else {
            write!(f, " in {} call{}", self.bodies, if self.bodies == 1 { "" } else { "s" })
        }
    }
}

/// A call outside the catalog, and how many times it was seen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OtherCall {
    /// The method.
    pub method: String,
    /// The path.
    pub path: String,
    /// Why it is not the catalog's.
    pub reason: String,
    /// How many times.
    pub count: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct DriftKey {
    subject: Subject,
    path: String,
    kind: DriftKind,
}

#[derive(Debug)]
struct Tally {
    occurrences: usize,
    bodies: usize,
    files: BTreeSet<String>,
    first_seen: Source,
}

/// Everything a run found. Add cases with [`add`](Self::add); read it with the accessors or
/// write it as JSON with [`to_json`](Self::to_json).
///
/// ```
/// use cckm_sync_contract::{BodyKind, Case, Contract, Part, Report, Source};
///
/// let contract = Contract::embedded()?;
/// let mut report = Report::new(false);
/// let mut case = Case::new(Source { file: Some("job.json".into()), entry: None }, Part::Response, None);
/// case.judge(&contract, BodyKind::Error, br#"{"code": 16, "codeDesc": "NCERRResourceNotFound", "hint": "x"}"#);
/// report.add(case);
/// assert!(report.ok());
/// assert_eq!(report.drift()[0].to_string(), "error body field hint: 1 error body in 1 file");
/// # Ok::<(), cckm_sync_contract::ContractError>(())
/// ```
#[derive(Debug)]
pub struct Report {
    strict: bool,
    max_cases: usize,
    cases: Vec<Case>,
    omitted: usize,
    totals: Totals,
    drift: BTreeMap<DriftKey, Tally>,
    other_calls: BTreeMap<(String, String), OtherCall>,
    errors: Vec<String>,
}

impl Report {
    /// An empty report; with `strict`, drift fails.
    pub fn new(strict: bool) -> Self {
        Self {
            strict,
            max_cases: usize::MAX,
            cases: Vec::new(),
            omitted: 0,
            totals: Totals::default(),
            drift: BTreeMap::new(),
            other_calls: BTreeMap::new(),
            errors: Vec::new(),
        }
    }

    /// Keeps at most `max` cases (every case is counted): for a long-running proxy.
    pub fn keep_at_most(mut self, max: usize) -> Self {
        self.max_cases = max;
        self
    }

    /// Whether drift fails.
    pub fn is_strict(&self) -> bool {
        self.strict
    }

    /// Adds a case; returns the drift counts it is the first to show (for a log that names
    /// each novelty once).
    pub fn add(&mut self, case: Case) -> Vec<DriftCount> {
        let totals = &mut self.totals;
        totals.cases += 1;
        match case.verdict(self.strict) {
            Verdict::Pass => totals.passed += 1,
            Verdict::Fail => totals.failed += 1,
            Verdict::Skip => totals.skipped += 1,
        }
        totals.contract_bugs += case.contract_bugs.len();
        if !case.drift.is_empty() {
            totals.with_drift += 1;
        }
        let mut new = Vec::new();
        let mut seen_in_case = BTreeSet::new();
        for drift in &case.drift {
            let key = DriftKey {
                subject: drift.subject,
                path: drift.path.clone(),
                kind: drift.kind.clone(),
            };
            let fresh = !self.drift.contains_key(&key);
            let tally = self.drift.entry(key.clone()).or_insert_with(|| Tally {
                occurrences: 0,
                bodies: 0,
                files: BTreeSet::new(),
                first_seen: case.source.clone(),
            });
            tally.occurrences += 1;
            if seen_in_case.insert(key.clone()) {
                tally.bodies += 1;
            }
            if let Some(file) = &case.source.file {
                tally.files.insert(file.clone());
            }
            if fresh {
                new.push(key);
            }
        }
        let new = new.iter().filter_map(|key| self.count_of(key)).collect();
        if self.cases.len() < self.max_cases {
            self.cases.push(case);
        } else {
            self.omitted += 1;
        }
        new
    }

    /// Counts a call outside the catalog.
    pub fn add_other_call(&mut self, method: &str, path: &str, reason: impl fmt::Display) {
        self.totals.other_calls += 1;
        let key = (method.to_owned(), path.to_owned());
        if let Some(call) = self.other_calls.get_mut(&key) {
            call.count += 1;
        } else if self.other_calls.len() < MAX_OTHER_CALLS {
            self.other_calls.insert(
                key,
                OtherCall {
                    method: method.to_owned(),
                    path: path.to_owned(),
                    reason: reason.to_string(),
                    count: 1,
                },
            );
        }
    }

    /// Records an input that could not be read.
    pub fn add_error(&mut self, error: impl Into<String>) {
        self.totals.unreadable += 1;
        self.errors.push(error.into());
    }

    /// Whether every case passes and every input was read.
    pub fn ok(&self) -> bool {
        self.totals.failed == 0 && self.errors.is_empty()
    }

    /// The counts.
    pub fn totals(&self) -> Totals {
        self.totals
    }

    /// The cases kept, in the order they were added.
    pub fn cases(&self) -> &[Case] {
        &self.cases
    }

    /// The inputs that could not be read.
    pub fn errors(&self) -> &[String] {
        &self.errors
    }

    /// The calls outside the catalog, by method and path.
    pub fn other_calls(&self) -> impl Iterator<Item = &OtherCall> {
        self.other_calls.values()
    }

    fn count_of(&self, key: &DriftKey) -> Option<DriftCount> {
        let tally = self.drift.get(key)?;
        Some(DriftCount {
            subject: key.subject,
            path: key.path.clone(),
            kind: key.kind.clone(),
            occurrences: tally.occurrences,
            bodies: tally.bodies,
            files: tally.files.len(),
            first_seen: tally.first_seen.clone(),
        })
    }

    /// Drift counted across every case, by subject, place and kind.
    pub fn drift(&self) -> Vec<DriftCount> {
        self.drift.keys().filter_map(|key| self.count_of(key)).collect()
    }

    /// The report as pretty-printed JSON: the form of `cckm-sync validate --format json` and
    /// of the proxy's `--report`. `tool` names the program that made it.
    pub fn to_json(&self, tool: &str) -> String {
        #[derive(Serialize)]
        struct CaseView<'a> {
            verdict: Verdict,
            #[serde(flatten)]
            case: &'a Case,
        }
        #[derive(Serialize)]
        struct View<'a> {
            report_version: u32,
            tool: &'a str,
            strict: bool,
            ok: bool,
            totals: Totals,
            drift: Vec<DriftCount>,
            other_calls: Vec<&'a OtherCall>,
            errors: &'a [String],
            cases: Vec<CaseView<'a>>,
            cases_omitted: usize,
        }
        let view = View {
            report_version: REPORT_VERSION,
            tool,
            strict: self.strict,
            ok: self.ok(),
            totals: self.totals,
            drift: self.drift(),
            other_calls: self.other_calls().collect(),
            errors: &self.errors,
            cases: self
                .cases
                .iter()
                .map(|case| CaseView {
                    verdict: case.verdict(self.strict),
                    case,
                })
                .collect(),
            cases_omitted: self.omitted,
        };
        // Every field is a plain value: serializing cannot fail.
        serde_json::to_string_pretty(&view).unwrap_or_default()
    }
}
