//! `diff` on documents made for the purpose: the committed contract, and the same with one
//! targeted edit. Each test names the edit, and asserts the impact, the place and the evidence
//! of the change it makes, and that nothing else breaks.

use cckm_sync::CONTRACT_VERSION;
use cckm_sync_contract::diff::{self, Acceptance, Change, Impact, Place, ProbeSource, Version, VersionKind};
use serde_json::{Value, json};

mod support;

use support::{committed, diff_after, diff_between, lines, of, operation, root, schema_mut, the_only};

#[test]
fn the_same_document_has_no_change() {
    let diff = diff_after(|_| {});
    assert!(diff.changes.is_empty(), "{}", lines(&diff));
    assert!(!diff.is_breaking());
}

#[test]
fn an_operation_removed_breaks() {
    let diff = diff_after(|document| {
        document["paths"]["/cckm/dsm/refresh"]
            .as_object_mut()
            .unwrap()
            .remove("get");
    });
    let change = the_only(&diff, Impact::Breaking);
    assert_eq!(
        change.place,
        Place::Operation {
            operation: "GET /cckm/dsm/refresh".to_owned()
        }
    );
    assert_eq!(change.summary, "operation removed");
    assert!(diff.is_breaking());
}

#[test]
fn a_new_required_parameter_breaks_and_an_optional_one_adds() {
    let parameter =
        |required: bool| json!({"name": "tenant", "in": "query", "required": required, "schema": {"type": "string"}});
    let place = Place::Parameter {
        operation: "GET /cckm/dsm/refresh".to_owned(),
        name: "tenant".to_owned(),
        location: "query".to_owned(),
    };
    let required = diff_after(|document| {
        document["paths"]["/cckm/dsm/refresh"]["get"]["parameters"]
            .as_array_mut()
            .unwrap()
            .push(parameter(true));
    });
    let change = the_only(&required, Impact::Breaking);
    assert_eq!(
        (&change.place, change.summary.as_str()),
        (&place, "new required parameter")
    );

    let optional = diff_after(|document| {
        document["paths"]["/cckm/dsm/refresh"]["get"]["parameters"]
            .as_array_mut()
            .unwrap()
            .push(parameter(false));
    });
    assert!(!optional.is_breaking(), "{}", lines(&optional));
    let change = the_only(&optional, Impact::Additive);
    assert_eq!(
        (&change.place, change.summary.as_str()),
        (&place, "new optional parameter")
    );
}

