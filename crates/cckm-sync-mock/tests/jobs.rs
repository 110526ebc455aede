//! A job's whole life on every endpoint of the catalog, over HTTP, with the mock's clock paused
//! and advanced by hand: start, progress item by item, end; cancel; the errors of each call.

mod support;

use std::time::Duration;

use cckm_sync::endpoints::{BAD_REQUEST, CONFLICT, INVALID_PARAMETER, NOT_FOUND, Operation};
use cckm_sync::{CloudFamily, JobStatus};
use cckm_sync_mock::MockServer;
use reqwest::Method;
use serde_json::json;
use support::{Api, every_endpoint, path_with};

const DURATION: Duration = Duration::from_secs(30);

async fn paused() -> Api {
    // The clock moves by hours in these tests; the token must outlive them.
    let builder = MockServer::builder()
        .job_duration(DURATION)
        .token_lifetime(Duration::from_secs(24 * 3600));
    let api = Api::with(builder).await;
    api.server.pause_clock();
    api
}

#[tokio::test]
async fn every_endpoint_runs_a_job_from_start_to_end_item_by_item() {
    let api = paused().await;
    for endpoint in every_endpoint() {
        let spec = endpoint.spec();
        let progress = &spec.progress;
        let started = api.start_job(endpoint, json!({"synchronize_all": true})).await;
        assert_eq!(started.status, 201, "{endpoint}");
        let job = started.job(endpoint);
        assert_eq!(job.overall_status.as_str(), progress.running, "{endpoint}");
        assert!(!job.abort && job.completed_at.is_none() && job.created_at == job.updated_at);
        let detailed = job.detailed_status.clone().unwrap();
        assert!(!detailed.is_empty(), "{endpoint}");
        assert!(
            detailed.iter().all(|(_, text)| text == progress.running),
            "{endpoint}: {detailed:?}"
        );
        assert_eq!(job.uri, format!("kylo:kylo:cckm:synchronize:{}", job.id));

        // Items end one after another, evenly over the duration.
        let items = detailed.len() as u32;
        for ended in 1..items {
            api.server.advance_clock(DURATION / items);
            let now = api.get_job(endpoint, job.id).await.job(endpoint);
            assert_eq!(now.overall_status.as_str(), progress.running, "{endpoint}");
            let done = now
                .detailed_status
                .unwrap()
                .iter()
                .filter(|(_, text)| *text == progress.item_done)
                .count();
            assert_eq!(done as u32, ended, "{endpoint}");
            assert!(now.updated_at > job.updated_at);
        }
        api.server.advance_clock(DURATION);
        let ended = api.get_job(endpoint, job.id).await.job(endpoint);
        assert_eq!(ended.overall_status, JobStatus::Completed, "{endpoint}");
        assert_eq!(ended.overall_status.as_str(), "completed");
        assert!(
            ended
                .detailed_status
                .unwrap()
                .iter()
                .all(|(_, text)| text == progress.item_done)
        );
        assert_eq!(ended.completed_at, Some(ended.updated_at));
        assert_eq!(
            ended.completed_at.unwrap() - job.created_at,
            chrono::TimeDelta::from_std(DURATION).unwrap()
        );
        assert!(!ended.abort);
    }
}

#[tokio::test]
async fn a_start_keeps_the_requested_scope_in_each_familys_fields() {
    let api = paused().await;
    let aws = cckm_sync::endpoints::find("aws-keys").unwrap();
    let job = api
        .start_job(
            aws,
            json!({"kms": ["kms", "kms-eu"], "regions": ["us-east-1", "eu-west-1"]}),
        )
        .await
        .job(aws);
    assert_eq!(
        job.scope.kms.as_deref(),
        Some(&["kms".to_owned(), "kms-eu".to_owned()][..])
    );
    assert_eq!(
        job.scope.regions.as_deref(),
        Some(&["us-east-1".to_owned(), "eu-west-1".to_owned()][..])
    );
    let keys: Vec<&str> = job.detailed_status.as_ref().unwrap().keys().collect();
    assert_eq!(keys.len(), 4);
    assert_eq!(keys[..2], ["123456789012/us-east-1", "123456789012/eu-west-1"]);

    // Without regions, every region of the inventory; `regions` stays out of the job.
    let custom = cckm_sync::endpoints::find("aws-custom-key-stores").unwrap();
    let job = api.start_job(custom, json!({"kms": ["kms"]})).await.job(custom);
    assert_eq!(job.scope.regions, None);
    assert_eq!(job.detailed_status.unwrap().len(), 3);

    // Salesforce organization ids become the job's `kms`.
    let salesforce = cckm_sync::endpoints::find("salesforce-keys").unwrap();
    let job = api
        .start_job(salesforce, json!({"organization_ids": ["00D5j000000XXXXEAA"]}))
        .await
        .job(salesforce);
    assert_eq!(job.scope.kms.as_deref(), Some(&["00D5j000000XXXXEAA".to_owned()][..]));
    assert_eq!(job.cloud.as_str(), "sfdc");

    // Azure: the key vault under its region, the public cloud, `in progress` with a space.
    let azure = cckm_sync::endpoints::find("azure-keys").unwrap();
    let vault = "keyvault-softkeys::12e533dd-b5c2-4e58-a264-0cd812dc5a34";
    let job = api
        .start_job(azure, json!({"key_vaults": [vault], "take_cloud_key_backup": true}))
        .await
        .job(azure);
    assert_eq!(job.cloud.as_str(), "AzureCloud");
    assert_eq!(job.overall_status.as_str(), "in progress");
    assert_eq!(
        job.detailed_status.unwrap().get(&format!("northcentralus/{vault}")),
        Some("in progress")
    );

    // `synchronize_all` takes the inventory, which the control API sets.
    let sap = cckm_sync::endpoints::find("sap").unwrap();
    api.server.set_inventory(
        CloudFamily::Sap,
        cckm_sync::ScopeItems::new(["g-1", "g-2", "g-3"]).unwrap(),
    );
    let job = api.start_job(sap, json!({"synchronize_all": true})).await.job(sap);
    assert_eq!(job.scope.groups.as_deref().unwrap().len(), 3);
}

