//! What every call through the proxy shares: the upstream, the contract, the report and the
//! recording, and how a call's outcome is logged and counted.

use std::sync::atomic::AtomicUsize;
use std::time::Duration;

use cckm_sync_contract::{Case, Contract, Report};

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
    pub(crate) color: anstream::ColorChoice,
}

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

    pub(crate) fn add_to_report(&self, cases: Vec<Case>) {
        let mut lines = Vec::new();
        for case in &cases {
            lines.extend(output::case_lines(case, self.strict));
        }
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