#[test]
fn a_renamed_path_parameter_is_the_same_url() {
    let diff = diff_after(|document| {
        let paths = document["paths"].as_object_mut().unwrap();
        let item = paths.remove("/cckm/dsm/refresh/{id}").unwrap();
        let mut item = serde_json::to_string(&item).unwrap();
        item = item.replace(r#""name":"id""#, r#""name":"jobId""#);
        paths.insert(
            "/cckm/dsm/refresh/{jobId}".to_owned(),
            serde_json::from_str(&item).unwrap(),
        );
    });
    assert!(of(&diff, Impact::Breaking).is_empty(), "{}", lines(&diff));
    assert!(of(&diff, Impact::Additive).is_empty(), "{}", lines(&diff));
}

#[test]
fn a_narrower_parameter_pattern_breaks_with_the_value_it_refuses() {
    // The AWS list's sort keys lose `kms`, which the model crate's queries sort by.
    let diff = diff_after(|document| {
        let parameters = document["paths"]["/cckm/aws/synchronization-jobs"]["get"]["parameters"]
            .as_array_mut()
            .unwrap();
        let sort = parameters
            .iter_mut()
            .find(|parameter| parameter["name"] == "sort")
            .unwrap();
        let pattern = sort["schema"]["pattern"].as_str().unwrap().replace("|kms", "");
        sort["schema"]["pattern"] = json!(pattern);
    });
    let change = the_only(&diff, Impact::Breaking);
    assert_eq!(
        change.place,
        Place::Parameter {
            operation: "GET /cckm/aws/synchronization-jobs".to_owned(),
            name: "sort".to_owned(),
            location: "query".to_owned(),
        }
    );
    let evidence = change.evidence.as_ref().unwrap();
    assert_eq!(evidence.to_string(), "`sort=kms` was accepted and is now refused");
    assert_eq!(evidence.source, ProbeSource::Model);
    assert!(
        evidence.refused.keyword_location.ends_with("/schema/pattern"),
        "{evidence:?}"
    );
    assert!(of(&diff, Impact::Additive).is_empty(), "{}", lines(&diff));
}

#[test]
fn an_integer_parameter_is_judged_as_text() {
    // `limit` narrowed to at most 100: a client that sent `limit=4294967295` is refused.
    let diff = diff_after(|document| {
        schema_mut(document, "Limit")["maximum"] = json!(100);
    });
    let breaking = of(&diff, Impact::Breaking);
    assert_eq!(breaking.len(), 12, "{}", lines(&diff));
    let evidence = breaking[0].evidence.as_ref().unwrap();
    assert!(evidence.probe.starts_with("limit="), "{evidence}");
    let value: i64 = evidence.probe.trim_start_matches("limit=").parse().unwrap();
    assert!(value > 100, "{evidence}");
}

#[test]
fn a_request_body_that_accepts_null_adds() {
    let diff = diff_after(|document| {
        schema_mut(document, "AwsStartJob")["anyOf"]
            .as_array_mut()
            .unwrap()
            .push(json!({"type": "null"}));
    });
    assert!(!diff.is_breaking(), "{}", lines(&diff));
    let additive = of(&diff, Impact::Additive);
    assert_eq!(additive.len(), 2, "{}", lines(&diff));
    let operations: Vec<String> = additive.iter().map(|change| operation(&diff, change)).collect();
    assert_eq!(
        operations,
        [
            "POST /cckm/aws/custom-key-stores/synchronization-jobs",
            "POST /cckm/aws/synchronization-jobs"
        ]
    );
    let evidence = additive[0].evidence.as_ref().unwrap();
    assert_eq!(
        evidence.to_string(),
        "the body `null` of AwsStartJob was refused and is now accepted"
    );
    assert!(matches!(additive[0].place, Place::RequestBody { .. }));
}

#[test]
fn a_narrower_request_body_breaks_with_the_documents_example() {
    // At most one region: the example with two regions is refused.
    let diff = diff_after(|document| {
        for branch in ["AwsStartJobItems", "AwsStartJobAll"] {
            schema_mut(document, branch)["properties"]["regions"]["maxItems"] = json!(1);
        }
    });
    let breaking = of(&diff, Impact::Breaking);
    assert_eq!(breaking.len(), 2, "{}", lines(&diff));
    // The document's own example of the body is the evidence.
    let evidence = breaking[0].evidence.as_ref().unwrap();
    assert_eq!(evidence.source, ProbeSource::Example);
    assert_eq!(
        evidence.to_string(),
        r#"the body `{"kms":["kms-1","kms-2"],"regions":["us-east-1","ap-south-1"]}` of AwsStartJob was accepted and is now refused"#
    );
    assert_eq!(
        (evidence.old, evidence.new),
        (Acceptance::Accepted, Acceptance::Refused)
    );
}

#[test]
fn a_closed_enum_of_a_response_that_gains_a_value_breaks() {
    let closed = |values: Value| {
        move |document: &mut Value| {
            schema_mut(document, "DsmSyncJob")["properties"]["overall_status"] = json!({"enum": values});
        }
    };
    let diff = diff_between(
        closed(json!(["in_progress", "completed"])),
        closed(json!(["in_progress", "completed", "queued"])),
    );
    let breaking = of(&diff, Impact::Breaking);
    assert!(!breaking.is_empty(), "{}", lines(&diff));
    for change in &breaking {
        assert!(matches!(change.place, Place::Response { .. }), "{change}");
        let evidence = change.evidence.as_ref().unwrap();
        assert!(evidence.probe.contains(r#""overall_status":"queued""#), "{evidence}");
        assert_eq!(
            (evidence.old, evidence.new),
            (Acceptance::Refused, Acceptance::Accepted)
        );
    }
    // The list, start (200, 201), get and cancel responses of the DSM endpoint.
    let operations: std::collections::BTreeSet<String> =
        breaking.iter().map(|change| operation(&diff, change)).collect();
    assert_eq!(operations.len(), 4, "{operations:?}");
}

#[test]
fn a_wider_response_type_breaks() {
    let diff = diff_after(|document| {
        schema_mut(document, "ApiError")["properties"]["code"]["type"] = json!(["integer", "string", "null"]);
    });
    let breaking = of(&diff, Impact::Breaking);
    assert!(!breaking.is_empty());
    for change in &breaking {
        let Place::Response { status, .. } = &change.place else {
            panic!("{change}");
        };
        assert!(status.starts_with('4') || status.starts_with('5'), "{change}");
        let evidence = change.evidence.as_ref().unwrap();
        assert!(evidence.probe.contains(r#""code":""#), "{evidence}");
        assert_eq!(
            (evidence.old, evidence.new),
            (Acceptance::Refused, Acceptance::Accepted)
        );
        assert!(
            evidence
                .refused
                .keyword_location
                .ends_with("/components/schemas/ApiError/properties/code/type"),
            "{evidence:?}"
        );
    }
}

#[test]
fn a_narrower_response_adds() {
    let diff = diff_after(|document| {
        schema_mut(document, "OciSyncJob")["properties"]["uri"]["pattern"] = json!("^kylo:kylo:cckm:synchronize:");
    });
    assert!(!diff.is_breaking(), "{}", lines(&diff));
    let additive = of(&diff, Impact::Additive);
    assert_eq!(additive.len(), 5, "{}", lines(&diff));
    for change in additive {
        assert_eq!(change.summary, "allows fewer bodies (narrowed)");
        let evidence = change.evidence.as_ref().unwrap();
        assert_eq!(
            (evidence.old, evidence.new),
            (Acceptance::Accepted, Acceptance::Refused)
        );
        assert!(
            evidence
                .refused
                .keyword_location
                .ends_with("OciSyncJob/properties/uri/pattern"),
            "{evidence:?}"
        );
    }
}

#[test]
fn a_property_newly_listed_where_acceptance_did_not_change_adds() {
    // `priority`, of any value, was accepted as a field the contract did not list.
    let diff = diff_after(|document| {
        schema_mut(document, "DsmSyncJob")["properties"]["priority"] = json!({"description": "Newer servers."});
    });
    assert!(!diff.is_breaking(), "{}", lines(&diff));
    let additive = of(&diff, Impact::Additive);
    assert_eq!(additive.len(), 5, "{}", lines(&diff));
    let summaries: std::collections::BTreeSet<&str> = additive.iter().map(|change| change.summary.as_str()).collect();
    assert_eq!(
        summaries,
        std::collections::BTreeSet::from([
            "newly lists `/priority` (the values accepted did not change)",
            "newly lists `/resources/*/priority` (the values accepted did not change)",
        ])
    );
}

#[test]
fn a_new_success_status_breaks_and_a_new_error_status_adds() {
    let diff = diff_after(|document| {
        let get = &mut document["paths"]["/cckm/dsm/refresh/{id}"]["get"]["responses"];
        get["202"] = json!({"description": "accepted, later"});
        let list = &mut document["paths"]["/cckm/dsm/refresh"]["get"]["responses"];
        list["429"] = json!({"$ref": "#/components/responses/ServerError"});
    });
    let breaking = the_only(&diff, Impact::Breaking);
    assert_eq!(
        breaking.place,
        Place::Response {
            operation: "GET /cckm/dsm/refresh/{id}".to_owned(),
            status: "202".to_owned(),
            media_type: None
        }
    );
    assert!(breaking.summary.starts_with("new success status"), "{breaking}");
    let additive = the_only(&diff, Impact::Additive);
    assert_eq!(
        additive.place,
        Place::Response {
            operation: "GET /cckm/dsm/refresh".to_owned(),
            status: "429".to_owned(),
            media_type: None
        }
    );
    assert_eq!(additive.summary, "new error status (the API can always fail)");
}

#[test]
fn a_status_removed_breaks() {
    let diff = diff_after(|document| {
        document["paths"]["/cckm/dsm/refresh/{id}"]["get"]["responses"]
            .as_object_mut()
            .unwrap()
            .remove("404");
    });
    let change = the_only(&diff, Impact::Breaking);
    assert_eq!(
        change.place,
        Place::Response {
            operation: "GET /cckm/dsm/refresh/{id}".to_owned(),
            status: "404".to_owned(),
            media_type: None
        }
    );
    assert_eq!(change.summary, "status removed");
}

#[test]
fn an_open_enum_that_lists_a_new_known_value_adds() {
    let diff = diff_after(|document| {
        schema_mut(document, "JobStatus")["examples"]
            .as_array_mut()
            .unwrap()
            .push(json!("queued"));
    });
    assert!(!diff.is_breaking(), "{}", lines(&diff));
    let additive = of(&diff, Impact::Additive);
    assert!(!additive.is_empty());
    for change in &additive {
        assert!(change.summary.contains("`queued`"), "{change}");
        assert!(change.summary.contains("any string was and is accepted"), "{change}");
        assert!(change.evidence.is_none());
    }
    // The list filter `overall_status` of every list, and the jobs every operation answers.
    assert!(additive.iter().any(|change| matches!(&change.place,
        Place::Parameter { name, .. } if name == "overall_status")));
    assert!(additive.iter().any(|change| matches!(&change.place,
        Place::Response { operation, status, .. } if operation == "GET /cckm/aws/synchronization-jobs/{id}" && status == "200")));
    // JobStatus is a schema of requests (the filter) and responses (jobs): said once more.
    assert!(additive.iter().any(|change| matches!(&change.place,
        Place::Schema { schema, .. } if schema == "JobStatus")));
}

#[test]
fn a_schema_of_requests_and_responses_breaks_on_any_change() {
    // JobStatus judges the `overall_status` filter and the jobs' field: a wider JobStatus
    // accepts more filters (additive for the requests), and answers jobs a client of the old
    // version does not read (breaking); the component itself is breaking either way.
    let diff = diff_after(|document| {
        schema_mut(document, "JobStatus")["type"] = json!(["string", "null"]);
    });
    let shared: Vec<&Change> = of(&diff, Impact::Breaking)
        .into_iter()
        .filter(|change| matches!(&change.place, Place::Schema { schema, .. } if schema == "JobStatus"))
        .collect();
    assert_eq!(shared.len(), 1, "{}", lines(&diff));
    assert_eq!(
        shared[0].summary,
        "accepts more bodies, in a schema of requests and responses"
    );
    assert_eq!(shared[0].evidence.as_ref().unwrap().probe, "null");
    let narrower = diff_after(|document| {
        schema_mut(document, "JobStatus")["maxLength"] = json!(20);
    });
    assert!(
        of(&narrower, Impact::Breaking)
            .iter()
            .any(|change| matches!(&change.place,
        Place::Schema { schema, .. } if schema == "JobStatus")),
        "{}",
        lines(&narrower)
    );
}

#[test]
fn descriptions_alone_change_nothing_on_the_wire() {
    let diff = diff_after(|document| {
        document["info"]["description"] = json!("Rewritten.");
        document["info"]["version"] = json!("9.0.0");
        schema_mut(document, "AwsSyncJob")["properties"]["cloud"]["description"] = json!("Where it ran.");
        document["paths"]["/cckm/dsm/refresh"]["get"]["parameters"][0]["description"] = json!("The id.");
        schema_mut(document, "Cloud")["$comment"] = json!("A comment.");
    });
    assert!(of(&diff, Impact::Breaking).is_empty(), "{}", lines(&diff));
    assert!(of(&diff, Impact::Additive).is_empty(), "{}", lines(&diff));
    let descriptions = diff
        .changes
        .iter()
        .find_map(|change| match &change.place {
            Place::Annotations { keyword, pointers } if keyword == "description" => Some(pointers),
            _ => None,
        })
        .unwrap();
    assert_eq!(descriptions.len(), 3, "{descriptions:?}");
    assert!(
        diff.changes
            .iter()
            .any(|change| change.summary == format!("contract version {CONTRACT_VERSION} → 9.0.0"))
    );
    assert!(
        diff.changes
            .iter()
            .any(|change| matches!(&change.place, Place::Annotations { keyword, .. } if keyword == "$comment"))
    );
    assert_eq!(diff.new.version.as_deref(), Some("9.0.0"));
}

#[test]
fn versioned_ids_on_the_components_of_a_document_change_nothing() {
    let base = "https://raw.githubusercontent.com/cckm-sync/cckm-sync/contract-v9.0.0/schemas/";
    // With one narrowing too, which the validators of the jobs (whose `$ref`s name other
    // components by JSON Pointer) must find.
    let diff = diff_after(|document| {
        document["info"]["version"] = json!("9.0.0");
        for (name, schema) in document["components"]["schemas"].as_object_mut().unwrap() {
            schema["$id"] = json!(format!("{base}{name}.schema.json"));
        }
        schema_mut(document, "DsmSyncJob")["properties"]["uri"]["pattern"] = json!("^kylo:");
    });
    assert!(of(&diff, Impact::Breaking).is_empty(), "{}", lines(&diff));
    assert_eq!(of(&diff, Impact::Additive).len(), 5, "{}", lines(&diff));
    let ids = diff
        .changes
        .iter()
        .filter(|change| matches!(&change.place, Place::Schema { pointer, .. } if pointer == "/$id"))
        .count();
    assert_eq!(ids, committed()["components"]["schemas"].as_object().unwrap().len());
    assert_eq!(
        (diff.old.version.as_deref(), diff.new.version.as_deref()),
        (Some(CONTRACT_VERSION), Some("9.0.0"))
    );
    // Said once for all of them.
    let groups: Vec<String> = diff.groups().iter().map(ToString::to_string).collect();
    assert_eq!(
        groups.iter().filter(|line| line.contains("`$id` changed")).count(),
        1,
        "{groups:#?}"
    );
}

#[test]
fn the_same_contract_in_openapi_30_and_31_is_the_same_on_the_wire() {
    let thirty = Version::load(root().join("openapi/cckm-sync.openapi-3.0.json")).unwrap();
    let thirty_one = Version::load(root().join("openapi/cckm-sync.openapi.json")).unwrap();
    assert_eq!(
        (thirty.kind(), thirty_one.kind()),
        (VersionKind::OpenApi30, VersionKind::OpenApi31)
    );
    for (old, new) in [(&thirty, &thirty_one), (&thirty_one, &thirty)] {
        let diff = diff::compare(old, new).unwrap();
        assert!(of(&diff, Impact::Breaking).is_empty(), "{}", lines(&diff));
        assert!(of(&diff, Impact::Additive).is_empty(), "{}", lines(&diff));
        // The forms differ (`nullable`, `allOf` around a `$ref`, an empty nullable list for a
        // `null` constant): each is said to accept the same values.
        assert!(
            diff.changes
                .iter()
                .any(|change| change.summary.starts_with("written in another form"))
        );
    }
}
