//! Loading recorded responses: a page or a single job of any family, from a body or from the
//! `.json` files of a folder.
//!
//! A job goes to an endpoint of its family: the one a file name starts with
//! (`aws-custom-key-stores-in-progress.json`), when it names an endpoint of that family, else
//! the family's first endpoint of the catalog. A job whose `cloud` belongs to no family of the
//! catalog (Luna HSM jobs, `hsm-luna`) has no endpoint to be served from: it is skipped and the
//! report says so. Of two records of the same job, the later `updatedAt` is kept.
//!
//! A recorded job that is running (`in_progress`, `in progress`) resumes from the time it is
//! loaded: its running items end one after another over the job duration, as a started job's
//! do (a recorded cancel, `abort: true`, winds down as a cancel does). Any other job stays as
//! recorded, including one in a status this mock does not know.

use std::fmt;
use std::ops::DerefMut;
use std::path::{Path, PathBuf};

use cckm_sync::endpoints::{ENDPOINTS, Endpoint};
use cckm_sync::{JobStatus, SyncJob, SyncJobPage};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::job::{Plan, StoredJob};
use crate::store::{Full, JobStore, Loaded, MORE_ITEMS, MORE_JOBS};

/// What a load did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct LoadReport {
    /// Jobs added.
    pub added: usize,
    /// Jobs that replaced an older record of the same job.
    pub replaced: usize,
    /// Jobs not loaded, and why.
    pub skipped: Vec<Skipped>,
    /// Jobs not loaded because the store holds its maximum of jobs, or because their items
    /// would take it beyond its maximum of items across its jobs: counted, not named.
    pub dropped: usize,
    /// Why the first of the `dropped` jobs was refused: the bound, and how to raise it.
    pub full: Option<String>,
}

impl LoadReport {
    /// The jobs served from now on: added and replaced.
    pub fn loaded(&self) -> usize {
        self.added + self.replaced
    }

    fn merge(&mut self, other: Self) {
        self.added += other.added;
        self.replaced += other.replaced;
        self.skipped.extend(other.skipped);
        self.dropped += other.dropped;
        if self.full.is_none() {
            self.full = other.full;
        }
    }

    /// The report, or the error of a load that the store's bounds refused whole: one that
    /// dropped jobs and loaded none.
    fn or_full(self, first: Option<Full>) -> Result<Self, LoadError> {
        match first {
            Some(full) if self.loaded() == 0 => Err(full.into()),
            _ => Ok(self),
        }
    }
}

/// A recorded job that was not loaded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Skipped {
    /// Where it came from: a file, or `body`.
    pub source: String,
    /// The job's id.
    pub id: Uuid,
    /// Why it was skipped.
    pub reason: String,
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: job {} skipped: {}", self.source, self.id, self.reason)
    }
}

/// Why recorded jobs could not be loaded. Nothing of a failed file is loaded; files before it
/// in a folder are.
#[derive(Debug)]
#[non_exhaustive]
pub enum LoadError {
    /// A file or folder could not be read.
    Io {
        /// The path.
        path: PathBuf,
        /// The reason.
        error: std::io::Error,
    },
    /// A document is neither a page nor a job; the message names the JSON path and the reason.
    Parse {
        /// Where it came from.
        source: String,
        /// The parser's message.
        message: String,
    },
    /// The endpoint named for the load does not exist.
    UnknownEndpoint(String),
    /// The store holds its maximum of jobs: nothing was loaded. (A load that fills the store
    /// part way loads what fits and counts the rest in [`LoadReport::dropped`].)
    Full {
        /// The maximum.
        max: usize,
    },
    /// The jobs' items would take the store beyond its maximum of items across its jobs:
    /// nothing was loaded. (A load that fills the store part way loads what fits and counts
    /// the rest in [`LoadReport::dropped`].)
    FullOfItems {
        /// The maximum.
        max: usize,
    },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io { path, error } => write!(f, "{}: {error}", path.display()),
            Self::Parse { source, message } => write!(f, "{source}: not a page or a job of the API: {message}"),
            Self::UnknownEndpoint(name) => {
                let known: Vec<&str> = ENDPOINTS.iter().map(|endpoint| endpoint.name).collect();
                write!(f, "no endpoint is named {name:?}; known: {}", known.join(", "))
            }
            Self::Full { max } => write!(f, "the mock holds its maximum of {max} jobs: {MORE_JOBS}"),
            Self::FullOfItems { max } => write!(
                f,
                "the jobs' items would take the mock beyond its maximum of {max} items across its jobs: {MORE_ITEMS}"
            ),
        }
    }
}

