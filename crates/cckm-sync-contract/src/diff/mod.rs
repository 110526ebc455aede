//! Compares two versions of the contract and says, for each change, whether a client of the
//! old version can break: what `cckm-sync diff` is made of, and what a release gate calls.
//!
//! A version is an OpenAPI document (3.1, or 3.0.x converted to JSON Schema 2020-12 first) or
//! a folder of `*.schema.json` files ([`Version::load`]). [`compare`] lists every [`Change`]
//! with its [`Impact`], its [`Place`], a one-line summary and, when the verdict comes from
//! acceptance, the [`Evidence`]: a probe value, and whether each version accepts it.
//!
//! Verdicts come from structure (an operation, a parameter, a status, a content type or a
//! schema file that appears or goes away, a parameter that becomes required) **and from
//! acceptance**: every schema whose form changed is given probes — the `example`, `examples`,
//! `default`, `enum` and `const` values of both versions, start bodies and list query values
//! built with the `cckm-sync` model crate and its endpoint catalog, instances generated from
//! both versions of the schema (strings from `pattern`s included) and mutations of them — and
//! each probe is validated against both versions (the `jsonschema` crate, draft 2020-12,
//! formats checked, no reference ever fetched). A query parameter's probes are judged as the
//! text of a query string: repeated for an array, integers written as text.
//!
//! The rules a client relies on:
//!
//! - [`Impact::Breaking`]: a request the old version accepted is refused (a parameter value, a
//!   start body); a response the old version ruled out may arrive (a wider response schema, a
//!   new success status, a new content type); an operation, a parameter, a status or a schema
//!   file removed; a parameter or a body that becomes required; any acceptance change of a
//!   schema used by requests and responses alike.
//! - [`Impact::Additive`]: a new operation, optional parameter, error status (4xx, 5xx) or
//!   schema file; a request refused that is now accepted; a response narrowed; an open enum
//!   (known values plus any string, as `overall_status` and `cloud` are) that lists a new
//!   known value; a property newly listed where acceptance did not change.
//! - [`Impact::None`]: nothing changes on the wire: descriptions, examples, titles, key order,
//!   `$comment`, `info.version`, `$id`, or an equivalent schema form.
//!
//! A schema's role (request, response or both) comes from how the document uses it, following
//! `$ref`s; for a folder of schema files, from the body kinds this crate knows (start requests
//! and the token request are requests, the rest responses) and the references between files.
//! A folder's `$ref`s resolve to the folder's own files whatever their `$id` says, so that a
//! versioned `$id` changes nothing.
//!
//! ```
//! use cckm_sync_contract::diff::{self, Impact, Place, Version};
//!
//! let old = Version::from_openapi_str("old.json", r#"{
//!     "openapi": "3.1.0", "info": {"title": "jobs", "version": "0.1.0"},
//!     "paths": {"/jobs": {"get": {
//!         "parameters": [{"name": "sort", "in": "query", "schema": {"type": "string", "examples": ["name,-updatedAt"]}}],
//!         "responses": {"200": {"description": "a page"}}
//!     }}}
//! }"#)?;
//! let new = Version::from_openapi_str("new.json", r#"{
//!     "openapi": "3.1.0", "info": {"title": "jobs", "version": "0.2.0"},
//!     "paths": {"/jobs": {"get": {
//!         "parameters": [{"name": "sort", "in": "query", "schema": {"type": "string", "pattern": "^-?(id|createdAt)$"}}],
//!         "responses": {"200": {"description": "a page"}, "404": {"description": "no such job"}}
//!     }}}
//! }"#)?;
//!
//! let diff = diff::compare(&old, &new)?;
//! assert!(diff.is_breaking());
//! let sort = diff.changes.iter().find(|change| change.impact == Impact::Breaking).unwrap();
//! assert_eq!(sort.place.to_string(), "GET /jobs query parameter sort");
//! assert_eq!(
//!     sort.evidence.as_ref().unwrap().to_string(),
//!     "`sort=name,-updatedAt` was accepted and is now refused",
//! );
//! assert!(diff.changes.iter().any(|change| change.impact == Impact::Additive
//!     && matches!(&change.place, Place::Response { status, .. } if status == "404")));
//! assert_eq!((diff.old.version.as_deref(), diff.new.version.as_deref()), (Some("0.1.0"), Some("0.2.0")));
//! # Ok::<(), cckm_sync_contract::diff::DiffError>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

