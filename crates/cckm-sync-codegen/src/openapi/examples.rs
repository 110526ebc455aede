//! The examples of the document: the vendor's example responses, and the start-request
//! fixtures a client should send, read from the fixtures folder.

use std::collections::BTreeMap;

use cckm_sync::endpoints::{self, Endpoint, Operation};
use cckm_sync::{CloudFamily, FamilyScope, FamilyVisitor, StartJob};
use serde_json::Value;
use utoipa::openapi::example::ExampleBuilder;

/// The examples of the job endpoints' responses that the rules of [`Fixtures::response_examples`]
/// do not find by name: the vendor's example responses (`seed-*`), and fixtures of this project
/// for what no vendor page shows, by endpoint and operation.
pub(super) const RESPONSE_EXAMPLES: [(&str, &str, Operation); 15] = [
    ("pages/seed-azure-keys-in-progress.json", "azure-keys", Operation::List),
    (
        "pages/seed-aws-keys-aborted-and-completed.json",
        "aws-keys",
        Operation::List,
    ),
    ("jobs/seed-google-completed.json", "google", Operation::Get),
    (
        "pages/seed-salesforce-keys-item-errors.json",
        "salesforce-keys",
        Operation::List,
    ),
    ("pages/seed-dsm-refresh-completed.json", "dsm", Operation::List),
    (
        "pages/aws-custom-key-stores-in-progress.json",
        "aws-custom-key-stores",
        Operation::List,
    ),
    (
        "pages/azure-sovereign-clouds.json",
        "azure-certificates",
        Operation::List,
    ),
    ("pages/azure-sovereign-clouds.json", "azure-secrets", Operation::List),
    ("pages/google-error-status.json", "google", Operation::List),
    ("pages/oci-vaults-completed.json", "oci", Operation::List),
    ("pages/sap-groups-failed.json", "sap", Operation::List),
    (
        "pages/salesforce-certificates-completed.json",
        "salesforce-certificates",
        Operation::List,
    ),
    (
        "pages/external-cm-in-progress-without-detailed-status.json",
        "external-cm",
        Operation::List,
    ),
    ("jobs/azure-start-response.json", "azure-keys", Operation::Start),
    ("jobs/aws-cancel-response.json", "aws-keys", Operation::Cancel),
];

/// Where a fixture comes from, by its name (see the fixtures' README): its example's key in
/// the document and the summary that says so.
pub(super) fn source_of(file: &str) -> (&'static str, String) {
    let stem = file.rsplit('/').next().unwrap_or(file).trim_end_matches(".json");
    if stem.starts_with("seed-") {
        ("vendor", "Example response of the vendor's documentation".to_owned())
    } else if stem.starts_with("mock-") {
        (
            "mock",
            "What the mock (`cckm-sync mock`) answers: no source shows this response".to_owned(),
        )
    } else {
        (
            "fixture",
            format!(
                "A fixture of this project ({}): no source shows this response",
                stem.replace('-', " ")
            ),
        )
    }
}

/// `description`, followed by where its example comes from when it has exactly one: Redoc shows
/// an example's summary only in the menu it offers when there are several.
pub(super) fn with_source(
    description: &str,
    examples: &[(impl AsRef<str>, utoipa::openapi::example::Example)],
) -> String {
    match examples {
        [(_, example)] if !example.summary.is_empty() => {
            format!(
                "{description} The example shown: {}.",
                lowercase_first(&example.summary)
            )
        }
        _ => description.to_owned(),
    }
}

/// `text` with its first letter in lower case, to follow a colon.
fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Whether a start body is one a client should send: the family's start request reads it,
/// holds nothing this contract does not know, writes it back unchanged, and spells no field
/// without a value (`null`, or `"synchronize_all": false`).
pub(super) struct Canonical<'a>(&'a Value);

impl FamilyVisitor for Canonical<'_> {
    type Output = bool;

    fn visit<S: FamilyScope>(self) -> bool {
        let value = self.0;
        let spelled_without_value = value.as_object().is_none_or(|fields| {
            fields.values().any(Value::is_null) || fields.get(endpoints::SYNCHRONIZE_ALL) == Some(&Value::Bool(false))
        });
        match serde_json::from_value::<StartJob<S>>(value.clone()) {
            Ok(body) => {
                !spelled_without_value
                    && cckm_sync::unknowns(&body).is_empty()
                    && serde_json::to_value(&body).ok().as_ref() == Some(value)
            }
            Err(_) => false,
        }
    }
}

/// The fixtures the document shows as examples.
pub(super) struct Fixtures {
    files: BTreeMap<String, Value>,
}

