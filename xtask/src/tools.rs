//! The pinned third-party tools of `tools/` (the validators of the contract, the client
//! generators and schemathesis), installed into the git-ignored `.tools/` folder.
//!
//! The validators (and the client generators of `xtask/src/clients/`) are pinned by the
//! project's own files and installed on first use into the git-ignored `.tools/` folder, so a fresh clone needs only the toolchains (Python >= 3.11 with
//! `venv`, Node.js 20.19+ or 22.12+ with npm) and access to PyPI and the npm registry:
//!
//! - `tools/requirements.txt` (every distribution pinned and hashed, wheels only) into the
//!   virtual environment `.tools/venv`;
//! - `tools/package.json` and `tools/package-lock.json` into `.tools/node` with `npm ci`
//!   (install scripts disabled).
//!
//! After a successful install a copy of the lock file is kept next to each part
//! (`.tools/requirements.txt`, `.tools/package-lock.json`). A part is reinstalled from scratch
//! only when its lock file differs from that copy or one of its programs is missing, so a run
//! with the tools in place does not touch the network.
//!
//! The interpreters are found on `PATH`; the environment variables `PYTHON`, `NODE` and `NPM`
//! name others.

use std::ffi::OsString;
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::run::status;

/// Where the validators are installed (git-ignored), relative to the workspace root.
const TOOLS_DIR: &str = ".tools";

/// The oldest Python the pinned set installs on: check-jsonschema 0.39, rpds-py and regress
/// declare `Requires-Python >= 3.11`.
const MIN_PYTHON: (u32, u32) = (3, 11);

/// The installed validators.
pub(crate) struct Tools {
    /// The folder of the virtual environment's programs (`bin`, or `Scripts` on Windows).
    venv_bin: PathBuf,
    /// The Node.js that runs redocly.
    node: OsString,
    /// redocly's entry point, relative to the workspace root.
    redocly: PathBuf,
    /// The folder of the Node packages, relative to the workspace root.
    node_dir: PathBuf,
}

impl Tools {
    /// A command running the program `name` of the virtual environment.
    pub(crate) fn python_tool(&self, name: &str) -> Command {
        Command::new(self.venv_bin.join(format!("{name}{}", std::env::consts::EXE_SUFFIX)))
    }

    /// The folder of the virtual environment's programs.
    pub(crate) fn venv_bin(&self) -> PathBuf {
        self.venv_bin.clone()
    }

    /// The Node.js that runs the Node tools.
    pub(crate) fn node(&self) -> &OsString {
        &self.node
    }

    /// The installed Node packages, relative to the workspace root.
    pub(crate) fn node_modules(&self) -> PathBuf {
        self.node_dir.join("node_modules")
    }

    /// The folder of the Node packages, relative to the workspace root.
    pub(crate) fn node_dir(&self) -> &Path {
        &self.node_dir
    }

    /// redocly's entry point, relative to the workspace root.
    pub(crate) fn redocly(&self) -> &Path {
        &self.redocly
    }
}

