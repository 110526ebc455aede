//! `jobs list` and `jobs get`: the jobs of an endpoint, selected as the flags say, or one job.

use cckm_sync::{FamilyScope, Limit, ListSyncJobs, SyncJob};
use cckm_sync_client::Jobs;

use super::args::{GetArgs, ListArgs, Output};
use super::error::CommandError;
use super::family;
use super::print::{print, print_json, table_width};
use super::view;

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

/// `jobs list`: a page of jobs, or every job, as a table or JSON.
pub(super) async fn list<S: FamilyScope>(jobs: &Jobs<S>, args: ListArgs) -> Result<bool, CommandError> {
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

/// `jobs get`: one job, its fields and items or JSON.
pub(super) async fn get<S: FamilyScope>(jobs: &Jobs<S>, args: GetArgs) -> Result<bool, CommandError> {
    let job = jobs.get(args.id).await?;
    match args.output {
        Output::Table | Output::Wide => print(&view::details(jobs.endpoint(), &job))?,
        Output::Json => print_json(&job)?,
    }
    Ok(true)
}
