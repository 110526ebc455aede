//! The HAR entry of a call, as the proxy saw it, with credentials redacted.

use std::time::Duration;

use base64::Engine as _;
use cckm_sync_contract::har::{Content, Entry, Header, PostData, Request, Response, Timings};
use cckm_sync_mock::redact;
use chrono::{DateTime, SecondsFormat, Utc};
use http::HeaderMap;
use serde_json::Value;

/// What replaces a credential.
const REDACTED: &str = "[redacted by cckm-sync proxy]";
/// Fields of the token call's bodies whose values are credentials.
const SECRET_FIELDS: [&str; 3] = ["password", "refresh_token", "jwt"];

/// What the proxy saw of a call, to record.
#[derive(Debug)]
pub(crate) struct Seen<'a> {
    pub(crate) started: DateTime<Utc>,
    pub(crate) method: &'a str,
    pub(crate) url: String,
    pub(crate) version: http::Version,
    pub(crate) request_headers: &'a HeaderMap,
    pub(crate) query: Option<&'a str>,
    /// `None` when the body was streamed, not kept.
    pub(crate) request_body: Option<&'a [u8]>,
    /// Whether the call is the token call, whose bodies carry credentials.
    pub(crate) token_call: bool,
    /// `None` when the upstream gave no answer.
    pub(crate) response: Option<SeenResponse<'a>>,
    pub(crate) wait: Duration,
    pub(crate) receive: Duration,
    pub(crate) comment: Option<String>,
}

/// The upstream's answer to a call.
#[derive(Debug)]
pub(crate) struct SeenResponse<'a> {
    pub(crate) status: http::StatusCode,
    pub(crate) version: http::Version,
    pub(crate) headers: &'a HeaderMap,
    /// `None` when the body was streamed, not kept.
    pub(crate) body: Option<&'a [u8]>,
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn version(version: http::Version) -> String {
    format!("{version:?}")
}

fn headers(map: &HeaderMap) -> Vec<Header> {
    map.iter()
        .map(|(name, value)| {
            // The same credentials as the mock hides: the usual headers, and any whose name
            // says token, secret, password or API key (`X-Api-Key`, `X-Vault-Token`).
            let value = if redact::is_secret_name(name.as_str()) {
                redact_header(value.to_str().unwrap_or_default())
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            Header {
                name: name.as_str().to_owned(),
                value,
            }
        })
        .collect()
}

/// `Bearer <token>` keeps its scheme; any other credential goes whole.
fn redact_header(value: &str) -> String {
    redact::header(value, REDACTED)
}

/// A URL with the credentials of its query string redacted (`access_token=…`, a JWT).
fn redact_url(url: &str) -> String {
    match url.split_once('?') {
        Some((base, query)) => format!("{base}?{}", redact::query(query, REDACTED)),
        None => url.to_owned(),
    }
}

/// A body's text, with the token call's credentials redacted; base64 when not UTF-8.
fn body_text(body: &[u8], token_call: bool) -> (String, Option<String>) {
    if token_call && let Ok(Value::Object(mut object)) = serde_json::from_slice::<Value>(body) {
        for field in SECRET_FIELDS {
            if let Some(value) = object.get_mut(field).filter(|value| value.is_string()) {
                *value = Value::from(REDACTED);
            }
        }
        return (Value::Object(object).to_string(), None);
    }
    match std::str::from_utf8(body) {
        Ok(text) => (text.to_owned(), None),
        Err(_) => (
            base64::engine::general_purpose::STANDARD.encode(body),
            Some("base64".to_owned()),
        ),
    }
}

fn header_value<'a>(map: &'a HeaderMap, name: &str) -> &'a str {
    map.get(name).and_then(|value| value.to_str().ok()).unwrap_or_default()
}