/// Installs the pinned validators into `<root>/.tools` unless they are installed already from
/// the current lock files (see the module documentation), and returns where they are.
pub(crate) fn ensure_tools(root: &Path) -> Result<Tools, String> {
    let tools_dir = root.join(TOOLS_DIR);
    let node = env_or("NODE", "node");
    // Needed to run redocly, installed or not.
    let node_version = check_node(&node)?;

    let venv = tools_dir.join("venv");
    let venv_bin = venv.join(if cfg!(windows) { "Scripts" } else { "bin" });
    let exe = std::env::consts::EXE_SUFFIX;
    let venv_programs = [
        "python",
        "openapi-spec-validator",
        "check-jsonschema",
        "datamodel-codegen",
        "schemathesis",
        "openapi-python-client",
        "openapi-generator-cli",
    ]
    .map(|name| format!("{name}{exe}"));
    let python_part = Part {
        name: "Python validators",
        dir: venv.clone(),
        lock: root.join("tools/requirements.txt"),
        stamp: tools_dir.join("requirements.txt"),
        programs: venv_programs.iter().map(|name| venv_bin.join(name)).collect(),
    };
    if let Some(reason) = python_part.stale_because()? {
        python_part.announce(&reason);
        let python = env_or("PYTHON", if cfg!(windows) { "python" } else { "python3" });
        check_python(&python)?;
        python_part.wipe()?;
        status(
            Command::new(&python)
                .args(["-m", "venv"])
                .arg(Path::new(TOOLS_DIR).join("venv"))
                .current_dir(root),
        )?;
        status(
            Command::new(venv_bin.join(&venv_programs[0]))
                .args([
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    "--no-input",
                ])
                .args([
                    "--require-hashes",
                    "--only-binary=:all:",
                    "-r",
                    "tools/requirements.txt",
                ])
                .current_dir(root),
        )?;
        python_part.finish()?;
    }

    let node_dir = tools_dir.join("node");
    let relative_node_dir = Path::new(TOOLS_DIR).join("node");
    let redocly = relative_node_dir.join("node_modules/@redocly/cli/bin/cli.js");
    let mut programs = vec![root.join(&redocly)];
    // The packages the JavaScript check imports.
    programs.extend(
        [
            "ajv",
            "ajv-formats",
            "openapi-typescript",
            "typescript",
            "openapi-fetch",
            "@types/node",
        ]
        .map(|package| {
            root.join(&relative_node_dir)
                .join("node_modules")
                .join(package)
                .join("package.json")
        }),
    );
    let node_part = Part {
        name: "Node validators",
        dir: node_dir.clone(),
        lock: root.join("tools/package-lock.json"),
        stamp: tools_dir.join("package-lock.json"),
        programs,
    };
    let manifest = root.join("tools/package.json");
    let mut node_reason = node_part.stale_because()?;
    if node_reason.is_none() && read_optional(&node_dir.join("package.json"))? != read_optional(&manifest)? {
        node_reason = Some("tools/package.json changed".to_owned());
    }
    if let Some(reason) = node_reason {
        node_part.announce(&reason);
        let npm = env_or("NPM", if cfg!(windows) { "npm.cmd" } else { "npm" });
        check_npm(&npm, &node_version)?;
        node_part.wipe()?;
        // `npm ci` wants the manifest and the lock file in the folder it installs into.
        fs::create_dir_all(&node_dir).map_err(|error| format!("cannot create {}: {error}", node_dir.display()))?;
        for file in [&manifest, &node_part.lock] {
            let target = node_dir.join(file.file_name().unwrap_or_default());
            fs::copy(file, &target)
                .map_err(|error| format!("cannot copy {} to {}: {error}", file.display(), target.display()))?;
        }
        status(
            Command::new(&npm)
                .args(["ci", "--prefix"])
                .arg(&relative_node_dir)
                .args(["--no-audit", "--no-fund", "--ignore-scripts", "--no-update-notifier"])
                .current_dir(root),
        )?;
        node_part.finish()?;
    }

    Ok(Tools {
        venv_bin,
        node,
        redocly,
        node_dir: relative_node_dir,
    })
}

/// One independently installed part of `.tools/`.
pub(crate) struct Part {
    /// What it holds, for messages.
    pub(crate) name: &'static str,
    /// The folder it is installed into, removed before a reinstall.
    pub(crate) dir: PathBuf,
    /// The project's lock file it is installed from.
    pub(crate) lock: PathBuf,
    /// The copy of `lock` written after the last successful install.
    pub(crate) stamp: PathBuf,
    /// Programs that must exist.
    pub(crate) programs: Vec<PathBuf>,
}

impl Part {
    /// Why the part must be (re)installed, or `None` if it is up to date.
    pub(crate) fn stale_because(&self) -> Result<Option<String>, String> {
        let Some(stamp) = read_optional(&self.stamp)? else {
            return Ok(Some("not installed yet".to_owned()));
        };
        if read_optional(&self.lock)? != Some(stamp) {
            return Ok(Some(format!("{} changed", self.relative(&self.lock))));
        }
        Ok(self
            .programs
            .iter()
            .find(|program| !program.exists())
            .map(|program| format!("{} is missing", self.relative(program))))
    }

    pub(crate) fn announce(&self, reason: &str) {
        eprintln!("installing {} into {} ({reason})", self.name, self.relative(&self.dir));
    }

    /// Removes what a previous install left: a failed install then leaves no stamp behind.
    pub(crate) fn wipe(&self) -> Result<(), String> {
        remove(&self.stamp)?;
        if self.dir.exists() {
            fs::remove_dir_all(&self.dir).map_err(|error| format!("cannot remove {}: {error}", self.dir.display()))?;
        }
        Ok(())
    }

    /// Records a successful install.
    pub(crate) fn finish(&self) -> Result<(), String> {
        if let Some(missing) = self.programs.iter().find(|program| !program.exists()) {
            return Err(format!(
                "{} installed, but {} is missing",
                self.name,
                self.relative(missing)
            ));
        }
        fs::copy(&self.lock, &self.stamp)
            .map(|_| ())
            .map_err(|error| format!("cannot write {}: {error}", self.stamp.display()))
    }

    /// `path` as `tools/…` or `.tools/…` for messages.
    fn relative(&self, path: &Path) -> String {
        let root = self.stamp.parent().and_then(Path::parent);
        root.and_then(|root| path.strip_prefix(root).ok())
            .unwrap_or(path)
            .display()
            .to_string()
    }
}

