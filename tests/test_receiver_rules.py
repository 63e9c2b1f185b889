"""The webhook-receiver rules on hand-made traffic: what each flags, and what it leaves alone."""

from __future__ import annotations

import json
from typing import Any

from fake_server import Exchange
from fake_server.webhook_wire import SIGNATURE_HEADER
from harness.rules import RECEIVER, check
from harness.rules.receiver import CALLOUT_HEADER, OTHER_BYTES, SIGNING_LABELS, VALID, WRONG_KEY

API = "http://127.0.0.1:1/ATServicesRest/V1.0"


def callout(sequence: int, signing: str = VALID, status: int = 200, record: int = 7, **extra: Any) -> Exchange:
    headers = {CALLOUT_HEADER: "case"}
    if signing in SIGNING_LABELS:
        headers[SIGNATURE_HEADER] = SIGNING_LABELS[signing]
    body = {"Action": "Update", "Guid": "g", "EntityType": "Ticket", "Id": record, "SequenceNumber": sequence, **extra}
    return Exchange("POST", "http://127.0.0.1:2/", headers, json.dumps(body).encode(), status, b"{}", 0.0, 0.01)


def api(method: str, path: str, body: Any = None) -> Exchange:
    raw = json.dumps(body).encode() if body is not None else b""
    return Exchange(method, f"{API}{path}", {}, raw, 200, b'{"item": {}}')


def broken(*traffic: Exchange) -> list[tuple[str, tuple[int, ...]]]:
    numbered = [e.numbered(n) for n, e in enumerate(traffic, 1)]
    return [(v.rule, v.exchanges) for v in check(numbered, (RECEIVER,))]


def test_a_genuine_callout_that_reads_then_puts_breaks_nothing() -> None:
    assert broken(callout(1), api("GET", "/Tickets/7"), api("PUT", "/Tickets", {"id": 7})) == []


def test_a_put_is_judged_against_reads_since_its_own_callout() -> None:
    traffic = (
        callout(1),
        api("GET", "/Tickets/7"),
        api("PUT", "/Tickets", {"id": 7}),
        callout(2),
        api("PUT", "/Tickets", {"id": 7}),  # the read before callout 2 is stale
    )
    assert broken(*traffic) == [("read-before-put", (4, 5))]


def test_reads_after_a_redelivery_are_not_a_second_action() -> None:
    traffic = (callout(1), api("POST", "/Tickets/7/Notes", {}), callout(1), api("GET", "/Tickets/7"))
    assert broken(*traffic) == []
    traffic = (callout(1), api("POST", "/Tickets/7/Notes", {}), callout(1), api("POST", "/Tickets/7/Notes", {}))
    assert broken(*traffic) == [("act-once-per-event", (1, 3, 4))]


def test_a_query_is_a_read_not_a_write() -> None:
    assert broken(callout(2), callout(1), api("POST", "/Tickets/query", {"filter": []})) == []


def test_an_older_event_for_another_record_is_not_stale() -> None:
    traffic = (callout(5, record=7), callout(4, record=8), api("POST", "/Tickets/8/Notes", {}))
    assert broken(*traffic) == []


def test_a_forged_callout_must_be_refused_and_change_nothing() -> None:
    assert broken(callout(1, WRONG_KEY, status=401)) == []
    assert broken(callout(1, WRONG_KEY, status=200)) == [("refuse-bad-signature", (1,))]
    assert broken(callout(1, WRONG_KEY, status=401), api("GET", "/Tickets/7")) == [("refuse-bad-signature", (1, 2))]
    assert broken(callout(1, OTHER_BYTES, status=204)) == [("verify-raw-body", (1,))]


def test_no_answer_is_a_timeout_not_a_refusal() -> None:
    assert broken(callout(1, status=0)) == [("callout-answered-in-time", (1,))]
    assert broken(callout(1, status=500)) == [("callout-answered-2xx", (1,))]


def test_an_unsigned_deactivation_notice_is_not_a_missing_signature() -> None:
    notice = Exchange(
        "POST", "http://127.0.0.1:2/", {CALLOUT_HEADER: "case"}, b'{"Action":"Deactivated","Guid":"g"}', 200, b""
    )
    assert broken(notice) == []
    assert broken(notice, api("DELETE", "/TicketWebhooks/3")) == [("deactivation-changes-nothing", (1, 2))]
    # Accepting a forgery after the notice is blamed on the notice only if one was refused before it.
    assert ("deactivation-changes-nothing", (2, 3)) in broken(
        callout(1, WRONG_KEY, status=401), notice, callout(2, WRONG_KEY, status=200)
    )
    assert [rule for rule, _ in broken(notice, callout(2, WRONG_KEY, status=200))] == ["refuse-bad-signature"]
