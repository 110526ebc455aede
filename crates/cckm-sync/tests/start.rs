//! Start-request bodies: every family's fixture parses and is written back unchanged, the
//! constructors write exactly the expected text, and every invalid body fails with its path
//! and reason.

use std::path::{Path, PathBuf};

use cckm_sync::{
    AwsStartJob, AwsStartOptions, AzureStartJob, AzureStartOptions, CloudFamily, DsmStartJob, ExternalCmStartJob,
    FamilyScope, FamilyVisitor, GoogleStartJob, NoStartOptions, OciStartJob, RawJson, ReportUnknowns,
    SalesforceStartJob, SapStartJob, ScopeItems, StartError, StartJob, StartOptions, Target, UnknownKind, unknowns,
};
use serde_json::{Value, json};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// `(name, text)` of every `.json` file of `tests/fixtures/<folder>`, sorted by name.
fn fixtures(folder: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(folder);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
            (name, std::fs::read_to_string(&path).unwrap())
        })
        .collect()
}

/// The family of a fixture named `<family>-<what>`, `<family>` being the catalog's name.
fn family_of(name: &str) -> CloudFamily {
    CloudFamily::ALL
        .into_iter()
        .find(|family| {
            name.strip_prefix(family.spec().name)
                .is_some_and(|rest| rest.starts_with('-'))
        })
        .unwrap_or_else(|| panic!("{name}: no family is named so (see fixtures/start/README.md)"))
}

/// Parses `text` as the start request of `S` and writes it back, or gives the error.
fn reparse<S: FamilyScope>(text: &str) -> Result<Value, String> {
    let job = cckm_sync::from_slice::<StartJob<S>>(text.as_bytes()).map_err(|error| error.to_string())?;
    // The serde_json path gives the same result as the path-tracking one.
    let direct: StartJob<S> = serde_json::from_str(text).unwrap();
    assert_eq!(direct, job);
    Ok(serde_json::to_value(&job).unwrap())
}

fn reparse_as(family: CloudFamily, text: &str) -> Result<Value, String> {
    struct Reparse<'a>(&'a str);
    impl FamilyVisitor for Reparse<'_> {
        type Output = Result<Value, String>;
        fn visit<S: FamilyScope>(self) -> Self::Output {
            reparse::<S>(self.0)
        }
    }
    family.visit(Reparse(text))
}

#[test]
fn every_valid_fixture_parses_and_round_trips() {
    let fixtures = fixtures("start");
    assert!(fixtures.len() >= 11, "start fixtures are missing");
    let mut families = Vec::new();
    for (name, text) in fixtures {
        let family = family_of(&name);
        families.push(family);
        let written = reparse_as(family, &text).unwrap_or_else(|error| panic!("start/{name}: {error}"));
        let expected: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(written, expected, "start/{name}");
    }
    for family in CloudFamily::ALL {
        assert!(families.contains(&family), "no start fixture for {family:?}");
    }
}

