//! The crates as crates.io receives them: each packaged, and built from the packages alone;
//! the packaged `cckm-sync` run far from the repository; and the public API of the library
//! crates checked by `cargo-semver-checks` against their last release.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::run::{cargo, display, output, status};
use crate::tools::Part;

/// The crates users take, in the order they are published (each after what it depends on).
pub(crate) const PUBLISHED: [&str; 5] = [
    "cckm-sync",
    "cckm-sync-contract",
    "cckm-sync-mock",
    "cckm-sync-client",
    "cckm-sync-cli",
];

/// The library crates, whose public Rust API `cargo-semver-checks` checks.
pub(crate) const LIBRARIES: [&str; 4] = ["cckm-sync", "cckm-sync-contract", "cckm-sync-mock", "cckm-sync-client"];

/// The target folder of the packaging step: a folder of its own, so that the `cckm-sync` it
/// runs was built from the packages and from nothing else.
const PACKAGE_TARGET: &str = "target/xtask/package";

/// Where the last release's packages are unpacked for `cargo-semver-checks`.
const SEMVER_BASELINE: &str = "target/xtask/semver-baseline";

/// The pinned `cargo-semver-checks`, and where it is installed.
const SEMVER_CHECKS_PIN: &str = "tools/semver-checks.txt";
const SEMVER_CHECKS_DIR: &str = ".tools/semver-checks";

/// One packaged crate.
pub(crate) struct Package {
    pub(crate) name: &'static str,
    /// The `.crate` file.
    pub(crate) path: PathBuf,
    pub(crate) bytes: u64,
    pub(crate) files: usize,
}

/// Packages every published crate with `cargo package`, which also builds each from its
/// package, with the crates it depends on taken from their packages too (not from the
/// workspace), and returns the packages.
pub(crate) fn package(root: &Path, version: &str) -> Result<Vec<Package>, String> {
    forget_unpacked_packages(version)?;
    // The same goes for what cargo built from them: a registry crate's build is reused for its
    // name and version, whatever its sources.
    let mut clean = cargo(&["clean", "--quiet"]);
    for name in PUBLISHED {
        clean.args(["-p", name]);
    }
    status(clean.env("CARGO_TARGET_DIR", root.join(PACKAGE_TARGET)))?;
    let mut command = cargo(&["package", "--locked", "--allow-dirty"]);
    for name in PUBLISHED {
        command.args(["-p", name]);
    }
    status(command.env("CARGO_TARGET_DIR", root.join(PACKAGE_TARGET)))?;
    PUBLISHED
        .into_iter()
        .map(|name| {
            let path = root
                .join(PACKAGE_TARGET)
                .join(format!("package/{name}-{version}.crate"));
            let bytes = fs::metadata(&path)
                .map_err(|error| format!("{}: {error}", path.display()))?
                .len();
            let listing = output(Command::new("tar").arg("tzf").arg(&path))?;
            Ok(Package {
                name,
                path,
                bytes,
                files: listing.lines().filter(|line| !line.ends_with('/')).count(),
            })
        })
        .collect()
}

/// Removes cargo's unpacked copies of earlier packages of this version: `cargo package` puts
/// the packages in a temporary local registry, which cargo unpacks into the shared
/// `$CARGO_HOME/registry/src/` once per name and version and then reuses: packaging a changed
/// crate again under the same version would build the first package's sources.
fn forget_unpacked_packages(version: &str) -> Result<(), String> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")));
    let Some(src) = home.map(|home| home.join("registry/src")) else {
        return Ok(());
    };
    let Ok(registries) = fs::read_dir(&src) else {
        return Ok(());
    };
    for registry in registries.filter_map(Result::ok) {
        // crates.io's folder is named after its host; a local registry's has no host.
        if !registry.file_name().to_string_lossy().starts_with('-') {
            continue;
        }
        for name in PUBLISHED {
            let unpacked = registry.path().join(format!("{name}-{version}"));
            if unpacked.exists() {
                fs::remove_dir_all(&unpacked)
                    .map_err(|error| format!("cannot remove {}: {error}", unpacked.display()))?;
            }
        }
    }
    Ok(())
}

