//! `sort`: the order of a list, a comma-separated list of properties.

use std::fmt::{self, Write as _};
use std::str::FromStr;

use super::error::QueryError;

/// The order of a list: `sort` in the query string, a comma-separated list of properties,
/// each descending if it starts with `-`.
///
/// ```
/// use cckm_sync::{Sort, SortKey};
///
/// let sort = Sort::parse("-createdAt,name")?;
/// assert_eq!(sort.keys()[0], SortKey::descending("createdAt")?);
/// assert_eq!(sort.keys()[1].property(), "name");
/// assert_eq!(sort.to_string(), "-createdAt,name");
/// assert_eq!(Sort::from_keys([SortKey::descending("createdAt")?, SortKey::ascending("name")?])?, sort);
///
/// assert_eq!(Sort::parse("a,,b").unwrap_err().to_string(), r#"sort: empty sort key in "a,,b""#);
/// # Ok::<(), cckm_sync::QueryError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Sort {
    /// Never empty.
    keys: Vec<SortKey>,
}

impl Sort {
    /// Parses `name,-createdAt`. Fails on an empty key (an empty string, two commas in a
    /// row, a trailing comma, a lone `-`), on whitespace in a key and on a property that
    /// starts with `-` (as in `--name`).
    pub fn parse(sort: &str) -> Result<Self, QueryError> {
        let keys = sort
            .split(',')
            .map(|key| SortKey::parse_in(key, sort))
            .collect::<Result<Vec<_>, _>>()?;
        Self::from_keys(keys)
    }

    /// A sort order of `keys`, the first the most significant. Fails if there is none.
    pub fn from_keys(keys: impl IntoIterator<Item = SortKey>) -> Result<Self, QueryError> {
        let keys: Vec<SortKey> = keys.into_iter().collect();
        if keys.is_empty() {
            return Err(QueryError::NoSortKeys);
        }
        Ok(Self { keys })
    }

    /// The keys, the first the most significant; never empty.
    pub fn keys(&self) -> &[SortKey] {
        &self.keys
    }
}

impl From<SortKey> for Sort {
    /// The order by one key.
    fn from(key: SortKey) -> Self {
        Self { keys: vec![key] }
    }
}

impl FromStr for Sort {
    type Err = QueryError;

    /// As [`Sort::parse`].
    fn from_str(sort: &str) -> Result<Self, QueryError> {
        Self::parse(sort)
    }
}

impl fmt::Display for Sort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, key) in self.keys.iter().enumerate() {
            if index > 0 {
                f.write_char(',')?;
            }
            key.fmt(f)?;
        }
        Ok(())
    }
}

/// One property of a [`Sort`], and its direction.
///
/// The property is not checked against the fields of a job: the server decides what it
/// sorts by (`createdAt`, `name`, …).
///
/// ```
/// use cckm_sync::SortKey;
///
/// let key: SortKey = "-createdAt".parse()?;
/// assert_eq!(key.property(), "createdAt");
/// assert!(key.is_descending());
/// assert_eq!(SortKey::ascending("name")?.to_string(), "name");
/// assert_eq!(
///     SortKey::ascending("created at").unwrap_err().to_string(),
///     r#"sort: invalid sort key "created at": contains whitespace"#,
/// );
/// # Ok::<(), cckm_sync::QueryError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SortKey {
    property: String,
    descending: bool,
}

impl SortKey {
    /// Sorts by `property`, smallest first. Fails if it is empty, holds whitespace or a
    /// comma, or starts with `-`.
    pub fn ascending(property: impl Into<String>) -> Result<Self, QueryError> {
        Self::checked(property.into(), false)
    }

    /// Sorts by `property`, largest first (sent as `-property`). Fails if it is empty, holds
    /// whitespace or a comma, or starts with `-`.
    pub fn descending(property: impl Into<String>) -> Result<Self, QueryError> {
        Self::checked(property.into(), true)
    }

    /// The property sorted by, without the `-`.
    pub fn property(&self) -> &str {
        &self.property
    }

    /// Whether the largest comes first.
    pub fn is_descending(&self) -> bool {
        self.descending
    }

    fn checked(property: String, descending: bool) -> Result<Self, QueryError> {
        check_property(&property, &property, &property)?;
        Ok(Self { property, descending })
    }

    /// Parses the key `key` of the sort list `sort`, which empty-key errors quote.
    fn parse_in(key: &str, sort: &str) -> Result<Self, QueryError> {
        let (property, descending) = match key.strip_prefix('-') {
            Some(property) => (property, true),
            None => (key, false),
        };
        check_property(property, key, sort)?;
        Ok(Self {
            property: property.to_owned(),
            descending,
        })
    }
}

/// Checks the `property` of the sort key `key`, part of the sort list `sort`.
fn check_property(property: &str, key: &str, sort: &str) -> Result<(), QueryError> {
    if property.is_empty() {
        return Err(QueryError::EmptySortKey { sort: sort.to_owned() });
    }
    let reason = if property.contains(char::is_whitespace) {
        "contains whitespace"
    } else if property.contains(',') {
        "contains a comma"
    } else if property.starts_with('-') {
        r#"the property starts with "-""#
    } else {
        return Ok(());
    };
    Err(QueryError::InvalidSortKey {
        key: key.to_owned(),
        reason,
    })
}

impl FromStr for SortKey {
    type Err = QueryError;

    /// Parses one key, `name` or `-name`.
    fn from_str(key: &str) -> Result<Self, QueryError> {
        Self::parse_in(key, key)
    }
}

impl fmt::Display for SortKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.descending {
            f.write_char('-')?;
        }
        f.write_str(&self.property)
    }
}

#[cfg(feature = "schemars")]
mod schema {
    use std::borrow::Cow;

    use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

    use super::Sort;

    impl JsonSchema for Sort {
        fn schema_name() -> Cow<'static, str> {
            "Sort".into()
        }

        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            // One or more keys, comma-separated, each an optional `-` and a property with no
            // whitespace or comma that does not start with `-`: what `Sort::parse` accepts.
            json_schema!({
                "description": "Comma-separated properties to sort by, the first the most \
                    significant; a leading `-` sorts that property in descending order.",
                "type": "string",
                "pattern": "^-?[^\\s,-][^\\s,]*(,-?[^\\s,-][^\\s,]*)*$",
                "examples": ["-createdAt", "name,-updatedAt"]
            })
        }
    }
}
