//! A list query of the mock, whatever its family: its parser, and the properties a list sorts
//! by, compared.

use std::cmp::Ordering;

use cckm_sync::endpoints::{DEFAULT_SORT, Endpoint, SortProperty};
use cckm_sync::{FamilyScope, FamilyVisitor, JobScope, Limit, ListSyncJobs, OverallStatus, Sort, SyncJob};
use uuid::Uuid;

use crate::job::Snapshot;

/// A list query, whatever its family.
#[derive(Clone, Debug)]
pub(crate) struct Query {
    pub(crate) id: Option<Uuid>,
    pub(crate) status: Option<OverallStatus>,
    pub(crate) filter: Vec<String>,
    pub(crate) skip: Option<u64>,
    pub(crate) limit: Option<Limit>,
    pub(crate) sort: Sort,
}

/// The page size without `limit` (confirmed: the vendor's documentation).
pub(crate) const DEFAULT_LIMIT: u32 = 10;

/// Reads the query string of a list call of `endpoint`'s family with the family's
/// [`ListSyncJobs`], which checks every parameter as the server would.
pub(crate) fn parse_query(endpoint: &Endpoint, raw: Option<&str>) -> Result<Query, String> {
    endpoint.family.visit(ParseQuery(raw.unwrap_or_default()))
}

struct ParseQuery<'a>(&'a str);

impl FamilyVisitor for ParseQuery<'_> {
    type Output = Result<Query, String>;

    fn visit<S: FamilyScope>(self) -> Self::Output {
        let query = ListSyncJobs::<S>::from_query_str(self.0).map_err(|error| error.to_string())?;
        Ok(Query {
            id: query.get_id(),
            status: query.get_overall_status().cloned(),
            filter: query.get_scope_filter().to_vec(),
            skip: query.get_skip(),
            limit: query.get_limit(),
            sort: match query.get_sort() {
                Some(sort) => sort.clone(),
                None => Sort::parse(DEFAULT_SORT).map_err(|error| error.to_string())?,
            },
        })
    }
}

/// A property of [`FamilySpec::sort_properties`], resolved from its name once per list call
/// rather than on every comparison of a sort.
///
/// [`FamilySpec::sort_properties`]: cckm_sync::endpoints::FamilySpec::sort_properties
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Property(pub(crate) SortProperty);

impl Property {
    /// The property named `name`; `None` for a name the catalog does not know.
    pub(crate) fn of(name: &str) -> Option<Self> {
        SortProperty::from_name(name).map(Self)
    }

    /// Whether comparing by this property needs the jobs' state at a time.
    pub(crate) fn needs_snapshot(self) -> bool {
        matches!(
            self.0,
            SortProperty::UpdatedAt | SortProperty::CompletedAt | SortProperty::OverallStatus | SortProperty::Abort
        )
    }

    /// Compares two jobs. An absent value (`completed_at` of a running job, a missing scope
    /// list) sorts before any value; a job without a snapshot (not asked for) compares equal
    /// by the properties that need one.
    pub(crate) fn compare(self, a: (&SyncJob, Option<&Snapshot>), b: (&SyncJob, Option<&Snapshot>)) -> Ordering {
        let ((a, sa), (b, sb)) = (a, b);
        let by_snapshot = |compare: fn(&Snapshot, &Snapshot) -> Ordering| match (sa, sb) {
            (Some(sa), Some(sb)) => compare(sa, sb),
            _ => Ordering::Equal,
        };
        match self.0 {
            SortProperty::Id => a.id.cmp(&b.id),
            SortProperty::Uri => a.uri.cmp(&b.uri),
            SortProperty::Account => a.account.cmp(&b.account),
            SortProperty::Application => a.application.cmp(&b.application),
            SortProperty::DevAccount => a.dev_account.cmp(&b.dev_account),
            SortProperty::CreatedAt => a.created_at.cmp(&b.created_at),
            SortProperty::UpdatedAt => by_snapshot(|a, b| a.updated_at.cmp(&b.updated_at)),
            SortProperty::CompletedAt => by_snapshot(|a, b| a.completed_at.cmp(&b.completed_at)),
            SortProperty::OverallStatus => by_snapshot(|a, b| a.status.as_str().cmp(b.status.as_str())),
            SortProperty::Cloud => a.cloud.as_str().cmp(b.cloud.as_str()),
            SortProperty::Abort => by_snapshot(|a, b| a.abort.cmp(&b.abort)),
            SortProperty::Scope(field) => a.scope.list(field).cmp(&b.scope.list(field)),
        }
    }
}

#[cfg(test)]
mod tests {
    use cckm_sync::endpoints::ENDPOINTS;
    use chrono::{DateTime, Utc};

    use super::*;
    use crate::job::StoredJob;

    #[test]
    fn every_sort_property_of_the_catalog_is_compared() {
        let job: SyncJob = serde_json::from_str(
            r#"{"id":"0ea5d52e-387c-44fa-b079-21c8b768f77b","uri":"u","account":"a","application":"p",
            "devAccount":"d","createdAt":"2020-11-05T06:39:45Z","updatedAt":"2020-11-05T06:39:57Z",
            "overall_status":"completed","cloud":"aws","kms":["kms"],"abort":false}"#,
        )
        .unwrap();
        let snapshot = StoredJob {
            endpoint: &ENDPOINTS[0],
            record: job.clone().into(),
            plan: None,
        }
        .snapshot(DateTime::<Utc>::MIN_UTC);
        let mut later = job.clone();
        later.created_at += chrono::TimeDelta::seconds(1);
        for family in cckm_sync::CloudFamily::ALL {
            for name in family.spec().sort_properties() {
                let property = Property::of(name).unwrap_or_else(|| panic!("{name} is not compared"));
                let same = property.compare((&job, Some(&snapshot)), (&job, Some(&snapshot)));
                assert_eq!(same, Ordering::Equal, "{name}");
            }
        }
        assert_eq!(
            Property(SortProperty::CreatedAt).compare((&job, None), (&later, None)),
            Ordering::Less
        );
        assert_eq!(Property::of("detailed_status"), None);
    }
}
