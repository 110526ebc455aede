//! Third-party validation of the generated contract files: a step of `cargo xtask test`,
//! before the generated clients (`xtask/src/clients/`).
//!
//! The Rust tests check the generated files against the crate; this step checks them with
//! validators written by others, so that a mistake shared by our generator and our tests
//! cannot pass unnoticed:
//!
//! | validator | checks |
//! |---|---|
//! | `openapi-spec-validator` (PyPI) | both `openapi/*.json` against the OpenAPI 3.0 / 3.1 specification |
//! | `redocly lint` (npm `@redocly/cli`) | both OpenAPI files against the `recommended-strict` rules |
//! | `check-jsonschema --check-metaschema` (PyPI) | every `schemas/*.schema.json` against its meta-schema |
//! | `check-jsonschema --schemafile` | every valid fixture against the schema file of its payload |
//! | `datamodel-code-generator` (PyPI) | pydantic models generated from `schemas/` and from each OpenAPI document parse every valid fixture |
//! | `ajv` (npm, strict mode, with `ajv-formats`) | every schema file compiles; every valid fixture validates and every invalid fixture a schema can judge is rejected |
//! | `openapi-typescript` and `typescript` (npm) | the types generated from each OpenAPI document accept every valid fixture under `tsc --strict` |
//!
//! schemathesis, installed with the Python validators, runs after them: see
//! `xtask/src/schemathesis.rs`.
//!
//! check-jsonschema and ajv are two more implementations of the schemas, besides the Rust
//! contract tests': both follow the cross-file `$ref`s (`"JobStatus.schema.json"`) from the
//! files alone, with date-time and uuid formats checked, so a schema that only works inside our
//! own validator's registry fails here. The code generators show that teams in Python and
//! TypeScript can read every payload with the types they generate from the published files.
//!
//! # Installation
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

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::run::{root, status};

/// Where the validators are installed (git-ignored), relative to the workspace root.
const TOOLS_DIR: &str = ".tools";
/// The generated files, relative to the workspace root.
const OPENAPI_DIR: &str = "openapi";
const SCHEMAS_DIR: &str = "schemas";
const SCHEMA_SUFFIX: &str = ".schema.json";
/// The JavaScript and TypeScript interop check, relative to the workspace root.
const JS_CHECK: &str = "tools/interop/check_javascript.mjs";

/// The oldest Python the pinned set installs on: check-jsonschema 0.39, rpds-py and regress
/// declare `Requires-Python >= 3.11`.
const MIN_PYTHON: (u32, u32) = (3, 11);

/// The folders of fixtures (the valid ones; the invalid ones are under `invalid/` with the same
/// names), with the schema their payloads are checked against; `None` for `start/`, whose
/// schema is that of the family named by the file.
const FIXTURE_FOLDERS: [(&str, Option<&str>); 4] = [
    ("pages", Some("SyncJobPage")),
    ("jobs", Some("SyncJob")),
    ("errors", Some("ApiError")),
    ("start", None),
];

/// Runs every third-party validator on the generated files and the fixtures, installing the
/// validators first if needed, and prints how long each step took.
///
/// `redocly lint` uses `tools/redocly.yaml`, which extends `recommended-strict`: every rule
/// that `recommended` reports as a warning is an error there, so the lint passes only when it
/// is clean (no errors, no warnings) and every problem it finds is printed. A rule the contract
/// cannot satisfy is switched off in that file, with the reason next to it, instead of being
/// tolerated as a warning that nobody reads.
///
/// Returns the installed tools, for the steps that follow.
pub(crate) fn run() -> Result<Tools, String> {
    run_at(&root())
}

