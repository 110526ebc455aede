//! The proxy's recording: a HAR entry per call, written by a thread of its own as calls end,
//! with credentials redacted. After each entry the file is a whole HAR file, so that a proxy
//! killed without a chance to finish it (SIGKILL, a crash) leaves one that `validate` reads.
//! The file never grows beyond `--har-max-size`: the first call that would take it beyond is
//! not recorded, nor any after it, and they are counted.

use std::fs::File;
use std::io::{Seek as _, SeekFrom, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use base64::Engine as _;
use cckm_sync_contract::har::{Content, Creator, Entry, HarWriter, Header, PostData, Request, Response, Timings};
use cckm_sync_mock::redact;
use chrono::{DateTime, SecondsFormat, Utc};
use http::HeaderMap;
use serde_json::Value;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};

/// How many entries may wait for the writer before a call waits for it.
const QUEUE: usize = 1024;
/// How many bytes of entries (their URLs, headers and bodies) may wait for the writer before a
/// call waits for it: an entry larger than this waits until it is alone in the queue.
pub(crate) const QUEUED_BYTES: usize = 64 << 20;
/// What replaces a credential.
const REDACTED: &str = "[redacted by cckm-sync proxy]";
/// Fields of the token call's bodies whose values are credentials.
const SECRET_FIELDS: [&str; 3] = ["password", "refresh_token", "jwt"];

/// What ends a HAR file that [`HarWriter`] has started: the same bytes its `finish` writes
/// (which is never called: the file is whole after each entry already).
const HAR_END: &[u8] = b"\n]}}\n";

/// A file that holds what was written up to the last flush followed by [`HAR_END`]: each
/// flush writes the two at once and steps back before the end, which the next write
/// replaces. It never grows beyond `max` bytes: a flush that would take it beyond writes
/// nothing and fails with [`BeyondBound`], the file as whole as before.
#[derive(Debug)]
struct SelfClosing {
    file: File,
    pending: Vec<u8>,
    /// The bytes before the end: the file's length is this and [`HAR_END`].
    written: u64,
    /// The most bytes the file may take, its end included (`--har-max-size`).
    max: u64,
    /// The length the file would have had with what was written since the last flush, once
    /// that is beyond `max` (its bytes are then dropped as they come, not kept).
    beyond: Option<u64>,
}

/// A flush that would have taken the HAR file beyond its bound: nothing of it was written.
#[derive(Debug)]
struct BeyondBound {
    /// The length the file would have had.
    length: u64,
}

impl std::fmt::Display for BeyondBound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "it would take the file to {} bytes", self.length)
    }
}

impl std::error::Error for BeyondBound {}

impl BeyondBound {
    /// The length the file would have had, when `error` is a flush beyond the bound.
    fn of(error: &std::io::Error) -> Option<u64> {
        error
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<Self>())
            .map(|beyond| beyond.length)
    }
}

impl SelfClosing {
    fn new(file: File, max: u64) -> Self {
        Self {
            file,
            pending: Vec::new(),
            written: 0,
            max,
            beyond: None,
        }
    }
}

/// `a + b` for lengths in bytes (a `usize` is at most a `u64` on every target served).
fn plus(a: u64, b: usize) -> u64 {
    a.saturating_add(u64::try_from(b).unwrap_or(u64::MAX))
}

impl Write for SelfClosing {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if let Some(length) = &mut self.beyond {
            *length = plus(*length, bytes.len());
            return Ok(bytes.len());
        }
        let length = plus(plus(self.written, self.pending.len() + HAR_END.len()), bytes.len());
        if length > self.max {
            // Dropped now, not held: an entry is not kept in memory to be refused whole.
            self.pending = Vec::new();
            self.beyond = Some(length);
        } else {
            self.pending.extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if let Some(length) = self.beyond.take() {
            return Err(std::io::Error::other(BeyondBound { length }));
        }
        // The new bytes and the end in one write: the file is whole before and after it.
        let new = self.pending.len();
        self.pending.extend_from_slice(HAR_END);
        self.file.write_all(&self.pending)?;
        self.pending.clear();
        self.file.seek(SeekFrom::Current(-(HAR_END.len() as i64)))?;
        self.written = plus(self.written, new);
        Ok(())
    }
}

