"""The pytest plugin of `cckm-sync` (registered through the `pytest11` entry point): the
fixture `cckm_mock`, a fresh `MockServer` for each test, stopped after it even when the test
fails.

```python
import pytest

def test_a_job(cckm_mock):
    ...

@pytest.mark.cckm_mock(job_duration=10, token_lifetime=60)
def test_with_options(cckm_mock):
    ...
```
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cckm_sync.mock import MockServer


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "cckm_mock(**options): options of the MockServer the `cckm_mock` fixture starts "
        "(job_duration, token_lifetime, tls, username, password, seed, max_jobs, max_items)",
    )


@pytest.fixture
def cckm_mock(request: pytest.FixtureRequest) -> Iterator[MockServer]:
    """A mock CipherTrust Manager for this test: `cckm-sync mock` on a free port of 127.0.0.1,
    with the options of the test's `cckm_mock` mark, if any."""
    marker = request.node.get_closest_marker("cckm_mock")
    options = dict(marker.kwargs) if marker else {}
    with MockServer(**options) as server:
        yield server
