//! Compares two versions of the contract and says, for each change, whether a client of the
//! old version can break: what `cckm-sync diff` is made of, and what a release gate calls.
//!
//! A version is an OpenAPI document (3.1, or 3.0.x converted to JSON Schema 2020-12 first) or
//! a folder of `*.schema.json` files ([`Version::load`]). [`compare`] lists every [`Change`]
//! with its [`Impact`], its [`Place`], a one-line summary and, when the verdict comes from
//! acceptance, the [`Evidence`]: a probe value, and whether each version accepts it.
//!
//! Verdicts come from structure (an operation, a parameter, a status, a content type or a
//! schema file that appears or goes away, a parameter that becomes required) **and from
//! acceptance**: every schema whose form changed is given probes — the `example`, `examples`,
//! `default`, `enum` and `const` values of both versions, start bodies and list query values
//! built with the `cckm-sync` model crate and its endpoint catalog, instances generated from
//! both versions of the schema (strings from `pattern`s included) and mutations of them — and
//! each probe is validated against both versions (the `jsonschema` crate, draft 2020-12,
//! formats checked, no reference ever fetched). A query parameter's probes are judged as the
//! text of a query string: repeated for an array, integers written as text.
//!
//! The rules a client relies on:
//!
//! - [`Impact::Breaking`]: a request the old version accepted is refused (a parameter value, a
//!   start body); a response the old version ruled out may arrive (a wider response schema, a
//!   new success status, a new content type); an operation, a parameter, a status or a schema
//!   file removed; a parameter or a body that becomes required; any acceptance change of a
//!   schema used by requests and responses alike.
//! - [`Impact::Additive`]: a new operation, optional parameter, error status (4xx, 5xx) or
//!   schema file; a request refused that is now accepted; a response narrowed; an open enum
//!   (known values plus any string, as `overall_status` and `cloud` are) that lists a new
//!   known value; a property newly listed where acceptance did not change.
//! - [`Impact::None`]: nothing changes on the wire: descriptions, examples, titles, key order,
//!   `$comment`, `info.version`, `$id`, or an equivalent schema form.
//!
//! A schema's role (request, response or both) comes from how the document uses it, following
//! `$ref`s; for a folder of schema files, from the body kinds this crate knows (start requests
//! and the token request are requests, the rest responses) and the references between files.
//! A folder's `$ref`s resolve to the folder's own files whatever their `$id` says, so that a
//! versioned `$id` changes nothing.
//!
//! ```
//! use cckm_sync_contract::diff::{self, Impact, Place, Version};
//!
//! let old = Version::from_openapi_str("old.json", r#"{
//!     "openapi": "3.1.0", "info": {"title": "jobs", "version": "0.1.0"},
//!     "paths": {"/jobs": {"get": {
//!         "parameters": [{"name": "sort", "in": "query", "schema": {"type": "string", "examples": ["name,-updatedAt"]}}],
//!         "responses": {"200": {"description": "a page"}}
//!     }}}
//! }"#)?;
//! let new = Version::from_openapi_str("new.json", r#"{
//!     "openapi": "3.1.0", "info": {"title": "jobs", "version": "0.2.0"},
//!     "paths": {"/jobs": {"get": {
//!         "parameters": [{"name": "sort", "in": "query", "schema": {"type": "string", "pattern": "^-?(id|createdAt)$"}}],
//!         "responses": {"200": {"description": "a page"}, "404": {"description": "no such job"}}
//!     }}}
//! }"#)?;
//!
//! let diff = diff::compare(&old, &new)?;
//! assert!(diff.is_breaking());
//! let sort = diff.changes.iter().find(|change| change.impact == Impact::Breaking).unwrap();
//! assert_eq!(sort.place.to_string(), "GET /jobs query parameter sort");
//! assert_eq!(
//!     sort.evidence.as_ref().unwrap().to_string(),
//!     "`sort=name,-updatedAt` was accepted and is now refused",
//! );
//! assert!(diff.changes.iter().any(|change| change.impact == Impact::Additive
//!     && matches!(&change.place, Place::Response { status, .. } if status == "404")));
//! assert_eq!((diff.old.version.as_deref(), diff.new.version.as_deref()), (Some("0.1.0"), Some("0.2.0")));
//! # Ok::<(), cckm_sync_contract::diff::DiffError>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