#[tokio::test]
async fn a_cancelled_job_sets_abort_at_once_and_ends_aborted_when_its_current_item_ends() {
    let api = paused().await;
    let aws = cckm_sync::endpoints::find("aws-keys").unwrap();
    let job = api
        .start_job(
            aws,
            json!({"kms": ["kms"], "regions": ["us-east-1", "eu-west-1", "ap-south-1"]}),
        )
        .await
        .job(aws);
    api.server.advance_clock(Duration::from_secs(12)); // the first of three items ended at 10 s
    let cancelled = api.cancel_job(aws, job.id).await.job(aws);
    assert!(cancelled.abort && cancelled.is_cancelling());
    assert_eq!(cancelled.overall_status, JobStatus::InProgress);
    // A second cancel of a job that winds down changes nothing.
    assert_eq!(api.cancel_job(aws, job.id).await.job(aws), cancelled);

    api.server.advance_clock(Duration::from_secs(8)); // the second item's end, at 20 s
    let ended = api.get_job(aws, job.id).await.job(aws);
    assert_eq!(ended.overall_status.as_str(), "aborted");
    assert!(ended.abort && ended.was_cancelled());
    let detailed = ended.detailed_status.unwrap();
    assert_eq!(
        detailed.get("123456789012/us-east-1"),
        Some("region synchronized successfully")
    );
    assert_eq!(detailed.get("123456789012/eu-west-1"), Some("in_progress"));
    assert_eq!(detailed.get("123456789012/ap-south-1"), Some("in_progress"));
    assert_eq!(
        ended.completed_at,
        Some(job.created_at + chrono::TimeDelta::seconds(20))
    );

    // An ended job cannot be cancelled.
    let message = api.cancel_job(aws, job.id).await.error_message(409, CONFLICT.code_desc);
    assert!(message.contains("aborted"), "{message}");
}

#[tokio::test]
async fn a_cancel_during_the_last_item_lets_the_job_complete_with_abort_set() {
    let api = paused().await;
    let dsm = cckm_sync::endpoints::find("dsm").unwrap();
    let job = api.start_job(dsm, json!({"domains": ["d-1"]})).await.job(dsm);
    api.server.advance_clock(Duration::from_secs(1));
    api.cancel_job(dsm, job.id).await.job(dsm);
    api.server.advance_clock(DURATION);
    let ended = api.get_job(dsm, job.id).await.job(dsm);
    assert_eq!(ended.overall_status, JobStatus::Completed);
    assert!(ended.abort);
    assert_eq!(
        ended.detailed_status.unwrap().get("d-1"),
        Some("domain synchronized successfully")
    );
}

#[tokio::test]
async fn a_start_while_a_job_of_the_same_endpoint_runs_is_refused_with_409() {
    let api = paused().await;
    for endpoint in every_endpoint() {
        let first = api
            .start_job(endpoint, json!({"synchronize_all": true}))
            .await
            .job(endpoint);
        let message = api
            .start_job(endpoint, json!({"synchronize_all": true}))
            .await
            .error_message(409, CONFLICT.code_desc);
        assert!(message.contains(&first.id.to_string()), "{message}");
    }
    // Another endpoint of the same family is free: every endpoint refused only itself above.
    api.server.advance_clock(DURATION);
    let aws = cckm_sync::endpoints::find("aws-keys").unwrap();
    assert_eq!(api.start_job(aws, json!({"synchronize_all": true})).await.status, 201);
}

