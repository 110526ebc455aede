//! Fidelity to the Go server, and to what a review of the crate found: each test holds one
//! rule, with the exact inputs the review reproduced.

use cckm_sync::{
    ApiError, AwsStartJob, AwsStartOptions, AwsSyncJob, AzureSyncJobPage, GoogleSyncJob, NullFields, Page, RawJson,
    ScopeItems, StartError, SyncJob, SyncJobPage, UnknownKind, unknowns,
};
use serde_json::{Value, json};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A job of `cloud`, with the required fields and `extra` fields after them.
fn job(cloud: &str, extra: Value) -> Value {
    let mut job = json!({
        "id": "1f1d1b1b-a17c-486f-b864-db894af6efac",
        "uri": "kylo:kylo:cckm:synchronize:1f1d1b1b-a17c-486f-b864-db894af6efac",
        "account": "kylo:kylo:admin:accounts:kylo",
        "application": "ncryptify:gemalto:admin:apps:kylo",
        "devAccount": "ncryptify:gemalto:admin:accounts:gemalto",
        "createdAt": "2021-05-05T08:36:36.676642Z",
        "updatedAt": "2021-05-05T08:37:22.041115Z",
        "overall_status": "in_progress",
        "cloud": cloud,
        "abort": false
    });
    if let (Some(job), Some(extra)) = (job.as_object_mut(), extra.as_object()) {
        job.extend(extra.clone());
    }
    job
}

/// A page of `jobs`, its fields in the server's order.
fn page_of(jobs: Vec<Value>) -> String {
    format!(
        r#"{{"skip":0,"limit":10,"total":{},"resources":{}}}"#,
        jobs.len(),
        Value::from(jobs)
    )
}

/// Parses `text` as `T`, writes it, parses that again, and checks both the value and the
/// text are stable; returns the written text.
fn round_trip<T>(text: &str) -> String
where
    T: serde::de::DeserializeOwned + serde::Serialize + PartialEq + std::fmt::Debug,
{
    let parsed: T = cckm_sync::from_str(text).unwrap_or_else(|error| panic!("{text}: {error}"));
    let written = serde_json::to_string(&parsed).unwrap();
    let again: T = cckm_sync::from_str(&written).unwrap();
    assert_eq!(again, parsed, "{text}");
    assert_eq!(serde_json::to_string(&again).unwrap(), written, "{text}");
    let value = |text: &str| serde_json::from_str::<Value>(text).ok();
    if let (Some(sent), Some(back)) = (value(text), value(&written)) {
        assert_eq!(back, sent, "the written JSON is not the JSON read");
    }
    written
}

