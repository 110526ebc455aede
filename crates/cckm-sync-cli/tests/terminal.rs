//! The progress view of `cckm-sync jobs … --wait` in a real terminal of 24 rows and 80 columns:
//! a tmux session runs the program against an in-process mock, and its screen and scrollback
//! (`capture-pane`) are read when the program has ended.
//!
//! Needs tmux (`cargo xtask test` installs it with apt when missing); without it, this test
//! fails and says so, rather than passing without having looked.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use cckm_sync_mock::{Fault, MockServer};

pub mod support;

use support::{Connection, program};

/// A mock whose jobs take the given time, and the file the program's standard output goes to.
struct Scene {
    server: MockServer,
    connection: Connection,
    stdout: PathBuf,
    _dir: tempfile::TempDir,
}

impl Scene {
    fn new(job_duration: Duration) -> Self {
        let server = MockServer::builder().job_duration(job_duration).start().unwrap();
        let connection = Connection::of(&server);
        let dir = tempfile::tempdir().unwrap();
        Self {
            server,
            connection,
            stdout: dir.path().join("stdout"),
            _dir: dir,
        }
    }
}

/// A tmux server of its own (`-L`), stopped when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn new() -> Self {
        Self {
            socket: format!("cckm-sync-test-{}", uuid::Uuid::new_v4()),
        }
    }

    fn command(&self) -> Command {
        let mut command = Command::new("tmux");
        command.args(["-L", &self.socket, "-f", "/dev/null"]);
        command
    }

    fn run(&self, args: &[&str]) -> String {
        let output = self
            .command()
            .args(args)
            .output()
            .unwrap_or_else(|error| panic!("tmux is needed for this test (apt-get install tmux): {error}"));
        assert!(output.status.success(), "tmux {args:?}: {output:?}");
        String::from_utf8(output.stdout).unwrap()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.command().arg("kill-server").output();
    }
}

fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Runs `cckm-sync ARGS` in a 24 × 80 terminal with `env`, standard output to `stdout`;
/// returns the terminal's whole scrollback, wrapped lines joined, once the program has ended.
fn in_terminal(args: &[&str], env: &[(&str, &str)], stdout: &Path) -> String {
    in_terminal_interrupted(args, env, stdout, None)
}

/// [`in_terminal`], with Ctrl-C typed once the screen shows `interrupt_when` (waited for at
/// most 30 s).
fn in_terminal_interrupted(args: &[&str], env: &[(&str, &str)], stdout: &Path, interrupt_when: Option<&str>) -> String {
    let tmux = Tmux::new();
    // The shell outlives a Ctrl-C meant for the program, to say how it ended.
    let mut script = String::from("trap true INT; env");
    for (name, value) in env {
        script.push_str(&format!(" {name}={}", quoted(value)));
    }
    script.push(' ');
    script.push_str(&quoted(env!("CARGO_BIN_EXE_cckm-sync")));
    for arg in args {
        script.push(' ');
        script.push_str(&quoted(arg));
    }
    script.push_str(&format!(" >{}", quoted(stdout.to_str().unwrap())));
    // When the program ends: say so on a channel the test waits on, and keep the pane (and its
    // scrollback) open until the server is killed.
    script.push_str(&format!(
        "; echo \"exit status $?\"; tmux -L {} wait-for -S ended; exec cat",
        tmux.socket
    ));
    tmux.run(&[
        "new-session",
        "-d",
        "-x",
        "80",
        "-y",
        "24",
        "-s",
        "wait",
        "sh",
        "-c",
        &script,
    ]);
    if let Some(text) = interrupt_when {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while !tmux.run(&["capture-pane", "-p", "-J", "-t", "wait"]).contains(text) {
            assert!(
                std::time::Instant::now() < deadline,
                "the screen never showed {text:?}: {}",
                tmux.run(&["capture-pane", "-p", "-t", "wait"])
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        tmux.run(&["send-keys", "-t", "wait", "C-c"]);
    }
    let waited = Command::new("timeout")
        .args(["120", "tmux", "-L", &tmux.socket, "wait-for", "ended"])
        .status()
        .unwrap();
    assert!(waited.success(), "the program did not end within 120 s");
    let size = tmux.run(&[
        "display-message",
        "-p",
        "-t",
        "wait",
        "#{window_height}x#{window_width}",
    ]);
    assert_eq!(size.trim(), "24x80");
    tmux.run(&["capture-pane", "-p", "-J", "-S", "-", "-E", "-", "-t", "wait"])
}

#[tokio::test]
async fn a_forty_item_job_whose_last_item_fails_shows_every_item_and_the_whole_failure() {
    let scene = Scene::new(Duration::from_secs(4));
    let reason = "AccessDenied: User arn:aws:iam::123456789012:user/cckm is not authorized to perform \
                  kms:ListKeys on resource * because no identity-based policy allows the kms:ListKeys action";
    scene
        .server
        .inject(Fault::fail_job(reason).endpoint("aws-keys"))
        .unwrap();
    let (env, stdout) = (scene.connection.env(), &scene.stdout);
    let mut args = vec![
        "jobs", "start", "aws-keys", "--item", "kms-0", "kms-1", "kms-2", "kms-3", "--region",
    ];
    let regions: Vec<String> = (0..10).map(|index| format!("eu-region-{index}")).collect();
    args.extend(regions.iter().map(String::as_str));
    args.push("--wait");

    let screen = in_terminal(&args, &env, stdout);

    let printed = std::fs::read_to_string(stdout).unwrap();
    // Standard output holds the summary alone: `job ID ended …`.
    let id = printed.split(' ').nth(1).unwrap_or_default().to_owned();
    assert!(screen.contains("exit status 1"), "{screen}");
    // The job as the server ended it: its 40 items, the last one failed.
    let job = support::output(program(&["jobs", "get", "aws-keys", &id, "--output", "json"]).envs(env));
    let job: cckm_sync::AwsSyncJob = cckm_sync::from_slice(&job.stdout).unwrap();
    let items: Vec<(String, String)> = job
        .detailed_status
        .unwrap()
        .iter()
        .map(|(item, text)| (item.to_owned(), text.to_owned()))
        .collect();
    assert_eq!(items.len(), 40, "{items:?}");
    let (last, failure) = items.last().unwrap();
    assert!(failure.ends_with(reason), "{failure}");

    // Every item is on the screen or in its scrollback, once, with its mark and whole text.
    let lines: Vec<&str> = screen.lines().collect();
    for (item, text) in &items {
        let mark = if item == last { '✘' } else { '✔' };
        let expected = format!("  {mark} {item}: {text}");
        let found = lines.iter().filter(|line| line.trim_end() == expected).count();
        assert_eq!(found, 1, "{expected:?} in\n{screen}");
    }
    // The header ends marked failed, with the count.
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with(&format!("✘ job {id} failed, 40 of 40 items done"))),
        "{screen}"
    );
    // The summary on standard output names the failed item and the whole reason.
    assert_eq!(
        printed.trim_end(),
        format!("job {id} ended failed after 4.0s: 39 of 40 items ok; {last}: {failure}"),
        "{printed}"
    );
}

