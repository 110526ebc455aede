"""The contract of the synchronization and refresh jobs of Thales CipherTrust Manager's Cloud
Key Manager (CCKM), for Python: a mock CipherTrust Manager for tests and typed models.

- `cckm_sync.MockServer`: the bundled `cckm-sync mock` program, started on a free port of
  127.0.0.1 for a test and stopped after it (the pytest fixture `cckm_mock` gives a fresh one
  to each test).
- `cckm_sync.models`: pydantic models, one per schema of the contract (`AwsSyncJob`,
  `SyncJobPage`, `AwsStartJobItems`, `ApiError`, `TokenResponse`, …).
- `cckm_sync.CONTRACT`: the contract's files (`schemas/*.schema.json`,
  `openapi/cckm-sync.openapi.json`), for JSON Schema validators and generators.

The package's version is the contract's version.
"""

from __future__ import annotations

from importlib import import_module, metadata, resources
from typing import TYPE_CHECKING, Any

from cckm_sync._time import parse_timestamp
from cckm_sync.mock import LoadReport, MockError, MockServer, ReceivedRequest, SkippedJob, find_program

if TYPE_CHECKING:
    from cckm_sync import models

__all__ = [
    "CONTRACT",
    "LoadReport",
    "MockError",
    "MockServer",
    "ReceivedRequest",
    "SkippedJob",
    "find_program",
    "models",
    "parse_timestamp",
]

try:
    __version__ = metadata.version("cckm-sync")
except metadata.PackageNotFoundError:  # run from a source tree
    __version__ = "0+unknown"

#: The folder of the contract's files: `CONTRACT / "schemas" / "AwsSyncJob.schema.json"`,
#: `CONTRACT / "openapi" / "cckm-sync.openapi.json"` (OpenAPI 3.1; `cckm-sync.openapi-3.0.json`
#: for tools that read nothing newer).
CONTRACT = resources.files(__name__) / "contract"


def __getattr__(name: str) -> Any:
    # The models import pydantic and build every class: only when asked for, so that the
    # pytest plugin (loaded by every test run of the environment) stays light.
    if name == "models":
        return import_module("cckm_sync.models")
    raise AttributeError(f"module 'cckm_sync' has no attribute {name!r}")
