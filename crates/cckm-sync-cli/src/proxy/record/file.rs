//! The HAR file as the recording writes it: whole after every entry, and never beyond its bound.

use std::fs::File;
use std::io::{Seek as _, SeekFrom, Write};

/// What ends a HAR file that [`HarWriter`] has started: the same bytes its `finish` writes
/// (which is never called: the file is whole after each entry already).
pub(super) const HAR_END: &[u8] = b"\n]}}\n";

/// A file that holds what was written up to the last flush followed by [`HAR_END`]: each
/// flush writes the two at once and steps back before the end, which the next write
/// replaces. It never grows beyond `max` bytes: a flush that would take it beyond writes
/// nothing and fails with [`BeyondBound`], the file as whole as before.
#[derive(Debug)]
pub(super) struct SelfClosing {
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
pub(super) struct BeyondBound {
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
    pub(super) fn of(error: &std::io::Error) -> Option<u64> {
        error
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<Self>())
            .map(|beyond| beyond.length)
    }
}

impl SelfClosing {
    pub(super) fn new(file: File, max: u64) -> Self {
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

#[cfg(test)]
mod tests {
    use std::fs::File;

    use cckm_sync_contract::har::{Creator, Entry, HarWriter, Request};

    use super::*;

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
}
