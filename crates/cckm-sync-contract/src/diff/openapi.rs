//! Two OpenAPI documents compared: operations, parameters, bodies, statuses, content types,
//! security, servers, and the components no operation uses.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::canonical::canonical;
use super::change::{Change, Impact, Place};
use super::facts::{references, strip_annotations};
use super::judge::{Form, Judge, Role, Subject};
use super::models;
use super::operations::{Media, Operation, covering, document, is_json, is_success, operations};
use super::schema::{self, Site, join, schema_name};
use super::verdict;
use super::version::{DiffError, Version};
use cckm_sync::endpoints::Operation as CatalogOperation;

use crate::exchange::CatalogCall;

pub(crate) fn compare(judge: &mut Judge<'_>) -> Result<Vec<Change>, DiffError> {
    let old_version = judge.old.version;
    let new_version = judge.new.version;
    let old = operations(old_version)?;
    let new = operations(new_version)?;
    let mut changes = document_changes(old_version, new_version);
    for (key, operation) in &old {
        if !new.contains_key(key) {
            changes.push(Change::new(
                Impact::Breaking,
                Place::Operation {
                    operation: operation.name.clone(),
                },
                "operation removed",
            ));
        }
    }
    for (key, operation) in &new {
        match old.get(key) {
            None => changes.push(Change::new(
                Impact::Additive,
                Place::Operation {
                    operation: operation.name.clone(),
                },
                "operation added",
            )),
            Some(before) => compare_operation(judge, before, operation, &mut changes)?,
        }
    }
    compare_components(judge, &old, &new, &mut changes)?;
    Ok(changes)
}

