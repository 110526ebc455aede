"""The scenario with the client of `openapi-python-client generate` (package
`cckm_sync_client`, on `PYTHONPATH`): `python openapi_python_client.py PLAN.json`."""

from __future__ import annotations

import importlib
import json
import pkgutil
from http import HTTPStatus
from typing import Any

import cckm_sync_client.api
from cckm_sync_client import AuthenticatedClient, Client, models
from cckm_sync_client.types import Unset

import scenario
from scenario import ClientError, Error, GeneratedClient, Job, snake


# Every operation module (`cckm_sync_client.api.<tag>.<operation>`), by name.
OPERATIONS = {
    module.name.rsplit(".", 1)[-1]: module.name
    for module in pkgutil.walk_packages(cckm_sync_client.api.__path__, "cckm_sync_client.api.")
    if not module.ispkg
}


class Adapter(GeneratedClient):
    models = models

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
            raise ClientError(Error(int(response.status_code), self.field(parsed.code), self.field(parsed.code_desc)))
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
        detailed = self.field(job.detailed_status)
        return Job(
            id=str(job.id),
            overall_status=job.overall_status,
            cloud=job.cloud,
            abort=job.abort,
            scope=self.field(getattr(job, endpoint["job_field"])),
            detailed_status=None if detailed is None else detailed.additional_properties,
            completed=self.field(job.completed_at) is not None,
        )

    def field(self, value: Any) -> Any:
        # A field the answer left out is `UNSET`.
        return None if isinstance(value, Unset) else value

    def start(self, endpoint: dict, body: Any) -> Job:
        return self.job(endpoint, self.call(endpoint["operations"]["start"], body=body))

    def start_from_json(self, endpoint: dict, text: str) -> Job:
        document = json.loads(text)
        # The start body is one of two types: every item, or a list of items.
        which = "all" if document.get("synchronize_all") is True else "items"
        body = getattr(models, endpoint["schemas"][which]).from_dict(document)
        return self.start(endpoint, body)


if __name__ == "__main__":
    scenario.main(Adapter, "openapi-python-client")
