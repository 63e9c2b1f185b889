"""Bodies built from an entity's swagger model, for tests that post every entity its own model.

The swagger index (``fake_server/data/swagger_index.json``) holds each model's field names and JSON types; the
tenant's ``entityInformation/fields`` (the fake's catalog, which serves that answer) says which of them are
read-only, which take a picklist and which point at another entity. A body here carries every writable field
with a value of its type: a picklist field the entity's default entry (else its first), a reference field the id
of a record seeded first, the parent field the parent the URL names.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from fake_server import FakeAutotask
from fake_server.catalog import EntityInfo, FieldInfo
from fake_server.coercion import parse_datetime

# Webhook entities and their children get their behaviour from another branch (callouts, secret keys); their
# create rules are tested there, not here.
SKIPPED_MARK = "Webhook"
# Link fields by name into the entities the fake models by hand.
NAMED_LINKS = {
    "companyID": "Companies",
    "contactID": "Contacts",
    "contractID": "Contracts",
    "configurationItemID": "ConfigurationItems",
    "projectID": "Projects",
    "resourceID": "Resources",
    "taskID": "Tasks",
    "ticketID": "Tickets",
}


@dataclass(frozen=True)
class CreateRoute:
    """One way to create an entity: ``POST /{entity}`` or ``POST /{parent}/{id}/{segment}``."""

    entity: str
    parent: str = ""
    segment: str = ""
    parent_entity: str = ""
    parent_field: str = ""
    item_get: bool = False
    puts: bool = False  # the same path takes a PUT

    @property
    def label(self) -> str:
        path = f"/{self.parent}/{{id}}/{self.segment}" if self.parent else f"/{self.entity}"
        return f"{self.entity} (POST {path})"


def swagger_index() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("fake_server").joinpath("data/swagger_index.json").read_text("utf-8")
    )
    return data


def create_routes(index: dict[str, Any]) -> list[CreateRoute]:
    """Every create route of the swagger: entities with ``POST /{entity}``, then every child collection's POST."""
    routes = [
        CreateRoute(name, item_get="get" in entry["item"], puts="put" in entry["root"])
        for name, entry in index["entities"].items()
        if "post" in entry["root"]
    ]
    routes += [
        CreateRoute(
            c["entity"],
            c["parent"],
            c["segment"],
            c.get("parent_entity", c["parent"]),
            c["parent_field"],
            "get" in c["item"],
            "put" in c["collection"],
        )
        for c in index["children"]
        if "post" in c["collection"]
    ]
    return routes


class BodyMaker:
    """Builds model bodies against one fake, seeding the records that references and parents need."""

    def __init__(self, fake: FakeAutotask, index: dict[str, Any]) -> None:
        self.fake = fake
        self.index = index
        self.seeded: dict[str, int] = {}

    def record_of(self, entity: str) -> int:
        """The id of a record of ``entity``, seeded straight into the store the first time it is needed."""
        if entity not in self.seeded:
            self.seeded[entity] = self.fake.seed(entity, {})
        return self.seeded[entity]

    def body(self, route: CreateRoute, parent_id: int | None) -> dict[str, Any]:
        entity = self.fake.catalog.get(route.entity)
        assert entity is not None, route.entity
        model = self.index["entities"][route.entity]["fields"]
        body: dict[str, Any] = {}
        later: list[FieldInfo] = []
        for number, (name, json_type, json_format) in enumerate(model):
            info = entity.field(name)
            if name == "id" or info is None or info.is_read_only:
                continue  # the API ignores read-only values; a field the fake lacks shows up as a refusal below
            if name == route.parent_field and parent_id is not None:
                body[name] = parent_id
            elif info.picklist_parent_value_field:
                later.append(info)  # its entry depends on the parent field's value
            else:
                body[name] = self._value(entity, info, json_type, json_format, number)
        for info in later:
            body[info.name] = self._dependent_entry(info, body.get(info.picklist_parent_value_field))
        for name in self._unknown_to_fake(entity, model):
            body[name] = 1 if any(f[0] == name and f[1] == "integer" for f in model) else "x"
        return body

    @staticmethod
    def _unknown_to_fake(entity: EntityInfo, model: list[list[str]]) -> list[str]:
        """Model fields the fake's metadata lacks: posted anyway, so that a refusal names them."""
        return [name for name, _, _ in model if name != "id" and entity.field(name) is None]

    def _value(self, entity: EntityInfo, info: FieldInfo, json_type: str, json_format: str, number: int) -> Any:
        if info.is_pick_list and info.picklist_values:
            return _entry_value(info, _preferred_entry(info.picklist_values))
        target = None
        if info.is_reference and info.reference_entity_type:
            target = self.fake.catalog.entity_for_reference(info.reference_entity_type)
        # The generic entities carry no reference metadata; their links into the core entities still get real ids.
        target = target or NAMED_LINKS.get(info.name)
        if target is not None:
            return self.record_of(target)
        if json_type == "boolean":
            return True  # the API's default is false: true shows the value was kept
        if json_type == "integer":
            return 100 + number  # distinct per field, so that two fields mixed up show
        if json_type == "number":
            return number + 0.5
        if json_format == "date-time":
            # A date field keeps only the day; a dateTime keeps the time too.
            return "2026-03-04T00:00:00Z" if info.data_type == "date" else f"2026-03-04T05:06:{number % 60:02d}Z"
        if json_format == "byte":
            return base64.b64encode(b"model body").decode("ascii")
        text = f"{info.name} {entity.name}"
        return text[: info.length] if info.length else text

    @staticmethod
    def _dependent_entry(info: FieldInfo, parent_value: Any) -> Any:
        entries = [e for e in info.picklist_values or () if str(e.get("parentValue", "")) in ("", str(parent_value))]
        return _entry_value(info, _preferred_entry(tuple(entries)))


def _preferred_entry(entries: tuple[dict[str, Any], ...]) -> dict[str, Any]:
    active = [e for e in entries if e.get("isActive", True)]
    return next((e for e in active if e.get("isDefaultValue")), active[0])


def _entry_value(info: FieldInfo, entry: dict[str, Any]) -> Any:
    return int(entry["value"]) if info.data_type not in ("string",) else entry["value"]


def differences(sent: dict[str, Any], item: dict[str, Any], entity: EntityInfo) -> list[str]:
    """Fields whose value read back is not the value written (times compared as instants, numbers as numbers)."""
    wrong = []
    for name, value in sent.items():
        info = entity.field(name)
        back = item.get(info.name if info else name, "<absent>")
        if not _same(value, back, info.data_type if info else "string"):
            wrong.append(f"{name}: sent {value!r}, read {back!r}")
    return wrong


def _same(sent: Any, back: Any, data_type: str) -> bool:
    if sent is None or back is None:
        return sent is back
    if data_type in ("dateTime", "date") and isinstance(back, str):
        return parse_datetime(str(sent)) == parse_datetime(back)
    if isinstance(sent, (int, float)) and not isinstance(sent, bool) and isinstance(back, (int, float)):
        return float(sent) == float(back) and not isinstance(back, bool)
    return bool(sent == back)
