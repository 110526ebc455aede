//! The one error type of the client, and what it says about the call that failed.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use cckm_sync::endpoints::Call;
use cckm_sync::{ApiError, ParseError, SyncJob};
use uuid::Uuid;

/// What a call was for: the token call (a login or a refresh) or one of the four job
/// operations. Errors name it, so that a message says what could not be done.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Action {
    /// The token call with the password grant.
    Login,
    /// The token call with the refresh grant.
    Refresh,
    /// A list of jobs.
    List,
    /// A read of one job.
    Get,
    /// A start of a job.
    Start,
    /// A cancel of a job.
    Cancel,
}

impl Action {
    /// A short verb phrase, such as `log in` or `list jobs`, for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Login => "log in",
            Self::Refresh => "refresh the token",
            Self::List => "list jobs",
            Self::Get => "read the job",
            Self::Start => "start a job",
            Self::Cancel => "cancel the job",
        }
    }

    /// The call of the API this action makes: the token call for a login or a refresh.
    pub fn call(self) -> Call {
        match self {
            Self::Login | Self::Refresh => Call::Token,
            Self::List => Call::List,
            Self::Get => Call::Get,
            Self::Start => Call::Start,
            Self::Cancel => Call::Cancel,
        }
    }

    /// Whether the call may be sent again when its answer was lost: a read, or a token call
    /// (a second login changes nothing), as [`Call::is_idempotent`] says. Starts and cancels
    /// are not: a start that reached the server would start a second job.
    pub fn is_idempotent(self) -> bool {
        self.call().is_idempotent()
    }

    /// Whether the call carries the bearer token (every call but the token call's).
    pub(crate) fn needs_token(self) -> bool {
        self.call() != Call::Token
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The request an error belongs to: what it was for, its method and its URL (with the query
/// string; never a credential, which travel in headers and bodies only).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub(crate) action: Action,
    pub(crate) method: &'static str,
    pub(crate) url: String,
    /// How many times it was sent, retries included.
    pub(crate) attempts: u32,
}

impl Request {
    /// What the call was for.
    pub fn action(&self) -> Action {
        self.action
    }

    /// The HTTP method, such as `GET`.
    pub fn method(&self) -> &str {
        self.method
    }

    /// The URL, such as `https://cm.example/api/v1/cckm/aws/synchronization-jobs?skip=0&limit=100`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// How many times the request was sent: 1, or more when it was retried (see
    /// [`RetryPolicy`](crate::RetryPolicy)). The message of an error says so when it was.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

impl fmt::Display for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.url)
    }
}

/// An answer with a status other than 2xx.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct StatusError {
    /// The request.
    pub request: Request,
    /// The HTTP status, such as 404.
    pub status: u16,
    /// The vendor's error body (`code`, `codeDesc`, `message`, `requestID`), when the answer
    /// carried one.
    pub api_error: Option<ApiError>,
    /// The start of the body (at most 200 characters, on one line) when it was not an error
    /// body: the page of a proxy in front of the server, for example.
    pub body_excerpt: Option<String>,
    /// The wait the server asked for with `Retry-After`.
    pub retry_after: Option<Duration>,
}

impl StatusError {
    /// The `NCERR…` name of the error body, such as `NCERRResourceNotFound`.
    pub fn ncerr_name(&self) -> Option<&str> {
        self.api_error.as_ref().and_then(ApiError::ncerr_name)
    }
}

/// A successful answer whose body is not what the call returns.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct BodyError {
    /// The request.
    pub request: Request,
    /// The HTTP status of the answer.
    pub status: u16,
    /// Where the body went wrong, as a JSON Pointer, and why.
    pub source: ParseError,
}

/// A job that did not end within the wait's maximum.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct WaitTimeout {
    /// The [`name`](cckm_sync::endpoints::Endpoint::name) of the job's endpoint.
    pub endpoint: &'static str,
    /// The job's id.
    pub id: Uuid,
    /// How long the wait lasted.
    pub waited: Duration,
    /// The job as last read, still running; `None` if no read ended before the wait did (a
    /// server that stalls). Of the endpoint's family: see [`SyncJob::into_family`].
    pub last: Option<SyncJob>,
}

