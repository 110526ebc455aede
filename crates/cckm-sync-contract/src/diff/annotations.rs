//! What changed that no client can see on the wire: descriptions, examples, titles,
//! comments, operation ids, tags, links, extensions. One change per keyword, listing where.

use std::collections::BTreeMap;

use serde_json::Value;

use super::change::{Change, Impact, Place};
use super::schema::{self, join};
use super::version::{Version, VersionKind};

/// Keys whose values are names (of properties, paths, statuses, content types, …), not
/// keywords.
const NAME_MAPS: [&str; 19] = [
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
    "paths",
    "schemas",
    "responses",
    "parameters",
    "requestBodies",
    "headers",
    "securitySchemes",
    "content",
    "callbacks",
    "variables",
    "mapping",
    "encoding",
    "webhooks",
    "pathItems",
];

/// Keywords of a document that no validator and no request reads.
fn is_annotation(key: &str) -> bool {
    key != "$id"
        && key != "$schema"
        && (schema::is_annotation(key)
            || matches!(
                key,
                "operationId" | "tags" | "links" | "contact" | "license" | "termsOfService" | "jsonSchemaDialect"
            ))
}

fn summary(keyword: &str) -> String {
    match keyword {
        "description" | "summary" => "descriptions changed".to_owned(),
        "title" => "titles changed (the names some generators give models)".to_owned(),
        "examples" | "example" => "examples changed".to_owned(),
        "default" => "defaults changed (what is assumed without a value; not what is accepted)".to_owned(),
        "$comment" => "comments changed".to_owned(),
        "operationId" => "operation ids changed (the names generated clients give calls)".to_owned(),
        "tags" => "tags changed".to_owned(),
        "links" => "links changed (the calls a response leads to)".to_owned(),
        keyword if keyword.starts_with("x-") => format!("the extension `{keyword}` changed"),
        keyword => format!("`{keyword}` changed"),
    }
}

pub(crate) fn compare(old: &Version, new: &Version) -> Vec<Change> {
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let both_folders = old.kind == VersionKind::SchemaFolder && new.kind == VersionKind::SchemaFolder;
    for (file, before) in &old.resources {
        let after = if both_folders {
            new.resources.get(file)
        } else {
            new.resources.values().next()
        };
        let Some(after) = after else {
            continue;
        };
        let prefix = if both_folders {
            format!("{file}#")
        } else {
            String::new()
        };
        walk(before, after, "", false, 0, &mut |pointer, keyword| {
            found
                .entry(keyword.to_owned())
                .or_default()
                .push(format!("{prefix}{pointer}"));
        });
        if !both_folders {
            break;
        }
    }
    found
        .into_iter()
        .map(|(keyword, pointers)| {
            let summary = summary(&keyword);
            Change::new(Impact::None, Place::Annotations { keyword, pointers }, summary)
        })
        .collect()
}

fn walk(old: &Value, new: &Value, pointer: &str, names: bool, depth: usize, found: &mut dyn FnMut(&str, &str)) {
    if depth > schema::MAX_DEPTH {
        return;
    }
    match (old, new) {
        (Value::Object(before), Value::Object(after)) => {
            let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let at = join(pointer, key);
                match (before.get(key), after.get(key)) {
                    (left, right) if !names && is_annotation(key) && left != right => found(&at, key),
                    (_, _) if !names && is_annotation(key) => {}
                    (Some(left), Some(right)) => {
                        walk(left, right, &at, NAME_MAPS.contains(&key.as_str()), depth + 1, found);
                    }
                    _ => {}
                }
            }
        }
        (Value::Array(before), Value::Array(after)) if before.len() == after.len() => {
            for (index, (left, right)) in before.iter().zip(after).enumerate() {
                walk(left, right, &join(pointer, &index.to_string()), false, depth + 1, found);
            }
        }
        _ => {}
    }
}
