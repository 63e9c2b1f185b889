"""The pytest plugin: ``autotask_fake`` (in-process, through respx) and ``autotask_server`` (real HTTP).

Installed with the package through the ``pytest11`` entry point. Options per test:
``@pytest.mark.autotask(profile="documented", limits=Limits.off(), seed="sample", state_api=True)``.

Every option this plugin adds starts with ``--autotask-``, and its one marker is ``autotask``: people who
use it also use pytest-recording or pytest-vcr (``--record-mode``, ``--vcr-record``, ``vcr``, ``vcr_config``),
and pytest refuses to start when two plugins add the same option.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from fake_server import FakeAutotask, Limits, TenantProfile

# Every pytest run of everyone who installs the package loads this module: what it imports at the top is
# what they all pay for. The server (uvicorn), cassettes (vcrpy) and seeds load in the fixtures that use
# them; nothing global (a hypothesis profile, say) is registered here.
if TYPE_CHECKING:
    from harness.serving.server import ServedFake
    from harness.serving.shared_server import WorkerTenant
    from harness.webhooks.fixture import WebhookContract

_SHARED = pytest.StashKey["ServedFake"]()
MARKER_KEYWORDS = ("profile", "limits", "seed", "state_api")
RECORD_MODES = ("none", "once", "new_episodes", "all", "rewrite")


def _one_line(error: Exception) -> str:
    # cli_errors.one_line's twin: importing it would load typer into every pytest run of every user.
    return " ".join(str(error).split())


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "autotask(profile=..., limits=..., seed=..., state_api=...): options for the Autotask fixtures"
    )
    profile = config.getoption("--autotask-profile", default="default")
    if profile != "default":  # a typo is refused once, at the start, not as an error in every test
        try:
            TenantProfile.load(profile)
        except (OSError, ValueError, KeyError, TypeError) as failed:
            raise pytest.UsageError(f"--autotask-profile {profile}: {_one_line(failed)}") from None


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("autotask")
    group.addoption("--autotask-profile", default="default", help="tenant profile for the Autotask fixtures")
    group.addoption(
        "--autotask-client",
        default=None,
        help="the client the contract suite drives, as module:factory (default: the reference client)",
    )
    group.addoption(
        "--autotask-live",
        action="store_true",
        default=False,
        help="run the live-capable tests against the sandbox named by AUTOTASK_ZONE_URL and "
        "AUTOTASK_USERNAME/SECRET/INTEGRATION_CODE, recording cassettes; off: nothing leaves "
        "the machine",
    )
    group.addoption(
        "--autotask-cassette-dir",
        default="cassettes/live",
        help="where --autotask-live writes its recordings (default cassettes/live)",
    )
    group.addoption(
        "--autotask-record-mode",
        default=None,
        choices=RECORD_MODES,
        help="vcrpy record mode for autotask_vcr (default: pytest-recording's --record-mode when it is "
        "installed, else none: replay only)",
    )
    group.addoption(
        "--autotask-allow-missing",
        action="append",
        default=[],
        metavar="OPERATION",
        help="the contract suite reports this adapter operation as not supported instead of failing on it "
        "(repeat for more)",
    )
    group.addoption(
        "--autotask-html",
        default=None,
        metavar="FILE",
        help="the contract suite writes its report as one self-contained HTML file here",
    )
    group.addoption(
        "--autotask-shared-server",
        action="store_true",
        default=False,
        help="serve one fake (a tenant per API user) for the whole run; under xdist each worker gets its own "
        "tenant on it (fixture autotask_tenant)",
    )
    group.addoption(
        "--autotask-in-process",
        action="store_true",
        default=False,
        help="run the contract suite's Python client in-process, through fake.mock() and the "
        "production zone-lookup host, instead of against a served fake",
    )
    group.addoption(
        "--autotask-command",
        default=None,
        help='a non-Python client the contract suite runs, e.g. "pwsh ./resolve.ps1 {base_url} {ticket_number}"',
    )


def _own_server(config: pytest.Config) -> ServedFake:
    """This process's shared server, started on first use and stopped when pytest unconfigures."""
    served = config.stash.get(_SHARED, None)
    if served is None:
        from harness.serving.shared_server import start_shared_server

        served = config.stash[_SHARED] = start_shared_server(config.getoption("--autotask-profile"))
    return served


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """pytest-xdist, in the controller: each worker is handed the one shared server's URL."""
    if node.config.getoption("--autotask-shared-server"):
        from harness.serving.shared_server import WORKER_INPUT

        node.workerinput[WORKER_INPUT] = _own_server(node.config).root_url


def pytest_unconfigure(config: pytest.Config) -> None:
    served = config.stash.get(_SHARED, None)
    if served is not None:
        served.stop()


