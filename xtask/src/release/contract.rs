//! The contract's side of the gate: the committed files against the released ones, judged by
//! `cckm-sync diff` (the `cckm_sync_contract::diff` library), and the version step and
//! changelog section their changes ask for.

use std::fs;
use std::path::Path;

use cckm_sync_contract::diff::{self, Diff, Impact};
use semver::Version;

use super::changelog::{self, BREAKING, Line};
use super::versions::{self, Step};
use super::{CHANGELOG, Versions};
use cckm_sync_codegen::{OPENAPI_30, OPENAPI_31};

/// The folders of the published files, relative to the workspace root and to
/// `releases/contract/`.
const FOLDERS: [(&str, &str); 2] = [("openapi", ".json"), ("schemas", ".schema.json")];

/// The version of the released contract in `dir` (`info.version` of its OpenAPI 3.1 document);
/// none before the first release.
pub(super) fn released_version(dir: &Path) -> Result<Option<Version>, String> {
    let path = dir.join(OPENAPI_31);
    if !path.exists() {
        return Ok(None);
    }
    let document = crate::run::read_json(&path)?;
    let version = document
        .pointer("/info/version")
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| format!("{}: no info.version", path.display()))?;
    versions::parse(&format!("info.version of {}", path.display()), version).map(Some)
}

/// Compares the committed contract with the released one, prints the changes, and adds to
/// `problems` what the version and the changelog fail to announce. Returns the step the
/// changes ask for.
pub(super) fn gate(
    root: &Path,
    versions: &Versions,
    changelog: &str,
    problems: &mut Vec<String>,
) -> Result<Step, String> {
    let current = &versions.contract;
    let Some(released) = &versions.released_contract else {
        eprintln!(
            "contract {current}: no released contract in {} to compare with",
            super::RELEASED_CONTRACT
        );
        if changelog::section(changelog, Line::Contract, &current.to_string()).is_none() {
            problems.push(format!(
                "{CHANGELOG} needs a section `{}` for the contract's first release",
                changelog::heading(Line::Contract, &current.to_string())
            ));
        }
        return Ok(Step::None);
    };
    let released_dir = root.join(super::RELEASED_CONTRACT);
    let mut needed = Step::None;
    for file in [OPENAPI_31, OPENAPI_30, "schemas"] {
        let diff = diff(&released_dir.join(file), &root.join(file))?;
        let groups = diff.groups();
        let count = |impact: Impact| groups.iter().filter(|group| group.impact() == impact).count();
        eprintln!(
            "{file}: contract {current} against the released {released}: {} breaking, {} additive, {} neutral",
            count(Impact::Breaking),
            count(Impact::Additive),
            count(Impact::None)
        );
        for group in groups.iter().filter(|group| group.impact() == Impact::Breaking) {
            eprintln!("  {group}");
        }
        needed = needed.max(
            groups
                .iter()
                .map(|group| step_of(group.impact()))
                .max()
                .unwrap_or(Step::None),
        );
    }

    problems.extend(announced(released, current, needed, changelog)?);
    Ok(needed)
}

/// What the contract's version (`current`, released as `released`) and `changelog` fail to
/// announce of changes that ask for `needed`.
fn announced(released: &Version, current: &Version, needed: Step, changelog: &str) -> Result<Vec<String>, String> {
    let mut problems = Vec::new();
    let step = versions::step(released, current).map_err(|error| format!("the contract version: {error}"))?;
    if step < needed {
        problems.push(format!(
            "the contract changed since {released} in a way that asks for {needed}, but its version is {current}: \
             set cckm_sync::CONTRACT_VERSION to {} (crates/cckm-sync/src/lib.rs), run `cargo xtask codegen`, and say \
             why in {CHANGELOG}{}",
            versions::next(released, needed),
            if needed == Step::Breaking {
                format!(" (an entry marked {BREAKING}); the breaking changes are listed above")
            } else {
                String::new()
            }
        ));
    }
    if step > Step::None {
        match changelog::section(changelog, Line::Contract, &current.to_string()) {
            None => problems.push(format!(
                "the contract version is {current} (released: {released}), but {CHANGELOG} has no section `{}`",
                changelog::heading(Line::Contract, &current.to_string())
            )),
            Some(section) if needed == Step::Breaking && !section.announces_a_breaking_change() => {
                problems.push(format!(
                    "contract {current} breaks clients, but its section in {CHANGELOG} has no entry marked {BREAKING}"
                ))
            }
            Some(_) => {}
        }
    }
    Ok(problems)
}

