"""`MockServer`: the bundled `cckm-sync mock` program, started for a test and stopped after it.

Only the standard library: the pytest plugin imports this module in every test run of the
environment, so it must stay light.
"""

from __future__ import annotations

import base64
import json
import os
import queue
import ssl
import subprocess
import sys
import sysconfig
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Self

from cckm_sync._time import parse_timestamp

__all__ = ["LoadReport", "MockServer", "MockError", "ReceivedRequest", "SkippedJob", "find_program"]

#: The program's name, and the environment variable that names another build of it.
PROGRAM = "cckm-sync"
PROGRAM_ENV = "CCKM_SYNC_PROGRAM"

# How much of the program's standard error is kept for error messages.
_STDERR_KEPT = 16 * 1024


class MockError(RuntimeError):
    """The mock could not be started or stopped, or a control call failed.

    The message is one line: what failed, and why (the program's own error line, or the
    `message` of the mock's error body). `stderr` holds what the program wrote on its standard
    error until then (its last 16 KiB).
    """

    def __init__(self, message: str, stderr: str = "") -> None:
        super().__init__(message)
        #: What the program wrote on its standard error until the failure.
        self.stderr = stderr


def find_program() -> str:
    """The path of the bundled `cckm-sync` program.

    The wheel installs it among the environment's scripts (beside `python` in a virtual
    environment); the environment variable `CCKM_SYNC_PROGRAM` names another build of it.
    """
    override = os.environ.get(PROGRAM_ENV)
    if override:
        if not os.path.isfile(override):
            raise MockError(f"{PROGRAM_ENV}={override!r} is not a file")
        return override
    name = PROGRAM + (sysconfig.get_config_var("EXE") or "")
    candidates = [Path(sysconfig.get_path("scripts")) / name]
    try:
        candidates.append(Path(sysconfig.get_path("scripts", sysconfig.get_preferred_scheme("user"))) / name)
    except KeyError:
        pass
    # `pip install --target DIR` puts scripts in DIR/bin, beside the package.
    candidates.append(Path(__file__).resolve().parent.parent / "bin" / name)
    candidates.append(Path(sys.executable).parent / name)
    for candidate in candidates:
        if candidate.is_file():
            return str(candidate)
    tried = ", ".join(str(candidate) for candidate in candidates)
    raise MockError(f"the {PROGRAM} program is not installed (looked for {tried}); reinstall the cckm-sync package")


