//! `cckm-sync`: the command-line program of the CCKM synchronization job contract.
//!
//! `cckm-sync mock` serves a mock CipherTrust Manager (the `cckm-sync-mock` crate) until
//! Ctrl-C. Exit codes: 0 when it stopped on a signal, 1 when it could not start, 2 for a usage
//! error (clap's). `jobs`, `validate`, `proxy` and `diff` are in modules of their own.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line program reports on its streams"
)]

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use cckm_sync_mock::{MockServer, StartError};
use clap::{Args, CommandFactory as _, FromArgMatches as _, Parser, Subcommand};

use parse::{parse_bound, parse_duration, parse_lifetime, parse_listen};
use signals::Signals;

/// A line of a server's banner on standard output. A closed standard output (a wrapper that
/// read the lines it needed and closed the pipe) is no reason to stop serving: the line is lost,
/// where `println!` would panic.
macro_rules! banner {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

mod completions;
mod diff;
mod files;
mod jobs;
mod output;
mod parse;
mod proxy;
mod seed;
mod signals;
mod validate;

/// The contract of the CipherTrust Manager CCKM synchronization and refresh jobs, put to work.
#[derive(Debug, Parser)]
#[command(name = "cckm-sync", propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve a mock CipherTrust Manager: every job endpoint and the token call, with state.
    ///
    /// Jobs started on the mock can be read back, progress item by item over the job
    /// duration and can be cancelled; lists filter, sort and page them. Every job call needs a
    /// bearer token from `POST /api/v1/auth/tokens`. A control API under `/__mock/` resets the
    /// mock, loads recorded jobs, pauses and advances its clock, injects faults and lists the
    /// requests received. Serves until Ctrl-C.
    Mock(MockArgs),
    /// List, show, start, cancel and wait for the jobs of a CipherTrust Manager.
    ///
    /// Connects to --url (or CM_URL) and logs in with --username and --password (or
    /// CM_USERNAME and CM_PASSWORD). Endpoints are named as in the catalog: aws-keys,
    /// azure-secrets, google, dsm, …; `cckm-sync jobs list --help` lists them all.
    Jobs(jobs::JobsArgs),

    /// Check recorded responses and HAR files against the contract.
    ///
    /// Each body must be accepted by the crate's parser and by the generated JSON Schema of
    /// its kind (embedded in this program); a disagreement of the two is a bug of the
    /// contract. HAR entries are matched to the endpoint catalog by method and path, and
    /// their requests (start bodies, list query strings, job ids) are checked too; entries of
    /// other endpoints are counted and skipped. Error bodies (4xx, 5xx) are checked against
    /// the error schema. What the contract does not know (fields, `overall_status` and
    /// `cloud` values, query parameters) is drift, counted across all inputs.
    Validate(validate::ValidateArgs),

    /// A reverse proxy that checks live traffic against the contract.
    ///
    /// Forwards every call unchanged (method, path, query, headers, body, status) to the
    /// upstream, and checks the request and the response of each call of the catalog as it
    /// passes, logging each violation and each new kind of drift. At Ctrl-C it writes the
    /// report (the JSON of `validate --format json`), and the HAR file it recorded, which
    /// `validate` reads.
    Proxy(proxy::ProxyArgs),

    /// Compare two versions of the contract: does the new one break a client of the old one?
    ///
    /// OLD and NEW are two OpenAPI documents (3.1 or 3.0, in any pair) or two folders of
    /// schema files. Every change is judged breaking, additive or neutral for a client of OLD,
    /// by structure (operations, parameters, statuses, content types, files) and by
    /// acceptance: both versions of each changed schema judge the same probes, and a probe
    /// they judge differently is the evidence. One line per change; a change of many
    /// operations is one line.
    Diff(diff::DiffArgs),

    /// Print the completion script of a shell: `cckm-sync completions bash > /etc/bash_completion.d/cckm-sync`,
    /// `cckm-sync completions zsh > "${fpath[1]}/_cckm-sync"`, `cckm-sync completions fish >
    /// ~/.config/fish/completions/cckm-sync.fish`
    Completions {
        /// The shell
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Args)]
struct MockArgs {
    /// Address to listen on (`127.0.0.1:8443`, `localhost:0`); port 0 picks a free port (the
    /// first line printed names it). On an address other than loopback, the control API needs
    /// a token (--control-token, or one made at start and printed once).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8443", value_parser = parse_listen)]
    listen: SocketAddr,