/// The HAR entry of a call.
pub(crate) fn entry(seen: &Seen<'_>) -> Entry {
    let query_string = seen
        .query
        .map(|query| {
            form_pairs(query)
                .map(|(name, value)| {
                    let secret = redact::is_secret_name(&name) || redact::looks_like_jwt(&value);
                    let value = if secret { REDACTED.to_owned() } else { value };
                    Header { name, value }
                })
                .collect()
        })
        .unwrap_or_default();
    let post_data = seen.request_body.filter(|body| !body.is_empty()).map(|body| {
        let (text, encoding) = body_text(body, seen.token_call);
        PostData {
            mime_type: header_value(seen.request_headers, "content-type").to_owned(),
            text,
            encoding,
        }
    });
    let request = Request {
        method: seen.method.to_owned(),
        url: redact_url(&seen.url),
        http_version: version(seen.version),
        cookies: Vec::new(),
        headers: headers(seen.request_headers),
        query_string,
        post_data,
        headers_size: -1,
        body_size: seen
            .request_body
            .map_or(-1, |body| i64::try_from(body.len()).unwrap_or(i64::MAX)),
    };
    let response = match &seen.response {
        None => Response::default(),
        Some(answer) => {
            let mime_type = header_value(answer.headers, "content-type").to_owned();
            let content = match answer.body {
                Some(body) => {
                    let (text, encoding) = body_text(body, seen.token_call);
                    Content {
                        size: i64::try_from(body.len()).unwrap_or(i64::MAX),
                        mime_type,
                        text: Some(text),
                        encoding,
                        comment: None,
                    }
                }
                None => Content {
                    size: -1,
                    mime_type,
                    text: None,
                    encoding: None,
                    comment: Some("not a call of the catalog: streamed, not recorded".to_owned()),
                },
            };
            Response {
                status: answer.status.as_u16(),
                status_text: answer.status.canonical_reason().unwrap_or_default().to_owned(),
                http_version: version(answer.version),
                cookies: Vec::new(),
                headers: headers(answer.headers),
                content,
                redirect_url: header_value(answer.headers, "location").to_owned(),
                headers_size: -1,
                body_size: answer
                    .body
                    .map_or(-1, |body| i64::try_from(body.len()).unwrap_or(i64::MAX)),
            }
        }
    };
    Entry {
        started_date_time: seen.started.to_rfc3339_opts(SecondsFormat::Millis, true),
        time: millis(seen.wait + seen.receive),
        request,
        response,
        cache: serde_json::Map::new(),
        timings: Timings {
            send: 0.0,
            wait: millis(seen.wait),
            receive: millis(seen.receive),
        },
        comment: seen.comment.clone(),
    }
}

/// The decoded pairs of a query string.
fn form_pairs(query: &str) -> impl Iterator<Item = (String, String)> + '_ {
    form_urlencoded::parse(query.as_bytes()).map(|(name, value)| (name.into_owned(), value.into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_redacted_and_the_rest_kept() {
        assert_eq!(redact_header("Bearer eyJhbGciOi"), format!("Bearer {REDACTED}"));
        assert_eq!(redact_header("session=abc"), REDACTED);
        let (text, encoding) = body_text(
            br#"{"grant_type":"password","username":"admin","password":"s3cret"}"#,
            true,
        );
        assert!(!text.contains("s3cret") && text.contains("admin"), "{text}");
        assert_eq!(encoding, None);
        let (text, _) = body_text(br#"{"password":"kept when not the token call"}"#, false);
        assert!(text.contains("kept"));
        let (text, encoding) = body_text(&[0xff, 0x00], false);
        assert_eq!((text.as_str(), encoding.as_deref()), ("/wA=", Some("base64")));
    }

    #[test]
    fn custom_credential_headers_and_query_credentials_are_redacted() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln";
        let mut map = HeaderMap::new();
        map.insert("x-api-key", http::HeaderValue::from_static("k-1"));
        map.insert("x-trace", http::HeaderValue::from_static("t-1"));
        let kept = headers(&map);
        assert_eq!(kept[0].value, REDACTED);
        assert_eq!(kept[1].value, "t-1");
        let url = redact_url(&format!("http://h/api/v1/x?limit=5&access_token=abc&t={jwt}"));
        assert!(
            url.starts_with("http://h/api/v1/x?limit=5&access_token=%5Bredacted"),
            "{url}"
        );
        assert!(!url.contains("abc") && !url.contains(jwt), "{url}");
    }

    #[test]
    fn query_strings_decode_as_forms() {
        let pairs: Vec<_> = form_pairs("kms=a%3A%3A1&overall_status=in+progress&x").collect();
        assert_eq!(
            pairs,
            [
                ("kms".to_owned(), "a::1".to_owned()),
                ("overall_status".to_owned(), "in progress".to_owned()),
                ("x".to_owned(), String::new())
            ]
        );
    }
}