/// Why a call of the client failed.
///
/// Every variant but [`Config`](Self::Config) and [`InvalidRequest`](Self::InvalidRequest) names
/// the [`Request`] at fault. The message is one line: what could not be done, the request, and
/// the reason, such as
/// `cannot read the job: GET https://cm.example/api/v1/cckm/aws/synchronization-jobs/0ea5…: 404 Not Found: NCERRResourceNotFound: …`.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The client could not be built: an invalid base URL, an unreadable CA certificate,
    /// options that exclude each other.
    Config(String),
    /// A request could not be made from its arguments.
    InvalidRequest {
        /// What the call was for.
        action: Action,
        /// Why.
        reason: String,
    },
    /// The request or its answer was lost on the way: the server could not be reached, or
    /// closed the connection.
    Transport {
        /// The request.
        request: Request,
        /// What the HTTP client reported.
        source: reqwest::Error,
    },
    /// The answer did not arrive in time (the request timeout, or the connect timeout).
    Timeout {
        /// The request.
        request: Request,
        /// What the HTTP client reported.
        source: reqwest::Error,
    },
    /// The TLS handshake failed, usually because the server's certificate is not trusted.
    Tls {
        /// The request.
        request: Request,
        /// What the HTTP client reported; the TLS error is in its sources.
        source: reqwest::Error,
    },
    /// The server answered with a status other than 2xx.
    Status(Box<StatusError>),
    /// The server answered 2xx with a body that is not what the call returns.
    Body(Box<BodyError>),
    /// The answer's body is larger than the client takes
    /// ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)).
    TooLarge {
        /// The request.
        request: Request,
        /// The most bytes taken.
        limit: usize,
    },
    /// A wait ended before the job did.
    WaitTimeout(Box<WaitTimeout>),
}

impl Error {
    /// The request at fault, if the error comes from one.
    pub fn request(&self) -> Option<&Request> {
        match self {
            Self::Transport { request, .. }
            | Self::Timeout { request, .. }
            | Self::Tls { request, .. }
            | Self::TooLarge { request, .. } => Some(request),
            Self::Status(error) => Some(&error.request),
            Self::Body(error) => Some(&error.request),
            Self::Config(_) | Self::InvalidRequest { .. } | Self::WaitTimeout(_) => None,
        }
    }

    /// The HTTP status of a [`Status`](Self::Status) error.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Status(error) => Some(error.status),
            _ => None,
        }
    }

    /// The vendor's error body of a [`Status`](Self::Status) error, if it had one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Self::Status(error) => error.api_error.as_ref(),
            _ => None,
        }
    }

    /// Whether the server refused the credentials or the token: a 401 or 403 answer.
    pub fn is_auth(&self) -> bool {
        matches!(self.status(), Some(401 | 403))
    }

    /// Whether a time limit ended the call: the request timeout, or the wait's maximum.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout { .. } | Self::WaitTimeout(_))
    }

    /// Whether the TLS handshake failed on the server's certificate (an unknown issuer, another
    /// name, an expired certificate), rather than on the connection: what trusting its CA, or
    /// accepting any certificate, would change.
    pub fn is_untrusted_certificate(&self) -> bool {
        match self {
            Self::Tls { source, .. } => {
                matches!(tls_error(source), Some(rustls::Error::InvalidCertificate(_)))
            }
            _ => false,
        }
    }

    /// The job as last read, for a [`WaitTimeout`](Self::WaitTimeout).
    pub fn last_job(&self) -> Option<&SyncJob> {
        match self {
            Self::WaitTimeout(timeout) => timeout.last.as_ref(),
            _ => None,
        }
    }

    pub(crate) fn status_error(error: StatusError) -> Self {
        Self::Status(Box::new(error))
    }

    /// Records how many times the request at fault was sent.
    pub(crate) fn with_attempts(mut self, attempts: u32) -> Self {
        let request = match &mut self {
            Self::Transport { request, .. }
            | Self::Timeout { request, .. }
            | Self::Tls { request, .. }
            | Self::TooLarge { request, .. } => Some(request),
            Self::Status(error) => Some(&mut error.request),
            Self::Body(error) => Some(&mut error.request),
            Self::Config(_) | Self::InvalidRequest { .. } | Self::WaitTimeout(_) => None,
        };
        if let Some(request) = request {
            request.attempts = attempts;
        }
        self
    }

    /// What the message adds after the reason: how many times the request was sent, and the
    /// wait a `Retry-After` asked for, when either says something.
    fn notes(&self) -> String {
        let mut notes = Vec::new();
        if let Some(request) = self.request()
            && request.attempts > 1
        {
            notes.push(format!("sent {} times", request.attempts));
        }
        if let Self::Status(error) = self
            && let Some(wait) = error.retry_after
        {
            notes.push(format!("the server asked to wait {}s with Retry-After", wait.as_secs()));
        }
        if notes.is_empty() {
            String::new()
        } else {
            format!(" ({})", notes.join("; "))
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.reason(f)?;
        f.write_str(&self.notes())
    }
}

