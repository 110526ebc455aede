//! `cckm-sync proxy`: a reverse proxy in front of a CipherTrust Manager (or the mock) that
//! checks every call of the catalog against the contract as it passes.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use cckm_sync_contract::{Contract, Recording, Report};
use cckm_sync_mock::accept::{Http, Stop, accept_loop};
use clap::Args;

use crate::output::{self, ColorWhen};
use crate::parse::{parse_duration, parse_listen};
use crate::signals::Signals;

mod answer;
mod check;
mod deadline;
mod forward;
mod headers;
mod record;
mod state;
mod upstream;

use state::State;
use upstream::{Trust, Upstream};

/// The most connections served at once; more wait in the listen backlog.
const MAX_CONNECTIONS: usize = 512;
/// How long a stop waits for the calls in flight.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);
/// How many cases the report keeps (all are counted).
const MAX_CASES: usize = 10_000;

#[derive(Debug, Args)]
#[command(after_help = "\
The proxy answers on its own only when it must, with the API's error body (a `message` that \
starts with `cckm-sync proxy`): 502 `NCERRBadGateway` when the upstream cannot be reached or \
breaks off, 504 `NCERRGatewayTimeout` when it does not answer within --timeout, and with \
--strict 502 `NCERRContractViolation` listing the violations. Credentials (the Authorization \
and Cookie headers, headers named for a credential such as X-Api-Key, credential query \
parameters and JWTs in the URL, the token call's password, refresh token and JWT) are redacted \
in the HAR file. --timeout covers the whole exchange, streamed bodies included. The HAR file \
and the report are readable even if the proxy is killed. The HAR file takes at most \
--har-max-size bytes; an entry holds a call's bodies as checked (at most 8 MiB of request, \
64 MiB of response), and no streamed body.

Exit status after Ctrl-C (or SIGTERM): 0 when every call checked passed and the upstream \
answered every call, 1 when one failed, went unanswered (upstream down, an untrusted \
certificate, a timeout) or the proxy could not start, 2 for a usage error.

Example:
  cckm-sync mock --listen 127.0.0.1:8443 &
  cckm-sync proxy --upstream http://127.0.0.1:8443 --listen 127.0.0.1:8080 \\
      --report report.json --har traffic.har
  # point the client at http://127.0.0.1:8080, then Ctrl-C the proxy and:
  cckm-sync validate traffic.har")]
pub(crate) struct ProxyArgs {
    /// The server to forward to: its root URL or its API URL (`…/api/v1`), `http://` or
    /// `https://`.
    #[arg(long, value_name = "URL", value_parser = Upstream::parse)]
    upstream: Upstream,

    /// Address to listen on (plain HTTP); port 0 picks a free port (the first line printed
    /// names it).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080", value_parser = parse_listen)]
    listen: SocketAddr,

    /// Accept any certificate of an HTTPS upstream (a CipherTrust Manager's self-signed
    /// one), as `curl -k` does.
    #[arg(long, conflicts_with = "ca_cert")]
    insecure: bool,

    /// Trust the CA certificate(s) of this PEM file for an HTTPS upstream (such as the
    /// server's self-signed certificate), besides the system's, as `cckm-sync jobs` does.
    #[arg(long, value_name = "PEM")]
    ca_cert: Option<PathBuf>,

    /// Write the report (the JSON of `cckm-sync validate --format json`, and with --har what
    /// the recording holds) to FILE: at start, each second with new calls, and at exit.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,

    /// Record every call to FILE as a HAR file, which `cckm-sync validate` reads.
    #[arg(long, value_name = "FILE")]
    har: Option<PathBuf>,

    /// The most bytes the HAR file may take (`500MB`, `2GiB`): the first call that would take
    /// it beyond is not recorded, nor any after it (the file stays a whole HAR file of the
    /// first calls); the log, the summary and the report's `recording` say how many were not.
    #[arg(long, value_name = "SIZE", default_value = "1GiB", value_parser = crate::files::parse_size)]
    har_max_size: u64,

    /// Answer a call that breaks the contract (drift included) with 502 and an error body
    /// that says why, instead of forwarding it (a request) or its answer (a response).
    #[arg(long)]
    strict: bool,

    /// How long the upstream may take to answer a call, body included, before the proxy
    /// answers 504 (`30s`, `500ms`).
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    timeout: Duration,

    /// How long connecting to the upstream may take before the proxy answers 502.
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = parse_duration)]
    connect_timeout: Duration,

    /// When to colour what is printed.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    color: ColorWhen,
}

