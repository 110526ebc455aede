//! The control API, under `/__mock/`: what tests do to the mock over HTTP, mirroring the
//! methods of [`MockServer`](crate::MockServer).
//!
//! | call | does |
//! |---|---|
//! | `POST /__mock/reset` | back to a fresh server (no job, fault or request; tokens revoked; system clock) |
//! | `POST /__mock/jobs[?endpoint=NAME]` | loads a recorded page or job (body); answers a load report (`dropped`: jobs beyond the store's bounds; 409 when none fits) |
//! | `GET /__mock/clock` | `{"now": …, "paused": …}` |
//! | `POST /__mock/clock/pause` | pauses the clock, where it is or at `{"at": "<RFC 3339>"}` |
//! | `POST /__mock/clock/advance` | `{"by": "90s"}`: moves the clock forward (pausing it first) |
//! | `POST /__mock/clock/resume` | back to the system clock |
//! | `GET`, `POST`, `DELETE /__mock/faults` | the pending faults; add one ([`Fault`] as JSON); clear them |
//! | `GET`, `DELETE /__mock/requests` | the requests received (`X-Dropped-Requests`: how many the bounds dropped); forget them |
//! | `PUT /__mock/inventory/{family}` | `{"items": […], "regions": […]}`: what `synchronize_all` selects |
//! | `POST /__mock/tokens` | a token answer for the configured user, without the token call (no fault applies) |
//! | `POST /__mock/tokens/revoke` | revokes every token |
//!
//! A server started with a control token ([`MockServerBuilder::control_token`](crate::MockServerBuilder::control_token))
//! answers every control call 401 without `Authorization: Bearer <control token>`.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post, put};
use cckm_sync::endpoints::{self, BAD_REQUEST, NOT_FOUND};
use cckm_sync::{CloudFamily, ScopeItems};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::app::App;
use crate::fault::{Fault, FaultError};
use crate::payload::{self, ErrorAnswer};
use crate::seed::{self, LoadError, LoadReport};

pub(crate) fn router(app: &Arc<App>) -> Router<Arc<App>> {
    Router::new()
        .route("/reset", post(reset))
        .route("/jobs", post(load_jobs))
        .route("/clock", get(clock))
        .route("/clock/pause", post(pause))
        .route("/clock/advance", post(advance))
        .route("/clock/resume", post(resume))
        .route("/faults", get(faults).post(add_fault).delete(clear_faults))
        .route("/requests", get(requests).delete(clear_requests))
        .route("/inventory/{family}", put(set_inventory))
        .route("/tokens", post(mint))
        .route("/tokens/revoke", post(revoke))
        .layer(axum::middleware::from_fn_with_state(app.clone(), control_token))
}

/// Lets a control call through only with the control token, when the server has one.
async fn control_token(
    State(app): State<Arc<App>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if let Some(expected) = &app.config.control_token {
        let given = request
            .headers()
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim().as_bytes());
        if !given.is_some_and(|given| constant_time_eq(given, expected.as_bytes())) {
            return payload::error(
                &endpoints::UNAUTHORIZED,
                "the control API needs `Authorization: Bearer <control token>` (printed at start)",
            );
        }
    }
    next.run(request).await
}

/// Compares without stopping at the first difference, so that the time taken does not tell
/// how much of a guess was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `POST /__mock/tokens`: what [`MockServer::token`](crate::MockServer::token) gives, as the
/// token call's answer, without the token call (so no fault of the token call is used).
async fn mint(State(app): State<Arc<App>>) -> Response {
    let now = app.clock.now();
    let lifetime = app.config.token_lifetime_secs;
    let issued = app.tokens().login(&app.config.username, now, lifetime);
    match issued {
        Ok(issued) => ok(&payload::token(issued, lifetime)),
        Err(message) => payload::error(&endpoints::SERVER_ERROR, message),
    }
}

fn ok(body: &impl serde::Serialize) -> Response {
    payload::json(StatusCode::OK, body)
}

fn bad_request(message: impl Into<String>) -> Response {
    payload::error(&BAD_REQUEST, message)
}

/// Reads a JSON body, or `T::default()` for an empty one.
fn body_or_default<T: for<'de> Deserialize<'de> + Default>(body: &Bytes) -> Result<T, ErrorAnswer> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(body).map_err(|error| ErrorAnswer::new(&BAD_REQUEST, format!("invalid body: {error}")))
}

fn body<T: for<'de> Deserialize<'de>>(body: &Bytes) -> Result<T, ErrorAnswer> {
    serde_json::from_slice(body).map_err(|error| ErrorAnswer::new(&BAD_REQUEST, format!("invalid body: {error}")))
}

async fn reset(State(app): State<Arc<App>>) -> Response {
    app.reset();
    ok(&serde_json::json!({"reset": true}))
}

impl App {
    /// Loads a recorded page or job, for `endpoint` (a name of the catalog) if given.
    pub(crate) fn load(&self, bytes: &[u8], endpoint: Option<&str>) -> Result<LoadReport, LoadError> {
        let hint = match endpoint {
            Some(name) => Some(endpoints::find(name).ok_or_else(|| LoadError::UnknownEndpoint(name.to_owned()))?),
            None => None,
        };
        let now = self.clock.now();
        seed::load_document(|| self.jobs_mut(), bytes, "body", hint, now, self.config.job_duration)
    }

    /// Loads every `.json` file under `dir`.
    pub(crate) fn load_dir(&self, dir: &std::path::Path) -> Result<LoadReport, LoadError> {
        let now = self.clock.now();
        seed::load_dir(|| self.jobs_mut(), dir, now, self.config.job_duration)
    }

