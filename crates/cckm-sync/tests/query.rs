//! List queries: the exact query string each family's list call sends, and the values refused
//! before they reach the server.

use cckm_sync::{
    AwsListSyncJobs, AzureListSyncJobs, DsmListSyncJobs, ExternalCmListSyncJobs, GoogleListSyncJobs, JobStatus, Limit,
    OciListSyncJobs, QueryError, SalesforceListSyncJobs, SapListSyncJobs, Sort, SortKey,
};

mod support;

use support::query::{JOB_ID, job_id};

// The query string, parameter by parameter.

#[test]
fn an_empty_query_renders_nothing() {
    assert_eq!(AwsListSyncJobs::new().to_query_string(), "");
    assert_eq!(DsmListSyncJobs::default().to_query_string(), "");
    assert!(AwsListSyncJobs::new().pairs().is_empty());
}

#[test]
fn the_vendor_example_request_is_skip_0_limit_10() {
    let query = SalesforceListSyncJobs::new().skip(0).limit(Limit::new(10).unwrap());
    assert_eq!(query.to_query_string(), "skip=0&limit=10");
    assert_eq!(query.to_string(), "skip=0&limit=10");
}

#[test]
fn limit_all_is_minus_one() {
    assert_eq!(
        AwsListSyncJobs::new().skip(0).limit(Limit::All).to_query_string(),
        "skip=0&limit=-1"
    );
}

#[test]
fn id_renders_hyphenated() {
    assert_eq!(
        AwsListSyncJobs::new().id(job_id()).to_query_string(),
        format!("id={JOB_ID}")
    );
}

#[test]
fn overall_status_is_sent_with_its_exact_spelling() {
    let spaced = AzureListSyncJobs::new().overall_status("in progress");
    assert_eq!(spaced.to_query_string(), "overall_status=in%20progress");
    let canonical = AzureListSyncJobs::new().overall_status(JobStatus::InProgress);
    assert_eq!(canonical.to_query_string(), "overall_status=in_progress");
    let completed = ExternalCmListSyncJobs::new().overall_status(JobStatus::Completed);
    assert_eq!(completed.to_query_string(), "overall_status=completed");
}

#[test]
fn sort_is_a_comma_list_with_minus_for_descending() {
    let query = DsmListSyncJobs::new()
        .sort(Sort::parse("-createdAt,domains").unwrap())
        .unwrap();
    // The commas between keys are sent as they are; every other byte outside the RFC 3986
    // unreserved set is percent-encoded.
    assert_eq!(query.to_query_string(), "sort=-createdAt,domains");
    assert_eq!(query.pairs(), [("sort", "-createdAt,domains".to_owned())]);
}

// The scope filter of each family: its wire name, repeated once per value.

#[test]
fn aws_filters_by_kms() {
    let query = AwsListSyncJobs::new().kms(["a", "b"]).unwrap();
    assert_eq!(query.to_query_string(), "kms=a&kms=b");
}

#[test]
fn scope_filter_values_accumulate_in_insertion_order() {
    let query = AwsListSyncJobs::new()
        .kms(["b"])
        .unwrap()
        .kms(vec![String::from("a")])
        .unwrap();
    assert_eq!(query.to_query_string(), "kms=b&kms=a");
    assert_eq!(query.get_scope_filter(), ["b", "a"]);
}

#[test]
fn azure_filters_by_key_vaults_with_colons_encoded() {
    let query = AzureListSyncJobs::new()
        .key_vaults(["keyvault-softkeys::12e5c2a5-b5f5-4d38-a9b3-5e4b5fd6e3d3", "other::1"])
        .unwrap();
    assert_eq!(
        query.to_query_string(),
        "key_vaults=keyvault-softkeys%3A%3A12e5c2a5-b5f5-4d38-a9b3-5e4b5fd6e3d3&key_vaults=other%3A%3A1"
    );
}

#[test]
fn google_filters_by_key_rings_with_slashes_encoded() {
    let query = GoogleListSyncJobs::new()
        .key_rings(["projects/p/locations/global/keyRings/k"])
        .unwrap();
    assert_eq!(
        query.to_query_string(),
        "key_rings=projects%2Fp%2Flocations%2Fglobal%2FkeyRings%2Fk"
    );
}