/// `(fixture, the error as displayed)`: the path first, then the reason and position.
const REJECTED: &[(&str, &str)] = &[
    (
        "aws-both-set",
        "(document): `kms` and `synchronize_all` are mutually exclusive at line 1 column 43",
    ),
    (
        "aws-empty-item",
        "/kms/1: empty string: every item must name something at line 1 column 21",
    ),
    (
        "aws-empty-list",
        "/kms: empty list: list one item at least, or send `\"synchronize_all\": true` for every item at line 1 column 10",
    ),
    (
        "aws-kms-not-array",
        "/kms: invalid type: string \"kms\", expected a list of strings at line 1 column 13",
    ),
    (
        "aws-kms-null",
        "(document): expected `kms` (a non-empty list) or `synchronize_all: true` at line 1 column 13",
    ),
    (
        "aws-neither",
        "(document): expected `kms` (a non-empty list) or `synchronize_all: true` at line 1 column 26",
    ),
    (
        "aws-regions-empty",
        "/regions: empty list: list one region at least, or leave `regions` out for every region at line 1 column 32",
    ),
    (
        "aws-regions-empty-item",
        "/regions/1: empty string: every item must name something at line 1 column 47",
    ),
    (
        "aws-regions-wrong-type",
        "/regions: invalid type: string \"us-east-1\", expected a list of strings at line 1 column 41",
    ),
    (
        "aws-synchronize-all-string",
        "/synchronize_all: invalid type: string \"true\", expected a boolean at line 1 column 44",
    ),
    ("aws-truncated", "/regions: EOF while parsing a list at line 2 column 0"),
    (
        "azure-backup-wrong-type",
        "/take_cloud_key_backup: invalid type: string \"yes\", expected a boolean at line 1 column 56",
    ),
    (
        "azure-synchronize-all-false",
        "(document): expected `key_vaults` (a non-empty list) or `synchronize_all: true` at line 1 column 26",
    ),
    (
        "dsm-both-set",
        "(document): `domains` and `synchronize_all` are mutually exclusive at line 1 column 45",
    ),
    (
        "external-cm-neither",
        "(document): expected `domains` (a non-empty list) or `synchronize_all: true` at line 1 column 2",
    ),
    (
        "google-not-an-object",
        "(document): invalid type: sequence, expected a start request object at line 1 column 0",
    ),
    (
        "salesforce-kms-instead-of-organization-ids",
        "(document): expected `organization_ids` (a non-empty list) or `synchronize_all: true` at line 1 column 31",
    ),
];

#[test]
fn every_invalid_fixture_is_rejected_with_its_path_and_reason() {
    let fixtures = fixtures("invalid/start");
    assert_eq!(
        fixtures.len(),
        REJECTED.len(),
        "invalid/start: every fixture needs its expected error"
    );
    for (name, text) in fixtures {
        let (_, expected) = REJECTED
            .iter()
            .find(|(listed, _)| *listed == name)
            .unwrap_or_else(|| panic!("invalid/start/{name}: no expected error"));
        let error = reparse_as(family_of(&name), &text).expect_err(&name);
        assert_eq!(error, *expected, "invalid/start/{name}");
    }
}

#[test]
fn no_prefix_of_a_body_panics() {
    let text = r#"{"kms": ["kms-1", "kms-2"], "regions": ["us-east-1"], "synchronize_all": false, "x": {"y": [1]}}"#;
    for end in 0..text.len() {
        let prefix = &text.as_bytes()[..end];
        assert!(
            cckm_sync::from_slice::<AwsStartJob>(prefix).is_err(),
            "prefix {end} parsed"
        );
    }
}

#[test]
fn constructors_write_exactly_the_expected_text() -> TestResult {
    let cases: Vec<(String, &str)> = vec![
        (
            serde_json::to_string(&AwsStartJob::items(["kms-1"])?.regions(["us-east-1"])?)?,
            r#"{"kms":["kms-1"],"regions":["us-east-1"]}"#,
        ),
        (
            serde_json::to_string(&AwsStartJob::items(["kms-1", "kms-2"])?)?,
            r#"{"kms":["kms-1","kms-2"]}"#,
        ),
        (
            serde_json::to_string(&AwsStartJob::all())?,
            r#"{"synchronize_all":true}"#,
        ),
        (
            serde_json::to_string(&AwsStartJob::all().regions(["eu-west-1"])?)?,
            r#"{"synchronize_all":true,"regions":["eu-west-1"]}"#,
        ),
        (
            serde_json::to_string(&AzureStartJob::items(["kv::1"])?.take_cloud_key_backup(true))?,
            r#"{"key_vaults":["kv::1"],"take_cloud_key_backup":true}"#,
        ),
        (
            serde_json::to_string(&AzureStartJob::all().take_cloud_key_backup(false))?,
            r#"{"synchronize_all":true,"take_cloud_key_backup":false}"#,
        ),
        (
            serde_json::to_string(&AzureStartJob::items(["kv::1"])?)?,
            r#"{"key_vaults":["kv::1"]}"#,
        ),
        (
            serde_json::to_string(&GoogleStartJob::items(["ring"])?)?,
            r#"{"key_rings":["ring"]}"#,
        ),
        (
            serde_json::to_string(&OciStartJob::items(["vault"])?)?,
            r#"{"vaults":["vault"]}"#,
        ),
        (
            serde_json::to_string(&SapStartJob::items(["group"])?)?,
            r#"{"groups":["group"]}"#,
        ),
        (
            serde_json::to_string(&SalesforceStartJob::items(["00D5j000000XXXXEAA"])?)?,
            r#"{"organization_ids":["00D5j000000XXXXEAA"]}"#,
        ),
        (
            serde_json::to_string(&DsmStartJob::items(["d-1"])?)?,
            r#"{"domains":["d-1"]}"#,
        ),
        (
            serde_json::to_string(&ExternalCmStartJob::all())?,
            r#"{"synchronize_all":true}"#,
        ),
    ];
    for (written, expected) in cases {
        assert_eq!(written, expected);
    }
    Ok(())
}

