//! The vendor's API: the routes of every endpoint of the catalog and the token call, and the
//! answers to everything else (unknown paths, wrong methods, oversized or slow bodies), all
//! with the vendor's error body.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{MethodFilter, MethodRouter};
use cckm_sync::endpoints::{
    self, API_PREFIX, BAD_REQUEST, CONFLICT, ENDPOINTS, Endpoint, INVALID_PARAMETER, METHOD_NOT_ALLOWED, NOT_FOUND,
    Operation, PAYLOAD_TOO_LARGE, REQUEST_TIMEOUT, SERVER_ERROR, TOKEN_PATH, TOO_MANY_REQUESTS, UNAUTHORIZED,
    WRONG_CREDENTIALS,
};
use cckm_sync::{SyncJob, TokenRequest};

use crate::app::App;
use crate::fault::{Call, FaultKind};
use crate::job::{Plan, StoredJob};
use crate::payload::{self, ErrorAnswer, Newer};
use crate::record::ReceivedRequest;

/// How long a client may take to send its body.
pub(crate) const BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// Where the control API lives: a prefix no vendor path starts with.
pub(crate) const CONTROL_PREFIX: &str = "/__mock";

/// Lets a handler close its connection without answering (the close-connection fault).
#[derive(Clone, Debug)]
pub(crate) struct CloseHandle(pub(crate) Arc<tokio::sync::Notify>);

/// The whole router: the vendor's API, the control API, and the error answers.
pub(crate) fn router(app: Arc<App>) -> Router {
    let mut paths: BTreeMap<String, Vec<(Operation, &'static Endpoint)>> = BTreeMap::new();
    for endpoint in &ENDPOINTS {
        for operation in Operation::ALL {
            let path = format!("{API_PREFIX}{}", endpoint.path_template(operation));
            paths.entry(path).or_default().push((operation, endpoint));
        }
    }
    let mut router = Router::new();
    for (path, calls) in paths {
        let mut methods: Vec<&'static str> = calls.iter().map(|(operation, _)| operation.method().as_str()).collect();
        methods.dedup();
        let mut route = MethodRouter::new();
        for (operation, endpoint) in calls {
            let filter = match operation.method() {
                endpoints::Method::Get => MethodFilter::GET,
                endpoints::Method::Post => MethodFilter::POST,
            };
            route = route.on(filter, move |State(app): State<Arc<App>>, request: Request| {
                job_call(app, endpoint, operation, request)
            });
        }
        router = router.route(&path, route.fallback(method_not_allowed(methods.join(", "))));
    }
    let token_path = format!("{API_PREFIX}{TOKEN_PATH}");
    for path in [token_path.clone(), format!("{token_path}/")] {
        let route = MethodRouter::new()
            .post(|State(app): State<Arc<App>>, request: Request| token_call(app, request))
            .fallback(method_not_allowed("POST".to_owned()));
        router = router.route(&path, route);
    }
    router
        .nest(CONTROL_PREFIX, crate::control::router(&app))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(app.clone(), read_and_record))
        .with_state(app)
}

fn method_not_allowed(allow: String) -> impl Fn(Method, axum::http::Uri) -> std::future::Ready<Response> + Clone {
    move |method: Method, uri: axum::http::Uri| {
        let mut response = payload::error(
            &METHOD_NOT_ALLOWED,
            format!("{method} is not allowed on {}; allowed: {allow}", uri.path()),
        );
        if let Ok(value) = HeaderValue::from_str(&allow) {
            response.headers_mut().insert(header::ALLOW, value);
        }
        std::future::ready(response)
    }
}

async fn not_found(method: Method, uri: axum::http::Uri) -> Response {
    payload::error(&NOT_FOUND, format!("no such API path: {method} {}", uri.path()))
}

