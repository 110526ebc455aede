//! The packages' version: the contract's, as each registry writes it.

use std::path::Path;

use serde_json::Value;

use super::layout::{OPENAPI, OPENAPI_30};
use crate::run::read_json;

/// `info.version` of the OpenAPI documents, which must agree.
pub(super) fn contract_version(root: &Path) -> Result<String, String> {
    let mut versions = Vec::new();
    for file in [OPENAPI, OPENAPI_30] {
        let document = read_json(&root.join(file))?;
        let version = document
            .pointer("/info/version")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{file} has no info.version"))?
            .to_owned();
        versions.push(version);
    }
    if versions[0] != versions[1] {
        return Err(format!(
            "{OPENAPI} says version {} and {OPENAPI_30} {}: run `cargo xtask codegen`",
            versions[0], versions[1]
        ));
    }
    Ok(versions.swap_remove(0))
}

/// A semantic version as PEP 440 writes it: `0.3.0-rc.1` → `0.3.0rc1`.
pub(super) fn python_version(version: &str) -> Result<String, String> {
    let parsed = semver::Version::parse(version).map_err(|error| format!("contract version {version:?}: {error}"))?;
    let release = format!("{}.{}.{}", parsed.major, parsed.minor, parsed.patch);
    if !parsed.build.is_empty() {
        return Err(format!(
            "contract version {version:?}: build metadata has no PEP 440 form"
        ));
    }
    if parsed.pre.is_empty() {
        return Ok(release);
    }
    let (kind, number) = parsed
        .pre
        .as_str()
        .split_once('.')
        .ok_or_else(|| format!("contract version {version:?}: a pre-release is `alpha.N`, `beta.N` or `rc.N`"))?;
    let kind = match kind {
        "alpha" => "a",
        "beta" => "b",
        "rc" => "rc",
        _ => {
            return Err(format!(
                "contract version {version:?}: a pre-release is `alpha.N`, `beta.N` or `rc.N`"
            ));
        }
    };
    let number: u64 = number
        .parse()
        .map_err(|_| format!("contract version {version:?}: a pre-release is `alpha.N`, `beta.N` or `rc.N`"))?;
    Ok(format!("{release}{kind}{number}"))
}

#[cfg(test)]
mod tests {
    use super::python_version;

    #[test]
    fn contract_versions_read_as_pep_440() {
        assert_eq!(python_version("0.2.0").as_deref(), Ok("0.2.0"));
        assert_eq!(python_version("0.3.0-rc.1").as_deref(), Ok("0.3.0rc1"));
        assert_eq!(python_version("1.0.0-alpha.2").as_deref(), Ok("1.0.0a2"));
        assert!(python_version("1.0.0-preview").is_err());
        assert!(python_version("1.0.0+build.5").is_err());
        assert!(python_version("1.0").is_err());
    }
}
