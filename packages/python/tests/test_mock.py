"""The package as a user gets it: the `cckm_mock` fixture, the bundled program and the models,
over plain HTTP (urllib), from an environment where nothing else of the project is importable."""

from __future__ import annotations

import json
import socket
import ssl
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

import cckm_sync
from cckm_sync import MockError, MockServer
from cckm_sync.models import ApiError, AwsStartJobItems, AwsSyncJob, AwsSyncJobPage, DsmSyncJobPage, TokenResponse

AWS = "/cckm/aws/synchronization-jobs"
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def call(mock: MockServer, method: str, path: str, body: Any = None, *, authorization: str | None = None) -> tuple[int, bytes]:
    """One call of the API; the status and the body, whatever the status."""
    data = None
    if body is not None:
        data = body.model_dump_json().encode() if hasattr(body, "model_dump_json") else json.dumps(body).encode()
    request = urllib.request.Request(mock.base_url + path, data=data, method=method)
    request.add_header("Authorization", authorization or mock.authorization)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    context = ssl.create_default_context(cafile=mock.certificate) if mock.certificate else None
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context))
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read()


def test_the_package_is_the_installed_one():
    assert Path(cckm_sync.__file__).resolve().is_relative_to(Path(sys.prefix).resolve())
    assert Path(cckm_sync.find_program()).resolve().is_relative_to(Path(sys.prefix).resolve())
    assert (cckm_sync.CONTRACT / "openapi" / "cckm-sync.openapi.json").is_file()
    document = json.loads((cckm_sync.CONTRACT / "openapi" / "cckm-sync.openapi.json").read_text())
    version = document["info"]["version"]
    assert cckm_sync.__version__ == version or "-" in version


@pytest.mark.cckm_mock(job_duration=10)
def test_a_job_runs_to_its_end_is_listed_and_cannot_be_cancelled_after(cckm_mock: MockServer):
    # Arrange: a clock that moves only when told.
    cckm_mock.pause_clock()

    # Act: start, then advance by the job's duration.
    status, body = call(cckm_mock, "POST", AWS, AwsStartJobItems(kms=["kms"], regions=["us-east-1", "eu-west-1"]))
    assert status == 201, body
    job = AwsSyncJob.model_validate_json(body)
    assert job.overall_status == "in_progress"
    assert not job.abort
    # One item per account of the KMS and region: `<account>/<region>`.
    assert {item.split("/")[1] for item in job.detailed_status or {}} == {"us-east-1", "eu-west-1"}

    # A second start while the first runs is refused.
    status, body = call(cckm_mock, "POST", AWS, {"synchronize_all": True})
    assert status == 409
    conflict = ApiError.model_validate_json(body)
    assert conflict.codeDesc and conflict.codeDesc.startswith("NCERRConflict")

    cckm_mock.advance_clock(10)
    status, body = call(cckm_mock, "GET", f"{AWS}/{job.id}")
    assert status == 200
    ended = AwsSyncJob.model_validate_json(body)

    # Assert
    assert ended.overall_status == "completed"
    assert ended.completed_at is not None
    assert cckm_sync.parse_timestamp(ended.completed_at) > cckm_sync.parse_timestamp(ended.createdAt)
    status, body = call(cckm_mock, "GET", f"{AWS}?overall_status=completed&limit=5")
    page = AwsSyncJobPage.model_validate_json(body)
    assert (status, page.total, page.limit, [listed.id for listed in page.resources or []]) == (200, 1, 5, [job.id])

    # Only running jobs can be cancelled: 409 for an ended one, 404 for an unknown one.
    status, body = call(cckm_mock, "POST", f"{AWS}/{job.id}/cancel")
    assert status == 409
    assert ApiError.model_validate_json(body).codeDesc.startswith("NCERRConflict")
    status, body = call(cckm_mock, "POST", f"{AWS}/0ea5d52e-387c-44fa-b079-21c8b768f77b/cancel")
    assert status == 404
    missing = ApiError.model_validate_json(body)
    assert (missing.code, missing.codeDesc) == (16, "NCERRResourceNotFound: Resource not found")