    /// Make every control call (`/__mock/…`) need `Authorization: Bearer TOKEN`. Without it,
    /// a mock listening beyond loopback makes one at start and prints it once.
    #[arg(long, value_name = "TOKEN")]
    control_token: Option<String>,

    /// Keep credentials in the received requests (`GET /__mock/requests`): the Authorization
    /// and other credential headers, credential query parameters and JWTs, the token call's
    /// password and refresh token. By default they are redacted.
    #[arg(long)]
    record_credentials: bool,

    /// The most jobs the mock holds; a start beyond is refused with 409, and a `--seed` is
    /// loaded as far as it fits.
    #[arg(long, value_name = "N", default_value_t = MockServer::DEFAULT_MAX_JOBS, value_parser = parse_bound)]
    max_jobs: usize,

    /// The most items the mock's jobs hold together (a job's items: its `detailed_status`
    /// entries, or the entries of a scope list, whichever are more); a start beyond is refused
    /// with 409, and a `--seed` is loaded as far as it fits.
    #[arg(long, value_name = "N", default_value_t = MockServer::DEFAULT_MAX_ITEMS, value_parser = parse_bound)]
    max_items: usize,

    /// Print one JSON line first, for programs that start the mock: `{"url", "api_url",
    /// "username", "certificate", "control_token"}` (`certificate` and `control_token` null
    /// when there are none); the lines for humans follow.
    #[arg(long)]
    ready_json: bool,

    /// User name the token call accepts.
    #[arg(long, value_name = "NAME", default_value = "admin")]
    username: String,

    /// Password the token call accepts.
    #[arg(long, value_name = "PASSWORD", default_value = "admin")]
    password: String,

    /// How long a job runs; its items end one after another over it (`5s`, `250ms`, `1m`).
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = parse_duration)]
    job_duration: Duration,

    /// How long a JWT is valid, in whole seconds (`300s`, `5m`).
    #[arg(long, value_name = "DURATION", default_value = "300s", value_parser = parse_lifetime)]
    token_lifetime: Duration,

    /// Load the jobs of recorded traffic at start: HAR files (the proxy's, a browser's: the
    /// pages and jobs their responses hold) and `.json` response bodies, given as files or
    /// folders searched for both; repeat for more. What is skipped, and why, is said on
    /// standard error; the mock starts anyway.
    #[arg(long, value_name = "PATH")]
    seed: Vec<PathBuf>,

    /// The most bytes read of each seed file (`500MB`, `2GiB`); HAR files are read entry by
    /// entry.
    #[arg(long, value_name = "SIZE", default_value = "1GiB", value_parser = files::parse_size)]
    max_input_size: u64,

    /// Serve HTTPS with a self-signed certificate for localhost and 127.0.0.1, made at start
    /// and written to a file whose path is printed (give it to `curl --cacert`).
    #[arg(long)]
    tls: bool,
}

/// `cckm-sync --version`: the program's version and the version of the contract it embeds,
/// which moves by its own rules (the repository's `VERSIONING.md`).
fn version() -> String {
    format!(
        "{} (contract {})",
        env!("CARGO_PKG_VERSION"),
        cckm_sync::CONTRACT_VERSION
    )
}

