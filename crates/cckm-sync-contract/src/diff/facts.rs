//! What a schema says beyond what it accepts: the properties it lists, the known values of its
//! open enums, its types and references.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::schema::{MAX_DEPTH, SCHEMA_MAPS, is_annotation, join};

/// What a schema says beyond what it accepts: the instance paths of the properties it lists
/// (`/resources/*/kms`), and the known values of its open enums by instance path.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Facts {
    pub(crate) listed: BTreeSet<String>,
    pub(crate) known: BTreeMap<String, BTreeSet<String>>,
}

impl Facts {
    pub(crate) fn of(resolved: &Value) -> Self {
        let mut facts = Self::default();
        facts.walk(resolved, "", 0);
        facts
    }

    fn walk(&mut self, value: &Value, path: &str, depth: usize) {
        let Value::Object(map) = value else {
            return;
        };
        if depth > MAX_DEPTH {
            return;
        }
        if let Some(Value::Object(properties)) = map.get("properties") {
            for (name, child) in properties {
                let at = join(path, name);
                self.listed.insert(at.clone());
                self.walk(child, &at, depth + 1);
            }
        }
        for key in ["items", "additionalProperties"] {
            if let Some(child) = map.get(key).filter(|child| child.is_object()) {
                self.walk(child, &format!("{path}/*"), depth + 1);
            }
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(Value::Array(parts)) = map.get(key) {
                for part in parts {
                    self.walk(part, path, depth + 1);
                }
            }
        }
        if let Some(known) = open_enum(map) {
            self.known.entry(path.to_owned()).or_default().extend(known);
        }
    }
}

/// The known values of an open enum: a string schema with no other constraint whose
/// `examples` (or `x-extensible-enum`) list them, or an `anyOf`/`oneOf` of an `enum` (or
/// `const`) and a plain string. OpenAPI 3.0's single `example` lists none.
fn open_enum(map: &Map<String, Value>) -> Option<BTreeSet<String>> {
    let strings = |values: &Value| -> Option<BTreeSet<String>> {
        let values = values.as_array()?;
        let known: BTreeSet<String> = values.iter().filter_map(Value::as_str).map(str::to_owned).collect();
        (!known.is_empty()).then_some(known)
    };
    let plain_string = |map: &Map<String, Value>| -> bool {
        let kinds = match map.get("type") {
            Some(Value::String(kind)) => vec![kind.as_str()],
            Some(Value::Array(kinds)) => kinds.iter().filter_map(Value::as_str).collect(),
            _ => return false,
        };
        kinds.contains(&"string")
            && kinds.iter().all(|kind| matches!(*kind, "string" | "null"))
            && !["enum", "const", "pattern", "format", "minLength", "maxLength", "not"]
                .iter()
                .any(|key| map.contains_key(*key))
    };
    if plain_string(map) {
        if let Some(known) = map.get("x-extensible-enum").and_then(strings) {
            return Some(known);
        }
        if let Some(known) = map.get("examples").and_then(strings) {
            return Some(known);
        }
    }
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(branches)) = map.get(key) else {
            continue;
        };
        let mut known = BTreeSet::new();
        let mut open = false;
        for branch in branches.iter().filter_map(Value::as_object) {
            if let Some(values) = branch.get("enum").and_then(strings) {
                known.extend(values);
            } else if let Some(Value::String(value)) = branch.get("const") {
                known.insert(value.clone());
            } else if plain_string(branch) {
                open = true;
            }
        }
        if open && !known.is_empty() {
            return Some(known);
        }
    }
    None
}

/// The JSON types a schema admits at its top level, as far as its keywords say: `type`, the
/// types of `const` and `enum` values, and those of its `allOf`, `anyOf` and `oneOf` parts.
/// Empty when nothing says.
pub(crate) fn types(value: &Value, depth: usize) -> BTreeSet<&'static str> {
    let mut kinds = BTreeSet::new();
    let Value::Object(map) = value else {
        return kinds;
    };
    if depth > 16 {
        return kinds;
    }
    let name = |kind: &str| -> Option<&'static str> {
        Some(match kind {
            "string" => "string",
            "integer" => "integer",
            "number" => "number",
            "boolean" => "boolean",
            "array" => "array",
            "object" => "object",
            "null" => "null",
            _ => return None,
        })
    };
    match map.get("type") {
        Some(Value::String(kind)) => kinds.extend(name(kind)),
        Some(Value::Array(list)) => kinds.extend(list.iter().filter_map(Value::as_str).filter_map(name)),
        _ => {}
    }
    let of_value = |value: &Value| -> &'static str {
        match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(number) if number.is_f64() => "number",
            Value::Number(_) => "integer",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    };
    if kinds.is_empty() {
        if let Some(value) = map.get("const") {
            kinds.insert(of_value(value));
        }
        if let Some(Value::Array(values)) = map.get("enum") {
            kinds.extend(values.iter().map(of_value));
        }
    }
    if kinds.is_empty() {
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(Value::Array(parts)) = map.get(key) {
                for part in parts {
                    kinds.extend(types(part, depth + 1));
                }
            }
        }
    }
    if kinds.is_empty() && map.contains_key("items") {
        kinds.insert("array");
    }
    kinds
}

/// Calls `visit` with every `$ref` of `value` outside data keywords (examples, defaults,
/// `const`, `enum`).
pub(crate) fn references(value: &Value, depth: usize, visit: &mut dyn FnMut(&str)) {
    if depth > MAX_DEPTH {
        return;
    }
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                match (key.as_str(), child) {
                    ("$ref", Value::String(reference)) => visit(reference),
                    ("example" | "examples" | "default" | "const" | "enum", _) => {}
                    _ => references(child, depth + 1, visit),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| references(item, depth + 1, visit)),
        _ => {}
    }
}

/// `value` without annotations, at every depth (the names of properties, and data such as
/// `enum` and `const` values, kept as they are).
pub(crate) fn strip_annotations(value: &Value) -> Value {
    fn strip(value: &Value, names: bool, depth: usize) -> Value {
        match value {
            Value::Object(map) if depth <= MAX_DEPTH => Value::Object(
                map.iter()
                    .filter(|(key, _)| names || !is_annotation(key))
                    .map(|(key, child)| {
                        let child = if !names && matches!(key.as_str(), "enum" | "const") {
                            child.clone()
                        } else {
                            strip(child, !names && SCHEMA_MAPS.contains(&key.as_str()), depth + 1)
                        };
                        (key.clone(), child)
                    })
                    .collect(),
            ),
            Value::Array(items) => Value::Array(items.iter().map(|item| strip(item, false, depth + 1)).collect()),
            other => other.clone(),
        }
    }
    strip(value, false, 0)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn open_enums_list_their_known_values() {
        let status = json!({"type": "string", "examples": ["completed", "failed"]});
        let facts = Facts::of(&json!({"properties": {"overall_status": {"allOf": [status]}}}));
        assert_eq!(
            facts.known["/overall_status"],
            BTreeSet::from(["completed".to_owned(), "failed".to_owned()])
        );
        assert!(facts.listed.contains("/overall_status"));
        // A pattern is no open enum; 3.0's single `example` lists nothing.
        let sort = json!({"type": "string", "pattern": "^x$", "examples": ["x"]});
        assert!(Facts::of(&sort).known.is_empty());
        let any = json!({"anyOf": [{"enum": ["aws", "gcp"]}, {"type": "string"}]});
        assert_eq!(Facts::of(&any).known[""].len(), 2);
    }
}