@dataclass(frozen=True)
class ReceivedRequest:
    """A request the mock received on the API (control calls are not recorded)."""

    method: str
    #: Such as `/api/v1/cckm/aws/synchronization-jobs`.
    path: str
    #: The query string without `?`, if there was one.
    query: str | None
    #: In the order received, names in lower case.
    headers: list[tuple[str, str]]
    #: The body as text (at most 64 KiB of it).
    body: str
    body_truncated: bool
    #: When it was received, by the mock's clock (RFC 3339).
    received_at: str
    #: The status it was answered with; 0 if the connection was closed without an answer.
    status: int

    def header(self, name: str) -> str | None:
        """The first value of the header `name` (any case)."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    def json(self) -> Any:
        """The body, read as JSON."""
        return json.loads(self.body)


@dataclass(frozen=True)
class SkippedJob:
    """A recorded job that `MockServer.load_jobs` did not load, and why."""

    #: Where it came from (`body` for a loaded body).
    source: str
    #: The job's id.
    id: str
    #: Why it was skipped (a job of a family no endpoint serves, for example).
    reason: str


@dataclass(frozen=True)
class LoadReport:
    """What `MockServer.load_jobs` did."""

    #: Jobs added.
    added: int
    #: Jobs that replaced an older record of the same job.
    replaced: int
    #: Jobs not loaded, each with why.
    skipped: list[SkippedJob]
    #: Jobs not loaded because the mock holds its maximum of jobs (`--max-jobs`) or of items
    #: across its jobs (`--max-items`): counted, not named. (When none fits, `load_jobs`
    #: raises `MockError` with the mock's 409 instead.)
    dropped: int
    #: Why the first of the dropped jobs was refused: the bound, and how to raise it.
    full: str | None

    @property
    def loaded(self) -> int:
        """The jobs served from now on: added and replaced."""
        return self.added + self.replaced

    @classmethod
    def _of(cls, report: Mapping[str, Any]) -> LoadReport:
        # Fields a newer mock adds are left out; fields an older one lacks read as none.
        return cls(
            added=report["added"],
            replaced=report["replaced"],
            skipped=[SkippedJob(source=job["source"], id=job["id"], reason=job["reason"]) for job in report["skipped"]],
            dropped=report.get("dropped", 0),
            full=report.get("full"),
        )


def _duration(value: float | timedelta | str, what: str) -> str:
    """A duration as the program reads it (`90s`, `250ms`, `1500us`)."""
    if isinstance(value, str):
        return value
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    if seconds < 0:
        raise ValueError(f"{what} cannot be negative: {value!r}")
    if seconds.is_integer():
        return f"{int(seconds)}s"
    return f"{round(seconds * 1_000_000)}us"


class MockServer:
    """A mock CipherTrust Manager for one test: the bundled `cckm-sync mock`, on a free port of
    127.0.0.1, stopped on exit.

    ```python
    from cckm_sync import MockServer

    with MockServer(job_duration=10) as mock:
        mock.pause_clock()
        ...  # calls to mock.base_url with the header Authorization: mock.authorization
        mock.advance_clock(10)
    ```

    Options: `job_duration` (seconds, a `timedelta` or text such as `"250ms"`; 5 s by default:
    the items of a job end one after another over it), `token_lifetime` (whole seconds; 300 s by
    default), `tls` (HTTPS with a self-signed certificate, whose file `certificate` names),
    `username` and `password` (`admin`/`admin`), `seed` (recorded traffic to load: a HAR file, a
    `.json` response body of a page or a job, or a folder of them), `max_jobs` and `max_items` (the most jobs, and items across its jobs, the mock holds:
    10,000 and 1,000,000 by default; a start beyond is refused with 409). `start_timeout`, `timeout` (each call to the mock) and `stop_timeout` bound every
    wait, in seconds.

    The control methods mirror the mock's control API under `/__mock/` and the Rust
    `cckm_sync_mock::MockServer`. Every failure raises `MockError`, with the program's standard
    error.
    """

    def __init__(
        self,
        *,
        job_duration: float | timedelta | str | None = None,
        token_lifetime: int | timedelta | str | None = None,
        tls: bool = False,
        username: str = "admin",
        password: str = "admin",
        seed: str | os.PathLike[str] | None = None,
        max_jobs: int | None = None,
        max_items: int | None = None,
        program: str | os.PathLike[str] | None = None,
        start_timeout: float = 30.0,
        timeout: float = 10.0,
        stop_timeout: float = 10.0,
    ) -> None:
        self.username = username
        self.password = password
        self.tls = tls
        self.timeout = timeout
        self.stop_timeout = stop_timeout
        self.start_timeout = start_timeout
        self._program = os.fspath(program) if program is not None else None
        self._args = ["--username", username, "--password", password]
        if job_duration is not None:
            self._args += ["--job-duration", _duration(job_duration, "job_duration")]
        if token_lifetime is not None:
            if not isinstance(token_lifetime, str):
                seconds = (
                    token_lifetime.total_seconds() if isinstance(token_lifetime, timedelta) else float(token_lifetime)
                )
                if seconds < 1 or not seconds.is_integer():
                    raise ValueError(f"token_lifetime is a whole number of seconds, at least 1: {token_lifetime!r}")
            self._args += ["--token-lifetime", _duration(token_lifetime, "token_lifetime")]
        if tls:
            self._args.append("--tls")
        if seed is not None:
            self._args += ["--seed", os.fspath(seed)]
        for flag, bound in (("--max-jobs", max_jobs), ("--max-items", max_items)):
            if bound is not None:
                if isinstance(bound, bool) or not isinstance(bound, int) or bound < 1:
                    raise ValueError(f"{flag[2:].replace('-', '_')} is a whole number, at least 1: {bound!r}")
                self._args += [flag, str(bound)]
        self._process: subprocess.Popen[str] | None = None
        self._stderr: list[str] = []
        self._stderr_lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._finalizer: weakref.finalize[Any, Any] | None = None
        self._jwt: str | None = None
        self._jwt_issued = 0
        self._jwt_expires = 0
        self._token_lock = threading.Lock()
        #: The API's URL, `http://127.0.0.1:<port>/api/v1` (`https://` with `tls`): the server
        #: URL of the OpenAPI document, which clients add the paths to.
        self.base_url = ""
        #: `http://127.0.0.1:<port>`, without the API's prefix: the control API is under
        #: `/__mock/` of it.
        self.root_url = ""
        #: With `tls`, the file of the server's self-signed certificate (PEM), to trust.
        self.certificate: str | None = None
        self._opener: urllib.request.OpenerDirector | None = None

    # --- life ---------------------------------------------------------------------------------

    def start(self) -> Self:
        """Starts the program and waits (at most `start_timeout`) until it serves."""
        if self._process is not None:
            raise MockError("the mock is already started")
        program = self._program or find_program()
        command = [program, "mock", "--listen", "127.0.0.1:0", "--ready-json", *self._args]
        try:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                errors="replace",
            )
        except OSError as error:
            raise MockError(f"cannot run {program}: {error.strerror or error}") from error
        self._process = process
        # Killed at interpreter exit or when this object is collected, if never stopped.
        self._finalizer = weakref.finalize(self, _kill, process)
        lines: queue.Queue[str | None] = queue.Queue()
        self._threads = [
            threading.Thread(target=_pump, args=(process.stdout, lines.put), daemon=True),
            threading.Thread(target=_pump, args=(process.stderr, self._keep_stderr), daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        try:
            self._read_banner(lines)
            context = ssl.create_default_context(cafile=self.certificate) if self.tls else None
            self._opener = urllib.request.build_opener(
                # A proxy of the environment must not see calls to the loopback.
                urllib.request.ProxyHandler({}),
                urllib.request.HTTPSHandler(context=context),
            )
            self._renew_token()
        except BaseException:
            self.stop()
            raise
        return self

    def _read_banner(self, lines: queue.Queue[str | None]) -> None:
        # `--ready-json`: the first line is one JSON object, for programs such as this one.
        deadline = time.monotonic() + self.start_timeout
        while not self.base_url:
            left = deadline - time.monotonic()
            try:
                line = lines.get(timeout=max(left, 0.0))
            except queue.Empty:
                raise self._failure(
                    f"cckm-sync mock did not say it was serving within {self.start_timeout:g} s", reason=True
                ) from None
            if line is None:
                code = self._process.wait(timeout=self.stop_timeout) if self._process else None
                # Its standard error, read to the end, says why.
                for thread in self._threads:
                    thread.join(timeout=self.stop_timeout)
                raise self._failure(f"cckm-sync mock exited with status {code} before serving", reason=True)
            if line.startswith("{"):
                ready = json.loads(line)
                self.base_url = ready["api_url"]
                self.root_url = ready["url"]
                self.certificate = ready["certificate"]

    def stop(self) -> None:
        """Stops the program: asks it to shut down, waits at most `stop_timeout`, then kills it.
        Nothing happens if it is not running."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=self.stop_timeout)
        for thread in self._threads:
            thread.join(timeout=self.stop_timeout)
        if self._finalizer is not None:
            self._finalizer.detach()
        self._jwt = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """Whether the program runs."""
        return self._process is not None and self._process.poll() is None

    @property
    def stderr(self) -> str:
        """What the program wrote on its standard error so far (the last 16 KiB)."""
        with self._stderr_lock:
            return "".join(self._stderr)

    def __repr__(self) -> str:
        state = self.base_url if self.running else "stopped"
        return f"<MockServer {state}>"

    # --- tokens -------------------------------------------------------------------------------

    def token(self) -> str:
        """A valid JWT for `username`.

        The token is minted with the control call `POST /__mock/tokens` (what the token call
        answers, without it) when the mock starts, after `reset()`, and again when the mock's
        clock has passed the token's expiry (or `revoke_tokens()` was called): it is not among
        the received requests and meets no pending fault.
        """
        with self._token_lock:
            if self._jwt is not None:
                clock = self.clock()
                now = parse_timestamp(clock["now"]).timestamp()
                margin = _renew_margin(self._jwt_expires - self._jwt_issued, bool(clock["paused"]))
                if now + margin >= self._jwt_expires:
                    self._jwt = None
            if self._jwt is None:
                self._renew_token()
            assert self._jwt is not None
            return self._jwt

    @property
    def authorization(self) -> str:
        """`Bearer <jwt>`: the `Authorization` header of a job call, from `token()`."""
        return f"Bearer {self.token()}"

    def _renew_token(self) -> None:
        jwt = self._control("POST", "tokens")["jwt"]
        self._jwt_issued, self._jwt_expires = _jwt_times(jwt)
        self._jwt = jwt

    # --- control API --------------------------------------------------------------------------

    def reset(self) -> None:
        """Back to a fresh server: no job, fault or received request; every earlier token
        revoked; the system clock; the inventory it started with."""
        self._control("POST", "reset")
        with self._token_lock:
            self._renew_token()

    def clock(self) -> dict[str, Any]:
        """What the mock's clock reads: `{"now": "<RFC 3339>", "paused": bool}`."""
        return self._control("GET", "clock")

    def pause_clock(self, at: datetime | str | None = None) -> dict[str, Any]:
        """Pauses the clock where it is, or at `at`: jobs and tokens stand still until it is
        advanced."""
        body = None
        if at is not None:
            body = {"at": at.isoformat() if isinstance(at, datetime) else at}
        return self._control("POST", "clock/pause", body)

    def advance_clock(self, by: float | timedelta | str) -> dict[str, Any]:
        """Moves the clock forward by `by` (seconds, a `timedelta` or text such as `"90s"`),
        pausing it first if it runs."""
        return self._control("POST", "clock/advance", {"by": _duration(by, "advance_clock")})

    def resume_clock(self) -> dict[str, Any]:
        """Lets the clock follow the system clock again."""
        return self._control("POST", "clock/resume")

    def inject(self, fault: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Adds a fault, as the control API takes it, and returns the pending faults:
        `{"kind": "status", "status": 503, "retry_after_secs": 1, "call": "get",
        "endpoint": "aws-keys", "times": 2}`; kinds `status`, `stall` (`millis`),
        `close_connection`, `newer_server` (`field`, `value`, `status`), `fail_job` (`reason`,
        `item`)."""
        return self._control("POST", "faults", dict(fault))

    def faults(self) -> list[dict[str, Any]]:
        """The pending faults, with the calls each has left."""
        return self._control("GET", "faults")

    def clear_faults(self) -> None:
        """Clears the pending faults."""
        self._control("DELETE", "faults")

    def load_jobs(self, body: Any, endpoint: str | None = None) -> LoadReport:
        """Loads a recorded page or job of any family (a response body of the API: bytes, text,
        a parsed JSON value or a model of `cckm_sync.models`), for the endpoint named `endpoint`
        (`aws-keys`, `dsm`, …) or one of the job's family; returns what was loaded, skipped
        and dropped. Raises `MockError` when nothing of it fits in the mock (its 409)."""
        if hasattr(body, "model_dump_json"):
            data = body.model_dump_json().encode()
        elif isinstance(body, bytes):
            data = body
        elif isinstance(body, str):
            data = body.encode()
        else:
            data = json.dumps(body).encode()
        path = "jobs" if endpoint is None else f"jobs?{urllib.parse.urlencode({'endpoint': endpoint})}"
        return LoadReport._of(self._control("POST", path, raw=data))

    def received_requests(self) -> list[ReceivedRequest]:
        """The requests received on the API, oldest first (at most the last 1,000)."""
        return [
            ReceivedRequest(
                method=item["method"],
                path=item["path"],
                query=item.get("query"),
                headers=[(name, value) for name, value in item["headers"]],
                body=item["body"],
                body_truncated=item["body_truncated"],
                received_at=item["received_at"],
                status=item["status"],
            )
            for item in self._control("GET", "requests")
        ]

    def clear_received_requests(self) -> None:
        """Forgets the received requests."""
        self._control("DELETE", "requests")

    def set_inventory(self, family: str, items: Sequence[str] | None = None, regions: Sequence[str] | None = None) -> dict[str, Any]:
        """Sets what a `synchronize_all` start selects for `family` (`aws`, `azure`, `google`,
        …), and for AWS the regions a start that names none covers."""
        body: dict[str, Any] = {}
        if items is not None:
            body["items"] = list(items)
        if regions is not None:
            body["regions"] = list(regions)
        return self._control("PUT", f"inventory/{urllib.parse.quote(family, safe='')}", body)

    def revoke_tokens(self) -> None:
        """Revokes every token issued so far."""
        self._control("POST", "tokens/revoke")
        with self._token_lock:
            self._jwt = None

    # --- HTTP ---------------------------------------------------------------------------------

    def _control(self, method: str, path: str, body: Any = None, *, raw: bytes | None = None) -> Any:
        url = f"{self.root_url}/__mock/{path}"
        status, answer = self._http(method, url, body, raw=raw)
        text = answer.decode("utf-8", errors="replace")
        if not 200 <= status < 300:
            raise self._failure(f"{method} /__mock/{path} answered {status}: {_error_message(text)}")
        return json.loads(text) if text.strip() else None

    def _http(self, method: str, url: str, body: Any = None, *, raw: bytes | None = None) -> tuple[int, bytes]:
        if self._opener is None or not self.running:
            raise self._failure("the mock is not running")
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        request = urllib.request.Request(url, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read()
        except (urllib.error.URLError, OSError) as error:
            raise self._failure(f"{method} {url} failed: {error}") from error

    # --- diagnostics --------------------------------------------------------------------------

    def _keep_stderr(self, line: str | None) -> None:
        if line is None:
            return
        with self._stderr_lock:
            self._stderr.append(line + "\n")
            while sum(map(len, self._stderr)) > _STDERR_KEPT and len(self._stderr) > 1:
                self._stderr.pop(0)

    def _failure(self, message: str, *, reason: bool = False) -> MockError:
        """A `MockError` of one line, with the program's standard error beside it; with
        `reason`, the program's last error line (a bad option, a seed it cannot read) ends the
        line."""
        stderr = self.stderr
        if reason:
            said = _error_line(stderr)
            if said:
                message = f"{message}: {said}"
        return MockError(_one_line(message), stderr)


def _one_line(text: str) -> str:
    return " ".join(text.split("\n")).strip()


def _error_line(stderr: str) -> str | None:
    """The program's last `error: …` line, without its prefix."""
    for line in reversed(stderr.splitlines()):
        if line.startswith("error: "):
            return line.removeprefix("error: ").strip()
    return None


def _error_message(text: str) -> str:
    """The `message` of the mock's error body (the API's `{code, codeDesc, message,
    requestID}`), or the body itself, on one line."""
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return _one_line(body["message"])
    return _one_line(text.strip()[:500]) or "(no body)"


def _pump(stream: Any, sink: Any) -> None:
    """Hands each line of `stream` to `sink`, then `None` at its end: the pipes never fill."""
    try:
        for line in stream:
            sink(line.rstrip("\n"))
    except (OSError, ValueError):
        pass
    finally:
        sink(None)


def _kill(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.kill()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass


def _jwt_times(jwt: str) -> tuple[int, int]:
    """The `iat` and `exp` claims of a JWT (seconds since the epoch, by the mock's clock)."""
    try:
        payload = jwt.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return int(claims["iat"]), int(claims["exp"])
    except (IndexError, ValueError, KeyError, TypeError) as error:
        raise MockError(f"the token call answered a JWT without readable `iat` and `exp`: {error}") from error


def _renew_margin(lifetime: int, paused: bool) -> float:
    """How long before its expiry a token is renewed: never early on a paused clock, which moves
    only when told; on a running one, early enough for the call that uses it."""
    return 0.0 if paused else min(30.0, lifetime / 10)