impl Error {
    /// The message without its notes.
    fn reason(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Config(reason) => write!(f, "invalid client configuration: {reason}"),
            Self::InvalidRequest { action, reason } => write!(f, "cannot {action}: {reason}"),
            Self::Transport { request, source } => {
                let reason = innermost(source);
                if source.is_connect() {
                    write!(f, "cannot {}: {request}: cannot connect: {reason}", request.action)
                } else {
                    write!(f, "cannot {}: {request}: {reason}", request.action)
                }
            }
            Self::Timeout { request, .. } => write!(f, "cannot {}: {request}: timed out", request.action),
            Self::Tls { request, source } => {
                let reason = tls_reason(source).unwrap_or_else(|| innermost(source));
                write!(
                    f,
                    "cannot {}: {request}: TLS handshake failed: {reason}",
                    request.action
                )
            }
            Self::Status(error) => {
                let request = &error.request;
                write!(f, "cannot {}: {request}: {}", request.action, status_text(error.status))?;
                if let Some(api_error) = &error.api_error {
                    write!(f, ": {api_error}")?;
                } else if let Some(excerpt) = &error.body_excerpt {
                    write!(f, ": {excerpt}")?;
                }
                Ok(())
            }
            Self::Body(error) => write!(
                f,
                "cannot {}: {}: unexpected answer ({}): {}",
                error.request.action, error.request, error.status, error.source
            ),
            Self::TooLarge { request, limit } => write!(
                f,
                "cannot {}: {request}: the answer is larger than {limit} bytes",
                request.action
            ),
            Self::WaitTimeout(timeout) => match &timeout.last {
                Some(last) => write!(
                    f,
                    "job {} of {} is still {} after {:.1?}",
                    timeout.id,
                    timeout.endpoint,
                    last.overall_status.as_str(),
                    timeout.waited
                ),
                None => write!(
                    f,
                    "job {} of {}: no read of it ended within the wait of {:.1?}",
                    timeout.id, timeout.endpoint, timeout.waited
                ),
            },
        }
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Self::Transport { source, .. } | Self::Timeout { source, .. } | Self::Tls { source, .. } => Some(source),
            Self::Body(error) => Some(&error.source),
            Self::Status(error) => error.api_error.as_ref().map(|api| api as &(dyn StdError + 'static)),
            Self::Config(_) | Self::InvalidRequest { .. } | Self::TooLarge { .. } | Self::WaitTimeout(_) => None,
        }
    }
}

/// `404 Not Found`, or the bare number for a status without a name.
fn status_text(status: u16) -> String {
    match reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|code| code.canonical_reason())
    {
        Some(reason) => format!("{status} {reason}"),
        None => status.to_string(),
    }
}

/// The next error in the chain of causes. An `io::Error` that wraps another error gives that
/// error, which its own `source` skips (it returns the wrapped error's source).
fn next_cause<'a>(error: &'a (dyn StdError + 'static)) -> Option<&'a (dyn StdError + 'static)> {
    if let Some(io) = error.downcast_ref::<std::io::Error>()
        && let Some(inner) = io.get_ref()
    {
        return Some(inner);
    }
    error.source()
}

/// Every error in the chain, `error` first.
pub(crate) fn causes<'a>(
    error: &'a (dyn StdError + 'static),
) -> impl Iterator<Item = &'a (dyn StdError + 'static)> + 'a {
    std::iter::successors(Some(error), |error| next_cause(*error))
}

/// The message of the deepest cause: `Connection refused (os error 111)` rather than reqwest's
/// `error sending request for url (…)`.
fn innermost(error: &reqwest::Error) -> String {
    causes(error)
        .last()
        .map(ToString::to_string)
        .unwrap_or_else(|| error.to_string())
}

/// The rustls error among the causes, if any.
pub(crate) fn tls_error<'a>(error: &'a (dyn StdError + 'static)) -> Option<&'a rustls::Error> {
    causes(error).find_map(|cause| cause.downcast_ref::<rustls::Error>())
}

fn tls_reason(error: &reqwest::Error) -> Option<String> {
    tls_error(error).map(ToString::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_error_names_the_action_the_request_and_the_vendor_error() {
        let api_error: ApiError =
            cckm_sync::from_str(r#"{"code":16,"codeDesc":"NCERRResourceNotFound: Resource not found"}"#).unwrap();
        let error = Error::status_error(StatusError {
            request: Request {
                action: Action::Get,
                method: "GET",
                url: "https://cm.example/api/v1/cckm/dsm/refresh/5a7c6e3d-1b2f-4c8d-9e0a-7f6b5c4d3e2f".to_owned(),
                attempts: 1,
            },
            status: 404,
            api_error: Some(api_error),
            body_excerpt: None,
            retry_after: None,
        });
        assert_eq!(
            error.to_string(),
            "cannot read the job: GET https://cm.example/api/v1/cckm/dsm/refresh/5a7c6e3d-1b2f-4c8d-9e0a-7f6b5c4d3e2f: \
             404 Not Found: NCERRResourceNotFound: Resource not found (code 16)"
        );
        assert_eq!(error.status(), Some(404));
        assert!(!error.is_auth());
    }

    #[test]
    fn an_io_error_gives_the_error_it_wraps_as_a_cause() {
        let wrapped = std::io::Error::new(std::io::ErrorKind::InvalidData, rustls::Error::DecryptError);
        let found = tls_error(&wrapped);
        assert_eq!(found, Some(&rustls::Error::DecryptError));
    }
}
