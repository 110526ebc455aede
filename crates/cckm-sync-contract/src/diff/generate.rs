//! Instances generated from a resolved schema, and mutations of them: the probes that find what
//! the documents' own examples do not show.
//!
//! Deterministic: the same schema gives the same instances in the same order. The first
//! instance of a schema is its base: every listed property present, each with its own base.
//! The others change one thing of the base at a time: an optional property left out, a
//! nullable one `null`, another value of an enum, `const`, example or type, an unknown
//! property, an integer at a bound.

use std::collections::{HashMap, HashSet};

use jsonschema::Validator;
use serde_json::{Map, Value, json};

use super::canonical::{fingerprint, sorted_string};
use super::numbers::{integer_of, number_of};
use super::pattern;

/// How many instances a scalar schema node gives at most.
const NODE_INSTANCES: usize = 24;
/// How many instances an object or array schema node gives at most: one per variant of each
/// of its properties or items.
const STRUCTURE_INSTANCES: usize = 256;
/// How many variants of one scalar property an object's instances take.
const PROPERTY_VARIANTS: usize = 16;
/// How deep instances nest.
const MAX_DEPTH: usize = 12;
/// The name of the property no schema lists.
pub(crate) const UNKNOWN_PROPERTY: &str = "unknown_field";
/// 2^53: beyond it a double does not hold every integer.
const TWO_POW_53: i64 = 9_007_199_254_740_992;

/// Instances of `schema` (resolved: references inlined), its base first.
#[cfg(test)]
pub(crate) fn instances(schema: &Value) -> Vec<Value> {
    Generator::default().instances(schema)
}

/// Generates instances; remembers what it worked out once for a schema: the validators of
/// the `not` schemas met (which keep a base from being a value its `not` refuses) and the
/// strings of each pattern.
#[derive(Default)]
pub(crate) struct Generator {
    refused: HashMap<String, Option<Validator>>,
    patterns: HashMap<String, Vec<String>>,
}

/// `values` without repeats, in order, as many as a node gives.
fn unique(values: Vec<Value>) -> Vec<Value> {
    let cap = if values
        .iter()
        .any(|value| matches!(value, Value::Object(_) | Value::Array(_)))
    {
        STRUCTURE_INSTANCES
    } else {
        NODE_INSTANCES
    };
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for value in values {
        if out.len() >= cap {
            break;
        }
        if seen.insert(fingerprint(&value)) {
            out.push(value);
        }
    }
    out
}

/// The object schema with its `allOf` parts merged in (properties, required, types), as far
/// as generating a base is concerned.
fn merged(map: &Map<String, Value>, depth: usize) -> Map<String, Value> {
    let mut out = map.clone();
    let Some(Value::Array(parts)) = out.remove("allOf") else {
        return out;
    };
    if depth > MAX_DEPTH {
        return out;
    }
    for part in parts {
        let Value::Object(part) = part else {
            continue;
        };
        let part = merged(&part, depth + 1);
        for (key, value) in part {
            match (key.as_str(), out.get_mut(&key)) {
                ("properties", Some(Value::Object(properties))) => {
                    if let Value::Object(more) = value {
                        for (name, schema) in more {
                            match properties.get_mut(&name) {
                                Some(existing) => {
                                    *existing = json!({"allOf": [existing.clone(), schema]});
                                }
                                None => {
                                    properties.insert(name, schema);
                                }
                            }
                        }
                    }
                }
                ("required", Some(Value::Array(required))) => {
                    if let Value::Array(more) = value {
                        for name in more {
                            if !required.contains(&name) {
                                required.push(name);
                            }
                        }
                    }
                }
                ("examples", Some(Value::Array(examples))) => {
                    if let Value::Array(more) = value {
                        examples.extend(more);
                    }
                }
                (_, Some(_)) => {}
                (_, None) => {
                    out.insert(key, value);
                }
            }
        }
    }
    out
}

