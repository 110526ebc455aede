//! What a run found, across every input: the cases, the totals, drift counted by what it is,
//! the calls that were not the catalog's. `cckm-sync validate --format json` and the proxy's
//! `--report` write it as JSON.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;

use crate::body::Subject;
use crate::case::{Case, DriftKind, MAX_QUOTE, Source, Verdict};
use crate::schemas::shorten;

/// The version of the report's JSON form; raised when a field changes meaning or goes away.
pub const REPORT_VERSION: u32 = 1;
/// How many distinct calls outside the catalog are listed at most (all are counted).
const MAX_OTHER_CALLS: usize = 1_000;
/// How many kinds of drift a report keeps; further kinds are counted in
/// [`DriftDropped`], not kept.
pub const MAX_DRIFT_KINDS: usize = 1_000;
/// How many new kinds of one category of drift (such as "job field" or "list query
/// parameter") [`Report::add`] announces, for a log; further ones are counted and kept, not
/// announced.
pub const MAX_NEW_DRIFT_ANNOUNCED: usize = 20;
/// The most characters of a URL a kept case quotes (its source).
pub const MAX_CASE_URL: usize = 2_000;

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
    /// Inputs that could not be read (for the proxy: calls the upstream did not answer).
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
            write!(f, " in {} file{}", self.files, if self.files == 1 { "" } else { "s" })?;
        } else {
            write!(f, " in {} call{}", self.bodies, if self.bodies == 1 { "" } else { "s" })?;
        }
        write!(f, ", first in {}", self.first_seen)
    }
}

/// What a report did not keep of the drift it saw, beyond its bounds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DriftDropped {
    /// Drift items of kinds not kept, seen once [`MAX_DRIFT_KINDS`] kinds were kept (a kind
    /// not kept is not remembered: each of its items counts).
    pub occurrences: usize,
    /// Drift items beyond the first [`MAX_DRIFT_PER_CASE`](crate::MAX_DRIFT_PER_CASE) of
    /// their case: counted, not judged by kind (each case's [`Case::drift_omitted`]).
    pub beyond_case_bound: usize,
    /// New kinds kept but not announced, beyond [`MAX_NEW_DRIFT_ANNOUNCED`] of their category.
    pub unannounced: usize,
}

/// What adding a case to a report has to say, for a log that names each novelty once: a
/// line each, bounded ([`MAX_NEW_DRIFT_ANNOUNCED`] new kinds per category, one notice per
/// category and one when the report is full).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DriftNews {
    /// A kind of drift seen for the first time.
    New(DriftCount),
    /// A category has announced its most new kinds: further ones are counted, not announced.
    Quieted {
        /// The category, such as `list query parameter`.
        category: String,
    },
    /// The report keeps its most kinds: further kinds are counted, not kept.
    Full,
}

impl fmt::Display for DriftNews {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::New(count) => write!(f, "new: {} (first in {})", count.what(), count.first_seen),
            Self::Quieted { category } => write!(
                f,
                "{MAX_NEW_DRIFT_ANNOUNCED} new kinds of {category} announced: further ones are counted in the \
                 summary and the report, not announced"
            ),
            Self::Full => write!(
                f,
                "{MAX_DRIFT_KINDS} kinds of drift kept: further kinds are counted as dropped, not kept"
            ),
        }
    }
}

/// What a run recorded of the calls it saw (the proxy's `--har`), and whether that is all of
/// them: a HAR file stops growing at its bound, and the calls after are counted, not recorded.
///
/// ```
/// use cckm_sync_contract::{Recording, Report};
///
/// let mut report = Report::new(false);
/// // A run that records nothing has no `recording`: readers of older reports see no change.
/// let json: serde_json::Value = serde_json::from_str(&report.to_json("cckm-sync validate"))?;
/// assert!(json.get("recording").is_none());
/// report.set_recording(Recording {
///     file: "traffic.har".to_owned(),
///     calls_recorded: 4,
///     calls_not_recorded: 8,
///     max_bytes: 4096,
/// });
/// assert!(!report.recording().is_some_and(Recording::is_complete));
/// let json: serde_json::Value = serde_json::from_str(&report.to_json("cckm-sync proxy"))?;
/// assert_eq!(json["recording"]["calls_not_recorded"], 8);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Recording {
    /// The HAR file, as it was named.
    pub file: String,
    /// The calls the file holds: the first ones of the run.
    pub calls_recorded: usize,
    /// The calls it does not hold, having reached its bound: every call after the first that
    /// would have taken it beyond.
    pub calls_not_recorded: usize,
    /// The most bytes the file may take.
    pub max_bytes: u64,
}

