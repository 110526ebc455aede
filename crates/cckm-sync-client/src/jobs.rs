//! The handle of one endpoint of the catalog: its list, start, get and cancel calls, and the
//! paging and waiting built on them.

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use cckm_sync::endpoints::{ENDPOINTS, Endpoint};
use cckm_sync::{
    AwsScope, AzureScope, CloudFamily, DsmScope, ExternalCmScope, FamilyScope, GoogleScope, Limit, ListSyncJobs,
    OciScope, Page, SalesforceScope, SapScope, StartJob, SyncJob,
};
use futures_core::Stream;
use tokio::time::Instant;
use uuid::Uuid;

use crate::client::Client;
use crate::error::{Action, Error, WaitTimeout};

/// The jobs of one endpoint of the catalog, typed by its family's scope `S`: every call
/// returns that family's job type ([`AwsSyncJob`](cckm_sync::AwsSyncJob) for
/// [`Client::aws_keys`], …). Cheap to clone.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use cckm_sync::{AwsStartJob, JobStatus};
/// use cckm_sync_client::{Client, WaitOptions};
/// use cckm_sync_mock::MockServer;
///
/// // Arrange: a mock CipherTrust Manager whose jobs run for 50 ms.
/// let server = MockServer::builder().job_duration(Duration::from_millis(50)).start()?;
/// let (username, password) = server.credentials();
/// let client = Client::builder(server.base_url()).credentials(username, password).build()?;
///
/// // Act: start a job of two KMS resources, and wait for it.
/// let aws = client.aws_keys();
/// let started = aws.start(&AwsStartJob::items(["kms", "kms-prod"])?).await?;
/// let ended = aws.wait(started.id, &WaitOptions::default()).await?;
///
/// // Assert
/// assert_eq!(ended.overall_status, JobStatus::Completed);
/// assert_eq!(ended.scope.kms.as_deref().map(<[String]>::len), Some(2));
/// # Ok(())
/// # }
/// ```
pub struct Jobs<S> {
    client: Client,
    endpoint: &'static Endpoint,
    family: PhantomData<fn() -> S>,
}

impl<S> Clone for Jobs<S> {
    fn clone(&self) -> Self {
        Self {
            client: self.client.clone(),
            endpoint: self.endpoint,
            family: PhantomData,
        }
    }
}

impl<S> fmt::Debug for Jobs<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Jobs")
            .field("endpoint", &self.endpoint.name)
            .field("base_url", &self.client.base_url())
            .finish()
    }
}

/// How many jobs [`Jobs::list_all`] asks for per page when its query sets no `limit`.
pub const DEFAULT_PAGE_SIZE: u32 = 100;

