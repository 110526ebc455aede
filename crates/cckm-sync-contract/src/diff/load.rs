//! A version from its text: an OpenAPI document or schema files, converted to what a draft
//! 2020-12 validator reads, with every reference checked. Reading them from disk is `read`'s.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::schema::{SCHEMA_LISTS, SCHEMA_MAPS, SCHEMA_SINGLES, join};
use super::version::{DiffError, METHODS, SCHEMA_SUFFIX, Version, VersionKind};

/// The most example values kept as probes.
const MAX_EXAMPLES: usize = 2_000;
/// The longest example value kept as a probe, in bytes of JSON.
const MAX_EXAMPLE_BYTES: usize = 64 << 10;

impl Version {
    /// The OpenAPI document `text`, named `label` in changes and errors.
    pub fn from_openapi_str(label: &str, text: &str) -> Result<Self, DiffError> {
        from_openapi_text(label, text)
    }

    /// The schema files `files` (file name and text), as a folder named `label`.
    pub fn from_schema_files<I, N, T>(label: &str, files: I) -> Result<Self, DiffError>
    where
        I: IntoIterator<Item = (N, T)>,
        N: Into<String>,
        T: AsRef<str>,
    {
        let files: Vec<(String, String)> = files
            .into_iter()
            .map(|(name, text)| (name.into(), text.as_ref().to_owned()))
            .collect();
        from_schema_texts(label, files)
    }
}

fn parse(label: &str, text: &str) -> Result<Value, DiffError> {
    serde_json::from_str(text).map_err(|error| DiffError::new(label, None, format!("not JSON: {error}")))
}

pub(crate) fn from_openapi_text(label: &str, text: &str) -> Result<Version, DiffError> {
    let mut document = parse(label, text)?;
    let Some(object) = document.as_object() else {
        return Err(DiffError::new(
            label,
            Some(""),
            "not an OpenAPI document: not a JSON object",
        ));
    };
    let openapi = match object.get("openapi") {
        Some(Value::String(version)) => version.clone(),
        Some(_) => return Err(DiffError::new(label, Some("/openapi"), "not a string")),
        None if object.contains_key("swagger") => {
            return Err(DiffError::new(
                label,
                Some("/swagger"),
                "a Swagger 2.0 document: only OpenAPI 3.0 and 3.1 documents are read",
            ));
        }
        None => {
            return Err(DiffError::new(
                label,
                Some(""),
                "not an OpenAPI document (no `openapi` field); a folder of schema files is read as a folder",
            ));
        }
    };
    let kind = if openapi.starts_with("3.0.") || openapi == "3.0" {
        VersionKind::OpenApi30
    } else if openapi.starts_with("3.1.") || openapi == "3.1" {
        VersionKind::OpenApi31
    } else {
        return Err(DiffError::new(
            label,
            Some("/openapi"),
            format!("OpenAPI {openapi}: only 3.0.x and 3.1.x documents are read"),
        ));
    };
    for (key, expected) in [
        ("paths", "an object"),
        ("components", "an object"),
        ("info", "an object"),
    ] {
        if let Some(value) = object.get(key)
            && !value.is_object()
        {
            return Err(DiffError::new(
                label,
                Some(&format!("/{key}")),
                format!("not {expected}"),
            ));
        }
    }
    let contract_version = document
        .pointer("/info/version")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let mut examples = Examples::default();
    examples.collect(&document, 0);
    if let Some(components) = document.pointer("/components/examples").and_then(Value::as_object) {
        for example in components.values() {
            if let Some(value) = example.get("value") {
                examples.push(value);
            }
        }
    }
    let mut ids = BTreeMap::new();
    for root in openapi_schema_roots(&document) {
        if let Some(schema) = document.pointer_mut(&root) {
            if kind == VersionKind::OpenApi30 {
                convert(schema, 0);
            }
            // References inside a document are to the document, whatever a schema's `$id`
            // says (a versioned `$id` copied from the schema files changes nothing).
            take_ids(schema, &root, &mut ids, 0);
        }
    }
    let mut resources = BTreeMap::new();
    resources.insert(label.to_owned(), document);
    let version = Version {
        label: label.to_owned(),
        kind,
        contract_version,
        openapi: Some(openapi),
        resources,
        ids,
        examples: examples.values,
    };
    check_references(&version)?;
    super::operations::check(&version)?;
    Ok(version)
}

