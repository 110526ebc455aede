//! The handle of an endpoint chosen at run time, by its name in the catalog: every call
//! returns jobs of any family ([`SyncJob`]), for programs that do not know the family when
//! compiled (a command line, a configuration file).

use std::future::Future;
use std::pin::Pin;

use cckm_sync::endpoints::Endpoint;
use cckm_sync::{AnyScope, FamilyScope, FamilyVisitor, ListSyncJobs, Page, StartJob, SyncJob};
use futures_util::StreamExt as _;
use uuid::Uuid;

use crate::client::Client;
use crate::error::{Action, Error};
use crate::jobs::{JobStream, JobWatch, Jobs, WaitOptions};

/// The jobs of an endpoint named at run time: [`Client::jobs_named`]. Each call is the typed
/// handle's ([`Jobs`]) of the endpoint's family, its jobs given as [`SyncJob`] (of any family:
/// [`SyncJob::into_family`] gives the family's type back). Cheap to clone.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use cckm_sync_client::{Client, WaitOptions};
/// use cckm_sync_mock::MockServer;
///
/// // Arrange: a mock whose jobs run for 50 ms, and an endpoint named in a configuration.
/// let server = MockServer::builder().job_duration(Duration::from_millis(50)).start()?;
/// let (username, password) = server.credentials();
/// let client = Client::builder(server.base_url()).credentials(username, password).build()?;
/// let name = "azure-secrets";
///
/// // Act
/// let jobs = client.jobs_named(name)?;
/// let started = jobs.start_items(["kv-prod::f0e1d2c3-b4a5-9687-7869-5a4b3c2d1e0f"]).await?;
/// let ended = jobs.wait(started.id, &WaitOptions::default()).await?;
///
/// // Assert: the judgement of the model crate says whether every item succeeded.
/// assert!(ended.succeeded(), "{:?}", ended.outcome());
/// assert_eq!(jobs.list("overall_status=completed").await?.total, 1);
/// assert!(client.jobs_named("aws").is_err());
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct AnyJobs {
    client: Client,
    endpoint: &'static Endpoint,
}

type Boxed<T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send>>;

impl Client {
    /// The jobs of the endpoint of the catalog named `name` (`aws-keys`, `azure-secrets`,
    /// `google`, …), of whatever family it serves; fails with [`Error::Config`], which lists
    /// the names, for a name the catalog lacks.
    pub fn jobs_named(&self, name: &str) -> Result<AnyJobs, Error> {
        let endpoint = cckm_sync::endpoints::find(name).ok_or_else(|| {
            let names: Vec<&str> = cckm_sync::endpoints::ENDPOINTS
                .iter()
                .map(|endpoint| endpoint.name)
                .collect();
            Error::Config(format!(
                "no endpoint is named {name:?}: the catalog's are {}",
                names.join(", ")
            ))
        })?;
        Ok(AnyJobs {
            client: self.clone(),
            endpoint,
        })
    }
}

impl AnyJobs {
    /// The endpoint of the catalog these jobs belong to.
    pub fn endpoint(&self) -> &'static Endpoint {
        self.endpoint
    }

    /// Runs `op` with the typed handle of the endpoint's family.
    fn typed<T>(&self, op: impl Op<Output = T>) -> T {
        struct Visit<O> {
            client: Client,
            endpoint: &'static Endpoint,
            op: O,
        }
        impl<O: Op> FamilyVisitor for Visit<O> {
            type Output = O::Output;
            fn visit<S: FamilyScope>(self) -> O::Output {
                // The endpoint is of its own family: `jobs` cannot fail here.
                match self.client.jobs::<S>(self.endpoint) {
                    Ok(jobs) => self.op.run(jobs),
                    Err(error) => O::fail(error),
                }
            }
        }
        self.endpoint.family.visit(Visit {
            client: self.client.clone(),
            endpoint: self.endpoint,
            op,
        })
    }

    /// One page of jobs: those the query string `query` selects (`""` for the server's first
    /// page; `overall_status=completed&limit=50`, …, as the family's
    /// [`ListSyncJobs::from_query_str`] reads it).
    pub async fn list(&self, query: &str) -> Result<Page<SyncJob>, Error> {
        self.typed(List(query.to_owned())).await
    }

    /// Every job the query string `query` selects, page after page; see
    /// [`Jobs::list_all`].
    pub fn list_all(&self, query: &str) -> Result<JobStream<AnyScope>, Error> {
        self.typed(ListAll(query.to_owned()))
    }

    /// The job `id`.
    pub async fn get(&self, id: Uuid) -> Result<SyncJob, Error> {
        self.client
            .call(Action::Get, self.endpoint.job_path(id), None)
            .await?
            .parse()
    }

    /// Starts a job of these items (the family's start list: KMS names for AWS, key vaults for
    /// Azure, …); see [`Jobs::start`].
    pub async fn start_items<I>(&self, items: I) -> Result<SyncJob, Error>
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        let items: Vec<String> = items.into_iter().map(Into::into).collect();
        self.typed(Start(Some(items))).await
    }

    /// Starts a job of every item (`synchronize_all`); see [`Jobs::start`].
    pub async fn start_all(&self) -> Result<SyncJob, Error> {
        self.typed(Start(None)).await
    }

    /// Cancels the running job `id`; see [`Jobs::cancel`].
    pub async fn cancel(&self, id: Uuid) -> Result<SyncJob, Error> {
        self.client
            .call(Action::Cancel, self.endpoint.cancel_path(id), None)
            .await?
            .parse()
    }

    /// Reads job `id` until it has ended; see [`Jobs::wait`].
    pub async fn wait(&self, id: Uuid, options: &WaitOptions) -> Result<SyncJob, Error> {
        self.typed(Wait(id, options.clone())).await
    }

    /// Job `id` each time it is read while waiting for it to end; see [`Jobs::watch`].
    pub fn watch(&self, id: Uuid, options: &WaitOptions) -> JobWatch<AnyScope> {
        self.typed(Watch(id, options.clone()))
    }
}

