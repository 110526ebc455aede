//! `cargo xtask codegen`: the JSON Schema files and OpenAPI documents, generated from the
//! types of the `cckm-sync` crate and its endpoint catalog.
//!
//! Every file is generated in memory by [`generate`]; [`update`] then writes the files that
//! changed, or, in check mode, changes nothing and fails naming every stale file with a diff
//! and the command that fixes it. Output is deterministic: keys sorted, two-space indent,
//! `\n` line endings and a final newline.

use std::fmt::Write as _;
use std::path::Path;

use cckm_sync::schemars::JsonSchema;
use cckm_sync::{CloudFamily, FamilyScope, FamilyVisitor, Page, StartJob, SyncJob};

use crate::file::GeneratedFile;
use crate::{openapi, schemas};

/// Folders that hold nothing but generated files.
pub const GENERATED_DIRS: [&str; 4] = [
    "schemas",
    "openapi",
    "crates/cckm-sync-contract/contract/schemas",
    "crates/cckm-sync-contract/contract/openapi",
];

/// The contract crate's copy of `schemas/` and `openapi/`, inside its package: the library
/// embeds these files, and a published `.crate` holds only what lies under its own folder.
pub const CONTRACT_CRATE_COPY: &str = "crates/cckm-sync-contract/contract";

/// The command that regenerates the files.
pub const COMMAND: &str = "cargo xtask codegen";

/// The schema names of one family's payloads, from the types themselves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FamilySchemas {
    /// The job, such as `AwsSyncJob`.
    pub job: String,
    /// The page of jobs, such as `AwsSyncJobPage`.
    pub page: String,
    /// The start-request body, such as `AwsStartJob`.
    pub start: String,
}

/// The schema names of `family`'s payloads.
pub fn family_schemas(family: CloudFamily) -> Result<FamilySchemas, String> {
    Ok(family.visit(SchemaNames))
}

struct SchemaNames;

impl FamilyVisitor for SchemaNames {
    type Output = FamilySchemas;

    fn visit<S: FamilyScope>(self) -> FamilySchemas {
        FamilySchemas {
            job: SyncJob::<S>::schema_name().into_owned(),
            page: Page::<SyncJob<S>>::schema_name().into_owned(),
            start: StartJob::<S>::schema_name().into_owned(),
        }
    }
}

/// Every generated file, sorted by path: the published files, and the contract crate's copy
/// of them ([`CONTRACT_CRATE_COPY`]).
pub fn generate() -> Result<Vec<GeneratedFile>, String> {
    let mut files = schemas::files()?;
    files.extend(openapi::files()?);
    let copies: Vec<GeneratedFile> = files
        .iter()
        .map(|file| GeneratedFile {
            path: format!("{CONTRACT_CRATE_COPY}/{}", file.path),
            contents: file.contents.clone(),
        })
        .collect();
    files.extend(copies);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Whether [`update`] writes the files or only checks them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Write every file that changed and remove generated files no longer generated.
    Write,
    /// Change nothing; fail if a file would change.
    Check,
}

/// Brings the generated folders under `root` in line with `files`.
///
/// Returns the paths written or removed (none in check mode). In check mode, fails with a
/// message that names every stale, missing or extra file, shows a diff and says how to fix it.
pub fn update(root: &Path, files: &[GeneratedFile], mode: Mode) -> Result<Vec<String>, String> {
    let mut changed = Vec::new();
    let mut report = String::new();
    for file in files {
        let path = root.join(&file.path);
        let current = std::fs::read_to_string(&path)
            .ok()
            .map(|text| text.replace("\r\n", "\n"));
        if current.as_deref() == Some(file.contents.as_str()) {
            continue;
        }
        match mode {
            Mode::Write => {
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(|error| format!("{}: {error}", parent.display()))?;
                }
                std::fs::write(&path, &file.contents).map_err(|error| format!("{}: {error}", file.path))?;
            }
            Mode::Check => match &current {
                Some(current) => {
                    let _ = writeln!(
                        report,
                        "{} is stale:\n{}",
                        file.path,
                        diff(&file.path, current, &file.contents)
                    );
                }
                None => {
                    let _ = writeln!(report, "{} is missing", file.path);
                }
            },
        }
        changed.push(file.path.clone());
    }
    for extra in extra_files(root, files)? {
        match mode {
            Mode::Write => std::fs::remove_file(root.join(&extra)).map_err(|error| format!("{extra}: {error}"))?,
            Mode::Check => {
                let _ = writeln!(report, "{extra} is no longer generated");
            }
        }
        changed.push(extra);
    }
    match mode {
        Mode::Check if !changed.is_empty() => Err(format!(
            "{report}\n{} generated file(s) out of date; run `{COMMAND}` and commit the result",
            changed.len()
        )),
        Mode::Check => Ok(Vec::new()),
        Mode::Write => Ok(changed),
    }
}

/// Files in the generated folders that `files` does not hold.
fn extra_files(root: &Path, files: &[GeneratedFile]) -> Result<Vec<String>, String> {
    let mut extra = Vec::new();
    for dir in GENERATED_DIRS {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for entry in entries {
            let entry = entry.map_err(|error| format!("{dir}: {error}"))?;
            let path = format!("{dir}/{}", entry.file_name().to_string_lossy());
            if entry.path().is_file() && !files.iter().any(|file| file.path == path) {
                extra.push(path);
            }
        }
    }
    extra.sort();
    Ok(extra)
}

/// A unified diff of the committed file against the generated one, at most 60 lines.
fn diff(path: &str, committed: &str, generated: &str) -> String {
    const MAX_LINES: usize = 60;
    let diff = similar::TextDiff::from_lines(committed, generated)
        .unified_diff()
        .context_radius(2)
        .header(&format!("{path} (committed)"), &format!("{path} (generated)"))
        .to_string();
    let lines: Vec<&str> = diff.lines().collect();
    if lines.len() <= MAX_LINES {
        return diff;
    }
    let shown = lines.get(..MAX_LINES).unwrap_or_default().join("\n");
    format!("{shown}\n… {} more diff lines", lines.len() - MAX_LINES)
}
