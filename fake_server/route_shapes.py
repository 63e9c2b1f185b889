"""Routing a record's path by the route of another record's: ``/Tickets/7`` routes as ``/Tickets/5`` did,
with its own id, so a GET of a record not asked for before skips routing (``FakeAutotask._route_by_shape``).
Which routes can be reused so is a property of their endpoint (``Endpoint.by_last_id``).
"""

from __future__ import annotations

from .http_types import ApiRequest

# A last segment read as a record id without routing: plain ASCII digits, short of Int64's 19.
_MAX_PLAIN_ID_DIGITS = 18


def last_id(path: str) -> int | None:
    """The path's last segment as a record id, when it is one plainly (``None`` leaves it to routing)."""
    last = path[path.rfind("/") + 1 :]
    if last.isdigit() and last.isascii() and len(last) <= _MAX_PLAIN_ID_DIGITS:
        return int(last)
    return None


def without_last_id(request: ApiRequest) -> tuple[str, str]:
    """The method and the path up to its last segment: the key of a record route without its id."""
    path = request.path
    return request.method, path[: path.rfind("/")]