impl std::error::Error for LoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io { error, .. } => Some(error),
            _ => None,
        }
    }
}

impl From<Full> for LoadError {
    fn from(full: Full) -> Self {
        match full {
            Full::Jobs { max } => Self::Full { max },
            Full::Items { max, .. } => Self::FullOfItems { max },
        }
    }
}

/// The endpoint a file's name starts with (`<endpoint name>` then `-` or `.`), the longest
/// if several do: the endpoint a recorded file's jobs are served from, when it is of their
/// family (as `--seed` and [`MockServer::load_dir`](crate::MockServer::load_dir) read it).
///
/// ```
/// use std::path::Path;
///
/// let endpoint = cckm_sync_mock::endpoint_of_file(Path::new("recorded/aws-custom-key-stores-in-progress.json"));
/// assert_eq!(endpoint.map(|endpoint| endpoint.name), Some("aws-custom-key-stores"));
/// assert_eq!(cckm_sync_mock::endpoint_of_file(Path::new("awsome.json")), None);
/// ```
pub fn endpoint_of_file(path: &Path) -> Option<&'static Endpoint> {
    let name = path.file_name()?.to_str()?;
    ENDPOINTS
        .iter()
        .filter(|endpoint| {
            name.strip_prefix(endpoint.name)
                .is_some_and(|rest| rest.starts_with('-') || rest.starts_with('.'))
        })
        .max_by_key(|endpoint| endpoint.name.len())
}

#[derive(Deserialize)]
struct Probe {
    #[serde(default)]
    resources: Option<serde::de::IgnoredAny>,
}

/// The jobs of a document: a page (it has `resources`) or a job.
fn jobs_of(bytes: &[u8], source: &str) -> Result<Vec<SyncJob>, LoadError> {
    let parse = |message: String| LoadError::Parse {
        source: source.to_owned(),
        message,
    };
    let is_page = serde_json::from_slice::<Probe>(bytes).is_ok_and(|probe| probe.resources.is_some());
    if is_page {
        let page: SyncJobPage = cckm_sync::from_slice(bytes).map_err(|error| parse(error.to_string()))?;
        Ok(page.resources)
    } else {
        let job: SyncJob = cckm_sync::from_slice(bytes).map_err(|error| parse(error.to_string()))?;
        Ok(vec![job])
    }
}

/// How a loaded job progresses from `now`, if it runs.
fn plan_for(job: &SyncJob, now: DateTime<Utc>, duration: std::time::Duration) -> Option<Plan> {
    if *job.overall_status.status() != JobStatus::InProgress {
        return None;
    }
    let family = job.family()?;
    let running = job.overall_status.as_str();
    let keys: Vec<String> = match &job.detailed_status {
        Some(detailed) => detailed
            .iter()
            .filter(|(_, text)| JobStatus::from(*text) == JobStatus::InProgress)
            .map(|(key, _)| key.to_owned())
            .collect(),
        // A running job without `detailed_status` (as external CM jobs show): its items are
        // its scope items.
        None => crate::payload::job_items_field(family)
            .and_then(|field| cckm_sync::JobScope::list(&job.scope, field))
            .map(<[String]>::to_vec)
            .unwrap_or_default(),
    };
    let mut plan = Plan::new(running, now, duration, keys, family.spec().progress.item_done, None);
    if job.abort {
        plan.cancelled_at = Some(now);
    }
    Some(plan)
}

/// Loads the jobs of one document into the store `lock` gives: what fits its bounds; the rest
/// is counted in [`LoadReport::dropped`]. Fails with the bound when it dropped jobs and loaded
/// none. The document is read, and its jobs made, before the store is locked.
pub(crate) fn load_document<S: DerefMut<Target = JobStore>>(
    lock: impl FnOnce() -> S,
    bytes: &[u8],
    source: &str,
    hint: Option<&'static Endpoint>,
    now: DateTime<Utc>,
    duration: std::time::Duration,
) -> Result<LoadReport, LoadError> {
    let prepared = prepare(bytes, source, hint, now, duration)?;
    let (report, first_full) = prepared.store(&mut lock());
    report.or_full(first_full)
}

