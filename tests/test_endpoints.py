"""One table of endpoints: every route the router makes carries an entry of ``endpoints.ENDPOINTS``, every entry
is reached by some request, every handler is in it, and whether an answer is kept comes from the entry."""

from __future__ import annotations

import inspect
import json
import re
from dataclasses import replace
from importlib import resources

import httpx

from fake_server import FakeAutotask, TenantProfile, handlers, operations
from fake_server.catalog import Catalog
from fake_server.endpoints import ENDPOINTS, NO_OPERATION
from fake_server.errors import ApiError
from fake_server.route import Endpoint, Route
from fake_server.routing import api_segments, resolve, service_segments

from .conftest import BASE, CREDENTIALS

# Paths the swagger does not list that the router still answers: the query pages and a child's routes.
EXTRA = [
    ("POST", "/V1.0/Tickets/query/next"),
    ("POST", "/V1.0/Tickets/query/previous"),
    ("GET", "/V1.0/Tickets/1/Notes"),
    ("GET", "/V1.0/Tickets/1/Notes/2"),
    ("GET", "/V1.0/Tickets/1/Notes/entityInformation/fields"),
]
# A verb the profile adds on an operation's path, which no operation id names.
ADDED = ("DELETE", "/V1.0/Modules")


def _index_requests() -> list[tuple[str, str]]:
    index = json.loads(resources.files("fake_server").joinpath("data/swagger_index.json").read_text("utf-8"))
    paths: dict[str, str] = index["paths"]
    return [(verb.upper(), path) for path, verbs in paths.items() for verb in verbs.split()]


def _routed(profile: TenantProfile, requests: list[tuple[str, str]]) -> list[Route]:
    """What the router makes of each request below ``V1.0``, where it makes a route at all."""
    catalog = Catalog()
    routes = []
    for method, path in requests:
        path = "/ATServicesRest" + re.sub(r"\{[^}]+\}", "1", path)
        segments = api_segments(service_segments(path) or [])
        if segments is None:  # /ATServicesRest/VersionInformation...: answered before routing (service_endpoints)
            continue
        try:
            routes.append(resolve(segments, method, catalog, profile, f"https://example.invalid{path}"))
        except ApiError:  # a 404 or 405 of the profile's
            continue
    return routes


def test_every_route_carries_an_endpoint_of_the_table_and_every_endpoint_is_reached() -> None:
    profile = TenantProfile.load("default")
    profile = replace(profile, added_methods=profile.added_methods | {"DELETE /modules"})
    routes = _routed(profile, [*_index_requests(), *EXTRA, ADDED])
    assert len(routes) > 3000
    strays = sorted({r.endpoint.kind for r in routes if ENDPOINTS.get(r.endpoint.kind) is not r.endpoint})
    assert not strays, f"routes with an endpoint that is not in endpoints.ENDPOINTS: {strays}"
    unreached = set(ENDPOINTS) - {r.endpoint.kind for r in routes}
    assert not unreached, f"endpoints no route reaches: {sorted(unreached)}"


def test_every_handler_is_in_the_table_and_nothing_else_is() -> None:
    handlers_defined = {
        function
        for module in (handlers, operations)
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__ and not name.startswith("_")
    }
    registered = {endpoint.handle for endpoint in ENDPOINTS.values()}
    assert handlers_defined == registered
    assert all(isinstance(e, Endpoint) and ENDPOINTS[e.kind] is e for e in ENDPOINTS.values())


def test_an_added_verb_on_an_operation_path_is_answered_by_no_operation() -> None:
    profile = TenantProfile.load("default")
    profile = replace(profile, added_methods=profile.added_methods | {"DELETE /modules"})
    [route] = _routed(profile, [ADDED])
    assert route.endpoint is NO_OPERATION
    fake = FakeAutotask(profile)
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        answer = http.delete(f"{BASE}/Modules")
    assert answer.status_code == 500
    assert answer.json() == {"errors": ["The operation  is not implemented by the tenant."]}


def test_whether_an_answer_is_kept_is_the_endpoints_own_reads() -> None:
    fake = FakeAutotask()
    ticket = fake.seed("Tickets", {"companyID": 0, "title": "t", "status": 1, "priority": 2})
    query = {"filter": [{"op": "eq", "field": "id", "value": ticket}]}
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        http.get(f"{BASE}/Tickets/{ticket}")
        http.post(f"{BASE}/Tickets/query", json=query)
        http.get(f"{BASE}/Tickets/entityInformation")
        http.patch(f"{BASE}/Companies", json={"id": 0, "companyName": "c"})
        http.get(f"{BASE}/Modules")
    routed = {(method, route.endpoint.kind): read for (method, _), (route, read) in fake._routes.items()}
    assert routed == {
        ("GET", "item"): True,
        ("POST", "query"): True,
        ("GET", "info"): True,
        ("PATCH", "root"): False,
        ("GET", "ModuleAccessApiIntegration_QueryModuleAccess"): False,
    }
    assert all(read == (method in route.endpoint.reads) for (method, _), (route, read) in fake._routes.items())