/// Runs the `cckm-sync` that [`package`] built from the packages, from a folder that holds
/// nothing of the repository: its embedded contract must judge a recorded page (valid and
/// broken) and name its version.
pub(crate) fn run_packaged_program(root: &Path, contract_version: &str) -> Result<(), String> {
    let exe = format!("cckm-sync{}", std::env::consts::EXE_SUFFIX);
    let built = root.join(PACKAGE_TARGET).join("debug").join(&exe);
    let dir = root.join("target/xtask/packaged-program");
    if dir.exists() {
        fs::remove_dir_all(&dir).map_err(|error| format!("cannot remove {}: {error}", dir.display()))?;
    }
    fs::create_dir_all(&dir).map_err(|error| format!("cannot create {}: {error}", dir.display()))?;
    let program = dir.join(&exe);
    fs::copy(&built, &program).map_err(|error| format!("cannot copy {}: {error}", built.display()))?;
    let fixtures = root.join(cckm_sync_codegen::fixtures::DIR);
    for (from, to) in [
        ("pages/seed-aws-keys-aborted-and-completed.json", "page.json"),
        ("invalid/pages/negative-skip.json", "broken-page.json"),
    ] {
        fs::copy(fixtures.join(from), dir.join(to)).map_err(|error| format!("cannot copy {from}: {error}"))?;
    }
    let run = |args: &[&str]| {
        let mut command = Command::new(&program);
        command.args(args).current_dir(&dir).env_remove("CM_URL");
        let shown = display(&command);
        let result = command
            .output()
            .map_err(|error| format!("cannot run the packaged `{shown}`: {error}"))?;
        eprintln!("$ {shown} (the packaged program, in {})", dir.display());
        Ok::<_, String>((
            result.status.code(),
            String::from_utf8_lossy(&result.stdout).into_owned() + &String::from_utf8_lossy(&result.stderr),
        ))
    };
    let (code, text) = run(&["--version"])?;
    if code != Some(0) || !text.contains(&format!("(contract {contract_version})")) {
        return Err(format!(
            "the packaged `cckm-sync --version` does not name contract {contract_version}: {text}"
        ));
    }
    let (code, text) = run(&["validate", "page.json"])?;
    if code != Some(0) || !text.contains("passed") {
        return Err(format!(
            "the packaged `cckm-sync validate page.json` did not pass ({code:?}):\n{text}"
        ));
    }
    let (code, text) = run(&["validate", "broken-page.json"])?;
    if code != Some(1) || !text.contains("/skip") {
        return Err(format!(
            "the packaged `cckm-sync validate broken-page.json` did not fail on /skip ({code:?}):\n{text}"
        ));
    }
    eprintln!("the packaged cckm-sync embeds contract {contract_version} and judges a page with it");
    Ok(())
}