/// [`run`] for the workspace at `root`.
fn run_at(root: &Path) -> Result<Tools, String> {
    let openapi = generated_files(root, OPENAPI_DIR, ".json")?;
    let schemas = generated_files(root, SCHEMAS_DIR, SCHEMA_SUFFIX)?;
    let valid_checks = instance_checks(root, Validity::Valid)?;
    let invalid_checks = instance_checks(root, Validity::Invalid)?;

    let mut timings = Timings::default();
    let started = Instant::now();
    let tools = ensure_tools(root)?;
    timings.push("install validators", started);

    let started = Instant::now();
    status(
        tools
            .python_tool("openapi-spec-validator")
            .args(["--validation-errors", "all"])
            .args(&openapi)
            .current_dir(root),
    )?;
    timings.push("openapi-spec-validator", started);

    for file in &openapi {
        let started = Instant::now();
        // From `tools/`, where neither a `.env` (which redocly loads from its working directory)
        // nor a stray `redocly.yaml` of the workspace root can change the result.
        eprintln!("redocly lint, in tools/:");
        status(
            Command::new(&tools.node)
                .arg(Path::new("..").join(&tools.redocly))
                .args(["lint", "--config", "redocly.yaml", "--format=stylish"])
                .arg(Path::new("..").join(file))
                .env("REDOCLY_TELEMETRY", "off")
                .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true")
                .env("CI", "true")
                .current_dir(root.join("tools")),
        )?;
        timings.push(&format!("redocly lint {}", file.display()), started);
    }

    let started = Instant::now();
    status(
        tools
            .python_tool("check-jsonschema")
            .arg("--check-metaschema")
            .args(&schemas)
            .current_dir(root),
    )?;
    timings.push("check-jsonschema --check-metaschema", started);

    for (schema, instances) in &valid_checks {
        let started = Instant::now();
        // The schema's `$id` names where the contract's version is published; `--base-uri`
        // resolves its references to the sibling files on disk instead, as a user without
        // network access runs it.
        let absolute = root.join(schema);
        status(
            tools
                .python_tool("check-jsonschema")
                .arg("--base-uri")
                .arg(format!("file://{}", absolute.display()))
                .arg("--schemafile")
                .arg(schema)
                .args(instances)
                .current_dir(root),
        )?;
        timings.push(&format!("check-jsonschema --schemafile {}", schema.display()), started);
    }

    let interop = interop_dir(root)?;
    let checks_file = write_checks(&interop, root, &valid_checks, &invalid_checks)?;

    let started = Instant::now();
    python_models(root, &tools, &openapi, &interop, &checks_file)?;
    timings.push("Python models of the contract parse the fixtures", started);

    let started = Instant::now();
    javascript(root, &tools, &openapi, &interop, &checks_file)?;
    timings.push("ajv and TypeScript types of the contract judge the fixtures", started);

    let started = Instant::now();
    crate::schemathesis::run(root, &tools)?;
    timings.push("schemathesis against cckm-sync mock", started);

    timings.print();
    Ok(tools)
}

/// Where the interop checks write what they generate (inside the ignored `target/`).
const INTEROP_DIR: &str = "target/xtask/interop";

/// The interop folder, emptied.
fn interop_dir(root: &Path) -> Result<PathBuf, String> {
    let out = root.join(INTEROP_DIR);
    if out.exists() {
        fs::remove_dir_all(&out).map_err(|error| format!("cannot remove {}: {error}", out.display()))?;
    }
    fs::create_dir_all(&out).map_err(|error| format!("cannot create {}: {error}", out.display()))?;
    Ok(out)
}

/// Writes `checks.json` into `out` for the interop scripts, and returns its path:
/// `{"valid": {"<schema name>": ["<absolute fixture path>", …]}, "invalid": {…}}`.
fn write_checks(
    out: &Path,
    root: &Path,
    valid: &BTreeMap<PathBuf, Vec<PathBuf>>,
    invalid: &BTreeMap<PathBuf, Vec<PathBuf>>,
) -> Result<PathBuf, String> {
    let by_name = |checks: &BTreeMap<PathBuf, Vec<PathBuf>>| -> BTreeMap<String, Vec<String>> {
        checks
            .iter()
            .map(|(schema, fixtures)| {
                let name = schema.file_name().unwrap_or_default().to_string_lossy();
                let name = name.strip_suffix(SCHEMA_SUFFIX).unwrap_or(&name).to_owned();
                let fixtures = fixtures
                    .iter()
                    .map(|fixture| root.join(fixture).display().to_string())
                    .collect();
                (name, fixtures)
            })
            .collect()
    };
    let checks = serde_json::json!({"valid": by_name(valid), "invalid": by_name(invalid)});
    let checks = serde_json::to_string_pretty(&checks).map_err(|error| error.to_string())?;
    let path = out.join("checks.json");
    fs::write(&path, checks).map_err(|error| format!("cannot write {}: {error}", path.display()))?;
    Ok(path)
}

