//! Files and folders: copies, edits of text, sizes.

use std::fs;
use std::path::{Path, PathBuf};

use super::layout::{OPENAPI, OPENAPI_30, SCHEMA_SUFFIX, SCHEMAS_DIR};
use crate::run::{files_ending_with, root};

/// Copies the contract's files into `dir/schemas/` and `dir/openapi/`.
pub(super) fn copy_contract(root: &Path, dir: &Path) -> Result<(), String> {
    for name in files_ending_with(&root.join(SCHEMAS_DIR), SCHEMA_SUFFIX)? {
        copy_file(&root.join(SCHEMAS_DIR).join(&name), &dir.join(SCHEMAS_DIR).join(&name))?;
    }
    for file in [OPENAPI, OPENAPI_30] {
        copy_file(&root.join(file), &dir.join(file))?;
    }
    Ok(())
}

pub(super) fn fresh_dir(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(|error| format!("cannot remove {}: {error}", dir.display()))?;
    }
    fs::create_dir_all(dir).map_err(|error| format!("cannot create {}: {error}", dir.display()))
}

pub(super) fn copy_file(from: &Path, to: &Path) -> Result<(), String> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent).map_err(|error| format!("cannot create {}: {error}", parent.display()))?;
    }
    fs::copy(from, to)
        .map(|_| ())
        .map_err(|error| format!("cannot copy {} to {}: {error}", from.display(), to.display()))
}

/// Copies a file, or a folder and everything under it.
pub(super) fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
    if from.is_file() {
        return copy_file(from, to);
    }
    let entries = fs::read_dir(from).map_err(|error| format!("cannot read {}: {error}", from.display()))?;
    fs::create_dir_all(to).map_err(|error| format!("cannot create {}: {error}", to.display()))?;
    for entry in entries {
        let entry = entry.map_err(|error| format!("cannot read {}: {error}", from.display()))?;
        let name = entry.file_name();
        if name.to_string_lossy() == "__pycache__" {
            continue;
        }
        copy_tree(&entry.path(), &to.join(name))?;
    }
    Ok(())
}

#[cfg(unix)]
pub(super) fn symlink_dir(target: &Path, link: &Path) -> Result<(), String> {
    std::os::unix::fs::symlink(target, link)
        .map_err(|error| format!("cannot link {} to {}: {error}", link.display(), target.display()))
}

#[cfg(not(unix))]
pub(super) fn symlink_dir(target: &Path, link: &Path) -> Result<(), String> {
    copy_tree(target, link)
}

#[cfg(unix)]
pub(super) fn set_executable(file: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt as _;
    fs::set_permissions(file, fs::Permissions::from_mode(0o755))
        .map_err(|error| format!("cannot make {} executable: {error}", file.display()))
}

#[cfg(not(unix))]
pub(super) fn set_executable(_file: &Path) -> Result<(), String> {
    Ok(())
}

/// The one file of `dir` named `<prefix>…<suffix>`.
pub(super) fn only_file(dir: &Path, prefix: &str, suffix: &str) -> Result<PathBuf, String> {
    let found: Vec<String> = files_ending_with(dir, suffix)?
        .into_iter()
        .filter(|name| name.starts_with(prefix))
        .collect();
    match found.as_slice() {
        [one] => Ok(dir.join(one)),
        _ => Err(format!(
            "expected one {prefix}*{suffix} in {}, found {found:?}",
            dir.display()
        )),
    }
}

/// Removes the files of `dir` named `<prefix>…<suffix>`: an older build's.
pub(super) fn remove_matching(dir: &Path, prefix: &str, suffix: &str) -> Result<(), String> {
    for name in files_ending_with(dir, suffix)? {
        if name.starts_with(prefix) {
            let file = dir.join(name);
            fs::remove_file(&file).map_err(|error| format!("cannot remove {}: {error}", file.display()))?;
        }
    }
    Ok(())
}

pub(super) fn read_text(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|error| format!("cannot read {}: {error}", path.display()))
}

pub(super) fn write_text(path: &Path, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|error| format!("cannot write {}: {error}", path.display()))
}

/// `text` with its line `line` replaced by `with`; an error if there is not exactly one.
pub(super) fn replace_line(text: &str, line: &str, with: &str) -> Result<String, String> {
    replace_matching(text, |candidate| candidate == line, with, line)
}

pub(super) fn replace_line_starting(text: &str, start: &str, with: &str) -> Result<String, String> {
    replace_matching(text, |candidate| candidate.starts_with(start), with, start)
}

pub(super) fn replace_matching(
    text: &str,
    matches: impl Fn(&str) -> bool,
    with: &str,
    what: &str,
) -> Result<String, String> {
    let count = text.lines().filter(|line| matches(line)).count();
    if count != 1 {
        return Err(format!("expected one line {what:?} to replace, found {count}"));
    }
    let lines: Vec<&str> = text
        .lines()
        .map(|line| if matches(line) { with } else { line })
        .collect();
    Ok(lines.join("\n") + "\n")
}

/// A path as a TOML basic string (JSON's escapes are TOML's).
pub(super) fn toml_string(path: &Path) -> Result<String, String> {
    let text = path
        .to_str()
        .ok_or_else(|| format!("{} is not UTF-8", path.display()))?;
    serde_json::to_string(text).map_err(|error| error.to_string())
}

/// `path` relative to the workspace root when it is under it.
pub(super) fn display_path(path: &Path) -> String {
    let root = root();
    path.strip_prefix(&root).unwrap_or(path).display().to_string()
}

pub(super) fn size(path: &Path) -> Result<String, String> {
    let bytes = fs::metadata(path)
        .map_err(|error| format!("cannot read {}: {error}", path.display()))?
        .len();
    #[allow(clippy::cast_precision_loss, reason = "a size shown to a tenth of a megabyte")]
    let megabytes = bytes as f64 / 1_000_000.0;
    Ok(format!("{megabytes:.1} MB"))
}

#[cfg(test)]
mod tests {
    use super::replace_line;

    #[test]
    fn a_line_is_replaced_once() {
        assert_eq!(replace_line("a\nb\nc", "b", "x").as_deref(), Ok("a\nx\nc\n"));
        assert!(replace_line("a\nb\nb", "b", "x").is_err());
        assert!(replace_line("a", "b", "x").is_err());
    }
}
