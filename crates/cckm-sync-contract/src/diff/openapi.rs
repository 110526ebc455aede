//! Two OpenAPI documents compared: operations, parameters, bodies, statuses, content types,
//! security, servers, and the components no operation uses.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::judge::{self, Form, Judge, Role, Subject};
use super::load::METHODS;
use super::models;
use super::probes::ParameterForm;
use super::schema::{self, Site, canonical, follow, join, schema_name};
use super::{Change, DiffError, Impact, Place, Version};
use cckm_sync::endpoints::Operation as CatalogOperation;

use crate::exchange::CatalogCall;

/// An operation of a document.
struct Operation {
    /// `GET /path`, as the document writes the path.
    name: String,
    parameters: BTreeMap<(String, String), Parameter>,
    body: Option<Body>,
    responses: BTreeMap<String, Media>,
    /// The alternatives of credentials it asks for; `{}` among them when none is needed.
    security: Vec<BTreeSet<String>>,
    call: Option<CatalogCall<'static>>,
}

struct Parameter {
    required: bool,
    form: ParameterForm,
    schema: Option<Site>,
    examples: Vec<Value>,
}

struct Body {
    required: bool,
    content: Media,
}

/// Content types, each with its schema and examples.
#[derive(Default)]
struct Media {
    types: BTreeMap<String, (Option<Site>, Vec<Value>)>,
}

fn error(version: &Version, pointer: &str, reason: impl Into<String>) -> DiffError {
    DiffError::new(&version.label, Some(pointer), reason)
}

/// Checks what the comparison reads of a document: its operations, parameters, bodies and
/// responses.
pub(crate) fn check(version: &Version) -> Result<(), DiffError> {
    operations(version).map(drop)
}

fn document(version: &Version) -> (&str, &Value) {
    version
        .resources
        .iter()
        .next()
        .map_or(("", &Value::Null), |(name, value)| (name.as_str(), value))
}

/// The operations of a document, by `METHOD shape-of-path`.
fn operations(version: &Version) -> Result<BTreeMap<String, Operation>, DiffError> {
    let (resource, root) = document(version);
    let mut out = BTreeMap::new();
    let Some(paths) = root.get("paths") else {
        return Ok(out);
    };
    let paths = paths
        .as_object()
        .ok_or_else(|| error(version, "/paths", "not an object"))?;
    let default_security = security(root.get("security"));
    for path in paths.keys() {
        let at = Site::new(resource, &join("/paths", path));
        let (item_site, item) = follow(version, &at).map_err(|reason| error(version, &at.pointer, reason))?;
        if !item.is_object() {
            return Err(error(version, &item_site.pointer, "a path item is not an object"));
        }
        let shared = parameters(version, &item_site, item.get("parameters"))?;
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let site = item_site.join(method);
            if !operation.is_object() {
                return Err(error(version, &site.pointer, "an operation is not an object"));
            }
            let mut own = shared.clone_shallow();
            own.extend(parameters(version, &site, operation.get("parameters"))?);
            // A path parameter is its place in the path: renaming `{id}` changes no URL.
            let positions = path_parameters(path);
            let own: BTreeMap<(String, String), Parameter> = own
                .0
                .into_iter()
                .map(|((location, name), parameter)| {
                    let key = match positions.iter().position(|at| *at == name) {
                        Some(index) if location == "path" => format!("{{{index}}}"),
                        _ => name,
                    };
                    ((location, key), parameter)
                })
                .collect();
            let body = match operation.get("requestBody") {
                Some(_) => {
                    let (body_site, body) = follow(version, &site.join("requestBody"))
                        .map_err(|reason| error(version, &join(&site.pointer, "requestBody"), reason))?;
                    Some(Body {
                        required: body.get("required") == Some(&Value::Bool(true)),
                        content: media(version, &body_site, body)?,
                    })
                }
                None => None,
            };
            let mut responses = BTreeMap::new();
            if let Some(listed) = operation.get("responses") {
                let listed = listed
                    .as_object()
                    .ok_or_else(|| error(version, &join(&site.pointer, "responses"), "not an object"))?;
                for status in listed.keys() {
                    let (response_site, response) = follow(version, &site.join("responses").join(status))
                        .map_err(|reason| error(version, &join(&join(&site.pointer, "responses"), status), reason))?;
                    responses.insert(status.clone(), media(version, &response_site, response)?);
                }
            }
            let method_upper = method.to_ascii_uppercase();
            let key = format!("{method_upper} {}", shape(path));
            out.insert(
                key,
                Operation {
                    name: format!("{method_upper} {path}"),
                    parameters: own,
                    body,
                    responses,
                    security: operation
                        .get("security")
                        .map_or_else(|| default_security.clone(), |listed| security(Some(listed))),
                    call: models::call(method, path),
                },
            );
        }
    }
    Ok(out)
}

