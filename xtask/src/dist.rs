//! `cargo xtask dist`: the contract for teams in other languages, as packages they install from
//! their own registries' tools, and an offline API reference. Everything is built from the
//! committed `schemas/` and `openapi/` into `target/dist/`; nothing generated is committed.
//!
//! | file | what | built from |
//! |---|---|---|
//! | `cckm_sync-<version>-py3-none-<platform>.whl` | the Python package `cckm-sync`: the `cckm-sync` program, `cckm_sync.MockServer`, the pytest fixture `cckm_mock`, the pydantic models `cckm_sync.models`, the contract's files | `packages/python/` (maturin's `bin` bindings of `crates/cckm-sync-cli`, as ruff and uv ship theirs); models written by `packages/python/generate_models.py` |
//! | `cckm-sync-<version>.tgz` | the npm package `cckm-sync` (`npm pack`): the same program, `MockServer`, `createClient` (openapi-fetch), the openapi-typescript types, the schema files | `packages/npm/`; types from openapi-typescript, compiled by tsc |
//! | `reference/index.html` | one self-contained page: Redoc with its script and the OpenAPI 3.1 document inside; it loads nothing (its Content-Security-Policy forbids it), so it works opened from disk on a site without internet | `packages/reference/index.html` |
//!
//! The version of both packages is the contract's: `info.version` of the committed OpenAPI
//! documents (as PEP 440 for the wheel). Both are for this machine's platform (Linux x86_64).
//! `cargo xtask dist` builds the program with the release profile, stripped; `--dev` packages
//! the dev-profile build instead, which `cargo xtask test` has built already.
//!
//! The step of `cargo xtask test` ([`test()`]) builds the packages with `--dev` into
//! `target/xtask/dist-test/`, installs each into a fresh environment where no file of the
//! repository is importable (a new virtual environment; a new npm project), and runs there:
//! `packages/python/tests/` with pytest (the fixture, the models against every fixture, the
//! program), `packages/npm/test/` checked by `tsc --strict` and run with `node --test`, and the
//! Python and TypeScript examples of the READMEs (the root README's "From other languages" and
//! each package's README) as tests of their own. Then it opens the reference in headless
//! Chromium (Debian's `chromium`, installed with apt when missing) and checks that every
//! operation renders and that the page made no network request
//! (`packages/reference/check.mjs`).
//!
//! The tools are pinned under `tools/dist/` and installed into the ignored `.tools/dist/`, each
//! part again only when its lock file changes: maturin (`requirements.txt`) into a virtual
//! environment; openapi-typescript, TypeScript, Redoc, playwright-core and what the package's
//! test installs (`package.json`, `package-lock.json`) with `npm ci`; and the wheels of the
//! test environment (`test-requirements.txt`: pytest, pydantic), downloaded once so that each
//! fresh environment installs offline.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::run::{Timings, files_ending_with, output, read_json, root, status};
use crate::tools::{self, Part, env_or};
use crate::validators::{Validity, fixture_checks};

/// Where `cargo xtask dist` writes, relative to the workspace root.
const DIST_DIR: &str = "target/dist";
/// Where the packages are staged before they are built.
const STAGE_DIR: &str = "target/xtask/dist";
/// Where the test step builds, installs and runs the packages.
const TEST_DIR: &str = "target/xtask/dist-test";
/// The pinned tools, and where they are installed.
const PINS_DIR: &str = "tools/dist";
const TOOLS_DIR: &str = ".tools/dist";
/// The committed contract.
const OPENAPI: &str = "openapi/cckm-sync.openapi.json";
const OPENAPI_30: &str = "openapi/cckm-sync.openapi-3.0.json";
const SCHEMAS_DIR: &str = "schemas";
const SCHEMA_SUFFIX: &str = ".schema.json";
/// The sources of the packages and of the reference.
const PYTHON_PACKAGE: &str = "packages/python";
const NPM_PACKAGE: &str = "packages/npm";
const REFERENCE: &str = "packages/reference";
/// The longest any one program run here may take.
const STEP_LIMIT: Duration = Duration::from_secs(15 * 60);
/// The one address Redoc's bundle fetches: Redocly's logo beside the sidebar's attribution.
const REDOC_LOGO: &str = "https://cdn.redoc.ly/redoc/logo-mini.svg";
/// What it is replaced with: an empty image, in the page.
const EMPTY_IMAGE: &str = "data:image/svg+xml,%3Csvg%20xmlns='http://www.w3.org/2000/svg'/%3E";

