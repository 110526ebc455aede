//! The README's example of a test with `MockServer`, run as a test; and a check that the
//! README shows this file as it is.

use std::time::Duration;

use cckm_sync::{AwsStartJob, AwsSyncJob, JobStatus, endpoints};
use cckm_sync_mock::{Call, Fault, MockServer};

#[tokio::test]
async fn a_job_runs_to_its_end() -> Result<(), Box<dyn std::error::Error>> {
    // (This workspace builds reqwest on rustls without a default crypto provider.)
    #[allow(deprecated, reason = "ring lacks post-quantum key exchange: not needed on loopback")]
    let _ = rustls::crypto::ring::default_provider().install_default();
    // Arrange: jobs of 10 s, and a clock that moves only when told.
    let server = MockServer::builder().job_duration(Duration::from_secs(10)).start()?;
    server.pause_clock();
    let aws = endpoints::find("aws-keys").unwrap();
    let client = reqwest::Client::new();

    // Act
    let job: AwsSyncJob = client
        .post(format!("{}{}", server.base_url(), aws.collection_path()))
        .header("Authorization", server.authorization())
        .json(&AwsStartJob::items(["kms"])?)
        .send()
        .await?
        .json()
        .await?;
    server.advance_clock(Duration::from_secs(10));
    let ended: AwsSyncJob = client
        .get(format!("{}{}", server.base_url(), aws.job_path(job.id)))
        .header("Authorization", server.authorization())
        .send()
        .await?
        .json()
        .await?;

    // Assert
    assert_eq!(ended.overall_status, JobStatus::Completed);
    // The next get answers 503, as an overloaded server would.
    server.inject(Fault::status(503).on(Call::Get))?;
    let status = client
        .get(format!("{}{}", server.base_url(), aws.job_path(job.id)))
        .header("Authorization", server.authorization())
        .send()
        .await?
        .status();
    assert_eq!(status, 503);
    Ok(())
}

#[test]
fn the_readme_shows_this_example_as_it_is() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let this = include_str!("readme.rs");
    let example = this
        .split_once("\n\n")
        .map(|(_, rest)| rest)
        .and_then(|rest| rest.split_once("\n#[test]\nfn the_readme_shows"))
        .map(|(example, _)| example)
        .unwrap();
    assert!(
        readme.contains(&format!("```rust,ignore\n{example}```")),
        "README.md does not show tests/readme.rs"
    );
}