mod annotations;
mod canonical;
mod change;
mod facts;
mod folder;
mod generate;
mod judge;
mod load;
mod minimize;
mod models;
mod numbers;
mod openapi;
mod operations;
mod pattern;
mod probes;
mod read;
mod schema;
mod verdict;
mod version;

pub use change::{Acceptance, Change, Evidence, Impact, Place, ProbeForm, ProbeSource, Refusal};
pub use version::{DiffError, Version, VersionKind};

/// The version of the JSON form of a [`Diff`]; raised when a field changes meaning or goes
/// away.
pub const DIFF_VERSION: u32 = 1;

/// A version as a [`Diff`] names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VersionSummary {
    /// The path it was read from (or its label).
    pub path: String,
    /// A document or a folder.
    pub kind: VersionKind,
    /// The contract's version ([`Version::contract_version`]).
    pub version: Option<String>,
}

/// Counts of a [`Diff`]'s changes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DiffTotals {
    /// Breaking changes.
    pub breaking: usize,
    /// Additive changes.
    pub additive: usize,
    /// Changes with no effect on the wire.
    pub none: usize,
    /// Probes judged by both versions.
    pub probes: usize,
}

/// Every change between two versions, breaking ones first. Its JSON form (`serde`) is the
/// documented output of `cckm-sync diff --format json`.
#[derive(Clone, Debug, Serialize)]
pub struct Diff {
    /// [`DIFF_VERSION`].
    pub diff_version: u32,
    /// The old version.
    pub old: VersionSummary,
    /// The new version.
    pub new: VersionSummary,
    /// Whether a change is breaking.
    pub breaking: bool,
    /// Counts.
    pub totals: DiffTotals,
    /// Every change, one per place: breaking first, then additive, then none; within an
    /// impact, operations, parameters, request bodies, responses, schemas, the document.
    pub changes: Vec<Change>,
}

impl Diff {
    /// Whether a client of the old version can break.
    pub fn is_breaking(&self) -> bool {
        self.breaking
    }

    /// The changes grouped for people: changes of the same impact, kind of place and summary,
    /// decided by the same keyword of the same named schema (or shown by the same probe), on
    /// several operations or schemas, are one group; in the order of
    /// [`changes`](Self::changes).
    pub fn groups(&self) -> Vec<ChangeGroup<'_>> {
        let mut order: Vec<ChangeGroup<'_>> = Vec::new();
        let mut index: BTreeMap<(Impact, String, String, Option<String>), usize> = BTreeMap::new();
        for change in &self.changes {
            let within = match (&change.place, &change.evidence) {
                (Place::Schema { .. }, Some(_)) => "schema".to_owned(),
                (place, _) => place.within(),
            };
            let key = (change.impact, within, change.summary.clone(), decider(change));
            match index.get(&key).and_then(|&at| order.get_mut(at)) {
                Some(group) if change.place.member().is_some() => group.changes.push(change),
                _ => {
                    index.insert(key, order.len());
                    order.push(ChangeGroup { changes: vec![change] });
                }
            }
        }
        order
    }
}

/// What makes changes the same change: the keyword that decides, when it is in a named
/// schema (a component or a schema file, shared by the places that use it), or else the
/// probe that shows it.
fn decider(change: &Change) -> Option<String> {
    let evidence = change.evidence.as_ref()?;
    let location = &evidence.refused.keyword_location;
    let named = location.split_once('#').is_some_and(|(file, pointer)| {
        pointer.starts_with("/components/schemas/") || file.ends_with(version::SCHEMA_SUFFIX)
    });
    Some(if named {
        format!("{} {} {location}", evidence.old.word(), evidence.new.word())
    } else {
        evidence.to_string()
    })
}

/// Changes that differ only by the operation (or schema) they are on.
#[derive(Clone, Debug)]
pub struct ChangeGroup<'a> {
    /// The changes, at least one.
    pub changes: Vec<&'a Change>,
}

/// How many operations or schemas a group names in its line before `and N more`.
const NAMED_MEMBERS: usize = 3;

impl ChangeGroup<'_> {
    /// The impact of the group's changes.
    pub fn impact(&self) -> Impact {
        self.changes.first().map_or(Impact::None, |change| change.impact)
    }

    /// The simplest evidence of the group's changes, if they have evidence.
    pub fn evidence(&self) -> Option<&Evidence> {
        self.changes
            .iter()
            .filter_map(|change| change.evidence.as_ref())
            .min_by_key(|evidence| evidence.probe.len())
    }
}