def test_a_running_job_is_cancelled(cckm_mock: MockServer):
    cckm_mock.pause_clock()
    status, body = call(cckm_mock, "POST", AWS, {"kms": ["kms"]})
    job = AwsSyncJob.model_validate_json(body)
    status, body = call(cckm_mock, "POST", f"{AWS}/{job.id}/cancel")
    assert status == 200
    assert AwsSyncJob.model_validate_json(body).abort is True
    cckm_mock.advance_clock(5)
    status, body = call(cckm_mock, "GET", f"{AWS}/{job.id}")
    assert AwsSyncJob.model_validate_json(body).overall_status in ("aborted", "completed")


def test_the_requests_a_client_sent_can_be_read_back(cckm_mock: MockServer):
    call(cckm_mock, "POST", AWS, {"kms": ["kms-prod"], "regions": None})
    requests = cckm_mock.received_requests()
    assert [(request.method, request.path, request.status) for request in requests] == [("POST", "/api/v1" + AWS, 201)]
    assert requests[0].json() == {"kms": ["kms-prod"], "regions": None}
    assert requests[0].header("content-type") == "application/json"
    cckm_mock.clear_received_requests()
    assert cckm_mock.received_requests() == []


def test_a_fault_answers_the_next_matching_call(cckm_mock: MockServer):
    pending = cckm_mock.inject({"kind": "status", "status": 503, "retry_after_secs": 2, "call": "list"})
    assert len(pending) == 1
    status, body = call(cckm_mock, "GET", AWS)
    assert status == 503
    assert ApiError.model_validate_json(body).codeDesc is not None
    assert call(cckm_mock, "GET", AWS)[0] == 200
    with pytest.raises(MockError, match="400"):
        cckm_mock.inject({"kind": "no such fault"})


def test_a_newer_server_is_read_with_its_unknown_fields_kept(cckm_mock: MockServer):
    cckm_mock.inject({"kind": "newer_server", "call": "start"})
    status, body = call(cckm_mock, "POST", AWS, {"synchronize_all": True})
    job = AwsSyncJob.model_validate_json(body)
    assert (job.overall_status, job.model_extra) == ("queued", {"priority": "high"})
    assert json.loads(job.model_dump_json()) == json.loads(body)


def test_recorded_jobs_load_and_reset_forgets_them(cckm_mock: MockServer):
    page = {
        "skip": 0,
        "limit": 10,
        "total": 1,
        "resources": [
            {
                "id": "1e7ac6c3-6f2a-4b39-9b7e-2b4a3f6f1c55",
                "uri": "kylo:kylo:cckm:synchronize:1e7ac6c3-6f2a-4b39-9b7e-2b4a3f6f1c55",
                "account": "kylo:kylo:admin:accounts:kylo",
                "application": "ncryptify:gemalto:admin:apps:kylo",
                "devAccount": "ncryptify:gemalto:admin:accounts:gemalto",
                "createdAt": "2023-01-15T16:45:10.123456789Z",
                "updatedAt": "2023-01-15T16:45:12Z",
                "completed_at": "2023-01-15T16:45:12Z",
                "overall_status": "completed",
                "domains": ["domain-1"],
                "cloud": "dsm",
                "abort": False,
            }
        ],
    }
    report = cckm_mock.load_jobs(page, endpoint="dsm")
    assert (report.added, report.replaced, report.skipped, report.dropped, report.full) == (1, 0, [], 0, None)
    status, body = call(cckm_mock, "GET", "/cckm/dsm/refresh")
    assert DsmSyncJobPage.model_validate_json(body).total == 1
    cckm_mock.reset()
    status, body = call(cckm_mock, "GET", "/cckm/dsm/refresh")
    assert (status, DsmSyncJobPage.model_validate_json(body).total) == (200, 0)


@pytest.mark.cckm_mock(token_lifetime=60, username="operator", password="s3cret")
def test_tokens_expire_by_the_mock_clock_and_authorization_renews(cckm_mock: MockServer):
    old = cckm_mock.authorization
    cckm_mock.pause_clock()
    cckm_mock.advance_clock(61)
    assert call(cckm_mock, "GET", AWS, authorization=old)[0] == 401
    assert cckm_mock.authorization != old
    assert call(cckm_mock, "GET", AWS)[0] == 200
    status, body = call(
        cckm_mock, "POST", "/auth/tokens", {"grant_type": "password", "username": "operator", "password": "s3cret"}
    )
    assert (status, TokenResponse.model_validate_json(body).duration) == (200, 60)


