//! `cargo xtask codegen`: the committed files are what the generator writes, the generator is
//! deterministic, check mode catches every kind of drift, and the contract reads as reviewed.

use std::fmt::Write as _;
use std::path::Path;

use cckm_sync_codegen::{self as codegen, COMMAND, GeneratedFile, MARKER, Mode, OPENAPI_30, OPENAPI_31};
use serde_json::Value;

fn generated() -> Vec<GeneratedFile> {
    codegen::generate().unwrap_or_else(|error| panic!("the generator fails: {error}"))
}

fn file<'a>(files: &'a [GeneratedFile], path: &str) -> &'a GeneratedFile {
    files
        .iter()
        .find(|file| file.path == path)
        .unwrap_or_else(|| panic!("{path} is not generated"))
}

#[test]
fn the_committed_files_are_what_the_generator_writes() {
    if let Err(report) = codegen::update(&cckm_sync_codegen::project_root(), &generated(), Mode::Check) {
        panic!("{report}");
    }
}

#[test]
fn generating_twice_gives_byte_identical_files() {
    assert_eq!(generated(), generated());
}

#[test]
fn the_contract_crate_holds_a_copy_of_every_published_file() {
    let files = generated();
    let (copies, published): (Vec<&GeneratedFile>, Vec<&GeneratedFile>) = files
        .iter()
        .partition(|file| file.path.starts_with(codegen::CONTRACT_CRATE_COPY));
    assert_eq!(copies.len(), published.len());
    for file in published {
        let copy = self::file(&files, &format!("{}/{}", codegen::CONTRACT_CRATE_COPY, file.path));
        assert_eq!(copy.contents, file.contents, "{}", copy.path);
    }
}

#[test]
fn every_file_is_canonical_json_with_the_marker() {
    for file in generated() {
        let value: Value =
            serde_json::from_str(&file.contents).unwrap_or_else(|error| panic!("{}: {error}", file.path));
        assert_eq!(
            codegen_text(&value),
            file.contents,
            "{}: not in canonical form",
            file.path
        );
        assert!(
            file.contents.ends_with("}\n") && !file.contents.contains('\r'),
            "{}",
            file.path
        );
        let marker = if file.path.ends_with(".schema.json") {
            &value["$comment"]
        } else {
            &value["x-generated"]
        };
        assert_eq!(marker, MARKER, "{}", file.path);
    }
}

/// Keys sorted, two-space indent, final newline: what the generator promises.
fn codegen_text(value: &Value) -> String {
    fn sorted(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut entries: Vec<_> = map.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                Value::Object(
                    entries
                        .into_iter()
                        .map(|(key, value)| (key.clone(), sorted(value)))
                        .collect(),
                )
            }
            Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    serde_json::to_string_pretty(&sorted(value)).unwrap() + "\n"
}

#[test]
fn check_mode_names_every_stale_missing_and_extra_file_and_changes_nothing() {
    let files = generated();
    let root = tempfile::tempdir().unwrap();
    assert_eq!(
        codegen::update(root.path(), &files, Mode::Write).unwrap().len(),
        files.len()
    );
    assert_eq!(codegen::update(root.path(), &files, Mode::Check), Ok(Vec::new()));

    let stale = "schemas/ApiError.schema.json";
    let edited = std::fs::read_to_string(root.path().join(stale))
        .unwrap()
        .replace("Human-readable", "Hand-edited");
    std::fs::write(root.path().join(stale), &edited).unwrap();
    std::fs::remove_file(root.path().join(OPENAPI_30)).unwrap();
    std::fs::write(root.path().join("schemas/Old.schema.json"), "{}\n").unwrap();
    let before = snapshot_of(root.path());

    let report = codegen::update(root.path(), &files, Mode::Check).unwrap_err();
    assert!(report.contains(&format!("{stale} is stale")), "{report}");
    assert!(
        report.contains("-      \"description\": \"Hand-edited message.\","),
        "{report}"
    );
    assert!(
        report.contains("+      \"description\": \"Human-readable message.\","),
        "{report}"
    );
    assert!(report.contains(&format!("{OPENAPI_30} is missing")), "{report}");
    assert!(
        report.contains("schemas/Old.schema.json is no longer generated"),
        "{report}"
    );
    assert!(
        report.ends_with(&format!(
            "3 generated file(s) out of date; run `{COMMAND}` and commit the result"
        )),
        "{report}"
    );
    assert_eq!(snapshot_of(root.path()), before, "check mode changed files");

    let fixed = codegen::update(root.path(), &files, Mode::Write).unwrap();
    assert_eq!(fixed, [OPENAPI_30, stale, "schemas/Old.schema.json"]);
    assert_eq!(codegen::update(root.path(), &files, Mode::Check), Ok(Vec::new()));
}

#[test]
fn line_endings_do_not_count_as_drift() {
    let files = generated();
    let root = tempfile::tempdir().unwrap();
    codegen::update(root.path(), &files, Mode::Write).unwrap();
    let path = root.path().join("schemas/Cloud.schema.json");
    let crlf = std::fs::read_to_string(&path).unwrap().replace('\n', "\r\n");
    std::fs::write(&path, crlf).unwrap();
    assert_eq!(codegen::update(root.path(), &files, Mode::Check), Ok(Vec::new()));
}

fn snapshot_of(root: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for dir in codegen::GENERATED_DIRS {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            files.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
        }
    }
    files.sort();
    files
}

