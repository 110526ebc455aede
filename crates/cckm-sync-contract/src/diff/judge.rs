//! Acceptance: both versions of a schema judge the same probes, and what they judge
//! differently is the evidence of a change.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use jsonschema::{Draft, PatternCache, Registry, Validator};
use serde_json::{Value, json};

use super::canonical::{canonical, fingerprint, sorted_string};
use super::change::{Acceptance, Evidence, ProbeForm, ProbeSource, Refusal};
use super::facts::{Facts, strip_annotations, types};
use super::generate::{Generator, mutations};
use super::minimize::minimize;
use super::probes::{ParameterForm, Probe};
use super::schema::{Resolver, Site, encode_fragment};
use super::version::{DiffError, Version, VersionKind};
use crate::schemas::{shorten, validation_options};

/// The most probes one schema is given.
const MAX_PROBES: usize = 3_000;
/// The most probes of a whole comparison: beyond them the documents are too large (or
/// hostile) to compare in the time a release gate has.
const MAX_TOTAL_PROBES: usize = 500_000;
/// The most mutations of one base instance.
const MAX_MUTATIONS: usize = 400;
/// The longest reason of a refusal, in characters.
const MAX_REASON: usize = 200;
/// The made-up base of the resources a validator is built from: a name, never fetched.
const BASE: &str = "https://cckm-sync.invalid/diff/";

/// What a schema is used for, which decides what a change of its acceptance means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Role {
    /// What clients send: accepting less breaks them.
    Request,
    /// What clients receive: allowing more breaks them.
    Response,
    /// Both: any change of acceptance breaks a client.
    Both,
}

impl Role {
    pub(crate) fn with(self, other: Self) -> Self {
        if self == other { self } else { Self::Both }
    }
}

/// How a probe reaches the schema.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Form {
    /// As a JSON body.
    Body,
    /// As the text of a parameter: written in the old version's form, read in each
    /// version's.
    Parameter { old: ParameterForm, new: ParameterForm },
}

/// A schema in both versions, and what to judge it with.
pub(crate) struct Subject {
    pub(crate) old: Site,
    pub(crate) new: Site,
    pub(crate) role: Role,
    pub(crate) form: Form,
    /// Examples given where the schema is used (a parameter's or a media type's).
    pub(crate) examples: Vec<Value>,
    /// Probes built with the model crate.
    pub(crate) models: Vec<Value>,
    /// The schema's name, when it is a component or a schema file.
    pub(crate) name: Option<String>,
}

/// How the two versions of a schema are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Written {
    /// Alike, but for annotations.
    Alike,
    /// Differently, with the same canonical form: the same schema.
    Equivalently,
    /// With different canonical forms: probes decide.
    Differently,
}

/// What the comparison of a subject found.
#[derive(Debug)]
pub(crate) struct Outcome {
    /// How the versions are written (probes are judged only when differently).
    pub(crate) written: Written,
    /// A probe the old version accepts and the new one refuses.
    pub(crate) narrower: Option<Evidence>,
    /// A probe the old version refuses and the new one accepts.
    pub(crate) wider: Option<Evidence>,
    pub(crate) facts: (Facts, Facts),
    pub(crate) probes: usize,
}

/// A schema of one version, resolved once.
struct Resolved {
    value: Value,
    canonical: Value,
    key: String,
    /// The schema as written, annotations left out.
    written: String,
    /// The `examples`, `default`, `enum` and `const` values of the schema itself.
    examples: Vec<Value>,
    facts: Facts,
    kinds: BTreeSet<&'static str>,
    item_kinds: BTreeSet<&'static str>,
}

/// One version: its validators and resolved schemas, built on first use.
pub(crate) struct Side<'v> {
    pub(crate) version: &'v Version,
    registry: Registry<'static>,
    patterns: PatternCache,
    validators: HashMap<Site, Rc<Validator>>,
    resolved: HashMap<Site, Rc<Resolved>>,
}

fn uri(version: &Version, resource: &str) -> String {
    match version.kind {
        VersionKind::SchemaFolder => format!("{BASE}schemas/{}", encode_fragment(resource).replace('/', "%2F")),
        _ => format!("{BASE}openapi.json"),
    }
}

