//! `cckm-sync jobs`: list, read, start, cancel and wait for the jobs of a CipherTrust Manager,
//! with the `cckm-sync-client` crate.

mod family;
mod progress;
mod view;

use std::future::Future;
use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::pin::Pin;
use std::process::ExitCode;
use std::time::Duration;

use cckm_sync::endpoints::{ENDPOINTS, Endpoint};
use cckm_sync::{FamilyScope, FamilyVisitor, Limit, ListSyncJobs, Sort, StartJob, SyncJob};
use cckm_sync_client::{Client, Error, Jobs, WaitOptions};
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser as _};
use clap::{Args, Subcommand, ValueEnum};
use futures_util::StreamExt as _;
use uuid::Uuid;

use progress::Progress;
use view::Outcome;

/// Connection options, and the command.
#[derive(Debug, Args)]
#[command(after_help = EXIT_STATUS)]
pub(crate) struct JobsArgs {
    #[command(flatten)]
    connection: Connection,

    #[command(subcommand)]
    command: JobsCommand,
}

const EXIT_STATUS: &str = "\
Exit status:
  0    the command succeeded (for a wait: the job completed and no item reported an error)
  1    the server could not be reached or said no, or the job failed, was cancelled or an
       item reported an error
  2    usage error: an unknown endpoint, a malformed id, a bad flag
  124  timed out: the wait's --timeout, or a request's --request-timeout, ran out (the job
       goes on)
  130  interrupted (Ctrl-C) while waiting: the job goes on";

/// The exit status of a command that timed out, as `timeout(1)` has it.
const TIMED_OUT: u8 = 124;
/// The exit status of a wait that Ctrl-C ended, as shells report a SIGINT.
const INTERRUPTED: u8 = 130;

/// Where the CipherTrust Manager is, and how to log in.
#[derive(Debug, Args)]
#[allow(
    rustdoc::bare_urls,
    reason = "the field comments are the --help text, where a URL is written bare"
)]
struct Connection {
    /// URL of the CipherTrust Manager, such as https://cm.example.com
    #[arg(long, global = true, env = "CM_URL", value_name = "URL")]
    url: Option<String>,

    /// User name to log in with
    #[arg(long, global = true, env = "CM_USERNAME", value_name = "NAME")]
    username: Option<String>,

    /// Password to log in with (prefer CM_PASSWORD: a flag shows in the process list)
    #[arg(
        long,
        global = true,
        env = "CM_PASSWORD",
        value_name = "PASSWORD",
        hide_env_values = true
    )]
    password: Option<String>,

    /// Accept any TLS certificate, even a self-signed one or one for another name. Anyone on
    /// the way can then read the calls, password included: prefer --ca-cert
    #[arg(
        long,
        global = true,
        env = "CM_INSECURE",
        conflicts_with = "ca_cert",
        value_parser = clap::builder::FalseyValueParser::new()
    )]
    insecure: bool,

    /// Trust the CA certificate(s) of this PEM file, such as the server's self-signed
    /// certificate, besides the system's
    #[arg(long, global = true, env = "CM_CA_CERT", value_name = "FILE")]
    ca_cert: Option<PathBuf>,

    /// The longest a request may take, from connecting to the end of the answer (a read
    /// that is retried may take several)
    #[arg(
        long,
        global = true,
        value_name = "DURATION",
        default_value = "30s",
        value_parser = crate::parse::parse_duration
    )]
    request_timeout: Duration,
}

#[derive(Debug, Subcommand)]
enum JobsCommand {
    /// List the jobs of an endpoint, newest first: the first page, or every job with --all
    List(ListArgs),
    /// Show one job and the state of each of its items
    Get(GetArgs),
    /// Start a job of the listed items (or of every item), and print its id (with --wait: how it
    /// ended)
    Start(StartArgs),
    /// Cancel a running job; it winds down and ends cancelled
    Cancel(CancelArgs),
    /// Wait for a job to end, showing the progress of each item
    Wait(WaitArgs),
}

#[derive(Debug, Args)]
#[command(after_help = EXIT_STATUS)]
struct ListArgs {
    /// The endpoint, by its name in the catalog
    #[arg(value_parser = endpoint_parser())]
    endpoint: &'static Endpoint,

    /// Only the job with this id
    #[arg(long, value_name = "ID", value_parser = parse_job_id)]
    id: Option<Uuid>,

