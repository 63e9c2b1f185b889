"""Reading a tenant's zone, version, thresholds and entity metadata, and writing entity files the fake loads."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .session import Session

# The entities the fake models in full (it ships a hand-written file for each): the ones worth capturing.
CORE_ENTITIES = ("Tickets", "TicketNotes", "TimeEntries", "Companies", "Contacts", "Resources", "ContactGroups",
                 "ConfigurationItems", "Contracts", "Projects", "Tasks")


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
    metadata.version = dict(session.must("GET", "/Version"))
    metadata.thresholds = dict(session.must("GET", "/ThresholdInformation"))


def read_entity(session: Session, name: str) -> EntityCapture:
    info = session.must("GET", f"/{name}/entityInformation")["info"]
    fields = session.must("GET", f"/{name}/entityInformation/fields")["fields"]
    udfs: list[dict[str, Any]] = []
    if info.get("hasUserDefinedFields"):
        udfs = session.must("GET", f"/{name}/entityInformation/userDefinedFields")["fields"]
    return EntityCapture(name, dict(info), list(fields), list(udfs))


def write_entity_files(entities: dict[str, EntityCapture], directory: Path) -> list[Path]:
    """One ``{Name}.json`` per entity, in the shape of the fake's bundled files (``info`` and ``fields``)."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for capture in entities.values():
        path = directory / f"{capture.name}.json"
        path.write_text(json.dumps({"info": capture.info, "fields": capture.fields}, indent=2, ensure_ascii=False)
                        + "\n", encoding="utf-8")
        written.append(path)
    return written
