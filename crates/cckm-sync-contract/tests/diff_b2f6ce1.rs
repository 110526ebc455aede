//! `diff` on a real pair: the contract of commit b2f6ce1 (kept in `tests/fixtures/diff/b2f6ce1/`)
//! against the committed one. Between the two, a breaking change went in unnoticed: `sort`
//! narrowed from any field name to the job's fields.
//!
//! Every difference between the two 3.1 documents, and why its verdict is right:
//!
//! | difference | verdict | why |
//! |---|---|---|
//! | `sort` of the 12 list operations: `$ref: Sort` (any comma-separated names, its own example `name,-updatedAt`) → a pattern listing the family's job fields | **breaking** | a request the old version accepted is refused: `sort=name,-updatedAt` (the old document's example), `sort=created_at`, `sort=+id` |
//! | `SyncJob` (a job of any family; no operation answers it, a client reads it by name): the scope arrays, typed for every job, are typed now for the jobs of their family only (`allOf` of "not this cloud, or typed") | **breaking** | a response schema that allows what the old one ruled out: a job with `"domains": {}` and a cloud that is not DSM's was refused and is accepted; a client generated from the old schema reads `domains` as a list on every job. `SyncJobPage` holds `SyncJob`: the same |
//! | the start bodies (`<Family>StartJobAll`): the scope list `false` → `{"const": null}`; `synchronize_all: {"const": true}` → `{"type": "boolean", "not": {"const": false}}` | additive | requests refused are accepted: `{"kms": null, "synchronize_all": true}`; `true` is still the one value of `synchronize_all` |
//! | the start bodies (`<Family>StartJobItems`): `synchronize_all: {"const": false}` → `{"type": ["boolean", "null"], "not": {"const": true}}` | additive | `{"kms": ["k"], "synchronize_all": null}` is accepted; `false` still is, `true` still is not |
//! | the family jobs' `cloud` (`AwsSyncJob`, …): `not: {type: string, pattern: the other families' clouds}` beside the `$ref` | additive | a response narrowed: an AWS job whose `cloud` is `gcp` was allowed and is ruled out; every cloud a client of the old version could meet on its own family is still allowed. On the list (through the page), start (200, 201), get and cancel responses |
//! | `409` on the start and cancel operations (24) | additive | a new error status: the API can always fail |
//! | `POST /auth/tokens`, with `TokenRequest` and `TokenResponse` and the tag `auth` | additive | a new operation; its components are judged through it |
//! | `Limit`: `oneOf` of `-1` and `1..2^32-1` → `minimum: -1, maximum: 2^32-1, not: {const: 0}` | none | the same values, another form: every probe (`-2`, `-1`, `0`, `1`, `2^32-1`, `2^32`, …) is judged alike |
//! | `skip` of the list operations gains `maximum: 2^64-1` | none | its `format: uint64` (the OpenAPI format registry's unsigned 64-bit integer) bounded it already |
//! | the `Sort` component removed | none | it was only the `sort` parameters' schema, judged where they are |
//! | `title: DetailedStatus` on the jobs' `detailed_status` | none | a name for generated models, no constraint |
//! | descriptions (info, parameters, responses, schemas), `links` on the start responses, `x-cckm-evidence`, the `tags` list | none | annotations: nothing a request or a response is judged by |

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use cckm_sync_contract::diff::{self, Acceptance, Change, Diff, Impact, Place, Version};

/// The committed contract: this crate's copy of the repository's `openapi/` and `schemas/`
/// (the same bytes, as `cargo xtask codegen --check` makes sure), so that the tests also run
/// from the published package.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("contract")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/diff/b2f6ce1")
        .join(name)
}

fn compare(old: PathBuf, new: PathBuf) -> Diff {
    let old = Version::load(old).unwrap();
    let new = Version::load(new).unwrap();
    diff::compare(&old, &new).unwrap()
}

fn lines(changes: &[&Change]) -> String {
    changes
        .iter()
        .map(|change| format!("{} {change}", change.impact))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The changes of the pair sorted into the kinds the table above lists; fails on a change
/// of no kind.
#[derive(Default)]
struct Kinds<'a> {
    sort: Vec<&'a Change>,
    any_family_job: Vec<&'a Change>,
    start_bodies: Vec<&'a Change>,
    family_jobs: Vec<&'a Change>,
    conflict: Vec<&'a Change>,
    token: Vec<&'a Change>,
    neutral: Vec<&'a Change>,
}

