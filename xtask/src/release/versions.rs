//! How far a version moved, by the rules of `VERSIONING.md`, which the contract and the crates
//! share: the first non-zero component is the one that breaks.

use std::fmt;

use semver::Version;

/// How much a version step allows, weakest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Step {
    /// The same version.
    None,
    /// A step for additions: `MINOR` from 1.0.0 on, `PATCH` before.
    Additive,
    /// A step for breaking changes: `MAJOR` from 1.0.0 on, `MINOR` before.
    Breaking,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::None => "no version step",
            Self::Additive => "an additive version step",
            Self::Breaking => "a breaking version step",
        })
    }
}

/// `text` as a version, or why not.
pub(crate) fn parse(what: &str, text: &str) -> Result<Version, String> {
    Version::parse(text).map_err(|error| format!("{what} {text:?} is not a version: {error}"))
}

/// The step from `old` to `new`; an error if `new` is older.
pub(crate) fn step(old: &Version, new: &Version) -> Result<Step, String> {
    if new < old {
        return Err(format!("{new} is older than {old}"));
    }
    let breaking = if old.major > 0 {
        new.major != old.major
    } else {
        new.major != 0 || new.minor != old.minor
    };
    Ok(if breaking {
        Step::Breaking
    } else if new == old {
        Step::None
    } else {
        Step::Additive
    })
}

/// The smallest version after `old` that takes `step`.
pub(crate) fn next(old: &Version, step: Step) -> Version {
    match (step, old.major) {
        (Step::None, _) => old.clone(),
        (Step::Breaking, 0) => Version::new(0, old.minor + 1, 0),
        (Step::Breaking, major) => Version::new(major + 1, 0, 0),
        (Step::Additive, 0) => Version::new(0, old.minor, old.patch + 1),
        (Step::Additive, major) => Version::new(major, old.minor + 1, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    #[test]
    fn before_1_0_the_minor_component_breaks_and_the_patch_adds() {
        assert_eq!(step(&v("0.2.0"), &v("0.2.0")), Ok(Step::None));
        assert_eq!(step(&v("0.2.0"), &v("0.2.1")), Ok(Step::Additive));
        assert_eq!(step(&v("0.2.3"), &v("0.3.0")), Ok(Step::Breaking));
        assert_eq!(step(&v("0.2.3"), &v("1.0.0")), Ok(Step::Breaking));
        assert_eq!(next(&v("0.2.3"), Step::Breaking), v("0.3.0"));
        assert_eq!(next(&v("0.2.3"), Step::Additive), v("0.2.4"));
    }

    #[test]
    fn from_1_0_the_major_component_breaks_and_the_minor_adds() {
        assert_eq!(step(&v("1.4.2"), &v("1.4.3")), Ok(Step::Additive));
        assert_eq!(step(&v("1.4.2"), &v("1.5.0")), Ok(Step::Additive));
        assert_eq!(step(&v("1.4.2"), &v("2.0.0")), Ok(Step::Breaking));
        assert_eq!(next(&v("1.4.2"), Step::Breaking), v("2.0.0"));
        assert_eq!(next(&v("1.4.2"), Step::Additive), v("1.5.0"));
    }

    #[test]
    fn a_version_never_goes_back() {
        assert_eq!(
            step(&v("0.3.0"), &v("0.2.9")),
            Err("0.2.9 is older than 0.3.0".to_owned())
        );
        assert!(
            parse("the contract version", "0.2")
                .unwrap_err()
                .contains("not a version")
        );
    }
}
