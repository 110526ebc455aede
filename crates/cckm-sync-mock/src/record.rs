//! The requests the mock received, kept in a ring bounded in entries and in bytes, with
//! credentials redacted unless the server was told to keep them.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use crate::redact::{is_secret_name, looks_like_jwt};

/// How many bytes of a body are kept.
pub const MAX_RECORDED_BODY: usize = 64 * 1024;

/// How many bytes of a request's headers (names and values) are kept; the headers beyond are
/// left out, and [`ReceivedRequest::headers_truncated`] says so.
pub const MAX_RECORDED_HEADERS: usize = 16 * 1024;

/// How many bytes the received requests take at most, all together, by default (counted as
/// their method, path, query, kept headers and kept body): the oldest are dropped to make room.
pub const DEFAULT_RECORDED_BYTES: usize = 8 * 1024 * 1024;

/// What replaces a credential in a received request.
pub const REDACTED: &str = "[redacted by cckm-sync mock]";

/// The token call's fields that are credentials.
const SECRET_FIELDS: [&str; 3] = ["password", "refresh_token", "jwt"];

fn redact_header(value: &str) -> String {
    crate::redact::header(value, REDACTED)
}

pub(crate) fn redact_query(query: &str) -> String {
    crate::redact::query(query, REDACTED)
}

/// A body with the token call's credentials redacted (any JSON object's `password`,
/// `refresh_token` and `jwt` strings), JWTs anywhere else too.
fn redact_body(body: &[u8]) -> Option<Vec<u8>> {
    let mut value: Value = serde_json::from_slice(body).ok()?;
    let Value::Object(object) = &mut value else {
        return None;
    };
    let mut changed = false;
    for (name, field) in object.iter_mut() {
        let secret = SECRET_FIELDS.contains(&name.as_str())
            || is_secret_name(name)
            || field.as_str().is_some_and(looks_like_jwt);
        if secret && field.is_string() {
            *field = Value::from(REDACTED);
            changed = true;
        }
    }
    changed.then(|| serde_json::to_vec(&value).ok()).flatten()
}

/// A request the mock received on the vendor's API (control calls under `/__mock/` are not
/// recorded), with the status it was answered with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ReceivedRequest {
    /// The method, such as `POST`.
    pub method: String,
    /// The path, such as `/api/v1/cckm/aws/synchronization-jobs`.
    pub path: String,
    /// The query string without `?`, if there was one (the values of credential parameters
    /// and JWTs redacted unless the server keeps credentials).
    pub query: Option<String>,
    /// The headers, in the order received (names in lower case), at most
    /// [`MAX_RECORDED_HEADERS`] bytes of them; credentials redacted unless the server keeps
    /// them ([`MockServerBuilder::record_credentials`](crate::MockServerBuilder::record_credentials)).
    pub headers: Vec<(String, String)>,
    /// Whether headers were left out, beyond [`MAX_RECORDED_HEADERS`] bytes.
    pub headers_truncated: bool,
    /// The body, at most [`MAX_RECORDED_BODY`] bytes of it (a JSON object's credentials, as
    /// the token call's `password` and `refresh_token`, redacted unless the server keeps them).
    #[serde(serialize_with = "lossy_text")]
    pub body: Vec<u8>,
    /// Whether the body was longer than what is kept.
    pub body_truncated: bool,
    /// When it was received, by the mock's clock.
    pub received_at: DateTime<Utc>,
    /// The status of the answer; 0 if the connection was closed without one (a fault).
    pub status: u16,
}

impl ReceivedRequest {
    /// A request as it is kept: headers bounded, and credentials redacted unless `keep_credentials`.
    pub(crate) fn new(
        parts: &http::request::Parts,
        body: &[u8],
        received_at: DateTime<Utc>,
        keep_credentials: bool,
    ) -> Self {
        let mut headers = Vec::new();
        let mut header_bytes = 0;
        let mut headers_truncated = false;
        for (name, value) in &parts.headers {
            header_bytes += name.as_str().len() + value.len();
            if header_bytes > MAX_RECORDED_HEADERS {
                headers_truncated = true;
                break;
            }
            let text = String::from_utf8_lossy(value.as_bytes());
            let value = if keep_credentials || !is_secret_name(name.as_str()) {
                text.into_owned()
            } else {
                redact_header(&text)
            };
            headers.push((name.as_str().to_owned(), value));
        }
        let kept = body.get(..body.len().min(MAX_RECORDED_BODY)).unwrap_or_default();
        let body_kept = if keep_credentials { None } else { redact_body(kept) };
        let query = parts.uri.query().map(|query| {
            if keep_credentials {
                query.to_owned()
            } else {
                redact_query(query)
            }
        });
        Self {
            method: parts.method.to_string(),
            path: parts.uri.path().to_owned(),
            query,
            headers,
            headers_truncated,
            body: body_kept.unwrap_or_else(|| kept.to_vec()),
            body_truncated: kept.len() < body.len(),
            received_at,
            status: 0,
        }
    }