/// What the recording's writer and the calls share: whether the file reached its bound, and
/// how many calls were not recorded since.
#[derive(Debug, Default)]
struct Bound {
    reached: AtomicBool,
    not_recorded: AtomicUsize,
}

/// Sends entries to the thread that writes the HAR file.
#[derive(Clone, Debug)]
pub(crate) struct Recorder {
    entries: mpsc::Sender<(Entry, OwnedSemaphorePermit)>,
    /// [`QUEUED_BYTES`] permits, one per byte of the entries queued.
    queued_bytes: Arc<Semaphore>,
    bound: Arc<Bound>,
}

/// The writer's thread; [`finish`](Self::finish) ends the file.
#[derive(Debug)]
pub(crate) struct RecorderThread {
    thread: std::thread::JoinHandle<Result<usize, String>>,
    bound: Arc<Bound>,
}

/// What the recording holds once finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Recorded {
    /// The calls recorded: the first ones, in the order they ended.
    pub(crate) entries: usize,
    /// The calls not recorded because the file reached its bound: every one after the first
    /// that would have taken it beyond.
    pub(crate) not_recorded: usize,
}

/// A size in bytes as people write it: in the largest unit that divides it (`1 GiB`,
/// `500 kB`), else in bytes.
pub(crate) fn size_text(bytes: u64) -> String {
    const UNITS: [(u64, &str); 6] = [
        (1 << 30, "GiB"),
        (1_000_000_000, "GB"),
        (1 << 20, "MiB"),
        (1_000_000, "MB"),
        (1 << 10, "KiB"),
        (1_000, "kB"),
    ];
    UNITS.iter().find(|(unit, _)| bytes.is_multiple_of(*unit)).map_or_else(
        || format!("{bytes} bytes"),
        |(unit, name)| format!("{} {name}", bytes / unit),
    )
}

impl Recorder {
    /// Creates the HAR file at `path`, to hold at most `max` bytes, and starts its writer.
    pub(crate) fn start(path: &Path, max: u64) -> Result<(Self, RecorderThread), String> {
        let file = File::create(path).map_err(|error| format!("cannot create {}: {error}", path.display()))?;
        let synced = file
            .try_clone()
            .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
        let creator = Creator {
            name: "cckm-sync proxy".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        };
        let mut writer = HarWriter::new(SelfClosing::new(file, max), creator).map_err(|error| {
            match BeyondBound::of(&error) {
                Some(length) => format!(
                    "cannot record to {}: --har-max-size {} cannot hold even a HAR file without entries ({length} bytes)",
                    path.display(),
                    size_text(max)
                ),
                None => format!("cannot write {}: {error}", path.display()),
            }
        })?;
        let (sender, mut receiver) = mpsc::channel::<(Entry, OwnedSemaphorePermit)>(QUEUE);
        let bound = Arc::new(Bound::default());
        let shared = bound.clone();
        let name = path.display().to_string();
        let thread = std::thread::Builder::new()
            .name("cckm-sync proxy HAR".to_owned())
            .spawn(move || {
                // The permit of an entry's bytes is released once it is written (or counted).
                while let Some((entry, _queued)) = receiver.blocking_recv() {
                    if shared.reached.load(Ordering::Relaxed) {
                        shared.not_recorded.fetch_add(1, Ordering::Relaxed);
                        continue;
                    }
                    match writer.entry(&entry) {
                        Ok(()) => {}
                        Err(error) if BeyondBound::of(&error).is_some() => {
                            // From this call on, none is recorded: the file holds the first
                            // calls of the session, with no gap a replay would stumble on.
                            shared.reached.store(true, Ordering::Relaxed);
                            shared.not_recorded.fetch_add(1, Ordering::Relaxed);
                            eprintln!(
                                "warning: {name} reached its bound of {} after {} call{}: the calls from now on are \
                                 not recorded (--har-max-size to raise it)",
                                size_text(max),
                                writer.len(),
                                if writer.len() == 1 { "" } else { "s" }
                            );
                        }
                        Err(error) => return Err(format!("cannot write {name}: {error}")),
                    }
                }
                // After each entry the file is whole already, its end written: nothing is left
                // to write but what the system holds.
                let entries = writer.len();
                drop(writer);
                synced
                    .sync_data()
                    .map_err(|error| format!("cannot write {name}: {error}"))?;
                Ok(entries)
            })
            .map_err(|error| format!("cannot start the HAR writer: {error}"))?;
        Ok((
            Self {
                entries: sender,
                queued_bytes: Arc::new(Semaphore::new(QUEUED_BYTES)),
                bound: bound.clone(),
            },
            RecorderThread { thread, bound },
        ))
    }

