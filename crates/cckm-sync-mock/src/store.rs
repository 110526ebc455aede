//! The jobs of the mock, by endpoint, and what list queries select of them.

use std::cmp::Ordering;
use std::collections::HashMap;

use cckm_sync::endpoints::{DEFAULT_SORT, ENDPOINTS, Endpoint};
use cckm_sync::{
    AwsScope, AzureScope, CloudFamily, DsmScope, ExternalCmScope, FamilyScope, GoogleScope, JobScope, Limit,
    ListSyncJobs, OciScope, OverallStatus, SalesforceScope, SapScope, Sort, SyncJob,
};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::job::{Snapshot, StoredJob};

/// A list query, whatever its family.
#[derive(Clone, Debug)]
pub(crate) struct Query {
    id: Option<Uuid>,
    status: Option<OverallStatus>,
    filter: Vec<String>,
    skip: Option<u64>,
    limit: Option<Limit>,
    sort: Sort,
}

/// The page size without `limit` (confirmed: the vendor's documentation).
const DEFAULT_LIMIT: u32 = 10;

/// Reads the query string of a list call of `endpoint`'s family with the family's
/// [`ListSyncJobs`], which checks every parameter as the server would.
pub(crate) fn parse_query(endpoint: &Endpoint, raw: Option<&str>) -> Result<Query, String> {
    fn read<S: FamilyScope>(raw: &str) -> Result<Query, String> {
        let query = ListSyncJobs::<S>::from_query_str(raw).map_err(|error| error.to_string())?;
        Ok(Query {
            id: query.get_id(),
            status: query.get_overall_status().cloned(),
            filter: query.get_scope_filter().to_vec(),
            skip: query.get_skip(),
            limit: query.get_limit(),
            sort: match query.get_sort() {
                Some(sort) => sort.clone(),
                None => Sort::parse(DEFAULT_SORT).map_err(|error| error.to_string())?,
            },
        })
    }
    let raw = raw.unwrap_or_default();
    match endpoint.family {
        CloudFamily::Aws => read::<AwsScope>(raw),
        CloudFamily::Azure => read::<AzureScope>(raw),
        CloudFamily::Google => read::<GoogleScope>(raw),
        CloudFamily::Oci => read::<OciScope>(raw),
        CloudFamily::Sap => read::<SapScope>(raw),
        CloudFamily::Salesforce => read::<SalesforceScope>(raw),
        CloudFamily::Dsm => read::<DsmScope>(raw),
        CloudFamily::ExternalCm => read::<ExternalCmScope>(raw),
        other => Err(format!("the mock cannot list {other} jobs")),
    }
}

/// Compares two jobs by `property` of [`FamilySpec::sort_properties`]; `None` for a property
/// it does not know. An absent value (`completed_at` of a running job, a missing scope list)
/// sorts before any value.
///
/// [`FamilySpec::sort_properties`]: cckm_sync::endpoints::FamilySpec::sort_properties
fn compare(property: &str, a: (&SyncJob, &Snapshot), b: (&SyncJob, &Snapshot)) -> Option<Ordering> {
    let ((a, sa), (b, sb)) = (a, b);
    Some(match property {
        "id" => a.id.cmp(&b.id),
        "uri" => a.uri.cmp(&b.uri),
        "account" => a.account.cmp(&b.account),
        "application" => a.application.cmp(&b.application),
        "devAccount" => a.dev_account.cmp(&b.dev_account),
        "createdAt" => a.created_at.cmp(&b.created_at),
        "updatedAt" => sa.updated_at.cmp(&sb.updated_at),
        "completed_at" => sa.completed_at.cmp(&sb.completed_at),
        "overall_status" => sa.status.as_str().cmp(sb.status.as_str()),
        "cloud" => a.cloud.as_str().cmp(b.cloud.as_str()),
        "abort" => sa.abort.cmp(&sb.abort),
        scope if <cckm_sync::AnyScope as JobScope>::FIELDS.contains(&scope) => {
            a.scope.list(scope).cmp(&b.scope.list(scope))
        }
        _ => return None,
    })
}

/// Why a job could not be stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Full {
    pub(crate) max: usize,
}

/// What loading a job did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Loaded {
    Added,
    /// A job with the same id was replaced by this newer record.
    Replaced,
    /// A job with the same id and a later `updatedAt` was kept.
    KeptNewer,
}

/// The jobs, in the order they were stored, with an index by id and by endpoint.
#[derive(Debug)]
pub(crate) struct JobStore {
    max: usize,
    jobs: Vec<StoredJob>,
    by_id: HashMap<Uuid, usize>,
    by_endpoint: Vec<Vec<usize>>,
}

fn endpoint_index(endpoint: &Endpoint) -> usize {
    ENDPOINTS
        .iter()
        .position(|candidate| std::ptr::eq(candidate, endpoint))
        .unwrap_or_default()
}

