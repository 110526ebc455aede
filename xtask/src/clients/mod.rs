//! Clients generated from the committed OpenAPI documents, end to end: the last step of
//! `cargo xtask test`.
//!
//! For each generator below, as a team in that language would: generate a client from a
//! committed document into `target/xtask/clients/<generator>/` (ignored, never committed),
//! build it, and run one scenario with it against a fresh `cckm-sync mock`:
//!
//! | generator | document | built with | scenario |
//! |---|---|---|---|
//! | `openapi-python-client` | 3.1 | (Python, imported) | `tools/clients/python/openapi_python_client.py` |
//! | `openapi-generator -g python` | 3.1 and 3.0 | (Python, imported) | `tools/clients/python/openapi_generator.py` |
//! | `openapi-typescript` + `openapi-fetch` | 3.1 | `tsc --strict` | `tools/clients/typescript/openapi_fetch.ts` |
//! | `openapi-generator -g typescript-fetch` | 3.1 | `tsc --strict` | `tools/clients/typescript/typescript_fetch.ts` |
//! | `openapi-generator -g go` | 3.1 | Go from Debian (`golang-go`, 1.19) | `tools/clients/go/main.go` |
//!
//! The scenario (the same steps in every language): a token from the token call; a job of
//! listed items started on every endpoint, and a second start refused with 409; the jobs
//! waited for and read back completed; a job of every item (`synchronize_all`) started on
//! every endpoint; every page of every endpoint listed one job at a time, with and without
//! filters; every running job cancelled, and read back ended; a 404 read into the generated
//! `ApiError` model; start bodies read from JSON with the generated models and sent; last,
//! every start body the client sent (as the mock recorded it) holds no field the contract does
//! not name. Each step checks the values the generated models hold, not only the status.
//!
//! What the scenarios need to know of the API (endpoints, operation ids, schema names, scope
//! fields, status texts) is a plan written here from the endpoint catalog and the committed
//! document, so that no scenario spells an endpoint. The mock's clock is paused: a job runs
//! until the scenario advances the clock (control API), so nothing waits on time, and every
//! program run here is bounded ([`STEP_LIMIT`]).
//!
//! The generators are pinned in `tools/` and installed into `.tools/` with the validators
//! (`tools/requirements.txt`: openapi-python-client and openapi-generator, whose PyPI
//! package ships the generator's jar and runs it with the machine's Java; `tools/package.json`:
//! openapi-typescript, openapi-fetch and TypeScript). Go and the one library the generated Go
//! client imports beyond the standard library (`gopkg.in/validator.v2`) come from Debian's
//! packages, pinned in `tools/clients/debian-packages.txt` and unpacked into `.tools/go/`
//! (see [`go`]).

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use cckm_sync::endpoints::{self, Operation};
use serde_json::{Value, json};

use crate::run::root;
use crate::server::{Server, build_cckm_sync};
use crate::tools::Tools;

mod go;

/// Where the clients are generated and built, relative to the workspace root (ignored).
const CLIENTS_DIR: &str = "target/xtask/clients";
/// The scenarios, relative to the workspace root.
const SCENARIOS_DIR: &str = "tools/clients";
/// The longest any one program (a generator, a compiler, a scenario) may run.
pub(crate) const STEP_LIMIT: Duration = Duration::from_secs(10 * 60);
/// The package (Python) or module name of every generated client.
const PACKAGE: &str = "cckm_sync_client";
/// The duration of the mock's jobs; the scenarios advance the paused clock by as much.
const JOB_DURATION: &str = "10s";

/// `cargo xtask clients [WORD…]`: installs the tools if needed, then runs the generators
/// whose name holds one of the words (every one without a word).
pub(crate) fn run_alone(words: &[String]) -> Result<(), String> {
    run_selected(&crate::tools::ensure_tools(&root())?, words)
}

/// Generates, builds and runs every client; prints how long each took.
pub(crate) fn run(tools: &Tools) -> Result<(), String> {
    run_selected(tools, &[])
}