pub(crate) const USAGE: &str = "usage: cargo xtask dist [--dev] [--out DIR] | dist --test

Builds into target/dist/ (or DIR) the Python wheel and the npm package (`npm pack`) of the
contract, with the `cckm-sync` program inside, for this machine's platform, and the offline API
reference (reference/index.html).

  --dev      package the dev-profile program (what `cargo build` builds) instead of a
             stripped release build: quicker, larger; what `cargo xtask test` does
  --out DIR  write there instead of target/dist/
  --test     the step of `cargo xtask test` alone: build with --dev into target/xtask/dist-test/,
             install each package into a fresh environment and run its tests there, and check
             the reference in headless Chromium";

/// Which build of the program the packages hold.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Profile {
    Release,
    Dev,
}

/// What `cargo xtask dist` was asked.
pub(crate) struct Options {
    profile: Profile,
    out: PathBuf,
    /// `--test`: [`test()`] instead.
    test: bool,
}

impl Options {
    /// Reads the command line of `cargo xtask dist`.
    pub(crate) fn parse(args: &[String]) -> Result<Self, String> {
        let mut options = Self {
            profile: Profile::Release,
            out: root().join(DIST_DIR),
            test: false,
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--dev" => options.profile = Profile::Dev,
                "--test" => options.test = true,
                "--out" => {
                    let dir = args.next().ok_or("--out needs a folder")?;
                    options.out = std::env::current_dir().map_err(|error| error.to_string())?.join(dir);
                }
                other => return Err(format!("unexpected argument {other:?}")),
            }
        }
        if options.test && args_given_besides_test(&options) {
            return Err("--test takes no other option".to_owned());
        }
        Ok(options)
    }
}

fn args_given_besides_test(options: &Options) -> bool {
    options.profile != Profile::Release || options.out != root().join(DIST_DIR)
}

/// What [`build`] built.
struct Built {
    wheel: PathBuf,
    tarball: PathBuf,
    reference: PathBuf,
}

/// `cargo xtask dist`.
pub(crate) fn run_alone(options: &Options) -> Result<(), String> {
    if options.test {
        return test();
    }
    let mut timings = Timings::default();
    let tools = ensure_tools(&root(), &mut timings)?;
    let built = build(&tools, options, &mut timings)?;
    timings.print("cargo xtask dist: done");
    for file in [&built.wheel, &built.tarball, &built.reference] {
        println!("{} ({})", display_path(file), size(file)?);
    }
    Ok(())
}

/// The step of `cargo xtask test`: the packages built (`--dev`), installed into fresh
/// environments and tested there, and the reference checked in Chromium.
pub(crate) fn test() -> Result<(), String> {
    let root = root();
    let mut timings = Timings::default();
    let tools = ensure_tools(&root, &mut timings)?;
    let test_dir = root.join(TEST_DIR);
    fresh_dir(&test_dir)?;
    let options = Options {
        profile: Profile::Dev,
        out: test_dir.join("out"),
        test: false,
    };
    let built = build(&tools, &options, &mut timings)?;
    let examples = readme_examples(&root)?;

    let step = Instant::now();
    test_python(&root, &tools, &built.wheel, &examples, &test_dir.join("python"))?;
    timings.push("Python package: fresh venv, install, pytest", step);

    let step = Instant::now();
    test_npm(&root, &tools, &built.tarball, &examples, &test_dir.join("node"))?;
    timings.push("npm package: fresh project, install, tsc --strict, node --test", step);

    let step = Instant::now();
    check_reference(&root, &tools, &built.reference, &test_dir.join("reference"))?;
    timings.push("reference in headless Chromium", step);

    timings.print("the packages and the reference: done");
    Ok(())
}

