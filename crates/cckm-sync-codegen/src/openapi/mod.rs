//! `openapi/cckm-sync.openapi.json` (OpenAPI 3.1) and `openapi/cckm-sync.openapi-3.0.json`
//! (OpenAPI 3.0.3, for generators that read nothing newer).
//!
//! utoipa builds the document from the endpoint catalog: servers, security, tags, and per
//! endpoint its four operations with their parameters, bodies, responses and examples.
//! `components.schemas` is schemars' output for the same types as `schemas/`, set into the
//! document as is: utoipa's own schema model would drop keywords the schemas use.

use std::collections::BTreeMap;

use cckm_sync::endpoints::{self, Operation};
use cckm_sync::schemars::generate::SchemaSettings;
use cckm_sync::schemars::transform::RecursiveTransform;
use cckm_sync::schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{Value, json};
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::info::{InfoBuilder, LicenseBuilder};
use utoipa::openapi::path::{HttpMethod, PathItem};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{ComponentsBuilder, Ref};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::server::{ServerBuilder, ServerVariableBuilder};
use utoipa::openapi::tag::TagBuilder;
use utoipa::openapi::{OpenApiBuilder, PathsBuilder};

use crate::file::{GeneratedFile, MARKER, to_text};
use crate::schemas;

mod errors;
mod examples;
mod operations;
mod parameters;

use errors::{ERROR_RESPONSES, error_description, evidence_extension};
use examples::{Fixtures, RESPONSE_EXAMPLES};
pub use operations::operation_id;
use operations::{operation_of, pascal_case, tag_description, token_operation};
use parameters::ParameterSchemas;

/// The OpenAPI 3.1 document.
pub const OPENAPI_31: &str = "openapi/cckm-sync.openapi.json";

/// The OpenAPI 3.0.3 document.
pub const OPENAPI_30: &str = "openapi/cckm-sync.openapi-3.0.json";

pub(super) const SECURITY_SCHEME: &str = "bearerAuth";

pub(super) const JSON: &str = "application/json";

const LICENSE: &str = "MIT OR Apache-2.0";

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Version {
    V31,
    V30,
}

pub(crate) fn files() -> Result<Vec<GeneratedFile>, String> {
    // An example must not vanish silently when an endpoint is renamed in the catalog.
    if let Some((file, name, _)) = RESPONSE_EXAMPLES
        .iter()
        .find(|(_, name, _)| endpoints::find(name).is_none())
    {
        return Err(format!("the example {file} names no endpoint of the catalog: {name:?}"));
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
        let names = crate::family_schemas(endpoint.family)?;
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
        let mut examples = Vec::new();
        for (key, file, summary) in response.examples {
            examples.push((*key, fixtures.example(file, summary)?));
        }
        if examples.is_empty() {
            return Err(format!("the {} response shows no example", response.spec.name));
        }
        content = content.examples_from_iter(examples.clone());
        let description = examples::with_source(&error_description(response), &examples);
        components = components.response(
            response.spec.name,
            ResponseBuilder::new()
                .description(description)
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

pub(super) fn method(operation: Operation) -> HttpMethod {
    match operation.method() {
        endpoints::Method::Get => HttpMethod::Get,
        endpoints::Method::Post => HttpMethod::Post,
    }
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
pub(super) const AUTH_TAG: &str = "auth";

pub(super) fn type_name<T: JsonSchema>() -> String {
    T::schema_name().into_owned()
}
