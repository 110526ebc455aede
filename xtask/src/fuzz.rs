//! `cargo xtask fuzz`: builds the fuzz targets of `fuzz/` with coverage instrumentation on the
//! stable toolchain and runs them with libFuzzer.
//!
//! cargo-fuzz needs a nightly compiler for its default sanitizer; with `--sanitizer none` it
//! only passes rustc the stable flags below, so this command passes them itself and needs no
//! tool besides cargo and a C++ compiler (for libFuzzer, which `libfuzzer-sys` builds):
//! SanitizerCoverage's inline 8-bit edge counters, the table of their code addresses and the
//! tracing of comparisons are what libFuzzer's search is guided by, and `--cfg fuzzing` turns
//! each program under `fuzz/fuzz_targets/` into a libFuzzer target. Each run checks that the
//! program really is instrumented: libFuzzer reports the counters it found.
//!
//! Everything it writes is under the ignored `target/fuzz/`:
//!
//! | folder | what |
//! |---|---|
//! | `build/` | the instrumented build |
//! | `seeds/<target>/` | the seed inputs, rewritten on every run from the fixtures and the catalog |
//! | `<target>.dict` | the target's dictionary, rewritten on every run from the schema files |
//! | `corpus/<target>/` | the corpus, kept and grown from run to run |
//! | `smoke/<target>/` | the smoke run's corpus, emptied before each smoke run |
//! | `artifacts/<target>/` | inputs that broke an oracle (`crash-…`) or took too long (`timeout-…`) |
//! | `logs/<target>.log` | libFuzzer's output of the last run |

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use cckm_sync_codegen::fuzz_inputs::Target;

use crate::run::{cargo, output, root};

/// The package of the fuzz targets.
const PACKAGE: &str = "cckm-sync-fuzz";
/// The cargo profile of the instrumented build (see the workspace manifest).
const PROFILE: &str = "fuzz";
/// Where everything goes, relative to the workspace root.
const FUZZ_DIR: &str = "target/fuzz";

/// The flags cargo-fuzz 0.13 passes rustc with `--sanitizer none` (its `-Cdebug-assertions`
/// and `-Ccodegen-units=1` are in the `fuzz` profile).
const RUSTFLAGS: [&str; 8] = [
    "-Cpasses=sancov-module",
    "-Cllvm-args=-sanitizer-coverage-level=4",
    "-Cllvm-args=-sanitizer-coverage-inline-8bit-counters",
    "-Cllvm-args=-sanitizer-coverage-pc-table",
    "-Cllvm-args=-sanitizer-coverage-trace-compares",
    "-Cllvm-args=-simplifycfg-branch-fold-threshold=0",
    "-Cllvm-args=-sanitizer-coverage-stack-depth",
    "--cfg=fuzzing",
];

/// Executions per target in the smoke run of `cargo xtask test`: a few seconds each here.
pub(crate) const SMOKE_RUNS: u64 = 20_000;
/// The bound of a run given neither `--runs` nor `--time`, in seconds per target.
const DEFAULT_SECONDS: u64 = 60;
/// An input that takes longer than this, in seconds, is reported as a hang.
const INPUT_TIMEOUT_SECONDS: u64 = 10;
/// Fewer counters than this means the coverage instrumentation is missing (an instrumented
/// target has tens of thousands; libFuzzer's own code has none).
const MIN_COUNTERS: u64 = 1_000;

/// What to fuzz, and for how long.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Options {
    targets: Vec<Target>,
    runs: Option<u64>,
    seconds: Option<u64>,
    smoke: bool,
    libfuzzer_flags: Vec<String>,
}

impl Options {
    /// The smoke run of `cargo xtask test`.
    pub(crate) fn smoke() -> Self {
        Self {
            targets: Target::ALL.to_vec(),
            runs: Some(SMOKE_RUNS),
            seconds: None,
            smoke: true,
            libfuzzer_flags: Vec::new(),
        }
    }

