//! The rules of the wire that every endpoint shares: how the server reads and writes JSON.

use super::Evidence;

/// A rule of how the server reads or writes the JSON of every endpoint, with how sure the
/// catalog is of it. The parser and the schemas follow these rules.
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct WireRule {
    /// Short, stable name, such as `null-is-no-value`.
    pub name: &'static str,
    /// The rule, in one or two sentences.
    pub rule: &'static str,
    /// How sure the catalog is of it.
    pub evidence: Evidence,
    /// Where it comes from.
    pub source: &'static str,
}

/// The rules of the wire shared by every endpoint.
///
/// ```
/// use cckm_sync::endpoints::{Evidence, WIRE_RULES};
///
/// let null = WIRE_RULES.iter().find(|rule| rule.name == "null-is-no-value").unwrap();
/// assert_eq!(null.evidence, Evidence::Inferred);
/// ```
pub static WIRE_RULES: [WireRule; 3] = [
    WireRule {
        name: "empty-list-as-null",
        rule: "A list with no item may be written as `null` (`\"resources\": null`): a Go server writes a nil \
               slice so. `null`, `[]` and an absent field are different texts of no value.",
        evidence: Evidence::Code,
        source: "public clients check `resources` for `null` (the Ansible collection) or stop paging on it \
                 (the Terraform provider); Go's encoding/json writes a nil slice or map as `null`",
    },
    WireRule {
        name: "null-is-no-value",
        rule: "A field sent as `null` has no value, as if it were left out: `{\"kms\": [\"k\"], \
               \"synchronize_all\": null}` lists items, `\"regions\": null` means every region.",
        evidence: Evidence::Inferred,
        source: "Go's encoding/json reads `null` into a bool, string, number, list or map as its zero value, \
                 without error; the server is written in Go",
    },
    WireRule {
        name: "last-occurrence-wins",
        rule: "A field repeated in one object counts with its last occurrence; every occurrence must still \
               have the field's type.",
        evidence: Evidence::Inferred,
        source: "Go's encoding/json decodes each occurrence into the same field in turn; JSON Schema \
                 validators, JavaScript and Python keep the last occurrence too",
    },
];
