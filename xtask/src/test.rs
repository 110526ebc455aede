//! `cargo xtask test`: every check that must pass before a change lands: the generated files
//! are fresh, every test passes with snapshots in check mode, the serde-only build passes and
//! stays light, the compatibility gate passes (the contract and the crates against their last
//! release, the packages built and run), the third-party validators accept the generated
//! contract, clients generated from it in Python, TypeScript and Go run their scenario against
//! `cckm-sync mock`, the Python and npm packages pass their tests where they are installed, and
//! a short smoke run of every fuzz target breaks no oracle.

use crate::run::{cargo, output, status};

pub(crate) fn run() -> Result<(), String> {
    // Stale generated files first: the message says how to fix them.
    crate::codegen::check()?;
    // The progress view of `cckm-sync jobs --wait` is checked in a real terminal.
    ensure_tmux()?;
    // Snapshots are checked, never written: a new or changed snapshot fails the run until it
    // is reviewed (`cargo insta review`, or INSTA_UPDATE=always and a read of the diff).
    status(
        cargo(&["test", "--workspace", "--all-features", "--locked"])
            .env("INSTA_UPDATE", "no")
            .env("INSTA_FORCE_PASS", "0"),
    )?;
    // The serde-only build that most users compile.
    status(cargo(&["test", "-p", "cckm-sync", "--no-default-features", "--locked"]).env("INSTA_UPDATE", "no"))?;
    check_light_dependencies()?;
    eprintln!("$ the compatibility gate (VERSIONING.md)");
    crate::release::gate().map(drop)?;
    let tools = crate::validators::run()?;
    crate::clients::run(&tools)?;
    // The vendor's own Python client against the mock.
    crate::sdk::run()?;
    // The Python and npm packages, installed into fresh environments and tested there, and the
    // offline reference in headless Chromium (`cargo xtask dist`).
    crate::dist::test()?;
    // A few seconds per target from the seeds alone, with a fixed random seed: the same inputs
    // on every run. Longer runs are `cargo xtask fuzz`'s.
    eprintln!("$ cargo xtask fuzz --smoke");
    crate::fuzz::run(&crate::fuzz::Options::smoke())
}

/// tmux, for the test that reads the progress view in a terminal of 24 rows and 80 columns
/// (`crates/cckm-sync-cli/tests/terminal.rs`); installed with apt when missing and possible,
/// as `cargo xtask bench-mock` installs `wrk`.
fn ensure_tmux() -> Result<(), String> {
    let found = || {
        std::env::var_os("PATH")
            .into_iter()
            .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
            .any(|dir| dir.join("tmux").is_file())
    };
    if found() {
        return Ok(());
    }
    if std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()).any(|dir| dir.join("apt-get").is_file()) {
        eprintln!("installing tmux with apt-get");
        status(std::process::Command::new("apt-get").args(["update", "-qq"]))?;
        status(
            std::process::Command::new("apt-get")
                .args(["install", "-y", "-qq", "--no-install-recommends", "tmux"])
                .env("DEBIAN_FRONTEND", "noninteractive"),
        )?;
    }
    if found() {
        Ok(())
    } else {
        Err(
            "tmux is needed by the terminal test of `cckm-sync jobs`: install it (Debian: apt-get install tmux)"
                .to_owned(),
        )
    }
}

/// A user who only parses payloads must not compile the schema machinery.
fn check_light_dependencies() -> Result<(), String> {
    let tree = output(&mut cargo(&[
        "tree",
        "-p",
        "cckm-sync",
        "-e",
        "normal",
        "--prefix",
        "none",
        "--locked",
    ]))?;
    let heavy: Vec<&str> = tree
        .lines()
        .filter(|line| {
            ["schemars", "utoipa"]
                .iter()
                .any(|name| line.starts_with(&format!("{name} ")))
        })
        .collect();
    if heavy.is_empty() {
        eprintln!("cckm-sync with default features depends on neither schemars nor utoipa");
        Ok(())
    } else {
        Err(format!(
            "cckm-sync with default features depends on {}; keep them behind the `schemars` feature",
            heavy.join(", ")
        ))
    }
}