    /// Adds a fault.
    pub(crate) fn inject(&self, fault: Fault) -> Result<(), FaultError> {
        if let crate::fault::FaultKind::NewerServer { field, .. } = &fault.kind
            && payload::is_modeled_field(field)
        {
            return Err(FaultError::Invalid(format!(
                "{field:?} is a field the contract models; a newer server's field needs a new name"
            )));
        }
        self.faults().add(fault)
    }
}

async fn load_jobs(State(app): State<Arc<App>>, RawQuery(query): RawQuery, bytes: Bytes) -> Response {
    let mut endpoint = None;
    for (name, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match &*name {
            "endpoint" if endpoint.is_none() => endpoint = Some(value.into_owned()),
            _ => {
                return bad_request(format!(
                    "unexpected query parameter {name:?}; this call takes `endpoint` once"
                ));
            }
        }
    }
    match app.load(&bytes, endpoint.as_deref()) {
        Ok(report) => ok(&report),
        Err(error @ (LoadError::Full { .. } | LoadError::FullOfItems { .. })) => {
            payload::error(&endpoints::CONFLICT, error.to_string())
        }
        Err(error) => bad_request(error.to_string()),
    }
}

async fn clock(State(app): State<Arc<App>>) -> Response {
    ok(&app.clock.state())
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PauseBody {
    at: Option<DateTime<Utc>>,
}

async fn pause(State(app): State<Arc<App>>, bytes: Bytes) -> Response {
    let body: PauseBody = match body_or_default(&bytes) {
        Ok(body) => body,
        Err(failure) => return failure.response(),
    };
    match body.at {
        None => ok(&app.clock.pause()),
        Some(at) => match app.clock.pause_at(at) {
            Ok(state) => ok(&state),
            Err(error) => bad_request(error.to_string()),
        },
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AdvanceBody {
    /// A duration such as `90s`, `1m 30s` or `250ms`.
    by: String,
}

async fn advance(State(app): State<Arc<App>>, bytes: Bytes) -> Response {
    let body: AdvanceBody = match body(&bytes) {
        Ok(body) => body,
        Err(failure) => return failure.response(),
    };
    let by: Duration = match humantime::parse_duration(&body.by) {
        Ok(by) => by,
        Err(error) => {
            return bad_request(format!(
                "by: {error} (expected a duration such as \"90s\" or \"250ms\")"
            ));
        }
    };
    match app.clock.advance(by) {
        Ok(state) => ok(&state),
        Err(error) => bad_request(error.to_string()),
    }
}

async fn resume(State(app): State<Arc<App>>) -> Response {
    ok(&app.clock.resume())
}

async fn faults(State(app): State<Arc<App>>) -> Response {
    ok(&app.faults().list())
}

async fn add_fault(State(app): State<Arc<App>>, bytes: Bytes) -> Response {
    let fault: Fault = match body(&bytes) {
        Ok(fault) => fault,
        Err(failure) => return failure.response(),
    };
    match app.inject(fault) {
        Ok(()) => ok(&app.faults().list()),
        Err(error) => bad_request(error.to_string()),
    }
}

async fn clear_faults(State(app): State<Arc<App>>) -> Response {
    app.faults().clear();
    ok(&app.faults().list())
}

async fn requests(State(app): State<Arc<App>>) -> Response {
    // Copied under the lock, written without it: the recording of other calls goes on.
    let (list, dropped) = {
        let log = app.requests();
        (log.list(), log.dropped())
    };
    let mut response = ok(&list);
    response
        .headers_mut()
        .insert("x-dropped-requests", axum::http::HeaderValue::from(dropped));
    response
}

async fn clear_requests(State(app): State<Arc<App>>) -> Response {
    app.requests().clear();
    ok(&app.requests().list())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InventoryBody {
    items: Option<Vec<String>>,
    regions: Option<Vec<String>>,
}

async fn set_inventory(
    State(app): State<Arc<App>>,
    family: Result<Path<String>, PathRejection>,
    bytes: Bytes,
) -> Response {
    let family = match family {
        Ok(Path(family)) => family,
        Err(rejection) => return bad_request(format!("family: {rejection}")),
    };
    let Some(family) = CloudFamily::from_name(&family) else {
        let known: Vec<&str> = CloudFamily::ALL.iter().map(|family| family.spec().name).collect();
        return payload::error(
            &NOT_FOUND,
            format!("no family is named {family:?}; known: {}", known.join(", ")),
        );
    };
    let body: InventoryBody = match body(&bytes) {
        Ok(body) => body,
        Err(failure) => return failure.response(),
    };
    if body.regions.is_some() && family != CloudFamily::Aws {
        return bad_request("regions: only AWS jobs have regions");
    }
    let items = match body.items.map(ScopeItems::try_from).transpose() {
        Ok(items) => items,
        Err(error) => return bad_request(format!("items: {error}")),
    };
    let regions = match body.regions.map(ScopeItems::try_from).transpose() {
        Ok(regions) => regions,
        Err(error) => return bad_request(format!("regions: {error}")),
    };
    let mut inventory = app.inventory_mut();
    if let Some(items) = items {
        inventory.set_items(family, items);
    }
    if let Some(regions) = regions {
        inventory.set_aws_regions(regions);
    }
    ok(&serde_json::json!({
        "family": family.spec().name,
        "items": inventory.items(family),
        "regions": (family == CloudFamily::Aws).then(|| inventory.aws_regions()),
    }))
}

async fn revoke(State(app): State<Arc<App>>) -> Response {
    app.tokens().revoke_all();
    ok(&serde_json::json!({"revoked": true}))
}
