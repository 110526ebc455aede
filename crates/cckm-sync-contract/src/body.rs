//! What a body is (a page, a job, a start request, an error, a token call's body), the model
//! that parses it and the schema that judges it.

use std::fmt;

use cckm_sync::schemars::JsonSchema;
use cckm_sync::{
    ApiError, CloudFamily, FamilyScope, FamilyVisitor, Page, ParseError, ReportUnknowns, StartJob, SyncJob,
    TokenRequest, TokenResponse, Unknown, unknowns,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::schemas::{Contract, SchemaRef};

/// What a body is: the model the crate parses it with and the schema the contract judges it
/// with follow from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BodyKind {
    /// A list response: a page of jobs of one family, or of any family (`None`).
    Page(Option<CloudFamily>),
    /// A start, get or cancel response: a job of one family, or of any family (`None`).
    Job(Option<CloudFamily>),
    /// The body of a start request of a family.
    StartRequest(CloudFamily),
    /// An error body (a 4xx or 5xx answer).
    Error,
    /// The body of a token request.
    TokenRequest,
    /// The answer to a token request.
    TokenResponse,
}

impl fmt::Display for BodyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Page(Some(family)) => write!(f, "page of {family} jobs"),
            Self::Page(None) => f.write_str("page of jobs"),
            Self::Job(Some(family)) => write!(f, "{family} job"),
            Self::Job(None) => f.write_str("job"),
            Self::StartRequest(family) => write!(f, "{family} start request"),
            Self::Error => f.write_str("error body"),
            Self::TokenRequest => f.write_str("token request"),
            Self::TokenResponse => f.write_str("token answer"),
        }
    }
}

/// How a body kind is parsed and which schema judges it.
struct Model {
    /// The schema's name, as the generator names it (from the type's `JsonSchema`).
    schema_name: String,
    /// Whether the schema is a component of the OpenAPI document rather than a file.
    component: bool,
    parse: fn(&[u8]) -> Result<Vec<Unknown>, ParseError>,
}

fn parse_with<T: DeserializeOwned + ReportUnknowns>(bytes: &[u8]) -> Result<Vec<Unknown>, ParseError> {
    let value: T = cckm_sync::from_slice(bytes)?;
    Ok(unknowns(&value))
}

/// A token request's unknown fields are dropped by its parser (the Go server ignores them):
/// nothing to report.
fn parse_token_request(bytes: &[u8]) -> Result<Vec<Unknown>, ParseError> {
    cckm_sync::from_slice::<TokenRequest>(bytes).map(|_| Vec::new())
}

fn model_of<T: DeserializeOwned + ReportUnknowns + JsonSchema>() -> Model {
    Model {
        schema_name: T::schema_name().into_owned(),
        component: false,
        parse: parse_with::<T>,
    }
}

/// The model of a body of one family, for the family it is run with.
struct FamilyModel(BodyKind);

impl FamilyVisitor for FamilyModel {
    type Output = Model;

    fn visit<S: FamilyScope>(self) -> Model {
        match self.0 {
            BodyKind::Page(_) => model_of::<Page<SyncJob<S>>>(),
            BodyKind::StartRequest(_) => model_of::<StartJob<S>>(),
            _ => model_of::<SyncJob<S>>(),
        }
    }
}

impl BodyKind {
    fn model(self) -> Model {
        match self {
            Self::Page(None) => model_of::<Page<SyncJob>>(),
            Self::Job(None) => model_of::<SyncJob>(),
            Self::Page(Some(family)) | Self::Job(Some(family)) | Self::StartRequest(family) => {
                family.visit(FamilyModel(self))
            }
            Self::Error => model_of::<ApiError>(),
            Self::TokenRequest => Model {
                schema_name: TokenRequest::schema_name().into_owned(),
                component: true,
                parse: parse_token_request,
            },
            Self::TokenResponse => Model {
                schema_name: TokenResponse::schema_name().into_owned(),
                component: true,
                parse: parse_with::<TokenResponse>,
            },
        }
    }

