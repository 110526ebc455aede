//! `schemas/<Model>.schema.json`: one JSON Schema (draft 2020-12) per payload model, with
//! `$ref`s between files by relative file name, so the files resolve from themselves alone, and
//! an `$id` that names the contract's version.

use cckm_sync::schemars::generate::SchemaSettings;
use cckm_sync::schemars::transform::RecursiveTransform;
use cckm_sync::schemars::{Schema, SchemaGenerator};
use cckm_sync::{ApiError, CloudFamily, FamilyScope, FamilyVisitor, Page, StartJob, SyncJob, SyncJobPage};
use serde_json::{Map, Value};

use crate::file::{GeneratedFile, MARKER, to_text};

/// The JSON Schema dialect of every schema, which is also OpenAPI 3.1's.
pub const SCHEMA_DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// Where the schema files of a contract version are published, the base of their `$id`: the
/// repository at the tag of that version. The files `$ref` each other by relative file name,
/// which resolves against it (to the same tag) or, for a validator that loads them from disk,
/// against their folder.
pub fn schema_id_base(contract_version: &str) -> String {
    format!("https://raw.githubusercontent.com/cckm-sync/cckm-sync/contract-v{contract_version}/schemas/")
}

/// Where schemars puts definitions for a standalone schema.
const DEFS_PREFIX: &str = "#/$defs/";

/// The file name of the schema named `name`.
pub fn schema_file_name(name: &str) -> String {
    format!("{name}.schema.json")
}

/// Adds every payload model to `generator`: the job and page of any family, each family's
/// job, page and start request, and the error body. The types they refer to (the status
/// and the cloud) come along as definitions of their own.
pub(crate) fn add_payloads(generator: &mut SchemaGenerator) {
    generator.subschema_for::<SyncJob>();
    generator.subschema_for::<SyncJobPage>();
    for family in CloudFamily::ALL {
        family.visit(AddFamily(generator));
    }
    generator.subschema_for::<ApiError>();
}

/// Adds a family's job, page and start request.
struct AddFamily<'a>(&'a mut SchemaGenerator);

impl FamilyVisitor for AddFamily<'_> {
    type Output = ();

    fn visit<S: FamilyScope>(self) {
        self.0.subschema_for::<SyncJob<S>>();
        self.0.subschema_for::<Page<SyncJob<S>>>();
        self.0.subschema_for::<StartJob<S>>();
    }
}

/// Joins the lines of every description: they come from Rust doc comments, wrapped at the
/// source's line width, and read better unwrapped in the documentation of other languages.
/// Paragraph breaks are kept.
pub(crate) fn unwrap_descriptions() -> RecursiveTransform<fn(&mut Schema)> {
    RecursiveTransform(unwrap_description)
}

fn unwrap_description(schema: &mut Schema) {
    if let Some(Value::String(description)) = schema.get_mut("description") {
        *description = description
            .split("\n\n")
            .map(|paragraph| paragraph.split('\n').map(str::trim).collect::<Vec<_>>().join(" "))
            .collect::<Vec<_>>()
            .join("\n\n");
    }
}

/// The payload definitions of a standalone draft 2020-12 schema, by name.
pub(crate) fn payload_definitions() -> Map<String, Value> {
    let mut generator = SchemaSettings::draft2020_12()
        .with_transform(unwrap_descriptions())
        .into_generator();
    add_payloads(&mut generator);
    generator.take_definitions(true)
}

pub(crate) fn files() -> Result<Vec<GeneratedFile>, String> {
    payload_definitions()
        .into_iter()
        .map(|(name, mut schema)| {
            refer_to_files(&mut schema, &name)?;
            let Value::Object(body) = schema else {
                return Err(format!("the schema of {name} is not an object"));
            };
            let mut file = Map::new();
            file.insert("$schema".into(), SCHEMA_DIALECT.into());
            file.insert(
                "$id".into(),
                format!(
                    "{}{}",
                    schema_id_base(cckm_sync::CONTRACT_VERSION),
                    schema_file_name(&name)
                )
                .into(),
            );
            file.insert("$comment".into(), MARKER.into());
            file.insert("title".into(), name.clone().into());
            file.extend(body);
            Ok(GeneratedFile {
                path: format!("schemas/{}", schema_file_name(&name)),
                contents: to_text(&Value::Object(file))?,
            })
        })
        .collect()
}

/// Rewrites every `#/$defs/<Name>` reference in the schema of `owner` to `<Name>.schema.json`.
fn refer_to_files(value: &mut Value, owner: &str) -> Result<(), String> {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref") {
                let Some(name) = reference.strip_prefix(DEFS_PREFIX) else {
                    return Err(format!("{owner}: unexpected $ref {reference:?}"));
                };
                *reference = schema_file_name(name);
            }
            map.values_mut().try_for_each(|value| refer_to_files(value, owner))
        }
        Value::Array(items) => items.iter_mut().try_for_each(|value| refer_to_files(value, owner)),
        _ => Ok(()),
    }
}