pub(crate) fn from_schema_texts(label: &str, files: Vec<(String, String)>) -> Result<Version, DiffError> {
    if files.is_empty() {
        return Err(DiffError::new(label, None, format!("no `*{SCHEMA_SUFFIX}` file")));
    }
    let names: BTreeSet<String> = files.iter().map(|(name, _)| name.clone()).collect();
    let mut resources = BTreeMap::new();
    let mut ids = BTreeMap::new();
    let mut examples = Examples::default();
    for (name, text) in files {
        let file_label = format!("{}/{name}", label.trim_end_matches('/'));
        let mut schema = parse(&file_label, &text)?;
        if !(schema.is_object() || schema.is_boolean()) {
            return Err(DiffError::new(
                &file_label,
                Some(""),
                "not a JSON Schema: neither an object nor a boolean",
            ));
        }
        examples.collect(&schema, 0);
        if let Some(object) = schema.as_object_mut()
            && let Some(id) = object.remove("$id")
        {
            match id {
                Value::String(id) => {
                    ids.insert(name.clone(), id);
                }
                _ => return Err(DiffError::new(&file_label, Some("/$id"), "not a string")),
            }
        }
        // The folder's own files, whatever the `$id`s say: a reference is to the file of its
        // last path segment.
        rewrite_references(&mut schema, &names, 0);
        resources.insert(name, schema);
    }
    let contract_version = folder_version(&ids);
    let version = Version {
        label: label.to_owned(),
        kind: VersionKind::SchemaFolder,
        contract_version,
        openapi: None,
        resources,
        ids,
        examples: examples.values,
    };
    check_references(&version)?;
    Ok(version)
}

/// The `contract-v<version>` segment every `$id` of a folder shares, if they share one.
fn folder_version(ids: &BTreeMap<String, String>) -> Option<String> {
    let mut versions = ids.values().map(|id| {
        id.split('/')
            .find_map(|segment| segment.strip_prefix("contract-v"))
            .map(str::to_owned)
    });
    let first = versions.next()??;
    versions
        .all(|version| version.as_deref() == Some(first.as_str()))
        .then_some(first)
}

/// Every example value of a document, deduplicated.
#[derive(Default)]
struct Examples {
    seen: BTreeSet<String>,
    values: Vec<Value>,
}

impl Examples {
    fn push(&mut self, value: &Value) {
        if self.values.len() >= MAX_EXAMPLES {
            return;
        }
        let text = value.to_string();
        if text.len() <= MAX_EXAMPLE_BYTES && self.seen.insert(text) {
            self.values.push(value.clone());
        }
    }

    fn collect(&mut self, value: &Value, depth: usize) {
        if depth > super::schema::MAX_DEPTH {
            return;
        }
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    match key.as_str() {
                        "example" | "default" | "const" => self.push(child),
                        "enum" => {
                            if let Value::Array(values) = child {
                                values.iter().for_each(|value| self.push(value));
                            }
                        }
                        "examples" => match child {
                            Value::Array(values) => values.iter().for_each(|value| self.push(value)),
                            // OpenAPI Example Objects, by name.
                            Value::Object(named) => {
                                for example in named.values() {
                                    if let Some(value) = example.get("value") {
                                        self.push(value);
                                    }
                                }
                            }
                            _ => {}
                        },
                        _ => self.collect(child, depth + 1),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| self.collect(item, depth + 1)),
            _ => {}
        }
    }
}