/// Checks that `python` can create the virtual environment: a recent enough version, with the
/// `venv` and `ensurepip` modules (Debian splits them off into `python3-venv`).
pub(crate) fn check_python(python: &OsString) -> Result<(), String> {
    let need = format!(
        "Python >= {}.{} with the venv module is needed to install the validators (or set PYTHON)",
        MIN_PYTHON.0, MIN_PYTHON.1
    );
    let script = "import sys\nprint('%d.%d' % sys.version_info[:2])\ntry:\n    import venv, ensurepip\n    print('venv')\nexcept ImportError:\n    print('no venv')";
    let report = probe(Command::new(python).args(["-c", script]), &need)?;
    let mut lines = report.lines();
    let version = lines.next().unwrap_or_default().trim().to_owned();
    let name = python.to_string_lossy();
    if parse_version(&version).is_none_or(|found| found < MIN_PYTHON) {
        return Err(format!("`{name}` is Python {version}; {need}"));
    }
    if lines.next().map(str::trim) != Some("venv") {
        return Err(format!(
            "`{name}` (Python {version}) lacks the venv or ensurepip module (Debian/Ubuntu: apt install python3-venv); {need}"
        ));
    }
    eprintln!("using {name} (Python {version})");
    Ok(())
}

/// Checks that `node` runs a version redocly supports (its `engines`: 20.19+ on 20.x, or
/// 22.12+) and returns that version.
fn check_node(node: &OsString) -> Result<String, String> {
    let need = "Node.js 20.19+ (20.x) or 22.12+ is needed to run redocly (or set NODE)";
    let version = probe(Command::new(node).arg("--version"), need)?;
    let version = version.trim().to_owned();
    let supported = parse_version(version.trim_start_matches('v'))
        .is_some_and(|(major, minor)| (major == 20 && minor >= 19) || (major == 22 && minor >= 12) || major > 22);
    if supported {
        Ok(version)
    } else {
        Err(format!("`{}` is Node.js {version}; {need}", node.to_string_lossy()))
    }
}

/// Checks that `npm` runs (npm ci of a version 3 lock file).
fn check_npm(npm: &OsString, node_version: &str) -> Result<(), String> {
    let version = probe(
        Command::new(npm).arg("--version"),
        "npm is needed to install redocly (it comes with Node.js; or set NPM)",
    )?;
    eprintln!(
        "using {} {} (Node.js {node_version})",
        npm.to_string_lossy(),
        version.trim()
    );
    Ok(())
}

/// The standard output of `command`, a probe of an interpreter; its errors end with `need`.
fn probe(command: &mut Command, need: &str) -> Result<String, String> {
    let program = command.get_program().to_string_lossy().into_owned();
    match command.output() {
        Ok(done) if done.status.success() => Ok(String::from_utf8_lossy(&done.stdout).into_owned()),
        Ok(done) => Err(format!(
            "`{program}` failed ({}): {}\n{need}",
            done.status,
            String::from_utf8_lossy(&done.stderr).trim()
        )),
        Err(error) => Err(format!("cannot run `{program}`: {error}\n{need}")),
    }
}

/// The major and minor numbers of a version like `3.11` or `20.20.2`.
fn parse_version(version: &str) -> Option<(u32, u32)> {
    let mut numbers = version.split('.').map(str::parse::<u32>);
    Some((numbers.next()?.ok()?, numbers.next()?.ok()?))
}

/// The value of the environment variable `name`, or `default`.
pub(crate) fn env_or(name: &str, default: &str) -> OsString {
    std::env::var_os(name)
        .filter(|value| !value.is_empty())
        .unwrap_or_else(|| default.into())
}

/// The contents of `path`, or `None` if it does not exist.
fn read_optional(path: &Path) -> Result<Option<Vec<u8>>, String> {
    match fs::read(path) {
        Ok(contents) => Ok(Some(contents)),
        Err(error) if error.kind() == ErrorKind::NotFound => Ok(None),
        Err(error) => Err(format!("cannot read {}: {error}", path.display())),
    }
}

/// Removes the file `path` if it exists.
fn remove(path: &Path) -> Result<(), String> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == ErrorKind::NotFound => Ok(()),
        Err(error) => Err(format!("cannot remove {}: {error}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_version;

    #[test]
    fn versions_parse() {
        assert_eq!(parse_version("3.11"), Some((3, 11)));
        assert_eq!(parse_version("20.20.2"), Some((20, 20)));
        assert_eq!(parse_version("3"), None);
        assert_eq!(parse_version("x.y"), None);
    }
}
