"""The scenario with the client of `openapi-generator generate -g python` (package
`cckm_sync_client`, on `PYTHONPATH`): `python openapi_generator.py PLAN.json`."""

from __future__ import annotations

import inspect
from typing import Any

import cckm_sync_client
from cckm_sync_client import models
from cckm_sync_client.exceptions import ApiException

import scenario
from scenario import ClientError, Error, GeneratedClient, Job, snake


class Adapter(GeneratedClient):
    models = models

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

    def start_from_json(self, endpoint: dict, text: str) -> Job:
        body = getattr(models, endpoint["schemas"]["start"]).from_json(text)
        argument = snake(endpoint["schemas"]["start"])
        return self.job(endpoint, self.call(endpoint["operations"]["start"], **{argument: body}))


if __name__ == "__main__":
    scenario.main(Adapter, "openapi-generator -g python")
