//! Where `cargo xtask dist` reads and writes, relative to the workspace root.

use std::time::Duration;

/// Where `cargo xtask dist` writes, relative to the workspace root.
pub(super) const DIST_DIR: &str = "target/dist";
/// Where the packages are staged before they are built.
pub(super) const STAGE_DIR: &str = "target/xtask/dist";
/// Where the test step builds, installs and runs the packages.
pub(super) const TEST_DIR: &str = "target/xtask/dist-test";
/// The pinned tools, and where they are installed.
pub(super) const PINS_DIR: &str = "tools/dist";
pub(super) const TOOLS_DIR: &str = ".tools/dist";
/// The committed contract.
pub(super) const OPENAPI: &str = "openapi/cckm-sync.openapi.json";
pub(super) const OPENAPI_30: &str = "openapi/cckm-sync.openapi-3.0.json";
pub(super) const SCHEMAS_DIR: &str = "schemas";
pub(super) const SCHEMA_SUFFIX: &str = ".schema.json";
/// The sources of the packages and of the reference.
pub(super) const PYTHON_PACKAGE: &str = "packages/python";
pub(super) const NPM_PACKAGE: &str = "packages/npm";
pub(super) const REFERENCE: &str = "packages/reference";
/// The longest any one program run here may take.
pub(super) const STEP_LIMIT: Duration = Duration::from_secs(15 * 60);
