"""Entity metadata: the hand-written entity files, and every other swagger entity served generically."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from .coercion import INTEGER_TYPES, Coercer, coercer_for

SWAGGER_TYPES = {
    ("integer", "int64"): "long",
    ("integer", "int32"): "integer",
    ("integer", ""): "integer",
    ("number", "double"): "double",
    ("number", "decimal"): "decimal",
    ("number", "float"): "double",
    ("number", ""): "double",
    ("boolean", ""): "boolean",
    ("string", "date-time"): "dateTime",
}

# Fields the API fills itself on every entity that has them: creation and change stamps, who created or changed
# the record and on whose behalf. The swagger marks no field read-only; each of these is read-only in every
# hand-written entity file that has it (fake_server/entities: Tickets, TicketNotes, TimeEntries, Companies,
# Contacts, Projects, Tasks, Contracts, ConfigurationItems; DOCS: the entity pages of Autotask's REST docs), and
# the bundled profiles' [stamps] tables fill them. On the generic entities they are read-only by analogy
# [INFERRED]: a body's value is ignored, as the API does with every read-only field, rather than taken and then
# overwritten by the stamp.
SYSTEM_FIELDS = frozenset(
    {
        "createDate",
        "createDateTime",
        "creatorResourceID",
        "createdByResourceID",
        "creatorUserID",
        "impersonatorCreatorResourceID",
        "impersonatorUpdaterResourceID",
        "lastActivityDate",
        "lastModifiedDate",
        "lastModifiedDateTime",
        "lastModifiedUserID",
        "lastTrackedModificationDateTime",
        "lastTrackedModifiedDateTime",
    }
)


@dataclass(frozen=True)
class FieldInfo:
    """One field, in the very terms of ``entityInformation/fields``."""

    name: str
    data_type: str
    length: int = 0
    is_required: bool = False
    is_read_only: bool = False
    is_queryable: bool = True
    is_reference: bool = False
    reference_entity_type: str = ""
    is_pick_list: bool = False
    picklist_values: tuple[dict[str, Any], ...] | None = None
    picklist_parent_value_field: str = ""
    is_supported_webhook_field: bool = False

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> FieldInfo:
        values = data.get("picklistValues")
        return cls(
            name=data["name"],
            data_type=data.get("dataType", "string"),
            length=int(data.get("length") or 0),
            is_required=bool(data.get("isRequired")),
            is_read_only=bool(data.get("isReadOnly")),
            is_queryable=bool(data.get("isQueryable", True)),
            is_reference=bool(data.get("isReference")),
            reference_entity_type=data.get("referenceEntityType") or "",
            is_pick_list=bool(data.get("isPickList")),
            picklist_values=tuple(values) if values is not None else None,
            picklist_parent_value_field=data.get("picklistParentValueField") or "",
            is_supported_webhook_field=bool(data.get("isSupportedWebhookField")),
        )

    def to_api(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "dataType": self.data_type,
            "length": self.length,
            "isRequired": self.is_required,
            "isReadOnly": self.is_read_only,
            "isQueryable": self.is_queryable,
            "isReference": self.is_reference,
            "referenceEntityType": self.reference_entity_type,
            "isPickList": self.is_pick_list,
            "picklistValues": list(self.picklist_values) if self.picklist_values is not None else None,
            "picklistParentValueField": self.picklist_parent_value_field,
            "isSupportedWebhookField": self.is_supported_webhook_field,
        }

    @cached_property
    def coercer(self) -> Coercer:
        """What reads a value sent for this field as its type stores it (``coercion.coercer_for``)."""
        return coercer_for(self.data_type)

    @cached_property
    def default_value(self) -> Any:
        """What a create stores when the body leaves the field out: false for a boolean (the API never
        answers a null one), an optional picklist's default entry, else null."""
        if self.data_type == "boolean":
            return False
        if self.is_pick_list and not self.is_required:
            for entry in self.picklist_values or ():
                if entry.get("isDefaultValue"):
                    return int(entry["value"]) if self.data_type in INTEGER_TYPES else entry["value"]
        return None

    @cached_property
    def allowed_values(self) -> dict[str, dict[str, Any]]:
        """Active picklist entries by their string value; made once per field, as every write checks them."""
        return {str(v["value"]): v for v in self.picklist_values or () if v.get("isActive", True)}