mod annotations;
mod folder;
mod generate;
mod judge;
mod load;
mod models;
mod openapi;
mod pattern;
mod probes;
mod schema;

/// The version of the JSON form of a [`Diff`]; raised when a field changes meaning or goes
/// away.
pub const DIFF_VERSION: u32 = 1;

/// One version of the contract: an OpenAPI document or a folder of schema files, read and
/// checked (every `$ref` resolves), with its OpenAPI 3.0 schemas converted to JSON Schema
/// 2020-12.
#[derive(Clone)]
pub struct Version {
    label: String,
    kind: VersionKind,
    contract_version: Option<String>,
    /// The OpenAPI version the document declares (`3.1.0`), if a document.
    openapi: Option<String>,
    /// The documents, converted: one for an OpenAPI document (named by its label), one per
    /// file of a folder (by file name, without its `$id`).
    resources: BTreeMap<String, Value>,
    /// The `$id`s the version declared, taken out: for a folder, each file's by file name;
    /// for a document, each schema's by JSON Pointer.
    ids: BTreeMap<String, String>,
    /// Every `example`, `examples`, `default`, `enum` and `const` value, before conversion.
    examples: Vec<Value>,
}

impl fmt::Debug for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Version")
            .field("label", &self.label)
            .field("kind", &self.kind)
            .field("contract_version", &self.contract_version)
            .field("resources", &self.resources.len())
            .finish_non_exhaustive()
    }
}

/// What a [`Version`] was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub enum VersionKind {
    /// An OpenAPI 3.0.x document.
    #[serde(rename = "openapi-3.0")]
    OpenApi30,
    /// An OpenAPI 3.1.x document.
    #[serde(rename = "openapi-3.1")]
    OpenApi31,
    /// A folder of `*.schema.json` files.
    #[serde(rename = "schema-folder")]
    SchemaFolder,
}

impl VersionKind {
    /// Whether the version is an OpenAPI document (of either version).
    pub fn is_document(self) -> bool {
        matches!(self, Self::OpenApi30 | Self::OpenApi31)
    }
}

impl fmt::Display for VersionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::OpenApi30 => "an OpenAPI 3.0 document",
            Self::OpenApi31 => "an OpenAPI 3.1 document",
            Self::SchemaFolder => "a folder of schema files",
        })
    }
}

impl Version {
    /// Reads the version at `path`: an OpenAPI document (a JSON file whose `openapi` is 3.0.x
    /// or 3.1.x), or a folder of `*.schema.json` files (not searched recursively).
    ///
    /// Fails on a file that cannot be read, is not JSON, or is not a contract document, and on
    /// a `$ref` that does not resolve; the error names the file, the JSON Pointer and why.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, DiffError> {
        load::load(path.as_ref())
    }

    /// The OpenAPI document `text`, named `label` in changes and errors.
    pub fn from_openapi_str(label: &str, text: &str) -> Result<Self, DiffError> {
        load::from_openapi_text(label, text)
    }

    /// The schema files `files` (file name and text), as a folder named `label`.
    pub fn from_schema_files<I, N, T>(label: &str, files: I) -> Result<Self, DiffError>
    where
        I: IntoIterator<Item = (N, T)>,
        N: Into<String>,
        T: AsRef<str>,
    {
        let files: Vec<(String, String)> = files
            .into_iter()
            .map(|(name, text)| (name.into(), text.as_ref().to_owned()))
            .collect();
        load::from_schema_texts(label, files)
    }

    /// The name it was read as: the path given, or the label.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Whether it is a document (and of which OpenAPI version) or a folder.
    pub fn kind(&self) -> VersionKind {
        self.kind
    }

    /// The contract's version: `info.version` of a document; for a folder, the
    /// `contract-v<version>` part its files' `$id`s share, if they do.
    pub fn contract_version(&self) -> Option<&str> {
        self.contract_version.as_deref()
    }

    fn summary(&self) -> VersionSummary {
        VersionSummary {
            path: self.label.clone(),
            kind: self.kind,
            version: self.contract_version.clone(),
        }
    }
}

/// How much a change matters to a client of the old version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Impact {
    /// A client of the old version can break.
    Breaking,
    /// The new version adds a capability or a guarantee; every client of the old one keeps
    /// working.
    Additive,
    /// Nothing changes on the wire.
    None,
}

