//! List queries read back from a query string, as a mock server does; the query of the next
//! page; the URL of a list call.

use cckm_sync::{
    AwsListSyncJobs, AzureListSyncJobs, AzureSyncJobPage, DsmListSyncJobs, ExternalCmListSyncJobs, GoogleListSyncJobs,
    GoogleSyncJobPage, Limit, OciListSyncJobs, Page, QueryError, SalesforceListSyncJobs, SapListSyncJobs, Sort,
};
use serde_json::Value;

mod support;

use support::query::{endpoint, job_id, page_fixture};

// Parsing a query string, as a mock server does.

fn assert_round_trip<S: cckm_sync::FamilyScope>(query: &cckm_sync::ListSyncJobs<S>) {
    let text = query.to_query_string();
    assert_eq!(
        &cckm_sync::ListSyncJobs::<S>::from_query_str(&text).unwrap(),
        query,
        "{text}"
    );
    assert_eq!(
        &cckm_sync::ListSyncJobs::<S>::from_query_str(&format!("?{text}")).unwrap(),
        query,
        "?{text}"
    );
}

#[test]
fn every_rendered_query_parses_back_to_itself() {
    assert_round_trip(&AwsListSyncJobs::new());
    assert_round_trip(
        &AwsListSyncJobs::new()
            .id(job_id())
            .overall_status("in progress")
            .kms(["kms 1", "a&b=c", "é"])
            .unwrap()
            .skip(0)
            .limit(Limit::All)
            .sort(Sort::parse("overall_status,-createdAt").unwrap())
            .unwrap(),
    );
    assert_round_trip(
        &AzureListSyncJobs::new()
            .key_vaults(["v::1", "w::2"])
            .unwrap()
            .overall_status("in_progress"),
    );
    assert_round_trip(
        &GoogleListSyncJobs::new()
            .key_rings(["projects/p/locations/l/keyRings/k"])
            .unwrap(),
    );
    assert_round_trip(
        &OciListSyncJobs::new()
            .vaults(["v"])
            .unwrap()
            .limit(Limit::new(1).unwrap()),
    );
    assert_round_trip(&SapListSyncJobs::new().groups(["g"]).unwrap().skip(u64::MAX));
    assert_round_trip(
        &SalesforceListSyncJobs::new()
            .organizations(["o"])
            .unwrap()
            .overall_status("paused"),
    );
    assert_round_trip(&DsmListSyncJobs::new().sort(Sort::parse("-updatedAt").unwrap()).unwrap());
    assert_round_trip(&ExternalCmListSyncJobs::new().overall_status("in progress").skip(10));
}

#[test]
fn plus_and_percent_20_both_decode_to_a_space() {
    let expected = AzureListSyncJobs::new().overall_status("in progress");
    assert_eq!(
        AzureListSyncJobs::from_query_str("overall_status=in+progress").unwrap(),
        expected
    );
    assert_eq!(
        AzureListSyncJobs::from_query_str("overall_status=in%20progress").unwrap(),
        expected
    );
    assert_ne!(
        AzureListSyncJobs::from_query_str("overall_status=in_progress").unwrap(),
        expected
    );
}

#[test]
fn parameters_parse_in_any_order_and_filters_accumulate() {
    let parsed = AwsListSyncJobs::from_query_str("limit=10&kms=b&skip=0&kms=a").unwrap();
    assert_eq!(parsed.to_query_string(), "kms=b&kms=a&skip=0&limit=10");
}

#[test]
fn an_unknown_parameter_is_refused() {
    assert_eq!(
        AwsListSyncJobs::from_query_str("skip=0&page=2").unwrap_err(),
        QueryError::UnknownParameter("page".to_owned())
    );
    // Another family's filter is unknown too, as is any filter on DSM.
    assert_eq!(
        AzureListSyncJobs::from_query_str("kms=a").unwrap_err(),
        QueryError::UnknownParameter("kms".to_owned())
    );
    assert_eq!(
        SalesforceListSyncJobs::from_query_str("kms=a").unwrap_err().to_string(),
        r#"unknown query parameter "kms""#
    );
    assert_eq!(
        DsmListSyncJobs::from_query_str("domains=d").unwrap_err(),
        QueryError::UnknownParameter("domains".to_owned())
    );
}

