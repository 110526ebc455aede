//! What a payload held that this crate does not know yet.
//!
//! Parsing is lenient on purpose: a newer server may add a field, a status or a cloud, and
//! every such value parses and survives a round trip. Contract tests that want to *notice*
//! novelty opt in with [`unknowns`] (or [`from_slice_strict`](crate::from_slice_strict)),
//! which lists every unknown field and enum value with its JSON Pointer.

use std::fmt;

use crate::fields::UnknownFields;

/// A wire value that an open enum does not recognise, kept verbatim.
///
/// It can only be made by parsing (for example `JobStatus::from("paused")`), so an
/// `Unknown` variant never holds a value that has a known variant.
///
/// ```
/// use cckm_sync::JobStatus;
///
/// let status = JobStatus::from("paused");
/// let JobStatus::Unknown(raw) = &status else { panic!("not unknown") };
/// assert_eq!(raw.as_str(), "paused");
/// assert_eq!(status.as_str(), "paused");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(Box<str>);

impl UnknownValue {
    pub(crate) fn new(raw: &str) -> Self {
        Self(raw.into())
    }

    /// The value exactly as it appeared on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One thing a payload held that this crate does not know.
///
/// ```
/// use cckm_sync::{unknowns, SyncJob, UnknownKind};
///
/// let job: SyncJob = serde_json::from_str(r#"{
///     "id": "1f1d1b1b-a17c-486f-b864-db894af6efac",
///     "uri": "kylo:kylo:cckm:synchronize:1f1d1b1b-a17c-486f-b864-db894af6efac",
///     "account": "kylo:kylo:admin:accounts:kylo",
///     "application": "ncryptify:gemalto:admin:apps:kylo",
///     "devAccount": "ncryptify:gemalto:admin:accounts:gemalto",
///     "createdAt": "2021-05-05T08:36:36.676642Z",
///     "updatedAt": "2021-05-05T08:37:22.041115Z",
///     "overall_status": "paused",
///     "cloud": "gcp",
///     "abort": false,
///     "progress": 40
/// }"#).unwrap();
///
/// let found = unknowns(&job);
/// assert_eq!(found.len(), 2);
/// assert_eq!(found[0].path, "/overall_status");
/// assert_eq!(found[0].kind, UnknownKind::Value("paused".into()));
/// assert_eq!(found[1].path, "/progress");
/// assert_eq!(found[1].kind, UnknownKind::Field);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unknown {
    /// JSON Pointer of the unknown item, such as `/resources/3/progress`.
    pub path: String,
    /// What is unknown about it.
    pub kind: UnknownKind,
}

/// The kind of an [`Unknown`] item.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnknownKind {
    /// A field this crate does not model; its value is kept in `unknown_fields`.
    Field,
    /// A value of an open enum (status, cloud) that this crate does not know.
    Value(String),
}

impl fmt::Display for Unknown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            UnknownKind::Field => write!(f, "{}: unknown field", self.path),
            UnknownKind::Value(value) => write!(f, "{}: unknown value {value:?}", self.path),
        }
    }
}

/// Lists every unknown field and enum value in `value`, in document order of the model.
///
/// See [`Unknown`] for an example.
pub fn unknowns<T: ReportUnknowns + ?Sized>(value: &T) -> Vec<Unknown> {
    let mut out = Vec::new();
    value.report_unknowns(&mut JsonPointer::default(), &mut out);
    out
}

/// A model that can list what it holds that this crate does not know.
///
/// Implemented by every payload type; use it through [`unknowns`].
pub trait ReportUnknowns {
    /// Appends the unknown items of `self`, located under `path`, to `out`.
    fn report_unknowns(&self, path: &mut JsonPointer, out: &mut Vec<Unknown>);
}

impl<T: ReportUnknowns> ReportUnknowns for [T] {
    fn report_unknowns(&self, path: &mut JsonPointer, out: &mut Vec<Unknown>) {
        for (index, item) in self.iter().enumerate() {
            path.with_index(index, |path| item.report_unknowns(path, out));
        }
    }
}

impl<T: ReportUnknowns> ReportUnknowns for Vec<T> {
    fn report_unknowns(&self, path: &mut JsonPointer, out: &mut Vec<Unknown>) {
        self.as_slice().report_unknowns(path, out);
    }
}

/// A JSON Pointer (RFC 6901) under construction, such as `/resources/3/createdAt`: the
/// empty string is the whole document, and each step is `/` followed by an array index or an
/// object key, in which `~` is written `~0` and `/` is written `~1`. Unlike a dotted path, it
/// is unambiguous for every key: the `detailed_status` key `us-east-1/a.b[0]` is
/// `/detailed_status/us-east-1~1a.b[0]`.
///
/// ```
/// use cckm_sync::JsonPointer;
///
/// let mut pointer = JsonPointer::default();
/// let text = pointer.with_key("resources", |pointer| {
///     pointer.with_index(3, |pointer| pointer.with_key("a/b~c", |pointer| pointer.as_str().to_owned()))
/// });
/// assert_eq!(text, "/resources/3/a~1b~0c");
/// assert_eq!(pointer.as_str(), "");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JsonPointer(String);

impl JsonPointer {
    /// Runs `f` with `/key` (escaped) appended to the pointer.
    pub fn with_key<R>(&mut self, key: &str, f: impl FnOnce(&mut Self) -> R) -> R {
        let len = self.0.len();
        push_token(&mut self.0, key);
        let result = f(self);
        self.0.truncate(len);
        result
    }

    /// Runs `f` with `/index` appended to the pointer.
    pub fn with_index<R>(&mut self, index: usize, f: impl FnOnce(&mut Self) -> R) -> R {
        use fmt::Write as _;
        let len = self.0.len();
        // Writing to a String cannot fail.
        let _ = write!(self.0, "/{index}");
        let result = f(self);
        self.0.truncate(len);
        result
    }

    /// The pointer as text; the empty string is the whole document.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn push_unknown(&mut self, key: &str, kind: UnknownKind, out: &mut Vec<Unknown>) {
        self.with_key(key, |pointer| {
            out.push(Unknown {
                path: pointer.0.clone(),
                kind,
            });
        });
    }

    pub(crate) fn push_unknown_fields(&mut self, fields: &UnknownFields, out: &mut Vec<Unknown>) {
        for key in fields.keys() {
            self.push_unknown(key, UnknownKind::Field, out);
        }
    }
}

/// Appends `/token` to the JSON Pointer `pointer`, escaping `~` and `/`.
pub(crate) fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    for c in token.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            other => pointer.push(other),
        }
    }
}