impl Fixtures {
    pub(super) fn read(dir: &std::path::Path) -> Result<Self, String> {
        let mut files = BTreeMap::new();
        for folder in ["pages", "jobs", "start", "errors"] {
            let entries = std::fs::read_dir(dir.join(folder))
                .map_err(|error| format!("{}/{folder}: {error}", crate::fixtures::DIR))?;
            for entry in entries {
                let path = entry.map_err(|error| error.to_string())?.path();
                if path.extension().is_some_and(|extension| extension == "json") {
                    let name = format!("{folder}/{}", path.file_name().unwrap_or_default().to_string_lossy());
                    let text = std::fs::read_to_string(&path).map_err(|error| format!("{name}: {error}"))?;
                    let value = serde_json::from_str(&text).map_err(|error| format!("{name}: {error}"))?;
                    files.insert(name, value);
                }
            }
        }
        Ok(Self { files })
    }

    pub(super) fn get(&self, name: &str) -> Result<&Value, String> {
        self.files
            .get(name)
            .ok_or_else(|| format!("no fixture {}/{name}", crate::fixtures::DIR))
    }

    pub(super) fn example(&self, name: &str, summary: &str) -> Result<utoipa::openapi::example::Example, String> {
        Ok(ExampleBuilder::new()
            .summary(summary)
            .value(Some(self.get(name)?.clone()))
            .build())
    }

    /// The examples of the success response of `operation` on `endpoint`, each saying where it
    /// comes from: the fixtures [`RESPONSE_EXAMPLES`] names for it; else, for a start or a
    /// cancel, what the mock answered (`jobs/mock-<endpoint>-started.json`,
    /// `…-cancelled.json`), and for a get, the first job of the list's example. An error when
    /// none is found: every response of the document shows a real example.
    pub(super) fn response_examples(
        &self,
        endpoint: &Endpoint,
        operation: Operation,
    ) -> Result<Vec<(String, utoipa::openapi::example::Example)>, String> {
        let named = |operation: Operation| {
            RESPONSE_EXAMPLES
                .iter()
                .filter(move |(_, name, of)| *name == endpoint.name && *of == operation)
                .map(|(file, ..)| *file)
        };
        let mut examples = Vec::new();
        for file in named(operation) {
            let (key, summary) = source_of(file);
            examples.push((key.to_owned(), self.example(file, &summary)?));
        }
        if !examples.is_empty() {
            return Ok(examples);
        }
        let recorded = match operation {
            Operation::Start => Some("started"),
            Operation::Cancel => Some("cancelled"),
            Operation::List | Operation::Get => None,
        };
        if let Some(what) = recorded {
            let file = format!("jobs/mock-{}-{what}.json", endpoint.name);
            let (key, summary) = source_of(&file);
            return Ok(vec![(key.to_owned(), self.example(&file, &summary)?)]);
        }
        if operation == Operation::Get {
            for file in named(Operation::List) {
                if let Some(job) = self.get(file)?.pointer("/resources/0") {
                    let (key, summary) = source_of(file);
                    let example = ExampleBuilder::new()
                        .summary(format!(
                            "The first job of the list's example; {}",
                            lowercase_first(&summary)
                        ))
                        .value(Some(job.clone()))
                        .build();
                    return Ok(vec![(key.to_owned(), example)]);
                }
            }
        }
        Err(format!(
            "no example of the {} response of {}: name a fixture in RESPONSE_EXAMPLES",
            operation.as_str(),
            endpoint.name
        ))
    }

    /// Start-request bodies of `family`: every fixture `start/<family>-*.json` that holds
    /// nothing this contract does not know, that a round trip writes back unchanged, and that
    /// spells no field without a value (`null`, or `"synchronize_all": false`): the bodies a
    /// client should send.
    pub(super) fn start_examples(
        &self,
        family: CloudFamily,
    ) -> Result<Vec<(String, utoipa::openapi::example::Example)>, String> {
        let mut examples = Vec::new();
        for (name, value) in &self.files {
            let Some(stem) = name.strip_prefix("start/").and_then(|rest| rest.strip_suffix(".json")) else {
                continue;
            };
            if crate::fixtures::start_family(stem) != Some(family) {
                continue;
            }
            if family.visit(Canonical(value)) {
                let case = stem
                    .strip_prefix(family.spec().name)
                    .unwrap_or(stem)
                    .trim_start_matches('-');
                let example = ExampleBuilder::new()
                    .summary(case.replace('-', " "))
                    .value(Some(value.clone()));
                examples.push((case.to_owned(), example.build()));
            }
        }
        if examples.is_empty() {
            return Err(format!("no start-request fixture start/{}-*.json", family.spec().name));
        }
        Ok(examples)
    }
}