fn document_changes(old: &Version, new: &Version) -> Vec<Change> {
    let mut changes = Vec::new();
    if old.contract_version != new.contract_version {
        changes.push(Change::new(
            Impact::None,
            Place::Document {
                pointer: "/info/version".to_owned(),
            },
            format!(
                "contract version {} → {}",
                old.contract_version.as_deref().unwrap_or("(none)"),
                new.contract_version.as_deref().unwrap_or("(none)")
            ),
        ));
    }
    if old.openapi != new.openapi {
        changes.push(Change::new(
            Impact::None,
            Place::Document {
                pointer: "/openapi".to_owned(),
            },
            format!(
                "OpenAPI {} → {}: the same wire in another version of OpenAPI",
                old.openapi.as_deref().unwrap_or("?"),
                new.openapi.as_deref().unwrap_or("?")
            ),
        ));
    }
    let pointers: BTreeSet<&String> = old.ids.keys().chain(new.ids.keys()).collect();
    for pointer in pointers {
        if old.ids.get(pointer) == new.ids.get(pointer) {
            continue;
        }
        let place = match pointer.strip_prefix("/components/schemas/") {
            Some(name) if !name.contains('/') => Place::Schema {
                schema: name.replace("~1", "/").replace("~0", "~"),
                pointer: "/$id".to_owned(),
            },
            _ => Place::Document {
                pointer: join(pointer, "$id"),
            },
        };
        changes.push(Change::new(
            Impact::None,
            place,
            "`$id` changed: references inside the document resolve to it whatever it says",
        ));
    }
    let (_, old_root) = document(old);
    let (_, new_root) = document(new);
    let servers = |root: &Value| -> BTreeSet<String> {
        root.get("servers")
            .and_then(Value::as_array)
            .map(|servers| {
                servers
                    .iter()
                    .filter_map(|server| server.get("url").and_then(Value::as_str).map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (old_servers, new_servers) = (servers(old_root), servers(new_root));
    for url in old_servers.difference(&new_servers) {
        changes.push(Change::new(
            Impact::Breaking,
            Place::Document {
                pointer: "/servers".to_owned(),
            },
            format!("server `{url}` removed"),
        ));
    }
    for url in new_servers.difference(&old_servers) {
        changes.push(Change::new(
            Impact::Additive,
            Place::Document {
                pointer: "/servers".to_owned(),
            },
            format!("server `{url}` added"),
        ));
    }
    let schemes = |root: &Value| -> BTreeMap<String, Value> {
        root.pointer("/components/securitySchemes")
            .and_then(Value::as_object)
            .map(|schemes| {
                schemes
                    .iter()
                    .map(|(name, scheme)| (name.clone(), strip_annotations(scheme)))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (old_schemes, new_schemes) = (schemes(old_root), schemes(new_root));
    for (name, scheme) in &old_schemes {
        let pointer = join("/components/securitySchemes", name);
        match new_schemes.get(name) {
            None => changes.push(Change::new(
                Impact::Breaking,
                Place::Document { pointer },
                "security scheme removed",
            )),
            Some(after) if after != scheme => changes.push(Change::new(
                Impact::Breaking,
                Place::Document { pointer },
                "security scheme changed: clients of the old version send other credentials",
            )),
            Some(_) => {}
        }
    }
    changes
}

fn compare_operation(
    judge: &mut Judge<'_>,
    old: &Operation,
    new: &Operation,
    changes: &mut Vec<Change>,
) -> Result<(), DiffError> {
    let operation = new.name.clone();
    let keys: BTreeSet<&(String, String)> = old.parameters.keys().chain(new.parameters.keys()).collect();
    for key in keys {
        let (location, _) = key;
        let name = new
            .parameters
            .get(key)
            .or_else(|| old.parameters.get(key))
            .map(|parameter| parameter.form.name.clone())
            .unwrap_or_default();
        let place = Place::Parameter {
            operation: operation.clone(),
            name: name.clone(),
            location: location.clone(),
        };
        match (old.parameters.get(key), new.parameters.get(key)) {
            (Some(_), None) => changes.push(Change::new(Impact::Breaking, place, "parameter removed")),
            (None, Some(added)) if added.required => {
                changes.push(Change::new(Impact::Breaking, place, "new required parameter"));
            }
            (None, Some(_)) => changes.push(Change::new(Impact::Additive, place, "new optional parameter")),
            (Some(before), Some(after)) => {
                if !before.required && after.required {
                    changes.push(Change::new(
                        Impact::Breaking,
                        place.clone(),
                        "the parameter is now required",
                    ));
                } else if before.required && !after.required {
                    changes.push(Change::new(
                        Impact::Additive,
                        place.clone(),
                        "the parameter is now optional",
                    ));
                }
                if (before.form.style.as_str(), before.form.explode) != (after.form.style.as_str(), after.form.explode)
                {
                    changes.push(Change::new(
                        Impact::Breaking,
                        place.clone(),
                        format!(
                            "written differently: style {}, explode {} → style {}, explode {}",
                            before.form.style, before.form.explode, after.form.style, after.form.explode
                        ),
                    ));
                }
                if let (Some(old_schema), Some(new_schema)) = (&before.schema, &after.schema) {
                    let models = match (new.call, location.as_str()) {
                        (
                            Some(CatalogCall::Job {
                                endpoint,
                                operation: CatalogOperation::List,
                                ..
                            }),
                            "query",
                        ) => models::list_values(endpoint.family, &name),
                        (
                            Some(CatalogCall::Job {
                                operation: CatalogOperation::Get | CatalogOperation::Cancel,
                                ..
                            }),
                            "path",
                        ) => models::job_ids(),
                        _ => Vec::new(),
                    };
                    let subject = Subject {
                        name: schema_name(judge.new.version, new_schema),
                        old: old_schema.clone(),
                        new: new_schema.clone(),
                        role: Role::Request,
                        form: Form::Parameter {
                            old: before.form.clone(),
                            new: after.form.clone(),
                        },
                        examples: before.examples.iter().chain(&after.examples).cloned().collect(),
                        models,
                    };
                    let outcome = judge.judge(&subject)?;
                    changes.extend(verdict::changes(&outcome, &subject, &place));
                }
            }
            (None, None) => {}
        }
    }
    let body_place = |media_type: Option<&str>| Place::RequestBody {
        operation: operation.clone(),
        media_type: media_type.map(str::to_owned),
    };
    match (&old.body, &new.body) {
        (None, Some(body)) if body.required => {
            changes.push(Change::new(
                Impact::Breaking,
                body_place(None),
                "a request body is now required",
            ));
        }
        (None, Some(_)) => changes.push(Change::new(
            Impact::Additive,
            body_place(None),
            "takes an optional request body",
        )),
        (Some(_), None) => changes.push(Change::new(Impact::Breaking, body_place(None), "request body removed")),
        (Some(before), Some(after)) => {
            if !before.required && after.required {
                changes.push(Change::new(
                    Impact::Breaking,
                    body_place(None),
                    "the request body is now required",
                ));
            } else if before.required && !after.required {
                changes.push(Change::new(
                    Impact::Additive,
                    body_place(None),
                    "the request body is now optional",
                ));
            }
            let models = match new.call {
                Some(CatalogCall::Job {
                    endpoint,
                    operation: CatalogOperation::Start,
                    ..
                }) => models::start_bodies(endpoint.family),
                Some(CatalogCall::Token) => models::token_bodies(),
                _ => Vec::new(),
            };
            compare_media(
                judge,
                &before.content,
                &after.content,
                Role::Request,
                &models,
                &|media_type| body_place(Some(media_type)),
                changes,
            )?;
        }
        (None, None) => {}
    }
    let statuses: BTreeSet<&String> = old.responses.keys().chain(new.responses.keys()).collect();
    for status in statuses {
        let place = |media_type: Option<&str>| Place::Response {
            operation: operation.clone(),
            status: status.clone(),
            media_type: media_type.map(str::to_owned),
        };
        let before = old
            .responses
            .get(status)
            .or_else(|| covering(&old.responses, status).and_then(|key| old.responses.get(key)));
        let after = new
            .responses
            .get(status)
            .or_else(|| covering(&new.responses, status).and_then(|key| new.responses.get(key)));
        match (
            old.responses.contains_key(status),
            new.responses.contains_key(status),
            before,
            after,
        ) {
            (false, true, None, _) if is_success(status) => changes.push(Change::new(
                Impact::Breaking,
                place(None),
                "new success status: a client of the old version does not expect it",
            )),
            (false, true, None, _) => changes.push(Change::new(
                Impact::Additive,
                place(None),
                "new error status (the API can always fail)",
            )),
            (true, false, _, None) => changes.push(Change::new(Impact::Breaking, place(None), "status removed")),
            (_, _, Some(before), Some(after)) => compare_media(
                judge,
                before,
                after,
                Role::Response,
                &[],
                &|media_type| place(Some(media_type)),
                changes,
            )?,
            _ => {}
        }
    }
    let breaks = old
        .security
        .iter()
        .any(|alternative| !new.security.iter().any(|required| required.is_subset(alternative)));
    let widens = new
        .security
        .iter()
        .any(|alternative| !old.security.iter().any(|required| required.is_subset(alternative)));
    let place = Place::Operation {
        operation: operation.clone(),
    };
    if breaks {
        changes.push(Change::new(
            Impact::Breaking,
            place.clone(),
            "asks for credentials the old version did not (security)",
        ));
    }
    if widens {
        changes.push(Change::new(
            Impact::Additive,
            place,
            "accepts requests with credentials the old version refused (security)",
        ));
    }
    Ok(())
}

fn compare_media(
    judge: &mut Judge<'_>,
    old: &Media,
    new: &Media,
    role: Role,
    models: &[Value],
    place: &dyn Fn(&str) -> Place,
    changes: &mut Vec<Change>,
) -> Result<(), DiffError> {
    let types: BTreeSet<&String> = old.types.keys().chain(new.types.keys()).collect();
    let request = role == Role::Request;
    for media_type in types {
        match (old.types.get(media_type), new.types.get(media_type)) {
            (Some(_), None) if request => changes.push(Change::new(
                Impact::Breaking,
                place(media_type),
                "the content type is no longer accepted",
            )),
            (Some(_), None) => changes.push(Change::new(
                Impact::Additive,
                place(media_type),
                "no longer answers with this content type",
            )),
            (None, Some(_)) if request => changes.push(Change::new(
                Impact::Additive,
                place(media_type),
                "accepts a new content type",
            )),
            (None, Some(_)) => changes.push(Change::new(
                Impact::Breaking,
                place(media_type),
                "answers with a new content type: a client of the old version does not expect it",
            )),
            (Some((old_schema, old_examples)), Some((new_schema, new_examples))) => {
                let (Some(old_schema), Some(new_schema)) = (old_schema, new_schema) else {
                    let (impact, summary) = match (old_schema.is_some(), new_schema.is_some(), request) {
                        (true, false, true) => (Impact::Additive, "no schema any more: any body is accepted"),
                        (true, false, false) => (Impact::Breaking, "no schema any more: any body may arrive"),
                        (false, true, true) => (
                            Impact::Breaking,
                            "a schema now judges the body: a request of the old version may be refused",
                        ),
                        (false, true, false) => (Impact::Additive, "a schema now describes the body"),
                        _ => continue,
                    };
                    changes.push(Change::new(impact, place(media_type), summary));
                    continue;
                };
                let subject = Subject {
                    name: schema_name(judge.new.version, new_schema),
                    old: old_schema.clone(),
                    new: new_schema.clone(),
                    role,
                    form: Form::Body,
                    examples: old_examples.iter().chain(new_examples).cloned().collect(),
                    models: models.to_vec(),
                };
                if !is_json(media_type) {
                    let old_form = canonical(&judge_resolved(judge, &subject, true)?, 0);
                    let new_form = canonical(&judge_resolved(judge, &subject, false)?, 0);
                    if old_form != new_form {
                        changes.push(Change::new(
                            Impact::None,
                            place(media_type),
                            "the schema changed; not judged: the content type is not JSON",
                        ));
                    }
                    continue;
                }
                let outcome = judge.judge(&subject)?;
                changes.extend(verdict::changes(&outcome, &subject, &place(media_type)));
            }
            (None, None) => {}
        }
    }
    Ok(())
}

fn judge_resolved(judge: &Judge<'_>, subject: &Subject, old: bool) -> Result<Value, DiffError> {
    let (version, site) = if old {
        (judge.old.version, &subject.old)
    } else {
        (judge.new.version, &subject.new)
    };
    schema::Resolver::new(version)
        .resolve(site)
        .map_err(|reason| DiffError::new(&version.label, Some(&site.pointer), reason))
}

/// The components each operation reaches through `$ref`s, and the role that gives them.
fn component_roles(version: &Version, operations: &BTreeMap<String, Operation>) -> BTreeMap<String, Role> {
    let mut roles: BTreeMap<String, Role> = BTreeMap::new();
    for operation in operations.values() {
        let requests = operation
            .parameters
            .values()
            .filter_map(|parameter| parameter.schema.clone())
            .chain(
                operation
                    .body
                    .iter()
                    .flat_map(|body| body.content.types.values().filter_map(|(schema, _)| schema.clone())),
            );
        let responses = operation
            .responses
            .values()
            .flat_map(|media| media.types.values().filter_map(|(schema, _)| schema.clone()));
        for (sites, role) in [
            (requests.collect::<Vec<_>>(), Role::Request),
            (responses.collect::<Vec<_>>(), Role::Response),
        ] {
            for name in reached(version, &sites) {
                roles
                    .entry(name)
                    .and_modify(|existing| *existing = existing.with(role))
                    .or_insert(role);
            }
        }
    }
    roles
}

/// The names of the components the schemas at `sites` reach through `$ref`s.
fn reached(version: &Version, sites: &[Site]) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut visited = BTreeSet::new();
    let mut queue: Vec<Site> = sites.to_vec();
    while let Some(site) = queue.pop() {
        if !visited.insert(site.clone()) || visited.len() > 100_000 {
            continue;
        }
        if let Some(name) = site
            .pointer
            .strip_prefix("/components/schemas/")
            .and_then(|rest| rest.split('/').next())
        {
            names.insert(name.replace("~1", "/").replace("~0", "~"));
        }
        if let Some(value) = site.value(version) {
            references(value, 0, &mut |reference| {
                if let Ok(target) = schema::deref(version, &site.resource, reference) {
                    queue.push(target);
                }
            });
        }
    }
    names
}

fn component_names(version: &Version) -> BTreeSet<String> {
    document(version)
        .1
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| schemas.keys().cloned().collect())
        .unwrap_or_default()
}

/// The role of a schema no operation uses, from its name: the request bodies this crate
/// knows are requests, the rest responses.
pub(crate) fn role_by_name(name: &str, requests: &BTreeSet<String>) -> Role {
    if requests.iter().any(|request| name.starts_with(request.as_str())) {
        Role::Request
    } else {
        Role::Response
    }
}

fn compare_components(
    judge: &mut Judge<'_>,
    old_operations: &BTreeMap<String, Operation>,
    new_operations: &BTreeMap<String, Operation>,
    changes: &mut Vec<Change>,
) -> Result<(), DiffError> {
    let old_version = judge.old.version;
    let new_version = judge.new.version;
    let old_roles = component_roles(old_version, old_operations);
    let new_roles = component_roles(new_version, new_operations);
    let old_names = component_names(old_version);
    let new_names = component_names(new_version);
    let requests = models::request_schema_names();
    let (old_resource, _) = document(old_version);
    let (new_resource, _) = document(new_version);
    for name in old_names.union(&new_names) {
        let place = Place::Schema {
            schema: name.clone(),
            pointer: String::new(),
        };
        let used_before = old_roles.get(name).copied();
        let used_after = new_roles.get(name).copied();
        match (old_names.contains(name), new_names.contains(name)) {
            (true, false) if used_before.is_some() => changes.push(Change::new(
                Impact::None,
                place,
                "no longer a named component: the operations that used it are judged where they are",
            )),
            (true, false) => changes.push(Change::new(Impact::Breaking, place, "schema removed")),
            (false, true) if used_after.is_some() => changes.push(Change::new(
                Impact::None,
                place,
                "new named component: the operations that use it are judged where they are",
            )),
            (false, true) => changes.push(Change::new(Impact::Additive, place, "new schema")),
            (true, true) => {
                let shared = used_before == Some(Role::Both) || used_after == Some(Role::Both);
                let role = if shared {
                    Role::Both
                } else if used_before.is_none() {
                    role_by_name(name, &requests)
                } else {
                    continue;
                };
                let pointer = join("/components/schemas", name);
                let subject = Subject {
                    name: Some(name.clone()),
                    old: Site::new(old_resource, &pointer),
                    new: Site::new(new_resource, &pointer),
                    role,
                    form: Form::Body,
                    examples: Vec::new(),
                    models: models::for_schema_name(name),
                };
                let outcome = judge.judge(&subject)?;
                changes.extend(verdict::changes(&outcome, &subject, &place));
            }
            (false, false) => {}
        }
    }
    Ok(())
}