impl Recording {
    /// Whether the file holds every call of the run.
    pub fn is_complete(&self) -> bool {
        self.calls_not_recorded == 0
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

impl DriftKey {
    /// What the key's category is called: its subject and what is unknown.
    fn category(&self) -> String {
        let subject = self.subject.noun(1);
        match self.kind {
            DriftKind::Field => format!("{subject} field"),
            DriftKind::Value(_) => format!("{subject} value"),
            DriftKind::Parameter => format!("{subject} parameter"),
        }
    }
}

#[derive(Debug)]
struct Tally {
    occurrences: usize,
    bodies: usize,
    /// Files counted; cases arrive file after file, so a file is new when it is not the last.
    files: usize,
    last_file: Option<String>,
    first_seen: Source,
}

/// A source quoted at a bounded size.
fn quoted(source: &Source, max_url: usize) -> Source {
    let mut source = source.clone();
    if let Some(entry) = &mut source.entry
        && entry.url.chars().count() > max_url
    {
        entry.url = shorten(&entry.url, max_url);
    }
    source
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
/// assert_eq!(
///     report.drift()[0].to_string(),
///     "error body field hint: 1 error body in 1 file, first in job.json"
/// );
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
    drift_dropped: DriftDropped,
    /// New kinds announced, by category.
    announced: BTreeMap<String, usize>,
    other_calls: BTreeMap<(String, String), OtherCall>,
    errors: Vec<String>,
    /// The inputs counted by [`set_errors_not_listed`](Self::set_errors_not_listed), and
    /// where in `errors` the error that says so stands.
    not_listed: Option<(usize, usize)>,
    recording: Option<Recording>,
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
            drift_dropped: DriftDropped::default(),
            announced: BTreeMap::new(),
            other_calls: BTreeMap::new(),
            errors: Vec::new(),
            not_listed: None,
            recording: None,
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

    /// Adds a case; returns what it shows first (for a log that names each novelty once):
    /// each new kind of drift, at most [`MAX_NEW_DRIFT_ANNOUNCED`] per category, then one
    /// notice per category, and one when the report keeps its most kinds.
    ///
    /// What a report keeps is bounded, whatever its inputs hold: [`MAX_DRIFT_KINDS`] kinds of
    /// drift (further kinds are counted in [`drift_dropped`](Self::drift_dropped)), names and
    /// values of [`MAX_QUOTE`](crate::MAX_QUOTE) characters, URLs of [`MAX_CASE_URL`] (of
    /// `MAX_QUOTE` where a kind was first seen), the cases [`keep_at_most`](Self::keep_at_most)
    /// says.
    pub fn add(&mut self, mut case: Case) -> Vec<DriftNews> {
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
        self.drift_dropped.beyond_case_bound += case.drift_omitted;
        let mut news = Vec::new();
        let mut seen_in_case = BTreeSet::new();
        for drift in &case.drift {
            let key = DriftKey {
                subject: drift.subject,
                path: drift.path.clone(),
                kind: drift.kind.clone(),
            };
            let fresh = !self.drift.contains_key(&key);
            if fresh && self.drift.len() >= MAX_DRIFT_KINDS {
                if self.drift_dropped.occurrences == 0 {
                    news.push(DriftNews::Full);
                }
                self.drift_dropped.occurrences += 1;
                continue;
            }
            let tally = self.drift.entry(key.clone()).or_insert_with(|| Tally {
                occurrences: 0,
                bodies: 0,
                files: 0,
                last_file: None,
                first_seen: quoted(&case.source, MAX_QUOTE),
            });
            tally.occurrences += 1;
            if seen_in_case.insert(key.clone()) {
                tally.bodies += 1;
            }
            if let Some(file) = &case.source.file
                && tally.last_file.as_ref() != Some(file)
            {
                tally.files += 1;
                tally.last_file = Some(file.clone());
            }
            if fresh {
                let category = key.category();
                let announced = self.announced.entry(category.clone()).or_insert(0);
                *announced += 1;
                if *announced <= MAX_NEW_DRIFT_ANNOUNCED {
                    if let Some(count) = self.count_of(&key) {
                        news.push(DriftNews::New(count));
                    }
                } else {
                    if *announced == MAX_NEW_DRIFT_ANNOUNCED + 1 {
                        news.push(DriftNews::Quieted { category });
                    }
                    self.drift_dropped.unannounced += 1;
                }
            }
        }
        if self.cases.len() < self.max_cases {
            if let Some(entry) = &case.source.entry
                && entry.url.chars().count() > MAX_CASE_URL
            {
                case.source = quoted(&case.source, MAX_CASE_URL);
            }
            self.cases.push(case);
        } else {
            self.omitted += 1;
        }
        news
    }

    /// Counts a call outside the catalog.
    pub fn add_other_call(&mut self, method: &str, path: &str, reason: impl fmt::Display) {
        self.totals.other_calls += 1;
        let (method, path) = (shorten(method, MAX_QUOTE), shorten(path, MAX_QUOTE));
        let key = (method.clone(), path.clone());
        if let Some(call) = self.other_calls.get_mut(&key) {
            call.count += 1;
        } else if self.other_calls.len() < MAX_OTHER_CALLS {
            self.other_calls.insert(
                key,
                OtherCall {
                    method,
                    path,
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

    /// Sets how many more inputs could not be read than the errors list, said in one `error`
    /// (for a run that lists only the first ones): [`Totals::unreadable`] counts each of them.
    /// A run that goes on sets it again as the count grows: the last count and error replace
    /// the previous ones, so that a report written while it runs is exact.
    ///
    /// ```
    /// use cckm_sync_contract::Report;
    ///
    /// let mut report = Report::new(false);
    /// report.add_error("a.json: cannot read it");
    /// report.set_errors_not_listed(5, "5 more inputs could not be read");
    /// report.set_errors_not_listed(7, "7 more inputs could not be read");
    /// assert_eq!(report.totals().unreadable, 8);
    /// assert_eq!(report.errors(), ["a.json: cannot read it", "7 more inputs could not be read"]);
    /// ```
    pub fn set_errors_not_listed(&mut self, count: usize, error: impl Into<String>) {
        let error = error.into();
        match self.not_listed {
            Some((previous, index)) => {
                self.totals.unreadable = self.totals.unreadable.saturating_sub(previous).saturating_add(count);
                if let Some(slot) = self.errors.get_mut(index) {
                    *slot = error;
                }
                self.not_listed = Some((count, index));
            }
            None => {
                self.totals.unreadable = self.totals.unreadable.saturating_add(count);
                self.not_listed = Some((count, self.errors.len()));
                self.errors.push(error);
            }
        }
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

    /// Says what the run recorded so far (replacing what was said before): the JSON form
    /// then holds it as `recording`, which it leaves out otherwise. Whether the recording is
    /// complete does not change [`ok`](Self::ok): it says what was checked, not what was kept.
    pub fn set_recording(&mut self, recording: Recording) {
        self.recording = Some(recording);
    }

    /// What the run recorded, when it recorded.
    pub fn recording(&self) -> Option<&Recording> {
        self.recording.as_ref()
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
            files: tally.files,
            first_seen: tally.first_seen.clone(),
        })
    }

    /// The drift not kept, or not announced, beyond the report's bounds.
    pub fn drift_dropped(&self) -> DriftDropped {
        self.drift_dropped
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
            drift_dropped: DriftDropped,
            other_calls: Vec<&'a OtherCall>,
            errors: &'a [String],
            #[serde(skip_serializing_if = "Option::is_none")]
            recording: Option<&'a Recording>,
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
            drift_dropped: self.drift_dropped,
            other_calls: self.other_calls().collect(),
            errors: &self.errors,
            recording: self.recording.as_ref(),
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
