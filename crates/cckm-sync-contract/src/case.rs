//! One checked body (a test case): where it came from, what it is, and what was found.

use std::fmt;

use cckm_sync::{Unknown, UnknownKind};
use serde::Serialize;

use crate::body::{BodyKind, Subject};
use crate::json::{NotSchemaJson, schema_json_bytes};
use crate::schemas::{Contract, SchemaError, SchemaRef, shorten};

/// The longest reason of a failure, in characters.
const MAX_REASON: usize = 400;
/// The most drift items a case keeps; the rest are counted in [`Case::drift_omitted`].
pub const MAX_DRIFT_PER_CASE: usize = 100;
/// The most characters of a name, a value or a URL that drift quotes: a longer one is cut,
/// with `…` at its end.
pub const MAX_QUOTE: usize = 200;

/// Where a body came from: a file, an entry of a HAR file, or a call through the proxy.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Source {
    /// The file, as it was named (a HAR file, or a file holding the body alone).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The HTTP call the body belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<EntryRef>,
}

/// An HTTP call: an entry of a HAR file (`/log/entries/<index>`), or the `index`-th call
/// through the proxy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EntryRef {
    /// Its index, from 0: in a HAR file, the `<index>` of `/log/entries/<index>`.
    pub index: usize,
    /// The request's method.
    pub method: String,
    /// The request's URL.
    pub url: String,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, &self.entry) {
            (Some(file), Some(entry)) => write!(f, "{file} entry {} {} {}", entry.index, entry.method, entry.url),
            (Some(file), None) => f.write_str(file),
            (None, Some(entry)) => write!(f, "call {} {} {}", entry.index, entry.method, entry.url),
            (None, None) => f.write_str("(input)"),
        }
    }
}

/// The request or the response of a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// The request: its query string, path parameter or body.
    Request,
    /// The response: its status, content type and body.
    Response,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Request => "request",
            Self::Response => "response",
        })
    }
}

/// The call of the catalog a body belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CallRef {
    /// The endpoint's name (such as `aws-keys`); none for the token call or a body whose
    /// endpoint is not known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// `list`, `start`, `get`, `cancel` or `token`; none when not known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// The response's status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
}

impl fmt::Display for CallRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut words = Vec::new();
        if let Some(endpoint) = &self.endpoint {
            words.push(endpoint.clone());
        }
        if let Some(operation) = &self.operation {
            words.push(operation.clone());
        }
        if let Some(status) = self.status {
            words.push(status.to_string());
        }
        f.write_str(&words.join(" "))
    }
}

/// Where in a call a failure is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "in", rename_all = "snake_case")]
pub enum Location {
    /// A value of the body, by JSON Pointer (empty: the whole body).
    Body {
        /// The JSON Pointer.
        pointer: String,
    },
    /// A query parameter.
    Query {
        /// Its name.
        parameter: String,
    },
    /// A path parameter.
    Path {
        /// Its name.
        parameter: String,
    },
    /// The response's status.
    Status,
    /// A header.
    Header {
        /// Its name, in lower case.
        name: String,
    },
}

impl Location {
    /// The place of a value of the body.
    pub fn body(pointer: impl Into<String>) -> Self {
        Self::Body {
            pointer: pointer.into(),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Body { pointer } if pointer.is_empty() => f.write_str("(document)"),
            Self::Body { pointer } => f.write_str(pointer),
            Self::Query { parameter } => write!(f, "query parameter {parameter}"),
            Self::Path { parameter } => write!(f, "path parameter {parameter}"),
            Self::Status => f.write_str("status"),
            Self::Header { name } => write!(f, "header {name}"),
        }
    }
}

/// Who found a failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FoundBy {
    /// The crate's parser (the only judge of a text no schema can judge, and of query
    /// strings).
    Parser,
    /// The parser and the schema, both.
    ParserAndSchema,
    /// The schema, beyond the parser's first fault: the parser, which stops at its first
    /// fault, rejected the body too.
    Schema,
    /// The rules of the call: its status, content type, path.
    Http,
}

/// A way a body breaks the contract.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// Where.
    #[serde(flatten)]
    pub location: Location,
    /// Why.
    pub reason: String,
    /// Who says so.
    pub found_by: FoundBy,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.reason)
    }
}

/// The parser and the schema disagree on a body: one of them is wrong, a defect of the
/// contract itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ContractBug {
    /// `parser` or `schema`: the one that accepts the body.
    pub accepted_by: &'static str,
    /// Where the other one finds fault.
    #[serde(flatten)]
    pub location: Location,
    /// What the other one says.
    pub reason: String,
}

