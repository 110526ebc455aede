//! What a list selects of the store: a copy of the jobs it needs, taken under the store's lock
//! ([`JobStore::view`]), and its page built from the copy, without the lock ([`ListView::page`]).

use std::cmp::Ordering;
use std::sync::Arc;

use cckm_sync::endpoints::{Endpoint, SortProperty};
use cckm_sync::{JobScope, Limit, SyncJob};
use chrono::{DateTime, Utc};

use crate::job::{Snapshot, StoredJob};
use crate::query::{DEFAULT_LIMIT, Property, Query};
use crate::store::{JobStore, KeptOrder, Order, endpoint_index};

/// A job a list selects: its place in the store (which breaks ties of the sort keys), and its
/// creation time when that is the first key (else zero). Small, as the selection moves it.
struct Candidate<'a> {
    created: (i64, u32),
    place: usize,
    job: &'a StoredJob,
}

impl JobStore {
    /// What a list of `endpoint`'s jobs by `query` needs of the store, copied under its lock:
    /// the page's jobs, when an order kept from an earlier list gives them; else every job
    /// the list may show (only the job `id`, when the query names one). Copies are cheap (a
    /// job's record and items are shared); sorting, filtering and building the jobs happen on
    /// the copy, in [`ListView::page`], once the lock is released.
    pub(crate) fn view(&self, endpoint: &'static Endpoint, query: &Query) -> ListView {
        let paging = Paging::of(query);
        // A job's state at a time is worked out only when a filter or a key reads it.
        let timed = query.status.is_some() || paging.keys.iter().any(|(property, _)| property.needs_snapshot());
        let source = if let Some(id) = query.id {
            Source::Select(self.get(endpoint, id).cloned().into_iter().collect())
        } else if timed || !query.filter.is_empty() {
            Source::Select(self.of(endpoint).cloned().collect())
        } else if let Some(places) = self.kept_order(endpoint, &paging.keys) {
            let jobs = self.by_endpoint.get(endpoint_index(endpoint));
            let page = places
                .iter()
                .skip(paging.start)
                .take(paging.take)
                .filter_map(|&place| self.jobs.get(*jobs?.get(place)?))
                .cloned()
                .collect();
            Source::Page {
                total: places.len(),
                jobs: page,
            }
        } else {
            Source::Order(self.of(endpoint).cloned().collect())
        };
        ListView {
            endpoint,
            generation: self.generation,
            timed,
            paging,
            source,
        }
    }
}

/// What a list asks for, resolved once: its sort keys, and which of the jobs in order it shows.
#[derive(Debug)]
struct Paging {
    keys: Vec<(Property, bool)>,
    skip: u64,
    limit: Limit,
    start: usize,
    take: usize,
}

impl Paging {
    fn of(query: &Query) -> Self {
        // A property the catalog does not list (the query's parser refuses those) sorts nothing.
        let keys: Vec<(Property, bool)> = query
            .sort
            .keys()
            .iter()
            .filter_map(|key| Some((Property::of(key.property())?, key.is_descending())))
            .collect();
        let skip = query.skip.unwrap_or(0);
        let limit = query.limit.unwrap_or(Limit::Count(
            std::num::NonZeroU32::new(DEFAULT_LIMIT).unwrap_or(std::num::NonZeroU32::MIN),
        ));
        let take = match limit {
            Limit::All => usize::MAX,
            Limit::Count(count) => usize::try_from(count.get()).unwrap_or(usize::MAX),
        };
        Self {
            keys,
            skip,
            limit,
            start: usize::try_from(skip).unwrap_or(usize::MAX),
            take,
        }
    }
}

/// The jobs a list copied out of the store.
#[derive(Debug)]
enum Source {
    /// The page itself, in order, and how many jobs the whole list has.
    Page { total: usize, jobs: Vec<StoredJob> },
    /// Every job of the endpoint, in the store's order: the list works out their order by
    /// keys that do not change with time, and the store keeps it.
    Order(Vec<StoredJob>),
    /// The jobs the list selects from, in the store's order (filters, or keys that read the
    /// jobs' state at a time).
    Select(Vec<StoredJob>),
}

/// A list's copy of the store: see [`JobStore::view`].
#[derive(Debug)]
pub(crate) struct ListView {
    endpoint: &'static Endpoint,
    generation: u64,
    timed: bool,
    paging: Paging,
    source: Source,
}

/// A page of a list: `(skip, limit, total, jobs)`.
pub(crate) type ListPage = (u64, i64, u64, Vec<SyncJob>);

