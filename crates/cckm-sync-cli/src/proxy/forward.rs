//! One call through the proxy: forwarded unchanged, its request and response checked when it
//! is a call of the catalog, recorded, and answered.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use cckm_sync::ApiError;
use cckm_sync::RawJson;
use cckm_sync_contract::{Answer, Case, Contract, EntryRef, Exchange, Report, Source, Verdict, check_exchange, route};
use chrono::Utc;
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Request, Response, StatusCode, Version};
use http_body_util::{BodyExt as _, Either, Full, LengthLimitError, Limited};
use hyper::body::Incoming;

use super::record::{self, Recorder, Seen, SeenResponse};
use super::upstream::{Upstream, UpstreamClient};
use crate::output;

/// The largest request body of a call of the catalog the proxy takes (it must hold it to
/// check it).
pub(crate) const REQUEST_LIMIT: usize = 8 * 1024 * 1024;
/// The largest response body of a call of the catalog the proxy takes: a page of some
/// 100,000 jobs.
pub(crate) const RESPONSE_LIMIT: usize = 64 * 1024 * 1024;
/// How long a client may take to send a request's body.
const REQUEST_BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// A response body: the proxy's own or a checked one (buffered), or an unchecked one
/// (streamed).
pub(crate) type ResponseBody = Either<Full<Bytes>, Incoming>;

/// What every call shares.
pub(crate) struct State {
    pub(crate) upstream: Upstream,
    pub(crate) client: UpstreamClient,
    pub(crate) contract: &'static Contract,
    pub(crate) strict: bool,
    /// How long the upstream may take to answer, body included.
    pub(crate) timeout: Duration,
    pub(crate) report: std::sync::Mutex<Report>,
    pub(crate) recorder: Option<Recorder>,
    pub(crate) calls: AtomicUsize,
    pub(crate) color: anstream::ColorChoice,
}

impl State {
    /// Writes lines to standard error, whole.
    fn log(&self, lines: &[String]) {
        use std::io::Write as _;
        if lines.is_empty() {
            return;
        }
        let mut err = anstream::AutoStream::new(std::io::stderr().lock(), self.color);
        for line in lines {
            let _ = writeln!(err, "{line}");
        }
    }

    fn add_to_report(&self, cases: Vec<Case>) {
        let mut lines = Vec::new();
        for case in &cases {
            lines.extend(output::case_lines(case, self.strict));
        }
        let mut fresh = Vec::new();
        if let Ok(mut report) = self.report.lock() {
            for case in cases {
                fresh.extend(report.add(case));
            }
        }
        for count in fresh {
            lines.push(output::drift_line(&format!(
                "new: {} (first in {})",
                count.what(),
                count.first_seen
            )));
        }
        self.log(&lines);
    }
}

/// Headers that concern one connection only (RFC 9110, section 7.6.1): never forwarded.
const HOP_BY_HOP: [&str; 8] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
];

/// Removes the hop-by-hop headers, those the `Connection` header names included, and
/// `upgrade` (the proxy does not tunnel).
fn strip_hop_by_hop(headers: &mut HeaderMap) {
    let named: Vec<HeaderName> = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|name| HeaderName::from_bytes(name.trim().as_bytes()).ok())
        .collect();
    for name in named {
        headers.remove(name);
    }
    for name in HOP_BY_HOP {
        headers.remove(name);
    }
    headers.remove(header::UPGRADE);
}