@dataclass(frozen=True)
class ChildRoute:
    """A child collection such as ``/Tickets/{parentId}/Notes``; verbs in upper case.

    ``parent`` is the path's segment and ``parent_entity`` the entity holding the parents: they differ
    where the segment names no entity (``/Expenses/{parentId}/Items`` hangs off ExpenseReports), and
    ``parent_entity`` is empty where the swagger has no such entity (``/ServiceLevelAgreements``).
    ``parent_field`` is empty where the child's model has no field naming its parent. ``item_key`` is
    the field the item segment matches (``/Resources/{parentId}/TimeOffBalances/{year}``).
    """

    parent: str
    segment: str
    entity: str
    parent_field: str
    collection_verbs: frozenset[str]
    item_verbs: frozenset[str]
    parent_entity: str = ""
    item_key: str = "id"


@dataclass(frozen=True)
class Operation:
    """A swagger path that is no entity route (``/Companies/{id}/invoiceSettings``, ``/Modules``...):
    its shape (as profiles name it), its segments (``None`` for an integer placeholder) and its
    operation id by upper-case verb."""

    shape: str
    pattern: tuple[str | None, ...]
    actions: tuple[tuple[str, str], ...]

    @property
    def verbs(self) -> frozenset[str]:
        return frozenset(verb for verb, _ in self.actions)

    def action(self, verb: str) -> str | None:
        return next((name for v, name in self.actions if v == verb.upper()), None)


@dataclass(frozen=True)
class EntityInfo:
    """An entity: its ``entityInformation`` flags, its fields and its top-level routes (verbs in upper case)."""

    name: str
    info: dict[str, Any]
    fields: tuple[FieldInfo, ...]
    root_verbs: frozenset[str] = frozenset()
    item_verbs: frozenset[str] = frozenset()
    has_file: bool = False
    # Read-only plumbing of the entity's swagger model (soapParentPropertyId): no field, but bound and ignored.
    ignored_keys: frozenset[str] = frozenset()
    by_lower: dict[str, FieldInfo] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.by_lower.update({f.name.lower(): f for f in self.fields})

    def field(self, name: str) -> FieldInfo | None:
        """The field of that name, matched case-insensitively as the API does."""
        return self.by_lower.get(name.lower())

    # What every write of the entity walks, worked out once: the fields of the entity's order split by whether a
    # write sets them, and the fields a stored value is checked against (a write would otherwise visit all of
    # them, ~75 on Tickets, to find the few that need it). Cached on the instance: a changed entity is new.
    @cached_property
    def read_only_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.is_read_only)

    @cached_property
    def writable_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if not f.is_read_only)

    @cached_property
    def create_defaults(self) -> dict[str, Any]:
        """Each writable field with the value a create gives it when the body leaves it out, in order."""
        return {f.name: f.default_value for f in self.fields if not f.is_read_only}

    @cached_property
    def by_exact_name(self) -> dict[str, FieldInfo]:
        """Fields by their exact name, as most bodies spell them; ``id`` and ``userDefinedFields`` (which a body
        carries for other reasons) are left to the case-insensitive reading."""
        return {f.name: f for f in self.fields if f.name.lower() not in ("id", "userdefinedfields")}

    @cached_property
    def validated_fields(self) -> tuple[FieldInfo, ...]:
        """Writable fields whose value a write checks: required ones, picklists and references, in order."""
        return tuple(
            f
            for f in self.fields
            if not f.is_read_only
            and (
                f.is_required
                or (f.is_pick_list and f.picklist_values is not None)
                or (f.is_reference and bool(f.reference_entity_type))
            )
        )

    def ignores(self, key: str) -> bool:
        """Whether a write body may carry ``key`` although it is no field: the API binds and ignores it."""
        return key.lower() in self.ignored_keys

    @property
    def has_udfs(self) -> bool:
        return bool(self.info.get("hasUserDefinedFields"))

    def flag(self, name: str) -> bool:
        return bool(self.info.get(name))

    def with_picklist(self, field_name: str, values: list[dict[str, Any]]) -> EntityInfo:
        fields = tuple(
            replace(f, is_pick_list=True, picklist_values=tuple(values)) if f.name.lower() == field_name.lower() else f
            for f in self.fields
        )
        return replace(self, fields=fields, by_lower={})


def _upper(verbs: Any) -> frozenset[str]:
    """HTTP methods as requests carry them (the swagger index writes them lowercase)."""
    return frozenset(v.upper() for v in verbs)


