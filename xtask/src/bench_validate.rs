//! `cargo xtask bench-validate`: `cckm-sync validate` against `check-jsonschema` (the pinned
//! one of `tools/`, installed into `.tools/` as `cargo xtask test` does) on the same files: a
//! page of 10,000 jobs, and a folder of 1,000 recorded responses (700 jobs, 300 pages of 10
//! jobs). validate does more (the crate's parser as well as the schema, drift),
//! check-jsonschema the schema alone, with formats checked like validate's.
//!
//! Not part of `cargo xtask test`: the figures depend on the machine and what else runs; they
//! are printed as absolute times and as ratios.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::bench_mock::{aws_jobs, page_of, write};
use crate::run::root;
use crate::server::build_cckm_sync;

/// Runs of each `validate` measurement; the fastest counts (check-jsonschema runs once: it
/// is the slow one, and its first run is not favoured by a warm cache any less).
const RUNS: usize = 3;

/// Runs `command` `runs` times, failing unless it succeeds; the fastest time.
fn time(command: &mut Command, runs: usize) -> Result<Duration, String> {
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let started = Instant::now();
        let output = command
            .output()
            .map_err(|error| format!("cannot run {:?}: {error}", command.get_program()))?;
        let elapsed = started.elapsed();
        if !output.status.success() {
            return Err(format!(
                "{:?} failed ({}):\n{}{}",
                command.get_program(),
                output.status,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        best = best.min(elapsed);
    }
    Ok(best)
}

pub(crate) fn run() -> Result<(), String> {
    let root = root();
    let tools = crate::tools::ensure_tools(&root)?;
    let program = build_cckm_sync(true)?;
    let dir = root.join("target/bench-validate");
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(|error| format!("{}: {error}", dir.display()))?;
    }
    let recorded = dir.join("recorded");
    let (jobs_dir, pages_dir) = (recorded.join("jobs"), recorded.join("pages"));
    for folder in [&jobs_dir, &pages_dir] {
        std::fs::create_dir_all(folder).map_err(|error| format!("{}: {error}", folder.display()))?;
    }
    let big_page = dir.join("page-10000-jobs.json");
    write(
        &big_page,
        &page_of(&aws_jobs(10_000, 0x0ea5_d52e_387c_44fa_b079_0000_0000_0000)?),
    )?;
    let mut job_files = Vec::new();
    for (index, job) in aws_jobs(700, 0x1ea5_d52e_387c_44fa_b079_0000_0000_0000)?
        .iter()
        .enumerate()
    {
        let file = jobs_dir.join(format!("job-{index:04}.json"));
        write(&file, job)?;
        job_files.push(file);
    }
    let mut page_files = Vec::new();
    for index in 0..300 {
        let file = pages_dir.join(format!("page-{index:04}.json"));
        write(
            &file,
            &page_of(&aws_jobs(10, 0x2ea5_d52e_387c_44fa_b079_0000_0000_0000 + index * 100)?),
        )?;
        page_files.push(file);
    }
    let schema = |name: &str| root.join("schemas").join(format!("{name}.schema.json"));
    let check_jsonschema = |schema: PathBuf, files: &[PathBuf]| {
        let mut command = tools.python_tool("check-jsonschema");
        command.arg("--schemafile").arg(schema).args(files);
        command
    };

    eprintln!("timing validate and check-jsonschema on {}", dir.display());
    let validate_page = time(Command::new(&program).arg("validate").arg(&big_page), RUNS)?;
    let peer_page = time(
        &mut check_jsonschema(schema("AwsSyncJobPage"), std::slice::from_ref(&big_page)),
        1,
    )?;
    let validate_folder = time(Command::new(&program).arg("validate").arg(&recorded), RUNS)?;
    let peer_folder = time(&mut check_jsonschema(schema("AwsSyncJob"), &job_files), 1)?
        + time(&mut check_jsonschema(schema("AwsSyncJobPage"), &page_files), 1)?;

    println!(
        "\n{:<42} {:>12} {:>18} {:>10}",
        "input", "validate", "check-jsonschema", "ratio"
    );
    for (name, ours, peer) in [
        ("a page of 10,000 jobs (one file)", validate_page, peer_page),
        ("1,000 recorded responses (a folder)", validate_folder, peer_folder),
    ] {
        println!(
            "{name:<42} {:>10.3} s {:>16.3} s {:>9.1}x",
            ours.as_secs_f64(),
            peer.as_secs_f64(),
            peer.as_secs_f64() / ours.as_secs_f64()
        );
    }
    println!(
        "(ratio: check-jsonschema's time over validate's; validate runs the crate's parser and the schema, \
         best of {RUNS}; check-jsonschema the schema alone, once per schema; both check formats)"
    );
    Ok(())
}
