"""Where a test's traffic goes: the served fake (always, unless asked), or a live sandbox with --autotask-live."""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlsplit

LIVE_ENVIRONMENT = ("AUTOTASK_ZONE_URL", "AUTOTASK_USERNAME", "AUTOTASK_SECRET", "AUTOTASK_INTEGRATION_CODE")


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
    return Target(os.environ["AUTOTASK_ZONE_URL"].rstrip("/"), os.environ["AUTOTASK_USERNAME"],
                  os.environ["AUTOTASK_SECRET"], os.environ["AUTOTASK_INTEGRATION_CODE"], live=True)