/// Runs `cckm-sync proxy` until Ctrl-C or SIGTERM.
pub(crate) fn run(args: ProxyArgs) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(std::thread::available_parallelism().map_or(2, usize::from))
        .thread_name("cckm-sync-proxy")
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(args)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Serves until a signal; `Ok(true)` when every call checked passed.
async fn serve(args: ProxyArgs) -> Result<bool, String> {
    let upstream = args.upstream.clone();
    let trust = match (&args.ca_cert, args.insecure) {
        (Some(path), _) => Trust::Roots(path.clone()),
        (None, true) => Trust::Anything,
        (None, false) => Trust::System,
    };
    let https = upstream.scheme == http::uri::Scheme::HTTPS;
    let client = upstream::client(&trust, https, args.connect_timeout)?;
    let contract = Contract::embedded().map_err(|error| error.to_string())?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|error| format!("cannot listen on {}: {error}", args.listen))?;
    let address = listener
        .local_addr()
        .map_err(|error| format!("cannot read the address listened on: {error}"))?;
    // The report's file is written now, so that a path that cannot be written fails at start,
    // not after a session of traffic; then again as calls are checked (below), so that a proxy
    // killed without a chance to write it at exit leaves the report of what it saw.
    if let Some(path) = &args.report {
        let mut report = Report::new(args.strict);
        if let Some(har) = &args.har {
            report.set_recording(Recording {
                file: har.display().to_string(),
                calls_recorded: 0,
                calls_not_recorded: 0,
                max_bytes: args.har_max_size,
            });
        }
        write_report(path, &report.to_json(&crate::validate::tool()))?;
    }
    let (recorder, recorder_thread) = match &args.har {
        Some(path) => {
            let (recorder, thread) = record::Recorder::start(path, args.har_max_size)?;
            (Some(recorder), Some(thread))
        }
        None => (None, None),
    };
    let color = args.color.choice();
    let state = Arc::new(State {
        upstream: upstream.clone(),
        client,
        contract,
        strict: args.strict,
        timeout: args.timeout,
        report: std::sync::Mutex::new(Report::new(args.strict).keep_at_most(MAX_CASES)),
        recorder,
        calls: AtomicUsize::new(0),
        unanswered: AtomicUsize::new(0),
        color,
    });

    // Before the first line a script may wait for, then signal.
    let signals = Signals::listen()?;
    // The first line names the URL: scripts read it to learn a port picked with `:0`.
    banner!(
        "cckm-sync proxy serving http://{address}, forwarding to {}",
        upstream.url()
    );
    let endpoints = cckm_sync::endpoints::ENDPOINTS.len();
    banner!(
        "  checking the calls of the {endpoints} job endpoints and the token call against the contract{}",
        if args.strict {
            "; --strict: a call that breaks it is answered 502"
        } else {
            ""
        }
    );
    if matches!(trust, Trust::Anything) {
        banner!("  --insecure: the upstream's certificate is not checked");
    }
    banner!(
        "  upstream timeouts: {} to connect, {} to answer",
        humantime::format_duration(args.connect_timeout),
        humantime::format_duration(args.timeout)
    );
    if let Some(path) = &args.har {
        banner!(
            "  recording: {} (HAR, credentials redacted, at most {})",
            path.display(),
            record::size_text(args.har_max_size)
        );
    }
    if let Some(path) = &args.report {
        banner!(
            "  report: {} (written at start, each second with new calls, and at exit)",
            path.display()
        );
    }
    banner!("Press Ctrl-C to stop.");
    let _ = std::io::stdout().flush();

    let reporter = args
        .report
        .clone()
        .map(|path| tokio::spawn(keep_report_written(state.clone(), path)));
    accept(listener, state.clone(), signals).await?;
    if let Some(reporter) = reporter {
        reporter.abort();
        let _ = reporter.await;
    }
    state.count_unlisted_errors();

    // The report leaves the state, which holds the last sender of the recording: the writer
    // ends when the state goes, and the report then says what the file holds at its end.
    let (mut report, summary, recording) = {
        let mut report = state
            .report
            .lock()
            .map_err(|_| "the report was lost to a crash of a call".to_owned())?;
        let calls = state.calls.load(Ordering::Relaxed);
        let mut text = Vec::new();
        let _ = output::write_other_calls(&mut text, &report);
        let _ = output::write_drift(&mut text, &report);
        let inputs = format!("{calls} call{}", if calls == 1 { "" } else { "s" });
        let unanswered = state.unanswered.load(Ordering::Relaxed);
        let _ = output::write_summary(&mut text, &report, &inputs, (unanswered, "unanswered"));
        let recording = state.recorder.as_ref().map(record::Recorder::recording);
        (
            std::mem::replace(&mut *report, Report::new(args.strict)),
            text,
            recording,
        )
    };
    {
        let mut err = anstream::AutoStream::new(std::io::stderr().lock(), color);
        let _ = err.write_all(&summary);
    }
    drop(state);
    let mut problems = Vec::new();
    if let Some(thread) = recorder_thread {
        match thread.finish() {
            Ok(recorded) => {
                eprintln!("{}", recorded_line(&recorded));
                report.set_recording(recorded);
            }
            Err(error) => {
                problems.push(error);
                // What the file held when its writer stopped.
                if let Some(recording) = recording {
                    report.set_recording(recording);
                }
            }
        }
    }
    let ok = report.ok();
    if let Some(path) = &args.report {
        match write_report(path, &report.to_json(&crate::validate::tool())) {
            Ok(()) => eprintln!("report written to {}", path.display()),
            Err(error) => problems.push(error),
        }
    }
    if problems.is_empty() {
        Ok(ok)
    } else {
        Err(problems.join("; "))
    }
}