impl<S> Jobs<S>
where
    S: FamilyScope + Send + Sync,
{
    /// The endpoint of the catalog these jobs belong to.
    pub fn endpoint(&self) -> &'static Endpoint {
        self.endpoint
    }

    /// One page of jobs: those `query` selects, from its `skip`, at most its `limit` (the
    /// server's default is 10).
    pub async fn list(&self, query: &ListSyncJobs<S>) -> Result<Page<SyncJob<S>>, Error> {
        let path = query.url_path(self.endpoint).map_err(|error| Error::InvalidRequest {
            action: Action::List,
            reason: error.to_string(),
        })?;
        self.client.call(Action::List, path, None).await?.parse()
    }

    /// Every job `query` selects, page after page, as a stream; see [`JobStream`].
    ///
    /// Pages hold the query's `limit`, or [`DEFAULT_PAGE_SIZE`] jobs, and start at its `skip`
    /// (or 0). Paging goes on until a page reaches the `total` of its answer, or is empty (a
    /// page with `"resources": null` is empty). Each page's `total` counts, so jobs added
    /// while paging are listed too. A job is listed once, even when jobs started meanwhile
    /// shift the pages (lists are newest first by default) so that it shows on two pages: the
    /// stream keeps the id of every job it gave (16 bytes each), and one page of jobs.
    pub fn list_all(&self, query: &ListSyncJobs<S>) -> JobStream<S> {
        let page_size = query.get_limit().unwrap_or(Limit::Count(
            std::num::NonZeroU32::new(DEFAULT_PAGE_SIZE).unwrap_or(std::num::NonZeroU32::MIN),
        ));
        let state = Paging {
            jobs: self.clone(),
            next_skip: Some(query.get_skip().unwrap_or(0)),
            query: query.clone().limit(page_size),
            buffer: VecDeque::new(),
            seen: HashSet::new(),
        };
        JobStream {
            inner: Box::pin(futures_util::stream::unfold(state, Paging::next)),
        }
    }

    /// The job `id`.
    pub async fn get(&self, id: Uuid) -> Result<SyncJob<S>, Error> {
        self.client
            .call(Action::Get, self.endpoint.job_path(id), None)
            .await?
            .parse()
    }

    /// Starts a job; returns it as the server created it. Never sent twice, unless the
    /// connection could not be made (see [`RetryPolicy`](crate::RetryPolicy)); a start that
    /// fails may have started a job: list the running jobs to know.
    pub async fn start(&self, request: &StartJob<S>) -> Result<SyncJob<S>, Error> {
        let body = serde_json::to_vec(request).map_err(|error| Error::InvalidRequest {
            action: Action::Start,
            reason: error.to_string(),
        })?;
        self.client
            .call(Action::Start, self.endpoint.collection_path(), Some(body))
            .await?
            .parse()
    }

    /// Cancels the running job `id`: the server sets `abort` at once and the job winds down.
    /// Never sent twice, as [`start`](Self::start).
    pub async fn cancel(&self, id: Uuid) -> Result<SyncJob<S>, Error> {
        self.client
            .call(Action::Cancel, self.endpoint.cancel_path(id), None)
            .await?
            .parse()
    }

    /// Reads job `id` until it has ended, waiting longer between reads (see [`WaitOptions`]);
    /// returns the ended job. Fails with [`Error::WaitTimeout`], which carries the job as last
    /// read, if it has not ended within the options' maximum.
    pub async fn wait(&self, id: Uuid, options: &WaitOptions) -> Result<SyncJob<S>, Error> {
        use futures_util::StreamExt as _;
        let mut watch = self.watch(id, options);
        let mut last = None;
        while let Some(job) = watch.next().await {
            last = Some(job?);
        }
        // The stream ends after an ended job, or after an error.
        last.ok_or_else(|| Error::InvalidRequest {
            action: Action::Get,
            reason: "the wait read no job".to_owned(),
        })
    }

    /// Job `id` each time it is read while waiting for it to end, as [`wait`](Self::wait)
    /// reads it: the first read at once, the last the ended job (or an
    /// [`Error::WaitTimeout`]). For progress displays.
    pub fn watch(&self, id: Uuid, options: &WaitOptions) -> JobWatch<S> {
        let now = Instant::now();
        let state = Watching {
            jobs: self.clone(),
            id,
            options: options.clone(),
            started: now,
            deadline: now.checked_add(options.timeout),
            next_delay: options.initial_interval,
            first: true,
            done: false,
            last: None,
        };
        JobWatch {
            inner: Box::pin(futures_util::stream::unfold(state, Watching::next)),
        }
    }
}

impl Client {
    /// The jobs of `endpoint`, typed by `S`; fails if `endpoint` is not of the family of `S`.
    /// For code that picks an endpoint at run time, such as from its
    /// [`name`](Endpoint::name):
    ///
    /// ```
    /// use cckm_sync::{AzureScope, endpoints};
    /// use cckm_sync_client::Client;
    ///
    /// let client = Client::builder("https://cm.example").token("jwt").build()?;
    /// let secrets = client.jobs::<AzureScope>(endpoints::find("azure-secrets").unwrap())?;
    /// assert_eq!(secrets.endpoint().path, "/cckm/azure/secrets/synchronization-jobs");
    /// assert!(client.jobs::<AzureScope>(endpoints::find("google").unwrap()).is_err());
    /// # Ok::<(), cckm_sync_client::Error>(())
    /// ```
    pub fn jobs<S: FamilyScope>(&self, endpoint: &'static Endpoint) -> Result<Jobs<S>, Error> {
        if endpoint.family != S::FAMILY_ID {
            return Err(Error::Config(format!(
                "endpoint {:?} serves {} jobs, not {} jobs",
                endpoint.name,
                endpoint.family,
                S::FAMILY_ID
            )));
        }
        Ok(self.handle(endpoint))
    }

