//! The JSON Schema of a job, completed with what depends on its scope type.

use schemars::Schema;
use serde_json::{Map, Value, json};

use super::CLOUD;

use crate::cloud::CloudFamily;
use crate::scope::JobScope;

/// Completes the derived schema of `SyncJob<S>` with what depends on the scope type: a
/// family job's `cloud` is not the cloud of another family; a job of any family types
/// each scope array for the clouds of the families that have it, and only for those.
pub(super) fn finish<S: JobScope>(schema: &mut Schema) {
    match S::FAMILY {
        Some(family) => refuse_other_clouds(schema, family),
        None => type_scope_by_cloud::<S>(schema),
    }
}

fn refuse_other_clouds(schema: &mut Schema, family: CloudFamily) {
    // One `pattern` under `not`, rather than `not` over an `anyOf` of the other families'
    // clouds: openapi-generator turns a composed schema under `not` into a model of its
    // own (`AwsSyncJobCloudNot`), while a plain string schema stays an annotation of the
    // `cloud` string. Both refuse the same strings.
    let others = CloudFamily::ALL
        .into_iter()
        .filter(|other| *other != family)
        .map(crate::cloud::family_clouds_regex)
        .collect::<Vec<String>>()
        .join("|");
    if let Some(Value::Object(cloud)) = schema
        .get_mut("properties")
        .and_then(|properties| properties.get_mut(CLOUD))
    {
        cloud.insert(
            "description".into(),
            format!("The cloud the job ran against: not a cloud of another family than {family}.").into(),
        );
        // `type` beside `pattern`, as strict validators (Ajv's `strictTypes`) require.
        cloud.insert(
            "not".into(),
            json!({"type": "string", "pattern": format!("^({others})")}),
        );
    }
}

fn type_scope_by_cloud<S: JobScope>(schema: &mut Schema) {
    let mut arrays = Map::new();
    if let Some(Value::Object(properties)) = schema.get_mut("properties") {
        for field in S::FIELDS {
            if let Some(array) = properties.remove(*field) {
                arrays.insert((*field).to_owned(), array);
            }
        }
    }
    // For each family: its cloud is not this job's, or its arrays have their types.
    let implications: Vec<Value> = CloudFamily::ALL
        .into_iter()
        .map(|family| {
            let typed: Map<String, Value> = family
                .spec()
                .job_scope_fields
                .iter()
                .filter_map(|field| Some(((*field).to_owned(), arrays.get(*field)?.clone())))
                .collect();
            json!({
                "anyOf": [
                    {
                        "not": {
                            "required": [CLOUD],
                            "properties": {CLOUD: crate::cloud::family_clouds_schema(family)}
                        }
                    },
                    {"properties": typed}
                ]
            })
        })
        .collect();
    schema.insert("allOf".into(), implications.into());
    if let Some(Value::String(description)) = schema.get_mut("description") {
        description.push_str(
            " The scope arrays (`kms`, `regions`, `key_vaults`, `key_rings`, `vaults`, `groups`, \
             `domains`) are typed for the jobs of the families that have them; on any other \
             cloud they are fields this contract does not know, of any value.",
        );
    }
}
