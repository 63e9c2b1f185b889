"""Credential redaction in text and URLs takes time linear in the text, and finds what the single regex it
replaced found (that regex, kept here as the specification, tried every quote and comma as the start of a name
and rescanned the rest of the text from each: quadratic)."""

from __future__ import annotations

import re
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from fake_server.redaction import REDACTED, SECRET_WORDS, USER_NAMES, _scrub_credentials, scrub_body, scrub_url
from harness.scrub import Scrubber

_USERS, _WORDS = "|".join(sorted(USER_NAMES, key=len, reverse=True)), "|".join(SECRET_WORDS)
_NAME = rf"(?:{_USERS}|[^=&#;/?\s]*?(?:{_WORDS})[^=&#;/?\s]*?)"
SPECIFICATION = re.compile(
    rf"((?:^|[?&;\s'\"(,]){_NAME}=)(?!{REDACTED}(?:[&#;:.,\s'\")]|$))[^&#\s]*"
    rf"|(/{_NAME}=)(?!{REDACTED}(?:[/?&#;:.,\s'\")]|$))[^/?&#;\s]*",
    re.IGNORECASE,
)


def specified(text: str) -> str:
    return SPECIFICATION.sub(rf"\1\2{REDACTED}", text)


PIECES = st.sampled_from(
    [
        *"=&#;/?'\"(, \t.:)x@%",
        "user",
        "UserName",
        "secret",
        "PassWord",
        "token",
        "apikey",
        "REDACTED",
        "redacted",
        "a",
        "Secret=",
        "?user=",
        "/password=",
        "https://",
        "search=",
    ]
)


@settings(max_examples=1000, deadline=None)
@given(st.lists(PIECES, max_size=14).map("".join))
def test_redaction_finds_what_the_single_regex_found(text: str) -> None:
    # The name=value search alone: scrub_url adds percent-decoding, user:password@ and JSON keys around it.
    assert _scrub_credentials(text) == specified(text)


def _seconds(scrub: object, argument: object) -> float:
    started = time.perf_counter()
    scrub(argument)  # type: ignore[operator]
    return time.perf_counter() - started


def test_adversarial_texts_cost_time_linear_in_their_length() -> None:
    # Runs of quotes and commas: every character a possible start of a name. Four times the text may cost
    # about four times the time; the quadratic search took sixteen (4 KB: 1 s; 16 KB: 16 s). The ratio, not a
    # time, is asserted, with a wide margin, and each size measured at its best of three.
    def url(size: int) -> str:
        return "/ATServicesRest/V1.0/Tickets/query?search=" + ',"' * (size // 2)

    def body(size: int) -> bytes:
        return b',"' * (size // 2) + b" password=x"

    def keys(size: int) -> str:  # JSON keys to check one by one, in a search= that is not JSON
        return "/Tickets/query?password=1&search=" + '"a":' * (size // 4)

    def escapes(size: int) -> str:  # quotes that all escape, after a credential key
        return '/Tickets/query?search="password":1 ' + '"\\"' * (size // 3)

    def letters(size: int) -> str:  # where an e-mail address might start, for the cassette scrubber
        return "a" * size

    cases = [(url, scrub_url), (body, scrub_body), (keys, scrub_url), (escapes, scrub_url), (letters, Scrubber().plain)]
    for make, scrub in cases:
        small = min(_seconds(scrub, make(4_000)) for _ in range(3))
        large = min(_seconds(scrub, make(16_000)) for _ in range(3))
        assert large < max(small, 0.002) * 10, (make.__name__, small, large)