fn sort_out(diff: &Diff) -> Kinds<'_> {
    let mut kinds = Kinds::default();
    let mut unexpected = Vec::new();
    for change in &diff.changes {
        let decided_at = change
            .evidence
            .as_ref()
            .map(|evidence| evidence.refused.keyword_location.clone())
            .unwrap_or_default();
        let bucket = match (&change.impact, &change.place) {
            (Impact::Breaking, Place::Parameter { name, .. }) if name == "sort" => &mut kinds.sort,
            (Impact::Breaking, Place::Schema { schema, .. }) if schema == "SyncJob" || schema == "SyncJobPage" => {
                &mut kinds.any_family_job
            }
            (Impact::Additive, Place::RequestBody { .. } | Place::Schema { .. })
                if change.summary == "accepts more bodies" =>
            {
                &mut kinds.start_bodies
            }
            (Impact::Additive, Place::Response { .. } | Place::Schema { .. })
                if change.summary == "allows fewer bodies (narrowed)"
                    && decided_at.ends_with("/properties/cloud/not") =>
            {
                &mut kinds.family_jobs
            }
            (Impact::Additive, Place::Response { status, .. }) if status == "409" => &mut kinds.conflict,
            (Impact::Additive, Place::Operation { operation }) if operation == "POST /auth/tokens" => &mut kinds.token,
            (Impact::None, _) => &mut kinds.neutral,
            _ => &mut unexpected,
        };
        bucket.push(change);
    }
    assert!(
        unexpected.is_empty(),
        "changes of no expected kind:\n{}",
        lines(&unexpected)
    );
    kinds
}

fn operations(changes: &[&Change]) -> BTreeSet<String> {
    changes
        .iter()
        .filter_map(|change| change.place.operation().map(str::to_owned))
        .collect()
}

