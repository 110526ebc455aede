//! Faults a test injects, and the requests the server received.

use super::MockServer;
use crate::fault::{Fault, FaultError};
use crate::record::ReceivedRequest;

impl MockServer {
    /// Adds a fault. Mirrors `POST /__mock/faults`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let _ = rustls::crypto::ring::default_provider().install_default();
    /// use cckm_sync_mock::{Call, Fault, MockServer};
    ///
    /// // Arrange
    /// let server = MockServer::start();
    ///
    /// // Act: the next list answers 503.
    /// server.inject(Fault::status(503).on(Call::List))?;
    ///
    /// // Assert
    /// let status = reqwest::Client::new()
    ///     .get(format!("{}/cckm/dsm/refresh", server.api_url()))
    ///     .header("Authorization", server.authorization())
    ///     .send()
    ///     .await?
    ///     .status();
    /// assert_eq!(status, 503);
    /// # Ok(())
    /// # }
    /// ```
    pub fn inject(&self, fault: Fault) -> Result<(), FaultError> {
        self.bare().app.inject(fault)
    }

    /// The pending faults, with the calls each has left. Mirrors `GET /__mock/faults`.
    ///
    /// ```
    /// use cckm_sync_mock::{Fault, MockServer};
    ///
    /// // Arrange
    /// let server = MockServer::start();
    /// server.inject(Fault::status(500).times(2))?;
    ///
    /// // Act
    /// let faults = server.faults();
    ///
    /// // Assert
    /// assert_eq!(faults, [Fault::status(500).times(2)]);
    /// # Ok::<(), cckm_sync_mock::FaultError>(())
    /// ```
    pub fn faults(&self) -> Vec<Fault> {
        self.bare().app.faults().list()
    }

    /// Clears the pending faults. Mirrors `DELETE /__mock/faults`.
    ///
    /// ```
    /// use cckm_sync_mock::{Fault, MockServer};
    ///
    /// // Arrange
    /// let server = MockServer::start();
    /// server.inject(Fault::close_connection())?;
    ///
    /// // Act
    /// server.clear_faults();
    ///
    /// // Assert
    /// assert!(server.faults().is_empty());
    /// # Ok::<(), cckm_sync_mock::FaultError>(())
    /// ```
    pub fn clear_faults(&self) {
        self.bare().app.faults().clear();
    }

    /// The requests received on the vendor's API, oldest first, at most the recording
    /// capacity. Mirrors `GET /__mock/requests`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let _ = rustls::crypto::ring::default_provider().install_default();
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let server = MockServer::start();
    /// reqwest::Client::new()
    ///     .get(format!("{}/cckm/oci/synchronization-jobs?limit=5", server.api_url()))
    ///     .header("Authorization", server.authorization())
    ///     .send()
    ///     .await?;
    ///
    /// // Act
    /// let received = server.received_requests();
    ///
    /// // Assert
    /// assert_eq!(received.len(), 1);
    /// assert_eq!((received[0].method.as_str(), received[0].query.as_deref()), ("GET", Some("limit=5")));
    /// assert_eq!(received[0].status, 200);
    /// # Ok(())
    /// # }
    /// ```
    pub fn received_requests(&self) -> Vec<ReceivedRequest> {
        self.bare().app.requests().list()
    }

    /// How many received requests were dropped to keep within the recording's bounds (in
    /// entries and in bytes) since the start or the last clear. `GET /__mock/requests` says
    /// it in its `X-Dropped-Requests` header.
    pub fn dropped_requests(&self) -> u64 {
        self.bare().app.requests().dropped()
    }

    /// Forgets the received requests. Mirrors `DELETE /__mock/requests`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let _ = rustls::crypto::ring::default_provider().install_default();
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let server = MockServer::start();
    /// reqwest::Client::new().get(format!("{}/cckm/sap/synchronization-jobs", server.api_url())).send().await?;
    ///
    /// // Act
    /// server.clear_received_requests();
    ///
    /// // Assert
    /// assert!(server.received_requests().is_empty());
    /// # Ok(())
    /// # }
    /// ```
    pub fn clear_received_requests(&self) {
        self.bare().app.requests().clear();
    }
}
