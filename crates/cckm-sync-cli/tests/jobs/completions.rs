//! `cckm-sync completions`: a script bash loads, and an unknown shell a usage error.

use crate::support::{self, program};

#[test]
fn completions_are_a_script_the_shell_loads() {
    let script = support::output(program(&[]).args(["completions", "bash"]));
    assert!(script.status.success(), "{script:?}");
    let text = String::from_utf8(script.stdout).unwrap();
    // The endpoint names and the flags of `jobs` complete.
    assert!(
        text.contains("aws-keys") && text.contains("--request-timeout"),
        "{text}"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cckm-sync.bash");
    std::fs::write(&path, &text).unwrap();
    let loaded = std::process::Command::new("bash")
        .args(["-c", &format!("source {} && complete -p cckm-sync", path.display())])
        .output()
        .unwrap();
    assert!(loaded.status.success(), "{loaded:?}");
    assert!(
        String::from_utf8_lossy(&loaded.stdout).contains("cckm-sync"),
        "{loaded:?}"
    );

    let unknown = support::output(program(&[]).args(["completions", "tcsh"]));
    assert_eq!(unknown.status.code(), Some(2), "{unknown:?}");
}
