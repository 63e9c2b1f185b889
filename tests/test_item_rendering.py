"""Items written straight as text (``rendering.item_text``) are byte for byte what serialising the rendered
item gives, for every kind of value a record can hold, whole or with a query's IncludeFields."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from fake_server import FakeAutotask
from fake_server.http_types import dumps
from fake_server.rendering import item_text, render

FAKE = FakeAutotask()
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),  # NaN and the infinities too: the encoder writes them as NaN and Infinity
    st.text(),  # quotes, backslashes, control characters, lone surrogates
    st.decimals(allow_nan=False).map(float),
)
VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner), max_leaves=6
)


def _rendered(
    entity_name: str, record: dict[str, Any], udf_names: list[str], include: list[str] | None = None
) -> tuple[Any, Any]:
    entity = FAKE.catalog.get(entity_name)
    assert entity is not None
    outcomes: list[Any] = []
    writers: list[Callable[[], bytes]] = [
        lambda: item_text(entity, record, udf_names, include),
        lambda: dumps(render(entity, record, udf_names, include)),
    ]
    for write in writers:
        try:
            outcomes.append(write())
        except Exception as error:  # an unencodable value fails both ways alike
            outcomes.append(type(error))
    return outcomes[0], outcomes[1]


@settings(max_examples=300, deadline=None)
@given(
    entity_name=st.sampled_from(["Tickets", "Companies", "TimeEntries", "TicketNotes"]),
    picks=st.lists(st.tuples(st.integers(0, 400), VALUES), max_size=12),
    extra=st.dictionaries(st.sampled_from(["userDefinedFields", "notAField", "ID", "id"]), VALUES, max_size=2),
    udf_names=st.lists(st.sampled_from(["CustomerRanking", "Number of Employees", "x"]), max_size=2, unique=True),
    # IncludeFields as a query names them: any casing, unknown names, userDefinedFields, or none at all.
    include=st.none()
    | st.lists(st.integers(0, 400) | st.sampled_from(["ID", "userdefinedfields", "notAField", ""]), max_size=6),
)
def test_item_text_is_the_serialised_rendered_item(
    entity_name: str,
    picks: list[tuple[int, Any]],
    extra: dict[str, Any],
    udf_names: list[str],
    include: list[int | str] | None,
) -> None:
    entity = FAKE.catalog.get(entity_name)
    assert entity is not None
    record = {entity.fields[i % len(entity.fields)].name: value for i, value in picks} | extra
    names = None
    if include is not None:
        names = [n if isinstance(n, str) else entity.fields[n % len(entity.fields)].name.upper() for n in include]
    fast, reference = _rendered(entity_name, record, udf_names, names)
    assert fast == reference


def test_include_fields_keep_the_entitys_order_and_the_udfs() -> None:
    record = {"id": 7, "companyName": "Contoso", "phone": "555", "userDefinedFields": {"x": "1"}}
    fast, reference = _rendered("Companies", record, ["x"], ["PHONE", "companyname"])
    assert fast == reference
    assert fast == b'{"id":7,"companyName":"Contoso","phone":"555","userDefinedFields":[{"name":"x","value":"1"}]}'


def test_udf_values_are_written_in_the_tenants_order() -> None:
    record = {"id": 7, "companyName": 'Ångström "Ltd"\n', "userDefinedFields": {"x": 1.5, "CustomerRanking": "A"}}
    fast, reference = _rendered("Companies", record, ["CustomerRanking", "x"])
    assert fast == reference and b'"companyName":"\xc3\x85ngstr\xc3\xb6m \\"Ltd\\"\\n"' in fast


@settings(max_examples=200, deadline=None)
@given(value=VALUES)
def test_dumps_writes_what_json_dumps_writes_as_the_api_does(value: Any) -> None:
    # dumps writes with one encoder made once; it must write what json.dumps with those options writes.
    assert dumps(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
