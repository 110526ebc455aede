//! Schemas as the comparison sees them: references followed, a canonical form for "did the
//! schema change at all", and the structure that acceptance does not show (properties listed,
//! the known values of open enums).

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{DefaultHasher, Hash, Hasher};

use serde_json::{Map, Number, Value};

use super::{Version, VersionKind};

/// How deep a document, and a schema once its references are resolved, may nest.
pub(crate) const MAX_DEPTH: usize = 200;
/// How many references deep a schema is resolved.
const MAX_REFERENCES_DEEP: usize = 32;
/// How many nodes a schema may have once its references are resolved.
const MAX_NODES: usize = 200_000;

/// Keywords whose value is one subschema.
pub(crate) const SCHEMA_SINGLES: [&str; 12] = [
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contentSchema",
    "items",
    "additionalItems",
];
/// Keywords whose value is a list of subschemas.
pub(crate) const SCHEMA_LISTS: [&str; 4] = ["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keywords whose value is a map of subschemas.
pub(crate) const SCHEMA_MAPS: [&str; 5] = [
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];

/// Annotations: keywords that change nothing a validator accepts.
pub(crate) fn is_annotation(key: &str) -> bool {
    matches!(
        key,
        "description"
            | "title"
            | "summary"
            | "examples"
            | "example"
            | "default"
            | "$comment"
            | "deprecated"
            | "readOnly"
            | "writeOnly"
            | "externalDocs"
            | "xml"
            | "discriminator"
            | "$schema"
            | "$id"
            | "$anchor"
            | "$dynamicAnchor"
            | "$vocabulary"
            | "contentMediaType"
            | "contentEncoding"
    ) || key.starts_with("x-")
}

/// A JSON Pointer token, escaped.
pub(crate) fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// `pointer` followed by `token`.
pub(crate) fn join(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape(token))
}

/// A JSON Pointer written as a URI fragment: percent-encoded where a fragment may not hold
/// the character (`{`, `}`, spaces, …).
pub(crate) fn encode_fragment(pointer: &str) -> String {
    let mut out = String::with_capacity(pointer.len());
    for byte in pointer.bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&byte);
        if keep {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn decode_fragment(fragment: &str) -> String {
    let bytes = fragment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        let hex = bytes
            .get(at + 1..at + 3)
            .and_then(|pair| std::str::from_utf8(pair).ok())
            .and_then(|pair| u8::from_str_radix(pair, 16).ok());
        match (byte, hex) {
            (b'%', Some(decoded)) => {
                out.push(decoded);
                at += 3;
            }
            _ => {
                out.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| fragment.to_owned())
}

/// A place of a version: a resource (the document, or a file of a folder) and a JSON Pointer.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Site {
    pub(crate) resource: String,
    pub(crate) pointer: String,
}

impl Site {
    pub(crate) fn new(resource: &str, pointer: &str) -> Self {
        Self {
            resource: resource.to_owned(),
            pointer: pointer.to_owned(),
        }
    }

    pub(crate) fn join(&self, token: &str) -> Self {
        Self::new(&self.resource, &join(&self.pointer, token))
    }

    pub(crate) fn value<'v>(&self, version: &'v Version) -> Option<&'v Value> {
        version.resources.get(&self.resource)?.pointer(&self.pointer)
    }
}

/// Where `reference`, found in `resource`, points.
pub(crate) fn deref(version: &Version, resource: &str, reference: &str) -> Result<Site, String> {
    let (document, fragment) = reference.split_once('#').unwrap_or((reference, ""));
    let target = if document.is_empty() {
        resource.to_owned()
    } else if version.kind == VersionKind::SchemaFolder {
        if version.resources.contains_key(document) {
            document.to_owned()
        } else {
            return Err(format!(
                "`{reference}` names {document}, which is not a schema file of the folder"
            ));
        }
    } else {
        return Err(format!(
            "`{reference}` refers to another document; only references inside the document are read"
        ));
    };
    let fragment = decode_fragment(fragment);
    if !(fragment.is_empty() || fragment.starts_with('/')) {
        return Err(format!(
            "`{reference}`: a plain-name fragment (an anchor) is not read; refer with a JSON Pointer"
        ));
    }
    let site = Site::new(&target, &fragment);
    match site.value(version) {
        Some(_) => Ok(site),
        None => Err(format!(
            "`{reference}` does not resolve: nothing at {}",
            if fragment.is_empty() { "the root" } else { &fragment }
        )),
    }
}