fn build(tools: &Tools, options: &Options, timings: &mut Timings) -> Result<Built, String> {
    let root = root();
    let version = contract_version(&root)?;
    eprintln!("contract version {version}");
    fs::create_dir_all(&options.out).map_err(|error| format!("cannot create {}: {error}", options.out.display()))?;

    let step = Instant::now();
    let (wheel, program) = build_wheel(&root, tools, &version, options)?;
    timings.push("wheel (maturin, with the cargo build)", step);

    let step = Instant::now();
    let tarball = build_npm(&root, tools, &version, &program, options)?;
    timings.push("npm package (openapi-typescript, tsc, npm pack)", step);

    let step = Instant::now();
    let reference = build_reference(&root, tools, &options.out)?;
    timings.push("reference", step);
    Ok(Built {
        wheel,
        tarball,
        reference,
    })
}

// --- the contract's version ------------------------------------------------------------------

/// `info.version` of the OpenAPI documents, which must agree.
fn contract_version(root: &Path) -> Result<String, String> {
    let mut versions = Vec::new();
    for file in [OPENAPI, OPENAPI_30] {
        let document = read_json(&root.join(file))?;
        let version = document
            .pointer("/info/version")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{file} has no info.version"))?
            .to_owned();
        versions.push(version);
    }
    if versions[0] != versions[1] {
        return Err(format!(
            "{OPENAPI} says version {} and {OPENAPI_30} {}: run `cargo xtask codegen`",
            versions[0], versions[1]
        ));
    }
    Ok(versions.swap_remove(0))
}

/// A semantic version as PEP 440 writes it: `0.3.0-rc.1` → `0.3.0rc1`.
fn python_version(version: &str) -> Result<String, String> {
    let parsed = semver::Version::parse(version).map_err(|error| format!("contract version {version:?}: {error}"))?;
    let release = format!("{}.{}.{}", parsed.major, parsed.minor, parsed.patch);
    if !parsed.build.is_empty() {
        return Err(format!(
            "contract version {version:?}: build metadata has no PEP 440 form"
        ));
    }
    if parsed.pre.is_empty() {
        return Ok(release);
    }
    let (kind, number) = parsed
        .pre
        .as_str()
        .split_once('.')
        .ok_or_else(|| format!("contract version {version:?}: a pre-release is `alpha.N`, `beta.N` or `rc.N`"))?;
    let kind = match kind {
        "alpha" => "a",
        "beta" => "b",
        "rc" => "rc",
        _ => {
            return Err(format!(
                "contract version {version:?}: a pre-release is `alpha.N`, `beta.N` or `rc.N`"
            ));
        }
    };
    let number: u64 = number
        .parse()
        .map_err(|_| format!("contract version {version:?}: a pre-release is `alpha.N`, `beta.N` or `rc.N`"))?;
    Ok(format!("{release}{kind}{number}"))
}

// --- the Python wheel ------------------------------------------------------------------------

