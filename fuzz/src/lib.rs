//! Coverage-guided fuzz targets of the cckm-sync models, and the oracles they check.
//!
//! Each [`Target`] reads one kind of input with every model of that kind and checks these
//! oracles on each model:
//!
//! - **round trip**: whatever the parser accepts, it serializes; its own output parses back
//!   to an equal value, which serializes to the same text;
//! - **fidelity** (responses: pages, jobs, error bodies): what the parser read from a JSON
//!   document it writes back as the same JSON value, as the crate promises ("nothing is lost"),
//!   but for the spelling of timestamps (written in UTC) and UUIDs (in lower case);
//! - **agreement**: the parser accepts exactly what the committed contract accepts. For a
//!   JSON payload, the contract is the model's schema file (`schemas/<Model>.schema.json`,
//!   read at run time with the files it `$ref`s, validated by the `jsonschema` crate with
//!   formats). For a list query, it is the schema of each query parameter of the family's
//!   list operations in the OpenAPI 3.1 document.
//!
//! The agreement oracle judges only what a schema can judge: JSON Schema judges a JSON
//! value, so a text that is not well-formed JSON, repeats a key or respells an integer is
//! left to the parser ([`xtask::fixtures::schema_json`], as in the contract tests), and so is
//! a query that names a parameter the operation does not list, repeats one that takes a single
//! value, or gives an integer parameter a text that is not a 64-bit integer literal. And no
//! target may panic, whatever its input.
//!
//! The programs under `fuzz_targets/` are the libFuzzer targets (built by `cargo xtask fuzz`
//! with `--cfg fuzzing` and coverage instrumentation); built without it, each replays the
//! files it is given and prints what the oracles say.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::sync::OnceLock;

use cckm_sync::endpoints::Operation;
use cckm_sync::schemars::JsonSchema;
use cckm_sync::{
    ApiError, CloudFamily, FamilyScope, FamilyVisitor, ListSyncJobs, Page, StartJob, SyncJob, SyncJobPage,
};
use jsonschema::Validator;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use xtask::codegen::OPENAPI_31;
use xtask::contract;
use xtask::fixtures::schema_json;
pub use xtask::fuzzing::Target;

/// Which oracle an input broke.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Oracle {
    /// Parse, serialize, parse: an equal value, and the same text when serialized again.
    RoundTrip,
    /// The parser accepts exactly what the contract accepts.
    Agreement,
    /// What the parser accepts, it writes back as the same JSON value (timestamps in UTC and
    /// UUIDs in lower case aside).
    Fidelity,
}

impl fmt::Display for Oracle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::RoundTrip => "round trip",
            Self::Agreement => "agreement",
            Self::Fidelity => "fidelity",
        })
    }
}

/// An input that breaks an oracle: which, for which model, and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The oracle broken.
    pub oracle: Oracle,
    /// The model, by its schema name (`AwsSyncJobPage`) or query type (`ListSyncJobs<AwsScope>`).
    pub model: String,
    /// What happened, with the parser's and the contract's words.
    pub detail: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} oracle, {}: {}", self.oracle, self.model, self.detail)
    }
}

impl std::error::Error for Finding {}

impl Finding {
    fn new(oracle: Oracle, model: &str, detail: String) -> Self {
        Self {
            oracle,
            model: model.to_owned(),
            detail,
        }
    }
}