/// Reads the body (bounded in size and time) and records the request, for every call but the
/// control API's.
async fn read_and_record(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let limit = app.config.body_limit;
    let bytes = match tokio::time::timeout(BODY_TIMEOUT, axum::body::to_bytes(body, limit)).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(error)) => {
            let too_large =
                std::error::Error::source(&error).is_some_and(|source| source.is::<http_body_util::LengthLimitError>());
            return if too_large {
                payload::error(&PAYLOAD_TOO_LARGE, format!("the body is larger than {limit} bytes"))
            } else {
                payload::error(&BAD_REQUEST, format!("cannot read the body: {error}"))
            };
        }
        Err(_) => {
            return payload::error(
                &REQUEST_TIMEOUT,
                format!("the body did not arrive within {} s", BODY_TIMEOUT.as_secs()),
            );
        }
    };
    let control = parts.uri.path().starts_with(CONTROL_PREFIX);
    let seq = (!control && app.requests().enabled()).then(|| {
        let received = ReceivedRequest::new(&parts, &bytes, app.clock.now(), app.config.record_credentials);
        app.requests().push(received)
    });
    let response = vendor_error_body(next.run(Request::from_parts(parts, Body::from(bytes))).await);
    if let Some(seq) = seq {
        app.requests().set_status(seq, response.status().as_u16());
    }
    response
}

/// The vendor's error body of an error the HTTP layer answers before any route sees the
/// request: 400 (bytes that are not HTTP/1.1), 414 (a request line too long), 431 (headers too
/// large).
pub(crate) fn http_error_body(status: u16) -> Vec<u8> {
    let message = match status {
        414 => "the request line (method, path and query) is longer than the server reads",
        431 => "the request's headers are larger than the server reads",
        400 => "the request cannot be read as HTTP: a malformed request line or header",
        _ => "the request cannot be read",
    };
    serde_json::to_vec(&payload::api_error(&BAD_REQUEST, message)).unwrap_or_default()
}

/// Every error answer carries the vendor's JSON error body: one that does not (a rejection of
/// an extractor of the framework, in plain text) gets one, with its text as the message.
fn vendor_error_body(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let reason = status.canonical_reason().unwrap_or("error").to_owned();
    let spec = match status.as_u16() {
        404 => &NOT_FOUND,
        405 => &METHOD_NOT_ALLOWED,
        408 => &REQUEST_TIMEOUT,
        413 => &PAYLOAD_TOO_LARGE,
        429 => &TOO_MANY_REQUESTS,
        400..=499 => &BAD_REQUEST,
        _ => &SERVER_ERROR,
    };
    let allow = response.headers().get(header::ALLOW).cloned();
    let mut fixed = payload::error_with_status(status, spec, reason);
    if let Some(allow) = allow {
        fixed.headers_mut().insert(header::ALLOW, allow);
    }
    fixed
}

/// What faults ask of a call that goes on.
#[derive(Default)]
struct Asked {
    newer: Option<Newer>,
    failure: Option<(Option<String>, String)>,
}