impl fmt::Display for ContractBug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rejected_by = if self.accepted_by == "parser" {
            "schema"
        } else {
            "parser"
        };
        write!(
            f,
            "the {} accepts it, the {rejected_by} rejects {}: {}",
            self.accepted_by, self.location, self.reason
        )
    }
}

/// What the contract does not know that a body held: an unknown field, an unknown
/// `overall_status` or `cloud` value, an unknown query parameter.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Drift {
    /// Where in the body (a JSON Pointer), or the query parameter.
    #[serde(flatten)]
    pub location: DriftLocation,
    /// What it belongs to: a job (alone or in a page), a page, a start request, …
    pub subject: Subject,
    /// The place within its subject, such as `/overall_status` for any job of a page.
    pub path: String,
    /// What is unknown.
    #[serde(flatten)]
    pub kind: DriftKind,
}

/// Where a drift item is.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "in", rename_all = "snake_case")]
pub enum DriftLocation {
    /// In the body, by JSON Pointer.
    Body {
        /// The JSON Pointer.
        pointer: String,
    },
    /// In the query string.
    Query {
        /// The parameter.
        parameter: String,
    },
}

/// What is unknown.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum DriftKind {
    /// A field the contract does not list.
    Field,
    /// A value of `overall_status` or `cloud` the contract does not list.
    Value(String),
    /// A query parameter the list call does not take.
    Parameter,
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.location, &self.kind) {
            (DriftLocation::Body { pointer }, DriftKind::Value(value)) => {
                write!(f, "{pointer}: unknown value {value:?}")
            }
            (DriftLocation::Body { pointer }, _) => write!(f, "{pointer}: unknown field"),
            (DriftLocation::Query { parameter }, _) => write!(f, "query parameter {parameter}: unknown parameter"),
        }
    }
}

impl Drift {
    /// Names and values are quoted up to [`MAX_QUOTE`] characters: what a stranger sends is
    /// kept at a bounded size.
    pub(crate) fn of_unknown(kind: BodyKind, unknown: &Unknown) -> Self {
        let (subject, path) = kind.subject(&unknown.path);
        Self {
            location: DriftLocation::Body {
                pointer: shorten(&unknown.path, MAX_QUOTE),
            },
            subject,
            path: shorten(&path, MAX_QUOTE),
            kind: match &unknown.kind {
                UnknownKind::Value(value) => DriftKind::Value(shorten(value, MAX_QUOTE)),
                _ => DriftKind::Field,
            },
        }
    }

    pub(crate) fn of_parameter(parameter: &str) -> Self {
        let parameter = shorten(parameter, MAX_QUOTE);
        Self {
            location: DriftLocation::Query {
                parameter: parameter.clone(),
            },
            subject: Subject::ListQuery,
            path: parameter,
            kind: DriftKind::Parameter,
        }
    }
}

/// The verdict on one case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The contract holds (drift, if any, is a warning).
    Pass,
    /// A failure, a contract bug, or drift in strict mode.
    Fail,
    /// Nothing could be checked (no recorded body, a redirect, …): the reason says why.
    Skip,
}

