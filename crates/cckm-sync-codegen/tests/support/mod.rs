//! What the contract tests share: validators of the committed schema files and OpenAPI
//! components, the Rust model of every schema, and the fixtures with the models they are
//! payloads of.

#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::OnceLock;

use cckm_sync::schemars::JsonSchema;
use cckm_sync::{ApiError, Cloud, CloudFamily, FamilyScope, FamilyVisitor, Page, StartJob, SyncJob, SyncJobPage};
use cckm_sync_codegen::{OPENAPI_30, OPENAPI_31};
use jsonschema::Validator;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Where the components of the OpenAPI documents live.
pub const COMPONENTS: &str = "#/components/schemas/";

/// Which of the two published forms of a schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// `schemas/<Name>.schema.json`.
    File,
    /// `#/components/schemas/<Name>` of the OpenAPI 3.1 document.
    Component,
}

impl Form {
    pub const BOTH: [Form; 2] = [Form::File, Form::Component];
}

impl fmt::Display for Form {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::File => "schema file",
            Self::Component => "OpenAPI 3.1 component",
        })
    }
}

/// The committed contract files, read once, with a validator for every schema: those of the
/// contract crate's [`Contract`](cckm_sync_contract::Contract), read from the files.
pub struct Contract {
    /// `schemas/<Name>.schema.json`, by name.
    pub files: BTreeMap<String, Value>,
    /// `openapi/cckm-sync.openapi.json`.
    pub openapi_31: Value,
    /// `openapi/cckm-sync.openapi-3.0.json`.
    pub openapi_30: Value,
    validators: cckm_sync_contract::Contract,
}

/// The contract, loaded and compiled on first use.
pub fn contract() -> &'static Contract {
    static CONTRACT: OnceLock<Contract> = OnceLock::new();
    CONTRACT.get_or_init(|| Contract::load().unwrap_or_else(|error| panic!("cannot load the contract: {error}")))
}

impl Contract {
    fn load() -> Result<Self, String> {
        let root = cckm_sync_codegen::project_root();
        let read = |path: PathBuf| -> Result<Value, String> {
            let text = std::fs::read_to_string(&path).map_err(|error| format!("{}: {error}", path.display()))?;
            serde_json::from_str(&text).map_err(|error| format!("{}: {error}", path.display()))
        };
        let mut files = BTreeMap::new();
        for entry in std::fs::read_dir(root.join("schemas")).map_err(|error| error.to_string())? {
            let path = entry.map_err(|error| error.to_string())?.path();
            let file_name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
            if let Some(name) = file_name.strip_suffix(".schema.json") {
                files.insert(name.to_owned(), read(path)?);
            }
        }
        let openapi_31 = read(root.join(OPENAPI_31))?;
        let openapi_30 = read(root.join(OPENAPI_30))?;
        let validators = cckm_sync_contract::Contract::from_dir(&root).map_err(|error| error.to_string())?;
        // Every schema compiles, up front.
        for name in files.keys() {
            validators
                .schema_file(name)
                .ok_or_else(|| format!("no schema file {name}"))
                .and_then(|schema| {
                    validators
                        .validator(&schema)
                        .map(drop)
                        .map_err(|error| error.to_string())
                })?;
        }
        let components = openapi_31["components"]["schemas"]
            .as_object()
            .ok_or_else(|| format!("{OPENAPI_31} has no components.schemas"))?;
        for name in components.keys() {
            validators
                .component(name)
                .ok_or_else(|| format!("{OPENAPI_31} {COMPONENTS}{name}: not registered"))
                .and_then(|schema| {
                    validators
                        .validator(&schema)
                        .map(drop)
                        .map_err(|error| error.to_string())
                })?;
        }
        Ok(Self {
            files,
            openapi_31,
            openapi_30,
            validators,
        })
    }

