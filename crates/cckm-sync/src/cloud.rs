//! `cloud`: which cloud a job ran against, and the family of endpoints it belongs to.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

use crate::unknown::UnknownValue;

/// The `cloud` of a job.
///
/// Open: a value this crate does not know parses as [`Cloud::Unknown`] and keeps its text.
/// Azure jobs carry the name of the Azure cloud of their connection rather than one fixed
/// value; every such name, including a new one that starts with `Azure`, is [`Cloud::Azure`].
///
/// ```
/// use cckm_sync::{AzureEnvironment, Cloud, CloudFamily};
///
/// assert_eq!(Cloud::from("AzureChinaCloud"), Cloud::Azure(AzureEnvironment::China));
/// assert_eq!(Cloud::from("AzureChinaCloud").family(), Some(CloudFamily::Azure));
/// assert_eq!(Cloud::from("gcp").family(), Some(CloudFamily::Google));
/// assert_eq!(Cloud::from("hsm-luna").family(), None);
/// assert_eq!(Cloud::from("hsm-luna").as_str(), "hsm-luna");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Cloud {
    /// Amazon Web Services (`aws`), for keys and custom key stores.
    Aws,
    /// Microsoft Azure, named after the connection's Azure cloud (`AzureCloud`, …).
    Azure(AzureEnvironment),
    /// Google Cloud (`gcp`).
    Gcp,
    /// Oracle Cloud Infrastructure (`oci`).
    Oci,
    /// SAP Data Custodian (`sap`).
    Sap,
    /// Salesforce (`sfdc`).
    Salesforce,
    /// Thales Data Security Manager domains (`dsm`).
    Dsm,
    /// An external CipherTrust Manager (`externalCM`).
    ExternalCm,
    /// A cloud this crate does not know yet (Luna HSM jobs among them), kept verbatim.
    Unknown(UnknownValue),
}

/// The Azure cloud of an Azure job's connection.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AzureEnvironment {
    /// Azure public cloud (`AzureCloud`).
    Public,
    /// Azure China (`AzureChinaCloud`).
    China,
    /// Azure US Government (`AzureUSGovernment`).
    UsGovernment,
    /// Azure Germany (`AzureGermanCloud`).
    Germany,
    /// Azure Stack (`AzureStack`).
    Stack,
    /// Another Azure cloud name (it starts with `Azure`), kept verbatim.
    Unknown(UnknownValue),
}

/// A family of sync or refresh endpoints: the jobs of one family share their scope fields.
///
/// ```
/// use cckm_sync::CloudFamily;
///
/// assert_eq!(CloudFamily::Salesforce.spec().list_filter, Some("organizations"));
/// assert_eq!(CloudFamily::ALL.len(), 8);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum CloudFamily {
    /// AWS keys and custom key stores.
    Aws,
    /// Azure keys, certificates and secrets.
    Azure,
    /// Google Cloud key rings.
    Google,
    /// Oracle Cloud Infrastructure vaults.
    Oci,
    /// SAP Data Custodian groups.
    Sap,
    /// Salesforce keys and certificates.
    Salesforce,
    /// Data Security Manager domain refresh.
    Dsm,
    /// External CipherTrust Manager domain refresh.
    ExternalCm,
}

impl CloudFamily {
    /// Every family, in catalog order.
    pub const ALL: [CloudFamily; 8] = [
        Self::Aws,
        Self::Azure,
        Self::Google,
        Self::Oci,
        Self::Sap,
        Self::Salesforce,
        Self::Dsm,
        Self::ExternalCm,
    ];
}

impl CloudFamily {
    /// The cloud of this family's jobs; for Azure, whose jobs carry the name of their
    /// connection's Azure cloud, the public cloud (`AzureCloud`).
    ///
    /// ```
    /// use cckm_sync::{Cloud, CloudFamily};
    ///
    /// assert_eq!(CloudFamily::Google.cloud().as_str(), "gcp");
    /// for family in CloudFamily::ALL {
    ///     assert_eq!(family.cloud().family(), Some(family));
    /// }
    /// ```
    pub fn cloud(self) -> Cloud {
        match self {
            Self::Aws => Cloud::Aws,
            Self::Azure => Cloud::Azure(AzureEnvironment::Public),
            Self::Google => Cloud::Gcp,
            Self::Oci => Cloud::Oci,
            Self::Sap => Cloud::Sap,
            Self::Salesforce => Cloud::Salesforce,
            Self::Dsm => Cloud::Dsm,
            Self::ExternalCm => Cloud::ExternalCm,
        }
    }
}

/// Azure jobs are named after the Azure SDK's cloud names, which all start with this.
const AZURE_PREFIX: &str = "Azure";