/// The contract in a form made to be read in review: every schema with its fields, then every
/// operation. A change to the generated files that changes the contract changes this snapshot.
#[test]
fn the_contract_summary() {
    let files = generated();
    let openapi: Value = serde_json::from_str(&file(&files, OPENAPI_31).contents).unwrap();
    let mut summary = String::new();

    writeln!(
        summary,
        "# Schemas (components of {OPENAPI_31}; schemas/ holds the payloads)\n"
    )
    .unwrap();
    for (name, schema) in openapi["components"]["schemas"].as_object().unwrap() {
        let published = files
            .iter()
            .any(|file| file.path == format!("schemas/{name}.schema.json"));
        writeln!(
            summary,
            "{name}{}: {}",
            if published { "" } else { " (OpenAPI only)" },
            shape(schema)
        )
        .unwrap();
        let required: Vec<&str> = schema["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for (field, property) in schema["properties"].as_object().into_iter().flatten() {
            let mark = if required.contains(&field.as_str()) { "" } else { "?" };
            writeln!(summary, "  {field}{mark}: {}", shape(property)).unwrap();
        }
        // Fields typed under a condition: `anyOf: [{not: <condition>}, {properties: …}]`.
        for rule in schema["allOf"].as_array().into_iter().flatten() {
            let condition = &rule["anyOf"][0]["not"];
            for (field, property) in rule["anyOf"][1]["properties"].as_object().into_iter().flatten() {
                let when: Vec<String> = condition["properties"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(name, test)| format!("{name} {}", shape(test)))
                    .collect();
                writeln!(summary, "  {field}? when {}: {}", when.join(", "), shape(property)).unwrap();
            }
        }
    }

    writeln!(summary, "\n# Operations (security: {})\n", openapi["security"]).unwrap();
    for (path, item) in openapi["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let parameters: Vec<String> = operation["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|parameter| {
                    let repeated = if parameter["explode"] == true { "[]" } else { "" };
                    let optional = if parameter["required"] == true { "" } else { "?" };
                    format!("{}{repeated}{optional}", parameter["name"].as_str().unwrap())
                })
                .collect();
            let body = &operation["requestBody"]["content"]["application/json"];
            let responses: Vec<String> = operation["responses"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(status, response)| match response["$ref"].as_str() {
                    Some(reference) => format!("{status} {}", reference.rsplit('/').next().unwrap()),
                    None => {
                        let content = &response["content"]["application/json"];
                        format!("{status} {}{}", shape(&content["schema"]), examples(content))
                    }
                })
                .collect();
            writeln!(
                summary,
                "{} {path}\n  {} [{}] {:?}\n  parameters: {}\n  body: {}\n  responses: {}\n  security: {}",
                method.to_uppercase(),
                operation["operationId"].as_str().unwrap(),
                operation["tags"][0].as_str().unwrap(),
                operation["summary"].as_str().unwrap(),
                if parameters.is_empty() {
                    "-".to_owned()
                } else {
                    parameters.join(", ")
                },
                if body.is_null() {
                    "-".to_owned()
                } else {
                    format!("{}{}", shape(&body["schema"]), examples(body))
                },
                responses.join(", "),
                operation["security"],
            )
            .unwrap();
        }
    }
    insta::assert_snapshot!(summary);
}

/// A one-line description of a schema's shape.
fn shape(schema: &Value) -> String {
    if let Some(reference) = schema["$ref"].as_str() {
        let mut text = reference.rsplit('/').next().unwrap().to_owned();
        if schema.get("not").is_some() {
            write!(text, " not({})", shape(&schema["not"])).unwrap();
        }
        return text;
    }
    if schema == &Value::Bool(false) {
        return "absent".to_owned();
    }
    let mut kinds: Vec<String> = match &schema["type"] {
        Value::String(kind) => vec![kind.clone()],
        Value::Array(kinds) => kinds.iter().map(|kind| kind.as_str().unwrap().to_owned()).collect(),
        _ => vec![],
    };
    for kind in &mut kinds {
        match kind.as_str() {
            "array" => *kind = format!("array<{}>", shape(&schema["items"])),
            "object" if schema["additionalProperties"].is_object() => {
                *kind = format!("map<{}>", shape(&schema["additionalProperties"]));
            }
            "string" | "integer" if schema["format"].is_string() => {
                *kind = format!("{kind}({})", schema["format"].as_str().unwrap());
            }
            _ => {}
        }
    }
    let mut text = if kinds.is_empty() {
        "any".to_owned()
    } else {
        kinds.join(" | ")
    };
    for keyword in [
        "const",
        "enum",
        "minimum",
        "maximum",
        "minItems",
        "minLength",
        "pattern",
    ] {
        if let Some(value) = schema.get(keyword) {
            write!(text, " {keyword}={value}").unwrap();
        }
    }
    for keyword in ["oneOf", "anyOf"] {
        if let Some(branches) = schema[keyword].as_array() {
            let branches: Vec<String> = branches.iter().map(shape).collect();
            write!(text, " {keyword}({})", branches.join("; ")).unwrap();
        }
    }
    if schema.get("not").is_some() {
        write!(text, " not({})", shape(&schema["not"])).unwrap();
    }
    if schema["additionalProperties"] == true {
        text.push_str(", other fields allowed");
    }
    text
}

fn examples(content: &Value) -> String {
    match content["examples"].as_object() {
        Some(examples) => format!(
            " (examples: {})",
            examples.keys().cloned().collect::<Vec<_>>().join(", ")
        ),
        None => String::new(),
    }
}
