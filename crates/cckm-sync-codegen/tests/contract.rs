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

use std::collections::BTreeMap;
use std::fmt::Write as _;

use cckm_sync_codegen::fixtures::schema_json;
use cckm_sync_codegen::{SCHEMA_DIALECT, schema_file_name};
use serde_json::{Map, Value, json};
use support::{COMPONENTS, Fixture, Form, Model, contract};

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

// ---------------------------------------------------------------------------------------
// Mutations: agreement beyond the fixtures.
// ---------------------------------------------------------------------------------------

/// One change to a document.
#[derive(Clone, Debug)]
enum Edit {
    /// Remove the member or element at the pointer.
    Remove,
    /// Replace the value at the pointer.
    Replace(Value),
    /// Append an element to the array at the pointer.
    Append(Value),
    /// Add a member to the object at the pointer.
    Insert(String, Value),
}

/// A change, where it applies and what it is, in words.
struct Mutation {
    pointer: String,
    what: String,
    edit: Edit,
}

/// The name of a field no model has.
const ADDED_FIELD: &str = "field_added_by_the_contract_test";

/// Values of every JSON type (and a few of each) that replace a value.
///
/// Among them, numbers written with a fraction or an exponent whose value is whole (`3.0`,
/// `1e3`): JSON Schema judges the value, so `"type": "integer"` accepts them, and so does the
/// parser. The values below -2^63 and at 2^64 are there for `minimum` and `maximum`: beyond
/// every integer field, both must reject them.
fn replacements() -> Vec<(&'static str, Value)> {
    vec![
        ("null", Value::Null),
        ("true", json!(true)),
        ("false", json!(false)),
        ("a number", json!(42)),
        ("zero", json!(0)),
        ("a negative number", json!(-7)),
        ("a fraction", json!(2.5)),
        ("a whole number written with a fraction", json!(3.0)),
        (
            "a whole number written with an exponent",
            serde_json::from_str("1e3").unwrap_or_default(),
        ),
        (
            "an integer beyond the signed 64-bit range",
            json!(9_223_372_036_854_775_808_u64),
        ),
        // -2^63 - 2048: the first double below the range (-2^63 - 1 would round to -2^63).
        (
            "an integer below the signed 64-bit range",
            json!(-9_223_372_036_854_777_856.0_f64),
        ),
        (
            "an integer beyond the unsigned 64-bit range",
            json!(18_446_744_073_709_551_616.0_f64),
        ),
        ("a string", json!("text")),
        ("an empty string", json!("")),
        ("an array", json!(["text"])),
        ("an empty array", json!([])),
        ("an object", json!({"field": "text"})),
        ("an empty object", json!({})),
    ]
}

fn looks_like_uuid(text: &str) -> bool {
    text.len() == 36 && uuid::Uuid::try_parse(text).is_ok()
}

fn looks_like_timestamp(text: &str) -> bool {
    text.len() >= 20 && text.as_bytes().get(10) == Some(&b'T') && chrono::DateTime::parse_from_rfc3339(text).is_ok()
}

/// Other spellings of a hyphenated UUID: the other forms the `uuid` crate reads, and wrong ones.
fn uuid_variants(uuid: &str) -> Vec<(&'static str, String)> {
    let mut invalid = uuid.to_owned();
    invalid.pop();
    invalid.push('g');
    vec![
        ("the simple form (no hyphens)", uuid.replace('-', "")),
        ("the braced form", format!("{{{uuid}}}")),
        ("the urn form", format!("urn:uuid:{uuid}")),
        ("upper case", uuid.to_uppercase()),
        ("a non-hex digit", invalid),
        ("a digit short", uuid.get(..35).unwrap_or_default().to_owned()),
    ]
}

/// Other spellings of an RFC 3339 timestamp `YYYY-MM-DDTHH:MM:SS[.f]Z`.
fn timestamp_variants(timestamp: &str) -> Vec<(&'static str, String)> {
    let date = timestamp.get(..10).unwrap_or_default();
    let year = timestamp.get(..4).unwrap_or_default();
    let clock = timestamp.get(11..19).unwrap_or_default();
    let without_offset = timestamp
        .strip_suffix(['Z', 'z'])
        .or_else(|| timestamp.get(..timestamp.len().saturating_sub(6)))
        .unwrap_or_default();
    vec![
        ("a space instead of `T`", timestamp.replacen('T', " ", 1)),
        ("no offset", without_offset.to_owned()),
        ("a +02:00 offset", format!("{without_offset}+02:00")),
        ("a -07:30 offset", format!("{without_offset}-07:30")),
        ("lower-case `t` and `z`", timestamp.to_ascii_lowercase()),
        ("ten fraction digits", format!("{date}T{clock}.1234567891Z")),
        ("a fraction point without digits", format!("{date}T{clock}.Z")),
        ("an impossible date (February 30)", format!("{year}-02-30T{clock}Z")),
        ("hour 24", format!("{date}T24:00:00Z")),
        ("a leap second at the end of a UTC day", format!("{date}T23:59:60Z")),
        ("a leap second in the middle of a day", format!("{date}T12:30:60Z")),
        (
            "a leap second at 23:59:60 local time, +02:00",
            format!("{date}T23:59:60+02:00"),
        ),
        ("only the date", date.to_owned()),
    ]
}

