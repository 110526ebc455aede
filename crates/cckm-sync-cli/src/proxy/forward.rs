//! One call through the proxy: forwarded unchanged; a call of the catalog held, its request
//! and response checked, and refused with `--strict` when it breaks the contract; any other
//! call streamed through; every call recorded and answered.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use bytes::Bytes;
use cckm_sync_contract::{Case, CatalogCall, EntryRef, Part, Source, Verdict, route};
use chrono::{DateTime, Utc};
use http::header::{self, HeaderMap};
use http::request::Parts;
use http::{Request, Response, Uri, Version};
use http_body_util::{BodyExt as _, Either, Full, LengthLimitError, Limited};
use hyper::body::Incoming;

use super::answer::{
    BAD_GATEWAY, CONTRACT_VIOLATION, MALFORMED_REQUEST, NoAnswer, REQUEST_TOO_LARGE, REQUEST_TOO_SLOW, ResponseBody,
    error_chain, own_answer,
};
use super::check::{check, violations};
use super::deadline::Deadline;
use super::headers::strip_hop_by_hop;
use super::record::{self, Seen, SeenResponse};
use super::state::{State, record};
use crate::output;

/// The largest request body of a call of the catalog the proxy takes (it must hold it to
/// check it).
pub(crate) const REQUEST_LIMIT: usize = 8 * 1024 * 1024;
/// The largest response body of a call of the catalog the proxy takes: a page of some
/// 100,000 jobs.
pub(crate) const RESPONSE_LIMIT: usize = 64 * 1024 * 1024;
/// How long a client may take to send a request's body.
const REQUEST_BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// A call as the proxy forwards it: what the client asked, where it goes upstream, and what
/// its HAR entry needs.
struct Forwarded {
    started_at: DateTime<Utc>,
    started: Instant,
    method: String,
    path: String,
    query: Option<String>,
    path_and_query: String,
    uri: Uri,
    client_headers: HeaderMap,
    client_version: Version,
    token_call: bool,
    source: Source,
}

impl Forwarded {
    /// The HAR entry of the call.
    fn seen(
        &self,
        request_body: Option<&[u8]>,
        response: Option<SeenResponse<'_>>,
        wait: Duration,
        comment: Option<String>,
    ) -> cckm_sync_contract::har::Entry {
        record::entry(&Seen {
            started: self.started_at,
            method: &self.method,
            url: self.uri.to_string(),
            version: self.client_version,
            request_headers: &self.client_headers,
            query: self.query.as_deref(),
            request_body,
            token_call: self.token_call,
            response,
            wait,
            receive: self.started.elapsed().saturating_sub(wait),
            comment,
        })
    }
}

/// Serves one call.
pub(crate) async fn handle(
    state: Arc<State>,
    request: Request<Incoming>,
) -> Result<Response<ResponseBody>, Infallible> {
    let index = state.calls.fetch_add(1, Ordering::Relaxed);
    let (mut parts, body) = request.into_parts();
    let call = match to_upstream(&state, index, &mut parts) {
        Ok(call) => call,
        Err(answer) => return Ok(*answer),
    };
    Ok(match route(&call.method, &call.path) {
        Ok(_) => held(&state, &call, parts, body).await,
        Err(reason) => {
            // Not a call of the catalog: streamed both ways, unchecked; counted.
            if let Ok(mut report) = state.report.lock() {
                report.add_other_call(&call.method, &call.path, reason.to_string());
            }
            streamed(&state, &call, parts, body).await
        }
    })
}

/// The call as the upstream receives it: its URI, without hop-by-hop headers and `Host`; or
/// the proxy's answer to a request it cannot forward.
fn to_upstream(state: &State, index: usize, parts: &mut Parts) -> Result<Forwarded, Box<Response<ResponseBody>>> {
    let started_at = Utc::now();
    let started = Instant::now();
    let method = parts.method.to_string();
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().map(str::to_owned);
    let path_and_query = parts
        .uri
        .path_and_query()
        .map_or("/", |value| value.as_str())
        .to_owned();
    let uri = state.upstream.uri(&path_and_query).map_err(|error| {
        Box::new(own_answer(
            MALFORMED_REQUEST,
            format!("cckm-sync proxy: cannot forward {path_and_query:?}: {error}"),
            None,
        ))
    })?;
    let client_headers = parts.headers.clone();
    let client_version = parts.version;
    strip_hop_by_hop(&mut parts.headers);
    // The upstream is addressed by its own name; the client sets `Host` from the URI.
    parts.headers.remove(header::HOST);
    parts.uri = uri.clone();
    parts.version = Version::HTTP_11;
    let token_call = matches!(route(&method, &path), Ok(CatalogCall::Token));
    let source = Source {
        file: None,
        entry: Some(EntryRef {
            index,
            method: method.clone(),
            url: path_and_query.clone(),
        }),
    };
    Ok(Forwarded {
        started_at,
        started,
        method,
        path,
        query,
        path_and_query,
        uri,
        client_headers,
        client_version,
        token_call,
        source,
    })
}

