//! Faults: what the next calls of an operation do instead of, or on top of, their normal answer.

use std::fmt;
use std::time::Duration;

use cckm_sync::endpoints;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The longest a [`FaultKind::Stall`] may last: a stall is a slow server, not a hung one, and
/// the mock must still shut down in bounded time.
pub const MAX_STALL: Duration = Duration::from_secs(60);

/// The most faults that can wait at once.
pub const MAX_PENDING_FAULTS: usize = 256;

/// A call of the API, as faults and received requests name it: the catalog's.
pub use cckm_sync::endpoints::Call;

fn newer_field() -> String {
    "priority".to_owned()
}

fn newer_value() -> Value {
    Value::from("high")
}

fn newer_status() -> String {
    "queued".to_owned()
}

/// What a fault does to a call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum FaultKind {
    /// Answer with this status (429, or 500 to 599) and an error body, with `Retry-After` when
    /// set (in whole seconds).
    Status {
        /// The HTTP status.
        status: u16,
        /// The `Retry-After` header, in seconds.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after_secs: Option<u64>,
    },
    /// Wait this long (real time, at most [`MAX_STALL`]), then answer normally.
    Stall {
        /// How long, in milliseconds.
        millis: u64,
    },
    /// Close the connection without answering.
    CloseConnection,
    /// Answer normally, as a newer server would: every job and page (and a token answer)
    /// carries the unknown field `field` with `value`, and every job the unknown status
    /// `status`. Over the control API each may be left out: `"priority"`, `"high"` and
    /// `"queued"`, as [`Fault::newer_server`] has them.
    NewerServer {
        /// The name of the unknown field.
        #[serde(default = "newer_field")]
        field: String,
        /// Its value.
        #[serde(default = "newer_value")]
        value: Value,
        /// The unknown `overall_status` every job shows.
        #[serde(default = "newer_status")]
        status: String,
    },
    /// For a start: the job starts normally, but `item` (a key of its `detailed_status`; the
    /// last item when `None`) fails with `reason`, and the job ends `failed`.
    FailJob {
        /// Why the item fails, written after the family's `Error listing keys from …: `.
        reason: String,
        /// The item that fails, or `None` for the last one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        item: Option<String>,
    },
}

/// A fault: what the next `times` matching calls do.
///
/// A fault matches a call by [`Call`] and endpoint name, each optional; the first pending
/// fault that matches a call is used (and counted) by it. Faults apply before the bearer
/// token is checked, as a proxy or an overloaded server in front of the API would.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use std::time::Duration;
/// use cckm_sync_mock::{Call, Fault, MockServer};
///
/// let server = MockServer::start();
/// // The next two gets of AWS key jobs answer 503 with `Retry-After: 1`.
/// server
///     .inject(Fault::status(503).retry_after(Duration::from_secs(1)).on(Call::Get).endpoint("aws-keys").times(2))
///     .unwrap();
/// assert_eq!(server.faults().len(), 1);
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fault {
    /// What the fault does.
    #[serde(flatten)]
    pub kind: FaultKind,
    /// The call it applies to; `None` for any call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call: Option<Call>,
    /// The endpoint ([`Endpoint::name`](cckm_sync::endpoints::Endpoint::name)) it applies
    /// to; `None` for any endpoint (and the token call).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// How many calls it applies to; at least 1.
    #[serde(default = "one")]
    pub times: u32,
}

fn one() -> u32 {
    1
}

impl Fault {
    /// A fault of this kind on the next call of any operation.
    pub fn new(kind: FaultKind) -> Self {
        Self {
            kind,
            call: None,
            endpoint: None,
            times: 1,
        }
    }

    /// Answers with `status` (429, or 500 to 599) and an error body.
    pub fn status(status: u16) -> Self {
        Self::new(FaultKind::Status {
            status,
            retry_after_secs: None,
        })
    }

    /// Waits `duration` of real time (at most [`MAX_STALL`]) before answering normally.
    pub fn stall(duration: Duration) -> Self {
        Self::new(FaultKind::Stall {
            millis: u64::try_from(duration.as_millis()).unwrap_or(u64::MAX),
        })
    }

    /// Closes the connection without an answer.
    pub fn close_connection() -> Self {
        Self::new(FaultKind::CloseConnection)
    }

    /// Answers as a newer server would: with the unknown field `"priority": "high"` on every
    /// job and page, and the unknown status `queued` on every job.
    pub fn newer_server() -> Self {
        Self::new(FaultKind::NewerServer {
            field: newer_field(),
            value: newer_value(),
            status: newer_status(),
        })
    }

    /// For a start: the job's last item fails with `reason` and the job ends `failed`.
    pub fn fail_job(reason: impl Into<String>) -> Self {
        Self::new(FaultKind::FailJob {
            reason: reason.into(),
            item: None,
        })
        .on(Call::Start)
    }

    /// Applies to calls of `call` only.
    pub fn on(mut self, call: Call) -> Self {
        self.call = Some(call);
        self
    }

    /// Applies to calls of the endpoint named `name` only.
    pub fn endpoint(mut self, name: impl Into<String>) -> Self {
        self.endpoint = Some(name.into());
        self
    }

    /// Applies to the next `times` matching calls instead of one.
    pub fn times(mut self, times: u32) -> Self {
        self.times = times;
        self
    }

    /// For a [`FaultKind::Status`] fault, sends `Retry-After` (whole seconds).
    pub fn retry_after(mut self, after: Duration) -> Self {
        if let FaultKind::Status { retry_after_secs, .. } = &mut self.kind {
            *retry_after_secs = Some(after.as_secs());
        }
        self
    }

