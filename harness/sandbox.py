"""Where a test's traffic goes: the served fake (always, unless asked), or a live sandbox with --autotask-live."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

# The API user's credentials, in the order Target, verify and probe take them.
CREDENTIAL_ENVIRONMENT = ("AUTOTASK_USERNAME", "AUTOTASK_SECRET", "AUTOTASK_INTEGRATION_CODE")
LIVE_ENVIRONMENT = ("AUTOTASK_ZONE_URL", *CREDENTIAL_ENVIRONMENT)


@dataclass(frozen=True)
class Target:
    """A tenant to talk to: ``zone_lookup_root`` is ``https://webservicesN.autotask.net/ATServicesRest``."""

    zone_lookup_root: str
    username: str
    secret: str
    integration_code: str
    live: bool

    @property
    def zone(self) -> str:
        return urlsplit(self.zone_lookup_root).hostname or ""


def live_target() -> Target:
    """The sandbox named by the environment; a clear error when any variable is missing."""
    missing = [name for name in LIVE_ENVIRONMENT if not os.environ.get(name)]
    if missing:
        raise RuntimeError("--autotask-live needs " + ", ".join(missing) + " in the environment")
    return Target(
        os.environ["AUTOTASK_ZONE_URL"].rstrip("/"),
        os.environ["AUTOTASK_USERNAME"],
        os.environ["AUTOTASK_SECRET"],
        os.environ["AUTOTASK_INTEGRATION_CODE"],
        live=True,
    )


LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


class TargetRefused(Exception):
    """The harness will not send to this target: missing credentials, or production without consent."""


def check_target(url: str, sandbox_hosts: Sequence[str], allow_production: bool) -> None:
    """Refuse a host that is neither loopback nor a listed sandbox, unless ``--allow-production`` was given."""
    host = urlsplit(url).hostname or ""
    if host in LOOPBACK or host in sandbox_hosts or allow_production:
        return
    raise TargetRefused(
        f"{host} is not a known sandbox (loopback, or [tool.autotask-harness] sandbox_hosts); "
        "pass --allow-production to use it anyway"
    )
