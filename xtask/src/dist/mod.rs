//! `cargo xtask dist`: the contract for teams in other languages, as packages they install from
//! their own registries' tools, and an offline API reference. Everything is built from the
//! committed `schemas/` and `openapi/` into `target/dist/`; nothing generated is committed.
//!
//! | file | what | built from |
//! |---|---|---|
//! | `cckm_sync-<version>-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl` | the Python package `cckm-sync`: the `cckm-sync` program, `cckm_sync.MockServer`, the pytest fixture `cckm_mock`, the pydantic models `cckm_sync.models`, the contract's files | `packages/python/` (maturin's `bin` bindings of `crates/cckm-sync-cli`, as ruff and uv ship theirs); models written by `packages/python/generate_models.py` |
//! | `cckm-sync-<version>.tgz` | the npm package `cckm-sync` (`npm pack`): the same program, `MockServer`, `createClient` (openapi-fetch), the openapi-typescript types, the schema files | `packages/npm/`; types from openapi-typescript, compiled by tsc |
//! | `reference/index.html` | one self-contained page: Redoc with its script and the OpenAPI 3.1 document inside; it loads nothing (its Content-Security-Policy forbids it), so it works opened from disk on a site without internet | `packages/reference/index.html` |
//!
//! The version of both packages is the contract's: `info.version` of the committed OpenAPI
//! documents (as PEP 440 for the wheel). Both are for Linux x86_64 with glibc 2.17 or later (the
//! wheel's tag is `manylinux_2_17`, alias manylinux2014): maturin builds the program with zig (the
//! `ziglang` wheel of the lock) as its linker, against glibc 2.17, so that the machines of the
//! teams that install it need not be as new as this one. `cargo xtask dist` builds the program
//! with the release profile, stripped; `--dev` packages the dev-profile build instead.
//!
//! The step of `cargo xtask test` ([`test()`]) builds the packages with `--dev` into
//! `target/xtask/dist-test/`, installs each into a fresh environment where no file of the
//! repository is importable (a new virtual environment; a new npm project), and runs there:
//! `packages/python/tests/` with pytest (the fixture, the models against every fixture, the
//! program), `packages/npm/test/` checked by `tsc --strict` (`NodeNext`, then `Bundler` module
//! resolution) and run with `node --test` (with a CommonJS test that `require`s it), and the
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

mod examples;
mod files;
mod layout;
mod npm;
mod options;
mod process;
mod reference;
mod setup;
mod version;
mod wheel;

use std::fs;
use std::path::PathBuf;
use std::time::Instant;

use crate::run::{Timings, root};
use examples::readme_examples;
use files::{display_path, fresh_dir, size};
use layout::TEST_DIR;
use npm::{build_npm, test_npm};
use options::Profile;
use reference::{build_reference, check_reference};
use setup::{Tools, ensure_tools};
use version::contract_version;
use wheel::{build_wheel, test_python};

pub(crate) use options::Options;

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
