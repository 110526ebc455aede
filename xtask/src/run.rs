//! Running other programs from the workspace root, and reading what they write.

use std::path::Path;
use std::process::Command;

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
