//! The place of an error, carried through serde's errors.
//!
//! serde's error types take a message and nothing else, so a check that runs after its value
//! was read (an empty item of a list, say) writes the value's JSON Pointer, relative to the
//! value being read, at the start of its message: [`error_at`]. [`crate::from_slice`] then
//! moves that pointer into the error's path: [`split_error_at`]. Both ends of that convention
//! are here, with the two helpers that turn serde's own positions into a pointer.

use std::fmt;

use serde::de;

/// An error about the value at `pointer`, a JSON Pointer relative to the value being
/// deserialized (such as `/kms/1`), for a check that can only run after that value was read.
///
/// The message starts with the pointer and `: `, which [`crate::from_slice`] moves into the
/// error's path; no other message of this crate starts with `/`.
pub(crate) fn error_at<E: de::Error>(pointer: &str, reason: impl fmt::Display) -> E {
    E::custom(format_args!("{pointer}: {reason}"))
}

/// Splits a message made by [`error_at`] into its relative pointer and its reason.
pub(crate) fn split_error_at(message: &str) -> Option<(&str, &str)> {
    message.starts_with('/').then(|| message.split_once(": "))?
}

/// The message of `error` without the ` at line L column C` serde_json appends.
pub(crate) fn strip_position<'a>(message: &'a str, error: &serde_json::Error) -> &'a str {
    if error.line() == 0 {
        return message;
    }
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    message.strip_suffix(&suffix).unwrap_or(message)
}

/// Appends the steps of `path` to the JSON Pointer `pointer`.
pub(crate) fn append_segments(pointer: &mut String, path: &serde_path_to_error::Path) {
    use serde_path_to_error::Segment;
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => {
                pointer.push('/');
                pointer.push_str(&index.to_string());
            }
            Segment::Map { key } => crate::unknown::push_token(pointer, key),
            Segment::Enum { variant } => crate::unknown::push_token(pointer, variant),
            // A key that is not a string; JSON has none.
            Segment::Unknown => pointer.push_str("/?"),
        }
    }
}