    /// What the command line asked; the error is a usage error.
    pub(crate) fn from_flags(flags: crate::flags::Fuzz) -> Result<Self, String> {
        let crate::flags::Fuzz {
            target,
            runs,
            time: mut seconds,
            smoke,
            mut libfuzzer_flags,
        } = flags;
        for (flag, value) in [("--runs", runs), ("--time", seconds)] {
            if value == Some(0) {
                return Err(format!("{flag} takes a positive whole number"));
            }
        }
        // `fuzz -- -flag`: what follows `--` is libFuzzer's, even where a target could stand.
        let target = match target {
            Some(flag) if flag.starts_with('-') => {
                libfuzzer_flags.insert(0, flag);
                None
            }
            target => target,
        };
        if let Some(other) = libfuzzer_flags.iter().find(|flag| !flag.starts_with('-')) {
            return Err(format!(
                "unexpected argument {other:?}: one target at a time, and libFuzzer's flags after `--`"
            ));
        }
        if smoke {
            if target.is_some() || runs.is_some() || seconds.is_some() || !libfuzzer_flags.is_empty() {
                return Err("--smoke takes no other argument".to_owned());
            }
            return Ok(Self::smoke());
        }
        let targets = match target {
            Some(name) => vec![Target::from_name(&name).ok_or_else(|| format!("no fuzz target {name:?}"))?],
            None => Target::ALL.to_vec(),
        };
        if runs.is_none() && seconds.is_none() {
            seconds = Some(DEFAULT_SECONDS);
        }
        Ok(Self {
            targets,
            runs,
            seconds,
            smoke,
            libfuzzer_flags,
        })
    }
}

/// Builds the targets and runs them one after the other as `options` say; fails if one broke an
/// oracle (or hung, or crashed), having said for each where its input was saved and how to
/// replay it.
pub(crate) fn run(options: &Options) -> Result<(), String> {
    let root = root();
    let dir = root.join(FUZZ_DIR);
    let started = Instant::now();
    let bin_dir = build(&dir)?;
    eprintln!("fuzz build: {:.1?}", started.elapsed());

    let mut failures = Vec::new();
    for &target in &options.targets {
        match run_target(&root, &dir, &bin_dir, target, options) {
            Ok(stats) => eprintln!("fuzz {target}: {stats}"),
            Err(failure) => {
                eprintln!("fuzz {target}: FAILED: {failure}");
                failures.push(target.name());
            }
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!("fuzz target(s) failed: {}", failures.join(", ")))
    }
}

/// The host's target triple: the instrumentation flags must reach the targets' code only, not
/// build scripts and proc macros, so the build names its target explicitly.
fn host_triple() -> Result<String, String> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let version = output(Command::new(rustc).arg("-vV"))?;
    version
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .map(str::to_owned)
        .ok_or_else(|| "`rustc -vV` names no host".to_owned())
}

/// Builds every target, instrumented; returns the folder of the programs.
fn build(dir: &Path) -> Result<PathBuf, String> {
    let triple = host_triple()?;
    let target_dir = dir.join("build");
    let mut command = cargo(&[
        "build",
        "--locked",
        "--package",
        PACKAGE,
        "--bins",
        "--profile",
        PROFILE,
        "--target",
        &triple,
    ]);
    command
        .arg("--target-dir")
        .arg(&target_dir)
        // The encoded form wins over any RUSTFLAGS of the environment or of a config file,
        // which would otherwise drop or add to the instrumentation.
        .env("CARGO_ENCODED_RUSTFLAGS", RUSTFLAGS.join("\u{1f}"))
        .env_remove("RUSTFLAGS");
    crate::run::status(&mut command)?;
    Ok(target_dir.join(triple).join(PROFILE))
}

/// What libFuzzer reports of a run that broke nothing.
struct Stats {
    counters: u64,
    runs: u64,
    seconds: f64,
    coverage: String,
}

impl std::fmt::Display for Stats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // libFuzzer's own rate is rounded down to whole seconds of run time.
        let rate = self.runs as f64 / self.seconds.max(0.001);
        write!(
            f,
            "{} executions in {:.1} s ({rate:.0}/s); {}; {} edge counters in the build",
            self.runs, self.seconds, self.coverage, self.counters
        )
    }
}