#[test]
fn the_any_family_job_types_a_scope_field_only_for_the_families_that_define_it() -> TestResult {
    // On a cloud without `groups` (here unknown), it is an unknown field of any value.
    let luna = page_of(vec![job("hsm-luna", json!({"groups": [{"id": "g1"}]}))]);
    round_trip::<SyncJobPage>(&luna);
    let page: SyncJobPage = cckm_sync::from_str(&luna)?;
    let job0 = &page.resources[0];
    assert_eq!(job0.scope.groups, None);
    assert_eq!(
        job0.unknown_fields.get("groups").map(RawJson::as_str),
        Some(r#"[{"id":"g1"}]"#)
    );
    assert_eq!(unknowns(job0)[1].path, "/groups");

    // On `gcp`, `regions` is not a Google field.
    let gcp = page_of(vec![job("gcp", json!({"regions": "global", "key_rings": ["k"]}))]);
    round_trip::<SyncJobPage>(&gcp);
    let page: SyncJobPage = cckm_sync::from_str(&gcp)?;
    assert_eq!(page.resources[0].scope.key_rings, Some(vec!["k".to_owned()]));
    assert!(page.resources[0].unknown_fields.contains_key("regions"));

    // On SAP, `groups` is typed, and a wrong item is refused where it is.
    let sap = page_of(vec![job("sap", json!({"groups": [{"id": "g1"}]}))]);
    let error = cckm_sync::from_str::<SyncJobPage>(&sap).unwrap_err();
    assert_eq!(error.path(), "/resources/0/groups/0");
    assert_eq!(error.reason(), "invalid type: map, expected a string");
    Ok(())
}

#[test]
fn a_scope_field_before_the_cloud_is_typed_by_the_cloud_that_follows() -> TestResult {
    let fields = |cloud: &str, groups: Value| {
        let mut job = job(cloud, json!({}));
        let job = job.as_object_mut().unwrap();
        let cloud = job.remove("cloud").unwrap();
        let mut reordered = serde_json::Map::new();
        reordered.insert("groups".into(), groups);
        reordered.extend(job.clone());
        reordered.insert("cloud".into(), cloud);
        Value::Object(reordered).to_string()
    };
    let luna = fields("hsm-luna", json!([{"id": "g1"}]));
    let job: SyncJob = cckm_sync::from_str(&luna)?;
    assert!(job.unknown_fields.contains_key("groups"));
    round_trip::<SyncJob>(&luna);

    let sap = fields("sap", json!(["g1", "g2"]));
    let job: SyncJob = cckm_sync::from_str(&sap)?;
    assert_eq!(job.scope.groups, Some(vec!["g1".to_owned(), "g2".to_owned()]));
    assert!(job.unknown_fields.is_empty());

    let error = cckm_sync::from_str::<SyncJob>(&fields("sap", json!(["g1", 5]))).unwrap_err();
    assert_eq!(error.path(), "/groups/1");
    assert_eq!(error.reason(), "invalid type: integer `5`, expected a string");
    let in_page = page_of(vec![serde_json::from_str(&fields("sap", json!(["g1", 5])))?]);
    let error = cckm_sync::from_str::<SyncJobPage>(&in_page).unwrap_err();
    assert_eq!(error.path(), "/resources/0/groups/1");
    Ok(())
}

#[test]
fn null_absent_and_empty_are_kept_apart_on_a_round_trip() {
    let cases = [
        page_of(vec![]).replace("[]", "null"),
        page_of(vec![]),
        page_of(vec![job(
            "aws",
            json!({"completed_at": null, "kms": null, "regions": []}),
        )]),
        page_of(vec![job("aws", json!({"detailed_status": null, "kms": ["k"]}))]),
        page_of(vec![job("aws", json!({"detailed_status": {}, "kms": []}))]),
    ];
    for case in &cases {
        let written = round_trip::<SyncJobPage>(case);
        assert_eq!(
            serde_json::from_str::<Value>(&written).unwrap(),
            serde_json::from_str::<Value>(case).unwrap()
        );
    }
    let null: SyncJobPage = cckm_sync::from_str(&cases[2]).unwrap();
    let job = &null.resources[0];
    assert_eq!((job.completed_at, &job.scope.kms), (None, &None));
    assert_eq!(job.scope.regions, Some(Vec::new()));
    assert_eq!(
        job.null_fields,
        ["completed_at", "kms"].into_iter().collect::<NullFields>()
    );
}

#[test]
fn start_requests_read_null_as_no_value_as_the_go_server_does() -> TestResult {
    let items: AwsStartJob = cckm_sync::from_str(r#"{"kms":["k"],"synchronize_all":null}"#)?;
    assert_eq!(items.target, AwsStartJob::items(["k"])?.target);
    let all: AwsStartJob = cckm_sync::from_str(r#"{"kms":null,"synchronize_all":true}"#)?;
    assert!(all.target.is_all());
    let regions: AwsStartJob = cckm_sync::from_str(r#"{"kms":["k"],"regions":null}"#)?;
    assert_eq!(regions.options, AwsStartOptions::default());
    for text in [
        r#"{"kms":["k"],"synchronize_all":null}"#,
        r#"{"synchronize_all":true,"kms":null}"#,
        r#"{"kms":["k"],"regions":null}"#,
        r#"{"kms":["k"],"synchronize_all":false}"#,
    ] {
        assert_eq!(round_trip::<AwsStartJob>(text), text);
    }
    // What a generated client sends for a body it read from JSON with every field present.
    let generated: AwsStartJob = cckm_sync::from_str(r#"{"kms": ["k1"], "regions": null, "synchronize_all": null}"#)?;
    assert_eq!(generated.target, AwsStartJob::items(["k1"])?.target);
    Ok(())
}

#[test]
fn a_repeated_field_counts_with_its_last_occurrence_as_in_go() -> TestResult {
    let first_null: AwsStartJob = cckm_sync::from_str(r#"{"kms":null,"kms":["a"]}"#)?;
    assert_eq!(first_null.target.items(), Some(&["a".to_owned()][..]));
    assert!(first_null.null_fields().is_empty());
    let two_lists: AwsStartJob = cckm_sync::from_str(r#"{"kms":["b"],"kms":["a"]}"#)?;
    assert_eq!(two_lists.target.items(), Some(&["a".to_owned()][..]));
    // The last occurrence is `null`: no list, so neither a list nor `synchronize_all`.
    let error = cckm_sync::from_str::<AwsStartJob>(r#"{"kms":["a"],"kms":null}"#).unwrap_err();
    assert_eq!(error.path(), "");
    // Every occurrence must still be valid, as every one is decoded.
    let error = cckm_sync::from_str::<AwsStartJob>(r#"{"kms":[""],"kms":["a"]}"#).unwrap_err();
    assert_eq!(error.path(), "/kms/0");

    let repeated = job("gcp", json!({})).to_string().replace(
        r#""overall_status":"in_progress""#,
        r#""overall_status":"in_progress","overall_status":"failed""#,
    );
    let job: GoogleSyncJob = cckm_sync::from_str(&repeated)?;
    assert_eq!(job.overall_status.as_str(), "failed");
    let error: ApiError = cckm_sync::from_str(r#"{"code":null,"code":16,"message":"a","message":null}"#)?;
    assert_eq!((error.code, error.message), (Some(16), None));
    assert_eq!(error.null_fields.iter().collect::<Vec<_>>(), ["message"]);
    Ok(())
}

#[test]
fn unknown_fields_are_written_back_unchanged() -> TestResult {
    for number in ["123456789012345678901234567890", "1E-400", "1e400"] {
        let text = page_of(vec![job("aws", json!({}))])
            .replace(r#""abort":false"#, &format!(r#""abort":false,"weight":{number}"#));
        let written = serde_json::to_string(&cckm_sync::from_str::<SyncJobPage>(&text)?)?;
        assert!(written.contains(&format!(r#""weight":{number}"#)), "{written}");
        let start: AwsStartJob = cckm_sync::from_str(&format!(r#"{{"kms":["k"],"weight":{number}}}"#))?;
        assert_eq!(
            serde_json::to_string(&start)?,
            format!(r#"{{"kms":["k"],"weight":{number}}}"#)
        );
    }
    Ok(())
}

#[test]
fn a_repeated_cloud_types_the_scope_arrays_of_the_last_one() -> TestResult {
    // Found by fuzzing: the arrays read under the first `cloud` were typed by it.
    // `hsm-luna` then `AzureCloud`: an Azure job, whose `key_vaults` is typed.
    let text = job("hsm-luna", json!({})).to_string().replace(
        r#""cloud":"hsm-luna""#,
        r#""cloud":"hsm-luna","key_vaults":["v"],"cloud":"AzureCloud""#,
    );
    let azure: SyncJob = cckm_sync::from_str(&text)?;
    assert_eq!(azure.scope.key_vaults, Some(vec!["v".to_owned()]));
    assert!(azure.unknown_fields.is_empty());
    round_trip::<SyncJob>(&text);
    // `AzureCloud` then `hsm-luna`: an unknown cloud's job, whose `key_vaults` is unknown.
    let text = job("AzureCloud", json!({})).to_string().replace(
        r#""cloud":"AzureCloud""#,
        r#""cloud":"AzureCloud","key_vaults":["v"],"cloud":"hsm-luna""#,
    );
    let luna: SyncJob = cckm_sync::from_str(&text)?;
    assert_eq!(luna.scope.key_vaults, None);
    assert_eq!(
        luna.unknown_fields.get("key_vaults").map(RawJson::as_str),
        Some(r#"["v"]"#)
    );
    round_trip::<SyncJob>(&text);
    // An unknown field the last cloud types must be a list of strings.
    let text = job("hsm-luna", json!({})).to_string().replace(
        r#""cloud":"hsm-luna""#,
        r#""cloud":"hsm-luna","key_vaults":[5],"cloud":"AzureCloud""#,
    );
    let error = cckm_sync::from_str::<SyncJob>(&text).unwrap_err();
    assert_eq!(error.path(), "/key_vaults/0");
    Ok(())
}

#[test]
fn an_integer_out_of_range_is_refused_as_written() {
    // Found by fuzzing: serde_json reads this literal as a double, which rounds to -2^63.
    for text in [r#"{"code":-9223372036854775809}"#, r#"{"code":9223372036854775808}"#] {
        let error = cckm_sync::from_str::<ApiError>(text).unwrap_err();
        assert_eq!(error.path(), "/code", "{text}");
        assert!(error.reason().starts_with("invalid value: integer `"), "{error}");
    }
    let lowest: ApiError = cckm_sync::from_str(r#"{"code":-9223372036854775808}"#).unwrap();
    assert_eq!(lowest.code, Some(i64::MIN));
    let error = cckm_sync::from_str::<SyncJobPage>(r#"{"skip":null,"limit":1,"total":0,"resources":[]}"#).unwrap_err();
    assert_eq!(error.reason(), "invalid type: null, expected a non-negative integer");
}

#[test]
fn a_completion_time_past_9999_in_utc_is_written_back() -> TestResult {
    let text = job("aws", json!({"completed_at": "9999-12-31T23:59:59-01:00"})).to_string();
    let job: AwsSyncJob = cckm_sync::from_str(&text)?;
    let written = serde_json::to_value(&job)?;
    assert_eq!(written["completed_at"], "9999-12-31T23:59:59-01:00");
    round_trip::<AwsSyncJob>(&text);
    Ok(())
}

#[test]
fn an_unknown_field_named_like_a_modeled_one_cannot_be_written() -> TestResult {
    let mut job: SyncJob = cckm_sync::from_str(&job("aws", json!({"kms": ["k"]})).to_string())?;
    job.unknown_fields.insert("abort", json!(true));
    let error = serde_json::to_string(&job).unwrap_err();
    assert_eq!(
        error.to_string(),
        "unknown_fields holds `abort`, a field the job models: set the field itself"
    );
    assert!(
        serde_json::to_value(&job).is_err(),
        "to_value must not make the job cancelled"
    );
    job.unknown_fields.remove("abort");
    // A scope field of the job's family is modeled even when it is not set.
    job.scope.regions = None;
    job.unknown_fields.insert("regions", json!(["r"]));
    assert!(serde_json::to_string(&job).is_err());
    job.unknown_fields.remove("regions");
    // A field of another family is an unknown field of an AWS job.
    job.unknown_fields.insert("key_rings", json!(["k"]));
    assert!(serde_json::to_string(&job)?.contains(r#""key_rings":["k"]"#));

    let mut page = Page::new(0, 10, 0, Vec::<SyncJob>::new());
    page.unknown_fields.insert("total", json!(5));
    assert!(serde_json::to_string(&page).is_err());
    let mut error = ApiError::default();
    error.unknown_fields.insert("codeDesc", json!("NCERRConflict"));
    assert!(serde_json::to_string(&error).is_err());
    Ok(())
}

#[test]
fn a_tiny_response_cannot_make_the_parser_reserve_memory_for_its_claims() -> TestResult {
    let page: SyncJobPage = cckm_sync::from_str(r#"{"skip":0,"limit":-1,"total":4294967295,"resources":[]}"#)?;
    assert_eq!(page.resources.capacity(), 0);
    let one = page_of(vec![job("aws", json!({}))]).replace(r#""total":1"#, r#""total":4294967295"#);
    let page: SyncJobPage = cckm_sync::from_str(&one)?;
    assert!(page.resources.capacity() <= 16, "{}", page.resources.capacity());
    Ok(())
}

#[test]
fn a_page_of_the_announced_size_is_read_without_spare_room() -> TestResult {
    let jobs: Vec<Value> = (0..1000).map(|_| job("aws", json!({}))).collect();
    let text = page_of(jobs).replace(r#""limit":10"#, r#""limit":-1"#);
    let page: SyncJobPage = cckm_sync::from_str(&text)?;
    assert_eq!((page.resources.len(), page.resources.capacity()), (1000, 1000));
    Ok(())
}

#[test]
fn aws_regions_are_a_validated_list() -> TestResult {
    let options = AwsStartOptions {
        regions: Some(ScopeItems::new(["us-east-1"])?),
    };
    assert_eq!(
        options.regions.as_ref().map(ScopeItems::as_slice),
        Some(&["us-east-1".to_owned()][..])
    );
    assert_eq!(ScopeItems::new(Vec::<String>::new()), Err(StartError::EmptyList));
    Ok(())
}

#[test]
fn errors_name_the_value_with_an_unambiguous_json_pointer() {
    let error = cckm_sync::from_str::<AwsStartJob>(r#"{"kms":["a",""]}"#).unwrap_err();
    assert_eq!(error.path(), "/kms/1");
    assert_eq!(error.reason(), "empty string: every item must name something");
    let error = cckm_sync::from_str::<AwsStartJob>(r#"{"kms":["a",5]}"#).unwrap_err();
    assert_eq!(error.path(), "/kms/1");

    let text = job("aws", json!({"detailed_status": {"us-east-1/a.b[0]": 7}})).to_string();
    let error = cckm_sync::from_str::<SyncJob>(&text).unwrap_err();
    assert_eq!(error.path(), "/detailed_status/us-east-1~1a.b[0]");

    let text = job("aws", json!({"a/b~c": 1, "x.y[0]": 2})).to_string();
    let job: SyncJob = cckm_sync::from_str(&text).unwrap();
    let paths: Vec<String> = unknowns(&job).into_iter().map(|unknown| unknown.path).collect();
    assert_eq!(paths, ["/a~1b~0c", "/x.y[0]"]);
    assert!(unknowns(&job).iter().all(|unknown| unknown.kind == UnknownKind::Field));
}

#[test]
fn a_family_type_refuses_a_job_of_another_family() {
    let azure = job("AzureCloud", json!({"key_vaults": ["kv::1"]})).to_string();
    let error = cckm_sync::from_str::<AwsSyncJob>(&azure).unwrap_err();
    assert_eq!(error.path(), "/cloud");
    assert_eq!(
        error.reason(),
        r#""AzureCloud" is the cloud of Azure jobs, not of AWS jobs"#
    );
    let mixed = page_of(vec![
        job("AzureChinaCloud", json!({})),
        job("gcp", json!({"key_rings": ["k"]})),
    ]);
    let error = cckm_sync::from_str::<AzureSyncJobPage>(&mixed).unwrap_err();
    assert_eq!(error.path(), "/resources/1/cloud");
    // A cloud this crate does not know may be a newer one of the family: accepted.
    let newer = job("aws-sovereign", json!({"kms": ["k"]})).to_string();
    let job: AwsSyncJob = cckm_sync::from_str(&newer).unwrap();
    assert_eq!(job.scope.kms, Some(vec!["k".to_owned()]));
}

#[test]
fn integers_written_with_a_zero_fraction_read_as_integers() -> TestResult {
    let page: SyncJobPage = cckm_sync::from_str(r#"{"skip":0.0,"limit":1e1,"total":-0.0,"resources":[]}"#)?;
    assert_eq!((page.skip, page.limit, page.total), (0, 10, 0));
    for text in [
        r#"{"skip":0.5,"limit":10,"total":0,"resources":[]}"#,
        r#"{"skip":18446744073709551616,"limit":10,"total":0,"resources":[]}"#,
        r#"{"skip":-1.0,"limit":10,"total":0,"resources":[]}"#,
    ] {
        let error = cckm_sync::from_str::<SyncJobPage>(text).unwrap_err();
        assert_eq!(error.path(), "/skip", "{text}");
    }
    Ok(())
}
