//! HTTP calls: which call of the catalog a method and path are, and the checks of a call's
//! request and response.

use std::fmt;

use cckm_sync::endpoints::{API_PREFIX, Call, ENDPOINTS, Endpoint, Operation, TOKEN_PATH};
use cckm_sync::{CloudFamily, FamilyScope, FamilyVisitor, ListSyncJobs, QueryError};

use crate::body::BodyKind;
use crate::case::{CallRef, Case, Drift, Location, Part, Source};
use crate::schemas::Contract;

/// A call of the catalog, located: the token call, or an operation of a job endpoint with the
/// job id of its path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CatalogCall<'a> {
    /// `POST /api/v1/auth/tokens` (with or without the trailing slash).
    Token,
    /// An operation of a job endpoint.
    Job {
        /// The endpoint.
        endpoint: &'static Endpoint,
        /// The operation.
        operation: Operation,
        /// The job id of a get or cancel, as it is in the path.
        id: Option<&'a str>,
    },
}

impl CatalogCall<'_> {
    /// Which call of the API this is.
    pub fn call(&self) -> Call {
        match self {
            Self::Token => Call::Token,
            Self::Job { operation, .. } => Call::of(*operation),
        }
    }

    /// The endpoint of a job call; `None` for the token call.
    pub fn endpoint(&self) -> Option<&'static Endpoint> {
        match self {
            Self::Token => None,
            Self::Job { endpoint, .. } => Some(endpoint),
        }
    }

    /// The call as a report names it.
    pub fn to_ref(&self, status: Option<u16>) -> CallRef {
        CallRef {
            endpoint: self.endpoint().map(|endpoint| endpoint.name.to_owned()),
            operation: Some(self.call().as_str().to_owned()),
            status,
        }
    }
}

/// Why a call is not one of the catalog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotInCatalog {
    /// The path is none of the catalog's.
    Path,
    /// The path is the catalog's, the method is not.
    Method {
        /// The methods the path serves.
        allowed: &'static str,
    },
}

impl fmt::Display for NotInCatalog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Path => f.write_str("not a path of the catalog"),
            Self::Method { allowed } => write!(f, "a path of the catalog, but it serves {allowed} only"),
        }
    }
}

impl std::error::Error for NotInCatalog {}

/// The call of the catalog that `method` on `path` (without the query string) is.
///
/// ```
/// use cckm_sync::endpoints::Operation;
/// use cckm_sync_contract::{CatalogCall, route};
///
/// let Ok(CatalogCall::Job { endpoint, operation, id }) =
///     route("POST", "/api/v1/cckm/aws/synchronization-jobs/0ea5d52e-387c-44fa-b079-21c8b768f77b/cancel")
/// else {
///     panic!("not a call of the catalog");
/// };
/// assert_eq!((endpoint.name, operation, id), ("aws-keys", Operation::Cancel, Some("0ea5d52e-387c-44fa-b079-21c8b768f77b")));
/// assert_eq!(route("POST", "/api/v1/auth/tokens/"), Ok(CatalogCall::Token));
/// assert!(route("GET", "/api/v1/vault/keys2").is_err());
/// ```
pub fn route<'a>(method: &str, path: &'a str) -> Result<CatalogCall<'a>, NotInCatalog> {
    let Some(rest) = path.strip_prefix(API_PREFIX) else {
        return Err(NotInCatalog::Path);
    };
    if rest == TOKEN_PATH || rest.strip_prefix(TOKEN_PATH) == Some("/") {
        return if method.eq_ignore_ascii_case("POST") {
            Ok(CatalogCall::Token)
        } else {
            Err(NotInCatalog::Method {
                allowed: Call::Token.method().as_str(),
            })
        };
    }
    // The longest base path that the path starts with: no base path is a prefix of another
    // one's, but a job id must not be taken for a path segment.
    let endpoint = ENDPOINTS
        .iter()
        .filter(|endpoint| {
            rest == endpoint.path
                || rest
                    .strip_prefix(endpoint.path)
                    .is_some_and(|tail| tail.starts_with('/'))
        })
        .max_by_key(|endpoint| endpoint.path.len())
        .ok_or(NotInCatalog::Path)?;
    let tail = rest.get(endpoint.path.len()..).unwrap_or_default();
    let (operations, id): (&[Operation], Option<&str>) = match tail.strip_prefix('/') {
        None => (&[Operation::List, Operation::Start], None),
        Some(id) if !id.is_empty() && !id.contains('/') => (&[Operation::Get], Some(id)),
        Some(rest) => match rest.strip_suffix("/cancel") {
            Some(id) if !id.is_empty() && !id.contains('/') => (&[Operation::Cancel], Some(id)),
            _ => return Err(NotInCatalog::Path),
        },
    };
    let operation = operations
        .iter()
        .find(|operation| operation.method().as_str().eq_ignore_ascii_case(method))
        .copied();
    match operation {
        Some(operation) => Ok(CatalogCall::Job {
            endpoint,
            operation,
            id,
        }),
        None => Err(NotInCatalog::Method {
            allowed: if operations.len() == 2 {
                "GET and POST"
            } else {
                operations.first().map_or("", |operation| operation.method().as_str())
            },
        }),
    }
}

