//! The store's bounds, over HTTP, set small through the builder: the jobs it holds and the
//! items of all its jobs together. A start beyond either is refused with 409 naming the limit;
//! a load loads what fits, and counts exactly what it loaded and what it dropped.

mod support;

use cckm_sync::endpoints::{self, CONFLICT};
use cckm_sync_mock::{LoadError, MockServer};
use reqwest::Method;
use serde_json::{Value, json};
use support::Api;

/// An ended DSM job numbered `n` with `domains` domains (its items).
fn dsm_job(n: u128, domains: usize) -> Value {
    let domains: Vec<String> = (0..domains).map(|domain| format!("domain-{n}-{domain}")).collect();
    json!({"id": uuid::Uuid::from_u128(n), "uri": format!("kylo:kylo:cckm:synchronize:{}", uuid::Uuid::from_u128(n)),
        "account": "a", "application": "p", "devAccount": "d",
        "createdAt": "2021-03-03T09:22:15.05611Z", "updatedAt": "2021-03-03T09:22:15.636481Z",
        "overall_status": "completed", "cloud": "dsm", "domains": domains, "abort": false})
}

fn page(jobs: Vec<Value>) -> Value {
    json!({"skip": 0, "limit": -1, "total": jobs.len(), "resources": jobs})
}

async fn load(api: &Api, body: &Value) -> support::Reply {
    api.raw(Method::POST, "/__mock/jobs", None, Some(body.to_string()))
        .await
}

#[tokio::test]
async fn a_start_beyond_the_items_of_the_store_is_refused_with_409_naming_the_limit() {
    // Arrange: room for five items; an AWS job of one KMS resource in three regions holds three.
    let api = Api::with(MockServer::builder().max_items(5)).await;
    let aws = endpoints::find("aws-keys").unwrap();
    let dsm = endpoints::find("dsm").unwrap();
    let started = api
        .start_job(
            aws,
            json!({"kms": ["kms"], "regions": ["us-east-1", "eu-west-1", "ap-south-1"]}),
        )
        .await;
    assert_eq!(started.status, 201, "{started:#?}");

    // Act: three more items would make six.
    let refused = api.start_job(dsm, json!({"domains": ["d1", "d2", "d3"]})).await;
    let fits = api.start_job(dsm, json!({"domains": ["d1", "d2"]})).await;

    // Assert
    let message = refused.error_message(409, CONFLICT.code_desc);
    assert!(message.contains("maximum of 5 items"), "{message}");
    assert!(message.contains("(3 held)"), "{message}");
    assert!(message.contains("--max-items"), "{message}");
    // Each face of the mock names its own limit.
    for option in [
        "`max_items` of `MockServerBuilder`",
        "Python `MockServer`",
        "`maxItems` of the npm one",
    ] {
        assert!(message.contains(option), "{option}: {message}");
    }
    assert_eq!(fits.status, 201, "{fits:#?}");
    assert_eq!(api.server.item_count(), 5);
    assert_eq!(api.server.job_count(), 2);
    api.server.reset();
    assert_eq!(api.server.item_count(), 0);
}

#[tokio::test]
async fn a_start_beyond_the_jobs_of_the_store_is_refused_with_409_naming_the_limit() {
    let api = Api::with(MockServer::builder().max_jobs(1)).await;
    let dsm = endpoints::find("dsm").unwrap();
    let oci = endpoints::find("oci").unwrap();
    assert_eq!(api.start_job(dsm, json!({"domains": ["d1"]})).await.status, 201);

    let message = api
        .start_job(oci, json!({"vaults": ["v1"]}))
        .await
        .error_message(409, CONFLICT.code_desc);

    assert!(message.contains("maximum of 1 jobs"), "{message}");
    for option in [
        "--max-jobs",
        "`max_jobs` of `MockServerBuilder`",
        "Python `MockServer`",
        "`maxJobs` of the npm one",
    ] {
        assert!(message.contains(option), "{option}: {message}");
    }
}

