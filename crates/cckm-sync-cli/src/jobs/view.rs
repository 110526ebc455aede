//! How jobs are shown: the list table, the view of one job, the state of each item, and the
//! one-line summary of an ended job. The table fits the terminal ([`WIDTH`] columns when not
//! on one), cutting the scope, or leaving it out on a terminal too narrow for it, unless
//! `-o wide`; the view of one job and the summary are never cut.

use std::fmt::Write as _;
use std::time::Duration;

use cckm_sync::endpoints::Endpoint;
use cckm_sync::{FamilyScope, SyncJob};
use chrono::{DateTime, Utc};

/// The widest a line is.
pub(crate) const WIDTH: usize = 100;

/// Where one item of a job stands: the model crate's judgement, shared with every client.
pub(crate) use cckm_sync::ItemState;

/// How many items a job has, and how many have ended well or badly.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) total: usize,
    pub(crate) done: usize,
    pub(crate) failed: usize,
}

pub(crate) fn counts<S>(job: &SyncJob<S>) -> Counts {
    let mut counts = Counts::default();
    for (_, text) in job.detailed_status.iter().flat_map(|status| status.iter()) {
        counts.total += 1;
        match ItemState::of(text) {
            ItemState::Running => {}
            ItemState::Succeeded => counts.done += 1,
            ItemState::Failed => counts.failed += 1,
        }
    }
    counts
}

/// How a job ended, for the summary and the exit code: the model crate's judgement.
pub(crate) use cckm_sync::JobOutcome as Outcome;

pub(crate) fn outcome<S>(job: &SyncJob<S>) -> Outcome {
    job.outcome()
}

/// The status column: the server's status, but `cancelling` and `cancelled` for a job whose
/// `abort` is set (its status alone does not say it).
pub(crate) fn status_text<S>(job: &SyncJob<S>) -> String {
    match (job.was_cancelled(), job.is_finished()) {
        (true, false) => "cancelling".to_owned(),
        (true, true) => "cancelled".to_owned(),
        (false, _) => job.overall_status.as_str().to_owned(),
    }
}

/// `text`, cut to `width` characters with `…` when longer.
pub(crate) fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// `text`, its start cut to `width` characters with `…` when longer: what tells the items of
/// a job apart is the end of their names (`…/keyRings/eu-ring`), not their common start.
pub(crate) fn fit_end(text: &str, width: usize) -> String {
    let count = text.chars().count();
    if count <= width {
        return text.to_owned();
    }
    let mut cut = String::from("…");
    cut.extend(text.chars().skip(count - width.saturating_sub(1)));
    cut
}

/// The scope fields of the jobs of `S`, the one that lists the items a start names first
/// (`kms` before `regions`).
pub(crate) fn scope_fields<S: FamilyScope>() -> Vec<&'static str> {
    let start_field = S::FAMILY_ID.spec().start_scope_field;
    let mut fields = S::FIELDS.to_vec();
    fields.sort_by_key(|field| *field != start_field);
    fields
}