impl Cloud {
    /// The wire text of this cloud.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Aws => "aws",
            Self::Azure(environment) => environment.as_str(),
            Self::Gcp => "gcp",
            Self::Oci => "oci",
            Self::Sap => "sap",
            Self::Salesforce => "sfdc",
            Self::Dsm => "dsm",
            Self::ExternalCm => "externalCM",
            Self::Unknown(raw) => raw.as_str(),
        }
    }

    /// The endpoint family of jobs with this cloud, or `None` for an unknown cloud.
    pub fn family(&self) -> Option<CloudFamily> {
        Some(match self {
            Self::Aws => CloudFamily::Aws,
            Self::Azure(_) => CloudFamily::Azure,
            Self::Gcp => CloudFamily::Google,
            Self::Oci => CloudFamily::Oci,
            Self::Sap => CloudFamily::Sap,
            Self::Salesforce => CloudFamily::Salesforce,
            Self::Dsm => CloudFamily::Dsm,
            Self::ExternalCm => CloudFamily::ExternalCm,
            Self::Unknown(_) => return None,
        })
    }

    /// Whether this is a cloud (and, for Azure, a cloud name) this crate knows.
    pub fn is_known(&self) -> bool {
        !matches!(self, Self::Unknown(_) | Self::Azure(AzureEnvironment::Unknown(_)))
    }
}

impl AzureEnvironment {
    /// The wire text of this Azure cloud name.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Public => "AzureCloud",
            Self::China => "AzureChinaCloud",
            Self::UsGovernment => "AzureUSGovernment",
            Self::Germany => "AzureGermanCloud",
            Self::Stack => "AzureStack",
            Self::Unknown(raw) => raw.as_str(),
        }
    }
}

impl From<&str> for Cloud {
    fn from(raw: &str) -> Self {
        match raw {
            "aws" => Self::Aws,
            "AzureCloud" => Self::Azure(AzureEnvironment::Public),
            "AzureChinaCloud" => Self::Azure(AzureEnvironment::China),
            "AzureUSGovernment" => Self::Azure(AzureEnvironment::UsGovernment),
            "AzureGermanCloud" => Self::Azure(AzureEnvironment::Germany),
            "AzureStack" => Self::Azure(AzureEnvironment::Stack),
            // A new sovereign cloud is still an Azure job.
            azure if azure.starts_with(AZURE_PREFIX) => {
                Self::Azure(AzureEnvironment::Unknown(UnknownValue::new(azure)))
            }
            "gcp" => Self::Gcp,
            "oci" => Self::Oci,
            "sap" => Self::Sap,
            "sfdc" => Self::Salesforce,
            "dsm" => Self::Dsm,
            "externalCM" => Self::ExternalCm,
            other => Self::Unknown(UnknownValue::new(other)),
        }
    }
}

impl From<AzureEnvironment> for Cloud {
    fn from(environment: AzureEnvironment) -> Self {
        Self::Azure(environment)
    }
}

impl fmt::Display for Cloud {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for CloudFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.spec().title)
    }
}

impl Serialize for Cloud {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Cloud {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = Cloud;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a cloud name string such as \"aws\"")
            }
            fn visit_str<E: de::Error>(self, raw: &str) -> Result<Cloud, E> {
                Ok(Cloud::from(raw))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

/// A schema that matches exactly the `cloud` values of `family`'s jobs, as [`Cloud::family`]
/// reads them: the family's one name, or for Azure every name that starts with `Azure`.
#[cfg(feature = "schemars")]
pub(crate) fn family_clouds_schema(family: CloudFamily) -> serde_json::Value {
    match family {
        CloudFamily::Azure => serde_json::json!({"type": "string", "pattern": format!("^{AZURE_PREFIX}")}),
        other => serde_json::json!({"const": other.cloud().as_str()}),
    }
}

#[cfg(feature = "schemars")]
mod schema {
    use std::borrow::Cow;

    use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

    use super::Cloud;

    impl JsonSchema for Cloud {
        fn schema_name() -> Cow<'static, str> {
            "Cloud".into()
        }

        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            // Open on purpose: a cloud from a newer server must validate, as it parses.
            json_schema!({
                "type": "string",
                "description": "Cloud the job ran against. Known values: `aws`, `gcp`, `oci`, \
                    `sap`, `sfdc` (Salesforce), `dsm`, `externalCM`, and for Azure the name of \
                    the connection's Azure cloud (`AzureCloud`, `AzureChinaCloud`, \
                    `AzureUSGovernment`, `AzureGermanCloud`, `AzureStack`, or another name \
                    starting with `Azure`). Any other string is a cloud this contract does not \
                    know yet and must be accepted.",
                "examples": [
                    "aws", "AzureCloud", "AzureChinaCloud", "AzureUSGovernment",
                    "AzureGermanCloud", "AzureStack", "gcp", "oci", "sap", "sfdc", "dsm",
                    "externalCM"
                ]
            })
        }
    }
}
