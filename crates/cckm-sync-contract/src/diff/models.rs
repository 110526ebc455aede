//! Probes built with the `cckm-sync` model crate and its endpoint catalog: start bodies of
//! every family (items, all items, options, `null` fields as the Go server reads them), the
//! values its list queries send, job ids and token requests.

use std::collections::BTreeSet;

use cckm_sync::endpoints::{Call, DEFAULT_SORT, ENDPOINTS, Operation, TOKEN_PATH};
use cckm_sync::{
    CloudFamily, FamilyScope, FamilyVisitor, Limit, ListSyncJobs, NullFields, OverallStatus, QueryError, ScopeItems,
    Sort, StartJob, StartOptions as _, TokenRequest,
};
use serde_json::Value;

use crate::body::BodyKind;
use crate::exchange::CatalogCall;

/// A job id as the server writes it.
const JOB_ID: &str = "0ea5d52e-387c-44fa-b079-21c8b768f77b";
/// Every spelling of `overall_status` the catalog knows.
const STATUSES: [&str; 6] = ["in_progress", "in progress", "completed", "failed", "aborted", "error"];

/// A path with its parameters' names left out, so that a renamed path parameter is the same
/// path.
pub(super) fn shape(path: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push('{');
            }
            '}' => {
                inside = false;
                out.push('}');
            }
            _ if inside => {}
            c => out.push(c),
        }
    }
    out
}

/// The call of the catalog that `METHOD path` (a path of the document, relative to the API's
/// prefix) is, whatever its path parameters are named.
pub(crate) fn call(method: &str, path: &str) -> Option<CatalogCall<'static>> {
    let path = shape(path.trim_end_matches('/'));
    if Call::Token.method().as_str().eq_ignore_ascii_case(method) && path == shape(TOKEN_PATH.trim_end_matches('/')) {
        return Some(CatalogCall::Token);
    }
    ENDPOINTS.iter().find_map(|endpoint| {
        Operation::ALL.into_iter().find_map(|operation| {
            (operation.method().as_str().eq_ignore_ascii_case(method)
                && shape(endpoint.path_template(operation).trim_end_matches('/')) == path)
                .then_some(CatalogCall::Job {
                    endpoint,
                    operation,
                    id: None,
                })
        })
    })
}

/// The names of the schemas of request bodies, as the body kinds of this crate know them:
/// the start requests of every family and the token request.
pub(crate) fn request_schema_names() -> BTreeSet<String> {
    CloudFamily::ALL
        .into_iter()
        .map(BodyKind::StartRequest)
        .chain([BodyKind::TokenRequest])
        .map(BodyKind::schema_name)
        .collect()
}

/// The model probes of the schema named `name` (a schema file or a component): start bodies
/// for a family's start request (and its branches), token requests for the token request.
pub(crate) fn for_schema_name(name: &str) -> Vec<Value> {
    for family in CloudFamily::ALL {
        if name.starts_with(&BodyKind::StartRequest(family).schema_name()) {
            return start_bodies(family);
        }
    }
    if BodyKind::TokenRequest.schema_name() == name {
        return token_bodies();
    }
    Vec::new()
}

/// Start bodies of `family`, as the model crate writes them.
pub(crate) fn start_bodies(family: CloudFamily) -> Vec<Value> {
    let mut bodies = family.visit(StartBodies);
    bodies.dedup();
    bodies
}

/// The start bodies of a family: those every family has, then each option set.
struct StartBodies;

impl FamilyVisitor for StartBodies {
    type Output = Vec<Value>;

    fn visit<S: FamilyScope>(self) -> Vec<Value> {
        let mut bodies = starts::<S>();
        for option in S::FAMILY_ID.spec().start_options {
            bodies.extend(with_option::<S>(option));
        }
        bodies
    }
}