/// The names of a path's parameters, in order: `["id"]` for `/jobs/{id}/cancel`.
fn path_parameters(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

/// A path with its parameters' names left out, so that a renamed path parameter is the same
/// path.
fn shape(path: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push('{');
            }
            '}' => {
                inside = false;
                out.push('}');
            }
            _ if inside => {}
            c => out.push(c),
        }
    }
    out
}

fn security(listed: Option<&Value>) -> Vec<BTreeSet<String>> {
    match listed.and_then(Value::as_array) {
        None => vec![BTreeSet::new()],
        Some(alternatives) if alternatives.is_empty() => vec![BTreeSet::new()],
        Some(alternatives) => alternatives
            .iter()
            .map(|alternative| {
                alternative
                    .as_object()
                    .map(|schemes| schemes.keys().cloned().collect())
                    .unwrap_or_default()
            })
            .collect(),
    }
}

/// Parameters by `(in, name)`.
struct Parameters(BTreeMap<(String, String), Parameter>);

impl Parameters {
    fn clone_shallow(&self) -> Self {
        Self(
            self.0
                .iter()
                .map(|(key, parameter)| {
                    (
                        key.clone(),
                        Parameter {
                            required: parameter.required,
                            form: parameter.form.clone(),
                            schema: parameter.schema.clone(),
                            examples: parameter.examples.clone(),
                        },
                    )
                })
                .collect(),
        )
    }

    fn extend(&mut self, other: Self) {
        self.0.extend(other.0);
    }
}

fn parameters(version: &Version, at: &Site, listed: Option<&Value>) -> Result<Parameters, DiffError> {
    let mut out = BTreeMap::new();
    let Some(listed) = listed else {
        return Ok(Parameters(out));
    };
    let list_pointer = join(&at.pointer, "parameters");
    let listed = listed
        .as_array()
        .ok_or_else(|| error(version, &list_pointer, "not a list"))?;
    for index in 0..listed.len() {
        let (site, parameter) = follow(version, &at.join("parameters").join(&index.to_string()))
            .map_err(|reason| error(version, &join(&list_pointer, &index.to_string()), reason))?;
        let name = parameter
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| error(version, &site.pointer, "a parameter without a `name`"))?;
        let location = parameter
            .get("in")
            .and_then(Value::as_str)
            .ok_or_else(|| error(version, &site.pointer, "a parameter without `in`"))?;
        if !matches!(location, "query" | "path" | "header" | "cookie") {
            return Err(error(
                version,
                &join(&site.pointer, "in"),
                format!("`{location}` is not query, path, header or cookie"),
            ));
        }
        let schema = if parameter.get("schema").is_some() {
            Some(site.join("schema"))
        } else {
            parameter
                .get("content")
                .and_then(Value::as_object)
                .and_then(|content| content.iter().find(|(_, media)| media.get("schema").is_some()))
                .map(|(media_type, _)| site.join("content").join(media_type).join("schema"))
        };
        let mut examples = Vec::new();
        collect_examples(version, &site, parameter, &mut examples);
        out.insert(
            (location.to_owned(), name.to_owned()),
            Parameter {
                required: location == "path" || parameter.get("required") == Some(&Value::Bool(true)),
                form: ParameterForm::of(name, location, parameter),
                schema,
                examples,
            },
        );
    }
    Ok(Parameters(out))
}

