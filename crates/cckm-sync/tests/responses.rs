//! Every response fixture parses, is recognised as its cloud, and survives a round trip.

mod support;

use cckm_sync::endpoints;
use cckm_sync::{
    AzureEnvironment, Cloud, CloudFamily, FamilyJob, JobStatus, RawJson, SyncJob, SyncJobPage, Unknown, UnknownKind,
    unknowns,
};
use chrono::Timelike;
use support::fixtures::{self, round_trip};

#[test]
fn every_page_round_trips_as_any_family_and_as_its_own() {
    for fixture in fixtures::all("pages") {
        let page: SyncJobPage = round_trip(&fixture);
        if let Some(family) = page.family() {
            fixtures::round_trip_family_page(&fixture, family);
        }
        for job in page {
            let family = job.family();
            let typed = job.clone().into_family();
            assert_eq!(family_of(&typed), family, "{}", fixture.name);
            assert_eq!(typed.into_any(), job, "{}: into_family lost something", fixture.name);
        }
    }
}

#[test]
fn every_single_job_round_trips_as_any_family_and_as_its_own() {
    for fixture in fixtures::all("jobs") {
        let job: SyncJob = round_trip(&fixture);
        let family = job
            .family()
            .unwrap_or_else(|| panic!("{}: unknown family", fixture.name));
        fixtures::round_trip_family_job(&fixture, family);
    }
}

#[test]
fn every_error_body_round_trips() {
    for fixture in fixtures::all("errors") {
        round_trip::<cckm_sync::ApiError>(&fixture);
    }
}

/// An error fixture that names an error of the catalog (`NCERRInvalidParamValue`, …) carries
/// the catalog's `code` for it: a fixture is an example clients read, and the catalog's codes
/// are the ones public client code written against live servers shows.
#[test]
fn error_fixtures_carry_the_catalog_code_of_the_error_they_name() {
    let catalog = [
        &endpoints::BAD_REQUEST,
        &endpoints::INVALID_PARAMETER,
        &endpoints::UNAUTHORIZED,
        &endpoints::WRONG_CREDENTIALS,
        &endpoints::NOT_FOUND,
        &endpoints::METHOD_NOT_ALLOWED,
        &endpoints::CONFLICT,
        &endpoints::SERVER_ERROR,
        &endpoints::REQUEST_TIMEOUT,
        &endpoints::PAYLOAD_TOO_LARGE,
        &endpoints::TOO_MANY_REQUESTS,
    ];
    let mut checked = 0;
    for fixture in fixtures::all("errors") {
        let error: cckm_sync::ApiError = round_trip(&fixture);
        let Some(name) = error.ncerr_name() else { continue };
        let spec = catalog
            .iter()
            .find(|spec| spec.code_desc.split(':').next() == Some(name))
            .unwrap_or_else(|| panic!("{}: {name} is no error of the catalog", fixture.name));
        if let Some(code) = spec.code {
            checked += 1;
            assert_eq!(
                error.code,
                Some(code),
                "{}: {name} has code {code} in the catalog",
                fixture.name
            );
        }
    }
    assert!(
        checked >= 3,
        "only {checked} error fixtures name an error with a known code"
    );
}

/// Per job: its cloud, its status text, whether it is finished, whether it was cancelled.
type Expected = &'static [(Cloud, &'static str, bool, bool)];

/// What the vendor's example responses say, job by job.
#[test]
fn seed_responses_are_read_as_the_vendor_shows_them() {
    let expected: [(&str, Expected); 4] = [
        (
            "seed-azure-keys-in-progress",
            &[(Cloud::Azure(AzureEnvironment::Public), "in progress", false, false)],
        ),
        (
            "seed-aws-keys-aborted-and-completed",
            &[
                (Cloud::Aws, "aborted", true, true),
                (Cloud::Aws, "completed", true, false),
            ],
        ),
        (
            "seed-salesforce-keys-item-errors",
            &[
                (Cloud::Salesforce, "completed", true, false),
                (Cloud::Salesforce, "completed", true, false),
            ],
        ),
        ("seed-dsm-refresh-completed", &[(Cloud::Dsm, "completed", true, false)]),
    ];
    for (name, jobs) in expected {
        let page: SyncJobPage = cckm_sync::from_str(&fixtures::one("pages", name).text).unwrap();
        assert_eq!(page.total, jobs.len() as u64, "{name}");
        assert!(!page.has_more(), "{name}");
        assert_eq!(page.resources.len(), jobs.len(), "{name}");
        for (job, (cloud, status, finished, cancelled)) in page.resources.iter().zip(jobs) {
            assert_eq!(&job.cloud, cloud, "{name}");
            assert_eq!(job.overall_status.as_str(), *status, "{name}");
            assert_eq!(job.is_finished(), *finished, "{name}");
            assert_eq!(job.was_cancelled(), *cancelled, "{name}");
            assert_eq!(job.uri, format!("kylo:kylo:cckm:synchronize:{}", job.id), "{name}");
        }
    }

    let google: SyncJob = cckm_sync::from_str(&fixtures::one("jobs", "seed-google-completed").text).unwrap();
    assert_eq!(google.family(), Some(CloudFamily::Google));
    assert_eq!(google.overall_status, JobStatus::Completed);
    assert_eq!(
        google.scope.key_rings.as_deref(),
        Some(&["projects/gemalto-kyloeng/locations/global/keyRings/demo-key-ring".to_owned()][..])
    );
}

