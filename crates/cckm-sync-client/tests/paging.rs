//! `list_all`: every job once, across pages, whatever the pages look like.

mod support;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use cckm_sync::{AwsListSyncJobs, AwsSyncJob, Limit, OciListSyncJobs, Page, Sort};
use cckm_sync_client::{Client, DEFAULT_PAGE_SIZE};
use cckm_sync_mock::MockServer;
use futures_util::{StreamExt as _, TryStreamExt as _};
use support::{load_aws_jobs, mock, query_value, scripted};

#[tokio::test]
async fn list_all_gives_a_thousand_jobs_once_each_in_pages_of_the_default_size() {
    let (server, client) = mock(MockServer::builder()).await;
    load_aws_jobs(&server, 1000);

    let jobs = client
        .aws_keys()
        .list_all(&AwsListSyncJobs::new())
        .collect_all()
        .await
        .unwrap();

    assert_eq!(jobs.len(), 1000);
    let ids: HashSet<_> = jobs.iter().map(|job| job.id).collect();
    assert_eq!(ids.len(), 1000);
    // Newest first, the server's default order, kept across pages.
    assert!(jobs.windows(2).all(|pair| pair[0].created_at > pair[1].created_at));
    let lists = support::requests(&server, "GET", "/synchronization-jobs");
    let skips: Vec<_> = lists.iter().map(|request| request.query.clone().unwrap()).collect();
    let expected: Vec<_> = (0..10)
        .map(|page| format!("skip={}&limit={DEFAULT_PAGE_SIZE}", page * 100))
        .collect();
    assert_eq!(skips, expected);
    assert_eq!(support::grants(&server), ["password"]);
}

#[tokio::test]
async fn list_all_keeps_the_query_and_pages_by_its_limit_from_its_skip() {
    let (server, client) = mock(MockServer::builder()).await;
    load_aws_jobs(&server, 1000);
    let query = AwsListSyncJobs::new()
        .sort(Sort::parse("createdAt").unwrap())
        .unwrap()
        .skip(990)
        .limit(Limit::new(3).unwrap());

    let jobs: Vec<AwsSyncJob> = client.aws_keys().list_all(&query).try_collect().await.unwrap();

    let kms: Vec<_> = jobs
        .iter()
        .map(|job| job.scope.kms.as_ref().unwrap()[0].clone())
        .collect();
    let expected: Vec<_> = (990..1000).map(|index| format!("kms-{index}")).collect();
    assert_eq!(kms, expected);
    let queries: Vec<_> = support::requests(&server, "GET", "/synchronization-jobs")
        .into_iter()
        .map(|request| request.query.unwrap())
        .collect();
    assert_eq!(
        queries,
        [
            "skip=990&limit=3&sort=createdAt",
            "skip=993&limit=3&sort=createdAt",
            "skip=996&limit=3&sort=createdAt",
            "skip=999&limit=3&sort=createdAt"
        ]
    );
}

#[tokio::test]
async fn a_token_that_expires_in_the_middle_of_a_list_is_refreshed_and_the_list_goes_on() {
    let (server, client) = mock(MockServer::builder().token_lifetime(Duration::from_secs(300))).await;
    load_aws_jobs(&server, 1000);
    server.pause_clock();
    let mut jobs = client.aws_keys().list_all(&AwsListSyncJobs::new());

    let mut ids = HashSet::new();
    for _ in 0..250 {
        ids.insert(jobs.next().await.unwrap().unwrap().id);
    }
    // Three pages read; the token expires on the server's clock (the client's has not moved,
    // so only the server's 401 can tell it).
    server.advance_clock(Duration::from_secs(301));
    while let Some(job) = jobs.try_next().await.unwrap() {
        assert!(ids.insert(job.id), "{} twice", job.id);
    }

    assert_eq!(ids.len(), 1000);
    assert_eq!(support::grants(&server), ["password", "refresh_token"]);
    let statuses: Vec<u16> = support::requests(&server, "GET", "/synchronization-jobs")
        .iter()
        .map(|request| request.status)
        .collect();
    assert_eq!(statuses, [200, 200, 200, 401, 200, 200, 200, 200, 200, 200, 200]);
}

/// A list whose pages are scripted: `pages[n]` answers the request with `skip` the `n`th
/// skip asked, and each request is checked to ask for the skip that follows the jobs received.
fn job_json(n: u128) -> serde_json::Value {
    let id = uuid::Uuid::from_u128(0x6070_915c_0ab4_4e7e_bf4d_0000_0000_0000 + n);
    serde_json::json!({
        "id": id, "uri": format!("kylo:kylo:cckm:synchronize:{id}"), "account": "kylo:kylo:admin:accounts:kylo",
        "application": "ncryptify:gemalto:admin:apps:kylo", "devAccount": "ncryptify:gemalto:admin:accounts:gemalto",
        "createdAt": "2021-03-03T09:22:15.05611Z", "updatedAt": "2021-03-03T09:22:15.636481Z",
        "completed_at": "2021-03-03T09:22:15.636481Z", "overall_status": "completed",
        "cloud": "oci", "vaults": [format!("vault-{n}")], "abort": false
    })
}

