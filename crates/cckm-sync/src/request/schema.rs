//! The JSON Schema of a start request: two named branches, the listed items or every item.

use std::borrow::Cow;
use std::marker::PhantomData;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::{Map, Value, json};

use super::{SYNCHRONIZE_ALL, StartJob, StartOptions};
use crate::scope::FamilyScope;

impl<S: FamilyScope + JsonSchema> JsonSchema for StartJob<S> {
    fn schema_name() -> Cow<'static, str> {
        format!("{}StartJob", S::schema_name()).into()
    }

    fn schema_id() -> Cow<'static, str> {
        format!("cckm_sync::StartJob<{}>", S::schema_id()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        // The two branches mirror `Target`: the listed items, or every item. Each is a
        // whole object type of its own, referred to by name, so that generated clients
        // get a named type per branch (`AwsStartJobItems`, `AwsStartJobAll`) rather than
        // numbered inline ones. One branch requires the list and the other forbids it, so
        // at most one matches: `anyOf` says as much as `oneOf` without asking validators
        // to prove it.
        let field = StartJob::<S>::scope_field();
        json_schema!({
            "description": format!(
                "Body of a start request: either `{field}`, a non-empty list of the items to \
                 synchronize, or `\"{SYNCHRONIZE_ALL}\": true` for every item; exactly one of \
                 them. Fields not described here are allowed and kept."
            ),
            "anyOf": [
                generator.subschema_for::<Branch<S, false>>(),
                generator.subschema_for::<Branch<S, true>>()
            ]
        })
    }
}

/// One branch of a start request's schema: the listed items (`ALL` false), or every item.
/// It exists only to give each branch a name of its own.
struct Branch<S, const ALL: bool>(PhantomData<S>);

impl<S: FamilyScope + JsonSchema, const ALL: bool> JsonSchema for Branch<S, ALL> {
    fn schema_name() -> Cow<'static, str> {
        let which = if ALL { "All" } else { "Items" };
        format!("{}{which}", StartJob::<S>::schema_name()).into()
    }

    fn schema_id() -> Cow<'static, str> {
        format!("cckm_sync::StartJob<{}>::{}", S::schema_id(), Self::schema_name()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        // Each branch says what it requires and what it forbids, and stands alone as a
        // type. A field without a value may be left out or sent as `null`, which the
        // server's Go decoder reads as no value. The forms are chosen so that the code
        // generators of other languages keep each branch as a plain object type with
        // typed properties (each form says exactly what the parser accepts):
        //
        // - the list of the `All` branch is `{"const": null}`: `null` or left out. Typed
        //   `"type": "null"`, openapi-generator's Python generator stops ("not yet
        //   supported") and its Go client does not compile (`nil is not a type`); a `false`
        //   schema is refused by openapi-python-client.
        // - `synchronize_all` is a boolean that is not `false` (`All`), or a boolean or
        //   `null` that is not `true` (`Items`), with `not` rather than `const` or `enum`:
        //   openapi-generator's Python models compare a boolean enum with the strings
        //   `'true'`/`'false'` and so refuse every value, and openapi-python-client cannot
        //   process `{"type": ["boolean", "null"], "enum": [false, null]}`. Generators
        //   ignore the `not`, and type the field as a (nullable) boolean.
        let field = StartJob::<S>::scope_field();
        let mut properties = Map::new();
        let (description, required) = if ALL {
            properties.insert(
                SYNCHRONIZE_ALL.to_owned(),
                json!({
                    "description": "Synchronize every item: `true`.",
                    "type": "boolean",
                    "not": {"const": false}
                }),
            );
            properties.insert(
                field.to_owned(),
                json!({"description": "Left out, or `null`: no list with every item.", "const": null}),
            );
            (
                format!(
                    "A start request for every item: `\"{SYNCHRONIZE_ALL}\": true`, without \
                     `{field}`. Fields not described here are allowed and kept."
                ),
                SYNCHRONIZE_ALL,
            )
        } else {
            properties.insert(
                field.to_owned(),
                json!({
                    "description": "The items to synchronize; at least one, none empty.",
                    "type": "array",
                    "items": {"type": "string", "minLength": 1},
                    "minItems": 1
                }),
            );
            properties.insert(
                SYNCHRONIZE_ALL.to_owned(),
                json!({
                    "description": "`false`, `null`, or left out: the same.",
                    "type": ["boolean", "null"],
                    "not": {"const": true}
                }),
            );
            (
                format!(
                    "A start request for the items listed in `{field}`. Fields not described \
                     here are allowed and kept."
                ),
                field,
            )
        };
        S::StartOptions::add_schema_properties(generator, &mut properties);
        json_schema!({
            "description": description,
            "type": "object",
            "required": [required],
            "properties": Value::Object(properties),
            "additionalProperties": true
        })
    }
}
