//! HAR 1.2 (HTTP Archive) files: what browsers, mitmproxy, Charles and Postman export, and
//! what `cckm-sync proxy` records. Read leniently (every field but `log.entries` and each
//! entry's `request` may be missing, unknown fields are ignored); written with every field
//! the format requires.

use std::fmt;
use std::io::{self, Read, Write};

use base64::Engine as _;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::exchange::{Exchange, ExchangeResponse};

/// A HAR file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Har {
    /// Its one log.
    pub log: Log,
}

/// The log of a HAR file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Log {
    /// The format's version, `1.2`.
    #[serde(default)]
    pub version: String,
    /// The program that wrote the file.
    #[serde(default)]
    pub creator: Creator,
    /// The HTTP calls, in the order they started.
    pub entries: Vec<Entry>,
}

/// The program that wrote a HAR file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Creator {
    /// Its name.
    #[serde(default)]
    pub name: String,
    /// Its version.
    #[serde(default)]
    pub version: String,
}

/// One HTTP call.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// When the request started, RFC 3339.
    #[serde(default)]
    pub started_date_time: String,
    /// How long the call took, in milliseconds.
    #[serde(default)]
    pub time: f64,
    /// The request.
    pub request: Request,
    /// The response; a call that got none has status 0.
    #[serde(default)]
    pub response: Response,
    /// Cache information (always empty here).
    #[serde(default)]
    pub cache: serde_json::Map<String, serde_json::Value>,
    /// Phases of the call, in milliseconds.
    #[serde(default)]
    pub timings: Timings,
    /// A remark.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    /// The method.
    pub method: String,
    /// The absolute URL.
    pub url: String,
    /// Such as `HTTP/1.1`.
    #[serde(default)]
    pub http_version: String,
    /// Cookies (not recorded by the proxy).
    #[serde(default)]
    pub cookies: Vec<serde_json::Value>,
    /// The headers.
    #[serde(default)]
    pub headers: Vec<Header>,
    /// The query string's parameters.
    #[serde(default)]
    pub query_string: Vec<Header>,
    /// The body, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_data: Option<PostData>,
    /// Bytes of the headers; -1 if not known.
    #[serde(default = "unknown_size")]
    pub headers_size: i64,
    /// Bytes of the body; -1 if not known.
    #[serde(default = "unknown_size")]
    pub body_size: i64,
}

/// A header or query parameter.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// Its name.
    pub name: String,
    /// Its value.
    #[serde(default)]
    pub value: String,
}

/// A request's body.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostData {
    /// Its media type.
    #[serde(default)]
    pub mime_type: String,
    /// Its text.
    #[serde(default)]
    pub text: String,
    /// `base64` when `text` is the base64 of the body (some tools write so; not HAR 1.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
}

/// A response.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Response {
    /// The status; 0 when there was no response.
    #[serde(default)]
    pub status: u16,
    /// The status's text.
    #[serde(default)]
    pub status_text: String,
    /// Such as `HTTP/1.1`.
    #[serde(default)]
    pub http_version: String,
    /// Cookies (not recorded by the proxy).
    #[serde(default)]
    pub cookies: Vec<serde_json::Value>,
    /// The headers.
    #[serde(default)]
    pub headers: Vec<Header>,
    /// The body.
    #[serde(default)]
    pub content: Content,
    /// The `Location` of a redirect.
    #[serde(default, rename = "redirectURL")]
    pub redirect_url: String,
    /// Bytes of the headers; -1 if not known.
    #[serde(default = "unknown_size")]
    pub headers_size: i64,
    /// Bytes of the body as sent; -1 if not known.
    #[serde(default = "unknown_size")]
    pub body_size: i64,
}

/// A response's body.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Content {
    /// Its length in bytes, decoded.
    #[serde(default)]
    pub size: i64,
    /// Its media type.
    #[serde(default)]
    pub mime_type: String,
    /// Its text; absent when the tool did not record it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// `base64` when `text` is the base64 of the body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// A remark.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// The phases of a call, in milliseconds; -1 for a phase that does not apply.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Timings {
    /// Sending the request.
    #[serde(default)]
    pub send: f64,
    /// Waiting for the response.
    #[serde(default)]
    pub wait: f64,
    /// Reading the response.
    #[serde(default)]
    pub receive: f64,
}

impl Default for Timings {
    fn default() -> Self {
        Self {
            send: 0.0,
            wait: 0.0,
            receive: 0.0,
        }
    }
}