#[test]
fn oci_filters_by_vaults() {
    let query = OciListSyncJobs::new().vaults(["v1", "v2"]).unwrap();
    assert_eq!(query.to_query_string(), "vaults=v1&vaults=v2");
}

#[test]
fn sap_filters_by_groups() {
    let query = SapListSyncJobs::new().groups(["g1"]).unwrap();
    assert_eq!(query.to_query_string(), "groups=g1");
}

#[test]
fn salesforce_filters_by_organizations() {
    let query = SalesforceListSyncJobs::new()
        .organizations(["00D5g000004Fbb4EAC"])
        .unwrap();
    assert_eq!(query.to_query_string(), "organizations=00D5g000004Fbb4EAC");
}

#[test]
fn every_byte_outside_the_unreserved_set_is_percent_encoded() {
    let query = OciListSyncJobs::new().vaults(["A-z0.9_~ &=+?#%/é"]).unwrap();
    assert_eq!(query.to_query_string(), "vaults=A-z0.9_~%20%26%3D%2B%3F%23%25%2F%C3%A9");
}

#[test]
fn parameters_render_in_a_fixed_order_whatever_the_call_order() {
    let query = AwsListSyncJobs::new()
        .sort(Sort::parse("overall_status,-createdAt").unwrap())
        .unwrap()
        .limit(Limit::new(25).unwrap())
        .skip(50)
        .kms(["kms-1", "kms-2"])
        .unwrap()
        .overall_status("in progress")
        .id(job_id());
    assert_eq!(
        query.to_query_string(),
        format!(
            "id={JOB_ID}&overall_status=in%20progress&kms=kms-1&kms=kms-2&skip=50&limit=25&sort=overall_status,-createdAt"
        )
    );
    assert_eq!(
        query.pairs(),
        [
            ("id", JOB_ID.to_owned()),
            ("overall_status", "in progress".to_owned()),
            ("kms", "kms-1".to_owned()),
            ("kms", "kms-2".to_owned()),
            ("skip", "50".to_owned()),
            ("limit", "25".to_owned()),
            ("sort", "overall_status,-createdAt".to_owned()),
        ]
    );
}

#[test]
fn setting_a_single_valued_parameter_again_replaces_it() {
    let query = DsmListSyncJobs::new()
        .skip(10)
        .skip(20)
        .limit(Limit::All)
        .limit(Limit::new(5).unwrap());
    assert_eq!(query.to_query_string(), "skip=20&limit=5");
}

#[test]
fn getters_return_what_was_set() {
    let query = GoogleListSyncJobs::new()
        .id(job_id())
        .overall_status(JobStatus::Failed)
        .key_rings(["k"])
        .unwrap()
        .skip(3)
        .limit(Limit::All)
        .sort(SortKey::descending("createdAt").unwrap().into())
        .unwrap();
    assert_eq!(query.get_id(), Some(job_id()));
    assert_eq!(query.get_overall_status().map(|status| status.as_str()), Some("failed"));
    assert_eq!(query.get_scope_filter(), ["k"]);
    assert_eq!(query.get_skip(), Some(3));
    assert_eq!(query.get_limit(), Some(Limit::All));
    assert_eq!(query.get_sort().map(ToString::to_string).as_deref(), Some("-createdAt"));
}

// Values refused at construction, with their messages.

#[test]
fn limit_must_be_minus_one_or_at_least_one() {
    assert_eq!(Limit::new(-1), Ok(Limit::All));
    assert_eq!(Limit::new(1).unwrap().as_i64(), 1);
    assert_eq!(Limit::new(i64::from(u32::MAX)).unwrap().as_i64(), i64::from(u32::MAX));
    assert_eq!(Limit::try_from(10).unwrap().to_string(), "10");

    assert_eq!(Limit::new(0), Err(QueryError::InvalidLimit(0)));
    assert_eq!(
        Limit::new(0).unwrap_err().to_string(),
        "limit: must be -1 (all) or at least 1, got 0"
    );
    assert_eq!(
        Limit::new(-2).unwrap_err().to_string(),
        "limit: must be -1 (all) or at least 1, got -2"
    );
    assert_eq!(
        Limit::new(i64::MIN).unwrap_err().to_string(),
        "limit: must be -1 (all) or at least 1, got -9223372036854775808"
    );
    assert_eq!(
        Limit::new(4_294_967_296).unwrap_err().to_string(),
        "limit: must be at most 4294967295, got 4294967296"
    );
}

