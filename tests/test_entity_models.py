"""Every entity the swagger lets a client create takes its own swagger model, and reads back what was written.

For each create route (``POST /{entity}`` and every child collection's ``POST /{parent}/{id}/{segment}``) the
test posts every writable field of the entity's swagger model (tests/model_bodies.py says how values are
chosen), then reads the record by id and compares field by field; where the same path takes a PUT, it puts the
record back as read and reads it again. Its assertion message names every entity
that refuses its model or gives back something else.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from fake_server import FakeAutotask
from fake_server.profile import Limits

from .conftest import BASE, CREDENTIALS, TickingClock
from .model_bodies import SKIPPED_MARK, BodyMaker, CreateRoute, create_routes, differences, swagger_index

INDEX = swagger_index()
ROUTES = create_routes(INDEX)


def _write(
    http: httpx.Client, verb: str, route: CreateRoute, parent_id: int | None, body: dict[str, Any]
) -> httpx.Response:
    path = f"/{route.parent}/{parent_id}/{route.segment}" if route.parent else f"/{route.entity}"
    return http.request(verb, BASE + path, json=body)


def _readable(route: CreateRoute) -> bool:
    entry = INDEX["entities"][route.entity]
    return "get" in entry["item"] or route.item_get or bool(entry["query"])


def _read(http: httpx.Client, route: CreateRoute, parent_id: int | None, record_id: int) -> dict[str, Any] | None:
    """The record by id: ``GET /{entity}/{id}``, else the child item path, else a query on its id."""
    entry = INDEX["entities"][route.entity]
    if "get" in entry["item"]:
        answer = http.get(f"{BASE}/{route.entity}/{record_id}")
    elif route.parent and route.item_get:
        answer = http.get(f"{BASE}/{route.parent}/{parent_id}/{route.segment}/{record_id}")
    elif entry["query"]:
        search = json.dumps({"filter": [{"op": "eq", "field": "id", "value": record_id}]})
        items = http.get(f"{BASE}/{route.entity}/query", params={"search": search}).json().get("items") or [None]
        return items[0] if isinstance(items[0], dict) else None
    else:
        return None
    item = answer.json().get("item") if answer.status_code == 200 else None
    return item if isinstance(item, dict) else None


def _try_route(fake: FakeAutotask, http: httpx.Client, maker: BodyMaker, route: CreateRoute) -> str | None:
    """What is wrong with creating this entity from its model (``None``: nothing)."""
    entry = INDEX["entities"][route.entity]
    if not any(name != "id" for name, _, _ in entry["fields"]):
        return "the swagger index holds no model fields for it: every field a client sends is refused"
    parent_id = maker.record_of(route.parent_entity) if route.parent_entity else (1 if route.parent else None)
    body = maker.body(route, parent_id)
    answer = _write(http, "POST", route, parent_id, body)
    if answer.status_code != 200:
        return f"refused {answer.status_code}: {answer.text[:300]}"
    record_id = answer.json().get("itemId")
    if not isinstance(record_id, int):
        return f"no itemId in {answer.text[:200]}"
    if not _readable(route):
        return None  # an action such as /InventoryProducts/{id}/StockedItemsAdd: the swagger has no read for it
    item = _read(http, route, parent_id, record_id)
    if item is None:
        return f"record {record_id} cannot be read back"
    entity = fake.catalog.get(route.entity)
    assert entity is not None
    wrong = differences(body, item, entity)
    if wrong:
        return "read back differs: " + "; ".join(wrong)
    if not route.puts:
        return None
    # What clients do next: PUT the record as read. Nothing the create wrote may change.
    answer = _write(http, "PUT", route, parent_id, item)
    if answer.status_code != 200:
        return f"its own record PUT back is refused {answer.status_code}: {answer.text[:300]}"
    again = _read(http, route, parent_id, record_id) or {}
    wrong = differences(body, again, entity)
    return "PUT of the record as read changes it: " + "; ".join(wrong) if wrong else None


@pytest.mark.parametrize("profile", ["default", "documented"])
def test_every_creatable_entity_takes_its_own_swagger_model(profile: str) -> None:
    fake = FakeAutotask(profile, clock=TickingClock(), limits=Limits.off())
    maker = BodyMaker(fake, INDEX)
    failures: dict[str, str] = {}
    tried = 0
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        for route in ROUTES:
            if SKIPPED_MARK in route.entity:
                continue
            tried += 1
            problem = _try_route(fake, http, maker, route)
            if problem:
                failures[route.label] = problem
            fake.journal.clear()
    assert tried >= 150, "the swagger index lists fewer create routes than the swagger has"
    report = "\n".join(f"{label}: {problem}" for label, problem in sorted(failures.items()))
    assert not failures, f"{len(failures)} of {tried} create routes refuse or lose their own model:\n{report}"


def test_organizational_levels_take_a_name() -> None:
    """``POST /OrganizationalLevel1s {"name": ...}`` was refused with "Unable to find the field name": the
    swagger tags these paths in the singular, so the index had kept no model fields for them."""
    fake = FakeAutotask(clock=TickingClock())
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        created = http.post(f"{BASE}/OrganizationalLevel1s", json={"name": "North", "isActive": True})
        assert created.status_code == 200, created.text
        item = http.get(f"{BASE}/OrganizationalLevel1s/{created.json()['itemId']}").json()["item"]
    assert (item["name"], item["isActive"]) == ("North", True)


def test_every_create_route_is_tried_but_the_webhook_ones() -> None:
    """The walk above covers the swagger's create routes; only the webhook entities (another suite's) are left out."""
    skipped = [r for r in ROUTES if SKIPPED_MARK in r.entity]
    assert len(ROUTES) >= 180
    assert all("Webhook" in r.label for r in skipped) and len(skipped) < 25


def test_create_only_actions_are_few_and_named() -> None:
    """Routes the swagger gives no read (no GET by id, no child item, no query) are checked for their answer
    only; they are actions, not records a client reads back."""
    unreadable = sorted(r.label for r in ROUTES if not _readable(r))
    assert unreadable == [
        "ContractServiceAdjustments (POST /ContractServiceAdjustments)",
        "ContractServiceAdjustments (POST /Contracts/{id}/ServiceAdjustments)",
        "ContractServiceBundleAdjustments (POST /ContractServiceBundleAdjustments)",
        "ContractServiceBundleAdjustments (POST /Contracts/{id}/ServiceBundleAdjustments)",
        "DocumentChecklistLibraries (POST /DocumentChecklistLibraries)",
        "DocumentChecklistLibraries (POST /Documents/{id}/ChecklistLibraries)",
        "InventoryStockedItemsAdd (POST /InventoryProducts/{id}/StockedItemsAdd)",
        "InventoryStockedItemsRemove (POST /InventoryProducts/{id}/StockedItemsRemove)",
        "InventoryStockedItemsTransfer (POST /InventoryProducts/{id}/StockedItemsTransfer)",
        "TicketChecklistLibraries (POST /TicketChecklistLibraries)",
        "TicketChecklistLibraries (POST /Tickets/{id}/ChecklistLibraries)",
        "TimeOffRequestsReject (POST /TimeOffRequests/{id}/Reject)",
    ]


def _build_module() -> Any:
    path = Path(__file__).resolve().parents[1] / "scripts" / "build_swagger_index.py"
    spec = importlib.util.spec_from_file_location("build_swagger_index", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _swagger(tag: str, body_model: str) -> dict[str, Any]:
    """The smallest swagger with one writable entity, as Autotask's shapes it."""
    body = {"in": "body", "name": "entity", "schema": {"$ref": f"#/definitions/{body_model}"}}
    write: dict[str, Any] = {"tags": [tag], "operationId": f"{tag}_CreateEntity", "responses": {}, "parameters": [body]}
    return {
        "paths": {"/V1.0/OrganizationalLevel1s": {"post": write}},
        "definitions": {
            "OrganizationalLevel1Model": {
                "properties": {"id": {"type": "integer", "format": "int64"}, "name": {"type": "string"}}
            }
        },
    }


def test_index_build_finds_the_model_of_an_entity_tagged_in_the_singular() -> None:
    index = _build_module().build(_swagger("OrganizationalLevel1", "OrganizationalLevel1Model"))
    assert index["entities"]["OrganizationalLevel1s"]["fields"] == [["id", "integer", "int64"], ["name", "string", ""]]


def test_index_build_stops_on_a_writable_entity_without_a_model() -> None:
    with pytest.raises(ValueError, match="no model found for OrganizationalLevel1s"):
        _build_module().build(_swagger("OrganizationalLevel1", "MissingModel"))