/// A call that is not of the catalog: both bodies streamed through, unchecked, unrecorded.
async fn streamed(state: &State, call: &Forwarded, parts: Parts, body: Incoming) -> Response<ResponseBody> {
    // The whole exchange, bodies streamed both ways included, within the proxy's timeout.
    let deadline = tokio::time::Instant::from_std(call.started) + state.timeout;
    let forwarded = Request::from_parts(parts, Either::Right(Deadline::new(body, deadline, state.timeout)));
    let answer = match tokio::time::timeout_at(deadline, state.client.request(forwarded)).await {
        Err(_) => Err(NoAnswer::timeout(&state.upstream.url(), state.timeout)),
        Ok(Err(error)) => Err(NoAnswer::of_client(&state.upstream.url(), &error)),
        Ok(Ok(response)) => Ok(response),
    };
    match answer {
        Ok(response) => {
            let (mut parts, body) = response.into_parts();
            let wait = call.started.elapsed();
            let seen = SeenResponse {
                status: parts.status,
                version: parts.version,
                headers: &parts.headers,
                body: None,
            };
            let comment = "not a call of the catalog: bodies streamed, not recorded".to_owned();
            record(state, call.seen(None, Some(seen), wait, Some(comment))).await;
            strip_hop_by_hop(&mut parts.headers);
            Response::from_parts(parts, Either::Right(Deadline::new(body, deadline, state.timeout)))
        }
        Err(no_answer) => {
            state.log(&[output::error_line(&format!("{}: {}", call.source, no_answer.reason))]);
            state.add_error(&call.source, &no_answer);
            let entry = call.seen(None, None, call.started.elapsed(), Some(no_answer.reason.clone()));
            record(state, entry).await;
            no_answer.answer()
        }
    }
}

/// A call of the catalog: both bodies held (within limits) and checked; with `--strict`, a
/// request that breaks the contract is not forwarded, and a response that does is not passed
/// on.
async fn held(state: &Arc<State>, call: &Forwarded, parts: Parts, body: Incoming) -> Response<ResponseBody> {
    let request_body = match read_request_body(body).await {
        Ok(body) => body,
        Err(answer) => return *answer,
    };
    let query = call.query.as_deref();
    let [request_case, _] = check(
        state,
        &call.source,
        &call.method,
        &call.path,
        query,
        &request_body,
        None,
    )
    .await;
    if state.strict && request_case.verdict(true) == Verdict::Fail {
        return refuse_request(state, call, request_case, &request_body).await;
    }

    let forwarded = Request::from_parts(parts, Either::Left(Full::new(request_body.clone())));
    let (mut response_parts, response_body, wait) = match read_response(state, forwarded, call.started).await {
        Ok(answer) => answer,
        Err(no_answer) => {
            let mut response_case = Case::new(call.source.clone(), Part::Response, request_case.call.clone());
            response_case.skipped = Some(format!("no answer: {}", no_answer.reason));
            state.add_unanswered(&call.source, request_case, response_case, &no_answer);
            let comment = format!(
                "{}; the proxy answered {}",
                no_answer.reason,
                no_answer.error.status.as_u16()
            );
            record(
                state,
                call.seen(Some(&request_body), None, call.started.elapsed(), Some(comment)),
            )
            .await;
            return no_answer.answer();
        }
    };

    let content_type = response_parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let answer = Some((response_parts.status.as_u16(), content_type, response_body.clone()));
    let [request_case, response_case] = check(
        state,
        &call.source,
        &call.method,
        &call.path,
        query,
        &request_body,
        answer,
    )
    .await;
    let refused = state.strict && response_case.verdict(true) == Verdict::Fail;
    let violations = violations(&response_case);
    state.add_to_report(vec![request_case, response_case]);
    let comment = refused.then(|| "the response breaks the contract: the proxy answered 502 (--strict)".to_owned());
    let seen = SeenResponse {
        status: response_parts.status,
        version: response_parts.version,
        headers: &response_parts.headers,
        body: Some(&response_body),
    };
    record(state, call.seen(Some(&request_body), Some(seen), wait, comment)).await;
    if refused {
        let reason = format!(
            "cckm-sync proxy (--strict): the upstream's {} response to {} {} breaks the contract: {}",
            response_parts.status.as_u16(),
            call.method,
            call.path_and_query,
            violations.first().cloned().unwrap_or_default()
        );
        return own_answer(CONTRACT_VIOLATION, reason, Some(violations));
    }
    strip_hop_by_hop(&mut response_parts.headers);
    Response::from_parts(response_parts, Either::Left(Full::new(response_body)))
}

