"""The adapter protocol the contract suite drives, with the reference client's adapter and a command adapter.

A user plugs their own client in as ``module:factory``: a callable taking a
``ClientConfig`` and returning an object with these operations. One it lacks fails the
scenarios that need it, unless the user declares it unsupported (``--allow-missing``).
"""

from __future__ import annotations

import importlib
import os
import shlex
import subprocess
import sys
from dataclasses import dataclass
from typing import Any, Protocol

from .client import AutotaskClient


@dataclass(frozen=True)
class ClientConfig:
    """Where the client finds the tenant, and how the tenant behaves (as a user configures it)."""

    base_url: str  # .../ATServicesRest/V1.0
    zone_lookup_root: str  # .../ATServicesRest, for clients that discover their zone
    username: str
    secret: str
    integration_code: str
    completing_status: int = 5  # the tenant's status that stamps completedDate (the Postman contract §5)


class ClientAdapter(Protocol):
    def resolve_ticket(self, ticket_number: str, note: str, resolution: str) -> None:
        """The Postman contract §9 test 2: note, resolution, then complete only if the ticket has no time entries."""

    def set_resolution(self, ticket_number: str, resolution: str) -> None:
        """The Postman contract §8: change the resolution and nothing else."""

    def add_note(self, ticket_number: str, title: str, description: str) -> None:
        """The Postman contract §7: add a note to the ticket."""

    def query_all(self, entity: str, filters: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Every record matching the filters, however many pages that takes."""


OPERATIONS = ("resolve_ticket", "set_resolution", "add_note", "query_all")  # what the contract suite drives


class NotSupported(Exception):
    """The adapter does not offer this operation: scenarios that need it fail unless it is allowed missing."""


def supports(adapter: object, operation: str) -> bool:
    """Whether the adapter offers the operation (an adapter may list ``supported_operations``)."""
    offered = getattr(adapter, "supported_operations", None)
    return callable(getattr(adapter, operation, None)) and (offered is None or operation in offered)


class ReferenceAdapter:
    """The reference client behind the adapter protocol."""

    def __init__(self, config: ClientConfig, client: AutotaskClient | None = None) -> None:
        self.config = config
        self.client = client or AutotaskClient.discover(
            config.zone_lookup_root, config.username, config.secret, config.integration_code
        )

    def resolve_ticket(self, ticket_number: str, note: str, resolution: str) -> None:
        self.client.resolve(ticket_number, note, resolution, completing_status=self.config.completing_status)

    def set_resolution(self, ticket_number: str, resolution: str) -> None:
        self.client.set_resolution(self.client.ticket_id(ticket_number), resolution)

    def add_note(self, ticket_number: str, title: str, description: str) -> None:
        self.client.add_note(self.client.ticket_id(ticket_number), title, description)

    def query_all(self, entity: str, filters: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return list(self.client.query(entity, filters))


def reference_adapter(config: ClientConfig) -> ReferenceAdapter:
    return ReferenceAdapter(config)


COMMAND_PLACEHOLDERS = ("base_url", "root_url", "ticket_number", "note", "resolution", "completing_status")


class CommandAdapter:
    """A client in any language, run as a command per operation.

    The template may use ``{base_url}``, ``{root_url}``, ``{ticket_number}``, ``{note}``,
    ``{resolution}``, ``{completing_status}``; credentials come in ``AT_USERNAME``, ``AT_SECRET``,
    ``AT_INTEGRATION_CODE``.
    Only ``resolve_ticket`` is offered: the suite judges it by the fake's state and journal.
    """

    supported_operations = frozenset({"resolve_ticket"})

    def __init__(self, template: str, config: ClientConfig) -> None:
        self.template = template
        self.config = config

    def resolve_ticket(self, ticket_number: str, note: str, resolution: str) -> None:
        values = {
            "base_url": self.config.base_url,
            "root_url": self.config.zone_lookup_root.rsplit("/", 1)[0],
            "ticket_number": ticket_number,
            "note": note,
            "resolution": resolution,
            "completing_status": str(self.config.completing_status),
        }
        command = [part.format(**values) for part in shlex.split(self.template)]
        env = {
            **os.environ,
            "AT_USERNAME": self.config.username,
            "AT_SECRET": self.config.secret,
            "AT_INTEGRATION_CODE": self.config.integration_code,
        }
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]} exited {done.returncode}: {done.stderr.strip()[:500]}")

    def set_resolution(self, ticket_number: str, resolution: str) -> None:
        raise NotSupported("set_resolution")

    def add_note(self, ticket_number: str, title: str, description: str) -> None:
        raise NotSupported("add_note")

    def query_all(self, entity: str, filters: list[dict[str, Any]]) -> list[dict[str, Any]]:
        raise NotSupported("query_all")


def load_factory(spec: str) -> Any:
    """``package.module:factory`` -> the factory. The module is looked for in the current directory first,
    as pytest finds a test's modules from its rootdir: ``myadapter:make`` next to ``myadapter.py`` loads
    even when the command runs from an installed script, whose ``sys.path`` starts at its own folder."""
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise ValueError(f"a client is given as module:factory, got {spec!r}")
    here = os.getcwd()
    if here not in sys.path and "" not in sys.path:
        sys.path.insert(0, here)
    module = importlib.import_module(module_name)
    if not hasattr(module, attribute):
        raise AttributeError(f"module {module_name!r} has no {attribute!r}")
    return getattr(module, attribute)