/// Interop with Python: generates pydantic models with `datamodel-code-generator` from
/// `schemas/` and from each OpenAPI document, as a Python team would, and parses every valid
/// fixture with each set (`tools/interop/check_python_models.py`).
fn python_models(
    root: &Path,
    tools: &Tools,
    openapi: &[PathBuf],
    out: &Path,
    checks_file: &Path,
) -> Result<(), String> {
    // Pinned options, so that a change of the generator's defaults changes nothing here.
    const OPTIONS: [&str; 5] = [
        "--output-model-type",
        "pydantic_v2.BaseModel",
        "--disable-timestamp",
        "--formatters",
        "builtin",
    ];
    let package = "schemas_models";
    status(
        tools
            .python_tool("datamodel-codegen")
            .args(["--input", SCHEMAS_DIR, "--input-file-type", "jsonschema", "--output"])
            .arg(out.join(package))
            .args(OPTIONS)
            .current_dir(root),
    )?;
    let mut modules = Vec::new();
    for file in openapi {
        // `openapi/cckm-sync.openapi-3.0.json` → `cckm_sync_openapi_3_0`
        let stem = file.file_stem().unwrap_or_default().to_string_lossy();
        let module: String = stem
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        status(
            tools
                .python_tool("datamodel-codegen")
                .arg("--input")
                .arg(file)
                .args(["--input-file-type", "openapi", "--output"])
                .arg(out.join(format!("{module}.py")))
                .args(OPTIONS)
                .current_dir(root),
        )?;
        modules.push(module);
    }
    status(
        tools
            .python_tool("python")
            .arg(root.join("tools/interop/check_python_models.py"))
            .arg(checks_file)
            .arg(package)
            .args(&modules)
            .env("PYTHONPATH", out)
            .current_dir(root),
    )
}

/// Interop with JavaScript and TypeScript (`tools/interop/check_javascript.mjs`): ajv in strict
/// mode judges every fixture against its schema file, and the types openapi-typescript
/// generates from each OpenAPI document type-check every valid fixture.
fn javascript(root: &Path, tools: &Tools, openapi: &[PathBuf], out: &Path, checks_file: &Path) -> Result<(), String> {
    // Node resolves the script's imports from the script's own folder upwards, so it runs
    // from a copy beside the installed `node_modules`.
    let source = root.join(JS_CHECK);
    let script = root.join(&tools.node_dir).join("check_javascript.mjs");
    fs::copy(&source, &script)
        .map_err(|error| format!("cannot copy {} to {}: {error}", source.display(), script.display()))?;
    status(
        Command::new(&tools.node)
            .arg(&script)
            .arg(checks_file)
            .arg(root.join(SCHEMAS_DIR))
            .arg(out)
            .args(openapi.iter().map(|file| root.join(file)))
            .current_dir(root),
    )
}

/// The files of `dir` (relative to `root`) whose names end with `suffix`, sorted, as paths
/// relative to `root`; an error if there are none.
fn generated_files(root: &Path, dir: &str, suffix: &str) -> Result<Vec<PathBuf>, String> {
    let files = files_ending_with(&root.join(dir), suffix)?;
    if files.is_empty() {
        return Err(format!(
            "no generated `{dir}/*{suffix}` files to validate: run `cargo xtask codegen` first"
        ));
    }
    Ok(files.into_iter().map(|name| Path::new(dir).join(name)).collect())
}

/// The names of the files of `dir` that end with `suffix`, sorted; none if `dir` is missing.
fn files_ending_with(dir: &Path, suffix: &str) -> Result<Vec<String>, String> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(format!("cannot read {}: {error}", dir.display())),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|error| format!("cannot read {}: {error}", dir.display()))?;
        let is_file = entry.file_type().is_ok_and(|kind| kind.is_file());
        if let Some(name) = entry.file_name().to_str()
            && is_file
            && name.ends_with(suffix)
        {
            names.push(name.to_owned());
        }
    }
    names.sort();
    Ok(names)
}

/// Which fixtures: those every schema must accept, or those it must reject.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Validity {
    Valid,
    Invalid,
}