#[tokio::test]
async fn a_page_that_fills_the_store_part_way_reports_what_it_loaded_and_what_it_dropped() {
    // Arrange: room for three jobs, and a page of five.
    let api = Api::with(MockServer::builder().max_jobs(3)).await;
    let body = page((1..=5).map(|n| dsm_job(n, 1)).collect());

    // Act
    let first = load(&api, &body).await;
    let again = load(&api, &page((6..=7).map(|n| dsm_job(n, 1)).collect())).await;

    // Assert: three loaded and two dropped, said exactly; a load with no room at all is a 409.
    assert_eq!(first.status, 200, "{first:#?}");
    assert_eq!(first.body["added"], 3, "{first:#?}");
    assert_eq!(first.body["dropped"], 2, "{first:#?}");
    assert_eq!(first.body["skipped"], json!([]), "{first:#?}");
    let full = first.body["full"].as_str().unwrap();
    assert!(
        full.contains("maximum of 3 jobs") && full.contains("--max-jobs"),
        "{full}"
    );
    assert_eq!(api.server.job_count(), 3);
    let message = again.error_message(409, CONFLICT.code_desc);
    assert!(message.contains("maximum of 3 jobs"), "{message}");
    assert_eq!(api.server.job_count(), 3);
}

#[tokio::test]
async fn load_jobs_counts_a_partial_load_and_fails_only_a_load_that_kept_nothing() {
    let server = MockServer::builder().max_jobs(2).start().unwrap();
    let body = page((1..=3).map(|n| dsm_job(n, 1)).collect()).to_string();

    let report = server.load_jobs(body.as_bytes(), None).unwrap();
    let refused = server.load_jobs(dsm_job(9, 1).to_string().as_bytes(), None);
    // A newer record of a job held needs no room of the job bound.
    let mut newer = dsm_job(1, 1);
    newer["updatedAt"] = json!("2021-03-04T00:00:00Z");
    let replaced = server.load_jobs(newer.to_string().as_bytes(), None).unwrap();

    assert_eq!((report.added, report.replaced, report.dropped), (2, 0, 1), "{report:?}");
    assert!(
        report.full.as_deref().unwrap().contains("maximum of 2 jobs"),
        "{report:?}"
    );
    assert!(matches!(refused, Err(LoadError::Full { max: 2 })), "{refused:?}");
    assert_eq!((replaced.replaced, replaced.dropped), (1, 0), "{replaced:?}");
    assert_eq!(server.job_count(), 2);
}

#[tokio::test]
async fn a_load_takes_the_jobs_whose_items_fit_and_counts_those_that_do_not() {
    // Arrange: room for four items; jobs of three, three and one.
    let server = MockServer::builder().max_items(4).start().unwrap();
    let body = page(vec![dsm_job(1, 3), dsm_job(2, 3), dsm_job(3, 1)]).to_string();

    // Act
    let report = server.load_jobs(body.as_bytes(), None).unwrap();
    let refused = server.load_jobs(dsm_job(4, 1).to_string().as_bytes(), None);
    // A newer record of a job held, larger than the room left: dropped, the older one kept.
    let mut larger = dsm_job(3, 2);
    larger["updatedAt"] = json!("2021-03-04T00:00:00Z");
    let grown = server.load_jobs(larger.to_string().as_bytes(), None);

    // Assert
    assert_eq!((report.added, report.dropped), (2, 1), "{report:?}");
    let full = report.full.as_deref().unwrap();
    assert!(
        full.contains("3 items") && full.contains("maximum of 4 items") && full.contains("--max-items"),
        "{full}"
    );
    assert!(matches!(refused, Err(LoadError::FullOfItems { max: 4 })), "{refused:?}");
    assert!(matches!(grown, Err(LoadError::FullOfItems { max: 4 })), "{grown:?}");
    assert_eq!(server.item_count(), 4);
    assert_eq!(server.job_count(), 2);
}

#[tokio::test]
async fn a_seed_beyond_the_store_starts_with_what_fits_and_counts_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("dsm-recorded.json"),
        page((1..=5).map(|n| dsm_job(n, 2)).collect()).to_string(),
    )
    .unwrap();

    let server = MockServer::builder().max_items(6).seed(dir.path()).start().unwrap();

    let report = server.seed_report().unwrap();
    assert_eq!((report.added, report.dropped), (3, 2), "{report:?}");
    assert_eq!(server.item_count(), 6);
}

#[test]
fn a_store_without_room_for_one_item_does_not_start() {
    let error = MockServer::builder().max_items(0).start().unwrap_err();
    assert!(error.to_string().contains("at least one item"), "{error}");
}
