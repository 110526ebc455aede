//! List calls over HTTP: paging, filters with repeated keys, both spellings of a running job,
//! sort on any job field, and the 400 of every malformed parameter.

mod support;

use std::time::Duration;

use cckm_sync::endpoints::{self, INVALID_PARAMETER};
use cckm_sync::{JobStatus, SyncJob};
use cckm_sync_mock::MockServer;
use serde_json::json;
use support::Api;

/// A server with `count` ended jobs of AWS keys, one per KMS `kms-<n>`, started a minute apart,
/// every third cancelled, and one running job last.
async fn with_jobs(count: usize) -> Api {
    let builder = MockServer::builder()
        .job_duration(Duration::from_secs(10))
        .token_lifetime(Duration::from_secs(24 * 3600));
    let api = Api::with(builder).await;
    api.server.pause_clock();
    let aws = endpoints::find("aws-keys").unwrap();
    for index in 0..count {
        let job = api
            .start_job(
                aws,
                json!({"kms": [format!("kms-{index}")], "regions": ["us-east-1", "eu-west-1"]}),
            )
            .await
            .job(aws);
        if index % 3 == 2 {
            api.cancel_job(aws, job.id).await.job(aws);
        }
        api.server.advance_clock(Duration::from_secs(60));
    }
    api.start_job(aws, json!({"kms": ["kms-running"]})).await.job(aws);
    api
}

fn kms(job: &SyncJob) -> &str {
    &job.scope.kms.as_ref().unwrap()[0]
}

#[tokio::test]
async fn pages_hold_ten_jobs_by_default_newest_first_with_an_exact_total() {
    let api = with_jobs(24).await;
    let aws = endpoints::find("aws-keys").unwrap();
    let first = api.list(aws, "").await.page(aws);
    assert_eq!(
        (first.skip, first.limit, first.total, first.resources.len()),
        (0, 10, 25, 10)
    );
    assert_eq!(kms(&first.resources[0]), "kms-running");
    assert_eq!(kms(&first.resources[1]), "kms-23");
    assert!(
        first
            .resources
            .windows(2)
            .all(|pair| pair[0].created_at >= pair[1].created_at)
    );

    // Paging as the vendor's Terraform provider does: skip += len until skip + len >= total.
    let mut seen = Vec::new();
    let mut skip = 0;
    loop {
        let page = api.list(aws, &format!("skip={skip}&limit=7")).await.page(aws);
        assert_eq!(page.total, 25);
        seen.extend(page.resources.iter().map(|job| job.id));
        match page.next_skip() {
            Some(next) => skip = next,
            None => break,
        }
    }
    assert_eq!(seen.len(), 25);
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 25, "no job twice");

    let all = api.list(aws, "limit=-1").await.page(aws);
    assert_eq!((all.limit, all.resources.len()), (-1, 25));
    let beyond = api.list(aws, "skip=100").await.page(aws);
    assert_eq!((beyond.skip, beyond.total, beyond.resources.len()), (100, 25, 0));
}

