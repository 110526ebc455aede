//! How every call is sent: the HTTP request, its retries, and its answer.
//!
//! The token is a layer of its own ([`Authorize`]): before each attempt the transport asks it
//! for the `Authorization` header, and tells it when the server refused one. Renewing a token
//! sends the token call through the transport with no authorization at all, so that the token
//! layer never calls back into the client.

use std::time::Duration;

use bytes::Bytes;
use cckm_sync::ApiError;
use cckm_sync::endpoints;
use reqwest::Method;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue, USER_AGENT};
use serde::de::DeserializeOwned;
use tokio::time::Instant;
use tracing::Instrument as _;

use crate::error::{Action, BodyError, Error, Request, StatusError};
use crate::retry::{self, FailedAttempt, RetryPolicy};

/// The `codeDesc` of the 502 with which `cckm-sync proxy --strict` refuses a call that breaks
/// the contract: not a passing failure of a gateway.
const CONTRACT_VIOLATION: &str = "NCERRContractViolation";

/// How much of a body that is not an error body an error keeps.
const EXCERPT_CHARS: usize = 200;

/// What gives a call its `Authorization` header.
pub(crate) trait Authorize {
    /// What the layer gave an attempt, to be told back if the server refuses it.
    type Token;

    /// The token of the next attempt; `None` for a call sent without one.
    async fn token(&self, transport: &Transport) -> Result<Option<Self::Token>, Error>;

    /// The header value of `token`.
    fn header(token: &Self::Token) -> &HeaderValue;

    /// The server refused `token` (401): forgets it, and says whether another may be tried.
    async fn refused(&self, token: &Self::Token) -> bool;
}

/// No `Authorization` header: the token call's own.
pub(crate) struct Anonymous;

impl Authorize for Anonymous {
    type Token = HeaderValue;

    async fn token(&self, _: &Transport) -> Result<Option<HeaderValue>, Error> {
        Ok(None)
    }

    fn header(token: &HeaderValue) -> &HeaderValue {
        token
    }

    async fn refused(&self, _: &HeaderValue) -> bool {
        false
    }
}

/// The HTTP client and what every call shares: the server, the timeout, the user agent, the
/// retry policy and the limit of an answer's body.
#[derive(Debug)]
pub(crate) struct Transport {
    pub(crate) http: reqwest::Client,
    /// `scheme://host[:port][/path]`, without a trailing slash or the API prefix.
    pub(crate) base: String,
    pub(crate) timeout: Duration,
    pub(crate) user_agent: HeaderValue,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_response_bytes: usize,
}

impl Transport {
    /// Sends the call `action` (`path` from the API prefix on, with its query) with the token
    /// of `authorize` until it succeeds, fails for good, or has been retried as the policy
    /// allows; returns the answer of a 2xx status.
    pub(crate) async fn call<A: Authorize>(
        &self,
        authorize: &A,
        action: Action,
        path: String,
        body: Option<Vec<u8>>,
    ) -> Result<Reply, Error> {
        let method = match action.call().method() {
            endpoints::Method::Get => Method::GET,
            endpoints::Method::Post => Method::POST,
        };
        let request = Request {
            action,
            method: action.call().method().as_str(),
            url: format!("{}{path}", self.base),
            attempts: 1,
        };
        let span = tracing::debug_span!(
            "cckm_sync_client::call",
            action = action.as_str(),
            method = request.method,
            path = %path,
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        let body = body.map(Bytes::from);
        let recorded = span.clone();
        async move {
            let (result, attempts) = self.send(authorize, &request, method, body).await;
            // The count is this request's; the error of the token call it needed first (a
            // login retried on its own) keeps the count of that call.
            let result = result.map_err(|error| match error.request() {
                Some(failed) if failed.action != request.action => error,
                _ => error.with_attempts(attempts),
            });
            let span = recorded;
            span.record("attempts", attempts);
            span.record("duration_ms", started.elapsed().as_secs_f64() * 1000.0);
            match &result {
                Ok(reply) => {
                    span.record("status", reply.status);
                }
                Err(error) => {
                    if let Some(status) = error.status() {
                        span.record("status", status);
                    }
                    tracing::debug!(%error, "call failed");
                }
            }
            result
        }
        .instrument(span)
        .await
    }

    /// The attempts of one call; returns the outcome and how many attempts were made.
    async fn send<A: Authorize>(
        &self,
        authorize: &A,
        request: &Request,
        method: Method,
        body: Option<Bytes>,
    ) -> (Result<Reply, Error>, u32) {
        let mut retries = 0u32;
        let mut attempts = 0u32;
        let mut renewed = false;
        loop {
            attempts += 1;
            let token = if request.action.needs_token() {
                match authorize.token(self).await {
                    Ok(token) => token,
                    Err(error) => return (Err(error), attempts),
                }
            } else {
                None
            };
            let mut builder = self
                .http
                .request(method.clone(), &request.url)
                .timeout(self.timeout)
                .header(USER_AGENT, self.user_agent.clone())
                .header(ACCEPT, "application/json");
            if let Some(token) = &token {
                builder = builder.header(AUTHORIZATION, A::header(token).clone());
            }
            if let Some(body) = &body {
                builder = builder.header(CONTENT_TYPE, "application/json").body(body.clone());
            }
            let (failed, error) = match builder.send().await {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let retry_after = retry::retry_after(response.headers());
                    match read_body(response, self.max_response_bytes).await {
                        Ok(bytes) if (200..300).contains(&status) => {
                            let reply = Reply {
                                request: request.clone(),
                                status,
                                body: bytes,
                            };
                            return (Ok(reply), attempts);
                        }
                        Ok(bytes) => {
                            if status == 401
                                && !renewed
                                && let Some(token) = &token
                                && authorize.refused(token).await
                            {
                                // The token expired or was revoked: renew it, and send once more.
                                tracing::debug!("401: renewing the token");
                                renewed = true;
                                continue;
                            }
                            let error = status_error(request, status, &bytes, retry_after);
                            // `cckm-sync proxy --strict` refuses a call that breaks the contract
                            // with 502: the same call would be refused again.
                            let refused = error
                                .api_error()
                                .and_then(ApiError::ncerr_name)
                                .is_some_and(|name| name == CONTRACT_VIOLATION);
                            if refused {
                                (FailedAttempt::Final, error)
                            } else {
                                (FailedAttempt::Status { status, retry_after }, error)
                            }
                        }
                        Err(BodyFailure::TooLarge) => (
                            FailedAttempt::Final,
                            Error::TooLarge {
                                request: request.clone(),
                                limit: self.max_response_bytes,
                            },
                        ),
                        Err(BodyFailure::Transport(source)) => transport_failure(request, source),
                    }
                }
                Err(source) => transport_failure(request, source),
            };
            match self.retry.delay(request.action, retries, &failed) {
                Some(delay) => {
                    tracing::debug!(retry = retries + 1, delay_ms = delay.as_millis(), %error, "retrying");
                    tokio::time::sleep(delay).await;
                    retries += 1;
                }
                None => return (Err(error), attempts),
            }
        }
    }
}