/// Builds the wheel with maturin from a copy of `packages/python/` completed with what is
/// generated; returns it and the program maturin built into it.
fn build_wheel(root: &Path, tools: &Tools, version: &str, options: &Options) -> Result<(PathBuf, PathBuf), String> {
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
        .current_dir(&stage);
    match options.profile {
        Profile::Release => maturin.args(["--release", "--strip"]),
        // The same cargo invocation as `cargo build -p cckm-sync-cli`: nothing is rebuilt.
        Profile::Dev => maturin.args(["--profile", "dev"]),
    };
    bounded(&mut maturin)?;
    let wheel = only_file(&wheels, "cckm_sync-", ".whl")?;
    remove_matching(&options.out, "cckm_sync-", ".whl")?;
    let target = options.out.join(wheel.file_name().unwrap_or_default());
    fs::rename(&wheel, &target)
        .map_err(|error| format!("cannot move {} to {}: {error}", wheel.display(), target.display()))?;

    let target_dir = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let program = target_dir
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

// --- the npm package -------------------------------------------------------------------------

fn build_npm(root: &Path, tools: &Tools, version: &str, program: &Path, options: &Options) -> Result<PathBuf, String> {
    let stage = root.join(STAGE_DIR).join("npm");
    fresh_dir(&stage)?;
    let package = root.join(NPM_PACKAGE);
    for entry in ["package.json", "tsconfig.json", "README.md", "src"] {
        copy_tree(&package.join(entry), &stage.join(entry))?;
    }
    for licence in ["LICENSE-MIT", "LICENSE-APACHE"] {
        copy_file(&root.join(licence), &stage.join(licence))?;
    }
    // A type per schema, named after it (`AwsSyncJob`), besides `paths` and `components`.
    status(
        Command::new(&tools.node)
            .arg(tools.node_modules.join("openapi-typescript/bin/cli.js"))
            .arg(root.join(OPENAPI))
            .arg("--output")
            .arg(stage.join("src/schema.d.ts"))
            .args([
                "--root-types",
                "--root-types-no-schema-prefix",
                "--root-types-keep-casing",
            ]),
    )?;
    // tsc finds openapi-fetch and @types/node as a package's build would, in node_modules.
    symlink_dir(&tools.node_modules, &stage.join("node_modules"))?;
    bounded(
        Command::new(&tools.node)
            .arg(tools.node_modules.join("typescript/bin/tsc"))
            .args(["--project", "tsconfig.json"])
            .current_dir(&stage),
    )?;
    fs::remove_file(stage.join("node_modules"))
        .map_err(|error| format!("cannot remove the link to node_modules: {error}"))?;
    // tsc copies no declaration file: the generated types go beside the compiled ones.
    copy_file(&stage.join("src/schema.d.ts"), &stage.join("dist/schema.d.ts"))?;
    copy_contract(root, &stage)?;

    let bin = stage
        .join("bin")
        .join(format!("cckm-sync{}", std::env::consts::EXE_SUFFIX));
    copy_file(program, &bin)?;
    if options.profile == Profile::Dev {
        // The dev build carries hundreds of megabytes of debug information, which `npm pack`
        // would take many seconds to compress; a release build is stripped already.
        let _ = Command::new("strip").arg("--strip-debug").arg(&bin).status();
    }
    set_executable(&bin)?;

    let manifest = read_text(&stage.join("package.json"))?;
    let name_line = "  \"name\": \"cckm-sync\",";
    let manifest = replace_line(
        &manifest,
        name_line,
        &format!("{name_line}\n  \"version\": \"{version}\","),
    )?;
    write_text(&stage.join("package.json"), &manifest)?;

    remove_matching(&options.out, "cckm-sync-", ".tgz")?;
    let packed = output(
        Command::new(&tools.npm)
            .args(["pack", "--json", "--pack-destination"])
            .arg(&options.out)
            .current_dir(&stage),
    )?;
    let packed: Value = serde_json::from_str(&packed).map_err(|error| format!("npm pack --json: {error}"))?;
    let file = packed
        .pointer("/0/filename")
        .and_then(Value::as_str)
        .ok_or("npm pack --json named no file")?;
    Ok(options.out.join(file))
}

// --- the reference ---------------------------------------------------------------------------

/// `reference/index.html`: the template with Redoc's standalone script and the OpenAPI 3.1
/// document inside.
fn build_reference(root: &Path, tools: &Tools, out: &Path) -> Result<PathBuf, String> {
    let template = read_text(&root.join(REFERENCE).join("index.html"))?;
    let bundle_file = tools.node_modules.join("redoc/bundles/redoc.standalone.js");
    let bundle = read_text(&bundle_file)?;
    if bundle.matches(REDOC_LOGO).count() != 1 {
        return Err(format!(
            "{} no longer holds its logo's address once: check what it fetches before changing tools/dist/package.json",
            bundle_file.display()
        ));
    }
    let bundle = bundle.replace(REDOC_LOGO, EMPTY_IMAGE);
    if bundle.contains("</script") {
        return Err(format!(
            "{} holds `</script`, which would end its inline script",
            bundle_file.display()
        ));
    }
    let text = read_text(&root.join(OPENAPI))?;
    let document: Value = serde_json::from_str(&text).map_err(|error| format!("{OPENAPI}: {error}"))?;
    let title = document
        .pointer("/info/title")
        .and_then(Value::as_str)
        .unwrap_or("API reference");
    // Inside a <script> element, `</` could end it; in JSON text `<\/` is the same string.
    let inline_document = text.replace("</", "<\\/");
    let mut page = template;
    for (marker, value) in [
        ("@@TITLE@@", html_escape(title)),
        ("@@REDOC@@", bundle),
        ("@@OPENAPI@@", inline_document),
    ] {
        if page.matches(marker).count() != 1 {
            return Err(format!("{REFERENCE}/index.html must hold {marker} once"));
        }
        page = page.replace(marker, &value);
    }
    let dir = out.join("reference");
    fs::create_dir_all(&dir).map_err(|error| format!("cannot create {}: {error}", dir.display()))?;
    let file = dir.join("index.html");
    write_text(&file, &page)?;
    Ok(file)
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

// --- the tests of the packages ---------------------------------------------------------------

/// The code blocks of the READMEs that are tests: the ```python and ```ts blocks of the root
/// README's "From other languages" and of each package's README.
struct Examples {
    python: Vec<(String, String)>,
    typescript: Vec<(String, String)>,
}

fn readme_examples(root: &Path) -> Result<Examples, String> {
    let mut examples = Examples {
        python: Vec::new(),
        typescript: Vec::new(),
    };
    let sources = [
        (
            "readme",
            section(&read_text(&root.join("README.md"))?, "From other languages")?,
        ),
        (
            "python_readme",
            read_text(&root.join(PYTHON_PACKAGE).join("README.md"))?,
        ),
        ("npm_readme", read_text(&root.join(NPM_PACKAGE).join("README.md"))?),
    ];
    for (name, text) in &sources {
        for (index, (language, code)) in code_blocks(text).into_iter().enumerate() {
            match language.as_str() {
                "python" => examples.python.push((format!("test_{name}_{index}.py"), code)),
                "ts" | "typescript" => examples.typescript.push((format!("{name}_{index}.test.ts"), code)),
                _ => {}
            }
        }
    }
    if examples.python.len() < 2 || examples.typescript.len() < 2 {
        return Err("the README and the packages' READMEs must show a Python and a TypeScript test each".to_owned());
    }
    Ok(examples)
}

/// The part of a Markdown text under the heading that holds `title`, up to the next heading of
/// its level or above.
fn section(text: &str, title: &str) -> Result<String, String> {
    let mut lines = text.lines();
    let level = lines
        .by_ref()
        .find_map(|line| {
            let level = line.chars().take_while(|c| *c == '#').count();
            (level > 0 && line.contains(title)).then_some(level)
        })
        .ok_or_else(|| format!("README.md has no heading {title:?}"))?;
    let mut kept = Vec::new();
    let mut fenced = false;
    for line in lines {
        if line.starts_with("```") {
            fenced = !fenced;
        }
        let heading = line.chars().take_while(|c| *c == '#').count();
        if !fenced && heading > 0 && heading <= level && line[heading..].starts_with(' ') {
            break;
        }
        kept.push(line);
    }
    Ok(kept.join("\n"))
}

/// The fenced code blocks of a Markdown text: their language and text.
fn code_blocks(text: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(String, Vec<&str>)> = None;
    for line in text.lines() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(info)) => current = Some((info.trim().to_owned(), Vec::new())),
            (Some(_), Some(rest)) if rest.trim().is_empty() => {
                if let Some((language, lines)) = current.take() {
                    blocks.push((language, lines.join("\n") + "\n"));
                }
            }
            (Some((_, lines)), _) => lines.push(line),
            (None, None) => {}
        }
    }
    blocks
}

