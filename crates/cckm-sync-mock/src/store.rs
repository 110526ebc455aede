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
/// [`ListSyncJobs`], and checks what it leaves to the server: the id's form and the sort
/// properties.
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
    let query = match endpoint.family {
        CloudFamily::Aws => read::<AwsScope>(raw),
        CloudFamily::Azure => read::<AzureScope>(raw),
        CloudFamily::Google => read::<GoogleScope>(raw),
        CloudFamily::Oci => read::<OciScope>(raw),
        CloudFamily::Sap => read::<SapScope>(raw),
        CloudFamily::Salesforce => read::<SalesforceScope>(raw),
        CloudFamily::Dsm => read::<DsmScope>(raw),
        CloudFamily::ExternalCm => read::<ExternalCmScope>(raw),
        other => Err(format!("the mock cannot list {other} jobs")),
    }?;
    let spec = endpoint.spec();
    if let Some(key) = query
        .sort
        .keys()
        .iter()
        .find(|key| !spec.sort_properties().any(|p| p == key.property()))
    {
        let known: Vec<&str> = spec.sort_properties().collect();
        return Err(format!(
            "sort: {:?} is not a property of a job; sort by one of {}",
            key.property(),
            known.join(", ")
        ));
    }
    Ok(query)
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
        let mut selected: Vec<(&StoredJob, Snapshot)> = self
            .of(endpoint)
            .filter(|job| query.id.is_none_or(|id| job.record.id == id))
            .filter(|job| {
                query.filter.is_empty()
                    || field
                        .and_then(|field| job.record.scope.list(field))
                        .is_some_and(|items| items.iter().any(|item| query.filter.contains(item)))
            })
            .map(|job| (job, job.snapshot(now)))
            // Both spellings of a running job (`in_progress`, `in progress`) mean the same.
            .filter(|(_, snapshot)| {
                query
                    .status
                    .as_ref()
                    .is_none_or(|status| status.status() == snapshot.status.status())
            })
            .collect();
        selected.sort_by(|(a, sa), (b, sb)| {
            query
                .sort
                .keys()
                .iter()
                .map(|key| {
                    let order = compare(key.property(), (&a.record, sa), (&b.record, sb)).unwrap_or(Ordering::Equal);
                    if key.is_descending() { order.reverse() } else { order }
                })
                .find(|order| order.is_ne())
                .unwrap_or(Ordering::Equal)
        });
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
        let page = selected
            .iter()
            .skip(start)
            .take(take)
            .map(|(job, _)| job.at(now))
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
}
