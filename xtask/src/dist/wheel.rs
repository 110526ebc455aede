//! The Python wheel: built with maturin, and tested in a fresh virtual environment.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::examples::Examples;
use super::files::{
    copy_contract, copy_file, copy_tree, fresh_dir, only_file, read_text, remove_matching, replace_line,
    replace_line_starting, toml_string, write_text,
};
use super::layout::{OPENAPI, PINS_DIR, PYTHON_PACKAGE, SCHEMA_SUFFIX, SCHEMAS_DIR, STAGE_DIR};
use super::options::{Options, Profile};
use super::process::{bounded, without_proxies};
use super::setup::{Tools, ensure_test_wheels};
use super::version::python_version;
use crate::run::{files_ending_with, read_json, status};
use crate::validators::{Validity, fixture_checks};

/// The platform the program is built for: this machine's, explicitly, as zig links it.
const TARGET: &str = "x86_64-unknown-linux-gnu";
/// The oldest glibc the program runs with, as the wheel's platform tag says it (manylinux2014).
const MANYLINUX: &str = "manylinux_2_17";

/// `PATH` with the tools' virtual environment first, where maturin finds zig (the `ziglang`
/// wheel of the lock).
fn with_tools_on_path(tools: &Tools) -> Result<std::ffi::OsString, String> {
    let bin = tools.maturin.parent().ok_or("maturin has no folder")?.to_path_buf();
    let rest = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(&rest)))
        .map_err(|error| format!("cannot put the tools on PATH: {error}"))
}

/// Builds the wheel with maturin from a copy of `packages/python/` completed with what is
/// generated; returns it and the program maturin built into it.
pub(super) fn build_wheel(
    root: &Path,
    tools: &Tools,
    version: &str,
    options: &Options,
) -> Result<(PathBuf, PathBuf), String> {
    let stage = root.join(STAGE_DIR).join("python");
    fresh_dir(&stage)?;
    let package = root.join(PYTHON_PACKAGE);
    for entry in ["pyproject.toml", "README.md", "src"] {
        copy_tree(&package.join(entry), &stage.join(entry))?;
    }
    for licence in ["LICENSE-MIT", "LICENSE-APACHE"] {
        copy_file(&root.join(licence), &stage.join(licence))?;
    }
    let module = stage.join("src/cckm_sync");
    status(
        Command::new(&tools.python)
            .arg(package.join("generate_models.py"))
            .arg(root.join(SCHEMAS_DIR))
            .arg(root.join(OPENAPI))
            .arg(module.join("models.py")),
    )?;
    copy_contract(root, &module.join("contract"))?;

    // The version and the crate's manifest, which a committed file cannot know.
    let manifest = root.join("crates/cckm-sync-cli/Cargo.toml");
    let pyproject = read_text(&stage.join("pyproject.toml"))?;
    let pyproject = replace_line(
        &pyproject,
        "dynamic = [\"version\"]",
        &format!("version = \"{}\"", python_version(version)?),
    )?;
    let manifest_line = format!("manifest-path = {}", toml_string(&manifest)?);
    let pyproject = replace_line_starting(&pyproject, "manifest-path = ", &manifest_line)?;
    write_text(&stage.join("pyproject.toml"), &pyproject)?;

    let wheels = root.join(STAGE_DIR).join("wheels");
    fresh_dir(&wheels)?;
    let mut maturin = Command::new(&tools.maturin);
    maturin
        .args(["build", "--locked", "--out"])
        .arg(&wheels)
        // Linked by zig against glibc 2.17: the wheel (and the npm package, which holds the same
        // program) installs on any Linux x86_64 with glibc 2.17 or later, not only on machines
        // as new as this one; maturin refuses a program that needs more than its tag says.
        .args(["--zig", "--compatibility", MANYLINUX, "--target", TARGET])
        .env("PATH", with_tools_on_path(tools)?)
        .current_dir(&stage);
    match options.profile {
        Profile::Release => maturin.args(["--release", "--strip"]),
        Profile::Dev => maturin.args(["--profile", "dev"]),
    };
    bounded(&mut maturin)?;
    let wheel = only_file(&wheels, "cckm_sync-", ".whl")?;
    let name = wheel.file_name().unwrap_or_default().to_string_lossy();
    if !name.ends_with(&format!("{MANYLINUX}_x86_64.whl")) {
        return Err(format!("maturin built {name}, not a {MANYLINUX} wheel"));
    }
    remove_matching(&options.out, "cckm_sync-", ".whl")?;
    let target = options.out.join(wheel.file_name().unwrap_or_default());
    fs::rename(&wheel, &target)
        .map_err(|error| format!("cannot move {} to {}: {error}", wheel.display(), target.display()))?;

    let target_dir = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let program = target_dir
        .join(TARGET)
        .join(if options.profile == Profile::Release {
            "release"
        } else {
            "debug"
        })
        .join(format!("cckm-sync{}", std::env::consts::EXE_SUFFIX));
    if !program.is_file() {
        return Err(format!("maturin built the wheel, but {} is missing", program.display()));
    }
    Ok((target, program))
}

