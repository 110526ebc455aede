//! Every body the mock writes, built from the model crate's types: jobs, pages, token answers
//! and error bodies. The one module that constructs them, so that a change of those types
//! is one edit here.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cckm_sync::endpoints::{ErrorSpec, SERVER_ERROR};
use cckm_sync::{
    AnyScope, ApiError, CloudFamily, DetailedStatus, FamilyScope, FamilyVisitor, JobScope, NullFields, OverallStatus,
    Page, StartJob, StartOptions, SyncJob, TokenResponse, UnknownFields,
};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use crate::inventory::{self, Inventory};

const JSON: &str = "application/json";

/// The `client_id` of every token answer: one client, as a mock has.
const CLIENT_ID: &str = "0a7e1c55-7c3d-4b1e-9d8e-6f1a2b3c4d5e";

/// The account, application and developer account of every job the mock makes: those of
/// the vendor's examples.
const ACCOUNT: &str = "kylo:kylo:admin:accounts:kylo";
const APPLICATION: &str = "ncryptify:gemalto:admin:apps:kylo";
const DEV_ACCOUNT: &str = "ncryptify:gemalto:admin:accounts:gemalto";

/// A start request of any family, reduced to what the mock acts on.
#[derive(Clone, Debug)]
pub(crate) struct StartRequest {
    /// The listed items; `None` for `"synchronize_all": true`.
    pub(crate) items: Option<Vec<String>>,
    /// The start options that list items and were set, by wire name: AWS `regions` (left
    /// out: every region).
    pub(crate) options: Vec<(&'static str, Vec<String>)>,
}

impl StartRequest {
    /// The items of the option `field`, if it was set.
    pub(crate) fn option(&self, field: &str) -> Option<&[String]> {
        self.options
            .iter()
            .find(|(name, _)| *name == field)
            .map(|(_, items)| items.as_slice())
    }
}

/// Reads a start request of `family` with the family's [`StartJob`] type; the error names the
/// JSON path and the reason.
pub(crate) fn parse_start(family: CloudFamily, body: &[u8]) -> Result<StartRequest, String> {
    family.visit(ParseStart(body))
}

struct ParseStart<'a>(&'a [u8]);

impl FamilyVisitor for ParseStart<'_> {
    type Output = Result<StartRequest, String>;

    fn visit<S: FamilyScope>(self) -> Self::Output {
        let job = cckm_sync::from_slice::<StartJob<S>>(self.0).map_err(|error| error.to_string())?;
        Ok(StartRequest {
            items: job.target.items().map(<[String]>::to_vec),
            // The start options that list items (AWS `regions`), which the job shows under the
            // same names.
            options: S::StartOptions::FIELDS
                .iter()
                .filter_map(|field| Some((*field, job.options.items(field)?.as_slice().to_vec())))
                .collect(),
        })
    }
}

/// The job field that lists a family's items: the start request's scope field where the job
/// has a field of that name, else the job's only scope field (Salesforce jobs list their
/// `organization_ids` under `kms`).
pub(crate) fn job_items_field(family: CloudFamily) -> Option<&'static str> {
    let spec = family.spec();
    if spec.job_scope_fields.contains(&spec.start_scope_field) {
        Some(spec.start_scope_field)
    } else {
        spec.job_scope_fields.last().copied()
    }
}

/// The most items (for AWS, KMS resources times regions) one job covers: a start beyond is
/// refused with 400 before any work.
pub(crate) const MAX_JOB_ITEMS: usize = 10_000;

/// How many items a job of `family` for `request` would cover, before deduplication: what
/// [`new_job`] would make, counted without making it.
pub(crate) fn item_count(family: CloudFamily, request: &StartRequest, inventory: &Inventory) -> usize {
    let items = request
        .items
        .as_ref()
        .map_or_else(|| inventory.items(family).len(), Vec::len);
    match family {
        CloudFamily::Aws => items.saturating_mul(request.option("regions").unwrap_or(inventory.aws_regions()).len()),
        _ => items,
    }
}

/// A new job of `family`, started at `now` for `request`, with every item running; and the
/// keys of its items, in the order they run.
pub(crate) fn new_job(
    family: CloudFamily,
    now: DateTime<Utc>,
    request: &StartRequest,
    inventory: &Inventory,
) -> (SyncJob, Vec<String>) {
    let items = request
        .items
        .clone()
        .unwrap_or_else(|| inventory.items(family).to_vec());
    // How the server names the items of a job: AWS, one per KMS resource and region; Azure,
    // the key vault under its region; the others, the scope item itself.
    let keys: Vec<String> = match family {
        CloudFamily::Aws => {
            let all = request.option("regions").unwrap_or(inventory.aws_regions());
            items
                .iter()
                .flat_map(|kms| {
                    let account = inventory::aws_account(kms);
                    all.iter().map(move |region| format!("{account}/{region}"))
                })
                .collect()
        }
        CloudFamily::Azure => items
            .iter()
            .map(|vault| format!("{}/{vault}", inventory::azure_region(vault)))
            .collect(),
        _ => items.clone(),
    };
    let running = family.spec().progress.running;
    let mut scope = AnyScope::default();
    if let Some(slot) = job_items_field(family).and_then(|field| scope.slot_mut(field)) {
        *slot = Some(items);
    }
    // The start options that list items (AWS `regions`) show in the job under the same name.
    for (option, items) in &request.options {
        if let Some(slot) = scope.slot_mut(option) {
            *slot = Some(items.clone());
        }
    }
    let id = Uuid::new_v4();
    let job = SyncJob {
        id,
        uri: format!("kylo:kylo:cckm:synchronize:{id}"),
        account: ACCOUNT.to_owned(),
        application: APPLICATION.to_owned(),
        dev_account: DEV_ACCOUNT.to_owned(),
        created_at: now,
        updated_at: now,
        completed_at: None,
        overall_status: OverallStatus::from(running),
        detailed_status: Some(
            keys.iter()
                .map(|key| (key.as_str(), running))
                .collect::<DetailedStatus>(),
        ),
        // Azure jobs carry the public cloud's name, as in the vendor's example.
        cloud: family.cloud(),
        scope,
        abort: false,
        null_fields: NullFields::new(),
        unknown_fields: UnknownFields::new(),
    };
    (job, keys)
}

