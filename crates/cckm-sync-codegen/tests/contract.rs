//! The generated contract says exactly what the parser accepts.
//!
//! Every payload fixture is checked against the committed JSON Schema files (`schemas/`) and
//! the components of the committed OpenAPI 3.1 document, with the `jsonschema` crate, offline
//! and with formats (`uuid`, `date-time`) validated:
//!
//! - every valid fixture validates against its schema file and its component, and parses;
//! - every invalid fixture is rejected by the parser, and by both schemas whenever it is a
//!   JSON document a schema can judge (not truncated, not HTML, no repeated key);
//! - beyond the fixtures, every mutation of every valid fixture (a field removed, a value
//!   replaced by one of another type, a UUID or timestamp respelled, an element or a field
//!   added) is accepted by the parser exactly when it is accepted by both schemas.
//!
//! The OpenAPI documents are checked too: their examples validate, the 3.0 document shows the
//! same examples, and the 3.1 components are the schema files.

mod support;

use cckm_sync_codegen::fixtures::schema_json;
use cckm_sync_codegen::{SCHEMA_DIALECT, schema_file_name};
use serde_json::{Value, json};
use support::{COMPONENTS, Form, contract};

/// Components the OpenAPI documents hold besides the payload schemas, which have no schema
/// file: the schema of the `limit` parameter, and the bodies of the token call.
const PARAMETER_COMPONENTS: [&str; 3] = ["Limit", "TokenRequest", "TokenResponse"];

