"""A write's body is read by orjson where it reads as the standard library does (``jsonbody.read_plain``),
and the long way otherwise: the two readings must never differ, in value, type or key order."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from fake_server.http_types import NOT_PARSED
from fake_server.jsonbody import _loads, read_plain, replace_lone_surrogates

REFUSED = object()


def _the_long_way(raw: bytes) -> Any:
    """What the reader made of a body before orjson: its UTF-8 text, lone surrogates as U+FFFD, strict."""
    try:
        return _loads(replace_lone_surrogates(raw.decode("utf-8")), "request body")
    except Exception:  # malformed, not UTF-8, NaN, past a double, too deep: all refused
        return REFUSED


def _same(one: Any, other: Any) -> bool:
    """Equal and of the same types all the way down, dict keys in the same order, -0.0 apart from 0.0."""
    if type(one) is not type(other):
        return False
    if isinstance(one, dict):
        return list(one) == list(other) and all(_same(one[key], other[key]) for key in one)
    if isinstance(one, list):
        return len(one) == len(other) and all(_same(a, b) for a, b in zip(one, other, strict=True))
    if isinstance(one, float):
        return one == other and math.copysign(1, one) == math.copysign(1, other)
    return bool(one == other)


_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()  # NaN and infinities too: json.dumps spells them, and both readers must refuse them
    | st.text()  # lone surrogates too: escaped, or raw and so not UTF-8
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
)
# Bytes that make or break JSON, for changing a body where it matters.
_TWEAKS = st.sampled_from([b"", b"'", b'"', b"\\", b"{", b"}", b"[", b"]", b",", b":", b"0", b"9" * 19, b"e", b"-"])
_TWEAKS |= st.sampled_from([b".", b" ", b"\t", b"\x00", b"\xef\xbb\xbf", b"\xed\xa0\x80", b"\xff", b"NaN", b"1e999"])


@st.composite
def _bodies(draw: st.DrawFn) -> bytes:
    text = json.dumps(
        draw(_VALUES),
        ensure_ascii=draw(st.booleans()),
        separators=draw(st.sampled_from([(",", ":"), (", ", ": "), (" ,", " : ")])),
        indent=draw(st.sampled_from([None, 0, 2])),
    )
    raw = text.encode("utf-8", "surrogatepass")
    for _ in range(draw(st.integers(0, 2))):  # a byte or a run changed, inserted or cut at one place
        at = draw(st.integers(0, len(raw)))
        cut = draw(st.integers(0, 2))
        raw = raw[:at] + draw(_TWEAKS) + raw[at + cut :]
    return raw


@settings(max_examples=600, deadline=None)
@given(_bodies() | st.binary(max_size=40))
def test_orjson_reads_a_body_as_the_long_way_does_or_leaves_it_to_the_long_way(raw: bytes) -> None:
    fast = read_plain(raw)
    if fast is NOT_PARSED:
        return
    slow = _the_long_way(raw)
    assert slow is not REFUSED, f"orjson read {raw!r}, which the long way refuses"
    assert _same(fast, slow), f"{raw!r}: orjson read {fast!r}, the long way {slow!r}"


def test_a_plain_write_body_is_read_by_orjson_and_the_odd_ones_the_long_way() -> None:
    # The usual body goes the fast way, escapes and all; the cases the docstring of read_plain names do not.
    plain = b'{"id": 7, "title": "A\\nB \\ud83d\\ude00", "estimatedHours": 1.5}'
    assert read_plain(plain) == {"id": 7, "title": "A\nB \U0001f600", "estimatedHours": 1.5}
    assert read_plain(b"[1234567890123456789, 123456789012345678]") is NOT_PARSED  # 19 digits: the long way
    assert read_plain(b"[123456789012345678]") == [123456789012345678]
    odd = [b'{"title": "\\ud800"}', b'{"title": "\\udc00"}', b"{'id': 1}", b'{"a": NaN}', b"\xef\xbb\xbf{}"]
    for body in [*odd, b"[" * 2000 + b"]" * 2000]:
        assert read_plain(body) is NOT_PARSED, body