/// Field names a newer server's unknown field must not take: those the model reads, which it
/// would write twice.
pub(crate) fn is_modeled_field(name: &str) -> bool {
    [
        SyncJob::<AnyScope>::FIELDS,
        AnyScope::FIELDS,
        Page::<SyncJob>::FIELDS,
        TokenResponse::FIELDS,
    ]
    .iter()
    .any(|fields| fields.contains(&name))
}

/// What a newer server adds to the bodies it writes.
#[derive(Clone, Debug)]
pub(crate) struct Newer {
    pub(crate) field: String,
    pub(crate) value: Value,
    pub(crate) status: String,
}

impl Newer {
    pub(crate) fn job(&self, job: &mut SyncJob) {
        job.unknown_fields.insert(self.field.clone(), self.value.clone());
        job.overall_status = OverallStatus::from(self.status.as_str());
    }

    pub(crate) fn page(&self, page: &mut Page<SyncJob>) {
        page.unknown_fields.insert(self.field.clone(), self.value.clone());
        page.resources.iter_mut().for_each(|job| self.job(job));
    }

    pub(crate) fn token(&self, token: &mut TokenResponse) {
        token.unknown_fields.insert(self.field.clone(), self.value.clone());
    }
}

/// A page of a list answer.
pub(crate) fn page(skip: u64, limit: i64, total: u64, resources: Vec<SyncJob>) -> Page<SyncJob> {
    Page::new(skip, limit, total, resources)
}

/// The answer to a token request.
pub(crate) fn token(issued: crate::tokens::Issued, duration: u64) -> TokenResponse {
    TokenResponse {
        jwt: issued.jwt,
        duration: Some(duration),
        token_type: Some("Bearer".to_owned()),
        refresh_token: Some(issued.refresh_token),
        refresh_token_id: Some(issued.refresh_token_id),
        // A real server names the client the token was issued to; the mock has one client.
        client_id: Some(CLIENT_ID.to_owned()),
        unknown_fields: serde_json::Map::new(),
    }
}

/// The error body of `spec` with `message`, and a fresh request id.
pub(crate) fn api_error(spec: &ErrorSpec, message: impl Into<String>) -> ApiError {
    ApiError {
        code: spec.code,
        code_desc: Some(spec.code_desc.to_owned()),
        message: Some(message.into()),
        request_id: Some(Uuid::new_v4().to_string()),
        null_fields: NullFields::new(),
        unknown_fields: UnknownFields::new(),
    }
}

/// An error answer to be: the error and its message.
#[derive(Debug)]
pub(crate) struct ErrorAnswer {
    pub(crate) spec: &'static ErrorSpec,
    pub(crate) message: String,
}

impl ErrorAnswer {
    pub(crate) fn new(spec: &'static ErrorSpec, message: impl Into<String>) -> Self {
        Self {
            spec,
            message: message.into(),
        }
    }

    pub(crate) fn response(self) -> Response {
        error(self.spec, self.message)
    }
}

/// An error answer: `spec`'s status and body.
pub(crate) fn error(spec: &ErrorSpec, message: impl Into<String>) -> Response {
    let status = StatusCode::from_u16(spec.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    json(status, &api_error(spec, message))
}

/// An error answer with `status` (a fault's) and the body of `spec`.
pub(crate) fn error_with_status(status: StatusCode, spec: &ErrorSpec, message: impl Into<String>) -> Response {
    json(status, &api_error(spec, message))
}

/// A JSON answer. A body that cannot be written (a timestamp beyond what RFC 3339 holds,
/// which the loader refuses) is a server error, said in the error body.
pub(crate) fn json(status: StatusCode, body: &impl Serialize) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (status, [(header::CONTENT_TYPE, HeaderValue::from_static(JSON))], bytes).into_response(),
        Err(reason) => {
            let fallback = api_error(&SERVER_ERROR, format!("cannot write the answer: {reason}"));
            let bytes = serde_json::to_vec(&fallback).unwrap_or_default();
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(header::CONTENT_TYPE, HeaderValue::from_static(JSON))],
                bytes,
            )
                .into_response()
        }
    }
}
