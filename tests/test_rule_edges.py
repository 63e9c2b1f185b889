"""Edges of three contract rules a mutation run found untested: each breach fires, each lawful twin stays quiet."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from fake_server import FakeAutotask
from harness.rules import REGISTRY
from harness.traffic import load_traffic

from .conftest import BASE, CREDENTIALS, ticket_body

Step = Callable[[httpx.Client, int], Any]


def _fired(rule_id: str, step: Step) -> bool:
    fake = FakeAutotask()
    ticket = fake.seed("Tickets", ticket_body(0))
    fake.journal.clear()
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        step(http, ticket)
    return bool(REGISTRY[rule_id].run(load_traffic(fake.journal)))


@pytest.mark.parametrize(
    ("rule_id", "step", "fires"),
    [
        # Postman contract §7: notes go to /Tickets/{id}/Notes; the TicketNotes entity's name under the ticket, singular
        # or plural, is a 404 in the API.
        ("notes-via-ticket", lambda http, t: http.post(f"{BASE}/Tickets/{t}/TicketNote", json={"title": "n"}), True),
        ("notes-via-ticket", lambda http, t: http.post(f"{BASE}/Tickets/{t}/TicketNotes", json={"title": "n"}), True),
        ("notes-via-ticket", lambda http, t: http.post(f"{BASE}/Tickets/{t}/Notes", json={"title": "n"}), False),
        # seed 000: a create sends no id, or 0; "0" is 0 to the API's reader.
        ("create-without-id", lambda http, t: http.post(f"{BASE}/ContactGroups", json={"id": "0", "name": "g"}), False),
        ("create-without-id", lambda http, t: http.post(f"{BASE}/ContactGroups", json={"id": 0, "name": "g"}), False),
        ("create-without-id", lambda http, t: http.post(f"{BASE}/ContactGroups", json={"id": "7", "name": "g"}), True),
        # A comparison without its value: noteq as much as eq.
        (
            "filter-values-given",
            lambda http, t: http.post(f"{BASE}/Tickets/query", json={"filter": [{"op": "noteq", "field": "status"}]}),
            True,
        ),
        (
            "filter-values-given",
            lambda http, t: http.post(
                f"{BASE}/Tickets/query", json={"filter": [{"op": "noteq", "field": "status", "value": 5}]}
            ),
            False,
        ),
    ],
)
def test_rule_edge(rule_id: str, step: Step, fires: bool) -> None:
    assert _fired(rule_id, step) is fires


@pytest.mark.parametrize("op", ["eq", "noteq"])
def test_a_null_comparison_is_told_to_ask_with_exist(op: str) -> None:
    """eq or noteq without a value answers 200 in production, selecting rows nobody can name: the finding says
    so and points at exist/notExist, for noteq as for eq."""
    fake = FakeAutotask()
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        http.post(f"{BASE}/Tickets/query", json={"filter": [{"op": op, "field": "status"}]})
    [finding] = REGISTRY["filter-values-given"].run(load_traffic(fake.journal))
    assert finding.message.startswith(f"{op} on status") and "exist/notExist" in finding.message
