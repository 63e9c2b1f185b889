"""Turning stored sparse records into the API's item shape, and UDF definitions into theirs."""

from __future__ import annotations

from typing import Any

from .catalog import EntityInfo
from .http_types import dumps
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


def item_json(entity: EntityInfo, table: Table, record_id: int, udf_names: list[str]) -> bytes:
    """A stored record, serialised in the item shape; cached until the record changes."""
    cached = table.json_cache.get(record_id)
    if cached is None:
        cached = table.json_cache[record_id] = dumps(render(entity, table.get(record_id) or {}, udf_names))
    return cached
