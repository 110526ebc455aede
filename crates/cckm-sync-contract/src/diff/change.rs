//! A change between two versions, where it is, how much it matters to a client of the old
//! version, and the evidence of a verdict that acceptance gave.

use std::fmt;

use serde::Serialize;

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
    pub(super) fn rank(&self) -> u8 {
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
    pub(super) fn within(&self) -> String {
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
    pub(super) fn member(&self) -> Option<String> {
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
    pub(super) fn of(accepted: bool) -> Self {
        if accepted { Self::Accepted } else { Self::Refused }
    }

    pub(super) fn word(self) -> &'static str {
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

    pub(super) fn with_evidence(mut self, evidence: Option<Evidence>) -> Self {
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

/// `s` after a count other than one.
pub(super) fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}