fn run_selected(tools: &Tools, words: &[String]) -> Result<(), String> {
    let root = root();
    check_java()?;
    let program = build_cckm_sync(false)?;
    let out = root.join(CLIENTS_DIR);
    if out.exists() {
        fs::remove_dir_all(&out).map_err(|error| format!("cannot remove {CLIENTS_DIR}: {error}"))?;
    }
    let context = Context {
        root: root.clone(),
        tools,
        program,
        out,
    };
    let mut timings: Vec<(String, Duration)> = Vec::new();
    let mut timed = |name: &str, step: &dyn Fn(&Context<'_>) -> Result<(), String>| {
        if !words.is_empty() && !words.iter().any(|word| name.contains(word.as_str())) {
            return Ok(());
        }
        let started = Instant::now();
        eprintln!("\n== {name}");
        step(&context).map_err(|error| format!("{name}: {error}"))?;
        let elapsed = started.elapsed();
        eprintln!("{name}: ok in {:.1} s", elapsed.as_secs_f64());
        timings.push((name.to_owned(), elapsed));
        Ok::<(), String>(())
    };
    timed("openapi-python-client, 3.1 document", &|context| {
        context.openapi_python_client()
    })?;
    timed("openapi-generator -g python, 3.1 document", &|context| {
        context.openapi_generator_python(Document::V31)
    })?;
    timed("openapi-generator -g python, 3.0 document", &|context| {
        context.openapi_generator_python(Document::V30)
    })?;
    timed("openapi-typescript + openapi-fetch, 3.1 document", &|context| {
        context.openapi_fetch()
    })?;
    timed("openapi-generator -g typescript-fetch, 3.1 document", &|context| {
        context.typescript_fetch()
    })?;
    timed("openapi-generator -g go, 3.1 document (Go from Debian)", &|context| {
        context.go()
    })?;

    let total: Duration = timings.iter().map(|(_, elapsed)| *elapsed).sum();
    let width = timings.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
    eprintln!(
        "generated clients passed their scenarios in {:.1} s:",
        total.as_secs_f64()
    );
    for (name, elapsed) in &timings {
        eprintln!("  {name:<width$}  {:>5.1} s", elapsed.as_secs_f64());
    }
    Ok(())
}

/// openapi-generator runs on Java 11 or newer: its PyPI package runs the `java` on `PATH`.
fn check_java() -> Result<(), String> {
    let need = "openapi-generator needs Java 11 or newer on PATH (Debian: apt-get install default-jre-headless)";
    let java = PathBuf::from("java");
    let output = Command::new(&java)
        .arg("-version")
        .output()
        .map_err(|error| format!("cannot run {}: {error}; {need}", java.display()))?;
    // `openjdk version "17.0.15" 2025-04-15`, on standard error.
    let text = String::from_utf8_lossy(&output.stderr);
    let major = text
        .split('"')
        .nth(1)
        .and_then(|version| version.split('.').next())
        .and_then(|major| major.parse::<u32>().ok());
    match major {
        Some(major) if output.status.success() && major >= 11 => Ok(()),
        _ => Err(format!(
            "{} -version says {:?}; {need}",
            java.display(),
            text.lines().next().unwrap_or_default()
        )),
    }
}

/// A committed OpenAPI document.
#[derive(Clone, Copy)]
enum Document {
    V31,
    V30,
}

impl Document {
    fn path(self) -> &'static str {
        match self {
            Self::V31 => cckm_sync_codegen::OPENAPI_31,
            Self::V30 => cckm_sync_codegen::OPENAPI_30,
        }
    }

    fn tag(self) -> &'static str {
        match self {
            Self::V31 => "3.1",
            Self::V30 => "3.0",
        }
    }
}

struct Context<'a> {
    root: PathBuf,
    tools: &'a Tools,
    /// The built `cckm-sync` program.
    program: PathBuf,
    /// [`CLIENTS_DIR`], absolute.
    out: PathBuf,
}

