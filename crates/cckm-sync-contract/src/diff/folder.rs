//! Two folders of schema files compared: files that appear or go away, each common file by
//! acceptance in the role its name and the references between files give it, and `$id`s.

use std::collections::{BTreeMap, BTreeSet};

use super::change::{Change, Impact, Place};
use super::judge::{Form, Judge, Role, Subject};
use super::models;
use super::openapi::role_by_name;
use super::schema::{self, Site};
use super::verdict;
use super::version::SCHEMA_SUFFIX;
use super::version::{DiffError, Version};

fn schema_of(file: &str) -> String {
    file.strip_suffix(SCHEMA_SUFFIX).unwrap_or(file).to_owned()
}

/// The role of each file: the request bodies this crate knows and the files they reach are
/// requests; the other files, and what they reach, responses.
fn roles(version: &Version) -> BTreeMap<String, Role> {
    let requests = models::request_schema_names();
    let (request_roots, response_roots): (Vec<&String>, Vec<&String>) = version
        .resources
        .keys()
        .partition(|file| role_by_name(&schema_of(file), &requests) == Role::Request);
    let mut roles: BTreeMap<String, Role> = BTreeMap::new();
    for (roots, role) in [(request_roots, Role::Request), (response_roots, Role::Response)] {
        for file in reached(version, &roots) {
            roles
                .entry(file)
                .and_modify(|existing| *existing = existing.with(role))
                .or_insert(role);
        }
    }
    roles
}

/// The files `roots` are and reach through `$ref`s.
fn reached(version: &Version, roots: &[&String]) -> BTreeSet<String> {
    let mut reached = BTreeSet::new();
    let mut queue: Vec<String> = roots.iter().map(|root| (*root).clone()).collect();
    while let Some(file) = queue.pop() {
        if !reached.insert(file.clone()) {
            continue;
        }
        if let Some(value) = version.resources.get(&file) {
            super::facts::references(value, 0, &mut |reference| {
                if let Ok(target) = schema::deref(version, &file, reference)
                    && !reached.contains(&target.resource)
                {
                    queue.push(target.resource);
                }
            });
        }
    }
    reached
}

pub(crate) fn compare(judge: &mut Judge<'_>) -> Result<Vec<Change>, DiffError> {
    let old = judge.old.version;
    let new = judge.new.version;
    let old_roles = roles(old);
    let new_roles = roles(new);
    let mut changes = Vec::new();
    let files: BTreeSet<&String> = old.resources.keys().chain(new.resources.keys()).collect();
    for file in files {
        let name = schema_of(file);
        let place = Place::Schema {
            schema: name.clone(),
            pointer: String::new(),
        };
        match (old.resources.contains_key(file), new.resources.contains_key(file)) {
            (true, false) => changes.push(Change::new(Impact::Breaking, place, "schema file removed")),
            (false, true) => changes.push(Change::new(Impact::Additive, place, "new schema file")),
            (true, true) => {
                let role = match (old_roles.get(file), new_roles.get(file)) {
                    (Some(before), Some(after)) => before.with(*after),
                    (Some(role), None) | (None, Some(role)) => *role,
                    (None, None) => Role::Response,
                };
                let subject = Subject {
                    name: Some(name.clone()),
                    old: Site::new(file, ""),
                    new: Site::new(file, ""),
                    role,
                    form: Form::Body,
                    examples: Vec::new(),
                    models: models::for_schema_name(&name),
                };
                let outcome = judge.judge(&subject)?;
                changes.extend(verdict::changes(&outcome, &subject, &place));
                if old.ids.get(file) != new.ids.get(file) {
                    changes.push(Change::new(
                        Impact::None,
                        Place::Schema {
                            schema: name,
                            pointer: "/$id".to_owned(),
                        },
                        "`$id` changed: the folder's references resolve to its own files whatever it says",
                    ));
                }
            }
            (false, false) => {}
        }
    }
    if old.contract_version != new.contract_version {
        changes.push(Change::new(
            Impact::None,
            Place::Document {
                pointer: "/$id".to_owned(),
            },
            format!(
                "contract version {} → {} (from the `$id`s)",
                old.contract_version.as_deref().unwrap_or("(none)"),
                new.contract_version.as_deref().unwrap_or("(none)")
            ),
        ));
    }
    Ok(changes)
}
