//! The mock's clock, as a test reads, pauses, advances and resumes it.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::MockServer;
use crate::clock::{ClockError, ClockState};

impl MockServer {
    /// What the clock reads. Mirrors `GET /__mock/clock`.
    ///
    /// ```
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let server = MockServer::start();
    ///
    /// // Act
    /// let clock = server.clock();
    ///
    /// // Assert: the system clock, running.
    /// assert!(!clock.paused);
    /// assert!((chrono::Utc::now() - clock.now).num_seconds().abs() < 60);
    /// ```
    pub fn clock(&self) -> ClockState {
        self.bare().app.clock.state()
    }

    /// Pauses the clock where it is: jobs and tokens stand still until it is advanced.
    /// Mirrors `POST /__mock/clock/pause`.
    ///
    /// ```
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let server = MockServer::start();
    ///
    /// // Act
    /// let paused = server.pause_clock();
    /// std::thread::sleep(std::time::Duration::from_millis(5));
    ///
    /// // Assert
    /// assert!(paused.paused);
    /// assert_eq!(server.clock().now, paused.now);
    /// ```
    pub fn pause_clock(&self) -> ClockState {
        self.bare().app.clock.pause()
    }

    /// Pauses the clock at `at`.
    ///
    /// ```
    /// use chrono::{TimeZone as _, Utc};
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let server = MockServer::start();
    /// let at = Utc.with_ymd_and_hms(2030, 1, 2, 3, 4, 5).unwrap();
    ///
    /// // Act
    /// let state = server.pause_clock_at(at)?;
    ///
    /// // Assert
    /// assert_eq!((state.now, state.paused), (at, true));
    /// # Ok::<(), cckm_sync_mock::ClockError>(())
    /// ```
    pub fn pause_clock_at(&self, at: DateTime<Utc>) -> Result<ClockState, ClockError> {
        self.bare().app.clock.pause_at(at)
    }

    /// Moves the clock forward by `by`, pausing it first if it runs. Mirrors
    /// `POST /__mock/clock/advance`.
    ///
    /// # Panics
    ///
    /// If the clock would pass the year 9998: [`try_advance_clock`](Self::try_advance_clock)
    /// returns the error instead.
    ///
    /// ```
    /// use std::time::Duration;
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let server = MockServer::start();
    /// let before = server.pause_clock();
    ///
    /// // Act
    /// let after = server.advance_clock(Duration::from_secs(90));
    ///
    /// // Assert
    /// assert_eq!((after.now - before.now).num_seconds(), 90);
    /// ```
    pub fn advance_clock(&self, by: Duration) -> ClockState {
        match self.try_advance_clock(by) {
            Ok(state) => state,
            Err(error) => panic!("cannot advance the clock by {by:?}: {error}"),
        }
    }

    /// Moves the clock forward by `by`; fails if it would leave what a timestamp holds.
    ///
    /// ```
    /// use std::time::Duration;
    /// use cckm_sync_mock::{ClockError, MockServer};
    ///
    /// // Arrange
    /// let server = MockServer::start();
    ///
    /// // Act
    /// let too_far = server.try_advance_clock(Duration::from_secs(10_000 * 366 * 24 * 3600));
    ///
    /// // Assert
    /// assert_eq!(too_far, Err(ClockError::OutOfRange));
    /// assert!(server.try_advance_clock(Duration::from_secs(1)).is_ok());
    /// ```
    pub fn try_advance_clock(&self, by: Duration) -> Result<ClockState, ClockError> {
        self.bare().app.clock.advance(by)
    }

    /// Lets the clock follow the system clock again. Mirrors `POST /__mock/clock/resume`.
    ///
    /// ```
    /// use cckm_sync_mock::MockServer;
    ///
    /// // Arrange
    /// let server = MockServer::start();
    /// server.pause_clock();
    ///
    /// // Act
    /// let state = server.resume_clock();
    ///
    /// // Assert
    /// assert!(!state.paused);
    /// ```
    pub fn resume_clock(&self) -> ClockState {
        self.bare().app.clock.resume()
    }
}
