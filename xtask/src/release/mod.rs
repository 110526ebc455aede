//! Releases, and the compatibility gate that guards them (`VERSIONING.md`).
//!
//! `releases/` keeps what was released last, so that any clone (a shallow one, one without
//! tags) holds the baseline: `releases/contract/` the contract's files (`openapi/*.json`,
//! `schemas/*.schema.json`), `releases/crates/` the `.crate` files of the library crates.
//!
//! - [`gate`], a step of `cargo xtask test`: the committed contract against the released one
//!   (`cckm-sync diff`), with the version steps and the `CHANGELOG.md` sections its changes
//!   ask for; every crate packaged and the packaged program run; the public API of the library
//!   crates against the released packages (`cargo-semver-checks`); the declared `rust-version`
//!   against the toolchain that checks it.
//! - [`release`], `cargo xtask release`: the gate, then the changelog's sections of the versions
//!   released dated, and `releases/` rewritten.

mod changelog;
mod contract;
mod packages;
mod versions;

use std::fs;
use std::path::{Path, PathBuf};

use semver::Version;

use self::changelog::Line;
use self::versions::Step;
use crate::run::{output, root};

/// The folders of the last release, relative to the workspace root.
const RELEASED_CONTRACT: &str = "releases/contract";
const RELEASED_CRATES: &str = "releases/crates";
const CHANGELOG: &str = "CHANGELOG.md";

/// The versions of the work tree, and of the last release.
struct Versions {
    contract: Version,
    crates: Version,
    released_contract: Option<Version>,
    released_crates: Option<Version>,
    /// The released library packages.
    released_packages: Vec<PathBuf>,
}

impl Versions {
    fn read(root: &Path) -> Result<Self, String> {
        let released_contract = contract::released_version(&root.join(RELEASED_CONTRACT))?;
        let (released_crates, released_packages) = released_packages(&root.join(RELEASED_CRATES))?;
        Ok(Self {
            contract: versions::parse("the contract version", cckm_sync::CONTRACT_VERSION)?,
            // The xtask takes the workspace's version, as every crate does.
            crates: versions::parse("the crates' version", env!("CARGO_PKG_VERSION"))?,
            released_contract,
            released_crates,
            released_packages,
        })
    }
}

/// The version of the released library packages (`<name>-<version>.crate`, all of one version),
/// and their paths; none before the first release.
fn released_packages(dir: &Path) -> Result<(Option<Version>, Vec<PathBuf>), String> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok((None, Vec::new()));
    };
    let mut version = None;
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry.map_err(|error| format!("{}: {error}", dir.display()))?.path();
        let Some(stem) = path
            .file_name()
            .and_then(|name| name.to_str())
            .and_then(|name| name.strip_suffix(".crate"))
        else {
            continue;
        };
        let Some(name) = packages::LIBRARIES
            .iter()
            .filter(|name| stem.strip_prefix(**name).is_some_and(|rest| rest.starts_with("-")))
            .max_by_key(|name| name.len())
        else {
            return Err(format!("{}: not a package of a library crate", path.display()));
        };
        let this = versions::parse(
            &path.display().to_string(),
            stem.get(name.len() + 1..).unwrap_or_default(),
        )?;
        if version.as_ref().is_some_and(|version| *version != this) {
            return Err(format!("{} holds packages of two versions", dir.display()));
        }
        version = Some(this);
        paths.push(path);
    }
    paths.sort();
    Ok((version, paths))
}

/// The compatibility gate: fails with every reason at once. Returns the packages it made.
pub(crate) fn gate() -> Result<Vec<packages::Package>, String> {
    let started = std::time::Instant::now();
    let root = root();
    let versions = Versions::read(&root)?;
    check_rust_version()?;
    let changelog = fs::read_to_string(root.join(CHANGELOG)).map_err(|error| format!("{CHANGELOG}: {error}"))?;

    let mut problems = Vec::new();
    let needed = contract::gate(&root, &versions, &changelog, &mut problems)?;
    crates_gate(&versions, needed, &changelog, &mut problems)?;
    if !problems.is_empty() {
        return Err(format!(
            "the compatibility gate failed (VERSIONING.md says what each change asks for):\n- {}",
            problems.join("\n- ")
        ));
    }

    let packages = packages::package(&root, &versions.crates.to_string())?;
    for package in &packages {
        eprintln!(
            "packaged {}: {} files, {:.1} KiB",
            package.name,
            package.files,
            package.bytes as f64 / 1024.0
        );
    }
    packages::run_packaged_program(&root, &versions.contract.to_string())?;
    if versions.released_packages.is_empty() {
        eprintln!(
            "cargo-semver-checks: no released crates in {RELEASED_CRATES} to compare with (before the first release)"
        );
    } else {
        packages::semver_checks(&root, &versions.released_packages)?;
    }
    eprintln!("the compatibility gate passed in {:.0?}", started.elapsed());
    Ok(packages)
}

