//! The canonical form of a schema, to tell "did the schema change at all", and the stable
//! text and hash of a value.

use std::hash::{DefaultHasher, Hash, Hasher};

use serde_json::{Map, Value};

use super::numbers::{format_range, tighten};
use super::schema::{MAX_DEPTH, SCHEMA_LISTS, SCHEMA_MAPS, SCHEMA_SINGLES, is_annotation};

/// Keywords that must stay in one schema object to mean what they mean: merging two objects
/// that split one of these groups would change what they accept.
const TIED: [&[&str]; 4] = [
    &[
        "properties",
        "patternProperties",
        "additionalProperties",
        "unevaluatedProperties",
    ],
    &["items", "prefixItems", "additionalItems", "unevaluatedItems"],
    &["contains", "minContains", "maxContains"],
    &["if", "then", "else"],
];

fn mergeable(into: &Map<String, Value>, part: &Map<String, Value>) -> bool {
    if part.keys().any(|key| into.contains_key(key)) {
        return false;
    }
    TIED.iter().all(|group| {
        let left = group.iter().any(|key| into.contains_key(*key));
        let right = group.iter().any(|key| part.contains_key(*key));
        !(left && right)
    })
}

/// The canonical form of a resolved schema: annotations dropped, defaults dropped, one-value
/// `enum`s as `const`, lists that are sets sorted, nested `allOf`s flattened and merged where
/// that means the same. Two schemas with the same canonical form accept the same values.
pub(crate) fn canonical(value: &Value, depth: usize) -> Value {
    let Value::Object(map) = value else {
        return value.clone();
    };
    if depth > MAX_DEPTH {
        return value.clone();
    }
    let mut out = Map::new();
    for (key, child) in map {
        if is_annotation(key) {
            continue;
        }
        match key.as_str() {
            "$defs" | "definitions" => {}
            key if SCHEMA_SINGLES.contains(&key) => {
                let child = match child {
                    Value::Array(items) => Value::Array(items.iter().map(|item| canonical(item, depth + 1)).collect()),
                    child => canonical(child, depth + 1),
                };
                out.insert(key.to_owned(), child);
            }
            key if SCHEMA_LISTS.contains(&key) => {
                let child = match child {
                    Value::Array(items) => Value::Array(items.iter().map(|item| canonical(item, depth + 1)).collect()),
                    other => other.clone(),
                };
                out.insert(key.to_owned(), child);
            }
            key if SCHEMA_MAPS.contains(&key) => {
                let child = match child {
                    Value::Object(children) => Value::Object(
                        children
                            .iter()
                            .map(|(name, child)| (name.clone(), canonical(child, depth + 1)))
                            .collect(),
                    ),
                    other => other.clone(),
                };
                out.insert(key.to_owned(), child);
            }
            "type" => {
                let child = match child {
                    Value::Array(kinds) => {
                        let mut kinds: Vec<String> = kinds.iter().map(Value::to_string).collect();
                        kinds.sort();
                        kinds.dedup();
                        let kinds: Vec<Value> = kinds
                            .iter()
                            .filter_map(|kind| serde_json::from_str(kind).ok())
                            .collect();
                        match kinds.as_slice() {
                            [one] => one.clone(),
                            _ => Value::Array(kinds),
                        }
                    }
                    other => other.clone(),
                };
                out.insert("type".to_owned(), child);
            }
            "enum" => match child {
                Value::Array(values) if values.len() == 1 => {
                    if let Some(value) = values.first() {
                        out.insert("const".to_owned(), value.clone());
                    }
                }
                Value::Array(values) => {
                    out.insert("enum".to_owned(), Value::Array(sorted_set(values)));
                }
                other => {
                    out.insert("enum".to_owned(), other.clone());
                }
            },
            "required" => match child {
                Value::Array(names) if names.is_empty() => {}
                Value::Array(names) => {
                    out.insert("required".to_owned(), Value::Array(sorted_set(names)));
                }
                other => {
                    out.insert("required".to_owned(), other.clone());
                }
            },
            _ => {
                out.insert(key.clone(), child.clone());
            }
        }
    }
    // A numeric format of the OpenAPI format registry bounds an integer (`uint64`: an
    // unsigned 64-bit integer), though a validator treats formats of numbers as annotations.
    if let Some(range) = out.get("format").and_then(Value::as_str).and_then(format_range) {
        if !out.contains_key("exclusiveMinimum") {
            tighten(&mut out, "minimum", range.0, true);
        }
        if !out.contains_key("exclusiveMaximum") {
            tighten(&mut out, "maximum", range.1, false);
        }
    }
    for key in [
        "additionalProperties",
        "items",
        "unevaluatedProperties",
        "unevaluatedItems",
        "propertyNames",
        "additionalItems",
    ] {
        if out.get(key) == Some(&Value::Bool(true)) {
            out.remove(key);
        }
    }
    if let Some(Value::Array(parts)) = out.remove("allOf") {
        let mut flat = Vec::new();
        let mut queue: Vec<Value> = parts;
        queue.reverse();
        while let Some(part) = queue.pop() {
            match part {
                Value::Bool(true) => {}
                Value::Object(inner) if inner.len() == 1 && inner.contains_key("allOf") => {
                    if let Some(Value::Array(nested)) = inner.get("allOf") {
                        queue.extend(nested.iter().rev().cloned());
                    }
                }
                other => flat.push(other),
            }
        }
        let mut rest = Vec::new();
        for part in flat {
            match part {
                Value::Object(part) if mergeable(&out, &part) => out.extend(part),
                other => rest.push(other),
            }
        }
        match rest.len() {
            0 => {}
            _ => {
                out.insert("allOf".to_owned(), Value::Array(rest));
            }
        }
    }
    if out.is_empty() {
        return Value::Bool(true);
    }
    if out.len() == 1 && out.get("not") == Some(&Value::Bool(true)) {
        return Value::Bool(false);
    }
    Value::Object(out)
}