/// The object at `site`, following Reference Objects (`{"$ref": …}` alone, for parameters,
/// bodies, responses, …): the site reached and its value.
pub(crate) fn follow<'v>(version: &'v Version, site: &Site) -> Result<(Site, &'v Value), String> {
    let mut site = site.clone();
    for _ in 0..MAX_REFERENCES_DEEP {
        let value = site
            .value(version)
            .ok_or_else(|| format!("nothing at {}", site.pointer))?;
        match value.get("$ref").and_then(Value::as_str) {
            Some(reference) => site = deref(version, &site.resource, reference)?,
            None => return Ok((site, value)),
        }
    }
    Err(format!("more than {MAX_REFERENCES_DEEP} references in a row"))
}

/// The name of the component or schema file a schema is, or refers to directly.
pub(crate) fn schema_name(version: &Version, site: &Site) -> Option<String> {
    let direct = |site: &Site| -> Option<String> {
        match version.kind {
            VersionKind::SchemaFolder if site.pointer.is_empty() => Some(
                site.resource
                    .strip_suffix(super::load::SCHEMA_SUFFIX)
                    .unwrap_or(&site.resource)
                    .to_owned(),
            ),
            VersionKind::SchemaFolder => None,
            _ => site
                .pointer
                .strip_prefix("/components/schemas/")
                .filter(|name| !name.contains('/'))
                .map(|name| name.replace("~1", "/").replace("~0", "~")),
        }
    };
    if let Some(name) = direct(site) {
        return Some(name);
    }
    let reference = site.value(version)?.get("$ref")?.as_str()?;
    direct(&deref(version, &site.resource, reference).ok()?)
}

/// Resolves the references of a schema, inlining each target (as `allOf` beside the
/// `$ref`'s siblings); a reference in a cycle, or too deep, is kept as an absolute `$ref`.
pub(crate) struct Resolver<'v> {
    version: &'v Version,
    nodes: usize,
}

impl<'v> Resolver<'v> {
    pub(crate) fn new(version: &'v Version) -> Self {
        Self { version, nodes: 0 }
    }

    pub(crate) fn resolve(&mut self, site: &Site) -> Result<Value, String> {
        self.nodes = 0;
        let value = site
            .value(self.version)
            .ok_or_else(|| format!("nothing at {}", site.pointer))?;
        let mut stack = vec![site.clone()];
        self.node(value, &site.resource, &mut stack, 0)
    }