    /// Only the jobs with this status, as the table shows it or as the server spells it, in
    /// any case: running (or in_progress, `in progress`), completed, failed, aborted, and
    /// cancelling or cancelled (jobs whose cancel was asked, whatever their status; found by
    /// reading every job). Another word is sent to the server as it is
    #[arg(long, value_name = "STATUS")]
    status: Option<String>,

    /// At most N jobs (from the newest, unless --sort says otherwise)
    #[arg(long, value_name = "N", conflicts_with = "all", value_parser = parse_limit)]
    limit: Option<std::num::NonZeroU32>,

    /// Only the jobs of these scope items (the endpoint's list filter: kms for AWS, key_vaults
    /// for Azure, key_rings for Google, vaults for OCI, groups for SAP, organizations for
    /// Salesforce)
    #[arg(long, value_name = "VALUE", num_args = 1.., action = clap::ArgAction::Append)]
    filter: Vec<String>,

    /// Sort by these comma-separated properties, `-` for descending, such as -createdAt
    // A descending key starts with `-`: `--sort -createdAt` is a value, not a flag.
    #[arg(long, value_name = "KEYS", value_parser = parse_sort, allow_hyphen_values = true)]
    sort: Option<Sort>,

    /// Every job, page after page, rather than the server's first page
    #[arg(long)]
    all: bool,

    /// How to print the jobs: a table, a table with whole scopes, or a JSON array of the jobs as
    /// the server sent them
    #[arg(short, long, value_name = "FORMAT", default_value = "table")]
    output: Output,
}

#[derive(Debug, Args)]
#[command(after_help = EXIT_STATUS)]
struct GetArgs {
    /// The endpoint, by its name in the catalog
    #[arg(value_parser = endpoint_parser())]
    endpoint: &'static Endpoint,

    /// The job's id, such as 0ea5d52e-387c-44fa-b079-21c8b768f77b
    #[arg(value_parser = parse_job_id)]
    id: Uuid,

    /// How to print the job: fields and items (whole, for `table` and `wide`), or the job as
    /// JSON as the server sent it
    #[arg(short, long, value_name = "FORMAT", default_value = "table")]
    output: Output,
}

#[derive(Debug, Args)]
#[command(
    group = clap::ArgGroup::new("target").required(true).args(["item", "all_items"]),
    after_help = EXIT_STATUS,
    // The endpoint first: `--item` takes several values, and a name after them is one more.
    override_usage = "cckm-sync jobs start <ENDPOINT> <--item <VALUE>...|--all-items> [OPTIONS]"
)]
struct StartArgs {
    /// The endpoint, by its name in the catalog
    #[arg(value_parser = endpoint_parser())]
    endpoint: &'static Endpoint,

    /// The items to synchronize: KMS names (AWS), `<vault>::<id>` key vaults (Azure), key
    /// rings (Google), vaults (OCI), groups (SAP), organization ids (Salesforce), domain ids
    /// (DSM, external CM)
    #[arg(long, value_name = "VALUE", num_args = 1.., action = clap::ArgAction::Append)]
    item: Vec<String>,

    /// Every item the server's connections reach (`synchronize_all`)
    #[arg(long)]
    all_items: bool,

    /// Only these AWS regions (AWS endpoints only; default: every region)
    #[arg(long, value_name = "R", num_args = 1.., action = clap::ArgAction::Append)]
    region: Vec<String>,

    /// Wait for the job to end, showing the progress of each item (standard output then holds
    /// the summary alone, or the ended job with --output json)
    #[arg(long)]
    wait: bool,

    /// With --wait, the longest wait, such as 90s, 10m or 2h
    #[arg(long, value_name = "DURATION", default_value = "30m", value_parser = crate::parse::parse_duration, requires = "wait")]
    timeout: Duration,

    /// How to print the result: the job's id (the summary with --wait), or the job as JSON as
    /// the server sent it (the ended job with --wait)
    #[arg(short, long, value_name = "FORMAT", default_value = "table")]
    output: Output,
}

#[derive(Debug, Args)]
#[command(after_help = EXIT_STATUS)]
struct CancelArgs {
    /// The endpoint, by its name in the catalog
    #[arg(value_parser = endpoint_parser())]
    endpoint: &'static Endpoint,

    /// The job's id, such as 0ea5d52e-387c-44fa-b079-21c8b768f77b
    #[arg(value_parser = parse_job_id)]
    id: Uuid,