/// A new virtual environment with the test requirements and the wheel (all offline), and
/// pytest run there on the package's tests and the READMEs' examples.
fn test_python(root: &Path, tools: &Tools, wheel: &Path, examples: &Examples, dir: &Path) -> Result<(), String> {
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
    pip(Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-input",
            "--no-index",
            "--find-links",
        ])
        .arg(&wheels)
        .args(["--require-hashes", "--only-binary=:all:", "-r"])
        .arg(root.join(PINS_DIR).join("test-requirements.txt")))?;
    // Offline: the wheel's requirements must be met by what is installed.
    pip(Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-input",
            "--no-index",
            "--find-links",
        ])
        .arg(&wheels)
        .arg(wheel))?;
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

/// A new npm project with the package and the pinned TypeScript, @types/node and Ajv, where
/// the package's test and the READMEs' examples are checked by `tsc --strict` and run.
fn test_npm(root: &Path, tools: &Tools, tarball: &Path, examples: &Examples, dir: &Path) -> Result<(), String> {
    fresh_dir(dir)?;
    write_text(
        &dir.join("package.json"),
        "{\n  \"name\": \"cckm-sync-consumer\",\n  \"private\": true,\n  \"type\": \"module\"\n}\n",
    )?;
    let pins = read_json(&root.join(PINS_DIR).join("package.json"))?;
    let mut install = Command::new(&tools.npm);
    install
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--ignore-scripts",
            "--prefer-offline",
            "--no-update-notifier",
        ])
        .arg(tarball)
        .current_dir(dir);
    for name in ["typescript", "@types/node", "ajv", "ajv-formats"] {
        let version = pins
            .pointer(&format!("/dependencies/{}", name.replace('/', "~1")))
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{PINS_DIR}/package.json pins no {name}"))?;
        install.arg(format!("{name}@{version}"));
    }
    bounded(&mut install)?;

    let sources = root.join(NPM_PACKAGE).join("test");
    for file in files_ending_with(&sources, "")? {
        copy_file(&sources.join(&file), &dir.join(&file))?;
    }
    for (name, code) in &examples.typescript {
        write_text(&dir.join(name), code)?;
    }
    bounded(
        Command::new(&tools.node)
            .arg(dir.join("node_modules/typescript/bin/tsc"))
            .args(["--project", "tsconfig.json"])
            .current_dir(dir),
    )?;
    let mut node_test = Command::new(&tools.node);
    node_test
        .args(["--test", "out/"])
        .current_dir(dir)
        .env_remove("CCKM_SYNC_PROGRAM")
        .env_remove("NODE_OPTIONS");
    without_proxies(&mut node_test);
    bounded(&mut node_test)
}