/// The whole request body, at most [`REQUEST_LIMIT`] bytes within [`REQUEST_BODY_TIMEOUT`];
/// or the proxy's answer when it is larger, slower or broken.
async fn read_request_body(body: Incoming) -> Result<Bytes, Box<Response<ResponseBody>>> {
    match tokio::time::timeout(REQUEST_BODY_TIMEOUT, Limited::new(body, REQUEST_LIMIT).collect()).await {
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(error)) => {
            let (error, reason) = if error.is::<LengthLimitError>() {
                (
                    REQUEST_TOO_LARGE,
                    format!("the request body is larger than the {REQUEST_LIMIT} bytes the proxy checks"),
                )
            } else {
                (MALFORMED_REQUEST, format!("cannot read the request body: {error}"))
            };
            Err(Box::new(own_answer(error, format!("cckm-sync proxy: {reason}"), None)))
        }
        Err(_) => Err(Box::new(own_answer(
            REQUEST_TOO_SLOW,
            format!(
                "cckm-sync proxy: the request body did not arrive within {} s",
                REQUEST_BODY_TIMEOUT.as_secs()
            ),
            None,
        ))),
    }
}

/// With `--strict`, a request that breaks the contract: reported, recorded, not forwarded.
async fn refuse_request(
    state: &State,
    call: &Forwarded,
    request_case: Case,
    request_body: &Bytes,
) -> Response<ResponseBody> {
    let violations = violations(&request_case);
    let reason = format!(
        "cckm-sync proxy (--strict): the request of {} {} breaks the contract, so it was not forwarded: {}",
        call.method,
        call.path_and_query,
        violations.first().cloned().unwrap_or_default()
    );
    state.add_to_report(vec![request_case]);
    record(
        state,
        call.seen(Some(request_body), None, Duration::ZERO, Some(reason.clone())),
    )
    .await;
    own_answer(CONTRACT_VIOLATION, reason, Some(violations))
}

/// The upstream's answer to `forwarded`, its body whole (at most [`RESPONSE_LIMIT`] bytes),
/// and how long after `started` (when the call arrived) its head came; all within the
/// proxy's timeout.
async fn read_response(
    state: &State,
    forwarded: Request<ResponseBody>,
    started: Instant,
) -> Result<(http::response::Parts, Bytes, Duration), NoAnswer> {
    let deadline = tokio::time::Instant::now() + state.timeout;
    let response = match tokio::time::timeout_at(deadline, state.client.request(forwarded)).await {
        Err(_) => return Err(NoAnswer::timeout(&state.upstream.url(), state.timeout)),
        Ok(Err(error)) => return Err(NoAnswer::of_client(&state.upstream.url(), &error)),
        Ok(Ok(response)) => response,
    };
    let wait = started.elapsed();
    let (parts, body) = response.into_parts();
    match tokio::time::timeout_at(deadline, Limited::new(body, RESPONSE_LIMIT).collect()).await {
        Err(_) => Err(NoAnswer::timeout(&state.upstream.url(), state.timeout)),
        Ok(Err(error)) if error.is::<LengthLimitError>() => Err(NoAnswer {
            error: BAD_GATEWAY,
            reason: format!("the upstream's response body is larger than the {RESPONSE_LIMIT} bytes the proxy checks"),
        }),
        Ok(Err(error)) => Err(NoAnswer {
            error: BAD_GATEWAY,
            reason: format!(
                "the upstream {} broke off its answer: {}",
                state.upstream.url(),
                error_chain(error.as_ref())
            ),
        }),
        Ok(Ok(collected)) => Ok((parts, collected.to_bytes(), wait)),
    }
}
