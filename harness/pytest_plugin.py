"""The pytest plugin: ``autotask_fake`` (in-process, through respx) and ``autotask_server`` (real HTTP).

Installed with the package through the ``pytest11`` entry point. Options per test:
``@pytest.mark.autotask(profile="documented", limits=Limits.off(), seed="sample", state_api=True)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from fake_server import FakeAutotask, Limits

from .serving import ServedFake


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "autotask(profile=..., limits=..., seed=..., state_api=...): options for the Autotask fixtures")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("autotask")
    group.addoption("--autotask-profile", default="default", help="tenant profile for the Autotask fixtures")


def _options(request: pytest.FixtureRequest) -> dict[str, Any]:
    marker = request.node.get_closest_marker("autotask")
    return dict(marker.kwargs) if marker else {}


def _make_fake(request: pytest.FixtureRequest, options: dict[str, Any]) -> FakeAutotask:
    limits = options.get("limits")
    fake = FakeAutotask(options.get("profile", request.config.getoption("--autotask-profile")),
                        limits=limits if isinstance(limits, Limits) or limits is None else Limits.off())
    seed = options.get("seed")
    if seed is not None:
        from .cli import load_seed

        load_seed(fake, seed) if isinstance(seed, str) else fake.load_snapshot(seed)
        fake.journal.clear()
    return fake


@pytest.fixture
def autotask_fake(request: pytest.FixtureRequest) -> Iterator[FakeAutotask]:
    """A fresh fake tenant with every httpx request to the Autotask hosts routed to it."""
    fake = _make_fake(request, _options(request))
    with fake.mock():
        yield fake


@pytest.fixture
def autotask_server(request: pytest.FixtureRequest) -> Iterator[ServedFake]:
    """A fresh fake tenant served on a free 127.0.0.1 port; ``.base_url``, ``.fake`` and ``.journal``."""
    options = _options(request)
    served = ServedFake(_make_fake(request, options), state_api=bool(options.get("state_api", False)))
    with served:
        yield served