fn unknown_size() -> i64 {
    -1
}

/// Why a HAR file could not be read.
#[derive(Debug)]
pub struct HarError(String);

impl std::fmt::Display for HarError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for HarError {}

impl Har {
    /// Reads a HAR file.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, HarError> {
        serde_json::from_slice(bytes).map_err(|error| HarError(format!("not a HAR file: {error}")))
    }

    /// Whether `value` looks like a HAR file (an object with `log.entries`), to tell one
    /// saved as `.json` from a response body.
    pub fn looks_like(value: &serde_json::Value) -> bool {
        value.pointer("/log/entries").is_some_and(serde_json::Value::is_array)
    }
}

/// Reads the entries of a HAR file from `reader` one at a time, giving each to `each` with its
/// index in `/log/entries`, and returns how many there were: the file is never held whole,
/// only the entry at hand. Keys other than `log.entries` are skipped, in any order.
///
/// On a fault (not JSON, no `log.entries`, an entry that is not one, a file cut short), the
/// entries before it have been given, and the error names the line and column.
///
/// ```
/// use cckm_sync_contract::har::read_entries;
///
/// let file = br#"{"log": {"creator": {"name": "x"}, "entries": [
///     {"request": {"method": "GET", "url": "https://h/api/v1/cckm/dsm/refresh"}},
///     {"request": {"method": "POST", "url": "https://h/api/v1/cckm/dsm/refresh"}}], "version": "1.2"}}"#;
/// let mut methods = Vec::new();
/// let count = read_entries(&file[..], |index, entry| methods.push((index, entry.request.method)))?;
/// assert_eq!(count, 2);
/// assert_eq!(methods, [(0, "GET".to_owned()), (1, "POST".to_owned())]);
///
/// let cut = read_entries(&file[..120], |_, _| {}).unwrap_err();
/// assert!(cut.to_string().starts_with("not a HAR file: EOF while parsing"), "{cut}");
/// # Ok::<(), cckm_sync_contract::har::HarError>(())
/// ```
pub fn read_entries<R: Read>(reader: R, mut each: impl FnMut(usize, Entry)) -> Result<usize, HarError> {
    let mut deserializer = serde_json::Deserializer::from_reader(reader);
    let mut count = 0;
    let fault = |error: serde_json::Error| HarError(format!("not a HAR file: {error}"));
    let entries = EntriesSeed {
        each: &mut each,
        count: &mut count,
    };
    let log = Member {
        name: "entries",
        expecting: "the `log` object, with `entries`",
        seed: Some(entries),
    };
    let found = Member {
        name: "log",
        expecting: "an object with `log`",
        seed: Some(log),
    }
    .deserialize(&mut deserializer)
    .map_err(fault)?;
    deserializer.end().map_err(fault)?;
    if found {
        Ok(count)
    } else {
        Err(HarError("not a HAR file: it has no `log.entries`".to_owned()))
    }
}

/// An object of which the member `name` is read with `seed` (where it first stands), the rest
/// skipped. Gives whether the member was there and its seed found what it looks for: the file's
/// top object reads `log` with this, and `log` reads `entries`.
struct Member<S> {
    name: &'static str,
    expecting: &'static str,
    seed: Option<S>,
}

impl<'de, S: DeserializeSeed<'de, Value = bool>> DeserializeSeed<'de> for Member<S> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, S: DeserializeSeed<'de, Value = bool>> Visitor<'de> for Member<S> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<bool, A::Error> {
        let mut found = false;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match self.seed.take() {
                Some(seed) if key == self.name => found = map.next_value_seed(seed)?,
                unread => {
                    self.seed = unread;
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(found)
    }
}

/// The `entries` array, given entry by entry.
struct EntriesSeed<'a, F> {
    each: &'a mut F,
    count: &'a mut usize,
}

impl<'de, F: FnMut(usize, Entry)> DeserializeSeed<'de> for EntriesSeed<'_, F> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(usize, Entry)> Visitor<'de> for EntriesSeed<'_, F> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the array `log.entries`")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        while let Some(entry) = seq.next_element::<Entry>()? {
            (self.each)(*self.count, entry);
            *self.count += 1;
        }
        Ok(true)
    }
}

