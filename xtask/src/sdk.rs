//! `cargo xtask sdk`: the vendor's own Python client of CipherTrust Manager (`ciphertrust-sdk`,
//! pinned with hashes in `tools/sdk/requirements.txt`) drives `cckm-sync mock`: it logs in,
//! starts, reads, lists (with filters and `limit=-1`) and cancels jobs of two families, and
//! renews its token (`tools/sdk/check_sdk.py`). The SDK was written against live servers, so
//! what it reads of an answer a real server sends: the best witness of the mock's fidelity.
//! `cargo xtask test` runs it.

use std::path::Path;
use std::process::Command;

use crate::run::{root, status};
use crate::tools::{Part, check_python, env_or};

/// Installs the SDK (once per lock) and runs the check against a freshly built mock.
pub(crate) fn run() -> Result<(), String> {
    let root = root();
    let program = crate::server::build_cckm_sync(false)?;
    let python = ensure_sdk(&root)?;
    eprintln!("$ ciphertrust-sdk against cckm-sync mock (tools/sdk/check_sdk.py)");
    status(
        Command::new(python)
            .arg(root.join("tools/sdk/check_sdk.py"))
            .arg(&program)
            // The SDK writes a log file beside it when it cannot write to /var/log.
            .current_dir(root.join(".tools")),
    )
}

/// The Python of the SDK's own virtual environment (its pins clash with the other tools').
fn ensure_sdk(root: &Path) -> Result<std::path::PathBuf, String> {
    let venv = root.join(".tools/sdk-venv");
    let bin = venv.join(if cfg!(windows) { "Scripts" } else { "bin" });
    let python = bin.join(format!("python{}", std::env::consts::EXE_SUFFIX));
    let part = Part {
        name: "ciphertrust-sdk",
        dir: venv.clone(),
        lock: root.join("tools/sdk/requirements.txt"),
        stamp: root.join(".tools/sdk-requirements.txt"),
        copies: Vec::new(),
        programs: vec![python.clone()],
    };
    if let Some(reason) = part.stale_because()? {
        part.announce(&reason);
        let system = env_or("PYTHON", if cfg!(windows) { "python" } else { "python3" });
        check_python(&system)?;
        part.wipe()?;
        status(Command::new(&system).args(["-m", "venv"]).arg(&venv).current_dir(root))?;
        status(
            Command::new(&python)
                .args([
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    "--no-input",
                ])
                .args(["--require-hashes", "-r", "tools/sdk/requirements.txt"])
                .current_dir(root),
        )?;
        part.finish()?;
    }
    Ok(python)
}
