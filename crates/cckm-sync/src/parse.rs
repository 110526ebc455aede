//! Parsing with errors that name the JSON path and the reason.

use std::fmt;

use serde::de::DeserializeOwned;

use crate::unknown::{ReportUnknowns, Unknown, unknowns};

/// Why a payload could not be parsed, and where.
///
/// ```
/// use cckm_sync::SyncJobPage;
///
/// let error = cckm_sync::from_str::<SyncJobPage>(r#"{"skip": 0, "limit": 10, "total": 1,
///     "resources": [{"id": "not-a-uuid"}]}"#).unwrap_err();
/// assert_eq!(error.path(), "resources[0].id");
/// assert!(error.to_string().starts_with(r#"resources[0].id: invalid UUID "not-a-uuid""#), "{error}");
/// ```
#[derive(Debug)]
pub struct ParseError {
    path: String,
    source: serde_json::Error,
}

impl ParseError {
    /// JSON path of the value at fault, such as `resources[3].createdAt`; empty for the
    /// document itself (for example when it is not JSON at all).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Line of the input where the error was found, starting at 1.
    pub fn line(&self) -> usize {
        self.source.line()
    }

    /// Column of the input where the error was found, starting at 1.
    pub fn column(&self) -> usize {
        self.source.column()
    }

    /// Whether the input ended before the JSON document did.
    pub fn is_eof(&self) -> bool {
        self.source.is_eof()
    }

    /// Whether the input is not well-formed JSON (as opposed to JSON of the wrong shape).
    pub fn is_syntax(&self) -> bool {
        self.source.is_syntax() || self.source.is_eof()
    }

    /// The underlying `serde_json` error, whose message is the reason.
    pub fn json_error(&self) -> &serde_json::Error {
        &self.source
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() { "(document)" } else { &self.path };
        write!(f, "{path}: {}", self.source)
    }
}

impl std::error::Error for ParseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// Parses `T` from JSON bytes; on failure the error names the JSON path and the reason.
///
/// Parsing runs at full speed; only a failed parse is run again, with path tracking, to
/// locate the error. The input is checked to be UTF-8 once, as a whole, which is faster than
/// `serde_json::from_slice` checking each string on its own.
pub fn from_slice<T: DeserializeOwned>(json: &[u8]) -> Result<T, ParseError> {
    match std::str::from_utf8(json) {
        Ok(text) => from_str(text),
        // Let serde_json find and locate the invalid bytes.
        Err(_) => serde_json::from_slice(json).map_err(|error| locate::<T>(json, error)),
    }
}

/// Parses `T` from a JSON string; see [`from_slice`].
pub fn from_str<T: DeserializeOwned>(json: &str) -> Result<T, ParseError> {
    serde_json::from_str(json).map_err(|error| locate::<T>(json.as_bytes(), error))
}

fn locate<T: DeserializeOwned>(json: &[u8], error: serde_json::Error) -> ParseError {
    let mut deserializer = serde_json::Deserializer::from_slice(json);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Err(located) => ParseError {
            path: normalise(located.path().to_string()),
            source: located.into_inner(),
        },
        // Only trailing input can fail the first parse and pass this one.
        Ok(_) => ParseError {
            path: String::new(),
            source: error,
        },
    }
}

fn normalise(path: String) -> String {
    if path == "." { String::new() } else { path }
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
/// assert_eq!(found[0].to_string(), "hint: unknown field");
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
