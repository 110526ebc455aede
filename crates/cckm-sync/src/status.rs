//! `overall_status`: the state of a job, and the exact text the server used for it.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

use crate::unknown::UnknownValue;

/// What an `overall_status` means.
///
/// Open: a value this crate does not know parses as [`JobStatus::Unknown`] and keeps its text.
/// Both spellings the server uses for a running job, `in_progress` and `in progress`
/// (Azure and external CipherTrust Manager jobs), are [`JobStatus::InProgress`].
///
/// ```
/// use cckm_sync::JobStatus;
///
/// assert_eq!(JobStatus::from("in progress"), JobStatus::InProgress);
/// assert_eq!(JobStatus::from("in_progress"), JobStatus::InProgress);
/// assert_eq!(JobStatus::InProgress.as_str(), "in_progress");
/// assert_eq!(JobStatus::from("completed").is_finished(), Some(true));
/// assert_eq!(JobStatus::from("paused").is_finished(), None);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JobStatus {
    /// The job is running (`in_progress`, or `in progress`). A cancelled job stays here,
    /// with `abort: true`, until it winds down.
    InProgress,
    /// The job ended (`completed`). Items may still have failed: see `detailed_status`.
    Completed,
    /// The job ended in failure (`failed`).
    Failed,
    /// The job was cancelled and ended (`aborted`).
    Aborted,
    /// The job ended in error (`error`; claimed by one client's docs, not seen in a response).
    Error,
    /// A status this crate does not know yet, kept verbatim.
    Unknown(UnknownValue),
}

impl JobStatus {
    /// The canonical wire text: `in_progress`, `completed`, `failed`, `aborted`, `error`,
    /// or an unknown value as received.
    pub fn as_str(&self) -> &str {
        match self {
            Self::InProgress => "in_progress",
            Self::Completed => "completed",
            Self::Failed => "failed",
            Self::Aborted => "aborted",
            Self::Error => "error",
            Self::Unknown(raw) => raw.as_str(),
        }
    }

    /// Whether a job in this state has ended: `Some(false)` while in progress,
    /// `Some(true)` for the end states, `None` for a status this crate does not know.
    pub fn is_finished(&self) -> Option<bool> {
        match self {
            Self::InProgress => Some(false),
            Self::Completed | Self::Failed | Self::Aborted | Self::Error => Some(true),
            Self::Unknown(_) => None,
        }
    }

    /// Whether this is a status this crate knows.
    pub fn is_known(&self) -> bool {
        !matches!(self, Self::Unknown(_))
    }
}

impl From<&str> for JobStatus {
    fn from(raw: &str) -> Self {
        match raw {
            "in_progress" | "in progress" => Self::InProgress,
            "completed" => Self::Completed,
            "failed" => Self::Failed,
            "aborted" => Self::Aborted,
            "error" => Self::Error,
            other => Self::Unknown(UnknownValue::new(other)),
        }
    }
}

impl fmt::Display for JobStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The `overall_status` of a job as the server wrote it: a [`JobStatus`] plus its exact spelling.
///
/// Two statuses compare equal with `==` only if their wire text is the same; compare
/// [`status()`](Self::status) (or compare with a [`JobStatus`] directly) to ask what they mean.
///
/// ```
/// use cckm_sync::{JobStatus, OverallStatus};
///
/// let azure = OverallStatus::from("in progress");
/// assert_eq!(azure, JobStatus::InProgress);
/// assert_eq!(azure.as_str(), "in progress");
/// assert_ne!(azure, OverallStatus::from(JobStatus::InProgress));
/// assert_eq!(serde_json::to_string(&azure).unwrap(), r#""in progress""#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OverallStatus {
    status: JobStatus,
    /// Set for `in progress`, the spelling with a space.
    spaced: bool,
}

impl OverallStatus {
    /// What this status means.
    pub fn status(&self) -> &JobStatus {
        &self.status
    }

    /// The exact wire text.
    pub fn as_str(&self) -> &str {
        if self.spaced {
            "in progress"
        } else {
            self.status.as_str()
        }
    }
}

impl From<JobStatus> for OverallStatus {
    /// The status with its canonical spelling (`in_progress` for a running job).
    fn from(status: JobStatus) -> Self {
        Self { status, spaced: false }
    }
}

impl From<&str> for OverallStatus {
    fn from(raw: &str) -> Self {
        Self {
            status: JobStatus::from(raw),
            spaced: raw == "in progress",
        }
    }
}

impl PartialEq<JobStatus> for OverallStatus {
    fn eq(&self, other: &JobStatus) -> bool {
        self.status == *other
    }
}

impl PartialEq<OverallStatus> for JobStatus {
    fn eq(&self, other: &OverallStatus) -> bool {
        *self == other.status
    }
}

impl fmt::Display for OverallStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for OverallStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for OverallStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = OverallStatus;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a job status string such as \"completed\"")
            }
            fn visit_str<E: de::Error>(self, raw: &str) -> Result<OverallStatus, E> {
                Ok(OverallStatus::from(raw))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

impl Serialize for JobStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for JobStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        OverallStatus::deserialize(deserializer).map(|status| status.status)
    }
}

#[cfg(feature = "schemars")]
mod schema {
    use std::borrow::Cow;

    use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

    use super::OverallStatus;

    impl JsonSchema for OverallStatus {
        fn schema_name() -> Cow<'static, str> {
            "JobStatus".into()
        }

        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            // Open on purpose: a status from a newer server must validate, as it parses.
            json_schema!({
                "type": "string",
                "description": "Overall state of the job. Known values: `in_progress` (also \
                    spelled `in progress` by Azure and external CipherTrust Manager jobs), \
                    `completed`, `failed`, `aborted`, `error`. Any other string is a state \
                    this contract does not know yet and must be accepted.",
                "examples": ["in_progress", "in progress", "completed", "failed", "aborted", "error"]
            })
        }
    }
}
