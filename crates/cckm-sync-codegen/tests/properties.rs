//! Any value of a model is on the contract: serialized, it validates against the committed
//! schema file and OpenAPI 3.1 component of its type, and parsing that JSON gives the value
//! back.
//!
//! The values are arbitrary: unicode text everywhere text goes, any id, timestamps to the
//! nanosecond across the years 0000-9999, statuses and clouds known and unknown, optional
//! fields present, absent and `null`, `detailed_status` maps, scope lists (typed only where the
//! job's cloud types them), fields no model knows with arbitrary JSON values (numbers beyond
//! `f64`'s precision among them), any `limit` (-1 included), and both kinds of start-request
//! target.
//! Every model is covered: the job and the page of any family and of each family, each
//! family's start request, and the error body.

mod support;

use std::fmt::Debug;

use cckm_sync::schemars::JsonSchema;
use cckm_sync::{
    AnyScope, ApiError, AwsScope, AwsStartOptions, AzureScope, AzureStartOptions, Cloud, DetailedStatus, DsmScope,
    ExternalCmScope, FamilyScope, GoogleScope, JobScope, NoStartOptions, NullFields, OciScope, OverallStatus, Page,
    RawJson, SalesforceScope, SapScope, ScopeItems, StartJob, StartOptions, SyncJob, Target, UnknownFields,
};
use chrono::{DateTime, Utc};
use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::TestCaseError;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Number, Value};
use support::{Form, contract};

