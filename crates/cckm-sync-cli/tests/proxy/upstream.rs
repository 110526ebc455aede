//! An upstream that is down, stalled, streams a body without end, answers 500, hangs up, or
//! speaks HTTPS with a certificate of its own: what the client gets, within what time.

use std::time::{Duration, Instant};

use cckm_sync::ApiError;
use cckm_sync_mock::{Call, Fault, MockServer};
use serde_json::Value;

use crate::support::{Server, client, token, validate_json};
use crate::{Session, aws, strs};

/// A port nothing listens on.
fn closed_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{address}")
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upstream_that_is_down_is_a_502_at_once_and_fails_the_run() {
    let session = Session::new();
    let proxy = Server::proxy(&closed_port(), &strs(&session.args()));
    let client = client();
    let started = Instant::now();
    let answer = client
        .get(format!("{}{}", proxy.url(), aws().collection_path()))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 502);
    assert!(started.elapsed() < Duration::from_secs(10));
    let error: ApiError = answer.json().await.unwrap();
    assert_eq!(error.code_desc.as_deref(), Some("NCERRBadGateway"));
    let message = error.message.unwrap_or_default();
    assert!(
        message.starts_with("cckm-sync proxy: cannot connect to the upstream"),
        "{message}"
    );
    let (status, stderr) = proxy.stop();
    // Nothing could be checked: the run is no success.
    assert_eq!(status.code(), Some(1), "{stderr}");
    // One line for the call the upstream did not answer, and a summary that says so (not
    // "unreadable", which is said of files).
    let about_the_call: Vec<&str> = stderr.lines().filter(|line| line.contains("call 0 ")).collect();
    assert_eq!(about_the_call.len(), 1, "{stderr}");
    assert!(
        about_the_call[0].starts_with("ERROR call 0 GET /api/v1/cckm/aws/synchronization-jobs: cannot connect"),
        "{stderr}"
    );
    assert!(
        stderr.contains("FAIL  2 bodies checked in 1 call: 1 passed, 0 failed, 1 skipped; 1 unanswered\n"),
        "{stderr}"
    );
    let report: Value = serde_json::from_slice(&std::fs::read(&session.report).unwrap()).unwrap();
    assert_eq!(report["totals"]["skipped"], 1, "{report:#}");
    assert_eq!(report["ok"], false, "{report:#}");
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{report:#}");
    assert!(
        errors[0].as_str().unwrap().contains("cannot connect to the upstream"),
        "{report:#}"
    );
    let (code, validated) = validate_json(&[], [&session.har]);
    assert_eq!(code, 0);
    assert_eq!(
        validated["cases"][1]["skipped"],
        "no response: the connection failed or was cancelled"
    );
}