    fn node(&mut self, value: &Value, resource: &str, stack: &mut Vec<Site>, depth: usize) -> Result<Value, String> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(format!(
                "more than {MAX_NODES} schema nodes once its references are resolved"
            ));
        }
        if depth > MAX_DEPTH {
            return Err(format!("nested more than {MAX_DEPTH} levels deep"));
        }
        let Value::Object(map) = value else {
            return Ok(value.clone());
        };
        let mut out = Map::new();
        let mut target = None;
        for (key, child) in map {
            match key.as_str() {
                "$ref" => match child.as_str() {
                    Some(reference) => {
                        let site = deref(self.version, resource, reference)?;
                        if stack.contains(&site) || stack.len() > MAX_REFERENCES_DEEP {
                            out.insert(
                                key.clone(),
                                Value::String(format!("{}#{}", site.resource, site.pointer)),
                            );
                        } else {
                            let value = site
                                .value(self.version)
                                .ok_or_else(|| format!("`{reference}` does not resolve"))?;
                            stack.push(site.clone());
                            let resolved = self.node(value, &site.resource, stack, depth + 1);
                            stack.pop();
                            target = Some(resolved?);
                        }
                    }
                    None => {
                        out.insert(key.clone(), child.clone());
                    }
                },
                key if SCHEMA_SINGLES.contains(&key) => {
                    let resolved = match child {
                        Value::Array(items) => Value::Array(
                            items
                                .iter()
                                .map(|item| self.node(item, resource, stack, depth + 1))
                                .collect::<Result<_, _>>()?,
                        ),
                        child => self.node(child, resource, stack, depth + 1)?,
                    };
                    out.insert(key.to_owned(), resolved);
                }
                key if SCHEMA_LISTS.contains(&key) => {
                    let resolved = match child {
                        Value::Array(items) => Value::Array(
                            items
                                .iter()
                                .map(|item| self.node(item, resource, stack, depth + 1))
                                .collect::<Result<_, _>>()?,
                        ),
                        other => other.clone(),
                    };
                    out.insert(key.to_owned(), resolved);
                }
                key if SCHEMA_MAPS.contains(&key) => {
                    let resolved = match child {
                        Value::Object(children) => {
                            let mut resolved = Map::new();
                            for (name, child) in children {
                                resolved.insert(name.clone(), self.node(child, resource, stack, depth + 1)?);
                            }
                            Value::Object(resolved)
                        }
                        other => other.clone(),
                    };
                    out.insert(key.to_owned(), resolved);
                }
                _ => {
                    out.insert(key.clone(), child.clone());
                }
            }
        }
        if let Some(target) = target {
            let mut all = vec![target];
            if let Some(Value::Array(rest)) = out.remove("allOf") {
                all.extend(rest);
            }
            out.insert("allOf".to_owned(), Value::Array(all));
        }
        Ok(Value::Object(out))
    }
}

/// The integer range of the numeric formats of the OpenAPI format registry.
pub(crate) fn format_range(format: &str) -> Option<(i128, i128)> {
    Some(match format {
        "int8" => (i8::MIN.into(), i8::MAX.into()),
        "int16" => (i16::MIN.into(), i16::MAX.into()),
        "int32" => (i32::MIN.into(), i32::MAX.into()),
        "int64" => (i64::MIN.into(), i64::MAX.into()),
        "uint8" => (0, u8::MAX.into()),
        "uint16" => (0, u16::MAX.into()),
        "uint32" => (0, u32::MAX.into()),
        "uint64" => (0, u64::MAX.into()),
        _ => return None,
    })
}

pub(crate) fn number_of(value: i128) -> Value {
    if let Ok(small) = i64::try_from(value) {
        Value::Number(small.into())
    } else if let Ok(large) = u64::try_from(value) {
        Value::Number(large.into())
    } else {
        // Beyond 64 bits: the nearest double.
        #[allow(
            clippy::cast_precision_loss,
            reason = "a probe beyond 64 bits is a double in JSON anyway"
        )]
        let double = value as f64;
        Number::from_f64(double).map_or(Value::Null, Value::Number)
    }
}

pub(crate) fn integer_of(number: &Number) -> Option<i128> {
    number
        .as_i64()
        .map(i128::from)
        .or_else(|| number.as_u64().map(i128::from))
}

/// Tightens `minimum` (or `maximum`) of `schema` to `bound`.
pub(crate) fn tighten(schema: &mut Map<String, Value>, key: &str, bound: i128, lower: bool) {
    let tighter = match schema.get(key) {
        Some(Value::Number(current)) => match integer_of(current) {
            Some(current) => (lower && bound > current) || (!lower && bound < current),
            None => current.as_f64().is_some_and(|current| {
                #[allow(clippy::cast_precision_loss, reason = "compared with a bound that is a double")]
                let bound = bound as f64;
                (lower && bound > current) || (!lower && bound < current)
            }),
        },
        _ => true,
    };
    if tighter {
        schema.insert(key.to_owned(), number_of(bound));
    }
}

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

    #[test]
    fn fragments_are_encoded_and_decoded() {
        let pointer = "/paths/~1jobs~1{id}/get";
        assert_eq!(encode_fragment(pointer), "/paths/~1jobs~1%7Bid%7D/get");
        assert_eq!(decode_fragment(&encode_fragment(pointer)), pointer);
    }
}
