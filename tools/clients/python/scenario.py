"""The end-to-end scenario that `cargo xtask test` runs with each generated Python client.

A client generator's adapter (`openapi_python_client.py`, `openapi_generator.py`) calls the
generated code, on the calls both clients make alike (`GeneratedClient`); this module drives the
steps against a fresh `cckm-sync mock` and checks the values the generated models hold. The plan (endpoints, operation ids, schema names, scope
fields, texts) is written by the xtask from the crate's endpoint catalog, so nothing here
names an endpoint.

The mock's clock is paused: a job runs until the scenario advances the clock by the job
duration (through the mock's control API, with the standard library), so no step waits on
time.
"""

from __future__ import annotations

import json
import re
import sys
import urllib.request
from dataclasses import dataclass
from typing import Any, Callable, Optional, Protocol


@dataclass
class Job:
    """What the scenario checks of a job, read from the generated model's attributes."""

    id: str
    overall_status: str
    cloud: str
    abort: bool
    scope: Optional[list[str]]
    detailed_status: Optional[dict[str, str]]
    completed: bool


@dataclass
class Page:
    skip: int
    limit: int
    total: int
    jobs: list[Job]


@dataclass
class Error:
    """A typed error body (the generated `ApiError` model) and the status it came with."""

    status: int
    code: Optional[int]
    code_desc: Optional[str]


class Adapter(Protocol):
    """One generated client, as the scenario uses it."""

    def log_in(self, username: str, password: str) -> str: ...

    def start_items(self, endpoint: dict, items: list[str]) -> Job: ...

    def start_all(self, endpoint: dict) -> Job: ...

    def start_from_json(self, endpoint: dict, text: str) -> Job: ...

    def get(self, endpoint: dict, job_id: str) -> Job: ...

    def cancel(self, endpoint: dict, job_id: str) -> Job: ...

    def list(self, endpoint: dict, skip: int, limit: int, filters: dict[str, Any]) -> Page: ...


class GeneratedClient:
    """The calls every generated client makes the same way, through the three an adapter
    writes in its generator's idiom: `call` (an operation by its id), `job` (a generated job
    model, read) and `start` (a generated start body, sent), with its generated `models`."""

    models: Any

    def call(self, operation_id: str, **arguments: Any) -> Any:
        raise NotImplementedError

    def job(self, endpoint: dict, job: Any) -> Job:
        raise NotImplementedError

    def start(self, endpoint: dict, body: Any) -> Job:
        raise NotImplementedError

    def field(self, value: Any) -> Any:
        """A model's field, with `None` for a field the answer left out."""
        return value

    def start_items(self, endpoint: dict, items: list[str]) -> Job:
        items_type = getattr(self.models, endpoint["schemas"]["items"])
        return self.start(endpoint, items_type(**{endpoint["start_field"]: items}))

    def start_all(self, endpoint: dict) -> Job:
        return self.start(endpoint, getattr(self.models, endpoint["schemas"]["all"])(synchronize_all=True))

    def get(self, endpoint: dict, job_id: str) -> Job:
        return self.job(endpoint, self.call(endpoint["operations"]["get"], id=job_id))

    def cancel(self, endpoint: dict, job_id: str) -> Job:
        return self.job(endpoint, self.call(endpoint["operations"]["cancel"], id=job_id))

    def list(self, endpoint: dict, skip: int, limit: int, filters: dict[str, Any]) -> Page:
        page = self.call(endpoint["operations"]["list"], skip=skip, limit=limit, **filters)
        equal(type(page).__name__, endpoint["schemas"]["page"], "the type of the page")
        jobs = [self.job(endpoint, job) for job in self.field(page.resources) or []]
        return Page(page.skip, page.limit, page.total, jobs)


def snake(name: str) -> str:
    """`startAwsKeysSyncJob` → `start_aws_keys_sync_job`, as the generators name methods and
    modules."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class Failure(Exception):
    pass


def check(condition: bool, what: str) -> None:
    if not condition:
        raise Failure(what)


def equal(actual: Any, expected: Any, what: str) -> None:
    if actual != expected:
        raise Failure(f"{what}: expected {expected!r}, got {actual!r}")


class Control:
    """The mock's control API (`/__mock/`), over the standard library."""

    def __init__(self, base: str) -> None:
        self.base = base

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)


