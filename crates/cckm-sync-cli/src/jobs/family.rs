//! The options of `jobs list` and `jobs start` that only some families take: the list filter,
//! and the AWS regions. Which families take them is the catalog's to say.

use cckm_sync::{CloudFamily, FamilyScope, ListSyncJobs, QueryError, ScopeItems, StartJob, StartOptions as _};

/// The start option that `--region` sets.
const REGIONS: &str = "regions";

/// The query with `--filter` values: the family's scope filter (`kms`, `key_vaults`, …).
pub(crate) fn filter<S: FamilyScope>(query: ListSyncJobs<S>, values: Vec<String>) -> Result<ListSyncJobs<S>, String> {
    query.scope_filter(values).map_err(|error| match error {
        QueryError::NoScopeFilter { family } => format!(
            "{} lists take no --filter: the server filters them by id and status only",
            family.spec().title
        ),
        // `--filter` with an empty value: the message names the flag rather than the parameter.
        error => format!("--filter: {error}"),
    })
}

/// The start request with `--region` values: the `regions` option (AWS).
pub(crate) fn regions<S: FamilyScope>(mut start: StartJob<S>, regions: Vec<String>) -> Result<StartJob<S>, String> {
    let Some(slot) = start.options.items_mut(REGIONS) else {
        let takers: Vec<&str> = CloudFamily::ALL
            .into_iter()
            .filter(|family| family.spec().start_options.contains(&REGIONS))
            .map(|family| family.spec().title)
            .collect();
        return Err(format!(
            "--region applies to {} jobs only, not {} jobs",
            takers.join(" and "),
            S::FAMILY_ID.spec().title
        ));
    };
    *slot = Some(ScopeItems::new(regions).map_err(|error| format!("--region: {error}"))?);
    Ok(start)
}

#[cfg(test)]
mod tests {
    use cckm_sync::{AwsScope, FamilyVisitor, GoogleScope};

    use super::*;

    #[test]
    fn every_family_with_a_list_filter_takes_filter_values_and_the_others_say_no() {
        struct Check;
        impl FamilyVisitor for Check {
            type Output = ();
            fn visit<S: FamilyScope>(self) {
                let result = filter(ListSyncJobs::<S>::new(), vec!["item".to_owned()]);
                match S::FAMILY_ID.spec().list_filter {
                    Some(name) => assert_eq!(result.unwrap().to_query_string(), format!("{name}=item")),
                    None => assert!(result.unwrap_err().contains("take no --filter")),
                }
            }
        }
        for family in CloudFamily::ALL {
            family.visit(Check);
        }
    }

    #[test]
    fn regions_are_for_aws_jobs_only() {
        let aws = regions::<AwsScope>(StartJob::all(), vec!["us-east-1".to_owned()]).unwrap();
        assert_eq!(
            serde_json::to_string(&aws).unwrap(),
            r#"{"synchronize_all":true,"regions":["us-east-1"]}"#
        );
        let error = regions::<GoogleScope>(StartJob::all(), vec!["us-east-1".to_owned()]).unwrap_err();
        assert_eq!(error, "--region applies to AWS jobs only, not Google Cloud jobs");
    }
}
