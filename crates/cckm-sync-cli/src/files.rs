//! The files `validate` and `mock --seed` read: named files, folders searched for `.json` and
//! `.har` files, `-` for standard input. Only regular files (and standard input) are read, and
//! no more bytes than `--max-input-size` of each: a device never ends and a named pipe may
//! never open.

use std::collections::BTreeSet;
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// One input: a file, or standard input.
#[derive(Clone, Debug)]
pub(crate) struct Input {
    /// The name reports give it: the path as given (or found under a folder given), or
    /// `<stdin>`.
    pub(crate) name: String,
    pub(crate) path: Option<PathBuf>,
}

impl Input {
    /// Whether its name ends in `.har` (any case).
    pub(crate) fn is_har_by_name(&self) -> bool {
        self.path
            .as_deref()
            .and_then(Path::extension)
            .is_some_and(|extension| extension.eq_ignore_ascii_case("har"))
    }
}

/// The folders a search does not enter: hidden ones (`.git`, `.tools`).
fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name.starts_with('.'))
}

fn wanted(path: &Path) -> bool {
    path.extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| extension.eq_ignore_ascii_case("json") || extension.eq_ignore_ascii_case("har"))
}

/// Fails when `-` is named more than once: standard input is read once, and a second `-`
/// would read nothing.
pub(crate) fn stdin_once(paths: &[PathBuf]) -> Result<(), String> {
    if paths.iter().filter(|path| path.as_os_str() == "-").count() > 1 {
        return Err("`-` is named twice: standard input is read once".to_owned());
    }
    Ok(())
}

/// The inputs the paths name: a file as it is, a folder's `.json` and `.har` files (searched
/// recursively, in name order), `-` for standard input. Fails on a path that does not exist,
/// on a folder without such a file, and on `-` named twice (the second would read nothing).
pub(crate) fn collect(paths: &[PathBuf]) -> Result<Vec<Input>, String> {
    stdin_once(paths)?;
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input {
                name: "<stdin>".to_owned(),
                path: None,
            });
            continue;
        }
        let metadata = std::fs::metadata(path).map_err(|error| format!("cannot read {}: {error}", path.display()))?;
        if metadata.is_dir() {
            let before = inputs.len();
            let mut visited = BTreeSet::new();
            walk(path, &mut inputs, &mut visited)?;
            if inputs.len() == before {
                return Err(format!("{}: no .json or .har file in this folder", path.display()));
            }
        } else {
            inputs.push(Input {
                name: path.display().to_string(),
                path: Some(path.clone()),
            });
        }
    }
    Ok(inputs)
}

fn walk(dir: &Path, inputs: &mut Vec<Input>, visited: &mut BTreeSet<PathBuf>) -> Result<(), String> {
    // A symbolic link back up the tree is entered once.
    if let Ok(canonical) = dir.canonicalize()
        && !visited.insert(canonical)
    {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(|error| format!("cannot read {}: {error}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|entry| entry.path()).collect();
    paths.sort();
    for path in paths {
        if is_hidden(&path) {
            continue;
        }
        if path.is_dir() {
            walk(&path, inputs, visited)?;
        } else if wanted(&path) {
            inputs.push(Input {
                name: path.display().to_string(),
                path: Some(path),
            });
        }
    }
    Ok(())
}

/// A reader that fails once more than its bound has been read: a file that grows, or
/// standard input, is cut there.
pub(crate) struct Bounded<R> {
    inner: R,
    left: u64,
    max: u64,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // One byte past the bound tells a file of exactly `max` bytes from a longer one.
        let room = usize::try_from(self.left.saturating_add(1)).unwrap_or(usize::MAX);
        let take = buf.len().min(room);
        let read = self.inner.read(buf.get_mut(..take).unwrap_or_default())?;
        let read_u64 = u64::try_from(read).unwrap_or(u64::MAX);
        if read_u64 > self.left {
            return Err(io::Error::new(io::ErrorKind::FileTooLarge, TooLarge { max: self.max }));
        }
        self.left -= read_u64;
        Ok(read)
    }
}

/// More bytes than `--max-input-size`.
#[derive(Debug)]
struct TooLarge {
    max: u64,
}

impl fmt::Display for TooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "more than {} bytes, the most --max-input-size allows", self.max)
    }
}

impl std::error::Error for TooLarge {}