impl Generator {
    /// Instances of `schema` (resolved: references inlined), its base first.
    pub(crate) fn instances(&mut self, schema: &Value) -> Vec<Value> {
        self.node(schema, 0)
    }

    fn node(&mut self, schema: &Value, depth: usize) -> Vec<Value> {
        if depth > MAX_DEPTH {
            return Vec::new();
        }
        let map = match schema {
            Value::Bool(false) => return Vec::new(),
            Value::Object(map) => merged(map, depth),
            _ => return vec![Value::String("x".to_owned())],
        };
        let mut out = Vec::new();
        // Branches: the instances of each, the rest of the schema merged in.
        for key in ["anyOf", "oneOf"] {
            if let Some(Value::Array(branches)) = map.get(key) {
                let mut rest = map.clone();
                rest.remove("anyOf");
                rest.remove("oneOf");
                for branch in branches {
                    let mut combined = Map::new();
                    combined.insert(
                        "allOf".to_owned(),
                        Value::Array(vec![Value::Object(rest.clone()), branch.clone()]),
                    );
                    out.extend(self.node(&Value::Object(combined), depth + 1));
                }
                return unique(out);
            }
        }
        if let Some(Value::Array(examples)) = map.get("examples") {
            out.extend(examples.iter().cloned());
        }
        out.extend(map.get("example").cloned());
        if let Some(value) = map.get("const") {
            out.push(value.clone());
            return unique(out);
        }
        if let Some(Value::Array(values)) = map.get("enum") {
            out.extend(values.iter().cloned());
            return unique(out);
        }
        out.extend(map.get("default").cloned());
        let mut kinds: Vec<&str> = match map.get("type") {
            Some(Value::String(kind)) => vec![kind.as_str()],
            Some(Value::Array(kinds)) => kinds.iter().filter_map(Value::as_str).collect(),
            _ => vec![inferred_type(&map)],
        };
        // `null` last: the base is a value of the schema's other type.
        kinds.sort_by_key(|kind| *kind == "null");
        for kind in kinds {
            out.extend(self.of_type(kind, &map, depth));
        }
        if let Some(not) = map.get("not") {
            // A base its `not` refuses would make every variant refused: values the `not`
            // refuses go last, and instances of the `not` join them (`gcp` for a job of
            // another family).
            if let Some(refused) = self.refused(not) {
                let (kept, last): (Vec<Value>, Vec<Value>) =
                    out.into_iter().partition(|value| !refused.is_valid(value));
                out = kept;
                out.extend(last);
            }
            out.extend(self.node(not, depth + 1).into_iter().take(NODE_INSTANCES / 3));
        }
        unique(out)
    }

    fn of_type(&mut self, kind: &str, map: &Map<String, Value>, depth: usize) -> Vec<Value> {
        match kind {
            "object" => self.object(map, depth),
            "array" => self.array(map, depth),
            "string" => self.string(map),
            "integer" => numbers(map, true),
            "number" => numbers(map, false),
            "boolean" => vec![Value::Bool(true), Value::Bool(false)],
            "null" => vec![Value::Null],
            _ => Vec::new(),
        }
    }

