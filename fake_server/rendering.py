"""Turning stored sparse records into the API's item shape, and UDF definitions into theirs."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

import orjson

from .catalog import EntityInfo
from .http_types import JSON_ENCODER
from .profile import TenantProfile
from .store import Table

UDF_TYPES = {
    "string": "string",
    "text": "string",
    "integer": "integer",
    "number": "double",
    "decimal": "double",
    "double": "double",
    "datetime": "dateTime",
    "date": "date",
    "boolean": "boolean",
    "list": "string",
}


def udf_types(profile: TenantProfile, entity: EntityInfo) -> dict[str, str]:
    """The tenant's UDFs on this entity, by name, with the data type their values take."""
    if not entity.has_udfs:
        return {}
    return {
        d["name"]: UDF_TYPES.get(str(d.get("type", "string")).lower(), "string")
        for d in profile.udfs.get(entity.name, [])
    }


def udf_definitions(profile: TenantProfile, entity: EntityInfo) -> list[dict[str, Any]]:
    """``entityInformation/userDefinedFields`` as the API shapes it (note: ``type``, not ``dataType``)."""
    if not entity.has_udfs:
        return []
    return [
        {
            "name": d["name"],
            "label": d.get("label", d["name"]),
            "type": d.get("type", "string"),
            "length": int(d.get("length", 0)),
            "description": d.get("description", ""),
            "isRequired": bool(d.get("isRequired", False)),
            "isReadOnly": bool(d.get("isReadOnly", False)),
            "isQueryable": bool(d.get("isQueryable", True)),
            "isReference": False,
            "referenceEntityType": "",
            "isPickList": bool(d.get("picklistValues")),
            "picklistValues": d.get("picklistValues"),
            "picklistParentValueField": "",
            "defaultValue": d.get("defaultValue"),
            "isSupportedWebhookField": False,
        }
        for d in profile.udfs.get(entity.name, [])
    ]


def render(
    entity: EntityInfo, record: dict[str, Any], udf_names: list[str], include: list[str] | None = None
) -> dict[str, Any]:
    """A stored record as the API returns it: every field present, ``null`` when empty."""
    if include is None:
        item = {f.name: record.get(f.name) for f in entity.fields}
    else:
        wanted = {"id", *(name.lower() for name in include)}
        item = {f.name: record.get(f.name) for f in entity.fields if f.name.lower() in wanted}
    if entity.has_udfs:
        values = record.get("userDefinedFields") or {}
        item["userDefinedFields"] = [{"name": name, "value": values.get(name)} for name in udf_names]
    return item


_ENCODER = JSON_ENCODER  # the one ``http_types.dumps`` writes with: item_text writes each value as it would
_STRING = json.encoder.encode_basestring  # what _ENCODER writes a str with (ensure_ascii=False)


class _Blank(NamedTuple):
    """What every item of an entity shares: each field's name, its ``"name":`` and its place, and the item
    with every field null, as text pieces that a record's values replace; and, by IncludeFields list, the
    places of the fields it keeps."""

    entity: EntityInfo
    fields: tuple[str, ...]
    places: dict[str, int]
    names: tuple[str, ...]
    nulls: tuple[str, ...]
    included: dict[tuple[str, ...], tuple[int, ...]]
    empty: dict[str, None]

    def kept(self, include: list[str]) -> tuple[int, ...]:
        """The places of the fields IncludeFields names (in any casing) and of ``id``, in the entity's order."""
        key = tuple(include)
        found = self.included.get(key)
        if found is None:
            wanted = {"id", *(name.lower() for name in include)}
            found = tuple(at for at, name in enumerate(self.fields) if name.lower() in wanted)
            if len(self.included) >= 256:  # a client sending ever new lists must not grow it forever
                self.included.clear()
            self.included[key] = found
        return found


_BLANKS: dict[int, _Blank] = {}


