"""The callouts the receiver contract sends: each case a few deliveries about tickets seeded in the fake.

A delivery is the exact bytes Autotask would POST (``fake_server.webhook_wire``) with an ``X-Hook-Signature``
that is right, wrong, missing, or right for other bytes. What the report keeps of a delivery is
``recorded_headers``: the signature is replaced by what kind it was (``SIGNING_LABELS``), so the secret key and
the signatures made with it never reach a report, while the rules can still tell which callouts were genuine.

Why duplicates are judged by ``(Guid, SequenceNumber)``: ``Guid`` names the webhook, not the event (nango.dev
Autotask webhooks routes a connection by it; n8n-nodes-autotask ``types/webhook.ts`` documents it beside
``SequenceNumber``, "incremental counter for webhook events"), so one webhook's events differ by their
sequence number, and a redelivery (Autotask retries a callout that got no 2xx within 10 s, 30 s later, DOCS
Webhooks_Error_Handling.htm) repeats both. For the same reason an event whose sequence number is below one
already delivered for the same record is stale: it arrived late, after a retry (INFERRED).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fake_server import ApiRequest, FakeAutotask
from fake_server.face import (
    SIGNATURE_HEADER,
    callout_body,
    callout_payload,
    deactivation_payload,
    signature,
)
from harness.contract.tenant_values import TenantValues
from harness.rules.receiver import CALLOUT_HEADER, OTHER_BYTES, SIGNING_LABELS, UNSIGNED, VALID, WRONG_KEY

GUID = "0e4c1f5a-7d2b-4c8e-9a61-3b5d2f8e4a17"  # the webhook's WebhookGUID (one webhook sends the battery)
ENTITY_TYPE = "Ticket"  # n8n maps "Ticket" to Tickets; Nango's table gives "Ticket" as the example
PERSON_ID = 29682899  # a resource of the default tenant (who made the change)
# Every character class Autotask escapes (webhook_wire), in a ticket title a receiver has to accept.
ESCAPED_TITLE = 'Café & <Ops> "urgent" + it\'s `now` \U0001f600'
WRONG_KEY_VALUE = "not-the-webhook-secret-key"
ZONE = "https://webservices19.autotask.net"
USER_HEADERS = (("UserName", "someone@example.invalid"), ("Secret", "ui-session"), ("ApiIntegrationCode", "UI"))


@dataclass(frozen=True)
class Delivery:
    """One POST to the receiver. ``before`` runs on the fake first (a user changing the ticket, which is what
    makes Autotask call out); ``header`` is the signature sent, never recorded."""

    payload: dict[str, Any]
    body: bytes
    signing: str
    header: str | None
    before: Callable[[FakeAutotask], None] | None = None

    def sent_headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        if self.header is not None:
            headers[SIGNATURE_HEADER] = self.header
        return headers

    def recorded_headers(self, case: str) -> dict[str, str]:
        headers = {"Content-Type": "application/json", CALLOUT_HEADER: case}
        if self.signing in SIGNING_LABELS:
            headers[SIGNATURE_HEADER] = SIGNING_LABELS[self.signing]
        return headers


@dataclass(frozen=True)
class Case:
    name: str
    summary: str
    deliveries: tuple[Delivery, ...] = field(default_factory=tuple)


class _Builder:
    def __init__(self, fake: FakeAutotask, secret_key: str) -> None:
        self.fake = fake
        self.secret_key = secret_key
        self.values = TenantValues(fake)

    def ticket(self, **changes: Any) -> int:
        return self.fake.seed("Tickets", {**self.values.ticket(), **changes})

    def payload(self, ticket: int, sequence: int, fields: dict[str, Any]) -> dict[str, Any]:
        now = datetime.now(UTC)
        return callout_payload("Update", GUID, ENTITY_TYPE, ticket, fields, now, sequence, PERSON_ID)

    def fields(self, ticket: int) -> dict[str, Any]:
        record = self.fake.get("Tickets", ticket) or {}
        return {"title": record.get("title"), "status": record.get("status")}

    def delivery(
        self,
        payload: dict[str, Any],
        signing: str = VALID,
        before: Callable[[FakeAutotask], None] | None = None,
    ) -> Delivery:
        body = callout_body(payload)
        if signing == VALID:
            header: str | None = signature(self.secret_key, body)
        elif signing == WRONG_KEY:
            header = signature(WRONG_KEY_VALUE, body)
        elif signing == OTHER_BYTES:
            # Same payload, keys in another order: equal once parsed, but not the bytes that were signed.
            header = signature(self.secret_key, body)
            body = callout_body(dict(reversed(list(payload.items()))))
        else:
            header = None
        return Delivery(payload, body, signing, header, before)


def _retitle(ticket: int, title: str) -> Callable[[FakeAutotask], None]:
    """A user retitles the ticket (a full PUT, as the UI would save it). The runner leaves this exchange out
    of the receiver's traffic: it is the change the callout reports, not something the receiver did."""

    def change(fake: FakeAutotask) -> None:
        record = fake.get("Tickets", ticket)
        assert record is not None
        body = json.dumps({**record, "title": title}).encode()
        headers = (("Content-Type", "application/json"), *USER_HEADERS)
        answer = fake.handle(ApiRequest("PUT", f"{ZONE}/ATServicesRest/V1.0/Tickets", headers, body))
        assert answer.status == 200, answer.body

    return change


