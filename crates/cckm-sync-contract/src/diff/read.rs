//! Reading a version from disk, bounded: regular files only (a device or a named pipe is
//! refused before it is opened), of 32 MiB at most, and folders of at most 4,096 schema files.

use std::collections::BTreeSet;
use std::path::Path;

use super::load::{from_openapi_text, from_schema_texts};
use super::version::{DiffError, SCHEMA_SUFFIX, Version};

/// The largest file read, in bytes.
const MAX_FILE_BYTES: u64 = 32 << 20;
/// The most schema files a folder may hold.
const MAX_FILES: usize = 4_096;

impl Version {
    /// Reads the version at `path`: an OpenAPI document (a JSON file whose `openapi` is 3.0.x
    /// or 3.1.x), or a folder of `*.schema.json` files (not searched recursively).
    ///
    /// Fails on a file that cannot be read, is not a regular file (a device or a named pipe is
    /// refused before it is opened), holds more than 32 MiB, is not JSON, or is not a contract
    /// document, and on a `$ref` that does not resolve; the error names the file, the JSON
    /// Pointer and why.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, DiffError> {
        load(path.as_ref())
    }
}

fn load(path: &Path) -> Result<Version, DiffError> {
    let label = path.display().to_string();
    let metadata =
        std::fs::metadata(path).map_err(|error| DiffError::new(&label, None, format!("cannot read it: {error}")))?;
    if !metadata.is_dir() && !metadata.is_file() {
        // Opening a named pipe waits for a writer, and a device may never end: refused before
        // either is opened.
        return Err(not_a_regular_file(&label));
    }
    if metadata.is_dir() {
        let entries = std::fs::read_dir(path)
            .map_err(|error| DiffError::new(&label, None, format!("cannot list the folder: {error}")))?;
        let mut names = Vec::new();
        // Other JSON files, to name in the error when there is no schema file: the folder of
        // the OpenAPI documents given for a document, most likely.
        let mut others = BTreeSet::new();
        for entry in entries {
            let entry =
                entry.map_err(|error| DiffError::new(&label, None, format!("cannot list the folder: {error}")))?;
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                continue;
            };
            if name.ends_with(SCHEMA_SUFFIX) && entry.path().is_file() {
                names.push(name);
            } else if name.ends_with(".json") && entry.path().is_file() {
                // The first three by name, whatever the order of the listing.
                others.insert(name);
                if others.len() > 3 {
                    others.pop_last();
                }
            }
            if names.len() > MAX_FILES {
                return Err(DiffError::new(
                    &label,
                    None,
                    format!("more than {MAX_FILES} schema files"),
                ));
            }
        }
        if names.is_empty() && !others.is_empty() {
            let others: Vec<String> = others.into_iter().collect();
            return Err(DiffError::new(
                &label,
                None,
                format!(
                    "no `*{SCHEMA_SUFFIX}` file; it holds {}: give an OpenAPI document as a file, or a folder of schema files",
                    others.join(", ")
                ),
            ));
        }
        names.sort();
        let mut files = Vec::new();
        for name in names {
            let file = path.join(&name);
            files.push((name, read_text(&file)?));
        }
        from_schema_texts(&label, files)
    } else {
        let text = read_text(path)?;
        from_openapi_text(&label, &text)
    }
}

fn read_text(path: &Path) -> Result<String, DiffError> {
    use std::io::Read as _;

    let label = path.display().to_string();
    let cannot_read = |error: std::io::Error| DiffError::new(&label, None, format!("cannot read it: {error}"));
    let metadata = std::fs::metadata(path).map_err(cannot_read)?;
    if !metadata.is_file() {
        return Err(not_a_regular_file(&label));
    }
    let too_large = |size: u64| {
        DiffError::new(
            &label,
            None,
            format!(
                "{size} bytes: larger than the {} MiB a contract file may be",
                MAX_FILE_BYTES >> 20
            ),
        )
    };
    if metadata.len() > MAX_FILE_BYTES {
        return Err(too_large(metadata.len()));
    }
    // The file may have grown since: no more than the bound is read, whatever it holds now.
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(cannot_read)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|error| DiffError::new(&label, None, format!("not UTF-8 text: {error}")))
}

fn not_a_regular_file(label: &str) -> DiffError {
    DiffError::new(
        label,
        None,
        "not a regular file (a device, a named pipe or a socket): give an OpenAPI document or a folder of schema files",
    )
}
