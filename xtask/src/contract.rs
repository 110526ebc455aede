//! The committed contract files (`schemas/`, `openapi/`) as validators, read from the files
//! alone: what the contract tests and the fuzzers judge payloads with.
//!
//! The validators are the `jsonschema` crate's, draft 2020-12, with formats (`uuid`,
//! `date-time`) validated, and offline: the schema files `$ref` each other by file name
//! (`"JobStatus.schema.json"`), which resolves against the made-up base URI every file is
//! registered under, never fetched.

use std::collections::BTreeMap;
use std::path::Path;

use jsonschema::{Draft, Registry, Validator};
use serde_json::{Value, json};

use crate::codegen::schema_file_name;
pub use cckm_sync_contract::{OPENAPI_BASE, schema_uri, validation_options as options};

/// The folder of the schema files, relative to the workspace root.
pub const SCHEMAS_DIR: &str = "schemas";
/// Where the components of the OpenAPI documents live.
pub const COMPONENTS: &str = "#/components/schemas/";

/// The JSON document in the file at `path`.
pub fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|error| format!("{}: {error}", path.display()))?;
    serde_json::from_str(&text).map_err(|error| format!("{}: {error}", path.display()))
}

/// The schema files under `root`'s `schemas/`, by schema name (the file name without
/// `.schema.json`).
pub fn schema_files(root: &Path) -> Result<BTreeMap<String, Value>, String> {
    let dir = root.join(SCHEMAS_DIR);
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).map_err(|error| format!("{}: {error}", dir.display()))? {
        let path = entry.map_err(|error| format!("{}: {error}", dir.display()))?.path();
        let file_name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        if let Some(name) = file_name.strip_suffix(".schema.json") {
            files.insert(name.to_owned(), read_json(&path)?);
        }
    }
    if files.is_empty() {
        return Err(format!("no schema file in {}", dir.display()));
    }
    Ok(files)
}

/// A validator for every schema file of `files` (as [`schema_files`] reads them), by name,
/// each resolving its references to the others by file name.
pub fn file_validators(files: &BTreeMap<String, Value>) -> Result<BTreeMap<String, Validator>, String> {
    let registry = Registry::new()
        .draft(Draft::Draft202012)
        .extend(
            files
                .iter()
                .map(|(name, schema)| (schema_uri(&schema_file_name(name), schema), schema.clone())),
        )
        .and_then(|builder| builder.prepare())
        .map_err(|error| format!("registry of the schema files: {error}"))?;
    files
        .iter()
        .map(|(name, schema)| {
            let reference = json!({"$ref": schema_uri(&schema_file_name(name), schema)});
            options()
                .with_registry(&registry)
                .build(&reference)
                .map(|validator| (name.clone(), validator))
                .map_err(|error| format!("{}: {error}", schema_file_name(name)))
        })
        .collect()
}

/// The OpenAPI 3.1 document `openapi`, registered so that [`openapi_validator`] resolves
/// references into it.
pub fn openapi_registry(openapi: &Value) -> Result<Registry<'static>, String> {
    Registry::new()
        .draft(Draft::Draft202012)
        .add(OPENAPI_BASE, openapi.clone())
        .and_then(|builder| builder.prepare())
        .map_err(|error| format!("registry of the OpenAPI document: {error}"))
}

/// A validator of a schema found in the OpenAPI 3.1 document of `registry` (a component, the
/// schema of a media type or of a parameter), resolving its references within the document.
pub fn openapi_validator(registry: &Registry<'_>, schema: &Value) -> Result<Validator, String> {
    options()
        .with_registry(registry)
        .build(&within_document(schema))
        .map_err(|error| error.to_string())
}

/// A validator of the component `name` of the OpenAPI 3.1 document of `registry`.
pub fn component_validator(registry: &Registry<'_>, name: &str) -> Result<Validator, String> {
    openapi_validator(registry, &json!({"$ref": format!("{COMPONENTS}{name}")}))
}

/// `schema` with every reference local to the OpenAPI document (`#/components/…`) made
/// absolute, so that it resolves in the registered document rather than in `schema` itself.
fn within_document(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, value)| match (key.as_str(), value) {
                    ("$ref", Value::String(reference)) if reference.starts_with('#') => {
                        (key.clone(), Value::from(format!("{OPENAPI_BASE}{reference}")))
                    }
                    _ => (key.clone(), within_document(value)),
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(within_document).collect()),
        other => other.clone(),
    }
}
