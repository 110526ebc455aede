//! The README's example of the client, run against the mock over HTTPS; and a check that the
//! README shows it as it is.

use std::time::Duration;

use cckm_sync::{AwsListSyncJobs, AwsStartJob, AwsSyncJob, JobStatus};
use cckm_sync_client::{Client, WaitOptions};
use futures_util::TryStreamExt as _;

/// Synchronizes two KMS resources in two regions, waits for the job to end, and lists every
/// completed AWS job, page after page.
async fn synchronize(url: &str, password: &str, ca_pem: &[u8]) -> Result<Vec<AwsSyncJob>, Box<dyn std::error::Error>> {
    let client = Client::builder(url)
        .credentials("admin", password)
        .add_ca_certificate_pem(ca_pem) // the server's self-signed certificate
        .build()?;
    let aws = client.aws_keys();

    // Start a job, and wait for it to end (10 minutes at most).
    let request = AwsStartJob::items(["kms", "kms-prod"])?.regions(["us-east-1", "eu-west-1"])?;
    let job = aws.start(&request).await?;
    let job = aws
        .wait(job.id, &WaitOptions::default().timeout(Duration::from_secs(600)))
        .await?;
    if job.overall_status != JobStatus::Completed || job.was_cancelled() {
        return Err(format!("job {} ended {}", job.id, job.overall_status).into());
    }

    // Every completed job, across pages: `list_all` pages by `skip` until `total`.
    let completed = AwsListSyncJobs::new().overall_status(JobStatus::Completed);
    Ok(aws.list_all(&completed).try_collect().await?)
}

mod support;

#[tokio::test]
async fn the_readme_example_starts_waits_and_lists_every_page() {
    let server = cckm_sync_mock::MockServer::builder()
        .tls(true)
        .job_duration(Duration::from_millis(200))
        .start()
        .unwrap();
    support::load_aws_jobs(&server, 250);
    let (_, password) = server.credentials();

    let jobs = synchronize(
        &server.base_url(),
        password,
        server.certificate_pem().unwrap().as_bytes(),
    )
    .await
    .unwrap();

    assert_eq!(jobs.len(), 251);
    assert_eq!(jobs[0].scope.kms, Some(vec!["kms".to_owned(), "kms-prod".to_owned()]));
    let pages = support::requests(&server, "GET", "/synchronization-jobs")
        .into_iter()
        .filter(|request| request.path.ends_with("/synchronization-jobs"))
        .count();
    assert_eq!(pages, 3);
}

#[test]
fn the_readme_shows_this_example_as_it_is() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let this = include_str!("readme.rs");
    let example = this
        .split_once("\n\n")
        .and_then(|(_, rest)| rest.split_once("\nmod support;\n"))
        .map(|(example, _)| example)
        .unwrap();
    assert!(
        readme.contains(&format!("```rust,ignore\n{example}```")),
        "README.md does not show the example of tests/readme.rs as it is"
    );
}
