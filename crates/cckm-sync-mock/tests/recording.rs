//! What the mock keeps of the requests it receives: credentials redacted unless kept on
//! purpose, and a bound in bytes as well as in entries, with a count of what was dropped.

mod support;

use cckm_sync::endpoints::{self, UNAUTHORIZED};
use cckm_sync_mock::{MAX_RECORDED_HEADERS, MockServer, REDACTED};
use reqwest::Method;
use serde_json::{Value, json};
use support::Api;

const JWT_IN_QUERY: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl";

/// A token call, a list with credentials in a custom header and the query string.
async fn send_credentials(api: &Api) -> (String, String) {
    let token = api.login().await;
    let refresh = token.refresh_token.clone().unwrap();
    let aws = endpoints::find("aws-keys").unwrap();
    // The list refuses parameters it does not know (400): the request is recorded all the same.
    let response = api
        .http
        .get(format!(
            "{}{}?limit=5&access_token={JWT_IN_QUERY}&other={JWT_IN_QUERY}",
            api.server.base_url(),
            aws.collection_path()
        ))
        .bearer_auth(&token.jwt)
        .header("X-Api-Key", "k-123456")
        .header("X-Trace", "t-1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    (token.jwt, refresh)
}

#[tokio::test]
async fn credentials_are_redacted_in_received_requests_by_default() {
    let api = Api::start().await;
    api.server.clear_received_requests();
    let (jwt, refresh) = send_credentials(&api).await;

    let received = api.server.received_requests();
    let token_call = received.iter().find(|r| r.path == "/api/v1/auth/tokens").unwrap();
    let body: Value = serde_json::from_slice(&token_call.body).unwrap();
    assert_eq!(body["password"], REDACTED, "{body}");
    assert_eq!(body["username"], "admin", "what is no credential stays");
    let list = received.iter().find(|r| r.method == "GET").unwrap();
    assert_eq!(
        list.header("authorization"),
        Some(format!("Bearer {REDACTED}").as_str())
    );
    assert_eq!(list.header("x-api-key"), Some(REDACTED));
    assert_eq!(list.header("x-trace"), Some("t-1"));
    let query = list.query.as_deref().unwrap();
    assert!(query.starts_with("limit=5&access_token=%5Bredacted"), "{query}");
    assert!(!query.contains(JWT_IN_QUERY), "{query}");

    // Over HTTP too: nothing of the secrets, and a replayed header is refused.
    let listed = api
        .http
        .get(format!("{}/__mock/requests", api.server.base_url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for secret in [jwt.as_str(), refresh.as_str(), "k-123456", JWT_IN_QUERY] {
        assert!(!listed.contains(secret), "{secret} in {listed}");
    }
    let aws = endpoints::find("aws-keys").unwrap();
    let replayed = api
        .http
        .get(format!("{}{}", api.server.base_url(), aws.collection_path()))
        .header("Authorization", list.header("authorization").unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(replayed.status(), UNAUTHORIZED.status);

    // A refresh grant's token is redacted too.
    let refreshed = api
        .raw(
            Method::POST,
            "/api/v1/auth/tokens",
            None,
            Some(json!({"grant_type": "refresh_token", "refresh_token": refresh}).to_string()),
        )
        .await;
    assert_eq!(refreshed.status, 200);
    let last = api.server.received_requests().pop().unwrap();
    let body: Value = serde_json::from_slice(&last.body).unwrap();
    assert_eq!(body["refresh_token"], REDACTED);
}

#[tokio::test]
async fn credentials_are_kept_when_the_server_is_told_to() {
    let api = Api::with(MockServer::builder().record_credentials(true)).await;
    api.server.clear_received_requests();
    let (jwt, _) = send_credentials(&api).await;
    let received = api.server.received_requests();
    let token_call = received.iter().find(|r| r.path == "/api/v1/auth/tokens").unwrap();
    let body: Value = serde_json::from_slice(&token_call.body).unwrap();
    assert_eq!(body["password"], "admin");
    let list = received.iter().find(|r| r.method == "GET").unwrap();
    assert_eq!(list.header("authorization"), Some(format!("Bearer {jwt}").as_str()));
    assert!(list.query.as_deref().unwrap().contains(JWT_IN_QUERY));
}

#[tokio::test]
async fn received_requests_are_bounded_in_bytes_and_the_dropped_ones_counted() {
    let bound = 64 * 1024;
    let api = Api::with(MockServer::builder().record_bytes(bound)).await;
    api.server.clear_received_requests();
    // Requests without a token to an unknown path, each with about 9 KB of headers.
    for index in 0..40 {
        let response = api
            .http
            .get(format!("{}/api/v1/nowhere/{index}", api.server.base_url()))
            .header("X-Filler", "f".repeat(9_000))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404);
    }
    let kept = api.server.received_requests();
    let bytes: usize = kept
        .iter()
        .map(|r| r.path.len() + r.method.len() + r.headers.iter().map(|(n, v)| n.len() + v.len()).sum::<usize>())
        .sum();
    assert!(bytes <= bound, "{bytes} bytes kept, bound {bound}");
    assert!(!kept.is_empty());
    assert_eq!(kept.last().unwrap().path, "/api/v1/nowhere/39", "the newest are kept");
    let dropped = api.server.dropped_requests();
    assert_eq!(dropped as usize + kept.len(), 40);
    let listed = api
        .http
        .get(format!("{}/__mock/requests", api.server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(
        listed.headers()["x-dropped-requests"].to_str().unwrap(),
        dropped.to_string()
    );
}

#[tokio::test]
async fn headers_beyond_the_bound_of_one_request_are_left_out_and_said_so() {
    let api = Api::start().await;
    api.server.clear_received_requests();
    let mut request = api.http.get(format!("{}/api/v1/nowhere", api.server.base_url()));
    for index in 0..8 {
        request = request.header(format!("x-filler-{index}"), "f".repeat(4_000));
    }
    assert_eq!(request.send().await.unwrap().status(), 404);
    let kept = api.server.received_requests().pop().unwrap();
    assert!(kept.headers_truncated);
    let bytes: usize = kept.headers.iter().map(|(n, v)| n.len() + v.len()).sum();
    assert!(bytes <= MAX_RECORDED_HEADERS, "{bytes}");
}
