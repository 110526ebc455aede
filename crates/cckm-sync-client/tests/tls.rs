//! TLS with the mock's self-signed certificate: refused by default, accepted with its CA, or
//! with the explicit danger flag.

mod support;

use cckm_sync::DsmListSyncJobs;
use cckm_sync_client::{Client, Error};
use cckm_sync_mock::MockServer;
use support::client_of;

async fn tls_mock() -> MockServer {
    MockServer::builder().tls(true).start().unwrap()
}

#[tokio::test]
async fn a_self_signed_certificate_is_refused_by_default() {
    let server = tls_mock().await;
    assert!(server.base_url().starts_with("https://"));
    let client = client_of(&server).build().unwrap();
    let error = client.dsm().list(&DsmListSyncJobs::new()).await.unwrap_err();
    let Error::Tls { request, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(request.method(), "POST");
    let message = error.to_string();
    assert!(
        message.contains("TLS handshake failed: invalid peer certificate"),
        "{message}"
    );
    // Nothing reached the server's API.
    assert!(server.received_requests().is_empty());
}

#[tokio::test]
async fn a_self_signed_certificate_is_accepted_with_its_ca() {
    let server = tls_mock().await;
    let client = client_of(&server)
        .add_ca_certificate_pem(server.certificate_pem().unwrap())
        .build()
        .unwrap();
    let page = client.dsm().list(&DsmListSyncJobs::new()).await.unwrap();
    assert_eq!(page.total, 0);
}

#[tokio::test]
async fn any_certificate_is_accepted_when_asked_explicitly() {
    let server = tls_mock().await;
    let client = client_of(&server).danger_accept_invalid_certs(true).build().unwrap();
    let page = client.dsm().list(&DsmListSyncJobs::new()).await.unwrap();
    assert_eq!(page.total, 0);
}

#[tokio::test]
async fn a_ca_of_another_server_does_not_vouch_for_this_one() {
    let server = tls_mock().await;
    let other = tls_mock().await;
    let client = client_of(&server)
        .add_ca_certificate_pem(other.certificate_pem().unwrap())
        .build()
        .unwrap();
    let error = client.dsm().list(&DsmListSyncJobs::new()).await.unwrap_err();
    assert!(matches!(error, Error::Tls { .. }), "{error:?}");
    assert!(error.is_untrusted_certificate());
}

#[tokio::test]
async fn https_to_a_plain_http_server_fails_the_handshake_without_blaming_the_certificate() {
    let server = MockServer::start();
    let url = server.base_url().replace("http://", "https://");
    let client = Client::builder(url).token("jwt").build().unwrap();
    let error = client.dsm().list(&DsmListSyncJobs::new()).await.unwrap_err();
    assert!(matches!(error, Error::Tls { .. }), "{error:?}");
    assert!(!error.is_untrusted_certificate());
}

#[tokio::test]
async fn trusting_a_ca_and_accepting_any_certificate_exclude_each_other() {
    let server = tls_mock().await;
    let error = Client::builder(server.base_url())
        .token("jwt")
        .add_ca_certificate_pem(server.certificate_pem().unwrap())
        .danger_accept_invalid_certs(true)
        .build()
        .unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    assert!(error.to_string().contains("exclude each other"), "{error}");
}