/// The reference in headless Chromium: every operation renders, no request leaves the page;
/// screenshots into `dir`.
fn check_reference(root: &Path, tools: &Tools, page: &Path, dir: &Path) -> Result<(), String> {
    fresh_dir(dir)?;
    let chromium = ensure_chromium()?;
    // Node resolves the script's imports from its own folder: it runs beside node_modules.
    let script = tools
        .node_modules
        .parent()
        .unwrap_or(&tools.node_modules)
        .join("check-reference.mjs");
    copy_file(&root.join(REFERENCE).join("check.mjs"), &script)?;
    let mut check = Command::new(&tools.node);
    check
        .arg(&script)
        .arg(page)
        .arg(root.join(OPENAPI))
        .arg(dir)
        .env("CHROMIUM", &chromium);
    without_proxies(&mut check);
    bounded(&mut check)
}

/// `{"schemas": [names], "valid": {schema: [fixture, …]}, "invalid": {…}}` for the models'
/// tests: each fixture with the schema of its payload (pages also with their family's page,
/// jobs with their family's job), the invalid ones only where a JSON Schema can judge them.
fn models_checks(root: &Path) -> Result<String, String> {
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

/// Calls to 127.0.0.1 must not go through a proxy of the environment.
fn without_proxies(command: &mut Command) {
    for name in [
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
    ] {
        command.env_remove(name);
    }
    command
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost");
}

// --- tools -----------------------------------------------------------------------------------

/// The installed tools.
struct Tools {
    /// The Python that makes fresh virtual environments.
    system_python: PathBuf,
    /// The Python of `.tools/dist/venv`, and its maturin.
    python: PathBuf,
    maturin: PathBuf,
    node: PathBuf,
    npm: PathBuf,
    /// `.tools/dist/node/node_modules`.
    node_modules: PathBuf,
}

fn ensure_tools(root: &Path, timings: &mut Timings) -> Result<Tools, String> {
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
fn ensure_test_wheels(root: &Path, tools: &Tools) -> Result<PathBuf, String> {
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
fn ensure_chromium() -> Result<PathBuf, String> {
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

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

// --- running ---------------------------------------------------------------------------------

/// Runs `command` (its output to the terminal), killing it after [`STEP_LIMIT`]; fails if it
/// does not succeed.
fn bounded(command: &mut Command) -> Result<(), String> {
    crate::run::bounded(command, STEP_LIMIT)
}

// --- files -----------------------------------------------------------------------------------

/// Copies the contract's files into `dir/schemas/` and `dir/openapi/`.
fn copy_contract(root: &Path, dir: &Path) -> Result<(), String> {
    for name in files_ending_with(&root.join(SCHEMAS_DIR), SCHEMA_SUFFIX)? {
        copy_file(&root.join(SCHEMAS_DIR).join(&name), &dir.join(SCHEMAS_DIR).join(&name))?;
    }
    for file in [OPENAPI, OPENAPI_30] {
        copy_file(&root.join(file), &dir.join(file))?;
    }
    Ok(())
}

fn fresh_dir(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(|error| format!("cannot remove {}: {error}", dir.display()))?;
    }
    fs::create_dir_all(dir).map_err(|error| format!("cannot create {}: {error}", dir.display()))
}

fn copy_file(from: &Path, to: &Path) -> Result<(), String> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent).map_err(|error| format!("cannot create {}: {error}", parent.display()))?;
    }
    fs::copy(from, to)
        .map(|_| ())
        .map_err(|error| format!("cannot copy {} to {}: {error}", from.display(), to.display()))
}

