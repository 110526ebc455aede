//! What the server holds, as a test resets, loads and sets it: jobs, the inventory, tokens.

use std::path::Path;

use cckm_sync::{CloudFamily, ScopeItems};

use super::MockServer;
use crate::seed::{LoadError, LoadReport};

impl MockServer {
    /// Back to a fresh server: no job, fault or received request; every token revoked; the
    /// system clock; the inventory it started with. Mirrors `POST /__mock/reset`.
    ///
    /// ```
    /// # let job = r#"{"id": "d4cbd38e-845e-4f75-9e71-15280084986e", "uri": "u", "account": "a", "application": "p",
    /// #     "devAccount": "d", "createdAt": "2021-03-03T09:22:15.05611Z", "updatedAt": "2021-03-03T09:22:15.636481Z",
    /// #     "overall_status": "completed", "cloud": "dsm", "domains": ["6070915c-0ab4-4e7e-bf4d-31dd31214874"], "abort": false}"#;
    /// use cckm_sync_mock::{Fault, MockServer};
    ///
    /// // Arrange
    /// let server = MockServer::start();
    /// server.load_jobs(job.as_bytes(), None)?;
    /// server.inject(Fault::status(503))?;
    /// server.pause_clock();
    ///
    /// // Act
    /// server.reset();
    ///
    /// // Assert
    /// assert_eq!(server.job_count(), 0);
    /// assert!(server.faults().is_empty());
    /// assert!(!server.clock().paused);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reset(&self) {
        self.bare().app.reset();
    }

    /// Loads a recorded page or job of any family (a response body of the API), for the
    /// endpoint named `endpoint`, or one of the job's family. Mirrors `POST /__mock/jobs`.
    ///
    /// The jobs that fit the store's bounds (its jobs, and the items of all of them) are
    /// loaded; the others are counted in [`LoadReport::dropped`], with the bound in
    /// [`LoadReport::full`]. A load that drops jobs and loads none fails with
    /// [`LoadError::Full`] or [`LoadError::FullOfItems`].
    ///
    /// ```
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let server = MockServer::start();
    /// let page = std::fs::read("../cckm-sync/tests/fixtures/pages/seed-dsm-refresh-completed.json").unwrap();
    ///
    /// // Act
    /// let report = server.load_jobs(&page, None)?;
    ///
    /// // Assert
    /// assert_eq!(report.added, 1);
    /// assert_eq!(server.job_count(), 1);
    /// # Ok::<(), cckm_sync_mock::LoadError>(())
    /// ```
    pub fn load_jobs(&self, body: &[u8], endpoint: Option<&str>) -> Result<LoadReport, LoadError> {
        self.bare().app.load(body, endpoint)
    }

    /// Loads the recorded pages and jobs of every `.json` file under `dir`, as `--seed` does.
    ///
    /// ```
    /// # let job = r#"{"id": "d4cbd38e-845e-4f75-9e71-15280084986e", "uri": "u", "account": "a", "application": "p",
    /// #     "devAccount": "d", "createdAt": "2021-03-03T09:22:15.05611Z", "updatedAt": "2021-03-03T09:22:15.636481Z",
    /// #     "overall_status": "completed", "cloud": "dsm", "domains": ["6070915c-0ab4-4e7e-bf4d-31dd31214874"], "abort": false}"#;
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let server = MockServer::start();
    /// let dir = tempfile::tempdir().unwrap();
    /// std::fs::write(dir.path().join("job.json"), job).unwrap();
    ///
    /// // Act
    /// let report = server.load_dir(dir.path())?;
    ///
    /// // Assert
    /// assert_eq!(report.loaded(), 1);
    /// # Ok::<(), cckm_sync_mock::LoadError>(())
    /// ```
    pub fn load_dir(&self, dir: impl AsRef<Path>) -> Result<LoadReport, LoadError> {
        self.bare().app.load_dir(dir.as_ref())
    }

    /// Sets what `synchronize_all` selects for `family`. Mirrors
    /// `PUT /__mock/inventory/{family}`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let _ = rustls::crypto::ring::default_provider().install_default();
    /// use cckm_sync::{CloudFamily, OciStartJob, OciSyncJob, ScopeItems};
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let server = MockServer::start();
    ///
    /// // Act
    /// server.set_inventory(CloudFamily::Oci, ScopeItems::new(["vault-a", "vault-b"])?);
    ///
    /// // Assert: a start of every item takes them.
    /// let job: OciSyncJob = reqwest::Client::new()
    ///     .post(format!("{}/cckm/oci/synchronization-jobs", server.api_url()))
    ///     .header("Authorization", server.authorization())
    ///     .json(&OciStartJob::all())
    ///     .send()
    ///     .await?
    ///     .json()
    ///     .await?;
    /// assert_eq!(job.scope.vaults, Some(vec!["vault-a".to_owned(), "vault-b".to_owned()]));
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_inventory(&self, family: CloudFamily, items: ScopeItems) {
        self.bare().app.inventory_mut().set_items(family, items);
    }

    /// Sets the regions an AWS job covers when its start request names none.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let _ = rustls::crypto::ring::default_provider().install_default();
    /// use cckm_sync::{AwsStartJob, AwsSyncJob, ScopeItems};
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let server = MockServer::start();
    ///
    /// // Act
    /// server.set_aws_regions(ScopeItems::new(["sa-east-1"])?);
    ///
    /// // Assert: one item per KMS resource and region.
    /// let job: AwsSyncJob = reqwest::Client::new()
    ///     .post(format!("{}/cckm/aws/synchronization-jobs", server.api_url()))
    ///     .header("Authorization", server.authorization())
    ///     .json(&AwsStartJob::items(["kms"])?)
    ///     .send()
    ///     .await?
    ///     .json()
    ///     .await?;
    /// let items = job.detailed_status.unwrap();
    /// assert_eq!(items.len(), 1);
    /// assert!(items.iter().all(|(key, _)| key.ends_with("/sa-east-1")));
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_aws_regions(&self, regions: ScopeItems) {
        self.bare().app.inventory_mut().set_aws_regions(regions);
    }

    /// Revokes every token: every JWT and refresh token issued so far is refused from now on.
    /// Mirrors `POST /__mock/tokens/revoke`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let _ = rustls::crypto::ring::default_provider().install_default();
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let server = MockServer::start();
    /// let header = server.authorization();
    ///
    /// // Act
    /// server.revoke_tokens();
    ///
    /// // Assert
    /// let status = reqwest::Client::new()
    ///     .get(format!("{}/cckm/dsm/refresh", server.api_url()))
    ///     .header("Authorization", header)
    ///     .send()
    ///     .await?
    ///     .status();
    /// assert_eq!(status, 401);
    /// # Ok(())
    /// # }
    /// ```
    pub fn revoke_tokens(&self) {
        self.bare().app.tokens().revoke_all();
    }

    /// How many jobs the server holds.
    ///
    /// ```
    /// # let job = r#"{"id": "d4cbd38e-845e-4f75-9e71-15280084986e", "uri": "u", "account": "a", "application": "p",
    /// #     "devAccount": "d", "createdAt": "2021-03-03T09:22:15.05611Z", "updatedAt": "2021-03-03T09:22:15.636481Z",
    /// #     "overall_status": "completed", "cloud": "dsm", "domains": ["6070915c-0ab4-4e7e-bf4d-31dd31214874"], "abort": false}"#;
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let server = MockServer::start();
    /// server.load_jobs(job.as_bytes(), None)?;
    ///
    /// // Act
    /// let count = server.job_count();
    ///
    /// // Assert
    /// assert_eq!(count, 1);
    /// # Ok::<(), cckm_sync_mock::LoadError>(())
    /// ```
    pub fn job_count(&self) -> usize {
        self.bare().app.jobs().len()
    }

    /// How many items the server's jobs hold together, as counted against
    /// [`MockServerBuilder::max_items`](crate::MockServerBuilder::max_items): for each job, the
    /// most of its `detailed_status` entries and the entries of any one of its scope lists.
    ///
    /// ```
    /// # let job = r#"{"id": "d4cbd38e-845e-4f75-9e71-15280084986e", "uri": "u", "account": "a", "application": "p",
    /// #     "devAccount": "d", "createdAt": "2021-03-03T09:22:15.05611Z", "updatedAt": "2021-03-03T09:22:15.636481Z",
    /// #     "overall_status": "completed", "cloud": "dsm", "domains": ["6070915c-0ab4-4e7e-bf4d-31dd31214874"], "abort": false}"#;
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let server = MockServer::start();
    /// server.load_jobs(job.as_bytes(), None)?;
    ///
    /// // Act
    /// let count = server.item_count();
    ///
    /// // Assert: one domain.
    /// assert_eq!(count, 1);
    /// # Ok::<(), cckm_sync_mock::LoadError>(())
    /// ```
    pub fn item_count(&self) -> usize {
        self.bare().app.jobs().item_count()
    }
}