/// Start bodies with the option `option` set: a list of regions (AWS), or either value of a
/// flag (Azure).
fn with_option<S: FamilyScope>(option: &str) -> Vec<Value> {
    let mut jobs = Vec::new();
    if StartJob::<S>::all().options.items_mut(option).is_some() {
        let items = StartJob::<S>::items(["item-1"]);
        for (job, values) in [
            (items.ok(), &["us-east-1", "eu-west-1"][..]),
            (Some(StartJob::<S>::all()), &["us-east-1"][..]),
        ] {
            if let (Some(mut job), Ok(values)) = (job, ScopeItems::new(values.iter().copied())) {
                if let Some(slot) = job.options.items_mut(option) {
                    *slot = Some(values);
                }
                jobs.push(job);
            }
        }
    }
    for value in [true, false] {
        for job in [Some(StartJob::<S>::all()), StartJob::<S>::items(["item-1"]).ok()]
            .into_iter()
            .flatten()
        {
            let mut job = job;
            if let Some(slot) = job.options.flag_mut(option) {
                *slot = Some(value);
                jobs.push(job);
            }
        }
    }
    jobs.into_iter().filter_map(to_value).collect()
}

fn to_value<S: FamilyScope>(job: StartJob<S>) -> Option<Value> {
    serde_json::to_value(&job).ok()
}

