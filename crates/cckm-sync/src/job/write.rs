//! A job written back as the server writes it: its fields in the server's order, its unknown
//! fields and its `null`s.

use chrono::{DateTime, Utc};
use serde::ser::{self, Serialize, SerializeMap, Serializer};

use super::{
    ABORT, ACCOUNT, APPLICATION, CLOUD, COMPLETED_AT, CREATED_AT, DETAILED_STATUS, DEV_ACCOUNT, ID, JOB_FIELDS,
    OVERALL_STATUS, SyncJob, UPDATED_AT, URI,
};
use crate::scope::JobScope;
use crate::timestamp;

impl<S: JobScope> Serialize for SyncJob<S> {
    fn serialize<Z: Serializer>(&self, serializer: Z) -> Result<Z::Ok, Z::Error> {
        let typed = S::typed_fields(Some(&self.cloud));
        let modeled = |key: &str| {
            JOB_FIELDS.contains(&key)
                || typed.contains(&key)
                || self.scope.list(key).is_some()
                || (S::FIELDS.contains(&key) && self.null_fields.contains(key))
        };
        if let Some(key) = self.unknown_fields.first_named(modeled) {
            return Err(ser::Error::custom(format_args!(
                "unknown_fields holds `{key}`, a field the job models: set the field itself"
            )));
        }
        // `null` is written for a field without a value that was `null`; a scope array only
        // where the job's cloud types it, as elsewhere the parser reads it as an unknown field.
        let null = |field: &str| self.null_fields.contains(field);
        let scope_entries = S::FIELDS
            .iter()
            .filter(|field| self.scope.list(field).is_some() || (null(field) && typed.contains(field)));
        let len = 10
            + usize::from(self.completed_at.is_some() || null(COMPLETED_AT))
            + usize::from(self.detailed_status.is_some() || null(DETAILED_STATUS))
            + scope_entries.clone().count()
            + self.unknown_fields.len();
        let mut map = serializer.serialize_map(Some(len))?;
        map.serialize_entry(ID, &self.id)?;
        map.serialize_entry(URI, &self.uri)?;
        map.serialize_entry(ACCOUNT, &self.account)?;
        map.serialize_entry(APPLICATION, &self.application)?;
        map.serialize_entry(DEV_ACCOUNT, &self.dev_account)?;
        map.serialize_entry(CREATED_AT, &Timestamp(&self.created_at))?;
        map.serialize_entry(UPDATED_AT, &Timestamp(&self.updated_at))?;
        match &self.completed_at {
            Some(time) => map.serialize_entry(COMPLETED_AT, &Timestamp(time))?,
            None if null(COMPLETED_AT) => map.serialize_entry(COMPLETED_AT, &())?,
            None => {}
        }
        map.serialize_entry(OVERALL_STATUS, &self.overall_status)?;
        match &self.detailed_status {
            Some(status) => map.serialize_entry(DETAILED_STATUS, status)?,
            None if null(DETAILED_STATUS) => map.serialize_entry(DETAILED_STATUS, &())?,
            None => {}
        }
        map.serialize_entry(CLOUD, &self.cloud)?;
        for field in scope_entries {
            map.serialize_entry(field, &self.scope.list(field))?;
        }
        map.serialize_entry(ABORT, &self.abort)?;
        self.unknown_fields.serialize_entries(&mut map)?;
        map.end()
    }
}

/// A timestamp written as the server writes it.
struct Timestamp<'a>(&'a DateTime<Utc>);

impl Serialize for Timestamp<'_> {
    fn serialize<Z: Serializer>(&self, serializer: Z) -> Result<Z::Ok, Z::Error> {
        timestamp::serialize(self.0, serializer)
    }
}
