//! Parsing with errors that name the place (a JSON Pointer) and the reason.

use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::error::Category;

use crate::located;
use crate::unknown::{ReportUnknowns, Unknown, unknowns};

/// Why a payload could not be parsed, and where.
///
/// The place is a JSON Pointer (RFC 6901), such as `/resources/3/createdAt`, unambiguous for
/// every key (`~` and `/` in a key are written `~0` and `~1`); the empty pointer is the whole
/// document.
///
/// ```
/// use cckm_sync::SyncJobPage;
///
/// let error = cckm_sync::from_str::<SyncJobPage>(r#"{"skip": 0, "limit": 10, "total": 1,
///     "resources": [{"id": "not-a-uuid"}]}"#).unwrap_err();
/// assert_eq!(error.path(), "/resources/0/id");
/// assert!(error.reason().starts_with(r#"invalid UUID "not-a-uuid""#), "{error}");
/// assert!(error.to_string().starts_with(r#"/resources/0/id: invalid UUID "not-a-uuid""#), "{error}");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    path: String,
    reason: String,
    line: usize,
    column: usize,
    category: Category,
}

impl ParseError {
    /// JSON Pointer of the value at fault, such as `/resources/3/createdAt`; empty for the
    /// document itself (for example when it is not JSON at all).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What is wrong with the value, without its place.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// Line of the input where the error was found, starting at 1; 0 if unknown.
    pub fn line(&self) -> usize {
        self.line
    }

    /// Column of the input where the error was found, starting at 1; 0 if unknown.
    pub fn column(&self) -> usize {
        self.column
    }

    /// Whether the input ended before the JSON document did.
    pub fn is_eof(&self) -> bool {
        self.category == Category::Eof
    }

    /// Whether the input is not well-formed JSON (as opposed to JSON of the wrong shape).
    pub fn is_syntax(&self) -> bool {
        matches!(self.category, Category::Syntax | Category::Eof)
    }

    fn new(path: String, error: &serde_json::Error) -> Self {
        let message = error.to_string();
        let reason = located::strip_position(&message, error);
        let (path, reason) = match located::split_error_at(reason) {
            // A check made after its value was read names the value below the current path.
            Some((below, reason)) => (path + below, reason),
            None => (path, reason),
        };
        Self {
            path,
            reason: reason.to_owned(),
            line: error.line(),
            column: error.column(),
            category: error.classify(),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() { "(document)" } else { &self.path };
        write!(f, "{path}: {}", self.reason)?;
        if self.line > 0 {
            write!(f, " at line {} column {}", self.line, self.column)?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseError {}

/// Parses `T` from JSON bytes; on failure the error names the JSON Pointer of the value at
/// fault and the reason.
///
/// Parsing runs at full speed; only a failed parse is run again, with path tracking, to
/// locate the error. The input is checked to be UTF-8 once, as a whole, which is faster than
/// `serde_json::from_slice` checking each string on its own.
pub fn from_slice<T: DeserializeOwned>(json: &[u8]) -> Result<T, ParseError> {
    match std::str::from_utf8(json) {
        Ok(text) => from_str(text),
        // Let serde_json find and locate the invalid bytes.
        Err(_) => serde_json::from_slice(json).map_err(|error| locate::<T>(json, &error)),
    }
}

/// Parses `T` from a JSON string; see [`from_slice`].
pub fn from_str<T: DeserializeOwned>(json: &str) -> Result<T, ParseError> {
    serde_json::from_str(json).map_err(|error| locate::<T>(json.as_bytes(), &error))
}

fn locate<T: DeserializeOwned>(json: &[u8], error: &serde_json::Error) -> ParseError {
    let mut deserializer = serde_json::Deserializer::from_slice(json);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Err(located) => {
            let mut path = String::new();
            located::append_segments(&mut path, located.path());
            ParseError::new(path, located.inner())
        }
        // Only trailing input can fail the first parse and pass this one.
        Ok(_) => ParseError::new(String::new(), error),
    }
}

/// Why a strict parse failed: the payload did not parse, or it held something new.
#[derive(Debug)]
#[non_exhaustive]
pub enum StrictError {
    /// The payload does not parse.
    Parse(ParseError),
    /// The payload parses, but holds fields or enum values this crate does not know.
    Unknown(Vec<Unknown>),
}

impl fmt::Display for StrictError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Parse(error) => error.fmt(f),
            Self::Unknown(found) => {
                f.write_str("payload holds what this contract does not know: ")?;
                for (index, item) in found.iter().enumerate() {
                    if index > 0 {
                        f.write_str("; ")?;
                    }
                    item.fmt(f)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for StrictError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Parse(error) => Some(error),
            Self::Unknown(_) => None,
        }
    }
}

impl From<ParseError> for StrictError {
    fn from(error: ParseError) -> Self {
        Self::Parse(error)
    }
}

/// Parses `T` like [`from_slice`], then fails if the payload holds any field or enum value
/// this crate does not know. For contract tests that must notice a server's novelties.
///
/// ```
/// use cckm_sync::{ApiError, StrictError};
///
/// let known = br#"{"code": 16, "codeDesc": "NCERRResourceNotFound: Resource not found"}"#;
/// assert!(cckm_sync::from_slice_strict::<ApiError>(known).is_ok());
///
/// let newer = br#"{"code": 16, "codeDesc": "NCERRResourceNotFound", "hint": "check the id"}"#;
/// let Err(StrictError::Unknown(found)) = cckm_sync::from_slice_strict::<ApiError>(newer) else {
///     panic!("expected the new field to be reported");
/// };
/// assert_eq!(found[0].to_string(), "/hint: unknown field");
/// ```
pub fn from_slice_strict<T: DeserializeOwned + ReportUnknowns>(json: &[u8]) -> Result<T, StrictError> {
    let value = from_slice::<T>(json)?;
    let found = unknowns(&value);
    if found.is_empty() {
        Ok(value)
    } else {
        Err(StrictError::Unknown(found))
    }
}
