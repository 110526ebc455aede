//! `openapi/cckm-sync.openapi.json` (OpenAPI 3.1) and `openapi/cckm-sync.openapi-3.0.json`
//! (OpenAPI 3.0.3, for generators that read nothing newer).
//!
//! utoipa builds the document from the endpoint catalog: servers, security, tags, and per
//! endpoint its four operations with their parameters, bodies, responses and examples.
//! `components.schemas` is schemars' output for the same types as `schemas/`, set into the
//! document as is: utoipa's own schema model would drop keywords the schemas use.

use std::collections::BTreeMap;

use cckm_sync::endpoints::{self, Call, Endpoint, ErrorSpec, Evidence, JobKind, ListParameter, Operation};
use cckm_sync::schemars::generate::SchemaSettings;
use cckm_sync::schemars::transform::RecursiveTransform;
use cckm_sync::schemars::{JsonSchema, Schema, SchemaGenerator};
use cckm_sync::{CloudFamily, FamilyScope, FamilyVisitor, Limit, StartJob};
use serde_json::{Value, json};
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::example::ExampleBuilder;
use utoipa::openapi::info::{InfoBuilder, LicenseBuilder};
use utoipa::openapi::path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, ParameterStyle, PathItem};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{ComponentsBuilder, Ref};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::server::{ServerBuilder, ServerVariableBuilder};
use utoipa::openapi::tag::TagBuilder;
use utoipa::openapi::{OpenApiBuilder, PathsBuilder, RefOr, Required};

use super::{GeneratedFile, MARKER, schemas, to_text};

/// The OpenAPI 3.1 document.
pub const OPENAPI_31: &str = "openapi/cckm-sync.openapi.json";
/// The OpenAPI 3.0.3 document.
pub const OPENAPI_30: &str = "openapi/cckm-sync.openapi-3.0.json";

const SECURITY_SCHEME: &str = "bearerAuth";
const JSON: &str = "application/json";
const LICENSE: &str = "MIT OR Apache-2.0";

/// The vendor's example responses, and the operation each one answers.
const SEED_EXAMPLES: [(&str, &str, Operation); 5] = [
    ("pages/seed-azure-keys-in-progress.json", "azure-keys", Operation::List),
    (
        "pages/seed-aws-keys-aborted-and-completed.json",
        "aws-keys",
        Operation::List,
    ),
    ("jobs/seed-google-completed.json", "google", Operation::Get),
    (
        "pages/seed-salesforce-keys-item-errors.json",
        "salesforce-keys",
        Operation::List,
    ),
    ("pages/seed-dsm-refresh-completed.json", "dsm", Operation::List),
];

/// Reusable error responses: the catalog's error, the status the document gives it (a range
/// for server errors), what it means, an example fixture, and the operations that answer it.
struct ErrorResponse {
    spec: &'static ErrorSpec,
    status: &'static str,
    description: &'static str,
    example: Option<&'static str>,
    answers: fn(Call) -> bool,
}