#[tokio::test]
async fn filters_select_by_id_status_and_repeated_scope_items() {
    let api = with_jobs(6).await;
    let aws = endpoints::find("aws-keys").unwrap();
    let page = api.list(aws, "kms=kms-1&kms=kms-4&kms=nothing").await.page(aws);
    let mut names: Vec<&str> = page.resources.iter().map(kms).collect();
    names.sort_unstable();
    assert_eq!(names, ["kms-1", "kms-4"]);

    let aborted = api.list(aws, "overall_status=aborted").await.page(aws);
    assert_eq!(aborted.total, 2);
    assert!(
        aborted
            .resources
            .iter()
            .all(|job| job.abort && job.overall_status == JobStatus::Aborted)
    );

    // Both spellings of a running job select it.
    for status in ["in_progress", "in%20progress", "in+progress"] {
        let running = api.list(aws, &format!("overall_status={status}")).await.page(aws);
        assert_eq!(running.total, 1, "{status}");
    }
    let unknown = api.list(aws, "overall_status=queued").await.page(aws);
    assert_eq!(unknown.total, 0);

    let id = page.resources[0].id;
    let one = api.list(aws, &format!("id={id}")).await.page(aws);
    assert_eq!(one.resources.iter().map(|job| job.id).collect::<Vec<_>>(), [id]);

    // Other endpoints do not see these jobs; each family takes its own filter.
    let azure = endpoints::find("azure-keys").unwrap();
    assert_eq!(api.list(azure, "key_vaults=v").await.page(azure).total, 0);
    let salesforce = endpoints::find("salesforce-keys").unwrap();
    api.start_job(salesforce, json!({"organization_ids": ["00DA", "00DB"]}))
        .await
        .job(salesforce);
    assert_eq!(
        api.list(salesforce, "organizations=00DB").await.page(salesforce).total,
        1
    );
    assert_eq!(
        api.list(salesforce, "organizations=00DC").await.page(salesforce).total,
        0
    );
}

#[tokio::test]
async fn sort_takes_any_job_field_ascending_or_descending_and_several_keys() {
    let api = with_jobs(7).await;
    let aws = endpoints::find("aws-keys").unwrap();
    let oldest_first = api.list(aws, "sort=createdAt&limit=-1").await.page(aws);
    assert!(
        oldest_first
            .resources
            .windows(2)
            .all(|pair| pair[0].created_at <= pair[1].created_at)
    );
    assert_eq!(kms(&oldest_first.resources[0]), "kms-0");

    let by_kms = api.list(aws, "sort=-kms&limit=-1").await.page(aws);
    let names: Vec<&str> = by_kms.resources.iter().map(kms).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(names, sorted);

    // Running jobs (no `completed_at`) first, then by status, newest first within.
    let by_status = api.list(aws, "sort=overall_status,-updatedAt&limit=-1").await.page(aws);
    let statuses: Vec<&str> = by_status
        .resources
        .iter()
        .map(|job| job.overall_status.as_str())
        .collect();
    assert_eq!(statuses[..2], ["aborted", "aborted"]);
    assert_eq!(*statuses.last().unwrap(), "in_progress");
    let by_abort = api.list(aws, "sort=-abort,id&limit=-1").await.page(aws);
    assert!(by_abort.resources[0].abort && by_abort.resources[1].abort && !by_abort.resources[2].abort);
    assert!(by_abort.resources[0].id < by_abort.resources[1].id);

    for property in aws.spec().sort_properties() {
        api.list(aws, &format!("sort={property}")).await.page(aws);
        api.list(aws, &format!("sort=-{property}")).await.page(aws);
    }
}

#[tokio::test]
async fn a_malformed_parameter_is_a_400_naming_it() {
    let api = with_jobs(1).await;
    let aws = endpoints::find("aws-keys").unwrap();
    for (query, expected) in [
        ("skip=-1", "skip:"),
        ("skip=two", "skip:"),
        ("limit=0", "limit:"),
        ("limit=-2", "limit:"),
        ("limit=1.5", "limit:"),
        ("sort=", "sort: empty sort key"),
        ("sort=createdAt,,id", "sort: empty sort key"),
        (
            "sort=detailed_status",
            "sort: AWS jobs cannot be sorted by \"detailed_status\"",
        ),
        ("sort=key_vaults", "sort: AWS jobs cannot be sorted by \"key_vaults\""),
        ("id=nope", "id:"),
        ("id=0ea5d52e387c44fab07921c8b768f77b", "id:"),
        ("kms=", "kms: empty value"),
        ("key_vaults=v", "unknown query parameter \"key_vaults\""),
        ("skip=1&skip=2", "skip: given more than once"),
    ] {
        let message = api
            .list(aws, query)
            .await
            .error_message(400, INVALID_PARAMETER.code_desc);
        assert!(message.contains(expected), "{query}: {message}");
    }
}
