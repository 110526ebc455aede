//! What the commands do differently per family: the list filter and the AWS regions.

use cckm_sync::{
    AwsScope, AzureScope, DsmScope, ExternalCmScope, FamilyScope, GoogleScope, ListSyncJobs, OciScope, SalesforceScope,
    SapScope, StartJob,
};

/// A family's scope type, with the options of `jobs list` and `jobs start` that only some
/// families take.
pub(crate) trait Family: FamilyScope + Send + Sync {
    /// The query with `--filter` values: the family's scope filter (`kms`, `key_vaults`, …).
    fn filter(query: ListSyncJobs<Self>, values: Vec<String>) -> Result<ListSyncJobs<Self>, String> {
        let _ = (query, values);
        Err(format!(
            "{} lists take no --filter: the server filters them by id and status only",
            Self::FAMILY_ID.spec().title
        ))
    }

    /// The start request with `--region` values: AWS regions.
    fn regions(start: StartJob<Self>, regions: Vec<String>) -> Result<StartJob<Self>, String> {
        let _ = (start, regions);
        Err(format!(
            "--region applies to AWS jobs only, not {} jobs",
            Self::FAMILY_ID.spec().title
        ))
    }
}

/// `--filter` with an empty value: the message names the flag rather than the parameter.
fn filtered<S: FamilyScope>(result: Result<ListSyncJobs<S>, cckm_sync::QueryError>) -> Result<ListSyncJobs<S>, String> {
    result.map_err(|error| format!("--filter: {error}"))
}

impl Family for AwsScope {
    fn filter(query: ListSyncJobs<Self>, values: Vec<String>) -> Result<ListSyncJobs<Self>, String> {
        filtered(query.kms(values))
    }

    fn regions(start: StartJob<Self>, regions: Vec<String>) -> Result<StartJob<Self>, String> {
        start.regions(regions).map_err(|error| format!("--region: {error}"))
    }
}

impl Family for AzureScope {
    fn filter(query: ListSyncJobs<Self>, values: Vec<String>) -> Result<ListSyncJobs<Self>, String> {
        filtered(query.key_vaults(values))
    }
}

impl Family for GoogleScope {
    fn filter(query: ListSyncJobs<Self>, values: Vec<String>) -> Result<ListSyncJobs<Self>, String> {
        filtered(query.key_rings(values))
    }
}

impl Family for OciScope {
    fn filter(query: ListSyncJobs<Self>, values: Vec<String>) -> Result<ListSyncJobs<Self>, String> {
        filtered(query.vaults(values))
    }
}

impl Family for SapScope {
    fn filter(query: ListSyncJobs<Self>, values: Vec<String>) -> Result<ListSyncJobs<Self>, String> {
        filtered(query.groups(values))
    }
}

impl Family for SalesforceScope {
    fn filter(query: ListSyncJobs<Self>, values: Vec<String>) -> Result<ListSyncJobs<Self>, String> {
        filtered(query.organizations(values))
    }
}

impl Family for DsmScope {}

impl Family for ExternalCmScope {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_family_with_a_list_filter_takes_filter_values_and_the_others_say_no() {
        fn check<S: Family>() {
            let result = S::filter(ListSyncJobs::new(), vec!["item".to_owned()]);
            match S::FAMILY_ID.spec().list_filter {
                Some(name) => assert_eq!(result.unwrap().to_query_string(), format!("{name}=item")),
                None => assert!(result.unwrap_err().contains("take no --filter")),
            }
        }
        check::<AwsScope>();
        check::<AzureScope>();
        check::<GoogleScope>();
        check::<OciScope>();
        check::<SapScope>();
        check::<SalesforceScope>();
        check::<DsmScope>();
        check::<ExternalCmScope>();
    }

    #[test]
    fn regions_are_for_aws_jobs_only() {
        let aws = AwsScope::regions(StartJob::all(), vec!["us-east-1".to_owned()]).unwrap();
        assert_eq!(
            serde_json::to_string(&aws).unwrap(),
            r#"{"synchronize_all":true,"regions":["us-east-1"]}"#
        );
        let error = GoogleScope::regions(StartJob::all(), vec!["us-east-1".to_owned()]).unwrap_err();
        assert_eq!(error, "--region applies to AWS jobs only, not Google Cloud jobs");
    }
}