const ERROR_RESPONSES: [ErrorResponse; 5] = [
    ErrorResponse {
        spec: &endpoints::BAD_REQUEST,
        status: "400",
        description: "The request is invalid: a query parameter, the body or the job id is malformed. \
            The message names the parameter, or the JSON path in the body, and the reason.",
        example: None,
        answers: |_| true,
    },
    ErrorResponse {
        spec: &endpoints::UNAUTHORIZED,
        status: "401",
        description: "The bearer token is missing, invalid, expired or revoked; for the token call, the user \
            name, password or refresh token is wrong.",
        example: Some("errors/unauthorized.json"),
        answers: |_| true,
    },
    ErrorResponse {
        spec: &endpoints::NOT_FOUND,
        status: "404",
        description: "No job, or no resource named in the body, has this id.",
        example: Some("errors/resource-not-found.json"),
        answers: |call| matches!(call, Call::Start | Call::Get | Call::Cancel),
    },
    ErrorResponse {
        spec: &endpoints::CONFLICT,
        status: "409",
        description: "The job's state forbids the call: a start while a job of the same endpoint is in \
            progress (the vendor's Ansible documentation says such a start is refused), or a cancel of a \
            job that has ended (only running jobs can be cancelled, says the vendor's documentation).",
        example: None,
        answers: |call| matches!(call, Call::Start | Call::Cancel),
    },
    ErrorResponse {
        spec: &endpoints::SERVER_ERROR,
        status: "5XX",
        description: "The server failed to handle the request.",
        example: None,
        answers: |_| true,
    },
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Version {
    V31,
    V30,
}

pub(crate) fn files() -> Result<Vec<GeneratedFile>, String> {
    // An example must not vanish silently when an endpoint is renamed in the catalog.
    if let Some((file, name, _)) = SEED_EXAMPLES
        .iter()
        .find(|(_, name, _)| endpoints::find(name).is_none())
    {
        return Err(format!(
            "the seed example {file} names no endpoint of the catalog: {name:?}"
        ));
    }
    let root = crate::project_root();
    let fixtures = Fixtures::read(&root.join(crate::fixtures::DIR))?;
    [(OPENAPI_31, Version::V31), (OPENAPI_30, Version::V30)]
        .into_iter()
        .map(|(path, version)| {
            Ok(GeneratedFile {
                path: path.to_owned(),
                contents: to_text(&document(version, &fixtures)?)?,
            })
        })
        .collect()
}

/// The schema generator of a version: draft 2020-12 for 3.1, schemars' OpenAPI 3.0 dialect
/// for 3.0, both with definitions under `#/components/schemas`.
fn generator(version: Version) -> SchemaGenerator {
    match version {
        Version::V31 => SchemaSettings::draft2020_12()
            .with(|settings| settings.definitions_path = "/components/schemas".into())
            .with_transform(schemas::unwrap_descriptions())
            .into_generator(),
        // OpenAPI 3.0 has no null type: `null` is valid only under `nullable: true`, which
        // needs a `type` beside it, or linters reject the schema.
        //
        // - schemars writes a nullable `$ref` as `anyOf: [{$ref}, {nullable: true, enum:
        //   [null]}]`: the second branch gets a `type`.
        // - It writes `{const: null}`, the list of a start request for every item (which may
        //   only be left out or `null`), as `{enum: [null]}`. The 3.0 form is a nullable list
        //   that no list can satisfy (at least one item and at most none): the same values.
        //   A one-value `enum: [null]` would say the same, but openapi-generator cannot make
        //   an example of it and writes `ERROR_TO_EXAMPLE_VALUE` into the Python tests and
        //   docs it generates, with an error line per property.
        Version::V30 => SchemaSettings::openapi3()
            .with_transform(schemas::unwrap_descriptions())
            .with_transform(RecursiveTransform(|schema: &mut Schema| {
                let null_only = schema.get("enum") == Some(&json!([null]));
                if !null_only || schema.get("type").is_some() {
                    return;
                }
                if schema.get("nullable") == Some(&Value::Bool(true)) {
                    schema.insert("type".into(), "string".into());
                } else {
                    schema.remove("enum");
                    for (key, value) in [
                        ("type", json!("array")),
                        ("items", json!({"type": "string"})),
                        ("nullable", json!(true)),
                        ("minItems", json!(1)),
                        ("maxItems", json!(0)),
                    ] {
                        schema.insert(key.into(), value);
                    }
                }
            }))
            .into_generator(),
    }
}

fn document(version: Version, fixtures: &Fixtures) -> Result<Value, String> {
    let mut generator = generator(version);
    let parameters = ParameterSchemas::new(&mut generator)?;
    schemas::add_payloads(&mut generator);

    let mut paths: BTreeMap<String, PathItem> = BTreeMap::new();
    for endpoint in &endpoints::ENDPOINTS {
        let names = super::family_schemas(endpoint.family)?;
        for operation in Operation::ALL {
            let built = operation_of(endpoint, operation, &names, &parameters, fixtures)?;
            let item = PathItem::new(method(operation), built);
            match paths.entry(endpoint.path_template(operation)) {
                std::collections::btree_map::Entry::Vacant(entry) => {
                    entry.insert(item);
                }
                std::collections::btree_map::Entry::Occupied(mut entry) => entry.get_mut().merge_operations(item),
            }
        }
    }
    paths.insert(
        endpoints::TOKEN_PATH.to_owned(),
        PathItem::new(HttpMethod::Post, token_operation(&mut generator)),
    );
    let paths = paths
        .into_iter()
        .fold(PathsBuilder::new(), |builder, (path, item)| builder.path(path, item));

    let mut components = ComponentsBuilder::new().security_scheme(
        SECURITY_SCHEME,
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .description(Some(
                    "A JWT from `POST /api/v1/auth/tokens` of the CipherTrust Manager, sent as \
                     `Authorization: Bearer <token>`.",
                ))
                .build(),
        ),
    );
    for response in &ERROR_RESPONSES {
        let mut content = ContentBuilder::new().schema(Some(Ref::from_schema_name(type_name::<cckm_sync::ApiError>())));
        if let Some(example) = response.example {
            content = content.examples_from_iter([(
                "example",
                fixtures.example(example, "An error body from public client code")?,
            )]);
        }
        components = components.response(
            response.spec.name,
            ResponseBuilder::new()
                .description(error_description(response))
                .content(JSON, content.build())
                .extensions(Some(evidence_extension(response.spec.evidence)))
                .build(),
        );
    }

    let license = LicenseBuilder::new().name(LICENSE);
    let license = match version {
        Version::V31 => license.identifier(Some(LICENSE)),
        // OpenAPI 3.0 has no SPDX identifier; it links to the licence instead.
        Version::V30 => license.url(Some("https://spdx.org/licenses/")),
    };
    let api = OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("CipherTrust Manager CCKM synchronization and refresh jobs")
                .version(cckm_sync::CONTRACT_VERSION)
                .description(Some(info_description()))
                .license(Some(license.build()))
                .build(),
        )
        .servers(Some([ServerBuilder::new()
            .url("https://{host}/api/v1")
            .description(Some("A CipherTrust Manager"))
            .parameter(
                "host",
                ServerVariableBuilder::new()
                    .default_value("127.0.0.1")
                    .description(Some("Host name or address of the CipherTrust Manager")),
            )
            .build()]))
        .security(Some([SecurityRequirement::new(SECURITY_SCHEME, Vec::<String>::new())]))
        .tags(Some(
            std::iter::once(
                TagBuilder::new()
                    .name(AUTH_TAG)
                    .description(Some("The token call: a bearer token for every other call."))
                    .build(),
            )
            .chain(endpoints::ENDPOINTS.iter().map(|endpoint| {
                TagBuilder::new()
                    .name(endpoint.title)
                    .description(Some(tag_description(endpoint)))
                    .build()
            })),
        ))
        .paths(paths)
        .components(Some(components.build()))
        .build();

    let mut value = serde_json::to_value(&api).map_err(|error| error.to_string())?;
    let Value::Object(document) = &mut value else {
        return Err("utoipa wrote a document that is not an object".into());
    };
    document.insert("x-generated".into(), MARKER.into());
    let components = document
        .get_mut("components")
        .and_then(Value::as_object_mut)
        .ok_or("the document has no components")?;
    let mut schemas = generator.take_definitions(true);
    name_token_grants(&mut schemas)?;
    components.insert("schemas".into(), Value::Object(schemas));
    if version == Version::V30 {
        document.insert("openapi".into(), "3.0.3".into());
    }
    Ok(value)
}