/// A text shortened for a message: a finding's input may be long.
fn excerpt(text: &str) -> String {
    const MAX: usize = 600;
    match text.char_indices().nth(MAX) {
        Some((end, _)) => format!("{:?}… ({} bytes)", &text[..end], text.len()),
        None => format!("{text:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// JSON payloads.
// ---------------------------------------------------------------------------------------

/// The check of one JSON model: its schema name, the harness, the input, and the input's JSON
/// value if a schema can judge it.
type JsonCheck = fn(&str, &Harness, &[u8], Option<&Value>) -> Result<(), Finding>;

/// A JSON payload model: its schema name and its check.
struct JsonModel {
    name: String,
    check: JsonCheck,
}

impl JsonModel {
    /// A response, which the crate promises to write back as the JSON value it read.
    fn response<T: DeserializeOwned + Serialize + PartialEq + JsonSchema>() -> Self {
        Self {
            name: T::schema_name().into_owned(),
            check: check_json::<T, true>,
        }
    }

    /// A request body, which the crate may write back in a canonical form (a start request
    /// leaves out `"synchronize_all": false` next to a list, and `null` options).
    fn request<T: DeserializeOwned + Serialize + PartialEq + JsonSchema>() -> Self {
        Self {
            name: T::schema_name().into_owned(),
            check: check_json::<T, false>,
        }
    }
}

/// The oracles on one JSON model (the fidelity oracle if `FAITHFUL`). `judged` is the JSON
/// value of `input` if a schema can judge it.
fn check_json<T: DeserializeOwned + Serialize + PartialEq, const FAITHFUL: bool>(
    name: &str,
    harness: &Harness,
    input: &[u8],
    judged: Option<&Value>,
) -> Result<(), Finding> {
    let parsed = cckm_sync::from_slice::<T>(input);
    if let Some(value) = judged {
        let validator = harness.schema(name);
        if validator.is_valid(value) != parsed.is_ok() {
            let detail = match &parsed {
                Ok(_) => format!(
                    "the parser accepts it, the schema file rejects it: {}",
                    schema_errors(validator, value)
                ),
                Err(error) => format!("the schema file accepts it, the parser rejects it: {error}"),
            };
            return Err(Finding::new(Oracle::Agreement, name, detail));
        }
    }
    let Ok(first) = parsed else { return Ok(()) };
    let text = round_trip(name, &first)?;
    match judged {
        Some(input) if FAITHFUL => fidelity(name, input, &text),
        _ => Ok(()),
    }
}

/// The round-trip oracle on a parsed value; returns its serialization.
fn round_trip<T: DeserializeOwned + Serialize + PartialEq>(name: &str, first: &T) -> Result<String, Finding> {
    let finding = |detail: String| Finding::new(Oracle::RoundTrip, name, detail);
    let text = serde_json::to_string(first).map_err(|error| {
        finding(format!(
            "the parser accepts it, but the value cannot be serialized: {error}"
        ))
    })?;
    let second: T = cckm_sync::from_str(&text)
        .map_err(|error| finding(format!("the parser rejects its own output {}: {error}", excerpt(&text))))?;
    let text_again = serde_json::to_string(&second).map_err(|error| {
        finding(format!(
            "its own output parses, but cannot be serialized again: {error}"
        ))
    })?;
    if second != *first {
        return Err(finding(format!(
            "its own output {} parses to a different value, serialized {}",
            excerpt(&text),
            excerpt(&text_again)
        )));
    }
    if text_again != text {
        return Err(finding(format!(
            "serialized twice, the same value gives {} and then {}",
            excerpt(&text),
            excerpt(&text_again)
        )));
    }
    Ok(text)
}

/// The fidelity oracle: the serialization of what the parser read from `input` (the input's
/// JSON value) is the same JSON value, but for the spelling of a timestamp or a UUID.
fn fidelity(name: &str, input: &Value, text: &str) -> Result<(), Finding> {
    let output: Value = serde_json::from_str(text).map_err(|error| {
        Finding::new(
            Oracle::Fidelity,
            name,
            format!("the serialization {} is not JSON: {error}", excerpt(text)),
        )
    })?;
    match difference(input, &output, &mut String::new()) {
        None => Ok(()),
        Some(difference) => Err(Finding::new(
            Oracle::Fidelity,
            name,
            format!("the serialization {} loses or changes {difference}", excerpt(text)),
        )),
    }
}

/// Where and how `output` first says something else than `input`, by JSON Pointer.
fn difference(input: &Value, output: &Value, pointer: &mut String) -> Option<String> {
    let at = |pointer: &str| {
        if pointer.is_empty() {
            "(document)".to_owned()
        } else {
            pointer.to_owned()
        }
    };
    match (input, output) {
        (Value::Object(input), Value::Object(output)) => {
            for (key, value) in input {
                let length = pointer.len();
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                let found = match output.get(key) {
                    None => Some(format!("{}: {} is left out", at(pointer), value)),
                    Some(written) => difference(value, written, pointer),
                };
                pointer.truncate(length);
                if found.is_some() {
                    return found;
                }
            }
            output
                .iter()
                .find(|(key, _)| !input.contains_key(*key))
                .map(|(key, value)| format!("{}: \"{key}\": {value} is added", at(pointer)))
        }
        (Value::Array(input), Value::Array(output)) if input.len() == output.len() => input
            .iter()
            .zip(output)
            .enumerate()
            .find_map(|(index, (value, written))| {
                let length = pointer.len();
                pointer.push_str(&format!("/{index}"));
                let found = difference(value, written, pointer);
                pointer.truncate(length);
                found
            }),
        (Value::String(input), Value::String(output)) if same_instant(input, output) || same_uuid(input, output) => {
            None
        }
        // JSON has one kind of number: `1.0` and `1` are the same one. Two integers compare
        // exactly (the value equality below); a double with anything, as doubles.
        (Value::Number(a), Value::Number(b)) if (a.is_f64() || b.is_f64()) && a.as_f64() == b.as_f64() => None,
        (input, output) if input == output => None,
        (input, output) => Some(format!("{}: {input} is written {output}", at(pointer))),
    }
}

/// Whether both texts are RFC 3339 timestamps of the same instant: the parser writes every
/// timestamp in UTC, as the Go server does, whatever offset it read.
fn same_instant(a: &str, b: &str) -> bool {
    match (
        chrono::DateTime::parse_from_rfc3339(a),
        chrono::DateTime::parse_from_rfc3339(b),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Whether both texts are the same UUID: the parser writes ids in lower case.
fn same_uuid(a: &str, b: &str) -> bool {
    match (uuid::Uuid::try_parse(a), uuid::Uuid::try_parse(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Every violation of `value` against `validator`, with its instance path.
fn schema_errors(validator: &Validator, value: &Value) -> String {
    let errors: Vec<String> = validator
        .iter_errors(value)
        .take(5)
        .map(|error| {
            let path = error.instance_path().as_str().to_owned();
            let path = if path.is_empty() { "(document)".to_owned() } else { path };
            format!("{path}: {error}")
        })
        .collect();
    errors.join("; ")
}

// ---------------------------------------------------------------------------------------
// List queries.
// ---------------------------------------------------------------------------------------

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
struct ListOperation {
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
                (ParameterKind::Integer, [value]) => integer_literal(value)?,
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

/// The number `text` is a JSON integer literal of, if it is one in the 64-bit range: the text a
/// client generated from the OpenAPI document sends for an integer. Beyond that range the
/// validator would judge a rounded double, as for a JSON payload.
fn integer_literal(text: &str) -> Option<Value> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let canonical = !digits.is_empty()
        && digits.bytes().all(|byte| byte.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
        && text != "-0";
    if !canonical {
        return None;
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Number(number)) if number.is_i64() || number.is_u64() => Some(Value::Number(number)),
        _ => None,
    }
}

/// The query of one family, and the list operations of its endpoints.
struct QueryModel {
    name: String,
    check: fn(&str, &[ListOperation], &str) -> Result<(), Finding>,
    operations: Vec<ListOperation>,
}

impl QueryModel {
    fn check(&self, input: &[u8]) -> Result<(), Finding> {
        // A query string reaches `from_query_str` as text; bytes that are not UTF-8 are the
        // HTTP server's to refuse before.
        let Ok(query) = std::str::from_utf8(input) else {
            return Ok(());
        };
        (self.check)(&self.name, &self.operations, query)
    }
}

fn check_query<S: FamilyScope>(name: &str, operations: &[ListOperation], query: &str) -> Result<(), Finding> {
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

// ---------------------------------------------------------------------------------------
// The harness: models and contract, loaded once.
// ---------------------------------------------------------------------------------------

/// Every model of every target, and the validators of the committed contract.
pub struct Harness {
    schemas: BTreeMap<String, Validator>,
    pages: Vec<JsonModel>,
    jobs: Vec<JsonModel>,
    starts: Vec<JsonModel>,
    errors: Vec<JsonModel>,
    queries: Vec<QueryModel>,
}

impl fmt::Debug for Harness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Harness")
            .field("schemas", &self.schemas.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Harness {
    /// The harness of this workspace, loaded on first use from its `schemas/` and `openapi/`
    /// folders; the error says why they cannot be read or compiled.
    pub fn shared() -> Result<&'static Self, String> {
        static HARNESS: OnceLock<Result<Harness, String>> = OnceLock::new();
        HARNESS
            .get_or_init(|| Self::load(&xtask::project_root()))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Checks every oracle on `input`, read with every model of `target`.
    pub fn check(&self, target: Target, input: &[u8]) -> Result<(), Finding> {
        match target {
            Target::Query => self.queries.iter().try_for_each(|query| query.check(input)),
            json => {
                // What a schema can judge, decided once for every model.
                let judged = std::str::from_utf8(input).ok().and_then(|text| schema_json(text).ok());
                self.json_models(json)
                    .iter()
                    .try_for_each(|model| (model.check)(&model.name, self, input, judged.as_ref()))
            }
        }
    }

    /// The harness of the workspace at `root`.
    pub fn load(root: &Path) -> Result<Self, String> {
        let files = contract::schema_files(root)?;
        let schemas = contract::file_validators(&files)?;
        let openapi = contract::read_json(&root.join(OPENAPI_31))?;
        let registry = contract::openapi_registry(&openapi)?;

        let mut pages = vec![JsonModel::response::<SyncJobPage>()];
        let mut jobs = vec![JsonModel::response::<SyncJob>()];
        let mut starts = Vec::new();
        let mut queries = Vec::new();
        for family in CloudFamily::ALL {
            let models = FamilyModels::of(family);
            pages.push(models.page);
            jobs.push(models.job);
            starts.push(models.start);
            let mut operations = Vec::new();
            for endpoint in family.endpoints() {
                let path = endpoint.path_template(Operation::List);
                operations.push(list_operation(&openapi, &registry, &path)?);
            }
            queries.push(QueryModel {
                name: models.query_name,
                check: models.query_check,
                operations,
            });
        }
        let harness = Self {
            schemas,
            pages,
            jobs,
            starts,
            errors: vec![JsonModel::response::<ApiError>()],
            queries,
        };
        for target in Target::ALL {
            for model in harness.json_models(target) {
                if !harness.schemas.contains_key(&model.name) {
                    return Err(format!("no schema file for the model {}", model.name));
                }
            }
        }
        Ok(harness)
    }

    fn json_models(&self, target: Target) -> &[JsonModel] {
        match target {
            Target::Page => &self.pages,
            Target::Job => &self.jobs,
            Target::Start => &self.starts,
            Target::Error => &self.errors,
            Target::Query => &[],
        }
    }

    fn schema(&self, name: &str) -> &Validator {
        // `load` checked that every model has one.
        &self.schemas[name]
    }
}

/// The query parameters of `GET path` in the OpenAPI document `openapi`.
fn list_operation(openapi: &Value, registry: &jsonschema::Registry<'_>, path: &str) -> Result<ListOperation, String> {
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
        let validator = contract::openapi_validator(registry, schema)
            .map_err(|error| format!("{OPENAPI_31}: GET {path} {name}: {error}"))?;
        by_name.insert(name.to_owned(), QueryParameter { kind, validator });
    }
    Ok(ListOperation {
        path: path.to_owned(),
        parameters: by_name,
    })
}

/// The models of one family.
struct FamilyModels {
    page: JsonModel,
    job: JsonModel,
    start: JsonModel,
    query_name: String,
    query_check: fn(&str, &[ListOperation], &str) -> Result<(), Finding>,
}

impl FamilyModels {
    fn of(family: CloudFamily) -> Self {
        family.visit(ModelsOf)
    }
}

struct ModelsOf;

impl FamilyVisitor for ModelsOf {
    type Output = FamilyModels;

    fn visit<S: FamilyScope>(self) -> FamilyModels {
        let scope = std::any::type_name::<S>().rsplit("::").next().unwrap_or_default();
        FamilyModels {
            page: JsonModel::response::<Page<SyncJob<S>>>(),
            job: JsonModel::response::<SyncJob<S>>(),
            start: JsonModel::request::<StartJob<S>>(),
            query_name: format!("ListSyncJobs<{scope}>"),
            query_check: check_query::<S>,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Structure-aware mutation of JSON inputs.
// ---------------------------------------------------------------------------------------

/// libFuzzer's byte-level mutator: `(data, size, max_size) -> new size`.
pub type ByteMutator = fn(&mut [u8], usize, usize) -> usize;

/// Mutates the input of a JSON target, as libFuzzer's custom mutator: half of the time, or when
/// the input is not a JSON document, with libFuzzer's byte-level `fallback` (which breaks and
/// respells the syntax: escapes, numbers, repeated keys); else by editing the document's value
/// one to three times (a value replaced by `null`, by a value of another type, by a value from
/// elsewhere in the document or by one of the wire's edge values; a member or an element
/// removed or added) and writing it again. Byte mutations alone rarely turn a 30-byte
/// timestamp into `null`; this is one edit. Returns the new size.
pub fn mutate_json(data: &mut [u8], size: usize, max_size: usize, seed: u32, fallback: ByteMutator) -> usize {
    let mut random = Random(u64::from(seed) | 1 << 32);
    if random.below(2) == 0 {
        return fallback(data, size, max_size);
    }
    let Some(Ok(mut document)) = data.get(..size).map(serde_json::from_slice::<Value>) else {
        return fallback(data, size, max_size);
    };
    for _ in 0..=random.below(3) {
        edit(&mut document, &mut random);
    }
    match serde_json::to_vec(&document) {
        Ok(bytes) if bytes.len() <= max_size && bytes.len() <= data.len() => {
            data[..bytes.len()].copy_from_slice(&bytes);
            bytes.len()
        }
        _ => fallback(data, size, max_size),
    }
}

/// A small deterministic generator (xorshift64*): a mutation must follow from libFuzzer's seed.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..bound` (`bound` > 0).
    fn below(&mut self, bound: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(bound).unwrap_or(u64::MAX)).unwrap_or(0)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            None
        } else {
            items.get(self.below(items.len()))
        }
    }
}

/// Values at the edges of what the models read: every JSON type, integers at the 32- and
/// 64-bit bounds, the spellings of statuses and clouds, timestamps at the edges of RFC 3339 and
/// of the year range, UUIDs in other forms.
const EDGE_VALUES: &[&str] = &[
    "null",
    "true",
    "false",
    "0",
    "1",
    "-1",
    "2.5",
    "4294967295",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551615",
    "\"\"",
    "\"x\"",
    "[]",
    "{}",
    "[\"x\"]",
    "[\"\"]",
    "[null]",
    "{\"x\":null}",
    "\"in progress\"",
    "\"in_progress\"",
    "\"completed\"",
    "\"aborted\"",
    "\"AzureCloud\"",
    "\"AzureNewCloud\"",
    "\"aws\"",
    "\"gcp\"",
    "\"externalCM\"",
    "\"hsm-luna\"",
    "\"9999-12-31T23:59:59-01:00\"",
    "\"0000-01-01T00:00:00+01:00\"",
    "\"0001-01-01T00:00:00Z\"",
    "\"2020-12-31T23:59:60Z\"",
    "\"2020-11-05T06:38:25.123456789+05:30\"",
    "\"2020-11-05t06:38:25z\"",
    "\"0EA5D52E-387C-44FA-B079-21C8B768F77B\"",
    "\"0ea5d52e387c44fab07921c8b768f77b\"",
    "\"NCERRResourceNotFound: not found\"",
];

/// Every node of `value` by JSON Pointer, the document itself first; and every member name.
fn nodes(value: &Value, pointer: &str, pointers: &mut Vec<String>, keys: &mut Vec<String>) {
    pointers.push(pointer.to_owned());
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                keys.push(key.clone());
                nodes(
                    child,
                    &format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1")),
                    pointers,
                    keys,
                );
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                nodes(child, &format!("{pointer}/{index}"), pointers, keys);
            }
        }
        _ => {}
    }
}

/// One edit of `document` at a random node.
fn edit(document: &mut Value, random: &mut Random) {
    let (mut pointers, mut keys) = (Vec::new(), Vec::new());
    nodes(document, "", &mut pointers, &mut keys);
    keys.push("field_added_by_the_fuzzer".to_owned());
    let Some(pointer) = random.pick(&pointers).cloned() else {
        return;
    };
    // A value for the node: an edge value, or a copy of another node of the document.
    let other = |random: &mut Random| -> Value {
        if random.below(3) == 0 {
            let source = random
                .pick(&pointers)
                .and_then(|pointer| document.pointer(pointer))
                .cloned();
            if let Some(value) = source {
                return value;
            }
        }
        random
            .pick(EDGE_VALUES)
            .and_then(|text| serde_json::from_str(text).ok())
            .unwrap_or(Value::Null)
    };
    match random.below(4) {
        // Replace the node.
        0 | 1 => {
            let value = if random.below(3) == 0 {
                Value::Null
            } else {
                other(random)
            };
            if let Some(node) = document.pointer_mut(&pointer) {
                *node = value;
            }
        }
        // Remove it from its object or array.
        2 => {
            let Some((parent, last)) = pointer.rsplit_once('/') else {
                return;
            };
            let key = last.replace("~1", "/").replace("~0", "~");
            match document.pointer_mut(parent) {
                Some(Value::Object(map)) => drop(map.remove(&key)),
                Some(Value::Array(items)) => {
                    if let Ok(index) = key.parse::<usize>()
                        && index < items.len()
                    {
                        items.remove(index);
                    }
                }
                _ => {}
            }
        }
        // Add a member (named like one of the document's) or an element.
        _ => {
            let value = other(random);
            let key = random.pick(&keys).cloned().unwrap_or_default();
            match document.pointer_mut(&pointer) {
                Some(Value::Object(map)) => drop(map.insert(key, value)),
                Some(Value::Array(items)) => {
                    let index = random.below(items.len() + 1);
                    items.insert(index, value);
                }
                _ => {}
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// The target programs.
// ---------------------------------------------------------------------------------------

/// libFuzzer's initialization of a target: loads the harness before the first input.
///
/// # Panics
///
/// If the contract cannot be loaded: nothing can be fuzzed then.
pub fn fuzz_init() {
    if let Err(error) = Harness::shared() {
        panic!("cannot load the fuzz harness: {error}");
    }
}

/// libFuzzer's run of `target` on one input.
///
/// # Panics
///
/// On a finding, with its description: libFuzzer saves the input as a crash.
pub fn fuzz_one(target: Target, input: &[u8]) {
    let harness = Harness::shared().unwrap_or_else(|error| panic!("cannot load the fuzz harness: {error}"));
    if let Err(finding) = harness.check(target, input) {
        panic!("{target}: {finding}");
    }
}

/// The program of `target` built without libFuzzer: checks each file given (a folder stands
/// for the files in it) and prints one line per file. Exit code 0 when no file breaks an
/// oracle, 1 when one does or cannot be read, 2 for a usage error.
#[allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a program that reports on its streams"
)]
pub fn replay_main(target: Target) -> std::process::ExitCode {
    use std::io::Write as _;
    use std::process::ExitCode;

    let paths: Vec<std::path::PathBuf> = std::env::args_os().skip(1).map(Into::into).collect();
    if paths.is_empty() || paths.iter().any(|path| path.to_string_lossy().starts_with('-')) {
        eprintln!(
            "usage: {target} FILE|FOLDER...\n\nChecks the oracles of the fuzz target `{target}` ({}) on each file. \
             Fuzzing itself runs with `cargo xtask fuzz {target}`.",
            target.what()
        );
        return ExitCode::from(2);
    }
    let harness = match Harness::shared() {
        Ok(harness) => harness,
        Err(error) => {
            eprintln!("error: cannot load the fuzz harness: {error}");
            return ExitCode::FAILURE;
        }
    };
    let files = match input_files(&paths) {
        Ok(files) => files,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    // A closed standard output (`| head`) ends the report, not the program with a panic.
    let mut out = std::io::stdout().lock();
    let mut failed = 0_usize;
    for file in &files {
        let line = match std::fs::read(file) {
            Ok(input) => match harness.check(target, &input) {
                Ok(()) => format!("{}: ok", file.display()),
                Err(finding) => {
                    failed += 1;
                    format!("{}: {finding}", file.display())
                }
            },
            Err(error) => {
                failed += 1;
                format!("{}: cannot read: {error}", file.display())
            }
        };
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out, "{} passed, {failed} failed", files.len() - failed);
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The files at `paths`, in order; a folder stands for the files directly in it, sorted by name.
pub fn input_files(paths: &[std::path::PathBuf]) -> Result<Vec<std::path::PathBuf>, String> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut entries: Vec<std::path::PathBuf> = std::fs::read_dir(path)
                .map_err(|error| format!("{}: {error}", path.display()))?
                .map(|entry| entry.map(|entry| entry.path()))
                .collect::<Result<_, _>>()
                .map_err(|error| format!("{}: {error}", path.display()))?;
            entries.retain(|entry| entry.is_file());
            entries.sort();
            files.extend(entries);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Deserializer, Serializer};

    use super::*;

    /// A number written back doubled: its own output reads as another value.
    #[derive(Debug, PartialEq, Deserialize, Serialize)]
    struct Doubled(#[serde(serialize_with = "doubled")] u32);

    fn doubled<S: Serializer>(value: &u32, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(u64::from(*value) * 2)
    }

    /// A value that cannot be written.
    #[derive(Debug, PartialEq, Deserialize)]
    struct Unwritable(u32);

    impl Serialize for Unwritable {
        fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("year out of range"))
        }
    }

    /// A value whose output its parser refuses: it reads a number, writes a string.
    #[derive(Debug, PartialEq, Deserialize, Serialize)]
    struct Quoted(#[serde(serialize_with = "quoted")] u32);

    fn quoted<S: Serializer>(value: &u32, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&value.to_string())
    }

    /// A value that reads back equal but is written in another order each time.
    #[derive(Debug, Serialize)]
    struct Unstable(Vec<u32>);

    impl PartialEq for Unstable {
        fn eq(&self, _: &Self) -> bool {
            true
        }
    }

    impl<'de> Deserialize<'de> for Unstable {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let mut items = Vec::<u32>::deserialize(deserializer)?;
            items.reverse();
            Ok(Self(items))
        }
    }

    fn round_trip_of<T: DeserializeOwned + Serialize + PartialEq>(json: &str) -> Result<(), Finding> {
        let value: T = serde_json::from_str(json).expect("a toy input");
        round_trip("Toy", &value).map(drop)
    }

    #[test]
    fn the_round_trip_oracle_catches_each_way_of_breaking_it() {
        assert_eq!(round_trip_of::<Vec<u32>>("[1, 2]"), Ok(()));
        let cases = [
            (round_trip_of::<Doubled>("21"), "parses to a different value"),
            (
                round_trip_of::<Unwritable>("1"),
                "cannot be serialized: year out of range",
            ),
            (
                round_trip_of::<Quoted>("7"),
                "the parser rejects its own output \"\\\"7\\\"\"",
            ),
            (
                round_trip_of::<Unstable>("[1, 2]"),
                "gives \"[2,1]\" and then \"[1,2]\"",
            ),
        ];
        for (result, expected) in cases {
            let finding = result.expect_err(expected);
            assert_eq!(finding.oracle, Oracle::RoundTrip);
            assert!(finding.detail.contains(expected), "{finding}");
        }
    }

    #[test]
    fn the_fidelity_oracle_names_the_first_value_lost_or_changed() {
        let cases = [
            (
                r#"{"a": 1, "b": [true, {"c": null}]}"#,
                r#"{"b": [true, {"c": null}], "a": 1}"#,
                None,
            ),
            (
                r#"{"t": "2020-11-05T07:39:45.500+01:00", "id": "0EA5D52E-387C-44FA-B079-21C8B768F77B"}"#,
                r#"{"t": "2020-11-05T06:39:45.5Z", "id": "0ea5d52e-387c-44fa-b079-21c8b768f77b"}"#,
                None,
            ),
            (r#"{"a": null}"#, r#"{}"#, Some("/a: null is left out")),
            (
                r#"{"a/b": {"c~d": null}}"#,
                r#"{"a/b": {}}"#,
                Some("/a~1b/c~0d: null is left out"),
            ),
            (r#"{"a": null}"#, r#"{"a": []}"#, Some("/a: null is written []")),
            (r#"{"a": [1, 2]}"#, r#"{"a": [1]}"#, Some("/a: [1,2] is written [1]")),
            (r#"{"a": [1, 2]}"#, r#"{"a": [1, 3]}"#, Some("/a/1: 2 is written 3")),
            (
                r#"{}"#,
                r#"{"abort": false}"#,
                Some(r#"(document): "abort": false is added"#),
            ),
            (
                r#""2020-11-05T06:39:45Z""#,
                r#""2020-11-05T06:39:46Z""#,
                Some("(document):"),
            ),
            (r#"[1.0, 1e3, -0.0, 2.5]"#, r#"[1, 1000, 0, 2.5]"#, None),
            (
                r#"[18446744073709551615]"#,
                r#"[18446744073709551614]"#,
                Some("/0: 18446744073709551615 is written"),
            ),
            (r#"[2.5]"#, r#"[2]"#, Some("/0: 2.5 is written 2")),
        ];
        for (input, output, expected) in cases {
            let [input, output]: [Value; 2] = [input, output].map(|json| serde_json::from_str(json).expect("JSON"));
            let found = difference(&input, &output, &mut String::new());
            match expected {
                None => assert_eq!(found, None, "{input} vs {output}"),
                Some(expected) => {
                    let found = found.unwrap_or_else(|| panic!("{input} vs {output}: no difference found"));
                    assert!(found.starts_with(expected), "{found}");
                }
            }
        }
    }

    /// Stands for libFuzzer's byte mutator: flips the first byte.
    fn flip_first(data: &mut [u8], size: usize, _: usize) -> usize {
        if let Some(first) = data.first_mut() {
            *first ^= 0xff;
        }
        size
    }

    #[test]
    fn the_json_mutator_edits_the_document_or_leaves_the_bytes_to_libfuzzer() {
        let original = br#"{"completed_at":"2020-11-05T06:38:29.248173Z","kms":["a","b"],"abort":false}"#;
        let mut edited = std::collections::BTreeSet::new();
        let mut by_libfuzzer = 0;
        for seed in 0..400 {
            let mut data = original.to_vec();
            data.resize(4096, 0);
            let size = mutate_json(&mut data, original.len(), 4096, seed, flip_first);
            let output = &data[..size];
            if output.first() == Some(&(b'{' ^ 0xff)) {
                by_libfuzzer += 1;
                continue;
            }
            let value: Value = serde_json::from_slice(output).expect("the mutator writes JSON");
            edited.insert(value.to_string());
        }
        assert!(
            (100..300).contains(&by_libfuzzer),
            "{by_libfuzzer} of 400 left to libFuzzer"
        );
        assert!(edited.len() > 100, "only {} distinct edits", edited.len());
        assert!(
            edited.contains(r#"{"abort":false,"completed_at":null,"kms":["a","b"]}"#),
            "no null timestamp"
        );
        assert!(edited.iter().any(|json| !json.contains("\"kms\"")), "no member removed");

        // Not JSON: always libFuzzer's.
        let mut data = b"{\"kms\": [".to_vec();
        data.resize(64, 0);
        for seed in 0..20 {
            let size = mutate_json(&mut data, 9, 64, seed, flip_first);
            assert_eq!(size, 9);
        }
        // Never more than max_size.
        let mut data = original.to_vec();
        for seed in 0..200 {
            let size = mutate_json(&mut data, original.len(), original.len(), seed, flip_first);
            assert!(size <= original.len());
        }
    }

    #[test]
    fn an_integer_parameter_is_judged_only_when_written_as_a_64_bit_integer_literal() {
        for (text, number) in [
            ("0", Some(0_i128)),
            ("7", Some(7)),
            ("-1", Some(-1)),
            ("18446744073709551615", Some(18_446_744_073_709_551_615)),
            ("-9223372036854775808", Some(-9_223_372_036_854_775_808)),
            ("18446744073709551616", None),
            ("-9223372036854775809", None),
            ("+1", None),
            ("01", None),
            ("-0", None),
            ("1.0", None),
            ("1e3", None),
            (" 1", None),
            ("", None),
            ("-", None),
        ] {
            let read = integer_literal(text).map(|value| {
                value
                    .as_i64()
                    .map(i128::from)
                    .or_else(|| value.as_u64().map(i128::from))
                    .expect("an integer")
            });
            assert_eq!(read, number, "{text:?}");
        }
    }

    #[test]
    fn long_inputs_are_shortened_in_messages_on_a_character_boundary() {
        assert_eq!(excerpt("é"), "\"é\"");
        let long = "é".repeat(700);
        let short = excerpt(&long);
        assert!(short.ends_with("… (1400 bytes)"), "{short}");
        assert_eq!(short.matches('é').count(), 600);
    }
}