impl Context<'_> {
    /// A fresh folder for one client.
    fn dir(&self, name: &str) -> Result<PathBuf, String> {
        let dir = self.out.join(name);
        fs::create_dir_all(&dir).map_err(|error| format!("cannot create {}: {error}", dir.display()))?;
        Ok(dir)
    }

    fn scenario(&self, relative: &str) -> PathBuf {
        self.root.join(SCENARIOS_DIR).join(relative)
    }

    /// A `PATH` with the virtual environment's programs first (openapi-python-client runs
    /// `ruff`, installed beside it, on what it generates).
    fn venv_path(&self) -> Result<OsString, String> {
        let mut paths = vec![self.tools.venv_bin()];
        paths.extend(
            std::env::var_os("PATH")
                .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
                .unwrap_or_default(),
        );
        std::env::join_paths(paths).map_err(|error| error.to_string())
    }

    /// `openapi-generator-cli generate -i <document> -g <generator> -o <dir>` and `extra`.
    /// It prints a line per file it writes: those go to `<dir>.log`, and only its warnings
    /// and errors to the terminal (everything, if it fails).
    fn openapi_generator(&self, document: Document, generator: &str, dir: &Path, extra: &[&str]) -> Result<(), String> {
        let log = PathBuf::from(format!("{}.log", dir.display()));
        if let Some(parent) = dir.parent() {
            fs::create_dir_all(parent).map_err(|error| format!("cannot create {}: {error}", parent.display()))?;
        }
        bounded_logged(
            &log,
            self.tools
                .python_tool("openapi-generator-cli")
                .args(["generate", "-i", document.path(), "-g", generator, "-o"])
                .arg(dir)
                .args(extra)
                .current_dir(&self.root),
        )
    }

    /// Starts a fresh mock, writes the scenario's plan into `dir` and runs `scenario` with
    /// the plan's path as its last argument.
    fn run_scenario(&self, dir: &Path, scenario: &mut Command) -> Result<(), String> {
        let mock = Server::mock(
            &self.program,
            &["--job-duration", JOB_DURATION, "--token-lifetime", "3600s"],
            dir,
        )?;
        let plan = plan(&self.root, &mock)?;
        let plan_file = dir.join("plan.json");
        let text = serde_json::to_string_pretty(&plan).map_err(|error| error.to_string())?;
        fs::write(&plan_file, text).map_err(|error| format!("cannot write {}: {error}", plan_file.display()))?;
        let result = bounded(scenario.arg(&plan_file).current_dir(dir));
        drop(mock);
        result
    }

    fn python_scenario(&self, dir: &Path, script: &str) -> Result<(), String> {
        let python_path =
            std::env::join_paths([dir.to_path_buf(), self.scenario("python")]).map_err(|error| error.to_string())?;
        self.run_scenario(
            dir,
            self.tools
                .python_tool("python")
                .arg(self.scenario(&format!("python/{script}")))
                .env("PYTHONPATH", python_path)
                // No `__pycache__` in the scenario's folder of the workspace.
                .env("PYTHONDONTWRITEBYTECODE", "1"),
        )
    }

    fn openapi_python_client(&self) -> Result<(), String> {
        let dir = self.dir("openapi-python-client")?;
        bounded(
            self.tools
                .python_tool("openapi-python-client")
                .args([
                    "generate",
                    "--path",
                    Document::V31.path(),
                    "--meta",
                    "none",
                    "--output-path",
                ])
                .arg(dir.join(PACKAGE))
                .env("PATH", self.venv_path()?)
                .current_dir(&self.root),
        )?;
        self.python_scenario(&dir, "openapi_python_client.py")
    }

    fn openapi_generator_python(&self, document: Document) -> Result<(), String> {
        let dir = self.dir(&format!("openapi-generator-python-{}", document.tag()))?;
        self.openapi_generator(document, "python", &dir, &["--package-name", PACKAGE])?;
        self.python_scenario(&dir, "openapi_generator.py")
    }

    /// Compiles the TypeScript of `dir` (the scenario and what was generated beside it) with
    /// `tsc --strict` into CommonJS, and runs the scenario with Node.
    fn typescript_scenario(&self, dir: &Path, script: &str) -> Result<(), String> {
        for file in ["scenario.ts", script] {
            let source = self.scenario(&format!("typescript/{file}"));
            fs::copy(&source, dir.join(file)).map_err(|error| format!("cannot copy {}: {error}", source.display()))?;
        }
        let modules = self.root.join(self.tools.node_modules());
        // The installed packages live in `.tools/`, not above `dir`: `paths` and `typeRoots`
        // point the compiler there, and `NODE_PATH` Node's `require`.
        let config = json!({
            "compilerOptions": {
                "strict": true,
                "target": "es2022",
                "module": "commonjs",
                "moduleResolution": "node10",
                "lib": ["es2022", "dom"],
                "types": ["node"],
                "typeRoots": [modules.join("@types")],
                "baseUrl": ".",
                "paths": {"*": [modules.join("*")]},
                "outDir": "js",
                "skipLibCheck": false
            },
            "files": [script]
        });
        let config_file = dir.join("tsconfig.json");
        fs::write(
            &config_file,
            serde_json::to_string_pretty(&config).map_err(|error| error.to_string())?,
        )
        .map_err(|error| format!("cannot write {}: {error}", config_file.display()))?;
        bounded(
            Command::new(self.tools.node())
                .arg(modules.join("typescript/bin/tsc"))
                .args(["--project", "tsconfig.json"])
                .current_dir(dir),
        )?;
        let compiled = dir.join("js").join(script.replace(".ts", ".js"));
        self.run_scenario(
            dir,
            Command::new(self.tools.node()).arg(compiled).env("NODE_PATH", &modules),
        )
    }

    fn openapi_fetch(&self) -> Result<(), String> {
        let dir = self.dir("openapi-fetch")?;
        let modules = self.root.join(self.tools.node_modules());
        bounded(
            Command::new(self.tools.node())
                .arg(modules.join("openapi-typescript/bin/cli.js"))
                .arg(Document::V31.path())
                .arg("--output")
                .arg(dir.join("schema.d.ts"))
                .current_dir(&self.root),
        )?;
        self.typescript_scenario(&dir, "openapi_fetch.ts")
    }

    fn typescript_fetch(&self) -> Result<(), String> {
        let dir = self.dir("openapi-generator-typescript-fetch")?;
        self.openapi_generator(
            Document::V31,
            "typescript-fetch",
            &dir.join("client"),
            &["--additional-properties=modelPropertyNaming=original"],
        )?;
        self.typescript_scenario(&dir, "typescript_fetch.ts")
    }

    fn go(&self) -> Result<(), String> {
        let go = go::ensure(&self.root)?;
        let dir = self.dir("openapi-generator-go")?;
        let gopath = dir.join("gopath");
        let client = gopath.join("src").join(go::CLIENT_IMPORT_PATH);
        self.openapi_generator(
            Document::V31,
            "go",
            &client,
            &[
                "--package-name",
                PACKAGE,
                "--git-host",
                "github.com",
                "--git-user-id",
                "cckm-sync",
                "--git-repo-id",
                "client",
            ],
        )?;
        let scenario = gopath.join("src/scenario");
        fs::create_dir_all(&scenario).map_err(|error| format!("cannot create {}: {error}", scenario.display()))?;
        let source = self.scenario("go/main.go");
        fs::copy(&source, scenario.join("main.go"))
            .map_err(|error| format!("cannot copy {}: {error}", source.display()))?;
        let binary = dir.join("scenario");
        bounded(
            go.command(&gopath, &dir.join("cache"))
                .args(["build", "-o"])
                .arg(&binary)
                .arg("scenario"),
        )?;
        self.run_scenario(&dir, &mut Command::new(binary))
    }
}