    fn handle<S>(&self, endpoint: &'static Endpoint) -> Jobs<S> {
        Jobs {
            client: self.clone(),
            endpoint,
            family: PhantomData,
        }
    }
}

/// Two byte strings are equal: `==` is not a `const fn`.
const fn same(a: &[u8], b: &[u8]) -> bool {
    match (a.split_first(), b.split_first()) {
        (Some((x, a)), Some((y, b))) => *x == *y && same(a, b),
        (None, None) => true,
        _ => false,
    }
}

/// The endpoint of `endpoints` named `name`, in a `const fn` so that the handle methods find
/// theirs when compiling.
const fn find(endpoints: &'static [Endpoint], name: &str) -> Option<&'static Endpoint> {
    match endpoints.split_first() {
        Some((first, _)) if same(first.name.as_bytes(), name.as_bytes()) => Some(first),
        Some((_, rest)) => find(rest, name),
        None => None,
    }
}

/// The endpoint of the catalog named `name`. Called in constants only: a name the catalog
/// lacks fails the build.
#[allow(clippy::panic, reason = "evaluated when compiling: a panic is a build error")]
const fn named(name: &str) -> &'static Endpoint {
    match find(&ENDPOINTS, name) {
        Some(endpoint) => endpoint,
        None => panic!("the endpoint catalog has no endpoint of this name"),
    }
}

macro_rules! endpoint_handles {
    ($( $(#[$meta:meta])* $method:ident => $name:literal, $scope:ident, $family:ident; )+) => {
        // Checked when compiling: each endpoint exists, and is of the family of its handle's
        // scope.
        $(
            const _: () = assert!(
                matches!(named($name).family, CloudFamily::$family)
                    && matches!(<$scope as FamilyScope>::FAMILY_ID, CloudFamily::$family),
                concat!("the endpoint ", $name, " is not of the family of the scope ", stringify!($scope))
            );
        )+

        impl Client {
            $(
                $(#[$meta])*
                #[doc = concat!("\n\nThe endpoint `", $name, "` of the catalog.")]
                pub fn $method(&self) -> Jobs<$scope> {
                    const ENDPOINT: &Endpoint = named($name);
                    self.handle(ENDPOINT)
                }
            )+
        }

        /// The name of every endpoint that has a handle method, for the test that each
        /// endpoint of the catalog has one.
        #[cfg(test)]
        pub(crate) const HANDLES: &[&str] = &[$($name),+];
    };
}

endpoint_handles! {
    /// The synchronization jobs of AWS keys.
    aws_keys => "aws-keys", AwsScope, Aws;
    /// The synchronization jobs of AWS custom key stores.
    aws_custom_key_stores => "aws-custom-key-stores", AwsScope, Aws;
    /// The synchronization jobs of Azure keys.
    azure_keys => "azure-keys", AzureScope, Azure;
    /// The synchronization jobs of Azure certificates.
    azure_certificates => "azure-certificates", AzureScope, Azure;
    /// The synchronization jobs of Azure secrets.
    azure_secrets => "azure-secrets", AzureScope, Azure;
    /// The synchronization jobs of Google Cloud key rings.
    google => "google", GoogleScope, Google;
    /// The synchronization jobs of Oracle Cloud Infrastructure vaults.
    oci => "oci", OciScope, Oci;
    /// The synchronization jobs of SAP Data Custodian groups.
    sap => "sap", SapScope, Sap;
    /// The synchronization jobs of Salesforce keys.
    salesforce_keys => "salesforce-keys", SalesforceScope, Salesforce;
    /// The synchronization jobs of Salesforce certificates.
    salesforce_certificates => "salesforce-certificates", SalesforceScope, Salesforce;
    /// The refresh jobs of Data Security Manager domains.
    dsm => "dsm", DsmScope, Dsm;
    /// The refresh jobs of external CipherTrust Manager domains.
    external_cm => "external-cm", ExternalCmScope, ExternalCm;
}

/// Every job of a list, across its pages: a [`Stream`] of jobs, from [`Jobs::list_all`].
///
/// Ends after the last job, or after the first error (a page that could not be read). With
/// `futures::TryStreamExt` (or `futures_util`'s), `try_next` and `try_collect` apply;
/// [`collect_all`](Self::collect_all) needs no import.
#[must_use = "a stream does nothing unless polled"]
pub struct JobStream<S> {
    inner: Pin<Box<dyn Stream<Item = Result<SyncJob<S>, Error>> + Send>>,
}

impl<S> JobStream<S> {
    pub(crate) fn new(stream: impl Stream<Item = Result<SyncJob<S>, Error>> + Send + 'static) -> Self {
        Self {
            inner: Box::pin(stream),
        }
    }

    /// Every job, or the first error.
    pub async fn collect_all(mut self) -> Result<Vec<SyncJob<S>>, Error> {
        use futures_util::StreamExt as _;
        let mut jobs = Vec::new();
        while let Some(job) = self.inner.next().await {
            jobs.push(job?);
        }
        Ok(jobs)
    }
}

impl<S> Stream for JobStream<S> {
    type Item = Result<SyncJob<S>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(context)
    }
}

impl<S> fmt::Debug for JobStream<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JobStream").finish_non_exhaustive()
    }
}

