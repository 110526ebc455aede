//! HTTP beyond the job calls: unknown paths, wrong methods with `Allow`, bodies too large,
//! TLS with the self-signed certificate, recorded requests, reset, and shutdown on drop.

mod support;

use std::time::Duration;

use cckm_sync::endpoints::{self, BAD_REQUEST, METHOD_NOT_ALLOWED, NOT_FOUND, PAYLOAD_TOO_LARGE};
use cckm_sync_mock::MockServer;
use reqwest::Method;
use serde_json::json;
use support::Api;

#[tokio::test]
async fn unknown_paths_are_404_and_wrong_methods_405_with_allow_all_with_the_vendor_body() {
    let api = Api::start().await;
    for path in [
        "/",
        "/api/v1",
        "/api/v1/cckm/luna/refresh",
        "/api/v1/cckm/aws/synchronization-jobs/x/y/z",
        "/__mock/nothing",
    ] {
        api.call(Method::GET, path, None)
            .await
            .error_message(404, NOT_FOUND.code_desc);
    }
    let aws = endpoints::find("aws-keys").unwrap();
    let id = uuid::Uuid::new_v4();
    for (method, path, allow) in [
        (Method::PUT, aws.collection_path(), "GET, POST"),
        (Method::DELETE, aws.collection_path(), "GET, POST"),
        (Method::POST, aws.job_path(id), "GET"),
        (Method::GET, aws.cancel_path(id), "POST"),
        (Method::GET, "/api/v1/auth/tokens".to_owned(), "POST"),
        (
            Method::from_bytes(b"QUERY").unwrap(),
            aws.collection_path(),
            "GET, POST",
        ),
        (Method::OPTIONS, aws.job_path(id), "GET"),
    ] {
        let reply = api.call(method.clone(), &path, None).await;
        reply.error_message(405, METHOD_NOT_ALLOWED.code_desc);
        assert_eq!(reply.header("allow"), Some(allow), "{method} {path}");
    }
}

#[tokio::test]
async fn what_the_http_layer_refuses_on_its_own_has_the_vendor_body_too() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let api = Api::start().await;
    let long_uri = format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(70_000));
    let large_headers = format!("GET / HTTP/1.1\r\nHost: x\r\nX-A: {}\r\n\r\n", "b".repeat(500_000));
    let invalid_byte = "GET /a\u{1}b HTTP/1.1\r\nHost: x\r\n\r\n".to_owned();
    for (request, status) in [(long_uri, 414), (large_headers, 431), (invalid_byte, 400)] {
        let mut connection = tokio::net::TcpStream::connect(api.server.address()).await.unwrap();
        // The server may answer (and close) before it has read everything.
        let _ = connection.write_all(request.as_bytes()).await;
        let mut answer = Vec::new();
        let _ = connection.read_to_end(&mut answer).await;
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.starts_with(&format!("HTTP/1.1 {status} ")), "{answer}");
        assert!(answer.contains("content-type: application/json\r\n"), "{answer}");
        let body = answer.split_once("\r\n\r\n").unwrap().1;
        let error: cckm_sync::ApiError = cckm_sync::from_slice_strict(body.as_bytes()).unwrap();
        assert_eq!(error.code_desc.as_deref(), Some(BAD_REQUEST.code_desc), "{body}");
        support::assert_valid("ApiError", &serde_json::from_str(body).unwrap());
    }
}

#[tokio::test]
async fn a_body_larger_than_the_limit_is_413() {
    let api = Api::start().await;
    let aws = endpoints::find("aws-keys").unwrap();
    let big = format!("{{\"kms\": [\"{}\"]}}", "k".repeat(MockServer::BODY_LIMIT));
    let reply = api
        .raw(Method::POST, &aws.collection_path(), Some(&api.token), Some(big))
        .await;
    reply.error_message(413, PAYLOAD_TOO_LARGE.code_desc);
}