fn page_json(skip: u64, total: u64, jobs: Option<Vec<u128>>) -> String {
    let resources = jobs.map(|jobs| jobs.into_iter().map(job_json).collect::<Vec<_>>());
    serde_json::json!({"skip": skip, "limit": 3, "total": total, "resources": resources}).to_string()
}

#[tokio::test]
async fn pages_that_shift_or_grow_give_each_job_once_and_a_null_page_ends_the_list() {
    // The store grows while it is listed, newest first: two jobs are added before the second
    // page (shifting jobs 2 and 3 onto it again), one before the third; then a page comes
    // back `null`, as a Go server writes an empty list.
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let server = scripted(move |_, target| {
        let call = counter.fetch_add(1, Ordering::SeqCst);
        let skip: u64 = query_value(target, "skip").unwrap().parse().unwrap();
        let page = match (call, skip) {
            (0, 0) => page_json(0, 7, Some(vec![1, 2, 3])),
            (1, 3) => page_json(3, 9, Some(vec![2, 3, 4])),
            (2, 6) => page_json(6, 10, Some(vec![4, 5])),
            (3, 8) => page_json(8, 10, None),
            other => panic!("unexpected request {other:?}: {target}"),
        };
        (200, page)
    })
    .await;
    let client = Client::builder(&server.url).token("jwt").build().unwrap();

    let jobs = client
        .oci()
        .list_all(&OciListSyncJobs::new().limit(Limit::new(3).unwrap()))
        .collect_all()
        .await
        .unwrap();

    let vaults: Vec<_> = jobs
        .iter()
        .map(|job| job.scope.vaults.as_ref().unwrap()[0].as_str())
        .collect();
    assert_eq!(vaults, ["vault-1", "vault-2", "vault-3", "vault-4", "vault-5"]);
    assert_eq!(calls.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn a_total_that_shrinks_ends_the_list_at_the_new_total() {
    let server = scripted(move |_, target| {
        let skip: u64 = query_value(target, "skip").unwrap().parse().unwrap();
        let page = match skip {
            0 => page_json(0, 9, Some(vec![1, 2, 3])),
            3 => page_json(3, 5, Some(vec![4, 5])),
            _ => panic!("paged past the total: {target}"),
        };
        (200, page)
    })
    .await;
    let client = Client::builder(&server.url).token("jwt").build().unwrap();
    let query = OciListSyncJobs::new().limit(Limit::new(3).unwrap());
    let jobs = client.oci().list_all(&query).collect_all().await.unwrap();
    assert_eq!(jobs.len(), 5);
    assert_eq!(server.targets.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn an_error_ends_the_stream_after_the_jobs_already_read() {
    let server = scripted(move |_, target| match query_value(target, "skip").as_deref() {
        Some("0") => (200, page_json(0, 6, Some(vec![1, 2, 3]))),
        _ => (
            404,
            r#"{"code":16,"codeDesc":"NCERRResourceNotFound: Resource not found"}"#.to_owned(),
        ),
    })
    .await;
    let client = Client::builder(&server.url).token("jwt").build().unwrap();
    let mut stream = client
        .oci()
        .list_all(&OciListSyncJobs::new().limit(Limit::new(3).unwrap()));
    let mut read = 0;
    let error = loop {
        match stream.next().await {
            Some(Ok(_)) => read += 1,
            Some(Err(error)) => break error,
            None => panic!("the stream ended without the error"),
        }
    };
    assert_eq!(read, 3);
    assert_eq!(error.status(), Some(404));
    assert!(stream.next().await.is_none());
}

#[tokio::test]
async fn an_empty_list_is_one_request() {
    let (server, client) = mock(MockServer::builder()).await;
    let page: Page<_> = client.dsm().list(&cckm_sync::DsmListSyncJobs::new()).await.unwrap();
    assert_eq!((page.total, page.resources.len()), (0, 0));
    let jobs = client
        .dsm()
        .list_all(&cckm_sync::DsmListSyncJobs::new())
        .collect_all()
        .await
        .unwrap();
    assert!(jobs.is_empty());
    assert_eq!(support::requests(&server, "GET", "/cckm/dsm/refresh").len(), 2);
}
