//! The four calls and the wait, on every endpoint of the catalog, against the mock: typed by
//! the endpoint's family, with the vendor's errors told apart.

mod support;

use std::time::Duration;

use cckm_sync::endpoints::ENDPOINTS;
use cckm_sync::{AwsListSyncJobs, AwsStartJob, CloudFamily, FamilyScope, JobStatus, ListSyncJobs, StartJob, SyncJob};
use cckm_sync_client::{Action, Client, Error, Jobs, WaitOptions};
use cckm_sync_mock::MockServer;
use futures_util::StreamExt as _;
use support::{mock, scripted};

const JOB_DURATION: Duration = Duration::from_secs(10);

/// Reads while waiting as quickly as the tests go.
fn quick_wait() -> WaitOptions {
    WaitOptions::default()
        .interval(Duration::from_millis(1), Duration::from_millis(1))
        .timeout(Duration::from_secs(30))
}

/// On a mock whose clock stands still: a job of every item is started, watched while the
/// clock moves a quarter of the job's duration after each read, and ends completed; a second
/// is cancelled at once and ends cancelled.
async fn start_watch_and_cancel<S>(server: &MockServer, jobs: Jobs<S>)
where
    S: FamilyScope + Send + Sync,
{
    let name = jobs.endpoint().name;
    let started = jobs.start(&StartJob::<S>::all()).await.unwrap();
    assert_eq!(started.overall_status, JobStatus::InProgress, "{name}");
    assert_eq!(started.family(), Some(jobs.endpoint().family), "{name}");
    assert_eq!(jobs.get(started.id).await.unwrap().id, started.id, "{name}");

    let mut watch = jobs.watch(started.id, &quick_wait());
    let mut reads = Vec::new();
    while let Some(job) = watch.next().await {
        let job = job.unwrap();
        reads.push(job.overall_status.status().clone());
        server.advance_clock(JOB_DURATION / 4);
    }
    assert!(reads.len() >= 4, "{name}: {reads:?}");
    assert_eq!(reads.last(), Some(&JobStatus::Completed), "{name}: {reads:?}");
    assert!(
        reads[..reads.len() - 1]
            .iter()
            .all(|status| *status == JobStatus::InProgress)
    );

    let second = jobs.start(&StartJob::<S>::all()).await.unwrap();
    let cancelling = jobs.cancel(second.id).await.unwrap();
    assert!(cancelling.is_cancelling(), "{name}: {cancelling:?}");
    server.advance_clock(JOB_DURATION);
    let ended = jobs.wait(second.id, &quick_wait()).await.unwrap();
    assert!(ended.is_finished() && ended.was_cancelled(), "{name}: {ended:?}");
}

#[tokio::test]
async fn every_endpoint_starts_waits_for_and_cancels_its_jobs_typed_by_its_family() {
    let (server, client) = mock(MockServer::builder().job_duration(JOB_DURATION)).await;
    server.pause_clock();
    start_watch_and_cancel(&server, client.aws_keys()).await;
    start_watch_and_cancel(&server, client.aws_custom_key_stores()).await;
    start_watch_and_cancel(&server, client.azure_keys()).await;
    start_watch_and_cancel(&server, client.azure_certificates()).await;
    start_watch_and_cancel(&server, client.azure_secrets()).await;
    start_watch_and_cancel(&server, client.google()).await;
    start_watch_and_cancel(&server, client.oci()).await;
    start_watch_and_cancel(&server, client.sap()).await;
    start_watch_and_cancel(&server, client.salesforce_keys()).await;
    start_watch_and_cancel(&server, client.salesforce_certificates()).await;
    start_watch_and_cancel(&server, client.dsm()).await;
    start_watch_and_cancel(&server, client.external_cm()).await;
    // Two jobs per endpoint, each on its endpoint's path.
    assert_eq!(server.job_count(), 2 * ENDPOINTS.len());
    for endpoint in &ENDPOINTS {
        let path = endpoint.collection_path();
        let starts = support::requests(&server, "POST", &path)
            .into_iter()
            .filter(|request| request.path == path)
            .count();
        assert_eq!(starts, 2, "{}", endpoint.name);
    }
}

