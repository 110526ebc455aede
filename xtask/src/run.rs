//! Running other programs from the workspace root, and reading what they write.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) use cckm_sync_codegen::project_root as root;

/// A `cargo` command run from the workspace root, with the cargo that runs the xtask.
pub(crate) fn cargo(args: &[&str]) -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.args(args).current_dir(root());
    command
}

/// Runs `command`, echoing it first; fails if it does not succeed.
pub(crate) fn status(command: &mut Command) -> Result<(), String> {
    eprintln!("$ {}", display(command));
    let status = command
        .status()
        .map_err(|error| format!("cannot run `{}`: {error}", display(command)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", display(command)))
    }
}

/// Runs `command` and returns its standard output; fails if it does not succeed.
pub(crate) fn output(command: &mut Command) -> Result<String, String> {
    let output = command
        .output()
        .map_err(|error| format!("cannot run `{}`: {error}", display(command)))?;
    if !output.status.success() {
        return Err(format!(
            "`{}` failed ({}):\n{}",
            display(command),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    String::from_utf8(output.stdout).map_err(|error| format!("`{}` printed non-UTF-8: {error}", display(command)))
}

/// The JSON document in the file at `path`.
pub(crate) fn read_json(path: &Path) -> Result<serde_json::Value, String> {
    let text = std::fs::read_to_string(path).map_err(|error| format!("{}: {error}", path.display()))?;
    serde_json::from_str(&text).map_err(|error| format!("{}: {error}", path.display()))
}

/// The command as a shell would show it.
pub(crate) fn display(command: &Command) -> String {
    let program = Path::new(command.get_program()).file_name().map_or_else(
        || command.get_program().to_string_lossy(),
        |name| name.to_string_lossy(),
    );
    let args: Vec<String> = command
        .get_args()
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    format!("{program} {}", args.join(" "))
}

/// Runs `command` (its output to the terminal), killing it if it runs longer than `limit`;
/// fails if it does not succeed.
pub(crate) fn bounded(command: &mut Command, limit: Duration) -> Result<(), String> {
    let shown = display(command);
    eprintln!("$ {shown}");
    let mut child = command
        .stdin(Stdio::null())
        .spawn()
        .map_err(|error| format!("cannot run `{shown}`: {error}"))?;
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(done)) if done.success() => return Ok(()),
            Ok(Some(done)) => return Err(format!("`{shown}` failed ({done})")),
            Ok(None) if started.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "`{shown}` ran longer than {} s and was stopped",
                    limit.as_secs()
                ));
            }
            // Polls the child's exit: a bounded wait for another program, not a delay.
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(error) => return Err(format!("`{shown}`: {error}")),
        }
    }
}

/// The names of the files of `dir` that end with `suffix`, sorted; none if `dir` is missing.
pub(crate) fn files_ending_with(dir: &Path, suffix: &str) -> Result<Vec<String>, String> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
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

/// How long each step took, printed at the end.
#[derive(Default)]
pub(crate) struct Timings(Vec<(String, Duration)>);

impl Timings {
    /// Records the step `name` begun at `started`, and prints its time.
    pub(crate) fn push(&mut self, name: &str, started: Instant) {
        let elapsed = started.elapsed();
        eprintln!("{name}: ok in {:.1} s", elapsed.as_secs_f64());
        self.0.push((name.to_owned(), elapsed));
    }

    /// Prints `what`, the time of every step together, and each step's.
    pub(crate) fn print(&self, what: &str) {
        let total: Duration = self.0.iter().map(|(_, elapsed)| *elapsed).sum();
        let width = self.0.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
        eprintln!("{what} in {:.1} s:", total.as_secs_f64());
        for (name, elapsed) in &self.0 {
            eprintln!("  {name:<width$}  {:>6.1} s", elapsed.as_secs_f64());
        }
    }
}
