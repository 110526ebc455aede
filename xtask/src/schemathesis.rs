//! A step of `cargo xtask test`, after the validators: schemathesis against the running
//! `cckm-sync mock`.
//!
//! The built program serves on `127.0.0.1:0` (its first line names the port); schemathesis
//! reads the OpenAPI 3.1 document and runs every check (`--checks all`) on positive and negative
//! data (`--mode all`) in all four phases: the document's examples, the coverage of each
//! schema's edges, fuzzing, and stateful sequences of valid calls that follow the document's
//! links (start, then get and cancel the job). It gets its bearer token from the token call; the
//! stateful phase's settings are in `tools/schemathesis.toml`. Zero failures pass.
//!
//! Bounded: at most [`MAX_EXAMPLES`] test cases per operation and phase, one worker, a fixed
//! seed (the same cases on every run), and the whole run killed after [`TIME_LIMIT`]. The
//! report (JUnit, and every request and answer as HAR) stays in `target/schemathesis/`.

use std::path::Path;
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::server::{Server, build_cckm_sync, read_lines};
use crate::tools::Tools;

/// Test cases per operation and phase: schemathesis' default.
const MAX_EXAMPLES: &str = "100";
/// The seed of the generated cases.
const SEED: &str = "1";
/// How long the whole run may take (it takes about a minute on two cores).
const TIME_LIMIT: Duration = Duration::from_secs(15 * 60);
/// Where the report goes, relative to the workspace root.
const REPORT_DIR: &str = "target/schemathesis";

/// Runs schemathesis against a fresh `cckm-sync mock`.
pub(crate) fn run(root: &Path, tools: &Tools) -> Result<(), String> {
    let program = build_cckm_sync(false)?;
    let report_dir = root.join(REPORT_DIR);
    if report_dir.exists() {
        std::fs::remove_dir_all(&report_dir).map_err(|error| format!("cannot remove {REPORT_DIR}: {error}"))?;
    }
    std::fs::create_dir_all(&report_dir).map_err(|error| format!("cannot create {REPORT_DIR}: {error}"))?;

    // Jobs run 10 ms. Calls come a few milliseconds apart, so a stateful sequence sometimes
    // cancels the job it started while it runs (200) and sometimes after it ended (409), and a
    // later start of the same endpoint mostly finds it ended and starts a job (201), where 2 s
    // jobs had most starts refused: 33 starts answered 201 and 815 answered 409 in one run; 779
    // and 655 with 10 ms jobs. Tokens outlive the run.
    let mock = Server::mock(
        &program,
        &["--job-duration", "10ms", "--token-lifetime", "3600s"],
        &report_dir,
    )?;
    let mut command = tools.python_tool("schemathesis");
    command
        .arg("--config-file")
        .arg(root.join("tools/schemathesis.toml"))
        .arg("--no-color")
        .arg("run")
        .arg(root.join(cckm_sync_codegen::OPENAPI_31))
        .args(["--url", &mock.url])
        .args([
            "--checks",
            "all",
            "--mode",
            "all",
            "--phases",
            "examples,coverage,fuzzing,stateful",
        ])
        .args(["--max-examples", MAX_EXAMPLES, "--seed", SEED, "--workers", "1"])
        .args(["--generation-database", "none", "--request-timeout", "10"])
        .args(["--report", "junit,har", "--report-dir"])
        .arg(&report_dir)
        // Nothing of the run (hypothesis' folder, a `.env`) lands in the workspace.
        .current_dir(&report_dir)
        .stdout(Stdio::piped());
    eprintln!(
        "$ schemathesis run {} --url {} --checks all --mode all …",
        cckm_sync_codegen::OPENAPI_31,
        mock.url
    );
    let mut child = command
        .spawn()
        .map_err(|error| format!("cannot run schemathesis: {error}"))?;
    let stdout = child.stdout.take().ok_or("schemathesis has no standard output")?;
    let lines = read_lines(stdout);
    let mut output = Vec::new();
    let started = Instant::now();
    let outcome = loop {
        match lines.recv_timeout(Duration::from_millis(200)) {
            Ok(line) => {
                eprintln!("{line}");
                output.push(line);
            }
            Err(mpsc::RecvTimeoutError::Timeout) if started.elapsed() > TIME_LIMIT => {
                let _ = child.kill();
                let _ = child.wait();
                break Err(format!(
                    "schemathesis ran longer than {} s and was stopped",
                    TIME_LIMIT.as_secs()
                ));
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                break child.wait().map_err(|error| format!("schemathesis: {error}"));
            }
        }
    };
    drop(mock);
    let exit = outcome?;
    let figures = Figures::read(&output);
    eprintln!(
        "schemathesis: {} operations, {} test cases, {} failures, {} errors; stateful: {} sequences, {} links followed (report in {REPORT_DIR}/)",
        figures.operations, figures.cases, figures.failures, figures.errors, figures.scenarios, figures.links
    );
    if exit.success() {
        Ok(())
    } else {
        Err(format!(
            "schemathesis found {} failures and {} errors ({exit}); the report is in {REPORT_DIR}/",
            figures.failures, figures.errors
        ))
    }
}

