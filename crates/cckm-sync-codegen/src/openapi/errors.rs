//! The error responses of the document: the catalog's errors, the status the document gives
//! each, what it means, how sure the catalog is, and which calls answer it.

use cckm_sync::endpoints::{self, Call, ErrorSpec, Evidence};
use utoipa::openapi::path::OperationBuilder;
use utoipa::openapi::schema::Ref;

/// Reusable error responses: the catalog's error, the status the document gives it (a range
/// for server errors), what it means, an example fixture, and the operations that answer it.
pub(super) struct ErrorResponse {
    pub(super) spec: &'static ErrorSpec,
    pub(super) status: &'static str,
    pub(super) description: &'static str,
    pub(super) example: Option<&'static str>,
    pub(super) answers: fn(Call) -> bool,
}

pub(super) const ERROR_RESPONSES: [ErrorResponse; 5] = [
    ErrorResponse {
        spec: &endpoints::BAD_REQUEST,
        status: "400",
        description: "The request is invalid: a query parameter, the body or the job id is malformed. \
            The message names the parameter, or the JSON path in the body, and the reason.",
        example: None,
        answers: |_| true,
    },
    ErrorResponse {
        spec: &endpoints::UNAUTHORIZED,
        status: "401",
        description: "The bearer token is missing, invalid, expired or revoked; for the token call, the user \
            name, password or refresh token is wrong.",
        example: Some("errors/unauthorized.json"),
        answers: |_| true,
    },
    ErrorResponse {
        spec: &endpoints::NOT_FOUND,
        status: "404",
        description: "No job, or no resource named in the body, has this id.",
        example: Some("errors/resource-not-found.json"),
        answers: |call| matches!(call, Call::Start | Call::Get | Call::Cancel),
    },
    ErrorResponse {
        spec: &endpoints::CONFLICT,
        status: "409",
        description: "The job's state forbids the call: a start while a job of the same endpoint is in \
            progress (the vendor's Ansible documentation says such a start is refused), or a cancel of a \
            job that has ended (only running jobs can be cancelled, says the vendor's documentation).",
        example: None,
        answers: |call| matches!(call, Call::Start | Call::Cancel),
    },
    ErrorResponse {
        spec: &endpoints::SERVER_ERROR,
        status: "5XX",
        description: "The server failed to handle the request.",
        example: None,
        answers: |_| true,
    },
];

/// Adds the error responses `call` answers.
pub(super) fn error_responses(mut builder: OperationBuilder, call: Call) -> OperationBuilder {
    for response in ERROR_RESPONSES.iter().filter(|response| (response.answers)(call)) {
        builder = builder.response(response.status, Ref::from_response_name(response.spec.name));
    }
    builder
}

/// A response's description, with the `code` and `codeDesc` of its body and how sure that is.
pub(super) fn error_description(response: &ErrorResponse) -> String {
    let spec = response.spec;
    let code = spec.code.map_or_else(
        || "no `code` (no source shows one)".to_owned(),
        |code| format!("`code` {code}"),
    );
    let codes_of_status = match spec.status {
        400 => format!(
            " (`{}`, code {}, for a malformed query or path parameter)",
            endpoints::INVALID_PARAMETER.code_desc,
            endpoints::INVALID_PARAMETER.code.unwrap_or_default()
        ),
        401 => format!(
            " (`{}`, code {}, for wrong credentials in the token call)",
            endpoints::WRONG_CREDENTIALS.code_desc,
            endpoints::WRONG_CREDENTIALS.code.unwrap_or_default()
        ),
        _ => String::new(),
    };
    let evidence = match spec.evidence {
        Evidence::Confirmed => "confirmed by the vendor's documentation",
        Evidence::Code => "known from public client code",
        Evidence::Inferred => "inferred, no source shows them",
    };
    format!(
        "{} Body: `codeDesc` `{}`, {code}{codes_of_status}. Status and body: {evidence}.",
        response.description, spec.code_desc,
    )
}

/// `x-cckm-evidence`: how sure the contract is of a response, machine-readable.
pub(super) fn evidence_extension(evidence: Evidence) -> utoipa::openapi::extensions::Extensions {
    utoipa::openapi::extensions::ExtensionsBuilder::new()
        .add("x-cckm-evidence", evidence.as_str())
        .build()
}