impl Impact {
    /// The impact as the JSON form writes it: `breaking`, `additive` or `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Breaking => "breaking",
            Self::Additive => "additive",
            Self::None => "none",
        }
    }
}

impl fmt::Display for Impact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a change is.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Place {
    /// A place of the document itself, such as `/info/version` or `/servers`.
    Document {
        /// Its JSON Pointer in the document (in a folder, `<file>#<pointer>`).
        pointer: String,
    },
    /// Annotations (descriptions, examples, titles, …) that changed, by keyword.
    Annotations {
        /// The keyword, such as `description`.
        keyword: String,
        /// Every place it changed, as JSON Pointers (in a folder, `<file>#<pointer>`).
        pointers: Vec<String>,
    },
    /// An operation as a whole.
    Operation {
        /// `METHOD /path`, such as `GET /cckm/aws/synchronization-jobs`.
        operation: String,
    },
    /// A parameter of an operation.
    Parameter {
        /// `METHOD /path`.
        operation: String,
        /// The parameter's name.
        name: String,
        /// Where it is: `query`, `path`, `header` or `cookie`.
        #[serde(rename = "in")]
        location: String,
    },
    /// The request body of an operation.
    RequestBody {
        /// `METHOD /path`.
        operation: String,
        /// The content type, when the change is one content type's.
        #[serde(skip_serializing_if = "Option::is_none")]
        media_type: Option<String>,
    },
    /// A response of an operation.
    Response {
        /// `METHOD /path`.
        operation: String,
        /// The status as the document writes it: `200`, `4XX`, `default`.
        status: String,
        /// The content type, when the change is one content type's.
        #[serde(skip_serializing_if = "Option::is_none")]
        media_type: Option<String>,
    },
    /// A schema: a schema file of a folder or a component of a document, and a JSON Pointer
    /// in it.
    Schema {
        /// The schema's name, such as `SyncJob` (a file's name without `.schema.json`).
        schema: String,
        /// A JSON Pointer in the schema: for a change shown by evidence, the keyword of the
        /// version that refuses the probe, when it is in this schema; empty for the whole
        /// schema.
        pointer: String,
    },
}

impl Place {
    /// The operation the place belongs to, if any.
    pub fn operation(&self) -> Option<&str> {
        match self {
            Self::Operation { operation }
            | Self::Parameter { operation, .. }
            | Self::RequestBody { operation, .. }
            | Self::Response { operation, .. } => Some(operation),
            _ => None,
        }
    }

    /// The order of kinds of places in a diff.
    fn rank(&self) -> u8 {
        match self {
            Self::Operation { .. } => 0,
            Self::Parameter { .. } => 1,
            Self::RequestBody { .. } => 2,
            Self::Response { .. } => 3,
            Self::Schema { .. } => 4,
            Self::Document { .. } => 5,
            Self::Annotations { .. } => 6,
        }
    }

    /// The place without its operation (or schema name): what is the same when one change
    /// shows on many operations or files.
    fn within(&self) -> String {
        match self {
            Self::Document { pointer } => format!("document {pointer}"),
            Self::Annotations { keyword, .. } => format!("annotations {keyword}"),
            Self::Operation { .. } => "operation".to_owned(),
            Self::Parameter { name, location, .. } => format!("{location} parameter {name}"),
            Self::RequestBody { media_type, .. } => match media_type {
                Some(media_type) => format!("request body {media_type}"),
                None => "request body".to_owned(),
            },
            Self::Response { media_type, .. } => match media_type {
                Some(media_type) => format!("response {media_type}"),
                None => "response".to_owned(),
            },
            Self::Schema { pointer, .. } => format!("schema {pointer}"),
        }
    }

