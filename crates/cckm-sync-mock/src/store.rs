//! The jobs of the mock, by endpoint, and what list queries select of them.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use cckm_sync::endpoints::{DEFAULT_SORT, ENDPOINTS, Endpoint, SortProperty};
use cckm_sync::{FamilyScope, FamilyVisitor, JobScope, Limit, ListSyncJobs, OverallStatus, Sort, SyncJob};
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
    endpoint.family.visit(ParseQuery(raw.unwrap_or_default()))
}

struct ParseQuery<'a>(&'a str);

impl FamilyVisitor for ParseQuery<'_> {
    type Output = Result<Query, String>;

    fn visit<S: FamilyScope>(self) -> Self::Output {
        let query = ListSyncJobs::<S>::from_query_str(self.0).map_err(|error| error.to_string())?;
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
}

/// A property of [`FamilySpec::sort_properties`], resolved from its name once per list call
/// rather than on every comparison of a sort.
///
/// [`FamilySpec::sort_properties`]: cckm_sync::endpoints::FamilySpec::sort_properties
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Property(SortProperty);

impl Property {
    /// The property named `name`; `None` for a name the catalog does not know.
    fn of(name: &str) -> Option<Self> {
        SortProperty::from_name(name).map(Self)
    }

    /// Whether comparing by this property needs the jobs' state at a time.
    fn needs_snapshot(self) -> bool {
        matches!(
            self.0,
            SortProperty::UpdatedAt | SortProperty::CompletedAt | SortProperty::OverallStatus | SortProperty::Abort
        )
    }

    /// Compares two jobs. An absent value (`completed_at` of a running job, a missing scope
    /// list) sorts before any value; a job without a snapshot (not asked for) compares equal
    /// by the properties that need one.
    fn compare(self, a: (&SyncJob, Option<&Snapshot>), b: (&SyncJob, Option<&Snapshot>)) -> Ordering {
        let ((a, sa), (b, sb)) = (a, b);
        let by_snapshot = |compare: fn(&Snapshot, &Snapshot) -> Ordering| match (sa, sb) {
            (Some(sa), Some(sb)) => compare(sa, sb),
            _ => Ordering::Equal,
        };
        match self.0 {
            SortProperty::Id => a.id.cmp(&b.id),
            SortProperty::Uri => a.uri.cmp(&b.uri),
            SortProperty::Account => a.account.cmp(&b.account),
            SortProperty::Application => a.application.cmp(&b.application),
            SortProperty::DevAccount => a.dev_account.cmp(&b.dev_account),
            SortProperty::CreatedAt => a.created_at.cmp(&b.created_at),
            SortProperty::UpdatedAt => by_snapshot(|a, b| a.updated_at.cmp(&b.updated_at)),
            SortProperty::CompletedAt => by_snapshot(|a, b| a.completed_at.cmp(&b.completed_at)),
            SortProperty::OverallStatus => by_snapshot(|a, b| a.status.as_str().cmp(b.status.as_str())),
            SortProperty::Cloud => a.cloud.as_str().cmp(b.cloud.as_str()),
            SortProperty::Abort => by_snapshot(|a, b| a.abort.cmp(&b.abort)),
            SortProperty::Scope(field) => a.scope.list(field).cmp(&b.scope.list(field)),
        }
    }
}

/// A job a list selects: its place in the store (which breaks ties of the sort keys), and its
/// creation time when that is the first key (else zero). Small, as the selection moves it.
struct Candidate<'a> {
    created: (i64, u32),
    place: usize,
    job: &'a StoredJob,
}

/// Why a job could not be stored: the bound of the store it would pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Full {
    /// The store holds its maximum of jobs.
    Jobs { max: usize },
    /// The job's items would take the store beyond its maximum of items across its jobs.
    Items {
        max: usize,
        /// The items the store holds.
        held: usize,
        /// The job's items.
        job: usize,
    },
}

impl std::fmt::Display for Full {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let reset = "/__mock";
        match self {
            Self::Jobs { max } => write!(
                f,
                "the mock holds its maximum of {max} jobs: reset it (POST {reset}/reset) or start it with a higher limit (`cckm-sync mock --max-jobs`, `MockServerBuilder::max_jobs`)"
            ),
            Self::Items { max, held, job } => write!(
                f,
                "the job's {job} items would take the mock beyond its maximum of {max} items across its jobs ({held} held): reset it (POST {reset}/reset) or start it with a higher limit (`cckm-sync mock --max-items`, `MockServerBuilder::max_items`)"
            ),
        }
    }
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
    max_items: usize,
    /// The items of every job held ([`StoredJob::item_count`]), bounded by `max_items`.
    items: usize,
    /// Counts the changes of the store: an order worked out of a copy of an older store is
    /// not kept.
    generation: u64,
    jobs: Vec<StoredJob>,
    by_id: HashMap<Uuid, usize>,
    by_endpoint: Vec<Vec<usize>>,
    /// Whole orders of an endpoint's jobs by sort keys that do not change with time, kept
    /// until the store changes (every change forgets them), so that paging through a large
    /// store sorts it once.
    orders: Mutex<Vec<Order>>,
}