/// The bodies of an entry, decoded, for [`Entry::exchange`].
#[derive(Clone, Debug, Default)]
pub struct Bodies {
    request: Option<Vec<u8>>,
    response: Option<Vec<u8>>,
    /// Why a body could not be decoded, if one could not.
    pub problem: Option<String>,
}

impl Entry {
    /// The entry's bodies, decoded from base64 where the file says so.
    pub fn bodies(&self) -> Bodies {
        let mut problem = None;
        let mut decode = |text: &str, encoding: Option<&str>, what: &str| -> Option<Vec<u8>> {
            match encoding {
                Some(encoding) if encoding.eq_ignore_ascii_case("base64") => {
                    match base64::engine::general_purpose::STANDARD.decode(text.trim()) {
                        Ok(bytes) => Some(bytes),
                        Err(error) => {
                            problem = Some(format!("the {what} body is not valid base64: {error}"));
                            None
                        }
                    }
                }
                _ => Some(text.as_bytes().to_vec()),
            }
        };
        let request = self
            .request
            .post_data
            .as_ref()
            .and_then(|data| decode(&data.text, data.encoding.as_deref(), "request"));
        let content = &self.response.content;
        let response = match &content.text {
            Some(text) => decode(text, content.encoding.as_deref(), "response"),
            // No text: an empty body if the tool says it had none.
            None if content.size == 0 => Some(Vec::new()),
            None => None,
        };
        Bodies {
            request,
            response,
            problem,
        }
    }

    /// The entry as an [`Exchange`] to check, borrowing `bodies` (from [`bodies`](Self::bodies)).
    pub fn exchange<'a>(&'a self, bodies: &'a Bodies) -> Exchange<'a> {
        let (path, query) = split_url(&self.request.url);
        let content_type = header(&self.response.headers, "content-type").or_else(|| {
            let mime = self.response.content.mime_type.as_str();
            (!mime.is_empty()).then_some(mime)
        });
        Exchange {
            method: &self.request.method,
            path,
            query,
            request_body: bodies.request.as_deref(),
            response: (self.response.status != 0).then_some(ExchangeResponse {
                status: self.response.status,
                content_type,
                body: bodies.response.as_deref(),
            }),
        }
    }
}

/// The first value of the header `name` (any case).
pub fn header<'a>(headers: &'a [Header], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|header| header.name.eq_ignore_ascii_case(name))
        .map(|header| header.value.as_str())
}

/// The path and the query string (without `?`) of a URL, absolute or not; the fragment is
/// dropped.
pub fn split_url(url: &str) -> (&str, Option<&str>) {
    let url = url.split('#').next().unwrap_or_default();
    let after_scheme = match url.find("://") {
        Some(at) => url.get(at + 3..).unwrap_or_default(),
        None => url,
    };
    let start_of_path = if url.contains("://") {
        after_scheme.find(['/', '?']).unwrap_or(after_scheme.len())
    } else {
        0
    };
    let rest = after_scheme.get(start_of_path..).unwrap_or_default();
    match rest.split_once('?') {
        Some((path, query)) => (if path.is_empty() { "/" } else { path }, Some(query)),
        None => (if rest.is_empty() { "/" } else { rest }, None),
    }
}

/// Writes a HAR file one entry at a time, so that a long recording needs no memory: the
/// file is complete once [`finish`](Self::finish) has run.
///
/// ```
/// use cckm_sync_contract::har::{Creator, Entry, Har, HarWriter, Request};
///
/// let mut writer = HarWriter::new(Vec::new(), Creator { name: "example".into(), version: "1".into() })?;
/// writer.entry(&Entry {
///     request: Request { method: "GET".into(), url: "http://127.0.0.1/api/v1/cckm/dsm/refresh".into(), ..Request::default() },
///     ..Entry::default()
/// })?;
/// let har = Har::from_slice(&writer.finish()?).unwrap();
/// assert_eq!(har.log.entries.len(), 1);
/// assert_eq!(har.log.version, "1.2");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct HarWriter<W: Write> {
    out: W,
    entries: usize,
}

impl<W: Write> HarWriter<W> {
    /// Starts a HAR file on `out`.
    pub fn new(mut out: W, creator: Creator) -> io::Result<Self> {
        let creator = serde_json::to_string(&creator).map_err(io::Error::other)?;
        write!(
            out,
            "{{\"log\": {{\"version\": \"1.2\", \"creator\": {creator}, \"entries\": ["
        )?;
        out.flush()?;
        Ok(Self { out, entries: 0 })
    }