/// Checks the public API of every library crate against its last release (`releases/crates/`)
/// with the pinned `cargo-semver-checks`, installed into `.tools/` first if needed. The
/// released packages depend on each other by version, as on crates.io; unpacked here, they are
/// pointed at each other instead, since the registry may not hold them.
pub(crate) fn semver_checks(root: &Path, released: &[PathBuf]) -> Result<(), String> {
    let checker = ensure_semver_checks(root)?;
    let baseline = root.join(SEMVER_BASELINE);
    if baseline.exists() {
        fs::remove_dir_all(&baseline).map_err(|error| format!("cannot remove {}: {error}", baseline.display()))?;
    }
    fs::create_dir_all(&baseline).map_err(|error| format!("cannot create {}: {error}", baseline.display()))?;
    let mut members = Vec::new();
    for package in released {
        status(Command::new("tar").arg("xzf").arg(package).arg("-C").arg(&baseline))?;
        let stem = package
            .file_name()
            .and_then(|name| name.to_str())
            .and_then(|name| name.strip_suffix(".crate"))
            .ok_or_else(|| format!("{} is not a .crate file", package.display()))?;
        members.push(stem.to_owned());
    }
    for member in &members {
        let manifest = baseline.join(member).join("Cargo.toml");
        let text = fs::read_to_string(&manifest).map_err(|error| format!("{}: {error}", manifest.display()))?;
        fs::write(&manifest, point_at_siblings(&text, &members))
            .map_err(|error| format!("{}: {error}", manifest.display()))?;
    }
    let list = members
        .iter()
        .map(|member| format!("{member:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    fs::write(
        baseline.join("Cargo.toml"),
        format!("# The last release's library crates, unpacked by `cargo xtask test`.\n[workspace]\nresolver = \"3\"\nmembers = [{list}]\n"),
    )
    .map_err(|error| format!("{}: {error}", baseline.display()))?;

    let mut command = Command::new(checker);
    command.args(["semver-checks", "check-release"]);
    for name in LIBRARIES {
        command.args(["--package", name]);
    }
    command
        .arg("--baseline-root")
        .arg(&baseline)
        .arg("--all-features")
        .current_dir(root);
    status(&mut command)
}

/// `manifest` (a packaged `Cargo.toml`) with each dependency on another of `members`
/// (`name-version` folders) given a path to it beside its version.
fn point_at_siblings(manifest: &str, members: &[String]) -> String {
    let mut text = String::with_capacity(manifest.len());
    for line in manifest.split_inclusive('\n') {
        text.push_str(line);
        let table = line
            .trim_end()
            .strip_prefix('[')
            .and_then(|rest| rest.strip_suffix(']'));
        let Some(name) = table.and_then(|table| table.split_once('.')).map(|(_, name)| name) else {
            continue;
        };
        if let Some(member) = members.iter().find(|member| {
            member
                .strip_prefix(name)
                .and_then(|rest| rest.strip_prefix('-'))
                .is_some_and(|version| version.starts_with(|c: char| c.is_ascii_digit()))
        }) {
            text.push_str(&format!("path = \"../{member}\"\n"));
        }
    }
    text
}

fn ensure_semver_checks(root: &Path) -> Result<PathBuf, String> {
    let dir = root.join(SEMVER_CHECKS_DIR);
    let program = dir
        .join("bin")
        .join(format!("cargo-semver-checks{}", std::env::consts::EXE_SUFFIX));
    let part = Part {
        name: "cargo-semver-checks",
        dir: dir.clone(),
        lock: root.join(SEMVER_CHECKS_PIN),
        stamp: root.join(".tools/semver-checks.txt"),
        copies: Vec::new(),
        programs: vec![program.clone()],
    };
    if let Some(reason) = part.stale_because()? {
        part.announce(&reason);
        let pin = fs::read_to_string(&part.lock).map_err(|error| format!("{SEMVER_CHECKS_PIN}: {error}"))?;
        let version = pin
            .lines()
            .map(str::trim)
            .find(|line| !line.is_empty() && !line.starts_with('#'))
            .ok_or_else(|| format!("{SEMVER_CHECKS_PIN} names no version"))?;
        part.wipe()?;
        status(
            cargo(&[
                "install",
                "cargo-semver-checks",
                "--locked",
                "--version",
                &format!("={version}"),
            ])
            .arg("--root")
            .arg(&dir),
        )?;
        part.finish()?;
    }
    Ok(program)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn released_crates_depend_on_each_other_by_path() {
        let manifest = "[package]\nname = \"cckm-sync-client\"\n\n[dependencies.cckm-sync]\nversion = \"0.1.0\"\n\n\
            [dependencies.cckm-sync-derive]\nversion = \"1\"\n\n[dev-dependencies.cckm-sync-mock]\nversion = \"0.1.0\"\n";
        let members = ["cckm-sync-0.1.0".to_owned(), "cckm-sync-mock-0.1.0".to_owned()];
        assert_eq!(
            point_at_siblings(manifest, &members),
            "[package]\nname = \"cckm-sync-client\"\n\n[dependencies.cckm-sync]\npath = \"../cckm-sync-0.1.0\"\nversion = \"0.1.0\"\n\n\
             [dependencies.cckm-sync-derive]\nversion = \"1\"\n\n[dev-dependencies.cckm-sync-mock]\npath = \"../cckm-sync-mock-0.1.0\"\nversion = \"0.1.0\"\n"
        );
    }
}