const INFO_DESCRIPTION: &str = "\
The synchronization and refresh jobs of the Cloud Key Manager (CCKM) of Thales CipherTrust \
Manager, for every cloud it manages. Each endpoint serves the same four calls: list (a page of \
jobs), start, get and cancel.

Generated from the `cckm-sync` Rust crate, whose parser accepts exactly what these schemas \
accept. The vendor's example responses are the ground truth; facts known only from public \
client code, or inferred from a sibling endpoint, are marked as such on each tag.

Compatibility: newer servers add fields, statuses and cloud names. Every object accepts fields \
not listed here, and `overall_status` and `cloud` accept values not listed here: clients must \
keep them rather than fail. Azure and external CipherTrust Manager jobs spell a running job \
`in progress`, the others `in_progress`. `abort` is the authoritative flag of a cancelled job, \
which may end as `completed` as well as `aborted`.";

/// The document's description: [`INFO_DESCRIPTION`] and the catalog's wire rules, each with
/// its evidence.
fn info_description() -> String {
    let mut description = format!("{INFO_DESCRIPTION}\n\nRules of the wire, for every endpoint:\n");
    for rule in &endpoints::WIRE_RULES {
        description.push_str(&format!(
            "\n- {} Evidence: {}, {}.",
            rule.rule,
            rule.evidence.as_str(),
            rule.source
        ));
    }
    description
}