#[test]
fn the_31_documents_show_the_sort_narrowing_and_no_false_breaking_change() {
    let diff = compare(
        fixture("cckm-sync.openapi.json"),
        root().join("openapi/cckm-sync.openapi.json"),
    );
    assert!(diff.is_breaking());
    let kinds = sort_out(&diff);

    // The change that went in unnoticed, proved by the old document's own example.
    assert_eq!(kinds.sort.len(), 12, "{}", lines(&kinds.sort));
    for change in &kinds.sort {
        let evidence = change.evidence.as_ref().unwrap();
        assert_eq!(
            evidence.to_string(),
            "`sort=name,-updatedAt` was accepted and is now refused"
        );
        assert!(
            evidence.refused.keyword_location.ends_with("/schema/pattern"),
            "{evidence:?}"
        );
    }
    assert!(
        operations(&kinds.sort)
            .iter()
            .all(|operation| operation.starts_with("GET "))
    );

    // The job of any family, and its page, allow what the old version ruled out.
    let schemas: BTreeSet<String> = kinds
        .any_family_job
        .iter()
        .map(|change| match &change.place {
            Place::Schema { schema, .. } => schema.clone(),
            other => panic!("{other}"),
        })
        .collect();
    assert_eq!(
        schemas,
        BTreeSet::from(["SyncJob".to_owned(), "SyncJobPage".to_owned()])
    );
    for change in &kinds.any_family_job {
        let evidence = change.evidence.as_ref().unwrap();
        assert_eq!(
            (evidence.old, evidence.new),
            (Acceptance::Refused, Acceptance::Accepted)
        );
    }

    // The start bodies of the 12 start operations accept `null` where they refused it.
    assert_eq!(kinds.start_bodies.len(), 12, "{}", lines(&kinds.start_bodies));
    for change in &kinds.start_bodies {
        let evidence = change.evidence.as_ref().unwrap();
        assert!(evidence.probe.contains("null"), "{evidence}");
        assert_eq!(
            (evidence.old, evidence.new),
            (Acceptance::Refused, Acceptance::Accepted)
        );
        assert!(operation_is(change, "POST ", "synchronization-jobs") || operation_is(change, "POST ", "refresh"));
    }
    assert!(
        kinds
            .start_bodies
            .iter()
            .any(|change| change.evidence.as_ref().unwrap().to_string()
                == r#"the body `{"kms":null,"synchronize_all":true}` of AwsStartJob was refused and is now accepted"#)
    );

    // Family jobs rule out the clouds of other families: list (page), start (200 and 201),
    // get and cancel of the 12 endpoints.
    assert_eq!(kinds.family_jobs.len(), 60, "{}", lines(&kinds.family_jobs));
    assert_eq!(operations(&kinds.family_jobs).len(), 48);

    assert_eq!(kinds.conflict.len(), 24, "{}", lines(&kinds.conflict));
    assert_eq!(kinds.token.len(), 1);

    // Nothing else changes on the wire: Limit's form, skip's bound, the Sort component, titles
    // and annotations.
    let neutral: Vec<String> = kinds.neutral.iter().map(|change| change.to_string()).collect();
    let limit: Vec<&Change> = kinds
        .neutral
        .iter()
        .copied()
        .filter(|change| matches!(&change.place, Place::Parameter { name, .. } if name == "limit"))
        .collect();
    assert_eq!(limit.len(), 12, "{neutral:#?}");
    assert!(
        limit[0]
            .summary
            .starts_with("written in another form that accepts the same values ("),
        "{}",
        limit[0]
    );
    let skip = kinds
        .neutral
        .iter()
        .filter(|change| matches!(&change.place, Place::Parameter { name, .. } if name == "skip"))
        .count();
    assert_eq!(skip, 12, "{neutral:#?}");
    for keyword in ["description", "links", "tags", "title", "x-cckm-evidence"] {
        assert!(
            kinds
                .neutral
                .iter()
                .any(|change| matches!(&change.place, Place::Annotations { keyword: found, .. } if found == keyword)),
            "{keyword}: {neutral:#?}"
        );
    }
    assert!(neutral.iter().any(|line| line
        == "schema Sort: no longer a named component: the operations that used it are judged where they are"));

    // The text form says the sort narrowing once, for the 12 operations.
    let groups = diff.groups();
    let sort: Vec<String> = groups
        .iter()
        .filter(|group| group.impact() == Impact::Breaking)
        .map(ToString::to_string)
        .filter(|line| line.contains("sort"))
        .collect();
    assert_eq!(sort.len(), 1, "{sort:#?}");
    assert!(
        sort[0].starts_with("query parameter sort of 12 operations ("),
        "{}",
        sort[0]
    );
}

fn operation_is(change: &Change, method: &str, ends: &str) -> bool {
    change
        .place
        .operation()
        .is_some_and(|operation| operation.starts_with(method) && operation.ends_with(ends))
}

#[test]
fn the_30_documents_give_the_same_verdicts() {
    let diff = compare(
        fixture("cckm-sync.openapi-3.0.json"),
        root().join("openapi/cckm-sync.openapi-3.0.json"),
    );
    let kinds = sort_out(&diff);
    // The 3.0 document has one `example` per schema (`-createdAt`, accepted by both): the
    // evidence is a name generated from the old pattern.
    assert_eq!(kinds.sort.len(), 12);
    let evidence = kinds.sort[0].evidence.as_ref().unwrap();
    assert_eq!(
        (evidence.old, evidence.new),
        (Acceptance::Accepted, Acceptance::Refused)
    );
    assert_eq!(kinds.any_family_job.len(), 2);
    assert_eq!(kinds.start_bodies.len(), 12);
    assert_eq!(kinds.family_jobs.len(), 60);
    assert_eq!(kinds.conflict.len(), 24);
    assert_eq!(kinds.token.len(), 1);
}

#[test]
fn the_schema_folders_give_the_same_verdicts() {
    let diff = compare(fixture("schemas"), root().join("schemas"));
    let kinds = sort_out(&diff);
    assert!(kinds.sort.is_empty() && kinds.conflict.is_empty() && kinds.token.is_empty());
    assert_eq!(kinds.any_family_job.len(), 2);
    // Each family's start request and both of its branches.
    assert_eq!(kinds.start_bodies.len(), 24, "{}", lines(&kinds.start_bodies));
    // Each family's job and page.
    assert_eq!(kinds.family_jobs.len(), 16, "{}", lines(&kinds.family_jobs));
    // Beside annotations, the `$id`s that name the new contract version (the old files had none).
    assert!(
        kinds.neutral.iter().all(|change| match &change.place {
            Place::Annotations { .. } | Place::Document { .. } => true,
            Place::Schema { pointer, .. } => pointer == "/$id",
            _ => false,
        }),
        "{}",
        lines(&kinds.neutral)
    );
}