#[test]
fn constructors_equal_the_parsed_fixtures() -> TestResult {
    let parsed: AwsStartJob = cckm_sync::from_str(include_str!("fixtures/start/aws-kms-and-regions.json"))?;
    let built = AwsStartJob::items(["kms-1", "kms-2"])?.regions(["us-east-1", "ap-south-1"])?;
    assert_eq!(parsed, built);

    let parsed: AzureStartJob = cckm_sync::from_str(include_str!("fixtures/start/azure-key-vaults-with-backup.json"))?;
    let built = AzureStartJob::items(["Demo-KV::a4e1a2f3-9b23-4c56-8d0e-1f2a3b4c5d6e"])?.take_cloud_key_backup(true);
    assert_eq!(parsed, built);

    // `"synchronize_all": false` next to a list means what leaving it out means, and is kept.
    let parsed: AwsStartJob =
        cckm_sync::from_str(include_str!("fixtures/start/aws-synchronize-all-false-with-kms.json"))?;
    assert_eq!(parsed.target, AwsStartJob::items(["kms-1"])?.target);
    assert_ne!(
        parsed,
        AwsStartJob::items(["kms-1"])?,
        "the spelling is part of the value"
    );
    assert_eq!(
        serde_json::to_string(&parsed)?,
        r#"{"kms":["kms-1"],"synchronize_all":false}"#
    );

    let parsed: ExternalCmStartJob =
        cckm_sync::from_str(include_str!("fixtures/start/external-cm-synchronize-all.json"))?;
    assert_eq!(parsed, ExternalCmStartJob::all());
    assert!(parsed.target.is_all());
    Ok(())
}

#[test]
fn constructor_errors_are_exact() {
    assert_eq!(AwsStartJob::items(Vec::<String>::new()), Err(StartError::EmptyList));
    assert_eq!(
        AwsStartJob::items(["kms-1", ""]),
        Err(StartError::EmptyItem { index: 1 })
    );
    assert_eq!(SalesforceStartJob::items([""]), Err(StartError::EmptyItem { index: 0 }));
    assert_eq!(
        AwsStartJob::all().regions(Vec::<String>::new()),
        Err(StartError::EmptyList)
    );
    assert_eq!(
        AwsStartJob::all().regions(["us-east-1", ""]),
        Err(StartError::EmptyItem { index: 1 })
    );
    assert_eq!(ScopeItems::new([""; 0]), Err(StartError::EmptyList));
    assert_eq!(
        ScopeItems::try_from(vec![String::new()]),
        Err(StartError::EmptyItem { index: 0 })
    );
    assert_eq!(
        StartError::EmptyList.to_string(),
        "a start request list must hold at least one item"
    );
    assert_eq!(
        StartError::EmptyItem { index: 1 }.to_string(),
        "item 1 of a start request list is an empty string"
    );
}

#[test]
fn scope_items_give_back_their_items() -> TestResult {
    let items = ScopeItems::new(["a", "b"])?;
    assert_eq!(items.as_slice(), ["a", "b"]);
    assert_eq!((&items).into_iter().map(String::as_str).collect::<Vec<_>>(), ["a", "b"]);
    assert_eq!(items.clone().into_iter().collect::<Vec<_>>(), ["a", "b"]);
    assert_eq!(items.into_vec(), ["a", "b"]);
    let target = Target::Items(ScopeItems::new(["a"])?);
    assert_eq!(target.items(), Some(&["a".to_owned()][..]));
    assert!(!target.is_all());
    Ok(())
}

