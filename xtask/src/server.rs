//! Server programs the xtask starts for a step (`cckm-sync mock`, Prism): started, waited for
//! with a bound, and stopped when dropped.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::run::{cargo, root, status};

/// How long a server may take to say it is ready.
const START_LIMIT: Duration = Duration::from_secs(60);

/// The prefix of the first line `cckm-sync mock` prints, before its API URL.
const MOCK_SERVING: &str = "cckm-sync mock serving ";

/// Builds the `cckm-sync` program (`release` or not) and returns its path.
pub(crate) fn build_cckm_sync(release: bool) -> Result<PathBuf, String> {
    let mut args = vec!["build", "-p", "cckm-sync-cli", "--locked"];
    if release {
        args.push("--release");
    }
    status(&mut cargo(&args))?;
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from);
    Ok(target
        .join(if release { "release" } else { "debug" })
        .join(format!("cckm-sync{}", std::env::consts::EXE_SUFFIX)))
}

/// A running server, killed when dropped.
pub(crate) struct Server {
    child: Child,
    /// The URL the server said it serves.
    pub(crate) url: String,
}

impl Server {
    /// Starts `command` and waits (at most a minute) for the line of its standard output from
    /// which `ready` reads the URL it serves. What it prints afterwards is drained, so that it
    /// never blocks on a full pipe; its standard error is left to the terminal.
    pub(crate) fn start(command: &mut Command, ready: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let program = Path::new(command.get_program())
            .file_name()
            .map_or_else(|| "the server".to_owned(), |name| name.to_string_lossy().into_owned());
        let mut child = command
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|error| format!("cannot start {program}: {error}"))?;
        let stdout = child.stdout.take().ok_or("no standard output")?;
        let lines = read_lines(stdout);
        let mut server = Self {
            child,
            url: String::new(),
        };
        let started = Instant::now();
        loop {
            let left = START_LIMIT.saturating_sub(started.elapsed());
            let line = lines
                .recv_timeout(left)
                .map_err(|_| format!("{program} did not say it was ready within {} s", START_LIMIT.as_secs()))?;
            if let Some(url) = ready(&line) {
                eprintln!("{line}");
                server.url = url;
                break;
            }
        }
        std::thread::spawn(move || while lines.recv().is_ok() {});
        Ok(server)
    }

    /// Starts `cckm-sync mock` (the program at `program`) on a free port of 127.0.0.1 with
    /// `args`, from the folder `dir`; its `url` is the API's (`…/api/v1`).
    pub(crate) fn mock(program: &Path, args: &[&str], dir: &Path) -> Result<Self, String> {
        Self::start(
            Command::new(program)
                .args(["mock", "--listen", "127.0.0.1:0"])
                .args(args)
                .current_dir(dir),
            |line| line.strip_prefix(MOCK_SERVING).map(str::to_owned),
        )
    }

    /// The URL without the API prefix (`/api/v1`).
    pub(crate) fn base(&self) -> &str {
        self.url
            .strip_suffix(cckm_sync::endpoints::API_PREFIX)
            .unwrap_or(&self.url)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Lines of `reader`, sent as they come by a thread of their own.
pub(crate) fn read_lines(reader: impl std::io::Read + Send + 'static) -> mpsc::Receiver<String> {
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
