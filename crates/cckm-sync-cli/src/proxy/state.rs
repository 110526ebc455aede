//! What every call through the proxy shares: the upstream, the contract, the report and the
//! recording, and how a call's outcome is logged and counted.

use std::sync::atomic::AtomicUsize;
use std::time::Duration;

use cckm_sync_contract::{Case, Contract, Report};

use super::answer::NoAnswer;
use super::record::Recorder;
use super::upstream::{Upstream, UpstreamClient};
use crate::output;

/// What every call shares.
pub(crate) struct State {
    pub(crate) upstream: Upstream,
    pub(crate) client: UpstreamClient,
    pub(crate) contract: &'static Contract,
    pub(crate) strict: bool,
    /// How long the upstream may take to answer, body included.
    pub(crate) timeout: Duration,
    pub(crate) report: std::sync::Mutex<Report>,
    pub(crate) recorder: Option<Recorder>,
    pub(crate) calls: AtomicUsize,
    /// How many calls the upstream did not answer (the first [`MAX_ERRORS`] are in the report).
    pub(crate) unanswered: AtomicUsize,
    pub(crate) color: anstream::ColorChoice,
}

/// How many calls the upstream did not answer are listed in the report's errors; the rest
/// are counted in one last error.
pub(crate) const MAX_ERRORS: usize = 100;

impl State {
    /// Writes lines to standard error, whole.
    pub(crate) fn log(&self, lines: &[String]) {
        use std::io::Write as _;
        if lines.is_empty() {
            return;
        }
        let mut err = anstream::AutoStream::new(std::io::stderr().lock(), self.color);
        for line in lines {
            let _ = writeln!(err, "{line}");
        }
    }

    /// Counts a call the upstream did not answer (down, refused, an untrusted certificate, a
    /// timeout) as an error of the report: the proxy did not check what it was there for.
    pub(crate) fn add_error(&self, source: &impl std::fmt::Display, no_answer: &NoAnswer) {
        let count = self.unanswered.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if count < MAX_ERRORS
            && let Ok(mut report) = self.report.lock()
        {
            report.add_error(format!("{source}: {}", no_answer.reason));
        }
    }

    /// Sets in the report's errors the count of unanswered calls it does not list.
    pub(crate) fn count_unlisted_errors(&self) {
        if let Ok(mut report) = self.report.lock() {
            self.set_unlisted_errors(&mut report);
        }
    }

    fn set_unlisted_errors(&self, report: &mut Report) {
        let count = self.unanswered.load(std::sync::atomic::Ordering::Relaxed);
        if count > MAX_ERRORS {
            let more = count - MAX_ERRORS;
            report.set_errors_not_listed(
                more,
                format!("{more} more calls the upstream did not answer (the first {MAX_ERRORS} are listed)"),
            );
        }
    }

    /// The report as JSON, with what the recording holds so far and the count of every
    /// unanswered call; `None` when a call crashed while holding it.
    pub(crate) fn report_json(&self) -> Option<String> {
        let mut report = self.report.lock().ok()?;
        self.set_unlisted_errors(&mut report);
        if let Some(recorder) = &self.recorder {
            report.set_recording(recorder.recording());
        }
        Some(report.to_json(&crate::validate::tool()))
    }

    /// What [`report_json`](Self::report_json) would change with: the calls checked, and the
    /// calls the recording holds or counted as not recorded.
    pub(crate) fn progress(&self) -> (usize, usize, usize) {
        let recording = self.recorder.as_ref().map(Recorder::recording);
        (
            self.calls.load(std::sync::atomic::Ordering::Relaxed),
            recording.as_ref().map_or(0, |recording| recording.calls_recorded),
            recording.map_or(0, |recording| recording.calls_not_recorded),
        )
    }

    /// Adds the cases of a call to the report, and logs their lines and the drift they show
    /// first.
    pub(crate) fn add_to_report(&self, cases: Vec<Case>) {
        let mut lines = Vec::new();
        for case in &cases {
            lines.extend(output::case_lines(case, self.strict));
        }
        self.add_logged(cases, lines);
    }

    /// A call of the catalog the upstream did not answer: its request checked, its response
    /// skipped, and one `ERROR` line that says why (the skipped response is not logged again).
    pub(crate) fn add_unanswered(
        &self,
        source: &impl std::fmt::Display,
        request: Case,
        response: Case,
        no_answer: &NoAnswer,
    ) {
        let mut lines = output::case_lines(&request, self.strict);
        lines.push(output::error_line(&format!("{source}: {}", no_answer.reason)));
        self.add_logged(vec![request, response], lines);
        self.add_error(source, no_answer);
    }

    /// Adds `cases` to the report, then logs `lines` and the drift the cases show first.
    fn add_logged(&self, cases: Vec<Case>, mut lines: Vec<String>) {
        let mut fresh = Vec::new();
        if let Ok(mut report) = self.report.lock() {
            for case in cases {
                fresh.extend(report.add(case));
            }
        }
        for news in fresh {
            lines.push(output::drift_line(&news.to_string()));
        }
        self.log(&lines);
    }
}

/// Records `entry` in the HAR file, when the proxy records.
pub(crate) async fn record(state: &State, entry: cckm_sync_contract::har::Entry) {
    if let Some(recorder) = &state.recorder {
        recorder.record(entry).await;
    }
}