/// One operation of [`AnyJobs`], run with the typed handle of a family.
trait Op {
    type Output;
    fn run<S: FamilyScope>(self, jobs: Jobs<S>) -> Self::Output;
    fn fail(error: Error) -> Self::Output;
}

fn query<S: FamilyScope>(query: &str) -> Result<ListSyncJobs<S>, Error> {
    ListSyncJobs::<S>::from_query_str(query).map_err(|error| Error::InvalidRequest {
        action: Action::List,
        reason: error.to_string(),
    })
}

struct List(String);

impl Op for List {
    type Output = Boxed<Page<SyncJob>>;
    fn run<S: FamilyScope>(self, jobs: Jobs<S>) -> Self::Output {
        Box::pin(async move { Ok(jobs.list(&query::<S>(&self.0)?).await?.map(SyncJob::into_any)) })
    }
    fn fail(error: Error) -> Self::Output {
        Box::pin(async move { Err(error) })
    }
}

struct ListAll(String);

impl Op for ListAll {
    type Output = Result<JobStream<AnyScope>, Error>;
    fn run<S: FamilyScope>(self, jobs: Jobs<S>) -> Self::Output {
        let stream = jobs.list_all(&query::<S>(&self.0)?);
        Ok(JobStream::new(stream.map(|job| job.map(SyncJob::into_any))))
    }
    fn fail(error: Error) -> Self::Output {
        Err(error)
    }
}

struct Start(Option<Vec<String>>);

impl Op for Start {
    type Output = Boxed<SyncJob>;
    fn run<S: FamilyScope>(self, jobs: Jobs<S>) -> Self::Output {
        Box::pin(async move {
            let request = match self.0 {
                None => StartJob::<S>::all(),
                Some(items) => StartJob::<S>::items(items).map_err(|error| Error::InvalidRequest {
                    action: Action::Start,
                    reason: error.to_string(),
                })?,
            };
            Ok(jobs.start(&request).await?.into_any())
        })
    }
    fn fail(error: Error) -> Self::Output {
        Box::pin(async move { Err(error) })
    }
}

struct Wait(Uuid, WaitOptions);

impl Op for Wait {
    type Output = Boxed<SyncJob>;
    fn run<S: FamilyScope>(self, jobs: Jobs<S>) -> Self::Output {
        Box::pin(async move { Ok(jobs.wait(self.0, &self.1).await?.into_any()) })
    }
    fn fail(error: Error) -> Self::Output {
        Box::pin(async move { Err(error) })
    }
}

struct Watch(Uuid, WaitOptions);

impl Op for Watch {
    type Output = JobWatch<AnyScope>;
    fn run<S: FamilyScope>(self, jobs: Jobs<S>) -> Self::Output {
        JobWatch::new(jobs.watch(self.0, &self.1).map(|job| job.map(SyncJob::into_any)))
    }
    fn fail(error: Error) -> Self::Output {
        JobWatch::new(futures_util::stream::once(async move { Err(error) }))
    }
}