/// Copies a file, or a folder and everything under it.
fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
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
fn symlink_dir(target: &Path, link: &Path) -> Result<(), String> {
    std::os::unix::fs::symlink(target, link)
        .map_err(|error| format!("cannot link {} to {}: {error}", link.display(), target.display()))
}

#[cfg(not(unix))]
fn symlink_dir(target: &Path, link: &Path) -> Result<(), String> {
    copy_tree(target, link)
}

#[cfg(unix)]
fn set_executable(file: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt as _;
    fs::set_permissions(file, fs::Permissions::from_mode(0o755))
        .map_err(|error| format!("cannot make {} executable: {error}", file.display()))
}

#[cfg(not(unix))]
fn set_executable(_file: &Path) -> Result<(), String> {
    Ok(())
}

/// The one file of `dir` named `<prefix>…<suffix>`.
fn only_file(dir: &Path, prefix: &str, suffix: &str) -> Result<PathBuf, String> {
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
fn remove_matching(dir: &Path, prefix: &str, suffix: &str) -> Result<(), String> {
    for name in files_ending_with(dir, suffix)? {
        if name.starts_with(prefix) {
            let file = dir.join(name);
            fs::remove_file(&file).map_err(|error| format!("cannot remove {}: {error}", file.display()))?;
        }
    }
    Ok(())
}

fn read_text(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|error| format!("cannot read {}: {error}", path.display()))
}