#[test]
fn unknown_fields_are_kept_reported_and_written_back() -> TestResult {
    let text = include_str!("fixtures/start/aws-with-unknown-field.json");
    let job: AwsStartJob = cckm_sync::from_str(text)?;
    assert_eq!(job.unknown_fields.get("dry_run").map(RawJson::as_str), Some("true"));
    let found = unknowns(&job);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].path, "/dry_run");
    assert_eq!(found[0].kind, UnknownKind::Field);
    assert_eq!(serde_json::to_string(&job)?, r#"{"kms":["kms-1"],"dry_run":true}"#);
    assert!(matches!(
        cckm_sync::from_slice_strict::<AwsStartJob>(text.as_bytes()),
        Err(cckm_sync::StrictError::Unknown(_))
    ));

    // A known field of another family is unknown here, and kept.
    let job: SalesforceStartJob = cckm_sync::from_str(r#"{"organization_ids": ["o"], "regions": ["r"]}"#)?;
    assert_eq!(job.unknown_fields.get("regions").map(RawJson::as_str), Some(r#"["r"]"#));
    assert_eq!(
        serde_json::to_value(&job)?,
        json!({"organization_ids": ["o"], "regions": ["r"]})
    );
    Ok(())
}

#[test]
fn an_unknown_field_named_like_a_modeled_one_is_an_error_when_written() -> TestResult {
    for name in ["synchronize_all", "kms", "regions"] {
        let mut job = AwsStartJob::items(["kms-1"])?;
        job.unknown_fields.insert("note", json!("kept"));
        job.unknown_fields.insert(name, json!(true));
        let error = serde_json::to_string(&job).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("unknown_fields holds `{name}`, a field the start request models: set the field itself")
        );
        assert!(serde_json::to_value(&job).is_err(), "{name}");
    }
    // Another family's field is an unknown field of this one.
    let mut job = SalesforceStartJob::items(["o"])?;
    job.unknown_fields.insert("kms", json!(["k"]));
    assert_eq!(
        serde_json::to_string(&job)?,
        r#"{"organization_ids":["o"],"kms":["k"]}"#
    );
    Ok(())
}

#[test]
fn null_options_read_as_absent_and_are_written_back_as_null() -> TestResult {
    let job: AwsStartJob = cckm_sync::from_str(r#"{"kms": ["k"], "regions": null}"#)?;
    assert_eq!(job.options, AwsStartOptions::default());
    assert_eq!(serde_json::to_string(&job)?, r#"{"kms":["k"],"regions":null}"#);
    let job: AzureStartJob = cckm_sync::from_str(r#"{"synchronize_all": true, "take_cloud_key_backup": null}"#)?;
    assert_eq!(job.options, AzureStartOptions::default());
    assert_eq!(
        serde_json::to_string(&job)?,
        r#"{"synchronize_all":true,"take_cloud_key_backup":null}"#
    );
    // A value set later wins over the remembered `null`.
    let mut job: AwsStartJob = cckm_sync::from_str(r#"{"kms": ["k"], "regions": null}"#)?;
    job.options.regions = Some(ScopeItems::new(["us-east-1"])?);
    assert_eq!(serde_json::to_string(&job)?, r#"{"kms":["k"],"regions":["us-east-1"]}"#);
    Ok(())
}

#[test]
fn the_catalog_names_the_option_fields() {
    assert_eq!(CloudFamily::Aws.spec().start_options, AwsStartOptions::FIELDS);
    assert_eq!(CloudFamily::Azure.spec().start_options, AzureStartOptions::FIELDS);
    assert_eq!(AwsStartOptions::FIELDS, ["regions"]);
    assert_eq!(AzureStartOptions::FIELDS, ["take_cloud_key_backup"]);
    for family in [
        CloudFamily::Google,
        CloudFamily::Oci,
        CloudFamily::Sap,
        CloudFamily::Salesforce,
        CloudFamily::Dsm,
        CloudFamily::ExternalCm,
    ] {
        assert_eq!(family.spec().start_options, NoStartOptions::FIELDS, "{family:?}");
    }
    assert_eq!(AwsStartJob::scope_field(), "kms");
    assert_eq!(SalesforceStartJob::scope_field(), "organization_ids");
    // Every family's options type is the one the catalog describes.
    fn options_of<S: FamilyScope>() -> &'static [&'static str] {
        <S::StartOptions as StartOptions>::FIELDS
    }
    assert_eq!(options_of::<cckm_sync::AwsScope>(), ["regions"]);
    assert_eq!(options_of::<cckm_sync::DsmScope>(), NoStartOptions::FIELDS);
}

#[test]
fn report_unknowns_is_implemented() {
    fn assert_reports<T: ReportUnknowns>() {}
    assert_reports::<AwsStartJob>();
    assert_reports::<ExternalCmStartJob>();
}

#[cfg(feature = "schemars")]
#[test]
fn schemas_are_named_per_family_and_state_the_choice() {
    use cckm_sync::schemars::{JsonSchema, generate::SchemaSettings};

    fn root<T: JsonSchema>() -> Value {
        let schema = SchemaSettings::draft2020_12()
            .into_generator()
            .into_root_schema_for::<T>();
        serde_json::to_value(schema).unwrap()
    }

    assert_eq!(AwsStartJob::schema_name(), "AwsStartJob");
    assert_eq!(ExternalCmStartJob::schema_name(), "ExternalCmStartJob");
    assert_ne!(DsmStartJob::schema_id(), ExternalCmStartJob::schema_id());

    // The two branches of `Target`, each a named type of its own: the listed items, or every
    // item (the list forbidden). Both carry the family's options. What the schemas accept is
    // checked against the parser by the contract tests.
    let aws = root::<AwsStartJob>();
    assert_eq!(aws["title"], "AwsStartJob");
    assert_eq!(
        aws["anyOf"],
        json!([{"$ref": "#/$defs/AwsStartJobItems"}, {"$ref": "#/$defs/AwsStartJobAll"}])
    );
    let [items, all] = [&aws["$defs"]["AwsStartJobItems"], &aws["$defs"]["AwsStartJobAll"]];
    for branch in [items, all] {
        assert_eq!(branch["type"], "object");
        assert_eq!(branch["additionalProperties"], true);
        assert_eq!(branch["properties"]["regions"]["type"], json!(["array", "null"]));
    }
    assert_eq!(items["required"], json!(["kms"]));
    assert_eq!(items["properties"]["kms"]["minItems"], 1);
    assert_eq!(
        items["properties"]["kms"]["items"],
        json!({"type": "string", "minLength": 1})
    );
    // In the forms code generators keep as plain typed properties (see the schema's comments):
    // `false` or `null`, `true`, and `null` only.
    assert_eq!(
        items["properties"]["synchronize_all"]["type"],
        json!(["boolean", "null"])
    );
    assert_eq!(items["properties"]["synchronize_all"]["not"], json!({"const": true}));
    assert_eq!(all["required"], json!(["synchronize_all"]));
    assert_eq!(all["properties"]["synchronize_all"]["type"], "boolean");
    assert_eq!(all["properties"]["synchronize_all"]["not"], json!({"const": false}));
    assert_eq!(all["properties"]["kms"].get("const"), Some(&Value::Null));
    assert!(all["properties"]["kms"].get("type").is_none());

    let salesforce = root::<SalesforceStartJob>();
    let defs = &salesforce["$defs"];
    assert_eq!(defs["SalesforceStartJobItems"]["required"], json!(["organization_ids"]));
    assert_eq!(
        defs["SalesforceStartJobAll"]["properties"]["organization_ids"].get("const"),
        Some(&Value::Null)
    );
    let azure = root::<AzureStartJob>();
    for branch in ["AzureStartJobItems", "AzureStartJobAll"] {
        assert_eq!(
            azure["$defs"][branch]["properties"]["take_cloud_key_backup"]["type"],
            json!(["boolean", "null"]),
            "{branch}"
        );
    }
}
