"""Webhook callouts to a receiver, legal and breached, for the generated precision test.

The receiver rules (pack ``webhook-receiver``) judge callouts the harness sends and the API requests the
receiver makes after each. No client sends a callout through the fake, so the callouts here are crafted
exchanges (as ``autotask-harness webhooks`` records them: the signature replaced by its kind); what the
receiver does after one is real traffic through the fake. Each breach breaks one receiver rule and no other.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from fake_server.webhook_wire import callout_body, callout_payload, deactivation_payload
from harness.rules.receiver import OTHER_BYTES, UNSIGNED, VALID, WRONG_KEY

from .conftest import BASE
from .workflow_session import Session, Step

GUID = "0e4c1f5a-7d2b-4c8e-9a61-3b5d2f8e4a17"
EVENT_TIME = "2026-12-07T09:00:00.000Z"


def _payload(s: Session, ticket: int, sequence: int | None = None, title: str = "Printer offline") -> dict[str, Any]:
    number = sequence if sequence is not None else s.next_sequence()
    return callout_payload("Update", GUID, "Ticket", ticket, {"title": title}, EVENT_TIME, number, 29682899)


def _react(s: Session, ticket: int) -> None:
    """What a receiver does with a genuine callout: read the ticket afresh, then write it whole."""
    item = s.read(ticket)
    assert s.http.put(f"{BASE}/Tickets", json={**item, "priority": 1}).status_code == 200


def _reordered(payload: dict[str, Any]) -> bytes:
    """The same JSON in other bytes than those signed (a receiver that re-serialises checks these)."""
    return callout_body(dict(reversed(list(payload.items()))))


@st.composite
def callout_step(draw: st.DrawFn) -> Step:
    """A receiver keeping the contract: genuine callouts answered 2xx (escapes and all) and acted on once,
    in order; forged, unsigned and re-serialised ones refused with nothing done; notices answered, ignored."""
    how = draw(
        st.sampled_from(
            ["genuine", "genuine, escaped", "wrong key", "unsigned", "other bytes", "notice", "again", "stale"]
        )
    )
    refusal = draw(st.sampled_from([401, 403]))

    def run(s: Session) -> None:
        ticket, _ = s.seed_ticket()
        if how in ("genuine", "genuine, escaped"):
            title = "Café & <Ops>" if how.endswith("escaped") else "Printer offline"
            s.callout(_payload(s, ticket, title=title), VALID, 200)
            _react(s, ticket)
        elif how in ("wrong key", "unsigned"):
            s.callout(_payload(s, ticket), WRONG_KEY if how == "wrong key" else UNSIGNED, refusal)
        elif how == "other bytes":
            payload = _payload(s, ticket)
            s.callout(payload, OTHER_BYTES, refusal, body=_reordered(payload))
        elif how == "notice":
            s.callout(deactivation_payload(GUID, EVENT_TIME), UNSIGNED, 200)
        elif how == "again":  # the same event delivered twice: acted on once
            payload = _payload(s, ticket)
            s.callout(payload, VALID, 200)
            _react(s, ticket)
            s.callout(payload, VALID, 200)
        else:  # an older event after a newer one about the same ticket: answered, not acted on
            older, newer = s.next_sequence(), s.next_sequence()
            s.callout(_payload(s, ticket, newer), VALID, 200)
            _react(s, ticket)
            s.callout(_payload(s, ticket, older), VALID, 200)

    return Step(f"callout: {how}", run)


def receiver_workflows() -> st.SearchStrategy[list[Step]]:
    """A receiver's traffic: callouts and what it did after each. The receiver rules count every API request
    after a callout as its effect, so these are judged apart from the client workflows."""
    return st.lists(callout_step(), min_size=1, max_size=5)


def _breach(label: str, run: Any) -> st.SearchStrategy[Step]:
    return st.just(Step(f"callout: {label}", run))


def _answered_500(s: Session) -> None:
    s.callout(_payload(s, s.seed_ticket()[0]), VALID, 500)


def _no_answer(s: Session) -> None:
    s.callout(_payload(s, s.seed_ticket()[0]), VALID, 0)


def _forgery_accepted(s: Session) -> None:
    s.callout(_payload(s, s.seed_ticket()[0]), WRONG_KEY, 200)


def _unsigned_accepted(s: Session) -> None:
    s.callout(_payload(s, s.seed_ticket()[0]), UNSIGNED, 200)


def _reserialised(s: Session) -> None:
    # Checked over re-serialised JSON: the escaped body Autotask signed no longer matches, so it is refused.
    s.callout(_payload(s, s.seed_ticket()[0], title="Café & <Ops>"), VALID, 401)


def _acted_twice(s: Session) -> None:
    ticket, _ = s.seed_ticket()
    payload = _payload(s, ticket)
    for _ in range(2):
        s.callout(payload, VALID, 200)
        _react(s, ticket)


def _stale_acted_on(s: Session) -> None:
    ticket, _ = s.seed_ticket()
    older, newer = s.next_sequence(), s.next_sequence()
    for number in (newer, older):
        s.callout(_payload(s, ticket, number), VALID, 200)
        _react(s, ticket)


def _notice_acted_on(s: Session) -> None:
    ticket, _ = s.seed_ticket()
    s.callout(deactivation_payload(GUID, EVENT_TIME), UNSIGNED, 200)
    s.read(ticket)


def _put_of_an_earlier_read(s: Session) -> None:
    ticket, _ = s.seed_ticket()
    s.callout(_payload(s, ticket), VALID, 200)
    item = s.read(ticket)
    s.callout(_payload(s, ticket), VALID, 200)  # the ticket changed again: the read above is stale
    s.http.put(f"{BASE}/Tickets", json={**item, "priority": 1})


RECEIVER_BREACHES: dict[str, st.SearchStrategy[Step]] = {
    "callout-answered-2xx": _breach("genuine, answered 500", _answered_500),
    "callout-answered-in-time": _breach("genuine, no answer in 10 s", _no_answer),
    "refuse-bad-signature": _breach("wrong key, accepted", _forgery_accepted),
    "refuse-missing-signature": _breach("unsigned, accepted", _unsigned_accepted),
    "verify-raw-body": _breach("escaped body refused", _reserialised),
    "act-once-per-event": _breach("same event acted on twice", _acted_twice),
    "ignore-stale-event": _breach("older event acted on", _stale_acted_on),
    "deactivation-changes-nothing": _breach("notice followed by a request", _notice_acted_on),
    "read-before-put": _breach("PUT of a read made before the callout", _put_of_an_earlier_read),
}