/// Escapes a key as a JSON pointer token.
fn token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Every mutation of `node` (at `pointer`) and of everything under it.
fn mutations_of(node: &Value, pointer: &str, removable: bool, out: &mut Vec<Mutation>) {
    let mut push = |what: String, edit: Edit| {
        out.push(Mutation {
            pointer: pointer.to_owned(),
            what,
            edit,
        });
    };
    if removable {
        push("removed".into(), Edit::Remove);
    }
    for (what, value) in replacements() {
        if value != *node {
            push(format!("replaced by {what}"), Edit::Replace(value));
        }
    }
    if pointer.ends_with("/cloud") || pointer == "/cloud" {
        // Every family's cloud and some unknown ones: a family type must refuse another
        // family's, and the any-family type types the scope fields of the new cloud only.
        for cloud in [
            "aws",
            "AzureCloud",
            "AzureSovereignCloud2030",
            "gcp",
            "oci",
            "sap",
            "sfdc",
            "dsm",
            "externalCM",
            "hsm-luna",
        ] {
            if node != cloud {
                push(format!("cloud set to {cloud:?}"), Edit::Replace(cloud.into()));
            }
        }
    }
    match node {
        Value::String(text) if looks_like_uuid(text) => {
            for (what, variant) in uuid_variants(text) {
                push(
                    format!("UUID respelled: {what} ({variant:?})"),
                    Edit::Replace(variant.into()),
                );
            }
        }
        Value::String(text) if looks_like_timestamp(text) => {
            for (what, variant) in timestamp_variants(text) {
                push(
                    format!("timestamp respelled: {what} ({variant:?})"),
                    Edit::Replace(variant.into()),
                );
            }
        }
        Value::Array(items) => {
            let wrong = if items.first().is_some_and(Value::is_number) {
                json!("text")
            } else {
                json!(7)
            };
            push(format!("{wrong} appended"), Edit::Append(wrong));
        }
        Value::Object(_) => {
            push(
                format!("an unknown field `{ADDED_FIELD}` added, a string"),
                Edit::Insert(ADDED_FIELD.into(), json!("text")),
            );
            push(
                format!("an unknown field `{ADDED_FIELD}` added, an object"),
                Edit::Insert(ADDED_FIELD.into(), json!({"nested": [1, null]})),
            );
        }
        _ => {}
    }
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                mutations_of(value, &format!("{pointer}/{}", token(key)), true, out);
            }
        }
        Value::Array(items) => {
            for (index, value) in items.iter().enumerate() {
                mutations_of(value, &format!("{pointer}/{index}"), true, out);
            }
        }
        _ => {}
    }
}

/// `document` with `mutation` applied.
fn apply(document: &Value, mutation: &Mutation) -> Value {
    fn target<'a>(document: &'a mut Value, pointer: &str) -> &'a mut Value {
        document
            .pointer_mut(pointer)
            .unwrap_or_else(|| panic!("no value at {pointer:?}"))
    }
    let mut document = document.clone();
    match &mutation.edit {
        Edit::Replace(value) => *target(&mut document, &mutation.pointer) = value.clone(),
        Edit::Append(value) => {
            if let Value::Array(items) = target(&mut document, &mutation.pointer) {
                items.push(value.clone());
            }
        }
        Edit::Insert(key, value) => {
            if let Value::Object(map) = target(&mut document, &mutation.pointer) {
                map.insert(key.clone(), value.clone());
            }
        }
        Edit::Remove => {
            let (parent, last) = mutation
                .pointer
                .rsplit_once('/')
                .unwrap_or_else(|| panic!("the document itself cannot be removed"));
            let key = last.replace("~1", "/").replace("~0", "~");
            match target(&mut document, parent) {
                Value::Object(map) => drop(map.remove(&key)),
                Value::Array(items) => {
                    let index: usize = key.parse().unwrap_or_else(|_| panic!("{key:?} is not an index"));
                    items.remove(index);
                }
                _ => panic!("{parent:?} holds neither an object nor an array"),
            }
        }
    }
    document
}

/// Where the parser of `model` and the schemas of its name disagree on `text` (whose value
/// is `value`): one line per schema that does not say what the parser says, with the reason.
fn disagreement(model: &Model, text: &str, value: &Value) -> Option<String> {
    let parsed = model.parse(text);
    let mut out = String::new();
    for form in Form::BOTH {
        if contract().accepts(form, &model.name, value) == parsed.is_ok() {
            continue;
        }
        let _ = match &parsed {
            Ok(()) => write!(
                out,
                "\n    the parser accepts, the {form} rejects: {}",
                contract().validate(form, &model.name, value).err().unwrap_or_default()
            ),
            Err(error) => write!(out, "\n    the {form} accepts, the parser rejects: {error}"),
        };
    }
    (!out.is_empty()).then_some(out)
}

#[test]
fn the_parser_and_the_schemas_agree_on_every_mutation_of_every_valid_fixture() {
    let mut disagreements = Vec::new();
    let mut checked = 0_usize;
    let fixtures: Vec<Fixture> = support::valid_fixtures();
    for fixture in &fixtures {
        let original = schema_json(&fixture.text).unwrap_or_else(|reason| panic!("{fixture}: {reason}"));
        let mut mutations = Vec::new();
        mutations_of(&original, "", false, &mut mutations);
        for mutation in &mutations {
            let document = apply(&original, mutation);
            let text = document.to_string();
            for model in &fixture.models {
                checked += 1;
                if let Some(details) = disagreement(model, &text, &document) {
                    let pointer = if mutation.pointer.is_empty() {
                        "(document)"
                    } else {
                        &mutation.pointer
                    };
                    disagreements.push(format!(
                        "{fixture} as {}: {pointer} {}:{details}",
                        model.name, mutation.what
                    ));
                }
            }
        }
    }
    assert!(checked > 10_000, "only {checked} mutations were checked");
    assert!(
        disagreements.is_empty(),
        "the parser and the schemas disagree on {} of {checked} mutated documents:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

// ---------------------------------------------------------------------------------------
// The OpenAPI documents' examples.
// ---------------------------------------------------------------------------------------

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
    let models = support::all_models();
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