impl JobStore {
    pub(crate) fn new(max: usize) -> Self {
        Self {
            max,
            jobs: Vec::new(),
            by_id: HashMap::new(),
            by_endpoint: vec![Vec::new(); ENDPOINTS.len()],
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.jobs.len()
    }

    pub(crate) fn clear(&mut self) {
        *self = Self::new(self.max);
    }

    fn of(&self, endpoint: &Endpoint) -> impl Iterator<Item = &StoredJob> {
        self.by_endpoint
            .get(endpoint_index(endpoint))
            .into_iter()
            .flatten()
            .filter_map(|&index| self.jobs.get(index))
    }

    /// The id of a job of `endpoint` that runs at `now`.
    pub(crate) fn running(&self, endpoint: &Endpoint, now: DateTime<Utc>) -> Option<Uuid> {
        self.of(endpoint)
            .find(|job| job.is_running(now))
            .map(|job| job.record.id)
    }

    /// Stores a new job.
    pub(crate) fn insert(&mut self, job: StoredJob) -> Result<(), Full> {
        if self.jobs.len() >= self.max {
            return Err(Full { max: self.max });
        }
        let index = self.jobs.len();
        self.by_id.insert(job.record.id, index);
        if let Some(list) = self.by_endpoint.get_mut(endpoint_index(job.endpoint)) {
            list.push(index);
        }
        self.jobs.push(job);
        Ok(())
    }

    /// Stores a recorded job; of two records of one job, the later `updatedAt` wins (the
    /// later one loaded on a tie).
    pub(crate) fn load(&mut self, job: StoredJob) -> Result<Loaded, Full> {
        let Some(&index) = self.by_id.get(&job.record.id) else {
            self.insert(job)?;
            return Ok(Loaded::Added);
        };
        let Some(existing) = self.jobs.get_mut(index) else {
            return Ok(Loaded::KeptNewer);
        };
        if existing.record.updated_at > job.record.updated_at {
            return Ok(Loaded::KeptNewer);
        }
        if !std::ptr::eq(existing.endpoint, job.endpoint) {
            let (old, new) = (endpoint_index(existing.endpoint), endpoint_index(job.endpoint));
            if let Some(list) = self.by_endpoint.get_mut(old) {
                list.retain(|&position| position != index);
            }
            if let Some(list) = self.by_endpoint.get_mut(new) {
                list.push(index);
                list.sort_unstable();
            }
        }
        *existing = job;
        Ok(Loaded::Replaced)
    }

    /// The job `id` of `endpoint`.
    pub(crate) fn get(&self, endpoint: &Endpoint, id: Uuid) -> Option<&StoredJob> {
        let job = self.jobs.get(*self.by_id.get(&id)?)?;
        std::ptr::eq(job.endpoint, endpoint).then_some(job)
    }

    pub(crate) fn get_mut(&mut self, endpoint: &Endpoint, id: Uuid) -> Option<&mut StoredJob> {
        let job = self.jobs.get_mut(*self.by_id.get(&id)?)?;
        std::ptr::eq(job.endpoint, endpoint).then_some(job)
    }

    /// The page `query` selects of `endpoint`'s jobs at `now`: `(skip, limit, total, jobs)`.
    pub(crate) fn list(&self, endpoint: &Endpoint, query: &Query, now: DateTime<Utc>) -> (u64, i64, u64, Vec<SyncJob>) {
        let field = crate::payload::job_items_field(endpoint.family);
        // Each job with its place in the store, which breaks ties of the sort keys so that
        // paging through equal keys is stable.
        let mut selected: Vec<(usize, &StoredJob, Snapshot)> = self
            .of(endpoint)
            .enumerate()
            .filter(|(_, job)| query.id.is_none_or(|id| job.record.id == id))
            .filter(|(_, job)| {
                query.filter.is_empty()
                    || field
                        .and_then(|field| job.record.scope.list(field))
                        .is_some_and(|items| items.iter().any(|item| query.filter.contains(item)))
            })
            .map(|(place, job)| (place, job, job.snapshot(now)))
            // Both spellings of a running job (`in_progress`, `in progress`) mean the same.
            .filter(|(_, _, snapshot)| {
                query
                    .status
                    .as_ref()
                    .is_none_or(|status| status.status() == snapshot.status.status())
            })
            .collect();
        let order = |(pa, a, sa): &(usize, &StoredJob, Snapshot), (pb, b, sb): &(usize, &StoredJob, Snapshot)| {
            query
                .sort
                .keys()
                .iter()
                .map(|key| {
                    let order = compare(key.property(), (&a.record, sa), (&b.record, sb)).unwrap_or(Ordering::Equal);
                    if key.is_descending() { order.reverse() } else { order }
                })
                .find(|order| order.is_ne())
                .unwrap_or_else(|| pa.cmp(pb))
        };
        let total = selected.len();
        let skip = query.skip.unwrap_or(0);
        let limit = query.limit.unwrap_or(Limit::Count(
            std::num::NonZeroU32::new(DEFAULT_LIMIT).unwrap_or(std::num::NonZeroU32::MIN),
        ));
        let start = usize::try_from(skip).unwrap_or(usize::MAX).min(total);
        let take = match limit {
            Limit::All => total,
            Limit::Count(count) => usize::try_from(count.get()).unwrap_or(usize::MAX),
        };
        // Only the first `start + take` jobs in order matter: select them in linear time and
        // sort those, rather than sorting the whole store on every call.
        let end = start.saturating_add(take).min(total);
        if end < total && end > 0 {
            selected.select_nth_unstable_by(end - 1, order);
            selected.truncate(end);
        }
        selected.sort_unstable_by(order);
        let page = selected
            .iter()
            .skip(start)
            .take(take)
            .map(|(_, job, _)| job.at(now))
            .collect();
        (skip, limit.as_i64(), u64::try_from(total).unwrap_or(u64::MAX), page)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sort_property_of_the_catalog_is_compared() {
        let job: SyncJob = serde_json::from_str(
            r#"{"id":"0ea5d52e-387c-44fa-b079-21c8b768f77b","uri":"u","account":"a","application":"p",
            "devAccount":"d","createdAt":"2020-11-05T06:39:45Z","updatedAt":"2020-11-05T06:39:57Z",
            "overall_status":"completed","cloud":"aws","kms":["kms"],"abort":false}"#,
        )
        .unwrap();
        let snapshot = StoredJob {
            endpoint: &ENDPOINTS[0],
            record: job.clone(),
            plan: None,
        }
        .snapshot(DateTime::<Utc>::MIN_UTC);
        for family in CloudFamily::ALL {
            for property in family.spec().sort_properties() {
                assert!(
                    compare(property, (&job, &snapshot), (&job, &snapshot)).is_some(),
                    "{property}"
                );
            }
        }
        assert_eq!(compare("detailed_status", (&job, &snapshot), (&job, &snapshot)), None);
    }

    /// A store of `count` ended AWS jobs: the ids count up, every other job shares the
    /// creation time of its neighbour (ties for the sort), and the store order is shuffled
    /// against both.
    fn store(count: u128) -> JobStore {
        let mut store = JobStore::new(1_000);
        for index in 0..count {
            let shuffled = (index * 7) % count;
            let mut job: SyncJob = serde_json::from_str(
                r#"{"id":"0ea5d52e-387c-44fa-b079-21c8b768f77b","uri":"u","account":"a","application":"p",
                "devAccount":"d","createdAt":"2020-11-05T06:39:45Z","updatedAt":"2020-11-05T06:39:57Z",
                "overall_status":"completed","cloud":"aws","kms":["kms"],"abort":false}"#,
            )
            .unwrap();
            job.id = Uuid::from_u128(shuffled);
            job.created_at += chrono::TimeDelta::seconds(i64::try_from(shuffled / 2).unwrap());
            let stored = StoredJob {
                endpoint: &ENDPOINTS[0],
                record: job,
                plan: None,
            };
            store.insert(stored).unwrap();
        }
        store
    }

