//! The model crate's `mock-*` fixtures were recorded from this mock (`cckm-sync mock`, then a
//! start, a start and a cancel at the same instant, and the errors below): each is answered
//! again over HTTP and compared with its fixture as JSON values. Only what differs from run to
//! run is normalised: the ids the mock makes (in `id`, `uri`, `requestID` and a message) and
//! timestamps, each replaced by its place among the distinct values of the body, so that which
//! of them are equal is still compared. Every other field, and every key, must match.

mod support;

use std::collections::BTreeMap;
use std::path::Path;

use cckm_sync::endpoints::{self, Endpoint};
use cckm_sync_mock::Fault;
use reqwest::Method;
use serde_json::{Value, json};
use support::{Api, fixtures};

/// The fixture, as JSON.
fn read(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// The `mock-*.json` files of a fixture folder, by name.
fn recorded(folder: &str) -> BTreeMap<String, Value> {
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(fixtures().join(folder)).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("mock-") && name.ends_with(".json") {
            files.insert(name, read(&path));
        }
    }
    files
}

/// Whether `text` is an RFC 3339 timestamp.
fn is_timestamp(text: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(text).is_ok()
}

/// The fields whose ids differ from run to run: the job's, the error's request's, and a
/// message naming a job (the one a 409 says runs).
const IDS: [&str; 4] = ["id", "uri", "requestID", "message"];

/// `value` with the ids of [`IDS`] (whole, or within the text) and every timestamp replaced by
/// its place among the distinct ones met, in the order of the document (keys sorted). Ids
/// elsewhere (a DSM domain, say) stay as they are.
fn normalised(value: &Value) -> Value {
    fn place(text: &str, kind: &str, seen: &mut Vec<String>) -> String {
        let index = seen.iter().position(|known| known == text).unwrap_or_else(|| {
            seen.push(text.to_owned());
            seen.len() - 1
        });
        format!("<{kind} {index}>")
    }
    fn ids_within(text: &str, seen: &mut Vec<String>) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(at) = (0..rest.len()).find(|&at| {
            rest.get(at..at + 36)
                .is_some_and(|candidate| uuid::Uuid::try_parse(candidate).is_ok())
        }) {
            out.push_str(&rest[..at]);
            out.push_str(&place(&rest[at..at + 36], "id", seen));
            rest = &rest[at + 36..];
        }
        out.push_str(rest);
        out
    }
    fn walk(key: Option<&str>, value: &Value, seen: &mut Vec<String>) -> Value {
        match value {
            Value::String(text) if is_timestamp(text) => Value::String(place(text, "time", seen)),
            Value::String(text) if key.is_some_and(|key| IDS.contains(&key)) => Value::String(ids_within(text, seen)),
            Value::Array(items) => Value::Array(items.iter().map(|item| walk(None, item, seen)).collect()),
            Value::Object(fields) => {
                let sorted: BTreeMap<&String, &Value> = fields.iter().collect();
                Value::Object(
                    sorted
                        .into_iter()
                        .map(|(name, value)| (name.clone(), walk(Some(name), value, seen)))
                        .collect(),
                )
            }
            other => other.clone(),
        }
    }
    walk(None, value, &mut Vec::new())
}

/// Panics unless `answer` is `fixture` but for what [`normalised`] replaces.
fn assert_matches(name: &str, answer: &Value, fixture: &Value) {
    let (answer, fixture) = (normalised(answer), normalised(fixture));
    assert!(
        answer == fixture,
        "{name} no longer matches what the mock answers:\nanswer:  {answer:#}\nfixture: {fixture:#}"
    );
}

/// The endpoint and what was done (`started`, `cancelled`) of a job fixture's name.
fn case_of(name: &str) -> (&'static Endpoint, &str) {
    let stem = name
        .strip_prefix("mock-")
        .and_then(|rest| rest.strip_suffix(".json"))
        .unwrap();
    let (endpoint, what) = stem.rsplit_once('-').unwrap();
    let endpoint = endpoints::find(endpoint).unwrap_or_else(|| panic!("{name}: no endpoint {endpoint:?}"));
    (endpoint, what)
}

/// The start body that makes the job of `fixture`: its items under the family's start field
/// (Salesforce jobs show their `organization_ids` under `kms`), and AWS `regions` if it shows
/// them (without, a job covers the mock's default regions).
fn start_body(endpoint: &Endpoint, fixture: &Value) -> Value {
    let spec = endpoint.spec();
    let items_field = if spec.job_scope_fields.contains(&spec.start_scope_field) {
        spec.start_scope_field
    } else {
        spec.job_scope_fields.last().copied().unwrap()
    };
    let mut body = json!({ spec.start_scope_field: fixture[items_field].clone() });
    if let Some(regions) = fixture.get("regions").filter(|_| items_field != "regions") {
        body["regions"] = regions.clone();
    }
    body
}

