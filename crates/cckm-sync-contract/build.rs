//! Embeds the generated contract files (`contract/schemas/*.schema.json`,
//! `contract/openapi/*.json`) in the library, so that a program built from it judges payloads
//! against the very files the repository publishes, without reading them at run time.
//!
//! `contract/` is this crate's copy of the repository's `schemas/` and `openapi/`, written and
//! checked by `cargo xtask codegen` beside them: it lies inside the package, so a `.crate`
//! built from this folder alone holds the contract it embeds. The folders are listed rather
//! than the file names written here: the generator decides which files exist, and a renamed
//! model gives a renamed file.

#![allow(
    clippy::print_stdout,
    reason = "cargo reads a build script's instructions on its standard output"
)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let root = manifest.join("contract");
    let mut code = String::new();
    for (folder, suffix, name) in [
        ("schemas", ".schema.json", "SCHEMA_FILES"),
        ("openapi", ".json", "OPENAPI_FILES"),
    ] {
        let dir = root.join(folder);
        println!("cargo::rerun-if-changed={}", dir.display());
        let files = list(&dir, suffix);
        // A library without its contract would build and then fail every check: fail the
        // build instead, saying how to make the files.
        assert!(
            !files.is_empty(),
            "{} holds no `*{suffix}` file: this crate's copy of the contract is missing; in the \
             cckm-sync repository, restore it from git (or copy `schemas/` and `openapi/` into \
             `contract/`), then run `cargo xtask codegen`",
            dir.display()
        );
        let _ = writeln!(code, "/// `{folder}/*{suffix}`: file name and text, by file name.");
        let _ = writeln!(code, "pub(crate) static {name}: &[(&str, &str)] = &[");
        for (file_name, path) in files {
            let _ = writeln!(
                code,
                "    ({file_name:?}, include_str!({:?})),",
                path.display().to_string()
            );
        }
        let _ = writeln!(code, "];");
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("embedded.rs");
    if let Err(error) = std::fs::write(&out, code) {
        panic!("cannot write {}: {error}", out.display());
    }
}

/// The files of `dir` whose name ends with `suffix`, sorted; none if the folder is missing.
fn list(dir: &Path, suffix: &str) -> Vec<(String, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter_map(|path| {
            let name = path.file_name()?.to_str()?.to_owned();
            let absolute = path.canonicalize().ok()?;
            name.ends_with(suffix).then_some((name, absolute))
        })
        .collect();
    files.sort();
    files
}