/// Ctrl-C during `--wait` in a terminal, which echoes `^C` where the cursor stands: the
/// progress stays as last drawn, once (a redraw after the echo left a second header), and
/// the line that says the job goes on follows it.
#[tokio::test]
async fn ctrl_c_during_a_wait_leaves_the_progress_drawn_once_and_says_the_job_goes_on() {
    let scene = Scene::new(Duration::from_secs(120));
    let args = [
        "jobs",
        "start",
        "aws-keys",
        "--item",
        "kms",
        "--region",
        "us-east-1",
        "eu-west-1",
        "--wait",
    ];

    let screen = in_terminal_interrupted(
        &args,
        &scene.connection.env(),
        &scene.stdout,
        Some("eu-west-1 in_progress"),
    );

    assert!(screen.contains("exit status 130"), "{screen}");
    let id = screen
        .lines()
        .find_map(|line| line.strip_prefix("started job "))
        .and_then(|rest| rest.split(' ').next())
        .unwrap_or_else(|| panic!("no line names the job: {screen}"));
    // (The bars fill their rows, so the capture joins them as one wrapped line: count.)
    assert_eq!(
        screen.matches(&format!("job {id} in_progress, ")).count(),
        1,
        "{screen}"
    );
    for item in ["123456789012/us-east-1", "123456789012/eu-west-1"] {
        assert_eq!(screen.matches(&format!("{item} in_progress")).count(), 1, "{screen}");
    }
    assert!(
        screen.lines().any(|line| line
            == format!(
                "interrupted: job {id} of aws-keys goes on; `cckm-sync jobs wait aws-keys {id}` watches it again, \
                 `cckm-sync jobs cancel aws-keys {id}` cancels it"
            )),
        "{screen}"
    );
    // Nothing on standard output: the job did not end.
    assert_eq!(std::fs::read_to_string(&scene.stdout).unwrap(), "");
}

/// `cancel --wait`: the job ends aborted when its current item ends, and the server leaves the
/// items it did not reach as they were, `in_progress`. They are left as lines marked `–` that
/// say so, where their spinners stayed on the screen as if they still ran.
#[tokio::test]
async fn items_a_cancelled_job_did_not_reach_are_left_as_lines_not_spinners() {
    let scene = Scene::new(Duration::from_secs(6));
    let env = scene.connection.env();
    let started = support::output(
        program(&[
            "jobs",
            "start",
            "aws-keys",
            "--item",
            "kms",
            "--region",
            "us-east-1",
            "eu-west-1",
            "ap-south-1",
            "--output",
            "json",
        ])
        .envs(env),
    );
    let job: cckm_sync::AwsSyncJob = cckm_sync::from_slice(&started.stdout).unwrap();
    let id = job.id.to_string();

    let screen = in_terminal(&["jobs", "cancel", "aws-keys", &id, "--wait"], &env, &scene.stdout);

    let ended = support::output(program(&["jobs", "get", "aws-keys", &id, "--output", "json"]).envs(env));
    let ended: cckm_sync::AwsSyncJob = cckm_sync::from_slice(&ended.stdout).unwrap();
    assert!(ended.was_cancelled(), "{ended:?}");
    let left: Vec<(String, String)> = ended
        .detailed_status
        .iter()
        .flat_map(|status| status.iter())
        .filter(|(_, text)| text.contains("in_progress"))
        .map(|(item, text)| (item.to_owned(), text.to_owned()))
        .collect();
    assert!(!left.is_empty(), "the cancel reached every item: {ended:?}");
    for (item, text) in &left {
        let line = format!("  – {item}: {} (not ended when the job did)", text.trim());
        assert_eq!(
            screen.lines().filter(|shown| shown.trim_end() == line).count(),
            1,
            "{line:?} in\n{screen}"
        );
    }
    // No spinner is left on the screen.
    let spinners = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
    assert!(
        !screen
            .lines()
            .any(|line| spinners.iter().any(|spinner| line.trim_start().starts_with(spinner))),
        "{screen}"
    );
}
