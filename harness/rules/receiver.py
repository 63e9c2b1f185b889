"""The webhook receiver contract's rules (pack ``webhook-receiver``, run by ``autotask-harness webhooks``),
judged over one traffic list.

The traffic holds the callouts the harness sent (each marked with ``X-Harness-Callout``, its signature
replaced by what kind it was) and, after each, the API requests the receiver made before the next one, in the
order they started. So a callout's *effects* are the API exchanges between it and the next callout.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from fake_server import Exchange
from fake_server.face import DEACTIVATED, SIGNATURE_HEADER

from .model import Finding, RuleContext, rule

RECEIVER = "webhook-receiver"
# How the harness records a callout it sent (harness/webhooks/battery.py): this header names its case, and
# X-Hook-Signature is replaced by the kind of signature it carried, so no signature reaches a report.
CALLOUT_HEADER = "X-Harness-Callout"
VALID, WRONG_KEY, OTHER_BYTES, UNSIGNED = "valid", "wrong-key", "other-bytes", "unsigned"
SIGNING_LABELS = {
    VALID: "(valid signature)",
    WRONG_KEY: "(signature made with another key)",
    OTHER_BYTES: "(valid signature of other bytes)",
}
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_LABEL_KIND = {label: kind for kind, label in SIGNING_LABELS.items()}


def is_callout(exchange: Exchange) -> bool:
    return CALLOUT_HEADER in exchange.request_headers


def signing(callout: Exchange) -> str:
    """``valid``, ``wrong-key``, ``other-bytes``, or ``unsigned`` (no header was sent)."""
    label = callout.request_headers.get(SIGNATURE_HEADER)
    return _LABEL_KIND.get(label or "", UNSIGNED)


def payload(callout: Exchange) -> dict[str, Any]:
    body = callout.request_json
    return body if isinstance(body, dict) else {}


def field(callout: Exchange, name: str) -> Any:
    """A payload field as a key can hold it: a scalar as it is, a list or object as its kind (``<list>``),
    so an odd payload is compared and printed without hashing or walking what it nests."""
    value = payload(callout).get(name)
    return value if value is None or isinstance(value, str | int | float) else f"<{type(value).__name__}>"


def is_notice(callout: Exchange) -> bool:
    return bool(field(callout, "Action") == DEACTIVATED)


def accepted(callout: Exchange) -> bool:
    return 200 <= callout.status < 300


def writes(effects: Sequence[Exchange]) -> list[Exchange]:
    """Requests that change the tenant (a POST to ``/query`` only reads)."""
    return [e for e in effects if e.method in WRITES and not (e.segments and e.segments[-1].lower() == "query")]


def callouts(traffic: Sequence[Exchange]) -> Iterator[tuple[Exchange, list[Exchange]]]:
    """Each callout with the API exchanges that followed it."""
    current: Exchange | None = None
    effects: list[Exchange] = []
    for exchange in traffic:
        if is_callout(exchange):
            if current is not None:
                yield current, effects
            current, effects = exchange, []
        elif current is not None:
            effects.append(exchange)
    if current is not None:
        yield current, effects


def _event(callout: Exchange) -> str:
    action, entity, number = (field(callout, name) for name in ("Action", "EntityType", "Id"))
    return f"{action} of {entity} {number} (#{field(callout, 'SequenceNumber')})"


def _refusal(callout: Exchange, effects: list[Exchange], why: str) -> list[Finding]:
    found = []
    if accepted(callout):
        found.append(Finding(f"{why} was accepted ({callout.status})", (callout.position,)))
    if effects:
        found.append(
            Finding(
                f"{why} led to {len(effects)} API request(s)",
                (callout.position, *(e.position for e in effects)),
            )
        )
    return found


@rule(
    "callout-answered-2xx",
    "A genuine callout (signed with the webhook's key) is answered with a 2xx.",
    "DOCS Webhooks_Error_Handling.htm (only a 2xx is a delivery; anything else is retried)",
    RECEIVER,
)
def answered_2xx(traffic: Sequence[Exchange], context: RuleContext) -> list[Finding]:
    return [
        Finding(f"the genuine callout {_event(c)} was answered {c.status}", (c.position,))
        for c, _ in callouts(traffic)
        if signing(c) == VALID and c.status and not accepted(c) and b"\\u" not in c.request_body
    ]


@rule(
    "callout-answered-in-time",
    "Every callout is answered within the timeout (Autotask waits 10 s).",
    "DOCS Webhooks_Error_Handling.htm (10 s timeout, retry after 30 s)",
    RECEIVER,
)
def answered_in_time(traffic: Sequence[Exchange], context: RuleContext) -> list[Finding]:
    return [
        Finding(f"no answer to {_event(c)} within {c.duration:.1f} s", (c.position,))
        for c, _ in callouts(traffic)
        if c.status == 0
    ]


@rule(
    "refuse-bad-signature",
    "A callout whose X-Hook-Signature does not sign its body is refused (not 2xx) and leads to no API request.",
    "DOCS SecretKeyPayloadVerification.htm",
    RECEIVER,
)
def refuse_bad_signature(traffic: Sequence[Exchange], context: RuleContext) -> list[Finding]:
    found: list[Finding] = []
    for callout, effects in callouts(traffic):
        if signing(callout) == WRONG_KEY:
            found += _refusal(callout, effects, f"{_event(callout)} signed with another key")
    return found


@rule(
    "refuse-missing-signature",
    "A callout without X-Hook-Signature (other than a deactivation notice) is refused and leads to no API request.",
    "CLIENT msoukhomlinov/n8n-nodes-autotask AutotaskTrigger.node.ts (fail closed; GHSA-hh59-fgrr-93hf, PR #95)",
    RECEIVER,
)
def refuse_missing_signature(traffic: Sequence[Exchange], context: RuleContext) -> list[Finding]:
    found: list[Finding] = []
    for callout, effects in callouts(traffic):
        if signing(callout) == UNSIGNED and not is_notice(callout):
            found += _refusal(callout, effects, f"{_event(callout)} without a signature")
    return found


@rule(
    "verify-raw-body",
    "The signature is checked over the raw bytes: a signed body with characters Autotask escapes is accepted, "
    "and the same JSON in other bytes is refused.",
    "CLIENT msoukhomlinov/n8n-nodes-autotask helpers/webhook/signature.ts, issue #6",
    RECEIVER,
)
def verify_raw_body(traffic: Sequence[Exchange], context: RuleContext) -> list[Finding]:
    found: list[Finding] = []
    for callout, effects in callouts(traffic):
        if signing(callout) == OTHER_BYTES:
            found += _refusal(callout, effects, f"{_event(callout)} re-ordered after signing")
        elif signing(callout) == VALID and b"\\u" in callout.request_body and callout.status and not accepted(callout):
            found.append(
                Finding(
                    f"the genuine callout {_event(callout)}, whose body has \\u escapes, was refused "
                    f"({callout.status}): was the body re-serialised before the signature was checked?",
                    (callout.position,),
                )
            )
    return found


@rule(
    "act-once-per-event",
    "An event delivered again (same Guid and SequenceNumber) leads to no second write.",
    "DOCS Webhooks_Error_Handling.htm (retries); INFERRED event identity, see harness/webhooks/battery.py",
    RECEIVER,
)
def act_once(traffic: Sequence[Exchange], context: RuleContext) -> list[Finding]:
    seen: dict[tuple[Any, Any], int] = {}
    found: list[Finding] = []
    for callout, effects in callouts(traffic):
        if signing(callout) != VALID or is_notice(callout):
            continue
        key = (field(callout, "Guid"), field(callout, "SequenceNumber"))
        again = writes(effects)
        if key in seen and again:
            found.append(
                Finding(
                    f"{_event(callout)} delivered again (first at #{seen[key]}) led to {len(again)} more write(s)",
                    (seen[key], callout.position, *(e.position for e in again)),
                )
            )
        seen.setdefault(key, callout.position)
    return found


@rule(
    "ignore-stale-event",
    "An event older (lower SequenceNumber) than one already delivered for the same record leads to no write.",
    "INFERRED from SequenceNumber (n8n types/webhook.ts) and retries (DOCS Webhooks_Error_Handling.htm)",
    RECEIVER,
)
def ignore_stale(traffic: Sequence[Exchange], context: RuleContext) -> list[Finding]:
    newest: dict[tuple[Any, Any, Any], tuple[int, int]] = {}
    found: list[Finding] = []
    for callout, effects in callouts(traffic):
        number = field(callout, "SequenceNumber")
        if signing(callout) != VALID or not isinstance(number, int):
            continue
        key = (field(callout, "Guid"), field(callout, "EntityType"), field(callout, "Id"))
        if key in newest and number < newest[key][0] and writes(effects):
            found.append(
                Finding(
                    f"{_event(callout)} arrived after #{newest[key][0]} and still led to writes",
                    (newest[key][1], callout.position, *(e.position for e in writes(effects))),
                )
            )
        if key not in newest or number > newest[key][0]:
            newest[key] = (number, callout.position)
    return found


@rule(
    "deactivation-changes-nothing",
    "An (unsigned) deactivation notice leads to no API request and does not switch signature checks off.",
    "CLIENT msoukhomlinov/n8n-nodes-autotask GHSA-hh59-fgrr-93hf, PR #95",
    RECEIVER,
)
def deactivation_changes_nothing(traffic: Sequence[Exchange], context: RuleContext) -> list[Finding]:
    found: list[Finding] = []
    notice: Exchange | None = None
    refused_before = False  # a forgery refused before the notice: verification was on
    for callout, effects in callouts(traffic):
        forged = signing(callout) != VALID and not is_notice(callout)
        if is_notice(callout):
            notice = callout
            if effects:
                found.append(
                    Finding(
                        f"the deactivation notice led to {len(effects)} API request(s); anyone can send one",
                        (callout.position, *(e.position for e in effects)),
                    )
                )
        elif forged and notice is None:
            refused_before = refused_before or not (accepted(callout) or effects)
        elif forged and refused_before and (accepted(callout) or effects):
            found.append(
                Finding(
                    f"after the deactivation notice, {_event(callout)} with a {signing(callout)} signature "
                    "was accepted, where one was refused before it: the notice switched verification off",
                    (notice.position, callout.position) if notice else (callout.position,),
                )
            )
    return found


def _record(exchange: Exchange) -> tuple[str, str] | None:
    """``(entity, id)`` of a GET of one record, or of a PUT/PATCH body."""
    if exchange.method == "GET" and len(exchange.segments) == 2 and exchange.segments[1].isdigit():
        return exchange.entity, exchange.segments[1]
    body = exchange.request_json
    if exchange.method in ("PUT", "PATCH") and isinstance(body, dict) and "id" in body:
        target = body["id"]
        return exchange.entity, str(target) if target is None or isinstance(target, str | int | float) else "?"
    return None


@rule(
    "read-before-put",
    "Each PUT a callout leads to follows a GET of that record made after the callout arrived.",
    "Postman contract §2 (GET before PUT): a callout means the record just changed, so an earlier read is stale",
    RECEIVER,
)
def read_before_put(traffic: Sequence[Exchange], context: RuleContext) -> list[Finding]:
    found: list[Finding] = []
    for callout, effects in callouts(traffic):
        read: set[tuple[str, str]] = set()
        for exchange in effects:
            target = _record(exchange)
            if exchange.method == "GET" and target:
                read.add(target)
            elif exchange.method == "PUT" and target and target not in read:
                found.append(
                    Finding(
                        f"PUT of {target[0]} {target[1]} after {_event(callout)} without reading it since",
                        (callout.position, exchange.position),
                    )
                )
    return found
