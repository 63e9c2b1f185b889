"""The entity routes' handlers: reads, writes, queries and entityInformation, in the API's envelopes.

Each is an entry of ``endpoints.ENDPOINTS``, which says which route kind it answers and whether it only reads.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from .errors import NO_MATCHING_RECORD, BusinessError, MethodNotAllowed
from .http_types import ApiRequest, ApiResponse, dumps, item_id_answer
from .jsonbody import parse_json
from .paging import page_url, start_of, token
from .query import make_plan
from .query_cache import plan_for
from .query_select import Plan, count, select
from .rendering import item_json, item_text, udf_definitions
from .route import BASE, Route
from .tenant import Tenant

# Longest query text whose compiled plan is kept for reuse.
PLANNED_QUERY_MAX = 64 * 1024


def _ok(body: Any) -> ApiResponse:
    return ApiResponse(200, body)


def _base_url(request: ApiRequest) -> str:
    return f"{request.origin}/{BASE[0]}/{BASE[1]}"


def _plan_from_request(tenant: Tenant, route: Route, request: ApiRequest, *, page_size: int | None = None) -> Plan:
    """The compiled query of a POST body or a GET ``search``; identical queries reuse their plan, and a body
    that differs from one compiled before only in its values binds its template unparsed (``query_bytes``)."""
    raw: bytes | str
    body = None
    entity = route.entity
    if request.method.upper() == "POST":
        raw = request.body
        if not raw:
            raise BusinessError("Value cannot be null.\r\nParameter name: queryModel")
        body = None
        if len(raw) <= PLANNED_QUERY_MAX:
            body, template = tenant.plans.by_body(entity.name, raw, page_size)
            if template is not None and body is not None:
                request.cut = body  # strict JSON, as a body of its shape was: the journal reads the shape
                return template.bind(body.values)
        what = "query"
    else:
        raw, what = request.query.get("search") or "", "search parameter"
        if not raw:
            raise BusinessError("Value cannot be null.\r\nParameter name: search")
    key = (entity.name, raw, page_size)
    plan = tenant.plans.get(key)
    if plan is None:
        keep = len(raw) <= PLANNED_QUERY_MAX  # a cache of huge query texts would hold megabytes each
        data = parse_json(raw, what)
        plan = plan_for(tenant.plans, entity, data, tenant.udf_types(entity), page_size, keep=keep, body=body)
        if keep:
            tenant.plans.put(key, plan)
    return plan


def _page(tenant: Tenant, route: Route, request: ApiRequest, plan: Plan, start: int | None) -> ApiResponse:
    entity = route.entity
    spec = plan.spec
    table = tenant.store.table(entity.name)
    page = select(table, plan, start)
    names = list(tenant.udf_types(entity))
    previous_url = next_url = None
    if page.previous_start is not None or page.next_start is not None:
        paging = token(spec.max_records, page.previous_start, page.next_start)
        search = request.query.get("search") if request.method.upper() == "GET" else None
        base = _base_url(request)
        if page.previous_start is not None:
            previous_url = page_url(base, entity.name, "previous", paging, search)
        if page.next_start is not None:
            next_url = page_url(base, entity.name, "next", paging, search)
    if spec.include_fields is None:
        items = [item_json(entity, table, i, names) for i in page.ids]
    else:
        items = [item_text(entity, table.get(i) or {}, names, spec.include_fields) for i in page.ids]
    return _page_answer(items, spec.max_records, previous_url, next_url)


_ITEMS = b'{"items":['


@lru_cache(maxsize=256)
def _single_page_details(count: int, request_count: int) -> bytes:
    """The end of a page with no other page; one bytes object per count, so that the journal finds a page
    it has seen by its parts (``Journal.record``) without hashing the page."""
    return b'],"pageDetails":{"count":%d,"requestCount":%d,"prevPageUrl":null,"nextPageUrl":null}}' % (
        count,
        request_count,
    )


def _page_answer(
    items: list[bytes], request_count: int, previous_url: str | None = None, next_url: str | None = None
) -> ApiResponse:
    """``{"items": [...], "pageDetails": {...}}`` around items already serialised, the one way a page is made;
    its parts (``ApiResponse.parts``) are the items and the text around them."""
    count = len(items)
    if previous_url is None and next_url is None:  # the common single page, without a JSON encoder round
        details = _single_page_details(count, request_count)
    else:
        details = (
            b'],"pageDetails":'
            + dumps(
                {"count": count, "requestCount": request_count, "prevPageUrl": previous_url, "nextPageUrl": next_url}
            )
            + b"}"
        )
    # One join copies the page once (``a + b + c`` copies it twice); a single item is not copied to join it.
    content = b"".join((_ITEMS, b",".join(items), details))
    return ApiResponse(200, content=content, parts=(_ITEMS, *items, details))


def query(tenant: Tenant, route: Route, request: ApiRequest) -> ApiResponse:
    return _page(tenant, route, request, _plan_from_request(tenant, route, request), None)


def query_page(tenant: Tenant, route: Route, request: ApiRequest) -> ApiResponse:
    if request.method.upper() == "GET" and "search" not in request.query:
        # A POST query's page link has no search to run: Web API finds no GET action for it (PR #170's log).
        raise MethodNotAllowed.for_method("GET", allowed=("POST",))
    paging = request.query.get("paging")
    if not paging:
        raise BusinessError("Value cannot be null.\r\nParameter name: paging")
    page_size, start = start_of(paging, route.detail)
    return _page(tenant, route, request, _plan_from_request(tenant, route, request, page_size=page_size), start)


def query_count(tenant: Tenant, route: Route, request: ApiRequest) -> ApiResponse:
    table = tenant.store.table(route.entity.name)
    return _ok({"queryCount": count(table, _plan_from_request(tenant, route, request))})


def item(tenant: Tenant, route: Route, request: ApiRequest) -> ApiResponse:
    assert route.record_id is not None
    if request.method.upper() == "DELETE":
        ctx = tenant.write_context(request)
        return item_id_answer(tenant.writer.delete(route.entity, route.record_id, ctx))
    return _read_item(tenant, route, route.record_id)


def _read_item(tenant: Tenant, route: Route, record_id: int | None) -> ApiResponse:
    """``{"item": ...}`` for the stored record (``None``: no record), the profile's answer for a missing one."""
    table = tenant.store.table(route.entity.name)
    stored = table.get(record_id) if record_id is not None else None
    if (
        route.child is not None
        and route.child.parent_field
        and stored is not None
        and stored.get(route.child.parent_field) != route.parent_id
    ):
        stored = None
    if stored is None or record_id is None:
        if tenant.profile.missing_item_status == 404:
            return ApiResponse(404, {"errors": [f"No {route.entity.name} record with id {route.record_id}."]})
        return _ok({"item": None})
    names = list(tenant.udf_types(route.entity))
    item = item_json(route.entity, table, record_id, names)
    parts = (b'{"item":', item, b"}")
    return ApiResponse(200, content=b"".join(parts), parts=parts)


