//! The token call and bearer tokens over HTTP: password and refresh grants, expiry by the mock's
//! clock, and the 401 of every missing, malformed, tampered, expired or revoked token.

mod support;

use std::time::Duration;

use cckm_sync::TokenResponse;
use cckm_sync::endpoints::{self, BAD_REQUEST, UNAUTHORIZED, WRONG_CREDENTIALS};
use cckm_sync_mock::MockServer;
use reqwest::Method;
use serde_json::json;
use support::Api;

async fn token_call(api: &Api, path: &str, body: serde_json::Value) -> support::Reply {
    api.raw(Method::POST, path, None, Some(body.to_string())).await
}

fn token(reply: &support::Reply) -> TokenResponse {
    assert_eq!(reply.status, 200, "{reply:#?}");
    cckm_sync::from_slice_strict(&reply.raw).unwrap()
}

#[tokio::test]
async fn a_password_grant_gives_a_signed_jwt_with_exp_and_a_refresh_token() {
    let api = Api::with(MockServer::builder().credentials("operator", "s3cret")).await;
    for path in ["/api/v1/auth/tokens", "/api/v1/auth/tokens/"] {
        let reply = token_call(
            &api,
            path,
            json!({"grant_type": "password", "username": "operator", "password": "s3cret"}),
        )
        .await;
        let answer = token(&reply);
        assert_eq!(
            (answer.duration, answer.token_type.as_deref()),
            (Some(300), Some("Bearer"))
        );
        assert!(answer.refresh_token.is_some());
        // As a real server's answer: the vendor's Python SDK reads both, the first unconditionally.
        let refresh_token_id = answer.refresh_token_id.as_deref().unwrap();
        assert!(uuid::Uuid::parse_str(refresh_token_id).is_ok(), "{refresh_token_id}");
        assert!(answer.client_id.as_deref().is_some_and(|id| !id.is_empty()));
        // header.claims.signature, with `exp` 300 s after `iat`.
        let parts: Vec<&str> = answer.jwt.split('.').collect();
        assert_eq!(parts.len(), 3);
        use base64_claims::decode;
        let claims: serde_json::Value = serde_json::from_slice(&decode(parts[1])).unwrap();
        assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 300);
        assert_eq!(claims["preferred_username"], "operator");
        let header: serde_json::Value = serde_json::from_slice(&decode(parts[0])).unwrap();
        assert_eq!(header["alg"], "HS256");
        let aws = endpoints::find("aws-keys").unwrap();
        let reply = api
            .raw(Method::GET, &aws.collection_path(), Some(&answer.jwt), None)
            .await;
        reply.page(aws);
    }
}

/// Base64url without padding, for reading a JWT's parts in a test.
mod base64_claims {
    pub(crate) fn decode(text: &str) -> Vec<u8> {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut bits = 0u32;
        let mut count = 0;
        let mut out = Vec::new();
        for byte in text.bytes() {
            let value = ALPHABET.iter().position(|&c| c == byte).expect("base64url") as u32;
            bits = (bits << 6) | value;
            count += 6;
            if count >= 8 {
                count -= 8;
                out.push((bits >> count) as u8);
            }
        }
        out
    }
}

#[tokio::test]
async fn a_refresh_keeps_the_refresh_token_and_its_id_and_a_renewal_changes_both() {
    let api = Api::start().await;
    let path = "/api/v1/auth/tokens";
    let first = token(
        &token_call(
            &api,
            path,
            json!({"grant_type": "password", "username": "admin", "password": "admin"}),
        )
        .await,
    );
    let refresh = first.refresh_token.clone().unwrap();
    let kept = token(
        &token_call(
            &api,
            path,
            json!({"grant_type": "refresh_token", "refresh_token": refresh}),
        )
        .await,
    );
    assert_eq!(
        (&kept.refresh_token, &kept.refresh_token_id),
        (&first.refresh_token, &first.refresh_token_id)
    );
    let renewed = token(
        &token_call(
            &api,
            path,
            json!({"grant_type": "refresh_token", "refresh_token": refresh, "renew_refresh_token": true}),
        )
        .await,
    );
    assert_ne!(renewed.refresh_token, first.refresh_token);
    assert_ne!(renewed.refresh_token_id, first.refresh_token_id);
    assert!(renewed.refresh_token_id.is_some());
}

