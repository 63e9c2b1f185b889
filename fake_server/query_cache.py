"""Compiled queries kept for reuse: plans by query text, templates by query shape and by body shape, and
``plan_for``, which finds a query's plan among them or compiles it (``query``)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, TypeVar

from .catalog import EntityInfo
from .query import Template, compile_template
from .query_bytes import BodyShape, ShapeReader, cut, same_values
from .query_select import Plan
from .query_shape import shape_key, skeleton

Kept = TypeVar("Kept")


def plan_for(
    cache: PlanCache,
    entity: EntityInfo,
    data: Any,
    udf_types: dict[str, str],
    page_size: int | None,
    *,
    keep: bool,
    body: BodyShape | None = None,
) -> Plan:
    """The plan of a QueryModel, from the cache's template for its shape (compiled and kept if ``keep`` when
    there is none yet): a query for another ticket number costs a walk and a lookup, not a compile.

    ``body`` is the request body ``data`` was parsed from, cut at its values (``query_bytes.cut``): when
    those are the values the walk took out, the template is kept for that body shape too, and a later
    body of it is bound without being parsed (``PlanCache.by_body``)."""
    values: list[Any] = []
    shape = (entity.name, shape_key(data, values), page_size)
    template = cache.template(shape)
    if template is None:
        template, bound = compile_template(entity, skeleton(data), values, udf_types, page_size)
        plan = template.plan(bound)
        if keep:
            cache.put_template(shape, template)
    else:
        plan = template.bind(values)
    if keep and body is not None and same_values(body.values, values):
        cache.put_body_template((entity.name, body.pieces, page_size), template)
    return plan


class _BodyEntry:
    """A template kept by body shape, and the reader of that shape once a second body of it came."""

    __slots__ = ("reader", "template")

    def __init__(self, template: Template) -> None:
        self.template = template
        self.reader: ShapeReader | None = None


# Clients repeat the same query text, and more often the same query with other values; the tenant compiles
# each text's plan, and each shape's template, once.
class PlanCache:
    """Least-recently-used plans by (entity, raw query text, page size), and templates by (entity, shape,
    page size); templates also by (entity, body shape, page size), ``query_bytes``' cut of a body, dropped
    all at once when full (each is a plain lookup, on every query of a new value). Thread-safe."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._plans: OrderedDict[Any, Plan] = OrderedDict()
        self._templates: OrderedDict[Any, Template] = OrderedDict()
        self._by_body: dict[Any, _BodyEntry] = {}
        # The reader and template of the body shape bound last, by (entity, page size): a client asks the same
        # query of other values again and again, and reading a body of that shape costs a third of cutting it.
        self._last: dict[Any, tuple[ShapeReader, Template]] = {}
        self._lock = threading.Lock()

    def by_body(self, entity: str, body: bytes, page_size: int | None) -> tuple[BodyShape | None, Template | None]:
        """The body cut at its values (``None``: it cannot be) and the template kept for its shape, if any.
        Dict reads and a plain attribute set: atomic, no lock needed."""
        last = self._last.get((entity, page_size))
        if last is not None and (shape := last[0].read(body)) is not None:
            return shape, last[1]
        shape = cut(body)
        if shape is None:
            return None, None
        entry = self._by_body.get((entity, shape.pieces, page_size))
        if entry is None:
            return shape, None
        if entry.reader is None:  # its second body: a shape asked more than once gets its reader
            entry.reader = ShapeReader(shape.pieces)
        self._last[(entity, page_size)] = (entry.reader, entry.template)
        return shape, entry.template

    def put_body_template(self, key: Any, template: Template) -> None:
        with self._lock:
            if len(self._by_body) >= self.size:
                self._by_body.clear()
                self._last.clear()
            self._by_body[key] = _BodyEntry(template)

    def get(self, key: Any) -> Plan | None:
        return self._used(self._plans, key)

    def put(self, key: Any, plan: Plan) -> None:
        self._keep(self._plans, key, plan)

    def template(self, shape: Any) -> Template | None:
        return self._used(self._templates, shape)

    def put_template(self, shape: Any, template: Template) -> None:
        self._keep(self._templates, shape, template)

    def _used(self, kept: OrderedDict[Any, Kept], key: Any) -> Kept | None:
        """What ``kept`` holds under ``key`` (``None``: nothing), now its most recently used."""
        with self._lock:
            found = kept.get(key)
            if found is not None:
                kept.move_to_end(key)
            return found

    def _keep(self, kept: OrderedDict[Any, Kept], key: Any, value: Kept) -> None:
        """``value`` into ``kept``, dropping the least recently used past ``size``."""
        with self._lock:
            kept[key] = value
            if len(kept) > self.size:
                kept.popitem(last=False)