impl<'v> Side<'v> {
    fn new(version: &'v Version) -> Result<Self, DiffError> {
        let resources = version
            .resources
            .iter()
            .map(|(name, value)| (uri(version, name), value.clone()));
        let registry = Registry::new()
            .draft(Draft::Draft202012)
            .extend(resources)
            .and_then(|builder| builder.prepare())
            .map_err(|error| DiffError::new(&version.label, None, format!("the references do not resolve: {error}")))?;
        Ok(Self {
            version,
            registry,
            patterns: PatternCache::new(),
            validators: HashMap::new(),
            resolved: HashMap::new(),
        })
    }

    fn file(&self, site: &Site) -> String {
        match self.version.kind {
            VersionKind::SchemaFolder => format!("{}/{}", self.version.label.trim_end_matches('/'), site.resource),
            _ => self.version.label.clone(),
        }
    }

    fn validator(&mut self, site: &Site) -> Result<Rc<Validator>, DiffError> {
        if let Some(validator) = self.validators.get(site) {
            return Ok(Rc::clone(validator));
        }
        let reference = format!(
            "{}#{}",
            uri(self.version, &site.resource),
            encode_fragment(&site.pointer)
        );
        let validator = validation_options()
            .with_registry(&self.registry)
            .with_pattern_cache(self.patterns.clone())
            .build(&json!({ "$ref": reference }))
            .map_err(|error| {
                DiffError::new(
                    &self.file(site),
                    Some(&site.pointer),
                    format!(
                        "the schema does not compile: {}",
                        shorten(&error.to_string(), MAX_REASON)
                    ),
                )
            })?;
        let validator = Rc::new(validator);
        self.validators.insert(site.clone(), Rc::clone(&validator));
        Ok(validator)
    }

    fn resolved(&mut self, site: &Site) -> Result<Rc<Resolved>, DiffError> {
        if let Some(resolved) = self.resolved.get(site) {
            return Ok(Rc::clone(resolved));
        }
        let value = Resolver::new(self.version)
            .resolve(site)
            .map_err(|reason| DiffError::new(&self.file(site), Some(&site.pointer), reason))?;
        let canonical = canonical(&value, 0);
        let items = item_schema(&value);
        let mut examples = Vec::new();
        own_examples(&value, 0, &mut examples);
        let resolved = Rc::new(Resolved {
            key: sorted_string(&canonical),
            written: sorted_string(&strip_annotations(&value)),
            examples,
            facts: Facts::of(&value),
            kinds: types(&value, 0),
            item_kinds: items.map(|items| types(items, 0)).unwrap_or_default(),
            canonical,
            value,
        });
        self.resolved.insert(site.clone(), Rc::clone(&resolved));
        Ok(resolved)
    }

    /// Where a keyword of this version is, as `<file>#<pointer>`.
    fn location(&self, error: &jsonschema::ValidationError<'_>) -> String {
        let Some(absolute) = error.absolute_keyword_location() else {
            return error.evaluation_path().as_str().to_owned();
        };
        let absolute = absolute.as_str();
        let (document, fragment) = absolute.split_once('#').unwrap_or((absolute, ""));
        let fragment = fragment.replace("%7B", "{").replace("%7D", "}").replace("%20", " ");
        let file = match self.version.kind {
            VersionKind::SchemaFolder => document.rsplit('/').next().unwrap_or(document).to_owned(),
            _ => std::path::Path::new(&self.version.label).file_name().map_or_else(
                || self.version.label.clone(),
                |name| name.to_string_lossy().into_owned(),
            ),
        };
        format!("{file}#{fragment}")
    }
}

/// The schema of the items of an array schema, through `allOf`.
fn item_schema(value: &Value) -> Option<&Value> {
    if let Some(items) = value.get("items") {
        return Some(items);
    }
    value
        .get("allOf")
        .and_then(Value::as_array)
        .and_then(|parts| parts.iter().find_map(item_schema))
}

/// A probe judged differently: its priority and length (what evidence prefers), its source,
/// what each version judged, and how it shows.
type Found = (u8, usize, ProbeSource, Value, Value, String);

