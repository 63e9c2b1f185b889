"""A client's session with a fresh tenant of the fake, the steps it takes, and the clock the journal reads.

The generated workflows (``tests/workflows.py``) and breaches (``tests/breaches.py``) are lists of ``Step``
run in a ``Session``: an httpx client on the fake's in-process transport, a main ticket, a ticket with two
pages of notes, and a virtual clock, so a client that waits two seconds after a 429 costs nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

import httpx

import fake_server.fake as fake_module
from fake_server import Exchange, FakeAutotask, TenantProfile
from fake_server.webhook_wire import SIGNATURE_HEADER, callout_body
from harness.rules import RuleContext
from harness.rules.receiver import CALLOUT_HEADER, SIGNING_LABELS
from harness.traffic import load_traffic

from .conftest import BASE, CREDENTIALS, ticket_body

ROOT = BASE.split("/ATServicesRest")[0]
CONTEXT = RuleContext.for_profile(TenantProfile.load("default"))
PAGED_NOTES = 501  # one full page of 500 and one more: enough for a nextPageUrl
RECEIVER_URL = "http://127.0.0.1:9/autotask-webhook"  # never dialled: callouts are crafted, not sent
NOTE = {"title": "Called the customer", "description": "Printer back online.", "noteType": 1, "publish": 1}


class VirtualTime:
    """Stands in for the ``time`` module the fake stamps its journal with: a client's wait moves it on."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def time(self) -> float:
        self.now += 0.001  # every reading is a little later, as real requests are
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Session:
    """One client's connection to a fresh tenant: a main ticket, a ticket with two pages of notes, a clock."""

    fake: FakeAutotask
    http: httpx.Client
    clock: VirtualTime
    main: int = 0
    paged: int = 0
    # Callouts the harness would have sent to a receiver, each with how many API exchanges came before it:
    # no client sends them through the fake, so they are crafted and woven into the journal (``traffic``).
    crafted: list[tuple[int, Exchange]] = field(default_factory=list)
    sequence: int = 0

    def callout(self, payload: dict[str, Any], signing: str, status: int, body: bytes | None = None) -> None:
        """Record a callout with the signature kind it carried and the receiver's answer (0: none in 10 s)."""
        headers = {"Content-Type": "application/json", CALLOUT_HEADER: "generated"}
        if signing in SIGNING_LABELS:
            headers[SIGNATURE_HEADER] = SIGNING_LABELS[signing]
        started = self.clock.time()
        duration = 10.0 if status == 0 else 0.05
        self.clock.sleep(duration)
        sent = body if body is not None else callout_body(payload)
        exchange = Exchange("POST", RECEIVER_URL, headers, sent, status, b"", started, duration)
        self.crafted.append((len(self.fake.journal), exchange))

    def next_sequence(self) -> int:
        self.sequence += 1
        return self.sequence

    def traffic(self) -> list[Exchange]:
        """The fake's journal with the crafted callouts woven in where they happened, numbered from 1."""
        journal = list(self.fake.journal)
        woven: list[Exchange] = []
        taken = 0
        for at, exchange in self.crafted:  # recorded in order, so ``at`` never decreases
            woven.extend(journal[taken:at])
            woven.append(exchange)
            taken = at
        woven.extend(journal[taken:])
        return load_traffic(woven)

    def seed_ticket(self, **changes: Any) -> tuple[int, str]:
        """A ticket put straight into the tenant (no traffic), with its number."""
        ticket = self.fake.seed("Tickets", ticket_body(0, **changes))
        record = self.fake.get("Tickets", ticket)
        assert record is not None
        return ticket, str(record["ticketNumber"])

    def read(self, ticket: int) -> dict[str, Any]:
        item: dict[str, Any] = self.http.get(f"{BASE}/Tickets/{ticket}").json()["item"]
        return item

    def lookup(self, number: str, how: str = "POST") -> int:
        """Ticket number -> id by query (the Postman contract §1)."""
        model = {"filter": [{"op": "eq", "field": "ticketNumber", "value": number}]}
        if how == "GET":
            answer = self.http.get(f"{BASE}/Tickets/query", params={"search": json.dumps(model)})
        else:
            answer = self.http.post(f"{BASE}/Tickets/query", json=model)
        return int(answer.json()["items"][0]["id"])


@contextmanager
def session(fake: FakeAutotask) -> Iterator[Session]:
    """A fresh tenant on ``fake`` (reset, not rebuilt: rebuilding costs more than a workflow) and a client."""
    fake.reset()
    clock = VirtualTime()
    with (
        mock.patch.object(fake_module, "time", clock),
        httpx.Client(headers=CREDENTIALS, transport=fake.transport()) as http,
    ):
        live = Session(fake, http, clock)
        live.main, _ = live.seed_ticket()
        live.paged, _ = live.seed_ticket(title="Noisy ticket")
        for n in range(PAGED_NOTES):
            fake.seed("TicketNotes", {**NOTE, "ticketID": live.paged, "title": f"note {n}"})
        fake.journal.clear()
        yield live


@dataclass(frozen=True)
class Step:
    """One thing a client does; ``label`` names it in reports."""

    label: str
    run: Callable[[Session], Any]

    def __repr__(self) -> str:
        return self.label

    @property
    def kind(self) -> str:
        """The first word of the label: ``PUT``, ``status``, ``paging:``..."""
        return self.label.split(" ")[0]