#[tokio::test]
async fn every_recorded_start_and_cancel_is_what_the_mock_answers() {
    let files = recorded("jobs");
    assert_eq!(files.len(), 22, "{:?}", files.keys());
    for (name, fixture) in &files {
        // A server of its own for each, its clock paused: a cancel comes at the start's instant,
        // as when the fixture was recorded.
        let api = Api::start().await;
        api.server.pause_clock();
        let (endpoint, what) = case_of(name);
        let started = api.start_job(endpoint, start_body(endpoint, fixture)).await;
        assert_eq!(started.status, 201, "{name}: {started:#?}");
        let answer = match what {
            "started" => started,
            "cancelled" => {
                let id = started.job(endpoint).id;
                let cancelled = api.cancel_job(endpoint, id).await;
                assert_eq!(cancelled.status, 200, "{name}: {cancelled:#?}");
                cancelled
            }
            other => panic!("{name}: a fixture of neither a start nor a cancel: {other}"),
        };
        let job = answer.job(endpoint);
        assert_eq!(job.uri, format!("kylo:kylo:cckm:synchronize:{}", job.id), "{name}");
        assert_matches(name, &answer.body, fixture);
    }
}

#[tokio::test]
async fn every_recorded_error_is_what_the_mock_answers() {
    let files = recorded("errors");
    let aws = endpoints::find("aws-keys").unwrap();
    let mut checked = Vec::new();
    for (name, fixture) in &files {
        let api = Api::start().await;
        let answer = match name.as_str() {
            // Both the items and all of them.
            "mock-bad-request.json" => {
                let body = r#"{"kms": ["kms"], "synchronize_all": true}"#;
                let reply = api
                    .raw(
                        Method::POST,
                        &aws.collection_path(),
                        Some(&api.token),
                        Some(body.to_owned()),
                    )
                    .await;
                assert_eq!(reply.status, 400, "{name}");
                reply
            }
            // A start while a job of the same endpoint runs.
            "mock-conflict.json" => {
                let body = support::start_body(aws, &["kms"]);
                assert_eq!(api.start_job(aws, body.clone()).await.status, 201);
                let reply = api.start_job(aws, body).await;
                assert_eq!(reply.status, 409, "{name}");
                reply
            }
            "mock-invalid-parameter.json" => {
                let reply = api.list(aws, "limit=0").await;
                assert_eq!(reply.status, 400, "{name}");
                reply
            }
            "mock-server-error.json" => {
                api.server.inject(Fault::status(500)).unwrap();
                let reply = api.list(aws, "").await;
                assert_eq!(reply.status, 500, "{name}");
                reply
            }
            // No token.
            "mock-unauthorized.json" => {
                let reply = api.raw(Method::GET, &aws.collection_path(), None, None).await;
                assert_eq!(reply.status, 401, "{name}");
                reply
            }
            other => panic!("{other}: a recorded error this test does not know how to make: add its call"),
        };
        assert_matches(name, &answer.body, fixture);
        checked.push(name.as_str());
    }
    assert_eq!(checked.len(), 5, "{checked:?}");
}

#[test]
fn the_normalisation_keeps_which_ids_and_times_are_equal() {
    let a = json!({"id": "0ea5d52e-387c-44fa-b079-21c8b768f77b", "uri": "k:0ea5d52e-387c-44fa-b079-21c8b768f77b",
        "createdAt": "2026-12-07T16:33:48.861783Z", "updatedAt": "2026-12-07T16:33:48.861783Z"});
    let b = json!({"id": "5253bb42-179a-433c-aa6f-4f3306550d4b", "uri": "k:5253bb42-179a-433c-aa6f-4f3306550d4b",
        "createdAt": "2020-01-01T00:00:00Z", "updatedAt": "2020-01-01T00:00:00Z"});
    let other_uri = json!({"id": "5253bb42-179a-433c-aa6f-4f3306550d4b", "uri": "k:0ea5d52e-387c-44fa-b079-21c8b768f77b",
        "createdAt": "2020-01-01T00:00:00Z", "updatedAt": "2020-01-01T00:00:00Z"});
    let later = json!({"id": "5253bb42-179a-433c-aa6f-4f3306550d4b", "uri": "k:5253bb42-179a-433c-aa6f-4f3306550d4b",
        "createdAt": "2020-01-01T00:00:00Z", "updatedAt": "2020-01-01T00:00:01Z"});

    assert_eq!(normalised(&a), normalised(&b));
    assert_ne!(normalised(&a), normalised(&other_uri));
    assert_ne!(normalised(&a), normalised(&later));
    // An id that is data, not made per run, is compared as it is.
    let domain = json!({"domains": ["6070915c-0ab4-4e7e-bf4d-31dd31214874"]});
    let other_domain = json!({"domains": ["0f4ae7b4-5e3a-4d2b-9c1e-6a7b8c9d0e1f"]});
    assert_ne!(normalised(&domain), normalised(&other_domain));
}
