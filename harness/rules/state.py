"""What the rules need to know about a journal: the latest read of each record, and value comparisons."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from fake_server import Exchange
from fake_server.face import BusinessError, coerce, parse_json, too_deep

# The Postman contract, section 8, step 2: the fields every ticket PUT copies from a fresh GET.
STABILISING_FIELDS = (
    "id",
    "companyID",
    "queueID",
    "title",
    "priority",
    "status",
    "dueDateTime",
    "ticketCategory",
    "issueType",
    "subIssueType",
    "source",
    "organizationalLevelAssociationID",
)


def as_long(value: Any) -> int | None:
    """A value as the Int64 the API reads from it (an id, a status, a MaxRecords bound: ``5``, ``5.0``,
    ``"5"``), or None where the API reads none: ``true``, ``1.5``, text that is no whole number, a number
    beyond Int64 (``2**70``), a list."""
    try:
        number: int = coerce("id", "long", value)
    except BusinessError:
        return None
    return number


def written_id(exchange: Exchange) -> int | None:
    """The id a PUT/PATCH on an entity root names in its body."""
    return as_long(exchange.body.get("id"))


def updates(traffic: Sequence[Exchange], entity: str) -> Iterator[tuple[Exchange, int]]:
    """PUTs and PATCHes of ``/{entity}`` with the id they name."""
    for exchange in traffic:
        if exchange.method in ("PUT", "PATCH") and exchange.is_entity_root(entity):
            target = written_id(exchange)
            if target is not None:
                yield exchange, target


def latest_read(traffic: Sequence[Exchange], before: int, entity: str, target: int) -> Exchange | None:
    """The newest successful ``GET /{entity}/{target}`` before position ``before``."""
    for exchange in reversed(traffic[: before - 1]):
        if (
            exchange.method == "GET"
            and exchange.is_item(entity)
            and exchange.item is not None
            and as_long(exchange.segments[1]) == target
        ):
            return exchange
    return None


def ticket_puts(traffic: Sequence[Exchange]) -> Iterator[tuple[Exchange, int, Exchange | None]]:
    """Each ``PUT /Tickets`` with the ticket it names and the latest read of that ticket before it."""
    for put, target in updates(traffic, "Tickets"):
        if put.method == "PUT":
            yield put, target, latest_read(traffic, put.position, "Tickets", target)


def status_changes(traffic: Sequence[Exchange]) -> Iterator[tuple[Exchange, int, Any, Exchange | None]]:
    """Ticket updates that send a status other than the latest read's (or with no read to compare)."""
    for update, target in updates(traffic, "Tickets"):
        has_status, status = sent(update, "status")
        if not has_status:
            continue
        read = latest_read(traffic, update.position, "Tickets", target)
        if read is not None and read.item is not None and same_value(read.item.get("status"), status):
            continue
        yield update, target, status, read


def writes_between(traffic: Sequence[Exchange], start: int, end: int, entity: str, target: int) -> list[Exchange]:
    """Successful writes to that record strictly between two positions."""
    return [
        e
        for e in traffic[start : end - 1]
        if e.status == 200 and e.method in ("PUT", "PATCH") and e.is_entity_root(entity) and written_id(e) == target
    ]


def sent(exchange: Exchange, name: str) -> tuple[bool, Any]:
    """Whether the body carries the field (names match case-insensitively), and its value."""
    body = exchange.body
    key = name.lower()
    return (key in body, body.get(key))


def same_value(read: Any, written: Any) -> bool:
    """Equal as the API would store them: ``"5"`` is 5, and times compare as instants."""
    if read == written:
        return True
    if read is None or written is None or isinstance(read, bool) or isinstance(written, bool):
        return False
    try:
        return float(read) == float(written)
    except (TypeError, ValueError):
        pass
    if isinstance(read, str) and isinstance(written, str):
        return _instant(read) is not None and _instant(read) == _instant(written)
    return False


def _instant(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def query_model(exchange: Exchange) -> dict[str, Any] | None:
    """A query's model (POST body or GET ``search``) with lower-cased keys, or ``None`` where the API reads
    none: the fake's own reader decides (single-quoted leniency, at most 256 levels of nesting, no NaN), so
    a model the fake refused is not judged as if it had been run."""
    model: Any = exchange.request_json
    if exchange.method == "GET":
        search = exchange.query.get("search")
        if search is None:
            return None
        try:
            model = parse_json(search, "search parameter")
        except BusinessError:
            return None
    elif isinstance(model, dict) and too_deep(model):
        return None
    return {str(k).lower(): v for k, v in model.items()} if isinstance(model, dict) else None


def filter_values(exchange: Exchange, field: str) -> list[Any]:
    """Values of every ``eq`` condition on ``field`` in a query's body or ``search`` parameter."""
    found: list[Any] = []

    def walk(items: Any) -> None:
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict):
                continue
            lowered = {str(k).lower(): v for k, v in item.items()}
            if lowered.get("op") == "eq" and str(lowered.get("field", "")).lower() == field.lower():
                found.append(lowered.get("value"))
            walk(lowered.get("items"))

    walk((query_model(exchange) or {}).get("filter"))
    return found