/// The `example` and `examples` of a parameter or a media type.
fn collect_examples(version: &Version, site: &Site, object: &Value, out: &mut Vec<Value>) {
    if let Some(example) = object.get("example") {
        out.push(example.clone());
    }
    if let Some(named) = object.get("examples").and_then(Value::as_object) {
        for name in named.keys() {
            if let Ok((_, example)) = follow(version, &site.join("examples").join(name))
                && let Some(value) = example.get("value")
            {
                out.push(value.clone());
            }
        }
    }
}

fn media(version: &Version, site: &Site, object: &Value) -> Result<Media, DiffError> {
    let mut out = Media::default();
    let Some(content) = object.get("content") else {
        return Ok(out);
    };
    let content = content
        .as_object()
        .ok_or_else(|| error(version, &join(&site.pointer, "content"), "not an object"))?;
    for (media_type, entry) in content {
        let at = site.join("content").join(media_type);
        let schema = entry.get("schema").map(|_| at.join("schema"));
        let mut examples = Vec::new();
        collect_examples(version, &at, entry, &mut examples);
        out.types.insert(media_type.clone(), (schema, examples));
    }
    Ok(out)
}

/// Whether a content type is JSON, which the schemas judge.
fn is_json(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json") || essence == "*/*" || essence == "application/*"
}

/// Whether a status is a success (or anything else a client would take as the answer it
/// asked for): `1XX` to `3XX`.
fn is_success(status: &str) -> bool {
    matches!(status.chars().next(), Some('1' | '2' | '3'))
}

/// The status of `listed` that covers `status` when `status` itself is not listed: its range
/// (`5XX` for `503`), or `default`.
fn covering<'a>(listed: &'a BTreeMap<String, Media>, status: &str) -> Option<&'a str> {
    let range = status
        .chars()
        .next()
        .filter(|_| status.len() == 3 && status.chars().all(|c| c.is_ascii_digit()))
        .map(|first| format!("{first}XX"));
    range
        .and_then(|range| listed.keys().find(|key| key.eq_ignore_ascii_case(&range)))
        .or_else(|| listed.keys().find(|key| key.as_str() == "default"))
        .map(String::as_str)
}

pub(crate) fn compare(judge: &mut Judge<'_>) -> Result<Vec<Change>, DiffError> {
    let old_version = judge.old.version;
    let new_version = judge.new.version;
    let old = operations(old_version)?;
    let new = operations(new_version)?;
    let mut changes = document_changes(old_version, new_version);
    for (key, operation) in &old {
        if !new.contains_key(key) {
            changes.push(Change::new(
                Impact::Breaking,
                Place::Operation {
                    operation: operation.name.clone(),
                },
                "operation removed",
            ));
        }
    }
    for (key, operation) in &new {
        match old.get(key) {
            None => changes.push(Change::new(
                Impact::Additive,
                Place::Operation {
                    operation: operation.name.clone(),
                },
                "operation added",
            )),
            Some(before) => compare_operation(judge, before, operation, &mut changes)?,
        }
    }
    compare_components(judge, &old, &new, &mut changes)?;
    Ok(changes)
}

fn document_changes(old: &Version, new: &Version) -> Vec<Change> {
    let mut changes = Vec::new();
    if old.contract_version != new.contract_version {
        changes.push(Change::new(
            Impact::None,
            Place::Document {
                pointer: "/info/version".to_owned(),
            },
            format!(
                "contract version {} → {}",
                old.contract_version.as_deref().unwrap_or("(none)"),
                new.contract_version.as_deref().unwrap_or("(none)")
            ),
        ));
    }
    if old.openapi != new.openapi {
        changes.push(Change::new(
            Impact::None,
            Place::Document {
                pointer: "/openapi".to_owned(),
            },
            format!(
                "OpenAPI {} → {}: the same wire in another version of OpenAPI",
                old.openapi.as_deref().unwrap_or("?"),
                new.openapi.as_deref().unwrap_or("?")
            ),
        ));
    }
    let pointers: BTreeSet<&String> = old.ids.keys().chain(new.ids.keys()).collect();
    for pointer in pointers {
        if old.ids.get(pointer) == new.ids.get(pointer) {
            continue;
        }
        let place = match pointer.strip_prefix("/components/schemas/") {
            Some(name) if !name.contains('/') => Place::Schema {
                schema: name.replace("~1", "/").replace("~0", "~"),
                pointer: "/$id".to_owned(),
            },
            _ => Place::Document {
                pointer: join(pointer, "$id"),
            },
        };
        changes.push(Change::new(
            Impact::None,
            place,
            "`$id` changed: references inside the document resolve to it whatever it says",
        ));
    }
    let (_, old_root) = document(old);
    let (_, new_root) = document(new);
    let servers = |root: &Value| -> BTreeSet<String> {
        root.get("servers")
            .and_then(Value::as_array)
            .map(|servers| {
                servers
                    .iter()
                    .filter_map(|server| server.get("url").and_then(Value::as_str).map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (old_servers, new_servers) = (servers(old_root), servers(new_root));
    for url in old_servers.difference(&new_servers) {
        changes.push(Change::new(
            Impact::Breaking,
            Place::Document {
                pointer: "/servers".to_owned(),
            },
            format!("server `{url}` removed"),
        ));
    }
    for url in new_servers.difference(&old_servers) {
        changes.push(Change::new(
            Impact::Additive,
            Place::Document {
                pointer: "/servers".to_owned(),
            },
            format!("server `{url}` added"),
        ));
    }
    let schemes = |root: &Value| -> BTreeMap<String, Value> {
        root.pointer("/components/securitySchemes")
            .and_then(Value::as_object)
            .map(|schemes| {
                schemes
                    .iter()
                    .map(|(name, scheme)| (name.clone(), schema::strip_annotations(scheme)))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (old_schemes, new_schemes) = (schemes(old_root), schemes(new_root));
    for (name, scheme) in &old_schemes {
        let pointer = join("/components/securitySchemes", name);
        match new_schemes.get(name) {
            None => changes.push(Change::new(
                Impact::Breaking,
                Place::Document { pointer },
                "security scheme removed",
            )),
            Some(after) if after != scheme => changes.push(Change::new(
                Impact::Breaking,
                Place::Document { pointer },
                "security scheme changed: clients of the old version send other credentials",
            )),
            Some(_) => {}
        }
    }
    changes
}

fn compare_operation(
    judge: &mut Judge<'_>,
    old: &Operation,
    new: &Operation,
    changes: &mut Vec<Change>,
) -> Result<(), DiffError> {
    let operation = new.name.clone();
    let keys: BTreeSet<&(String, String)> = old.parameters.keys().chain(new.parameters.keys()).collect();
    for key in keys {
        let (location, _) = key;
        let name = new
            .parameters
            .get(key)
            .or_else(|| old.parameters.get(key))
            .map(|parameter| parameter.form.name.clone())
            .unwrap_or_default();
        let place = Place::Parameter {
            operation: operation.clone(),
            name: name.clone(),
            location: location.clone(),
        };
        match (old.parameters.get(key), new.parameters.get(key)) {
            (Some(_), None) => changes.push(Change::new(Impact::Breaking, place, "parameter removed")),
            (None, Some(added)) if added.required => {
                changes.push(Change::new(Impact::Breaking, place, "new required parameter"));
            }
            (None, Some(_)) => changes.push(Change::new(Impact::Additive, place, "new optional parameter")),
            (Some(before), Some(after)) => {
                if !before.required && after.required {
                    changes.push(Change::new(
                        Impact::Breaking,
                        place.clone(),
                        "the parameter is now required",
                    ));
                } else if before.required && !after.required {
                    changes.push(Change::new(
                        Impact::Additive,
                        place.clone(),
                        "the parameter is now optional",
                    ));
                }
                if (before.form.style.as_str(), before.form.explode) != (after.form.style.as_str(), after.form.explode)
                {
                    changes.push(Change::new(
                        Impact::Breaking,
                        place.clone(),
                        format!(
                            "written differently: style {}, explode {} → style {}, explode {}",
                            before.form.style, before.form.explode, after.form.style, after.form.explode
                        ),
                    ));
                }
                if let (Some(old_schema), Some(new_schema)) = (&before.schema, &after.schema) {
                    let models = match (new.call, location.as_str()) {
                        (
                            Some(CatalogCall::Job {
                                endpoint,
                                operation: CatalogOperation::List,
                                ..
                            }),
                            "query",
                        ) => models::list_values(endpoint.family, &name),
                        (
                            Some(CatalogCall::Job {
                                operation: CatalogOperation::Get | CatalogOperation::Cancel,
                                ..
                            }),
                            "path",
                        ) => models::job_ids(),
                        _ => Vec::new(),
                    };
                    let subject = Subject {
                        name: schema_name(judge.new.version, new_schema),
                        old: old_schema.clone(),
                        new: new_schema.clone(),
                        role: Role::Request,
                        form: Form::Parameter {
                            old: before.form.clone(),
                            new: after.form.clone(),
                        },
                        examples: before.examples.iter().chain(&after.examples).cloned().collect(),
                        models,
                    };
                    let outcome = judge.judge(&subject)?;
                    changes.extend(judge::changes(&outcome, &subject, &place));
                }
            }
            (None, None) => {}
        }
    }
    let body_place = |media_type: Option<&str>| Place::RequestBody {
        operation: operation.clone(),
        media_type: media_type.map(str::to_owned),
    };
    match (&old.body, &new.body) {
        (None, Some(body)) if body.required => {
            changes.push(Change::new(
                Impact::Breaking,
                body_place(None),
                "a request body is now required",
            ));
        }
        (None, Some(_)) => changes.push(Change::new(
            Impact::Additive,
            body_place(None),
            "takes an optional request body",
        )),
        (Some(_), None) => changes.push(Change::new(Impact::Breaking, body_place(None), "request body removed")),
        (Some(before), Some(after)) => {
            if !before.required && after.required {
                changes.push(Change::new(
                    Impact::Breaking,
                    body_place(None),
                    "the request body is now required",
                ));
            } else if before.required && !after.required {
                changes.push(Change::new(
                    Impact::Additive,
                    body_place(None),
                    "the request body is now optional",
                ));
            }
            let models = match new.call {
                Some(CatalogCall::Job {
                    endpoint,
                    operation: CatalogOperation::Start,
                    ..
                }) => models::start_bodies(endpoint.family),
                Some(CatalogCall::Token) => models::token_bodies(),
                _ => Vec::new(),
            };
            compare_media(
                judge,
                &before.content,
                &after.content,
                Role::Request,
                &models,
                &|media_type| body_place(Some(media_type)),
                changes,
            )?;
        }
        (None, None) => {}
    }
    let statuses: BTreeSet<&String> = old.responses.keys().chain(new.responses.keys()).collect();
    for status in statuses {
        let place = |media_type: Option<&str>| Place::Response {
            operation: operation.clone(),
            status: status.clone(),
            media_type: media_type.map(str::to_owned),
        };
        let before = old
            .responses
            .get(status)
            .or_else(|| covering(&old.responses, status).and_then(|key| old.responses.get(key)));
        let after = new
            .responses
            .get(status)
            .or_else(|| covering(&new.responses, status).and_then(|key| new.responses.get(key)));
        match (
            old.responses.contains_key(status),
            new.responses.contains_key(status),
            before,
            after,
        ) {
            (false, true, None, _) if is_success(status) => changes.push(Change::new(
                Impact::Breaking,
                place(None),
                "new success status: a client of the old version does not expect it",
            )),
            (false, true, None, _) => changes.push(Change::new(
                Impact::Additive,
                place(None),
                "new error status (the API can always fail)",
            )),
            (true, false, _, None) => changes.push(Change::new(Impact::Breaking, place(None), "status removed")),
            (_, _, Some(before), Some(after)) => compare_media(
                judge,
                before,
                after,
                Role::Response,
                &[],
                &|media_type| place(Some(media_type)),
                changes,
            )?,
            _ => {}
        }
    }
    let breaks = old
        .security
        .iter()
        .any(|alternative| !new.security.iter().any(|required| required.is_subset(alternative)));
    let widens = new
        .security
        .iter()
        .any(|alternative| !old.security.iter().any(|required| required.is_subset(alternative)));
    let place = Place::Operation {
        operation: operation.clone(),
    };
    if breaks {
        changes.push(Change::new(
            Impact::Breaking,
            place.clone(),
            "asks for credentials the old version did not (security)",
        ));
    }
    if widens {
        changes.push(Change::new(
            Impact::Additive,
            place,
            "accepts requests with credentials the old version refused (security)",
        ));
    }
    Ok(())
}

fn compare_media(
    judge: &mut Judge<'_>,
    old: &Media,
    new: &Media,
    role: Role,
    models: &[Value],
    place: &dyn Fn(&str) -> Place,
    changes: &mut Vec<Change>,
) -> Result<(), DiffError> {
    let types: BTreeSet<&String> = old.types.keys().chain(new.types.keys()).collect();
    let request = role == Role::Request;
    for media_type in types {
        match (old.types.get(media_type), new.types.get(media_type)) {
            (Some(_), None) if request => changes.push(Change::new(
                Impact::Breaking,
                place(media_type),
                "the content type is no longer accepted",
            )),
            (Some(_), None) => changes.push(Change::new(
                Impact::Additive,
                place(media_type),
                "no longer answers with this content type",
            )),
            (None, Some(_)) if request => changes.push(Change::new(
                Impact::Additive,
                place(media_type),
                "accepts a new content type",
            )),
            (None, Some(_)) => changes.push(Change::new(
                Impact::Breaking,
                place(media_type),
                "answers with a new content type: a client of the old version does not expect it",
            )),
            (Some((old_schema, old_examples)), Some((new_schema, new_examples))) => {
                let (Some(old_schema), Some(new_schema)) = (old_schema, new_schema) else {
                    let (impact, summary) = match (old_schema.is_some(), new_schema.is_some(), request) {
                        (true, false, true) => (Impact::Additive, "no schema any more: any body is accepted"),
                        (true, false, false) => (Impact::Breaking, "no schema any more: any body may arrive"),
                        (false, true, true) => (
                            Impact::Breaking,
                            "a schema now judges the body: a request of the old version may be refused",
                        ),
                        (false, true, false) => (Impact::Additive, "a schema now describes the body"),
                        _ => continue,
                    };
                    changes.push(Change::new(impact, place(media_type), summary));
                    continue;
                };
                let subject = Subject {
                    name: schema_name(judge.new.version, new_schema),
                    old: old_schema.clone(),
                    new: new_schema.clone(),
                    role,
                    form: Form::Body,
                    examples: old_examples.iter().chain(new_examples).cloned().collect(),
                    models: models.to_vec(),
                };
                if !is_json(media_type) {
                    let old_form = canonical(&judge_resolved(judge, &subject, true)?, 0);
                    let new_form = canonical(&judge_resolved(judge, &subject, false)?, 0);
                    if old_form != new_form {
                        changes.push(Change::new(
                            Impact::None,
                            place(media_type),
                            "the schema changed; not judged: the content type is not JSON",
                        ));
                    }
                    continue;
                }
                let outcome = judge.judge(&subject)?;
                changes.extend(judge::changes(&outcome, &subject, &place(media_type)));
            }
            (None, None) => {}
        }
    }
    Ok(())
}

fn judge_resolved(judge: &Judge<'_>, subject: &Subject, old: bool) -> Result<Value, DiffError> {
    let (version, site) = if old {
        (judge.old.version, &subject.old)
    } else {
        (judge.new.version, &subject.new)
    };
    schema::Resolver::new(version)
        .resolve(site)
        .map_err(|reason| DiffError::new(&version.label, Some(&site.pointer), reason))
}

/// The components each operation reaches through `$ref`s, and the role that gives them.
fn component_roles(version: &Version, operations: &BTreeMap<String, Operation>) -> BTreeMap<String, Role> {
    let mut roles: BTreeMap<String, Role> = BTreeMap::new();
    for operation in operations.values() {
        let requests = operation
            .parameters
            .values()
            .filter_map(|parameter| parameter.schema.clone())
            .chain(
                operation
                    .body
                    .iter()
                    .flat_map(|body| body.content.types.values().filter_map(|(schema, _)| schema.clone())),
            );
        let responses = operation
            .responses
            .values()
            .flat_map(|media| media.types.values().filter_map(|(schema, _)| schema.clone()));
        for (sites, role) in [
            (requests.collect::<Vec<_>>(), Role::Request),
            (responses.collect::<Vec<_>>(), Role::Response),
        ] {
            for name in reached(version, &sites) {
                roles
                    .entry(name)
                    .and_modify(|existing| *existing = existing.with(role))
                    .or_insert(role);
            }
        }
    }
    roles
}

/// The names of the components the schemas at `sites` reach through `$ref`s.
fn reached(version: &Version, sites: &[Site]) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut visited = BTreeSet::new();
    let mut queue: Vec<Site> = sites.to_vec();
    while let Some(site) = queue.pop() {
        if !visited.insert(site.clone()) || visited.len() > 100_000 {
            continue;
        }
        if let Some(name) = site
            .pointer
            .strip_prefix("/components/schemas/")
            .and_then(|rest| rest.split('/').next())
        {
            names.insert(name.replace("~1", "/").replace("~0", "~"));
        }
        if let Some(value) = site.value(version) {
            schema::references(value, 0, &mut |reference| {
                if let Ok(target) = schema::deref(version, &site.resource, reference) {
                    queue.push(target);
                }
            });
        }
    }
    names
}

fn component_names(version: &Version) -> BTreeSet<String> {
    document(version)
        .1
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| schemas.keys().cloned().collect())
        .unwrap_or_default()
}

/// The role of a schema no operation uses, from its name: the request bodies this crate
/// knows are requests, the rest responses.
pub(crate) fn role_by_name(name: &str, requests: &BTreeSet<String>) -> Role {
    if requests.iter().any(|request| name.starts_with(request.as_str())) {
        Role::Request
    } else {
        Role::Response
    }
}

fn compare_components(
    judge: &mut Judge<'_>,
    old_operations: &BTreeMap<String, Operation>,
    new_operations: &BTreeMap<String, Operation>,
    changes: &mut Vec<Change>,
) -> Result<(), DiffError> {
    let old_version = judge.old.version;
    let new_version = judge.new.version;
    let old_roles = component_roles(old_version, old_operations);
    let new_roles = component_roles(new_version, new_operations);
    let old_names = component_names(old_version);
    let new_names = component_names(new_version);
    let requests = models::request_schema_names();
    let (old_resource, _) = document(old_version);
    let (new_resource, _) = document(new_version);
    for name in old_names.union(&new_names) {
        let place = Place::Schema {
            schema: name.clone(),
            pointer: String::new(),
        };
        let used_before = old_roles.get(name).copied();
        let used_after = new_roles.get(name).copied();
        match (old_names.contains(name), new_names.contains(name)) {
            (true, false) if used_before.is_some() => changes.push(Change::new(
                Impact::None,
                place,
                "no longer a named component: the operations that used it are judged where they are",
            )),
            (true, false) => changes.push(Change::new(Impact::Breaking, place, "schema removed")),
            (false, true) if used_after.is_some() => changes.push(Change::new(
                Impact::None,
                place,
                "new named component: the operations that use it are judged where they are",
            )),
            (false, true) => changes.push(Change::new(Impact::Additive, place, "new schema")),
            (true, true) => {
                let shared = used_before == Some(Role::Both) || used_after == Some(Role::Both);
                let role = if shared {
                    Role::Both
                } else if used_before.is_none() {
                    role_by_name(name, &requests)
                } else {
                    continue;
                };
                let pointer = join("/components/schemas", name);
                let subject = Subject {
                    name: Some(name.clone()),
                    old: Site::new(old_resource, &pointer),
                    new: Site::new(new_resource, &pointer),
                    role,
                    form: Form::Body,
                    examples: Vec::new(),
                    models: models::for_schema_name(name),
                };
                let outcome = judge.judge(&subject)?;
                changes.extend(judge::changes(&outcome, &subject, &place));
            }
            (false, false) => {}
        }
    }
    Ok(())
}