/// The JSON Pointers of every Schema Object a document holds outside other schemas:
/// components, parameters, bodies, responses and headers.
pub(crate) fn openapi_schema_roots(document: &Value) -> Vec<String> {
    let mut roots = Vec::new();
    let entries = |value: Option<&Value>| -> Vec<(String, Value)> {
        value
            .and_then(Value::as_object)
            .map(|map| map.iter().map(|(key, value)| (key.clone(), value.clone())).collect())
            .unwrap_or_default()
    };
    // Parameters and headers: a `schema`, or a `content` map.
    fn parameter_like(base: &str, value: &Value, roots: &mut Vec<String>) {
        if value.get("schema").is_some() {
            roots.push(join(base, "schema"));
        }
        content(base, value, roots);
    }
    fn content(base: &str, value: &Value, roots: &mut Vec<String>) {
        if let Some(media) = value.get("content").and_then(Value::as_object) {
            for (media_type, object) in media {
                if object.get("schema").is_some() {
                    roots.push(format!("{}/schema", join(&join(base, "content"), media_type)));
                }
            }
        }
    }
    fn headers(base: &str, value: &Value, roots: &mut Vec<String>) {
        if let Some(headers) = value.get("headers").and_then(Value::as_object) {
            for (name, header) in headers {
                parameter_like(&join(&join(base, "headers"), name), header, roots);
            }
        }
    }
    fn operation_like(base: &str, value: &Value, roots: &mut Vec<String>) {
        if let Some(parameters) = value.get("parameters").and_then(Value::as_array) {
            for (index, parameter) in parameters.iter().enumerate() {
                parameter_like(&join(&join(base, "parameters"), &index.to_string()), parameter, roots);
            }
        }
        if let Some(body) = value.get("requestBody") {
            content(&join(base, "requestBody"), body, roots);
        }
        if let Some(responses) = value.get("responses").and_then(Value::as_object) {
            for (status, response) in responses {
                let at = join(&join(base, "responses"), status);
                content(&at, response, roots);
                headers(&at, response, roots);
            }
        }
    }
    for (name, _) in entries(document.pointer("/components/schemas")) {
        roots.push(join("/components/schemas", &name));
    }
    for (name, parameter) in entries(document.pointer("/components/parameters")) {
        parameter_like(&join("/components/parameters", &name), &parameter, &mut roots);
    }
    for (name, header) in entries(document.pointer("/components/headers")) {
        parameter_like(&join("/components/headers", &name), &header, &mut roots);
    }
    for (name, body) in entries(document.pointer("/components/requestBodies")) {
        content(&join("/components/requestBodies", &name), &body, &mut roots);
    }
    for (name, response) in entries(document.pointer("/components/responses")) {
        let at = join("/components/responses", &name);
        content(&at, &response, &mut roots);
        headers(&at, &response, &mut roots);
    }
    for (path, item) in entries(document.get("paths")) {
        let at = join("/paths", &path);
        operation_like(&at, &item, &mut roots);
        for method in METHODS {
            if let Some(operation) = item.get(method) {
                operation_like(&join(&at, method), operation, &mut roots);
            }
        }
    }
    roots
}

/// Converts a schema of an OpenAPI 3.0 document to JSON Schema 2020-12: `nullable`, boolean
/// `exclusiveMinimum`/`exclusiveMaximum`, and the siblings of a `$ref`, which 3.0 ignores.
/// (`example` stays: draft 2020-12 reads an unknown keyword as an annotation.)
pub(crate) fn convert(schema: &mut Value, depth: usize) {
    if depth > super::schema::MAX_DEPTH {
        return;
    }
    let Value::Object(map) = schema else {
        return;
    };
    if map.contains_key("$ref") {
        // "This object cannot be extended with additional properties and any properties
        // added SHALL be ignored" (OpenAPI 3.0.3, Reference Object).
        map.retain(|key, _| key == "$ref");
        return;
    }
    if let Some(nullable) = map.remove("nullable")
        && nullable == Value::Bool(true)
    {
        // 3.0.3: `nullable` adds `null` to the types of an explicit `type` only.
        if let Some(Value::String(kind)) = map.get("type").cloned() {
            map.insert(
                "type".to_owned(),
                Value::Array(vec![Value::String(kind), Value::from("null")]),
            );
            if let Some(Value::Array(values)) = map.get_mut("enum")
                && !values.contains(&Value::Null)
            {
                values.push(Value::Null);
            }
        }
    }
    for (exclusive, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        if let Some(Value::Bool(flag)) = map.get(exclusive).cloned() {
            map.remove(exclusive);
            if flag && let Some(value) = map.remove(bound) {
                map.insert(exclusive.to_owned(), value);
            }
        }
    }
    for key in SCHEMA_SINGLES {
        if let Some(child) = map.get_mut(key) {
            convert(child, depth + 1);
        }
    }
    for key in SCHEMA_LISTS {
        if let Some(Value::Array(children)) = map.get_mut(key) {
            children.iter_mut().for_each(|child| convert(child, depth + 1));
        }
    }
    for key in SCHEMA_MAPS {
        if let Some(Value::Object(children)) = map.get_mut(key) {
            children.values_mut().for_each(|child| convert(child, depth + 1));
        }
    }
    // 3.0's `items` is one schema, 2019-09's may be a list.
    if let Some(Value::Array(children)) = map.get_mut("items") {
        children.iter_mut().for_each(|child| convert(child, depth + 1));
    }
}

