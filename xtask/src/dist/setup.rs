//! The pinned tools of `cargo xtask dist`, installed into `.tools/dist/`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use super::files::copy_file;
use super::layout::{PINS_DIR, TOOLS_DIR};
use super::process::bounded;
use crate::run::{Timings, status};
use crate::tools::{self, Part, env_or};

/// The installed tools.
pub(super) struct Tools {
    /// The Python that makes fresh virtual environments.
    pub(super) system_python: PathBuf,
    /// The Python of `.tools/dist/venv`, and its maturin.
    pub(super) python: PathBuf,
    pub(super) maturin: PathBuf,
    pub(super) node: PathBuf,
    pub(super) npm: PathBuf,
    /// `.tools/dist/node/node_modules`.
    pub(super) node_modules: PathBuf,
}

pub(super) fn ensure_tools(root: &Path, timings: &mut Timings) -> Result<Tools, String> {
    let started = Instant::now();
    let system_python = env_or("PYTHON", "python3");
    let node = env_or("NODE", "node");
    let npm = env_or("NPM", "npm");
    tools::check_python(&system_python)?;
    let node_version = tools::check_node(&node)?;

    let tools_dir = root.join(TOOLS_DIR);
    let venv = tools_dir.join("venv");
    let python = venv.join("bin/python");
    let maturin = venv.join("bin/maturin");
    let python_part = Part {
        name: "maturin",
        dir: venv.clone(),
        lock: root.join(PINS_DIR).join("requirements.txt"),
        stamp: tools_dir.join("requirements.txt"),
        copies: Vec::new(),
        programs: vec![python.clone(), maturin.clone()],
    };
    if let Some(reason) = python_part.stale_because()? {
        python_part.announce(&reason);
        python_part.wipe()?;
        status(Command::new(&system_python).args(["-m", "venv"]).arg(&venv))?;
        bounded(
            Command::new(&python)
                .args([
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    "--no-input",
                ])
                .args(["--require-hashes", "--only-binary=:all:", "-r"])
                .arg(&python_part.lock),
        )?;
        python_part.finish()?;
    }

    let node_dir = tools_dir.join("node");
    let node_modules = node_dir.join("node_modules");
    let manifest = root.join(PINS_DIR).join("package.json");
    let node_part = Part {
        name: "the Node tools",
        dir: node_dir.clone(),
        lock: root.join(PINS_DIR).join("package-lock.json"),
        stamp: tools_dir.join("package-lock.json"),
        copies: vec![(manifest.clone(), node_dir.join("package.json"))],
        programs: [
            "openapi-typescript",
            "typescript",
            "openapi-fetch",
            "@types/node",
            "redoc",
            "playwright-core",
        ]
        .iter()
        .map(|name| node_modules.join(name).join("package.json"))
        .collect(),
    };
    if let Some(reason) = node_part.stale_because()? {
        node_part.announce(&reason);
        tools::check_npm(&npm, &node_version)?;
        node_part.wipe()?;
        fs::create_dir_all(&node_dir).map_err(|error| format!("cannot create {}: {error}", node_dir.display()))?;
        copy_file(&manifest, &node_dir.join("package.json"))?;
        copy_file(&node_part.lock, &node_dir.join("package-lock.json"))?;
        bounded(
            Command::new(&npm)
                .args([
                    "ci",
                    "--no-audit",
                    "--no-fund",
                    "--ignore-scripts",
                    "--no-update-notifier",
                ])
                .current_dir(&node_dir),
        )?;
        node_part.finish()?;
    }
    timings.push("tools", started);
    Ok(Tools {
        system_python: system_python.into(),
        python,
        maturin,
        node: node.into(),
        npm: npm.into(),
        node_modules,
    })
}

/// The wheels of the test environment, downloaded once per lock into `.tools/dist/wheels`.
pub(super) fn ensure_test_wheels(root: &Path, tools: &Tools) -> Result<PathBuf, String> {
    let dir = root.join(TOOLS_DIR).join("wheels");
    let part = Part {
        name: "the test environment's wheels",
        lock: root.join(PINS_DIR).join("test-requirements.txt"),
        stamp: root.join(TOOLS_DIR).join("test-requirements.txt"),
        dir: dir.clone(),
        copies: Vec::new(),
        programs: Vec::new(),
    };
    if let Some(reason) = part.stale_because()? {
        part.announce(&reason);
        part.wipe()?;
        bounded(
            Command::new(&tools.python)
                .args([
                    "-m",
                    "pip",
                    "download",
                    "--quiet",
                    "--disable-pip-version-check",
                    "--no-input",
                ])
                .args(["--require-hashes", "--only-binary=:all:", "--dest"])
                .arg(&dir)
                .arg("-r")
                .arg(&part.lock),
        )?;
        part.finish()?;
    }
    Ok(dir)
}

/// Debian's `chromium` (or the browser `CHROMIUM` names), installed with apt when missing and
/// possible, as `cargo xtask bench-mock` installs `wrk`.
pub(super) fn ensure_chromium() -> Result<PathBuf, String> {
    if let Some(named) = std::env::var_os("CHROMIUM").filter(|value| !value.is_empty()) {
        return Ok(PathBuf::from(named));
    }
    if let Some(found) = on_path("chromium") {
        return Ok(found);
    }
    if on_path("apt-get").is_some() {
        eprintln!("installing chromium with apt-get");
        status(Command::new("apt-get").args(["update", "-qq"]))?;
        status(
            Command::new("apt-get")
                .args(["install", "-y", "-qq", "--no-install-recommends", "chromium"])
                .env("DEBIAN_FRONTEND", "noninteractive"),
        )?;
    }
    on_path("chromium").ok_or_else(|| {
        "Chromium is needed to check the reference: install it (Debian: apt-get install chromium), or set CHROMIUM"
            .to_owned()
    })
}

pub(super) fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}