/// Both versions, and the outcomes found so far (a schema used in many places is judged
/// once).
pub(crate) struct Judge<'v> {
    pub(crate) old: Side<'v>,
    pub(crate) new: Side<'v>,
    outcomes: HashMap<String, Rc<Outcome>>,
    generator: Generator,
    probes: usize,
}

impl<'v> Judge<'v> {
    pub(crate) fn new(old: &'v Version, new: &'v Version) -> Result<Self, DiffError> {
        Ok(Self {
            old: Side::new(old)?,
            new: Side::new(new)?,
            outcomes: HashMap::new(),
            generator: Generator::default(),
            probes: 0,
        })
    }

    /// How many probes both versions judged.
    pub(crate) fn probes(&self) -> usize {
        self.probes
    }

    /// Compares the subject's schema in both versions.
    pub(crate) fn judge(&mut self, subject: &Subject) -> Result<Rc<Outcome>, DiffError> {
        let old = self.old.resolved(&subject.old)?;
        let new = self.new.resolved(&subject.new)?;
        let extra: Vec<String> = subject
            .examples
            .iter()
            .chain(&subject.models)
            .map(sorted_string)
            .collect();
        let key = format!(
            "{}\u{0}{}\u{0}{:?}\u{0}{}\u{0}{:?}",
            old.key,
            new.key,
            subject.form,
            extra.join("\u{1}"),
            subject.name
        );
        if let Some(outcome) = self.outcomes.get(&key) {
            return Ok(Rc::clone(outcome));
        }
        let written = if old.canonical != new.canonical {
            Written::Differently
        } else if old.written != new.written {
            Written::Equivalently
        } else {
            Written::Alike
        };
        let mut outcome = Outcome {
            written,
            narrower: None,
            wider: None,
            facts: (old.facts.clone(), new.facts.clone()),
            probes: 0,
        };
        if written == Written::Differently {
            self.probe(subject, &old, &new, &mut outcome)?;
        }
        let outcome = Rc::new(outcome);
        self.outcomes.insert(key, Rc::clone(&outcome));
        Ok(outcome)
    }

    fn probe(
        &mut self,
        subject: &Subject,
        old: &Resolved,
        new: &Resolved,
        outcome: &mut Outcome,
    ) -> Result<(), DiffError> {
        if self.probes >= MAX_TOTAL_PROBES {
            return Err(DiffError::new(
                &self.new.version.label,
                None,
                format!("more than {MAX_TOTAL_PROBES} probes in all: too large to compare"),
            ));
        }
        let probes = self.probes_of(subject, old, new);
        let old_validator = self.old.validator(&subject.old)?;
        let new_validator = self.new.validator(&subject.new)?;
        // The best probe of each direction: by priority, then by length, then by order.
        let mut best: [Option<Found>; 2] = [None, None];
        for probe in probes {
            let Some((old_instance, new_instance)) = self.instances(subject, old, new, &probe.value) else {
                continue;
            };
            outcome.probes += 1;
            let accepted = (
                old_validator.is_valid(&old_instance),
                new_validator.is_valid(&new_instance),
            );
            let direction = match accepted {
                (true, false) => 0,
                (false, true) => 1,
                _ => continue,
            };
            let shown = self.shown(subject, &probe.value);
            let rank = (probe.priority, shown.len());
            let Some(slot) = best.get_mut(direction) else {
                continue;
            };
            if slot
                .as_ref()
                .is_none_or(|(priority, length, ..)| rank < (*priority, *length))
            {
                *slot = Some((
                    probe.priority,
                    shown.len(),
                    probe.source,
                    old_instance,
                    new_instance,
                    shown,
                ));
            }
        }
        self.probes += outcome.probes;
        let [narrower, wider] = best;
        for (found, accepted) in [(narrower, (true, false)), (wider, (false, true))] {
            let Some((_, _, source, mut old_instance, mut new_instance, mut shown)) = found else {
                continue;
            };
            if subject.form == Form::Body && source >= ProbeSource::Generated {
                old_instance = minimize(old_instance, accepted, &old_validator, &new_validator);
                new_instance = old_instance.clone();
                shown = old_instance.to_string();
            }
            let (side, validator, instance) = if accepted.0 {
                (&self.new, &new_validator, &new_instance)
            } else {
                (&self.old, &old_validator, &old_instance)
            };
            let refused = match validator.iter_errors(instance).next() {
                Some(error) => Refusal {
                    instance_path: error.instance_path().as_str().to_owned(),
                    keyword_location: side.location(&error),
                    reason: shorten(&error.to_string(), MAX_REASON),
                },
                None => Refusal {
                    instance_path: String::new(),
                    keyword_location: String::new(),
                    reason: "refused without naming an error".to_owned(),
                },
            };
            let evidence = Evidence {
                probe: shown,
                form: match subject.form {
                    Form::Body => ProbeForm::Body,
                    Form::Parameter { .. } => ProbeForm::Parameter,
                },
                schema: subject.name.clone(),
                source,
                old: Acceptance::of(accepted.0),
                new: Acceptance::of(accepted.1),
                refused,
            };
            if accepted.0 {
                outcome.narrower = Some(evidence);
            } else {
                outcome.wider = Some(evidence);
            }
        }
        Ok(())
    }

