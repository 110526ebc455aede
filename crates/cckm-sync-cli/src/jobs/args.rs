//! The arguments of `cckm-sync jobs` and of each of its subcommands, as clap reads them, and
//! the parsers of their values (endpoint names, job ids, limits, sort keys).

use std::path::PathBuf;
use std::time::Duration;

use cckm_sync::Sort;
use cckm_sync::endpoints::{ENDPOINTS, Endpoint};
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser as _};
use clap::{Args, Subcommand, ValueEnum};
use uuid::Uuid;

/// Connection options, and the command.
#[derive(Debug, Args)]
#[command(after_help = EXIT_STATUS)]
pub(crate) struct JobsArgs {
    #[command(flatten)]
    pub(super) connection: Connection,

    #[command(subcommand)]
    pub(super) command: JobsCommand,
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

/// Where the CipherTrust Manager is, and how to log in.
#[derive(Debug, Args)]
#[allow(
    rustdoc::bare_urls,
    reason = "the field comments are the --help text, where a URL is written bare"
)]
pub(super) struct Connection {
    /// URL of the CipherTrust Manager, such as https://cm.example.com
    #[arg(long, global = true, env = "CM_URL", value_name = "URL")]
    pub(super) url: Option<String>,

    /// User name to log in with
    #[arg(long, global = true, env = "CM_USERNAME", value_name = "NAME")]
    pub(super) username: Option<String>,

    /// Password to log in with (prefer CM_PASSWORD: a flag shows in the process list)
    #[arg(
        long,
        global = true,
        env = "CM_PASSWORD",
        value_name = "PASSWORD",
        hide_env_values = true
    )]
    pub(super) password: Option<String>,

    /// Accept any TLS certificate, even a self-signed one or one for another name. Anyone on
    /// the way can then read the calls, password included: prefer --ca-cert
    #[arg(
        long,
        global = true,
        env = "CM_INSECURE",
        conflicts_with = "ca_cert",
        value_parser = clap::builder::FalseyValueParser::new()
    )]
    pub(super) insecure: bool,

    /// Trust the CA certificate(s) of this PEM file, such as the server's self-signed
    /// certificate, besides the system's
    #[arg(long, global = true, env = "CM_CA_CERT", value_name = "FILE")]
    pub(super) ca_cert: Option<PathBuf>,

    /// The longest a request may take, from connecting to the end of the answer (a read
    /// that is retried may take several)
    #[arg(
        long,
        global = true,
        value_name = "DURATION",
        default_value = "30s",
        value_parser = crate::parse::parse_duration
    )]
    pub(super) request_timeout: Duration,
}

#[derive(Debug, Subcommand)]
pub(super) enum JobsCommand {
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
pub(super) struct ListArgs {
    /// The endpoint, by its name in the catalog
    #[arg(value_parser = endpoint_parser())]
    pub(super) endpoint: &'static Endpoint,

    /// Only the job with this id
    #[arg(long, value_name = "ID", value_parser = parse_job_id)]
    pub(super) id: Option<Uuid>,

    /// Only the jobs with this status, as the table shows it or as the server spells it, in
    /// any case: running (or in_progress, `in progress`), completed, failed, aborted, and
    /// cancelling or cancelled (jobs whose cancel was asked, whatever their status; found by
    /// reading every job). Another word is sent to the server as it is
    #[arg(long, value_name = "STATUS")]
    pub(super) status: Option<String>,

    /// At most N jobs (from the newest, unless --sort says otherwise)
    #[arg(long, value_name = "N", conflicts_with = "all", value_parser = parse_limit)]
    pub(super) limit: Option<std::num::NonZeroU32>,

    /// Only the jobs of these scope items (the endpoint's list filter: kms for AWS, key_vaults
    /// for Azure, key_rings for Google, vaults for OCI, groups for SAP, organizations for
    /// Salesforce)
    #[arg(long, value_name = "VALUE", num_args = 1.., action = clap::ArgAction::Append)]
    pub(super) filter: Vec<String>,

    /// Sort by these comma-separated properties, `-` for descending, such as -createdAt
    // A descending key starts with `-`: `--sort -createdAt` is a value, not a flag.
    #[arg(long, value_name = "KEYS", value_parser = parse_sort, allow_hyphen_values = true)]
    pub(super) sort: Option<Sort>,

    /// Every job, page after page, rather than the server's first page
    #[arg(long)]
    pub(super) all: bool,

    /// How to print the jobs: a table, a table with whole scopes, or a JSON array of the jobs as
    /// the server sent them
    #[arg(short, long, value_name = "FORMAT", default_value = "table")]
    pub(super) output: Output,
}

#[derive(Debug, Args)]
#[command(after_help = EXIT_STATUS)]
pub(super) struct GetArgs {
    /// The endpoint, by its name in the catalog
    #[arg(value_parser = endpoint_parser())]
    pub(super) endpoint: &'static Endpoint,

    /// The job's id, such as 0ea5d52e-387c-44fa-b079-21c8b768f77b
    #[arg(value_parser = parse_job_id)]
    pub(super) id: Uuid,

