//! The operations of the document: the four of each endpoint of the catalog and the token call,
//! their ids, texts, parameters, bodies, responses and links.

use cckm_sync::endpoints::{self, Call, Endpoint, Evidence, JobKind, Operation};
use cckm_sync::schemars::{Schema, SchemaGenerator};
use serde_json::{Value, json};
use utoipa::openapi::Required;
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::example::ExampleBuilder;
use utoipa::openapi::path::OperationBuilder;
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::Ref;
use utoipa::openapi::security::SecurityRequirement;

use super::errors::error_responses;
use super::examples::{Fixtures, with_source};
use super::parameters::ParameterSchemas;
use super::{AUTH_TAG, JSON, SECURITY_SCHEME};

/// `aws-custom-key-stores` → `AwsCustomKeyStores`.
pub(super) fn pascal_case(name: &str) -> String {
    name.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// `listAwsKeysSyncJobs`, `startDsmRefreshJob`, …
pub fn operation_id(endpoint: &Endpoint, operation: Operation) -> String {
    let job = match endpoint.kind {
        JobKind::Synchronization => "SyncJob",
        JobKind::Refresh => "RefreshJob",
    };
    let plural = if operation == Operation::List { "s" } else { "" };
    format!("{}{}{job}{plural}", operation.as_str(), pascal_case(endpoint.name))
}

pub(super) fn evidence_text(evidence: Evidence) -> &'static str {
    match evidence {
        Evidence::Confirmed => "confirmed by the vendor's documentation",
        Evidence::Code => "known from public client code",
        Evidence::Inferred => "inferred from a sibling endpoint: no source shows it",
    }
}

pub(super) fn tag_description(endpoint: &Endpoint) -> String {
    format!(
        "{} jobs of {} (`{}{}`). Start-request body: {}. List filters: {}.",
        pascal_case(endpoint.kind.noun()),
        endpoint.title,
        endpoints::API_PREFIX,
        endpoint.path,
        evidence_text(endpoint.body_evidence),
        evidence_text(endpoint.filter_evidence),
    )
}

/// What an operation does, after the vendor's documentation of each call.
pub(super) fn texts(endpoint: &Endpoint, operation: Operation) -> (String, String) {
    let kind = endpoint.kind.noun();
    let title = endpoint.title;
    let spec = endpoint.spec();
    match operation {
        Operation::List => (
            format!("List {kind} jobs of {title}"),
            format!(
                "View the status of {kind} jobs: a page of jobs, filtered by the query parameters. \
                 Array filters repeat their key (`{filter}=a&{filter}=b`). `limit=-1` returns every job.",
                filter = spec.list_filter.unwrap_or("id"),
            ),
        ),
        Operation::Start => (
            format!("Start a {kind} job for {title}"),
            format!(
                "Start a {kind} job. The body names the items in `{field}`, or sets \
                 `synchronize_all: true` to take every item; exactly one of the two. The server \
                 answers with the new job; its documentation gives the status only as 2xx.",
                field = spec.start_scope_field,
            ),
        ),
        Operation::Get => (
            format!("Get a {kind} job of {title}"),
            format!("View the details of the {kind} job with the given id."),
        ),
        Operation::Cancel => (
            format!("Cancel a {kind} job of {title}"),
            "Cancel a running job. Only `in_progress` jobs can be cancelled: the job gets \
             `abort: true` at once, keeps its status while it winds down, and ends as `completed` \
             or `aborted`."
                .to_owned(),
        ),
    }
}

pub(super) fn operation_of(
    endpoint: &Endpoint,
    operation: Operation,
    names: &crate::FamilySchemas,
    parameters: &ParameterSchemas,
    fixtures: &Fixtures,
) -> Result<utoipa::openapi::path::Operation, String> {
    let (summary, description) = texts(endpoint, operation);
    let mut builder = OperationBuilder::new()
        .operation_id(Some(operation_id(endpoint, operation)))
        .summary(Some(summary))
        .description(Some(description))
        .tag(endpoint.title)
        .security(SecurityRequirement::new(SECURITY_SCHEME, Vec::<String>::new()));

    let job_response = |description: &str, examples: Vec<(String, utoipa::openapi::example::Example)>| {
        ResponseBuilder::new()
            .description(with_source(description, &examples))
            .content(
                JSON,
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name(names.job.as_str())))
                    .examples_from_iter(examples)
                    .build(),
            )
            .build()
    };
    let examples = fixtures.response_examples(endpoint, operation)?;
    match operation {
        Operation::List => {
            for parameter in endpoint.spec().list_parameters() {
                builder = builder.parameter(parameters.query(parameter, endpoint.family)?);
            }
            builder = builder.response(
                "200",
                ResponseBuilder::new()
                    .description(with_source(
                        &format!("A page of {} jobs.", endpoint.kind.noun()),
                        &examples,
                    ))
                    .content(
                        JSON,
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name(names.page.as_str())))
                            .examples_from_iter(examples)
                            .build(),
                    )
                    .build(),
            );
        }
        Operation::Start => {
            let bodies = fixtures.start_examples(endpoint.family)?;
            builder = builder
                .request_body(Some(
                    RequestBodyBuilder::new()
                        .required(Some(Required::True))
                        .content(
                            JSON,
                            ContentBuilder::new()
                                .schema(Some(Ref::from_schema_name(names.start.as_str())))
                                .examples_from_iter(bodies)
                                .build(),
                        )
                        .build(),
                ))
                .response(
                    "200",
                    with_links(job_response("The job started.", examples.clone()), endpoint),
                )
                .response("201", with_links(job_response("The job started.", examples), endpoint));
        }
        Operation::Get | Operation::Cancel => {
            builder = builder.parameter(parameters.path_id()?);
            let description = if operation == Operation::Get {
                "The job."
            } else {
                "The job, with `abort: true`."
            };
            builder = builder.response("200", job_response(description, examples));
        }
    }
    Ok(error_responses(builder, Call::of(operation)).build())
}