fn method(operation: Operation) -> HttpMethod {
    match operation.method() {
        endpoints::Method::Get => HttpMethod::Get,
        endpoints::Method::Post => HttpMethod::Post,
    }
}

/// `aws-custom-key-stores` → `AwsCustomKeyStores`.
fn pascal_case(name: &str) -> String {
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

fn evidence_text(evidence: Evidence) -> &'static str {
    match evidence {
        Evidence::Confirmed => "confirmed by the vendor's documentation",
        Evidence::Code => "known from public client code",
        Evidence::Inferred => "inferred from a sibling endpoint: no source shows it",
    }
}

fn tag_description(endpoint: &Endpoint) -> String {
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
fn texts(endpoint: &Endpoint, operation: Operation) -> (String, String) {
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

fn operation_of(
    endpoint: &Endpoint,
    operation: Operation,
    names: &super::FamilySchemas,
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
            .description(description)
            .content(
                JSON,
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name(names.job.as_str())))
                    .examples_from_iter(examples)
                    .build(),
            )
            .build()
    };
    let seeds = fixtures.seed_examples(endpoint, operation)?;
    match operation {
        Operation::List => {
            for parameter in endpoint.spec().list_parameters() {
                builder = builder.parameter(parameters.query(parameter, endpoint.family)?);
            }
            builder = builder.response(
                "200",
                ResponseBuilder::new()
                    .description(format!("A page of {} jobs.", endpoint.kind.noun()))
                    .content(
                        JSON,
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name(names.page.as_str())))
                            .examples_from_iter(seeds)
                            .build(),
                    )
                    .build(),
            );
        }
        Operation::Start => {
            let examples = fixtures.start_examples(endpoint.family)?;
            builder = builder
                .request_body(Some(
                    RequestBodyBuilder::new()
                        .required(Some(Required::True))
                        .content(
                            JSON,
                            ContentBuilder::new()
                                .schema(Some(Ref::from_schema_name(names.start.as_str())))
                                .examples_from_iter(examples)
                                .build(),
                        )
                        .build(),
                ))
                .response(
                    "200",
                    with_links(job_response("The job started.", seeds.clone()), endpoint),
                )
                .response("201", with_links(job_response("The job started.", seeds), endpoint));
        }
        Operation::Get | Operation::Cancel => {
            builder = builder.parameter(parameters.path_id()?);
            let description = if operation == Operation::Get {
                "The job."
            } else {
                "The job, with `abort: true`."
            };
            builder = builder.response("200", job_response(description, seeds));
        }
    }
    Ok(error_responses(builder, Call::of(operation)).build())
}