#[test]
fn every_schema_file_is_a_draft_2020_12_schema_with_a_versioned_id() {
    let mut problems = Vec::new();
    let base = cckm_sync_codegen::schema_id_base(cckm_sync::CONTRACT_VERSION);
    for (name, schema) in &contract().files {
        let file = schema_file_name(name);
        if schema.get("$schema") != Some(&Value::from(SCHEMA_DIALECT)) {
            problems.push(format!("{file}: `$schema` is not {SCHEMA_DIALECT}"));
        }
        // The same base for every file, so that their references by relative file name
        // resolve to each other; the contract's version in it.
        if schema.get("$id") != Some(&Value::from(format!("{base}{file}"))) {
            problems.push(format!("{file}: `$id` is not {base}{file}"));
        }
        if schema.get("title") != Some(&Value::from(name.as_str())) {
            problems.push(format!("{file}: `title` is not {name:?}"));
        }
        if let Err(error) = jsonschema::meta::validate(schema) {
            problems.push(format!("{file}: not a valid schema: {error}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_model_has_a_schema_file_and_an_openapi_component() {
    let contract = contract();
    let components = contract.openapi_31["components"]["schemas"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    for name in support::all_models().keys() {
        assert!(
            contract.files.contains_key(name),
            "no schemas/{}",
            schema_file_name(name)
        );
        assert!(components.contains_key(name), "no component {COMPONENTS}{name}");
    }
}

/// A schema file as a component: without the file's own keywords, with every reference to a
/// sibling file turned into a reference to the sibling component.
fn as_component(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(key, _)| !matches!(key.as_str(), "$schema" | "$id" | "$comment"))
                .map(|(key, value)| match (key.as_str(), value) {
                    ("$ref", Value::String(reference)) => {
                        let name = reference.strip_suffix(".schema.json").unwrap_or(reference);
                        (key.clone(), Value::from(format!("{COMPONENTS}{name}")))
                    }
                    _ => (key.clone(), as_component(value)),
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(as_component).collect()),
        other => other.clone(),
    }
}

#[test]
fn the_schema_files_and_the_openapi_3_1_components_are_the_same_schemas() {
    let contract = contract();
    let components = contract.openapi_31["components"]["schemas"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let mut problems = Vec::new();
    for (name, schema) in &contract.files {
        let mut expected = as_component(schema);
        if let Value::Object(map) = &mut expected {
            map.remove("title");
        }
        match components.get(name) {
            None => problems.push(format!("{name}: no component")),
            Some(component) if *component != expected => problems.push(format!(
                "{name}: the component differs from the schema file\n  component:   {component}\n  schema file: {expected}"
            )),
            Some(_) => {}
        }
    }
    for name in components.keys() {
        if !contract.files.contains_key(name) && !PARAMETER_COMPONENTS.contains(&name.as_str()) {
            problems.push(format!("{name}: a component without a schema file"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_valid_fixture_validates_against_its_schema_file_and_component_and_parses() {
    let mut failures = Vec::new();
    let fixtures = support::valid_fixtures();
    for fixture in &fixtures {
        let value = match schema_json(&fixture.text) {
            Ok(value) => value,
            Err(reason) => {
                failures.push(format!(
                    "{fixture}: a valid fixture must be plain JSON, but it is {reason}"
                ));
                continue;
            }
        };
        for model in &fixture.models {
            for form in Form::BOTH {
                if let Err(errors) = contract().validate(form, &model.name, &value) {
                    failures.push(format!("{fixture} against the {form} {}:\n    {errors}", model.name));
                }
            }
            if let Err(error) = model.parse(&fixture.text) {
                failures.push(format!("{fixture} as {}: the parser rejects it: {error}", model.name));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} problem(s) with the valid fixtures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_invalid_fixture_is_rejected_by_the_parser_and_by_its_schema_file_and_component() {
    let mut failures = Vec::new();
    let mut judged_by_schemas = 0;
    let fixtures = support::invalid_fixtures();
    for fixture in &fixtures {
        // No schema can judge a text that is not JSON (truncated, HTML): JSON Schema judges
        // a value, and there is none. Nor one whose object repeats a key: a JSON value keeps
        // one of the two, so the schema sees a different document than the parser, which
        // refuses a repeated field. Nor one with a number beyond ±2^53 not written as a 64-bit
        // integer: the schema sees a rounded double. The parser alone must refuse these.
        let value = schema_json(&fixture.text).ok();
        for model in &fixture.models {
            if model.parse(&fixture.text).is_ok() {
                failures.push(format!("{fixture} as {}: the parser accepts it", model.name));
            }
            let Some(value) = &value else { continue };
            judged_by_schemas += 1;
            for form in Form::BOTH {
                if contract().accepts(form, &model.name, value) {
                    failures.push(format!("{fixture}: the {form} {} accepts it", model.name));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} problem(s) with the invalid fixtures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        judged_by_schemas * 2 > fixtures.len(),
        "only {judged_by_schemas} of {} invalid fixtures were JSON a schema can judge",
        fixtures.len()
    );
}

#[test]
fn a_text_is_left_to_the_parser_alone_only_when_it_is_malformed_repeats_a_key_or_rounds_a_number() {
    // The test above skips the schemas for such texts; this is how they are told apart.
    let cases = [
        (r#"{"a": 1, "b": [true, null, {"c": "d"}]}"#, "plain"),
        (r#"{"a": {"b": 1}, "b": {"a": 1}}"#, "plain"),
        (r#"[{"a": 1}, {"a": 2}]"#, "plain"),
        (r#""text""#, "plain"),
        (r#"{"a": 1, "a": 2}"#, "repeats a key"),
        (r#"{"a": null, "b": 1, "a": [1]}"#, "repeats a key"),
        (r#"[{"x": {"a": 1, "a": 1}}]"#, "repeats a key"),
        (
            r#"{"a": 2.5, "b": -7, "c": 18446744073709551615, "d": -9223372036854775808}"#,
            "plain",
        ),
        (
            r#"{"a": 1e-3, "b": 0.1, "c": -2.5E-2, "d": 1.0, "e": -0, "f": 9007199254740991.0}"#,
            "plain",
        ),
        (r#"{"a": {"b": 18446744073709551616}}"#, "a number beyond ±2^53"),
        (r#"{"a": -9223372036854775809}"#, "a number beyond ±2^53"),
        (r#"[9007199254740993.0]"#, "a number beyond ±2^53"),
        (r#"[1e19]"#, "a number beyond ±2^53"),
        (r#"{"a": [1, 2"#, "not JSON"),
        ("<html><body>502 Bad Gateway</body></html>", "not JSON"),
        ("", "not JSON"),
    ];
    for (text, expected) in cases {
        let verdict = match schema_json(text) {
            Ok(_) => "plain".to_owned(),
            Err(reason) => reason.to_string(),
        };
        assert!(verdict.starts_with(expected), "{text:?}: {verdict}");
    }
}

#[test]
fn open_enums_stay_open_an_unknown_status_cloud_or_field_validates_as_it_parses() {
    let fixtures = support::valid_fixtures();
    let job_fixture = fixtures
        .iter()
        .find(|fixture| fixture.name == "jobs/seed-google-completed.json")
        .unwrap_or_else(|| panic!("no fixture jobs/seed-google-completed.json"));
    let job = schema_json(&job_fixture.text).unwrap_or_else(|reason| panic!("{job_fixture}: {reason}"));
    // `(field, value, whether the Google job type takes it)`: a new Azure cloud name is an
    // Azure job's, which the any-family type reads and the Google type refuses.
    let newer = [
        ("overall_status", json!("paused"), true),
        ("overall_status", json!(""), true),
        ("overall_status", json!("IN_PROGRESS"), true),
        ("cloud", json!("hsm-luna"), true),
        ("cloud", json!("AzureSovereignCloud2030"), false),
        ("cloud", json!(""), true),
        ("progress_percent", json!(40), true),
        ("warnings", json!([{"code": "W1", "text": "throttled"}]), true),
    ];
    let mut failures = Vec::new();
    for (field, newer_value, family_takes_it) in newer {
        let mut document = job.clone();
        document[field] = newer_value.clone();
        let text = document.to_string();
        for model in &job_fixture.models {
            let accepted = family_takes_it || model.name == "SyncJob";
            let verdict = |ok: bool| if ok { "accepts" } else { "rejects" };
            let parsed = model.parse(&text);
            if parsed.is_ok() != accepted {
                failures.push(format!(
                    "{field} = {newer_value}: {} {} it: {parsed:?}",
                    model.name,
                    verdict(parsed.is_ok())
                ));
            }
            for form in Form::BOTH {
                let validated = contract().validate(form, &model.name, &document);
                if validated.is_ok() != accepted {
                    failures.push(format!(
                        "{field} = {newer_value}: the {form} {} {} it: {validated:?}",
                        model.name,
                        verdict(validated.is_ok())
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