#[test]
fn azure_jobs_keep_the_spelling_in_progress_with_a_space() {
    let page: SyncJobPage = cckm_sync::from_str(&fixtures::one("pages", "seed-azure-keys-in-progress").text).unwrap();
    let job = &page.resources[0];
    assert_eq!(job.overall_status, JobStatus::InProgress);
    assert_eq!(job.overall_status.as_str(), "in progress");
    assert_eq!(serde_json::to_value(job).unwrap()["overall_status"], "in progress");
    assert_eq!(
        job.detailed_status
            .as_ref()
            .unwrap()
            .get("northcentralus/keyvault-softkeys::12e533dd-b5c2-4e58-a264-0cd812dc5a34"),
        Some("in progress")
    );
}

#[test]
fn salesforce_jobs_list_organization_ids_under_kms() {
    let page: cckm_sync::SalesforceSyncJobPage =
        cckm_sync::from_str(&fixtures::one("pages", "seed-salesforce-keys-item-errors").text).unwrap();
    for job in &page {
        assert_eq!(job.scope.kms.as_deref(), Some(&["00DB000000040bIMAQ".to_owned()][..]));
        // The job completed although its only organization failed: the detail says so.
        assert_eq!(job.overall_status, JobStatus::Completed);
        assert_eq!(
            job.detailed_status.as_ref().unwrap().get("00DB000000040bIMAQ"),
            Some("Error listing keys from SFDC: ")
        );
    }
}

#[test]
fn timestamps_keep_their_instant_to_the_nanosecond_and_the_servers_text() {
    let page: SyncJobPage = cckm_sync::from_str(&fixtures::one("pages", "azure-sovereign-clouds").text).unwrap();
    let stack = &page.resources[3];
    assert_eq!(stack.created_at.nanosecond(), 123_456_789);
    assert_eq!(stack.updated_at.nanosecond(), 987_654_321);
    assert_eq!(stack.completed_at.unwrap().nanosecond(), 987_000_000);
    let written = serde_json::to_value(stack).unwrap();
    assert_eq!(written["createdAt"], "2023-01-15T16:45:10.123456789Z");
    assert_eq!(written["completed_at"], "2023-01-15T16:45:40.987Z");

    let dsm: SyncJobPage = cckm_sync::from_str(&fixtures::one("pages", "seed-dsm-refresh-completed").text).unwrap();
    assert_eq!(dsm.resources[0].created_at.nanosecond(), 56_110_000);
    assert_eq!(
        serde_json::to_value(&dsm.resources[0]).unwrap()["createdAt"],
        "2021-03-03T09:22:15.05611Z"
    );
}

#[test]
fn every_azure_cloud_name_is_an_azure_job() {
    let page: SyncJobPage = cckm_sync::from_str(&fixtures::one("pages", "azure-sovereign-clouds").text).unwrap();
    let clouds: Vec<&Cloud> = page.resources.iter().map(|job| &job.cloud).collect();
    assert_eq!(
        clouds,
        [
            &Cloud::Azure(AzureEnvironment::China),
            &Cloud::Azure(AzureEnvironment::UsGovernment),
            &Cloud::Azure(AzureEnvironment::Germany),
            &Cloud::Azure(AzureEnvironment::Stack),
        ]
    );
    assert!(
        page.resources
            .iter()
            .all(|job| job.family() == Some(CloudFamily::Azure))
    );
    assert_eq!(
        page.resources
            .iter()
            .map(|job| job.overall_status.status().clone())
            .collect::<Vec<_>>(),
        [
            JobStatus::Failed,
            JobStatus::Completed,
            JobStatus::Completed,
            JobStatus::Aborted
        ]
    );
}

