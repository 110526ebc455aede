//! The last step of `cargo xtask test`: schemathesis against the running `cckm-sync mock`.
//!
//! The built program serves on `127.0.0.1:0` (its first line names the port); schemathesis
//! reads the OpenAPI 3.1 document and runs every check (`--checks all`) on positive and negative
//! data (`--mode all`) in all four phases: the document's examples, the coverage of each
//! schema's edges, fuzzing, and stateful sequences that follow the document's links (start,
//! then get and cancel the job). It gets its bearer token from the token call
//! (`tools/schemathesis.toml`). Zero failures pass.
//!
//! Bounded: at most [`MAX_EXAMPLES`] test cases per operation and phase, one worker, a fixed
//! seed (the same cases on every run), and the whole run killed after [`TIME_LIMIT`]. The
//! report (JUnit, and every request and answer as HAR) stays in `target/schemathesis/`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::run::{cargo, status};
use crate::validate::Tools;

/// Test cases per operation and phase: schemathesis' default.
const MAX_EXAMPLES: &str = "100";
/// The seed of the generated cases.
const SEED: &str = "1";
/// How long the whole run may take (it takes about a minute on two cores).
const TIME_LIMIT: Duration = Duration::from_secs(15 * 60);
/// How long the mock may take to print its first line.
const START_LIMIT: Duration = Duration::from_secs(60);
/// Where the report goes, relative to the workspace root.
const REPORT_DIR: &str = "target/schemathesis";

/// Runs schemathesis against a fresh `cckm-sync mock`.
pub(crate) fn run(root: &Path, tools: &Tools) -> Result<(), String> {
    status(&mut cargo(&["build", "-p", "cckm-sync-cli", "--locked"]))?;
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let program = target
        .join("debug")
        .join(format!("cckm-sync{}", std::env::consts::EXE_SUFFIX));
    let report_dir = root.join(REPORT_DIR);
    if report_dir.exists() {
        std::fs::remove_dir_all(&report_dir).map_err(|error| format!("cannot remove {REPORT_DIR}: {error}"))?;
    }
    std::fs::create_dir_all(&report_dir).map_err(|error| format!("cannot create {REPORT_DIR}: {error}"))?;

    // Jobs run 2 s: long enough for a stateful sequence to cancel the job it started, short
    // enough that a later start of the same endpoint mostly finds it ended. Tokens outlive the run.
    let mock = Mock::start(
        Command::new(&program)
            .args([
                "mock",
                "--listen",
                "127.0.0.1:0",
                "--job-duration",
                "2s",
                "--token-lifetime",
                "3600s",
            ])
            .current_dir(&report_dir),
    )?;
    let mut command = tools.python_tool("schemathesis");
    command
        .arg("--config-file")
        .arg(root.join("tools/schemathesis.toml"))
        .arg("--no-color")
        .arg("run")
        .arg(root.join(xtask::codegen::OPENAPI_31))
        .args(["--url", &mock.api_url])
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
        xtask::codegen::OPENAPI_31,
        mock.api_url
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
    mock.stop();
    let exit = outcome?;
    let figures = Figures::read(&output);
    eprintln!(
        "schemathesis: {} operations, {} test cases, {} failures, {} errors (report in {REPORT_DIR}/)",
        figures.operations, figures.cases, figures.failures, figures.errors
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
}

impl Figures {
    /// Reads `Tested: N` and `N generated, …` and the closing line's `N failures, N errors`.
    fn read(output: &[String]) -> Self {
        let mut figures = Self {
            operations: "?".to_owned(),
            cases: "?".to_owned(),
            failures: "0".to_owned(),
            errors: "0".to_owned(),
        };
        for (index, line) in output.iter().enumerate() {
            let line = line.trim();
            if let Some(tested) = line.strip_prefix("Tested: ") {
                figures.operations = tested.to_owned();
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

/// Lines of `reader`, sent as they come by a thread of their own.
fn read_lines(reader: impl std::io::Read + Send + 'static) -> mpsc::Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(reader).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    receiver
}

/// A running `cckm-sync mock`, stopped when dropped.
struct Mock {
    child: Child,
    api_url: String,
}

impl Mock {
    fn start(command: &mut Command) -> Result<Self, String> {
        let mut child = command
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|error| format!("cannot run cckm-sync mock: {error}"))?;
        let stdout = child.stdout.take().ok_or("cckm-sync mock has no standard output")?;
        let lines = read_lines(stdout);
        let mut mock = Self {
            child,
            api_url: String::new(),
        };
        let first = lines
            .recv_timeout(START_LIMIT)
            .map_err(|_| format!("cckm-sync mock printed nothing within {} s", START_LIMIT.as_secs()))?;
        mock.api_url = first
            .strip_prefix("cckm-sync mock serving ")
            .ok_or_else(|| format!("cckm-sync mock's first line names no URL: {first:?}"))?
            .to_owned();
        eprintln!("{first}");
        // Keep draining what it prints, so that it never blocks on a full pipe.
        std::thread::spawn(move || while lines.recv().is_ok() {});
        Ok(mock)
    }

    fn stop(self) {
        drop(self);
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::Figures;

    #[test]
    fn the_figures_come_from_the_summary() {
        let output: Vec<String> = [
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
            }
        );
    }
}
