//! What the comparison reads of an OpenAPI document: its operations, with their parameters,
//! bodies, responses and credentials, each schema by its place in the document.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::models::{self, shape};
use super::probes::ParameterForm;
use super::schema::{Site, follow, join};
use super::version::{DiffError, METHODS, Version};
use crate::exchange::CatalogCall;

/// An operation of a document.
pub(super) struct Operation {
    /// `GET /path`, as the document writes the path.
    pub(super) name: String,
    pub(super) parameters: BTreeMap<(String, String), Parameter>,
    pub(super) body: Option<Body>,
    pub(super) responses: BTreeMap<String, Media>,
    /// The alternatives of credentials it asks for; `{}` among them when none is needed.
    pub(super) security: Vec<BTreeSet<String>>,
    pub(super) call: Option<CatalogCall<'static>>,
}

pub(super) struct Parameter {
    pub(super) required: bool,
    pub(super) form: ParameterForm,
    pub(super) schema: Option<Site>,
    pub(super) examples: Vec<Value>,
}

pub(super) struct Body {
    pub(super) required: bool,
    pub(super) content: Media,
}

/// Content types, each with its schema and examples.
#[derive(Default)]
pub(super) struct Media {
    pub(super) types: BTreeMap<String, (Option<Site>, Vec<Value>)>,
}

pub(super) fn error(version: &Version, pointer: &str, reason: impl Into<String>) -> DiffError {
    DiffError::new(&version.label, Some(pointer), reason)
}

/// Checks what the comparison reads of a document: its operations, parameters, bodies and
/// responses.
pub(crate) fn check(version: &Version) -> Result<(), DiffError> {
    operations(version).map(drop)
}

pub(super) fn document(version: &Version) -> (&str, &Value) {
    version
        .resources
        .iter()
        .next()
        .map_or(("", &Value::Null), |(name, value)| (name.as_str(), value))
}

/// The operations of a document, by `METHOD shape-of-path`.
pub(super) fn operations(version: &Version) -> Result<BTreeMap<String, Operation>, DiffError> {
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
pub(super) fn path_parameters(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

pub(super) fn security(listed: Option<&Value>) -> Vec<BTreeSet<String>> {
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
pub(super) struct Parameters(BTreeMap<(String, String), Parameter>);

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

pub(super) fn parameters(version: &Version, at: &Site, listed: Option<&Value>) -> Result<Parameters, DiffError> {
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
pub(super) fn collect_examples(version: &Version, site: &Site, object: &Value, out: &mut Vec<Value>) {
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

pub(super) fn media(version: &Version, site: &Site, object: &Value) -> Result<Media, DiffError> {
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
pub(super) fn is_json(media_type: &str) -> bool {
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
pub(super) fn is_success(status: &str) -> bool {
    matches!(status.chars().next(), Some('1' | '2' | '3'))
}

/// The status of `listed` that covers `status` when `status` itself is not listed: its range
/// (`5XX` for `503`), or `default`.
pub(super) fn covering<'a>(listed: &'a BTreeMap<String, Media>, status: &str) -> Option<&'a str> {
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
