//! How a job and each of its items ended, read from `overall_status`, `abort` and the
//! free-text `detailed_status`: the judgement a program that waits for a job makes ("did every
//! item succeed?"), in one place.

use super::SyncJob;
use crate::status::JobStatus;

/// Where one item of a job stands, from its text in `detailed_status`.
///
/// The texts are free: the vendor's examples show `in_progress` (`in progress` for Azure and
/// external CipherTrust Manager jobs) while an item runs, a success text such as `region
/// synchronized successfully` when it ended well, and `Error listing keys from SFDC: …` when
/// it failed.
///
/// ```
/// use cckm_sync::ItemState;
///
/// assert_eq!(ItemState::of("in progress"), ItemState::Running);
/// assert_eq!(ItemState::of("region synchronized successfully"), ItemState::Succeeded);
/// assert_eq!(ItemState::of("Error listing keys from SFDC: timeout"), ItemState::Failed);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ItemState {
    /// `in_progress` or `in progress`.
    Running,
    /// Any other text that reports no error.
    Succeeded,
    /// A text that starts with `Error` or says that something failed.
    Failed,
}

impl ItemState {
    /// The state an item's text says.
    pub fn of(text: &str) -> Self {
        let text = text.trim();
        if JobStatus::from(text) == JobStatus::InProgress {
            Self::Running
        } else {
            let lower = text.to_ascii_lowercase();
            if lower.starts_with("error") || lower.contains("failed") {
                Self::Failed
            } else {
                Self::Succeeded
            }
        }
    }
}

/// How a job ended, or that it has not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JobOutcome {
    /// It has not ended.
    Running,
    /// It completed, and no item reported an error: the one outcome that is a success.
    Succeeded,
    /// It completed, but items reported errors.
    CompletedWithErrors,
    /// It was cancelled (`abort`), whatever its status says.
    Cancelled,
    /// It failed, or ended with a status this crate does not know.
    Failed,
}

impl<S> SyncJob<S> {
    /// Each item of the job (a key of `detailed_status`) and where it stands, in the order of
    /// the job's `detailed_status`.
    pub fn item_states(&self) -> impl Iterator<Item = (&str, ItemState)> {
        self.detailed_status
            .iter()
            .flat_map(|status| status.iter())
            .map(|(item, text)| (item, ItemState::of(text)))
    }

    /// The items that reported an error, each with its whole text (the reason).
    pub fn failed_items(&self) -> impl Iterator<Item = (&str, &str)> {
        self.detailed_status
            .iter()
            .flat_map(|status| status.iter())
            .filter(|(_, text)| ItemState::of(text) == ItemState::Failed)
    }

    /// How the job ended.
    ///
    /// ```
    /// use cckm_sync::{JobOutcome, SalesforceSyncJob};
    ///
    /// // The vendor's example: a completed job whose one item failed.
    /// let job: SalesforceSyncJob = cckm_sync::from_str(r#"{
    ///     "id": "c8d2f27b-fb4f-4557-b63c-00d4a1439c4a",
    ///     "uri": "kylo:kylo:cckm:synchronize:c8d2f27b-fb4f-4557-b63c-00d4a1439c4a",
    ///     "account": "kylo:kylo:admin:accounts:kylo",
    ///     "application": "ncryptify:gemalto:admin:apps:kylo",
    ///     "devAccount": "ncryptify:gemalto:admin:accounts:gemalto",
    ///     "createdAt": "2021-07-27T03:10:56.701039Z",
    ///     "updatedAt": "2021-07-27T03:10:57.248093Z",
    ///     "completed_at": "2021-07-27T03:10:57.247966Z",
    ///     "overall_status": "completed",
    ///     "detailed_status": {"00DB000000040bIMAQ": "Error listing keys from SFDC: "},
    ///     "cloud": "sfdc",
    ///     "kms": ["00DB000000040bIMAQ"],
    ///     "abort": false
    /// }"#)?;
    /// assert_eq!(job.outcome(), JobOutcome::CompletedWithErrors);
    /// assert!(!job.succeeded());
    /// assert_eq!(job.failed_items().next(), Some(("00DB000000040bIMAQ", "Error listing keys from SFDC: ")));
    /// # Ok::<(), cckm_sync::ParseError>(())
    /// ```
    pub fn outcome(&self) -> JobOutcome {
        if self.was_cancelled() && self.is_finished() {
            JobOutcome::Cancelled
        } else if !self.is_finished() {
            JobOutcome::Running
        } else if *self.overall_status.status() == JobStatus::Completed {
            if self.failed_items().next().is_some() {
                JobOutcome::CompletedWithErrors
            } else {
                JobOutcome::Succeeded
            }
        } else {
            JobOutcome::Failed
        }
    }

    /// Whether the job completed and every item succeeded: [`JobOutcome::Succeeded`].
    pub fn succeeded(&self) -> bool {
        self.outcome() == JobOutcome::Succeeded
    }
}