    /// What each version judges for a probe; `None` when the probe has no form here (an
    /// object as a query parameter).
    fn instances(&self, subject: &Subject, old: &Resolved, new: &Resolved, value: &Value) -> Option<(Value, Value)> {
        match &subject.form {
            Form::Body => Some((value.clone(), value.clone())),
            Form::Parameter {
                old: old_form,
                new: new_form,
            } => {
                let texts = old_form.render(value)?;
                let old_instance = old_form.instance(&texts, &old.kinds, &old.item_kinds)?;
                let new_instance = new_form.instance(&texts, &new.kinds, &new.item_kinds)?;
                Some((old_instance, new_instance))
            }
        }
    }

    /// The probe as the evidence shows it: a body's JSON, or a parameter's pairs.
    fn shown(&self, subject: &Subject, value: &Value) -> String {
        match &subject.form {
            Form::Body => value.to_string(),
            Form::Parameter { old, .. } => old.render(value).map(|texts| old.display(&texts)).unwrap_or_default(),
        }
    }

    /// Every probe of a subject, without repeats, the first source of a value kept. Evidence
    /// prefers, in order: the examples of the schema and of its place, the model's values,
    /// generated instances, the other examples of the documents, mutations.
    fn probes_of(&mut self, subject: &Subject, old: &Resolved, new: &Resolved) -> Vec<Probe> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        let mut add = |value: &Value, source: ProbeSource, priority: u8, out: &mut Vec<Probe>| {
            if out.len() < MAX_PROBES && seen.insert(fingerprint(value)) {
                out.push(Probe::new(value.clone(), source, priority));
            }
        };
        for value in subject.examples.iter().chain(&old.examples).chain(&new.examples) {
            add(value, ProbeSource::Example, 0, &mut out);
        }
        for value in &subject.models {
            add(value, ProbeSource::Model, 1, &mut out);
        }
        let generated = [
            self.generator.instances(&old.value),
            self.generator.instances(&new.value),
        ];
        for value in generated.iter().flatten() {
            add(value, ProbeSource::Generated, 2, &mut out);
        }
        for value in self.old.version.examples.iter().chain(&self.new.version.examples) {
            add(value, ProbeSource::Example, 3, &mut out);
        }
        for base in generated.iter().filter_map(|instances| instances.first()) {
            for value in mutations(base, MAX_MUTATIONS) {
                add(&value, ProbeSource::Mutation, 4, &mut out);
            }
        }
        out
    }
}

/// The `examples`, `example`, `default`, `enum` and `const` values of a schema itself: its
/// own keywords and those of its `allOf`, `anyOf` and `oneOf` parts.
fn own_examples(value: &Value, depth: usize, out: &mut Vec<Value>) {
    let Value::Object(map) = value else {
        return;
    };
    if depth > 8 {
        return;
    }
    for key in ["examples", "enum"] {
        if let Some(Value::Array(values)) = map.get(key) {
            out.extend(values.iter().cloned());
        }
    }
    for key in ["example", "default", "const"] {
        if let Some(value) = map.get(key) {
            out.push(value.clone());
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(parts)) = map.get(key) {
            parts.iter().for_each(|part| own_examples(part, depth + 1, out));
        }
    }
}