/// 256 cases per property (or `PROPTEST_CASES`); no regression files are written, as a
/// failure prints the shrunk value, its JSON and the schema's errors.
fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// The property: `value` serializes to JSON valid against the schema file and the component
/// of `T`, and that JSON parses back to `value`.
fn holds_for<T>(value: &T) -> Result<(), TestCaseError>
where
    T: Serialize + DeserializeOwned + JsonSchema + PartialEq + Debug,
{
    let name = T::schema_name();
    let text = serde_json::to_string(value)
        .map_err(|error| TestCaseError::fail(format!("{name}: cannot serialize {value:?}: {error}")))?;
    let json: Value = serde_json::from_str(&text)
        .map_err(|error| TestCaseError::fail(format!("{name}: wrote what is not JSON: {error}\n{text}")))?;
    for form in Form::BOTH {
        if let Err(errors) = contract().validate(form, &name, &json) {
            return Err(TestCaseError::fail(format!(
                "the {form} {name} rejects\n{json:#}\n  because\n    {errors}"
            )));
        }
    }
    let parsed: T = cckm_sync::from_str(&text)
        .map_err(|error| TestCaseError::fail(format!("{name}: the parser rejects\n{json:#}\n  because {error}")))?;
    if parsed != *value {
        return Err(TestCaseError::fail(format!(
            "{name}: parsing the JSON gives another value\n{json:#}\n  written: {value:?}\n  read:    {parsed:?}"
        )));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Strategies.
// ---------------------------------------------------------------------------------------

/// Text: arbitrary unicode (control characters, quotes, astral planes), or text that looks
/// like the server's.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[a-z0-9:/_. -]{0,24}", Just(String::new()),]
}

/// Text with at least one character, as start-request lists want.
fn non_empty_text() -> impl Strategy<Value = String> {
    text().prop_filter("not empty", |text| !text.is_empty())
}

/// An instant between 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999999999Z, with every
/// fraction length. No leap seconds: a value holds one only when parsed from the wire.
fn timestamp() -> impl Strategy<Value = DateTime<Utc>> {
    const FIRST: i64 = -62_167_219_200; // 0000-01-01T00:00:00Z
    const LAST: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z
    let nanos = prop_oneof![
        Just(0_u32),
        (0_u32..1_000).prop_map(|millis| millis * 1_000_000),
        (0_u32..1_000_000).prop_map(|micros| micros * 1_000),
        0_u32..1_000_000_000,
    ];
    (FIRST..=LAST, nanos).prop_map(|(seconds, nanos)| {
        DateTime::from_timestamp(seconds, nanos)
            .unwrap_or_else(|| panic!("{seconds} s and {nanos} ns are in chrono's range"))
    })
}

/// A status: one of the server's spellings, or any text (a status of a newer server).
fn overall_status() -> impl Strategy<Value = OverallStatus> {
    prop_oneof![
        select(&["in_progress", "in progress", "completed", "failed", "aborted", "error"][..])
            .prop_map(OverallStatus::from),
        text().prop_map(|text| OverallStatus::from(text.as_str())),
    ]
}

/// A cloud: one of the known names, a new Azure cloud, or any text.
fn cloud() -> impl Strategy<Value = Cloud> {
    let known = select(
        &[
            "aws",
            "AzureCloud",
            "AzureChinaCloud",
            "AzureUSGovernment",
            "AzureGermanCloud",
            "AzureStack",
            "gcp",
            "oci",
            "sap",
            "sfdc",
            "dsm",
            "externalCM",
        ][..],
    )
    .prop_map(Cloud::from);
    prop_oneof![
        known,
        text().prop_map(|name| Cloud::from(format!("Azure{name}").as_str())),
        text().prop_map(|name| Cloud::from(name.as_str())),
    ]
}

fn detailed_status() -> impl Strategy<Value = DetailedStatus> {
    btree_map(text(), text(), 0..5).prop_map(|entries| entries.into_iter().collect())
}

/// Any JSON value, nested a few levels, numbers of every kind included.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("a finite number", |number| Number::from_f64(number).map(Value::Number)),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            btree_map(text(), inner, 0..4).prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

/// The text of a number that `f64` cannot hold exactly: past `u64`, with more digits than
/// `f64` keeps, or below its smallest value. (Not above its largest: a `serde_json::Value`,
/// which the schema validator needs, refuses those.)
fn exact_number() -> impl Strategy<Value = RawJson> {
    prop_oneof![
        "-?[1-9][0-9]{20,40}",
        "-?0\\.[0-9]{18,30}[1-9]",
        "-?[1-9]E-[4-9][0-9]{2}",
        Just("-0.0".to_owned()),
        Just("1.0".to_owned()),
    ]
    .prop_map(|text| RawJson::from_json(&text).unwrap_or_else(|error| panic!("{text}: {error}")))
}

/// Fields a model does not know: any name (some named like a model's field, which
/// `is_modeled` then drops), any JSON value.
fn unknown_fields() -> impl Strategy<Value = Vec<(String, RawJson)>> {
    let name = prop_oneof![text(), "[a-z_]{1,16}", select(AnyScope::FIELDS).prop_map(str::to_owned),];
    let value = prop_oneof![4 => json_value().prop_map(RawJson::from), 1 => exact_number()];
    btree_map(name, value, 0..4).prop_map(|fields| fields.into_iter().collect())
}

/// `fields` without those `is_modeled` names.
fn keep_unknown(fields: Vec<(String, RawJson)>, is_modeled: impl Fn(&str) -> bool) -> UnknownFields {
    fields.into_iter().filter(|(name, _)| !is_modeled(name)).collect()
}

/// Some of `names`, to be written as `null`.
fn nulls(names: Vec<&'static str>, chosen: u32) -> NullFields {
    names
        .into_iter()
        .enumerate()
        .filter(|(index, _)| chosen & (1 << index) != 0)
        .map(|(_, name)| name)
        .collect()
}

/// The fields of a job besides its scope.
const JOB_FIELDS: [&str; 12] = [
    "id",
    "uri",
    "account",
    "application",
    "devAccount",
    "createdAt",
    "updatedAt",
    "completed_at",
    "overall_status",
    "detailed_status",
    "cloud",
    "abort",
];

/// The fields of a page besides its items.
const PAGE_FIELDS: [&str; 4] = ["skip", "limit", "total", "resources"];

/// The fields of an error body.
const ERROR_FIELDS: [&str; 4] = ["code", "codeDesc", "message", "requestID"];

/// A scope with each of its lists present or absent, empty or not.
fn scope<S: JobScope>() -> impl Strategy<Value = S> {
    vec(option::of(vec(text(), 0..4)), S::FIELDS.len()).prop_map(|lists| {
        let mut scope = S::default();
        for (field, list) in S::FIELDS.iter().zip(lists) {
            let slot = scope
                .slot_mut(field)
                .unwrap_or_else(|| panic!("the scope has no slot for its own field {field}"));
            *slot = list;
        }
        scope
    })
}

/// A job whose fields are as a parse reads them: scope lists only for the fields its cloud
/// types, unknown fields only with other names, `null` only for optional fields without a
/// value, and, for a family type, no cloud of another family.
fn sync_job<S: JobScope>() -> impl Strategy<Value = SyncJob<S>> {
    let who = (text(), text(), text(), text());
    let when = (timestamp(), timestamp(), option::of(timestamp()));
    let cloud = cloud().prop_filter("a cloud of the scope's family", |cloud| {
        S::FAMILY.is_none() || cloud.family().is_none() || cloud.family() == S::FAMILY
    });
    let what = (
        overall_status(),
        option::of(detailed_status()),
        cloud,
        scope::<S>(),
        any::<bool>(),
    );
    (any::<u128>(), who, when, what, unknown_fields(), any::<u32>()).prop_map(
        |(
            id,
            (uri, account, application, dev_account),
            (created_at, updated_at, completed_at),
            (overall_status, detailed_status, cloud, mut scope, abort),
            unknown,
            chosen,
        )| {
            let typed = S::typed_fields(Some(&cloud));
            for field in S::FIELDS {
                if !typed.contains(field) {
                    scope.slot_mut(field).map(Option::take);
                }
            }
            let mut nullable: Vec<&'static str> = typed
                .iter()
                .copied()
                .filter(|field| scope.list(field).is_none())
                .collect();
            nullable.extend(completed_at.is_none().then_some("completed_at"));
            nullable.extend(detailed_status.is_none().then_some("detailed_status"));
            SyncJob {
                id: uuid::Uuid::from_u128(id),
                uri,
                account,
                application,
                dev_account,
                created_at,
                updated_at,
                completed_at,
                overall_status,
                detailed_status,
                cloud,
                scope,
                abort,
                null_fields: nulls(nullable, chosen),
                unknown_fields: keep_unknown(unknown, |name| JOB_FIELDS.contains(&name) || typed.contains(&name)),
            }
        },
    )
}

fn page<S: JobScope>() -> impl Strategy<Value = Page<SyncJob<S>>> {
    let limit = prop_oneof![Just(-1_i64), 1_i64..=1000, any::<i64>()];
    (
        any::<u64>(),
        limit,
        any::<u64>(),
        vec(sync_job::<S>(), 0..4),
        unknown_fields(),
        any::<bool>(),
    )
        .prop_map(|(skip, limit, total, resources, unknown, null)| {
            let mut page = Page::new(skip, limit, total, resources);
            if null && page.resources.is_empty() {
                page.null_fields.insert("resources");
            }
            page.unknown_fields = keep_unknown(unknown, |name| PAGE_FIELDS.contains(&name));
            page
        })
}

/// Arbitrary values of a family's start-request options, within what the type promises.
trait ArbitraryOptions: StartOptions + Debug {
    fn strategy() -> BoxedStrategy<Self>;
}

impl ArbitraryOptions for AwsStartOptions {
    fn strategy() -> BoxedStrategy<Self> {
        option::of(vec(non_empty_text(), 1..4))
            .prop_map(|regions| AwsStartOptions {
                regions: regions.map(|regions| ScopeItems::try_from(regions).expect("non-empty items")),
            })
            .boxed()
    }
}

impl ArbitraryOptions for AzureStartOptions {
    fn strategy() -> BoxedStrategy<Self> {
        option::of(any::<bool>())
            .prop_map(|take_cloud_key_backup| AzureStartOptions { take_cloud_key_backup })
            .boxed()
    }
}

impl ArbitraryOptions for NoStartOptions {
    fn strategy() -> BoxedStrategy<Self> {
        Just(NoStartOptions).boxed()
    }
}

fn target() -> impl Strategy<Value = Target> {
    prop_oneof![
        Just(Target::All),
        vec(non_empty_text(), 1..4).prop_filter_map("non-empty items", |items| {
            ScopeItems::try_from(items).ok().map(Target::Items)
        }),
    ]
}

fn start_job<S>() -> impl Strategy<Value = StartJob<S>>
where
    S: FamilyScope,
    S::StartOptions: ArbitraryOptions,
{
    let mut modeled = vec![StartJob::<S>::scope_field(), cckm_sync::endpoints::SYNCHRONIZE_ALL];
    modeled.extend(<S::StartOptions as StartOptions>::FIELDS);
    (target(), S::StartOptions::strategy(), unknown_fields(), any::<u32>()).prop_map(
        move |(target, options, unknown, chosen)| {
            // `null` for the fields without a value: the list of an `All` request, the flag of
            // an `Items` one, options not set.
            let mut nullable = vec![match target {
                Target::All => StartJob::<S>::scope_field(),
                _ => cckm_sync::endpoints::SYNCHRONIZE_ALL,
            }];
            let mut job = StartJob::<S>::new(target);
            job.options = options;
            let set = serde_json::to_value(&job).expect("a start request serializes");
            nullable.extend(
                <S::StartOptions as StartOptions>::FIELDS
                    .iter()
                    .filter(|field| set.get(**field).is_none()),
            );
            job.unknown_fields = keep_unknown(unknown, |name| modeled.contains(&name));
            job.with_null_fields(nulls(nullable, chosen))
        },
    )
}

fn api_error() -> impl Strategy<Value = ApiError> {
    (
        option::of(any::<i64>()),
        option::of(text()),
        option::of(text()),
        option::of(text()),
        unknown_fields(),
        any::<u32>(),
    )
        .prop_map(|(code, code_desc, message, request_id, unknown, chosen)| {
            let unset = [
                ("code", code.is_none()),
                ("codeDesc", code_desc.is_none()),
                ("message", message.is_none()),
                ("requestID", request_id.is_none()),
            ];
            let nullable = unset
                .into_iter()
                .filter(|(_, unset)| *unset)
                .map(|(name, _)| name)
                .collect();
            ApiError {
                code,
                code_desc,
                message,
                request_id,
                null_fields: nulls(nullable, chosen),
                unknown_fields: keep_unknown(unknown, |name| ERROR_FIELDS.contains(&name)),
            }
        })
}

// ---------------------------------------------------------------------------------------
// Properties.
// ---------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_job_of_any_family_is_on_the_contract(job in sync_job::<AnyScope>()) {
        holds_for(&job)?;
    }

    #[test]
    fn any_page_of_jobs_of_any_family_is_on_the_contract(page in page::<AnyScope>()) {
        holds_for(&page)?;
    }

    #[test]
    fn any_error_body_is_on_the_contract(error in api_error()) {
        holds_for(&error)?;
    }
}

/// The job, page and start-request properties of one family.
macro_rules! family_properties {
    ($($family:ident: $scope:ty;)+) => {$(
        mod $family {
            use super::*;

            proptest! {
                #![proptest_config(config())]

                #[test]
                fn any_job_is_on_the_contract(job in sync_job::<$scope>()) {
                    holds_for(&job)?;
                }

                #[test]
                fn any_page_is_on_the_contract(page in page::<$scope>()) {
                    holds_for(&page)?;
                }

                #[test]
                fn any_start_request_is_on_the_contract(start in start_job::<$scope>()) {
                    holds_for(&start)?;
                }
            }
        }
    )+

    #[test]
    fn every_family_of_the_catalog_has_its_properties() {
        let covered = [$(<$scope as FamilyScope>::FAMILY_ID),+];
        assert_eq!(covered, cckm_sync::CloudFamily::ALL);
    }
    };
}

family_properties! {
    aws: AwsScope;
    azure: AzureScope;
    google: GoogleScope;
    oci: OciScope;
    sap: SapScope;
    salesforce: SalesforceScope;
    dsm: DsmScope;
    external_cm: ExternalCmScope;
}