    fn object(&mut self, map: &Map<String, Value>, depth: usize) -> Vec<Value> {
        let required: Vec<&str> = map
            .get("required")
            .and_then(Value::as_array)
            .map(|names| names.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let properties = map.get("properties").and_then(Value::as_object);
        let mut base = Map::new();
        let mut variants: Vec<(String, Vec<Value>)> = Vec::new();
        let mut forbidden = Vec::new();
        if let Some(properties) = properties {
            for (name, schema) in properties {
                let mut values = self.node(schema, depth + 1);
                if values.is_empty() {
                    forbidden.push(name.clone());
                    continue;
                }
                let first = values.remove(0);
                base.insert(name.clone(), first);
                variants.push((name.clone(), values));
            }
        }
        for name in &required {
            if !base.contains_key(*name) && !forbidden.iter().any(|forbidden| forbidden == name) {
                base.insert((*name).to_owned(), Value::String("x".to_owned()));
            }
        }
        // A map: one entry of its values' schema.
        if properties.is_none_or(Map::is_empty)
            && let Some(values) = map.get("additionalProperties").filter(|schema| schema.is_object())
            && let Some(value) = self.node(values, depth + 1).into_iter().next()
        {
            base.insert("key".to_owned(), value);
        }
        let mut out = vec![Value::Object(base.clone())];
        for name in base.keys() {
            if !required.contains(&name.as_str()) {
                let mut without = base.clone();
                without.remove(name);
                out.push(Value::Object(without));
            }
        }
        for (name, values) in &variants {
            // Every variant of a nested object or list (a page's jobs), a few of a scalar.
            let take = if values.iter().any(|value| value.is_object() || value.is_array()) {
                STRUCTURE_INSTANCES
            } else {
                PROPERTY_VARIANTS
            };
            for value in values.iter().take(take) {
                let mut with = base.clone();
                with.insert(name.clone(), value.clone());
                out.push(Value::Object(with));
            }
        }
        let mut unknown = base.clone();
        unknown.insert(UNKNOWN_PROPERTY.to_owned(), Value::String("x".to_owned()));
        out.push(Value::Object(unknown));
        for name in forbidden {
            for value in [Value::Null, Value::String("x".to_owned())] {
                let mut with = base.clone();
                with.insert(name.clone(), value);
                out.push(Value::Object(with));
            }
        }
        out
    }

    fn array(&mut self, map: &Map<String, Value>, depth: usize) -> Vec<Value> {
        let items = match map.get("items") {
            Some(schema @ (Value::Object(_) | Value::Bool(_))) => self.node(schema, depth + 1),
            _ => vec![Value::String("x".to_owned())],
        };
        let min = map.get("minItems").and_then(Value::as_u64).unwrap_or(0);
        let max = map.get("maxItems").and_then(Value::as_u64);
        let count = usize::try_from(min.max(1).min(max.unwrap_or(u64::MAX)).min(4)).unwrap_or(1);
        let mut out = Vec::new();
        if let Some(first) = items.first() {
            out.push(Value::Array(vec![first.clone(); count]));
            for item in items.iter().skip(1) {
                out.push(Value::Array(vec![item.clone(); count.max(1)]));
            }
            if count < 2 {
                out.push(Value::Array(vec![first.clone(); 2]));
            }
        }
        out.push(Value::Array(Vec::new()));
        out
    }

    fn string(&mut self, map: &Map<String, Value>) -> Vec<Value> {
        let mut out: Vec<String> = Vec::new();
        if let Some(format) = map.get("format").and_then(Value::as_str) {
            let sample = match format {
                "date-time" => Some("2020-11-05T06:39:45Z"),
                "date" => Some("2020-11-05"),
                "time" => Some("06:39:45Z"),
                "uuid" => Some("0ea5d52e-387c-44fa-b079-21c8b768f77b"),
                "email" => Some("user@example.com"),
                "uri" | "url" | "iri" => Some("https://example.com/"),
                "uri-reference" | "iri-reference" => Some("/path"),
                "hostname" | "idn-hostname" => Some("example.com"),
                "ipv4" => Some("192.0.2.1"),
                "ipv6" => Some("2001:db8::1"),
                "duration" => Some("P1D"),
                _ => None,
            };
            out.extend(sample.map(str::to_owned));
        }
        if let Some(pattern) = map.get("pattern").and_then(Value::as_str) {
            let strings = self
                .patterns
                .entry(pattern.to_owned())
                .or_insert_with(|| pattern::strings(pattern, 12));
            out.extend(strings.iter().cloned());
        }
        let min = map
            .get("minLength")
            .and_then(Value::as_u64)
            .and_then(|min| usize::try_from(min).ok())
            .unwrap_or(0)
            .min(256);
        let max = map
            .get("maxLength")
            .and_then(Value::as_u64)
            .and_then(|max| usize::try_from(max).ok());
        let plain = "x".repeat(min.max(1));
        out.push(match max {
            Some(max) if plain.len() > max => "x".repeat(max),
            _ => plain,
        });
        out.push(String::new());
        if let Some(max) = max.filter(|max| *max < 256) {
            out.push("x".repeat(max + 1));
        }
        let mut unique = Vec::new();
        for text in out {
            if !unique.contains(&text) {
                unique.push(text);
            }
        }
        unique.into_iter().map(Value::String).collect()
    }

    /// The validator of a `not` schema, built once; `None` when it does not compile alone (a
    /// reference kept in a cycle).
    fn refused(&mut self, not: &Value) -> Option<&Validator> {
        let key = sorted_string(not);
        self.refused
            .entry(key)
            .or_insert_with(|| crate::schemas::validation_options().build(not).ok())
            .as_ref()
    }
}

fn inferred_type(map: &Map<String, Value>) -> &'static str {
    let has = |keys: &[&str]| keys.iter().any(|key| map.contains_key(*key));
    if has(&[
        "properties",
        "required",
        "additionalProperties",
        "minProperties",
        "patternProperties",
    ]) {
        "object"
    } else if has(&["items", "prefixItems", "minItems", "maxItems", "contains"]) {
        "array"
    } else if has(&[
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
    ]) {
        "integer"
    } else {
        "string"
    }
}