/// An HTTP call to check: what a HAR entry or the proxy saw.
#[derive(Clone, Debug, Default)]
pub struct Exchange<'a> {
    /// The request's method.
    pub method: &'a str,
    /// The request's path, without the query string.
    pub path: &'a str,
    /// The query string, without `?`.
    pub query: Option<&'a str>,
    /// The request's body; `None` when it had none.
    pub request_body: Option<&'a [u8]>,
    /// The response; `None` when there was none (the connection failed).
    pub response: Option<ExchangeResponse<'a>>,
}

/// The response of an [`Exchange`].
#[derive(Clone, Debug, Default)]
pub struct ExchangeResponse<'a> {
    /// The status.
    pub status: u16,
    /// The `Content-Type` header, if any.
    pub content_type: Option<&'a str>,
    /// The body; `None` when it was not recorded (an empty body is `Some(b"")`).
    pub body: Option<&'a [u8]>,
}

/// Checks an HTTP call of the catalog: its request (query string, path parameter, body) and
/// its response (status, content type, body) are a case each. `Err` when the call is not one
/// of the catalog.
pub fn check_exchange(
    contract: &Contract,
    source: &Source,
    exchange: &Exchange<'_>,
) -> Result<[Case; 2], NotInCatalog> {
    let call = route(exchange.method, exchange.path)?;
    let status = exchange.response.as_ref().map(|answer| answer.status);
    let mut request = Case::new(source.clone(), Part::Request, Some(call.to_ref(None)));
    let mut response = Case::new(source.clone(), Part::Response, Some(call.to_ref(status)));
    check_request(contract, &call, exchange, &mut request);
    check_response(contract, &call, exchange.response.as_ref(), &mut response);
    Ok([request, response])
}

fn check_request(contract: &Contract, call: &CatalogCall<'_>, exchange: &Exchange<'_>, case: &mut Case) {
    let body = exchange.request_body.unwrap_or_default();
    match *call {
        CatalogCall::Token => case.judge(contract, BodyKind::TokenRequest, body),
        CatalogCall::Job {
            endpoint,
            operation,
            id,
            ..
        } => match operation {
            Operation::List => check_query(endpoint.family, exchange.query.unwrap_or_default(), case),
            Operation::Start => case.judge(contract, BodyKind::StartRequest(endpoint.family), body),
            Operation::Get | Operation::Cancel => {
                case.kind = Some(format!("{} request", operation.as_str()));
                if let Some(id) = id {
                    check_job_id(id, case);
                }
            }
        },
    }
}

/// A job id as the server writes it and reads it: a hyphenated UUID.
fn check_job_id(id: &str, case: &mut Case) {
    let hyphenated = id.len() == 36 && [8, 13, 18, 23].iter().all(|&at| id.as_bytes().get(at) == Some(&b'-'));
    if !hyphenated || uuid::Uuid::try_parse(id).is_err() {
        case.fail(
            Location::Path {
                parameter: "id".to_owned(),
            },
            format!("must be a job id, a hyphenated UUID such as \"0ea5d52e-387c-44fa-b079-21c8b768f77b\", got {id:?}"),
        );
    }
}

/// A list query: parameters the family's list call does not take are drift; the others
/// must parse as the family's [`ListSyncJobs`] does.
fn check_query(family: CloudFamily, query: &str, case: &mut Case) {
    case.kind = Some(format!("{family} list query"));
    let spec = family.spec();
    let mut known = Vec::new();
    for piece in query.split('&').filter(|piece| !piece.is_empty()) {
        let name = form_urlencoded::parse(piece.as_bytes())
            .next()
            .map(|(name, _)| name.into_owned())
            .unwrap_or_default();
        if spec.list_parameters().any(|parameter| parameter.name() == name) {
            known.push(piece);
        } else {
            case.add_drift(Drift::of_parameter(&name));
        }
    }
    let known = known.join("&");
    if let Err(error) = family.visit(ParseQuery(&known)) {
        let message = error.to_string();
        // Every message of the query parser starts with the parameter's name.
        let (parameter, reason) = match message.split_once(": ") {
            Some((parameter, reason)) if spec.list_parameters().any(|known| known.name() == parameter) => {
                (parameter.to_owned(), reason.to_owned())
            }
            _ => ("(query)".to_owned(), message.clone()),
        };
        case.fail(Location::Query { parameter }, reason);
    }
}