#[test]
fn sort_keys_must_not_be_empty() {
    for (sort, message) in [
        ("a,,b", r#"sort: empty sort key in "a,,b""#),
        ("", r#"sort: empty sort key in """#),
        ("-", r#"sort: empty sort key in "-""#),
        ("name,", r#"sort: empty sort key in "name,""#),
        (",name", r#"sort: empty sort key in ",name""#),
        ("name,-", r#"sort: empty sort key in "name,-""#),
    ] {
        let error = Sort::parse(sort).unwrap_err();
        assert_eq!(error, QueryError::EmptySortKey { sort: sort.to_owned() });
        assert_eq!(error.to_string(), message, "{sort:?}");
    }
    assert_eq!(
        SortKey::ascending("").unwrap_err().to_string(),
        r#"sort: empty sort key in """#
    );
    assert_eq!(
        Sort::from_keys([]).unwrap_err().to_string(),
        "sort: needs at least one sort key"
    );
}

#[test]
fn sort_keys_must_not_hold_whitespace_commas_or_a_second_minus() {
    for (sort, message) in [
        (
            "name, -createdAt",
            r#"sort: invalid sort key " -createdAt": contains whitespace"#,
        ),
        (
            "created at",
            r#"sort: invalid sort key "created at": contains whitespace"#,
        ),
        ("name\t", r#"sort: invalid sort key "name\t": contains whitespace"#),
        (
            "--name",
            r#"sort: invalid sort key "--name": the property starts with "-""#,
        ),
    ] {
        assert_eq!(Sort::parse(sort).unwrap_err().to_string(), message, "{sort:?}");
    }
    assert_eq!(
        SortKey::descending("-name").unwrap_err().to_string(),
        r#"sort: invalid sort key "-name": the property starts with "-""#
    );
    assert_eq!(
        SortKey::ascending("a,b").unwrap_err().to_string(),
        r#"sort: invalid sort key "a,b": contains a comma"#
    );
    assert_eq!(
        "a,b".parse::<SortKey>().unwrap_err().to_string(),
        r#"sort: invalid sort key "a,b": contains a comma"#
    );
}

#[test]
fn sort_parses_and_renders_the_same_text() {
    let sort: Sort = "name,-createdAt".parse().unwrap();
    assert_eq!(
        sort.keys(),
        [
            SortKey::ascending("name").unwrap(),
            SortKey::descending("createdAt").unwrap()
        ]
    );
    assert!(!sort.keys()[0].is_descending());
    assert_eq!(sort.keys()[1].property(), "createdAt");
    assert_eq!(sort.to_string(), "name,-createdAt");
    assert_eq!(
        "-createdAt".parse::<SortKey>().unwrap(),
        SortKey::descending("createdAt").unwrap()
    );
}

#[test]
fn an_empty_scope_filter_value_is_refused() {
    assert_eq!(
        AwsListSyncJobs::new().kms(["a", ""]).unwrap_err(),
        QueryError::EmptyValue { parameter: "kms" }
    );
    assert_eq!(
        AwsListSyncJobs::new().kms([""]).unwrap_err().to_string(),
        "kms: empty value"
    );
    assert_eq!(
        AzureListSyncJobs::new().key_vaults([""]).unwrap_err().to_string(),
        "key_vaults: empty value"
    );
    assert_eq!(
        GoogleListSyncJobs::new().key_rings([""]).unwrap_err().to_string(),
        "key_rings: empty value"
    );
    assert_eq!(
        OciListSyncJobs::new().vaults([""]).unwrap_err().to_string(),
        "vaults: empty value"
    );
    assert_eq!(
        SapListSyncJobs::new().groups([""]).unwrap_err().to_string(),
        "groups: empty value"
    );
    assert_eq!(
        SalesforceListSyncJobs::new()
            .organizations([""])
            .unwrap_err()
            .to_string(),
        "organizations: empty value"
    );
}

#[test]
fn no_values_add_no_filter() {
    let query = AwsListSyncJobs::new().kms(Vec::<String>::new()).unwrap();
    assert_eq!(query, AwsListSyncJobs::new());
}