fn numbers(map: &Map<String, Value>, integer: bool) -> Vec<Value> {
    let bound = |key: &str| map.get(key).and_then(Value::as_number).and_then(integer_of);
    let minimum = bound("minimum");
    let maximum = bound("maximum");
    let exclusive_minimum = bound("exclusiveMinimum");
    let exclusive_maximum = bound("exclusiveMaximum");
    let low = minimum.or(exclusive_minimum.map(|bound| bound + 1));
    let high = maximum.or(exclusive_maximum.map(|bound| bound - 1));
    let mut base: i128 = 0;
    if let Some(low) = low {
        base = base.max(low);
    }
    if let Some(high) = high {
        base = base.min(high);
    }
    let mut candidates = vec![base];
    for bound in [low, high].into_iter().flatten() {
        candidates.extend([bound, bound - 1, bound + 1]);
    }
    candidates.extend([-1, 0, 1, i128::from(TWO_POW_53)]);
    let mut out = Vec::new();
    for candidate in candidates {
        let value = number_of(candidate);
        if !out.contains(&value) {
            out.push(value);
        }
    }
    if !integer {
        out.push(json!(0.5));
    }
    out
}

/// Variations of `base`, one thing changed at a time: the whole value retyped; each property
/// dropped, `null`, retyped, emptied or pushed to an integer edge, to the depth of nested
/// objects and the first item of arrays.
pub(crate) fn mutations(base: &Value, max: usize) -> Vec<Value> {
    let mut out = Vec::new();
    for whole in [Value::Null, json!({}), json!([]), json!(""), json!(0), json!(true)] {
        if &whole != base {
            out.push(whole);
        }
    }
    let mut edits = Vec::new();
    collect_edits(base, "", 0, &mut edits);
    for (pointer, edit) in edits {
        if out.len() >= max {
            break;
        }
        if let Some(mutated) = apply(base, &pointer, &edit) {
            out.push(mutated);
        }
    }
    out
}

/// What to do at a place of a value.
enum Edit {
    Drop,
    Set(Value),
}

