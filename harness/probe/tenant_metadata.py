"""Reading a tenant's zone, version, thresholds and entity metadata, and writing entity files the fake loads."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .session import ProbeFailed, Session

# The entities the fake models in full (it ships a hand-written file for each): the ones worth capturing.
CORE_ENTITIES = (
    "Tickets",
    "TicketNotes",
    "TimeEntries",
    "Companies",
    "Contacts",
    "Resources",
    "ContactGroups",
    "ConfigurationItems",
    "Contracts",
    "Projects",
    "Tasks",
)


@dataclass(frozen=True)
class EntityCapture:
    """What ``entityInformation``, ``…/fields`` and ``…/userDefinedFields`` answered for one entity."""

    name: str
    info: dict[str, Any]
    fields: list[dict[str, Any]]
    udfs: list[dict[str, Any]]

    def field(self, name: str) -> dict[str, Any] | None:
        return next((f for f in self.fields if str(f.get("name", "")).lower() == name.lower()), None)


@dataclass
class TenantMetadata:
    zone: dict[str, Any] = field(default_factory=dict)
    version: dict[str, Any] = field(default_factory=dict)
    thresholds: dict[str, Any] = field(default_factory=dict)
    entities: dict[str, EntityCapture] = field(default_factory=dict)


def read_service(session: Session, metadata: TenantMetadata) -> None:
    """``/Version`` and ``/ThresholdInformation`` (the zone came with discovery)."""
    metadata.version = _object(session.must("GET", "/Version").body, "GET /Version")
    metadata.thresholds = _object(session.must("GET", "/ThresholdInformation").body, "GET /ThresholdInformation")


def read_entity(session: Session, name: str) -> EntityCapture:
    path = f"/{name}/entityInformation"
    info = _object(session.must("GET", path).value("info", f"GET {path}"), f"GET {path}")
    fields = _objects(session.must("GET", f"{path}/fields").value("fields", f"GET {path}/fields"), f"{path}/fields")
    udfs: list[dict[str, Any]] = []
    if info.get("hasUserDefinedFields"):
        udf_path = f"{path}/userDefinedFields"
        udfs = _objects(session.must("GET", udf_path).value("fields", f"GET {udf_path}"), udf_path)
    return EntityCapture(name, info, fields, udfs)


def _object(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ProbeFailed(f"{what} answered something other than a JSON object")
    return value


def _objects(value: Any, what: str) -> list[dict[str, Any]]:
    """A list of field descriptions, each with a name (anything else is not the API's shape)."""
    if not isinstance(value, list) or not all(isinstance(v, dict) and isinstance(v.get("name"), str) for v in value):
        raise ProbeFailed(f"{what} answered something other than a list of named fields")
    return value


def write_entity_files(entities: dict[str, EntityCapture], directory: Path) -> list[Path]:
    """One ``{Name}.json`` per entity, in the shape of the fake's bundled files (``info`` and ``fields``)."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for capture in entities.values():
        path = directory / f"{capture.name}.json"
        path.write_text(
            json.dumps({"info": capture.info, "fields": capture.fields}, indent=2, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
        written.append(path)
    return written
