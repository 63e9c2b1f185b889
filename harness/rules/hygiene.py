"""API hygiene: base path, creates, known fields, page sizes, paging to the end, backing off after 429."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from urllib.parse import parse_qsl, unquote, urlsplit

from fake_server import Exchange
from fake_server.face import BASE, BusinessError, Catalog, coerce, scrub_url

from .model import Finding, RuleContext, rule
from .state import as_long, query_model

BACK_OFF_SECONDS = 1.0  # the least pause after a 429 before the same request goes again


# Zone lookups are answered whatever the casing of their path: production clients send them lowercase.
ZONE_LOOKUPS = frozenset({"zoneinformation", "versioninformation"})


@rule(
    "exact-base-path",
    "Every request but the zone lookups spells the base path ATServicesRest in exactly that casing "
    "(the version segment may be v1.0 or V1.0).",
    "Postman contract §0",
)
def exact_base_path(traffic: Sequence[Exchange], context: RuleContext) -> list[Finding]:
    if not context.base_path_case_sensitive:
        return []  # a tenant that takes any casing refuses none
    found = []
    for exchange in traffic:
        parts = [s for s in exchange.path.split("/") if s]
        if not parts or parts[0].lower() != BASE[0].lower() or parts[0] == BASE[0]:
            continue
        if parts[-1].lower() in ZONE_LOOKUPS:
            continue
        found.append(
            Finding(
                f"base path written {scrub_url(parts[0])!r}; the tenant answers 404 to any casing but {BASE[0]!r}",
                (exchange.position,),
            )
        )
    return found


def _write_target(exchange: Exchange, catalog: Catalog) -> str | None:
    """The entity a create or update body describes, following child routes to the child entity."""
    segments = exchange.segments
    if exchange.method not in ("POST", "PUT", "PATCH") or not segments:
        return None
    if len(segments) == 1:
        return segments[0]
    if len(segments) == 3 and as_long(segments[1]) is not None:
        child = catalog.child(segments[0], segments[2])
        return child.entity if child else None
    return None


@rule("create-without-id", "A create carries no id, or id 0.", "seed 000")
def create_without_id(traffic: Sequence[Exchange], context: RuleContext) -> list[Finding]:
    found = []
    for exchange in traffic:
        if exchange.method != "POST" or _write_target(exchange, context.catalog) is None:
            continue
        value = exchange.body.get("id")
        if value not in (None, 0, "0"):
            found.append(Finding(f"create sends id {scrub_url(repr(value))}", (exchange.position,)))
    return found


@rule(
    "known-fields-only",
    "Write bodies use only fields the entity's metadata knows.",
    "Postman contract, rules: Never guess fields or values",
)
def known_fields_only(traffic: Sequence[Exchange], context: RuleContext) -> list[Finding]:
    found = []
    for exchange in traffic:
        target = _write_target(exchange, context.catalog)
        entity = context.catalog.get(target) if target else None
        if entity is None:
            continue
        body = exchange.request_json
        if not isinstance(body, dict):
            continue  # a body that is no object (true, 5, a list) names no field; the API refuses it whole
        unknown = [
            key
            for key in body
            if str(key).lower() != "userdefinedfields"
            and entity.field(str(key)) is None
            and not entity.ignores(str(key))
        ]
        if unknown:
            found.append(
                Finding(
                    f"{entity.name} has no field " + ", ".join(unknown),
                    (exchange.position,),
                    {"fields": unknown},
                )
            )
    return found


def _required_missing(exchange: Exchange, catalog: Catalog) -> tuple[str, list[str]] | None:
    """The entity a create or full update (PUT) writes and the required fields its body leaves out or nulls.

    Booleans are left alone (the fake stores false for one never sent; INFERRED), and so is the parent's id
    on a child route, which the URL gives (``ticketID`` of ``POST /Tickets/{id}/Notes``).
    """
    segments = exchange.segments
    if exchange.method not in ("POST", "PUT") or not isinstance(exchange.request_json, dict):
        return None
    parent_field = ""
    if len(segments) == 1:
        entity = catalog.get(segments[0])
    elif len(segments) == 3 and as_long(segments[1]) is not None:
        child = catalog.child(segments[0], segments[2])
        entity = catalog.get(child.entity) if child else None
        parent_field = child.parent_field.lower() if child else ""
    else:
        return None
    if entity is None:
        return None
    missing = [
        f.name
        for f in entity.fields
        if f.is_required
        and not f.is_read_only
        and f.data_type != "boolean"
        and f.name.lower() != parent_field
        and exchange.body.get(f.name.lower()) is None
    ]
    return (entity.name, missing) if missing else None


@rule(
    "required-fields-sent",
    "A create or PUT carries a value for every required field of the entity (PATCH is partial and exempt).",
    "DOCS: entityInformation/fields isRequired; WYRE-AI/autotask-mcp #46 (taskType missing: 500); "
    "Postman contract §4 (missing fields cause hard failures)",
)
def required_fields_sent(traffic: Sequence[Exchange], context: RuleContext) -> list[Finding]:
    found = []
    for exchange in traffic:
        missing = _required_missing(exchange, context.catalog)
        if missing is not None:
            entity, names = missing
            found.append(
                Finding(
                    f"{exchange.method} of {entity} without {', '.join(names)}: production answers 500 "
                    "(a required field has no value)",
                    (exchange.position,),
                    {"fields": names},
                )
            )
    return found


def _page_size(exchange: Exchange) -> int | None:
    """The page size a query asks for (500 when it names none), or ``None`` when MaxRecords does not bind
    as a whole number (``"abc"``, ``500.5``): the API then answers 500, as the fake does (INFERRED)."""
    model = query_model(exchange)
    if model is None:
        return None
    raw = model.get("maxrecords")
    if raw is None:
        return 500
    try:
        size: int = coerce("MaxRecords", "integer", raw)
    except BusinessError:
        return None
    return size


@rule(
    "max-records-500",
    "A query that sends MaxRecords sends a whole number from 1 to 500.",
    "WYRE-AI/autotask-mcp PR #132 (500: maxCountOfRecordsToReturn must be between 1 and 500)",
)
def max_records_500(traffic: Sequence[Exchange], context: RuleContext) -> list[Finding]:
    found = []
    for exchange in traffic:
        model = query_model(exchange) if len(exchange.segments) >= 2 else None
        if model is None or exchange.segments[1].lower() != "query" or model.get("maxrecords") is None:
            continue
        size = _page_size(exchange)
        if size is None or not 1 <= size <= 500:
            shown = size if size is not None else scrub_url(repr(model["maxrecords"]))
            found.append(
                Finding(
                    f"MaxRecords {shown}: production answers 500 (maxCountOfRecordsToReturn must be between 1 and 500)",
                    (exchange.position,),
                )
            )
    return found


def _normalised(url: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A URL as the API reads it: path in any casing, percent-encoding undone, query parameters unordered.

    Clients' HTTP libraries re-encode ``%7b`` as ``%7B``, collapse or keep slashes, and change hosts
    (a proxy, the fake's own address); none of that changes which page is asked for.
    """
    parts = urlsplit(url)
    path = re.sub("/+", "/", unquote(parts.path)).lower().rstrip("/")
    return path, tuple(sorted(parse_qsl(parts.query, keep_blank_values=True)))