/// The jobs of a document, made ready to store without the store's lock, and what was skipped.
struct Prepared {
    report: LoadReport,
    jobs: Vec<StoredJob>,
}

/// Reads a document and makes its jobs, skipping (and saying why) those the mock cannot serve.
fn prepare(
    bytes: &[u8],
    source: &str,
    hint: Option<&'static Endpoint>,
    now: DateTime<Utc>,
    duration: std::time::Duration,
) -> Result<Prepared, LoadError> {
    let mut report = LoadReport::default();
    let mut jobs = Vec::new();
    for job in jobs_of(bytes, source)? {
        let skip = |reason: String| Skipped {
            source: source.to_owned(),
            id: job.id,
            reason,
        };
        let Some(family) = job.family() else {
            report.skipped.push(skip(format!(
                "its cloud {:?} belongs to no endpoint of the catalog",
                job.cloud.as_str()
            )));
            continue;
        };
        // A timestamp the mock could not write back would fail every answer that shows it.
        if let Err(error) = serde_json::to_vec(&job) {
            report.skipped.push(skip(format!("it cannot be written back: {error}")));
            continue;
        }
        let endpoint = hint
            .filter(|endpoint| endpoint.family == family)
            .or_else(|| family.endpoints().next());
        let Some(endpoint) = endpoint else {
            report.skipped.push(skip(format!("no endpoint serves {family} jobs")));
            continue;
        };
        let plan = plan_for(&job, now, duration);
        jobs.push(StoredJob {
            endpoint,
            record: job.into(),
            plan,
        });
    }
    Ok(Prepared { report, jobs })
}

impl Prepared {
    /// Stores the jobs, as far as the store's bounds let: the report, and the first bound that
    /// dropped a job.
    fn store(self, store: &mut JobStore) -> (LoadReport, Option<Full>) {
        let Self { mut report, jobs } = self;
        let mut first_full = None;
        for job in jobs {
            // A job the store has no room for is counted, and the next ones are tried: a newer
            // record of a job held, or a smaller job, may still fit.
            match store.load(job) {
                Ok(Loaded::Added) => report.added += 1,
                Ok(Loaded::Replaced) => report.replaced += 1,
                Ok(Loaded::KeptNewer) => {}
                Err(full) => {
                    report.dropped += 1;
                    if first_full.is_none() {
                        report.full = Some(full.to_string());
                        first_full = Some(full);
                    }
                }
            }
        }
        (report, first_full)
    }
}

/// The `.json` files under `dir`, at any depth, sorted by path.
pub(crate) fn json_files(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |error| LoadError::Io { path, error }
    };
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).map_err(io(&folder))? {
            let entry = entry.map_err(io(&folder))?;
            let path = entry.path();
            let kind = entry.file_type().map_err(io(&path))?;
            if kind.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|extension| extension == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Loads every `.json` file under `dir` into the store `lock` gives, a file at a time, each read
/// and its jobs made before the store is locked: what fits the store's bounds, the rest counted
/// in [`LoadReport::dropped`]. Fails with the bound when it dropped jobs and loaded none.
pub(crate) fn load_dir<S: DerefMut<Target = JobStore>>(
    lock: impl Fn() -> S,
    dir: &Path,
    now: DateTime<Utc>,
    duration: std::time::Duration,
) -> Result<LoadReport, LoadError> {
    let mut report = LoadReport::default();
    let mut first_full = None;
    for file in json_files(dir)? {
        let bytes = std::fs::read(&file).map_err(|error| LoadError::Io {
            path: file.clone(),
            error,
        })?;
        let source = file.display().to_string();
        let prepared = prepare(&bytes, &source, endpoint_of_file(&file), now, duration)?;
        let (loaded, full) = prepared.store(&mut lock());
        report.merge(loaded);
        first_full = first_full.or(full);
    }
    report.or_full(first_full)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_names_the_longest_endpoint_it_starts_with() {
        let name = |file: &str| endpoint_of_file(Path::new(file)).map(|endpoint| endpoint.name);
        assert_eq!(
            name("aws-custom-key-stores-in-progress.json"),
            Some("aws-custom-key-stores")
        );
        assert_eq!(name("aws-keys.json"), Some("aws-keys"));
        assert_eq!(
            name("salesforce-certificates-completed.json"),
            Some("salesforce-certificates")
        );
        assert_eq!(name("seed-aws-keys-aborted.json"), None);
        assert_eq!(name("awsome.json"), None);
    }
}
