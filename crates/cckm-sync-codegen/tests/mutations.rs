//! The parser and the committed schemas agree beyond the fixtures: every mutation of every valid
//! fixture (a field removed, a value replaced by one of another type, a UUID or timestamp
//! respelled, an element or a field added) is accepted by the parser exactly when it is accepted
//! by both the schema file and the OpenAPI 3.1 component.

mod support;

use std::fmt::Write as _;

use cckm_sync_codegen::fixtures::schema_json;
use serde_json::{Value, json};
use support::{Fixture, Form, Model, contract, token};

// Mutations: agreement beyond the fixtures.

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