/// Each schema file (relative to the root) with its fixtures of the given validity, from the
/// folders named in the fixtures' README. The invalid ones are only those a schema can judge
/// (see [`xtask::fixtures::schema_json`]): not a truncated or repeated-key text, which only the
/// parser can refuse. Fails if a folder is empty, a start fixture names no known family, or a
/// schema file is missing.
fn instance_checks(root: &Path, validity: Validity) -> Result<BTreeMap<PathBuf, Vec<PathBuf>>, String> {
    let fixtures = match validity {
        Validity::Valid => PathBuf::from(xtask::fixtures::DIR),
        Validity::Invalid => Path::new(xtask::fixtures::DIR).join("invalid"),
    };
    let mut checks: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for (folder, schema) in FIXTURE_FOLDERS {
        let names = files_ending_with(&root.join(&fixtures).join(folder), ".json")?;
        if names.is_empty() {
            return Err(format!("no fixtures in {}", fixtures.join(folder).display()));
        }
        for name in names {
            let fixture = fixtures.join(folder).join(&name);
            if validity == Validity::Invalid {
                let text = fs::read(root.join(&fixture))
                    .map_err(|error| format!("cannot read {}: {error}", fixture.display()))?;
                let judgeable = std::str::from_utf8(&text).is_ok_and(|text| xtask::fixtures::schema_json(text).is_ok());
                if !judgeable {
                    continue;
                }
            }
            let schema = match schema {
                Some(schema) => schema.to_owned(),
                None => start_schema(&name)?,
            };
            let schema = Path::new(SCHEMAS_DIR).join(format!("{schema}{SCHEMA_SUFFIX}"));
            checks.entry(schema).or_default().push(fixture);
        }
    }
    for schema in checks.keys() {
        if !root.join(schema).is_file() {
            return Err(format!(
                "{} is missing (the fixtures are checked against it): run `cargo xtask codegen` first",
                schema.display()
            ));
        }
    }
    Ok(checks)
}

/// The schema name of the start-request fixture `file_name` (`aws-kms.json` → `AwsStartJob`),
/// from the family its name starts with.
fn start_schema(file_name: &str) -> Result<String, String> {
    let stem = file_name.strip_suffix(".json").unwrap_or(file_name);
    let family = xtask::fixtures::start_family(stem).ok_or_else(|| {
        let known: Vec<&str> = cckm_sync::CloudFamily::ALL
            .iter()
            .map(|family| family.spec().name)
            .collect();
        format!(
            "start fixture `{file_name}` is not named `<family>-<what>.json` with a family among {}",
            known.join(", ")
        )
    })?;
    Ok(xtask::codegen::family_schemas(family)?.start)
}

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
fn check_python(python: &OsString) -> Result<(), String> {
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
fn env_or(name: &str, default: &str) -> OsString {
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

/// How long each step took, printed at the end.
#[derive(Default)]
struct Timings(Vec<(String, Duration)>);

impl Timings {
    /// Records the step `name` begun at `started`, and prints its time.
    fn push(&mut self, name: &str, started: Instant) {
        let elapsed = started.elapsed();
        eprintln!("{name}: ok in {:.1} s", elapsed.as_secs_f64());
        self.0.push((name.to_owned(), elapsed));
    }

    fn print(&self) {
        let total: Duration = self.0.iter().map(|(_, elapsed)| *elapsed).sum();
        let width = self.0.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
        eprintln!("third-party validation passed in {:.1} s:", total.as_secs_f64());
        for (name, elapsed) in &self.0 {
            eprintln!("  {name:<width$}  {:>5.1} s", elapsed.as_secs_f64());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_version, start_schema};

    #[test]
    fn start_fixtures_name_their_family() {
        assert_eq!(start_schema("aws-kms.json").as_deref(), Ok("AwsStartJob"));
        assert_eq!(
            start_schema("salesforce-organization-ids.json").as_deref(),
            Ok("SalesforceStartJob")
        );
        assert_eq!(start_schema("sap-groups.json").as_deref(), Ok("SapStartJob"));
        assert_eq!(
            start_schema("external-cm-domains.json").as_deref(),
            Ok("ExternalCmStartJob")
        );
        assert!(start_schema("external-domains.json").is_err());
        assert!(start_schema("awskms.json").is_err());
        assert!(start_schema("luna-hsm.json").is_err());
    }

    #[test]
    fn versions_parse() {
        assert_eq!(parse_version("3.11"), Some((3, 11)));
        assert_eq!(parse_version("20.20.2"), Some((20, 20)));
        assert_eq!(parse_version("3"), None);
        assert_eq!(parse_version("x.y"), None);
    }
}