def battery(fake: FakeAutotask, secret_key: str) -> list[Case]:
    """Seed one ticket per case in ``fake`` and build the callouts about them, sequence numbers rising."""
    make = _Builder(fake, secret_key)
    sequence = iter(range(1, 100))
    cases: list[Case] = []

    def update(ticket: int, signing: str = VALID, number: int | None = None) -> Delivery:
        seq = number if number is not None else next(sequence)
        return make.delivery(make.payload(ticket, seq, make.fields(ticket)), signing)

    cases.append(Case("valid callout", "a signed ticket update", (update(make.ticket()),)))
    cases.append(Case("bad signature", "signed with another key", (update(make.ticket(), WRONG_KEY),)))
    cases.append(Case("missing signature", "no X-Hook-Signature header", (update(make.ticket(), UNSIGNED),)))
    cases.append(
        Case(
            "re-ordered body",
            "the keys re-ordered after signing: the same JSON, other bytes",
            (update(make.ticket(), OTHER_BYTES),),
        )
    )
    cases.append(
        Case(
            "escaped characters",
            "a title with & < > \" ' + ` and non-ASCII, escaped as Autotask escapes them",
            (update(make.ticket(title=ESCAPED_TITLE)),),
        )
    )
    twice = update(make.ticket())
    cases.append(Case("duplicate delivery", "the same event delivered twice (a retry)", (twice, twice)))
    late = make.ticket()
    first, second = next(sequence), next(sequence)
    cases.append(
        Case(
            "out-of-order sequence",
            "a newer event, then an older one for the same ticket",
            (update(late, number=second), update(late, number=first)),
        )
    )
    changed = make.ticket()
    first_event = update(changed)
    retitle = _retitle(changed, "Printer offline: toner replaced")
    second_payload = make.payload(
        changed, next(sequence), {**make.fields(changed), "title": "Printer offline: toner replaced"}
    )
    cases.append(
        Case(
            "fresh read",
            "two events for one ticket, changed by a user in between",
            (first_event, make.delivery(second_payload, VALID, before=retitle)),
        )
    )
    notice = deactivation_payload(GUID, datetime.now(UTC))
    cases.append(
        Case(
            "deactivation notice",
            "a callout signed with another key, the unsigned notice, then another such callout",
            (update(make.ticket(), WRONG_KEY), make.delivery(notice, UNSIGNED), update(make.ticket(), WRONG_KEY)),
        )
    )
    return cases