/// An answer of the proxy itself, with the API's error body (the model crate's `ApiError`):
/// its `message` starts with `cckm-sync proxy`, so that no one takes it for the server's.
fn own_answer(
    status: StatusCode,
    code_desc: &str,
    message: String,
    violations: Option<Vec<String>>,
) -> Response<ResponseBody> {
    let mut error = ApiError {
        code_desc: Some(code_desc.to_owned()),
        message: Some(message),
        ..ApiError::default()
    };
    if let Some(violations) = violations
        && let Ok(raw) = RawJson::from_serialize(&violations)
    {
        error.unknown_fields.insert("violations", raw);
    }
    let body = serde_json::to_vec(&error).unwrap_or_default();
    let mut response = Response::new(Either::Left(Full::new(Bytes::from(body))));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// The messages of an error and of its sources, joined: hyper's own say little alone.
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
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
struct NoAnswer {
    status: StatusCode,
    code_desc: &'static str,
    reason: String,
}

impl NoAnswer {
    fn timeout(state: &State) -> Self {
        Self {
            status: StatusCode::GATEWAY_TIMEOUT,
            code_desc: "NCERRGatewayTimeout",
            reason: format!(
                "the upstream {} did not answer within {}",
                state.upstream.url(),
                humantime::format_duration(state.timeout)
            ),
        }
    }

    fn of_client(state: &State, error: &hyper_util::client::legacy::Error) -> Self {
        let reason = if error.is_connect() {
            format!(
                "cannot connect to the upstream {}: {}",
                state.upstream.url(),
                error_chain(error)
            )
        } else {
            format!(
                "the upstream {} failed to answer: {}",
                state.upstream.url(),
                error_chain(error)
            )
        };
        Self {
            status: StatusCode::BAD_GATEWAY,
            code_desc: "NCERRBadGateway",
            reason,
        }
    }

    fn answer(&self) -> Response<ResponseBody> {
        own_answer(
            self.status,
            self.code_desc,
            format!("cckm-sync proxy: {}", self.reason),
            None,
        )
    }
}

/// Serves one call.
pub(crate) async fn handle(
    state: Arc<State>,
    request: Request<Incoming>,
) -> Result<Response<ResponseBody>, Infallible> {
    let index = state.calls.fetch_add(1, Ordering::Relaxed);
    let started_at = Utc::now();
    let started = Instant::now();
    let (mut parts, body) = request.into_parts();
    let method = parts.method.to_string();
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().map(str::to_owned);
    let path_and_query = parts
        .uri
        .path_and_query()
        .map_or("/", |value| value.as_str())
        .to_owned();
    let uri = match state.upstream.uri(&path_and_query) {
        Ok(uri) => uri,
        Err(error) => {
            return Ok(own_answer(
                StatusCode::BAD_REQUEST,
                "NCERRBadRequest",
                format!("cckm-sync proxy: cannot forward {path_and_query:?}: {error}"),
                None,
            ));
        }
    };
    let client_headers = parts.headers.clone();
    let client_version = parts.version;
    strip_hop_by_hop(&mut parts.headers);
    // The upstream is addressed by its own name; the client sets `Host` from the URI.
    parts.headers.remove(header::HOST);
    parts.uri = uri.clone();
    parts.version = Version::HTTP_11;
    let call = route(&method, &path).map(|call| matches!(call, cckm_sync_contract::CatalogCall::Token));
    let source = Source {
        file: None,
        entry: Some(EntryRef {
            index,
            method: method.clone(),
            url: path_and_query.clone(),
        }),
    };
    let seen =
        |request_body: Option<&[u8]>, response: Option<SeenResponse<'_>>, wait: Duration, comment: Option<String>| {
            record::entry(&Seen {
                started: started_at,
                method: &method,
                url: uri.to_string(),
                version: client_version,
                request_headers: &client_headers,
                query: query.as_deref(),
                request_body,
                token_call: call == Ok(true),
                response,
                wait,
                receive: started.elapsed().saturating_sub(wait),
                comment,
            })
        };

    if call.is_err() {
        // Not a call of the catalog: streamed both ways, unchecked; counted.
        if let Ok(mut report) = state.report.lock() {
            let reason = route(&method, &path)
                .err()
                .map(|reason| reason.to_string())
                .unwrap_or_default();
            report.add_other_call(&method, &path, reason);
        }
        let forwarded = Request::from_parts(parts, Either::Right(body));
        let answer = match tokio::time::timeout(state.timeout, state.client.request(forwarded)).await {
            Err(_) => Err(NoAnswer::timeout(&state)),
            Ok(Err(error)) => Err(NoAnswer::of_client(&state, &error)),
            Ok(Ok(response)) => Ok(response),
        };
        return Ok(match answer {
            Ok(response) => {
                let (mut parts, body) = response.into_parts();
                let wait = started.elapsed();
                record(
                    &state,
                    seen(
                        None,
                        Some(SeenResponse {
                            status: parts.status,
                            version: parts.version,
                            headers: &parts.headers,
                            body: None,
                        }),
                        wait,
                        Some("not a call of the catalog: bodies streamed, not recorded".to_owned()),
                    ),
                )
                .await;
                strip_hop_by_hop(&mut parts.headers);
                Response::from_parts(parts, Either::Right(body))
            }
            Err(no_answer) => {
                state.log(&[output::error_line(&format!("{source}: {}", no_answer.reason))]);
                record(
                    &state,
                    seen(None, None, started.elapsed(), Some(no_answer.reason.clone())),
                )
                .await;
                no_answer.answer()
            }
        });
    };

    // A call of the catalog: both bodies are held, to be checked.
    let request_body =
        match tokio::time::timeout(REQUEST_BODY_TIMEOUT, Limited::new(body, REQUEST_LIMIT).collect()).await {
            Ok(Ok(collected)) => collected.to_bytes(),
            Ok(Err(error)) => {
                let (status, code_desc, reason) = if error.is::<LengthLimitError>() {
                    (
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "NCERRPayloadTooLarge",
                        format!("the request body is larger than the {REQUEST_LIMIT} bytes the proxy checks"),
                    )
                } else {
                    (
                        StatusCode::BAD_REQUEST,
                        "NCERRBadRequest",
                        format!("cannot read the request body: {error}"),
                    )
                };
                return Ok(own_answer(
                    status,
                    code_desc,
                    format!("cckm-sync proxy: {reason}"),
                    None,
                ));
            }
            Err(_) => {
                return Ok(own_answer(
                    StatusCode::REQUEST_TIMEOUT,
                    "NCERRRequestTimeout",
                    format!(
                        "cckm-sync proxy: the request body did not arrive within {} s",
                        REQUEST_BODY_TIMEOUT.as_secs()
                    ),
                    None,
                ));
            }
        };

    let [request_case, _] = check(&state, &source, &method, &path, query.as_deref(), &request_body, None).await;
    if state.strict && request_case.verdict(true) == Verdict::Fail {
        let violations = violations(&request_case);
        let reason = format!(
            "cckm-sync proxy (--strict): the request of {method} {path_and_query} breaks the contract, so it was not forwarded: {}",
            violations.first().cloned().unwrap_or_default()
        );
        state.add_to_report(vec![request_case]);
        record(
            &state,
            seen(Some(&request_body), None, Duration::ZERO, Some(reason.clone())),
        )
        .await;
        return Ok(own_answer(
            StatusCode::BAD_GATEWAY,
            "NCERRContractViolation",
            reason,
            Some(violations),
        ));
    }

    let forwarded = Request::from_parts(parts, Either::Left(Full::new(request_body.clone())));
    let deadline = tokio::time::Instant::now() + state.timeout;
    let answer = match tokio::time::timeout_at(deadline, state.client.request(forwarded)).await {
        Err(_) => Err(NoAnswer::timeout(&state)),
        Ok(Err(error)) => Err(NoAnswer::of_client(&state, &error)),
        Ok(Ok(response)) => {
            let wait = started.elapsed();
            let (parts, body) = response.into_parts();
            match tokio::time::timeout_at(deadline, Limited::new(body, RESPONSE_LIMIT).collect()).await {
                Err(_) => Err(NoAnswer::timeout(&state)),
                Ok(Err(error)) if error.is::<LengthLimitError>() => Err(NoAnswer {
                    status: StatusCode::BAD_GATEWAY,
                    code_desc: "NCERRBadGateway",
                    reason: format!(
                        "the upstream's response body is larger than the {RESPONSE_LIMIT} bytes the proxy checks"
                    ),
                }),
                Ok(Err(error)) => Err(NoAnswer {
                    status: StatusCode::BAD_GATEWAY,
                    code_desc: "NCERRBadGateway",
                    reason: format!(
                        "the upstream {} broke off its answer: {}",
                        state.upstream.url(),
                        error_chain(error.as_ref())
                    ),
                }),
                Ok(Ok(collected)) => Ok((parts, collected.to_bytes(), wait)),
            }
        }
    };
    let (mut response_parts, response_body, wait) = match answer {
        Ok(answer) => answer,
        Err(no_answer) => {
            let mut response_case = Case::new(
                source.clone(),
                cckm_sync_contract::Part::Response,
                request_case.call.clone(),
            );
            response_case.skipped = Some(format!("no answer: {}", no_answer.reason));
            state.log(&[output::error_line(&format!("{source}: {}", no_answer.reason))]);
            state.add_to_report(vec![request_case, response_case]);
            let comment = format!("{}; the proxy answered {}", no_answer.reason, no_answer.status.as_u16());
            record(
                &state,
                seen(Some(&request_body), None, started.elapsed(), Some(comment)),
            )
            .await;
            return Ok(no_answer.answer());
        }
    };

    let content_type = response_parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let answer = Some((response_parts.status.as_u16(), content_type, response_body.clone()));
    let [request_case, response_case] =
        check(&state, &source, &method, &path, query.as_deref(), &request_body, answer).await;
    let refused = state.strict && response_case.verdict(true) == Verdict::Fail;
    let violations = violations(&response_case);
    state.add_to_report(vec![request_case, response_case]);
    let comment = refused.then(|| "the response breaks the contract: the proxy answered 502 (--strict)".to_owned());
    record(
        &state,
        seen(
            Some(&request_body),
            Some(SeenResponse {
                status: response_parts.status,
                version: response_parts.version,
                headers: &response_parts.headers,
                body: Some(&response_body),
            }),
            wait,
            comment,
        ),
    )
    .await;
    if refused {
        let reason = format!(
            "cckm-sync proxy (--strict): the upstream's {} response to {method} {path_and_query} breaks the contract: {}",
            response_parts.status.as_u16(),
            violations.first().cloned().unwrap_or_default()
        );
        return Ok(own_answer(
            StatusCode::BAD_GATEWAY,
            "NCERRContractViolation",
            reason,
            Some(violations),
        ));
    }
    strip_hop_by_hop(&mut response_parts.headers);
    Ok(Response::from_parts(
        response_parts,
        Either::Left(Full::new(response_body)),
    ))
}

