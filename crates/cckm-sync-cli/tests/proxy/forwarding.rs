//! Calls forwarded unchanged and checked on the way: the report and the recording agree, the
//! newer-server fault is drift and nothing else, `--strict` answers 502, and a flood of new
//! drift stays within the report's bounds.

use std::time::Duration;

use cckm_sync::{ApiError, AwsSyncJob, AwsSyncJobPage};
use cckm_sync_mock::{Call, Fault, MockServer};
use serde_json::{Value, json};

use crate::support::{Server, client, jwt, validate_json};
use crate::{Session, aws, strs};

#[tokio::test(flavor = "multi_thread")]
async fn calls_reach_the_mock_unchanged_and_the_recording_validates_as_the_report_says() {
    let mock = MockServer::builder()
        .credentials("ops", "s3cret-pw")
        .job_duration(Duration::from_secs(60))
        // The header must reach the mock as the client sent it.
        .record_credentials(true)
        .start()
        .unwrap();
    mock.pause_clock();
    let session = Session::new();
    let proxy = Server::proxy(&mock.base_url(), &strs(&session.args()));
    let client = client();
    let url = &proxy.url();
    let jwt = jwt(&client, &proxy.api_url(), "ops", "s3cret-pw").await;

    let started = client
        .post(format!("{url}{}", aws().collection_path()))
        .bearer_auth(&jwt)
        .header("x-trace", "t-1")
        .body(r#"{"kms": ["kms-1"], "regions": ["us-east-1"]}"#)
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), 201);
    let job: AwsSyncJob = started.json().await.unwrap();
    let got = client
        .get(format!("{url}{}", aws().job_path(job.id)))
        .bearer_auth(&jwt)
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    let listed = client
        .get(format!("{url}{}?kms=kms-1&limit=5", aws().collection_path()))
        .bearer_auth(&jwt)
        .send()
        .await
        .unwrap();
    let page: AwsSyncJobPage = listed.json().await.unwrap();
    assert_eq!(page.resources[0].id, job.id);
    let cancelled = client
        .post(format!("{url}{}", aws().cancel_path(job.id)))
        .bearer_auth(&jwt)
        .send()
        .await
        .unwrap();
    assert_eq!(cancelled.status(), 200);
    // A bad body is forwarded too: the server refuses it, the proxy reports the request.
    let refused = client
        .post(format!("{url}{}", aws().collection_path()))
        .bearer_auth(&jwt)
        .json(&json!({"kms": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    let other = client
        .get(format!("{url}/api/v1/usermgmt/users?limit=1"))
        .bearer_auth(&jwt)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 404);

    // What the mock received is what the client sent.
    let received = mock.received_requests();
    let start = received
        .iter()
        .find(|request| request.header("x-trace") == Some("t-1"))
        .unwrap();
    assert_eq!(start.method, "POST");
    assert_eq!(start.path, aws().collection_path());
    assert_eq!(start.body_text(), r#"{"kms": ["kms-1"], "regions": ["us-east-1"]}"#);
    assert_eq!(start.header("authorization"), Some(format!("Bearer {jwt}").as_str()));
    let list = received
        .iter()
        .find(|request| request.query.is_some() && request.method == "GET")
        .unwrap();
    assert_eq!(list.query.as_deref(), Some("kms=kms-1&limit=5"));
    let last = received.last().unwrap();
    assert_eq!(
        (last.path.as_str(), last.query.as_deref()),
        ("/api/v1/usermgmt/users", Some("limit=1"))
    );
    assert_eq!(received.len(), 7);

    let (status, stderr) = proxy.stop();
    assert_eq!(status.code(), Some(1), "a request broke the contract: {stderr}");
    assert!(stderr.contains("request: /kms: empty list"), "{stderr}");
    let report: Value = serde_json::from_slice(&std::fs::read(&session.report).unwrap()).unwrap();
    assert_eq!(report["totals"]["cases"], 12, "{report:#}");
    assert_eq!(report["totals"]["failed"], 1);
    assert_eq!(report["totals"]["other_calls"], 1);

    let har = std::fs::read_to_string(&session.har).unwrap();
    assert!(
        !har.contains("s3cret-pw") && !har.contains(&jwt),
        "credentials are redacted"
    );
    let (code, validated) = validate_json(&[], [&session.har]);
    assert_eq!(code, 1);
    for total in ["cases", "passed", "failed", "skipped", "other_calls", "contract_bugs"] {
        assert_eq!(validated["totals"][total], report["totals"][total], "{total}");
    }
    let failed: Vec<&Value> = validated["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|case| case["verdict"] == "fail")
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["source"]["entry"]["index"], 5);
    assert_eq!(failed[0]["source"]["entry"]["method"], "POST");
    assert_eq!(failed[0]["failures"][0]["pointer"], "/kms");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_newer_server_fault_shows_up_as_drift_and_nothing_else() {
    let mock = MockServer::start();
    mock.inject(Fault::newer_server().times(100)).unwrap();
    let session = Session::new();
    let proxy = Server::proxy(&mock.api_url(), &strs(&session.args()));
    let client = client();
    let url = &proxy.url();
    let jwt = jwt(&client, &proxy.api_url(), "admin", "admin").await;
    let job: Value = client
        .post(format!("{url}{}", aws().collection_path()))
        .bearer_auth(&jwt)
        .json(&json!({"synchronize_all": true}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(job["overall_status"], "queued");
    let id: uuid::Uuid = job["id"].as_str().unwrap().parse().unwrap();
    for path in [aws().job_path(id), aws().collection_path()] {
        assert_eq!(
            client
                .get(format!("{url}{path}"))
                .bearer_auth(&jwt)
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
    }
    let (status, stderr) = proxy.stop();
    assert!(status.success(), "drift is a warning: {stderr}");
    assert!(stderr.contains("DRIFT new: job overall_status \"queued\""), "{stderr}");

    let (code, report) = validate_json(&[], [&session.har]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["totals"]["failed"], 0);
    assert_eq!(report["totals"]["contract_bugs"], 0);
    let drift: Vec<String> = report["drift"]
        .as_array()
        .unwrap()
        .iter()
        .map(|drift| format!("{} {} {}", drift["subject"], drift["path"], drift["value"]))
        .collect();
    assert_eq!(
        drift,
        [
            r#""job" "/overall_status" "queued""#,
            r#""job" "/priority" null"#,
            r#""page" "/priority" null"#,
            r#""token_response" "/priority" null"#,
        ]
    );
    let queued = &report["drift"][0];
    assert_eq!(
        queued["occurrences"], 3,
        "the started job, the job read back, the job listed"
    );

    let (code, strict) = validate_json(&["--strict"], [&session.har]);
    assert_eq!(code, 1);
    for case in strict["cases"].as_array().unwrap() {
        if case["verdict"] == "fail" {
            assert!(case["failures"].as_array().unwrap().is_empty(), "{case:#}");
            assert!(!case["drift"].as_array().unwrap().is_empty(), "{case:#}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn strict_answers_502_with_the_violations_and_does_not_forward_a_bad_request() {
    let mock = MockServer::start();
    let proxy = Server::proxy(&mock.base_url(), &["--strict"]);
    let client = client();
    let url = &proxy.url();
    let jwt = jwt(&client, &proxy.api_url(), "admin", "admin").await;

    let refused = client
        .post(format!("{url}{}", aws().collection_path()))
        .bearer_auth(&jwt)
        .json(&json!({"kms": ["kms-1"], "synchronize_all": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 502);
    let error: ApiError = refused.json().await.unwrap();
    assert_eq!(error.code_desc.as_deref(), Some("NCERRContractViolation"));
    let message = error.message.unwrap_or_default();
    assert!(
        message.contains("the request of POST") && message.contains("not forwarded"),
        "{message}"
    );
    assert!(
        !mock
            .received_requests()
            .iter()
            .any(|request| request.method == "POST" && request.path == aws().collection_path()),
        "a request that breaks the contract is not forwarded"
    );

    mock.inject(Fault::newer_server().on(Call::List)).unwrap();
    let listed = client
        .get(format!("{url}{}", aws().collection_path()))
        .bearer_auth(&jwt)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), 502);
    let error: ApiError = listed.json().await.unwrap();
    assert!(error.message.unwrap_or_default().contains("response to GET"));
    let violations = error
        .unknown_fields
        .get("violations")
        .unwrap()
        .parse::<Vec<String>>()
        .unwrap();
    assert_eq!(violations, ["response drift: /priority: unknown field"]);

    // The fault is used up: the next list passes through.
    let listed = client
        .get(format!("{url}{}", aws().collection_path()))
        .bearer_auth(&jwt)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), 200);
    let (status, stderr) = proxy.stop();
    assert_eq!(status.code(), Some(1), "{stderr}");
}

/// A stranger's flood of new query parameter names, long ones: what the proxy keeps and logs
/// stays within the report's bounds, and the rest is counted.
#[tokio::test(flavor = "multi_thread")]
async fn a_flood_of_new_drift_is_kept_logged_and_quoted_within_bounds() {
    use cckm_sync_contract::{MAX_DRIFT_KINDS, MAX_NEW_DRIFT_ANNOUNCED, MAX_QUOTE};
    const REQUESTS: usize = 30;
    const NAMES: usize = 40;
    let mock = MockServer::start();
    let session = Session::new();
    let proxy = Server::proxy(&mock.api_url(), &strs(&session.args()));
    let client = client();
    let url = &proxy.url();
    let jwt = jwt(&client, &proxy.api_url(), "admin", "admin").await;
    let long = "x".repeat(MAX_QUOTE + 50);
    for request in 0..REQUESTS {
        let query: Vec<String> = (0..NAMES)
            .map(|name| format!("p{request:03}-{name:03}-{long}=1"))
            .collect();
        let answer = client
            .get(format!("{url}{}?{}", aws().collection_path(), query.join("&")))
            .bearer_auth(&jwt)
            .send()
            .await
            .unwrap();
        assert!(answer.status().as_u16() < 500, "{}", answer.status());
    }
    // A call that fails, its URL 20,000 characters long: its line quotes the URL short.
    let value = "v".repeat(20_000);
    let answer = client
        .get(format!(
            "{url}{}?limit=abc&p000-000-{long}={value}",
            aws().collection_path()
        ))
        .bearer_auth(&jwt)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 400);
    let (status, stderr) = proxy.stop();
    assert!(!status.success(), "a call failed: {stderr}");
    assert!(
        stderr
            .lines()
            .any(|line| line.starts_with("FAIL  call ") && line.contains("query parameter limit")),
        "{stderr}"
    );

    let announced = stderr
        .lines()
        .filter(|line| line.starts_with("DRIFT new: list query parameter"))
        .count();
    assert_eq!(announced, MAX_NEW_DRIFT_ANNOUNCED, "{stderr}");
    assert_eq!(
        stderr
            .matches("further ones are counted in the summary and the report")
            .count(),
        1,
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("further kinds are counted as dropped").count(),
        1,
        "{stderr}"
    );
    let dropped = REQUESTS * NAMES - MAX_DRIFT_KINDS;
    assert!(
        stderr.contains(&format!("and {dropped} more drift items, counted and not kept")),
        "{stderr}"
    );
    let longest = stderr.lines().map(|line| line.chars().count()).max().unwrap();
    assert!(longest < 4 * MAX_QUOTE, "a line of {longest} characters: {stderr}");

    let report: Value = serde_json::from_slice(&std::fs::read(&session.report).unwrap()).unwrap();
    let drift = report["drift"].as_array().unwrap();
    assert_eq!(drift.len(), MAX_DRIFT_KINDS);
    assert_eq!(report["drift_dropped"]["occurrences"], dropped);
    assert_eq!(report["drift_dropped"]["beyond_case_bound"], 0);
    assert_eq!(
        report["drift_dropped"]["unannounced"],
        MAX_DRIFT_KINDS - MAX_NEW_DRIFT_ANNOUNCED
    );
    for kind in drift {
        let name = kind["path"].as_str().unwrap();
        assert_eq!(name.chars().count(), MAX_QUOTE, "{name}");
        assert!(name.ends_with('…'), "{name}");
        let first = kind["first_seen"]["entry"]["url"].as_str().unwrap();
        assert!(first.chars().count() <= MAX_QUOTE, "{first}");
    }
}