#[test]
fn abort_says_whether_a_job_was_cancelled_whatever_its_status() {
    let cancelling: SyncJobPage = cckm_sync::from_str(&fixtures::one("pages", "aws-keys-cancelling").text).unwrap();
    let job = &cancelling.resources[0];
    assert_eq!(job.overall_status, JobStatus::InProgress);
    assert!(job.was_cancelled() && job.is_cancelling() && !job.is_finished());

    let ended: SyncJobPage =
        cckm_sync::from_str(&fixtures::one("pages", "aws-keys-cancelled-then-completed").text).unwrap();
    let job = &ended.resources[0];
    assert_eq!(job.overall_status, JobStatus::Completed);
    assert!(job.was_cancelled() && !job.is_cancelling() && job.is_finished());

    let cancel_response: SyncJob = cckm_sync::from_str(&fixtures::one("jobs", "aws-cancel-response").text).unwrap();
    assert!(cancel_response.is_cancelling());
}

#[test]
fn running_jobs_have_no_completion_time_and_may_lack_detailed_status() {
    let page: SyncJobPage =
        cckm_sync::from_str(&fixtures::one("pages", "external-cm-in-progress-without-detailed-status").text).unwrap();
    let job = &page.resources[0];
    assert_eq!(job.cloud, Cloud::ExternalCm);
    assert_eq!(job.completed_at, None);
    assert_eq!(job.detailed_status, None);
    assert!(!job.is_finished());
}

#[test]
fn pages_say_where_the_next_one_starts() {
    let cases = [
        ("azure-sovereign-clouds", Some(4), false),
        ("google-error-status", None, false),
        ("empty", None, false),
        ("aws-custom-key-stores-in-progress", None, true),
        ("seed-aws-keys-aborted-and-completed", None, false),
    ];
    for (name, next, unlimited) in cases {
        let page: SyncJobPage = cckm_sync::from_str(&fixtures::one("pages", name).text).unwrap();
        assert_eq!(page.next_skip(), next, "{name}");
        assert_eq!(page.has_more(), next.is_some(), "{name}");
        assert_eq!(page.is_unlimited(), unlimited, "{name}");
    }
}

#[test]
fn real_responses_hold_nothing_this_crate_does_not_know() {
    for fixture in fixtures::all("pages").iter().chain(&fixtures::all("jobs")) {
        if ["future-server", "luna-hsm-unknown-cloud"].contains(&fixture.name.as_str()) {
            continue;
        }
        let strict = if fixture.value().get("resources").is_some() {
            cckm_sync::from_slice_strict::<SyncJobPage>(fixture.text.as_bytes()).map(drop)
        } else {
            cckm_sync::from_slice_strict::<SyncJob>(fixture.text.as_bytes()).map(drop)
        };
        if let Err(error) = strict {
            panic!("{}: {error}", fixture.name);
        }
    }
}

#[test]
fn a_newer_server_parses_and_every_novelty_is_reported_with_its_path() {
    let fixture = fixtures::one("pages", "future-server");
    let page: SyncJobPage = round_trip(&fixture);
    assert!(!page.resources[0].overall_status.status().is_known());
    assert_eq!(page.resources[0].overall_status.as_str(), "queued");
    assert!(!page.resources[0].is_finished(), "no completed_at: not finished");
    assert_eq!(page.resources[1].family(), Some(CloudFamily::Azure));
    assert_eq!(page.resources[1].cloud.as_str(), "AzurePublicCloud2");

    let found: Vec<String> = unknowns(&page).iter().map(Unknown::to_string).collect();
    assert_eq!(
        found,
        [
            "/next_cursor: unknown field",
            "/resources/0/overall_status: unknown value \"queued\"",
            "/resources/0/priority: unknown field",
            "/resources/0/progress: unknown field",
            "/resources/1/cloud: unknown value \"AzurePublicCloud2\"",
        ]
    );
    let Err(cckm_sync::StrictError::Unknown(strict)) =
        cckm_sync::from_slice_strict::<SyncJobPage>(fixture.text.as_bytes())
    else {
        panic!("a strict parse must report the novelties");
    };
    assert_eq!(strict.len(), 5);
}

