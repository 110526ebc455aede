//! A stored job and its life: what it shows at any time of the mock's clock.
//!
//! Nothing runs in the background. A job keeps the record it was created (or loaded) with and a
//! plan: when each of its items ends and how. What the job shows at time `t` is computed from
//! the two when it is read, so a test that pauses the clock sees the job stand still, and a
//! read at the same time always gives the same job.
//!
//! Items end one after another, evenly spread over the job's duration. A cancel sets `abort`
//! at once; the job then winds down until its current item's end: if that was the last item
//! it completes (`completed`, with `abort: true`, as the vendor says can happen), otherwise it
//! ends `aborted` with the current and later items left with their running text (as in the
//! vendor's example of an aborted AWS job).

use std::sync::Arc;

use cckm_sync::endpoints::Endpoint;
use cckm_sync::{AnyScope, DetailedStatus, JobScope, JobStatus, OverallStatus, SyncJob};
use chrono::{DateTime, TimeDelta, Utc};

use crate::clock::to_micros;

/// One item of a plan: a key of `detailed_status`, when it ends and its final text.
#[derive(Clone, Debug)]
pub(crate) struct PlanItem {
    pub(crate) key: String,
    pub(crate) ends_at: DateTime<Utc>,
    pub(crate) outcome: String,
    pub(crate) failed: bool,
}

/// When and how a running job's items end. Cheap to clone (its items are shared), so that a
/// list can copy the jobs it shows under the store's lock and build them after.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    /// The spelling of the running status (`in_progress` or `in progress`).
    pub(crate) running: Arc<str>,
    /// The items, in the order they end; when there are none, the job ends at `began`
    /// plus its duration (`empty_end`).
    pub(crate) items: Arc<[PlanItem]>,
    pub(crate) empty_end: DateTime<Utc>,
    pub(crate) cancelled_at: Option<DateTime<Utc>>,
}

impl Plan {
    /// A plan whose `keys` end one after another over `duration` from `began`. Items
    /// (`keys`) are deduplicated; `fail` names the item that fails and its text.
    pub(crate) fn new(
        running: &str,
        began: DateTime<Utc>,
        duration: std::time::Duration,
        keys: Vec<String>,
        done_text: &str,
        failure: Option<(Option<String>, String)>,
    ) -> Self {
        // Linear in the items: a start's cost grows with its scope, not its square.
        let mut seen = std::collections::HashSet::with_capacity(keys.len());
        let unique: Vec<String> = keys.into_iter().filter(|key| seen.insert(key.clone())).collect();
        let total = TimeDelta::from_std(duration).unwrap_or(TimeDelta::MAX);
        let count = i32::try_from(unique.len()).unwrap_or(i32::MAX).max(1);
        let failing = failure.as_ref().map(|(item, _)| match item {
            Some(item) => unique.iter().position(|key| key == item),
            None => unique.len().checked_sub(1),
        });
        let mut items = Vec::with_capacity(unique.len());
        for (index, key) in unique.into_iter().enumerate() {
            let step = i32::try_from(index + 1).unwrap_or(i32::MAX);
            let ends_at = to_micros(offset(began, total / count * step));
            let failed = failing == Some(Some(index));
            let outcome = match (&failure, failed) {
                (Some((_, text)), true) => text.clone(),
                _ => done_text.to_owned(),
            };
            items.push(PlanItem {
                key,
                ends_at,
                outcome,
                failed,
            });
        }
        Self {
            running: running.into(),
            items: items.into(),
            empty_end: to_micros(offset(began, total)),
            cancelled_at: None,
        }
    }

    fn end(&self) -> DateTime<Utc> {
        self.items.last().map_or(self.empty_end, |item| item.ends_at)
    }

    /// How many items have ended at `time`.
    fn ended_by(&self, time: DateTime<Utc>) -> usize {
        self.items.iter().take_while(|item| item.ends_at <= time).count()
    }

    fn outcome_status(&self) -> JobStatus {
        if self.items.iter().any(|item| item.failed) {
            JobStatus::Failed
        } else {
            JobStatus::Completed
        }
    }

