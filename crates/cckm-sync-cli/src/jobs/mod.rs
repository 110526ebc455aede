//! `cckm-sync jobs`: list, read, start, cancel and wait for the jobs of a CipherTrust Manager,
//! with the `cckm-sync-client` crate. This file connects and runs a command; the arguments,
//! the commands, their output and their errors are in files of their own.

mod args;
mod control;
mod error;
mod family;
mod list;
mod print;
mod progress;
mod view;

use std::future::Future;
use std::pin::Pin;
use std::process::ExitCode;

use cckm_sync::{FamilyScope, FamilyVisitor};
use cckm_sync_client::{Client, Error, Jobs};

pub(crate) use args::JobsArgs;
use args::{Connection, JobsCommand};
use error::CommandError;

/// Runs a `jobs` command; the exit code says how it went.
pub(crate) async fn run(args: JobsArgs) -> ExitCode {
    let result = match connect(&args.connection) {
        Ok(client) => dispatch(client, args.command).await,
        Err(failure) => Err(failure),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => error.exit(),
    }
}

/// A client of the server the options name.
fn connect(connection: &Connection) -> Result<Client, CommandError> {
    let missing = |flag: &str, variable: &str, what: &str| {
        CommandError::Usage(format!("no {what}: pass {flag} or set {variable}"))
    };
    // An empty value (`CM_URL=` left in a script) names no server and no user: as missing.
    let url = connection
        .url
        .as_deref()
        .filter(|url| !url.trim().is_empty())
        .ok_or_else(|| missing("--url", "CM_URL", "server URL"))?;
    let username = connection
        .username
        .as_deref()
        .filter(|username| !username.is_empty())
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
        JobsCommand::List(args) => list::list(&jobs, args).await,
        JobsCommand::Get(args) => list::get(&jobs, args).await,
        JobsCommand::Start(args) => control::start(&jobs, args).await,
        JobsCommand::Cancel(args) => control::cancel(&jobs, args).await,
        JobsCommand::Wait(args) => control::wait_for(&jobs, args).await,
    }
}