fn run_target(root: &Path, dir: &Path, bin_dir: &Path, target: Target, options: &Options) -> Result<Stats, String> {
    let name = target.name();
    let seeds = recreate(&dir.join("seeds").join(name))?;
    for (file, bytes) in target.seeds(root)? {
        fs::write(seeds.join(&file), bytes).map_err(|error| format!("{}: {error}", seeds.join(&file).display()))?;
    }
    let dictionary = dir.join(format!("{name}.dict"));
    fs::write(&dictionary, target.dictionary(root)?).map_err(|error| format!("{}: {error}", dictionary.display()))?;
    // libFuzzer writes the inputs it finds into the first folder; the seeds are read only.
    let corpus = if options.smoke {
        recreate(&dir.join("smoke").join(name))?
    } else {
        create(&dir.join("corpus").join(name))?
    };
    let artifacts = create(&dir.join("artifacts").join(name))?;
    let log_path = create(&dir.join("logs"))?.join(format!("{name}.log"));
    let log = fs::File::create(&log_path).map_err(|error| format!("{}: {error}", log_path.display()))?;
    let log_err = log
        .try_clone()
        .map_err(|error| format!("{}: {error}", log_path.display()))?;

    let program = bin_dir.join(name);
    let mut command = Command::new(&program);
    // Paths relative to the workspace root, where libFuzzer runs, so that the paths it prints
    // (of a saved input) are short.
    command
        .arg(format!("-dict={}", relative(root, &dictionary)))
        .arg(format!("-artifact_prefix={}/", relative(root, &artifacts)))
        .arg(format!("-timeout={INPUT_TIMEOUT_SECONDS}"))
        .arg("-print_final_stats=1");
    if let Some(runs) = options.runs {
        command.arg(format!("-runs={runs}"));
    }
    if let Some(seconds) = options.seconds {
        command.arg(format!("-max_total_time={seconds}"));
    }
    if options.smoke {
        // The same inputs on every run, so that a smoke run that passed passes again.
        command.arg("-seed=1");
    }
    command
        .args(&options.libfuzzer_flags)
        .arg(relative(root, &corpus))
        .arg(relative(root, &seeds));
    eprintln!(
        "fuzz {name}: fuzzing {} ({}); libFuzzer's output: {}",
        target.what(),
        bound(options),
        relative(root, &log_path)
    );
    let started = Instant::now();
    let status = command
        .current_dir(root)
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log_err)
        .status()
        .map_err(|error| format!("cannot run {}: {error}", program.display()))?;
    let seconds = started.elapsed().as_secs_f64();
    let text = fs::read_to_string(&log_path).map_err(|error| format!("{}: {error}", log_path.display()))?;
    if !status.success() {
        return Err(failure(root, target, &text, status));
    }
    let counters = counters(&text).unwrap_or(0);
    if counters < MIN_COUNTERS {
        return Err(format!(
            "libFuzzer found {counters} coverage counters in {}: the build is not instrumented (see {})",
            program.display(),
            relative(root, &log_path)
        ));
    }
    Ok(Stats {
        counters,
        runs: final_stat(&text, "number_of_executed_units").unwrap_or(0),
        seconds,
        coverage: coverage(&text).unwrap_or_else(|| "no coverage reported".to_owned()),
    })
}

fn bound(options: &Options) -> String {
    match (options.runs, options.seconds) {
        (Some(runs), Some(seconds)) => format!("{runs} executions or {seconds} s"),
        (Some(runs), None) if options.smoke => format!("smoke run: {runs} executions from the seeds"),
        (Some(runs), None) => format!("{runs} executions"),
        (None, Some(seconds)) => format!("{seconds} s"),
        (None, None) => "unbounded".to_owned(),
    }
}

/// One line on a failed run: what broke, where the input is, how to replay it.
fn failure(root: &Path, target: Target, log: &str, status: std::process::ExitStatus) -> String {
    // The panic message of the harness (`<target>: <oracle> oracle, <model>: …`), or
    // libFuzzer's own report of a hang, a leak or an out-of-memory.
    let lines: Vec<&str> = log.lines().collect();
    let reason = lines
        .iter()
        .position(|line| line.contains("panicked at"))
        .and_then(|index| lines.get(index + 1))
        .map(|line| (*line).to_owned())
        .or_else(|| {
            lines
                .iter()
                .find(|line| line.starts_with("==") && line.contains("ERROR: libFuzzer"))
                .map(|line| (*line).to_owned())
        })
        .unwrap_or_else(|| format!("libFuzzer exited with {status}"));
    let input = lines
        .iter()
        .find_map(|line| line.split_once("Test unit written to ").map(|(_, path)| path.trim()));
    match input {
        Some(path) => format!(
            "{reason}\n  input: {path}\n  replay: cargo run -p {PACKAGE} --bin {target} -- {path}\n  log: {}",
            relative(root, &root.join(FUZZ_DIR).join("logs").join(format!("{target}.log")))
        ),
        None => reason,
    }
}

/// The number of inline 8-bit counters libFuzzer found: `INFO: Loaded 1 modules (N inline
/// 8-bit counters): …`.
fn counters(log: &str) -> Option<u64> {
    log.lines()
        .filter(|line| line.starts_with("INFO: Loaded"))
        .find_map(|line| {
            let (before, _) = line.split_once(" inline 8-bit counters")?;
            before.rsplit(['(', ' ']).next()?.parse().ok()
        })
}

/// A `stat::<name>: N` line of `-print_final_stats=1`.
fn final_stat(log: &str, name: &str) -> Option<u64> {
    let prefix = format!("stat::{name}:");
    log.lines()
        .find_map(|line| line.strip_prefix(&prefix))
        .and_then(|value| value.trim().parse().ok())
}