    fn validator(&self, form: Form, name: &str) -> &Validator {
        let schema = match form {
            Form::File => self.validators.schema_file(name),
            Form::Component => self.validators.component(name),
        };
        schema
            .and_then(|schema| self.validators.validator(&schema).ok())
            .unwrap_or_else(|| panic!("the contract has no {form} for the schema {name:?}"))
    }

    /// Whether `instance` is valid against the schema `name` in `form`.
    pub fn accepts(&self, form: Form, name: &str, instance: &Value) -> bool {
        self.validator(form, name).is_valid(instance)
    }

    /// Validates `instance` against the schema `name` in `form`; the error lists every
    /// violation with its instance path.
    pub fn validate(&self, form: Form, name: &str, instance: &Value) -> Result<(), String> {
        let errors: Vec<String> = self
            .validator(form, name)
            .iter_errors(instance)
            .map(|error| {
                let path = error.instance_path().as_str().to_owned();
                let path = if path.is_empty() { "(document)".to_owned() } else { path };
                format!("{path}: {error}")
            })
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.join("\n    "))
        }
    }

    /// A validator of an arbitrary schema of the OpenAPI 3.1 document (such as the schema of
    /// a media type), resolving its references within the document.
    pub fn openapi_validator(&self, schema: &Value) -> Result<Validator, String> {
        self.validators
            .openapi_validator(schema)
            .map_err(|error| error.to_string())
    }
}

/// A Rust model of the contract: the name of its schema and its parser.
#[derive(Clone)]
pub struct Model {
    /// The schema name, from the type's `JsonSchema` implementation, such as `AwsSyncJobPage`.
    pub name: String,
    parse: fn(&str) -> Result<(), String>,
}

impl fmt::Debug for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl Model {
    /// The model of `T`.
    pub fn of<T: DeserializeOwned + JsonSchema>() -> Self {
        Self {
            name: T::schema_name().into_owned(),
            parse: parse_as::<T>,
        }
    }

    /// Parses `json` with the crate's parser; the error is the parser's message.
    pub fn parse(&self, json: &str) -> Result<(), String> {
        (self.parse)(json)
    }
}

fn parse_as<T: DeserializeOwned>(json: &str) -> Result<(), String> {
    cckm_sync::from_str::<T>(json)
        .map(drop)
        .map_err(|error| error.to_string())
}

/// The models of one family's payloads.
pub struct FamilyModels {
    pub job: Model,
    pub page: Model,
    pub start: Model,
}

struct FamilyModelsOf;

impl FamilyVisitor for FamilyModelsOf {
    type Output = FamilyModels;

    fn visit<S: FamilyScope>(self) -> FamilyModels {
        FamilyModels {
            job: Model::of::<SyncJob<S>>(),
            page: Model::of::<Page<SyncJob<S>>>(),
            start: Model::of::<StartJob<S>>(),
        }
    }
}

/// The models of `family`'s payloads.
pub fn family_models(family: CloudFamily) -> FamilyModels {
    family.visit(FamilyModelsOf)
}

/// Every payload model, by schema name.
pub fn all_models() -> BTreeMap<String, Model> {
    let mut models = vec![
        Model::of::<SyncJob>(),
        Model::of::<SyncJobPage>(),
        Model::of::<ApiError>(),
    ];
    for family in CloudFamily::ALL {
        let FamilyModels { job, page, start } = family_models(family);
        models.extend([job, page, start]);
    }
    models.into_iter().map(|model| (model.name.clone(), model)).collect()
}

/// The fixture folders, each a kind of payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Folder {
    /// A list response.
    Pages,
    /// A start, get or cancel response.
    Jobs,
    /// A start-request body.
    Start,
    /// An error body.
    Errors,
}

impl Folder {
    pub const ALL: [Folder; 4] = [Folder::Pages, Folder::Jobs, Folder::Start, Folder::Errors];

    pub fn dir_name(self) -> &'static str {
        match self {
            Self::Pages => "pages",
            Self::Jobs => "jobs",
            Self::Start => "start",
            Self::Errors => "errors",
        }
    }
}

