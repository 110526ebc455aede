//! The errors the server answers with: the status, `code` and `codeDesc` of each, and how
//! sure the catalog is of them.

use super::Evidence;

/// An error the server answers with: its HTTP status, and the `code` and `codeDesc` of its
/// [`ApiError`](crate::ApiError) body.
///
/// ```
/// use cckm_sync::endpoints::{self, Evidence};
///
/// assert_eq!(endpoints::NOT_FOUND.status, 404);
/// assert_eq!(endpoints::NOT_FOUND.code_desc, "NCERRResourceNotFound: Resource not found");
/// assert_eq!(endpoints::CONFLICT.status, 409);
/// assert_eq!(endpoints::CONFLICT.evidence, Evidence::Inferred);
/// ```
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ErrorSpec {
    /// A name for the error, such as `NotFound`: for the contract's response components.
    pub name: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// The body's `code`, when a source shows it; `None` where no source does (a made-up
    /// number would mislead a client that branched on it).
    pub code: Option<i64>,
    /// The body's `codeDesc`: an `NCERR…` name, optionally with `: ` and a text.
    pub code_desc: &'static str,
    /// How sure the catalog is of the status and body.
    pub evidence: Evidence,
}

/// A malformed body (not JSON, or not the call's shape). Public test doubles, said to be
/// checked against a live server, answer 400 with code 15.
pub static BAD_REQUEST: ErrorSpec = ErrorSpec {
    name: "BadRequest",
    status: 400,
    code: Some(15),
    code_desc: "NCERRBadRequest",
    evidence: Evidence::Code,
};

/// A query or path parameter with an invalid value: 400 with code 9, as public test doubles do.
pub static INVALID_PARAMETER: ErrorSpec = ErrorSpec {
    name: "InvalidParamValue",
    status: 400,
    code: Some(9),
    code_desc: "NCERRInvalidParamValue",
    evidence: Evidence::Code,
};

/// A job call without a valid, unexpired bearer token (missing, tampered, expired, revoked).
pub static UNAUTHORIZED: ErrorSpec = ErrorSpec {
    name: "Unauthorized",
    status: 401,
    code: Some(1),
    code_desc: "NCERRUnauthorized",
    evidence: Evidence::Code,
};

/// A token request with a wrong user name, password or refresh token.
pub static WRONG_CREDENTIALS: ErrorSpec = ErrorSpec {
    name: "WrongCredentials",
    status: 401,
    code: Some(5),
    code_desc: "NCERRUnauthorizedAccess",
    evidence: Evidence::Code,
};

/// No job has the id (or no route has the path).
pub static NOT_FOUND: ErrorSpec = ErrorSpec {
    name: "NotFound",
    status: 404,
    code: Some(16),
    code_desc: "NCERRResourceNotFound: Resource not found",
    evidence: Evidence::Code,
};

/// A method the path does not serve; the answer carries `Allow`. Inferred: HTTP's meaning of
/// 405, which no source shows for this server.
pub static METHOD_NOT_ALLOWED: ErrorSpec = ErrorSpec {
    name: "MethodNotAllowed",
    status: 405,
    code: None,
    code_desc: "NCERRMethodNotAllowed",
    evidence: Evidence::Inferred,
};

/// A call the job's state forbids: a start while a job of the same endpoint runs, or a cancel
/// of a job that has ended. The vendor's Ansible documentation confirms that such a start is
/// refused, and its documentation that only running jobs can be cancelled; the status is
/// inferred (`NCERRConflict` is the name public client code matches).
pub static CONFLICT: ErrorSpec = ErrorSpec {
    name: "Conflict",
    status: 409,
    code: None,
    code_desc: "NCERRConflict",
    evidence: Evidence::Inferred,
};

/// The server failed. The vendor's documentation lists 5xx answers for every call and shows no
/// body for them: that the body, when there is one, is the error body of 4xx answers is inferred.
pub static SERVER_ERROR: ErrorSpec = ErrorSpec {
    name: "ServerError",
    status: 500,
    code: None,
    code_desc: "NCERRInternalServerError",
    evidence: Evidence::Inferred,
};

/// A request whose body did not arrive in time. Inferred: HTTP's meaning of 408, a limit every
/// server has; no source shows this server's.
pub static REQUEST_TIMEOUT: ErrorSpec = ErrorSpec {
    name: "RequestTimeout",
    status: 408,
    code: None,
    code_desc: "NCERRRequestTimeout",
    evidence: Evidence::Inferred,
};

/// A request body larger than the server takes. Inferred, as [`REQUEST_TIMEOUT`].
pub static PAYLOAD_TOO_LARGE: ErrorSpec = ErrorSpec {
    name: "PayloadTooLarge",
    status: 413,
    code: None,
    code_desc: "NCERRPayloadTooLarge",
    evidence: Evidence::Inferred,
};

/// Too many requests. No source shows the server limiting its callers; mock servers answer
/// it when a test asks them to, so that clients can be tested against it.
pub static TOO_MANY_REQUESTS: ErrorSpec = ErrorSpec {
    name: "TooManyRequests",
    status: 429,
    code: None,
    code_desc: "NCERRTooManyRequests",
    evidence: Evidence::Inferred,
};