/// A start response with links from the new job's `id` to the get and cancel calls of the
/// same endpoint, for generated clients and stateful testers that follow them.
fn with_links(response: utoipa::openapi::Response, endpoint: &Endpoint) -> utoipa::openapi::Response {
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

/// Adds the error responses `call` answers.
fn error_responses(mut builder: OperationBuilder, call: Call) -> OperationBuilder {
    for response in ERROR_RESPONSES.iter().filter(|response| (response.answers)(call)) {
        builder = builder.response(response.status, Ref::from_response_name(response.spec.name));
    }
    builder
}

/// A response's description, with the `code` and `codeDesc` of its body and how sure that is.
fn error_description(response: &ErrorResponse) -> String {
    let spec = response.spec;
    let code = spec.code.map_or_else(
        || "no `code` (no source shows one)".to_owned(),
        |code| format!("`code` {code}"),
    );
    let codes_of_status = match spec.status {
        400 => format!(
            " (`{}`, code {}, for a malformed query or path parameter)",
            endpoints::INVALID_PARAMETER.code_desc,
            endpoints::INVALID_PARAMETER.code.unwrap_or_default()
        ),
        401 => format!(
            " (`{}`, code {}, for wrong credentials in the token call)",
            endpoints::WRONG_CREDENTIALS.code_desc,
            endpoints::WRONG_CREDENTIALS.code.unwrap_or_default()
        ),
        _ => String::new(),
    };
    let evidence = match spec.evidence {
        Evidence::Confirmed => "confirmed by the vendor's documentation",
        Evidence::Code => "known from public client code",
        Evidence::Inferred => "inferred, no source shows them",
    };
    format!(
        "{} Body: `codeDesc` `{}`, {code}{codes_of_status}. Status and body: {evidence}.",
        response.description, spec.code_desc,
    )
}

/// `x-cckm-evidence`: how sure the contract is of a response, machine-readable.
fn evidence_extension(evidence: Evidence) -> utoipa::openapi::extensions::Extensions {
    utoipa::openapi::extensions::ExtensionsBuilder::new()
        .add("x-cckm-evidence", evidence.as_str())
        .build()
}

/// `POST /auth/tokens`: a JWT for every other call.
fn token_operation(generator: &mut SchemaGenerator) -> utoipa::openapi::path::Operation {
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
                .description("A bearer token, and a refresh token.")
                .content(JSON, ContentBuilder::new().schema(Some(schema_ref(&answer))).build())
                .build(),
        );
    error_responses(builder, Call::Token).build()
}

/// Gives each branch of the token request a `title` after its grant (`PasswordGrant`,
/// `RefreshTokenGrant`): code generators name the type of an inline `oneOf` branch after its
/// title, and number it otherwise (`TokenRequestOneOf1`, `TokenRequestType1`).
fn name_token_grants(schemas: &mut serde_json::Map<String, Value>) -> Result<(), String> {
    let name = type_name::<cckm_sync::TokenRequest>();
    let branches = schemas
        .get_mut(&name)
        .and_then(|schema| schema.get_mut("oneOf"))
        .and_then(Value::as_array_mut)
        .ok_or_else(|| format!("the schema of {name} is not a `oneOf`"))?;
    for branch in branches {
        // `const` in OpenAPI 3.1, a one-value `enum` in 3.0.
        let grant = branch
            .pointer("/properties/grant_type/const")
            .or_else(|| branch.pointer("/properties/grant_type/enum/0"))
            .and_then(Value::as_str)
            .ok_or_else(|| format!("a branch of {name} has no constant `grant_type`"))?;
        let title = format!("{}Grant", pascal_case(&grant.replace('_', "-")));
        branch
            .as_object_mut()
            .ok_or_else(|| format!("a branch of {name} is not an object"))?
            .insert("title".into(), title.into());
    }
    Ok(())
}

/// The tag of the token call.
const AUTH_TAG: &str = "auth";

fn type_name<T: JsonSchema>() -> String {
    T::schema_name().into_owned()
}

/// The schemas of the query and path parameters, from the types that parse them.
struct ParameterSchemas {
    id: RefOr<utoipa::openapi::schema::Schema>,
    overall_status: RefOr<utoipa::openapi::schema::Schema>,
    skip: RefOr<utoipa::openapi::schema::Schema>,
    limit: RefOr<utoipa::openapi::schema::Schema>,
    scope_filter: RefOr<utoipa::openapi::schema::Schema>,
}

impl ParameterSchemas {
    fn new(generator: &mut SchemaGenerator) -> Result<Self, String> {
        Ok(Self {
            id: lossless(generator.subschema_for::<uuid::Uuid>())?,
            overall_status: lossless(generator.subschema_for::<cckm_sync::OverallStatus>())?,
            // `u64`, bounded: a `skip` beyond what the parser reads is refused, so the schema
            // says where it ends (schemars gives a `u64` no `maximum`).
            skip: lossless(cckm_sync::schemars::json_schema!({
                "type": "integer",
                "format": "uint64",
                "minimum": 0,
                "maximum": u64::MAX
            }))?,
            limit: lossless(generator.subschema_for::<Limit>())?,
            // The values of a scope filter: strings, none empty (`ListSyncJobs` refuses "").
            scope_filter: lossless(cckm_sync::schemars::json_schema!({
                "type": "array",
                "items": { "type": "string", "minLength": 1 }
            }))?,
        })
    }