    /// The name of the schema that judges this kind of body, as the generator names it (and
    /// its schema file or component).
    pub(crate) fn schema_name(self) -> String {
        self.model().schema_name
    }

    /// The schema of the contract that judges this kind of body.
    pub fn schema(self, contract: &Contract) -> Option<SchemaRef> {
        let model = self.model();
        if model.component {
            contract.component(&model.schema_name)
        } else {
            contract.schema_file(&model.schema_name)
        }
    }

    /// Parses `bytes` with the crate's model of this kind; on success, what the body held
    /// that the crate does not know.
    pub fn parse(self, bytes: &[u8]) -> Result<Vec<Unknown>, ParseError> {
        (self.model().parse)(bytes)
    }

    /// What a response body looks like it is, from its JSON value, when nothing else says:
    /// a page (it has `resources`, or `skip` and `total`), a job (`id`, `overall_status` or
    /// `cloud`), an error (`codeDesc`, or `code` without `id`), a token answer (`jwt`), or a
    /// start request whose scope field names one family. `None` when the value fits none.
    ///
    /// The family of a page or job is that of the jobs' `cloud` when every job has one known
    /// family; otherwise any family.
    ///
    /// ```
    /// use cckm_sync::CloudFamily;
    /// use cckm_sync_contract::BodyKind;
    /// use serde_json::json;
    ///
    /// let page = json!({"skip": 0, "limit": 10, "total": 1, "resources": [{"cloud": "gcp"}]});
    /// assert_eq!(BodyKind::infer(&page), Some(BodyKind::Page(Some(CloudFamily::Google))));
    /// assert_eq!(BodyKind::infer(&json!({"code": 16, "codeDesc": "NCERRResourceNotFound"})), Some(BodyKind::Error));
    /// assert_eq!(BodyKind::infer(&json!({"kms": ["kms-1"]})), Some(BodyKind::StartRequest(CloudFamily::Aws)));
    /// assert_eq!(BodyKind::infer(&json!({"domains": ["d"]})), None); // DSM or external CM?
    /// ```
    pub fn infer(value: &Value) -> Option<Self> {
        let object = value.as_object()?;
        let has = |key: &str| object.contains_key(key);
        if has("resources") || (has("skip") && has("total")) {
            return Some(Self::Page(page_family(value)));
        }
        if has("id") || has("overall_status") || has("cloud") {
            return Some(Self::Job(job_family(value)));
        }
        if has("codeDesc") || has("code") {
            return Some(Self::Error);
        }
        if has("jwt") {
            return Some(Self::TokenResponse);
        }
        if has("grant_type") {
            return Some(Self::TokenRequest);
        }
        let families: Vec<CloudFamily> = CloudFamily::ALL
            .into_iter()
            .filter(|family| has(family.spec().start_scope_field))
            .collect();
        match families.as_slice() {
            [family] => Some(Self::StartRequest(*family)),
            _ => None,
        }
    }

    /// The kind of body whose unknown items are counted as `subject`: the jobs of a page
    /// count as jobs.
    pub(crate) fn subject(self, pointer: &str) -> (Subject, String) {
        match self {
            Self::Page(_) => match pointer.strip_prefix("/resources/") {
                Some(rest) => {
                    let inner = rest.find('/').map_or("", |at| rest.get(at..).unwrap_or(""));
                    (Subject::Job, inner.to_owned())
                }
                None => (Subject::Page, pointer.to_owned()),
            },
            Self::Job(_) => (Subject::Job, pointer.to_owned()),
            Self::StartRequest(_) => (Subject::StartRequest, pointer.to_owned()),
            Self::Error => (Subject::Error, pointer.to_owned()),
            Self::TokenRequest => (Subject::TokenRequest, pointer.to_owned()),
            Self::TokenResponse => (Subject::TokenResponse, pointer.to_owned()),
        }
    }
}

