//! Tokens: one login for many calls, a refresh before expiry or after a 401, a new login when
//! the refresh is refused, one renewal shared by concurrent calls, and the errors of bad
//! credentials.

mod support;

use std::time::Duration;

use cckm_sync::StartJob;
use cckm_sync_client::{Action, Client, Error};
use cckm_sync_mock::MockServer;
use support::{client_of, grants, mock};

#[tokio::test]
async fn one_login_serves_every_call_while_the_token_is_valid() {
    // The mock redacts credentials in what it records unless told to keep them.
    let (server, client) = mock(MockServer::builder().record_credentials(true)).await;
    let dsm = client.dsm();
    let job = dsm.start(&StartJob::all()).await.unwrap();
    for _ in 0..5 {
        dsm.get(job.id).await.unwrap();
    }
    assert_eq!(grants(&server), ["password"]);
    // The password grant went out as the vendor's clients send it.
    let login = &support::requests(&server, "POST", "/auth/tokens")[0];
    let (username, password) = server.credentials();
    let body: serde_json::Value = serde_json::from_slice(&login.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"grant_type": "password", "username": username, "password": password})
    );
    // Every job call carried the bearer token.
    let calls = support::requests(&server, "GET", &job.id.to_string());
    assert!(calls.iter().all(|call| {
        call.header("authorization")
            .is_some_and(|value| value.starts_with("Bearer "))
    }));
}

#[tokio::test]
async fn a_token_is_refreshed_before_it_expires() {
    // With a margin as long as the token's lifetime, every call finds the token due.
    let server = MockServer::builder()
        .token_lifetime(Duration::from_secs(300))
        .start()
        .unwrap();
    let client = client_of(&server)
        .refresh_before_expiry(Duration::from_secs(300))
        .build()
        .unwrap();
    let job = client.oci().start(&StartJob::all()).await.unwrap();
    client.oci().get(job.id).await.unwrap();
    client.oci().get(job.id).await.unwrap();
    assert_eq!(grants(&server), ["password", "refresh_token", "refresh_token"]);
    // No call was refused: each token was renewed before it was sent.
    assert!(server.received_requests().iter().all(|request| request.status != 401));
}

#[tokio::test]
async fn a_refused_refresh_token_falls_back_to_the_password() {
    let (server, client) = mock(MockServer::builder()).await;
    let job = client.google().start(&StartJob::all()).await.unwrap();
    // Every JWT and refresh token issued so far stops working.
    server.revoke_tokens();
    let read = client.google().get(job.id).await.unwrap();
    assert_eq!(read.id, job.id);
    assert_eq!(grants(&server), ["password", "refresh_token", "password"]);
    let reads: Vec<u16> = support::requests(&server, "GET", &job.id.to_string())
        .iter()
        .map(|request| request.status)
        .collect();
    assert_eq!(reads, [401, 200]);
    let token_statuses: Vec<u16> = support::requests(&server, "POST", "/auth/tokens")
        .iter()
        .map(|request| request.status)
        .collect();
    assert_eq!(token_statuses, [200, 401, 200]);
}

#[tokio::test]
async fn concurrent_calls_that_find_the_token_expired_share_one_refresh() {
    let (server, client) = mock(MockServer::builder().token_lifetime(Duration::from_secs(300))).await;
    server.pause_clock();
    let sap = client.sap();
    let job = sap.start(&StartJob::all()).await.unwrap();
    server.advance_clock(Duration::from_secs(301));

    let calls: Vec<_> = (0..16)
        .map(|_| {
            let sap = sap.clone();
            tokio::spawn(async move { sap.get(job.id).await })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await.unwrap().unwrap().id, job.id);
    }

    assert_eq!(grants(&server), ["password", "refresh_token"]);
}

#[tokio::test]
async fn wrong_credentials_fail_the_call_with_the_login_refused_and_no_retry() {
    let server = MockServer::start();
    let client = Client::builder(server.base_url())
        .credentials("admin", "wrong")
        .build()
        .unwrap();
    let error = client.aws_keys().get(uuid::Uuid::from_u128(1)).await.unwrap_err();
    let Error::Status(status) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(status.status, 401);
    assert_eq!(status.request.action(), Action::Login);
    assert_eq!(status.ncerr_name(), Some("NCERRUnauthorizedAccess"));
    assert!(error.is_auth());
    assert_eq!(
        error.to_string(),
        format!(
            "cannot log in: POST {}/api/v1/auth/tokens: 401 Unauthorized: NCERRUnauthorizedAccess: Wrong username \
             or password. (code 5)",
            server.base_url()
        )
    );
    assert_eq!(grants(&server), ["password"]);
    assert!(
        !error.to_string().contains("wrong"),
        "the password must not show: {error}"
    );
}

#[tokio::test]
async fn a_fixed_token_is_sent_as_it_is_and_not_renewed() {
    let server = MockServer::builder()
        .token_lifetime(Duration::from_secs(60))
        .start()
        .unwrap();
    server.pause_clock();
    let client = Client::builder(server.base_url())
        .token(server.token())
        .build()
        .unwrap();
    let job = client.external_cm().start(&StartJob::all()).await.unwrap();
    server.advance_clock(Duration::from_secs(61));
    let error = client.external_cm().get(job.id).await.unwrap_err();
    assert_eq!(error.status(), Some(401), "{error}");
    assert_eq!(error.request().map(|request| request.action()), Some(Action::Get));
    assert!(grants(&server).is_empty());
}

#[tokio::test]
async fn a_login_to_a_domain_sends_its_path() {
    let server = MockServer::start();
    let (username, password) = server.credentials();
    let client = Client::builder(server.base_url())
        .credentials(username, password)
        .auth_domain("root/finance")
        .build()
        .unwrap();
    client.dsm().list(&cckm_sync::DsmListSyncJobs::new()).await.unwrap();
    let login = &support::requests(&server, "POST", "/auth/tokens")[0];
    let body: serde_json::Value = serde_json::from_slice(&login.body).unwrap();
    assert_eq!(body["auth_domain_path"], "root/finance");
}