fn sorted_set(values: &[Value]) -> Vec<Value> {
    let mut keyed: Vec<(String, Value)> = values
        .iter()
        .map(|value| (sorted_string(value), value.clone()))
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed.dedup_by(|a, b| a.0 == b.0);
    keyed.into_iter().map(|(_, value)| value).collect()
}

/// The JSON text of `value` with every object's keys sorted, whatever the map type keeps.
pub(crate) fn sorted_string(value: &Value) -> String {
    fn write(value: &Value, out: &mut String) {
        match value {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                out.push('{');
                for (index, key) in keys.into_iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::String(key.clone()).to_string());
                    out.push(':');
                    if let Some(child) = map.get(key) {
                        write(child, out);
                    }
                }
                out.push('}');
            }
            Value::Array(items) => {
                out.push('[');
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    write(item, out);
                }
                out.push(']');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let mut out = String::new();
    write(value, &mut out);
    out
}

/// A hash of `value` that equal values share (objects by their keys in order, which a
/// `serde_json` map keeps sorted): to tell repeated probes apart without writing them out.
pub(crate) fn fingerprint(value: &Value) -> u64 {
    fn feed(value: &Value, hasher: &mut DefaultHasher) {
        match value {
            Value::Null => 0_u8.hash(hasher),
            Value::Bool(flag) => (1_u8, flag).hash(hasher),
            Value::Number(number) => (2_u8, number.to_string()).hash(hasher),
            Value::String(text) => (3_u8, text).hash(hasher),
            Value::Array(items) => {
                (4_u8, items.len()).hash(hasher);
                items.iter().for_each(|item| feed(item, hasher));
            }
            Value::Object(map) => {
                (5_u8, map.len()).hash(hasher);
                for (key, child) in map {
                    key.hash(hasher);
                    feed(child, hasher);
                }
            }
        }
    }
    let mut hasher = DefaultHasher::new();
    feed(value, &mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn canonical_forms_of_the_same_schema_are_equal() {
        // 3.1: a `$ref` with siblings; 3.0: the same in `allOf`, once resolved.
        let cloud = json!({"type": "string", "examples": ["aws"]});
        let a = json!({"allOf": [cloud], "not": {"pattern": "^gcp$", "type": "string"}, "description": "a"});
        let b = json!({"allOf": [{"allOf": [cloud]}], "not": {"type": "string", "pattern": "^gcp$"}});
        assert_eq!(canonical(&a, 0), canonical(&b, 0));
        assert_eq!(
            canonical(&json!({"enum": [true], "type": ["boolean"]}), 0),
            json!({"const": true, "type": "boolean"})
        );
        assert_eq!(canonical(&json!({"description": "x"}), 0), json!(true));
        assert_eq!(canonical(&json!({"not": {}}), 0), json!(false));
        // `properties` and `additionalProperties: false` must stay together.
        let split = json!({"properties": {"a": {}}, "allOf": [{"additionalProperties": false}]});
        assert!(canonical(&split, 0).get("allOf").is_some());
    }
}
