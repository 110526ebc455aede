//! A version of the contract as it was read: an OpenAPI document or a folder of schema files,
//! and why one could not be read or compared.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use serde_json::Value;

/// What a folder's schema files end with.
pub(crate) const SCHEMA_SUFFIX: &str = ".schema.json";
/// The operations of a path item.
pub(crate) const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// One version of the contract: an OpenAPI document or a folder of schema files, read and
/// checked (every `$ref` resolves), with its OpenAPI 3.0 schemas converted to JSON Schema
/// 2020-12.
#[derive(Clone)]
pub struct Version {
    pub(super) label: String,
    pub(super) kind: VersionKind,
    pub(super) contract_version: Option<String>,
    /// The OpenAPI version the document declares (`3.1.0`), if a document.
    pub(super) openapi: Option<String>,
    /// The documents, converted: one for an OpenAPI document (named by its label), one per
    /// file of a folder (by file name, without its `$id`).
    pub(super) resources: BTreeMap<String, Value>,
    /// The `$id`s the version declared, taken out: for a folder, each file's by file name;
    /// for a document, each schema's by JSON Pointer.
    pub(super) ids: BTreeMap<String, String>,
    /// Every `example`, `examples`, `default`, `enum` and `const` value, before conversion.
    pub(super) examples: Vec<Value>,
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
