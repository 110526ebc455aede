//! The one dispatch from a family chosen at run time ([`CloudFamily`]) to its types.
//!
//! Code that handles the jobs of any family is written once, generic over the family's scope
//! type `S` ([`SyncJob<S>`](crate::SyncJob), [`Page<SyncJob<S>>`](crate::Page),
//! [`ListSyncJobs<S>`](crate::ListSyncJobs), [`StartJob<S>`](crate::StartJob)), and
//! [`CloudFamily::visit`] runs it with the scope type of the family at hand. The match from
//! family to type is here and nowhere else: a new family fails to compile here until its
//! scope type is named, and every crate's generic code then serves it.

use crate::cloud::CloudFamily;
use crate::scope::{
    AwsScope, AzureScope, DsmScope, ExternalCmScope, FamilyScope, GoogleScope, OciScope, SalesforceScope, SapScope,
};

/// Code to run with the scope type of a family chosen at run time: see [`CloudFamily::visit`].
///
/// ```
/// use cckm_sync::{CloudFamily, FamilyScope, FamilyVisitor, ListSyncJobs, QueryError};
///
/// /// Parses a list query of the family it is run for.
/// struct ParseQuery<'a>(&'a str);
///
/// impl FamilyVisitor for ParseQuery<'_> {
///     type Output = Result<usize, QueryError>;
///
///     fn visit<S: FamilyScope>(self) -> Self::Output {
///         let query = ListSyncJobs::<S>::from_query_str(self.0)?;
///         Ok(query.get_scope_filter().len())
///     }
/// }
///
/// assert_eq!(CloudFamily::Azure.visit(ParseQuery("key_vaults=a&key_vaults=b")), Ok(2));
/// assert!(CloudFamily::Aws.visit(ParseQuery("key_vaults=a")).is_err());
/// ```
pub trait FamilyVisitor {
    /// What the visit gives back.
    type Output;

    /// Runs with `S`, the scope type of the family.
    fn visit<S: FamilyScope>(self) -> Self::Output;
}

impl CloudFamily {
    /// Runs `visitor` with the scope type of this family ([`AwsScope`] for
    /// [`CloudFamily::Aws`], …).
    pub fn visit<V: FamilyVisitor>(self, visitor: V) -> V::Output {
        match self {
            Self::Aws => visitor.visit::<AwsScope>(),
            Self::Azure => visitor.visit::<AzureScope>(),
            Self::Google => visitor.visit::<GoogleScope>(),
            Self::Oci => visitor.visit::<OciScope>(),
            Self::Sap => visitor.visit::<SapScope>(),
            Self::Salesforce => visitor.visit::<SalesforceScope>(),
            Self::Dsm => visitor.visit::<DsmScope>(),
            Self::ExternalCm => visitor.visit::<ExternalCmScope>(),
        }
    }
}
