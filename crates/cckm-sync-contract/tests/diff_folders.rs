//! `diff` on folders of schema files: the committed `schemas/`, and the same with files
//! removed, added or renamed.

use cckm_sync::CONTRACT_VERSION;
use cckm_sync_contract::diff::{self, Impact, Place, Version};
use serde_json::{Value, json};

mod support;

use support::{committed, document, lines, of, root, the_only};

fn schema_files() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(root().join("schemas"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .map(|path| {
            let name = path.file_name().unwrap().to_str().unwrap().to_owned();
            (name, std::fs::read_to_string(&path).unwrap())
        })
        .collect();
    files.sort();
    files
}

fn folder(label: &str, files: &[(String, String)]) -> Version {
    Version::from_schema_files(label, files.iter().cloned()).unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn a_schema_file_removed_breaks_and_a_new_one_adds() {
    let old = schema_files();
    let mut new: Vec<(String, String)> = old
        .iter()
        .filter(|(name, _)| name != "SyncJobPage.schema.json")
        .cloned()
        .collect();
    new.push(("Priority.schema.json".to_owned(), r#"{"type": "integer"}"#.to_owned()));
    let diff = diff::compare(&folder("old", &old), &folder("new", &new)).unwrap();
    let removed = the_only(&diff, Impact::Breaking);
    assert_eq!(
        (&removed.place, removed.summary.as_str()),
        (
            &Place::Schema {
                schema: "SyncJobPage".to_owned(),
                pointer: String::new()
            },
            "schema file removed"
        )
    );
    let added = the_only(&diff, Impact::Additive);
    assert_eq!(
        (&added.place, added.summary.as_str()),
        (
            &Place::Schema {
                schema: "Priority".to_owned(),
                pointer: String::new()
            },
            "new schema file"
        )
    );
}

#[test]
fn a_folder_whose_ids_all_changed_is_the_same_contract() {
    // Versioned `$id`s, and references written against them: relative file names in some
    // files, absolute URLs of the new `$id` in others. The folder's own files are what they
    // mean.
    let base = "https://raw.githubusercontent.com/cckm-sync/cckm-sync/contract-v9.0.0/schemas/";
    let old = schema_files();
    let new: Vec<(String, String)> = old
        .iter()
        .enumerate()
        .map(|(index, (name, text))| {
            let mut schema: Value = serde_json::from_str(text).unwrap();
            schema["$id"] = json!(format!("{base}{name}"));
            let mut text = schema.to_string();
            if index % 2 == 0 {
                text = text.replace(r#""$ref":""#, &format!(r#""$ref":"{base}"#));
            }
            (name.clone(), text)
        })
        .collect();
    assert!(
        new.iter()
            .any(|(_, text)| text.contains(&format!(r#""$ref":"{base}JobStatus.schema.json""#)))
    );
    let diff = diff::compare(&folder("old", &old), &folder("new", &new)).unwrap();
    assert!(of(&diff, Impact::Breaking).is_empty(), "{}", lines(&diff));
    assert!(of(&diff, Impact::Additive).is_empty(), "{}", lines(&diff));
    let ids = diff
        .changes
        .iter()
        .filter(|change| matches!(&change.place, Place::Schema { pointer, .. } if pointer == "/$id"))
        .count();
    assert_eq!(ids, old.len());
    assert_eq!(diff.new.version.as_deref(), Some("9.0.0"));
    assert!(diff.changes.iter().any(|change| {
        change
            .summary
            .starts_with(&format!("contract version {CONTRACT_VERSION} → 9.0.0"))
    }));
}

#[test]
fn a_folder_judges_start_bodies_as_requests_and_jobs_as_responses() {
    let old = schema_files();
    let narrower = |file: &str, edit: &dyn Fn(&mut Value)| -> Vec<(String, String)> {
        old.iter()
            .map(|(name, text)| {
                let mut schema: Value = serde_json::from_str(text).unwrap();
                if name == file {
                    edit(&mut schema);
                }
                (name.clone(), schema.to_string())
            })
            .collect()
    };
    // A start request that accepts less breaks; a job that allows less adds.
    let start = narrower("DsmStartJobItems.schema.json", &|schema| {
        schema["properties"]["domains"]["maxItems"] = json!(1);
    });
    let diff = diff::compare(&folder("old", &old), &folder("new", &start)).unwrap();
    let breaking = of(&diff, Impact::Breaking);
    let schemas: Vec<String> = breaking
        .iter()
        .map(|change| match &change.place {
            Place::Schema { schema, .. } => schema.clone(),
            other => panic!("{other}"),
        })
        .collect();
    assert_eq!(schemas, ["DsmStartJob", "DsmStartJobItems"], "{}", lines(&diff));
    assert_eq!(
        breaking[0].evidence.as_ref().unwrap().to_string(),
        r#"the body `{"domains":["item-1","item-2"]}` of DsmStartJob was accepted and is now refused"#
    );
    let job = narrower("DsmSyncJob.schema.json", &|schema| {
        schema["properties"]["abort"] = json!({"const": false});
    });
    let diff = diff::compare(&folder("old", &old), &folder("new", &job)).unwrap();
    assert!(!diff.is_breaking(), "{}", lines(&diff));
    assert_eq!(of(&diff, Impact::Additive).len(), 2, "{}", lines(&diff));
}

#[test]
fn a_document_and_a_folder_are_not_compared() {
    let document = document("old.json", &committed());
    let folder = folder("schemas", &schema_files());
    let error = diff::compare(&document, &folder).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("cannot compare an OpenAPI 3.1 document (old.json) with a folder of schema files (schemas)"),
        "{error}"
    );
}
