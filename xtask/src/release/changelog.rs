//! `CHANGELOG.md`: the sections of the contract's and the crates' releases, as the compatibility
//! gate and `cargo xtask release` read and date them.
//!
//! A release has a level-2 heading `## [contract 0.2.0] - 2026-12-07` or `## [crates 0.1.0] -
//! Unreleased` (Keep a Changelog's form, with the thing released named beside its version); its
//! section runs to the next level-2 heading. A change that can break a client is an entry marked
//! `**Breaking**`.

/// What a release heading names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Line {
    /// The contract (`openapi/`, `schemas/`).
    Contract,
    /// The crates, released together.
    Crates,
}

impl Line {
    pub(crate) fn word(self) -> &'static str {
        match self {
            Self::Contract => "contract",
            Self::Crates => "crates",
        }
    }
}

/// The marker of a breaking entry.
pub(crate) const BREAKING: &str = "**Breaking**";
/// The date of a section not released yet.
pub(crate) const UNRELEASED: &str = "Unreleased";

/// One release's section.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Section<'a> {
    /// The date after the heading, or [`UNRELEASED`].
    pub(crate) date: &'a str,
    /// The text under the heading.
    pub(crate) body: &'a str,
}

impl Section<'_> {
    /// Whether an entry of the section is marked [`BREAKING`].
    pub(crate) fn announces_a_breaking_change(&self) -> bool {
        self.body.lines().any(|line| {
            line.trim_start()
                .strip_prefix("- ")
                .is_some_and(|entry| entry.starts_with(BREAKING))
        })
    }
}

/// The heading of `line`'s release `version`, without its date.
pub(crate) fn heading(line: Line, version: &str) -> String {
    format!("## [{} {version}]", line.word())
}

/// The section of `line`'s release `version` in `changelog`, if there is one.
pub(crate) fn section<'a>(changelog: &'a str, line: Line, version: &str) -> Option<Section<'a>> {
    let heading = heading(line, version);
    let mut offset = 0;
    for text in changelog.split_inclusive('\n') {
        offset += text.len();
        let Some(rest) = text.trim_end().strip_prefix(heading.as_str()) else {
            continue;
        };
        let date = rest.strip_prefix(" - ").unwrap_or(rest).trim();
        let after = changelog.get(offset..).unwrap_or_default();
        let end = after
            .match_indices("\n## ")
            .next()
            .map_or(after.len(), |(index, _)| index + 1);
        return Some(Section {
            date,
            body: after.get(..end).unwrap_or(after),
        });
    }
    None
}

/// `changelog` with the heading of `line`'s release `version` dated `date`, or why not.
pub(crate) fn date(changelog: &str, line: Line, version: &str, date: &str) -> Result<String, String> {
    let heading = heading(line, version);
    let mut found = false;
    let lines: Vec<String> = changelog
        .split_inclusive('\n')
        .map(|text| {
            if !found && text.trim_end().starts_with(heading.as_str()) {
                found = true;
                format!("{heading} - {date}\n")
            } else {
                text.to_owned()
            }
        })
        .collect();
    if found {
        Ok(lines.concat())
    } else {
        Err(format!("CHANGELOG.md has no section `{heading}`"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHANGELOG: &str = "# Changelog\n\n## [Unreleased]\n\n\
        ## [contract 0.3.0] - Unreleased\n\n### Changed\n\n- **Breaking**: `sort` takes fields only.\n\n\
        ## [crates 0.2.0] - Unreleased\n\n- `diff`.\n\n\
        ## [contract 0.2.0] - 2026-12-07\n\n### Added\n\n- The token call.\n";

    #[test]
    fn a_section_runs_to_the_next_release() {
        let contract = section_of(Line::Contract, "0.3.0");
        assert_eq!(contract.date, UNRELEASED);
        assert_eq!(
            contract.body,
            "\n### Changed\n\n- **Breaking**: `sort` takes fields only.\n\n"
        );
        assert!(contract.announces_a_breaking_change());

        let crates = section_of(Line::Crates, "0.2.0");
        assert!(!crates.announces_a_breaking_change());
        assert_eq!(section_of(Line::Contract, "0.2.0").date, "2026-12-07");
        assert_eq!(section(CHANGELOG, Line::Crates, "0.3.0"), None);
        // A version is matched whole: 0.2.0 is not 0.2.0-rc.1, nor the other way round.
        assert_eq!(section(CHANGELOG, Line::Contract, "0.2"), None);
    }

    fn section_of(line: Line, version: &str) -> Section<'static> {
        section(CHANGELOG, line, version).unwrap()
    }

    #[test]
    fn a_mention_of_breaking_is_not_a_breaking_entry() {
        let text = "## [contract 0.2.1] - Unreleased\n\n- Nothing **Breaking** here.\n";
        assert!(
            !section(text, Line::Contract, "0.2.1")
                .unwrap()
                .announces_a_breaking_change()
        );
    }

    #[test]
    fn dating_a_release_changes_its_heading_only() {
        let dated = date(CHANGELOG, Line::Crates, "0.2.0", "2026-12-24").unwrap();
        assert_eq!(section(&dated, Line::Crates, "0.2.0").unwrap().date, "2026-12-24");
        assert_eq!(dated.len(), CHANGELOG.len());
        assert!(
            date(CHANGELOG, Line::Crates, "9.9.9", "2026-12-24")
                .unwrap_err()
                .contains("no section")
        );
    }
}
