//! The generated contract files, embedded at build time, and offline validators of them.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::sync::OnceLock;

use jsonschema::{Draft, Registry, Validator};
use serde::Serialize;
use serde_json::{Value, json};

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// The made-up base URI a schema file without an `$id` is registered under: a name, never
/// fetched. The files `$ref` each other by file name (`"JobStatus.schema.json"`), which
/// resolves against the file's `$id` (the generated files have one, naming the contract's
/// version), or against this base.
pub const SCHEMAS_BASE: &str = "https://cckm-sync.invalid/schemas/";

/// The URI a schema file is registered under in a validator's registry: its `$id`, or
/// [`SCHEMAS_BASE`] and its file name. Registering every file of a folder so makes their
/// references to each other by file name resolve offline, whatever their `$id` says.
///
/// ```
/// use serde_json::json;
///
/// let id = "https://example.com/contract-v1/schemas/Cloud.schema.json";
/// assert_eq!(cckm_sync_contract::schema_uri("Cloud.schema.json", &json!({"$id": id})), id);
/// assert_eq!(
///     cckm_sync_contract::schema_uri("Cloud.schema.json", &json!({})),
///     "https://cckm-sync.invalid/schemas/Cloud.schema.json",
/// );
/// ```
pub fn schema_uri(file_name: &str, schema: &Value) -> String {
    match schema.get("$id").and_then(Value::as_str) {
        Some(id) => id.to_owned(),
        None => format!("{SCHEMAS_BASE}{file_name}"),
    }
}
/// The made-up URI the OpenAPI 3.1 document is registered under.
pub const OPENAPI_BASE: &str = "https://cckm-sync.invalid/openapi.json";

/// Options of a validator of the contract: draft 2020-12 (the schema files' and OpenAPI 3.1's
/// dialect), formats (`uuid`, `date-time`) checked, and offline: no reference is ever fetched.
pub fn validation_options<'a>() -> jsonschema::ValidationOptions<'a> {
    jsonschema::options()
        .with_draft(Draft::Draft202012)
        .should_validate_formats(true)
        .offline()
}
/// The folders of the published files, as the repository names them.
const SCHEMAS_DIR: &str = "schemas";
const OPENAPI_DIR: &str = "openapi";
const SCHEMA_SUFFIX: &str = ".schema.json";
/// How many errors of one document a schema reports at most.
const MAX_SCHEMA_ERRORS: usize = 20;
/// The longest message of one schema error, in characters.
const MAX_MESSAGE: usize = 240;

/// One schema of the contract: a schema file, or a component of the OpenAPI 3.1 document for
/// the bodies that have no file (the token call's).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct SchemaRef {
    /// The schema's name, such as `AwsSyncJobPage`.
    pub name: String,
    /// Where it is published, such as `schemas/AwsSyncJobPage.schema.json` or
    /// `openapi/cckm-sync.openapi.json#/components/schemas/TokenResponse`.
    pub location: String,
    #[serde(skip)]
    uri: String,
}

impl fmt::Display for SchemaRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.location)
    }
}

/// One error a schema found in a document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SchemaError {
    /// JSON Pointer of the value at fault in the document.
    pub pointer: String,
    /// What the validator says, shortened to a line.
    pub message: String,
    /// The keyword that failed, such as `format` or `required`.
    pub keyword: String,
}

/// Why the embedded contract cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContractError(String);

impl fmt::Display for ContractError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ContractError {}

/// The contract files embedded in this library, with a validator for each schema (draft
/// 2020-12, formats checked, no reference fetched), compiled on first use.
///
/// ```
/// use cckm_sync_contract::Contract;
///
/// let contract = Contract::embedded()?;
/// let schema = contract.schema_file("ApiError").unwrap();
/// assert_eq!(schema.location, "schemas/ApiError.schema.json");
/// assert!(contract.validate(&schema, &serde_json::json!({"code": 16})).is_ok());
/// let errors = contract.validate(&schema, &serde_json::json!({"code": "16"})).unwrap_err();
/// assert_eq!(errors[0].pointer, "/code");
/// # Ok::<(), cckm_sync_contract::ContractError>(())
/// ```
pub struct Contract {
    registry: Registry<'static>,
    files: BTreeMap<String, SchemaRef>,
    components: BTreeMap<String, SchemaRef>,
    validators: BTreeMap<String, OnceLock<Result<Validator, String>>>,
}

impl fmt::Debug for Contract {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Contract")
            .field("files", &self.files.len())
            .field("components", &self.components.len())
            .finish_non_exhaustive()
    }
}

