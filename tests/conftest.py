"""Shared fixtures: a fresh fake per test and an httpx client routed to it through respx."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, settings

from fake_server import FakeAutotask
from harness.contract.suite import standard_ticket
from harness.rules.state import STABILISING_FIELDS as RULES_STABILISING_FIELDS
from harness.traffic import load_traffic

settings.register_profile(
    "ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.register_profile(
    "dev", max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.register_profile(
    "thorough", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

BASE = "https://webservices19.autotask.net/ATServicesRest/V1.0"
CREDENTIALS = {
    "ApiIntegrationCode": "TEST-INTEGRATION-CODE",
    "UserName": "test-user@example.invalid",
    "Secret": "test-secret-value",
}

# The stabilising fields a ticket PUT copies (the rules' list) and those a PUT must leave as they were.
STABILISING_FIELDS = (
    *RULES_STABILISING_FIELDS,
    "ticketNumber",
    "completedDate",
    "resolvedDateTime",
    "lastTrackedModificationDateTime",
)


class TickingClock:
    """A clock that moves one second per reading, so every change gets a later stamp."""

    def __init__(self, start: datetime = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        self.moment += timedelta(seconds=1)
        return self.moment


def traffic_of(fake: FakeAutotask, steps: Any) -> list[Any]:
    """The exchanges a fake journals while ``steps(http)`` drives it with an httpx client, in-process."""
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        steps(http)
    return load_traffic(fake.journal)


@pytest.fixture
def fake() -> FakeAutotask:
    return FakeAutotask(clock=TickingClock())


@pytest.fixture
def client(fake: FakeAutotask) -> Iterator[httpx.Client]:
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        yield http


@pytest.fixture
def company_id(fake: FakeAutotask) -> int:
    return fake.seed(
        "Companies", {"companyName": "Contoso", "companyType": 1, "ownerResourceID": 4, "phone": "5555550100"}
    )


def ticket_body(company: int, **changes: Any) -> dict[str, Any]:
    """The suite's sample ticket (``standard_ticket``) without the fields most tests do not need."""
    body = standard_ticket(company, title="Printer offline")
    for name in ("ticketType", "assignedResourceID", "organizationalLevelAssociationID"):
        del body[name]
    body.update(changes)
    return body


@pytest.fixture
def ticket_id(fake: FakeAutotask, company_id: int) -> int:
    return fake.seed("Tickets", ticket_body(company_id))


@pytest.fixture
def breach_journal(tmp_path: Path) -> Iterator[Path]:
    """A journal with a rule breach (a PATCH of a ticket) among ordinary reads."""
    fake = FakeAutotask()
    ticket = fake.seed("Tickets", ticket_body(0))
    path = tmp_path / "journal.jsonl"
    fake.journal.stream_to(path)
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        http.get(f"{BASE}/Tickets/{ticket}")
        http.patch(f"{BASE}/Tickets", json={"id": ticket, "title": "patched"})
        http.get(f"{BASE}/Tickets/{ticket}")
    fake.journal.close()
    yield path


# -- webhooks: a client on the fake's transport, a receiver written from Autotask's docs, a company -------------


@pytest.fixture
def http(fake: FakeAutotask) -> Iterator[httpx.Client]:
    with httpx.Client(transport=fake.transport(), headers=CREDENTIALS) as client:
        yield client


@pytest.fixture
def receiver() -> Iterator[Any]:
    from .webhook_receiver import SECRET_KEY, serving

    with serving(SECRET_KEY) as running:
        yield running


@pytest.fixture
def company(fake: FakeAutotask) -> int:
    return fake.seed("Companies", {"companyName": "Contoso", "companyType": 1, "ownerResourceID": 4})
