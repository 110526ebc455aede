"""Drive `cckm-sync mock` with the vendor's own Python client, `ciphertrust-sdk`.

Run by `cargo xtask sdk` (and `cargo xtask test`) in a virtual environment of its own, with the
pinned SDK of tools/sdk/requirements.txt. The SDK was written against live CipherTrust Managers:
what it reads of an answer, a real server sends. On two families (AWS keys and Data Security
Manager domains) it logs in, starts a job, reads it back, lists jobs with filters and with
`limit=-1`, cancels the job, and renews its token with the refresh grant. Any error of the SDK,
or an answer that does not say what the mock was asked, fails the check.

usage: python check_sdk.py CCKM_SYNC_PROGRAM
"""

import json
import subprocess
import sys

# The SDK takes a bare host name (it checks it with `validators.domain`), and the mock's
# address has a port: accept any, as the rest of the SDK does.
from ciphertrust import models

models.validate_domain = lambda domain: True

from ciphertrust.api import API  # noqa: E402

FAMILIES = [
    ("aws-keys", "cckm/aws/synchronization-jobs", {"kms": ["kms"], "regions": ["us-east-1", "eu-west-1"]}, "kms"),
    ("dsm", "cckm/dsm/refresh", {"domains": ["domain-1"]}, "domains"),
]


def check(condition, message):
    if not condition:
        raise SystemExit(f"ciphertrust-sdk against cckm-sync mock: {message}")


def start_mock(program):
    mock = subprocess.Popen(
        [program, "mock", "--listen", "127.0.0.1:0", "--tls", "--ready-json", "--job-duration", "60s"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    ready = json.loads(mock.stdout.readline())
    return mock, ready


def main():
    program = sys.argv[1]
    mock, ready = start_mock(program)
    try:
        port = ready["url"].rsplit(":", 1)[1]
        api = API(
            hostname=f"localhost:{port}",
            username=ready["username"],
            password="admin",
            verify=ready["certificate"],
        )
        check(api.auth.token, f"no token after the login: {api.auth.message!r}")
        check(api.auth.refresh_token_id, "no refresh_token_id read from the token answer")
        for name, path, body, scope in FAMILIES:
            started = api.post.call(path, json=body)
            job_id = started["id"]
            check(started.get(scope) == body[scope], f"{name}: the started job shows {started.get(scope)!r}")
            got = api.get.call(f"{path}/{job_id}")
            check(got["id"] == job_id, f"{name}: get answered job {got.get('id')!r}")
            running = api.get.call(path, params={"overall_status": got["overall_status"], "limit": 5})
            check(running["total"] == 1, f"{name}: the list filtered by status holds {running['total']} jobs")
            check(running["resources"][0]["id"] == job_id, f"{name}: the list names another job")
            everything = api.get.call(path, params={"limit": -1})
            check(len(everything["resources"]) == everything["total"] == 1, f"{name}: limit=-1 answered {everything}")
            none = api.get.call(path, params={"overall_status": "failed"})
            check(none["total"] == 0, f"{name}: a filter that matches nothing listed {none['total']} jobs")
            cancelled = api.post.call(f"{path}/{job_id}/cancel")
            check(cancelled["abort"] is True, f"{name}: the cancelled job has abort {cancelled.get('abort')!r}")
        first = api.auth.token
        api.auth.gen_refresh_token()
        check(api.auth.token and api.auth.token != first, f"the refresh grant gave no new token: {api.auth.message!r}")
        listed = api.get.call(FAMILIES[0][1], params={"limit": -1})
        check(listed["total"] == 1, "a call with the refreshed token failed")
        print(f"ciphertrust-sdk: login, start, get, list (filters, limit=-1), cancel and refresh on {len(FAMILIES)} families")
    finally:
        mock.terminate()
        mock.wait(timeout=30)


if __name__ == "__main__":
    main()
