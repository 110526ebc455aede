//! What the proxy answers on its own, with the API's error body: the errors of the catalog it
//! shares with the server (a malformed, slow or too large request), and its own (the upstream
//! cannot be reached or breaks off, does not answer in time, or a call breaks the contract).

use bytes::Bytes;
use cckm_sync::endpoints::{BAD_REQUEST, ErrorSpec, PAYLOAD_TOO_LARGE, REQUEST_TIMEOUT};
use cckm_sync::{ApiError, RawJson};
use http::header::{self, HeaderValue};
use http::{Response, StatusCode};
use http_body_util::{Either, Full};

use super::deadline::Deadline;

/// A response body: the proxy's own or a checked one (buffered), or an unchecked one
/// (streamed).
pub(crate) type ResponseBody = Either<Full<Bytes>, Deadline<hyper::body::Incoming>>;

/// An error the proxy answers with: its status, and the `codeDesc` of its body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct OwnError {
    pub(crate) status: StatusCode,
    pub(crate) code_desc: &'static str,
}

impl OwnError {
    /// An error of the catalog, answered as the server would (its body without a `code`, as
    /// the proxy cannot know the server's).
    const fn of(spec: &'static ErrorSpec, status: StatusCode) -> Self {
        Self {
            status,
            code_desc: spec.code_desc,
        }
    }
}

/// A request that cannot be forwarded, or whose body cannot be read.
pub(crate) const MALFORMED_REQUEST: OwnError = OwnError::of(&BAD_REQUEST, StatusCode::BAD_REQUEST);
/// A request body larger than the proxy checks.
pub(crate) const REQUEST_TOO_LARGE: OwnError = OwnError::of(&PAYLOAD_TOO_LARGE, StatusCode::PAYLOAD_TOO_LARGE);
/// A request body that did not arrive in time.
pub(crate) const REQUEST_TOO_SLOW: OwnError = OwnError::of(&REQUEST_TIMEOUT, StatusCode::REQUEST_TIMEOUT);
/// The upstream cannot be reached, or broke off its answer.
pub(crate) const BAD_GATEWAY: OwnError = OwnError {
    status: StatusCode::BAD_GATEWAY,
    code_desc: "NCERRBadGateway",
};
/// The upstream did not answer in time.
pub(crate) const GATEWAY_TIMEOUT: OwnError = OwnError {
    status: StatusCode::GATEWAY_TIMEOUT,
    code_desc: "NCERRGatewayTimeout",
};
/// With `--strict`: a call that breaks the contract.
pub(crate) const CONTRACT_VIOLATION: OwnError = OwnError {
    status: StatusCode::BAD_GATEWAY,
    code_desc: "NCERRContractViolation",
};

/// An answer of the proxy itself, with the API's error body (the model crate's `ApiError`):
/// its `message` starts with `cckm-sync proxy`, so that no one takes it for the server's.
pub(crate) fn own_answer(error: OwnError, message: String, violations: Option<Vec<String>>) -> Response<ResponseBody> {
    let mut body = ApiError {
        code_desc: Some(error.code_desc.to_owned()),
        message: Some(message),
        ..ApiError::default()
    };
    if let Some(violations) = violations
        && let Ok(raw) = RawJson::from_serialize(&violations)
    {
        body.unknown_fields.insert("violations", raw);
    }
    let body = serde_json::to_vec(&body).unwrap_or_default();
    let mut response = Response::new(Either::Left(Full::new(Bytes::from(body))));
    *response.status_mut() = error.status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// The messages of an error and of its sources, joined: hyper's own say little alone.
pub(crate) fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if parts.last() != Some(&text) {
            parts.push(text);
        }
        source = cause.source();
    }
    parts.join(": ")
}

/// Why the upstream gave no answer, and what the proxy answers instead.
pub(crate) struct NoAnswer {
    pub(crate) error: OwnError,
    pub(crate) reason: String,
}

impl NoAnswer {
    /// The upstream at `upstream` (its URL) did not answer within `timeout`.
    pub(crate) fn timeout(upstream: &str, timeout: std::time::Duration) -> Self {
        Self {
            error: GATEWAY_TIMEOUT,
            reason: format!(
                "the upstream {upstream} did not answer within {}",
                humantime::format_duration(timeout)
            ),
        }
    }

    /// The client of the upstream at `upstream` (its URL) could not connect, or the
    /// connection failed before an answer.
    pub(crate) fn of_client(upstream: &str, error: &hyper_util::client::legacy::Error) -> Self {
        let reason = if error.is_connect() {
            format!("cannot connect to the upstream {upstream}: {}", error_chain(error))
        } else {
            format!("the upstream {upstream} failed to answer: {}", error_chain(error))
        };
        Self {
            error: BAD_GATEWAY,
            reason,
        }
    }

    /// The proxy's answer in place of the upstream's.
    pub(crate) fn answer(&self) -> Response<ResponseBody> {
        own_answer(self.error, format!("cckm-sync proxy: {}", self.reason), None)
    }
}