#[test]
fn a_bad_skip_is_refused() {
    for (query, message) in [
        ("skip=-1", r#"skip: must be a non-negative integer, got "-1""#),
        ("skip=ten", r#"skip: must be a non-negative integer, got "ten""#),
        ("skip=", r#"skip: must be a non-negative integer, got """#),
    ] {
        assert_eq!(
            AwsListSyncJobs::from_query_str(query).unwrap_err().to_string(),
            message,
            "{query}"
        );
    }
}

#[test]
fn a_bad_limit_is_refused() {
    assert_eq!(
        DsmListSyncJobs::from_query_str("limit=0").unwrap_err().to_string(),
        "limit: must be -1 (all) or at least 1, got 0"
    );
    assert_eq!(
        DsmListSyncJobs::from_query_str("limit=all").unwrap_err().to_string(),
        r#"limit: must be an integer, got "all""#
    );
}

#[test]
fn a_bad_id_is_refused() {
    let error = AwsListSyncJobs::from_query_str("id=not-a-uuid").unwrap_err();
    assert_eq!(
        error,
        QueryError::InvalidValue {
            parameter: "id",
            value: "not-a-uuid".to_owned(),
            expected: "must be a hyphenated UUID"
        }
    );
    assert_eq!(error.to_string(), r#"id: must be a hyphenated UUID, got "not-a-uuid""#);
    // The other forms the `uuid` crate reads are not how the server writes an id, and the
    // parameter's schema refuses them.
    for other in [
        "0ea5d52e387c44fab07921c8b768f77b",
        "%7B0ea5d52e-387c-44fa-b079-21c8b768f77b%7D",
        "urn%3Auuid%3A0ea5d52e-387c-44fa-b079-21c8b768f77b",
    ] {
        let error = AwsListSyncJobs::from_query_str(&format!("id={other}")).unwrap_err();
        assert!(
            matches!(error, QueryError::InvalidValue { parameter: "id", .. }),
            "{other}"
        );
    }
}

#[test]
fn a_bad_sort_or_empty_filter_value_is_refused() {
    assert_eq!(
        GoogleListSyncJobs::from_query_str("sort=a%2C%2Cb")
            .unwrap_err()
            .to_string(),
        r#"sort: empty sort key in "a,,b""#
    );
    assert_eq!(
        GoogleListSyncJobs::from_query_str("key_rings=")
            .unwrap_err()
            .to_string(),
        "key_rings: empty value"
    );
}

#[test]
fn a_sort_key_must_be_a_property_the_family_sorts_by() {
    let error = AwsListSyncJobs::from_query_str("sort=name").unwrap_err();
    assert_eq!(
        error,
        QueryError::UnsortableProperty {
            property: "name".to_owned(),
            family: cckm_sync::CloudFamily::Aws
        }
    );
    assert_eq!(
        error.to_string(),
        "sort: AWS jobs cannot be sorted by \"name\"; sort by one of id, uri, account, application, \
         devAccount, createdAt, updatedAt, completed_at, overall_status, cloud, abort, regions, kms"
    );
    // A scope field of another family, and a property with an invisible character.
    assert!(AwsListSyncJobs::from_query_str("sort=key_rings").is_err());
    assert!(AwsListSyncJobs::from_query_str("sort=createdAt%EF%BB%BF").is_err());
    assert!(GoogleListSyncJobs::from_query_str("sort=-key_rings,createdAt").is_ok());
}

#[test]
fn a_single_valued_parameter_given_twice_is_refused() {
    for (query, name) in [
        ("skip=0&skip=10", "skip"),
        ("limit=1&limit=2", "limit"),
        ("sort=id&sort=uri", "sort"),
        ("overall_status=failed&overall_status=completed", "overall_status"),
    ] {
        let error = OciListSyncJobs::from_query_str(query).unwrap_err();
        assert_eq!(error, QueryError::RepeatedParameter(name));
        assert_eq!(error.to_string(), format!("{name}: given more than once"));
    }
}

// Paging.

#[test]
fn next_page_asks_for_the_jobs_after_the_page_received() {
    // 4 of 9 Azure jobs, from skip 0.
    let page: AzureSyncJobPage = page_fixture("azure-sovereign-clouds");
    let query = AzureListSyncJobs::new()
        .key_vaults(["v::1"])
        .unwrap()
        .limit(Limit::new(4).unwrap());
    let next = query.next_page(&page).unwrap();
    assert_eq!(next.to_query_string(), "key_vaults=v%3A%3A1&skip=4&limit=4");
}

#[test]
fn next_page_is_none_on_the_last_page() {
    // The 21st of 21 Google jobs.
    let page: GoogleSyncJobPage = page_fixture("google-error-status");
    assert_eq!(GoogleListSyncJobs::new().skip(20).next_page(&page), None);
}

#[test]
fn next_page_counts_the_items_received_not_the_limit() {
    let page: Page<Value> =
        serde_json::from_str(r#"{"skip": 10, "limit": 10, "total": 30, "resources": [{}, {}, {}]}"#).unwrap();
    let next = DsmListSyncJobs::new()
        .skip(10)
        .limit(Limit::new(10).unwrap())
        .next_page(&page)
        .unwrap();
    assert_eq!(next.to_query_string(), "skip=13&limit=10");
}

// URLs.

#[test]
fn url_path_joins_the_endpoint_path_and_the_query() {
    let query = AwsListSyncJobs::new()
        .kms(["kms"])
        .unwrap()
        .skip(0)
        .limit(Limit::new(10).unwrap());
    assert_eq!(
        query.url_path(endpoint("aws-keys")).unwrap(),
        "/api/v1/cckm/aws/synchronization-jobs?kms=kms&skip=0&limit=10"
    );
    // Every endpoint of a family takes that family's query.
    assert_eq!(
        query.url_path(endpoint("aws-custom-key-stores")).unwrap(),
        "/api/v1/cckm/aws/custom-key-stores/synchronization-jobs?kms=kms&skip=0&limit=10"
    );
    assert_eq!(
        SalesforceListSyncJobs::new()
            .url_path(endpoint("salesforce-certificates"))
            .unwrap(),
        "/api/v1/cckm/sfdc/certificates/synchronization-jobs"
    );
}

#[test]
fn url_path_refuses_an_endpoint_of_another_family() {
    let error = AwsListSyncJobs::new().url_path(endpoint("azure-keys")).unwrap_err();
    assert_eq!(
        error,
        QueryError::WrongEndpoint {
            endpoint: "azure-keys",
            endpoint_family: cckm_sync::CloudFamily::Azure,
            query_family: cckm_sync::CloudFamily::Aws,
        }
    );
    assert_eq!(
        error.to_string(),
        r#"endpoint "azure-keys" lists Azure jobs, not AWS jobs"#
    );
    assert!(ExternalCmListSyncJobs::new().url_path(endpoint("dsm")).is_err());
}
