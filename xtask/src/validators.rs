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

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use cckm_sync_codegen::fixtures;

use crate::run::{Timings, files_ending_with, root, status};
use crate::tools::{Tools, ensure_tools};

/// The generated files, relative to the workspace root.
const OPENAPI_DIR: &str = "openapi";
const SCHEMAS_DIR: &str = "schemas";
const SCHEMA_SUFFIX: &str = ".schema.json";
/// The JavaScript and TypeScript interop check, relative to the workspace root.
const JS_CHECK: &str = "tools/interop/check_javascript.mjs";

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
    let valid_checks = fixture_checks(root, Validity::Valid, false)?;
    let invalid_checks = fixture_checks(root, Validity::Invalid, false)?;

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
            Command::new(tools.node())
                .arg(Path::new("..").join(tools.redocly()))
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

    for (name, instances) in &valid_checks {
        let started = Instant::now();
        let schema = schema_file(name);
        // The schema's `$id` names where the contract's version is published; `--base-uri`
        // resolves its references to the sibling files on disk instead, as a user without
        // network access runs it.
        let absolute = root.join(&schema);
        status(
            tools
                .python_tool("check-jsonschema")
                .arg("--base-uri")
                .arg(format!("file://{}", absolute.display()))
                .arg("--schemafile")
                .arg(&schema)
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

    timings.print("third-party validation passed");
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
fn write_checks(out: &Path, root: &Path, valid: &FixtureChecks, invalid: &FixtureChecks) -> Result<PathBuf, String> {
    let absolute = |checks: &FixtureChecks| -> BTreeMap<String, Vec<String>> {
        checks
            .iter()
            .map(|(name, fixtures)| {
                let fixtures = fixtures
                    .iter()
                    .map(|fixture| root.join(fixture).display().to_string())
                    .collect();
                (name.clone(), fixtures)
            })
            .collect()
    };
    let checks = serde_json::json!({"valid": absolute(valid), "invalid": absolute(invalid)});
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
    let script = root.join(tools.node_dir()).join("check_javascript.mjs");
    fs::copy(&source, &script)
        .map_err(|error| format!("cannot copy {} to {}: {error}", source.display(), script.display()))?;
    status(
        Command::new(tools.node())
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

/// Which fixtures: those every schema must accept, or those it must reject.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Validity {
    Valid,
    Invalid,
}

/// Fixtures (paths relative to the workspace root) by the name of the schema that judges them.
pub(crate) type FixtureChecks = BTreeMap<String, Vec<PathBuf>>;

/// The schema file of the schema `name`, relative to the workspace root.
pub(crate) fn schema_file(name: &str) -> PathBuf {
    Path::new(SCHEMAS_DIR).join(format!("{name}{SCHEMA_SUFFIX}"))
}

/// Each schema with its fixtures of the given validity, from the folders named in the
/// fixtures' README; with `families`, a valid page or job of one known family is also checked
/// against that family's schema. The invalid ones are only those a schema can judge (see
/// [`fixtures::schema_json`]): not a truncated or repeated-key text, which only the parser can
/// refuse. Fails if a folder is empty, a start fixture names no known family, or a schema file
/// is missing.
pub(crate) fn fixture_checks(root: &Path, validity: Validity, families: bool) -> Result<FixtureChecks, String> {
    let fixtures = match validity {
        Validity::Valid => PathBuf::from(fixtures::DIR),
        Validity::Invalid => Path::new(fixtures::DIR).join("invalid"),
    };
    let mut checks = FixtureChecks::new();
    for (folder, _) in fixtures::FOLDERS {
        let names = files_ending_with(&root.join(&fixtures).join(folder), ".json")?;
        if names.is_empty() {
            return Err(format!("no fixtures in {}", fixtures.join(folder).display()));
        }
        for name in names {
            let fixture = fixtures.join(folder).join(&name);
            let bytes =
                fs::read(root.join(&fixture)).map_err(|error| format!("cannot read {}: {error}", fixture.display()))?;
            if validity == Validity::Invalid {
                let judgeable = std::str::from_utf8(&bytes).is_ok_and(|text| fixtures::schema_json(text).is_ok());
                if !judgeable {
                    continue;
                }
            }
            let mut schemas = vec![fixtures::schema_of(folder, &name)?];
            // A valid page or job of one known family is one of that family's too.
            let family = match (families && validity == Validity::Valid, folder) {
                (true, "pages") => cckm_sync::from_slice::<cckm_sync::SyncJobPage>(&bytes)
                    .ok()
                    .and_then(|page| page.family()),
                (true, "jobs") => cckm_sync::from_slice::<cckm_sync::SyncJob>(&bytes)
                    .ok()
                    .and_then(|job| job.family()),
                _ => None,
            };
            if let Some(family) = family {
                let names = cckm_sync_codegen::family_schemas(family)?;
                schemas.push(if folder == "pages" { names.page } else { names.job });
            }
            for schema in schemas {
                checks.entry(schema).or_default().push(fixture.clone());
            }
        }
    }
    for name in checks.keys() {
        if !root.join(schema_file(name)).is_file() {
            return Err(format!(
                "{} is missing (the fixtures are checked against it): run `cargo xtask codegen` first",
                schema_file(name).display()
            ));
        }
    }
    Ok(checks)
}

#[cfg(test)]
mod tests {
    use super::{Validity, fixture_checks};
    use crate::run::root;

    #[test]
    fn fixtures_are_checked_against_their_payload_schema_and_on_request_their_family_schema() {
        let root = root();
        let ends = |checks: &super::FixtureChecks, schema: &str, file: &str| {
            checks
                .get(schema)
                .is_some_and(|fixtures| fixtures.iter().any(|fixture| fixture.ends_with(file)))
        };
        let plain = fixture_checks(&root, Validity::Valid, false).unwrap();
        assert!(ends(&plain, "SyncJobPage", "pages/seed-dsm-refresh-completed.json"));
        assert!(ends(&plain, "AwsStartJob", "start/aws-kms.json"));
        assert!(!plain.contains_key("DsmSyncJobPage"));

        let families = fixture_checks(&root, Validity::Valid, true).unwrap();
        assert!(ends(
            &families,
            "DsmSyncJobPage",
            "pages/seed-dsm-refresh-completed.json"
        ));
        assert!(ends(&families, "GoogleSyncJob", "jobs/seed-google-completed.json"));
        // A page of jobs of several families is no family's.
        assert!(ends(&families, "SyncJobPage", "pages/future-server.json"));
        assert!(
            !families
                .values()
                .flatten()
                .any(|fixture| fixture.ends_with("future-server.json") && !families["SyncJobPage"].contains(fixture))
        );

        // Only the invalid fixtures a schema can judge: not a truncated text.
        let invalid = fixture_checks(&root, Validity::Invalid, true).unwrap();
        assert!(ends(&invalid, "SyncJobPage", "invalid/pages/bad-uuid.json"));
        assert!(
            !invalid
                .values()
                .flatten()
                .any(|fixture| fixture.ends_with("truncated.json"))
        );
    }
}