    fn query(&self, parameter: ListParameter, family: CloudFamily) -> Result<utoipa::openapi::path::Parameter, String> {
        let (schema, description) = match parameter {
            ListParameter::Id => (&self.id, "Only the job with this id.".to_owned()),
            ListParameter::OverallStatus => (
                &self.overall_status,
                "Only the jobs in this state. The server may compare the text: Azure and external \
                 CipherTrust Manager jobs spell a running job `in progress`."
                    .to_owned(),
            ),
            ListParameter::ScopeFilter(_) => (
                &self.scope_filter,
                format!(
                    "Only the jobs of these {}; repeat the parameter once per value.",
                    family.spec().scope_items
                ),
            ),
            ListParameter::Skip => (&self.skip, "How many jobs to skip, from 0.".to_owned()),
            ListParameter::Limit => (
                &self.limit,
                "How many jobs at most; `-1` for every job. The server's default is 10.".to_owned(),
            ),
            ListParameter::Sort => (
                &sort_schema(family)?,
                format!(
                    "Comma-separated properties to sort by, such as `-createdAt` or \
                     `overall_status,-updatedAt`; `-` sorts descending. Without it, `{}`. The properties \
                     are a job's fields holding one value; which ones the server sorts by is {}.",
                    endpoints::DEFAULT_SORT,
                    match endpoints::SORT_PROPERTIES_EVIDENCE {
                        Evidence::Confirmed => "documented",
                        Evidence::Code => "known from public client code",
                        Evidence::Inferred => "inferred: no source shows it",
                    },
                ),
            ),
        };
        let mut builder = ParameterBuilder::new()
            .name(parameter.name())
            .parameter_in(ParameterIn::Query)
            .required(Required::False)
            .description(Some(description))
            .schema(Some(schema.clone()));
        if parameter.repeats() {
            builder = builder.style(Some(ParameterStyle::Form)).explode(Some(true));
        }
        Ok(builder.build())
    }

    fn path_id(&self) -> Result<utoipa::openapi::path::Parameter, String> {
        Ok(ParameterBuilder::new()
            .name("id")
            .parameter_in(ParameterIn::Path)
            .required(Required::True)
            .description(Some("Resource id of the job."))
            .schema(Some(self.id.clone()))
            .build())
    }
}

/// The `sort` parameter of a family's list: `Sort`'s syntax, its properties limited to the
/// family's [`sort_properties`](cckm_sync::endpoints::FamilySpec::sort_properties), which a
/// server refuses others than.
fn sort_schema(family: CloudFamily) -> Result<RefOr<utoipa::openapi::schema::Schema>, String> {
    let properties: Vec<&str> = family.spec().sort_properties().collect();
    if properties
        .iter()
        .any(|property| !property.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    {
        return Err(format!(
            "a sort property of {family} needs escaping in a pattern: {properties:?}"
        ));
    }
    let key = format!("-?({})", properties.join("|"));
    lossless(cckm_sync::schemars::json_schema!({
        "description": "Comma-separated properties to sort by, the first the most significant; a \
            leading `-` sorts that property in descending order.",
        "type": "string",
        "pattern": format!("^{key}(,{key})*$")
    }))
}

/// Whether a start body is one a client should send: the family's start request reads it,
/// holds nothing this contract does not know, writes it back unchanged, and spells no field
/// without a value (`null`, or `"synchronize_all": false`).
struct Canonical<'a>(&'a Value);

impl FamilyVisitor for Canonical<'_> {
    type Output = bool;

    fn visit<S: FamilyScope>(self) -> bool {
        let value = self.0;
        let spelled_without_value = value.as_object().is_none_or(|fields| {
            fields.values().any(Value::is_null) || fields.get(endpoints::SYNCHRONIZE_ALL) == Some(&Value::Bool(false))
        });
        match serde_json::from_value::<StartJob<S>>(value.clone()) {
            Ok(body) => {
                !spelled_without_value
                    && cckm_sync::unknowns(&body).is_empty()
                    && serde_json::to_value(&body).ok().as_ref() == Some(value)
            }
            Err(_) => false,
        }
    }
}