impl ListView {
    /// The page `query` selects at `now`, built without the store's lock; and the order of
    /// every job worked out on the way, for [`JobStore::keep`].
    pub(crate) fn page(self, query: &Query, now: DateTime<Utc>) -> (ListPage, Option<KeptOrder>) {
        let Self {
            endpoint,
            generation,
            timed,
            paging,
            source,
        } = self;
        let (start, take) = (paging.start, paging.take);
        let (total, jobs, kept) = match source {
            Source::Page { total, jobs } => (total, jobs.iter().map(|job| job.at(now)).collect(), None),
            Source::Order(jobs) => {
                let (_, places) = select(&jobs, endpoint, query, &paging.keys, None, |total| total);
                let places: Arc<[usize]> = places.into();
                let page = render(&jobs, &places, start, take, now);
                let kept = KeptOrder {
                    generation,
                    order: Order {
                        endpoint: endpoint_index(endpoint),
                        keys: paging.keys.clone(),
                        places: Arc::clone(&places),
                    },
                };
                (places.len(), page, Some(kept))
            }
            Source::Select(jobs) => {
                // Only the first `start + take` jobs in order matter.
                let (total, places) = select(&jobs, endpoint, query, &paging.keys, timed.then_some(now), |total| {
                    start.saturating_add(take).min(total)
                });
                (total, render(&jobs, &places, start, take, now), None)
            }
        };
        let page = (
            paging.skip,
            paging.limit.as_i64(),
            u64::try_from(total).unwrap_or(u64::MAX),
            jobs,
        );
        (page, kept)
    }
}

/// The jobs at `places` of `jobs`, from `start`, at most `take` of them, as they show at `now`.
fn render(jobs: &[StoredJob], places: &[usize], start: usize, take: usize, now: DateTime<Utc>) -> Vec<SyncJob> {
    places
        .iter()
        .skip(start)
        .take(take)
        .filter_map(|&place| jobs.get(place))
        .map(|job| job.at(now))
        .collect()
}

/// The jobs of `jobs` (of `endpoint`, in the store's order) that `query`'s filters select (its
/// status filter only with `now`): their count, and the places of the first `wanted(count)` of
/// them in the order of `keys`, found in linear time and then sorted.
fn select(
    jobs: &[StoredJob],
    endpoint: &Endpoint,
    query: &Query,
    keys: &[(Property, bool)],
    now: Option<DateTime<Utc>>,
    wanted: impl FnOnce(usize) -> usize,
) -> (usize, Vec<usize>) {
    let field = crate::payload::job_items_field(endpoint.family);
    let states: Vec<Snapshot> = match now {
        Some(now) => jobs.iter().map(|job| job.snapshot(now)).collect(),
        None => Vec::new(),
    };
    let state = |place: usize| states.get(place);
    // When the first key is the creation time (the default sort), a copy of it goes beside
    // each job, so that the selection and the sort below compare it without reading the
    // jobs: on a list of a large store, that comparison is most of the work.
    let by_creation = keys.first().map(|(property, _)| *property) == Some(Property(SortProperty::CreatedAt));
    let mut selected: Vec<Candidate<'_>> = jobs
        .iter()
        .enumerate()
        .filter(|(_, job)| query.id.is_none_or(|id| job.record.id == id))
        .filter(|(_, job)| {
            query.filter.is_empty()
                || field
                    .and_then(|field| job.record.scope.list(field))
                    .is_some_and(|items| items.iter().any(|item| query.filter.contains(item)))
        })
        // Both spellings of a running job (`in_progress`, `in progress`) mean the same.
        .filter(|(place, _)| match (&query.status, state(*place)) {
            (Some(status), Some(state)) => status.status() == state.status.status(),
            _ => true,
        })
        .map(|(place, job)| Candidate {
            created: if by_creation {
                let at = job.record.created_at;
                (at.timestamp(), at.timestamp_subsec_nanos())
            } else {
                (0, 0)
            },
            place,
            job,
        })
        .collect();
    let order = |a: &Candidate<'_>, b: &Candidate<'_>| {
        let first = match keys.first() {
            Some((_, descending)) if by_creation => {
                let order = a.created.cmp(&b.created);
                if *descending { order.reverse() } else { order }
            }
            _ => Ordering::Equal,
        };
        first.then_with(|| {
            keys.iter()
                .skip(usize::from(by_creation))
                .map(|(property, descending)| {
                    let order = property.compare((&a.job.record, state(a.place)), (&b.job.record, state(b.place)));
                    if *descending { order.reverse() } else { order }
                })
                .find(|order| order.is_ne())
                // Equal keys keep the store's order, so that paging through them is stable.
                .unwrap_or_else(|| a.place.cmp(&b.place))
        })
    };
    let total = selected.len();
    let end = wanted(total).min(total);
    if end < total && end > 0 {
        selected.select_nth_unstable_by(end - 1, order);
    }
    selected.truncate(end);
    selected.sort_unstable_by(order);
    (total, selected.iter().map(|candidate| candidate.place).collect())
}

