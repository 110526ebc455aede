//! The npm package: built with openapi-typescript, tsc and `npm pack`, and tested in a fresh
//! npm project.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::examples::Examples;
use super::files::{
    copy_contract, copy_file, copy_tree, fresh_dir, read_text, remove_matching, replace_line, set_executable,
    symlink_dir, write_text,
};
use super::layout::{NPM_PACKAGE, OPENAPI, PINS_DIR, STAGE_DIR};
use super::options::{Options, Profile};
use super::process::{bounded, without_proxies};
use super::setup::Tools;
use crate::run::{files_ending_with, output, read_json, status};

pub(super) fn build_npm(
    root: &Path,
    tools: &Tools,
    version: &str,
    program: &Path,
    options: &Options,
) -> Result<PathBuf, String> {
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

/// A new npm project with the package and the pinned TypeScript, @types/node and Ajv, where
/// the package's test and the READMEs' examples are checked by `tsc --strict` (module
/// resolution `NodeNext`, then `Bundler`) and run, with a CommonJS test that `require`s it.
pub(super) fn test_npm(
    root: &Path,
    tools: &Tools,
    tarball: &Path,
    examples: &Examples,
    dir: &Path,
) -> Result<(), String> {
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
    // As a Node.js project reads the package (compiled into out/), then as a bundler's does.
    for project in ["tsconfig.json", "tsconfig.bundler.json"] {
        bounded(
            Command::new(&tools.node)
                .arg(dir.join("node_modules/typescript/bin/tsc"))
                .args(["--project", project])
                .current_dir(dir),
        )?;
    }
    let mut node_test = Command::new(&tools.node);
    node_test
        // The compiled tests, and CommonJS code that `require`s the package.
        .args(["--test", "out/", "require.test.cjs"])
        .current_dir(dir)
        .env_remove("CCKM_SYNC_PROGRAM")
        .env_remove("NODE_OPTIONS");
    without_proxies(&mut node_test);
    bounded(&mut node_test)
}
