"""Keeping secrets and personal data out of everything the harness writes.

Credential headers are dropped (the API's three, Authorization, cookies, and any header whose name has a
secret-looking word in it, such as ``X-Api-Secret``); ``user=``, ``UserName=``, ``ApiIntegrationCode=``,
``Secret=`` and other secret-looking parameters or path segments, in any casing, and secret-looking JSON keys
become ``REDACTED``; configured personal values (emails, phone numbers, names) become placeholders derived
from the value itself, so the same value gets the same placeholder in every recording and every replay.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from fake_server.face import CREDENTIAL_HEADERS as JOURNAL_CREDENTIAL_HEADERS
from fake_server.face import REDACTED, is_credential_header, is_credential_name, scrub_url

# Beyond what the fake's journal drops: answers' cookies, and who a recorded call impersonated.
CASSETTE_CREDENTIAL_HEADERS = JOURNAL_CREDENTIAL_HEADERS | {"set-cookie", "impersonationresourceid"}
# Starting only where a run of address characters starts: from every character of a long run, the search
# rescanned the rest of it (64 KB of letters cost seconds). The leftmost match is the same either way.
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]+(\.[\w-]+)+")
# Shorter literals are not real credentials (a placeholder such as "x"); replacing them would garble every text.
MIN_LITERAL = 4
PHONE = re.compile(r"\+?\d[\d ().-]{7,}\d")
# Where the harness and the clients it runs find the API user's credentials.
CREDENTIAL_VARIABLES = (
    "AUTOTASK_USERNAME",
    "AUTOTASK_SECRET",
    "AUTOTASK_INTEGRATION_CODE",
    "AT_USERNAME",
    "AT_SECRET",
    "AT_INTEGRATION_CODE",
)


def without_literals(text: str, literals: Iterable[str]) -> str:
    """The text with each literal (as it is, and percent-encoded) replaced by ``REDACTED``."""
    for literal in literals:
        if len(literal) >= MIN_LITERAL:
            for form in {literal, quote(literal, safe="")}:
                text = text.replace(form, REDACTED)
    return text


def credentials_in_environment() -> frozenset[str]:
    """The credentials this process was given, to be kept out of what it prints."""
    return frozenset(value for name in CREDENTIAL_VARIABLES if (value := os.environ.get(name)))


def redact(text: str, literals: Iterable[str] = ()) -> str:
    """A message, path or URL with every credential it names redacted (``Secret=...``, ``/UserName=...``,
    ``user:password@``, also percent-encoded), and the given literal values wherever they appear."""
    return without_literals(scrub_url(text), literals)


def placeholder(kind: str, value: str) -> str:
    """The same stand-in for the same value, every time: ``email-1a2b3c4d@example.invalid``."""
    digest = hashlib.sha256(value.encode("utf-8")).hexdigest()[:8]
    return f"{kind}-{digest}@example.invalid" if kind == "email" else f"<{kind}-{digest}>"


@dataclass(frozen=True)
class Scrubber:
    """What to hide. ``fields`` are JSON keys whose values are personal (matched case-insensitively)."""

    emails: bool = True
    # Free-text phone matching would also catch dates and ticket numbers; phone fields are scrubbed by name.
    phones: bool = False
    fields: frozenset[str] = field(
        default_factory=lambda: frozenset(
            {
                "firstname",
                "lastname",
                "middlename",
                "username",
                "email",
                "email2",
                "email3",
                "emailaddress",
                "emailaddress2",
                "emailaddress3",
                "phone",
                "mobilephone",
                "homephone",
                "officephone",
                "fax",
                "faxnumber",
                "alternatephone",
                "alternatephone1",
                "alternatephone2",
            }
        )
    )
    # Exact values to hide wherever they appear (the run's own credentials, should a tenant echo one back).
    literals: frozenset[str] = frozenset()

    def for_caller(self, headers: dict[str, Any]) -> Scrubber:
        """This scrubber also hiding the credential values a request's headers carry (its ``UserName``,
        ``Secret``, ``ApiIntegrationCode``...), wherever its URL or body repeats them: a client that pasted its
        own secret into a ticket must not find it in the cassette."""
        values = {
            value
            for name, value in headers.items()
            if isinstance(value, str) and name.lower() in JOURNAL_CREDENTIAL_HEADERS and len(value) >= MIN_LITERAL
        }
        return replace(self, literals=self.literals | values) if values - self.literals else self

    def headers(self, headers: dict[str, Any]) -> dict[str, Any]:
        dropped = CASSETTE_CREDENTIAL_HEADERS
        return {k: v for k, v in headers.items() if k.lower() not in dropped and not is_credential_header(k)}

    def url(self, url: str) -> str:
        url = without_literals(scrub_url(url), self.literals)
        parts = urlsplit(url)
        if not parts.query:
            return url
        pairs = [
            (k, REDACTED if is_credential_name(k) else self.text(v))
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
        ]
        return urlunsplit(parts._replace(query=urlencode(pairs)))

    def text(self, text: str) -> str:
        """A JSON document scrubbed as data, or plain text scrubbed by pattern."""
        try:
            data = json.loads(text)
        except ValueError:
            return self.plain(text)
        return json.dumps(self.value(data), ensure_ascii=False, separators=(",", ":"))

    def value(self, data: Any, key: str = "") -> Any:
        lowered = key.lower()
        # Secret-looking keys and user-name keys that are not personal fields (``username`` is: a placeholder).
        if isinstance(data, str | dict | list) and is_credential_name(lowered) and lowered not in self.fields:
            return REDACTED
        if isinstance(data, dict):
            return {k: self.value(v, str(k)) for k, v in data.items()}
        if isinstance(data, list):
            return [self.value(v, key) for v in data]
        if isinstance(data, str):
            if lowered in self.fields:
                return placeholder("email" if EMAIL.fullmatch(data) else lowered, data) if data else data
            return self.plain(data)
        return data

    def plain(self, text: str) -> str:
        """Free text with the literals redacted and personal values replaced by placeholders."""
        text = without_literals(text, self.literals)
        if self.emails:
            text = EMAIL.sub(lambda m: placeholder("email", m.group(0)), text)
        if self.phones:
            text = PHONE.sub(lambda m: placeholder("phone", m.group(0)), text)
        return text