    /// For a [`FaultKind::FailJob`] fault, the item that fails.
    pub fn item(mut self, key: impl Into<String>) -> Self {
        if let FaultKind::FailJob { item, .. } = &mut self.kind {
            *item = Some(key.into());
        }
        self
    }

    /// Checks that the fault can apply: a known endpoint, a status of 429 or 5xx, a stall no
    /// longer than [`MAX_STALL`], a failure only on starts, at least one call.
    pub fn check(&self) -> Result<(), FaultError> {
        let invalid = |reason: String| Err(FaultError::Invalid(reason));
        if self.times == 0 {
            return invalid("`times` must be at least 1".to_owned());
        }
        if let Some(name) = &self.endpoint {
            if endpoints::find(name).is_none() {
                let known: Vec<&str> = endpoints::ENDPOINTS.iter().map(|endpoint| endpoint.name).collect();
                return invalid(format!("no endpoint is named {name:?}; known: {}", known.join(", ")));
            }
            if self.call == Some(Call::Token) {
                return invalid("the token call belongs to no endpoint".to_owned());
            }
        }
        match &self.kind {
            FaultKind::Status { status, .. } if *status != 429 && !(500..=599).contains(status) => {
                invalid(format!("a fault answers 429 or 500 to 599, not {status}"))
            }
            FaultKind::Stall { millis } if Duration::from_millis(*millis) > MAX_STALL => {
                invalid(format!("a stall lasts at most {} s", MAX_STALL.as_secs()))
            }
            FaultKind::FailJob { .. } if self.call != Some(Call::Start) => {
                invalid("a job failure applies to start calls only (`\"call\": \"start\"`)".to_owned())
            }
            FaultKind::NewerServer { status, .. } if status.is_empty() => {
                invalid("a newer server's status must not be empty".to_owned())
            }
            _ => Ok(()),
        }
    }

    fn matches(&self, call: Call, endpoint: Option<&str>) -> bool {
        self.call.is_none_or(|wanted| wanted == call)
            && self.endpoint.as_deref().is_none_or(|wanted| Some(wanted) == endpoint)
    }
}

/// Why a fault was not accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultError {
    /// The fault cannot apply; the text says why.
    Invalid(String),
    /// [`MAX_PENDING_FAULTS`] faults wait already.
    TooMany,
}

impl fmt::Display for FaultError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid(reason) => write!(f, "invalid fault: {reason}"),
            Self::TooMany => write!(f, "{MAX_PENDING_FAULTS} faults are pending already; clear them first"),
        }
    }
}

impl std::error::Error for FaultError {}

/// The pending faults, in the order they were added.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    pending: Vec<Fault>,
}

impl Faults {
    pub(crate) fn add(&mut self, fault: Fault) -> Result<(), FaultError> {
        fault.check()?;
        if self.pending.len() >= MAX_PENDING_FAULTS {
            return Err(FaultError::TooMany);
        }
        self.pending.push(fault);
        Ok(())
    }

    /// Takes one use of the first fault matching the call, removing it when used up.
    pub(crate) fn take(&mut self, call: Call, endpoint: Option<&str>) -> Option<FaultKind> {
        let index = self.pending.iter().position(|fault| fault.matches(call, endpoint))?;
        let fault = self.pending.get_mut(index)?;
        fault.times -= 1;
        let kind = fault.kind.clone();
        if fault.times == 0 {
            self.pending.remove(index);
        }
        Some(kind)
    }

    pub(crate) fn list(&self) -> Vec<Fault> {
        self.pending.clone()
    }

    pub(crate) fn clear(&mut self) {
        self.pending.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fault_is_used_by_as_many_matching_calls_as_it_says() {
        let mut faults = Faults::default();
        faults
            .add(Fault::status(503).on(Call::Get).endpoint("dsm").times(2))
            .unwrap();
        assert_eq!(faults.take(Call::Get, Some("aws-keys")), None);
        assert_eq!(faults.take(Call::List, Some("dsm")), None);
        assert!(faults.take(Call::Get, Some("dsm")).is_some());
        assert!(faults.take(Call::Get, Some("dsm")).is_some());
        assert_eq!(faults.take(Call::Get, Some("dsm")), None);
    }

    #[test]
    fn faults_that_cannot_apply_are_refused_with_the_reason() {
        let mut faults = Faults::default();
        for (fault, reason) in [
            (Fault::status(404), "429 or 500 to 599, not 404"),
            (Fault::status(500).times(0), "`times` must be at least 1"),
            (Fault::status(500).endpoint("luna"), "no endpoint is named \"luna\""),
            (Fault::stall(Duration::from_secs(61)), "at most 60 s"),
            (Fault::fail_job("x").on(Call::Get), "start calls only"),
        ] {
            let error = faults.add(fault).unwrap_err().to_string();
            assert!(error.contains(reason), "{error}");
        }
    }

    #[test]
    fn the_control_api_form_of_a_fault_reads_back() {
        let fault: Fault =
            serde_json::from_str(r#"{"kind": "status", "status": 429, "retry_after_secs": 2, "call": "list"}"#)
                .unwrap();
        assert_eq!(
            fault,
            Fault::status(429).retry_after(Duration::from_secs(2)).on(Call::List)
        );
        // A newer server's fault may leave its field, value and status to the defaults.
        let newer: Fault = serde_json::from_str(r#"{"kind": "newer_server", "call": "get"}"#).unwrap();
        assert_eq!(newer, Fault::newer_server().on(Call::Get));
        let named: Fault =
            serde_json::from_str(r#"{"kind": "newer_server", "field": "eta", "value": 3, "status": "paused"}"#)
                .unwrap();
        assert_eq!(
            named.kind,
            FaultKind::NewerServer {
                field: "eta".to_owned(),
                value: Value::from(3),
                status: "paused".to_owned()
            }
        );
    }
}
