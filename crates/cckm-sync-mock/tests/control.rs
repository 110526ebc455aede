//! The control API's own rules: a control token when the server has one, and a token minted
//! without the token call.

mod support;

use cckm_sync::TokenResponse;
use cckm_sync::endpoints::{self, UNAUTHORIZED};
use cckm_sync_mock::{Call, Fault, MockServer};
use reqwest::Method;
use serde_json::json;
use support::Api;

#[tokio::test]
async fn a_server_with_a_control_token_refuses_control_calls_without_it() {
    let api = Api::with(MockServer::builder().control_token("c-token-1")).await;
    let url = format!("{}/__mock/requests", api.server.base_url());
    for given in [None, Some("Bearer wrong"), Some("c-token-1"), Some("Bearer c-token-")] {
        let mut request = api.http.get(&url);
        if let Some(value) = given {
            request = request.header("Authorization", value);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401, "{given:?}");
        let body: cckm_sync::ApiError = response.json().await.unwrap();
        assert_eq!(body.code_desc.as_deref(), Some(UNAUTHORIZED.code_desc));
        assert!(body.message.unwrap().contains("control token"));
    }
    let reset = api
        .http
        .post(format!("{}/__mock/reset", api.server.base_url()))
        .bearer_auth("c-token-1")
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), 200);
    // The vendor's API is as before: its own tokens.
    let aws = endpoints::find("aws-keys").unwrap();
    let token = api.login().await;
    let listed = api
        .http
        .get(format!("{}{}", api.server.base_url(), aws.collection_path()))
        .bearer_auth(&token.jwt)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), 200);
}

#[tokio::test]
async fn a_minted_token_works_without_the_token_call_and_uses_no_fault() {
    let api = Api::start().await;
    api.server.inject(Fault::status(503).on(Call::Token)).unwrap();
    api.server.clear_received_requests();
    let minted = api
        .http
        .post(format!("{}/__mock/tokens", api.server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(minted.status(), 200);
    let token: TokenResponse = minted.json().await.unwrap();
    assert_eq!(token.duration, Some(300));
    let aws = endpoints::find("aws-keys").unwrap();
    let listed = api
        .http
        .get(format!("{}{}", api.server.base_url(), aws.collection_path()))
        .bearer_auth(&token.jwt)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), 200);
    // Its refresh token works like the token call's.
    let refreshed = api
        .raw(
            Method::POST,
            "/api/v1/auth/tokens",
            None,
            Some(json!({"grant_type": "refresh_token", "refresh_token": token.refresh_token}).to_string()),
        )
        .await;
    // The fault was left for the token call.
    assert_eq!(refreshed.status, 503);
    assert!(api.server.faults().is_empty());
    // A control call: not among the received requests.
    let received = api.server.received_requests();
    assert!(received.iter().all(|r| !r.path.starts_with("/__mock")), "{received:?}");
}
