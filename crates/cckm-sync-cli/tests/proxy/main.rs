//! `cckm-sync proxy` in front of the mock, over real sockets: calls forwarded unchanged, the
//! recording read back by `cckm-sync validate`, the newer-server fault seen as drift and
//! nothing else, `--strict`, and an upstream that is down, stalled, answers 500 or hangs up.
//!
//! One test binary, a module a concern; here, what its modules share.

use std::path::PathBuf;

use cckm_sync::endpoints::{self, Endpoint};

#[path = "../support/mod.rs"]
pub mod support;

mod forwarding;
mod recording;
mod startup;
mod upstream;

fn aws() -> &'static Endpoint {
    endpoints::find("aws-keys").unwrap()
}

struct Session {
    _dir: tempfile::TempDir,
    har: PathBuf,
    report: PathBuf,
}

impl Session {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        Self {
            har: dir.path().join("traffic.har"),
            report: dir.path().join("report.json"),
            _dir: dir,
        }
    }

    fn args(&self) -> Vec<String> {
        vec![
            "--har".to_owned(),
            self.har.display().to_string(),
            "--report".to_owned(),
            self.report.display().to_string(),
        ]
    }
}

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}
