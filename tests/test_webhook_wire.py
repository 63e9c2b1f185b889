"""The callout bytes and signature match what a published receiver (n8n-nodes-autotask) computes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from fake_server.webhook_wire import (
    callout_body,
    callout_payload,
    deactivation_payload,
    signature,
    verify,
)

KEY = "my-secret-key"
# Every character class n8n escapes: accents, & < > " + ` ' , a backslash, an emoji outside the BMP.
TITLE = 'Café & <b>"x"</b> + `y` \\ naïve \U0001f600 it\'s'
PAYLOAD = {
    "Action": "Update",
    "Guid": "6f1c",
    "EntityType": "Ticket",
    "Id": 42,
    "Fields": {"title": TITLE, "status": 5, "dueDateTime": None},
    "EventTime": "2026-12-07T09:41:02.123Z",
    "SequenceNumber": 7,
    "PersonID": 29682885,
}
# Both values below were produced by running msoukhomlinov/n8n-nodes-autotask's
# nodes/Autotask/helpers/webhook/signature.ts (customEscapeJsonStrings over JSON.stringify(PAYLOAD), and
# generateWebhookSignature(PAYLOAD, KEY)) under Node 20: an independent implementation, not this module.
N8N_ESCAPED = (
    '{"Action":"Update","Guid":"6f1c","EntityType":"Ticket","Id":42,"Fields":{"title":"Caf\\u00E9 \\u0026 '
    "\\u003Cb\\u003E\\u0022x\\u0022\\u003C/b\\u003E \\u002B \\u0060y\\u0060 \\\\ na\\u00EFve \\uD83D\\uDE00 "
    'it\\u0027s","status":5,"dueDateTime":null},"EventTime":"2026-12-07T09:41:02.123Z","SequenceNumber":7,'
    '"PersonID":29682885}'
)
N8N_SIGNATURE = "sha1=eAvZHvMCZN6OCXtwp08Z9k81t/I="


def test_body_is_byte_for_byte_what_n8n_reconstructs_as_signed_text() -> None:
    assert callout_body(PAYLOAD) == N8N_ESCAPED.encode("ascii")


def test_signature_matches_n8n_generate_webhook_signature() -> None:
    assert signature(KEY, callout_body(PAYLOAD)) == N8N_SIGNATURE


def test_body_parses_back_to_the_payload() -> None:
    assert json.loads(callout_body(PAYLOAD)) == PAYLOAD


def test_verify_accepts_the_signature_of_the_exact_bytes() -> None:
    body = callout_body(PAYLOAD)
    assert verify(KEY, body, signature(KEY, body))


def test_verify_refuses_a_re_serialised_body() -> None:
    # What a receiver gets wrong (n8n-nodes-autotask issue #6): json.dumps does not escape & < > + ` ' the
    # way Autotask does, so the re-serialised text differs and so does its HMAC.
    body = callout_body(PAYLOAD)
    resent = json.dumps(json.loads(body), separators=(",", ":"), ensure_ascii=False).encode()
    assert resent != body
    assert not verify(KEY, resent, signature(KEY, body))


@pytest.mark.parametrize("header", [None, "", "sha1=", "sha1=AAAA", "eAvZHvMCZN6OCXtwp08Z9k81t/I="])
def test_verify_refuses_missing_or_wrong_headers(header: str | None) -> None:
    assert not verify(KEY, callout_body(PAYLOAD), header)


def test_verify_refuses_another_key() -> None:
    body = callout_body(PAYLOAD)
    assert not verify("other-key", body, signature(KEY, body))


def test_verify_refuses_a_non_ascii_header_without_raising() -> None:
    assert not verify(KEY, callout_body(PAYLOAD), "sha1=é")


def test_control_characters_are_escaped_as_dotnet_writes_them() -> None:
    body = callout_body({"t": "a\nb\tc\x01\x7f"})
    assert body == b'{"t":"a\\nb\\tc\\u0001\\u007F"}'


def test_keys_keep_the_payload_order() -> None:
    payload = callout_payload("Create", "g", "Ticket", 1, {"b": 1, "a": 2}, "2026-01-01T00:00:00Z", 1, None)
    assert callout_body(payload).startswith(b'{"Action":"Create","Guid":"g","EntityType":"Ticket","Id":1,')
    assert b'"Fields":{"b":1,"a":2}' in callout_body(payload)
    assert callout_body(payload).endswith(b'"SequenceNumber":1,"PersonID":null}')


def test_datetimes_are_written_in_utc_with_trimmed_fraction() -> None:
    plus_two = timezone(timedelta(hours=2))
    assert callout_body({"t": datetime(2026, 1, 2, 5, 4, 5, 120000, tzinfo=plus_two)}) == (
        b'{"t":"2026-01-02T03:04:05.12Z"}'
    )
    assert callout_body({"t": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)}) == b'{"t":"2026-01-02T03:04:05Z"}'


def test_unknown_action_is_refused() -> None:
    with pytest.raises(ValueError, match="action must be one of"):
        callout_payload("Patch", "g", "Ticket", 1, {}, "2026-01-01T00:00:00Z", 1, None)


def test_values_json_cannot_carry_are_refused() -> None:
    with pytest.raises(ValueError):
        callout_body({"x": float("nan")})
    with pytest.raises(TypeError):
        callout_body({"x": object()})


def test_deactivation_notice_names_its_action_and_no_entity() -> None:
    notice = deactivation_payload("g", "2026-01-01T00:00:00Z")
    assert notice["Action"] == "Deactivated"
    assert "EntityType" not in notice and "Id" not in notice