/// The figures of a run, from the summary schemathesis prints.
#[derive(Debug, Default, PartialEq, Eq)]
struct Figures {
    operations: String,
    cases: String,
    failures: String,
    errors: String,
    /// The stateful phase's sequences.
    scenarios: String,
    /// `N of M`: the links the stateful phase followed, of those it could.
    links: String,
}

impl Figures {
    /// Reads `Tested: N`, `N generated, …`, the stateful phase's `Scenarios: N` and `API Links:
    /// N covered / M selected / …`, and the closing line's `N failures, N errors`.
    fn read(output: &[String]) -> Self {
        let mut figures = Self {
            operations: "?".to_owned(),
            cases: "?".to_owned(),
            failures: "0".to_owned(),
            errors: "0".to_owned(),
            scenarios: "?".to_owned(),
            links: "?".to_owned(),
        };
        for (index, line) in output.iter().enumerate() {
            let line = line.trim();
            if let Some(tested) = line.strip_prefix("Tested: ") {
                figures.operations = tested.to_owned();
            }
            if let Some(scenarios) = line.strip_prefix("Scenarios:") {
                scenarios.trim().clone_into(&mut figures.scenarios);
            }
            if let Some(links) = line.strip_prefix("API Links:")
                && let Some((covered, rest)) = links.split_once(" covered / ")
                && let Some((selected, _)) = rest.split_once(" selected")
            {
                figures.links = format!("{} of {}", covered.trim(), selected.trim());
            }
            if line == "Test cases:"
                && let Some(next) = output.get(index + 1)
                && let Some((cases, _)) = next.trim().split_once(" generated")
            {
                figures.cases = cases.to_owned();
            }
            if line.starts_with('=') {
                for part in line.trim_matches(|c| c == '=' || c == ' ').split(", ") {
                    let mut words = part.split_whitespace();
                    if let (Some(count), Some(what)) = (words.next(), words.next()) {
                        match what {
                            "failure" | "failures" => count.clone_into(&mut figures.failures),
                            "error" | "errors" => count.clone_into(&mut figures.errors),
                            _ => {}
                        }
                    }
                }
            }
        }
        figures
    }
}

#[cfg(test)]
mod tests {
    use super::Figures;

    #[test]
    fn the_figures_come_from_the_summary() {
        let output: Vec<String> = [
            " ✅  Stateful (in 5.23s)",
            "     Scenarios:    60",
            "     API Links:    20 covered / 48 selected / 48 total",
            "API Operations:",
            "  Selected: 49/49",
            "  Tested: 49",
            "Test cases:",
            "  6504 generated, 6502 passed, 116 skipped",
            "================== 2 failures, 1 error, 1 warning in 67.13s ===================",
        ]
        .map(str::to_owned)
        .to_vec();
        let figures = Figures::read(&output);
        assert_eq!(
            figures,
            Figures {
                operations: "49".to_owned(),
                cases: "6504".to_owned(),
                failures: "2".to_owned(),
                errors: "1".to_owned(),
                scenarios: "60".to_owned(),
                links: "20 of 48".to_owned(),
            }
        );
    }
}