def _keyset(exchange: Exchange) -> tuple[str, int | None] | None:
    """A query's filter without its top-level ``id gt``/``id gte`` bounds, and the lowest id it asks for."""
    model = query_model(exchange)
    filters = model.get("filter") if model else None
    if not isinstance(filters, list):
        return None
    rest, lowest = [], None
    for item in filters:
        lowered = {str(k).lower(): v for k, v in item.items()} if isinstance(item, dict) else None
        bound = as_long(lowered.get("value")) if lowered else None
        if (
            lowered
            and str(lowered.get("field", "")).lower() == "id"
            and lowered.get("op") in ("gt", "gte")
            and bound is not None
        ):
            start = bound + 1 if lowered["op"] == "gt" else bound
            lowest = start if lowest is None else max(lowest, start)
        else:
            rest.append(lowered if lowered is not None else item)
    return json.dumps(rest, sort_keys=True, default=str).lower(), lowest


def _rest_was_read(traffic: Sequence[Exchange], page: Exchange, next_url: str) -> bool:
    """Whether a later successful request read the records after this page: its nextPageUrl, or a query
    with the same filter whose id bound starts no later than the first unread id (keyset paging)."""
    wanted = _normalised(next_url)
    ids = [as_long(i.get("id")) for i in page.items or [] if isinstance(i, dict)]
    last = max((i for i in ids if i is not None), default=None)
    keyset = _keyset(page)
    for later in traffic[page.position :]:
        if later.status != 200:
            continue
        if _normalised(later.url) == wanted:
            return True
        if (
            keyset is not None
            and last is not None
            and later.entity == page.entity
            and [s.lower() for s in later.segments[1:]] == ["query"]
        ):
            bound = _keyset(later)
            if bound is not None and bound[0] == keyset[0] and bound[1] is not None and bound[1] <= last + 1:
                return True
    return False


@rule(
    "follow-next-page",
    "A query that gets a full page with a nextPageUrl reads the rest: that URL (in any encoding), or a "
    "query with the same filter from the next id on (keyset paging).",
    "Autotask REST paging docs (nextPageUrl); django-autotask api.py follows it",
)
def follow_next_page(traffic: Sequence[Exchange], context: RuleContext) -> list[Finding]:
    found = []
    for exchange in traffic:
        if len(exchange.segments) < 2 or exchange.segments[1].lower() != "query" or exchange.status != 200:
            continue
        details = (
            (exchange.response_json or {}).get("pageDetails") if isinstance(exchange.response_json, dict) else None
        )
        next_url = details.get("nextPageUrl") if isinstance(details, dict) else None
        if (
            isinstance(next_url, str)
            and next_url
            and _page_size(exchange) in (None, 500)
            and not _rest_was_read(traffic, exchange, next_url)
        ):
            found.append(
                Finding(
                    "the records after this page were never read",
                    (exchange.position,),
                    {"nextPageUrl": scrub_url(next_url)},
                )
            )
    return found


@rule(
    "back-off-after-429",
    "After a 429 the same request waits before it goes again.",
    "Autotask API thresholds docs; msoukhomlinov/n8n-nodes-autotask PR #107",
)
def back_off_after_429(traffic: Sequence[Exchange], context: RuleContext) -> list[Finding]:
    found = []
    for index, refused in enumerate(traffic):
        if refused.status != 429:
            continue
        for retry in traffic[index + 1 :]:
            if (retry.method, retry.path) == (refused.method, refused.path):
                if retry.started_at - refused.started_at < BACK_OFF_SECONDS:
                    found.append(
                        Finding(
                            f"retried after {retry.started_at - refused.started_at:.3f} s",
                            (refused.position, retry.position),
                        )
                    )
                break
    return found