    /// Wait for the job to wind down and end
    #[arg(long)]
    wait: bool,

    /// With --wait, the longest wait, such as 90s, 10m or 2h
    #[arg(long, value_name = "DURATION", default_value = "30m", value_parser = crate::parse::parse_duration, requires = "wait")]
    timeout: Duration,

    /// How to print the result: a line, or the job as JSON as the server sent it (the ended
    /// job with --wait)
    #[arg(short, long, value_name = "FORMAT", default_value = "table")]
    output: Output,
}

#[derive(Debug, Args)]
#[command(after_help = EXIT_STATUS)]
struct WaitArgs {
    /// The endpoint, by its name in the catalog
    #[arg(value_parser = endpoint_parser())]
    endpoint: &'static Endpoint,

    /// The job's id, such as 0ea5d52e-387c-44fa-b079-21c8b768f77b
    #[arg(value_parser = parse_job_id)]
    id: Uuid,

    /// The longest wait, such as 90s, 10m or 2h
    #[arg(long, value_name = "DURATION", default_value = "30m", value_parser = crate::parse::parse_duration)]
    timeout: Duration,

    /// How to print the result: a summary line, or the ended job as JSON as the server sent it
    #[arg(short, long, value_name = "FORMAT", default_value = "table")]
    output: Output,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Output {
    /// A table that fits the terminal (100 columns when not on one), long scopes cut
    Table,
    /// The table with whole scopes, however wide
    Wide,
    /// JSON, as the server sent it
    Json,
}

/// The width of the table: the terminal's when standard output is one, else [`view::WIDTH`].
fn table_width() -> usize {
    let stdout = console::Term::stdout();
    if stdout.is_term() {
        usize::from(stdout.size().1)
    } else {
        view::WIDTH
    }
}

/// The endpoint names of the catalog, each with its title in `--help`.
fn endpoint_parser() -> impl clap::builder::TypedValueParser<Value = &'static Endpoint> {
    PossibleValuesParser::new(
        ENDPOINTS
            .iter()
            .map(|endpoint| PossibleValue::new(endpoint.name).help(endpoint.title)),
    )
    .try_map(|name| cckm_sync::endpoints::find(&name).ok_or_else(|| format!("no endpoint is named {name:?}")))
}

/// A job id in the hyphenated form the server writes, the one form the contract takes.
fn parse_job_id(text: &str) -> Result<Uuid, String> {
    cckm_sync::endpoints::parse_job_id(text).ok_or_else(|| {
        "a job id is a UUID in its hyphenated form, such as 0ea5d52e-387c-44fa-b079-21c8b768f77b".to_owned()
    })
}

fn parse_limit(text: &str) -> Result<std::num::NonZeroU32, String> {
    text.parse()
        .map_err(|_| "a limit is a number of jobs, at least 1 (--all lists every job)".to_owned())
}

fn parse_sort(text: &str) -> Result<Sort, String> {
    Sort::parse(text).map_err(|error| error.to_string())
}

/// Why a command did not succeed: a usage error (exit code 2), a failure (1), a time limit
/// (124), or Ctrl-C during a wait (130).
enum CommandError {
    Usage(String),
    Failed(String),
    TimedOut(String),
    Interrupted(String),
}

impl From<Error> for CommandError {
    fn from(error: Error) -> Self {
        let mut message = error.to_string();
        match &error {
            Error::Tls { .. } if error.is_untrusted_certificate() => message
                .push_str(" (trust the server's certificate with --ca-cert FILE, or skip the check with --insecure)"),
            // What a TLS handshake with a plain HTTP server reads back.
            Error::Tls { .. } => message.push_str(" (does the server speak HTTPS on this port?)"),
            // What a plain HTTP request to an HTTPS port reads back.
            Error::Transport { request, .. }
                if request.url().starts_with("http:") && message.contains("invalid HTTP version") =>
            {
                message.push_str(" (does the server speak HTTPS? try an https:// URL)");
            }
            _ => {}
        }
        if error.is_timeout() {
            Self::TimedOut(message)
        } else {
            Self::Failed(message)
        }
    }
}

