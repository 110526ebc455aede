//! Why a list query could not be built or parsed.

use std::fmt;

use crate::cloud::CloudFamily;
use crate::endpoints::ListParameter;

const LIMIT: &str = ListParameter::Limit.name();
const SORT: &str = ListParameter::Sort.name();

/// Why a list query could not be built or parsed. The message names the parameter and the
/// value at fault.
///
/// ```
/// use cckm_sync::{AwsListSyncJobs, QueryError};
///
/// let error = AwsListSyncJobs::from_query_str("skip=-1").unwrap_err();
/// assert_eq!(error.to_string(), r#"skip: must be a non-negative integer, got "-1""#);
/// assert!(matches!(error, QueryError::InvalidValue { parameter: "skip", .. }));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum QueryError {
    /// `limit` is 0, below -1 or above `u32::MAX`.
    InvalidLimit(i64),
    /// `sort` holds an empty key: it is empty, or has two commas in a row, a trailing comma
    /// or a lone `-`.
    EmptySortKey {
        /// The whole sort list.
        sort: String,
    },
    /// A sort key holds whitespace or a comma, or its property starts with `-`.
    InvalidSortKey {
        /// The key at fault.
        key: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A sort order was built from no key.
    NoSortKeys,
    /// A sort key names a property the family's jobs cannot be sorted by.
    UnsortableProperty {
        /// The property.
        property: String,
        /// The family of the query.
        family: CloudFamily,
    },
    /// A scope filter was given to the query of a family whose lists take none.
    NoScopeFilter {
        /// The family of the query.
        family: CloudFamily,
    },
    /// A scope filter value is empty.
    EmptyValue {
        /// The query parameter, such as `kms`.
        parameter: &'static str,
    },
    /// A parameter of a parsed query string has a value of the wrong form.
    InvalidValue {
        /// The query parameter, such as `skip`.
        parameter: &'static str,
        /// The value received, decoded.
        value: String,
        /// What the value must be, such as `must be a non-negative integer`.
        expected: &'static str,
    },
    /// A parsed query string holds a parameter that the family's list call does not take.
    UnknownParameter(String),
    /// A parsed query string gives a parameter that takes one value more than once.
    RepeatedParameter(&'static str),
    /// A query of one family was used with an endpoint of another.
    WrongEndpoint {
        /// The endpoint's [`name`](crate::endpoints::Endpoint::name).
        endpoint: &'static str,
        /// The family the endpoint serves.
        endpoint_family: CloudFamily,
        /// The family of the query.
        query_family: CloudFamily,
    },
}

impl QueryError {
    pub(super) fn invalid(parameter: &'static str, value: &str, expected: &'static str) -> Self {
        Self::InvalidValue {
            parameter,
            value: value.to_owned(),
            expected,
        }
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidLimit(value) if *value > i64::from(u32::MAX) => {
                write!(f, "{LIMIT}: must be at most {}, got {value}", u32::MAX)
            }
            Self::InvalidLimit(value) => write!(f, "{LIMIT}: must be -1 (all) or at least 1, got {value}"),
            Self::EmptySortKey { sort } => write!(f, "{SORT}: empty sort key in {sort:?}"),
            Self::InvalidSortKey { key, reason } => write!(f, "{SORT}: invalid sort key {key:?}: {reason}"),
            Self::NoSortKeys => write!(f, "{SORT}: needs at least one sort key"),
            Self::UnsortableProperty { property, family } => {
                let properties: Vec<&str> = family.spec().sort_properties().collect();
                write!(
                    f,
                    "{SORT}: {family} jobs cannot be sorted by {property:?}; sort by one of {}",
                    properties.join(", ")
                )
            }
            Self::NoScopeFilter { family } => write!(f, "{family} lists take no scope filter"),
            Self::EmptyValue { parameter } => write!(f, "{parameter}: empty value"),
            Self::InvalidValue {
                parameter,
                value,
                expected,
            } => write!(f, "{parameter}: {expected}, got {value:?}"),
            Self::UnknownParameter(name) => write!(f, "unknown query parameter {name:?}"),
            Self::RepeatedParameter(name) => write!(f, "{name}: given more than once"),
            Self::WrongEndpoint {
                endpoint,
                endpoint_family,
                query_family,
            } => write!(
                f,
                "endpoint {endpoint:?} lists {endpoint_family} jobs, not {query_family} jobs"
            ),
        }
    }
}

impl std::error::Error for QueryError {}
