//! The parts of a start request: the items it lists, what it selects, and why one could not
//! be built.

use std::fmt;

use serde::ser::{Serialize, Serializer};

/// Why a start request could not be built.
///
/// ```
/// use cckm_sync::{AwsStartJob, StartError};
///
/// assert_eq!(AwsStartJob::items(Vec::<String>::new()), Err(StartError::EmptyList));
/// assert_eq!(AwsStartJob::items(["kms-1", ""]), Err(StartError::EmptyItem { index: 1 }));
/// assert_eq!(
///     StartError::EmptyItem { index: 1 }.to_string(),
///     "item 1 of a start request list is an empty string",
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StartError {
    /// A list has no item. A scope list selects at least one item (use [`StartJob::all`](crate::StartJob::all) for
    /// every item) and an AWS `regions` list at least one region (leave it out for every
    /// region).
    EmptyList,
    /// Item `index` (from 0) of a list is an empty string.
    EmptyItem {
        /// Position of the empty item in the list, from 0.
        index: usize,
    },
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EmptyList => f.write_str("a start request list must hold at least one item"),
            Self::EmptyItem { index } => write!(f, "item {index} of a start request list is an empty string"),
        }
    }
}

impl std::error::Error for StartError {}

/// A non-empty list of non-empty strings, such as the scope items of a start request.
///
/// ```
/// use cckm_sync::{ScopeItems, StartError};
///
/// let items = ScopeItems::new(["kms-1", "kms-2"])?;
/// assert_eq!(items.as_slice(), ["kms-1", "kms-2"]);
/// assert_eq!(ScopeItems::new([""; 0]), Err(StartError::EmptyList));
/// # Ok::<(), StartError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ScopeItems(pub(super) Vec<String>);

impl ScopeItems {
    /// Collects `items`; fails if there is none or if one is an empty string.
    pub fn new<I>(items: I) -> Result<Self, StartError>
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        Self::try_from(items.into_iter().map(Into::into).collect::<Vec<String>>())
    }

    /// The items, in order.
    pub fn as_slice(&self) -> &[String] {
        &self.0
    }

    /// The items, in order.
    pub fn into_vec(self) -> Vec<String> {
        self.0
    }
}

impl TryFrom<Vec<String>> for ScopeItems {
    type Error = StartError;

    /// Takes `items`; fails if there is none or if one is an empty string.
    fn try_from(items: Vec<String>) -> Result<Self, StartError> {
        check_list(&items)?;
        Ok(Self(items))
    }
}

impl AsRef<[String]> for ScopeItems {
    fn as_ref(&self) -> &[String] {
        &self.0
    }
}

impl From<ScopeItems> for Vec<String> {
    fn from(items: ScopeItems) -> Self {
        items.0
    }
}

impl IntoIterator for ScopeItems {
    type Item = String;
    type IntoIter = std::vec::IntoIter<String>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a ScopeItems {
    type Item = &'a String;
    type IntoIter = std::slice::Iter<'a, String>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl Serialize for ScopeItems {
    fn serialize<Z: Serializer>(&self, serializer: Z) -> Result<Z::Ok, Z::Error> {
        self.0.serialize(serializer)
    }
}

fn check_list(items: &[String]) -> Result<(), StartError> {
    if items.is_empty() {
        return Err(StartError::EmptyList);
    }
    match items.iter().position(String::is_empty) {
        Some(index) => Err(StartError::EmptyItem { index }),
        None => Ok(()),
    }
}

/// What a start request selects: every item, or a list of items.
///
/// ```
/// use cckm_sync::{ScopeItems, Target};
///
/// let target = Target::Items(ScopeItems::new(["kms-1"])?);
/// assert_eq!(target.items(), Some(&["kms-1".to_owned()][..]));
/// assert_eq!(Target::All.items(), None);
/// # Ok::<(), cckm_sync::StartError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// Every item the connection reaches: `"synchronize_all": true`.
    All,
    /// These items, under the family's scope field (`kms`, `key_vaults`, …).
    Items(ScopeItems),
}

impl Target {
    /// Whether this is [`Target::All`].
    pub fn is_all(&self) -> bool {
        matches!(self, Self::All)
    }

    /// The listed items; `None` for [`Target::All`].
    pub fn items(&self) -> Option<&[String]> {
        match self {
            Self::All => None,
            Self::Items(items) => Some(items.as_slice()),
        }
    }
}
