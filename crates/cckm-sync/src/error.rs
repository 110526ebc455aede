//! The error body the server returns with a 4xx or 5xx status.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess};
use serde::ser::{self, Serialize, SerializeMap, Serializer};

use crate::fields::{NullFields, UnknownFields};
use crate::raw::RawJson;
use crate::unknown::{JsonPointer, ReportUnknowns, Unknown};
use crate::wire::{Integer, Key};

const CODE: &str = "code";
const CODE_DESC: &str = "codeDesc";
const MESSAGE: &str = "message";
const REQUEST_ID: &str = "requestID";

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
///
/// A field sent as `null` reads as `None` and is written back as `null`
/// ([`null_fields`](Self::null_fields)); a repeated field counts with its last occurrence.
/// Writing fails if [`unknown_fields`](Self::unknown_fields) holds a modeled field's name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
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
    #[cfg_attr(feature = "schemars", schemars(range(min = i64::MIN, max = i64::MAX)))]
    pub code: Option<i64>,
    /// `NCERR<Name>`, optionally followed by `: ` and a description.
    #[cfg_attr(feature = "schemars", serde(rename = "codeDesc"))]
    pub code_desc: Option<String>,
    /// Human-readable message.
    pub message: Option<String>,
    /// Id of the request, for the server's logs.
    #[cfg_attr(feature = "schemars", serde(rename = "requestID"))]
    pub request_id: Option<String>,
    /// The fields the server sent as `null`, to write them back as `null`.
    #[cfg_attr(feature = "schemars", serde(skip))]
    pub null_fields: NullFields,
    /// Fields this crate does not model, kept verbatim.
    #[cfg_attr(feature = "schemars", serde(flatten))]
    pub unknown_fields: UnknownFields,
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

impl Serialize for ApiError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let modeled = |key: &str| [CODE, CODE_DESC, MESSAGE, REQUEST_ID].contains(&key);
        if let Some(key) = self.unknown_fields.first_named(modeled) {
            return Err(ser::Error::custom(format_args!(
                "unknown_fields holds `{key}`, a field the error body models: set the field itself"
            )));
        }
        let mut map = serializer.serialize_map(None)?;
        let null = |field: &str| self.null_fields.contains(field);
        match self.code {
            Some(code) => map.serialize_entry(CODE, &code)?,
            None if null(CODE) => map.serialize_entry(CODE, &())?,
            None => {}
        }
        for (field, value) in [
            (CODE_DESC, &self.code_desc),
            (MESSAGE, &self.message),
            (REQUEST_ID, &self.request_id),
        ] {
            if value.is_some() || null(field) {
                map.serialize_entry(field, value)?;
            }
        }
        self.unknown_fields.serialize_entries(&mut map)?;
        map.end()
    }
}

impl<'de> Deserialize<'de> for ApiError {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> de::Visitor<'de> for Visitor {
            type Value = ApiError;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an error object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ApiError, A::Error> {
                let mut error = ApiError::default();
                while let Some(Key(key)) = map.next_key()? {
                    let (field, null) = match &*key {
                        CODE => {
                            error.code = map.next_value::<Option<Integer<i64>>>()?.map(|code| code.0);
                            (CODE, error.code.is_none())
                        }
                        CODE_DESC => {
                            error.code_desc = map.next_value()?;
                            (CODE_DESC, error.code_desc.is_none())
                        }
                        MESSAGE => {
                            error.message = map.next_value()?;
                            (MESSAGE, error.message.is_none())
                        }
                        REQUEST_ID => {
                            error.request_id = map.next_value()?;
                            (REQUEST_ID, error.request_id.is_none())
                        }
                        _ => {
                            let value: RawJson = map.next_value()?;
                            error.unknown_fields.insert(key.into_owned(), value);
                            continue;
                        }
                    };
                    error.null_fields.set(field, null);
                }
                Ok(error)
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

impl ReportUnknowns for ApiError {
    fn report_unknowns(&self, path: &mut JsonPointer, out: &mut Vec<Unknown>) {
        path.push_unknown_fields(&self.unknown_fields, out);
    }
}