/// Applies the next fault of `call`, if any: answers for it, stalls, closes the connection, or
/// says what to change in the answer.
async fn apply_fault(
    app: &App,
    call: Call,
    endpoint: Option<&str>,
    close: Option<&CloseHandle>,
) -> Result<Asked, Response> {
    let fault = app.faults().take(call, endpoint);
    let mut asked = Asked::default();
    match fault {
        None => {}
        Some(FaultKind::Status {
            status,
            retry_after_secs,
        }) => {
            let code = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            let spec = if status == 429 {
                &TOO_MANY_REQUESTS
            } else {
                &SERVER_ERROR
            };
            let mut response = payload::error_with_status(code, spec, format!("injected fault: {status}"));
            if let Some(value) = retry_after_secs.and_then(|secs| HeaderValue::from_str(&secs.to_string()).ok()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            return Err(response);
        }
        Some(FaultKind::Stall { millis }) => tokio::time::sleep(Duration::from_millis(millis)).await,
        Some(FaultKind::CloseConnection) => {
            if let Some(close) = close {
                close.0.notify_one();
                // The connection's task drops this request with the connection.
                std::future::pending::<()>().await;
            }
            return Err(payload::error(
                &SERVER_ERROR,
                "injected fault: the connection was to be closed",
            ));
        }
        Some(FaultKind::NewerServer { field, value, status }) => asked.newer = Some(Newer { field, value, status }),
        Some(FaultKind::FailJob { reason, item }) => asked.failure = Some((item, reason)),
    }
    Ok(asked)
}

/// A call of a job endpoint.
async fn job_call(app: Arc<App>, endpoint: &'static Endpoint, operation: Operation, request: Request) -> Response {
    use axum::RequestPartsExt;
    let (mut parts, body) = request.into_parts();
    let close = parts.extensions.get::<CloseHandle>().cloned();
    let asked = match apply_fault(
        &app,
        crate::fault::Call::of(operation),
        Some(endpoint.name),
        close.as_ref(),
    )
    .await
    {
        Ok(asked) => asked,
        Err(response) => return response,
    };
    let authorization = parts.headers.get(header::AUTHORIZATION).map(HeaderValue::as_bytes);
    if let Err(refusal) = app.tokens().check(authorization, app.clock.now()) {
        return payload::error(&UNAUTHORIZED, refusal.message());
    }
    let id = match operation {
        Operation::Get | Operation::Cancel => match parts.extract::<Path<String>>().await {
            Ok(Path(raw)) => match endpoints::parse_job_id(&raw) {
                Some(id) => Some(id),
                None => {
                    return payload::error(
                        &INVALID_PARAMETER,
                        format!("id: must be a job id such as \"0ea5d52e-387c-44fa-b079-21c8b768f77b\", got {raw:?}"),
                    );
                }
            },
            Err(rejection) => return payload::error(&INVALID_PARAMETER, format!("id: {rejection}")),
        },
        Operation::List | Operation::Start => None,
    };
    let outcome = match (operation, id) {
        (Operation::List, _) => {
            let query = parts.uri.query().map(str::to_owned);
            return list_call(app, endpoint, query, asked.newer).await;
        }
        (Operation::Start, _) => {
            let body = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
            start(&app, endpoint, &body, asked.failure)
        }
        (Operation::Get, Some(id)) => get(&app, endpoint, id),
        (Operation::Cancel, Some(id)) => cancel(&app, endpoint, id),
        (Operation::Get | Operation::Cancel, None) => Err(ErrorAnswer::new(&INVALID_PARAMETER, "id: missing")),
    };
    match outcome {
        Ok(JobAnswer(status, job)) => {
            let mut job = *job;
            if let Some(newer) = &asked.newer {
                newer.job(&mut job);
            }
            payload::json(status, &job)
        }
        Err(failure) => failure.response(),
    }
}

/// The job a start, get or cancel answers, and its status.
struct JobAnswer(StatusCode, Box<SyncJob>);

/// A list call: its page, built on a thread for blocking work, at most
/// [`MAX_LISTS_AT_ONCE`](crate::app::MAX_LISTS_AT_ONCE) at once. A list's work grows with the store (every job with
/// `limit=-1`), and the runtime's workers go on serving other calls meanwhile.
async fn list_call(
    app: Arc<App>,
    endpoint: &'static Endpoint,
    query: Option<String>,
    newer: Option<Newer>,
) -> Response {
    let Ok(_turn) = app.lists.clone().acquire_owned().await else {
        return payload::error(&SERVER_ERROR, "the server is stopping");
    };
    let listed = tokio::task::spawn_blocking(move || match list(&app, endpoint, query.as_deref()) {
        Ok(mut page) => {
            if let Some(newer) = &newer {
                newer.page(&mut page);
            }
            payload::json(StatusCode::OK, &page)
        }
        Err(failure) => failure.response(),
    });
    listed
        .await
        .unwrap_or_else(|error| payload::error(&SERVER_ERROR, format!("the list of {endpoint} failed: {error}")))
}

fn list(app: &App, endpoint: &'static Endpoint, query: Option<&str>) -> Result<cckm_sync::SyncJobPage, ErrorAnswer> {
    let query =
        crate::query::parse_query(endpoint, query).map_err(|message| ErrorAnswer::new(&INVALID_PARAMETER, message))?;
    let now = app.clock.now();
    // The store's lock is held only to copy what the list shows (cheap copies, of the page's
    // jobs when an order is kept); filtering, sorting and building the jobs happen after.
    let view = app.jobs().view(endpoint, &query);
    let ((skip, limit, total, jobs), kept) = view.page(&query, now);
    if let Some(kept) = kept {
        app.jobs().keep(kept);
    }
    Ok(payload::page(skip, limit, total, jobs))
}

fn start(
    app: &App,
    endpoint: &'static Endpoint,
    body: &Bytes,
    failure: Option<(Option<String>, String)>,
) -> Result<JobAnswer, ErrorAnswer> {
    let family = endpoint.family;
    let request = payload::parse_start(family, body).map_err(|message| ErrorAnswer::new(&BAD_REQUEST, message))?;
    // The job is made before the store is locked, so that a large scope delays no other call;
    // a scope beyond the bound is refused before any work.
    let (record, keys) = {
        let inventory = app.inventory();
        let count = payload::item_count(family, &request, &inventory);
        if count > payload::MAX_JOB_ITEMS {
            return Err(ErrorAnswer::new(
                &BAD_REQUEST,
                format!(
                    "the job would cover {count} items (each item times each region), more than the {} this mock runs in one job",
                    payload::MAX_JOB_ITEMS
                ),
            ));
        }
        payload::new_job(family, app.clock.now(), &request, &inventory)
    };
    let now = record.created_at;
    let progress = &family.spec().progress;
    // An item named by the fault that the job does not have: the last item fails instead.
    let failure = failure.map(|(item, reason)| {
        let item = item.filter(|item| keys.contains(item));
        (item, progress.item_failed(&reason))
    });
    let plan = Plan::new(
        progress.running,
        now,
        app.config.job_duration,
        keys,
        progress.item_done,
        failure,
    );
    let job = StoredJob {
        endpoint,
        record: record.into(),
        plan: Some(plan),
    };
    let shown = job.at(now);
    let now = app.clock.now().max(now);
    let mut jobs = app.jobs_mut();
    if let Some(running) = jobs.running(endpoint, now) {
        return Err(ErrorAnswer::new(
            &CONFLICT,
            format!(
                "a {} job of {endpoint} is in progress already ({running}): wait for it to end, or cancel it",
                endpoint.kind.noun()
            ),
        ));
    }
    jobs.insert(job)
        .map_err(|full| ErrorAnswer::new(&CONFLICT, full.to_string()))?;
    // The vendor documents the status of a start only as 2xx; 201 Created is inferred.
    Ok(JobAnswer(StatusCode::CREATED, Box::new(shown)))
}

fn not_found_job(endpoint: &Endpoint, id: uuid::Uuid) -> ErrorAnswer {
    ErrorAnswer::new(
        &NOT_FOUND,
        format!("no {} job of {endpoint} has the id {id}", endpoint.kind.noun()),
    )
}

fn get(app: &App, endpoint: &'static Endpoint, id: uuid::Uuid) -> Result<JobAnswer, ErrorAnswer> {
    let now = app.clock.now();
    let jobs = app.jobs();
    let job = jobs.get(endpoint, id).ok_or_else(|| not_found_job(endpoint, id))?;
    Ok(JobAnswer(StatusCode::OK, Box::new(job.at(now))))
}

fn cancel(app: &App, endpoint: &'static Endpoint, id: uuid::Uuid) -> Result<JobAnswer, ErrorAnswer> {
    let now = app.clock.now();
    let mut jobs = app.jobs_mut();
    let job = jobs.get_mut(endpoint, id).ok_or_else(|| not_found_job(endpoint, id))?;
    if !job.cancel(now) {
        let status = job.snapshot(now).status;
        return Err(ErrorAnswer::new(
            &CONFLICT,
            format!("job {id} is {status}, not in progress: only running jobs can be cancelled"),
        ));
    }
    Ok(JobAnswer(StatusCode::OK, Box::new(job.at(now))))
}

/// `POST /api/v1/auth/tokens`: a password or refresh grant.
async fn token_call(app: Arc<App>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let close = parts.extensions.get::<CloseHandle>().cloned();
    let asked = match apply_fault(&app, Call::Token, None, close.as_ref()).await {
        Ok(asked) => asked,
        Err(response) => return response,
    };
    let body = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    let grant: TokenRequest = match cckm_sync::from_slice(&body) {
        Ok(grant) => grant,
        Err(error) => return payload::error(&BAD_REQUEST, error.to_string()),
    };
    let now = app.clock.now();
    let lifetime = app.config.token_lifetime_secs;
    let issued = match grant {
        TokenRequest::Password { username, password, .. } => {
            if username != app.config.username || password != app.config.password {
                return payload::error(&WRONG_CREDENTIALS, "Wrong username or password.");
            }
            app.tokens().login(&username, now, lifetime)
        }
        TokenRequest::RefreshToken {
            refresh_token,
            renew_refresh_token,
        } => match app
            .tokens()
            .refresh(&refresh_token, renew_refresh_token == Some(true), now, lifetime)
        {
            Some(issued) => issued,
            None => return payload::error(&WRONG_CREDENTIALS, "Invalid or revoked refresh token."),
        },
    };
    match issued {
        Ok(issued) => {
            let mut answer = payload::token(issued, lifetime);
            if let Some(newer) = &asked.newer {
                newer.token(&mut answer);
            }
            payload::json(StatusCode::OK, &answer)
        }
        Err(message) => payload::error(&SERVER_ERROR, message),
    }
}