    /// Where the job stands at `now`.
    pub(crate) fn phase(&self, now: DateTime<Utc>) -> Phase {
        let count = self.items.len();
        let Some(cancelled) = self.cancelled_at else {
            let end = self.end();
            return if now >= end {
                Phase::Ended {
                    at: end,
                    status: self.outcome_status(),
                    ended_items: count,
                }
            } else {
                Phase::Running {
                    ended_items: self.ended_by(now),
                }
            };
        };
        // Winding down: the item running at the cancel is the last one to end.
        let current = self.ended_by(cancelled);
        let stop = self.items.get(current).map_or(cancelled, |item| item.ends_at);
        if now < stop {
            Phase::Running {
                ended_items: self.ended_by(now),
            }
        } else if count > 0 && current + 1 >= count {
            Phase::Ended {
                at: stop,
                status: self.outcome_status(),
                ended_items: count,
            }
        } else {
            Phase::Ended {
                at: stop,
                status: JobStatus::Aborted,
                ended_items: current,
            }
        }
    }

    /// The time of the last change at or before `now`: an item's end, the cancel.
    fn last_change(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let item = self
            .items
            .iter()
            .map(|item| item.ends_at)
            .take_while(|at| *at <= now)
            .last();
        let cancel = self.cancelled_at.filter(|at| *at <= now);
        item.max(cancel)
    }
}

fn offset(time: DateTime<Utc>, by: TimeDelta) -> DateTime<Utc> {
    time.checked_add_signed(by).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Where a job with a plan stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Still running; the first `ended_items` items have ended.
    Running { ended_items: usize },
    /// Ended at `at` with `status`; the first `ended_items` items show their outcome.
    Ended {
        at: DateTime<Utc>,
        status: JobStatus,
        ended_items: usize,
    },
}

/// A job in the store: its endpoint, its record and, while it runs, its plan. Cheap to clone:
/// the record and the plan's items are shared.
#[derive(Clone, Debug)]
pub(crate) struct StoredJob {
    pub(crate) endpoint: &'static Endpoint,
    /// The job as created or loaded.
    pub(crate) record: Arc<SyncJob>,
    /// How it progresses; `None` for a job that stays as recorded (ended, or in a status this
    /// mock does not know).
    pub(crate) plan: Option<Plan>,
}

/// What list filters and sorts read of a job at a time, without building the whole job.
#[derive(Clone, Debug)]
pub(crate) struct Snapshot {
    pub(crate) status: OverallStatus,
    pub(crate) updated_at: DateTime<Utc>,
    pub(crate) completed_at: Option<DateTime<Utc>>,
    pub(crate) abort: bool,
}

impl StoredJob {
    /// How many items the job holds, as the store counts them against its bound: the most of
    /// its `detailed_status` entries, its plan's items and the entries of any one of its scope
    /// lists. For a started job, the items of its start (KMS resources times regions).
    pub(crate) fn item_count(&self) -> usize {
        let record = &self.record;
        let detailed = record.detailed_status.as_ref().map_or(0, |detailed| detailed.len());
        let planned = self.plan.as_ref().map_or(0, |plan| plan.items.len());
        let scope = AnyScope::FIELDS
            .iter()
            .filter_map(|field| record.scope.list(field))
            .map(<[String]>::len)
            .max()
            .unwrap_or_default();
        detailed.max(planned).max(scope)
    }

    /// Whether the job runs at `now`: a job of this endpoint then refuses a start.
    pub(crate) fn is_running(&self, now: DateTime<Utc>) -> bool {
        self.plan
            .as_ref()
            .is_some_and(|plan| matches!(plan.phase(now), Phase::Running { .. }))
    }

    pub(crate) fn snapshot(&self, now: DateTime<Utc>) -> Snapshot {
        let record = &self.record;
        let Some(plan) = &self.plan else {
            return Snapshot {
                status: record.overall_status.clone(),
                updated_at: record.updated_at,
                completed_at: record.completed_at,
                abort: record.abort,
            };
        };
        let abort = record.abort || plan.cancelled_at.is_some_and(|at| at <= now);
        match plan.phase(now) {
            Phase::Running { .. } => Snapshot {
                status: OverallStatus::from(&*plan.running),
                updated_at: plan
                    .last_change(now)
                    .map_or(record.updated_at, |at| at.max(record.updated_at)),
                completed_at: None,
                abort,
            },
            Phase::Ended { at, status, .. } => Snapshot {
                status: OverallStatus::from(status),
                updated_at: at.max(record.updated_at),
                completed_at: Some(at),
                abort,
            },
        }
    }

