"""The models against the contract's fixtures: every valid one parses and is written back
unchanged (its unknown fields too), every invalid one a JSON Schema can judge is refused.

The fixtures are listed in the file named by `CCKM_SYNC_FIXTURES` (written by the project's
`cargo xtask test`): `{"schemas": [name, …], "valid": {name: [path, …]}, "invalid": {…}}`.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from cckm_sync import models

CHECKS = os.environ.get("CCKM_SYNC_FIXTURES")
pytestmark = pytest.mark.skipif(not CHECKS, reason="CCKM_SYNC_FIXTURES names no list of fixtures")


def checks() -> dict:
    return json.loads(Path(CHECKS).read_text(encoding="utf-8")) if CHECKS else {"schemas": [], "valid": {}, "invalid": {}}


def cases(validity: str) -> list[tuple[str, str]]:
    return [(name, path) for name, paths in sorted(checks()[validity].items()) for path in paths]


def case_id(case: tuple[str, str]) -> str:
    return f"{case[0]}:{Path(case[1]).parent.name}/{Path(case[1]).name}"


def test_every_schema_has_a_class_of_its_name_and_no_name_is_numbered():
    names = checks()["schemas"]
    assert names
    missing = [name for name in names if not isinstance(getattr(models, name, None), type)]
    assert missing == []
    assert [name for name in models.__all__ if re.search(r"[0-9]$", name)] == []


@pytest.mark.parametrize("case", cases("valid"), ids=case_id)
def test_a_valid_fixture_parses_and_is_written_back_unchanged(case):
    name, path = case
    text = Path(path).read_text(encoding="utf-8")
    value = getattr(models, name).model_validate_json(text)
    assert json.loads(value.model_dump_json()) == json.loads(text)
    # And from Python values, as `json.loads` gives them.
    assert getattr(models, name).model_validate(json.loads(text)).model_dump(mode="json") == json.loads(text)


@pytest.mark.parametrize("case", cases("invalid"), ids=case_id)
def test_an_invalid_fixture_is_refused(case):
    name, path = case
    with pytest.raises(ValidationError):
        getattr(models, name).model_validate_json(Path(path).read_text(encoding="utf-8"))