def _write(
    tenant: Tenant, route: Route, request: ApiRequest, parent_field: str | None = None, parent_id: int | None = None
) -> ApiResponse:
    """POST creates, PUT replaces, PATCH merges; each answers ``{"itemId": N}``."""
    body = tenant.body(request)
    ctx = tenant.write_context(request, parent_field, parent_id)
    method = request.method.upper()
    if method == "POST":
        return item_id_answer(tenant.writer.create(route.entity, body, ctx))
    return item_id_answer(tenant.writer.update(route.entity, body, ctx, partial=method == "PATCH"))


def root(tenant: Tenant, route: Route, request: ApiRequest) -> ApiResponse:
    return _write(tenant, route, request)


def _children(tenant: Tenant, route: Route, **match: Any) -> Plan:
    """The query for a parent's children (and ``match``); every record where no field names the parent."""
    assert route.child is not None
    filters = [{"op": "eq", "field": name, "value": value} for name, value in match.items()]
    if route.child.parent_field:
        filters.append({"op": "eq", "field": route.child.parent_field, "value": route.parent_id})
    return make_plan(
        route.entity, {"filter": filters or [{"op": "exist", "field": "id"}]}, tenant.udf_types(route.entity)
    )


def child_collection(tenant: Tenant, route: Route, request: ApiRequest) -> ApiResponse:
    assert route.child is not None and route.parent_id is not None
    parent_name = route.child.parent_entity
    parent = tenant.catalog.get(parent_name) if parent_name else None
    if parent_name and (parent is None or route.parent_id not in tenant.store.table(parent.name)):
        if request.method.upper() == "GET":  # no parent: no children, on a page as large as any other
            return _page_answer([], _children(tenant, route).spec.max_records)
        raise BusinessError(f"No {route.child.parent} record with id {route.parent_id} exists.")
    if request.method.upper() == "GET":
        return _page(tenant, route, request, _children(tenant, route), None)
    return _write(tenant, route, request, route.child.parent_field or None, route.parent_id)


def child_item(tenant: Tenant, route: Route, request: ApiRequest) -> ApiResponse:
    assert route.child is not None and route.record_id is not None
    record_id: int | None = route.record_id
    if route.child.item_key != "id":  # /Resources/{id}/TimeOffBalances/{year}: the parent's record of that year
        plan = _children(tenant, route, **{route.child.item_key: route.record_id})
        found = select(tenant.store.table(route.entity.name), plan).ids
        record_id = found[0] if found else None
    if request.method.upper() == "DELETE":
        if record_id is None:
            raise BusinessError(NO_MATCHING_RECORD)
        ctx = tenant.write_context(request, route.child.parent_field or None, route.parent_id)
        return item_id_answer(tenant.writer.delete(route.entity, record_id, ctx))
    return _read_item(tenant, route, record_id)


def info(tenant: Tenant, route: Route, request: ApiRequest) -> ApiResponse:
    return _ok({"info": dict(route.entity.info)})


def info_fields(tenant: Tenant, route: Route, request: ApiRequest) -> ApiResponse:
    return _ok({"fields": [f.to_api() for f in route.entity.fields]})


def info_udfs(tenant: Tenant, route: Route, request: ApiRequest) -> ApiResponse:
    return _ok({"fields": udf_definitions(tenant.profile, route.entity)})