fn with_nulls<S: FamilyScope>(job: StartJob<S>, names: &[&'static str]) -> StartJob<S> {
    let mut nulls = NullFields::new();
    for name in names {
        nulls.insert(name);
    }
    job.with_null_fields(nulls)
}

/// The start bodies every family has: items, every item, and each unset field sent as `null`.
fn starts<S: FamilyScope>() -> Vec<Value> {
    let scope = StartJob::<S>::scope_field();
    let options = S::FAMILY_ID.spec().start_options;
    let mut jobs = Vec::new();
    jobs.extend(StartJob::<S>::items(["item-1"]).ok());
    jobs.extend(StartJob::<S>::items(["item-1", "item-2"]).ok());
    jobs.push(StartJob::<S>::all());
    if let Ok(items) = StartJob::<S>::items(["item-1"]) {
        jobs.push(with_nulls(items.clone(), &[cckm_sync::endpoints::SYNCHRONIZE_ALL]));
        for option in options {
            jobs.push(with_nulls(items.clone(), &[option]));
        }
    }
    jobs.push(with_nulls(StartJob::<S>::all(), &[scope]));
    for option in options {
        jobs.push(with_nulls(StartJob::<S>::all(), &[option]));
    }
    let mut bodies: Vec<Value> = jobs.into_iter().filter_map(to_value).collect();
    // `"synchronize_all": false` beside a list, which the model reads and writes back.
    let spelled = format!(r#"{{"{scope}": ["item-1"], "synchronize_all": false}}"#);
    if let Ok(job) = cckm_sync::from_str::<StartJob<S>>(&spelled) {
        bodies.extend(to_value(job));
    }
    bodies
}

/// The values the list queries of `family` send for the parameter `name`, as the model crate
/// writes them: a text, or a list of texts for a repeated parameter.
pub(crate) fn list_values(family: CloudFamily, name: &str) -> Vec<Value> {
    let queries = family.visit(Queries);
    let repeats = family
        .spec()
        .list_parameters()
        .any(|parameter| parameter.name() == name && parameter.repeats());
    let mut values = Vec::new();
    for pairs in queries {
        let texts: Vec<Value> = pairs
            .into_iter()
            .filter(|(key, _)| *key == name)
            .map(|(_, text)| Value::String(text))
            .collect();
        let value = match texts.as_slice() {
            [] => continue,
            [one] if !repeats => one.clone(),
            _ => Value::Array(texts),
        };
        if !values.contains(&value) {
            values.push(value);
        }
    }
    values
}

/// The pairs of list queries of every kind the model crate builds for a family.
struct Queries;

impl FamilyVisitor for Queries {
    type Output = Vec<Vec<(&'static str, String)>>;

    fn visit<S: FamilyScope>(self) -> Self::Output {
        queries::<S>()
    }
}

fn queries<S: FamilyScope>() -> Vec<Vec<(&'static str, String)>> {
    let spec = S::FAMILY_ID.spec();
    let mut built: Vec<Result<ListSyncJobs<S>, QueryError>> = Vec::new();
    let id = JOB_ID.parse().ok();
    built.push(Limit::new(10).map(|limit| {
        let query = ListSyncJobs::<S>::new()
            .overall_status(OverallStatus::from("completed"))
            .skip(0)
            .limit(limit);
        match id {
            Some(id) => query.id(id),
            None => query,
        }
    }));
    built.push(Ok(ListSyncJobs::<S>::new().skip(20).limit(Limit::All)));
    built.push(Limit::new(i64::from(u32::MAX)).map(|limit| ListSyncJobs::<S>::new().limit(limit)));
    for status in STATUSES {
        built.push(Ok(ListSyncJobs::<S>::new().overall_status(OverallStatus::from(status))));
    }
    let mut sorts = vec![DEFAULT_SORT.to_owned(), "overall_status,-updatedAt".to_owned()];
    for property in spec.sort_properties() {
        sorts.push(property.to_owned());
        sorts.push(format!("-{property}"));
    }
    for sort in sorts {
        built.push(Sort::parse(&sort).and_then(|sort| ListSyncJobs::<S>::new().sort(sort)));
    }
    // A family whose lists take no scope filter refuses these, and sends no such query.
    built.push(ListSyncJobs::<S>::new().scope_filter(["item-1"]));
    built.push(ListSyncJobs::<S>::new().scope_filter(["item-1", "item-2"]));
    built
        .into_iter()
        .filter_map(Result::ok)
        .map(|query| query.pairs())
        .collect()
}

/// Job ids as the server writes them and reads them.
pub(crate) fn job_ids() -> Vec<Value> {
    vec![Value::String(JOB_ID.to_owned())]
}

/// Token requests as the model crate writes them.
pub(crate) fn token_bodies() -> Vec<Value> {
    let requests = [
        TokenRequest::password("admin", "admin"),
        TokenRequest::Password {
            username: "admin".to_owned(),
            password: "admin".to_owned(),
            auth_domain_path: Some("root".to_owned()),
        },
        TokenRequest::refresh("refresh-token"),
        TokenRequest::RefreshToken {
            refresh_token: "refresh-token".to_owned(),
            renew_refresh_token: Some(true),
        },
    ];
    requests
        .iter()
        .filter_map(|request| serde_json::to_value(request).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn operations_of_the_document_are_matched_to_the_catalog() {
        let family_and_operation = |call: Option<CatalogCall<'_>>| match call {
            Some(CatalogCall::Job {
                endpoint, operation, ..
            }) => Some((endpoint.family, operation)),
            _ => None,
        };
        assert_eq!(
            family_and_operation(call("GET", "/cckm/aws/synchronization-jobs")),
            Some((CloudFamily::Aws, Operation::List))
        );
        assert_eq!(
            family_and_operation(call("post", "/cckm/dsm/refresh/{jobId}/cancel")),
            Some((CloudFamily::Dsm, Operation::Cancel))
        );
        assert_eq!(call("POST", "/auth/tokens"), Some(CatalogCall::Token));
        assert_eq!(call("DELETE", "/cckm/aws/synchronization-jobs"), None);
    }

    #[test]
    fn start_bodies_hold_items_all_and_nulls() {
        let aws = start_bodies(CloudFamily::Aws);
        for expected in [
            json!({"kms": ["item-1"]}),
            json!({"synchronize_all": true}),
            json!({"kms": ["item-1"], "synchronize_all": null}),
            json!({"kms": null, "synchronize_all": true}),
            json!({"synchronize_all": true, "regions": null}),
            json!({"kms": ["item-1"], "synchronize_all": false}),
            json!({"synchronize_all": true, "regions": ["us-east-1"]}),
        ] {
            assert!(aws.contains(&expected), "{expected} not in {aws:?}");
        }
        assert!(for_schema_name("AzureStartJobItems").contains(&json!({"key_vaults": ["item-1"]})));
        assert!(request_schema_names().contains("TokenRequest"));
    }

    #[test]
    fn list_values_are_what_queries_send() {
        let sort = list_values(CloudFamily::Aws, "sort");
        assert!(sort.contains(&json!("-createdAt")) && sort.contains(&json!("kms")));
        assert!(list_values(CloudFamily::Aws, "kms").contains(&json!(["item-1", "item-2"])));
        assert!(list_values(CloudFamily::Aws, "limit").contains(&json!("-1")));
        assert!(list_values(CloudFamily::Azure, "overall_status").contains(&json!("in progress")));
        assert!(list_values(CloudFamily::Dsm, "kms").is_empty());
    }
}
