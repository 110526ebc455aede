//! The mock's clock: the system clock, or a manual one that tests pause and move forward.
//!
//! Every time the mock shows or compares (a job's progress, `createdAt`, a token's `exp`) is
//! read from this clock, so a test that pauses it sees jobs, and tokens, stand still until it
//! advances the clock: no sleeping, and the same answers on every run.

use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use serde::Serialize;

/// What the clock reads, and whether it is paused.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use std::time::Duration;
///
/// let server = cckm_sync_mock::MockServer::start();
/// let paused = server.pause_clock();
/// let later = server.advance_clock(Duration::from_secs(90));
/// assert_eq!((later.now - paused.now).num_seconds(), 90);
/// assert!(later.paused);
/// assert!(!server.resume_clock().paused);
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ClockState {
    /// The time the mock reads now, to the microsecond.
    pub now: DateTime<Utc>,
    /// Whether the clock is paused (manual): it then moves only when advanced.
    pub paused: bool,
}

/// Why the clock could not be set.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClockError {
    /// The clock would leave the years an RFC 3339 timestamp can write (0000 to 9999).
    OutOfRange,
}

impl std::fmt::Display for ClockError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::OutOfRange => f.write_str("the clock would leave the years 0000 to 9999 that a timestamp can hold"),
        }
    }
}

impl std::error::Error for ClockError {}

/// The shared clock: `None` runs with the system clock, `Some(t)` is paused at `t`.
#[derive(Debug, Default)]
pub(crate) struct Clock {
    manual: Mutex<Option<DateTime<Utc>>>,
}

/// Go servers keep microseconds (PostgreSQL timestamps), as the vendor's examples show:
/// every time the mock makes is cut to the microsecond.
pub(crate) fn to_micros(time: DateTime<Utc>) -> DateTime<Utc> {
    time.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(time)
}

/// The latest time the clock may show: a year-9999 bound leaves room for job durations.
fn in_range(time: DateTime<Utc>) -> bool {
    use chrono::Datelike;
    (1..=9998).contains(&time.year())
}

impl Clock {
    fn manual(&self) -> std::sync::MutexGuard<'_, Option<DateTime<Utc>>> {
        self.manual.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        (*self.manual()).unwrap_or_else(|| to_micros(Utc::now()))
    }

    pub(crate) fn state(&self) -> ClockState {
        let manual = *self.manual();
        ClockState {
            now: manual.unwrap_or_else(|| to_micros(Utc::now())),
            paused: manual.is_some(),
        }
    }

    /// Pauses the clock where it is (a paused clock stays where it was).
    pub(crate) fn pause(&self) -> ClockState {
        let mut manual = self.manual();
        let now = *manual.get_or_insert_with(|| to_micros(Utc::now()));
        ClockState { now, paused: true }
    }

    /// Pauses the clock at `at`.
    pub(crate) fn pause_at(&self, at: DateTime<Utc>) -> Result<ClockState, ClockError> {
        if !in_range(at) {
            return Err(ClockError::OutOfRange);
        }
        let now = to_micros(at);
        *self.manual() = Some(now);
        Ok(ClockState { now, paused: true })
    }

    /// Moves the clock forward by `by`, pausing it first if it runs.
    pub(crate) fn advance(&self, by: Duration) -> Result<ClockState, ClockError> {
        let mut manual = self.manual();
        let from = (*manual).unwrap_or_else(|| to_micros(Utc::now()));
        let now = TimeDelta::from_std(by)
            .ok()
            .and_then(|by| from.checked_add_signed(by))
            .filter(|time| in_range(*time))
            .ok_or(ClockError::OutOfRange)?;
        let now = to_micros(now);
        *manual = Some(now);
        Ok(ClockState { now, paused: true })
    }

    /// Lets the clock follow the system clock again.
    pub(crate) fn resume(&self) -> ClockState {
        *self.manual() = None;
        self.state()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paused_clock_moves_only_when_advanced() {
        let clock = Clock::default();
        let paused = clock.pause();
        assert_eq!(clock.now(), paused.now);
        let later = clock.advance(Duration::from_millis(1500)).unwrap();
        assert_eq!(later.now - paused.now, TimeDelta::milliseconds(1500));
        assert!(!clock.resume().paused);
    }

    #[test]
    fn advancing_a_running_clock_pauses_it() {
        let clock = Clock::default();
        assert!(clock.advance(Duration::from_secs(1)).unwrap().paused);
    }

    #[test]
    fn the_clock_stays_within_what_a_timestamp_can_hold() {
        let clock = Clock::default();
        let far = DateTime::parse_from_rfc3339("9998-12-31T23:00:00Z").unwrap().to_utc();
        clock.pause_at(far).unwrap();
        assert_eq!(clock.advance(Duration::from_secs(7200)), Err(ClockError::OutOfRange));
        assert_eq!(clock.now(), far);
    }
}