def _blank(entity: EntityInfo) -> _Blank:
    found = _BLANKS.get(id(entity))
    if found is None or found.entity is not entity:  # an id reused by another entity once the first is gone
        unique = tuple(dict.fromkeys(f.name for f in entity.fields))
        names = tuple(_STRING(name) + ":" for name in unique)
        found = _BLANKS[id(entity)] = _Blank(
            entity,
            unique,
            {name: i for i, name in enumerate(unique)},
            names,
            tuple(n + "null" for n in names),
            {},
            dict.fromkeys(unique),
        )
    return found


def _value(value: Any) -> str:
    """One value as ``_ENCODER`` writes it; the usual scalar types without its per-call setup."""
    kind = type(value)
    if kind is str:
        return _STRING(value)
    if kind is int:
        return int.__repr__(value)
    if kind is bool:
        return "true" if value else "false"
    return _ENCODER.encode(value)


# Values orjson writes byte for byte as ``_ENCODER`` does: it writes floats otherwise (2.5e-7, not 2.5e-07,
# and NaN as null). An int past 64 bits it refuses, and a lone surrogate, as UTF-8 cannot hold one.
_AS_ENCODER = frozenset({str, int, bool, type(None)})


def _whole_item(blank: _Blank, record: dict[str, Any], udf_names: list[str]) -> bytes | None:
    """The whole item (no IncludeFields) written by orjson, twice as fast, when each of its values is one
    orjson writes as ``_ENCODER`` does; else ``None``, for ``item_text`` to write it."""
    places = blank.places
    item: dict[str, Any] = dict(blank.empty)
    for key, value in record.items():
        if key in places:
            if type(value) not in _AS_ENCODER:
                return None
            item[key] = value
    if blank.entity.has_udfs:
        values = record.get("userDefinedFields") or {}
        pairs = [{"name": name, "value": values.get(name)} for name in udf_names]
        if any(type(pair["value"]) not in _AS_ENCODER for pair in pairs):
            return None
        item["userDefinedFields"] = pairs  # in its field's place if the entity has one, else last: as render
    try:
        return orjson.dumps(item)
    except orjson.JSONEncodeError:  # an int past 64 bits, a lone surrogate: written the long way, or refused
        return None


def item_text(
    entity: EntityInfo, record: dict[str, Any], udf_names: list[str], include: list[str] | None = None
) -> bytes:
    """``dumps(render(entity, record, udf_names, include))``, byte for byte, without building the item: the
    entity's all-null item, as text, with the record's (sparse) values written into their places; with
    IncludeFields, only the places of the fields it keeps."""
    blank = _blank(entity)
    if include is None:
        whole = _whole_item(blank, record, udf_names)
        if whole is not None:
            return whole
    places, names = blank.places, blank.names
    udf_at = places.get("userDefinedFields")  # None but for an entity with a field of that name
    if include is None:
        parts = list(blank.nulls)
        for key, value in record.items():
            at = places.get(key)
            if at is not None:
                parts[at] = names[at] + _value(value)
    else:
        kept, fields, nulls = blank.kept(include), blank.fields, blank.nulls
        parts = [nulls[at] if (value := record.get(fields[at])) is None else names[at] + _value(value) for at in kept]
        udf_at = kept.index(udf_at) if udf_at in kept else None
    if entity.has_udfs:
        values = record.get("userDefinedFields") or {}
        udfs = '"userDefinedFields":' + _ENCODER.encode(
            [{"name": name, "value": values.get(name)} for name in udf_names]
        )
        if udf_at is None:
            parts.append(udfs)  # after the fields, where render adds it
        else:
            parts[udf_at] = udfs
    return ("{" + ",".join(parts) + "}").encode("utf-8")


def item_json(entity: EntityInfo, table: Table, record_id: int, udf_names: list[str]) -> bytes:
    """A stored record, serialised in the item shape; cached until the record changes."""
    cached = table.json_cache.get(record_id)
    if cached is None:
        cached = table.json_cache[record_id] = item_text(entity, table.get(record_id) or {}, udf_names)
    return cached
