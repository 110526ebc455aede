//! `diff` on inputs that are not a contract, or are made to exhaust it: errors that say where,
//! bounded work, no panic.

use cckm_sync_contract::diff::{self, Version};
use serde_json::{Value, json};

mod support;

use support::{committed, document, lines, schema_mut};

#[test]
fn unreadable_and_hostile_inputs_are_errors_that_say_where() {
    let error = Version::from_openapi_str("x.json", "{\"openapi\": ").unwrap_err();
    assert_eq!(error.file, "x.json");
    assert!(error.reason.starts_with("not JSON"), "{error}");

    let error = Version::from_openapi_str("x.json", r#"{"swagger": "2.0"}"#).unwrap_err();
    assert_eq!(error.pointer.as_deref(), Some("/swagger"));

    let mut dangling = committed();
    schema_mut(&mut dangling, "AwsSyncJob")["properties"]["cloud"]["$ref"] = json!("#/components/schemas/Nowhere");
    let error = Version::from_openapi_str("x.json", &dangling.to_string()).unwrap_err();
    assert_eq!(
        error.pointer.as_deref(),
        Some("/components/schemas/AwsSyncJob/properties/cloud/$ref")
    );
    assert!(error.reason.contains("does not resolve"), "{error}");

    let mut nameless = committed();
    nameless["paths"]["/cckm/dsm/refresh"]["get"]["parameters"][0]
        .as_object_mut()
        .unwrap()
        .remove("name");
    let error = Version::from_openapi_str("x.json", &nameless.to_string()).unwrap_err();
    assert_eq!(
        error.pointer.as_deref(),
        Some("/paths/~1cckm~1dsm~1refresh/get/parameters/0")
    );

    // Nesting beyond what the JSON reader takes.
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(Version::from_openapi_str("x.json", &deep).is_err());

    let error = Version::from_schema_files("dir", [("A.schema.json", r#"{"$ref": "B.schema.json"}"#)]).unwrap_err();
    assert_eq!(error.file, "dir/A.schema.json");
    assert!(error.reason.contains("not a schema file of the folder"), "{error}");
}

#[test]
fn work_is_bounded_on_hostile_schemas() {
    // Each schema refers to the next twice: resolved in full, 2^40 nodes. A recursive schema
    // is fine: its cycle is kept as a reference.
    let mut schemas = serde_json::Map::new();
    for level in 0..40 {
        let next = format!("#/components/schemas/S{}", level + 1);
        schemas.insert(
            format!("S{level}"),
            json!({"properties": {"a": {"$ref": next}, "b": {"$ref": next}}}),
        );
    }
    schemas.insert("S40".to_owned(), json!({"type": "string"}));
    schemas.insert(
        "Tree".to_owned(),
        json!({"properties": {"children": {"items": {"$ref": "#/components/schemas/Tree"}}}}),
    );
    let document = |version: &str, tree_type: &str| {
        let mut schemas = schemas.clone();
        schemas["S40"] = json!({"type": version});
        schemas["Tree"]["type"] = json!(tree_type);
        json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "components": {"schemas": schemas}})
    };
    let old = Version::from_openapi_str("old.json", &document("string", "object").to_string()).unwrap();
    let new = Version::from_openapi_str("new.json", &document("integer", "object").to_string()).unwrap();
    let started = std::time::Instant::now();
    let error = diff::compare(&old, &new).unwrap_err();
    assert!(
        error.reason.contains("schema nodes once its references are resolved"),
        "{error}"
    );
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());

    let trees = |tree_type: &str| {
        json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "components": {"schemas": {
            "Tree": {"type": tree_type, "properties": {"children": {"items": {"$ref": "#/components/schemas/Tree"}}}}
        }}})
    };
    let old = Version::from_openapi_str("old.json", &trees("object").to_string()).unwrap();
    let new = Version::from_openapi_str("new.json", &trees("array").to_string()).unwrap();
    let diff = diff::compare(&old, &new).unwrap();
    assert!(diff.is_breaking(), "{}", lines(&diff));
}

/// Every JSON Pointer of `value`, in document order.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                pointers(
                    child,
                    format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                pointers(child, format!("{at}/{index}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn no_document_makes_it_panic() {
    // The DSM endpoint of the committed contract, with every place of it replaced in turn by an
    // odd value: each edit gives an error that names the file, or a comparison, both ways.
    let mut small = committed();
    small["paths"]
        .as_object_mut()
        .unwrap()
        .retain(|path, _| path.starts_with("/cckm/dsm/refresh"));
    let used = [
        "DsmSyncJob",
        "DsmSyncJobPage",
        "DsmStartJob",
        "DsmStartJobItems",
        "DsmStartJobAll",
    ];
    small["components"]["schemas"]
        .as_object_mut()
        .unwrap()
        .retain(|name, _| {
            used.contains(&name.as_str()) || ["Limit", "JobStatus", "Cloud", "ApiError"].contains(&name.as_str())
        });
    let old = document("old.json", &small);
    let mut places = Vec::new();
    pointers(&small, String::new(), &mut places);
    let odd = [
        json!(null),
        json!([]),
        json!({}),
        json!("x"),
        json!(-1),
        json!({"$ref": "#/components/schemas/DsmSyncJob"}),
        json!(true),
        json!({"$ref": "#/nowhere"}),
        json!({"pattern": "(?=look-around)"}),
        json!({"type": "object", "properties": {"a": {"$ref": "#"}}}),
    ];
    // Every fifth place, so that each kind of odd value meets every kind of place.
    for (index, pointer) in places.iter().enumerate().skip(1).step_by(5) {
        let mut edited = small.clone();
        *edited.pointer_mut(pointer).unwrap() = odd[index % odd.len()].clone();
        match Version::from_openapi_str("new.json", &edited.to_string()) {
            Ok(new) => {
                for (a, b) in [(&old, &new), (&new, &old)] {
                    if let Err(error) = diff::compare(a, b) {
                        assert!(
                            !error.reason.is_empty() && !error.file.is_empty(),
                            "{pointer}: {error:?}"
                        );
                    }
                }
            }
            Err(error) => {
                assert_eq!(error.file, "new.json");
                assert!(!error.reason.is_empty(), "{pointer}: {error:?}");
            }
        }
    }
}
