//! Retries and timeouts: reads are retried on 429, 5xx gateways and lost connections, with
//! `Retry-After` honoured and a bound; starts and cancels are not sent twice; a stalled answer
//! hits the timeout.

mod support;

use std::time::{Duration, Instant};

use cckm_sync::{AwsListSyncJobs, StartJob};
use cckm_sync_client::{Action, Error, RetryPolicy};
use cckm_sync_mock::{Call, Fault, MockServer};
use support::{client_of, mock, requests};

#[tokio::test]
async fn a_read_answered_503_is_retried_after_the_wait_the_server_asks_for() {
    let (server, client) = mock(MockServer::builder()).await;
    let job = client.azure_keys().start(&StartJob::all()).await.unwrap();
    server
        .inject(Fault::status(503).retry_after(Duration::from_secs(1)).on(Call::Get))
        .unwrap();

    let started = Instant::now();
    let read = client.azure_keys().get(job.id).await.unwrap();

    assert_eq!(read.id, job.id);
    assert!(started.elapsed() >= Duration::from_secs(1), "{:?}", started.elapsed());
    let statuses: Vec<u16> = requests(&server, "GET", &job.id.to_string())
        .iter()
        .map(|request| request.status)
        .collect();
    assert_eq!(statuses, [503, 200]);
}

#[tokio::test]
async fn a_list_answered_429_is_retried_after_the_wait_the_server_asks_for() {
    let (server, client) = mock(MockServer::builder()).await;
    server
        .inject(Fault::status(429).retry_after(Duration::from_secs(1)).on(Call::List))
        .unwrap();
    let started = Instant::now();
    client.dsm().list(&cckm_sync::DsmListSyncJobs::new()).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1), "{:?}", started.elapsed());
    let statuses: Vec<u16> = requests(&server, "GET", "/cckm/dsm/refresh")
        .iter()
        .map(|request| request.status)
        .collect();
    assert_eq!(statuses, [429, 200]);
}

#[tokio::test]
async fn a_list_answered_429_and_gateway_errors_is_retried_until_it_succeeds() {
    let (server, client) = mock(MockServer::builder()).await;
    for status in [429, 502, 504] {
        server.inject(Fault::status(status).on(Call::List)).unwrap();
    }
    let page = client.aws_keys().list(&AwsListSyncJobs::new()).await.unwrap();
    assert_eq!(page.total, 0);
    let statuses: Vec<u16> = requests(&server, "GET", "/synchronization-jobs")
        .iter()
        .map(|request| request.status)
        .collect();
    assert_eq!(statuses, [429, 502, 504, 200]);
}

#[tokio::test]
async fn retries_are_bounded_and_the_last_answer_is_the_error() {
    let server = MockServer::start();
    let client = client_of(&server)
        .retry(support::quick_retries().max_retries(2))
        .build()
        .unwrap();
    server.inject(Fault::status(503).on(Call::List).times(10)).unwrap();
    let error = client.aws_keys().list(&AwsListSyncJobs::new()).await.unwrap_err();
    assert_eq!(error.status(), Some(503), "{error}");
    assert_eq!(requests(&server, "GET", "/synchronization-jobs").len(), 3);
    // The message says the call was retried.
    assert_eq!(error.request().map(|request| request.attempts()), Some(3));
    assert!(error.to_string().ends_with(" (sent 3 times)"), "{error}");
}

#[tokio::test]
async fn a_login_retried_until_the_bound_says_how_many_times_it_was_sent() {
    // Arrange: the token call answers 503 more often than the client retries.
    let server = MockServer::start();
    let client = client_of(&server)
        .retry(support::quick_retries().max_retries(2))
        .build()
        .unwrap();
    server.inject(Fault::status(503).on(Call::Token).times(10)).unwrap();

    // Act: a list needs a token first.
    let error = client.aws_keys().list(&AwsListSyncJobs::new()).await.unwrap_err();

    // Assert: the error is the login's, sent three times, and says so; the list was never sent.
    assert_eq!(error.status(), Some(503), "{error}");
    let request = error.request().unwrap();
    assert_eq!((request.action(), request.attempts()), (Action::Login, 3), "{error}");
    assert_eq!(requests(&server, "POST", "/auth/tokens").len(), 3);
    assert!(requests(&server, "GET", "/synchronization-jobs").is_empty());
    assert!(error.to_string().ends_with(" (sent 3 times)"), "{error}");
}