/// A start response with links from the new job's `id` to the get and cancel calls of the
/// same endpoint, for generated clients and stateful testers that follow them.
pub(super) fn with_links(response: utoipa::openapi::Response, endpoint: &Endpoint) -> utoipa::openapi::Response {
    use utoipa::openapi::link::LinkBuilder;
    let mut response = response;
    for (name, operation, description) in [
        ("GetJob", Operation::Get, "The job just started, by its `id`."),
        (
            "CancelJob",
            Operation::Cancel,
            "Cancel the job just started, by its `id`.",
        ),
    ] {
        let link = LinkBuilder::new()
            .operation_id(operation_id(endpoint, operation))
            .parameter("id", "$response.body#/id")
            .description(description)
            .build();
        response.links.insert(name.to_owned(), link.into());
    }
    response
}

/// `POST /auth/tokens`: a JWT for every other call.
pub(super) fn token_operation(generator: &mut SchemaGenerator) -> utoipa::openapi::path::Operation {
    let request = generator.subschema_for::<cckm_sync::TokenRequest>();
    let answer = generator.subschema_for::<cckm_sync::TokenResponse>();
    let schema_ref = |schema: &Schema| {
        let reference = schema.get("$ref").and_then(Value::as_str).unwrap_or_default();
        Ref::new(reference)
    };
    let password = ExampleBuilder::new()
        .summary("Log in with a user name and password")
        .value(Some(
            json!({"grant_type": "password", "username": "admin", "password": "admin"}),
        ))
        .build();
    let refresh = ExampleBuilder::new()
        .summary("A new JWT from a refresh token, replacing the refresh token too")
        .value(Some(json!({
            "grant_type": "refresh_token",
            "refresh_token": "3ab6bd4af3e1b6c3c5e2d1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0",
            "renew_refresh_token": true
        })))
        .build();
    // What the mock answered to the password grant above: no source shows a server's answer
    // (public client code reads these fields from one).
    let answered = ExampleBuilder::new()
        .summary("What the mock (`cckm-sync mock`) answers: no source shows this response")
        .value(Some(json!({
            "jwt": "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJsb2NhbHxlNWNkZTdmZC1kYTMyLTg0NTQtZGEzMi04NDU0ZTVjZGU3ZmQiLCJpc3MiOiJreWxvIiwicHJlZmVycmVkX3VzZXJuYW1lIjoiYWRtaW4iLCJjdXN0Ijp7ImRvbWFpbl9pZCI6IjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMCIsImdyb3VwcyI6WyJhZG1pbiJdLCJzaWQiOiJjYjg3YjliZC01N2E3LTQyYzktOGIyNS01ZTUwOWM2YmU0MDIiLCJ6b25lX2lkIjoiMDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAwIn0sImp3dGlkIjoiZmM0MjZiNjMtYzZhOS00MDc4LTk3NzQtNzExYmRmZmY3OTA4IiwiaWF0IjoxNzk2NjY2NTk0LCJleHAiOjE3OTY2NjY4OTR9.a0oWEkKqgeOC7lek-wk2TDojOcHXsjt8OLpC95wBtGI",
            "duration": 300,
            "token_type": "Bearer",
            "refresh_token": "dae37506bda3cf85f2e3718ee90a57cae9ae3bf2291a4df85912e55fd16ee02b",
            "refresh_token_id": "791c64b8-2c9c-4254-bd01-5e8698856766",
            "client_id": "0a7e1c55-7c3d-4b1e-9d8e-6f1a2b3c4d5e"
        })))
        .build();
    let builder = OperationBuilder::new()
        .operation_id(Some("createToken"))
        .summary(Some("Get a bearer token"))
        .description(Some(format!(
            "Log in (password grant) or renew a token (refresh grant). The answer's `jwt` goes in the \
             `Authorization: Bearer` header of every other call until it expires, `duration` seconds \
             later. The vendor's clients call `{prefix}{path}/` with a trailing slash, which is the same \
             call. Path, bodies and statuses: {evidence}.",
            prefix = endpoints::API_PREFIX,
            path = endpoints::TOKEN_PATH,
            evidence = evidence_text(endpoints::TOKEN_EVIDENCE),
        )))
        .tag(AUTH_TAG)
        // No bearer token: this call is how one gets it.
        .securities(Some(Vec::<SecurityRequirement>::new()))
        .request_body(Some(
            RequestBodyBuilder::new()
                .required(Some(Required::True))
                .content(
                    JSON,
                    ContentBuilder::new()
                        .schema(Some(schema_ref(&request)))
                        .examples_from_iter([("password", password), ("refresh", refresh)])
                        .build(),
                )
                .build(),
        ))
        .response(
            "200",
            ResponseBuilder::new()
                .description(with_source(
                    "A bearer token, and a refresh token.",
                    &[("mock", answered.clone())],
                ))
                .content(
                    JSON,
                    ContentBuilder::new()
                        .schema(Some(schema_ref(&answer)))
                        .examples_from_iter([("mock", answered)])
                        .build(),
                )
                .build(),
        );
    error_responses(builder, Call::Token).build()
}
