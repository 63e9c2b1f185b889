"""Checking seeded records (``fake.seed``, a snapshot, a state file's tenant) as the API checks a write.

A seed skips business validation (required fields, picklist membership, references: a snapshot may hold
records in any order and of entities the fake does not model), but not what a write's body is refused for
before any of that: an unknown entity or field, a value the field's type cannot hold (an id of 2**70, a
string that is no number), a string longer than its field, an unknown UDF, a record that is no object. It
uses the writer's own field check (``writes.checked_value``), so seeds and writes cannot drift apart. It
also refuses what no write can store: a lone surrogate, which would make every answer holding the record
unwritable as UTF-8 (the values coercer refuses it). A snapshot is checked whole, no two records of an
entity sharing an id, before any of it is stored.
"""

from __future__ import annotations

from typing import Any

from .catalog import Catalog, EntityInfo
from .coercion import coerce
from .errors import BusinessError
from .profile import TenantProfile
from .rendering import udf_types
from .writes import checked_value, udf_pairs, udf_text

Checked = list[tuple[EntityInfo, list[dict[str, Any]]]]


class SeedRefused(ValueError):
    """A seeded record the API would refuse as a write; ``field`` names the field at fault when one is."""

    def __init__(self, reason: str, *, field: str | None = None) -> None:
        super().__init__(shown_text(reason))
        self.reason = shown_text(reason)
        self.field = None if field is None else shown_text(field)


class SnapshotRefused(ValueError):
    """A snapshot (a seed, a state file's tenant) the fake will not load: where the fault is, and why."""

    def __init__(
        self,
        reason: str,
        *,
        entity: str | None = None,
        position: int | None = None,
        record_id: Any = None,
        field: str | None = None,
    ) -> None:
        self.reason = shown_text(reason)
        self.entity = None if entity is None else shown_text(entity)
        self.position = position
        self.record_id = record_id
        self.field = field
        where = []
        if self.entity is not None:
            where.append(self.entity)
        if position is not None:
            record = f"record {position + 1}"
            if isinstance(record_id, int | str) and not isinstance(record_id, bool):
                record += f" (id {shown_text(str(record_id))[:40]})"
            where.append(record)
        if field is not None:
            where.append(f"field {field}")
        super().__init__(f"{', '.join(where)}: {self.reason}" if where else self.reason)


def shown_text(text: str) -> str:
    """Text safe to answer: a message echoing a lone surrogate would itself fail as UTF-8."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def check_record(profile: TenantProfile, entity: EntityInfo, values: Any) -> dict[str, Any]:
    """A seeded record's values checked field by field as a write checks a body, and coerced; the store is
    not touched. A ``SeedRefused`` names the field at fault."""
    if not isinstance(values, dict):
        raise SeedRefused(f"a record must be a JSON object, not {_kind(values)}")
    record: dict[str, Any] = {}
    for key, value in values.items():
        if key.lower() == "userdefinedfields":
            record["userDefinedFields"] = _check_udfs(profile, entity, value)
            continue
        info = entity.field(key)
        if info is None:
            if entity.ignores(key):
                continue  # the API binds and ignores it in a write's body
            raise SeedRefused(f"{entity.name} has no field '{shown_text(key)}'", field=key)
        try:
            record[info.name] = checked_value(info, value)
        except BusinessError as error:
            raise SeedRefused(str(error), field=info.name) from None
    return record


def check_snapshot(catalog: Catalog, profile: TenantProfile, snapshot: Any, *, ids_required: bool = False) -> Checked:
    """Every record of a snapshot checked (``check_record``), no two with one id within an entity: a
    ``SnapshotRefused`` names the entity, the record and the field of the first fault. A seed's record
    without an id is given the next one, as a create is; a state file's (``ids_required``) is refused, as
    the fake writes every id it holds."""
    if not isinstance(snapshot, dict):
        raise SnapshotRefused("a snapshot is a JSON object mapping entity names to arrays of records")
    checked: Checked = []
    seen: dict[str, dict[int, int]] = {}
    for entity, records in snapshot.items():
        info = catalog.get(entity)
        if info is None:
            raise SnapshotRefused(f"Autotask has no entity named {entity!r}", entity=entity)
        if not isinstance(records, list):
            raise SnapshotRefused("the records of an entity must be a JSON array", entity=info.name)
        ids = seen.setdefault(info.name, {})  # by the catalog's name: "tickets" and "Tickets" are one entity
        rows = []
        for position, values in enumerate(records):
            at: dict[str, Any] = {"entity": info.name, "position": position}
            try:
                record = check_record(profile, info, values)
            except SeedRefused as error:
                record_id = values.get("id") if isinstance(values, dict) else None
                raise SnapshotRefused(error.reason, record_id=record_id, field=error.field, **at) from None
            record_id = record.get("id")
            if record_id is None:
                if not ids_required:
                    rows.append(record)
                    continue
                raise SnapshotRefused("a kept record needs its id", field="id", **at)
            if record_id in ids:
                taken = f"id {record_id} is taken by record {ids[record_id] + 1} already"
                raise SnapshotRefused(taken, record_id=record_id, field="id", **at)
            ids[record_id] = position
            rows.append(record)
        checked.append((info, rows))
    return checked


def _check_udfs(profile: TenantProfile, entity: EntityInfo, sent: Any) -> dict[str, Any]:
    if sent is not None and not isinstance(sent, list):
        raise SeedRefused("userDefinedFields must be an array of {name, value} objects", field="userDefinedFields")
    try:
        pairs = udf_pairs(sent)
    except BusinessError as error:
        raise SeedRefused(str(error), field="userDefinedFields") from None
    types = udf_types(profile, entity)
    udfs: dict[str, Any] = {}
    for name, value in pairs.items():
        canonical = next((n for n in types if n.lower() == name.lower()), None)
        if canonical is None:
            raise SeedRefused(f"{entity.name} has no user-defined field '{shown_text(name)}'", field=name)
        try:
            typed = coerce(canonical, types[canonical], value)
        except BusinessError as error:
            raise SeedRefused(str(error), field=canonical) from None
        if typed is not None:
            udfs[canonical] = udf_text(typed)
    return udfs


def _kind(value: Any) -> str:
    return {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(type(value), "a number")