/// Parses a list query as the family's [`ListSyncJobs`] does.
struct ParseQuery<'a>(&'a str);

impl FamilyVisitor for ParseQuery<'_> {
    type Output = Result<(), QueryError>;

    fn visit<S: FamilyScope>(self) -> Self::Output {
        ListSyncJobs::<S>::from_query_str(self.0).map(drop)
    }
}

fn check_response(contract: &Contract, call: &CatalogCall<'_>, answer: Option<&ExchangeResponse<'_>>, case: &mut Case) {
    let Some(answer) = answer.filter(|answer| answer.status != 0) else {
        case.skipped = Some("no response: the connection failed or was cancelled".to_owned());
        return;
    };
    let status = answer.status;
    let success = match call {
        CatalogCall::Token => BodyKind::TokenResponse,
        CatalogCall::Job {
            endpoint, operation, ..
        } => match operation {
            Operation::List => BodyKind::Page(Some(endpoint.family)),
            Operation::Start | Operation::Get | Operation::Cancel => BodyKind::Job(Some(endpoint.family)),
        },
    };
    let kind = match status {
        200..=299 => {
            // The statuses the contract gives a success: 201 for a start, as the mock does
            // and the vendor's "2xx" allows, and 200 for every call.
            let start = matches!(
                call,
                CatalogCall::Job {
                    operation: Operation::Start,
                    ..
                }
            );
            if !(status == 200 || (start && status == 201)) {
                let expected = if start { "200 or 201" } else { "200" };
                case.fail(
                    Location::Status,
                    format!("{status} is not a success of this call: the contract gives {expected}"),
                );
            }
            success
        }
        400..=599 => BodyKind::Error,
        _ => {
            case.skipped = Some(format!(
                "status {status}: neither a success nor an error, no body to check"
            ));
            return;
        }
    };
    let Some(body) = answer.body else {
        case.kind = Some(kind.to_string());
        case.skipped = Some("the response body was not recorded".to_owned());
        return;
    };
    if body.is_empty() && kind == BodyKind::Error {
        // The vendor's documentation lists 5xx answers without a body.
        case.kind = Some(kind.to_string());
        case.notes.push("an error answer without a body".to_owned());
        return;
    }
    if let Some(content_type) = answer.content_type.filter(|value| !value.trim().is_empty())
        && !is_json(content_type)
    {
        case.fail(
            Location::Header {
                name: "content-type".to_owned(),
            },
            format!("{content_type:?}: a body of the contract is JSON (application/json)"),
        );
    }
    case.judge(contract, kind, body);
}

/// Whether a `Content-Type` says JSON: `application/json`, or a `+json` type.
fn is_json(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_of_every_endpoint_routes_to_itself() {
        let id = "0ea5d52e-387c-44fa-b079-21c8b768f77b";
        for endpoint in &ENDPOINTS {
            for operation in Operation::ALL {
                let path = format!("{API_PREFIX}{}", endpoint.path_template(operation)).replace("{id}", id);
                let call = route(operation.method().as_str(), &path).unwrap();
                let expected_id = matches!(operation, Operation::Get | Operation::Cancel).then_some(id);
                assert_eq!(
                    call,
                    CatalogCall::Job {
                        endpoint,
                        operation,
                        id: expected_id
                    },
                    "{path}"
                );
            }
        }
    }

    #[test]
    fn other_paths_and_methods_are_not_in_the_catalog() {
        assert_eq!(route("GET", "/api/v1/cckm/aws/keys"), Err(NotInCatalog::Path));
        assert_eq!(route("GET", "/cckm/aws/synchronization-jobs"), Err(NotInCatalog::Path));
        assert_eq!(
            route("DELETE", "/api/v1/cckm/aws/synchronization-jobs/x"),
            Err(NotInCatalog::Method { allowed: "GET" })
        );
        assert_eq!(
            route("GET", "/api/v1/cckm/aws/synchronization-jobs/x/cancel"),
            Err(NotInCatalog::Method { allowed: "POST" })
        );
        assert_eq!(
            route("GET", "/api/v1/cckm/aws/synchronization-jobs/x/y/cancel"),
            Err(NotInCatalog::Path)
        );
        assert_eq!(
            route("GET", "/api/v1/auth/tokens"),
            Err(NotInCatalog::Method { allowed: "POST" })
        );
    }

    #[test]
    fn json_content_types() {
        assert!(is_json("application/json"));
        assert!(is_json("Application/JSON; charset=utf-8"));
        assert!(is_json("application/problem+json"));
        assert!(!is_json("text/html"));
        assert!(!is_json("application/jsonx"));
    }
}
