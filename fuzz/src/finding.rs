//! What the oracles find: which oracle an input broke, on which model, and why.

use std::fmt;

use jsonschema::Validator;
use serde_json::Value;

pub use cckm_sync_codegen::fuzz_inputs::Target;

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
    pub(crate) fn new(oracle: Oracle, model: &str, detail: String) -> Self {
        Self {
            oracle,
            model: model.to_owned(),
            detail,
        }
    }
}

/// A text shortened for a message: a finding's input may be long.
pub(crate) fn excerpt(text: &str) -> String {
    const MAX: usize = 600;
    match text.char_indices().nth(MAX) {
        Some((end, _)) => format!("{:?}… ({} bytes)", &text[..end], text.len()),
        None => format!("{text:?}"),
    }
}

/// Every violation of `value` against `validator`, with its instance path.
pub(crate) fn schema_errors(validator: &Validator, value: &Value) -> String {
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

#[cfg(test)]
mod tests {

    use super::*;

    #[test]
    fn long_inputs_are_shortened_in_messages_on_a_character_boundary() {
        assert_eq!(excerpt("é"), "\"é\"");
        let long = "é".repeat(700);
        let short = excerpt(&long);
        assert!(short.ends_with("… (1400 bytes)"), "{short}");
        assert_eq!(short.matches('é').count(), 600);
    }
}
