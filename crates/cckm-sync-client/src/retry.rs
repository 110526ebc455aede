//! When a failed call is sent again, and after how long.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::error::Action;

/// How the client retries a call that failed for a reason that may pass: a lost connection,
/// or an answer of 429, 502, 503 or 504 (but the 502 `NCERRContractViolation` with which
/// `cckm-sync proxy --strict` refuses a call that breaks the contract, which would be refused
/// again). An error says how many times its request was sent.
///
/// Only calls that are safe to send twice are retried on such failures: reads (list, get)
/// and token calls. A start or a cancel is sent again only when the connection could not be
/// made, so that the request never reached the server; any other failure of theirs is
/// returned, as the server may have acted on it. A request that timed out is not retried:
/// the timeout bounds the call.
///
/// The wait before retry `n` (from 0) is drawn between half and all of
/// `min(initial_backoff × 2ⁿ, max_backoff)` (exponential backoff with jitter), or is the
/// server's `Retry-After` when it sends one. A `Retry-After` longer than
/// [`max_retry_after`](Self::max_retry_after) ends the call with the server's answer, which
/// carries the wait it asked for.
///
/// ```
/// use std::time::Duration;
/// use cckm_sync_client::RetryPolicy;
///
/// let policy = RetryPolicy::default().max_retries(5).initial_backoff(Duration::from_millis(100));
/// assert_eq!(policy.get_max_retries(), 5);
/// assert_eq!(RetryPolicy::none().get_max_retries(), 0);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    /// Three retries, backoff from 250 ms up to 8 s, `Retry-After` honoured up to 60 s.
    fn default() -> Self {
        Self {
            max_retries: 3,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retry at all.
    pub fn none() -> Self {
        Self::default().max_retries(0)
    }

    /// How many times a call is sent again at most (the call is sent `1 + max_retries` times).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The backoff before the first retry, doubled for each next one.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest backoff.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The longest `Retry-After` the client waits for; a longer one ends the call.
    pub fn max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self
    }

    /// How many times a call is sent again at most.
    pub fn get_max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The wait before retry `retry` (from 0) of a call that failed with `failure`, or `None`
    /// if the call must not be retried.
    pub(crate) fn delay(&self, action: Action, retry: u32, failure: &FailedAttempt) -> Option<Duration> {
        if retry >= self.max_retries {
            return None;
        }
        let retry_after = match failure {
            FailedAttempt::Status { status, retry_after } => {
                if !action.is_idempotent() || !matches!(status, 429 | 502 | 503 | 504) {
                    return None;
                }
                *retry_after
            }
            // Nothing was sent: any call may be sent again.
            FailedAttempt::Connect => None,
            FailedAttempt::Lost if action.is_idempotent() => None,
            FailedAttempt::Lost | FailedAttempt::Final => return None,
        };
        match retry_after {
            Some(wait) if wait > self.max_retry_after => None,
            Some(wait) => Some(wait),
            None => Some(self.backoff(retry)),
        }
    }

    /// A backoff drawn between half and all of `min(initial × 2^retry, max)`.
    fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self
            .initial_backoff
            .checked_mul(1u32.checked_shl(retry).unwrap_or(u32::MAX))
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff);
        let half = ceiling / 2;
        let spread = u64::try_from((ceiling - half).as_nanos()).unwrap_or(u64::MAX);
        half + Duration::from_nanos(rand::random_range(0..=spread))
    }
}

/// Why an attempt failed, as far as retrying is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FailedAttempt {
    /// The server answered with this status.
    Status { status: u16, retry_after: Option<Duration> },
    /// The connection could not be made: the request was not sent.
    Connect,
    /// The connection broke after the request may have been sent.
    Lost,
    /// A failure that does not pass by itself (TLS, timeout, a body too large).
    Final,
}

/// The wait a `Retry-After` header asks for: seconds, or an HTTP date (a date in the past is
/// no wait). `None` without the header or with a value of neither form.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, value.parse().unwrap());
        headers
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        assert_eq!(retry_after(&headers("7")), Some(Duration::from_secs(7)));
        assert_eq!(
            retry_after(&headers("Wed, 21 Oct 2015 07:28:00 GMT")),
            Some(Duration::ZERO)
        );
        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(120));
        let wait = retry_after(&headers(&later)).unwrap();
        assert!(
            wait > Duration::from_secs(100) && wait <= Duration::from_secs(120),
            "{wait:?}"
        );
        assert_eq!(retry_after(&headers("soon")), None);
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }

    #[test]
    fn reads_are_retried_on_transient_statuses_and_lost_connections_only() {
        let policy = RetryPolicy::default();
        let status = |status| FailedAttempt::Status {
            status,
            retry_after: None,
        };
        for code in [429, 502, 503, 504] {
            assert!(policy.delay(Action::Get, 0, &status(code)).is_some(), "{code}");
            assert!(policy.delay(Action::Login, 0, &status(code)).is_some(), "{code}");
        }
        for code in [400, 401, 404, 409, 500] {
            assert_eq!(policy.delay(Action::List, 0, &status(code)), None, "{code}");
        }
        assert!(policy.delay(Action::List, 0, &FailedAttempt::Lost).is_some());
        assert_eq!(policy.delay(Action::List, 0, &FailedAttempt::Final), None);
    }

    #[test]
    fn starts_and_cancels_are_sent_again_only_when_nothing_was_sent() {
        let policy = RetryPolicy::default();
        for action in [Action::Start, Action::Cancel] {
            let unavailable = FailedAttempt::Status {
                status: 503,
                retry_after: Some(Duration::ZERO),
            };
            assert_eq!(policy.delay(action, 0, &unavailable), None);
            assert_eq!(policy.delay(action, 0, &FailedAttempt::Lost), None);
            assert!(policy.delay(action, 0, &FailedAttempt::Connect).is_some());
        }
    }

    #[test]
    fn backoff_doubles_with_jitter_up_to_the_maximum_and_stops_after_the_last_retry() {
        let policy = RetryPolicy::default()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(300))
            .max_retries(4);
        for (retry, ceiling) in [(0, 100), (1, 200), (2, 300), (3, 300)] {
            for _ in 0..50 {
                let wait = policy.delay(Action::Get, retry, &FailedAttempt::Lost).unwrap();
                let ceiling = Duration::from_millis(ceiling);
                assert!(wait >= ceiling / 2 && wait <= ceiling, "retry {retry}: {wait:?}");
            }
        }
        assert_eq!(policy.delay(Action::Get, 4, &FailedAttempt::Lost), None);
    }

    #[test]
    fn retry_after_is_honoured_up_to_its_maximum() {
        let policy = RetryPolicy::default().max_retry_after(Duration::from_secs(5));
        let asked = |secs| FailedAttempt::Status {
            status: 429,
            retry_after: Some(Duration::from_secs(secs)),
        };
        assert_eq!(policy.delay(Action::Get, 0, &asked(5)), Some(Duration::from_secs(5)));
        assert_eq!(policy.delay(Action::Get, 0, &asked(6)), None);
    }
}
