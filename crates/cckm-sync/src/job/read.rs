//! A job read as the server's Go decoder reads it: `null` is no value, the last occurrence of
//! a field counts, and the scope arrays are typed for the job's own cloud.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, MapAccess};

use super::{
    ABORT, ACCOUNT, APPLICATION, CLOUD, COMPLETED_AT, CREATED_AT, DETAILED_STATUS, DEV_ACCOUNT, ID, OVERALL_STATUS,
    SyncJob, UPDATED_AT, URI,
};
use crate::cloud::{Cloud, CloudFamily};
use crate::fields::{NullFields, UnknownFields};
use crate::raw::RawJson;
use crate::scope::JobScope;
use crate::timestamp::Rfc3339;
use crate::wire::{self, Key};

impl<'de, S: JobScope> Deserialize<'de> for SyncJob<S> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(JobVisitor(PhantomData))
    }
}

struct JobVisitor<S>(PhantomData<S>);

impl<'de, S: JobScope> de::Visitor<'de> for JobVisitor<S> {
    type Value = SyncJob<S>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a synchronization job object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SyncJob<S>, A::Error> {
        let mut id = None;
        let mut uri = None;
        let mut account = None;
        let mut application = None;
        let mut dev_account = None;
        let mut created_at = None;
        let mut updated_at = None;
        let mut completed_at = None;
        let mut overall_status = None;
        let mut detailed_status = None;
        let mut cloud: Option<Cloud> = None;
        let mut abort = None;
        let mut scope = S::default();
        let mut null_fields = NullFields::new();
        let mut unknown_fields = UnknownFields::new();
        // Every occurrence of a field that `AnyScope` types for some clouds, read before
        // `cloud`: kept raw, and in `unknown_fields` for its place, until the cloud says.
        let mut pending: Vec<(&'static str, RawJson)> = Vec::new();

        while let Some(Key(key)) = map.next_key()? {
            match &*key {
                ID => id = Some(map.next_value::<wire::HyphenatedUuid>()?.0),
                URI => uri = Some(map.next_value()?),
                ACCOUNT => account = Some(map.next_value()?),
                APPLICATION => application = Some(map.next_value()?),
                DEV_ACCOUNT => dev_account = Some(map.next_value()?),
                CREATED_AT => created_at = Some(map.next_value::<Rfc3339>()?.0),
                UPDATED_AT => updated_at = Some(map.next_value::<Rfc3339>()?.0),
                COMPLETED_AT => {
                    completed_at = map.next_value::<Option<Rfc3339>>()?.map(|time| time.0);
                    null_fields.set(COMPLETED_AT, completed_at.is_none());
                }
                OVERALL_STATUS => overall_status = Some(map.next_value()?),
                DETAILED_STATUS => {
                    detailed_status = map.next_value()?;
                    null_fields.set(DETAILED_STATUS, detailed_status.is_none());
                }
                CLOUD => {
                    let read = map.next_value_seed(CloudSeed(S::FAMILY))?;
                    let typed = S::typed_fields(Some(&read));
                    if let Some(previous) = &cloud {
                        // A repeated `cloud` (the last wins) may type other arrays than the
                        // one before it did.
                        let before = S::typed_fields(Some(previous));
                        retype(&mut scope, &mut null_fields, &mut unknown_fields, before, typed)?;
                    }
                    for (field, raw) in pending.drain(..) {
                        if typed.contains(&field) {
                            unknown_fields.remove(field);
                            let list: Option<Vec<String>> = wire::parse_raw_field(&raw, field)?;
                            set_scope(&mut scope, &mut null_fields, field, list);
                        }
                    }
                    cloud = Some(read);
                }
                ABORT => abort = Some(map.next_value()?),
                other => match S::field_name(other) {
                    Some(field) if cloud.is_none() && S::FAMILY.is_none() => {
                        let raw: RawJson = map.next_value()?;
                        unknown_fields.insert(field, raw.clone());
                        pending.push((field, raw));
                    }
                    Some(field) if S::typed_fields(cloud.as_ref()).contains(&field) => {
                        let list = map.next_value::<Option<Vec<String>>>()?;
                        set_scope(&mut scope, &mut null_fields, field, list);
                    }
                    _ => {
                        let value: RawJson = map.next_value()?;
                        unknown_fields.insert(key.into_owned(), value);
                    }
                },
            }
        }

        Ok(SyncJob {
            id: wire::required(id, ID)?,
            uri: wire::required(uri, URI)?,
            account: wire::required(account, ACCOUNT)?,
            application: wire::required(application, APPLICATION)?,
            dev_account: wire::required(dev_account, DEV_ACCOUNT)?,
            created_at: wire::required(created_at, CREATED_AT)?,
            updated_at: wire::required(updated_at, UPDATED_AT)?,
            completed_at,
            overall_status: wire::required(overall_status, OVERALL_STATUS)?,
            detailed_status,
            cloud: wire::required(cloud, CLOUD)?,
            scope,
            abort: wire::required(abort, ABORT)?,
            null_fields,
            unknown_fields,
        })
    }
}

/// Moves the scope arrays typed by a cloud (`before`) but not by the cloud that replaces it
/// (`after`) to the unknown fields, and the unknown fields typed by `after` only into the
/// scope, checking them.
fn retype<S: JobScope, E: de::Error>(
    scope: &mut S,
    null_fields: &mut NullFields,
    unknown_fields: &mut UnknownFields,
    before: &[&'static str],
    after: &[&'static str],
) -> Result<(), E> {
    for &field in S::FIELDS {
        match (before.contains(&field), after.contains(&field)) {
            (true, false) => {
                let list = scope.slot_mut(field).and_then(Option::take);
                let null = null_fields.remove(field);
                let raw = match list {
                    Some(list) => RawJson::from_serialize(&list).map_err(E::custom)?,
                    None if null => RawJson::null(),
                    None => continue,
                };
                unknown_fields.insert(field, raw);
            }
            (false, true) => {
                if let Some(raw) = unknown_fields.remove(field) {
                    let list: Option<Vec<String>> = wire::parse_raw_field(&raw, field)?;
                    set_scope(scope, null_fields, field, list);
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Stores a scope array read from the wire: `None` for `null`.
fn set_scope<S: JobScope>(scope: &mut S, null_fields: &mut NullFields, field: &'static str, list: Option<Vec<String>>) {
    null_fields.set(field, list.is_none());
    if let Some(slot) = scope.slot_mut(field) {
        *slot = list;
    }
}

/// Reads `cloud`, refusing a cloud of another family than the expected one, if any. The
/// check runs inside the value, so the error names `/cloud`.
struct CloudSeed(Option<CloudFamily>);

impl<'de> de::DeserializeSeed<'de> for CloudSeed {
    type Value = Cloud;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Cloud, D::Error> {
        let cloud = Cloud::deserialize(deserializer)?;
        match (self.0, cloud.family()) {
            (Some(expected), Some(family)) if family != expected => Err(de::Error::custom(format_args!(
                "{:?} is the cloud of {family} jobs, not of {expected} jobs",
                cloud.as_str()
            ))),
            _ => Ok(cloud),
        }
    }
}