#[tokio::test]
async fn a_typed_handle_reads_its_family_scope() {
    let (server, client) = mock(MockServer::builder().job_duration(JOB_DURATION)).await;
    server.pause_clock();
    let aws = client.aws_keys();
    let job = aws
        .start(
            &AwsStartJob::items(["kms"])
                .unwrap()
                .regions(["us-east-1", "eu-west-1"])
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(job.scope.kms, Some(vec!["kms".to_owned()]));
    assert_eq!(job.scope.regions.as_ref().map(Vec::len), Some(2));

    let page = aws.list(&AwsListSyncJobs::new().kms(["kms"]).unwrap()).await.unwrap();
    assert_eq!((page.total, page.resources.len()), (1, 1));
    assert_eq!(page.resources[0].id, job.id);
    let none = aws.list(&AwsListSyncJobs::new().kms(["other"]).unwrap()).await.unwrap();
    assert_eq!(none.total, 0);
    // The query went out as the model crate writes it.
    let lists = support::requests(&server, "GET", &client.aws_keys().endpoint().collection_path());
    assert_eq!(lists[0].query.as_deref(), Some("kms=kms"));
}

#[tokio::test]
async fn a_handle_chosen_at_run_time_must_be_of_the_endpoints_family() {
    let (server, client) = mock(MockServer::builder().job_duration(JOB_DURATION)).await;
    server.pause_clock();
    for endpoint in ENDPOINTS
        .iter()
        .filter(|endpoint| endpoint.family == CloudFamily::Azure)
    {
        let jobs = client.jobs::<cckm_sync::AzureScope>(endpoint).unwrap();
        let job = jobs.start(&StartJob::all()).await.unwrap();
        assert_eq!(job.family(), Some(CloudFamily::Azure));
    }
    let error = client
        .jobs::<cckm_sync::AzureScope>(cckm_sync::endpoints::find("dsm").unwrap())
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        r#"invalid client configuration: endpoint "dsm" serves Data Security Manager jobs, not Azure jobs"#
    );
}

#[tokio::test]
async fn the_server_saying_no_is_a_status_error_with_the_vendor_error_body() {
    let (server, client) = mock(MockServer::builder().job_duration(JOB_DURATION)).await;
    server.pause_clock();
    let dsm = client.dsm();

    let missing = uuid::Uuid::from_u128(7);
    let error = dsm.get(missing).await.unwrap_err();
    let Error::Status(status) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(status.status, 404);
    assert_eq!(status.request.action(), Action::Get);
    assert_eq!(status.ncerr_name(), Some("NCERRResourceNotFound"));
    let api_error = status.api_error.as_ref().unwrap();
    assert_eq!(api_error.code, Some(16));
    assert!(api_error.request_id.is_some());
    let message = error.to_string();
    assert!(
        message.starts_with(&format!(
            "cannot read the job: GET {}/api/v1/cckm/dsm/refresh/{missing}: 404 Not Found: NCERRResourceNotFound",
            server.base_url()
        )),
        "{message}"
    );

    // A second start while a job runs is refused; so is a cancel of an ended job.
    let job = dsm.start(&StartJob::all()).await.unwrap();
    let refused = dsm.start(&StartJob::all()).await.unwrap_err();
    assert_eq!(refused.status(), Some(409), "{refused}");
    assert_eq!(
        refused.api_error().and_then(|body| body.ncerr_name()),
        Some("NCERRConflict")
    );
    server.advance_clock(JOB_DURATION);
    let ended = dsm.cancel(job.id).await.unwrap_err();
    assert_eq!(ended.status(), Some(409), "{ended}");
    assert!(ended.to_string().starts_with("cannot cancel the job: POST "), "{ended}");
}

#[tokio::test]
async fn a_wait_that_runs_out_returns_the_last_job_read() {
    let (server, client) = mock(MockServer::builder().job_duration(JOB_DURATION)).await;
    server.pause_clock();
    let google = client.google();
    let job = google.start(&StartJob::all()).await.unwrap();
    let options = WaitOptions::default()
        .interval(Duration::from_millis(5), Duration::from_millis(20))
        .timeout(Duration::from_millis(100));
    let error = google.wait(job.id, &options).await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    let Error::WaitTimeout(timeout) = &error else {
        panic!("{error:?}")
    };
    assert_eq!((timeout.id, timeout.endpoint), (job.id, "google"));
    assert!(timeout.waited >= Duration::from_millis(100), "{timeout:?}");
    let last = timeout.last.as_ref().unwrap();
    assert_eq!(last.overall_status, JobStatus::InProgress);
    assert_eq!(last.family(), Some(CloudFamily::Google));
    assert!(
        error
            .to_string()
            .starts_with(&format!("job {} of google is still in_progress after ", job.id)),
        "{error}"
    );
    // Read at once, then until the time was up.
    assert!(support::requests(&server, "GET", &job.id.to_string()).len() >= 2);
}