    /// What a group of changes is grouped over: the operation and status, or the schema.
    fn member(&self) -> Option<String> {
        match self {
            Self::Response { operation, status, .. } => Some(format!("{operation} {status}")),
            Self::Operation { operation } | Self::Parameter { operation, .. } | Self::RequestBody { operation, .. } => {
                Some(operation.clone())
            }
            Self::Schema { schema, .. } => Some(schema.clone()),
            Self::Document { .. } | Self::Annotations { .. } => None,
        }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Document { pointer } => write!(f, "document {pointer}"),
            Self::Annotations { keyword, pointers } => {
                let places = pointers.len();
                write!(f, "`{keyword}` at {places} place{}", plural(places))?;
                if let Some(first) = pointers.first() {
                    write!(f, " ({first}")?;
                    if places > 1 {
                        write!(f, ", …")?;
                    }
                    f.write_str(")")?;
                }
                Ok(())
            }
            Self::Operation { operation } => write!(f, "operation {operation}"),
            Self::Parameter {
                operation,
                name,
                location,
            } => write!(f, "{operation} {location} parameter {name}"),
            Self::RequestBody { operation, media_type } => {
                write!(f, "{operation} request body")?;
                if let Some(media_type) = media_type {
                    write!(f, " {media_type}")?;
                }
                Ok(())
            }
            Self::Response {
                operation,
                status,
                media_type,
            } => {
                write!(f, "{operation} response {status}")?;
                if let Some(media_type) = media_type {
                    write!(f, " {media_type}")?;
                }
                Ok(())
            }
            Self::Schema { schema, pointer } => {
                write!(f, "schema {schema}")?;
                if !pointer.is_empty() {
                    write!(f, " {pointer}")?;
                }
                Ok(())
            }
        }
    }
}

/// Whether a version accepts a probe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Acceptance {
    /// The version's schema accepts it.
    Accepted,
    /// The version's schema refuses it.
    Refused,
}

impl Acceptance {
    fn of(accepted: bool) -> Self {
        if accepted { Self::Accepted } else { Self::Refused }
    }

    fn word(self) -> &'static str {
        match self {
            Self::Accepted => "accepted",
            Self::Refused => "refused",
        }
    }
}

/// Where a probe came from; evidence prefers the first kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProbeSource {
    /// An `example`, `examples`, `default`, `enum` or `const` value of either version.
    Example,
    /// A body or query value built with the `cckm-sync` model crate and its catalog.
    Model,
    /// An instance generated from either version of the schema.
    Generated,
    /// A generated instance with one value dropped, nulled, retyped or pushed to a bound.
    Mutation,
}

/// What the version that refuses a probe says about it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Refusal {
    /// JSON Pointer of the value at fault in the probe.
    pub instance_path: String,
    /// Where the keyword that refuses it is: the schema file or document and a JSON Pointer,
    /// such as `cckm-sync.openapi.json#/components/schemas/AwsSyncJob/properties/cloud/not`.
    pub keyword_location: String,
    /// The validator's message, on one line.
    pub reason: String,
}

/// A probe judged differently by the two versions.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Evidence {
    /// The probe as it goes on the wire: a JSON body, or a query string such as
    /// `sort=name,-updatedAt`.
    pub probe: String,
    /// Whether the probe is a body (JSON) or a parameter's text.
    pub form: ProbeForm,
    /// The schema judged, when it has a name (a component or a schema file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Where the probe came from.
    pub source: ProbeSource,
    /// Whether the old version accepts it.
    pub old: Acceptance,
    /// Whether the new version accepts it.
    pub new: Acceptance,
    /// Why the version that refuses it does.
    pub refused: Refusal,
}

/// What a probe is on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProbeForm {
    /// A JSON body.
    Body,
    /// The text of a parameter: `name=value` pairs.
    Parameter,
}

impl fmt::Display for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.form {
            ProbeForm::Body => {
                write!(f, "the body `{}`", self.probe)?;
                if let Some(schema) = &self.schema {
                    write!(f, " of {schema}")?;
                }
            }
            ProbeForm::Parameter => write!(f, "`{}`", self.probe)?,
        }
        write!(f, " was {} and is now {}", self.old.word(), self.new.word())
    }
}

/// One change between the two versions.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Change {
    /// How much it matters to a client of the old version.
    pub impact: Impact,
    /// Where it is.
    pub place: Place,
    /// What changed, in one line.
    pub summary: String,
    /// The probe that shows it, when the verdict comes from acceptance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
}

impl Change {
    pub(crate) fn new(impact: Impact, place: Place, summary: impl Into<String>) -> Self {
        Self {
            impact,
            place,
            summary: summary.into(),
            evidence: None,
        }
    }

    fn with_evidence(mut self, evidence: Option<Evidence>) -> Self {
        self.evidence = evidence;
        self
    }
}

impl fmt::Display for Change {
    /// `<place>: <summary>[: <evidence>]`, without the impact.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.summary)?;
        if let Some(evidence) = &self.evidence {
            write!(f, ": {evidence}")?;
        }
        Ok(())
    }
}

