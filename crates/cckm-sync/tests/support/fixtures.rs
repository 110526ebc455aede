//! Reading the fixture files and checking round trips.

use std::fmt::Debug;
use std::path::{Path, PathBuf};

use cckm_sync::{CloudFamily, FamilyScope, FamilyVisitor, Page, SyncJob};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// One fixture file.
pub struct Fixture {
    /// File name without `.json`.
    pub name: String,
    pub path: PathBuf,
    pub text: String,
}

impl Fixture {
    pub fn value(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|error| panic!("{}: not JSON: {error}", self.name))
    }
}

pub fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Every `*.json` fixture in `folder` (relative to the fixtures folder), sorted by name.
pub fn all(folder: &str) -> Vec<Fixture> {
    let mut fixtures: Vec<Fixture> = std::fs::read_dir(dir().join(folder))
        .unwrap_or_else(|error| panic!("fixtures/{folder}: {error}"))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "json"))
        .map(|path| Fixture {
            name: path.file_stem().unwrap().to_string_lossy().into_owned(),
            text: std::fs::read_to_string(&path).unwrap(),
            path,
        })
        .collect();
    fixtures.sort_by(|a, b| a.name.cmp(&b.name));
    assert!(!fixtures.is_empty(), "no fixtures in {folder}");
    fixtures
}

/// The fixture `folder/name.json`.
pub fn one(folder: &str, name: &str) -> Fixture {
    all(folder)
        .into_iter()
        .find(|fixture| fixture.name == name)
        .unwrap_or_else(|| panic!("no fixture {folder}/{name}.json"))
}

/// Parses `fixture` as `T`, checks that writing it back gives the same JSON value and that
/// reading that again gives the same `T`, and returns it.
pub fn round_trip<T: DeserializeOwned + Serialize + PartialEq + Debug>(fixture: &Fixture) -> T {
    let typed: T = cckm_sync::from_str(&fixture.text)
        .unwrap_or_else(|error| panic!("{} as {}: {error}", fixture.name, std::any::type_name::<T>()));
    let written = serde_json::to_string(&typed).unwrap();
    let rewritten: Value = serde_json::from_str(&written).unwrap();
    assert_eq!(
        rewritten,
        fixture.value(),
        "{} as {}: the round trip changed the JSON",
        fixture.name,
        std::any::type_name::<T>()
    );
    let again: T = serde_json::from_str(&written).unwrap();
    assert_eq!(
        again, typed,
        "{}: reading the written JSON gave another value",
        fixture.name
    );
    typed
}

/// Round-trips a page fixture with the page type of `family`.
pub fn round_trip_family_page(fixture: &Fixture, family: CloudFamily) {
    family.visit(RoundTrip { fixture, page: true });
}

/// Round-trips a job fixture with the job type of `family`.
pub fn round_trip_family_job(fixture: &Fixture, family: CloudFamily) {
    family.visit(RoundTrip { fixture, page: false });
}

/// A fixture round-tripped with the page (or job) type of the family it is run for.
struct RoundTrip<'a> {
    fixture: &'a Fixture,
    page: bool,
}

impl FamilyVisitor for RoundTrip<'_> {
    type Output = ();

    fn visit<S: FamilyScope>(self) {
        if self.page {
            drop(round_trip::<Page<SyncJob<S>>>(self.fixture));
        } else {
            drop(round_trip::<SyncJob<S>>(self.fixture));
        }
    }
}