#[cfg(test)]
mod tests {
    use cckm_sync::endpoints::ENDPOINTS;
    use chrono::{DateTime, Utc};
    use uuid::Uuid;

    use super::*;
    use crate::job::StoredJob;
    use crate::query::parse_query;

    /// A store of `count` ended AWS jobs: the ids count up, every other job shares the
    /// creation time of its neighbour (ties for the sort), and the store order is shuffled
    /// against both.
    fn store(count: u128) -> JobStore {
        let mut store = JobStore::new(1_000, 1_000);
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
                record: job.into(),
                plan: None,
            };
            store.insert(stored).unwrap();
        }
        store
    }

    fn ids(store: &JobStore, raw: &str) -> Vec<Uuid> {
        let query = parse_query(&ENDPOINTS[0], Some(raw)).unwrap();
        let ((.., jobs), kept) = store.view(&ENDPOINTS[0], &query).page(&query, DateTime::<Utc>::MIN_UTC);
        if let Some(kept) = kept {
            store.keep(kept);
        }
        jobs.into_iter().map(|job| job.id).collect()
    }

    #[test]
    fn a_kept_order_agrees_with_a_selection_and_goes_stale_when_the_store_changes() {
        let mut store = store(61);
        for sort in ["-createdAt", "createdAt,-id", "kms,id"] {
            // A status filter (every job is completed) takes the path that selects each time.
            for page in ["", "&skip=7&limit=5", "&skip=60", "&limit=-1"] {
                assert_eq!(
                    ids(&store, &format!("sort={sort}{page}")),
                    ids(&store, &format!("sort={sort}{page}&overall_status=completed")),
                    "sort={sort}{page}"
                );
            }
        }
        let newest_before = ids(&store, "sort=-createdAt&limit=1");
        let mut job = SyncJob::clone(&store.jobs[0].record);
        job.id = Uuid::from_u128(1_000);
        job.created_at += chrono::TimeDelta::days(1);
        store
            .insert(StoredJob {
                endpoint: &ENDPOINTS[0],
                record: job.into(),
                plan: None,
            })
            .unwrap();
        assert_ne!(ids(&store, "sort=-createdAt&limit=1"), newest_before);
        assert_eq!(ids(&store, "sort=-createdAt&limit=1"), [Uuid::from_u128(1_000)]);
        store.clear();
        assert!(ids(&store, "sort=-createdAt").is_empty());
    }

    #[test]
    fn a_list_works_on_its_copy_and_an_order_of_a_store_changed_since_is_not_kept() {
        let mut store = store(5);
        let query = parse_query(&ENDPOINTS[0], Some("limit=-1")).unwrap();
        // The copy a list takes under the lock; then the store changes, as a start would.
        let view = store.view(&ENDPOINTS[0], &query);
        let mut job = SyncJob::clone(&store.jobs[0].record);
        job.id = Uuid::from_u128(1_000);
        job.created_at += chrono::TimeDelta::days(1);
        store
            .insert(StoredJob {
                endpoint: &ENDPOINTS[0],
                record: job.into(),
                plan: None,
            })
            .unwrap();

        let ((_, _, total, jobs), kept) = view.page(&query, DateTime::<Utc>::MIN_UTC);
        store.keep(kept.unwrap());

        // The list shows the store as it was copied; the next one, as it is.
        assert_eq!((total, jobs.len()), (5, 5));
        assert_eq!(ids(&store, "limit=-1").len(), 6);
        assert_eq!(ids(&store, "limit=1"), [Uuid::from_u128(1_000)]);
    }

    #[test]
    fn pages_of_a_sorted_list_with_ties_join_into_the_whole_list() {
        let store = store(61);
        for sort in [
            "createdAt",
            "-createdAt",
            "-createdAt,-id",
            "-abort,id",
            "overall_status",
        ] {
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
        // A second key orders the jobs the first key ties: newest first, then the higher id.
        let by_creation_then_id = ids(&store, "sort=-createdAt,-id&limit=-1");
        let expected: Vec<Uuid> = (0..61).rev().map(Uuid::from_u128).collect();
        assert_eq!(by_creation_then_id, expected);
    }
}
