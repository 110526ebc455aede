//! Recorded responses as seed: every page and job fixture of the model crate loads, is served
//! from the endpoint of its family (or the one its file name names), unchanged while it has
//! ended, and resumes while it ran.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use cckm_sync::endpoints::{self, Endpoint};
use cckm_sync::{JobStatus, SyncJob, SyncJobPage};
use cckm_sync_mock::MockServer;
use reqwest::Method;
use serde_json::Value;
use support::{Api, fixtures};

/// Every job of the page and job fixtures, by id, with its file: the newest record of each.
fn recorded_jobs() -> BTreeMap<uuid::Uuid, (String, Value)> {
    let mut jobs: BTreeMap<uuid::Uuid, (String, Value)> = BTreeMap::new();
    for folder in ["pages", "jobs"] {
        for entry in std::fs::read_dir(fixtures().join(folder)).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let values: Vec<Value> = if folder == "pages" {
                let page: SyncJobPage = cckm_sync::from_str(&text).unwrap();
                page.resources
                    .iter()
                    .map(|job| serde_json::to_value(job).unwrap())
                    .collect()
            } else {
                let job: SyncJob = cckm_sync::from_str(&text).unwrap();
                vec![serde_json::to_value(job).unwrap()]
            };
            for value in values {
                let id = value["id"].as_str().unwrap().parse().unwrap();
                let newer = jobs
                    .get(&id)
                    .is_none_or(|(_, kept)| kept["updatedAt"].as_str() < value["updatedAt"].as_str());
                if newer {
                    jobs.insert(id, (name.clone(), value));
                }
            }
        }
    }
    jobs
}

/// The endpoint a recorded job is served from: the one its file name starts with, if of its
/// family, else its family's first.
fn endpoint_of(file: &str, job: &SyncJob) -> Option<&'static Endpoint> {
    let family = job.family()?;
    endpoints::ENDPOINTS
        .iter()
        .filter(|endpoint| endpoint.family == family && file.starts_with(&format!("{}-", endpoint.name)))
        .max_by_key(|endpoint| endpoint.name.len())
        .or_else(|| family.endpoints().next())
}

#[tokio::test]
async fn every_page_and_job_fixture_loads_and_is_served_from_its_familys_endpoint() {
    let builder = MockServer::builder()
        .job_duration(Duration::from_secs(10))
        .token_lifetime(Duration::from_secs(3600));
    let api = Api::with(builder).await;
    api.server.pause_clock();
    let mut report = api.server.load_dir(fixtures().join("pages")).unwrap();
    let jobs_report = api.server.load_dir(fixtures().join("jobs")).unwrap();
    report.added += jobs_report.added;
    report.replaced += jobs_report.replaced;
    report.skipped.extend(jobs_report.skipped);

    // Luna HSM jobs belong to no endpoint of the catalog: skipped, and said so.
    assert_eq!(report.skipped.len(), 1, "{report:?}");
    assert!(report.skipped[0].reason.contains("hsm-luna"), "{report:?}");
    let recorded = recorded_jobs();
    let served: Vec<_> = recorded
        .iter()
        .filter(|(_, (_, value))| value["cloud"] != "hsm-luna")
        .collect();
    assert_eq!(api.server.job_count(), served.len());

    for (id, (file, value)) in &served {
        let job: SyncJob = serde_json::from_value((*value).clone()).unwrap();
        let endpoint = endpoint_of(file, &job).unwrap();
        let reply = api.call(Method::GET, &endpoint.job_path(**id), None).await;
        assert_eq!(reply.status, 200, "{file}: {reply:#?}");
        let strict = cckm_sync::from_slice_strict::<SyncJob>(&reply.raw).is_ok();
        if file.as_str() != "future-server.json" {
            assert!(strict, "{file}");
        }
        support::assert_valid("SyncJob", &reply.body);
        if *job.overall_status.status() == JobStatus::InProgress {
            // Resumed: still running now, ended after the job duration.
            let shown: SyncJob = cckm_sync::from_slice(&reply.raw).unwrap();
            assert_eq!(shown.overall_status, JobStatus::InProgress, "{file}");
        } else {
            // Ended (or in a status the mock does not know): served exactly as recorded.
            assert_eq!(&reply.body, value, "{file}");
        }
    }

    api.server.advance_clock(Duration::from_secs(10));
    for (id, (file, value)) in &served {
        let job: SyncJob = serde_json::from_value((*value).clone()).unwrap();
        if *job.overall_status.status() != JobStatus::InProgress {
            continue;
        }
        let endpoint = endpoint_of(file, &job).unwrap();
        let ended = api.get_job(endpoint, **id).await.job(endpoint);
        assert!(ended.is_finished(), "{file}: {ended:?}");
        assert_eq!(ended.abort, job.abort, "{file}");
        // A recorded cancel winds down as a cancel does.
        let expected = if job.abort {
            ["aborted", "completed"].as_slice()
        } else {
            &["completed"]
        };
        assert!(expected.contains(&ended.overall_status.as_str()), "{file}: {ended:?}");
    }
}

#[tokio::test]
async fn a_file_named_after_an_endpoint_is_served_from_it() {
    let api = Api::start().await;
    let report = api.server.load_dir(fixtures().join("pages")).unwrap();
    assert!(report.loaded() > 0);
    let custom = endpoints::find("aws-custom-key-stores").unwrap();
    let page = api.list(custom, "").await.page(custom);
    assert_eq!(page.total, 1);
    assert_eq!(page.resources[0].id.to_string(), "9e2b7a14-63c8-4d1f-a5b0-7c3e8f2d6a15");
    // And not from the family's first endpoint.
    let aws = endpoints::find("aws-keys").unwrap();
    // (The AWS keys list holds the future server's job too: parsed leniently.)
    let all: SyncJobPage = cckm_sync::from_slice(&api.list(aws, "limit=-1").await.raw).unwrap();
    assert!(all.total > 0);
    assert!(all.resources.iter().all(|job| job.id != page.resources[0].id));
}

#[tokio::test]
async fn the_control_api_loads_a_body_for_a_named_endpoint_and_refuses_what_is_not_a_job() {
    let api = Api::start().await;
    let url = format!("{}/__mock/jobs?endpoint=salesforce-certificates", api.server.base_url());
    let body = std::fs::read(fixtures().join("jobs/salesforce-certificates-completed.json")).unwrap();
    let response = api.http.post(&url).body(body).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let report: Value = response.json().await.unwrap();
    assert_eq!(report["added"], 1);
    let certificates = endpoints::find("salesforce-certificates").unwrap();
    assert_eq!(api.list(certificates, "").await.page(certificates).total, 1);

    let bad = std::fs::read(fixtures().join("invalid/pages/bad-timestamp.json")).unwrap();
    let url = format!("{}/__mock/jobs", api.server.base_url());
    let response = api.http.post(&url).body(bad).send().await.unwrap();
    assert_eq!(response.status(), 400);
    let error: cckm_sync::ApiError = response.json().await.unwrap();
    assert!(error.message.unwrap().contains("/resources/0/createdAt"));
}