#[tokio::test]
async fn the_502_of_a_strict_proxy_refusing_a_call_that_breaks_the_contract_is_not_retried() {
    // The answer of `cckm-sync proxy --strict` to a call whose answer breaks the contract.
    let proxy = support::scripted(|_, _| {
        (
            502,
            r#"{"codeDesc":"NCERRContractViolation","message":"cckm-sync proxy: the call breaks the contract (--strict)","violations":["response: /resources/0/id: invalid UUID"]}"#
                .to_owned(),
        )
    })
    .await;
    let client = cckm_sync_client::Client::builder(&proxy.url)
        .token("jwt")
        .build()
        .unwrap();
    let error = client.aws_keys().list(&AwsListSyncJobs::new()).await.unwrap_err();
    assert_eq!(error.status(), Some(502), "{error}");
    assert_eq!(proxy.targets.lock().unwrap().len(), 1, "{error}");
    assert!(
        error.to_string().contains("502 Bad Gateway: NCERRContractViolation"),
        "{error}"
    );
    assert!(!error.to_string().contains("sent "), "{error}");
}

#[tokio::test]
async fn a_retry_after_beyond_the_maximum_is_not_waited_for() {
    let server = MockServer::start();
    let client = client_of(&server)
        .retry(RetryPolicy::default().max_retry_after(Duration::from_millis(500)))
        .build()
        .unwrap();
    server
        .inject(Fault::status(429).retry_after(Duration::from_secs(30)).on(Call::List))
        .unwrap();
    let error = client.aws_keys().list(&AwsListSyncJobs::new()).await.unwrap_err();
    let Error::Status(status) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        (status.status, status.retry_after),
        (429, Some(Duration::from_secs(30)))
    );
    assert_eq!(requests(&server, "GET", "/synchronization-jobs").len(), 1);
    // The message says the wait the server asked for.
    assert!(
        error
            .to_string()
            .ends_with(" (the server asked to wait 30s with Retry-After)"),
        "{error}"
    );
}

#[tokio::test]
async fn a_start_or_a_cancel_answered_503_is_not_sent_again() {
    let (server, client) = mock(MockServer::builder()).await;
    server
        .inject(Fault::status(503).retry_after(Duration::ZERO).on(Call::Start))
        .unwrap();
    let error = client.oci().start(&StartJob::all()).await.unwrap_err();
    assert_eq!(error.status(), Some(503), "{error}");
    assert_eq!(error.request().map(|request| request.action()), Some(Action::Start));
    assert_eq!(requests(&server, "POST", "/cckm/oci/synchronization-jobs").len(), 1);
    assert_eq!(server.job_count(), 0);

    let job = client.oci().start(&StartJob::all()).await.unwrap();
    server.inject(Fault::status(503).on(Call::Cancel)).unwrap();
    let error = client.oci().cancel(job.id).await.unwrap_err();
    assert_eq!(error.status(), Some(503), "{error}");
    assert_eq!(requests(&server, "POST", "/cancel").len(), 1);
}

#[tokio::test]
async fn a_read_whose_connection_is_closed_is_retried_and_a_start_is_not() {
    let (server, client) = mock(MockServer::builder()).await;
    let job = client.salesforce_keys().start(&StartJob::all()).await.unwrap();
    server.inject(Fault::close_connection().on(Call::Get)).unwrap();
    assert_eq!(client.salesforce_keys().get(job.id).await.unwrap().id, job.id);
    let statuses: Vec<u16> = requests(&server, "GET", &job.id.to_string())
        .iter()
        .map(|request| request.status)
        .collect();
    assert_eq!(statuses, [0, 200]);

    server.inject(Fault::close_connection().on(Call::Start)).unwrap();
    let error = client
        .salesforce_certificates()
        .start(&StartJob::all())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(
        requests(&server, "POST", "/cckm/sfdc/certificates/synchronization-jobs").len(),
        1
    );
}

#[tokio::test]
async fn a_stalled_answer_hits_the_request_timeout() {
    let server = MockServer::start();
    let client = client_of(&server).timeout(Duration::from_millis(300)).build().unwrap();
    client.dsm().list(&cckm_sync::DsmListSyncJobs::new()).await.unwrap();
    server
        .inject(Fault::stall(Duration::from_secs(5)).on(Call::List))
        .unwrap();

    let error = client.dsm().list(&cckm_sync::DsmListSyncJobs::new()).await.unwrap_err();

    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(error.is_timeout());
    assert!(error.to_string().ends_with(": timed out"), "{error}");
    // A timeout is not retried: the timeout bounds the call.
    assert_eq!(requests(&server, "GET", "/cckm/dsm/refresh").len(), 2);
}

#[tokio::test]
async fn a_server_that_is_down_is_a_transport_error_after_the_retries() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = cckm_sync_client::Client::builder(format!("http://127.0.0.1:{port}"))
        .credentials("admin", "admin")
        .retry(support::quick_retries())
        .build()
        .unwrap();
    let error = client.dsm().list(&cckm_sync::DsmListSyncJobs::new()).await.unwrap_err();
    let Error::Transport { request, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(request.action(), Action::Login);
    let message = error.to_string();
    assert!(
        message.starts_with(&format!(
            "cannot log in: POST http://127.0.0.1:{port}/api/v1/auth/tokens: cannot connect: "
        )),
        "{message}"
    );
    assert!(message.to_lowercase().contains("refused"), "{message}");
}
