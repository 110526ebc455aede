//! The schemas of the query and path parameters, from the types that parse them, kept as
//! utoipa's model writes them.

use cckm_sync::endpoints::{self, Evidence, ListParameter};
use cckm_sync::schemars::{Schema, SchemaGenerator};
use cckm_sync::{CloudFamily, Limit};
use utoipa::openapi::path::{ParameterBuilder, ParameterIn, ParameterStyle};
use utoipa::openapi::{RefOr, Required};

/// The schemas of the query and path parameters, from the types that parse them.
pub(super) struct ParameterSchemas {
    id: RefOr<utoipa::openapi::schema::Schema>,
    overall_status: RefOr<utoipa::openapi::schema::Schema>,
    skip: RefOr<utoipa::openapi::schema::Schema>,
    limit: RefOr<utoipa::openapi::schema::Schema>,
    scope_filter: RefOr<utoipa::openapi::schema::Schema>,
}

impl ParameterSchemas {
    pub(super) fn new(generator: &mut SchemaGenerator) -> Result<Self, String> {
        Ok(Self {
            id: lossless(generator.subschema_for::<uuid::Uuid>())?,
            overall_status: lossless(generator.subschema_for::<cckm_sync::OverallStatus>())?,
            // `u64`, bounded: a `skip` beyond what the parser reads is refused, so the schema
            // says where it ends (schemars gives a `u64` no `maximum`).
            skip: lossless(cckm_sync::schemars::json_schema!({
                "type": "integer",
                "format": "uint64",
                "minimum": 0,
                "maximum": u64::MAX
            }))?,
            limit: lossless(generator.subschema_for::<Limit>())?,
            // The values of a scope filter: strings, none empty (`ListSyncJobs` refuses "").
            scope_filter: lossless(cckm_sync::schemars::json_schema!({
                "type": "array",
                "items": { "type": "string", "minLength": 1 }
            }))?,
        })
    }

    pub(super) fn query(
        &self,
        parameter: ListParameter,
        family: CloudFamily,
    ) -> Result<utoipa::openapi::path::Parameter, String> {
        let (schema, description) = match parameter {
            ListParameter::Id => (&self.id, "Only the job with this id.".to_owned()),
            ListParameter::OverallStatus => (
                &self.overall_status,
                "Only the jobs in this state. The server may compare the text: Azure and external \
                 CipherTrust Manager jobs spell a running job `in progress`."
                    .to_owned(),
            ),
            ListParameter::ScopeFilter(_) => (
                &self.scope_filter,
                format!(
                    "Only the jobs of these {}; repeat the parameter once per value.",
                    family.spec().scope_items
                ),
            ),
            ListParameter::Skip => (&self.skip, "How many jobs to skip, from 0.".to_owned()),
            ListParameter::Limit => (
                &self.limit,
                "How many jobs at most; `-1` for every job. The server's default is 10.".to_owned(),
            ),
            ListParameter::Sort => (
                &sort_schema(family)?,
                format!(
                    "Comma-separated properties to sort by, such as `-createdAt` or \
                     `overall_status,-updatedAt`; `-` sorts descending. Without it, `{}`. The properties \
                     are a job's fields holding one value; which ones the server sorts by is {}.",
                    endpoints::DEFAULT_SORT,
                    match endpoints::SORT_PROPERTIES_EVIDENCE {
                        Evidence::Confirmed => "documented",
                        Evidence::Code => "known from public client code",
                        Evidence::Inferred => "inferred: no source shows it",
                    },
                ),
            ),
        };
        let mut builder = ParameterBuilder::new()
            .name(parameter.name())
            .parameter_in(ParameterIn::Query)
            .required(Required::False)
            .description(Some(description))
            .schema(Some(schema.clone()));
        if parameter.repeats() {
            builder = builder.style(Some(ParameterStyle::Form)).explode(Some(true));
        }
        Ok(builder.build())
    }

    pub(super) fn path_id(&self) -> Result<utoipa::openapi::path::Parameter, String> {
        Ok(ParameterBuilder::new()
            .name("id")
            .parameter_in(ParameterIn::Path)
            .required(Required::True)
            .description(Some("Resource id of the job."))
            .schema(Some(self.id.clone()))
            .build())
    }
}

/// The `sort` parameter of a family's list: `Sort`'s syntax, its properties limited to the
/// family's [`sort_properties`](cckm_sync::endpoints::FamilySpec::sort_properties), which a
/// server refuses others than.
pub(super) fn sort_schema(family: CloudFamily) -> Result<RefOr<utoipa::openapi::schema::Schema>, String> {
    let properties: Vec<&str> = family.spec().sort_properties().collect();
    if properties
        .iter()
        .any(|property| !property.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    {
        return Err(format!(
            "a sort property of {family} needs escaping in a pattern: {properties:?}"
        ));
    }
    let key = format!("-?({})", properties.join("|"));
    lossless(cckm_sync::schemars::json_schema!({
        "description": "Comma-separated properties to sort by, the first the most significant; a \
            leading `-` sorts that property in descending order.",
        "type": "string",
        "pattern": format!("^{key}(,{key})*$")
    }))
}

/// A schema in utoipa's model, refusing any schema that model would not keep verbatim.
pub(super) fn lossless(schema: Schema) -> Result<RefOr<utoipa::openapi::schema::Schema>, String> {
    let value = schema.to_value();
    let converted: RefOr<utoipa::openapi::schema::Schema> =
        serde_json::from_value(value.clone()).map_err(|error| format!("{value}: {error}"))?;
    let back = serde_json::to_value(&converted).map_err(|error| error.to_string())?;
    if back == value {
        Ok(converted)
    } else {
        Err(format!(
            "utoipa does not keep the parameter schema {value} (it writes {back})"
        ))
    }
}
