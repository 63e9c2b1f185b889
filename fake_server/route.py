"""What routing makes of a request: a ``Route`` carrying its ``Endpoint``, the handler that answers it.

The values only; the router is ``routing``, the table of endpoints ``endpoints``. They live apart so that
the handlers can take a ``Route`` without importing the table that names them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .catalog import ChildRoute, EntityInfo, Operation
from .http_types import ApiRequest, ApiResponse

if TYPE_CHECKING:
    from .tenant import Tenant

BASE = ("ATServicesRest", "V1.0")
# Which entityInformation flag a verb needs on a record route, beyond the route existing at all.
NEEDS_FLAG = {"POST": "canCreate", "PUT": "canUpdate", "PATCH": "canUpdate", "DELETE": "canDelete"}

# A handler gets the tenant, the route (entity, ids, child) and the request, and answers in the API's envelope
# or raises an ``ApiError``.
Handler = Callable[["Tenant", "Route", ApiRequest], ApiResponse]


@dataclass(frozen=True, eq=False)
class Endpoint:
    """One kind of route and its handler: an entry of ``endpoints.ENDPOINTS``, the one table of them."""

    kind: str
    handle: Handler
    # The verbs whose answer depends on nothing but the URL, the body and the stored records: the core keeps
    # such an answer until a record changes. A query reads with GET and POST alike.
    reads: frozenset[str] = frozenset()
    # The entityInformation flag every request needs (``canQuery`` for a query), or with ``flag_by_verb``
    # the one its verb needs (NEEDS_FLAG); neither for entityInformation reads and the non-entity operations.
    flag: str | None = None
    flag_by_verb: bool = False
    # Its record id is the path's last segment and its route differs by nothing else, so a record's path
    # can be routed by another record's route (``route_shapes``).
    by_last_id: bool = False

    def needs_flag(self, method: str) -> str | None:
        """The entityInformation flag a request with this verb needs, or ``None``."""
        return NEEDS_FLAG.get(method) if self.flag_by_verb else self.flag

    def __repr__(self) -> str:
        return f"Endpoint({self.kind!r})"


@dataclass(frozen=True)
class Route:
    """Where a request goes: ``endpoint`` answers it, ``shape`` is the path pattern profiles name."""

    endpoint: Endpoint
    entity: EntityInfo
    shape: str
    allowed: frozenset[str]
    record_id: int | None = None
    child: ChildRoute | None = None
    parent_id: int | None = None
    detail: str = ""
    operation: Operation | None = None
    ids: tuple[int, ...] = ()  # an operation's placeholder values, in path order

    def with_record_id(self, record_id: int) -> Route:
        """This route for another record: what ``dataclasses.replace`` makes, at an eighth of its cost (a GET
        of each record the first time takes this path; ``replace`` re-runs the frozen ``__init__``)."""
        copy = object.__new__(Route)
        copy.__dict__.update(self.__dict__)
        object.__setattr__(copy, "record_id", record_id)
        return copy
