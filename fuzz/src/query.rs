//! The oracles on a family's list query: round trip, and agreement with the schema of each
//! query parameter of the family's list operations in the OpenAPI 3.1 document.

use std::collections::BTreeMap;

use cckm_sync::{FamilyScope, ListSyncJobs};
use cckm_sync_codegen::OPENAPI_31;
use cckm_sync_contract::{Contract, integer_literal};
use jsonschema::Validator;
use serde_json::Value;

use crate::finding::{Finding, Oracle, schema_errors};

/// How a query parameter's text becomes the JSON instance its schema judges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ParameterKind {
    /// `type: string`: the decoded text.
    String,
    /// `type: integer`: the number the text is a literal of.
    Integer,
    /// `type: array` (form style, exploded): every value of the repeated parameter, in order.
    Array,
}

/// A query parameter of a list operation, from the OpenAPI document.
struct QueryParameter {
    kind: ParameterKind,
    validator: Validator,
}

/// The list operation of one endpoint: its query parameters by name.
pub(crate) struct ListOperation {
    path: String,
    parameters: BTreeMap<String, QueryParameter>,
}

impl ListOperation {
    /// Whether the parameters' schemas accept the decoded `pairs`; `None` when they cannot
    /// judge them: a name the operation does not list, a single-value parameter given twice,
    /// or an integer parameter whose text is not a 64-bit integer literal.
    fn accepts(&self, pairs: &[(String, String)]) -> Option<Result<(), String>> {
        let mut by_name: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (name, value) in pairs {
            by_name.entry(name).or_default().push(value);
        }
        let mut verdict = Ok(());
        for (name, values) in by_name {
            let parameter = self.parameters.get(name)?;
            let instance = match (parameter.kind, values.as_slice()) {
                (ParameterKind::Array, values) => Value::from(values.to_vec()),
                (ParameterKind::String, [value]) => Value::from(*value),
                (ParameterKind::Integer, [value]) => Value::Number(integer_literal(value)?),
                _ => return None,
            };
            if verdict.is_ok() && !parameter.validator.is_valid(&instance) {
                verdict = Err(format!(
                    "{name} = {instance}: {}",
                    schema_errors(&parameter.validator, &instance)
                ));
            }
        }
        Some(verdict)
    }
}

/// The query of one family, and the list operations of its endpoints.
pub(crate) struct QueryModel {
    pub(crate) name: String,
    pub(crate) check: fn(&str, &[ListOperation], &str) -> Result<(), Finding>,
    pub(crate) operations: Vec<ListOperation>,
}

impl QueryModel {
    pub(crate) fn check(&self, input: &[u8]) -> Result<(), Finding> {
        // A query string reaches `from_query_str` as text; bytes that are not UTF-8 are the
        // HTTP server's to refuse before.
        let Ok(query) = std::str::from_utf8(input) else {
            return Ok(());
        };
        (self.check)(&self.name, &self.operations, query)
    }
}

pub(crate) fn check_query<S: FamilyScope>(
    name: &str,
    operations: &[ListOperation],
    query: &str,
) -> Result<(), Finding> {
    let parsed = ListSyncJobs::<S>::from_query_str(query);
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.strip_prefix('?').unwrap_or(query).as_bytes())
        .into_owned()
        .collect();
    for operation in operations {
        let Some(verdict) = operation.accepts(&pairs) else {
            continue;
        };
        let detail = match (&parsed, verdict) {
            (Ok(_), Err(errors)) => format!(
                "the parser accepts it, the parameters of GET {} reject it: {errors}",
                operation.path
            ),
            (Err(error), Ok(())) => format!(
                "the parameters of GET {} accept it, the parser rejects it: {error}",
                operation.path
            ),
            // Both accept, or both reject.
            _ => continue,
        };
        return Err(Finding::new(Oracle::Agreement, name, detail));
    }
    let Ok(first) = parsed else { return Ok(()) };
    let finding = |detail: String| Finding::new(Oracle::RoundTrip, name, detail);
    let text = first.to_query_string();
    let second = ListSyncJobs::<S>::from_query_str(&text)
        .map_err(|error| finding(format!("the parser rejects its own output {text:?}: {error}")))?;
    let text_again = second.to_query_string();
    if second != first {
        return Err(finding(format!(
            "its own output {text:?} parses to a different query, written {text_again:?}"
        )));
    }
    if text_again != text {
        return Err(finding(format!(
            "written twice, the same query gives {text:?} and then {text_again:?}"
        )));
    }
    // The text and the decoded pairs given to HTTP clients say the same.
    let decoded: Vec<(String, String)> = form_urlencoded::parse(text.as_bytes()).into_owned().collect();
    let pairs: Vec<(String, String)> = first
        .pairs()
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect();
    if decoded != pairs {
        return Err(finding(format!(
            "the query string {text:?} decodes to {decoded:?}, but its pairs are {pairs:?}"
        )));
    }
    Ok(())
}

/// The query parameters of `GET path` in the OpenAPI document `openapi`.
pub(crate) fn list_operation(openapi: &Value, contract: &Contract, path: &str) -> Result<ListOperation, String> {
    let parameters = openapi["paths"][path]["get"]["parameters"]
        .as_array()
        .ok_or_else(|| format!("{OPENAPI_31}: GET {path} has no parameters"))?;
    let mut by_name = BTreeMap::new();
    for parameter in parameters.iter().filter(|parameter| parameter["in"] == "query") {
        let name = parameter["name"]
            .as_str()
            .ok_or_else(|| format!("{OPENAPI_31}: GET {path}: a parameter without a name"))?;
        let schema = &parameter["schema"];
        // The type of a `$ref`'d schema is the component's.
        let resolved = match schema["$ref"].as_str() {
            Some(reference) => reference
                .strip_prefix('#')
                .and_then(|pointer| openapi.pointer(pointer))
                .ok_or_else(|| format!("{OPENAPI_31}: GET {path} {name}: cannot resolve {reference}"))?,
            None => schema,
        };
        let kind = match resolved["type"].as_str() {
            Some("string") => ParameterKind::String,
            Some("integer") => ParameterKind::Integer,
            Some("array") => ParameterKind::Array,
            other => {
                return Err(format!(
                    "{OPENAPI_31}: GET {path} {name}: no rule for the type {other:?}"
                ));
            }
        };
        let validator = contract
            .openapi_validator(schema)
            .map_err(|error| format!("{OPENAPI_31}: GET {path} {name}: {error}"))?;
        by_name.insert(name.to_owned(), QueryParameter { kind, validator });
    }
    Ok(ListOperation {
        path: path.to_owned(),
        parameters: by_name,
    })
}