/// Removes the `$id` of a schema and of its subschemas, keeping each by its JSON Pointer.
fn take_ids(schema: &mut Value, pointer: &str, ids: &mut BTreeMap<String, String>, depth: usize) {
    if depth > super::schema::MAX_DEPTH {
        return;
    }
    let Value::Object(map) = schema else {
        return;
    };
    if let Some(Value::String(id)) = map.get("$id").cloned() {
        map.remove("$id");
        ids.insert(pointer.to_owned(), id);
    }
    for key in SCHEMA_SINGLES {
        if let Some(child) = map.get_mut(key) {
            take_ids(child, &join(pointer, key), ids, depth + 1);
        }
    }
    for key in SCHEMA_LISTS {
        if let Some(Value::Array(children)) = map.get_mut(key) {
            for (index, child) in children.iter_mut().enumerate() {
                take_ids(child, &join(&join(pointer, key), &index.to_string()), ids, depth + 1);
            }
        }
    }
    for key in SCHEMA_MAPS {
        if let Some(Value::Object(children)) = map.get_mut(key) {
            for (name, child) in children.iter_mut() {
                take_ids(child, &join(&join(pointer, key), name), ids, depth + 1);
            }
        }
    }
}

/// Rewrites every `$ref` to another document whose last path segment names a file of the
/// folder into a reference to that file, and drops nested `$id`s: the folder's own files are
/// what its references mean, whatever the `$id`s say.
fn rewrite_references(value: &mut Value, names: &BTreeSet<String>, depth: usize) {
    if depth > super::schema::MAX_DEPTH {
        return;
    }
    match value {
        Value::Object(map) => {
            if depth > 0 && map.get("$id").is_some_and(Value::is_string) {
                map.remove("$id");
            }
            if let Some(Value::String(reference)) = map.get_mut("$ref") {
                let (document, fragment) = reference.split_once('#').unwrap_or((reference.as_str(), ""));
                if !document.is_empty() {
                    let path = document.split(['?']).next().unwrap_or(document);
                    let last = path.rsplit('/').next().unwrap_or(path);
                    if names.contains(last) {
                        *reference = if fragment.is_empty() {
                            last.to_owned()
                        } else {
                            format!("{last}#{fragment}")
                        };
                    }
                }
            }
            for (key, child) in map.iter_mut() {
                if !is_data_keyword(key) {
                    rewrite_references(child, names, depth + 1);
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| rewrite_references(item, names, depth + 1)),
        _ => {}
    }
}

/// Keywords whose value is data, not schemas or references.
fn is_data_keyword(key: &str) -> bool {
    matches!(key, "example" | "examples" | "default" | "const" | "enum")
}

/// Checks that every `$ref` of the version resolves, naming the file and the place of the
/// first that does not.
fn check_references(version: &Version) -> Result<(), DiffError> {
    for (name, resource) in &version.resources {
        let mut found = None;
        walk_references(resource, "", 0, &mut |pointer, reference| {
            if found.is_none()
                && let Err(reason) = super::schema::deref(version, name, reference)
            {
                found = Some((pointer.to_owned(), reason));
            }
        });
        if let Some((pointer, reason)) = found {
            let file = match version.kind {
                VersionKind::SchemaFolder => format!("{}/{name}", version.label.trim_end_matches('/')),
                _ => version.label.clone(),
            };
            return Err(DiffError::new(&file, Some(&join(&pointer, "$ref")), reason));
        }
    }
    Ok(())
}

/// Calls `visit(pointer of the object, reference)` for every `$ref` outside data keywords.
fn walk_references(value: &Value, pointer: &str, depth: usize, visit: &mut dyn FnMut(&str, &str)) {
    if depth > super::schema::MAX_DEPTH {
        return;
    }
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                visit(pointer, reference);
            }
            for (key, child) in map {
                if key == "examples" && child.is_object() {
                    // Example Objects by name: each may be a reference, whose `value` is data.
                    if let Some(named) = child.as_object() {
                        for (name, example) in named {
                            if let Some(Value::String(reference)) = example.get("$ref") {
                                visit(&join(&join(pointer, key), name), reference);
                            }
                        }
                    }
                } else if !is_data_keyword(key) && key != "$ref" {
                    walk_references(child, &join(pointer, key), depth + 1, visit);
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                walk_references(item, &join(pointer, &index.to_string()), depth + 1, visit);
            }
        }
        _ => {}
    }
}
