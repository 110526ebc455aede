//! The jobs of the mock, by endpoint, with the bounds of what it holds, and the orders of
//! its lists kept until it changes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use cckm_sync::endpoints::{ENDPOINTS, Endpoint};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::job::StoredJob;
use crate::query::Property;

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

/// What to do when the mock holds its most jobs, in each of its faces: the program, the Rust
/// builder, and the Python and npm packages' `MockServer`.
pub(crate) const MORE_JOBS: &str = "reset it (POST /__mock/reset) or start it with a higher limit \
    (`cckm-sync mock --max-jobs`; `max_jobs` of `MockServerBuilder` and of the Python `MockServer`, \
    `maxJobs` of the npm one)";

/// What to do when the mock holds its most items, in each of its faces.
pub(crate) const MORE_ITEMS: &str = "reset it (POST /__mock/reset) or start it with a higher limit \
    (`cckm-sync mock --max-items`; `max_items` of `MockServerBuilder` and of the Python `MockServer`, \
    `maxItems` of the npm one)";

impl std::fmt::Display for Full {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Jobs { max } => write!(f, "the mock holds its maximum of {max} jobs: {MORE_JOBS}"),
            Self::Items { max, held, job } => write!(
                f,
                "the job's {job} items would take the mock beyond its maximum of {max} items across its jobs \
                 ({held} held): {MORE_ITEMS}"
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
    pub(crate) max: usize,
    pub(crate) max_items: usize,
    /// The items of every job held ([`StoredJob::item_count`]), bounded by `max_items`.
    pub(crate) items: usize,
    /// Counts the changes of the store: an order worked out of a copy of an older store is
    /// not kept.
    pub(crate) generation: u64,
    pub(crate) jobs: Vec<StoredJob>,
    pub(crate) by_id: HashMap<Uuid, usize>,
    pub(crate) by_endpoint: Vec<Vec<usize>>,
    /// Whole orders of an endpoint's jobs by sort keys that do not change with time, kept
    /// until the store changes (every change forgets them), so that paging through a large
    /// store sorts it once.
    pub(crate) orders: Mutex<Vec<Order>>,
}

/// The places (in [`JobStore::of`]) of every job of an endpoint, in the order of `keys`.
#[derive(Debug)]
pub(crate) struct Order {
    pub(crate) endpoint: usize,
    pub(crate) keys: Vec<(Property, bool)>,
    pub(crate) places: Arc<[usize]>,
}

/// How many orders the store keeps at most (each of at most as many places as jobs).
const MAX_ORDERS: usize = 16;

pub(crate) fn endpoint_index(endpoint: &Endpoint) -> usize {
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

    pub(crate) fn of(&self, endpoint: &Endpoint) -> impl Iterator<Item = &StoredJob> {
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

    /// The order of every job of `endpoint` by `keys` kept from an earlier list, if any.
    pub(crate) fn kept_order(&self, endpoint: &Endpoint, keys: &[(Property, bool)]) -> Option<Arc<[usize]>> {
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

/// An order of every job of an endpoint that a list worked out, for the store to keep.
#[derive(Debug)]
pub(crate) struct KeptOrder {
    pub(crate) generation: u64,
    pub(crate) order: Order,
}
