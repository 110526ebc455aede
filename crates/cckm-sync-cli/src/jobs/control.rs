//! `jobs start`, `jobs cancel` and `jobs wait`: a job started or cancelled, and waited for
//! with its progress shown.

use std::io::IsTerminal as _;
use std::time::Duration;

use cckm_sync::{FamilyScope, StartJob, SyncJob};
use cckm_sync_client::{Jobs, WaitOptions};
use futures_util::StreamExt as _;
use uuid::Uuid;

use super::args::{CancelArgs, Output, StartArgs, WaitArgs};
use super::error::CommandError;
use super::family;
use super::print::{print, print_ended, print_json};
use super::progress::{self, Progress};
use super::view::{self, Outcome};

/// `jobs start`: starts a job, and with `--wait` waits for it to end.
pub(super) async fn start<S: FamilyScope>(jobs: &Jobs<S>, args: StartArgs) -> Result<bool, CommandError> {
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

/// `jobs cancel`: asks for the cancel, and with `--wait` waits for the job to wind down.
pub(super) async fn cancel<S: FamilyScope>(jobs: &Jobs<S>, args: CancelArgs) -> Result<bool, CommandError> {
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
    let ended = wait(jobs, job.id, &wait_options().timeout(args.timeout)).await?;
    print_ended(&ended, args.output)?;
    Ok(true)
}

/// `jobs wait`: waits for a job to end; it succeeds when the job did.
pub(super) async fn wait_for<S: FamilyScope>(jobs: &Jobs<S>, args: WaitArgs) -> Result<bool, CommandError> {
    let ended = wait(jobs, args.id, &wait_options().timeout(args.timeout)).await?;
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
    let mut ticks = tokio::time::interval(progress::TICK);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        let read = tokio::select! {
            // Ctrl-C first: once the terminal has echoed it, nothing may be drawn again.
            biased;
            _ = &mut interrupt => {
                progress.interrupt();
                let name = jobs.endpoint().name;
                return Err(CommandError::Interrupted(format!(
                    "interrupted: job {id} of {name} goes on; `cckm-sync jobs wait {name} {id}` watches it \
                     again, `cckm-sync jobs cancel {name} {id}` cancels it"
                )));
            }
            _ = ticks.tick() => {
                progress.tick();
                continue;
            }
            // The watch keeps a read in flight within itself: polling it again goes on with it.
            read = watch.next() => read,
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