/// Where [`Jobs::list_all`] is.
struct Paging<S: FamilyScope> {
    jobs: Jobs<S>,
    query: ListSyncJobs<S>,
    /// The `skip` of the next page; `None` after the last page or an error.
    next_skip: Option<u64>,
    /// The jobs of the last page not yet given out.
    buffer: VecDeque<SyncJob<S>>,
    /// The ids given out, so that a job a shift of the pages shows twice is given once.
    seen: HashSet<Uuid>,
}

impl<S> Paging<S>
where
    S: FamilyScope + Send + Sync,
{
    async fn next(mut self) -> Option<(Result<SyncJob<S>, Error>, Self)> {
        loop {
            if let Some(job) = self.buffer.pop_front() {
                return Some((Ok(job), self));
            }
            let skip = self.next_skip.take()?;
            let page = match self.jobs.list(&self.query.clone().skip(skip)).await {
                Ok(page) => page,
                Err(error) => return Some((Err(error), self)),
            };
            let received = u64::try_from(page.resources.len()).unwrap_or(u64::MAX);
            // Counted from what arrived rather than the limit asked for, so that a server that
            // sends less than asked is paged through without a gap; an empty page ends it.
            self.next_skip = skip
                .checked_add(received)
                .filter(|&next| received > 0 && next < page.total);
            tracing::debug!(
                endpoint = self.jobs.endpoint.name,
                skip,
                received,
                total = page.total,
                "page"
            );
            let seen = &mut self.seen;
            self.buffer
                .extend(page.resources.into_iter().filter(|job| seen.insert(job.id)));
        }
    }
}

/// How [`Jobs::wait`] reads a job until it ends: the first read at once, then after
/// `initial_interval`, doubling up to `max_interval`, for at most `timeout`.
///
/// ```
/// use std::time::Duration;
/// use cckm_sync_client::WaitOptions;
///
/// let options = WaitOptions::default().timeout(Duration::from_secs(600));
/// assert_eq!(options.get_timeout(), Duration::from_secs(600));
/// assert_eq!(WaitOptions::default().get_timeout(), Duration::from_secs(30 * 60));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaitOptions {
    initial_interval: Duration,
    max_interval: Duration,
    timeout: Duration,
}