    /// The bytes it takes in the log, as counted against its bound.
    fn size(&self) -> usize {
        self.method.len()
            + self.path.len()
            + self.query.as_ref().map_or(0, String::len)
            + self
                .headers
                .iter()
                .map(|(name, value)| name.len() + value.len())
                .sum::<usize>()
            + self.body.len()
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The first value of the header `name` (any case), as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

fn lossy_text<S: serde::Serializer>(body: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&String::from_utf8_lossy(body))
}

/// The last requests, oldest first, each with a sequence number so that its status can be
/// set once the answer is known; at most `capacity` of them and `max_bytes` bytes, the oldest
/// dropped (and counted) to make room.
#[derive(Debug)]
pub(crate) struct RequestLog {
    capacity: usize,
    max_bytes: usize,
    bytes: usize,
    dropped: u64,
    next: u64,
    requests: VecDeque<(u64, ReceivedRequest)>,
}

impl RequestLog {
    pub(crate) fn new(capacity: usize, max_bytes: usize) -> Self {
        Self {
            capacity,
            max_bytes,
            bytes: 0,
            dropped: 0,
            next: 0,
            requests: VecDeque::with_capacity(capacity.min(1024)),
        }
    }

    /// How many requests were dropped, to keep within the bounds, since the last clear.
    pub(crate) fn dropped(&self) -> u64 {
        self.dropped
    }

    pub(crate) fn enabled(&self) -> bool {
        self.capacity > 0
    }

    /// Records a request; returns its sequence number.
    pub(crate) fn push(&mut self, request: ReceivedRequest) -> u64 {
        let seq = self.next;
        self.next += 1;
        let size = request.size();
        if self.capacity == 0 {
            return seq;
        }
        if size > self.max_bytes {
            self.dropped += 1;
            return seq;
        }
        while self.requests.len() >= self.capacity || self.bytes + size > self.max_bytes {
            let Some((_, oldest)) = self.requests.pop_front() else {
                break;
            };
            self.bytes -= oldest.size();
            self.dropped += 1;
        }
        self.bytes += size;
        self.requests.push_back((seq, request));
        seq
    }

    /// Sets the status of request `seq`, if it is still kept.
    pub(crate) fn set_status(&mut self, seq: u64, status: u16) {
        // Sequence numbers grow along the ring, so the request is near its end.
        if let Some((_, request)) = self.requests.iter_mut().rev().find(|(kept, _)| *kept == seq) {
            request.status = status;
        }
    }

    pub(crate) fn list(&self) -> Vec<ReceivedRequest> {
        self.requests.iter().map(|(_, request)| request.clone()).collect()
    }

    pub(crate) fn clear(&mut self) {
        self.requests.clear();
        self.bytes = 0;
        self.dropped = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(path: &str) -> ReceivedRequest {
        ReceivedRequest {
            method: "GET".to_owned(),
            path: path.to_owned(),
            query: None,
            headers: Vec::new(),
            headers_truncated: false,
            body: Vec::new(),
            body_truncated: false,
            received_at: DateTime::<Utc>::MIN_UTC,
            status: 0,
        }
    }

    #[test]
    fn the_log_keeps_the_last_requests_up_to_its_capacity() {
        let mut log = RequestLog::new(2, 1024);
        let first = log.push(request("/a"));
        log.push(request("/b"));
        let third = log.push(request("/c"));
        log.set_status(first, 200);
        log.set_status(third, 404);
        let kept = log.list();
        assert_eq!(kept.iter().map(|r| r.path.as_str()).collect::<Vec<_>>(), ["/b", "/c"]);
        assert_eq!(kept[1].status, 404);
        assert_eq!(log.dropped(), 1);
    }

    #[test]
    fn the_log_drops_the_oldest_requests_beyond_its_bytes() {
        let mut log = RequestLog::new(100, 10);
        log.push(request("/aaaa"));
        log.push(request("/bbbb"));
        assert_eq!(log.list().len(), 1, "each takes 8 bytes of 10");
        log.push(request(&"/".repeat(11)));
        assert_eq!(log.list().len(), 1, "a request larger than the bound is not kept");
        assert_eq!(log.dropped(), 2);
    }

    #[test]
    fn credentials_in_queries_are_redacted_and_the_rest_kept() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln";
        let redacted = form_urlencoded::byte_serialize(REDACTED.as_bytes()).collect::<String>();
        assert_eq!(
            redact_query(&format!("limit=5&access_token=abc&x={jwt}&cloud=aws")),
            format!("limit=5&access_token={redacted}&x={redacted}&cloud=aws")
        );
        assert_eq!(redact_query("skip=0"), "skip=0");
    }
}