    /// Appends an entry.
    pub fn entry(&mut self, entry: &Entry) -> io::Result<()> {
        let separator = if self.entries == 0 { "\n" } else { ",\n" };
        self.out.write_all(separator.as_bytes())?;
        serde_json::to_writer(&mut self.out, entry).map_err(io::Error::other)?;
        self.out.flush()?;
        self.entries += 1;
        Ok(())
    }

    /// How many entries were written.
    pub fn len(&self) -> usize {
        self.entries
    }

    /// Whether no entry was written.
    pub fn is_empty(&self) -> bool {
        self.entries == 0
    }

    /// Ends the file and returns the output.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.write_all(b"\n]}}\n")?;
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_into_path_and_query() {
        assert_eq!(
            split_url("https://ctm.example:8443/api/v1/cckm/aws/synchronization-jobs?skip=0&limit=-1#x"),
            ("/api/v1/cckm/aws/synchronization-jobs", Some("skip=0&limit=-1"))
        );
        assert_eq!(split_url("http://host"), ("/", None));
        assert_eq!(split_url("http://host?a=1"), ("/", Some("a=1")));
        assert_eq!(split_url("/api/v1/auth/tokens/"), ("/api/v1/auth/tokens/", None));
    }

    #[test]
    fn a_browser_export_with_base64_and_missing_fields_reads() {
        let har = Har::from_slice(
            br#"{"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"},
                "entries": [{"request": {"method": "GET", "url": "https://h/api/v1/cckm/dsm/refresh"},
                  "response": {"status": 200, "headers": [{"name": "Content-Type", "value": "application/json"}],
                    "content": {"size": 2, "mimeType": "application/json", "text": "e30=", "encoding": "base64"}},
                  "_resourceType": "xhr"}]}}"#,
        )
        .unwrap();
        let entry = &har.log.entries[0];
        let bodies = entry.bodies();
        let exchange = entry.exchange(&bodies);
        assert_eq!(exchange.path, "/api/v1/cckm/dsm/refresh");
        let answer = exchange.response.unwrap();
        assert_eq!(answer.body, Some(&b"{}"[..]));
        assert_eq!(answer.content_type, Some("application/json"));
        assert_eq!(exchange.request_body, None);
    }

    #[test]
    fn entries_stream_whatever_the_order_of_keys_and_faults_name_their_place() {
        let mut urls = Vec::new();
        let count = read_entries(
            &br#"{"extra": [1, {"log": 2}], "log": {"entries": [{"request": {"method": "GET", "url": "/a"}}],
                 "pages": []}}"#[..],
            |_, entry| urls.push(entry.request.url),
        )
        .unwrap();
        assert_eq!((count, urls), (1, vec!["/a".to_owned()]));
        let none = read_entries(&br#"{"log": {"version": "1.2"}}"#[..], |_, _| {}).unwrap_err();
        assert_eq!(none.to_string(), "not a HAR file: it has no `log.entries`");
        let bad = read_entries(&b"{\"log\": {\"entries\": [\n{\"request\": 3}]}}"[..], |_, _| {}).unwrap_err();
        assert!(bad.to_string().contains("line 2 column"), "{bad}");
        let trailing = read_entries(&br#"{"log": {"entries": []}} x"#[..], |_, _| {}).unwrap_err();
        assert!(trailing.to_string().contains("trailing characters"), "{trailing}");
        let flat = read_entries(&br#"{"log": []}"#[..], |_, _| {}).unwrap_err();
        assert!(
            flat.to_string().contains("expected the `log` object, with `entries`"),
            "{flat}"
        );
        // JSON's duplicate keys: the first `log` is the file's, the second skipped.
        let twice = read_entries(
            &br#"{"log": {"entries": []}, "log": {"entries": [{"request": {"method": "GET", "url": "/b"}}]}}"#[..],
            |_, _| {},
        );
        assert_eq!(twice.unwrap(), 0);
    }

    #[test]
    fn a_body_that_is_not_base64_is_a_problem_named() {
        let entry = Entry {
            response: Response {
                status: 200,
                content: Content {
                    text: Some("%%%".into()),
                    encoding: Some("base64".into()),
                    ..Content::default()
                },
                ..Response::default()
            },
            ..Entry::default()
        };
        let bodies = entry.bodies();
        assert!(bodies.problem.unwrap().contains("not valid base64"));
    }
}