def run(plan: dict, adapter_for: Callable[[str, str], Adapter], name: str) -> None:
    """Runs every step; prints one line per step passed, and fails on the first wrong value."""
    steps = Steps(plan, adapter_for, name)
    try:
        steps.run()
    except Failure as failure:
        print(f"{name}: FAILED at step {steps.current!r}: {failure}", file=sys.stderr)
        sys.exit(1)
    print(f"{name}: {len(steps.passed)} steps passed")


class Steps:
    def __init__(self, plan: dict, adapter_for: Callable[[str, str], Adapter], name: str) -> None:
        self.plan = plan
        self.adapter_for = adapter_for
        self.name = name
        self.control = Control(plan["control"])
        self.passed: list[str] = []
        self.current = ""

    def step(self, what: str) -> None:
        if self.current:
            self.passed.append(self.current)
            print(f"  ok: {self.current}")
        self.current = what

    def run(self) -> None:
        plan = self.plan
        endpoints = plan["endpoints"]
        self.step("reset the mock, set what synchronize_all selects, pause its clock")
        self.control.call("POST", "/reset")
        for endpoint in endpoints:
            self.control.call("PUT", f"/inventory/{endpoint['family']}", {"items": endpoint["inventory"]})
        self.control.call("POST", "/clock/pause", {})

        self.step("get a token from the token call")
        token = self.adapter_for(plan["api"], "").log_in(plan["username"], plan["password"])
        check(token.count(".") == 2, f"the token is not a JWT: {token!r}")
        client = self.adapter_for(plan["api"], token)

        self.step("start a job of listed items on every endpoint")
        items_jobs: dict[str, Job] = {}
        for endpoint in endpoints:
            job = client.start_items(endpoint, endpoint["items"])
            self.check_running(endpoint, job, endpoint["items"])
            items_jobs[endpoint["name"]] = job

        self.step("a second start while the job runs is refused with 409 and a typed error body")
        endpoint = endpoints[0]
        conflict = client_error(lambda: client.start_items(endpoint, endpoint["items"]))
        equal(conflict.status, 409, "status of a start while a job runs")
        check(bool(conflict.code_desc), f"the 409 body has no codeDesc: {conflict}")

        self.step("wait for every job: advance the mock's clock by the job duration, then get it")
        self.advance()
        for endpoint in endpoints:
            job = client.get(endpoint, items_jobs[endpoint["name"]].id)
            self.check_completed(endpoint, job, endpoint["items"])

        self.step("start a job of every item (synchronize_all) on every endpoint")
        all_jobs: dict[str, Job] = {}
        for endpoint in endpoints:
            job = client.start_all(endpoint)
            self.check_running(endpoint, job, endpoint["inventory"])
            all_jobs[endpoint["name"]] = job

        self.step("list every page of every endpoint, one job a page, with and without filters")
        for endpoint in endpoints:
            done, running = items_jobs[endpoint["name"]].id, all_jobs[endpoint["name"]].id
            every = self.all_pages(client, endpoint, {})
            equal(sorted(job.id for job in every), sorted([done, running]), f"{endpoint['name']}: the jobs listed")
            by_status = self.all_pages(client, endpoint, {"overall_status": endpoint["running"]})
            equal([job.id for job in by_status], [running], f"{endpoint['name']}: the running jobs")
            by_id = self.all_pages(client, endpoint, {"id": done})
            equal([job.id for job in by_id], [done], f"{endpoint['name']}: the job listed by id")
            if endpoint["list_filter"]:
                filters = {endpoint["list_filter"]: endpoint["items"]}
                by_item = self.all_pages(client, endpoint, filters)
                equal([job.id for job in by_item], [done], f"{endpoint['name']}: the jobs of {filters}")

        self.step("cancel the running job of every endpoint")
        for endpoint in endpoints:
            job = client.cancel(endpoint, all_jobs[endpoint["name"]].id)
            equal(job.abort, True, f"{endpoint['name']}: abort after a cancel")
            equal(job.overall_status, endpoint["running"], f"{endpoint['name']}: status right after a cancel")
        self.advance()
        for endpoint in endpoints:
            job = client.get(endpoint, all_jobs[endpoint["name"]].id)
            equal(job.abort, True, f"{endpoint['name']}: abort of the cancelled job")
            check(
                job.overall_status in ("aborted", "completed") and job.completed,
                f"{endpoint['name']}: the cancelled job did not end: {job}",
            )

        self.step("read a 404 error body into the typed error model")
        for endpoint in endpoints:
            error = client_error(lambda: client.get(endpoint, plan["missing_id"]))
            equal(error.status, 404, f"{endpoint['name']}: status of an unknown job")
            equal(error.code, plan["not_found"]["code"], f"{endpoint['name']}: code of the 404 body")
            check(
                (error.code_desc or "").startswith(plan["not_found"]["codeDesc"]),
                f"{endpoint['name']}: codeDesc of the 404 body: {error.code_desc!r}",
            )

        self.step("send start bodies read from JSON with the generated models")
        by_name = {endpoint["name"]: endpoint for endpoint in endpoints}
        for case in plan["from_json"]:
            endpoint = by_name[case["endpoint"]]
            job = client.start_from_json(endpoint, case["body"])
            self.check_running(endpoint, job, case["scope"])

        self.step("every start body sent holds only fields of the contract")
        sent = 0
        for request in self.control.call("GET", "/requests"):
            endpoint = next((e for e in endpoints if request["path"].endswith(e["paths"]["collection"])), None)
            if request["method"] != "POST" or endpoint is None or request["status"] >= 300:
                continue
            body = json.loads(request["body"])
            extra = set(body) - set(endpoint["start_fields"])
            check(not extra, f"{endpoint['name']}: a start body with fields the contract does not name: {body}")
            sent += 1
        equal(sent, 2 * len(endpoints) + len(plan["from_json"]), "start bodies accepted by the mock")
        self.step("")

    def advance(self) -> None:
        self.control.call("POST", "/clock/advance", {"by": self.plan["job_duration"]})

    def check_running(self, endpoint: dict, job: Job, scope: list[str]) -> None:
        name = endpoint["name"]
        check(len(job.id) == 36, f"{name}: job id {job.id!r}")
        equal(job.overall_status, endpoint["running"], f"{name}: status of a new job")
        equal(job.cloud, endpoint["cloud"], f"{name}: cloud")
        equal(job.abort, False, f"{name}: abort of a new job")
        equal(job.scope, scope, f"{name}: {endpoint['job_field']} of the job")
        equal(job.completed, False, f"{name}: a new job has ended")

    def check_completed(self, endpoint: dict, job: Job, scope: list[str]) -> None:
        name = endpoint["name"]
        equal(job.overall_status, "completed", f"{name}: status after the job's duration")
        equal(job.scope, scope, f"{name}: {endpoint['job_field']} of the ended job")
        check(job.completed, f"{name}: an ended job has no completed_at")
        texts = set((job.detailed_status or {}).values())
        equal(texts, {endpoint["item_done"]}, f"{name}: the detailed status of every item")

    def all_pages(self, client: Adapter, endpoint: dict, filters: dict[str, Any]) -> list[Job]:
        jobs: list[Job] = []
        skip = 0
        # Bounded: the mock holds a few jobs per endpoint.
        for _ in range(10):
            page = client.list(endpoint, skip, 1, filters)
            equal((page.skip, page.limit), (skip, 1), f"{endpoint['name']}: skip and limit of a page")
            check(len(page.jobs) <= 1, f"{endpoint['name']}: a page of limit 1 holds {len(page.jobs)} jobs")
            jobs.extend(page.jobs)
            skip += len(page.jobs)
            if not page.jobs or skip >= page.total:
                equal(len(jobs), page.total, f"{endpoint['name']}: jobs listed against the total")
                return jobs
        raise Failure(f"{endpoint['name']}: paging did not end")


class ClientError(Exception):
    """Raised by an adapter for an error answer, with its typed body."""

    def __init__(self, error: Error) -> None:
        super().__init__(f"{error.status}: {error.code} {error.code_desc}")
        self.error = error


def client_error(call: Callable[[], Any]) -> Error:
    try:
        result = call()
    except ClientError as error:
        return error.error
    raise Failure(f"expected an error answer, got {result!r}")


def main(adapter_for: Callable[[str, str], Adapter], name: str) -> None:
    if len(sys.argv) != 2:
        print(f"usage: {sys.argv[0]} PLAN.json", file=sys.stderr)
        sys.exit(2)
    with open(sys.argv[1], encoding="utf-8") as file:
        plan = json.load(file)
    run(plan, adapter_for, name)
