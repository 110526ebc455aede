//! The cloud-specific part of a job: which items it synchronizes.
//!
//! Every family lists its scope as one or two string arrays (`kms`, `regions`, `key_vaults`,
//! …). A scope type names the arrays of one family; [`SyncJob<S>`](crate::SyncJob) is generic
//! over it, so a caller of the AWS endpoint reads `job.scope.kms` without matching on clouds,
//! while [`AnyScope`] holds the arrays of every family for code that handles all jobs: of a
//! job, it types only the arrays of the job's own family (from its `cloud`), as the other
//! names mean nothing, or something else, on other clouds.

use std::fmt;

use serde::Serialize;

use crate::cloud::{Cloud, CloudFamily};
use crate::request::options::{AwsStartOptions, AzureStartOptions, NoStartOptions, StartOptions};

mod sealed {
    pub trait Sealed {}
}

/// The scope fields of the jobs of one family, or of any family ([`AnyScope`]).
///
/// Sealed: the set of scope types is part of this crate's contract.
pub trait JobScope:
    sealed::Sealed + Clone + Default + fmt::Debug + PartialEq + Eq + Serialize + Send + Sync + 'static
{
    /// The wire names of the arrays this scope holds, in serialization order.
    const FIELDS: &'static [&'static str];

    /// The family whose jobs carry exactly these fields; `None` for [`AnyScope`].
    const FAMILY: Option<CloudFamily>;

    /// The array stored under the wire name `field`, if this scope has such a field and the
    /// job carried it.
    fn list(&self, field: &str) -> Option<&[String]>;

    /// The wire names this scope reads as string arrays in a job of `cloud` (`None`: a job
    /// whose cloud is not known yet). A family scope types its fields whatever the cloud;
    /// [`AnyScope`] only those of the cloud's family, and none for a cloud this crate does not
    /// know: there, a field named `groups` or `regions` is an unknown field, kept as it is.
    ///
    /// ```
    /// use cckm_sync::{AnyScope, AwsScope, Cloud, JobScope};
    ///
    /// assert_eq!(AnyScope::typed_fields(Some(&Cloud::from("gcp"))), ["key_rings"]);
    /// assert!(AnyScope::typed_fields(Some(&Cloud::from("hsm-luna"))).is_empty());
    /// assert_eq!(AwsScope::typed_fields(Some(&Cloud::from("hsm-luna"))), ["regions", "kms"]);
    /// ```
    fn typed_fields(cloud: Option<&Cloud>) -> &'static [&'static str] {
        if Self::FAMILY.is_some() {
            return Self::FIELDS;
        }
        match cloud.and_then(Cloud::family) {
            Some(family) => family.spec().job_scope_fields,
            None => &[],
        }
    }

    /// The static wire name of the field `field`, if this scope has it.
    #[doc(hidden)]
    fn field_name(field: &str) -> Option<&'static str> {
        Self::FIELDS.iter().copied().find(|name| *name == field)
    }

    /// The slot of the wire name `field`, or `None` if this scope has no such field.
    #[doc(hidden)]
    fn slot_mut(&mut self, field: &str) -> Option<&mut Option<Vec<String>>>;
}

/// A scope type of exactly one family, usable for list queries and start requests.
///
/// With the `schemars` feature, every family scope has a JSON Schema, and so do the job, page
/// and start request of its family: code that a [`FamilyVisitor`](crate::FamilyVisitor) runs
/// for any family can generate or check them.
pub trait FamilyScope: JobScope + SchemaWhenEnabled {
    /// The family of this scope.
    const FAMILY_ID: CloudFamily;

    /// The optional fields of the family's start request, besides the scope: see
    /// [`StartJob`](crate::StartJob).
    type StartOptions: StartOptions;
}

/// `schemars::JsonSchema` with the `schemars` feature, nothing without it: a bound of
/// [`FamilyScope`] that follows the feature.
#[cfg(feature = "schemars")]
#[doc(hidden)]
pub trait SchemaWhenEnabled: schemars::JsonSchema {}

#[cfg(feature = "schemars")]
impl<T: schemars::JsonSchema> SchemaWhenEnabled for T {}

/// `schemars::JsonSchema` with the `schemars` feature, nothing without it: a bound of
/// [`FamilyScope`] that follows the feature.
#[cfg(not(feature = "schemars"))]
#[doc(hidden)]
pub trait SchemaWhenEnabled {}

#[cfg(not(feature = "schemars"))]
impl<T> SchemaWhenEnabled for T {}