impl Default for WaitOptions {
    /// Reads after 500 ms, then doubling up to every 5 s, for at most 30 minutes.
    fn default() -> Self {
        Self {
            initial_interval: Duration::from_millis(500),
            max_interval: Duration::from_secs(5),
            timeout: Duration::from_secs(30 * 60),
        }
    }
}

impl WaitOptions {
    /// The time between the first two reads, and the longest time between two reads.
    pub fn interval(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_interval = initial;
        self.max_interval = max.max(initial);
        self
    }

    /// The longest wait: an upper bound of the whole wait, reads included. A read still in
    /// flight when it is over (a server that stalls, a retry waiting out its backoff) is cut,
    /// and the wait ends with [`Error::WaitTimeout`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The longest wait.
    pub fn get_timeout(&self) -> Duration {
        self.timeout
    }
}

/// Job `id` each time it is read while waiting for it to end: a [`Stream`], from
/// [`Jobs::watch`]. Ends after the ended job, or after an error ([`Error::WaitTimeout`] when
/// the wait is over).
#[must_use = "a stream does nothing unless polled"]
pub struct JobWatch<S> {
    inner: Pin<Box<dyn Stream<Item = Result<SyncJob<S>, Error>> + Send>>,
}

impl<S> JobWatch<S> {
    pub(crate) fn new(stream: impl Stream<Item = Result<SyncJob<S>, Error>> + Send + 'static) -> Self {
        Self {
            inner: Box::pin(stream),
        }
    }
}

impl<S> Stream for JobWatch<S> {
    type Item = Result<SyncJob<S>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(context)
    }
}

impl<S> fmt::Debug for JobWatch<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JobWatch").finish_non_exhaustive()
    }
}

struct Watching<S> {
    jobs: Jobs<S>,
    id: Uuid,
    options: WaitOptions,
    started: Instant,
    /// `None`: a timeout past what the clock can count, so no deadline.
    deadline: Option<Instant>,
    next_delay: Duration,
    first: bool,
    done: bool,
    /// The job as last read, for the error of a wait that runs out.
    last: Option<SyncJob<S>>,
}

impl<S> Watching<S>
where
    S: FamilyScope + Send + Sync,
{
    async fn next(mut self) -> Option<(Result<SyncJob<S>, Error>, Self)> {
        if self.done {
            return None;
        }
        if !self.first {
            let left = self
                .deadline
                .map(|deadline| deadline.saturating_duration_since(Instant::now()));
            let delay = left.map_or(self.next_delay, |left| self.next_delay.min(left));
            tokio::time::sleep(delay).await;
            self.next_delay = (self.next_delay * 2).min(self.options.max_interval);
        }
        self.first = false;
        // The deadline bounds the read too: a read in flight when it passes is dropped, which
        // closes its connection.
        let jobs = self.jobs.clone();
        let read = jobs.get(self.id);
        let read = match self.deadline {
            Some(deadline) if Instant::now() >= deadline => None,
            Some(deadline) => tokio::time::timeout_at(deadline, read).await.ok(),
            None => Some(read.await),
        };
        let job = match read {
            Some(Ok(job)) => job,
            Some(Err(error)) => {
                self.done = true;
                return Some((Err(error), self));
            }
            None => {
                self.done = true;
                let timeout = WaitTimeout {
                    endpoint: self.jobs.endpoint.name,
                    id: self.id,
                    waited: self.started.elapsed(),
                    last: self.last.take().map(SyncJob::into_any),
                };
                return Some((Err(Error::WaitTimeout(Box::new(timeout))), self));
            }
        };
        if job.is_finished() {
            self.done = true;
        } else {
            self.last = Some(job.clone());
        }
        Some((Ok(job), self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_endpoint_of_the_catalog_has_a_handle_method() {
        let names: Vec<&str> = ENDPOINTS.iter().map(|endpoint| endpoint.name).collect();
        assert_eq!(HANDLES, names);
    }
}
