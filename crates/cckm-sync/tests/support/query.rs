//! What the tests of list queries share: a job id, an endpoint by name, a page fixture.

use std::path::Path;

use cckm_sync::endpoints::{self, Endpoint};
use uuid::Uuid;

pub const JOB_ID: &str = "0ea5d52e-387c-44fa-b079-21c8b768f77b";

pub fn job_id() -> Uuid {
    Uuid::parse_str(JOB_ID).unwrap()
}

pub fn endpoint(name: &str) -> &'static Endpoint {
    endpoints::find(name).unwrap_or_else(|| panic!("no endpoint {name}"))
}

pub fn page_fixture<T: serde::de::DeserializeOwned>(name: &str) -> T {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pages")
        .join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    cckm_sync::from_str(&text).unwrap_or_else(|error| panic!("{name}: {error}"))
}
