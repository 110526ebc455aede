//! What the integration tests share: the program under test, run to its end or as a server
//! (`mock`, `proxy`) read up to its ready line and killed when dropped; an HTTP client and the
//! token call; the fixtures. Every wait is bounded.
//!
//! Each test file includes it as `pub mod support;`, and a test that is a folder
//! (`tests/NAME/main.rs`) as `#[path = "../support/mod.rs"] pub mod support;`: its items are
//! public, so that a test that uses some of them is not warned of the others.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

/// The longest a test waits for a server's line, its exit after a signal, or an HTTP answer.
pub const WAIT: Duration = Duration::from_secs(30);

/// The longest a run of the program may take before it is killed (a safety net: nothing here
/// waits on time, and a run that blocks fails its test rather than hanging it).
pub const RUN_LIMIT: Duration = Duration::from_secs(60);

/// `cckm-sync`, to spawn, or to run when it ends at once (a usage error, `--help`).
pub fn cckm_sync() -> Command {
    Command::new(env!("CARGO_BIN_EXE_cckm-sync"))
}

/// `cckm-sync ARGS`, to run to its end: killed after [`RUN_LIMIT`] should it block.
pub fn program(args: &[&str]) -> assert_cmd::Command {
    let mut command = assert_cmd::Command::new(env!("CARGO_BIN_EXE_cckm-sync"));
    command.args(args).timeout(RUN_LIMIT);
    command
}

/// Runs `command` to its end; fails the test when it had to be killed (it blocked).
pub fn output(command: &mut assert_cmd::Command) -> Output {
    let output = command.output().unwrap();
    assert!(
        output.status.code().is_some(),
        "killed after {RUN_LIMIT:?}: it blocked: {command:?}"
    );
    output
}

/// Where a CipherTrust Manager (here the mock) is and how to log in, as an operator gives it to
/// `cckm-sync jobs` in the environment.
pub struct Connection {
    url: String,
    username: String,
    password: String,
}

impl Connection {
    /// The connection of `server`.
    pub fn of(server: &cckm_sync_mock::MockServer) -> Self {
        let (username, password) = server.credentials();
        Self {
            url: server.base_url(),
            username: username.to_owned(),
            password: password.to_owned(),
        }
    }

    /// `CM_URL`, `CM_USERNAME` and `CM_PASSWORD`.
    pub fn env(&self) -> [(&'static str, &str); 3] {
        [
            ("CM_URL", &self.url),
            ("CM_USERNAME", &self.username),
            ("CM_PASSWORD", &self.password),
        ]
    }
}

/// What a run printed, and its exit code.
#[derive(Debug)]
pub struct Run {
    /// The exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Runs `command` to its end (see [`output`]); its streams must be UTF-8.
    pub fn of(command: &mut assert_cmd::Command) -> Self {
        let output = output(command);
        Self {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8(output.stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
        }
    }

    /// The lines of standard output.
    pub fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }

    /// The run failed with exit code `code` and exactly one line on standard error, which starts
    /// with `error: ` and holds `text`; no panic, no backtrace. Returns the line.
    pub fn one_error_line(&self, code: i32, text: &str) -> &str {
        assert_eq!(self.code, code, "{self:#?}");
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{self:#?}");
        assert!(lines[0].starts_with("error: ") && lines[0].contains(text), "{self:#?}");
        assert!(
            !self.stderr.contains("panicked") && !self.stderr.contains("backtrace"),
            "{self:#?}"
        );
        lines[0]
    }
}

/// Runs `cckm-sync validate --format json ARGS PATHS`: its exit code and its report.
pub fn validate_json<P: AsRef<std::ffi::OsStr>>(args: &[&str], paths: impl IntoIterator<Item = P>) -> (i32, Value) {
    let output = output(program(&["validate", "--format", "json"]).args(args).args(paths));
    let report = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("{error}: {}", String::from_utf8_lossy(&output.stdout)));
    (output.status.code().unwrap_or(-1), report)
}

/// A running `cckm-sync` server (`mock` or `proxy`), its standard output read up to its ready
/// line (`Press Ctrl-C to stop.`), its standard error read until it exits. Killed when dropped.
pub struct Server {
    child: Child,
    /// The lines printed up to the ready line.
    pub banner: Vec<String>,
    stderr: mpsc::Receiver<String>,
}

impl Server {
    /// Starts `cckm-sync ARGS` and reads its lines up to the ready line, waiting at most
    /// [`WAIT`] for each.
    pub fn start(args: &[&str]) -> Self {
        let mut child = cckm_sync()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut server = Self::adopt(child);
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                if sender.send(line.unwrap_or_default()).is_err() {
                    break;
                }
            }
        });
        while !server
            .banner
            .last()
            .is_some_and(|line| line.starts_with("Press Ctrl-C"))
        {
            match lines.recv_timeout(WAIT) {
                Ok(line) => server.banner.push(line),
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    panic!("{args:?}: no ready line within {WAIT:?}: {:?}", server.banner)
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => panic!(
                    "{args:?} ended before its ready line: {:?}; standard error: {}",
                    server.banner,
                    server.stderr.recv_timeout(WAIT).unwrap_or_default()
                ),
            }
        }
        server
    }

    /// `cckm-sync mock ARGS` on a free port of 127.0.0.1.
    pub fn mock(args: &[&str]) -> Self {
        Self::mock_on("127.0.0.1:0", args)
    }

    /// `cckm-sync mock --listen LISTEN ARGS`.
    pub fn mock_on(listen: &str, args: &[&str]) -> Self {
        Self::start(&[&["mock", "--listen", listen], args].concat())
    }

    /// `cckm-sync proxy ARGS` on a free port of 127.0.0.1, in front of `upstream`.
    pub fn proxy(upstream: &str, args: &[&str]) -> Self {
        Self::start(&[&["proxy", "--listen", "127.0.0.1:0", "--upstream", upstream], args].concat())
    }

    /// A server started otherwise (its banner not read, or lost), to signal and to reap; its
    /// standard error, if piped, is read from now on.
    pub fn adopt(mut child: Child) -> Self {
        let (sender, stderr) = mpsc::channel();
        match child.stderr.take() {
            Some(mut pipe) => {
                std::thread::spawn(move || {
                    let mut text = String::new();
                    let _ = std::io::Read::read_to_string(&mut pipe, &mut text);
                    let _ = sender.send(text);
                });
            }
            None => {
                let _ = sender.send(String::new());
            }
        }
        Self {
            child,
            banner: Vec::new(),
            stderr,
        }
    }

    /// The URL the first line names (`cckm-sync … serving <url>`, up to a comma): the mock's
    /// API URL, the proxy's root URL.
    fn served(&self) -> &str {
        self.banner
            .iter()
            .find_map(|line| line.split_once(" serving "))
            .and_then(|(_, rest)| rest.split(',').next())
            .unwrap_or_else(|| panic!("no line names the URL served: {:?}", self.banner))
    }

    /// The server's root URL.
    pub fn url(&self) -> String {
        let served = self.served();
        served.strip_suffix("/api/v1").unwrap_or(served).to_owned()
    }

    /// The server's API URL: the root URL and `/api/v1`.
    pub fn api_url(&self) -> String {
        format!("{}/api/v1", self.url())
    }

    /// The line of the banner that starts with `prefix` (leading spaces ignored), if any.
    pub fn line_starting(&self, prefix: &str) -> Option<&str> {
        self.banner
            .iter()
            .map(|line| line.trim_start())
            .find(|line| line.starts_with(prefix))
    }

    /// The line of the banner that starts with `prefix` (leading spaces ignored).
    pub fn line(&self, prefix: &str) -> &str {
        self.line_starting(prefix)
            .unwrap_or_else(|| panic!("no line starts with {prefix:?}: {:?}", self.banner))
    }

    /// Sends a signal (`kill`'s flag, such as `-INT`) and waits, at most [`WAIT`], for the exit
    /// status and what it printed on standard error.
    pub fn signal(mut self, signal: &str) -> (ExitStatus, String) {
        let sent = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success(), "kill {signal} failed");
        let stderr = self
            .stderr
            .recv_timeout(WAIT)
            .unwrap_or_else(|_| panic!("it did not exit within {WAIT:?} of {signal}"));
        (self.child.wait().unwrap(), stderr)
    }

    /// Ctrl-C (SIGINT); see [`Self::signal`].
    pub fn stop(self) -> (ExitStatus, String) {
        self.signal("-INT")
    }

    /// Ctrl-C, and what it printed on standard error; fails the test unless it exited with 0.
    pub fn stop_ok(self) -> String {
        let (status, stderr) = self.stop();
        assert!(status.success(), "{status}: {stderr}");
        stderr
    }

    /// SIGTERM, as a service manager sends it; see [`Self::signal`].
    pub fn terminate(self) -> (ExitStatus, String) {
        self.signal("-TERM")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The builder of [`client`]: [`WAIT`] for each call, the TLS provider of the client crate.
pub fn client_builder() -> reqwest::ClientBuilder {
    let _ = cckm_sync_client::tls::ring_provider().install_default();
    reqwest::Client::builder().timeout(WAIT)
}

/// An HTTP client of the servers under test.
pub fn client() -> reqwest::Client {
    client_builder().build().unwrap()
}

/// The token call of the API at `api_url` (ending in `/api/v1`).
pub async fn token(client: &reqwest::Client, api_url: &str, username: &str, password: &str) -> reqwest::Response {
    client
        .post(format!("{api_url}/auth/tokens/"))
        .json(&serde_json::json!({"grant_type": "password", "username": username, "password": password}))
        .send()
        .await
        .unwrap()
}

/// A JWT of the API at `api_url` (ending in `/api/v1`) for `username`.
pub async fn jwt(client: &reqwest::Client, api_url: &str, username: &str, password: &str) -> String {
    let answer: Value = token(client, api_url, username, password).await.json().await.unwrap();
    answer["jwt"]
        .as_str()
        .unwrap_or_else(|| panic!("no jwt in the token answer: {answer}"))
        .to_owned()
}

/// `GET url` with `jwt`: the status, and the JSON body.
pub async fn get(client: &reqwest::Client, jwt: &str, url: String) -> (u16, Value) {
    let response = client.get(url).bearer_auth(jwt).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// The workspace's root folder.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The fixtures of the model crate.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../cckm-sync/tests/fixtures")
}

/// The text of a fixture of the model crate, by its path under [`fixtures`].
pub fn fixture(path: &str) -> String {
    std::fs::read_to_string(fixtures().join(path)).unwrap_or_else(|error| panic!("{path}: {error}"))
}
