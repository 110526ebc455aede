//! The requests the mock received, kept in a ring of bounded size.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};
use serde::Serialize;

/// How many bytes of a body are kept.
pub const MAX_RECORDED_BODY: usize = 64 * 1024;

/// A request the mock received on the vendor's API (control calls under `/__mock/` are not
/// recorded), with the status it was answered with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ReceivedRequest {
    /// The method, such as `POST`.
    pub method: String,
    /// The path, such as `/api/v1/cckm/aws/synchronization-jobs`.
    pub path: String,
    /// The query string without `?`, if there was one.
    pub query: Option<String>,
    /// The headers, in the order received (names in lower case).
    pub headers: Vec<(String, String)>,
    /// The body, at most [`MAX_RECORDED_BODY`] bytes of it.
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
/// set once the answer is known.
#[derive(Debug)]
pub(crate) struct RequestLog {
    capacity: usize,
    next: u64,
    requests: VecDeque<(u64, ReceivedRequest)>,
}

impl RequestLog {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            next: 0,
            requests: VecDeque::with_capacity(capacity.min(1024)),
        }
    }

    pub(crate) fn enabled(&self) -> bool {
        self.capacity > 0
    }

    /// Records a request; returns its sequence number.
    pub(crate) fn push(&mut self, request: ReceivedRequest) -> u64 {
        let seq = self.next;
        self.next += 1;
        if self.capacity == 0 {
            return seq;
        }
        while self.requests.len() >= self.capacity {
            self.requests.pop_front();
        }
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
            body: Vec::new(),
            body_truncated: false,
            received_at: DateTime::<Utc>::MIN_UTC,
            status: 0,
        }
    }

    #[test]
    fn the_log_keeps_the_last_requests_up_to_its_capacity() {
        let mut log = RequestLog::new(2);
        let first = log.push(request("/a"));
        log.push(request("/b"));
        let third = log.push(request("/c"));
        log.set_status(first, 200);
        log.set_status(third, 404);
        let kept = log.list();
        assert_eq!(kept.iter().map(|r| r.path.as_str()).collect::<Vec<_>>(), ["/b", "/c"]);
        assert_eq!(kept[1].status, 404);
    }
}