/// A new virtual environment with the test requirements and the wheel (all offline), and
/// pytest run there on the package's tests and the READMEs' examples.
pub(super) fn test_python(
    root: &Path,
    tools: &Tools,
    wheel: &Path,
    examples: &Examples,
    dir: &Path,
) -> Result<(), String> {
    fresh_dir(dir)?;
    let wheels = ensure_test_wheels(root, tools)?;
    let venv = dir.join("venv");
    status(Command::new(&tools.system_python).args(["-m", "venv"]).arg(&venv))?;
    let python = venv.join("bin/python");
    let pip = |command: &mut Command| -> Result<(), String> {
        bounded(
            command
                .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
                .env_remove("PIP_INDEX_URL")
                .env_remove("PIP_FIND_LINKS"),
        )
    };
    // Offline, from the downloaded wheels only: the wheel's requirements must be met by them.
    let install = || {
        let mut command = Command::new(&python);
        command
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--no-input",
                "--no-index",
                "--find-links",
            ])
            .arg(&wheels);
        command
    };
    pip(install()
        .args(["--require-hashes", "--only-binary=:all:", "-r"])
        .arg(root.join(PINS_DIR).join("test-requirements.txt")))?;
    pip(install().arg(wheel))?;
    pip(Command::new(&python).args(["-m", "pip", "check"]))?;

    let tests = dir.join("tests");
    fresh_dir(&tests)?;
    for file in files_ending_with(&root.join(PYTHON_PACKAGE).join("tests"), ".py")? {
        copy_file(&root.join(PYTHON_PACKAGE).join("tests").join(&file), &tests.join(&file))?;
    }
    for (name, code) in &examples.python {
        write_text(&tests.join(name), code)?;
    }
    let checks = dir.join("fixtures.json");
    write_text(&checks, &models_checks(root)?)?;
    let mut pytest = Command::new(&python);
    pytest
        .args(["-m", "pytest", "-p", "no:cacheprovider", "-q", "tests"])
        .current_dir(dir)
        .env("CCKM_SYNC_FIXTURES", &checks)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env_remove("PYTHONPATH")
        .env_remove("CCKM_SYNC_PROGRAM");
    without_proxies(&mut pytest);
    bounded(&mut pytest)
}

/// `{"schemas": [names], "valid": {schema: [fixture, …]}, "invalid": {…}}` for the models'
/// tests: each fixture with the schema of its payload (pages also with their family's page,
/// jobs with their family's job), the invalid ones only where a JSON Schema can judge them.
pub(super) fn models_checks(root: &Path) -> Result<String, String> {
    let absolute = |checks: crate::validators::FixtureChecks| -> serde_json::Map<String, Value> {
        checks
            .into_iter()
            .map(|(schema, fixtures)| {
                let fixtures = fixtures
                    .iter()
                    .map(|fixture| Value::String(root.join(fixture).display().to_string()))
                    .collect();
                (schema, Value::Array(fixtures))
            })
            .collect()
    };
    let valid = absolute(fixture_checks(root, Validity::Valid, true)?);
    let invalid = absolute(fixture_checks(root, Validity::Invalid, true)?);
    let mut names: Vec<String> = files_ending_with(&root.join(SCHEMAS_DIR), SCHEMA_SUFFIX)?
        .into_iter()
        .map(|file| file.trim_end_matches(SCHEMA_SUFFIX).to_owned())
        .collect();
    let document = read_json(&root.join(OPENAPI))?;
    if let Some(components) = document.pointer("/components/schemas").and_then(Value::as_object) {
        names.extend(
            components
                .keys()
                .filter(|name| !names.contains(name))
                .cloned()
                .collect::<Vec<_>>(),
        );
    }
    names.sort();
    let checks = serde_json::json!({"schemas": names, "valid": valid, "invalid": invalid});
    serde_json::to_string_pretty(&checks).map_err(|error| error.to_string())
}