/// The scope of a job on one line: `kms=kms-prod regions=us-east-1,eu-west-1`.
pub(crate) fn scope_text<S: FamilyScope>(job: &SyncJob<S>) -> String {
    scope_fields::<S>()
        .into_iter()
        .filter_map(|field| {
            job.scope
                .list(field)
                .map(|items| format!("{field}={}", items.join(",")))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn minute(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M").to_string()
}

fn second(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// `0.4s`, `12.5s`, `4m 12s`, `2h 3m`.
pub(crate) fn duration_text(duration: Duration) -> String {
    let seconds = duration.as_secs();
    if seconds < 60 {
        format!("{:.1}s", duration.as_secs_f64())
    } else if seconds < 3600 {
        format!("{}m {}s", seconds / 60, seconds % 60)
    } else {
        format!("{}h {}m", seconds / 3600, seconds % 3600 / 60)
    }
}

/// How long a job ran, by its own timestamps.
pub(crate) fn ran_for<S>(job: &SyncJob<S>) -> Option<Duration> {
    let end = job.completed_at?;
    (end - job.created_at).to_std().ok()
}

const ID_WIDTH: usize = 36;
const STATUS_WIDTH: usize = 11;
const CREATED_WIDTH: usize = 16;
const ITEMS_WIDTH: usize = 7;

/// The fewest columns worth showing of a scope (`kms=kms-p…`); with fewer, the column is left
/// out.
const MIN_SCOPE_WIDTH: usize = 10;

/// The list table: a header and a line per job, each at most `width` columns, the scope cut
/// to what is left, or left out when fewer than [`MIN_SCOPE_WIDTH`] columns are (the other
/// columns are never cut: an 80-column terminal shows them whole); `None` (`-o wide`):
/// nothing is cut.
pub(crate) fn table<S: FamilyScope>(jobs: &[SyncJob<S>], width: Option<usize>) -> String {
    let fixed = ID_WIDTH + STATUS_WIDTH + CREATED_WIDTH + ITEMS_WIDTH + 3 * 2;
    // `Some(None)`: no room for the scope.
    let scope_width =
        width.map(|width| Some(width.saturating_sub(fixed + 2)).filter(|scope_width| *scope_width >= MIN_SCOPE_WIDTH));
    let mut out = String::new();
    let row = |out: &mut String, id: &str, status: &str, created: &str, items: &str, scope: &str| {
        let mut line =
            format!("{id:<ID_WIDTH$}  {status:<STATUS_WIDTH$}  {created:<CREATED_WIDTH$}  {items:>ITEMS_WIDTH$}");
        match scope_width {
            Some(Some(scope_width)) => line.push_str(&format!("  {}", fit(scope, scope_width))),
            Some(None) => {}
            None => line.push_str(&format!("  {scope}")),
        }
        let _ = writeln!(out, "{}", line.trim_end());
    };
    row(&mut out, "ID", "STATUS", "CREATED (UTC)", "ITEMS", "SCOPE");
    for job in jobs {
        let counts = counts(job);
        let items = if counts.total == 0 {
            "-".to_owned()
        } else {
            format!("{}/{}", counts.done, counts.total)
        };
        row(
            &mut out,
            &job.id.to_string(),
            &status_text(job),
            &minute(job.created_at),
            &items,
            &scope_text(job),
        );
    }
    out
}

/// One job, field by field, then its items; nothing is cut (the scope's names, the items'
/// texts), a long line is the terminal's to wrap.
pub(crate) fn details<S: FamilyScope>(endpoint: &Endpoint, job: &SyncJob<S>) -> String {
    const LABEL: usize = 12;
    let mut out = String::new();
    let mut line = |label: &str, value: &str| {
        let _ = writeln!(out, "{label:<LABEL$} {value}");
    };
    line("id", &job.id.to_string());
    line("endpoint", &format!("{} ({})", endpoint.name, endpoint.title));
    line("status", &status_text(job));
    if job.was_cancelled() {
        line("server says", job.overall_status.as_str());
    }
    line("cloud", job.cloud.as_str());
    line("created", &second(job.created_at));
    line("updated", &second(job.updated_at));
    if let Some(completed) = job.completed_at {
        let ran = ran_for(job)
            .map(|ran| format!(" ({})", duration_text(ran)))
            .unwrap_or_default();
        line("completed", &format!("{}{ran}", second(completed)));
    }
    for field in scope_fields::<S>() {
        if let Some(items) = job.scope.list(field) {
            line(field, &items.join(", "));
        }
    }
    let counts = counts(job);
    match &job.detailed_status {
        Some(status) if !status.is_empty() => {
            let mut summary = format!("{} of {} ok", counts.done, counts.total);
            if counts.failed > 0 {
                let _ = write!(summary, ", {} failed", counts.failed);
            }
            line("items", &summary);
            // Items are never cut: two Google key rings differ only at the end of their
            // names, and the text of a failed item is the reason an operator needs. Names are
            // aligned while they are short; a long one pushes its text further.
            let key_width = status.keys().map(|key| key.chars().count()).max().unwrap_or(0).min(48);
            for (item, text) in status.iter() {
                let mark = match ItemState::of(text) {
                    ItemState::Running => '-',
                    ItemState::Succeeded => '+',
                    ItemState::Failed => '!',
                };
                let _ = writeln!(
                    out,
                    "{}",
                    format!("  {mark} {item:<key_width$}  {}", text.trim()).trim_end()
                );
            }
        }
        _ => line("items", "none reported yet"),
    }
    out
}

/// `; ITEM: TEXT` of the first item that reported an error, whole; empty if none did.
fn first_failure<S>(job: &SyncJob<S>) -> String {
    job.detailed_status
        .iter()
        .flat_map(|status| status.iter())
        .find(|(_, text)| ItemState::of(text) == ItemState::Failed)
        .map(|(item, text)| format!("; {item}: {}", text.trim()))
        .unwrap_or_default()
}

/// The one line said when a job has ended, whole.
pub(crate) fn summary<S>(job: &SyncJob<S>) -> String {
    let counts = counts(job);
    let ran = ran_for(job).map(duration_text);
    let took = |word: &str| ran.as_deref().map(|ran| format!(" {word} {ran}")).unwrap_or_default();
    let items = if counts.total == 0 {
        String::new()
    } else {
        format!(": {} of {} items ok", counts.done, counts.total)
    };
    let text = match outcome(job) {
        Outcome::Succeeded => format!("job {} completed{}{items}", job.id, took("in")),
        Outcome::Running => format!("job {} is {}{items}", job.id, status_text(job)),
        Outcome::CompletedWithErrors => {
            let first = first_failure(job);
            format!(
                "job {} completed with errors{}: {} of {} items failed{first}",
                job.id,
                took("in"),
                counts.failed,
                counts.total
            )
        }
        Outcome::Cancelled => format!(
            "job {} was cancelled ({}){}{items}",
            job.id,
            job.overall_status.as_str(),
            took("after")
        ),
        Outcome::Failed => format!(
            "job {} ended {}{}{items}{}",
            job.id,
            job.overall_status.as_str(),
            took("after"),
            first_failure(job)
        ),
    };
    // Not cut to the width: the text of a failed item is what the reader needs.
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use cckm_sync::{AwsSyncJobPage, JobStatus, SalesforceSyncJobPage};

    fn fixture(name: &str) -> String {
        std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../cckm-sync/tests/fixtures/pages")
                .join(name),
        )
        .unwrap()
    }

    #[test]
    fn item_texts_read_as_running_done_or_failed() {
        assert_eq!(ItemState::of("in_progress"), ItemState::Running);
        assert_eq!(ItemState::of("in progress"), ItemState::Running);
        assert_eq!(ItemState::of("region synchronized successfully"), ItemState::Succeeded);
        assert_eq!(ItemState::of("Error listing keys from SFDC: "), ItemState::Failed);
        assert_eq!(ItemState::of("refresh failed: timeout"), ItemState::Failed);
    }

    #[test]
    fn the_table_of_the_vendors_aws_example_fits_a_hundred_columns() {
        let page: AwsSyncJobPage = cckm_sync::from_str(&fixture("seed-aws-keys-aborted-and-completed.json")).unwrap();
        let table = table(&page.resources, Some(WIDTH));
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 1 + page.resources.len());
        assert!(lines.iter().all(|line| line.chars().count() <= WIDTH), "{table}");
        assert!(lines[0].starts_with("ID  "), "{table}");
        let aborted = page.resources.iter().position(|job| job.was_cancelled()).unwrap();
        assert!(lines[1 + aborted].contains(" cancelled "), "{table}");
        assert!(lines[1..].iter().all(|line| line.contains("kms=kms")), "{table}");
    }

    #[test]
    fn the_table_fits_an_eighty_column_terminal_and_cuts_or_leaves_out_the_scope() {
        let page: AwsSyncJobPage = cckm_sync::from_str(&fixture("seed-aws-keys-aborted-and-completed.json")).unwrap();
        // 80 columns: every id, status, date and count whole, no room for a scope.
        let narrow = table(&page.resources, Some(80));
        assert!(narrow.lines().all(|line| line.chars().count() <= 80), "{narrow}");
        assert!(narrow.lines().next().unwrap().ends_with("ITEMS"), "{narrow}");
        for job in &page.resources {
            assert!(narrow.contains(&job.id.to_string()), "{narrow}");
        }
        assert!(!narrow.contains("kms="), "{narrow}");
        // 90 columns: the scope cut to what is left.
        let wider = table(&page.resources, Some(90));
        assert!(wider.lines().all(|line| line.chars().count() <= 90), "{wider}");
        assert!(wider.lines().skip(1).all(|line| line.contains("  kms=")), "{wider}");
        // A terminal narrower still: the columns a job is told apart by are not cut.
        let tiny = table(&page.resources, Some(20));
        assert_eq!(tiny, narrow);
    }

    #[test]
    fn a_completed_job_whose_items_failed_says_so() {
        let page: SalesforceSyncJobPage =
            cckm_sync::from_str(&fixture("seed-salesforce-keys-item-errors.json")).unwrap();
        let job = &page.resources[0];
        assert_eq!(outcome(job), Outcome::CompletedWithErrors);
        let endpoint = cckm_sync::endpoints::find("salesforce-keys").unwrap();
        assert_eq!(
            summary(job),
            "job c8d2f27b-fb4f-4557-b63c-00d4a1439c4a completed with errors in 0.5s: 1 of 1 items failed; \
             00DB000000040bIMAQ: Error listing keys from SFDC:"
        );
        let view = details(endpoint, job);
        assert!(view.contains("items        0 of 1 ok, 1 failed"), "{view}");
        assert!(view.lines().all(|line| line.chars().count() <= WIDTH), "{view}");
    }

    #[test]
    fn a_failed_job_names_its_failed_item_and_the_whole_reason_everywhere() {
        let page: SalesforceSyncJobPage =
            cckm_sync::from_str(&fixture("seed-salesforce-keys-item-errors.json")).unwrap();
        let mut job = page.resources[0].clone();
        let reason = "Error listing keys from AWS: AccessDenied: not authorized to perform kms:ListKeys on \
                      resource arn:aws:kms:eu-west-1:123456789012:key/* because no identity-based policy allows it";
        job.overall_status = JobStatus::Failed.into();
        let item = job.detailed_status.as_ref().unwrap().keys().next().unwrap().to_owned();
        job.detailed_status
            .as_mut()
            .unwrap()
            .insert(item.clone(), reason.to_owned());
        assert_eq!(outcome(&job), Outcome::Failed);
        assert!(
            summary(&job).ends_with(&format!("0 of 1 items ok; {item}: {reason}")),
            "{}",
            summary(&job)
        );
        let endpoint = cckm_sync::endpoints::find("salesforce-keys").unwrap();
        let view = details(endpoint, &job);
        assert!(view.contains(&format!("  ! {item}  {reason}\n")), "{view}");
    }

    #[test]
    fn long_names_keep_their_end() {
        let ring = "projects/p/locations/global/keyRings/demo-key-ring";
        assert_eq!(fit_end(ring, 20), "…Rings/demo-key-ring");
        assert_eq!(fit_end(ring, 200), ring);
    }

    #[test]
    fn long_text_is_cut_with_an_ellipsis() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 4), "abc");
        assert_eq!(duration_text(Duration::from_millis(400)), "0.4s");
        assert_eq!(duration_text(Duration::from_secs(252)), "4m 12s");
        assert_eq!(duration_text(Duration::from_secs(7380)), "2h 3m");
    }
}
