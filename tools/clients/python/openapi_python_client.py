"""The scenario with the client of `openapi-python-client generate` (package
`cckm_sync_client`, on `PYTHONPATH`): `python openapi_python_client.py PLAN.json`."""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
from http import HTTPStatus
from typing import Any

import cckm_sync_client.api
from cckm_sync_client import AuthenticatedClient, Client, models
from cckm_sync_client.types import Unset

import scenario
from scenario import ClientError, Error, Job, Page


def snake(name: str) -> str:
    """`startAwsKeysSyncJob` → `start_aws_keys_sync_job`, as the generator names modules."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def value(field: Any) -> Any:
    """A field's value, with `None` for a field the answer left out."""
    return None if isinstance(field, Unset) else field


# Every operation module (`cckm_sync_client.api.<tag>.<operation>`), by name.
OPERATIONS = {
    module.name.rsplit(".", 1)[-1]: module.name
    for module in pkgutil.walk_packages(cckm_sync_client.api.__path__, "cckm_sync_client.api.")
    if not module.ispkg
}


class Adapter:
    def __init__(self, api: str, token: str) -> None:
        self.client = AuthenticatedClient(base_url=api, token=token) if token else Client(base_url=api)

    def call(self, operation_id: str, **arguments: Any) -> Any:
        name = snake(operation_id)
        if name not in OPERATIONS:
            raise scenario.Failure(f"no operation {name} in the generated client")
        response = importlib.import_module(OPERATIONS[name]).sync_detailed(client=self.client, **arguments)
        parsed = response.parsed
        if response.status_code >= HTTPStatus.BAD_REQUEST:
            if not isinstance(parsed, models.ApiError):
                raise scenario.Failure(f"{operation_id}: {response.status_code} without a typed error body")
            raise ClientError(Error(int(response.status_code), value(parsed.code), value(parsed.code_desc)))
        return parsed

    def log_in(self, username: str, password: str) -> str:
        grant = models.PasswordGrant(grant_type="password", username=username, password=password)
        answer = self.call("createToken", body=grant)
        scenario.equal(type(answer).__name__, "TokenResponse", "the type of the token answer")
        scenario.equal(answer.token_type, "Bearer", "token_type")
        scenario.check(answer.duration > 0, f"duration {answer.duration}")
        return answer.jwt

    def job(self, endpoint: dict, job: Any) -> Job:
        scenario.equal(type(job).__name__, endpoint["schemas"]["job"], "the type of the job")
        detailed = value(job.detailed_status)
        return Job(
            id=str(job.id),
            overall_status=job.overall_status,
            cloud=job.cloud,
            abort=job.abort,
            scope=value(getattr(job, endpoint["job_field"])),
            detailed_status=None if detailed is None else detailed.additional_properties,
            completed=value(job.completed_at) is not None,
        )

    def start(self, endpoint: dict, body: Any) -> Job:
        return self.job(endpoint, self.call(endpoint["operations"]["start"], body=body))

    def start_items(self, endpoint: dict, items: list[str]) -> Job:
        items_type = getattr(models, endpoint["schemas"]["items"])
        return self.start(endpoint, items_type(**{endpoint["start_field"]: items}))

    def start_all(self, endpoint: dict) -> Job:
        return self.start(endpoint, getattr(models, endpoint["schemas"]["all"])(synchronize_all=True))

    def start_from_json(self, endpoint: dict, text: str) -> Job:
        document = json.loads(text)
        # The start body is one of two types: every item, or a list of items.
        which = "all" if document.get("synchronize_all") is True else "items"
        body = getattr(models, endpoint["schemas"][which]).from_dict(document)
        return self.start(endpoint, body)

    def get(self, endpoint: dict, job_id: str) -> Job:
        return self.job(endpoint, self.call(endpoint["operations"]["get"], id=job_id))

    def cancel(self, endpoint: dict, job_id: str) -> Job:
        return self.job(endpoint, self.call(endpoint["operations"]["cancel"], id=job_id))

    def list(self, endpoint: dict, skip: int, limit: int, filters: dict[str, Any]) -> Page:
        page = self.call(endpoint["operations"]["list"], skip=skip, limit=limit, **filters)
        scenario.equal(type(page).__name__, endpoint["schemas"]["page"], "the type of the page")
        jobs = [self.job(endpoint, job) for job in value(page.resources) or []]
        return Page(page.skip, page.limit, page.total, jobs)


if __name__ == "__main__":
    scenario.main(Adapter, "openapi-python-client")