/// The plan every scenario follows, from the endpoint catalog and the committed 3.1 document:
/// where the mock is, and for each endpoint its operation ids, schema names, scope fields,
/// status texts, the items to start jobs of and what `synchronize_all` selects.
fn plan(root: &Path, mock: &Server) -> Result<Value, String> {
    let document: Value = serde_json::from_str(
        &fs::read_to_string(root.join(cckm_sync_codegen::OPENAPI_31))
            .map_err(|error| format!("cannot read {}: {error}", cckm_sync_codegen::OPENAPI_31))?,
    )
    .map_err(|error| format!("{}: {error}", cckm_sync_codegen::OPENAPI_31))?;
    let schemas = &document["components"]["schemas"];
    let mut endpoints = Vec::new();
    for endpoint in &endpoints::ENDPOINTS {
        let family = endpoint.family;
        let spec = family.spec();
        let names = cckm_sync_codegen::family_schemas(family)?;
        // The two branches of the start body, in the order of its `anyOf`: items, then all.
        let branches: Vec<&str> = schemas[&names.start]["anyOf"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|branch| branch["$ref"].as_str()?.rsplit('/').next())
            .collect();
        let [items, all] = branches[..] else {
            return Err(format!("{} is not an anyOf of two branches", names.start));
        };
        let operations: BTreeMap<&str, String> = Operation::ALL
            .into_iter()
            .map(|operation| (operation.as_str(), cckm_sync_codegen::operation_id(endpoint, operation)))
            .collect();
        // The job's array of the started items: the start request's field, or the family's
        // only scope array (Salesforce jobs list `organization_ids` in `kms`).
        let job_field = match spec.job_scope_fields {
            fields if fields.contains(&spec.start_scope_field) => spec.start_scope_field,
            [only] => only,
            fields => return Err(format!("which of {fields:?} lists the items of a {family} job?")),
        };
        endpoints.push(json!({
            "name": endpoint.name,
            "family": spec.name,
            "paths": {
                "collection": endpoint.path_template(Operation::List),
                "job": endpoint.path_template(Operation::Get),
                "cancel": endpoint.path_template(Operation::Cancel),
            },
            "operations": operations,
            "schemas": {"job": names.job, "page": names.page, "start": names.start, "items": items, "all": all},
            "start_field": spec.start_scope_field,
            // Every field a start body may hold.
            "start_fields": std::iter::once(spec.start_scope_field)
                .chain([endpoints::SYNCHRONIZE_ALL])
                .chain(spec.start_options.iter().copied())
                .collect::<Vec<&str>>(),
            "job_field": job_field,
            "list_filter": spec.list_filter,
            "cloud": family.cloud().as_str(),
            "running": spec.progress.running,
            "item_done": spec.progress.item_done,
            "items": [format!("{}-item", endpoint.name)],
            "inventory": [format!("{}-all-1", spec.name), format!("{}-all-2", spec.name)],
        }));
    }
    let inventory = |name: &str| {
        endpoints
            .iter()
            .find(|endpoint| endpoint["name"] == name)
            .map(|endpoint| endpoint["inventory"].clone())
            .ok_or_else(|| format!("no endpoint {name} in the catalog"))
    };
    // Start bodies as a tool that takes its request from a file has them: written by the
    // model crate, read by the generated model.
    let aws = cckm_sync::AwsStartJob::items(["from-json-kms"])
        .and_then(|job| job.regions(["us-east-1"]))
        .map_err(|error| error.to_string())?;
    let azure = cckm_sync::AzureStartJob::all().take_cloud_key_backup(true);
    let from_json = json!([
        {"endpoint": "aws-keys", "body": to_json(&aws)?, "scope": ["from-json-kms"]},
        {"endpoint": "azure-keys", "body": to_json(&azure)?, "scope": inventory("azure-keys")?},
    ]);
    let base = mock.base();
    Ok(json!({
        "api": mock.url,
        "control": format!("{base}/__mock"),
        "username": "admin",
        "password": "admin",
        "job_duration": JOB_DURATION,
        "missing_id": "00000000-0000-4000-8000-000000000000",
        "not_found": {"code": endpoints::NOT_FOUND.code, "codeDesc": endpoints::NOT_FOUND.code_desc},
        "endpoints": endpoints,
        "from_json": from_json,
    }))
}

fn to_json(value: &impl serde::Serialize) -> Result<String, String> {
    serde_json::to_string(value).map_err(|error| error.to_string())
}

/// Runs `command` (its output to the terminal), killing it if it runs longer than
/// [`STEP_LIMIT`]; fails if it does not succeed.
pub(crate) fn bounded(command: &mut Command) -> Result<(), String> {
    crate::run::bounded(command, STEP_LIMIT)
}

/// [`bounded`], with the output of `command` written to `log`; the lines that warn or report
/// an error are printed, and on failure every line.
fn bounded_logged(log: &Path, command: &mut Command) -> Result<(), String> {
    let file = fs::File::create(log).map_err(|error| format!("cannot create {}: {error}", log.display()))?;
    let copy = file.try_clone().map_err(|error| error.to_string())?;
    let result = bounded(command.stdout(file).stderr(copy));
    let text = fs::read_to_string(log).unwrap_or_default();
    let noteworthy =
        |line: &&str| result.is_err() || line.contains("WARN") || line.contains("ERROR") || line.contains("Exception");
    for line in text.lines().filter(noteworthy) {
        eprintln!("{line}");
    }
    eprintln!("(its whole output: {})", log.display());
    result
}
