//! The error body the server returns with a 4xx or 5xx status.

use std::fmt;

use serde::Serialize;
use serde::de::{self, Deserialize, Deserializer, MapAccess};
use serde_json::{Map, Value};

use crate::unknown::{JsonPath, ReportUnknowns, Unknown};
use crate::wire::{self, Key};

/// An error body of the CipherTrust Manager API.
///
/// No vendor schema is published; public clients treat a JSON body with `codeDesc` as an
/// error, and every field is optional here. `codeDesc` is an `NCERR…` name, optionally
/// followed by `: ` and a text.
///
/// ```
/// use cckm_sync::ApiError;
///
/// let error: ApiError = serde_json::from_str(
///     r#"{"code":16,"codeDesc":"NCERRResourceNotFound: Resource not found"}"#,
/// )?;
/// assert_eq!(error.ncerr_name(), Some("NCERRResourceNotFound"));
/// assert_eq!(error.ncerr_detail(), Some("Resource not found"));
/// assert_eq!(error.to_string(), "NCERRResourceNotFound: Resource not found (code 16)");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(
    feature = "schemars",
    derive(schemars::JsonSchema),
    schemars(
        description = "Error body of the CipherTrust Manager API, returned with a 4xx or 5xx \
        status. Every field is optional; fields not listed here must be accepted."
    )
)]
pub struct ApiError {
    /// Numeric error code, such as `16` for a resource that was not found.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(range(min = i64::MIN, max = i64::MAX)))]
    pub code: Option<i64>,
    /// `NCERR<Name>`, optionally followed by `: ` and a description.
    #[serde(rename = "codeDesc", skip_serializing_if = "Option::is_none")]
    pub code_desc: Option<String>,
    /// Human-readable message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Id of the request, for the server's logs.
    #[serde(rename = "requestID", skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Fields this crate does not model, kept verbatim.
    #[serde(flatten)]
    pub unknown_fields: Map<String, Value>,
}

impl ApiError {
    /// The `NCERR…` name at the start of `codeDesc`, such as `NCERRResourceNotFound`.
    pub fn ncerr_name(&self) -> Option<&str> {
        let code_desc = self.code_desc.as_deref()?;
        let name = code_desc.split_once(':').map_or(code_desc, |(name, _)| name).trim();
        name.starts_with("NCERR").then_some(name)
    }

    /// The text after the `NCERR…` name in `codeDesc`, if there is one.
    pub fn ncerr_detail(&self) -> Option<&str> {
        self.ncerr_name()?;
        let (_, detail) = self.code_desc.as_deref()?.split_once(':')?;
        Some(detail.trim()).filter(|detail| !detail.is_empty())
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.code_desc, &self.message) {
            (Some(code_desc), Some(message)) => write!(f, "{code_desc}: {message}")?,
            (Some(text), None) | (None, Some(text)) => f.write_str(text)?,
            (None, None) => f.write_str("CipherTrust Manager error")?,
        }
        if let Some(code) = self.code {
            write!(f, " (code {code})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

impl<'de> Deserialize<'de> for ApiError {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> de::Visitor<'de> for Visitor {
            type Value = ApiError;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an error object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ApiError, A::Error> {
                let mut code = None;
                let mut code_desc = None;
                let mut message = None;
                let mut request_id = None;
                let mut unknown_fields = Map::new();
                while let Some(Key(key)) = map.next_key()? {
                    match &*key {
                        "code" => wire::read_once(&mut map, &mut code, "code")?,
                        "codeDesc" => wire::read_once(&mut map, &mut code_desc, "codeDesc")?,
                        "message" => wire::read_once(&mut map, &mut message, "message")?,
                        "requestID" => wire::read_once(&mut map, &mut request_id, "requestID")?,
                        _ => wire::keep_unknown(&mut map, &mut unknown_fields, key)?,
                    }
                }
                Ok(ApiError {
                    code: code.flatten(),
                    code_desc: code_desc.flatten(),
                    message: message.flatten(),
                    request_id: request_id.flatten(),
                    unknown_fields,
                })
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

impl ReportUnknowns for ApiError {
    fn report_unknowns(&self, path: &mut JsonPath, out: &mut Vec<Unknown>) {
        path.push_unknown_fields(&self.unknown_fields, out);
    }
}
