//! The proxy's recording: a HAR entry per call, written by a thread of its own as calls end,
//! with credentials redacted. After each entry the file is a whole HAR file, so that a proxy
//! killed without a chance to finish it (SIGKILL, a crash) leaves one that `validate` reads.
//! The file never grows beyond `--har-max-size`: the first call that would take it beyond is
//! not recorded, nor any after it, and they are counted.

mod entry;
mod file;

use std::fs::File;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use cckm_sync_contract::Recording;
use cckm_sync_contract::har::{Creator, Entry, HarWriter, Header};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};

pub(crate) use entry::{Seen, SeenResponse, entry};
use file::{BeyondBound, SelfClosing};

/// How many entries may wait for the writer before a call waits for it.
const QUEUE: usize = 1024;
/// How many bytes of entries (their URLs, headers and bodies) may wait for the writer before a
/// call waits for it: an entry larger than this waits until it is alone in the queue.
pub(crate) const QUEUED_BYTES: usize = 64 << 20;

/// What the recording's writer and the calls share: how many calls the file holds, whether it
/// reached its bound, and how many calls were not recorded since.
#[derive(Debug, Default)]
struct Bound {
    recorded: AtomicUsize,
    reached: AtomicBool,
    not_recorded: AtomicUsize,
}

impl Bound {
    /// What the file at `file`, of at most `max` bytes, holds so far.
    fn recording(&self, file: &str, max: u64) -> Recording {
        Recording {
            file: file.to_owned(),
            calls_recorded: self.recorded.load(Ordering::Relaxed),
            calls_not_recorded: self.not_recorded.load(Ordering::Relaxed),
            max_bytes: max,
        }
    }
}

/// Sends entries to the thread that writes the HAR file.
#[derive(Clone, Debug)]
pub(crate) struct Recorder {
    entries: mpsc::Sender<(Entry, OwnedSemaphorePermit)>,
    /// [`QUEUED_BYTES`] permits, one per byte of the entries queued.
    queued_bytes: Arc<Semaphore>,
    bound: Arc<Bound>,
    /// The file's name, as given.
    file: Arc<str>,
    /// The most bytes the file may take.
    max: u64,
}

/// The writer's thread; [`finish`](Self::finish) ends the file.
#[derive(Debug)]
pub(crate) struct RecorderThread {
    thread: std::thread::JoinHandle<Result<(), String>>,
    bound: Arc<Bound>,
    file: Arc<str>,
    max: u64,
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
        let file: Arc<str> = Arc::from(path.display().to_string());
        let name = file.clone();
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
                        Ok(()) => shared.recorded.store(writer.len(), Ordering::Relaxed),
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
                drop(writer);
                synced
                    .sync_data()
                    .map_err(|error| format!("cannot write {name}: {error}"))
            })
            .map_err(|error| format!("cannot start the HAR writer: {error}"))?;
        Ok((
            Self {
                entries: sender,
                queued_bytes: Arc::new(Semaphore::new(QUEUED_BYTES)),
                bound: bound.clone(),
                file: file.clone(),
                max,
            },
            RecorderThread {
                thread,
                bound,
                file,
                max,
            },
        ))
    }

    /// What the file holds so far: the calls written, and those not recorded since it reached
    /// its bound (calls still queued for the writer are in neither).
    pub(crate) fn recording(&self) -> Recording {
        self.bound.recording(&self.file, self.max)
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
    pub(crate) fn finish(self) -> Result<Recording, String> {
        self.thread
            .join()
            .map_err(|_| "the HAR writer stopped unexpectedly".to_owned())??;
        Ok(self.bound.recording(&self.file, self.max))
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
            file: Arc::from("t.har"),
            max: u64::MAX,
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
    fn sizes_print_in_the_largest_unit_that_divides_them() {
        assert_eq!(size_text(1 << 30), "1 GiB");
        assert_eq!(size_text(4096), "4 KiB");
        assert_eq!(size_text(500_000_000), "500 MB");
        assert_eq!(size_text(3000), "3 kB");
        assert_eq!(size_text(1234), "1234 bytes");
    }
}