    /// How to print the job: fields and items (whole, for `table` and `wide`), or the job as
    /// JSON as the server sent it
    #[arg(short, long, value_name = "FORMAT", default_value = "table")]
    pub(super) output: Output,
}

#[derive(Debug, Args)]
#[command(
    group = clap::ArgGroup::new("target").required(true).args(["item", "all_items"]),
    after_help = EXIT_STATUS,
    // The endpoint first: `--item` takes several values, and a name after them is one more.
    override_usage = "cckm-sync jobs start <ENDPOINT> <--item <VALUE>...|--all-items> [OPTIONS]"
)]
pub(super) struct StartArgs {
    /// The endpoint, by its name in the catalog
    #[arg(value_parser = endpoint_parser())]
    pub(super) endpoint: &'static Endpoint,

    /// The items to synchronize: KMS names (AWS), `<vault>::<id>` key vaults (Azure), key
    /// rings (Google), vaults (OCI), groups (SAP), organization ids (Salesforce), domain ids
    /// (DSM, external CM)
    #[arg(long, value_name = "VALUE", num_args = 1.., action = clap::ArgAction::Append)]
    pub(super) item: Vec<String>,

    /// Every item the server's connections reach (`synchronize_all`)
    #[arg(long)]
    pub(super) all_items: bool,

    /// Only these AWS regions (AWS endpoints only; default: every region)
    #[arg(long, value_name = "R", num_args = 1.., action = clap::ArgAction::Append)]
    pub(super) region: Vec<String>,

    /// Wait for the job to end, showing the progress of each item (standard output then holds
    /// the summary alone, or the ended job with --output json)
    #[arg(long)]
    pub(super) wait: bool,

    /// With --wait, the longest wait, such as 90s, 10m or 2h
    #[arg(long, value_name = "DURATION", default_value = "30m", value_parser = crate::parse::parse_duration, requires = "wait")]
    pub(super) timeout: Duration,

    /// How to print the result: the job's id (the summary with --wait), or the job as JSON as
    /// the server sent it (the ended job with --wait)
    #[arg(short, long, value_name = "FORMAT", default_value = "table")]
    pub(super) output: Output,
}

#[derive(Debug, Args)]
#[command(after_help = EXIT_STATUS)]
pub(super) struct CancelArgs {
    /// The endpoint, by its name in the catalog
    #[arg(value_parser = endpoint_parser())]
    pub(super) endpoint: &'static Endpoint,

    /// The job's id, such as 0ea5d52e-387c-44fa-b079-21c8b768f77b
    #[arg(value_parser = parse_job_id)]
    pub(super) id: Uuid,

    /// Wait for the job to wind down and end
    #[arg(long)]
    pub(super) wait: bool,

    /// With --wait, the longest wait, such as 90s, 10m or 2h
    #[arg(long, value_name = "DURATION", default_value = "30m", value_parser = crate::parse::parse_duration, requires = "wait")]
    pub(super) timeout: Duration,

    /// How to print the result: a line, or the job as JSON as the server sent it (the ended
    /// job with --wait)
    #[arg(short, long, value_name = "FORMAT", default_value = "table")]
    pub(super) output: Output,
}

#[derive(Debug, Args)]
#[command(after_help = EXIT_STATUS)]
pub(super) struct WaitArgs {
    /// The endpoint, by its name in the catalog
    #[arg(value_parser = endpoint_parser())]
    pub(super) endpoint: &'static Endpoint,

    /// The job's id, such as 0ea5d52e-387c-44fa-b079-21c8b768f77b
    #[arg(value_parser = parse_job_id)]
    pub(super) id: Uuid,

    /// The longest wait, such as 90s, 10m or 2h
    #[arg(long, value_name = "DURATION", default_value = "30m", value_parser = crate::parse::parse_duration)]
    pub(super) timeout: Duration,

    /// How to print the result: a summary line, or the ended job as JSON as the server sent it
    #[arg(short, long, value_name = "FORMAT", default_value = "table")]
    pub(super) output: Output,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(super) enum Output {
    /// A table that fits the terminal (100 columns when not on one), long scopes cut, left
    /// out below 88 columns
    Table,
    /// The table with whole scopes, however wide
    Wide,
    /// JSON, as the server sent it
    Json,
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
    text.parse().map_err(|_| {
        // A number too large is not "less than 1": say what the bound is.
        if text.bytes().all(|byte| byte.is_ascii_digit()) && text.trim_start_matches('0').len() > 1 {
            format!("a limit is at most {} jobs (--all lists every job)", u32::MAX)
        } else {
            "a limit is a number of jobs, at least 1 (--all lists every job)".to_owned()
        }
    })
}

fn parse_sort(text: &str) -> Result<Sort, String> {
    Sort::parse(text).map_err(|error| error.to_string())
}

impl JobsCommand {
    /// The endpoint the command names.
    pub(super) fn endpoint(&self) -> &'static Endpoint {
        match self {
            Self::List(args) => args.endpoint,
            Self::Get(args) => args.endpoint,
            Self::Start(args) => args.endpoint,
            Self::Cancel(args) => args.endpoint,
            Self::Wait(args) => args.endpoint,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_limit_out_of_range_says_which_bound_it_passed() {
        assert_eq!(parse_limit("25").map(u32::from), Ok(25));
        assert_eq!(parse_limit(&u32::MAX.to_string()).map(u32::from), Ok(u32::MAX));
        for low in ["0", "-3", "ten", ""] {
            assert!(parse_limit(low).unwrap_err().contains("at least 1"), "{low}");
        }
        for high in ["4294967296", "99999999999999"] {
            assert_eq!(
                parse_limit(high).unwrap_err(),
                "a limit is at most 4294967295 jobs (--all lists every job)",
                "{high}"
            );
        }
    }
}