    /// The job as it shows at `now`.
    pub(crate) fn at(&self, now: DateTime<Utc>) -> SyncJob {
        let mut job = SyncJob::clone(&self.record);
        let Some(plan) = &self.plan else {
            return job;
        };
        let snapshot = self.snapshot(now);
        let ended_items = match plan.phase(now) {
            Phase::Running { ended_items } | Phase::Ended { ended_items, .. } => ended_items,
        };
        if let Some(ended) = plan.items.get(..ended_items).filter(|ended| !ended.is_empty()) {
            // One pass over the items, not an insert (a search) per ended item.
            let outcomes: std::collections::HashMap<&str, &str> = ended
                .iter()
                .map(|item| (item.key.as_str(), item.outcome.as_str()))
                .collect();
            let recorded = job.detailed_status.take().unwrap_or_default();
            let mut shown: Vec<(String, String)> = recorded
                .into_iter()
                .map(|(key, text)| {
                    let text = outcomes.get(key.as_str()).map_or(text, |outcome| (*outcome).to_owned());
                    (key, text)
                })
                .collect();
            let present: std::collections::HashSet<&str> = shown.iter().map(|(key, _)| key.as_str()).collect();
            let missing: Vec<(String, String)> = ended
                .iter()
                .filter(|item| !present.contains(item.key.as_str()))
                .map(|item| (item.key.clone(), item.outcome.clone()))
                .collect();
            shown.extend(missing);
            job.detailed_status = Some(shown.into_iter().collect::<DetailedStatus>());
        }
        job.overall_status = snapshot.status;
        job.updated_at = snapshot.updated_at;
        job.completed_at = snapshot.completed_at;
        job.abort = snapshot.abort;
        job
    }

    /// Cancels the job at `now` if it runs; says whether it runs (a second cancel of a job
    /// that winds down changes nothing and succeeds).
    pub(crate) fn cancel(&mut self, now: DateTime<Utc>) -> bool {
        let running = self.is_running(now);
        if let Some(plan) = self.plan.as_mut().filter(|_| running) {
            plan.cancelled_at.get_or_insert(now);
        }
        running
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn time(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + seconds, 0).unwrap()
    }

    fn plan(items: &[&str], failure: Option<(Option<String>, String)>) -> Plan {
        Plan::new(
            "in_progress",
            time(0),
            Duration::from_secs(9),
            items.iter().map(|item| (*item).to_owned()).collect(),
            "done",
            failure,
        )
    }

    #[test]
    fn items_end_one_after_another_over_the_duration() {
        let plan = plan(&["a", "b", "c"], None);
        assert_eq!(plan.phase(time(0)), Phase::Running { ended_items: 0 });
        assert_eq!(plan.phase(time(3)), Phase::Running { ended_items: 1 });
        assert_eq!(plan.phase(time(8)), Phase::Running { ended_items: 2 });
        assert_eq!(
            plan.phase(time(9)),
            Phase::Ended {
                at: time(9),
                status: JobStatus::Completed,
                ended_items: 3
            }
        );
    }

    #[test]
    fn a_cancel_ends_the_job_aborted_when_the_current_item_ends() {
        let mut plan = plan(&["a", "b", "c"], None);
        plan.cancelled_at = Some(time(4));
        assert_eq!(plan.phase(time(5)), Phase::Running { ended_items: 1 });
        assert_eq!(
            plan.phase(time(6)),
            Phase::Ended {
                at: time(6),
                status: JobStatus::Aborted,
                ended_items: 1
            }
        );
    }

    #[test]
    fn a_cancel_during_the_last_item_lets_the_job_complete() {
        let mut plan = plan(&["a", "b", "c"], None);
        plan.cancelled_at = Some(time(7));
        assert_eq!(
            plan.phase(time(9)),
            Phase::Ended {
                at: time(9),
                status: JobStatus::Completed,
                ended_items: 3
            }
        );
    }

    #[test]
    fn a_failed_item_fails_the_job_at_its_end() {
        let plan = plan(&["a", "b", "a"], Some((Some("a".to_owned()), "broken".to_owned())));
        assert_eq!(plan.items.len(), 2, "items are deduplicated");
        assert_eq!(plan.items[0].outcome, "broken");
        assert_eq!(
            plan.phase(time(9)),
            Phase::Ended {
                at: time(9),
                status: JobStatus::Failed,
                ended_items: 2
            }
        );
    }
}