/// The places (in [`JobStore::of`]) of every job of an endpoint, in the order of `keys`.
#[derive(Debug)]
struct Order {
    endpoint: usize,
    keys: Vec<(Property, bool)>,
    places: Arc<[usize]>,
}

/// How many orders the store keeps at most (each of at most as many places as jobs).
const MAX_ORDERS: usize = 16;

fn endpoint_index(endpoint: &Endpoint) -> usize {
    ENDPOINTS
        .iter()
        .position(|candidate| std::ptr::eq(candidate, endpoint))
        .unwrap_or_default()
}

impl JobStore {
    pub(crate) fn new(max: usize, max_items: usize) -> Self {
        Self {
            max,
            max_items,
            items: 0,
            generation: 0,
            jobs: Vec::new(),
            by_id: HashMap::new(),
            by_endpoint: vec![Vec::new(); ENDPOINTS.len()],
            orders: Mutex::new(Vec::new()),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.jobs.len()
    }

    /// The items of every job held, as counted against the bound.
    pub(crate) fn item_count(&self) -> usize {
        self.items
    }

    pub(crate) fn clear(&mut self) {
        let generation = self.generation.wrapping_add(1);
        *self = Self::new(self.max, self.max_items);
        self.generation = generation;
    }

    /// Marks the store changed: the orders kept are stale.
    fn changed(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        self.orders.get_mut().unwrap_or_else(PoisonError::into_inner).clear();
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

    /// Stores a new job, within the bounds of jobs and of items.
    pub(crate) fn insert(&mut self, job: StoredJob) -> Result<(), Full> {
        if self.jobs.len() >= self.max {
            return Err(Full::Jobs { max: self.max });
        }
        let count = job.item_count();
        if self.items.saturating_add(count) > self.max_items {
            return Err(Full::Items {
                max: self.max_items,
                held: self.items,
                job: count,
            });
        }
        self.changed();
        self.items += count;
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
        if self
            .jobs
            .get(index)
            .is_none_or(|existing| existing.record.updated_at > job.record.updated_at)
        {
            return Ok(Loaded::KeptNewer);
        }
        let Some(existing) = self.jobs.get(index) else {
            return Ok(Loaded::KeptNewer);
        };
        // The newer record takes the place of the older one's items.
        let (old, new) = (existing.item_count(), job.item_count());
        let held = self.items.saturating_sub(old);
        if held.saturating_add(new) > self.max_items {
            return Err(Full::Items {
                max: self.max_items,
                held: self.items,
                job: new,
            });
        }
        self.changed();
        self.items = held + new;
        let Some(existing) = self.jobs.get_mut(index) else {
            return Ok(Loaded::KeptNewer);
        };
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
        self.changed();
        let job = self.jobs.get_mut(*self.by_id.get(&id)?)?;
        std::ptr::eq(job.endpoint, endpoint).then_some(job)
    }

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

    /// The order of every job of `endpoint` by `keys` kept from an earlier list, if any.
    fn kept_order(&self, endpoint: &Endpoint, keys: &[(Property, bool)]) -> Option<Arc<[usize]>> {
        let index = endpoint_index(endpoint);
        let orders = self.orders.lock().unwrap_or_else(PoisonError::into_inner);
        orders
            .iter()
            .find(|order| order.endpoint == index && order.keys == keys)
            .map(|order| Arc::clone(&order.places))
    }

    /// Keeps an order a list worked out of its copy, if the store has not changed since.
    pub(crate) fn keep(&self, order: KeptOrder) {
        if order.generation != self.generation {
            return;
        }
        let mut orders = self.orders.lock().unwrap_or_else(PoisonError::into_inner);
        if orders.len() >= MAX_ORDERS {
            orders.clear();
        }
        orders.push(order.order);
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

/// An order of every job of an endpoint that a list worked out, for the store to keep.
#[derive(Debug)]
pub(crate) struct KeptOrder {
    generation: u64,
    order: Order,
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
            record: job.clone().into(),
            plan: None,
        }
        .snapshot(DateTime::<Utc>::MIN_UTC);
        let mut later = job.clone();
        later.created_at += chrono::TimeDelta::seconds(1);
        for family in cckm_sync::CloudFamily::ALL {
            for name in family.spec().sort_properties() {
                let property = Property::of(name).unwrap_or_else(|| panic!("{name} is not compared"));
                let same = property.compare((&job, Some(&snapshot)), (&job, Some(&snapshot)));
                assert_eq!(same, Ordering::Equal, "{name}");
            }
        }
        assert_eq!(
            Property(SortProperty::CreatedAt).compare((&job, None), (&later, None)),
            Ordering::Less
        );
        assert_eq!(Property::of("detailed_status"), None);
    }

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