/// The version step a change asks for (`VERSIONING.md`).
fn step_of(impact: Impact) -> Step {
    match impact {
        Impact::Breaking => Step::Breaking,
        Impact::Additive => Step::Additive,
        Impact::None => Step::None,
    }
}

/// What `cckm-sync diff` says of the released `old` and the committed `new` (two OpenAPI
/// documents, or two schema folders).
fn diff(old: &Path, new: &Path) -> Result<Diff, String> {
    let load = |path: &Path| diff::Version::load(path).map_err(|error| error.to_string());
    diff::compare(&load(old)?, &load(new)?).map_err(|error| error.to_string())
}

/// Copies the published files into `dir` (`releases/contract/`), replacing what it held.
pub(super) fn record_release(root: &Path, dir: &Path) -> Result<(), String> {
    for (folder, suffix) in FOLDERS {
        let to = dir.join(folder);
        super::replace_dir(&to)?;
        let from = root.join(folder);
        for entry in fs::read_dir(&from).map_err(|error| format!("{}: {error}", from.display()))? {
            let path = entry.map_err(|error| format!("{}: {error}", from.display()))?.path();
            let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
                continue;
            };
            if name.ends_with(suffix) {
                fs::copy(&path, to.join(name)).map_err(|error| format!("cannot copy {}: {error}", path.display()))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    const CHANGELOG_0_3: &str = "## [contract 0.3.0] - Unreleased\n\n- **Breaking**: `sort` narrowed.\n";
    const CHANGELOG_0_2_1: &str = "## [contract 0.2.1] - Unreleased\n\n- A new optional parameter.\n";

    #[test]
    fn a_breaking_change_needs_the_breaking_step_and_an_entry_that_says_so() {
        let unannounced = announced(&v("0.2.0"), &v("0.2.0"), Step::Breaking, "").unwrap();
        assert_eq!(unannounced.len(), 1, "{unannounced:?}");
        assert!(
            unannounced[0].contains("set cckm_sync::CONTRACT_VERSION to 0.3.0"),
            "{}",
            unannounced[0]
        );

        let too_small = announced(&v("0.2.0"), &v("0.2.1"), Step::Breaking, CHANGELOG_0_2_1).unwrap();
        assert!(
            too_small[0].contains("asks for a breaking version step"),
            "{too_small:?}"
        );

        let unmarked = "## [contract 0.3.0] - Unreleased\n\n- `sort` narrowed.\n";
        let problems = announced(&v("0.2.0"), &v("0.3.0"), Step::Breaking, unmarked).unwrap();
        assert!(problems[0].contains("no entry marked **Breaking**"), "{problems:?}");

        assert_eq!(
            announced(&v("0.2.0"), &v("0.3.0"), Step::Breaking, CHANGELOG_0_3),
            Ok(Vec::new())
        );
    }

    #[test]
    fn an_additive_change_needs_a_step_and_a_section() {
        let unannounced = announced(&v("0.2.0"), &v("0.2.0"), Step::Additive, "").unwrap();
        assert!(
            unannounced[0].contains("set cckm_sync::CONTRACT_VERSION to 0.2.1"),
            "{unannounced:?}"
        );
        let no_section = announced(&v("0.2.0"), &v("0.2.1"), Step::Additive, "").unwrap();
        assert!(
            no_section[0].contains("has no section `## [contract 0.2.1]`"),
            "{no_section:?}"
        );
        assert_eq!(
            announced(&v("0.2.0"), &v("0.2.1"), Step::Additive, CHANGELOG_0_2_1),
            Ok(Vec::new())
        );
    }

    #[test]
    fn a_change_without_effect_on_the_wire_needs_nothing() {
        assert_eq!(announced(&v("0.2.0"), &v("0.2.0"), Step::None, ""), Ok(Vec::new()));
        assert!(announced(&v("0.2.0"), &v("0.1.9"), Step::None, "").is_err());
    }
}
