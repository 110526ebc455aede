//! Running the tools: bounded, and never through a proxy of the environment.

use std::process::Command;

use super::layout::STEP_LIMIT;

/// Calls to 127.0.0.1 must not go through a proxy of the environment.
pub(super) fn without_proxies(command: &mut Command) {
    for name in [
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
    ] {
        command.env_remove(name);
    }
    command
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost");
}

/// Runs `command` (its output to the terminal), killing it after [`STEP_LIMIT`]; fails if it
/// does not succeed.
pub(super) fn bounded(command: &mut Command) -> Result<(), String> {
    crate::run::bounded(command, STEP_LIMIT)
}