#[tokio::test]
async fn a_wait_is_an_upper_bound_even_when_a_read_stalls() {
    let (server, client) = mock(MockServer::builder().job_duration(JOB_DURATION)).await;
    server.pause_clock();
    let aws = client.aws_keys();
    let job = aws.start(&AwsStartJob::items(["kms"]).unwrap()).await.unwrap();
    // Every read stalls 15 s, as a server that hangs; the wait allows 300 ms.
    server
        .inject(
            cckm_sync_mock::Fault::stall(Duration::from_secs(15))
                .on(cckm_sync_mock::Call::Get)
                .times(10),
        )
        .unwrap();
    let options = WaitOptions::default().timeout(Duration::from_millis(300));
    let error = aws.wait(job.id, &options).await.unwrap_err();
    let Error::WaitTimeout(timeout) = &error else {
        panic!("{error:?}")
    };
    // The first read was cut at the deadline: no job was read at all.
    assert!(timeout.last.is_none(), "{timeout:?}");
    assert!(error.is_timeout());
    assert_eq!(error.last_job().map(|job| job.id), None);
    assert!(
        error.to_string().starts_with(&format!(
            "job {} of aws-keys: no read of it ended within the wait of ",
            job.id
        )),
        "{error}"
    );
}

#[tokio::test]
async fn a_body_that_is_not_the_calls_answer_is_an_error_naming_the_json_path() {
    let server = scripted(|_, _| {
        (
            200,
            r#"{"skip": 0, "limit": 10, "total": 1, "resources": [{"id": "not-a-uuid"}]}"#.to_owned(),
        )
    })
    .await;
    let client = Client::builder(&server.url).token("jwt").build().unwrap();
    let error = client.oci().list(&ListSyncJobs::new()).await.unwrap_err();
    let Error::Body(body) = &error else { panic!("{error:?}") };
    assert_eq!(body.source.path(), "/resources/0/id");
    assert_eq!(body.status, 200);
    assert!(
        error
            .to_string()
            .contains("unexpected answer (200): /resources/0/id: invalid UUID"),
        "{error}"
    );
}

#[tokio::test]
async fn an_error_answer_without_a_vendor_body_keeps_an_excerpt_of_it() {
    let server = scripted(|_, _| (502, "<html><body>\n  Bad gateway\n</body></html>".to_owned())).await;
    let client = Client::builder(&server.url)
        .token("jwt")
        .retry(cckm_sync_client::RetryPolicy::none())
        .build()
        .unwrap();
    let error = client.sap().get(uuid::Uuid::from_u128(1)).await.unwrap_err();
    let Error::Status(status) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(status.api_error, None);
    assert_eq!(
        status.body_excerpt.as_deref(),
        Some("<html><body> Bad gateway </body></html>")
    );
    assert!(
        error
            .to_string()
            .ends_with("502 Bad Gateway: <html><body> Bad gateway </body></html>"),
        "{error}"
    );
}

#[tokio::test]
async fn a_wait_on_an_ended_job_returns_it_after_one_read() {
    let (server, client) = mock(MockServer::builder().job_duration(JOB_DURATION)).await;
    server.pause_clock();
    let sap = client.sap();
    let job = sap.start(&StartJob::all()).await.unwrap();
    server.advance_clock(JOB_DURATION);
    let ended: SyncJob<cckm_sync::SapScope> = sap.wait(job.id, &WaitOptions::default()).await.unwrap();
    assert_eq!(ended.overall_status, JobStatus::Completed);
    assert_eq!(support::requests(&server, "GET", &job.id.to_string()).len(), 1);
}

#[tokio::test]
async fn a_handle_named_at_run_time_returns_jobs_of_any_family_and_checks_its_query() {
    let (server, client) = mock(MockServer::builder().job_duration(JOB_DURATION)).await;
    server.pause_clock();
    let google = client.jobs_named("google").unwrap();
    let job = google.start_all().await.unwrap();
    assert_eq!(job.family(), Some(CloudFamily::Google));
    server.advance_clock(JOB_DURATION);
    let ended = google.wait(job.id, &quick_wait()).await.unwrap();
    assert!(ended.succeeded(), "{:?}", ended.outcome());
    let all = google.list_all("").unwrap().collect_all().await.unwrap();
    assert_eq!(all.len(), 1);
    // The query is the family's: Google jobs are not filtered by kms.
    let error = google.list("kms=kms").await.unwrap_err();
    assert!(error.to_string().starts_with("cannot list jobs: "), "{error}");
    let error = client.jobs_named("aws").unwrap_err();
    assert!(
        error
            .to_string()
            .contains("no endpoint is named \"aws\": the catalog's are aws-keys, "),
        "{error}"
    );
}
