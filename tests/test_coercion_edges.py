"""Edges of value coercion a mutation run found untested: the integer types' exact ranges and what a boolean
field takes."""

from __future__ import annotations

from typing import Any

import pytest

from fake_server.coercion import coerce
from fake_server.errors import BusinessError

# .NET's ranges: Int32, Int64, Int16, Byte [INFERRED: the fields' CLR types, coercion.INTEGER_RANGES].
EDGES = [
    ("integer", 2147483647, -2147483648),
    ("long", 9223372036854775807, -9223372036854775808),
    ("short", 32767, -32768),
    ("byte", 255, 0),
]


@pytest.mark.parametrize(("data_type", "highest", "lowest"), EDGES)
def test_each_integer_type_takes_its_range_and_not_one_beyond(data_type: str, highest: int, lowest: int) -> None:
    assert coerce("f", data_type, highest) == highest and coerce("f", data_type, lowest) == lowest
    assert coerce("f", data_type, str(highest)) == highest  # a numeric string, as Int32.Parse reads it
    for beyond in (highest + 1, lowest - 1, str(highest + 1)):
        with pytest.raises(BusinessError, match="outside the range"):
            coerce("f", data_type, beyond)


@pytest.mark.parametrize("value", ["1", "0", "yes", "", None])
def test_a_boolean_field_takes_true_or_false_only(value: Any) -> None:
    """bool.TryParse, which Newtonsoft reads a JSON string into a bool with, takes "True"/"False" in any casing
    and nothing else [INFERRED]; ``None`` is a null, which stays null. (A JSON number is left out here: Newtonsoft
    reads one into a bool with Convert.ToBoolean, which the fake does not yet follow.)"""
    if value is None:
        assert coerce("isActive", "boolean", value) is None
        return
    with pytest.raises(BusinessError, match="to type boolean"):
        coerce("isActive", "boolean", value)


@pytest.mark.parametrize(("value", "expected"), [("True", True), (" false ", False), ("TRUE", True), (False, False)])
def test_a_boolean_field_reads_true_and_false_in_any_casing(value: Any, expected: bool) -> None:
    assert coerce("isActive", "boolean", value) is expected