/// A schema in utoipa's model, refusing any schema that model would not keep verbatim.
fn lossless(schema: Schema) -> Result<RefOr<utoipa::openapi::schema::Schema>, String> {
    let value = schema.to_value();
    let converted: RefOr<utoipa::openapi::schema::Schema> =
        serde_json::from_value(value.clone()).map_err(|error| format!("{value}: {error}"))?;
    let back = serde_json::to_value(&converted).map_err(|error| error.to_string())?;
    if back == value {
        Ok(converted)
    } else {
        Err(format!(
            "utoipa does not keep the parameter schema {value} (it writes {back})"
        ))
    }
}

/// The fixtures the document shows as examples.
struct Fixtures {
    files: BTreeMap<String, Value>,
}

impl Fixtures {
    fn read(dir: &std::path::Path) -> Result<Self, String> {
        let mut files = BTreeMap::new();
        for folder in ["pages", "jobs", "start", "errors"] {
            let entries = std::fs::read_dir(dir.join(folder))
                .map_err(|error| format!("{}/{folder}: {error}", crate::fixtures::DIR))?;
            for entry in entries {
                let path = entry.map_err(|error| error.to_string())?.path();
                if path.extension().is_some_and(|extension| extension == "json") {
                    let name = format!("{folder}/{}", path.file_name().unwrap_or_default().to_string_lossy());
                    let text = std::fs::read_to_string(&path).map_err(|error| format!("{name}: {error}"))?;
                    let value = serde_json::from_str(&text).map_err(|error| format!("{name}: {error}"))?;
                    files.insert(name, value);
                }
            }
        }
        Ok(Self { files })
    }

    fn get(&self, name: &str) -> Result<&Value, String> {
        self.files
            .get(name)
            .ok_or_else(|| format!("no fixture {}/{name}", crate::fixtures::DIR))
    }

    fn example(&self, name: &str, summary: &str) -> Result<utoipa::openapi::example::Example, String> {
        Ok(ExampleBuilder::new()
            .summary(summary)
            .value(Some(self.get(name)?.clone()))
            .build())
    }

    /// The vendor's example response of `operation` on `endpoint`, if it has one.
    fn seed_examples(
        &self,
        endpoint: &Endpoint,
        operation: Operation,
    ) -> Result<Vec<(String, utoipa::openapi::example::Example)>, String> {
        SEED_EXAMPLES
            .iter()
            .filter(|(_, name, seed_operation)| *name == endpoint.name && *seed_operation == operation)
            .map(|(file, ..)| {
                Ok((
                    "vendor".to_owned(),
                    self.example(file, "Example response of the vendor's documentation")?,
                ))
            })
            .collect()
    }

    /// Start-request bodies of `family`: every fixture `start/<family>-*.json` that holds
    /// nothing this contract does not know, that a round trip writes back unchanged, and that
    /// spells no field without a value (`null`, or `"synchronize_all": false`): the bodies a
    /// client should send.
    fn start_examples(&self, family: CloudFamily) -> Result<Vec<(String, utoipa::openapi::example::Example)>, String> {
        let mut examples = Vec::new();
        for (name, value) in &self.files {
            let Some(stem) = name.strip_prefix("start/").and_then(|rest| rest.strip_suffix(".json")) else {
                continue;
            };
            if crate::fixtures::start_family(stem) != Some(family) {
                continue;
            }
            if family.visit(Canonical(value)) {
                let case = stem
                    .strip_prefix(family.spec().name)
                    .unwrap_or(stem)
                    .trim_start_matches('-');
                let example = ExampleBuilder::new()
                    .summary(case.replace('-', " "))
                    .value(Some(value.clone()));
                examples.push((case.to_owned(), example.build()));
            }
        }
        if examples.is_empty() {
            return Err(format!("no start-request fixture start/{}-*.json", family.spec().name));
        }
        Ok(examples)
    }
}
