"""A query body's values found in its bytes, so that a body differing from one compiled before only in those
values binds that body's template without being parsed: what makes a query for another ticket number cheap.

``cut`` splits a body at each ``"value": <scalar>`` (the key in any case, as ``query_shape`` reads it) into
the bytes around the values (a ``BodyShape``) and the values as the strict JSON reader reads them. It only
cuts a body it can read without parsing it: one with no backslash (so every ``"`` opens or closes a string,
and a ``"value"`` key is told from the same text inside a string by counting them) and no single quote
(the reader's single-quoted leniency, ``single_quoted``, would read quotes otherwise).

A shape is only ever used once a body of it has been parsed and compiled, and the values cut from that body
were exactly the values ``query_shape.shape_key`` took out of the parsed JSON, in the same order, each of
the same type (``same_values``, which ``query_cache.plan_for`` asks before it keeps a template by body shape).
Another body with the same bytes around its values differs only in scalar literals, each a whole JSON
token, so it is the same JSON with other values in the same slots: parsing it would give the same shape
and these values. A body whose literals are not what the strict reader accepts (a number beyond a double,
text that is not UTF-8) is not cut, and goes the long way to the API's error.

A ``ShapeReader`` cuts bodies of one known shape faster: one match of a regex made of the shape's bytes with
a literal's pattern between them. A body it reads is one ``cut`` cuts the same way: the bytes around the
values are the shape's (which hold no backslash and no single quote, and whose quotes paired up), and each
value is one literal holding neither, so no ``"value"`` key can appear or vanish.
"""

from __future__ import annotations

import math
import re
from typing import Any, NamedTuple

# A value key (group 1) and the scalar literal after it (group 2), which must end there (a comma or the
# object's end follows). Strings hold no backslash (the whole body holds none) and no control character
# (strict JSON refuses them); numbers are JSON's grammar; null is not a value here (``query_shape`` keeps
# it in the shape).
_SLOT = re.compile(
    rb'("[vV][aA][lL][uU][eE]"[ \t\n\r]*:[ \t\n\r]*)'
    rb'("[^"\x00-\x1f]*"|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false)'
    rb"(?=[ \t\n\r]*[,}])"
)
# A literal as ``_SLOT`` takes one, in a body that holds no backslash and no single quote: a ``ShapeReader``
# sees only the literals, so it says what ``cut`` checks of the whole body.
_LITERAL = rb'("[^"\\\'\x00-\x1f]*"|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false)'
# Longest number literal cut: Python's int() refuses very long digit strings, and no field takes one.
_MAX_NUMBER = 40


class _Refused:
    """The type of ``_REFUSED``: a literal ``cut`` leaves to the parser."""

    __slots__ = ()


_REFUSED: Any = _Refused()


class BodyShape(NamedTuple):
    """A body cut at its values: the bytes around them (``pieces``: what comes before each value's key, the
    key, and after the last value the rest), and the values as the strict reader reads them."""

    pieces: tuple[bytes, ...]
    values: list[Any]


def _literal(raw: bytes) -> Any:
    """The value of a number or boolean literal ``_SLOT`` matched, as the strict reader reads it;
    ``_REFUSED`` when it would refuse it (the parser then says why)."""
    if raw == b"true":
        return True
    if raw == b"false":
        return False
    if len(raw) > _MAX_NUMBER:
        return _REFUSED
    if b"." in raw or b"e" in raw or b"E" in raw:
        number = float(raw)
        return number if math.isfinite(number) else _REFUSED  # 1e999: the reader refuses it (jsonbody)
    return int(raw)


def _values(literals: list[bytes] | tuple[bytes, ...]) -> list[Any] | None:
    """The literals' values as the strict reader reads them; ``None`` when it would refuse one."""
    values = []
    for raw in literals:
        if raw[0] == 0x22:  # a string, the usual value: read here rather than in a call
            try:
                values.append(raw[1:-1].decode("utf-8"))
            except UnicodeDecodeError:
                return None
        elif (value := _literal(raw)) is not _REFUSED:
            values.append(value)
        else:
            return None
    return values


def cut(body: bytes) -> BodyShape | None:
    """The body cut at its scalar values, or ``None`` for a body that cannot be cut without parsing it."""
    if 0x5C in body or 0x27 in body:  # a backslash or a single quote (an int is found by memchr, cheaply)
        return None
    parts = _SLOT.split(body)  # [before, key, literal, between, key, literal, ..., after]: one split in C
    for at in range(0, len(parts) - 1, 3):
        if parts[at].count(0x22) & 1:  # the next key is inside a string: text that only looks like one
            return None
    values = _values(parts[2::3])
    if values is None:
        return None
    del parts[2::3]
    return BodyShape(tuple(parts), values)


class ShapeReader:
    """Cuts a body of one known shape (``pieces``, as ``cut`` made them) by one regex match: ``read`` gives
    what ``cut`` would, or ``None`` for a body of another shape or one ``cut`` refuses."""

    __slots__ = ("_match", "pieces")

    def __init__(self, pieces: tuple[bytes, ...]) -> None:
        self.pieces = pieces
        # pieces: before, key, between, key, ..., after; each before-and-key joined, then a literal.
        fixed = [pieces[at] + pieces[at + 1] for at in range(0, len(pieces) - 1, 2)] + [pieces[-1]]
        self._match = re.compile(_LITERAL.join(re.escape(text) for text in fixed)).fullmatch

    def read(self, body: bytes) -> BodyShape | None:
        found = self._match(body)
        if found is None:
            return None
        values = _values(found.groups())
        return None if values is None else BodyShape(self.pieces, values)


def same_values(cut_values: list[Any], shape_values: list[Any]) -> bool:
    """Whether the values cut from a body are those ``shape_key`` took from its parsed JSON: the same
    number, in the same order, each of the same type (``1``, ``1.0`` and ``true`` are equal in Python)."""
    return len(cut_values) == len(shape_values) and all(
        type(a) is type(b) and a == b for a, b in zip(cut_values, shape_values, strict=True)
    )
