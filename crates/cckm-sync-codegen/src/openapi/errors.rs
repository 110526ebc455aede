//! The error responses of the document: the catalog's errors, the status the document gives
//! each, what it means, how sure the catalog is, and which calls answer it.

use cckm_sync::endpoints::{self, Call, ErrorSpec, Evidence};
use utoipa::openapi::path::OperationBuilder;
use utoipa::openapi::schema::Ref;

/// Reusable error responses: the catalog's error, the status the document gives it (a range
/// for server errors), what it means, its examples, and the operations that answer it.
pub(super) struct ErrorResponse {
    pub(super) spec: &'static ErrorSpec,
    pub(super) status: &'static str,
    pub(super) description: &'static str,
    /// Each example's key, fixture, and summary (which says where the body comes from).
    pub(super) examples: &'static [(&'static str, &'static str, &'static str)],
    pub(super) answers: fn(Call) -> bool,
}

pub(super) const ERROR_RESPONSES: [ErrorResponse; 5] = [
    ErrorResponse {
        spec: &endpoints::BAD_REQUEST,
        status: "400",
        description: "The request is invalid: a query parameter, the body or the job id is malformed. \
            The message names the parameter, or the JSON path in the body, and the reason.",
        examples: &[
            (
                "malformed-body",
                "errors/mock-bad-request.json",
                "What the mock answers to a start body with both `kms` and `synchronize_all`: no source shows \
                 this body",
            ),
            (
                "invalid-parameter",
                "errors/mock-invalid-parameter.json",
                "What the mock answers to `limit=0`: `code` 9 as public client code shows it; no source \
                 shows the message",
            ),
        ],
        answers: |_| true,
    },
    ErrorResponse {
        spec: &endpoints::UNAUTHORIZED,
        status: "401",
        description: "The bearer token is missing, invalid, expired or revoked; for the token call, the user \
            name, password or refresh token is wrong.",
        examples: &[
            (
                "wrong-credentials",
                "errors/unauthorized.json",
                "Wrong credentials in the token call: an error body from public client code",
            ),
            (
                "no-token",
                "errors/mock-unauthorized.json",
                "What the mock answers to a job call without a token: no source shows this body",
            ),
        ],
        answers: |_| true,
    },
    ErrorResponse {
        spec: &endpoints::NOT_FOUND,
        status: "404",
        description: "No job, or no resource named in the body, has this id.",
        examples: &[(
            "not-found",
            "errors/resource-not-found.json",
            "An error body from public client code",
        )],
        answers: |call| matches!(call, Call::Start | Call::Get | Call::Cancel),
    },
    ErrorResponse {
        spec: &endpoints::CONFLICT,
        status: "409",
        description: "The job's state forbids the call: a start while a job of the same endpoint is in \
            progress (the vendor's Ansible documentation says such a start is refused), or a cancel of a \
            job that has ended (only running jobs can be cancelled, says the vendor's documentation).",
        examples: &[(
            "conflict",
            "errors/mock-conflict.json",
            "What the mock answers to a start while a job of the endpoint runs: no source shows this body",
        )],
        answers: |call| matches!(call, Call::Start | Call::Cancel),
    },
    ErrorResponse {
        spec: &endpoints::SERVER_ERROR,
        status: "5XX",
        description: "The server failed to handle the request. The vendor's documentation lists `5xx` \
            answers for every call but shows no body for them: when the server writes one, it is expected \
            to be the error body of its 4xx answers, shown here as the mock writes it; a proxy in front of \
            the server may answer with no body, or with one that is not JSON, which a client must accept.",
        examples: &[(
            "server-error",
            "errors/mock-server-error.json",
            "What the mock answers when a test injects a 500 fault: no source shows a server's body",
        )],
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