/// One checked body, or one part of a call (a request's query string and path parameter
/// count as its body): a test case of the report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Case {
    /// Where it came from.
    pub source: Source,
    /// The request or the response.
    pub part: Option<Part>,
    /// The call of the catalog, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call: Option<CallRef>,
    /// What the body is, such as `page of AWS jobs`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The schema that judged it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// The ways it breaks the contract.
    pub failures: Vec<Violation>,
    /// Disagreements of the parser and the schema.
    pub contract_bugs: Vec<ContractBug>,
    /// Every error the schema found, when it rejected the body.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub schema_errors: Vec<SchemaError>,
    /// What it held that the contract does not know: the first [`MAX_DRIFT_PER_CASE`] items.
    pub drift: Vec<Drift>,
    /// Drift items beyond the first [`MAX_DRIFT_PER_CASE`], counted and not kept.
    #[serde(skip_serializing_if = "is_zero")]
    pub drift_omitted: usize,
    /// Why nothing was checked, if so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    /// Remarks: why only the parser judged the body, and the like.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Case {
    /// A case of `source`, nothing found yet.
    pub fn new(source: Source, part: Part, call: Option<CallRef>) -> Self {
        Self {
            source,
            part: Some(part),
            call,
            ..Self::default()
        }
    }

    /// The verdict; with `strict`, drift fails.
    pub fn verdict(&self, strict: bool) -> Verdict {
        if !self.failures.is_empty() || !self.contract_bugs.is_empty() || (strict && !self.drift.is_empty()) {
            Verdict::Fail
        } else if self.skipped.is_some() {
            Verdict::Skip
        } else {
            Verdict::Pass
        }
    }

    /// Marks the case as not checked, for `reason`.
    pub fn skip(mut self, reason: impl Into<String>) -> Self {
        self.skipped = Some(reason.into());
        self
    }

    /// Adds a failure found by the rules of the call.
    pub fn fail(&mut self, location: Location, reason: impl Into<String>) {
        self.failures.push(Violation {
            location,
            reason: shorten(&reason.into(), MAX_REASON),
            found_by: FoundBy::Http,
        });
    }

    /// Judges `bytes` as a body of `kind`: the crate's parser and the contract's schema must
    /// both accept it, and must agree; what it holds that the contract does not know is its
    /// drift.
    pub fn judge(&mut self, contract: &Contract, kind: BodyKind, bytes: &[u8]) {
        self.judge_against(contract, kind, kind.schema(contract), bytes);
    }

    /// [`judge`](Self::judge) with the schema given.
    fn judge_against(&mut self, contract: &Contract, kind: BodyKind, schema: Option<SchemaRef>, bytes: &[u8]) {
        self.kind = Some(kind.to_string());
        self.schema = schema.as_ref().map(ToString::to_string);
        let parsed = kind.parse(bytes);
        let judged = match (&schema, schema_json_bytes(bytes)) {
            (Some(schema), Ok(value)) => Some(contract.validate(schema, &value)),
            (_, Err(why)) => {
                self.notes.push(not_judged(&why));
                None
            }
            (None, Ok(_)) => {
                self.notes.push(format!(
                    "the contract has no schema of a {kind}: the parser alone judged it"
                ));
                None
            }
        };
        match (parsed, judged) {
            (Ok(unknowns), Some(Err(errors))) => {
                for error in &errors {
                    self.contract_bugs.push(ContractBug {
                        accepted_by: "parser",
                        location: Location::body(error.pointer.clone()),
                        reason: error.message.clone(),
                    });
                }
                self.schema_errors = errors;
                self.add_unknowns(kind, &unknowns);
            }
            (Ok(unknowns), _) => self.add_unknowns(kind, &unknowns),
            (Err(error), Some(Ok(()))) => self.contract_bugs.push(ContractBug {
                accepted_by: "schema",
                location: Location::body(error.path()),
                reason: parse_reason(&error),
            }),
            (Err(error), judged) => {
                let found_by = if judged.is_some() {
                    FoundBy::ParserAndSchema
                } else {
                    FoundBy::Parser
                };
                let parser_pointer = error.path().to_owned();
                self.failures.push(Violation {
                    location: Location::body(parser_pointer.clone()),
                    reason: shorten(&parse_reason(&error), MAX_REASON),
                    found_by,
                });
                if let Some(Err(errors)) = judged {
                    // The parser stops at its first fault; the schema names every one (up to
                    // its bound): each other place is a failure of its own, its reasons joined.
                    let mut places: Vec<(&str, Vec<&str>)> = Vec::new();
                    for schema_error in errors
                        .iter()
                        .filter(|schema_error| schema_error.pointer != parser_pointer)
                    {
                        match places.iter_mut().find(|(pointer, _)| *pointer == schema_error.pointer) {
                            Some((_, reasons)) => reasons.push(&schema_error.message),
                            None => places.push((&schema_error.pointer, vec![&schema_error.message])),
                        }
                    }
                    for (pointer, reasons) in places {
                        self.failures.push(Violation {
                            location: Location::body(pointer),
                            reason: shorten(&reasons.join("; "), MAX_REASON),
                            found_by: FoundBy::Schema,
                        });
                    }
                    self.schema_errors = errors;
                }
            }
        }
    }

    /// Adds drift found outside a body (an unknown query parameter).
    pub(crate) fn add_drift(&mut self, drift: Drift) {
        if self.drift.len() < MAX_DRIFT_PER_CASE {
            self.drift.push(drift);
        } else {
            self.drift_omitted += 1;
        }
    }

    fn add_unknowns(&mut self, kind: BodyKind, unknowns: &[Unknown]) {
        for unknown in unknowns {
            if self.drift.len() < MAX_DRIFT_PER_CASE {
                self.drift.push(Drift::of_unknown(kind, unknown));
            } else {
                self.drift_omitted += 1;
            }
        }
    }
}

