//! What the mock's connections reach: the items `synchronize_all` selects, and how an item
//! becomes a `detailed_status` key.

use std::collections::BTreeMap;

use cckm_sync::{CloudFamily, ScopeItems};

/// The items each family's connections reach, which a start with `"synchronize_all": true`
/// selects, and the AWS regions a start without `regions` covers.
///
/// The defaults are a few realistic items per family, named as in the vendor's examples.
///
/// ```
/// use cckm_sync::{CloudFamily, ScopeItems};
/// use cckm_sync_mock::Inventory;
///
/// let mut inventory = Inventory::default();
/// assert!(!inventory.items(CloudFamily::Google).is_empty());
/// inventory.set_items(CloudFamily::Sap, ScopeItems::new(["group-1", "group-2"]).unwrap());
/// assert_eq!(inventory.items(CloudFamily::Sap), ["group-1", "group-2"]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inventory {
    items: BTreeMap<CloudFamily, ScopeItems>,
    aws_regions: ScopeItems,
}

impl Default for Inventory {
    /// The catalog's example items of each family
    /// ([`FamilySpec::example_items`](cckm_sync::endpoints::FamilySpec::example_items)), and
    /// three AWS regions.
    fn default() -> Self {
        let items =
            |list: &[&str]| ScopeItems::new(list.iter().copied()).expect("the catalog's example items are non-empty");
        Self {
            items: CloudFamily::ALL
                .into_iter()
                .map(|family| (family, items(family.spec().example_items)))
                .collect(),
            aws_regions: items(&["us-east-1", "eu-west-1", "ap-south-1"]),
        }
    }
}

impl Inventory {
    /// The items `"synchronize_all": true` selects for `family`: KMS names (AWS), key vaults
    /// (Azure), key rings (Google), vaults (OCI), groups (SAP), organization ids (Salesforce),
    /// domain ids (DSM, external CipherTrust Manager).
    pub fn items(&self, family: CloudFamily) -> &[String] {
        self.items.get(&family).map_or(&[], ScopeItems::as_slice)
    }

    /// Sets the items of `family`.
    pub fn set_items(&mut self, family: CloudFamily, items: ScopeItems) {
        self.items.insert(family, items);
    }

    /// The regions an AWS job covers when its start request names none.
    pub fn aws_regions(&self) -> &[String] {
        self.aws_regions.as_slice()
    }

    /// Sets the regions an AWS job covers when its start request names none.
    pub fn set_aws_regions(&mut self, regions: ScopeItems) {
        self.aws_regions = regions;
    }
}

/// FNV-1a: a stable hash, so that an item maps to the same made-up account or region on every
/// run and every machine (`std`'s hasher is seeded per process).
pub(crate) fn stable_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The AWS account of the connection of the KMS resource `kms`: a made-up 12-digit id, the
/// vendor example's `123456789012` for its KMS `kms`.
pub(crate) fn aws_account(kms: &str) -> String {
    if kms == "kms" {
        return "123456789012".to_owned();
    }
    format!("{:012}", stable_hash(kms) % 1_000_000_000_000)
}

/// The Azure region of the key vault `vault` (`<name>::<id>`): made up, stable.
pub(crate) fn azure_region(vault: &str) -> &'static str {
    const REGIONS: [&str; 4] = ["northcentralus", "eastus", "westeurope", "southeastasia"];
    if vault.starts_with("keyvault-softkeys::") {
        return REGIONS[0];
    }
    let index = usize::try_from(stable_hash(vault) % REGIONS.len() as u64).unwrap_or(0);
    REGIONS.get(index).copied().unwrap_or(REGIONS[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_up_accounts_and_regions_are_stable() {
        assert_eq!(aws_account("kms"), "123456789012");
        assert_eq!(aws_account("kms-prod"), aws_account("kms-prod"));
        assert_eq!(aws_account("kms-prod").len(), 12);
        assert_ne!(aws_account("kms-prod"), aws_account("kms-dev"));
        assert_eq!(
            azure_region("keyvault-softkeys::12e533dd-b5c2-4e58-a264-0cd812dc5a34"),
            "northcentralus"
        );
    }

    #[test]
    fn every_family_has_items() {
        let inventory = Inventory::default();
        for family in CloudFamily::ALL {
            assert!(!inventory.items(family).is_empty(), "{family:?}");
        }
    }
}