/// What an unknown item belongs to, to count drift by: a job counts once whether it came
/// alone or in a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    /// A job, alone or in a page.
    Job,
    /// A page, besides its jobs.
    Page,
    /// A start request.
    StartRequest,
    /// A list call's query string.
    ListQuery,
    /// An error body.
    Error,
    /// A token request.
    TokenRequest,
    /// A token answer.
    TokenResponse,
}

impl Subject {
    /// The subject in words, singular or plural.
    pub fn noun(self, count: usize) -> &'static str {
        let one = count == 1;
        match self {
            Self::Job if one => "job",
            Self::Job => "jobs",
            Self::Page if one => "page",
            Self::Page => "pages",
            Self::StartRequest if one => "start request",
            Self::StartRequest => "start requests",
            Self::ListQuery if one => "list query",
            Self::ListQuery => "list queries",
            Self::Error if one => "error body",
            Self::Error => "error bodies",
            Self::TokenRequest if one => "token request",
            Self::TokenRequest => "token requests",
            Self::TokenResponse if one => "token answer",
            Self::TokenResponse => "token answers",
        }
    }
}

fn job_family(job: &Value) -> Option<CloudFamily> {
    let cloud = job.get("cloud")?.as_str()?;
    cckm_sync::Cloud::from(cloud).family()
}

/// The one family of every job of a page, if they share a known family; the same rule as
/// [`Page::family`](cckm_sync::Page::family), read from the JSON value because a page the
/// parser refuses must still be judged as its family's.
fn page_family(page: &Value) -> Option<CloudFamily> {
    let jobs = page.get("resources")?.as_array()?;
    let first = job_family(jobs.first()?)?;
    jobs.iter().all(|job| job_family(job) == Some(first)).then_some(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_every_family_has_its_schema_in_the_contract() {
        let contract = Contract::embedded().unwrap();
        let mut kinds = vec![
            BodyKind::Page(None),
            BodyKind::Job(None),
            BodyKind::Error,
            BodyKind::TokenRequest,
            BodyKind::TokenResponse,
        ];
        for family in CloudFamily::ALL {
            kinds.extend([
                BodyKind::Page(Some(family)),
                BodyKind::Job(Some(family)),
                BodyKind::StartRequest(family),
            ]);
        }
        for kind in kinds {
            assert!(kind.schema(contract).is_some(), "no schema for a {kind}");
        }
    }

    #[test]
    fn the_jobs_of_a_page_count_as_jobs() {
        let page = BodyKind::Page(None);
        assert_eq!(
            page.subject("/resources/12/priority"),
            (Subject::Job, "/priority".to_owned())
        );
        assert_eq!(page.subject("/next_cursor"), (Subject::Page, "/next_cursor".to_owned()));
        assert_eq!(
            BodyKind::Job(None).subject("/overall_status"),
            (Subject::Job, "/overall_status".to_owned())
        );
    }

    #[test]
    fn a_page_of_mixed_or_unknown_clouds_is_of_any_family() {
        let mixed = serde_json::json!({"resources": [{"cloud": "aws"}, {"cloud": "gcp"}]});
        assert_eq!(BodyKind::infer(&mixed), Some(BodyKind::Page(None)));
        let luna = serde_json::json!({"resources": [{"cloud": "hsm-luna"}]});
        assert_eq!(BodyKind::infer(&luna), Some(BodyKind::Page(None)));
        let azure = serde_json::json!({"id": "x", "cloud": "AzureChinaCloud"});
        assert_eq!(BodyKind::infer(&azure), Some(BodyKind::Job(Some(CloudFamily::Azure))));
        assert_eq!(BodyKind::infer(&serde_json::json!([1])), None);
        assert_eq!(BodyKind::infer(&serde_json::json!({})), None);
    }
}