/// The summary's line of the recording: how many calls the HAR file holds, and how many it
/// does not, having reached its bound.
fn recorded_line(recorded: &Recording) -> String {
    let calls = |count: usize| format!("{count} call{}", if count == 1 { "" } else { "s" });
    let mut line = format!("recorded {} to {}", calls(recorded.calls_recorded), recorded.file);
    if !recorded.is_complete() {
        line.push_str(&format!(
            "; {} not recorded: {} reached its bound of {} (--har-max-size)",
            calls(recorded.calls_not_recorded),
            recorded.file,
            record::size_text(recorded.max_bytes)
        ));
    }
    line
}

/// How often the report is written again while calls are checked.
const REPORT_EVERY: Duration = Duration::from_secs(1);

/// Writes the report whole: to a file beside it, then renamed over it, so that a reader (or a
/// kill) never sees half of one.
fn write_report(path: &std::path::Path, json: &str) -> Result<(), String> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    std::fs::write(&partial, format!("{json}\n"))
        .and_then(|()| std::fs::rename(&partial, path))
        .map_err(|error| format!("cannot write the report {}: {error}", path.display()))
}

/// Writes the report again each [`REPORT_EVERY`] in which calls arrived or the recording
/// moved on, until aborted.
async fn keep_report_written(state: Arc<State>, path: PathBuf) {
    let mut written = (0, 0, 0);
    let mut ticks = tokio::time::interval(REPORT_EVERY);
    loop {
        ticks.tick().await;
        let progress = state.progress();
        if progress == written {
            continue;
        }
        let Some(json) = state.report_json() else {
            return;
        };
        let path = path.clone();
        if tokio::task::spawn_blocking(move || write_report(&path, &json))
            .await
            .is_ok()
        {
            written = progress;
        }
    }
}

/// Accepts connections until Ctrl-C or SIGTERM, then lets the calls in flight finish (at
/// most [`SHUTDOWN_GRACE`]): the mock's accept loop, serving [`forward::handle`].
async fn accept(listener: tokio::net::TcpListener, state: Arc<State>, signals: Signals) -> Result<(), String> {
    let mut signal_error = None;
    let stop = async {
        if let Err(error) = signals.recv().await {
            signal_error = Some(error);
        }
        eprintln!("shutting down");
        Stop::Graceful(SHUTDOWN_GRACE)
    };
    let on_error = |error: &std::io::Error| {
        // Out of file descriptors, or a reset before accept: the loop waits a little, goes on.
        eprintln!("{}", output::error_line(&format!("accept failed: {error}")));
    };
    let serve = |stream, http: Http| {
        let state = state.clone();
        http.serve(
            stream,
            hyper::service::service_fn(move |request| forward::handle(state.clone(), request)),
        )
    };
    let draining = accept_loop(&listener, MAX_CONNECTIONS, stop, on_error, serve).await;
    drop(listener);
    draining.finish().await;
    match signal_error {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_help_and_the_summary_state_the_recordings_bounds() {
        // `--help` (and the README) state what a HAR entry holds of a call's bodies: at most
        // what the proxy checks.
        assert_eq!(forward::REQUEST_LIMIT, 8 << 20);
        assert_eq!(forward::RESPONSE_LIMIT, 64 << 20);
        let recorded = Recording {
            file: "t.har".to_owned(),
            calls_recorded: 4,
            calls_not_recorded: 1,
            max_bytes: 4096,
        };
        assert_eq!(
            recorded_line(&recorded),
            "recorded 4 calls to t.har; 1 call not recorded: t.har reached its bound of 4 KiB (--har-max-size)"
        );
    }
}