@cache
def _swagger_index() -> dict[str, Any]:
    text = resources.files("fake_server").joinpath("data/swagger_index.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _generic_entity(name: str, entry: dict[str, Any], children: list[ChildRoute]) -> EntityInfo:
    mine = [c for c in children if c.entity == name]
    writes = {v.upper() for v in entry["root"]} | {v for c in mine for v in c.collection_verbs}
    info = {
        # entityInformation names the entity in the singular, as its swagger model does (TicketModel: Ticket).
        "name": str(entry.get("model") or name).removesuffix("Model"),
        "canCreate": "POST" in writes,
        "canDelete": "delete" in entry["item"] or any("DELETE" in c.item_verbs for c in mine),
        "canQuery": entry["query"],
        "canUpdate": bool(writes & {"PUT", "PATCH"}),
        "userAccessForCreate": 1,
        "userAccessForDelete": 1,
        "userAccessForQuery": 1,
        "userAccessForUpdate": 1,
        "hasUserDefinedFields": entry["udf"],
        "supportsWebhookCallouts": False,
    }
    fields = tuple(
        FieldInfo(
            name=f_name,
            data_type=SWAGGER_TYPES.get((f_type, f_format), "string"),
            length=8000 if SWAGGER_TYPES.get((f_type, f_format), "string") == "string" else 0,
            is_read_only=f_name == "id" or f_name in SYSTEM_FIELDS,
        )
        for f_name, f_type, f_format in entry["fields"]
    )
    if not any(f.name == "id" for f in fields):
        fields = (FieldInfo(name="id", data_type="long", is_read_only=True), *fields)
    return EntityInfo(name, info, fields, _upper(entry["root"]), _upper(entry["item"]), ignored_keys=_ignored(entry))


def _ignored(entry: dict[str, Any]) -> frozenset[str]:
    return frozenset(key.lower() for key in entry.get("ignored", ()))


def _file_entity(path: Path | Any, entry: dict[str, Any]) -> EntityInfo:
    data = json.loads(path.read_text(encoding="utf-8"))
    fields = tuple(FieldInfo.from_api(f) for f in data["fields"])
    return EntityInfo(
        path.name.removesuffix(".json"),
        data["info"],
        fields,
        _upper(entry.get("root", ())),
        _upper(entry.get("item", ())),
        has_file=True,
        ignored_keys=_ignored(entry),
    )


class Catalog:
    """Every entity the API has, looked up case-insensitively, with its child routes."""

    def __init__(self, entity_dirs: tuple[Path, ...] = ()) -> None:
        index = _swagger_index()
        self.children: dict[tuple[str, str], ChildRoute] = {}
        for c in index["children"]:
            route = ChildRoute(
                c["parent"],
                c["segment"],
                c["entity"],
                c["parent_field"],
                _upper(c["collection"]),
                _upper(c["item"]),
                c.get("parent_entity", c["parent"]),
                c.get("item_key", "id"),
            )
            self.children[(c["parent"].lower(), c["segment"].lower())] = route
        self.operations = tuple(
            Operation(
                o["path"].replace("{parentId}", "{id}"),  # shapes name a parent's id {id}, as child shapes do
                tuple(None if s.startswith("{") else s.lower() for s in o["path"].strip("/").split("/")),
                tuple(sorted((v.upper(), name) for v, name in o["verbs"].items())),
            )
            for o in index.get("operations", ())
        )
        child_list = list(self.children.values())
        self.entities: dict[str, EntityInfo] = {
            name.lower(): _generic_entity(name, entry, child_list) for name, entry in index["entities"].items()
        }
        bundled = resources.files("fake_server").joinpath("entities")
        files = [p for p in bundled.iterdir() if p.name.endswith(".json")]
        for directory in entity_dirs:  # a tenant's own captured files win over bundled ones
            files.extend(sorted(Path(directory).glob("*.json")))
        for path in files:
            name = path.name.removesuffix(".json")
            entry = index["entities"].get(name, {})
            self.entities[name.lower()] = _file_entity(path, entry)
        self._by_reference = {}
        for entity in self.entities.values():
            self._by_reference[entity.name.lower()] = entity.name
            self._by_reference[str(entity.info.get("name", "")).lower()] = entity.name
        # ``checked_reference``'s answers, asked on every write of a reference field; ``replace`` empties it.
        self._checked: dict[str, str | None] = {}

    def get(self, name: str) -> EntityInfo | None:
        return self.entities.get(name.lower())

    def child(self, parent: str, segment: str) -> ChildRoute | None:
        return self.children.get((parent.lower(), segment.lower()))

    def entity_for_reference(self, reference_type: str) -> str | None:
        """The entity a field's ``referenceEntityType`` (e.g. ``Company``) points at."""
        return self._by_reference.get(reference_type.lower())

    def checked_reference(self, reference_type: str) -> str | None:
        """The entity a field's ``referenceEntityType`` (e.g. ``Company``) points at, if the fake models it in
        full (from its file): only those have records a write's reference is checked against."""
        try:
            return self._checked[reference_type]
        except KeyError:
            name = self.entity_for_reference(reference_type)
            target = self.get(name) if name else None
            found = self._checked[reference_type] = target.name if target is not None and target.has_file else None
            return found

    def replace(self, entity: EntityInfo) -> None:
        self.entities[entity.name.lower()] = entity
        self._checked.clear()