#[tokio::test]
async fn what_the_start_request_types_refuse_is_a_400_naming_the_json_path() {
    let api = paused().await;
    let aws = cckm_sync::endpoints::find("aws-keys").unwrap();
    for (body, expected) in [
        (json!({"kms": ["a", 5]}), "/kms/1: "),
        (json!({"kms": ["kms"], "synchronize_all": true}), "mutually exclusive"),
        (json!({}), "expected `kms`"),
        (json!({"kms": []}), "/kms: empty list"),
        (json!({"kms": ["kms"], "regions": []}), "/regions: empty list"),
        (json!([1]), "invalid type"),
    ] {
        let message = api
            .start_job(aws, body.clone())
            .await
            .error_message(400, BAD_REQUEST.code_desc);
        assert!(message.contains(expected), "{body}: {message}");
    }
    let message = api
        .raw(
            Method::POST,
            &aws.collection_path(),
            Some(&api.token),
            Some("{\"kms\": [".to_owned()),
        )
        .await
        .error_message(400, BAD_REQUEST.code_desc);
    assert!(message.contains("EOF"), "{message}");
    // Nothing was started.
    assert_eq!(api.list(aws, "").await.page(aws).total, 0);
}

#[tokio::test]
async fn a_scope_beyond_the_bound_is_refused_with_400_before_any_work_and_one_at_it_runs() {
    let api = paused().await;
    let aws = cckm_sync::endpoints::find("aws-keys").unwrap();
    let names = |prefix: &str, count: usize| (0..count).map(|i| format!("{prefix}-{i}")).collect::<Vec<_>>();
    // 101 × 100 items: one more row than the bound of 10,000.
    let message = api
        .start_job(aws, json!({"kms": names("kms", 101), "regions": names("r", 100)}))
        .await
        .error_message(400, BAD_REQUEST.code_desc);
    assert!(
        message.contains("10100 items") && message.contains("10000"),
        "{message}"
    );
    assert_eq!(api.list(aws, "").await.page(aws).total, 0, "nothing was started");

    // 100 × 100: every item is there, and half of them end at half the duration.
    let job = api
        .start_job(aws, json!({"kms": names("kms", 100), "regions": names("r", 100)}))
        .await
        .job(aws);
    assert_eq!(job.detailed_status.as_ref().unwrap().len(), 10_000);
    api.server.advance_clock(DURATION / 2);
    let halfway = api.get_job(aws, job.id).await.job(aws);
    let detailed = halfway.detailed_status.unwrap();
    assert_eq!(detailed.len(), 10_000);
    let done = aws.family.spec().progress.item_done;
    assert_eq!(detailed.iter().filter(|(_, text)| *text == done).count(), 5_000);
}

#[tokio::test]
async fn an_unknown_job_is_404_and_a_malformed_id_is_400_on_get_and_cancel() {
    let api = paused().await;
    let google = cckm_sync::endpoints::find("google").unwrap();
    let aws = cckm_sync::endpoints::find("aws-keys").unwrap();
    let unknown = uuid::Uuid::new_v4();
    let message = api
        .get_job(google, unknown)
        .await
        .error_message(404, NOT_FOUND.code_desc);
    assert!(message.contains(&unknown.to_string()), "{message}");
    api.cancel_job(google, unknown).await.error(404);

    // A job is found only under its own endpoint.
    let job = api.start_job(aws, json!({"kms": ["kms"]})).await.job(aws);
    api.get_job(google, job.id).await.error(404);

    for id in [
        "not-a-uuid",
        "0ea5d52e387c44fab07921c8b768f77b",
        "%7B0ea5d52e-387c-44fa-b079-21c8b768f77b%7D",
    ] {
        for operation in [Operation::Get, Operation::Cancel] {
            let method = if operation == Operation::Get {
                Method::GET
            } else {
                Method::POST
            };
            let reply = api.call(method, &path_with(google, operation, id), None).await;
            let message = reply.error_message(400, INVALID_PARAMETER.code_desc);
            assert!(message.starts_with("id: "), "{message}");
        }
    }
}

#[tokio::test]
async fn jobs_of_the_system_clock_progress_on_their_own() {
    // No pause: a zero duration ends every job at once, without waiting.
    let api = Api::with(MockServer::builder().job_duration(Duration::ZERO)).await;
    let oci = cckm_sync::endpoints::find("oci").unwrap();
    let job = api.start_job(oci, json!({"vaults": ["v-1"]})).await.job(oci);
    assert_eq!(job.overall_status, JobStatus::Completed);
    assert_eq!(
        job.detailed_status.unwrap().get("v-1"),
        Some("vault synchronized successfully")
    );
    // And the next start is free at once.
    assert_eq!(api.start_job(oci, json!({"vaults": ["v-1"]})).await.status, 201);
}