    /// Queues an entry; waits while the queue holds [`QUEUE`] entries or [`QUEUED_BYTES`]
    /// bytes. Once the file reached its bound, the entry is only counted.
    pub(crate) async fn record(&self, entry: Entry) {
        if self.bound.reached.load(Ordering::Relaxed) {
            self.bound.not_recorded.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let bytes = u32::try_from(queued_size(&entry).min(QUEUED_BYTES)).unwrap_or(u32::MAX);
        // The semaphore is never closed.
        let Ok(permit) = self.queued_bytes.clone().acquire_many_owned(bytes).await else {
            return;
        };
        // A writer that stopped on an error reports it when the file is finished.
        let _ = self.entries.send((entry, permit)).await;
    }
}

impl RecorderThread {
    /// Waits for the queued entries to be written (every [`Recorder`] must be dropped first);
    /// returns how many calls the file holds, and how many it does not.
    pub(crate) fn finish(self) -> Result<Recorded, String> {
        let entries = self
            .thread
            .join()
            .map_err(|_| "the HAR writer stopped unexpectedly".to_owned())??;
        Ok(Recorded {
            entries,
            not_recorded: self.bound.not_recorded.load(Ordering::Relaxed),
        })
    }
}

/// What the proxy saw of a call, to record.
#[derive(Debug)]
pub(crate) struct Seen<'a> {
    pub(crate) started: DateTime<Utc>,
    pub(crate) method: &'a str,
    pub(crate) url: String,
    pub(crate) version: http::Version,
    pub(crate) request_headers: &'a HeaderMap,
    pub(crate) query: Option<&'a str>,
    /// `None` when the body was streamed, not kept.
    pub(crate) request_body: Option<&'a [u8]>,
    /// Whether the call is the token call, whose bodies carry credentials.
    pub(crate) token_call: bool,
    /// `None` when the upstream gave no answer.
    pub(crate) response: Option<SeenResponse<'a>>,
    pub(crate) wait: Duration,
    pub(crate) receive: Duration,
    pub(crate) comment: Option<String>,
}

/// The upstream's answer to a call.
#[derive(Debug)]
pub(crate) struct SeenResponse<'a> {
    pub(crate) status: http::StatusCode,
    pub(crate) version: http::Version,
    pub(crate) headers: &'a HeaderMap,
    /// `None` when the body was streamed, not kept.
    pub(crate) body: Option<&'a [u8]>,
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn version(version: http::Version) -> String {
    format!("{version:?}")
}

