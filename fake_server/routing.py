"""Turning a URL path and method into a route, or into the API's 404/405."""

from __future__ import annotations

import re
from urllib.parse import unquote

from . import endpoints
from .catalog import Catalog, EntityInfo
from .errors import MethodNotAllowed, NotFound
from .profile import TenantProfile
from .route import BASE, Route

# Every zone host (webservices, webservices2 ... webservices29) and the pre-release hosts; requests_mount
# matches URLs on the same pattern.
AUTOTASK_HOST = r"(webservices\d*|prde|pres)\.autotask\.net"
AUTOTASK_HOSTS = re.compile(rf"^{AUTOTASK_HOST}$", re.IGNORECASE)
READ = frozenset({"GET"})
QUERY = frozenset({"GET", "POST"})
VERBS = ("DELETE", "GET", "PATCH", "POST", "PUT")  # the verbs an Allow header can name


# A route's {id} is an Int64 (the swagger's int64; a few operations take int32, checked as int64 too). Web API's
# route constraint parses it with Int64.TryParse(NumberStyles.Integer, invariant culture): .NET white space
# around, one sign, ASCII digits, within Int64. Anything else matches no route: a 404 ``{"Message": ...}``
# [INFERRED from ASP.NET Web API's routing, on the framework the API's 404 and 405 answers show]. Python's
# int() would take "١" or "²"-like digits, and "--1" passed an lstrip("-").
_ID = re.compile(r"[\t\n\v\f\r ]*([+-]?)0*([0-9]+)[\t\n\v\f\r ]*")
_INT64 = (-(2**63), 2**63 - 1)


def _as_id(segment: str) -> int | None:
    match = _ID.fullmatch(segment)
    if match is None or len(match.group(2)) > 19:
        return None
    value = int(match.group(1) + match.group(2))
    return value if _INT64[0] <= value <= _INT64[1] else None


def service_segments(path: str) -> list[str] | None:
    """The segments after ``/ATServicesRest`` in any casing, or ``None`` when the path is not under it."""
    segments = [s for s in unquote(path).split("/") if s]
    if not segments or segments[0].lower() != BASE[0].lower():
        return None
    return segments[1:]


def base_path_accepted(path: str, profile: TenantProfile) -> bool:
    """Whether the tenant takes this spelling of ``ATServicesRest`` for an entity path.

    The Postman contract (section 0) found the segment case-sensitive; the zone lookups are answered in any casing
    (production clients look zones up under ``atservicesrest``), and so is the version segment
    (django-autotask sends ``v1.0`` in production; the Postman contract says nothing of it).
    """
    if not profile.base_path_case_sensitive:
        return True
    first = next((s for s in unquote(path).split("/") if s), "")
    return first == BASE[0]


def api_segments(segments: list[str]) -> list[str] | None:
    """The segments after ``V1.0`` (any casing), or ``None`` when the version segment does not match."""
    if not segments or segments[0].lower() != BASE[1].lower():
        return None
    return segments[1:]


def resolve(segments: list[str], method: str, catalog: Catalog, profile: TenantProfile, url: str) -> Route:
    """The route for these segments, after the profile's absent and refused endpoints."""
    method = method.upper()
    route = _match(segments, method, catalog)
    if route is None:
        raise NotFound.for_url(url)
    if profile.endpoint_absent(method, route.shape):
        raise NotFound.for_url(url)
    if not _takes(route, method, profile):
        raise MethodNotAllowed.for_method(method, [verb for verb in VERBS if _takes(route, verb, profile)])
    return route


def _takes(route: Route, method: str, profile: TenantProfile) -> bool:
    """Whether the route answers this verb for this tenant: its own verbs and the profile's additions, less
    the profile's refusals and absences, and less what the entity's flags (canCreate...) forbid."""
    allowed = method in route.allowed or profile.method_added(method, route.shape)
    if not allowed or profile.method_refused(method, route.shape) or profile.endpoint_absent(method, route.shape):
        return False
    flag = route.endpoint.needs_flag(method)
    return not flag or route.entity.flag(flag)


