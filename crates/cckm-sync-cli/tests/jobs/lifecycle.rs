//! A job started, waited for, cancelled: the id, the progress on standard error, the summary,
//! a failed or cancelled job's exit 1, and `-o json`.

use std::time::Duration;

use cckm_sync_mock::{Fault, MockServer};

use crate::{jobs, quick_mock};

#[tokio::test]
async fn start_prints_the_id_and_wait_reports_the_completed_job() {
    let server = quick_mock().await;
    let start = jobs(
        &server,
        &[
            "start",
            "aws-keys",
            "--item",
            "kms",
            "kms-prod",
            "--region",
            "us-east-1",
        ],
    );
    assert_eq!(start.code, 0, "{start:#?}");
    assert_eq!(start.lines().len(), 1, "{start:#?}");
    let id = start.lines()[0];
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{start:#?}");
    assert!(start.stderr.is_empty(), "{start:#?}");
    let body: serde_json::Value = serde_json::from_slice(
        &server
            .received_requests()
            .iter()
            .find(|r| r.method == "POST" && r.path.ends_with("synchronization-jobs"))
            .unwrap()
            .body,
    )
    .unwrap();
    assert_eq!(
        body,
        serde_json::json!({"kms": ["kms", "kms-prod"], "regions": ["us-east-1"]})
    );

    let wait = jobs(&server, &["wait", "aws-keys", id]);
    assert_eq!(wait.code, 0, "{wait:#?}");
    assert_eq!(
        wait.lines(),
        [format!("job {id} completed in 0.3s: 2 of 2 items ok").as_str()],
        "{wait:#?}"
    );
    // Not a terminal: the progress is plain lines on standard error, ending with the status.
    let progress: Vec<&str> = wait.stderr.lines().collect();
    assert_eq!(
        progress.last().copied(),
        Some(format!("job {id} of aws-keys: completed, 2 of 2 items done").as_str()),
        "{wait:#?}"
    );
}

#[tokio::test]
async fn start_wait_shows_each_item_and_ends_with_the_summary() {
    let server = quick_mock().await;
    let run = jobs(&server, &["start", "google", "--all-items", "--wait"]);
    assert_eq!(run.code, 0, "{run:#?}");
    // Standard output holds one thing: the summary, which names the job; the id starts the
    // progress on standard error.
    let lines = run.lines();
    assert_eq!(lines.len(), 1, "{run:#?}");
    let id = run.stderr.lines().next().unwrap().strip_prefix("started job ").unwrap();
    let id = id.strip_suffix(" of google").unwrap();
    assert!(lines[0].starts_with(&format!("job {id} completed in ")), "{run:#?}");
    for ring in [
        "projects/gemalto-kyloeng/locations/global/keyRings/demo-key-ring",
        "projects/gemalto-kyloeng/locations/europe-west1/keyRings/eu-ring",
    ] {
        let line = format!("  {ring}: key ring synchronized successfully");
        assert!(run.stderr.lines().any(|printed| printed == line), "{run:#?}");
    }
}

#[tokio::test]
async fn a_job_that_fails_exits_1_with_the_failed_item() {
    let server = quick_mock().await;
    server
        .inject(Fault::fail_job("Salesforce API is down").endpoint("salesforce-keys"))
        .unwrap();
    let run = jobs(
        &server,
        &["start", "salesforce-keys", "--item", "00DB000000040bIMAQ", "--wait"],
    );
    assert_eq!(run.code, 1, "{run:#?}");
    let lines = run.lines();
    let id = lines[0].split(' ').nth(1).unwrap();
    assert_eq!(
        lines,
        [format!(
            "job {id} ended failed after 0.3s: 0 of 1 items ok; \
             00DB000000040bIMAQ: Error listing keys from SFDC: Salesforce API is down"
        )
        .as_str()],
        "{run:#?}"
    );
    assert!(
        run.stderr
            .contains("  00DB000000040bIMAQ: Error listing keys from SFDC: Salesforce API is down"),
        "{run:#?}"
    );
}

#[tokio::test]
async fn cancel_succeeds_and_a_wait_on_the_cancelled_job_exits_1() {
    let server = MockServer::builder()
        .job_duration(Duration::from_secs(3600))
        .start()
        .unwrap();
    let id = jobs(&server, &["start", "dsm", "--all-items"]).lines()[0].to_owned();
    let cancel = jobs(&server, &["cancel", "dsm", &id]);
    assert_eq!(cancel.code, 0, "{cancel:#?}");
    assert_eq!(cancel.lines(), [format!("job {id} of dsm is cancelling").as_str()]);

    // The job winds down by the end of its current item: move the mock's clock there.
    server.advance_clock(Duration::from_secs(3600));
    let wait = jobs(&server, &["wait", "dsm", &id]);
    assert_eq!(wait.code, 1, "{wait:#?}");
    assert!(
        wait.lines()[0].starts_with(&format!("job {id} was cancelled (")),
        "{wait:#?}"
    );

    // Cancelling an ended job: the server says no.
    let again = jobs(&server, &["cancel", "dsm", &id]);
    again.one_error_line(1, "409 Conflict: NCERRConflict");
}

#[tokio::test]
async fn cancel_wait_exits_0_once_the_job_has_wound_down() {
    let server = quick_mock().await;
    let id = jobs(&server, &["start", "external-cm", "--all-items"]).lines()[0].to_owned();
    let run = jobs(&server, &["cancel", "external-cm", &id, "--wait"]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.lines()[0].starts_with(&format!("job {id} was cancelled (")),
        "{run:#?}"
    );
}

#[tokio::test]
async fn output_json_gives_the_job_of_start_wait_and_cancel() {
    let server = quick_mock().await;
    let start = jobs(&server, &["start", "dsm", "--all-items", "-o", "json"]);
    assert_eq!(start.code, 0, "{start:#?}");
    let started: cckm_sync::DsmSyncJob = cckm_sync::from_str(&start.stdout).unwrap();
    let wait = jobs(&server, &["wait", "dsm", &started.id.to_string(), "-o", "json"]);
    assert_eq!(wait.code, 0, "{wait:#?}");
    let ended: cckm_sync::DsmSyncJob = cckm_sync::from_str(&wait.stdout).unwrap();
    assert_eq!((ended.id, ended.is_finished()), (started.id, true));

    let waited = jobs(&server, &["start", "dsm", "--all-items", "--wait", "-o", "json"]);
    assert_eq!(waited.code, 0, "{waited:#?}");
    let ended: cckm_sync::DsmSyncJob = cckm_sync::from_str(&waited.stdout).unwrap();
    assert!(ended.is_finished(), "{waited:#?}");

    let id = jobs(&server, &["start", "dsm", "--all-items"]).lines()[0].to_owned();
    let cancel = jobs(&server, &["cancel", "dsm", &id, "--wait", "-o", "json"]);
    assert_eq!(cancel.code, 0, "{cancel:#?}");
    let cancelled: cckm_sync::DsmSyncJob = cckm_sync::from_str(&cancel.stdout).unwrap();
    assert!(cancelled.was_cancelled() && cancelled.is_finished(), "{cancel:#?}");
}