fn headers(map: &HeaderMap) -> Vec<Header> {
    map.iter()
        .map(|(name, value)| {
            // The same credentials as the mock hides: the usual headers, and any whose name
            // says token, secret, password or API key (`X-Api-Key`, `X-Vault-Token`).
            let value = if redact::is_secret_name(name.as_str()) {
                redact_header(value.to_str().unwrap_or_default())
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            Header {
                name: name.as_str().to_owned(),
                value,
            }
        })
        .collect()
}

/// `Bearer <token>` keeps its scheme; any other credential goes whole.
fn redact_header(value: &str) -> String {
    redact::header(value, REDACTED)
}

/// A URL with the credentials of its query string redacted (`access_token=…`, a JWT).
fn redact_url(url: &str) -> String {
    match url.split_once('?') {
        Some((base, query)) => format!("{base}?{}", redact::query(query, REDACTED)),
        None => url.to_owned(),
    }
}

/// A body's text, with the token call's credentials redacted; base64 when not UTF-8.
fn body_text(body: &[u8], token_call: bool) -> (String, Option<String>) {
    if token_call && let Ok(Value::Object(mut object)) = serde_json::from_slice::<Value>(body) {
        for field in SECRET_FIELDS {
            if let Some(value) = object.get_mut(field).filter(|value| value.is_string()) {
                *value = Value::from(REDACTED);
            }
        }
        return (Value::Object(object).to_string(), None);
    }
    match std::str::from_utf8(body) {
        Ok(text) => (text.to_owned(), None),
        Err(_) => (
            base64::engine::general_purpose::STANDARD.encode(body),
            Some("base64".to_owned()),
        ),
    }
}

/// What an entry holds in memory, near enough: its URL, headers and bodies.
fn queued_size(entry: &Entry) -> usize {
    let headers = |headers: &[Header]| -> usize {
        headers
            .iter()
            .map(|header| header.name.len() + header.value.len())
            .sum()
    };
    entry.request.url.len()
        + headers(&entry.request.headers)
        + headers(&entry.request.query_string)
        + entry.request.post_data.as_ref().map_or(0, |data| data.text.len())
        + headers(&entry.response.headers)
        + entry.response.content.text.as_ref().map_or(0, String::len)
}

fn header_value<'a>(map: &'a HeaderMap, name: &str) -> &'a str {
    map.get(name).and_then(|value| value.to_str().ok()).unwrap_or_default()
}

/// The HAR entry of a call.
pub(crate) fn entry(seen: &Seen<'_>) -> Entry {
    let query_string = seen
        .query
        .map(|query| {
            form_pairs(query)
                .map(|(name, value)| {
                    let secret = redact::is_secret_name(&name) || redact::looks_like_jwt(&value);
                    let value = if secret { REDACTED.to_owned() } else { value };
                    Header { name, value }
                })
                .collect()
        })
        .unwrap_or_default();
    let post_data = seen.request_body.filter(|body| !body.is_empty()).map(|body| {
        let (text, encoding) = body_text(body, seen.token_call);
        PostData {
            mime_type: header_value(seen.request_headers, "content-type").to_owned(),
            text,
            encoding,
        }
    });
    let request = Request {
        method: seen.method.to_owned(),
        url: redact_url(&seen.url),
        http_version: version(seen.version),
        cookies: Vec::new(),
        headers: headers(seen.request_headers),
        query_string,
        post_data,
        headers_size: -1,
        body_size: seen
            .request_body
            .map_or(-1, |body| i64::try_from(body.len()).unwrap_or(i64::MAX)),
    };
    let response = match &seen.response {
        None => Response::default(),
        Some(answer) => {
            let mime_type = header_value(answer.headers, "content-type").to_owned();
            let content = match answer.body {
                Some(body) => {
                    let (text, encoding) = body_text(body, seen.token_call);
                    Content {
                        size: i64::try_from(body.len()).unwrap_or(i64::MAX),
                        mime_type,
                        text: Some(text),
                        encoding,
                        comment: None,
                    }
                }
                None => Content {
                    size: -1,
                    mime_type,
                    text: None,
                    encoding: None,
                    comment: Some("not a call of the catalog: streamed, not recorded".to_owned()),
                },
            };
            Response {
                status: answer.status.as_u16(),
                status_text: answer.status.canonical_reason().unwrap_or_default().to_owned(),
                http_version: version(answer.version),
                cookies: Vec::new(),
                headers: headers(answer.headers),
                content,
                redirect_url: header_value(answer.headers, "location").to_owned(),
                headers_size: -1,
                body_size: answer
                    .body
                    .map_or(-1, |body| i64::try_from(body.len()).unwrap_or(i64::MAX)),
            }
        }
    };
    Entry {
        started_date_time: seen.started.to_rfc3339_opts(SecondsFormat::Millis, true),
        time: millis(seen.wait + seen.receive),
        request,
        response,
        cache: serde_json::Map::new(),
        timings: Timings {
            send: 0.0,
            wait: millis(seen.wait),
            receive: millis(seen.receive),
        },
        comment: seen.comment.clone(),
    }
}

