//! `cckm-sync completions`: a script bash loads and completes with, and an unknown shell a
//! usage error.

use crate::support::{self, program};

/// What bash offers for the words of a command line, the last one being completed, with the
/// script of `cckm-sync completions bash` loaded (as `complete -F` calls the function).
fn bash_completes(script: &std::path::Path, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|word| format!("'{word}'")).collect();
    let line = format!(
        "source '{}' && function=$(complete -p cckm-sync | sed -E 's/.* -F ([^ ]+) .*/\\1/') && \
         COMP_WORDS=({}) && COMP_CWORD={} && \"$function\" cckm-sync '{}' '{}' && \
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        quoted.join(" "),
        words.len() - 1,
        words[words.len() - 1],
        words[words.len() - 2],
    );
    let output = std::process::Command::new("bash").args(["-c", &line]).output().unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn completions_are_a_script_bash_loads_and_completes_subcommands_with() {
    let script = support::output(program(&[]).args(["completions", "bash"]));
    assert!(script.status.success(), "{script:?}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cckm-sync.bash");
    std::fs::write(&path, &script.stdout).unwrap();
    let loaded = std::process::Command::new("bash")
        .args(["-c", &format!("source {} && complete -p cckm-sync", path.display())])
        .output()
        .unwrap();
    assert!(loaded.status.success(), "{loaded:?}");
    assert!(
        String::from_utf8_lossy(&loaded.stdout).contains("cckm-sync"),
        "{loaded:?}"
    );

    // The top level, and below it: a subcommand's endpoint names, its formats and its flags.
    assert!(bash_completes(&path, &["cckm-sync", "j"]).contains(&"jobs".to_owned()));
    let endpoints = bash_completes(&path, &["cckm-sync", "jobs", "list", ""]);
    for name in ["aws-keys", "azure-secrets", "dsm", "external-cm"] {
        assert!(endpoints.contains(&name.to_owned()), "{name}: {endpoints:?}");
    }
    assert_eq!(
        bash_completes(&path, &["cckm-sync", "jobs", "list", "aws-keys", "-o", ""]),
        ["table", "wide", "json"]
    );
    assert!(bash_completes(&path, &["cckm-sync", "jobs", "wait", "aws-keys", "--t"]).contains(&"--timeout".to_owned()));
    assert!(bash_completes(&path, &["cckm-sync", "proxy", "--har-"]).contains(&"--har-max-size".to_owned()));

    let unknown = support::output(program(&[]).args(["completions", "tcsh"]));
    assert_eq!(unknown.status.code(), Some(2), "{unknown:?}");
}