def test_the_fixtures_tokens_are_minted_without_the_token_call_or_its_faults(cckm_mock: MockServer):
    pending = cckm_mock.inject({"kind": "status", "status": 503, "call": "token"})
    cckm_mock.revoke_tokens()
    assert call(cckm_mock, "GET", AWS)[0] == 200
    assert cckm_mock.faults() == pending, "the token call's fault is still pending"
    assert [request.path for request in cckm_mock.received_requests()] == ["/api/v1" + AWS]


@pytest.mark.cckm_mock(tls=True)
def test_tls_serves_https_with_a_certificate_to_trust(cckm_mock: MockServer):
    assert cckm_mock.base_url.startswith("https://127.0.0.1:")
    assert cckm_mock.certificate and Path(cckm_mock.certificate).is_file()
    assert call(cckm_mock, "GET", AWS)[0] == 200


def test_the_server_stops_on_exit_even_after_a_failure():
    with pytest.raises(AssertionError):
        with MockServer() as mock:
            port = int(mock.root_url.rsplit(":", 1)[1])
            assert False
    assert not mock.running
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_a_bad_option_fails_with_the_programs_message_in_one_line():
    with pytest.raises(MockError) as failure:
        MockServer(job_duration="soon").start()
    # The program's own error line, not its usage hints: the rest is in `stderr`.
    assert str(failure.value) == (
        "cckm-sync mock exited with status 2 before serving: invalid value 'soon' for "
        "'--job-duration <DURATION>': expected number at 0 (expected a duration such as `5s` or `250ms`)"
    )
    assert "For more information, try '--help'." in failure.value.stderr


def test_a_refused_control_call_says_why_in_one_line(cckm_mock: MockServer):
    with pytest.raises(MockError) as failure:
        cckm_mock.inject({"kind": "status", "status": 99})
    # The `message` of the mock's error body, not the body with its request id.
    assert str(failure.value) == "POST /__mock/faults answered 400: invalid fault: a fault answers 429 or 500 to 599, not 99"
    cckm_mock.stop()
    with pytest.raises(MockError) as failure:
        cckm_mock.clock()
    assert str(failure.value) == "the mock is not running"
    assert failure.value.stderr.strip() == "shutting down"


def test_a_job_of_a_family_no_endpoint_serves_is_skipped_with_why(cckm_mock: MockServer):
    luna = {
        "id": "3c4d5e6f-7081-4293-a4b5-c6d7e8f9a0b1",
        "uri": "kylo:kylo:cckm:synchronize:3c4d5e6f-7081-4293-a4b5-c6d7e8f9a0b1",
        "account": "kylo:kylo:admin:accounts:kylo",
        "application": "ncryptify:gemalto:admin:apps:kylo",
        "devAccount": "ncryptify:gemalto:admin:accounts:gemalto",
        "createdAt": "2026-01-12T13:14:15.161718Z",
        "updatedAt": "2026-01-12T13:14:20.212223Z",
        "overall_status": "completed",
        "cloud": "hsm-luna",
        "partitions": ["partition-1"],
        "abort": False,
    }
    report = cckm_mock.load_jobs({"skip": 0, "limit": 10, "total": 1, "resources": [luna]})
    assert (report.added, report.loaded, report.dropped) == (0, 0, 0)
    [skipped] = report.skipped
    assert (skipped.source, skipped.id) == ("body", luna["id"])
    assert "hsm-luna" in skipped.reason, skipped.reason


@pytest.mark.cckm_mock(max_jobs=1)
def test_a_mock_that_holds_its_maximum_of_jobs_refuses_a_start_with_409(cckm_mock: MockServer):
    cckm_mock.pause_clock()
    assert call(cckm_mock, "POST", AWS, {"synchronize_all": True})[0] == 201
    cckm_mock.advance_clock(5)
    status, body = call(cckm_mock, "POST", AWS, {"synchronize_all": True})
    error = ApiError.model_validate_json(body)
    assert status == 409, body
    assert error.codeDesc and error.codeDesc.startswith("NCERRConflict"), body
    assert "maximum of 1 jobs" in body.decode(), body


def test_a_bound_below_one_is_refused_before_the_program_runs():
    with pytest.raises(ValueError, match="max_items is a whole number, at least 1: 0"):
        MockServer(max_items=0)