/// A version as a [`Diff`] names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VersionSummary {
    /// The path it was read from (or its label).
    pub path: String,
    /// A document or a folder.
    pub kind: VersionKind,
    /// The contract's version ([`Version::contract_version`]).
    pub version: Option<String>,
}

/// Counts of a [`Diff`]'s changes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DiffTotals {
    /// Breaking changes.
    pub breaking: usize,
    /// Additive changes.
    pub additive: usize,
    /// Changes with no effect on the wire.
    pub none: usize,
    /// Probes judged by both versions.
    pub probes: usize,
}

/// Every change between two versions, breaking ones first. Its JSON form (`serde`) is the
/// documented output of `cckm-sync diff --format json`.
#[derive(Clone, Debug, Serialize)]
pub struct Diff {
    /// [`DIFF_VERSION`].
    pub diff_version: u32,
    /// The old version.
    pub old: VersionSummary,
    /// The new version.
    pub new: VersionSummary,
    /// Whether a change is breaking.
    pub breaking: bool,
    /// Counts.
    pub totals: DiffTotals,
    /// Every change, one per place: breaking first, then additive, then none; within an
    /// impact, operations, parameters, request bodies, responses, schemas, the document.
    pub changes: Vec<Change>,
}

impl Diff {
    /// Whether a client of the old version can break.
    pub fn is_breaking(&self) -> bool {
        self.breaking
    }

    /// The changes grouped for people: changes of the same impact, kind of place and summary,
    /// decided by the same keyword of the same named schema (or shown by the same probe), on
    /// several operations or schemas, are one group; in the order of
    /// [`changes`](Self::changes).
    pub fn groups(&self) -> Vec<ChangeGroup<'_>> {
        let mut order: Vec<ChangeGroup<'_>> = Vec::new();
        let mut index: BTreeMap<(Impact, String, String, Option<String>), usize> = BTreeMap::new();
        for change in &self.changes {
            let within = match (&change.place, &change.evidence) {
                (Place::Schema { .. }, Some(_)) => "schema".to_owned(),
                (place, _) => place.within(),
            };
            let key = (change.impact, within, change.summary.clone(), decider(change));
            match index.get(&key).and_then(|&at| order.get_mut(at)) {
                Some(group) if change.place.member().is_some() => group.changes.push(change),
                _ => {
                    index.insert(key, order.len());
                    order.push(ChangeGroup { changes: vec![change] });
                }
            }
        }
        order
    }
}

/// What makes changes the same change: the keyword that decides, when it is in a named
/// schema (a component or a schema file, shared by the places that use it), or else the
/// probe that shows it.
fn decider(change: &Change) -> Option<String> {
    let evidence = change.evidence.as_ref()?;
    let location = &evidence.refused.keyword_location;
    let named = location.split_once('#').is_some_and(|(file, pointer)| {
        pointer.starts_with("/components/schemas/") || file.ends_with(load::SCHEMA_SUFFIX)
    });
    Some(if named {
        format!("{} {} {location}", evidence.old.word(), evidence.new.word())
    } else {
        evidence.to_string()
    })
}

/// Changes that differ only by the operation (or schema) they are on.
#[derive(Clone, Debug)]
pub struct ChangeGroup<'a> {
    /// The changes, at least one.
    pub changes: Vec<&'a Change>,
}

/// How many operations or schemas a group names in its line before `and N more`.
const NAMED_MEMBERS: usize = 3;

impl ChangeGroup<'_> {
    /// The impact of the group's changes.
    pub fn impact(&self) -> Impact {
        self.changes.first().map_or(Impact::None, |change| change.impact)
    }

    /// The simplest evidence of the group's changes, if they have evidence.
    pub fn evidence(&self) -> Option<&Evidence> {
        self.changes
            .iter()
            .filter_map(|change| change.evidence.as_ref())
            .min_by_key(|evidence| evidence.probe.len())
    }
}