fn is_zero(count: &usize) -> bool {
    *count == 0
}

fn not_judged(why: &NotSchemaJson) -> String {
    match why {
        NotSchemaJson::Malformed(_) => {
            "no schema can judge a text that is not JSON: the parser alone judged it".to_owned()
        }
        NotSchemaJson::DuplicateKey(reason) => format!(
            "no schema can judge an object that repeats a key ({reason}): a JSON value keeps one occurrence, \
             the parser reads them all; the parser alone judged it"
        ),
        NotSchemaJson::InexactNumber(reason) => format!(
            "no schema can judge a number a JSON value holds as another ({reason}): the parser reads the \
             text; the parser alone judged it"
        ),
    }
}

/// The parser's reason, with the line and column when the text is not JSON (the pointer then
/// says little).
fn parse_reason(error: &cckm_sync::ParseError) -> String {
    if error.is_syntax() && error.line() > 0 {
        format!(
            "not JSON: {} at line {} column {}",
            error.reason(),
            error.line(),
            error.column()
        )
    } else {
        error.reason().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &[u8] = br#"{"skip": 0, "limit": 10, "total": 0, "resources": []}"#;
    const TOKEN: &[u8] = br#"{"jwt": "e30", "duration": 300, "token_type": "Bearer"}"#;

    fn judged(kind: BodyKind, schema: &str, bytes: &[u8]) -> Case {
        let contract = Contract::embedded().unwrap();
        let mut case = Case::default();
        case.judge_against(contract, kind, contract.component(schema), bytes);
        case
    }

    #[test]
    fn a_body_the_parser_takes_and_the_schema_refuses_is_a_contract_bug() {
        let case = judged(BodyKind::Page(None), "TokenResponse", PAGE);
        assert!(case.failures.is_empty());
        assert_eq!(case.contract_bugs[0].accepted_by, "parser");
        assert!(case.contract_bugs[0].reason.contains("jwt"), "{:?}", case.contract_bugs);
        assert_eq!(case.verdict(false), Verdict::Fail);
    }

    #[test]
    fn a_body_the_schema_takes_and_the_parser_refuses_is_a_contract_bug() {
        let case = judged(BodyKind::Page(None), "TokenResponse", TOKEN);
        assert!(case.failures.is_empty());
        assert_eq!(case.contract_bugs.len(), 1);
        assert_eq!(case.contract_bugs[0].accepted_by, "schema");
        assert_eq!(
            case.contract_bugs[0].to_string(),
            "the schema accepts it, the parser rejects (document): missing field `resources`"
        );
    }

    #[test]
    fn a_case_keeps_its_first_drift_items_quoted_short_and_counts_the_rest() {
        let contract = Contract::embedded().unwrap();
        let long = "n".repeat(MAX_QUOTE * 3);
        let fields: Vec<String> = (0..MAX_DRIFT_PER_CASE + 7)
            .map(|index| format!(r#""{index:03}{long}": 1"#))
            .collect();
        let body = format!(r#"{{"code": 16, {}}}"#, fields.join(", "));
        let mut case = Case::default();
        case.judge(contract, BodyKind::Error, body.as_bytes());
        assert!(case.failures.is_empty(), "{:?}", case.failures);
        assert_eq!(case.drift.len(), MAX_DRIFT_PER_CASE);
        assert_eq!(case.drift_omitted, 7);
        for drift in &case.drift {
            assert_eq!(drift.path.chars().count(), MAX_QUOTE, "{}", drift.path);
            let DriftLocation::Body { pointer } = &drift.location else {
                panic!("{drift:?}")
            };
            assert_eq!(pointer.chars().count(), MAX_QUOTE);
        }
        let json = serde_json::to_value(&case).unwrap();
        assert_eq!(json["drift_omitted"], 7);
    }

    #[test]
    fn a_repeated_key_is_left_to_the_parser_and_said_so() {
        let contract = Contract::embedded().unwrap();
        let mut case = Case::default();
        case.judge(contract, BodyKind::Error, br#"{"code": 16, "code": "x"}"#);
        assert_eq!(case.failures[0].found_by, FoundBy::Parser);
        assert_eq!(case.failures[0].location, Location::body("/code"));
        assert!(case.notes[0].contains("repeats a key"), "{:?}", case.notes);
        assert!(case.schema_errors.is_empty());
    }
}
