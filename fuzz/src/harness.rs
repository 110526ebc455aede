//! The harness: every model of every target, and the validators of the committed contract,
//! loaded once.

use std::fmt;
use std::path::Path;
use std::sync::OnceLock;

use cckm_sync::endpoints::Operation;
use cckm_sync::{ApiError, CloudFamily, FamilyScope, FamilyVisitor, Page, StartJob, SyncJob, SyncJobPage};
use cckm_sync_codegen::OPENAPI_31;
use cckm_sync_codegen::fixtures::schema_json;
use cckm_sync_contract::Contract;
use jsonschema::Validator;

use crate::finding::{Finding, Target};
use crate::json::JsonModel;
use crate::query::{ListOperation, QueryModel, check_query, list_operation};

/// Every model of every target, and the validators of the committed contract.
pub struct Harness {
    contract: Contract,
    pages: Vec<JsonModel>,
    jobs: Vec<JsonModel>,
    starts: Vec<JsonModel>,
    errors: Vec<JsonModel>,
    queries: Vec<QueryModel>,
}

impl fmt::Debug for Harness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Harness")
            .field("contract", &self.contract)
            .finish_non_exhaustive()
    }
}

impl Harness {
    /// The harness of this workspace, loaded on first use from its `schemas/` and `openapi/`
    /// folders; the error says why they cannot be read or compiled.
    pub fn shared() -> Result<&'static Self, String> {
        static HARNESS: OnceLock<Result<Harness, String>> = OnceLock::new();
        HARNESS
            .get_or_init(|| Self::load(&cckm_sync_codegen::project_root()))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Checks every oracle on `input`, read with every model of `target`.
    pub fn check(&self, target: Target, input: &[u8]) -> Result<(), Finding> {
        match target {
            Target::Query => self.queries.iter().try_for_each(|query| query.check(input)),
            json => {
                // What a schema can judge, decided once for every model.
                let judged = std::str::from_utf8(input).ok().and_then(|text| schema_json(text).ok());
                self.json_models(json)
                    .iter()
                    .try_for_each(|model| (model.check)(&model.name, self.schema(&model.name), input, judged.as_ref()))
            }
        }
    }

    /// The harness of the workspace at `root`.
    pub fn load(root: &Path) -> Result<Self, String> {
        let contract = Contract::from_dir(root).map_err(|error| error.to_string())?;
        let path = root.join(OPENAPI_31);
        let text = std::fs::read_to_string(&path).map_err(|error| format!("{}: {error}", path.display()))?;
        let openapi: serde_json::Value =
            serde_json::from_str(&text).map_err(|error| format!("{}: {error}", path.display()))?;

        let mut pages = vec![JsonModel::response::<SyncJobPage>()];
        let mut jobs = vec![JsonModel::response::<SyncJob>()];
        let mut starts = Vec::new();
        let mut queries = Vec::new();
        for family in CloudFamily::ALL {
            let models = FamilyModels::of(family);
            pages.push(models.page);
            jobs.push(models.job);
            starts.push(models.start);
            let mut operations = Vec::new();
            for endpoint in family.endpoints() {
                let path = endpoint.path_template(Operation::List);
                operations.push(list_operation(&openapi, &contract, &path)?);
            }
            queries.push(QueryModel {
                name: models.query_name,
                check: models.query_check,
                operations,
            });
        }
        let harness = Self {
            contract,
            pages,
            jobs,
            starts,
            errors: vec![JsonModel::response::<ApiError>()],
            queries,
        };
        for target in Target::ALL {
            for model in harness.json_models(target) {
                let schema = harness
                    .contract
                    .schema_file(&model.name)
                    .ok_or_else(|| format!("no schema file for the model {}", model.name))?;
                harness.contract.validator(&schema).map_err(|error| error.to_string())?;
            }
        }
        Ok(harness)
    }

    fn json_models(&self, target: Target) -> &[JsonModel] {
        match target {
            Target::Page => &self.pages,
            Target::Job => &self.jobs,
            Target::Start => &self.starts,
            Target::Error => &self.errors,
            Target::Query => &[],
        }
    }

    pub(crate) fn schema(&self, name: &str) -> &Validator {
        // `load` checked that every model has one, and that it compiles.
        let validator = self
            .contract
            .schema_file(name)
            .and_then(|schema| self.contract.validator(&schema).ok());
        validator.unwrap_or_else(|| unreachable!("the harness has no schema file {name}"))
    }
}

/// The models of one family.
struct FamilyModels {
    page: JsonModel,
    job: JsonModel,
    start: JsonModel,
    query_name: String,
    query_check: fn(&str, &[ListOperation], &str) -> Result<(), Finding>,
}

impl FamilyModels {
    fn of(family: CloudFamily) -> Self {
        family.visit(ModelsOf)
    }
}

struct ModelsOf;

impl FamilyVisitor for ModelsOf {
    type Output = FamilyModels;

    fn visit<S: FamilyScope>(self) -> FamilyModels {
        let scope = std::any::type_name::<S>().rsplit("::").next().unwrap_or_default();
        FamilyModels {
            page: JsonModel::response::<Page<SyncJob<S>>>(),
            job: JsonModel::response::<SyncJob<S>>(),
            start: JsonModel::request::<StartJob<S>>(),
            query_name: format!("ListSyncJobs<{scope}>"),
            query_check: check_query::<S>,
        }
    }
}
