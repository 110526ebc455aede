//! What the outcome of judging a schema means for a client of the old version: the changes to
//! report, with their impact and the keyword that decides.

use super::change::{Change, Evidence, Impact, Place};
use super::judge::{Form, Outcome, Role, Subject, Written};
use super::schema;
use super::version::SCHEMA_SUFFIX;

/// What the outcome of a subject means for a client: the changes to report at `place`.
pub(crate) fn changes(outcome: &Outcome, subject: &Subject, place: &Place) -> Vec<Change> {
    let role = subject.role;
    let noun = match subject.form {
        Form::Body => "bodies",
        Form::Parameter { .. } => "values",
    };
    let mut out = Vec::new();
    if let Some(evidence) = &outcome.narrower {
        let (impact, summary) = match role {
            Role::Request => (Impact::Breaking, format!("accepts fewer {noun}")),
            Role::Response => (Impact::Additive, format!("allows fewer {noun} (narrowed)")),
            Role::Both => (
                Impact::Breaking,
                format!("accepts fewer {noun}, in a schema of requests and responses"),
            ),
        };
        out.push(Change::new(impact, place_at(place, evidence), summary).with_evidence(Some(evidence.clone())));
    }
    if let Some(evidence) = &outcome.wider {
        let (impact, summary) = match role {
            Role::Request => (Impact::Additive, format!("accepts more {noun}")),
            Role::Response => (Impact::Breaking, format!("allows {noun} the old version ruled out")),
            Role::Both => (
                Impact::Breaking,
                format!("accepts more {noun}, in a schema of requests and responses"),
            ),
        };
        out.push(Change::new(impact, place_at(place, evidence), summary).with_evidence(Some(evidence.clone())));
    }
    let (old, new) = &outcome.facts;
    for (path, known) in &new.known {
        let added: Vec<&String> = known
            .iter()
            .filter(|value| old.known.get(path).is_some_and(|old| !old.contains(*value)))
            .collect();
        if !added.is_empty() {
            let values: Vec<String> = added.iter().map(|value| format!("`{value}`")).collect();
            out.push(Change::new(
                Impact::Additive,
                place.clone(),
                format!(
                    "the open enum at `{}` lists a new known value {} (any string was and is accepted)",
                    display_path(path),
                    values.join(", ")
                ),
            ));
        }
    }
    for (path, known) in &old.known {
        let removed: Vec<String> = known
            .iter()
            .filter(|value| new.known.get(path).is_some_and(|new| !new.contains(*value)))
            .map(|value| format!("`{value}`"))
            .collect();
        if !removed.is_empty() {
            out.push(Change::new(
                Impact::None,
                place.clone(),
                format!(
                    "the open enum at `{}` no longer lists {} as known (it is still accepted)",
                    display_path(path),
                    removed.join(", ")
                ),
            ));
        }
    }
    if outcome.narrower.is_none() && outcome.wider.is_none() {
        let added: Vec<String> = new
            .listed
            .difference(&old.listed)
            .map(|path| format!("`{path}`"))
            .collect();
        let removed: Vec<String> = old
            .listed
            .difference(&new.listed)
            .map(|path| format!("`{path}`"))
            .collect();
        if !added.is_empty() {
            out.push(Change::new(
                Impact::Additive,
                place.clone(),
                format!("newly lists {} (the values accepted did not change)", added.join(", ")),
            ));
        }
        if !removed.is_empty() {
            out.push(Change::new(
                Impact::None,
                place.clone(),
                format!(
                    "no longer lists {} (the values accepted did not change)",
                    removed.join(", ")
                ),
            ));
        }
        if added.is_empty() && removed.is_empty() {
            match outcome.written {
                Written::Differently => out.push(Change::new(
                    Impact::None,
                    place.clone(),
                    format!(
                        "written in another form that accepts the same {noun} ({} probes judged alike)",
                        outcome.probes
                    ),
                )),
                Written::Equivalently => out.push(Change::new(
                    Impact::None,
                    place.clone(),
                    format!("written in another form that accepts the same {noun} (the same once normalized)"),
                )),
                Written::Alike => {}
            }
        }
    }
    out
}

fn display_path(path: &str) -> &str {
    if path.is_empty() { "(the value)" } else { path }
}

/// The place of a change of a schema file or component: the keyword that decides, when it is
/// in the schema itself.
fn place_at(place: &Place, evidence: &Evidence) -> Place {
    match place {
        Place::Schema { schema, .. } => {
            let (file, pointer) = evidence.refused.keyword_location.split_once('#').unwrap_or(("", ""));
            let own = file.strip_suffix(SCHEMA_SUFFIX) == Some(schema.as_str())
                || pointer.starts_with(&format!("/components/schemas/{}/", schema::escape(schema)));
            let pointer = if own {
                pointer
                    .strip_prefix(&format!("/components/schemas/{}", schema::escape(schema)))
                    .unwrap_or(pointer)
                    .to_owned()
            } else {
                String::new()
            };
            Place::Schema {
                schema: schema.clone(),
                pointer,
            }
        }
        other => other.clone(),
    }
}
