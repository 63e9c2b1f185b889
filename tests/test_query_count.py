"""``query/count`` counts the records the filter matches, also when no index can answer the filter.

The count scans the candidates an equality index gives, or the whole table; either way each candidate must
pass the filter. Filters here are ones no index answers (``contains``, ``noteq``, ranges, groups), over
records that match and records that do not, so a count of every candidate is caught.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from fake_server import FakeAutotask

from .conftest import BASE

NAMES = ("Northwind Traders", "Contoso", "Northwind Health", "Fabrikam", "Tailspin")


@pytest.fixture
def companies(fake: FakeAutotask) -> None:
    for kind, name in enumerate(NAMES, start=1):
        fake.seed("Companies", {"companyName": name, "companyType": kind, "ownerResourceID": 4, "phone": "1"})


FILTERS: list[tuple[dict[str, Any], int]] = [
    ({"op": "contains", "field": "companyName", "value": "northwind"}, 2),
    ({"op": "beginsWith", "field": "companyName", "value": "con"}, 1),
    ({"op": "gt", "field": "companyType", "value": 3}, 3),  # Fabrikam, Tailspin and the reference company (8)
    ({"op": "noteq", "field": "companyName", "value": "Contoso"}, 5),  # the four others and the reference company
    (
        {
            "op": "or",
            "items": [
                {"op": "contains", "field": "companyName", "value": "health"},
                {"op": "endsWith", "field": "companyName", "value": "spin"},
            ],
        },
        2,
    ),
]


@pytest.mark.usefixtures("companies")
@pytest.mark.parametrize(("condition", "expected"), FILTERS)
def test_count_applies_a_filter_no_index_answers(
    client: httpx.Client, condition: dict[str, Any], expected: int
) -> None:
    body = {"filter": [condition]}
    counted = client.post(f"{BASE}/Companies/query/count", json=body)
    assert counted.status_code == 200, counted.text
    assert counted.json() == {"queryCount": expected}
    items = client.post(f"{BASE}/Companies/query", json=body).json()["items"]
    assert len(items) == expected  # the count and the query agree on what matches


@pytest.mark.usefixtures("companies")
def test_count_of_an_indexed_filter_still_checks_the_rest_of_it(client: httpx.Client) -> None:
    """An equality the index answers, ANDed with a condition it cannot: only the candidates passing both."""
    body = {
        "filter": [
            {"op": "eq", "field": "ownerResourceID", "value": 4},
            {"op": "contains", "field": "companyName", "value": "northwind"},
        ]
    }
    assert client.post(f"{BASE}/Companies/query/count", json=body).json() == {"queryCount": 2}
