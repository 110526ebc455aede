//! The state of one mock server, shared by its HTTP handlers and its library methods.

use std::sync::{Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use crate::clock::Clock;
use crate::fault::Faults;
use crate::inventory::Inventory;
use crate::record::RequestLog;
use crate::store::JobStore;
use crate::tokens::Tokens;

/// How many list calls build their page at once; more wait their turn. Each holds a copy of
/// the jobs it shows until its answer is written.
pub(crate) const MAX_LISTS_AT_ONCE: usize = 4;

/// What a server is started with.
#[derive(Clone, Debug)]
pub(crate) struct Config {
    pub(crate) username: String,
    pub(crate) password: String,
    pub(crate) job_duration: Duration,
    pub(crate) token_lifetime_secs: u64,
    pub(crate) max_jobs: usize,
    pub(crate) max_items: usize,
    pub(crate) record_capacity: usize,
    pub(crate) record_bytes: usize,
    pub(crate) record_credentials: bool,
    /// The token every control call needs, if any.
    pub(crate) control_token: Option<String>,
    pub(crate) body_limit: usize,
    pub(crate) inventory: Inventory,
}

/// The state of a server.
#[derive(Debug)]
pub(crate) struct App {
    pub(crate) config: Config,
    pub(crate) clock: Clock,
    jobs: RwLock<JobStore>,
    tokens: Mutex<Tokens>,
    faults: Mutex<Faults>,
    requests: Mutex<RequestLog>,
    inventory: RwLock<Inventory>,
    /// The turns of list calls to build their page ([`MAX_LISTS_AT_ONCE`]).
    pub(crate) lists: std::sync::Arc<tokio::sync::Semaphore>,
}

// A handler that panicked while holding a lock would poison it; the state it guards is
// consistent between statements, so the next request carries on with it.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl App {
    pub(crate) fn new(config: Config) -> Self {
        Self {
            jobs: RwLock::new(JobStore::new(config.max_jobs, config.max_items)),
            tokens: Mutex::new(Tokens::default()),
            faults: Mutex::new(Faults::default()),
            requests: Mutex::new(RequestLog::new(config.record_capacity, config.record_bytes)),
            inventory: RwLock::new(config.inventory.clone()),
            lists: std::sync::Arc::new(tokio::sync::Semaphore::new(MAX_LISTS_AT_ONCE)),
            clock: Clock::default(),
            config,
        }
    }

    pub(crate) fn jobs(&self) -> RwLockReadGuard<'_, JobStore> {
        self.jobs.read().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn jobs_mut(&self) -> RwLockWriteGuard<'_, JobStore> {
        self.jobs.write().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn tokens(&self) -> MutexGuard<'_, Tokens> {
        lock(&self.tokens)
    }

    pub(crate) fn faults(&self) -> MutexGuard<'_, Faults> {
        lock(&self.faults)
    }

    pub(crate) fn requests(&self) -> MutexGuard<'_, RequestLog> {
        lock(&self.requests)
    }

    pub(crate) fn inventory(&self) -> RwLockReadGuard<'_, Inventory> {
        self.inventory.read().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn inventory_mut(&self) -> RwLockWriteGuard<'_, Inventory> {
        self.inventory.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// Back to a fresh server: no job, fault or recorded request; every token revoked; the
    /// system clock; the inventory the server started with.
    pub(crate) fn reset(&self) {
        self.jobs_mut().clear();
        self.tokens().revoke_all();
        self.faults().clear();
        self.requests().clear();
        self.clock.resume();
        *self.inventory_mut() = self.config.inventory.clone();
    }
}