fn main() -> ExitCode {
    let matches = Cli::command().version(version()).get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => error.exit(),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let result = match cli.command {
        Command::Mock(args) => runtime.block_on(mock(args)),
        Command::Jobs(args) => return runtime.block_on(jobs::run(args)),
        Command::Validate(args) => return validate::run(args),
        Command::Proxy(args) => return proxy::run(args),
        Command::Diff(args) => return diff::run(args),
        Command::Completions { shell } => {
            // Written to a buffer first: the generator panics on a failed write (a closed pipe).
            let script = completions::script(shell, &mut Cli::command().version(version()), "cckm-sync");
            let mut stdout = std::io::stdout().lock();
            return match stdout.write_all(&script).and_then(|()| stdout.flush()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("error: cannot write the completion script: {error}");
                    ExitCode::FAILURE
                }
            };
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(MockFailure::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(MockFailure::Start(message)) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Why `cckm-sync mock` stopped: a flag's value the mock refuses (exit 2, as clap's usage
/// errors), or a failure to start or to serve (exit 1).
enum MockFailure {
    Usage(String),
    Start(String),
}

impl From<String> for MockFailure {
    fn from(message: String) -> Self {
        Self::Start(message)
    }
}

async fn mock(args: MockArgs) -> Result<(), MockFailure> {
    files::stdin_once(&args.seed).map_err(|reason| MockFailure::Usage(format!("--seed: {reason}")))?;
    let threads = std::thread::available_parallelism().map_or(2, usize::from);
    // Beyond loopback, others can reach the control API: it needs a token.
    let exposed = !args.listen.ip().is_loopback();
    let control_token = args
        .control_token
        .clone()
        .or_else(|| exposed.then(|| format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())));
    let mut builder = MockServer::builder()
        .listen(args.listen)
        .credentials(&args.username, &args.password)
        .job_duration(args.job_duration)
        .token_lifetime(args.token_lifetime)
        .tls(args.tls)
        .record_credentials(args.record_credentials)
        .max_jobs(args.max_jobs)
        .max_items(args.max_items)
        .worker_threads(threads);
    if let Some(token) = &control_token {
        builder = builder.control_token(token);
    }
    // The mock's own bounds of an option (a job of at most 366 days) are the flag's: a value
    // beyond is a usage error, as one clap refuses.
    let server = builder.start().map_err(|error| match error {
        StartError::Config(reason) => MockFailure::Usage(reason),
        other => MockFailure::Start(other.to_string()),
    })?;
    // Before the first line a script may wait for, then signal.
    let signals = Signals::listen()?;
    let seeded = seed::load(&server, &args.seed, args.max_input_size)?;

    // Kept until the server stops: the file is removed with its folder at exit.
    let mut certificate_dir = None;
    let certificate = match server.certificate_pem() {
        Some(pem) => {
            let dir = tempfile::Builder::new()
                .prefix("cckm-sync-mock-")
                .tempdir()
                .map_err(|error| format!("cannot create a folder for the certificate: {error}"))?;
            let path = dir.path().join("certificate.pem");
            std::fs::write(&path, pem).map_err(|error| format!("cannot write {}: {error}", path.display()))?;
            certificate_dir = Some(dir);
            Some(path)
        }
        None => None,
    };

    let (username, password) = server.credentials();
    if args.ready_json {
        let ready = serde_json::json!({
            "url": server.base_url(),
            "api_url": server.api_url(),
            "username": username,
            "certificate": certificate.as_ref().map(|path| path.display().to_string()),
            "control_token": control_token,
        });
        banner!("{ready}");
    }
    // The first line for humans names the URL: scripts read it to learn a port picked with `:0`.
    banner!("cckm-sync mock serving {}", server.api_url());
    banner!(
        "  credentials: {username} / {password} (POST {}{} for a token)",
        server.api_url(),
        cckm_sync::endpoints::TOKEN_PATH
    );
    if let Some(path) = &certificate {
        banner!(
            "  certificate: {} (self-signed, for localhost and 127.0.0.1)",
            path.display()
        );
    }
    banner!(
        "  jobs run for {}, tokens last {}",
        humantime::format_duration(server.job_duration()),
        humantime::format_duration(args.token_lifetime)
    );
    if !args.seed.is_empty() {
        banner!(
            "  seed: {} jobs loaded from {} file{} ({} skipped)",
            seeded.loaded,
            seeded.files,
            if seeded.files == 1 { "" } else { "s" },
            seeded.skipped
        );
        for warning in &seeded.warnings {
            eprintln!("warning: {warning}");
        }
    }
    banner!(
        "  control API: {}/__mock/ (reset, jobs, clock, faults, requests, tokens)",
        server.base_url()
    );
    match &control_token {
        Some(token) => banner!("  control API token: {token} (send `Authorization: Bearer <token>` to /__mock/)"),
        None => banner!("  control API: no token (loopback only; --control-token to require one)"),
    }
    if exposed {
        banner!(
            "  listening beyond loopback on {}: anyone who reaches it can log in with the credentials above; \
             received requests are kept{}",
            server.address(),
            if args.record_credentials {
                " with their credentials (--record-credentials)"
            } else {
                ", credentials redacted"
            }
        );
    }
    banner!("Press Ctrl-C to stop.");
    let _ = std::io::stdout().flush();

    signals.recv().await?;
    eprintln!("shutting down");
    server.shutdown().await;
    drop(certificate_dir);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().version(version()).debug_assert();
    }
}
