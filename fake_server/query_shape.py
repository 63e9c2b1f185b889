"""A query's shape: its JSON with every filter value taken out, so that queries differing only in values share
one compiled template (a client looks up a different ticket number each time, not the same one).

Every object key spelled ``value`` in any case, holding anything but ``null``, is a slot: ``shape_key`` gives
a hashable key of the rest, and appends the slot's value to a list, left to right; ``skeleton`` gives the
JSON again with a ``Slot`` in each such place, in the same order, for the compiler to read. ``null`` stays in
the shape, as the compiler reads it as a comparison with null rather than a value. A slot records only the
kind of value it held (one value, an array, an object): the compiler's structural checks read nothing more,
and what the value itself may be (its type, its text) is checked when the template binds it.

Everything else stays in the key: operators, field names, nesting, ``udf``, ``MaxRecords``,
``IncludeFields`` and any key the API ignores. Literals other than strings carry their type, since
``1 == True == 1.0`` in Python but not to the compiler (``"udf": true`` is not ``"udf": 1``).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, NamedTuple

SCALAR = "scalar"
ARRAY = "array"
OBJECT = "object"
_OBJECT_MARK = "{"
_ARRAY_MARK = "["


class Slot(NamedTuple):
    """Where a value was: its position among the query's values and its kind (``SCALAR``, ``ARRAY``,
    ``OBJECT``)."""

    position: int
    kind: str


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return ARRAY
    return OBJECT if isinstance(value, dict) else SCALAR


def shape_key(node: Any, values: list[Any]) -> Hashable:
    """A hashable key of ``node`` without its values, which are appended to ``values`` in document order.

    Runs on every query not answered before, so it is one plain recursive walk; JSON keys are strings.
    """
    kind = type(node)
    if kind is dict:
        parts: list[tuple[str, Hashable]] = []
        for name, child in node.items():
            if child is not None and name.lower() == "value":
                values.append(child)
                parts.append((name, _kind(child)))
            else:
                parts.append((name, shape_key(child, values)))
        return (_OBJECT_MARK, tuple(parts))
    if kind is list:
        return (_ARRAY_MARK, tuple([shape_key(child, values) for child in node]))
    if kind is str:
        return node  # type: ignore[no-any-return]
    return (kind, node)


def skeleton(node: Any, values: list[Any] | None = None) -> Any:
    """``node`` with a ``Slot`` for each value ``shape_key`` takes out, numbered in the same order."""
    found: list[Any] = [] if values is None else values
    if isinstance(node, dict):
        copy = {}
        for name, child in node.items():
            if child is not None and name.lower() == "value":
                copy[name] = Slot(len(found), _kind(child))
                found.append(child)
            else:
                copy[name] = skeleton(child, found)
        return copy
    if isinstance(node, list):
        return [skeleton(child, found) for child in node]
    return node
