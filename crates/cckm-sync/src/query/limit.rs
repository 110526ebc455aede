//! `limit`: how many jobs a page holds at most.

use std::fmt;
use std::num::NonZeroU32;

use super::error::QueryError;

/// How many jobs a page holds at most: `limit` in the query string.
///
/// ```
/// use cckm_sync::Limit;
///
/// assert_eq!(Limit::new(-1)?, Limit::All);
/// assert_eq!(Limit::new(25)?.as_i64(), 25);
/// assert_eq!(Limit::All.to_string(), "-1");
/// assert_eq!(
///     Limit::new(0).unwrap_err().to_string(),
///     "limit: must be -1 (all) or at least 1, got 0",
/// );
/// # Ok::<(), cckm_sync::QueryError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Limit {
    /// Every job at once (`-1`).
    All,
    /// At most this many jobs.
    Count(NonZeroU32),
}

impl Limit {
    /// The limit sent as `value`: `-1` for all jobs, or a count from 1 to `u32::MAX`.
    /// Fails on 0, on any other negative value and on a larger count.
    pub fn new(value: i64) -> Result<Self, QueryError> {
        if value == -1 {
            return Ok(Self::All);
        }
        u32::try_from(value)
            .ok()
            .and_then(NonZeroU32::new)
            .map(Self::Count)
            .ok_or(QueryError::InvalidLimit(value))
    }

    /// The value sent: `-1` for [`Limit::All`], else the count.
    pub fn as_i64(self) -> i64 {
        match self {
            Self::All => -1,
            Self::Count(count) => i64::from(count.get()),
        }
    }
}

impl TryFrom<i64> for Limit {
    type Error = QueryError;

    /// As [`Limit::new`].
    fn try_from(value: i64) -> Result<Self, QueryError> {
        Self::new(value)
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.as_i64())
    }
}

#[cfg(feature = "schemars")]
mod schema {
    use std::borrow::Cow;

    use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

    use super::Limit;

    impl JsonSchema for Limit {
        fn schema_name() -> Cow<'static, str> {
            "Limit".into()
        }

        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            // `-1`, or a count from 1: the integers from -1 up that are not 0. Said with a
            // range and a `not` rather than a `oneOf` of the two, so that client generators type
            // the parameter as a plain integer: of a `oneOf`, openapi-python-client makes a
            // numbered type (`LimitType0`) and openapi-generator warns that it cannot name it.
            json_schema!({
                "description": "How many jobs a page holds at most: `-1` for every job, or a count from 1. \
                    The server's default is 10.",
                "type": "integer",
                "format": "int64",
                "minimum": -1,
                "maximum": u32::MAX,
                "not": { "const": 0 },
                "examples": [10, -1]
            })
        }
    }
}
