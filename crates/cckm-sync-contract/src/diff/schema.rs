//! Schemas as the comparison sees them: references followed, a canonical form for "did the
//! schema change at all", and the structure that acceptance does not show (properties listed,
//! the known values of open enums).

use serde_json::{Map, Value};

use super::version::{SCHEMA_SUFFIX, Version, VersionKind};

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
                    .strip_suffix(SCHEMA_SUFFIX)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_are_encoded_and_decoded() {
        let pointer = "/paths/~1jobs~1{id}/get";
        assert_eq!(encode_fragment(pointer), "/paths/~1jobs~1%7Bid%7D/get");
        assert_eq!(decode_fragment(&encode_fragment(pointer)), pointer);
    }
}