/// Runs a `jobs` command; the exit code says how it went.
pub(crate) async fn run(args: JobsArgs) -> ExitCode {
    let result = match connect(&args.connection) {
        Ok(client) => dispatch(client, args.command).await,
        Err(failure) => Err(failure),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(CommandError::Failed(message)) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
        Err(CommandError::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(CommandError::TimedOut(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(TIMED_OUT)
        }
        Err(CommandError::Interrupted(message)) => {
            eprintln!("{message}");
            ExitCode::from(INTERRUPTED)
        }
    }
}

/// A client of the server the options name.
fn connect(connection: &Connection) -> Result<Client, CommandError> {
    let missing = |flag: &str, variable: &str, what: &str| {
        CommandError::Usage(format!("no {what}: pass {flag} or set {variable}"))
    };
    let url = connection
        .url
        .as_deref()
        .ok_or_else(|| missing("--url", "CM_URL", "server URL"))?;
    let username = connection
        .username
        .as_deref()
        .ok_or_else(|| missing("--username", "CM_USERNAME", "user name"))?;
    let password = connection
        .password
        .as_deref()
        .ok_or_else(|| missing("--password", "CM_PASSWORD", "password"))?;
    let mut builder = Client::builder(url)
        .credentials(username, password)
        .user_agent(concat!("cckm-sync/", env!("CARGO_PKG_VERSION")))
        .timeout(connection.request_timeout)
        .danger_accept_invalid_certs(connection.insecure);
    if let Some(path) = &connection.ca_cert {
        let pem = std::fs::read(path)
            .map_err(|error| CommandError::Usage(format!("--ca-cert: cannot read {}: {error}", path.display())))?;
        builder = builder.add_ca_certificate_pem(pem);
    }
    builder.build().map_err(|error| match error {
        // The URL or the CA file of the command line: a bad flag.
        Error::Config(reason) if reason.starts_with("invalid URL") => CommandError::Usage(reason),
        Error::Config(reason) => match &connection.ca_cert {
            Some(path) if reason.contains("CA certificate") => {
                CommandError::Usage(format!("--ca-cert {}: {reason}", path.display()))
            }
            // The machine's CA certificates could not be read, say.
            _ => CommandError::Failed(reason),
        },
        other => CommandError::from(other),
    })
}

impl JobsCommand {
    fn endpoint(&self) -> &'static Endpoint {
        match self {
            Self::List(args) => args.endpoint,
            Self::Get(args) => args.endpoint,
            Self::Start(args) => args.endpoint,
            Self::Cancel(args) => args.endpoint,
            Self::Wait(args) => args.endpoint,
        }
    }
}

/// Runs `command` with the handle of its endpoint's family. `Ok(false)`: the command ran, and
/// the job it waited for did not complete well.
async fn dispatch(client: Client, command: JobsCommand) -> Result<bool, CommandError> {
    command.endpoint().family.visit(Dispatch { client, command }).await
}

/// A command, to run with the scope type of its endpoint's family.
struct Dispatch {
    client: Client,
    command: JobsCommand,
}

impl FamilyVisitor for Dispatch {
    type Output = Pin<Box<dyn Future<Output = Result<bool, CommandError>>>>;

    fn visit<S: FamilyScope>(self) -> Self::Output {
        Box::pin(async move {
            let jobs = self.client.jobs::<S>(self.command.endpoint())?;
            execute(jobs, self.command).await
        })
    }
}

async fn execute<S: FamilyScope>(jobs: Jobs<S>, command: JobsCommand) -> Result<bool, CommandError> {
    match command {
        JobsCommand::List(args) => list(&jobs, args).await,
        JobsCommand::Get(args) => {
            let job = jobs.get(args.id).await?;
            match args.output {
                Output::Table | Output::Wide => print(&view::details(jobs.endpoint(), &job))?,
                Output::Json => print_json(&job)?,
            }
            Ok(true)
        }
        JobsCommand::Start(args) => start(&jobs, args).await,
        JobsCommand::Cancel(args) => {
            let job = jobs.cancel(args.id).await?;
            if !args.wait {
                match args.output {
                    Output::Json => print_json(&job)?,
                    Output::Table | Output::Wide => {
                        print(&format!("job {} of {} is cancelling\n", job.id, jobs.endpoint().name))?;
                    }
                }
                return Ok(true);
            }
            // The cancel was accepted: the command succeeded once the job has wound down,
            // whatever status it ends with.
            let ended = wait(&jobs, job.id, &wait_options().timeout(args.timeout)).await?;
            print_ended(&ended, args.output)?;
            Ok(true)
        }
        JobsCommand::Wait(args) => {
            let ended = wait(&jobs, args.id, &wait_options().timeout(args.timeout)).await?;
            print_ended(&ended, args.output)?;
            Ok(view::outcome(&ended) == Outcome::Succeeded)
        }
    }
}

/// An ended job: its summary line, or the job as JSON.
fn print_ended<S: FamilyScope>(job: &SyncJob<S>, output: Output) -> Result<(), CommandError> {
    match output {
        Output::Json => print_json(job),
        Output::Table | Output::Wide => print(&format!("{}\n", view::summary(job))),
    }
}

/// What `jobs list --status` selects.
#[derive(Clone, Debug, PartialEq, Eq)]
enum StatusFilter {
    /// Jobs of this `overall_status`, which the server selects.
    Server(String),
    /// Jobs whose cancel was asked and that have not ended: read from the running ones.
    Cancelling,
    /// Jobs whose cancel was asked and that have ended (`aborted`, or `completed` when the
    /// cancel came during the last item): read from every job.
    Cancelled,
}

/// The words the table shows and the server's spellings, in any case.
fn status_filter<S: FamilyScope>(text: &str) -> StatusFilter {
    let word = text.trim().to_lowercase();
    match word.as_str() {
        "running" | "in_progress" | "in progress" | "in-progress" => {
            StatusFilter::Server(S::FAMILY_ID.spec().progress.running.to_owned())
        }
        "cancelling" | "canceling" => StatusFilter::Cancelling,
        "cancelled" | "canceled" => StatusFilter::Cancelled,
        "completed" | "failed" | "aborted" => StatusFilter::Server(word),
        // A status of a newer server: as the user wrote it.
        _ => StatusFilter::Server(text.to_owned()),
    }
}

/// How many jobs the server's first page holds without a `limit` (the vendor's default).
const SERVER_PAGE: usize = 10;

/// The statuses `--status` knows, for the hint of a list that found nothing.
const KNOWN_STATUSES: &str = "running, completed, failed, aborted, cancelling, cancelled";

async fn list<S: FamilyScope>(jobs: &Jobs<S>, args: ListArgs) -> Result<bool, CommandError> {
    let mut query = ListSyncJobs::<S>::new();
    if let Some(id) = args.id {
        query = query.id(id);
    }
    let filter = args.status.as_deref().map(status_filter::<S>);
    match &filter {
        Some(StatusFilter::Server(status)) => query = query.overall_status(status.as_str()),
        Some(StatusFilter::Cancelling) => {
            query = query.overall_status(S::FAMILY_ID.spec().progress.running);
        }
        Some(StatusFilter::Cancelled) | None => {}
    }
    if !args.filter.is_empty() {
        query = family::filter(query, args.filter).map_err(CommandError::Usage)?;
    }
    if let Some(sort) = args.sort {
        // A property the family's jobs cannot be sorted by is a bad flag.
        query = query
            .sort(sort)
            .map_err(|error| CommandError::Usage(format!("--{error}")))?;
    }
    let limit = args
        .limit
        .map(|limit| usize::try_from(limit.get()).unwrap_or(usize::MAX));
    let cancel_asked = matches!(filter, Some(StatusFilter::Cancelling | StatusFilter::Cancelled));
    let (found, total) = if cancel_asked {
        // The server cannot select on `abort`: every job is read, and those kept counted.
        let mut found: Vec<SyncJob<S>> = jobs
            .list_all(&query)
            .collect_all()
            .await?
            .into_iter()
            .filter(|job| job.was_cancelled() && (job.is_finished() == (filter == Some(StatusFilter::Cancelled))))
            .collect();
        let total = found.len();
        if !args.all {
            // As many as the server's first page would hold.
            found.truncate(limit.unwrap_or(SERVER_PAGE));
        }
        (found, total)
    } else if args.all {
        let found = jobs.list_all(&query).collect_all().await?;
        let total = found.len();
        (found, total)
    } else {
        if let Some(limit) = args.limit {
            query = query.limit(Limit::Count(limit));
        }
        let page = jobs.list(&query).await?;
        let total = usize::try_from(page.total).unwrap_or(usize::MAX);
        (page.resources, total)
    };
    match args.output {
        Output::Table | Output::Wide if found.is_empty() => {
            let name = jobs.endpoint().name;
            match &args.status {
                Some(status) => eprintln!("no {name} job found with status {status:?} (statuses: {KNOWN_STATUSES})"),
                None => eprintln!("no {name} job found"),
            }
        }
        Output::Table => print(&view::table(&found, Some(table_width())))?,
        Output::Wide => print(&view::table(&found, None))?,
        Output::Json => print_json(&found)?,
    }
    if found.len() < total {
        eprintln!("{} of {} jobs shown: --all lists every job", found.len(), total);
    }
    Ok(true)
}

async fn start<S: FamilyScope>(jobs: &Jobs<S>, args: StartArgs) -> Result<bool, CommandError> {
    let mut request = if args.all_items {
        StartJob::<S>::all()
    } else {
        StartJob::<S>::items(args.item).map_err(|error| CommandError::Usage(format!("--item: {error}")))?
    };
    if !args.region.is_empty() {
        request = family::regions(request, args.region).map_err(CommandError::Usage)?;
    }
    let job = jobs.start(&request).await?;
    if !args.wait {
        match args.output {
            Output::Json => print_json(&job)?,
            // The id alone, so that a script can capture it.
            Output::Table | Output::Wide => print(&format!("{}\n", job.id))?,
        }
        return Ok(true);
    }
    // Standard output holds one thing, the ended job's summary (which names it) or JSON; the
    // id goes with the progress, so that an interrupted wait can be resumed.
    eprintln!("started job {} of {}", job.id, jobs.endpoint().name);
    let ended = wait(jobs, job.id, &wait_options().timeout(args.timeout)).await?;
    print_ended(&ended, args.output)?;
    Ok(view::outcome(&ended) == Outcome::Succeeded)
}

/// How `--wait` and `jobs wait` read the job: every 2 s at most, for a display that keeps up
/// with it; for as long as `--timeout` says.
fn wait_options() -> WaitOptions {
    WaitOptions::default().interval(Duration::from_millis(500), Duration::from_secs(2))
}

/// Waits for job `id` to end, showing its progress on standard error. Ctrl-C ends the wait
/// (not the job), saying how to watch it again.
async fn wait<S: FamilyScope>(jobs: &Jobs<S>, id: Uuid, options: &WaitOptions) -> Result<SyncJob<S>, CommandError> {
    let mut progress = Progress::new(jobs.endpoint(), std::io::stderr().is_terminal());
    let mut watch = jobs.watch(id, options);
    let mut last = None;
    let interrupt = tokio::signal::ctrl_c();
    tokio::pin!(interrupt);
    loop {
        let read = tokio::select! {
            read = watch.next() => read,
            _ = &mut interrupt => {
                progress.finish(None);
                let name = jobs.endpoint().name;
                return Err(CommandError::Interrupted(format!(
                    "interrupted: job {id} of {name} goes on; `cckm-sync jobs wait {name} {id}` watches it \
                     again, `cckm-sync jobs cancel {name} {id}` cancels it"
                )));
            }
        };
        let Some(read) = read else { break };
        match read {
            Ok(job) => {
                progress.update(&job);
                last = Some(job);
            }
            Err(error) => {
                progress.finish(None);
                let mut message = error.to_string();
                if let Some(job) = error.last_job() {
                    let counts = view::counts(job);
                    message.push_str(&format!(
                        " ({} of {} items done)",
                        counts.done + counts.failed,
                        counts.total
                    ));
                }
                if error.is_timeout() {
                    // Without a read, whether the job still runs is not known.
                    let goes_on = if error.last_job().is_some() {
                        "the job goes on"
                    } else {
                        "the job goes on if it has not ended"
                    };
                    message.push_str(&format!(
                        "; {goes_on}: `cckm-sync jobs wait {} {id}` watches it again",
                        jobs.endpoint().name
                    ));
                    return Err(CommandError::TimedOut(message));
                }
                return Err(CommandError::Failed(message));
            }
        }
    }
    progress.finish(last.as_ref().map(|job| view::outcome(job) == Outcome::Succeeded));
    last.ok_or_else(|| CommandError::Failed(format!("job {id} could not be read")))
}

fn print(text: &str) -> Result<(), CommandError> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|error| CommandError::Failed(format!("cannot write the output: {error}")))
}

fn print_json<T: serde::Serialize>(value: &T) -> Result<(), CommandError> {
    let mut text = serde_json::to_string_pretty(value)
        .map_err(|error| CommandError::Failed(format!("cannot write JSON: {error}")))?;
    text.push('\n');
    print(&text)
}
