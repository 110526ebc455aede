//! `cckm-sync jobs` as a user runs it, against an in-process mock: what it prints, on which
//! stream, and its exit codes (0 ok, 1 failure, 2 usage error).
//!
//! One test binary, a module a concern; here, what its modules share.

use std::time::Duration;

use cckm_sync_mock::MockServer;

#[path = "../support/mod.rs"]
pub mod support;

mod completions;
mod cut_short;
mod errors;
mod lifecycle;
mod listing;
mod tls;

use support::{Connection, Run, program};

/// `cckm-sync jobs ARGS` with the connection of `server` in the environment, as an operator
/// sets it, and a backtrace asked for, to show there is none.
fn jobs(server: &MockServer, args: &[&str]) -> Run {
    run_with(args, &Connection::of(server).env())
}

fn run_with(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = program(&["jobs"]);
    command
        .args(args)
        .env_remove("CM_URL")
        .env_remove("CM_USERNAME")
        .env_remove("CM_PASSWORD")
        .env("RUST_BACKTRACE", "1")
        .envs(env.iter().copied());
    Run::of(&mut command)
}

/// A mock whose jobs end quickly, for the commands that wait.
async fn quick_mock() -> MockServer {
    MockServer::builder()
        .job_duration(Duration::from_millis(300))
        .start()
        .unwrap()
}