    fn ids(store: &JobStore, raw: &str) -> Vec<Uuid> {
        let query = parse_query(&ENDPOINTS[0], Some(raw)).unwrap();
        let (.., jobs) = store.list(&ENDPOINTS[0], &query, DateTime::<Utc>::MIN_UTC);
        jobs.into_iter().map(|job| job.id).collect()
    }

    #[test]
    fn pages_of_a_sorted_list_with_ties_join_into_the_whole_list() {
        let store = store(61);
        for sort in ["createdAt", "-createdAt", "-abort,id", "overall_status"] {
            let whole = ids(&store, &format!("sort={sort}&limit=-1"));
            assert_eq!(whole.len(), 61, "{sort}");
            for size in [1, 7, 10, 60, 61, 100] {
                let mut joined = Vec::new();
                for skip in (0..70).step_by(size) {
                    joined.extend(ids(&store, &format!("sort={sort}&skip={skip}&limit={size}")));
                }
                assert_eq!(joined, whole, "sort={sort}, pages of {size}");
            }
        }
        // Equal keys keep the store's order; the ids count up by creation time here.
        let by_creation = ids(&store, "sort=createdAt&limit=-1");
        assert!(
            by_creation
                .windows(2)
                .all(|pair| pair[0] < pair[1] || pair[0].as_u128() / 2 == pair[1].as_u128() / 2)
        );
    }
}