#[tokio::test]
async fn wrong_credentials_and_unknown_refresh_tokens_are_401_and_bad_bodies_400() {
    let api = Api::start().await;
    let path = "/api/v1/auth/tokens";
    let message = token_call(
        &api,
        path,
        json!({"grant_type": "password", "username": "admin", "password": "nope"}),
    )
    .await
    .error_message(401, WRONG_CREDENTIALS.code_desc);
    assert_eq!(message, "Wrong username or password.");
    token_call(
        &api,
        path,
        json!({"grant_type": "refresh_token", "refresh_token": "made-up"}),
    )
    .await
    .error_message(401, WRONG_CREDENTIALS.code_desc);
    for body in [
        json!({"grant_type": "password", "username": "admin"}),
        json!({"grant_type": "client_credentials"}),
        json!({"username": "admin", "password": "admin"}),
        json!("admin"),
    ] {
        token_call(&api, path, body)
            .await
            .error_message(400, BAD_REQUEST.code_desc);
    }
}

#[tokio::test]
async fn a_token_expires_by_the_mock_clock_and_a_refresh_grant_gives_a_new_one() {
    let api = Api::with(MockServer::builder().token_lifetime(Duration::from_secs(60))).await;
    api.server.pause_clock();
    let first = api.login().await;
    let aws = endpoints::find("aws-keys").unwrap();
    let list = |jwt: String| {
        let api = &api;
        async move { api.raw(Method::GET, &aws.collection_path(), Some(&jwt), None).await }
    };
    list(first.jwt.clone()).await.page(aws);
    api.server.advance_clock(Duration::from_secs(59));
    list(first.jwt.clone()).await.page(aws);
    api.server.advance_clock(Duration::from_secs(1));
    let message = list(first.jwt.clone()).await.error_message(401, UNAUTHORIZED.code_desc);
    assert!(message.contains("expired"), "{message}");

    // The refresh token outlives the JWT; without renewal it stays the same.
    let refresh = first.refresh_token.clone().unwrap();
    let body = json!({"grant_type": "refresh_token", "refresh_token": refresh});
    let second = token(&token_call(&api, "/api/v1/auth/tokens/", body).await);
    assert_eq!(second.refresh_token.as_deref(), Some(refresh.as_str()));
    list(second.jwt.clone()).await.page(aws);

    // Renewal replaces it: the old one is refused from then on.
    let body = json!({"grant_type": "refresh_token", "refresh_token": refresh, "renew_refresh_token": true});
    let third = token(&token_call(&api, "/api/v1/auth/tokens", body).await);
    assert_ne!(third.refresh_token.as_deref(), Some(refresh.as_str()));
    let body = json!({"grant_type": "refresh_token", "refresh_token": refresh});
    token_call(&api, "/api/v1/auth/tokens", body).await.error(401);
}

#[tokio::test]
async fn every_job_call_without_a_valid_token_is_401_with_the_vendor_body() {
    let api = Api::start().await;
    let other_server = MockServer::start();
    let foreign = other_server.token();
    let mut tampered = api.token.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    for endpoint in endpoints::ENDPOINTS.iter() {
        for (token, expected) in [
            (None, "missing"),
            (Some(tampered.as_str()), "invalid"),
            (Some(foreign.as_str()), "invalid"),
            (Some("not-a-jwt"), "invalid"),
        ] {
            let reply = api.raw(Method::GET, &endpoint.collection_path(), token, None).await;
            let error = reply.error(401);
            assert_eq!(error.code, Some(1));
            assert_eq!(error.code_desc.as_deref(), Some(UNAUTHORIZED.code_desc));
            assert!(error.message.unwrap().contains(expected), "{endpoint}");
        }
    }
    // A scheme other than Bearer.
    let aws = endpoints::find("aws-keys").unwrap();
    let response = api
        .http
        .get(format!("{}{}", api.server.base_url(), aws.collection_path()))
        .header("Authorization", format!("Basic {}", api.token))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);

    // Revoked, and after a reset.
    api.server.revoke_tokens();
    api.list(aws, "").await.error(401);
    let fresh = api.server.token();
    api.server.reset();
    api.raw(Method::GET, &aws.collection_path(), Some(&fresh), None)
        .await
        .error(401);
}