fn collect_edits(value: &Value, pointer: &str, depth: usize, edits: &mut Vec<(String, Edit)>) {
    if depth > 4 {
        return;
    }
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let at = super::schema::join(pointer, key);
                edits.push((at.clone(), Edit::Drop));
                value_edits(child, &at, edits);
                collect_edits(child, &at, depth + 1, edits);
            }
        }
        Value::Array(items) => {
            if let Some(first) = items.first() {
                let at = format!("{pointer}/0");
                value_edits(first, &at, edits);
                collect_edits(first, &at, depth + 1, edits);
            }
        }
        _ => {}
    }
}

fn value_edits(value: &Value, at: &str, edits: &mut Vec<(String, Edit)>) {
    if !value.is_null() {
        edits.push((at.to_owned(), Edit::Set(Value::Null)));
    }
    let retyped = match value {
        Value::String(_) => json!(0),
        Value::Number(_) | Value::Bool(_) | Value::Null => json!("0"),
        Value::Array(_) => json!({}),
        Value::Object(_) => json!([]),
    };
    edits.push((at.to_owned(), Edit::Set(retyped)));
    match value {
        Value::Array(items) if !items.is_empty() => edits.push((at.to_owned(), Edit::Set(json!([])))),
        Value::String(text) if !text.is_empty() => edits.push((at.to_owned(), Edit::Set(json!("")))),
        Value::Number(_) => {
            for edge in [json!(-1), json!(0), json!(TWO_POW_53)] {
                if &edge != value {
                    edits.push((at.to_owned(), Edit::Set(edge)));
                }
            }
        }
        _ => {}
    }
}

/// `base` with `edit` applied at `pointer`.
fn apply(base: &Value, pointer: &str, edit: &Edit) -> Option<Value> {
    let mut value = base.clone();
    let (parent, last) = pointer.rsplit_once('/')?;
    let token = last.replace("~1", "/").replace("~0", "~");
    let container = value.pointer_mut(parent)?;
    match (container, edit) {
        (Value::Object(map), Edit::Drop) => {
            map.remove(&token)?;
        }
        (Value::Object(map), Edit::Set(new)) => {
            map.insert(token, new.clone());
        }
        (Value::Array(items), Edit::Set(new)) => {
            let index: usize = token.parse().ok()?;
            *items.get_mut(index)? = new.clone();
        }
        (Value::Array(_), Edit::Drop) | (_, _) => return None,
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_lists_every_property_and_variants_change_one_thing() {
        let schema = json!({
            "type": "object",
            "properties": {
                "kms": {"type": ["array", "null"], "items": {"type": "string", "minLength": 1}, "minItems": 1},
                "synchronize_all": {"const": false},
                "gone": false
            },
            "required": ["kms"]
        });
        let instances = instances(&schema);
        assert_eq!(instances[0], json!({"kms": ["x"], "synchronize_all": false}));
        assert!(instances.contains(&json!({"kms": ["x"]})));
        assert!(instances.contains(&json!({"kms": null, "synchronize_all": false})));
        assert!(instances.contains(&json!({"kms": ["x"], "synchronize_all": false, "unknown_field": "x"})));
        assert!(instances.contains(&json!({"kms": ["x"], "synchronize_all": false, "gone": null})));
    }

    #[test]
    fn integers_reach_their_bounds() {
        let limit =
            instances(&json!({"type": "integer", "minimum": -1, "maximum": 4294967295_u64, "not": {"const": 0}}));
        for expected in [
            json!(-1),
            json!(-2),
            json!(4294967295_u64),
            json!(4294967296_u64),
            json!(9007199254740992_u64),
        ] {
            assert!(limit.contains(&expected), "{expected} not in {limit:?}");
        }
    }

    #[test]
    fn mutations_drop_null_and_retype_one_property() {
        let mutated = mutations(&json!({"cloud": "aws", "abort": false}), 100);
        assert!(mutated.contains(&json!({"abort": false})));
        assert!(mutated.contains(&json!({"cloud": null, "abort": false})));
        assert!(mutated.contains(&json!({"cloud": 0, "abort": false})));
        assert!(mutated.contains(&json!({"cloud": "aws", "abort": "0"})));
    }
}
