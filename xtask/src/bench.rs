//! `cargo xtask bench`: runs the memory and parse benchmarks and prints, for each parse group,
//! the typed target's time as a ratio of the group's baselines, all measured in the same run.
//! Extra arguments go to criterion, after `--`, e.g. `cargo xtask bench -- --measurement-time 8`.

use std::path::Path;

use crate::run::{cargo, root, status};

/// Benchmark groups, their typed target and their baselines (see `benches/parse.rs`).
const GROUPS: [&str; 3] = ["parse/any_family_10k", "parse_and_drop/any_family_10k", "parse/aws_10k"];
const TYPED: &str = "typed";
const BASELINES: [&str; 2] = ["value", "ignored_any"];

pub(crate) fn run(extra: &[String]) -> Result<(), String> {
    status(&mut cargo(&["bench", "-p", "cckm-sync", "--bench", "memory"]))?;
    let mut args = vec!["bench", "-p", "cckm-sync", "--bench", "parse", "--"];
    args.extend(extra.iter().map(String::as_str));
    status(&mut cargo(&args))?;

    println!(
        "\n{:<32} {:>10} {:>10} {:>14} {:>16}",
        "group", "typed", "value", "typed/value", "typed/ignored"
    );
    for group in GROUPS {
        let typed = mean_ns(group, TYPED)?;
        let [value, ignored] = [mean_ns(group, BASELINES[0])?, mean_ns(group, BASELINES[1])?];
        println!(
            "{group:<32} {:>8.2}ms {:>8.2}ms {:>13.3}x {:>15.2}x",
            typed / 1e6,
            value / 1e6,
            typed / value,
            typed / ignored
        );
    }
    Ok(())
}

/// The mean time of one target in criterion's report of the last run, in nanoseconds.
fn mean_ns(group: &str, target: &str) -> Result<f64, String> {
    // Criterion names the folder of `a/b` group `a_b`.
    let path = root()
        .join("target/criterion")
        .join(group.replace('/', "_"))
        .join(target)
        .join("new/estimates.json");
    let text = std::fs::read_to_string(&path).map_err(|error| format!("{}: {error}", relative(&path)))?;
    let estimates: serde_json::Value =
        serde_json::from_str(&text).map_err(|error| format!("{}: {error}", relative(&path)))?;
    estimates["mean"]["point_estimate"]
        .as_f64()
        .ok_or_else(|| format!("{}: no mean.point_estimate", relative(&path)))
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root()).unwrap_or(path).display().to_string()
}
