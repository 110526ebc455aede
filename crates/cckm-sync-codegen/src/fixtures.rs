//! The fixtures of the `cckm-sync` crate, which the generator shows as examples and the
//! validators, the fuzzers and the contract tests check: where they are, and which schema
//! judges each.

use std::path::Path;

use cckm_sync::CloudFamily;

/// Which texts a JSON Schema can judge: shared with `cckm-sync validate`, which judges
/// payloads by the same rule, so it lives in the `cckm-sync-contract` library.
pub use cckm_sync_contract::{NotSchemaJson, schema_json};

/// The fixtures folder, relative to the workspace root.
pub const DIR: &str = "crates/cckm-sync/tests/fixtures";

/// The folders of fixtures (the valid ones; the invalid ones are under `invalid/` with the
/// same names), with the schema their payloads are checked against; `None` for `start/`, whose
/// schema is that of the family named by the file ([`start_schema`]).
pub const FOLDERS: [(&str, Option<&str>); 4] = [
    ("pages", Some("SyncJobPage")),
    ("jobs", Some("SyncJob")),
    ("errors", Some("ApiError")),
    ("start", None),
];

/// The family of a start-request fixture named `<family>-<what>` (see the fixtures'
/// README), where `<family>` is the catalog's [`name`](cckm_sync::endpoints::FamilySpec::name).
pub fn start_family(file_stem: &str) -> Option<CloudFamily> {
    CloudFamily::ALL.into_iter().find(|family| {
        file_stem
            .strip_prefix(family.spec().name)
            .is_some_and(|rest| rest.starts_with('-'))
    })
}

/// The schema name of the start-request fixture `file_name` (`aws-kms.json` → `AwsStartJob`),
/// from the family its name starts with.
pub fn start_schema(file_name: &str) -> Result<String, String> {
    let stem = file_name.strip_suffix(".json").unwrap_or(file_name);
    let family = start_family(stem).ok_or_else(|| {
        let known: Vec<&str> = CloudFamily::ALL.iter().map(|family| family.spec().name).collect();
        format!(
            "start fixture `{file_name}` is not named `<family>-<what>.json` with a family among {}",
            known.join(", ")
        )
    })?;
    Ok(crate::family_schemas(family)?.start)
}

/// The schema name that judges the fixture `name` of the folder `folder` (one of
/// [`FOLDERS`]).
pub fn schema_of(folder: &str, name: &str) -> Result<String, String> {
    match FOLDERS.iter().find(|(known, _)| *known == folder) {
        Some((_, Some(schema))) => Ok((*schema).to_owned()),
        Some((_, None)) => start_schema(name),
        None => Err(format!(
            "{} is no folder of fixtures",
            Path::new(DIR).join(folder).display()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::start_schema;

    #[test]
    fn start_fixtures_name_their_family() {
        assert_eq!(start_schema("aws-kms.json").as_deref(), Ok("AwsStartJob"));
        assert_eq!(
            start_schema("salesforce-organization-ids.json").as_deref(),
            Ok("SalesforceStartJob")
        );
        assert_eq!(start_schema("sap-groups.json").as_deref(), Ok("SapStartJob"));
        assert_eq!(
            start_schema("external-cm-domains.json").as_deref(),
            Ok("ExternalCmStartJob")
        );
        assert!(start_schema("external-domains.json").is_err());
        assert!(start_schema("awskms.json").is_err());
        assert!(start_schema("luna-hsm.json").is_err());
    }
}