/// A 2xx answer.
#[derive(Debug)]
pub(crate) struct Reply {
    request: Request,
    status: u16,
    body: Bytes,
}

impl Reply {
    /// The body as `T`, or an error naming the JSON path at fault.
    pub(crate) fn parse<T: DeserializeOwned>(&self) -> Result<T, Error> {
        cckm_sync::from_slice(&self.body).map_err(|source| {
            Error::Body(Box::new(BodyError {
                request: self.request.clone(),
                status: self.status,
                source,
            }))
        })
    }
}

enum BodyFailure {
    TooLarge,
    Transport(reqwest::Error),
}

/// The whole body, read chunk by chunk up to `limit` bytes.
async fn read_body(mut response: reqwest::Response, limit: usize) -> Result<Bytes, BodyFailure> {
    if response
        .content_length()
        .is_some_and(|length| usize::try_from(length).map_or(true, |length| length > limit))
    {
        return Err(BodyFailure::TooLarge);
    }
    let mut body = Vec::with_capacity(
        response
            .content_length()
            .and_then(|length| usize::try_from(length).ok())
            .unwrap_or(0),
    );
    while let Some(chunk) = response.chunk().await.map_err(BodyFailure::Transport)? {
        if body.len() + chunk.len() > limit {
            return Err(BodyFailure::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(body))
}

fn status_error(request: &Request, status: u16, body: &[u8], retry_after: Option<Duration>) -> Error {
    let api_error = cckm_sync::from_slice::<ApiError>(body).ok();
    let body_excerpt = match &api_error {
        Some(_) => None,
        None => {
            let text = String::from_utf8_lossy(body);
            let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let mut excerpt: String = line.chars().take(EXCERPT_CHARS).collect();
            if excerpt.len() < line.len() {
                excerpt.push('…');
            }
            (!excerpt.is_empty()).then_some(excerpt)
        }
    };
    Error::status_error(StatusError {
        request: request.clone(),
        status,
        api_error,
        body_excerpt,
        retry_after,
    })
}

/// The error of a request that got no (whole) answer, and how the attempt failed, for the retry policy.
fn transport_failure(request: &Request, source: reqwest::Error) -> (FailedAttempt, Error) {
    let request = request.clone();
    if source.is_timeout() {
        (FailedAttempt::Final, Error::Timeout { request, source })
    } else if crate::error::tls_error(&source).is_some() {
        (FailedAttempt::Final, Error::Tls { request, source })
    } else if source.is_connect() {
        (FailedAttempt::Connect, Error::Transport { request, source })
    } else {
        (FailedAttempt::Lost, Error::Transport { request, source })
    }
}