/// One fixture file and the models it is a payload of.
pub struct Fixture {
    /// Path under the fixtures folder, such as `invalid/pages/bad-uuid.json`.
    pub name: String,
    pub text: String,
    pub models: Vec<Model>,
}

impl fmt::Display for Fixture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

pub fn fixtures_dir() -> PathBuf {
    cckm_sync_codegen::project_root().join(cckm_sync_codegen::fixtures::DIR)
}

/// The fixtures the parser must accept.
pub fn valid_fixtures() -> Vec<Fixture> {
    Folder::ALL
        .into_iter()
        .flat_map(|folder| read_folder("", folder))
        .collect()
}

/// The fixtures the parser must reject (`invalid/<folder>/`).
pub fn invalid_fixtures() -> Vec<Fixture> {
    Folder::ALL
        .into_iter()
        .flat_map(|folder| read_folder("invalid/", folder))
        .collect()
}

fn read_folder(prefix: &str, folder: Folder) -> Vec<Fixture> {
    let relative = format!("{prefix}{}", folder.dir_name());
    let dir = fixtures_dir().join(&relative);
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|error| panic!("{}: {error}", dir.display()));
    let mut fixtures: Vec<Fixture> = entries
        .map(|entry| {
            entry
                .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
                .path()
        })
        .filter(|path| path.extension().is_some_and(|extension| extension == "json"))
        .map(|path| {
            let file_name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
            let name = format!("{relative}/{file_name}");
            let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{name}: {error}"));
            let stem = file_name.trim_end_matches(".json");
            let models = models_of(folder, stem, &text);
            Fixture { name, text, models }
        })
        .collect();
    fixtures.sort_by(|a, b| a.name.cmp(&b.name));
    assert!(!fixtures.is_empty(), "no fixture in {relative}");
    fixtures
}

/// The models of a fixture, as the fixtures' README says: the folder's model of any family,
/// and the family's own model when the payload names one family.
fn models_of(folder: Folder, stem: &str, text: &str) -> Vec<Model> {
    let value: Option<Value> = serde_json::from_str(text).ok();
    match folder {
        Folder::Pages => {
            let mut models = vec![Model::of::<SyncJobPage>()];
            if let Some(family) = value.as_ref().and_then(page_family) {
                models.push(family_models(family).page);
            }
            models
        }
        Folder::Jobs => {
            let mut models = vec![Model::of::<SyncJob>()];
            let cloud = value.as_ref().and_then(|job| job.get("cloud")).and_then(Value::as_str);
            if let Some(family) = cloud.and_then(|cloud| Cloud::from(cloud).family()) {
                models.push(family_models(family).job);
            }
            models
        }
        Folder::Start => vec![family_models(start_family(stem)).start],
        Folder::Errors => vec![Model::of::<ApiError>()],
    }
}

/// The one family of every job of a page, if they share a known family: what
/// [`Page::family`](cckm_sync::Page::family) says of a parsed page, read from the JSON value
/// because invalid fixtures, which the parser refuses, have family models too.
pub fn page_family(page: &Value) -> Option<CloudFamily> {
    let families: Vec<Option<CloudFamily>> = page
        .get("resources")?
        .as_array()?
        .iter()
        .map(|job| Cloud::from(job.get("cloud").and_then(Value::as_str).unwrap_or_default()).family())
        .collect();
    let first = *families.first()?;
    families
        .iter()
        .all(|family| *family == first)
        .then_some(first)
        .flatten()
}

/// The family of a start-request fixture, from its file name (`<family>-<what>`).
fn start_family(stem: &str) -> CloudFamily {
    cckm_sync_codegen::fixtures::start_family(stem)
        .unwrap_or_else(|| panic!("start fixture {stem}.json: no family is named so (see fixtures/start/README.md)"))
}

/// Escapes a key as a JSON pointer token.
pub fn token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}
