//! The endpoint catalog says what the vendor's API notes say: every endpoint's base path, its
//! family, its start-request scope field and its list filter, and the paths of its four calls.

use cckm_sync::CloudFamily;
use cckm_sync::endpoints::{self, ENDPOINTS, JobKind, Method, Operation};
use uuid::uuid;

/// A row of the API notes' table: endpoint, family, kind, base path, the scope field of a start
/// request, and the list filter besides id, overall_status, skip and limit.
type Row = (
    &'static str,
    CloudFamily,
    JobKind,
    &'static str,
    &'static str,
    Option<&'static str>,
);

/// The table of the API notes (section 1).
const NOTES: [Row; 12] = [
    (
        "aws-keys",
        CloudFamily::Aws,
        JobKind::Synchronization,
        "/cckm/aws/synchronization-jobs",
        "kms",
        Some("kms"),
    ),
    (
        "aws-custom-key-stores",
        CloudFamily::Aws,
        JobKind::Synchronization,
        "/cckm/aws/custom-key-stores/synchronization-jobs",
        "kms",
        Some("kms"),
    ),
    (
        "azure-keys",
        CloudFamily::Azure,
        JobKind::Synchronization,
        "/cckm/azure/synchronization-jobs",
        "key_vaults",
        Some("key_vaults"),
    ),
    (
        "azure-certificates",
        CloudFamily::Azure,
        JobKind::Synchronization,
        "/cckm/azure/certificates/synchronization-jobs",
        "key_vaults",
        Some("key_vaults"),
    ),
    (
        "azure-secrets",
        CloudFamily::Azure,
        JobKind::Synchronization,
        "/cckm/azure/secrets/synchronization-jobs",
        "key_vaults",
        Some("key_vaults"),
    ),
    (
        "google",
        CloudFamily::Google,
        JobKind::Synchronization,
        "/cckm/google/synchronization-jobs",
        "key_rings",
        Some("key_rings"),
    ),
    (
        "oci",
        CloudFamily::Oci,
        JobKind::Synchronization,
        "/cckm/oci/synchronization-jobs",
        "vaults",
        Some("vaults"),
    ),
    (
        "sap",
        CloudFamily::Sap,
        JobKind::Synchronization,
        "/cckm/sap/synchronization-jobs",
        "groups",
        Some("groups"),
    ),
    (
        "salesforce-keys",
        CloudFamily::Salesforce,
        JobKind::Synchronization,
        "/cckm/sfdc/keys/synchronization-jobs",
        "organization_ids",
        Some("organizations"),
    ),
    (
        "salesforce-certificates",
        CloudFamily::Salesforce,
        JobKind::Synchronization,
        "/cckm/sfdc/certificates/synchronization-jobs",
        "organization_ids",
        Some("organizations"),
    ),
    (
        "dsm",
        CloudFamily::Dsm,
        JobKind::Refresh,
        "/cckm/dsm/refresh",
        "domains",
        None,
    ),
    (
        "external-cm",
        CloudFamily::ExternalCm,
        JobKind::Refresh,
        "/cckm/external-cm/refresh",
        "domains",
        None,
    ),
];

#[test]
fn the_catalog_is_the_table_of_the_api_notes() {
    let catalog: Vec<_> = ENDPOINTS
        .iter()
        .map(|endpoint| {
            (
                endpoint.name,
                endpoint.family,
                endpoint.kind,
                endpoint.path,
                endpoint.spec().start_scope_field,
                endpoint.spec().list_filter,
            )
        })
        .collect();
    assert_eq!(catalog, NOTES);
}

#[test]
fn every_family_has_an_endpoint() {
    for family in CloudFamily::ALL {
        assert!(family.endpoints().next().is_some(), "{family:?}");
        assert!(
            family.endpoints().all(|endpoint| endpoint.family == family),
            "{family:?}"
        );
    }
}

#[test]
fn every_family_has_example_items_its_start_request_takes() {
    for family in CloudFamily::ALL {
        let items = family.spec().example_items;
        assert!(!items.is_empty(), "{family:?}");
        assert!(cckm_sync::ScopeItems::new(items.iter().copied()).is_ok(), "{family:?}");
    }
}

#[test]
fn sort_properties_are_named_once() {
    use cckm_sync::endpoints::{JOB_SORT_PROPERTIES, SortProperty};
    for (property, name) in SortProperty::JOB.into_iter().zip(JOB_SORT_PROPERTIES) {
        assert_eq!(SortProperty::from_name(name), Some(property));
    }
    for family in CloudFamily::ALL {
        for name in family.spec().sort_properties() {
            assert_eq!(SortProperty::from_name(name).map(SortProperty::name), Some(name));
        }
    }
}

#[test]
fn find_looks_endpoints_up_by_name() {
    for endpoint in &ENDPOINTS {
        assert_eq!(endpoints::find(endpoint.name), Some(endpoint));
    }
    assert_eq!(endpoints::find("hsm-luna"), None);
    assert_eq!(endpoints::find(""), None);
}

#[test]
fn the_four_calls_of_an_endpoint() {
    let id = uuid!("0EA5D52E-387C-44FA-B079-21C8B768F77B");
    let azure = endpoints::find("azure-secrets").unwrap();
    assert_eq!(
        azure.collection_path(),
        "/api/v1/cckm/azure/secrets/synchronization-jobs"
    );
    // Ids are written lower-case and hyphenated, as the server writes them.
    assert_eq!(
        azure.job_path(id),
        "/api/v1/cckm/azure/secrets/synchronization-jobs/0ea5d52e-387c-44fa-b079-21c8b768f77b"
    );
    assert_eq!(
        azure.cancel_path(id),
        "/api/v1/cckm/azure/secrets/synchronization-jobs/0ea5d52e-387c-44fa-b079-21c8b768f77b/cancel"
    );

    let calls: Vec<_> = Operation::ALL
        .iter()
        .map(|operation| {
            (
                operation.method(),
                azure.path_template(*operation),
                operation.has_body(),
            )
        })
        .collect();
    assert_eq!(
        calls,
        [
            (
                Method::Get,
                "/cckm/azure/secrets/synchronization-jobs".to_owned(),
                false
            ),
            (
                Method::Post,
                "/cckm/azure/secrets/synchronization-jobs".to_owned(),
                true
            ),
            (
                Method::Get,
                "/cckm/azure/secrets/synchronization-jobs/{id}".to_owned(),
                false
            ),
            (
                Method::Post,
                "/cckm/azure/secrets/synchronization-jobs/{id}/cancel".to_owned(),
                false
            ),
        ]
    );
}

#[test]
fn every_path_is_under_the_api_prefix_and_its_template() {
    let id = uuid!("afef70ff-311e-46c1-8ead-e1999e8c6d46");
    for endpoint in &ENDPOINTS {
        let under_prefix = |operation| format!("{}{}", endpoints::API_PREFIX, endpoint.path_template(operation));
        assert_eq!(endpoint.collection_path(), under_prefix(Operation::List));
        assert_eq!(endpoint.collection_path(), under_prefix(Operation::Start));
        assert_eq!(
            endpoint.job_path(id),
            under_prefix(Operation::Get).replace("{id}", &id.to_string())
        );
        assert_eq!(
            endpoint.cancel_path(id),
            under_prefix(Operation::Cancel).replace("{id}", &id.to_string())
        );
    }
}
