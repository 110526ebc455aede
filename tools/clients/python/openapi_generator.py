"""The scenario with the client of `openapi-generator generate -g python` (package
`cckm_sync_client`, on `PYTHONPATH`): `python openapi_generator.py PLAN.json`."""

from __future__ import annotations

import inspect
import re
from typing import Any

import cckm_sync_client
from cckm_sync_client import models
from cckm_sync_client.exceptions import ApiException

import scenario
from scenario import ClientError, Error, Job, Page


def snake(name: str) -> str:
    """`startAwsKeysSyncJob` → `start_aws_keys_sync_job`, as the generator names methods."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class Adapter:
    def __init__(self, api: str, token: str) -> None:
        configuration = cckm_sync_client.Configuration(host=api, access_token=token or None)
        self.client = cckm_sync_client.ApiClient(configuration)
        # Every API class (one per tag), to find an operation by its id.
        self.apis = [
            cls(self.client)
            for _, cls in inspect.getmembers(cckm_sync_client, inspect.isclass)
            if cls.__name__.endswith("Api") and cls.__module__.startswith("cckm_sync_client.api.")
        ]

    def operation(self, operation_id: str) -> Any:
        name = snake(operation_id)
        for api in self.apis:
            if hasattr(api, name):
                return getattr(api, name)
        raise scenario.Failure(f"no method {name} in the generated client")

    def call(self, operation_id: str, **arguments: Any) -> Any:
        try:
            return self.operation(operation_id)(**arguments)
        except ApiException as error:
            body = error.data
            if not isinstance(body, models.ApiError):
                raise scenario.Failure(f"{operation_id}: {error.status} without a typed error body: {error.body!r}")
            raise ClientError(Error(error.status, body.code, body.code_desc)) from None

    def log_in(self, username: str, password: str) -> str:
        grant = models.PasswordGrant(grant_type="password", username=username, password=password)
        answer = cckm_sync_client.AuthApi(self.client).create_token(models.TokenRequest(grant))
        scenario.equal(answer.token_type, "Bearer", "token_type")
        scenario.check(answer.duration > 0, f"duration {answer.duration}")
        return answer.jwt

    def job(self, endpoint: dict, job: Any) -> Job:
        scenario.equal(type(job).__name__, endpoint["schemas"]["job"], "the type of the job")
        return Job(
            id=str(job.id),
            overall_status=job.overall_status,
            cloud=job.cloud,
            abort=job.abort,
            scope=getattr(job, endpoint["job_field"]),
            detailed_status=job.detailed_status,
            completed=job.completed_at is not None,
        )

    def start(self, endpoint: dict, branch: Any) -> Job:
        # The start body's type (`AwsStartJob`) wraps one of its two branches.
        body_type = getattr(models, endpoint["schemas"]["start"])
        argument = snake(endpoint["schemas"]["start"])
        job = self.call(endpoint["operations"]["start"], **{argument: body_type(branch)})
        return self.job(endpoint, job)

    def start_items(self, endpoint: dict, items: list[str]) -> Job:
        items_type = getattr(models, endpoint["schemas"]["items"])
        return self.start(endpoint, items_type(**{endpoint["start_field"]: items}))

    def start_all(self, endpoint: dict) -> Job:
        return self.start(endpoint, getattr(models, endpoint["schemas"]["all"])(synchronize_all=True))

    def start_from_json(self, endpoint: dict, text: str) -> Job:
        body = getattr(models, endpoint["schemas"]["start"]).from_json(text)
        argument = snake(endpoint["schemas"]["start"])
        return self.job(endpoint, self.call(endpoint["operations"]["start"], **{argument: body}))

    def get(self, endpoint: dict, job_id: str) -> Job:
        return self.job(endpoint, self.call(endpoint["operations"]["get"], id=job_id))

    def cancel(self, endpoint: dict, job_id: str) -> Job:
        return self.job(endpoint, self.call(endpoint["operations"]["cancel"], id=job_id))

    def list(self, endpoint: dict, skip: int, limit: int, filters: dict[str, Any]) -> Page:
        page = self.call(endpoint["operations"]["list"], skip=skip, limit=limit, **filters)
        scenario.equal(type(page).__name__, endpoint["schemas"]["page"], "the type of the page")
        jobs = [self.job(endpoint, job) for job in page.resources or []]
        return Page(page.skip, page.limit, page.total, jobs)


if __name__ == "__main__":
    scenario.main(Adapter, "openapi-generator -g python")