macro_rules! scope {
    (
        $(#[$meta:meta])*
        $name:ident, prefix = $prefix:literal, family = $family:expr;
        $( $(#[$field_meta:meta])* $field:ident: $wire:literal, )+
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
        #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
        // The schema name is the family prefix of `{S}SyncJob`: the scope is always inlined
        // into its job's schema and never published on its own.
        #[cfg_attr(feature = "schemars", schemars(rename = $prefix))]
        pub struct $name {
            $(
                $(#[$field_meta])*
                #[serde(rename = $wire, skip_serializing_if = "Option::is_none")]
                pub $field: Option<Vec<String>>,
            )+
        }

        impl sealed::Sealed for $name {}

        impl JobScope for $name {
            const FIELDS: &'static [&'static str] = &[$($wire),+];
            const FAMILY: Option<CloudFamily> = $family;

            fn list(&self, field: &str) -> Option<&[String]> {
                match field {
                    $($wire => self.$field.as_deref(),)+
                    _ => None,
                }
            }

            fn slot_mut(&mut self, field: &str) -> Option<&mut Option<Vec<String>>> {
                match field {
                    $($wire => Some(&mut self.$field),)+
                    _ => None,
                }
            }
        }
    };
}

macro_rules! family_scope {
    ($name:ident => $family:ident) => {
        family_scope!($name => $family, NoStartOptions);
    };
    ($name:ident => $family:ident, $options:ident) => {
        impl FamilyScope for $name {
            const FAMILY_ID: CloudFamily = CloudFamily::$family;
            type StartOptions = $options;
        }
    };
}

scope! {
    /// Scope of an AWS key or custom key store synchronization job.
    AwsScope, prefix = "Aws", family = Some(CloudFamily::Aws);
    /// AWS regions synchronized; absent when the job covers every region of its KMS.
    regions: "regions",
    /// Names of the CipherTrust AWS KMS resources synchronized.
    kms: "kms",
}
family_scope!(AwsScope => Aws, AwsStartOptions);

scope! {
    /// Scope of an Azure key, certificate or secret synchronization job.
    AzureScope, prefix = "Azure", family = Some(CloudFamily::Azure);
    /// Key vaults synchronized, as `<vault name>::<vault id>`.
    key_vaults: "key_vaults",
}
family_scope!(AzureScope => Azure, AzureStartOptions);

scope! {
    /// Scope of a Google Cloud key ring synchronization job.
    GoogleScope, prefix = "Google", family = Some(CloudFamily::Google);
    /// Key rings synchronized, as `projects/<p>/locations/<l>/keyRings/<k>`.
    key_rings: "key_rings",
}
family_scope!(GoogleScope => Google);

scope! {
    /// Scope of an Oracle Cloud Infrastructure vault synchronization job.
    OciScope, prefix = "Oci", family = Some(CloudFamily::Oci);
    /// OCI vaults synchronized.
    vaults: "vaults",
}
family_scope!(OciScope => Oci);

scope! {
    /// Scope of an SAP Data Custodian group synchronization job.
    SapScope, prefix = "Sap", family = Some(CloudFamily::Sap);
    /// SAP groups synchronized.
    groups: "groups",
}
family_scope!(SapScope => Sap);

scope! {
    /// Scope of a Salesforce key or certificate synchronization job.
    SalesforceScope, prefix = "Salesforce", family = Some(CloudFamily::Salesforce);
    /// Salesforce organization ids synchronized. The server reuses the AWS field name
    /// `kms` for them in the job, while list filters and start requests call them
    /// `organizations` and `organization_ids`.
    kms: "kms",
}
family_scope!(SalesforceScope => Salesforce);

scope! {
    /// Scope of a Data Security Manager domain refresh job.
    DsmScope, prefix = "Dsm", family = Some(CloudFamily::Dsm);
    /// DSM domain ids refreshed.
    domains: "domains",
}
family_scope!(DsmScope => Dsm);

scope! {
    /// Scope of an external CipherTrust Manager domain refresh job.
    ExternalCmScope, prefix = "ExternalCm", family = Some(CloudFamily::ExternalCm);
    /// Domain ids of the external CipherTrust Manager refreshed.
    domains: "domains",
}
family_scope!(ExternalCmScope => ExternalCm);

scope! {
    /// The scope arrays of every family, for a job of any cloud.
    ///
    /// A parsed job holds only the arrays of its own family ([`JobScope::typed_fields`]); see
    /// [`SyncJob::into_family`](crate::SyncJob::into_family) to get the precise type.
    AnyScope, prefix = "", family = None;
    /// AWS regions.
    regions: "regions",
    /// AWS KMS names; for Salesforce jobs, organization ids.
    kms: "kms",
    /// Azure key vaults.
    key_vaults: "key_vaults",
    /// Google Cloud key rings.
    key_rings: "key_rings",
    /// OCI vaults.
    vaults: "vaults",
    /// SAP groups.
    groups: "groups",
    /// DSM or external CipherTrust Manager domains.
    domains: "domains",
}