fn write_text(path: &Path, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|error| format!("cannot write {}: {error}", path.display()))
}

/// `text` with its line `line` replaced by `with`; an error if there is not exactly one.
fn replace_line(text: &str, line: &str, with: &str) -> Result<String, String> {
    replace_matching(text, |candidate| candidate == line, with, line)
}

fn replace_line_starting(text: &str, start: &str, with: &str) -> Result<String, String> {
    replace_matching(text, |candidate| candidate.starts_with(start), with, start)
}

fn replace_matching(text: &str, matches: impl Fn(&str) -> bool, with: &str, what: &str) -> Result<String, String> {
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
fn toml_string(path: &Path) -> Result<String, String> {
    let text = path
        .to_str()
        .ok_or_else(|| format!("{} is not UTF-8", path.display()))?;
    serde_json::to_string(text).map_err(|error| error.to_string())
}

/// `path` relative to the workspace root when it is under it.
fn display_path(path: &Path) -> String {
    let root = root();
    path.strip_prefix(&root).unwrap_or(path).display().to_string()
}

fn size(path: &Path) -> Result<String, String> {
    let bytes = fs::metadata(path)
        .map_err(|error| format!("cannot read {}: {error}", path.display()))?
        .len();
    #[allow(clippy::cast_precision_loss, reason = "a size shown to a tenth of a megabyte")]
    let megabytes = bytes as f64 / 1_000_000.0;
    Ok(format!("{megabytes:.1} MB"))
}

#[cfg(test)]
mod tests {
    use super::{code_blocks, python_version, replace_line, section};

    #[test]
    fn contract_versions_read_as_pep_440() {
        assert_eq!(python_version("0.2.0").as_deref(), Ok("0.2.0"));
        assert_eq!(python_version("0.3.0-rc.1").as_deref(), Ok("0.3.0rc1"));
        assert_eq!(python_version("1.0.0-alpha.2").as_deref(), Ok("1.0.0a2"));
        assert!(python_version("1.0.0-preview").is_err());
        assert!(python_version("1.0.0+build.5").is_err());
        assert!(python_version("1.0").is_err());
    }

    #[test]
    fn readme_sections_end_at_the_next_heading_of_their_level() {
        let text =
            "# A\n## B\nb\n### From other languages\n```sh\n# a comment\n```\nkept\n#### deeper\nkept too\n## C\nc\n";
        assert_eq!(
            section(text, "From other languages").as_deref(),
            Ok("```sh\n# a comment\n```\nkept\n#### deeper\nkept too")
        );
        assert!(section(text, "Nowhere").is_err());
    }

    #[test]
    fn code_blocks_keep_their_language() {
        let text = "a\n```python\nimport x\n```\n```ts\nlet a = 1;\n\nlet b = 2;\n```\n";
        assert_eq!(
            code_blocks(text),
            vec![
                ("python".to_owned(), "import x\n".to_owned()),
                ("ts".to_owned(), "let a = 1;\n\nlet b = 2;\n".to_owned())
            ]
        );
    }

    #[test]
    fn a_line_is_replaced_once() {
        assert_eq!(replace_line("a\nb\nc", "b", "x").as_deref(), Ok("a\nx\nc\n"));
        assert!(replace_line("a\nb\nb", "b", "x").is_err());
        assert!(replace_line("a", "b", "x").is_err());
    }
}
