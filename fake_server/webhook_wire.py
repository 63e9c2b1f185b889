"""The bytes of an Autotask webhook callout and its ``X-Hook-Signature``: one module both sides share.

The fake's webhook delivery writes its callouts with ``callout_body`` and signs them with ``signature``; the
receiver contract (``harness/webhook_*``) sends the same bytes; a receiver may copy ``verify``.

Evidence:

- Signature: DOCS SecretKeyPayloadVerification.htm: ``X-Hook-Signature: sha1=`` + base64 of the HMAC-SHA1 of
  the payload under the webhook's ``SecretKey`` (the docs' example: ``sha1=UaDXFl2DRDu9dnINVkFle7y5uAE=``).
- Escaping: CLIENT msoukhomlinov/n8n-nodes-autotask ``nodes/Autotask/helpers/webhook/signature.ts``
  (``customEscapeJsonStrings``) rebuilds the signed text by escaping, inside JSON strings, ``& < > ' " ` +`` and
  every character above 127 as ``\\uXXXX`` with upper-case hex, one escape per UTF-16 code unit; a ``\\"`` of
  plain JSON becomes ``\\u0022`` and a ``\\\\`` stays ``\\\\``. Its issue #6 ("Invalid webhook signature") is
  what re-serialising without that escaping costs. That set is exactly what .NET's System.Text.Json default
  encoder escapes (INFERRED: Autotask serialises with it), so the control characters follow that encoder too:
  ``\\b \\t \\n \\f \\r`` short, the rest of 0x00-0x1F and 0x7F as ``\\u00XX``.
- Layout: compact (no spaces), keys in the payload's own order; n8n's check re-serialises with
  ``JSON.stringify`` (compact, insertion order) before escaping, which only matches if Autotask's bytes are
  compact and ordered as the payload is (CLIENT, same file and ``AutotaskTrigger.node.ts``).
- Payload keys and order: ``Action`` (Create/Update/Delete), ``Guid``, ``EntityType``, ``Id``, ``Fields``,
  ``EventTime``, ``SequenceNumber``, ``PersonID`` (CLIENT n8n ``types/webhook.ts``
  ``IAutotaskRawWebhookPayload``; DOCS nango.dev Autotask webhooks lists the same keys, spelling ``PersonId``).
  ``Guid`` names the webhook, not the event (Nango routes connections by it).
- Deactivation notices carry ``Action: "Deactivated"``, no entity, and no signature (CLIENT n8n
  ``AutotaskTrigger.node.ts``: acknowledged before HMAC verification; advisory GHSA-hh59-fgrr-93hf, PR #95:
  a receiver that trusted one could be made to drop verification).
- Dates: ISO 8601 UTC with a ``Z`` and at most seven fractional digits, trailing zeros dropped, as .NET's
  round-trip format writes a ``DateTime`` (INFERRED); ``None`` is ``null``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

SIGNATURE_HEADER = "X-Hook-Signature"
SIGNATURE_PREFIX = "sha1="
ACTIONS = ("Create", "Update", "Delete")
DEACTIVATED = "Deactivated"

# Escaped inside strings as \uXXXX although JSON would allow them raw (n8n signature.ts escapeMap).
_HTML_SENSITIVE = frozenset("&<>'\"`+")
_SHORT = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", "\\": "\\\\"}


def _escape_string(text: str) -> str:
    out: list[str] = ['"']
    for char in text:
        code = ord(char)
        if char in _SHORT:
            out.append(_SHORT[char])
        elif char in _HTML_SENSITIVE or code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        elif code > 0xFFFF:
            # One escape per UTF-16 code unit, as JavaScript's charCodeAt (n8n) and .NET see the string.
            high, low = divmod(code - 0x10000, 0x400)
            out.append(f"\\u{0xD800 + high:04X}\\u{0xDC00 + low:04X}")
        elif code > 0x7F:
            out.append(f"\\u{code:04X}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _format_datetime(value: datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    ticks = f"{value.microsecond:06d}0".rstrip("0")
    return f"{text}.{ticks}Z" if ticks else f"{text}Z"


def _write(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(str(value))
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("a callout cannot carry NaN or infinity")
        out.append(repr(value))
    elif isinstance(value, str):
        out.append(_escape_string(value))
    elif isinstance(value, datetime):
        out.append(_escape_string(_format_datetime(value)))
    elif isinstance(value, Mapping):
        out.append("{")
        for index, (key, item) in enumerate(value.items()):
            if index:
                out.append(",")
            out.append(_escape_string(str(key)))
            out.append(":")
            _write(item, out)
        out.append("}")
    elif isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _write(item, out)
        out.append("]")
    else:
        raise TypeError(f"a callout cannot carry a {type(value).__name__}")


def callout_body(payload: Mapping[str, Any]) -> bytes:
    """The exact bytes Autotask POSTs for ``payload``: compact JSON in the payload's key order, strings
    escaped as .NET escapes them (see the module docstring), encoded as UTF-8 (all ASCII after escaping)."""
    out: list[str] = []
    _write(payload, out)
    return "".join(out).encode("ascii")


def callout_payload(
    action: str,
    guid: str,
    entity_type: str,
    entity_id: int,
    fields: Mapping[str, Any],
    event_time: datetime | str,
    sequence_number: int,
    person_id: int | None,
) -> dict[str, Any]:
    """A callout payload with Autotask's keys in Autotask's order (n8n ``IAutotaskRawWebhookPayload``)."""
    if action not in ACTIONS:
        raise ValueError(f"action must be one of {', '.join(ACTIONS)}, not {action!r}")
    return {
        "Action": action,
        "Guid": guid,
        "EntityType": entity_type,
        "Id": entity_id,
        "Fields": dict(fields),
        "EventTime": event_time,
        "SequenceNumber": sequence_number,
        "PersonID": person_id,
    }


def deactivation_payload(guid: str, event_time: datetime | str) -> dict[str, Any]:
    """The notice sent (unsigned) when a webhook is deactivated or deleted. Only ``Action`` is attested (n8n
    checks ``Action == "Deactivated"`` and nothing else); ``Guid`` and ``EventTime`` are INFERRED from the
    callout shape."""
    return {"Action": DEACTIVATED, "Guid": guid, "EventTime": event_time}


def signature(secret_key: str, body: bytes) -> str:
    """The ``X-Hook-Signature`` value for ``body``: ``sha1=`` + base64(HMAC-SHA1(secret key, body))."""
    digest = hmac.new(secret_key.encode("utf-8"), body, hashlib.sha1).digest()
    return SIGNATURE_PREFIX + base64.b64encode(digest).decode("ascii")


def verify(secret_key: str, body: bytes, header: str | None) -> bool:
    """Whether ``header`` (the received ``X-Hook-Signature``) signs ``body``, the raw request bytes exactly
    as received. Copy this into a receiver: verify before parsing, never over a re-serialised body, and treat
    a missing header as a failure. The comparison takes constant time."""
    if not header or not secret_key:
        return False
    return hmac.compare_digest(signature(secret_key, body).encode("ascii"), header.strip().encode("ascii", "replace"))