def _options(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The ``autotask`` marker's keywords; a typo is refused by name, never silently ignored."""
    marker = request.node.get_closest_marker("autotask")
    if marker is None:
        return {}
    unknown = sorted(set(marker.kwargs) - set(MARKER_KEYWORDS))
    if unknown or marker.args:
        given = ", ".join(repr(a) for a in marker.args) if marker.args else ", ".join(unknown)
        pytest.fail(
            f"@pytest.mark.autotask does not take {given}; its keywords are {', '.join(MARKER_KEYWORDS)}",
            pytrace=False,
        )
    return dict(marker.kwargs)


def _make_fake(request: pytest.FixtureRequest, options: dict[str, Any]) -> FakeAutotask:
    from harness.serving.seeding import load_seed

    limits = options.get("limits")
    profile = options.get("profile", request.config.getoption("--autotask-profile"))
    try:
        fake = FakeAutotask(profile, limits=limits if isinstance(limits, Limits) or limits is None else Limits.off())
    except (OSError, ValueError, KeyError, TypeError) as failed:
        pytest.fail(f"@pytest.mark.autotask(profile={profile!r}): {_one_line(failed)}", pytrace=False)
    seed = options.get("seed")
    if seed is not None:
        try:
            load_seed(fake, seed) if isinstance(seed, str) else fake.load_baseline(seed)
        except ValueError as failed:  # SeedRefused, or the fake's own refusal of a snapshot given as a dict
            shown = seed if isinstance(seed, str) else "a snapshot"
            pytest.fail(f"@pytest.mark.autotask(seed={shown!r}): {_one_line(failed)}", pytrace=False)
        fake.journal.clear()
    return fake


@pytest.fixture
def autotask_fake(request: pytest.FixtureRequest) -> Iterator[FakeAutotask]:
    """A fresh fake tenant with every httpx, requests and aiohttp request to the Autotask hosts routed to it."""
    fake = _make_fake(request, _options(request))
    with fake.mock():
        yield fake


@pytest.fixture
def autotask_server(request: pytest.FixtureRequest) -> Iterator[ServedFake]:
    """A fresh fake tenant served on a free 127.0.0.1 port; ``.base_url``, ``.fake`` and ``.journal``."""
    from harness.serving.server import ServedFake

    options = _options(request)
    served = ServedFake(_make_fake(request, options), state_api=bool(options.get("state_api", False)))
    with served:
        yield served


@pytest.fixture(scope="session")
def autotask_shared_url(request: pytest.FixtureRequest) -> str:
    """The root URL of the run's shared served fake (``--autotask-shared-server``), or of this process's."""
    from harness.serving.shared_server import WORKER_INPUT

    handed: str | None = getattr(request.config, "workerinput", {}).get(WORKER_INPUT)
    return handed or _own_server(request.config).root_url


@pytest.fixture
def autotask_tenant(request: pytest.FixtureRequest, autotask_shared_url: str) -> WorkerTenant:
    """This worker's own tenant on the shared served fake, reset for each test: ``.base_url``, ``.headers``
    (send them with every request), ``.seed()``, ``.journal()``."""
    from harness.serving.shared_server import WorkerTenant

    worker = str(getattr(request.config, "workerinput", {}).get("workerid", "main"))
    tenant = WorkerTenant(autotask_shared_url, worker)
    tenant.reset()
    return tenant


@pytest.fixture
def autotask_webhook_contract(request: pytest.FixtureRequest) -> WebhookContract:
    """The webhook receiver contract for a Python receiver (a factory taking ``ReceiverConfig`` and returning
    an ASGI app), served in this process: ``autotask_webhook_contract.check(make_receiver)``."""
    from harness.webhooks.fixture import WebhookContract

    return WebhookContract(_options(request).get("profile", request.config.getoption("--autotask-profile")))


def _vcr_config(request: pytest.FixtureRequest) -> dict[str, Any]:
    """A ``vcr_config`` fixture's options when there is one (the user's conftest, pytest-recording or
    pytest-vcr define it); this plugin does not define one itself, so it never shadows theirs."""
    try:
        config: dict[str, Any] = dict(request.getfixturevalue("vcr_config"))
    except pytest.FixtureLookupError:
        return {}
    return config


def _record_mode(config: pytest.Config) -> str:
    """``--autotask-record-mode``, else pytest-recording's ``--record-mode`` when installed, else none."""
    mode: str | None = config.getoption("--autotask-record-mode")
    return mode or str(config.getoption("record_mode", default=None) or "none")


@pytest.fixture
def autotask_vcr(request: pytest.FixtureRequest) -> Any:
    """The shared, scrubbing vcrpy configuration, with the record mode and a ``vcr_config`` fixture applied."""
    from harness.cassettes.vcr import autotask_vcr as configure

    options = {"record_mode": _record_mode(request.config), **_vcr_config(request)}
    return configure(**options)


@pytest.fixture
def autotask_target(request: pytest.FixtureRequest) -> Iterator[Any]:
    """The served fake, or with --autotask-live the sandbox from the environment."""
    from harness.serving.server import ServedFake

    from .sandbox import Target, live_target

    if request.config.getoption("--autotask-live"):
        yield live_target()
        return
    with ServedFake(_make_fake(request, _options(request))) as served:
        yield Target(
            f"{served.root_url}/ATServicesRest", "fake-user@example.invalid", "fake-secret", "FAKE", live=False
        )


@pytest.fixture
def autotask_cassette(request: pytest.FixtureRequest, autotask_target: Any) -> Iterator[Any]:
    """Live, records this test's exchanges (scrubbed) to ``--autotask-cassette-dir/<test name>.json``,
    rewriting the old recording; against the fake, records nothing."""
    from pathlib import Path

    from harness.cassettes.vcr import Provenance, recording
    from harness.cassettes.vcr import autotask_vcr as configure

    if not autotask_target.live:
        yield None
        return
    folder = Path(request.config.getoption("--autotask-cassette-dir"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{request.node.name}.json"
    configured = configure(**{"record_mode": "all", **_vcr_config(request)})
    with recording(
        path, Provenance("sandbox", description=request.node.nodeid, zone=autotask_target.zone), configured
    ) as cassette:
        yield cassette
