//! The fuzz targets (`fuzz/`), their seed inputs and their dictionaries: what `cargo xtask
//! fuzz` and the fuzz harness share.
//!
//! Seeds and dictionaries are derived, never kept by hand: the seeds of the JSON targets are
//! the crate's fixtures, valid and invalid; those of the query target are queries of every
//! family built from the endpoint catalog. The dictionaries hold the wire's field names and the
//! values the schemas show (read from the committed schema files, so a regenerated contract
//! flows in), the query parameters of the catalog, and JSON's and URLs' own tokens.

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;

use cckm_sync::CloudFamily;
use cckm_sync::endpoints::ListParameter;
use serde_json::Value;

use crate::fixtures;

/// A fuzz target: one kind of input, read with every model of that kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// A list response: `SyncJobPage` and each family's page.
    Page,
    /// A start, get or cancel response: `SyncJob` and each family's job.
    Job,
    /// A start-request body: each family's `StartJob`.
    Start,
    /// An error body: `ApiError`.
    Error,
    /// A list query string: each family's `ListSyncJobs::from_query_str`.
    Query,
}

impl Target {
    /// Every target, in the order `cargo xtask fuzz` runs them.
    pub const ALL: [Target; 5] = [Self::Page, Self::Job, Self::Start, Self::Error, Self::Query];

    /// The target's name: its program under `fuzz/fuzz_targets/` and its folders.
    pub fn name(self) -> &'static str {
        match self {
            Self::Page => "page",
            Self::Job => "job",
            Self::Start => "start",
            Self::Error => "error",
            Self::Query => "query",
        }
    }

    /// The target named `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|target| target.name() == name)
    }

    /// What the target reads, in words.
    pub fn what(self) -> &'static str {
        match self {
            Self::Page => "a list response, as SyncJobPage and each family's page",
            Self::Job => "a job, as SyncJob and each family's job",
            Self::Start => "a start-request body, as each family's StartJob",
            Self::Error => "an error body, as ApiError",
            Self::Query => "a list query string, as each family's ListSyncJobs",
        }
    }

    /// The fixture folder of the target's payloads (its invalid ones are under `invalid/`),
    /// if it reads JSON.
    pub fn fixture_folder(self) -> Option<&'static str> {
        match self {
            Self::Page => Some("pages"),
            Self::Job => Some("jobs"),
            Self::Start => Some("start"),
            Self::Error => Some("errors"),
            Self::Query => None,
        }
    }

    /// The seed inputs of the target, by file name: the valid and invalid fixtures of its
    /// payloads, or queries of every family.
    pub fn seeds(self, root: &Path) -> Result<Vec<(String, Vec<u8>)>, String> {
        let Some(folder) = self.fixture_folder() else {
            return Ok(query_seeds()
                .into_iter()
                .map(|(name, query)| (name, query.into_bytes()))
                .collect());
        };
        let mut seeds = Vec::new();
        for (prefix, relative) in [("", folder.to_owned()), ("invalid-", format!("invalid/{folder}"))] {
            let dir = root.join(fixtures::DIR).join(relative);
            let mut paths: Vec<_> = std::fs::read_dir(&dir)
                .map_err(|error| format!("{}: {error}", dir.display()))?
                .map(|entry| entry.map(|entry| entry.path()))
                .collect::<Result<_, _>>()
                .map_err(|error| format!("{}: {error}", dir.display()))?;
            paths.retain(|path| path.extension().is_some_and(|extension| extension == "json"));
            paths.sort();
            for path in paths {
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                let bytes = std::fs::read(&path).map_err(|error| format!("{}: {error}", path.display()))?;
                seeds.push((format!("{prefix}{name}"), bytes));
            }
        }
        if seeds.is_empty() {
            return Err(format!(
                "no fixture for the fuzz target {self} in {}/{folder}",
                fixtures::DIR
            ));
        }
        Ok(seeds)
    }

    /// The target's libFuzzer dictionary (one `"token"` a line), for the contract under `root`.
    pub fn dictionary(self, root: &Path) -> Result<String, String> {
        let tokens = match self {
            Self::Query => query_tokens(),
            _ => json_tokens(root)?,
        };
        Ok(tokens
            .iter()
            .map(|token| format!("{}\n", dictionary_entry(token)))
            .collect())
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Seed queries: for every family, no parameter, every parameter, and the spellings a server
/// reads (`+` for a space, a leading `?`).
fn query_seeds() -> Vec<(String, String)> {
    let mut seeds = vec![("empty.txt".to_owned(), String::new())];
    for family in CloudFamily::ALL {
        let spec = family.spec();
        let every: Vec<String> = spec
            .list_parameters()
            .flat_map(|parameter| match parameter {
                ListParameter::Id => vec!["id=0ea5d52e-387c-44fa-b079-21c8b768f77b".to_owned()],
                ListParameter::OverallStatus => vec!["overall_status=completed".to_owned()],
                ListParameter::ScopeFilter(name) => vec![format!("{name}=kms-prod"), format!("{name}=vault%3A%3A1")],
                ListParameter::Skip => vec!["skip=20".to_owned()],
                ListParameter::Limit => vec!["limit=10".to_owned()],
                ListParameter::Sort => vec!["sort=-createdAt,updatedAt".to_owned()],
            })
            .collect();
        seeds.push((format!("{}-every-parameter.txt", spec.name), every.join("&")));
        seeds.push((
            format!("{}-in-progress-all.txt", spec.name),
            "?overall_status=in+progress&skip=0&limit=-1".to_owned(),
        ));
    }
    seeds
}

/// The field names and values the schema files show, and JSON's own tokens.
fn json_tokens(root: &Path) -> Result<BTreeSet<String>, String> {
    fn walk(node: &Value, tokens: &mut BTreeSet<String>) {
        match node {
            Value::Object(map) => {
                for (key, value) in map {
                    match (key.as_str(), value) {
                        ("properties", Value::Object(properties)) => {
                            tokens.extend(properties.keys().map(|name| format!("\"{name}\"")));
                        }
                        ("required", Value::Array(names)) => {
                            tokens.extend(names.iter().filter_map(Value::as_str).map(|name| format!("\"{name}\"")));
                        }
                        ("examples" | "enum", Value::Array(values)) => {
                            tokens.extend(values.iter().map(Value::to_string));
                        }
                        ("const", value) => {
                            tokens.insert(value.to_string());
                        }
                        _ => {}
                    }
                    walk(value, tokens);
                }
            }
            Value::Array(items) => items.iter().for_each(|item| walk(item, tokens)),
            _ => {}
        }
    }
    let mut tokens: BTreeSet<String> = JSON_TOKENS.iter().map(|&token| token.to_owned()).collect();
    let dir = root.join("schemas");
    let error = |reason: std::io::Error| format!("{}: {reason}", dir.display());
    for entry in std::fs::read_dir(&dir).map_err(error)? {
        let path = entry.map_err(error)?.path();
        if path.to_string_lossy().ends_with(".schema.json") {
            let text = std::fs::read_to_string(&path).map_err(|reason| format!("{}: {reason}", path.display()))?;
            let schema: Value =
                serde_json::from_str(&text).map_err(|reason| format!("{}: {reason}", path.display()))?;
            walk(&schema, &mut tokens);
        }
    }
    Ok(tokens)
}

/// JSON's syntax, values at the edges of what the models read, and the shapes of the wire's
/// ids and timestamps.
const JSON_TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "\"",
    "\\",
    "null",
    "true",
    "false",
    "\"\"",
    "{}",
    "[]",
    "0",
    "-1",
    "-0",
    "1.0",
    "1e3",
    "1E-400",
    "1e400",
    "0.5",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    "4294967295",
    "\\u0000",
    "\\ud800",
    "\\/",
    "\\\"",
    "\"0ea5d52e-387c-44fa-b079-21c8b768f77b\"",
    "\"2020-11-05T06:38:25.308834Z\"",
    "T",
    "Z",
    "z",
    "+01:00",
    "-07:30",
    ".123456789",
    "9999-12-31",
    "0001-01-01",
    "23:59:60",
];

