//! Faults over HTTP: injected statuses with Retry-After, stalls, closed connections, failed
//! jobs and a newer server's answers; and the control API that sets them.

mod support;

use std::time::Duration;

use cckm_sync::endpoints;
use cckm_sync::{JobStatus, StrictError, SyncJob, SyncJobPage};
use cckm_sync_mock::{Call, Fault, MockServer};
use reqwest::Method;
use serde_json::json;
use support::Api;

#[tokio::test]
async fn the_next_calls_answer_the_injected_status_then_the_server_recovers() {
    let api = Api::start().await;
    let aws = endpoints::find("aws-keys").unwrap();
    let dsm = endpoints::find("dsm").unwrap();
    api.server
        .inject(
            Fault::status(503)
                .retry_after(Duration::from_secs(2))
                .on(Call::List)
                .endpoint("aws-keys")
                .times(2),
        )
        .unwrap();
    api.server
        .inject(Fault::status(429).retry_after(Duration::from_secs(1)).on(Call::Token))
        .unwrap();
    api.list(dsm, "").await.page(dsm);
    for _ in 0..2 {
        let reply = api.list(aws, "").await;
        let error = reply.error(503);
        assert_eq!(error.code_desc.as_deref(), Some("NCERRInternalServerError"));
        assert_eq!(reply.header("retry-after"), Some("2"));
    }
    api.list(aws, "").await.page(aws);

    let body = json!({"grant_type": "password", "username": "admin", "password": "admin"}).to_string();
    let reply = api
        .raw(Method::POST, "/api/v1/auth/tokens", None, Some(body.clone()))
        .await;
    reply.error_message(429, "NCERRTooManyRequests");
    assert_eq!(reply.header("retry-after"), Some("1"));
    assert_eq!(
        api.raw(Method::POST, "/api/v1/auth/tokens", None, Some(body))
            .await
            .status,
        200
    );
    assert!(api.server.faults().is_empty());
}

#[tokio::test]
async fn a_stall_delays_the_answer_and_a_close_drops_the_connection_without_one() {
    let api = Api::start().await;
    let google = endpoints::find("google").unwrap();
    api.server
        .inject(Fault::stall(Duration::from_secs(30)).on(Call::List))
        .unwrap();
    let url = format!("{}{}", api.server.base_url(), google.collection_path());
    let error = api
        .http
        .get(&url)
        .bearer_auth(&api.token)
        .timeout(Duration::from_millis(300))
        .send()
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error:?}");

    api.server.inject(Fault::close_connection().on(Call::Get)).unwrap();
    let error = api
        .http
        .get(format!(
            "{}{}",
            api.server.base_url(),
            google.job_path(uuid::Uuid::new_v4())
        ))
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap_err();
    assert!(
        error.is_request() || error.is_connect() || error.to_string().contains("connection"),
        "{error:?}"
    );
    // The server goes on, and recorded the request without an answer.
    api.list(google, "").await.page(google);
    let closed =
        api.server.received_requests().into_iter().find(|request| {
            request.path.contains(&google.path[..10]) && request.method == "GET" && request.status == 0
        });
    assert!(closed.is_some(), "{:?}", api.server.received_requests());
}

#[tokio::test]
async fn an_injected_failure_ends_an_item_with_the_familys_error_text_and_the_job_failed() {
    let api = Api::with(MockServer::builder().job_duration(Duration::from_secs(10))).await;
    api.server.pause_clock();
    let salesforce = endpoints::find("salesforce-keys").unwrap();
    api.server
        .inject(Fault::fail_job("").endpoint("salesforce-keys"))
        .unwrap();
    let job = api
        .start_job(salesforce, json!({"organization_ids": ["00DA", "00DB"]}))
        .await
        .job(salesforce);
    api.server.advance_clock(Duration::from_secs(10));
    let ended = api.get_job(salesforce, job.id).await.job(salesforce);
    assert_eq!(ended.overall_status, JobStatus::Failed);
    let detailed = ended.detailed_status.unwrap();
    assert_eq!(detailed.get("00DA"), Some("organization synchronized successfully"));
    // The vendor's exact text for Salesforce.
    assert_eq!(detailed.get("00DB"), Some("Error listing keys from SFDC: "));

    let sap = endpoints::find("sap").unwrap();
    api.server.inject(Fault::fail_job("403 Forbidden").item("g-1")).unwrap();
    let job = api.start_job(sap, json!({"groups": ["g-1", "g-2"]})).await.job(sap);
    api.server.advance_clock(Duration::from_secs(10));
    let ended = api.get_job(sap, job.id).await.job(sap);
    assert_eq!(ended.overall_status.as_str(), "failed");
    assert_eq!(
        ended.detailed_status.unwrap().get("g-1"),
        Some("Error listing keys from SAP: 403 Forbidden")
    );
}

#[tokio::test]
async fn a_newer_server_answers_with_an_unknown_field_and_status_that_still_parse_and_validate() {
    let api = Api::start().await;
    let oci = endpoints::find("oci").unwrap();
    let job = api.start_job(oci, json!({"vaults": ["v"]})).await.job(oci);
    api.server.inject(Fault::newer_server().times(2)).unwrap();
    let reply = api.get_job(oci, job.id).await;
    support::assert_valid("OciSyncJob", &reply.body);
    let newer: SyncJob = cckm_sync::from_slice(&reply.raw).unwrap();
    assert_eq!(newer.overall_status.as_str(), "queued");
    assert_eq!(
        newer.unknown_fields.get("priority").map(cckm_sync::RawJson::as_str),
        Some(r#""high""#)
    );
    let Err(StrictError::Unknown(found)) = cckm_sync::from_slice_strict::<SyncJob>(&reply.raw) else {
        panic!("a strict parse must report what is new");
    };
    assert_eq!(found.len(), 2, "{found:?}");

    let reply = api.list(oci, "").await;
    support::assert_valid("OciSyncJobPage", &reply.body);
    let page: SyncJobPage = cckm_sync::from_slice(&reply.raw).unwrap();
    assert!(page.unknown_fields.contains_key("priority"));
    // Used up: the next answer is the job again.
    assert_eq!(
        api.get_job(oci, job.id).await.job(oci).overall_status.as_str(),
        "in_progress"
    );
}

#[tokio::test]
async fn faults_are_set_listed_and_cleared_through_the_control_api() {
    let api = Api::start().await;
    let url = |path: &str| format!("{}/__mock{path}", api.server.base_url());
    let added = api
        .http
        .post(url("/faults"))
        .json(&json!({"kind": "status", "status": 500, "call": "cancel", "times": 3}))
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), 200);
    assert_eq!(api.server.faults(), [Fault::status(500).on(Call::Cancel).times(3)]);
    for (fault, expected) in [
        (json!({"kind": "status", "status": 404}), "429 or 500 to 599"),
        (
            json!({"kind": "newer_server", "field": "abort", "value": 1, "status": "x"}),
            "models",
        ),
        (json!({"kind": "stall"}), "millis"),
        (
            json!({"kind": "status", "status": 500, "endpoint": "luna"}),
            "no endpoint",
        ),
    ] {
        let response = api.http.post(url("/faults")).json(&fault).send().await.unwrap();
        assert_eq!(response.status(), 400, "{fault}");
        let error: cckm_sync::ApiError = response.json().await.unwrap();
        assert!(error.message.unwrap().contains(expected), "{fault}");
    }
    let cleared = api.http.delete(url("/faults")).send().await.unwrap();
    assert_eq!(cleared.json::<serde_json::Value>().await.unwrap(), json!([]));
    assert!(api.server.faults().is_empty());
}
