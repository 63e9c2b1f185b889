"""The contract-testing harness around the fake Autotask server: its public face.

``from harness import check, load_traffic, AutotaskClient, ServedFake, ...``. Names load on first use
(PEP 562), so importing ``harness`` costs nothing: a rule check does not pull in uvicorn or vcrpy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

# public name -> the module that defines it
_EXPORTS = {
    "AutotaskClient": "client",
    "AutotaskError": "client",
    "Resolution": "client",
    "ClientAdapter": "adapter",
    "ClientConfig": "adapter",
    "CommandAdapter": "adapter",
    "NotSupported": "adapter",
    "load_factory": "adapter",
    "reference_adapter": "adapter",
    "Finding": "rules",
    "REGISTRY": "rules",
    "Rule": "rules",
    "RuleContext": "rules",
    "Violation": "rules",
    "check": "rules",
    "rules_in": "rules",
    "Exchange": "traffic",
    "load_traffic": "traffic",
    "Provenance": "cassettes",
    "autotask_vcr": "cassettes",
    "cassette_traffic": "cassettes",
    "recording": "cassettes",
    "Difference": "replay",
    "fake_sender": "replay",
    "http_sender": "replay",
    "replay": "replay",
    "ServedFake": "serving",
    "Settings": "settings",
    "load_settings": "settings",
    "load_seed": "seeding",
    "Target": "live",
    "check_target": "live",
}

# Written out (not computed from _EXPORTS) so that linters and type checkers can read it; a test keeps
# the two equal.
__all__ = [
    "REGISTRY",
    "AutotaskClient",
    "AutotaskError",
    "ClientAdapter",
    "ClientConfig",
    "CommandAdapter",
    "Difference",
    "Exchange",
    "Finding",
    "NotSupported",
    "Provenance",
    "Resolution",
    "Rule",
    "RuleContext",
    "ServedFake",
    "Settings",
    "Target",
    "Violation",
    "autotask_vcr",
    "cassette_traffic",
    "check",
    "check_target",
    "fake_sender",
    "http_sender",
    "load_factory",
    "load_seed",
    "load_settings",
    "load_traffic",
    "recording",
    "reference_adapter",
    "replay",
    "rules_in",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'harness' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


if TYPE_CHECKING:  # what type checkers and editors see; at run time the names load lazily
    from .adapter import ClientAdapter, ClientConfig, CommandAdapter, NotSupported, load_factory, reference_adapter
    from .cassettes import Provenance, autotask_vcr, cassette_traffic, recording
    from .client import AutotaskClient, AutotaskError, Resolution
    from .live import Target, check_target
    from .replay import Difference, fake_sender, http_sender, replay
    from .rules import REGISTRY, Finding, Rule, RuleContext, Violation, check, rules_in
    from .seeding import load_seed
    from .serving import ServedFake
    from .settings import Settings, load_settings
    from .traffic import Exchange, load_traffic