/// The query parameters of every family, the values they take, and the encodings a server
/// decodes.
fn query_tokens() -> BTreeSet<String> {
    let mut tokens: BTreeSet<String> = QUERY_TOKENS.iter().map(|&token| token.to_owned()).collect();
    for family in CloudFamily::ALL {
        for parameter in family.spec().list_parameters() {
            tokens.insert(format!("{}=", parameter.name()));
            tokens.insert(format!("&{}=", parameter.name()));
        }
    }
    tokens
}

const QUERY_TOKENS: &[&str] = &[
    "?",
    "&",
    "=",
    "+",
    "%20",
    "%2B",
    "%26",
    "%3D",
    "%2C",
    ",",
    "-",
    "%00",
    "%C2%85",
    "%C2%A0",
    "%E2%80%A8",
    "%EF%BB%BF",
    "%FF",
    "-1",
    "0",
    "00",
    "+1",
    "4294967295",
    "4294967296",
    "18446744073709551615",
    "18446744073709551616",
    "in_progress",
    "in+progress",
    "completed",
    "failed",
    "aborted",
    "error",
    "-createdAt",
    "name",
    "0ea5d52e-387c-44fa-b079-21c8b768f77b",
    "0EA5D52E387C44FAB07921C8B768F77B",
];

/// `token` as a libFuzzer dictionary entry: quoted, with `\`, `"` and bytes outside printable
/// ASCII escaped as `\xNN`.
fn dictionary_entry(token: &str) -> String {
    let mut entry = String::from("\"");
    for byte in token.bytes() {
        match byte {
            b'\\' => entry.push_str("\\\\"),
            b'"' => entry.push_str("\\\""),
            b' '..=b'~' => entry.push(char::from(byte)),
            _ => entry.push_str(&format!("\\x{byte:02X}")),
        }
    }
    entry.push('"');
    entry
}