/// Beyond the 100 unanswered calls the report lists, the rest are counted, each one: in the
/// summary and in the report's totals.
#[tokio::test(flavor = "multi_thread")]
async fn every_unanswered_call_is_counted_beyond_the_hundred_listed() {
    const CALLS: usize = 150;
    let session = Session::new();
    let proxy = Server::proxy(&closed_port(), &strs(&session.args()));
    let client = client();
    for _ in 0..CALLS {
        let answer = client
            .get(format!("{}{}", proxy.url(), aws().collection_path()))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 502);
    }
    // While it runs: the report written each second counts every one (wait, bounded, for the
    // writer), where it stopped at the 100 listed until the exit.
    let read_report = || -> Value {
        std::fs::read(&session.report)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or(Value::Null)
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    let running = loop {
        let report = read_report();
        if report["totals"]["unreadable"] == CALLS || Instant::now() > deadline {
            break report;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(running["totals"]["unreadable"], CALLS, "{:#}", running["totals"]);
    assert_eq!(running["errors"].as_array().map(Vec::len), Some(101));
    let (status, stderr) = proxy.stop();
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&format!("; {CALLS} unanswered\n")), "{stderr}");
    let report: Value = serde_json::from_slice(&std::fs::read(&session.report).unwrap()).unwrap();
    assert_eq!(report["totals"]["unreadable"], CALLS, "{:#}", report["totals"]);
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 101);
    assert_eq!(
        errors[100],
        "50 more calls the upstream did not answer (the first 100 are listed)"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stalled_upstream_is_a_504_after_the_timeout() {
    let mock = MockServer::start();
    mock.inject(Fault::stall(Duration::from_secs(30)).on(Call::Get))
        .unwrap();
    let proxy = Server::proxy(&mock.base_url(), &["--timeout", "300ms"]);
    let id = uuid::Uuid::new_v4();
    let started = Instant::now();
    let answer = client()
        .get(format!("{}{}", proxy.url(), aws().job_path(id)))
        .header("authorization", mock.authorization())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 504);
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    let error: ApiError = answer.json().await.unwrap();
    assert_eq!(error.code_desc.as_deref(), Some("NCERRGatewayTimeout"));
    assert!(
        error
            .message
            .unwrap_or_default()
            .contains("did not answer within 300ms")
    );
    let (status, stderr) = proxy.stop();
    assert_eq!(status.code(), Some(1), "an unanswered call fails the run: {stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_timeout_covers_a_streamed_body_too() {
    // A call outside the catalog whose answer's head comes at once and whose body never ends.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0_u8; 4096];
                let _ = socket.read(&mut request).await;
                let _ = socket
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n")
                    .await;
                // Then nothing, for longer than the test.
                tokio::time::sleep(Duration::from_secs(600)).await;
            });
        }
    });
    let proxy = Server::proxy(&upstream, &["--timeout", "500ms"]);
    let answer = client()
        .get(format!("{}/api/v1/usermgmt/users", proxy.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    // Guard only: without the deadline the body never ends.
    let body = tokio::time::timeout(Duration::from_secs(20), answer.bytes()).await;
    let error = body
        .expect("the streamed body outlived the proxy's timeout")
        .unwrap_err();
    assert!(error.is_body() || error.is_decode(), "{error:?}");
    drop(proxy);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upstream_500_is_forwarded_unchanged_and_its_error_body_checked() {
    let mock = MockServer::start();
    mock.inject(Fault::status(500).on(Call::List)).unwrap();
    let session = Session::new();
    let proxy = Server::proxy(&mock.base_url(), &strs(&session.args()));
    let answer = client()
        .get(format!("{}{}", proxy.url(), aws().collection_path()))
        .header("authorization", mock.authorization())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 500);
    let error: ApiError = answer.json().await.unwrap();
    assert_eq!(error.code_desc.as_deref(), Some("NCERRInternalServerError"));
    assert_eq!(error.message.as_deref(), Some("injected fault: 500"));
    let (status, stderr) = proxy.stop();
    assert!(status.success(), "{stderr}");
    let report: Value = serde_json::from_slice(&std::fs::read(&session.report).unwrap()).unwrap();
    let response = &report["cases"][1];
    assert_eq!(response["verdict"], "pass");
    assert_eq!(response["schema"], "schemas/ApiError.schema.json");
    assert_eq!(response["call"]["status"], 500);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upstream_that_hangs_up_is_a_502() {
    let mock = MockServer::start();
    mock.inject(Fault::close_connection().on(Call::List)).unwrap();
    let proxy = Server::proxy(&mock.base_url(), &[]);
    let answer = client()
        .get(format!("{}{}", proxy.url(), aws().collection_path()))
        .header("authorization", mock.authorization())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 502);
    let error: ApiError = answer.json().await.unwrap();
    assert!(error.message.unwrap_or_default().contains("failed to answer"));
    drop(proxy);
}

/// In front of an HTTPS server with a self-signed certificate (as a CipherTrust Manager
/// usually is): refused by default with a 502 that says why, trusted with `--ca-cert`, or
/// with `--insecure`.
#[tokio::test]
async fn an_https_upstream_is_trusted_with_its_ca_or_insecure_and_refused_otherwise() {
    let server = MockServer::builder().tls(true).start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, server.certificate_pem().unwrap()).unwrap();

    let untrusted = Server::proxy(&server.base_url(), &[]);
    let answer = token(&client(), &untrusted.api_url(), "admin", "admin").await;
    assert_eq!(answer.status(), 502);
    let error: ApiError = answer.json().await.unwrap();
    let message = error.message.unwrap_or_default();
    assert!(message.starts_with("cckm-sync proxy"), "{message}");
    assert!(message.contains("certificate"), "{message}");

    let ca_text = ca.display().to_string();
    for args in [vec!["--ca-cert", ca_text.as_str()], vec!["--insecure"]] {
        let proxy = Server::proxy(&server.base_url(), &args);
        let answer = token(&client(), &proxy.api_url(), "admin", "admin").await;
        assert_eq!(answer.status(), 200, "{args:?}");
        let token: cckm_sync::TokenResponse = answer.json().await.unwrap();
        assert!(!token.jwt.is_empty(), "{args:?}");
    }
}
