//! The examples of the committed OpenAPI documents: each validates against its schema and parses,
//! the 3.0 document shows the same as the 3.1, and the schemas' patterns refuse what their
//! formats would.

mod support;

use std::collections::BTreeMap;

use cckm_sync_codegen::fixtures::schema_json;
use serde_json::{Map, Value, json};
use support::{COMPONENTS, Form, Model, contract, token};

// The OpenAPI documents' examples.

/// Every media type of a document that shows examples: its pointer, its schema, and each
/// example by name (`example` counts as one named `example`).
fn media_type_examples(document: &Value) -> Vec<(String, Value, BTreeMap<String, Value>)> {
    fn walk(node: &Value, pointer: &str, in_content: bool, out: &mut Vec<(String, Value, BTreeMap<String, Value>)>) {
        let Value::Object(map) = node else { return };
        if in_content {
            let mut examples = BTreeMap::new();
            if let Some(Value::Object(named)) = map.get("examples") {
                for (name, example) in named {
                    let value = example.get("value").cloned().unwrap_or(Value::Null);
                    examples.insert(name.clone(), value);
                }
            }
            if let Some(example) = map.get("example") {
                examples.insert("example".into(), example.clone());
            }
            if !examples.is_empty() {
                let schema = map.get("schema").cloned().unwrap_or(Value::Bool(true));
                out.push((pointer.to_owned(), schema, examples));
            }
            return;
        }
        for (key, value) in map {
            let child = format!("{pointer}/{}", token(key));
            if key == "content" {
                if let Value::Object(media_types) = value {
                    for (media_type, object) in media_types {
                        walk(object, &format!("{child}/{}", token(media_type)), true, out);
                    }
                }
            } else {
                walk(value, &child, false, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(document, "", false, &mut out);
    out
}

#[test]
fn every_example_of_the_openapi_3_1_document_validates_against_its_schema_and_parses() {
    let contract = contract();
    // The payloads' models, and the token call's, which has no schema file of its own.
    let mut models = support::all_models();
    for model in [
        Model::of::<cckm_sync::TokenRequest>(),
        Model::of::<cckm_sync::TokenResponse>(),
    ] {
        models.insert(model.name.clone(), model);
    }
    let media_types = media_type_examples(&contract.openapi_31);
    assert!(
        media_types.len() >= 10,
        "only {} media types show examples",
        media_types.len()
    );
    let mut failures = Vec::new();
    for (pointer, schema, examples) in &media_types {
        let validator = contract
            .openapi_validator(schema)
            .unwrap_or_else(|error| panic!("{pointer}: the schema does not compile: {error}"));
        let model = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|reference| reference.strip_prefix(COMPONENTS))
            .and_then(|name| models.get(name));
        for (name, example) in examples {
            let errors: Vec<String> = validator
                .iter_errors(example)
                .map(|error| format!("{}: {error}", error.instance_path().as_str()))
                .collect();
            if !errors.is_empty() {
                failures.push(format!("{pointer} example {name:?}:\n    {}", errors.join("\n    ")));
            }
            if let Some(model) = model
                && let Err(error) = model.parse(&example.to_string())
            {
                failures.push(format!(
                    "{pointer} example {name:?}: {} rejects it: {error}",
                    model.name
                ));
            }
        }
    }
    // The examples inside the schemas themselves (`examples` of a status, a cloud, …).
    let components = contract.openapi_31["components"]["schemas"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    for (name, schema) in &components {
        for example in schema.get("examples").and_then(Value::as_array).into_iter().flatten() {
            if let Err(errors) = contract.validate(Form::Component, name, example) {
                failures.push(format!("{COMPONENTS}{name} example {example}:\n    {errors}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every response of every operation, in both documents, shows at least one example with a
/// value, whose summary says where it comes from: a reference without one shows a sample made
/// from the schema (`"account": "string"`, a 64-bit bound read as a double) instead.
#[test]
fn every_response_of_every_operation_shows_an_example_that_says_where_it_comes_from() {
    let contract = contract();
    let sources = [
        "vendor's documentation",
        "public client code",
        "fixture of this project",
        "the mock",
    ];
    for (version, document) in [("3.1", &contract.openapi_31), ("3.0", &contract.openapi_30)] {
        let mut missing = Vec::new();
        let mut responses = 0;
        for (path, item) in document["paths"].as_object().into_iter().flatten() {
            for (method, operation) in item.as_object().into_iter().flatten() {
                for (status, response) in operation["responses"].as_object().into_iter().flatten() {
                    responses += 1;
                    let response = match response.get("$ref").and_then(Value::as_str) {
                        Some(reference) => document
                            .pointer(reference.trim_start_matches('#'))
                            .unwrap_or_else(|| panic!("{method} {path} {status}: no {reference}")),
                        None => response,
                    };
                    let content = response["content"].as_object().filter(|content| !content.is_empty());
                    let Some(content) = content else {
                        missing.push(format!("{method} {path} {status}: no body"));
                        continue;
                    };
                    for (media_type, media) in content {
                        let examples: Vec<&Value> = media["examples"]
                            .as_object()
                            .into_iter()
                            .flat_map(|named| named.values())
                            .collect();
                        if examples.is_empty() {
                            missing.push(format!("{method} {path} {status} {media_type}: no example"));
                        }
                        // Redoc shows a summary only in the menu of several examples: a lone
                        // example's source is said in the response's description.
                        let description = response["description"].as_str().unwrap_or_default();
                        if examples.len() == 1 && !description.contains("The example shown: ") {
                            missing.push(format!(
                                "{method} {path} {status}: the description does not say where its example comes from"
                            ));
                        }
                        for example in examples {
                            let summary = example["summary"].as_str().unwrap_or_default();
                            if example.get("value").is_none() || !sources.iter().any(|source| summary.contains(source))
                            {
                                missing.push(format!(
                                    "{method} {path} {status} {media_type}: an example without a value or a \
                                     summary that names its source: {summary:?}"
                                ));
                            }
                        }
                    }
                }
            }
        }
        assert!(responses >= 49 * 3, "OpenAPI {version}: only {responses} responses");
        assert!(missing.is_empty(), "OpenAPI {version}:\n{}", missing.join("\n"));
    }
}

#[test]
fn the_openapi_3_0_document_shows_the_same_examples_as_the_3_1_document() {
    let contract = contract();
    let examples = |document: &Value| -> BTreeMap<String, BTreeMap<String, Value>> {
        media_type_examples(document)
            .into_iter()
            .map(|(pointer, _, examples)| (pointer, examples))
            .collect()
    };
    let examples_31 = examples(&contract.openapi_31);
    let examples_30 = examples(&contract.openapi_30);
    assert_eq!(
        examples_30.keys().collect::<Vec<_>>(),
        examples_31.keys().collect::<Vec<_>>(),
        "the media types that show examples differ"
    );
    for (pointer, examples) in &examples_31 {
        assert_eq!(
            examples_30.get(pointer),
            Some(examples),
            "{pointer}: the examples differ"
        );
    }
    // Schema examples: 3.0 has room for one, the first of the 3.1 list.
    let schemas = |document: &Value| {
        document["components"]["schemas"]
            .as_object()
            .cloned()
            .unwrap_or_default()
    };
    let (schemas_31, schemas_30): (Map<String, Value>, Map<String, Value>) =
        (schemas(&contract.openapi_31), schemas(&contract.openapi_30));
    for (name, schema) in &schemas_31 {
        let first = schema
            .get("examples")
            .and_then(Value::as_array)
            .and_then(|list| list.first());
        let example_30 = schemas_30.get(name).and_then(|schema| schema.get("example"));
        assert_eq!(
            example_30, first,
            "{COMPONENTS}{name}: the 3.0 `example` is not the first 3.1 example"
        );
    }
}

/// Every timestamp of a job says in words how the server writes it and shows an example, which
/// its schema (pattern and format) accepts and the parser reads, in the schema files and both
/// documents: a reader of the reference should not have to decode the pattern.
#[test]
fn timestamps_are_described_in_words_with_an_example() {
    let contract = contract();
    let mut jobs: Vec<(String, Value)> = contract
        .files
        .iter()
        .filter(|(name, _)| name.ends_with("SyncJob"))
        .map(|(name, schema)| (format!("schemas/{name}"), schema.clone()))
        .collect();
    for (version, document) in [("3.1", &contract.openapi_31), ("3.0", &contract.openapi_30)] {
        for (name, schema) in document["components"]["schemas"].as_object().into_iter().flatten() {
            if name.ends_with("SyncJob") {
                jobs.push((format!("OpenAPI {version} {name}"), schema.clone()));
            }
        }
    }
    assert!(jobs.len() >= 27, "only {} job schemas", jobs.len());
    let template = support::valid_fixtures()
        .into_iter()
        .find(|fixture| fixture.to_string().contains("seed-google-completed"))
        .expect("the Google seed job");
    let template = schema_json(&template.text).unwrap();
    let mut problems = Vec::new();
    for (name, job) in &jobs {
        for field in ["createdAt", "updatedAt", "completed_at"] {
            let property = &job["properties"][field];
            let description = property["description"].as_str().unwrap_or_default();
            if !(description.contains("RFC 3339") && description.contains("UTC") && description.contains("nine")) {
                problems.push(format!(
                    "{name}.{field}: the description does not say how it is written"
                ));
            }
            if property.get("pattern").is_none() {
                problems.push(format!("{name}.{field}: the pattern is gone"));
            }
            // 3.1 and the schema files list examples; 3.0 has room for one.
            let examples: Vec<Value> = match (property.get("examples"), property.get("example")) {
                (Some(Value::Array(list)), _) => list.clone(),
                (None, Some(one)) => vec![one.clone()],
                _ => Vec::new(),
            };
            if examples.is_empty() {
                problems.push(format!("{name}.{field}: no example"));
            }
            let validator = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .should_validate_formats(true)
                .build(&json!({"type": "string", "format": "date-time", "pattern": property["pattern"]}))
                .unwrap_or_else(|error| panic!("{name}.{field}: {error}"));
            for example in &examples {
                let mut instance = template.clone();
                instance[field] = example.clone();
                let parsed = cckm_sync::from_str::<cckm_sync::SyncJob>(&instance.to_string()).is_ok();
                if !validator.is_valid(example) || !parsed || !example.as_str().is_some_and(|text| text.ends_with('Z'))
                {
                    problems.push(format!(
                        "{name}.{field}: the example {example} is not a timestamp as the server writes it"
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Many validators treat `format` as an annotation only (the draft 2020-12 default); the
/// `pattern` beside each timestamp and UUID format makes them refuse, as the parser does, what is
/// not even shaped like one. Here the parser and the job schema's property schemas, validated
/// without formats, agree on each spelling.
#[test]
fn without_format_validation_the_patterns_still_refuse_misspelled_timestamps_and_ids() {
    let job = &contract().files["SyncJob"];
    let template = support::valid_fixtures()
        .into_iter()
        .find(|fixture| fixture.to_string().contains("seed-google-completed"))
        .expect("the Google seed job");
    let template = schema_json(&template.text).unwrap();
    let cases: [(&str, &str, bool); 14] = [
        ("createdAt", "2020-11-05T06:39:45.726289Z", true),
        ("createdAt", "2020-11-05t06:39:45z", true),
        ("createdAt", "2020-11-05T07:39:45+01:00", true),
        ("createdAt", "2020-11-05 06:39:45Z", false),
        ("createdAt", "2020-11-05T06:39:45", false),
        ("createdAt", "2020-11-05T06:39:45+0000", false),
        ("createdAt", "2020-11-05T06:39:45.Z", false),
        ("completed_at", "05/11/2020 06:39", false),
        ("id", "0ea5d52e-387c-44fa-b079-21c8b768f77b", true),
        ("id", "0EA5D52E-387C-44FA-B079-21C8B768F77B", true),
        ("id", "0ea5d52e387c44fab07921c8b768f77b", false),
        ("id", "{0ea5d52e-387c-44fa-b079-21c8b768f77b}", false),
        ("id", "urn:uuid:0ea5d52e-387c-44fa-b079-21c8b768f77b", false),
        ("id", "0ea5d52e-387c-44fa-b079-21c8b768f77g", false),
    ];
    let mut problems = Vec::new();
    for (field, text, valid) in cases {
        let property = &job["properties"][field];
        let without_formats = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(false)
            .build(property)
            .unwrap_or_else(|error| panic!("{field}: {error}"));
        if without_formats.is_valid(&json!(text)) != valid {
            problems.push(format!(
                "{field} = {text:?}: the schema without formats should say valid = {valid}"
            ));
        }
        let mut instance = template.clone();
        instance[field] = json!(text);
        let parsed = cckm_sync::from_str::<cckm_sync::SyncJob>(&instance.to_string()).is_ok();
        if parsed != valid {
            problems.push(format!("{field} = {text:?}: the parser should say valid = {valid}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The `limit` parameter's schema (OpenAPI only, no schema file) accepts exactly the numbers
/// `Limit` reads: `-1`, or a count from 1 up to `u32::MAX`.
#[test]
fn the_limit_schema_accepts_the_limits_the_parser_reads() {
    let contract = contract();
    let validator = contract
        .openapi_validator(&json!({"$ref": format!("{COMPONENTS}Limit")}))
        .unwrap_or_else(|error| panic!("the Limit schema does not compile: {error}"));
    let max = i64::from(u32::MAX);
    let mut problems = Vec::new();
    for number in [i64::MIN, -2, -1, 0, 1, 10, max - 1, max, max + 1, i64::MAX] {
        let parsed = cckm_sync::Limit::try_from(number).is_ok();
        let valid = validator.is_valid(&json!(number));
        if parsed != valid {
            problems.push(format!("{number}: the parser says {parsed}, the schema {valid}"));
        }
    }
    for not_an_integer in [json!(1.5), json!("10"), json!(null)] {
        if validator.is_valid(&not_an_integer) {
            problems.push(format!("{not_an_integer}: the schema accepts it"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