impl fmt::Display for ChangeGroup<'_> {
    /// One line: the place (with how many and which operations or schemas), the summary and
    /// the evidence; without the impact.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(first) = self.changes.first() else {
            return Ok(());
        };
        if self.changes.len() == 1 {
            return write!(f, "{first}");
        }
        // The operations (with their statuses) or schemas of the group, in order.
        let mut members: Vec<(String, Vec<String>)> = Vec::new();
        for change in &self.changes {
            let (member, status) = match &change.place {
                Place::Response { operation, status, .. } => (operation.clone(), Some(status.clone())),
                Place::Operation { operation }
                | Place::Parameter { operation, .. }
                | Place::RequestBody { operation, .. } => (operation.clone(), None),
                Place::Schema { schema, .. } => (schema.clone(), None),
                Place::Document { .. } | Place::Annotations { .. } => continue,
            };
            match members.iter_mut().find(|(name, _)| *name == member) {
                Some((_, statuses)) => statuses.extend(status),
                None => members.push((member, status.into_iter().collect())),
            }
        }
        let within = match &first.place {
            Place::Parameter { name, location, .. } => format!("{location} parameter {name} of "),
            Place::RequestBody { media_type, .. } => match media_type {
                Some(media_type) => format!("request body {media_type} of "),
                None => "request body of ".to_owned(),
            },
            Place::Response { media_type, .. } => match media_type {
                Some(media_type) => format!("response {media_type} of "),
                None => "response of ".to_owned(),
            },
            Place::Schema { pointer, .. } if !pointer.is_empty() && first.evidence.is_none() => {
                format!("{pointer} of ")
            }
            _ => String::new(),
        };
        let noun = match first.place {
            Place::Schema { .. } => "schemas",
            _ => "operations",
        };
        let named: Vec<String> = members
            .iter()
            .take(NAMED_MEMBERS)
            .map(|(member, statuses)| {
                if statuses.is_empty() {
                    member.clone()
                } else {
                    format!("{member} {}", statuses.join(", "))
                }
            })
            .collect();
        write!(f, "{within}{} {noun} ({}", members.len(), named.join(", "))?;
        let more = members.len().saturating_sub(NAMED_MEMBERS);
        if more > 0 {
            write!(f, " and {more} more")?;
        }
        write!(f, "): {}", first.summary)?;
        if let Some(evidence) = self.evidence() {
            write!(f, ": {evidence}")?;
        }
        Ok(())
    }
}

/// Why a version cannot be read or compared: the file, the JSON Pointer of the fault (when it
/// has one) and the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffError {
    /// The file or folder, as it was named.
    pub file: String,
    /// JSON Pointer of the value at fault in the file, if the fault has a place.
    pub pointer: Option<String>,
    /// Why.
    pub reason: String,
}

impl DiffError {
    pub(crate) fn new(file: &str, pointer: Option<&str>, reason: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            pointer: pointer.map(str::to_owned),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for DiffError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.pointer {
            Some(pointer) if pointer.is_empty() => write!(f, "{}: (document): {}", self.file, self.reason),
            Some(pointer) => write!(f, "{}: {pointer}: {}", self.file, self.reason),
            None => write!(f, "{}: {}", self.file, self.reason),
        }
    }
}

impl std::error::Error for DiffError {}

/// Compares two versions of the same kind (two documents, 3.0 or 3.1, or two folders).
///
/// Fails when one is a document and the other a folder, or when a schema cannot be compiled
/// or grows beyond the bounds set on hostile input once its references are resolved.
pub fn compare(old: &Version, new: &Version) -> Result<Diff, DiffError> {
    if old.kind.is_document() != new.kind.is_document() {
        return Err(DiffError::new(
            &new.label,
            None,
            format!(
                "cannot compare {} ({}) with {} ({}): give two OpenAPI documents or two folders of schema files",
                old.kind, old.label, new.kind, new.label
            ),
        ));
    }
    let mut judge = judge::Judge::new(old, new)?;
    let mut changes = if old.kind.is_document() {
        openapi::compare(&mut judge)?
    } else {
        folder::compare(&mut judge)?
    };
    changes.extend(annotations::compare(old, new));
    // Breaking first; within an impact, operations, then parameters, bodies, responses,
    // schemas and the document, each in the order of the document.
    changes.sort_by_key(|change| (change.impact, change.place.rank()));
    let mut totals = DiffTotals {
        probes: judge.probes(),
        ..DiffTotals::default()
    };
    for change in &changes {
        match change.impact {
            Impact::Breaking => totals.breaking += 1,
            Impact::Additive => totals.additive += 1,
            Impact::None => totals.none += 1,
        }
    }
    Ok(Diff {
        diff_version: DIFF_VERSION,
        old: old.summary(),
        new: new.summary(),
        breaking: totals.breaking > 0,
        totals,
        changes,
    })
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}
