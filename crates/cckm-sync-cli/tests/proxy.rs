//! `cckm-sync proxy` in front of the mock, over real sockets: calls forwarded unchanged, the
//! recording read back by `cckm-sync validate`, the newer-server fault seen as drift and
//! nothing else, `--strict`, and an upstream that is down, stalled, answers 500 or hangs up.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use cckm_sync::endpoints::{self, Endpoint};
use cckm_sync::{ApiError, AwsSyncJob, AwsSyncJobPage};
use cckm_sync_mock::{Call, Fault, MockServer};
use serde_json::{Value, json};

pub mod support;

use support::{Server, client, jwt, program, token, validate_json};

fn aws() -> &'static Endpoint {
    endpoints::find("aws-keys").unwrap()
}

struct Session {
    _dir: tempfile::TempDir,
    har: PathBuf,
    report: PathBuf,
}

impl Session {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        Self {
            har: dir.path().join("traffic.har"),
            report: dir.path().join("report.json"),
            _dir: dir,
        }
    }

    fn args(&self) -> Vec<String> {
        vec![
            "--har".to_owned(),
            self.har.display().to_string(),
            "--report".to_owned(),
            self.report.display().to_string(),
        ]
    }
}

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

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
    assert!(
        stderr.contains("ERROR call 0 GET /api/v1/cckm/aws/synchronization-jobs: cannot connect"),
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

#[tokio::test(flavor = "multi_thread")]
async fn a_proxy_killed_without_warning_leaves_a_har_and_a_report_that_read() {
    let mock = MockServer::start();
    let session = Session::new();
    let proxy = Server::proxy(&mock.base_url(), &strs(&session.args()));
    // Before any call, the report is a whole one already.
    let report: Value = serde_json::from_slice(&std::fs::read(&session.report).unwrap()).unwrap();
    assert_eq!(report["ok"], true, "{report:#}");
    for _ in 0..2 {
        let answer = client()
            .get(format!("{}{}", proxy.url(), aws().collection_path()))
            .header("authorization", mock.authorization())
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
    }
    // The report is written again once calls were checked: wait (bounded) until it shows both.
    let deadline = Instant::now() + Duration::from_secs(30);
    let report = loop {
        let report: Value = serde_json::from_slice(&std::fs::read(&session.report).unwrap()).unwrap();
        if report["cases"].as_array().map_or(0, Vec::len) == 4 {
            break report;
        }
        assert!(
            Instant::now() < deadline,
            "the report never showed the calls: {report:#}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(report["ok"], true, "{report:#}");
    // SIGKILL: no chance to finish anything.
    let _ = proxy.signal("-KILL");
    let (code, validated) = validate_json(&[], [&session.har]);
    assert_eq!(code, 0, "{validated:#}");
    assert_eq!(validated["cases"].as_array().map(Vec::len), Some(4), "{validated:#}");
}

/// A recording bounded by `--har-max-size`: the calls that fit are recorded, the first ones,
/// the file stays whole and within its bound, and the calls not recorded are counted.
#[tokio::test(flavor = "multi_thread")]
async fn the_recording_stays_within_har_max_size_and_counts_the_calls_not_recorded() {
    const BOUND: u64 = 4096;
    const CALLS: usize = 12;
    let mock = MockServer::start();
    let session = Session::new();
    let har = session.har.display().to_string();
    let proxy = Server::proxy(&mock.base_url(), &["--har", &har, "--har-max-size", "4KiB"]);
    assert!(
        proxy.line("recording:").ends_with("at most 4 KiB)"),
        "{:?}",
        proxy.banner
    );
    let client = client();
    for skip in 0..CALLS {
        let answer = client
            .get(format!(
                "{}{}?skip={skip}&limit=1",
                proxy.url(),
                aws().collection_path()
            ))
            .header("authorization", mock.authorization())
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200, "call {skip}");
    }
    let stderr = proxy.stop_ok();

    let size = std::fs::metadata(&session.har).unwrap().len();
    assert!(size <= BOUND, "{size} bytes, beyond the bound of {BOUND}");
    let (code, validated) = validate_json(&[], [&session.har]);
    assert_eq!(code, 0, "{validated:#}");
    let cases = validated["cases"].as_array().unwrap();
    // A request and a response each.
    let recorded = cases.len() / 2;
    assert!(
        (1..CALLS).contains(&recorded),
        "{recorded} of {CALLS} calls recorded in {size} bytes"
    );
    // Calls stopped being recorded only once the next could not fit: it would have taken as
    // many bytes as the last one recorded (the same call but for a digit or two), and its
    // separator.
    let file: Value = serde_json::from_slice(&std::fs::read(&session.har).unwrap()).unwrap();
    let last = serde_json::to_string(&file["log"]["entries"][recorded - 1]).unwrap();
    let next = u64::try_from(last.len() + ",\n".len()).unwrap();
    assert!(
        size + next > BOUND,
        "{recorded} calls in {size} bytes, the last of {next}"
    );
    // The first calls, in order.
    for (case, index) in cases.iter().zip((0..recorded).flat_map(|index| [index, index])) {
        let entry = &case["source"]["entry"];
        assert_eq!(entry["index"], index, "{case:#}");
        let url = entry["url"].as_str().unwrap();
        assert!(url.ends_with(&format!("?skip={index}&limit=1")), "{url}");
    }
    // Said once as it happened, and counted in the summary.
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|line| line.contains("reached its bound"))
        .collect();
    assert_eq!(warnings.len(), 2, "{stderr}");
    assert_eq!(
        warnings[0],
        format!(
            "warning: {har} reached its bound of 4 KiB after {recorded} calls: the calls from now on are not \
             recorded (--har-max-size to raise it)"
        )
    );
    assert_eq!(
        warnings[1],
        format!(
            "recorded {recorded} calls to {har}; {} calls not recorded: {har} reached its bound of 4 KiB \
             (--har-max-size)",
            CALLS - recorded
        )
    );
}

/// A bound that cannot hold even an empty HAR file is a failure to start, one line.
#[test]
fn a_har_max_size_below_an_empty_har_file_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let har = dir.path().join("traffic.har").display().to_string();
    let proxy = ["proxy", "--listen", "127.0.0.1:0", "--upstream", "http://127.0.0.1:9"];
    let run = support::Run::of(program(&proxy).args(["--har", &har, "--har-max-size", "20"]));
    run.one_error_line(1, "--har-max-size 20 bytes cannot hold even a HAR file without entries");
    let run = support::Run::of(program(&proxy).args(["--har", &har, "--har-max-size", "0"]));
    assert_eq!(run.code, 2, "{run:#?}");
    assert!(run.stderr.contains("--har-max-size"), "{run:#?}");
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

#[test]
fn bad_flags_are_usage_errors_and_a_bad_upstream_is_one_line() {
    for args in [
        vec!["proxy"],
        vec!["proxy", "--upstream", "http://h", "--insecure", "--ca-cert", "x.pem"],
        vec!["proxy", "--upstream", "http://h", "--timeout", "soon"],
        vec!["proxy", "--upstream", "ftp://h"],
        vec!["proxy", "--upstream", "http://h", "--listen", "nowhere"],
    ] {
        let output = support::output(program(&[]).args(&args));
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&output.stderr).starts_with("error: "));
    }
    let output = support::output(program(&[]).args(["proxy", "--upstream", "ftp://h"]));
    assert!(String::from_utf8_lossy(&output.stderr).contains("must start with http:// or https://"));
    // A CA file that cannot be read is a failure to start: one line, exit 1.
    let output = support::output(program(&[]).args(["proxy", "--listen", "127.0.0.1:0"]).args([
        "--upstream",
        "https://h",
        "--ca-cert",
        "/no/such.pem",
    ]));
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: ") && stderr.contains("cannot read /no/such.pem"),
        "{stderr}"
    );
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