#[test]
fn a_luna_hsm_job_parses_as_an_unknown_cloud_losing_nothing() {
    let fixture = fixtures::one("pages", "luna-hsm-unknown-cloud");
    let page: SyncJobPage = round_trip(&fixture);
    let job = page.resources.into_iter().next().unwrap();
    assert_eq!(job.family(), None);
    assert_eq!(job.cloud.as_str(), "hsm-luna");
    assert_eq!(
        job.unknown_fields.get("partitions").map(RawJson::as_str),
        Some(r#"["partition-1","partition-2"]"#)
    );
    let FamilyJob::Unknown(job) = job.into_family() else {
        panic!("an unknown cloud has no family");
    };
    assert_eq!(
        unknowns(&job),
        [
            Unknown {
                path: "/cloud".into(),
                kind: UnknownKind::Value("hsm-luna".into())
            },
            Unknown {
                path: "/partitions".into(),
                kind: UnknownKind::Field
            },
        ]
    );
}

#[test]
fn null_optionals_read_as_absent_and_are_written_back_as_null() {
    let json = r#"{
        "id": "6d7e8f90-a1b2-4c3d-9e4f-5a6b7c8d9e0f",
        "uri": "kylo:kylo:cckm:synchronize:6d7e8f90-a1b2-4c3d-9e4f-5a6b7c8d9e0f",
        "account": "kylo:kylo:admin:accounts:kylo",
        "application": "ncryptify:gemalto:admin:apps:kylo",
        "devAccount": "ncryptify:gemalto:admin:accounts:gemalto",
        "createdAt": "2025-07-01T06:00:00.000123Z",
        "updatedAt": "2025-07-01T06:00:00.000123Z",
        "completed_at": null,
        "overall_status": "in_progress",
        "detailed_status": null,
        "cloud": "aws",
        "regions": null,
        "kms": ["kms"],
        "abort": false
    }"#;
    let job: cckm_sync::AwsSyncJob = cckm_sync::from_str(json).unwrap();
    assert_eq!(
        (job.completed_at, &job.detailed_status, &job.scope.regions),
        (None, &None, &None)
    );
    assert_eq!(
        job.null_fields.iter().collect::<Vec<_>>(),
        ["completed_at", "detailed_status", "regions"]
    );
    let written: serde_json::Value = serde_json::from_str(&serde_json::to_string(&job).unwrap()).unwrap();
    assert_eq!(written, serde_json::from_str::<serde_json::Value>(json).unwrap());

    let page: SyncJobPage = cckm_sync::from_str(r#"{"skip": 0, "limit": 10, "total": 0, "resources": null}"#).unwrap();
    assert!(page.resources.is_empty());
    assert_eq!(
        serde_json::to_string(&page).unwrap(),
        r#"{"skip":0,"limit":10,"total":0,"resources":null}"#
    );
    let empty: SyncJobPage = cckm_sync::from_str(r#"{"skip": 0, "limit": 10, "total": 0, "resources": []}"#).unwrap();
    assert_ne!(empty, page, "an empty list and null are told apart");
    assert_eq!(
        serde_json::to_string(&empty).unwrap(),
        r#"{"skip":0,"limit":10,"total":0,"resources":[]}"#
    );
}

fn family_of(job: &FamilyJob) -> Option<CloudFamily> {
    match job {
        FamilyJob::Aws(_) => Some(CloudFamily::Aws),
        FamilyJob::Azure(_) => Some(CloudFamily::Azure),
        FamilyJob::Google(_) => Some(CloudFamily::Google),
        FamilyJob::Oci(_) => Some(CloudFamily::Oci),
        FamilyJob::Sap(_) => Some(CloudFamily::Sap),
        FamilyJob::Salesforce(_) => Some(CloudFamily::Salesforce),
        FamilyJob::Dsm(_) => Some(CloudFamily::Dsm),
        FamilyJob::ExternalCm(_) => Some(CloudFamily::ExternalCm),
        FamilyJob::Unknown(_) => None,
        other => panic!("a new family: {other:?}"),
    }
}

#[test]
fn numbers_in_unknown_fields_survive_a_round_trip_to_the_last_digit() {
    // Beyond `u64`, below `f64`'s smallest, above its largest, and shortest spellings of
    // doubles that a fast float parser reads one unit in the last place off.
    let numbers = [
        "123456789012345678901234567890",
        "1E-400",
        "1e400",
        "-0.0",
        "1.0715660391465826e-75",
        "-1.81996730402717e-179",
        "-1.603964615428183e143",
        "-9.643915712060552e-234",
    ];
    for number in numbers {
        let json = format!(r#"{{"code":16,"ratio":{number}}}"#);
        let error: cckm_sync::ApiError = cckm_sync::from_str(&json).unwrap();
        assert_eq!(error.unknown_fields.get("ratio").map(RawJson::as_str), Some(number));
        assert_eq!(serde_json::to_string(&error).unwrap(), json);
    }
}