/// The coverage of libFuzzer's last status line: `cov: N ft: N corp: N/Nb`.
fn coverage(log: &str) -> Option<String> {
    let line = log
        .lines()
        .rev()
        .find(|line| line.starts_with('#') && line.contains(" cov: "))?;
    let words: Vec<&str> = line.split_whitespace().collect();
    let value = |key: &str| {
        words
            .iter()
            .position(|word| *word == key)
            .and_then(|index| words.get(index + 1))
            .copied()
    };
    Some(format!(
        "{} edges, {} features, corpus {}",
        value("cov:")?,
        value("ft:")?,
        value("corp:")?.replacen('/', " inputs, ", 1)
    ))
}

fn create(path: &Path) -> Result<PathBuf, String> {
    fs::create_dir_all(path).map_err(|error| format!("{}: {error}", path.display()))?;
    Ok(path.to_owned())
}

fn recreate(path: &Path) -> Result<PathBuf, String> {
    match fs::remove_dir_all(path) {
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => return Err(format!("{}: {error}", path.display())),
    }
    create(path)
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The options of `cargo xtask fuzz <text>`, or the usage error.
    fn parse(text: &str) -> Result<Options, String> {
        let args = ["fuzz"]
            .into_iter()
            .chain(text.split_whitespace())
            .map(Into::into)
            .collect();
        match crate::flags::Xtask::from_vec(args)
            .map_err(|error| error.to_string())?
            .subcommand
        {
            crate::flags::XtaskCmd::Fuzz(flags) => Options::from_flags(flags),
            other => Err(format!("not fuzz: {other:?}")),
        }
    }

    #[test]
    fn arguments() {
        let every = parse("").unwrap();
        assert_eq!(every.targets, Target::ALL);
        assert_eq!((every.runs, every.seconds), (None, Some(DEFAULT_SECONDS)));

        let one = parse("query --runs 1000000 -- -max_len=256").unwrap();
        assert_eq!(one.targets, [Target::Query]);
        assert_eq!((one.runs, one.seconds), (Some(1_000_000), None));
        assert_eq!(one.libfuzzer_flags, ["-max_len=256"]);

        let flags_only = parse("--time 5 -- -max_len=256 -dict=x").unwrap();
        assert_eq!(flags_only.targets, Target::ALL);
        assert_eq!(flags_only.libfuzzer_flags, ["-max_len=256", "-dict=x"]);

        assert_eq!(parse("--smoke").unwrap(), Options::smoke());
        for wrong in [
            "pages",
            "page job",
            "--runs",
            "--runs 0",
            "--time x",
            "--smoke page",
            "--verbose",
            "page -- -max_len=1 job",
        ] {
            assert!(parse(wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn the_help_names_every_target_and_the_defaults() {
        let help = crate::flags::Xtask::from_vec(vec!["fuzz".into(), "--help".into()]).unwrap_err();
        assert!(help.is_help());
        let help = help.to_string().split_whitespace().collect::<Vec<_>>().join(" ");
        let targets = Target::ALL.map(Target::name);
        let (last, first) = targets.split_last().unwrap();
        assert!(help.contains(&format!("({}, {last})", first.join(", "))), "{help}");
        assert!(help.contains(&format!("--time {DEFAULT_SECONDS})")), "{help}");
        let smoke_runs = SMOKE_RUNS.to_string();
        let (thousands, units) = smoke_runs.split_at(smoke_runs.len() - 3);
        assert!(help.contains(&format!("{thousands},{units} executions each")), "{help}");
    }

    #[test]
    fn libfuzzer_reports() {
        let log = "INFO: Running with entropic power schedule (0xFF, 100).\n\
            INFO: Seed: 1\n\
            INFO: Loaded 1 modules   (48213 inline 8-bit counters): 48213 [0x55, 0x56), \n\
            INFO: Loaded 1 PC tables (48213 PCs): 48213 [0x57,0x58), \n\
            #2\tINITED cov: 2 ft: 2 corp: 1/1b exec/s: 0 rss: 27Mb\n\
            #20000\tDONE   cov: 3411 ft: 9120 corp: 412/38Kb lim: 4096 exec/s: 4000 rss: 61Mb\n\
            Done 20000 runs in 5 second(s)\n\
            stat::number_of_executed_units: 20000\n\
            stat::average_exec_per_sec:     4000\n";
        assert_eq!(counters(log), Some(48_213));
        assert_eq!(final_stat(log, "number_of_executed_units"), Some(20_000));
        assert_eq!(final_stat(log, "average_exec_per_sec"), Some(4_000));
        assert_eq!(
            coverage(log).as_deref(),
            Some("3411 edges, 9120 features, corpus 412 inputs, 38Kb")
        );
        assert_eq!(counters("INFO: A corpus is not provided\n"), None);
    }
}