impl fmt::Display for ChangeGroup<'_> {
    /// One line: the place (with how many and which operations or schemas), the summary and
    /// the evidence; without the impact.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(first) = self.changes.first() else {
            return Ok(());
        };
        if self.changes.len() == 1 {
            return write!(f, "{first}");
        }
        // The operations (with their statuses) or schemas of the group, in order.
        let mut members: Vec<(String, Vec<String>)> = Vec::new();
        for change in &self.changes {
            let (member, status) = match &change.place {
                Place::Response { operation, status, .. } => (operation.clone(), Some(status.clone())),
                Place::Operation { operation }
                | Place::Parameter { operation, .. }
                | Place::RequestBody { operation, .. } => (operation.clone(), None),
                Place::Schema { schema, .. } => (schema.clone(), None),
                Place::Document { .. } | Place::Annotations { .. } => continue,
            };
            match members.iter_mut().find(|(name, _)| *name == member) {
                Some((_, statuses)) => statuses.extend(status),
                None => members.push((member, status.into_iter().collect())),
            }
        }
        let within = match &first.place {
            Place::Parameter { name, location, .. } => format!("{location} parameter {name} of "),
            Place::RequestBody { media_type, .. } => match media_type {
                Some(media_type) => format!("request body {media_type} of "),
                None => "request body of ".to_owned(),
            },
            Place::Response { media_type, .. } => match media_type {
                Some(media_type) => format!("response {media_type} of "),
                None => "response of ".to_owned(),
            },
            Place::Schema { pointer, .. } if !pointer.is_empty() && first.evidence.is_none() => {
                format!("{pointer} of ")
            }
            _ => String::new(),
        };
        let noun = match first.place {
            Place::Schema { .. } => "schemas",
            _ => "operations",
        };
        let named: Vec<String> = members
            .iter()
            .take(NAMED_MEMBERS)
            .map(|(member, statuses)| {
                if statuses.is_empty() {
                    member.clone()
                } else {
                    format!("{member} {}", statuses.join(", "))
                }
            })
            .collect();
        write!(f, "{within}{} {noun} ({}", members.len(), named.join(", "))?;
        let more = members.len().saturating_sub(NAMED_MEMBERS);
        if more > 0 {
            write!(f, " and {more} more")?;
        }
        write!(f, "): {}", first.summary)?;
        if let Some(evidence) = self.evidence() {
            write!(f, ": {evidence}")?;
        }
        Ok(())
    }
}

/// Compares two versions of the same kind (two documents, 3.0 or 3.1, or two folders).
///
/// Fails when one is a document and the other a folder, or when a schema cannot be compiled
/// or grows beyond the bounds set on hostile input once its references are resolved.
pub fn compare(old: &Version, new: &Version) -> Result<Diff, DiffError> {
    if old.kind.is_document() != new.kind.is_document() {
        return Err(DiffError::new(
            &new.label,
            None,
            format!(
                "cannot compare {} ({}) with {} ({}): give two OpenAPI documents or two folders of schema files",
                old.kind, old.label, new.kind, new.label
            ),
        ));
    }
    let mut judge = judge::Judge::new(old, new)?;
    let mut changes = if old.kind.is_document() {
        openapi::compare(&mut judge)?
    } else {
        folder::compare(&mut judge)?
    };
    changes.extend(annotations::compare(old, new));
    // Breaking first; within an impact, operations, then parameters, bodies, responses,
    // schemas and the document, each in the order of the document.
    changes.sort_by_key(|change| (change.impact, change.place.rank()));
    let mut totals = DiffTotals {
        probes: judge.probes(),
        ..DiffTotals::default()
    };
    for change in &changes {
        match change.impact {
            Impact::Breaking => totals.breaking += 1,
            Impact::Additive => totals.additive += 1,
            Impact::None => totals.none += 1,
        }
    }
    Ok(Diff {
        diff_version: DIFF_VERSION,
        old: summary(old),
        new: summary(new),
        breaking: totals.breaking > 0,
        totals,
        changes,
    })
}

fn summary(version: &Version) -> VersionSummary {
    VersionSummary {
        path: version.label.clone(),
        kind: version.kind,
        version: version.contract_version.clone(),
    }
}