#[tokio::test]
async fn tls_serves_with_a_self_signed_certificate_that_a_client_can_trust() {
    let api = Api::with(MockServer::builder().tls(true)).await;
    assert!(api.server.base_url().starts_with("https://127.0.0.1:"));
    let pem = api.server.certificate_pem().unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
    let aws = endpoints::find("aws-keys").unwrap();
    api.list(aws, "").await.page(aws);
    // By name as well as by address.
    let url = format!(
        "https://localhost:{}{}",
        api.server.address().port(),
        aws.collection_path()
    );
    let response = api.http.get(&url).bearer_auth(&api.token).send().await.unwrap();
    assert_eq!(response.status(), 200);
    // A client that does not trust the certificate is refused.
    let untrusting = support::http_client(None);
    let error = untrusting.get(&url).send().await.unwrap_err();
    assert!(error.is_connect() || error.is_request(), "{error:?}");
}

#[tokio::test]
async fn requests_are_recorded_with_their_status_and_reset_forgets_everything() {
    let api = Api::start().await;
    let dsm = endpoints::find("dsm").unwrap();
    api.server.clear_received_requests();
    api.start_job(dsm, json!({"domains": ["d-1"]})).await.job(dsm);
    api.list(dsm, "limit=5").await.page(dsm);
    let requests = api.server.received_requests();
    assert_eq!(requests.len(), 2);
    assert_eq!((requests[0].method.as_str(), requests[0].status), ("POST", 201));
    assert_eq!(requests[0].body_text(), json!({"domains": ["d-1"]}).to_string());
    assert!(requests[0].header("authorization").unwrap().starts_with("Bearer "));
    assert_eq!(
        (requests[1].query.as_deref(), requests[1].status),
        (Some("limit=5"), 200)
    );

    // Over HTTP, as a list; control calls are not recorded.
    let listed: serde_json::Value = api
        .http
        .get(format!("{}/__mock/requests", api.server.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert_eq!(listed[0]["path"], dsm.collection_path());

    let reset = api
        .http
        .post(format!("{}/__mock/reset", api.server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), 200);
    assert!(api.server.received_requests().is_empty());
    assert_eq!(api.server.job_count(), 0);
}

#[tokio::test]
async fn the_clock_is_paused_advanced_and_resumed_over_http() {
    let api = Api::start().await;
    let url = |path: &str| format!("{}/__mock/clock{path}", api.server.base_url());
    let paused: serde_json::Value = api
        .http
        .post(url("/pause"))
        .json(&json!({"at": "2030-01-01T00:00:00Z"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(paused, json!({"now": "2030-01-01T00:00:00Z", "paused": true}));
    let advanced: serde_json::Value = api
        .http
        .post(url("/advance"))
        .json(&json!({"by": "1m 30s"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(advanced["now"], "2030-01-01T00:01:30Z");
    let bad = api
        .http
        .post(url("/advance"))
        .json(&json!({"by": "soon"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let resumed: serde_json::Value = api
        .http
        .post(url("/resume"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(resumed["paused"], false);
}

#[tokio::test]
async fn a_dropped_server_of_its_own_stops_listening_and_a_shut_down_one_too() {
    let server = MockServer::builder().start().unwrap();
    let address = server.address();
    drop(server);
    assert!(tokio::net::TcpStream::connect(address).await.is_err());

    let server = MockServer::start();
    let address = server.address();
    tokio::time::timeout(Duration::from_secs(10), server.shutdown())
        .await
        .unwrap();
    assert!(tokio::net::TcpStream::connect(address).await.is_err());
}

#[tokio::test]
async fn a_dropped_pooled_server_closes_its_connections_and_comes_back_fresh() {
    let server = MockServer::start();
    let address = server.address();
    server.pause_clock();
    let mut connection = tokio::net::TcpStream::connect(address).await.unwrap();
    drop(server);

    // The connection of the last test is closed: reading it ends.
    let mut byte = [0u8; 1];
    let read = tokio::time::timeout(
        Duration::from_secs(10),
        tokio::io::AsyncReadExt::read(&mut connection, &mut byte),
    )
    .await
    .unwrap();
    assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
    // Whichever server of the pool the next test gets, it is fresh.
    let next = MockServer::start();
    assert!(!next.clock().paused);
    assert_eq!(next.job_count(), 0);
}