/// The decoded pairs of a query string.
fn form_pairs(query: &str) -> impl Iterator<Item = (String, String)> + '_ {
    form_urlencoded::parse(query.as_bytes()).map(|(name, value)| (name.into_owned(), value.into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A recorded call whose response body is `size` bytes.
    fn call_of(size: usize) -> Entry {
        serde_json::from_value(serde_json::json!({
            "startedDateTime": "2026-12-07T10:00:00Z", "time": 1.0,
            "request": {"method": "GET", "url": "http://127.0.0.1:8443/api/v1/cckm/aws/synchronization-jobs",
                "httpVersion": "HTTP/1.1", "cookies": [], "headers": [], "queryString": [],
                "headersSize": -1, "bodySize": 0},
            "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "cookies": [],
                "headers": [], "content": {"size": size, "mimeType": "application/json", "text": "x".repeat(size)},
                "redirectURL": "", "headersSize": -1, "bodySize": size},
            "cache": {}, "timings": {"send": 0.0, "wait": 1.0, "receive": 0.0}
        }))
        .unwrap()
    }

    #[test]
    fn the_queue_to_the_writer_holds_a_bounded_number_of_bytes() {
        let (sender, mut receiver) = mpsc::channel(QUEUE);
        let recorder = Recorder {
            entries: sender,
            queued_bytes: Arc::new(Semaphore::new(QUEUED_BYTES)),
            bound: Arc::default(),
        };
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        // A writer that does not keep up: 64 calls of 1 MiB fill the queue's bytes, though
        // they are far from its count of entries.
        let per_call = QUEUED_BYTES / 64 - 200;
        for _ in 0..64 {
            runtime.block_on(recorder.record(call_of(per_call)));
        }
        let mut next = std::pin::pin!(recorder.record(call_of(per_call)));
        assert!(
            next.as_mut().poll(&mut context).is_pending(),
            "a call beyond the bytes bound must wait"
        );
        // The writer takes one entry and writes it: its bytes make room for the next call.
        drop(receiver.try_recv().unwrap());
        assert!(next.as_mut().poll(&mut context).is_ready());
        // One call larger than the whole bound still goes through, once the queue is empty.
        while receiver.try_recv().is_ok() {}
        runtime.block_on(recorder.record(call_of(QUEUED_BYTES * 2)));
        assert_eq!(receiver.try_recv().unwrap().0.response.status, 200);
    }

    #[test]
    fn credentials_are_redacted_and_the_rest_kept() {
        assert_eq!(redact_header("Bearer eyJhbGciOi"), format!("Bearer {REDACTED}"));
        assert_eq!(redact_header("session=abc"), REDACTED);
        let (text, encoding) = body_text(
            br#"{"grant_type":"password","username":"admin","password":"s3cret"}"#,
            true,
        );
        assert!(!text.contains("s3cret") && text.contains("admin"), "{text}");
        assert_eq!(encoding, None);
        let (text, _) = body_text(br#"{"password":"kept when not the token call"}"#, false);
        assert!(text.contains("kept"));
        let (text, encoding) = body_text(&[0xff, 0x00], false);
        assert_eq!((text.as_str(), encoding.as_deref()), ("/wA=", Some("base64")));
    }

    #[test]
    fn custom_credential_headers_and_query_credentials_are_redacted() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln";
        let mut map = HeaderMap::new();
        map.insert("x-api-key", http::HeaderValue::from_static("k-1"));
        map.insert("x-trace", http::HeaderValue::from_static("t-1"));
        let kept = headers(&map);
        assert_eq!(kept[0].value, REDACTED);
        assert_eq!(kept[1].value, "t-1");
        let url = redact_url(&format!("http://h/api/v1/x?limit=5&access_token=abc&t={jwt}"));
        assert!(
            url.starts_with("http://h/api/v1/x?limit=5&access_token=%5Bredacted"),
            "{url}"
        );
        assert!(!url.contains("abc") && !url.contains(jwt), "{url}");
    }

    fn creator() -> Creator {
        Creator {
            name: "test".to_owned(),
            version: "1".to_owned(),
        }
    }

    fn listing(index: usize) -> Entry {
        Entry {
            request: Request {
                method: "GET".to_owned(),
                url: format!("http://h/api/v1/cckm/aws/synchronization-jobs?skip={index}"),
                ..Request::default()
            },
            ..Entry::default()
        }
    }

    #[test]
    fn the_file_never_grows_beyond_its_bound_and_stays_whole() {
        // The length of a file of one entry, measured without a bound.
        let dir = tempfile::tempdir().unwrap();
        let measured = dir.path().join("measured.har");
        let mut writer =
            HarWriter::new(SelfClosing::new(File::create(&measured).unwrap(), u64::MAX), creator()).unwrap();
        writer.entry(&listing(0)).unwrap();
        drop(writer);
        let one = std::fs::metadata(&measured).unwrap().len();

        // Bounded to exactly that: the first entry fits, the second is refused, whole.
        let path = dir.path().join("bounded.har");
        let mut writer = HarWriter::new(SelfClosing::new(File::create(&path).unwrap(), one), creator()).unwrap();
        writer.entry(&listing(0)).unwrap();
        let error = writer.entry(&listing(1)).unwrap_err();
        assert!(BeyondBound::of(&error).is_some_and(|length| length > one), "{error}");
        assert_eq!(writer.len(), 1);
        drop(writer);
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(u64::try_from(bytes.len()).unwrap(), one);
        let har = cckm_sync_contract::har::Har::from_slice(&bytes).unwrap();
        assert_eq!(har.log.entries.len(), 1);
        assert!(har.log.entries[0].request.url.ends_with("skip=0"));

        // A bound below an empty HAR file refuses its head.
        let error = HarWriter::new(SelfClosing::new(File::create(&path).unwrap(), 20), creator()).unwrap_err();
        assert!(BeyondBound::of(&error).is_some(), "{error}");
    }

    #[test]
    fn sizes_print_in_the_largest_unit_that_divides_them() {
        assert_eq!(size_text(1 << 30), "1 GiB");
        assert_eq!(size_text(4096), "4 KiB");
        assert_eq!(size_text(500_000_000), "500 MB");
        assert_eq!(size_text(3000), "3 kB");
        assert_eq!(size_text(1234), "1234 bytes");
    }

    #[test]
    fn query_strings_decode_as_forms() {
        let pairs: Vec<_> = form_pairs("kms=a%3A%3A1&overall_status=in+progress&x").collect();
        assert_eq!(
            pairs,
            [
                ("kms".to_owned(), "a::1".to_owned()),
                ("overall_status".to_owned(), "in progress".to_owned()),
                ("x".to_owned(), String::new())
            ]
        );
    }
}