impl Contract {
    /// The contract embedded at build time, loaded once.
    pub fn embedded() -> Result<&'static Contract, ContractError> {
        static CONTRACT: OnceLock<Result<Contract, ContractError>> = OnceLock::new();
        CONTRACT
            .get_or_init(|| {
                if SCHEMA_FILES.is_empty() {
                    return Err(ContractError(format!(
                        "no schema file was embedded: generate `contract/{SCHEMAS_DIR}/` with `cargo xtask codegen` and build again"
                    )));
                }
                Self::from_texts(SCHEMA_FILES.iter().copied(), OPENAPI_FILES.iter().copied())
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The contract in the folder `root`, laid out as the repository lays it out: the schema
    /// files `schemas/*.schema.json` and the OpenAPI documents `openapi/*.json`. What tests and
    /// fuzzers of the committed files judge payloads with.
    ///
    /// ```no_run
    /// use cckm_sync_contract::Contract;
    ///
    /// let contract = Contract::from_dir("path/to/the/repository".as_ref())?;
    /// assert!(contract.schema_file("SyncJob").is_some());
    /// # Ok::<(), cckm_sync_contract::ContractError>(())
    /// ```
    pub fn from_dir(root: &Path) -> Result<Self, ContractError> {
        let read = |dir: &str, suffix: &str| -> Result<Vec<(String, String)>, ContractError> {
            let folder = root.join(dir);
            let error = |reason: std::io::Error| ContractError(format!("{}: {reason}", folder.display()));
            let mut files = Vec::new();
            for entry in std::fs::read_dir(&folder).map_err(error)? {
                let path = entry.map_err(error)?.path();
                let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
                if name.ends_with(suffix) {
                    let text = std::fs::read_to_string(&path)
                        .map_err(|reason| ContractError(format!("{}: {reason}", path.display())))?;
                    files.push((name, text));
                }
            }
            files.sort();
            Ok(files)
        };
        let schema_files = read(SCHEMAS_DIR, SCHEMA_SUFFIX)?;
        if schema_files.is_empty() {
            return Err(ContractError(format!(
                "no schema file in {}",
                root.join(SCHEMAS_DIR).display()
            )));
        }
        let openapi_files = read(OPENAPI_DIR, ".json")?;
        Self::from_texts(schema_files, openapi_files)
    }

    /// The contract of the schema files and OpenAPI documents given by file name and text.
    fn from_texts<N, T>(
        schema_files: impl IntoIterator<Item = (N, T)>,
        openapi_files: impl IntoIterator<Item = (N, T)>,
    ) -> Result<Self, ContractError>
    where
        N: AsRef<str>,
        T: AsRef<str>,
    {
        let error = |reason: String| ContractError(reason);
        let mut resources = Vec::new();
        let mut files = BTreeMap::new();
        for (file_name, text) in schema_files {
            let (file_name, text) = (file_name.as_ref(), text.as_ref());
            let schema: Value = serde_json::from_str(text)
                .map_err(|reason| error(format!("{SCHEMAS_DIR}/{file_name}: not JSON: {reason}")))?;
            let uri = schema_uri(file_name, &schema);
            let name = file_name.strip_suffix(SCHEMA_SUFFIX).unwrap_or(file_name).to_owned();
            files.insert(
                name.clone(),
                SchemaRef {
                    name,
                    location: format!("{SCHEMAS_DIR}/{file_name}"),
                    uri: uri.clone(),
                },
            );
            resources.push((uri, schema));
        }
        // The OpenAPI 3.1 document: its components include the token call's bodies, which
        // have no schema file. Its dialect is draft 2020-12, as the files'.
        let mut components = BTreeMap::new();
        for (file_name, text) in openapi_files {
            let (file_name, text) = (file_name.as_ref(), text.as_ref());
            let document: Value = serde_json::from_str(text)
                .map_err(|reason| error(format!("{OPENAPI_DIR}/{file_name}: not JSON: {reason}")))?;
            let is_31 = document
                .get("openapi")
                .and_then(Value::as_str)
                .is_some_and(|version| version.starts_with("3.1"));
            if !is_31 {
                continue;
            }
            if let Some(schemas) = document.pointer("/components/schemas").and_then(Value::as_object) {
                for name in schemas.keys() {
                    let pointer = format!("#/components/schemas/{name}");
                    components.insert(
                        name.clone(),
                        SchemaRef {
                            name: name.clone(),
                            location: format!("{OPENAPI_DIR}/{file_name}{pointer}"),
                            uri: format!("{OPENAPI_BASE}{pointer}"),
                        },
                    );
                }
            }
            resources.push((OPENAPI_BASE.to_owned(), document));
            break;
        }
        let registry = Registry::new()
            .draft(Draft::Draft202012)
            .extend(resources)
            .and_then(|builder| builder.prepare())
            .map_err(|reason| error(format!("the contract's references do not resolve: {reason}")))?;
        let validators = files
            .values()
            .chain(components.values())
            .map(|schema| (schema.uri.clone(), OnceLock::new()))
            .collect();
        Ok(Self {
            registry,
            files,
            components,
            validators,
        })
    }

    /// The schema file `schemas/<name>.schema.json`.
    pub fn schema_file(&self, name: &str) -> Option<SchemaRef> {
        self.files.get(name).cloned()
    }

    /// The component `#/components/schemas/<name>` of the OpenAPI 3.1 document.
    pub fn component(&self, name: &str) -> Option<SchemaRef> {
        self.components.get(name).cloned()
    }

    /// The names of the schema files, sorted.
    pub fn schema_file_names(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// The validator of `schema` (a schema file or a component of this contract), compiled on
    /// first use.
    pub fn validator(&self, schema: &SchemaRef) -> Result<&Validator, ContractError> {
        let slot = self
            .validators
            .get(&schema.uri)
            .ok_or_else(|| ContractError(format!("{schema} is not a schema of the embedded contract")))?;
        slot.get_or_init(|| {
            validation_options()
                .with_registry(&self.registry)
                .build(&json!({"$ref": schema.uri}))
                .map_err(|reason| format!("{schema} does not compile: {reason}"))
        })
        .as_ref()
        .map_err(|reason| ContractError(reason.clone()))
    }

    /// A validator of `schema`, a schema within the OpenAPI 3.1 document (a parameter's, a
    /// media type's): its references (`#/components/…`) resolve in the document.
    ///
    /// ```
    /// use cckm_sync_contract::Contract;
    /// use serde_json::json;
    ///
    /// let contract = Contract::embedded()?;
    /// let limit = contract.openapi_validator(&json!({"$ref": "#/components/schemas/Limit"}))?;
    /// assert!(limit.is_valid(&json!(-1)) && !limit.is_valid(&json!(0)));
    /// # Ok::<(), cckm_sync_contract::ContractError>(())
    /// ```
    pub fn openapi_validator(&self, schema: &Value) -> Result<Validator, ContractError> {
        validation_options()
            .with_registry(&self.registry)
            .build(&within_document(schema))
            .map_err(|reason| ContractError(format!("a schema of the OpenAPI document does not compile: {reason}")))
    }

    /// Validates `value` against `schema`: `Err` lists the errors (at most 20), each with
    /// the JSON Pointer of the value at fault.
    ///
    /// A schema that does not compile (a defect of the generator) is reported as an error of
    /// the whole document, naming the schema.
    pub fn validate(&self, schema: &SchemaRef, value: &Value) -> Result<(), Vec<SchemaError>> {
        let validator = match self.validator(schema) {
            Ok(validator) => validator,
            Err(reason) => {
                return Err(vec![SchemaError {
                    pointer: String::new(),
                    message: reason.to_string(),
                    keyword: "$ref".to_owned(),
                }]);
            }
        };
        if validator.is_valid(value) {
            return Ok(());
        }
        let errors: Vec<SchemaError> = validator
            .iter_errors(value)
            .take(MAX_SCHEMA_ERRORS)
            .map(|error| {
                // A message quotes the value at fault: shown in full for a scalar, masked for
                // an object or array (it may be a whole page).
                let message = if error.instance().is_object() || error.instance().is_array() {
                    error.masked_with("the value").to_string()
                } else {
                    error.to_string()
                };
                SchemaError {
                    pointer: error.instance_path().as_str().to_owned(),
                    message: shorten(&message, MAX_MESSAGE),
                    keyword: error.kind().keyword().to_owned(),
                }
            })
            .collect();
        if errors.is_empty() {
            // `is_valid` and `iter_errors` disagree only if the validator is broken.
            return Err(vec![SchemaError {
                pointer: String::new(),
                message: format!("{schema} rejects the document without naming an error"),
                keyword: String::new(),
            }]);
        }
        Err(errors)
    }
}

/// `schema` with every reference local to the OpenAPI document (`#/components/…`) made
/// absolute, so that it resolves in the registered document rather than in `schema` itself.
fn within_document(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, value)| match (key.as_str(), value) {
                    ("$ref", Value::String(reference)) if reference.starts_with('#') => {
                        (key.clone(), Value::from(format!("{OPENAPI_BASE}{reference}")))
                    }
                    _ => (key.clone(), within_document(value)),
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(within_document).collect()),
        other => other.clone(),
    }
}

/// `text` on one line and at most `max` characters, `…` marking a cut.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    let line: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    if line.chars().count() <= max {
        return line;
    }
    let mut cut: String = line.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_schema_file_and_component_compiles() {
        let contract = Contract::embedded().unwrap();
        assert!(contract.files.len() > 40, "{contract:?}");
        for schema in contract.files.values().chain(contract.components.values()) {
            contract.validator(schema).unwrap();
        }
        assert!(contract.component("TokenResponse").is_some());
    }

    #[test]
    fn messages_are_one_short_line() {
        assert_eq!(shorten("a\nb", 10), "a b");
        assert_eq!(shorten("abcdef", 4), "abc…");
    }
}