/// What a failing case says, a line each: failures, contract bugs, drift (in strict mode).
fn violations(case: &Case) -> Vec<String> {
    let part = case.part.map(|part| format!("{part} ")).unwrap_or_default();
    let mut lines: Vec<String> = case.failures.iter().map(|failure| format!("{part}{failure}")).collect();
    lines.extend(
        case.contract_bugs
            .iter()
            .map(|bug| format!("{part}contract bug: {bug}")),
    );
    lines.extend(case.drift.iter().map(|drift| format!("{part}drift: {drift}")));
    lines
}

/// Checks the call, off the runtime's threads (a large page takes a while).
async fn check(
    state: &Arc<State>,
    source: &Source,
    method: &str,
    path: &str,
    query: Option<&str>,
    request_body: &Bytes,
    answer: Option<(u16, Option<String>, Bytes)>,
) -> [Case; 2] {
    let contract = state.contract;
    let (source, method, path, query, request_body) = (
        source.clone(),
        method.to_owned(),
        path.to_owned(),
        query.map(str::to_owned),
        request_body.clone(),
    );
    let checked = tokio::task::spawn_blocking(move || {
        let exchange = Exchange {
            method: &method,
            path: &path,
            query: query.as_deref(),
            request_body: Some(&request_body),
            response: answer.as_ref().map(|(status, content_type, body)| Answer {
                status: *status,
                content_type: content_type.as_deref(),
                body: Some(body),
            }),
        };
        check_exchange(contract, &source, &exchange).ok()
    })
    .await;
    checked.ok().flatten().unwrap_or_default()
}

async fn record(state: &State, entry: cckm_sync_contract::har::Entry) {
    if let Some(recorder) = &state.recorder {
        recorder.record(entry).await;
    }
}