/// Opens an input for reading, at most `max` bytes: a regular file, or standard input. A
/// device, a named pipe or a socket is refused before it is opened (opening a pipe waits for
/// a writer).
pub(crate) fn open(input: &Input, max: u64) -> Result<BufReader<Bounded<Box<dyn Read + Send>>>, String> {
    let reader: Box<dyn Read + Send> = match &input.path {
        None => Box::new(io::stdin()),
        Some(path) => {
            let cannot = |error: io::Error| format!("cannot read {}: {error}", input.name);
            let metadata = std::fs::metadata(path).map_err(cannot)?;
            if !metadata.is_file() {
                return Err(format!(
                    "cannot read {}: not a regular file (a device, a named pipe or a socket); only files and `-` are read",
                    input.name
                ));
            }
            let file = File::open(path).map_err(cannot)?;
            // What was opened is what was looked at (a path can change in between).
            let metadata = file.metadata().map_err(cannot)?;
            if !metadata.is_file() {
                return Err(format!("cannot read {}: not a regular file", input.name));
            }
            if metadata.len() > max {
                return Err(format!(
                    "cannot read {}: it holds {} bytes, more than --max-input-size {max}",
                    input.name,
                    metadata.len()
                ));
            }
            Box::new(file)
        }
    };
    Ok(BufReader::with_capacity(
        64 * 1024,
        Bounded {
            inner: reader,
            left: max,
            max,
        },
    ))
}

/// Whether what `reader` holds starts as a HAR file does, `{"log"`, whitespace aside, looking
/// at what it has buffered only: a cheap look that spares reading a large body twice.
pub(crate) fn starts_like_har(reader: &mut impl BufRead) -> io::Result<bool> {
    let buffered = reader.fill_buf()?;
    Ok(looks_like_har(buffered))
}

fn looks_like_har(bytes: &[u8]) -> bool {
    let mut rest = bytes.iter().copied().skip_while(u8::is_ascii_whitespace);
    if rest.next() != Some(b'{') {
        return false;
    }
    let rest: Vec<u8> = rest.skip_while(u8::is_ascii_whitespace).take(5).collect();
    rest == b"\"log\""
}

/// `--max-input-size`: bytes, or a number with a unit (`kB`, `MB`, `GB`, `KiB`, `MiB`, `GiB`).
pub(crate) fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let digits = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(digits);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a size: give bytes, or a number with kB, MB, GB, KiB, MiB or GiB"))?;
    let scale: u64 = match unit.trim() {
        "" | "B" => 1,
        "k" | "kB" | "KB" => 1_000,
        "M" | "MB" => 1_000_000,
        "G" | "GB" => 1_000_000_000,
        "KiB" => 1 << 10,
        "MiB" => 1 << 20,
        "GiB" => 1 << 30,
        other => {
            return Err(format!(
                "unknown unit {other:?}: give bytes, or a number with kB, MB, GB, KiB, MiB or GiB"
            ));
        }
    };
    let size = number
        .checked_mul(scale)
        .ok_or_else(|| format!("{text:?} is too large"))?;
    if size == 0 {
        return Err("a size of 0 holds nothing: give at least 1 byte".to_owned());
    }
    Ok(size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_har_file_is_told_from_a_body_by_its_first_key() {
        assert!(looks_like_har(b" \n{\n  \"log\": {\"entries\": []}}"));
        assert!(!looks_like_har(br#"{"skip": 0, "log": 1}"#));
        assert!(!looks_like_har(b"[]"));
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(parse_size("1024"), Ok(1024));
        assert_eq!(parse_size("64MiB"), Ok(64 << 20));
        assert_eq!(parse_size("2 GB"), Ok(2_000_000_000));
        assert!(parse_size("0").unwrap_err().contains("at least 1 byte"));
        assert!(parse_size("5 parsecs").unwrap_err().contains("unknown unit"));
        assert!(parse_size("99999999999999999999GiB").is_err());
    }

    #[test]
    fn a_reader_stops_past_its_bound() {
        let mut exact = Bounded {
            inner: &b"abcd"[..],
            left: 4,
            max: 4,
        };
        let mut bytes = Vec::new();
        exact.read_to_end(&mut bytes).unwrap();
        assert_eq!(bytes, b"abcd");
        let mut longer = Bounded {
            inner: &b"abcde"[..],
            left: 4,
            max: 4,
        };
        let error = longer.read_to_end(&mut Vec::new()).unwrap_err();
        assert_eq!(error.to_string(), "more than 4 bytes, the most --max-input-size allows");
    }
}