def _match(segments: list[str], method: str, catalog: Catalog) -> Route | None:
    if not segments:
        return None
    operation = _operation(segments, method, catalog)
    if operation is not None:
        return operation
    entity = catalog.get(segments[0])
    if entity is None:  # a parent segment naming no entity (/Expenses/{id}/Items): only its children exist
        return _child_match(segments[0], segments, catalog)
    name = entity.name
    rest = [s.lower() for s in segments[1:]]
    if not rest:
        return Route(endpoints.ROOT, entity, f"/{name}", entity.root_verbs)
    if rest[0] == "query":
        if len(rest) == 1:
            return Route(endpoints.QUERY, entity, f"/{name}/query", QUERY)
        if rest[1:] == ["count"]:
            return Route(endpoints.QUERY_COUNT, entity, f"/{name}/query/count", QUERY)
        if rest[1:] in (["next"], ["previous"]):
            return Route(endpoints.QUERY_PAGE, entity, f"/{name}/query/{rest[1]}", QUERY, detail=rest[1])
        return None
    if rest[0] == "entityinformation":
        return _info_route(entity, f"/{name}", rest[1:])
    record_id = _as_id(segments[1])
    if record_id is None:
        return None
    if len(rest) == 1:
        return Route(endpoints.ITEM, entity, f"/{name}/{{id}}", entity.item_verbs, record_id=record_id)
    return _child_match(name, segments, catalog)


def _child_match(parent: str, segments: list[str], catalog: Catalog) -> Route | None:
    """``/{parent}/{id}/{segment}``, its item and its entityInformation."""
    record_id = _as_id(segments[1]) if len(segments) >= 3 else None
    child = catalog.child(parent, segments[2]) if record_id is not None else None
    child_entity = catalog.get(child.entity) if child else None
    if child is None or child_entity is None:
        return None
    rest = [s.lower() for s in segments[1:]]
    shape = f"/{child.parent}/{{id}}/{child.segment}"
    if len(rest) == 2:
        return Route(
            endpoints.CHILD_COLLECTION, child_entity, shape, child.collection_verbs, child=child, parent_id=record_id
        )
    if rest[2] == "entityinformation":
        return _info_route(child_entity, shape, rest[3:])
    child_id = _as_id(segments[3])
    if len(rest) == 3 and child_id is not None:
        return Route(
            endpoints.CHILD_ITEM,
            child_entity,
            f"{shape}/{{{child.item_key}}}",
            child.item_verbs,
            record_id=child_id,
            child=child,
            parent_id=record_id,
        )
    return None


def _operation(segments: list[str], method: str, catalog: Catalog) -> Route | None:
    """A swagger path that is no entity route, with the endpoint of the operation its verb names; its
    placeholders take integers, as the API's do."""
    for operation in catalog.operations:
        if len(operation.pattern) != len(segments):
            continue
        ids: list[int] = []
        for expected, segment in zip(operation.pattern, segments, strict=True):
            if expected is None:
                value = _as_id(segment)
                if value is None:
                    break
                ids.append(value)
            elif expected != segment.lower():
                break
        else:
            name = operation.shape.strip("/").split("/")[0]
            entity = catalog.get(name) or EntityInfo(name, {"name": name}, ())
            endpoint = endpoints.for_operation(operation, method)
            return Route(endpoint, entity, operation.shape, operation.verbs, operation=operation, ids=tuple(ids))
    return None


def _info_route(entity: EntityInfo, prefix: str, rest: list[str]) -> Route | None:
    if not rest:
        return Route(endpoints.INFO, entity, f"{prefix}/entityInformation", READ)
    if rest == ["fields"]:
        return Route(endpoints.INFO_FIELDS, entity, f"{prefix}/entityInformation/fields", READ)
    if rest == ["userdefinedfields"]:
        return Route(endpoints.INFO_UDFS, entity, f"{prefix}/entityInformation/userDefinedFields", READ)
    return None
