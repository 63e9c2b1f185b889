"""Edges of redaction a mutation run found untested: a ``password`` key in a body, and who a recorded call
impersonated, which a cassette must not keep."""

from __future__ import annotations

import json

import pytest

from fake_server.redaction import REDACTED, scrub_body
from harness.scrub import Scrubber


@pytest.mark.parametrize("key", ["password", "Password", "newPassword", "PASSWORD_HASH"])
def test_a_password_key_in_a_body_is_redacted_at_any_depth(key: str) -> None:
    body = json.dumps({"name": "kept", "login": {key: "correct-horse-battery"}}).encode()
    scrubbed = json.loads(scrub_body(body))
    assert scrubbed == {"name": "kept", "login": {key: REDACTED}}


def test_a_cassette_keeps_no_impersonation_header() -> None:
    kept = Scrubber().headers(
        {"ImpersonationResourceId": "29682885", "impersonationresourceid": "29682885", "Accept": "application/json"}
    )
    assert kept == {"Accept": "application/json"}