/// The crates' version against their last release and the contract's changes: a breaking
/// change of the contract is one of the crates; a new contract version is a new release of the
/// crates, which embed it; a new version has its changelog section.
fn crates_gate(
    versions: &Versions,
    contract_needs: Step,
    changelog: &str,
    problems: &mut Vec<String>,
) -> Result<(), String> {
    let current = &versions.crates;
    let Some(released) = &versions.released_crates else {
        if changelog::section(changelog, Line::Crates, &current.to_string()).is_none() {
            problems.push(format!(
                "the crates were never released: {CHANGELOG} needs a section `{} - {}` for their first release",
                changelog::heading(Line::Crates, &current.to_string()),
                changelog::UNRELEASED
            ));
        }
        return Ok(());
    };
    let step = versions::step(released, current).map_err(|error| format!("the crates' version: {error}"))?;
    if contract_needs == Step::Breaking && step < Step::Breaking {
        problems.push(format!(
            "the contract breaks clients, which breaks the crates too: step the crates' version from {released} to {} (Cargo.toml)",
            versions::next(released, Step::Breaking)
        ));
    }
    let contract_moved = versions.released_contract.as_ref() != Some(&versions.contract);
    if contract_moved && step == Step::None {
        problems.push(format!(
            "the crates embed contract {}, not the released {}: step the crates' version from {released} to at least {} (Cargo.toml)",
            versions.contract,
            versions.released_contract.as_ref().map_or_else(|| "none".to_owned(), ToString::to_string),
            versions::next(released, Step::Additive)
        ));
    }
    if step > Step::None && changelog::section(changelog, Line::Crates, &current.to_string()).is_none() {
        problems.push(format!(
            "the crates' version is {current} (released: {released}), but {CHANGELOG} has no section `{}`",
            changelog::heading(Line::Crates, &current.to_string())
        ));
    }
    Ok(())
}

/// The workspace declares the toolchain CI builds with (`rust-version`): a declared version is
/// one that something checks, and the only toolchain this project's CI has is the one running.
fn check_rust_version() -> Result<(), String> {
    let declared = include_str!("../../../Cargo.toml")
        .lines()
        .find_map(|line| line.trim().strip_prefix("rust-version = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .ok_or("the workspace's Cargo.toml declares no rust-version")?;
    let rustc = output(
        std::process::Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into())).arg("--version"),
    )?;
    let running = rustc.split_whitespace().nth(1).unwrap_or_default();
    let minor = |version: &str| version.split('.').take(2).collect::<Vec<_>>().join(".");
    if minor(running) != minor(declared) {
        return Err(format!(
            "rust-version is {declared}, but this toolchain is {running}: CI checks only the toolchain it runs, so \
             declare that one in the workspace's Cargo.toml (or run this gate with {declared})"
        ));
    }
    eprintln!("rust-version {declared}: the toolchain that builds and tests is {running}");
    Ok(())
}

/// `cargo xtask release`: the gate, then the changelog dated and `releases/` rewritten.
pub(crate) fn release() -> Result<(), String> {
    let root = root();
    crate::codegen::check()?;
    let packages = gate()?;
    let versions = Versions::read(&root)?;
    let mut changelog = fs::read_to_string(root.join(CHANGELOG)).map_err(|error| format!("{CHANGELOG}: {error}"))?;
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let mut released = Vec::new();
    for (line, version, before) in [
        (Line::Contract, &versions.contract, &versions.released_contract),
        (Line::Crates, &versions.crates, &versions.released_crates),
    ] {
        if before.as_ref() == Some(version) {
            continue;
        }
        changelog = changelog::date(&changelog, line, &version.to_string(), &today)?;
        released.push(format!("{} {version}", line.word()));
    }
    if released.is_empty() {
        return Err(format!(
            "nothing to release: contract {} and crates {} are the versions of the last release",
            versions.contract, versions.crates
        ));
    }
    fs::write(root.join(CHANGELOG), changelog).map_err(|error| format!("{CHANGELOG}: {error}"))?;
    contract::record_release(&root, &root.join(RELEASED_CONTRACT))?;
    let crates_dir = root.join(RELEASED_CRATES);
    replace_dir(&crates_dir)?;
    for package in packages
        .iter()
        .filter(|package| packages::LIBRARIES.contains(&package.name))
    {
        let file = package.path.file_name().ok_or("a package without a file name")?;
        fs::copy(&package.path, crates_dir.join(file))
            .map_err(|error| format!("cannot copy {}: {error}", package.path.display()))?;
    }
    eprintln!(
        "released {} (dated {today} in {CHANGELOG}; recorded in releases/). Next: commit, tag `v{}`{}, and `cargo publish --workspace`.",
        released.join(" and "),
        versions.crates,
        if versions.released_contract.as_ref() == Some(&versions.contract) {
            String::new()
        } else {
            format!(" and `contract-v{}`", versions.contract)
        }
    );
    Ok(())
}

/// Empties `dir`, creating it if needed.
fn replace_dir(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(|error| format!("cannot remove {}: {error}", dir.display()))?;
    }
    fs::create_dir_all(dir).map_err(|error| format!("cannot create {}: {error}", dir.display()))
}
